"""The order journey in both topologies, in one run: the monolith, then every module in a
process of its own (each on its own SQLite database, events over NATS JetStream, calls over
HTTP with internal tokens) behind an edge. Prints orders placed+paid per second with p50/p99
and paid->ticket p99 for each, and the ratio split/monolith.

Usage: topology.py BINARY. WORKERS client threads (default 16) for DURATION seconds (10).
NATS with JetStream must listen on NATS_URL (nats://127.0.0.1:4222).
"""

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime

from http_client import Client as HttpClient, percentile, place_and_pay

BIN = sys.argv[1]
WORKERS = int(os.environ.get("WORKERS", "16"))
DURATION = float(os.environ.get("DURATION", "10"))
EDGE_PORT = int(os.environ.get("PORT", "18720"))
PASSWORD = "bench-topology-passphrase"
MODULES = ["identity", "catalog", "ordering", "payments", "kitchen", "delivery", "governance", "webhooks"]
BASE_ENV = dict(os.environ, RUST_LOG="warn", BRIGADE_RATE_LIMIT__ENABLED="false",
                BRIGADE_AUTH__JWT_SECRET="bench-secret-bench-secret-bench-secret",
                BRIGADE_ORDERING__MAX_OPEN_UNPAID="1000000")


def Client(port=EDGE_PORT):
    return HttpClient(port)


def wait_for(port, path, ok):
    for _ in range(200):
        try:
            if Client(port).call("GET", path)[0] in ok:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"nothing answered on port {port}")


def start(args, env, log):
    return subprocess.Popen([BIN, *args], env=env, stdout=log, stderr=log)


def monolith(work):
    env = dict(BASE_ENV, DATABASE_URL=f"sqlite://{work}/brigade.db")
    procs = [start(["serve", "--demo", "--bind", f"127.0.0.1:{EDGE_PORT}"], env, open(f"{work}/mono.log", "w"))]
    wait_for(EDGE_PORT, "/readyz", {200})
    return procs, (f"{work}/brigade.db", f"{work}/brigade.db")


def split(work):
    out = subprocess.run([BIN, "internal-key", "--id", "bench"], capture_output=True, check=True).stdout.decode()
    values = dict(l.split(" = ", 1) for l in out.splitlines() if " = " in l)
    env = dict(BASE_ENV,
               BRIGADE_EVENTS__TRANSPORT="jetstream",
               BRIGADE_EVENTS__NATS_URL=os.environ.get("NATS_URL", "nats://127.0.0.1:4222"),
               BRIGADE_EVENTS__STREAM_PREFIX=f"bench{os.getpid()}",
               BRIGADE_EVENTS__STREAM_STORAGE="memory",
               BRIGADE_INTERNAL__KEY_ID="bench",
               BRIGADE_INTERNAL__SIGNING_KEY=values["signing_key"].split("#")[0].strip().strip('"'),
               BRIGADE_INTERNAL__TRUSTED_KEYS__BENCH=values["bench"].strip().strip('"'))
    ports = {m: EDGE_PORT + 1 + i for i, m in enumerate(MODULES)}
    for m, port in ports.items():
        env[f"BRIGADE_TOPOLOGY__REMOTE__{m.upper()}__URL"] = f"http://127.0.0.1:{port}"
    procs = []
    for m, port in ports.items():
        procs.append(start(["serve", "--modules", m, "--internal-bind", f"127.0.0.1:{port}"],
                           dict(env, DATABASE_URL=f"sqlite://{work}/{m}.db", BRIGADE_TOPOLOGY__EDGE="false"),
                           open(f"{work}/{m}.log", "w")))
    for port in ports.values():
        wait_for(port, "/", {404})
    procs.append(start(["serve", "--demo", "--bind", f"127.0.0.1:{EDGE_PORT}"],
                       dict(env, DATABASE_URL=f"sqlite://{work}/edge.db"), open(f"{work}/edge.log", "w")))
    wait_for(EDGE_PORT, "/readyz", {200})
    return procs, (f"{work}/payments.db", f"{work}/kitchen.db")


def paid_to_ticket(payments_db, kitchen_db, expected):
    # Benchmark-only reads of two modules' tables (two files when split): the product never does.
    def ts(v):
        return datetime.fromisoformat(str(v).replace(" ", "T")[:26]).timestamp()
    deadline = time.time() + 30
    while True:
        paid = dict(sqlite3.connect(payments_db).execute(
            "SELECT order_id, updated_at FROM payments_payments WHERE status = 'captured'").fetchall())
        made = dict(sqlite3.connect(kitchen_db).execute("SELECT order_id, created_at FROM kitchen_tickets").fetchall())
        if len(made) >= expected or time.time() > deadline:
            break
        time.sleep(0.5)
    return [max(0.0, ts(made[o]) - ts(p)) for o, p in paid.items() if o in made], len(paid) - len(made)


def run(name, topology):
    work = tempfile.mkdtemp()
    procs, (payments_db, kitchen_db) = topology(work)
    try:
        rate, latencies, errors, _, cpu = place_and_pay(EDGE_PORT, WORKERS, DURATION, PASSWORD,
                                                        [p.pid for p in procs])
        gaps, missing = paid_to_ticket(payments_db, kitchen_db, len(latencies))
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait()
    print(f"{name:9} {rate:8.1f} orders placed+paid/s  p50 {percentile(latencies, .5) * 1000:6.1f} ms  "
          f"p99 {percentile(latencies, .99) * 1000:6.1f} ms  paid->ticket p50 {percentile(gaps, .5) * 1000:6.1f} ms "
          f"p99 {percentile(gaps, .99) * 1000:6.1f} ms  "
          f"errors {errors}  tickets missing {missing}  ({WORKERS} clients, {DURATION:.0f} s)")
    print(f"{'':9} {cpu}")
    return rate, percentile(latencies, .99), percentile(gaps, .99)


if __name__ == "__main__":
    print(f"== the order journey on SQLite (synchronous=full), {os.cpu_count()} cores")
    mono = run("monolith", monolith)
    apart = run("split", split)
    print(f"ratio split/monolith: throughput {apart[0] / mono[0]:.2f}x, journey p99 {apart[1] / mono[1]:.2f}x, "
          f"paid->ticket p99 {apart[2] / mono[2]:.2f}x")
