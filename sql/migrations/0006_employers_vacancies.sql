-- Employers and their vacancies, each requesting one or more positions.
-- Positions are normalised where matching reads them (codes, levels,
-- licences, coordinates, requirements); free text stays text.
CREATE TABLE employers (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    codice_fiscale text NOT NULL UNIQUE CHECK (codice_fiscale ~ '^([0-9]{11}|[A-Z0-9]{16})$'),
    partita_iva    char(11) UNIQUE CHECK (partita_iva ~ '^[0-9]{11}$'),
    ateco_code     text NOT NULL CHECK (ateco_code ~ '^[0-9]{2}(\.[0-9]{1,2}){0,2}$'),
    headcount_band text NOT NULL CHECK (headcount_band IN ('0-9', '10-15', '16-35', '36-50', '51-249', '250+')),
    seat_comune    char(6) NOT NULL REFERENCES comuni (istat_code),
    seat_address   text CHECK (length(seat_address) <= 200),
    email          text CHECK (length(email) <= 254),
    phone          text CHECK (length(phone) <= 40),
    pec            text CHECK (length(pec) <= 254),
    office_code    text NOT NULL REFERENCES offices (code),
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX employers_office_idx ON employers (office_code, id);
CREATE INDEX employers_ateco_idx ON employers (ateco_code text_pattern_ops);
CREATE INDEX employers_comune_idx ON employers (seat_comune);

CREATE TABLE vacancies (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    employer_id  uuid NOT NULL REFERENCES employers (id),
    office_code  text NOT NULL REFERENCES offices (code),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  text CHECK (length(description) <= 5000),
    valid_from   date,
    valid_until  date CHECK (valid_until >= valid_from),
    state        text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'closed', 'filled')),
    published_at timestamptz,
    closed_at    timestamptz,
    search       tsvector NOT NULL DEFAULT ''::tsvector, -- Italian stemming: "cuochi" finds "cuoco"
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vacancies_state_idx ON vacancies (state, id);
CREATE INDEX vacancies_employer_idx ON vacancies (employer_id, id);
CREATE INDEX vacancies_office_idx ON vacancies (office_code, id);
CREATE INDEX vacancies_search_idx ON vacancies USING gin (search);

CREATE TABLE positions (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vacancy_id            uuid NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    ord                   smallint NOT NULL,
    occupation_code       text NOT NULL CHECK (occupation_code ~ '^[1-9](\.[0-9]){4}$'),
    title                 text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    quantity              integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    filled                integer NOT NULL DEFAULT 0 CHECK (filled >= 0 AND filled <= quantity),
    contract_type         text NOT NULL,
    working_time          text NOT NULL CHECK (working_time IN ('full_time', 'part_time')),
    weekly_hours          smallint CHECK (weekly_hours BETWEEN 1 AND 60),
    shifts                boolean NOT NULL DEFAULT false,
    workplace_comune      char(6) NOT NULL REFERENCES comuni (istat_code),
    lat                   double precision NOT NULL CHECK (lat BETWEEN 35 AND 48),
    lon                   double precision NOT NULL CHECK (lon BETWEEN 6 AND 19),
    remote_share          smallint NOT NULL DEFAULT 0 CHECK (remote_share BETWEEN 0 AND 100),
    pay_min               numeric(12, 2),
    pay_max               numeric(12, 2),
    pay_period            text CHECK (pay_period IN ('hour', 'month', 'year')),
    min_eqf               smallint CHECK (min_eqf BETWEEN 1 AND 8),
    eqf_required          boolean NOT NULL DEFAULT false,
    licences              text[] NOT NULL DEFAULT '{}',
    min_experience_months integer NOT NULL DEFAULT 0 CHECK (min_experience_months BETWEEN 0 AND 600),
    max_distance_km       integer CHECK (max_distance_km BETWEEN 1 AND 1000),
    l68_reserved          boolean NOT NULL DEFAULT false,
    apprenticeship        boolean NOT NULL DEFAULT false,
    UNIQUE (vacancy_id, ord)
);
CREATE INDEX positions_vacancy_idx ON positions (vacancy_id);
CREATE INDEX positions_occupation_idx ON positions (occupation_code text_pattern_ops);

CREATE TABLE position_skills (
    position_id uuid NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    code        text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
    must_have   boolean NOT NULL DEFAULT false,
    weight      smallint NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 5),
    PRIMARY KEY (position_id, code)
);

CREATE TABLE position_languages (
    position_id uuid NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    code        char(2) NOT NULL,
    min_cefr    char(2) NOT NULL CHECK (min_cefr IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    required    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (position_id, code)
);

CREATE TABLE vacancy_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vacancy_id  uuid NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    event       text NOT NULL CHECK (event IN ('publish', 'close', 'fill')),
    state_after text NOT NULL,
    details     jsonb,
    key_id      uuid,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION employer_doc(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', e.id, 'name', e.name, 'codice_fiscale', e.codice_fiscale, 'partita_iva', e.partita_iva,
    'ateco_code', e.ateco_code, 'headcount_band', e.headcount_band,
    'seat', json_build_object('comune_istat', e.seat_comune, 'address', e.seat_address),
    'email', e.email, 'phone', e.phone, 'pec', e.pec, 'office_code', e.office_code,
    'version', e.version,
    'created_at', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'updated_at', to_char(e.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
FROM employers e WHERE e.id = p_id
$$;

CREATE FUNCTION employer_save(p_id uuid, d jsonb, p_version integer) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
BEGIN
    IF p_id IS NULL THEN
        INSERT INTO employers (name, codice_fiscale, partita_iva, ateco_code, headcount_band,
                               seat_comune, seat_address, email, phone, pec, office_code)
        VALUES (d->>'name', d->>'codice_fiscale', d->>'partita_iva', d->>'ateco_code',
                d->>'headcount_band', d->'seat'->>'comune_istat', d->'seat'->>'address',
                d->>'email', d->>'phone', d->>'pec', d->>'office_code')
        RETURNING id INTO v_id;
    ELSE
        UPDATE employers SET name = d->>'name', codice_fiscale = d->>'codice_fiscale',
            partita_iva = d->>'partita_iva', ateco_code = d->>'ateco_code',
            headcount_band = d->>'headcount_band', seat_comune = d->'seat'->>'comune_istat',
            seat_address = d->'seat'->>'address', email = d->>'email', phone = d->>'phone',
            pec = d->>'pec', office_code = d->>'office_code', version = version + 1,
            updated_at = now()
        WHERE id = p_id AND version = p_version
        RETURNING id INTO v_id;
    END IF;
    RETURN v_id;
END $$;

-- A published vacancy past its validity end reads as expired, and leaves matching.
CREATE FUNCTION vacancy_state(state text, valid_until date) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN state = 'published' AND valid_until < (now() AT TIME ZONE 'UTC')::date
            THEN 'expired' ELSE state END
$$;

CREATE FUNCTION vacancy_doc(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', v.id, 'employer_id', v.employer_id, 'employer_name', e.name, 'office_code', v.office_code,
    'title', v.title, 'description', v.description, 'valid_from', v.valid_from,
    'valid_until', v.valid_until, 'state', vacancy_state(v.state, v.valid_until),
    'positions', coalesce((SELECT json_agg(json_build_object(
        'id', p.id, 'occupation_code', p.occupation_code, 'title', p.title,
        'quantity', p.quantity, 'filled', p.filled, 'contract_type', p.contract_type,
        'working_time', p.working_time, 'weekly_hours', p.weekly_hours, 'shifts', p.shifts,
        'workplace', json_build_object('comune_istat', p.workplace_comune, 'lat', p.lat, 'lon', p.lon),
        'remote_share', p.remote_share,
        'pay', CASE WHEN p.pay_period IS NULL THEN NULL ELSE
               json_build_object('min', p.pay_min, 'max', p.pay_max, 'period', p.pay_period) END,
        'requirements', json_build_object(
            'skills', coalesce((SELECT json_agg(json_build_object('code', s.code, 'must_have', s.must_have,
                                                                  'weight', s.weight) ORDER BY s.code)
                                FROM position_skills s WHERE s.position_id = p.id), '[]'::json),
            'education', CASE WHEN p.min_eqf IS NULL THEN NULL ELSE
                         json_build_object('min_eqf', p.min_eqf, 'required', p.eqf_required) END,
            'languages', coalesce((SELECT json_agg(json_build_object('code', l.code, 'min_cefr', l.min_cefr,
                                                                     'required', l.required) ORDER BY l.code)
                                   FROM position_languages l WHERE l.position_id = p.id), '[]'::json),
            'licences', to_json(p.licences),
            'min_experience_months', p.min_experience_months,
            'max_distance_km', p.max_distance_km),
        'l68_reserved', p.l68_reserved, 'apprenticeship', p.apprenticeship) ORDER BY p.ord)
        FROM positions p WHERE p.vacancy_id = v.id), '[]'::json),
    'published_at', to_char(v.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'version', v.version,
    'created_at', to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'updated_at', to_char(v.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
FROM vacancies v JOIN employers e ON e.id = v.employer_id WHERE v.id = p_id
$$;

-- Stores a canonical vacancy (src/domain/vacancy.c). Positions that carry
-- the id of one of this vacancy's positions keep it (and its filled places);
-- the others are new; positions left out are removed. Returns the id, or
-- NULL when p_version is stale; raises IC001 for a position id that is
-- not this vacancy's.
CREATE FUNCTION vacancy_save(p_id uuid, d jsonb, p_version integer) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
    pos jsonb;
    v_ord integer := 0;
    p_pid uuid;
    keep uuid[] := '{}';
BEGIN
    IF p_id IS NULL THEN
        INSERT INTO vacancies (employer_id, office_code, title, description, valid_from, valid_until)
        VALUES ((d->>'employer_id')::uuid, d->>'office_code', d->>'title', d->>'description',
                (d->>'valid_from')::date, (d->>'valid_until')::date)
        RETURNING id INTO v_id;
    ELSE
        UPDATE vacancies SET employer_id = (d->>'employer_id')::uuid, office_code = d->>'office_code',
            title = d->>'title', description = d->>'description',
            valid_from = (d->>'valid_from')::date, valid_until = (d->>'valid_until')::date,
            version = version + 1, updated_at = now()
        WHERE id = p_id AND version = p_version
        RETURNING id INTO v_id;
        IF v_id IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT coalesce(array_agg((x->>'id')::uuid), '{}') INTO keep
        FROM jsonb_array_elements(d->'positions') x WHERE x->>'id' IS NOT NULL;
        DELETE FROM positions WHERE vacancy_id = v_id AND NOT (id = ANY (keep));
        -- free the ord slots, so the kept ones can be renumbered
        UPDATE positions p SET ord = -p.ord - 1 WHERE p.vacancy_id = v_id;
    END IF;
    FOR pos IN SELECT x FROM jsonb_array_elements(d->'positions') x LOOP
        v_ord := v_ord + 1;
        p_pid := (pos->>'id')::uuid;
        IF p_pid IS NOT NULL THEN
            UPDATE positions SET ord = v_ord, occupation_code = pos->>'occupation_code',
                title = pos->>'title', quantity = (pos->>'quantity')::integer,
                contract_type = pos->>'contract_type', working_time = pos->>'working_time',
                weekly_hours = (pos->>'weekly_hours')::smallint, shifts = (pos->>'shifts')::boolean,
                workplace_comune = pos->'workplace'->>'comune_istat',
                lat = coalesce((pos->'workplace'->>'lat')::double precision,
                               (SELECT c.lat FROM comuni c WHERE c.istat_code = pos->'workplace'->>'comune_istat')),
                lon = coalesce((pos->'workplace'->>'lon')::double precision,
                               (SELECT c.lon FROM comuni c WHERE c.istat_code = pos->'workplace'->>'comune_istat')),
                remote_share = (pos->>'remote_share')::smallint,
                pay_min = (pos->'pay'->>'min')::numeric, pay_max = (pos->'pay'->>'max')::numeric,
                pay_period = pos->'pay'->>'period',
                min_eqf = (pos->'requirements'->'education'->>'min_eqf')::smallint,
                eqf_required = coalesce((pos->'requirements'->'education'->>'required')::boolean, false),
                licences = ARRAY(SELECT jsonb_array_elements_text(pos->'requirements'->'licences')),
                min_experience_months = (pos->'requirements'->>'min_experience_months')::integer,
                max_distance_km = (pos->'requirements'->>'max_distance_km')::integer,
                l68_reserved = (pos->>'l68_reserved')::boolean,
                apprenticeship = (pos->>'apprenticeship')::boolean
            WHERE id = p_pid AND vacancy_id = v_id;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'position % is not one of this vacancy''s', p_pid USING ERRCODE = 'IC001';
            END IF;
            DELETE FROM position_skills WHERE position_id = p_pid;
            DELETE FROM position_languages WHERE position_id = p_pid;
        ELSE
            INSERT INTO positions (vacancy_id, ord, occupation_code, title, quantity, contract_type,
                                   working_time, weekly_hours, shifts, workplace_comune, lat, lon,
                                   remote_share, pay_min, pay_max, pay_period, min_eqf, eqf_required,
                                   licences, min_experience_months, max_distance_km, l68_reserved,
                                   apprenticeship)
            SELECT v_id, v_ord, pos->>'occupation_code', pos->>'title', (pos->>'quantity')::integer,
                   pos->>'contract_type', pos->>'working_time', (pos->>'weekly_hours')::smallint,
                   (pos->>'shifts')::boolean, c.istat_code,
                   coalesce((pos->'workplace'->>'lat')::double precision, c.lat),
                   coalesce((pos->'workplace'->>'lon')::double precision, c.lon),
                   (pos->>'remote_share')::smallint, (pos->'pay'->>'min')::numeric,
                   (pos->'pay'->>'max')::numeric, pos->'pay'->>'period',
                   (pos->'requirements'->'education'->>'min_eqf')::smallint,
                   coalesce((pos->'requirements'->'education'->>'required')::boolean, false),
                   ARRAY(SELECT jsonb_array_elements_text(pos->'requirements'->'licences')),
                   (pos->'requirements'->>'min_experience_months')::integer,
                   (pos->'requirements'->>'max_distance_km')::integer,
                   (pos->>'l68_reserved')::boolean, (pos->>'apprenticeship')::boolean
            FROM comuni c WHERE c.istat_code = pos->'workplace'->>'comune_istat'
            RETURNING id INTO p_pid;
        END IF;
        INSERT INTO position_skills (position_id, code, must_have, weight)
            SELECT p_pid, s->>'code', (s->>'must_have')::boolean, (s->>'weight')::smallint
            FROM jsonb_array_elements(pos->'requirements'->'skills') s;
        INSERT INTO position_languages (position_id, code, min_cefr, required)
            SELECT p_pid, l->>'code', l->>'min_cefr', (l->>'required')::boolean
            FROM jsonb_array_elements(pos->'requirements'->'languages') l;
    END LOOP;
    UPDATE vacancies v SET search =
        setweight(to_tsvector('italian', coalesce(v.title, '')), 'A') ||
        setweight(to_tsvector('italian', coalesce((SELECT string_agg(p.title, ' ') FROM positions p
                                                   WHERE p.vacancy_id = v.id), '')), 'A') ||
        setweight(to_tsvector('italian', coalesce(v.description, '')), 'B')
    WHERE v.id = v_id;
    RETURN v_id;
END $$;
