"""Fuzz every parser: arbitrary bytes fail with ImportFailed, never a traceback or a write."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amity.importers.errors import ImportFailed
from amity.importers.records import ParseOptions
from amity.importers.registry import FORMATS, get_format
from amity.importers.services import parse_source, run_import
from amity.importers.source_files import SourceFile
from tests.importers.conftest import DATA, ME, snapshot

OPTIONS = ParseOptions(me=ME, now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))

# Each format's real opening, so fuzzing reaches past "not this kind of file".
PREFIXES = {
    "linkedin": [
        b"",
        b'Notes:\n"x"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n',
        b"CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,"
        b"FOLDER\n",
        b"From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n",
        b"PK\x03\x04",
    ],
    "google": [b"", (DATA / "google_new.csv").read_bytes()[:700], b"Name,Given Name,Family Name\n"],
    "vcard": [
        b"",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\n",
        b"BEGIN:VCARD\nVERSION:2.1\nN;ENCODING=QUOTED-PRINTABLE:",
    ],
    "mbox": [b"", b"From a@b.example Mon Jun  2 09:15:00 2025\nFrom: ", b"From x\n\n"],
    "ics": [b"", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nRRULE:"],
    "interactions": [b"", b"person,occurred_at,direction,channel,intent,subtype,note\n"],
}

_LINES = st.lists(
    st.one_of(
        st.binary(max_size=60),
        st.text(max_size=60).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [
                b"END:VEVENT",
                b"END:VCARD",
                b"BEGIN:VCARD",
                b"DTSTART:20260101T090000Z",
                b"ATTENDEE:mailto:sam.carter@example.net",
                b"ORGANIZER:mailto:x@y.example",
                b"RRULE:FREQ=DAILY;COUNT=3",
                b"FN:Ada",
                b'"unclosed',
                b"a@b.example,2026-01-01,out",
                b"To: sam.carter@example.net",
                b"Content-Type: multipart/mixed; boundary=x",
                b"--x",
                b"=?utf-8?q?=FF?=",
                b",,,,,,",
                b"\x00",
            ]
        ),
    ),
    max_size=12,
).map(lambda lines: b"\n".join(lines))


def _payload(fmt: str) -> st.SearchStrategy[bytes]:
    prefix = st.sampled_from(PREFIXES[fmt])
    return st.tuples(prefix, st.one_of(st.binary(max_size=400), _LINES)).map(b"".join)


@pytest.mark.parametrize("fmt", list(FORMATS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_it_parses_arbitrary_bytes_without_a_traceback(fmt: str, data: st.DataObject) -> None:
    payload = data.draw(_payload(fmt))
    source = SourceFile.from_bytes(f"fuzz.{fmt}", payload)
    try:
        parse_source(get_format(fmt), source, OPTIONS)
    except ImportFailed as exc:
        assert str(exc).startswith("fuzz.")


@pytest.mark.parametrize("fmt", list(FORMATS))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.binary(max_size=300))
def test_it_writes_nothing_for_arbitrary_bytes(user, fmt: str, payload: bytes) -> None:
    before = snapshot()
    try:
        summary = run_import(
            owner=user,
            format=fmt,
            source=SourceFile.from_bytes(f"fuzz.{fmt}", payload),
            me=ME,
            now=OPTIONS.now,
        )
    except ImportFailed:
        pass
    else:  # bytes that parse as an empty file ("From " is an mbox of one blank message)
        assert summary.run_id is None
    assert snapshot() == before


@pytest.mark.parametrize("fmt", list(FORMATS))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_it_writes_nothing_when_mangled_files_fail(user, fmt: str, data: st.DataObject) -> None:
    payload = data.draw(_payload(fmt))
    before = snapshot()
    try:
        run_import(
            owner=user,
            format=fmt,
            source=SourceFile.from_bytes(f"fuzz.{fmt}", payload),
            me=ME,
            now=OPTIONS.now,
        )
    except ImportFailed:
        assert snapshot() == before


def test_it_refuses_a_csv_with_nul_bytes_naming_the_line(tmp_path) -> None:
    from amity.importers.errors import ImportFailed
    from amity.importers.source_files import SourceFile, csv_rows

    path = tmp_path / "Connections.csv"
    path.write_bytes(b"First Name,Last Name\nAda,Love\x00lace\n")
    with pytest.raises(ImportFailed, match="Connections.csv:2: contains NUL bytes"):
        list(csv_rows(SourceFile.from_path(path)))
