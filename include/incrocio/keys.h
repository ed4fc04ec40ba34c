#ifndef INCROCIO_KEYS_H
#define INCROCIO_KEYS_H

#include <stdio.h>

#include "incrocio/auth.h"
#include "incrocio/db.h"
#include "incrocio/error.h"

/* API keys in PostgreSQL (db/keys.c), their per-server cache (http/keycache.c)
 * and the `incrocio keys` command (cli_keys.c). */

/* Finds the live key whose SHA-256 is hash_hex and marks it used. NOT_FOUND
 * for unknown and revoked keys alike. */
incrocio_err incrocio_db_key_lookup(struct incrocio_db_conn *conn, const char *hash_hex,
                                    struct incrocio_principal *who);

/* A short-lived cache of key lookups: hash → principal (or "no such key"),
 * trusted for INCROCIO_KEYCACHE_TTL_S seconds, so a revoked key stops working
 * on every server within that time. Fixed size, one mutex. */
#define INCROCIO_KEYCACHE_TTL_S 5.0
struct incrocio_keycache;
struct incrocio_keycache *incrocio_keycache_new(void);
void incrocio_keycache_free(struct incrocio_keycache *c);
/* 1 with *found and who set when a fresh entry exists; 0 otherwise. */
int incrocio_keycache_get(struct incrocio_keycache *c, const char *hash_hex, double now, int *found,
                          struct incrocio_principal *who);
void incrocio_keycache_put(struct incrocio_keycache *c, const char *hash_hex, double now, int found,
                           const struct incrocio_principal *who);

/* `incrocio keys create|list|revoke`: argv[0] is "keys". Returns the exit
 * code; output on out, errors on err. */
int incrocio_cli_keys(int argc, char **argv, const char *database_url, FILE *out, FILE *err);

#endif
