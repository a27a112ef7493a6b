"""Build hostile import files at test time: a ZIP bomb and a very long line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

CONNECTIONS_HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
BOMB_MB = 1200
# What refusing any bomb may take, whole process (issue 13).
PEAK_MB = 300


def build_bomb(path: Path, megabytes: int = BOMB_MB, line: bytes = b"") -> Path:
    """Write a LinkedIn export ZIP whose Connections.csv inflates to `megabytes` MB.

    By default the body is one line of repeated bytes; with `line` it is that row
    repeated (37 million short rows for b"a,b,,,,,\\n"). Repeated bytes deflate about
    1000:1, so the ZIP is about 1 MB.
    """
    chunk = b"x" * (1 << 20) if not line else line * ((1 << 20) // len(line))
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("Connections.csv", "w", force_zip64=True) as member,
    ):
        member.write(CONNECTIONS_HEADER)
        for _ in range(megabytes):
            member.write(chunk)
    return path


def amity_env(home: Path, **extra: str) -> dict[str, str]:
    """Return an environment for a fresh Amity process in `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["AMITY_HOME"] = str(home)
    env.update(extra)
    return env


def create_user(env: dict[str, str], name: str = "ada") -> None:
    """Create the user `name` in the Amity home of `env`."""
    subprocess.run(
        [python(), "-m", "amity", "user", "create", name, "--password-stdin"],
        input=b"correct horse battery\n",
        env=env,
        check=True,
        capture_output=True,
    )


# Report the process's own peak resident memory as it exits. /proc's VmHWM belongs to
# the process image: ru_maxrss would also count the test runner's memory that the
# child inherited between fork and exec.
_PEAK = """
import atexit, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK_KB " + line.split()[1] + "\\n")
atexit.register(_peak)
"""
AMITY_CLI = "import sys\nfrom amity.__main__ import main\nmain(sys.argv[1:])\n"


def run_measured(code: str, args: list[str], env: dict[str, str]) -> tuple[int, str, int]:
    """Run Python `code` with `args`; return (exit code, output, peak memory in MB)."""
    result = subprocess.run(
        [python(), "-c", _PEAK + code, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=600,
    )
    output = result.stdout + result.stderr
    match = re.search(r"PEAK_KB (\d+)", output)
    assert match, output[-2000:]
    return result.returncode, output, int(match.group(1)) // 1024


def python() -> str:
    """Return the interpreter running the tests (the project's virtualenv)."""
    return sys.executable


# Row bombs: files of many tiny records, under the byte limit, over the row limit.
# Each builder writes `count` records and returns the file; RECORD_LINES says how many
# lines one record takes, to predict the line an import must name.
MBOX_MESSAGE = (
    b"From a%d@example.org Mon Jan  1 00:00:00 2026\n"
    b"From: Ada <a%d@example.org>\nTo: sam@example.org\nSubject: hi\n"
    b"Message-ID: <%d@example.org>\n\nbody\n"
)
VCARD = b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada %d\nEMAIL:a%d@example.org\nEND:VCARD\n"
VEVENT = (
    b"BEGIN:VEVENT\nUID:%d@example.org\nDTSTART:20260101T100000Z\nSUMMARY:Coffee\n"
    b"ORGANIZER:mailto:sam@example.org\nATTENDEE:mailto:a%d@example.org\nEND:VEVENT\n"
)
RECORD_LINES = {"mbox": MBOX_MESSAGE.count(b"\n"), "vcard": 1, "ics": 1}


def connection_rows(count: int) -> bytes:
    """Return the header and `count` distinct LinkedIn connection rows."""
    row = b"Ada,Lovelace %d,https://www.linkedin.com/in/ada-%d,,Analytical,Engineer,01 Jan 2026\n"
    return CONNECTIONS_HEADER + b"".join(row % (n, n) for n in range(count - 1))


def linkedin_zip(path: Path, count: int) -> Path:
    """Write a LinkedIn export ZIP whose Connections.csv holds `count` rows."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Connections.csv", connection_rows(count))
    return path


def google_csv(path: Path, count: int) -> Path:
    """Write a Google Contacts CSV of a header and `count - 1` contacts."""
    rows = b"".join(b"Ada,Lovelace %d,a%d@example.org\n" % (n, n) for n in range(count - 1))
    path.write_bytes(b"First Name,Last Name,E-mail 1 - Value\n" + rows)
    return path


def mbox(path: Path, count: int) -> Path:
    """Write an mbox of `count` short messages to sam@example.org."""
    path.write_bytes(b"".join(MBOX_MESSAGE % (n, n, n) for n in range(count)))
    return path


def vcard(path: Path, lines: int) -> Path:
    """Write a .vcf file of `lines` lines (whole cards of five lines)."""
    path.write_bytes(b"".join(VCARD % (n, n) for n in range(lines // 5)))
    return path


def ics(path: Path, lines: int) -> Path:
    """Write an iCalendar file of about `lines` lines of short events with sam@example.org."""
    events = b"".join(VEVENT % (n, n) for n in range(lines // 7))
    path.write_bytes(
        b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//bomb//EN\n" + events + b"END:VCALENDAR\n"
    )
    return path
