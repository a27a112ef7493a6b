"""Time the calendar feed on a large network: `GET /calendar/<token>.ics`.

    .venv/bin/python bench/generate.py --people 100000 --interactions 2000000 --home DIR
    .venv/bin/python bench/calendar_bench.py --home DIR [--database-url URL] [--repeat 5]

Gives the closer circles' people birthdays and work anniversaries first (the generator
leaves them empty), makes the user's feed token, then times:

1. the feed with today's list not yet stored and no kept feed (the list is computed,
   as on the first poll of a day);
2. the feed built again with today's list stored (a poll after something changed);
3. the kept feed (a poll while nothing changed: Today's fingerprint, then the cache);
4. the same through the web stack (Django's test Client, URL routing and the view).

Prints a Markdown table (median of --repeat runs), the feed's size and events, and
the machine reference before and after (how fast the shared machine was).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import backend  # noqa: E402  (a sibling script, not a package)
from backend import machine_reference  # noqa: E402


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    """Return the median wall time of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    """Set up Django on the generated home and time the feed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    backend.add_arguments(parser)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    reference_before = machine_reference()
    os.environ.setdefault("AMITY_ALLOWED_HOSTS", "testserver")
    backend.setup(args.home, args.database_url)
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from amity.people.models import Person
    from amity.relationships.models import DailyList
    from amity.relationships.scoring import load_network
    from amity.reminders import calendar

    owner = get_user_model().objects.get(username=args.user)
    people = Person.objects.filter(owner=owner).count()
    network = load_network(owner=owner, as_of=timezone.now())
    close = [int(pk) for pk in network.ids[network.circles <= 3]]
    for n, person in enumerate(Person.objects.filter(pk__in=close)):
        person.birthday = dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
        person.provenance = {**(person.provenance or {}), "company_changed_on": "2021-04-01"}
        person.save(update_fields=["birthday", "provenance"])
    token = calendar.reset_feed(owner=owner)

    def cold() -> bytes:
        DailyList.objects.filter(owner=owner, day=timezone.localdate()).delete()
        cache.clear()
        return calendar.feed_for(owner=owner)

    def rebuilt() -> bytes:
        cache.clear()
        return calendar.feed_for(owner=owner)

    client = Client()

    def web() -> bytes:
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 200, response.status_code
        return response.content

    body = calendar.feed_for(owner=owner)
    rows = [
        ("feed, today's list computed first (first poll of the day)", median_seconds(cold, 3)),
        ("feed rebuilt, today's list stored (a poll after a change)", median_seconds(rebuilt, 5)),
        (
            "feed kept (a poll while nothing changed)",
            median_seconds(lambda: calendar.feed_for(owner=owner), args.repeat),
        ),
        ("GET /calendar/<token>.ics (web stack)", median_seconds(web, args.repeat)),
    ]
    print(
        f"{people:,} people on {backend.backend_name()}; "
        f"{body.count(b'BEGIN:VEVENT')} events, {len(body):,} bytes"
    )
    print(
        f"machine reference: {reference_before:.3f} s before, {machine_reference():.3f} s after; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
    )
    print("| step | median seconds |\n| --- | --- |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
