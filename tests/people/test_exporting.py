"""Test the JSON export and restore, the section registry and the vCard and CSV exports."""

import csv
import dataclasses
import datetime as dt
import io
import json
import uuid

import pytest
import vobject
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from amity.core.json_stream import JsonObjectStream, JsonStreamError
from amity.importers.services import run_import
from amity.importers.source_files import SourceFile
from amity.inbox.moves import relabel
from amity.network import optin
from amity.network import services as network
from amity.people import services, timeline
from amity.people.models import ContactPoint, Interaction, Person, Tag
from amity.portability import exporting, sections
from amity.portability.contact_formats import CSV_COLUMNS, CSV_SEPARATOR, export_csv, export_vcard
from amity.portability.exporting import export_json, restore_json
from amity.portability.sections import RestoreError, Section
from amity.relationships import scoring as relationships
from amity.relationships import today
from amity.relationships.models import PersonSummary


def _build_network(owner) -> dict[str, Person]:
    """Build a varied data set: every field, labels, tags, notes, group interactions."""
    ada = services.create_person(
        owner=owner,
        full_name='Dr. Augusta "Ada" King Lovelace',
        emails=["ada@example.org", "countess@example.org"],
        phones=["+44 20 7946 0958"],
        urls=["https://ada.example/"],
        linkedin_url="linkedin.com/in/ada-lovelace",
        interests=["mathematics", "poetry"],
        tags=["mentors", "pioneers"],
        company="Analytical Engines, Ltd.",
        title="Countess",
        field="mathematics",
        location="London, UK",
        how_we_met="At a soirée",
        notes="Line one\nLine two, with a comma",
        looking_for="Collaborators",
        can_offer="Notes on the engine",
        birthday="1815-12-10",
        connected_on="1833-06-05",
        source="linkedin",
    )
    ContactPoint.objects.filter(person=ada, normalized="countess@example.org").update(label="work")
    charles = services.create_person(
        owner=owner, full_name="Charles Babbage", emails=["charles@example.org"], tags=["mentors"]
    )
    mary = services.create_person(owner=owner, full_name="Mary Somerville")
    Tag.objects.create(owner=owner, name="unused tag")
    when = dt.datetime(2026, 11, 2, 12, 0, 0, 123456, tzinfo=dt.UTC)
    timeline.log_interaction(
        owner=owner,
        people=[ada, charles],
        occurred_at=when,
        channel="meeting",
        subtype="help",
        summary="Debugged the engine",
        content="Long text é ☃",
        source="ics",
        external_id="event-1@example.org",
    )
    timeline.log_interaction(
        owner=owner, people=[ada], occurred_at=when - dt.timedelta(days=40), intent="neutral"
    )
    timeline.log_interaction(
        owner=owner,
        people=[mary],
        occurred_at=when - dt.timedelta(days=3),
        direction="inbound",
        subtype="advice",
    )
    timeline.add_note(person=ada, body="**Bold** note")
    timeline.add_note(person=charles, body="Another note")
    return {"ada": ada, "charles": charles, "mary": mary}


VCARD = b"""BEGIN:VCARD\r
VERSION:3.0\r
UID:grace-hopper-1\r
FN:Grace Hopper\r
EMAIL:grace@example.org\r
END:VCARD\r
"""


def _build_everything(owner, monkeypatch) -> dict[str, Person]:
    """Build the network plus at least one record of every other exported kind."""
    monkeypatch.setenv("AMITY_TEXT_MODEL", "tfidf")  # no text model in this test
    people = _build_network(owner)
    ada, charles, mary = people["ada"], people["charles"], people["mary"]
    picks = today.today_list(owner=owner, limit=2)["items"]
    assert picks, "today's list should pick someone from this network"
    today.mark_done(owner=owner, person=Person.objects.get(pk=picks[0]["id"]))
    today.snooze(person=mary, until=dt.date(2027, 1, 1))
    relationships.set_cadence(owner=owner, days=30, person=ada)
    relationships.set_cadence(owner=owner, days=None, tag=Tag.objects.get(name="mentors"))
    run_import(owner=owner, format="vcard", source=SourceFile.from_bytes("cards.vcf", VCARD))
    inbound = Interaction.objects.get(owner=owner, direction="inbound")
    relabel(owner=owner, interaction_id=inbound.pk, group="asks")
    item = network.save_reading(owner=owner, text="https://example.org/engines Engines today")
    network.log_share(owner=owner, person=charles, subject="an article", reading_item=item)
    intro = optin.propose_introduction(owner=owner, a=charles, b=mary, reason="engines")
    optin.advance_introduction(introduction=intro)
    optin.dismiss_pair(owner=owner, a=ada, b=mary)
    referral, _ = network.add_referrals(owner=owner, referrer=ada, people=[mary, charles])
    network.mark_researched(referral=referral)
    return people


def _export(owner) -> str:
    out = io.StringIO()
    export_json(owner=owner, out=out)
    return out.getvalue()


def _without_timestamp(text: str) -> dict:
    document = json.loads(text)
    document.pop("exported_at")
    return document


def _lines(text: str) -> list[str]:
    """Return the lines of an export but the one that says when it was written."""
    return [line for line in text.splitlines() if not line.startswith('"exported_at"')]


def _owned_models() -> list[type[models.Model]]:
    """Return every model with an `owner`, API tokens aside (a restore keeps them)."""
    return [
        model
        for model in apps.get_models()
        if any(f.name == "owner" for f in model._meta.concrete_fields)
        and model._meta.label != "accounts.ApiToken"
    ]


def _wipe(owner) -> None:
    for model in _owned_models():
        model.objects.filter(owner=owner).delete()


def _counts(owner) -> dict[str, int]:
    return {m._meta.label: m.objects.filter(owner=owner).count() for m in _owned_models()}


def _nothing(owner) -> bool:
    return not any(_counts(owner).values())


def _summaries(owner) -> dict[str, dict]:
    """Return each engine summary by person uid, without ids and the rebuild time."""
    found = {}
    for summary in PersonSummary.objects.filter(owner=owner).select_related("person"):
        values = {f.attname: getattr(summary, f.attname) for f in PersonSummary._meta.fields}
        # The packed copy repeats the columns compared here, and the person id. The
        # circle is where the person was last placed, not rebuilt from interactions:
        # after a restore the next day's placement starts afresh.
        for name in ("person_id", "owner_id", "updated_at", "packed", "circle"):
            values.pop(name)
        found[str(summary.person.uid)] = values
    return found


def test_it_restores_an_export_that_exports_identically(user, other_user, monkeypatch) -> None:
    _build_everything(user, monkeypatch)
    services.create_person(owner=other_user, full_name="Bob's friend")
    first = _export(user)
    assert _lines(_export(user)) == _lines(first), "same data, same export"
    document = json.loads(first)
    empty = [name for name in exporting.SECTIONS if not document[name]]
    assert empty == [], "the test data should hold a record of every kind"
    summaries = _summaries(user)
    _wipe(user)
    assert _nothing(user)
    counts = restore_json(owner=user, fp=io.StringIO(first))
    assert counts == {name: len(document[name]) for name in exporting.SECTIONS}
    assert counts["tags"] == 3 and counts["people"] == 4 and counts["notes"] == 2
    second = _export(user)
    assert _without_timestamp(second) == _without_timestamp(first)
    # Byte-identical apart from the exported_at line.
    assert _lines(second) == _lines(first)
    # Not exported, rebuilt from the interactions: the same as before.
    assert _summaries(user) == summaries and summaries


class _Recorder:
    """Record progress reports: [name, total, steps advanced]."""

    def __init__(self) -> None:
        self.phases: list[list] = []

    def phase(self, name: str, total: int | None) -> None:
        self.phases.append([name, total, 0])

    def advance(self, amount: int = 1) -> None:
        self.phases[-1][2] += amount


def test_it_reports_restore_progress_through_the_file_then_the_summaries(user) -> None:
    _build_network(user)
    text = _export(user)
    with_history = Interaction.people.through.objects.values("person_id").distinct().count()
    _wipe(user)
    recorder = _Recorder()
    restore_json(owner=user, fp=io.StringIO(text), progress=recorder, size=len(text))
    assert recorder.phases == [
        ["Reading the export", len(text), len(text)],
        ["Rebuilding tie summaries", with_history, with_history],
    ]


def test_it_reports_export_progress_section_by_section(user) -> None:
    _build_network(user)
    recorder = _Recorder()
    counts = export_json(owner=user, out=io.StringIO(), progress=recorder)
    names = [name.replace("_", " ") for name in exporting.SECTIONS]
    assert [phase[0] for phase in recorder.phases] == [f"Exporting {n}" for n in names]
    # Every section with a model knows its size up front, and each ends complete.
    assert [phase[1] for phase in recorder.phases] == list(counts.values())
    assert [phase[2] for phase in recorder.phases] == list(counts.values())


def test_it_exports_every_model_that_holds_user_data() -> None:
    """A new model with an owner (or reaching a person) needs a section or a reason."""
    exported = {m._meta.label for s in exporting.SECTIONS.values() for m in s.models}
    person = apps.get_model("people", "Person")

    def reaches_person(model: type[models.Model], seen: frozenset = frozenset()) -> bool:
        for field in model._meta.get_fields():
            target = field.related_model if field.many_to_one or field.one_to_one else None
            if field.auto_created or target is None or target in seen:
                continue
            if target is person or reaches_person(target, seen | {model}):
                return True
        return False

    owning = {
        model._meta.label
        for model in apps.get_models()
        if any(f.name == "owner" for f in model._meta.concrete_fields) or reaches_person(model)
    }
    assert {"people.Person", "relationships.DailyPick", "network.Referral"} <= owning
    assert list(exporting.SECTIONS)[:4] == ["tags", "people", "interactions", "notes"]
    unaccounted = owning - exported - set(exporting.NOT_EXPORTED)
    assert unaccounted == set(), "export these models or list them in NOT_EXPORTED"
    assert set(exporting.NOT_EXPORTED) <= owning - exported
    assert all(reason.strip() for reason in exporting.NOT_EXPORTED.values())


def test_it_keeps_uids_timestamps_and_summaries_on_restore(user) -> None:
    people = _build_network(user)
    ada = Person.objects.get(pk=people["ada"].pk)
    text = _export(user)
    _wipe(user)
    restore_json(owner=user, fp=io.StringIO(text))
    restored = Person.objects.get(uid=ada.uid)
    assert restored.pk != ada.pk
    for name in ("created_at", "updated_at", "last_interaction_at", "interaction_count"):
        assert getattr(restored, name) == getattr(ada, name)
    assert restored.search_text == ada.search_text and restored.provenance == ada.provenance
    meeting = Interaction.objects.get(external_id="event-1@example.org")
    assert sorted(p.full_name for p in meeting.people.all()) == [
        "Charles Babbage",
        'Dr. Augusta "Ada" King Lovelace',
    ]
    label = restored.contact_points.get(normalized="countess@example.org").label
    assert label == "work"


def test_it_exports_every_column_and_only_the_owners_data(user, other_user) -> None:
    _build_network(user)
    services.create_person(owner=other_user, full_name="Bob's friend")
    document = json.loads(_export(user))
    assert document["format"] == "amity-export" and document["version"] == 1
    assert document["user"] == "ada"
    assert list(document)[4:] == list(exporting.SECTIONS)
    assert "Bob's friend" not in {p["full_name"] for p in document["people"]}
    person_columns = {f.name for f in Person._meta.concrete_fields} - {"id", "owner"}
    assert person_columns | {"contact_points", "tags"} == set(document["people"][0])
    interaction_columns = {f.name for f in Interaction._meta.concrete_fields} - {"id", "owner"}
    assert interaction_columns | {"people"} == set(document["interactions"][0])
    ada = next(p for p in document["people"] if p["given_name"] == "Augusta")
    assert ada["contact_points"][1] == {
        "kind": "email",
        "value": "countess@example.org",
        "normalized": "countess@example.org",
        "label": "work",
        "is_primary": False,
    }
    assert ada["provenance"]["company"] == "linkedin"
    assert document["tags"] == [{"name": "mentors"}, {"name": "pioneers"}, {"name": "unused tag"}]
    meeting = next(i for i in document["interactions"] if i["source"] == "ics")
    assert meeting["people"] == sorted(meeting["people"]) and len(meeting["people"]) == 2
    assert meeting["occurred_at"] == "2026-11-02T12:00:00.123456+00:00"


def test_it_refuses_to_restore_into_an_account_with_data(user) -> None:
    _build_network(user)
    text = _export(user)
    before = _counts(user)
    with pytest.raises(RestoreError, match="already has tags, people, interactions, notes"):
        restore_json(owner=user, fp=io.StringIO(text))
    assert _counts(user) == before


def test_it_refuses_uids_that_exist_for_another_user(user, other_user) -> None:
    _build_network(user)
    with pytest.raises(RestoreError, match="already exists in this database"):
        restore_json(owner=other_user, fp=io.StringIO(_export(user)))
    assert _nothing(other_user)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), "not an Amity export"),
        (lambda d: d.update(version=99), "unsupported export version 99"),
        (lambda d: d.pop("version"), "missing 'version'"),
        (lambda d: d.pop("interactions"), "lacks section.*interactions"),
        (lambda d: d.update(people={}), "section 'people' must be a list"),
        (lambda d: d.update(bookmarks=[]), "unknown section 'bookmarks'"),
        (lambda d: d["people"][1].pop("full_name"), r"people\[1\] \(uid .*'full_name': is missing"),
        (
            lambda d: d["people"][0].update(birthday="1815-13-10"),
            r"people\[0\].*'birthday': '1815-13-10' is not a date",
        ),
        (
            lambda d: d["interactions"][2].update(channel="fax"),
            r"interactions\[2\].*'channel': 'fax' is not one of",
        ),
        (
            lambda d: d["interactions"][0].update(people=[str(uuid.uuid4())]),
            r"interactions\[0\].*refers to unknown people",
        ),
        (lambda d: d["interactions"][0].update(people=[]), "'people' must be a non-empty list"),
        (
            lambda d: d["people"][0]["contact_points"][0].pop("kind"),
            r"people\[0\]\.contact_points\[0\].*'kind': is missing",
        ),
        (lambda d: d["notes"][0].update(person="nobody"), r"notes\[0\].*unknown people 'nobody'"),
        (lambda d: d["people"].append(d["people"][-1]), "uid .* appears twice"),
        (
            lambda d: d["people"].append({**d["people"][0], "uid": str(uuid.uuid4())}),
            "linkedin_url .* belongs to an earlier person",
        ),
        (lambda d: d["tags"].append("mentors"), r"tags\[3\]: expected an object"),
        (
            lambda d: d["people"][1].update(contact_points={}),
            r"people\[1\] \(uid .*'contact_points' must be a list",
        ),
        (
            lambda d: d["people"][1]["contact_points"].append("ada@example.org"),
            r"people\[1\]\.contact_points\[\d\] \(uid .*expected an object",
        ),
        (
            lambda d: d["people"][1]["contact_points"].append(
                {**d["people"][1]["contact_points"][0], "is_primary": False}
            ),
            r"people\[1\]\.contact_points\[\d\] \(uid .*appears twice",
        ),
        (
            lambda d: d["people"][1]["contact_points"][-1].update(kind="fax"),
            r"people\[1\]\.contact_points\[\d\] \(uid .*'kind': 'fax' is not one of",
        ),
        (lambda d: d["people"][1].update(tags="mentors"), r"people\[1\].*'tags' must be a list"),
        (lambda d: d["people"][1].update(tags=[" "]), r"people\[1\].*non-empty text"),
        (lambda d: d["people"][1].update(tags=["x" * 81]), r"people\[1\].*longer than 80"),
        (lambda d: d["people"][0].update(interaction_count=-1), "is negative"),
    ],
)
def test_it_rejects_a_malformed_file_and_writes_nothing(user, change, message) -> None:
    _build_network(user)
    document = json.loads(_export(user))
    _wipe(user)
    change(document)
    with pytest.raises(RestoreError, match=message):
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert _nothing(user)


def _first(document: dict, section: str, **match) -> dict:
    return next(r for r in document[section] if all(r[k] == v for k, v in match.items()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["snoozes"][0].update(until="soon"), r"snoozes\[0\]: field 'until'"),
        (lambda d: d["snoozes"][0].pop("person"), r"snoozes\[0\]: field 'person': is missing"),
        (lambda d: d["snoozes"].append(d["snoozes"][0]), r"snoozes\[1\].*same person"),
        (
            lambda d: _first(d, "cadences", person=None).update(tag=None),
            r"cadences\[\d\]: a cadence is for exactly one",
        ),
        (
            lambda d: _first(d, "cadences", person=None).update(tag="nope"),
            r"cadences\[\d\]: field 'tag' refers to unknown tags 'nope'",
        ),
        (
            lambda d: d["daily_lists"][0]["picks"][0].update(person=str(uuid.uuid4())),
            r"daily_lists\[0\]\.picks\[0\]: field 'person' refers to unknown people",
        ),
        (
            lambda d: d["daily_lists"][0]["picks"].append(d["daily_lists"][0]["picks"][0]),
            r"daily_lists\[0\]\.picks\[\d\]: another record has the same daily_list, person",
        ),
        (
            lambda d: d["daily_lists"].append(d["daily_lists"][0]),
            r"daily_lists\[1\]: another record has the same day",
        ),
        (
            lambda d: d["external_keys"].append(d["external_keys"][0]),
            r"external_keys\[1\]: another record has the same source, key",
        ),
        (lambda d: d["import_runs"][0].update(counts=[]), r"import_runs\[0\].*'counts'"),
        (
            lambda d: d["triage_labels"][0].update(interaction=str(uuid.uuid4())),
            r"triage_labels\[0\].*'interaction' refers to unknown interactions",
        ),
        (
            lambda d: d["triage_labels"][0].update(interaction="not-a-uid"),
            r"triage_labels\[0\].*unknown interactions 'not-a-uid'",
        ),
        (lambda d: d["triage_labels"][0].update(group="spam"), "'group': 'spam' is not one of"),
        (
            lambda d: d["reading_items"][0].update(shared_with=["x"]),
            r"reading_items\[0\] \(uid .*'shared_with' refers to unknown people 'x'",
        ),
        (
            lambda d: d["introductions"][0].update(state="maybe"),
            r"introductions\[0\].*'state': 'maybe' is not one of",
        ),
        (
            lambda d: d["introductions"].append(
                {**d["introductions"][0], "uid": str(uuid.uuid4())}
            ),
            r"introductions\[2\].*another record has the same pair_key",
        ),
        (lambda d: d["referrals"][0].update(person=7), r"referrals\[0\].*'person': must be"),
    ],
)
def test_it_names_the_broken_record_of_any_section(user, monkeypatch, change, message) -> None:
    _build_everything(user, monkeypatch)
    document = json.loads(_export(user))
    _wipe(user)
    change(document)
    with pytest.raises(RestoreError, match=message):
        restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert _nothing(user)


def test_it_keeps_picks_with_their_day_and_rebuilds_introduction_keys(user, monkeypatch) -> None:
    people = _build_everything(user, monkeypatch)
    document = json.loads(_export(user))
    assert "pair_key" not in document["introductions"][0]
    assert "vector" not in document["reading_items"][0]
    picks = document["daily_lists"][0]["picks"]
    assert [p["rank"] for p in picks] == sorted(p["rank"] for p in picks)
    assert any(p["done_at"] for p in picks)
    _wipe(user)
    restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    charles = Person.objects.get(uid=people["charles"].uid)
    mary = Person.objects.get(uid=people["mary"].uid)
    intro = optin.introductions_for(owner=user).get(person_a=charles)
    assert intro.pair_key == "-".join(map(str, sorted((charles.pk, mary.pk))))
    with pytest.raises(services.ValidationError, match="already exists"):
        optin.propose_introduction(owner=user, a=mary, b=charles, reason="again")
    item = network.reading_list(owner=user).get()
    assert list(item.shared_with.all()) == [charles]


def test_it_rejects_text_that_is_not_json(user) -> None:
    with pytest.raises(RestoreError, match="invalid JSON"):
        restore_json(owner=user, fp=io.StringIO('{"format": "amity-export", "people": [{'))
    with pytest.raises(RestoreError, match="invalid JSON"):
        restore_json(owner=user, fp=io.StringIO("[1, 2]"))


def test_it_restores_a_file_whose_keys_were_sorted(user) -> None:
    _build_network(user)
    original = _export(user)
    _wipe(user)
    # `jq -S` puts interactions and notes before the people they refer to.
    reordered = json.dumps(json.loads(original), sort_keys=True, indent=1)
    restore_json(owner=user, fp=io.StringIO(reordered))
    assert _without_timestamp(_export(user)) == _without_timestamp(original)


def test_it_exports_and_restores_a_registered_section(user, monkeypatch) -> None:
    """An app adds its own records without touching the core."""
    stored: list[dict] = []

    def load(owner, rows, maps) -> int:
        for row in rows:
            (person_id,) = maps.pks("people", [row["person"]], "bookmarks")
            stored.append({"person_id": person_id, "note": row["note"]})
        return len(stored)

    monkeypatch.setitem(
        exporting.SECTIONS,
        "bookmarks",
        Section(
            name="bookmarks",
            dump=lambda owner: [
                {"person": str(p.uid), "note": "hi"} for p in Person.objects.filter(owner=owner)
            ],
            load=load,
            needs=("people",),
        ),
    )
    people = _build_network(user)
    document = json.loads(_export(user))
    assert list(document)[-1] == "bookmarks" and len(document["bookmarks"]) == 3
    _wipe(user)
    counts = restore_json(owner=user, fp=io.StringIO(json.dumps(document)))
    assert counts["bookmarks"] == 3
    ada = Person.objects.get(uid=people["ada"].uid)
    assert {"person_id": ada.pk, "note": "hi"} in stored


def test_it_refuses_to_register_a_section_twice() -> None:
    with pytest.raises(ValueError, match="already registered"):
        sections.register_section(exporting.SECTIONS["people"])


def test_it_restores_an_empty_export(db) -> None:
    owner = get_user_model().objects.create_user(username="new")
    text = _export(owner)
    assert json.loads(text)["people"] == []
    assert restore_json(owner=owner, fp=io.StringIO(text))["people"] == 0


def test_it_reads_json_members_across_tiny_chunks() -> None:
    document = {
        "format": "amity-export",
        "version": 12345,
        "people": [{"name": "Ada ☃", "n": [1, 2.5, None, True]}, {}, {"x": 'a\\"b'}],
        "empty": [],
        "nested": {"a": [1]},
    }
    text = json.dumps(document, indent=3)
    for chunk_size in (1, 2, 7, 100):
        stream = JsonObjectStream(io.StringIO(text), chunk_size=chunk_size)
        read = {key: list(v) if key in ("people", "empty") else v for key, v in stream.members()}
        assert read == document


def test_it_points_at_the_broken_json() -> None:
    stream = JsonObjectStream(io.StringIO('{"a": [1, 2 3]}'), chunk_size=4)
    with pytest.raises(JsonStreamError, match="character 12"):
        for _, value in stream.members():
            list(value)


def test_it_exports_vcards_that_parse_back(user) -> None:
    people = _build_network(user)
    out = io.StringIO()
    assert export_vcard(owner=user, out=out) == 3
    cards = {card.uid.value: card for card in vobject.readComponents(out.getvalue())}
    ada = cards[str(people["ada"].uid)]
    assert ada.version.value == "3.0"
    assert ada.fn.value == 'Dr. Augusta "Ada" King Lovelace'
    assert (ada.n.value.family, ada.n.value.given) == ("Lovelace", "Augusta")
    emails = [(e.value, e.type_paramlist) for e in ada.contents["email"]]
    assert emails == [
        ("ada@example.org", ["INTERNET", "PREF"]),
        ("countess@example.org", ["INTERNET", "WORK"]),
    ]
    assert ada.tel.value == "+44 20 7946 0958" and ada.url.value == "https://ada.example/"
    assert ada.org.value == ["Analytical Engines, Ltd."] and ada.title.value == "Countess"
    assert ada.bday.value == "1815-12-10"
    assert ada.categories.value == ["mentors", "pioneers"]
    assert ada.x_socialprofile.value == "https://www.linkedin.com/in/ada-lovelace"
    assert ada.note.value == "Line one\nLine two, with a comma\n\nHow we met: At a soirée"
    assert cards[str(people["mary"].uid)].fn.value == "Mary Somerville"


def test_it_exports_one_csv_row_per_person(user, other_user) -> None:
    people = _build_network(user)
    services.create_person(owner=other_user, full_name="Bob's friend")
    out = io.StringIO()
    assert export_csv(owner=user, out=out) == 3
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 4
    by_uid = {row[0]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    ada = by_uid[str(people["ada"].uid)]
    assert ada["company"] == "Analytical Engines, Ltd."
    assert ada["notes"] == "Line one\nLine two, with a comma"
    assert ada["emails"] == f"ada@example.org{CSV_SEPARATOR}countess@example.org"
    assert ada["tags"] == f"mentors{CSV_SEPARATOR}pioneers"
    assert ada["birthday"] == "1815-12-10" and ada["interaction_count"] == "2"
    assert by_uid[str(people["mary"].uid)]["birthday"] == ""


def test_it_exports_interactions_read_from_the_cursor_as_the_orm_reads_them(user) -> None:
    from amity.portability.records import interaction_record

    ada = _build_network(user)["ada"]
    # Whole seconds, microseconds, and a time far from UTC's midnight.
    for at in (
        dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=dt.UTC),
        dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ):
        timeline.log_interaction(owner=user, people=[ada], occurred_at=at, summary="t")
    document = json.loads(_export(user))
    expected = []
    for interaction in Interaction.objects.filter(owner=user).order_by("occurred_at", "uid"):
        values = {
            f.name: getattr(interaction, f.attname) for f in Interaction._meta.concrete_fields
        }
        uids = [str(p.uid) for p in interaction.people.all()]
        expected.append(interaction_record(values, people=uids))
    assert document["interactions"] == expected
    assert "2026-01-01T04:30:00+00:00" in {i["occurred_at"] for i in document["interactions"]}


def _awkward_interactions(owner) -> None:
    """Add interactions whose text and times are hard to spell: every escape, no people."""
    from django.db import connection

    ada = _build_network(owner)["ada"]
    # Every control character (PostgreSQL text cannot hold NUL), quotes, backslashes,
    # a slash, DEL, accents, a character beyond the BMP and the line separators.
    start = 1 if connection.vendor == "postgresql" else 0
    awkward = "".join(map(chr, range(start, 32))) + '"\\/\x7f é ☃ 😀 \u2028\u2029 }, {'
    times = [
        dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=dt.UTC),
        dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.datetime(999, 1, 1, tzinfo=dt.UTC),
    ]
    for when in times:
        timeline.log_interaction(owner=owner, people=[ada], occurred_at=when, summary="t")
    Interaction.objects.filter(owner=owner, occurred_at=times[1]).update(
        summary=awkward, content=awkward * 3, external_id=awkward
    )
    # Same time, so the uid decides the order; and one whose people were all deleted.
    alone = timeline.log_interaction(
        owner=owner, people=[ada], occurred_at=times[0], external_id="same-time"
    )
    alone.people.clear()


def test_it_writes_interactions_in_sql_exactly_as_orjson_writes_their_records(user) -> None:
    from amity.portability.people_sections import dump_interaction_texts, dump_interactions

    _awkward_interactions(user)
    chunks = list(dump_interaction_texts(user))
    # JSON text holds no raw newline, so ",\n" parts a chunk's records.
    texts = [text for _, joined in chunks for text in joined.decode().split(",\n")]
    assert sum(count for count, _ in chunks) == len(texts)
    records = list(dump_interactions(user))
    assert len(texts) == len(records) == 9
    # Byte for byte, so an export's text does not depend on who wrote the records.
    assert texts == [exporting._line(record) for record in records]
    assert {len(record["people"]) for record in records} == {0, 1, 2}
    assert {"2026-01-02T03:04:05.000007+00:00", "0999-01-01T00:00:00+00:00"} <= {
        record["occurred_at"] for record in records
    }


def test_it_exports_the_same_text_whether_the_database_or_python_writes_records(
    user, other_user, monkeypatch
) -> None:
    _awkward_interactions(user)
    _build_network(other_user)
    written_by_database = _export(user)
    for name, section in list(exporting.SECTIONS.items()):
        monkeypatch.setitem(exporting.SECTIONS, name, dataclasses.replace(section, dump_text=None))
    assert _lines(written_by_database) == _lines(_export(user))
    assert len(json.loads(written_by_database)["interactions"]) == 9


def test_it_exports_people_read_from_the_cursor_as_the_orm_reads_them(user) -> None:
    from amity.portability.records import person_json

    _build_network(user)
    Person.objects.filter(owner=user, given_name="Charles").update(
        birthday=dt.date(1791, 12, 26), provenance={"note": "é ☃", "n": [1, 2.5, None]}
    )
    document = json.loads(_export(user))
    expected = []
    for person in Person.objects.filter(owner=user).order_by("created_at", "uid"):
        record = person_json(person)
        record.pop("id")
        expected.append(record)
    assert document["people"] == expected
    assert {p["birthday"] for p in document["people"]} >= {"1791-12-26", "1815-12-10"}


def test_it_reads_record_lines_fast_and_anything_else_the_standard_way() -> None:
    text = (
        '{"a": [\n'
        '{"x": 1, "inner": {"y": "z"}},\n'  # one record per line: orjson
        '{"x": NaN}, {"x": 2},\n'  # orjson refuses NaN; two values on a line
        '{"x": 123456789012345678901234567890},\n'  # beyond 64 bits
        '{"x":\n 3}\n'  # one value across lines
        '], "b": 5}\n'
    )
    seen: list[dict] = []

    def hook(record: dict) -> dict:
        seen.append(dict(record))
        return {**record, "hooked": True}

    members = [
        (key, list(value) if key == "a" else value)
        for key, value in JsonObjectStream(io.StringIO(text), object_hook=hook).members()
    ]
    expected = json.loads(text, object_hook=hook)
    assert [m[0] for m in members] == ["a", "b"]
    assert [repr(v) for v in members[0][1]] == [repr(v) for v in expected["a"]]
    assert members[0][1][0] == {"x": 1, "inner": {"y": "z", "hooked": True}, "hooked": True}


def test_it_reads_chunks_in_order_on_several_cursors_and_hands_on_an_error() -> None:
    from amity.portability.json_rows import _read_in_threads

    seen: list[tuple[str, int]] = []

    def read(cursor: str, index: int) -> str:
        seen.append((cursor, index))
        return f"{cursor}{index}"

    chunks = list(_read_in_threads(5, read, lambda cursor: None, ["a", "b"]))
    assert chunks == ["a0", "b1", "a2", "b3", "a4"]
    assert sorted(seen) == [("a", 0), ("a", 2), ("a", 4), ("b", 1), ("b", 3)]

    def broken(cursor: str, index: int) -> str:
        if index == 3:
            raise OSError("disk gone")
        return str(index)

    stream = _read_in_threads(6, broken, lambda cursor: None, ["a", "b"])
    assert [next(stream), next(stream), next(stream)] == ["0", "1", "2"]
    with pytest.raises(OSError, match="disk gone"):
        next(stream)


def test_it_stops_reading_chunks_when_the_reader_of_the_export_leaves() -> None:
    import threading

    from amity.portability.json_rows import _read_in_threads

    read: list[int] = []

    def chunk(cursor: str, index: int) -> int:
        read.append(index)
        return index

    stream = _read_in_threads(1000, chunk, lambda cursor: None, ["a", "b"])
    assert next(stream) == 0
    stream.close()  # `amity export | head`: the consumer stops early
    assert not any(t.name == "export-reader" for t in threading.enumerate())
    # Each reader got at most one chunk ahead into its queue, and one more in hand.
    assert len(read) <= 6


@pytest.mark.django_db(transaction=True)
def test_it_exports_one_moment_read_by_several_connections(user, monkeypatch) -> None:
    import threading

    from django.db import connection

    from amity.core import shared_snapshot
    from amity.portability import json_rows

    _awkward_interactions(user)
    # Chunks of two records: several chunks, read by both connections.
    monkeypatch.setattr(json_rows, "CHUNK", 2)
    written_by_database = _export(user)
    for name, section in list(exporting.SECTIONS.items()):
        monkeypatch.setitem(exporting.SECTIONS, name, dataclasses.replace(section, dump_text=None))
    assert _lines(written_by_database) == _lines(_export(user))

    def add_person() -> None:
        try:
            Person.objects.create(owner=user, full_name="Committed meanwhile")
        finally:
            connection.close()  # this thread's own connection

    before = Person.objects.filter(owner=user).count()
    with shared_snapshot.shared_transaction(), shared_snapshot.reader() as cursor:
        if cursor is None:  # an in-memory SQLite database: no second connection
            assert connection.vendor == "sqlite" and connection.is_in_memory_db()
            return
        writer = threading.Thread(target=add_person)  # its own connection, committed
        writer.start()
        writer.join()
        cursor.execute(
            f"SELECT count(*) FROM {Person._meta.db_table} WHERE owner_id = %s", [user.pk]
        )
        # The reader and the transaction both see the moment the transaction began.
        assert cursor.fetchone()[0] == Person.objects.filter(owner=user).count() == before
    assert Person.objects.filter(owner=user, full_name="Committed meanwhile").exists()
