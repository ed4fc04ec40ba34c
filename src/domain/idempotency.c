/* The pure parts of Idempotency-Key: which keys are accepted, the request's
 * fingerprint, the key's owner, sealing the stored response. */
#include "incrocio/idempotency.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
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

#define NONCE_LEN 12
#define TAG_LEN 16

static const char hex_digits[] = "0123456789abcdef";

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_digits[in[i] >> 4];
        out[2 * i + 1] = hex_digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_value(char c)
{
    const char *p = c ? strchr(hex_digits, c) : NULL;

    return p ? (int)(p - hex_digits) : -1;
}

incrocio_err incrocio_idempotency_fingerprint(const char *method, const char *path,
                                              const json_t *body, char out[65])
{
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
    to_hex(digest, sizeof digest, out);
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

incrocio_err incrocio_idempotency_key_hash(const char *key, char out[65])
{
    unsigned char digest[32];

    if (gnutls_hash_fast(GNUTLS_DIG_SHA256, key, strlen(key), digest) != 0)
        return INCROCIO_ERR_INTERNAL;
    to_hex(digest, sizeof digest, out);
    return INCROCIO_OK;
}

incrocio_err incrocio_idempotency_seal_key(const char *key, const char *scope,
                                           unsigned char out[32])
{
    char msg[INCROCIO_IDEM_SCOPE_MAX + 32];
    int n = snprintf(msg, sizeof msg, "incrocio-idempotency-seal:%s", scope);

    if (n < 0 || (size_t)n >= sizeof msg ||
        gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, strlen(key), msg, (size_t)n, out) != 0)
        return INCROCIO_ERR_INTERNAL;
    return INCROCIO_OK;
}

static gnutls_aead_cipher_hd_t cipher_of(const unsigned char seal[32])
{
    gnutls_datum_t k = {(unsigned char *)seal, 32};
    gnutls_aead_cipher_hd_t h;

    return gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k) == 0 ? h : NULL;
}

char *incrocio_idempotency_seal_new(const unsigned char seal[32], const char *plain, size_t len)
{
    gnutls_aead_cipher_hd_t h = cipher_of(seal);
    size_t total = NONCE_LEN + len + TAG_LEN, clen = len + TAG_LEN;
    unsigned char *buf = h ? malloc(total) : NULL;
    char *hex = buf ? malloc(2 * total + 1) : NULL;
    int ok = hex != NULL && gnutls_rnd(GNUTLS_RND_NONCE, buf, NONCE_LEN) == 0 &&
             gnutls_aead_cipher_encrypt(h, buf, NONCE_LEN, NULL, 0, TAG_LEN, plain, len,
                                        buf + NONCE_LEN, &clen) == 0 &&
             clen == len + TAG_LEN;

    if (ok)
        to_hex(buf, total, hex);
    if (h)
        gnutls_aead_cipher_deinit(h);
    free(buf);
    if (!ok) {
        free(hex);
        return NULL;
    }
    return hex;
}

char *incrocio_idempotency_unseal_new(const unsigned char seal[32], const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2, plen;
    unsigned char *buf;
    char *plain;
    gnutls_aead_cipher_hd_t h;
    int ok;

    if (strlen(hex) % 2 != 0 || n < NONCE_LEN + TAG_LEN)
        return NULL;
    buf = malloc(n);
    if (buf == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            free(buf);
            return NULL;
        }
        buf[i] = (unsigned char)(hi << 4 | lo);
    }
    plen = n - NONCE_LEN - TAG_LEN;
    plain = malloc(plen + 1);
    h = plain ? cipher_of(seal) : NULL;
    ok = h != NULL && gnutls_aead_cipher_decrypt(h, buf, NONCE_LEN, NULL, 0, TAG_LEN,
                                                 buf + NONCE_LEN, n - NONCE_LEN, plain, &plen) == 0;
    if (h)
        gnutls_aead_cipher_deinit(h);
    free(buf);
    if (!ok) {
        free(plain);
        return NULL;
    }
    plain[plen] = '\0';
    *len = plen;
    return plain;
}
