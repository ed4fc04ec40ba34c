/* Slots and appointments: thin calls of the SQL functions of 0011_booking.sql. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/bookings.h"

static const struct incrocio_stmt slot_create_stmt = {
    INCROCIO_STMT_SLOT_CREATE, 7,
    "SELECT code, id FROM slot_create($1, $2, $3::timestamptz, $4::timestamptz, $5::int, $6,"
    " $7::uuid)"};

static const struct incrocio_stmt slot_get_stmt = {
    INCROCIO_STMT_SLOT_GET, 2,
    "SELECT slot_doc(s.id) FROM slots s WHERE s.id = $2::uuid AND s.office_code = $1"};

/* The row lock orders a withdrawal after the bookings already queued. */
static const struct incrocio_stmt slot_withdraw_stmt = {
    INCROCIO_STMT_SLOT_WITHDRAW, 2,
    "WITH s AS (SELECT id, booked, cancelled_at, starts_at FROM slots"
    "  WHERE id = $2::uuid AND office_code = $1 FOR UPDATE),"
    " u AS (UPDATE slots SET cancelled_at = now(), version = slots.version + 1 FROM s"
    "  WHERE slots.id = s.id AND s.cancelled_at IS NULL AND s.booked = 0"
    "  AND s.starts_at > now() RETURNING slots.id)"
    " SELECT CASE WHEN s.cancelled_at IS NOT NULL THEN 'slot.cancelled'"
    " WHEN s.starts_at <= now() THEN 'slot.past' WHEN s.booked > 0 THEN 'slot.booked'"
    " ELSE '' END, (SELECT count(*) FROM u) FROM s"};

/* Both bounds default: from now, to 14 days after from. */
#define FROM_TS "coalesce($2::timestamptz, now())"
#define TO_TS "coalesce($3::timestamptz, coalesce($2::timestamptz, now()) + interval '14 days')"

static const struct incrocio_stmt slots_list_stmt = {
    INCROCIO_STMT_SLOTS_LIST, 6,
    "SELECT slot_doc(s.id), (extract(epoch FROM s.starts_at) * 1000000)::bigint || '|' || s.id"
    " FROM slots s WHERE s.office_code = $1 AND s.cancelled_at IS NULL"
    " AND s.booked < s.capacity AND s.starts_at > now()"
    " AND s.starts_at >= " FROM_TS " AND s.starts_at < " TO_TS
    " AND ($4::text IS NULL OR s.service_type = $4)"
    " AND ($5::text IS NULL OR (s.starts_at, s.id) > ('epoch'::timestamptz"
    "  + split_part($5, '|', 1)::bigint * interval '1 microsecond', split_part($5, '|', 2)::uuid))"
    " ORDER BY s.starts_at, s.id LIMIT $6::int"};

static const struct incrocio_stmt slot_range_stmt = {INCROCIO_STMT_SLOT_RANGE, 3,
                                                     "SELECT " FROM_TS " < " TO_TS ", " TO_TS
                                                     " - " FROM_TS " <= interval '31 days'"
                                                     " WHERE $1::int IS NULL"};

static const struct incrocio_stmt book_stmt = {
    INCROCIO_STMT_APPOINTMENT_BOOK, 10,
    "SELECT code, id FROM appointment_book($1::uuid, $2, $3::uuid, $4, $5, $6, $7, $8,"
    " decode($9, 'hex'), $10::uuid)"};

static const struct incrocio_stmt appointment_get_stmt = {
    INCROCIO_STMT_APPOINTMENT_GET, 2, "SELECT appointment_doc($1::uuid, $2::boolean)"};

static const struct incrocio_stmt appointment_scope_stmt = {
    INCROCIO_STMT_APPOINTMENT_SCOPE, 1,
    "SELECT a.office_code, coalesce(a.created_by::text, ''),"
    " coalesce(encode(a.token_hash, 'hex'), ''), coalesce(a.job_seeker_id::text, ''),"
    " a.state = 'cancelled', lower(a.during) <= now(), a.version"
    " FROM appointments a WHERE a.id = $1::uuid AND a.erased_at IS NULL FOR UPDATE"};

static const struct incrocio_stmt appointment_cancel_stmt = {INCROCIO_STMT_APPOINTMENT_CANCEL, 1,
                                                             "SELECT appointment_cancel($1::uuid)"};

/* The Europe/Rome day, whatever the session's time zone. */
static const struct incrocio_stmt agenda_stmt = {
    INCROCIO_STMT_AGENDA, 2,
    "SELECT slot_doc(s.id), coalesce((SELECT json_agg(appointment_doc(a.id, true)"
    "  ORDER BY a.created_at, a.id) FROM appointments a"
    "  WHERE a.slot_id = s.id AND a.state = 'booked' AND a.erased_at IS NULL), '[]'::json)"
    " FROM slots s WHERE s.office_code = $1"
    " AND s.starts_at >= ($2::date::timestamp AT TIME ZONE 'Europe/Rome')"
    " AND s.starts_at < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Rome')"
    " ORDER BY s.starts_at, s.id"};

/* (code, id) rows: the codes appended to codes or the id copied. */
static void refusals_or_id(PGresult *res, json_t *codes, char *id_out)
{
    id_out[0] = '\0';
    for (int i = 0; i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, 0))
            snprintf(id_out, 37, "%s", PQgetvalue(res, i, 1));
        else
            json_array_append_new(codes, json_string(PQgetvalue(res, i, 0)));
    }
}

incrocio_err incrocio_db_slot_create(struct incrocio_db_conn *conn, const char *office,
                                     const struct incrocio_slot_input *in, const char *key_id,
                                     json_t *codes, char *id_out)
{
    char capacity[16];
    const char *values[7] = {office,
                             in->service_type,
                             in->starts_at,
                             in->ends_at,
                             capacity,
                             in->channel,
                             key_id && key_id[0] ? key_id : NULL};
    PGresult *res;
    incrocio_err err;

    snprintf(capacity, sizeof capacity, "%d", in->capacity);
    err = incrocio_db_exec(conn, &slot_create_stmt, values, &res);
    if (err != INCROCIO_OK)
        return err;
    refusals_or_id(res, codes, id_out);
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_slot_get(struct incrocio_db_conn *conn, const char *office, const char *id,
                                  json_t **doc)
{
    const char *values[2] = {office, id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &slot_get_stmt, values, &res);

    return err == INCROCIO_OK ? incrocio_db_one_json(res, doc) : err;
}

incrocio_err incrocio_db_slot_withdraw(struct incrocio_db_conn *conn, const char *office,
                                       const char *id, const char **refusal)
{
    static const char *const codes[] = {"slot.cancelled", "slot.past", "slot.booked"};
    const char *values[2] = {office, id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &slot_withdraw_stmt, values, &res);

    *refusal = NULL;
    if (err != INCROCIO_OK)
        return err;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(PQgetvalue(res, 0, 0), codes[i]) == 0)
            *refusal = codes[i];
    if (*refusal == NULL && strcmp(PQgetvalue(res, 0, 1), "1") != 0)
        err = INCROCIO_ERR_CONFLICT; /* changed under us: cannot happen under the lock */
    PQclear(res);
    return err;
}

incrocio_err incrocio_db_slot_range_check(struct incrocio_db_conn *conn, const char *from,
                                          const char *to, int *ordered, int *bounded)
{
    const char *values[3] = {NULL, from, to};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &slot_range_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    *ordered = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    *bounded = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_slots_list(struct incrocio_db_conn *conn,
                                    const struct incrocio_slot_filter *f, json_t *items, int *more,
                                    char *last_key, size_t last_key_len)
{
    char limit[16];
    const char *values[6] = {f->office, f->from, f->to, f->service_type, f->after_key, limit};
    PGresult *res;
    incrocio_err err;
    int n;

    err = incrocio_db_page_exec(conn, &slots_list_stmt, values, limit, f->limit, &res, &n, more);
    if (err != INCROCIO_OK)
        return err;
    return incrocio_db_page_json(res, n, 0, 1, items, last_key, last_key_len);
}

incrocio_err incrocio_db_appointment_book(struct incrocio_db_conn *conn,
                                          const struct incrocio_appointment_input *in,
                                          const char *token_hash_hex, const char *key_id,
                                          char *refusal, char *id_out)
{
    const char *values[10] = {in->slot_id,       in->service_type,
                              in->job_seeker_id, in->codice_fiscale[0] ? in->codice_fiscale : NULL,
                              in->given_name,    in->family_name,
                              in->email,         in->phone,
                              token_hash_hex,    key_id && key_id[0] ? key_id : NULL};
    json_t *codes = json_array();
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &book_stmt, values, &res);

    refusal[0] = '\0';
    if (err == INCROCIO_OK) {
        refusals_or_id(res, codes, id_out);
        PQclear(res);
        if (json_array_size(codes) > 0)
            snprintf(refusal, 40, "%s", json_string_value(json_array_get(codes, 0)));
        else if (id_out[0] == '\0')
            err = INCROCIO_ERR_DB;
    }
    json_decref(codes);
    return err;
}

incrocio_err incrocio_db_appointment_get(struct incrocio_db_conn *conn, const char *id, int staff,
                                         json_t **doc)
{
    const char *values[2] = {id, staff ? "true" : "false"};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &appointment_get_stmt, values, &res);

    return err == INCROCIO_OK ? incrocio_db_one_json(res, doc) : err;
}

incrocio_err incrocio_db_appointment_scope(struct incrocio_db_conn *conn, const char *id,
                                           struct incrocio_appointment_scope *scope)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec_one(conn, &appointment_scope_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    snprintf(scope->office, sizeof scope->office, "%s", PQgetvalue(res, 0, 0));
    snprintf(scope->created_by, sizeof scope->created_by, "%s", PQgetvalue(res, 0, 1));
    snprintf(scope->token_hash, sizeof scope->token_hash, "%s", PQgetvalue(res, 0, 2));
    snprintf(scope->job_seeker_id, sizeof scope->job_seeker_id, "%s", PQgetvalue(res, 0, 3));
    scope->cancelled = strcmp(PQgetvalue(res, 0, 4), "t") == 0;
    scope->started = strcmp(PQgetvalue(res, 0, 5), "t") == 0;
    scope->version = strtol(PQgetvalue(res, 0, 6), NULL, 10);
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_appointment_cancel(struct incrocio_db_conn *conn, const char *id)
{
    const char *values[1] = {id};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &appointment_cancel_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    err = strcmp(PQgetvalue(res, 0, 0), "t") == 0 ? INCROCIO_OK : INCROCIO_ERR_CONFLICT;
    PQclear(res);
    return err;
}

incrocio_err incrocio_db_agenda(struct incrocio_db_conn *conn, const char *office, const char *date,
                                json_t **slots)
{
    const char *values[2] = {office, date};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &agenda_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    *slots = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *slot = json_loads(PQgetvalue(res, i, 0), 0, NULL);
        json_t *people = json_loads(PQgetvalue(res, i, 1), 0, NULL);

        if (slot == NULL || people == NULL) {
            json_decref(slot);
            json_decref(people);
            json_decref(*slots);
            *slots = NULL;
            PQclear(res);
            return INCROCIO_ERR_DB;
        }
        json_object_set_new(slot, "appointments", people);
        json_array_append_new(*slots, slot);
    }
    PQclear(res);
    return INCROCIO_OK;
}
