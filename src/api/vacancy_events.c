/* POST /v1/vacancies/{id}/events: publish (draft → published, refused with a
 * 422 listing what is incomplete), close (draft or published → closed), fill
 * (places of published positions taken; all taken → filled). Any other move
 * is a 409 naming the current state. */
#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/employers.h"
#include "incrocio/job_seeker.h"
#include "incrocio/problem.h"
#include "incrocio/respond.h"
#include "incrocio/vacancy.h"
#include "incrocio/validate.h"

/* Validates the body; *type is NULL when invalid (errors appended). */
static void parse(const json_t *body, const char **type, json_t *errors)
{
    static const char *const types[] = {"publish", "close", "fill"};
    const char *key;
    json_t *v;

    *type = NULL;
    json_object_foreach ((json_t *)body, key, v) {
        char ptr[80];

        snprintf(ptr, sizeof ptr, "/%.60s", key);
        if (strcmp(key, "type") == 0) {
            for (size_t i = 0; i < 3; i++)
                if (json_is_string(v) && strcmp(json_string_value(v), types[i]) == 0)
                    *type = types[i];
            if (*type == NULL)
                incrocio_problem_add(errors, ptr, "type.unknown", "must be publish, close or fill");
        } else if (strcmp(key, "positions") != 0) {
            incrocio_problem_add(errors, ptr, "field.unknown", "vacancy events have no such field");
        }
    }
    if (json_object_get(body, "type") == NULL)
        incrocio_problem_add(errors, "/type", "field.required", "the event's type is required");
    else if (*type && strcmp(*type, "fill") != 0 && json_object_get(body, "positions"))
        incrocio_problem_add(errors, "/positions", "field.unknown",
                             "only a fill event lists positions");
    if (json_array_size(errors) > 0)
        *type = NULL;
}

/* The stored vacancy's canonical document, for the publish check. */
static json_t *canonical_of(const json_t *doc, json_t *errors)
{
    static const char *const owned[] = {"id",         "version",      "state",        "created_at",
                                        "updated_at", "published_at", "employer_name"};
    json_t *copy = json_deep_copy(doc), *canon, *pos;
    char today[11];
    size_t i;

    for (size_t k = 0; k < sizeof owned / sizeof owned[0]; k++)
        json_object_del(copy, owned[k]);
    json_array_foreach (json_object_get(copy, "positions"), i, pos) {
        json_object_del(pos, "filled");
    }
    incrocio_api_today(today);
    canon = incrocio_vacancy_canonical_new(copy, today, errors);
    json_decref(copy);
    return canon;
}

/* Applies the fills of a fill event; *all_filled when no place is left. */
static incrocio_err fill(struct incrocio_db_conn *conn, const char *id, const json_t *positions,
                         json_t *errors, int *all_filled)
{
    size_t i;
    json_t *p;

    if (!json_is_array(positions) || json_array_size(positions) == 0 ||
        json_array_size(positions) > 50) {
        incrocio_problem_add(errors, "/positions", "field.required",
                             "a fill lists 1 to 50 {position_id, filled}");
        return INCROCIO_OK;
    }
    json_array_foreach (positions, i, p) {
        const char *pid = json_string_value(json_object_get(p, "position_id"));
        json_t *n = json_object_get(p, "filled");
        char ptr[64];
        incrocio_err err;

        snprintf(ptr, sizeof ptr, "/positions/%zu", i);
        if (!json_is_object(p) || json_object_size(p) != 2 || !incrocio_valid_uuid(pid) ||
            !json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > 1000) {
            incrocio_problem_add(errors, ptr, "field.format",
                                 "must be {\"position_id\": <uuid>, \"filled\": 1..1000}");
            continue;
        }
        err = incrocio_db_position_fill(conn, id, pid, (int)json_integer_value(n), all_filled);
        if (err == INCROCIO_ERR_NOT_FOUND)
            incrocio_problem_add(errors, ptr, "position.unknown", "not a position of this vacancy");
        else if (err == INCROCIO_ERR_INVALID)
            incrocio_problem_add(errors, ptr, "fill.too_many",
                                 "more places filled than the position requests");
        else if (err != INCROCIO_OK)
            return err;
    }
    return INCROCIO_OK;
}

void incrocio_api_vacancy_event_create(const struct _u_request *req, struct _u_response *resp,
                                       struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id"), *type, *to = NULL, *from;
    char state[16], employer[37], office[8], detail[160], location[64], today[11];
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *doc = NULL, *body;
    incrocio_err err;
    int all_filled = 0;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id)) {
        json_decref(errors);
        return;
    }
    parse(ctx->body, &type, errors);
    if (type == NULL) {
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return;
    }
    err = incrocio_db_checkout(ctx->app->pool, &conn);
    if (err != INCROCIO_OK) {
        json_decref(errors);
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    err = incrocio_db_begin(conn);
    if (err == INCROCIO_OK)
        err = incrocio_db_vacancy_scope(conn, id, state, employer, office);
    if (err == INCROCIO_OK && ctx->who.role == INCROCIO_ROLE_EMPLOYER &&
        strcmp(ctx->who.employer_id, employer) != 0)
        err = INCROCIO_ERR_NOT_FOUND;
    if (err == INCROCIO_OK && !incrocio_api_vacancy_may_write(ctx, office, employer)) {
        json_decref(errors);
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "operators change the vacancies of their offices, employers their "
                              "own",
                              NULL);
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_vacancy_get(conn, id, &doc);
    incrocio_api_today(today);
    /* A published vacancy past its end is expired: it takes no event but close. */
    from = state;
    if (err == INCROCIO_OK &&
        strcmp(json_string_value(json_object_get(doc, "state")), "expired") == 0 &&
        strcmp(type, "close") != 0)
        from = "expired";
    if (err == INCROCIO_OK) {
        if (strcmp(type, "publish") == 0 && strcmp(from, "draft") == 0)
            to = "published";
        else if (strcmp(type, "close") == 0 &&
                 (strcmp(from, "draft") == 0 || strcmp(from, "published") == 0))
            to = "closed";
        else if (strcmp(type, "fill") == 0 && strcmp(from, "published") == 0)
            to = "published"; /* filled only once no place is left */
    }
    if (err == INCROCIO_OK && to == NULL) {
        json_decref(doc);
        incrocio_db_checkin(ctx->app->pool, conn);
        snprintf(detail, sizeof detail, "a vacancy that is %s cannot take the event %s", from,
                 type);
        incrocio_problem_add(errors, "/type", "vacancy.transition", detail);
        incrocio_problem_send(req, resp, ctx, 409, "conflict", detail, errors);
        return;
    }
    if (err == INCROCIO_OK && strcmp(type, "publish") == 0) {
        json_t *canon = canonical_of(doc, errors);
        if (canon != NULL)
            incrocio_vacancy_publish_check(canon, today, errors);
        json_decref(canon);
    }
    if (err == INCROCIO_OK && strcmp(type, "fill") == 0)
        err = fill(conn, id, json_object_get(ctx->body, "positions"), errors, &all_filled);
    json_decref(doc);
    doc = NULL;
    if (err == INCROCIO_OK && json_array_size(errors) > 0) {
        incrocio_db_checkin(ctx->app->pool, conn); /* the fills, if any, roll back */
        incrocio_problem_send(req, resp, ctx, 422, "validation",
                              strcmp(type, "publish") == 0
                                  ? "the vacancy is not complete enough to publish: see errors"
                                  : "one or more fields are invalid: see errors",
                              errors);
        return;
    }
    json_decref(errors);
    if (err == INCROCIO_OK && strcmp(type, "fill") == 0 && all_filled)
        to = "filled";
    if (err == INCROCIO_OK)
        err = strcmp(to, from) == 0
                  ? INCROCIO_OK
                  : incrocio_db_vacancy_transition(conn, id, state, to, type,
                                                   json_object_get(ctx->body, "positions"),
                                                   ctx->who.key_id);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "update", "vacancy", id, NULL);
    if (err == INCROCIO_OK)
        err = incrocio_db_vacancy_get(conn, id, &doc);
    if (incrocio_api_finish(req, resp, ctx, conn, err,
                            "the vacancy changed while this event was applied: read it again")) {
        snprintf(location, sizeof location, "/v1/vacancies/%s", id);
        incrocio_respond_header(resp, "Location", location);
        body = json_pack("{s:{s:s, s:O}, s:O}", "event", "type", type, "state",
                         json_object_get(doc, "state"), "vacancy", doc);
        incrocio_respond_json(resp, 201, body, NULL);
        json_decref(body);
    }
    json_decref(doc);
}
