#!/usr/bin/env bash
# The order journey under load, on SQLite and on PostgreSQL, against each database's own
# single-row insert throughput in the same run. Prints orders placed+paid per second with
# p50/p99, paid->ticket latency, and the ratio (target >= 0.5x).
#
#   bench/journey.sh                       # 16 customers on wrk, 10 s per database
#   WORKERS=32 DURATION=30 bench/journey.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
exec "$(dirname "$0")/on_both_databases.sh" bench/journey.py
