"""Faults (issue 8, item 2): PostgreSQL restarted under load, the server's
connections cut while the database stays up, the API killed with SIGKILL in
the middle of writes, SIGTERM with requests in flight.

Each test runs its own server, writes only in office NA16 (no other test does)
and checks what the database holds afterwards with SQL, by the ids and the
codici fiscali it wrote. Bounded: each loop runs for a fixed time, each request
has a client timeout."""
import signal
import socket
import threading
import time
import unittest

from faultkit import (OFFICE, Outcome, Recorder, Session, audited_creates, candidacy_rows, employer_rows,
                      every_route, new_employer, seeker_doc, seeker_expected, seeker_rows, vacancy_doc_random,
                      vacancy_expected, vacancy_rows)
from harness import Server, api_keys, pg, psql
from test_job_seekers import MERGE
from test_matching import poll, wait_ready
from test_vacancies import employer_doc, position, vacancy_doc

# Enough workers that requests blocked in the database never starve the
# others, and no rate limit in the way of the load.
SERVER_ARGS = ("--threads", "8", "--rate-limit", "1000000", "--rate-limits",
               "admin=1000000,operator=1000000,portal=1000000,employer=1000000")
FEED_LOCK = 7468021  # the changes feed's advisory lock: every write takes it at COMMIT
CLIENT_TIMEOUT = 10


def start_server(t):
    """A server of its own for test t, killed at its end if still running."""
    s = Server(*SERVER_ARGS)
    s.default_key = api_keys()["admin"]
    t.addCleanup(lambda: s.proc.poll() is None and s.stop(signal.SIGKILL))
    return s


def stop_server(t, s):
    rc = s.stop()
    t.assertEqual(rc, 0, "server exited with %s:\n%s" % (rc, s.read_log()[-4000:]))


class FaultTest(unittest.TestCase):
    def assertUnavailable(self, o):
        """A 503 problem+json saying the database is unavailable, with Retry-After."""
        r = o.response
        self.assertEqual(r.status, 503, o)
        self.assertEqual(r.header("content-type"), "application/problem+json", o)
        p = r.json()
        self.assertEqual((p["type"], p["status"]), ("urn:incrocio:problem:database-unavailable", 503), o)
        self.assertRegex(r.header("retry-after") or "", r"^[1-9][0-9]*$", o)
        self.assertEqual(p["request_id"], r.header("x-request-id"), o)

    def assertSeekersStored(self, outcomes, *, absent_ok):
        """Each job seeker POSTed exists with exactly the sections it was sent
        and its create event in the audit trail; absent_ok: or does not exist
        at all. Returns how many exist."""
        rows = seeker_rows([o.doc["codice_fiscale"] for o in outcomes])
        for o in outcomes:
            row = rows.get(o.doc["codice_fiscale"])
            if row is None:
                self.assertTrue(absent_ok, "acknowledged but not in the database: %r" % o)
                continue
            if o.status == 201:
                self.assertEqual(row[0], o.json()["id"], o)
            self.assertEqual(row[1], seeker_expected(o.doc), "half-written: %r" % o)
            self.assertEqual(row[2], 1, "no create event in the audit trail: %r" % o)
        return len(rows)


class DatabaseRestartUnderLoadTest(FaultTest):
    """PostgreSQL stopped (fast shutdown) and started again while clients
    write and read through one server: 503 + Retry-After while it is down,
    2xx again without restarting the API, every acknowledged write stored."""

    def test_restart_under_load(self):
        s = start_server(self)
        try:
            self.run_scenario(s)
        finally:
            pg("start")  # whatever happened, the cluster is up for the tests after this one
        stop_server(self, s)

    def run_scenario(self, s):
        wait_ready(s)
        employer = new_employer(s)
        # A published position only a person with this run's probe skill matches (so
        # it stays out of every other test's rankings): the matching index's recovery.
        probe = "faults_probe_%d" % time.time_ns()
        req = {"skills": [{"code": probe, "must_have": True, "weight": 1}], "languages": [], "licences": [],
               "min_experience_months": 0}
        r = s.request("POST", "/v1/vacancies", body=vacancy_doc(employer["id"], OFFICE, title="Sonda dei guasti",
                                                                  positions=[position(requirements=req)]))
        self.assertEqual(r.status, 201, r)
        vacancy = r.json()
        self.assertEqual(s.request("POST", "/v1/vacancies/%s/events" % vacancy["id"], body={"type": "publish"}).status,
                         201)
        matches = "/v1/vacancies/%s/positions/%s/matches" % (vacancy["id"], vacancy["positions"][0]["id"])
        _, took = poll(lambda: s.get(matches).status == 200, 5, 0.05)  # the index has seen it
        self.assertIsNotNone(took, s.get(matches))

        routes = every_route(s, api_keys())

        t0 = time.monotonic()
        rec = Recorder(s, t0)
        stop = threading.Event()
        created = []  # ids of job seekers that got a 201, for the readers

        def writer(n):
            while not stop.is_set():
                if n % 3 == 2:
                    rec.request("employer", "POST", "/v1/employers", employer_doc(OFFICE), timeout=CLIENT_TIMEOUT)
                else:
                    o = rec.request("seeker", "POST", "/v1/job-seekers", seeker_doc(), timeout=CLIENT_TIMEOUT)
                    if o.status == 201:
                        created.append(o.json()["id"])
                n += 1

        def reader():
            i = 0
            while not stop.is_set():
                i += 1
                if created and i % 3 == 0:
                    rec.request("read", "GET", "/v1/job-seekers/" + created[-1], timeout=CLIENT_TIMEOUT)
                elif i % 3 == 1:
                    rec.request("read", "GET", "/v1/employers?limit=5&office=" + OFFICE, timeout=CLIENT_TIMEOUT)
                else:
                    rec.request("read", "GET", matches, timeout=CLIENT_TIMEOUT)

        def status():
            while not stop.is_set():
                rec.request("status", "GET", "/v1/status", timeout=CLIENT_TIMEOUT)
                time.sleep(0.05)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
        threads += [threading.Thread(target=reader), threading.Thread(target=status)]
        for t in threads:
            t.start()
        held = Session()
        try:
            time.sleep(2)
            # Every write's COMMIT waits for the feed's lock while we hold it: the
            # database goes away with writes caught in the middle of their commit.
            held.run("SELECT pg_advisory_lock(%d);" % FEED_LOCK)
            t_locked = time.monotonic() - t0
            _, took = poll(lambda: int(psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                            " AND objid = %d AND NOT granted" % FEED_LOCK)[0][0]) >= 2, 5, 0.05)
            self.assertIsNotNone(took, "writes did not queue on the lock")
            t_stopping = time.monotonic() - t0
            pg("stop")
            t_down = time.monotonic() - t0
            # Every route while it is down, once the health check has seen it.
            _, took = poll(lambda: s.get("/v1/status").status == 503, 3, 0.05)
            self.assertIsNotNone(took, "/v1/status does not see the outage")
            swept = [(route, s.request(method, path, body=body, headers=headers, timeout=CLIENT_TIMEOUT))
                     for route, method, path, body, headers in routes]
            time.sleep(max(0.0, t_down + 3 - (time.monotonic() - t0)))
            t_starting = time.monotonic() - t0
            pg("start")
            t_up = time.monotonic() - t0
            time.sleep(6)
        finally:
            stop.set()
            for t in threads:
                t.join(CLIENT_TIMEOUT + 5)
            held.close()
        self.assertFalse(any(t.is_alive() for t in threads), "a client thread hangs")
        t_end = time.monotonic() - t0
        timeline = "locked %.2f, stopping %.2f, down %.2f, starting %.2f, up %.2f, end %.2f" % (
            t_locked, t_stopping, t_down, t_starting, t_up, t_end)

        for route, r in swept:
            if route in (("GET", "/v1/openapi.yaml"), ("GET", "/metrics")):
                self.assertEqual(r.status, 200, (route, r))  # what needs no database still answers
            else:
                self.assertUnavailable(Outcome("sweep", route[0], route[1], None, 0, 0, response=r))
        self.assertIn("incrocio_db_up 0", dict(swept)[("GET", "/metrics")].body.decode())

        outcomes = rec.of("seeker", "employer", "read", "status")
        counts = {}
        for o in outcomes:
            counts[(o.kind, o.status)] = counts.get((o.kind, o.status), 0) + 1
        print("\n  restart: %s; %s" % (timeline, ", ".join("%s %s: %d" % (k[0], k[1], n)
                                                        for k, n in sorted(counts.items(), key=str))))
        # Every request got an answer (no refused or reset connection, no timeout),
        # each a 2xx or a 503 saying the database is unavailable: never another 5xx.
        for o in outcomes:
            self.assertIsNotNone(o.status, "no answer: %r (%s)" % (o, timeline))
            if o.status == 503:
                self.assertUnavailable(o)
            else:
                self.assertIn(o.status, (200, 201), "%r (%s)" % (o, timeline))
        writes = rec.of("seeker", "employer")
        # Load before the fault, answered normally.
        self.assertGreaterEqual(len([o for o in writes if o.received < t_locked and o.status == 201]), 5, timeline)
        # Writes caught waiting in their COMMIT when the database began to stop: in
        # flight until then. Most get 503; one may have taken the lock as the fast
        # shutdown ended its holder, and committed (then it must be stored, below).
        caught = [o for o in writes if o.sent < t_stopping < o.received]
        self.assertGreaterEqual(len(caught), 2, "%r (%s)" % (caught, timeline))
        print("  in their commit at the stop: %s" % sorted(o.status for o in caught))
        # Writes made while it was down: 503, and nothing stored.
        refused = [o for o in writes if t_down <= o.sent and o.received <= t_starting]
        self.assertGreaterEqual(len(refused), 5, timeline)
        # While it was down, every request that needs it got 503; so did the status
        # once its health check (every second) had seen the outage.
        down = [o for o in outcomes if o.sent >= t_down and o.received <= t_starting]
        self.assertGreaterEqual(len([o for o in down if o.kind == "read"]), 5, timeline)
        for o in down:
            if o.kind != "status" or o.sent >= t_down + 1.5:
                self.assertEqual(o.status, 503, "%r (%s)" % (o, timeline))
        self.assertGreaterEqual(len([o for o in down if o.kind == "status" and o.status == 503]), 5, timeline)
        # Back without a restart: everything 2xx a few seconds after it is up.
        settled = [o for o in outcomes if o.sent >= t_up + 3]
        self.assertGreaterEqual(len([o for o in settled if o.kind in ("seeker", "employer")]), 5, timeline)
        for o in settled:
            self.assertIn(o.status, (200, 201), "%r (%s)" % (o, timeline))
        self.assertIsNone(s.proc.poll())
        st = s.get("/v1/status")
        self.assertEqual(st.status, 200, st)
        self.assertIs(st.json()["matching"]["ready"], True)
        # every pooled connection was replaced: many requests in a row, all good
        self.assertEqual({s.get("/v1/employers?limit=1&office=" + OFFICE).status for _ in range(30)}, {200})

        # Every acknowledged write is in the database, whole, with its audit event;
        # one that got a 503 is either whole too (it committed as the connection
        # broke) or absent; those caught by the outage are absent.
        seekers = rec.of("seeker")
        self.assertSeekersStored([o for o in seekers if o.status == 201], absent_ok=False)
        self.assertSeekersStored([o for o in seekers if o.status == 503], absent_ok=True)
        self.assertEqual(seeker_rows([o.doc["codice_fiscale"] for o in refused if o.kind == "seeker"]), {})
        employers = rec.of("employer")
        stored = employer_rows([o.doc["codice_fiscale"] for o in employers])
        audited = audited_creates("employer", list(stored.values()))
        for o in employers:
            if o.status == 201:
                self.assertEqual(stored.get(o.doc["codice_fiscale"]), o.json()["id"], o)
            if o.doc["codice_fiscale"] in stored:
                self.assertEqual(audited.get(stored[o.doc["codice_fiscale"]]), 1, o)
        self.assertEqual(employer_rows([o.doc["codice_fiscale"] for o in refused if o.kind == "employer"]), {})

        # The matching index follows writes again: a person with the probe skill,
        # created now, shows in the position's matches.
        doc = seeker_doc(skills=[{"code": probe, "level": 3}], domicile={"comune_istat": "061091"},
                         availability={"contract_types": ["determinato"], "working_time": "any", "shifts": True,
                                       "max_travel_km": 30, "relocate": False}, matching_consent=True)
        r = s.request("POST", "/v1/job-seekers", body=doc)
        self.assertEqual(r.status, 201, r)
        js = r.json()
        self.assertEqual(s.request("POST", "/v1/job-seekers/%s/did-events" % js["id"],
                                   body={"type": "register"}).status, 201)

        def listed():
            r = s.get(matches + "?limit=5")
            return r.status == 200 and [i["job_seeker_id"] for i in r.json()["items"]] == [js["id"]]
        _, took = poll(listed, 5, 0.05)
        self.assertIsNotNone(took, s.get(matches))
        # out of every other test's way: the probe closed, its person erased
        self.assertEqual(s.request("POST", "/v1/vacancies/%s/events" % vacancy["id"], body={"type": "close"}).status,
                         201)
        self.assertEqual(s.request("DELETE", "/v1/job-seekers/" + js["id"]).status, 204)
        self.assertIn("database unreachable", s.read_log())
        self.assertIn("database reachable again", s.read_log())


class ConnectionsCutTest(FaultTest):
    """The database ends every connection of the server while it stays up (as
    a restart quicker than the health check's second does, or an
    administrator): the server notices each at its next use and opens a new
    one, so not one request fails."""

    def test_cut_connections_cost_no_request(self):
        s = start_server(self)
        wait_ready(s)
        path = "/v1/employers?limit=1&office=" + OFFICE
        statuses = []

        def burst():
            for _ in range(10):
                statuses.append(s.get(path, timeout=CLIENT_TIMEOUT).status)

        def concurrently():
            threads = [threading.Thread(target=burst) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(CLIENT_TIMEOUT + 5)
        concurrently()  # every pooled connection open
        self.assertEqual(set(statuses), {200})
        for _ in range(3):
            cut = psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                       " WHERE application_name LIKE 'incrocio%'")
            self.assertGreaterEqual(int(cut[0][0]), 3, "the server's connections were not there to cut")
            time.sleep(1.5)  # the health check runs in between
            del statuses[:]
            concurrently()
            self.assertEqual(len(statuses), 80)
            self.assertEqual(set(statuses), {200}, statuses)
        self.assertNotIn("database unreachable", s.read_log())  # the health check was never fooled
        stop_server(self, s)


class KilledDuringWritesTest(FaultTest):
    """SIGKILL while threads write multi-table records as fast as they can:
    after a restart, nothing is half-written. Acknowledged records are whole
    and audited; those whose request got no answer are whole or absent; every
    record of the office is internally consistent."""

    def test_kill_9_during_writes(self):
        since = psql("SELECT now()")[0][0]  # what this test writes, on the database's clock
        s = start_server(self)
        employer = new_employer(s)
        # Candidacies need a published position with places left (quantity 1000):
        # one only a person with a skill nobody has would match, out of every ranking.
        req = {"skills": [{"code": "faults_nobody_%d" % time.time_ns(), "must_have": True, "weight": 1}],
               "languages": [], "licences": [], "min_experience_months": 0}
        r = s.request("POST", "/v1/vacancies", body=vacancy_doc(
            employer["id"], OFFICE, title="Candidature sotto kill", positions=[position(quantity=1000, requirements=req)]))
        self.assertEqual(r.status, 201, r)
        target = r.json()
        self.assertEqual(s.request("POST", "/v1/vacancies/%s/events" % target["id"], body={"type": "publish"}).status,
                         201)
        position_id = target["positions"][0]["id"]

        t0 = time.monotonic()
        rec = Recorder(s, t0)
        stop = threading.Event()
        people = []  # job seekers acknowledged, each proposed once for the position
        people_lock = threading.Lock()

        def writer(n):
            while not stop.is_set():
                kind = ("seeker", "vacancy", "candidacy")[n % 3]
                n += 1
                if kind == "seeker":
                    o = rec.request("seeker", "POST", "/v1/job-seekers", seeker_doc(), timeout=CLIENT_TIMEOUT)
                    if o.status == 201:
                        with people_lock:
                            people.append(o.json()["id"])
                elif kind == "vacancy":
                    title = "Guasti %d-%d" % (threading.get_ident(), time.time_ns())
                    rec.request("vacancy", "POST", "/v1/vacancies", vacancy_doc_random(employer["id"], title),
                                timeout=CLIENT_TIMEOUT)
                else:
                    with people_lock:
                        who = people.pop() if people else None
                    if who:
                        rec.request("candidacy", "POST", "/v1/candidacies",
                                    {"position_id": position_id, "job_seeker_id": who, "source": "operator",
                                     "notes": "proposta sotto carico"}, timeout=CLIENT_TIMEOUT)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        try:
            time.sleep(3)
            t_kill = time.monotonic() - t0
            s.proc.send_signal(signal.SIGKILL)
            s.proc.wait(10)
        finally:
            stop.set()
            for t in threads:
                t.join(CLIENT_TIMEOUT + 5)
        self.assertFalse(any(t.is_alive() for t in threads), "a client thread hangs")
        self.assertEqual(s.proc.returncode, -signal.SIGKILL)

        outcomes = rec.of("seeker", "vacancy", "candidacy")
        for o in outcomes:
            # before the kill: answered (201); after it, refused; the ones in flight: reset
            self.assertTrue(o.status == 201 or (o.status is None and o.received >= t_kill), o)
        unanswered = [o for o in outcomes if o.status is None and o.sent < t_kill]
        counts = {}
        for o in outcomes:
            counts[(o.kind, o.status)] = counts.get((o.kind, o.status), 0) + 1
        print("\n  kill -9 at %.2f s: %d in flight; %s" % (
            t_kill, len(unanswered), ", ".join("%s %s: %d" % (k[0], k[1], n) for k, n in sorted(counts.items(), key=str))))
        self.assertGreaterEqual(len(unanswered), 1, "nothing was in flight at the kill")
        for kind in ("seeker", "vacancy", "candidacy"):
            self.assertGreaterEqual(counts.get((kind, 201), 0), 5, counts)

        # The server comes back on the same database (what it left open rolled back).
        s2 = start_server(self)
        try:
            self.assertEqual(s2.get("/v1/status").status, 200)
            self.check_records(rec, t_kill, since)
            self.assertEqual(s2.request("POST", "/v1/vacancies/%s/events" % target["id"],
                                        body={"type": "close"}).status, 201)
        finally:
            stop_server(self, s2)

    def check_records(self, rec, t_kill, since):
        sent = [o for o in rec.of("seeker", "vacancy", "candidacy") if o.sent < t_kill]
        # Job seekers: the sections each was sent, and its create event.
        seekers = [o for o in sent if o.kind == "seeker"]
        self.assertSeekersStored([o for o in seekers if o.status == 201], absent_ok=False)
        self.assertSeekersStored([o for o in seekers if o.status is None], absent_ok=True)
        # Vacancies: every position with its skills and languages, and the create event.
        vacancies = [o for o in sent if o.kind == "vacancy"]
        rows = vacancy_rows([o.doc["title"] for o in vacancies])
        audited = audited_creates("vacancy", [v[0] for v in rows.values()])
        for o in vacancies:
            row = rows.get(o.doc["title"])
            if o.status == 201:
                self.assertIsNotNone(row, "acknowledged but not in the database: %r" % o)
                self.assertEqual(row[0], o.json()["id"], o)
            if row is not None:
                self.assertEqual(row[1], vacancy_expected(o.doc), "half-written: %r" % o)
                self.assertEqual(audited.get(row[0]), 1, "no create event in the audit trail: %r" % o)
        # Candidacies: their first event, and the create event.
        candidacies = [o for o in sent if o.kind == "candidacy"]
        rows = candidacy_rows([(o.doc["position_id"], o.doc["job_seeker_id"]) for o in candidacies])
        audited = audited_creates("candidacy", [c[0] for c in rows.values()])
        for o in candidacies:
            row = rows.get((o.doc["position_id"], o.doc["job_seeker_id"]))
            if o.status == 201:
                self.assertIsNotNone(row, "acknowledged but not in the database: %r" % o)
                self.assertEqual(row[0], o.json()["id"], o)
            if row is not None:
                self.assertEqual(row[1], "->proposed", "half-written: %r" % o)
                self.assertEqual(audited.get(row[0]), 1, "no create event in the audit trail: %r" % o)
        # And whatever the requests say, the office's new records hang together: a
        # vacancy has positions, each position the skills it always gets, a job
        # seeker the title and skill it always gets, a candidacy its first event.
        broken = psql("""
            SELECT 'vacancy', v.id FROM vacancies v WHERE v.office_code = '%(o)s' AND v.created_at >= '%(t)s'
              AND NOT EXISTS (SELECT 1 FROM positions p WHERE p.vacancy_id = v.id)
            UNION ALL
            SELECT 'position', p.id FROM positions p JOIN vacancies v ON v.id = p.vacancy_id
              WHERE v.office_code = '%(o)s' AND v.created_at >= '%(t)s'
              AND NOT EXISTS (SELECT 1 FROM position_skills k WHERE k.position_id = p.id)
            UNION ALL
            SELECT 'job seeker', j.id FROM job_seekers j WHERE j.office_code = '%(o)s' AND j.created_at >= '%(t)s'
              AND j.erased_at IS NULL
              AND (NOT EXISTS (SELECT 1 FROM job_seeker_education e WHERE e.job_seeker_id = j.id)
                   OR NOT EXISTS (SELECT 1 FROM job_seeker_skills k WHERE k.job_seeker_id = j.id)
                   OR NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.job_seeker_id = j.id AND a.action = 'create'
                                  AND a.resource_type = 'job_seeker'))
            UNION ALL
            SELECT 'candidacy', c.id FROM candidacies c WHERE c.office_code = '%(o)s' AND c.created_at >= '%(t)s'
              AND NOT EXISTS (SELECT 1 FROM candidacy_events e WHERE e.candidacy_id = c.id)""" % {"o": OFFICE, "t": since})
        self.assertEqual(broken, [])



class DrainOnSigtermTest(FaultTest):
    """SIGTERM with slow requests in flight (PATCHes waiting on row locks that a
    psql session holds): the server stops listening at once, waits for them,
    answers each normally and exits 0."""

    def test_sigterm_drains_requests_in_flight(self):
        s = start_server(self)
        people = []
        for _ in range(3):
            r = s.request("POST", "/v1/job-seekers", body=seeker_doc())
            self.assertEqual(r.status, 201, r)
            people.append(r.json())
        employer = new_employer(s)
        patches = [("/v1/job-seekers/" + p["id"], {"phone": "+39 0823 %08d" % i}) for i, p in enumerate(people)]
        patches.append(("/v1/employers/" + employer["id"], {"email": "drain@example.org"}))
        held = Session()
        results = {}
        try:
            held.run("BEGIN; SELECT 1 FROM job_seekers WHERE id IN ('%s', '%s', '%s') FOR UPDATE;"
                     " SELECT 1 FROM employers WHERE id = '%s' FOR UPDATE;"
                     % (people[0]["id"], people[1]["id"], people[2]["id"], employer["id"]))

            def patch(i, path, body):
                try:
                    results[i] = s.request("PATCH", path, body=body, timeout=30, headers={
                        "Content-Type": MERGE, "If-Match": '"1"', "X-Request-Id": "drain-%d-%d" % (s.port, i)})
                except OSError as e:
                    results[i] = e

            # One at a time, each once the one before waits on its lock: a worker
            # thread that is in a handler accepts no connection, so each lands on
            # a free one.
            waiting = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'incrocio' AND wait_event_type = 'Lock'"
            threads = []
            for i, (path, body) in enumerate(patches):
                threads.append(threading.Thread(target=patch, args=(i, path, body)))
                threads[-1].start()
                _, took = poll(lambda: psql(waiting)[0][0] == str(i + 1), 10, 0.05)
                self.assertIsNotNone(took, "PATCH %d is not waiting on its lock" % i)
            t_signal = time.monotonic()
            s.proc.send_signal(signal.SIGTERM)
            _, took = poll(lambda: "draining %d request(s)" % len(patches) in s.read_log(), 5, 0.05)
            self.assertIsNotNone(took, s.read_log()[-2000:])
            # No longer listening: a new connection is refused at once...
            with self.assertRaises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", s.port), timeout=2).close()
            # ...while the requests in flight are still waited for.
            time.sleep(1)
            self.assertIsNone(s.proc.poll(), "exited with requests in flight")
            self.assertEqual(results, {})
            held.run("ROLLBACK;")
            for t in threads:
                t.join(15)
        finally:
            held.close()
        rc = s.proc.wait(15)
        took = time.monotonic() - t_signal
        self.assertEqual(rc, 0, s.read_log()[-3000:])
        self.assertLess(took, 10, "longer than the drain bound")  # DRAIN_TIMEOUT_S in src/http/server.c
        # Each answered normally, with what it changed.
        for i, (path, body) in enumerate(patches):
            r = results[i]
            self.assertNotIsInstance(r, OSError, r)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.header("etag"), '"2"', r)
            doc = r.json()
            self.assertEqual((doc["version"], {k: doc[k] for k in body}), (2, body), r)
        self.assertEqual(psql("SELECT phone, version FROM job_seekers WHERE id = '%s'" % people[1]["id"]),
                         [[patches[1][1]["phone"], "2"]])
        self.assertEqual(psql("SELECT email, version FROM employers WHERE id = '%s'" % employer["id"]),
                         [["drain@example.org", "2"]])
        # The access log has each of them, then the server's last word.
        log = s.read_log()
        for i, (path, _) in enumerate(patches):
            route = "/v1/job-seekers/\\{id\\}" if "job-seekers" in path else "/v1/employers/\\{id\\}"
            self.assertRegex(log, r"INFO: PATCH %s 200 [0-9.]+ms rid=drain-%d-%d\n" % (route, s.port, i))
        self.assertRegex(log, r"INFO: stopped\n$")



if __name__ == "__main__":
    unittest.main()
