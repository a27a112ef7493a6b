"""Time the first "Who would care?" after `amity demo`, with profiles embedded in the background.

    python bench/share_first_use.py            # a fresh AMITY_HOME in /tmp, removed after
    python bench/share_first_use.py --database-url postgresql://.../EMPTY_DB

Steps, each in its own process as a user would run them:

1. `amity user create` and `amity demo --no-embed` (the demo enqueues one prepare_share
   task; plain `amity demo` embeds at once, which step 3 times);
2. Share while that task still waits: the answer comes from the profiles ready so
   far (none) and says how many are being prepared; it must not embed inline;
3. the worker (`amity worker --once`) embeds the 340 profiles;
4. `amity serve`'s start, in one process: its worker runs the queued preparation
   (text model and Share's matrices loaded), then the first Share is timed, then a
   second one;
5. for comparison, the first Share in a cold process that did not prepare (a
   separate `amity worker` process did the embedding).

Prints a machine reference (a fixed pure-Python loop), the load average and each time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import backend

# The same reference loop as the other benches, so the numbers compare across files.
from backend import machine_reference

REPO = Path(__file__).resolve().parents[1]
TEXT = "A new study on carbon capture in cement production, and what it means for builders"

STEP = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")
import django
django.setup()
from django.contrib.auth import get_user_model
from amity.network import services, tasks
from amity.core.schedule import run_pending_tasks
owner = get_user_model().objects.get(username="ada")
mode, text = sys.argv[1], sys.argv[2]
out = {}
if mode == "serve":
    started = time.perf_counter()
    tasks.prepare_everyone()
    run_pending_tasks()
    out["prepare_s"] = round(time.perf_counter() - started, 2)
inline = 0 if tasks.preparing(owner) else None
out["preparing"] = inline == 0
for name in ("first_s", "second_s"):
    started = time.perf_counter()
    result = services.share(owner=owner, text=text, limit=5, inline_limit=inline)
    out[name] = round(time.perf_counter() - started, 2)
    out["pending"] = result.pending
    out["matches"] = [m.person.full_name for m in result.matches]
print(json.dumps(out))
"""


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    """Run a command; return its wall time and stdout."""
    started = time.perf_counter()
    done = subprocess.run(args, env=env, check=True, capture_output=True, text=True, cwd=REPO)
    return time.perf_counter() - started, done.stdout


def share_step(env: dict[str, str], mode: str) -> dict[str, object]:
    """Run the Share step in a fresh process; return what it measured."""
    _, out = run(env, sys.executable, "-c", STEP, mode, TEXT)
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    """Run every step on a fresh home (and, with --database-url, an empty database)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty PostgreSQL database (default: SQLite in the fresh home)",
    )
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="amity-share-first-"))
    base = {k: v for k, v in os.environ.items() if k != "AMITY_DATABASE_URL"}
    env = {**base, **backend.environment(home, args.database_url), "AMITY_TEXT_MODEL": "model"}
    amity = str(Path(sys.executable).with_name("amity"))
    print(f"machine reference: {machine_reference():.3f} s; load average {os.getloadavg()[0]:.1f}")
    try:
        run(env, amity, "user", "create", "ada")
        seconds, out = run(env, amity, "demo", "--user", "ada", "--no-embed")
        print(f"amity demo: {seconds:.1f} s wall\n  {out.strip()}")
        waiting = share_step(env, "plain")
        print(f"Share while the worker has not run yet: {waiting}")
        seconds, _ = run(env, amity, "worker", "--once")
        print(f"amity worker --once (embeds the demo's profiles): {seconds:.1f} s wall")
        print(f"as `amity serve` (worker prepares at start): {share_step(env, 'serve')}")
        print(f"cold process, no preparation: {share_step(env, 'plain')}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
