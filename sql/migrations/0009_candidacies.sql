-- Candidacies: a job seeker proposed for a position, followed stage by stage
-- (proposed → contacted → sent_to_employer → interview → hired | not_selected
-- | withdrawn | declined_by_seeker). The history is never rewritten: each
-- move is a candidacy_events row with who, when and notes.
CREATE TABLE candidacies (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vacancy_id    uuid NOT NULL REFERENCES vacancies (id),
    position_id   uuid NOT NULL REFERENCES positions (id),
    job_seeker_id uuid NOT NULL REFERENCES job_seekers (id),
    employer_id   uuid NOT NULL REFERENCES employers (id),
    office_code   text NOT NULL REFERENCES offices (code), -- the vacancy's office
    source        text NOT NULL CHECK (source IN ('match', 'operator', 'self')),
    stage         text NOT NULL DEFAULT 'proposed' CHECK (stage IN (
                      'proposed', 'contacted', 'sent_to_employer', 'interview',
                      'hired', 'not_selected', 'withdrawn', 'declined_by_seeker')),
    open          boolean GENERATED ALWAYS AS
                      (stage IN ('proposed', 'contacted', 'sent_to_employer', 'interview')) STORED,
    -- the match it came from, as it was: score in [0, 1] and the model's version
    score         double precision CHECK (score BETWEEN 0 AND 1),
    model_version text,
    sent_at       timestamptz, -- when it reached the employer: names visible from then on
    version       integer NOT NULL DEFAULT 1,
    created_by    uuid REFERENCES api_keys (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((source = 'match') = (score IS NOT NULL AND model_version IS NOT NULL))
);
-- One open candidacy per person per position.
CREATE UNIQUE INDEX candidacies_open_idx ON candidacies (position_id, job_seeker_id) WHERE open;
CREATE INDEX candidacies_seeker_idx ON candidacies (job_seeker_id, id);
CREATE INDEX candidacies_vacancy_idx ON candidacies (vacancy_id, id);
CREATE INDEX candidacies_employer_idx ON candidacies (employer_id, id);
CREATE INDEX candidacies_office_idx ON candidacies (office_code, id);
CREATE INDEX candidacies_stage_idx ON candidacies (stage, id);

CREATE TABLE candidacy_events (
    id           bigserial PRIMARY KEY,
    candidacy_id uuid NOT NULL REFERENCES candidacies (id),
    stage_before text,
    stage        text NOT NULL,
    notes        text CHECK (length(notes) <= 2000),
    key_id       uuid REFERENCES api_keys (id),
    role         text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX candidacy_events_candidacy_idx ON candidacy_events (candidacy_id, id);

CREATE CONSTRAINT TRIGGER candidacies_change_feed AFTER INSERT OR UPDATE OR DELETE ON candidacies
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION change_feed_record('candidacy');

-- Erasure reaches the notes written about the person.
CREATE FUNCTION candidacy_erase_notes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE candidacy_events e SET notes = NULL
    FROM candidacies c WHERE c.job_seeker_id = NEW.id AND e.candidacy_id = c.id;
    RETURN NULL;
END $$;
CREATE TRIGGER job_seekers_erase_candidacy_notes AFTER UPDATE OF erased_at ON job_seekers
    FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
    EXECUTE FUNCTION candidacy_erase_notes();

CREATE FUNCTION utc_text(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- The whole candidacy as staff read it: the candidate's name and contacts
-- (none once the person is erased) and every event with who and notes. The
-- API takes out what an employer may not see (src/api/candidacies.c).
CREATE FUNCTION candidacy_doc(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', c.id, 'vacancy_id', c.vacancy_id, 'position_id', c.position_id,
    'job_seeker_id', c.job_seeker_id, 'employer_id', c.employer_id, 'office_code', c.office_code,
    'source', c.source, 'stage', c.stage, 'open', c.open, 'score', c.score,
    'model_version', c.model_version,
    'candidate', CASE WHEN j.erased_at IS NULL THEN json_build_object(
        'given_name', j.given_name, 'family_name', j.family_name, 'email', j.email,
        'phone', j.phone) END,
    'sent_at', utc_text(c.sent_at), 'version', c.version,
    'created_at', utc_text(c.created_at), 'updated_at', utc_text(c.updated_at),
    'events', (SELECT json_agg(json_build_object(
                   'stage', e.stage, 'stage_before', e.stage_before, 'notes', e.notes,
                   'role', e.role, 'key_id', e.key_id, 'at', utc_text(e.at)) ORDER BY e.id)
               FROM candidacy_events e WHERE e.candidacy_id = c.id))
FROM candidacies c JOIN job_seekers j ON j.id = c.job_seeker_id
WHERE c.id = p_id
$$;

-- A person's record shows their hires: job_seeker_doc gains "hires".
ALTER FUNCTION job_seeker_doc(uuid) RENAME TO job_seeker_doc_sap;
CREATE FUNCTION job_seeker_doc(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (left(d::text, -1) || ', "hires": ' || (
    SELECT coalesce(json_agg(json_build_object(
               'candidacy_id', c.id, 'vacancy_id', c.vacancy_id, 'position_id', c.position_id,
               'employer_id', c.employer_id, 'occupation_code', p.occupation_code,
               'contract_type', p.contract_type, 'hired_at', utc_text(c.updated_at))
               ORDER BY c.updated_at, c.id), '[]')
    FROM candidacies c JOIN positions p ON p.id = c.position_id
    WHERE c.job_seeker_id = p_id AND c.stage = 'hired')::text || '}')::json
FROM job_seeker_doc_sap(p_id) d
WHERE d IS NOT NULL
$$;
