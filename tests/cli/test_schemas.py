"""Test that every verb's --json follows the API's schema of the same name."""

from __future__ import annotations

import io
import json
from typing import Any

import jsonschema
import pytest
from django.test import Client

from amity.cli import call, load_verb, verb_names
from amity.network import services as network
from amity.network.optin import propose_introduction
from amity.people import services
from amity.people.models import Person
from tests.histories import with_history
from tests.importers.conftest import DATA

LINKEDIN = DATA / "linkedin"


def openapi(client: Client) -> dict[str, Any]:
    """Return the API's OpenAPI document."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def validator(document: dict[str, Any], component: str) -> jsonschema.Validator:
    """Return a validator for one component, resolving its references in `document`."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def cli_json(*args: str) -> Any:
    """Run `amity ARGS… --json` and parse what it printed."""
    out = io.StringIO()
    call(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def busy_network(user: Any) -> None:
    """Give ada people Today picks, a saved article that fits one, and a referral."""
    friend = with_history(
        user,
        "Ada Lovelace",
        days_ago=(400, 300, 200, 120),
        channel="call",
        interests=["heat pumps", "retrofitting old houses"],
    )
    network.save_reading(owner=user, text="How heat pumps cut bills when retrofitting old houses")
    referred = services.create_person(owner=user, full_name="Katherine Johnson")
    network.add_referrals(owner=user, referrer=friend, people=[referred])


def test_it_names_a_schema_the_api_documents_for_every_verb_that_has_one(client) -> None:
    components = openapi(client)["components"]["schemas"]
    named = {name: load_verb(name).schema_name for name in verb_names()}
    assert named["today"] == "TodayPublic"
    for name, component in named.items():
        assert not component or component in components, f"{name}: {component}"


def test_it_prints_todays_json_in_the_apis_today_shape(user, busy_network, client) -> None:
    client.force_login(user)
    check = validator(openapi(client), "TodayPublic")
    printed = cli_json("today")
    check.validate(printed)
    assert printed["network"]["referrals"] and printed["network"]["reading"]
    served = client.get("/api/v1/today").json()
    check.validate(served)
    # The same keys at every level, and the same people in the same order.
    assert served.keys() == printed.keys()
    assert served["network"].keys() == printed["network"].keys()
    assert [i.keys() for i in served["items"]] == [i.keys() for i in printed["items"]]
    assert [i["id"] for i in served["items"]] == [i["id"] for i in printed["items"]]
    assert served["network"] == printed["network"]


# Every verb whose --json shares a shape with the API: its arguments, the OpenAPI
# component, and where in the output that shape sits ("[]" for each item of a list).
SHARED_SHAPES = [
    (("today",), "TodayPublic", ""),
    (("strength",), "StrengthPublic", "people[]"),
    (("strength", "#{a}"), "StrengthPublic", "people[]"),
    (("balance",), "NetworkBalancePublic", ""),
    (("balance", "#{a}"), "BalancePublic", ""),
    (("can-i-ask", "#{a}"), "BalancePublic", ""),
    (("triage",), "TriagePublic", ""),
    (("share", "a new paper on climate adaptation in coastal cities"), "ShareOut", ""),
    (("reading",), "ReadingOut", "[]"),
    (("intros",), "SuggestionsOut", ""),
    (("intro", "list"), "IntroductionOut", "[]"),
    (("referral", "list"), "ReferralOut", "[]"),
    (("people", "list"), "PersonPublic", "people[]"),
    (("people", "show", "#{a}"), "PersonPublic", "person"),
    (("search", "climate"), "PersonPublic", "people[]"),
    (("coach", "-"), "CoachPublic", ""),
    (("snooze", "#{b}", "30d"), "SnoozePublic", ""),
    (("log", "#{a}", "--channel", "call"), "InteractionPublic", ""),
    (("people", "show", "#{a}"), "InteractionPublic", "interactions[]"),
    (("digest", "--dry-run"), "DigestPublic", ""),
    (("digest", "--dry-run", "--review"), "DigestPublic", ""),
    (("digest", "--dry-run", "--review"), "ReviewPublic", "review"),
    (("reminders", "--days", "mon,thu"), "ReminderSettingsPublic", ""),
    (("calendar", "url"), "CalendarFeedPublic", ""),
    (("import", "linkedin", str(LINKEDIN / "Connections_newer.csv")), "ImportSummaryPublic", ""),
    (("note", "add", "#{a}", "Met at the *climate* meetup"), "NotePublic", ""),
    (("note", "list", "#{a}"), "NotePublic", "[]"),
    # After the snooze above there is something to undo.
    (("undo", "--list"), "UndoPublic", "[]"),
]


def at(data: Any, path: str) -> list[Any]:
    """Return the values at `path` ("people[]", "person", "[]", "" for the whole)."""
    values = [data]
    for step in filter(None, path.replace("[]", ".[]").split(".")):
        if step == "[]":
            values = [item for value in values for item in value]
        else:
            values = [value[step] for value in values]
    return values


def test_it_prints_every_shared_shape_as_the_api_documents_it(user, client) -> None:
    from amity.portability.demo import build_demo

    build_demo(owner=user, seed=7)
    network.save_reading(owner=user, text="Coastal cities adapt to rising seas")
    first, second, third = Person.objects.filter(owner=user).order_by("pk")[:3]
    propose_introduction(owner=user, a=first, b=second)
    network.add_referrals(owner=user, referrer=first, people=[third])
    client.force_login(user)
    document = openapi(client)
    ids = {"a": first.pk, "b": second.pk}  # not 5 and 6: PostgreSQL keeps its sequences
    for template, component, path in SHARED_SHAPES:
        args = tuple(arg.format(**ids) for arg in template)
        out = io.StringIO()
        call(*args, "--json", stdout=out, stdin=io.StringIO("Can you refer me? Thanks"))
        values = at(json.loads(out.getvalue()), path)
        assert values, (args, "printed nothing to check")
        check = validator(document, component)
        for value in values[:20]:
            errors = [e.message for e in check.iter_errors(value)]
            assert errors == [], (args, component, errors[:3])


def closed(schema: Any) -> Any:
    """Return `schema` with every object closed to keys it does not declare."""
    if isinstance(schema, dict):
        copy = {key: closed(value) for key, value in schema.items()}
        if "properties" in copy:
            copy["additionalProperties"] = False
        return copy
    if isinstance(schema, list):
        return [closed(value) for value in schema]
    return schema


def test_the_digest_prints_what_the_api_serves_key_for_key(user, busy_network, client) -> None:
    user.email = "ada@example.org"
    user.save()
    client.force_login(user)
    document = openapi(client)
    check = validator({"components": closed(document["components"])}, "DigestPublic")
    printed = cli_json("digest", "--dry-run", "--review")
    served = client.get("/api/v1/digest?with_review=true").json()
    for digest in (printed, served):
        # Closed: a key the schema does not declare is an error, not ignored.
        errors = [e.message for e in check.iter_errors(digest)]
        assert errors == []
    assert printed["items"] and printed["review"] is not None
    assert printed["to"] == "ada@example.org"
    assert [i["id"] for i in printed["items"]] == [i["id"] for i in served["items"]]
    assert printed["network"] == served["network"]
    assert printed["review"]["per_day"] == served["review"]["per_day"]
    # An undeclared key is caught: the check is not vacuous.
    assert list(check.iter_errors({**printed, "extra": 1}))
    review = client.get("/api/v1/review").json()
    validator({"components": closed(document["components"])}, "ReviewPublic").validate(review)


def test_the_reminder_settings_print_and_change_as_the_api_serves_them(user, client) -> None:
    client.force_login(user)
    document = openapi(client)
    check = validator({"components": closed(document["components"])}, "ReminderSettingsPublic")
    printed = cli_json("reminders", "--hour", "8", "--calendar-kinds", "birthdays")
    served = client.get("/api/v1/reminders").json()
    check.validate(printed)
    check.validate(served)
    assert printed == served
    changed = client.patch(
        "/api/v1/reminders",
        {"digest_days": ["tue"], "calendar_kinds": [], "push": False},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert cli_json("reminders") == changed.json()
    assert (changed.json()["digest_days"], changed.json()["calendar_kinds"]) == (["tue"], [])
    refused = client.patch(
        "/api/v1/reminders",
        {"calendar_kinds": ["gossip"], "push": True},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "gossip" in refused.json()["detail"][0]["message"]
    assert cli_json("reminders")["push"] is False


def test_the_calendar_address_prints_as_the_api_serves_it(user, client) -> None:
    client.force_login(user)
    printed = cli_json("calendar", "url")
    assert client.get("/api/v1/calendar").json() == printed
    reset = client.post("/api/v1/calendar/reset").json()
    assert reset != printed and cli_json("calendar", "url") == reset
    old_path = printed["url"].split("/calendar/", 1)[1]
    assert client.get(f"/calendar/{old_path}").status_code == 404
