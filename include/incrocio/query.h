#ifndef INCROCIO_QUERY_H
#define INCROCIO_QUERY_H

#include <jansson.h>
#include <ulfius.h>

#include "incrocio/cursor.h"
#include "incrocio/http.h"

/* Query-string parameters. Each check appends {"parameter", "code", "detail"}
 * entries to errors; the handler answers 400 invalid-parameter when any. */

#define INCROCIO_LIMIT_DEFAULT 20
#define INCROCIO_LIMIT_MAX 200

struct incrocio_page {
    int limit;
    int has_after;
    char after[INCROCIO_CURSOR_MAX]; /* the last key of the previous page */
};

/* Flags every query parameter not in allowed (NULL-terminated). */
void incrocio_query_reject_unknown(const struct _u_request *req, const char *const *allowed,
                                   json_t *errors);

/* limit (1..INCROCIO_LIMIT_MAX, default INCROCIO_LIMIT_DEFAULT) and cursor
 * (made for scope). */
void incrocio_query_page(const struct _u_request *req, const char *scope,
                         struct incrocio_page *page, json_t *errors);

/* The value of a query parameter, or NULL. */
const char *incrocio_query_get(const struct _u_request *req, const char *name);

/* Sends the 400 for the collected errors (stolen). */
void incrocio_query_fail(const struct _u_request *req, struct _u_response *resp,
                         const struct incrocio_req *ctx, json_t *errors);

/* Builds "<path>?limit=N&cursor=C[&extra]" for the Link header of the next page
 * into out; extra is an already-encoded "k=v&k=v" suffix or NULL. */
void incrocio_query_next_link(const char *path, int limit, const char *cursor, const char *extra,
                              char *out, size_t outlen);

/* Appends "[&]name=value" to the query string in buf, percent-encoding the
 * value; nothing when value is NULL. */
void incrocio_query_append(char *buf, size_t len, const char *name, const char *value);

#endif
