/* The changes feed in PostgreSQL: one statement per shape of read, so each
 * has its own plan (the whole feed on the primary key, one type on
 * changes_type_idx, the public entries on changes_public_idx). */
#include "incrocio/changes.h"

#include <stdio.h>
#include <stdlib.h>

/* One statement, so one snapshot: the page and the last position committed
 * (head) as that page saw them. A row of NULLs when the page is empty. */
#define PAGE_SQL(where)                                                                     \
    "SELECT h.head, c.position, c.type, c.id, c.version, c.kind,"                           \
    " to_char(c.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"        \
    " FROM (SELECT coalesce(max(position), 0) AS head FROM changes) h"                      \
    " LEFT JOIN LATERAL (SELECT position, type, id, version, kind, changed_at FROM changes" \
    " WHERE position > $1::bigint AND " where " ORDER BY position LIMIT $2::int) c ON true" \
    " ORDER BY c.position"

static const struct incrocio_stmt all_stmt = {INCROCIO_STMT_CHANGES_ALL, 2, PAGE_SQL("true")};
static const struct incrocio_stmt type_stmt = {INCROCIO_STMT_CHANGES_TYPE, 3,
                                               PAGE_SQL("type = $3::text")};
static const struct incrocio_stmt public_stmt = {INCROCIO_STMT_CHANGES_PUBLIC, 2,
                                                 PAGE_SQL("public")};

incrocio_err incrocio_db_changes_list(struct incrocio_db_conn *conn,
                                      const struct incrocio_changes_query *q, int public_only,
                                      json_t *items, int *n, long long *next)
{
    char after[24], limit[16];
    const char *values[3] = {after, limit, NULL};
    const struct incrocio_stmt *stmt = public_only ? &public_stmt
                                       : q->type   ? &type_stmt
                                                   : &all_stmt;
    long long head, last = q->after;
    PGresult *res;
    incrocio_err err;
    int rows;

    snprintf(after, sizeof after, "%lld", q->after);
    snprintf(limit, sizeof limit, "%d", q->limit);
    if (stmt == &type_stmt)
        values[2] = q->type;
    err = incrocio_db_exec(conn, stmt, values, &res);
    if (err != INCROCIO_OK)
        return err;
    rows = PQntuples(res);
    *n = 0;
    head = rows > 0 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
    for (int i = 0; i < rows; i++) {
        if (PQgetisnull(res, i, 1))
            continue; /* the empty page's one row */
        last = strtoll(PQgetvalue(res, i, 1), NULL, 10);
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", PQgetvalue(res, i, 2), "id",
                             PQgetvalue(res, i, 3), "version", atoi(PQgetvalue(res, i, 4)), "kind",
                             PQgetvalue(res, i, 5), "changed_at", PQgetvalue(res, i, 6)));
        (*n)++;
    }
    PQclear(res);
    /* A short page saw everything committed up to head. */
    *next = *n < q->limit && head > last ? head : last;
    return INCROCIO_OK;
}
