"""Test the `amity` front: discovered verbs, Amity's own help and errors, completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from amity.cli import load_verb, overview, verb_names

DJANGO_OPTIONS = ("--settings", "--pythonpath", "--traceback", "--verbosity", "--no-color")


def amity(
    *args: str, home: Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m amity ARGS…` in a fresh AMITY_HOME and capture its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMITY_", "DJANGO_"))}
    env.update({"AMITY_HOME": str(home), **(extra_env or {})})
    return subprocess.run(
        [sys.executable, "-m", "amity", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_it_discovers_every_verb_module() -> None:
    modules = {p.stem for p in (Path(__file__).parents[2] / "amity/cli/verbs").glob("*.py")}
    modules.discard("__init__")
    assert sorted(verb_names().values()) == sorted(modules)
    assert "can-i-ask" in verb_names() and "import" in verb_names()


def test_it_lists_every_verb_with_its_summary() -> None:
    text = overview()
    for name in verb_names():
        line = next(line for line in text.splitlines() if line.strip().startswith(name + " "))
        assert len(line.split(None, 1)) == 2, f"{name} has no summary"


@pytest.mark.parametrize("name", sorted(verb_names()))
def test_it_shows_only_amitys_options_in_help(name: str) -> None:
    help_text = load_verb(name)().create_parser().format_help()
    assert help_text.startswith(f"usage: amity {name}")
    for option in DJANGO_OPTIONS:
        assert option not in help_text


def test_it_reports_an_unknown_verb_as_a_usage_error(tmp_path: Path) -> None:
    result = amity("tody", home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("amity: error: unknown verb 'tody' (did you mean today?)")
    assert "Traceback" not in result.stderr


def test_it_reports_a_bad_option_as_a_usage_error(tmp_path: Path) -> None:
    result = amity("snooze", "--bogus", home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("amity: error: ")
    assert "usage: amity snooze" in result.stderr


def test_it_reports_a_failure_with_status_1(tmp_path: Path) -> None:
    result = amity("can-i-ask", "Nobody", home=tmp_path)
    assert result.returncode == 1
    # A fresh home: the first user is created (and said so) before the verb fails.
    notice, error = result.stderr.split("amity: error: ")
    assert notice.startswith("Created the first Amity user: amity (password: ")
    assert error == "no person matches 'Nobody'\n"
    assert "Traceback" not in result.stderr


def test_it_prints_a_verbs_help_with_status_0(tmp_path: Path) -> None:
    result = amity("today", "--help", home=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: amity today")
    assert "--settings" not in result.stdout


def complete(line: str, home: Path) -> list[str]:
    """Return what the shell would offer after `line` (argcomplete's protocol)."""
    completions = home / "completions"
    result = amity(
        home=home,
        extra_env={
            "_ARGCOMPLETE": "1",
            "_ARGCOMPLETE_IFS": "\n",
            "COMP_LINE": line,
            "COMP_POINT": str(len(line)),
            "_ARGCOMPLETE_STDOUT_FILENAME": str(completions),
        },
    )
    assert result.returncode == 0, result.stderr
    return [word.strip() for word in completions.read_text().split("\n")]


def test_it_completes_verbs_and_options_for_the_shell(tmp_path: Path) -> None:
    assert complete("amity sno", tmp_path) == ["snooze"]
    assert complete("amity snooze --us", tmp_path) == ["--user"]
