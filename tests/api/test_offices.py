"""/v1/offices: reference data, pagination, filters, ETags and the merge-patch
of contact details with every body error."""
import json
import re
import urllib.parse

from harness import ApiTest, psql

PROVINCES = {"NA": 18, "SA": 12, "CE": 8, "AV": 4, "BN": 4}
MERGE = "application/merge-patch+json"


def reset_office(code):
    psql("UPDATE offices SET phone = NULL, email = NULL, version = 1 WHERE code = '%s'" % code)


class OfficesListTest(ApiTest):
    def walk(self, query):
        """Follows next_cursor to the end; checks Link agrees with it on every page."""
        items, pages, path = [], 0, "/v1/offices?" + query
        while True:
            r = self.server.get(path)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.header("content-type"), "application/json")
            self.assertCommonHeaders(r)
            body = r.json()
            self.assertEqual(set(body), {"items", "next_cursor"})
            items += body["items"]
            pages += 1
            if body["next_cursor"] is None:
                self.assertIsNone(r.header("link"))
                return items, pages
            link = r.header("link")
            m = re.fullmatch(r'<(/v1/offices\?[^>]+)>; rel="next"', link)
            self.assertIsNotNone(m, link)
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(m.group(1)).query)
            self.assertEqual(q["cursor"], [body["next_cursor"]])
            path = m.group(1)

    def test_all_46_offices_in_code_order_over_pages(self):
        items, pages = self.walk("limit=7")
        self.assertEqual(pages, 7)
        codes = [o["code"] for o in items]
        self.assertEqual(len(codes), 46)
        self.assertEqual(codes, sorted(set(codes)))
        self.assertEqual({p: sum(1 for c in codes if c[:2] == p) for p in PROVINCES}, PROVINCES)

    def test_default_page_is_20(self):
        body = self.server.get("/v1/offices").json()
        self.assertEqual(len(body["items"]), 20)
        self.assertIsNotNone(body["next_cursor"])

    def test_limit_200_returns_all(self):
        body = self.server.get("/v1/offices?limit=200").json()
        self.assertEqual(len(body["items"]), 46)
        self.assertIsNone(body["next_cursor"])

    def test_province_filter_and_its_link(self):
        for province, n in PROVINCES.items():
            with self.subTest(province=province):
                items, _ = self.walk("province=%s&limit=3" % province)
                self.assertEqual(len(items), n)
                self.assertTrue(all(o["province"] == province for o in items))
        r = self.server.get("/v1/offices?province=CE&limit=3")
        self.assertIn("&province=CE>", r.header("link"))

    def test_unknown_province_is_empty(self):
        body = self.server.get("/v1/offices?province=RM").json()
        self.assertEqual(body, {"items": [], "next_cursor": None})

    def test_office_shape(self):
        items = self.server.get("/v1/offices?province=CE&limit=200").json()["items"]
        teano = [o for o in items if o["comune_name"] == "Teano"]
        self.assertEqual(len(teano), 1)
        o = teano[0]
        self.assertEqual(set(o), {"code", "name", "province", "comune_istat", "comune_name", "address",
                                  "lat", "lon", "phone", "email", "version", "updated_at"})
        self.assertEqual(o["comune_istat"], "061091")
        self.assertEqual(o["province"], "CE")
        self.assertEqual(o["name"], "Centro per l'impiego di Teano")
        self.assertAlmostEqual(o["lat"], 41.251, places=3)
        self.assertAlmostEqual(o["lon"], 14.069, places=3)
        self.assertRegex(o["updated_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        sessa = [x for x in items if x["comune_name"] == "Sessa Aurunca"]
        self.assertEqual(len(sessa), 1)

    def test_bad_parameters(self):
        cases = [
            ("limit=0", [("limit", "limit.range")]),
            ("limit=201", [("limit", "limit.range")]),
            ("limit=abc", [("limit", "limit.syntax")]),
            ("limit=-1", [("limit", "limit.syntax")]),
            ("limit=", [("limit", "limit.syntax")]),
            ("limit=99999999999999999999", [("limit", "limit.syntax")]),
            ("cursor=abc", [("cursor", "cursor.invalid")]),
            ("cursor=%27%3B+DROP+TABLE+offices%3B--", [("cursor", "cursor.invalid")]),
            ("province=na", [("province", "province.syntax")]),
            ("province=NAP", [("province", "province.syntax")]),
            ("provincia=NA", [("provincia", "parameter.unknown")]),
        ]
        for query, errors in cases:
            with self.subTest(query=query):
                r = self.server.get("/v1/offices?" + query)
                p = self.assertProblem(r, 400, "invalid-parameter", errors=errors)
                self.assertEqual(p["instance"], "/v1/offices")

    def test_cursor_of_another_collection_is_rejected(self):
        import base64
        forged = base64.urlsafe_b64encode(b"vacancies\x1fNA01").decode().rstrip("=")
        r = self.server.get("/v1/offices?cursor=" + forged)
        self.assertProblem(r, 400, "invalid-parameter", errors=[("cursor", "cursor.invalid")])


class OfficeGetTest(ApiTest):
    def setUp(self):
        reset_office("CE08")

    def test_get_with_etag_and_304(self):
        r = self.server.get("/v1/offices/CE08")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("etag"), '"1"')
        self.assertEqual(r.json()["code"], "CE08")
        self.assertEqual(r.json()["version"], 1)
        for inm in ('"1"', 'W/"1"', '"7", "1"', "*"):
            with self.subTest(if_none_match=inm):
                r2 = self.server.get("/v1/offices/CE08", headers={"If-None-Match": inm})
                self.assertEqual(r2.status, 304)
                self.assertEqual(r2.body, b"")
                self.assertEqual(r2.header("etag"), '"1"')
                self.assertCommonHeaders(r2)
        r3 = self.server.get("/v1/offices/CE08", headers={"If-None-Match": '"2"'})
        self.assertEqual(r3.status, 200)

    def test_unknown_or_malformed_codes_are_404(self):
        for code in ("CE99", "ZZ01", "ce08", "CE8", "CE080", "%27%20OR%201%3D1"):
            with self.subTest(code=code):
                self.assertProblem(self.server.get("/v1/offices/" + code), 404, "not-found")

    def test_query_parameters_are_rejected(self):
        r = self.server.get("/v1/offices/CE08?fields=name")
        self.assertProblem(r, 400, "invalid-parameter", errors=[("fields", "parameter.unknown")])


class OfficePatchTest(ApiTest):
    def setUp(self):
        reset_office("CE08")

    def patch(self, body, if_match='"1"', ctype=MERGE, code="CE08"):
        headers = {"Content-Type": ctype}
        if if_match is not None:
            headers["If-Match"] = if_match
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        return self.server.request("PATCH", "/v1/offices/" + code, body=body, headers=headers)

    def version(self):
        return int(psql("SELECT version FROM offices WHERE code = 'CE08'")[0][0])

    def test_patch_contacts(self):
        r = self.patch({"phone": "+39 0823 657111", "email": "cpi.teano@regione.campania.it"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("etag"), '"2"')
        o = r.json()
        self.assertEqual(o["phone"], "+39 0823 657111")
        self.assertEqual(o["email"], "cpi.teano@regione.campania.it")
        self.assertEqual(o["version"], 2)
        g = self.server.get("/v1/offices/CE08")
        self.assertEqual(g.json(), o)
        self.assertEqual(g.header("etag"), '"2"')
        # null removes (RFC 7396)
        r = self.patch({"phone": None}, if_match='"2"')
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json()["phone"])
        self.assertEqual(r.json()["email"], "cpi.teano@regione.campania.it")
        self.assertEqual(r.header("etag"), '"3"')

    def test_sql_metacharacters_are_just_text(self):
        name = "Centro per l'impiego di Teano'; DROP TABLE offices; --"
        r = self.patch({"name": name, "address": "Via \"Roma\" 1 \\ bis"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["name"], name)
        self.assertEqual(self.server.get("/v1/offices?limit=200").json()["items"].__len__(), 46)
        psql("UPDATE offices SET name = 'Centro per l''impiego di Teano', address = 'Piazza Municipio' WHERE code = 'CE08'")

    def test_empty_patch_changes_nothing(self):
        r = self.patch({})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("etag"), '"1"')
        self.assertEqual(self.version(), 1)

    def test_if_match_star(self):
        r = self.patch({"phone": "081 1234567"}, if_match="*")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("etag"), '"2"')

    def test_missing_if_match_is_428(self):
        self.assertProblem(self.patch({"phone": "081 1234567"}, if_match=None), 428,
                           "precondition-required")
        self.assertEqual(self.version(), 1)

    def test_stale_if_match_is_412(self):
        self.assertEqual(self.patch({"phone": "081 1234567"}).status, 200)
        for im in ('"1"', '"0"', 'W/"2"', "garbage", '"2x"'):
            with self.subTest(if_match=im):
                self.assertProblem(self.patch({"phone": "081 7654321"}, if_match=im), 412,
                                   "precondition-failed")
        self.assertEqual(self.version(), 2)
        self.assertEqual(self.server.get("/v1/offices/CE08").json()["phone"], "081 1234567")

    def test_unknown_office_is_404(self):
        self.assertProblem(self.patch({"phone": "081 1234567"}, code="CE99"), 404, "not-found")
        self.assertProblem(self.patch({"phone": "081 1234567"}, code="bad"), 404, "not-found")

    def test_validation_errors_each_with_pointer(self):
        r = self.patch({"name": "", "address": None, "lat": 52.1, "lon": "14", "phone": "abc",
                        "email": "not-an-email", "code": "XX01", "version": 9, "colour": "red",
                        "a/b": 1})
        self.assertProblem(r, 422, "validation", errors=[
            ("/name", "field.length"), ("/address", "field.required"), ("/lat", "field.range"),
            ("/lon", "field.type"), ("/phone", "field.format"), ("/email", "field.format"),
            ("/code", "field.read_only"), ("/version", "field.read_only"),
            ("/colour", "field.unknown"), ("/a~1b", "field.unknown")])
        self.assertEqual(self.version(), 1)
        self.assertIsNone(self.server.get("/v1/offices/CE08").json()["phone"])

    def test_one_valid_field_and_one_invalid_writes_nothing(self):
        r = self.patch({"phone": "081 1234567", "email": 42})
        self.assertProblem(r, 422, "validation", errors=[("/email", "field.type")])
        self.assertEqual(psql("SELECT phone IS NULL, version FROM offices WHERE code = 'CE08'"),
                         [["t", "1"]])

    def test_lengths(self):
        self.assertEqual(self.patch({"address": "\u00e0" * 200}).status, 200)
        r = self.patch({"address": "a" * 201}, if_match='"2"')
        self.assertProblem(r, 422, "validation", errors=[("/address", "field.length")])
        r = self.patch({"address": "Via\nRoma"}, if_match='"2"')
        self.assertProblem(r, 422, "validation", errors=[("/address", "field.format")])
        psql("UPDATE offices SET address = 'Piazza Municipio' WHERE code = 'CE08'")

    def test_wrong_content_type_is_415(self):
        for ctype in ("application/json", "text/plain", "application/merge-patch+json; charset=latin1",
                      "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
            with self.subTest(ctype=ctype):
                self.assertProblem(self.patch('{"phone": "081 1234567"}', ctype=ctype), 415,
                                   "unsupported-media-type")
        r = self.server.request("PATCH", "/v1/offices/CE08", body='{"phone": "081 1234567"}',
                                headers={"If-Match": '"1"'})
        self.assertProblem(r, 415, "unsupported-media-type")
        ok = self.patch('{"phone": "081 1234567"}', ctype="Application/Merge-Patch+JSON; charset=UTF-8")
        self.assertEqual(ok.status, 200, ok)

    def test_malformed_json_is_400_saying_where(self):
        r = self.patch('{"phone": "081 1234567",\n "email": }')
        p = self.assertProblem(r, 400, "malformed-json", errors=[("", "json.syntax")])
        self.assertIn("line 2, column", p["detail"])
        self.assertEqual(self.version(), 1)

    def test_bodies_that_are_not_json_objects(self):
        cases = [("", "json.syntax"), ("[]", "json.not_object"), ('"x"', "json.not_object"),
                 ("null", "json.not_object"), ('{"phone": "1"} trailing', "json.syntax"),
                 ('{"phone": "\\u0000"}', "json.syntax"), ('{"a": 1, "a": 2}', "json.duplicate_key"),
                 (b'{"name": "\xff\xfe"}', "json.syntax"), ('{"lat": 1e999999}', "json.syntax"),
                 ('{"phone": "1"}\x00{"x":1}', "json.syntax")]
        for body, code in cases:
            with self.subTest(body=body):
                self.assertProblem(self.patch(body), 400, "malformed-json", errors=[("", code)])
        self.assertEqual(self.version(), 1)

    def test_depth_limit(self):
        ok = '{"x":' * 31 + "1" + "}" * 31  # depth 31 + the outer object: 32
        deep = '{"x":' * 33 + "1" + "}" * 33
        r = self.patch(ok)
        self.assertProblem(r, 422, "validation", errors=[("/x", "field.unknown")])
        r = self.patch(deep)
        self.assertProblem(r, 400, "malformed-json", errors=[("", "json.depth")])
        r = self.patch("[" * 100000)
        self.assertProblem(r, 400, "malformed-json", errors=[("", "json.depth")])

    def test_body_over_the_limit_is_413(self):
        big = '{"name": "' + "a" * (1024 * 1024) + '"}'
        r = self.patch(big)
        self.assertProblem(r, 413, "payload-too-large")
        self.assertEqual(self.version(), 1)
        # the limit is exact: a body of exactly the limit is read whole
        pad = 1024 * 1024 - len('{"name": ""}')
        r = self.patch('{"name": "' + "a" * pad + '"}')
        self.assertProblem(r, 422, "validation", errors=[("/name", "field.length")])

    def test_413_on_any_route(self):
        r = self.server.request("GET", "/v1/status", body="x" * (1024 * 1024 + 1),
                                headers={"Content-Type": "text/plain"})
        self.assertProblem(r, 413, "payload-too-large")
