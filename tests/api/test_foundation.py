"""Status, contract, metrics, routing errors, request ids and CORS."""
import os
import re

from harness import ROOT, ApiTest

ORIGIN = "https://operatori.example.it"


class StatusTest(ApiTest):
    def test_status_is_problem_json_200(self):
        r = self.server.get("/v1/status")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "application/problem+json")
        self.assertCommonHeaders(r)
        body = r.json()
        # The matching index's figures (test_matching.py checks them).
        matching = body.pop("matching")
        self.assertIn(matching["ready"], (True, False))
        self.assertEqual(body, {
            "type": "about:blank", "title": "OK", "status": 200,
            "detail": "incrocio 0.1.0 is up and its database is reachable",
            "instance": "/v1/status", "request_id": r.header("x-request-id"),
            "version": "0.1.0", "database": "up"})

    def test_head_status_has_headers_and_no_body(self):
        r = self.server.request("HEAD", "/v1/status")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("content-type"), "application/problem+json")
        self.assertCommonHeaders(r)

    def test_openapi_is_the_file(self):
        r = self.server.get("/v1/openapi.yaml")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "application/yaml")
        with open(os.path.join(ROOT, "openapi", "openapi.yaml"), "rb") as f:
            self.assertEqual(r.body, f.read())

    def test_every_route_is_in_the_contract(self):
        """Each method of each route the server has (`incrocio routes`) is an
        operation of openapi.yaml (paths there are relative to /v1), and the
        contract documents no operation the server lacks."""
        import subprocess
        from harness import BIN
        routes = set()
        for line in subprocess.run([BIN, "routes"], check=True, capture_output=True, text=True).stdout.splitlines():
            method, path = line.split()[:2]
            routes.add((method.lower(), path[3:] if path.startswith("/v1/") else path))
        documented, path = set(), None
        with open(os.path.join(ROOT, "openapi", "openapi.yaml"), encoding="utf-8") as f:
            section = None
            for line in f:
                if re.match(r"^[a-z]", line):
                    section = line.split(":")[0]
                elif section == "paths" and re.match(r"^  /", line):
                    path = line.strip().rstrip(":")
                elif section == "paths" and path and re.match(r"^    (get|put|post|patch|delete):", line):
                    documented.add((line.strip().rstrip(":"), path))
        self.assertEqual(sorted(routes - documented), [], "routes missing from openapi.yaml")
        self.assertEqual(sorted(documented - routes), [], "operations the server does not have")

    def test_the_contract_has_no_yaml_anchors(self):
        """Each operation reads on its own: no anchors or aliases (a generator's
        &id001 once appeared twice, which strict YAML loaders refuse)."""
        with open(os.path.join(ROOT, "openapi", "openapi.yaml"), encoding="utf-8") as f:
            found = [(n, line.strip()) for n, line in enumerate(f, 1)
                     if re.search(r"(:|^\s*-)\s+[&*][A-Za-z_][\w-]*\s*$", line)]
        self.assertEqual(found, [])

    def test_metrics_prometheus_text(self):
        self.server.get("/v1/offices/NA01")
        self.server.get("/v1/offices/NA01")
        self.server.get("/no/such/thing")
        r = self.server.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8")
        text = r.body.decode()
        m = re.search(r'^incrocio_http_requests_total\{route="/v1/offices/\{code\}",method="GET",'
                      r'status="200"\} (\d+)$', text, re.M)
        self.assertIsNotNone(m, text)
        self.assertGreaterEqual(int(m.group(1)), 2)
        self.assertRegex(text, r'(?m)^incrocio_http_requests_total\{route="unmatched",method="GET",status="404"\} [1-9]')
        self.assertRegex(text, r'(?m)^incrocio_http_request_duration_seconds_bucket\{route="/v1/offices/\{code\}",le="\+Inf"\} [1-9]')
        self.assertRegex(text, r'(?m)^incrocio_http_request_duration_seconds_count\{route="/v1/offices/\{code\}"\} [1-9]')
        self.assertRegex(text, r'(?m)^incrocio_db_pool_size [0-9]+$')
        self.assertRegex(text, r'(?m)^incrocio_db_pool_in_use [0-9]+$')
        self.assertRegex(text, r'(?m)^incrocio_db_pool_waiting [0-9]+$')
        self.assertRegex(text, r'(?m)^incrocio_db_up 1$')
        self.assertRegex(text, r'(?m)^incrocio_build_info\{version="0.1.0"\} 1$')
        # never a raw path or a query value as a label
        self.assertNotIn("NA01", text)
        self.assertNotIn("/no/such", text)


class RoutingErrorsTest(ApiTest):
    def test_unknown_paths_are_404_problems(self):
        # ulfius answers 200 with an empty body to unmatched paths once a
        # wildcard endpoint exists, unless the catch-all is there.
        for path in ("/", "/v1", "/v1/", "/v1/nothing", "/v2/status", "/v1/offices/NA01/extra",
                     "/v1/status/x", "/metrics/x", "/v1/offices/NA01/slots/1/2"):
            with self.subTest(path=path):
                r = self.server.get(path)
                p = self.assertProblem(r, 404, "not-found")
                self.assertEqual(p["instance"], path)
                self.assertCommonHeaders(r)

    def test_unknown_path_with_other_methods_is_404(self):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            with self.subTest(method=method):
                self.assertProblem(self.server.request(method, "/v1/nothing", body="{}"), 404, "not-found")

    def test_hostile_path_is_reported_safely(self):
        r = self.server.raw(b"GET /v1/\xff\xfe%00x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head, _, body = r.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 404"), r)
        self.assertIn(b'"instance":"/v1/%FF%FE%2500x"', body)

    def test_wrong_method_is_405_with_allow(self):
        cases = [("POST", "/v1/status", "GET, HEAD, OPTIONS"),
                 ("DELETE", "/v1/offices", "GET, HEAD, OPTIONS"),
                 ("PUT", "/v1/offices/NA01", "GET, HEAD, PATCH, OPTIONS"),
                 ("DELETE", "/v1/offices/NA01", "GET, HEAD, PATCH, OPTIONS"),
                 ("POST", "/metrics", "GET, HEAD, OPTIONS"),
                 ("PATCH", "/v1/openapi.yaml", "GET, HEAD, OPTIONS")]
        for method, path, allow in cases:
            with self.subTest(method=method, path=path):
                r = self.server.request(method, path)
                self.assertProblem(r, 405, "method-not-allowed")
                self.assertEqual(r.header("allow"), allow)
                self.assertCommonHeaders(r)

    def test_options_without_cors_lists_methods(self):
        r = self.server.request("OPTIONS", "/v1/offices/NA01")
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("allow"), "GET, HEAD, PATCH, OPTIONS")
        self.assertIsNone(r.header("access-control-allow-origin"))
        self.assertEqual(r.body, b"")


class RequestIdTest(ApiTest):
    def test_generated_when_absent(self):
        a = self.server.get("/v1/status").header("x-request-id")
        b = self.server.get("/v1/status").header("x-request-id")
        self.assertRegex(a, r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertNotEqual(a, b)

    def test_valid_incoming_is_echoed(self):
        r = self.server.get("/v1/offices/XX00", headers={"X-Request-Id": "portal-42.abc_DEF"})
        self.assertEqual(r.header("x-request-id"), "portal-42.abc_DEF")
        self.assertEqual(r.json()["request_id"], "portal-42.abc_DEF")

    def test_invalid_incoming_is_replaced(self):
        for bad in ("", "a" * 65, "has space", "semi;colon", "x\u00e9"):
            with self.subTest(bad=bad):
                r = self.server.get("/v1/status", headers={"X-Request-Id": bad.encode("utf-8")})
                rid = r.header("x-request-id")
                self.assertNotEqual(rid, bad)
                self.assertRegex(rid, r"^[0-9a-f-]{36}$")


class CorsTest(ApiTest):
    server_args = ("--rate-limit", "100000", "--cors-origins", ORIGIN + ",http://localhost:5173")

    def test_allowed_origin_gets_cors_headers(self):
        r = self.server.get("/v1/offices/NA01", headers={"Origin": ORIGIN})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("access-control-allow-origin"), ORIGIN)
        self.assertEqual(r.header("vary"), "Origin")
        exposed = [h.strip() for h in r.header("access-control-expose-headers").split(",")]
        for h in ("ETag", "Location", "X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                  "X-RateLimit-Reset"):
            self.assertIn(h, exposed)

    def test_other_origins_get_none(self):
        for origin in ("https://evil.example", ORIGIN + ".evil.example", "https://operatori.example",
                       "null"):
            with self.subTest(origin=origin):
                r = self.server.get("/v1/status", headers={"Origin": origin})
                self.assertEqual(r.status, 200)
                self.assertIsNone(r.header("access-control-allow-origin"))

    def test_preflight(self):
        r = self.server.request("OPTIONS", "/v1/offices/NA01", headers={
            "Origin": "http://localhost:5173", "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "content-type, if-match"})
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("access-control-allow-origin"), "http://localhost:5173")
        self.assertEqual(r.header("access-control-allow-methods"), "GET, HEAD, PATCH, OPTIONS")
        allowed = [h.strip().lower() for h in r.header("access-control-allow-headers").split(",")]
        for h in ("authorization", "content-type", "if-match", "if-none-match", "idempotency-key",
                  "x-request-id"):
            self.assertIn(h, allowed)
        self.assertEqual(r.header("access-control-max-age"), "600")
        self.assertCommonHeaders(r)

    def test_preflight_from_other_origin_is_not_granted(self):
        r = self.server.request("OPTIONS", "/v1/offices", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
        self.assertEqual(r.status, 204)
        self.assertIsNone(r.header("access-control-allow-origin"))
        self.assertIsNone(r.header("access-control-allow-methods"))

    def test_preflight_on_unknown_path_is_404(self):
        r = self.server.request("OPTIONS", "/v1/nothing", headers={
            "Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
        self.assertProblem(r, 404, "not-found")
