/* /v1/offices/{code}/slots: the seats an office offers for booking. Anyone
 * reads the free ones (no personal data); admins and the office's operators
 * publish and withdraw them. */
#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/bookings.h"
#include "incrocio/employers.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

#define CURSOR_SCOPE "slots"

int incrocio_api_office_staff(const struct incrocio_req *ctx, const char *office)
{
    return ctx->who.role == INCROCIO_ROLE_ADMIN ||
           (ctx->who.role == INCROCIO_ROLE_OPERATOR &&
            incrocio_principal_has_office(&ctx->who, office));
}

int incrocio_api_office_open(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx, const char *office, int staff_only,
                             struct incrocio_db_conn **conn)
{
    int office_ok = 0, unused1, unused2;
    incrocio_err err;

    if (!incrocio_office_code_valid(office)) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
        return 0;
    }
    if (!incrocio_api_begin(req, resp, ctx, conn))
        return 0;
    err = incrocio_db_refs(*conn, NULL, office, NULL, &unused1, &office_ok, &unused2);
    if (err == INCROCIO_OK && !office_ok)
        err = INCROCIO_ERR_NOT_FOUND;
    if (err != INCROCIO_OK) {
        incrocio_db_checkin(ctx->app->pool, *conn);
        incrocio_problem_from_err(req, resp, ctx, err);
        return 0;
    }
    if (staff_only && !incrocio_api_office_staff(ctx, office)) {
        incrocio_db_checkin(ctx->app->pool, *conn);
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "operators manage the bookings of the offices they work for", NULL);
        return 0;
    }
    return 1;
}

void incrocio_api_slot_create(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx)
{
    const char *office = incrocio_req_path_var(ctx, "code");
    struct incrocio_slot_input in;
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *codes = json_array(), *doc = NULL;
    char id[37] = "", location[96];
    incrocio_err err;

    if (!incrocio_api_office_open(req, resp, ctx, office, 1, &conn)) {
        json_decref(errors);
        json_decref(codes);
        return;
    }
    if (incrocio_slot_input_parse(ctx->body, &in, errors) > 0) {
        incrocio_db_checkin(ctx->app->pool, conn);
        json_decref(codes);
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return;
    }
    err = incrocio_db_slot_create(conn, office, &in, ctx->who.key_id, codes, id);
    if (err == INCROCIO_OK && json_array_size(codes) > 0) {
        size_t i;
        json_t *c;

        json_array_foreach (codes, i, c) {
            char ptr[64];

            incrocio_booking_refusal_pointer(json_string_value(c), ptr, sizeof ptr);
            incrocio_problem_add(errors, ptr, json_string_value(c),
                                 incrocio_booking_refusal_detail(json_string_value(c)));
        }
        json_decref(codes);
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return;
    }
    json_decref(codes);
    json_decref(errors);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "create", "slot", id, NULL);
    if (err == INCROCIO_OK)
        err = incrocio_db_slot_get(conn, office, id, &doc);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(doc);
        return;
    }
    snprintf(location, sizeof location, "/v1/offices/%s/slots/%s", office, id);
    incrocio_respond_header(resp, "Location", location);
    incrocio_api_send_versioned(resp, 201, doc);
    json_decref(doc);
}

/* A cursor's key: "<microseconds>|<uuid>". */
static int key_valid(const char *key)
{
    const char *bar = strchr(key, '|');
    char micros[24];

    if (bar == NULL || bar - key < 1 || bar - key > 18)
        return 0;
    snprintf(micros, sizeof micros, "%.*s", (int)(bar - key), key);
    return incrocio_valid_id(micros) && incrocio_valid_uuid(bar + 1);
}

void incrocio_api_slots_list(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"from", "to", "service_type", "limit", "cursor", NULL};
    static const char *const keep[] = {"from", "to", "service_type", NULL};
    const char *office = incrocio_req_path_var(ctx, "code");
    struct incrocio_slot_filter f = {0};
    struct incrocio_db_conn *conn;
    struct incrocio_page page;
    json_t *errors = json_array(), *items;
    char last[64] = "", path[64];
    int more = 0, ordered = 1, bounded = 1;
    incrocio_err err;

    incrocio_query_reject_unknown(req, allowed, errors);
    incrocio_query_page(req, CURSOR_SCOPE, &page, errors);
    f.office = office;
    f.from = incrocio_query_get(req, "from");
    f.to = incrocio_query_get(req, "to");
    f.service_type = incrocio_query_get(req, "service_type");
    f.limit = page.limit;
    f.after_key = page.has_after ? page.after : NULL;
    if (f.after_key && !key_valid(f.after_key))
        incrocio_problem_add_param(errors, "cursor", "cursor.invalid",
                                   "cursor is not one this collection gave out");
    if (f.from && !incrocio_booking_instant_valid(f.from))
        incrocio_problem_add_param(errors, "from", "from.format",
                                   "from must be an RFC 3339 instant (2026-12-01T00:00:00+01:00)");
    if (f.to && !incrocio_booking_instant_valid(f.to))
        incrocio_problem_add_param(errors, "to", "to.format",
                                   "to must be an RFC 3339 instant (2026-12-08T00:00:00+01:00)");
    if (f.service_type &&
        (strlen(f.service_type) < 2 || strlen(f.service_type) > 40 ||
         strspn(f.service_type, "abcdefghijklmnopqrstuvwxyz_") != strlen(f.service_type)))
        incrocio_problem_add_param(errors, "service_type", "service_type.syntax",
                                   "service_type must be a service type code such as orientation");
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    if (!incrocio_api_office_open(req, resp, ctx, office, 0, &conn)) {
        json_decref(errors);
        return;
    }
    err = incrocio_db_slot_range_check(conn, f.from, f.to, &ordered, &bounded);
    if (err == INCROCIO_OK && (!ordered || !bounded)) {
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_add_param(errors, "to", ordered ? "to.range" : "to.before_from",
                                   ordered ? "from and to may be at most 31 days apart"
                                           : "to must come after from");
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    items = json_array();
    if (err == INCROCIO_OK)
        err = incrocio_db_slots_list(conn, &f, items, &more, last, sizeof last);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(items);
        return;
    }
    snprintf(path, sizeof path, "/v1/offices/%s/slots", office);
    incrocio_api_send_page(req, resp, path, CURSOR_SCOPE, page.limit, more, last, items, keep);
}

void incrocio_api_slot_get(const struct _u_request *req, struct _u_response *resp,
                           struct incrocio_req *ctx)
{
    const char *office = incrocio_req_path_var(ctx, "code");
    const char *id = incrocio_req_path_var(ctx, "slot_id");
    struct incrocio_db_conn *conn;
    json_t *doc = NULL;
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id) ||
        !incrocio_api_office_open(req, resp, ctx, office, 0, &conn))
        return;
    err = incrocio_db_slot_get(conn, office, id, &doc);
    if (incrocio_api_finish(req, resp, ctx, conn, err, NULL))
        incrocio_api_send_current(req, resp, doc);
    json_decref(doc);
}

void incrocio_api_slot_delete(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx)
{
    const char *office = incrocio_req_path_var(ctx, "code");
    const char *id = incrocio_req_path_var(ctx, "slot_id");
    const char *if_match = incrocio_req_header(req, "If-Match");
    const char *refusal = NULL;
    struct incrocio_db_conn *conn;
    json_t *doc = NULL;
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id) ||
        !incrocio_api_office_open(req, resp, ctx, office, 1, &conn))
        return;
    err = incrocio_db_slot_get(conn, office, id, &doc);
    if (err == INCROCIO_OK && if_match) {
        long want = incrocio_etag_version(if_match);
        if (want != -1 && want != (long)json_integer_value(json_object_get(doc, "version")))
            err = INCROCIO_ERR_PRECONDITION;
    }
    json_decref(doc);
    doc = NULL;
    if (err == INCROCIO_OK)
        err = incrocio_db_slot_withdraw(conn, office, id, &refusal);
    if (err == INCROCIO_OK && refusal) {
        json_t *errors = json_array();
        const char *detail = strcmp(refusal, "slot.booked") == 0
                                 ? "seats of this slot are booked: cancel those appointments first"
                                 : incrocio_booking_refusal_detail(refusal);

        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_add(errors, "", refusal, detail);
        incrocio_problem_send(req, resp, ctx, 409, "conflict", detail, errors);
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "delete", "slot", id, NULL);
    if (err == INCROCIO_OK)
        err = incrocio_db_slot_get(conn, office, id, &doc);
    if (incrocio_api_finish(req, resp, ctx, conn, err, NULL))
        incrocio_api_send_versioned(resp, 200, doc);
    json_decref(doc);
}

void incrocio_api_agenda_get(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"date", NULL};
    const char *office = incrocio_req_path_var(ctx, "code");
    const char *date = incrocio_query_get(req, "date");
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *slots = NULL, *body, *slot;
    size_t i;
    incrocio_err err;

    incrocio_query_reject_unknown(req, allowed, errors);
    if (date == NULL)
        incrocio_problem_add_param(errors, "date", "date.required",
                                   "date (YYYY-MM-DD, the Europe/Rome day) is required");
    else if (!incrocio_valid_date(date))
        incrocio_problem_add_param(errors, "date", "date.format", "date must be YYYY-MM-DD");
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    if (!incrocio_api_office_open(req, resp, ctx, office, 1, &conn))
        return;
    err = incrocio_db_agenda(conn, office, date, &slots);
    /* Each appointment shows a person: each is a read of that person (one
     * statement for the day). */
    if (err == INCROCIO_OK) {
        json_t *shown = json_array();

        json_array_foreach (slots, i, slot) {
            json_array_extend(shown, json_object_get(slot, "appointments"));
        }
        err = incrocio_audit_record_items(conn, ctx, "read", "appointment", shown, "id",
                                          "job_seeker_id");
        json_decref(shown);
    }
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(slots);
        return;
    }
    body = json_pack("{s:s, s:s, s:s, s:o}", "office_code", office, "date", date, "time_zone",
                     "Europe/Rome", "slots", slots);
    incrocio_respond_json(resp, 200, body, NULL);
    json_decref(body);
}
