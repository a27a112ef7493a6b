"""Encrypt stored account passwords with a key derived from Django's secret key.

Fernet (AES-128-CBC with an HMAC) from `cryptography`; the key is HKDF-SHA256 of
SECRET_KEY, so a copy of the database alone never reveals a password.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SealBroken(ValueError):
    """A stored password cannot be decrypted (the secret key changed)."""


def _fernet() -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"amity sync passwords"
    ).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(password: str) -> str:
    """Return `password` encrypted, as text for a database column."""
    return _fernet().encrypt(password.encode()).decode("ascii")


def unseal(token: str) -> str:
    """Return the password `token` holds, or raise SealBroken."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise SealBroken(
            "the stored password cannot be decrypted (did the secret key change?); "
            "remove the account and add it again"
        ) from exc
