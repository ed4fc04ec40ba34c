#ifndef INCROCIO_IDEMPOTENCY_H
#define INCROCIO_IDEMPOTENCY_H

#include <jansson.h>
#include <stddef.h>
#include <ulfius.h>

#include "incrocio/db.h"
#include "incrocio/http.h"

/* Idempotency-Key on every POST (DESIGN §3): a retry with the same key, from
 * the same caller, of the same request gets the first response again, and
 * the write happens once. The key's row is inserted in the handler's own
 * transaction just before its COMMIT (incrocio_api_finish), so the key and
 * the business write commit or roll back together; the response is stored
 * right after, before it is sent. */

#define INCROCIO_IDEM_KEY_MAX 255
#define INCROCIO_IDEM_SCOPE_MAX 96

enum incrocio_idem_key_check {
    INCROCIO_IDEM_KEY_OK = 0,
    INCROCIO_IDEM_KEY_EMPTY,
    INCROCIO_IDEM_KEY_TOO_LONG,
    INCROCIO_IDEM_KEY_CHARACTERS, /* outside visible ASCII (0x21-0x7e) */
};

/* One keyed POST's state, owned by the dispatcher for the request. The key
 * itself is kept nowhere: the table holds its SHA-256, and the stored
 * response is sealed under a key derived from it, so that a reader of the
 * database sees no personal data and no cancellation token there. */
struct incrocio_idem {
    char scope[INCROCIO_IDEM_SCOPE_MAX]; /* "key:<API key id>" or "addr:<client address>" */
    char key_hash[65];                   /* SHA-256 hex of the key */
    unsigned char seal[32];              /* the response's sealing key */
    char fingerprint[65];                /* SHA-256 hex of method, path and canonical body */
    int claimed;                         /* the key's row committed with the handler's write */
    int lost;                            /* another request with this key committed first */
};

/* Pure parts (src/domain/idempotency.c). */

/* Whether a header value is a usable key: 1 to 255 visible ASCII characters. */
enum incrocio_idem_key_check incrocio_idempotency_key_check(const char *value);

/* The request's fingerprint: SHA-256 (hex, 64 digits) over the method, the
 * path and the body in canonical form (compact, keys sorted), so a retry that
 * serialises the same JSON differently is the same request. body may be NULL.
 * INCROCIO_OK, or INCROCIO_ERR_NOMEM. */
incrocio_err incrocio_idempotency_fingerprint(const char *method, const char *path,
                                              const json_t *body, char out[65]);

/* Who a key belongs to: the caller's API key id, or for keyless callers the
 * client address (as rate limiting counts it). */
void incrocio_idempotency_scope(const char *key_id, const char *client_address, char *out,
                                size_t outlen);

/* The key as the table holds it: SHA-256 (hex) of its characters. */
incrocio_err incrocio_idempotency_key_hash(const char *key, char out[65]);

/* The sealing key of a response: HMAC-SHA256 under the Idempotency-Key of
 * "incrocio-idempotency-seal:" and the scope. Only a client holding the key
 * can have its response unsealed. */
incrocio_err incrocio_idempotency_seal_key(const char *key, const char *scope,
                                           unsigned char out[32]);

/* AES-256-GCM with a random nonce: hex of nonce, ciphertext and tag (the
 * caller frees it), or NULL. */
char *incrocio_idempotency_seal_new(const unsigned char seal[32], const char *plain, size_t len);

/* The plaintext (NUL-terminated, *len bytes; the caller frees it) of what
 * incrocio_idempotency_seal_new made with the same key, or NULL when hex is
 * not that (another key, altered, malformed). */
char *incrocio_idempotency_unseal_new(const unsigned char seal[32], const char *hex, size_t *len);

/* The request hooks (src/http/idempotency.c). */

/* Before a POST's handler: 1 to run it (ctx->idem set when the request has a
 * key, else NULL), or 0 with the answer built: 400 for a malformed key, the
 * stored response replayed, 422 for a key first used for another request,
 * 409 while the first request's response is not stored yet, 503. */
int incrocio_idempotency_before(const struct _u_request *req, struct _u_response *resp,
                                struct incrocio_req *ctx, struct incrocio_idem *idem,
                                const char *client_address);

/* Inside the handler's transaction, just before COMMIT (incrocio_api_finish):
 * inserts the key's row. CONFLICT (and idem->lost) when another request with
 * the key committed first: the caller rolls back. */
incrocio_err incrocio_idempotency_claim(struct incrocio_idem *idem, struct incrocio_db_conn *conn);

/* After the handler: stores the response of a committed write; when another
 * request with the key won the race, replaces this one's answer with it. */
void incrocio_idempotency_after(const struct _u_request *req, struct _u_response *resp,
                                struct incrocio_req *ctx);

#endif
