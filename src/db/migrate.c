#include "incrocio/migrate.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <yder.h>

#include "incrocio/db.h"
#include "incrocio/embedded.h"

/* Any constant works as long as every server uses the same one. */
#define MIGRATION_LOCK_KEY "7283640001"

static int run(PGconn *pg, const char *sql, char *err, size_t errlen)
{
    PGresult *res = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(res);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

    if (!ok) {
        snprintf(err, errlen, "%s", PQresultErrorMessage(res));
        err[strcspn(err, "\n")] = '\0';
    }
    PQclear(res);
    return ok ? 0 : -1;
}

static int already_applied(PGconn *pg, const char *name, int *yes, char *err, size_t errlen)
{
    const char *values[] = {name};
    PGresult *res = PQexecParams(pg, "SELECT 1 FROM schema_migrations WHERE name = $1", 1, NULL,
                                 values, NULL, NULL, 0);

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "%s", PQresultErrorMessage(res));
        err[strcspn(err, "\n")] = '\0';
        PQclear(res);
        return -1;
    }
    *yes = PQntuples(res) > 0;
    PQclear(res);
    return 0;
}

static int record(PGconn *pg, const char *name, char *err, size_t errlen)
{
    const char *values[] = {name};
    PGresult *res = PQexecParams(pg, "INSERT INTO schema_migrations (name) VALUES ($1)", 1, NULL,
                                 values, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

    if (!ok) {
        snprintf(err, errlen, "%s", PQresultErrorMessage(res));
        err[strcspn(err, "\n")] = '\0';
    }
    PQclear(res);
    return ok ? 0 : -1;
}

static int apply_one(PGconn *pg, const struct incrocio_embedded_file *m, int *applied, char *err,
                     size_t errlen)
{
    int done = 0;
    char why[400];

    if (run(pg, "BEGIN", why, sizeof why) != 0 ||
        already_applied(pg, m->name, &done, why, sizeof why) != 0)
        goto failed;
    if (done)
        return run(pg, "COMMIT", err, errlen);
    if (run(pg, m->data, why, sizeof why) != 0 || record(pg, m->name, why, sizeof why) != 0 ||
        run(pg, "COMMIT", why, sizeof why) != 0)
        goto failed;
    y_log_message(Y_LOG_LEVEL_INFO, "migration %s applied", m->name);
    (*applied)++;
    return 0;
failed:
    snprintf(err, errlen, "migration %s: %s", m->name, why);
    run(pg, "ROLLBACK", why, sizeof why);
    return -1;
}

incrocio_err incrocio_migrate_run(const char *conninfo, int *applied, char *err, size_t errlen)
{
    char why[400];
    PGconn *pg = incrocio_db_connect_new(conninfo, why, sizeof why);
    incrocio_err rc = INCROCIO_OK;

    *applied = 0;
    if (pg == NULL) {
        snprintf(err, errlen, "cannot connect to the database: %s", why);
        return INCROCIO_ERR_DB_UNAVAILABLE;
    }
    if (run(pg, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", why, sizeof why) != 0 ||
        run(pg,
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())",
            why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot prepare migrations: %s", why);
        PQfinish(pg);
        return INCROCIO_ERR_DB;
    }
    for (const struct incrocio_embedded_file *m = incrocio_embedded_migrations; m->name; m++) {
        if (apply_one(pg, m, applied, err, errlen) != 0) {
            rc = INCROCIO_ERR_DB;
            break;
        }
    }
    run(pg, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")", why, sizeof why);
    PQfinish(pg);
    return rc;
}
