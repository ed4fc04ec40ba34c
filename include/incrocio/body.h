#ifndef INCROCIO_BODY_H
#define INCROCIO_BODY_H

#include <stddef.h>
#include <ulfius.h>

#include "incrocio/http.h"

/* Request bodies. ulfius stops storing a body at max_post_body_size (set to
 * the limit + 1) without saying so: the size is checked here, before anything
 * reads the body. */

/* 1 when the request declares or carries more than limit bytes: a 413 has
 * been sent. */
int incrocio_body_too_large(const struct _u_request *req, struct _u_response *resp,
                            const struct incrocio_req *ctx, size_t limit);

/* Parses the JSON object body of a route that takes one: content type
 * (media_type, charset utf-8 if given) → 415; empty, malformed, deeper than
 * INCROCIO_JSON_MAX_DEPTH, duplicate keys, invalid UTF-8, NUL, not an object →
 * 400. Returns 1 with ctx->body set (owned by ctx), or 0 with the problem sent. */
int incrocio_body_parse(const struct _u_request *req, struct _u_response *resp,
                        struct incrocio_req *ctx, const char *media_type);

/* 1 when a Content-Type header value names media_type (case-insensitive,
 * parameters allowed, charset only utf-8). */
int incrocio_body_media_type_is(const char *content_type, const char *media_type);

#endif
