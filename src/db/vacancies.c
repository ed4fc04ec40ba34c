#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/employers.h"

static const struct incrocio_stmt get_stmt = {INCROCIO_STMT_VACANCY_GET, 1,
                                              "SELECT vacancy_doc($1::uuid)"};

static const struct incrocio_stmt save_stmt = {INCROCIO_STMT_VACANCY_SAVE, 3,
                                               "SELECT vacancy_save($1::uuid, $2::jsonb, $3::int)"};

static const struct incrocio_stmt scope_stmt = {
    INCROCIO_STMT_VACANCY_SCOPE, 1,
    "SELECT state, employer_id, office_code FROM vacancies WHERE id = $1::uuid"};

/* Distances: haversine on a 6371 km sphere, as the matching engine's. */
static const struct incrocio_stmt list_stmt = {
    INCROCIO_STMT_VACANCIES_LIST, 14,
    "SELECT v.id, v.title, v.employer_id, e.name, v.office_code,"
    " vacancy_state(v.state, v.valid_until), v.valid_from, v.valid_until,"
    " (SELECT count(*) FROM positions p WHERE p.vacancy_id = v.id),"
    " (SELECT coalesce(sum(p.quantity), 0) FROM positions p WHERE p.vacancy_id = v.id),"
    " to_char(v.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(v.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    " FROM vacancies v JOIN employers e ON e.id = v.employer_id"
    " WHERE ($1::text IS NULL OR vacancy_state(v.state, v.valid_until) = $1)"
    " AND ($2::text IS NULL OR v.office_code = $2)"
    " AND ($3::uuid IS NULL OR v.employer_id = $3::uuid)"
    " AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM positions p WHERE p.vacancy_id = v.id"
    "      AND (p.occupation_code = $4 OR p.occupation_code LIKE $4 || '.%')))"
    " AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM positions p WHERE p.vacancy_id = v.id"
    "      AND p.contract_type = $5))"
    " AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM positions p WHERE p.vacancy_id = v.id"
    "      AND p.workplace_comune = $6))"
    " AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM positions p JOIN comuni c"
    "      ON c.istat_code = p.workplace_comune WHERE p.vacancy_id = v.id AND c.province = $7))"
    " AND ($8::float8 IS NULL OR EXISTS (SELECT 1 FROM positions p WHERE p.vacancy_id = v.id"
    "      AND 2 * 6371 * asin(sqrt(power(sin(radians(p.lat - $8::float8) / 2), 2)"
    "      + cos(radians($8::float8)) * cos(radians(p.lat))"
    "      * power(sin(radians(p.lon - $9::float8) / 2), 2))) <= $10::float8))"
    " AND ($11::timestamptz IS NULL OR v.published_at >= $11::timestamptz)"
    " AND ($12::text IS NULL OR v.search @@ websearch_to_tsquery('italian', $12))"
    " AND ($13::uuid IS NULL OR v.id > $13::uuid)"
    " ORDER BY v.id LIMIT $14::int"};

static const struct incrocio_stmt state_stmt = {
    INCROCIO_STMT_VACANCY_STATE, 3,
    "UPDATE vacancies SET state = $3, version = version + 1, updated_at = now(),"
    " published_at = CASE WHEN $3 = 'published' THEN now() ELSE published_at END,"
    " closed_at = CASE WHEN $3 IN ('closed', 'filled') THEN now() ELSE closed_at END"
    " WHERE id = $1::uuid AND state = $2"};

static const struct incrocio_stmt event_stmt = {
    INCROCIO_STMT_VACANCY_EVENT, 5,
    "INSERT INTO vacancy_events (vacancy_id, event, state_after, details, key_id)"
    " VALUES ($1::uuid, $2, $3, $4::jsonb, $5::uuid)"};

static const struct incrocio_stmt fill_stmt = {
    INCROCIO_STMT_POSITION_FILL, 3,
    "WITH f AS (UPDATE positions SET filled = filled + $3::int"
    " WHERE id = $2::uuid AND vacancy_id = $1::uuid AND filled + $3::int <= quantity"
    " RETURNING vacancy_id),"
    /* a fill changes the vacancy: a new version, a new ETag */
    " v AS (UPDATE vacancies SET version = version + 1, updated_at = now()"
    " WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM f))"
    " SELECT (SELECT count(*) FROM f), NOT EXISTS (SELECT 1 FROM positions p"
    "  WHERE p.vacancy_id = $1::uuid AND p.filled + CASE WHEN p.id = $2::uuid THEN $3::int"
    "  ELSE 0 END < p.quantity),"
    " EXISTS (SELECT 1 FROM positions WHERE id = $2::uuid AND vacancy_id = $1::uuid)"};

incrocio_err incrocio_db_vacancy_get(struct incrocio_db_conn *conn, const char *id, json_t **doc)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &get_stmt, values, &res);

    return err == INCROCIO_OK ? incrocio_db_one_json(res, doc) : err;
}

incrocio_err incrocio_db_vacancy_save(struct incrocio_db_conn *conn, const char *id,
                                      const json_t *doc, long version, char *id_out)
{
    /* INVALID: vacancy_save refused a position id that is not this vacancy's. */
    return incrocio_db_save_doc(conn, &save_stmt, id, doc, version, id_out);
}

incrocio_err incrocio_db_vacancy_scope(struct incrocio_db_conn *conn, const char *id,
                                       char state[16], char employer_id[37], char office[8])
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &scope_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    snprintf(state, 16, "%s", PQgetvalue(res, 0, 0));
    snprintf(employer_id, 37, "%s", PQgetvalue(res, 0, 1));
    snprintf(office, 8, "%s", PQgetvalue(res, 0, 2));
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_vacancies_list(struct incrocio_db_conn *conn,
                                        const struct incrocio_vacancy_filter *f, json_t *items,
                                        int *more, char *last_id)
{
    char limit[16];
    const char *values[14] = {
        f->state,         f->office,    f->employer_id,     f->occupation_prefix,
        f->contract_type, f->comune,    f->province,        f->near_lat,
        f->near_lon,      f->radius_km, f->published_since, f->q,
        f->after_id,      limit};
    PGresult *res;
    incrocio_err err;
    int n;

    err = incrocio_db_page_exec(conn, &list_stmt, values, limit, f->limit, &res, &n, more);
    if (err != INCROCIO_OK)
        return err;
    for (int i = 0; i < n; i++) {
        json_array_append_new(
            items,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:o, s:s}", "id",
                      PQgetvalue(res, i, 0), "title", PQgetvalue(res, i, 1), "employer_id",
                      PQgetvalue(res, i, 2), "employer_name", PQgetvalue(res, i, 3), "office_code",
                      PQgetvalue(res, i, 4), "state", PQgetvalue(res, i, 5), "valid_from",
                      incrocio_db_text_or_null(res, i, 6), "valid_until",
                      incrocio_db_text_or_null(res, i, 7), "positions",
                      (json_int_t)strtoll(PQgetvalue(res, i, 8), NULL, 10), "places",
                      (json_int_t)strtoll(PQgetvalue(res, i, 9), NULL, 10), "published_at",
                      incrocio_db_text_or_null(res, i, 10), "updated_at", PQgetvalue(res, i, 11)));
        snprintf(last_id, 37, "%s", PQgetvalue(res, i, 0));
    }
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_vacancy_transition(struct incrocio_db_conn *conn, const char *id,
                                            const char *from, const char *to, const char *event,
                                            const json_t *details, const char *key_id)
{
    const char *upd[3] = {id, from, to};
    char *text = details ? json_dumps(details, JSON_COMPACT) : NULL;
    const char *ins[5] = {id, event, to, text, key_id && key_id[0] ? key_id : NULL};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &state_stmt, upd, &res);

    if (err == INCROCIO_OK) {
        int changed = strcmp(PQcmdTuples(res), "1") == 0;
        PQclear(res);
        if (!changed) {
            free(text);
            return INCROCIO_ERR_CONFLICT;
        }
        err = incrocio_db_exec(conn, &event_stmt, ins, &res);
        PQclear(res);
    }
    free(text);
    return err;
}

incrocio_err incrocio_db_position_fill(struct incrocio_db_conn *conn, const char *vacancy_id,
                                       const char *position_id, int count, int *all_filled)
{
    char n[16];
    const char *values[3] = {vacancy_id, position_id, n};
    PGresult *res;
    incrocio_err err;

    snprintf(n, sizeof n, "%d", count);
    err = incrocio_db_exec(conn, &fill_stmt, values, &res);
    if (err != INCROCIO_OK)
        return err;
    if (strcmp(PQgetvalue(res, 0, 2), "t") != 0)
        err = INCROCIO_ERR_NOT_FOUND;
    else if (strcmp(PQgetvalue(res, 0, 0), "1") != 0)
        err = INCROCIO_ERR_INVALID;
    *all_filled = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    PQclear(res);
    return err;
}
