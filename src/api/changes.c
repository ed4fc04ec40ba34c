/* GET /v1/changes: the feed of created, updated and deleted resources, in
 * commit order, for portals and systems that keep a copy. Ids only: reading
 * it reads nobody's record, so it is not audited per entry. Portals see the
 * public entries only (vacancies out of draft), whatever their cursor. */
#include "incrocio/changes.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/cursor.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"

/* {"items", "next_cursor"}: the cursor is always where to resume (the client
 * polls with it); Link rel="next" only after a full page. */
static void send_page(struct _u_response *resp, const struct incrocio_changes_query *q,
                      json_t *items, int n, long long next)
{
    char key[24], cursor[INCROCIO_CURSOR_MAX] = "", query[INCROCIO_CURSOR_MAX + 64] = "";
    json_t *body;

    snprintf(key, sizeof key, "%lld", next);
    incrocio_cursor_encode(INCROCIO_CHANGES_CURSOR_SCOPE, key, cursor, sizeof cursor);
    if (n == q->limit) {
        char link[sizeof query + 64], limit[16];

        snprintf(limit, sizeof limit, "%d", q->limit);
        incrocio_query_append(query, sizeof query, "since", cursor);
        incrocio_query_append(query, sizeof query, "limit", limit);
        incrocio_query_append(query, sizeof query, "type", q->type);
        snprintf(link, sizeof link, "</v1/changes?%s>; rel=\"next\"", query);
        incrocio_respond_header(resp, "Link", link);
    }
    body = json_pack("{s:o, s:s}", "items", items, "next_cursor", cursor);
    incrocio_respond_json(resp, 200, body, NULL);
    json_decref(body);
}

void incrocio_api_changes_list(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"since", "limit", "type", NULL};
    struct incrocio_changes_query q;
    struct incrocio_db_conn *conn;
    struct incrocio_db_pool *pool;
    json_t *errors = json_array(), *items;
    int portal = ctx->who.role == INCROCIO_ROLE_PORTAL, n = 0;
    long long next = 0;
    incrocio_err err;

    incrocio_query_reject_unknown(req, allowed, errors);
    incrocio_changes_parse(incrocio_query_get(req, "since"), incrocio_query_get(req, "limit"),
                           incrocio_query_get(req, "type"), &q, errors);
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    if (portal && q.type != NULL && strcmp(q.type, "vacancy") != 0) {
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "portals read the changes of vacancies only", NULL);
        return;
    }
    items = json_array();
    /* The replica may lag: the cursor never goes back (next >= since), so a
     * poller sees the entries a little later, never twice or never. */
    pool = incrocio_api_read_pool(ctx);
    err = incrocio_db_checkout(pool, &conn);
    if (err == INCROCIO_OK) {
        err = incrocio_db_changes_list(conn, &q, portal, items, &n, &next);
        incrocio_db_checkin(pool, conn);
    }
    if (err != INCROCIO_OK) {
        json_decref(items);
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    send_page(resp, &q, items, n, next);
}
