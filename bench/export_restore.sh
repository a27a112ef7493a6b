#!/usr/bin/env bash
# Export a generated network (bench/generate.py) as JSON and restore it into a fresh
# AMITY_HOME, with wall time, CPU time and peak memory of each step.
#
#   bash bench/export_restore.sh BENCH_HOME WORK_DIR   (user "bench")
#   bash bench/export_restore.sh BENCH_HOME WORK_DIR --database-url postgresql://.../SOURCE \
#       --restore-database-url postgresql://.../EMPTY_DB
#
# With --database-url the network is read from that PostgreSQL database (BENCH_HOME
# holds its other files); with --restore-database-url the restore goes into that empty
# database instead of SQLite in WORK_DIR/home.
set -euo pipefail
unset PYTHONDONTWRITEBYTECODE
A="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/amity"
SOURCE="$1"
WORK="$2"
shift 2
SOURCE_URL=""
TARGET_URL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --database-url) SOURCE_URL="$2"; shift 2 ;;
    --restore-database-url) TARGET_URL="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
unset AMITY_DATABASE_URL
mkdir -p "$WORK"
AMITY_HOME="$SOURCE" AMITY_DATABASE_URL="$SOURCE_URL" \
  /usr/bin/time -f "export wall %e s cpu %U+%S s maxrss %M KB" \
  "$A" export --user bench --format json --output "$WORK/bench.json" --json
ls -la "$WORK/bench.json"
export AMITY_HOME="$WORK/home"
rm -rf "$AMITY_HOME"
if [ -n "$TARGET_URL" ]; then export AMITY_DATABASE_URL="$TARGET_URL"; fi
echo | "$A" user create bench >/dev/null
/usr/bin/time -f "restore wall %e s cpu %U+%S s maxrss %M KB" \
  "$A" restore --user bench --json "$WORK/bench.json"
