#ifndef INCROCIO_HTTP_H
#define INCROCIO_HTTP_H

#include <jansson.h>
#include <time.h>
#include <ulfius.h>

#include "incrocio/auth.h"
#include "incrocio/config.h"
#include "incrocio/db.h"
#include "incrocio/reqid.h"
#include "incrocio/router.h"

struct incrocio_metrics;
struct incrocio_ratelimit;
struct incrocio_keycache;

/* The shared services every handler may use; built once by the server, read
 * concurrently, each service with its own lock discipline. */
struct incrocio_app {
    const struct incrocio_config *cfg;
    struct incrocio_db_pool *pool;
    /* DATABASE_READ_URL's streaming replica, or NULL: only the lag-tolerant
     * reads use it (incrocio_api_read_pool), and only while it is healthy */
    struct incrocio_db_pool *read_pool;
    struct incrocio_metrics *metrics;
    struct incrocio_ratelimit *ratelimit[INCROCIO_ROLE_COUNT]; /* per role; anonymous: per IP */
    struct incrocio_keycache *keys;
    struct incrocio_match_sync *matching; /* the matching index's keeper */
};

struct incrocio_route;
struct incrocio_match_sync;
struct incrocio_idem;

/* One request's context, owned by the dispatcher and freed after the response
 * is built. Handlers borrow it. */
struct incrocio_req {
    struct incrocio_app *app;
    const struct incrocio_route *route;
    struct incrocio_principal who; /* the caller: anonymous on public routes */
    char request_id[INCROCIO_REQID_MAX + 1];
    struct timespec start;
    json_t *body;                   /* the parsed JSON body of routes that take one, else NULL */
    struct incrocio_path_vars vars; /* the route's path variables, decoded */
    struct incrocio_idem *idem;     /* a POST's Idempotency-Key state, else NULL */
};

/* Every handler has this shape and always leaves a complete response. */
typedef void (*incrocio_handler)(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx);

enum incrocio_route_flags {
    INCROCIO_ROUTE_JSON_BODY = 1u << 0,   /* body required, application/json */
    INCROCIO_ROUTE_MERGE_PATCH = 1u << 1, /* body required, application/merge-patch+json */
    INCROCIO_ROUTE_METRICS = 1u << 2,     /* public unless --metrics-private: then admin only */
    INCROCIO_ROUTE_QUERY = 1u << 3,       /* takes query parameters (the handler checks which);
                                             without it, any query parameter is a 400 */
};

struct incrocio_route {
    const char *method; /* "GET", "PATCH", ... */
    const char *path;   /* OpenAPI-style template: "/v1/offices/{code}" */
    incrocio_handler handler;
    unsigned access; /* the roles admitted (INCROCIO_ACCESS_*): never 0, or the
                        server refuses to start */
    unsigned flags;
};

/* The routes table (src/http/routes.c): every route in one place. */
const struct incrocio_route *incrocio_routes(size_t *n);

/* Serves until SIGINT or SIGTERM, then stops accepting, lets requests in
 * flight finish (bounded by a watchdog) and returns. */
incrocio_err incrocio_server_run(const struct incrocio_config *cfg, struct incrocio_db_pool *pool,
                                 struct incrocio_db_pool *read_pool,
                                 struct incrocio_match_sync *matching);

/* The route's path variable (e.g. "code"), percent-decoded, or NULL. */
const char *incrocio_req_path_var(const struct incrocio_req *ctx, const char *name);

/* A request header, case-insensitively, or NULL. */
const char *incrocio_req_header(const struct _u_request *req, const char *name);

#endif
