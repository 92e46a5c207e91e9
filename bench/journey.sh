#!/usr/bin/env bash
# The order journey under load, on SQLite and on PostgreSQL, against each database's own
# single-row insert throughput in the same run. Prints orders placed+paid per second with
# p50/p99, paid->ticket latency, and the ratio (target >= 0.5x).
#
#   bench/journey.sh                       # 16 clients, 10 s per database
#   WORKERS=32 DURATION=30 bench/journey.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --bin brigade
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== SQLite (synchronous=full)"
python3 bench/journey.py target/release/brigade "sqlite://$WORK/brigade.db"

PG="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "== PostgreSQL"
  psql -q "$PG" -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS bench_journey CASCADE" -c "CREATE SCHEMA bench_journey"
  python3 bench/journey.py target/release/brigade "$PG?options=-csearch_path%3Dbench_journey"
  psql -q "$PG" -c "SET client_min_messages = warning" -c "DROP SCHEMA bench_journey CASCADE"
fi
