"""Online booking: slots (/v1/offices/{code}/slots), appointments
(/v1/appointments) and the office's agenda. Offices SA01-SA12 are this file's
alone; times are drawn at random far ahead, so that runs sharing a database
do not see each other's slots."""
import datetime
import hashlib
import random
import threading
import time
import zoneinfo

import cf
from harness import NO_KEY, ApiTest, Server, create_key, psql
from test_job_seekers import person

_rand = random.Random(time.time_ns())
UTC = datetime.timezone.utc
ROME = zoneinfo.ZoneInfo("Europe/Rome")
# A whole minute 20 to 300 days ahead: every slot of a run is placed from here.
BASE = (datetime.datetime.now(UTC).replace(second=0, microsecond=0)
        + datetime.timedelta(days=_rand.randint(20, 300), minutes=_rand.randint(0, 1439)))

SLOT_FIELDS = {"id", "office_code", "service_type", "starts_at", "ends_at", "channel", "capacity", "booked",
               "free", "state", "cancelled_at", "version", "created_at"}
APPOINTMENT_FIELDS = {"id", "slot_id", "office_code", "service_type", "starts_at", "ends_at", "channel", "state",
                      "job_seeker_id", "codice_fiscale", "given_name", "family_name", "email", "phone", "version",
                      "created_at", "cancelled_at"}


def iso(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def at(minutes):
    """BASE plus minutes, as the API writes instants."""
    return iso(BASE + datetime.timedelta(minutes=minutes))


def _name():
    return "".join(_rand.choice("BCDFGLMNPRSTVZ") + _rand.choice("AEIOU") for _ in range(3)).capitalize()


def citizen(**over):
    """A booking body for a new random person (slot_id and service_type to add)."""
    given, family = _name(), _name()
    birth = "19%02d-%02d-%02d" % (_rand.randint(50, 99), _rand.randint(1, 12), _rand.randint(1, 28))
    doc = {"codice_fiscale": cf.make(family, given, birth, _rand.choice("MF")), "given_name": given,
           "family_name": family, "email": "%s.%s@example.org" % (given.lower(), family.lower())}
    doc.update(over)
    return doc


class BookingTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        offices = [a for o in ("SA01", "SA02", "SA03", "SA04", "SA05", "SA06", "SA08", "SA09", "SA10", "SA11")
                   for a in ("--office", o)]
        cls.op = create_key("--role", "operator", *offices, "--label", "api tests: booking operator")
        cls.portal2 = create_key("--role", "portal", "--label", "api tests: another portal")

    # helpers

    def slot(self, office, start, minutes=30, capacity=1, service_type="orientation", **over):
        body = {"service_type": service_type, "starts_at": at(start), "ends_at": at(start + minutes),
                "capacity": capacity}
        body.update(over)
        r = self.server.request("POST", "/v1/offices/%s/slots" % office, body=body, key=self.op)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def book(self, slot, key=NO_KEY, service_type=None, **person_over):
        body = citizen(**person_over) if "job_seeker_id" not in person_over else dict(person_over)
        body.update(slot_id=slot["id"], service_type=service_type or slot["service_type"])
        body = {k: v for k, v in body.items() if v is not None}
        return self.server.request("POST", "/v1/appointments", body=body, key=key)

    def booked(self, slot, **kw):
        r = self.book(slot, **kw)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def seats(self, slot_id):
        return int(psql("SELECT booked FROM slots WHERE id = '%s'" % slot_id)[0][0])

    def cancel(self, appointment_id, key=NO_KEY, token=None, headers=None):
        h = dict(headers or {})
        if token is not None:
            h["Cancellation-Token"] = token
        return self.server.request("DELETE", "/v1/appointments/" + appointment_id, key=key, headers=h)

    def free_list(self, office, start, end, extra=""):
        r = self.server.get("/v1/offices/%s/slots?from=%s&to=%s%s" % (office, at(start), at(end), extra), key=NO_KEY)
        self.assertEqual(r.status, 200, r)
        return r

    def audit_of(self, resource_id):
        return psql("SELECT action, resource_type, role, coalesce(job_seeker_id::text, '') FROM audit_events"
                    " WHERE resource_id = '%s' ORDER BY id" % resource_id)

    # slots

    def test_publish_a_slot(self):
        r = self.server.request("POST", "/v1/offices/SA01/slots", key=self.op,
                                body={"service_type": "did", "starts_at": at(60), "ends_at": at(90),
                                      "capacity": 3, "channel": "video"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.header("content-type"), "application/json")
        s = r.json()
        self.assertEqual(set(s), SLOT_FIELDS)
        self.assertEqual(r.header("location"), "/v1/offices/SA01/slots/" + s["id"])
        self.assertEqual(r.header("etag"), '"1"')
        self.assertEqual((s["office_code"], s["service_type"], s["starts_at"], s["ends_at"], s["channel"],
                          s["capacity"], s["booked"], s["free"], s["state"], s["cancelled_at"], s["version"]),
                         ("SA01", "did", at(60), at(90), "video", 3, 0, 3, "open", None, 1))
        # an offset is an instant like any other; the channel defaults to in person
        local = (BASE + datetime.timedelta(minutes=120)).astimezone(ROME).isoformat()
        r2 = self.server.request("POST", "/v1/offices/SA01/slots", key=self.keys["admin"],
                                 body={"service_type": "did", "starts_at": local, "ends_at": at(150), "capacity": 1})
        self.assertEqual(r2.status, 201, r2)
        self.assertEqual((r2.json()["starts_at"], r2.json()["channel"]), (at(120), "in_person"))
        # anyone reads it, and its ETag
        g = self.server.get(r.header("location"), key=NO_KEY)
        self.assertEqual((g.status, g.json(), g.header("etag")), (200, s, '"1"'))
        self.assertEqual(self.server.get(r.header("location"), key=NO_KEY,
                                         headers={"If-None-Match": '"1"'}).status, 304)
        # under another office it is not there
        self.assertProblem(self.server.get("/v1/offices/SA02/slots/" + s["id"], key=NO_KEY), 404, "not-found")
        self.assertProblem(self.server.get("/v1/offices/SA01/slots/not-a-uuid", key=NO_KEY), 404, "not-found")
        self.assertEqual(self.audit_of(s["id"]), [["create", "slot", "operator", ""]])

    def test_publish_refusals(self):
        before = psql("SELECT count(*) FROM slots WHERE office_code = 'SA02'")
        post = lambda body, key=None, office="SA02": self.server.request(  # noqa: E731
            "POST", "/v1/offices/%s/slots" % office, body=body, key=self.op if key is None else key)
        good = {"service_type": "orientation", "starts_at": at(60), "ends_at": at(90), "capacity": 2}
        self.assertProblem(post({"colour": "red", "capacity": 0, "channel": "fax", "starts_at": "2026-12-01",
                                 "ends_at": 5, "service_type": "Orientation!"}), 422, "validation",
                           errors=[("/colour", "field.unknown"), ("/service_type", "service_type.unknown"),
                                   ("/starts_at", "starts_at.format"), ("/ends_at", "field.type"),
                                   ("/capacity", "capacity.range"), ("/channel", "channel.unknown")])
        self.assertProblem(post({}), 422, "validation",
                           errors=[("/service_type", "field.required"), ("/starts_at", "field.required"),
                                   ("/ends_at", "field.required"), ("/capacity", "field.required")])
        for cap in (101, "2", 1.5, None, True):
            self.assertProblem(post(dict(good, capacity=cap)), 422, "validation",
                               errors=[("/capacity", "capacity.range")])
        # what the database decides
        self.assertProblem(post(dict(good, service_type="astrology")), 422, "validation",
                           errors=[("/service_type", "service_type.unknown")])
        past = iso(datetime.datetime.now(UTC) - datetime.timedelta(hours=1))
        self.assertProblem(post(dict(good, starts_at=past, ends_at=at(0))), 422, "validation",
                           errors=[("/starts_at", "starts_at.past"), ("/ends_at", "ends_at.too_long")])
        self.assertProblem(post(dict(good, ends_at=at(60))), 422, "validation",
                           errors=[("/ends_at", "ends_at.before_start")])
        self.assertProblem(post(dict(good, ends_at=at(60 + 8 * 60 + 1))), 422, "validation",
                           errors=[("/ends_at", "ends_at.too_long")])
        far = datetime.datetime.now(UTC) + datetime.timedelta(days=400)
        self.assertProblem(post(dict(good, starts_at=iso(far), ends_at=iso(far + datetime.timedelta(minutes=30)))),
                           422, "validation", errors=[("/starts_at", "starts_at.too_far")])
        self.assertProblem(post([1], office="SA02"), 400, "malformed-json")
        # who may publish where
        self.assertProblem(post(good, key=self.keys["operator"]), 403, "forbidden")
        self.assertProblem(post(good, key=self.keys["portal"]), 403, "forbidden")
        self.assertProblem(post(good, key=NO_KEY), 401, "unauthorized")
        self.assertProblem(post(good, office="SA99"), 404, "not-found")
        self.assertProblem(post(good, office="sa02x"), 404, "not-found")
        self.assertEqual(psql("SELECT count(*) FROM slots WHERE office_code = 'SA02'"), before)
        # exactly 8 hours is fine
        self.assertEqual(post(dict(good, ends_at=at(60 + 8 * 60))).status, 201)

    def test_list_free_slots(self):
        free1 = self.slot("SA03", 1000, capacity=2)
        other = self.slot("SA03", 1010, service_type="did")
        full = self.slot("SA03", 1020)
        self.booked(full)
        gone = self.slot("SA03", 1030)
        self.assertEqual(self.server.request("DELETE", "/v1/offices/SA03/slots/" + gone["id"], key=self.op).status,
                         200)
        free2 = self.slot("SA03", 1040)
        self.booked(free1)  # one seat of two left: still free
        started = self.slot("SA03", 1050)
        psql("UPDATE slots SET starts_at = now() - interval '1 minute', ends_at = now() + interval '1 minute'"
             " WHERE id = '%s'" % started["id"])
        outside = self.slot("SA03", 1100)

        r = self.free_list("SA03", 990, 1100)
        self.assertEqual(r.header("content-type"), "application/json")
        body = r.json()
        self.assertEqual([s["id"] for s in body["items"]], [free1["id"], other["id"], free2["id"]])
        self.assertIsNone(body["next_cursor"])
        self.assertIsNone(r.header("link"))
        self.assertEqual(set(body["items"][0]), SLOT_FIELDS)  # no personal data in any of them
        self.assertEqual((body["items"][0]["booked"], body["items"][0]["free"]), (1, 1))
        self.assertNotIn(outside["id"], [s["id"] for s in body["items"]])
        # filtered by service type
        self.assertEqual([s["id"] for s in self.free_list("SA03", 990, 1100, "&service_type=did").json()["items"]],
                         [other["id"]])
        self.assertEqual(self.free_list("SA03", 990, 1100, "&service_type=astrology").json()["items"], [])
        # a key changes nothing
        self.assertEqual(self.server.get("/v1/offices/SA03/slots?from=%s&to=%s" % (at(990), at(1100)),
                                         key=self.keys["employer"]).json(), body)
        # pages: by start, then id
        p1 = self.free_list("SA03", 990, 1100, "&limit=2")
        self.assertEqual([s["id"] for s in p1.json()["items"]], [free1["id"], other["id"]])
        cursor = p1.json()["next_cursor"]
        self.assertTrue(cursor)
        self.assertIn("rel=\"next\"", p1.header("link"))
        self.assertIn("from=", p1.header("link"))
        p2 = self.server.get("/v1/offices/SA03/slots?from=%s&to=%s&limit=2&cursor=%s" % (at(990), at(1100), cursor),
                             key=NO_KEY)
        self.assertEqual(([s["id"] for s in p2.json()["items"]], p2.json()["next_cursor"]), ([free2["id"]], None))

    def test_list_refusals(self):
        get = lambda q: self.server.get("/v1/offices/SA03/slots" + q, key=NO_KEY)  # noqa: E731
        self.assertProblem(get("?from=2026-12-01"), 400, "invalid-parameter", errors=[("from", "from.format")])
        self.assertProblem(get("?to=tomorrow"), 400, "invalid-parameter", errors=[("to", "to.format")])
        self.assertProblem(get("?from=%s&to=%s" % (at(100), at(100))), 400, "invalid-parameter",
                           errors=[("to", "to.before_from")])
        self.assertProblem(get("?from=%s&to=%s" % (at(100), at(0))), 400, "invalid-parameter",
                           errors=[("to", "to.before_from")])
        self.assertProblem(get("?from=%s&to=%s" % (at(0), at(31 * 1440 + 1))), 400, "invalid-parameter",
                           errors=[("to", "to.range")])
        self.assertEqual(get("?from=%s&to=%s" % (at(0), at(31 * 1440))).status, 200)
        self.assertProblem(get("?service_type=Bad-Type"), 400, "invalid-parameter",
                           errors=[("service_type", "service_type.syntax")])
        self.assertProblem(get("?office=SA03"), 400, "invalid-parameter")
        self.assertProblem(get("?limit=0"), 400, "invalid-parameter", errors=[("limit", "limit.range")])
        self.assertProblem(get("?cursor=abc"), 400, "invalid-parameter", errors=[("cursor", "cursor.invalid")])
        self.assertProblem(self.server.get("/v1/offices/SA99/slots", key=NO_KEY), 404, "not-found")
        # defaults: from now, for 14 days
        self.assertEqual(get("").status, 200)

    # appointments

    def test_book_without_a_key(self):
        s = self.slot("SA04", 200, capacity=2)
        body = citizen(phone="+39 089 123456")
        body["codice_fiscale"] = body["codice_fiscale"].lower()  # upper-cased on the way in
        r = self.server.request("POST", "/v1/appointments", key=NO_KEY,
                                body=dict(body, slot_id=s["id"], service_type="orientation"))
        self.assertEqual(r.status, 201, r)
        a = r.json()
        self.assertEqual(set(a), APPOINTMENT_FIELDS | {"cancellation_token"})
        self.assertEqual(r.header("location"), "/v1/appointments/" + a["id"])
        self.assertEqual(r.header("etag"), '"1"')
        self.assertEqual((a["slot_id"], a["office_code"], a["service_type"], a["starts_at"], a["ends_at"],
                          a["channel"], a["state"], a["job_seeker_id"], a["codice_fiscale"], a["given_name"],
                          a["family_name"], a["email"], a["phone"], a["version"], a["cancelled_at"]),
                         (s["id"], "SA04", "orientation", at(200), at(230), "in_person", "booked", None,
                          body["codice_fiscale"].upper(), body["given_name"], body["family_name"], body["email"],
                          "+39 089 123456", 1, None))
        self.assertRegex(a["cancellation_token"], r"^[A-Za-z0-9_-]{43}$")
        # only the token's hash is kept
        stored = psql("SELECT encode(token_hash, 'hex'), created_by IS NULL FROM appointments WHERE id = '%s'"
                      % a["id"])
        self.assertEqual(stored, [[hashlib.sha256(a["cancellation_token"].encode()).hexdigest(), "t"]])
        self.assertEqual(self.seats(s["id"]), 1)
        # staff read it, without the token, audited
        g = self.server.get(r.header("location"), key=self.op)
        self.assertEqual(g.status, 200, g)
        self.assertEqual(g.json(), {k: v for k, v in a.items() if k != "cancellation_token"})
        self.assertEqual(g.header("etag"), '"1"')
        self.assertEqual(self.audit_of(a["id"]), [["create", "appointment", "anonymous", ""],
                                                  ["read", "appointment", "operator", ""]])
        # a portal books with its key: no token, it cancels with its key
        p = self.booked(s, key=self.keys["portal"])
        self.assertNotIn("cancellation_token", p)
        self.assertEqual(self.seats(s["id"]), 2)
        # the changes feed knows them
        self.assertEqual(psql("SELECT kind, version FROM changes WHERE type = 'appointment' AND id = '%s'"
                              % a["id"]), [["created", "1"]])

    def test_booking_refusals(self):
        s = self.slot("SA04", 300, capacity=1)
        post = lambda body, key=NO_KEY: self.server.request(  # noqa: E731
            "POST", "/v1/appointments", body=body, key=key)
        ok = dict(citizen(), slot_id=s["id"], service_type="orientation")
        self.assertProblem(post({"colour": 1}), 422, "validation",
                           errors=[("/colour", "field.unknown"), ("/slot_id", "field.required"),
                                   ("/service_type", "field.required"), ("/codice_fiscale", "person.required"),
                                   ("/email", "contact.required")])
        self.assertProblem(post(dict(ok, job_seeker_id="0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")), 422, "validation",
                           errors=[("/job_seeker_id", "person.ambiguous")])
        bad_check = ok["codice_fiscale"][:15] + ("A" if ok["codice_fiscale"][15] != "A" else "B")
        self.assertProblem(post(dict(ok, codice_fiscale=bad_check)), 422, "validation",
                           errors=[("/codice_fiscale", "codice_fiscale.check")])
        self.assertProblem(post(dict(ok, codice_fiscale="RSSMRA80")), 422, "validation",
                           errors=[("/codice_fiscale", "codice_fiscale.length")])
        self.assertProblem(post(dict(ok, given_name="", family_name=7)), 422, "validation",
                           errors=[("/given_name", "given_name.length"), ("/family_name", "field.type")])
        self.assertProblem(post({k: v for k, v in ok.items() if k != "family_name"}), 422, "validation",
                           errors=[("/family_name", "field.required")])
        self.assertProblem(post(dict(ok, given_name="x" * 101)), 422, "validation",
                           errors=[("/given_name", "given_name.length")])
        self.assertProblem(post(dict(ok, email="not-an-address", phone="12")), 422, "validation",
                           errors=[("/email", "email.format"), ("/phone", "phone.format")])
        self.assertProblem(post(dict(ok, slot_id="42", service_type="Orientation")), 422, "validation",
                           errors=[("/slot_id", "slot_id.format"), ("/service_type", "service_type.unknown")])
        self.assertProblem(post({"slot_id": s["id"], "service_type": "orientation", "email": "a@example.org",
                                 "job_seeker_id": "nope", "given_name": "Anna"}), 422, "validation",
                           errors=[("/job_seeker_id", "job_seeker_id.format"), ("/given_name", "field.not_allowed")])
        # what the database decides
        self.assertProblem(post(dict(ok, slot_id="00000000-0000-4000-8000-000000000000")), 422, "validation",
                           errors=[("/slot_id", "slot_id.unknown")])
        # the service requested must be the slot's: a 422 (the request is wrong whatever the state)
        self.assertProblem(post(dict(ok, service_type="did")), 422, "validation",
                           errors=[("/service_type", "service_type.mismatch")])
        unknown = {"slot_id": s["id"], "service_type": "orientation", "email": "a@example.org",
                   "job_seeker_id": "00000000-0000-4000-8000-000000000000"}
        self.assertProblem(post(unknown, key=self.keys["portal"]), 422, "validation",
                           errors=[("/job_seeker_id", "job_seeker_id.unknown")])
        # without a key, only by codice fiscale: a SAP id would show the person's data
        self.assertProblem(post(unknown), 403, "forbidden")
        self.assertProblem(post(ok, key=self.keys["employer"]), 403, "forbidden")
        self.assertProblem(post(ok, key="inc_" + "A" * 43), 401, "unauthorized")
        self.assertProblem(self.server.request("POST", "/v1/appointments", body="{not json", key=NO_KEY,
                                               headers={"Content-Type": "application/json"}), 400, "malformed-json")
        self.assertEqual(self.seats(s["id"]), 0)
        # full, cancelled, started
        self.booked(s)
        self.assertProblem(post(dict(citizen(), slot_id=s["id"], service_type="orientation")), 409, "conflict",
                           errors=[("/slot_id", "slot.full")])
        withdrawn = self.slot("SA04", 340)
        self.server.request("DELETE", "/v1/offices/SA04/slots/" + withdrawn["id"], key=self.op)
        self.assertProblem(post(dict(citizen(), slot_id=withdrawn["id"], service_type="orientation")), 409,
                           "conflict", errors=[("/slot_id", "slot.cancelled")])
        started = self.slot("SA04", 380)
        psql("UPDATE slots SET starts_at = now() - interval '5 minutes', ends_at = now() + interval '25 minutes'"
             " WHERE id = '%s'" % started["id"])
        self.assertProblem(post(dict(citizen(), slot_id=started["id"], service_type="orientation")), 409,
                           "conflict", errors=[("/slot_id", "slot.past")])
        self.assertEqual(psql("SELECT count(*), sum(booked) FROM slots WHERE id IN ('%s', '%s', '%s')"
                              % (s["id"], withdrawn["id"], started["id"])), [["3", "1"]])

    def test_fifty_concurrent_bookings_for_the_last_seat(self):
        s = self.slot("SA05", 400, capacity=3)
        self.booked(s)
        self.booked(s)
        bodies = [dict(citizen(), slot_id=s["id"], service_type="orientation") for _ in range(50)]
        server = Server("--rate-limit", "100000", "--threads", "16", "--pool-size", "16")
        results = [None] * 50
        start = threading.Barrier(50)

        def go(i):
            start.wait()
            results[i] = server.request("POST", "/v1/appointments", body=bodies[i], key=NO_KEY, timeout=30)

        try:
            threads = [threading.Thread(target=go, args=(i,)) for i in range(50)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            self.assertEqual(server.stop(), 0, server.read_log()[-3000:])
        statuses = sorted(r.status for r in results)
        self.assertEqual(statuses, [201] + [409] * 49)
        for r in results:
            if r.status == 409:
                self.assertProblem(r, 409, "conflict", errors=[("/slot_id", "slot.full")])
        self.assertEqual(psql("SELECT booked, capacity FROM slots WHERE id = '%s'" % s["id"]), [["3", "3"]])
        self.assertEqual(psql("SELECT count(*) FROM appointments WHERE slot_id = '%s' AND state = 'booked'"
                              % s["id"]), [["3"]])
        winner = [r for r in results if r.status == 201][0].json()
        self.assertEqual(winner["codice_fiscale"], bodies[[r.status for r in results].index(201)]["codice_fiscale"])

    def test_one_person_one_place_at_a_time(self):
        a = self.slot("SA06", 500)           # 500-530
        b = self.slot("SA06", 515, capacity=2)  # 515-545: overlaps a
        c = self.slot("SA06", 530)           # 530-560: right after a
        d = self.slot("SA06", 470)           # 470-500: right before a
        elsewhere = self.slot("SA01", 520, minutes=5)  # another office, inside a
        who = citizen()
        first = self.booked(a, **who)
        r = self.book(b, **who)
        self.assertProblem(r, 409, "conflict", errors=[("", "appointment.overlap")])
        self.assertEqual(self.seats(b["id"]), 0)  # the seat went back with the refusal
        self.assertProblem(self.book(elsewhere, **who), 409, "conflict", errors=[("", "appointment.overlap")])
        self.booked(c, **who)  # adjacent: fine
        self.booked(d, **who)
        self.booked(b)  # someone else may
        # once the first is cancelled, the overlapping one is free for them
        self.assertEqual(self.cancel(first["id"], token=first["cancellation_token"]).status, 200)
        self.assertProblem(self.book(b, **who), 409, "conflict", errors=[("", "appointment.overlap")])  # c overlaps b
        e = self.slot("SA06", 600, minutes=20)
        self.booked(e, **who)
        self.booked(self.slot("SA06", 620, minutes=20), **who)

    def test_job_seekers_book_by_id_or_codice_fiscale(self):
        js = self.server.request("POST", "/v1/job-seekers", body=person("CE08"), key=self.keys["admin"]).json()
        s1, s2, s3 = self.slot("SA09", 700), self.slot("SA09", 700, service_type="did"), self.slot("SA09", 760)
        by_id = self.booked(s1, key=self.keys["portal"], job_seeker_id=js["id"], phone="+39 089 7654321")
        self.assertEqual((by_id["job_seeker_id"], by_id["codice_fiscale"], by_id["given_name"], by_id["family_name"],
                          by_id["email"], by_id["phone"]),
                         (js["id"], js["codice_fiscale"], js["given_name"], js["family_name"], None, "+39 089 7654321"))
        # the same person by codice fiscale: the same person for the overlap rule
        r = self.book(s2, codice_fiscale=js["codice_fiscale"], given_name="Any", family_name="Name")
        self.assertProblem(r, 409, "conflict", errors=[("", "appointment.overlap")])
        # booked without a key by codice fiscale: linked to the SAP, but only staff see the link
        anon = self.booked(s3, codice_fiscale=js["codice_fiscale"], given_name="Any", family_name="Name")
        self.assertIsNone(anon["job_seeker_id"])
        self.assertEqual(psql("SELECT job_seeker_id, linked_by_cf FROM appointments WHERE id = '%s'" % anon["id"]),
                         [[js["id"], "t"]])
        self.assertEqual(self.server.get("/v1/appointments/" + anon["id"], key=self.op).json()["job_seeker_id"],
                         js["id"])
        self.assertEqual(self.audit_of(anon["id"])[-1], ["read", "appointment", "operator", js["id"]])
        # erasure reaches the appointments: personal data gone, future seats given back
        self.assertEqual(self.server.request("DELETE", "/v1/job-seekers/" + js["id"], key=self.keys["admin"]).status,
                         204)
        rows = psql("SELECT state, codice_fiscale IS NULL AND given_name IS NULL AND family_name IS NULL"
                    " AND email IS NULL AND phone IS NULL AND token_hash IS NULL, erased_at IS NOT NULL"
                    " FROM appointments WHERE job_seeker_id = '%s'" % js["id"])
        self.assertEqual(rows, [["cancelled", "t", "t"]] * 2)
        self.assertEqual((self.seats(s1["id"]), self.seats(s3["id"])), (0, 0))
        self.assertProblem(self.server.get("/v1/appointments/" + by_id["id"], key=self.op), 404, "not-found")
        self.assertProblem(self.cancel(anon["id"], token=anon["cancellation_token"]), 404, "not-found")
        self.assertEqual(psql("SELECT kind FROM changes WHERE type = 'appointment' AND id = '%s' ORDER BY position"
                              % by_id["id"]), [["created"], ["deleted"]])
        # an erased job seeker books no more
        r = self.book(s1, key=self.keys["portal"], job_seeker_id=js["id"], email="x@example.org")
        self.assertProblem(r, 422, "validation", errors=[("/job_seeker_id", "job_seeker_id.unknown")])

    def test_cancel(self):
        s = self.slot("SA10", 800, capacity=5)
        mine = self.booked(s)
        other = self.booked(s)
        by_portal = self.booked(s, key=self.keys["portal"])
        by_staff = self.booked(s, key=self.op)
        self.assertEqual(self.seats(s["id"]), 4)
        # without a token or key: 401; a wrong token, another's token, another portal: as if there were none
        r = self.cancel(mine["id"])
        self.assertProblem(r, 401, "unauthorized")
        self.assertEqual(r.header("www-authenticate"), 'Bearer realm="incrocio"')
        self.assertProblem(self.cancel(mine["id"], token="x" * 43), 404, "not-found")
        self.assertProblem(self.cancel(mine["id"], token="short"), 404, "not-found")
        self.assertProblem(self.cancel(mine["id"], token=other["cancellation_token"]), 404, "not-found")
        self.assertProblem(self.cancel(by_portal["id"], key=self.portal2), 404, "not-found")
        self.assertProblem(self.cancel(by_portal["id"], key=self.keys["operator"]), 404, "not-found")
        self.assertProblem(self.cancel(mine["id"], key=self.keys["employer"]), 403, "forbidden")
        self.assertProblem(self.cancel("00000000-0000-4000-8000-000000000000", key=self.keys["admin"]), 404,
                           "not-found")
        self.assertProblem(self.cancel("nope", key=self.keys["admin"]), 404, "not-found")
        self.assertEqual(self.seats(s["id"]), 4)
        # If-Match, when sent, must name the current version
        self.assertProblem(self.cancel(mine["id"], token=mine["cancellation_token"], headers={"If-Match": '"7"'}),
                           412, "precondition-failed")
        # the token
        r = self.cancel(mine["id"], token=mine["cancellation_token"], headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("etag"), '"2"')
        c = r.json()
        self.assertEqual(set(c), APPOINTMENT_FIELDS)
        self.assertEqual((c["state"], c["version"], c["id"]), ("cancelled", 2, mine["id"]))
        self.assertRegex(c["cancelled_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(self.seats(s["id"]), 3)
        self.assertProblem(self.cancel(mine["id"], token=mine["cancellation_token"]), 409, "conflict",
                           errors=[("", "appointment.cancelled")])
        # the portal that booked, the office's operator, an admin
        self.assertEqual(self.cancel(by_portal["id"], key=self.keys["portal"]).status, 200)
        self.assertEqual(self.cancel(by_staff["id"], key=self.op).status, 200)
        self.assertEqual(self.cancel(other["id"], key=self.keys["admin"]).status, 200)
        self.assertEqual(self.seats(s["id"]), 0)
        # the freed seats show in the listing
        self.assertEqual([x["free"] for x in self.free_list("SA10", 800, 801).json()["items"]], [5])
        self.assertEqual(psql("SELECT kind, version FROM changes WHERE type = 'appointment' AND id = '%s'"
                              " ORDER BY position" % mine["id"]), [["created", "1"], ["updated", "2"]])
        self.assertEqual(self.audit_of(by_staff["id"]), [["create", "appointment", "operator", ""],
                                                         ["update", "appointment", "operator", ""]])
        # one that has begun stays
        late = self.booked(s)
        psql("UPDATE slots SET starts_at = now() - interval '1 minute', ends_at = now() + interval '29 minutes'"
             " WHERE id = '%s'; UPDATE appointments SET during = tstzrange(now() - interval '1 minute',"
             " now() + interval '29 minutes') WHERE id = '%s'" % (s["id"], late["id"]))
        self.assertProblem(self.cancel(late["id"], token=late["cancellation_token"]), 409, "conflict",
                           errors=[("", "appointment.started")])

    def test_read_one_appointment(self):
        s = self.slot("SA10", 900)
        a = self.booked(s)
        path = "/v1/appointments/" + a["id"]
        self.assertEqual(self.server.get(path, key=self.keys["admin"]).status, 200)
        self.assertEqual(self.server.get(path, key=self.keys["admin"], headers={"If-None-Match": '"1"'}).status, 304)
        self.assertProblem(self.server.get(path, key=self.keys["operator"]), 404, "not-found")
        self.assertProblem(self.server.get(path, key=self.keys["portal"]), 403, "forbidden")
        self.assertProblem(self.server.get(path, key=NO_KEY), 401, "unauthorized")
        self.assertProblem(self.server.get("/v1/appointments/00000000-0000-4000-8000-000000000000",
                                           key=self.keys["admin"]), 404, "not-found")
        self.assertEqual([row[:3] for row in self.audit_of(a["id"])],
                         [["create", "appointment", "anonymous"], ["read", "appointment", "admin"],
                          ["read", "appointment", "admin"]])

    # withdrawing a slot

    def test_withdraw_a_slot(self):
        s = self.slot("SA11", 1000, capacity=2)
        path = "/v1/offices/SA11/slots/" + s["id"]
        a = self.booked(s)
        r = self.server.request("DELETE", path, key=self.op)
        self.assertProblem(r, 409, "conflict", errors=[("", "slot.booked")])
        self.cancel(a["id"], token=a["cancellation_token"])
        self.assertProblem(self.server.request("DELETE", path, key=self.keys["operator"]), 403, "forbidden")
        self.assertProblem(self.server.request("DELETE", path, key=self.op, headers={"If-Match": '"1"'}), 412,
                           "precondition-failed")
        r = self.server.request("DELETE", path, key=self.op, headers={"If-Match": '"3"'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["state"], r.json()["free"], r.json()["version"], r.header("etag")),
                         ("cancelled", 0, 4, '"4"'))
        self.assertProblem(self.server.request("DELETE", path, key=self.op), 409, "conflict",
                           errors=[("", "slot.cancelled")])
        self.assertProblem(self.server.request("DELETE", "/v1/offices/SA11/slots/00000000-0000-4000-8000-"
                                               "000000000000", key=self.op), 404, "not-found")
        self.assertProblem(self.server.request("DELETE", "/v1/offices/SA12/slots/" + s["id"],
                                               key=self.keys["admin"]), 404, "not-found")
        past = self.slot("SA11", 1100)
        psql("UPDATE slots SET starts_at = now() - interval '1 hour', ends_at = now() - interval '30 minutes'"
             " WHERE id = '%s'" % past["id"])
        self.assertProblem(self.server.request("DELETE", "/v1/offices/SA11/slots/" + past["id"], key=self.op), 409,
                           "conflict", errors=[("", "slot.past")])
        self.assertEqual(self.audit_of(s["id"]), [["create", "slot", "operator", ""],
                                                  ["delete", "slot", "operator", ""]])

    # the agenda

    def test_agenda_of_a_day(self):
        # a day on which earlier runs sharing this database left no SA08 slot (from the
        # day before to the day after: the test places slots at both edges)
        for k in range(2, 60):
            day = (BASE + datetime.timedelta(days=k)).astimezone(ROME).date()
            midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=ROME)
            taken = psql("SELECT count(*) FROM slots WHERE office_code = 'SA08' AND starts_at"
                         " >= '%s' AND starts_at < '%s'" % ((midnight - datetime.timedelta(days=1)).isoformat(),
                                                            (midnight + datetime.timedelta(days=2)).isoformat()))
            if taken == [["0"]]:
                break
        minutes = lambda t: int((t - BASE).total_seconds() // 60)  # noqa: E731
        before = self.slot("SA08", minutes(midnight) - 30)                        # 23:30 the day before
        first = self.slot("SA08", minutes(midnight), capacity=3)                  # 00:00
        second = self.slot("SA08", minutes(midnight) + 600, service_type="did")   # 10:00
        last = self.slot("SA08", minutes(midnight + datetime.timedelta(days=1)) - 30)  # 23:30
        after = self.slot("SA08", minutes(midnight + datetime.timedelta(days=1)))  # 00:00 the day after
        p1 = self.booked(first)
        p2 = self.booked(first, key=self.keys["portal"], phone="+39 089 111111")
        gone = self.booked(first)
        self.cancel(gone["id"], token=gone["cancellation_token"])
        self.booked(before)
        self.booked(after)
        r = self.server.get("/v1/offices/SA08/agenda?date=" + day.isoformat(), key=self.op)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("content-type"), "application/json")
        body = r.json()
        self.assertEqual((body["office_code"], body["date"], body["time_zone"]), ("SA08", day.isoformat(),
                                                                                  "Europe/Rome"))
        self.assertEqual(set(body), {"office_code", "date", "time_zone", "slots"})
        self.assertEqual([s["id"] for s in body["slots"]], [first["id"], second["id"], last["id"]])
        self.assertEqual(set(body["slots"][0]), SLOT_FIELDS | {"appointments"})
        people = body["slots"][0]["appointments"]
        self.assertEqual([(p["id"], p["given_name"], p["family_name"], p["codice_fiscale"], p["email"], p["phone"])
                          for p in people],
                         [(x["id"], x["given_name"], x["family_name"], x["codice_fiscale"], x["email"], x["phone"])
                          for x in (p1, p2)])
        self.assertEqual(set(people[0]), APPOINTMENT_FIELDS)
        self.assertEqual((body["slots"][1]["appointments"], body["slots"][2]["appointments"]), ([], []))
        # each person shown is a read of that person
        for x in (p1, p2):
            self.assertEqual(self.audit_of(x["id"])[-1], ["read", "appointment", "operator", ""])
        self.assertEqual(len(self.audit_of(gone["id"])), 2)  # create and cancel, no read
        # who, and what
        agenda = lambda q, key=None: self.server.get("/v1/offices/SA08/agenda" + q,  # noqa: E731
                                                     key=self.op if key is None else key)
        self.assertEqual(agenda("?date=" + day.isoformat(), key=self.keys["admin"]).json(), body)
        self.assertProblem(agenda("?date=" + day.isoformat(), key=self.keys["operator"]), 403, "forbidden")
        self.assertProblem(agenda("?date=" + day.isoformat(), key=self.keys["portal"]), 403, "forbidden")
        self.assertProblem(agenda("?date=" + day.isoformat(), key=NO_KEY), 401, "unauthorized")
        self.assertProblem(agenda(""), 400, "invalid-parameter", errors=[("date", "date.required")])
        self.assertProblem(agenda("?date=2026-02-30"), 400, "invalid-parameter", errors=[("date", "date.format")])
        self.assertProblem(agenda("?date=2026-12-01&limit=5"), 400, "invalid-parameter",
                           errors=[("limit", "parameter.unknown")])
        self.assertProblem(self.server.get("/v1/offices/SA99/agenda?date=2026-12-01", key=self.keys["admin"]), 404,
                           "not-found")
        empty = agenda("?date=2020-01-01").json()
        self.assertEqual(empty["slots"], [])
