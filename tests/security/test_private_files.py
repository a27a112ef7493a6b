"""Test that what Amity writes is private: home 0700, database, key and exports 0600."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from amity.core import private_files
from tests.security.bombs import amity_env, python


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """Run with the permissive umask most shells have, and restore the old one."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_it_creates_a_private_home_database_and_key(tmp_path: Path, open_umask) -> None:
    home = tmp_path / "home"
    subprocess.run(
        [python(), "-m", "amity", "user", "create", "ada", "--password-stdin"],
        input=b"correct horse battery\n",
        env=amity_env(home),
        check=True,
        capture_output=True,
    )
    assert _mode(home) == 0o700
    assert _mode(home / "secret_key") == 0o600
    written = [p for p in home.rglob("*") if p.is_file()]
    assert home / "amity.sqlite3" in written
    assert {p.name: _mode(p) for p in written if _mode(p) & 0o077} == {}


def test_it_creates_the_secret_key_with_its_mode_not_after(
    tmp_path: Path, open_umask, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed: list[object] = []
    monkeypatch.setattr(os, "chmod", lambda *a, **k: changed.append(a))
    monkeypatch.setattr(Path, "chmod", lambda *a, **k: changed.append(a))
    key = private_files.secret_key(tmp_path)
    assert len(key) > 40 and _mode(tmp_path / "secret_key") == 0o600
    assert changed == []
    assert private_files.secret_key(tmp_path) == key


@pytest.mark.django_db
def test_it_writes_exports_readable_only_by_the_user(user, tmp_path: Path, open_umask) -> None:
    from amity.cli import call

    target = tmp_path / "backup.json"
    target.write_text("old")
    target.chmod(0o644)
    call("export", "--user", "ada", "--output", str(target))
    assert _mode(target) == 0o600
    assert '"format": "amity-export"' in target.read_text()


def test_it_warns_at_serve_when_the_home_is_open_to_others(tmp_path: Path, open_umask) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    env = amity_env(home)
    result = subprocess.run(
        [python(), "-m", "amity", "serve", "--check", "--no-demo"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"Warning: {home} (AMITY_HOME) is open to other users (mode 755)" in result.stderr
    assert f"chmod 700 {home}" in result.stderr
    assert _mode(home / "amity.sqlite3") == 0o600
