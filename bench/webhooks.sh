#!/usr/bin/env bash
# Webhook deliveries to one endpoint whose receiver answers in 150 ms, on SQLite and on
# PostgreSQL: deliveries per second while a backlog drains, and the most held at once
# (target >= 200/s; webhooks.max_in_flight_per_endpoint bounds the concurrency).
#
#   bench/webhooks.sh                       # 16 clients making events for 5 s
#   RECEIVER_MS=500 bench/webhooks.sh
exec "$(dirname "$0")/on_both_databases.sh" bench/webhooks.py
