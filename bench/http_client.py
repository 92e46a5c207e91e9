"""What the benchmarks share: a keep-alive JSON client for Brigade, and percentiles."""

import http.client
import json
import os


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


def server_env(database_url, **extra):
    """The environment the benchmarks start Brigade with: quiet, no rate limits (we measure
    the work, not refusals), a fixed token secret, no cap on a customer's unpaid orders."""
    return dict(os.environ, DATABASE_URL=database_url, RUST_LOG="warn",
                BRIGADE_RATE_LIMIT__ENABLED="false",
                BRIGADE_AUTH__JWT_SECRET="bench-secret-bench-secret-bench-secret",
                BRIGADE_ORDERING__MAX_OPEN_UNPAID="1000000", **extra)


def start_demo(binary, port, env):
    """Brigade serving the demo menu on `port`, once ready; its log goes to a temporary file."""
    import subprocess
    import tempfile
    import time

    log = open(os.path.join(tempfile.mkdtemp(), "server.log"), "w")
    server = subprocess.Popen([binary, "serve", "--demo", "--bind", f"127.0.0.1:{port}"],
                              env=env, stdout=log, stderr=log)
    for _ in range(100):
        try:
            if Client(port).call("GET", "/readyz")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    return server


def rss_kib(pid, field="VmRSS"):
    """A field of /proc/PID/status in KiB: VmRSS now, VmHWM the peak since start."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def peak_rss_verdict(peak_kib):
    return (f"peak RSS (VmHWM, start-up included): {peak_kib / 1024:.1f} MiB "
            f"{'OK' if peak_kib <= 64 * 1024 else 'ABOVE TARGET (<= 64 MiB)'}")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def place_and_pay(port, workers, duration, password="bench-journey-passphrase", pids=()):
    """`workers` customers each place and pay pickup orders for `duration` seconds through
    the server on `port` (the demo menu). Returns (orders/s, latencies in s, errors, elapsed,
    the CPU line of the load phase for this process and the servers' `pids`)."""
    import threading
    import time

    item, tokens = customers(Client(port), workers, password)
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
    before = cpu_seconds(pids)
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - began
    cpu = cpu_share(before, cpu_seconds(pids), elapsed)
    return len(latencies) / elapsed, latencies, errors[0], elapsed, cpu


def customers(c, count, password):
    """A demo-menu item that needs no options, and `count` new customers' bearer tokens."""
    import time

    _, menu = c.call("GET", "/v1/menu")
    item = next(i for cat in menu["categories"] for i in cat["items"]
                if all(g["min_choices"] == 0 for g in i["option_groups"]))
    tokens = []
    for n in range(count):
        email = f"bench{n}-{time.time_ns()}@example.com"
        c.call("POST", "/v1/auth/register", body={"email": email, "password": password, "name": "Bench"})
        tokens.append(c.call("POST", "/v1/auth/login",
                             body={"email": email, "password": password})[1]["access_token"])
    return item, tokens


def cpu_seconds(pids):
    """CPU time (user + system) used so far by this process and by each of `pids`: what a
    benchmark reports to show the load generator does not eat the CPU it measures."""
    import os

    mine = os.times()
    tick = os.sysconf("SC_CLK_TCK")
    servers = 0.0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            servers += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return mine.user + mine.system, servers


def thread_cpu_seconds(pid):
    """CPU time (user + system) so far of each of `pid`'s threads, summed by thread name."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    by_name = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        by_name[name] = by_name.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return by_name


def busiest_threads(before, after, elapsed, top=4):
    """One line: the threads that used most CPU between two `thread_cpu_seconds`, as a share
    of one core each (a single thread at 100% is a bottleneck more cores do not lift)."""
    used = {name: after[name] - before.get(name, 0.0) for name in after}
    busiest = sorted(used.items(), key=lambda kv: -kv[1])[:top]
    return "threads (share of one core): " + ", ".join(
        f"{name} {seconds / elapsed:4.0%}" for name, seconds in busiest)


def cpu_share(before, after, elapsed):
    """One line: the client's and the servers' CPU over a run of `elapsed` seconds."""
    import os

    client, servers = after[0] - before[0], after[1] - before[1]
    cores = os.cpu_count() or 1
    return (f"CPU: load generator {client:5.1f} s ({client / elapsed / cores:4.0%} of {cores} cores), "
            f"Brigade {servers:5.1f} s ({servers / elapsed / cores:4.0%})")
