"""Measure the coach and triage honestly: leave-source-out folds and the holdout.

    python -m training.evaluate [--folds 10] [--errors]

Leave-source-out cross-validation: the corpus's training groups are split into
folds by group, so no source is on both sides; each fold is predicted by models
trained (penalties and thresholds chosen too) on the other folds plus the own-voice
rows. The holdout: the held-out groups, predicted by the models trained on every
training row, which is what `python -m training.train` stores. Own-voice rows are
never scored. Triage runs the real `amity.domain.triage.triage` on each message
alone, its sender standing for the labelled relationship (a close tie, someone with
real history, or a stranger).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from amity.domain import embeddings
from amity.domain.message_model import Models
from amity.domain.triage import Message, Sender, triage
from training import fit
from training.corpus import Row, holdout_is_final, split
from training.features import embedding_matrix, feature_matrix
from training.train import train

FOLDS = 10
_SENDERS = {
    "tie": Sender(person_id=1, name="Tie", interactions=40, engaged=20, circle=1),
    "history": Sender(person_id=2, name="Known", interactions=5, engaged=2, circle=4),
    "stranger": Sender(person_id=3, name="Stranger", interactions=1),
}


@dataclass(frozen=True)
class Prediction:
    """What the models said about one labelled row."""

    row: Row
    verdict: str
    verdict_plain: str
    group: str


def predict(models: Models, rows: Sequence[Row]) -> list[Prediction]:
    """Return the coach's verdicts and triage's group for each row."""
    if not rows:
        return []
    x = feature_matrix(rows)
    plain = models.verdict_plain.probabilities(x)
    if models.text_model == embeddings.MODEL_NAME:
        full = models.verdict.probabilities(np.hstack([x, embedding_matrix(rows)]))
    else:
        full = plain
    out = []
    for i, row in enumerate(rows):
        message = Message(id=i, text=row.text, sender=_SENDERS.get(row.relation))
        group = triage([message], models=models)[0].group
        out.append(
            Prediction(
                row=row,
                verdict="relational" if full[i] >= 0.5 else "transactional",
                verdict_plain="relational" if plain[i] >= 0.5 else "transactional",
                group=group,
            )
        )
    return out


def cross_validate(rows: Sequence[Row], folds: int = FOLDS) -> list[Prediction]:
    """Return out-of-fold predictions for every corpus row, folds grouped by source."""
    corpus = [r for r in rows if not r.own_voice]
    own = [r for r in rows if r.own_voice]
    fold = fit.group_folds([r.group for r in corpus], folds, salt="outer")
    out: list[Prediction] = []
    for k in range(folds):
        test = [r for r, f in zip(corpus, fold, strict=True) if f == k]
        if not test:
            continue
        trained = train([r for r, f in zip(corpus, fold, strict=True) if f != k] + own)
        out.extend(predict(trained, test))
        print(f"  fold {k + 1}/{folds}: {len(test)} messages", file=sys.stderr)
    return out


@dataclass(frozen=True)
class Figures:
    """The measures the issue asks for, over a set of predictions."""

    n: int
    coach: float
    coach_plain: float
    cold: int
    cold_recall: float
    others: int
    others_in_cold: float
    ties: int
    ties_in_cold: int
    triage: float


def share(hits: int, total: int) -> float:
    """Return hits / total, NaN for no cases (shown as a dash)."""
    return hits / total if total else float("nan")


def figures(predictions: Sequence[Prediction]) -> Figures:
    """Return the measures over some predictions."""
    cold = [p for p in predictions if p.row.cold]
    others = [p for p in predictions if not p.row.cold]
    ties = [p for p in predictions if p.row.relation in ("tie", "history")]
    return Figures(
        n=len(predictions),
        coach=share(sum(p.verdict == p.row.verdict for p in predictions), len(predictions)),
        coach_plain=share(
            sum(p.verdict_plain == p.row.verdict for p in predictions), len(predictions)
        ),
        cold=len(cold),
        cold_recall=share(sum(p.group == "cold_pitch" for p in cold), len(cold)),
        others=len(others),
        others_in_cold=share(sum(p.group == "cold_pitch" for p in others), len(others)),
        ties=len(ties),
        ties_in_cold=sum(p.group == "cold_pitch" for p in ties),
        triage=share(sum(p.group == p.row.triage for p in predictions), len(predictions)),
    )


def percent(value: float) -> str:
    """Return a share as a percentage with one decimal, a dash for NaN."""
    return "–" if value != value else f"{100 * value:.1f} %"


def table(title: str, predictions: Sequence[Prediction], by_kind: bool) -> str:
    """Return a Markdown table of the measures, overall and (optionally) per kind."""
    lines = [
        f"**{title}**",
        "",
        "| kind | n | coach | coach (features only) | cold-pitch recall | others in cold "
        "pitches | ties in cold pitches | triage (4 groups) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    groups: dict[str, list[Prediction]] = defaultdict(list)
    for p in predictions:
        groups[p.row.kind].append(p)
    parts = [("all", list(predictions))]
    if by_kind:
        parts += sorted(groups.items())
    for kind, part in parts:
        f = figures(part)
        lines.append(
            f"| {kind} | {f.n} | {percent(f.coach)} | {percent(f.coach_plain)} | "
            f"{percent(f.cold_recall)} ({f.cold}) | {percent(f.others_in_cold)} ({f.others}) | "
            f"{f.ties_in_cold} of {f.ties} | {percent(f.triage)} |"
        )
    return "\n".join(lines)


def errors(predictions: Sequence[Prediction]) -> str:
    """Return the misjudged rows, for reading (never for tuning on the holdout)."""
    wrong = [
        p
        for p in predictions
        if p.verdict != p.row.verdict or (p.group == "cold_pitch") != p.row.cold
    ]
    return "\n".join(
        f"{p.row.id} [{p.row.kind} {p.row.relation}] {p.row.verdict}/{p.row.triage} -> "
        f"{p.verdict}/{p.group}: {p.row.text[:140]!r}"
        for p in wrong
    )


def main(argv: list[str] | None = None) -> int:
    """Print leave-source-out and holdout figures as Markdown."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--errors", action="store_true", help="list cross-validation errors")
    parser.add_argument("--no-holdout", action="store_true", help="cross-validation only")
    args = parser.parse_args(argv)
    data = split()
    embedding_matrix(data.train + data.holdout)  # fill the cache once
    train_groups = len({r.group for r in data.train if not r.own_voice})
    held_groups = len({r.group for r in data.holdout})
    print(
        f"training: {sum(not r.own_voice for r in data.train)} corpus messages from "
        f"{train_groups} groups + {sum(r.own_voice for r in data.train)} own-voice; holdout: "
        f"{len(data.holdout)} messages from {held_groups} groups "
        f"({'the listed holdout' if holdout_is_final() else 'development holdout by hash'})\n"
    )
    cv = cross_validate(data.train, args.folds)
    print(table(f"Leave-source-out cross-validation ({args.folds} folds by group)", cv, True))
    if args.errors:
        print("\n" + errors(cv))
    if not args.no_holdout:
        held = predict(train(data.train), data.holdout)
        print()
        print(table("Source-disjoint holdout", held, True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
