"""Parse people's names and normalise the keys that identify them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class ParsedName:
    """The parts of a person's name, as nameparser splits them."""

    full_name: str
    prefix: str
    given_name: str
    middle_name: str
    family_name: str
    suffix: str
    nickname: str

    @property
    def sort_name(self) -> str:
        """Return the lower-cased "family given middle" key lists sort by."""
        parts = [self.family_name, self.given_name, self.middle_name]
        key = " ".join(p for p in parts if p).lower()
        return key or self.full_name.lower()


def parse_name(text: str) -> ParsedName:
    """Split a display name ("Dr. Ada King Lovelace Jr.") into its parts."""
    # Imported on first use: nameparser compiles its rules at import (~40 ms), a cost
    # every CLI verb would pay though few of them parse names.
    from nameparser import HumanName

    cleaned = " ".join(text.split())
    human = HumanName(cleaned)
    return ParsedName(
        full_name=cleaned,
        prefix=human.title,
        given_name=human.first,
        middle_name=human.middle,
        family_name=human.last,
        suffix=human.suffix,
        nickname=human.nickname,
    )


_LINKEDIN_PATH = re.compile(r"^/(?:in|pub)/([^/?#]+)", re.IGNORECASE)


def normalize_linkedin_url(raw: str) -> str:
    """Return https://www.linkedin.com/in/<slug> for any spelling of a profile URL.

    Returns "" when `raw` is not a LinkedIn profile URL. The slug is the person key
    across LinkedIn's export files, so case, scheme, locale subdomain and trailing
    slashes must not matter.
    """
    text = raw.strip()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = parts.hostname or ""
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return ""
    match = _LINKEDIN_PATH.match(parts.path)
    if not match:
        return ""
    slug = unquote(match.group(1)).strip().lower()
    return f"https://www.linkedin.com/in/{slug}" if slug else ""


def normalize_email(raw: str) -> str:
    """Return the lower-cased address without surrounding spaces or mailto:."""
    text = raw.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def normalize_phone(raw: str) -> str:
    """Return the digits of a phone number, keeping a leading + for international ones."""
    text = raw.strip()
    digits = re.sub(r"\D", "", text)
    return ("+" + digits) if text.startswith("+") and digits else digits


def normalize_url(raw: str) -> str:
    """Return a URL without scheme, leading www. and trailing slash, lower-cased host."""
    text = raw.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email(raw: str) -> bool:
    """Say whether `raw` looks like one email address."""
    return bool(EMAIL_PATTERN.match(raw.strip()))
