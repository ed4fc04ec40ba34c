/* /v1/job-seekers/{id}/did and /did-events: the DID's state and history, and
 * the events that change it, one legal transition at a time. */
#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/codes.h"
#include "incrocio/job_seekers.h"
#include "incrocio/problem.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

void incrocio_api_did_get(const struct _u_request *req, struct _u_response *resp,
                          struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    struct incrocio_db_conn *conn;
    json_t *did = NULL;
    incrocio_err err;

    if (!incrocio_valid_uuid(id)) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
        return;
    }
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_did_get(conn, id, &did);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "read", "did", id, id);
    if (err == INCROCIO_OK)
        err = incrocio_db_commit(conn);
    incrocio_db_checkin(ctx->app->pool, conn);
    if (err != INCROCIO_OK)
        incrocio_problem_from_err(req, resp, ctx, err);
    else
        incrocio_respond_json(resp, 200, did, NULL);
    json_decref(did);
}

static const char *const channels[] = {"in_person", "platform", "email", "phone", "video", NULL};

/* Validates an event body; appends errors. */
static void parse_event(const json_t *body, const char *today, const char **event,
                        const char **date, const char **reason, const char **channel,
                        json_t *errors)
{
    const char *key;
    json_t *v;

    *event = *reason = *channel = NULL;
    *date = today;
    json_object_foreach ((json_t *)body, key, v) {
        char ptr[80];

        snprintf(ptr, sizeof ptr, "/%.60s", key);
        if (strcmp(key, "type") == 0) {
            if (!json_is_string(v))
                incrocio_problem_add(errors, ptr, "field.type", "must be a string");
            else if (!incrocio_did_event_valid(json_string_value(v)))
                incrocio_problem_add(errors, ptr, "type.unknown",
                                     "must be register, validate, suspend, resume, revoke, "
                                     "cancel or reject");
            else
                *event = json_string_value(v);
        } else if (strcmp(key, "date") == 0) {
            if (!json_is_string(v) || !incrocio_valid_date(json_string_value(v)))
                incrocio_problem_add(errors, ptr, "field.format", "must be a date YYYY-MM-DD");
            else if (strcmp(json_string_value(v), today) > 0)
                incrocio_problem_add(errors, ptr, "date.future", "must not be in the future");
            else
                *date = json_string_value(v);
        } else if (strcmp(key, "reason") == 0) {
            if (json_is_null(v))
                continue;
            if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 500)
                incrocio_problem_add(errors, ptr, "field.length",
                                     "must be a string of 1 to 500 bytes");
            else
                *reason = json_string_value(v);
        } else if (strcmp(key, "channel") == 0) {
            if (json_is_null(v))
                continue;
            if (!json_is_string(v) || !incrocio_code_in(channels, json_string_value(v)))
                incrocio_problem_add(errors, ptr, "channel.unknown",
                                     "must be in_person, platform, email, phone or video");
            else
                *channel = json_string_value(v);
        } else {
            incrocio_problem_add(errors, ptr, "field.unknown", "DID events have no such field");
        }
    }
    if (json_object_get(body, "type") == NULL)
        incrocio_problem_add(errors, "/type", "field.required", "the event's type is required");
}

void incrocio_api_did_event_create(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    const char *event, *date, *reason, *channel;
    struct incrocio_db_conn *conn;
    json_t *errors, *recorded = NULL, *body;
    char today[11], office[8], state = '\0', next = '\0', location[80], detail[160];
    incrocio_err err;

    if (!incrocio_valid_uuid(id)) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
        return;
    }
    incrocio_api_today(today);
    errors = json_array();
    parse_event(ctx->body, today, &event, &date, &reason, &channel, errors);
    if (json_array_size(errors) > 0) {
        incrocio_problem_send(req, resp, ctx, 422, "validation",
                              "one or more fields are invalid: see errors", errors);
        return;
    }
    json_decref(errors);
    /* Portals register DIDs for the people they sign up; nothing else. */
    if (ctx->who.role == INCROCIO_ROLE_PORTAL && strcmp(event, "register") != 0) {
        incrocio_problem_send(req, resp, ctx, 403, "forbidden", "portals may only register a DID",
                              NULL);
        return;
    }
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_job_seeker_scope(conn, id, office, &state);
    if (err == INCROCIO_OK && ctx->who.role == INCROCIO_ROLE_OPERATOR &&
        !incrocio_principal_has_office(&ctx->who, office)) {
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "operators change only the DIDs of their offices' job seekers", NULL);
        return;
    }
    if (err == INCROCIO_OK && (next = incrocio_did_next(state, event)) == '\0') {
        incrocio_db_checkin(ctx->app->pool, conn);
        snprintf(detail, sizeof detail, "a DID that is %s cannot take the event %s",
                 state ? incrocio_did_state_name(state) : "not registered", event);
        errors = json_array();
        incrocio_problem_add(errors, "/type", "did.transition", detail);
        incrocio_problem_send(req, resp, ctx, 409, "conflict", detail, errors);
        return;
    }
    /* Validation happens at the CPI with the Patto di servizio: it needs one. */
    if (err == INCROCIO_OK && strcmp(event, "validate") == 0) {
        int agreements = 0;

        err = incrocio_db_agreements_count(conn, id, &agreements);
        if (err == INCROCIO_OK && agreements == 0) {
            incrocio_db_checkin(ctx->app->pool, conn);
            errors = json_array();
            incrocio_problem_add(errors, "/type", "did.agreement_required",
                                 "record the service agreement before validating the DID");
            incrocio_problem_send(req, resp, ctx, 409, "conflict",
                                  "a DID is validated with a service agreement: record it first",
                                  errors);
            return;
        }
    }
    /* The update is conditional on the state read above: a concurrent event
     * makes it CONFLICT, never an impossible history. */
    if (err == INCROCIO_OK)
        err = incrocio_db_did_apply(conn, id, state, next, event, date, reason, channel,
                                    ctx->who.key_id, &recorded);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "update", "did", id, id);
    if (!incrocio_api_finish(req, resp, ctx, conn, err,
                             "the DID changed while this event was applied: read it again")) {
        json_decref(recorded);
        return;
    }
    snprintf(location, sizeof location, "/v1/job-seekers/%s/did", id);
    incrocio_respond_header(resp, "Location", location);
    body = json_pack("{s:O, s:{s:s, s:s%}}", "event", recorded, "did", "state",
                     incrocio_did_state_name(next), "state_code", &next, (size_t)1);
    incrocio_respond_json(resp, 201, body, NULL);
    json_decref(body);
    json_decref(recorded);
}
