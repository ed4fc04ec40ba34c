"""/v1/candidacies: a job seeker proposed for a position and followed stage by
stage to a hire. Creation (from a match, by an operator, by the person through
a portal), every stage move and error, one open candidacy per person and
position, hires filling places (a full position leaves matching), the
employer's view (a pseudonym until the candidacy is sent to it), access,
audit and erasure.

Vacancies and people here belong to office CE07 (the operator key's second
office), which only these tests use for vacancies; the matching scenario
positions are in Napoli, where seeker() lives."""
import re
import threading
import time

from harness import NO_KEY, ApiTest, create_key, psql
from test_job_seekers import person
from test_matching import P_DOC, poll, seeker, wait_ready
from test_vacancies import employer_doc, position, vacancy_doc

OFFICE = "CE07"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
CANDIDATE = re.compile(r"^c_[0-9a-f]{16}$")
NOBODY = "00000000-0000-4000-8000-000000000000"
OPEN_STAGES = ("proposed", "contacted", "sent_to_employer", "interview")


class CandidacyTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        wait_ready(cls.server)
        cls.employer = cls.ok("POST", "/v1/employers", employer_doc(OFFICE))
        cls.employer_key = create_key("--role", "employer", "--employer", cls.employer["id"],
                                      "--label", "api tests: candidacies employer")
        other = cls.ok("POST", "/v1/employers", employer_doc(OFFICE))
        cls.other_employer_key = create_key("--role", "employer", "--employer", other["id"],
                                            "--label", "api tests: candidacies other employer")

    @classmethod
    def ok(cls, method, path, body=None, **kw):
        r = cls.server.request(method, path, body=body, **kw)
        if r.status not in (200, 201, 204):
            raise AssertionError("%s %s: %r" % (method, path, r))
        return r.json() if r.body else None

    # ---- fixtures ----

    def vacancy(self, quantities=(1,), publish=True, **pos):
        positions = [position(quantity=q, **pos) for q in quantities]
        v = self.ok("POST", "/v1/vacancies", vacancy_doc(self.employer["id"], OFFICE, positions=positions))
        if publish:
            v = self.ok("POST", "/v1/vacancies/%s/events" % v["id"], {"type": "publish"})["vacancy"]
        return v

    def person(self, doc=None):
        return self.ok("POST", "/v1/job-seekers", doc or person(OFFICE))

    def create(self, v, js, source="operator", key=None, idx=0, **extra):
        body = dict(position_id=v["positions"][idx]["id"], job_seeker_id=js["id"], source=source, **extra)
        return self.server.request("POST", "/v1/candidacies", body=body, key=key)

    def created(self, v, js, **kw):
        r = self.create(v, js, **kw)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def move(self, c, stage, key=None, **extra):
        return self.server.request("POST", "/v1/candidacies/%s/events" % c["id"], body=dict(stage=stage, **extra),
                                   key=key)

    def moved(self, c, *stages, key=None):
        for stage in stages:
            r = self.move(c, stage, key=key)
            self.assertEqual(r.status, 201, r)
            c = r.json()["candidacy"]
        return c

    # ---- creation ----

    def test_create_and_read(self):
        v, doc = self.vacancy(), person(OFFICE)
        js = self.person(doc)
        r = self.create(v, js, notes="Profilo adatto, disponibile da subito")
        self.assertEqual(r.status, 201, r)
        self.assertCommonHeaders(r)
        self.assertEqual(r.header("content-type"), "application/json")
        c = r.json()
        self.assertEqual(r.header("location"), "/v1/candidacies/" + c["id"])
        self.assertEqual(r.header("etag"), '"1"')
        self.assertRegex(c["id"], UUID)
        events = c.pop("events")
        for k in ("created_at", "updated_at"):
            self.assertRegex(c.pop(k), INSTANT)
        self.assertEqual(c, {
            "id": c["id"], "vacancy_id": v["id"], "position_id": v["positions"][0]["id"],
            "job_seeker_id": js["id"], "employer_id": self.employer["id"], "office_code": OFFICE,
            "source": "operator", "stage": "proposed", "open": True, "score": None, "model_version": None,
            "candidate": {"given_name": doc["given_name"], "family_name": doc["family_name"],
                          "email": doc["email"], "phone": doc["phone"]},
            "sent_at": None, "version": 1})
        self.assertEqual(len(events), 1)
        self.assertRegex(events[0].pop("at"), INSTANT)
        self.assertRegex(events[0].pop("key_id"), UUID)
        self.assertEqual(events[0], {"stage": "proposed", "stage_before": None,
                                     "notes": "Profilo adatto, disponibile da subito", "role": "admin"})
        g = self.server.get("/v1/candidacies/" + c["id"])
        self.assertEqual(g.status, 200, g)
        self.assertEqual(g.header("etag"), '"1"')
        self.assertEqual(g.json()["events"][0]["notes"], "Profilo adatto, disponibile da subito")
        self.assertEqual(self.server.get("/v1/candidacies/" + c["id"], headers={"If-None-Match": '"1"'}).status, 304)

    def test_one_open_candidacy_per_person_and_position(self):
        v, js = self.vacancy(quantities=(1, 1)), self.person()
        c = self.created(v, js)
        self.assertProblem(self.create(v, js), 409, "conflict", errors=[("/job_seeker_id", "candidacy.duplicate")])
        self.assertProblem(self.create(v, js, source="self"), 409, "conflict",
                           errors=[("/job_seeker_id", "candidacy.duplicate")])
        self.created(v, js, idx=1)  # another position of the same vacancy: fine
        self.moved(c, "withdrawn")
        again = self.created(v, js)  # the first is closed: a new one may open
        self.assertNotEqual(again["id"], c["id"])
        rows = psql("SELECT stage FROM candidacies WHERE position_id = '%s' AND job_seeker_id = '%s' ORDER BY created_at"
                    % (v["positions"][0]["id"], js["id"]))
        self.assertEqual(rows, [["withdrawn"], ["proposed"]])

    def test_invalid_bodies(self):
        v, js = self.vacancy(), self.person()
        post = lambda body: self.server.request("POST", "/v1/candidacies", body=body)  # noqa: E731
        self.assertProblem(post({}), 422, "validation", errors=[
            ("/position_id", "field.required"), ("/job_seeker_id", "field.required"), ("/source", "field.required")])
        self.assertProblem(post({"position_id": "x", "job_seeker_id": 7, "source": "friend", "notes": 3,
                                 "stage": "hired"}), 422, "validation", errors=[
            ("/stage", "field.unknown"), ("/position_id", "field.format"), ("/job_seeker_id", "field.format"),
            ("/source", "source.unknown"), ("/notes", "field.format")])
        base = {"position_id": v["positions"][0]["id"], "job_seeker_id": js["id"], "source": "operator"}
        self.assertProblem(post(dict(base, notes="x" * 2001)), 422, "validation",
                           errors=[("/notes", "field.format")])
        self.assertProblem(post(dict(base, position_id=NOBODY, job_seeker_id=NOBODY)), 422, "validation",
                           errors=[("/position_id", "position.unknown"), ("/job_seeker_id", "job_seeker.unknown")])
        self.assertProblem(post(dict(base, position_id=v["id"])), 422, "validation",
                           errors=[("/position_id", "position.unknown")])
        gone = self.person()
        self.assertEqual(self.server.request("DELETE", "/v1/job-seekers/" + gone["id"]).status, 204)
        self.assertProblem(post(dict(base, job_seeker_id=gone["id"])), 422, "validation",
                           errors=[("/job_seeker_id", "job_seeker.unknown")])
        self.assertProblem(self.server.request("POST", "/v1/candidacies", body=[1]), 400, "malformed-json")
        self.assertProblem(self.server.request("POST", "/v1/candidacies", body="{",
                                                   headers={"Content-Type": "application/json"}), 400,
                           "malformed-json")
        # nothing was written by any of these
        self.assertEqual(psql("SELECT count(*) FROM candidacies WHERE job_seeker_id = '%s'" % js["id"]), [["0"]])
        self.assertEqual(post(dict(base, notes=None)).status, 201)

    def test_only_open_positions_take_candidacies(self):
        js = self.person()
        draft = self.vacancy(publish=False)
        p = self.assertProblem(self.create(draft, js), 409, "conflict",
                               errors=[("/position_id", "candidacy.position_not_open")])
        self.assertIn("draft", p["detail"])
        closed = self.vacancy()
        self.ok("POST", "/v1/vacancies/%s/events" % closed["id"], {"type": "close"})
        self.assertProblem(self.create(closed, js), 409, "conflict",
                           errors=[("/position_id", "candidacy.position_not_open")])
        full = self.vacancy(quantities=(1, 1))
        self.ok("POST", "/v1/vacancies/%s/events" % full["id"],
                {"type": "fill", "positions": [{"position_id": full["positions"][0]["id"], "filled": 1}]})
        p = self.assertProblem(self.create(full, js), 409, "conflict",
                               errors=[("/position_id", "candidacy.position_not_open")])
        self.assertIn("filled", p["detail"])
        self.created(full, js, idx=1)

    # ---- stages ----

    def test_the_whole_way_to_a_hire(self):
        v, js = self.vacancy(quantities=(1, 2)), self.person()
        c = self.created(v, js)
        before = "proposed"
        for n, stage in enumerate(("contacted", "sent_to_employer", "interview", "hired")):
            r = self.move(c, stage, notes="passo %d" % n)
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.header("location"), "/v1/candidacies/" + c["id"])
            body = r.json()
            self.assertEqual(body["event"], {"stage": stage, "stage_before": before, "notes": "passo %d" % n})
            self.assertEqual(body["candidacy"]["stage"], stage)
            self.assertEqual(body["candidacy"]["version"], n + 2)
            self.assertEqual([e["stage"] for e in body["candidacy"]["events"]],
                             ["proposed", "contacted", "sent_to_employer", "interview", "hired"][:n + 2])
            self.assertEqual(body["candidacy"]["events"][-1]["stage_before"], before)
            before = stage
        final = self.server.get("/v1/candidacies/" + c["id"]).json()
        audit = self.server.get("/v1/audit-events?limit=200&job_seeker_id=" + js["id"]).json()["items"]
        self.assertIn(("update", "candidacy"), [(e["action"], e["resource_type"]) for e in audit])
        self.assertEqual(psql("SELECT count(*) FROM audit_events WHERE resource_type = 'vacancy'"
                              " AND action = 'update' AND resource_id = '%s'" % v["id"]), [["2"]])  # publish, hire
        self.assertFalse(final["open"])
        self.assertRegex(final["sent_at"], INSTANT)
        # the hire took a place of the position; the other position keeps the vacancy published
        vac = self.server.get("/v1/vacancies/" + v["id"]).json()
        self.assertEqual([p["filled"] for p in vac["positions"]], [1, 0])
        self.assertEqual(vac["state"], "published")
        # the person's record shows the hire, in a new version
        record = self.server.get("/v1/job-seekers/" + js["id"])
        self.assertEqual(record.header("etag"), '"%d"' % (js["version"] + 1))
        hires = record.json()["hires"]
        self.assertEqual(len(hires), 1)
        self.assertRegex(hires[0].pop("hired_at"), INSTANT)
        self.assertEqual(hires[0], {"candidacy_id": c["id"], "vacancy_id": v["id"],
                                    "position_id": v["positions"][0]["id"], "employer_id": self.employer["id"],
                                    "occupation_code": "5.2.2.1.0", "contract_type": "determinato"})
        # a final stage takes no further move
        for stage in ("withdrawn", "interview", "hired"):
            self.assertProblem(self.move(final, stage), 409, "conflict", errors=[("/stage", "candidacy.transition")])

    def test_moves_the_table_refuses(self):
        v = self.vacancy(quantities=(5,))
        refused = {"proposed": ("proposed", "sent_to_employer", "interview", "hired", "not_selected"),
                   "contacted": ("proposed", "contacted", "interview", "hired", "not_selected"),
                   "sent_to_employer": ("proposed", "contacted", "sent_to_employer"),
                   "interview": ("proposed", "contacted", "sent_to_employer", "interview")}
        path = {"proposed": (), "contacted": ("contacted",), "sent_to_employer": ("contacted", "sent_to_employer"),
                "interview": ("contacted", "sent_to_employer", "interview")}
        for stage, bad in refused.items():
            c = self.moved(self.created(v, self.person()), *path[stage])
            for to in bad:
                p = self.assertProblem(self.move(c, to), 409, "conflict", errors=[("/stage", "candidacy.transition")])
                self.assertEqual(p["detail"], "a candidacy that is %s cannot move to %s" % (stage, to))
            self.assertEqual(self.server.get("/v1/candidacies/" + c["id"]).json()["version"], len(path[stage]) + 1)
        for final, way in (("not_selected", ("contacted", "sent_to_employer", "not_selected")),
                           ("declined_by_seeker", ("declined_by_seeker",)),
                           ("withdrawn", ("contacted", "withdrawn"))):
            c = self.moved(self.created(v, self.person()), *way)
            self.assertEqual(c["stage"], final)
            self.assertFalse(c["open"])
            for to in ("contacted", "hired", "withdrawn"):
                self.assertProblem(self.move(c, to), 409, "conflict", errors=[("/stage", "candidacy.transition")])
        c = self.created(v, self.person())
        self.assertProblem(self.move(c, "hire"), 422, "validation", errors=[("/stage", "stage.unknown")])
        self.assertProblem(self.server.request("POST", "/v1/candidacies/%s/events" % c["id"], body={}), 422,
                           "validation", errors=[("/stage", "field.required")])
        self.assertProblem(self.move(c, "contacted", when="today"), 422, "validation",
                           errors=[("/when", "field.unknown")])
        self.assertProblem(self.move({"id": NOBODY}, "contacted"), 404, "not-found")
        self.assertProblem(self.move({"id": "nope"}, "contacted"), 404, "not-found")

    def test_a_full_position_takes_no_hire_and_leaves_matching(self):
        v = self.vacancy(quantities=(1, 1))
        a, b = (self.moved(self.created(v, self.person()), "contacted", "sent_to_employer") for _ in range(2))
        self.moved(a, "hired")
        self.assertProblem(self.move(b, "hired"), 409, "conflict", errors=[("/stage", "candidacy.position_full")])
        self.assertEqual(self.server.get("/v1/candidacies/" + b["id"]).json()["stage"], "sent_to_employer")
        self.moved(b, "not_selected")
        path = "/v1/vacancies/%s/positions/%s/matches" % (v["id"], v["positions"][0]["id"])
        self.assertProblem(self.server.get(path), 409, "conflict", errors=[("position_id", "match.position_not_open")])
        # the last place: the vacancy is filled
        c = self.moved(self.created(v, self.person(), idx=1), "contacted", "sent_to_employer", "hired")
        self.assertEqual(c["stage"], "hired")
        self.assertEqual(self.server.get("/v1/vacancies/" + v["id"]).json()["state"], "filled")

    def test_a_hire_takes_the_position_out_of_a_persons_matches(self):
        doc = seeker(office=OFFICE)
        js = self.person(doc)
        self.ok("POST", "/v1/job-seekers/%s/did-events" % js["id"], {"type": "register"})
        v = self.ok("POST", "/v1/vacancies", vacancy_doc(self.employer["id"], OFFICE, positions=[dict(P_DOC, quantity=1)]))
        v = self.ok("POST", "/v1/vacancies/%s/events" % v["id"], {"type": "publish"})["vacancy"]
        pid = v["positions"][0]["id"]
        path = "/v1/job-seekers/%s/matches?limit=200&office=%s" % (js["id"], OFFICE)
        listed = lambda: [i["position_id"] for i in self.server.get(path).json().get("items", [])]  # noqa: E731
        _, took = poll(lambda: pid in listed(), 5)
        self.assertIsNotNone(took, "the new position never showed in the person's matches")
        self.moved(self.created(v, js), "contacted", "sent_to_employer", "hired")
        _, took = poll(lambda: pid not in listed(), 5)
        self.assertIsNotNone(took, "the filled position is still proposed")

    def test_concurrent_moves_and_hires_serialise(self):
        v, c = self.vacancy(quantities=(1,)), None
        c = self.created(v, self.person())
        results = []

        def go(fn):
            threads = [threading.Thread(target=lambda: results.append(fn())) for _ in range(10)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        go(lambda: self.move(c, "contacted").status)
        self.assertEqual(sorted(results), [201] + [409] * 9)
        self.assertEqual(psql("SELECT count(*) FROM candidacy_events WHERE candidacy_id = '%s'" % c["id"]), [["2"]])
        # five people sent for the one place, hired at once: one hire
        sent = [self.moved(self.created(v, self.person()), "contacted", "sent_to_employer") for _ in range(5)]
        results.clear()
        threads = [threading.Thread(target=lambda x=x: results.append(self.move(x, "hired").status)) for x in sent]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), [201] + [409] * 4)
        self.assertEqual(psql("SELECT filled, quantity FROM positions WHERE id = '%s'" % v["positions"][0]["id"]),
                         [["1", "1"]])
        self.assertEqual(psql("SELECT count(*) FROM candidacies WHERE position_id = '%s' AND stage = 'hired'"
                              % v["positions"][0]["id"]), [["1"]])

    # ---- from a match ----

    def test_a_candidacy_from_a_match_keeps_its_score(self):
        doc = seeker(office=OFFICE)
        js = self.person(doc)
        self.ok("POST", "/v1/job-seekers/%s/did-events" % js["id"], {"type": "register"})
        v = self.ok("POST", "/v1/vacancies", vacancy_doc(self.employer["id"], OFFICE, positions=[P_DOC]))
        v = self.ok("POST", "/v1/vacancies/%s/events" % v["id"], {"type": "publish"})["vacancy"]
        pair = "/v1/vacancies/%s/positions/%s/matches/%s" % (v["id"], v["positions"][0]["id"], js["id"])
        r, took = poll(lambda: (lambda r: r if r.status == 200 else None)(self.server.get(pair)), 5)
        self.assertIsNotNone(took, "the pair never reached the index")
        explained = r.json()
        self.assertTrue(explained["eligible"])
        c = self.created(v, js, source="match")
        self.assertEqual(c["source"], "match")
        self.assertEqual(c["score"], explained["score"])
        self.assertEqual(c["model_version"], explained["model_version"])
        # the person changes: the match's score moves, the candidacy's does not
        self.ok("PATCH", "/v1/job-seekers/" + js["id"], '{"skills": [{"code": "haccp", "level": 3}]}',
                headers={"Content-Type": "application/merge-patch+json", "If-Match": "*"})
        _, took = poll(lambda: self.server.get(pair).json().get("score") != explained["score"], 5)
        self.assertIsNotNone(took, "the change never reached the index")
        again = self.server.get("/v1/candidacies/" + c["id"]).json()
        self.assertEqual((again["score"], again["model_version"]), (explained["score"], explained["model_version"]))
        # someone the filters exclude is no match
        far = self.person(seeker(office=OFFICE, matching_consent=False))
        self.ok("POST", "/v1/job-seekers/%s/did-events" % far["id"], {"type": "register"})
        r, took = poll(lambda: (lambda r: r if r.status != 503 else None)(self.create(v, far, source="match")), 5)
        p = self.assertProblem(r, 409, "conflict", errors=[("/source", "candidacy.not_a_match")])
        self.assertIn("consent", p["detail"])
        self.assertEqual(self.created(v, far, source="operator")["score"], None)

    # ---- who sees and does what ----

    def test_the_employer_sees_the_person_once_sent(self):
        doc = seeker(office=OFFICE)
        js = self.person(doc)
        self.ok("POST", "/v1/job-seekers/%s/did-events" % js["id"], {"type": "register"})
        v = self.ok("POST", "/v1/vacancies", vacancy_doc(self.employer["id"], OFFICE, positions=[P_DOC]))
        v = self.ok("POST", "/v1/vacancies/%s/events" % v["id"], {"type": "publish"})["vacancy"]
        c = self.created(v, js, notes="nota interna del CPI")
        ek = self.employer_key
        seen = self.server.get("/v1/candidacies/" + c["id"], key=ek).json()
        self.assertIsNone(seen["job_seeker_id"])
        self.assertIsNone(seen["candidate"])
        self.assertRegex(seen["pseudonym"], CANDIDATE)
        self.assertEqual(seen["events"], [{"stage": "proposed", "stage_before": None, "role": "admin",
                                           "at": c["events"][0]["at"]}])
        # the same pseudonym as in the position's ranking the employer sees
        ranking = "/v1/vacancies/%s/positions/%s/matches?limit=200" % (v["id"], v["positions"][0]["id"])
        _, took = poll(lambda: seen["pseudonym"] in [i["candidate"] for i in
                                                     self.server.get(ranking, key=ek).json().get("items", [])], 5)
        self.assertIsNotNone(took, "the pseudonym is not the ranking's")
        listed = self.server.get("/v1/candidacies?vacancy_id=" + v["id"], key=ek).json()["items"]
        self.assertEqual([(i["id"], i["job_seeker_id"], i["pseudonym"]) for i in listed],
                         [(c["id"], None, seen["pseudonym"])])
        # a person's id finds nothing the employer has not been sent
        self.assertEqual(self.server.get("/v1/candidacies?job_seeker_id=" + js["id"], key=ek).json()["items"], [])
        # not yet its to move
        self.assertProblem(self.move(c, "contacted", key=ek), 403, "forbidden")
        self.assertProblem(self.move(c, "interview", key=ek), 409, "conflict",
                           errors=[("/stage", "candidacy.transition")])
        self.moved(c, "contacted", "sent_to_employer")
        seen = self.server.get("/v1/candidacies/" + c["id"], key=ek).json()
        self.assertEqual(seen["job_seeker_id"], js["id"])
        self.assertEqual(seen["candidate"], {"given_name": doc["given_name"], "family_name": doc["family_name"],
                                             "email": doc["email"], "phone": doc["phone"]})
        self.assertNotIn("notes", seen["events"][0])
        self.assertNotIn("key_id", seen["events"][0])
        self.assertEqual([i["id"] for i in self.server.get("/v1/candidacies?job_seeker_id=" + js["id"],
                                                            key=ek).json()["items"]], [c["id"]])
        # the employer records the outcome, never a withdrawal
        self.assertProblem(self.move(c, "withdrawn", key=ek), 403, "forbidden")
        r = self.move(c, "interview", key=ek, notes="colloquio martedì")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["event"], {"stage": "interview", "stage_before": "sent_to_employer",
                                             "notes": "colloquio martedì"})
        self.assertEqual(r.header("etag"), '"4"')  # proposed 1, contacted 2, sent 3, interview 4
        self.assertNotIn("notes", r.json()["candidacy"]["events"][-1])
        self.assertEqual(r.json()["candidacy"]["events"][-1]["role"], "employer")
        self.assertEqual(psql("SELECT notes FROM candidacy_events WHERE candidacy_id = '%s' AND stage = 'interview'"
                              % c["id"]), [["colloquio martedì"]])
        self.moved(c, "hired", key=ek)
        # another employer sees nothing of it
        self.assertProblem(self.server.get("/v1/candidacies/" + c["id"], key=self.other_employer_key), 404,
                           "not-found")
        self.assertProblem(self.move(c, "interview", key=self.other_employer_key), 404, "not-found")
        self.assertEqual(self.server.get("/v1/candidacies?vacancy_id=" + v["id"],
                                         key=self.other_employer_key).json()["items"], [])

    def test_portals_record_own_applications_and_operators_their_offices(self):
        v, js = self.vacancy(quantities=(3,)), self.person()
        portal, other = self.keys["portal"], self.keys["operator_na"]
        self.assertProblem(self.create(v, js, source="operator", key=portal), 403, "forbidden")
        self.assertProblem(self.create(v, js, source="match", key=portal), 403, "forbidden")
        r = self.create(v, js, source="self", key=portal)
        self.assertEqual(r.status, 201, r)
        c = r.json()
        self.assertEqual((c["source"], c["events"][0]["role"]), ("self", "portal"))
        self.assertIsNone(c["candidate"])  # a portal learns nobody's contacts from an id
        self.assertEqual(set(c["events"][0]), {"stage", "stage_before", "role", "at"})
        self.assertProblem(self.server.get("/v1/candidacies/" + c["id"], key=portal), 403, "forbidden")
        # an operator of NA01 reads it but neither proposes nor moves people of CE07 for CE07
        self.assertEqual(self.server.get("/v1/candidacies/" + c["id"], key=other).status, 200)
        self.assertProblem(self.create(v, self.person(), key=other), 403, "forbidden")
        self.assertProblem(self.move(c, "contacted", key=other), 403, "forbidden")
        # ... but may propose a person of its own office for it
        na = self.person(person("NA01"))
        self.assertEqual(self.create(v, na, key=other).status, 201)
        self.assertEqual(self.moved(c, "contacted", key=self.keys["operator"])["stage"], "contacted")

    def test_list_filters_paging_and_errors(self):
        v, js = self.vacancy(quantities=(5,)), self.person()
        cs = [self.created(v, self.person()) for _ in range(3)]
        mine = self.created(v, js, source="self")
        self.moved(cs[0], "withdrawn")
        base = "/v1/candidacies?vacancy_id=" + v["id"]
        ids = lambda q: [i["id"] for i in self.server.get(base + q).json()["items"]]  # noqa: E731
        everyone = sorted(c["id"] for c in cs + [mine])
        self.assertEqual(ids(""), everyone)
        self.assertEqual(ids("&open=false"), [cs[0]["id"]])
        self.assertEqual(ids("&open=true"), sorted(c["id"] for c in cs[1:] + [mine]))
        self.assertEqual(ids("&stage=withdrawn"), [cs[0]["id"]])
        self.assertEqual(ids("&source=self"), [mine["id"]])
        self.assertEqual(ids("&job_seeker_id=" + js["id"]), [mine["id"]])
        self.assertEqual(ids("&position_id=" + v["positions"][0]["id"] + "&office=" + OFFICE), everyone)
        self.assertEqual(ids("&office=NA01"), [])
        item = self.server.get(base + "&source=self").json()["items"][0]
        self.assertEqual(set(item), {"id", "vacancy_id", "position_id", "job_seeker_id", "employer_id", "office_code",
                                     "source", "stage", "open", "score", "model_version", "sent_at", "version",
                                     "created_at", "updated_at"})
        # paging
        seen, path = [], base + "&limit=1"
        while path:
            r = self.server.get(path)
            self.assertEqual(r.status, 200, r)
            page = r.json()
            seen += [i["id"] for i in page["items"]]
            link = r.header("link")
            if page["next_cursor"]:
                self.assertRegex(link, r'^</v1/candidacies\?limit=1&cursor=[^>]+&vacancy_id=%s>; rel="next"$' % v["id"])
                path = link[1:link.index(">")]
            else:
                self.assertIsNone(link)
                path = None
        self.assertEqual(seen, everyone)
        for query, param, code in (("&colour=red", "colour", "parameter.unknown"),
                                   ("&stage=hire", "stage", "stage.unknown"),
                                   ("&open=maybe", "open", "open.syntax"),
                                   ("&source=web", "source", "source.unknown"),
                                   ("&job_seeker_id=42", "job_seeker_id", "job_seeker_id.syntax"),
                                   ("&vacancy_id=v1", "vacancy_id", "vacancy_id.syntax"),
                                   ("&office=XX", "office", "office.syntax"),
                                   ("&updated_since=yesterday", "updated_since", "updated_since.syntax"),
                                   ("&cursor=abc", "cursor", "cursor.invalid"),
                                   ("&limit=0", "limit", "limit.range")):
            p = self.assertProblem(self.server.get(base + query), 400, "invalid-parameter")
            self.assertEqual([(e["parameter"], e["code"]) for e in p["errors"]], [(param, code)], query)

    def test_reads_are_audited_and_erasure_reaches_candidacies(self):
        v, js = self.vacancy(), self.person()
        c = self.created(v, js, notes="Ha chiesto il part-time per motivi familiari")
        self.moved(c, "contacted")
        self.server.get("/v1/candidacies/" + c["id"], key=self.keys["operator"])
        self.server.get("/v1/candidacies?job_seeker_id=" + js["id"], key=self.keys["operator"])
        events = self.server.get("/v1/audit-events?limit=200&job_seeker_id=" + js["id"]).json()["items"]
        got = [(e["action"], e["resource_type"]) for e in events]
        for want in (("create", "candidacy"), ("update", "candidacy"), ("read", "candidacy"), ("list", "job_seeker")):
            self.assertIn(want, got)
        self.assertEqual(self.server.request("DELETE", "/v1/job-seekers/" + js["id"]).status, 204)
        after = self.server.get("/v1/candidacies/" + c["id"]).json()
        self.assertIsNone(after["candidate"])
        self.assertEqual([e["notes"] for e in after["events"]], [None, None])
        self.assertEqual(psql("SELECT count(*) FROM candidacy_events e JOIN candidacies c ON c.id = e.candidacy_id"
                              " WHERE c.job_seeker_id = '%s' AND e.notes IS NOT NULL" % js["id"]), [["0"]])
        self.assertProblem(self.server.get("/v1/candidacies/" + NOBODY), 404, "not-found")
        self.assertProblem(self.server.get("/v1/candidacies/not-a-uuid"), 404, "not-found")
        self.assertProblem(self.server.get("/v1/candidacies/" + c["id"], key=NO_KEY), 401, "unauthorized")
