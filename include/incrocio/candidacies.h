#ifndef INCROCIO_CANDIDACIES_H
#define INCROCIO_CANDIDACIES_H

#include <jansson.h>

#include "incrocio/db.h"
#include "incrocio/error.h"

/* Candidacies in PostgreSQL (src/db/candidacies.c; tables in
 * sql/migrations/0009_candidacies.sql). */

/* A position as a new candidacy or a hire needs it. */
struct incrocio_cand_position {
    char vacancy_id[37];
    char vacancy_state[16]; /* draft, published, closed, filled, expired */
    char employer_id[37];
    char office[8];
    int full; /* filled >= quantity */
};

/* NOT_FOUND when there is no such position. */
incrocio_err incrocio_db_cand_position(struct incrocio_db_conn *conn, const char *position_id,
                                       struct incrocio_cand_position *out);

/* The office of a live job seeker; NOT_FOUND when unknown or erased. */
incrocio_err incrocio_db_cand_seeker_office(struct incrocio_db_conn *conn, const char *id,
                                            char office[8]);

struct incrocio_cand_new {
    const char *position_id, *job_seeker_id, *source, *notes;
    const char *score;         /* "0.873100", or NULL unless source is match */
    const char *model_version; /* NULL unless source is match */
    const char *key_id, *role;
};

/* Inserts the candidacy (stage proposed) and its first event; id_out
 * receives its id (37 bytes). CONFLICT when the person already has an open
 * candidacy for the position. */
incrocio_err incrocio_db_cand_insert(struct incrocio_db_conn *conn,
                                     const struct incrocio_cand_new *c, char id_out[37]);

/* What the access rules and a move need to know of a candidacy. */
struct incrocio_cand_scope {
    char stage[24];
    char vacancy_id[37], position_id[37], job_seeker_id[37], employer_id[37];
    char office[8];        /* the vacancy's */
    char seeker_office[8]; /* the person's */
    int sent;              /* it has reached the employer */
};

/* NOT_FOUND when there is no such candidacy. */
incrocio_err incrocio_db_cand_scope(struct incrocio_db_conn *conn, const char *id,
                                    struct incrocio_cand_scope *out);

/* Moves the candidacy from stage `from` to `to` and records the event with
 * who and notes. CONFLICT when it is no longer at `from`. */
incrocio_err incrocio_db_cand_move(struct incrocio_db_conn *conn, const char *id, const char *from,
                                   const char *to, const char *notes, const char *key_id,
                                   const char *role);

/* candidacy_doc(id) (the staff view); NOT_FOUND when there is none. */
incrocio_err incrocio_db_cand_get(struct incrocio_db_conn *conn, const char *id, json_t **doc);

struct incrocio_cand_filter {
    const char *vacancy_id, *position_id, *job_seeker_id, *employer_id; /* NULL: any */
    const char *stage, *office, *source, *open, *updated_since;
    const char *after_id; /* the page's cursor */
    int limit;
    int sent_only; /* only those sent to the employer */
};

/* A page of summaries (no names, contacts or events) in id order into items;
 * *more when further ones follow; last_id the page's last (37 bytes). */
incrocio_err incrocio_db_cand_list(struct incrocio_db_conn *conn,
                                   const struct incrocio_cand_filter *f, json_t *items, int *more,
                                   char last_id[37]);

/* A new version of the job seeker's record, whose "hires" a hire changed. */
incrocio_err incrocio_db_cand_seeker_touch(struct incrocio_db_conn *conn,
                                           const char *job_seeker_id);

#endif
