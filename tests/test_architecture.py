"""Test the house rules that keep Amity readable: layers, module and function sizes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "amity"

# Lower numbers are lower layers; a module may import only its own layer's package or
# lower layers, never an app above it, not even inside a function (docs/architecture.md).
LAYERS: dict[str, int] = {
    "domain": 0,
    "core": 0,
    "config": 0,
    "accounts": 1,
    "people": 2,
    "relationships": 3,
    "importers": 4,
    "network": 4,
    "inbox": 4,
    "sync": 5,
    "reminders": 5,
    "portability": 5,
    "cli": 6,
    "web": 6,
    "api": 6,
    "settings": 7,
    "urls": 7,
    "wsgi": 6,
    "__main__": 7,
}
# Surfaces share the API's schemas (one schema per JSON shape, for --json and the API).
ALLOWED_SIDEWAYS = {("cli", "api"), ("web", "api"), ("cli", "wsgi")}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
REASON = "# long because:"


def sources() -> list[Path]:
    """Return every Python module of the package but migrations."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def part_of(path: Path) -> str:
    """Return the top-level package or module of `path` within amity."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported_parts(path: Path) -> set[str]:
    """Return the amity packages `path` imports, at any depth of the module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "amity":
                names = [f"amity.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "amity" and len(parts) > 1 and not parts[1].startswith("__"):
                found.add(parts[1])
    return found


def test_it_knows_the_layer_of_every_part_of_the_package() -> None:
    assert {part_of(p) for p in sources()} - {"__init__"} <= set(LAYERS)


def test_it_never_imports_an_app_above_or_beside_it() -> None:
    upward = []
    for path in sources():
        mine = part_of(path)
        if mine == "__init__":
            continue
        for other in imported_parts(path) - {mine}:
            if LAYERS[other] >= LAYERS[mine] and (mine, other) not in ALLOWED_SIDEWAYS:
                upward.append(f"{path.relative_to(PACKAGE)} imports amity.{other}")
    assert upward == []


def test_it_keeps_the_domain_free_of_django() -> None:
    for path in (PACKAGE / "domain").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                assert not any(n.split(".")[0] == "django" for n in names), path


def reasoned(path: Path) -> bool:
    """Say whether a module states at its top why it is long."""
    head = path.read_text().split("\n\n", 1)[0] + path.read_text()[:2000]
    return REASON in head


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_it_keeps_modules_short_or_says_why(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_MODULE_LINES or reasoned(path), f"{lines} lines"


def long_functions(path: Path) -> list[str]:
    """Return the functions of `path` over the limit that do not say why at their top."""
    text = path.read_text()
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            head = node.body[0]
            is_doc = isinstance(head, ast.Expr) and isinstance(head.value, ast.Constant)
            top = (head.end_lineno or head.lineno) if is_doc else head.lineno - 1
            first = text.splitlines()[node.lineno - 1 : top + 3]
            if length > MAX_FUNCTION_LINES and not any(REASON in line for line in first):
                out.append(f"{node.name} ({length} lines)")
    return out


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_it_keeps_functions_short_or_says_why(path: Path) -> None:
    assert long_functions(path) == []
