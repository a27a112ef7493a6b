"""Score a message with the weights learned from the labelled corpus (`training/`).

One reading of a message serves the coach and triage alike: template placeholders
are normalised first (`[Name]` reads as a name, `[specific point from their talk]`
as the specific words it stands for, and how many merge fields there were is a
feature of its own), then the linguistic features of `amity.domain.text_features`
are read, and the relationship with the reader (a real tie, some history, a
stranger, or unknown) is added. The stored models are linear:

- `verdict`: relational vs transactional over those features plus the MiniLM
  sentence embedding (`amity.domain.embeddings`); the coach uses it when the text
  model is installed.
- `verdict_plain`: the same without the embedding (fallback; bulk work).
- `ask`: for someone with history, asks vs trusted (features only).

A stranger's message is a cold pitch when `verdict_plain`, reading it as a
stranger's, says transactional with at least `cold_threshold` probability: in the
corpus a stranger's message is a cold pitch exactly when it is transactional, and
the features-only model keeps 100,000 messages to seconds, not hours.

The weights live in `data/coach_weights.json`, written by `python -m
training.train`; nothing is trained at run time.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import NDArray

from amity.domain.text_features import TEXT_FEATURES, Analysis, analyse, is_asking, text_vector

Relation = Literal["tie", "history", "stranger", "unknown"]
RELATIONS: Final = ("tie", "history", "stranger", "unknown")
WEIGHTS_FILE: Final = "coach_weights.json"
# The embedding reads the opening of a message: the first words set its tone, and a
# bounded length keeps the text model well under the coach's 50 ms budget.
EMBED_WORDS: Final = 48
PLACEHOLDER_FEATURES: Final = ("merge_fields", "placeholders")
RELATION_FEATURES: Final = (
    "rel_tie",
    "rel_history",
    "rel_stranger",
    "ask_tie",
    "ask_history",
    "ask_stranger",
    "ask_negative_balance",
    "ask_dormant",
)
# Words and word pairs hashed into a fixed number of buckets: what the phrase lists do
# not name, learned from the corpus (a dot product, so bulk triage stays fast).
LEXICAL_DIM: Final = 512
LEXICAL_PREFIX: Final = "w"
LEXICAL_WORDS: Final = 300
LEXICAL_FEATURES: Final = tuple(f"{LEXICAL_PREFIX}{i}" for i in range(LEXICAL_DIM))
FEATURES: Final = TEXT_FEATURES + PLACEHOLDER_FEATURES + RELATION_FEATURES + LEXICAL_FEATURES
EMBEDDING_PREFIX: Final = "e"
# Embeddings are rounded so that the last bits of onnxruntime's arithmetic never move a
# score or a trained weight.
EMBEDDING_DECIMALS: Final = 5

# --- template placeholders -------------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"\{\{\s*([^{}\n]{1,60}?)\s*\}\}"  # {{company}}
    r"|\{\s*([^{}\n]{1,60}?)\s*\}"  # {first_name}
    r"|\[\s*([^\[\]\n]{1,80}?)\s*\]"  # [Name], [specific point from their talk]
    r"|<([A-Za-z][^<>/\n=\"]{0,59}?)>"  # <company> (not "a < b", nor a tag with attributes)
)
_NAME_FIELDS: Final = frozenset(
    {
        "name",
        "first name",
        "firstname",
        "first",
        "last name",
        "lastname",
        "full name",
        "contact name",
        "recipient",
        "recipient name",
        "prospect name",
        "candidate name",
        "hiring manager",
        "hiring manager name",
        "their name",
        "name of person",
        "person",
        "contact",
        "recruiter name",
        "manager name",
        "mutual connection",
        "mutual friend",
        "mutual contact",
        "referrer",
    }
)
_MY_FIELDS: Final = frozenset(
    {"your name", "my name", "sender name", "sender", "signature", "your full name"}
)
_COMPANY_FIELDS: Final = frozenset(
    {
        "company",
        "company name",
        "companyname",
        "their company",
        "organization",
        "organisation",
        "organization name",
        "org",
        "firm",
        "business",
        "business name",
        "school",
        "university",
        "brand",
        "website",
        "site",
        "agency",
        "your company",
        "my company",
        "target company",
        "prospect company",
    }
)
_ROLE_FIELDS: Final = frozenset(
    {
        "title",
        "job title",
        "role",
        "position",
        "job",
        "industry",
        "city",
        "location",
        "field",
        "department",
        "team",
        "date",
        "day",
        "time",
        "number",
        "link",
        "url",
        "email",
        "phone",
        "phone number",
        "product",
        "service",
        "topic",
    }
)
_HTML_TAGS: Final = frozenset({"br", "p", "div", "span", "b", "i", "u", "em", "strong", "a", "li"})


@dataclass(frozen=True)
class Normalised:
    """A message with its placeholders filled in, and how many there were."""

    text: str
    merge_fields: int
    placeholders: int


def _field(inner: str) -> str:
    return " ".join(inner.replace("_", " ").replace("-", " ").lower().split())


def normalise_placeholders(text: str) -> Normalised:
    """Fill template placeholders with plain words, counting merge fields and the rest.

    A merge field (`[Name]`, `{first_name}`, `<company>`, `{{title}}`) becomes a
    neutral filler, as the message would read once sent; a descriptive placeholder
    (`[specific point from their talk]`) becomes its own words, as the specific note
    it stands for.
    """
    if not any(mark in text for mark in "[{<"):
        return Normalised(text, 0, 0)
    merge = other = 0

    def fill(match: re.Match[str]) -> str:
        nonlocal merge, other
        inner = next(group for group in match.groups() if group is not None)
        field = _field(inner)
        if match.group(4) is not None and field in _HTML_TAGS:
            return match.group(0)
        if field in _NAME_FIELDS:
            merge += 1
            return "Alex"
        if field in _MY_FIELDS:
            merge += 1
            return "Sam"
        if field in _COMPANY_FIELDS:
            merge += 1
            return "Acme"
        if field in _ROLE_FIELDS:
            merge += 1
            return field
        other += 1
        return " ".join(inner.replace("_", " ").split())

    filled = _PLACEHOLDER.sub(fill, text)
    return Normalised(filled, merge, other)


# --- features --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What the models read from one message: its analysis and placeholder counts."""

    normalised: Normalised
    analysis: Analysis

    @property
    def text(self) -> str:
        """Return the text the models read (placeholders filled in)."""
        return self.normalised.text


def read(text: str) -> Reading:
    """Normalise a message's placeholders and read its linguistic features."""
    normalised = normalise_placeholders(text)
    return Reading(normalised, analyse(normalised.text))


def relation_vector(
    reading: Reading, relation: Relation, *, negative_balance: bool = False, dormant: bool = False
) -> list[float]:
    """Return the relationship features in RELATION_FEATURES order."""
    asked = 1.0 if is_asking(reading.analysis) else 0.0
    return [
        1.0 if relation == "tie" else 0.0,
        1.0 if relation == "history" else 0.0,
        1.0 if relation == "stranger" else 0.0,
        asked if relation == "tie" else 0.0,
        asked if relation == "history" else 0.0,
        asked if relation == "stranger" else 0.0,
        asked if negative_balance and relation in ("tie", "history") else 0.0,
        asked if dormant and relation in ("tie", "history") else 0.0,
    ]


def named_features(
    reading: Reading,
    relation: Relation = "unknown",
    *,
    negative_balance: bool = False,
    dormant: bool = False,
) -> list[float]:
    """Return the named (not hashed-word) features, the first part of FEATURES."""
    normalised = reading.normalised
    return [
        *text_vector(reading.analysis),
        float(min(normalised.merge_fields, 3)),
        float(min(normalised.placeholders, 3)),
        *relation_vector(reading, relation, negative_balance=negative_balance, dormant=dormant),
    ]


def feature_matrix(readings: list[Reading], relations: list[Relation]) -> NDArray[np.float64]:
    """Return FEATURES for many messages at once (what bulk triage reads)."""
    named = len(FEATURES) - LEXICAL_DIM
    matrix = np.zeros((len(readings), len(FEATURES)), dtype=np.float64)
    if not readings:
        return matrix
    matrix[:, :named] = [
        named_features(reading, relation)
        for reading, relation in zip(readings, relations, strict=True)
    ]
    for row, reading in enumerate(readings):
        matrix[row, [named + index for index in lexical_indices(reading.text)]] = 1.0
    return matrix


def feature_row(
    reading: Reading,
    relation: Relation = "unknown",
    *,
    negative_balance: bool = False,
    dormant: bool = False,
) -> list[float]:
    """Return every model feature (FEATURES order) for one message and relationship."""
    return [
        *named_features(reading, relation, negative_balance=negative_balance, dormant=dormant),
        *lexical_vector(reading.text),
    ]


_WORD = re.compile(r"[a-z][a-z']*")


def lexical_indices(text: str) -> set[int]:
    """Return the buckets of a (normalised) text's words and word pairs."""
    words = _WORD.findall(text.lower().replace("’", "'"))[:LEXICAL_WORDS]
    grams = set(words)
    grams.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return {zlib.crc32(gram.encode()) % LEXICAL_DIM for gram in grams}


def lexical_vector(text: str) -> list[float]:
    """Return the hashed word and word-pair indicators of a (normalised) text."""
    vector = [0.0] * LEXICAL_DIM
    for index in lexical_indices(text):
        vector[index] = 1.0
    return vector


def embedding_text(text: str) -> str:
    """Return the part of a (normalised) message the embedding model reads."""
    return " ".join(text.split()[:EMBED_WORDS])


# --- stored models ---------------------------------------------------------------------


@dataclass(frozen=True)
class Linear:
    """A standardised logistic model: feature names, scaling, weights and bias."""

    features: tuple[str, ...]
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    weights: NDArray[np.float64]
    bias: float
    threshold: float = 0.5

    def logits(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return the log-odds of class 1 for each row of a feature matrix."""
        return np.asarray(((matrix - self.mean) / self.scale) @ self.weights + self.bias)

    def probabilities(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return the probability of class 1 for each row."""
        return np.asarray(1 / (1 + np.exp(-np.clip(self.logits(matrix), -30, 30))))

    def logit(self, row: list[float] | NDArray[np.float64]) -> float:
        """Return the log-odds of class 1 for one row."""
        return float(self.logits(np.asarray(row, dtype=np.float64)[None, :])[0])

    def contributions(self, row: list[float] | NDArray[np.float64]) -> list[tuple[str, float]]:
        """Return each feature's share of the log-odds (the embedding as one), largest first."""
        parts = ((np.asarray(row, dtype=np.float64) - self.mean) / self.scale) * self.weights
        named: dict[str, float] = {}
        for name, part in zip(self.features, parts.tolist(), strict=True):
            key = "embedding" if _is_embedding(name) else "wording" if _is_lexical(name) else name
            named[key] = named.get(key, 0.0) + part
        return sorted(named.items(), key=lambda item: -abs(item[1]))

    def as_json(self) -> dict[str, Any]:
        """Return the stored JSON form (8 significant digits)."""
        return {
            "features": list(self.features),
            "mean": [_digits(v) for v in self.mean.tolist()],
            "scale": [_digits(v) for v in self.scale.tolist()],
            "weights": [_digits(v) for v in self.weights.tolist()],
            "bias": _digits(self.bias),
            "threshold": _digits(self.threshold),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Linear:
        """Build a model from its stored JSON form."""
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=float(data["bias"]),
            threshold=float(data.get("threshold", 0.5)),
        )


def _is_embedding(name: str) -> bool:
    return name.startswith(EMBEDDING_PREFIX) and name[len(EMBEDDING_PREFIX) :].isdigit()


def _is_lexical(name: str) -> bool:
    return name.startswith(LEXICAL_PREFIX) and name[len(LEXICAL_PREFIX) :].isdigit()


def _digits(value: float) -> float:
    """Keep 8 significant digits: small scales must not round to zero."""
    return float(f"{float(value):.8g}")


@dataclass(frozen=True)
class Models:
    """Every stored model, and the name of the text model the embedding one reads."""

    verdict: Linear
    verdict_plain: Linear
    ask: Linear
    cold_threshold: float
    text_model: str

    def cold_probabilities(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return the probability that each (stranger's) message is transactional."""
        return np.asarray(1 - self.verdict_plain.probabilities(matrix))

    def as_json(self) -> dict[str, Any]:
        """Return the stored JSON form."""
        return {
            "text_model": self.text_model,
            "cold_threshold": _digits(self.cold_threshold),
            "models": {
                name: getattr(self, name).as_json() for name in ("verdict", "verdict_plain", "ask")
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Models:
        """Build the models from their stored JSON form, checking the feature lists."""
        models = {name: Linear.from_json(raw) for name, raw in data["models"].items()}
        for name, model in models.items():
            plain = tuple(f for f in model.features if not _is_embedding(f))
            if plain != FEATURES:
                raise RuntimeError(
                    f"{WEIGHTS_FILE} ({name}) was trained on other features: "
                    "run python -m training.train"
                )
        return cls(
            text_model=str(data["text_model"]),
            cold_threshold=float(data["cold_threshold"]),
            **models,
        )


@cache
def load_models() -> Models:
    """Load the stored weights from amity/domain/data (once per process)."""
    raw = resources.files("amity.domain").joinpath("data", WEIGHTS_FILE).read_text("utf-8")
    return Models.from_json(json.loads(raw))


def sigmoid(logit: float) -> float:
    """Return the logistic function of a log-odds, clipped against overflow."""
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, logit))))
