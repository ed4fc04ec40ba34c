/* The matching index's top-k (src/match/index.c) against the set-based SQL
 * oracle (sql/oracle/topk.sql) on random data (DATABASE_URL).
 *
 * A database of its own (incrocio_topk_test, dropped and made again, migrated
 * by incrocio_migrate_run) is seeded by src/seed.c with thousands of job
 * seekers and hundreds of open positions, plus hand-made cases the seeder
 * never makes: exact copies of people (ties that only the id breaks), people
 * whose skills, languages and occupation codes overflow what the records keep
 * (64, 8, 24) with the overflow sorted first, desired occupations of other
 * shapes, a position with more than 64 skills and more than 8 languages, one
 * with an unknown contract type, licence and language, erased people.
 *
 * Then, for every open position, incrocio_match_for_position() read page by
 * page through the cursor (limits 1 to INCROCIO_MATCH_MAX_LIMIT) until 50
 * results must equal incrocio_oracle_top_seekers(position, today, 50): the
 * same ids in the same order, score6 equal, the total (from the explanation's
 * components) within 1e-9. The same for every live job seeker with
 * incrocio_match_for_seeker() and incrocio_oracle_top_positions(). Then again
 * with non-default weights (incrocio_match_index_set_model, and the same
 * array to the oracle). considered and eligible are checked against SQL
 * counts for a few of each, and the fast oracle against its literal
 * definition (the _ref functions) for a few. On a difference the test prints
 * the pair that differs, scored by each side alone, and fails.
 *
 * TOPK_SEEKERS and TOPK_EMPLOYERS override the seeded sizes (for a quicker
 * run while working on it). */
#include <jansson.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbtest.h"

#include "incrocio/match_index.h"
#include "incrocio/migrate.h"
#include "incrocio/score.h"
#include "incrocio/seed.h"

#ifndef ORACLE_SQL
#error "ORACLE_SQL must name sql/oracle/score.sql (tests/db/meson.build)"
#endif
#ifndef RECORDS_SQL
#error "RECORDS_SQL must name sql/oracle/records.sql (tests/db/meson.build)"
#endif
#ifndef TOPK_SQL
#error "TOPK_SQL must name sql/oracle/topk.sql (tests/db/meson.build)"
#endif

#define TEST_DB "incrocio_topk_test"
#define SCHEMA "incrocio_topk_oracle"
#define K 50 /* the oracle queries below ask for 50 */
#define SEED 20261126u
#define DEFAULT_SEEKERS 4000
#define DEFAULT_EMPLOYERS 220
#define MAX_REPORTS 5

_Static_assert(K == 50, "the oracle queries ask for the top 50");

static const size_t page_limits[] = {1, 7, 23, 50, INCROCIO_MATCH_MAX_LIMIT, 3, 13};

/* ---- connections ---- */

static PGconn *connect_to(const char *dbname)
{
    const char *url = getenv("DATABASE_URL");
    const char *keys[] = {"dbname", dbname ? "dbname" : NULL, NULL};
    const char *values[] = {url, dbname, NULL};
    PGconn *pg;

    assert_non_null(url);
    pg = PQconnectdbParams(keys, values, 1);
    if (PQstatus(pg) != CONNECTION_OK)
        fail_msg("connect to %s: %s", dbname ? dbname : "DATABASE_URL", PQerrorMessage(pg));
    return pg;
}

/* A keyword=value conninfo naming what pg is connected to (for the
 * migrations, which take a string). The caller frees it. */
static char *conninfo_of(PGconn *pg)
{
    PQconninfoOption *opts = PQconninfo(pg);
    size_t cap = 256, len = 0;
    char *out = malloc(cap);

    assert_non_null(opts);
    assert_non_null(out);
    out[0] = '\0';
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || !*o->val)
            continue;
        size_t need = len + strlen(o->keyword) + 2 * strlen(o->val) + 8;
        if (need > cap) {
            cap = need * 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        len += (size_t)sprintf(out + len, "%s%s='", len ? " " : "", o->keyword);
        for (const char *c = o->val; *c; c++) {
            if (*c == '\'' || *c == '\\')
                out[len++] = '\\';
            out[len++] = *c;
        }
        out[len++] = '\'';
        out[len] = '\0';
    }
    PQconninfoFree(opts);
    return out;
}

static void load_sql_file(PGconn *pg, const char *path)
{
    char *sql = read_file(path);
    exec_ok(pg, sql);
    free(sql);
}

static long count_of(PGconn *pg, const char *sql, int n, const char *const *params)
{
    PGresult *res = query(pg, sql, n, params);
    long v = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return v;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int env_int(const char *name, int dflt)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : dflt;
}

/* ---- the hand-made cases ---- */

static const char *const edge_sql[] = {
    /* Exact copies (the same coordinates too) of 150 eligible people: ties
     * that only the id breaks. No codice fiscale (it is unique). */
    "CREATE TEMP TABLE twin_map AS"
    " SELECT id AS old_id, gen_random_uuid() AS new_id FROM job_seekers"
    " WHERE erased_at IS NULL AND did_state IN ('I', 'C') AND matching_consent"
    " ORDER BY id LIMIT 150",
    "INSERT INTO job_seekers (id, given_name, family_name, birth_date, birth_year, sex,"
    " citizenship, domicile_comune, lat, lon, office_code, licences, it_skills,"
    " desired_occupations, contract_types, working_time, shifts, max_travel_km, relocate, l68,"
    " matching_consent, did_state)"
    " SELECT m.new_id, j.given_name, j.family_name, j.birth_date, j.birth_year, j.sex,"
    " j.citizenship, j.domicile_comune, j.lat, j.lon, j.office_code, j.licences, j.it_skills,"
    " j.desired_occupations, j.contract_types, j.working_time, j.shifts, j.max_travel_km,"
    " j.relocate, j.l68, j.matching_consent, j.did_state"
    " FROM twin_map m JOIN job_seekers j ON j.id = m.old_id",
    "INSERT INTO job_seeker_education SELECT m.new_id, e.ord, e.title, e.eqf_level, e.year"
    " FROM twin_map m JOIN job_seeker_education e ON e.job_seeker_id = m.old_id",
    "INSERT INTO job_seeker_languages SELECT m.new_id, l.code, l.cefr"
    " FROM twin_map m JOIN job_seeker_languages l ON l.job_seeker_id = m.old_id",
    "INSERT INTO job_seeker_skills SELECT m.new_id, s.code, s.level"
    " FROM twin_map m JOIN job_seeker_skills s ON s.job_seeker_id = m.old_id",
    "INSERT INTO job_seeker_experiences SELECT m.new_id, x.ord, x.occupation_code,"
    " x.from_date, x.to_date, x.contract_type, x.employer_name"
    " FROM twin_map m JOIN job_seeker_experiences x ON x.job_seeker_id = m.old_id",

    /* Overflowing people: 40 eligible ones (not twins) get padding that sorts
     * before their own data, so that the records keep the padding and drop
     * what matters. */
    "CREATE TEMP TABLE overflow AS"
    " SELECT id, row_number() OVER (ORDER BY id DESC) AS n FROM job_seekers"
    " WHERE erased_at IS NULL AND did_state IN ('I', 'C') AND matching_consent"
    " AND id NOT IN (SELECT old_id FROM twin_map) ORDER BY id DESC LIMIT 40",
    /* Skills: 70 pads for some (none of their own kept), 62 for others (some
     * kept). */
    "INSERT INTO job_seeker_skills (job_seeker_id, code, level)"
    " SELECT o.id, 'aa_pad_' || lpad(g::text, 2, '0'), 1 FROM overflow o,"
    " generate_series(0, CASE WHEN o.n % 2 = 0 THEN 69 ELSE 61 END) g WHERE o.n % 4 IN (0, 1)",
    /* Languages: nine known ones before 'en' in the list (and 'xx', unknown). */
    "INSERT INTO job_seeker_languages (job_seeker_id, code, cefr)"
    " SELECT o.id, c, 'C2' FROM overflow o,"
    " unnest(ARRAY['aa', 'ab', 'af', 'ak', 'am', 'ar', 'az', 'be', 'bg', 'xx']) c"
    " WHERE o.n % 4 IN (1, 2) ON CONFLICT DO NOTHING",
    "INSERT INTO job_seeker_languages (job_seeker_id, code, cefr)"
    " SELECT o.id, 'en', 'C2' FROM overflow o WHERE o.n % 4 IN (1, 2)"
    " ON CONFLICT (job_seeker_id, code) DO UPDATE SET cefr = 'C2'",
    /* Occupations: 25 desired ones, some of other shapes, then 30
     * experiences in the groups positions ask for, beyond the 24 kept. */
    "UPDATE job_seekers j SET desired_occupations = ARRAY['9.9.9.9.9', '5.2.2', 'abc',"
    " '8.8.8.8.1', '8.8.8.8.2', '8.8.8.8.3', '8.8.8.8.4', '8.8.8.8.5', '8.8.8.8.6', '8.8.8.8.7',"
    " '8.8.8.8.8', '8.8.8.8.9', '8.8.8.7.1', '8.8.8.7.2', '8.8.8.7.3', '8.8.8.7.4', '8.8.8.7.5',"
    " '8.8.8.7.6', '8.8.8.7.7', '8.8.8.7.8', '8.8.8.7.9', '8.8.8.6.1', '8.8.8.6.2',"
    " '5.2.2.1.0.1', '8.8.8.6.3']"
    " FROM overflow o WHERE o.id = j.id AND o.n % 4 IN (2, 3)",
    "INSERT INTO job_seeker_experiences (job_seeker_id, ord, occupation_code, from_date,"
    " to_date, contract_type)"
    " SELECT o.id, 100 + g, (ARRAY['5.2.2.1.0', '5.1.2.2.0', '8.1.3.1.0', '6.1.2.1.0',"
    " '4.1.1.1.0', '2.1.1.4.1', '5.3.1.1.0', '6.4.1.1.0'])[1 + g % 8],"
    " date '2020-01-01', date '2022-06-30', 'determinato'"
    " FROM overflow o, generate_series(1, 30) g WHERE o.n % 4 IN (0, 3)",
    /* A few leave: erased people are not live. */
    "SELECT job_seeker_erase(id) FROM (SELECT id FROM job_seekers WHERE erased_at IS NULL"
    " AND id NOT IN (SELECT old_id FROM twin_map) AND id NOT IN (SELECT id FROM overflow)"
    " ORDER BY id LIMIT 5) e",

    /* Positions the API would not make: copies of open ones with more than
     * 64 skills (padding sorting first) and more than 8 languages; one with
     * an unknown contract type, licence and language. */
    "CREATE TEMP TABLE odd_pos AS"
    " SELECT p.id AS old_id, gen_random_uuid() AS new_id,"
    " row_number() OVER (ORDER BY p.id) AS n"
    " FROM positions p JOIN vacancies v ON v.id = p.vacancy_id"
    " WHERE v.state = 'published' AND p.filled < p.quantity"
    " ORDER BY p.id LIMIT 6",
    "INSERT INTO positions (id, vacancy_id, ord, occupation_code, title, quantity, filled,"
    " contract_type, working_time, weekly_hours, shifts, workplace_comune, lat, lon,"
    " remote_share, min_eqf, eqf_required, licences, min_experience_months, max_distance_km,"
    " l68_reserved, apprenticeship)"
    " SELECT o.new_id, p.vacancy_id, p.ord + 100, p.occupation_code, p.title, p.quantity,"
    " p.filled, CASE WHEN o.n = 3 THEN 'stagionale' ELSE p.contract_type END, p.working_time,"
    " p.weekly_hours, p.shifts, p.workplace_comune, p.lat, p.lon, p.remote_share, p.min_eqf,"
    " p.eqf_required, CASE WHEN o.n = 3 THEN p.licences || '{XX}' ELSE p.licences END,"
    " p.min_experience_months, coalesce(p.max_distance_km, 60), p.l68_reserved,"
    " p.apprenticeship"
    " FROM odd_pos o JOIN positions p ON p.id = o.old_id",
    "INSERT INTO position_skills (position_id, code, must_have, weight)"
    " SELECT o.new_id, s.code, s.must_have, s.weight"
    " FROM odd_pos o JOIN position_skills s ON s.position_id = o.old_id",
    "INSERT INTO position_skills (position_id, code, must_have, weight)"
    " SELECT o.new_id, 'aa_pad_' || lpad(g::text, 2, '0'), false, 1 + g % 5"
    " FROM odd_pos o, generate_series(0, CASE WHEN o.n % 2 = 0 THEN 69 ELSE 62 END) g"
    " WHERE o.n IN (1, 2, 5)",
    "INSERT INTO position_languages (position_id, code, min_cefr, required)"
    " SELECT o.new_id, c, 'A1', false FROM odd_pos o,"
    " unnest(ARRAY['aa', 'ab', 'af', 'ak', 'am', 'ar', 'az', 'be', 'bg']) c"
    " WHERE o.n IN (2, 4)",
    "INSERT INTO position_languages (position_id, code, min_cefr, required)"
    " SELECT o.new_id, c, 'B1', o.n = 4 FROM odd_pos o, unnest(ARRAY['en', 'zz']) c"
    " WHERE o.n IN (2, 3, 4)",
    NULL};

/* ---- one search, paged ---- */

struct row {
    char id[37];
    int64_t score6;
    double total;
};

struct ranking {
    size_t n;
    struct row v[K];
    size_t considered, eligible;
    size_t pages;
};

/* The total from an explanation: Σ w·c / Σ w in component order, as score.c
 * computes it. */
static double total_of(const json_t *explanation)
{
    const json_t *list = json_object_get(explanation, "components");
    double wsum = 0.0, psum = 0.0;
    size_t i;
    const json_t *c;

    assert_true(json_is_array(list));
    assert_int_equal(json_array_size(list), INCROCIO_C_COUNT);
    json_array_foreach (list, i, c) {
        double w = json_number_value(json_object_get(c, "weight"));
        double v = json_number_value(json_object_get(c, "value"));
        wsum += w;
        psum += w * v;
    }
    return wsum == 0.0 ? 0.0 : psum / wsum;
}

/* The index's first K, page by page. */
static void index_ranking(struct incrocio_match_index *ix, int for_position, const char *id,
                          size_t first_limit, struct ranking *out)
{
    struct incrocio_match_query q;
    static struct incrocio_match_result r;
    size_t turn = first_limit;

    memset(out, 0, sizeof *out);
    memset(&q, 0, sizeof q);
    for (;;) {
        size_t want = K - out->n;
        q.limit = page_limits[turn++ % (sizeof page_limits / sizeof page_limits[0])];
        incrocio_err err = for_position ? incrocio_match_for_position(ix, id, &q, &r)
                                        : incrocio_match_for_seeker(ix, id, &q, &r);
        if (err != INCROCIO_OK)
            fail_msg("%s %s: %s", for_position ? "position" : "seeker", id, incrocio_err_str(err));
        if (out->pages == 0) {
            out->considered = r.considered;
            out->eligible = r.eligible;
        } else if (r.considered != out->considered || r.eligible != out->eligible) {
            fail_msg("%s: considered/eligible changed between pages", id);
        }
        out->pages++;
        if (r.n > q.limit)
            fail_msg("%s: %zu hits for limit %zu", id, r.n, q.limit);
        for (size_t i = 0; i < r.n && i < want; i++) {
            struct row *row = &out->v[out->n++];
            if (r.hits[i].rank != out->n)
                fail_msg("%s: hit %zu has rank %u", id, out->n, r.hits[i].rank);
            snprintf(row->id, sizeof row->id, "%s", r.hits[i].id);
            row->score6 = r.hits[i].score6;
            row->total = total_of(r.hits[i].explanation);
        }
        int more = r.more;
        size_t got = r.n;
        if (got > 0) {
            const struct incrocio_match_hit *last = &r.hits[got - 1];
            q.after = 1;
            q.after_score6 = last->score6;
            snprintf(q.after_id, sizeof q.after_id, "%s", last->id);
            q.after_rank = last->rank;
        }
        incrocio_match_result_clear(&r);
        if (out->n >= K || !more || got == 0)
            break;
        if (out->pages > 2 * K + 2)
            fail_msg("%s: the cursor does not advance", id);
    }
}

static void oracle_ranking(PGconn *pg, int for_position, const char *id, const char *today,
                           const char *weights, struct ranking *out)
{
    const char *params[3] = {id, today, weights};
    static const char seekers_sql[] = "SELECT job_seeker_id, score6, total FROM"
                                      " incrocio_oracle_top_seekers($1::uuid, $2::integer,"
                                      " 50, $3::float8[])";
    static const char positions_sql[] = "SELECT position_id, score6, total FROM"
                                        " incrocio_oracle_top_positions($1::uuid, $2::integer,"
                                        " 50, $3::float8[])";
    PGresult *res = query(pg, for_position ? seekers_sql : positions_sql, 3, params);
    memset(out, 0, sizeof *out);
    out->n = (size_t)PQntuples(res);
    assert_true(out->n <= K);
    for (size_t i = 0; i < out->n; i++) {
        snprintf(out->v[i].id, sizeof out->v[i].id, "%s", PQgetvalue(res, (int)i, 0));
        out->v[i].score6 = strtoll(PQgetvalue(res, (int)i, 1), NULL, 10);
        out->v[i].total = strtod(PQgetvalue(res, (int)i, 2), NULL);
    }
    PQclear(res);
}

/* One pair scored by each side alone: the index's explanation, and the
 * oracle's incrocio_oracle_score() on that pair's records. */
static void report_pair(struct incrocio_match_index *ix, PGconn *pg, const char *position,
                        const char *seeker, const char *today, const char *weights)
{
    json_t *ex = NULL;
    uint32_t rank = 0;
    int64_t s6 = 0;
    struct incrocio_match_model model;
    incrocio_err err = incrocio_match_explain_pair(ix, position, seeker, &ex, &rank, &s6, &model);
    const char *params[4] = {seeker, position, today, weights};
    PGresult *res = query(pg,
                          "SELECT filters, total, round(total * 1000000.0::float8)::bigint FROM"
                          " incrocio_oracle_topk_rescore(ARRAY[$1::uuid], ARRAY[$2::uuid],"
                          " $3::integer, $4::float8[])",
                          4, params);
    printf("  pair position %s × seeker %s:\n", position, seeker);
    if (err == INCROCIO_OK)
        printf("    index : rank %u, score6 %lld, total %.17g\n", rank, (long long)s6,
               total_of(ex));
    else
        printf("    index : %s\n", incrocio_err_str(err));
    if (PQntuples(res) == 1)
        printf("    oracle: filters %s, score6 %s, total %s\n", PQgetvalue(res, 0, 0),
               PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 1));
    else
        printf("    oracle: not scored (not live/open)\n");
    if (ex) {
        char *text = json_dumps(ex, JSON_COMPACT);
        printf("    index explanation: %s\n", text ? text : "?");
        free(text);
        json_decref(ex);
    }
    PQclear(res);
}

/* 0 when equal; else prints the first difference and the pairs involved. */
static int compare(struct incrocio_match_index *ix, PGconn *pg, int for_position, const char *id,
                   const struct ranking *got, const struct ranking *want, const char *today,
                   const char *weights, double *max_dt)
{
    size_t i;
    for (i = 0; i < got->n && i < want->n; i++) {
        double dt = fabs(got->v[i].total - want->v[i].total);
        if (dt > *max_dt)
            *max_dt = dt;
        if (strcmp(got->v[i].id, want->v[i].id) != 0 || got->v[i].score6 != want->v[i].score6 ||
            !(dt <= 1e-9))
            break;
    }
    if (i == got->n && i == want->n)
        return 0;
    printf("MISMATCH %s %s (weights %s), rank %zu: index %zu rows, oracle %zu rows\n",
           for_position ? "position" : "seeker", id, weights ? weights : "default", i + 1, got->n,
           want->n);
    if (i < got->n)
        printf("  index : %s score6 %lld total %.17g\n", got->v[i].id, (long long)got->v[i].score6,
               got->v[i].total);
    if (i < want->n)
        printf("  oracle: %s score6 %lld total %.17g\n", want->v[i].id,
               (long long)want->v[i].score6, want->v[i].total);
    if (i < got->n)
        report_pair(ix, pg, for_position ? id : got->v[i].id, for_position ? got->v[i].id : id,
                    today, weights);
    if (i < want->n)
        report_pair(ix, pg, for_position ? id : want->v[i].id, for_position ? want->v[i].id : id,
                    today, weights);
    return 1;
}

struct tally {
    size_t searches, rows, pages, mismatches, full, ties;
    double max_dt;
};

/* Every id of list against the oracle in one direction. */
static void check_all(struct incrocio_match_index *ix, PGconn *pg, int for_position, PGresult *list,
                      const char *today, const char *weights, struct tally *t)
{
    static struct ranking got, want;
    int n = PQntuples(list);
    for (int i = 0; i < n; i++) {
        const char *id = PQgetvalue(list, i, 0);
        index_ranking(ix, for_position, id, (size_t)i, &got);
        oracle_ranking(pg, for_position, id, today, weights, &want);
        t->searches++;
        t->rows += want.n;
        t->pages += got.pages;
        t->full += want.n == K;
        for (size_t j = 1; j < want.n; j++)
            t->ties += want.v[j].score6 == want.v[j - 1].score6;
        if (got.eligible < want.n || (want.n < K && got.eligible != want.n)) {
            printf("MISMATCH %s %s: index eligible %zu, oracle %zu rows\n",
                   for_position ? "position" : "seeker", id, got.eligible, want.n);
            t->mismatches++;
        }
        if (compare(ix, pg, for_position, id, &got, &want, today, weights, &t->max_dt) != 0)
            t->mismatches++;
        if (t->mismatches >= MAX_REPORTS)
            break;
    }
}

/* considered and eligible of a few against counts in SQL: live people or
 * open positions, and the oracle's eligible ones (k unbounded; the literal
 * definition for the first). */
static void check_counts(struct incrocio_match_index *ix, PGconn *pg, int for_position,
                         PGresult *list, const char *today, const char *weights, size_t *checked)
{
    static struct ranking got;
    long in_scope =
        count_of(pg,
                 for_position ? "SELECT count(*) FROM job_seekers WHERE erased_at IS NULL"
                              : "SELECT count(*) FROM positions p JOIN vacancies v"
                                " ON v.id = p.vacancy_id WHERE v.state = 'published'"
                                " AND p.filled < p.quantity AND coalesce(v.valid_until >="
                                " date '1970-01-01' + $1::integer, true)",
                 for_position ? 0 : 1, (const char *[]){today});
    int n = PQntuples(list);
    for (int i = 0; i < n; i += n / 6 + 1) {
        const char *id = PQgetvalue(list, i, 0);
        const char *params[3] = {id, today, weights};
        index_ranking(ix, for_position, id, 0, &got);
        long eligible =
            count_of(pg,
                     for_position ? "SELECT count(*) FROM incrocio_oracle_top_seekers($1::uuid,"
                                    " $2::integer, 2147483647, $3::float8[])"
                                  : "SELECT count(*) FROM incrocio_oracle_top_positions($1::uuid,"
                                    " $2::integer, 2147483647, $3::float8[])",
                     3, params);
        if (got.considered != (size_t)in_scope || got.eligible != (size_t)eligible)
            fail_msg("%s %s: index considered %zu eligible %zu, SQL %ld and %ld",
                     for_position ? "position" : "seeker", id, got.considered, got.eligible,
                     in_scope, eligible);
        if (i == 0) {
            long literal = count_of(
                pg,
                for_position ? "SELECT count(*) FROM incrocio_oracle_top_seekers_ref($1::uuid,"
                               " $2::integer, 2147483647, $3::float8[])"
                             : "SELECT count(*) FROM incrocio_oracle_top_positions_ref($1::uuid,"
                               " $2::integer, 2147483647, $3::float8[])",
                3, params);
            if (literal != eligible)
                fail_msg("%s %s: eligible %ld by the fast oracle, %ld by its definition",
                         for_position ? "position" : "seeker", id, eligible, literal);
        }
        (*checked)++;
    }
}

/* The fast oracle against its literal definition, top K, for the given ids. */
static void check_definition(PGconn *pg, int for_position, const char *sql_ids, const char *today,
                             const char *weights, size_t *checked)
{
    const char *params[2] = {today, weights};
    char sql[1024];
    snprintf(sql, sizeof sql,
             "WITH ids AS (%s),"
             " f AS (SELECT i.id, x.*, row_number() OVER (PARTITION BY i.id) AS rk FROM ids i,"
             "   LATERAL incrocio_oracle_top_%s(i.id, $1::integer, 50, $2::float8[]) x),"
             " r AS (SELECT i.id, x.*, row_number() OVER (PARTITION BY i.id) AS rk FROM ids i,"
             "   LATERAL incrocio_oracle_top_%s_ref(i.id, $1::integer, 50, $2::float8[]) x)"
             " SELECT count(*) FILTER (WHERE f.id IS NULL OR r.id IS NULL"
             "   OR (f.*)::text <> (r.*)::text), count(*), count(DISTINCT coalesce(f.id, r.id))"
             " FROM f FULL JOIN r USING (id, rk)",
             sql_ids, for_position ? "seekers" : "positions",
             for_position ? "seekers" : "positions");
    PGresult *res = query(pg, sql, 2, params);
    long bad = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    long rows = strtol(PQgetvalue(res, 0, 1), NULL, 10);
    long ids = strtol(PQgetvalue(res, 0, 2), NULL, 10);
    PQclear(res);
    if (bad != 0)
        fail_msg("the fast oracle differs from its definition in %ld of %ld rows (%s)", bad, rows,
                 for_position ? "positions" : "seekers");
    *checked += (size_t)ids;
}

static void run_direction_set(struct incrocio_match_index *ix, PGconn *pg, PGresult *positions,
                              PGresult *seekers, const char *today, const char *weights,
                              const char *label)
{
    struct tally tp = {0}, ts = {0};
    double t0 = now_s();
    check_all(ix, pg, 1, positions, today, weights, &tp);
    double t1 = now_s();
    check_all(ix, pg, 0, seekers, today, weights, &ts);
    double t2 = now_s();
    printf("topk (%s): %zu positions compared (%zu rows, %zu with %d, %zu ties, %zu pages),"
           " %zu mismatches, %.1f s\n",
           label, tp.searches, tp.rows, tp.full, K, tp.ties, tp.pages, tp.mismatches, t1 - t0);
    printf("topk (%s): %zu seekers compared (%zu rows, %zu with %d, %zu ties, %zu pages),"
           " %zu mismatches, %.1f s\n",
           label, ts.searches, ts.rows, ts.full, K, ts.ties, ts.pages, ts.mismatches, t2 - t1);
    printf("topk (%s): max |total index - oracle| %.3g\n", label,
           tp.max_dt > ts.max_dt ? tp.max_dt : ts.max_dt);
    fflush(stdout);
    assert_int_equal(tp.mismatches + ts.mismatches, 0);
    /* The data must reach the interesting cases. */
    assert_true(tp.full > 0 && ts.full > 0);
    assert_true(tp.ties > 0);
}

static void test_topk_agrees_with_oracle(void **state)
{
    (void)state;
    int n_seekers = env_int("TOPK_SEEKERS", DEFAULT_SEEKERS);
    int n_employers = env_int("TOPK_EMPLOYERS", DEFAULT_EMPLOYERS);
    double t0 = now_s();

    /* A database of our own. */
    PGconn *admin = connect_to(NULL);
    exec_ok(admin, "SET client_min_messages = warning");
    exec_ok(admin, "DROP DATABASE IF EXISTS " TEST_DB " WITH (FORCE)");
    exec_ok(admin, "CREATE DATABASE " TEST_DB);
    PGconn *pg = connect_to(TEST_DB);
    char *conninfo = conninfo_of(pg);
    char why[512];
    int applied = 0;
    if (incrocio_migrate_run(conninfo, &applied, why, sizeof why) != INCROCIO_OK)
        fail_msg("migrate: %s", why);
    free(conninfo);
    exec_ok(pg, "SET client_min_messages = warning");

    PGresult *res = PQexec(pg, "SELECT (now() AT TIME ZONE 'UTC')::date - date '1970-01-01'");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    char today[16];
    snprintf(today, sizeof today, "%s", PQgetvalue(res, 0, 0));
    int32_t day = (int32_t)strtol(today, NULL, 10);
    PQclear(res);

    FILE *devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    assert_int_equal(incrocio_seed_job_seekers(pg, n_seekers, SEED, devnull, stderr), 0);
    assert_int_equal(incrocio_seed_vacancies(pg, n_employers, SEED, devnull, stderr), 0);
    fclose(devnull);
    for (int i = 0; edge_sql[i]; i++)
        exec_ok(pg, edge_sql[i]);
    exec_ok(pg, "ANALYZE");
    double t1 = now_s();

    exec_ok(pg, "CREATE SCHEMA " SCHEMA);
    exec_ok(pg, "SET search_path = " SCHEMA ", public");
    load_sql_file(pg, ORACLE_SQL);
    load_sql_file(pg, RECORDS_SQL);
    load_sql_file(pg, TOPK_SQL);

    struct incrocio_match_model model = {1, incrocio_default_weights};
    struct incrocio_match_index *ix = NULL;
    assert_int_equal(incrocio_match_index_new(pg, day, &model, &ix), INCROCIO_OK);
    assert_non_null(ix);
    struct incrocio_match_stats st;
    incrocio_match_index_stats(ix, &st);
    double t2 = now_s();

    PGresult *positions =
        query(pg, "SELECT id FROM incrocio_oracle_open_positions($1::integer) ORDER BY id", 1,
              (const char *[]){today});
    PGresult *seekers = query(
        pg, "SELECT id FROM job_seekers WHERE erased_at IS NULL ORDER BY md5(id::text)", 0, NULL);
    assert_int_equal((size_t)PQntuples(positions), st.positions);
    assert_int_equal((size_t)PQntuples(seekers), st.seekers);
    printf("topk: %zu live seekers, %zu open positions, %zu skills; seeded in %.1f s, index "
           "built in %.2f s\n",
           st.seekers, st.positions, st.skills, t1 - t0, t2 - t1);
    /* Thousands and hundreds, unless asked for less. */
    assert_true(st.seekers >= (size_t)n_seekers && st.positions >= (size_t)n_employers);

    /* The oracle against its definition, on the hand-made cases first. */
    size_t defs = 0;
    check_definition(pg, 1,
                     "(SELECT new_id AS id FROM odd_pos WHERE n IN (2, 3, 5)) UNION ALL"
                     " (SELECT id FROM incrocio_oracle_open_positions($1::integer)"
                     " ORDER BY md5(id::text) LIMIT 1)",
                     today, NULL, &defs);
    check_definition(pg, 0,
                     "(SELECT id FROM overflow WHERE n <= 3) UNION ALL"
                     " (SELECT new_id FROM twin_map ORDER BY new_id LIMIT 1)",
                     today, NULL, &defs);
    printf("topk: the fast oracle equals its definition (top %d) for %zu positions and seekers "
           "with eligible matches\n",
           K, defs);

    run_direction_set(ix, pg, positions, seekers, today, NULL, "default weights");
    size_t counted = 0;
    check_counts(ix, pg, 1, positions, today, NULL, &counted);
    check_counts(ix, pg, 0, seekers, today, NULL, &counted);
    printf("topk: considered and eligible equal the SQL counts for %zu searches\n", counted);

    /* Other weights, in the index and in the oracle. */
    static const char weights_text[] = "{10,40,5,20,3,12,1.5}";
    struct incrocio_match_model other = {2, {{10, 40, 5, 20, 3, 12, 1.5}}};
    incrocio_match_index_set_model(ix, &other);
    defs = 0;
    check_definition(pg, 1, "SELECT new_id AS id FROM odd_pos WHERE n IN (1, 4)", today,
                     weights_text, &defs);
    check_definition(pg, 0, "SELECT id FROM overflow WHERE n IN (4, 5)", today, weights_text,
                     &defs);
    counted = 0;
    check_counts(ix, pg, 1, positions, today, weights_text, &counted);
    run_direction_set(ix, pg, positions, seekers, today, weights_text,
                      "weights {10,40,5,20,3,12,1.5}");

    PQclear(positions);
    PQclear(seekers);
    incrocio_match_index_free(ix);
    PQfinish(pg);
    exec_ok(admin, "DROP DATABASE " TEST_DB " WITH (FORCE)");
    PQfinish(admin);
    printf("topk: %.1f s in all\n", now_s() - t0);
}

/* score6: PostgreSQL's round(float8) is rint() (ties to even), like the
 * index's rint(total * 1e6): the same on ties and on random totals. */
static void test_score6_rounding_agrees(void **state)
{
    (void)state;
    PGconn *pg = connect_to(NULL);
    char *list = malloc(64 * 4300);
    size_t len = 0, n = 0;
    double v[4300];
    uint64_t x = 0x5EED5EEDULL;

    assert_non_null(list);
    exec_ok(pg, "SET extra_float_digits = 3");
    /* Exact ties, and totals whose product lands on or near .5. */
    static const double ties[] = {0.5,       1.5,       2.5,       3.5,       1234566.5, 1234567.5,
                                  0.0000005, 0.0000015, 0.0000025, 0.1234565, 0.5000005, 0.9999995};
    for (size_t i = 0; i < sizeof ties / sizeof ties[0]; i++)
        v[n++] = ties[i];
    /* j / 128 · 1e6 = j · 15625 / 2, exactly: a tie for every odd j. */
    for (int j = 0; j <= 128; j++)
        v[n++] = j / 128.0;
    for (int i = 0; i < 4000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double t = (double)(x >> 11) / 9007199254740992.0;
        if (i % 4 == 0) /* k / 2e6: the product is next to a tie */
            t = (double)(x % 2000000) / 2000000.0;
        v[n++] = t;
    }
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(list + len, "%s%.17g", i ? "," : "{", v[i]);
    strcpy(list + len, "}");
    const char *params[1] = {list};
    PGresult *res = query(pg,
                          "SELECT round(t * 1000000.0::float8)::bigint, round(t)::bigint"
                          " FROM unnest($1::float8[]) WITH ORDINALITY AS u(t, i) ORDER BY i",
                          1, params);
    assert_int_equal((size_t)PQntuples(res), n);
    size_t ties_seen = 0;
    for (size_t i = 0; i < n; i++) {
        long long sql6 = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
        long long sql0 = strtoll(PQgetvalue(res, (int)i, 1), NULL, 10);
        double p = v[i] * 1e6;
        if (sql6 != (long long)rint(p) || sql0 != (long long)rint(v[i]))
            fail_msg("%.17g: SQL %lld/%lld, C %lld/%lld", v[i], sql6, sql0, (long long)rint(p),
                     (long long)rint(v[i]));
        ties_seen += (p - floor(p) == 0.5) + (v[i] - floor(v[i]) == 0.5);
    }
    PQclear(res);
    printf("score6: round(t * 1000000.0) in SQL equals rint(t * 1e6) in C for %zu totals (%zu "
           "exact ties)\n",
           n, ties_seen);
    assert_true(ties_seen > 10);
    free(list);
    PQfinish(pg);
}

int main(void)
{
    if (!getenv("DATABASE_URL")) {
        printf("DATABASE_URL not set: skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score6_rounding_agrees),
        cmocka_unit_test(test_topk_agrees_with_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
