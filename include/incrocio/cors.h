#ifndef INCROCIO_CORS_H
#define INCROCIO_CORS_H

#include <ulfius.h>

/* CORS for operators' browser apps. The allowed origins come from the
 * configuration as a comma-separated list; none by default. */

#define INCROCIO_CORS_EXPOSE                                                                     \
    "ETag, Idempotency-Replayed, Location, Link, Retry-After, X-Request-Id, X-RateLimit-Limit, " \
    "X-RateLimit-Remaining, X-RateLimit-Reset"
#define INCROCIO_CORS_ALLOW_HEADERS                                                               \
    "Authorization, Cancellation-Token, Content-Type, If-Match, If-None-Match, Idempotency-Key, " \
    "X-Request-Id"

/* 1 when origin is exactly one of the comma-separated allowed origins. */
int incrocio_cors_origin_allowed(const char *allowed_csv, const char *origin);

/* Adds Access-Control-Allow-Origin, Vary and Expose-Headers when the request's
 * Origin is allowed. Returns 1 when it was. */
int incrocio_cors_decorate(const char *allowed_csv, const struct _u_request *req,
                           struct _u_response *resp);

#endif
