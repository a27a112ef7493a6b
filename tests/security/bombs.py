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
