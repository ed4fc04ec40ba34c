/* Cancellation tokens of keyless bookers: random, shown once, stored hashed,
 * compared in constant time. */
#include <string.h>

#include "incrocio/auth.h"
#include "incrocio/booking.h"

int incrocio_booking_equal_ct(const void *a, const void *b, size_t n)
{
    const volatile unsigned char *x = a, *y = b;
    unsigned char diff = 0;

    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(x[i] ^ y[i]);
    return diff == 0;
}

incrocio_err incrocio_booking_token_new(char *out, char hash_hex[65])
{
    incrocio_err err = incrocio_random_token(out);

    return err == INCROCIO_OK ? incrocio_apikey_hash_hex(out, hash_hex) : err;
}

static int token_shape(const char *t)
{
    if (t == NULL || strlen(t) != INCROCIO_BOOKING_TOKEN_LEN)
        return 0;
    for (const char *c = t; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_'))
            return 0;
    return 1;
}

int incrocio_booking_token_matches(const char *token, const char *stored_hex)
{
    char hash[65];

    if (!token_shape(token) || stored_hex == NULL || strlen(stored_hex) != 64 ||
        incrocio_apikey_hash_hex(token, hash) != INCROCIO_OK)
        return 0;
    return incrocio_booking_equal_ct(hash, stored_hex, 64);
}
