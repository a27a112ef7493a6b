"""Test settings: a throwaway AMITY_HOME, and PostgreSQL for the second pass.

Set before amity.settings is imported, because pytest-django reads the settings
before any conftest runs.
"""

import os
import tempfile

os.environ["AMITY_HOME"] = tempfile.mkdtemp(prefix="amity-test-home-")
os.environ.pop("AMITY_DATABASE_URL", None)
if os.environ.get("AMITY_TEST_BACKEND") == "postgresql":
    os.environ["AMITY_DATABASE_URL"] = os.environ["AMITY_TEST_DATABASE_URL"]

from amity.settings import *  # noqa: E402,F403

# Hashing passwords slowly protects real users, not test fixtures.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
