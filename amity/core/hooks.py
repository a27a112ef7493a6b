"""Let a lower app announce a change, and a higher app add to a lower app's answer.

Arrows point down only (docs/architecture.md): `people` cannot import the relationship
engine that builds on it, and the engine cannot import `network`, whose pending steps
Today shows. Instead the higher app registers here, in its AppConfig.ready(), and
the lower one calls whatever is registered. Both lists are filled once at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

PeopleChanged = Callable[[list[int]], None]
"""Called with the ids of people whose interactions changed (written or deleted)."""

ProfilesChanged = Callable[[int], None]
"""Called with the id of an owner some of whose people's profiles were created or changed."""

TodayExtra = Callable[[Any, dict[str, Any]], None]
"""Called with (owner, Today's answer as JSON-ready data); adds its own keys to it."""

OpenIntroductions = Callable[[int, Sequence[int] | None], dict[int, list[str]]]
"""Called with (owner id, person ids or None for all); returns, per person, the names of
people they were introduced to and whose introduction awaits a follow-up."""

_people_changed: list[PeopleChanged] = []
_profiles_changed: list[ProfilesChanged] = []
_today_extras: list[TodayExtra] = []
_open_introductions: list[OpenIntroductions] = []


def on_people_changed(listener: PeopleChanged) -> None:
    """Call `listener` whenever people's interactions change (once per listener)."""
    if listener not in _people_changed:
        _people_changed.append(listener)


def people_changed(*, person_ids: Iterable[int]) -> None:
    """Tell every listener that these people's interactions changed."""
    ids = list(person_ids)
    for listener in _people_changed:
        listener(ids)


def on_profiles_changed(listener: ProfilesChanged) -> None:
    """Call `listener` whenever someone's people are created or their profiles change."""
    if listener not in _profiles_changed:
        _profiles_changed.append(listener)


def profiles_changed(*, owner_id: int) -> None:
    """Tell every listener that some of this owner's people were created or changed."""
    for listener in _profiles_changed:
        listener(owner_id)


def add_to_today(extra: TodayExtra) -> None:
    """Let `extra` add keys to Today's answer (once per function)."""
    if extra not in _today_extras:
        _today_extras.append(extra)


def add_today_extras(owner: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Let every registered extra add to Today's answer `data`; return it."""
    for extra in _today_extras:
        extra(owner, data)
    return data


def provide_open_introductions(provider: OpenIntroductions) -> None:
    """Let `provider` tell Today which introductions await a follow-up."""
    if provider not in _open_introductions:
        _open_introductions.append(provider)


def open_introductions(owner_id: int, person_ids: Sequence[int] | None) -> dict[int, list[str]]:
    """Return, per person, whom they were introduced to and not followed up ({} if none)."""
    found: dict[int, list[str]] = {}
    for provider in _open_introductions:
        for person_id, names in provider(owner_id, person_ids).items():
            found.setdefault(person_id, []).extend(names)
    return found
