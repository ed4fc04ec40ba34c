/* Results that PostgreSQL builds as JSON, and documents it stores from JSON:
 * the shared plumbing of the resource files in src/db/. */
#include <stdio.h>
#include <stdlib.h>

#include "incrocio/db.h"

json_t *incrocio_db_text_or_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

/* The one json value of a one-row result, parsed; NOT_FOUND when NULL. */
incrocio_err incrocio_db_one_json(PGresult *res, json_t **doc)
{
    json_error_t jerr;

    *doc = NULL;
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return INCROCIO_ERR_NOT_FOUND;
    }
    *doc = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
    PQclear(res);
    return *doc ? INCROCIO_OK : INCROCIO_ERR_INTERNAL;
}

incrocio_err incrocio_db_save_doc(struct incrocio_db_conn *conn, const struct incrocio_stmt *stmt,
                                  const char *id, const json_t *doc, long version, char *id_out)
{
    char ver[24];
    char *text = json_dumps(doc, JSON_COMPACT);
    const char *values[3] = {id, text, id ? ver : NULL};
    PGresult *res;
    incrocio_err err;

    if (text == NULL)
        return INCROCIO_ERR_NOMEM;
    snprintf(ver, sizeof ver, "%ld", version);
    err = incrocio_db_exec(conn, stmt, values, &res);
    free(text);
    if (err != INCROCIO_OK)
        return err;
    if (PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return INCROCIO_ERR_PRECONDITION; /* the version moved on */
    }
    snprintf(id_out, 37, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return INCROCIO_OK;
}
