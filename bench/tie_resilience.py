"""Check that tie strength predicts which ties stay active, on the CollegeMsg network.

    .venv/bin/python bench/tie_resilience.py [--data ../shared/data/collegemsg/msg.txt]
        [--cuts 2004-05-15,2004-06-01,2004-06-15,2004-07-01,2004-07-15]
        [--min-ties 10] [--min-messages 20] [--max-egos 0] [--home DIR]
        [--database-url postgresql://.../EMPTY_DB]

For each cut date and each ego with enough history before it (at least --min-ties
partners and --min-messages messages), the ego's messages up to the end of the cut
day are written to an interactions CSV (person,occurred_at,direction,channel,...)
and imported for a user of its own with `amity import interactions FILE.csv`; every
tie is then scored with `amity strength --as-of CUT --json`. A tie is *active* in
the next H days if the ego and the partner exchange any message (either way) in the
H days after the cut. The script prints ROC AUC for H = 30 and 90 for Amity's score
and two baselines computed from the same messages: recency only (days since the last
message) and frequency only (messages before the cut). AUC is pooled over all ties
of all egos; the mean of per-ego AUCs is printed too.

The first cut (2004-05-15) is the one the strength weights were chosen on; the later
cuts are held out. Both verbs run in-process through amity.cli.call (the same
code path as the `amity` CLI, without 600 process start-ups).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "collegemsg" / "msg.txt"
DEFAULT_CUTS = "2004-05-15,2004-06-01,2004-06-15,2004-07-01,2004-07-15"
HORIZONS = (30, 90)
DAY = 86400


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cuts", default=DEFAULT_CUTS, help="comma-separated YYYY-MM-DD")
    parser.add_argument("--min-ties", type=int, default=10)
    parser.add_argument("--min-messages", type=int, default=20)
    parser.add_argument("--max-egos", type=int, default=0, help="0: every eligible ego")
    parser.add_argument("--home", type=Path, default=None, help="AMITY_HOME (default: temp)")
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty PostgreSQL database (default: SQLite in --home)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser.parse_args(argv)


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Return the ROC AUC (Mann-Whitney U with average ranks for ties); NaN if one class."""
    labels = labels.astype(bool)
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    _, inverse, counts = np.unique(scores[order], return_inverse=True, return_counts=True)
    average = np.cumsum(counts) - (counts - 1) / 2.0
    ranks = np.empty(len(scores))
    ranks[order] = average[inverse]
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def setup_django(home: Path, database_url: str) -> None:
    """Point Amity at `home` and the database (UTC); initialise Django, migrations applied."""
    os.environ["AMITY_TIME_ZONE"] = "UTC"
    sys.path.insert(0, str(REPO / "bench"))
    import backend  # a sibling script, not a package

    backend.setup(home, database_url)


def run(*args: str) -> Any:
    """Run an amity verb in-process and return its parsed --json output."""
    from amity.cli import call

    out = io.StringIO()
    call(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


def ties_before(messages: np.ndarray, cut_ts: int) -> dict[int, dict[int, list[tuple[int, str]]]]:
    """Return ego -> partner -> [(time, direction)] for messages before `cut_ts`."""
    ties: dict[int, dict[int, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for sender, receiver, when in messages[messages[:, 2] < cut_ts]:
        if sender == receiver:
            continue
        ties[int(sender)][int(receiver)].append((int(when), "outbound"))
        ties[int(receiver)][int(sender)].append((int(when), "inbound"))
    return ties


def future_contacts(messages: np.ndarray, start: int, end: int) -> set[tuple[int, int]]:
    """Return the unordered pairs that exchanged a message in [start, end)."""
    window = messages[(messages[:, 2] >= start) & (messages[:, 2] < end)]
    return {(int(min(s, r)), int(max(s, r))) for s, r, _ in window}


def write_csv(path: Path, partners: dict[int, list[tuple[int, str]]]) -> int:
    """Write one ego's messages as an interactions CSV; return the row count."""
    rows = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person", "occurred_at", "direction", "channel", "intent", "subtype"])
        for partner, events in partners.items():
            for when, direction in events:
                stamp = dt.datetime.fromtimestamp(when, tz=dt.UTC).isoformat()
                writer.writerow([f"User {partner}", stamp, direction, "message", "", ""])
                rows += 1
    return rows


def evaluate_cut(
    messages: np.ndarray, cut: dt.date, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    """Import, score and evaluate every eligible ego at one cut date."""
    from django.contrib.auth import get_user_model

    cut_ts = int(dt.datetime.combine(cut + dt.timedelta(days=1), dt.time(), dt.UTC).timestamp())
    ties = ties_before(messages, cut_ts)
    egos = sorted(
        ego
        for ego, partners in ties.items()
        if len(partners) >= args.min_ties
        and sum(len(v) for v in partners.values()) >= args.min_messages
    )
    if args.max_egos:
        egos = egos[: args.max_egos]
    futures = {h: future_contacts(messages, cut_ts, cut_ts + h * DAY) for h in HORIZONS}
    amity: list[float] = []
    recency: list[float] = []
    frequency: list[float] = []
    labels: dict[int, list[bool]] = {h: [] for h in HORIZONS}
    ego_of: list[int] = []
    imported = skipped = 0
    started = time.perf_counter()
    for ego in egos:
        username = f"ego{ego}-{cut.isoformat()}"
        get_user_model().objects.create_user(username=username, password=None)
        path = workdir / f"{username}.csv"
        write_csv(path, ties[ego])
        report = run("import", "interactions", str(path), "--user", username)
        imported += int(report.get("interactions", {}).get("created", 0))
        skipped += int(report.get("totals", {}).get("skipped", 0))
        scored = run("strength", "--as-of", cut.isoformat(), "--user", username)
        by_name = {row["name"]: row["score"] for row in scored["people"]}
        for partner, events in ties[ego].items():
            times = [t for t, _ in events]
            amity.append(by_name[f"User {partner}"])
            recency.append(-(cut_ts - max(times)) / DAY)
            frequency.append(float(len(times)))
            pair = (min(ego, partner), max(ego, partner))
            for h in HORIZONS:
                labels[h].append(pair in futures[h])
            ego_of.append(ego)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "cut": cut.isoformat(),
        "egos": len(egos),
        "ties": len(amity),
        "interactions_imported": imported,
        "rows_skipped_by_importer": skipped,
        "seconds": round(seconds, 1),
    }
    scores = {
        "amity": np.array(amity),
        "recency": np.array(recency),
        "frequency": np.array(frequency),
    }
    owners = np.array(ego_of)
    for h in HORIZONS:
        y = np.array(labels[h])
        result[f"active_{h}d"] = round(float(y.mean()), 4)
        for name, values in scores.items():
            result[f"auc_{h}d_{name}"] = round(roc_auc(values, y), 4)
            per_ego = [roc_auc(values[owners == e], y[owners == e]) for e in egos]
            result[f"mean_ego_auc_{h}d_{name}"] = round(float(np.nanmean(per_ego)), 4)
        for baseline in ("recency", "frequency"):
            low, high = bootstrap_gain(scores["amity"], scores[baseline], y, owners)
            result[f"gain_{h}d_vs_{baseline}_ci95"] = [round(low, 4), round(high, 4)]
    return result


def bootstrap_gain(
    ours: np.ndarray, theirs: np.ndarray, labels: np.ndarray, owners: np.ndarray, rounds: int = 200
) -> tuple[float, float]:
    """Return a 95% interval of AUC(ours) - AUC(theirs), resampling whole egos."""
    rng = np.random.default_rng(0)
    egos = np.unique(owners)
    rows_of = {e: np.flatnonzero(owners == e) for e in egos}
    gains = []
    for _ in range(rounds):
        rows = np.concatenate([rows_of[e] for e in rng.choice(egos, size=len(egos))])
        gains.append(roc_auc(ours[rows], labels[rows]) - roc_auc(theirs[rows], labels[rows]))
    return float(np.percentile(gains, 2.5)), float(np.percentile(gains, 97.5))


def markdown(results: list[dict[str, Any]]) -> str:
    """Return the results as a Markdown table."""
    lines = [
        "| cut | egos | ties | active 30d | AUC 30d amity / recency / frequency "
        "| active 90d | AUC 90d amity / recency / frequency | gain over recency, 95% CI |",
        "| --- | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for r in results:
        cells = []
        for h in HORIZONS:
            cells.append(f"{r[f'active_{h}d']:.1%}")
            cells.append(
                " / ".join(
                    f"**{r[f'auc_{h}d_{n}']:.3f}**" if n == "amity" else f"{r[f'auc_{h}d_{n}']:.3f}"
                    for n in ("amity", "recency", "frequency")
                )
            )
        gains = "; ".join(
            f"{h}d {lo:+.3f}..{hi:+.3f}"
            for h in HORIZONS
            for lo, hi in [r[f"gain_{h}d_vs_recency_ci95"]]
        )
        cells.append(gains)
        lines.append(f"| {r['cut']} | {r['egos']} | {r['ties']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the evaluation for every cut and print the table."""
    args = parse_args(argv)
    messages = np.loadtxt(args.data, dtype=np.int64)
    home = args.home or Path(tempfile.mkdtemp(prefix="amity-ties-"))
    setup_django(home, args.database_url)
    results = []
    for raw in args.cuts.split(","):
        cut = dt.date.fromisoformat(raw.strip())
        workdir = home / f"csv-{cut.isoformat()}"
        workdir.mkdir(parents=True, exist_ok=True)
        results.append(evaluate_cut(messages, cut, args, workdir))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(markdown(results))


if __name__ == "__main__":
    main()
