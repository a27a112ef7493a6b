"""Measure what counting rows before parsing costs on a 100,000-row LinkedIn export.

Every CSV, text and mbox reader first streams its file once counting line breaks
(`check_row_count`), so a file of too many records is refused before any is built.
This times that pass alone and the whole parse (no database) of the same
Connections.csv that bench/import_bench.py generates, plain and inside a ZIP, plus
the exact row count a file over AMITY_IMPORT_MAX_ROWS gets. Best of `--repeat` runs,
with the garbage collector paused as `run_import` pauses it. Touches no database,
so it takes no --database-url (bench/import_bench.py times imports on both).

    .venv/bin/python bench/row_count_bench.py [--rows 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from import_bench import ME_URL, write_connections


def best(repeat: int, work: Callable[[], object]) -> float:
    """Return the fastest of `repeat` wall-clock timings of `work()`, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Generate the export, time the count pass and the parse, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.pop("AMITY_IMPORT_MAX_ROWS", None)

    from amity.importers.errors import ImportFailed
    from amity.importers.limits import line_bound
    from amity.importers.linkedin import parse_linkedin
    from amity.importers.records import ParseOptions
    from amity.importers.source_files import SourceFile, csv_rows

    folder = Path(tempfile.mkdtemp(prefix="amity-rowcount-"))
    plain = folder / "Connections.csv"
    write_connections(plain, args.rows, random.Random(42))
    packed = folder / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(plain, "Connections.csv")
    options = ParseOptions(me=(ME_URL,))
    gc.disable()
    print(f"{plain.stat().st_size / 1e6:.1f} MB CSV, {packed.stat().st_size / 1e6:.1f} MB ZIP")

    def count_pass(source: SourceFile) -> Callable[[], object]:
        def run() -> int:
            with source.open() as stream:
                return line_bound(stream)

        return run

    def member() -> SourceFile:
        archive = zipfile.ZipFile(packed)
        return SourceFile("Connections.csv", lambda: archive.open("Connections.csv"))

    def exact_count() -> None:
        os.environ["AMITY_IMPORT_MAX_ROWS"] = str(args.rows // 2)
        try:
            next(csv_rows(SourceFile.from_path(plain)))
        except ImportFailed:
            pass
        finally:
            del os.environ["AMITY_IMPORT_MAX_ROWS"]

    rows = [
        ("count pass, plain CSV", best(args.repeat, count_pass(SourceFile.from_path(plain)))),
        ("count pass, ZIP member", best(args.repeat, count_pass(member()))),
        (
            "parse, plain CSV",
            best(args.repeat, lambda: parse_linkedin(SourceFile.from_path(plain), options)),
        ),
        (
            "parse, ZIP",
            best(args.repeat, lambda: parse_linkedin(SourceFile.from_path(packed), options)),
        ),
        (f"exact count to a limit of {args.rows // 2:,}", best(args.repeat, exact_count)),
    ]
    for name, seconds in rows:
        print(f"{name:40} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
