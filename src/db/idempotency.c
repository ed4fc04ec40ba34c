/* The idempotency_keys table: SQL access only; the rules are in
 * src/http/idempotency.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/idempotency_keys.h"

static const struct incrocio_stmt find_stmt = {
    INCROCIO_STMT_IDEM_FIND, 2,
    "SELECT fingerprint, coalesce(status, 0), location, etag, content_type, body,"
    " status IS NULL AND created_at < now() - " INCROCIO_IDEM_LOST_SQL
    " FROM idempotency_keys WHERE scope = $1 AND key_hash = $2 AND expires_at > now()"};

/* ON CONFLICT waits for a concurrent inserter's transaction: a live row then
 * makes the update's WHERE false and no row comes back. */
static const struct incrocio_stmt claim_stmt = {
    INCROCIO_STMT_IDEM_CLAIM, 3,
    "INSERT INTO idempotency_keys (scope, key_hash, fingerprint, expires_at)"
    " VALUES ($1, $2, $3, now() + " INCROCIO_IDEM_TTL_SQL ")"
    " ON CONFLICT (scope, key_hash) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
    " created_at = now(), expires_at = EXCLUDED.expires_at, status = NULL, location = NULL,"
    " etag = NULL, content_type = NULL, body = NULL"
    " WHERE idempotency_keys.expires_at <= now() RETURNING 1"};

/* Its own transaction, committed without waiting for the WAL flush: the write
 * it answers for is durable already, and a PostgreSQL crash in the next
 * fraction of a second can only turn a replay into idempotency.response_lost,
 * never repeat the write. That saves a second fsync per keyed POST. */
static const struct incrocio_stmt store_stmt = {
    INCROCIO_STMT_IDEM_STORE, 8,
    "WITH async AS (SELECT set_config('synchronous_commit', 'off', true))"
    " UPDATE idempotency_keys SET status = $4::int, location = $5, etag = $6, content_type = $7,"
    " body = $8 FROM async WHERE scope = $1 AND key_hash = $2 AND fingerprint = $3"
    " AND status IS NULL"};

static const struct incrocio_stmt prune_stmt = {
    INCROCIO_STMT_IDEM_PRUNE, 1,
    "DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(SELECT ctid FROM idempotency_keys"
    " WHERE expires_at <= now() LIMIT $1::int))"};

static void copy_col(const PGresult *res, int col, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", PQgetisnull(res, 0, col) ? "" : PQgetvalue(res, 0, col));
}

incrocio_err incrocio_db_idempotency_find(struct incrocio_db_conn *conn, const char *scope,
                                          const char *key, struct incrocio_idem_row *out)
{
    const char *values[2] = {scope, key};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &find_stmt, values, &res);

    memset(out, 0, sizeof *out);
    if (err != INCROCIO_OK)
        return err;
    copy_col(res, 0, out->fingerprint, sizeof out->fingerprint);
    out->status = atoi(PQgetvalue(res, 0, 1));
    copy_col(res, 2, out->location, sizeof out->location);
    copy_col(res, 3, out->etag, sizeof out->etag);
    copy_col(res, 4, out->content_type, sizeof out->content_type);
    out->stale = strcmp(PQgetvalue(res, 0, 6), "t") == 0;
    if (!PQgetisnull(res, 0, 5)) {
        out->body_len = (size_t)PQgetlength(res, 0, 5);
        out->body = malloc(out->body_len + 1);
        if (out->body == NULL) {
            PQclear(res);
            return INCROCIO_ERR_NOMEM;
        }
        memcpy(out->body, PQgetvalue(res, 0, 5), out->body_len + 1);
    }
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_idempotency_claim(struct incrocio_db_conn *conn, const char *scope,
                                           const char *key, const char *fingerprint, int *claimed)
{
    const char *values[3] = {scope, key, fingerprint};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &claim_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    *claimed = PQntuples(res) == 1;
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_idempotency_store(struct incrocio_db_conn *conn, const char *scope,
                                           const char *key, const char *fingerprint, int status,
                                           const char *location, const char *etag,
                                           const char *content_type, const char *body)
{
    char s[12];
    const char *values[8] = {scope, key, fingerprint, s, location, etag, content_type, body};
    PGresult *res;
    incrocio_err err;

    snprintf(s, sizeof s, "%d", status);
    err = incrocio_db_exec(conn, &store_stmt, values, &res);
    if (err == INCROCIO_OK)
        PQclear(res);
    return err;
}

incrocio_err incrocio_db_idempotency_prune(struct incrocio_db_conn *conn, int limit, int *deleted)
{
    char n[12];
    const char *values[1] = {n};
    PGresult *res;
    incrocio_err err;

    snprintf(n, sizeof n, "%d", limit);
    err = incrocio_db_exec(conn, &prune_stmt, values, &res);
    if (err != INCROCIO_OK)
        return err;
    *deleted = atoi(PQcmdTuples(res));
    PQclear(res);
    return INCROCIO_OK;
}
