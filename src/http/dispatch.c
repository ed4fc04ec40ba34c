#include "incrocio/dispatch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yder.h>

#include "incrocio/body.h"
#include "incrocio/cors.h"
#include "incrocio/idempotency.h"
#include "incrocio/keys.h"
#include "incrocio/limits.h"
#include "incrocio/metrics.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/ratelimit.h"
#include "incrocio/respond.h"
#include "incrocio/router.h"

struct incrocio_dispatch {
    struct incrocio_app *app;
    struct incrocio_router *router;
};

const char *incrocio_req_header(const struct _u_request *req, const char *name)
{
    return u_map_get_case(req->map_header, name);
}

const char *incrocio_req_path_var(const struct incrocio_req *ctx, const char *name)
{
    for (int i = 0; i < ctx->vars.n; i++)
        if (strcmp(ctx->vars.names[i], name) == 0)
            return ctx->vars.values[i];
    return NULL;
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

static double now_s(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Callers with a key are limited per key at their role's rate; the others
 * (public routes, failed authentication) per client address. */
static int rate_limit(const struct _u_request *req, struct _u_response *resp,
                      struct incrocio_req *ctx)
{
    struct incrocio_ratelimit_info info;
    char key[64], v[16];
    int allowed;

    if (ctx->who.role != INCROCIO_ROLE_ANONYMOUS)
        snprintf(key, sizeof key, "%s", ctx->who.key_id);
    else
        client_key(req, key, sizeof key);
    allowed = incrocio_ratelimit_take(ctx->app->ratelimit[ctx->who.role], key, now_s(), &info);
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

enum identity { IDENTIFIED, NO_KEY, BAD_KEY, KEYS_UNAVAILABLE };

/* Who is calling: the Authorization header's key, through the key cache,
 * then the database. ctx->who stays anonymous unless IDENTIFIED. */
static enum identity identify(const struct _u_request *req, struct incrocio_req *ctx)
{
    const char *h = incrocio_req_header(req, "Authorization");
    char key[INCROCIO_APIKEY_LEN + 1], hash[65];
    struct incrocio_db_conn *conn;
    double now = now_s();
    int found = 0;
    incrocio_err err;

    if (h == NULL)
        return NO_KEY;
    if (!incrocio_apikey_from_header(h, key, sizeof key) ||
        incrocio_apikey_hash_hex(key, hash) != INCROCIO_OK)
        return BAD_KEY;
    if (!incrocio_keycache_get(ctx->app->keys, hash, now, &found, &ctx->who)) {
        err = incrocio_db_checkout(ctx->app->pool, &conn);
        if (err != INCROCIO_OK)
            return KEYS_UNAVAILABLE;
        err = incrocio_db_key_lookup(conn, hash, &ctx->who);
        incrocio_db_checkin(ctx->app->pool, conn);
        if (err != INCROCIO_OK && err != INCROCIO_ERR_NOT_FOUND)
            return KEYS_UNAVAILABLE;
        found = err == INCROCIO_OK;
        incrocio_keycache_put(ctx->app->keys, hash, now, found, &ctx->who);
    }
    if (!found) {
        memset(&ctx->who, 0, sizeof ctx->who);
        return BAD_KEY;
    }
    return IDENTIFIED;
}

/* 1 when the caller may go on to the handler; else the response is built. */
static int authorize(const struct _u_request *req, struct _u_response *resp,
                     struct incrocio_req *ctx)
{
    unsigned access = ctx->route->access;
    enum identity id;

    if ((ctx->route->flags & INCROCIO_ROUTE_METRICS) && ctx->app->cfg->metrics_private)
        access = INCROCIO_ACCESS_ADMIN;
    /* Only public routes that also admit keys (booking) look at a key: a
     * keyed caller is then held to its role, a keyless one passes. */
    id = access == INCROCIO_ACCESS_PUBLIC ? NO_KEY : identify(req, ctx);
    if (!rate_limit(req, resp, ctx))
        return 0;
    if ((access & INCROCIO_ACCESS_PUBLIC) && id == NO_KEY)
        return 1;
    switch (id) {
    case KEYS_UNAVAILABLE:
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_DB_UNAVAILABLE);
        return 0;
    case NO_KEY:
    case BAD_KEY:
        /* Missing, unknown, malformed and revoked keys: the same answer. */
        incrocio_respond_header(resp, "WWW-Authenticate", "Bearer realm=\"incrocio\"");
        incrocio_problem_send(req, resp, ctx, 401, "unauthorized",
                              "send a valid API key as Authorization: Bearer <key>", NULL);
        return 0;
    case IDENTIFIED: break;
    }
    if (!(access & INCROCIO_ROLE_BIT(ctx->who.role))) {
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "this API key's role may not do this", NULL);
        return 0;
    }
    return 1;
}

static void options_or_405(const struct _u_request *req, struct _u_response *resp,
                           struct incrocio_req *ctx, const char *allow)
{
    char detail[160];

    incrocio_respond_header(resp, "Allow", allow);
    if (strcmp(req->http_verb, "OPTIONS") == 0) {
        if (incrocio_cors_origin_allowed(ctx->app->cfg->cors_origins,
                                         incrocio_req_header(req, "Origin")) &&
            incrocio_req_header(req, "Access-Control-Request-Method") != NULL) {
            incrocio_respond_header(resp, "Access-Control-Allow-Methods", allow);
            incrocio_respond_header(resp, "Access-Control-Allow-Headers",
                                    INCROCIO_CORS_ALLOW_HEADERS);
            incrocio_respond_header(resp, "Access-Control-Max-Age", "600");
        }
        incrocio_respond_empty(resp, 204);
        return;
    }
    snprintf(detail, sizeof detail, "this resource supports %s", allow);
    incrocio_problem_send(req, resp, ctx, 405, "method-not-allowed", detail, NULL);
}

static void serve(const struct _u_request *req, struct _u_response *resp, struct incrocio_req *ctx,
                  enum incrocio_match match, const char *allow)
{
    const struct incrocio_config *cfg = ctx->app->cfg;
    const struct incrocio_route *route = ctx->route;

    /* CORS first: a browser can read a 401 or 429 only with these headers. */
    incrocio_cors_decorate(cfg->cors_origins, req, resp);
    if (match != INCROCIO_MATCH_OK ? !rate_limit(req, resp, ctx) : !authorize(req, resp, ctx))
        return;
    if (!incrocio_limits_check(req, resp, ctx) ||
        incrocio_body_too_large(req, resp, ctx, cfg->body_limit))
        return;
    if (match == INCROCIO_MATCH_NONE) {
        incrocio_problem_send(req, resp, ctx, 404, "not-found", "no resource at this address",
                              NULL);
        return;
    }
    if (match == INCROCIO_MATCH_METHOD) {
        options_or_405(req, resp, ctx, allow);
        return;
    }
    if (!(route->flags & INCROCIO_ROUTE_QUERY) && u_map_count(req->map_url) > 0) {
        json_t *errors = json_array();
        incrocio_query_reject_unknown(req, NULL, errors);
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    if ((route->flags & INCROCIO_ROUTE_JSON_BODY) &&
        !incrocio_body_parse(req, resp, ctx, "application/json"))
        return;
    if ((route->flags & INCROCIO_ROUTE_MERGE_PATCH) &&
        !incrocio_body_parse(req, resp, ctx, "application/merge-patch+json"))
        return;
    if (strcmp(route->method, "POST") == 0) {
        /* Every POST takes an Idempotency-Key: the key is claimed inside the
         * handler's transaction (incrocio_api_finish), the response stored
         * or replaced after it. */
        struct incrocio_idem idem;
        char addr[64];

        client_key(req, addr, sizeof addr);
        if (!incrocio_idempotency_before(req, resp, ctx, &idem, addr))
            return;
        route->handler(req, resp, ctx);
        incrocio_idempotency_after(req, resp, ctx);
        ctx->idem = NULL;
        return;
    }
    route->handler(req, resp, ctx);
}

/* The one ulfius callback: every request comes through here. */
static int on_request(const struct _u_request *req, struct _u_response *resp, void *user_data)
{
    const struct incrocio_dispatch *d = user_data;
    const char *rid = incrocio_req_header(req, "X-Request-Id");
    const char *allow = NULL;
    struct incrocio_req ctx;
    enum incrocio_match match;
    size_t label, n_labels;
    double seconds;

    ctx.app = d->app;
    ctx.route = NULL;
    ctx.body = NULL;
    ctx.idem = NULL;
    memset(&ctx.who, 0, sizeof ctx.who);
    clock_gettime(CLOCK_MONOTONIC, &ctx.start);
    if (incrocio_reqid_valid(rid))
        snprintf(ctx.request_id, sizeof ctx.request_id, "%s", rid);
    else
        incrocio_reqid_generate(ctx.request_id);
    incrocio_respond_header(resp, "X-Request-Id", ctx.request_id);
    /* Responses may carry personal data: nothing is cached unless a handler
     * says otherwise. */
    incrocio_respond_header(resp, "Cache-Control", "no-store");

    match = incrocio_router_match(d->router, req->http_verb, req->url_path, &ctx.route, &allow,
                                  &label, &ctx.vars);
    serve(req, resp, &ctx, match, allow);

    seconds = elapsed_s(&ctx.start);
    incrocio_metrics_observe(ctx.app->metrics, label, req->http_verb, (unsigned)resp->status,
                             seconds);
    /* The access log: the route's template, never the path or query values.
     * yder formats before it filters, so the level is checked here. */
    if (ctx.app->cfg->log_level >= Y_LOG_LEVEL_INFO)
        y_log_message(Y_LOG_LEVEL_INFO, "%s %s %ld %.3fms rid=%s",
                      match == INCROCIO_MATCH_NONE ? "-" : req->http_verb,
                      incrocio_router_labels(d->router, &n_labels)[label], resp->status,
                      seconds * 1000.0, ctx.request_id);
    json_decref(ctx.body);
    return U_CALLBACK_COMPLETE;
}

incrocio_err incrocio_dispatch_new(struct _u_instance *instance, struct incrocio_app *app,
                                   struct incrocio_dispatch **out)
{
    size_t n_routes, n_labels;
    const struct incrocio_route *routes = incrocio_routes(&n_routes);
    struct incrocio_dispatch *d = calloc(1, sizeof *d);
    const char *const *labels;
    incrocio_err err;

    if (d == NULL)
        return INCROCIO_ERR_NOMEM;
    d->app = app;
    err = incrocio_router_new(routes, n_routes, &d->router);
    if (err != INCROCIO_OK) {
        free(d);
        return err;
    }
    labels = incrocio_router_labels(d->router, &n_labels);
    app->metrics = incrocio_metrics_new(n_labels, labels);
    if (app->metrics == NULL ||
        ulfius_add_endpoint_by_val(instance, "*", NULL, "*", 0, on_request, d) != U_OK) {
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
    incrocio_router_free(d->router);
    free(d);
}
