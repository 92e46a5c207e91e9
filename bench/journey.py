"""Orders placed and paid per second, p99, and paid->ticket latency, against one database.

Usage: journey.py BINARY DATABASE_URL. Starts Brigade on DATABASE_URL with the demo menu,
has wrk (bench/journey.lua) play WORKERS customers for DURATION seconds (each: place an
order, pay it, again), then reads paid->ticket latency from the modules' own timestamps, and
measures single-row insert throughput of the same database (one row per transaction, same
durability settings). Prints one line of figures per measure, with the CPU wrk and Brigade
used (the load generator must not eat the CPU it measures).
"""

import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from http_client import (Client as HttpClient, busiest_threads, cpu_seconds, cpu_share, customers,
                         peak_rss_verdict, percentile, rss_kib, server_env, start_demo,
                         thread_cpu_seconds)

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
        rate, orders, before = wrk_journeys(c, server.pid)
        time.sleep(2)  # let the last tickets be created
        c = Client()  # the first idled through wrk's run, maybe past the server's keep-alive
        per_order(db_counters(c), before, orders)
        group_commits(c)
        http_inserts(tokens_for_staff(c))
        print(peak_rss_verdict(rss_kib(server.pid, "VmHWM")))
        return rate
    finally:
        server.terminate()
        server.wait()


def wrk_journeys(c, server_pid):
    """WORKERS customers on one connection each, through wrk; returns orders placed+paid/s."""
    item, tokens = customers(c, WORKERS, PASSWORD)
    env = dict(os.environ, JOURNEY_TOKENS=",".join(tokens), JOURNEY_ITEM=item["id"],
               JOURNEY_RUN=str(time.time_ns()))
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "journey.lua")
    counters = db_counters(c)
    before = cpu_seconds([server_pid])
    threads_before = thread_cpu_seconds(server_pid)
    wrk = subprocess.Popen(["wrk", f"-t{WORKERS}", f"-c{WORKERS}", f"-d{DURATION:.0f}s", "--latency",
                            "-s", script, f"http://127.0.0.1:{PORT}"],
                           env=env, stdout=subprocess.PIPE, text=True)
    wrk_cpu = 0.0
    while wrk.poll() is None:  # wrk's own CPU, read while it still runs
        wrk_cpu = cpu_seconds([wrk.pid])[1] or wrk_cpu
        time.sleep(0.2)
    out = wrk.stdout.read()
    after = cpu_seconds([server_pid])
    threads_after = thread_cpu_seconds(server_pid)
    line = next(l for l in out.splitlines() if l.startswith("JOURNEYS "))
    paid, failed, elapsed, p50, p99 = line.split()[1:]
    paid, elapsed = int(paid), float(elapsed)
    print(f"journeys: {paid / elapsed:8.1f} orders placed+paid/s  requests p50 {float(p50):6.1f} ms  "
          f"p99 {float(p99):6.1f} ms  errors {failed}  ({WORKERS} customers on wrk, {elapsed:.0f} s)")
    print(f"  {cpu_share((0.0, before[1]), (wrk_cpu, after[1]), elapsed).replace('load generator', 'wrk')}")
    print(f"  {busiest_threads(threads_before, threads_after, elapsed)}")
    return paid / elapsed, paid, counters


def db_counters(c):
    """Brigade's own database counters (`brigade_db_*` in /metrics), by name."""
    c.conn.request("GET", "/metrics")
    text = c.conn.getresponse().read().decode()
    return {l.split()[0]: float(l.split()[1]) for l in text.splitlines()
            if l.startswith("brigade_db_")}


def per_order(after, before, orders):
    """Database work per order placed and paid, everything included (consumers, dispatch)."""
    if not orders:
        return
    delta = {k: after[k] - before.get(k, 0.0) for k in after}
    reads, writes = delta.get("brigade_db_reads_total", 0), delta.get("brigade_db_writes_total", 0)
    print(f"  per order: {reads / orders:.1f} database reads, {writes / orders:.1f} write transactions")


def group_commits(c):
    """SQLite only: how many write units shared each commit, from Brigade's own counters."""
    if not URL.startswith("sqlite://"):
        return
    metrics = c.conn
    metrics.request("GET", "/metrics")
    text = metrics.getresponse().read().decode()
    values = {l.split()[0]: float(l.split()[1]) for l in text.splitlines()
              if l.startswith("brigade_db_write_")}
    commits, units = values.get("brigade_db_write_commits_total"), values.get("brigade_db_write_units_total")
    if commits:
        print(f"  group commit: {units:.0f} write units in {commits:.0f} commits "
              f"({units / commits:.1f} per commit)")


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
    # Benchmark-only read across three modules' tables: the product never does this. The
    # journey from a capture to its ticket takes two hops through outboxes: payments ->
    # ordering (the order is paid, ordering's record of the charge is written) and ordering ->
    # kitchen (the ticket); each hop is printed too, to say where the time goes.
    rows = sql("SELECT p.updated_at, o.updated_at, t.created_at FROM payments_payments p "
               "JOIN ordering_payments o ON o.payment_id = p.id "
               "JOIN kitchen_tickets t ON t.order_id = p.order_id WHERE p.status = 'captured'")
    def ts(v):
        from datetime import datetime
        return datetime.fromisoformat(str(v).replace(" ", "T")[:26]).timestamp()
    def line(label, gaps):
        return (f"{label}: p50 {percentile(gaps, .5) * 1000:6.1f} ms  "
                f"p99 {percentile(gaps, .99) * 1000:6.1f} ms")
    captured, paid, ticket = ([ts(r[i]) for r in rows] for i in range(3))
    gaps = [max(0.0, t - p) for p, t in zip(captured, ticket)]
    first = [max(0.0, o - p) for p, o in zip(captured, paid)]
    second = [max(0.0, t - o) for o, t in zip(paid, ticket)]
    print(f"{line('paid->ticket', gaps)}  over {len(gaps)} orders "
          f"({line('payments->ordering', first)}; {line('ordering->kitchen', second)})")


def single_row_inserts():
    if URL.startswith("sqlite://"):
        path = URL[len("sqlite://"):] + ".inserts"
        # The same pages as Brigade's database (Brigade creates its own with smaller ones).
        page_size = int(sql("PRAGMA page_size")[0][0])
        pages = f", {page_size}-byte pages"
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA page_size={page_size}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE IF NOT EXISTS bench_rows (id TEXT PRIMARY KEY, body TEXT)")
        n, deadline, start = 0, time.time() + 5, time.time()
        while time.time() < deadline:  # SQLite has one writer: more clients only queue
            db.execute("INSERT INTO bench_rows VALUES (?, ?)", (f"r{n}", "x" * 200))
            n += 1
        rate = n / (time.time() - start)
    else:
        pages = ""
        sql("CREATE TABLE IF NOT EXISTS bench_rows (id BIGSERIAL PRIMARY KEY, body TEXT)")
        script = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
        script.write("INSERT INTO bench_rows (body) VALUES (repeat('x', 200));\n")
        script.close()
        out = subprocess.run(["pgbench", "-n", "-c", str(WORKERS), "-j", "2", "-T", "5",
                              "-f", script.name, URL],
                             capture_output=True, text=True, check=True).stdout
        rate = float(next(l for l in out.splitlines() if l.startswith("tps")).split()[2])
    print(f"single-row inserts: {rate:8.1f} rows/s (one row per transaction{pages})")
    return rate


if __name__ == "__main__":
    rate = journeys()
    ticket_latency()
    inserts = single_row_inserts()
    print(f"ratio: {rate / inserts:.2f}x of raw inserts, {rate / HTTP_INSERTS[0]:.2f}x of HTTP "
          f"single-row creates (target >= 0.5x)")
