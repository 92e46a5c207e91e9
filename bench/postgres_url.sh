# Sourced by the bench scripts: the PostgreSQL they measure, unless BENCH_DATABASE_URL names
# one. The local server through its Unix socket when it has one: over TCP, even on this
# host, each round trip also crosses the kernel's TCP stack on both ends, and on 2026-12-07
# that cost the journey 12–23 % of its orders and put paid→ticket's p99 over 50 ms (see
# docs/performance.md). Otherwise TCP without TLS, which would only measure the encryption
# of every round trip.
bench_postgres_url() {
  if [ -n "${BENCH_DATABASE_URL:-}" ]; then
    echo "$BENCH_DATABASE_URL"
  elif [ -S /var/run/postgresql/.s.PGSQL.5432 ]; then
    echo "postgres://postgres@/test?host=/var/run/postgresql"
  else
    echo "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
  fi
}
