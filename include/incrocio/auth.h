#ifndef INCROCIO_AUTH_H
#define INCROCIO_AUTH_H

#include <stddef.h>

#include "incrocio/error.h"

/* Who may do what. A caller is anonymous or holds an API key with one role and
 * its scope: an operator's offices, an employer's id. Each route declares the
 * roles it admits (struct incrocio_route.access); scope rules that depend on
 * the resource are applied by its handler: out of scope reads are 404, forbidden
 * actions on visible resources 403. */

enum incrocio_role {
    INCROCIO_ROLE_ANONYMOUS = 0,
    INCROCIO_ROLE_ADMIN,
    INCROCIO_ROLE_OPERATOR,
    INCROCIO_ROLE_PORTAL,
    INCROCIO_ROLE_EMPLOYER,
    INCROCIO_ROLE_COUNT
};

#define INCROCIO_ROLE_BIT(r) (1u << (r))
/* Route access sets. */
#define INCROCIO_ACCESS_PUBLIC INCROCIO_ROLE_BIT(INCROCIO_ROLE_ANONYMOUS)
#define INCROCIO_ACCESS_ADMIN INCROCIO_ROLE_BIT(INCROCIO_ROLE_ADMIN)
#define INCROCIO_ACCESS_OPERATOR INCROCIO_ROLE_BIT(INCROCIO_ROLE_OPERATOR)
#define INCROCIO_ACCESS_PORTAL INCROCIO_ROLE_BIT(INCROCIO_ROLE_PORTAL)
#define INCROCIO_ACCESS_EMPLOYER INCROCIO_ROLE_BIT(INCROCIO_ROLE_EMPLOYER)
#define INCROCIO_ACCESS_ANY_KEY                                                  \
    (INCROCIO_ACCESS_ADMIN | INCROCIO_ACCESS_OPERATOR | INCROCIO_ACCESS_PORTAL | \
     INCROCIO_ACCESS_EMPLOYER)

#define INCROCIO_MAX_OFFICES 16
#define INCROCIO_UUID_LEN 36

struct incrocio_principal {
    enum incrocio_role role;
    char key_id[INCROCIO_UUID_LEN + 1]; /* "" when anonymous */
    int n_offices;                      /* operator: the offices it works for */
    char offices[INCROCIO_MAX_OFFICES][8];
    char employer_id[INCROCIO_UUID_LEN + 1]; /* employer: its company */
};

/* "admin", "operator", "portal", "employer", "anonymous". */
const char *incrocio_role_name(enum incrocio_role role);
/* The role named s (not anonymous), or -1. */
int incrocio_role_parse(const char *s);

/* 1 when an operator principal works for office code. */
int incrocio_principal_has_office(const struct incrocio_principal *who, const char *code);

/* Fills who->offices from PostgreSQL's text form of a text[] ("{CE07,CE08}");
 * -1 when it is malformed or has too many entries. */
int incrocio_principal_set_offices(struct incrocio_principal *who, const char *pg_array);

/* 256 random bits (getrandom) as 43 base64url characters: API keys and the
 * cancellation tokens of bookings. */
#define INCROCIO_TOKEN_LEN 43
incrocio_err incrocio_random_token(char out[INCROCIO_TOKEN_LEN + 1]);

/* API keys: "inc_" and a random token. Only their SHA-256 is stored. */
#define INCROCIO_APIKEY_LEN (4 + INCROCIO_TOKEN_LEN)
#define INCROCIO_APIKEY_PREFIX_LEN 12 /* "inc_" + 8: shown in listings */

/* Writes a new random key into out (INCROCIO_APIKEY_LEN + 1 bytes). */
incrocio_err incrocio_apikey_generate(char *out);

/* SHA-256 of key, as the 64 hex digits PostgreSQL reads after "\\x". */
incrocio_err incrocio_apikey_hash_hex(const char *key, char out[65]);

/* Extracts the key from an Authorization header value ("Bearer <key>", the
 * scheme case-insensitive). Returns 1 when the header has that shape and the
 * key has the shape of ours, else 0. */
int incrocio_apikey_from_header(const char *authorization, char *key, size_t keylen);

#endif
