#ifndef INCROCIO_RATELIMIT_H
#define INCROCIO_RATELIMIT_H

#include "incrocio/error.h"

/* Token buckets per caller: `per_minute` tokens, refilled continuously.
 * One mutex guards the table; each take is amortised O(1). Idle buckets
 * (full again) are swept when the table has doubled since the last sweep, so
 * memory stays proportional to the callers active within a refill period. */
struct incrocio_ratelimit;

struct incrocio_ratelimit_info {
    int limit;       /* X-RateLimit-Limit */
    int remaining;   /* X-RateLimit-Remaining, after this request */
    int reset;       /* X-RateLimit-Reset: seconds until the bucket is full */
    int retry_after; /* Retry-After when denied, seconds; 0 when allowed */
};

struct incrocio_ratelimit *incrocio_ratelimit_new(int per_minute);
void incrocio_ratelimit_free(struct incrocio_ratelimit *rl);

/* Takes one token for key at time now (seconds, monotonic). Returns 1 when
 * allowed, 0 when the caller must wait; info is filled either way. */
int incrocio_ratelimit_take(struct incrocio_ratelimit *rl, const char *key, double now,
                            struct incrocio_ratelimit_info *info);

#endif
