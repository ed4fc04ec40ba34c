#!/usr/bin/env python3
"""Scale-out (issue 8, item 3): two Incrocio servers behind haproxy, one
PostgreSQL primary and its streaming replica, all on loopback.

  primary (scripts/pg init)  <-- WAL --  replica (scripts/pg replica, hot standby)
        ^  writes, audited reads,            ^  DATABASE_READ_URL: lists,
        |  the matching index                |  statistics, the changes feed
  server A (port a) ----------------- server B (port b)
        ^                                    ^
        +------ haproxy (docker/haproxy.cfg, port lb) ------+  <-- clients

It makes its own clusters in a temporary folder (so nothing else in the
shared test database can change what it sees) and checks:
  (a) a write through A shows in B's matches within 1 s, and B's in A's;
  (b) reads routed to the replica lag it (proved by pausing its replay) and
      catch up once it replays; the lag, measured; while the replica is down
      they fall back to the primary;
  (c) under a steady stream of reads and writes through haproxy, A is stopped
      (SIGTERM: it drains) and started again: every response is 2xx and every
      2xx write is in the database.

  INCROCIO_BIN=build-test/incrocio python3 tests/scale/test_scale.py
The last line is "scale: N passed, N failed"."""
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "api"))

import harness  # noqa: E402
from harness import BIN, Response, free_port  # noqa: E402
from test_matching import (FRESH, P2_DOC, ensure_default_weights, poll, publish,  # noqa: E402
                           request_ok, seeker, wait_ready)
from test_vacancies import employer_doc, vacancy_doc  # noqa: E402

PG = os.path.join(ROOT, "scripts", "pg")
HAPROXY_CFG = os.environ.get("INCROCIO_HAPROXY_CFG", os.path.join(ROOT, "docker", "haproxy.cfg"))
OFFICE = "NA04"
LOOP_SECONDS = 9.0      # the client loop of (c): bounded in time...
LOOP_MAX_REQUESTS = 20000  # ...and in count
TOPO = {}               # what setUpModule started


def sh(*cmd, env=None):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def psql_at(url, sql):
    return sh("psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql)


class Api:
    """One incrocio server on a fixed loopback port (so it can be started again
    on the same one), talking HTTP/1.1 like harness.Server."""

    def __init__(self, name, port, env):
        self.name, self.port, self.env = name, port, env
        self.default_key = harness.NO_KEY
        self.proc = None
        self.log_path = os.path.join(TOPO["dir"], "server-%s.log" % name)

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", str(self.port), "--no-migrate", "--rate-limit", "100000",
             "--rate-limits", "admin=100000000", "--threads", "4"],
            stdout=log, stderr=subprocess.STDOUT, env=self.env)
        log.close()
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server %s exited: %s" % (self.name, self.read_log()[-3000:]))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server %s did not start" % self.name)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else 0

    def read_log(self):
        with open(self.log_path, "r", encoding="utf-8", errors="replace") as f:
            return f.read()

    request = harness.Server.request
    get = harness.Server.get


class Lb(Api):
    """haproxy's frontend: the same client, another port."""

    def __init__(self, port):
        self.name, self.port, self.default_key = "haproxy", port, harness.NO_KEY


def setUpModule():
    try:
        start_topology()
    except BaseException:
        tearDownModule()  # unittest skips it when set-up fails: leave nothing running
        raise


def start_topology():
    d = tempfile.mkdtemp(prefix="incrocio-scale.")
    os.chmod(d, 0o755)  # as root the clusters run as postgres, who must reach them
    TOPO["dir"] = d
    primary, replica = os.path.join(d, "primary"), os.path.join(d, "replica")
    ppg, rpg = free_port(), free_port()
    sh(PG, "init", primary, str(ppg))
    sh(PG, "start", primary)
    TOPO["primary"] = primary
    url = sh(PG, "url", primary)
    TOPO["primary_url"] = url
    os.environ["DATABASE_URL"] = url  # for harness.api_keys and psql
    sh(BIN, "migrate", env=dict(os.environ))
    t0 = time.monotonic()
    sh(PG, "replica", primary, replica, str(rpg))
    TOPO["replica"] = replica
    print("replica made with pg_basebackup -R in %.1f s" % (time.monotonic() - t0))
    TOPO["replica_url"] = sh(PG, "url", replica)
    harness._KEYS.clear()
    keys = harness.api_keys()
    env = dict(os.environ, DATABASE_URL=url, DATABASE_READ_URL=TOPO["replica_url"])
    a_port, b_port, lb_port = free_port(), free_port(), free_port()
    while len({a_port, b_port, lb_port}) < 3:
        b_port, lb_port = free_port(), free_port()
    TOPO["a"] = Api("a", a_port, env).start()
    TOPO["b"] = Api("b", b_port, env).start()
    for s in (TOPO["a"], TOPO["b"]):
        s.default_key = keys["admin"]
        wait_ready(s)
    lb_env = dict(os.environ, INCROCIO_LB_BIND="127.0.0.1:%d" % lb_port,
                  INCROCIO_API_A="127.0.0.1:%d" % a_port, INCROCIO_API_B="127.0.0.1:%d" % b_port)
    TOPO["haproxy_log"] = open(os.path.join(d, "haproxy.log"), "wb")
    TOPO["haproxy"] = subprocess.Popen(["haproxy", "-db", "-f", HAPROXY_CFG], env=lb_env,
                                       stdout=TOPO["haproxy_log"], stderr=subprocess.STDOUT)
    lb = Lb(lb_port)
    lb.default_key = keys["admin"]
    TOPO["lb"] = lb
    def up():
        try:
            return lb.get("/v1/status").status == 200
        except OSError:  # not listening yet
            return False
    _, took = poll(up, 10, 0.1)
    if took is None:
        raise RuntimeError("haproxy does not answer: " + open(TOPO["haproxy_log"].name).read()[-2000:])
    print("primary 127.0.0.1:%d, replica 127.0.0.1:%d, A 127.0.0.1:%d, B 127.0.0.1:%d, haproxy 127.0.0.1:%d"
          % (ppg, rpg, a_port, b_port, lb_port))


def tearDownModule():
    problems = []
    if "haproxy" in TOPO:
        TOPO["haproxy"].terminate()
        try:
            TOPO["haproxy"].wait(10)
        except subprocess.TimeoutExpired:
            TOPO["haproxy"].kill()
            TOPO["haproxy"].wait()
        TOPO["haproxy_log"].close()
    for name in ("a", "b"):
        if name in TOPO:
            rc = TOPO[name].stop()
            if rc != 0:
                problems.append("server %s exited with %s:\n%s" % (name, rc, TOPO[name].read_log()[-3000:]))
    for name in ("replica", "primary"):
        if name in TOPO:
            subprocess.run([PG, "stop", TOPO[name]], capture_output=True)
    if "dir" in TOPO:
        shutil.rmtree(TOPO["dir"], ignore_errors=True)
    if problems:
        raise AssertionError("\n".join(problems))


class ScaleTest(unittest.TestCase):
    def setUp(self):
        self.a, self.b, self.lb = TOPO["a"], TOPO["b"], TOPO["lb"]
        self.server = self.a  # test_matching's helpers write through self.server

    def through(self, server):
        self.server = server
        return self

    # ---- (a) ----

    def test_a_write_through_one_server_shows_in_the_others_matches_within_a_second(self):
        ensure_default_weights(self)
        emp = request_ok(self, "POST", "/v1/employers", body=employer_doc(OFFICE)).json()
        v = publish(self, vacancy_doc(emp["id"], OFFICE, title="Sala a Napoli", positions=[P2_DOC]))
        path = "/v1/vacancies/%s/positions/%s/matches?limit=200&office=%s" % (
            v["id"], v["positions"][0]["id"], OFFICE)

        def listed(server):
            r = server.get(path)
            if r.status == 503:  # has not seen the vacancy yet
                return set()
            self.assertEqual(r.status, 200, r)
            return {i["job_seeker_id"] for i in r.json()["items"]}

        for writer, reader in ((self.a, self.b), (self.b, self.a)):
            with self.subTest(writer=writer.name):
                js = request_ok(self.through(writer), "POST", "/v1/job-seekers",
                                body=seeker(office=OFFICE)).json()
                request_ok(self, "POST", "/v1/job-seekers/%s/did-events" % js["id"], body={"type": "register"})
                _, took = poll(lambda: js["id"] in listed(reader), FRESH)
                self.assertIsNotNone(took, "not in %s's matches after %.1f s" % (reader.name, FRESH))
                print("  (a) written through %s, in %s's matches after %.0f ms"
                      % (writer.name, reader.name, took * 1000))
                # a change: the person leaves, and is gone from the other's matches
                request_ok(self, "DELETE", "/v1/job-seekers/" + js["id"], status=204)
                _, took = poll(lambda: js["id"] not in listed(reader), FRESH)
                self.assertIsNotNone(took, "still in %s's matches after %.1f s" % (reader.name, FRESH))
                print("  (a) erased through %s, gone from %s's matches after %.0f ms"
                      % (writer.name, reader.name, took * 1000))

    # ---- (b) ----

    def listed_vacancies(self, server, employer):
        r = server.get("/v1/vacancies?limit=200&employer=" + employer)
        self.assertEqual(r.status, 200, r)
        return {v["id"] for v in r.json()["items"]}

    def test_b_lists_read_the_replica_and_catch_up_after_its_lag(self):
        replica = TOPO["replica_url"]
        self.assertEqual(psql_at(replica, "SELECT pg_is_in_recovery()"), "t")
        emp = request_ok(self, "POST", "/v1/employers", body=employer_doc(OFFICE)).json()
        # Replay paused: the replica stays where it is.
        _, took = poll(lambda: psql_at(replica, "SELECT count(*) FROM employers WHERE id = '%s'"
                                       % emp["id"]) == "1", 5)
        self.assertIsNotNone(took, "the replica never saw the employer")
        psql_at(replica, "SELECT pg_wal_replay_pause()")
        try:
            v = request_ok(self, "POST", "/v1/vacancies", body=vacancy_doc(emp["id"], OFFICE)).json()
            time.sleep(0.3)
            for server in (self.a, self.b, self.lb):
                # the list comes from the replica: not there yet...
                self.assertNotIn(v["id"], self.listed_vacancies(server, emp["id"]), server.name)
                # ...the read by id from the primary: there (read-your-writes)
                self.assertEqual(server.get("/v1/vacancies/" + v["id"]).status, 200)
            # so does the changes feed (its cursor never goes back: checked by the API tests)
            feed = self.a.get("/v1/changes?type=vacancy&limit=1000").json()
            self.assertNotIn(v["id"], {i["id"] for i in feed["items"]})
        finally:
            psql_at(replica, "SELECT pg_wal_replay_resume()")
        _, took = poll(lambda: v["id"] in self.listed_vacancies(self.b, emp["id"]), 5)
        self.assertIsNotNone(took, "the replica did not catch up in 5 s")
        print("  (b) replay paused: the list on the replica missed the new vacancy; "
              "resumed: listed after %.0f ms" % (took * 1000))

        # The lag of a running replica: write, then poll the list through B.
        lags = []
        for _ in range(20):
            v = request_ok(self, "POST", "/v1/vacancies", body=vacancy_doc(emp["id"], OFFICE)).json()
            _, took = poll(lambda: v["id"] in self.listed_vacancies(self.b, emp["id"]), 2, 0.002)
            self.assertIsNotNone(took, "a vacancy took more than 2 s to reach the replica's list")
            lags.append(took * 1000)
        lags.sort()
        print("  (b) write on the primary -> in the replica's list (20 writes): median %.1f ms, max %.1f ms"
              % (statistics.median(lags), lags[-1]))
        self.assertLess(statistics.median(lags), 1000)

    def test_b_reads_fall_back_to_the_primary_while_the_replica_is_down(self):
        emp = request_ok(self, "POST", "/v1/employers", body=employer_doc(OFFICE)).json()
        sh(PG, "stop", TOPO["replica"])
        try:
            time.sleep(2.5)  # the pool's health check (every second) notices
            v = request_ok(self, "POST", "/v1/vacancies", body=vacancy_doc(emp["id"], OFFICE)).json()
            for server in (self.a, self.b):
                self.assertIn(v["id"], self.listed_vacancies(server, emp["id"]), server.name)
                r = server.get("/v1/statistics/matching?from=2026-01-01&to=2026-12-31")
                self.assertEqual(r.status, 200, r)
                self.assertEqual(server.get("/v1/changes?limit=1").status, 200)
        finally:
            sh(PG, "start", TOPO["replica"])
        # back: the lists read it again (proved as above, replay paused)
        time.sleep(2.5)
        psql_at(TOPO["replica_url"], "SELECT pg_wal_replay_pause()")
        try:
            v2 = request_ok(self, "POST", "/v1/vacancies", body=vacancy_doc(emp["id"], OFFICE)).json()
            time.sleep(0.3)
            self.assertNotIn(v2["id"], self.listed_vacancies(self.a, emp["id"]))
        finally:
            psql_at(TOPO["replica_url"], "SELECT pg_wal_replay_resume()")

    # ---- (c) ----

    def test_c_stopping_a_server_behind_haproxy_fails_no_request(self):
        lb, a = self.lb, self.a
        emp = request_ok(self, "POST", "/v1/employers", body=employer_doc(OFFICE)).json()
        known = request_ok(self, "POST", "/v1/job-seekers", body=seeker(office=OFFICE)).json()["id"]
        stop = threading.Event()
        lock = threading.Lock()
        results = []  # (kind, status, id or None)
        count = [0]

        def client(n):
            i = 0
            while not stop.is_set():
                with lock:
                    if count[0] >= LOOP_MAX_REQUESTS:
                        return
                    count[0] += 1
                kind = ("list", "get", "write", "list", "status")[(i + n) % 5]
                i += 1
                try:
                    if kind == "list":
                        r = lb.get("/v1/vacancies?limit=20&employer=" + emp["id"])
                    elif kind == "get":
                        r = lb.get("/v1/job-seekers/" + known)
                    elif kind == "status":
                        r = lb.get("/v1/status")
                    else:
                        r = lb.request("POST", "/v1/job-seekers", body=seeker(office=OFFICE),
                                       headers={"Idempotency-Key": str(uuid.uuid4())})
                except (OSError, http.client.HTTPException) as e:
                    r = Response(0, {}, repr(e).encode())
                made = None
                if kind == "write" and r.status == 201:
                    made = json.loads(r.body)["id"]
                with lock:
                    results.append((kind, r.status, made, r.body[:200]))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
        start = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(2.0)
        before = len(results)
        stopped_at = time.monotonic()
        rc = a.stop(signal.SIGTERM)
        drained = time.monotonic() - stopped_at
        during = len(results)
        time.sleep(1.5)  # B alone
        a.start()
        wait_ready(a)
        restarted_at = time.monotonic()
        while time.monotonic() - start < LOOP_SECONDS:
            time.sleep(0.1)
        stop.set()
        for t in threads:
            t.join(30)
        # A is back in rotation: it took the loop's writes after its restart
        # (its counters start at its start; only the loop POSTs).
        served = a.get("/metrics").body.decode()
        after_restart = sum(float(l.rsplit(" ", 1)[1]) for l in served.splitlines()
                            if l.startswith('incrocio_http_requests_total{route="/v1/job-seekers",'
                                            'method="POST"'))

        self.assertEqual(rc, 0, "A did not exit cleanly on SIGTERM:\n" + a.read_log()[-3000:])
        bad = [(k, s, b) for k, s, _, b in results if not 200 <= s < 300]
        writes = [m for k, s, m, _ in results if k == "write" and m]
        print("  (c) %d requests through haproxy in %.1f s (%d before SIGTERM, %d while A drained in %.2f s,"
              " %d after); %d failed; %d records written; A served %d requests in the %.1f s after"
              " its restart" % (len(results), time.monotonic() - start, before, during - before, drained,
                               len(results) - during, len(bad), len(writes), after_restart,
                               time.monotonic() - restarted_at))
        self.assertEqual(bad, [], "requests that failed while A stopped and started")
        self.assertGreater(len(writes), 20)
        self.assertEqual(len(writes), len(set(writes)))
        stored = psql_at(TOPO["primary_url"], "SELECT count(*) FROM job_seekers WHERE id IN (%s)"
                         % ",".join("'%s'" % w for w in writes))
        self.assertEqual(int(stored), len(writes), "a write that got a 2xx is not in the database")
        self.assertGreater(after_restart, 0, "A did not get requests again after its restart")


class CountingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, resultclass=CountingResult)
    result = runner.run(suite)
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    print("scale: %d passed, %d failed" % (result.passed, bad))
    return 0 if bad == 0 and result.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
