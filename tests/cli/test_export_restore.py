"""Test `amity export` and `amity restore`."""

import csv
import io
import json

import pytest
import vobject
from django.contrib.auth import get_user_model

from amity.cli.base import CliError
from amity.people import services, timeline
from amity.people.models import Interaction, Person
from amity.portability.contact_formats import CSV_COLUMNS
from amity.portability.sections import SECTIONS


@pytest.fixture
def network(user) -> Person:
    ada = services.create_person(
        owner=user, full_name="Ada Lovelace", emails=["ada@example.org"], tags=["mentors"]
    )
    charles = services.create_person(owner=user, full_name="Charles Babbage, FRS")
    timeline.log_interaction(owner=user, people=[ada, charles], channel="call", subtype="help")
    timeline.add_note(person=ada, body="Met at a soirée")
    return ada


def test_it_exports_json_to_stdout(run, network) -> None:
    document = json.loads(run("export"))
    assert document["format"] == "amity-export" and document["user"] == "ada"
    assert len(document["people"]) == 2 and len(document["interactions"]) == 1
    assert document["notes"][0]["person"] == str(network.uid)


def test_it_exports_to_a_file_and_restores_it_for_a_new_user(run, network, tmp_path) -> None:
    path = tmp_path / "backup.json"
    summary = json.loads(run("export", "--output", str(path), "--json"))
    assert summary == {
        "format": "json",
        "output": str(path),
        "counts": {
            **dict.fromkeys(SECTIONS, 0),
            **{"tags": 1, "people": 2, "interactions": 1, "notes": 1},
        },
    }
    assert not (tmp_path / "backup.json.partial").exists()
    first = json.loads(path.read_text(encoding="utf-8"))
    Interaction.objects.all().delete()
    Person.objects.all().delete()
    get_user_model().objects.all().delete()
    get_user_model().objects.create_user(username="ada")
    restored = json.loads(run("restore", str(path), "--json"))
    assert restored["user"] == "ada" and restored["counts"]["people"] == 2
    second = json.loads(run("export"))
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second


def test_it_prints_a_summary_after_writing_a_file(run, network, tmp_path) -> None:
    out = run("export", "-o", str(tmp_path / "x.json"))
    assert out.startswith("Exported 1 tags, 2 people, 1 interactions, 1 notes, 0 snoozes, ")
    assert out.rstrip().endswith(f"0 triage_labels to {tmp_path / 'x.json'}")


def test_it_exports_vcards(run, network) -> None:
    cards = list(vobject.readComponents(run("export", "--format", "vcard")))
    assert sorted(card.fn.value for card in cards) == ["Ada Lovelace", "Charles Babbage, FRS"]
    ada = next(card for card in cards if card.fn.value == "Ada Lovelace")
    assert ada.email.value == "ada@example.org" and ada.categories.value == ["mentors"]


def test_it_exports_csv_with_quoted_commas(run, network) -> None:
    rows = list(csv.reader(io.StringIO(run("export", "--format", "csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    names = sorted(row[CSV_COLUMNS.index("full_name")] for row in rows[1:])
    assert names == ["Ada Lovelace", "Charles Babbage, FRS"]


def test_it_names_a_missing_output_folder(run, network, tmp_path) -> None:
    with pytest.raises(CliError, match="--output: folder .* does not exist"):
        run("export", "-o", str(tmp_path / "nowhere" / "x.json"))


def test_it_refuses_to_restore_into_an_account_with_people(run, network, tmp_path) -> None:
    path = tmp_path / "backup.json"
    run("export", "-o", str(path))
    with pytest.raises(CliError, match="already has .*people.*nothing was restored"):
        run("restore", str(path))
    assert Person.objects.count() == 2


def test_it_names_the_bad_record_and_writes_nothing(run, network, tmp_path, other_user) -> None:
    document = json.loads(run("export"))
    for person in document["people"]:
        person["uid"] = person["uid"][::-1]
    document["people"][1]["created_at"] = "yesterday"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CliError, match=r"people\[1\] .*'created_at': 'yesterday' is not"):
        run("restore", str(path), "--user", "bob")
    assert not Person.objects.filter(owner=other_user).exists()


def test_it_names_a_missing_file(run, tmp_path) -> None:
    with pytest.raises(CliError, match="cannot read .*No such file"):
        run("restore", str(tmp_path / "missing.json"))


def test_it_rejects_a_file_that_is_not_an_export(run, tmp_path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"format": "something", "people": []}', encoding="utf-8")
    with pytest.raises(CliError, match="not an Amity export"):
        run("restore", str(path))
