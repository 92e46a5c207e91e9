"""Kill -9 the kitchen's own process while the edge takes and charges orders, restart it, and
prove nothing was lost or doubled across the process boundary.

Usage: split_crash_test.py BINARY. Starts two Brigade processes from the same binary, each on
its own SQLite database, events over NATS JetStream (127.0.0.1:4222 unless NATS_URL):
  - the kitchen: `serve --modules kitchen --internal-bind ...`, no public API;
  - the edge: every other module and the public API, calling the kitchen over HTTP with
    signed internal tokens (a key made by `brigade internal-key`).
A partner's webhook receiver subscribes to `order.paid` (produced at the edge) and
`ticket.created` (produced in the kitchen's process). Concurrent place+pay journeys run while
the kitchen is SIGKILLed; they carry on without it, then it restarts. Checks: every
acknowledged order and payment is there; every paid order has exactly one ticket and no
ticket lacks a paid order; every paid order's `order.paid` and `ticket.created` webhooks
arrived (once per event id).
"""

import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

import brigade_http

BIN = sys.argv[1]
EDGE_PORT = int(os.environ.get("SPLIT_EDGE_PORT", "18651"))
KITCHEN_PORT = int(os.environ.get("SPLIT_KITCHEN_PORT", "18652"))
RECEIVER_PORT = int(os.environ.get("SPLIT_RECEIVER_PORT", "18653"))
BASE = f"http://127.0.0.1:{EDGE_PORT}"
PASSWORD = "split-crash-passphrase-42"
WORK = tempfile.mkdtemp()
RUNNING = []


def internal_key():
    out = subprocess.run([BIN, "internal-key", "--id", "ci"], capture_output=True, check=True).stdout
    values = {}
    for line in out.decode().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.split("#")[0].strip().strip('"')
    return values["signing_key"], values["ci"]


SEED, PUBLIC = internal_key()
COMMON = dict(
    os.environ,
    BRIGADE_AUTH__ARGON2__MEMORY_KIB="64",
    BRIGADE_AUTH__ARGON2__ITERATIONS="1",
    BRIGADE_AUTH__JWT_SECRET="split-crash-secret-split-crash-secret",
    BRIGADE_ORDERING__MAX_OPEN_UNPAID="100000",
    BRIGADE_EVENTS__POLL_INTERVAL_MS="50",
    BRIGADE_EVENTS__RETRY_BASE_MS="100",
    BRIGADE_EVENTS__TRANSPORT="jetstream",
    BRIGADE_EVENTS__NATS_URL=os.environ.get("NATS_URL", "nats://127.0.0.1:4222"),
    BRIGADE_EVENTS__STREAM_PREFIX=f"ci{os.getpid()}",
    BRIGADE_EVENTS__STREAM_STORAGE="memory",
    BRIGADE_EVENTS__STREAM_MAX_AGE_SECS="900",
    BRIGADE_INTERNAL__KEY_ID="ci",
    BRIGADE_INTERNAL__SIGNING_KEY=SEED,
    BRIGADE_INTERNAL__TRUSTED_KEYS__CI=PUBLIC,
    BRIGADE_RATE_LIMIT__ENABLED="false",
    BRIGADE_IDEMPOTENCY__IN_FLIGHT_LEASE_SECS="2",
    BRIGADE_WEBHOOKS__ALLOW_INSECURE_LOOPBACK="true",
    BRIGADE_WEBHOOKS__POLL_INTERVAL_MS="100",
    BRIGADE_WEBHOOKS__RETRY_SCHEDULE_MS="200,500,1000,2000",
    RUST_LOG="warn",
)
EDGE_ENV = dict(
    COMMON,
    DATABASE_URL=f"sqlite://{WORK}/edge.db",
    BRIGADE_TOPOLOGY__REMOTE__KITCHEN__URL=f"http://127.0.0.1:{KITCHEN_PORT}",
)
KITCHEN_ENV = dict(COMMON, DATABASE_URL=f"sqlite://{WORK}/kitchen.db", BRIGADE_TOPOLOGY__EDGE="false")


def call(method, path, token=None, body=None, headers=None, base=BASE, timeout=10):
    return brigade_http.call(base, method, path, token, body, headers, timeout)


def wait_until(ready, what, log):
    for _ in range(150):
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"{what} did not become ready; see {log}")


def start_kitchen():
    log = f"{WORK}/kitchen.log"
    proc = subprocess.Popen(
        [BIN, "serve", "--modules", "kitchen", "--internal-bind", f"127.0.0.1:{KITCHEN_PORT}"],
        env=KITCHEN_ENV, stdout=open(log, "a"), stderr=subprocess.STDOUT)
    RUNNING.append(proc)
    # Up when its internal listener refuses an unsigned call.
    base = f"http://127.0.0.1:{KITCHEN_PORT}"
    wait_until(lambda: proc.poll() is None and call("GET", "/internal/kitchen/feed_head", base=base)[0] == 401,
               "the kitchen", log)
    return proc


def start_edge():
    log = f"{WORK}/edge.log"
    proc = subprocess.Popen([BIN, "serve", "--demo", "--bind", f"127.0.0.1:{EDGE_PORT}"],
                            env=EDGE_ENV, stdout=open(log, "a"), stderr=subprocess.STDOUT)
    RUNNING.append(proc)
    wait_until(lambda: proc.poll() is None and call("GET", "/readyz")[0] == 200, "the edge", log)
    return proc


def token(email, role=None):
    if role:
        subprocess.run([BIN, "users", "add", "--email", email, "--role", role],
                       input=PASSWORD.encode(), env=EDGE_ENV, check=True, capture_output=True)
    else:
        s, body = call("POST", "/v1/auth/register", body={"email": email, "password": PASSWORD, "name": "Split"})
        assert s == 201, body
    status, body = call("POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})
    assert status == 200, body
    return body["access_token"]


RECEIVED = {}  # webhook-id -> (type, order id)
RECEIVED_LOCK = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with RECEIVED_LOCK:
            RECEIVED[self.headers["webhook-id"]] = (body["type"], body["data"].get("order_id"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", RECEIVER_PORT), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        kitchen = start_kitchen()
        start_edge()
        crash_and_check(kitchen)
    finally:
        for proc in RUNNING:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait()
        receiver.shutdown()


def crash_and_check(kitchen):
    customer = token("split@example.com")
    cook = token("cook@example.com", "kitchen")
    partner = token("partner@example.com", "staff")
    s, hook = call("POST", "/v1/webhooks/endpoints", partner, {
        "url": f"http://127.0.0.1:{RECEIVER_PORT}/hook", "event_types": ["order.paid", "ticket.created"]})
    assert s == 201, hook
    s, menu = call("GET", "/v1/menu")
    item = next(i for c in menu["categories"] for i in c["items"] if not any(
        g["min_choices"] > 0 for g in i["option_groups"]))

    acknowledged, paid, lock = [], [], threading.Lock()
    stop = threading.Event()

    def journey(n):
        i = 0
        while not stop.is_set():
            i += 1
            try:
                s, order = call("POST", "/v1/orders", customer, {
                    "lines": [{"item_id": item["id"], "quantity": 1}],
                    "fulfillment": {"type": "pickup"}}, {"Idempotency-Key": f"o{n}-{i}"})
                if s != 201:
                    continue
                with lock:
                    acknowledged.append(order["id"])
                s, _ = call("POST", f"/v1/orders/{order['id']}/payments", customer,
                            {"card_token": "tok_ok"}, {"Idempotency-Key": f"p{n}-{i}"})
                if s == 201:
                    with lock:
                        paid.append(order["id"])
            except OSError as e:
                print(f"journey {n}: {e}")

    # Daemon threads, stopped in `finally`: a failed check must end the test, not leave the
    # journeys calling a stopped edge forever.
    workers = [threading.Thread(target=journey, args=(n,), daemon=True) for n in range(3)]
    for w in workers:
        w.start()
    try:
        time.sleep(float(os.environ.get("CRASH_AFTER_SECS", "2")))
        kitchen.send_signal(signal.SIGKILL)
        kitchen.wait()
        paid_at_kill = len(paid)
        # The edge keeps taking and charging orders without its kitchen.
        time.sleep(1.5)
        s, down = call("GET", "/v1/kitchen/tickets", cook)
        assert s == 503 and down["code"] == "module_unavailable", (s, down)
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=30)
    print(f"kitchen killed after {paid_at_kill} payments; {len(paid) - paid_at_kill} more while it was down; "
          f"{len(acknowledged)} orders acknowledged in all")
    assert paid_at_kill and len(paid) > paid_at_kill, "traffic did not span the kill; raise CRASH_AFTER_SECS"

    start_kitchen()
    missing = [o for o in acknowledged if call("GET", f"/v1/orders/{o}", customer)[0] != 200]
    assert not missing, f"acknowledged orders lost: {missing[:5]}"

    deadline = time.time() + 120  # webhooks go out one at a time per endpoint
    while True:
        tickets, cursor = [], None
        while True:
            q = "/v1/kitchen/tickets?limit=100" + (f"&cursor={cursor}" if cursor else "")
            s, page = call("GET", q, cook)
            if s != 200:
                break
            tickets += page["data"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        ticket_orders = [t["order_id"] for t in tickets]
        with RECEIVED_LOCK:
            hooks = list(RECEIVED.values())
        hooked_paid = {o for t, o in hooks if t == "order.paid"}
        hooked_tickets = {o for t, o in hooks if t == "ticket.created"}
        settled = (set(ticket_orders) >= set(paid) and set(paid) <= hooked_paid
                   and set(paid) <= hooked_tickets)
        if settled or time.time() > deadline:
            break
        time.sleep(0.3)
    dupes = {o for o in ticket_orders if ticket_orders.count(o) > 1}
    assert not dupes, f"orders with more than one ticket: {sorted(dupes)[:5]}"
    assert set(paid) <= set(ticket_orders), f"paid without ticket: {sorted(set(paid) - set(ticket_orders))[:5]}"
    statuses = {o: call("GET", f"/v1/orders/{o}", customer)[1]["status"] for o in set(ticket_orders) - set(paid)}
    unpaid = {o for o, st in statuses.items() if st == "placed"}
    assert not unpaid, f"tickets for unpaid orders: {sorted(unpaid)[:5]}"
    assert set(paid) <= hooked_paid, f"order.paid never delivered: {sorted(set(paid) - hooked_paid)[:5]}"
    assert set(paid) <= hooked_tickets, f"ticket.created never delivered: {sorted(set(paid) - hooked_tickets)[:5]}"
    per_event = [(t, o) for t, o in hooks if o in set(paid)]
    assert len(per_event) == len(set(per_event)), "a webhook event was delivered under two ids"
    print(f"after the kitchen's restart: {len(paid)} paid orders, {len(tickets)} tickets, "
          f"{len(hooks)} webhook deliveries; none lost, none doubled")


if __name__ == "__main__":
    main()
