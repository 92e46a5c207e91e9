"""Memory over a soak of mixed traffic: wrk reads the menu, the caller's profile and their
orders (bearer token) while customers place and pay orders, for SOAK_SECS (default 300).
Samples Brigade's RSS every 5 s and prints it per minute, the peak (VmHWM, start-up
included) and the growth from the first minute to the last.
Targets: peak <= 64 MiB, and flat: once the first two minutes have filled the bounded caches,
the last minute within 5 % of the third.

    python3 bench/soak.py BINARY DATABASE_URL     (bench/soak.sh runs it on both databases)
"""

import os
import subprocess
import sys
import threading
import time

from http_client import Client, peak_rss_verdict, place_and_pay, rss_kib, server_env, start_demo

PORT = int(os.environ.get("PORT", "18770"))
SECS = int(os.environ.get("SOAK_SECS", "300"))
WRITERS = int(os.environ.get("WRITERS", "4"))
PASSWORD = "bench-soak-passphrase"


def main():
    binary, url = sys.argv[1], sys.argv[2]
    server = start_demo(binary, PORT, server_env(url))
    try:
        c = Client(PORT)
        email = f"soak-{time.time_ns()}@example.com"
        c.call("POST", "/v1/auth/register", body={"email": email, "password": PASSWORD, "name": "Soak"})
        token = c.call("POST", "/v1/auth/login",
                       body={"email": email, "password": PASSWORD})[1]["access_token"]
        started_kib = rss_kib(server.pid)
        samples, stop = [], threading.Event()

        def sample():
            began = time.time()
            while not stop.wait(5):
                samples.append((time.time() - began, rss_kib(server.pid)))

        sampler = threading.Thread(target=sample)
        sampler.start()
        lua = os.path.join(os.path.dirname(os.path.abspath(__file__)), "soak_reads.lua")
        reads = subprocess.Popen(
            ["wrk", "-t1", "-c16", f"-d{SECS}s", "-s", lua, f"http://127.0.0.1:{PORT}"],
            env=dict(os.environ, SOAK_TOKEN=token), stdout=subprocess.PIPE, text=True)
        # Access tokens last 15 minutes, so the reads' token outlives the soak.
        orders_per_s, _, errors, _, cpu = place_and_pay(PORT, WRITERS, SECS, pids=(server.pid,))
        out = reads.communicate()[0]
        stop.set()
        sampler.join()
        peak_kib = rss_kib(server.pid, "VmHWM")
        parts = {f: rss_kib(server.pid, f) for f in ("RssAnon", "RssFile", "RssShmem")}
    finally:
        server.terminate()
        server.wait()

    read_rps = next((line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")), "?")
    print(f"{SECS} s of mixed traffic: {read_rps} reads/s (menu, profile, orders) and "
          f"{orders_per_s:.0f} orders placed and paid/s ({errors} errors); {cpu}")
    print(f"RSS after start-up: {started_kib / 1024:.1f} MiB")
    for minute in range(0, SECS // 60 + 1):
        window = [kib for t, kib in samples if minute * 60 <= t < (minute + 1) * 60]
        if window:
            print(f"  minute {minute + 1}: {min(window) / 1024:6.1f} – {max(window) / 1024:6.1f} MiB")
    # The first two minutes fill what is bounded (SQLite's page budget, the credential cache,
    # the sandbox processor's references); from then on memory should stay where it is.
    settled = [kib for t, kib in samples if 120 <= t < 180]
    last = [kib for t, kib in samples if t >= SECS - 60]
    growth = (sum(last) / len(last)) / (sum(settled) / len(settled)) - 1 if settled and last else float("nan")
    print("at the end: " + ", ".join(f"{f} {kib / 1024:.1f} MiB" for f, kib in parts.items()))
    print(peak_rss_verdict(peak_kib))
    print(f"last minute vs the third: {growth:+.1%} "
          f"{'flat' if abs(growth) <= 0.05 else 'NOT FLAT (target within 5 %)'}")


if __name__ == "__main__":
    main()
