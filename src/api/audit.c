/* GET /v1/audit-events: who read or changed what, for admins; filtered by
 * job seeker it answers a person's right of access (GDPR art. 15). */
#include "incrocio/audit.h"

#include <stdio.h>

#include "incrocio/api.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

#define CURSOR_SCOPE "audit-events"

static const char *checked(const struct _u_request *req, const char *name,
                           int (*valid)(const char *), const char *code, const char *detail,
                           json_t *errors)
{
    const char *v = incrocio_query_get(req, name);

    if (v != NULL && !valid(v)) {
        incrocio_problem_add_param(errors, name, code, detail);
        return NULL;
    }
    return v;
}

void incrocio_api_audit_list(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"limit", "cursor", "job_seeker_id", "key_id", "from",
                                          "to",    NULL};
    struct incrocio_audit_filter f = {0};
    struct incrocio_page page;
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *items;
    char last_id[24] = "";
    incrocio_err err;
    int more = 0;

    incrocio_query_reject_unknown(req, allowed, errors);
    incrocio_query_page(req, CURSOR_SCOPE, &page, errors);
    if (page.has_after && !incrocio_valid_id(page.after))
        incrocio_problem_add_param(errors, "cursor", "cursor.invalid",
                                   "cursor is not one this collection gave out");
    f.job_seeker_id = checked(req, "job_seeker_id", incrocio_valid_uuid, "job_seeker_id.syntax",
                              "job_seeker_id must be a UUID", errors);
    f.key_id = checked(req, "key_id", incrocio_valid_uuid, "key_id.syntax", "key_id must be a UUID",
                       errors);
    f.from = checked(req, "from", incrocio_valid_instant, "from.syntax",
                     "from must be a date (YYYY-MM-DD) or an RFC 3339 instant", errors);
    f.to = checked(req, "to", incrocio_valid_instant, "to.syntax",
                   "to must be a date (YYYY-MM-DD) or an RFC 3339 instant", errors);
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    f.after_id = page.has_after ? page.after : NULL;
    f.limit = page.limit;

    items = json_array();
    err = incrocio_db_checkout(ctx->app->pool, &conn);
    if (err == INCROCIO_OK) {
        err = incrocio_db_audit_list(conn, &f, items, &more, last_id, sizeof last_id);
        incrocio_db_checkin(ctx->app->pool, conn);
    }
    if (err != INCROCIO_OK) {
        json_decref(items);
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    {
        static const char *const keep[] = {"job_seeker_id", "key_id", "from", "to", NULL};
        incrocio_api_send_page(req, resp, "/v1/audit-events", CURSOR_SCOPE, page.limit, more,
                               last_id, items, keep);
    }
}
