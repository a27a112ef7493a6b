"""Test decoding in forked processes: the pool, the file's line blocks, and the restore on them."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import signal
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing

import pytest

from amity.core import process_ahead
from amity.core.json_stream import BLOCK_CHARS, Items, JsonObjectStream, JsonStreamError, LineBlock
from amity.core.process_ahead import Failed, map_ahead
from amity.people.models import Interaction
from amity.portability import restore_batches
from amity.portability.exporting import clean_record, restore_json
from amity.portability.sections import RESTORE_BATCH, RestoreError
from tests.people.test_restore_columns import _big_export, _nothing, _text

pytestmark = pytest.mark.skipif(not process_ahead.available(), reason="no fork, or one core")


def _pid_and_square(number: int) -> tuple[int, int]:
    if number == 13:
        raise ValueError("thirteen")
    return os.getpid(), number * number


def _decoders() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "decoder"]


def test_it_answers_every_item_in_order_from_other_processes() -> None:
    got = list(map_ahead(_pid_and_square, range(40), processes=2, depth=2))
    assert [item for item, _ in got] == list(range(40))
    answers = [answer for _, answer in got]
    assert answers[13] == Failed("ValueError: thirteen")
    squares = [a[1] for n, a in enumerate(answers) if n != 13]
    assert squares == [n * n for n in range(40) if n != 13]
    pids = {a[0] for n, a in enumerate(answers) if n != 13}
    assert len(pids) == 2 and os.getpid() not in pids
    assert not _decoders()


def test_it_raises_what_reading_the_items_raised_after_the_items_before() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise JsonStreamError("invalid JSON at character 99: boom")

    got: list[int] = []
    with pytest.raises(JsonStreamError, match="character 99"):
        for item, _ in map_ahead(_pid_and_square, items()):
            got.append(item)
    assert got == [1, 2]
    assert not _decoders()


def test_closing_it_early_stops_the_workers_and_the_feeder() -> None:
    taken: list[int] = []

    def items() -> Iterator[int]:
        for number in range(10_000):
            taken.append(number)
            yield number

    with closing(map_ahead(_pid_and_square, items(), processes=2, depth=2)) as ahead:
        assert next(ahead)[0] == 0
    assert not _decoders()
    assert not [t for t in threading.enumerate() if t.name == "decoder-feed"]
    assert len(taken) < 20  # a few ahead, not the whole stream


def _die_on_five(number: int) -> int:
    if number == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    return number


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(RuntimeError, match="decoding process stopped unexpectedly"):
        list(map_ahead(_die_on_five, range(100), processes=2, depth=2))
    assert not _decoders()


def _lines(records: list[dict]) -> str:
    return ",\n".join(json.dumps(record, sort_keys=True) for record in records)


def _members(text: str, lines: int) -> list[tuple[str, list]]:
    """Read every member, list items through Items.pieces(lines), blocks decoded."""
    out = []
    for key, value in JsonObjectStream(io.StringIO(text), chunk_size=64).members():
        if isinstance(value, Items):
            items: list = []
            for piece in value.pieces(lines):
                items.extend(piece.records() if isinstance(piece, LineBlock) else [piece])
            value = items
        out.append((key, value))
    return out


def test_line_blocks_hold_what_the_items_hold_whatever_the_layout() -> None:
    records = [{"n": n, "text": "é, \\n }\n{" * (n % 3)} for n in range(50)]
    laid_out = [
        '{"a": [\n' + _lines(records) + '\n], "b": [\n' + _lines(records[:3]) + "\n]}",
        json.dumps({"a": records, "b": records[:3]}),  # one line
        json.dumps({"a": records, "b": records[:3]}, indent=2),  # values across lines
        '{"a": [\n' + _lines(records) + "],\n" + '"b": [' + _lines(records[:3]) + "]}",
    ]
    for text in laid_out:
        expected = list(json.loads(text).items())
        for lines in (1, 7, 1000):
            assert _members(text, lines) == expected, (text[:40], lines)


def test_a_block_is_taken_only_of_whole_record_lines() -> None:
    text = '{"a": [\n' + _lines([{"n": n} for n in range(30)]) + "\n]}"
    stream = JsonObjectStream(io.StringIO(text), chunk_size=16)
    ((_, items),) = list((k, list(v.pieces(10))) for k, v in stream.members())
    assert all(isinstance(piece, LineBlock) for piece in items)
    assert [p.lines for p in items][0] >= 10
    assert sum(p.lines for p in items) == 30


def test_a_bad_line_in_a_block_is_named_at_its_character_in_the_file() -> None:
    good = _lines([{"n": n} for n in range(20)])
    text = '{"a": [\n' + good + ',\n{"n": 20, "oops"}\n]}'
    with pytest.raises(JsonStreamError) as straight:
        list(JsonObjectStream(io.StringIO(text)).members().__next__()[1])
    with pytest.raises(JsonStreamError) as blocked:
        _members(text, 5)
    assert str(blocked.value) == str(straight.value)
    assert "character" in str(blocked.value)


def test_a_block_decodes_the_hook_and_long_numbers_as_the_stream_does() -> None:
    records = [{"n": 2**70 + n, "t": "a\u0007b"} for n in range(5)]
    text = '{"a": [\n' + _lines(records) + "\n]}"
    stream = JsonObjectStream(io.StringIO(text), object_hook=clean_record)
    ((_, pieces),) = [(k, list(v.pieces(2))) for k, v in stream.members()]
    block = pieces[0]
    assert isinstance(block, LineBlock)
    assert block.fast_records() is None  # past 64 bits: only the standard decoder is exact
    assert block.records() == json.loads(text, object_hook=clean_record)["a"][: block.lines]


def _decoded_where(monkeypatch) -> list[str]:
    """Record which path decoded the restore's interactions."""
    paths: list[str] = []
    in_processes = restore_batches.decoded_in_processes

    def spy(*args, **kwargs):
        paths.append("processes")
        yield from in_processes(*args, **kwargs)

    monkeypatch.setattr(restore_batches, "decoded_in_processes", spy)
    return paths


@pytest.mark.django_db
def test_a_big_section_is_decoded_in_processes_and_stored_as_the_thread_stores(
    user, monkeypatch
) -> None:
    paths = _decoded_where(monkeypatch)
    count = 2 * RESTORE_BATCH + 17
    document = _big_export(user, count)
    restore_json(owner=user, fp=io.StringIO(_text(document)))
    assert paths == ["processes"]
    restored = Interaction.objects.filter(owner=user).order_by("pk")
    assert [str(u) for u in restored.values_list("uid", flat=True)] == [
        r["uid"] for r in document["interactions"]
    ]
    assert Interaction.people.through.objects.filter(interaction__owner=user).count() == count
    assert not _decoders()


@pytest.mark.django_db
def test_a_small_section_stays_in_the_thread(user, monkeypatch) -> None:
    paths = _decoded_where(monkeypatch)
    restore_json(owner=user, fp=io.StringIO(_text(_big_export(user, 50))))
    assert paths == []
    assert Interaction.objects.filter(owner=user).count() == 50


@pytest.mark.django_db
@pytest.mark.parametrize("deep", [5, RESTORE_BATCH + 3, 2 * RESTORE_BATCH + 9])
def test_an_error_in_a_block_is_worded_as_in_the_thread(user, monkeypatch, deep) -> None:
    paths = _decoded_where(monkeypatch)
    document = _big_export(user, 2 * RESTORE_BATCH + 20)
    document["interactions"][deep]["channel"] = "pigeon"
    with pytest.raises(
        RestoreError, match=rf"interactions\[{deep}\] \(uid [-0-9a-f]+\): field 'channel'"
    ):
        restore_json(owner=user, fp=io.StringIO(_text(document)))
    assert paths == ["processes"]
    assert _nothing(user)
    assert not _decoders()


@pytest.mark.django_db
def test_a_broken_line_deep_in_a_big_section_names_its_character(user) -> None:
    document = _big_export(user, RESTORE_BATCH + 20)
    text = _text(document)
    uid = document["interactions"][RESTORE_BATCH + 4]["uid"]
    broken = text.replace(f'"uid": "{uid}"}}', f'"uid": "{uid}" "x"}}')
    with pytest.raises(RestoreError, match=r"invalid JSON at character \d+"):
        restore_json(owner=user, fp=io.StringIO(broken))
    assert _nothing(user)


@pytest.mark.django_db
def test_a_linkedin_address_repeated_in_another_block_is_named(user, monkeypatch) -> None:
    paths = _decoded_where(monkeypatch)
    document = _big_export(user, 3)
    (ada,) = document["people"]
    document["people"] = [
        {**ada, "uid": str(uuid.uuid4()), "linkedin_url": f"https://www.linkedin.com/in/p{n}"}
        for n in range(RESTORE_BATCH + 10)
    ]
    document["people"][0]["uid"] = ada["uid"]  # the interactions' person
    late = RESTORE_BATCH + 6
    document["people"][late]["linkedin_url"] = document["people"][2]["linkedin_url"]
    with pytest.raises(
        RestoreError,
        match=rf"people\[{late}\] \(uid [-0-9a-f]+\): linkedin_url \S+ belongs to an earlier",
    ):
        restore_json(owner=user, fp=io.StringIO(_text(document)))
    assert paths == ["processes"]
    assert _nothing(user)


def test_long_records_make_blocks_of_fewer_lines_not_of_more_text() -> None:
    records = [{"n": n, "content": "x" * 5000} for n in range(4000)]
    text = '{"a": [\n' + _lines(records) + "\n]}"
    stream = JsonObjectStream(io.StringIO(text))
    ((_, pieces),) = [(k, list(v.pieces(RESTORE_BATCH))) for k, v in stream.members()]
    assert all(isinstance(p, LineBlock) for p in pieces)
    assert len(pieces) >= 2
    assert all(len(p.text) <= BLOCK_CHARS for p in pieces)
    assert [r for p in pieces for r in p.records()] == records


@pytest.mark.django_db
def test_a_section_of_long_records_is_decoded_in_processes_all_the_same(user, monkeypatch) -> None:
    paths = _decoded_where(monkeypatch)
    document = _big_export(user, 2500)
    for record in document["interactions"]:
        record["content"] = "A long mail body. " * 250  # 4,500 characters
    restore_json(owner=user, fp=io.StringIO(_text(document)))
    assert paths == ["processes"]
    contents = Interaction.objects.filter(owner=user).values_list("content", flat=True)
    assert contents.count() == 2500 and set(contents) == {"A long mail body. " * 250}
