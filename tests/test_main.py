"""Test the `amity` entry point's start-up."""

import gc

import django
import pytest

from amity.cli import set_up_django


def test_it_sets_django_up_with_the_collector_paused_then_freezes_start_up(monkeypatch) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(django, "setup", lambda: seen.append(gc.isenabled()))
    try:
        set_up_django()
        assert seen == [False]  # no collections while start-up builds its objects
        assert gc.isenabled()  # the command itself runs with the collector on
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_it_turns_the_collector_back_on_when_set_up_fails(monkeypatch) -> None:
    def broken() -> None:
        raise RuntimeError("an app failed to load")

    monkeypatch.setattr(django, "setup", broken)
    try:
        with pytest.raises(RuntimeError, match="failed to load"):
            set_up_django()
        assert gc.isenabled()
    finally:
        gc.unfreeze()
