"""Run pymap (dict backend) with one user whose folders are loaded from a directory.

Usage: python pymap_server.py PORT USER PASSWORD DATA_DIR
DATA_DIR holds one folder per mailbox (INBOX, Sent, ...) of raw messages, loaded in
file-name order when the user first logs in. Used by the sync tests and benchmarks.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from typing import Any


def main() -> None:
    """Patch pymap's demo loader to read DATA_DIR, then run pymap's own main()."""
    from pymap.backend.dict import Identity
    from pymap.main import main as pymap_main
    from pymap.parsing.message import AppendMessage

    port, user, password, data_dir = sys.argv[1:5]

    async def load(self: Any, resource: str, mailbox_set: Any, filter_set: Any) -> None:
        when = datetime(2024, 1, 1, tzinfo=UTC)
        for folder in sorted(os.listdir(data_dir)):
            if folder != "INBOX":
                await mailbox_set.add_mailbox(folder)
            mailbox = await mailbox_set.get_mailbox(folder)
            path = os.path.join(data_dir, folder)
            for name in sorted(os.listdir(path)):
                with open(os.path.join(path, name), "rb") as stream:
                    literal = stream.read()
                await mailbox.append(AppendMessage(literal, when), recent=False)

    Identity._load_demo = load
    sys.argv = [
        "pymap",
        "--host",
        "127.0.0.1",
        "--port",
        port,
        "--no-tls",
        "dict",
        "--demo-data",
        "--demo-user",
        user,
        "--demo-password",
        password,
    ]
    pymap_main()


if __name__ == "__main__":
    main()
