"""List the import formats: name, label, parser and what each needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from amity.importers.errors import ImportFailed
from amity.importers.google import parse_google
from amity.importers.ics import parse_ics
from amity.importers.interactions_csv import parse_interactions
from amity.importers.linkedin import parse_linkedin
from amity.importers.mbox import parse_mbox
from amity.importers.records import ImportBatch, ParseOptions
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
        ),
        ImportFormat("google", "Google Contacts CSV", "contacts.csv from Google", parse_google),
        ImportFormat(
            "vcard", "vCard (.vcf)", "one .vcf file with any number of cards", parse_vcard
        ),
        ImportFormat(
            "mbox",
            "Mailbox (mbox)",
            "an mbox file; --me YOUR@ADDRESS (repeatable) tells sent from received",
            parse_mbox,
            needs_me=True,
        ),
        ImportFormat(
            "ics",
            "Calendar (.ics)",
            "an iCalendar file; --me YOUR@ADDRESS (repeatable) finds your meetings; "
            "events up to now count, recurring ones from the last two years",
            parse_ics,
            needs_me=True,
        ),
        ImportFormat(
            "interactions",
            "Interactions CSV",
            "CSV with person,occurred_at[,direction,channel,intent,subtype,note]",
            parse_interactions,
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
