"""Test the import limits: bombs and oversized files are refused early, in bounded memory."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from amity.importers.errors import ImportFailed
from tests.importers.conftest import run, snapshot
from tests.security.bombs import (
    AMITY_CLI,
    CONNECTIONS_HEADER,
    amity_env,
    build_bomb,
    python,
    run_measured,
)

PEAK_MB = 300


@pytest.fixture(scope="session")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a 1.2 MB LinkedIn export ZIP whose Connections.csv inflates to 1.2 GB."""
    return build_bomb(tmp_path_factory.mktemp("bomb") / "Basic_LinkedInDataExport.zip")


@pytest.fixture(scope="session")
def row_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a LinkedIn export ZIP whose Connections.csv holds 37 million short rows."""
    folder = tmp_path_factory.mktemp("row-bomb")
    return build_bomb(folder / "Basic_LinkedInDataExport.zip", line=b"a,b,,,,,\n")


def _cli_import(home: Path, bomb: Path, **env: str) -> tuple[int, str, int]:
    environment = amity_env(home, **env)
    subprocess.run(
        [python(), "-m", "amity", "user", "create", "ada", "--password-stdin"],
        input=b"correct horse battery\n",
        env=environment,
        check=True,
        capture_output=True,
    )
    return run_measured(AMITY_CLI, ["import", "linkedin", str(bomb)], environment)


def test_it_refuses_a_zip_bomb_on_the_command_line_in_bounded_memory(
    bomb: Path, tmp_path: Path
) -> None:
    code, output, peak = _cli_import(tmp_path / "home", bomb)
    assert code == 1
    assert "Connections.csv: inflates to 1200 MB, over 512 MB" in output
    assert "Traceback" not in output
    print(f"peak memory {peak} MB")
    assert peak < PEAK_MB, f"peak memory {peak} MB"


def test_it_refuses_a_bomb_of_37_million_short_rows_in_bounded_memory(
    row_bomb: Path, tmp_path: Path
) -> None:
    code, output, peak = _cli_import(tmp_path / "home", row_bomb)
    assert code == 1
    assert "Connections.csv: inflates to 1200 MB, over 512 MB" in output
    print(f"peak memory {peak} MB")
    assert peak < PEAK_MB, f"peak memory {peak} MB"


def test_it_stops_reading_a_bomb_at_the_line_limit_when_the_byte_limit_allows_it(
    bomb: Path, tmp_path: Path
) -> None:
    # With the byte cap above the bomb's size, the line cap must stop it while streaming.
    code, output, peak = _cli_import(tmp_path / "home", bomb, AMITY_IMPORT_MAX_BYTES="2G")
    assert code == 1
    assert "Connections.csv:2: a line longer than 1 MB" in output
    print(f"peak memory {peak} MB")
    assert peak < PEAK_MB, f"peak memory {peak} MB"


_WEB_IMPORT = textwrap.dedent(
    """
    import os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "amity.settings"
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from amity.core.bootstrap import ensure_migrated
    ensure_migrated()
    user = get_user_model().objects.create_user("ada", password="correct horse battery")
    client = Client()
    client.force_login(user)
    with open(sys.argv[1], "rb") as upload:
        response = client.post("/import/", {"format": "linkedin", "file": upload})
    print("STATUS", response.status_code)
    print(response.content.decode())
    """
)


def test_it_refuses_a_zip_bomb_uploaded_to_the_import_page_in_bounded_memory(
    bomb: Path, tmp_path: Path
) -> None:
    env = amity_env(tmp_path / "home", AMITY_ALLOWED_HOSTS="testserver")
    code, output, peak = run_measured(_WEB_IMPORT, [str(bomb)], env)
    assert code == 0, output
    assert "STATUS 400" in output
    assert "Connections.csv: inflates to 1200 MB, over 512 MB" in output
    print(f"peak memory {peak} MB")
    assert peak < PEAK_MB, f"peak memory {peak} MB"


def _write(path: Path, body: bytes) -> Path:
    path.write_bytes(CONNECTIONS_HEADER + body)
    return path


@pytest.mark.django_db
def test_it_fails_past_the_byte_limit_and_writes_nothing(user, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AMITY_IMPORT_MAX_BYTES", "10000")
    rows = b"".join(
        b"Ada%d,Lovelace,https://www.linkedin.com/in/ada%d,,,,\n" % (n, n) for n in range(500)
    )
    before = snapshot()
    with pytest.raises(ImportFailed, match=r"Connections\.csv:\d+: more than 9\.76562 KB"):
        run(user, "linkedin", _write(tmp_path / "Connections.csv", rows))
    assert snapshot() == before


@pytest.mark.django_db
def test_it_fails_past_the_line_limit_and_writes_nothing(user, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AMITY_IMPORT_MAX_LINE", "1024")
    body = b"Ada,Lovelace,https://www.linkedin.com/in/ada,,,,\nBob," + b"y" * 5000 + b",,,,,\n"
    before = snapshot()
    with pytest.raises(ImportFailed, match=r"Connections\.csv:3: a line longer than 1 KB"):
        run(user, "linkedin", _write(tmp_path / "Connections.csv", body))
    assert snapshot() == before


@pytest.mark.django_db
def test_it_fails_past_the_field_limit_and_writes_nothing(
    user, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AMITY_IMPORT_MAX_FIELDS", "50")
    body = b"Ada,Lovelace,https://www.linkedin.com/in/ada,,,,\n" + b"," * 60 + b"\n"
    before = snapshot()
    with pytest.raises(ImportFailed, match=r"Connections\.csv:3: 61 fields in one row, over 50"):
        run(user, "linkedin", _write(tmp_path / "Connections.csv", body))
    assert snapshot() == before


@pytest.mark.django_db
def test_it_fails_past_the_row_limit_and_writes_nothing(user, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AMITY_IMPORT_MAX_ROWS", "100")
    rows = b"".join(
        b"Ada%d,Lovelace,https://www.linkedin.com/in/ada%d,,,,\n" % (n, n) for n in range(150)
    )
    before = snapshot()
    with pytest.raises(ImportFailed, match=r"Connections\.csv:101: more than 100 rows"):
        run(user, "linkedin", _write(tmp_path / "Connections.csv", rows))
    assert snapshot() == before


@pytest.mark.django_db
def test_it_counts_mbox_messages_against_the_row_limit(user, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AMITY_IMPORT_MAX_ROWS", "3")
    message = b"From a@example.org Mon Jan  1 00:00:00 2026\nSubject: hi\n\nbody\n"
    path = tmp_path / "mail.mbox"
    path.write_bytes(message * 5)
    with pytest.raises(ImportFailed, match=r"mail\.mbox:13: more than 3 messages"):
        run(user, "mbox", path, me=["sam@example.org"])
