#include "incrocio/reqid.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int incrocio_reqid_valid(const char *s)
{
    size_t n = 0;

    if (s == NULL)
        return 0;
    for (; s[n] != '\0'; n++) {
        char c = s[n];
        if (n >= INCROCIO_REQID_MAX)
            return 0;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return n > 0;
}

/* A per-thread xoshiro256** generator, seeded once from the kernel: request
 * ids need to be unique, not secret, and a getrandom() call per request showed
 * in profiles. */
static _Thread_local uint64_t rng[4];
static _Thread_local int rng_ready;

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next(void)
{
    uint64_t result = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 17;

    rng[2] ^= rng[0];
    rng[3] ^= rng[1];
    rng[1] ^= rng[2];
    rng[0] ^= rng[3];
    rng[2] ^= t;
    rng[3] = rotl(rng[3], 45);
    return result;
}

void incrocio_reqid_generate(char out[37])
{
    uint8_t b[16];
    uint64_t hi, lo;

    if (!rng_ready) {
        size_t got = 0;
        while (got < sizeof rng || (rng[0] | rng[1] | rng[2] | rng[3]) == 0) {
            ssize_t n =
                getrandom((uint8_t *)rng + got % sizeof rng, sizeof rng - got % sizeof rng, 0);
            if (n > 0)
                got += (size_t)n;
        }
        rng_ready = 1;
    }
    hi = next();
    lo = next();
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(hi >> (8 * i));
        b[8 + i] = (uint8_t)(lo >> (8 * i));
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}
