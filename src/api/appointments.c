/* /v1/appointments: a seat booked in a slot. Citizens book without a key (the
 * per-address rate limit holds them back) and get, once, a token to cancel
 * with; portals and staff book with their keys. Every appointment names a
 * person: staff reads are audited, and what a non-staff caller is shown never
 * reveals more than they gave. */
#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/bookings.h"
#include "incrocio/problem.h"
#include "incrocio/respond.h"

#define TOKEN_HEADER "Cancellation-Token"

static int is_staff(const struct incrocio_req *ctx)
{
    return ctx->who.role == INCROCIO_ROLE_ADMIN || ctx->who.role == INCROCIO_ROLE_OPERATOR;
}

static void refused(const struct _u_request *req, struct _u_response *resp,
                    const struct incrocio_req *ctx, const char *code)
{
    json_t *errors = json_array();
    unsigned status = incrocio_booking_refusal_status(code);
    char ptr[64];

    incrocio_booking_refusal_pointer(code, ptr, sizeof ptr);
    incrocio_problem_add(errors, ptr, code, incrocio_booking_refusal_detail(code));
    incrocio_problem_send(req, resp, ctx, status, status == 409 ? "conflict" : "validation",
                          incrocio_booking_refusal_detail(code), errors);
}

void incrocio_api_appointment_create(const struct _u_request *req, struct _u_response *resp,
                                     struct incrocio_req *ctx)
{
    struct incrocio_appointment_input in;
    struct incrocio_appointment_scope scope;
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *doc = NULL;
    char token[INCROCIO_BOOKING_TOKEN_LEN + 1] = "", hash[65] = "", refusal[40] = "", id[37] = "";
    char location[64];
    int keyless = ctx->who.role == INCROCIO_ROLE_ANONYMOUS;
    incrocio_err err = INCROCIO_OK;

    if (incrocio_appointment_input_parse(ctx->body, &in, errors) > 0) {
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    if (keyless && in.job_seeker_id) {
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "without an API key, book by codice_fiscale", NULL);
        return;
    }
    if (keyless)
        err = incrocio_booking_token_new(token, hash);
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_appointment_book(conn, &in, keyless ? hash : NULL, ctx->who.key_id, refusal,
                                       id);
    if (err == INCROCIO_OK && refusal[0]) {
        incrocio_db_checkin(ctx->app->pool, conn);
        refused(req, resp, ctx, refusal);
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_appointment_scope(conn, id, &scope);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "create", "appointment", id,
                                    scope.job_seeker_id[0] ? scope.job_seeker_id : NULL);
    if (err == INCROCIO_OK)
        err = incrocio_db_appointment_get(conn, id, is_staff(ctx), &doc);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(doc);
        return;
    }
    if (keyless) /* shown this once: only its hash is kept */
        json_object_set_new(doc, "cancellation_token", json_string(token));
    snprintf(location, sizeof location, "/v1/appointments/%s", id);
    incrocio_respond_header(resp, "Location", location);
    incrocio_api_send_versioned(resp, 201, doc);
    json_decref(doc);
}

void incrocio_api_appointment_get(const struct _u_request *req, struct _u_response *resp,
                                  struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    struct incrocio_appointment_scope scope;
    struct incrocio_db_conn *conn;
    json_t *doc = NULL;
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id) || !incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_appointment_scope(conn, id, &scope);
    /* Another office's appointment is out of an operator's scope. */
    if (err == INCROCIO_OK && !incrocio_api_office_staff(ctx, scope.office))
        err = INCROCIO_ERR_NOT_FOUND;
    if (err == INCROCIO_OK)
        err = incrocio_db_appointment_get(conn, id, 1, &doc);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "read", "appointment", id,
                                    scope.job_seeker_id[0] ? scope.job_seeker_id : NULL);
    if (incrocio_api_finish(req, resp, ctx, conn, err, NULL))
        incrocio_api_send_current(req, resp, doc);
    json_decref(doc);
}

/* Who may cancel: whoever presents the appointment's token; else admins, the
 * office's operators and the portal key that booked it. */
static int may_cancel(const struct incrocio_req *ctx, const char *token,
                      const struct incrocio_appointment_scope *scope)
{
    if (token != NULL)
        return incrocio_booking_token_matches(token, scope->token_hash);
    if (ctx->who.role == INCROCIO_ROLE_PORTAL)
        return scope->created_by[0] && strcmp(scope->created_by, ctx->who.key_id) == 0;
    return incrocio_api_office_staff(ctx, scope->office);
}

void incrocio_api_appointment_delete(const struct _u_request *req, struct _u_response *resp,
                                     struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    const char *token = incrocio_req_header(req, TOKEN_HEADER);
    const char *if_match = incrocio_req_header(req, "If-Match");
    struct incrocio_appointment_scope scope;
    struct incrocio_db_conn *conn;
    const char *conflict = NULL;
    json_t *doc = NULL;
    incrocio_err err;

    if (ctx->who.role == INCROCIO_ROLE_ANONYMOUS && token == NULL) {
        incrocio_respond_header(resp, "WWW-Authenticate", "Bearer realm=\"incrocio\"");
        incrocio_problem_send(req, resp, ctx, 401, "unauthorized",
                              "send the appointment's " TOKEN_HEADER " header, or an API key",
                              NULL);
        return;
    }
    if (!incrocio_api_uuid_or_404(req, resp, ctx, id) || !incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_appointment_scope(conn, id, &scope); /* locks it */
    /* A wrong token or someone else's appointment: as if there were none. */
    if (err == INCROCIO_OK && !may_cancel(ctx, token, &scope))
        err = INCROCIO_ERR_NOT_FOUND;
    if (err == INCROCIO_OK && if_match) {
        long want = incrocio_etag_version(if_match);
        if (want != -1 && want != scope.version)
            err = INCROCIO_ERR_PRECONDITION;
    }
    if (err == INCROCIO_OK && scope.cancelled)
        conflict = "appointment.cancelled";
    else if (err == INCROCIO_OK && scope.started)
        conflict = "appointment.started";
    if (conflict) {
        json_t *errors = json_array();
        const char *detail = scope.cancelled ? "this appointment is already cancelled"
                                             : "this appointment has already begun";

        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_add(errors, "", conflict, detail);
        incrocio_problem_send(req, resp, ctx, 409, "conflict", detail, errors);
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_appointment_cancel(conn, id);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "update", "appointment", id,
                                    scope.job_seeker_id[0] ? scope.job_seeker_id : NULL);
    if (err == INCROCIO_OK)
        err = incrocio_db_appointment_get(conn, id, is_staff(ctx), &doc);
    if (incrocio_api_finish(req, resp, ctx, conn, err, "the appointment changed: read it again"))
        incrocio_api_send_versioned(resp, 200, doc);
    json_decref(doc);
}
