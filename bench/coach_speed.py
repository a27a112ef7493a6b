"""Time the coach per message after start-up, with and without the sentence embedding.

    .venv/bin/python bench/coach_speed.py [--messages 200]

Reads real messages from training/corpus/messages.jsonl, reviews one to load the
models, then times `amity.domain.coach.review` on each: mean, 95th percentile and
the slowest, in milliseconds, for the features-only path and the full model.
Touches no database, so it takes no --database-url.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    """Print per-message timings of the coach."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args(argv)
    from amity.domain import coach

    lines = (REPO / "training" / "corpus" / "messages.jsonl").read_text("utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()][: args.messages]
    started = time.perf_counter()
    coach.review("warm up", use_embeddings=coach.embedding_available())
    print(f"start-up (models loaded): {time.perf_counter() - started:.2f} s")
    for use in (False, True):
        if use and not coach.embedding_available():
            print("text model not installed: full model skipped")
            continue
        times = []
        for text in texts:
            clock = time.perf_counter()
            coach.review(text, use_embeddings=use)
            times.append((time.perf_counter() - clock) * 1000)
        times.sort()
        mean = sum(times) / len(times)
        p95 = times[int(0.95 * (len(times) - 1))]
        name = "with the sentence embedding" if use else "features only"
        print(
            f"{name:28s} mean {mean:5.1f} ms  p95 {p95:5.1f} ms  max {times[-1]:5.1f} ms "
            f"({len(times)} messages, mean {sum(len(t.split()) for t in texts) / len(texts):.0f}"
            " words)"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
