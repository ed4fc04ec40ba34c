"""/v1/service-records (the services the CPIs delivered) and the region's
statistics (/v1/statistics/service-delivery, /v1/statistics/matching).

Offices AV01-AV04 and BN01-BN04 are this file's alone. The statistics tests
work in a month drawn at random that psql shows empty (no service record, no
vacancy published, no candidacy created, no hire in it or 40 days around it),
so that earlier runs on the same database cannot change what they expect;
every expected figure below is counted by hand and written as a literal."""
import datetime
import random
import time
import urllib.parse

from harness import NO_KEY, ApiTest, pg, psql
from test_job_seekers import person
from test_vacancies import employer_doc, position, vacancy_doc

_rand = random.Random(time.time_ns())
NOBODY = "00000000-0000-4000-8000-000000000000"
CHANNELS = ("in_person", "platform", "email", "phone", "video")
STAGES = ("proposed", "contacted", "sent_to_employer", "interview", "hired", "not_selected", "withdrawn",
          "declined_by_seeker")
RECORD_FIELDS = {"id", "office_code", "service_type", "audience", "channel", "delivered_on", "job_seeker_id",
                 "employer_id", "notes", "version", "created_at"}
# The LEP list of migration 0010, in its order.
SERVICE_TYPES = ("reception", "did", "did_validation", "sap_update", "profiling", "information", "orientation",
                 "specialist_orientation", "service_agreement", "matching", "accompaniment", "training_referral",
                 "traineeship", "incentives", "self_employment", "protected_placement", "integrated_care",
                 "employer_reception", "employer_matching", "employer_traineeship",
                 "employer_protected_placement")


def day(d):
    return d.isoformat()


def empty_month():
    """(first, last) day of a random month of 2016-2024 with nothing this file
    counts in it or within 5 days of it (the scenarios reach 3 days before and
    1 day after their month). The classes that fill a month clean it when they
    end, so reruns keep finding empty months."""
    months = [(y, m) for y in range(2016, 2025) for m in range(1, 13)]
    _rand.shuffle(months)
    for y, m in months:
        first = datetime.date(y, m, 1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        lo, hi = day(first - datetime.timedelta(days=5)), day(last + datetime.timedelta(days=6))
        n = psql("SELECT (SELECT count(*) FROM service_records WHERE delivered_on >= '%s' AND delivered_on < '%s')"
                 " + (SELECT count(*) FROM vacancies WHERE published_at >= '%s' AND published_at < '%s')"
                 " + (SELECT count(*) FROM candidacies WHERE created_at >= '%s' AND created_at < '%s')"
                 " + (SELECT count(*) FROM candidacy_events WHERE at >= '%s' AND at < '%s')"
                 % (lo, hi, lo, hi, lo, hi, lo, hi))[0][0]
        if n == "0":
            return first, last
    raise AssertionError("no empty month left in 2016-2024: clean service_records, vacancies and candidacies")


def forget_records(ids):
    """Test hygiene: the service records a scenario wrote in its month (the API
    never deletes one)."""
    if ids:
        psql("DELETE FROM service_records WHERE id IN (%s)" % ", ".join("'%s'" % i for i in ids))


def counts(offices, share, records):
    return {"offices": offices, "share": share, "records": records}


def zero_channels():
    return {c: counts(0, 0, 0) for c in CHANNELS}


class ServiceTest(ApiTest):
    def record(self, office="AV01", service_type="did", channel="in_person", delivered_on="2015-01-05",
               key=None, **extra):
        body = {"office_code": office, "service_type": service_type, "channel": channel,
                "delivered_on": delivered_on}
        body.update(extra)
        return self.server.request("POST", "/v1/service-records", body=body, key=key)

    def recorded(self, *args, **kw):
        r = self.record(*args, **kw)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def job_seeker(self):
        r = self.server.request("POST", "/v1/job-seekers", body=person("AV01"))
        self.assertEqual(r.status, 201, r)
        return r.json()

    def employer(self):
        r = self.server.request("POST", "/v1/employers", body=employer_doc("AV01"))
        self.assertEqual(r.status, 201, r)
        return r.json()


class ServiceRecordTest(ServiceTest):
    def test_create_read(self):
        js = self.job_seeker()
        r = self.record("AV02", "did_validation", "video", "2015-02-28", job_seeker_id=js["id"],
                        notes="Convalida in videochiamata")
        self.assertEqual(r.status, 201, r)
        rec = r.json()
        self.assertEqual(set(rec), RECORD_FIELDS)
        self.assertEqual(r.header("location"), "/v1/service-records/" + rec["id"])
        self.assertEqual(r.header("etag"), '"1"')
        self.assertEqual(r.header("content-type"), "application/json")
        self.assertEqual({k: v for k, v in rec.items() if k not in ("id", "created_at")},
                         {"office_code": "AV02", "service_type": "did_validation", "audience": "person",
                          "channel": "video", "delivered_on": "2015-02-28", "job_seeker_id": js["id"],
                          "employer_id": None, "notes": "Convalida in videochiamata", "version": 1})
        self.assertRegex(rec["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        r = self.server.get(r.header("location"))
        self.assertEqual((r.status, r.json(), r.header("etag")), (200, rec, '"1"'))
        r = self.server.get("/v1/service-records/" + rec["id"], headers={"If-None-Match": '"1"'})
        self.assertEqual((r.status, r.body), (304, b""))
        # the operators of every office read it (the region's records are shared among staff)
        self.assertEqual(self.server.get("/v1/service-records/" + rec["id"], key=self.keys["operator_na"]).status,
                         200)
        # reading a record that names a person is an audited read of that person
        audit = self.server.get("/v1/audit-events?limit=200&job_seeker_id=" + js["id"]).json()["items"]
        got = [(e["action"], e["resource_type"], e["resource_id"]) for e in audit]
        self.assertIn(("create", "service_record", rec["id"]), got)
        self.assertEqual(got.count(("read", "service_record", rec["id"])), 3)

    def test_employer_and_nobody(self):
        e = self.employer()
        rec = self.recorded("AV03", "employer_matching", "email", "2015-03-02", employer_id=e["id"])
        self.assertEqual((rec["audience"], rec["employer_id"], rec["job_seeker_id"], rec["notes"]),
                         ("employer", e["id"], None, None))
        rec = self.recorded("AV03", "information", "phone", "2015-03-02", job_seeker_id=None, notes=None)
        self.assertEqual((rec["audience"], rec["employer_id"], rec["job_seeker_id"]), ("person", None, None))

    def test_not_found(self):
        for path in ("/v1/service-records/" + NOBODY, "/v1/service-records/not-a-uuid",
                     "/v1/service-records/" + NOBODY.upper()):
            with self.subTest(path=path):
                self.assertProblem(self.server.get(path), 404, "not-found")

    def test_validation(self):
        js = self.job_seeker()
        e = self.employer()
        today = datetime.datetime.now(datetime.timezone.utc).date()
        before = psql("SELECT count(*) FROM service_records WHERE office_code IN ('AV01', 'AV04')")[0][0]
        cases = (
            ({}, [("/office_code", "field.required"), ("/service_type", "field.required"),
                  ("/channel", "field.required"), ("/delivered_on", "field.required")]),
            ({"office_code": "AV01", "service_type": "did", "channel": "in_person", "delivered_on": "2015-01-05",
              "weather": "sunny"}, [("/weather", "field.unknown")]),
            ({"office_code": "av01"}, [("/office_code", "field.format")]),
            ({"office_code": 7}, [("/office_code", "field.format")]),
            ({"service_type": "Did!"}, [("/service_type", "service_type.unknown")]),
            ({"channel": "fax"}, [("/channel", "channel.unknown")]),
            ({"channel": None}, [("/channel", "channel.unknown")]),
            ({"delivered_on": "2016-02-30"}, [("/delivered_on", "field.format")]),
            ({"delivered_on": day(today + datetime.timedelta(days=1))}, [("/delivered_on", "field.range")]),
            ({"delivered_on": "2014-12-31"}, [("/delivered_on", "field.range")]),
            ({"job_seeker_id": "x"}, [("/job_seeker_id", "field.format")]),
            ({"employer_id": 12}, [("/employer_id", "field.format")]),
            ({"notes": ""}, [("/notes", "field.length")]),
            ({"notes": "x" * 2001}, [("/notes", "field.length")]),
            ({"notes": 5}, [("/notes", "field.length")]),
            ({"job_seeker_id": js["id"], "employer_id": e["id"]}, [("/employer_id", "service_record.both_named")]),
            # references, checked once the shape is right
            ({"office_code": "ZZ99"}, [("/office_code", "office.unknown")]),
            ({"service_type": "astrology"}, [("/service_type", "service_type.unknown")]),
            ({"job_seeker_id": NOBODY}, [("/job_seeker_id", "job_seeker.unknown")]),
            ({"service_type": "employer_reception", "employer_id": NOBODY}, [("/employer_id", "employer.unknown")]),
            ({"service_type": "did", "employer_id": e["id"]}, [("/employer_id", "service_type.audience")]),
            ({"service_type": "employer_matching", "job_seeker_id": js["id"]},
             [("/job_seeker_id", "service_type.audience")]),
            ({"office_code": "ZZ99", "service_type": "astrology", "job_seeker_id": NOBODY},
             [("/office_code", "office.unknown"), ("/service_type", "service_type.unknown"),
              ("/job_seeker_id", "job_seeker.unknown")]),
        )
        for over, errors in cases:
            with self.subTest(over=over):
                if over == {} or "weather" in over:
                    body = over
                else:
                    body = {"office_code": "AV04", "service_type": "did", "channel": "in_person",
                            "delivered_on": "2015-01-05"}
                    body.update(over)
                r = self.server.request("POST", "/v1/service-records", body=body)
                self.assertProblem(r, 422, "validation", errors=errors)
        self.assertProblem(self.server.request("POST", "/v1/service-records", body="{",
                                               headers={"Content-Type": "application/json"}), 400, "malformed-json")
        self.assertProblem(self.server.request("POST", "/v1/service-records", body="[]",
                                               headers={"Content-Type": "application/json"}), 400, "malformed-json")
        self.assertEqual(self.server.request("POST", "/v1/service-records", body="{}",
                                             headers={"Content-Type": "text/plain"}).status, 415)
        # the last day allowed are today and 2015-01-01
        self.assertEqual(self.record("AV04", delivered_on=day(today)).status, 201)
        self.assertEqual(self.record("AV04", delivered_on="2015-01-01").status, 201)
        after = psql("SELECT count(*) FROM service_records WHERE office_code IN ('AV01', 'AV04')")[0][0]
        self.assertEqual(int(after), int(before) + 2)  # no invalid request left a row

    def test_who_may_record(self):
        # an operator records its own offices' services only; an unknown office is not its own either
        self.assertProblem(self.record("AV01", key=self.keys["operator"]), 403, "forbidden")
        self.assertProblem(self.record("ZZ99", key=self.keys["operator"]), 403, "forbidden")
        r = self.record("CE08", "information", "phone", "2015-01-02", key=self.keys["operator"])
        self.assertEqual(r.status, 201, r)
        for role in ("portal", "employer"):
            self.assertProblem(self.record("AV01", key=self.keys[role]), 403, "forbidden")
            self.assertProblem(self.server.get("/v1/service-records/" + r.json()["id"], key=self.keys[role]),
                               403, "forbidden")
        self.assertProblem(self.record("AV01", key=NO_KEY), 401, "unauthorized")

    def test_erasure_keeps_the_record_without_notes(self):
        js = self.job_seeker()
        rec = self.recorded("AV04", "orientation", "in_person", "2015-06-01", job_seeker_id=js["id"],
                            notes="Colloquio di orientamento: interessata alla ristorazione")
        q = "/v1/statistics/service-delivery?from=2015-06-01&to=2015-06-01&offices=AV04"
        counted = self.server.get(q).json()["services"][SERVICE_TYPES.index("orientation")]["records"]
        self.assertGreaterEqual(counted, 1)
        self.assertEqual(psql("SELECT notes IS NOT NULL FROM service_records WHERE id = '%s'" % rec["id"]), [["t"]])
        self.assertEqual(self.server.request("DELETE", "/v1/job-seekers/" + js["id"]).status, 204)
        got = self.server.get("/v1/service-records/" + rec["id"]).json()
        self.assertEqual(got, dict(rec, notes=None))
        self.assertEqual(psql("SELECT notes IS NULL, job_seeker_id::text FROM service_records WHERE id = '%s'"
                              % rec["id"]), [["t", js["id"]]])
        # it still counts
        self.assertEqual(self.server.get(q).json()["services"][SERVICE_TYPES.index("orientation")]["records"],
                         counted)
        # an erased person takes no new record
        self.assertProblem(self.record("AV04", job_seeker_id=js["id"]), 422, "validation",
                           errors=[("/job_seeker_id", "job_seeker.unknown")])

    def test_deleted_employer_leaves_the_record(self):
        e = self.employer()
        rec = self.recorded("AV04", "employer_reception", "email", "2015-06-02", employer_id=e["id"])
        self.assertEqual(self.server.request("DELETE", "/v1/employers/" + e["id"]).status, 204)
        self.assertEqual(self.server.get("/v1/service-records/" + rec["id"]).json(), dict(rec, employer_id=None))


class ServiceRecordListTest(ServiceTest):
    def test_filters_and_pages(self):
        first, last = empty_month()
        js = self.job_seeker()
        e = self.employer()
        mid = day(first + datetime.timedelta(days=9))
        written = []
        self.addCleanup(forget_records, written)
        made = [self.recorded("BN01", "did", "in_person", day(first)),
                self.recorded("BN01", "did", "platform", mid, job_seeker_id=js["id"]),
                self.recorded("BN01", "sap_update", "in_person", day(last), job_seeker_id=js["id"]),
                self.recorded("BN01", "employer_reception", "phone", mid, employer_id=e["id"]),
                self.recorded("BN02", "did", "in_person", mid)]
        outside = self.recorded("BN01", "did", "in_person", day(last + datetime.timedelta(days=1)))
        written += [m["id"] for m in made] + [outside["id"]]
        ids = lambda q: [i["id"] for i in self.server.get("/v1/service-records?limit=200&" + q).json()["items"]]
        period = "from=%s&to=%s" % (day(first), day(last))
        self.assertEqual(ids("office=BN01&" + period), sorted(m["id"] for m in made[:4]))
        self.assertEqual(ids("office=BN01&service_type=did&" + period), sorted(m["id"] for m in made[:2]))
        self.assertEqual(ids("office=BN01&channel=in_person&" + period), sorted([made[0]["id"], made[2]["id"]]))
        self.assertEqual(ids("job_seeker_id=" + js["id"]), sorted([made[1]["id"], made[2]["id"]]))
        self.assertEqual(ids("employer_id=" + e["id"]), [made[3]["id"]])
        self.assertEqual(ids("office=BN01&from=%s&to=%s" % (mid, mid)), sorted([made[1]["id"], made[3]["id"]]))
        self.assertIn(outside["id"], ids("office=BN01&from=" + day(first)))
        self.assertNotIn(outside["id"], ids("office=BN01&to=" + day(last)))
        items = self.server.get("/v1/service-records?limit=200&employer_id=" + e["id"]).json()["items"]
        self.assertEqual(items, [made[3]])
        # pages of 2 keep the filters, in id order, and end
        seen, path = [], "/v1/service-records?limit=2&office=BN01&" + period
        for _ in range(3):
            r = self.server.get(path)
            self.assertEqual(r.status, 200, r)
            body = r.json()
            seen += [i["id"] for i in body["items"]]
            if body["next_cursor"] is None:
                self.assertIsNone(r.header("link"))
                break
            link = r.header("link")
            self.assertRegex(link, r'^</v1/service-records\?limit=2&cursor=[^>]+&office=BN01&from=[0-9-]+&to=[0-9-]+>; rel="next"$')
            self.assertIn("cursor=" + urllib.parse.quote(body["next_cursor"], safe=""), link)
            path = link[1:link.index(">")]
        self.assertEqual(seen, sorted(m["id"] for m in made[:4]))
        # listing people's records is an audited read of each
        audit = self.server.get("/v1/audit-events?limit=200&job_seeker_id=" + js["id"]).json()["items"]
        self.assertIn(("read", "service_record", made[2]["id"]),
                      [(a["action"], a["resource_type"], a["resource_id"]) for a in audit])

    def test_bad_parameters(self):
        for q, errors in (("office=bn01", [("office", "office.syntax")]),
                          ("service_type=DID", [("service_type", "service_type.syntax")]),
                          ("channel=fax", [("channel", "channel.unknown")]),
                          ("from=2016-13-01", [("from", "from.syntax")]),
                          ("to=yesterday", [("to", "to.syntax")]),
                          ("job_seeker_id=42", [("job_seeker_id", "job_seeker_id.syntax")]),
                          ("employer_id=42", [("employer_id", "employer_id.syntax")]),
                          ("limit=0", [("limit", "limit.range")]),
                          ("cursor=nope", [("cursor", "cursor.invalid")]),
                          ("colour=red&channel=fax", [("colour", "parameter.unknown"), ("channel", "channel.unknown")])):
            with self.subTest(q=q):
                self.assertProblem(self.server.get("/v1/service-records?" + q), 400, "invalid-parameter",
                                   errors=errors)
        # a cursor of another collection is refused
        cur = self.server.get("/v1/employers?limit=1").json()["next_cursor"]
        if cur:
            self.assertProblem(self.server.get("/v1/service-records?cursor=" + urllib.parse.quote(cur, safe="")),
                               400, "invalid-parameter", errors=[("cursor", "cursor.invalid")])
        self.assertEqual(self.server.get("/v1/service-records?service_type=astrology").json(),
                         {"items": [], "next_cursor": None})


class DeliveryStatisticsTest(ServiceTest):
    """Records, by office and day of the month (first..last):

        AV01  did in_person ×2, did platform, orientation phone
        AV02  did in_person, employer_reception email
        AV03  did video
        AV04  nothing in the month: did in_person the day before and the day after
        BN01  did in_person
        BN02  did in_person, information platform"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first, cls.last = empty_month()
        f, l = cls.first, cls.last
        e = cls.server.request("POST", "/v1/employers", body=employer_doc("AV02")).json()
        mid = day(f + datetime.timedelta(days=14))
        cls.written = []
        rows = [("AV01", "did", "in_person", day(f)), ("AV01", "did", "in_person", day(l)),
                ("AV01", "did", "platform", mid), ("AV01", "orientation", "phone", mid),
                ("AV02", "did", "in_person", mid), ("AV02", "employer_reception", "email", mid, e["id"]),
                ("AV03", "did", "video", mid),
                ("AV04", "did", "in_person", day(f - datetime.timedelta(days=1))),
                ("AV04", "did", "in_person", day(l + datetime.timedelta(days=1))),
                ("BN01", "did", "in_person", mid),
                ("BN02", "did", "in_person", mid), ("BN02", "information", "platform", day(l))]
        for row in rows:
            body = {"office_code": row[0], "service_type": row[1], "channel": row[2], "delivered_on": row[3]}
            if len(row) > 4:
                body["employer_id"] = row[4]
            r = cls.server.request("POST", "/v1/service-records", body=body)
            assert r.status == 201, r
            cls.written.append(r.json()["id"])

    @classmethod
    def tearDownClass(cls):
        forget_records(cls.written)
        super().tearDownClass()

    def stats(self, extra="", key=None):
        r = self.server.get("/v1/statistics/service-delivery?from=%s&to=%s%s" % (day(self.first), day(self.last),
                                                                                   extra), key=key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("content-type"), "application/json")
        return r.json()

    def check_zero_elsewhere(self, s, nonzero):
        self.assertEqual([x["service_type"] for x in s["services"]], list(SERVICE_TYPES))
        for x in s["services"]:
            self.assertEqual(set(x), {"service_type", "label", "audience", "offices", "share", "records",
                                      "channels"})
            self.assertEqual(set(x["channels"]), set(CHANNELS))
            if x["service_type"] not in nonzero:
                self.assertEqual((x["offices"], x["share"], x["records"], x["channels"]),
                                 (0, 0, 0, zero_channels()), x["service_type"])

    def service(self, s, code):
        return s["services"][SERVICE_TYPES.index(code)]

    def test_four_given_offices(self):
        s = self.stats("&offices=AV01,AV02,AV03,AV04")
        self.assertEqual((s["from"], s["to"], s["offices_surveyed"], s["surveyed"], s["records"]),
                         (day(self.first), day(self.last), 4, "given", 7))
        did = self.service(s, "did")
        self.assertEqual((did["label"], did["audience"]), ("Dichiarazione di immediata disponibilità (DID)", "person"))
        # did: AV01, AV02, AV03 of 4 offices
        self.assertEqual((did["offices"], did["share"], did["records"]), (3, 0.75, 5))
        self.assertEqual(did["channels"], {"in_person": counts(2, 0.5, 3), "platform": counts(1, 0.25, 1),
                                           "email": counts(0, 0, 0), "phone": counts(0, 0, 0),
                                           "video": counts(1, 0.25, 1)})
        o = self.service(s, "orientation")
        self.assertEqual((o["offices"], o["share"], o["records"]), (1, 0.25, 1))
        self.assertEqual(o["channels"], dict(zero_channels(), phone=counts(1, 0.25, 1)))
        er = self.service(s, "employer_reception")
        self.assertEqual((er["audience"], er["offices"], er["share"], er["records"]), ("employer", 1, 0.25, 1))
        self.assertEqual(er["channels"], dict(zero_channels(), email=counts(1, 0.25, 1)))
        self.check_zero_elsewhere(s, {"did", "orientation", "employer_reception"})
        self.assertEqual(s["channels"], {"in_person": counts(2, 0.5, 3), "platform": counts(1, 0.25, 1),
                                         "email": counts(1, 0.25, 1), "phone": counts(1, 0.25, 1),
                                         "video": counts(1, 0.25, 1)})

    def test_three_given_offices_round_to_four_decimals(self):
        s = self.stats("&offices=AV03,AV02,AV01")
        self.assertEqual((s["offices_surveyed"], s["surveyed"], s["records"]), (3, "given", 7))
        did = self.service(s, "did")
        self.assertEqual((did["offices"], did["share"]), (3, 1))
        self.assertEqual(did["channels"]["in_person"], counts(2, 0.6667, 3))
        self.assertEqual(did["channels"]["platform"], counts(1, 0.3333, 1))
        self.assertEqual(self.service(s, "orientation")["share"], 0.3333)
        self.assertEqual(s["channels"]["email"], counts(1, 0.3333, 1))

    def test_offices_with_records(self):
        # AV01, AV02, AV03, BN01, BN02 have records in the month: 5 offices surveyed
        s = self.stats()
        self.assertEqual((s["offices_surveyed"], s["surveyed"], s["records"]), (5, "with_records", 10))
        did = self.service(s, "did")
        self.assertEqual((did["offices"], did["share"], did["records"]), (5, 1, 7))
        self.assertEqual(did["channels"]["in_person"], counts(4, 0.8, 5))
        self.assertEqual(did["channels"]["video"], counts(1, 0.2, 1))
        self.assertEqual(self.service(s, "information")["channels"]["platform"], counts(1, 0.2, 1))
        self.assertEqual(s["channels"]["platform"], counts(2, 0.4, 2))
        self.assertEqual(s["channels"]["in_person"], counts(4, 0.8, 5))
        self.check_zero_elsewhere(s, {"did", "orientation", "employer_reception", "information"})

    def test_offices_without_records_and_an_empty_period(self):
        s = self.stats("&offices=AV04,BN03")
        self.assertEqual((s["offices_surveyed"], s["records"]), (2, 0))
        self.check_zero_elsewhere(s, set())
        self.assertEqual(s["channels"], zero_channels())
        # one day: only the records of the first day (AV01 did in_person)
        r = self.server.get("/v1/statistics/service-delivery?from=%s&to=%s" % (day(self.first), day(self.first)))
        s = r.json()
        self.assertEqual((s["offices_surveyed"], s["records"]), (1, 1))
        self.assertEqual(self.service(s, "did")["channels"]["in_person"], counts(1, 1, 1))
        # nobody surveyed: every share is 0
        first, last = empty_month()
        s = self.server.get("/v1/statistics/service-delivery?from=%s&to=%s" % (day(first), day(last))).json()
        self.assertEqual((s["offices_surveyed"], s["surveyed"], s["records"]), (0, "with_records", 0))
        self.check_zero_elsewhere(s, set())

    def test_operators_read_it_others_do_not(self):
        self.assertEqual(self.stats("&offices=AV01", key=self.keys["operator_na"])["services"][1]["records"], 3)
        q = "/v1/statistics/service-delivery?from=2016-01-01&to=2016-01-31"
        for role in ("portal", "employer"):
            self.assertProblem(self.server.get(q, key=self.keys[role]), 403, "forbidden")
        self.assertProblem(self.server.get(q, key=NO_KEY), 401, "unauthorized")

    def test_bad_parameters(self):
        for q, errors in (("", [("from", "from.required"), ("to", "to.required")]),
                          ("to=2016-01-31", [("from", "from.required")]),
                          ("from=2016-01-01", [("to", "to.required")]),
                          ("from=2016-1-1&to=2016-01-31", [("from", "from.syntax")]),
                          ("from=2016-01-01&to=2016-02-30", [("to", "to.syntax")]),
                          ("from=2016-02-01&to=2016-01-31", [("to", "to.before_from")]),
                          ("from=2016-01-01&to=2019-01-01", [("to", "period.too_long")]),
                          ("from=2016-01-01&to=2016-01-31&offices=", [("offices", "offices.syntax")]),
                          ("from=2016-01-01&to=2016-01-31&offices=av01", [("offices", "offices.syntax")]),
                          ("from=2016-01-01&to=2016-01-31&offices=AV01,,AV02", [("offices", "offices.syntax")]),
                          ("from=2016-01-01&to=2016-01-31&offices=AV01,AV01", [("offices", "offices.duplicate")]),
                          ("from=2016-01-01&to=2016-01-31&offices=" + ",".join("AV%02d" % i for i in range(65)),
                           [("offices", "offices.too_many")]),
                          ("from=2016-01-01&to=2016-01-31&offices=AV01,ZZ99", [("offices", "offices.unknown")]),
                          ("from=2016-01-01&to=2016-01-31&office=AV01", [("office", "parameter.unknown")])):
            with self.subTest(q=q):
                p = self.assertProblem(self.server.get("/v1/statistics/service-delivery?" + q), 400,
                                       "invalid-parameter", errors=errors)
                if errors[0][1] == "offices.unknown":
                    self.assertIn("ZZ99", p["errors"][0]["detail"])
        # 1096 days is the longest period
        self.assertEqual(self.server.get("/v1/statistics/service-delivery?from=2016-01-01&to=2018-12-31").status, 200)


class MatchingStatisticsTest(ServiceTest):
    """In the month drawn (first..last), by hand:

        AV01  vacancies V1 (2 positions, 2 + 3 places, mid-month) and V2 (1 position, 1 place,
              last day 23:30 UTC) published; candidacies created in the month: C1 hired,
              C2 interview; hires: C1 (in the month) and C3 (created the month before,
              hired in the month)
        AV02  V5 (1 position, 1 place, first day 00:00 UTC) published; V3 (4 places) published
              the day after the month, V4 never; candidacies created in the month: C4
              withdrawn, C5 hired (its hire the month after)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first, cls.last = empty_month()
        f, l = cls.first, cls.last
        emp = cls.server.request("POST", "/v1/employers", body=employer_doc("AV01")).json()
        cls.published, cls.candidacies = [], []
        people = [cls.server.request("POST", "/v1/job-seekers", body=person("AV01")).json()["id"] for _ in range(3)]

        def vacancy(office, quantities, published_at):
            v = cls.server.request("POST", "/v1/vacancies", body=vacancy_doc(
                emp["id"], office, positions=[position(quantity=q) for q in quantities])).json()
            if published_at:
                r = cls.server.request("POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "publish"})
                assert r.status == 201, r
                psql("UPDATE vacancies SET published_at = '%s' WHERE id = '%s'" % (published_at, v["id"]))
                cls.published.append(v["id"])
            return v

        mid = "%sT12:00:00Z" % day(f + datetime.timedelta(days=9))
        v1 = vacancy("AV01", [2, 3], mid)
        vacancy("AV01", [1], "%sT23:30:00Z" % day(l))
        v3 = vacancy("AV02", [4], "%sT00:00:00Z" % day(l + datetime.timedelta(days=1)))
        vacancy("AV02", [2], None)
        v5 = vacancy("AV02", [1], "%sT00:00:00Z" % day(f))

        def candidacy(v, pos, js, office, stage, created, hired_at=None):
            cid = psql("INSERT INTO candidacies (vacancy_id, position_id, job_seeker_id, employer_id, office_code,"
                       " source, stage, created_at, updated_at) VALUES ('%s', '%s', '%s', '%s', '%s', 'operator',"
                       " '%s', '%s', '%s') RETURNING id"
                       % (v["id"], v["positions"][pos]["id"], js, emp["id"], office, stage, created, created))[0][0]
            psql("INSERT INTO candidacy_events (candidacy_id, stage_before, stage, role, at)"
                 " VALUES ('%s', NULL, 'proposed', 'operator', '%s')" % (cid, created))
            cls.candidacies.append(cid)
            if hired_at:
                psql("INSERT INTO candidacy_events (candidacy_id, stage_before, stage, role, at)"
                     " VALUES ('%s', 'interview', 'hired', 'operator', '%s')" % (cid, hired_at))

        before = "%sT18:00:00Z" % day(f - datetime.timedelta(days=3))
        candidacy(v1, 0, people[0], "AV01", "hired", mid, "%sT09:00:00Z" % day(l))           # C1
        candidacy(v1, 1, people[1], "AV01", "interview", mid)                                  # C2
        candidacy(v1, 0, people[2], "AV01", "hired", before, "%sT00:00:00Z" % day(f))         # C3
        candidacy(v5, 0, people[0], "AV02", "withdrawn", "%sT00:00:00Z" % day(f))            # C4
        candidacy(v3, 0, people[1], "AV02", "hired", "%sT23:59:59Z" % day(l),
                  "%sT00:00:00Z" % day(l + datetime.timedelta(days=1)))                        # C5
        # closed, so that they stay out of every matching ranking; a close keeps published_at
        for v in cls.published:
            r = cls.server.request("POST", "/v1/vacancies/%s/events" % v, body={"type": "close"})
            assert r.status == 201, r
        cls.av01 = {"office_code": "AV01", "vacancies_published": 2, "positions": 3, "places": 6,
                    "candidacies": {"total": 2, "by_stage": dict({s: 0 for s in STAGES}, hired=1, interview=1)},
                    "hires": 2}
        cls.av02 = {"office_code": "AV02", "vacancies_published": 1, "positions": 1, "places": 1,
                    "candidacies": {"total": 2, "by_stage": dict({s: 0 for s in STAGES}, hired=1, withdrawn=1)},
                    "hires": 0}

    @classmethod
    def tearDownClass(cls):
        # Test hygiene: the scenario moves 30 years back, out of the months drawn, so reruns
        # find empty months again.
        def ids(xs):
            return ", ".join("'%s'" % x for x in xs) or "NULL"
        psql("UPDATE vacancies SET published_at = published_at - interval '30 years' WHERE id IN (%s)"
             % ids(cls.published))
        psql("UPDATE candidacies SET created_at = created_at - interval '30 years' WHERE id IN (%s)"
             % ids(cls.candidacies))
        psql("UPDATE candidacy_events SET at = at - interval '30 years' WHERE candidacy_id IN (%s)"
             % ids(cls.candidacies))
        super().tearDownClass()

    def stats(self, extra="", key=None):
        r = self.server.get("/v1/statistics/matching?from=%s&to=%s%s" % (day(self.first), day(self.last), extra),
                            key=key)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_one_office(self):
        s = self.stats("&office=AV01")
        total = dict(self.av01)
        del total["office_code"]
        self.assertEqual(s, {"from": day(self.first), "to": day(self.last), "office": "AV01",
                             "offices": [self.av01], "total": total})
        self.assertEqual(self.stats("&office=AV02")["offices"], [self.av02])

    def test_every_office(self):
        s = self.stats()
        self.assertIsNone(s["office"])
        codes = [o["office_code"] for o in s["offices"]]
        self.assertEqual(len(codes), 46)
        self.assertEqual(codes, sorted(codes))
        by = {o["office_code"]: o for o in s["offices"]}
        self.assertEqual(by["AV01"], self.av01)
        self.assertEqual(by["AV02"], self.av02)
        zero = {"office_code": "AV03", "vacancies_published": 0, "positions": 0, "places": 0,
                "candidacies": {"total": 0, "by_stage": {s: 0 for s in STAGES}}, "hires": 0}
        self.assertEqual(by["AV03"], zero)
        # nothing else happened in the month: the total is AV01's and AV02's
        self.assertEqual(s["total"], {"vacancies_published": 3, "positions": 4, "places": 7,
                                      "candidacies": {"total": 4, "by_stage": dict({s: 0 for s in STAGES}, hired=2,
                                                                                   interview=1, withdrawn=1)},
                                      "hires": 2})

    def test_the_days_around(self):
        # the day after the month: V3 published (4 places), C5 hired
        nxt = day(self.last + datetime.timedelta(days=1))
        s = self.server.get("/v1/statistics/matching?from=%s&to=%s&office=AV02" % (nxt, nxt)).json()
        self.assertEqual((s["offices"][0]["vacancies_published"], s["offices"][0]["places"],
                          s["offices"][0]["hires"], s["offices"][0]["candidacies"]["total"]), (1, 4, 1, 0))
        # the first day only: V5 published, C4 created, C3 hired
        f = day(self.first)
        s = self.server.get("/v1/statistics/matching?from=%s&to=%s" % (f, f)).json()
        self.assertEqual((s["total"]["vacancies_published"], s["total"]["hires"], s["total"]["candidacies"]["total"]),
                         (1, 1, 1))

    def test_operators_read_it_others_do_not(self):
        self.assertEqual(self.stats("&office=AV01", key=self.keys["operator"])["offices"], [self.av01])
        q = "/v1/statistics/matching?from=2016-01-01&to=2016-01-31"
        for role in ("portal", "employer"):
            self.assertProblem(self.server.get(q, key=self.keys[role]), 403, "forbidden")
        self.assertProblem(self.server.get(q, key=NO_KEY), 401, "unauthorized")

    def test_bad_parameters(self):
        for q, errors in (("", [("from", "from.required"), ("to", "to.required")]),
                          ("from=2016-01-01&to=2016-01-32", [("to", "to.syntax")]),
                          ("from=2016-02-01&to=2016-01-01", [("to", "to.before_from")]),
                          ("from=2016-01-01&to=2019-01-01", [("to", "period.too_long")]),
                          ("from=2016-01-01&to=2016-01-31&office=av01", [("office", "office.syntax")]),
                          ("from=2016-01-01&to=2016-01-31&office=ZZ99", [("office", "office.unknown")]),
                          ("from=2016-01-01&to=2016-01-31&offices=AV01", [("offices", "parameter.unknown")])):
            with self.subTest(q=q):
                self.assertProblem(self.server.get("/v1/statistics/matching?" + q), 400, "invalid-parameter",
                                   errors=errors)


class DatabaseDownTest(ServiceTest):
    def test_every_route_answers_503_then_recovers(self):
        rec = self.recorded("BN04", "information", "phone", "2015-01-03")
        written = "SELECT count(*) FROM service_records WHERE office_code = 'BN04'"
        before = psql(written)
        pg("stop")
        try:
            deadline = time.time() + 5
            while self.server.get("/v1/status").status == 200 and time.time() < deadline:
                time.sleep(0.2)
            for method, path, body in (
                    ("POST", "/v1/service-records", {"office_code": "BN04", "service_type": "information",
                                                     "channel": "phone", "delivered_on": "2015-01-03"}),
                    ("GET", "/v1/service-records?office=BN04", None),
                    ("GET", "/v1/service-records/" + rec["id"], None),
                    ("GET", "/v1/statistics/service-delivery?from=2015-01-01&to=2015-01-31", None),
                    ("GET", "/v1/statistics/matching?from=2015-01-01&to=2015-01-31", None)):
                with self.subTest(path=path):
                    r = self.server.request(method, path, body=body)
                    self.assertProblem(r, 503, "database-unavailable")
                    self.assertEqual(r.header("retry-after"), "1")
        finally:
            pg("start")
        deadline = time.time() + 10
        while self.server.get("/v1/status").status != 200 and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(self.server.get("/v1/service-records/" + rec["id"]).json(), rec)
        # nothing was written while it was down
        self.assertEqual(psql(written), before)
