#include "incrocio/auth.h"

#include <gnutls/crypto.h>
#include <orcania.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

static const char *const role_names[INCROCIO_ROLE_COUNT] = {"anonymous", "admin", "operator",
                                                            "portal", "employer"};

const char *incrocio_role_name(enum incrocio_role role)
{
    return (unsigned)role < INCROCIO_ROLE_COUNT ? role_names[role] : "anonymous";
}

int incrocio_role_parse(const char *s)
{
    for (int r = INCROCIO_ROLE_ADMIN; r < INCROCIO_ROLE_COUNT; r++)
        if (s && strcmp(s, role_names[r]) == 0)
            return r;
    return -1;
}

int incrocio_principal_has_office(const struct incrocio_principal *who, const char *code)
{
    if (who->role != INCROCIO_ROLE_OPERATOR || code == NULL)
        return 0;
    for (int i = 0; i < who->n_offices; i++)
        if (strcmp(who->offices[i], code) == 0)
            return 1;
    return 0;
}

int incrocio_principal_set_offices(struct incrocio_principal *who, const char *a)
{
    size_t len = strlen(a);
    const char *p, *last;

    who->n_offices = 0;
    if (len < 2 || a[0] != '{' || a[len - 1] != '}')
        return -1;
    last = a + len - 1;
    if (strcspn(a + 1, "{}") != len - 2)
        return -1; /* a brace inside */
    if (last == a + 1)
        return 0; /* {} */
    p = a + 1;
    for (;;) {
        const char *end = p;
        size_t n;

        while (end < last && *end != ',')
            end++;
        n = (size_t)(end - p);
        if (n == 0 || n >= sizeof who->offices[0] || who->n_offices == INCROCIO_MAX_OFFICES) {
            who->n_offices = 0;
            return -1;
        }
        memcpy(who->offices[who->n_offices], p, n);
        who->offices[who->n_offices++][n] = '\0';
        if (end == last)
            return 0;
        p = end + 1; /* a comma must be followed by another entry */
    }
}

incrocio_err incrocio_random_token(char out[INCROCIO_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    size_t got = 0, len = 0;

    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0)
            return INCROCIO_ERR_IO;
        got += (size_t)n;
    }
    if (!o_base64url_encode(raw, sizeof raw, (unsigned char *)out, &len) ||
        len != INCROCIO_TOKEN_LEN)
        return INCROCIO_ERR_INTERNAL;
    out[INCROCIO_TOKEN_LEN] = '\0';
    return INCROCIO_OK;
}

incrocio_err incrocio_apikey_generate(char *out)
{
    memcpy(out, "inc_", 4);
    return incrocio_random_token(out + 4);
}

incrocio_err incrocio_apikey_hash_hex(const char *key, char out[65])
{
    unsigned char digest[32];

    if (gnutls_hash_fast(GNUTLS_DIG_SHA256, key, strlen(key), digest) != 0)
        return INCROCIO_ERR_INTERNAL;
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    return INCROCIO_OK;
}

int incrocio_apikey_from_header(const char *h, char *key, size_t keylen)
{
    const char *k;

    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return 0;
    k = h + 7;
    while (*k == ' ')
        k++;
    if (strlen(k) != INCROCIO_APIKEY_LEN || strncmp(k, "inc_", 4) != 0 ||
        keylen <= INCROCIO_APIKEY_LEN)
        return 0;
    for (const char *c = k + 4; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_'))
            return 0;
    memcpy(key, k, INCROCIO_APIKEY_LEN + 1);
    return 1;
}
