"""Every server's matching index follows every write (issue 6, item 2): a
change made through one server shows in another's matches within a second; a
transaction that commits after a later one is not skipped; a server whose
listening connection is cut catches up after reconnecting.

Its people and vacancy belong to office NA04, which no other test uses."""
import os
import subprocess
import time

from harness import ApiTest, Server
from test_matching import (FRESH, P2_DOC, clear_office, create_seeker, ensure_default_weights,
                           poll, publish, request_ok, seeker, wait_ready)
from test_vacancies import employer_doc, vacancy_doc

OFFICE = "NA04"


class MatchingAcrossServersTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = Server(*cls.server_args, env=cls.server_env)
        cls.other.default_key = cls.server.default_key
        wait_ready(cls.server)
        wait_ready(cls.other)

    @classmethod
    def tearDownClass(cls):
        rc = cls.other.stop()
        super().tearDownClass()
        if rc != 0:
            raise AssertionError("second server exited with %s:\n%s" % (rc, cls.other.read_log()[-4000:]))

    def setUp(self):
        ensure_default_weights(self)
        clear_office(self, OFFICE)
        emp = request_ok(self, "POST", "/v1/employers", body=employer_doc(OFFICE)).json()
        # P2 asks for nothing: whoever is eligible and near matches it.
        v = publish(self, vacancy_doc(emp["id"], OFFICE, title="Sala a Napoli", positions=[P2_DOC]))
        self.path = "/v1/vacancies/%s/positions/%s/matches?limit=200&office=%s" % (
            v["id"], v["positions"][0]["id"], OFFICE)

    def listed(self, server):
        """Who server lists; nobody while it answers 503 (it has not seen the
        vacancy yet: published a moment ago)."""
        r = server.get(self.path)
        if r.status == 503:
            return set()
        self.assertEqual(r.status, 200, r)
        return {i["job_seeker_id"] for i in r.json()["items"]}

    def test_a_write_through_one_server_shows_in_the_other_within_a_second(self):
        for writer, reader in ((self.server, self.other), (self.other, self.server)):
            with self.subTest(writer=writer.port):
                saved = self.server
                self.server = writer  # create_seeker writes through self.server
                try:
                    js = create_seeker(self, seeker(office=OFFICE))
                finally:
                    self.server = saved
                _, took = poll(lambda: js["id"] in self.listed(reader), FRESH)
                self.assertIsNotNone(took, "not in the other server's matches after %.1f s" % FRESH)
                # and leaving: erased, gone from the reader
                request_ok(self, "DELETE", "/v1/job-seekers/" + js["id"], status=204)
                _, took = poll(lambda: js["id"] not in self.listed(reader), FRESH)
                self.assertIsNotNone(took, "still in the other server's matches after %.1f s" % FRESH)

    def test_a_late_commit_is_not_skipped(self):
        early = create_seeker(self, seeker(office=OFFICE))
        late = create_seeker(self, seeker(office=OFFICE))
        poll(lambda: {early["id"], late["id"]} <= self.listed(self.other), 5)
        self.assertLessEqual({early["id"], late["id"]}, self.listed(self.other))
        # A transaction takes its id first and commits last...
        held = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", os.environ["DATABASE_URL"]],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        try:
            held.stdin.write("BEGIN;\nUPDATE job_seekers SET matching_consent = false WHERE id = '%s';\n"
                             % early["id"])
            held.stdin.flush()
            time.sleep(0.3)
            # ...while a later one commits, and the servers apply it.
            request_ok(self, "PATCH", "/v1/job-seekers/" + late["id"], body={"matching_consent": False},
                       headers={"Content-Type": "application/merge-patch+json", "If-Match": "*"})
            _, took = poll(lambda: late["id"] not in self.listed(self.other), FRESH)
            self.assertIsNotNone(took)
            self.assertIn(early["id"], self.listed(self.other))
            held.stdin.write("COMMIT;\n")
            held.stdin.close()
            self.assertEqual(held.wait(10), 0, held.stderr.read())
        finally:
            if held.poll() is None:
                held.kill()
        # The early transaction's change shows too: the log is read by snapshot.
        for server in (self.server, self.other):
            _, took = poll(lambda: early["id"] not in self.listed(server), FRESH)
            self.assertIsNotNone(took, "a late commit was skipped by the server on port %d" % server.port)

    def test_a_server_that_lost_its_listening_connection_catches_up(self):
        js = create_seeker(self, seeker(office=OFFICE))
        poll(lambda: js["id"] in self.listed(self.other), 5)
        # Cut every matching connection; write while they are gone.
        rows = subprocess.run(
            ["psql", "-X", "-At", os.environ["DATABASE_URL"], "-c",
             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
             " WHERE application_name = 'incrocio-matching'"],
            check=True, capture_output=True, text=True).stdout.strip()
        self.assertGreaterEqual(int(rows), 2)
        request_ok(self, "DELETE", "/v1/job-seekers/" + js["id"], status=204)
        for server in (self.server, self.other):
            _, took = poll(lambda: js["id"] not in self.listed(server), 5)
            self.assertIsNotNone(took, "the server on port %d did not catch up" % server.port)
            self.assertIn("matching: lost the database; reconnecting", server.read_log())
