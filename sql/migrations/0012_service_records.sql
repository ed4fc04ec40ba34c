-- Services delivered: one row per LEP service a CPI delivered, through which
-- channel, on which day, to whom (a job seeker, an employer, or nobody named:
-- information given at the desk). The region's statistics count them
-- (GET /v1/statistics/service-delivery). Records are never rewritten.
CREATE TABLE service_records (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    office_code   text NOT NULL REFERENCES offices (code),
    service_type  text NOT NULL REFERENCES service_types (code),
    channel       text NOT NULL CHECK (channel IN ('in_person', 'platform', 'email', 'phone',
                                                   'video')),
    delivered_on  date NOT NULL CHECK (delivered_on >= DATE '2015-01-01'),
    -- an erased job seeker's row stays (a tombstone), so the record keeps counting
    job_seeker_id uuid REFERENCES job_seekers (id),
    -- a deleted employer leaves the record counting, naming nobody
    employer_id   uuid REFERENCES employers (id) ON DELETE SET NULL,
    notes         text CHECK (length(notes) BETWEEN 1 AND 2000),
    version       integer NOT NULL DEFAULT 1,
    created_by    uuid REFERENCES api_keys (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (job_seeker_id IS NULL OR employer_id IS NULL)
);
-- The statistics read a period (and offices); the lists filter on these.
CREATE INDEX service_records_delivered_idx ON service_records (delivered_on, office_code);
CREATE INDEX service_records_office_idx ON service_records (office_code, id);
CREATE INDEX service_records_seeker_idx ON service_records (job_seeker_id, id)
    WHERE job_seeker_id IS NOT NULL;
CREATE INDEX service_records_employer_idx ON service_records (employer_id, id)
    WHERE employer_id IS NOT NULL;

-- Erasure reaches the notes written about the person; the record keeps counting.
CREATE FUNCTION service_records_erase_notes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE service_records SET notes = NULL WHERE job_seeker_id = NEW.id AND notes IS NOT NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER job_seekers_erase_service_record_notes AFTER UPDATE OF erased_at ON job_seekers
    FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
    EXECUTE FUNCTION service_records_erase_notes();

-- The matching statistics read vacancies by publication, candidacies by
-- creation and hires by event time.
CREATE INDEX stats_vacancies_published_idx ON vacancies (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX stats_candidacies_created_idx ON candidacies (created_at);
CREATE INDEX stats_candidacy_events_hired_idx ON candidacy_events (at) WHERE stage = 'hired';
