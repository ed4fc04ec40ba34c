#ifndef INCROCIO_LIMITS_H
#define INCROCIO_LIMITS_H

#include <stddef.h>
#include <ulfius.h>

#include "incrocio/http.h"

/* Limits on what a request may carry besides its body (body.h): checked
 * before routing, each refusal a problem+json. libmicrohttpd refuses, with its
 * own plain answer, only what exceeds its per-connection memory (16 KiB):
 * these limits sit below that. */
#define INCROCIO_MAX_URL 2048          /* request target, query string included */
#define INCROCIO_MAX_HEADER_BYTES 8192 /* names and values, all headers together */
#define INCROCIO_MAX_HEADERS 64

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or values
 * past U+10FFFF). */
int incrocio_utf8_valid(const char *s, size_t len);

/* 1 when the request is within the limits above and its query string is
 * clean (valid UTF-8 once decoded, no encoded NUL); else the problem (414,
 * 431 or 400) has been sent. */
int incrocio_limits_check(const struct _u_request *req, struct _u_response *resp,
                          const struct incrocio_req *ctx);

#endif
