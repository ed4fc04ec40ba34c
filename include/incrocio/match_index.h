#ifndef INCROCIO_MATCH_INDEX_H
#define INCROCIO_MATCH_INDEX_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "incrocio/error.h"
#include "incrocio/score.h"

/* The matching index (DESIGN §5): every live job seeker and open position as
 * compact records in memory, searched in both directions with
 * incrocio_score(). One per server, shared by all request threads.
 *
 * Lock discipline: one writer-preferring rwlock. Searches and explanations
 * hold it shared for their whole run, so they never see a half-applied
 * change; incrocio_match_index_refresh() and _reload() prepare everything
 * they read from PostgreSQL first and hold it exclusively only to apply.
 *
 * Ranking: by score rounded to 6 decimals (score6 = rint(total · 1e6), the
 * same in sql/oracle/topk.sql), higher first, then by id ascending (the
 * order of the UUIDs' bytes, as PostgreSQL orders uuid). Deterministic for
 * the same data and weights on every server. */

struct incrocio_match_index;

/* The weights in force and their version (matching_models.version). */
struct incrocio_match_model {
    int version;
    struct incrocio_weights weights;
};

/* Loads everything live on `today` (days since 1970-01-01) from pg, in one
 * snapshot (pg must be idle; the load runs its own REPEATABLE READ
 * transaction unless pg is already in one). The caller frees *out. */
incrocio_err incrocio_match_index_new(PGconn *pg, int32_t today,
                                      const struct incrocio_match_model *model,
                                      struct incrocio_match_index **out);
void incrocio_match_index_free(struct incrocio_match_index *ix);

/* Replaces ix's contents with a fresh load (for a new day or a lost change
 * log): the new contents are built first, then swapped in. */
incrocio_err incrocio_match_index_reload(struct incrocio_match_index *ix, PGconn *pg,
                                         int32_t today);

/* Re-reads the given job seekers and the positions of the given vacancies
 * from pg (in the caller's transaction, if any) and applies them at once:
 * records that are no longer live or open leave the index. ids are UUID
 * strings. */
incrocio_err incrocio_match_index_refresh(struct incrocio_match_index *ix, PGconn *pg,
                                          const char *const *seeker_ids, size_t n_seekers,
                                          const char *const *vacancy_ids, size_t n_vacancies);

void incrocio_match_index_set_model(struct incrocio_match_index *ix,
                                    const struct incrocio_match_model *model);
void incrocio_match_index_model(struct incrocio_match_index *ix, struct incrocio_match_model *out);

struct incrocio_match_stats {
    int32_t today;
    size_t seekers;   /* live job seekers */
    size_t positions; /* open positions */
    size_t bytes;     /* memory held for seekers (records, variable parts, postings, id map) */
    size_t skills;    /* distinct skill codes interned */
};
void incrocio_match_index_stats(struct incrocio_match_index *ix, struct incrocio_match_stats *out);

/* A search. Scope filters narrow who is considered: for a position's
 * matches, job seekers whose office is `office` / of `province`; for a
 * person's matches, positions of vacancies of that office / province. */
struct incrocio_match_query {
    const char *office;   /* office code, or NULL */
    const char *province; /* two-letter province, or NULL */
    int64_t min_score6;   /* only results with score6 >= this (0: all eligible) */
    size_t limit;         /* results wanted, 1 .. INCROCIO_MATCH_MAX_LIMIT */
    /* Resume after a result (the cursor of a previous page): */
    int after;            /* 1 to resume */
    int64_t after_score6; /* the last result's score6 */
    char after_id[37];    /* and id */
    uint32_t after_rank;  /* and rank: the next result is after_rank + 1 */
};
#define INCROCIO_MATCH_MAX_LIMIT 200

/* One result: the other side's id, its rank (1-based, in the whole ranking)
 * and its explanation (see incrocio_match_explain_json). */
struct incrocio_match_hit {
    char id[37];         /* the job seeker, or the position */
    char vacancy_id[37]; /* the position's vacancy ("" for job seekers) */
    uint32_t rank;
    int64_t score6;
    json_t *explanation; /* owned: freed by incrocio_match_result_clear */
};

struct incrocio_match_result {
    size_t considered; /* in scope (live, and within office/province) */
    size_t eligible;   /* of those, excluded by no hard filter */
    size_t n;          /* hits returned, <= limit */
    int more;          /* 1 when further results follow the last hit */
    struct incrocio_match_model model;
    int32_t today;
    struct incrocio_match_hit hits[INCROCIO_MATCH_MAX_LIMIT];
};
void incrocio_match_result_clear(struct incrocio_match_result *r);

/* The ranked job seekers for an open position. INCROCIO_ERR_NOT_FOUND when
 * the position is not open (or unknown). */
incrocio_err incrocio_match_for_position(struct incrocio_match_index *ix, const char *position_id,
                                         const struct incrocio_match_query *q,
                                         struct incrocio_match_result *out);

/* The ranked open positions for a live job seeker. INCROCIO_ERR_NOT_FOUND
 * when the person is not in the index (erased or unknown). */
incrocio_err incrocio_match_for_seeker(struct incrocio_match_index *ix, const char *seeker_id,
                                       const struct incrocio_match_query *q,
                                       struct incrocio_match_result *out);

/* The full explanation of one pair, eligible or not; *rank is the person's
 * rank among the position's eligible matches (0 when excluded); *model the
 * weights it was scored with.
 * INCROCIO_ERR_NOT_FOUND when either is not in the index. The caller frees
 * *out. */
incrocio_err incrocio_match_explain_pair(struct incrocio_match_index *ix, const char *position_id,
                                         const char *seeker_id, json_t **out, uint32_t *rank,
                                         int64_t *score6, struct incrocio_match_model *model);

#endif
