-- The set-based SQL oracle of the matching index's top-k (DESIGN §5), model
-- version 2026.1, over the real tables.
--
--   incrocio_oracle_top_seekers(position, today, k [, weights])
--       → (job_seeker_id, score6, total): the eligible live job seekers of an
--         open position, best first;
--   incrocio_oracle_top_positions(seeker, today, k [, weights])
--       → (position_id, score6, total): the eligible open positions of a live
--         job seeker, best first.
--
-- What they return is, by definition, what the _ref functions at the end of
-- this file return literally: every live job seeker (open position) scored by
-- incrocio_oracle_score() (score.sql) over the records of records.sql, only
-- the eligible ones (filters = 0), ordered by score6 DESC then id ASC, the
-- first k; score6 = round(total · 1000000.0), float8 round() being rint():
-- ties to even, as rint(total · 1e6) in C (include/incrocio/match_index.h).
-- uuid order is the order of the 16 bytes, that is of the lowercase text.
-- today is days since 1970-01-01; weights as in score.sql (seven, component
-- order occupation, skills, experience, education, languages, distance,
-- contract; NULL means the defaults 30/25/15/10/8/7/5). An unknown or closed
-- position, or an unknown or erased person, gives no rows.
--
-- The _ref functions build a JSON record for every person and every position
-- and take seconds for a few thousand people; the fast functions compute the
-- same result set-based, and tests/db/test_topk.c checks both against each
-- other and against the C index. How the fast ones work:
--
-- Seekers of a position (phase A, then phase B):
--   A. Driven by the position's record, built once exactly as records.sql
--      builds it, in two queries:
--      1. one pass over job_seekers with the hard filters that its row decides
--         (DID, consent, licences, hours, contract, Law 68, the apprenticeship
--         window as a range of birth days, distance: the trigonometry only for
--         people within reach by latitude) and the others as semi-joins
--         (every must-have skill, every required language at its level, the
--         required EQF level); it keeps, per candidate, the components its row
--         gives: distance, contract, and the level of its desired occupations
--         (a LIKE on the joined codes);
--      2. the child rows of the candidates that matter to this position only
--         (its skill codes, its languages, experiences in its level-2 group,
--         education from EQF min - 1), through the primary keys for a few
--         candidates, by one hashed pass over each table for many; every
--         component and the total in score.c's order of float operations; the
--         best lim + 1 by (score6 DESC, id), lim = k + 8 at first.
--      What A does not do is the records' truncation (a person's first 64
--      skills, first 8 known languages, first 24 occupation codes, and skipping
--      desired occupations not of the 5th-level shape). Truncation only takes
--      data away, every component is non-decreasing in the data kept, and the
--      total is non-decreasing in every component when no weight is negative
--      (each rounded float operation is monotonic): so A's score6 is an upper
--      bound of the true one, exact for a person whom truncation does not
--      touch, and A excludes no one whom the model keeps.
--   B. The people among A's first lim rows whom truncation may touch (more
--      than 64 skills, more than 8 languages, more than 24 codes, or a desired
--      occupation of another shape) are scored again by incrocio_oracle_score()
--      on records built for them alone (same mapping as records.sql, skill ids
--      interned among the codes involved, which keeps their order). The rows
--      are re-ranked; when the k-th of them does not rank before row lim + 1
--      (by A's bound), step 2 runs again with lim four times as large. With
--      seeded data nobody is touched and one round does.
--   Weights with a negative, NaN, infinite or NULL member, or not seven of
--   them, void the bound: the _ref function answers instead.
--
-- Positions of a seeker: the person's record is built once exactly (with its
-- truncation), and one query scores every open position, each position's own
-- truncation (first 64 skills by code, first 8 known languages) done by
-- window functions: exact, no second phase.
--
-- Speed: the functions run with nested loops off (the estimates of these
-- queries collapse to a row or two, and a nested loop over an aggregate then
-- costs candidates × groups), JIT off and work_mem 64MB. An index on
-- job_seeker_skills (code), which the migrations do not have, helps the
-- must-have semi-join; tests/bench/match.sh makes one for the benchmark.
--
-- Not a migration: CREATE OR REPLACE only and no schema name, like score.sql
-- and records.sql, which must be loaded first (into a schema on search_path).
-- The functions set extra_float_digits = 3 for themselves, so that the JSON
-- records keep every bit of lat and lon whatever the session says.

-- ---------------------------------------------------------------------------
-- Records for a few ids (phase B): records.sql's mapping, with skill ids
-- interned among skill_codes (sorted in byte order, distinct, holding every
-- skill code of the people and positions scored together), which gives the
-- same order, and so the same first 64 and the same membership, as the
-- global interning.

CREATE OR REPLACE FUNCTION incrocio_oracle_topk_seeker_recs(ids uuid[], today integer,
                                                            skill_codes text[])
RETURNS TABLE (id uuid, rec jsonb)
LANGUAGE sql STABLE
AS $$
    WITH sid AS MATERIALIZED (
        SELECT c.code, c.n - 1 AS id FROM unnest(skill_codes) WITH ORDINALITY AS c(code, n))
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
        'skills', coalesce((SELECT jsonb_agg(q.id ORDER BY q.id)
                            FROM (SELECT i.id FROM job_seeker_skills s JOIN sid i ON i.code = s.code
                                  WHERE s.job_seeker_id = j.id
                                  ORDER BY i.id LIMIT 64) AS q), '[]'::jsonb),
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
    WHERE j.erased_at IS NULL AND j.id = ANY (ids)
$$;

CREATE OR REPLACE FUNCTION incrocio_oracle_topk_position_recs(ids uuid[], today integer,
                                                              skill_codes text[])
RETURNS TABLE (id uuid, rec jsonb)
LANGUAGE sql STABLE
AS $$
    WITH sid AS MATERIALIZED (
        SELECT c.code, c.n - 1 AS id FROM unnest(skill_codes) WITH ORDINALITY AS c(code, n))
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
                                'id', q.id, 'must_have', q.must_have, 'weight', q.weight)
                                ORDER BY q.id)
                            FROM (SELECT i.id, CASE WHEN s.must_have THEN 1 ELSE 0 END AS must_have,
                                         s.weight
                                  FROM position_skills s JOIN sid i ON i.code = s.code
                                  WHERE s.position_id = p.id
                                  ORDER BY i.id LIMIT 64) AS q), '[]'::jsonb),
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
    WHERE p.id = ANY (ids)
$$;

-- Scores the pairs (each of seekers) × (each of positions) with
-- incrocio_oracle_score() on the records above: (seeker, position, filters,
-- total).
CREATE OR REPLACE FUNCTION incrocio_oracle_topk_rescore(seekers uuid[], positions uuid[],
                                                        today integer,
                                                        weights double precision[])
RETURNS TABLE (seeker_id uuid, position_id uuid, filters integer, total double precision)
LANGUAGE sql STABLE
AS $$
    WITH codes AS (
        SELECT coalesce(array_agg(c.code ORDER BY c.code COLLATE "C"), '{}') AS a
        FROM (SELECT s.code FROM job_seeker_skills s WHERE s.job_seeker_id = ANY (seekers)
              UNION
              SELECT s.code FROM position_skills s WHERE s.position_id = ANY (positions)) AS c)
    SELECT s.id, p.id, o.filters, o.total
    FROM codes,
         incrocio_oracle_topk_seeker_recs(seekers, today, codes.a) AS s,
         incrocio_oracle_topk_position_recs(positions, today, codes.a) AS p,
         LATERAL incrocio_oracle_score(s.rec, p.rec, today, weights) AS o
$$;

-- True when every weight is usable by the bound of phase A: seven of them,
-- each finite and >= 0.
CREATE OR REPLACE FUNCTION incrocio_oracle_topk_weights_ok(w double precision[])
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT w IS NULL
        OR (array_ndims(w) = 1 AND cardinality(w) = 7
            AND NOT EXISTS (SELECT 1 FROM unnest(w) AS x
                            WHERE x IS NULL OR NOT (x >= 0.0::double precision)
                               OR x = 'Infinity'::double precision))
$$;

-- The largest day number d with (year, month, day) of d <= (y, m, dd) in
-- lexicographic order: the date itself, or 28 February for a 29 February
-- that does not exist (y is astronomical; years 1 .. 9999 only).
CREATE OR REPLACE FUNCTION incrocio_oracle_topk_day_at_most(y integer, m integer, dd integer)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT make_date(y, m, CASE WHEN m = 2 AND dd = 29
                                 AND NOT (y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0))
                                THEN 28 ELSE dd END) - date '1970-01-01'
$$;

-- ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION incrocio_oracle_top_seekers(
    "position" uuid, today integer, k integer, weights double precision[] DEFAULT NULL)
RETURNS TABLE (job_seeker_id uuid, score6 bigint, total double precision)
LANGUAGE plpgsql STABLE
SET extra_float_digits = 3
-- Phase A's row estimates collapse under its many predicates; a nested loop
-- over an aggregate then costs candidates × groups. Hash joins it is.
SET enable_nestloop = off
-- ... which costs whatever is left disabled so much that JIT would compile
-- the query each time (a second and more): no JIT.
SET jit = off
-- Hash tables of a few hundred thousand candidates in memory.
SET work_mem = '64MB'
AS $fn$
DECLARE
    pos_id uuid := $1;
    w double precision[] := coalesce(weights, ARRAY[30, 25, 15, 10, 8, 7, 5]::double precision[]);
    wsum double precision;
    kk integer := coalesce(k, 0);
    p record;
    occ bigint;
    p2 text; p3 text; p4 text; pat2 text; pat3 text; pat4 text; pat5 text;
    contract_known boolean;
    lic text[];
    sk_codes text[]; sk_weights integer[]; sk_musts boolean[];
    n_sk integer; all_w double precision; n_must integer;
    l_codes text[]; l_needs integer[]; l_reqs boolean[];
    n_l integer; base_fit double precision; n_req integer;
    kdeg double precision := pi() / 180.0::double precision;
    phi2 double precision; lambda2 double precision; cos_phi2 double precision;
    appr_lo integer; appr_hi integer; appr_exact boolean := false;
    t date; ty integer;
    pwt integer;
    q text;
    months_sql text;
    lateral_joins boolean;
    c_ids uuid[]; c_dist double precision[]; c_con double precision[]; c_lvl integer[];
    lim bigint;
    a_ids uuid[]; a_s6 bigint[]; a_tot double precision[];
    m integer; n integer;
    flagged uuid[];
    r_ids uuid[]; r_s6 bigint[]; r_tot double precision[];
BEGIN
    IF kk <= 0 THEN
        RETURN;
    END IF;
    IF NOT incrocio_oracle_topk_weights_ok(weights) THEN
        RETURN QUERY SELECT * FROM incrocio_oracle_top_seekers_ref(pos_id, today, kk, weights);
        RETURN;
    END IF;
    wsum := 0.0::double precision + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];

    -- The position, if open, as records.sql reads it.
    SELECT pp.occupation_code, pp.contract_type, pp.working_time, pp.shifts, pp.l68_reserved,
           pp.apprenticeship, coalesce(pp.min_eqf, 0) AS min_eqf, pp.eqf_required,
           pp.licences, pp.min_experience_months AS min_exp,
           coalesce(pp.max_distance_km, 0) AS maxd, pp.lat, pp.lon
    INTO p
    FROM positions pp JOIN vacancies v ON v.id = pp.vacancy_id
    WHERE pp.id = pos_id AND v.state = 'published'
      AND (v.valid_until IS NULL OR v.valid_until >= date '1970-01-01' + today)
      AND pp.filled < pp.quantity;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    occ := incrocio_oracle_occ(p.occupation_code);
    IF occ IS NULL THEN
        -- Packed as 0: no valid code shares a level with it (level 1 is 1-9).
        pat2 := '#'; pat3 := '#'; pat4 := '#'; pat5 := '#'; p2 := '#'; p3 := '#'; p4 := '#';
    ELSE
        p2 := left(p.occupation_code, 3);
        p3 := left(p.occupation_code, 5);
        p4 := left(p.occupation_code, 7);
        pat5 := '%,' || p.occupation_code || ',%';
        pat4 := '%,' || p4 || '.%';
        pat3 := '%,' || p3 || '.%';
        pat2 := '%,' || p2 || '.%';
    END IF;
    contract_known := array_position(incrocio_oracle_contract_codes(), p.contract_type) IS NOT NULL;
    lic := ARRAY(SELECT DISTINCT c FROM unnest(p.licences) AS c
                 WHERE c = ANY (incrocio_oracle_licence_codes()));
    pwt := CASE p.working_time WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2 ELSE 0 END;

    -- Its first 64 skills in id (= byte) order.
    SELECT coalesce(array_agg(x.code ORDER BY x.code COLLATE "C"), '{}'),
           coalesce(array_agg(x.weight ORDER BY x.code COLLATE "C"), '{}'),
           coalesce(array_agg(x.must_have ORDER BY x.code COLLATE "C"), '{}'),
           count(*), coalesce(sum(x.weight), 0)::double precision,
           count(*) FILTER (WHERE x.must_have)
    INTO sk_codes, sk_weights, sk_musts, n_sk, all_w, n_must
    FROM (SELECT s.code, s.weight::integer AS weight, s.must_have FROM position_skills s
          WHERE s.position_id = pos_id ORDER BY s.code COLLATE "C" LIMIT 64) AS x;

    -- Its first 8 known languages by value (language index, then rank).
    SELECT coalesce(array_agg(x.code ORDER BY x.v), '{}'),
           coalesce(array_agg(x.need ORDER BY x.v), '{}'),
           coalesce(array_agg(x.req ORDER BY x.v), '{}'),
           count(*),
           coalesce(sum(incrocio_oracle_level_fit(0, x.need)), 0.0::double precision),
           count(*) FILTER (WHERE x.req AND x.need > 0)
    INTO l_codes, l_needs, l_reqs, n_l, base_fit, n_req
    FROM (SELECT l.code::text AS code, incrocio_oracle_lang(l.code::text, l.min_cefr::text) AS v,
                 incrocio_oracle_cefr_rank(l.min_cefr::text) AS need, l.required AS req
          FROM position_languages l
          WHERE l.position_id = pos_id
            AND incrocio_oracle_lang(l.code::text, l.min_cefr::text) IS NOT NULL
          ORDER BY 2 LIMIT 8) AS x;

    phi2 := p.lat * kdeg;
    lambda2 := p.lon * kdeg;
    cos_phi2 := cos(phi2);
    -- Whole months of an experience, as records.sql: only when experience is asked for.
    months_sql := CASE WHEN p.min_exp = 0 THEN '0' ELSE
        'greatest(0, least(65535, (extract(year FROM age(coalesce(x.to_date,'
        ' date ''1970-01-01'' + $2), x.from_date)) * 12 + extract(month FROM'
        ' age(coalesce(x.to_date, date ''1970-01-01'' + $2), x.from_date)))::integer))' END;

    -- Apprenticeship: 18 <= age <= 29 is a window of birth days (lo, hi].
    IF p.apprenticeship THEN
        t := date '1970-01-01' + today;
        ty := extract(year FROM t)::integer;
        IF ty BETWEEN 100 AND 9999 THEN
            appr_hi := incrocio_oracle_topk_day_at_most(ty - 18, extract(month FROM t)::integer,
                                                        extract(day FROM t)::integer);
            appr_lo := incrocio_oracle_topk_day_at_most(ty - 30, extract(month FROM t)::integer,
                                                        extract(day FROM t)::integer);
        ELSE
            appr_exact := true;
        END IF;
    END IF;

    -- Phase A, step 1: who passes the filters that the person's row decides
    -- (and the child rows' filters, as semi-joins), with the components that
    -- the row gives (distance, contract, the desired occupations' level).
    -- $n are bound below; the text varies only with what the position asks,
    -- so each shape gets its own custom plan.
    q := format($q$
SELECT coalesce(array_agg(c.id), '{}'), coalesce(array_agg(c.c_dist), '{}'),
       coalesce(array_agg(c.c_con), '{}'), coalesce(array_agg(c.lvl_d), '{}')
FROM (
    SELECT j.id,
           CASE WHEN g.km <= j.max_travel_km::float8 THEN 1.0::float8
                WHEN $14 > j.max_travel_km THEN
                    CASE WHEN ($14::float8 - g.km) / ($14 - j.max_travel_km)::float8 > 0.0::float8
                         THEN ($14::float8 - g.km) / ($14 - j.max_travel_km)::float8
                         ELSE 0.0::float8 END
                ELSE 0.0::float8 END AS c_dist,
           0.5::float8
           * CASE WHEN NOT (j.contract_types && incrocio_oracle_contract_codes()) THEN 0.5::float8
                  WHEN $11 AND j.contract_types @> ARRAY[$12::text] THEN 1.0::float8
                  ELSE 0.0::float8 END
           + 0.5::float8
           * CASE WHEN CASE j.working_time WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2
                                           ELSE 0 END = $8 THEN 1.0::float8
                  WHEN j.working_time IN ('full_time', 'part_time') THEN 0.0::float8
                  ELSE 0.75::float8 END AS c_con,
           CASE WHEN d.s LIKE $21 THEN 5 WHEN d.s LIKE $22 THEN 4 WHEN d.s LIKE $23 THEN 3
                WHEN d.s LIKE $24 THEN 2 ELSE 0 END AS lvl_d
    FROM job_seekers j
    CROSS JOIN LATERAL (
        SELECT 2.0::float8 * 6371.0::float8
               * asin(sqrt(LEAST(sin(($3 - j.lat * $5) / 2.0::float8)
                                 * sin(($3 - j.lat * $5) / 2.0::float8)
                                 + cos(j.lat * $5) * $6
                                   * (sin(($4 - j.lon * $5) / 2.0::float8)
                                      * sin(($4 - j.lon * $5) / 2.0::float8)),
                                 1.0::float8))) AS km
        OFFSET 0) AS g
    CROSS JOIN LATERAL (
        SELECT ',' || array_to_string(j.desired_occupations, ',') || ',' AS s) AS d
    WHERE j.erased_at IS NULL AND j.did_state IN ('I', 'C') AND j.matching_consent
      AND j.licences @> $7
      AND CASE j.working_time WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2 ELSE 0 END IN (0, $8)
      AND (NOT $9 OR j.shifts)
      AND (NOT $10 OR j.l68 IN ('art1', 'art18'))
      AND (NOT (j.contract_types && incrocio_oracle_contract_codes())
           OR ($11 AND j.contract_types @> ARRAY[$12::text]))
      AND abs(j.lat - $13) * 111.19492664455873::float8
          <= CASE WHEN j.relocate THEN CASE WHEN $14 <> 0 THEN $14::float8 ELSE 1e9::float8 END
                  WHEN $14 <> 0 THEN least($14, j.max_travel_km)::float8
                  ELSE j.max_travel_km::float8 END
             + 1.0::float8
      AND NOT (($14 <> 0 AND g.km > $14::float8)
               OR (NOT j.relocate AND g.km > j.max_travel_km::float8))
      %1$s %2$s %3$s %4$s
) AS c
$q$,
        -- 1: the apprenticeship window
        CASE WHEN NOT p.apprenticeship THEN ''
             WHEN appr_exact THEN
                 'AND incrocio_oracle_age(coalesce(j.birth_date - date ''1970-01-01'', 0), $1)'
                 ' BETWEEN 18 AND 29'
             ELSE 'AND coalesce(j.birth_date - date ''1970-01-01'', 0) > $2[1]'
                  ' AND coalesce(j.birth_date - date ''1970-01-01'', 0) <= $2[2]' END,
        -- 2: every must-have skill
        CASE WHEN n_must = 0 THEN '' ELSE
            'AND j.id IN (SELECT s.job_seeker_id FROM job_seeker_skills s'
            ' WHERE s.code = ANY ($15) GROUP BY 1 HAVING count(*) = $16)' END,
        -- 3: the EQF level, where required
        CASE WHEN p.eqf_required AND p.min_eqf > 0 THEN
            'AND EXISTS (SELECT 1 FROM job_seeker_education e'
            ' WHERE e.job_seeker_id = j.id AND e.eqf_level >= $17)' ELSE '' END,
        -- 4: every required language at its level
        CASE WHEN n_req = 0 THEN '' ELSE
            'AND j.id IN (SELECT l.job_seeker_id FROM job_seeker_languages l'
            ' JOIN unnest($18::text[], $19::integer[]) AS r(code, need) ON r.code = l.code::text'
            ' WHERE incrocio_oracle_cefr_rank(l.cefr::text) >= r.need GROUP BY 1'
            ' HAVING count(*) = $20)' END);
    EXECUTE q INTO c_ids, c_dist, c_con, c_lvl
    USING today, ARRAY[appr_lo, appr_hi], phi2, lambda2, kdeg, cos_phi2, lic, pwt, p.shifts,
          p.l68_reserved, contract_known, p.contract_type, p.lat, p.maxd,
          ARRAY(SELECT u.c FROM unnest(sk_codes, sk_musts) AS u(c, must) WHERE u.must), n_must,
          p.min_eqf,
          ARRAY(SELECT u.c FROM unnest(l_codes, l_needs, l_reqs) AS u(c, need, req)
                WHERE u.req AND u.need > 0),
          ARRAY(SELECT u.need FROM unnest(l_codes, l_needs, l_reqs) AS u(c, need, req)
                WHERE u.req AND u.need > 0),
          n_req, pat5, pat4, pat3, pat2;
    IF cardinality(c_ids) = 0 THEN
        RETURN;
    END IF;

    -- Phase A, step 2: the components that the child rows give, the total
    -- and the best lim + 1. A few candidates read their rows through the
    -- primary keys (one lookup each); many read each table once, hashed.
    lateral_joins := cardinality(c_ids)
                     <= greatest(20000, (SELECT c.reltuples FROM pg_class c
                                         WHERE c.oid = 'job_seekers'::regclass) / 20);
    q := format($q$
SELECT coalesce(array_agg(z.id ORDER BY z.s6 DESC, z.id), '{}'),
       coalesce(array_agg(z.s6 ORDER BY z.s6 DESC, z.id), '{}'),
       coalesce(array_agg(z.total ORDER BY z.s6 DESC, z.id), '{}')
FROM (
    SELECT r.id, round(r.total * 1000000.0::float8)::bigint AS s6, r.total
    FROM (
        SELECT c.id,
               CASE WHEN $17 = 0.0::float8 THEN 0.0::float8 ELSE
               (0.0::float8
                + $18 * CASE greatest(c.lvl_d, coalesce(ex.lvl, 0))
                            WHEN 5 THEN 1.0::float8 WHEN 4 THEN 0.8::float8
                            WHEN 3 THEN 0.6::float8 WHEN 2 THEN 0.3::float8 ELSE 0.0::float8 END
                + $19 * CASE WHEN $25 = 0 OR $26 = 0.0::float8 THEN 1.0::float8
                             ELSE coalesce(sk.have_w, 0)::float8 / $26 END
                + $20 * CASE WHEN $27 = 0 THEN 1.0::float8
                             WHEN coalesce(ex.rel, 0) >= $27 THEN 1.0::float8
                             ELSE coalesce(ex.rel, 0)::float8 / $27::float8 END
                + $21 * CASE WHEN $16 = 0 THEN 1.0::float8
                             ELSE incrocio_oracle_level_fit(coalesce(ed.eqf, 0), $16) END
                + $22 * CASE WHEN $28 = 0 THEN 1.0::float8
                             ELSE ($29 + coalesce(lg.gain, 0.0::float8)) / $28::float8 END
                + $23 * c.c_dist
                + $24 * c.c_con
               ) / $17 END AS total
        FROM unnest($3::uuid[], $4::float8[], $5::float8[], $6::integer[])
             AS c(id, c_dist, c_con, lvl_d)
        %1$s
    ) AS r
    ORDER BY 2 DESC, 1
    LIMIT $1
) AS z
$q$,
        CASE WHEN lateral_joins THEN format($j$
        LEFT JOIN LATERAL (
            SELECT sum(ps.w) AS have_w
            FROM job_seeker_skills s
            JOIN unnest($7::text[], $8::integer[]) AS ps(code, w) ON ps.code = s.code
            WHERE s.job_seeker_id = c.id) AS sk ON %1$s
        LEFT JOIN LATERAL (
            SELECT max(CASE WHEN x.occupation_code = $12 THEN 5
                            WHEN left(x.occupation_code, 7) = $13 THEN 4
                            WHEN left(x.occupation_code, 5) = $14 THEN 3 ELSE 2 END) AS lvl,
                   sum(%2$s) FILTER (WHERE left(x.occupation_code, 7) = $13) AS rel
            FROM job_seeker_experiences x
            WHERE x.job_seeker_id = c.id AND x.occupation_code LIKE $15 || '.%%') AS ex ON true
        LEFT JOIN LATERAL (
            SELECT max(e.eqf_level)::integer AS eqf
            FROM job_seeker_education e
            WHERE e.job_seeker_id = c.id AND e.eqf_level >= $16 - 1) AS ed ON %3$s
        LEFT JOIN LATERAL (
            SELECT sum(incrocio_oracle_level_fit(incrocio_oracle_cefr_rank(l.cefr::text), pl.need)
                       - incrocio_oracle_level_fit(0, pl.need)) AS gain
            FROM job_seeker_languages l
            JOIN unnest($10::text[], $11::integer[]) AS pl(code, need) ON pl.code = l.code::text
            WHERE l.job_seeker_id = c.id) AS lg ON %4$s
$j$, (n_sk > 0)::text, months_sql, (p.min_eqf > 0)::text, (n_l > 0)::text)
        ELSE format($j$
        LEFT JOIN (
            SELECT s.job_seeker_id AS id, sum(ps.w) AS have_w
            FROM job_seeker_skills s
            JOIN unnest($7::text[], $8::integer[]) AS ps(code, w) ON ps.code = s.code
            WHERE %1$s AND s.job_seeker_id = ANY ($3::uuid[])
            GROUP BY 1) AS sk ON sk.id = c.id
        LEFT JOIN (
            SELECT x.job_seeker_id AS id,
                   max(CASE WHEN x.occupation_code = $12 THEN 5
                            WHEN left(x.occupation_code, 7) = $13 THEN 4
                            WHEN left(x.occupation_code, 5) = $14 THEN 3 ELSE 2 END) AS lvl,
                   sum(%2$s) FILTER (WHERE left(x.occupation_code, 7) = $13) AS rel
            FROM job_seeker_experiences x
            WHERE x.occupation_code LIKE $15 || '.%%' AND x.job_seeker_id = ANY ($3::uuid[])
            GROUP BY 1) AS ex ON ex.id = c.id
        LEFT JOIN (
            SELECT e.job_seeker_id AS id, max(e.eqf_level)::integer AS eqf
            FROM job_seeker_education e
            WHERE %3$s AND e.eqf_level >= $16 - 1 AND e.job_seeker_id = ANY ($3::uuid[])
            GROUP BY 1) AS ed ON ed.id = c.id
        LEFT JOIN (
            SELECT l.job_seeker_id AS id,
                   sum(incrocio_oracle_level_fit(incrocio_oracle_cefr_rank(l.cefr::text), pl.need)
                       - incrocio_oracle_level_fit(0, pl.need)) AS gain
            FROM job_seeker_languages l
            JOIN unnest($10::text[], $11::integer[]) AS pl(code, need) ON pl.code = l.code::text
            WHERE %4$s AND l.job_seeker_id = ANY ($3::uuid[])
            GROUP BY 1) AS lg ON lg.id = c.id
$j$, (n_sk > 0)::text, months_sql, (p.min_eqf > 0)::text, (n_l > 0)::text) END);

    lim := kk::bigint + 8;
    LOOP
        EXECUTE q INTO a_ids, a_s6, a_tot
        USING lim + 1, today, c_ids, c_dist, c_con, c_lvl, sk_codes, sk_weights, NULL::integer,
              l_codes, l_needs, p.occupation_code, p4, p3, p2, p.min_eqf, wsum,
              w[1], w[2], w[3], w[4], w[5], w[6], w[7], n_sk, all_w, p.min_exp, n_l, base_fit;
        m := cardinality(a_ids);
        n := least(m, lim);

        -- Phase B: who among the first n might truncation touch?
        SELECT coalesce(array_agg(j.id), '{}') INTO flagged
        FROM job_seekers j
        WHERE j.id = ANY (a_ids[1:n])
          AND (EXISTS (SELECT 1 FROM unnest(j.desired_occupations) AS d(c)
                       WHERE incrocio_oracle_occ(d.c) IS NULL)
               OR cardinality(j.desired_occupations)
                  + (SELECT count(*) FROM job_seeker_experiences x WHERE x.job_seeker_id = j.id) > 24
               OR (n_sk > 0 AND (SELECT count(*) FROM job_seeker_skills s
                                 WHERE s.job_seeker_id = j.id) > 64)
               OR (n_l > 0 AND (SELECT count(*) FROM job_seeker_languages l
                                WHERE l.job_seeker_id = j.id) > 8));

        IF cardinality(flagged) = 0 THEN
            r_ids := a_ids[1:least(n, kk)];
            r_s6 := a_s6[1:least(n, kk)];
            r_tot := a_tot[1:least(n, kk)];
        ELSE
            SELECT coalesce(array_agg(z.id ORDER BY z.s6 DESC, z.id), '{}'),
                   coalesce(array_agg(z.s6 ORDER BY z.s6 DESC, z.id), '{}'),
                   coalesce(array_agg(z.tot ORDER BY z.s6 DESC, z.id), '{}')
            INTO r_ids, r_s6, r_tot
            FROM (SELECT y.id, y.s6, y.tot FROM (
                      SELECT a.id, a.s6, a.tot
                      FROM unnest(a_ids[1:n], a_s6[1:n], a_tot[1:n]) AS a(id, s6, tot)
                      WHERE a.id <> ALL (flagged)
                      UNION ALL
                      SELECT e.seeker_id, round(e.total * 1000000.0::float8)::bigint, e.total
                      FROM incrocio_oracle_topk_rescore(flagged, ARRAY[pos_id], today, weights) e
                      WHERE e.filters = 0) AS y
                  ORDER BY y.s6 DESC, y.id LIMIT kk) AS z;
        END IF;

        EXIT WHEN m <= lim;
        -- Done when the k-th ranks before the best bound left out.
        EXIT WHEN cardinality(r_ids) = kk
              AND (r_s6[kk] > a_s6[(lim + 1)::integer]
                   OR (r_s6[kk] = a_s6[(lim + 1)::integer] AND r_ids[kk] < a_ids[(lim + 1)::integer]));
        lim := least(lim * 4, 4000000000);
    END LOOP;

    RETURN QUERY SELECT r.id, r.s6, r.tot FROM unnest(r_ids, r_s6, r_tot) AS r(id, s6, tot);
END
$fn$;

-- ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION incrocio_oracle_top_positions(
    seeker uuid, today integer, k integer, weights double precision[] DEFAULT NULL)
RETURNS TABLE (position_id uuid, score6 bigint, total double precision)
LANGUAGE plpgsql STABLE
SET extra_float_digits = 3
-- As for incrocio_oracle_top_seekers: the estimates of the CTEs collapse to a
-- row or two, and nested loops over aggregates follow.
SET enable_nestloop = off
SET work_mem = '64MB'
SET jit = off
AS $fn$
DECLARE
    sid uuid := $1;
    w double precision[] := coalesce(weights, ARRAY[30, 25, 15, 10, 8, 7, 5]::double precision[]);
    wsum double precision;
    kk integer := coalesce(k, 0);
    s record;
    s_lic text[]; s_con text[]; s_wt integer; s_l68 integer; s_bday integer; s_eqf integer;
    age_ok boolean;
    s_skills text[]; s_lcodes text[]; s_lranks integer[];
    s_occ bigint[]; s_months integer[]; s_isexp boolean[];
    kdeg double precision := pi() / 180.0::double precision;
    phi1 double precision; lambda1 double precision; cos_phi1 double precision;
BEGIN
    IF kk <= 0 THEN
        RETURN;
    END IF;
    IF NOT incrocio_oracle_topk_weights_ok(weights) THEN
        RETURN QUERY SELECT * FROM incrocio_oracle_top_positions_ref(sid, today, kk, weights);
        RETURN;
    END IF;
    wsum := 0.0::double precision + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];

    SELECT j.* INTO s FROM job_seekers j WHERE j.id = sid AND j.erased_at IS NULL;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- Excluded from every position: nothing is eligible.
    IF s.did_state IS NULL OR s.did_state NOT IN ('I', 'C') OR NOT s.matching_consent THEN
        RETURN;
    END IF;

    -- The person's record, as records.sql builds it (with its truncation).
    s_lic := ARRAY(SELECT c FROM unnest(s.licences) AS c
                   WHERE c = ANY (incrocio_oracle_licence_codes()));
    s_con := ARRAY(SELECT c FROM unnest(s.contract_types) AS c
                   WHERE c = ANY (incrocio_oracle_contract_codes()));
    s_wt := CASE s.working_time WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2 ELSE 0 END;
    s_l68 := CASE s.l68 WHEN 'art1' THEN 1 WHEN 'art18' THEN 2 ELSE 0 END;
    s_bday := coalesce(s.birth_date - date '1970-01-01', 0);
    SELECT coalesce(max(e.eqf_level), 0) INTO s_eqf
    FROM job_seeker_education e WHERE e.job_seeker_id = sid;
    s_skills := ARRAY(SELECT x.code FROM job_seeker_skills x WHERE x.job_seeker_id = sid
                      ORDER BY x.code COLLATE "C" LIMIT 64);
    SELECT coalesce(array_agg(g.code ORDER BY g.v), '{}'),
           coalesce(array_agg(g.v & 15 ORDER BY g.v), '{}')
    INTO s_lcodes, s_lranks
    FROM (SELECT l.code::text AS code, incrocio_oracle_lang(l.code::text, l.cefr::text) AS v
          FROM job_seeker_languages l
          WHERE l.job_seeker_id = sid
            AND incrocio_oracle_lang(l.code::text, l.cefr::text) IS NOT NULL
          ORDER BY 2 LIMIT 8) AS g;
    SELECT coalesce(array_agg(e.occ ORDER BY e.kind, e.n), '{}'),
           coalesce(array_agg(e.months ORDER BY e.kind, e.n), '{}'),
           coalesce(array_agg(e.kind = 1 ORDER BY e.kind, e.n), '{}')
    INTO s_occ, s_months, s_isexp
    FROM (SELECT * FROM (
              SELECT 0 AS kind, d.n, incrocio_oracle_occ(d.c) AS occ, 0 AS months
              FROM unnest(s.desired_occupations) WITH ORDINALITY AS d(c, n)
              UNION ALL
              SELECT 1, x.ord, incrocio_oracle_occ(x.occupation_code),
                     greatest(0, least(65535,
                         (extract(year FROM age(coalesce(x.to_date, date '1970-01-01' + today),
                                                x.from_date)) * 12
                          + extract(month FROM age(coalesce(x.to_date, date '1970-01-01' + today),
                                                   x.from_date)))::integer))
              FROM job_seeker_experiences x WHERE x.job_seeker_id = sid) AS a
          WHERE a.occ IS NOT NULL
          ORDER BY a.kind, a.n LIMIT 24) AS e;
    age_ok := incrocio_oracle_age(s_bday, today) BETWEEN 18 AND 29;

    phi1 := s.lat * kdeg;
    lambda1 := s.lon * kdeg;
    cos_phi1 := cos(phi1);

    RETURN QUERY
    WITH op AS (
        SELECT pp.id, pp.occupation_code, pp.min_experience_months AS min_exp,
               coalesce(pp.min_eqf, 0) AS min_eqf, pp.contract_type,
               CASE pp.working_time WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2 ELSE 0 END
                   AS pwt,
               coalesce(pp.max_distance_km, 0) AS maxd,
               2.0::double precision * 6371.0::double precision
               * asin(sqrt(LEAST(sin((pp.lat * kdeg - phi1) / 2.0::double precision)
                                 * sin((pp.lat * kdeg - phi1) / 2.0::double precision)
                                 + cos_phi1 * cos(pp.lat * kdeg)
                                   * (sin((pp.lon * kdeg - lambda1) / 2.0::double precision)
                                      * sin((pp.lon * kdeg - lambda1) / 2.0::double precision)),
                                 1.0::double precision))) AS km
        FROM positions pp JOIN vacancies v ON v.id = pp.vacancy_id
        WHERE v.state = 'published'
          AND (v.valid_until IS NULL OR v.valid_until >= date '1970-01-01' + today)
          AND pp.filled < pp.quantity
          AND (pp.licences <@ s_lic
               OR NOT EXISTS (SELECT 1 FROM unnest(pp.licences) AS c
                              WHERE c = ANY (incrocio_oracle_licence_codes())
                                AND c <> ALL (s_lic)))
          AND (cardinality(s_con) = 0 OR pp.contract_type = ANY (s_con))
          AND (s_wt = 0 OR s_wt = CASE pp.working_time WHEN 'full_time' THEN 1
                                                        WHEN 'part_time' THEN 2 ELSE 0 END)
          AND (NOT pp.shifts OR s.shifts)
          AND (NOT pp.l68_reserved OR s_l68 <> 0)
          AND (NOT pp.apprenticeship OR age_ok)
          AND NOT (pp.eqf_required AND s_eqf < coalesce(pp.min_eqf, 0))
        OFFSET 0),
    near AS (
        SELECT o.* FROM op o
        WHERE NOT ((o.maxd <> 0 AND o.km > o.maxd::double precision)
                   OR (NOT s.relocate AND o.km > s.max_travel_km::double precision))),
    ps AS (
        SELECT x.position_id AS id, count(*) AS n, sum(x.weight) AS all_w,
               coalesce(sum(x.weight) FILTER (WHERE x.code = ANY (s_skills)), 0) AS have_w,
               bool_or(x.must_have AND x.code <> ALL (s_skills)) AS missing
        FROM (SELECT ps0.position_id, ps0.code, ps0.weight, ps0.must_have,
                     row_number() OVER (PARTITION BY ps0.position_id
                                        ORDER BY ps0.code COLLATE "C") AS rn
              FROM position_skills ps0 WHERE ps0.position_id IN (SELECT nn.id FROM near nn)) AS x
        WHERE x.rn <= 64
        GROUP BY 1),
    pl AS (
        SELECT y.position_id AS id, count(*) AS n,
               sum(incrocio_oracle_level_fit(y.rank, y.need)) AS fit_sum,
               bool_or(y.required AND y.rank < y.need) AS missing
        FROM (SELECT l.position_id, l.required,
                     incrocio_oracle_cefr_rank(l.min_cefr::text) AS need,
                     coalesce(s_lranks[array_position(s_lcodes, l.code::text)], 0) AS rank,
                     row_number() OVER (PARTITION BY l.position_id
                                        ORDER BY incrocio_oracle_lang(l.code::text,
                                                                      l.min_cefr::text)) AS rn
              FROM position_languages l
              WHERE l.position_id IN (SELECT nn.id FROM near nn)
                AND incrocio_oracle_lang(l.code::text, l.min_cefr::text) IS NOT NULL) AS y
        WHERE y.rn <= 8
        GROUP BY 1),
    oc AS (
        SELECT d.code,
               coalesce(max(incrocio_oracle_shared_levels(o.c, d.packed)), 0) AS lvl,
               coalesce(sum(o.m) FILTER (WHERE o.e AND incrocio_oracle_shared_levels(o.c, d.packed)
                                                     >= 4), 0) AS rel
        FROM (SELECT DISTINCT nn.occupation_code AS code,
                     coalesce(incrocio_oracle_occ(nn.occupation_code), 0) AS packed
              FROM near nn) AS d
        LEFT JOIN unnest(s_occ, s_months, s_isexp) AS o(c, m, e) ON true
        GROUP BY d.code),
    scored AS (
        SELECT n.id,
               CASE WHEN wsum = 0.0::double precision THEN 0.0::double precision ELSE
               (0.0::double precision
                + w[1] * CASE oc.lvl WHEN 5 THEN 1.0::double precision
                                     WHEN 4 THEN 0.8::double precision
                                     WHEN 3 THEN 0.6::double precision
                                     WHEN 2 THEN 0.3::double precision
                                     ELSE 0.0::double precision END
                + w[2] * CASE WHEN coalesce(ps.n, 0) = 0 OR ps.all_w = 0 THEN 1.0::double precision
                              ELSE ps.have_w::double precision / ps.all_w::double precision END
                + w[3] * CASE WHEN n.min_exp = 0 THEN 1.0::double precision
                              WHEN oc.rel >= n.min_exp THEN 1.0::double precision
                              ELSE oc.rel::double precision / n.min_exp::double precision END
                + w[4] * CASE WHEN n.min_eqf = 0 THEN 1.0::double precision
                              ELSE incrocio_oracle_level_fit(s_eqf, n.min_eqf) END
                + w[5] * CASE WHEN coalesce(pl.n, 0) = 0 THEN 1.0::double precision
                              ELSE pl.fit_sum / pl.n::double precision END
                + w[6] * CASE WHEN n.km <= s.max_travel_km::double precision
                                   THEN 1.0::double precision
                              WHEN n.maxd > s.max_travel_km THEN
                                  CASE WHEN (n.maxd::double precision - n.km)
                                            / (n.maxd - s.max_travel_km)::double precision
                                            > 0.0::double precision
                                       THEN (n.maxd::double precision - n.km)
                                            / (n.maxd - s.max_travel_km)::double precision
                                       ELSE 0.0::double precision END
                              ELSE 0.0::double precision END
                + w[7] * (0.5::double precision
                          * CASE WHEN cardinality(s_con) = 0 THEN 0.5::double precision
                                 WHEN n.contract_type = ANY (s_con) THEN 1.0::double precision
                                 ELSE 0.0::double precision END
                          + 0.5::double precision
                          * CASE WHEN s_wt = n.pwt THEN 1.0::double precision
                                 WHEN s_wt = 0 THEN 0.75::double precision
                                 ELSE 0.0::double precision END)
               ) / wsum END AS tot
        FROM near n
        JOIN oc ON oc.code = n.occupation_code
        LEFT JOIN ps ON ps.id = n.id
        LEFT JOIN pl ON pl.id = n.id
        WHERE NOT coalesce(ps.missing, false) AND NOT coalesce(pl.missing, false))
    SELECT r.id, round(r.tot * 1000000.0::double precision)::bigint, r.tot
    FROM scored r
    ORDER BY 2 DESC, 1
    LIMIT kk;
END
$fn$;

-- ---------------------------------------------------------------------------
-- The definition, literally: slow, for checking the fast ones.

CREATE OR REPLACE FUNCTION incrocio_oracle_top_seekers_ref(
    "position" uuid, today integer, k integer, weights double precision[] DEFAULT NULL)
RETURNS TABLE (job_seeker_id uuid, score6 bigint, total double precision)
LANGUAGE sql STABLE
SET extra_float_digits = 3
AS $$
    SELECT s.id, round(o.total * 1000000.0::double precision)::bigint, o.total
    FROM incrocio_oracle_positions(today) AS p
    CROSS JOIN incrocio_oracle_seekers(today) AS s
    CROSS JOIN LATERAL incrocio_oracle_score(s.rec, p.rec, today, weights) AS o
    WHERE p.id = $1 AND o.filters = 0
    ORDER BY 2 DESC, 1
    LIMIT greatest(k, 0)
$$;

CREATE OR REPLACE FUNCTION incrocio_oracle_top_positions_ref(
    seeker uuid, today integer, k integer, weights double precision[] DEFAULT NULL)
RETURNS TABLE (position_id uuid, score6 bigint, total double precision)
LANGUAGE sql STABLE
SET extra_float_digits = 3
AS $$
    SELECT p.id, round(o.total * 1000000.0::double precision)::bigint, o.total
    FROM incrocio_oracle_seekers(today) AS s
    CROSS JOIN incrocio_oracle_positions(today) AS p
    CROSS JOIN LATERAL incrocio_oracle_score(s.rec, p.rec, today, weights) AS o
    WHERE s.id = $1 AND o.filters = 0
    ORDER BY 2 DESC, 1
    LIMIT greatest(k, 0)
$$;
