"""What the benchmarks share: a keep-alive JSON client for Brigade, and percentiles."""

import http.client
import json


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, token=None, body=None, headers=None):
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        self.conn.request(method, path, json.dumps(body) if body is not None else None, h)
        res = self.conn.getresponse()
        return res.status, json.loads(res.read() or b"null")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def place_and_pay(port, workers, duration, password="bench-journey-passphrase"):
    """`workers` customers each place and pay pickup orders for `duration` seconds through
    the server on `port` (the demo menu). Returns (orders/s, latencies in s, errors, elapsed)."""
    import threading
    import time

    c = Client(port)
    _, menu = c.call("GET", "/v1/menu")
    item = next(i for cat in menu["categories"] for i in cat["items"]
                if all(g["min_choices"] == 0 for g in i["option_groups"]))
    tokens = []
    for n in range(workers):
        email = f"bench{n}-{time.time_ns()}@example.com"
        c.call("POST", "/v1/auth/register", body={"email": email, "password": password, "name": "Bench"})
        tokens.append(c.call("POST", "/v1/auth/login",
                             body={"email": email, "password": password})[1]["access_token"])
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.time() + duration

    def work(n):
        client, i = Client(port), 0
        while time.time() < deadline:
            i += 1
            began = time.perf_counter()
            s1, order = client.call("POST", "/v1/orders", tokens[n], {
                "lines": [{"item_id": item["id"], "quantity": 1}], "fulfillment": {"type": "pickup"}})
            s2 = client.call("POST", f"/v1/orders/{order['id']}/payments", tokens[n],
                             {"card_token": "tok_ok"}, {"Idempotency-Key": f"{n}-{i}"})[0] if s1 == 201 else 0
            with lock:
                if s1 == 201 and s2 == 201:
                    latencies.append(time.perf_counter() - began)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - began
    return len(latencies) / elapsed, latencies, errors[0], elapsed
