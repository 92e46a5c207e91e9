#!/usr/bin/env bash
# Throughput of the public menu against a bare health check, in the same run, on SQLite with
# the demo menu. Prints requests/s, p50/p99 latency and the server's RSS for each.
# Target: GET /v1/menu at least 0.5x the requests/s of GET /healthz.
#
#   bench/menu.sh            # 10 s per endpoint, 64 connections
#   DURATION=30s CONNECTIONS=128 bench/menu.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18700}"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian)" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

cargo build --release --locked --bin brigade
WORK="$(mktemp -d)"
RUST_LOG=warn BRIGADE_RATE_LIMIT__ENABLED=false DATABASE_URL="sqlite://$WORK/brigade.db" \
  ./target/release/brigade serve --demo --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }

run() {
  local path=$1
  # Warm-up, so the menu cache and connection pools are hot for the measured run.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PORT$path" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$path" >"$WORK/wrk.txt"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
  errors=$(awk '/Non-2xx or 3xx/ {print $5}' "$WORK/wrk.txt")
  printf '%-10s %12s %10s %10s %10s %8s\n' "$path" "$rps" "$p50" "$p99" "$(rss_kib)" "${errors:-0}"
  echo "$rps" >"$WORK/rps$(echo "$path" | tr '/' '_')"
}

echo "brigade $(./target/release/brigade --version | awk '{print $2}') on SQLite, demo menu ($(curl -s "http://127.0.0.1:$PORT/v1/menu" | wc -c) bytes)"
echo "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION per endpoint, $(nproc) cores shared with the server"
printf '%-10s %12s %10s %10s %10s %8s\n' endpoint "requests/s" p50 p99 "RSS KiB" non-2xx
run /healthz
run /v1/menu
healthz=$(cat "$WORK/rps_healthz")
menu=$(cat "$WORK/rps_v1_menu")
python3 - "$menu" "$healthz" <<'PY'
import sys
menu, healthz = map(float, sys.argv[1:])
ratio = menu / healthz
print(f"menu/healthz throughput: {ratio:.2f}x (target >= 0.50x) {'OK' if ratio >= 0.5 else 'BELOW TARGET'}")
PY
echo "peak RSS: $(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status") KiB"
