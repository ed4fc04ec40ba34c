"""GET /v1/changes: the feed of created, updated and deleted resources in
commit order. The database is shared with the other test files: every test
starts from a cursor taken at its start (the feed read to its end), never
from the beginning, and looks only at what it wrote itself."""
import collections
import datetime
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse

from harness import NO_KEY, ApiTest, create_key, psql
from test_job_seekers import person
from test_vacancies import employer_doc, piva, position, vacancy_doc

MERGE = "application/merge-patch+json"
OFFICE = "CE07"
ITEM_KEYS = {"type", "id", "version", "kind", "changed_at"}
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def instant(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)


def entry(item):
    return (item["type"], item["id"], item["version"], item["kind"])


class HeldTransaction:
    """A psql session whose transaction stays open until commit() or rollback()."""

    def __init__(self, *statements):
        self.proc = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", os.environ["DATABASE_URL"]],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self.send("BEGIN;", *statements)

    def send(self, *statements):
        self.proc.stdin.write("\n".join(statements) + "\n\\echo ready\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise AssertionError("psql: " + line + self.proc.stdout.read())

    def end(self, how):
        self.proc.stdin.write(how + ";\n")
        self.proc.stdin.close()
        out = self.proc.stdout.read()
        if self.proc.wait(20) != 0:
            raise AssertionError("psql: " + out)


class ChangesTest(ApiTest):
    def feed(self, since=None, key=None, type_=None, limit=None):
        q = {}
        if since is not None:
            q["since"] = since
        if limit is not None:
            q["limit"] = str(limit)
        if type_ is not None:
            q["type"] = type_
        r = self.server.get("/v1/changes" + ("?" + urllib.parse.urlencode(q) if q else ""), key=key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("content-type"), "application/json")
        self.assertCommonHeaders(r)
        return r

    def read(self, since, key=None, type_=None, limit=1000):
        """Every entry after since, page by page: (items, the cursor to resume from)."""
        items = []
        while True:
            body = self.feed(since, key, type_, limit).json()
            self.assertEqual(set(body), {"items", "next_cursor"})
            items += body["items"]
            since = body["next_cursor"]
            if len(body["items"]) < limit:
                return items, since

    def head(self, key=None):
        """The cursor of the end of the feed now."""
        return self.read(None if not hasattr(self, "_head") else self._head, key)[1]

    def write(self, method, path, body=None, if_match=None, status=None, key=None):
        headers = {}
        if if_match is not None:
            headers["If-Match"] = if_match
        if method == "PATCH":
            headers["Content-Type"] = MERGE
            body = json.dumps(body)
        r = self.server.request(method, path, body=body, headers=headers, key=key)
        if status is not None:
            self.assertEqual(r.status, status, r)
        return r

    def employer(self):
        return self.write("POST", "/v1/employers", employer_doc(OFFICE), status=201).json()

    def vacancy(self, employer_id, **over):
        return self.write("POST", "/v1/vacancies", vacancy_doc(employer_id, OFFICE, **over), status=201).json()

    def publish(self, vid):
        return self.write("POST", "/v1/vacancies/%s/events" % vid, {"type": "publish"}, status=201).json()["vacancy"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The feed may be long: read it to its end once, later reads start there.
        cls._head = None
        t = cls("head")
        cls._head = t.read(None)[1]



class FieldsTest(ChangesTest):
    def test_every_kind_every_field(self):
        since = self.head()
        t0 = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
        e = self.employer()
        e2 = self.write("PATCH", "/v1/employers/" + e["id"], {"email": "feed@trattoria.it"}, '"1"', 200)
        self.assertEqual(e2.header("etag"), '"2"')
        v = self.vacancy(e["id"])
        published = self.publish(v["id"])
        gone = self.employer()
        self.write("DELETE", "/v1/employers/" + gone["id"], status=204)
        doc = person(OFFICE)
        js = self.write("POST", "/v1/job-seekers", doc, status=201).json()
        self.write("DELETE", "/v1/job-seekers/" + js["id"], status=204)
        t1 = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)

        r = self.feed(since, limit=1000)
        self.assertIsNone(r.header("link"))
        body = r.json()
        mine = {e["id"], v["id"], gone["id"], js["id"]}
        items = [i for i in body["items"] if i["id"] in mine]
        self.assertEqual(items, body["items"], "only this test wrote")
        self.assertEqual([entry(i) for i in items], [
            ("employer", e["id"], 1, "created"),
            ("employer", e["id"], 2, "updated"),
            ("vacancy", v["id"], 1, "created"),
            ("vacancy", v["id"], published["version"], "updated"),
            ("employer", gone["id"], 1, "created"),
            ("employer", gone["id"], 2, "deleted"),  # a deletion is a version of its own
            ("job_seeker", js["id"], 1, "created"),
            ("job_seeker", js["id"], 2, "deleted"),  # erasure
        ])
        self.assertEqual(published["version"], 2)
        times = [instant(i["changed_at"]) for i in items]
        for i in items:
            self.assertEqual(set(i), ITEM_KEYS, i)
            self.assertRegex(i["changed_at"], INSTANT)
        self.assertEqual(times, sorted(times))
        self.assertTrue(t0 <= times[0] and times[-1] <= t1, (t0, times, t1))
        # nothing personal anywhere in the response, erased or not
        raw = r.body.decode()
        for value in (doc["codice_fiscale"], doc["given_name"], doc["family_name"], doc["email"],
                      doc["phone"], doc["domicile"]["address"], doc["birth_date"]):
            self.assertNotIn(value, raw)
        # the feed read is not an access to anyone's record: no audit event
        self.assertEqual(psql("SELECT count(*) FROM audit_events WHERE request_id = '%s'"
                              % r.header("x-request-id")), [["0"]])

    def test_one_entry_per_request(self):
        """A fill over two positions that fills the vacancy changes its row
        three times in one transaction: one entry, with the version the
        response names."""
        e = self.employer()
        v = self.vacancy(e["id"], positions=[position(quantity=1), position(title="Aiuto", quantity=1)])
        self.publish(v["id"])
        since = self.head()
        r = self.write("POST", "/v1/vacancies/%s/events" % v["id"], {"type": "fill", "positions": [
            {"position_id": p["id"], "filled": 1} for p in v["positions"]]}, status=201).json()["vacancy"]
        self.assertEqual(r["state"], "filled")
        self.assertEqual([entry(i) for i in self.read(since)[0]], [("vacancy", v["id"], r["version"], "updated")])
        self.assertEqual(r["version"], 5)  # 2 after publishing, then 3 bumps in one request

    def test_transactions_record_what_they_leave(self):
        """In SQL: created and updated in one transaction is one 'created' at
        the last version; created and deleted in one transaction is nothing;
        updated and deleted is one deletion after the last version."""
        e = self.employer()
        since = self.head()
        psql("BEGIN;"
                   "INSERT INTO employers (name, codice_fiscale, ateco_code, headcount_band, seat_comune,"
                   " office_code) SELECT name || ' bis', '%(cf)s', ateco_code,"
                   " headcount_band, seat_comune, office_code FROM employers WHERE id = '%(id)s';"
                   "UPDATE employers SET version = version + 1 WHERE name = '%(name)s bis';"
                   "UPDATE employers SET version = version + 1 WHERE name = '%(name)s bis';"
                   "COMMIT;" % {"id": e["id"], "name": e["name"], "cf": piva()})
        bis = psql("SELECT id FROM employers WHERE name = '%s bis'" % e["name"])[0][0]
        psql("BEGIN; INSERT INTO employers (name, codice_fiscale, ateco_code, headcount_band, seat_comune,"
             " office_code) SELECT name || ' ter', '%(cf)s', ateco_code, headcount_band,"
             " seat_comune, office_code FROM employers WHERE id = '%(id)s';"
             " DELETE FROM employers WHERE name = '%(name)s ter'; COMMIT;" % {"id": e["id"], "name": e["name"],
                                                                               "cf": piva()})
        psql("BEGIN; UPDATE employers SET version = version + 1 WHERE id = '%(id)s';"
             " UPDATE employers SET updated_at = now() WHERE id = '%(id)s';"  # bookkeeping: no new version
             " DELETE FROM employers WHERE id = '%(id)s'; COMMIT;" % {"id": e["id"]})
        self.assertEqual([entry(i) for i in self.read(since)[0]], [
            ("employer", bis, 3, "created"),
            ("employer", e["id"], 3, "deleted")])


    def test_every_recorded_table(self):
        """Candidacies (no endpoint yet), and a table the recorder knows nothing
        of (read in full): one entry per transaction, at the last version."""
        e = self.employer()
        v = self.vacancy(e["id"])
        js = self.write("POST", "/v1/job-seekers", person(OFFICE), status=201).json()
        since = self.head()
        cid = psql("INSERT INTO candidacies (vacancy_id, position_id, job_seeker_id, employer_id, office_code,"
                   " source) VALUES ('%s', '%s', '%s', '%s', '%s', 'operator') RETURNING id"
                   % (v["id"], v["positions"][0]["id"], js["id"], e["id"], OFFICE))[0][0]
        psql("BEGIN; UPDATE candidacies SET stage = 'contacted', version = version + 1 WHERE id = '%s';"
             " UPDATE candidacies SET stage = 'interview', version = version + 1 WHERE id = '%s'; COMMIT;"
             % (cid, cid))
        psql("CREATE TABLE changes_test_things (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),"
             " version integer NOT NULL DEFAULT 1);"
             "CREATE CONSTRAINT TRIGGER changes_test_things_feed AFTER INSERT OR UPDATE OR DELETE"
             " ON changes_test_things DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
             " EXECUTE FUNCTION change_feed_record('appointment');")
        try:
            psql("BEGIN; INSERT INTO changes_test_things DEFAULT VALUES;"
                 " UPDATE changes_test_things SET version = 2; COMMIT;")
            tid = psql("SELECT id FROM changes_test_things")[0][0]
            psql("UPDATE changes_test_things SET version = 3")
        finally:
            psql("DROP TABLE changes_test_things")
        self.assertEqual([entry(i) for i in self.read(since)[0]], [
            ("candidacy", cid, 1, "created"), ("candidacy", cid, 3, "updated"),
            ("appointment", tid, 2, "created"), ("appointment", tid, 3, "updated")])
        self.assertEqual([entry(i) for i in self.read(since, type_="candidacy")[0]][-1],
                         ("candidacy", cid, 3, "updated"))


class CommitOrderTest(ChangesTest):
    def test_held_transaction_appears_when_it_commits(self):
        a, b = self.employer(), self.employer()
        since = self.head()
        held = HeldTransaction("UPDATE employers SET version = version + 1, updated_at = now()"
                               " WHERE id = '%s';" % a["id"])
        try:
            self.write("PATCH", "/v1/employers/" + b["id"], {"email": "b@trattoria.it"}, '"1"', 200)
            items, cursor = self.read(since)
            self.assertEqual([entry(i) for i in items], [("employer", b["id"], 2, "updated")])
        finally:
            held.end("COMMIT")
        items, cursor2 = self.read(cursor)
        self.assertEqual([entry(i) for i in items], [("employer", a["id"], 2, "updated")])
        # read again from the start: the same entries, in commit order, once each
        self.assertEqual([entry(i) for i in self.read(since)[0]],
                         [("employer", b["id"], 2, "updated"), ("employer", a["id"], 2, "updated")])
        # a rolled-back transaction leaves nothing
        held = HeldTransaction("UPDATE employers SET version = version + 1 WHERE id = '%s';" % a["id"])
        held.end("ROLLBACK")
        self.assertEqual(self.read(cursor2), ([], cursor2))
        self.assertEqual(self.server.get("/v1/employers/" + a["id"]).json()["version"], 2)

    def test_a_position_is_not_visible_before_the_earlier_one(self):
        """A transaction that has taken its position at commit and is still
        committing (made slow by a test trigger after the feed's) holds the
        feed's lock: a later writer waits for it, and a reader meanwhile sees
        neither. Without that lock the later writer would take the next
        position, become visible first, and a reader's cursor would skip the
        earlier one."""
        a, b = self.employer(), self.employer()
        psql("CREATE FUNCTION changes_test_pause() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
             " IF current_setting('incrocio.changes_test_pause', true) = 'on' THEN PERFORM pg_sleep(3); END IF;"
             " RETURN NULL; END $$;"
             "CREATE CONSTRAINT TRIGGER employers_change_feed_zz_test_pause AFTER UPDATE ON employers"
             " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changes_test_pause();")
        try:
            since = self.head()
            held = HeldTransaction("SET LOCAL incrocio.changes_test_pause = 'on';",
                                   "UPDATE employers SET version = version + 1 WHERE id = '%s';" % a["id"])
            committing = threading.Thread(target=held.end, args=("COMMIT",))
            committing.start()
            self.wait_for("wait_event = 'PgSleep'")
            result = {}
            later = threading.Thread(target=lambda: result.update(r=self.write(
                "PATCH", "/v1/employers/" + b["id"], {"email": "later@trattoria.it"}, '"1"')))
            later.start()
            self.wait_for("wait_event_type = 'Lock' AND wait_event = 'advisory'")
            self.assertEqual(self.read(since)[0], [])  # the first is not visible yet, nor the second
            committing.join(20)
            later.join(20)
            self.assertEqual(result["r"].status, 200, result["r"])
        finally:
            psql("DROP TRIGGER employers_change_feed_zz_test_pause ON employers; DROP FUNCTION changes_test_pause();")
        self.assertEqual([entry(i) for i in self.read(since)[0]],
                         [("employer", a["id"], 2, "updated"), ("employer", b["id"], 2, "updated")])

    def wait_for(self, condition):
        deadline = time.time() + 10
        while psql("SELECT count(*) FROM pg_stat_activity WHERE " + condition) != [["1"]]:
            self.assertLess(time.time(), deadline, condition)
            time.sleep(0.02)


class ConcurrencyTest(ChangesTest):
    WRITERS = 16
    SECONDS = 4

    def test_writers_and_a_poller(self):
        since = self.head()
        stop, written = threading.Event(), threading.Event()
        writes, failures, polled = [], [], []
        lock = threading.Lock()

        def record(kind, r, doc):
            if 200 <= r.status < 300:
                with lock:
                    writes.append((kind, doc["id"], doc["version"]))

        def writer():
            try:
                while not stop.is_set():
                    r = self.server.request("POST", "/v1/employers", body=employer_doc(OFFICE))
                    e = r.json()
                    record("employer", r, e)
                    r = self.server.request("PATCH", "/v1/employers/" + e["id"], body='{"email": "w@x.it"}',
                                            headers={"Content-Type": MERGE, "If-Match": '"1"'})
                    record("employer", r, r.json())
                    r = self.server.request("POST", "/v1/vacancies", body=vacancy_doc(e["id"], OFFICE))
                    v = r.json()
                    record("vacancy", r, v)
                    r = self.server.request("POST", "/v1/vacancies/%s/events" % v["id"], body={"type": "publish"})
                    record("vacancy", r, r.json()["vacancy"])
                    r = self.server.request("PATCH", "/v1/vacancies/" + v["id"], body='{"title": "Cuochi e camerieri"}',
                                            headers={"Content-Type": MERGE, "If-Match": '"2"'})
                    record("vacancy", r, r.json())
            except Exception as ex:  # reported below, not lost in a thread
                failures.append(repr(ex))

        def poller():
            cursor = since
            try:
                while True:
                    done = written.is_set()  # every write acknowledged before this read
                    body = self.server.get("/v1/changes?limit=50&since=" + cursor).json()
                    polled.extend(body["items"])
                    cursor = body["next_cursor"]
                    if done and len(body["items"]) < 50:
                        return
            except Exception as ex:
                failures.append(repr(ex))

        threads = [threading.Thread(target=writer) for _ in range(self.WRITERS)]
        poll = threading.Thread(target=poller)
        for t in threads:
            t.start()
        poll.start()
        time.sleep(self.SECONDS)
        stop.set()
        for t in threads:
            t.join(60)
        written.set()
        poll.join(60)
        self.assertEqual(failures, [])
        self.assertGreater(len(writes), 100)
        full = self.read(since)[0]
        self.assertEqual(polled, full)  # same entries, same order
        seen = [(i["type"], i["id"], i["version"]) for i in full]
        self.assertEqual(len(seen), len(set(seen)), "no entry twice")
        self.assertEqual(collections.Counter(seen), collections.Counter(writes))  # each write exactly once
        versions = collections.defaultdict(list)
        for t, i, ver in seen:
            versions[(t, i)].append(ver)
        for k, vs in versions.items():
            self.assertEqual(vs, sorted(vs), k)
        positions = [instant(i["changed_at"]) for i in full]
        self.assertEqual(positions, sorted(positions))


class PagingTest(ChangesTest):
    def test_the_head_stays_while_nothing_is_written(self):
        c = self.head()
        self.assertEqual(self.feed(c).json(), {"items": [], "next_cursor": c})
        self.assertEqual(self.feed(c, limit=1).json(), {"items": [], "next_cursor": c})

    def test_every_limit_and_the_link(self):
        since = self.head()
        made = [self.employer()["id"] for _ in range(21)]
        expected = [("employer", i, 1, "created") for i in made]
        for limit in range(1, 9):
            with self.subTest(limit=limit):
                got, cursor, pages = [], since, 0
                while True:
                    r = self.feed(cursor, limit=limit, type_="employer" if limit % 2 else None)
                    body = r.json()
                    pages += 1
                    self.assertLessEqual(len(body["items"]), limit)
                    got += body["items"]
                    if len(body["items"]) == limit:
                        self.assertEqual(r.header("link"), '</v1/changes?since=%s&limit=%d%s>; rel="next"' % (
                            body["next_cursor"], limit, "&type=employer" if limit % 2 else ""))
                    else:
                        self.assertIsNone(r.header("link"))
                        break
                    cursor = body["next_cursor"]
                self.assertEqual([entry(i) for i in got], expected)
                self.assertEqual(pages, 21 // limit + 1)
                self.assertEqual(self.feed(body["next_cursor"]).json(), {"items": [], "next_cursor": body["next_cursor"]})
        # default limit 20
        self.assertEqual([entry(i) for i in self.feed(since).json()["items"]], expected[:20])
        self.assertEqual(len(self.feed(since, limit=1000).json()["items"]), 21)
        # without since: from the beginning (the whole feed ends with these)
        items, end = self.read(None)
        self.assertEqual([entry(i) for i in items[-21:]], expected)
        self.assertEqual(end, self.head())

    def test_a_short_page_of_one_type_resumes_after_the_others(self):
        """The cursor of a short filtered page is past the entries it skipped."""
        since = self.head()
        e = self.employer()
        body = self.feed(since, type_="vacancy").json()
        self.assertEqual(body["items"], [])
        self.assertEqual(body["next_cursor"], self.head())
        self.assertNotEqual(body["next_cursor"], since)
        self.assertEqual([entry(i) for i in self.read(since, type_="employer")[0]],
                         [("employer", e["id"], 1, "created")])

    def test_bad_parameters(self):
        other = self.server.get("/v1/employers?limit=1").json()["next_cursor"]
        self.assertIsNotNone(other)
        cases = [("limit=0", [("limit", "limit.range")]),
                 ("limit=1001", [("limit", "limit.range")]),
                 ("limit=abc", [("limit", "limit.syntax")]),
                 ("limit=-1", [("limit", "limit.syntax")]),
                 ("limit=", [("limit", "limit.syntax")]),
                 ("since=not*a*cursor", [("since", "cursor.invalid")]),
                 ("since=" + other, [("since", "cursor.invalid")]),  # another collection's
                 ("since=Y2hhbmdlcx94", [("since", "cursor.invalid")]),  # "changes\x1fx": not a position
                 ("since=", [("since", "cursor.invalid")]),
                 ("type=vacancies", [("type", "type.unknown")]),
                 ("type=", [("type", "type.unknown")]),
                 ("cursor=" + self.head(), [("cursor", "parameter.unknown")]),
                 ("since=x&limit=0&type=x", [("since", "cursor.invalid"), ("limit", "limit.range"),
                                             ("type", "type.unknown")])]
        for query, errors in cases:
            with self.subTest(query=query):
                self.assertProblem(self.server.get("/v1/changes?" + query), 400, "invalid-parameter", errors=errors)


class AccessTest(ChangesTest):
    def test_public_as_the_transaction_leaves_it(self):
        """A vacancy inserted as a draft and published in the same transaction
        without a new version (as `incrocio seed` does): public."""
        e = self.employer()
        since = self.head()
        psql("BEGIN; INSERT INTO vacancies (employer_id, office_code, title, description, valid_from, valid_until)"
             " VALUES ('%s', '%s', 'Seeded %s', 'x', '2026-01-01', '2099-01-01');"
             " UPDATE vacancies SET state = 'published', published_at = now() WHERE title = 'Seeded %s';"
             " COMMIT;" % (e["id"], OFFICE, e["id"], e["id"]))
        vid = psql("SELECT id FROM vacancies WHERE title = 'Seeded %s'" % e["id"])[0][0]
        self.assertEqual([entry(i) for i in self.read(since, key=self.keys["portal"])[0]],
                         [("vacancy", vid, 1, "created")])

    def test_portal_sees_public_vacancies_only(self):
        since = self.head()
        e = self.employer()
        draft = self.vacancy(e["id"])
        public = self.vacancy(e["id"])
        self.publish(public["id"])
        self.write("PATCH", "/v1/employers/" + e["id"], {"email": "p@trattoria.it"}, '"1"', 200)
        portal = self.keys["portal"]
        items, cursor = self.read(since, key=portal)
        self.assertEqual([entry(i) for i in items], [("vacancy", public["id"], 2, "updated")])
        # the same cursor an admin got: still the portal's view
        self.assertEqual(self.read(since, key=portal, type_="vacancy")[0], items)
        self.assertEqual(len(self.read(since)[0]), 5)  # admin: everything
        self.assertEqual(len(self.read(since, key=self.keys["operator_na"])[0]), 5)  # any office
        self.publish(draft["id"])
        self.write("POST", "/v1/vacancies/%s/events" % public["id"], {"type": "close"}, status=201)
        self.assertEqual([entry(i) for i in self.read(cursor, key=portal)[0]],
                         [("vacancy", draft["id"], 2, "updated"), ("vacancy", public["id"], 3, "updated")])
        self.assertProblem(self.server.get("/v1/changes?type=employer", key=portal), 403, "forbidden")
        self.assertProblem(self.server.get("/v1/changes?type=job_seeker", key=portal), 403, "forbidden")
        employer_key = create_key("--role", "employer", "--employer", e["id"], "--label", "api tests: changes")
        self.assertProblem(self.server.get("/v1/changes", key=employer_key), 403, "forbidden")
        r = self.server.get("/v1/changes", key=NO_KEY)
        self.assertProblem(r, 401, "unauthorized")
