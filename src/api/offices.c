/* /v1/offices: the CPI offices of Campania. */
#include "incrocio/offices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"

#define CURSOR_SCOPE "offices"

static json_t *office_json(const struct incrocio_office *o)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:o, s:o, s:I, s:s}", "code",
                     o->code, "name", o->name, "province", o->province, "comune_istat",
                     o->comune_istat, "comune_name", o->comune_name, "address", o->address, "lat",
                     o->lat, "lon", o->lon, "phone",
                     o->has_phone ? json_string(o->phone) : json_null(), "email",
                     o->has_email ? json_string(o->email) : json_null(), "version",
                     (json_int_t)o->version, "updated_at", o->updated_at);
}

static int province_valid(const char *p)
{
    return strlen(p) == 2 && p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z';
}

void incrocio_api_offices_list(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"limit", "cursor", "province", NULL};
    const char *province = incrocio_query_get(req, "province");
    json_t *errors = json_array(), *items;
    struct incrocio_office *offices;
    struct incrocio_db_conn *conn;
    struct incrocio_db_pool *pool;
    struct incrocio_page page;
    incrocio_err err;
    int n = 0;

    incrocio_query_reject_unknown(req, allowed, errors);
    incrocio_query_page(req, CURSOR_SCOPE, &page, errors);
    if (province && !province_valid(province))
        incrocio_problem_add_param(errors, "province", "province.syntax",
                                   "province must be a two-letter code such as NA or CE");
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);

    /* One row more than the page tells whether there is a next one. */
    offices = calloc((size_t)page.limit + 1, sizeof *offices);
    if (offices == NULL) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOMEM);
        return;
    }
    pool = incrocio_api_read_pool(ctx); /* a list: may lag (README, Scale-out) */
    err = incrocio_db_checkout(pool, &conn);
    if (err == INCROCIO_OK) {
        err = incrocio_db_offices_list(conn, province, page.has_after ? page.after : NULL,
                                       page.limit + 1, offices, &n);
        incrocio_db_checkin(pool, conn);
    }
    if (err != INCROCIO_OK) {
        free(offices);
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }

    items = json_array();
    for (int i = 0; i < n && i < page.limit; i++)
        json_array_append_new(items, office_json(&offices[i]));
    {
        static const char *const keep[] = {"province", NULL};
        char last[8] = "";

        if (n > page.limit)
            snprintf(last, sizeof last, "%s", offices[page.limit - 1].code);
        free(offices);
        /* Reference data: caches may keep it, but must revalidate. */
        incrocio_respond_header(resp, "Cache-Control", "no-cache");
        incrocio_api_send_page(req, resp, "/v1/offices", CURSOR_SCOPE, page.limit, n > page.limit,
                               last, items, keep);
    }
}

static void send_office(struct _u_response *resp, const struct incrocio_office *o)
{
    char etag[32];
    json_t *body = office_json(o);

    incrocio_etag_of_version(o->version, etag, sizeof etag);
    incrocio_respond_header(resp, "ETag", etag);
    incrocio_respond_header(resp, "Cache-Control", "no-cache");
    incrocio_respond_json(resp, 200, body, NULL);
    json_decref(body);
}

void incrocio_api_office_get(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx)
{
    const char *code = incrocio_req_path_var(ctx, "code");
    struct incrocio_db_conn *conn;
    struct incrocio_office office;
    incrocio_err err;
    char etag[32];

    if (!incrocio_office_code_valid(code)) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
        return;
    }
    err = incrocio_db_checkout(ctx->app->pool, &conn);
    if (err == INCROCIO_OK) {
        err = incrocio_db_office_get(conn, code, &office);
        incrocio_db_checkin(ctx->app->pool, conn);
    }
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    incrocio_etag_of_version(office.version, etag, sizeof etag);
    if (incrocio_etag_matches(incrocio_req_header(req, "If-None-Match"), etag, 1)) {
        incrocio_respond_header(resp, "ETag", etag);
        incrocio_respond_header(resp, "Cache-Control", "no-cache");
        incrocio_respond_empty(resp, 304);
        return;
    }
    send_office(resp, &office);
}

void incrocio_api_office_patch(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx)
{
    const char *code = incrocio_req_path_var(ctx, "code");
    const char *if_match = incrocio_req_header(req, "If-Match");
    struct incrocio_office_patch patch;
    struct incrocio_office office = {0};
    struct incrocio_db_conn *conn;
    json_t *errors;
    incrocio_err err;
    long version;

    if (!incrocio_office_code_valid(code)) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
        return;
    }
    /* Offices are visible to every key: an operator of another office is
     * refused, not told the office does not exist. */
    if (ctx->who.role == INCROCIO_ROLE_OPERATOR &&
        !incrocio_principal_has_office(&ctx->who, code)) {
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "operators may change only the offices they work for", NULL);
        return;
    }
    if (!incrocio_api_require_if_match(req, resp, ctx, if_match, "office"))
        return;
    errors = json_array();
    if (incrocio_office_patch_parse(ctx->body, &patch, errors) > 0) {
        incrocio_problem_send(req, resp, ctx, 422, "validation",
                              "one or more fields are invalid: see errors", errors);
        return;
    }
    json_decref(errors);

    version = incrocio_etag_version(if_match);
    if (version == 0) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_PRECONDITION);
        return;
    }
    err = incrocio_db_checkout(ctx->app->pool, &conn);
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    /* The change and its audit record: one transaction. */
    err = incrocio_db_begin(conn);
    if (err == INCROCIO_OK)
        err = incrocio_db_office_get(conn, code, &office);
    if (err == INCROCIO_OK && version != -1 && version != office.version)
        err = INCROCIO_ERR_PRECONDITION;
    /* An empty patch changes nothing, so it makes no new version. */
    if (err == INCROCIO_OK && patch.set != 0) {
        err = incrocio_db_office_update(conn, code, office.version, &patch, &office);
        if (err == INCROCIO_OK)
            err = incrocio_audit_record(conn, ctx, "update", "office", code, NULL);
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_commit(conn);
    incrocio_db_checkin(ctx->app->pool, conn); /* rolls back whatever is left open */
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    send_office(resp, &office);
}
