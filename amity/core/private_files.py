"""Keep what Amity writes private to the user running it.

The home holds the database (password hashes, live sessions, every contact), the
secret key and exports: none of it is for other local users. `restrict_umask` runs
first thing in every entry point; the helpers here also create files with their
mode from the start, so no other user can open them in between.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import IO

PRIVATE_UMASK = 0o077


def restrict_umask() -> None:
    """Make every file and folder this process creates private (umask 077)."""
    os.umask(PRIVATE_UMASK)


def private_home(home: Path) -> Path:
    """Create `home` (mode 0700) if missing; return it."""
    if not home.exists():
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        home.chmod(0o700)  # mkdir's mode passes through the umask; this one is ours
    return home


def exposed_to_others(path: Path) -> bool:
    """Say whether group or other users may read, write or enter `path`."""
    try:
        return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
    except OSError:
        return False


def open_private(path: Path, *, newline: str | None = None) -> IO[str]:
    """Open `path` for writing text, creating it with mode 0600 (and tightening it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline)


def secret_key(home: Path) -> str:
    """Return the key kept in `home`/secret_key, creating it (mode 0600) on first use."""
    key_file = home / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        pass
    private_home(home)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(key)
    return key


def tighten_database_files(database: Path) -> None:
    """Make an SQLite database and its WAL files private (older homes made them 0644)."""
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:
            continue
