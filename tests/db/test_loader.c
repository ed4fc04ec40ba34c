/* The matching index's loader (src/match/load.c) against the SQL oracle
 * (DATABASE_URL): the loader's records, scored in C, must give what
 * sql/oracle/records.sql's records give scored by sql/oracle/score.sql, on
 * the real tables. Both mappings are written independently from the same
 * specification (load.c's top comment), so a mistake on either side shows as
 * a difference. Filters and occupation level must be identical, components
 * and km within 1e-12, totals within 1e-9 (the oracle's own tolerances). */
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbtest.h"

#include "incrocio/codes.h"
#include "incrocio/match_load.h"
#include "incrocio/score.h"
#include "incrocio/seed.h"

#ifndef ORACLE_SQL
#error "ORACLE_SQL must name sql/oracle/score.sql (tests/db/meson.build)"
#endif
#ifndef RECORDS_SQL
#error "RECORDS_SQL must name sql/oracle/records.sql (tests/db/meson.build)"
#endif

#define SCHEMA "incrocio_loader_test"
#define MAX_SEEKERS 300
#define STR_(x) #x
#define STR(x) STR_(x)
#define SEED 20260115u

/* The result of sql with $1 = today; the caller PQclear()s it. */
static PGresult *query_today(PGconn *pg, const char *sql, int32_t today)
{
    char t[16];
    const char *params[1] = {t};
    snprintf(t, sizeof t, "%d", (int)today);
    PGresult *res = PQexecParams(pg, sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    return res;
}

static long count_today(PGconn *pg, const char *sql, int32_t today)
{
    PGresult *res = query_today(pg, sql, today);
    long n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return n;
}

static void load_sql_file(PGconn *pg, const char *path)
{
    char *sql = read_file(path);
    exec_ok(pg, sql);
    free(sql);
}

static double parse_double(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0')
        fail_msg("not a number: %s", s);
    return v;
}

/* Counted independently of load.c's SQL: what "live" and "open" mean. */
static const char live_seekers_sql[] =
    "SELECT count(*) FROM job_seekers WHERE erased_at IS NULL AND $1::integer IS NOT NULL";
static const char open_positions_sql[] =
    "SELECT count(*) FROM positions p JOIN vacancies v ON v.id = p.vacancy_id"
    " WHERE v.state = 'published' AND p.filled < p.quantity"
    " AND coalesce(v.valid_until >= date '1970-01-01' + $1::integer, true)";

/* ids sorted by strcmp (uuid order is the order of their hex text). */
static const char **sorted_ids(char (*ids)[37], size_t n)
{
    const char **v = malloc((n ? n : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = ids[i];
    return v;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Index of id in the loader's ids, through a sorted copy of pointers. */
static size_t index_of(const char **sorted, size_t n, char (*base)[37], const char *id)
{
    const char **hit = bsearch(&id, sorted, n, sizeof *sorted, cmp_str);
    if (!hit)
        fail_msg("id %s from SQL is not in the C set", id);
    return (size_t)(*hit - base[0]) / sizeof base[0];
}

/* The SQL side's ids (ORDER BY in C order) equal the C side's. */
static void assert_same_ids(PGconn *pg, const char *sql, int32_t today, const char **c_sorted,
                            size_t n, const char *what)
{
    PGresult *res = query_today(pg, sql, today);
    if ((size_t)PQntuples(res) != n)
        fail_msg("%s: %d in SQL, %zu in C", what, PQntuples(res), n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(PQgetvalue(res, (int)i, 0), c_sorted[i]) != 0)
            fail_msg("%s: SQL %s, C %s at %zu", what, PQgetvalue(res, (int)i, 0), c_sorted[i], i);
    PQclear(res);
}

/* records.sql's copy of a codes.h list is the list. */
static void assert_same_list(PGconn *pg, const char *fn, const char *const *list)
{
    char sql[128];
    size_t len = 1;
    for (int i = 0; list[i]; i++)
        len += strlen(list[i]) + 1;
    char *joined = calloc(1, len);
    assert_non_null(joined);
    for (int i = 0; list[i]; i++) {
        if (i)
            strcat(joined, ",");
        strcat(joined, list[i]);
    }
    snprintf(sql, sizeof sql, "SELECT array_to_string(%s(), ',')", fn);
    PGresult *res = PQexec(pg, sql);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_string_equal(PQgetvalue(res, 0, 0), joined);
    PQclear(res);
    free(joined);
}

static void test_loader_agrees_with_oracle(void **state)
{
    PGconn *pg = connect_db();
    struct incrocio_match_set *set = NULL;

    (void)state;
    /* Exact doubles in text, whatever the server's default. */
    exec_ok(pg, "SET extra_float_digits = 3");
    exec_ok(pg, "SET client_min_messages = warning");
    PGresult *res = PQexec(pg, "SELECT (now() AT TIME ZONE 'UTC')::date - date '1970-01-01'");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    int32_t today = (int32_t)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);

    /* Enough realistic data to mean something. */
    if (count_today(pg, live_seekers_sql, today) < 200)
        assert_int_equal(incrocio_seed_job_seekers(pg, 300, SEED, stdout, stderr), 0);
    if (count_today(pg, open_positions_sql, today) < 50)
        assert_int_equal(incrocio_seed_vacancies(pg, 80, SEED, stdout, stderr), 0);
    long n_live = count_today(pg, live_seekers_sql, today);
    long n_open = count_today(pg, open_positions_sql, today);
    assert_true(n_live >= 200);
    assert_true(n_open >= 50);

    assert_int_equal(incrocio_match_load_new(pg, today, &set), INCROCIO_OK);
    assert_non_null(set);
    assert_int_equal(set->n_seekers, (size_t)n_live);
    assert_int_equal(set->n_positions, (size_t)n_open);
    /* The loader leaves the connection as it found it. */
    assert_int_equal(PQtransactionStatus(pg), PQTRANS_IDLE);

    exec_ok(pg, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE");
    exec_ok(pg, "CREATE SCHEMA " SCHEMA);
    exec_ok(pg, "SET search_path = " SCHEMA ", public");
    load_sql_file(pg, ORACLE_SQL);
    load_sql_file(pg, RECORDS_SQL);
    load_sql_file(pg, RECORDS_SQL); /* CREATE OR REPLACE: loading twice is harmless */
    assert_same_list(pg, "incrocio_oracle_licence_codes", incrocio_licences);
    assert_same_list(pg, "incrocio_oracle_contract_codes", incrocio_contract_types);
    assert_same_list(pg, "incrocio_oracle_language_codes", incrocio_iso639_1);

    /* The same people, positions and interned skills on both sides. */
    const char **s_sorted = sorted_ids(set->seeker_ids, set->n_seekers);
    const char **p_sorted = sorted_ids(set->position_ids, set->n_positions);
    qsort(s_sorted, set->n_seekers, sizeof *s_sorted, cmp_str);
    qsort(p_sorted, set->n_positions, sizeof *p_sorted, cmp_str);
    assert_same_ids(
        pg, "SELECT id::text FROM incrocio_oracle_seekers($1) ORDER BY id::text COLLATE \"C\"",
        today, s_sorted, set->n_seekers, "seekers");
    assert_same_ids(
        pg, "SELECT id::text FROM incrocio_oracle_positions($1) ORDER BY id::text COLLATE \"C\"",
        today, p_sorted, set->n_positions, "positions");
    res = query_today(pg, "SELECT code FROM incrocio_oracle_skill_ids($1) ORDER BY id", today);
    assert_int_equal((size_t)PQntuples(res), set->n_skills);
    for (size_t i = 0; i < set->n_skills; i++)
        assert_string_equal(PQgetvalue(res, (int)i, 0), set->skill_codes[i]);
    PQclear(res);

    /* Every pair of the first seekers (by id) with every open position,
     * scored by the oracle over the SQL-built records, set-based. */
    res = query_today(
        pg,
        "WITH s AS (SELECT * FROM incrocio_oracle_seekers($1)"
        "   ORDER BY id::text COLLATE \"C\" LIMIT " STR(
            MAX_SEEKERS) "),"
                         " p AS (SELECT * FROM incrocio_oracle_positions($1))"
                         " SELECT s.id, p.id, o.filters, o.occupation, o.skills, o.experience,"
                         " o.education, o.languages, o.distance, o.contract, o.total, o.km,"
                         " o.occupation_level"
                         " FROM s CROSS JOIN p, LATERAL incrocio_oracle_score(s.rec, p.rec, $1) o",
        today);
    size_t n_sel = set->n_seekers < MAX_SEEKERS ? set->n_seekers : MAX_SEEKERS;
    size_t n_pairs = n_sel * set->n_positions;
    assert_int_equal((size_t)PQntuples(res), n_pairs);

    /* Local seeker number: rank among the first n_sel ids. */
    unsigned char *seen = calloc(n_pairs ? n_pairs : 1, 1);
    assert_non_null(seen);
    double max_comp[INCROCIO_C_COUNT] = {0}, max_km = 0, max_total = 0;
    unsigned long eligible = 0, exact = 0;
    for (int row = 0; row < PQntuples(res); row++) {
        const char *sid = PQgetvalue(res, row, 0), *pid = PQgetvalue(res, row, 1);
        size_t si = index_of(s_sorted, set->n_seekers, set->seeker_ids, sid);
        size_t pi = index_of(p_sorted, set->n_positions, set->position_ids, pid);
        const char **rank = bsearch(&sid, s_sorted, set->n_seekers, sizeof *s_sorted, cmp_str);
        size_t local = (size_t)(rank - s_sorted);
        if (local >= n_sel)
            fail_msg("seeker %s is not among the first %zu", sid, n_sel);
        if (seen[local * set->n_positions + pi]++)
            fail_msg("pair %s × %s twice", sid, pid);

        struct incrocio_score c;
        incrocio_score(&set->seekers[si], &set->positions[pi], NULL, today, &c);
        unsigned filters = (unsigned)strtoul(PQgetvalue(res, row, 2), NULL, 10);
        unsigned level = (unsigned)strtoul(PQgetvalue(res, row, 12), NULL, 10);
        if (filters != c.filters || level != c.occupation_level)
            fail_msg("%s × %s: filters C %u SQL %u, level C %u SQL %u", sid, pid, c.filters,
                     filters, c.occupation_level, level);
        int same = 1;
        for (int k = 0; k < INCROCIO_C_COUNT; k++) {
            double v = parse_double(PQgetvalue(res, row, 3 + k)), d = fabs(v - c.component[k]);
            if (d > max_comp[k])
                max_comp[k] = d;
            if (!(d <= 1e-12))
                fail_msg("%s × %s: component %d C %.17g SQL %.17g", sid, pid, k, c.component[k], v);
            same &= v == c.component[k];
        }
        double total = parse_double(PQgetvalue(res, row, 10));
        double km = parse_double(PQgetvalue(res, row, 11));
        double dt = fabs(total - c.total), dk = fabs(km - c.km);
        if (dt > max_total)
            max_total = dt;
        if (dk > max_km)
            max_km = dk;
        if (!(dt <= 1e-9))
            fail_msg("%s × %s: total C %.17g SQL %.17g", sid, pid, c.total, total);
        if (!(dk <= 1e-12))
            fail_msg("%s × %s: km C %.17g SQL %.17g", sid, pid, c.km, km);
        same &= total == c.total && km == c.km;
        exact += (unsigned long)same;
        if (c.filters == 0)
            eligible++;
    }
    PQclear(res);

    printf("loader: %zu seekers, %zu open positions, %zu skills; %zu pairs checked, %lu bit for "
           "bit, %lu eligible\n",
           set->n_seekers, set->n_positions, set->n_skills, n_pairs, exact, eligible);
    printf("loader: max |SQL - C|: km %.3g, total %.3g, components", max_km, max_total);
    for (int k = 0; k < INCROCIO_C_COUNT; k++)
        printf(" %.3g", max_comp[k]);
    printf("\n");
    /* Realistic data must reach the interesting case. */
    assert_true(eligible > 0);

    free(seen);
    free(s_sorted);
    free(p_sorted);
    incrocio_match_set_free(set);
    exec_ok(pg, "DROP SCHEMA " SCHEMA " CASCADE");
    PQfinish(pg);
}

int main(void)
{
    if (!getenv("DATABASE_URL")) {
        printf("DATABASE_URL not set: skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loader_agrees_with_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
