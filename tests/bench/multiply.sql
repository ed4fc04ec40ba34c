-- Bench-only bulk data: grows a database seeded by `incrocio seed` (the base)
-- to exactly :seekers live job seekers and :positions open positions, in SQL,
-- in minutes rather than the hours that a million API-shaped inserts take.
-- tests/bench/match.sh runs it; never point it at a database that matters.
--
--   psql -v seekers=1000000 -v positions=20000 -v seed=0.42 -f tests/bench/multiply.sql
--
-- Job seekers: each live base person is copied (round robin over the base, in
-- id order) with a fresh id, the same profile and sections (education,
-- languages, skills, experiences), and the domicile moved by up to ±0.01° in
-- latitude and longitude (about ±1 km). Each copy gets a codice fiscale of a
-- valid shape with a correct check character: the base's birth date, sex and
-- place characters, the first six letters replaced by the copy's number in
-- base 26 (unique among the copies, over runs too), and the last digit replaced by its
-- omocodia letter (so that no copy can equal a base code, which has none).
-- The DID histories and service agreements are not copied: did_state is, and
-- it is all that matching reads.
--
-- Positions: the base's vacancies are copied whole (the same employer, a
-- fresh id, every position with a fresh id, its skills and languages, the
-- workplace moved like the domiciles) until there are enough open positions;
-- then the surplus open positions are marked filled (filled = quantity), so
-- that exactly :positions stay open.
--
-- Triggers are off for the session (session_replication_role = replica): the
-- copies are not logged in match_changes and foreign keys are not checked
-- (every copied reference points at a row that exists). Random numbers come
-- from setseed(:seed), so a run is repeatable up to the ids.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET synchronous_commit = off;
SET session_replication_role = replica;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SELECT setseed(:seed) \g /dev/null

DROP SCHEMA IF EXISTS incrocio_bench CASCADE;
CREATE SCHEMA incrocio_bench;

-- The check character of the first 15 characters of a codice fiscale.
CREATE FUNCTION incrocio_bench.cf_check(cf15 text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT chr(65 + (sum(CASE WHEN x.i % 2 = 1
                              THEN (ARRAY[1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11,
                                          3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23])[x.v + 1]
                              ELSE x.v END) % 26)::integer)
    FROM (SELECT g.i, CASE WHEN substr(cf15, g.i, 1) BETWEEN '0' AND '9'
                           THEN ascii(substr(cf15, g.i, 1)) - 48
                           ELSE ascii(substr(cf15, g.i, 1)) - 65 END AS v
          FROM generate_series(1, 15) AS g(i)) AS x
$$;

-- n (< 26^6) as six letters, most significant first.
CREATE FUNCTION incrocio_bench.letters(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT string_agg(chr(65 + ((n / (26::bigint ^ (5 - g.i))::bigint) % 26)::integer), ''
                      ORDER BY g.i)
    FROM generate_series(0, 5) AS g(i)
$$;

-- ---- job seekers ----

CREATE TEMP TABLE base_seekers AS
    SELECT j.id, row_number() OVER (ORDER BY j.id) - 1 AS rn
    FROM job_seekers j WHERE j.erased_at IS NULL;
SELECT count(*) AS n_base FROM base_seekers \gset
-- Copy numbers start past every row there is, so that copies of copies (a
-- second run) get codici fiscali of their own too.
SELECT count(*) AS n_rows FROM job_seekers \gset
SELECT greatest(0, :seekers - :n_base) AS n_copies \gset
\echo multiply: :n_base base job seekers, :n_copies copies to make

CREATE TEMP TABLE seeker_map AS
    SELECT b.id AS old_id, gen_random_uuid() AS new_id, g.n AS copy_no
    FROM generate_series(0, :n_copies - 1) AS g(n)
    JOIN base_seekers b ON b.rn = g.n % :n_base;
CREATE INDEX ON seeker_map (old_id);
ANALYZE seeker_map;

INSERT INTO job_seekers (id, codice_fiscale, given_name, family_name, birth_date, birth_year, sex,
                         citizenship, work_permit_expiry, domicile_comune, domicile_address, lat,
                         lon, email, phone, office_code, licences, it_skills, desired_occupations,
                         contract_types, working_time, shifts, max_travel_km, relocate, l68,
                         matching_consent, did_state, version, created_at, updated_at)
SELECT m.new_id,
       CASE WHEN j.codice_fiscale IS NULL THEN NULL ELSE
           c.cf15 || incrocio_bench.cf_check(c.cf15) END,
       j.given_name, j.family_name, j.birth_date, j.birth_year, j.sex, j.citizenship,
       j.work_permit_expiry, j.domicile_comune, j.domicile_address,
       least(48.0, greatest(35.0, j.lat + (random() - 0.5) * 0.02)),
       least(19.0, greatest(6.0, j.lon + (random() - 0.5) * 0.02)),
       j.email, j.phone, j.office_code, j.licences, j.it_skills, j.desired_occupations,
       j.contract_types, j.working_time, j.shifts, j.max_travel_km, j.relocate, j.l68,
       j.matching_consent, j.did_state, 1, now(), now()
FROM seeker_map m
JOIN job_seekers j ON j.id = m.old_id
CROSS JOIN LATERAL (
    SELECT incrocio_bench.letters(m.copy_no + :n_rows) || substr(j.codice_fiscale, 7, 8)
           || translate(substr(j.codice_fiscale, 15, 1), '0123456789', 'LMNPQRSTUV') AS cf15
) AS c;

INSERT INTO job_seeker_education (job_seeker_id, ord, title, eqf_level, year)
SELECT m.new_id, e.ord, e.title, e.eqf_level, e.year
FROM seeker_map m JOIN job_seeker_education e ON e.job_seeker_id = m.old_id;
INSERT INTO job_seeker_languages (job_seeker_id, code, cefr)
SELECT m.new_id, l.code, l.cefr
FROM seeker_map m JOIN job_seeker_languages l ON l.job_seeker_id = m.old_id;
INSERT INTO job_seeker_skills (job_seeker_id, code, level)
SELECT m.new_id, s.code, s.level
FROM seeker_map m JOIN job_seeker_skills s ON s.job_seeker_id = m.old_id;
INSERT INTO job_seeker_experiences (job_seeker_id, ord, occupation_code, from_date, to_date,
                                    contract_type, employer_name)
SELECT m.new_id, x.ord, x.occupation_code, x.from_date, x.to_date, x.contract_type,
       x.employer_name
FROM seeker_map m JOIN job_seeker_experiences x ON x.job_seeker_id = m.old_id;

-- ---- vacancies and positions ----

CREATE TEMP TABLE open_now AS
    SELECT p.id FROM positions p JOIN vacancies v ON v.id = p.vacancy_id
    WHERE v.state = 'published' AND p.filled < p.quantity
      AND (v.valid_until IS NULL OR v.valid_until >= (now() AT TIME ZONE 'UTC')::date);
SELECT count(*) AS n_open FROM open_now \gset
SELECT count(*) AS n_base_vac FROM vacancies \gset
-- Whole copies of every vacancy until the open positions suffice.
SELECT CASE WHEN :n_open >= :positions OR :n_open = 0 THEN 0
            ELSE ceil(:positions::numeric / :n_open)::integer - 1 END AS vac_rounds \gset
\echo multiply: :n_open open positions in the base, :vac_rounds copies of the :n_base_vac vacancies

CREATE TEMP TABLE vacancy_map AS
    SELECT v.id AS old_id, gen_random_uuid() AS new_id
    FROM vacancies v, generate_series(1, :vac_rounds) AS g(n);
CREATE TEMP TABLE position_map AS
    SELECT p.id AS old_id, gen_random_uuid() AS new_id, vm.new_id AS vacancy_id
    FROM vacancy_map vm JOIN positions p ON p.vacancy_id = vm.old_id;
CREATE INDEX ON position_map (old_id);
ANALYZE vacancy_map;
ANALYZE position_map;

INSERT INTO vacancies (id, employer_id, office_code, title, description, valid_from, valid_until,
                       state, published_at, closed_at, search, version, created_at, updated_at)
SELECT vm.new_id, v.employer_id, v.office_code, v.title, v.description, v.valid_from,
       v.valid_until, v.state, v.published_at, v.closed_at, v.search, 1, now(), now()
FROM vacancy_map vm JOIN vacancies v ON v.id = vm.old_id;

INSERT INTO positions (id, vacancy_id, ord, occupation_code, title, quantity, filled,
                       contract_type, working_time, weekly_hours, shifts, workplace_comune, lat,
                       lon, remote_share, pay_min, pay_max, pay_period, min_eqf, eqf_required,
                       licences, min_experience_months, max_distance_km, l68_reserved,
                       apprenticeship)
SELECT pm.new_id, pm.vacancy_id, p.ord, p.occupation_code, p.title, p.quantity, p.filled,
       p.contract_type, p.working_time, p.weekly_hours, p.shifts, p.workplace_comune,
       least(48.0, greatest(35.0, p.lat + (random() - 0.5) * 0.02)),
       least(19.0, greatest(6.0, p.lon + (random() - 0.5) * 0.02)),
       p.remote_share, p.pay_min, p.pay_max, p.pay_period, p.min_eqf, p.eqf_required,
       p.licences, p.min_experience_months, p.max_distance_km, p.l68_reserved, p.apprenticeship
FROM position_map pm JOIN positions p ON p.id = pm.old_id;
INSERT INTO position_skills (position_id, code, must_have, weight)
SELECT pm.new_id, s.code, s.must_have, s.weight
FROM position_map pm JOIN position_skills s ON s.position_id = pm.old_id;
INSERT INTO position_languages (position_id, code, min_cefr, required)
SELECT pm.new_id, l.code, l.min_cefr, l.required
FROM position_map pm JOIN position_languages l ON l.position_id = pm.old_id;

-- Exactly :positions open: the surplus (a random choice) is filled.
WITH open_all AS (
    SELECT p.id FROM positions p JOIN vacancies v ON v.id = p.vacancy_id
    WHERE v.state = 'published' AND p.filled < p.quantity
      AND (v.valid_until IS NULL OR v.valid_until >= (now() AT TIME ZONE 'UTC')::date)
    ORDER BY random()
    OFFSET :positions)
UPDATE positions p SET filled = p.quantity FROM open_all o WHERE p.id = o.id;

DROP SCHEMA incrocio_bench CASCADE;
RESET session_replication_role;
VACUUM (ANALYZE) job_seekers, job_seeker_education, job_seeker_languages, job_seeker_skills,
    job_seeker_experiences, vacancies, positions, position_skills, position_languages;

SELECT count(*) AS live_seekers FROM job_seekers WHERE erased_at IS NULL \gset
SELECT count(*) AS open_positions FROM positions p JOIN vacancies v ON v.id = p.vacancy_id
WHERE v.state = 'published' AND p.filled < p.quantity
  AND (v.valid_until IS NULL OR v.valid_until >= (now() AT TIME ZONE 'UTC')::date) \gset
\echo multiply: :live_seekers live job seekers, :open_positions open positions
