#ifndef INCROCIO_CHANGES_H
#define INCROCIO_CHANGES_H

#include <jansson.h>

#include "incrocio/db.h"
#include "incrocio/error.h"

/* The changes feed (GET /v1/changes): every created, updated or deleted
 * resource as (type, id, version, kind, changed_at), in commit order. The
 * rows are written at commit by change_feed_record()
 * (sql/migrations/0008_changes.sql, 0013_changes_feed.sql); a position is a
 * row's place in that order, and a cursor is the position to read after. */

#define INCROCIO_CHANGES_CURSOR_SCOPE "changes"
/* A feed entry is five short fields (about 140 bytes): a page of 1000 is
 * one index range scan and ~140 KB, and a portal catching up after a day
 * offline needs five times fewer round trips than with the lists' 200. */
#define INCROCIO_CHANGES_LIMIT_MAX 1000

/* A feed read, as its query string asked for it. */
struct incrocio_changes_query {
    long long after;  /* read positions after this one (0: from the beginning) */
    int limit;        /* 1..INCROCIO_CHANGES_LIMIT_MAX, default 20 */
    const char *type; /* one resource type, or NULL for all (borrowed) */
};

/* 1 when name is a resource type the feed lists (vacancy, employer,
 * job_seeker, candidacy, appointment). */
int incrocio_changes_type_known(const char *name);

/* Checks the query's since (a cursor of this feed), limit and type, each
 * NULL when absent, into q; each bad one appends {"parameter", "code",
 * "detail"} to errors: since cursor.invalid, limit limit.syntax or
 * limit.range, type type.unknown. */
void incrocio_changes_parse(const char *since, const char *limit, const char *type,
                            struct incrocio_changes_query *q, json_t *errors);

/* Appends up to q->limit entries after q->after, of q->type when given and
 * only public ones (vacancies out of draft) when public_only, to items as
 * {"type", "id", "version", "kind", "changed_at"}; *n is how many. *next is
 * where the next read resumes: the last entry's position when the page is
 * full, else the last position committed when the page was read (every entry
 * up to it was seen, as later commits take later positions), never before
 * q->after. */
incrocio_err incrocio_db_changes_list(struct incrocio_db_conn *conn,
                                      const struct incrocio_changes_query *q, int public_only,
                                      json_t *items, int *n, long long *next);

#endif
