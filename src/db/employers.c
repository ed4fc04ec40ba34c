#include "incrocio/employers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct incrocio_stmt refs_stmt = {
    INCROCIO_STMT_REFS, 3,
    "SELECT $1::text IS NULL OR EXISTS (SELECT 1 FROM comuni WHERE istat_code = $1),"
    " $2::text IS NULL OR EXISTS (SELECT 1 FROM offices WHERE code = $2),"
    " $3::uuid IS NULL OR EXISTS (SELECT 1 FROM employers WHERE id = $3::uuid)"};

static const struct incrocio_stmt get_stmt = {INCROCIO_STMT_EMPLOYER_GET, 1,
                                              "SELECT employer_doc($1::uuid)"};

static const struct incrocio_stmt save_stmt = {
    INCROCIO_STMT_EMPLOYER_SAVE, 3, "SELECT employer_save($1::uuid, $2::jsonb, $3::int)"};

static const struct incrocio_stmt delete_stmt = {
    INCROCIO_STMT_EMPLOYER_DELETE, 1,
    "DELETE FROM employers e WHERE e.id = $1::uuid"
    " AND NOT EXISTS (SELECT 1 FROM vacancies v WHERE v.employer_id = e.id)"
    " RETURNING 1, 1"};

static const struct incrocio_stmt list_stmt = {
    INCROCIO_STMT_EMPLOYERS_LIST, 5,
    "SELECT e.id, e.name, e.codice_fiscale, e.ateco_code, e.seat_comune, e.office_code,"
    " to_char(e.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    " FROM employers e WHERE ($1::text IS NULL OR e.office_code = $1)"
    " AND ($2::text IS NULL OR e.ateco_code LIKE $2 || '%')" /* 56.1 holds 56.10, 56.11 */
    " AND ($3::text IS NULL OR e.seat_comune = $3)"
    " AND ($4::uuid IS NULL OR e.id > $4::uuid) ORDER BY e.id LIMIT $5::int"};

incrocio_err incrocio_db_refs(struct incrocio_db_conn *conn, const char *comune, const char *office,
                              const char *employer_id, int *comune_ok, int *office_ok,
                              int *employer_ok)
{
    const char *values[3] = {comune, office, employer_id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &refs_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    *comune_ok = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    *office_ok = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    *employer_ok = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_employer_get(struct incrocio_db_conn *conn, const char *id, json_t **doc)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &get_stmt, values, &res);

    return err == INCROCIO_OK ? incrocio_db_one_json(res, doc) : err;
}

incrocio_err incrocio_db_employer_save(struct incrocio_db_conn *conn, const char *id,
                                       const json_t *doc, long version, char *id_out)
{
    return incrocio_db_save_doc(conn, &save_stmt, id, doc, version, id_out);
}

incrocio_err incrocio_db_employer_delete(struct incrocio_db_conn *conn, const char *id)
{
    const char *values[1] = {id};
    PGresult *res;
    json_t *doc;
    incrocio_err err = incrocio_db_exec(conn, &delete_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    if (PQntuples(res) == 1) {
        PQclear(res);
        return INCROCIO_OK;
    }
    PQclear(res);
    err = incrocio_db_employer_get(conn, id, &doc);
    json_decref(doc);
    return err == INCROCIO_OK ? INCROCIO_ERR_CONFLICT : err; /* it has vacancies */
}

incrocio_err incrocio_db_employers_list(struct incrocio_db_conn *conn,
                                        const struct incrocio_employer_filter *f, json_t *items,
                                        int *more, char *last_id)
{
    char limit[16];
    const char *values[5] = {f->office, f->ateco_prefix, f->comune, f->after_id, limit};
    PGresult *res;
    incrocio_err err;
    int n;

    err = incrocio_db_page_exec(conn, &list_stmt, values, limit, f->limit, &res, &n, more);
    if (err != INCROCIO_OK)
        return err;
    for (int i = 0; i < n; i++) {
        json_array_append_new(
            items,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, i, 0), "name",
                      PQgetvalue(res, i, 1), "codice_fiscale", PQgetvalue(res, i, 2), "ateco_code",
                      PQgetvalue(res, i, 3), "comune_istat", PQgetvalue(res, i, 4), "office_code",
                      PQgetvalue(res, i, 5), "updated_at", PQgetvalue(res, i, 6)));
        snprintf(last_id, 37, "%s", PQgetvalue(res, i, 0));
    }
    PQclear(res);
    return INCROCIO_OK;
}
