-- Matching (DESIGN §5): the weights in force, each set a new version kept
-- with who and when; the change log every server's in-memory index follows;
-- the secret behind the pseudonymous ids employers see.

CREATE TABLE matching_models (
    version     integer PRIMARY KEY CHECK (version >= 1),
    -- {"occupation": 30, "skills": 25, ...}: every component, each >= 0
    weights     jsonb NOT NULL CHECK (jsonb_typeof(weights) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  uuid REFERENCES api_keys (id) -- NULL: the model's defaults
);

INSERT INTO matching_models (version, weights) VALUES
    (1, '{"occupation": 30, "skills": 25, "experience": 15, "education": 10,
          "languages": 8, "distance": 7, "contract": 5}');

-- One row per write that matters to matching: 's' a job seeker, 'v' a
-- vacancy (and so its positions), 'w' the weights. A server reads the rows
-- whose transaction committed between two of its snapshots
-- (pg_visible_in_snapshot on xid), so none is missed whatever order the
-- writers commit in, and one that lost its connection resumes from its last
-- snapshot. Each write also notifies channel incrocio_match.
CREATE TABLE match_changes (
    seq        bigserial PRIMARY KEY,
    xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    kind       char(1) NOT NULL CHECK (kind IN ('s', 'v', 'w')),
    entity_id  uuid,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX match_changes_xid_idx ON match_changes (xid);
CREATE INDEX match_changes_at_idx ON match_changes (at);

CREATE FUNCTION match_change_record() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    IF TG_TABLE_NAME = 'job_seekers' THEN
        INSERT INTO match_changes (kind, entity_id) VALUES ('s', r.id);
    ELSIF TG_TABLE_NAME = 'vacancies' THEN
        INSERT INTO match_changes (kind, entity_id) VALUES ('v', r.id);
    ELSIF TG_TABLE_NAME = 'positions' THEN
        INSERT INTO match_changes (kind, entity_id) VALUES ('v', r.vacancy_id);
    ELSE
        INSERT INTO match_changes (kind, entity_id) VALUES ('w', NULL);
    END IF;
    PERFORM pg_notify('incrocio_match', '');
    RETURN NULL;
END
$$;

-- Every change to a person's sections goes through job_seeker_save, which
-- bumps job_seekers.version; DID events and erasure update the row too.
CREATE TRIGGER job_seekers_match_change AFTER INSERT OR UPDATE OR DELETE ON job_seekers
    FOR EACH ROW EXECUTE FUNCTION match_change_record();
CREATE TRIGGER vacancies_match_change AFTER INSERT OR UPDATE OR DELETE ON vacancies
    FOR EACH ROW EXECUTE FUNCTION match_change_record();
CREATE TRIGGER positions_match_change AFTER INSERT OR UPDATE OR DELETE ON positions
    FOR EACH ROW EXECUTE FUNCTION match_change_record();
CREATE TRIGGER matching_models_match_change AFTER INSERT ON matching_models
    FOR EACH ROW EXECUTE FUNCTION match_change_record();

CREATE TABLE instance_secrets (
    name   text PRIMARY KEY,
    value  bytea NOT NULL CHECK (length(value) >= 32)
);
-- Two random UUIDs' worth of entropy (gen_random_uuid draws from the
-- server's strong random source): the HMAC key of employers' pseudonyms.
INSERT INTO instance_secrets (name, value) VALUES
    ('pseudonym', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
                         'hex'));

-- Reading a position's ranked job seekers is an access to each person listed.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check
    CHECK (action IN ('read', 'list', 'create', 'update', 'delete', 'erase', 'match'));
