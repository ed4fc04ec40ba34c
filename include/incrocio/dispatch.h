#ifndef INCROCIO_DISPATCH_H
#define INCROCIO_DISPATCH_H

#include <ulfius.h>

#include "incrocio/http.h"

/* Registers the routes table with ulfius behind one uniform callback that, for
 * every request: sets X-Request-Id, applies the rate limit (X-RateLimit-*,
 * 429), CORS, the body limit (413) and JSON parsing (400/415), calls the
 * handler, then counts the response in the metrics and writes one access-log
 * line (method, route template, status, duration, request id: nothing else).
 * It also answers OPTIONS (CORS preflight), 405 with Allow for known paths and
 * 404 for every other path. */
struct incrocio_dispatch;

/* Creates app->metrics too. The caller frees the result after the HTTP
 * instance has stopped. */
incrocio_err incrocio_dispatch_new(struct _u_instance *instance, struct incrocio_app *app,
                                   struct incrocio_dispatch **out);
void incrocio_dispatch_free(struct incrocio_dispatch *d);

#endif
