"""Load the labelled messages: the corpus written by others, and our own voice.

`corpus/messages.jsonl` holds real networking messages copied from public sources
(one `source` address each; `group` names the site or repository, the unit that
folds and the holdout are split by). `corpus/holdout_groups.txt` lists the groups
held out: nothing is fitted, chosen or tuned on them. Until that file exists, a
fixed hash of the group name picks a development holdout instead.

`own_voice/` holds the messages this project wrote itself (the old
`tests/data/coach_*.jsonl`). They are one source group, "own-voice": training data
always, never part of a reported figure, since the phrase rules were written in
the same voice.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "messages.jsonl"
HOLDOUT_GROUPS = HERE / "corpus" / "holdout_groups.txt"
OWN_VOICE = (
    HERE / "own_voice" / "coach_messages.jsonl",
    HERE / "own_voice" / "coach_holdout.jsonl",
)
OWN_GROUP = "own-voice"
VERDICTS = ("relational", "transactional")
TRIAGE = ("trusted", "asks", "genuine_new", "cold_pitch")
# Without a holdout file, one group in DEV_SHARE (by a fixed hash of its name) is held out.
DEV_SHARE = 4
_OWN_RELATION = {"close": "tie", "known": "history", "dormant": "history", "none": "stranger"}


@dataclass(frozen=True)
class Row:
    """One labelled message.

    `relation` is tie, history or stranger for the corpus (what the text shows) and
    for own-voice rows written with a recipient; unknown for own-voice rows without.
    Own-voice `triage` labels read the text alone (genuine_new, asks, cold_pitch).
    """

    id: str
    text: str
    verdict: str
    triage: str
    relation: str
    kind: str
    group: str
    source: str
    own_voice: bool = False
    negative_balance: bool = False
    dormant: bool = False

    @property
    def relational(self) -> bool:
        """Return whether the message is labelled relational."""
        return self.verdict == "relational"

    @property
    def cold(self) -> bool:
        """Return whether the message is labelled a cold pitch."""
        return self.triage == "cold_pitch"


def _lines(path: Path) -> Iterable[tuple[int, dict[str, object]]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            yield number, json.loads(line)


def load_corpus(path: Path = CORPUS) -> list[Row]:
    """Return the corpus written by others, checking each row's labels."""
    rows = []
    for number, raw in _lines(path):
        row = Row(
            id=str(raw["id"]),
            text=str(raw["text"]),
            verdict=str(raw["verdict"]),
            triage=str(raw["triage"]),
            relation=str(raw["relation"]),
            kind=str(raw.get("kind") or "other"),
            group=str(raw["group"]),
            source=str(raw.get("source") or ""),
        )
        if row.verdict not in VERDICTS or row.triage not in TRIAGE:
            raise ValueError(f"{path}:{number}: unknown label {row.verdict}/{row.triage}")
        if row.relation not in ("tie", "history", "stranger"):
            raise ValueError(f"{path}:{number}: unknown relation {row.relation}")
        rows.append(row)
    return rows


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def load_own_voice(paths: Iterable[Path] = OWN_VOICE) -> list[Row]:
    """Return the project's own labelled messages as the one "own-voice" group."""
    rows = []
    for path in paths:
        for _, raw in _lines(path):
            context = raw.get("context")
            ctx = context if isinstance(context, dict) else {}
            tie = str(ctx.get("tie", ""))
            rows.append(
                Row(
                    id=f"own:{raw['id']}",
                    text=str(raw["text"]),
                    verdict=str(raw["verdict"]),
                    triage=str(raw["triage"]),
                    relation=_OWN_RELATION.get(tie, "unknown"),
                    kind=str(raw.get("kind") or "other"),
                    group=OWN_GROUP,
                    source=f"amity:{path.name}",
                    own_voice=True,
                    negative_balance=_number(ctx.get("balance")) < 0,
                    dormant=tie == "dormant" or _number(ctx.get("days_since")) >= 365,
                )
            )
    return rows


def holdout_groups(rows: Iterable[Row], path: Path = HOLDOUT_GROUPS) -> frozenset[str]:
    """Return the held-out groups: the listed ones, or a fixed-hash development set."""
    if path.is_file():
        listed = path.read_text(encoding="utf-8").splitlines()
        return frozenset(line.strip() for line in listed if line.strip() and line[0] != "#")
    groups = {row.group for row in rows if not row.own_voice}
    return frozenset(g for g in groups if zlib.crc32(g.encode()) % DEV_SHARE == 0)


def holdout_is_final(path: Path = HOLDOUT_GROUPS) -> bool:
    """Return whether the holdout comes from the corpus's own list (not the dev hash)."""
    return path.is_file()


@dataclass(frozen=True)
class Split:
    """Training rows (own voice included) and the held-out corpus rows."""

    train: list[Row]
    holdout: list[Row]


def split(corpus: list[Row] | None = None, own: list[Row] | None = None) -> Split:
    """Return the training and holdout rows; no group is on both sides."""
    corpus = load_corpus() if corpus is None else corpus
    own = load_own_voice() if own is None else own
    held = holdout_groups(corpus)
    return Split(
        train=[r for r in corpus if r.group not in held] + own,
        holdout=[r for r in corpus if r.group in held],
    )
