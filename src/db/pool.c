#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yder.h>

#include "incrocio/db.h"

#define HEALTH_INTERVAL_MS 1000
#define CONNECT_TIMEOUT_S "3"

struct incrocio_db_conn {
    PGconn *pg;
    unsigned epoch; /* the pool epoch this connection was opened in */
    unsigned char prepared[INCROCIO_STMT_COUNT];
};

struct incrocio_db_pool {
    char *conninfo;
    int size;
    int timeout_ms;

    pthread_mutex_t lock; /* guards everything below but the atomics */
    pthread_cond_t available;
    struct incrocio_db_conn *conns;
    struct incrocio_db_conn **free_list;
    int n_free;
    int waiting;

    atomic_int healthy;
    atomic_uint epoch; /* bumped on every outage: older connections reconnect */
    atomic_int stopping;
    atomic_int replica; /* DATABASE_READ_URL's pool: its outage is no 503 */
    pthread_t health_thread;
    pthread_mutex_t health_lock;
    pthread_cond_t health_wake;
};

/* Server notices ("relation already exists, skipping") are not ours to print. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

PGconn *incrocio_db_connect_new(const char *conninfo, char *err, size_t errlen)
{
    /* UTC sessions: dates without a time in filters mean midnight UTC. */
    const char *keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
    const char *values[] = {conninfo, CONNECT_TIMEOUT_S, "incrocio", "-c TimeZone=UTC", NULL};
    PGconn *pg = PQconnectdbParams(keys, values, 1);

    if (pg == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (PQstatus(pg) != CONNECTION_OK) {
        /* libpq's message names host and port, never the password. */
        snprintf(err, errlen, "%s", PQerrorMessage(pg));
        err[strcspn(err, "\n")] = '\0';
        PQfinish(pg);
        return NULL;
    }
    PQsetNoticeProcessor(pg, ignore_notice, NULL);
    return pg;
}

incrocio_err incrocio_db_command(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    incrocio_err err =
        PQresultStatus(res) == PGRES_COMMAND_OK ? INCROCIO_OK : incrocio_db_error_of(pg, res);
    PQclear(res);
    return err;
}

static void ms_from_now(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void set_healthy(struct incrocio_db_pool *pool, int up)
{
    int was = atomic_exchange(&pool->healthy, up);

    if (was && !up) {
        atomic_fetch_add(&pool->epoch, 1);
        if (atomic_load(&pool->replica))
            y_log_message(Y_LOG_LEVEL_WARNING,
                          "read replica unreachable: its reads go to the primary until it is back");
        else
            y_log_message(Y_LOG_LEVEL_WARNING,
                          "database unreachable: requests get 503 until it is back");
    } else if (!was && up) {
        y_log_message(Y_LOG_LEVEL_INFO, "%s reachable again",
                      atomic_load(&pool->replica) ? "read replica" : "database");
    }
}

void incrocio_db_pool_mark_replica(struct incrocio_db_pool *pool)
{
    atomic_store(&pool->replica, 1);
}

/* 0 when the server has closed an idle connection, or said why it will: an
 * idle connection of ours has nothing to read (no LISTEN on it), so anything
 * readable is the server's farewell (57P01, a restart quicker than the health
 * check) or the end of the stream. One poll(2), no round trip. */
static int idle_and_open(PGconn *pg)
{
    struct pollfd p = {PQsocket(pg), POLLIN, 0};

    if (PQstatus(pg) != CONNECTION_OK || p.fd < 0)
        return 0;
    return poll(&p, 1, 0) == 0;
}

static int select_1(PGconn *pg)
{
    PGresult *res = PQexec(pg, "SELECT 1");
    int ok = PQresultStatus(res) == PGRES_TUPLES_OK;

    PQclear(res);
    return ok;
}

/* Its own connection, kept between checks; one the server closed (even as
 * the check ran) is replaced and the check made again on the new one, so a
 * server that is up never reads as down. */
static int ping(PGconn **pg, const char *conninfo)
{
    char err[256];

    if (*pg != NULL && idle_and_open(*pg) && select_1(*pg))
        return 1;
    if (*pg != NULL)
        PQfinish(*pg);
    *pg = incrocio_db_connect_new(conninfo, err, sizeof err);
    if (*pg != NULL && select_1(*pg))
        return 1;
    if (*pg != NULL)
        PQfinish(*pg);
    *pg = NULL;
    return 0;
}

static void *health_main(void *arg)
{
    struct incrocio_db_pool *pool = arg;
    PGconn *pg = NULL;

    pthread_mutex_lock(&pool->health_lock);
    while (!atomic_load(&pool->stopping)) {
        struct timespec ts;

        pthread_mutex_unlock(&pool->health_lock);
        set_healthy(pool, ping(&pg, pool->conninfo));
        pthread_mutex_lock(&pool->health_lock);
        ms_from_now(&ts, HEALTH_INTERVAL_MS);
        while (!atomic_load(&pool->stopping) &&
               pthread_cond_timedwait(&pool->health_wake, &pool->health_lock, &ts) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&pool->health_lock);
    if (pg)
        PQfinish(pg);
    return NULL;
}

static int init_monotonic_cond(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int rc;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    rc = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return rc;
}

incrocio_err incrocio_db_pool_new(const char *conninfo, int size, int checkout_timeout_ms,
                                  struct incrocio_db_pool **out)
{
    struct incrocio_db_pool *pool = calloc(1, sizeof *pool);
    PGconn *first = NULL;

    if (pool == NULL)
        return INCROCIO_ERR_NOMEM;
    pool->conninfo = strdup(conninfo);
    pool->conns = calloc((size_t)size, sizeof *pool->conns);
    pool->free_list = calloc((size_t)size, sizeof *pool->free_list);
    if (!pool->conninfo || !pool->conns || !pool->free_list) {
        free(pool->conninfo);
        free(pool->conns);
        free(pool->free_list);
        free(pool);
        return INCROCIO_ERR_NOMEM;
    }
    pool->size = size;
    pool->timeout_ms = checkout_timeout_ms;
    for (int i = 0; i < size; i++)
        pool->free_list[i] = &pool->conns[i];
    pool->n_free = size;
    pthread_mutex_init(&pool->lock, NULL);
    init_monotonic_cond(&pool->available);
    pthread_mutex_init(&pool->health_lock, NULL);
    init_monotonic_cond(&pool->health_wake);

    /* Know the database's state before serving the first request. */
    atomic_store(&pool->healthy, ping(&first, conninfo));
    if (first)
        PQfinish(first);
    if (pthread_create(&pool->health_thread, NULL, health_main, pool) != 0) {
        incrocio_db_pool_free(pool);
        return INCROCIO_ERR_INTERNAL;
    }
    *out = pool;
    return INCROCIO_OK;
}

void incrocio_db_pool_free(struct incrocio_db_pool *pool)
{
    if (pool == NULL)
        return;
    if (pool->health_thread) {
        pthread_mutex_lock(&pool->health_lock);
        atomic_store(&pool->stopping, 1);
        pthread_cond_signal(&pool->health_wake);
        pthread_mutex_unlock(&pool->health_lock);
        pthread_join(pool->health_thread, NULL);
    }
    for (int i = 0; i < pool->size; i++)
        if (pool->conns[i].pg)
            PQfinish(pool->conns[i].pg);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->available);
    pthread_mutex_destroy(&pool->health_lock);
    pthread_cond_destroy(&pool->health_wake);
    free(pool->conninfo);
    free(pool->conns);
    free(pool->free_list);
    free(pool);
}

int incrocio_db_pool_healthy(const struct incrocio_db_pool *pool)
{
    return atomic_load(&((struct incrocio_db_pool *)pool)->healthy);
}

void incrocio_db_pool_stats(struct incrocio_db_pool *pool, int *size, int *in_use, int *waiting)
{
    pthread_mutex_lock(&pool->lock);
    *size = pool->size;
    *in_use = pool->size - pool->n_free;
    *waiting = pool->waiting;
    pthread_mutex_unlock(&pool->lock);
}

static void close_conn(struct incrocio_db_conn *conn)
{
    if (conn->pg)
        PQfinish(conn->pg);
    conn->pg = NULL;
    memset(conn->prepared, 0, sizeof conn->prepared);
}

static void put_back(struct incrocio_db_pool *pool, struct incrocio_db_conn *conn)
{
    pthread_mutex_lock(&pool->lock);
    pool->free_list[pool->n_free++] = conn;
    pthread_cond_signal(&pool->available);
    pthread_mutex_unlock(&pool->lock);
}

incrocio_err incrocio_db_checkout(struct incrocio_db_pool *pool, struct incrocio_db_conn **out)
{
    struct incrocio_db_conn *conn = NULL;
    struct timespec deadline;
    unsigned epoch;

    if (!atomic_load(&pool->healthy))
        return INCROCIO_ERR_DB_UNAVAILABLE;

    ms_from_now(&deadline, pool->timeout_ms);
    pthread_mutex_lock(&pool->lock);
    pool->waiting++;
    while (pool->n_free == 0) {
        if (pthread_cond_timedwait(&pool->available, &pool->lock, &deadline) == ETIMEDOUT &&
            pool->n_free == 0)
            break;
    }
    pool->waiting--;
    if (pool->n_free > 0)
        conn = pool->free_list[--pool->n_free];
    pthread_mutex_unlock(&pool->lock);
    if (conn == NULL) {
        y_log_message(Y_LOG_LEVEL_WARNING, "database pool exhausted after %d ms", pool->timeout_ms);
        return INCROCIO_ERR_DB_UNAVAILABLE;
    }

    epoch = atomic_load(&pool->epoch);
    if (conn->pg != NULL && (conn->epoch != epoch || !idle_and_open(conn->pg)))
        close_conn(conn);
    if (conn->pg == NULL) {
        char err[256];

        conn->pg = incrocio_db_connect_new(pool->conninfo, err, sizeof err);
        conn->epoch = epoch;
        if (conn->pg == NULL) {
            y_log_message(Y_LOG_LEVEL_WARNING, "database connection failed: %s", err);
            put_back(pool, conn);
            return INCROCIO_ERR_DB_UNAVAILABLE;
        }
    }
    *out = conn;
    return INCROCIO_OK;
}

void incrocio_db_checkin(struct incrocio_db_pool *pool, struct incrocio_db_conn *conn)
{
    PGresult *res;

    if (conn->pg != NULL && PQstatus(conn->pg) == CONNECTION_OK) {
        switch (PQtransactionStatus(conn->pg)) {
        case PQTRANS_IDLE: break;
        case PQTRANS_ACTIVE:
            /* A result not read to the end: drain it, then look again. */
            while ((res = PQgetResult(conn->pg)) != NULL)
                PQclear(res);
            if (PQtransactionStatus(conn->pg) == PQTRANS_IDLE)
                break;
            /* fall through */
        case PQTRANS_INTRANS:
        case PQTRANS_INERROR:
            res = PQexec(conn->pg, "ROLLBACK");
            if (PQresultStatus(res) != PGRES_COMMAND_OK)
                close_conn(conn);
            PQclear(res);
            break;
        case PQTRANS_UNKNOWN:
        default: close_conn(conn); break;
        }
    } else {
        close_conn(conn);
    }
    put_back(pool, conn);
}

incrocio_err incrocio_db_error_of(PGconn *pg, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    if (pg == NULL || PQstatus(pg) != CONNECTION_OK)
        return INCROCIO_ERR_DB_UNAVAILABLE;
    if (state == NULL)
        return INCROCIO_ERR_DB;
    if (strcmp(state, "23505") == 0)
        return INCROCIO_ERR_CONFLICT;
    /* Our own class IC: rules the SQL functions enforce on input. */
    if (strncmp(state, "IC", 2) == 0)
        return INCROCIO_ERR_INVALID;
    /* connection exceptions, admin shutdown, cannot connect now */
    if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
        strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0)
        return INCROCIO_ERR_DB_UNAVAILABLE;
    return INCROCIO_ERR_DB;
}

static incrocio_err result_error(struct incrocio_db_conn *conn, PGresult *res, const char *what)
{
    incrocio_err err = incrocio_db_error_of(conn->pg, res);

    if (err == INCROCIO_ERR_DB) {
        /* SQLSTATE and the server's message: our SQL, never user data in it. */
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        y_log_message(Y_LOG_LEVEL_ERROR, "%s failed: SQLSTATE %s", what, state ? state : "?");
    }
    PQclear(res);
    return err;
}

incrocio_err incrocio_db_exec(struct incrocio_db_conn *conn, const struct incrocio_stmt *stmt,
                              const char *const *values, PGresult **out)
{
    char name[16];
    PGresult *res;
    ExecStatusType st;

    *out = NULL;
    snprintf(name, sizeof name, "s%d", stmt->id);
    if (!conn->prepared[stmt->id]) {
        res = PQprepare(conn->pg, name, stmt->sql, stmt->nparams, NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            return result_error(conn, res, name);
        PQclear(res);
        conn->prepared[stmt->id] = 1;
    }
    res = PQexecPrepared(conn->pg, name, stmt->nparams, values, NULL, NULL, 0);
    st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        return result_error(conn, res, name);
    *out = res;
    return INCROCIO_OK;
}

static incrocio_err simple(struct incrocio_db_conn *conn, const char *sql)
{
    PGresult *res = PQexec(conn->pg, sql);

    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        return result_error(conn, res, sql);
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_begin(struct incrocio_db_conn *conn)
{
    return simple(conn, "BEGIN");
}

incrocio_err incrocio_db_commit(struct incrocio_db_conn *conn)
{
    return simple(conn, "COMMIT");
}

void incrocio_db_rollback(struct incrocio_db_conn *conn)
{
    PGresult *res = PQexec(conn->pg, "ROLLBACK");
    PQclear(res);
}
