-- The changes feed, refined (0008 stands: positions are still taken at commit
-- under one advisory lock, so position order is commit order). Three holes
-- of 0008's recorder are closed here:
--
-- 1. A deletion carried the version of the last update, so (type, id,
--    version) named two entries and a resource's versions did not increase.
--    A deletion is now a version of its own: the last one + 1.
-- 2. One request that changes a row several times in its transaction (a fill
--    event over two positions bumps the vacancy once per position, then its
--    state: three versions) listed every intermediate version, though no
--    reader could ever see them. Now each resource gets one entry per
--    transaction, with the version the transaction leaves, and "created" when
--    the transaction created it (a row created and deleted in one transaction
--    never existed for anyone else: no entry).
-- 3. Whether a vacancy's entry is public was judged on the row as one
--    statement left it, not as the transaction commits it: a vacancy inserted
--    as a draft and published in the same transaction without a new version
--    (as `incrocio seed` does) stayed out of the portals' feed for good. Now
--    the entry is judged on the row as the transaction leaves it.
--
-- The recorder runs at commit (deferred), after every statement: the row as
-- the transaction leaves it is the one its own query finds. An event whose
-- version is no longer the row's is covered by a later event of the same
-- transaction; an INSERT so covered is remembered in a transaction-local
-- setting (a list of ids, searched by the later events of that transaction:
-- fine for the few rows a request touches, quadratic for a bulk script that
-- inserts and then re-versions thousands of rows in one transaction).
CREATE OR REPLACE FUNCTION change_feed_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r       jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    rid     uuid := (r->>'id')::uuid;
    ver     integer := (r->>'version')::integer;
    created text := coalesce(current_setting('incrocio.changes_created', true), '');
    born    boolean;
    kind    text;
BEGIN
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD)->>'version') = r->>'version' THEN
        RETURN NULL; -- bookkeeping, not a new version of the resource
    END IF;
    born := TG_OP = 'INSERT' OR (created <> '' AND position(rid::text IN created) > 0);
    IF TG_OP = 'DELETE' THEN
        IF born THEN
            RETURN NULL;
        END IF;
        kind := 'deleted';
        ver := ver + 1;
    ELSE
        -- The row as this transaction leaves it: for the known tables what the
        -- entry needs, by static queries whose plans are kept (an EXECUTE,
        -- planned each time, doubled the recorder's cost); others in full.
        CASE TG_TABLE_NAME
        WHEN 'employers' THEN
            SELECT jsonb_build_object('version', t.version) INTO r FROM employers t WHERE t.id = rid;
        WHEN 'vacancies' THEN
            SELECT jsonb_build_object('version', t.version, 'state', t.state) INTO r
            FROM vacancies t WHERE t.id = rid;
        WHEN 'job_seekers' THEN
            SELECT jsonb_build_object('version', t.version, 'erased_at', t.erased_at) INTO r
            FROM job_seekers t WHERE t.id = rid;
        WHEN 'candidacies' THEN
            SELECT jsonb_build_object('version', t.version) INTO r FROM candidacies t WHERE t.id = rid;
        WHEN 'appointments' THEN
            SELECT jsonb_build_object('version', t.version, 'erased_at', t.erased_at) INTO r
            FROM appointments t WHERE t.id = rid;
        ELSE
            EXECUTE format('SELECT to_jsonb(t) FROM %I.%I t WHERE t.id = $1', TG_TABLE_SCHEMA,
                           TG_TABLE_NAME) INTO r USING rid;
        END CASE;
        IF r IS NULL OR (r->>'version')::integer <> ver THEN
            IF TG_OP = 'INSERT' THEN
                PERFORM set_config('incrocio.changes_created', created || rid::text || ' ', true);
            END IF;
            RETURN NULL;
        END IF;
        kind := CASE WHEN r->>'erased_at' IS NOT NULL THEN 'deleted'
                     WHEN born THEN 'created' ELSE 'updated' END;
    END IF;
    -- Taken last, so held only from here to the end of the commit.
    PERFORM pg_advisory_xact_lock(7468021); -- 'changes' feed order
    INSERT INTO changes (position, type, id, version, kind, public, changed_at)
    VALUES (nextval('change_position'), TG_ARGV[0], rid, ver, kind,
            TG_ARGV[0] = 'vacancy' AND r->>'state' <> 'draft', clock_timestamp());
    RETURN NULL;
END $$;

-- Positions are handed out under the lock: a backend must not keep a cache
-- of numbers drawn earlier (CACHE 1 is the default; this pins it).
ALTER SEQUENCE change_position CACHE 1;

-- The feed filtered by type (GET /v1/changes?type=) scans only that type.
CREATE INDEX changes_type_idx ON changes (type, position);
