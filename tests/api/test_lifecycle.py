"""The process: configuration errors, the database going away and coming back
under the same server, graceful shutdown, the access log, rate limits."""
import os
import signal
import subprocess
import threading
import time
import unittest

from harness import BIN, NO_KEY, ApiTest, Server, api_keys, pg


class ConfigTest(unittest.TestCase):
    def run_bin(self, *args, env=None):
        e = dict(os.environ)
        e.update(env or {})
        return subprocess.run([BIN, *args], capture_output=True, text=True, env=e, timeout=20)

    def test_invalid_configuration_exits_2_naming_the_value(self):
        cases = [(("serve", "--port", "99999"), "invalid --port: '99999'"),
                 (("serve", "--listen", "localhost"), "invalid --listen: 'localhost'"),
                 (("serve", "--pool-size", "0"), "invalid --pool-size: '0'"),
                 (("serve", "--threads", "x"), "invalid --threads: 'x'"),
                 (("serve", "--log-level", "chatty"), "invalid --log-level: 'chatty'"),
                 (("serve", "--body-limit", "10"), "invalid --body-limit: '10'"),
                 (("serve", "--bogus"), "unknown option '--bogus'"),
                 (("serve", "extra"), "unexpected argument 'extra'"),
                 (("launch",), "unknown command 'launch' (try incrocio --help)")]
        for args, message in cases:
            with self.subTest(args=args):
                p = self.run_bin(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stderr.strip(), "incrocio: " + message)
        p = self.run_bin("serve", env={"INCROCIO_PORT": "0"})
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr.strip(), "incrocio: invalid INCROCIO_PORT: '0'")
        p = self.run_bin("serve", env={"DATABASE_URL": ""})
        self.assertEqual(p.returncode, 2)
        self.assertIn("DATABASE_URL", p.stderr)

    def test_version_and_help(self):
        p = self.run_bin("version")
        self.assertEqual((p.returncode, p.stdout), (0, "incrocio 0.1.0\n"))
        p = self.run_bin("--help")
        self.assertEqual(p.returncode, 0)
        for word in ("serve", "migrate", "version", "--database-url", "--threads", "--body-limit"):
            self.assertIn(word, p.stdout)

    def test_migrate_is_idempotent(self):
        p = self.run_bin("migrate")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("migrations: 0 applied", p.stdout + p.stderr)

    def test_two_servers_migrating_at_once(self):
        procs = [subprocess.Popen([BIN, "migrate"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(3)]
        for p in procs:
            out, _ = p.communicate(timeout=30)
            self.assertEqual(p.returncode, 0, out)

    def test_unreachable_database_at_start(self):
        p = self.run_bin("migrate", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"})
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot connect to the database", p.stdout + p.stderr)


class DatabaseOutageTest(ApiTest):
    def test_503_while_down_then_recovers_in_the_same_process(self):
        self.assertEqual(self.server.get("/v1/offices/NA01").status, 200)
        pid = self.server.proc.pid
        pg("stop")
        try:
            # the health check runs every second: within 3 s status must say so
            deadline = time.time() + 5
            r = self.server.get("/v1/status")
            while r.status == 200 and time.time() < deadline:
                time.sleep(0.2)
                r = self.server.get("/v1/status")
            p = self.assertProblem(r, 503, "database-unavailable")
            self.assertEqual(r.header("retry-after"), "1")
            self.assertCommonHeaders(r)
            self.assertEqual(p["instance"], "/v1/status")
            for path in ("/v1/offices", "/v1/offices/NA01"):
                r = self.server.get(path)
                self.assertProblem(r, 503, "database-unavailable")
                self.assertEqual(r.header("retry-after"), "1")
            # what needs no database still answers
            self.assertEqual(self.server.get("/v1/openapi.yaml").status, 200)
            m = self.server.get("/metrics")
            self.assertEqual(m.status, 200)
            self.assertIn("incrocio_db_up 0", m.body.decode())
        finally:
            pg("start")
        deadline = time.time() + 10
        r = self.server.get("/v1/status")
        while r.status != 200 and time.time() < deadline:
            time.sleep(0.2)
            r = self.server.get("/v1/status")
        self.assertEqual(r.status, 200, r)
        # every pooled connection was replaced: many requests, all good
        statuses = [self.server.get("/v1/offices/NA01").status for _ in range(30)]
        self.assertEqual(set(statuses), {200})
        self.assertEqual(self.server.proc.pid, pid)
        self.assertIsNone(self.server.proc.poll())


class ShutdownTest(unittest.TestCase):
    def test_sigterm_finishes_requests_and_exits_0(self):
        s = Server("--rate-limit", "100000")
        s.default_key = api_keys()["admin"]
        results = []

        def client():
            for _ in range(20):
                try:
                    results.append(s.get("/v1/offices?limit=200").status)
                except OSError:
                    results.append("refused")
                    return

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.1)
        rc = s.stop(signal.SIGTERM)
        for t in threads:
            t.join(10)
        self.assertEqual(rc, 0, s.read_log()[-3000:])
        # every request either completed with 200 or was refused: never a broken response
        self.assertTrue(set(results) <= {200, "refused"}, results)
        self.assertIn(200, results)
        log = s.read_log()
        self.assertIn("draining", log)
        self.assertIn("stopped", log)

    def test_sigint_exits_0(self):
        s = Server()
        self.assertEqual(s.get("/v1/status").status, 200)
        self.assertEqual(s.stop(signal.SIGINT), 0, s.read_log()[-3000:])


class AccessLogTest(ApiTest):
    def test_one_line_per_request_without_values(self):
        self.server.get("/v1/offices?province=BN&limit=3", headers={"X-Request-Id": "log-check-1"})
        self.server.get("/v1/offices/BN01", headers={"X-Request-Id": "log-check-2"})
        self.server.get("/v1/unknown/RSSMRA80A01H501U", headers={"X-Request-Id": "log-check-3"})
        time.sleep(0.2)
        lines = [l for l in self.server.read_log().splitlines() if "rid=log-check-" in l]
        self.assertEqual(len(lines), 3, lines)
        self.assertRegex(lines[0], r"INFO: GET /v1/offices 200 [0-9.]+ms rid=log-check-1$")
        self.assertRegex(lines[1], r"INFO: GET /v1/offices/\{code\} 200 [0-9.]+ms rid=log-check-2$")
        self.assertRegex(lines[2], r"INFO: - unmatched 404 [0-9.]+ms rid=log-check-3$")
        log = self.server.read_log()
        for secret in ("province=BN", "BN01", "RSSMRA80A01H501U", "password"):
            self.assertNotIn(secret, log)


class RateLimitTest(ApiTest):
    server_args = ("--rate-limit", "30", "--rate-limits", "portal=5,employer=7")

    def test_anonymous_bucket_per_address_then_429_with_retry_after(self):
        remaining = []
        for _ in range(30):
            r = self.server.get("/v1/status")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("x-ratelimit-limit"), "30")
            remaining.append(int(r.header("x-ratelimit-remaining")))
        self.assertEqual(remaining, list(range(29, -1, -1)))
        r = self.server.get("/v1/status")
        self.assertProblem(r, 429, "rate-limited")
        self.assertEqual(r.header("x-ratelimit-remaining"), "0")
        retry = int(r.header("retry-after"))
        self.assertTrue(1 <= retry <= 2, retry)
        self.assertTrue(1 <= int(r.header("x-ratelimit-reset")) <= 60)
        # failed authentication counts against the address, too
        self.assertProblem(self.server.get("/v1/offices", key=NO_KEY), 429, "rate-limited")
        # a key has its own bucket, at its role's rate
        r = self.server.get("/v1/offices/NA01", key=self.keys["admin"])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("x-ratelimit-limit"), "6000")
        time.sleep(retry + 0.2)
        self.assertEqual(self.server.get("/v1/status").status, 200)

    def test_per_key_limits_by_role(self):
        for _ in range(5):
            r = self.server.get("/v1/offices/NA01", key=self.keys["portal"])
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("x-ratelimit-limit"), "5")
        r = self.server.get("/v1/offices/NA01", key=self.keys["portal"])
        self.assertProblem(r, 429, "rate-limited")
        self.assertTrue(int(r.header("retry-after")) >= 1)
        r = self.server.get("/v1/offices/NA01", key=self.keys["employer"])
        self.assertEqual((r.status, r.header("x-ratelimit-limit"), r.header("x-ratelimit-remaining")),
                         (200, "7", "6"))


class IdleTimeoutTest(ApiTest):
    server_args = ("--idle-timeout", "1")

    def closed_within(self, sock, seconds):
        import socket as s
        sock.settimeout(seconds)
        try:
            return sock.recv(1024) == b""
        except s.timeout:
            return False
        except ConnectionResetError:
            return True

    def test_idle_and_slow_clients_are_disconnected(self):
        import socket as s
        idle = s.create_connection(("127.0.0.1", self.server.port))
        slow = s.create_connection(("127.0.0.1", self.server.port))
        slow.sendall(b"GET /v1/status HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        t0 = time.time()
        self.assertTrue(self.closed_within(idle, 5))
        self.assertTrue(self.closed_within(slow, 5))
        self.assertLess(time.time() - t0, 5)
        idle.close()
        slow.close()
        # the server is still fine
        self.assertEqual(self.server.get("/v1/status").status, 200)
