/* /v1/matching/model: the weights of the matching model in force, which an
 * admin changes by writing a new version, and /v1/matching/model-versions,
 * every version kept. */
#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/doccheck.h"
#include "incrocio/models.h"
#include "incrocio/problem.h"
#include "incrocio/respond.h"
#include "incrocio/weights.h"

#define RACE \
    "another change to the weights was saved at the same time: read the model again and retry"

void incrocio_api_model_get(const struct _u_request *req, struct _u_response *resp,
                            struct incrocio_req *ctx)
{
    struct incrocio_db_conn *conn;
    json_t *doc = NULL;
    incrocio_err err = incrocio_db_checkout(ctx->app->pool, &conn);

    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    err = incrocio_db_model_current(conn, &doc);
    if (incrocio_api_finish(req, resp, ctx, conn, err, NULL))
        incrocio_api_send_current(req, resp, doc);
    json_decref(doc);
}

void incrocio_api_model_versions(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx)
{
    struct incrocio_db_conn *conn;
    json_t *items = json_array(), *body;
    incrocio_err err = items ? incrocio_db_checkout(ctx->app->pool, &conn) : INCROCIO_ERR_NOMEM;

    if (err != INCROCIO_OK) {
        json_decref(items);
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    err = incrocio_db_model_versions(conn, items);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(items);
        return;
    }
    body = json_pack("{s:o}", "items", items);
    if (body == NULL) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOMEM);
        return;
    }
    incrocio_respond_json(resp, 200, body, NULL);
    json_decref(body);
}

/* The body's weights into *w, or 0 with the 422 sent: every fault at once,
 * members other than "weights" included. */
static int body_weights(const struct _u_request *req, struct _u_response *resp,
                        const struct incrocio_req *ctx, struct incrocio_weights *w)
{
    json_t *errors = json_array();
    const char *key;
    json_t *v;

    if (errors == NULL) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOMEM);
        return 0;
    }
    if (!json_is_object(ctx->body)) {
        incrocio_problem_add(errors, "", "field.type",
                             "must be an object: {\"weights\": {\"occupation\": 30, ...}}");
    } else {
        json_object_foreach (ctx->body, key, v) {
            char ptr[INCROCIO_PTR_MAX];

            if (strcmp(key, "weights") == 0)
                continue;
            incrocio_doccheck_join(ptr, "", key);
            incrocio_problem_add(errors, ptr, "field.unknown",
                                 "the model has no such field: only weights can be set");
        }
        incrocio_weights_from_json(json_object_get(ctx->body, "weights"), w, errors);
    }
    if (json_array_size(errors) > 0) {
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return 0;
    }
    json_decref(errors);
    return 1;
}

void incrocio_api_model_put(const struct _u_request *req, struct _u_response *resp,
                            struct incrocio_req *ctx)
{
    const char *if_match = incrocio_req_header(req, "If-Match");
    struct incrocio_weights w;
    struct incrocio_db_conn *conn;
    json_t *weights, *doc = NULL;
    long want = -1; /* no If-Match: any version */
    int current = 0;
    incrocio_err err;
    char version[24];

    if (!body_weights(req, resp, ctx, &w))
        return;
    if (if_match != NULL && (want = incrocio_etag_version(if_match)) == 0) {
        /* Not one of our entity tags: it can match no version. */
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_PRECONDITION);
        return;
    }
    weights = incrocio_weights_to_json_new(&w);
    if (weights == NULL) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOMEM);
        return;
    }
    if (!incrocio_api_begin(req, resp, ctx, &conn)) {
        json_decref(weights);
        return;
    }
    /* Locked from the check to the commit: nobody slips a version between
     * the If-Match and the insert, and concurrent writers take turns. */
    err = incrocio_db_model_lock(conn, &current);
    if (err == INCROCIO_OK && want != -1 && want != current)
        err = INCROCIO_ERR_PRECONDITION;
    if (err == INCROCIO_OK)
        err = incrocio_db_model_create(conn, weights, ctx->who.key_id[0] ? ctx->who.key_id : NULL,
                                       &doc);
    if (err == INCROCIO_OK) {
        snprintf(version, sizeof version, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(doc, "version")));
        err = incrocio_audit_record(conn, ctx, "update", "matching_model", version, NULL);
    }
    json_decref(weights);
    if (incrocio_api_finish(req, resp, ctx, conn, err, RACE))
        incrocio_api_send_versioned(resp, 200, doc);
    json_decref(doc);
}
