"""Test the settings registry: every setting parsed, documented and listed."""

import io
import json
import re
from pathlib import Path

import pytest

from amity import config
from amity.cli import call

README = Path(__file__).resolve().parent.parent / "README.md"


def test_it_documents_every_setting_in_the_readme() -> None:
    text = README.read_text()
    missing = [name for name in config.SETTINGS if f"`{name}`" not in text]
    assert missing == []
    documented = set(re.findall(r"`(AMITY_[A-Z_]+)`", text))
    unknown = documented - set(config.SETTINGS) - {"AMITY_TEST_DATABASE_URL"}
    assert unknown == set()


def test_it_parses_settings_and_names_the_bad_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMITY_PORT", "8123")
    monkeypatch.setenv("AMITY_ALLOWED_HOSTS", "a.example, b.example,")
    monkeypatch.setenv("AMITY_DEBUG", "yes")
    assert config.PORT.value() == 8123
    assert config.ALLOWED_HOSTS.value() == ["a.example", "b.example"]
    assert config.DEBUG.value() is True
    monkeypatch.setenv("AMITY_PORT", "zero")
    with pytest.raises(ValueError, match="AMITY_PORT='zero'"):
        config.PORT.value()
    monkeypatch.setenv("AMITY_DEPOSITS_PER_ASK", "-1")
    with pytest.raises(ValueError, match="greater than 0"):
        config.DEPOSITS_PER_ASK.value()


def test_it_uses_sqlite_with_wal_and_a_busy_timeout_by_default() -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("this pass runs on another database")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5


def test_it_lists_settings_as_json() -> None:
    out = io.StringIO()
    call("settings", "--json", stdout=out)
    rows = {row["name"]: row for row in json.loads(out.getvalue())}
    assert set(rows) == set(config.SETTINGS)
    assert rows["AMITY_DEPOSITS_PER_ASK"]["default"] == "7"


def test_it_reads_amity_settings_only_through_the_config_module() -> None:
    import re
    from pathlib import Path

    package = Path(__file__).parents[1] / "amity"
    # Reads, not writes: the front points AMITY_HOME at a throwaway home for a demo.
    read = re.compile(
        r"settings\.AMITY_|SETTINGS\.get\(|getenv\(\"AMITY_|environ\.get\(\"AMITY_"
        r"|environ\[\"AMITY_[A-Z_]+\"\](?!\s*=)"
    )
    readers = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name not in {"config.py", "settings.py"} and read.search(path.read_text())
    ]
    assert readers == []
