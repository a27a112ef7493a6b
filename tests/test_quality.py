"""Keep the code base lint-clean and the domain core strictly typed."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
        return found
    return str(path)


def test_it_is_ruff_clean() -> None:
    result = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_is_mypy_strict_clean_in_the_domain_core() -> None:
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_domain_core_imports_no_django() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "amity" / "domain").rglob("*.py")
        if "django" in path.read_text()
        and any(
            line.strip().startswith(("import django", "from django"))
            for line in path.read_text().splitlines()
        )
    ]
    assert offenders == []
