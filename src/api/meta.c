#include <stdlib.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/embedded.h"
#include "incrocio/metrics.h"
#include "incrocio/problem.h"
#include "incrocio/respond.h"

/* GET /v1/openapi.yaml: the contract, compiled into the binary. */
void incrocio_api_openapi_get(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx)
{
    (void)req;
    (void)ctx;
    incrocio_respond_header(resp, "Cache-Control", "no-cache");
    incrocio_respond_bytes(resp, 200, "application/yaml", incrocio_embedded_openapi.data,
                           incrocio_embedded_openapi.len);
}

/* GET /metrics: Prometheus text format. */
void incrocio_api_metrics_get(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx)
{
    char *text = incrocio_metrics_render_new(ctx->app->metrics, ctx->app->pool);

    if (text == NULL) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOMEM);
        return;
    }
    incrocio_respond_bytes(resp, 200, "text/plain; version=0.0.4; charset=utf-8", text,
                           strlen(text));
    free(text);
}
