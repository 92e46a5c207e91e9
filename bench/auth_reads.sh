#!/usr/bin/env bash
# Authenticated reads against the public menu, in one run on one server (demo menu, rate
# limits on with a plan high enough that nothing is refused, access log on): GET /v1/me and
# GET /v1/orders/{id} with a bearer token, GET /v1/orders with an API key. Prints requests/s,
# p50/p99, each read's ratio to the menu (target >= 0.5x), wrk's and Brigade's CPU share.
# Requests take turns among CUSTOMERS customers (default 16), each with their own token, key
# and orders, so that a read shared by concurrent callers reads several rows, not one
# (bench/auth_reads.lua; CUSTOMERS=1 is the single caller of the figures before 2026-12-06).
#
# The endpoints take turns in rounds (menu, then each read, ROUNDS times): a ratio compares
# a read with the menu measured just before it, so a machine that slows down or speeds up
# during the run (a shared host does, by a third within a minute) moves both alike. Each
# round's ratio is printed, then their median.
#
#   bench/auth_reads.sh                          # SQLite, 3 rounds of 5 s per endpoint, 64 connections
#   DATABASE=postgres bench/auth_reads.sh        # PostgreSQL (BENCH_DATABASE_URL)
#   BIN=/tmp/old/brigade bench/auth_reads.sh      # another build, e.g. before a change
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-5s}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-64}"
CUSTOMERS="${CUSTOMERS:-16}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18730}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --bin brigade
  BIN=target/release/brigade
fi
WORK="$(mktemp -d)"
. bench/postgres_url.sh
PG="$(bench_postgres_url)"
case "$PG" in *\?*) AND='&' ;; *) AND='?' ;; esac
if [ "${DATABASE:-sqlite}" = postgres ]; then
  psql -q "$PG" -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS bench_auth CASCADE" -c "CREATE SCHEMA bench_auth"
  export DATABASE_URL="$PG${AND}options=-csearch_path%3Dbench_auth"
else
  export DATABASE_URL="sqlite://$WORK/brigade.db"
fi
export BRIGADE_AUTH__JWT_SECRET="bench-auth-reads-secret-bench-auth-reads"
export BRIGADE_RATE_LIMIT__PLANS__BENCH__PER_SECOND=1000000 BRIGADE_RATE_LIMIT__PLANS__BENCH__PER_MINUTE=60000000
export BRIGADE_RATE_LIMIT__ANONYMOUS_PLAN=bench BRIGADE_RATE_LIMIT__USER_PLAN=bench
RUST_LOG=warn "$BIN" serve --demo --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  [ "${DATABASE:-sqlite}" = postgres ] && psql -q "$PG" -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS bench_auth CASCADE"
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

B="http://127.0.0.1:$PORT"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
ITEM=$(curl -fsS "$B/v1/menu" | json '["categories"][0]["items"][0]["id"]')
# Each customer: a bearer token, an API key that reads orders, and three orders.
for n in $(seq 1 "$CUSTOMERS"); do
  curl -fsS -X POST "$B/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench$n@example.com\",\"password\":\"bench-auth-passphrase\",\"name\":\"Bench $n\"}" >/dev/null
  TOKEN=$(curl -fsS -X POST "$B/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench$n@example.com\",\"password\":\"bench-auth-passphrase\"}" | json '["access_token"]')
  KEY=$(curl -fsS -X POST "$B/v1/api-keys" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"bench","scopes":["orders:read"]}' | json '["secret"]')
  for _ in 1 2 3; do
    ORDER=$(curl -fsS -X POST "$B/v1/orders" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"lines\":[{\"item_id\":\"$ITEM\",\"quantity\":1}],\"fulfillment\":{\"type\":\"pickup\"}}" | json '["id"]')
  done
  echo "$TOKEN $KEY $ORDER" >>"$WORK/customers.txt"
done
export AUTH_READS_CUSTOMERS="$WORK/customers.txt"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)
CORES=$(nproc)

# run LABEL PATH [HEADER]: the measured run (after a warm-up in the first round); prints one
# row and keeps its round's req/s.
run() {
  local label=$1
  export AUTH_READS_PATH=$2 AUTH_READS_HEADER=${3:-X-Bench: none}
  local wrk=(wrk -t"$THREADS" -c"$CONNECTIONS" -s bench/auth_reads.lua)
  if [ "$ROUND" = 1 ]; then
    "${wrk[@]}" -d2s "$B" >/dev/null
  fi
  local server_before wall_before
  server_before=$(cpu_ticks "$SERVER")
  wall_before=$(date +%s.%N)
  "${wrk[@]}" -d"$DURATION" --latency "$B" >"$WORK/wrk.txt" &
  local wrk_pid=$! wrk_ticks=0
  while kill -0 "$wrk_pid" 2>/dev/null; do
    wrk_ticks=$(cpu_ticks "$wrk_pid" 2>/dev/null || echo "$wrk_ticks")
    sleep 0.5
  done
  wait "$wrk_pid"
  local elapsed server_ticks
  elapsed=$(python3 -c "import time; print(time.time() - $wall_before)")
  server_ticks=$(( $(cpu_ticks "$SERVER") - server_before ))
  awk -v label="$label" -v round="$ROUND" -v elapsed="$elapsed" -v st="$server_ticks" -v wt="$wrk_ticks" -v hz="$TICKS" -v cores="$CORES" '
    /^Requests\/sec/ {rps=$2} $1 == "50%" {p50=$2} $1 == "99%" {p99=$2} /Non-2xx/ {bad=$NF}
    END {
      printf "%-5s %-32s %10.0f %9s %9s %8s %9.0f%% %6.0f%%\n", round, label, rps, p50, p99, (bad==""?0:bad),
        100*st/hz/elapsed/cores, 100*wt/hz/elapsed/cores
    }' "$WORK/wrk.txt"
  printf '%s\t%s\t%s\n' "$ROUND" "$label" "$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")" >>"$WORK/rps.tsv"
}

echo "brigade $("$BIN" --version | awk '{print $2}') on ${DATABASE:-sqlite}, $CORES cores shared by wrk and the server"
echo "wrk: $THREADS threads, $CONNECTIONS connections, each request as the next of $CUSTOMERS customers; $ROUNDS rounds of $DURATION per endpoint"
printf '%-5s %-32s %10s %9s %9s %8s %10s %7s\n' round endpoint "requests/s" p50 p99 non-2xx "brigade" "wrk"
for ROUND in $(seq 1 "$ROUNDS"); do
  run "GET /v1/menu (anonymous)" /v1/menu
  run "GET /v1/me (bearer)" /v1/me "Authorization: Bearer {token}"
  run "GET /v1/orders/{id} (bearer)" "/v1/orders/{order}" "Authorization: Bearer {token}"
  run "GET /v1/orders (API key)" /v1/orders "X-API-Key: {key}"
done
python3 - "$WORK/rps.tsv" <<'PY'
import statistics, sys
rounds = {}
for line in open(sys.argv[1]):
    round_, label, value = line.rstrip("\n").split("\t")
    rounds.setdefault(round_, {})[label] = float(value)
menu = "GET /v1/menu (anonymous)"
labels = [label for label in next(iter(rounds.values())) if label != menu]
for label in labels:
    ratios = [r[label] / r[menu] for r in rounds.values()]
    median = statistics.median(ratios)
    each = " ".join(f"{ratio:.2f}" for ratio in ratios)
    verdict = "OK" if median >= 0.5 else "BELOW TARGET"
    print(f"{label:32} {median:5.2f}x the menu (median of {each}; target >= 0.50x) {verdict}")
PY
echo "peak RSS: $(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status") KiB"
