#ifndef INCROCIO_ROUTER_H
#define INCROCIO_ROUTER_H

#include <stddef.h>

#include "incrocio/error.h"

struct incrocio_route; /* http.h */

/* Matches a request's method and path against the routes table, without
 * allocating: templates are split once at start. ulfius hands every request to
 * one catch-all callback, because its own matcher splits every endpoint's
 * pattern with malloc on every request, and could not give 405 + Allow or
 * per-route metrics and access rules anyway.
 *
 * Paths match segment by segment, exactly: no trailing slash, no empty
 * segment. A variable segment ({code}) matches 1 to 128 bytes, percent-decoded;
 * an encoded NUL or "/" in it, or a bad escape, makes the path not match. */

#define INCROCIO_PATH_MAX_VARS 4
#define INCROCIO_PATH_VAR_MAX 128

struct incrocio_path_vars {
    int n;
    const char *names[INCROCIO_PATH_MAX_VARS];
    char values[INCROCIO_PATH_MAX_VARS][INCROCIO_PATH_VAR_MAX + 1];
};

enum incrocio_match {
    INCROCIO_MATCH_OK,     /* *route is the route, vars are filled */
    INCROCIO_MATCH_METHOD, /* the path exists, not with this method: *allow lists its methods */
    INCROCIO_MATCH_NONE,   /* no such path */
};

struct incrocio_router;

/* routes is borrowed and must outlive the router. */
incrocio_err incrocio_router_new(const struct incrocio_route *routes, size_t n,
                                 struct incrocio_router **out);
void incrocio_router_free(struct incrocio_router *r);

/* label: index of the path template among incrocio_router_labels(); for
 * NONE, the index of the "unmatched" label. HEAD is served by GET routes. */
enum incrocio_match incrocio_router_match(const struct incrocio_router *r, const char *method,
                                          const char *path, const struct incrocio_route **route,
                                          const char **allow, size_t *label,
                                          struct incrocio_path_vars *vars);

/* The metrics labels: every path template, then "unmatched". */
const char *const *incrocio_router_labels(const struct incrocio_router *r, size_t *n);

#endif
