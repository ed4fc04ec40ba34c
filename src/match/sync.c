/* The matching index's follower thread: see match_sync.h. */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yder.h>

#include "incrocio/db.h"
#include "incrocio/match_sync.h"
#include "incrocio/models.h"

#define SNAPSHOT_MAX 4096 /* pg_snapshot text; longer ones trigger a reload */
#define MAX_BATCH 10000   /* changes applied at once; more → full reload */
/* The change log keeps a day; a server that has not caught up for a quarter
 * of that reloads instead, so pruning never hides a change from anyone. */
#define KEEP_LOG "1 day"
#define STALE_AFTER_S (6 * 3600.0)
#define PRUNE_EVERY_S 600.0

struct incrocio_match_sync {
    char *conninfo;
    pthread_t thread;
    int wake[2]; /* self-pipe: stop */
    atomic_int stop;
    _Atomic(struct incrocio_match_index *) ix;
    PGconn *pg;
    char snapshot[SNAPSHOT_MAX]; /* the last one applied, or "" */
    int32_t day;                 /* the index's day */
    double synced_at;            /* when the last load or catch-up succeeded */
    double pruned_at;
};

void incrocio_match_model_version(const struct incrocio_match_model *m, char *out, size_t len)
{
    snprintf(out, len, "%s.%d", INCROCIO_SCORE_MODEL_VERSION, m->version);
}

static int32_t today_utc(void)
{
    return (int32_t)(time(NULL) / 86400);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Begins a read-only snapshot and returns it as text in out. */
static incrocio_err begin_snapshot(PGconn *pg, char *out, size_t len)
{
    incrocio_err err = incrocio_db_command(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (err)
        return err;
    PGresult *res = PQexec(pg, "SELECT pg_current_snapshot()::text");
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        err = incrocio_db_error_of(pg, res);
    else if (snprintf(out, len, "%s", PQgetvalue(res, 0, 0)) >= (int)len)
        err = INCROCIO_ERR_INVALID;
    PQclear(res);
    return err;
}

static void end(PGconn *pg, incrocio_err err)
{
    if (PQtransactionStatus(pg) != PQTRANS_IDLE) {
        incrocio_err e = incrocio_db_command(pg, err ? "ROLLBACK" : "COMMIT");
        (void)e;
    }
}

/* Everything, in one snapshot, which becomes the log's starting point. */
static incrocio_err full_load(struct incrocio_match_sync *s, int32_t today)
{
    struct incrocio_match_model model;
    struct incrocio_match_index *ix = atomic_load(&s->ix);
    char snap[SNAPSHOT_MAX];
    double t0 = now_s();
    incrocio_err err = begin_snapshot(s->pg, snap, sizeof snap);

    if (!err)
        err = incrocio_db_model_latest_pg(s->pg, &model.version, &model.weights);
    if (!err && !ix) {
        err = incrocio_match_index_new(s->pg, today, &model, &ix);
        if (!err)
            atomic_store(&s->ix, ix);
    } else if (!err) {
        err = incrocio_match_index_reload(ix, s->pg, today);
        if (!err)
            incrocio_match_index_set_model(ix, &model);
    }
    end(s->pg, err);
    if (err) {
        y_log_message(Y_LOG_LEVEL_ERROR, "matching: load failed: %s", incrocio_err_str(err));
        return err;
    }
    struct incrocio_match_stats st;
    incrocio_match_index_stats(ix, &st);
    y_log_message(Y_LOG_LEVEL_INFO,
                  "matching: %zu job seekers and %zu open positions loaded in %.2f s "
                  "(%zu bytes for job seekers)",
                  st.seekers, st.positions, now_s() - t0, st.bytes);
    memcpy(s->snapshot, snap, sizeof snap);
    s->day = today;
    s->synced_at = now_s();
    return INCROCIO_OK;
}

/* What committed since the last snapshot, applied at once. */
static incrocio_err catch_up(struct incrocio_match_sync *s)
{
    static const char changes_sql[] = "SELECT DISTINCT kind, entity_id::text FROM match_changes"
                                      " WHERE xid >= pg_snapshot_xmin($1::pg_snapshot)"
                                      " AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot)";
    struct incrocio_match_index *ix = atomic_load(&s->ix);
    char snap[SNAPSHOT_MAX];
    const char *params[1] = {s->snapshot};
    const char **seekers = NULL, **vacancies = NULL;
    size_t ns = 0, nv = 0;
    int weights = 0, rows;
    PGresult *res = NULL;
    incrocio_err err = begin_snapshot(s->pg, snap, sizeof snap);

    if (!err) {
        res = PQexecParams(s->pg, changes_sql, 1, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            err = incrocio_db_error_of(s->pg, res);
    }
    rows = err ? 0 : PQntuples(res);
    if (rows > MAX_BATCH) {
        /* A bulk load happened: cheaper to start over than to apply it. */
        y_log_message(Y_LOG_LEVEL_INFO, "matching: %d changes to apply at once", rows);
        err = INCROCIO_ERR_INVALID;
    }
    if (!err && rows > 0) {
        seekers = calloc((size_t)rows, sizeof *seekers);
        vacancies = calloc((size_t)rows, sizeof *vacancies);
        if (!seekers || !vacancies)
            err = INCROCIO_ERR_NOMEM;
    }
    for (int r = 0; !err && r < rows; r++) {
        char kind = PQgetvalue(res, r, 0)[0];
        if (kind == 's')
            seekers[ns++] = PQgetvalue(res, r, 1);
        else if (kind == 'v')
            vacancies[nv++] = PQgetvalue(res, r, 1);
        else
            weights = 1;
    }
    if (!err && (ns || nv))
        err = incrocio_match_index_refresh(ix, s->pg, seekers, ns, vacancies, nv);
    if (!err && weights) {
        struct incrocio_match_model model;
        err = incrocio_db_model_latest_pg(s->pg, &model.version, &model.weights);
        if (!err)
            incrocio_match_index_set_model(ix, &model);
    }
    end(s->pg, err);
    PQclear(res);
    free(seekers);
    free(vacancies);
    if (!err) {
        memcpy(s->snapshot, snap, sizeof snap);
        s->synced_at = now_s();
    }
    return err;
}

/* Drops what every server has long applied (any server may do it). */
static void prune(struct incrocio_match_sync *s)
{
    if (now_s() - s->pruned_at < PRUNE_EVERY_S)
        return;
    s->pruned_at = now_s();
    if (incrocio_db_command(s->pg,
                            "DELETE FROM match_changes WHERE at < now() - interval '" KEEP_LOG "'"))
        y_log_message(Y_LOG_LEVEL_WARNING, "matching: cannot prune the change log");
}

static int connect_db(struct incrocio_match_sync *s)
{
    char why[256];

    /* As every connection of ours: UTC, a connect timeout, no notices. */
    s->pg = incrocio_db_connect_new(s->conninfo, why, sizeof why);
    if (!s->pg)
        return 0;
    if (incrocio_db_command(s->pg, "SET application_name = 'incrocio-matching'") ||
        incrocio_db_command(s->pg, "LISTEN incrocio_match")) {
        PQfinish(s->pg);
        s->pg = NULL;
        return 0;
    }
    return 1;
}

/* Waits up to ms for a notification, the stop pipe or the timeout; drains
 * whatever notifications arrived. */
static void wait_for_news(struct incrocio_match_sync *s, int ms)
{
    struct pollfd fds[2] = {{s->wake[0], POLLIN, 0}, {-1, POLLIN, 0}};
    PGnotify *n;

    if (s->pg)
        fds[1].fd = PQsocket(s->pg);
    if (poll(fds, fds[1].fd >= 0 ? 2 : 1, ms) > 0 && s->pg && (fds[1].revents & POLLIN))
        PQconsumeInput(s->pg);
    while (s->pg && (n = PQnotifies(s->pg)) != NULL)
        PQfreemem(n);
}

static void *run(void *arg)
{
    struct incrocio_match_sync *s = arg;
    int reload = 1;

    while (!atomic_load(&s->stop)) {
        if (!s->pg && !connect_db(s)) {
            wait_for_news(s, 1000);
            continue;
        }
        int32_t today = today_utc();
        incrocio_err err;
        if (reload || today != s->day || !atomic_load(&s->ix) ||
            now_s() - s->synced_at > STALE_AFTER_S) {
            err = full_load(s, today);
            reload = err != INCROCIO_OK;
        } else {
            err = catch_up(s);
            if (err && PQstatus(s->pg) == CONNECTION_OK) {
                /* Not the connection: something we cannot apply piecemeal. */
                y_log_message(Y_LOG_LEVEL_WARNING, "matching: catching up failed (%s): reloading",
                              incrocio_err_str(err));
                reload = 1;
            }
        }
        if (PQstatus(s->pg) != CONNECTION_OK) {
            y_log_message(Y_LOG_LEVEL_WARNING, "matching: lost the database; reconnecting");
            PQfinish(s->pg);
            s->pg = NULL;
            continue;
        }
        prune(s);
        /* Another notification may have come while we worked: check
         * without sleeping first. */
        PQconsumeInput(s->pg);
        PGnotify *n = PQnotifies(s->pg);
        if (n) {
            PQfreemem(n);
            continue;
        }
        wait_for_news(s, err ? 1000 : 500);
    }
    return NULL;
}

incrocio_err incrocio_match_sync_start(const char *conninfo, struct incrocio_match_sync **out)
{
    struct incrocio_match_sync *s = calloc(1, sizeof *s);

    *out = NULL;
    if (!s)
        return INCROCIO_ERR_NOMEM;
    s->conninfo = strdup(conninfo);
    s->day = -1;
    atomic_init(&s->stop, 0);
    atomic_init(&s->ix, NULL);
    if (!s->conninfo || pipe(s->wake) != 0) {
        free(s->conninfo);
        free(s);
        return INCROCIO_ERR_NOMEM;
    }
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        close(s->wake[0]);
        close(s->wake[1]);
        free(s->conninfo);
        free(s);
        return INCROCIO_ERR_INTERNAL;
    }
    *out = s;
    return INCROCIO_OK;
}

void incrocio_match_sync_stop(struct incrocio_match_sync *s)
{
    if (!s)
        return;
    atomic_store(&s->stop, 1);
    if (write(s->wake[1], "x", 1) < 0)
        y_log_message(Y_LOG_LEVEL_WARNING, "matching: cannot wake the sync thread");
    pthread_join(s->thread, NULL);
    close(s->wake[0]);
    close(s->wake[1]);
    if (s->pg)
        PQfinish(s->pg);
    incrocio_match_index_free(atomic_load(&s->ix));
    free(s->conninfo);
    free(s);
}

struct incrocio_match_index *incrocio_match_sync_index(struct incrocio_match_sync *s)
{
    return s ? atomic_load(&s->ix) : NULL;
}

void incrocio_match_sync_status(struct incrocio_match_sync *s, char *out, size_t len)
{
    struct incrocio_match_index *ix = incrocio_match_sync_index(s);
    struct incrocio_match_stats st;
    struct incrocio_match_model m;
    char version[32], day[16];
    time_t t;
    struct tm tm;

    if (!ix) {
        snprintf(out, len, "{\"ready\":false}");
        return;
    }
    incrocio_match_index_stats(ix, &st);
    incrocio_match_index_model(ix, &m);
    incrocio_match_model_version(&m, version, sizeof version);
    t = (time_t)st.today * 86400;
    gmtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    snprintf(out, len,
             "{\"ready\":true,\"seekers\":%zu,\"positions\":%zu,\"model_version\":\"%s\","
             "\"today\":\"%s\"}",
             st.seekers, st.positions, version, day);
}
