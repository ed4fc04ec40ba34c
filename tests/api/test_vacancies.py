"""/v1/employers and /v1/vacancies: validation, scope, lifecycle, search."""
import random
import time

from harness import NO_KEY, ApiTest, create_key, psql

MERGE = "application/merge-patch+json"
_rand = random.Random(time.time_ns())


def piva():
    """A random valid partita IVA (independent of the server's check)."""
    digits = [_rand.randint(0, 9) for _ in range(10)]
    total = 0
    for i, d in enumerate(digits):
        if i % 2 == 0:
            total += d
        else:
            total += d * 2 - 9 if d * 2 > 9 else d * 2
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def employer_doc(office="CE08", **over):
    doc = {"name": "Trattoria %d srl" % _rand.randint(1, 10**9), "codice_fiscale": piva(),
           "ateco_code": "56.10.11", "headcount_band": "10-15",
           "seat": {"comune_istat": "061091", "address": "Via Roma 1"}, "office_code": office}
    doc.update(over)
    return doc


def position(**over):
    p = {"occupation_code": "5.2.2.1.0", "title": "Cuoco", "quantity": 2, "contract_type": "determinato",
         "working_time": "full_time", "weekly_hours": 40, "shifts": True,
         "workplace": {"comune_istat": "061091"},
         "requirements": {"skills": [{"code": "haccp", "must_have": True, "weight": 2}],
                          "education": {"min_eqf": 3, "required": False},
                          "languages": [{"code": "en", "min_cefr": "A2", "required": False}],
                          "licences": ["B"], "min_experience_months": 12, "max_distance_km": 40}}
    p.update(over)
    return p


def vacancy_doc(employer_id, office="CE08", **over):
    doc = {"employer_id": employer_id, "office_code": office, "title": "Cuochi per la stagione",
           "description": "Cerchiamo cuochi per la stagione invernale", "valid_from": "2026-01-01",
           "valid_until": "2099-02-28", "positions": [position()]}
    doc.update(over)
    return doc


class VacancyTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employer = cls.server.request("POST", "/v1/employers", body=employer_doc()).json()
        cls.employer_key = create_key("--role", "employer", "--employer", cls.employer["id"],
                                      "--label", "api tests: own employer")

    def vacancy(self, key=None, **over):
        r = self.server.request("POST", "/v1/vacancies", body=vacancy_doc(self.employer["id"], **over), key=key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def event(self, vid, body, key=None):
        return self.server.request("POST", "/v1/vacancies/%s/events" % vid, body=body, key=key)


class EmployerTest(VacancyTest):
    def test_create_read_patch_delete(self):
        doc = employer_doc()
        r = self.server.request("POST", "/v1/employers", body=doc)
        self.assertEqual(r.status, 201, r)
        e = r.json()
        self.assertEqual(r.header("location"), "/v1/employers/" + e["id"])
        self.assertEqual(r.header("etag"), '"1"')
        self.assertEqual({k: e[k] for k in doc}, doc)
        self.assertEqual(self.server.get("/v1/employers/" + e["id"]).json(), e)
        self.assertProblem(self.server.request("POST", "/v1/employers", body=doc), 409, "conflict")
        r = self.server.request("PATCH", "/v1/employers/" + e["id"], body='{"email": "info@trattoria.it"}',
                                headers={"Content-Type": MERGE, "If-Match": '"1"'})
        self.assertEqual((r.status, r.json()["email"], r.header("etag")), (200, "info@trattoria.it", '"2"'))
        self.assertProblem(self.server.request("PATCH", "/v1/employers/" + e["id"], body="{}",
                                               headers={"Content-Type": MERGE}), 428, "precondition-required")
        self.assertEqual(self.server.request("DELETE", "/v1/employers/" + e["id"]).status, 204)
        self.assertProblem(self.server.get("/v1/employers/" + e["id"]), 404, "not-found")

    def test_validation(self):
        bad_piva = piva()
        bad_piva = bad_piva[:10] + str((int(bad_piva[10]) + 1) % 10)
        for over, err in (({"codice_fiscale": bad_piva}, ("/codice_fiscale", "partita_iva.check")),
                          ({"ateco_code": "5610"}, ("/ateco_code", "ateco.syntax")),
                          ({"headcount_band": "11-20"}, ("/headcount_band", "headcount_band.unknown")),
                          ({"seat": {"comune_istat": "999999"}}, ("/seat/comune_istat", "comune.unknown")),
                          ({"office_code": "ZZ99"}, ("/office_code", "office.unknown")),
                          ({"size": 3}, ("/size", "field.unknown"))):
            with self.subTest(over=over):
                p = self.assertProblem(self.server.request("POST", "/v1/employers", body=employer_doc(**over)),
                                       422, "validation")
                self.assertIn(err, [(e["pointer"], e["code"]) for e in p["errors"]])

    def test_scope(self):
        other = self.server.request("POST", "/v1/employers", body=employer_doc("NA01")).json()
        self.assertEqual(self.server.get("/v1/employers/" + self.employer["id"], key=self.employer_key).status, 200)
        self.assertProblem(self.server.get("/v1/employers/" + other["id"], key=self.employer_key), 404, "not-found")
        self.assertProblem(self.server.request("POST", "/v1/employers", body=employer_doc("NA01"),
                                               key=self.keys["operator"]), 403, "forbidden")
        self.assertEqual(self.server.request("POST", "/v1/employers", body=employer_doc("CE08"),
                                             key=self.keys["operator"]).status, 201)
        items = self.server.get("/v1/employers?office=NA01&limit=200").json()["items"]
        self.assertIn(other["id"], [i["id"] for i in items])
        self.assertProblem(self.server.get("/v1/employers?ateco=5", ), 400, "invalid-parameter")
        for prefix in ("56", "56.1", "56.10", "56.10.11"):
            ids = [i["id"] for i in self.server.get("/v1/employers?limit=200&office=CE08&ateco=" + prefix).json()["items"]]
            self.assertIn(self.employer["id"], ids, prefix)
        self.assertNotIn(self.employer["id"], [i["id"] for i in self.server.get(
            "/v1/employers?limit=200&office=CE08&ateco=56.2").json()["items"]])
        # an employer with vacancies is kept
        self.vacancy()
        self.assertProblem(self.server.request("DELETE", "/v1/employers/" + self.employer["id"]), 409, "conflict")


class VacancyLifecycleTest(VacancyTest):
    def test_create_publish_fill(self):
        v = self.vacancy(positions=[position(quantity=2), position(title="Aiuto cuoco", quantity=1)])
        self.assertEqual(v["state"], "draft")
        self.assertEqual(v["employer_name"], self.employer["name"])
        p0, p1 = v["positions"]
        self.assertEqual(p0["workplace"], {"comune_istat": "061091", "lat": 41.251, "lon": 14.069})
        self.assertEqual(p0["filled"], 0)
        r = self.event(v["id"], {"type": "publish"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["vacancy"]["state"], "published")
        self.assertIsNotNone(r.json()["vacancy"]["published_at"])
        p = self.assertProblem(self.event(v["id"], {"type": "publish"}), 409, "conflict")
        self.assertIn("published", p["detail"])
        version = r.json()["vacancy"]["version"]
        r = self.event(v["id"], {"type": "fill", "positions": [{"position_id": p0["id"], "filled": 2}]})
        self.assertEqual((r.status, r.json()["vacancy"]["state"]), (201, "published"))
        self.assertEqual(r.json()["vacancy"]["version"], version + 1)  # a fill is a change: new ETag
        # places already filled bound the quantity; a published vacancy stays publishable
        kept = [dict(x) for x in r.json()["vacancy"]["positions"]]
        for x in kept:
            x.pop("filled")
        kept[0]["quantity"] = 1
        p = self.assertProblem(self.server.request("PATCH", "/v1/vacancies/" + v["id"], body={"positions": kept},
                                                   headers={"Content-Type": MERGE, "If-Match": "*"}), 422, "validation")
        self.assertEqual([(e["pointer"], e["code"]) for e in p["errors"]], [("/positions/0/quantity", "quantity.below_filled")])
        p = self.assertProblem(self.server.request("PATCH", "/v1/vacancies/" + v["id"], body={"positions": []},
                                                   headers={"Content-Type": MERGE, "If-Match": "*"}), 422, "validation")
        self.assertIn("/positions", [e["pointer"] for e in p["errors"]])
        p = self.assertProblem(self.event(v["id"], {"type": "fill", "positions": [{"position_id": p1["id"],
                                                                                   "filled": 2}]}), 422, "validation")
        self.assertEqual(p["errors"][0]["code"], "fill.too_many")
        r = self.event(v["id"], {"type": "fill", "positions": [{"position_id": p1["id"], "filled": 1}]})
        self.assertEqual((r.status, r.json()["vacancy"]["state"]), (201, "filled"))
        self.assertEqual([x["filled"] for x in r.json()["vacancy"]["positions"]], [2, 1])
        self.assertProblem(self.event(v["id"], {"type": "close"}), 409, "conflict")

    def test_publish_lists_what_is_missing(self):
        v = self.vacancy(description=None, valid_from=None, valid_until=None, positions=[])
        p = self.assertProblem(self.event(v["id"], {"type": "publish"}), 422, "validation")
        pointers = {e["pointer"] for e in p["errors"]}
        self.assertTrue({"/description", "/valid_from", "/valid_until", "/positions"} <= pointers, p)
        self.assertEqual(self.server.get("/v1/vacancies/" + v["id"]).json()["state"], "draft")
        self.assertEqual(self.event(v["id"], {"type": "close"}).status, 201)

    def test_expired_reads_as_expired(self):
        v = self.vacancy()
        self.assertEqual(self.event(v["id"], {"type": "publish"}).status, 201)
        psql("UPDATE vacancies SET valid_until = '2020-01-01', valid_from = '2019-01-01' WHERE id = '%s'" % v["id"])
        self.assertEqual(self.server.get("/v1/vacancies/" + v["id"]).json()["state"], "expired")
        items = self.server.get("/v1/vacancies?state=expired&limit=200").json()["items"]
        self.assertIn(v["id"], [i["id"] for i in items])
        self.assertProblem(self.event(v["id"], {"type": "fill", "positions": [
            {"position_id": v["positions"][0]["id"], "filled": 1}]}), 409, "conflict")
        self.assertEqual(self.event(v["id"], {"type": "close"}).status, 201)

    def test_patch_keeps_position_ids(self):
        v = self.vacancy()
        pid = v["positions"][0]["id"]
        positions = [dict(v["positions"][0], quantity=5), position(title="Cameriere", occupation_code="5.2.2.3.1")]
        for p in positions:
            p.pop("filled", None)
        r = self.server.request("PATCH", "/v1/vacancies/" + v["id"], body={"positions": positions},
                                headers={"Content-Type": MERGE, "If-Match": '"1"'})
        self.assertEqual(r.status, 200, r)
        new = r.json()["positions"]
        self.assertEqual((new[0]["id"], new[0]["quantity"]), (pid, 5))
        self.assertNotEqual(new[1]["id"], pid)
        other = self.vacancy()
        r = self.server.request("PATCH", "/v1/vacancies/" + v["id"],
                                body={"positions": [dict(position(), id=other["positions"][0]["id"])]},
                                headers={"Content-Type": MERGE, "If-Match": '"2"'})
        p = self.assertProblem(r, 422, "validation")
        self.assertEqual(p["errors"][0]["code"], "position.unknown")
        self.assertEqual(self.event(v["id"], {"type": "close"}).status, 201)
        r = self.server.request("PATCH", "/v1/vacancies/" + v["id"], body={"title": "x"},
                                headers={"Content-Type": MERGE, "If-Match": "*"})
        self.assertProblem(r, 409, "conflict")

    def test_forbidden_criteria(self):
        for where in ({"max_age": 30}, {"positions": [position(sex="F")]},
                      {"positions": [position(requirements={"citizenship": ["IT"]})]},
                      {"positions": [position(requirements={"skills": [{"code": "x", "Stato-Civile": "celibe"}]})]}):
            with self.subTest(where=where):
                r = self.server.request("POST", "/v1/vacancies", body=vacancy_doc(self.employer["id"], **where))
                p = self.assertProblem(r, 422, "validation")
                codes = [e["code"] for e in p["errors"]]
                self.assertIn("criteria.forbidden", codes, p)
                self.assertIn("D.Lgs 276/2003 art. 10", [e for e in p["errors"] if e["code"] == "criteria.forbidden"][0]["detail"])

    def test_validation(self):
        for over, err in (({"positions": [position(quantity=0)]}, ("/positions/0/quantity", "field.range")),
                          ({"positions": [position(apprenticeship=True)]},
                           ("/positions/0/apprenticeship", "apprenticeship.contract_mismatch")),
                          ({"valid_from": "2027-01-01", "valid_until": "2026-01-01"},
                           ("/valid_until", "valid_until.before_from")),
                          ({"positions": [position(workplace={"comune_istat": "999999"})]},
                           ("/positions/0/workplace/comune_istat", "comune.unknown")),
                          ({"employer_id": "00000000-0000-4000-8000-000000000000"},
                           ("/employer_id", "employer.unknown"))):
            with self.subTest(over=over):
                doc = vacancy_doc(self.employer["id"])
                doc.update(over)
                r = self.server.request("POST", "/v1/vacancies", body=doc)
                p = self.assertProblem(r, 422, "validation")
                self.assertIn(err, [(e["pointer"], e["code"]) for e in p["errors"]])


class VacancySearchScopeTest(VacancyTest):
    def test_full_text_italian_stemming_and_filters(self):
        word = "pizzaiolo%d" % _rand.randint(1, 10**6)
        v = self.vacancy(title="Cuochi e %s" % word)
        self.assertEqual(self.event(v["id"], {"type": "publish"}).status, 201)
        ids = lambda q: [i["id"] for i in self.server.get("/v1/vacancies?limit=200&" + q).json()["items"]]
        self.assertIn(v["id"], ids("q=cuoco+" + word))   # "cuochi" found by "cuoco"
        self.assertNotIn(v["id"], ids("q=idraulico+" + word))
        self.assertIn(v["id"], ids("occupation=5.2.2&state=published&employer=" + self.employer["id"]))
        self.assertIn(v["id"], ids("province=CE&contract_type=determinato&employer=" + self.employer["id"]))
        self.assertIn(v["id"], ids("near_lat=41.25&near_lon=14.07&radius_km=5&employer=" + self.employer["id"]))
        self.assertNotIn(v["id"], ids("near_lat=40.85&near_lon=14.27&radius_km=20&employer=" + self.employer["id"]))
        for q, code in (("state=open", "state.unknown"), ("near_lat=41", "near_lon.range"),
                        ("radius_km=0", "near_lat.range"), ("occupation=5..2", "occupation.syntax"),
                        ("occupation=522", "occupation.syntax"),
                        ("contract_type=fisso", "contract_type.unknown")):
            with self.subTest(q=q):
                p = self.assertProblem(self.server.get("/v1/vacancies?" + q), 400, "invalid-parameter")
                self.assertIn(code, [e["code"] for e in p["errors"]])

    def test_portal_sees_published_and_employer_its_own(self):
        draft = self.vacancy()
        pub = self.vacancy()
        self.assertEqual(self.event(pub["id"], {"type": "publish"}).status, 201)
        self.assertProblem(self.server.get("/v1/vacancies/" + draft["id"], key=self.keys["portal"]), 404, "not-found")
        self.assertEqual(self.server.get("/v1/vacancies/" + pub["id"], key=self.keys["portal"]).status, 200)
        portal_ids = [i["id"] for i in self.server.get("/v1/vacancies?limit=200&employer=" + self.employer["id"],
                                                       key=self.keys["portal"]).json()["items"]]
        self.assertIn(pub["id"], portal_ids)
        self.assertNotIn(draft["id"], portal_ids)
        # an employer: its own, drafts included; another employer's is 404
        self.assertEqual(self.server.get("/v1/vacancies/" + draft["id"], key=self.employer_key).status, 200)
        self.assertProblem(self.server.get("/v1/vacancies/" + draft["id"], key=self.keys["employer"]), 404, "not-found")
        self.assertEqual(self.server.get("/v1/vacancies?limit=5", key=self.keys["employer"]).json()["items"], [])
        self.assertEqual(self.server.get("/v1/vacancies?state=draft", key=self.keys["portal"]).json(),
                         {"items": [], "next_cursor": None})
        self.assertEqual(self.server.get("/v1/vacancies?employer=" + self.employer["id"],
                                         key=self.keys["employer"]).json(), {"items": [], "next_cursor": None})
        own = [i["id"] for i in self.server.get("/v1/vacancies?limit=200", key=self.employer_key).json()["items"]]
        self.assertIn(draft["id"], own)
        mine = self.vacancy(key=self.employer_key)
        self.assertEqual(mine["employer_id"], self.employer["id"])
        other = self.server.request("POST", "/v1/employers", body=employer_doc()).json()
        r = self.server.request("POST", "/v1/vacancies", body=vacancy_doc(other["id"]), key=self.employer_key)
        self.assertProblem(r, 403, "forbidden")
        self.assertProblem(self.server.request("POST", "/v1/vacancies", body=vacancy_doc(self.employer["id"]),
                                               key=self.keys["portal"]), 403, "forbidden")
        self.assertProblem(self.server.request("POST", "/v1/vacancies", body=vacancy_doc(self.employer["id"], office="NA01"),
                                               key=self.keys["operator"]), 403, "forbidden")
