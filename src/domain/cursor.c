#include "incrocio/cursor.h"

#include <orcania.h>
#include <string.h>

#define SEP '\x1f' /* unit separator: cannot appear in a scope name */

incrocio_err incrocio_cursor_encode(const char *scope, const char *key, char *out, size_t outlen)
{
    unsigned char raw[INCROCIO_CURSOR_MAX];
    size_t slen = strlen(scope), klen = strlen(key), enc_len = 0;

    /* base64 grows by 4/3: keep the encoded form under INCROCIO_CURSOR_MAX. */
    if (slen + 1 + klen > (INCROCIO_CURSOR_MAX - 1) / 4 * 3 || outlen < INCROCIO_CURSOR_MAX)
        return INCROCIO_ERR_INVALID;
    memcpy(raw, scope, slen);
    raw[slen] = SEP;
    memcpy(raw + slen + 1, key, klen);
    if (!o_base64url_encode(raw, slen + 1 + klen, (unsigned char *)out, &enc_len) ||
        enc_len >= outlen)
        return INCROCIO_ERR_INVALID;
    out[enc_len] = '\0';
    return INCROCIO_OK;
}

incrocio_err incrocio_cursor_decode(const char *scope, const char *cursor, char *key, size_t keylen)
{
    unsigned char raw[INCROCIO_CURSOR_MAX];
    size_t clen = strlen(cursor), raw_len = 0, slen = strlen(scope), klen;

    if (clen == 0 || clen >= INCROCIO_CURSOR_MAX)
        return INCROCIO_ERR_INVALID;
    for (size_t i = 0; i < clen; i++) {
        char c = cursor[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return INCROCIO_ERR_INVALID;
    }
    if (!o_base64url_decode((const unsigned char *)cursor, clen, raw, &raw_len) ||
        raw_len <= slen || raw_len >= sizeof raw)
        return INCROCIO_ERR_INVALID;
    if (memcmp(raw, scope, slen) != 0 || raw[slen] != SEP)
        return INCROCIO_ERR_INVALID;
    klen = raw_len - slen - 1;
    if (klen == 0 || klen >= keylen || memchr(raw + slen + 1, '\0', klen) != NULL)
        return INCROCIO_ERR_INVALID;
    memcpy(key, raw + slen + 1, klen);
    key[klen] = '\0';
    return INCROCIO_OK;
}
