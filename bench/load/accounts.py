"""Create the load test's accounts: each a user with the demo network and an API token.

Run by bench/load/run.py in a child process whose environment points Amity at the
database under test (AMITY_HOME, AMITY_DATABASE_URL).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path


def main(count: int, path: str, sessions: int = 1) -> None:
    """Migrate, build `count` accounts and write what locust needs to `path` as JSON.

    Each account gets `sessions` signed-in browser sessions: people stay signed in for
    weeks, and 50 sign-ins at once would measure the password hash (deliberately slow),
    not Amity.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from amity.accounts.services import create_token
    from amity.core.bootstrap import ensure_migrated, refresh_planner_statistics
    from amity.people.models import Person
    from amity.portability.demo import build_demo
    from amity.relationships.today import today_list
    from bench.load.run import PASSWORD

    ensure_migrated()
    accounts = []
    for number in range(1, count + 1):
        user = get_user_model().objects.create_user(username=f"load{number:02d}", password=PASSWORD)
        build_demo(owner=user, seed=number)
        _token, raw = create_token(owner=user, name="load test")
        people = Person.objects.filter(owner=user)
        fields = Counter(people.values_list("company", flat=True))
        words = [word.split()[0].lower() for word, _n in fields.most_common(8) if word]
        # Today's list is kept for the day: build it once, as the first visit would.
        today_list(owner=user)
        signed_in = []
        for _ in range(sessions):
            browser = Client()
            browser.force_login(user)
            signed_in.append(browser.cookies["sessionid"].value)
        accounts.append(
            {
                "sessions": signed_in,
                "username": user.get_username(),
                "password": PASSWORD,
                "token": raw,
                "people": list(people.values_list("pk", flat=True)),
                "words": words or ["a"],
            }
        )
    refresh_planner_statistics()
    Path(path).write_text(json.dumps(accounts), encoding="utf-8")
