"""Idempotency-Key on every POST (DESIGN §3): a retry with the same key from
the same caller gets the first response again (same status, body, Location,
ETag, plus Idempotency-Replayed: true) and writes once; concurrent duplicates
write once; a key reused for another request is a 422; malformed keys are a
400; error responses are not kept. Offices NA11 and NA12 are this file's
alone; service records go to January 2015, which no statistics test counts."""
import hashlib
import json
import socket
import threading
import time
import uuid

from harness import NO_KEY, ApiTest, Server, psql
from test_booking import at, citizen
from test_job_seekers import person
from test_vacancies import employer_doc, vacancy_doc

OFFICE = "NA11"
REPLAYED = "idempotency-replayed"


def new_key():
    return "idem-" + str(uuid.uuid4())


def q(s):
    """A SQL string literal (the tests' own values only)."""
    return "'" + s.replace("'", "''") + "'"


def kh(idem):
    """The key as the table holds it: its SHA-256, in hex (SQL)."""
    return "encode(sha256(convert_to(%s, 'UTF8')), 'hex')" % q(idem)


class IdempotencyTest(ApiTest):
    # helpers

    def post(self, path, body, idem, key=None, headers=None):
        h = dict(headers or {})
        if idem is not None:
            h["Idempotency-Key"] = idem
        return self.server.request("POST", path, body=body, headers=h, key=key)

    def assertReplay(self, first, again):
        """again is first, replayed."""
        self.assertIsNone(first.header(REPLAYED), first)
        self.assertEqual(again.header(REPLAYED), "true", again)
        self.assertEqual(again.status, first.status, again)
        self.assertEqual(again.body, first.body)
        for h in ("location", "etag", "content-type"):
            self.assertEqual(again.header(h), first.header(h), h)
        self.assertCommonHeaders(again)
        self.assertNotEqual(again.header("x-request-id"), first.header("x-request-id"))

    def count(self, sql):
        return int(psql(sql)[0][0])

    def key_rows(self, idem):
        return self.count("SELECT count(*) FROM idempotency_keys WHERE key_hash = %s" % kh(idem))

    def employer(self):
        r = self.post("/v1/employers", employer_doc(OFFICE), None)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def job_seeker(self, registered=False):
        r = self.post("/v1/job-seekers", person(OFFICE), None)
        self.assertEqual(r.status, 201, r)
        js = r.json()
        if registered:
            r = self.post("/v1/job-seekers/%s/did-events" % js["id"], {"type": "register"}, None)
            self.assertEqual(r.status, 201, r)
        return js

    def vacancy(self, published=False, **over):
        r = self.post("/v1/vacancies", vacancy_doc(self.employer()["id"], OFFICE, **over), None)
        self.assertEqual(r.status, 201, r)
        v = r.json()
        if published:
            self.assertEqual(self.post("/v1/vacancies/%s/events" % v["id"], {"type": "publish"}, None).status, 201)
        return v

    _minute = iter(range(3000, 10**6, 45))

    def slot(self, capacity=1):
        m = next(self._minute)
        r = self.post("/v1/offices/%s/slots" % OFFICE,
                      {"service_type": "orientation", "starts_at": at(m), "ends_at": at(m + 30),
                       "capacity": capacity}, None)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def retried(self, path, body, key=None):
        """POSTs body twice with one new key; checks the replay; returns the first response."""
        idem = new_key()
        first = self.post(path, body, idem, key=key)
        self.assertIn(first.status, (200, 201), first)
        again = self.post(path, body, idem, key=key)
        self.assertReplay(first, again)
        self.assertEqual(self.key_rows(idem), 1)
        self.last_idem = idem
        return first

    # a retry returns the first response and writes once

    def test_job_seeker_retry_is_the_first_response(self):
        doc = person(OFFICE)
        first = self.retried("/v1/job-seekers", doc)
        self.assertEqual(first.status, 201)
        js = first.json()
        self.assertEqual(first.header("location"), "/v1/job-seekers/" + js["id"])
        self.assertEqual(first.header("etag"), '"1"')
        self.assertEqual(self.count("SELECT count(*) FROM job_seekers WHERE codice_fiscale = %s"
                                    % q(doc["codice_fiscale"])), 1)
        # A third time, later, still the same.
        third = self.post("/v1/job-seekers", doc, self.last_idem)
        self.assertReplay(first, third)

    def test_a_response_lost_on_the_way_is_replayed(self):
        """The client never reads its answer (the connection drops): its retry
        gets that answer, and there is one record."""
        doc, idem = person(OFFICE), new_key()
        payload = json.dumps(doc).encode()
        head = ("POST /v1/job-seekers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nIdempotency-Key: %s\r\nContent-Length: %d\r\n\r\n"
                % (self.keys["admin"], idem, len(payload))).encode()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(head + payload)
            deadline = time.time() + 10
            while psql("SELECT count(*) FROM idempotency_keys WHERE key_hash = %s AND status IS NOT NULL"
                       % kh(idem)) != [["1"]]:
                self.assertLess(time.time(), deadline, "the first request's response was never stored")
                time.sleep(0.02)
        # Closed unread. The retry:
        again = self.post("/v1/job-seekers", doc, idem)
        self.assertEqual(again.status, 201, again)
        self.assertEqual(again.header(REPLAYED), "true")
        self.assertEqual(again.json()["codice_fiscale"], doc["codice_fiscale"])
        self.assertEqual(self.count("SELECT count(*) FROM job_seekers WHERE codice_fiscale = %s"
                                    % q(doc["codice_fiscale"])), 1)

    def test_the_key_commits_in_the_writes_transaction(self):
        """The key's row is inserted in the handler's transaction: now() is
        the transaction's start, so both rows carry the same instant."""
        doc = person(OFFICE)
        idem = new_key()
        r = self.post("/v1/job-seekers", doc, idem)
        self.assertEqual(r.status, 201, r)
        rows = psql("SELECT j.created_at = k.created_at, k.status, k.location, k.etag, k.content_type"
                    " FROM job_seekers j, idempotency_keys k WHERE j.id = %s AND k.key_hash = %s"
                    % (q(r.json()["id"]), kh(idem)))
        self.assertEqual(rows, [["t", "201", r.header("location"), '"1"', "application/json"]])
        scope = psql("SELECT scope, expires_at - created_at, body ~ '^[0-9a-f]+$',"
                     " position(%s in body), position(%s in body) FROM idempotency_keys WHERE key_hash = %s"
                     % (q(doc["codice_fiscale"]), q(doc["family_name"]), kh(idem)))
        self.assertRegex(scope[0][0], r"^key:[0-9a-f-]{36}$")
        # The stored response is sealed: no personal data in the table.
        self.assertEqual(scope[0][1:], ["1 day", "t", "0", "0"])
        self.assertEqual(self.count("SELECT count(*) FROM idempotency_keys WHERE key_hash = %s OR body LIKE %s"
                                    % (q(idem), q("%" + doc["codice_fiscale"] + "%"))), 0)

    def test_vacancy_retry(self):
        title = "Idempotenza %s" % uuid.uuid4()
        first = self.retried("/v1/vacancies", vacancy_doc(self.employer()["id"], OFFICE, title=title))
        self.assertEqual(first.status, 201)
        self.assertEqual(first.header("location"), "/v1/vacancies/" + first.json()["id"])
        self.assertEqual(self.count("SELECT count(*) FROM vacancies WHERE title = %s" % q(title)), 1)

    def test_vacancy_event_retry(self):
        """The retried publish is the first 201, not a 409 (published already)."""
        v = self.vacancy()
        first = self.retried("/v1/vacancies/%s/events" % v["id"], {"type": "publish"})
        self.assertEqual(first.status, 201)
        self.assertEqual(first.json()["event"], {"type": "publish", "state": "published"})
        self.assertEqual(self.count("SELECT count(*) FROM vacancy_events WHERE vacancy_id = %s" % q(v["id"])), 1)
        # Without a key the same event is a new request: a 409 now.
        self.assertProblem(self.post("/v1/vacancies/%s/events" % v["id"], {"type": "publish"}, None),
                           409, "conflict", errors=[("/type", "vacancy.transition")])

    def test_did_event_retry(self):
        js = self.job_seeker()
        first = self.retried("/v1/job-seekers/%s/did-events" % js["id"], {"type": "register"}, key=self.keys["portal"])
        self.assertEqual(first.status, 201)
        self.assertEqual(first.header("location"), "/v1/job-seekers/%s/did" % js["id"])
        self.assertEqual(self.count("SELECT count(*) FROM did_events WHERE job_seeker_id = %s" % q(js["id"])), 1)

    def test_candidacy_retry(self):
        v = self.vacancy(published=True)
        js = self.job_seeker(registered=True)
        doc = {"position_id": v["positions"][0]["id"], "job_seeker_id": js["id"], "source": "operator"}
        first = self.retried("/v1/candidacies", doc)
        self.assertEqual(first.status, 201, first)
        self.assertEqual(first.header("location"), "/v1/candidacies/" + first.json()["id"])
        self.assertEqual(self.count("SELECT count(*) FROM candidacies WHERE job_seeker_id = %s" % q(js["id"])), 1)
        ev = self.retried("/v1/candidacies/%s/events" % first.json()["id"], {"stage": "contacted"})
        self.assertEqual(ev.status, 201, ev)
        self.assertEqual(self.count("SELECT count(*) FROM candidacy_events e JOIN candidacies c"
                                    " ON c.id = e.candidacy_id WHERE c.job_seeker_id = %s" % q(js["id"])), 2)

    def test_keyless_booking_retry(self):
        """Citizens book without an API key: their keys are scoped by the
        client address, and the retry is the first booking, once."""
        s = self.slot(capacity=3)
        body = dict(citizen(), slot_id=s["id"], service_type="orientation")
        first = self.retried("/v1/appointments", body, key=NO_KEY)
        self.assertEqual(first.status, 201, first)
        self.assertEqual(self.count("SELECT count(*) FROM appointments WHERE slot_id = %s" % q(s["id"])), 1)
        self.assertEqual(self.server.get("/v1/offices/%s/slots/%s" % (OFFICE, s["id"])).json()["booked"], 1)
        scope = psql("SELECT scope, position(%s in body) FROM idempotency_keys WHERE location = %s"
                     % (q(first.json()["cancellation_token"]), q(first.header("location"))))
        # The cancellation token is stored only sealed (it is hashed in appointments).
        self.assertEqual(scope, [["addr:127.0.0.1", "0"]])

    def test_every_other_post_route(self):
        """The hook is generic: employers, service agreements, slots, service
        records and lookups replay too."""
        e = self.retried("/v1/employers", employer_doc(OFFICE))
        self.assertEqual(e.status, 201)
        self.assertEqual(self.count("SELECT count(*) FROM employers WHERE id = %s" % q(e.json()["id"])), 1)
        js = self.job_seeker(registered=True)
        a = self.retried("/v1/job-seekers/%s/service-agreements" % js["id"],
                         {"office_code": OFFICE, "measures": ["tirocinio"], "signed_on": "2026-01-10"})
        self.assertEqual(a.status, 201, a)
        self.assertEqual(self.count("SELECT count(*) FROM service_agreements WHERE job_seeker_id = %s"
                                    % q(js["id"])), 1)
        s = self.retried("/v1/offices/%s/slots" % OFFICE,
                         {"service_type": "orientation", "starts_at": at(2000), "ends_at": at(2030), "capacity": 1})
        self.assertEqual(s.status, 201, s)
        self.assertEqual(self.count("SELECT count(*) FROM slots WHERE office_code = %s AND starts_at = %s"
                                    % (q(OFFICE), q(at(2000)))), 1)
        notes = "idem %s" % uuid.uuid4()
        r = self.retried("/v1/service-records", {"office_code": OFFICE, "service_type": "information",
                                                 "channel": "phone", "delivered_on": "2015-01-04", "notes": notes})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.count("SELECT count(*) FROM service_records WHERE notes = %s" % q(notes)), 1)
        lookup = self.retried("/v1/job-seeker-lookups", {"codice_fiscale": js["codice_fiscale"]})
        self.assertEqual(lookup.json()["id"], js["id"])

    # concurrent duplicates

    def race(self, path, body, n=10, key=None):
        idem, out, go = new_key(), [None] * n, threading.Barrier(n)

        def one(i):
            go.wait()
            out[i] = self.post(path, body, idem, key=key)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        first = [r for r in out if r.header(REPLAYED) is None]
        self.assertEqual(len(first), 1, out)
        self.assertIn(first[0].status, (200, 201), first[0])
        for r in out:
            if r is not first[0]:
                self.assertReplay(first[0], r)
        self.assertEqual(self.key_rows(idem), 1)
        return first[0]

    def test_concurrent_job_seekers_one_record(self):
        """The losers' inserts hit the codice fiscale's unique index once the
        winner commits: they answer with the winner's response."""
        doc = person(OFFICE)
        self.race("/v1/job-seekers", doc)
        self.assertEqual(self.count("SELECT count(*) FROM job_seekers WHERE codice_fiscale = %s"
                                    % q(doc["codice_fiscale"])), 1)

    def test_concurrent_vacancies_one_record(self):
        """Nothing else is unique in a vacancy: the key's own row decides."""
        title = "Gara %s" % uuid.uuid4()
        self.race("/v1/vacancies", vacancy_doc(self.employer()["id"], OFFICE, title=title))
        self.assertEqual(self.count("SELECT count(*) FROM vacancies WHERE title = %s" % q(title)), 1)

    def test_concurrent_bookings_one_appointment(self):
        s = self.slot(capacity=10)
        self.race("/v1/appointments", dict(citizen(), slot_id=s["id"], service_type="orientation"), key=NO_KEY)
        self.assertEqual(self.count("SELECT count(*) FROM appointments WHERE slot_id = %s" % q(s["id"])), 1)

    def test_concurrent_events_one_event(self):
        v = self.vacancy()
        self.race("/v1/vacancies/%s/events" % v["id"], {"type": "publish"})
        self.assertEqual(self.count("SELECT count(*) FROM vacancy_events WHERE vacancy_id = %s" % q(v["id"])), 1)
        js = self.job_seeker()
        self.race("/v1/job-seekers/%s/did-events" % js["id"], {"type": "register"})
        self.assertEqual(self.count("SELECT count(*) FROM did_events WHERE job_seeker_id = %s" % q(js["id"])), 1)

    # the same key for another request

    def test_same_key_other_body_or_route_is_422(self):
        idem, doc = new_key(), person(OFFICE)
        self.assertEqual(self.post("/v1/job-seekers", doc, idem).status, 201)
        other = person(OFFICE)
        p = self.assertProblem(self.post("/v1/job-seekers", other, idem), 422, "validation",
                               errors=[("Idempotency-Key", "idempotency.mismatch")])
        self.assertIn("Idempotency-Key", p["detail"])
        self.assertEqual(self.count("SELECT count(*) FROM job_seekers WHERE codice_fiscale = %s"
                                    % q(other["codice_fiscale"])), 0)
        # Another route, the same body bytes.
        e = employer_doc(OFFICE)
        self.assertProblem(self.post("/v1/employers", e, idem), 422, "validation",
                           errors=[("Idempotency-Key", "idempotency.mismatch")])
        self.assertEqual(self.count("SELECT count(*) FROM employers WHERE codice_fiscale = %s"
                                    % q(e["codice_fiscale"])), 0)
        # Another id in the same route template.
        v1, v2 = self.vacancy(), self.vacancy()
        idem2 = new_key()
        self.assertEqual(self.post("/v1/vacancies/%s/events" % v1["id"], {"type": "close"}, idem2).status, 201)
        self.assertProblem(self.post("/v1/vacancies/%s/events" % v2["id"], {"type": "close"}, idem2), 422,
                           "validation", errors=[("Idempotency-Key", "idempotency.mismatch")])
        self.assertEqual(self.count("SELECT count(*) FROM vacancy_events WHERE vacancy_id = %s" % q(v2["id"])), 0)

    def test_the_same_json_written_otherwise_is_the_same_request(self):
        idem, doc = new_key(), person(OFFICE)
        first = self.post("/v1/job-seekers", doc, idem)
        self.assertEqual(first.status, 201)
        # Members in reverse order, with spaces: the same JSON value.
        text = "{ " + ", ".join('"%s" : %s' % (k, json.dumps(v))
                                for k, v in reversed(list(doc.items()))) + " }"
        again = self.post("/v1/job-seekers", text, idem, headers={"Content-Type": "application/json"})
        self.assertReplay(first, again)

    def test_keys_belong_to_their_caller(self):
        """Two API keys may use the same key value: two requests, two records."""
        idem, title = new_key(), "Due chiamanti %s" % uuid.uuid4()
        e = self.employer()
        for who in ("admin", "operator_na"):
            if who == "operator_na":
                # operators write their own offices only: NA01 for this key
                body = vacancy_doc(e["id"], "NA01", title=title)
            else:
                body = vacancy_doc(e["id"], OFFICE, title=title)
            r = self.post("/v1/vacancies", body, idem, key=self.keys[who])
            self.assertEqual(r.status, 201, r)
            self.assertIsNone(r.header(REPLAYED))
        self.assertEqual(self.count("SELECT count(*) FROM vacancies WHERE title = %s" % q(title)), 2)
        self.assertEqual(self.key_rows(idem), 2)
        psql("UPDATE vacancies SET state = 'closed' WHERE title = %s" % q(title))

    # malformed keys

    def test_malformed_keys_are_400_naming_the_header(self):
        doc = person(OFFICE)
        cases = [("", "idempotency.key_empty"),
                 ("k" * 256, "idempotency.key_too_long"),
                 ("a b", "idempotency.key_characters"),
                 ("a\x01b", "idempotency.key_characters"),
                 ("a\x7fb", "idempotency.key_characters"),
                 ("chiave-\xe8", "idempotency.key_characters")]
        for value, code in cases:
            with self.subTest(code=code, value=value[:20]):
                p = self.assertProblem(self.post("/v1/job-seekers", doc, value), 400, "invalid-parameter",
                                       errors=[("Idempotency-Key", code)])
                self.assertIn("Idempotency-Key", p["detail"])
        self.assertEqual(self.count("SELECT count(*) FROM job_seekers WHERE codice_fiscale = %s"
                                    % q(doc["codice_fiscale"])), 0)
        # 255 visible characters are a key.
        longest = "k" * 254 + "~"
        first = self.post("/v1/job-seekers", doc, longest)
        self.assertEqual(first.status, 201, first)
        self.assertReplay(first, self.post("/v1/job-seekers", doc, longest))

    def test_malformed_key_before_anything_else_of_the_handler(self):
        """The header is checked on POSTs only: a GET ignores it."""
        r = self.server.get("/v1/offices/" + OFFICE, headers={"Idempotency-Key": "a b"})
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.header(REPLAYED))

    # errors are not kept

    def test_error_responses_are_not_stored(self):
        idem, doc = new_key(), person(OFFICE, sex="X")
        for _ in range(2):
            r = self.post("/v1/job-seekers", doc, idem)
            self.assertEqual(r.status, 422, r)
            self.assertIsNone(r.header(REPLAYED))
        self.assertEqual(self.key_rows(idem), 0)
        # A conflict (the codice fiscale taken already) is not kept either.
        dup = person(OFFICE)
        self.assertEqual(self.post("/v1/job-seekers", dup, None).status, 201)
        idem2 = new_key()
        self.assertProblem(self.post("/v1/job-seekers", dup, idem2), 409, "conflict")
        self.assertEqual(self.key_rows(idem2), 0)
        # Corrected, the same key is a new request.
        good = dict(doc, sex="M")
        r = self.post("/v1/job-seekers", good, idem)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.key_rows(idem), 1)

    def test_unauthorized_and_forbidden_never_reach_the_key(self):
        idem = new_key()
        r = self.post("/v1/job-seekers", person(OFFICE), idem, key=NO_KEY)
        self.assertEqual(r.status, 401, r)
        r = self.post("/v1/job-seekers", person(OFFICE), idem, key=self.keys["employer"])
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.key_rows(idem), 0)

    # a response not stored yet, or lost

    def admin_scope(self):
        idem = new_key()
        self.assertEqual(self.post("/v1/service-records", self.record(1), idem).status, 201)
        return psql("SELECT scope FROM idempotency_keys WHERE key_hash = %s" % kh(idem))[0][0]

    def fake_row(self, idem, body, created="now()", status="NULL"):
        """The key's row as a first request leaves it between its COMMIT and
        storing its response."""
        scope = self.admin_scope()
        canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        fp = hashlib.sha256(b"POST\0/v1/service-records\0" + canon.encode()).hexdigest()
        psql("INSERT INTO idempotency_keys (scope, key_hash, fingerprint, created_at, expires_at, status)"
             " VALUES (%s, %s, %s, %s, now() + interval '1 day', %s)" % (q(scope), kh(idem), q(fp), created, status))
        return scope

    def record(self, day):
        return {"office_code": OFFICE, "service_type": "information", "channel": "phone",
                "delivered_on": "2015-01-%02d" % day, "notes": "idem %s" % uuid.uuid4()}

    def test_a_duplicate_waits_for_the_first_response(self):
        """A duplicate that finds the key's row without its response (the
        first request between its COMMIT and storing it) waits for it."""
        idem, body = new_key(), self.record(5)
        first = self.post("/v1/service-records", body, idem)
        self.assertEqual(first.status, 201, first)
        where = " WHERE key_hash = %s" % kh(idem)
        stored = psql("SELECT status, location, content_type, body FROM idempotency_keys" + where)[0]
        psql("UPDATE idempotency_keys SET status = NULL, location = NULL, content_type = NULL, body = NULL" + where)
        out = []
        t = threading.Thread(target=lambda: out.append(self.post("/v1/service-records", body, idem)))
        t.start()
        time.sleep(0.4)
        self.assertTrue(t.is_alive(), out)
        psql("UPDATE idempotency_keys SET status = %s, location = %s, content_type = %s, body = %s"
             % tuple(q(v) for v in stored) + where)
        t.join()
        self.assertReplay(first, out[0])
        self.assertEqual(self.count("SELECT count(*) FROM service_records WHERE notes = %s" % q(body["notes"])), 1)

    def test_in_progress_then_409_with_retry_after(self):
        idem, body = new_key(), self.record(6)
        self.fake_row(idem, body)
        start = time.time()
        r = self.post("/v1/service-records", body, idem)
        self.assertGreater(time.time() - start, 4)
        self.assertProblem(r, 409, "conflict", errors=[("Idempotency-Key", "idempotency.in_progress")])
        self.assertEqual(r.header("retry-after"), "1")
        self.assertEqual(self.count("SELECT count(*) FROM service_records WHERE notes = %s" % q(body["notes"])), 0)

    def test_a_response_lost_for_good_is_said_so(self):
        """The server stopped between COMMIT and storing the response: the
        write happened, so the retry must not run it again."""
        idem, body = new_key(), self.record(7)
        self.fake_row(idem, body, created="now() - interval '2 minutes'")
        r = self.post("/v1/service-records", body, idem)
        self.assertProblem(r, 409, "conflict", errors=[("Idempotency-Key", "idempotency.response_lost")])
        self.assertIsNone(r.header("retry-after"))
        self.assertEqual(self.count("SELECT count(*) FROM service_records WHERE notes = %s" % q(body["notes"])), 0)

    # expiry

    def test_expired_keys_are_new_and_pruned(self):
        body = self.record(8)
        idem = new_key()
        first = self.post("/v1/service-records", body, idem)
        self.assertEqual(first.status, 201, first)
        psql("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key_hash = %s" % kh(idem))
        # Past its 24 hours the key names nothing: the request runs again.
        again = self.post("/v1/service-records", body, idem)
        self.assertEqual(again.status, 201, again)
        self.assertIsNone(again.header(REPLAYED))
        self.assertNotEqual(again.json()["id"], first.json()["id"])
        self.assertEqual(self.key_rows(idem), 1)
        self.assertEqual(psql("SELECT location FROM idempotency_keys WHERE key_hash = %s" % kh(idem)),
                         [[again.header("location")]])
        # A new server prunes expired rows with its first stored response.
        gone = [new_key() for _ in range(5)]
        for g in gone:
            psql("INSERT INTO idempotency_keys (scope, key_hash, fingerprint, created_at, expires_at)"
                 " VALUES ('key:00000000-0000-4000-8000-000000000000', %s, repeat('0', 64),"
                 " now() - interval '2 days', now() - interval '1 day')" % kh(g))
        s = Server(*self.server_args)
        try:
            s.default_key = self.keys["admin"]
            r = s.request("POST", "/v1/service-records", body=self.record(9), headers={"Idempotency-Key": new_key()})
            self.assertEqual(r.status, 201, r)
        finally:
            self.assertEqual(s.stop(), 0, s.read_log()[-3000:])
        self.assertEqual(self.count("SELECT count(*) FROM idempotency_keys WHERE expires_at <= now()"), 0)


if __name__ == "__main__":
    import unittest
    unittest.main()
