"""Build test mailboxes and give the sync tests their accounts."""

from __future__ import annotations

import datetime as dt
import mailbox
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "importers" / "data"
ME = ("sam.carter@example.net", "sam@carter.example")
# The test mbox: 10 messages, 5 of which are interactions with people.
MBOX_INTERACTIONS = 5


def generated_message(number: int, *, body_bytes: int = 3000, attachment: bool = True) -> bytes:
    """Return a message from a friend to the user, with a text body and an attachment."""
    message = EmailMessage()
    message["From"] = f"Friend {number} <friend{number % 7}@example.org>"
    message["To"] = "Sam Carter <sam.carter@example.net>"
    message["Subject"] = f"Catching up, part {number}"
    message["Message-ID"] = f"<gen-{number}@example.org>"
    message["Date"] = format_datetime(
        dt.datetime(2025, 3, 1, tzinfo=dt.UTC) + dt.timedelta(hours=number)
    )
    message.set_content(f"Hello Sam, message {number}. " + "x" * body_bytes)
    if attachment:
        message.add_attachment(
            b"ATTACHMENT-PAYLOAD" * 2000, maintype="application", subtype="pdf", filename="a.pdf"
        )
    return message.as_bytes()


def write_mailbox(root: Path, *, generated: int = 0) -> Path:
    """Write the test mbox (split into INBOX and Sent) plus `generated` messages under root."""
    (root / "INBOX").mkdir(parents=True)
    (root / "Sent").mkdir()
    for index, message in enumerate(mailbox.mbox(DATA / "mail.mbox")):
        sender = str(message.get("From", ""))
        folder = "Sent" if any(address in sender for address in ME) else "INBOX"
        (root / folder / f"{index:06d}.eml").write_bytes(message.as_bytes())
    for number in range(generated):
        (root / "INBOX" / f"g{number:06d}.eml").write_bytes(generated_message(number))
    return root
