"""Build a deterministic, realistic demo network for one user.

The same seed and the same `today` give the same people, interactions and notes in
the same order (only the globally unique `uid` columns also depend on the owner, so
two users can hold the same demo). Everything is drawn from one `random.Random`,
built in memory and written with bulk inserts inside one transaction.

The network has the shape of a real one: a small inner circle in weekly touch, good
friends, regular and occasional contacts, many weak ties, fading ties (frequent years
ago, rare lately), dormant ties (two-way contact 2-5 years ago, silence since), a few
people the user has only ever asked things of, and some recent job changes.
"""

# long because: one builder draws the people, five years of their history and job
# changes from a single random state and saves them in one transaction; its steps share
# that state and the plans, so splitting them would pass both through every call.

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from amity.core import hooks
from amity.domain.names import normalize_linkedin_url
from amity.people.models import ContactPoint, Interaction, Note, Person, Tag
from amity.people.services import apply_name, build_search_text, normalize_contact
from amity.portability import demo_vocabulary as data

PEOPLE = 340
YEARS = 5
SOURCE = "demo"

# Tier sizes and base contact rate (expected interactions per week) before profiles.
TIERS: tuple[tuple[str, int, float], ...] = (
    ("inner", 5, 1.25),
    ("good", 15, 0.45),
    ("regular", 50, 0.16),
    ("occasional", 150, 0.035),
    ("weak", PEOPLE - 220, 0.0),
)
FADING, DORMANT, TAKERS, JOB_CHANGES, TIMELINE_NOTES = 12, 25, 5, 10, 55


class DemoRefused(ValueError):
    """The user already has people and the caller did not ask to replace them."""


@dataclass(frozen=True)
class DemoSummary:
    """How much the demo created."""

    people: int
    interactions: int
    notes: int
    contact_points: int
    tags: int


@dataclass
class _Plan:
    """One demo person while the network is being drawn, before it is saved."""

    index: int
    person: Person
    field: data.Field
    pronouns: dict[str, str]
    tier: str = "weak"
    profile: str = "steady"  # steady | growing | fading | dormant | taker
    active_from: dt.date = dt.date.min
    contacts: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclass
class _Event:
    """One interaction, drawn but not yet saved."""

    when: dt.datetime
    plan: _Plan
    channel: str
    direction: str
    intent: str
    subtype: str
    summary: str
    others: list[_Plan] = dataclasses.field(default_factory=list)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text.lower()).split())


def _fill_digits(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randrange(10)) if c == "x" else c for c in pattern)


class _Builder:
    """Draw the demo network for one seed and one `today`."""

    def __init__(self, *, owner: AbstractBaseUser, seed: int, today: dt.date) -> None:
        self.owner = owner
        self.rng = random.Random(seed)
        self.today = today
        self.start = today - dt.timedelta(days=round(YEARS * 365.25))
        self.tz = timezone.get_default_timezone()
        self.plans: list[_Plan] = []
        self.events: list[_Event] = []
        self.notes: list[tuple[_Plan, dt.datetime, str]] = []

    # People ------------------------------------------------------------------

    def draw_people(self) -> None:
        """Draw PEOPLE distinct people with profiles, contacts and tags."""
        rng = self.rng
        taken: dict[str, None] = {}
        region_weights = [r.weight for r in data.REGIONS]
        field_weights = [f.weight for f in data.FIELDS]
        while len(self.plans) < PEOPLE:
            region = rng.choices(data.REGIONS, weights=region_weights)[0]
            gender = rng.choice("fm")
            given = rng.choice(region.female if gender == "f" else region.male)
            family = rng.choice(region.family)
            name = f"{given} {family}"
            if name in taken:
                continue
            taken[name] = None
            pronouns = data.PRONOUNS["x" if rng.random() < 0.06 else gender]
            person = Person(owner=self.owner)
            apply_name(person, name)
            plan = _Plan(
                len(self.plans),
                person,
                rng.choices(data.FIELDS, weights=field_weights)[0],
                pronouns,
            )
            self._profile(plan, region, given, family)
            self.plans.append(plan)
        self._assign_tiers()

    def _profile(self, plan: _Plan, region: data.Region, given: str, family: str) -> None:
        rng, person, fld = self.rng, plan.person, plan.field
        person.field = fld.name
        if rng.random() < 0.07:
            person.title = "Independent consultant"
        else:
            person.company = rng.choice(fld.companies)
            person.title = rng.choice(fld.titles)
        home = region if rng.random() < 0.75 else rng.choice(data.REGIONS)
        person.location = rng.choice(home.cities)
        interests = rng.sample(fld.interests, 2) + rng.sample(data.HOBBIES, rng.randrange(3))
        person.interests = list(dict.fromkeys(interests))
        if rng.random() < 0.35:
            person.birthday = dt.date(
                rng.randrange(1962, 2002), rng.randrange(1, 13), rng.randrange(1, 29)
            )
        if rng.random() < 0.88:
            slug = f"{_slug(given)}-{_slug(family)}-{rng.getrandbits(24):06x}"
            person.linkedin_url = normalize_linkedin_url(f"linkedin.com/in/{slug}")
        local = f"{_slug(given)}.{_slug(family)}".replace("-", "")
        if rng.random() < 0.75:
            domain = rng.choice(("example.com", "example.org", "example.net"))
            plan.contacts.append(("email", f"{local}@{domain}"))
            if person.company and rng.random() < 0.3:
                work = _slug(person.company).replace("-", "")
                plan.contacts.append(("email", f"{_slug(given)}@{work}.example"))
        if rng.random() < 0.45:
            plan.contacts.append(("phone", _fill_digits(rng, region.phone_pattern)))
        if rng.random() < 0.08:
            plan.contacts.append(("url", f"https://{_slug(given)}{_slug(family)}.example.org"))
        # How the user knows them decides both the story and the tags.
        story = rng.choice([*data.SOCIAL_TAGS[:-1], "other", "other", "other", "other"])
        if story != "other":
            plan.tags.append(story)
        if fld.tag and rng.random() < 0.6:
            plan.tags.append(fld.tag)
        if rng.random() < 0.05:
            plan.tags.append("hiring")
        old_company = rng.choice([c for c in fld.companies if c != person.company])
        person.how_we_met = self._fill(
            rng.choice(data.HOW_WE_MET[story]), plan, old_company=old_company
        )
        if rng.random() < 0.6:
            person.notes = self._fill(rng.choice(data.NOTE_TEMPLATES), plan, how=story)
        if rng.random() < 0.25:
            person.looking_for = self._fill(rng.choice(data.LOOKING_FOR), plan)
        if rng.random() < 0.25:
            person.can_offer = self._fill(rng.choice(data.CAN_OFFER), plan)

    def _assign_tiers(self) -> None:
        """Give each person a tier, a profile and the date the relationship began."""
        rng = self.rng
        order = list(self.plans)
        rng.shuffle(order)
        position = 0
        for tier, size, _rate in TIERS:
            for plan in order[position : position + size]:
                plan.tier = tier
            position += size
        by_tier = {tier: [p for p in order if p.tier == tier] for tier, _s, _r in TIERS}
        for plan in by_tier["occasional"][:DORMANT]:
            plan.tier = plan.profile = "dormant"
        for plan in by_tier["good"][:4] + by_tier["regular"][: FADING - 4]:
            plan.profile = "fading"
        for plan in by_tier["weak"][:TAKERS]:
            plan.profile = "taker"
        window = (self.today - self.start).days
        for plan in self.plans:
            # Fading and dormant ties are old ones; about a third of the rest are newer
            # than the five-year window and grow from the day they began.
            old = plan.profile in ("fading", "dormant") or rng.random() < 0.65
            if old:
                began = self.start - dt.timedelta(days=rng.randrange(30, 3650))
            else:
                began = self.start + dt.timedelta(days=rng.randrange(30, window - 60))
                plan.profile = "growing" if plan.profile == "steady" else plan.profile
            plan.active_from = max(began, self.start)
            person = plan.person
            if rng.random() < 0.9:
                person.connected_on = began + dt.timedelta(days=rng.randrange(0, 40))
            added = max(began, self.start - dt.timedelta(days=rng.randrange(0, 60)))
            person.created_at = self._at(added, "email")
            person.updated_at = person.created_at
            if plan.tier == "inner":
                plan.tags.append("close friends")
            person.provenance = {
                name: SOURCE
                for name in (
                    "full_name",
                    "company",
                    "title",
                    "field",
                    "location",
                    "how_we_met",
                    "notes",
                    "looking_for",
                    "can_offer",
                    "birthday",
                    "connected_on",
                    "interests",
                )
                if getattr(person, name)
            }

    # Interactions --------------------------------------------------------------

    def draw_interactions(self) -> None:
        """Draw every person's interactions according to their tier and profile."""
        rates = {tier: rate for tier, _size, rate in TIERS}
        groupable = [
            p
            for p in self.plans
            if p.tier in ("inner", "good", "regular") and p.profile in ("steady", "growing")
        ]
        for plan in self.plans:
            if plan.profile == "taker":
                self._draw_taker(plan)
            elif plan.profile == "dormant":
                self._draw_dormant(plan)
            elif plan.tier == "weak":
                for _ in range(self.rng.randrange(1, 4)):
                    self._add(plan, self._random_day(plan.active_from, self.today))
            else:
                self._draw_weekly(plan, rates[plan.tier], groupable)
        self._draw_job_changes()
        self._draw_timeline_notes()
        self.events.sort(key=lambda e: (e.when, e.plan.index))

    def _draw_weekly(self, plan: _Plan, rate: float, groupable: list[_Plan]) -> None:
        rng, last_day = self.rng, self.today - dt.timedelta(days=1)
        week = plan.active_from
        while week <= last_day:
            days_ago = (self.today - week).days
            expected = rate * self._factor(plan, days_ago)
            if plan.tier == "inner" and days_ago < 90:
                expected = max(expected, 1.0)  # the inner circle is in weekly touch now
            count = int(expected) + (rng.random() < expected - int(expected))
            for _ in range(count):
                day = min(week + dt.timedelta(days=rng.randrange(7)), last_day)
                event = self._add(plan, day)
                if (
                    event.channel in data.LIVE_CHANNELS
                    and event.intent == "neutral"
                    and rng.random() < 0.2
                ):
                    self._join(event, groupable)
            week += dt.timedelta(days=7)

    def _factor(self, plan: _Plan, days_ago: int) -> float:
        if plan.profile == "fading":
            return 2.2 if days_ago > 730 else (0.35 if days_ago > 365 else 0.08)
        if plan.profile == "growing":
            return 1.3
        return 1.0

    def _draw_dormant(self, plan: _Plan) -> None:
        """Several two-way interactions 2-5 years ago, and nothing since."""
        end = self.today - dt.timedelta(days=2 * 365 + 30)
        days = sorted(
            self._random_day(plan.active_from, end) for _ in range(self.rng.randrange(4, 10))
        )
        for number, day in enumerate(days):
            if number < 2:
                # One catch-up each way, so the tie was clearly two-way.
                self._add(plan, day, kind="catch_up", direction=("inbound", "outbound")[number])
            else:
                self._add(plan, day)

    def _draw_taker(self, plan: _Plan) -> None:
        """Someone the user has only ever asked things of."""
        for _ in range(self.rng.randrange(3, 7)):
            self._add(plan, self._random_day(plan.active_from, self.today), kind="ask")

    def _draw_job_changes(self) -> None:
        rng = self.rng
        candidates = [
            p
            for p in self.plans
            if p.tier in ("good", "regular", "occasional")
            and p.profile in ("steady", "growing")
            and p.person.company
        ]
        for plan in rng.sample(candidates, JOB_CHANGES):
            person = plan.person
            old_company, old_title = person.company, person.title
            person.company = rng.choice([c for c in plan.field.companies if c != old_company])
            person.title = rng.choice([t for t in plan.field.titles if t != old_title])
            when = self._at(self.today - dt.timedelta(days=rng.randrange(3, 60)), "email")
            person.updated_at = when
            body = data.JOB_CHANGE_NOTE.format(
                title=person.title,
                company=person.company,
                old_title=old_title,
                old_company=old_company,
            )
            self.notes.append((plan, when, body))
            if rng.random() < 0.7:
                day = min(when.date() + dt.timedelta(days=rng.randrange(0, 3)), self._yesterday)
                self._add(plan, day, kind="give", subtype="congrats")

    def _draw_timeline_notes(self) -> None:
        rng = self.rng
        for plan in rng.sample([p for p in self.plans if p.profile != "taker"], TIMELINE_NOTES):
            end = self._yesterday
            if plan.profile == "dormant":
                end = self.today - dt.timedelta(days=2 * 365 + 30)
            day = self._random_day(plan.active_from, end)
            body = self._fill(rng.choice(data.TIMELINE_NOTES), plan)
            self.notes.append((plan, self._at(day, "email"), body))

    @property
    def _yesterday(self) -> dt.date:
        return self.today - dt.timedelta(days=1)

    def _random_day(self, first: dt.date, last: dt.date) -> dt.date:
        last = min(last, self._yesterday)
        span = max((last - first).days, 0)
        return first + dt.timedelta(days=self.rng.randrange(span + 1))

    def _at(self, day: dt.date, channel: str) -> dt.datetime:
        low, high = data.HOURS.get(channel, (7, 23))
        clock = dt.time(self.rng.randrange(low, high), self.rng.randrange(60))
        return dt.datetime.combine(day, clock, tzinfo=self.tz)

    def _add(
        self,
        plan: _Plan,
        day: dt.date,
        *,
        kind: str = "",
        subtype: str = "",
        direction: str = "",
    ) -> _Event:
        """Draw one interaction with `plan` on `day` and record it."""
        rng = self.rng
        tier = "dormant" if plan.profile == "dormant" else plan.tier
        kind = kind or rng.choices(data.KINDS, weights=data.KIND_WEIGHTS[tier])[0]
        if kind == "catch_up":
            channel = _weighted(rng, data.CHANNEL_WEIGHTS[tier])
            intent, subtype = "neutral", ""
            if not direction:
                live = channel in data.LIVE_CHANNELS
                direction = "mutual" if live else rng.choice(("outbound", "inbound"))
            template = rng.choice(data.CATCH_UP[channel])
        else:
            giving = kind in ("give", "they_give")
            subtype = subtype or _weighted(rng, data.GIVE_SUBTYPES if giving else data.ASK_SUBTYPES)
            channel = rng.choice(data.SUBTYPE_CHANNELS[subtype])
            intent = "deposit" if giving else "withdrawal"
            direction = "outbound" if kind in ("give", "ask") else "inbound"
            pool = {"give": data.GIVE, "ask": data.ASK, "they_give": data.THEY_GIVE}
            template = rng.choice(pool.get(kind, data.THEY_ASK)[subtype])
        event = _Event(
            when=self._at(day, channel),
            plan=plan,
            channel=channel,
            direction=direction,
            intent=intent,
            subtype=subtype,
            summary=self._fill(template, plan),
        )
        self.events.append(event)
        return event

    def _join(self, event: _Event, groupable: list[_Plan]) -> None:
        """Turn a meeting into a group one with one or two more people of the network."""
        rng, day = self.rng, event.when.date()
        pool = [
            p
            for p in groupable
            if p is not event.plan and p.active_from <= day and p.field is event.plan.field
        ] or [p for p in groupable if p is not event.plan and p.active_from <= day]
        if not pool:
            return
        event.others = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2))))
        names = [p.person.given_name for p in (event.plan, *event.others)]
        joined = ", ".join(names[:-1]) + " and " + names[-1]
        event.summary = self._fill(rng.choice(data.GROUP), event.plan, names=joined)

    def _fill(self, template: str, plan: _Plan, **extra: str) -> str:
        """Fill a phrase template with details of `plan` and of the wider network."""
        rng, person = self.rng, plan.person
        topics = list(plan.field.interests)
        values: dict[str, Any] = {
            **plan.pronouns,
            "They_cap": plan.pronouns["they"].capitalize(),
            "Their_cap": plan.pronouns["their"].capitalize(),
            "topic": rng.choice(topics),
            "interest": (person.interests or topics)[0],
            "hobby": rng.choice(data.HOBBIES),
            "city": person.location or "town",
            "company": person.company or rng.choice(plan.field.companies),
            "field": plan.field.name.lower(),
            "other_field": rng.choice(data.FIELDS).name.lower(),
            "conference": rng.choice(data.CONFERENCES),
            "year": str(self.today.year - rng.randrange(2, 9)),
            "channel": rng.choice(("calls", "voice notes", "messages", "a coffee")),
            "other": self.plans[rng.randrange(len(self.plans))].person.full_name
            if self.plans
            else "a friend",
            "old_company": "",
            "how": "",
            "names": "",
        }
        values.update(extra)
        if "how" in extra:
            values["how"] = extra["how"].replace("other", "a friend of a friend")
        return template.format(**values)

    # Saving --------------------------------------------------------------------

    def save(self, uid_rng: random.Random) -> DemoSummary:
        """Write everything with bulk inserts; return the counts."""
        # long because: it writes the whole demo in one transaction, table by table in
        # dependency order, with the uid and id maps the later tables need.

        def new_uid() -> uuid.UUID:
            return uuid.UUID(int=uid_rng.getrandbits(128), version=4)

        counts = [0] * len(self.plans)
        last: list[dt.datetime | None] = [None] * len(self.plans)
        for event in self.events:
            for plan in (event.plan, *event.others):
                counts[plan.index] += 1
                last[plan.index] = event.when  # events are sorted, so this is the latest
        for plan in self.plans:
            person = plan.person
            person.uid = new_uid()
            person.interaction_count = counts[plan.index]
            person.last_interaction_at = last[plan.index]
            person.search_text = build_search_text(person, [value for _k, value in plan.contacts])
        people = Person.objects.bulk_create([p.person for p in self.plans], batch_size=500)

        contact_points = []
        for plan in self.plans:
            for position, (kind, value) in enumerate(plan.contacts):
                contact_points.append(
                    ContactPoint(
                        owner=self.owner,
                        person=plan.person,
                        kind=kind,
                        value=value,
                        normalized=normalize_contact(kind, value),
                        is_primary=position == 0 or plan.contacts[position - 1][0] != kind,
                    )
                )
        ContactPoint.objects.bulk_create(contact_points, batch_size=500)

        tag_names = list(dict.fromkeys(name for plan in self.plans for name in plan.tags))
        tags = {t.name: t for t in Tag.objects.filter(owner=self.owner, name__in=tag_names)}
        missing = [Tag(owner=self.owner, name=n) for n in tag_names if n not in tags]
        tags.update({t.name: t for t in Tag.objects.bulk_create(missing)})
        PersonTag = Person.tags.through
        PersonTag.objects.bulk_create(
            [
                PersonTag(person_id=plan.person.pk, tag_id=tags[name].pk)
                for plan in self.plans
                for name in plan.tags
            ],
            batch_size=500,
        )

        interactions = [
            Interaction(
                owner=self.owner,
                uid=new_uid(),
                occurred_at=e.when,
                channel=e.channel,
                direction=e.direction,
                intent=e.intent,
                subtype=e.subtype,
                summary=e.summary,
                source=SOURCE,
                created_at=e.when,
            )
            for e in self.events
        ]
        Interaction.objects.bulk_create(interactions, batch_size=500)
        Participant = Interaction.people.through
        Participant.objects.bulk_create(
            [
                Participant(interaction_id=row.pk, person_id=plan.person.pk)
                for row, event in zip(interactions, self.events, strict=True)
                for plan in (event.plan, *event.others)
            ],
            batch_size=500,
        )

        self.notes.sort(key=lambda item: (item[1], item[0].index))
        notes = [
            Note(owner=self.owner, uid=new_uid(), person=plan.person, body=body, created_at=when)
            for plan, when, body in self.notes
        ]
        Note.objects.bulk_create(notes, batch_size=500)
        return DemoSummary(
            people=len(people),
            interactions=len(interactions),
            notes=len(notes),
            contact_points=len(contact_points),
            tags=len(tag_names),
        )


def clear_network(*, owner: AbstractBaseUser) -> dict[str, int]:
    """Delete the owner's interactions and people (with their notes and contacts)."""
    with transaction.atomic():
        interactions, _ = Interaction.objects.filter(owner=owner).delete()
        people = Person.objects.filter(owner=owner).count()
        Person.objects.filter(owner=owner).delete()
    return {"people": people, "interactions": interactions}


def build_demo(
    *,
    owner: AbstractBaseUser,
    seed: int = 7,
    today: dt.date | None = None,
    replace: bool = False,
) -> DemoSummary:
    """Build the demo network for `owner`; the same seed and day give the same data.

    Raises DemoRefused when the owner already has people, unless `replace` is true,
    in which case their people and interactions are deleted first (in the same
    transaction, so a failure leaves the old network in place).
    """
    day = today or timezone.localdate()
    builder = _Builder(owner=owner, seed=seed, today=day)
    builder.draw_people()
    builder.draw_interactions()
    # uids are unique across users, so they alone depend on the owner.
    uid_rng = random.Random(f"amity-demo:{seed}:{owner.pk}")
    with transaction.atomic():
        if Person.objects.filter(owner=owner).exists():
            if not replace:
                raise DemoRefused("this user already has people; replace them to build the demo")
            clear_network(owner=owner)
        summary = builder.save(uid_rng)
        # Share's profile vectors are made by the background worker once this commits.
        hooks.profiles_changed(owner_id=owner.pk)
        return summary
