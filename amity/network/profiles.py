"""Read people as matchable profiles and keep their vectors cached in the database.

Each person has up to seven facets (`matching.FACETS`): the whole profile, what they
are looking for (with the asks they logged), what they can offer, their title, their
interests, the user's notes and their latest interactions. A facet's vector is stored with
the hash of its text and the model's name; `sync_embeddings` embeds only facets whose
text changed, in batches committed one by one, so an interrupted run resumes where
it stopped. Loaded matrices are kept in memory and in AMITY_HOME/cache, keyed by a
fingerprint of the rows, so a second `amity share` reads one file instead of 100,000
rows; Share's index over them (`share_index`) is built once per loaded set.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from amity import config
from amity.domain import embeddings
from amity.domain.embeddings import LexicalEncoder, Matrix, TextEncoder
from amity.domain.matching import ProfileFacts, facet_texts
from amity.domain.relevance import FacetIndex, FacetVectors
from amity.network.models import ProfileEmbedding
from amity.people.models import Interaction, Person

RECENT_SUMMARIES = 3
READ_CHUNK = 2000
EMBED_BATCH = 256
ASK_SUBTYPES = frozenset({"", "favour", "referral", "advice_request"})
"""Inbound withdrawals that count as the person looking for something."""
INLINE_LIMIT = 2000
"""Share and introductions embed up to this many stale profiles themselves (about 5 s
at ~400 profiles/s), so a demo or a small network works without `amity embed`."""

Progress = Callable[[int, int, int], None]
"""Called with (people checked, people in total, facets embedded so far)."""

_PERSON_FIELDS = (
    "id",
    "full_name",
    "given_name",
    "title",
    "company",
    "field",
    "location",
    "interests",
    "notes",
    "looking_for",
    "can_offer",
)


def text_backend() -> str:
    """Return "model" or "tfidf": what AMITY_TEXT_MODEL resolves to on this machine."""
    return embeddings.resolve_choice(config.TEXT_MODEL.value())


def _summaries(
    owner: AbstractBaseUser, person_ids: Sequence[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Return the latest summaries and the latest asks (inbound withdrawals) per person."""
    through = Interaction.people.through
    rows = (
        through.objects.filter(person_id__in=person_ids, interaction__owner=owner)
        .exclude(interaction__summary="")
        .order_by("person_id", "-interaction__occurred_at", "-interaction_id")
        .values_list(
            "person_id",
            "interaction__summary",
            "interaction__direction",
            "interaction__intent",
            "interaction__subtype",
        )
    )
    recent: dict[int, list[str]] = defaultdict(list)
    asks: dict[int, list[str]] = defaultdict(list)
    for person_id, summary, direction, intent, subtype in rows.iterator(chunk_size=5000):
        if len(recent[person_id]) < RECENT_SUMMARIES:
            recent[person_id].append(summary)
        # Their favours, referrals and advice requests say what they need; a pitch is
        # them offering something, so it is not a need.
        is_ask = (
            intent == "withdrawal"
            and direction in {"inbound", "mutual"}
            and subtype in ASK_SUBTYPES
        )
        if is_ask and len(asks[person_id]) < RECENT_SUMMARIES:
            asks[person_id].append(summary)
    return recent, asks


def facts_for(
    *, owner: AbstractBaseUser, person_ids: Sequence[int] | None = None, chunk: int = READ_CHUNK
) -> Iterator[ProfileFacts]:
    """Yield the owner's people (all, or these) as `ProfileFacts`, in id order."""
    people = Person.objects.filter(owner=owner).order_by("id")
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    last = 0
    while True:
        rows = list(people.filter(pk__gt=last).values_list(*_PERSON_FIELDS)[:chunk])
        if not rows:
            return
        last = rows[-1][0]
        recent, asks = _summaries(owner, [r[0] for r in rows])
        for pk, name, given, title, company, fld, location, interests, notes, lf, co in rows:
            yield ProfileFacts(
                person_id=pk,
                name=name,
                given_name=given,
                title=title,
                company=company,
                field=fld,
                location=location,
                interests=tuple(str(i) for i in interests or ()),
                notes=notes,
                looking_for=lf,
                can_offer=co,
                asks=tuple(asks.get(pk, ())),
                recent=tuple(recent.get(pk, ())),
            )


@dataclass
class SyncResult:
    """What one `sync_embeddings` run did."""

    model_name: str
    people: int = 0
    embedded: int = 0
    unchanged: int = 0
    removed: int = 0


def _write_batch(
    owner: AbstractBaseUser,
    encoder: TextEncoder,
    todo: list[tuple[int, str, str, ProfileEmbedding | None]],
) -> None:
    """Embed one batch of (person, facet, text, existing row) and save it atomically."""
    vectors = encoder.encode([text for _, _, text, _ in todo])
    now = timezone.now()
    created, updated = [], []
    for (person_id, facet, text, row), vector in zip(todo, vectors, strict=True):
        raw = embeddings.to_bytes(vector) if text else b""
        if row is None:
            row = ProfileEmbedding(
                owner=owner, person_id=person_id, facet=facet, model_name=encoder.name
            )
            created.append(row)
        else:
            updated.append(row)
        row.text_hash = embeddings.text_hash(text)
        row.vector, row.dim, row.embedded_at = raw, (encoder.dim if text else 0), now
    with transaction.atomic():
        ProfileEmbedding.objects.bulk_create(created, batch_size=500)
        ProfileEmbedding.objects.filter(owner=owner).bulk_update(
            updated, ["text_hash", "vector", "dim", "embedded_at"], batch_size=500
        )


def sync_embeddings(
    *,
    owner: AbstractBaseUser,
    encoder: TextEncoder,
    person_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    batch: int = EMBED_BATCH,
) -> SyncResult:
    """Embed every facet whose text changed since it was last embedded; return counts.

    Each batch is committed on its own, so an interrupted run keeps what it did.
    Rows whose hash still matches only get their `embedded_at` touched, which keeps the
    quick staleness check (`stale_people`) quiet without embedding them again.
    """
    result = SyncResult(encoder.name)
    total = (
        len(person_ids) if person_ids is not None else Person.objects.filter(owner=owner).count()
    )
    owned = ProfileEmbedding.objects.filter(owner=owner, model_name=encoder.name)
    todo: list[tuple[int, str, str, ProfileEmbedding | None]] = []
    checked: list[int] = []
    for facts_chunk in _chunks(facts_for(owner=owner, person_ids=person_ids), READ_CHUNK):
        ids = [f.person_id for f in facts_chunk]
        rows = owned.filter(person_id__in=ids).defer("vector")
        existing = {(row.person_id, row.facet): row for row in rows}
        stale_rows: list[int] = []
        for facts in facts_chunk:
            for facet, text in facet_texts(facts).items():
                row = existing.pop((facts.person_id, facet), None)
                if not text and facet != "profile":
                    if row is not None:
                        row.delete()
                        result.removed += 1
                    continue
                if row is not None and row.text_hash == embeddings.text_hash(text):
                    result.unchanged += 1
                    stale_rows.append(row.pk)
                    continue
                todo.append((facts.person_id, facet, text, row))
            checked.append(facts.person_id)
            if len(todo) >= batch:
                _write_batch(owner, encoder, todo)
                result.embedded += len(todo)
                todo = []
                if progress:
                    progress(len(checked), total, result.embedded)
        owned.filter(pk__in=stale_rows).update(embedded_at=timezone.now())
        result.people = len(checked)
        if progress:
            progress(len(checked), total, result.embedded)
    if todo:
        _write_batch(owner, encoder, todo)
        result.embedded += len(todo)
    result.people = len(checked)
    if progress:
        progress(len(checked), total, result.embedded)
    return result


def _chunks(items: Iterator[ProfileFacts], size: int) -> Iterator[list[ProfileFacts]]:
    chunk: list[ProfileFacts] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def stale_people(*, owner: AbstractBaseUser, model_name: str) -> list[int]:
    """Return people whose profile changed (or got an interaction) since it was embedded.

    A quick check by timestamps; `sync_embeddings` then compares hashes, so a person
    whose text did not really change is not embedded again. Only people changed since
    the oldest embedding can be stale, so the exact per-person comparison runs on them
    alone, and people without any embedding are looked for only when the counts say
    some are missing: on 100,000 embedded people this stays a few milliseconds.
    """
    rows = ProfileEmbedding.objects.filter(owner=owner, model_name=model_name, facet="profile")
    stats = rows.aggregate(n=Count("id"), oldest=Min("embedded_at"))
    people = Person.objects.filter(owner=owner)
    if not stats["n"]:
        return list(people.order_by("id").values_list("id", flat=True))
    changed_at = Greatest(
        OuterRef("updated_at"), Coalesce(OuterRef("last_interaction_at"), OuterRef("updated_at"))
    )
    fresh = rows.filter(person=OuterRef("pk"), embedded_at__gte=changed_at)
    oldest = stats["oldest"]
    recent = people.filter(Q(updated_at__gte=oldest) | Q(last_interaction_at__gte=oldest))
    stale = set(recent.filter(~Exists(fresh)).values_list("id", flat=True))
    if people.count() > stats["n"]:
        # Rows are unique per person, so equal counts mean everyone has one.
        embedded = rows.filter(person=OuterRef("pk"))
        stale.update(people.filter(~Exists(embedded)).values_list("id", flat=True))
    return sorted(stale)


# -- loading matrices ------------------------------------------------------------------


@dataclass
class FacetMatrix:
    """The vectors of one facet: row i is person `ids[i]`."""

    ids: np.ndarray
    matrix: Matrix

    def row_of(self) -> dict[int, int]:
        """Return person id -> row."""
        return {int(pk): i for i, pk in enumerate(self.ids)}


_MEMORY: dict[tuple[int, str, str], tuple[tuple[object, ...], FacetMatrix]] = {}
_MEMORY_LOCK = threading.Lock()
_CHECKED: dict[tuple[int, str], tuple[float, int]] = {}
"""(owner, model) -> (when the staleness check last ran, profiles it left pending)."""
FRESH_SECONDS = 30.0
"""How long one process trusts its staleness check and in-memory matrices.

Checking means scanning the owner's people for changes (~0.2 s at 100,000 people on
SQLite, as `updated_at` has no index); within this window a long-running server
answers from memory, so a profile edited elsewhere is picked up at most this late.
"""


def _fingerprint(owner: AbstractBaseUser, model_name: str, facet: str) -> tuple[object, ...]:
    rows = ProfileEmbedding.objects.filter(owner=owner, model_name=model_name, facet=facet)
    # Both answered from the (owner, model, facet, embedded_at) index: every write sets
    # embedded_at to now, and a delete lowers the count.
    stats = rows.aggregate(n=Count("id"), last=Max("embedded_at"))
    last = stats["last"].isoformat() if stats["last"] else ""
    return (stats["n"], last)


def _cache_file(owner: AbstractBaseUser, model_name: str, facet: str) -> Path:
    return config.HOME.value() / "cache" / f"vectors-{owner.pk}-{model_name}-{facet}.npz"


def load_facet(
    *, owner: AbstractBaseUser, model_name: str, facet: str, trust_memory: bool = False
) -> FacetMatrix:
    """Return the cached vectors of one facet as a float32 matrix (non-empty rows only).

    With `trust_memory`, a matrix already in memory is returned without asking the
    database whether it is still current.
    """
    key = (int(owner.pk), model_name, facet)
    with _MEMORY_LOCK:
        held = _MEMORY.get(key)
    if trust_memory and held is not None:
        return held[1]
    fingerprint = _fingerprint(owner, model_name, facet)
    if held is not None and held[0] == fingerprint:
        return held[1]
    path = _cache_file(owner, model_name, facet)
    stamp = repr(fingerprint)
    loaded: FacetMatrix | None = None
    if path.exists():
        try:
            with np.load(path) as data:
                if str(data["stamp"]) == stamp:
                    loaded = FacetMatrix(data["ids"], data["matrix"])
        except (OSError, ValueError, KeyError):
            loaded = None
    if loaded is None:
        loaded = _read_facet(owner, model_name, facet)
        path.parent.mkdir(parents=True, exist_ok=True)
        # One temporary file per process: two processes may build the cache at once.
        temporary = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(temporary, ids=loaded.ids, matrix=loaded.matrix, stamp=np.array(stamp))
        temporary.replace(path)
    with _MEMORY_LOCK:
        _MEMORY[key] = (fingerprint, loaded)
    return loaded


def _read_facet(owner: AbstractBaseUser, model_name: str, facet: str) -> FacetMatrix:
    rows = (
        ProfileEmbedding.objects.filter(owner=owner, model_name=model_name, facet=facet)
        .filter(dim__gt=0)
        .order_by("person_id")
        .values_list("person_id", "vector")
    )
    ids: list[int] = []
    chunks: list[bytes] = []
    for person_id, raw in rows.iterator(chunk_size=5000):
        ids.append(person_id)
        chunks.append(bytes(raw))
    if not ids:
        return FacetMatrix(np.zeros(0, dtype=np.int64), np.zeros((0, 1), dtype=np.float32))
    flat = np.frombuffer(b"".join(chunks), dtype="<f4").astype(np.float32)
    return FacetMatrix(np.asarray(ids, dtype=np.int64), flat.reshape(len(ids), -1))


# -- one place that hands out vectors ---------------------------------------------------


@dataclass
class VectorSpace:
    """The encoder in use and the facet matrices of the owner's people."""

    kind: str
    encoder: TextEncoder
    facets: dict[str, FacetMatrix] = field(default_factory=dict)
    pending: int = 0
    """Profiles changed since they were embedded and not embedded inline."""

    @property
    def description(self) -> str:
        """Say which text matching is in use."""
        return embeddings.describe(self.kind)


def vector_space(
    *,
    owner: AbstractBaseUser,
    facets: Sequence[str] = ("profile",),
    inline_limit: int | None = None,
    facts: Sequence[ProfileFacts] | None = None,
    extra_corpus: Sequence[str] = (),
) -> VectorSpace:
    """Return the vectors of the owner's people under the configured text matching.

    With the model, up to `inline_limit` (INLINE_LIMIT) stale profiles are embedded first (more are
    left to `amity embed` and counted in `pending`). With the lexical fallback every
    vector is computed now from the current texts (`extra_corpus` joins the IDF fit).
    """
    kind = text_backend()
    if kind == "model":
        # Queries and profile pieces go through the memo; whole profiles do not.
        encoder: TextEncoder = embeddings.memo_model()
        key = (int(owner.pk), encoder.name)
        with _MEMORY_LOCK:
            checked = _CHECKED.get(key)
        recent = checked is not None and time.monotonic() - checked[0] < FRESH_SECONDS
        if recent and checked is not None:
            pending = checked[1]
        else:
            stale = stale_people(owner=owner, model_name=encoder.name)
            pending = 0
            if stale and len(stale) <= (INLINE_LIMIT if inline_limit is None else inline_limit):
                sync_embeddings(owner=owner, encoder=embeddings.load_model(), person_ids=stale)
            else:
                pending = len(stale)
            with _MEMORY_LOCK:
                _CHECKED[key] = (time.monotonic(), pending)
        space = VectorSpace(kind, encoder, pending=pending)
        for facet in facets:
            space.facets[facet] = load_facet(
                owner=owner, model_name=encoder.name, facet=facet, trust_memory=recent
            )
        return space
    people = list(facts) if facts is not None else list(facts_for(owner=owner))
    texts = [facet_texts(f) for f in people]
    lexical = LexicalEncoder.fit(
        [t["profile"] for t in texts]
        + [t["seeks"] for t in texts if t["seeks"]]
        + list(extra_corpus)
    )
    space = VectorSpace(kind, lexical)
    for facet in facets:
        keep = [i for i, t in enumerate(texts) if t[facet]]
        ids = np.asarray([people[i].person_id for i in keep], dtype=np.int64)
        space.facets[facet] = FacetMatrix(ids, lexical.encode([texts[i][facet] for i in keep]))
    return space


_INDEXES: dict[int, tuple[tuple[np.ndarray, ...], FacetIndex]] = {}
_INDEXES_LOCK = threading.Lock()


def share_index(owner: AbstractBaseUser, space: VectorSpace) -> FacetIndex:
    """Return the owner's facets indexed for ranking, rebuilt only when a matrix changes.

    The loaded matrices stay the same objects while they are current, so holding them
    and comparing identities says whether the index (a sort of every person's id) can
    be reused.
    """
    vectors = {name: FacetVectors(f.ids, f.matrix) for name, f in space.facets.items()}
    if not space.encoder.cacheable:
        return FacetIndex.build(vectors)
    matrices = tuple(f.matrix for f in space.facets.values())
    with _INDEXES_LOCK:
        held = _INDEXES.get(int(owner.pk))
    same = held is not None and len(held[0]) == len(matrices)
    if held is not None and same and all(a is b for a, b in zip(held[0], matrices, strict=True)):
        return held[1]
    index = FacetIndex.build(vectors)
    with _INDEXES_LOCK:
        _INDEXES[int(owner.pk)] = (matrices, index)
    return index


def forget_check(owner: AbstractBaseUser) -> None:
    """Make the next vector_space re-check the owner's staleness (after embedding)."""
    with _MEMORY_LOCK:
        for key in [k for k in _CHECKED if k[0] == int(owner.pk)]:
            del _CHECKED[key]


def forget_cached_matrices() -> None:
    """Drop the in-memory matrices (tests, and after bulk deletes)."""
    with _MEMORY_LOCK:
        _MEMORY.clear()
        _CHECKED.clear()
    with _INDEXES_LOCK:
        _INDEXES.clear()
