"""Run Amity CLI verbs in-process and capture what they print."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from amity.cli import call


@pytest.fixture
def run(user: Any) -> Callable[..., str]:
    """Return a function that runs `amity ARGS...` as "ada" and returns its stdout."""

    def run(*args: str) -> str:
        out = io.StringIO()
        call(*args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def run_json(run: Callable[..., str]) -> Callable[..., Any]:
    """Return a function that runs a verb with --json and parses its output."""

    def run_json(*args: str) -> Any:
        return json.loads(run(*args, "--json"))

    return run_json
