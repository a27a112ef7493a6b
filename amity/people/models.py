"""Store people, how to reach them, tags, notes and the interactions with them.

Every row a user owns carries `owner`; every query a surface makes filters by it.
Timestamps use `default=timezone.now` rather than auto_now so that a restore can
reproduce an export exactly; services set `updated_at` when they change a row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from amity.core.owned_rows import OwnedManager

# The condition of the person_owner_dates index, which its queries repeat.
HAS_DATES = Q(birthday__isnull=False) | Q(connected_on__isnull=False)


def uid_unique(name: str) -> models.UniqueConstraint:
    """Return the uniqueness of a bulk-restored table's `uid` as a named unique index.

    Not the column's `unique=True`: on SQLite that is a UNIQUE clause inside CREATE
    TABLE whose index cannot be dropped, so a restore of millions of rows with
    random uuid4 uids kept it up to date by a random B-tree walk per row (about
    half the write time of 2M interactions). Written as an expression (F), Django
    makes it a CREATE UNIQUE INDEX of its own on both backends, which the restore
    drops and builds after the rows with one sort (amity.core.deferred_indexes).
    Both databases store a bare column in parentheses as a plain column index.
    """
    return models.UniqueConstraint(F("uid"), name=name)


class Tag(models.Model):
    """A user's label for grouping people ("mentors", "climate", "book club")."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)

    objects = OwnedManager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone in the user's network."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Unique by a named index (Meta.constraints), not the column's UNIQUE: see uid_unique.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    full_name = models.CharField(max_length=200)
    # Parsed parts of full_name (nameparser); kept for sorting, greeting and dedupe.
    prefix = models.CharField(max_length=40, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    suffix = models.CharField(max_length=40, blank=True)
    nickname = models.CharField(max_length=100, blank=True)
    # Lower-cased "family given middle" so the list sorts by surname with one index.
    sort_name = models.CharField(max_length=300, blank=True)
    company = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    field = models.CharField("field / industry", max_length=100, blank=True)
    location = models.CharField(max_length=200, blank=True)
    interests = models.JSONField(default=list, blank=True)
    how_we_met = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Markdown; sanitised when shown.")
    looking_for = models.TextField(blank=True)
    can_offer = models.TextField(blank=True)
    birthday = models.DateField(null=True, blank=True)
    connected_on = models.DateField(null=True, blank=True)
    # The LinkedIn profile URL, normalised (https://www.linkedin.com/in/<slug>), is a
    # first-class key: unique per owner when present.
    linkedin_url = models.CharField(max_length=300, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    # Which source last set each field ({"company": "linkedin", "notes": "manual"}).
    provenance = models.JSONField(default=dict, blank=True)
    # Lower-cased name, company, title, field, location, emails and interests: one
    # column to search instead of a join per keystroke.
    search_text = models.TextField(blank=True, editable=False)
    # Kept up to date by services on every interaction write, so lists can sort by it.
    last_interaction_at = models.DateTimeField(null=True, blank=True)
    interaction_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        ordering = ["sort_name", "id"]
        verbose_name_plural = "people"
        indexes = [
            # Sorted lists page through it; `amity strength` reads id, name and field
            # of everyone from it alone, in order, without visiting the table.
            models.Index(
                fields=["owner", "sort_name", "id", "full_name", "field"],
                name="person_owner_sort_cover",
            ),
            models.Index(fields=["owner", "company", "sort_name"], name="person_owner_company"),
            models.Index(fields=["owner", "field", "sort_name"], name="person_owner_field"),
            models.Index(fields=["owner", "last_interaction_at"], name="person_owner_last"),
            models.Index(fields=["owner", "created_at"], name="person_owner_created"),
            # Covers today's fingerprint (count, latest change) and the summaries'
            # health check (people with interactions, their total) without the table.
            models.Index(
                fields=["owner", "updated_at", "interaction_count"], name="person_owner_upd_count"
            ),
            # Today's list finds birthdays and anniversaries in this index alone, and
            # the few people with a job change seen on import in the next, without
            # reading every person's row (a JSON document and search text each).
            # Both are partial so that only queries spelling their condition use them:
            # with sampled statistics, a search once walked the dates index and
            # fetched rows out of order (134 ms instead of 64).
            models.Index(
                fields=["owner", "birthday", "connected_on"],
                condition=HAS_DATES,
                name="person_owner_dates",
            ),
            models.Index(
                fields=["owner"],
                condition=Q(provenance__has_key="company_changed_on"),
                name="person_owner_job_changed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "linkedin_url"],
                condition=~Q(linkedin_url=""),
                name="person_unique_linkedin",
            ),
            uid_unique("person_unique_uid"),
        ]

    def __str__(self) -> str:
        return self.full_name


class ContactPoint(models.Model):
    """One way to reach a person: an email address, a phone number or a URL."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        URL = "url", "URL"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=300)
    # Lower-cased email, digits-only phone, scheme-less URL: what dedupe compares.
    normalized = models.CharField(max_length=300)
    label = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=False)

    objects = OwnedManager()

    class Meta:
        ordering = ["kind", "-is_primary", "id"]
        indexes = [models.Index(fields=["owner", "kind", "normalized"], name="contact_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "normalized"], name="contact_unique_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Note(models.Model):
    """A dated Markdown note about a person, shown in their timeline."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="timeline_notes")
    body = models.TextField(help_text="Markdown; sanitised when shown.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "created_at"], name="note_person_time")]

    def __str__(self) -> str:
        return self.body[:60]


class Interaction(models.Model):
    """Something that happened between the user and one or more people."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        CALL = "call", "Call"
        MEETING = "meeting", "Meeting"
        MESSAGE = "message", "Message"
        SOCIAL = "social", "Social"
        IN_PERSON = "in_person", "In person"
        LETTER = "letter", "Letter"

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", "Outbound"
        INBOUND = "inbound", "Inbound"
        MUTUAL = "mutual", "Mutual"

    class Intent(models.TextChoices):
        DEPOSIT = "deposit", "Deposit"
        WITHDRAWAL = "withdrawal", "Withdrawal"
        NEUTRAL = "neutral", "Neutral"

    class Subtype(models.TextChoices):
        # deposits
        SHARED_CONTENT = "shared_content", "Shared content"
        INTRODUCTION = "introduction", "Introduction"
        HELP = "help", "Help"
        CONGRATS = "congrats", "Congratulations"
        THANKS = "thanks", "Thanks"
        RECOMMENDATION = "recommendation", "Recommendation"
        GIFT = "gift", "Gift"
        # withdrawals
        FAVOUR = "favour", "Favour"
        REFERRAL = "referral", "Referral"
        ADVICE_REQUEST = "advice_request", "Advice request"
        PITCH = "pitch", "Pitch"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Unique by a named index (Meta.constraints), not the column's UNIQUE: see uid_unique.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.MESSAGE)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.OUTBOUND
    )
    intent = models.CharField(max_length=12, choices=Intent.choices, default=Intent.NEUTRAL)
    subtype = models.CharField(max_length=20, choices=Subtype.choices, blank=True)
    summary = models.TextField(blank=True)
    # The full text of an imported message, kept for triage and the coach.
    content = models.TextField(blank=True)
    people = models.ManyToManyField(Person, related_name="interactions")
    # Where it came from ("manual", "linkedin", "mbox", ...) and the source's stable key
    # (Message-ID, event UID + recurrence id): what makes re-imports idempotent.
    source = models.CharField(max_length=20, default="manual")
    external_id = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # On PostgreSQL the index also carries the id, direction and intent (SQLite
            # ignores INCLUDE; its indexes hold the rowid anyway), so insights reads the
            # window's events from the index alone instead of the wide table's pages.
            models.Index(
                fields=["owner", "occurred_at"],
                include=["id", "direction", "intent"],
                name="interaction_owner_time",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id"],
                condition=~Q(external_id=""),
                name="interaction_unique_external",
            ),
            uid_unique("interaction_unique_uid"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.channel} {self.intent}"
