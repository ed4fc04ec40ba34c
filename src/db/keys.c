#include "incrocio/keys.h"

#include <stdio.h>
#include <string.h>

/* One statement checks the key and records its use. */
static const struct incrocio_stmt lookup_stmt = {
    INCROCIO_STMT_KEY_LOOKUP, 1,
    "UPDATE api_keys SET last_used_at = now()"
    " WHERE hash = decode($1, 'hex') AND revoked_at IS NULL"
    " RETURNING id, role, offices, coalesce(employer_id::text, '')"};

incrocio_err incrocio_db_key_lookup(struct incrocio_db_conn *conn, const char *hash_hex,
                                    struct incrocio_principal *who)
{
    const char *values[1] = {hash_hex};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &lookup_stmt, values, &res);
    int role;

    if (err != INCROCIO_OK)
        return err;
    memset(who, 0, sizeof *who);
    snprintf(who->key_id, sizeof who->key_id, "%s", PQgetvalue(res, 0, 0));
    role = incrocio_role_parse(PQgetvalue(res, 0, 1));
    snprintf(who->employer_id, sizeof who->employer_id, "%s", PQgetvalue(res, 0, 3));
    if (role < 0 || incrocio_principal_set_offices(who, PQgetvalue(res, 0, 2)) != 0)
        err = INCROCIO_ERR_INTERNAL;
    who->role = role < 0 ? INCROCIO_ROLE_ANONYMOUS : (enum incrocio_role)role;
    PQclear(res);
    return err;
}
