#!/usr/bin/env python3
"""What Idempotency-Key costs (a benchmark, not a test): p50/p99 of
sequential POST /v1/service-records over one keep-alive connection, without a
key, with a new key each time (lookup, claim in the transaction, stored
response), and replayed (the same key again), interleaved by rounds of 100 so
that the machine's drift hits all three alike. It writes service records of
office NA12 on 2015-01-03: never point it at data that matters.

    DATABASE_URL=... tests/bench/idempotency.py build-rel/incrocio [requests per mode]
"""
import http.client
import json
import socket
import statistics
import subprocess
import sys
import time
import uuid

BIN = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
MODES = ("no key", "new key", "replay")


def main():
    out = subprocess.run([BIN, "keys", "create", "--role", "admin", "--label", "bench: idempotency"],
                         check=True, capture_output=True, text=True).stdout
    key = [l[5:] for l in out.splitlines() if l.startswith("key: ")][0]
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    unlimited = "admin=1000000,operator=1000000,portal=1000000,employer=1000000"
    server = subprocess.Popen([BIN, "serve", "--port", str(port), "--no-migrate", "--log-level", "warning",
                               "--rate-limit", "1000000", "--rate-limits", unlimited],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        body = json.dumps({"office_code": "NA12", "service_type": "information", "channel": "phone",
                           "delivered_on": "2015-01-03"})
        replayed = "bench-" + str(uuid.uuid4())

        def run(mode, n):
            lat = []
            for _ in range(n):
                h = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
                if mode == "new key":
                    h["Idempotency-Key"] = str(uuid.uuid4())
                elif mode == "replay":
                    h["Idempotency-Key"] = replayed
                t = time.perf_counter()
                conn.request("POST", "/v1/service-records", body=body, headers=h)
                r = conn.getresponse()
                r.read()
                lat.append((time.perf_counter() - t) * 1000)
                if r.status != 201:
                    raise SystemExit("%s: %d" % (mode, r.status))
            return lat

        run("no key", 200)  # warm up
        lat = {m: [] for m in MODES}
        for _ in range(max(1, N // 100)):
            for m in MODES:
                lat[m] += run(m, 100)
        for m in MODES:
            v = sorted(lat[m])
            print("%-8s p50 %.3f ms  p99 %.3f ms  (%d requests)" % (m, statistics.median(v), v[int(len(v) * 0.99)],
                                                                     len(v)))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
