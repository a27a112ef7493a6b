"""Run the whole test suite on SQLite, then the storage tests on PostgreSQL if configured.

Usage: python tests/run.py [pytest args...]
AMITY_TEST_DATABASE_URL=postgresql://... adds the second, PostgreSQL pass.
"""

from __future__ import annotations

import os
import subprocess
import sys


def main() -> int:
    """Run the passes and return a non-zero code if any failed."""
    args = sys.argv[1:]
    env = {k: v for k, v in os.environ.items() if k != "AMITY_TEST_BACKEND"}
    print("== pass 1: whole suite on SQLite ==", flush=True)
    code = subprocess.call([sys.executable, "-m", "pytest", *args], env=env)
    if code not in (0, 5):
        return code
    url = os.environ.get("AMITY_TEST_DATABASE_URL")
    if not url:
        print("AMITY_TEST_DATABASE_URL is not set: PostgreSQL pass skipped.", flush=True)
        return code
    print("== pass 2: storage tests on PostgreSQL ==", flush=True)
    pg_env = {**env, "AMITY_TEST_BACKEND": "postgresql"}
    pg_code = subprocess.call(
        [sys.executable, "-m", "pytest", "-m", "storage and not browser", *args], env=pg_env
    )
    return pg_code if pg_code != 0 else code


if __name__ == "__main__":
    sys.exit(main())
