/* The matching endpoints (DESIGN §5): a position's ranked job seekers, a
 * person's ranked positions, and one pair's full explanation. The index
 * (src/match/) ranks; PostgreSQL says whether the position is open, who may
 * see it, and records who read what about whom (audit_events). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/match_sync.h"
#include "incrocio/matching.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/pseudonym.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

static const char *const query_params[] = {"limit",  "cursor",   "min_score",
                                           "office", "province", NULL};

struct incrocio_match_index *incrocio_api_match_index(const struct _u_request *req,
                                                      struct _u_response *resp,
                                                      const struct incrocio_req *ctx)
{
    struct incrocio_match_index *ix = incrocio_match_sync_index(ctx->app->matching);
    if (!ix)
        incrocio_problem_send(req, resp, ctx, 503, "matching-unavailable",
                              "the matching index is loading; retry shortly", NULL);
    return ix;
}

static void not_caught_up(const struct _u_request *req, struct _u_response *resp,
                          const struct incrocio_req *ctx)
{
    incrocio_problem_send(req, resp, ctx, 503, "matching-unavailable",
                          "the matching index has not caught up with this change yet; retry "
                          "in a second",
                          NULL);
}

/* Cursor keys: "<score6>.<rank>.<id>". */
static int parse_key(const char *key, struct incrocio_match_query *q)
{
    long long score6;
    unsigned long rank;
    int used = 0;

    if (sscanf(key, "%lld.%lu.%n", &score6, &rank, &used) != 2 || used == 0 ||
        strlen(key + used) != 36 || !incrocio_valid_uuid(key + used) || score6 < 0 ||
        score6 > 1000000 || rank == 0 || rank > UINT32_MAX)
        return 0;
    q->after = 1;
    q->after_score6 = score6;
    q->after_rank = (uint32_t)rank;
    memcpy(q->after_id, key + used, 37);
    return 1;
}

/* Reads the query into q; 0 with a 400 sent when anything is wrong. */
static int parse_query(const struct _u_request *req, struct _u_response *resp,
                       const struct incrocio_req *ctx, const char *scope,
                       struct incrocio_match_query *q)
{
    json_t *errors = json_array();
    struct incrocio_page page;
    const char *v;

    memset(q, 0, sizeof *q);
    incrocio_query_reject_unknown(req, query_params, errors);
    incrocio_query_page(req, scope, &page, errors);
    q->limit = (size_t)(page.limit > 0 ? page.limit : INCROCIO_LIMIT_DEFAULT);
    if (page.has_after && !parse_key(page.after, q))
        incrocio_problem_add_param(errors, "cursor", "cursor.invalid",
                                   "cursor is not one this ranking gave out");
    if ((v = incrocio_query_get(req, "min_score"))) {
        char *end = NULL;
        double m = strtod(v, &end);
        if (!*v || *end || !isfinite(m) || m < 0.0 || m > 1.0 ||
            strspn(v, "0123456789.") != strlen(v))
            incrocio_problem_add_param(errors, "min_score", "min_score.range",
                                       "min_score must be a decimal number from 0 to 1");
        else
            q->min_score6 = (int64_t)ceil(m * 1e6 - 1e-6);
    }
    if ((v = incrocio_query_get(req, "office")) && !incrocio_office_code_valid(v))
        incrocio_problem_add_param(errors, "office", "office.syntax",
                                   "office must be an office code such as CE08");
    q->office = v;
    if ((v = incrocio_query_get(req, "province")) &&
        !(strlen(v) == 2 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z'))
        incrocio_problem_add_param(errors, "province", "province.syntax",
                                   "province must be a two-letter code such as CE");
    q->province = v;
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return 0;
    }
    json_decref(errors);
    return 1;
}

static json_t *score_json(int64_t score6)
{
    return json_real((double)score6 / 1e6);
}

/* Sends a ranking: body (the subject's ids; stolen) gets model_version,
 * considered, eligible, items (stolen) and next_cursor, with a Link to the
 * next page when more follow. Frees r. */
static void send_ranking(const struct _u_request *req, struct _u_response *resp, json_t *body,
                         json_t *items, struct incrocio_match_result *r, const char *scope,
                         const struct incrocio_match_query *q)
{
    char cursor[INCROCIO_CURSOR_MAX] = "", version[32];

    incrocio_match_model_version(&r->model, version, sizeof version);
    json_object_set_new(body, "model_version", json_string(version));
    json_object_set_new(body, "considered", json_integer((json_int_t)r->considered));
    json_object_set_new(body, "eligible", json_integer((json_int_t)r->eligible));

    if (r->more && r->n > 0) {
        const struct incrocio_match_hit *last = &r->hits[r->n - 1];
        char key[96], link[INCROCIO_CURSOR_MAX + 1024], extra[512] = "";
        snprintf(key, sizeof key, "%lld.%lu.%s", (long long)last->score6, (unsigned long)last->rank,
                 last->id);
        if (incrocio_cursor_encode(scope, key, cursor, sizeof cursor) == INCROCIO_OK) {
            for (size_t k = 2; query_params[k]; k++)
                incrocio_query_append(extra, sizeof extra, query_params[k],
                                      incrocio_query_get(req, query_params[k]));
            incrocio_query_next_link(req->url_path, (int)q->limit, cursor, extra[0] ? extra : NULL,
                                     link, sizeof link);
            incrocio_respond_header(resp, "Link", link);
        }
    }
    json_object_set_new(body, "items", items);
    json_object_set_new(body, "next_cursor", cursor[0] ? json_string(cursor) : json_null());
    incrocio_respond_json(resp, 200, body, NULL);
    json_decref(body);
    incrocio_match_result_clear(r);
    free(r);
}

/* 1 when the position may be matched; else the 404/409 has been sent (and
 * the connection returned). Employers reach their own vacancies only. */
static int position_open(const struct _u_request *req, struct _u_response *resp,
                         struct incrocio_req *ctx, struct incrocio_db_conn *conn,
                         const char *vacancy_id, const char *position_id)
{
    struct incrocio_position_state st;
    incrocio_err err = incrocio_db_position_state(conn, vacancy_id, position_id, &st);
    char detail[160];
    json_t *errors;

    if (err == INCROCIO_OK && ctx->who.role == INCROCIO_ROLE_EMPLOYER &&
        strcmp(st.employer_id, ctx->who.employer_id) != 0)
        err = INCROCIO_ERR_NOT_FOUND;
    if (err != INCROCIO_OK) {
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_from_err(req, resp, ctx, err);
        return 0;
    }
    if (strcmp(st.vacancy_state, "published") == 0 && !st.full)
        return 1;
    incrocio_db_checkin(ctx->app->pool, conn);
    if (st.full)
        snprintf(detail, sizeof detail, "every place of this position has been filled");
    else
        snprintf(detail, sizeof detail, "the vacancy is %s: only published vacancies are matched",
                 st.vacancy_state);
    errors = json_array();
    incrocio_problem_add_param(errors, "position_id", "match.position_not_open", detail);
    incrocio_problem_send(req, resp, ctx, 409, "conflict", detail, errors);
    return 0;
}

/* The pg text[] literal of the hits' ids, for the audit. */
static void ids_literal(const struct incrocio_match_result *r, char *out, size_t len)
{
    size_t at = 0;
    out[at++] = '{';
    for (size_t i = 0; i < r->n && at + 40 < len; i++)
        at += (size_t)snprintf(out + at, len - at, "%s%s", i ? "," : "", r->hits[i].id);
    snprintf(out + at, len - at, "}");
}

void incrocio_api_position_matches(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx)
{
    const char *vacancy_id = incrocio_req_path_var(ctx, "id");
    const char *position_id = incrocio_req_path_var(ctx, "position_id");
    int employer = ctx->who.role == INCROCIO_ROLE_EMPLOYER;
    struct incrocio_match_result *r = NULL;
    struct incrocio_match_query q;
    struct incrocio_match_index *ix;
    struct incrocio_db_conn *conn;
    uint8_t secret[64];
    size_t secret_len = 0;
    char scope[64], ids[INCROCIO_MATCH_MAX_LIMIT * 37 + 4];
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, vacancy_id) ||
        !incrocio_api_uuid_or_404(req, resp, ctx, position_id))
        return;
    snprintf(scope, sizeof scope, "pm:%s", position_id);
    if (!parse_query(req, resp, ctx, scope, &q) || !(ix = incrocio_api_match_index(req, resp, ctx)))
        return;
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    if (!position_open(req, resp, ctx, conn, vacancy_id, position_id))
        return;
    r = malloc(sizeof *r);
    err = r ? incrocio_match_for_position(ix, position_id, &q, r) : INCROCIO_ERR_NOMEM;
    if (err == INCROCIO_ERR_NOT_FOUND) {
        incrocio_db_checkin(ctx->app->pool, conn);
        free(r);
        not_caught_up(req, resp, ctx);
        return;
    }
    if (err == INCROCIO_OK && employer)
        err = incrocio_db_secret(conn, "pseudonym", secret, sizeof secret, &secret_len);
    if (err == INCROCIO_OK && !employer && r->n > 0) {
        ids_literal(r, ids, sizeof ids);
        err = incrocio_audit_record_people(conn, ctx, "match", ids);
    }
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        if (r)
            incrocio_match_result_clear(r);
        free(r);
        return;
    }

    json_t *items = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const struct incrocio_match_hit *h = &r->hits[i];
        json_t *item;
        if (employer) {
            char alias[19];
            if (!incrocio_pseudonym_make(secret, secret_len, position_id, h->id, alias))
                continue;
            item = json_pack("{s:s, s:I, s:o}", "candidate", alias, "rank", (json_int_t)h->rank,
                             "score", score_json(h->score6));
        } else {
            item = json_pack("{s:s, s:I, s:o, s:O}", "job_seeker_id", h->id, "rank",
                             (json_int_t)h->rank, "score", score_json(h->score6), "components",
                             json_object_get(h->explanation, "components"));
        }
        json_array_append_new(items, item);
    }
    send_ranking(req, resp,
                 json_pack("{s:s, s:s}", "vacancy_id", vacancy_id, "position_id", position_id),
                 items, r, scope, &q);
}

void incrocio_api_seeker_matches(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    struct incrocio_match_result *r = NULL;
    struct incrocio_match_query q;
    struct incrocio_match_index *ix;
    struct incrocio_db_conn *conn;
    char scope[64];
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    snprintf(scope, sizeof scope, "sm:%s", id);
    if (!parse_query(req, resp, ctx, scope, &q) || !(ix = incrocio_api_match_index(req, resp, ctx)))
        return;
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_job_seeker_live(conn, id);
    if (err == INCROCIO_OK) {
        r = malloc(sizeof *r);
        err = r ? incrocio_match_for_seeker(ix, id, &q, r) : INCROCIO_ERR_NOMEM;
        if (err == INCROCIO_ERR_NOT_FOUND) {
            incrocio_db_checkin(ctx->app->pool, conn);
            free(r);
            not_caught_up(req, resp, ctx);
            return;
        }
    }
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "read", "job_seeker_matches", id, id);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        if (r && err == INCROCIO_OK)
            incrocio_match_result_clear(r);
        free(r);
        return;
    }

    json_t *items = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const struct incrocio_match_hit *h = &r->hits[i];
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:I, s:o, s:O}", "position_id", h->id,
                                        "vacancy_id", h->vacancy_id, "rank", (json_int_t)h->rank,
                                        "score", score_json(h->score6), "components",
                                        json_object_get(h->explanation, "components")));
    }
    send_ranking(req, resp, json_pack("{s:s}", "job_seeker_id", id), items, r, scope, &q);
}

void incrocio_api_pair_explain(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx)
{
    const char *vacancy_id = incrocio_req_path_var(ctx, "id");
    const char *position_id = incrocio_req_path_var(ctx, "position_id");
    const char *seeker_id = incrocio_req_path_var(ctx, "job_seeker_id");
    struct incrocio_match_index *ix;
    struct incrocio_match_model model;
    struct incrocio_db_conn *conn;
    json_t *explanation = NULL;
    uint32_t rank = 0;
    int64_t score6 = 0;
    char version[32];
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, vacancy_id) ||
        !incrocio_api_uuid_or_404(req, resp, ctx, position_id) ||
        !incrocio_api_uuid_or_404(req, resp, ctx, seeker_id))
        return;
    if (!(ix = incrocio_api_match_index(req, resp, ctx)))
        return;
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    if (!position_open(req, resp, ctx, conn, vacancy_id, position_id))
        return;
    err = incrocio_db_job_seeker_live(conn, seeker_id);
    if (err == INCROCIO_OK) {
        err = incrocio_match_explain_pair(ix, position_id, seeker_id, &explanation, &rank, &score6,
                                          &model);
        if (err == INCROCIO_ERR_NOT_FOUND) {
            incrocio_db_checkin(ctx->app->pool, conn);
            not_caught_up(req, resp, ctx);
            return;
        }
    }
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "read", "match", position_id, seeker_id);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(explanation);
        return;
    }
    incrocio_match_model_version(&model, version, sizeof version);
    json_t *filters = json_object_get(explanation, "filters");
    json_t *body =
        json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:O, s:O}", "vacancy_id", vacancy_id,
                  "position_id", position_id, "job_seeker_id", seeker_id, "model_version", version,
                  "eligible", json_array_size(filters) == 0, "rank",
                  rank ? json_integer(rank) : json_null(), "score", score_json(score6),
                  "components", json_object_get(explanation, "components"), "filters", filters);
    incrocio_respond_json(resp, 200, body, NULL);
    json_decref(body);
    json_decref(explanation);
}
