-- API keys (only a hash of each is kept) and the append-only audit trail of
-- every read or write of personal data.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hash         bytea NOT NULL UNIQUE CHECK (length(hash) = 32), -- SHA-256 of the whole key
    prefix       text NOT NULL CHECK (length(prefix) BETWEEN 4 AND 16), -- shown in listings
    role         text NOT NULL CHECK (role IN ('admin', 'operator', 'portal', 'employer')),
    offices      text[] NOT NULL DEFAULT '{}',
    employer_id  uuid,
    label        text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CHECK ((role = 'operator') = (cardinality(offices) > 0)),
    CHECK ((role = 'employer') = (employer_id IS NOT NULL))
);

CREATE TABLE audit_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    key_id        uuid,
    role          text NOT NULL,
    action        text NOT NULL CHECK (action IN ('read', 'list', 'create', 'update', 'delete', 'erase')),
    resource_type text NOT NULL,
    resource_id   text NOT NULL,
    job_seeker_id uuid,
    request_id    text NOT NULL
);
CREATE INDEX audit_events_job_seeker_idx ON audit_events (job_seeker_id, id) WHERE job_seeker_id IS NOT NULL;
CREATE INDEX audit_events_key_idx ON audit_events (key_id, id);
CREATE INDEX audit_events_at_idx ON audit_events (at);

-- Append-only: the history of who saw what is never rewritten, not even by
-- the application's own role.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
