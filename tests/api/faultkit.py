"""Helpers of the fault tests (test_faults.py): a psql session held open
across steps (to hold locks while the API works), a thread-safe log of what
every request got, documents with a random number of sections, and the SQL
that reads back what the database holds of each."""
import os
import random
import select
import subprocess
import threading
import time

from harness import psql
from test_job_seekers import person
from test_vacancies import employer_doc, position, vacancy_doc

OFFICE = "NA16"  # only the fault tests write here
_rand = random.Random(time.time_ns())
SKILLS = ("haccp", "cucina_tradizionale", "pasticceria", "sommelier", "pizzeria", "gelateria")
LANGUAGES = ("en", "fr", "de", "es", "pt")
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")


class Session:
    """One psql session kept open: SQL goes in step by step, so a transaction
    (and its locks) lasts as long as the test wants."""

    def __init__(self):
        self.p = subprocess.Popen(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                                   os.environ["DATABASE_URL"]],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = b""
        self.marks = 0

    def run(self, sql, timeout=10):
        """Sends sql and waits until psql has run it; returns its output."""
        self.marks += 1
        mark = "step-done-%d" % self.marks
        self.p.stdin.write(("%s\nSELECT '%s';\n" % (sql, mark)).encode())
        self.p.stdin.flush()
        deadline = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while (mark + "\n").encode() not in self.out:
            left = deadline - time.monotonic()
            if left <= 0 or self.p.poll() is not None:
                raise AssertionError("psql did not run %r: %r" % (sql, self.out.decode(errors="replace")))
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 65536)
                if not chunk:
                    continue
                self.out += chunk
        got, _, self.out = self.out.partition((mark + "\n").encode())
        return got.decode()

    def close(self):
        """Ends the session (rolling back whatever it left open)."""
        if self.p.poll() is None:
            try:
                self.p.stdin.close()
            except OSError:
                pass
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.p.stdout.close()


class Outcome:
    """One request and what came back: status None when no answer came
    (connection refused or reset, timeout), with the exception in error."""

    def __init__(self, kind, method, path, doc, sent, received, response=None, error=None):
        self.kind, self.method, self.path, self.doc = kind, method, path, doc
        self.sent, self.received = sent, received
        self.response, self.error = response, error
        self.status = response.status if response is not None else None

    def json(self):
        return self.response.json()

    def __repr__(self):
        return "<%s %s %s at %.3f-%.3f: %r %s>" % (self.kind, self.method, self.path, self.sent, self.received,
                                                   self.response, self.error or "")


class Recorder:
    """Every request a load thread made, in a list shared by the threads."""

    def __init__(self, server, t0):
        self.server, self.t0 = server, t0
        self.outcomes = []
        self.lock = threading.Lock()

    def request(self, kind, method, path, doc=None, timeout=10, **kw):
        sent = time.monotonic() - self.t0
        try:
            r = self.server.request(method, path, body=doc, timeout=timeout, **kw)
            o = Outcome(kind, method, path, doc, sent, time.monotonic() - self.t0, response=r)
        except OSError as e:  # refused, reset, timed out
            o = Outcome(kind, method, path, doc, sent, time.monotonic() - self.t0, error=repr(e))
        with self.lock:
            self.outcomes.append(o)
        return o

    def of(self, *kinds):
        with self.lock:
            return [o for o in self.outcomes if o.kind in kinds]


def seeker_doc(**over):
    """A job seeker of OFFICE with 1-3 titles, 0-3 languages, 1-4 skills and
    0-3 experiences, each list of a random length."""
    n = _rand.randint
    doc = person(OFFICE,
                 education=[{"title": "Titolo %d-%d" % (i, n(1, 10**6)), "eqf_level": n(1, 8), "year": 1990 + i}
                            for i in range(n(1, 3))],
                 languages=[{"code": c, "cefr": _rand.choice(CEFR)} for c in _rand.sample(LANGUAGES, n(0, 3))],
                 skills=[{"code": c, "level": n(1, 5)} for c in _rand.sample(SKILLS, n(1, 4))],
                 experiences=[{"occupation_code": "5.2.2.1.0", "from": "20%02d-0%d-01" % (i * 2, n(1, 9)),
                               "to": "20%02d-12-31" % (i * 2 + 1), "contract_type": "determinato",
                               "employer_name": "Ristorante %d" % i} for i in range(n(0, 3))])
    doc.update(over)
    return doc


def seeker_expected(doc):
    """What the database must hold of a job seeker's sections, as
    seeker_rows gives it."""
    return ("|".join(e["title"] for e in doc["education"]),
            "|".join("%s:%s" % (l["code"], l["cefr"]) for l in sorted(doc["languages"], key=lambda l: l["code"])),
            "|".join(sorted(s["code"] for s in doc["skills"])),
            "|".join(e["from"] for e in doc["experiences"]))


def _array(values):
    # Our own generated values only (codici fiscali, uuids, hex titles): no quoting needed.
    for v in values:
        assert "'" not in v, v
    return "ARRAY[%s]::text[]" % ",".join("'%s'" % v for v in values) if values else "ARRAY[]::text[]"


def seeker_rows(codici_fiscali):
    """codice fiscale -> (id, (education, languages, skills, experiences), create events in the audit trail)."""
    rows = psql("""
        SELECT j.codice_fiscale, j.id,
               coalesce((SELECT string_agg(title, '|' ORDER BY ord) FROM job_seeker_education WHERE job_seeker_id = j.id), ''),
               coalesce((SELECT string_agg(code || ':' || cefr, '|' ORDER BY code) FROM job_seeker_languages WHERE job_seeker_id = j.id), ''),
               coalesce((SELECT string_agg(code, '|' ORDER BY code) FROM job_seeker_skills WHERE job_seeker_id = j.id), ''),
               coalesce((SELECT string_agg(from_date::text, '|' ORDER BY ord) FROM job_seeker_experiences WHERE job_seeker_id = j.id), ''),
               (SELECT count(*) FROM audit_events a WHERE a.job_seeker_id = j.id AND a.action = 'create'
                  AND a.resource_type = 'job_seeker' AND a.resource_id = j.id::text)
        FROM job_seekers j WHERE j.codice_fiscale = ANY(%s)""" % _array(codici_fiscali))
    return {r[0]: (r[1], tuple(r[2:6]), int(r[6])) for r in rows}


def audited_creates(resource_type, ids):
    """How many create events the audit trail has for each of ids."""
    rows = psql("SELECT resource_id, count(*) FROM audit_events WHERE action = 'create' AND resource_type = '%s'"
                " AND resource_id = ANY(%s) GROUP BY resource_id" % (resource_type, _array(ids)))
    return {r[0]: int(r[1]) for r in rows}


def employer_rows(codici_fiscali):
    """codice fiscale -> id, of the employers that exist."""
    return {r[0]: r[1] for r in psql("SELECT codice_fiscale, id FROM employers WHERE codice_fiscale = ANY(%s)"
                                     % _array(codici_fiscali))}


def vacancy_doc_random(employer_id, title):
    """A draft vacancy of OFFICE with 1-3 positions, each with 1-3 skills
    and 0-2 languages."""
    positions = []
    for _ in range(_rand.randint(1, 3)):
        skills = [{"code": c, "must_have": _rand.random() < 0.5, "weight": _rand.randint(1, 5)}
                  for c in _rand.sample(SKILLS, _rand.randint(1, 3))]
        langs = [{"code": c, "min_cefr": _rand.choice(CEFR), "required": False}
                 for c in _rand.sample(LANGUAGES, _rand.randint(0, 2))]
        positions.append(position(requirements={"skills": skills, "languages": langs, "licences": [],
                                                "min_experience_months": 0}))
    return vacancy_doc(employer_id, OFFICE, title=title, positions=positions)


def vacancy_expected(doc):
    """What the database must hold of a vacancy's positions, as vacancy_rows gives it."""
    def one(p):
        r = p["requirements"]
        return "%s/%s" % (",".join(sorted(s["code"] + ("!" if s["must_have"] else "") for s in r["skills"])),
                          ",".join(sorted(l["code"] + l["min_cefr"] for l in r["languages"])))
    return ";".join(one(p) for p in doc["positions"])


def vacancy_rows(titles):
    """title -> (id, positions as vacancy_expected writes them)."""
    rows = psql("""
        SELECT v.title, v.id, coalesce(string_agg(
                 coalesce((SELECT string_agg(s.code || CASE WHEN s.must_have THEN '!' ELSE '' END, ',' ORDER BY s.code)
                           FROM position_skills s WHERE s.position_id = p.id), '') || '/' ||
                 coalesce((SELECT string_agg(l.code || l.min_cefr, ',' ORDER BY l.code)
                           FROM position_languages l WHERE l.position_id = p.id), ''), ';' ORDER BY p.ord), '')
        FROM vacancies v LEFT JOIN positions p ON p.vacancy_id = v.id
        WHERE v.title = ANY(%s) GROUP BY v.id""" % _array(titles))
    return {r[0]: (r[1], r[2]) for r in rows}


def candidacy_rows(pairs):
    """(position id, job seeker id) -> (candidacy id, its events as stage_before>stage, ...)."""
    if not pairs:
        return {}
    keys = ["%s/%s" % p for p in pairs]
    rows = psql("""
        SELECT c.position_id, c.job_seeker_id, c.id,
               coalesce((SELECT string_agg(coalesce(e.stage_before, '-') || '>' || e.stage, ',' ORDER BY e.id)
                         FROM candidacy_events e WHERE e.candidacy_id = c.id), '')
        FROM candidacies c WHERE c.position_id::text || '/' || c.job_seeker_id::text = ANY(%s)""" % _array(keys))
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


def new_employer(server):
    r = server.request("POST", "/v1/employers", body=employer_doc(OFFICE))
    assert r.status == 201, r
    return r.json()


def every_route(server, keys):
    """One request per route of the server, as test_access.py's table makes it
    (the records its paths need created now): [(route, method, path, body, headers)]."""
    from test_access import TABLE

    class Fixtures:  # what the table's request builders expect of a test
        pass
    t = Fixtures()
    t.server, t.keys = server, keys
    out = []
    for route, ((method, path, body, headers), _) in sorted(TABLE.items()):
        out.append((route, method, path(t) if callable(path) else path, body(t) if callable(body) else body,
                    headers))
    # The vacancy the matching routes needed has served (the index has seen it):
    # closed, out of every ranking of the tests that follow.
    if hasattr(t, "_shared_vacancy"):
        r = server.request("POST", "/v1/vacancies/%s/events" % t._shared_vacancy["id"], body={"type": "close"})
        assert r.status == 201, r
    return out

