/* Candidacies in PostgreSQL (include/incrocio/candidacies.h). */
#include "incrocio/candidacies.h"

#include <stdio.h>
#include <string.h>

static const struct incrocio_stmt position_stmt = {
    INCROCIO_STMT_CAND_POSITION, 1,
    "SELECT v.id, vacancy_state(v.state, v.valid_until), v.employer_id, v.office_code,"
    " p.filled >= p.quantity"
    " FROM positions p JOIN vacancies v ON v.id = p.vacancy_id WHERE p.id = $1::uuid"};

static const struct incrocio_stmt seeker_stmt = {
    INCROCIO_STMT_CAND_SEEKER, 1,
    "SELECT office_code FROM job_seekers WHERE id = $1::uuid AND erased_at IS NULL"};

static const struct incrocio_stmt insert_stmt = {
    INCROCIO_STMT_CAND_INSERT, 6,
    "INSERT INTO candidacies (vacancy_id, position_id, job_seeker_id, employer_id, office_code,"
    " source, score, model_version, created_by)"
    " SELECT v.id, p.id, $2::uuid, v.employer_id, v.office_code, $3, $4::float8, $5, $6::uuid"
    " FROM positions p JOIN vacancies v ON v.id = p.vacancy_id WHERE p.id = $1::uuid"
    " RETURNING id"};

static const struct incrocio_stmt event_stmt = {
    INCROCIO_STMT_CAND_EVENT, 6,
    "INSERT INTO candidacy_events (candidacy_id, stage_before, stage, notes, key_id, role)"
    " VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6)"};

static const struct incrocio_stmt scope_stmt = {
    INCROCIO_STMT_CAND_SCOPE, 1,
    "SELECT c.stage, c.vacancy_id, c.position_id, c.job_seeker_id, c.employer_id, c.office_code,"
    " j.office_code, c.sent_at IS NOT NULL"
    " FROM candidacies c JOIN job_seekers j ON j.id = c.job_seeker_id WHERE c.id = $1::uuid"};

static const struct incrocio_stmt move_stmt = {
    INCROCIO_STMT_CAND_MOVE, 3,
    "UPDATE candidacies SET stage = $3, version = version + 1, updated_at = now(),"
    " sent_at = CASE WHEN $3 = 'sent_to_employer' THEN now() ELSE sent_at END"
    " WHERE id = $1::uuid AND stage = $2"};

static const struct incrocio_stmt get_stmt = {INCROCIO_STMT_CAND_GET, 1,
                                              "SELECT candidacy_doc($1::uuid)"};

static const struct incrocio_stmt list_stmt = {
    INCROCIO_STMT_CAND_LIST, 12,
    "SELECT c.id, json_build_object('id', c.id, 'vacancy_id', c.vacancy_id,"
    " 'position_id', c.position_id, 'job_seeker_id', c.job_seeker_id,"
    " 'employer_id', c.employer_id, 'office_code', c.office_code, 'source', c.source,"
    " 'stage', c.stage, 'open', c.open, 'score', c.score, 'model_version', c.model_version,"
    " 'sent_at', utc_text(c.sent_at), 'version', c.version,"
    " 'created_at', utc_text(c.created_at), 'updated_at', utc_text(c.updated_at))"
    " FROM candidacies c"
    " WHERE ($1::uuid IS NULL OR c.vacancy_id = $1::uuid)"
    " AND ($2::uuid IS NULL OR c.position_id = $2::uuid)"
    " AND ($3::uuid IS NULL OR c.job_seeker_id = $3::uuid)"
    " AND ($4::uuid IS NULL OR c.employer_id = $4::uuid)"
    " AND ($5::text IS NULL OR c.stage = $5)"
    " AND ($6::text IS NULL OR c.office_code = $6)"
    " AND ($7::text IS NULL OR c.source = $7)"
    " AND ($8::boolean IS NULL OR c.open = $8::boolean)"
    " AND ($9::date IS NULL OR c.updated_at >= $9::date)"
    " AND ($10::uuid IS NULL OR c.id > $10::uuid)"
    " AND (NOT $12::boolean OR c.sent_at IS NOT NULL)"
    " ORDER BY c.id LIMIT $11::int"};

/* A hire changes what the person's record shows (its "hires"): a new version. */
static const struct incrocio_stmt touch_stmt = {
    INCROCIO_STMT_CAND_SEEKER_TOUCH, 1,
    "UPDATE job_seekers SET version = version + 1, updated_at = now() WHERE id = $1::uuid"};

incrocio_err incrocio_db_cand_position(struct incrocio_db_conn *conn, const char *position_id,
                                       struct incrocio_cand_position *out)
{
    const char *values[1] = {position_id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &position_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    snprintf(out->vacancy_id, sizeof out->vacancy_id, "%s", PQgetvalue(res, 0, 0));
    snprintf(out->vacancy_state, sizeof out->vacancy_state, "%s", PQgetvalue(res, 0, 1));
    snprintf(out->employer_id, sizeof out->employer_id, "%s", PQgetvalue(res, 0, 2));
    snprintf(out->office, sizeof out->office, "%s", PQgetvalue(res, 0, 3));
    out->full = strcmp(PQgetvalue(res, 0, 4), "t") == 0;
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_cand_seeker_office(struct incrocio_db_conn *conn, const char *id,
                                            char office[8])
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &seeker_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    snprintf(office, 8, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return INCROCIO_OK;
}

static incrocio_err record_event(struct incrocio_db_conn *conn, const char *id, const char *from,
                                 const char *to, const char *notes, const char *key_id,
                                 const char *role)
{
    const char *values[6] = {id, from, to, notes, key_id && key_id[0] ? key_id : NULL, role};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &event_stmt, values, &res);

    if (err == INCROCIO_OK)
        PQclear(res);
    return err;
}

incrocio_err incrocio_db_cand_insert(struct incrocio_db_conn *conn,
                                     const struct incrocio_cand_new *c, char id_out[37])
{
    const char *values[6] = {c->position_id,   c->job_seeker_id,
                             c->source,        c->score,
                             c->model_version, c->key_id && c->key_id[0] ? c->key_id : NULL};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &insert_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    snprintf(id_out, 37, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return record_event(conn, id_out, NULL, "proposed", c->notes, c->key_id, c->role);
}

incrocio_err incrocio_db_cand_scope(struct incrocio_db_conn *conn, const char *id,
                                    struct incrocio_cand_scope *out)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &scope_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    snprintf(out->stage, sizeof out->stage, "%s", PQgetvalue(res, 0, 0));
    snprintf(out->vacancy_id, sizeof out->vacancy_id, "%s", PQgetvalue(res, 0, 1));
    snprintf(out->position_id, sizeof out->position_id, "%s", PQgetvalue(res, 0, 2));
    snprintf(out->job_seeker_id, sizeof out->job_seeker_id, "%s", PQgetvalue(res, 0, 3));
    snprintf(out->employer_id, sizeof out->employer_id, "%s", PQgetvalue(res, 0, 4));
    snprintf(out->office, sizeof out->office, "%s", PQgetvalue(res, 0, 5));
    snprintf(out->seeker_office, sizeof out->seeker_office, "%s", PQgetvalue(res, 0, 6));
    out->sent = strcmp(PQgetvalue(res, 0, 7), "t") == 0;
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_cand_move(struct incrocio_db_conn *conn, const char *id, const char *from,
                                   const char *to, const char *notes, const char *key_id,
                                   const char *role)
{
    const char *values[3] = {id, from, to};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &move_stmt, values, &res);
    int moved;

    if (err != INCROCIO_OK)
        return err;
    moved = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    if (!moved)
        return INCROCIO_ERR_CONFLICT;
    return record_event(conn, id, from, to, notes, key_id, role);
}

incrocio_err incrocio_db_cand_get(struct incrocio_db_conn *conn, const char *id, json_t **doc)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &get_stmt, values, &res);

    return err == INCROCIO_OK ? incrocio_db_one_json(res, doc) : err;
}

incrocio_err incrocio_db_cand_list(struct incrocio_db_conn *conn,
                                   const struct incrocio_cand_filter *f, json_t *items, int *more,
                                   char last_id[37])
{
    char limit[16];
    const char *values[12] = {f->vacancy_id,  f->position_id, f->job_seeker_id,
                              f->employer_id, f->stage,       f->office,
                              f->source,      f->open,        f->updated_since,
                              f->after_id,    limit,          f->sent_only ? "t" : "f"};
    PGresult *res;
    incrocio_err err;
    int n;

    err = incrocio_db_page_exec(conn, &list_stmt, values, limit, f->limit, &res, &n, more);
    if (err != INCROCIO_OK)
        return err;
    return incrocio_db_page_json(res, n, 1, 0, items, last_id, 37);
}

incrocio_err incrocio_db_cand_seeker_touch(struct incrocio_db_conn *conn, const char *job_seeker_id)
{
    const char *values[1] = {job_seeker_id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &touch_stmt, values, &res);

    if (err == INCROCIO_OK)
        PQclear(res);
    return err;
}
