"""List the import formats: name, label, parser and what each needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from amity.importers import google, ics, interactions_csv, linkedin, mbox, vcard
from amity.importers.errors import ImportFailed
from amity.importers.google import parse_google
from amity.importers.ics import parse_ics
from amity.importers.interactions_csv import parse_interactions
from amity.importers.linkedin import parse_linkedin
from amity.importers.mbox import parse_mbox
from amity.importers.records import ImportBatch, ParseOptions
from amity.importers.sniffing import expect
from amity.importers.source_files import SourceFile, SourceFolder
from amity.importers.vcard import parse_vcard

Parser = Callable[[SourceFile, ParseOptions], ImportBatch]


@dataclass(frozen=True)
class ImportFormat:
    """One importable format."""

    name: str
    label: str
    help: str
    parser: Callable[..., ImportBatch]
    # The parse needs the user's addresses (--me) to tell sent from received.
    needs_me: bool = False
    accepts_folder: bool = False
    # The file kind (sniffing.LABELS) and description a quick check expects; linkedin
    # has its own check (a ZIP or one of several CSVs).
    kind: str = ""
    wanted: str = ""
    # How to get such a file out of the other tool, step by step (the import page).
    steps: tuple[str, ...] = ()

    def check(self, source: SourceFile) -> None:
        """Fail fast (ImportFailed) when `source` is plainly not this format; read little.

        A ZIP's members are checked against the byte limit by their declared sizes,
        so a bomb is refused before the worker inflates anything.
        """
        if self.name == "linkedin":
            linkedin.check_export(source)
        elif self.kind:
            expect(source, {self.kind}, self.wanted)

    def parse(self, source: SourceFile | SourceFolder, options: ParseOptions) -> ImportBatch:
        """Parse `source` into records (no database access)."""
        if isinstance(source, SourceFolder) and not self.accepts_folder:
            raise ImportFailed(source.name, None, f"is a folder; {self.name} needs a file")
        return self.parser(source, options)


FORMATS: dict[str, ImportFormat] = {
    f.name: f
    for f in (
        ImportFormat(
            "linkedin",
            "LinkedIn data export",
            "the export ZIP, its unzipped folder, Connections.csv, messages.csv or "
            "Invitations.csv (--me: your profile URL, if it cannot be inferred)",
            parse_linkedin,
            accepts_folder=True,
            wanted=linkedin.WANTED,
            steps=(
                "On LinkedIn, open Me → Settings & Privacy → Data privacy → "
                "Get a copy of your data.",
                "Pick “Download larger data archive” (connections and messages), or tick "
                "Connections and Messages only.",
                "LinkedIn emails you when it is ready (minutes for connections, up to a "
                "day for the full archive): download the ZIP.",
                "Upload the ZIP as it is, or Connections.csv, messages.csv or "
                "Invitations.csv from inside it.",
                "If your messages are not told apart, put your profile URL "
                "(linkedin.com/in/…) under “Your addresses”.",
            ),
        ),
        ImportFormat(
            "google",
            "Google Contacts CSV",
            "contacts.csv from Google",
            parse_google,
            kind="google",
            wanted=google.WANTED,
            steps=(
                "Open contacts.google.com and click Export (the arrow in the toolbar).",
                "Choose the contacts (all, or a label) and “Google CSV”, then Export.",
                "Upload the contacts.csv it downloads.",
            ),
        ),
        ImportFormat(
            "vcard",
            "vCard (.vcf)",
            "one .vcf file with any number of cards",
            parse_vcard,
            kind="vcard",
            wanted=vcard.WANTED,
            steps=(
                "Apple Contacts: select all cards, then File → Export → Export vCard.",
                "Android: Contacts → Fix & manage → Export to file.",
                "Outlook, Fastmail, Nextcloud and most phones export a .vcf too.",
                "Upload the one .vcf file; it may hold any number of cards.",
            ),
        ),
        ImportFormat(
            "mbox",
            "Mailbox (mbox)",
            "an mbox file; --me YOUR@ADDRESS (repeatable) tells sent from received",
            parse_mbox,
            needs_me=True,
            kind="mbox",
            wanted=mbox.WANTED,
            steps=(
                "Gmail: at takeout.google.com pick only Mail (a label or all), export, "
                "and unzip the download to find the .mbox file.",
                "Thunderbird: ImportExportTools NG → Export folder (mbox); Apple Mail: "
                "Mailbox → Export Mailbox.",
                "Put your email addresses under “Your addresses”, so mail you sent is told "
                "from mail you received.",
                "Newsletters and automated senders are skipped; each message becomes an "
                "interaction with the people on it.",
            ),
        ),
        ImportFormat(
            "ics",
            "Calendar (.ics)",
            "an iCalendar file; --me YOUR@ADDRESS (repeatable) finds your meetings; "
            "events up to now count, recurring ones from the last two years",
            parse_ics,
            needs_me=True,
            kind="ics",
            wanted=ics.WANTED,
            steps=(
                "Google Calendar: Settings → Import & export → Export, then unzip and pick "
                "one calendar's .ics file.",
                "Apple Calendar: select the calendar, then File → Export → Export…; "
                "Outlook: File → Save Calendar.",
                "Put your email addresses under “Your addresses”: meetings you attended "
                "with others become interactions.",
                "Events up to today count; recurring ones from the last two years.",
            ),
        ),
        ImportFormat(
            "interactions",
            "Interactions CSV",
            "CSV with person,occurred_at[,direction,channel,intent,subtype,note]",
            parse_interactions,
            kind="interactions",
            wanted=interactions_csv.WANTED,
            steps=(
                "Write a CSV with a header row: person,occurred_at and optionally "
                "direction,channel,intent,subtype,note.",
                "person is an email address, #id or an exact name; occurred_at is a date "
                "or date and time (2026-05-01 14:30).",
                "Upload it; the same rows imported again change nothing.",
            ),
        ),
    )
}


def get_format(name: str) -> ImportFormat:
    """Return the format called `name`; ValueError lists the known ones."""
    try:
        return FORMATS[name.strip().lower()]
    except KeyError:
        raise ValueError(
            f"unknown format {name!r}; expected one of: {', '.join(FORMATS)}"
        ) from None
