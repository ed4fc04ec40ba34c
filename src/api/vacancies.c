/* /v1/vacancies: what employers ask for, position by position, and the
 * vacancy's lifecycle (draft → published → closed | filled; a published one
 * past its validity end reads as expired). Employers' keys reach their own
 * vacancies only, portals the published ones only: anything else is 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/codes.h"
#include "incrocio/employers.h"
#include "incrocio/job_seeker.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/vacancy.h"
#include "incrocio/validate.h"

#define CURSOR_SCOPE "vacancies"

/* Who may read a vacancy with this (stored) state and employer. */
static int visible(const struct incrocio_req *ctx, const char *state, const char *employer_id)
{
    switch (ctx->who.role) {
    case INCROCIO_ROLE_EMPLOYER: return strcmp(ctx->who.employer_id, employer_id) == 0;
    case INCROCIO_ROLE_PORTAL: return strcmp(state, "published") == 0;
    default: return 1;
    }
}

int incrocio_api_vacancy_may_write(const struct incrocio_req *ctx, const char *office,
                                   const char *employer_id)
{
    switch (ctx->who.role) {
    case INCROCIO_ROLE_ADMIN: return 1;
    case INCROCIO_ROLE_OPERATOR: return incrocio_principal_has_office(&ctx->who, office);
    case INCROCIO_ROLE_EMPLOYER: return strcmp(ctx->who.employer_id, employer_id) == 0;
    default: return 0;
    }
}

static void forbidden(const struct _u_request *req, struct _u_response *resp,
                      const struct incrocio_req *ctx)
{
    incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                          "operators change the vacancies of their offices, employers their own",
                          NULL);
}

static json_t *canonical_checked(const struct _u_request *req, struct _u_response *resp,
                                 const struct incrocio_req *ctx, struct incrocio_db_conn *conn,
                                 const json_t *doc, incrocio_err *err)
{
    char today[11];
    json_t *errors = json_array(), *canon;
    int comune_ok, office_ok = 1, employer_ok = 1;
    size_t i;
    json_t *pos;

    *err = INCROCIO_OK;
    incrocio_api_today(today);
    canon = incrocio_vacancy_canonical_new(doc, today, errors);
    if (canon != NULL) {
        *err =
            incrocio_db_refs(conn, NULL, json_string_value(json_object_get(canon, "office_code")),
                             json_string_value(json_object_get(canon, "employer_id")), &comune_ok,
                             &office_ok, &employer_ok);
        if (!office_ok)
            incrocio_problem_add(errors, "/office_code", "office.unknown",
                                 "no office has this code");
        if (!employer_ok)
            incrocio_problem_add(errors, "/employer_id", "employer.unknown",
                                 "no employer has this id");
        json_array_foreach (json_object_get(canon, "positions"), i, pos) {
            char ptr[64];

            if (*err != INCROCIO_OK)
                break;
            *err = incrocio_db_refs(conn,
                                    json_string_value(json_object_get(
                                        json_object_get(pos, "workplace"), "comune_istat")),
                                    NULL, NULL, &comune_ok, &office_ok, &employer_ok);
            snprintf(ptr, sizeof ptr, "/positions/%zu/workplace/comune_istat", i);
            if (*err == INCROCIO_OK && !comune_ok)
                incrocio_problem_add(errors, ptr, "comune.unknown",
                                     "no comune has this ISTAT code");
        }
        if (*err != INCROCIO_OK) {
            json_decref(canon);
            json_decref(errors);
            return NULL;
        }
    }
    if (json_array_size(errors) > 0) {
        json_decref(canon);
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return NULL;
    }
    json_decref(errors);
    return canon;
}

/* Saves canon as vacancy id (NULL: a new one) and answers with the result. */
static void save_and_send(const struct _u_request *req, struct _u_response *resp,
                          struct incrocio_req *ctx, struct incrocio_db_conn *conn, const char *id,
                          json_t *canon, long version, unsigned status)
{
    json_t *doc = NULL;
    char id_out[37], location[64];
    incrocio_err err = incrocio_db_vacancy_save(conn, id, canon, version, id_out);

    if (err == INCROCIO_ERR_INVALID) {
        json_t *errors = json_array();
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_add(errors, "/positions", "position.unknown",
                             "a position id is not one of this vacancy's positions");
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, id ? "update" : "create", "vacancy", id_out, NULL);
    if (err == INCROCIO_OK)
        err = incrocio_db_vacancy_get(conn, id_out, &doc);
    if (incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        if (id == NULL) {
            snprintf(location, sizeof location, "/v1/vacancies/%s", id_out);
            incrocio_respond_header(resp, "Location", location);
        }
        incrocio_api_send_versioned(resp, status, doc);
    }
    json_decref(doc);
}

void incrocio_api_vacancy_create(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx)
{
    struct incrocio_db_conn *conn;
    json_t *canon = NULL;
    incrocio_err err = incrocio_db_checkout(ctx->app->pool, &conn);

    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    err = incrocio_db_begin(conn);
    if (err == INCROCIO_OK)
        canon = canonical_checked(req, resp, ctx, conn, ctx->body, &err);
    if (canon == NULL) {
        incrocio_db_checkin(ctx->app->pool, conn);
        if (err != INCROCIO_OK)
            incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    if (!incrocio_api_vacancy_may_write(ctx,
                                        json_string_value(json_object_get(canon, "office_code")),
                                        json_string_value(json_object_get(canon, "employer_id")))) {
        json_decref(canon);
        incrocio_db_checkin(ctx->app->pool, conn);
        forbidden(req, resp, ctx);
        return;
    }
    save_and_send(req, resp, ctx, conn, NULL, canon, 0, 201);
    json_decref(canon);
}

void incrocio_api_vacancy_get(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    struct incrocio_db_conn *conn;
    json_t *doc = NULL;
    char state[16], employer[37], office[8];
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    err = incrocio_db_checkout(ctx->app->pool, &conn);
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    err = incrocio_db_vacancy_scope(conn, id, state, employer, office);
    if (err == INCROCIO_OK && !visible(ctx, state, employer))
        err = INCROCIO_ERR_NOT_FOUND;
    if (err == INCROCIO_OK)
        err = incrocio_db_vacancy_get(conn, id, &doc);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(doc);
        return;
    }
    incrocio_api_send_current(req, resp, doc);
    json_decref(doc);
}

/* What the server owns in a vacancy's representation: no patch sets it.
 * Positions keep their ids, so that a patch can name them. */
static const char *const owned[] = {"id",         "version",      "state",         "created_at",
                                    "updated_at", "published_at", "employer_name", NULL};

static void strip_filled(json_t *doc)
{
    size_t i;
    json_t *pos;

    json_array_foreach (json_object_get(doc, "positions"), i, pos) {
        json_object_del(pos, "filled");
    }
}

/* A kept position cannot ask for fewer places than it has filled. */
static void below_filled(const json_t *stored, const json_t *canon, json_t *errors)
{
    size_t i, j;
    json_t *p, *q;

    json_array_foreach (json_object_get(canon, "positions"), i, p) {
        const char *pid = json_string_value(json_object_get(p, "id"));

        json_array_foreach (json_object_get(stored, "positions"), j, q) {
            char ptr[64];

            if (pid == NULL || strcmp(pid, json_string_value(json_object_get(q, "id"))) != 0)
                continue;
            snprintf(ptr, sizeof ptr, "/positions/%zu/quantity", i);
            if (json_integer_value(json_object_get(p, "quantity")) <
                json_integer_value(json_object_get(q, "filled")))
                incrocio_problem_add(errors, ptr, "quantity.below_filled",
                                     "fewer places than those already filled");
        }
    }
}

void incrocio_api_vacancy_patch(const struct _u_request *req, struct _u_response *resp,
                                struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    const char *if_match = incrocio_req_header(req, "If-Match");
    struct incrocio_db_conn *conn;
    json_t *doc = NULL, *merged = NULL, *canon = NULL;
    char state[16], employer[37], office[8];
    incrocio_err err;
    long want, have = 0;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    if (!incrocio_api_require_if_match(req, resp, ctx, if_match, "vacancy"))
        return;
    want = incrocio_etag_version(if_match);
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_vacancy_scope(conn, id, state, employer, office);
    if (err == INCROCIO_OK && !visible(ctx, state, employer))
        err = INCROCIO_ERR_NOT_FOUND;
    if (err == INCROCIO_OK && !incrocio_api_vacancy_may_write(ctx, office, employer)) {
        incrocio_db_checkin(ctx->app->pool, conn);
        forbidden(req, resp, ctx);
        return;
    }
    if (err == INCROCIO_OK && strcmp(state, "draft") != 0 && strcmp(state, "published") != 0) {
        char detail[128];
        incrocio_db_checkin(ctx->app->pool, conn);
        snprintf(detail, sizeof detail, "a vacancy that is %s can no longer change", state);
        incrocio_problem_send(req, resp, ctx, 409, "conflict", detail, NULL);
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_vacancy_get(conn, id, &doc);
    if (err == INCROCIO_OK) {
        have = (long)json_integer_value(json_object_get(doc, "version"));
        if (want != -1 && want != have)
            err = INCROCIO_ERR_PRECONDITION;
    }
    if (err == INCROCIO_OK) {
        json_t *stored = json_deep_copy(doc);

        strip_filled(doc);
        merged = incrocio_api_merge_stored_new(doc, ctx->body, owned);
        canon = merged ? canonical_checked(req, resp, ctx, conn, merged, &err) : NULL;
        if (canon != NULL) {
            /* What was true of the stored vacancy must stay true of the new one. */
            json_t *errors = json_array();
            char today[11];

            below_filled(stored, canon, errors);
            incrocio_api_today(today);
            if (strcmp(state, "published") == 0)
                incrocio_vacancy_publish_check(canon, today, errors);
            if (json_array_size(errors) > 0) {
                json_decref(canon);
                canon = NULL;
                incrocio_api_validation_failed(req, resp, ctx, errors);
            } else {
                json_decref(errors);
            }
        }
        json_decref(stored);
        if (canon == NULL && err == INCROCIO_OK) {
            json_decref(doc);
            json_decref(merged);
            incrocio_db_checkin(ctx->app->pool, conn);
            return;
        }
    }
    json_decref(doc);
    json_decref(merged);
    if (err != INCROCIO_OK) {
        json_decref(canon);
        incrocio_api_finish(req, resp, ctx, conn, err, NULL);
        return;
    }
    /* Moving it to another office or employer is a write there too. */
    if (!incrocio_api_vacancy_may_write(ctx,
                                        json_string_value(json_object_get(canon, "office_code")),
                                        json_string_value(json_object_get(canon, "employer_id")))) {
        json_decref(canon);
        incrocio_db_checkin(ctx->app->pool, conn);
        forbidden(req, resp, ctx);
        return;
    }
    save_and_send(req, resp, ctx, conn, id, canon, have, 200);
    json_decref(canon);
}

static const char *const states[] = {"draft", "published", "closed", "filled", "expired", NULL};

static int coordinate_ok(const char *s, double min, double max)
{
    char *end;
    double d;

    if (s == NULL || *s == '\0')
        return 0;
    d = strtod(s, &end);
    return *end == '\0' && d >= min && d <= max;
}

void incrocio_api_vacancies_list(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx)
{
    static const char *const allowed[] = {
        "limit",      "cursor",        "state",           "office",   "employer",
        "occupation", "contract_type", "comune",          "province", "near_lat",
        "near_lon",   "radius_km",     "published_since", "q",        NULL};
    struct incrocio_vacancy_filter f = {0};
    struct incrocio_page page;
    struct incrocio_db_conn *conn;
    struct incrocio_db_pool *pool;
    json_t *errors = json_array(), *items, *body;
    char last_id[37] = "";
    const char *v;
    incrocio_err err;
    int more = 0, nothing = 0;

    incrocio_query_reject_unknown(req, allowed, errors);
    incrocio_query_page(req, CURSOR_SCOPE, &page, errors);
    if (page.has_after && !incrocio_valid_uuid(page.after))
        incrocio_problem_add_param(errors, "cursor", "cursor.invalid",
                                   "cursor is not one this collection gave out");
    if ((v = incrocio_query_get(req, "state")) && !incrocio_code_in(states, v))
        incrocio_problem_add_param(errors, "state", "state.unknown",
                                   "state must be draft, published, closed, filled or expired");
    f.state = v;
    if ((v = incrocio_query_get(req, "office")) && !incrocio_office_code_valid(v))
        incrocio_problem_add_param(errors, "office", "office.syntax",
                                   "office must be an office code such as CE08");
    f.office = v;
    if ((v = incrocio_query_get(req, "employer")) && !incrocio_valid_uuid(v))
        incrocio_problem_add_param(errors, "employer", "employer.syntax",
                                   "employer must be an employer's id");
    f.employer_id = v;
    if ((v = incrocio_query_get(req, "occupation")) && !incrocio_valid_occupation_prefix(v))
        incrocio_problem_add_param(errors, "occupation", "occupation.syntax",
                                   "occupation must be a CP2021 code or prefix, e.g. 5.2.2");
    f.occupation_prefix = v;
    if ((v = incrocio_query_get(req, "contract_type")) &&
        !incrocio_code_in(incrocio_contract_types, v))
        incrocio_problem_add_param(errors, "contract_type", "contract_type.unknown",
                                   "not a contract type");
    f.contract_type = v;
    if ((v = incrocio_query_get(req, "comune")) &&
        !(strlen(v) == 6 && strspn(v, "0123456789") == 6))
        incrocio_problem_add_param(errors, "comune", "comune.syntax",
                                   "comune must be a 6-digit ISTAT code");
    f.comune = v;
    if ((v = incrocio_query_get(req, "province")) &&
        !(strlen(v) == 2 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 2))
        incrocio_problem_add_param(errors, "province", "province.syntax",
                                   "province must be a two-letter code such as NA");
    f.province = v;
    f.near_lat = incrocio_query_get(req, "near_lat");
    f.near_lon = incrocio_query_get(req, "near_lon");
    f.radius_km = incrocio_query_get(req, "radius_km");
    if (f.near_lat || f.near_lon || f.radius_km) {
        if (!coordinate_ok(f.near_lat, 35, 48))
            incrocio_problem_add_param(errors, "near_lat", "near_lat.range",
                                       "near_lat must be a latitude from 35 to 48");
        if (!coordinate_ok(f.near_lon, 6, 19))
            incrocio_problem_add_param(errors, "near_lon", "near_lon.range",
                                       "near_lon must be a longitude from 6 to 19");
        if (!coordinate_ok(f.radius_km, 0.1, 1000))
            incrocio_problem_add_param(errors, "radius_km", "radius_km.range",
                                       "radius_km must be from 0.1 to 1000");
    }
    if ((v = incrocio_query_get(req, "published_since")) && !incrocio_valid_instant(v))
        incrocio_problem_add_param(errors, "published_since", "published_since.syntax",
                                   "published_since must be a date or an RFC 3339 instant");
    f.published_since = v;
    if ((v = incrocio_query_get(req, "q")) && (strlen(v) == 0 || strlen(v) > 200))
        incrocio_problem_add_param(errors, "q", "q.length", "q must be 1 to 200 bytes");
    f.q = v;
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    /* Scope narrows the list, silently: portals see published vacancies,
     * employers their own. Asking for others' gets an empty page. */
    if (ctx->who.role == INCROCIO_ROLE_PORTAL) {
        nothing |= f.state != NULL && strcmp(f.state, "published") != 0;
        f.state = "published";
    }
    if (ctx->who.role == INCROCIO_ROLE_EMPLOYER) {
        nothing |= f.employer_id != NULL && strcmp(f.employer_id, ctx->who.employer_id) != 0;
        f.employer_id = ctx->who.employer_id;
    }
    if (nothing) {
        body = json_pack("{s:[], s:n}", "items", "next_cursor");
        incrocio_respond_json(resp, 200, body, NULL);
        json_decref(body);
        return;
    }
    f.after_id = page.has_after ? page.after : NULL;
    f.limit = page.limit;
    /* A list: may lag by the replica's delay (README, Scale-out). */
    pool = incrocio_api_read_pool(ctx);
    err = incrocio_db_checkout(pool, &conn);
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    items = json_array();
    err = incrocio_db_vacancies_list(conn, &f, items, &more, last_id);
    if (!incrocio_api_finish_read(req, resp, ctx, pool, conn, err)) {
        json_decref(items);
        return;
    }
    {
        static const char *const keep[] = {
            "state",           "office",   "employer", "occupation", "contract_type",
            "comune",          "province", "near_lat", "near_lon",   "radius_km",
            "published_since", "q",        NULL};
        incrocio_api_send_page(req, resp, "/v1/vacancies", CURSOR_SCOPE, page.limit, more, last_id,
                               items, keep);
    }
}
