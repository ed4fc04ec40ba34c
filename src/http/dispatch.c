#include "incrocio/dispatch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yder.h>

#include "incrocio/body.h"
#include "incrocio/cors.h"
#include "incrocio/metrics.h"
#include "incrocio/problem.h"
#include "incrocio/ratelimit.h"
#include "incrocio/respond.h"

#define UNMATCHED "unmatched"

enum endpoint_kind { EP_ROUTE, EP_METHOD_NOT_ALLOWED, EP_NOT_FOUND };

struct endpoint {
    struct incrocio_app *app;
    const struct incrocio_route *route; /* NULL for the 405 and 404 endpoints */
    enum endpoint_kind kind;
    size_t label; /* index into labels: the path template, or UNMATCHED */
    char allow[96];
};

struct incrocio_dispatch {
    struct endpoint *endpoints;
    size_t n_endpoints;
    const char **labels;
    size_t n_labels;
};

const char *incrocio_req_header(const struct _u_request *req, const char *name)
{
    return u_map_get_case(req->map_header, name);
}

const char *incrocio_req_path_var(const struct _u_request *req, const char *name)
{
    return u_map_get(req->map_url, name);
}

static double elapsed_s(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void client_key(const struct _u_request *req, char *out, size_t outlen)
{
    const struct sockaddr *sa = req->client_address;

    /* ulfius copies sizeof(struct sockaddr) bytes of the peer address: all of
     * an IPv4 one, and the /64 prefix of an IPv6 one (the usual unit of IPv6
     * rate limiting anyway). */
    if (sa && sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)outlen);
    } else if (sa && sa->sa_family == AF_INET6) {
        const unsigned char *b = (const unsigned char *)sa->sa_data + 6;
        snprintf(out, outlen, "v6:%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", b[0], b[1], b[2], b[3],
                 b[4], b[5], b[6], b[7]);
    } else {
        snprintf(out, outlen, "unknown");
    }
}

static int rate_limit(const struct _u_request *req, struct _u_response *resp,
                      struct incrocio_req *ctx)
{
    struct incrocio_ratelimit_info info;
    char key[64], v[16];
    struct timespec now;
    int allowed;

    client_key(req, key, sizeof key);
    clock_gettime(CLOCK_MONOTONIC, &now);
    allowed = incrocio_ratelimit_take(ctx->app->ratelimit, key,
                                      (double)now.tv_sec + (double)now.tv_nsec / 1e9, &info);
    snprintf(v, sizeof v, "%d", info.limit);
    incrocio_respond_header(resp, "X-RateLimit-Limit", v);
    snprintf(v, sizeof v, "%d", info.remaining);
    incrocio_respond_header(resp, "X-RateLimit-Remaining", v);
    snprintf(v, sizeof v, "%d", info.reset);
    incrocio_respond_header(resp, "X-RateLimit-Reset", v);
    if (allowed)
        return 1;
    snprintf(v, sizeof v, "%d", info.retry_after);
    incrocio_respond_header(resp, "Retry-After", v);
    incrocio_problem_send(req, resp, ctx, 429, "rate-limited",
                          "too many requests from this client: wait Retry-After seconds", NULL);
    return 0;
}

static void options_or_405(const struct _u_request *req, struct _u_response *resp,
                           struct incrocio_req *ctx, const struct endpoint *ep)
{
    char detail[160];

    incrocio_respond_header(resp, "Allow", ep->allow);
    if (strcmp(req->http_verb, "OPTIONS") == 0) {
        if (incrocio_cors_origin_allowed(ctx->app->cfg->cors_origins,
                                         incrocio_req_header(req, "Origin")) &&
            incrocio_req_header(req, "Access-Control-Request-Method") != NULL) {
            incrocio_respond_header(resp, "Access-Control-Allow-Methods", ep->allow);
            incrocio_respond_header(resp, "Access-Control-Allow-Headers",
                                    INCROCIO_CORS_ALLOW_HEADERS);
            incrocio_respond_header(resp, "Access-Control-Max-Age", "600");
        }
        incrocio_respond_empty(resp, 204);
        return;
    }
    snprintf(detail, sizeof detail, "this resource supports %s", ep->allow);
    incrocio_problem_send(req, resp, ctx, 405, "method-not-allowed", detail, NULL);
}

static void serve(const struct _u_request *req, struct _u_response *resp, struct incrocio_req *ctx,
                  const struct endpoint *ep)
{
    const struct incrocio_config *cfg = ctx->app->cfg;

    if (!rate_limit(req, resp, ctx))
        return;
    incrocio_cors_decorate(cfg->cors_origins, req, resp);
    if (incrocio_body_too_large(req, resp, ctx, cfg->body_limit))
        return;
    switch (ep->kind) {
    case EP_NOT_FOUND:
        incrocio_problem_send(req, resp, ctx, 404, "not-found", "no resource at this address",
                              NULL);
        return;
    case EP_METHOD_NOT_ALLOWED: options_or_405(req, resp, ctx, ep); return;
    case EP_ROUTE: break;
    }
    if ((ep->route->flags & INCROCIO_ROUTE_JSON_BODY) &&
        !incrocio_body_parse(req, resp, ctx, "application/json"))
        return;
    if ((ep->route->flags & INCROCIO_ROUTE_MERGE_PATCH) &&
        !incrocio_body_parse(req, resp, ctx, "application/merge-patch+json"))
        return;
    ep->route->handler(req, resp, ctx);
}

static int on_request(const struct _u_request *req, struct _u_response *resp, void *user_data)
{
    const struct endpoint *ep = user_data;
    struct incrocio_dispatch *d = NULL;
    struct incrocio_req ctx;
    const char *rid = incrocio_req_header(req, "X-Request-Id");
    double seconds;

    (void)d;
    memset(&ctx, 0, sizeof ctx);
    ctx.app = ep->app;
    ctx.route = ep->route;
    clock_gettime(CLOCK_MONOTONIC, &ctx.start);
    if (incrocio_reqid_valid(rid))
        snprintf(ctx.request_id, sizeof ctx.request_id, "%s", rid);
    else
        incrocio_reqid_generate(ctx.request_id);
    incrocio_respond_header(resp, "X-Request-Id", ctx.request_id);
    /* Responses may carry personal data: nothing is cached unless a handler
     * says otherwise. */
    incrocio_respond_header(resp, "Cache-Control", "no-store");

    serve(req, resp, &ctx, ep);

    seconds = elapsed_s(&ctx.start);
    incrocio_metrics_observe(ctx.app->metrics, ep->label, req->http_verb, (unsigned)resp->status,
                             seconds);
    /* The access log: the route's template, never the path or query values. */
    y_log_message(Y_LOG_LEVEL_INFO, "%s %s %ld %.3fms rid=%s",
                  ep->kind == EP_NOT_FOUND ? "-" : req->http_verb,
                  ep->kind == EP_NOT_FOUND ? UNMATCHED : (ep->route ? ep->route->path : "(405)"),
                  resp->status, seconds * 1000.0, ctx.request_id);
    json_decref(ctx.body);
    return U_CALLBACK_COMPLETE;
}

/* "/v1/offices/{code}" → "/v1/offices/:code" */
static void ulfius_path(const char *tmpl, char *out, size_t outlen)
{
    size_t o = 0;

    for (const char *p = tmpl; *p && o + 1 < outlen; p++) {
        if (*p == '{')
            out[o++] = ':';
        else if (*p != '}')
            out[o++] = *p;
    }
    out[o] = '\0';
}

static size_t label_of(struct incrocio_dispatch *d, const char *label)
{
    for (size_t i = 0; i < d->n_labels; i++)
        if (strcmp(d->labels[i], label) == 0)
            return i;
    d->labels[d->n_labels] = label;
    return d->n_labels++;
}

static int add(struct _u_instance *instance, const char *method, const char *path, unsigned prio,
               struct endpoint *ep)
{
    char upath[160];

    ulfius_path(path, upath, sizeof upath);
    return ulfius_add_endpoint_by_val(instance, method, NULL, upath, prio, on_request, ep) == U_OK
               ? 0
               : -1;
}

incrocio_err incrocio_dispatch_new(struct _u_instance *instance, struct incrocio_app *app,
                                   struct incrocio_dispatch **out)
{
    size_t n_routes, e = 0;
    const struct incrocio_route *routes = incrocio_routes(&n_routes);
    struct incrocio_dispatch *d = calloc(1, sizeof *d);
    int rc = 0;

    if (d == NULL)
        return INCROCIO_ERR_NOMEM;
    /* At most: each route, one 405 endpoint per route, the 404 one. */
    d->endpoints = calloc(2 * n_routes + 1, sizeof *d->endpoints);
    d->labels = calloc(n_routes + 1, sizeof *d->labels);
    if (!d->endpoints || !d->labels) {
        incrocio_dispatch_free(d);
        return INCROCIO_ERR_NOMEM;
    }

    for (size_t i = 0; i < n_routes; i++) {
        struct endpoint *ep = &d->endpoints[e++];

        ep->app = app;
        ep->route = &routes[i];
        ep->kind = EP_ROUTE;
        ep->label = label_of(d, routes[i].path);
        rc |= add(instance, routes[i].method, routes[i].path, 0, ep);
        if (strcmp(routes[i].method, "GET") == 0)
            rc |= add(instance, "HEAD", routes[i].path, 0, ep);
    }
    /* One 405/OPTIONS endpoint per path, listing the path's methods. */
    for (size_t i = 0; i < n_routes; i++) {
        struct endpoint *ep;
        int seen = 0;

        for (size_t j = 0; j < i; j++)
            seen |= strcmp(routes[j].path, routes[i].path) == 0;
        if (seen)
            continue;
        ep = &d->endpoints[e++];
        ep->app = app;
        ep->kind = EP_METHOD_NOT_ALLOWED;
        ep->label = label_of(d, routes[i].path);
        for (size_t j = 0; j < n_routes; j++) {
            if (strcmp(routes[j].path, routes[i].path) != 0)
                continue;
            if (strcmp(routes[j].method, "GET") == 0)
                strcat(ep->allow, "GET, HEAD, ");
            else
                strcat(strcat(ep->allow, routes[j].method), ", ");
        }
        strcat(ep->allow, "OPTIONS");
        rc |= add(instance, "*", routes[i].path, 1, ep);
    }
    /* Below everything: ulfius answers an unmatched path with an empty 200
     * once any wildcard endpoint exists, so this one must always catch it. */
    {
        struct endpoint *ep = &d->endpoints[e++];
        ep->app = app;
        ep->kind = EP_NOT_FOUND;
        ep->label = label_of(d, UNMATCHED);
        rc |= add(instance, "*", "*", 2, ep);
    }
    d->n_endpoints = e;
    if (rc != 0) {
        incrocio_dispatch_free(d);
        return INCROCIO_ERR_INTERNAL;
    }
    app->metrics = incrocio_metrics_new(d->n_labels, d->labels);
    if (app->metrics == NULL) {
        incrocio_dispatch_free(d);
        return INCROCIO_ERR_NOMEM;
    }
    *out = d;
    return INCROCIO_OK;
}

void incrocio_dispatch_free(struct incrocio_dispatch *d)
{
    if (d == NULL)
        return;
    free(d->endpoints);
    free(d->labels);
    free(d);
}
