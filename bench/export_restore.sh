#!/usr/bin/env bash
# Export a generated network (bench/generate.py) as JSON and restore it into a fresh
# AMITY_HOME, with wall time, CPU time and peak memory of each step.
#
#   bash bench/export_restore.sh BENCH_HOME WORK_DIR   (user "bench")
set -euo pipefail
unset PYTHONDONTWRITEBYTECODE
A="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/amity"
SOURCE="$1"
WORK="$2"
mkdir -p "$WORK"
AMITY_HOME="$SOURCE" /usr/bin/time -f "export wall %e s cpu %U+%S s maxrss %M KB" \
  "$A" export --user bench --format json --output "$WORK/bench.json" --json
ls -la "$WORK/bench.json"
export AMITY_HOME="$WORK/home"
rm -rf "$AMITY_HOME"
echo | "$A" user create bench >/dev/null
/usr/bin/time -f "restore wall %e s cpu %U+%S s maxrss %M KB" \
  "$A" restore --user bench --json "$WORK/bench.json"
