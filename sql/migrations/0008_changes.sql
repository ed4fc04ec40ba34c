-- The changes feed (GET /v1/changes): every created, updated or deleted
-- resource as (type, id, version, kind, time), numbered in commit order.
--
-- A position is taken at COMMIT, by a deferred constraint trigger, under one
-- transaction-scoped advisory lock that is released only after the commit is
-- visible: a transaction that takes a later position commits later, so a
-- reader that sees position p + 1 already sees p. Readers page on position
-- with no gaps (an aborted transaction leaves none: its rows go with it) and
-- no duplicates. The lock is held from the commit trigger to the end of the
-- commit only, after every other lock the transaction takes, so it orders
-- writers without deadlocks and for a few microseconds each.
CREATE SEQUENCE change_position;

CREATE TABLE changes (
    position   bigint PRIMARY KEY,
    type       text NOT NULL,
    id         uuid NOT NULL,
    version    integer NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('created', 'updated', 'deleted')),
    public     boolean NOT NULL, -- portals read it (vacancies once out of draft)
    changed_at timestamptz NOT NULL
);
CREATE INDEX changes_public_idx ON changes (position) WHERE public;

-- TG_ARGV[0]: the resource type as the feed names it. The row needs id and
-- version; a job seeker whose erased_at is set reads as deleted, with nothing
-- but its id.
CREATE FUNCTION change_feed_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r    jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    kind text := CASE WHEN TG_OP = 'DELETE' OR r->>'erased_at' IS NOT NULL THEN 'deleted'
                      WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END;
BEGIN
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD)->>'version') = r->>'version' THEN
        RETURN NULL; -- bookkeeping, not a new version of the resource
    END IF;
    PERFORM pg_advisory_xact_lock(7468021); -- 'changes' feed order
    INSERT INTO changes (position, type, id, version, kind, public, changed_at)
    VALUES (nextval('change_position'), TG_ARGV[0], (r->>'id')::uuid, (r->>'version')::integer,
            kind, TG_ARGV[0] = 'vacancy' AND r->>'state' <> 'draft', clock_timestamp());
    RETURN NULL;
END $$;

-- One entry per new version: updates that leave the version alone (a key's
-- last use, bookkeeping) are not changes of the resource.
CREATE CONSTRAINT TRIGGER vacancies_change_feed AFTER INSERT OR UPDATE OR DELETE ON vacancies
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION change_feed_record('vacancy');
CREATE CONSTRAINT TRIGGER employers_change_feed AFTER INSERT OR UPDATE OR DELETE ON employers
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION change_feed_record('employer');
CREATE CONSTRAINT TRIGGER job_seekers_change_feed AFTER INSERT OR UPDATE OR DELETE ON job_seekers
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION change_feed_record('job_seeker');
