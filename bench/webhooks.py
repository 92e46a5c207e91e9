"""Webhook deliveries to one slow endpoint: how many per second, and how many at once.

Usage: webhooks.py BINARY DATABASE_URL. Starts Brigade on DATABASE_URL with the demo menu and
a receiver that answers each delivery after RECEIVER_MS (150 ms), registers one endpoint for
`order.placed` and `order.paid`, and places and pays orders for DURATION seconds while the
receiver holds what it gets (a backlog builds). Then the receiver opens and the backlog
drains: prints deliveries per second from the opening to the last delivery, the most the
receiver held at once, and the target (>= 200/s at 150 ms).

Then the crash: another backlog builds the same way, Brigade is killed with SIGKILL, the
receiver starts answering at once, and Brigade restarts: prints how fast the deliveries it
had not sent drain after the restart (target >= 1,000/s). The ones on the wire at the kill
stay claimed until their hold ends (`webhooks.timeout_ms` + 30 s) and are not waited for.
"""

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from http_client import Client, place_and_pay, server_env, start_demo

BIN, URL = sys.argv[1], sys.argv[2]
PORT = int(os.environ.get("PORT", "18740"))
WORKERS = int(os.environ.get("WORKERS", "16"))
DURATION = float(os.environ.get("DURATION", "5"))
RECEIVER_MS = float(os.environ.get("RECEIVER_MS", "150"))
PASSWORD = "bench-webhooks-passphrase"
ENV = server_env(URL, BRIGADE_WEBHOOKS__ALLOW_INSECURE_LOOPBACK="true")

arrivals, holding, peak, lock = [], [0], [0], threading.Lock()
ids, delay = set(), [RECEIVER_MS / 1000]
opened = threading.Event()


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver behind a proxy would

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", "0")))
        with lock:
            holding[0] += 1
            peak[0] = max(peak[0], holding[0])
        opened.wait()
        time.sleep(delay[0])
        with lock:
            holding[0] -= 1
            arrivals.append(time.time())
            ids.add(self.headers.get("webhook-id"))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class ReceiverServer(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: the dispatcher opens its 50 connections at
    # once, and a full accept queue drops their handshakes, which come back only on the
    # kernel's SYN retries (1, 3, 7, 15 s), measuring the bench's receiver instead of Brigade.
    request_queue_size = 1024


def listen_overflows():
    """The kernel's count of connections dropped because an accept queue was full."""
    with open("/proc/net/netstat") as f:
        names, values = [line.split() for line in f if line.startswith("TcpExt:")][:2]
    return int(dict(zip(names, values)).get("ListenOverflows", 0))


def main():
    overflows = listen_overflows()
    receiver = ReceiverServer(("127.0.0.1", 0), Receiver)
    receiver.daemon_threads = True
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    server = start_demo(BIN, PORT, ENV)
    try:
        email = f"partner-{time.time_ns()}@example.com"
        subprocess.run([BIN, "users", "add", "--email", email, "--role", "staff"],
                       input=PASSWORD.encode(), env=ENV, check=True, capture_output=True)
        c = Client(PORT)
        staff = c.call("POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})[1]["access_token"]
        status, _ = c.call("POST", "/v1/webhooks/endpoints", staff, {
            "url": f"http://127.0.0.1:{receiver.server_address[1]}/hooks",
            "event_types": ["order.placed", "order.paid"]})
        assert status == 201, status
        rate, latencies, errors, elapsed, cpu = place_and_pay(PORT, WORKERS, DURATION, PASSWORD,
                                                              [server.pid])
        expected = 2 * len(latencies)
        time.sleep(1)  # the last events become deliveries
        began = time.time()
        opened.set()
        deadline = began + 300
        while len(arrivals) < expected and time.time() < deadline:
            time.sleep(0.1)
        drained = (arrivals[-1] if arrivals else time.time()) - began
        per_second = len(arrivals) / drained if drained > 0 else 0.0
        print(f"events: {expected} from {len(latencies)} orders placed+paid in {elapsed:.0f} s "
              f"({rate:.0f}/s, {errors} errors), held by the receiver meanwhile")
        print(f"backlog drained to one endpoint answering in {RECEIVER_MS:.0f} ms: "
              f"{len(arrivals)} of {expected} in {drained:.1f} s = {per_second:.1f}/s, "
              f"at most {peak[0]} at once (target >= 200/s) "
              f"{'OK' if per_second >= 200 and len(arrivals) == expected else 'BELOW TARGET'}")
        server = after_a_crash(server)
        print(f"connections dropped by a full accept queue during the run (any listener): "
              f"{listen_overflows() - overflows}")
    finally:
        server.terminate()
        server.wait()
        receiver.shutdown()


def after_a_crash(server):
    opened.clear()
    _, latencies, _, _, _ = place_and_pay(PORT, WORKERS, DURATION, PASSWORD)
    time.sleep(1)  # the last events become deliveries
    server.kill()
    server.wait()
    with lock:
        on_the_wire, before = holding[0], set(ids)
    delay[0] = 0
    opened.set()
    time.sleep(0.5)  # the held requests end (their sender is gone)
    with lock:
        ids.clear()
    restarted = time.time()
    server = start_demo(BIN, PORT, ENV)
    ready = time.time() - restarted  # start-up: migrations checked, workers spawned
    waiting_for = 2 * len(latencies) - on_the_wire
    deadline = restarted + 120
    while time.time() < deadline:
        with lock:
            fresh = len(ids - before)
        if fresh >= waiting_for:
            break
        time.sleep(0.05)
    took = time.time() - restarted
    per_second = fresh / took if took > 0 else 0.0
    print(f"after kill -9: {fresh} of {waiting_for} unsent deliveries in {took:.1f} s from the "
          f"restart = {per_second:.0f}/s (target >= 1000/s) "
          f"{'OK' if per_second >= 1000 and fresh >= waiting_for else 'BELOW TARGET'}; "
          f"{on_the_wire} on the wire at the kill come back after their hold; the restart took "
          f"{ready:.1f} s to be ready, {fresh / max(took - ready, 1e-9):.0f}/s from then")
    return server


main()
