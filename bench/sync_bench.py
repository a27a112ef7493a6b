"""Measure live sync against real local servers: IMAP (pymap) and CardDAV (Radicale).

Mail: N synthetic messages (90% INBOX from ~2,000 correspondents, 10% Sent, a tenth of
them mailing-list or no-reply mail, a fifth with a 40 KB attachment) are loaded into a
pymap dict-backend server, then timed: the first sync into an empty database, and a
second sync with nothing new. Contacts: M vCards are uploaded to a Radicale address
book, then timed: the first sync (every card becomes a person) and a second with
nothing changed; then, into an empty book, pushing M people that exist only in Amity.
SQLite in a throwaway AMITY_HOME, or an empty PostgreSQL database (--database-url).
Server set-up (loading mail, uploading cards, and one
untimed listing that warms Radicale's own cache) is not timed.

    .venv/bin/python bench/sync_bench.py [--messages 50000] [--contacts 5000] [--json] \
        [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import backend  # noqa: E402  (a sibling script, not a package)

ME = "sam@bench.example"
FIRST = ["Ada", "Grace", "Alan", "Mirela", "Tobias", "Priya", "Jonas", "Zoe", "Hannah"]
LAST = ["Lovelace", "Hopper", "Turing", "Okonkwo", "Lindqvist", "Raman", "Vermeulen", "Osei"]
MKCOL = (
    b'<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" '
    b'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype>'
    b"<d:collection/><c:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>"
)


def name(i: int) -> str:
    """Return the name of synthetic person `i`."""
    return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}{i // 140 or ''}"


def message(i: int, rng: random.Random) -> tuple[str, bytes]:
    """Return (folder, raw bytes) of synthetic message `i`."""
    other = rng.randrange(2000)
    address = f"p{other}@corp{other % 50}.example"
    msg = EmailMessage()
    sent = i % 10 == 0
    if sent:
        msg["From"], msg["To"] = f"Sam <{ME}>", f"{name(other)} <{address}>"
    else:
        msg["From"], msg["To"] = f"{name(other)} <{address}>", f"Sam <{ME}>"
        if i % 10 == 1:
            msg["List-Id"] = "<weekly.news.example>"
        elif i % 10 == 2:
            msg.replace_header("From", "Alerts <no-reply@service.example>")
    msg["Subject"] = f"Re: project {i % 300} update"
    msg["Message-ID"] = f"<bench-{i}@bench.example>"
    msg["Date"] = format_datetime(dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i))
    msg.set_content(
        "Hello,\n\n" + " ".join(rng.choice(FIRST) for _ in range(rng.randrange(50, 400)))
    )
    if i % 5 == 0:
        msg.add_attachment(rng.randbytes(40_000), maintype="application", subtype="pdf")
    return ("Sent" if sent else "INBOX"), msg.as_bytes()


def card(i: int) -> str:
    """Return synthetic vCard `i`."""
    full = name(i)
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-{i}\r\nFN:{full}\r\n"
        f"N:{full.split()[1]};{full.split()[0]};;;\r\nEMAIL:c{i}@people.example\r\n"
        f"TEL:+44 20 7946 {i:04d}\r\nORG:{LAST[i % len(LAST)]} Labs\r\nTITLE:Engineer\r\n"
        "END:VCARD\r\n"
    )


def rss_mb() -> float:
    """Return the peak resident memory of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, results: dict[str, Any], work: Any) -> Any:
    """Run `work()`, print and record its wall time."""
    clock = time.perf_counter()
    value = work()
    seconds = time.perf_counter() - clock
    results[label] = round(seconds, 2)
    print(f"{label}: {seconds:.2f} s", flush=True)
    return value


def bench_mail(count: int, owner: Any, results: dict[str, Any], tmp: Path) -> None:
    """Load `count` messages into pymap and time two syncs."""
    from imapclient import IMAPClient

    from amity.people.models import Interaction, Person
    from amity.sync.mail import sync_mail
    from amity.sync.services import add_mail_account
    from tests.sync import servers

    rng = random.Random(7)
    data = tmp / "mail"
    for folder in ("INBOX", "Sent"):
        (data / folder).mkdir(parents=True)
    for i in range(count):
        folder, raw = message(i, rng)
        (data / folder / f"{i:07d}.eml").write_bytes(raw)
    size = sum(p.stat().st_size for p in data.rglob("*.eml"))
    print(f"mail: {count} messages, {size / 1e6:.0f} MB on the server", flush=True)
    with servers.pymap(data, "sam", "bench-pass") as port:
        clock = time.perf_counter()
        # pymap reads the mailbox into memory at the first login: wait for it, untimed.
        warm = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=3600)
        warm.login("sam", "bench-pass")
        warm.logout()
        account = add_mail_account(
            owner=owner,
            name="bench",
            host="127.0.0.1",
            port=port,
            security="plain",
            username="sam",
            password="bench-pass",
            addresses=[ME],
        )
        print(f"(pymap loaded the mailbox in {time.perf_counter() - clock:.1f} s)", flush=True)
        first = timed("imap_first_sync_s", results, lambda: sync_mail(account=account))
        second = timed("imap_second_sync_s", results, lambda: sync_mail(account=account))
    results.update(
        imap_messages=count,
        imap_fetched_first=first.fetched,
        imap_fetched_second=second.fetched,
        imap_interactions=Interaction.objects.filter(owner=owner).count(),
        imap_people=Person.objects.filter(owner=owner).count(),
        imap_skipped=dict(first.skipped),
    )


def _dav(url: str) -> Any:
    from amity.sync.carddav import CardDavClient

    return CardDavClient(url, "sam", "bench-pass")


def bench_contacts(count: int, owner: Any, results: dict[str, Any], url: str) -> None:
    """Upload `count` cards to a Radicale book and time two syncs into an empty account."""
    from amity.people.models import Person
    from amity.sync.contacts import sync_book
    from amity.sync.services import add_contact_book

    client = _dav(url)
    clock = time.perf_counter()
    cards = "".join(card(i) for i in range(count)).encode()
    client.request("PUT", client.path, cards, {"Content-Type": "text/vcard"})
    client.etags()  # Radicale builds its item cache on the first listing
    client.close()
    print(f"(uploaded {count} cards in {time.perf_counter() - clock:.1f} s)", flush=True)
    book = add_contact_book(
        owner=owner, name="full", url=url, username="sam", password="bench-pass"
    )
    first = timed("carddav_first_sync_s", results, lambda: sync_book(book=book))
    second = timed("carddav_second_sync_s", results, lambda: sync_book(book=book))
    results.update(
        carddav_cards=count,
        carddav_first=first.counts(),
        carddav_second=second.counts(),
        carddav_people=Person.objects.filter(owner=owner).count(),
    )


def bench_push(count: int, owner: Any, results: dict[str, Any], url: str) -> None:
    """Time the first sync of `count` people (only in Amity) into an empty book."""
    from amity.people.services import create_person
    from amity.sync.contacts import sync_book
    from amity.sync.services import add_contact_book

    for i in range(count):
        create_person(owner=owner, full_name=name(i), emails=[f"q{i}@push.example"])
    client = _dav(url)
    client.request("MKCOL", client.path, MKCOL, {})
    client.close()
    book = add_contact_book(
        owner=owner, name="push", url=url, username="sam", password="bench-pass"
    )
    pushed = timed("carddav_push_s", results, lambda: sync_book(book=book))
    again = timed("carddav_push_second_sync_s", results, lambda: sync_book(book=book))
    results.update(
        carddav_pushed=pushed.pushed,
        carddav_push_ms_per_card=round(results["carddav_push_s"] * 1000 / max(pushed.pushed, 1)),
        carddav_push_second=again.counts(),
    )


def main() -> None:
    """Set up a throwaway Amity, run the benchmarks, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--contacts", type=int, default=5_000)
    parser.add_argument("--push", type=int, default=1_000, help="people to push to an empty book")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    backend.add_arguments(parser, home_required=False)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="amity-sync-bench-"))
    backend.setup(args.home or tmp / "home", args.database_url)
    from django.contrib.auth import get_user_model

    from tests.sync import servers

    users = get_user_model().objects
    results: dict[str, Any] = {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "backend": backend.backend_name(),
    }
    if args.messages:
        bench_mail(args.messages, users.create_user(username="mail", email=ME), results, tmp)
    with servers.radicale(tmp / "dav", {"sam": "bench-pass"}) as port:
        base = f"http://127.0.0.1:{port}/sam/"
        if args.contacts:
            bench_contacts(args.contacts, users.create_user(username="pull"), results, base + "a/")
        if args.push:
            bench_push(args.push, users.create_user(username="push"), results, base + "b/")
    results["peak_rss_mb"] = round(rss_mb())
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
