/* /v1/job-seekers: the SAP. Every read or write of a person's record is
 * audited in the transaction that does it. Operators read region-wide and
 * write only the people of their offices; portals register people. */
#include "incrocio/job_seekers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/codes.h"
#include "incrocio/codice_fiscale.h"
#include "incrocio/job_seeker.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

#define CURSOR_SCOPE "job-seekers"

/* A write to a person of office: admins anywhere, operators in their offices. */
static int may_write(const struct incrocio_req *ctx, const char *office)
{
    return ctx->who.role == INCROCIO_ROLE_ADMIN ||
           (ctx->who.role == INCROCIO_ROLE_OPERATOR &&
            incrocio_principal_has_office(&ctx->who, office));
}

static void forbidden_office(const struct _u_request *req, struct _u_response *resp,
                             const struct incrocio_req *ctx)
{
    incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                          "operators change only the job seekers of the offices they work for",
                          NULL);
}

/* Validates doc into its canonical form and checks the comune and the office
 * it names exist. NULL with the 422 sent. */
static json_t *canonical_checked(const struct _u_request *req, struct _u_response *resp,
                                 const struct incrocio_req *ctx, struct incrocio_db_conn *conn,
                                 const json_t *doc, incrocio_err *err)
{
    char today[11];
    json_t *errors = json_array(), *canon;
    int comune_ok = 1, office_ok = 1;

    *err = INCROCIO_OK;
    incrocio_api_today(today);
    canon = incrocio_job_seeker_canonical_new(doc, today, errors);
    if (canon != NULL) {
        *err = incrocio_db_job_seeker_refs(
            conn,
            json_string_value(json_object_get(json_object_get(canon, "domicile"), "comune_istat")),
            json_string_value(json_object_get(canon, "office_code")), &comune_ok, &office_ok);
        if (*err != INCROCIO_OK) {
            json_decref(canon);
            json_decref(errors);
            return NULL;
        }
        if (!comune_ok)
            incrocio_problem_add(errors, "/domicile/comune_istat", "comune.unknown",
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

#define DUPLICATE_CF "a job seeker with this codice fiscale is already registered"

void incrocio_api_job_seeker_create(const struct _u_request *req, struct _u_response *resp,
                                    struct incrocio_req *ctx)
{
    struct incrocio_db_conn *conn;
    json_t *canon = NULL, *doc = NULL;
    char id[37], location[64];
    const char *office;
    incrocio_err err;

    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    canon = canonical_checked(req, resp, ctx, conn, ctx->body, &err);
    if (canon == NULL && err == INCROCIO_OK) {
        incrocio_db_checkin(ctx->app->pool, conn);
        return; /* 422 sent */
    }
    office = canon ? json_string_value(json_object_get(canon, "office_code")) : NULL;
    if (canon && ctx->who.role != INCROCIO_ROLE_PORTAL && !may_write(ctx, office)) {
        json_decref(canon);
        incrocio_db_checkin(ctx->app->pool, conn);
        forbidden_office(req, resp, ctx);
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_job_seeker_save(conn, NULL, canon, 0, id);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "create", "job_seeker", id, id);
    if (err == INCROCIO_OK)
        err = incrocio_db_job_seeker_get(conn, id, &doc);
    json_decref(canon);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, DUPLICATE_CF)) {
        json_decref(doc);
        return;
    }
    snprintf(location, sizeof location, "/v1/job-seekers/%s", id);
    incrocio_respond_header(resp, "Location", location);
    incrocio_api_send_versioned(resp, 201, doc);
    json_decref(doc);
}

void incrocio_api_job_seeker_get(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    struct incrocio_db_conn *conn;
    json_t *doc = NULL;
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_job_seeker_get(conn, id, &doc);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "read", "job_seeker", id, id);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, DUPLICATE_CF)) {
        json_decref(doc);
        return;
    }
    incrocio_api_send_current(req, resp, doc);
    json_decref(doc);
}

/* What the server owns in a job seeker's representation: no patch sets it. */
static const char *const owned[] = {"id",  "version", "created_at", "updated_at",
                                    "did", "hires",   NULL};

void incrocio_api_job_seeker_patch(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    const char *if_match = incrocio_req_header(req, "If-Match");
    struct incrocio_db_conn *conn;
    json_t *doc = NULL, *merged = NULL, *canon = NULL;
    incrocio_err err;
    long want, have = 0;
    char id_out[37];

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    if (!incrocio_api_require_if_match(req, resp, ctx, if_match, "job seeker"))
        return;
    want = incrocio_etag_version(if_match);
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_job_seeker_get(conn, id, &doc);
    if (err == INCROCIO_OK) {
        have = (long)json_integer_value(json_object_get(doc, "version"));
        if (!may_write(ctx, json_string_value(json_object_get(doc, "office_code")))) {
            json_decref(doc);
            incrocio_db_checkin(ctx->app->pool, conn);
            forbidden_office(req, resp, ctx);
            return;
        }
        if (want != -1 && want != have)
            err = INCROCIO_ERR_PRECONDITION;
    }
    /* An empty patch changes nothing, so it makes no new version. */
    if (err == INCROCIO_OK && json_object_size(ctx->body) == 0) {
        err = incrocio_audit_record(conn, ctx, "read", "job_seeker", id, id);
        if (incrocio_api_finish(req, resp, ctx, conn, err, DUPLICATE_CF))
            incrocio_api_send_versioned(resp, 200, doc);
        json_decref(doc);
        return;
    }
    if (err == INCROCIO_OK) {
        json_t *dom = json_object_get(ctx->body, "domicile");

        /* A new comune without new coordinates: take the new comune's, not
         * the old place's. */
        if (json_is_object(dom) && json_object_get(dom, "comune_istat") &&
            !json_object_get(dom, "lat") && !json_object_get(dom, "lon")) {
            json_t *old_dom = json_object_get(doc, "domicile");
            json_object_set_new(old_dom, "lat", json_null());
            json_object_set_new(old_dom, "lon", json_null());
        }
        merged = incrocio_api_merge_stored_new(doc, ctx->body, owned);
        canon = merged ? canonical_checked(req, resp, ctx, conn, merged, &err) : NULL;
        if (canon == NULL && err == INCROCIO_OK) {
            json_decref(doc);
            json_decref(merged);
            incrocio_db_checkin(ctx->app->pool, conn);
            return; /* 422 sent */
        }
    }
    /* Moving a person to another office is a write there too. */
    if (canon && !may_write(ctx, json_string_value(json_object_get(canon, "office_code")))) {
        json_decref(doc);
        json_decref(merged);
        json_decref(canon);
        incrocio_db_checkin(ctx->app->pool, conn);
        forbidden_office(req, resp, ctx);
        return;
    }
    json_decref(doc);
    doc = NULL;
    if (err == INCROCIO_OK)
        err = incrocio_db_job_seeker_save(conn, id, canon, have, id_out);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "update", "job_seeker", id, id);
    if (err == INCROCIO_OK)
        err = incrocio_db_job_seeker_get(conn, id, &doc);
    json_decref(merged);
    json_decref(canon);
    if (incrocio_api_finish(req, resp, ctx, conn, err, DUPLICATE_CF))
        incrocio_api_send_versioned(resp, 200, doc);
    json_decref(doc);
}

void incrocio_api_job_seeker_delete(const struct _u_request *req, struct _u_response *resp,
                                    struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    const char *if_match = incrocio_req_header(req, "If-Match");
    struct incrocio_db_conn *conn;
    json_t *doc = NULL;
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_job_seeker_get(conn, id, &doc);
    if (err == INCROCIO_OK) {
        long want = if_match ? incrocio_etag_version(if_match) : -1;
        int ok = may_write(ctx, json_string_value(json_object_get(doc, "office_code")));

        if (want != -1 && want != (long)json_integer_value(json_object_get(doc, "version")))
            err = INCROCIO_ERR_PRECONDITION;
        json_decref(doc);
        if (!ok) {
            incrocio_db_checkin(ctx->app->pool, conn);
            forbidden_office(req, resp, ctx);
            return;
        }
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_job_seeker_erase(conn, id);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "erase", "job_seeker", id, id);
    if (incrocio_api_finish(req, resp, ctx, conn, err, DUPLICATE_CF))
        incrocio_respond_empty(resp, 204);
}

/* "convalidata" → "C" (the code the table stores), or NULL. */
static const char *did_code_of(const char *name)
{
    static const char *const codes[] = {"I", "C", "S", "R", "A", "E"};

    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(incrocio_did_state_name(codes[i][0]), name) == 0)
            return codes[i];
    return NULL;
}

void incrocio_api_job_seekers_list(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"limit",     "cursor",        "office",
                                          "did_state", "occupation",    "comune",
                                          "licence",   "updated_since", NULL};
    struct incrocio_job_seeker_filter f = {0};
    struct incrocio_page page;
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *items = NULL;
    char last_id[37] = "", ids[200 * 38 + 4];
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
    if ((v = incrocio_query_get(req, "did_state")) && !(f.did_state = did_code_of(v)))
        incrocio_problem_add_param(errors, "did_state", "did_state.unknown",
                                   "did_state must be inserita, convalidata, sospesa, revocata, "
                                   "annullata or non_ammessa");
    if ((v = incrocio_query_get(req, "occupation")) && !incrocio_valid_occupation_prefix(v))
        incrocio_problem_add_param(errors, "occupation", "occupation.syntax",
                                   "occupation must be a CP2021 code or prefix, e.g. 5.2.2");
    f.occupation_prefix = v;
    if ((v = incrocio_query_get(req, "comune")) &&
        !(strlen(v) == 6 && strspn(v, "0123456789") == 6))
        incrocio_problem_add_param(errors, "comune", "comune.syntax",
                                   "comune must be a 6-digit ISTAT code");
    f.comune = v;
    if ((v = incrocio_query_get(req, "licence")) && !incrocio_code_in(incrocio_licences, v))
        incrocio_problem_add_param(errors, "licence", "licence.unknown",
                                   "licence must be one of AM, A1, A2, A, B1, B, BE, C1, C1E, C, "
                                   "CE, D1, D1E, D, DE, CQC");
    f.licence = v;
    if ((v = incrocio_query_get(req, "updated_since")) && !incrocio_valid_instant(v))
        incrocio_problem_add_param(errors, "updated_since", "updated_since.syntax",
                                   "updated_since must be a date or an RFC 3339 instant");
    f.updated_since = v;
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
    err = incrocio_db_begin(conn);
    if (err == INCROCIO_OK)
        err = incrocio_db_job_seekers_list(conn, &f, items, &more, last_id, ids, sizeof ids);
    if (err == INCROCIO_OK && json_array_size(items) > 0)
        err = incrocio_audit_record_people(conn, ctx, "list", ids);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, DUPLICATE_CF)) {
        json_decref(items);
        return;
    }
    {
        static const char *const keep[] = {"office",  "did_state",     "occupation", "comune",
                                           "licence", "updated_since", NULL};
        incrocio_api_send_page(req, resp, "/v1/job-seekers", CURSOR_SCOPE, page.limit, more,
                               last_id, items, keep);
    }
}

/* POST /v1/job-seeker-lookups {"codice_fiscale": "..."}: the code travels in
 * the body, so it is in no URL, no access log, no proxy's log. */
void incrocio_api_job_seeker_lookup(const struct _u_request *req, struct _u_response *resp,
                                    struct incrocio_req *ctx)
{
    const char *key;
    json_t *v, *errors = json_array(), *doc = NULL;
    char cf[17];
    struct incrocio_cf_info info;
    struct incrocio_db_conn *conn;
    incrocio_err err;
    char id[37];

    json_object_foreach (ctx->body, key, v) {
        char ptr[80];

        snprintf(ptr, sizeof ptr, "/%.60s", key);
        if (strcmp(key, "codice_fiscale") != 0)
            incrocio_problem_add(errors, ptr, "field.unknown", "a lookup has only codice_fiscale");
    }
    v = json_object_get(ctx->body, "codice_fiscale");
    if (!json_is_string(v)) {
        incrocio_problem_add(errors, "/codice_fiscale", v ? "field.type" : "field.required",
                             "codice_fiscale must be a string");
    } else {
        enum incrocio_cf_error e = incrocio_cf_normalise(json_string_value(v), cf)
                                       ? incrocio_cf_parse(cf, &info)
                                       : INCROCIO_CF_LENGTH;
        if (e != INCROCIO_CF_OK)
            incrocio_problem_add(errors, "/codice_fiscale", incrocio_cf_error_code(e),
                                 "not a valid codice fiscale");
    }
    if (json_array_size(errors) > 0) {
        incrocio_problem_send(req, resp, ctx, 422, "validation",
                              "one or more fields are invalid: see errors", errors);
        return;
    }
    json_decref(errors);
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_job_seeker_by_cf(conn, cf, &doc);
    if (err == INCROCIO_OK) {
        snprintf(id, sizeof id, "%s", json_string_value(json_object_get(doc, "id")));
        err = incrocio_audit_record(conn, ctx, "read", "job_seeker", id, id);
    }
    if (incrocio_api_finish(req, resp, ctx, conn, err, DUPLICATE_CF))
        incrocio_api_send_versioned(resp, 200, doc);
    json_decref(doc);
}
