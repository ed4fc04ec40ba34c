/* The pool against a real PostgreSQL (DATABASE_URL): hygiene on checkin,
 * exhaustion, concurrency, dead connections, an unreachable server. Includes
 * pool.c to look inside connections (h2o style). */
/* cmocka.h needs these first, in this order. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#include <stdlib.h>
#include <time.h>

#include "../../src/db/pool.c"

static const char *url(void)
{
    const char *u = getenv("DATABASE_URL");
    return u ? u : "";
}

static const struct incrocio_stmt ok_stmt = {INCROCIO_STMT_OFFICE_GET, 1,
                                             "SELECT code FROM offices WHERE code = $1"};
/* Same id on purpose in its own pool: fails at run time with 22P02. */
static const struct incrocio_stmt bad_stmt = {INCROCIO_STMT_OFFICES_LIST, 1, "SELECT $1::int"};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_checkout_exec_checkin(void **state)
{
    struct incrocio_db_pool *pool;
    struct incrocio_db_conn *c;
    const char *v[] = {"CE08"};
    PGresult *res;

    (void)state;
    assert_int_equal(incrocio_db_pool_new(url(), 2, 500, &pool), INCROCIO_OK);
    assert_int_equal(incrocio_db_pool_healthy(pool), 1);
    assert_int_equal(incrocio_db_checkout(pool, &c), INCROCIO_OK);
    assert_int_equal(incrocio_db_exec(c, &ok_stmt, v, &res), INCROCIO_OK);
    assert_int_equal(PQntuples(res), 1);
    assert_string_equal(PQgetvalue(res, 0, 0), "CE08");
    PQclear(res);
    assert_int_equal(c->prepared[ok_stmt.id], 1);
    incrocio_db_checkin(pool, c);
    incrocio_db_pool_free(pool);
}

static void test_open_transaction_is_rolled_back(void **state)
{
    struct incrocio_db_pool *pool;
    struct incrocio_db_conn *c, *c2;
    PGresult *res;

    (void)state;
    assert_int_equal(incrocio_db_pool_new(url(), 1, 500, &pool), INCROCIO_OK);
    assert_int_equal(incrocio_db_checkout(pool, &c), INCROCIO_OK);
    assert_int_equal(incrocio_db_begin(c), INCROCIO_OK);
    res = PQexec(c->pg, "CREATE TEMP TABLE left_behind (x int)");
    PQclear(res);
    assert_int_equal(PQtransactionStatus(c->pg), PQTRANS_INTRANS);
    incrocio_db_checkin(pool, c);
    assert_int_equal(incrocio_db_checkout(pool, &c2), INCROCIO_OK);
    assert_ptr_equal(c, c2);
    assert_int_equal(PQtransactionStatus(c2->pg), PQTRANS_IDLE);
    res = PQexec(c2->pg, "SELECT to_regclass('pg_temp.left_behind') IS NULL");
    assert_string_equal(PQgetvalue(res, 0, 0), "t"); /* the table went with the rollback */
    PQclear(res);
    incrocio_db_checkin(pool, c2);
    incrocio_db_pool_free(pool);
}

static void test_failed_transaction_is_rolled_back(void **state)
{
    struct incrocio_db_pool *pool;
    struct incrocio_db_conn *c;
    const char *bad[] = {"abc"}, *good[] = {"NA01"};
    PGresult *res;

    (void)state;
    assert_int_equal(incrocio_db_pool_new(url(), 1, 500, &pool), INCROCIO_OK);
    assert_int_equal(incrocio_db_checkout(pool, &c), INCROCIO_OK);
    assert_int_equal(incrocio_db_begin(c), INCROCIO_OK);
    assert_int_equal(incrocio_db_exec(c, &bad_stmt, bad, &res), INCROCIO_ERR_DB);
    assert_null(res);
    assert_int_equal(PQtransactionStatus(c->pg), PQTRANS_INERROR);
    incrocio_db_checkin(pool, c);
    assert_int_equal(incrocio_db_checkout(pool, &c), INCROCIO_OK);
    assert_int_equal(PQtransactionStatus(c->pg), PQTRANS_IDLE);
    assert_int_equal(incrocio_db_exec(c, &ok_stmt, good, &res), INCROCIO_OK);
    PQclear(res);
    incrocio_db_checkin(pool, c);
    incrocio_db_pool_free(pool);
}

static void test_exhaustion_times_out_with_unavailable(void **state)
{
    struct incrocio_db_pool *pool;
    struct incrocio_db_conn *a, *b;
    int size, in_use, waiting;
    double t0;

    (void)state;
    assert_int_equal(incrocio_db_pool_new(url(), 1, 200, &pool), INCROCIO_OK);
    assert_int_equal(incrocio_db_checkout(pool, &a), INCROCIO_OK);
    incrocio_db_pool_stats(pool, &size, &in_use, &waiting);
    assert_int_equal(size, 1);
    assert_int_equal(in_use, 1);
    t0 = now_s();
    assert_int_equal(incrocio_db_checkout(pool, &b), INCROCIO_ERR_DB_UNAVAILABLE);
    assert_true(now_s() - t0 >= 0.19);
    incrocio_db_checkin(pool, a);
    assert_int_equal(incrocio_db_checkout(pool, &b), INCROCIO_OK);
    incrocio_db_checkin(pool, b);
    incrocio_db_pool_stats(pool, &size, &in_use, &waiting);
    assert_int_equal(in_use, 0);
    assert_int_equal(waiting, 0);
    incrocio_db_pool_free(pool);
}

struct worker {
    struct incrocio_db_pool *pool;
    int ok;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    const char *v[] = {"SA09"};

    for (int i = 0; i < 200; i++) {
        struct incrocio_db_conn *c;
        PGresult *res;

        if (incrocio_db_checkout(w->pool, &c) != INCROCIO_OK)
            continue;
        if (incrocio_db_exec(c, &ok_stmt, v, &res) == INCROCIO_OK) {
            w->ok += PQntuples(res) == 1;
            PQclear(res);
        }
        incrocio_db_checkin(w->pool, c);
    }
    return NULL;
}

static void test_concurrent_checkouts(void **state)
{
    struct incrocio_db_pool *pool;
    pthread_t t[8];
    struct worker w[8];
    int size, in_use, waiting;

    (void)state;
    assert_int_equal(incrocio_db_pool_new(url(), 2, 5000, &pool), INCROCIO_OK);
    for (int i = 0; i < 8; i++) {
        w[i].pool = pool;
        w[i].ok = 0;
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].ok, 200);
    }
    incrocio_db_pool_stats(pool, &size, &in_use, &waiting);
    assert_int_equal(in_use, 0);
    assert_int_equal(waiting, 0);
    incrocio_db_pool_free(pool);
}

static void test_dead_connection_is_replaced(void **state)
{
    struct incrocio_db_pool *pool;
    struct incrocio_db_conn *c;
    char err[256], sql[128];
    const char *v[] = {"BN01"};
    PGconn *killer = incrocio_db_connect_new(url(), err, sizeof err);
    PGresult *res;

    (void)state;
    assert_non_null(killer);
    assert_int_equal(incrocio_db_pool_new(url(), 1, 500, &pool), INCROCIO_OK);
    assert_int_equal(incrocio_db_checkout(pool, &c), INCROCIO_OK);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", PQbackendPID(c->pg));
    res = PQexec(killer, sql);
    assert_string_equal(PQgetvalue(res, 0, 0), "t");
    PQclear(res);
    /* The next statement finds the connection gone: 503, not 500. */
    assert_int_equal(incrocio_db_exec(c, &ok_stmt, v, &res), INCROCIO_ERR_DB_UNAVAILABLE);
    incrocio_db_checkin(pool, c);
    assert_null(c->pg);
    assert_int_equal(incrocio_db_checkout(pool, &c), INCROCIO_OK);
    assert_int_equal(incrocio_db_exec(c, &ok_stmt, v, &res), INCROCIO_OK);
    PQclear(res);
    incrocio_db_checkin(pool, c);
    incrocio_db_pool_free(pool);
    PQfinish(killer);
}

/* Terminates backend pid and waits until it has gone. */
static void terminate(PGconn *killer, int pid)
{
    char sql[128];
    PGresult *res;
    double t0 = now_s();

    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", pid);
    res = PQexec(killer, sql);
    assert_string_equal(PQgetvalue(res, 0, 0), "t");
    PQclear(res);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = %d", pid);
    for (;;) {
        res = PQexec(killer, sql);
        int gone = strcmp(PQgetvalue(res, 0, 0), "0") == 0;
        PQclear(res);
        if (gone)
            break;
        assert_true(now_s() - t0 < 5);
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
}

/* The server closed it while it sat in the pool (a restart quicker than the
 * health check, an administrator): the checkout notices and hands out a new
 * one, so no request pays for it with a 503. */
static void test_connection_closed_while_idle_is_replaced_at_checkout(void **state)
{
    struct incrocio_db_pool *pool;
    struct incrocio_db_conn *c;
    char err[256];
    const char *v[] = {"BN01"};
    PGconn *killer = incrocio_db_connect_new(url(), err, sizeof err);
    PGresult *res;
    int pid;

    (void)state;
    assert_non_null(killer);
    assert_int_equal(incrocio_db_pool_new(url(), 1, 500, &pool), INCROCIO_OK);
    assert_int_equal(incrocio_db_checkout(pool, &c), INCROCIO_OK);
    pid = PQbackendPID(c->pg);
    incrocio_db_checkin(pool, c);
    terminate(killer, pid);
    assert_int_equal(incrocio_db_checkout(pool, &c), INCROCIO_OK);
    assert_int_not_equal(PQbackendPID(c->pg), pid);
    assert_int_equal(incrocio_db_exec(c, &ok_stmt, v, &res), INCROCIO_OK);
    PQclear(res);
    incrocio_db_checkin(pool, c);
    incrocio_db_pool_free(pool);
    PQfinish(killer);
}

/* The health check's own connection closed under it: it checks again on a
 * new one rather than declare an outage. */
static void test_health_check_survives_its_connection_closed(void **state)
{
    char err[256];
    PGconn *killer = incrocio_db_connect_new(url(), err, sizeof err);
    PGconn *pg = incrocio_db_connect_new(url(), err, sizeof err);
    int pid;

    (void)state;
    assert_non_null(killer);
    assert_non_null(pg);
    pid = PQbackendPID(pg);
    terminate(killer, pid);
    assert_int_equal(ping(&pg, url()), 1);
    assert_non_null(pg);
    assert_int_not_equal(PQbackendPID(pg), pid);
    PQfinish(pg);
    pg = NULL;
    assert_int_equal(ping(&pg, "postgresql://nobody@127.0.0.1:1/none"), 0);
    assert_null(pg);
    PQfinish(killer);
}

static void test_unreachable_server_fails_fast(void **state)
{
    struct incrocio_db_pool *pool;
    struct incrocio_db_conn *c;
    double t0;

    (void)state;
    assert_int_equal(incrocio_db_pool_new("postgresql://nobody@127.0.0.1:1/none", 2, 5000, &pool),
                     INCROCIO_OK);
    assert_int_equal(incrocio_db_pool_healthy(pool), 0);
    t0 = now_s();
    assert_int_equal(incrocio_db_checkout(pool, &c), INCROCIO_ERR_DB_UNAVAILABLE);
    assert_true(now_s() - t0 < 0.1);
    incrocio_db_pool_free(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checkout_exec_checkin),
        cmocka_unit_test(test_open_transaction_is_rolled_back),
        cmocka_unit_test(test_failed_transaction_is_rolled_back),
        cmocka_unit_test(test_exhaustion_times_out_with_unavailable),
        cmocka_unit_test(test_concurrent_checkouts),
        cmocka_unit_test(test_dead_connection_is_replaced),
        cmocka_unit_test(test_connection_closed_while_idle_is_replaced_at_checkout),
        cmocka_unit_test(test_health_check_survives_its_connection_closed),
        cmocka_unit_test(test_unreachable_server_fails_fast),
    };
    if (getenv("DATABASE_URL") == NULL) {
        fprintf(stderr, "DATABASE_URL is not set\n");
        return 1;
    }
    return cmocka_run_group_tests_name("db-pool", tests, NULL, NULL);
}
