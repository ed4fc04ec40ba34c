#include <stdio.h>

#include "incrocio/api.h"
#include "incrocio/problem.h"
#include "incrocio/respond.h"

/* GET /v1/status: problem+json as the Italian guidelines ask. Reads the pool's
 * health flag, kept by its background check: no database round trip here. */
void incrocio_api_status_get(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx)
{
    int up = incrocio_db_pool_healthy(ctx->app->pool);
    char detail[128];
    json_t *body;

    if (!up) {
        incrocio_problem_send(req, resp, ctx, 503, "database-unavailable",
                              "the database is unreachable; retry shortly", NULL);
        return;
    }
    snprintf(detail, sizeof detail, "incrocio %s is up and its database is reachable",
             INCROCIO_VERSION);
    body = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s}", "type", "about:blank", "title",
                     "OK", "status", 200, "detail", detail, "instance", "/v1/status", "request_id",
                     ctx->request_id, "version", INCROCIO_VERSION, "database", "up");
    incrocio_respond_json(resp, 200, body, "application/problem+json");
    json_decref(body);
}
