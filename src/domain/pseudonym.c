/* Pseudonyms for employers (include/incrocio/pseudonym.h). */
#include "incrocio/pseudonym.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>

int incrocio_pseudonym_make(const uint8_t *secret, size_t len, const char *position_id,
                            const char *seeker_id, char out[19])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t mac[32];
    char msg[80];

    snprintf(msg, sizeof msg, "%s:%s", position_id, seeker_id);
    if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, secret, len, msg, strlen(msg), mac) != 0)
        return 0;
    out[0] = 'c';
    out[1] = '_';
    for (int i = 0; i < 8; i++) {
        out[2 + 2 * i] = hex[mac[i] >> 4];
        out[3 + 2 * i] = hex[mac[i] & 15];
    }
    out[18] = '\0';
    return 1;
}
