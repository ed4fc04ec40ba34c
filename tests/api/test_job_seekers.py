"""/v1/job-seekers: the SAP record, its validation, access, audit and erasure;
the DID lifecycle; the lookup by codice fiscale."""
import itertools
import json
import random
import threading
import time

import cf
from harness import NO_KEY, ApiTest, psql

MERGE = "application/merge-patch+json"
_serial = itertools.count(1)
_rand = random.Random(time.time_ns())
CONS = "BCDFGLMNPRSTVZ"


def _name(rand, vowels="AEIOU"):
    return "".join(rand.choice(CONS) + rand.choice(vowels).lower() for _ in range(3)).capitalize()


def person(office="CE08", **over):
    """A valid, distinct job seeker document."""
    n = next(_serial)
    given, family = _name(_rand), _name(_rand)  # random: distinct across runs on one database
    birth = "19%02d-%02d-%02d" % (_rand.randint(60, 99), _rand.randint(1, 12), _rand.randint(1, 28))
    doc = {
        "codice_fiscale": cf.make(family, given, birth, "M"),
        "given_name": given, "family_name": family, "birth_date": birth, "sex": "M",
        "citizenship": "IT",
        "domicile": {"comune_istat": "061091", "address": "Via %s %d" % (given, n)},
        "email": "%s@example.org" % family.lower(), "phone": "+39 0823 %08d" % _rand.randint(0, 99999999), "office_code": office,
        "education": [{"title": "Diploma alberghiero", "eqf_level": 4, "year": 1999}],
        "languages": [{"code": "en", "cefr": "B1"}], "licences": ["B"],
        "skills": [{"code": "haccp", "level": 3}], "it_skills": ["Excel"],
        "experiences": [{"occupation_code": "5.2.2.1.0", "from": "2015-03-01", "to": "2019-10-31",
                         "contract_type": "determinato", "employer_name": "Trattoria"}],
        "desired_occupations": ["5.2.2.1.0"],
        "availability": {"contract_types": ["indeterminato", "determinato"], "working_time": "any",
                         "shifts": True, "max_travel_km": 30, "relocate": False},
        "l68": None, "matching_consent": True}
    doc.update(over)
    return doc


class JobSeekerTest(ApiTest):
    def create(self, doc=None, key=None):
        r = self.server.request("POST", "/v1/job-seekers", body=doc or person(), key=key)
        return r

    def created(self, doc=None, key=None):
        r = self.create(doc, key)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def patch(self, id_, body, if_match, key=None):
        headers = {"Content-Type": MERGE}
        if if_match is not None:
            headers["If-Match"] = if_match
        return self.server.request("PATCH", "/v1/job-seekers/" + id_, body=json.dumps(body),
                                   headers=headers, key=key)

    def audit(self, id_):
        return [(e["action"], e["resource_type"]) for e in
                self.server.get("/v1/audit-events?limit=200&job_seeker_id=" + id_).json()["items"]]


class CreateReadTest(JobSeekerTest):
    def test_create_then_read(self):
        doc = person()
        r = self.create(doc)
        self.assertEqual(r.status, 201, r)
        body = r.json()
        self.assertEqual(r.header("location"), "/v1/job-seekers/" + body["id"])
        self.assertEqual(r.header("etag"), '"1"')
        for k in ("codice_fiscale", "given_name", "family_name", "birth_date", "sex", "citizenship",
                  "email", "phone", "office_code", "education", "languages", "licences", "skills",
                  "it_skills", "experiences", "desired_occupations", "availability", "l68",
                  "matching_consent"):
            self.assertEqual(body[k], doc[k], k)
        # coordinates filled from the comune (Teano) when only its code is given
        self.assertEqual(body["domicile"], {"comune_istat": "061091", "address": doc["domicile"]["address"],
                                            "lat": 41.251, "lon": 14.069})
        self.assertEqual(body["did"], {"state": None, "state_code": None})
        self.assertEqual(body["version"], 1)
        g = self.server.get("/v1/job-seekers/" + body["id"])
        self.assertEqual(g.status, 200)
        self.assertEqual(g.json(), body)
        self.assertEqual(g.header("etag"), '"1"')
        self.assertEqual(g.header("cache-control"), "no-store")
        self.assertEqual(self.server.get("/v1/job-seekers/" + body["id"],
                                         headers={"If-None-Match": '"1"'}).status, 304)
        self.assertEqual(self.audit(body["id"])[:2], [("create", "job_seeker"), ("read", "job_seeker")])

    def test_minimal_document_gets_defaults(self):
        doc = person()
        for k in ("email", "phone", "education", "languages", "licences", "skills", "it_skills",
                  "experiences", "desired_occupations", "availability", "l68", "matching_consent"):
            del doc[k]
        doc["domicile"] = {"comune_istat": "063049"}
        body = self.created(doc)
        self.assertEqual(body["availability"], {"contract_types": [], "working_time": "any",
                                                "shifts": False, "max_travel_km": 30, "relocate": False})
        self.assertEqual(body["matching_consent"], False)
        self.assertEqual((body["email"], body["education"], body["licences"]), (None, [], []))

    def test_unknown_or_malformed_ids_are_404(self):
        for id_ in ("00000000-0000-4000-8000-000000000000", "abc", "RSSMRA80A01H501U"):
            with self.subTest(id=id_):
                self.assertProblem(self.server.get("/v1/job-seekers/" + id_), 404, "not-found")

    def test_duplicate_codice_fiscale_is_409(self):
        doc = person()
        self.created(doc)
        doc2 = dict(doc, codice_fiscale=doc["codice_fiscale"].lower())
        p = self.assertProblem(self.create(doc2), 409, "conflict")
        self.assertNotIn(doc["codice_fiscale"], json.dumps(p))

    def test_validation_errors_point_at_each_field(self):
        good = person()
        bad_cf = good["codice_fiscale"][:15] + ("A" if good["codice_fiscale"][15] != "A" else "B")
        cases = [
            ({"codice_fiscale": bad_cf}, ("/codice_fiscale", "codice_fiscale.check")),
            ({"codice_fiscale": "RSSMRA80A01H50"}, ("/codice_fiscale", "codice_fiscale.length")),
            ({"birth_date": "1970-05-05"}, ("/codice_fiscale", "codice_fiscale.birth_date_mismatch")),
            ({"sex": "F"}, ("/codice_fiscale", "codice_fiscale.sex_mismatch")),
            ({"domicile": {"comune_istat": "999999"}}, ("/domicile/comune_istat", "comune.unknown")),
            ({"office_code": "ZZ99"}, ("/office_code", "office.unknown")),
            ({"licences": ["B", "Z"]}, ("/licences/1", "licences.unknown")),
            ({"languages": [{"code": "en", "cefr": "D1"}]}, ("/languages/0/cefr", "cefr.unknown")),
            ({"education": [{"title": "X", "eqf_level": 9}]}, ("/education/0/eqf_level", "field.range")),
            ({"experiences": [{"occupation_code": "5.2.2.1.0", "from": "2020-01-01", "to": "2019-01-01",
                               "contract_type": "determinato"}]},
             ("/experiences/0/to", "experiences.to_before_from")),
            ({"experiences": [{"occupation_code": "5.2.2", "from": "2020-01-01",
                               "contract_type": "determinato"}]},
             ("/experiences/0/occupation_code", "field.format")),
            ({"experiences": [{"occupation_code": "5.2.2.1.0", "from": "2020-01-01",
                               "contract_type": "a_chiamata"}]},
             ("/experiences/0/contract_type", "contract_type.unknown")),
            ({"citizenship": "XX"}, ("/citizenship", "citizenship.unknown")),
            ({"email": "not an email"}, ("/email", "field.format")),
            ({"given_name": ""}, ("/given_name", "field.length")),
            ({"colour": "blue"}, ("/colour", "field.unknown")),
            ({"version": 3}, ("/version", "field.read_only")),
            ({"skills": [{"code": "x"}] * 2}, ("/skills/1/code", "skills.duplicate")),
        ]
        for change, expected in cases:
            with self.subTest(change=change):
                p = self.assertProblem(self.create(dict(good, **change)), 422, "validation")
                got = [(e["pointer"], e["code"]) for e in p["errors"]]
                self.assertIn(expected, got, p)
        self.assertEqual(psql("SELECT count(*) FROM job_seekers WHERE codice_fiscale = '%s'"
                              % good["codice_fiscale"]), [["0"]])

    def test_every_error_at_once(self):
        doc = person(birth_date="2999-01-01", sex="X", citizenship="it", licences="B",
                     matching_consent="yes")
        del doc["given_name"]
        p = self.assertProblem(self.create(doc), 422, "validation")
        pointers = {e["pointer"] for e in p["errors"]}
        for ptr in ("/given_name", "/birth_date", "/sex", "/licences", "/matching_consent"):
            self.assertIn(ptr, pointers, p)

    def test_body_errors(self):
        r = self.server.request("POST", "/v1/job-seekers", body="{", headers={"Content-Type": "application/json"})
        self.assertProblem(r, 400, "malformed-json")
        r = self.server.request("POST", "/v1/job-seekers", body="{}", headers={"Content-Type": "text/plain"})
        self.assertProblem(r, 415, "unsupported-media-type")


class AccessTest(JobSeekerTest):
    def test_who_may_create_and_read(self):
        self.assertEqual(self.create(person("CE08"), key=self.keys["operator"]).status, 201)
        self.assertProblem(self.create(person("NA01"), key=self.keys["operator"]), 403, "forbidden")
        self.assertEqual(self.create(person("NA01"), key=self.keys["portal"]).status, 201)
        self.assertProblem(self.create(person("NA01"), key=self.keys["employer"]), 403, "forbidden")
        self.assertProblem(self.create(person("NA01"), key=NO_KEY), 401, "unauthorized")
        body = self.created(person("NA01"))
        # operators read region-wide; portals and employers do not read people
        self.assertEqual(self.server.get("/v1/job-seekers/" + body["id"], key=self.keys["operator"]).status, 200)
        for role in ("portal", "employer"):
            self.assertProblem(self.server.get("/v1/job-seekers/" + body["id"], key=self.keys[role]),
                               403, "forbidden")
            self.assertProblem(self.server.get("/v1/job-seekers", key=self.keys[role]), 403, "forbidden")

    def test_operators_write_only_their_offices(self):
        body = self.created(person("NA01"))
        self.assertProblem(self.patch(body["id"], {"phone": "081 1"}, '"1"', key=self.keys["operator"]),
                           403, "forbidden")
        self.assertProblem(self.server.request("DELETE", "/v1/job-seekers/" + body["id"],
                                               key=self.keys["operator"]), 403, "forbidden")
        mine = self.created(person("CE08"), key=self.keys["operator"])
        # moving one's person to another office is refused too
        self.assertProblem(self.patch(mine["id"], {"office_code": "NA01"}, '"1"', key=self.keys["operator"]),
                           403, "forbidden")
        r = self.patch(mine["id"], {"office_code": "CE07"}, '"1"', key=self.keys["operator"])
        self.assertEqual((r.status, r.json()["office_code"]), (200, "CE07"))


class PatchTest(JobSeekerTest):
    def test_merge_patch(self):
        body = self.created()
        r = self.patch(body["id"], {"email": None, "licences": ["B", "C"],
                                    "availability": {"max_travel_km": 50}}, '"1"')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("etag"), '"2"')
        new = r.json()
        self.assertIsNone(new["email"])
        self.assertEqual(new["licences"], ["B", "C"])
        self.assertEqual(new["availability"]["max_travel_km"], 50)
        self.assertEqual(new["availability"]["working_time"], "any")  # the rest kept
        self.assertEqual(new["experiences"], body["experiences"])
        self.assertEqual(self.server.get("/v1/job-seekers/" + body["id"]).json(), new)
        self.assertIn(("update", "job_seeker"), self.audit(body["id"]))

    def test_empty_patch_and_query_parameters(self):
        body = self.created()
        r = self.patch(body["id"], {}, '"1"')
        self.assertEqual((r.status, r.header("etag"), r.json()), (200, '"1"', body))
        for path in ("/v1/job-seekers/%s?fields=all", "/v1/job-seekers/%s/did?x=1",
                     "/v1/job-seekers/%s/service-agreements?limit=5"):
            with self.subTest(path=path):
                q = path.split("?")[1].split("=")[0]
                self.assertProblem(self.server.get(path % body["id"]), 400, "invalid-parameter",
                                   errors=[(q, "parameter.unknown")])
        p = self.assertProblem(self.server.request("POST", "/v1/job-seeker-lookups",
                                                   body={"codice_fiscale": body["codice_fiscale"], "name": "x"}),
                               422, "validation")
        self.assertEqual([(e["pointer"], e["code"]) for e in p["errors"]], [("/name", "field.unknown")])

    def test_preconditions_and_errors(self):
        body = self.created()
        id_ = body["id"]
        self.assertProblem(self.patch(id_, {"phone": "081 2"}, None), 428, "precondition-required")
        self.assertProblem(self.patch(id_, {"phone": "081 2"}, '"7"'), 412, "precondition-failed")
        p = self.assertProblem(self.patch(id_, {"birth_date": "2001-01-01", "id": "x"}, '"1"'), 422,
                               "validation")
        self.assertIn(("/codice_fiscale", "codice_fiscale.birth_date_mismatch"),
                      [(e["pointer"], e["code"]) for e in p["errors"]])
        self.assertEqual(self.server.get("/v1/job-seekers/" + id_).json()["version"], 1)
        r = self.server.request("PATCH", "/v1/job-seekers/" + id_, body="{}",
                                headers={"Content-Type": "application/json", "If-Match": '"1"'})
        self.assertProblem(r, 415, "unsupported-media-type")

    def test_twenty_parallel_patches_one_wins(self):
        body = self.created()
        results = []

        def one(i):
            results.append(self.patch(body["id"], {"phone": "081 %06d" % i}, '"1"').status)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(sorted(results), [200] + [412] * 19)
        self.assertEqual(self.server.get("/v1/job-seekers/" + body["id"]).json()["version"], 2)


class EraseTest(JobSeekerTest):
    def test_erasure_removes_every_personal_field(self):
        doc = person()
        body = self.created(doc)
        id_ = body["id"]
        self.assertEqual(self.server.request("POST", "/v1/job-seekers/%s/did-events" % id_,
                                             body={"type": "register", "reason": "Rossi in person"}).status, 201)
        r = self.server.request("DELETE", "/v1/job-seekers/" + id_, headers={"If-Match": '"9"'})
        self.assertProblem(r, 412, "precondition-failed")
        r = self.server.request("DELETE", "/v1/job-seekers/" + id_)
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertProblem(self.server.request("DELETE", "/v1/job-seekers/" + id_), 404, "not-found")
        self.assertProblem(self.server.get("/v1/job-seekers/" + id_), 404, "not-found")
        # no table holds the codice fiscale, the names, the e-mail or the phone
        for value in (doc["codice_fiscale"], doc["family_name"], doc["email"], doc["phone"],
                      doc["domicile"]["address"], "Rossi in person"):
            rows = psql("SELECT count(*) FROM (SELECT row_to_json(t)::text AS j FROM job_seekers t"
                        " UNION ALL SELECT row_to_json(t)::text FROM did_events t"
                        " UNION ALL SELECT row_to_json(t)::text FROM job_seeker_experiences t"
                        " UNION ALL SELECT row_to_json(t)::text FROM job_seeker_education t"
                        " UNION ALL SELECT row_to_json(t)::text FROM audit_events t) x"
                        " WHERE j LIKE '%%' || $$%s$$ || '%%'" % value)
            self.assertEqual(rows, [["0"]], value)
        # what is left only counts
        self.assertEqual(psql("SELECT office_code, birth_year, erased_at IS NOT NULL FROM job_seekers"
                              " WHERE id = '%s'" % id_), [["CE08", doc["birth_date"][:4], "t"]])
        self.assertIn(("erase", "job_seeker"), self.audit(id_))
        # and the codice fiscale may be registered again
        self.assertEqual(self.create(doc).status, 201)


class ListLookupTest(JobSeekerTest):
    def test_filters_and_pages(self):
        made = [self.created(person("BN02", licences=["C", "CQC"], desired_occupations=["8.1.3.1.0"]))
                for _ in range(5)]
        ids = {m["id"] for m in made}
        seen, path = [], "/v1/job-seekers?office=BN02&licence=CQC&limit=2"
        while path:
            r = self.server.get(path)
            self.assertEqual(r.status, 200, r)
            body = r.json()
            seen += body["items"]
            link = r.header("link")
            path = link[1:link.index(">")] if body["next_cursor"] else None
            if path:
                self.assertIn("office=BN02", path)
        got = {i["id"] for i in seen}
        self.assertTrue(ids <= got)
        self.assertTrue(all(i["office_code"] == "BN02" for i in seen))
        item = [i for i in seen if i["id"] == made[0]["id"]][0]
        self.assertEqual(set(item), {"id", "given_name", "family_name", "office_code", "comune_istat",
                                     "did", "updated_at"})
        for q, expect in (("occupation=8.1.3", True), ("occupation=8", True), ("occupation=8.1.4", False),
                          ("comune=061091", True), ("comune=063049", False), ("did_state=inserita", False),
                          ("updated_since=2000-01-01", True), ("updated_since=2999-01-01T00:00:00Z", False)):
            with self.subTest(q=q):
                items = self.server.get("/v1/job-seekers?office=BN02&limit=200&" + q).json()["items"]
                self.assertEqual(made[0]["id"] in {i["id"] for i in items}, expect)
        self.assertIn(("list", "job_seeker"), self.audit(made[0]["id"]))

    def test_bad_list_parameters(self):
        for q, err in (("office=ce08", "office.syntax"), ("did_state=attiva", "did_state.unknown"),
                       ("occupation=5.x", "occupation.syntax"), ("comune=61091", "comune.syntax"),
                       ("licence=Z", "licence.unknown"), ("updated_since=ieri", "updated_since.syntax"),
                       ("cf=RSSMRA80A01H501U", "parameter.unknown")):
            with self.subTest(q=q):
                self.assertProblem(self.server.get("/v1/job-seekers?" + q), 400, "invalid-parameter",
                                   errors=[(q.split("=")[0], err)])

    def test_lookup_by_codice_fiscale_in_the_body(self):
        doc = person()
        body = self.created(doc)
        rid = "lookup-%d" % time.time_ns()
        r = self.server.request("POST", "/v1/job-seeker-lookups",
                                body={"codice_fiscale": doc["codice_fiscale"].lower()},
                                headers={"X-Request-Id": rid})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], body["id"])
        self.assertProblem(self.server.request("POST", "/v1/job-seeker-lookups",
                                               body={"codice_fiscale": cf.make("Nessuno", "Mai", "1990-01-01", "F")}),
                           404, "not-found")
        p = self.assertProblem(self.server.request("POST", "/v1/job-seeker-lookups", body={"codice_fiscale": "X"}),
                               422, "validation")
        self.assertEqual([(e["pointer"], e["code"]) for e in p["errors"]], [("/codice_fiscale", "codice_fiscale.length")])
        self.assertProblem(self.server.request("POST", "/v1/job-seeker-lookups", body={"codice_fiscale": doc["codice_fiscale"]},
                                               key=self.keys["portal"]), 403, "forbidden")
        log = self.server.read_log()
        self.assertIn("POST /v1/job-seeker-lookups 200", log)
        self.assertNotIn(doc["codice_fiscale"], log)
        self.assertNotIn(doc["codice_fiscale"].lower(), log)


AGREEMENT = {"signed_on": "2026-01-10", "office_code": "CE08",
             "measures": ["orientamento_di_base", "accompagnamento_al_lavoro"], "notes": "primo colloquio"}


class DidTest(JobSeekerTest):
    def event(self, id_, type_, key=None, **extra):
        return self.server.request("POST", "/v1/job-seekers/%s/did-events" % id_,
                                   body=dict({"type": type_}, **extra), key=key)

    def agree(self, id_, key=None, **over):
        return self.server.request("POST", "/v1/job-seekers/%s/service-agreements" % id_,
                                   body=dict(AGREEMENT, **over), key=key)

    def test_lifecycle_and_history(self):
        id_ = self.created()["id"]
        self.assertEqual(self.event(id_, "register").status, 201)
        self.assertEqual(self.agree(id_).status, 201)
        self.assertEqual(self.event(id_, "revoke").status, 201)
        steps = [("register", "inserita"), ("validate", "convalidata"), ("suspend", "sospesa"),
                 ("resume", "convalidata"), ("revoke", "revocata"), ("register", "inserita"),
                 ("reject", "non_ammessa"), ("register", "inserita"), ("cancel", "annullata")]
        for type_, state in steps:
            r = self.event(id_, type_, date="2026-01-15", reason="test", channel="in_person")
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.header("location"), "/v1/job-seekers/%s/did" % id_)
            self.assertEqual(r.json()["did"]["state"], state)
            self.assertEqual(r.json()["event"]["event"], type_)
        did = self.server.get("/v1/job-seekers/%s/did" % id_).json()
        self.assertEqual((did["state"], did["state_code"]), ("annullata", "A"))
        history = did["history"][2:]
        self.assertEqual([h["event"] for h in did["history"][:2]], ["register", "revoke"])
        self.assertEqual([h["event"] for h in history], [s[0] for s in steps])
        self.assertEqual([h["state_after"] for h in history], list("ICSCRIEIA"))
        self.assertEqual(did["history"][0]["state_before"], None)
        self.assertEqual(history[0]["state_before"], "R")
        self.assertEqual(history[1]["date"], "2026-01-15")
        self.assertEqual(self.server.get("/v1/job-seekers/" + id_).json()["did"]["state"], "annullata")

    def test_illegal_transitions_are_409_naming_the_state(self):
        id_ = self.created()["id"]
        for type_ in ("validate", "suspend", "resume", "revoke", "cancel", "reject"):
            with self.subTest(type=type_):
                p = self.assertProblem(self.event(id_, type_), 409, "conflict")
                self.assertIn("not registered", p["detail"])
        self.assertEqual(self.event(id_, "register").status, 201)
        for type_ in ("register", "resume"):
            p = self.assertProblem(self.event(id_, type_), 409, "conflict")
            self.assertIn("inserita", p["detail"])
            self.assertEqual(p["errors"][0]["code"], "did.transition")

    def test_bad_events(self):
        id_ = self.created()["id"]
        for body, err in (({"type": "approve"}, ("/type", "type.unknown")), ({}, ("/type", "field.required")),
                          ({"type": "register", "date": "2999-01-01"}, ("/date", "date.future")),
                          ({"type": "register", "date": "2026-02-30"}, ("/date", "field.format")),
                          ({"type": "register", "channel": "fax"}, ("/channel", "channel.unknown")),
                          ({"type": "register", "reason": "x" * 501}, ("/reason", "field.length")),
                          ({"type": "register", "who": "me"}, ("/who", "field.unknown"))):
            with self.subTest(body=body):
                r = self.server.request("POST", "/v1/job-seekers/%s/did-events" % id_, body=body)
                p = self.assertProblem(r, 422, "validation")
                self.assertIn(err, [(e["pointer"], e["code"]) for e in p["errors"]])
        self.assertProblem(self.event("00000000-0000-4000-8000-000000000000", "register"), 404, "not-found")

    def test_validation_needs_a_service_agreement(self):
        id_ = self.created()["id"]
        self.assertEqual(self.event(id_, "register").status, 201)
        p = self.assertProblem(self.event(id_, "validate"), 409, "conflict")
        self.assertEqual(p["errors"], [{"pointer": "/type", "code": "did.agreement_required",
                                        "detail": "record the service agreement before validating the DID"}])
        r = self.agree(id_)
        self.assertEqual(r.status, 201, r)
        a = r.json()
        self.assertEqual(r.header("location"), "/v1/job-seekers/%s/service-agreements/%s" % (id_, a["id"]))
        self.assertEqual({k: a[k] for k in ("job_seeker_id", "office_code", "signed_on", "measures", "notes")},
                         {"job_seeker_id": id_, "office_code": "CE08", "signed_on": "2026-01-10",
                          "measures": ["orientamento_di_base", "accompagnamento_al_lavoro"],
                          "notes": "primo colloquio"})
        self.assertEqual(self.event(id_, "validate").status, 201)
        one = self.server.get(r.header("location"))
        self.assertEqual((one.status, one.json()), (200, a))
        self.assertEqual(self.server.get("/v1/job-seekers/%s/service-agreements" % id_).json(), {"items": [a]})
        self.assertProblem(self.server.get("/v1/job-seekers/%s/service-agreements/%s" % (id_, id_)), 404, "not-found")
        self.assertIn(("create", "service_agreement"), self.audit(id_))

    def test_bad_agreements(self):
        id_ = self.created()["id"]
        p = self.assertProblem(self.agree(id_), 409, "conflict")
        self.assertEqual(p["errors"][0]["code"], "did.state")
        self.assertEqual(self.event(id_, "register").status, 201)
        for over, err in (({"measures": ["massaggi"]}, ("/measures/0", "measures.unknown")),
                          ({"measures": ["tirocinio", "tirocinio"]}, ("/measures/1", "measures.duplicate")),
                          ({"measures": []}, ("/measures", "field.type")),
                          ({"signed_on": "2999-01-01"}, ("/signed_on", "field.range")),
                          ({"office_code": "ZZ99"}, ("/office_code", "office.unknown")),
                          ({"colour": 1}, ("/colour", "field.unknown"))):
            with self.subTest(over=over):
                p = self.assertProblem(self.agree(id_, **over), 422, "validation")
                self.assertIn(err, [(e["pointer"], e["code"]) for e in p["errors"]])
        self.assertProblem(self.agree(id_, key=self.keys["operator_na"]), 403, "forbidden")
        self.assertEqual(self.server.get("/v1/job-seekers/%s/service-agreements" % id_).json(), {"items": []})

    def test_portal_registers_only(self):
        id_ = self.created(person("NA01"))["id"]
        self.assertEqual(self.event(id_, "register", key=self.keys["portal"]).status, 201)
        self.assertEqual(self.agree(id_, office_code="NA01").status, 201)
        self.assertProblem(self.event(id_, "validate", key=self.keys["portal"]), 403, "forbidden")
        self.assertProblem(self.event(id_, "validate", key=self.keys["operator"]), 403, "forbidden")
        self.assertEqual(self.event(id_, "validate", key=self.keys["operator_na"]).status, 201)

    def test_parallel_events_keep_a_legal_history(self):
        id_ = self.created()["id"]
        self.assertEqual(self.event(id_, "register").status, 201)
        self.assertEqual(self.agree(id_).status, 201)
        results = []
        threads = [threading.Thread(target=lambda t=t: results.append(self.event(id_, t).status))
                   for t in ["validate"] * 6 + ["reject"] * 6]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(results.count(201), 1, results)
        self.assertEqual(results.count(409), 11, results)
        history = self.server.get("/v1/job-seekers/%s/did" % id_).json()["history"]
        self.assertEqual(len(history), 2)
        self.assertEqual(history[1]["state_before"], "I")
