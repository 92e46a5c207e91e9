#!/usr/bin/env bash
# What the gateway costs: the same API-key-authenticated endpoint (GET /v1/orders) with the
# full gateway — key authentication, rate limiting (memory), access log — versus with rate
# limits and the access log off, in one run on one database. Target: at most 15% fewer
# requests/s.
#
#   bench/gateway.sh            # 10 s per run, 64 connections
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
PORT="${PORT:-18720}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

cargo build --release --locked --bin brigade
WORK="$(mktemp -d)"
export DATABASE_URL="sqlite://$WORK/brigade.db" BRIGADE_AUTH__JWT_SECRET="bench-gateway-secret-bench-gateway"
# A plan high enough that nothing is refused: we measure the cost of counting, not refusals.
export BRIGADE_RATE_LIMIT__PLANS__BENCH__PER_SECOND=1000000 BRIGADE_RATE_LIMIT__PLANS__BENCH__PER_MINUTE=60000000
# ...and a monthly quota, so every call also checks the month's count (metered usage).
export BRIGADE_RATE_LIMIT__PLANS__BENCH__MONTHLY_QUOTA=1000000000000
export BRIGADE_RATE_LIMIT__USER_PLAN=bench
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT

start() {
  ./target/release/brigade serve --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

B="http://127.0.0.1:$PORT"
RUST_LOG=info start
curl -fsS -X POST "$B/v1/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-gateway-passphrase","name":"Bench"}' >/dev/null
TOKEN=$(curl -fsS -X POST "$B/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-gateway-passphrase"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
KEY=$(curl -fsS -X POST "$B/v1/api-keys" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["orders:read"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')

run() {
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "X-API-Key: $KEY" "$B/v1/orders" |
    awk -v label="$1" '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
      END {printf "%-34s %10.0f req/s  p50 %s  p99 %s  non-2xx %s\n", label, rps, p50, p99, (bad==""?0:bad); print rps > "'"$WORK"'/" label}'
}
run full
stop
RUST_LOG=warn BRIGADE_RATE_LIMIT__ENABLED=false start
run bare
stop
python3 -c "f,b=$(cat "$WORK/full"),$(cat "$WORK/bare"); print(f'gateway cost: {100*(1-f/b):.1f}% of throughput (target <= 15%)')"
