"""Test the mbox importer: directions, automated mail, charsets, MIME and Message-IDs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from amity.importers.errors import ImportFailed, WrongFormat
from amity.people.models import Interaction, Person
from tests.importers.conftest import DATA, ME, run, snapshot


def test_it_turns_mail_with_the_user_into_email_interactions(user) -> None:
    summary = run(user, "mbox", "mail.mbox", me=ME)
    assert summary.interactions.created == 5
    assert summary.skipped == {
        "automated sender or mailing list": 3,
        "duplicate Message-ID": 1,
        "message not to or from you": 1,
    }
    sent = Interaction.objects.get(external_id="20250602091500.1@example.net")
    assert (sent.channel, sent.direction, sent.source) == ("email", "outbound", "mbox")
    assert sent.summary == "Heat pump data"
    assert sent.occurred_at == dt.datetime(2025, 6, 2, 9, 15, tzinfo=dt.UTC)
    # Every other human participant; the cc'd no-reply address is not a person.
    assert sorted(p.full_name for p in sent.people.all()) == ["Mirela Okonkwo-Hart", "Priya Raman"]
    assert "Grüße, Sam" in sent.content
    reply = Interaction.objects.get(external_id="CAF+reply.42@postbox.example")
    assert reply.direction == "inbound"
    assert reply.summary == "Re: Heat pump data ✅"  # RFC 2047 encoded subject
    assert reply.content == "Danke! Schöne Grüße aus Utrecht."  # latin-1 quoted-printable
    html_only = Interaction.objects.get(external_id="jv-0606@ateliernord.example")
    assert html_only.content == "Hoi Sam,\n\nZullen we donderdag bellen? – Jonas"  # base64 HTML
    # Sent from the second --me address, with a Bcc and a windows-1252 body, no Message-ID.
    intro = Interaction.objects.get(summary="Northwind intro")
    assert intro.direction == "outbound" and intro.external_id.startswith("sha1:")
    assert sorted(p.full_name for p in intro.people.all()) == ["Hannah Osei", "Tobias Lindqvist"]
    assert "“the connector”" in intro.content
    # An unknown charset does not stop the import.
    assert Interaction.objects.get(summary="Rooftop pilot numbers").content.startswith("Forty")
    assert not Person.objects.filter(contact_points__normalized__in=ME).exists()
    assert not Person.objects.filter(full_name__icontains="github").exists()
    mirela = Person.objects.get(full_name="Mirela Okonkwo-Hart")
    assert mirela.interaction_count == 2
    assert mirela.last_interaction_at == dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)


def test_it_changes_nothing_on_the_second_import(user) -> None:
    run(user, "mbox", "mail.mbox", me=ME)
    before = snapshot()
    again = run(user, "mbox", "mail.mbox", me=ME)
    assert again.interactions.as_dict() == {"created": 0, "updated": 0, "unchanged": 5}
    assert again.people.created == 0
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }


def test_it_keeps_the_users_classification_on_re_import(user) -> None:
    run(user, "mbox", "mail.mbox", me=ME)
    Interaction.objects.filter(summary="Northwind intro").update(
        intent="deposit", subtype="introduction"
    )
    again = run(user, "mbox", "mail.mbox", me=ME)
    assert again.interactions.unchanged == 5
    intro = Interaction.objects.get(summary="Northwind intro")
    assert (intro.intent, intro.subtype) == ("deposit", "introduction")


def test_it_needs_to_know_who_the_user_is(user) -> None:
    with pytest.raises(ImportFailed, match="pass --me"):
        run(user, "mbox", "mail.mbox")


def test_it_uses_the_accounts_email_when_no_me_is_given(user) -> None:
    user.email = "sam.carter@example.net"
    user.save()
    summary = run(user, "mbox", "mail.mbox")
    # The alias is unknown now, so the message it sent and the one to it drop out.
    assert summary.interactions.created == 3


def test_it_rejects_a_file_that_is_not_a_mailbox(user, tmp_path: Path) -> None:
    path = tmp_path / "notes.mbox"
    path.write_text("\nDear diary,\nFrom today on I keep notes.\n")
    with pytest.raises(ImportFailed, match=r"notes\.mbox:2: not an mbox mailbox"):
        run(user, "mbox", path, me=ME)
    with pytest.raises(WrongFormat, match="a vCard file, not an mbox mailbox"):
        run(user, "mbox", DATA / "contacts.vcf", me=ME)
    assert Person.objects.count() == 0
