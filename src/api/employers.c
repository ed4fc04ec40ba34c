/* /v1/employers: the companies that publish vacancies. Operators write
 * those their offices follow; an employer's key sees and edits its own
 * record only (any other is 404). */
#include "incrocio/employers.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/employer.h"
#include "incrocio/job_seeker.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

#define CURSOR_SCOPE "employers"
#define DUPLICATE "an employer with this codice fiscale or partita IVA is already registered"

static int may_write(const struct incrocio_req *ctx, const char *office)
{
    return ctx->who.role == INCROCIO_ROLE_ADMIN ||
           (ctx->who.role == INCROCIO_ROLE_OPERATOR &&
            incrocio_principal_has_office(&ctx->who, office));
}

/* Employers' keys reach only their own record: another is "not found". */
static int visible(const struct incrocio_req *ctx, const char *id)
{
    return ctx->who.role != INCROCIO_ROLE_EMPLOYER || strcmp(ctx->who.employer_id, id) == 0;
}

static json_t *canonical_checked(const struct _u_request *req, struct _u_response *resp,
                                 const struct incrocio_req *ctx, struct incrocio_db_conn *conn,
                                 const json_t *doc, incrocio_err *err)
{
    json_t *errors = json_array(), *canon = incrocio_employer_canonical_new(doc, errors);
    int comune_ok = 1, office_ok = 1, employer_ok = 1;

    *err = INCROCIO_OK;
    if (canon != NULL) {
        *err = incrocio_db_refs(
            conn,
            json_string_value(json_object_get(json_object_get(canon, "seat"), "comune_istat")),
            json_string_value(json_object_get(canon, "office_code")), NULL, &comune_ok, &office_ok,
            &employer_ok);
        if (*err != INCROCIO_OK) {
            json_decref(canon);
            json_decref(errors);
            return NULL;
        }
        if (!comune_ok)
            incrocio_problem_add(errors, "/seat/comune_istat", "comune.unknown",
                                 "no comune has this ISTAT code");
        if (!office_ok)
            incrocio_problem_add(errors, "/office_code", "office.unknown",
                                 "no office has this code");
    }
    if (json_array_size(errors) > 0) {
        json_decref(canon);
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return NULL;
    }
    json_decref(errors);
    return canon;
}

static void forbidden(const struct _u_request *req, struct _u_response *resp,
                      const struct incrocio_req *ctx)
{
    incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                          "operators change only the employers their offices follow", NULL);
}

void incrocio_api_employer_create(const struct _u_request *req, struct _u_response *resp,
                                  struct incrocio_req *ctx)
{
    struct incrocio_db_conn *conn;
    json_t *canon = NULL, *doc = NULL;
    char id[37], location[64];
    incrocio_err err = incrocio_db_checkout(ctx->app->pool, &conn);

    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    err = incrocio_db_begin(conn);
    if (err == INCROCIO_OK) {
        canon = canonical_checked(req, resp, ctx, conn, ctx->body, &err);
        if (canon == NULL && err == INCROCIO_OK) {
            incrocio_db_checkin(ctx->app->pool, conn);
            return;
        }
    }
    if (canon && !may_write(ctx, json_string_value(json_object_get(canon, "office_code")))) {
        json_decref(canon);
        incrocio_db_checkin(ctx->app->pool, conn);
        forbidden(req, resp, ctx);
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_employer_save(conn, NULL, canon, 0, id);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "create", "employer", id, NULL);
    if (err == INCROCIO_OK)
        err = incrocio_db_employer_get(conn, id, &doc);
    json_decref(canon);
    if (incrocio_api_finish(req, resp, ctx, conn, err, DUPLICATE)) {
        snprintf(location, sizeof location, "/v1/employers/%s", id);
        incrocio_respond_header(resp, "Location", location);
        incrocio_api_send_versioned(resp, 201, doc);
    }
    json_decref(doc);
}

void incrocio_api_employer_get(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    struct incrocio_db_conn *conn;
    json_t *doc = NULL;
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    if (!visible(ctx, id)) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
        return;
    }
    err = incrocio_db_checkout(ctx->app->pool, &conn);
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    err = incrocio_db_employer_get(conn, id, &doc);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(doc);
        return;
    }
    incrocio_api_send_current(req, resp, doc);
    json_decref(doc);
}

/* What the server owns in an employer's representation: no patch sets it. */
static const char *const owned[] = {"id", "version", "created_at", "updated_at", NULL};

void incrocio_api_employer_patch(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    const char *if_match = incrocio_req_header(req, "If-Match");
    struct incrocio_db_conn *conn;
    json_t *doc = NULL, *merged = NULL, *canon = NULL;
    const char *office;
    incrocio_err err;
    long want, have = 0;
    char id_out[37];

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    if (!visible(ctx, id)) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
        return;
    }
    if (!incrocio_api_require_if_match(req, resp, ctx, if_match, "employer"))
        return;
    want = incrocio_etag_version(if_match);
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_employer_get(conn, id, &doc);
    if (err == INCROCIO_OK) {
        have = (long)json_integer_value(json_object_get(doc, "version"));
        office = json_string_value(json_object_get(doc, "office_code"));
        if (ctx->who.role != INCROCIO_ROLE_EMPLOYER && !may_write(ctx, office)) {
            json_decref(doc);
            incrocio_db_checkin(ctx->app->pool, conn);
            forbidden(req, resp, ctx);
            return;
        }
        if (want != -1 && want != have)
            err = INCROCIO_ERR_PRECONDITION;
    }
    if (err == INCROCIO_OK) {
        merged = incrocio_api_merge_stored_new(doc, ctx->body, owned);
        canon = merged ? canonical_checked(req, resp, ctx, conn, merged, &err) : NULL;
        if (canon == NULL && err == INCROCIO_OK) {
            json_decref(doc);
            json_decref(merged);
            incrocio_db_checkin(ctx->app->pool, conn);
            return;
        }
    }
    /* The office that follows an employer is the CPI's to choose. */
    if (canon && ctx->who.role == INCROCIO_ROLE_EMPLOYER &&
        strcmp(json_string_value(json_object_get(canon, "office_code")),
               json_string_value(json_object_get(doc, "office_code"))) != 0) {
        json_decref(doc);
        json_decref(merged);
        json_decref(canon);
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "the office that follows an employer is the CPI's to change", NULL);
        return;
    }
    if (canon && ctx->who.role != INCROCIO_ROLE_EMPLOYER &&
        !may_write(ctx, json_string_value(json_object_get(canon, "office_code")))) {
        json_decref(doc);
        json_decref(merged);
        json_decref(canon);
        incrocio_db_checkin(ctx->app->pool, conn);
        forbidden(req, resp, ctx);
        return;
    }
    json_decref(doc);
    doc = NULL;
    if (err == INCROCIO_OK)
        err = incrocio_db_employer_save(conn, id, canon, have, id_out);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "update", "employer", id, NULL);
    if (err == INCROCIO_OK)
        err = incrocio_db_employer_get(conn, id, &doc);
    json_decref(merged);
    json_decref(canon);
    if (incrocio_api_finish(req, resp, ctx, conn, err, DUPLICATE))
        incrocio_api_send_versioned(resp, 200, doc);
    json_decref(doc);
}

void incrocio_api_employer_delete(const struct _u_request *req, struct _u_response *resp,
                                  struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    struct incrocio_db_conn *conn;
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_employer_delete(conn, id);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "delete", "employer", id, NULL);
    if (incrocio_api_finish(req, resp, ctx, conn, err,
                            "an employer with vacancies, closed ones included, is kept for the "
                            "record"))
        incrocio_respond_empty(resp, 204);
}

void incrocio_api_employers_list(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"limit", "cursor", "office", "ateco", "comune", NULL};
    struct incrocio_employer_filter f = {0};
    struct incrocio_page page;
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *items;
    char last_id[37] = "";
    const char *v;
    incrocio_err err;
    int more = 0;

    incrocio_query_reject_unknown(req, allowed, errors);
    incrocio_query_page(req, CURSOR_SCOPE, &page, errors);
    if (page.has_after && !incrocio_valid_uuid(page.after))
        incrocio_problem_add_param(errors, "cursor", "cursor.invalid",
                                   "cursor is not one this collection gave out");
    if ((v = incrocio_query_get(req, "office")) && !incrocio_office_code_valid(v))
        incrocio_problem_add_param(errors, "office", "office.syntax",
                                   "office must be an office code such as CE08");
    f.office = v;
    if ((v = incrocio_query_get(req, "ateco")) && !incrocio_ateco_valid(v))
        incrocio_problem_add_param(errors, "ateco", "ateco.syntax",
                                   "ateco must be an ATECO code or prefix such as 56.10");
    f.ateco_prefix = v;
    if ((v = incrocio_query_get(req, "comune")) &&
        !(strlen(v) == 6 && strspn(v, "0123456789") == 6))
        incrocio_problem_add_param(errors, "comune", "comune.syntax",
                                   "comune must be a 6-digit ISTAT code");
    f.comune = v;
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    f.after_id = page.has_after ? page.after : NULL;
    f.limit = page.limit;
    err = incrocio_db_checkout(ctx->app->pool, &conn);
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    items = json_array();
    err = incrocio_db_employers_list(conn, &f, items, &more, last_id);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(items);
        return;
    }
    {
        static const char *const keep[] = {"office", "ateco", "comune", NULL};
        incrocio_api_send_page(req, resp, "/v1/employers", CURSOR_SCOPE, page.limit, more, last_id,
                               items, keep);
    }
}
