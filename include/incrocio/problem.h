#ifndef INCROCIO_PROBLEM_H
#define INCROCIO_PROBLEM_H

#include <jansson.h>
#include <ulfius.h>

#include "incrocio/error.h"
#include "incrocio/http.h"

/* RFC 9457 problem details: every error response goes through here, so they
 * all have the same shape: type (urn:incrocio:problem:<slug>), title, status,
 * detail, instance (the request path), request_id, and for 400/422 an
 * "errors" array of {pointer | parameter, code, detail}. */

/* Sends a problem. errors (may be NULL) is stolen. */
void incrocio_problem_send(const struct _u_request *req, struct _u_response *resp,
                           const struct incrocio_req *ctx, unsigned status, const char *slug,
                           const char *detail, json_t *errors);

/* Maps an incrocio_err from db/ or domain/ to its status and sends it
 * (503 with Retry-After for DB_UNAVAILABLE, 500 for bugs). */
void incrocio_problem_from_err(const struct _u_request *req, struct _u_response *resp,
                               const struct incrocio_req *ctx, incrocio_err err);

/* Appends {"pointer": pointer, "code": code, "detail": detail} to errors. */
void incrocio_problem_add(json_t *errors, const char *pointer, const char *code,
                          const char *detail);

/* Appends {"parameter": name, "code": code, "detail": detail} to errors. */
void incrocio_problem_add_param(json_t *errors, const char *name, const char *code,
                                const char *detail);

/* The standard reason phrase of an HTTP status ("Not Found"). */
const char *incrocio_problem_title(unsigned status);

/* Copies path into out, percent-encoding every byte that is not printable
 * ASCII, so a hostile path never yields invalid UTF-8 or control characters. */
void incrocio_problem_safe_path(const char *path, char *out, size_t outlen);

#endif
