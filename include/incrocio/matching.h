#ifndef INCROCIO_MATCHING_H
#define INCROCIO_MATCHING_H

#include <stddef.h>
#include <stdint.h>

#include "incrocio/db.h"
#include "incrocio/error.h"

/* What the matching endpoints ask PostgreSQL (src/db/matching.c): the
 * index answers the ranking, the database who may see it and whether the
 * position is open at all. */

struct incrocio_position_state {
    char vacancy_state[16]; /* draft, published, closed, filled, expired */
    char employer_id[37];
    int full; /* filled >= quantity */
};

/* The state of position_id of vacancy_id. NOT_FOUND when the vacancy does
 * not exist or the position is not one of its. */
incrocio_err incrocio_db_position_state(struct incrocio_db_conn *conn, const char *vacancy_id,
                                        const char *position_id,
                                        struct incrocio_position_state *out);

/* INCROCIO_OK when the job seeker exists and is not erased, else NOT_FOUND. */
incrocio_err incrocio_db_job_seeker_live(struct incrocio_db_conn *conn, const char *id);

/* The instance secret `name` (instance_secrets) into out (up to len bytes);
 * *n is its length. */
incrocio_err incrocio_db_secret(struct incrocio_db_conn *conn, const char *name, uint8_t *out,
                                size_t len, size_t *n);

#endif
