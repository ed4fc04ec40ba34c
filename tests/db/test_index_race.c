/* Readers never see a half-updated record (issue 6, item 2): while one
 * thread flips a job seeker between two states in PostgreSQL and refreshes
 * the index after each flip, reader threads explain that person against an
 * open position and search the position's matches, and every answer must be
 * one whole state: the distance evidence (km and the person's own limit)
 * never mixes the two, and the person is listed exactly when eligible.
 * DATABASE_URL; the data comes from the seeded tables (test_loader seeds an
 * empty database first: the db suite runs serially, in file order). */
#include <jansson.h>
#include <libpq-fe.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbtest.h"

#include "incrocio/match_index.h"

#define FLIPS 150
#define READERS 2

/* State A: at the workplace, travels 11 km (eligible: km 0).
 * State B: 0.1° of latitude north (11.1195 km), travels 5 km and does not
 * relocate: beyond its own limit, so excluded by distance. */
#define TRAVEL_A 11
#define TRAVEL_B 5

struct shared {
    struct incrocio_match_index *ix;
    char seeker[37], position[37];
    atomic_int done;
    atomic_long checks, torn;
};

static int32_t today(void)
{
    return (int32_t)(time(NULL) / 86400);
}

/* The distance evidence of one explanation: (km, max_travel_km). */
static void distance_of(const json_t *explanation, double *km, long *travel)
{
    const json_t *c = json_array_get(json_object_get(explanation, "components"), 5);
    const json_t *e = json_object_get(c, "evidence");
    *km = json_number_value(json_object_get(e, "km"));
    *travel = (long)json_integer_value(json_object_get(e, "max_travel_km"));
}

static void *reader(void *arg)
{
    struct shared *sh = arg;
    struct incrocio_match_query q = {.limit = INCROCIO_MATCH_MAX_LIMIT};
    struct incrocio_match_result *r = malloc(sizeof *r);

    while (!atomic_load(&sh->done)) {
        json_t *x = NULL;
        uint32_t rank;
        int64_t score6;
        struct incrocio_match_model model;
        double km;
        long travel;

        if (incrocio_match_explain_pair(sh->ix, sh->position, sh->seeker, &x, &rank, &score6,
                                        &model) != INCROCIO_OK) {
            atomic_fetch_add(&sh->torn, 1);
            continue;
        }
        distance_of(x, &km, &travel);
        int a = travel == TRAVEL_A && km == 0.0;
        int b = travel == TRAVEL_B && fabs(km - 11.119) < 0.01;
        size_t filters = json_array_size(json_object_get(x, "filters"));
        /* B is excluded by distance (at least); A may be excluded by other
         * filters of this position, but never by distance. */
        if (!(a || b) || (b && filters == 0) || (b && rank != 0))
            atomic_fetch_add(&sh->torn, 1);
        json_decref(x);

        /* The ranking too: the person is listed only in state A. */
        if (incrocio_match_for_position(sh->ix, sh->position, &q, r) == INCROCIO_OK) {
            for (size_t i = 0; i < r->n; i++) {
                if (strcmp(r->hits[i].id, sh->seeker) != 0)
                    continue;
                distance_of(r->hits[i].explanation, &km, &travel);
                if (travel != TRAVEL_A || km != 0.0)
                    atomic_fetch_add(&sh->torn, 1);
            }
            incrocio_match_result_clear(r);
        }
        atomic_fetch_add(&sh->checks, 1);
    }
    free(r);
    return NULL;
}

static void test_readers_see_whole_records(void **state)
{
    (void)state;
    PGconn *pg = connect_db();
    struct shared sh;
    pthread_t threads[READERS];
    char lat_a[32], lon[32], lat_b[32], old_lat[32], old_lon[32], old_travel[16], old_reloc[8];

    memset(&sh, 0, sizeof sh);
    /* An open position without a limit of its own, and a live person. */
    PGresult *res = query(pg,
                          "SELECT p.id, p.lat, p.lon FROM positions p JOIN vacancies v"
                          " ON v.id = p.vacancy_id WHERE v.state = 'published'"
                          " AND (v.valid_until IS NULL OR v.valid_until >= current_date)"
                          " AND p.filled < p.quantity AND p.max_distance_km IS NULL"
                          " AND p.lat IS NOT NULL ORDER BY p.id LIMIT 1",
                          0, NULL);
    if (PQntuples(res) != 1)
        skip();
    snprintf(sh.position, sizeof sh.position, "%s", PQgetvalue(res, 0, 0));
    double plat = strtod(PQgetvalue(res, 0, 1), NULL);
    snprintf(lat_a, sizeof lat_a, "%s", PQgetvalue(res, 0, 1));
    snprintf(lon, sizeof lon, "%s", PQgetvalue(res, 0, 2));
    snprintf(lat_b, sizeof lat_b, "%.17g", plat + 0.1);
    PQclear(res);
    res = query(pg,
                "SELECT id, lat, lon, max_travel_km, relocate FROM job_seekers"
                " WHERE erased_at IS NULL AND lat IS NOT NULL ORDER BY id LIMIT 1",
                0, NULL);
    assert_int_equal(PQntuples(res), 1);
    snprintf(sh.seeker, sizeof sh.seeker, "%s", PQgetvalue(res, 0, 0));
    snprintf(old_lat, sizeof old_lat, "%s", PQgetvalue(res, 0, 1));
    snprintf(old_lon, sizeof old_lon, "%s", PQgetvalue(res, 0, 2));
    snprintf(old_travel, sizeof old_travel, "%s", PQgetvalue(res, 0, 3));
    snprintf(old_reloc, sizeof old_reloc, "%s", PQgetvalue(res, 0, 4));
    PQclear(res);

    static const char flip_sql[] = "UPDATE job_seekers SET lat = $2::float8, lon = $3::float8,"
                                   " max_travel_km = $4::integer, relocate = $5::boolean"
                                   " WHERE id = $1::uuid";
    const char *a[5] = {sh.seeker, lat_a, lon, "11", "false"};
    const char *b[5] = {sh.seeker, lat_b, lon, "5", "false"};
    const char *ids[1] = {sh.seeker};
    PQclear(query(pg, flip_sql, 5, a));
    assert_int_equal(incrocio_match_index_new(pg, today(), NULL, &sh.ix), INCROCIO_OK);

    for (int i = 0; i < READERS; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, reader, &sh), 0);
    for (int flip = 0; flip < FLIPS; flip++) {
        PQclear(query(pg, flip_sql, 5, flip % 2 ? a : b));
        assert_int_equal(incrocio_match_index_refresh(sh.ix, pg, ids, 1, NULL, 0), INCROCIO_OK);
    }
    atomic_store(&sh.done, 1);
    for (int i = 0; i < READERS; i++)
        pthread_join(threads[i], NULL);

    const char *restore[5] = {sh.seeker, old_lat, old_lon, old_travel, old_reloc};
    PQclear(query(pg, flip_sql, 5, restore));
    incrocio_match_index_free(sh.ix);
    PQfinish(pg);
    printf("# %d flips, %ld consistent reads checked, %ld torn\n", FLIPS, atomic_load(&sh.checks),
           atomic_load(&sh.torn));
    assert_true(atomic_load(&sh.checks) > 0);
    assert_int_equal(atomic_load(&sh.torn), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_readers_see_whole_records)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
