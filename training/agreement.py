"""Measure how far a second, blind reading of the corpus agrees with its labels.

    python -m training.agreement            # the agreement table (Markdown)
    python -m training.agreement --list     # the messages the two readings disagree on

`corpus/second_reading.jsonl` holds a second verdict and triage group for every
corpus message, given by readers who saw only the message, the relation it shows
and `docs/labelling.md` without its worked examples (which quote the corpus), and
never the first labels. Scoring the second reading with the same measures as the
models says what a careful reader of the guide reaches on these messages: the
ceiling the labels allow, and how far the models are below it. Nothing here is
trained or tuned on; the holdout is reported separately, as everywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from training.corpus import HERE, TRIAGE, VERDICTS, Row, holdout_groups, load_corpus
from training.evaluate import percent, share

SECOND_READING = HERE / "corpus" / "second_reading.jsonl"


@dataclass(frozen=True)
class Reading:
    """The second reading of one message."""

    verdict: str
    triage: str


def load_second_reading(path: Path = SECOND_READING) -> dict[str, Reading]:
    """Return the second reading by message id, checking every value."""
    out: dict[str, Reading] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        raw = json.loads(line)
        reading = Reading(verdict=str(raw["verdict"]), triage=str(raw["triage"]))
        if reading.verdict not in VERDICTS or reading.triage not in TRIAGE:
            raise ValueError(f"{path}:{number}: unknown label {reading.verdict}/{reading.triage}")
        if str(raw["id"]) in out:
            raise ValueError(f"{path}:{number}: {raw['id']} read twice")
        out[str(raw["id"])] = reading
    return out


@dataclass(frozen=True)
class Agreement:
    """The second reading scored as the models are, against the labels."""

    n: int
    verdict: float
    triage: float
    strangers: int
    stranger_kappa: float
    cold: int
    cold_recall: float
    others: int
    others_in_cold: float


def agreement(rows: Sequence[Row], second: dict[str, Reading]) -> Agreement:
    """Return how the second reading of some rows compares with their labels."""
    pairs = [(row, second[row.id]) for row in rows]
    strangers = [(r, s) for r, s in pairs if r.relation == "stranger"]
    cold = [s for r, s in pairs if r.cold]
    others = [s for r, s in pairs if not r.cold]
    return Agreement(
        n=len(pairs),
        verdict=share(sum(r.verdict == s.verdict for r, s in pairs), len(pairs)),
        triage=share(sum(r.triage == s.triage for r, s in pairs), len(pairs)),
        strangers=len(strangers),
        stranger_kappa=_kappa(
            [r.cold for r, _ in strangers], [s.triage == "cold_pitch" for _, s in strangers]
        ),
        cold=len(cold),
        cold_recall=share(sum(s.triage == "cold_pitch" for s in cold), len(cold)),
        others=len(others),
        others_in_cold=share(sum(s.triage == "cold_pitch" for s in others), len(others)),
    )


def _kappa(first: Sequence[bool], second: Sequence[bool]) -> float:
    """Return Cohen's kappa of two yes/no readings: agreement beyond chance."""
    if not first:
        return float("nan")
    seen = sum(a == b for a, b in zip(first, second, strict=True)) / len(first)
    p, q = sum(first) / len(first), sum(second) / len(second)
    chance = p * q + (1 - p) * (1 - q)
    return (seen - chance) / (1 - chance) if chance < 1 else 1.0


def table(parts: Sequence[tuple[str, Agreement]]) -> str:
    """Return the agreement of each part as a Markdown table."""
    lines = [
        "| part | n | verdict agrees | triage agrees | strangers: cold or not, kappa | "
        "cold-pitch recall | others in cold pitches |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, a in parts:
        lines.append(
            f"| {name} | {a.n} | {percent(a.verdict)} | {percent(a.triage)} | "
            f"{a.stranger_kappa:.2f} ({a.strangers}) | {percent(a.cold_recall)} ({a.cold}) | "
            f"{percent(a.others_in_cold)} ({a.others}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the agreement table, or the disagreements."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the disagreements")
    args = parser.parse_args(argv)
    corpus = load_corpus()
    second = load_second_reading()
    missing = [row.id for row in corpus if row.id not in second]
    if missing:
        print(f"no second reading for {len(missing)} messages, e.g. {missing[0]}", file=sys.stderr)
        return 2
    if args.list:
        for row in corpus:
            s = second[row.id]
            if (row.verdict, row.triage) != (s.verdict, s.triage):
                print(
                    f"{row.id} [{row.kind} {row.relation}] {row.verdict}/{row.triage} -> "
                    f"{s.verdict}/{s.triage}: {row.text[:140]!r}"
                )
        return 0
    held = holdout_groups(corpus)
    print(
        table(
            [
                ("all", agreement(corpus, second)),
                ("training groups", agreement([r for r in corpus if r.group not in held], second)),
                ("holdout groups", agreement([r for r in corpus if r.group in held], second)),
            ]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
