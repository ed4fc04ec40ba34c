#ifndef INCROCIO_RESPOND_H
#define INCROCIO_RESPOND_H

#include <jansson.h>
#include <stddef.h>
#include <ulfius.h>

#include "incrocio/error.h"
#include "incrocio/http.h"

/* Response builders shared by every handler. */

/* Serialises body (borrowed) compactly with the given content type. */
void incrocio_respond_json(struct _u_response *resp, unsigned status, const json_t *body,
                           const char *content_type);

/* Bytes as they are (copied). */
void incrocio_respond_bytes(struct _u_response *resp, unsigned status, const char *content_type,
                            const char *data, size_t len);

/* Status only, no body (204, 304). */
void incrocio_respond_empty(struct _u_response *resp, unsigned status);

/* Sets a response header (copied). */
void incrocio_respond_header(struct _u_response *resp, const char *name, const char *value);

/* Strong entity tag of a version: "\"<version>\"" into out (>= 24 bytes). */
void incrocio_etag_of_version(long version, char *out, size_t outlen);

/* 1 when header (If-None-Match or If-Match style: "*" or a comma-separated
 * list of entity tags) matches etag. weak: compare ignoring W/ prefixes. */
int incrocio_etag_matches(const char *header, const char *etag, int weak);

/* The version an If-Match names: N for "\"N\"" (our strong tags), -1 for "*",
 * 0 for anything else (which can match nothing). */
long incrocio_etag_version(const char *if_match);

#endif
