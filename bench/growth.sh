#!/usr/bin/env bash
# Cost as data grows, on SQLite and on PostgreSQL: p50/p99 of the staff's filtered order
# list, a station's queued tickets, one order and order placement, on a database with a few
# orders and on one with ORDERS (default 1,000,000) and everything that came with them.
# Target: p99 within 2x. Takes a few minutes per database.
#
#   bench/growth.sh
#   ORDERS=100000 DURATION=5s bench/growth.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
exec "$(dirname "$0")/on_both_databases.sh" bench/growth.py
