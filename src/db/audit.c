#include "incrocio/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct incrocio_stmt insert_stmt = {
    INCROCIO_STMT_AUDIT_INSERT, 7,
    "INSERT INTO audit_events (key_id, role, action, resource_type, resource_id, job_seeker_id,"
    " request_id) VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid, $7)"};

/* One row per id of a text[]: the people a list showed. */
static const struct incrocio_stmt insert_many_stmt = {
    INCROCIO_STMT_AUDIT_INSERT_MANY, 6,
    "INSERT INTO audit_events (key_id, role, action, resource_type, resource_id, job_seeker_id,"
    " request_id) SELECT $1::uuid, $2, $3, $4, x, x::uuid, $6"
    " FROM unnest($5::text[]) AS x"};

/* One row per pair of two parallel text[]: the records a list showed, each
 * with the person it names (or NULL). */
static const struct incrocio_stmt insert_items_stmt = {
    INCROCIO_STMT_AUDIT_INSERT_ITEMS, 7,
    "INSERT INTO audit_events (key_id, role, action, resource_type, resource_id, job_seeker_id,"
    " request_id) SELECT $1::uuid, $2, $3, $4, r, s::uuid, $7"
    " FROM unnest($5::text[], $6::text[]) AS u(r, s)"};

static const struct incrocio_stmt list_stmt = {
    INCROCIO_STMT_AUDIT_LIST, 6,
    "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), key_id,"
    " role, action, resource_type, resource_id, job_seeker_id, request_id"
    " FROM audit_events"
    " WHERE ($1::uuid IS NULL OR job_seeker_id = $1::uuid)"
    " AND ($2::uuid IS NULL OR key_id = $2::uuid)"
    " AND ($3::timestamptz IS NULL OR at >= $3::timestamptz)"
    " AND ($4::timestamptz IS NULL OR at < $4::timestamptz)"
    " AND ($5::bigint IS NULL OR id > $5::bigint)"
    " ORDER BY id LIMIT $6::int"};

incrocio_err incrocio_audit_record(struct incrocio_db_conn *conn, const struct incrocio_req *ctx,
                                   const char *action, const char *resource_type,
                                   const char *resource_id, const char *job_seeker_id)
{
    const char *values[7] = {ctx->who.key_id[0] ? ctx->who.key_id : NULL,
                             incrocio_role_name(ctx->who.role),
                             action,
                             resource_type,
                             resource_id,
                             job_seeker_id,
                             ctx->request_id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &insert_stmt, values, &res);

    PQclear(res);
    return err;
}

/* Appends the member `name` of each item to a text[] literal: ids (UUIDs,
 * which need no quoting) or NULL. */
static char *ids_literal_new(const json_t *items, const char *name)
{
    size_t n = json_array_size(items), at = 0, i;
    char *out = malloc(n * 38 + 3);
    const json_t *item;

    if (out == NULL)
        return NULL;
    out[at++] = '{';
    json_array_foreach (items, i, item) {
        const char *v = json_string_value(json_object_get(item, name));
        at += (size_t)sprintf(out + at, "%s%s", i ? "," : "", v && strlen(v) == 36 ? v : "NULL");
    }
    strcpy(out + at, "}");
    return out;
}

incrocio_err incrocio_audit_record_items(struct incrocio_db_conn *conn,
                                         const struct incrocio_req *ctx, const char *action,
                                         const char *resource_type, const json_t *items,
                                         const char *id_member, const char *seeker_member)
{
    char *ids, *seekers;
    incrocio_err err = INCROCIO_ERR_NOMEM;

    if (json_array_size(items) == 0)
        return INCROCIO_OK;
    ids = ids_literal_new(items, id_member);
    seekers = ids_literal_new(items, seeker_member);
    if (ids && seekers) {
        const char *values[7] = {ctx->who.key_id[0] ? ctx->who.key_id : NULL,
                                 incrocio_role_name(ctx->who.role),
                                 action,
                                 resource_type,
                                 ids,
                                 seekers,
                                 ctx->request_id};
        PGresult *res;

        err = incrocio_db_exec(conn, &insert_items_stmt, values, &res);
        if (err == INCROCIO_OK)
            PQclear(res);
    }
    free(ids);
    free(seekers);
    return err;
}

incrocio_err incrocio_audit_record_people(struct incrocio_db_conn *conn,
                                          const struct incrocio_req *ctx, const char *action,
                                          const char *ids_pg_array)
{
    const char *values[6] = {ctx->who.key_id[0] ? ctx->who.key_id : NULL,
                             incrocio_role_name(ctx->who.role),
                             action,
                             "job_seeker",
                             ids_pg_array,
                             ctx->request_id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &insert_many_stmt, values, &res);

    PQclear(res);
    return err;
}

incrocio_err incrocio_db_audit_list(struct incrocio_db_conn *conn,
                                    const struct incrocio_audit_filter *f, json_t *items, int *more,
                                    char *last_id, size_t last_id_len)
{
    char limit[16];
    const char *values[6] = {f->job_seeker_id, f->key_id, f->from, f->to, f->after_id, limit};
    PGresult *res;
    incrocio_err err;
    int n;

    err = incrocio_db_page_exec(conn, &list_stmt, values, limit, f->limit, &res, &n, more);
    if (err != INCROCIO_OK)
        return err;
    for (int i = 0; i < n; i++) {
        json_array_append_new(
            items,
            json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:s}", "id",
                      (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10), "at",
                      PQgetvalue(res, i, 1), "key_id", incrocio_db_text_or_null(res, i, 2), "role",
                      PQgetvalue(res, i, 3), "action", PQgetvalue(res, i, 4), "resource_type",
                      PQgetvalue(res, i, 5), "resource_id", PQgetvalue(res, i, 6), "job_seeker_id",
                      incrocio_db_text_or_null(res, i, 7), "request_id", PQgetvalue(res, i, 8)));
        snprintf(last_id, last_id_len, "%s", PQgetvalue(res, i, 0));
    }
    PQclear(res);
    return INCROCIO_OK;
}
