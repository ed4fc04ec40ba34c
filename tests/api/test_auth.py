"""API keys, the audit trail and hostile input."""
import subprocess
import time
import urllib.parse

from harness import BIN, NO_KEY, ApiTest, create_key, psql

UNAUTHORIZED_DETAIL = "send a valid API key as Authorization: Bearer <key>"


class KeysTest(ApiTest):
    default_role = None

    def assert_401(self, r):
        p = self.assertProblem(r, 401, "unauthorized")
        self.assertEqual(p["detail"], UNAUTHORIZED_DETAIL)
        self.assertEqual(r.header("www-authenticate"), 'Bearer realm="incrocio"')
        return p

    def test_missing_malformed_unknown_and_revoked_keys_look_the_same(self):
        out = subprocess.run([BIN, "keys", "create", "--role", "portal", "--label", "to revoke"],
                             check=True, capture_output=True, text=True).stdout
        key = [l[5:] for l in out.splitlines() if l.startswith("key: ")][0]
        key_id = [l[4:] for l in out.splitlines() if l.startswith("id: ")][0]
        self.assertEqual(self.server.get("/v1/offices/NA01", key=key).status, 200)
        revoked = subprocess.run([BIN, "keys", "revoke", key_id], capture_output=True, text=True)
        self.assertEqual((revoked.returncode, revoked.stdout), (0, "revoked 1 key(s)\n"))
        deadline = time.time() + 8  # the key cache trusts a lookup for 5 s
        r = self.server.get("/v1/offices/NA01", key=key)
        while r.status == 200 and time.time() < deadline:
            time.sleep(0.5)
            r = self.server.get("/v1/offices/NA01", key=key)
        bodies = [self.assert_401(r)]
        unknown = "inc_" + "A" * 43
        for headers in ({}, {"Authorization": "Bearer " + unknown}, {"Authorization": "Bearer"},
                        {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer " + key + "x"},
                        {"Authorization": "Bearer inc_" + "!" * 43}, {"Authorization": "bearer " + unknown}):
            with self.subTest(headers=headers):
                bodies.append(self.assert_401(self.server.get("/v1/offices/NA01", headers=headers, key=NO_KEY)))
        # nothing in the body tells the cases apart
        self.assertEqual({(b["type"], b["title"], b["detail"]) for b in bodies},
                         {("urn:incrocio:problem:unauthorized", "Unauthorized", UNAUTHORIZED_DETAIL)})

    def test_scheme_is_case_insensitive(self):
        r = self.server.get("/v1/offices/NA01", headers={"Authorization": "bearer " + self.keys["admin"]},
                            key=NO_KEY)
        self.assertEqual(r.status, 200)

    def test_keys_are_stored_hashed_and_last_use_recorded(self):
        key = self.keys["employer"]
        self.assertEqual(self.server.get("/v1/offices/NA01", key=key).status, 200)
        rows = psql("SELECT prefix, encode(hash, 'hex'), last_used_at IS NOT NULL FROM api_keys "
                    "WHERE prefix = '%s'" % key[:12])
        self.assertEqual(len(rows), 1)
        prefix, digest, used = rows[0]
        self.assertEqual(prefix, key[:12])
        self.assertEqual(used, "t")
        import hashlib
        self.assertEqual(digest, hashlib.sha256(key.encode()).hexdigest())
        self.assertEqual(psql("SELECT count(*) FROM api_keys WHERE encode(hash, 'escape') LIKE '%%%s%%'"
                              % key[4:20]), [["0"]])

    def test_cli(self):
        p = subprocess.run([BIN, "keys", "list"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0], "id\tprefix\trole\tscope\tlabel\tcreated\tlast_used\trevoked")
        self.assertTrue(any("\toperator\tCE08,CE07\tapi tests: operator\t" in l for l in lines), p.stdout)
        for key in self.keys.values():
            self.assertNotIn(key, p.stdout)  # a key is shown once, at creation
        bad = [(["--role", "root"], "incrocio: invalid --role: 'root'"),
               (["--role", "operator"], None),
               (["--role", "operator", "--office", "ZZ99"], "incrocio: invalid --office: no such office"),
               (["--role", "operator", "--office", "ce08"], "incrocio: invalid --office: 'ce08'"),
               (["--role", "admin", "--office", "CE08"], None),
               (["--role", "employer"], None),
               (["--role", "employer", "--employer", "not-a-uuid"], "incrocio: invalid --employer: 'not-a-uuid'"),
               (["--role", "portal", "--label", "x" * 201], "incrocio: invalid --label: longer than 200 bytes")]
        for args, message in bad:
            with self.subTest(args=args):
                p = subprocess.run([BIN, "keys", "create", *args], capture_output=True, text=True)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stdout, "")
                if message:
                    self.assertEqual(p.stderr.strip(), message)
        p = subprocess.run([BIN, "keys", "revoke", "00000000-0000-4000-8000-000000000000"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        key = create_key("--role", "portal", "--label", "cli revoke by label")
        p = subprocess.run([BIN, "keys", "revoke", "--label", "cli revoke by label"],
                           capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stdout), (0, "revoked 1 key(s)\n"))
        self.assertTrue(key.startswith("inc_") and len(key) == 47)


class AuditTest(ApiTest):
    def setUp(self):
        psql("UPDATE offices SET version = 1 WHERE code IN ('CE07', 'CE08')")

    def events(self, query="", key=None):
        r = self.server.get("/v1/audit-events" + query, key=key)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_a_write_is_audited_in_its_transaction(self):
        rid = "audit-%d" % time.time_ns()
        op = self.keys["operator"]
        r = self.server.request("PATCH", "/v1/offices/CE07", body='{"email": "cpi.sessa@example.it"}',
                                headers={"Content-Type": "application/merge-patch+json", "If-Match": '"1"',
                                         "X-Request-Id": rid}, key=op)
        self.assertEqual(r.status, 200, r)
        key_id = psql("SELECT id FROM api_keys WHERE prefix = '%s'" % op[:12])[0][0]
        items = self.events("?key_id=" + key_id + "&limit=200")["items"]
        mine = [e for e in items if e["request_id"] == rid]
        self.assertEqual(len(mine), 1, items)
        e = mine[0]
        self.assertEqual({k: e[k] for k in ("key_id", "role", "action", "resource_type", "resource_id",
                                            "job_seeker_id")},
                         {"key_id": key_id, "role": "operator", "action": "update",
                          "resource_type": "office", "resource_id": "CE07", "job_seeker_id": None})
        self.assertRegex(e["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
        self.assertIsInstance(e["id"], int)
        # a refused write leaves no audit record (and no change)
        before = psql("SELECT count(*) FROM audit_events")[0][0]
        r = self.server.request("PATCH", "/v1/offices/CE07", body='{"email": "x"}',
                                headers={"Content-Type": "application/merge-patch+json", "If-Match": '"2"'},
                                key=op)
        self.assertEqual(r.status, 422)
        r = self.server.request("PATCH", "/v1/offices/CE07", body='{"email": "a@b.it"}',
                                headers={"Content-Type": "application/merge-patch+json", "If-Match": '"1"'},
                                key=op)
        self.assertEqual(r.status, 412)
        self.assertEqual(psql("SELECT count(*) FROM audit_events")[0][0], before)

    def test_append_only(self):
        self.server.request("PATCH", "/v1/offices/CE08", body='{"phone": "0823 000001"}',
                            headers={"Content-Type": "application/merge-patch+json", "If-Match": "*"})
        for sql in ("UPDATE audit_events SET role = 'admin'", "DELETE FROM audit_events",
                    "TRUNCATE audit_events"):
            with self.subTest(sql=sql):
                p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", __import__("os").environ["DATABASE_URL"],
                                    "-c", sql], capture_output=True, text=True)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn("audit_events is append-only", p.stderr)

    def test_filters_and_pages(self):
        for i in range(5):
            self.server.request("PATCH", "/v1/offices/CE08", body='{"phone": "0823 00000%d"}' % i,
                                headers={"Content-Type": "application/merge-patch+json", "If-Match": "*"})
        admin_id = psql("SELECT id FROM api_keys WHERE prefix = '%s'" % self.keys["admin"][:12])[0][0]
        seen, path = [], "/v1/audit-events?limit=2&key_id=" + admin_id
        while path:
            r = self.server.get(path)
            self.assertEqual(r.status, 200, r)
            body = r.json()
            seen += body["items"]
            if body["next_cursor"]:
                link = r.header("link")
                self.assertIn("key_id=" + admin_id, link)
                path = link[1:link.index(">")]
            else:
                self.assertIsNone(r.header("link"))
                path = None
        self.assertGreaterEqual(len(seen), 5)
        ids = [e["id"] for e in seen]
        self.assertEqual(ids, sorted(set(ids)))
        self.assertTrue(all(e["key_id"] == admin_id for e in seen))
        future = self.events("?from=2999-01-01")
        self.assertEqual(future, {"items": [], "next_cursor": None})
        self.assertEqual(self.events("?to=2000-01-01T00:00:00Z")["items"], [])
        recent = self.events("?from=" + urllib.parse.quote("2020-01-01T00:00:00+01:00") + "&limit=200")
        self.assertGreaterEqual(len(recent["items"]), 5)
        self.assertEqual(self.events("?job_seeker_id=3f2504e0-4f89-41d3-9a0c-0305e82c3301")["items"], [])

    def test_bad_filters(self):
        cases = [("?job_seeker_id=RSSMRA80A01H501U", [("job_seeker_id", "job_seeker_id.syntax")]),
                 ("?key_id=1", [("key_id", "key_id.syntax")]),
                 ("?from=2026-02-30", [("from", "from.syntax")]),
                 ("?to=yesterday", [("to", "to.syntax")]),
                 ("?from=2026-01-01T25:00:00Z", [("from", "from.syntax")]),
                 ("?cursor=zzz", [("cursor", "cursor.invalid")]),
                 ("?who=me", [("who", "parameter.unknown")])]
        for query, errors in cases:
            with self.subTest(query=query):
                self.assertProblem(self.server.get("/v1/audit-events" + query), 400, "invalid-parameter",
                                   errors=errors)


class HostileInputTest(ApiTest):
    def test_long_url_is_414(self):
        r = self.server.get("/v1/offices?province=" + "A" * 2100)
        p = self.assertProblem(r, 414, "uri-too-long")
        self.assertEqual(p["title"], "URI Too Long")
        self.assertCommonHeaders(r)

    def test_many_or_large_headers_are_431(self):
        many = {"X-Pad-%d" % i: "1" for i in range(70)}
        p = self.assertProblem(self.server.get("/v1/offices", headers=many), 431, "headers-too-large")
        self.assertEqual(p["title"], "Request Header Fields Too Large")
        big = {"X-Pad": "a" * 9000}
        self.assertProblem(self.server.get("/v1/offices", headers=big), 431, "headers-too-large")

    def test_encoded_nul_and_invalid_utf8_in_query(self):
        for q in ("province=N%00A", "province=%FF%FE", "%C0%AF=1", "province=%ED%A0%80"):
            with self.subTest(q=q):
                r = self.server.get("/v1/offices?" + q)
                self.assertProblem(r, 400, "invalid-parameter", errors=[("", "parameter.encoding")])

    def test_sql_metacharacters_in_query_and_path(self):
        r = self.server.get("/v1/offices?province=" + urllib.parse.quote("NA' OR '1'='1"))
        self.assertProblem(r, 400, "invalid-parameter", errors=[("province", "province.syntax")])
        r = self.server.get("/v1/offices/" + urllib.parse.quote("NA01'; DELETE FROM offices; --", safe=""))
        self.assertProblem(r, 404, "not-found")
        self.assertEqual(len(self.server.get("/v1/offices?limit=200").json()["items"]), 46)

    def test_huge_and_odd_numbers(self):
        for body in ('{"lat": 1e400}', '{"lat": -1e400}', '{"lat": 123456789012345678901234567890}',
                     '{"lat": NaN}', '{"lat": Infinity}', '{"lat": 0x10}'):
            with self.subTest(body=body):
                r = self.server.request("PATCH", "/v1/offices/CE08", body=body,
                                        headers={"Content-Type": "application/merge-patch+json", "If-Match": "*"})
                self.assertIn(r.status, (400, 422), r)
                self.assertEqual(r.header("content-type"), "application/problem+json")

    def test_garbage_requests_never_crash(self):
        junk = [b"\x00\x01\x02 / HTTP/1.1\r\n\r\n", b"GET " + b"/" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET /v1/status HTTP/9.9\r\n\r\n", b"POST /v1/offices HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                b"PATCH /v1/offices/CE08 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Type: application/merge-patch+json\r\n\r\nzz\r\n"]
        for data in junk:
            with self.subTest(data=data[:40]):
                self.server.raw(data, timeout=3)
        self.assertEqual(self.server.get("/v1/status").status, 200)
        self.assertIsNone(self.server.proc.poll())
