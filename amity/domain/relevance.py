"""Rank people for a shared text by how far they stand above everyone else.

A cosine means little on its own: one model's 0.3 is another's 0.6, and a short title
scores differently from a paragraph of notes. So each facet of a profile (title,
interests, notes, what they look for or offer, recent talks) is compared with the
text separately, each facet's cosines are standardised over the owner's whole network
(a z-score: how unusual this person's closeness is), and a person's standing is the
best of their facets' z-scores plus half of what their other facets add above the
network's mean: one strongly matching facet is enough, an empty one costs nothing, and
a text that speaks to someone's work *and* their notes counts for more than either
(dev cases: right person first 0.643 with the plain best facet, 0.743 with support).
Confidence labels come from that standing, not from floors on raw cosines: "strong
match", "maybe", or "long shot" when nobody stands out. Needs for
introductions are met the same way (`helpers_for_needs`).

On a large network (`SHORTLIST_FROM` vectors and up) ranking first scans every
facet in fewer dimensions (a `Sketch`: the network's main directions), then scores
the best few hundred people exactly; the facets' means and spreads are exact either
way (from each facet's column sums and Gram matrix), so the scores shown are the
reference's. See `bench/share_rank.py`.

Pure numpy over plain arrays; `amity.network` loads the vectors, the evaluation in
`training/share_eval.py` builds them the same way from `matching.facet_texts`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from amity.domain.embeddings import LEXICAL_NAME, Matrix, nearest_rows
from amity.domain.sketch import Sketch

STRONG = "strong match"
MAYBE = "maybe"
LONG_SHOT = "long shot"
LABELS = (STRONG, MAYBE, LONG_SHOT)
"""Confidence labels, most confident first."""
STRONG_FROM = 2.0
MAYBE_FROM = 0.5
"""The model's labels: standing above the chance peak from which a person is a strong
match, or a maybe (set on the dev cases; see `MODEL_TUNING`)."""


@dataclass(frozen=True)
class FacetVectors:
    """The vectors of one facet: row i belongs to person `ids[i]`."""

    ids: NDArray[np.int64]
    matrix: Matrix


@dataclass(frozen=True)
class Tuning:
    """How one encoder's cosines become standing and confidence (set on the dev cases)."""

    facets: tuple[str, ...]
    """The facets compared with the text."""
    prior_mean: float
    prior_std: float
    """What a facet's cosines to an unrelated text look like, for small networks."""
    prior_weight: float
    """How many people's worth of evidence the prior counts for."""
    temperature: float
    """Of the soft maximum over facets (in z units); near 0 it is the plain maximum."""
    strong: float
    maybe: float
    """Standing from which a person is a strong match, or a maybe, counted from the
    highest z-score chance alone would give among this many facets (see `chance_peak`)."""
    min_cosine: float
    """A facet at or below this cosine does not count (no shared word, for TF-IDF)."""
    long_shots: int = 3
    """How many people to show, labelled long shots, when nobody stands out."""
    support: float = 0.0
    """How much each further facet above the network's mean adds (its z-score times this)."""
    need_from: float | None = None
    """Standing (above the chance peak) from which someone can meet a need; None: the
    same as `maybe`. Needs are one facet against one, so support does not apply."""
    shortlist: bool = False
    """Whether a large network is first scanned in fewer dimensions (`sketch.Sketch`).
    Not for the lexical fallback: its vectors are new for every text, and building the
    sketch would cost more than it saves."""


SHARE_FACETS = ("title", "interests", "notes", "seeks", "offers", "recent")
"""The facets a shared text is compared with. Not the whole profile: on the dev cases
it adds nothing the pieces do not say, and it is a quarter of the vectors to scan."""

# The priors are what the dev cases' texts measure against the 70 evaluation profiles:
# mean cosine per facet 0.02-0.04 (MiniLM) and 0.00 (TF-IDF), spread 0.07 and 0.045.
# Support 0.5 is the middle of the dev plateau (0.3-0.7 all put the right person first
# in 0.73-0.76 of dev cases, against 0.64 without); the labels were set with it.
MODEL_TUNING = Tuning(
    facets=SHARE_FACETS,
    prior_mean=0.03,
    prior_std=0.075,
    prior_weight=20.0,
    temperature=0.0,
    strong=STRONG_FROM,
    maybe=MAYBE_FROM,
    min_cosine=0.0,
    support=0.5,
    # Where "maybe" began before support: the judged introduction pairs were set on it.
    need_from=-0.5,
    shortlist=True,
)
LEXICAL_TUNING = Tuning(
    facets=SHARE_FACETS,
    prior_mean=0.0,
    prior_std=0.045,
    prior_weight=20.0,
    temperature=0.0,
    # Shared words say little about who a text is for (the dev cases' top pick is right
    # one time in six whatever its standing), so the fallback is rarely sure.
    strong=2.5,
    maybe=0.0,
    min_cosine=0.02,
    # Support changed nothing first for TF-IDF on dev (0.171) and made "strong" wrong
    # 5 times in 12, so the fallback keeps the plain best facet.
)


def tuning_for(encoder_name: str) -> Tuning:
    """Return the tuning that suits vectors of this encoder."""
    return LEXICAL_TUNING if encoder_name == LEXICAL_NAME else MODEL_TUNING


@dataclass(frozen=True)
class Standing:
    """One person's standing for a text: score, best facet and confidence."""

    person_id: int
    score: float
    """Best facet's z-score, plus the support of the others (see `pool`)."""
    cosine: float
    """The cosine of the facet that stands out most."""
    facet: str
    confidence: str


@dataclass(frozen=True)
class Ranking:
    """The people to show for a text, best first, and whether anyone stands out."""

    people: list[Standing]
    stands_out: bool


def shrunk_moments(total: float, squares: float, n: int, tuning: Tuning) -> tuple[float, float]:
    """Return the mean and spread of n cosines (their sum, sum of squares), with the prior."""
    k = tuning.prior_weight
    mean = (total + k * tuning.prior_mean) / (n + k)
    # sum((x - mean)^2) = squares - 2 mean total + n mean^2, never below 0 by rounding.
    spread = max(squares - 2 * mean * total + n * mean * mean, 0.0) + k * tuning.prior_std**2
    return mean, max(float(np.sqrt(spread / max(n + k, 1e-9))), 1e-6)


def soft_maximum(z: NDArray[np.float32], temperature: float) -> NDArray[np.float32]:
    """Pool each row's values (-inf = missing facet) by a softmax-weighted mean."""
    top = z.max(axis=1, keepdims=True)
    present = np.isfinite(z)
    if temperature <= 0:
        peak: NDArray[np.float32] = top[:, 0].astype(np.float32)
        return peak
    safe_top = np.where(np.isfinite(top), top, 0.0)
    weights = np.where(present, np.exp((np.where(present, z, 0.0) - safe_top) / temperature), 0)
    total = weights.sum(axis=1)
    pooled = (weights * np.where(present, z, 0.0)).sum(axis=1) / np.where(total > 0, total, 1)
    return np.where(total > 0, pooled, -np.inf).astype(np.float32)


def pool(z: NDArray[np.float32], tuning: Tuning) -> NDArray[np.float32]:
    """Return each person's standing from their facets' z-scores (person x facet).

    The best facet (or soft maximum), plus `support` times every other facet's z-score
    above 0: evidence from the title and the notes adds up, an empty facet adds nothing.
    """
    head = soft_maximum(z, tuning.temperature) if z.shape[1] else np.zeros(0, np.float32)
    if tuning.support and z.shape[1]:
        above = np.maximum(z, 0.0)
        rest = above.sum(axis=1) - above.max(axis=1)
        head = (head + tuning.support * rest).astype(np.float32)
    return head


def chance_peak(compared: int) -> float:
    """Return about the highest of `compared` standard normal draws: sqrt(2 ln n).

    The best z-score among 70 people's 7 facets is near 3.5 by chance alone, among
    100,000 people's near 5.2: standing out means beating this, whatever the size.
    """
    return float(np.sqrt(2.0 * np.log(max(compared, 2))))


def label(score: float, tuning: Tuning, peak: float) -> str:
    """Return the confidence label of a standing, given the chance peak."""
    if score >= peak + tuning.strong:
        return STRONG
    return MAYBE if score >= peak + tuning.maybe else LONG_SHOT


SHORTLIST_FROM = 20_000
"""Facet vectors from which ranking scans a sketch first (below, the exact scan is
a few milliseconds)."""
SHORTLIST = 400
"""People scored exactly after the first pass."""


@dataclass(frozen=True)
class FacetIndex:
    """The facets of a network laid out for ranking: built once, used for every text.

    `ids` lists every person once (sorted); `rows[name][i]` is the position in `ids` of
    the person whose vector is row i of that facet, and `where[name][p]` the row of the
    person at position p (-1: none). Building it sorts all the ids, which at 100,000
    people costs more than ranking, so callers keep it while the vectors last; the
    sketch for large networks is made in the background on second use and kept with it.
    """

    ids: NDArray[np.int64]
    facets: dict[str, FacetVectors]
    rows: dict[str, NDArray[np.int64]]
    where: dict[str, NDArray[np.int64]]
    sketches: dict[tuple[str, ...], Sketch] = field(default_factory=dict)
    asked: set[tuple[str, ...]] = field(default_factory=set)
    building: set[tuple[str, ...]] = field(default_factory=set)

    @classmethod
    def build(cls, facets: Mapping[str, FacetVectors]) -> FacetIndex:
        """Index the non-empty facets of a network."""
        kept = {name: found for name, found in facets.items() if found.ids.size}
        if not kept:
            return cls(np.zeros(0, dtype=np.int64), {}, {}, {})
        ids = np.unique(np.concatenate([found.ids for found in kept.values()]))
        rows = {name: np.searchsorted(ids, found.ids) for name, found in kept.items()}
        where = {}
        for name, positions in rows.items():
            where[name] = np.full(ids.size, -1, dtype=np.int64)
            where[name][positions] = np.arange(positions.size)
        return cls(ids, kept, rows, where)

    def sketch(self, names: tuple[str, ...]) -> Sketch:
        """Return the sketch of these facets, making it now if need be (about a second)."""
        with _BUILD_LOCK:
            with _SKETCH_LOCK:
                found = self.sketches.get(names)
            if found is None:
                found = Sketch.build({name: self.facets[name].matrix for name in names})
                with _SKETCH_LOCK:
                    self.sketches[names] = found
            return found

    def sketch_if_ready(self, names: tuple[str, ...]) -> Sketch | None:
        """Return the sketch of these facets if made; else maybe start making it.

        It is started on the second text ranked with this index, in a background thread:
        a one-off `amity share` ranks once and never pays for it, and a server's texts
        use the exact scan until it is there. The thread is not a daemon: OpenBLAS
        hangs at exit under a daemon thread still in a matrix product.
        """
        with _SKETCH_LOCK:
            if names in self.sketches:
                return self.sketches[names]
            if names in self.asked and names not in self.building:
                self.building.add(names)
                threading.Thread(target=self.sketch, args=(names,), name="amity-sketch").start()
            self.asked.add(names)
        return None


_SKETCH_LOCK = threading.Lock()
"""Guards `sketches` and `building`; held only for a look, never while building."""
_BUILD_LOCK = threading.Lock()
"""One sketch is made at a time (they share reusable parts, and two cores)."""


@dataclass(frozen=True)
class Scored:
    """The pooled standing of every person scored for one text (the readable reference)."""

    ids: NDArray[np.int64]
    """Who was scored (everyone, or a shortlist)."""
    score: NDArray[np.float32]
    z: NDArray[np.float32]
    """Person x facet z-scores (-inf: no such facet, or nothing in common)."""
    cosines: NDArray[np.float32]
    """Person x facet cosines (0 where there is no such facet)."""
    names: tuple[str, ...]
    compared: int
    """How many facet vectors were compared with the text."""

    def best_facet(self, person: int) -> tuple[str, float]:
        """Return the facet in which person (a row here) stands out, and its cosine."""
        column = int(np.argmax(self.z[person]))
        return self.names[column], float(self.cosines[person, column])


def _facet_z(
    raw: NDArray[np.float32], moments: tuple[float, float], tuning: Tuning
) -> NDArray[np.float32]:
    mean, std = moments
    z = ((raw - mean) / std).astype(np.float32)
    return np.where(raw > tuning.min_cosine, z, -np.inf).astype(np.float32)


def score_people(query: Matrix, index: FacetIndex, tuning: Tuning) -> Scored:
    """Return every person's standing: per-facet z-scores pooled by `pool`, all exact.

    A facet that shares nothing with the text (cosine at or below `min_cosine`, e.g. no
    common word for TF-IDF) does not count; someone with no such facet is not ranked.
    """
    names = tuple(name for name in tuning.facets if name in index.facets)
    z = np.full((index.ids.size, len(names)), -np.inf, dtype=np.float32)
    cosines = np.zeros_like(z)
    for column, name in enumerate(names):
        raw = (index.facets[name].matrix @ query).astype(np.float32)
        wide = raw.astype(np.float64)
        moments = shrunk_moments(float(wide.sum()), float(wide @ wide), raw.size, tuning)
        z[index.rows[name], column] = _facet_z(raw, moments, tuning)
        cosines[index.rows[name], column] = raw
    compared = sum(int(index.facets[name].ids.size) for name in names)
    return Scored(index.ids, pool(z, tuning), z, cosines, names, compared)


def shortlist_people(
    query: Matrix,
    index: FacetIndex,
    tuning: Tuning,
    sketch: Sketch | None = None,
    *,
    size: int = SHORTLIST,
) -> Scored:
    """Return the exact standing of the `size` people a sketched first pass finds.

    Each facet's mean and spread come exactly from its moments; the first pass ranks
    everyone by the same pooled standing computed on projected vectors, and the people
    it keeps are scored again on their full vectors.
    """
    names = tuple(name for name in tuning.facets if name in index.facets)
    sketch = sketch or index.sketch(names)
    moments = {}
    for name in names:
        found = sketch.moments[name]
        moments[name] = shrunk_moments(*found.totals(query), found.count, tuning)
    projected = query @ sketch.basis
    # Facet-major, so each facet's scatter writes one contiguous row.
    rough = np.full((len(names), index.ids.size), -np.inf, dtype=np.float32)
    for column, name in enumerate(names):
        raw = sketch.reduced[name] @ projected
        rough[column, index.rows[name]] = _facet_z(raw, moments[name], tuning)
    first = pool(rough.T, tuning)
    keep = min(size, first.size)
    chosen = np.argpartition(-first, keep - 1)[:keep] if keep else np.zeros(0, np.int64)
    z = np.full((chosen.size, len(names)), -np.inf, dtype=np.float32)
    cosines = np.zeros_like(z)
    for column, name in enumerate(names):
        rows = index.where[name][chosen]
        has = np.flatnonzero(rows >= 0)
        raw = (index.facets[name].matrix[rows[has]] @ query).astype(np.float32)
        z[has, column] = _facet_z(raw, moments[name], tuning)
        cosines[has, column] = raw
    compared = sum(int(index.facets[name].ids.size) for name in names)
    return Scored(index.ids[chosen], pool(z, tuning), z, cosines, names, compared)


def rank_for_share(query: Matrix, index: FacetIndex, tuning: Tuning, *, limit: int) -> Ranking:
    """Return who to show for a text: those who stand out, else the best long shots."""
    names = tuple(name for name in tuning.facets if name in index.facets)
    sizes = sum(int(index.facets[name].ids.size) for name in names)
    large = tuning.shortlist and sizes >= SHORTLIST_FROM
    sketch = index.sketch_if_ready(names) if large else None
    if sketch is not None:
        scored = shortlist_people(query, index, tuning, sketch, size=max(SHORTLIST, limit))
    else:
        scored = score_people(query, index, tuning)
    finite = np.flatnonzero(np.isfinite(scored.score))
    if finite.size == 0 or limit <= 0:
        return Ranking([], stands_out=False)
    peak = chance_peak(scored.compared)
    k = min(limit, finite.size)
    part = finite[np.argpartition(-scored.score[finite], k - 1)[:k]]
    order = part[np.lexsort((scored.ids[part], -scored.score[part]))]
    people = []
    for i in order:
        facet, cosine = scored.best_facet(int(i))
        score = float(scored.score[i])
        people.append(
            Standing(
                int(scored.ids[i]),
                round(score, 3),
                round(cosine, 3),
                facet,
                label(score, tuning, peak),
            )
        )
    stands_out = people[0].confidence != LONG_SHOT
    if stands_out:
        people = [p for p in people if p.confidence != LONG_SHOT]
    else:
        people = people[: tuning.long_shots]
    return Ranking(people, stands_out)


# -- who could meet a need ------------------------------------------------------------

NEED_FACETS = ("offers", "title")
"""What a need is compared with: what people offer, and what they do (a need for "a
designer" is met by a designer who never wrote "can offer: design"). On the judged
pairs these two rank worth-introducing pairs as well as all facets do."""


@dataclass(frozen=True)
class NeedMatch:
    """Someone who stands out as able to meet another's need, and through which facet."""

    seeker: int
    helper: int
    cosine: float
    standing: float
    facet: str


def helpers_for_needs(
    seeks: FacetVectors,
    helpers: FacetIndex,
    tuning: Tuning,
    *,
    neighbours: int = 8,
    sample: int = 1024,
    seed: int = 7,
) -> list[NeedMatch]:
    """Return, for each need, the people who stand out as able to meet it.

    As for a shared text, a helper's cosine counts by how far it stands above that
    facet's cosines to the same need across the network (mean and spread measured on
    up to `sample` rows), and only standings from `need_from` up are kept.
    """
    rng = np.random.default_rng(seed)
    found: dict[tuple[int, int], NeedMatch] = {}
    for name in NEED_FACETS:
        if name not in helpers.facets or not seeks.ids.size:
            continue
        facet = helpers.facets[name]
        rows = facet.ids.size
        picked = rng.choice(rows, min(rows, sample), replace=False)
        spread = seeks.matrix @ facet.matrix[picked].T
        n, k = float(picked.size), tuning.prior_weight
        mean = (spread.sum(axis=1) + k * tuning.prior_mean) / (n + k)
        var = (((spread - mean[:, None]) ** 2).sum(axis=1) + k * tuning.prior_std**2) / (n + k)
        std = np.sqrt(np.maximum(var, 1e-12))
        floor = chance_peak(rows) + (tuning.maybe if tuning.need_from is None else tuning.need_from)
        near = nearest_rows(seeks.matrix, facet.matrix, neighbours)
        for q, seeker in enumerate(seeks.ids):
            for j, cosine in zip(near.indices[q], near.scores[q], strict=True):
                standing = (float(cosine) - float(mean[q])) / float(std[q])
                helper = int(facet.ids[int(j)]) if j >= 0 else -1
                if j < 0 or helper == int(seeker) or standing < floor:
                    continue
                key = (int(seeker), helper)
                if key not in found or found[key].standing < standing:
                    found[key] = NeedMatch(int(seeker), helper, float(cosine), standing, name)
    return sorted(found.values(), key=lambda m: (-m.standing, m.seeker, m.helper))
