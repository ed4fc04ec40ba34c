/* Results of a known shape (include/incrocio/db.h): exactly one row, or one
 * page of a list — every list statement asks for one row more than the page
 * holds, to know whether another page follows. */
#include <stdio.h>

#include "incrocio/db.h"

incrocio_err incrocio_db_exec_one(struct incrocio_db_conn *conn, const struct incrocio_stmt *stmt,
                                  const char *const *values, PGresult **res)
{
    incrocio_err err = incrocio_db_exec(conn, stmt, values, res);

    if (err == INCROCIO_OK && PQntuples(*res) != 1) {
        PQclear(*res);
        *res = NULL;
        return INCROCIO_ERR_NOT_FOUND;
    }
    return err;
}

incrocio_err incrocio_db_page_exec(struct incrocio_db_conn *conn, const struct incrocio_stmt *stmt,
                                   const char *const *values, char limit_text[16], int limit,
                                   PGresult **res, int *n, int *more)
{
    incrocio_err err;

    snprintf(limit_text, 16, "%d", limit + 1);
    err = incrocio_db_exec(conn, stmt, values, res);
    if (err != INCROCIO_OK)
        return err;
    *n = PQntuples(*res);
    *more = *n > limit;
    if (*n > limit)
        *n = limit;
    return INCROCIO_OK;
}

incrocio_err incrocio_db_page_json(PGresult *res, int n, int json_col, int key_col, json_t *items,
                                   char *last_key, size_t key_len)
{
    for (int i = 0; i < n; i++) {
        json_t *doc = json_loads(PQgetvalue(res, i, json_col), 0, NULL);

        if (doc == NULL) {
            PQclear(res);
            return INCROCIO_ERR_DB;
        }
        json_array_append_new(items, doc);
        snprintf(last_key, key_len, "%s", PQgetvalue(res, i, key_col));
    }
    PQclear(res);
    return INCROCIO_OK;
}
