"""Simulate people using Amity at once: the web pages they open most, and the API.

Run by bench/load/run.py, which prepares the accounts and starts the servers. Each
simulated user takes one account from the JSON file in AMITY_LOAD_ACCOUNTS
({"sessions": [signed-in session keys], "token", "people": [ids], "words": [search
words]}) and a session of its own (people stay signed in; sign-in itself is a
deliberately slow password hash), then, with 1-5 s of thinking between steps
(AMITY_LOAD_THINK), mixes:

| weight | step |
| --- | --- |
| 4 | Today (`/`) |
| 3 | the people list, first page or another sort |
| 4 | a person's page |
| 2 | a search of the people list |
| 1 | logging an interaction through the person page's form |
| 3 | the API with the account's token: people, one person, today, interactions |
| 1 | logging an interaction through the API |
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

# Seconds a person spends on a page before the next click (AMITY_LOAD_THINK="1,5").
THINK_SECONDS = tuple(float(x) for x in os.environ.get("AMITY_LOAD_THINK", "1,5").split(","))
SORTS = ("", "?sort=recent", "?sort=company", "?page=2")

_accounts: list[dict[str, Any]] = json.loads(
    Path(os.environ["AMITY_LOAD_ACCOUNTS"]).read_text(encoding="utf-8")
)
_next_account = itertools.count()
_lock = threading.Lock()


class AmityUser(HttpUser):
    """One person at their desk: reads mostly, logs an interaction now and then."""

    wait_time = between(*THINK_SECONDS)

    def on_start(self) -> None:
        """Take the next account round-robin, with a session of its own, signed in."""
        with _lock:
            number = next(_next_account)
        self.account = _accounts[number % len(_accounts)]
        sessions = self.account["sessions"]
        self.client.cookies.set("sessionid", sessions[(number // len(_accounts)) % len(sessions)])
        self.people: list[int] = self.account["people"]
        self.api = {"Authorization": f"Bearer {self.account['token']}"}
        # The page a person opens first; it also sets the CSRF cookie the forms need.
        with self.client.get("/", name="/ (today)", catch_response=True) as response:
            if "csrftoken" not in self.client.cookies or "/login/" in response.url:
                response.failure("the session is not signed in")

    def _person(self) -> int:
        return random.choice(self.people)

    def _csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))

    @task(4)
    def today(self) -> None:
        """Open Today."""
        self.client.get("/", name="/ (today)")

    @task(3)
    def people_list(self) -> None:
        """Open the people list, sorted one way or another."""
        sort = random.choice(SORTS)
        self.client.get(f"/people/{sort}", name="/people/ (list)")

    @task(4)
    def person_page(self) -> None:
        """Open someone's page."""
        self.client.get(f"/people/{self._person()}/", name="/people/<id>/")

    @task(2)
    def search(self) -> None:
        """Search the people list for a word from the account's network."""
        word = random.choice(self.account["words"])
        self.client.get(f"/people/?q={word}", name="/people/?q=")

    @task(1)
    def log_interaction_web(self) -> None:
        """Log a call through the form on a person's page (then follow the redirect)."""
        person = self._person()
        self.client.post(
            f"/people/{person}/interactions/new/",
            data={
                "csrfmiddlewaretoken": self._csrf(),
                "channel": "call",
                "direction": "outbound",
                "intent": "deposit",
                "subtype": "help",
                "occurred_on": dt.date.today().isoformat(),
                "summary": "Load test: called to help with a plan",
            },
            headers={"Referer": f"{self.host}/people/{person}/"},
            name="/people/<id>/interactions/new/ (post)",
        )

    @task(3)
    def api_reads(self) -> None:
        """Read through the API as a script would."""
        choice = random.randrange(4)
        if choice == 0:
            self.client.get("/api/v1/people?limit=50", headers=self.api, name="api people")
        elif choice == 1:
            self.client.get(f"/api/v1/people/{self._person()}", headers=self.api, name="api person")
        elif choice == 2:
            self.client.get("/api/v1/today", headers=self.api, name="api today")
        else:
            self.client.get(
                f"/api/v1/interactions?person={self._person()}&limit=20",
                headers=self.api,
                name="api interactions",
            )

    @task(1)
    def api_log(self) -> None:
        """Log a message through the API."""
        with self.client.post(
            "/api/v1/interactions",
            json={
                "people": [self._person()],
                "channel": "message",
                "intent": "neutral",
                "summary": "Load test: a quick message",
            },
            headers=self.api,
            name="api log interaction",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"answered {response.status_code}: {response.text[:200]}")
