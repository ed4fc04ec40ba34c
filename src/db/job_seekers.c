#include "incrocio/job_seekers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct incrocio_stmt get_stmt = {INCROCIO_STMT_JOB_SEEKER_GET, 1,
                                              "SELECT job_seeker_doc($1::uuid)"};

static const struct incrocio_stmt by_cf_stmt = {
    INCROCIO_STMT_JOB_SEEKER_BY_CF, 1,
    "SELECT job_seeker_doc(id) FROM job_seekers WHERE codice_fiscale = $1 AND erased_at IS NULL"};

static const struct incrocio_stmt refs_stmt = {
    INCROCIO_STMT_JOB_SEEKER_REFS, 2,
    "SELECT EXISTS (SELECT 1 FROM comuni WHERE istat_code = $1),"
    " EXISTS (SELECT 1 FROM offices WHERE code = $2)"};

static const struct incrocio_stmt save_stmt = {
    INCROCIO_STMT_JOB_SEEKER_SAVE, 3, "SELECT job_seeker_save($1::uuid, $2::jsonb, $3::int)"};

static const struct incrocio_stmt erase_stmt = {INCROCIO_STMT_JOB_SEEKER_ERASE, 1,
                                                "SELECT job_seeker_erase($1::uuid)"};

static const struct incrocio_stmt scope_stmt = {
    INCROCIO_STMT_JOB_SEEKER_SCOPE, 1,
    "SELECT office_code, coalesce(did_state, '') FROM job_seekers"
    " WHERE id = $1::uuid AND erased_at IS NULL"};

/* Occupation prefixes are validated digits and dots: no LIKE wildcards. */
static const struct incrocio_stmt list_stmt = {
    INCROCIO_STMT_JOB_SEEKERS_LIST, 8,
    "SELECT j.id, j.given_name, j.family_name, j.office_code, j.domicile_comune,"
    " j.did_state, to_char(j.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    " FROM job_seekers j WHERE j.erased_at IS NULL"
    " AND ($1::text IS NULL OR j.office_code = $1)"
    " AND ($2::text IS NULL OR j.did_state = $2)"
    " AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM unnest(j.desired_occupations) o"
    "      WHERE o = $3 OR o LIKE $3 || '.%')"
    "   OR EXISTS (SELECT 1 FROM job_seeker_experiences x WHERE x.job_seeker_id = j.id"
    "      AND (x.occupation_code = $3 OR x.occupation_code LIKE $3 || '.%')))"
    " AND ($4::text IS NULL OR j.domicile_comune = $4)"
    " AND ($5::text IS NULL OR $5 = ANY (j.licences))"
    " AND ($6::timestamptz IS NULL OR j.updated_at >= $6::timestamptz)"
    " AND ($7::uuid IS NULL OR j.id > $7::uuid)"
    " ORDER BY j.id LIMIT $8::int"};

static const struct incrocio_stmt did_get_stmt = {
    INCROCIO_STMT_DID_GET, 1,
    "SELECT j.did_state, coalesce(json_agg(json_build_object('id', e.id, 'event', e.event,"
    " 'state_before', e.state_before, 'state_after', e.state_after, 'date', e.event_date,"
    " 'reason', e.reason, 'channel', e.channel,"
    " 'recorded_at', to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"
    " ORDER BY e.id) FILTER (WHERE e.id IS NOT NULL), '[]')"
    " FROM job_seekers j LEFT JOIN did_events e ON e.job_seeker_id = j.id"
    " WHERE j.id = $1::uuid AND j.erased_at IS NULL GROUP BY j.id"};

static const struct incrocio_stmt did_update_stmt = {
    INCROCIO_STMT_DID_UPDATE, 3,
    "UPDATE job_seekers SET did_state = $3, version = version + 1, updated_at = now()"
    " WHERE id = $1::uuid AND erased_at IS NULL AND did_state IS NOT DISTINCT FROM $2"};

static const struct incrocio_stmt did_insert_stmt = {
    INCROCIO_STMT_DID_INSERT, 8,
    "INSERT INTO did_events (job_seeker_id, event, state_before, state_after, event_date, reason,"
    " channel, key_id) VALUES ($1::uuid, $2, $3, $4, $5::date, $6, $7, $8::uuid)"
    " RETURNING json_build_object('id', id, 'event', event, 'state_before', state_before,"
    " 'state_after', state_after, 'date', event_date, 'reason', reason, 'channel', channel,"
    " 'recorded_at', to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"};

incrocio_err incrocio_db_job_seeker_get(struct incrocio_db_conn *conn, const char *id, json_t **doc)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &get_stmt, values, &res);

    return err == INCROCIO_OK ? incrocio_db_one_json(res, doc) : err;
}

incrocio_err incrocio_db_job_seeker_by_cf(struct incrocio_db_conn *conn, const char *cf,
                                          json_t **doc)
{
    const char *values[1] = {cf};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &by_cf_stmt, values, &res);

    return err == INCROCIO_OK ? incrocio_db_one_json(res, doc) : err;
}

incrocio_err incrocio_db_job_seeker_refs(struct incrocio_db_conn *conn, const char *comune,
                                         const char *office, int *comune_ok, int *office_ok)
{
    const char *values[2] = {comune, office};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &refs_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    *comune_ok = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    *office_ok = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_job_seeker_save(struct incrocio_db_conn *conn, const char *id,
                                         const json_t *doc, long version, char *id_out)
{
    incrocio_err err = incrocio_db_save_doc(conn, &save_stmt, id, doc, version, id_out);
    char office[8], state;

    if (err != INCROCIO_ERR_PRECONDITION)
        return err;
    /* Nothing updated: gone, or changed since the caller read it. */
    err = incrocio_db_job_seeker_scope(conn, id, office, &state);
    return err == INCROCIO_OK ? INCROCIO_ERR_PRECONDITION : err;
}

incrocio_err incrocio_db_job_seeker_erase(struct incrocio_db_conn *conn, const char *id)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &erase_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    err = strcmp(PQgetvalue(res, 0, 0), "t") == 0 ? INCROCIO_OK : INCROCIO_ERR_NOT_FOUND;
    PQclear(res);
    return err;
}

incrocio_err incrocio_db_job_seeker_scope(struct incrocio_db_conn *conn, const char *id,
                                          char office[8], char *did_state)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &scope_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    snprintf(office, 8, "%s", PQgetvalue(res, 0, 0));
    *did_state = PQgetvalue(res, 0, 1)[0];
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_job_seekers_list(struct incrocio_db_conn *conn,
                                          const struct incrocio_job_seeker_filter *f, json_t *items,
                                          int *more, char *last_id, char *ids_out, size_t ids_len)
{
    char limit[16];
    const char *values[8] = {f->office,  f->did_state,     f->occupation_prefix, f->comune,
                             f->licence, f->updated_since, f->after_id,          limit};
    size_t used = 0;
    PGresult *res;
    incrocio_err err;
    int n;

    err = incrocio_db_page_exec(conn, &list_stmt, values, limit, f->limit, &res, &n, more);
    if (err != INCROCIO_OK)
        return err;
    used += (size_t)snprintf(ids_out, ids_len, "{");
    for (int i = 0; i < n; i++) {
        const char *state = PQgetisnull(res, i, 5) ? NULL : PQgetvalue(res, i, 5);

        json_array_append_new(
            items,
            json_pack("{s:s, s:o, s:o, s:s, s:s, s:{s:o, s:o}, s:s}", "id", PQgetvalue(res, i, 0),
                      "given_name", incrocio_db_text_or_null(res, i, 1), "family_name",
                      incrocio_db_text_or_null(res, i, 2), "office_code", PQgetvalue(res, i, 3),
                      "comune_istat", PQgetvalue(res, i, 4), "did", "state",
                      state ? json_string(incrocio_did_state_name(state[0])) : json_null(),
                      "state_code", state ? json_string(state) : json_null(), "updated_at",
                      PQgetvalue(res, i, 6)));
        snprintf(last_id, 37, "%s", PQgetvalue(res, i, 0));
        if (used + 40 < ids_len)
            used += (size_t)snprintf(ids_out + used, ids_len - used, "%s%s", i ? "," : "",
                                     PQgetvalue(res, i, 0));
    }
    snprintf(ids_out + used, ids_len - used, "}");
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_did_get(struct incrocio_db_conn *conn, const char *id, json_t **did)
{
    const char *values[1] = {id};
    json_error_t jerr;
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &did_get_stmt, values, &res);
    json_t *history;
    const char *state;

    *did = NULL;
    if (err != INCROCIO_OK)
        return err;
    history = json_loads(PQgetvalue(res, 0, 1), 0, &jerr);
    state = PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0);
    if (history != NULL)
        *did =
            json_pack("{s:o, s:o, s:o}", "state",
                      state ? json_string(incrocio_did_state_name(state[0])) : json_null(),
                      "state_code", state ? json_string(state) : json_null(), "history", history);
    PQclear(res);
    return *did ? INCROCIO_OK : INCROCIO_ERR_INTERNAL;
}

incrocio_err incrocio_db_did_apply(struct incrocio_db_conn *conn, const char *id, char state_before,
                                   char state_after, const char *event_name, const char *date,
                                   const char *reason, const char *channel, const char *key_id,
                                   json_t **event)
{
    char before[2] = {state_before, '\0'}, after[2] = {state_after, '\0'};
    const char *upd[3] = {id, state_before ? before : NULL, after};
    const char *ins[8] = {id,     event_name, state_before ? before : NULL,       after, date,
                          reason, channel,    key_id && key_id[0] ? key_id : NULL};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &did_update_stmt, upd, &res);

    if (err != INCROCIO_OK)
        return err;
    if (strcmp(PQcmdTuples(res), "1") != 0) {
        PQclear(res);
        return INCROCIO_ERR_CONFLICT; /* changed meanwhile */
    }
    PQclear(res);
    err = incrocio_db_exec(conn, &did_insert_stmt, ins, &res);
    return err == INCROCIO_OK ? incrocio_db_one_json(res, event) : err;
}

#define AGREEMENT_JSON                                                                        \
    "json_build_object('id', id, 'job_seeker_id', job_seeker_id, 'office_code', office_code," \
    " 'signed_on', signed_on, 'measures', to_json(measures), 'notes', notes,"                 \
    " 'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"

static const struct incrocio_stmt agreement_insert_stmt = {
    INCROCIO_STMT_AGREEMENT_INSERT, 6,
    "INSERT INTO service_agreements (job_seeker_id, office_code, signed_on, measures, notes,"
    " key_id) VALUES ($1::uuid, $2, $3::date, $4::text[], $5, $6::uuid) RETURNING " AGREEMENT_JSON};

static const struct incrocio_stmt agreement_list_stmt = {
    INCROCIO_STMT_AGREEMENT_LIST, 2,
    "SELECT coalesce(json_agg(" AGREEMENT_JSON " ORDER BY signed_on, created_at, id), '[]')"
    " FROM service_agreements WHERE job_seeker_id = $1::uuid"
    " AND ($2::uuid IS NULL OR id = $2::uuid)"};

static const struct incrocio_stmt agreement_count_stmt = {
    INCROCIO_STMT_AGREEMENT_COUNT, 1,
    "SELECT count(*) FROM service_agreements WHERE job_seeker_id = $1::uuid"};

incrocio_err incrocio_db_agreement_create(struct incrocio_db_conn *conn, const char *job_seeker_id,
                                          const char *office, const char *signed_on,
                                          const char *measures_pg_array, const char *notes,
                                          const char *key_id, json_t **agreement)
{
    const char *values[6] = {job_seeker_id,     office, signed_on,
                             measures_pg_array, notes,  key_id && key_id[0] ? key_id : NULL};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &agreement_insert_stmt, values, &res);

    return err == INCROCIO_OK ? incrocio_db_one_json(res, agreement) : err;
}

incrocio_err incrocio_db_agreements_get(struct incrocio_db_conn *conn, const char *job_seeker_id,
                                        const char *agreement_id, json_t **out)
{
    const char *values[2] = {job_seeker_id, agreement_id};
    PGresult *res;
    json_t *all;
    incrocio_err err = incrocio_db_exec(conn, &agreement_list_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    err = incrocio_db_one_json(res, &all);
    if (err != INCROCIO_OK || agreement_id == NULL) {
        *out = all;
        return err;
    }
    *out = json_incref(json_array_get(all, 0));
    json_decref(all);
    return *out ? INCROCIO_OK : INCROCIO_ERR_NOT_FOUND;
}

incrocio_err incrocio_db_agreements_count(struct incrocio_db_conn *conn, const char *id, int *n)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &agreement_count_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    *n = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return INCROCIO_OK;
}
