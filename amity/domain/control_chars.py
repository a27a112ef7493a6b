"""Say which characters Amity never stores: NUL and the other C0 controls but tab, LF, CR.

PostgreSQL cannot store NUL in text at all and SQLite can, so one rule for every
entry point keeps both backends alike: text a client sends (web forms, query
strings, API bodies) that holds such a character is refused; text decoded from
files (imports, restores) has them removed.
"""

from __future__ import annotations

import re
from typing import Any

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# JSON text can only carry a control character escaped (raw ones are invalid JSON):
# \u0000-\u001f, \b or \f. Text without any of these decodes to clean strings.
ESCAPED_CONTROL = re.compile(r"\\(?:u00[01]|[bf])")
INT64_MAX = 2**63 - 1


def first_control(text: str) -> str | None:
    """Return the first forbidden control character in `text` as U+XXXX, or None."""
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def strip_controls(text: str) -> str:
    """Return `text` without the forbidden control characters."""
    return CONTROL.sub("", text) if CONTROL.search(text) else text


def clean_record(record: dict[str, Any]) -> dict[str, Any]:
    """Strip forbidden controls from the strings of a decoded JSON object, in place.

    Usable as json's object_hook: nested objects are cleaned as they are decoded.
    """
    for key, value in record.items():
        if type(value) is str:
            if CONTROL.search(value):
                record[key] = CONTROL.sub("", value)
        elif type(value) is list:
            record[key] = [
                CONTROL.sub("", item) if type(item) is str and CONTROL.search(item) else item
                for item in value
            ]
    return record


def find_hostile(value: Any, path: str = "") -> tuple[str, str] | None:
    """Return (field path, reason) for the first control character or 64-bit overflow."""
    if isinstance(value, str):
        found = first_control(value)
        return (path, f"contains a control character ({found})") if found else None
    if isinstance(value, int) and not isinstance(value, bool):
        return None if -INT64_MAX - 1 <= value <= INT64_MAX else (path, "number out of range")
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)  # type: ignore[assignment]
    else:
        return None
    for key, item in items:
        found_in = find_hostile(item, f"{path}.{key}" if path else str(key))
        if found_in:
            return found_in
    return None
