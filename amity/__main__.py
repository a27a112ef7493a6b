"""Run the `amity` command line: set up Django, then run the named command."""

from __future__ import annotations

import gc
import os
import sys
import tempfile

VERBS = """\
usage: amity VERB [options]   (amity VERB --help for details)

  serve        start the web server (migrates, creates a first user, loads a demo)
  demo         build the deterministic demo network for a user
  people       list | show | add | edit | delete | merge | duplicates people
  import       import linkedin | google | vcard | mbox | ics | interactions files
  search       find people by name, company, field, email, interest
  log          record an interaction ("amity log 'Ada Lovelace' --channel call --deposit help")
  export       export everything (json) or people (vcard, csv)
  restore      restore a JSON export into an empty database
  token        create | list | revoke personal API tokens
  user         create | list local users
  settings     list every AMITY_* setting with its value and help
  today        who to contact today, why, and a 60-second action
  done         log that you reached out to someone on today's list
  snooze       keep someone off today's list for a while ("amity snooze NAME 30d")
  strength     tie strength, circles, cadences and dormant ties
  balance      the give/ask ledger, per person or across the network
  can-i-ask    may I ask this person for something yet?
  coach        how a draft will land: relational or transactional, flags, fixes
  triage       inbound messages: trusted, genuine new, asks, cold pitches
  share        "this made me think of you": who would care about a text, with drafts
  reading      keep articles in a reading list that resurfaces in Today
  intros       suggested introductions between your contacts, with reasons
  intro        run a double-opt-in introduction (propose, advance, decline)
  referral     record "A recommended I talk to B, C, D"
  insights     how wide your network is: fields, circles, givers and takers
  embed        embed people's profiles for matching (resumable, with progress)
"""

# Verbs spelt with dashes: Django command modules cannot contain them.
ALIASES = {"can-i-ask": "can_i_ask"}


def main(argv: list[str] | None = None) -> None:
    """Dispatch `amity VERB ...` to the Django management command named VERB."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(VERBS)
        return
    if args[0] == "serve" and "--demo" in args:
        # A throwaway home: the demo never touches the user's real database.
        os.environ["AMITY_HOME"] = tempfile.mkdtemp(prefix="amity-demo-")
        os.environ.pop("AMITY_DATABASE_URL", None)
    if args[0] == "today":
        # Unchanged since the last run: print the stored answer without starting Django.
        from amity.relationships.today_cache import answer

        if answer(args[1:], sys.stdout):
            return
    args[0] = ALIASES.get(args[0], args[0])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")
    set_up_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["amity", *args])


def set_up_django() -> None:
    """Set Django up with the cyclic garbage collector paused, then freeze what it built.

    Start-up creates a few hundred thousand long-lived objects (modules, classes,
    functions) and no garbage; collecting while they pile up, and rescanning them in
    every full collection after, costs every verb 0.1 to 0.2 s. Frozen objects are
    left out of collections (the purpose of gc.freeze). Broken settings are left
    for Django's command line to report, as it always has.
    """
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from amity.core.collector import collector_paused

    try:
        with collector_paused():
            try:
                settings.INSTALLED_APPS  # noqa: B018 - imports the settings, or fails
            except (ImproperlyConfigured, ImportError):
                return
            django.setup()
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
