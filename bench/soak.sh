#!/usr/bin/env bash
# Memory over five minutes of mixed traffic (reads with wrk, orders placed and paid), on
# SQLite and on PostgreSQL: RSS per minute, the peak and the growth. Targets: peak <= 64 MiB,
# last minute within 5 % of the third (the first two fill bounded caches).
#
#   bench/soak.sh
#   SOAK_SECS=60 bench/soak.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
exec "$(dirname "$0")/on_both_databases.sh" bench/soak.py
