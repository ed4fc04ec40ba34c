/* What every resource handler does the same way. */
#include <stdio.h>
#include <time.h>

#include "incrocio/api.h"
#include "incrocio/cursor.h"
#include "incrocio/idempotency.h"
#include "incrocio/job_seeker.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

void incrocio_api_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int incrocio_api_uuid_or_404(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx, const char *id)
{
    if (incrocio_valid_uuid(id))
        return 1;
    incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
    return 0;
}

int incrocio_api_finish(const struct _u_request *req, struct _u_response *resp,
                        struct incrocio_req *ctx, struct incrocio_db_conn *conn, incrocio_err err,
                        const char *conflict_detail)
{
    /* A keyed POST's key commits with its write or not at all. */
    if (err == INCROCIO_OK && ctx->idem != NULL)
        err = incrocio_idempotency_claim(ctx->idem, conn);
    if (err == INCROCIO_OK)
        err = incrocio_db_commit(conn);
    if (err == INCROCIO_OK && ctx->idem != NULL)
        ctx->idem->claimed = 1;
    incrocio_db_checkin(ctx->app->pool, conn); /* rolls back what is left open */
    if (err == INCROCIO_ERR_CONFLICT && conflict_detail) {
        incrocio_problem_send(req, resp, ctx, 409, "conflict", conflict_detail, NULL);
        return 0;
    }
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return 0;
    }
    return 1;
}

void incrocio_api_send_versioned(struct _u_response *resp, unsigned status, const json_t *doc)
{
    char etag[32];

    incrocio_etag_of_version((long)json_integer_value(json_object_get(doc, "version")), etag,
                             sizeof etag);
    incrocio_respond_header(resp, "ETag", etag);
    incrocio_respond_json(resp, status, doc, NULL);
}

void incrocio_api_validation_failed(const struct _u_request *req, struct _u_response *resp,
                                    const struct incrocio_req *ctx, json_t *errors)
{
    incrocio_problem_send(req, resp, ctx, 422, "validation",
                          "one or more fields are invalid: see errors", errors);
}

void incrocio_api_send_current(const struct _u_request *req, struct _u_response *resp,
                               const json_t *doc)
{
    char etag[32];

    incrocio_etag_of_version((long)json_integer_value(json_object_get(doc, "version")), etag,
                             sizeof etag);
    if (incrocio_etag_matches(incrocio_req_header(req, "If-None-Match"), etag, 1)) {
        incrocio_respond_header(resp, "ETag", etag);
        incrocio_respond_empty(resp, 304);
    } else {
        incrocio_api_send_versioned(resp, 200, doc);
    }
}

json_t *incrocio_api_merge_stored_new(const json_t *stored, const json_t *patch,
                                      const char *const *owned)
{
    json_t *base = json_deep_copy(stored), *merged;

    for (size_t i = 0; base && owned[i]; i++)
        json_object_del(base, owned[i]);
    merged = base ? incrocio_json_merge_patch_new(base, patch) : NULL;
    json_decref(base);
    return merged;
}

void incrocio_api_send_page(const struct _u_request *req, struct _u_response *resp,
                            const char *path, const char *scope, int limit, int more,
                            const char *last_key, json_t *items, const char *const *keep)
{
    char cursor[INCROCIO_CURSOR_MAX] = "";
    json_t *body;

    if (more && incrocio_cursor_encode(scope, last_key, cursor, sizeof cursor) == INCROCIO_OK) {
        char link[INCROCIO_CURSOR_MAX + 1024], extra[900] = "";

        /* The next page keeps the client's filters. */
        for (size_t k = 0; keep && keep[k]; k++)
            incrocio_query_append(extra, sizeof extra, keep[k], incrocio_query_get(req, keep[k]));
        incrocio_query_next_link(path, limit, cursor, extra[0] ? extra : NULL, link, sizeof link);
        incrocio_respond_header(resp, "Link", link);
    }
    body = json_pack("{s:o, s:o}", "items", items, "next_cursor",
                     cursor[0] ? json_string(cursor) : json_null());
    incrocio_respond_json(resp, 200, body, NULL);
    json_decref(body);
}

int incrocio_api_begin_on(const struct _u_request *req, struct _u_response *resp,
                          struct incrocio_req *ctx, struct incrocio_db_pool *pool,
                          struct incrocio_db_conn **conn)
{
    incrocio_err err = incrocio_db_checkout(pool, conn);

    if (err == INCROCIO_OK) {
        err = incrocio_db_begin(*conn);
        if (err != INCROCIO_OK)
            incrocio_db_checkin(pool, *conn);
    }
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return 0;
    }
    return 1;
}

int incrocio_api_begin(const struct _u_request *req, struct _u_response *resp,
                       struct incrocio_req *ctx, struct incrocio_db_conn **conn)
{
    return incrocio_api_begin_on(req, resp, ctx, ctx->app->pool, conn);
}

int incrocio_api_require_if_match(const struct _u_request *req, struct _u_response *resp,
                                  const struct incrocio_req *ctx, const char *if_match,
                                  const char *what)
{
    char detail[128];

    if (if_match != NULL)
        return 1;
    snprintf(detail, sizeof detail, "send If-Match with the ETag of the %s as you read it", what);
    incrocio_problem_send(req, resp, ctx, 428, "precondition-required", detail, NULL);
    return 0;
}
