#!/usr/bin/env python3
"""The changes feed's costs (a benchmark, not a test): p50/p99 of a feed read
of 200 and of 1000 entries over HTTP, and the commit recorder's cost per
write: 1,000 employer PATCHes over HTTP and 2,000 one-row UPDATE transactions
inside PostgreSQL (a DO block that commits each), with the employers' feed
trigger enabled and disabled, interleaved over rounds. It disables that
trigger on the database it is given while it runs: never point it at data
that matters.

    DATABASE_URL=... INCROCIO_BIN=build-rel/incrocio tests/bench/changes.py
"""
import base64
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from harness import Server, create_key  # noqa: E402
from test_vacancies import employer_doc  # noqa: E402

DB = os.environ["DATABASE_URL"]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def psql(sql):
    return subprocess.run(["psql", "-X", "-q", "-At", DB, "-c", sql], check=True, capture_output=True,
                          text=True).stdout.strip()


def cursor(position):
    return base64.urlsafe_b64encode(b"changes\x1f%d" % position).decode().rstrip("=")


def main():
    key = create_key("--role", "admin", "--label", "bench: changes")
    server = Server("--rate-limit", "1000000", "--rate-limits", "admin=1000000")
    conn = http.client.HTTPConnection("127.0.0.1", server.port)

    def req(method, path, body=None, headers=None):
        h = {"Authorization": "Bearer " + key, **(headers or {})}
        if isinstance(body, dict):
            body, h["Content-Type"] = json.dumps(body), "application/json"
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        return r.status, r.read()

    try:
        while int(psql("SELECT coalesce(max(position), 0) FROM changes")) < 2000:
            req("POST", "/v1/employers", employer_doc("CE07"))
        head = int(psql("SELECT max(position) FROM changes"))
        print("feed: %d entries" % head)
        for limit in (200, 1000):
            times = []
            for _ in range(300):
                t = time.perf_counter()
                st, body = req("GET", "/v1/changes?limit=%d&since=%s" % (limit, cursor(random.randint(0, head - limit))))
                times.append(time.perf_counter() - t)
                assert st == 200 and len(json.loads(body)["items"]) == limit
            times.sort()
            print("GET /v1/changes?limit=%d: p50 %.2f ms, p99 %.2f ms, %d bytes" % (
                limit, times[150] * 1e3, times[297] * 1e3, len(body)))

        st, body = req("POST", "/v1/employers", employer_doc("CE07"))
        eid = json.loads(body)["id"]
        loop = ("DO $$ DECLARE t0 timestamptz := clock_timestamp(); BEGIN"
                " FOR i IN 1..2000 LOOP UPDATE employers SET version = version + 1, updated_at = now()"
                " WHERE id = '%s'; COMMIT; END LOOP;"
                " RAISE NOTICE 'us %%', extract(epoch from clock_timestamp() - t0) * 1e6 / 2000; END $$;" % eid)
        http_ms, sql_us = {"on": [], "off": []}, {"on": [], "off": []}
        for _ in range(ROUNDS):
            for mode in ("on", "off"):
                psql("ALTER TABLE employers %s TRIGGER employers_change_feed" % ("ENABLE" if mode == "on" else "DISABLE"))
                t = time.perf_counter()
                for i in range(1000):
                    st, body = req("PATCH", "/v1/employers/" + eid, '{"email": "b%d@example.org"}' % i,
                                   {"Content-Type": "application/merge-patch+json", "If-Match": "*"})
                    assert st == 200, body
                http_ms[mode].append((time.perf_counter() - t))  # 1,000 PATCHes: seconds = ms each
                out = subprocess.run(["psql", "-X", "-q", DB, "-c", "SET synchronous_commit = off", "-c", loop], check=True, capture_output=True,
                                     text=True).stderr
                sql_us[mode].append(float(out.split("us ")[1].split()[0]))
        psql("ALTER TABLE employers ENABLE TRIGGER employers_change_feed")
        for mode in ("on", "off"):
            print("trigger %-3s: PATCH over HTTP %.3f ms (median of %d rounds of 1,000), one-row UPDATE"
                  " transaction in PostgreSQL %.1f us (median of %d rounds of 2,000)" % (
                      mode, statistics.median(http_ms[mode]), ROUNDS, statistics.median(sql_us[mode]), ROUNDS))
        print("recorder: +%.1f us per one-row transaction" % (
            statistics.median(sql_us["on"]) - statistics.median(sql_us["off"])))
    finally:
        psql("ALTER TABLE employers ENABLE TRIGGER employers_change_feed")
        conn.close()
        server.stop()


if __name__ == "__main__":
    main()
