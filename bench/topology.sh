#!/usr/bin/env bash
# The order journey in the monolith and with every module in a process of its own, in one
# run: orders/s, p50/p99, paid->ticket p99 for each and the ratio split/monolith.
#
#   bench/topology.sh                      # 16 clients, 10 s per topology
#   WORKERS=32 DURATION=30 bench/topology.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --bin brigade
if ! (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then
  echo "NATS with JetStream must listen on 127.0.0.1:4222 (nats-server -js)" >&2
  exit 1
fi
python3 bench/topology.py target/release/brigade
