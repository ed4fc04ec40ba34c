-- Job seekers: the SAP (Scheda Anagrafica Professionale), normalised where
-- matching reads it (codes, levels, licences, coordinates), free text as text.
-- Personal fields are nullable only so that erasure (GDPR art. 17) can remove
-- them while anonymous counts survive.
CREATE TABLE job_seekers (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    codice_fiscale      char(16) UNIQUE CHECK (codice_fiscale ~ '^[A-Z0-9]{16}$'),
    given_name          text CHECK (length(given_name) BETWEEN 1 AND 100),
    family_name         text CHECK (length(family_name) BETWEEN 1 AND 100),
    birth_date          date,
    birth_year          smallint NOT NULL CHECK (birth_year BETWEEN 1900 AND 2999), -- kept for statistics
    sex                 char(1) CHECK (sex IN ('F', 'M')),
    citizenship         char(2) CHECK (citizenship ~ '^[A-Z]{2}$'),
    work_permit_expiry  date,
    domicile_comune     char(6) NOT NULL REFERENCES comuni (istat_code),
    domicile_address    text CHECK (length(domicile_address) <= 200),
    lat                 double precision NOT NULL CHECK (lat BETWEEN 35 AND 48),
    lon                 double precision NOT NULL CHECK (lon BETWEEN 6 AND 19),
    email               text CHECK (length(email) <= 254),
    phone               text CHECK (length(phone) <= 40),
    office_code         text NOT NULL REFERENCES offices (code),
    licences            text[] NOT NULL DEFAULT '{}',
    it_skills           text[] NOT NULL DEFAULT '{}',
    desired_occupations text[] NOT NULL DEFAULT '{}',
    contract_types      text[] NOT NULL DEFAULT '{}',
    working_time        text NOT NULL DEFAULT 'any' CHECK (working_time IN ('full_time', 'part_time', 'any')),
    shifts              boolean NOT NULL DEFAULT false,
    max_travel_km       integer NOT NULL DEFAULT 30 CHECK (max_travel_km BETWEEN 0 AND 1000),
    relocate            boolean NOT NULL DEFAULT false,
    l68                 text CHECK (l68 IN ('art1', 'art18')),
    matching_consent    boolean NOT NULL DEFAULT false,
    did_state           char(1) CHECK (did_state IN ('I', 'C', 'S', 'R', 'A', 'E')),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    erased_at           timestamptz
);
CREATE INDEX job_seekers_office_idx ON job_seekers (office_code, id) WHERE erased_at IS NULL;
CREATE INDEX job_seekers_comune_idx ON job_seekers (domicile_comune) WHERE erased_at IS NULL;
CREATE INDEX job_seekers_updated_idx ON job_seekers (updated_at, id) WHERE erased_at IS NULL;
CREATE INDEX job_seekers_licences_idx ON job_seekers USING gin (licences);
CREATE INDEX job_seekers_desired_idx ON job_seekers USING gin (desired_occupations);

CREATE TABLE job_seeker_education (
    job_seeker_id uuid NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    ord           smallint NOT NULL,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    eqf_level     smallint NOT NULL CHECK (eqf_level BETWEEN 1 AND 8),
    year          smallint CHECK (year BETWEEN 1900 AND 2999),
    PRIMARY KEY (job_seeker_id, ord)
);

CREATE TABLE job_seeker_languages (
    job_seeker_id uuid NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    code          char(2) NOT NULL CHECK (code ~ '^[a-z]{2}$'),
    cefr          char(2) NOT NULL CHECK (cefr IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    PRIMARY KEY (job_seeker_id, code)
);

CREATE TABLE job_seeker_skills (
    job_seeker_id uuid NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    code          text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
    level         smallint CHECK (level BETWEEN 1 AND 5),
    PRIMARY KEY (job_seeker_id, code)
);

CREATE TABLE job_seeker_experiences (
    job_seeker_id   uuid NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    ord             smallint NOT NULL,
    occupation_code text NOT NULL CHECK (occupation_code ~ '^[1-9](\.[0-9]){4}$'),
    from_date       date NOT NULL,
    to_date         date CHECK (to_date >= from_date),
    contract_type   text NOT NULL,
    employer_name   text CHECK (length(employer_name) <= 200),
    PRIMARY KEY (job_seeker_id, ord)
);

-- The DID's history: every change is an event, never rewritten.
CREATE TABLE did_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_seeker_id uuid NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    event         text NOT NULL CHECK (event IN ('register', 'validate', 'suspend', 'resume', 'revoke', 'cancel', 'reject')),
    state_before  char(1),
    state_after   char(1) NOT NULL,
    event_date    date NOT NULL,
    reason        text CHECK (length(reason) <= 500),
    channel       text,
    key_id        uuid,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX did_events_job_seeker_idx ON did_events (job_seeker_id, id);

CREATE TABLE service_agreements (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_seeker_id uuid NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    office_code   text NOT NULL REFERENCES offices (code),
    signed_on     date NOT NULL,
    measures      text[] NOT NULL CHECK (cardinality(measures) BETWEEN 1 AND 20),
    notes         text CHECK (length(notes) <= 2000),
    key_id        uuid,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_agreements_job_seeker_idx ON service_agreements (job_seeker_id, signed_on);

-- The representation of one job seeker (GET /v1/job-seekers/{id}), built
-- where the data is, in one round trip, as json (not jsonb) so that the
-- members keep the order of DESIGN §9. NULL once erased.
CREATE FUNCTION job_seeker_doc(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', j.id,
    'codice_fiscale', j.codice_fiscale,
    'given_name', j.given_name,
    'family_name', j.family_name,
    'birth_date', j.birth_date,
    'sex', j.sex,
    'citizenship', j.citizenship,
    'work_permit_expiry', j.work_permit_expiry,
    'domicile', json_build_object('comune_istat', j.domicile_comune, 'address', j.domicile_address,
                                   'lat', j.lat, 'lon', j.lon),
    'email', j.email,
    'phone', j.phone,
    'office_code', j.office_code,
    'education', coalesce((SELECT json_agg(json_build_object('title', e.title, 'eqf_level', e.eqf_level,
                                                               'year', e.year) ORDER BY e.ord)
                           FROM job_seeker_education e WHERE e.job_seeker_id = j.id), '[]'::json),
    'languages', coalesce((SELECT json_agg(json_build_object('code', l.code, 'cefr', l.cefr) ORDER BY l.code)
                           FROM job_seeker_languages l WHERE l.job_seeker_id = j.id), '[]'::json),
    'licences', to_json(j.licences),
    'skills', coalesce((SELECT json_agg(json_build_object('code', s.code, 'level', s.level) ORDER BY s.code)
                        FROM job_seeker_skills s WHERE s.job_seeker_id = j.id), '[]'::json),
    'it_skills', to_json(j.it_skills),
    'experiences', coalesce((SELECT json_agg(json_build_object('occupation_code', x.occupation_code,
                                                                 'from', x.from_date, 'to', x.to_date,
                                                                 'contract_type', x.contract_type,
                                                                 'employer_name', x.employer_name) ORDER BY x.ord)
                             FROM job_seeker_experiences x WHERE x.job_seeker_id = j.id), '[]'::json),
    'desired_occupations', to_json(j.desired_occupations),
    'availability', json_build_object('contract_types', to_json(j.contract_types),
                                       'working_time', j.working_time, 'shifts', j.shifts,
                                       'max_travel_km', j.max_travel_km, 'relocate', j.relocate),
    'l68', j.l68,
    'matching_consent', j.matching_consent,
    'did', json_build_object('state', CASE j.did_state WHEN 'I' THEN 'inserita' WHEN 'C' THEN 'convalidata'
                                       WHEN 'S' THEN 'sospesa' WHEN 'R' THEN 'revocata'
                                       WHEN 'A' THEN 'annullata' WHEN 'E' THEN 'non_ammessa' END,
                              'state_code', j.did_state),
    'version', j.version,
    'created_at', to_char(j.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'updated_at', to_char(j.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
FROM job_seekers j WHERE j.id = p_id AND j.erased_at IS NULL
$$;

-- Stores a validated, canonical document (src/domain/job_seeker.c): a new
-- job seeker when p_id is NULL, else the one with that id, if its version is
-- still p_version. Returns the id, or NULL when nothing matched. The sections
-- are replaced whole. The caller has checked the comune and the office exist.
CREATE FUNCTION job_seeker_save(p_id uuid, d jsonb, p_version integer) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
    c_lat double precision;
    c_lon double precision;
BEGIN
    SELECT lat, lon INTO c_lat, c_lon FROM comuni WHERE istat_code = d->'domicile'->>'comune_istat';
    IF p_id IS NULL THEN
        INSERT INTO job_seekers (codice_fiscale, given_name, family_name, birth_date, birth_year, sex,
                                 citizenship, work_permit_expiry, domicile_comune, domicile_address,
                                 lat, lon, email, phone, office_code, licences, it_skills,
                                 desired_occupations, contract_types, working_time, shifts,
                                 max_travel_km, relocate, l68, matching_consent)
        VALUES (d->>'codice_fiscale', d->>'given_name', d->>'family_name', (d->>'birth_date')::date,
                extract(year FROM (d->>'birth_date')::date), d->>'sex', d->>'citizenship',
                (d->>'work_permit_expiry')::date, d->'domicile'->>'comune_istat',
                d->'domicile'->>'address',
                coalesce((d->'domicile'->>'lat')::double precision, c_lat),
                coalesce((d->'domicile'->>'lon')::double precision, c_lon),
                d->>'email', d->>'phone', d->>'office_code',
                ARRAY(SELECT jsonb_array_elements_text(d->'licences')),
                ARRAY(SELECT jsonb_array_elements_text(d->'it_skills')),
                ARRAY(SELECT jsonb_array_elements_text(d->'desired_occupations')),
                ARRAY(SELECT jsonb_array_elements_text(d->'availability'->'contract_types')),
                d->'availability'->>'working_time', (d->'availability'->>'shifts')::boolean,
                (d->'availability'->>'max_travel_km')::integer, (d->'availability'->>'relocate')::boolean,
                d->>'l68', (d->>'matching_consent')::boolean)
        RETURNING id INTO v_id;
    ELSE
        UPDATE job_seekers SET
            codice_fiscale = d->>'codice_fiscale', given_name = d->>'given_name',
            family_name = d->>'family_name', birth_date = (d->>'birth_date')::date,
            birth_year = extract(year FROM (d->>'birth_date')::date), sex = d->>'sex',
            citizenship = d->>'citizenship', work_permit_expiry = (d->>'work_permit_expiry')::date,
            domicile_comune = d->'domicile'->>'comune_istat',
            domicile_address = d->'domicile'->>'address',
            lat = coalesce((d->'domicile'->>'lat')::double precision, c_lat),
            lon = coalesce((d->'domicile'->>'lon')::double precision, c_lon),
            email = d->>'email', phone = d->>'phone', office_code = d->>'office_code',
            licences = ARRAY(SELECT jsonb_array_elements_text(d->'licences')),
            it_skills = ARRAY(SELECT jsonb_array_elements_text(d->'it_skills')),
            desired_occupations = ARRAY(SELECT jsonb_array_elements_text(d->'desired_occupations')),
            contract_types = ARRAY(SELECT jsonb_array_elements_text(d->'availability'->'contract_types')),
            working_time = d->'availability'->>'working_time',
            shifts = (d->'availability'->>'shifts')::boolean,
            max_travel_km = (d->'availability'->>'max_travel_km')::integer,
            relocate = (d->'availability'->>'relocate')::boolean,
            l68 = d->>'l68', matching_consent = (d->>'matching_consent')::boolean,
            version = version + 1, updated_at = now()
        WHERE id = p_id AND version = p_version AND erased_at IS NULL
        RETURNING id INTO v_id;
        IF v_id IS NULL THEN
            RETURN NULL;
        END IF;
        DELETE FROM job_seeker_education WHERE job_seeker_id = v_id;
        DELETE FROM job_seeker_languages WHERE job_seeker_id = v_id;
        DELETE FROM job_seeker_skills WHERE job_seeker_id = v_id;
        DELETE FROM job_seeker_experiences WHERE job_seeker_id = v_id;
    END IF;
    INSERT INTO job_seeker_education (job_seeker_id, ord, title, eqf_level, year)
        SELECT v_id, t.o, t.e->>'title', (t.e->>'eqf_level')::smallint, (t.e->>'year')::smallint
        FROM jsonb_array_elements(d->'education') WITH ORDINALITY AS t(e, o);
    INSERT INTO job_seeker_languages (job_seeker_id, code, cefr)
        SELECT v_id, t.e->>'code', t.e->>'cefr' FROM jsonb_array_elements(d->'languages') AS t(e);
    INSERT INTO job_seeker_skills (job_seeker_id, code, level)
        SELECT v_id, t.e->>'code', (t.e->>'level')::smallint FROM jsonb_array_elements(d->'skills') AS t(e);
    INSERT INTO job_seeker_experiences (job_seeker_id, ord, occupation_code, from_date, to_date,
                                        contract_type, employer_name)
        SELECT v_id, t.o, t.e->>'occupation_code', (t.e->>'from')::date, (t.e->>'to')::date,
               t.e->>'contract_type', t.e->>'employer_name'
        FROM jsonb_array_elements(d->'experiences') WITH ORDINALITY AS t(e, o);
    RETURN v_id;
END $$;

-- Erasure (GDPR art. 17): every personal field removed, in every table; what
-- is left (year of birth, office, comune, DID state, dates) only counts.
CREATE FUNCTION job_seeker_erase(p_id uuid) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
BEGIN
    UPDATE job_seekers j SET
        codice_fiscale = NULL, given_name = NULL, family_name = NULL, birth_date = NULL, sex = NULL,
        citizenship = NULL, work_permit_expiry = NULL, domicile_address = NULL,
        lat = c.lat, lon = c.lon, email = NULL, phone = NULL, licences = '{}', it_skills = '{}',
        desired_occupations = '{}', contract_types = '{}', l68 = NULL, matching_consent = false,
        version = j.version + 1, updated_at = now(), erased_at = now()
    FROM comuni c
    WHERE j.id = p_id AND j.erased_at IS NULL AND c.istat_code = j.domicile_comune
    RETURNING j.id INTO v_id;
    IF v_id IS NULL THEN
        RETURN false;
    END IF;
    DELETE FROM job_seeker_education WHERE job_seeker_id = v_id;
    DELETE FROM job_seeker_languages WHERE job_seeker_id = v_id;
    DELETE FROM job_seeker_skills WHERE job_seeker_id = v_id;
    DELETE FROM job_seeker_experiences WHERE job_seeker_id = v_id;
    UPDATE did_events SET reason = NULL WHERE job_seeker_id = v_id;
    UPDATE service_agreements SET notes = NULL WHERE job_seeker_id = v_id;
    RETURN true;
END $$;
