#include <stdio.h>

#include "incrocio/api.h"
#include "incrocio/match_sync.h"
#include "incrocio/problem.h"
#include "incrocio/respond.h"

/* GET /v1/status: problem+json as the Italian guidelines ask. Reads the pool's
 * health flag, kept by its background check: no database round trip here. */
void incrocio_api_status_get(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx)
{
    char body[768], matching[256];
    int n;

    if (!incrocio_db_pool_healthy(ctx->app->pool)) {
        incrocio_problem_send(req, resp, ctx, 503, "database-unavailable",
                              "the database is unreachable; retry shortly", NULL);
        return;
    }
    /* The hottest endpoint (load balancers poll it), written directly: every
     * value is ours, and the request id is limited to [A-Za-z0-9._-]. */
    incrocio_match_sync_status(ctx->app->matching, matching, sizeof matching);
    n = snprintf(body, sizeof body,
                 "{\"type\":\"about:blank\",\"title\":\"OK\",\"status\":200,"
                 "\"detail\":\"incrocio %s is up and its database is reachable\","
                 "\"instance\":\"/v1/status\",\"request_id\":\"%s\",\"version\":\"%s\","
                 "\"database\":\"up\",\"matching\":%s}",
                 INCROCIO_VERSION, ctx->request_id, INCROCIO_VERSION, matching);
    incrocio_respond_bytes(resp, 200, "application/problem+json", body, (size_t)n);
}
