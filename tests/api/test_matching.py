"""Matching (DESIGN §5): a position's ranked job seekers, a person's ranked
open positions, one pair's explanation, the weights and their versions; the
employer's pseudonymised view, freshness, the audit trail and the inputs the
law forbids.

A hand-built scenario, whose ranking and components are computed here by hand
(and by an independent copy of the formulas): its people and its vacancy
belong to office NA02, which no other test uses, and every count is taken
with ?office=NA02 so that the rest of the database does not matter. People
that the tests change live in office NA03."""
import datetime
import json
import math
import random
import re
import time
import urllib.parse

import cf
from harness import NO_KEY, ApiTest, Server, create_key, psql
from test_job_seekers import MERGE, _name, person
from test_vacancies import employer_doc, position, vacancy_doc

OFFICE = "NA02"       # the scenario: its people and its vacancy
SIDE_OFFICE = "NA03"  # people and vacancies the tests change
FRESH = 1.0           # seconds: how soon a committed change shows in matches (the spec's bound)
COMPONENTS = ("occupation", "skills", "experience", "education", "languages", "distance", "contract")
DEFAULT_WEIGHTS = {"occupation": 30, "skills": 25, "experience": 15, "education": 10, "languages": 8,
                   "distance": 7, "contract": 5}
MODEL = "2026.1"
CANDIDATE = re.compile(r"^c_[0-9a-f]{16}$")
NOBODY = "00000000-0000-4000-8000-000000000000"

# The workplace of the scenario's positions: Napoli (063049), at these coordinates.
WORK = (40.85, 14.25)
NEAR = (40.86, 14.26)   # about 1.4 km away
MID = (41.03, 14.25)    # about 20 km
FAR = (41.40, 14.25)    # about 61 km


# ---- an independent copy of the model's formulas (src/match/score.c) ----

def haversine_km(lat1, lon1, lat2, lon2):
    k = math.pi / 180.0
    phi1, phi2 = lat1 * k, lat2 * k
    dphi = phi2 - phi1
    dlambda = lon2 * k - lon1 * k
    sphi, slambda = math.sin(dphi / 2.0), math.sin(dlambda / 2.0)
    a = min(sphi * sphi + math.cos(phi1) * math.cos(phi2) * (slambda * slambda), 1.0)
    return 2.0 * 6371.0 * math.asin(math.sqrt(a))


def total(values, weights=None):
    """The weighted mean, summed in component order as the engine does."""
    weights = weights or DEFAULT_WEIGHTS
    wsum = psum = 0.0
    for name, v in zip(COMPONENTS, values):
        wsum += float(weights[name])
        psum += float(weights[name]) * v
    return 0.0 if wsum == 0.0 else psum / wsum


def score6(t):
    """The score as ranked and shown: the total rounded to 6 decimals."""
    return round(t * 1e6) / 1e6


# ---- polling ----

def poll(fn, timeout, interval=0.02):
    """Calls fn until it returns something true; returns (value, seconds taken),
    or (last value, None) when timeout passed first."""
    start = time.monotonic()
    while True:
        v = fn()
        elapsed = time.monotonic() - start
        if v:
            return v, elapsed
        if elapsed > timeout:
            return v, None
        time.sleep(interval)


def wait_ready(server, timeout=60):
    """Until /v1/status says the matching index has loaded."""
    def ready():
        r = server.get("/v1/status")
        return r.status == 200 and r.json().get("matching", {}).get("ready") is True
    _, took = poll(ready, timeout, 0.1)
    if took is None:
        raise AssertionError("the matching index did not load in %d s: %s" % (timeout, server.get("/v1/status")))


# ---- the scenario ----

def place(lat, lon):
    return {"comune_istat": "063049", "address": "Via Toledo %d" % random.randint(1, 400), "lat": lat, "lon": lon}


def seeker(office=OFFICE, at=NEAR, **over):
    """A job seeker who fits the scenario's position P fully (every component 1.0
    but contract, 0.875: any working time); over changes what a test needs."""
    doc = person(office,
                 domicile=place(*at),
                 education=[{"title": "Diploma alberghiero", "eqf_level": 4, "year": 2005}],
                 languages=[{"code": "en", "cefr": "B2"}, {"code": "fr", "cefr": "A2"}],
                 licences=["B"],
                 skills=[{"code": "haccp", "level": 3}, {"code": "cucina_tradizionale", "level": 2},
                         {"code": "pasticceria", "level": 2}],
                 experiences=[{"occupation_code": "5.2.2.1.0", "from": "2015-03-01", "to": "2019-10-31",
                               "contract_type": "determinato", "employer_name": "Trattoria"}],
                 desired_occupations=["5.2.2.1.0"],
                 availability={"contract_types": ["indeterminato", "determinato"], "working_time": "any",
                               "shifts": True, "max_travel_km": 30, "relocate": False},
                 l68=None, matching_consent=True)
    doc.update(over)
    return doc


# P: a cook in Napoli, with a must-have skill, an EQF minimum, two languages,
# 12 months of experience and at most 50 km.
P_DOC = position(occupation_code="5.2.2.1.0", title="Cuoco di linea", quantity=2, contract_type="determinato",
                 working_time="full_time", weekly_hours=40, shifts=False,
                 workplace={"comune_istat": "063049", "lat": WORK[0], "lon": WORK[1]},
                 requirements={"skills": [{"code": "haccp", "must_have": True, "weight": 2},
                                          {"code": "cucina_tradizionale", "weight": 1},
                                          {"code": "pasticceria", "weight": 1}],
                               "education": {"min_eqf": 4, "required": False},
                               "languages": [{"code": "en", "min_cefr": "B1", "required": False},
                                             {"code": "fr", "min_cefr": "A2", "required": False}],
                               "licences": [], "min_experience_months": 12, "max_distance_km": 50},
                 l68_reserved=False, apprenticeship=False)
# P2: a waiter at the same place, asking for nothing.
P2_DOC = position(occupation_code="5.2.2.3.1", title="Cameriere", quantity=1, contract_type="determinato",
                  working_time="full_time", weekly_hours=40, shifts=False,
                  workplace={"comune_istat": "063049", "lat": WORK[0], "lon": WORK[1]},
                  requirements={"skills": [], "languages": [], "licences": [], "min_experience_months": 0})

_SCENARIO = {}


def request_ok(t, method, path, body=None, status=(200, 201, 204), **kw):
    r = t.server.request(method, path, body=body, **kw)
    if r.status not in ((status,) if isinstance(status, int) else status):
        raise AssertionError("%s %s: %r" % (method, path, r))
    return r


def ensure_default_weights(t):
    m = request_ok(t, "GET", "/v1/matching/model").json()
    if m["weights"] != DEFAULT_WEIGHTS:
        request_ok(t, "PUT", "/v1/matching/model", body={"weights": DEFAULT_WEIGHTS})


def clear_office(t, office):
    """Erases the people and closes the open vacancies a previous run left in office."""
    while True:
        items = request_ok(t, "GET", "/v1/job-seekers?limit=200&office=" + office).json()["items"]
        for i in items:
            request_ok(t, "DELETE", "/v1/job-seekers/" + i["id"], status=(204, 404))
        if len(items) < 200:
            break
    for state in ("published", "expired", "draft"):
        path = "/v1/vacancies?limit=200&office=%s&state=%s" % (office, state)
        for v in request_ok(t, "GET", path).json()["items"]:
            request_ok(t, "POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "close"})


def create_seeker(t, doc, did=("register",)):
    js = request_ok(t, "POST", "/v1/job-seekers", body=doc).json()
    for event in did:
        if event == "validate":
            request_ok(t, "POST", "/v1/job-seekers/%s/service-agreements" % js["id"],
                       body={"office_code": doc["office_code"], "measures": ["accompagnamento_al_lavoro"]})
        request_ok(t, "POST", "/v1/job-seekers/%s/did-events" % js["id"], body={"type": event})
    js["doc"] = doc
    return js


def publish(t, vdoc):
    v = request_ok(t, "POST", "/v1/vacancies", body=vdoc).json()
    request_ok(t, "POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "publish"})
    return v


def scenario(t):
    """Builds the scenario once per run (see the module's docstring)."""
    if _SCENARIO:
        return _SCENARIO
    ensure_default_weights(t)
    for office in (OFFICE, SIDE_OFFICE):
        clear_office(t, office)
    s = {}
    s["employer"] = request_ok(t, "POST", "/v1/employers", body=employer_doc(OFFICE)).json()
    s["employer_key"] = create_key("--role", "employer", "--employer", s["employer"]["id"],
                                   "--label", "api tests: matching employer")
    v = publish(t, vacancy_doc(s["employer"]["id"], OFFICE, title="Cucina e sala a Napoli",
                               positions=[P_DOC, P2_DOC]))
    s["vacancy"], s["p"], s["p2"] = v, v["positions"][0], v["positions"][1]
    people = {
        # fits fully; A2 the same with a validated DID: a tie, broken by id
        "a": seeker(),
        "a2": seeker(),
        # a 4th-level occupation, 6 months in it, 2 of 3 skills, EQF one below,
        # English only, full time and determinato only
        "b": seeker(desired_occupations=["5.2.2.1.9"],
                    experiences=[{"occupation_code": "5.2.2.1.9", "from": "2020-01-01", "to": "2020-07-01",
                                  "contract_type": "determinato"}],
                    skills=[{"code": "haccp", "level": 2}, {"code": "cucina_tradizionale", "level": 2}],
                    education=[{"title": "Qualifica professionale", "eqf_level": 3, "year": 2010}],
                    languages=[{"code": "en", "cefr": "B1"}],
                    availability={"contract_types": ["determinato"], "working_time": "full_time",
                                  "shifts": True, "max_travel_km": 30, "relocate": False}),
        # 20 km away, travels 10 km but would relocate: the distance decays
        "c": seeker(at=MID, availability={"contract_types": ["indeterminato", "determinato"], "working_time": "any",
                                          "shifts": True, "max_travel_km": 10, "relocate": True}),
        # excluded: no haccp (must-have)
        "d": seeker(skills=[{"code": "cucina_tradizionale", "level": 2}, {"code": "pasticceria", "level": 2}]),
        # excluded: 61 km away
        "e": seeker(at=FAR),
        # excluded: no DID
        "f": seeker(),
        # excluded twice: no consent, and only indeterminato
        "g": seeker(matching_consent=False,
                    availability={"contract_types": ["indeterminato"], "working_time": "any", "shifts": True,
                                  "max_travel_km": 30, "relocate": False}),
    }
    dids = {"a2": ("register", "validate"), "f": ()}
    for name, doc in people.items():
        s[name] = create_seeker(t, doc, dids.get(name, ("register",)))
    # the index follows within a second; wait for all of it (generously) before testing
    path = "/v1/vacancies/%s/positions/%s/matches?limit=200&office=%s" % (v["id"], s["p"]["id"], OFFICE)

    def complete():
        r = t.server.get(path)
        return r.status == 200 and (r.json()["considered"], r.json()["eligible"]) == (8, 4)
    _, took = poll(complete, 10)
    if took is None:
        raise AssertionError("the scenario did not show in 10 s: %r" % t.server.get(path))
    _SCENARIO.update(s)
    return _SCENARIO


def km_to(at):
    return haversine_km(at[0], at[1], WORK[0], WORK[1])


def expected_p(s):
    """Every scenario person's components on P (values, evidence), by hand."""
    occ5 = {"level": 5, "position_code": "5.2.2.1.0", "matched_code": "5.2.2.1.0"}
    all_skills = {"matched": ["cucina_tradizionale", "haccp", "pasticceria"], "missing": []}
    exp55 = {"relevant_months": 55, "required_months": 12}   # 2015-03-01 .. 2019-10-31
    edu4 = {"eqf_level": 4, "min_eqf": 4}
    langs = {"matched": ["en", "fr"], "missing": []}
    any_time = {"contract_type": "determinato", "contract_accepted": True, "working_time": "full_time",
                "seeker_working_time": "any"}

    def dist(at, travel=30):
        return {"km": round(km_to(at), 3), "max_travel_km": travel, "max_distance_km": 50}

    full = ([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.875], [occ5, all_skills, exp55, edu4, langs, dist(NEAR), any_time])
    d_c = (50.0 - km_to(MID)) / 40.0
    e = {
        "a": full, "a2": full, "f": full,
        "b": ([0.8, 0.75, 0.5, 0.5, 0.5, 1.0, 1.0],
              [{"level": 4, "position_code": "5.2.2.1.0", "matched_code": "5.2.2.1.9"},
               {"matched": ["cucina_tradizionale", "haccp"], "missing": ["pasticceria"]},
               {"relevant_months": 6, "required_months": 12},
               {"eqf_level": 3, "min_eqf": 4},
               {"matched": ["en"], "missing": ["fr"]},
               dist(NEAR),
               {"contract_type": "determinato", "contract_accepted": True, "working_time": "full_time",
                "seeker_working_time": "full_time"}]),
        "c": ([1.0, 1.0, 1.0, 1.0, 1.0, d_c, 0.875], [occ5, all_skills, exp55, edu4, langs, dist(MID, 10), any_time]),
        "d": ([1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 0.875],
              [occ5, {"matched": ["cucina_tradizionale", "pasticceria"], "missing": ["haccp"]}, exp55, edu4, langs,
               dist(NEAR), any_time]),
        "e": ([1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.875], [occ5, all_skills, exp55, edu4, langs, dist(FAR), any_time]),
        "g": ([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.375],
              [occ5, all_skills, exp55, edu4, langs, dist(NEAR),
               {"contract_type": "determinato", "contract_accepted": False, "working_time": "full_time",
                "seeker_working_time": "any"}]),
    }
    return e


class MatchingTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        wait_ready(cls.server)
        cls.s = scenario(cls)

    # paths
    def p_path(self, which="p", query=""):
        s = self.s
        return "/v1/vacancies/%s/positions/%s/matches%s" % (s["vacancy"]["id"], s[which]["id"],
                                                             "?" + query if query else "")

    def pair_path(self, who, which="p"):
        return "/v1/vacancies/%s/positions/%s/matches/%s" % (self.s["vacancy"]["id"], self.s[which]["id"],
                                                              self.s[who]["id"] if who in self.s else who)

    def current_model(self):
        r = self.server.get("/v1/matching/model")
        self.assertEqual(r.status, 200, r)
        return r.json()

    def ok(self, path, key=None, **kw):
        r = self.server.get(path, key=key, **kw)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("content-type"), "application/json")
        self.assertEqual(r.header("cache-control"), "no-store")
        self.assertCommonHeaders(r)
        return r

    def assertComponents(self, got, values, evidence, weights=None):
        """The seven components, in order, with these values, weights and evidence:
        every member of the evidence the spec names (the server may add more). Skill
        and language codes are compared as sets (the spec fixes no order)."""
        weights = weights or DEFAULT_WEIGHTS
        self.assertEqual([c["name"] for c in got], list(COMPONENTS), got)
        for c, value, ev in zip(got, values, evidence):
            with self.subTest(component=c["name"]):
                self.assertEqual(set(c), {"name", "value", "weight", "evidence"}, c)
                self.assertAlmostEqual(c["value"], value, places=9, msg=c)
                self.assertEqual(c["weight"], weights[c["name"]], c)
                want = dict(ev)
                g = {k: v for k, v in c["evidence"].items() if k in want}
                if c["name"] in ("skills", "languages"):
                    g = {k: sorted(v) for k, v in g.items()}
                    want = {k: sorted(v) for k, v in want.items()}
                if c["name"] == "distance":
                    self.assertAlmostEqual(g.pop("km"), want.pop("km"), delta=0.0011, msg=c)
                self.assertEqual(g, want, c)

    def assertNotOpen(self, r):
        p = self.assertProblem(r, 409, "conflict")
        self.assertEqual([e["code"] for e in p.get("errors", [])], ["match.position_not_open"], p)

    def assertBadParameter(self, r, name, code=None):
        p = self.assertProblem(r, 400, "invalid-parameter")
        self.assertEqual([e.get("parameter") for e in p["errors"]], [name], p)
        if code:
            self.assertEqual(p["errors"][0]["code"], code, p)
        else:
            self.assertTrue(p["errors"][0]["code"].startswith(name + "."), p)
        return p


class PositionMatchesTest(MatchingTest):
    def test_ranking_scores_components_and_counts(self):
        s = self.s
        model = self.current_model()
        r = self.ok(self.p_path(query="limit=200&office=" + OFFICE), key=self.keys["operator"])
        self.assertIsNone(r.header("link"))
        body = r.json()
        self.assertEqual(set(body), {"vacancy_id", "position_id", "model_version", "considered", "eligible",
                                     "items", "next_cursor"})
        self.assertEqual((body["vacancy_id"], body["position_id"]), (s["vacancy"]["id"], s["p"]["id"]))
        self.assertEqual(body["model_version"], model["model_version"])
        self.assertEqual(body["model_version"], "%s.%d" % (MODEL, model["version"]))
        self.assertEqual((body["considered"], body["eligible"]), (8, 4))
        self.assertIsNone(body["next_cursor"])
        # A and A2 tie (ids ascending), then C (the distance decays), then B
        a_first = sorted(["a", "a2"], key=lambda n: s[n]["id"])
        order = a_first + ["c", "b"]
        self.assertEqual([i["job_seeker_id"] for i in body["items"]], [s[n]["id"] for n in order])
        self.assertEqual([i["rank"] for i in body["items"]], [1, 2, 3, 4])
        exp = expected_p(s)
        for item, name in zip(body["items"], order):
            with self.subTest(person=name):
                self.assertEqual(set(item), {"job_seeker_id", "rank", "score", "components"})
                values, evidence = exp[name]
                self.assertAlmostEqual(item["score"], score6(total(values)), places=9)
                self.assertComponents(item["components"], values, evidence)
        # the figures by hand, too
        self.assertEqual([i["score"] for i in body["items"][:2]], [0.99375, 0.99375])
        self.assertAlmostEqual(body["items"][3]["score"], 0.7125, places=9)
        self.assertTrue(0.97 < body["items"][2]["score"] < 0.98, body["items"][2])

    def test_min_score_and_scope_filters(self):
        s = self.s
        q = "limit=200&office=%s&min_score=" % OFFICE
        got = lambda query: self.ok(self.p_path(query=query)).json()
        for min_score, names in (("0", {"a", "a2", "c", "b"}), ("0.9", {"a", "a2", "c"}), ("0.99", {"a", "a2"}),
                                 ("0.99375", {"a", "a2"}), ("0.993751", set()), ("1", set())):
            with self.subTest(min_score=min_score):
                body = got(q + min_score)
                self.assertEqual({i["job_seeker_id"] for i in body["items"]}, {s[n]["id"] for n in names})
                self.assertEqual([i["rank"] for i in body["items"]], list(range(1, len(names) + 1)))
                self.assertEqual((body["considered"], body["eligible"]), (8, 4))
        # the province of NA02 holds them (and more); another province none of them
        ours = {s[n]["id"] for n in ("a", "a2", "b", "c")}
        na = got("limit=200&province=NA")
        self.assertGreaterEqual(na["considered"], 8)
        self.assertTrue(ours <= {i["job_seeker_id"] for i in na["items"]} or na["eligible"] > 200, na)
        av = got("limit=200&province=AV")
        self.assertFalse(ours & {i["job_seeker_id"] for i in av["items"]})
        # another office: none of them
        other = got("limit=200&office=AV01")
        self.assertFalse(ours & {i["job_seeker_id"] for i in other["items"]})
        # without a filter every live person is considered
        everyone = got("limit=1")
        self.assertGreaterEqual(everyone["considered"], na["considered"])
        self.assertGreaterEqual(everyone["eligible"], 4)

    def test_pages_walk_the_same_ranking(self):
        full = self.ok(self.p_path(query="limit=200&office=" + OFFICE)).json()["items"]
        seen, path, pages = [], self.p_path(query="limit=1&office=" + OFFICE), 0
        while path:
            r = self.ok(path)
            body = r.json()
            self.assertEqual((body["considered"], body["eligible"]), (8, 4))
            self.assertEqual(len(body["items"]), 1)
            seen += body["items"]
            pages += 1
            link = r.header("link")
            if body["next_cursor"] is None:
                self.assertIsNone(link)
                path = None
                continue
            m = re.fullmatch(r'<(/v1/vacancies/[^>?]+/matches\?[^>]+)>; rel="next"', link or "")
            self.assertIsNotNone(m, link)
            self.assertTrue(m.group(1).startswith(self.p_path() + "?"), link)
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(m.group(1)).query)
            self.assertEqual(q, {"limit": ["1"], "cursor": [body["next_cursor"]], "office": [OFFICE]}, link)
            path = m.group(1)
        self.assertEqual(pages, 4)
        self.assertEqual(seen, full)
        # two at a time, with a score floor
        p1 = self.ok(self.p_path(query="limit=2&min_score=0.9&office=" + OFFICE)).json()
        self.assertEqual(p1["items"], full[:2])
        self.assertIsNotNone(p1["next_cursor"])
        p2 = self.ok(self.p_path(query="limit=2&min_score=0.9&office=%s&cursor=%s" % (
            OFFICE, urllib.parse.quote(p1["next_cursor"])))).json()
        self.assertEqual(p2["items"], full[2:3])
        self.assertIsNone(p2["next_cursor"])
        # limits at their bounds
        self.assertEqual(len(self.ok(self.p_path(query="limit=200&office=" + OFFICE)).json()["items"]), 4)
        self.assertEqual(len(self.ok(self.p_path(query="office=" + OFFICE)).json()["items"]), 4)  # default 20

    def test_bad_parameters(self):
        cases = [("limit=0", "limit", "limit.range"), ("limit=201", "limit", "limit.range"),
                 ("limit=x", "limit", "limit.syntax"), ("limit=", "limit", None),
                 ("min_score=-1", "min_score", None), ("min_score=2", "min_score", None),
                 ("min_score=x", "min_score", None), ("min_score=1.5", "min_score", None),
                 ("office=ce08", "office", "office.syntax"), ("office=CE8", "office", "office.syntax"),
                 ("office=", "office", "office.syntax"),
                 ("province=ce", "province", "province.syntax"), ("province=CEE", "province", "province.syntax"),
                 ("province=C1", "province", "province.syntax"),
                 ("sort=score", "sort", "parameter.unknown"), ("job_seeker_id=x", "job_seeker_id", "parameter.unknown"),
                 ("cursor=abc", "cursor", "cursor.invalid")]
        for q, name, code in cases:
            with self.subTest(q=q):
                self.assertBadParameter(self.server.get(self.p_path(query=q)), name, code)
        # a cursor of another list
        other = self.ok("/v1/job-seekers?limit=1").json()["next_cursor"]
        self.assertBadParameter(self.server.get(self.p_path(query="cursor=" + urllib.parse.quote(other))),
                                "cursor", "cursor.invalid")
        # a cursor of another position's ranking, or of a person's
        p_cursor = self.ok(self.p_path(query="limit=1&office=" + OFFICE)).json()["next_cursor"]
        self.assertBadParameter(self.server.get(self.p_path("p2", "cursor=" + p_cursor)), "cursor", "cursor.invalid")
        self.assertBadParameter(self.server.get("/v1/job-seekers/%s/matches?cursor=%s" % (self.s["a"]["id"], p_cursor)),
                                "cursor", "cursor.invalid")
        # several at once, each named
        p = self.assertProblem(self.server.get(self.p_path(query="limit=0&sort=x&province=c")), 400,
                               "invalid-parameter")
        self.assertEqual({(e["parameter"], e["code"]) for e in p["errors"]},
                         {("limit", "limit.range"), ("sort", "parameter.unknown"), ("province", "province.syntax")})

    def test_unknown_and_malformed_ids_are_404(self):
        s = self.s
        v, p = s["vacancy"]["id"], s["p"]["id"]
        other = request_ok(self, "POST", "/v1/vacancies",
                           body=vacancy_doc(s["employer"]["id"], SIDE_OFFICE)).json()
        for path in ("/v1/vacancies/%s/positions/%s/matches" % (NOBODY, p),
                     "/v1/vacancies/%s/positions/%s/matches" % (v, NOBODY),
                     "/v1/vacancies/%s/positions/%s/matches" % (v, other["positions"][0]["id"]),
                     "/v1/vacancies/%s/positions/%s/matches" % (other["id"], p),
                     "/v1/vacancies/abc/positions/%s/matches" % p,
                     "/v1/vacancies/%s/positions/abc/matches" % v,
                     "/v1/vacancies/%s/positions/%s/matches" % (v.upper()[:-1], p)):
            with self.subTest(path=path):
                self.assertProblem(self.server.get(path), 404, "not-found")
        # with good parameters, still 404
        self.assertProblem(self.server.get("/v1/vacancies/%s/positions/%s/matches?limit=5" % (NOBODY, p)),
                           404, "not-found")

    def test_positions_not_open_are_409(self):
        s = self.s
        emp = s["employer"]["id"]
        draft = request_ok(self, "POST", "/v1/vacancies", body=vacancy_doc(emp, SIDE_OFFICE)).json()
        self.assertNotOpen(self.server.get("/v1/vacancies/%s/positions/%s/matches" % (
            draft["id"], draft["positions"][0]["id"])))
        self.assertNotOpen(self.server.get("/v1/vacancies/%s/positions/%s/matches/%s" % (
            draft["id"], draft["positions"][0]["id"], s["a"]["id"])))
        # published: open; once closed, 409 within a second
        v = publish(self, vacancy_doc(emp, SIDE_OFFICE))
        path = "/v1/vacancies/%s/positions/%s/matches" % (v["id"], v["positions"][0]["id"])
        self.assertIsNotNone(poll(lambda: self.server.get(path).status == 200, FRESH)[1], self.server.get(path))
        request_ok(self, "POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "close"})
        r, took = poll(lambda: self.server.get(path).status == 409, FRESH)
        self.assertIsNotNone(took, self.server.get(path))
        self.assertNotOpen(self.server.get(path))
        self.assertNotOpen(self.server.get(path + "/" + s["a"]["id"]))
        # a position whose places are all taken, in a vacancy still published; then the vacancy filled
        v = publish(self, vacancy_doc(emp, SIDE_OFFICE, positions=[position(quantity=1), position(quantity=1)]))
        p0, p1 = v["positions"]
        path0 = "/v1/vacancies/%s/positions/%s/matches" % (v["id"], p0["id"])
        path1 = "/v1/vacancies/%s/positions/%s/matches" % (v["id"], p1["id"])
        poll(lambda: self.server.get(path0).status == 200, FRESH)
        request_ok(self, "POST", "/v1/vacancies/%s/events" % v["id"],
                   body={"type": "fill", "positions": [{"position_id": p0["id"], "filled": 1}]})
        self.assertIsNotNone(poll(lambda: self.server.get(path0).status == 409, FRESH)[1], self.server.get(path0))
        self.assertNotOpen(self.server.get(path0))
        self.assertEqual(self.server.get(path1).status, 200)
        r = request_ok(self, "POST", "/v1/vacancies/%s/events" % v["id"],
                       body={"type": "fill", "positions": [{"position_id": p1["id"], "filled": 1}]})
        self.assertEqual(r.json()["vacancy"]["state"], "filled")
        self.assertIsNotNone(poll(lambda: self.server.get(path1).status == 409, FRESH)[1], self.server.get(path1))
        self.assertNotOpen(self.server.get(path1))
        # expired: published, but past its valid_until
        v = publish(self, vacancy_doc(emp, SIDE_OFFICE))
        path = "/v1/vacancies/%s/positions/%s/matches" % (v["id"], v["positions"][0]["id"])
        poll(lambda: self.server.get(path).status == 200, FRESH)
        psql("UPDATE vacancies SET valid_until = '2020-01-01', valid_from = '2019-01-01' WHERE id = '%s'" % v["id"])
        self.assertIsNotNone(poll(lambda: self.server.get(path).status == 409, FRESH)[1], self.server.get(path))
        self.assertNotOpen(self.server.get(path))
        request_ok(self, "POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "close"})

    def test_who_may_read(self):
        s = self.s
        path = self.p_path(query="office=" + OFFICE)
        self.assertEqual(self.server.get(path, key=self.keys["operator_na"]).status, 200)  # any office
        self.assertEqual(self.server.get(path, key=self.keys["operator"]).status, 200)
        self.assertProblem(self.server.get(path, key=self.keys["portal"]), 403, "forbidden")
        self.assertProblem(self.server.get(path, key=self.keys["employer"]), 404, "not-found")  # another employer
        self.assertProblem(self.server.get(path, key=NO_KEY), 401, "unauthorized")
        for p in (self.pair_path("a"), "/v1/job-seekers/%s/matches" % s["a"]["id"]):
            with self.subTest(path=p):
                self.assertProblem(self.server.get(p, key=s["employer_key"]), 403, "forbidden")
                self.assertProblem(self.server.get(p, key=self.keys["portal"]), 403, "forbidden")
                self.assertEqual(self.server.get(p, key=self.keys["operator_na"]).status, 200)


class ExplanationTest(MatchingTest):
    def explain(self, who, which="p"):
        r = self.ok(self.pair_path(who, which), key=self.keys["operator"])
        body = r.json()
        self.assertEqual(set(body), {"vacancy_id", "position_id", "job_seeker_id", "model_version", "eligible",
                                     "rank", "score", "components", "filters"})
        self.assertEqual((body["vacancy_id"], body["position_id"], body["job_seeker_id"]),
                         (self.s["vacancy"]["id"], self.s[which]["id"], self.s[who]["id"]))
        return body

    def test_eligible_pairs_match_the_list(self):
        s = self.s
        listed = {i["job_seeker_id"]: i for i in
                  self.ok(self.p_path(query="limit=200&office=" + OFFICE)).json()["items"]}
        exp = expected_p(s)
        model = self.current_model()["model_version"]
        for name in ("a", "a2", "b", "c"):
            with self.subTest(person=name):
                body = self.explain(name)
                self.assertEqual((body["eligible"], body["filters"], body["model_version"]), (True, [], model))
                item = listed[s[name]["id"]]
                # the rank is in the whole ranking, not only NA02's: never better than in NA02
                self.assertGreaterEqual(body["rank"], item["rank"])
                self.assertEqual(body["score"], item["score"])
                self.assertEqual(body["components"], item["components"])
                self.assertComponents(body["components"], *exp[name])

    def test_excluded_pairs_name_their_filters(self):
        exp = expected_p(self.s)
        for name, codes in (("d", ["skill"]), ("e", ["distance"]), ("f", ["did"]), ("g", ["consent", "contract"])):
            with self.subTest(person=name):
                body = self.explain(name)
                self.assertEqual((body["eligible"], body["rank"], body["score"]), (False, None, 0), body)
                self.assertEqual([f["code"] for f in body["filters"]], codes, body["filters"])
                for f in body["filters"]:
                    self.assertEqual(set(f), {"code", "detail"})
                    self.assertTrue(f["detail"].strip(), f)
                self.assertComponents(body["components"], *exp[name])
        # the details carry the figures
        dist = self.explain("e")["filters"][0]["detail"]
        self.assertIn("50", dist)
        self.assertIn("haccp", self.explain("d")["filters"][0]["detail"])

    def test_second_position(self):
        """P2 asks for nothing: A shares 3 levels with a waiter (0.6); C is beyond its
        own 10 km and P2 has no limit to decay to (0); E does not relocate (filter)."""
        s = self.s
        body = self.explain("a", "p2")
        self.assertTrue(body["eligible"])
        self.assertEqual(body["score"], score6(total([0.6, 1, 1, 1, 1, 1, 0.875])))
        self.assertComponents(body["components"], [0.6, 1, 1, 1, 1, 1, 0.875], [
            {"level": 3, "position_code": "5.2.2.3.1", "matched_code": "5.2.2.1.0"},
            {"matched": [], "missing": []},
            {"relevant_months": 0, "required_months": 0},  # 5.2.2.1.0 shares only 3 levels
            {"eqf_level": 4, "min_eqf": None},
            {"matched": [], "missing": []},
            {"km": round(km_to(NEAR), 3), "max_travel_km": 30, "max_distance_km": None},
            {"contract_type": "determinato", "contract_accepted": True, "working_time": "full_time",
             "seeker_working_time": "any"}])
        c = self.explain("c", "p2")
        self.assertEqual(c["components"][5]["value"], 0)
        self.assertEqual(c["score"], score6(total([0.6, 1, 1, 1, 1, 0, 0.875])))
        self.assertEqual([f["code"] for f in self.explain("e", "p2")["filters"]], ["distance"])
        self.assertTrue(self.explain("d", "p2")["eligible"])  # no must-have here
        items = self.ok(self.p_path("p2", "limit=200&office=" + OFFICE)).json()
        self.assertEqual((items["considered"], items["eligible"]), (8, 5))
        self.assertEqual(items["items"][0]["job_seeker_id"], s["b"]["id"])  # 0.88
        self.assertEqual(items["items"][0]["score"], 0.88)

    def test_every_filter_code_in_order(self):
        """A person who fails every hard filter of a position that has them all."""
        s = self.s
        v = publish(self, vacancy_doc(s["employer"]["id"], SIDE_OFFICE, positions=[position(
            contract_type="apprendistato", apprenticeship=True, l68_reserved=True, working_time="full_time",
            shifts=True, workplace={"comune_istat": "063049", "lat": WORK[0], "lon": WORK[1]},
            requirements={"skills": [{"code": "haccp", "must_have": True}],
                          "education": {"min_eqf": 4, "required": True},
                          "languages": [{"code": "en", "min_cefr": "B2", "required": True}],
                          "licences": ["C"], "min_experience_months": 0, "max_distance_km": 50})]))
        js = create_seeker(self, seeker(SIDE_OFFICE, at=FAR, birth_date="1980-05-05",
                                        codice_fiscale=cf.make(_name(random), _name(random), "1980-05-05", "M"),
                                        matching_consent=False, licences=["B"], skills=[],
                                        education=[{"title": "Licenza media", "eqf_level": 2}],
                                        languages=[{"code": "en", "cefr": "A1"}],
                                        availability={"contract_types": ["tirocinio"], "working_time": "part_time",
                                                      "shifts": False, "max_travel_km": 30, "relocate": False}),
                           did=())
        path = "/v1/vacancies/%s/positions/%s/matches/%s" % (v["id"], v["positions"][0]["id"], js["id"])
        body, took = poll(lambda: self.server.get(path).status == 200 and self.server.get(path).json(), FRESH)
        self.assertIsNotNone(took, self.server.get(path))
        self.assertEqual([f["code"] for f in body["filters"]],
                         ["did", "consent", "licence", "skill", "education", "language", "distance", "contract",
                          "hours", "l68", "apprenticeship"])
        self.assertEqual((body["eligible"], body["rank"], body["score"]), (False, None, 0))
        details = {f["code"]: f["detail"] for f in body["filters"]}
        self.assertIn("C", details["licence"])
        self.assertIn("haccp", details["skill"])
        self.assertIn("4", details["education"])
        self.assertIn("en", details["language"])
        self.assertIn("apprendistato", details["contract"])
        request_ok(self, "POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "close"})

    def test_apprenticeship_age_window(self):
        """18 to 29 on the reference day (the index's today): the only use of age."""
        s = self.s
        today = datetime.date.fromisoformat(self.server.get("/v1/status").json()["matching"]["today"])

        def years_before(n, days=0):
            """The birth date of someone who turns n today (plus days)."""
            try:
                d = today.replace(year=today.year - n)
            except ValueError:  # today is 29 February: born on the 28th, one turns n today
                d = datetime.date(today.year - n, 2, 28)
            return (d + datetime.timedelta(days=days)).isoformat()

        v = publish(self, vacancy_doc(s["employer"]["id"], SIDE_OFFICE, positions=[position(
            contract_type="apprendistato", apprenticeship=True, shifts=False,
            workplace={"comune_istat": "063049", "lat": WORK[0], "lon": WORK[1]},
            requirements={"skills": [], "languages": [], "licences": []})]))
        pid = v["positions"][0]["id"]
        cases = [(years_before(18), True), (years_before(18, 1), False),       # 18 today; 18 tomorrow
                 (years_before(30, 1), True), (years_before(30), False),       # 30 tomorrow; 30 today
                 ("1980-05-05", False)]
        any_contract = {"contract_types": [], "working_time": "any", "shifts": True, "max_travel_km": 30,
                        "relocate": False}
        for birth, eligible in cases:
            with self.subTest(birth=birth):
                js = create_seeker(self, seeker(SIDE_OFFICE, birth_date=birth, availability=any_contract,
                                                codice_fiscale=cf.make(_name(random), _name(random), birth, "M")))
                path = "/v1/vacancies/%s/positions/%s/matches/%s" % (v["id"], pid, js["id"])

                def filters():
                    r = self.server.get(path)
                    return [f["code"] for f in r.json()["filters"]] if r.status == 200 else None
                want = [] if eligible else ["apprenticeship"]
                _, took = poll(lambda: filters() == want, FRESH)  # once the DID registration is in
                self.assertIsNotNone(took, (want, self.server.get(path)))
        request_ok(self, "POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "close"})

    def test_errors(self):
        s = self.s
        v, p = s["vacancy"]["id"], s["p"]["id"]
        for path in ("/v1/vacancies/%s/positions/%s/matches/%s" % (v, p, NOBODY),
                     "/v1/vacancies/%s/positions/%s/matches/abc" % (v, p),
                     "/v1/vacancies/%s/positions/%s/matches/%s" % (v, p, s["a"]["codice_fiscale"]),
                     "/v1/vacancies/%s/positions/%s/matches/%s" % (NOBODY, p, s["a"]["id"]),
                     "/v1/vacancies/%s/positions/%s/matches/%s" % (v, NOBODY, s["a"]["id"]),
                     "/v1/vacancies/abc/positions/%s/matches/%s" % (p, s["a"]["id"])):
            with self.subTest(path=path):
                self.assertProblem(self.server.get(path), 404, "not-found")
        self.assertBadParameter(self.server.get(self.pair_path("a") + "?limit=1"), "limit", "parameter.unknown")
        # an erased person: 404 here at once, gone from the rankings within a second
        js = create_seeker(self, seeker(SIDE_OFFICE))
        path = self.pair_path(js["id"])
        listed = lambda: [i["job_seeker_id"] for i in
                          self.ok(self.p_path(query="limit=200&office=" + SIDE_OFFICE)).json()["items"]]
        self.assertIsNotNone(poll(lambda: js["id"] in listed(), FRESH)[1])
        request_ok(self, "DELETE", "/v1/job-seekers/" + js["id"])
        self.assertProblem(self.server.get(path), 404, "not-found")
        self.assertProblem(self.server.get("/v1/job-seekers/%s/matches" % js["id"]), 404, "not-found")
        self.assertIsNotNone(poll(lambda: js["id"] not in listed(), FRESH)[1], "still ranked after %s s" % FRESH)


class JobSeekerMatchesTest(MatchingTest):
    def path(self, who, query=""):
        return "/v1/job-seekers/%s/matches%s" % (self.s[who]["id"] if who in self.s else who,
                                                  "?" + query if query else "")

    def test_ranked_positions(self):
        s = self.s
        r = self.ok(self.path("a", "office=" + OFFICE), key=self.keys["operator"])
        self.assertIsNone(r.header("link"))
        body = r.json()
        self.assertEqual(set(body), {"job_seeker_id", "model_version", "considered", "eligible", "items",
                                     "next_cursor"})
        self.assertEqual((body["job_seeker_id"], body["model_version"]),
                         (s["a"]["id"], self.current_model()["model_version"]))
        self.assertEqual((body["considered"], body["eligible"], body["next_cursor"]), (2, 2, None))
        self.assertEqual([(i["position_id"], i["vacancy_id"], i["rank"], i["score"]) for i in body["items"]],
                         [(s["p"]["id"], s["vacancy"]["id"], 1, 0.99375),
                          (s["p2"]["id"], s["vacancy"]["id"], 2, 0.87375)])
        for i in body["items"]:
            self.assertEqual(set(i), {"position_id", "vacancy_id", "rank", "score", "components"})
        self.assertComponents(body["items"][0]["components"], *expected_p(s)["a"])
        # the same components as in the position's ranking
        listed = {i["job_seeker_id"]: i
                  for i in self.ok(self.p_path(query="limit=200&office=" + OFFICE)).json()["items"]}
        self.assertEqual(body["items"][0]["components"], listed[s["a"]["id"]]["components"])
        # D lacks P's must-have skill, F has no DID
        d = self.ok(self.path("d", "office=" + OFFICE)).json()
        self.assertEqual((d["considered"], d["eligible"]), (2, 1))
        self.assertEqual([(i["position_id"], i["rank"], i["score"]) for i in d["items"]],
                         [(s["p2"]["id"], 1, 0.87375)])
        f = self.ok(self.path("f", "office=" + OFFICE)).json()
        self.assertEqual((f["considered"], f["eligible"], f["items"]), (2, 0, []))
        # filters
        high = self.ok(self.path("a", "office=%s&min_score=0.9" % OFFICE)).json()
        self.assertEqual(([i["position_id"] for i in high["items"]], high["eligible"]), ([s["p"]["id"]], 2))
        na = self.ok(self.path("a", "province=NA&limit=200")).json()
        self.assertGreaterEqual(na["considered"], 2)
        ids = [i["position_id"] for i in na["items"]]
        if na["eligible"] <= 200:
            self.assertIn(s["p"]["id"], ids)
        av = self.ok(self.path("a", "province=AV&limit=200")).json()
        self.assertNotIn(s["p"]["id"], [i["position_id"] for i in av["items"]])
        na01 = self.ok(self.path("a", "office=NA01&limit=200")).json()
        self.assertNotIn(s["p"]["id"], [i["position_id"] for i in na01["items"]])

    def test_pages(self):
        s = self.s
        r = self.ok(self.path("a", "limit=1&office=" + OFFICE))
        first = r.json()
        self.assertEqual([i["rank"] for i in first["items"]], [1])
        link = r.header("link")
        m = re.fullmatch(r'<(/v1/job-seekers/[^>?]+/matches\?[^>]+)>; rel="next"', link or "")
        self.assertIsNotNone(m, link)
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(m.group(1)).query)
        self.assertEqual(q, {"limit": ["1"], "cursor": [first["next_cursor"]], "office": [OFFICE]})
        r = self.ok(m.group(1))
        second = r.json()
        self.assertEqual([(i["position_id"], i["rank"]) for i in second["items"]], [(s["p2"]["id"], 2)])
        self.assertIsNone(second["next_cursor"])
        self.assertIsNone(r.header("link"))
        self.assertEqual((second["considered"], second["eligible"]), (2, 2))

    def test_errors(self):
        for q, name, code in (("limit=0", "limit", "limit.range"), ("limit=x", "limit", "limit.syntax"),
                              ("min_score=2", "min_score", None), ("min_score=x", "min_score", None),
                              ("office=na02", "office", "office.syntax"), ("province=N", "province", "province.syntax"),
                              ("cursor=abc", "cursor", "cursor.invalid"), ("q=cuoco", "q", "parameter.unknown")):
            with self.subTest(q=q):
                self.assertBadParameter(self.server.get(self.path("a", q)), name, code)
        for who in (NOBODY, "abc", self.s["a"]["codice_fiscale"]):
            with self.subTest(who=who):
                self.assertProblem(self.server.get(self.path(who)), 404, "not-found")
        self.assertProblem(self.server.get(self.path("a"), key=self.keys["portal"]), 403, "forbidden")
        self.assertProblem(self.server.get(self.path("a"), key=self.keys["employer"]), 403, "forbidden")
        self.assertProblem(self.server.get(self.path("a"), key=NO_KEY), 401, "unauthorized")


class EmployerViewTest(MatchingTest):
    def test_pseudonymised_ranking(self):
        s = self.s
        key = s["employer_key"]
        full = self.ok(self.p_path(query="limit=200&office=" + OFFICE)).json()
        r = self.ok(self.p_path(query="limit=200&office=" + OFFICE), key=key)
        body = r.json()
        self.assertEqual(set(body), {"vacancy_id", "position_id", "model_version", "considered", "eligible",
                                     "items", "next_cursor"})
        self.assertEqual({k: body[k] for k in ("vacancy_id", "position_id", "model_version", "considered",
                                                "eligible", "next_cursor")},
                         {k: full[k] for k in ("vacancy_id", "position_id", "model_version", "considered",
                                                "eligible", "next_cursor")})
        for item in body["items"]:
            self.assertEqual(set(item), {"candidate", "rank", "score"}, item)
            self.assertRegex(item["candidate"], CANDIDATE)
        self.assertEqual([(i["rank"], i["score"]) for i in body["items"]],
                         [(i["rank"], i["score"]) for i in full["items"]])
        candidates = [i["candidate"] for i in body["items"]]
        self.assertEqual(len(set(candidates)), 4)
        text = r.body.decode()
        for name in ("a", "a2", "b", "c", "d", "e", "f", "g"):
            self.assertNotIn(s[name]["id"], text)
            self.assertNotIn(s[name]["codice_fiscale"], text)
        # stable across calls, and across pages
        again = self.ok(self.p_path(query="limit=200&office=" + OFFICE), key=key).json()
        self.assertEqual([i["candidate"] for i in again["items"]], candidates)
        page = self.ok(self.p_path(query="limit=1&office=" + OFFICE), key=key).json()
        self.assertEqual(page["items"][0]["candidate"], candidates[0])
        page2 = self.ok(self.p_path(query="limit=1&office=%s&cursor=%s" % (
            OFFICE, urllib.parse.quote(page["next_cursor"]))), key=key).json()
        self.assertEqual((page2["items"][0]["candidate"], page2["items"][0]["rank"]), (candidates[1], 2))
        # another position: other pseudonyms for the same people
        full2 = self.ok(self.p_path("p2", "limit=200&office=" + OFFICE)).json()["items"]
        emp2 = self.ok(self.p_path("p2", "limit=200&office=" + OFFICE), key=key).json()["items"]
        self.assertEqual([i["rank"] for i in emp2], [i["rank"] for i in full2])
        on_p = dict(zip([i["job_seeker_id"] for i in full["items"]], candidates))
        on_p2 = dict(zip([i["job_seeker_id"] for i in full2], [i["candidate"] for i in emp2]))
        self.assertFalse(set(on_p.values()) & set(on_p2.values()))
        for name in ("a", "a2", "b", "c"):
            self.assertNotEqual(on_p[s[name]["id"]], on_p2[s[name]["id"]])

    def test_scope(self):
        s = self.s
        key = s["employer_key"]
        self.assertProblem(self.server.get(self.p_path(), key=self.keys["employer"]), 404, "not-found")
        self.assertProblem(self.server.get(self.p_path(), key=self.keys["portal"]), 403, "forbidden")
        self.assertProblem(self.server.get(self.pair_path("a"), key=key), 403, "forbidden")
        # its own draft: not open
        draft = request_ok(self, "POST", "/v1/vacancies", body=vacancy_doc(s["employer"]["id"], SIDE_OFFICE)).json()
        path = "/v1/vacancies/%s/positions/%s/matches" % (draft["id"], draft["positions"][0]["id"])
        self.assertNotOpen(self.server.get(path, key=key))
        self.assertProblem(self.server.get(path, key=self.keys["employer"]), 404, "not-found")
        self.assertBadParameter(self.server.get(self.p_path(query="limit=0"), key=key), "limit", "limit.range")


class AuditTest(MatchingTest):
    def rows(self, request_id):
        return psql("SELECT role, action, resource_type, job_seeker_id FROM audit_events"
                    " WHERE request_id = '%s' ORDER BY id" % request_id)

    def test_every_person_listed_is_audited(self):
        s = self.s
        rid = "match-list-%d" % time.time_ns()
        items = self.ok(self.p_path(query="limit=200&office=" + OFFICE), key=self.keys["operator"],
                        headers={"X-Request-Id": rid}).json()["items"]
        rows = self.rows(rid)
        self.assertEqual(sorted(r[3] for r in rows if r[1] == "match"), sorted(i["job_seeker_id"] for i in items))
        self.assertEqual(len([r for r in rows if r[1] == "match"]), 4)
        self.assertTrue(all(r[0] == "operator" for r in rows), rows)
        # a person's right of access shows it
        events = self.ok("/v1/audit-events?limit=200&job_seeker_id=" + s["b"]["id"]).json()["items"]
        self.assertIn("match", [e["action"] for e in events])
        # the pair and the person's ranking are reads
        rid = "match-pair-%d" % time.time_ns()
        self.ok(self.pair_path("d"), key=self.keys["operator"], headers={"X-Request-Id": rid})
        self.assertEqual([r[1:] for r in self.rows(rid)], [["read", "match", s["d"]["id"]]])
        rid = "match-seeker-%d" % time.time_ns()
        self.ok("/v1/job-seekers/%s/matches" % s["c"]["id"], key=self.keys["operator"],
                headers={"X-Request-Id": rid})
        self.assertEqual([r[1:] for r in self.rows(rid)], [["read", "job_seeker_matches", s["c"]["id"]]])
        # nobody listed, nothing recorded about people
        rid = "match-none-%d" % time.time_ns()
        self.ok(self.p_path(query="office=%s&min_score=1" % OFFICE), headers={"X-Request-Id": rid})
        self.assertEqual([r for r in self.rows(rid) if r[1] == "match"], [])


class StatusTest(MatchingTest):
    def test_status_reports_the_index(self):
        r = self.server.get("/v1/status")
        self.assertEqual(r.status, 200, r)
        m = r.json()["matching"]
        self.assertEqual(set(m), {"ready", "seekers", "positions", "model_version", "today"})
        self.assertIs(m["ready"], True)
        self.assertIsInstance(m["seekers"], int)
        self.assertIsInstance(m["positions"], int)
        self.assertGreaterEqual(m["seekers"], 8)
        self.assertGreaterEqual(m["positions"], 2)
        self.assertEqual(m["model_version"], self.current_model()["model_version"])
        today = datetime.datetime.now(datetime.timezone.utc).date()
        self.assertIn(m["today"], {today.isoformat(), (today - datetime.timedelta(days=1)).isoformat()})
        live = int(psql("SELECT count(*) FROM job_seekers WHERE erased_at IS NULL")[0][0])
        self.assertLessEqual(abs(m["seekers"] - live), 5)  # other tests may be writing

    def test_503_until_loaded(self):
        """A server that has just started answers 503 until its index has loaded
        (it may load before the first request: then there is nothing to see)."""
        s = Server(*self.server_args)
        try:
            path = self.p_path(query="office=" + OFFICE)
            r = s.get(path, key=self.keys["admin"])
            if r.status == 503:
                self.assertProblem(r, 503, "matching-unavailable")
                self.assertRegex(r.header("retry-after") or "", r"^[0-9]+$")
            else:
                self.assertEqual(r.status, 200, r)
            m = s.get("/v1/status").json()["matching"]
            if not m["ready"]:
                self.assertEqual(m, {"ready": False})
            wait_ready(s)
            self.assertEqual(s.get(path, key=self.keys["admin"]).status, 200)
        finally:
            self.assertEqual(s.stop(), 0)


class FreshnessTest(MatchingTest):
    def listed(self, query="limit=200&office=" + SIDE_OFFICE):
        return {i["job_seeker_id"]: i for i in self.ok(self.p_path(query=query)).json()["items"]}

    def test_changes_show_within_a_second(self):
        second = Server(*self.server_args)  # a second server follows the same changes
        self.addCleanup(lambda: self.assertEqual(second.stop(), 0))
        wait_ready(second)
        js = create_seeker(self, seeker(SIDE_OFFICE))
        item, took = poll(lambda: self.listed().get(js["id"]), FRESH)
        self.assertIsNotNone(took, "a new person did not show in %s s" % FRESH)
        self.assertEqual(item["score"], 0.99375)
        path = self.p_path(query="limit=200&office=" + SIDE_OFFICE)
        _, took = poll(lambda: js["id"] in [i["job_seeker_id"] for i in
                                            second.get(path, key=self.keys["admin"]).json()["items"]], FRESH)
        self.assertIsNotNone(took, "another server did not show the new person in %s s" % FRESH)
        # without the must-have skill: excluded
        r = self.server.request("PATCH", "/v1/job-seekers/" + js["id"],
                                headers={"Content-Type": MERGE, "If-Match": "*"},
                                body=json.dumps({"skills": [{"code": "pasticceria", "level": 1}]}))
        self.assertEqual(r.status, 200, r)
        _, took = poll(lambda: js["id"] not in self.listed(), FRESH)
        self.assertIsNotNone(took, "a patch did not show in %s s" % FRESH)
        pair = self.ok(self.pair_path(js["id"])).json()
        self.assertEqual([f["code"] for f in pair["filters"]], ["skill"])
        self.assertEqual(pair["components"][1]["value"], 0.25)
        # back, and 4th-level only: a new score
        r = self.server.request("PATCH", "/v1/job-seekers/" + js["id"],
                                headers={"Content-Type": MERGE, "If-Match": "*"},
                                body=json.dumps({"skills": js["doc"]["skills"], "desired_occupations": ["5.2.2.1.9"],
                                                 "experiences": []}))
        self.assertEqual(r.status, 200, r)
        want = score6(total([0.8, 1, 0, 1, 1, 1, 0.875]))
        item, took = poll(lambda: (self.listed().get(js["id"]) or {}).get("score") == want, FRESH)
        self.assertIsNotNone(took, "the second patch did not show in %s s: %r" % (FRESH, self.listed().get(js["id"])))
        # a DID event counts too
        request_ok(self, "POST", "/v1/job-seekers/%s/did-events" % js["id"], body={"type": "cancel"})
        self.assertIsNotNone(poll(lambda: js["id"] not in self.listed(), FRESH)[1])
        # and a vacancy's change: the position's workplace moves 20 km away
        v = publish(self, vacancy_doc(self.s["employer"]["id"], SIDE_OFFICE, positions=[P_DOC]))
        other = create_seeker(self, seeker(SIDE_OFFICE))
        path = "/v1/vacancies/%s/positions/%s/matches/%s" % (v["id"], v["positions"][0]["id"], other["id"])
        body, took = poll(lambda: self.server.get(path).status == 200 and self.server.get(path).json()["eligible"],
                          FRESH)
        self.assertIsNotNone(took, self.server.get(path))
        moved = dict(v["positions"][0], workplace={"comune_istat": "063049", "lat": MID[0], "lon": MID[1]})
        moved.pop("filled")
        r = self.server.request("PATCH", "/v1/vacancies/" + v["id"], body={"positions": [moved]},
                                headers={"Content-Type": MERGE, "If-Match": "*"})
        self.assertEqual(r.status, 200, r)
        _, took = poll(lambda: self.server.get(path).json()["components"][5]["evidence"]["km"] > 15, FRESH)
        self.assertIsNotNone(took, self.server.get(path))
        request_ok(self, "POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "close"})


class ModelTest(MatchingTest):
    W2 = {"occupation": 10, "skills": 10, "experience": 10, "education": 10, "languages": 10, "distance": 10,
          "contract": 40}

    def put(self, body, key=None, headers=None):
        return self.server.request("PUT", "/v1/matching/model", body=body, key=key, headers=headers)

    def wait_model(self, version):
        """Until the rankings are made with this weights version."""
        mv = "%s.%d" % (MODEL, version)
        _, took = poll(lambda: self.server.get(self.p_path(query="office=" + OFFICE)).json()["model_version"] == mv,
                       FRESH)
        return took

    def test_defaults(self):
        for role in ("admin", "operator", "portal", "employer"):
            with self.subTest(role=role):
                r = self.ok("/v1/matching/model", key=self.keys[role])
                m = r.json()
                self.assertEqual(set(m), {"model_version", "model", "version", "weights", "created_at", "created_by"})
                self.assertEqual(m["model"], MODEL)
                self.assertEqual(m["model_version"], "%s.%d" % (MODEL, m["version"]))
                self.assertEqual(m["weights"], DEFAULT_WEIGHTS)
                self.assertEqual(r.header("etag"), '"%d"' % m["version"])
                self.assertRegex(m["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        first = self.ok("/v1/matching/model-versions").json()["items"][-1]
        self.assertEqual((first["version"], first["model_version"], first["weights"], first["created_by"]),
                         (1, MODEL + ".1", DEFAULT_WEIGHTS, None))
        etag = self.server.get("/v1/matching/model").header("etag")
        r = self.server.get("/v1/matching/model", headers={"If-None-Match": etag})
        self.assertEqual((r.status, r.body, r.header("etag")), (304, b"", etag))
        self.assertBadParameter(self.server.get("/v1/matching/model?x=1"), "x", "parameter.unknown")
        self.assertBadParameter(self.server.get("/v1/matching/model-versions?limit=5"), "limit", "parameter.unknown")
        self.assertProblem(self.server.get("/v1/matching/model", key=NO_KEY), 401, "unauthorized")
        for method, path in (("DELETE", "/v1/matching/model"), ("POST", "/v1/matching/model"),
                             ("PUT", "/v1/matching/model-versions"), ("POST", self.p_path())):
            with self.subTest(method=method, path=path):
                r = self.server.request(method, path, body={"weights": DEFAULT_WEIGHTS})
                self.assertProblem(r, 405, "method-not-allowed")
                self.assertIn("GET", r.header("allow"))

    def test_invalid_weights_are_422(self):
        before = self.current_model()
        w = DEFAULT_WEIGHTS
        cases = [
            ({"weights": {k: v for k, v in w.items() if k != "contract"}}, [("/weights/contract", "field.required")]),
            ({"weights": dict(w, contract=None)}, [("/weights/contract", "field.required")]),
            ({"weights": dict(w, age=3)}, [("/weights/age", "field.unknown")]),
            ({"weights": dict(w, skills=-1)}, [("/weights/skills", "field.range")]),
            ({"weights": dict(w, skills=-0.5)}, [("/weights/skills", "field.range")]),
            ({"weights": dict(w, skills=1000.5)}, [("/weights/skills", "field.range")]),
            ({"weights": dict(w, skills="25")}, [("/weights/skills", "field.type")]),
            ({"weights": dict(w, skills=True)}, [("/weights/skills", "field.type")]),
            ({"weights": w, "comment": "x"}, [("/comment", "field.unknown")]),
            ({}, [("/weights", "field.required")]),
            ({"weights": [30, 25]}, [("/weights", "field.type")]),
            ({"weights": {k: 0 for k in w}}, [("/weights", "weights.zero_sum")]),
        ]
        for body, errors in cases:
            with self.subTest(body=body):
                p = self.assertProblem(self.put(body), 422, "validation")
                self.assertEqual([(e["pointer"], e["code"]) for e in p["errors"]], errors, p)
        p = self.assertProblem(self.put({"weights": {"skills": -1, "age": 1}}), 422, "validation")
        pointers = {e["pointer"] for e in p["errors"]}
        self.assertTrue({"/weights/skills", "/weights/age", "/weights/occupation", "/weights/contract"} <= pointers, p)
        self.assertProblem(self.put("{", headers={"Content-Type": "application/json"}), 400, "malformed-json")
        self.assertProblem(self.server.request("PUT", "/v1/matching/model", body=json.dumps({"weights": w}),
                                               headers={"Content-Type": "text/plain"}), 415, "unsupported-media-type")
        for role in ("operator", "operator_na", "portal", "employer"):
            self.assertProblem(self.put({"weights": w}, key=self.keys[role]), 403, "forbidden")
        self.assertProblem(self.put({"weights": w}, key=NO_KEY), 401, "unauthorized")
        self.assertProblem(self.put({"weights": w}, headers={"If-Match": '"%d"' % (before["version"] + 100)}),
                           412, "precondition-failed")
        self.assertEqual(self.current_model(), before)

    def test_new_weights_rank_at_once_and_are_kept(self):
        s = self.s
        before = self.current_model()
        second = Server(*self.server_args)  # every server follows
        self.addCleanup(lambda: self.assertEqual(second.stop(), 0))
        wait_ready(second)
        self.addCleanup(self.restore)
        rid = "weights-%d" % time.time_ns()
        r = self.put({"weights": self.W2}, headers={"If-Match": '"%d"' % before["version"], "X-Request-Id": rid})
        self.assertEqual(r.status, 200, r)
        m = r.json()
        v = before["version"] + 1
        self.assertEqual((m["version"], m["model_version"], m["model"], m["weights"]),
                         (v, "%s.%d" % (MODEL, v), MODEL, self.W2))
        self.assertEqual(r.header("etag"), '"%d"' % v)
        self.assertEqual(self.current_model(), m)
        audit = psql("SELECT key_id, role, action, resource_type FROM audit_events WHERE request_id = '%s'" % rid)
        self.assertEqual([a[1:] for a in audit], [["admin", "update", "matching_model"]])
        self.assertEqual(m["created_by"], audit[0][0])
        # every ranking uses them within a second, on every server
        self.assertIsNotNone(self.wait_model(v), "the new weights were not in use after %s s" % FRESH)
        _, took = poll(lambda: second.get(self.p_path(query="office=" + OFFICE),
                                         key=self.keys["admin"]).json()["model_version"] == m["model_version"], FRESH)
        self.assertIsNotNone(took, "another server did not use the new weights after %s s" % FRESH)
        body = self.ok(self.p_path(query="limit=200&office=" + OFFICE)).json()
        exp = expected_p(s)
        a_first = sorted(["a", "a2"], key=lambda n: s[n]["id"])
        self.assertEqual([i["job_seeker_id"] for i in body["items"]], [s[n]["id"] for n in a_first + ["c", "b"]])
        for item, name in zip(body["items"], a_first + ["c", "b"]):
            with self.subTest(person=name):
                self.assertAlmostEqual(item["score"], score6(total(exp[name][0], self.W2)), places=9)
                self.assertComponents(item["components"], *exp[name], weights=self.W2)
        self.assertEqual(body["items"][0]["score"], 0.95)
        self.assertAlmostEqual(body["items"][3]["score"], 0.805, places=9)
        pair = self.ok(self.pair_path("b")).json()
        self.assertEqual((pair["model_version"], pair["score"]), (m["model_version"], body["items"][3]["score"]))
        mine = self.ok("/v1/job-seekers/%s/matches?office=%s" % (s["a"]["id"], OFFICE)).json()
        self.assertEqual((mine["model_version"], mine["items"][0]["score"]), (m["model_version"], 0.95))
        # the versions, newest first
        items = self.ok("/v1/matching/model-versions", key=self.keys["portal"]).json()["items"]
        self.assertEqual(items[0], m)
        self.assertEqual(items[1], before)
        self.assertEqual([i["version"] for i in items], list(range(v, 0, -1)))
        # If-Match with the old ETag is now stale
        self.assertProblem(self.put({"weights": DEFAULT_WEIGHTS}, headers={"If-Match": '"%d"' % before["version"]}),
                           412, "precondition-failed")

    def restore(self):
        r = self.put({"weights": DEFAULT_WEIGHTS})
        self.assertEqual(r.status, 200, r)
        self.assertIsNotNone(self.wait_model(r.json()["version"]))


class NeverInputsTest(MatchingTest):
    """DESIGN §5 rule 3: sex, age, citizenship, birthplace, names, codice fiscale
    and the Law 68 enrolment (on a position not reserved to it, not an
    apprenticeship) change no score and no component."""

    def settle(self, js_id, path):
        """Waits until the index has applied every change to js_id so far: a
        consent toggle, committed after them, shows only once they are in."""
        def filters():
            r = self.server.get(path)
            return [f["code"] for f in r.json()["filters"]] if r.status == 200 else None
        for consent, codes in ((False, ["consent"]), (True, [])):
            self.patch(js_id, {"matching_consent": consent})
            _, took = poll(lambda: filters() == codes, FRESH)
            self.assertIsNotNone(took, self.server.get(path))
        body = self.ok(path).json()
        body.pop("rank")  # the others move in the ranking as they change too
        return body

    def patch(self, js_id, change):
        r = self.server.request("PATCH", "/v1/job-seekers/" + js_id, body=json.dumps(change),
                                headers={"Content-Type": MERGE, "If-Match": "*"})
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_protected_attributes_change_nothing(self):
        seed = time.time_ns()
        rnd = random.Random(seed)
        v = publish(self, vacancy_doc(self.s["employer"]["id"], SIDE_OFFICE, positions=[position(
            workplace={"comune_istat": "061088"},  # Sessa Aurunca, about 11 km from Teano
            requirements={"skills": [{"code": "haccp", "must_have": True, "weight": 3},
                                     {"code": "cucina_tradizionale", "weight": 2}, {"code": "pizza", "weight": 1}],
                          "education": {"min_eqf": 4, "required": False},
                          "languages": [{"code": "en", "min_cefr": "B1", "required": False}],
                          "licences": ["B"], "min_experience_months": 24, "max_distance_km": 60})]))
        pid = v["positions"][0]["id"]
        for n in range(4):
            travel = rnd.choice([5, 20, 40])  # Teano is 11 km from the workplace: 5 km only with relocation
            # a random person of Teano, varied in what matching does read
            doc = person(SIDE_OFFICE,
                         skills=[{"code": "haccp", "level": 3}] + rnd.sample(
                             [{"code": "cucina_tradizionale", "level": 2}, {"code": "pizza", "level": 1},
                              {"code": "sushi", "level": 1}], rnd.randint(0, 3)),
                         education=[{"title": "Titolo", "eqf_level": rnd.randint(2, 6), "year": 2000}],
                         languages=[{"code": "en", "cefr": rnd.choice(["A1", "A2", "B1", "C1"])}],
                         experiences=[{"occupation_code": rnd.choice(["5.2.2.1.0", "5.2.2.3.1", "5.2.2.1.4"]),
                                       "from": "20%02d-0%d-01" % (rnd.randint(10, 22), rnd.randint(1, 9)),
                                       "to": None, "contract_type": "determinato"}],
                         desired_occupations=[rnd.choice(["5.2.2.1.0", "5.2.2.2.0", "8.1.3.1.0"])],
                         availability={"contract_types": rnd.choice([[], ["determinato"]]),
                                       "working_time": rnd.choice(["any", "full_time"]), "shifts": True,
                                       "max_travel_km": travel, "relocate": travel < 12 or rnd.random() < 0.5})
            js = create_seeker(self, doc)
            path = "/v1/vacancies/%s/positions/%s/matches/%s" % (v["id"], pid, js["id"])
            base = self.settle(js["id"], path)
            self.assertTrue(base["eligible"], (seed, base))
            given, family, birth = doc["given_name"], doc["family_name"], doc["birth_date"]
            new_birth = "%d-%02d-%02d" % (rnd.randint(1960, 2004), rnd.randint(1, 12), rnd.randint(1, 28))
            steps = [
                ("sex", lambda: {"sex": "F", "codice_fiscale": cf.make(family, given, birth, "F")}),
                ("birth_date", lambda: {"birth_date": new_birth,
                                        "codice_fiscale": cf.make(family, given, new_birth, "F")}),
                ("citizenship", lambda: {"citizenship": rnd.choice(["MA", "RO", "UA", "SN"]),
                                         "work_permit_expiry": "2030-01-01"}),
                ("names", lambda: {"given_name": "Fatima", "family_name": "El Idrissi %d" % n}),
                ("codice_fiscale and birthplace",
                 lambda: {"codice_fiscale": cf.make(_name(rnd), _name(rnd), new_birth, "F", place="Z330")}),
                ("l68", lambda: {"l68": "art1"}),
                ("l68 art18", lambda: {"l68": "art18"}),
            ]
            for what, change in steps:
                with self.subTest(person=n, changed=what, seed=seed):
                    self.patch(js["id"], change())
                    self.assertEqual(self.settle(js["id"], path), base)
            # all at once, back to a man of another age
            self.patch(js["id"], {"sex": "M", "birth_date": "1975-06-15", "l68": None, "citizenship": "IT",
                                  "codice_fiscale": cf.make(_name(rnd), _name(rnd), "1975-06-15", "M", place="H501")})
            self.assertEqual(self.settle(js["id"], path), base, seed)
        request_ok(self, "POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "close"})
