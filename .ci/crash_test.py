"""Kill -9 Brigade while it places and pays orders, restart it, and prove nothing was lost.

Usage: crash_test.py BINARY. Runs the binary on a scratch SQLite database (or DATABASE_URL),
fires concurrent place+pay journeys, SIGKILLs the server mid-stream, restarts it, then checks:
every order acknowledged with 201 exists; every paid order reaches the kitchen exactly once
(one ticket each, and no ticket without a paid order); no order is stuck in `placed` after a
201 payment; and every order request (each sent with its own Idempotency-Key), retried with
its key after the restart, gets exactly one outcome: the order it placed, never a second one
and never a permanent 409.
"""

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

import brigade_http

BIN = sys.argv[1]
PORT = int(os.environ.get("CRASH_PORT", "18641"))
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "crash-test-passphrase-42"
WORK = tempfile.mkdtemp()
ENV = dict(
    os.environ,
    DATABASE_URL=os.environ.get("DATABASE_URL", f"sqlite://{WORK}/brigade.db"),
    BRIGADE_AUTH__ARGON2__MEMORY_KIB="64",
    BRIGADE_AUTH__ARGON2__ITERATIONS="1",
    BRIGADE_AUTH__JWT_SECRET="crash-test-secret-crash-test-secret",
    BRIGADE_ORDERING__MAX_OPEN_UNPAID="100000",
    BRIGADE_EVENTS__POLL_INTERVAL_MS="50",
    RUST_LOG="warn",
    BRIGADE_RATE_LIMIT__ENABLED="false",
    # A key held by a request that died with the server is free again after this.
    BRIGADE_IDEMPOTENCY__IN_FLIGHT_LEASE_SECS="2",
)


def call(method, path, token=None, body=None, headers=None, timeout=10):
    return brigade_http.call(BASE, method, path, token, body, headers, timeout)


def start():
    log = open(f"{WORK}/server.log", "a")
    proc = subprocess.Popen(
        [BIN, "serve", "--demo", "--bind", f"127.0.0.1:{PORT}"], env=ENV, stdout=log, stderr=log
    )
    RUNNING.append(proc)
    for _ in range(100):
        if proc.poll() is not None:
            sys.exit(f"brigade exited with {proc.returncode}; see {WORK}/server.log")
        try:
            if call("GET", "/readyz")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("brigade did not become ready; see " + WORK)


def token(email, role=None):
    if role:
        subprocess.run(
            [BIN, "users", "add", "--email", email, "--role", role],
            input=PASSWORD.encode(), env=ENV, check=True, capture_output=True,
        )
    else:
        s, body = call("POST", "/v1/auth/register", body={"email": email, "password": PASSWORD, "name": "Crash"})
        assert s == 201, body
    status, body = call("POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})
    assert status == 200, body
    return body["access_token"]


def main():
    server = start()
    try:
        crash_and_check(server)
    finally:
        for proc in RUNNING:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait()


RUNNING = []


def crash_and_check(server):
    customer = token("crash@example.com")
    cook = token("cook@example.com", "kitchen")
    status, menu = call("GET", "/v1/menu")
    item = next(i for c in menu["categories"] for i in c["items"] if not any(
        g["min_choices"] > 0 for g in i["option_groups"]))

    def place(key):
        return call("POST", "/v1/orders", customer, {
            "lines": [{"item_id": item["id"], "quantity": 1}],
            "fulfillment": {"type": "pickup"}}, {"Idempotency-Key": key})

    acknowledged, paid, lock = [], [], threading.Lock()
    keys = {}  # Idempotency-Key -> the order id acknowledged for it, or None if in doubt
    stop = threading.Event()

    def journey(n):
        i = 0
        while not stop.is_set():
            i += 1
            key = f"o{n}-{i}"
            with lock:
                keys[key] = None
            try:
                s, order = place(key)
                if s != 201:
                    continue
                with lock:
                    acknowledged.append(order["id"])
                    keys[key] = order["id"]
                s, _ = call("POST", f"/v1/orders/{order['id']}/payments", customer,
                            {"card_token": "tok_ok"}, {"Idempotency-Key": f"w{n}-{i}"})
                if s == 201:
                    with lock:
                        paid.append(order["id"])
            except OSError:
                return  # the server is gone

    workers = [threading.Thread(target=journey, args=(n,)) for n in range(8)]
    for w in workers:
        w.start()
    time.sleep(float(os.environ.get("CRASH_AFTER_SECS", "3")))
    server.send_signal(signal.SIGKILL)
    server.wait()
    stop.set()
    for w in workers:
        w.join()
    print(f"killed after {len(acknowledged)} acknowledged orders, {len(paid)} acknowledged payments")
    assert paid, "nothing was paid before the kill; raise CRASH_AFTER_SECS"

    start()
    missing = [o for o in acknowledged if call("GET", f"/v1/orders/{o}", customer)[0] != 200]
    assert not missing, f"acknowledged orders lost: {missing[:5]}"

    # Every order request retried with its key: one outcome each, the same order as before.
    outcome = {}
    for key, known in keys.items():
        deadline = time.time() + 30
        while True:
            s, order = place(key)
            if s != 409 or time.time() > deadline:
                break
            time.sleep(0.5)  # a key held by a request that died frees after its lease
        assert s == 201, f"retry of {key} after the crash: {s} {order}"
        assert known is None or order["id"] == known, f"{key}: {known} then {order['id']}"
        outcome[key] = order["id"]
    in_doubt = sum(1 for k in keys.values() if k is None)
    assert len(set(outcome.values())) == len(outcome), "two keys answered with one order"
    listed, cursor = set(), None
    while True:
        q = "/v1/orders?limit=100" + (f"&cursor={cursor}" if cursor else "")
        s, page = call("GET", q, customer)
        listed |= {o["id"] for o in page["data"]}
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert listed == set(outcome.values()), (
        f"orders without a key's outcome (duplicates or orphans): {sorted(listed - set(outcome.values()))[:5]}")
    print(f"retried {len(keys)} order keys ({in_doubt} in doubt at the kill): one order each")
    # Events left in the outboxes go out after the restart; wait for them to settle.
    deadline = time.time() + 60
    while True:
        orders, cursor = [], None
        while True:
            q = "/v1/orders?limit=100" + (f"&cursor={cursor}" if cursor else "")
            s, page = call("GET", q, customer)
            orders += page["data"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        charged = {o["id"] for o in orders if o["status"] != "placed"}
        tickets, cursor = [], None
        while True:
            q = "/v1/kitchen/tickets?limit=100" + (f"&cursor={cursor}" if cursor else "")
            s, page = call("GET", q, cook)
            tickets += page["data"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        ticket_orders = [t["order_id"] for t in tickets]
        settled = set(paid) <= charged and set(ticket_orders) == charged
        if settled or time.time() > deadline:
            break
        time.sleep(0.2)
    unpaid = set(paid) - charged
    assert not unpaid, f"payments acknowledged but orders not paid: {sorted(unpaid)[:5]}"
    dupes = {o for o in ticket_orders if ticket_orders.count(o) > 1}
    assert not dupes, f"orders with more than one ticket: {sorted(dupes)[:5]}"
    assert set(ticket_orders) == charged, (
        f"paid without ticket: {sorted(charged - set(ticket_orders))[:5]}, "
        f"ticket without payment: {sorted(set(ticket_orders) - charged)[:5]}")
    print(f"after restart: {len(orders)} orders, {len(charged)} paid, "
          f"{len(tickets)} tickets, none lost or duplicated")


if __name__ == "__main__":
    main()
