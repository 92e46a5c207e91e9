#!/usr/bin/env bash
# Runs a Python benchmark against the release binary on SQLite (a fresh file) and, when
# PostgreSQL answers, on PostgreSQL (a fresh schema, dropped afterwards).
#
#   bench/on_both_databases.sh bench/journey.py
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT=$1
SCHEMA="bench_$(basename "$SCRIPT" .py)"

cargo build --release --locked --bin brigade
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== SQLite (synchronous=full)"
python3 "$SCRIPT" target/release/brigade "sqlite://$WORK/brigade.db"

. bench/postgres_url.sh
PG="$(bench_postgres_url)"
case "$PG" in *\?*) AND='&' ;; *) AND='?' ;; esac
if pg_isready -q -d "$PG"; then
  echo "== PostgreSQL"
  psql -q "$PG" -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA"
  python3 "$SCRIPT" target/release/brigade "$PG${AND}options=-csearch_path%3D$SCHEMA"
  psql -q "$PG" -c "SET client_min_messages = warning" -c "DROP SCHEMA $SCHEMA CASCADE"
fi
