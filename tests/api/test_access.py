"""Who may do what: every route × every role, with the expected status. The
table must name every route the server has (`incrocio routes`): a new route
without an entry here fails this test."""
import subprocess
import time

from harness import BIN, NO_KEY, ApiTest
from test_booking import at, citizen
from test_job_seekers import person
from test_matching import DEFAULT_WEIGHTS
from test_vacancies import employer_doc, vacancy_doc

MERGE = {"Content-Type": "application/merge-patch+json", "If-Match": "*"}
ANY = dict(none=200, admin=200, operator=200, operator_na=200, portal=200, employer=200)
KEYED = dict(ANY, none=401)
STAFF_READ = dict(KEYED, portal=403, employer=403)


def fresh(t):
    """A new job seeker of office CE08 (the operator's), for requests that change it."""
    return t.server.request("POST", "/v1/job-seekers", body=person("CE08"), key=t.keys["admin"]).json()


def registered(t):
    """A new job seeker of CE08 with a registered DID."""
    js = fresh(t)
    t.server.request("POST", "/v1/job-seekers/%s/did-events" % js["id"], body={"type": "register"},
                     key=t.keys["admin"])
    return js


def _agreement(t):
    if not hasattr(t, "_shared_agreement"):
        js = registered(t)
        t.__class__._shared_agreement = t.server.request(
            "POST", "/v1/job-seekers/%s/service-agreements" % js["id"],
            body={"office_code": "CE08", "measures": ["tirocinio"]}, key=t.keys["admin"]).json()
    return t._shared_agreement


def _employer(t, fresh_one=False):
    if fresh_one or not hasattr(t, "_shared_employer"):
        e = t.server.request("POST", "/v1/employers", body=employer_doc("CE08"), key=t.keys["admin"]).json()
        if fresh_one:
            return e
        t.__class__._shared_employer = e
    return t._shared_employer


def _vacancy(t, published=False):
    v = t.server.request("POST", "/v1/vacancies", body=vacancy_doc(_employer(t)["id"]), key=t.keys["admin"]).json()
    if published:
        t.server.request("POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "publish"}, key=t.keys["admin"])
    return v


def _published(t):
    if not hasattr(t, "_shared_vacancy"):
        t.__class__._shared_vacancy = _vacancy(t, True)
    return t._shared_vacancy


def _js(t):
    if not hasattr(t, "_shared_js"):
        t.__class__._shared_js = fresh(t)
    return t._shared_js


def _matched(t, path):
    """path, once the matching index answers it (it follows writes within a
    second, and loads when the server starts)."""
    deadline = time.time() + 20
    while t.server.get(path, key=t.keys["admin"]).status != 200 and time.time() < deadline:
        time.sleep(0.05)
    return path


def _matches(t):
    v = _published(t)
    return _matched(t, "/v1/vacancies/%s/positions/%s/matches" % (v["id"], v["positions"][0]["id"]))


def _pair(t):
    return _matched(t, "%s/%s" % (_matches(t), _js(t)["id"]))


def _candidacy(t, shared=True):
    """A candidacy of a CE08 person for the shared published CE08 vacancy."""
    if shared and hasattr(t, "_shared_candidacy"):
        return t._shared_candidacy
    c = t.server.request("POST", "/v1/candidacies", body=_candidacy_doc(t), key=t.keys["admin"]).json()
    if shared:
        t.__class__._shared_candidacy = c
    return c


def _candidacy_doc(t):
    return {"position_id": _published(t)["positions"][0]["id"], "job_seeker_id": fresh(t)["id"], "source": "self"}


_slot_minute = iter(range(20000, 10**6, 60))


def _new_slot(t, capacity=1):
    """A new slot of CE08 (the operator's office), far ahead."""
    m = next(_slot_minute)
    return t.server.request("POST", "/v1/offices/CE08/slots", key=t.keys["admin"],
                            body={"service_type": "orientation", "starts_at": at(m), "ends_at": at(m + 30),
                                  "capacity": capacity}).json()


def _slot(t):
    if not hasattr(t, "_shared_slot"):
        t.__class__._shared_slot = _new_slot(t, capacity=100)
    return t._shared_slot


def _booking(t):
    return dict(citizen(), slot_id=_slot(t)["id"], service_type="orientation")


def _appointment(t):
    """A new appointment, booked without a key, in a slot of its own (a person
    may hold one appointment at a time)."""
    s = _new_slot(t)
    return t.server.request("POST", "/v1/appointments", key=NO_KEY,
                            body=dict(citizen(), slot_id=s["id"], service_type="orientation")).json()


def _shared_appointment(t):
    if not hasattr(t, "_shared_app"):
        t.__class__._shared_app = _appointment(t)
    return t._shared_app


def _service_record(t):
    if not hasattr(t, "_shared_service_record"):
        t.__class__._shared_service_record = t.server.request(
            "POST", "/v1/service-records", body=SERVICE_RECORD, key=t.keys["admin"]).json()
    return t._shared_service_record


# An information given by phone at CE08 (the operator's), long ago: no
# statistics test counts January 2015.
SERVICE_RECORD = {"office_code": "CE08", "service_type": "information", "channel": "phone",
                  "delivered_on": "2015-01-02"}

# (method, route template) -> (request to make, {role: expected status}).
# Roles: none (no key), admin, operator (of CE08 and CE07), operator_na (of
# NA01 only), portal, employer.
TABLE = {
    ("GET", "/v1/status"): (("GET", "/v1/status", None, None),
                            dict(none=200, admin=200, operator=200, operator_na=200, portal=200, employer=200)),
    ("GET", "/v1/openapi.yaml"): (("GET", "/v1/openapi.yaml", None, None),
                                  dict(none=200, admin=200, operator=200, operator_na=200, portal=200, employer=200)),
    ("GET", "/metrics"): (("GET", "/metrics", None, None),
                          dict(none=200, admin=200, operator=200, operator_na=200, portal=200, employer=200)),
    ("GET", "/v1/offices"): (("GET", "/v1/offices", None, None),
                             dict(none=401, admin=200, operator=200, operator_na=200, portal=200, employer=200)),
    ("GET", "/v1/offices/{code}"): (("GET", "/v1/offices/CE08", None, None),
                                    dict(none=401, admin=200, operator=200, operator_na=200, portal=200, employer=200)),
    ("PATCH", "/v1/offices/{code}"): (("PATCH", "/v1/offices/CE08", "{}", MERGE),
                                      dict(none=401, admin=200, operator=200, operator_na=403, portal=403, employer=403)),
    ("GET", "/v1/audit-events"): (("GET", "/v1/audit-events?limit=1", None, None),
                                  dict(none=401, admin=200, operator=403, operator_na=403, portal=403, employer=403)),
    ("POST", "/v1/job-seekers"): (("POST", "/v1/job-seekers", lambda t: person("CE08"), None),
                                  dict(none=401, admin=201, operator=201, operator_na=403, portal=201, employer=403)),
    ("GET", "/v1/job-seekers"): (("GET", "/v1/job-seekers?limit=1", None, None), STAFF_READ),
    ("GET", "/v1/job-seekers/{id}"): (("GET", lambda t: "/v1/job-seekers/" + _js(t)["id"], None, None), STAFF_READ),
    ("PATCH", "/v1/job-seekers/{id}"): (("PATCH", lambda t: "/v1/job-seekers/" + _js(t)["id"], "{}", MERGE),
                                        dict(none=401, admin=200, operator=200, operator_na=403, portal=403,
                                             employer=403)),
    ("DELETE", "/v1/job-seekers/{id}"): (("DELETE", lambda t: "/v1/job-seekers/" + fresh(t)["id"], None, None),
                                         dict(none=401, admin=204, operator=204, operator_na=403, portal=403,
                                              employer=403)),
    ("POST", "/v1/job-seeker-lookups"): (("POST", "/v1/job-seeker-lookups",
                                          lambda t: {"codice_fiscale": _js(t)["codice_fiscale"]}, None), STAFF_READ),
    ("GET", "/v1/job-seekers/{id}/did"): (("GET", lambda t: "/v1/job-seekers/%s/did" % _js(t)["id"], None, None),
                                          STAFF_READ),
    ("POST", "/v1/job-seekers/{id}/did-events"): (("POST", lambda t: "/v1/job-seekers/%s/did-events" % fresh(t)["id"],
                                                   {"type": "register"}, None),
                                                  dict(none=401, admin=201, operator=201, operator_na=403, portal=201,
                                                       employer=403)),
    ("POST", "/v1/job-seekers/{id}/service-agreements"): (
        ("POST", lambda t: "/v1/job-seekers/%s/service-agreements" % registered(t)["id"],
         {"office_code": "CE08", "measures": ["tirocinio"]}, None),
        dict(none=401, admin=201, operator=201, operator_na=403, portal=403, employer=403)),
    ("GET", "/v1/job-seekers/{id}/service-agreements"): (
        ("GET", lambda t: "/v1/job-seekers/%s/service-agreements" % _agreement(t)["job_seeker_id"], None, None),
        STAFF_READ),
    ("POST", "/v1/employers"): (("POST", "/v1/employers", lambda t: employer_doc("CE08"), None),
                                dict(none=401, admin=201, operator=201, operator_na=403, portal=403, employer=403)),
    ("GET", "/v1/employers"): (("GET", "/v1/employers?limit=1", None, None), STAFF_READ),
    ("GET", "/v1/employers/{id}"): (("GET", lambda t: "/v1/employers/" + _employer(t)["id"], None, None),
                                    dict(STAFF_READ, employer=404)),
    ("PATCH", "/v1/employers/{id}"): (("PATCH", lambda t: "/v1/employers/" + _employer(t)["id"], "{}", MERGE),
                                      dict(none=401, admin=200, operator=200, operator_na=403, portal=403, employer=404)),
    ("DELETE", "/v1/employers/{id}"): (("DELETE", lambda t: "/v1/employers/" + _employer(t, True)["id"], None, None),
                                       dict(none=401, admin=204, operator=403, operator_na=403, portal=403, employer=403)),
    ("POST", "/v1/vacancies"): (("POST", "/v1/vacancies", lambda t: vacancy_doc(_employer(t)["id"]), None),
                                dict(none=401, admin=201, operator=201, operator_na=403, portal=403, employer=403)),
    ("GET", "/v1/vacancies"): (("GET", "/v1/vacancies?limit=1", None, None), KEYED),
    ("GET", "/v1/vacancies/{id}"): (("GET", lambda t: "/v1/vacancies/" + _published(t)["id"], None, None),
                                    dict(KEYED, employer=404)),
    ("PATCH", "/v1/vacancies/{id}"): (("PATCH", lambda t: "/v1/vacancies/" + _published(t)["id"], "{}", MERGE),
                                      dict(none=401, admin=200, operator=200, operator_na=403, portal=403, employer=404)),
    ("POST", "/v1/vacancies/{id}/events"): (("POST", lambda t: "/v1/vacancies/%s/events" % _vacancy(t)["id"],
                                             {"type": "close"}, None),
                                            dict(none=401, admin=201, operator=201, operator_na=403, portal=403,
                                                 employer=404)),
    ("GET", "/v1/job-seekers/{id}/service-agreements/{agreement_id}"): (
        ("GET", lambda t: "/v1/job-seekers/%s/service-agreements/%s" % (_agreement(t)["job_seeker_id"],
                                                                         _agreement(t)["id"]), None, None),
        STAFF_READ),
    # matching: another employer's vacancy is 404 to an employer key
    ("GET", "/v1/vacancies/{id}/positions/{position_id}/matches"): (
        ("GET", lambda t: _matches(t) + "?limit=1", None, None), dict(STAFF_READ, employer=404)),
    ("GET", "/v1/vacancies/{id}/positions/{position_id}/matches/{job_seeker_id}"): (
        ("GET", _pair, None, None), STAFF_READ),
    ("GET", "/v1/job-seekers/{id}/matches"): (
        ("GET", lambda t: _matched(t, "/v1/job-seekers/%s/matches?limit=1" % _js(t)["id"]), None, None),
        STAFF_READ),
    ("GET", "/v1/matching/model"): (("GET", "/v1/matching/model", None, None), KEYED),
    # the default weights again: a new version that changes no score
    ("PUT", "/v1/matching/model"): (("PUT", "/v1/matching/model", {"weights": DEFAULT_WEIGHTS}, None),
                                    dict(none=401, admin=200, operator=403, operator_na=403, portal=403,
                                         employer=403)),
    ("GET", "/v1/matching/model-versions"): (("GET", "/v1/matching/model-versions", None, None), KEYED),
    ("POST", "/v1/candidacies"): (("POST", "/v1/candidacies", _candidacy_doc, None),
                                  dict(none=401, admin=201, operator=201, operator_na=403, portal=201, employer=403)),
    ("GET", "/v1/candidacies"): (("GET", "/v1/candidacies?limit=1", None, None), dict(STAFF_READ, employer=200)),
    ("GET", "/v1/candidacies/{id}"): (("GET", lambda t: "/v1/candidacies/" + _candidacy(t)["id"], None, None),
                                      dict(STAFF_READ, employer=404)),
    ("POST", "/v1/candidacies/{id}/events"): (
        ("POST", lambda t: "/v1/candidacies/%s/events" % _candidacy(t, False)["id"], {"stage": "contacted"}, None),
        dict(none=401, admin=201, operator=201, operator_na=403, portal=403, employer=404)),
    # the changes feed: staff read it whole, portals the public entries
    ("GET", "/v1/changes"): (("GET", "/v1/changes?limit=1", None, None), dict(KEYED, employer=403)),
    # booking: anyone lists slots and books; the office manages its slots and day
    ("POST", "/v1/offices/{code}/slots"): (
        ("POST", "/v1/offices/CE08/slots", lambda t: {"service_type": "orientation", "starts_at": at(10000),
                                                      "ends_at": at(10030), "capacity": 1}, None),
        dict(none=401, admin=201, operator=201, operator_na=403, portal=403, employer=403)),
    ("GET", "/v1/offices/{code}/slots"): (("GET", "/v1/offices/CE08/slots?limit=1", None, None), ANY),
    ("GET", "/v1/offices/{code}/slots/{slot_id}"): (
        ("GET", lambda t: "/v1/offices/CE08/slots/" + _slot(t)["id"], None, None), ANY),
    ("DELETE", "/v1/offices/{code}/slots/{slot_id}"): (
        ("DELETE", lambda t: "/v1/offices/CE08/slots/" + _new_slot(t)["id"], None, None),
        dict(none=401, admin=200, operator=200, operator_na=403, portal=403, employer=403)),
    ("GET", "/v1/offices/{code}/agenda"): (
        ("GET", "/v1/offices/CE08/agenda?date=" + at(20000)[:10], None, None),
        dict(none=401, admin=200, operator=200, operator_na=403, portal=403, employer=403)),
    ("POST", "/v1/appointments"): (("POST", "/v1/appointments", _booking, None),
                                   dict(none=201, admin=201, operator=201, operator_na=201, portal=201,
                                        employer=403)),
    # another office's appointment is out of an operator's scope
    ("GET", "/v1/appointments/{id}"): (("GET", lambda t: "/v1/appointments/" + _shared_appointment(t)["id"],
                                        None, None), dict(STAFF_READ, operator_na=404)),
    # without a key: the Cancellation-Token (none here: 401); a portal cancels what it booked
    ("DELETE", "/v1/appointments/{id}"): (("DELETE", lambda t: "/v1/appointments/" + _appointment(t)["id"],
                                           None, None),
                                          dict(none=401, admin=200, operator=200, operator_na=404, portal=404,
                                               employer=403)),
    # services delivered and the statistics: staff only; operators record their own offices' services
    ("POST", "/v1/service-records"): (("POST", "/v1/service-records", SERVICE_RECORD, None),
                                      dict(none=401, admin=201, operator=201, operator_na=403, portal=403,
                                           employer=403)),
    ("GET", "/v1/service-records"): (("GET", "/v1/service-records?limit=1", None, None), STAFF_READ),
    ("GET", "/v1/service-records/{id}"): (("GET", lambda t: "/v1/service-records/" + _service_record(t)["id"],
                                           None, None), STAFF_READ),
    ("GET", "/v1/statistics/service-delivery"): (
        ("GET", "/v1/statistics/service-delivery?from=2015-01-01&to=2015-01-31", None, None), STAFF_READ),
    ("GET", "/v1/statistics/matching"): (
        ("GET", "/v1/statistics/matching?from=2015-01-01&to=2015-01-31&office=CE08", None, None), STAFF_READ),
}

ROLES = ("none", "admin", "operator", "operator_na", "portal", "employer")


class AccessTableTest(ApiTest):
    def test_every_route_has_an_entry(self):
        out = subprocess.run([BIN, "routes"], check=True, capture_output=True, text=True).stdout
        routes = {tuple(line.split()[:2]) for line in out.splitlines()}
        self.assertEqual(routes - set(TABLE), set(), "routes without an access entry")
        self.assertEqual(set(TABLE) - routes, set(), "entries for routes that do not exist")

    def test_every_route_for_every_role(self):
        for route, ((method, path, body, headers), expected) in sorted(TABLE.items()):
            self.assertEqual(set(expected), set(ROLES), route)
            for role in ROLES:
                with self.subTest(route=route, role=role):
                    key = NO_KEY if role == "none" else self.keys[role]
                    p = path(self) if callable(path) else path
                    b = body(self) if callable(body) else body
                    r = self.server.request(method, p, body=b, headers=headers, key=key)
                    self.assertEqual(r.status, expected[role], r)
                    self.assertCommonHeaders(r)
                    if r.status == 401:
                        self.assertProblem(r, 401, "unauthorized")
                        self.assertEqual(r.header("www-authenticate"), 'Bearer realm="incrocio"')
                    elif r.status == 403:
                        self.assertProblem(r, 403, "forbidden")

    def test_private_metrics(self):
        from harness import Server
        s = Server("--metrics-private")
        try:
            self.assertProblem(s.get("/metrics"), 401, "unauthorized")
            self.assertProblem(s.get("/metrics", key=self.keys["operator"]), 403, "forbidden")
            self.assertEqual(s.get("/metrics", key=self.keys["admin"]).status, 200)
            self.assertEqual(s.get("/v1/status").status, 200)
        finally:
            self.assertEqual(s.stop(), 0)
