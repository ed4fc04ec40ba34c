/* The matching endpoints' questions to PostgreSQL: see matching.h. */
#include "incrocio/matching.h"

#include <stdio.h>
#include <string.h>

static const struct incrocio_stmt position_stmt = {
    INCROCIO_STMT_MATCH_POSITION, 2,
    "SELECT vacancy_state(v.state, v.valid_until), v.employer_id::text,"
    " p.filled >= p.quantity"
    " FROM vacancies v JOIN positions p ON p.vacancy_id = v.id"
    " WHERE v.id = $1::uuid AND p.id = $2::uuid"};

static const struct incrocio_stmt seeker_stmt = {
    INCROCIO_STMT_MATCH_SEEKER, 1,
    "SELECT 1 FROM job_seekers WHERE id = $1::uuid AND erased_at IS NULL"};

static const struct incrocio_stmt secret_stmt = {
    INCROCIO_STMT_MATCH_SECRET, 1, "SELECT value FROM instance_secrets WHERE name = $1"};

incrocio_err incrocio_db_position_state(struct incrocio_db_conn *conn, const char *vacancy_id,
                                        const char *position_id,
                                        struct incrocio_position_state *out)
{
    const char *params[2] = {vacancy_id, position_id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &position_stmt, params, &res);

    if (err)
        return err;
    snprintf(out->vacancy_state, sizeof out->vacancy_state, "%s", PQgetvalue(res, 0, 0));
    snprintf(out->employer_id, sizeof out->employer_id, "%s", PQgetvalue(res, 0, 1));
    out->full = PQgetvalue(res, 0, 2)[0] == 't';
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_job_seeker_live(struct incrocio_db_conn *conn, const char *id)
{
    const char *params[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &seeker_stmt, params, &res);

    if (err)
        return err;
    err = PQntuples(res) == 1 ? INCROCIO_OK : INCROCIO_ERR_NOT_FOUND;
    PQclear(res);
    return err;
}

incrocio_err incrocio_db_secret(struct incrocio_db_conn *conn, const char *name, uint8_t *out,
                                size_t len, size_t *n)
{
    const char *params[1] = {name};
    PGresult *res;
    size_t blen = 0;
    incrocio_err err = incrocio_db_exec(conn, &secret_stmt, params, &res);

    if (err)
        return err;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return INCROCIO_ERR_INTERNAL;
    }
    unsigned char *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0), &blen);
    PQclear(res);
    if (!bytes)
        return INCROCIO_ERR_NOMEM;
    *n = blen < len ? blen : len;
    memcpy(out, bytes, *n);
    PQfreemem(bytes);
    return INCROCIO_OK;
}
