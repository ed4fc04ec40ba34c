/* service_records: the services the CPIs delivered. */
#include "incrocio/service_records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct incrocio_stmt refs_stmt = {
    INCROCIO_STMT_SERVICE_RECORD_REFS, 4,
    "SELECT EXISTS (SELECT 1 FROM offices WHERE code = $1),"
    " coalesce((SELECT audience FROM service_types WHERE code = $2), ''),"
    " $3::uuid IS NULL OR EXISTS (SELECT 1 FROM job_seekers"
    "  WHERE id = $3::uuid AND erased_at IS NULL),"
    " $4::uuid IS NULL OR EXISTS (SELECT 1 FROM employers WHERE id = $4::uuid)"};

static const struct incrocio_stmt insert_stmt = {
    INCROCIO_STMT_SERVICE_RECORD_INSERT, 8,
    "INSERT INTO service_records (office_code, service_type, channel, delivered_on,"
    " job_seeker_id, employer_id, notes, created_by)"
    " VALUES ($1, $2, $3, $4::date, $5::uuid, $6::uuid, $7, $8::uuid) RETURNING id"};

/* One representation, as GET answers it. */
#define RECORD_JSON                                                                        \
    "json_build_object('id', r.id, 'office_code', r.office_code, 'service_type',"          \
    " r.service_type, 'audience', t.audience, 'channel', r.channel, 'delivered_on',"       \
    " to_char(r.delivered_on, 'YYYY-MM-DD'), 'job_seeker_id', r.job_seeker_id,"            \
    " 'employer_id', r.employer_id, 'notes', r.notes, 'version', r.version, 'created_at'," \
    " to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"

static const struct incrocio_stmt get_stmt = {INCROCIO_STMT_SERVICE_RECORD_GET, 1,
                                              "SELECT " RECORD_JSON
                                              " FROM service_records r JOIN service_types t"
                                              " ON t.code = r.service_type WHERE r.id = $1::uuid"};

static const struct incrocio_stmt list_stmt = {
    INCROCIO_STMT_SERVICE_RECORDS_LIST, 9,
    "SELECT r.id, " RECORD_JSON " FROM service_records r JOIN service_types t"
    " ON t.code = r.service_type"
    " WHERE ($1::text IS NULL OR r.office_code = $1)"
    " AND ($2::text IS NULL OR r.service_type = $2)"
    " AND ($3::text IS NULL OR r.channel = $3)"
    " AND ($4::date IS NULL OR r.delivered_on >= $4::date)"
    " AND ($5::date IS NULL OR r.delivered_on <= $5::date)"
    " AND ($6::uuid IS NULL OR r.job_seeker_id = $6::uuid)"
    " AND ($7::uuid IS NULL OR r.employer_id = $7::uuid)"
    " AND ($8::uuid IS NULL OR r.id > $8::uuid)"
    " ORDER BY r.id LIMIT $9::int"};

incrocio_err incrocio_db_service_record_refs(struct incrocio_db_conn *conn,
                                             const struct incrocio_service_record *rec,
                                             struct incrocio_service_record_refs *refs)
{
    const char *values[4] = {rec->office_code, rec->service_type, rec->job_seeker_id,
                             rec->employer_id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &refs_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    refs->office_ok = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    snprintf(refs->audience, sizeof refs->audience, "%s", PQgetvalue(res, 0, 1));
    refs->job_seeker_ok = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
    refs->employer_ok = strcmp(PQgetvalue(res, 0, 3), "t") == 0;
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_service_record_insert(struct incrocio_db_conn *conn,
                                               const struct incrocio_service_record *rec,
                                               const char *key_id, char *id_out)
{
    const char *values[8] = {
        rec->office_code,   rec->service_type, rec->channel, rec->delivered_on,
        rec->job_seeker_id, rec->employer_id,  rec->notes,   key_id && key_id[0] ? key_id : NULL};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &insert_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    snprintf(id_out, 37, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_service_record_get(struct incrocio_db_conn *conn, const char *id,
                                            json_t **doc)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &get_stmt, values, &res);

    return err == INCROCIO_OK ? incrocio_db_one_json(res, doc) : err;
}

incrocio_err incrocio_db_service_records_list(struct incrocio_db_conn *conn,
                                              const struct incrocio_service_record_filter *f,
                                              json_t *items, int *more, char *last_id)
{
    char limit[16];
    const char *values[9] = {f->office,        f->service_type, f->channel,  f->from, f->to,
                             f->job_seeker_id, f->employer_id,  f->after_id, limit};
    PGresult *res;
    incrocio_err err;
    int n;

    err = incrocio_db_page_exec(conn, &list_stmt, values, limit, f->limit, &res, &n, more);
    if (err != INCROCIO_OK)
        return err;
    return incrocio_db_page_json(res, n, 1, 0, items, last_id, 37);
}
