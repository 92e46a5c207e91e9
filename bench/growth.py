"""Cost as data grows: the same calls on a database holding a few orders and on one holding
ORDERS (default 1,000,000) orders with their lines, tickets, payments, events, inbox records,
idempotency records and usage rows. Prints p50/p99 of each call on both and the ratio
(target: p99 within 2x).

    python3 bench/growth.py BINARY DATABASE_URL     (bench/growth.sh runs it on both databases)

The history is made the way it would have been: real orders through the API (placed, paid,
cooked), which the generator then copies in the database itself — ids re-numbered, times
spread back over the past, keys made unique — so a million orders take a minute, not hours.
"""

import os
import re
import subprocess
import sys
import time
import urllib.parse

from http_client import Client, percentile, server_env, start_demo

PORT = int(os.environ.get("PORT", "18760"))
ORDERS = int(os.environ.get("ORDERS", "1000000"))
TEMPLATE = 20
LIVE = 3
DURATION = os.environ.get("DURATION", "8s")
CONNECTIONS = os.environ.get("CONNECTIONS", "4")
PASSWORD = "bench-growth-passphrase"
# What grows with orders. Everything else (users, menu, keys) stays as it is.
GROWING = ["ordering_orders", "ordering_lines", "ordering_payments", "ordering_outbox",
           "ordering_inbox", "kitchen_tickets", "kitchen_lines", "kitchen_outbox", "kitchen_inbox",
           "payments_payments", "payments_outbox", "payments_inbox", "payments_idempotency",
           "gateway_idempotency", "gateway_outbox", "governance_inbox", "governance_usage",
           "delivery_outbox", "delivery_inbox", "webhooks_outbox", "webhooks_inbox"]
# Seconds between copies (so a million orders span about a year); usage moves by hours.
STEP = {"governance_usage": 3600}
DEFAULT_STEP = 600
# A year of hourly usage at most.
MAX_COPIES = {"governance_usage": 24 * 365}
# Text columns outside primary keys that must stay unique (the Idempotency-Key an order kept).
UNIQUE = {"request_key"}
ID = re.compile(r"^([a-z]+_)[0-9a-f]{32}$")


class Database:
    def __init__(self, url):
        self.url = url
        self.sqlite = url.startswith("sqlite://")

    def query(self, sql):
        if self.sqlite:
            import sqlite3
            with sqlite3.connect(self.url[len("sqlite://"):]) as db:
                return [tuple("" if v is None else str(v) for v in row) for row in db.execute(sql)]
        out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                              self.url, "-c", sql], check=True, capture_output=True, text=True)
        return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]

    def execute(self, statements):
        if self.sqlite:
            import sqlite3
            db = sqlite3.connect(self.url[len("sqlite://"):])
            for sql in statements:
                db.execute(sql)
            db.commit()
            db.close()
            return
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.url, "-1"],
                       input=";\n".join(statements) + ";\n", check=True, text=True,
                       capture_output=True)

    def tables(self):
        if self.sqlite:
            return [r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [r[0] for r in self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")]

    def columns(self, table):
        """(name, type, part of the primary key) per column."""
        if self.sqlite:
            return [(r[1], r[2].upper(), r[5] != "0") for r in self.query(f"PRAGMA table_info({table})")]
        pk = {r[0] for r in self.query(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            f"AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '{table}'::regclass AND i.indisprimary")}
        return [(r[0], r[1].upper(), r[0] in pk) for r in self.query(
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE table_name = '{table}' AND table_schema = current_schema() ORDER BY ordinal_position")]

    def renumbered(self, column):
        """`column`'s id with its last 8 hex digits replaced by the copy number."""
        if self.sqlite:
            return f"substr({column}, 1, length({column}) - 8) || printf('%08x', copies.n)"
        return f"left({column}, length({column}) - 8) || lpad(to_hex(copies.n), 8, '0')"

    def earlier(self, column, step):
        if self.sqlite:
            return f"datetime({column}, '-' || (copies.n * {step}) || ' seconds')"
        return f"{column} - make_interval(secs => copies.n * {step})"

    def copies(self, first, last):
        if self.sqlite:
            return (f"(WITH RECURSIVE c(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM c "
                    f"WHERE n < {last}) SELECT n FROM c) AS copies")
        return f"generate_series({first}, {last}) AS copies(n)"


def grow(db, copies):
    """Copies every growing table's rows `copies` times, one transaction per table (per chunk
    for PostgreSQL outboxes)."""
    growing = [t for t in GROWING if t in db.tables()]
    # Ids of what is copied are renumbered; ids of what is not (users, items) are kept.
    kept = set()
    for table in set(db.tables()) - set(growing):
        for name, _, pk in db.columns(table):
            if pk:
                for (value,) in db.query(f"SELECT {name} FROM {table} LIMIT 1"):
                    if ID.match(value or ""):
                        kept.add(ID.match(value).group(1))
    statements = []
    for table in growing:
        cols, exprs = [], []
        sample = db.query(f"SELECT * FROM {table} LIMIT 1")
        if not sample:
            continue
        step = STEP.get(table, DEFAULT_STEP)
        for (name, kind, pk), value in zip(db.columns(table), sample[0]):
            if name == "seq":
                continue  # positions come from the table's own sequence
            cols.append(name)
            match = ID.match(value or "")
            if match and match.group(1) not in kept:
                exprs.append(f"CASE WHEN {name} IS NULL THEN NULL ELSE {db.renumbered(name)} END")
            elif "TIMESTAMP" in kind:
                exprs.append(db.earlier(name, step))
            elif (pk or name in UNIQUE) and ("TEXT" in kind or "CHAR" in kind):
                exprs.append(f"{name} || '-' || copies.n")
            else:
                exprs.append(name)
        n = min(copies, MAX_COPIES.get(table, copies))
        copy = f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {table} "
        if table.endswith("_outbox") and not db.sqlite:
            # PostgreSQL positions events by transaction, at most 2^20 per transaction: copy
            # the original rows in chunks, each its own transaction.
            (original, rows), = db.query(f"SELECT MAX(seq), COUNT(*) FROM {table}")
            chunk = max(1, 500_000 // int(rows))
            for first in range(1, n + 1, chunk):
                last = min(n, first + chunk - 1)
                statements.append(f"{copy} CROSS JOIN {db.copies(first, last)} "
                                  f"WHERE {table}.seq <= {original}")
        else:
            statements.append(f"{copy} CROSS JOIN {db.copies(1, n)}")
    for sql in statements:
        began = time.time()
        db.execute([sql])
        print(f"  {sql.split()[2]:24} {time.time() - began:6.1f} s", flush=True)
    # The copied events are history every subscriber has already taken.
    db.execute([
        f"UPDATE event_cursors SET position = (SELECT COALESCE(MAX(seq), 0) FROM {table}) "
        f"WHERE subscription LIKE '%<-{table[:-len('_outbox')]}'"
        for table in growing if table.endswith("_outbox")])


def login(c, email):
    return c.call("POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})[1]["access_token"]


def account(binary, env, c, email, role):
    subprocess.run([binary, "users", "add", "--email", email, "--role", role], env=env,
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    return login(c, email)


def place_paid(c, token, item, key):
    status, order = c.call("POST", "/v1/orders", token, {
        "lines": [{"item_id": item, "quantity": 2}], "fulfillment": {"type": "pickup"}},
        {"Idempotency-Key": f"order-{key}"})
    assert status == 201, order
    status, body = c.call("POST", f"/v1/orders/{order['id']}/payments", token,
                          {"card_token": "tok_ok"}, {"Idempotency-Key": key})
    assert status == 201, body
    return order["id"]


def ticket_of(c, cook, order_id):
    for _ in range(200):
        page = c.call("GET", f"/v1/kitchen/tickets?order_id={order_id}", cook)[1]
        if page["data"]:
            return page["data"][0]
        time.sleep(0.02)
    raise SystemExit(f"no ticket for {order_id}")


def cook(c, token, order_id):
    ticket = ticket_of(c, token, order_id)
    for line in ticket["lines"]:
        for step in ("start", "done"):
            path = f"/v1/kitchen/tickets/{ticket['id']}/lines/{line['id']}/{step}"
            assert c.call("POST", path, token, {})[0] == 200


def wrk(label, url, headers, script, duration):
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency"]
    for h in headers:
        args += ["-H", h]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], check=True, capture_output=True, text=True).stdout
    ms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("50%", "99%"):
            v = parts[1]
            ms[parts[0]] = (float(v[:-2]) if v.endswith("ms") else
                            float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000)
        if line.startswith("Requests/sec"):
            ms["rps"] = float(line.split()[1])
        if "Non-2xx" in line:
            ms["bad"] = int(line.split()[-1])
    return label, ms


def measure(port, calls):
    results = {}
    for label, path, headers, script in calls:
        url = f"http://127.0.0.1:{port}{path}"
        wrk(label, url, headers, script, "2s")
        results[label] = wrk(label, url, headers, script, DURATION)[1]
    return results


def second_database(url):
    """Another database beside `url`: a file next to it, or a schema next to its schema."""
    if url.startswith("sqlite://"):
        return url + "-big"
    schema = urllib.parse.unquote(url).split("search_path=")[1]
    Database(url).execute([f"DROP SCHEMA IF EXISTS {schema}_big CASCADE", f"CREATE SCHEMA {schema}_big"])
    return re.sub(r"search_path%3D[^&]*", f"search_path%3D{schema}_big", url)


def run(binary, url, copies):
    """Brigade on `url` with its demo menu and a history of TEMPLATE cooked orders, copied
    `copies` times; then LIVE paid orders waiting in the kitchen, and each call measured."""
    db = Database(url)
    env = server_env(url, BRIGADE_RETENTION__SWEEP_INTERVAL_SECS="0")
    servers = []

    def start():
        servers.append(start_demo(binary, PORT, env))
        return servers[-1]

    try:
        return measured(binary, db, env, start, copies)
    finally:
        for server in servers:
            server.terminate()
            server.wait()


def settle(db):
    """Leaves the grown database as months of growth would, not as a bulk load does: on
    PostgreSQL statistics gathered, visibility maps set and the load's dirty pages written by
    a checkpoint; on SQLite the write-ahead log folded into the database. Otherwise the calls
    measure a checkpoint writing out the load beneath them (POST p99 27-43 ms on PostgreSQL
    against 4-10 ms on the small database)."""
    if db.sqlite:
        import sqlite3
        conn = sqlite3.connect(db.url[len("sqlite://"):])
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return
    for sql in ["VACUUM ANALYZE", "CHECKPOINT"]:
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", db.url, "-c", sql],
                       check=True, capture_output=True, text=True)


def measured(binary, db, env, start, copies):
    server = start()
    c = Client(PORT)
    customer_email = f"growth-{time.time_ns()}@example.com"
    c.call("POST", "/v1/auth/register", body={"email": customer_email, "password": PASSWORD, "name": "G"})
    customer = login(c, customer_email)
    staff = account(binary, env, c, f"staff-{time.time_ns()}@example.com", "staff")
    kitchen = account(binary, env, c, f"cook-{time.time_ns()}@example.com", "kitchen")
    _, menu = c.call("GET", "/v1/menu")
    item = next(i for cat in menu["categories"] for i in cat["items"]
                if all(g["min_choices"] == 0 for g in i["option_groups"]))
    history = [place_paid(c, customer, item["id"], f"history-{n}") for n in range(TEMPLATE)]
    for order_id in history:
        cook(c, kitchen, order_id)
    station = ticket_of(c, kitchen, history[0])["lines"][0]["station"]
    if copies:
        server.terminate()
        server.wait()
        print(f"generating: {TEMPLATE} orders and all that came with them, copied {copies} times", flush=True)
        began = time.time()
        grow(db, copies)
        settle(db)
        print(f"  done in {time.time() - began:.0f} s", flush=True)
        server = start()
        c = Client(PORT)
    orders = int(db.query("SELECT COUNT(*) FROM ordering_orders")[0][0])
    live = [place_paid(c, customer, item["id"], f"live-{n}") for n in range(LIVE)]
    ticket_of(c, kitchen, live[-1])
    os.environ["GROWTH_BODY"] = (
        '{"lines":[{"item_id":"%s","quantity":1}],"fulfillment":{"type":"pickup"}}' % item["id"])
    lua = os.path.join(os.path.dirname(os.path.abspath(__file__)), "growth_place.lua")
    results = measure(PORT, [
        ("GET /v1/orders?status=ready (staff)", "/v1/orders?status=ready&limit=20",
         [f"Authorization: Bearer {staff}"], None),
        ("GET /v1/kitchen/tickets?station=&status=queued",
         f"/v1/kitchen/tickets?station={station}&status=queued",
         [f"Authorization: Bearer {kitchen}"], None),
        ("GET /v1/orders/{id}", f"/v1/orders/{live[0]}", [f"Authorization: Bearer {customer}"], None),
        ("POST /v1/orders", "/v1/orders", [f"Authorization: Bearer {customer}"], lua),
    ])
    rss = int(open(f"/proc/{server.pid}/status").read().split("VmHWM:")[1].split()[0])
    return orders, results, rss



def main():
    binary, url = sys.argv[1], sys.argv[2]
    big_url = second_database(url)
    small_orders, small, _ = run(binary, url, 0)
    big_orders, big, rss = run(binary, big_url, max(1, ORDERS // TEMPLATE - 1))
    if not big_url.startswith("sqlite://"):
        schema = urllib.parse.unquote(big_url).split("search_path=")[1]
        Database(url).execute([f"DROP SCHEMA {schema} CASCADE"])
    else:
        os.remove(big_url[len("sqlite://"):])

    print(f"wrk: 2 threads, {CONNECTIONS} connections, {DURATION} per call")
    print(f"{'call':46} {'p50 small':>10} {'p99 small':>10} {'p50 big':>10} {'p99 big':>10} {'p99 ratio':>9}")
    print(f"{'(orders before the calls)':46} {small_orders:>21,} {big_orders:>21,}")
    for label in small:
        s, b = small[label], big[label]
        ratio = b["99%"] / s["99%"]
        bad = f"  non-2xx {s.get('bad', 0)}/{b.get('bad', 0)}" if s.get("bad") or b.get("bad") else ""
        print(f"{label:46} {s['50%']:8.2f}ms {s['99%']:8.2f}ms {b['50%']:8.2f}ms {b['99%']:8.2f}ms "
              f"{ratio:8.2f}x {'OK' if ratio <= 2 else 'ABOVE TARGET (<= 2x)'}{bad}")
    print(f"peak RSS with the big database: {rss // 1024} MiB")


if __name__ == "__main__":
    main()
