/* The pure parts of Idempotency-Key: which keys are accepted, the request's
 * fingerprint, the key's owner. */
#include "incrocio/idempotency.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum incrocio_idem_key_check incrocio_idempotency_key_check(const char *value)
{
    size_t n = 0;

    if (value == NULL || value[0] == '\0')
        return INCROCIO_IDEM_KEY_EMPTY;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++, n++)
        if (*p < 0x21 || *p > 0x7e)
            return INCROCIO_IDEM_KEY_CHARACTERS;
    return n > INCROCIO_IDEM_KEY_MAX ? INCROCIO_IDEM_KEY_TOO_LONG : INCROCIO_IDEM_KEY_OK;
}

incrocio_err incrocio_idempotency_fingerprint(const char *method, const char *path,
                                              const json_t *body, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[32];
    char *canon = NULL, *msg;
    size_t m = strlen(method), p = strlen(path), b;
    int rc;

    /* 17 significant digits: two reals that differ are two requests. */
    if (body != NULL &&
        (canon = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17) |
                                      JSON_ENCODE_ANY)) == NULL)
        return INCROCIO_ERR_NOMEM;
    b = canon ? strlen(canon) : 0;
    /* NUL separators: no method, path or JSON text contains one. */
    msg = malloc(m + p + b + 2);
    if (msg == NULL) {
        free(canon);
        return INCROCIO_ERR_NOMEM;
    }
    memcpy(msg, method, m);
    msg[m] = '\0';
    memcpy(msg + m + 1, path, p);
    msg[m + 1 + p] = '\0';
    if (b)
        memcpy(msg + m + p + 2, canon, b);
    rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, msg, m + p + b + 2, digest);
    free(msg);
    free(canon);
    if (rc != 0)
        return INCROCIO_ERR_NOMEM;
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
    return INCROCIO_OK;
}

void incrocio_idempotency_scope(const char *key_id, const char *client_address, char *out,
                                size_t outlen)
{
    if (key_id != NULL && key_id[0] != '\0')
        snprintf(out, outlen, "key:%s", key_id);
    else
        snprintf(out, outlen, "addr:%s", client_address ? client_address : "unknown");
}
