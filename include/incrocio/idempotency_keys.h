#ifndef INCROCIO_IDEMPOTENCY_KEYS_H
#define INCROCIO_IDEMPOTENCY_KEYS_H

#include <stddef.h>

#include "incrocio/db.h"

/* The idempotency_keys table (src/db/idempotency.c): one row per (scope,
 * key) for 24 hours, holding the request's fingerprint and, once stored, its
 * first response. Expired rows are ignored, taken over by a new request with
 * the same key, and pruned in small batches. */

#define INCROCIO_IDEM_TTL_SQL "interval '24 hours'"
/* A row whose response is still missing after this long will never get it:
 * its server stopped between the COMMIT and storing the response. */
#define INCROCIO_IDEM_LOST_SQL "interval '60 seconds'"

/* A found row. body (the sealed response, hex) is the caller's to free
 * (NULL while pending). */
struct incrocio_idem_row {
    char fingerprint[65];
    int status; /* 0 while the response is not stored yet */
    int stale;  /* pending for longer than INCROCIO_IDEM_LOST_SQL */
    char location[512];
    char etag[64];
    char content_type[64];
    char *body;
    size_t body_len;
};

/* The live row of (scope, key): OK, NOT_FOUND, or a database error. */
incrocio_err incrocio_db_idempotency_find(struct incrocio_db_conn *conn, const char *scope,
                                          const char *key_hash, struct incrocio_idem_row *out);

/* Inserts the row (or takes over an expired one) in the open transaction:
 * *claimed is 0 when a live row exists (after waiting for the transaction
 * that inserted it, if it is still open). */
incrocio_err incrocio_db_idempotency_claim(struct incrocio_db_conn *conn, const char *scope,
                                           const char *key_hash, const char *fingerprint,
                                           int *claimed);

/* Stores the response of a claimed row (autocommit). */
incrocio_err incrocio_db_idempotency_store(struct incrocio_db_conn *conn, const char *scope,
                                           const char *key_hash, const char *fingerprint,
                                           int status, const char *location, const char *etag,
                                           const char *content_type, const char *body);

/* Deletes up to limit expired rows; *deleted says how many. */
incrocio_err incrocio_db_idempotency_prune(struct incrocio_db_conn *conn, int limit, int *deleted);

#endif
