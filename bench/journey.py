"""Orders placed and paid per second, p99, and paid->ticket latency, against one database.

Usage: journey.py BINARY DATABASE_URL. Starts Brigade on DATABASE_URL with the demo menu,
runs WORKERS client threads for DURATION seconds (each: place an order, pay it), then reads
paid->ticket latency from the modules' own timestamps, and measures single-row insert
throughput of the same database (one row per transaction, same durability settings) with
the same number of clients. Prints one line of figures per measure.
"""

import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from http_client import Client as HttpClient, percentile, place_and_pay, server_env, start_demo

BIN, URL = sys.argv[1], sys.argv[2]
PORT = int(os.environ.get("PORT", "18710"))
WORKERS = int(os.environ.get("WORKERS", "16"))
DURATION = float(os.environ.get("DURATION", "10"))
PASSWORD = "bench-journey-passphrase"
ENV = server_env(URL)


def Client():
    return HttpClient(PORT)


def journeys():
    server = start_demo(BIN, PORT, ENV)
    try:
        c = Client()
        rate, latencies, errors, elapsed, cpu = place_and_pay(PORT, WORKERS, DURATION, PASSWORD,
                                                              [server.pid])
        time.sleep(2)  # let the last tickets be created
        print(f"journeys: {len(latencies) / elapsed:8.1f} orders placed+paid/s  "
              f"p50 {percentile(latencies, .5) * 1000:6.1f} ms  "
              f"p99 {percentile(latencies, .99) * 1000:6.1f} ms  errors {errors}  "
              f"({WORKERS} clients, {elapsed:.0f} s)")
        print(f"  {cpu}")
        http_inserts(tokens_for_staff(c))
        return rate
    finally:
        server.terminate()
        server.wait()


def tokens_for_staff(c):
    email = f"staff-{time.time_ns()}@example.com"
    subprocess.run([BIN, "users", "add", "--email", email, "--role", "staff"], input=PASSWORD.encode(),
                   env=ENV, check=True, capture_output=True)
    return c.call("POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})[1]["access_token"]


def http_inserts(staff):
    """One row per request through the same HTTP stack: creating a menu category."""
    done, lock = [0], threading.Lock()
    deadline = time.time() + 5

    def work(n):
        client, i = Client(), 0
        while time.time() < deadline:
            i += 1
            s, _ = client.call("POST", "/v1/catalog/categories", staff,
                               {"name": f"c-{n}-{i}-{time.time_ns()}"})
            if s == 201:
                with lock:
                    done[0] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = done[0] / (time.time() - began)
    print(f"single-row inserts over HTTP: {rate:8.1f} creates/s (POST /v1/catalog/categories)")
    HTTP_INSERTS[0] = rate


HTTP_INSERTS = [float("nan")]


def sql(query):
    if URL.startswith("sqlite://"):
        db = sqlite3.connect(URL[len("sqlite://"):])
        return db.execute(query).fetchall()
    out = subprocess.run(["psql", "-qAtF", "|", URL,
                          "-c", query], capture_output=True, text=True, check=True).stdout
    return [tuple(line.split("|")) for line in out.splitlines() if line]


def ticket_latency():
    # Benchmark-only read across two modules' tables: the product never does this.
    rows = sql("SELECT p.updated_at, t.created_at FROM payments_payments p "
               "JOIN kitchen_tickets t ON t.order_id = p.order_id WHERE p.status = 'captured'")
    def ts(v):
        from datetime import datetime
        return datetime.fromisoformat(str(v).replace(" ", "T")[:26]).timestamp()
    gaps = [max(0.0, ts(t) - ts(p)) for p, t in rows]
    print(f"paid->ticket: p50 {percentile(gaps, .5) * 1000:6.1f} ms  "
          f"p99 {percentile(gaps, .99) * 1000:6.1f} ms  over {len(gaps)} orders")


def single_row_inserts():
    if URL.startswith("sqlite://"):
        path = URL[len("sqlite://"):] + ".inserts"
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE IF NOT EXISTS bench_rows (id TEXT PRIMARY KEY, body TEXT)")
        n, deadline, start = 0, time.time() + 5, time.time()
        while time.time() < deadline:  # SQLite has one writer: more clients only queue
            db.execute("INSERT INTO bench_rows VALUES (?, ?)", (f"r{n}", "x" * 200))
            n += 1
        rate = n / (time.time() - start)
    else:
        sql("CREATE TABLE IF NOT EXISTS bench_rows (id BIGSERIAL PRIMARY KEY, body TEXT)")
        script = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
        script.write("INSERT INTO bench_rows (body) VALUES (repeat('x', 200));\n")
        script.close()
        out = subprocess.run(["pgbench", "-n", "-c", str(WORKERS), "-j", "2", "-T", "5",
                              "-f", script.name, URL],
                             capture_output=True, text=True, check=True).stdout
        rate = float(next(l for l in out.splitlines() if l.startswith("tps")).split()[2])
    print(f"single-row inserts: {rate:8.1f} rows/s (one row per transaction)")
    return rate


if __name__ == "__main__":
    rate = journeys()
    ticket_latency()
    inserts = single_row_inserts()
    print(f"ratio: {rate / inserts:.2f}x of raw inserts, {rate / HTTP_INSERTS[0]:.2f}x of HTTP "
          f"single-row creates (target >= 0.5x)")
