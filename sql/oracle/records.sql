-- The matching index's records built in SQL, for the oracle (DESIGN §5).
--
-- incrocio_oracle_seekers(today) and incrocio_oracle_positions(today) return,
-- for every live job seeker and every open position, the JSON record that
-- incrocio_oracle_score() (score.sql) reads, built from the tables with
-- exactly the mapping of the C loader, whose top comment (src/match/load.c) is
-- the specification. tests/db/test_loader.c scores the loader's records in C
-- and these in SQL and requires the same results: this file is written
-- independently of load.c so that a mapping mistake on either side shows.
--
-- Not a migration: CREATE OR REPLACE only and no schema name, like score.sql;
-- the functions call each other unqualified, so the schema they are loaded
-- into must be on search_path. today is days since 1970-01-01.

-- The closed code lists of include/incrocio/codes.h, in their order: a code's
-- index there is its bit or id here (the test compares them with the C lists).
CREATE OR REPLACE FUNCTION incrocio_oracle_licence_codes()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ARRAY['AM', 'A1', 'A2', 'A', 'B1', 'B', 'BE', 'C1', 'C1E', 'C', 'CE', 'D1', 'D1E', 'D',
                 'DE', 'CQC']
$$;

CREATE OR REPLACE FUNCTION incrocio_oracle_contract_codes()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ARRAY['indeterminato', 'determinato', 'apprendistato', 'tirocinio', 'somministrazione',
                 'intermittente']
$$;

CREATE OR REPLACE FUNCTION incrocio_oracle_language_codes()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ARRAY[
    'aa', 'ab', 'ae', 'af', 'ak', 'am', 'an', 'ar', 'as', 'av', 'ay', 'az', 'ba', 'be', 'bg',
    'bi', 'bm', 'bn', 'bo', 'br', 'bs', 'ca', 'ce', 'ch', 'co', 'cr', 'cs', 'cu', 'cv', 'cy',
    'da', 'de', 'dv', 'dz', 'ee', 'el', 'en', 'eo', 'es', 'et', 'eu', 'fa', 'ff', 'fi', 'fj',
    'fo', 'fr', 'fy', 'ga', 'gd', 'gl', 'gn', 'gu', 'gv', 'ha', 'he', 'hi', 'ho', 'hr', 'ht',
    'hu', 'hy', 'hz', 'ia', 'id', 'ie', 'ig', 'ii', 'ik', 'io', 'is', 'it', 'iu', 'ja', 'jv',
    'ka', 'kg', 'ki', 'kj', 'kk', 'kl', 'km', 'kn', 'ko', 'kr', 'ks', 'ku', 'kv', 'kw', 'ky',
    'la', 'lb', 'lg', 'li', 'ln', 'lo', 'lt', 'lu', 'lv', 'mg', 'mh', 'mi', 'mk', 'ml', 'mn',
    'mr', 'ms', 'mt', 'my', 'na', 'nb', 'nd', 'ne', 'ng', 'nl', 'nn', 'no', 'nr', 'nv', 'ny',
    'oc', 'oj', 'om', 'or', 'os', 'pa', 'pi', 'pl', 'ps', 'pt', 'qu', 'rm', 'rn', 'ro', 'ru',
    'rw', 'sa', 'sc', 'sd', 'se', 'sg', 'si', 'sk', 'sl', 'sm', 'sn', 'so', 'sq', 'sr', 'ss',
    'st', 'su', 'sv', 'sw', 'ta', 'te', 'tg', 'th', 'ti', 'tk', 'tl', 'tn', 'to', 'tr', 'ts',
    'tt', 'tw', 'ty', 'ug', 'uk', 'ur', 'uz', 've', 'vi', 'vo', 'wa', 'wo', 'xh', 'yi', 'yo',
    'za', 'zh', 'zu']
$$;

-- CEFR rank: A1 1 .. C2 6, 0 for anything else.
CREATE OR REPLACE FUNCTION incrocio_oracle_cefr_rank(level text)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(array_position(ARRAY['A1', 'A2', 'B1', 'B2', 'C1', 'C2'], level), 0)
$$;

-- A CP2021 5th-level code packed one digit per nibble ("5.2.2.1.0" →
-- 0x52210); NULL for a code of another shape.
CREATE OR REPLACE FUNCTION incrocio_oracle_occ(code text)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN code ~ '^[1-9](\.[0-9]){4}$' THEN
        (substr(code, 1, 1)::bigint << 16) | (substr(code, 3, 1)::bigint << 12)
        | (substr(code, 5, 1)::bigint << 8) | (substr(code, 7, 1)::bigint << 4)
        | substr(code, 9, 1)::bigint
    END
$$;

-- OR of 1 << (index in list) over codes; unknown codes ignored; 0 for none.
CREATE OR REPLACE FUNCTION incrocio_oracle_code_mask(codes text[], list text[])
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(bit_or(1 << (array_position(list, c) - 1)), 0)
    FROM unnest(codes) AS c
    WHERE array_position(list, c) IS NOT NULL
$$;

-- (index in ISO 639-1) << 4 | CEFR rank; NULL for an unknown language.
CREATE OR REPLACE FUNCTION incrocio_oracle_lang(code text, level text)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ((array_position(incrocio_oracle_language_codes(), code) - 1) << 4)
           | incrocio_oracle_cefr_rank(level)
$$;

-- Open positions on day today: published, not expired, places left.
CREATE OR REPLACE FUNCTION incrocio_oracle_open_positions(today integer)
RETURNS SETOF positions
LANGUAGE sql STABLE
AS $$
    SELECT p.*
    FROM positions p JOIN vacancies v ON v.id = p.vacancy_id
    WHERE v.state = 'published'
      AND (v.valid_until IS NULL OR v.valid_until >= date '1970-01-01' + today)
      AND p.filled < p.quantity
$$;

-- Interned skills: the 0-based rank of each code among the skills of live
-- seekers and open positions in byte order.
CREATE OR REPLACE FUNCTION incrocio_oracle_skill_ids(today integer)
RETURNS TABLE (code text, id bigint)
LANGUAGE sql STABLE
AS $$
    SELECT c.code, row_number() OVER (ORDER BY c.code COLLATE "C") - 1
    FROM (SELECT s.code FROM job_seeker_skills s JOIN job_seekers j ON j.id = s.job_seeker_id
          WHERE j.erased_at IS NULL
          UNION
          SELECT ps.code FROM position_skills ps
          WHERE ps.position_id IN (SELECT o.id FROM incrocio_oracle_open_positions(today) o)) AS c
$$;

CREATE OR REPLACE FUNCTION incrocio_oracle_seekers(today integer)
RETURNS TABLE (id uuid, rec jsonb)
LANGUAGE sql STABLE
AS $$
    WITH ids AS MATERIALIZED (SELECT * FROM incrocio_oracle_skill_ids(today))
    SELECT j.id, jsonb_build_object(
        'did_eligible', CASE WHEN j.did_state IN ('I', 'C') THEN 1 ELSE 0 END,
        'consent', CASE WHEN j.matching_consent THEN 1 ELSE 0 END,
        'l68', CASE j.l68 WHEN 'art1' THEN 1 WHEN 'art18' THEN 2 ELSE 0 END,
        'eqf', coalesce((SELECT max(e.eqf_level) FROM job_seeker_education e
                         WHERE e.job_seeker_id = j.id), 0),
        'working_time', CASE j.working_time WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2
                        ELSE 0 END,
        'shifts', CASE WHEN j.shifts THEN 1 ELSE 0 END,
        'relocate', CASE WHEN j.relocate THEN 1 ELSE 0 END,
        'contract_mask', incrocio_oracle_code_mask(j.contract_types, incrocio_oracle_contract_codes()),
        'licence_mask', incrocio_oracle_code_mask(j.licences, incrocio_oracle_licence_codes()),
        'max_travel_km', j.max_travel_km,
        'birth_day', coalesce(j.birth_date - date '1970-01-01', 0),
        'lat', j.lat,
        'lon', j.lon,
        'n_desired', o.n_desired,
        'occ', o.occ,
        'exp_months', o.exp_months,
        'skills', coalesce((SELECT jsonb_agg(k.id ORDER BY k.id)
                            FROM (SELECT i.id FROM job_seeker_skills s JOIN ids i ON i.code = s.code
                                  WHERE s.job_seeker_id = j.id
                                  ORDER BY i.id LIMIT 64) AS k), '[]'::jsonb),
        'langs', coalesce((SELECT jsonb_agg(g.v ORDER BY g.v)
                           FROM (SELECT incrocio_oracle_lang(l.code::text, l.cefr::text) AS v
                                 FROM job_seeker_languages l
                                 WHERE l.job_seeker_id = j.id
                                   AND incrocio_oracle_lang(l.code::text, l.cefr::text) IS NOT NULL
                                 ORDER BY 1 LIMIT 8) AS g), '[]'::jsonb))
    FROM job_seekers j,
    LATERAL (
        SELECT count(*) FILTER (WHERE e.kind = 0) AS n_desired,
               coalesce(jsonb_agg(e.occ ORDER BY e.kind, e.n), '[]'::jsonb) AS occ,
               coalesce(jsonb_agg(e.months ORDER BY e.kind, e.n), '[]'::jsonb) AS exp_months
        FROM (SELECT * FROM (
                  SELECT 0 AS kind, d.n, incrocio_oracle_occ(d.c) AS occ, 0 AS months
                  FROM unnest(j.desired_occupations) WITH ORDINALITY AS d(c, n)
                  UNION ALL
                  SELECT 1, x.ord, incrocio_oracle_occ(x.occupation_code),
                         greatest(0, least(65535,
                             (extract(year FROM age(coalesce(x.to_date, date '1970-01-01' + today),
                                                    x.from_date)) * 12
                              + extract(month FROM age(coalesce(x.to_date, date '1970-01-01' + today),
                                                       x.from_date)))::integer))
                  FROM job_seeker_experiences x WHERE x.job_seeker_id = j.id) AS a
              WHERE a.occ IS NOT NULL
              ORDER BY a.kind, a.n LIMIT 24) AS e) AS o
    WHERE j.erased_at IS NULL
$$;

CREATE OR REPLACE FUNCTION incrocio_oracle_positions(today integer)
RETURNS TABLE (id uuid, rec jsonb)
LANGUAGE sql STABLE
AS $$
    WITH ids AS MATERIALIZED (SELECT * FROM incrocio_oracle_skill_ids(today))
    SELECT p.id, jsonb_build_object(
        'occupation', coalesce(incrocio_oracle_occ(p.occupation_code), 0),
        'contract', coalesce(array_position(incrocio_oracle_contract_codes(), p.contract_type) - 1,
                             255),
        'working_time', CASE p.working_time WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2
                        ELSE 0 END,
        'shifts', CASE WHEN p.shifts THEN 1 ELSE 0 END,
        'l68_reserved', CASE WHEN p.l68_reserved THEN 1 ELSE 0 END,
        'apprenticeship', CASE WHEN p.apprenticeship THEN 1 ELSE 0 END,
        'min_eqf', coalesce(p.min_eqf, 0),
        'eqf_required', CASE WHEN p.eqf_required THEN 1 ELSE 0 END,
        'licence_mask', incrocio_oracle_code_mask(p.licences, incrocio_oracle_licence_codes()),
        'min_experience_months', p.min_experience_months,
        'max_distance_km', coalesce(p.max_distance_km, 0),
        'lat', p.lat,
        'lon', p.lon,
        'skills', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                'id', k.id, 'must_have', k.must_have, 'weight', k.weight)
                                ORDER BY k.id)
                            FROM (SELECT i.id, CASE WHEN s.must_have THEN 1 ELSE 0 END AS must_have,
                                         s.weight
                                  FROM position_skills s JOIN ids i ON i.code = s.code
                                  WHERE s.position_id = p.id
                                  ORDER BY i.id LIMIT 64) AS k), '[]'::jsonb),
        'langs', coalesce(g.langs, '[]'::jsonb),
        'langs_required', coalesce(g.langs_required, '[]'::jsonb))
    FROM incrocio_oracle_open_positions(today) AS p,
    LATERAL (
        SELECT jsonb_agg(h.v ORDER BY h.v) AS langs,
               jsonb_agg(h.required ORDER BY h.v) AS langs_required
        FROM (SELECT incrocio_oracle_lang(l.code::text, l.min_cefr::text) AS v,
                     CASE WHEN l.required THEN 1 ELSE 0 END AS required
              FROM position_languages l
              WHERE l.position_id = p.id
                AND incrocio_oracle_lang(l.code::text, l.min_cefr::text) IS NOT NULL
              ORDER BY 1 LIMIT 8) AS h) AS g
$$;
