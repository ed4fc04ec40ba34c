#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/keys.h"

#define SLOTS 1024 /* direct-mapped: a colliding key just evicts the other */

struct entry {
    char hash[65];
    double at;
    int found;
    struct incrocio_principal who;
};

struct incrocio_keycache {
    pthread_mutex_t lock;
    struct entry slots[SLOTS];
};

struct incrocio_keycache *incrocio_keycache_new(void)
{
    struct incrocio_keycache *c = calloc(1, sizeof *c);

    if (c != NULL)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

void incrocio_keycache_free(struct incrocio_keycache *c)
{
    if (c == NULL)
        return;
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static size_t slot_of(const char *hash_hex)
{
    /* The hash is uniformly random already: its first hex digits will do. */
    return (size_t)strtoul((char[]){hash_hex[0], hash_hex[1], hash_hex[2], hash_hex[3], 0}, NULL,
                           16) %
           SLOTS;
}

int incrocio_keycache_get(struct incrocio_keycache *c, const char *hash_hex, double now, int *found,
                          struct incrocio_principal *who)
{
    struct entry *e = &c->slots[slot_of(hash_hex)];
    int hit;

    pthread_mutex_lock(&c->lock);
    hit = strcmp(e->hash, hash_hex) == 0 && now - e->at < INCROCIO_KEYCACHE_TTL_S && now >= e->at;
    if (hit) {
        *found = e->found;
        if (e->found)
            *who = e->who;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void incrocio_keycache_put(struct incrocio_keycache *c, const char *hash_hex, double now, int found,
                           const struct incrocio_principal *who)
{
    struct entry *e = &c->slots[slot_of(hash_hex)];

    pthread_mutex_lock(&c->lock);
    memcpy(e->hash, hash_hex, 65);
    e->at = now;
    e->found = found;
    if (found)
        e->who = *who;
    pthread_mutex_unlock(&c->lock);
}
