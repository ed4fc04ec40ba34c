#ifndef INCROCIO_MATCH_LOAD_H
#define INCROCIO_MATCH_LOAD_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "incrocio/error.h"
#include "incrocio/score.h"

/* The matching index's contents (DESIGN §5): every live job seeker and every
 * open position as the compact records incrocio_score() reads, loaded at start
 * by streaming from PostgreSQL. src/match/load.c documents the mapping from
 * the tables; sql/oracle/records.sql builds the same records in SQL. */
struct incrocio_match_set {
    size_t n_seekers;
    struct incrocio_seeker_rec *seekers;
    char (*seeker_ids)[37]; /* job_seekers.id, parallel to seekers */
    size_t n_positions;
    struct incrocio_position_rec *positions;
    char (*position_ids)[37]; /* positions.id, parallel to positions */
    char (*vacancy_ids)[37];  /* the position's vacancy */
    size_t n_skills;
    char **skill_codes; /* interned: id → code; ids shared by seekers and positions */
};

/* Streams every live job seeker and every open position (published, not
 * expired on `today`, filled < quantity) into compact records, from one
 * snapshot. today: days since 1970-01-01. On INCROCIO_OK the caller frees
 * *out with incrocio_match_set_free; on error *out is NULL. */
incrocio_err incrocio_match_load_new(PGconn *pg, int32_t today, struct incrocio_match_set **out);

void incrocio_match_set_free(struct incrocio_match_set *set);

/* The streaming core the index is built on: rows become records one at a
 * time and go to a sink; nothing is kept. Records are borrowed for the
 * duration of the call. */
struct incrocio_match_sink {
    void *ctx;
    /* The id of a skill code (interning it when new). */
    incrocio_err (*skill_id)(void *ctx, const char *code, uint32_t *id);
    incrocio_err (*seeker)(void *ctx, const char *id, const char *office,
                           const struct incrocio_seeker_rec *rec);
    incrocio_err (*position)(void *ctx, const char *id, const char *vacancy_id, const char *office,
                             const struct incrocio_position_rec *rec);
};

/* Streams the live job seekers (ids: a PostgreSQL uuid[] literal such as
 * "{a,b}" to stream only those, or NULL for all) to sink->seeker, in id
 * order, within the caller's transaction if any. */
incrocio_err incrocio_match_stream_seekers(PGconn *pg, int32_t today, const char *ids,
                                           const struct incrocio_match_sink *sink);

/* Streams every live job seeker like incrocio_match_stream_seekers(pg,
 * today, NULL, sink), but over two connections reading half the ids each:
 * pg, which must be in a REPEATABLE READ transaction, and a second one
 * opened with pg's parameters that imports pg's snapshot. Rows reach the
 * sink from the calling thread only, in no particular order. Without a
 * second connection, pg reads everything. */
incrocio_err incrocio_match_stream_all_seekers(PGconn *pg, int32_t today,
                                               const struct incrocio_match_sink *sink);

/* Streams the open positions (of the vacancies in vacancy_ids, a uuid[]
 * literal, or of all when NULL) to sink->position, in id order. */
incrocio_err incrocio_match_stream_positions(PGconn *pg, int32_t today, const char *vacancy_ids,
                                             const struct incrocio_match_sink *sink);

#endif
