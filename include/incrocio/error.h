#ifndef INCROCIO_ERROR_H
#define INCROCIO_ERROR_H

/* The one error enum shared by every layer: db/ and domain/ return these, and
 * http/problem.c maps each to its HTTP status. */
typedef enum incrocio_err {
    INCROCIO_OK = 0,
    INCROCIO_ERR_NOMEM,
    INCROCIO_ERR_INVALID,        /* bad input: 400/422 */
    INCROCIO_ERR_NOT_FOUND,      /* 404 */
    INCROCIO_ERR_CONFLICT,       /* 409 */
    INCROCIO_ERR_PRECONDITION,   /* 412: stale If-Match */
    INCROCIO_ERR_DB_UNAVAILABLE, /* 503: no connection, pool exhausted, server down */
    INCROCIO_ERR_DB,             /* unexpected database error: 500 */
    INCROCIO_ERR_IO,             /* files, sockets */
    INCROCIO_ERR_INTERNAL,       /* a bug: 500 */
} incrocio_err;

/* A short, static, English description; never NULL. */
const char *incrocio_err_str(incrocio_err err);

#endif
