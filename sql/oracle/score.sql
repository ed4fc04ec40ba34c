-- The SQL oracle of the matching model (DESIGN §5), model version 2026.1.
--
-- incrocio_oracle_score(seeker, pos, today [, weights]) computes in PostgreSQL
-- exactly what incrocio_score() (src/match/score.c) computes in C, from JSON
-- records that mirror struct incrocio_seeker_rec and struct
-- incrocio_position_rec field by field. The top comment of src/match/score.c is
-- the specification; this file reproduces every formula of it in the same
-- order of double precision operations (every constant is cast to
-- double precision so that no numeric arithmetic creeps in), so that the two
-- agree bit for bit: the trigonometric functions of PostgreSQL call the same
-- libm as the C code. tests/db/test_oracle.c checks that on random records.
--
-- Not a migration: the file holds only CREATE OR REPLACE statements and no
-- schema name, so it loads into whatever schema search_path puts first. It is
-- also the reference for the set-based oracle over the real tables: each CTE
-- below is one step of the model, named as in score.c.
--
-- seeker (jsonb), struct incrocio_seeker_rec; a missing field reads as 0 or
-- as an empty list, like a zeroed struct:
--   {"did_eligible": 1, "consent": 1, "l68": 0, "eqf": 4, "working_time": 0,
--    "shifts": 1, "relocate": 0, "contract_mask": 3, "licence_mask": 32,
--    "max_travel_km": 30, "birth_day": 3652, "lat": 41.25, "lon": 14.07,
--    "n_desired": 1,
--    "occ": [336400, 336401],    -- packed CP2021 codes (uint32), desired first
--    "exp_months": [0, 24],      -- parallel to occ (read for i >= n_desired)
--    "skills": [3, 8, 15],       -- uint32 ids, sorted ascending, distinct
--    "langs": [18, 35]}          -- id << 4 | CEFR rank
--   n_occ, n_skills and n_langs are the lengths of the lists; as in C, only
--   the first 24 codes, 64 skills and 8 languages are read.
--
-- pos (jsonb), struct incrocio_position_rec:
--   {"occupation": 336400, "contract": 1, "working_time": 1, "shifts": 0,
--    "l68_reserved": 0, "apprenticeship": 0, "min_eqf": 4, "eqf_required": 1,
--    "licence_mask": 32, "min_experience_months": 12, "max_distance_km": 50,
--    "lat": 41.1, "lon": 14.2,
--    "skills": [{"id": 3, "must_have": 1, "weight": 2}, ...],  -- sorted by id
--    "langs": [19, 36],          -- id << 4 | minimum rank
--    "langs_required": [1, 0]}   -- parallel to langs
--   Again only the first 64 skills and 8 languages are read.
--
-- Flags (did_eligible, consent, shifts, relocate, eqf_required, must_have,
-- langs_required, ...) are uint8 in C: any non-zero value is true. Numbers
-- must be exact: lat and lon written with 17 significant digits read back as
-- the same double. Both skill lists must be sorted by id and distinct, as the
-- index builds them: C finds the matches by a merge walk, this file by
-- membership, which agree only then.
--
-- today and birth_day are days since 1970-01-01 (int32 in C). The age is the
-- civil one of score.c: years between the two proleptic Gregorian dates, less
-- one when (month, day) of today comes before that of the birth, so that 29
-- February births turn a year older on 1 March of common years. It is computed
-- on date '1970-01-01' + n (PostgreSQL's calendar is the proleptic Gregorian
-- one too), with the year of a BC date moved to astronomical numbering (1 BC
-- is year 0, as in C); day numbers must lie within PostgreSQL's date range,
-- -2440588 (4714-11-24 BC) .. 2145042906, which C does not need. Only read for
-- apprenticeship positions. The helper functions below are called unqualified:
-- the schema they are loaded into must be on search_path when the oracle runs.
--
-- weights: the seven component weights in component order (occupation,
-- skills, experience, education, languages, distance, contract); NULL or
-- omitted means the defaults 30/25/15/10/8/7/5, like a NULL pointer in C.
--
-- Result: one row (filters, the seven components, total, km,
-- occupation_level), every component computed even when a filter excludes.
-- Filter bits as enum incrocio_filter: 1 DID, 2 CONSENT, 4 LICENCE, 8 SKILL,
-- 16 EDUCATION, 32 LANGUAGE, 64 DISTANCE, 128 CONTRACT, 256 HOURS, 512 L68,
-- 1024 APPRENTICESHIP.

-- Shared levels of two CP2021 codes: leading equal nibbles of bits 19..0,
-- stopping at the first difference, 0..5.
CREATE OR REPLACE FUNCTION incrocio_oracle_shared_levels(a bigint, b bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN (a >> 16) & 15 <> (b >> 16) & 15 THEN 0
        WHEN (a >> 12) & 15 <> (b >> 12) & 15 THEN 1
        WHEN (a >> 8) & 15 <> (b >> 8) & 15 THEN 2
        WHEN (a >> 4) & 15 <> (b >> 4) & 15 THEN 3
        WHEN a & 15 <> b & 15 THEN 4
        ELSE 5
    END
$$;

-- One partial credit rule for EQF and CEFR: meeting the level 1.0, one step
-- short 0.5, anything less 0.0.
CREATE OR REPLACE FUNCTION incrocio_oracle_level_fit(have integer, need integer)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN have >= need THEN 1.0::double precision
        WHEN have + 1 = need THEN 0.5::double precision
        ELSE 0.0::double precision
    END
$$;

-- Age in full years on day today of a person born on day birth_day (days
-- since 1970-01-01), as age_years() in score.c.
CREATE OR REPLACE FUNCTION incrocio_oracle_age(birth_day integer, today integer)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT ty - by - CASE WHEN (tm, td) < (bm, bd) THEN 1 ELSE 0 END
    FROM (SELECT date '1970-01-01' + birth_day AS b, date '1970-01-01' + today AS t) AS d,
    LATERAL (SELECT
        extract(year FROM d.b)::integer + CASE WHEN extract(year FROM d.b) < 0 THEN 1 ELSE 0 END AS by,
        extract(month FROM d.b)::integer AS bm,
        extract(day FROM d.b)::integer AS bd,
        extract(year FROM d.t)::integer + CASE WHEN extract(year FROM d.t) < 0 THEN 1 ELSE 0 END AS ty,
        extract(month FROM d.t)::integer AS tm,
        extract(day FROM d.t)::integer AS td) AS c
$$;

CREATE OR REPLACE FUNCTION incrocio_oracle_score(
    seeker jsonb, pos jsonb, today integer,
    weights double precision[] DEFAULT NULL)
RETURNS TABLE (
    filters integer,
    occupation double precision,
    skills double precision,
    experience double precision,
    education double precision,
    languages double precision,
    distance double precision,
    contract double precision,
    total double precision,
    km double precision,
    occupation_level integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $oracle$
WITH
-- The records, field by field (uint8 flags stay integers: non-zero is true).
s AS (
    SELECT
        coalesce((seeker ->> 'did_eligible')::integer, 0) AS did_eligible,
        coalesce((seeker ->> 'consent')::integer, 0) AS consent,
        coalesce((seeker ->> 'l68')::integer, 0) AS l68,
        coalesce((seeker ->> 'eqf')::integer, 0) AS eqf,
        coalesce((seeker ->> 'working_time')::integer, 0) AS working_time,
        coalesce((seeker ->> 'shifts')::integer, 0) AS shifts,
        coalesce((seeker ->> 'relocate')::integer, 0) AS relocate,
        coalesce((seeker ->> 'contract_mask')::integer, 0) AS contract_mask,
        coalesce((seeker ->> 'licence_mask')::integer, 0) AS licence_mask,
        coalesce((seeker ->> 'max_travel_km')::integer, 0) AS max_travel_km,
        coalesce((seeker ->> 'birth_day')::integer, 0) AS birth_day,
        coalesce((seeker ->> 'lat')::double precision, 0.0::double precision) AS lat,
        coalesce((seeker ->> 'lon')::double precision, 0.0::double precision) AS lon,
        coalesce((seeker ->> 'n_desired')::integer, 0) AS n_desired),
p AS (
    SELECT
        coalesce((pos ->> 'occupation')::bigint, 0) AS occupation,
        coalesce((pos ->> 'contract')::integer, 0) AS contract,
        coalesce((pos ->> 'working_time')::integer, 0) AS working_time,
        coalesce((pos ->> 'shifts')::integer, 0) AS shifts,
        coalesce((pos ->> 'l68_reserved')::integer, 0) AS l68_reserved,
        coalesce((pos ->> 'apprenticeship')::integer, 0) AS apprenticeship,
        coalesce((pos ->> 'min_eqf')::integer, 0) AS min_eqf,
        coalesce((pos ->> 'eqf_required')::integer, 0) AS eqf_required,
        coalesce((pos ->> 'licence_mask')::integer, 0) AS licence_mask,
        coalesce((pos ->> 'min_experience_months')::integer, 0) AS min_experience_months,
        coalesce((pos ->> 'max_distance_km')::integer, 0) AS max_distance_km,
        coalesce((pos ->> 'lat')::double precision, 0.0::double precision) AS lat,
        coalesce((pos ->> 'lon')::double precision, 0.0::double precision) AS lon),
-- Distance, km: haversine on a sphere of 6371.0 km, in score.c's order.
geo AS (
    SELECT s.lat * k AS phi1, p.lat * k AS phi2, s.lon * k AS lambda1, p.lon * k AS lambda2
    FROM s, p, (SELECT pi() / 180.0::double precision AS k) AS c),
hav AS (
    SELECT sin((phi2 - phi1) / 2.0::double precision) AS sphi,
           sin((lambda2 - lambda1) / 2.0::double precision) AS slambda,
           phi1, phi2
    FROM geo),
dist AS (
    SELECT 2.0::double precision * 6371.0::double precision
           * asin(sqrt(LEAST(sphi * sphi + cos(phi1) * cos(phi2) * (slambda * slambda),
                             1.0::double precision))) AS km
    FROM hav),
-- occ[0 .. n_occ), n_occ clamped to 24, with the levels shared with the
-- position's occupation; i is the C index.
occ AS (
    SELECT (o.ord - 1)::integer AS i,
           coalesce((seeker -> 'exp_months' ->> (o.ord - 1)::integer)::integer, 0) AS months,
           incrocio_oracle_shared_levels(o.code::bigint, p.occupation) AS level
    FROM p, jsonb_array_elements_text(coalesce(seeker -> 'occ', '[]'::jsonb))
         WITH ORDINALITY AS o(code, ord)
    WHERE o.ord <= 24),
occupation AS (
    SELECT coalesce(max(level), 0) AS level FROM occ),
-- Skills: the seeker's first 64 ids; the position's first 64 skills in order.
seeker_skills AS (
    SELECT x.id::bigint AS id
    FROM jsonb_array_elements_text(coalesce(seeker -> 'skills', '[]'::jsonb))
         WITH ORDINALITY AS x(id, ord)
    WHERE x.ord <= 64),
pos_skills AS (
    SELECT x.ord,
           (x.skill ->> 'id')::bigint AS id,
           coalesce((x.skill ->> 'must_have')::integer, 0) AS must_have,
           coalesce((x.skill ->> 'weight')::integer, 0) AS weight,
           EXISTS (SELECT 1 FROM seeker_skills AS ss
                   WHERE ss.id = (x.skill ->> 'id')::bigint) AS has
    FROM jsonb_array_elements(coalesce(pos -> 'skills', '[]'::jsonb))
         WITH ORDINALITY AS x(skill, ord)
    WHERE x.ord <= 64),
skills AS (
    SELECT count(*) AS n,
           coalesce(sum(weight::double precision ORDER BY ord), 0.0::double precision) AS all_w,
           coalesce(sum(weight::double precision ORDER BY ord) FILTER (WHERE has),
                    0.0::double precision) AS have_w,
           coalesce(bool_or(NOT has AND must_have <> 0), false) AS missing
    FROM pos_skills),
-- Languages: the seeker's first 8 entries; the position's first 8 in order,
-- each with the seeker's rank in it (largest rank among its entries, else 0).
seeker_langs AS (
    SELECT x.v::integer AS v
    FROM jsonb_array_elements_text(coalesce(seeker -> 'langs', '[]'::jsonb))
         WITH ORDINALITY AS x(v, ord)
    WHERE x.ord <= 8),
pos_langs AS (
    SELECT x.ord,
           x.v::integer & 15 AS need,
           coalesce((pos -> 'langs_required' ->> (x.ord - 1)::integer)::integer, 0) AS required,
           coalesce((SELECT max(sl.v & 15) FROM seeker_langs AS sl
                     WHERE sl.v >> 4 = x.v::integer >> 4), 0) AS rank
    FROM jsonb_array_elements_text(coalesce(pos -> 'langs', '[]'::jsonb))
         WITH ORDINALITY AS x(v, ord)
    WHERE x.ord <= 8),
langs AS (
    SELECT count(*) AS n,
           coalesce(sum(incrocio_oracle_level_fit(rank, need) ORDER BY ord),
                    0.0::double precision) AS fit_sum,
           coalesce(bool_or(required <> 0 AND rank < need), false) AS missing
    FROM pos_langs),
-- Experience: months of entries i >= n_desired in the same 4th-level group.
experience AS (
    SELECT coalesce(sum(occ.months) FILTER (WHERE occ.i >= s.n_desired AND occ.level >= 4), 0)
           AS relevant
    FROM s LEFT JOIN occ ON true),
-- contract_mask has 8 bits: a contract index from 8 up is never accepted.
fit AS (
    SELECT p.contract < 8 AND (s.contract_mask & (1 << CASE WHEN p.contract < 8
                                                            THEN p.contract ELSE 0 END)) <> 0
           AS contract_ok
    FROM s, p),
filtered AS (
    SELECT
        CASE WHEN s.did_eligible = 0 THEN 1 ELSE 0 END
        | CASE WHEN s.consent = 0 THEN 2 ELSE 0 END
        | CASE WHEN (p.licence_mask & ~s.licence_mask) <> 0 THEN 4 ELSE 0 END
        | CASE WHEN skills.missing THEN 8 ELSE 0 END
        | CASE WHEN p.eqf_required <> 0 AND s.eqf < p.min_eqf THEN 16 ELSE 0 END
        | CASE WHEN langs.missing THEN 32 ELSE 0 END
        | CASE WHEN (p.max_distance_km <> 0 AND dist.km > p.max_distance_km::double precision)
                    OR (s.relocate = 0 AND dist.km > s.max_travel_km::double precision)
               THEN 64 ELSE 0 END
        | CASE WHEN s.contract_mask <> 0 AND NOT fit.contract_ok THEN 128 ELSE 0 END
        | CASE WHEN (s.working_time <> 0 AND s.working_time <> p.working_time)
                    OR (p.shifts <> 0 AND s.shifts = 0) THEN 256 ELSE 0 END
        | CASE WHEN p.l68_reserved <> 0 AND s.l68 = 0 THEN 512 ELSE 0 END
        -- A nested CASE, not AND: only it promises that the birth date is
        -- read (and must be a valid date) for apprenticeships alone.
        | CASE WHEN p.apprenticeship = 0 THEN 0
               WHEN incrocio_oracle_age(s.birth_day, today) BETWEEN 18 AND 29 THEN 0
               ELSE 1024 END AS filters
    FROM s, p, skills, langs, dist, fit),
components AS (
    SELECT
        CASE occupation.level
            WHEN 5 THEN 1.0::double precision
            WHEN 4 THEN 0.8::double precision
            WHEN 3 THEN 0.6::double precision
            WHEN 2 THEN 0.3::double precision
            ELSE 0.0::double precision
        END AS c_occupation,
        CASE WHEN skills.n = 0 OR skills.all_w = 0.0::double precision THEN 1.0::double precision
             ELSE skills.have_w / skills.all_w END AS c_skills,
        CASE WHEN p.min_experience_months = 0 THEN 1.0::double precision
             WHEN experience.relevant >= p.min_experience_months THEN 1.0::double precision
             ELSE experience.relevant::double precision
                  / p.min_experience_months::double precision END AS c_experience,
        CASE WHEN p.min_eqf = 0 THEN 1.0::double precision
             ELSE incrocio_oracle_level_fit(s.eqf, p.min_eqf) END AS c_education,
        CASE WHEN langs.n = 0 THEN 1.0::double precision
             ELSE langs.fit_sum / langs.n::double precision END AS c_languages,
        CASE WHEN dist.km <= s.max_travel_km::double precision THEN 1.0::double precision
             WHEN p.max_distance_km > s.max_travel_km THEN
                 CASE WHEN (p.max_distance_km::double precision - dist.km)
                           / (p.max_distance_km - s.max_travel_km)::double precision
                           > 0.0::double precision
                      THEN (p.max_distance_km::double precision - dist.km)
                           / (p.max_distance_km - s.max_travel_km)::double precision
                      ELSE 0.0::double precision END
             ELSE 0.0::double precision END AS c_distance,
        0.5::double precision
            * CASE WHEN s.contract_mask = 0 THEN 0.5::double precision
                   WHEN fit.contract_ok THEN 1.0::double precision
                   ELSE 0.0::double precision END
        + 0.5::double precision
            * CASE WHEN s.working_time = p.working_time THEN 1.0::double precision
                   WHEN s.working_time = 0 THEN 0.75::double precision
                   ELSE 0.0::double precision END AS c_contract,
        occupation.level,
        dist.km
    FROM s, p, occupation, skills, experience, langs, dist, fit),
-- Total: W = Σ w[i], P = Σ w[i] · c[i], running sums from 0.0 in component order.
w AS (
    SELECT coalesce(weights, ARRAY[30, 25, 15, 10, 8, 7, 5]::double precision[]) AS w),
sums AS (
    SELECT
        0.0::double precision + w.w[1] + w.w[2] + w.w[3] + w.w[4] + w.w[5] + w.w[6] + w.w[7]
            AS wsum,
        0.0::double precision
            + w.w[1] * c.c_occupation
            + w.w[2] * c.c_skills
            + w.w[3] * c.c_experience
            + w.w[4] * c.c_education
            + w.w[5] * c.c_languages
            + w.w[6] * c.c_distance
            + w.w[7] * c.c_contract AS psum
    FROM w, components AS c)
SELECT
    f.filters,
    c.c_occupation, c.c_skills, c.c_experience, c.c_education, c.c_languages,
    c.c_distance, c.c_contract,
    CASE WHEN f.filters <> 0 OR sums.wsum = 0.0::double precision THEN 0.0::double precision
         ELSE sums.psum / sums.wsum END,
    c.km,
    c.level
FROM filtered AS f, components AS c, sums
$oracle$;
