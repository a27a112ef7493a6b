"""Build hostile import files at test time: a ZIP bomb and a very long line."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

CONNECTIONS_HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
BOMB_MB = 1200


def build_bomb(path: Path, megabytes: int = BOMB_MB) -> Path:
    """Write a LinkedIn export ZIP whose Connections.csv inflates to `megabytes` MB.

    One line of repeated bytes deflates about 1000:1, so the ZIP is about 1.2 MB.
    """
    chunk = b"x" * (1 << 20)
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


def run_measured(args: list[str], env: dict[str, str]) -> tuple[int, str, int]:
    """Run `args`; return (exit code, output, peak resident memory in MB of that process)."""
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    assert process.stdout is not None
    output = process.stdout.read().decode(errors="replace")
    # wait4 reports the resource use of this child alone (ru_maxrss in KB on Linux).
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, output, usage.ru_maxrss // 1024


def python() -> str:
    """Return the interpreter running the tests (the project's virtualenv)."""
    return sys.executable
