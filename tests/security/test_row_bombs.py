"""Test that files of too many tiny records are refused before any record is built.

A row bomb fits the byte limit yet holds more records than AMITY_IMPORT_MAX_ROWS. The
bombs are built at test time with a small row limit; each must be refused naming the
file and the line of the first record past the limit, write nothing, and allocate far
less than the records before the limit would take (which the parse used to build).
"""

from __future__ import annotations

import io
import random
import re
import subprocess
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from amity.importers.errors import ImportFailed
from amity.importers.limits import line_bound
from tests.importers.conftest import run, snapshot
from tests.security import bombs

LIMIT = 20_000
RECORDS = 3 * LIMIT
# What refusing may allocate: buffers of the readers, never the records. Before the
# records were counted first, refusing these files allocated 2.1 MB (vCard), 3.0 MB
# (iCalendar), 14 to 15 MB (CSV) and 24 MB (mbox); now 0.2 to 0.5 MB.
MAX_ALLOCATED_MB = 1.0


def _refuse(user, fmt: str, path: Path, expected: str, **options) -> float:
    """Import `path`, expect the refusal `expected`, and return the MB allocated at peak."""
    before = snapshot()
    tracemalloc.start()
    try:
        with pytest.raises(ImportFailed) as refused:
            run(user, fmt, path, **options)
        peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()
    assert str(refused.value) == expected
    assert snapshot() == before
    print(f"{fmt}: refused with {peak:.2f} MB allocated at peak")
    return peak


def _limit_message(path: Path, line: int, what: str = "rows") -> str:
    return f"{path}:{line}: more than {LIMIT:,} {what} (the AMITY_IMPORT_MAX_ROWS limit)"


@pytest.fixture(autouse=True)
def _small_row_limit(monkeypatch) -> None:
    monkeypatch.setenv("AMITY_IMPORT_MAX_ROWS", str(LIMIT))
    # Import the importers before measuring: loading their code is not reading the file.
    import amity.importers.services  # noqa: F401


@pytest.mark.django_db
def test_it_refuses_a_linkedin_zip_of_too_many_connections_before_building_any(
    user, tmp_path: Path
) -> None:
    path = bombs.linkedin_zip(tmp_path / "export.zip", RECORDS)
    expected = _limit_message(Path(f"{path}/Connections.csv"), LIMIT + 1)
    assert _refuse(user, "linkedin", path, expected) < MAX_ALLOCATED_MB


@pytest.mark.django_db
def test_it_refuses_a_plain_csv_of_too_many_rows_before_building_any(user, tmp_path: Path) -> None:
    path = bombs.google_csv(tmp_path / "contacts.csv", RECORDS)
    expected = _limit_message(path, LIMIT + 1)
    assert _refuse(user, "google", path, expected) < MAX_ALLOCATED_MB


@pytest.mark.django_db
def test_it_refuses_an_mbox_of_too_many_messages_before_building_any(user, tmp_path: Path) -> None:
    path = bombs.mbox(tmp_path / "mail.mbox", RECORDS)
    line = LIMIT * bombs.RECORD_LINES["mbox"] + 1  # the "From " line of message LIMIT + 1
    expected = _limit_message(path, line, "messages")
    peak = _refuse(user, "mbox", path, expected, me=["sam@example.org"])
    assert peak < MAX_ALLOCATED_MB


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "build"), [("vcard", bombs.vcard), ("ics", bombs.ics)], ids=["vcard", "ics"]
)
def test_it_refuses_a_vcard_or_icalendar_file_of_too_many_lines_before_building_any(
    user, tmp_path: Path, fmt: str, build: Callable[[Path, int], Path]
) -> None:
    path = build(tmp_path / f"bomb.{fmt}", RECORDS)
    expected = _limit_message(path, LIMIT + 1, "lines")
    peak = _refuse(user, fmt, path, expected, me=["sam@example.org"])
    assert peak < MAX_ALLOCATED_MB


@pytest.mark.django_db
def test_it_refuses_a_csv_whose_rows_end_in_bare_carriage_returns(
    user, tmp_path: Path, monkeypatch
) -> None:
    # csv and universal newlines end a row at a lone CR too: counting only line feeds
    # would let this file through to the parse.
    monkeypatch.setenv("AMITY_IMPORT_MAX_LINE", "16M")
    path = bombs.google_csv(tmp_path / "contacts.csv", RECORDS)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    expected = _limit_message(path, LIMIT + 1)
    assert _refuse(user, "google", path, expected) < MAX_ALLOCATED_MB


@pytest.mark.parametrize("seed", range(5))
def test_it_bounds_lines_exactly_across_chunks_for_any_mix_of_line_ends(seed: int) -> None:
    pieces = [b"a", b"bc", b"\n", b"\r", b"\r\n"]
    generator = random.Random(seed)
    data = b"".join(generator.choice(pieces) for _ in range(200_000))
    # A CRLF split across the reader's 64 KB chunks must still count once.
    data = b"x" * (64 * 1024 - 1) + b"\r\n" + data
    breaks = len(re.findall(rb"\r\n|\r|\n", data))
    assert line_bound(io.BytesIO(data)) == breaks + 1
    assert len(io.TextIOWrapper(io.BytesIO(data), newline="").readlines()) <= breaks + 1


@pytest.mark.django_db
def test_it_counts_rows_not_lines_when_quoted_cells_span_lines(user, tmp_path: Path) -> None:
    # 3 * LIMIT lines but only LIMIT rows: the line count passes the limit, the row count
    # must not, so the file imports.
    rows = b"".join(
        b'Ada,Lovelace %d,https://www.linkedin.com/in/ada-%d,,"Analytical\n\nEngines",,\n' % (n, n)
        for n in range(LIMIT - 1)
    )
    path = tmp_path / "Connections.csv"
    path.write_bytes(bombs.CONNECTIONS_HEADER + rows)
    summary = run(user, "linkedin", path)
    assert summary.people.created == LIMIT - 1


# Run a command and report the peak resident memory of that child alone. A fresh, small
# parent keeps RUSAGE_CHILDREN from counting the test runner or its other children.
_MEASURE_CHILD = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, capture_output=True, text=True)
print(done.stdout + done.stderr)
print("EXIT", done.returncode)
print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def test_it_refuses_six_million_rows_at_the_default_limit_in_bounded_memory(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("AMITY_IMPORT_MAX_ROWS")
    # 52 MB of "a,b,,,,,\n": 6,058,416 rows in a ZIP of about 60 KB, under the byte limit.
    bomb = bombs.build_bomb(tmp_path / "Basic_LinkedInDataExport.zip", 52, line=b"a,b,,,,,\n")
    env = bombs.amity_env(tmp_path / "home")
    bombs.create_user(env)
    command = [bombs.python(), "-m", "amity", "import", "linkedin", str(bomb)]
    measured = subprocess.run(
        [bombs.python(), "-c", _MEASURE_CHILD, *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = measured.stdout
    peak = int(re.search(r"MAXRSS_KB (\d+)", output).group(1)) // 1024  # type: ignore[union-attr]
    print(f"bomb of {bomb.stat().st_size:,} bytes refused; peak memory {peak} MB")
    assert "EXIT 1" in output, output[-2000:]
    expected = "Connections.csv:5000001: more than 5,000,000 rows (the AMITY_IMPORT_MAX_ROWS limit)"
    assert expected in output
    assert "Traceback" not in output
    assert peak < bombs.PEAK_MB, f"peak memory {peak} MB"
