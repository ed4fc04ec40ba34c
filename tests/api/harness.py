"""The API test harness: starts the real incrocio binary on a free loopback
port against the real PostgreSQL cluster that scripts/test started, and talks
HTTP/1.1 to it with the standard library only."""
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("INCROCIO_BIN", "build-test/incrocio")
PG_DIR = os.environ.get("INCROCIO_PG_DIR", "")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_KEYS = {}


def api_keys():
    """One key per role (made once per run with `incrocio keys create`):
    admin, operator (of CE08 and CE07), operator_na (of NA01), portal, employer."""
    if not _KEYS:
        specs = {"admin": ["--role", "admin"],
                 "operator": ["--role", "operator", "--office", "CE08", "--office", "CE07"],
                 "operator_na": ["--role", "operator", "--office", "NA01"],
                 "portal": ["--role", "portal"],
                 "employer": ["--role", "employer", "--employer", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"]}
        for name, args in specs.items():
            _KEYS[name] = create_key(*args, "--label", "api tests: " + name)
    return _KEYS


def create_key(*args):
    out = subprocess.run([BIN, "keys", "create", *args], check=True, capture_output=True,
                         text=True).stdout
    return [l[5:] for l in out.splitlines() if l.startswith("key: ")][0]


def key_id_of(key_line_output):
    return [l[4:] for l in key_line_output.splitlines() if l.startswith("id: ")][0]


NO_KEY = ""


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<%d %s %r>" % (self.status, self.headers.get("content-type"), self.body[:300])


class Server:
    """One incrocio process. Its log (stdout+stderr) goes to a temp file."""

    def __init__(self, *args, env=None):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="incrocio-api-", suffix=".log", delete=False)
        e = dict(os.environ)
        e.update(env or {})
        cmd = [BIN, "serve", "--port", str(self.port), "--no-migrate", *args]
        self.default_key = NO_KEY
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=e)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.read_log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start: " + self.read_log())

    def read_log(self):
        with open(self.log.name, "r", encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, timeout=10, key=None):
        """key: an API key to send as Bearer; None sends the server's default_key;
        NO_KEY sends none."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            h = dict(headers or {})
            key = self.default_key if key is None else key
            if key:
                h.setdefault("Authorization", "Bearer " + key)
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
                h.setdefault("Content-Type", "application/json")
            elif isinstance(body, str):
                body = body.encode()
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def raw(self, data, timeout=5):
        """Sends raw bytes, returns the raw reply (for what http.client won't send)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            out = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    out += chunk
                    if b"\r\n\r\n" in out:
                        head, _, rest = out.partition(b"\r\n\r\n")
                        for line in head.split(b"\r\n"):
                            if line.lower().startswith(b"content-length:"):
                                if len(rest) >= int(line.split(b":")[1]):
                                    return out
            except socket.timeout:
                pass
            return out

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def pg(command):
    """scripts/pg start|stop on the test cluster."""
    subprocess.run([os.path.join(ROOT, "scripts", "pg"), command, PG_DIR], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def psql(sql):
    """Runs SQL on the test database and returns the rows as lists of strings."""
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", os.environ["DATABASE_URL"], "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


class ApiTest(unittest.TestCase):
    """Base class: one shared server per test class unless a test starts its own."""

    server_args = ("--rate-limit", "100000")
    server_env = None
    server = None
    default_role = "admin"  # whose key requests carry unless they say otherwise

    @classmethod
    def setUpClass(cls):
        cls.keys = api_keys()
        cls.server = Server(*cls.server_args, env=cls.server_env)
        cls.server.default_key = cls.keys[cls.default_role] if cls.default_role else NO_KEY

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            rc = cls.server.stop()
            # A clean exit, and under ASan no leak or error report.
            if rc != 0:
                raise AssertionError("server exited with %s:\n%s" % (rc, cls.server.read_log()[-4000:]))

    def assertProblem(self, r, status, slug, *, errors=None):
        """A problem+json response with exactly this status and type; errors, when
        given, is the list of (pointer-or-parameter, code) pairs expected in order."""
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.header("content-type"), "application/problem+json", r)
        p = r.json()
        self.assertEqual(p["type"], "urn:incrocio:problem:" + slug, p)
        self.assertEqual(p["status"], status, p)
        self.assertIsInstance(p["title"], str)
        self.assertTrue(p["title"])
        self.assertIsInstance(p["detail"], str)
        self.assertTrue(p["detail"])
        self.assertEqual(p["request_id"], r.header("x-request-id"))
        self.assertTrue(p["instance"].startswith("/"), p)
        if errors is not None:
            got = [(e.get("pointer", e.get("parameter")), e["code"]) for e in p.get("errors", [])]
            self.assertEqual(got, errors, p)
        return p

    def assertCommonHeaders(self, r):
        self.assertRegex(r.header("x-request-id") or "", r"^[A-Za-z0-9._-]{1,64}$")
        for h in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
            self.assertRegex(r.header(h) or "", r"^[0-9]+$", h)
