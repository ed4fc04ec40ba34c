#include "incrocio/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 64
#define SWEEP_AT 4096 /* buckets before a sweep of the idle ones */

struct bucket {
    char key[KEY_MAX];
    double tokens;
    double updated;
    struct bucket *next;
};

struct incrocio_ratelimit {
    pthread_mutex_t lock;
    double capacity;
    double rate; /* tokens per second */
    size_t n_slots, count;
    size_t sweep_at; /* doubles when a sweep frees little: amortised O(1) */
    struct bucket **slots;
};

/* Keys are compared on their first KEY_MAX - 1 bytes: hash those only. */
static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < KEY_MAX - 1 && s[i]; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

struct incrocio_ratelimit *incrocio_ratelimit_new(int per_minute)
{
    struct incrocio_ratelimit *rl = calloc(1, sizeof *rl);

    if (rl == NULL)
        return NULL;
    rl->n_slots = 1024;
    rl->slots = calloc(rl->n_slots, sizeof *rl->slots);
    if (rl->slots == NULL) {
        free(rl);
        return NULL;
    }
    rl->capacity = per_minute;
    rl->sweep_at = SWEEP_AT;
    rl->rate = per_minute / 60.0;
    pthread_mutex_init(&rl->lock, NULL);
    return rl;
}

void incrocio_ratelimit_free(struct incrocio_ratelimit *rl)
{
    if (rl == NULL)
        return;
    for (size_t i = 0; i < rl->n_slots; i++) {
        struct bucket *b = rl->slots[i];
        while (b) {
            struct bucket *next = b->next;
            free(b);
            b = next;
        }
    }
    pthread_mutex_destroy(&rl->lock);
    free(rl->slots);
    free(rl);
}

static void refill(const struct incrocio_ratelimit *rl, struct bucket *b, double now)
{
    if (now > b->updated) {
        b->tokens = fmin(rl->capacity, b->tokens + (now - b->updated) * rl->rate);
        b->updated = now;
    }
}

/* Drops the buckets that have refilled completely: forgetting them changes
 * nothing, since a new bucket starts full. */
static void sweep(struct incrocio_ratelimit *rl, double now)
{
    for (size_t i = 0; i < rl->n_slots; i++) {
        struct bucket **pp = &rl->slots[i];
        while (*pp) {
            struct bucket *b = *pp;
            refill(rl, b, now);
            if (b->tokens >= rl->capacity) {
                *pp = b->next;
                free(b);
                rl->count--;
            } else {
                pp = &b->next;
            }
        }
    }
}

int incrocio_ratelimit_take(struct incrocio_ratelimit *rl, const char *key, double now,
                            struct incrocio_ratelimit_info *info)
{
    struct bucket *b;
    size_t slot = hash(key) % rl->n_slots;
    int allowed;

    pthread_mutex_lock(&rl->lock);
    for (b = rl->slots[slot]; b; b = b->next)
        if (strncmp(b->key, key, KEY_MAX - 1) == 0)
            break;
    if (b == NULL) {
        if (rl->count >= rl->sweep_at) {
            sweep(rl, now);
            rl->sweep_at = rl->count * 2 > SWEEP_AT ? rl->count * 2 : SWEEP_AT;
        }
        b = calloc(1, sizeof *b);
        if (b == NULL) {
            /* Out of memory: let the request through rather than fail it. */
            pthread_mutex_unlock(&rl->lock);
            info->limit = (int)rl->capacity;
            info->remaining = 0;
            info->reset = 0;
            info->retry_after = 0;
            return 1;
        }
        strncpy(b->key, key, KEY_MAX - 1);
        b->tokens = rl->capacity;
        b->updated = now;
        b->next = rl->slots[slot];
        rl->slots[slot] = b;
        rl->count++;
    }
    refill(rl, b, now);
    allowed = b->tokens >= 1.0;
    if (allowed)
        b->tokens -= 1.0;
    info->limit = (int)rl->capacity;
    info->remaining = (int)floor(b->tokens);
    info->reset = (int)ceil((rl->capacity - b->tokens) / rl->rate);
    info->retry_after = allowed ? 0 : (int)ceil((1.0 - b->tokens) / rl->rate);
    if (!allowed && info->retry_after < 1)
        info->retry_after = 1;
    pthread_mutex_unlock(&rl->lock);
    return allowed;
}
