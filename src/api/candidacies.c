/* /v1/candidacies: a job seeker proposed for a position and followed stage
 * by stage (include/incrocio/candidacy.h). Operators of the person's office
 * or of the vacancy's office create and move them; portals record a
 * person's own application (source self); employers read those of their
 * vacancies — the candidate's name and contacts only once the candidacy has
 * been sent to them, a pseudonym before — and record their outcome. */
#include "incrocio/candidacies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/candidacy.h"
#include "incrocio/doccheck.h"
#include "incrocio/employers.h"
#include "incrocio/match_index.h"
#include "incrocio/match_sync.h"
#include "incrocio/matching.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/pseudonym.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

#define CURSOR_SCOPE "candidacies"
#define NOTES_MAX 2000

/* Optional notes: absent, null or a string of up to NOTES_MAX characters. */
static const char *parse_notes(const json_t *body, json_t *errors)
{
    const json_t *v = json_object_get(body, "notes");

    if (v == NULL || json_is_null(v))
        return NULL;
    if (!json_is_string(v) ||
        incrocio_doccheck_count_chars(json_string_value(v), json_string_length(v)) > NOTES_MAX)
        incrocio_problem_add(errors, "/notes", "field.format",
                             "notes are a string of at most 2000 characters");
    return json_string_value(v);
}

/* Unknown members of body, against allowed (NULL-terminated). */
static void reject_unknown(const json_t *body, const char *const *allowed, json_t *errors)
{
    const char *key;
    json_t *v;

    json_object_foreach ((json_t *)body, key, v) {
        size_t i = 0;
        char ptr[80];

        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (allowed[i] == NULL) {
            snprintf(ptr, sizeof ptr, "/%.60s", key);
            incrocio_problem_add(errors, ptr, "field.unknown", "candidacies have no such field");
        }
    }
}

/* A required member that is a UUID. */
static const char *parse_uuid(const json_t *body, const char *name, json_t *errors)
{
    const char *v = json_string_value(json_object_get(body, name));
    char ptr[40];

    snprintf(ptr, sizeof ptr, "/%s", name);
    if (json_object_get(body, name) == NULL)
        incrocio_problem_add(errors, ptr, "field.required", "required");
    else if (!incrocio_valid_uuid(v))
        incrocio_problem_add(errors, ptr, "field.format", "must be a UUID");
    return v;
}

/* Operators act on candidacies of the offices they work for: the person's
 * or the vacancy's. Admins anywhere. */
static int staff_may_write(const struct incrocio_req *ctx, const char *office,
                           const char *seeker_office)
{
    return ctx->who.role == INCROCIO_ROLE_ADMIN ||
           (ctx->who.role == INCROCIO_ROLE_OPERATOR &&
            (incrocio_principal_has_office(&ctx->who, office) ||
             incrocio_principal_has_office(&ctx->who, seeker_office)));
}

static void send_conflict(const struct _u_request *req, struct _u_response *resp,
                          const struct incrocio_req *ctx, const char *pointer, const char *code,
                          const char *detail)
{
    json_t *errors = json_array();

    incrocio_problem_add(errors, pointer, code, detail);
    incrocio_problem_send(req, resp, ctx, 409, "conflict", detail, errors);
}

/* What the caller may see of a candidacy (doc, changed in place). Staff
 * see it all. An employer: before it was sent, a pseudonym instead of the
 * person (the one its rankings show); never the CPI's notes or key ids. A
 * portal, which only records applications: neither the person's contacts
 * nor the CPI's notes. */
static void shape(json_t *doc, const struct incrocio_req *ctx, const uint8_t *secret,
                  size_t secret_len)
{
    json_t *events = json_object_get(doc, "events"), *e;
    char alias[19];
    size_t i;

    if (ctx->who.role != INCROCIO_ROLE_EMPLOYER && ctx->who.role != INCROCIO_ROLE_PORTAL)
        return;
    json_array_foreach (events, i, e) {
        json_object_del(e, "notes");
        json_object_del(e, "key_id");
    }
    if (ctx->who.role == INCROCIO_ROLE_PORTAL) {
        json_object_set_new(doc, "candidate", json_null());
        return;
    }
    if (incrocio_pseudonym_make(secret, secret_len,
                                json_string_value(json_object_get(doc, "position_id")),
                                json_string_value(json_object_get(doc, "job_seeker_id")), alias))
        json_object_set_new(doc, "pseudonym", json_string(alias));
    if (json_is_null(json_object_get(doc, "sent_at"))) {
        json_object_set_new(doc, "job_seeker_id", json_null());
        if (json_object_get(doc, "candidate"))
            json_object_set_new(doc, "candidate", json_null());
    }
}

/* The pseudonym secret, read when the caller is an employer. */
static incrocio_err employer_secret(struct incrocio_db_conn *conn, const struct incrocio_req *ctx,
                                    uint8_t secret[64], size_t *len)
{
    *len = 0;
    if (ctx->who.role != INCROCIO_ROLE_EMPLOYER)
        return INCROCIO_OK;
    return incrocio_db_secret(conn, "pseudonym", secret, 64, len);
}

/* The match a candidacy from matching keeps: its score ("0.873100") and
 * model version. 1 when the pair is eligible; else the 409 or 503 has been
 * sent and the connection returned. */
static int match_of(const struct _u_request *req, struct _u_response *resp,
                    struct incrocio_req *ctx, struct incrocio_db_conn *conn,
                    struct incrocio_match_index *ix, const char *position_id, const char *seeker_id,
                    char score[16], char version[32])
{
    struct incrocio_match_model model;
    json_t *explanation = NULL, *f;
    uint32_t rank = 0;
    int64_t score6 = 0;
    char detail[256];
    size_t i, at;
    incrocio_err err = incrocio_match_explain_pair(ix, position_id, seeker_id, &explanation, &rank,
                                                   &score6, &model);

    if (err == INCROCIO_OK && rank > 0) {
        snprintf(score, 16, "%.6f", (double)score6 / 1e6);
        incrocio_match_model_version(&model, version, 32);
        json_decref(explanation);
        return 1;
    }
    incrocio_db_checkin(ctx->app->pool, conn);
    if (err == INCROCIO_ERR_NOT_FOUND) {
        incrocio_problem_send(req, resp, ctx, 503, "matching-unavailable",
                              "the matching index has not caught up with this position or person "
                              "yet; retry in a second",
                              NULL);
        return 0;
    }
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return 0;
    }
    at = (size_t)snprintf(detail, sizeof detail,
                          "the person is not a match for this position: excluded by");
    json_array_foreach (json_object_get(explanation, "filters"), i, f) {
        if (at < sizeof detail)
            at += (size_t)snprintf(detail + at, sizeof detail - at, "%s %s", i ? "," : "",
                                   json_string_value(json_object_get(f, "code")));
    }
    json_decref(explanation);
    send_conflict(req, resp, ctx, "/source", "candidacy.not_a_match", detail);
    return 0;
}

/* 1 when the position takes candidacies (its vacancy published and not
 * expired, a place left); else the 409 has been sent. */
static int position_open(const struct _u_request *req, struct _u_response *resp,
                         const struct incrocio_req *ctx, const struct incrocio_cand_position *p)
{
    char detail[160];

    if (strcmp(p->vacancy_state, "published") == 0 && !p->full)
        return 1;
    if (p->full)
        snprintf(detail, sizeof detail, "every place of this position has been filled");
    else
        snprintf(detail, sizeof detail,
                 "the vacancy is %s: candidacies are for published vacancies", p->vacancy_state);
    send_conflict(req, resp, ctx, "/position_id", "candidacy.position_not_open", detail);
    return 0;
}

/* 201 with the candidacy's Location and ETag: body, or doc itself when
 * body is NULL. */
static void send_created(struct _u_response *resp, const char *id, unsigned status, json_t *body,
                         const json_t *doc)
{
    char location[64], etag[32];

    snprintf(location, sizeof location, "/v1/candidacies/%s", id);
    incrocio_respond_header(resp, "Location", location);
    if (body == NULL) {
        incrocio_api_send_versioned(resp, status, doc);
        return;
    }
    incrocio_etag_of_version((long)json_integer_value(json_object_get(doc, "version")), etag,
                             sizeof etag);
    incrocio_respond_header(resp, "ETag", etag);
    incrocio_respond_json(resp, status, body, NULL);
}

void incrocio_api_candidacy_create(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"position_id", "job_seeker_id", "source", "notes", NULL};
    static const char *const sources[] = {"match", "operator", "self"};
    struct incrocio_cand_new c = {0};
    struct incrocio_cand_position pos;
    struct incrocio_match_index *ix = NULL;
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *doc = NULL;
    char seeker_office[8], score[16], version[32], id[37];
    incrocio_err err, perr, serr;

    reject_unknown(ctx->body, allowed, errors);
    c.position_id = parse_uuid(ctx->body, "position_id", errors);
    c.job_seeker_id = parse_uuid(ctx->body, "job_seeker_id", errors);
    c.source = json_string_value(json_object_get(ctx->body, "source"));
    for (size_t i = 0; c.source && i < 3; i++)
        if (strcmp(c.source, sources[i]) == 0)
            c.source = sources[i];
    if (json_object_get(ctx->body, "source") == NULL)
        incrocio_problem_add(errors, "/source", "field.required", "required");
    else if (c.source != sources[0] && c.source != sources[1] && c.source != sources[2])
        incrocio_problem_add(errors, "/source", "source.unknown",
                             "must be match, operator or self");
    c.notes = parse_notes(ctx->body, errors);
    if (json_array_size(errors) > 0) {
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    if (ctx->who.role == INCROCIO_ROLE_PORTAL && strcmp(c.source, "self") != 0) {
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "portals record a person's own application only (source self)", NULL);
        return;
    }
    if (strcmp(c.source, "match") == 0 && !(ix = incrocio_api_match_index(req, resp, ctx)))
        return;
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    perr = incrocio_db_cand_position(conn, c.position_id, &pos);
    serr = perr == INCROCIO_OK || perr == INCROCIO_ERR_NOT_FOUND
               ? incrocio_db_cand_seeker_office(conn, c.job_seeker_id, seeker_office)
               : perr;
    err = perr != INCROCIO_OK && perr != INCROCIO_ERR_NOT_FOUND ? perr : serr;
    if (err != INCROCIO_OK && err != INCROCIO_ERR_NOT_FOUND) {
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    if (perr == INCROCIO_ERR_NOT_FOUND || serr == INCROCIO_ERR_NOT_FOUND) {
        incrocio_db_checkin(ctx->app->pool, conn);
        errors = json_array();
        if (perr == INCROCIO_ERR_NOT_FOUND)
            incrocio_problem_add(errors, "/position_id", "position.unknown", "no such position");
        if (serr == INCROCIO_ERR_NOT_FOUND)
            incrocio_problem_add(errors, "/job_seeker_id", "job_seeker.unknown",
                                 "no such job seeker");
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return;
    }
    if (ctx->who.role != INCROCIO_ROLE_PORTAL && !staff_may_write(ctx, pos.office, seeker_office)) {
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "operators propose the job seekers of their offices, or for the "
                              "vacancies of their offices",
                              NULL);
        return;
    }
    if (err == INCROCIO_OK && !position_open(req, resp, ctx, &pos)) {
        incrocio_db_checkin(ctx->app->pool, conn);
        return;
    }
    if (err == INCROCIO_OK && ix) {
        if (!match_of(req, resp, ctx, conn, ix, c.position_id, c.job_seeker_id, score, version))
            return;
        c.score = score;
        c.model_version = version;
    }
    c.key_id = ctx->who.key_id;
    c.role = incrocio_role_name(ctx->who.role);
    if (err == INCROCIO_OK)
        err = incrocio_db_cand_insert(conn, &c, id);
    if (err == INCROCIO_ERR_CONFLICT) {
        incrocio_db_checkin(ctx->app->pool, conn);
        send_conflict(req, resp, ctx, "/job_seeker_id", "candidacy.duplicate",
                      "this person already has an open candidacy for this position");
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "create", "candidacy", id, c.job_seeker_id);
    if (err == INCROCIO_OK)
        err = incrocio_db_cand_get(conn, id, &doc);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(doc);
        return;
    }
    shape(doc, ctx, NULL, 0);
    send_created(resp, id, 201, NULL, doc);
    json_decref(doc);
}

/* Reads the candidacy in scope for the caller: employers reach those of
 * their vacancies only (404 otherwise, as for an unknown id). */
static incrocio_err scope_of(struct incrocio_db_conn *conn, const struct incrocio_req *ctx,
                             const char *id, struct incrocio_cand_scope *sc)
{
    incrocio_err err = incrocio_db_cand_scope(conn, id, sc);

    if (err == INCROCIO_OK && ctx->who.role == INCROCIO_ROLE_EMPLOYER &&
        strcmp(sc->employer_id, ctx->who.employer_id) != 0)
        err = INCROCIO_ERR_NOT_FOUND;
    return err;
}

/* 1 when the caller sees the candidate's name and contacts: staff always,
 * an employer once the candidacy has been sent to it. */
static int sees_person(const struct incrocio_req *ctx, const struct incrocio_cand_scope *sc)
{
    return ctx->who.role != INCROCIO_ROLE_EMPLOYER || sc->sent;
}

void incrocio_api_candidacy_get(const struct _u_request *req, struct _u_response *resp,
                                struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    struct incrocio_cand_scope sc;
    struct incrocio_db_conn *conn;
    uint8_t secret[64];
    size_t secret_len = 0;
    json_t *doc = NULL;
    incrocio_err err;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id) || !incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = scope_of(conn, ctx, id, &sc);
    if (err == INCROCIO_OK)
        err = incrocio_db_cand_get(conn, id, &doc);
    if (err == INCROCIO_OK)
        err = employer_secret(conn, ctx, secret, &secret_len);
    if (err == INCROCIO_OK && sees_person(ctx, &sc) &&
        !json_is_null(json_object_get(doc, "candidate")))
        err = incrocio_audit_record(conn, ctx, "read", "candidacy", id, sc.job_seeker_id);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(doc);
        return;
    }
    shape(doc, ctx, secret, secret_len);
    incrocio_api_send_current(req, resp, doc);
    json_decref(doc);
}

/* Records the hire on the position: a place filled, and the vacancy filled
 * when none is left (a vacancy past its end still takes the hires of its
 * selection); the person's record gets a new version, for its "hires". The
 * 409s are sent here (*sent is 1 when they were). */
static incrocio_err hire(const struct _u_request *req, struct _u_response *resp,
                         struct incrocio_req *ctx, struct incrocio_db_conn *conn,
                         const struct incrocio_cand_scope *sc, int *sent)
{
    struct incrocio_cand_position pos;
    int all_filled = 0;
    incrocio_err err = incrocio_db_cand_position(conn, sc->position_id, &pos);

    *sent = 0;
    if (err == INCROCIO_OK && strcmp(pos.vacancy_state, "published") != 0 &&
        strcmp(pos.vacancy_state, "expired") != 0) {
        char detail[160];

        snprintf(detail, sizeof detail, "the vacancy is %s: it takes no more hires",
                 pos.vacancy_state);
        send_conflict(req, resp, ctx, "/stage", "candidacy.position_not_open", detail);
        *sent = 1;
        return INCROCIO_ERR_CONFLICT;
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_position_fill(conn, sc->vacancy_id, sc->position_id, 1, &all_filled);
    if (err == INCROCIO_ERR_INVALID) {
        send_conflict(req, resp, ctx, "/stage", "candidacy.position_full",
                      "every place of this position has already been filled");
        *sent = 1;
        return INCROCIO_ERR_CONFLICT;
    }
    if (err == INCROCIO_OK && all_filled) {
        json_t *details = json_pack("[{s:s, s:i}]", "position_id", sc->position_id, "filled", 1);
        err = incrocio_db_vacancy_transition(conn, sc->vacancy_id, "published", "filled", "fill",
                                             details, ctx->who.key_id);
        json_decref(details);
    }
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "update", "vacancy", sc->vacancy_id, NULL);
    if (err == INCROCIO_OK)
        err = incrocio_db_cand_seeker_touch(conn, sc->job_seeker_id);
    return err;
}

void incrocio_api_candidacy_event_create(const struct _u_request *req, struct _u_response *resp,
                                         struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"stage", "notes", NULL};
    const char *id = incrocio_req_path_var(ctx, "id"), *to, *notes;
    struct incrocio_cand_scope sc;
    struct incrocio_db_conn *conn;
    json_t *errors, *doc = NULL, *body;
    uint8_t secret[64];
    size_t secret_len = 0;
    char detail[160];
    incrocio_err err;
    int sent = 0;

    if (!incrocio_api_uuid_or_404(req, resp, ctx, id))
        return;
    errors = json_array();
    reject_unknown(ctx->body, allowed, errors);
    to = json_string_value(json_object_get(ctx->body, "stage"));
    if (json_object_get(ctx->body, "stage") == NULL)
        incrocio_problem_add(errors, "/stage", "field.required", "required");
    else if (!incrocio_candidacy_stage_valid(to))
        incrocio_problem_add(errors, "/stage", "stage.unknown",
                             "must be contacted, sent_to_employer, interview, hired, "
                             "not_selected, withdrawn or declined_by_seeker");
    notes = parse_notes(ctx->body, errors);
    if (json_array_size(errors) > 0) {
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = scope_of(conn, ctx, id, &sc);
    if (err == INCROCIO_OK && (ctx->who.role == INCROCIO_ROLE_EMPLOYER
                                   ? !incrocio_candidacy_employer_may_move(sc.stage, to) &&
                                         incrocio_candidacy_may_move(sc.stage, to)
                                   : !staff_may_write(ctx, sc.office, sc.seeker_office))) {
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              ctx->who.role == INCROCIO_ROLE_EMPLOYER
                                  ? "employers record the outcome (interview, hired, "
                                    "not_selected) of candidacies sent to them"
                                  : "operators move the candidacies of their offices: the "
                                    "person's or the vacancy's",
                              NULL);
        return;
    }
    if (err == INCROCIO_OK && !incrocio_candidacy_may_move(sc.stage, to)) {
        incrocio_db_checkin(ctx->app->pool, conn);
        snprintf(detail, sizeof detail, "a candidacy that is %s cannot move to %s", sc.stage, to);
        send_conflict(req, resp, ctx, "/stage", "candidacy.transition", detail);
        return;
    }
    if (err == INCROCIO_OK && strcmp(to, "hired") == 0) {
        err = hire(req, resp, ctx, conn, &sc, &sent);
        if (sent) {
            incrocio_db_checkin(ctx->app->pool, conn);
            return;
        }
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_cand_move(conn, id, sc.stage, to, notes, ctx->who.key_id,
                                    incrocio_role_name(ctx->who.role));
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "update", "candidacy", id, sc.job_seeker_id);
    if (err == INCROCIO_OK)
        err = incrocio_db_cand_get(conn, id, &doc);
    if (err == INCROCIO_OK)
        err = employer_secret(conn, ctx, secret, &secret_len);
    if (!incrocio_api_finish(req, resp, ctx, conn, err,
                             "the candidacy moved while this event was applied: read it again")) {
        json_decref(doc);
        return;
    }
    shape(doc, ctx, secret, secret_len);
    /* the event as the caller recorded it, its own notes included */
    body = json_pack("{s:{s:s, s:s, s:o}, s:O}", "event", "stage", to, "stage_before", sc.stage,
                     "notes", notes ? json_string(notes) : json_null(), "candidacy", doc);
    send_created(resp, id, 201, body, doc);
    json_decref(body);
    json_decref(doc);
}

void incrocio_api_candidacies_list(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx)
{
    static const char *const allowed[] = {
        "limit", "cursor", "vacancy_id", "position_id", "job_seeker_id", "employer_id",
        "stage", "office", "source",     "open",        "updated_since", NULL};
    static const char *const uuids[] = {"vacancy_id", "position_id", "job_seeker_id",
                                        "employer_id"};
    struct incrocio_cand_filter f = {0};
    const char **uuid_fields[] = {&f.vacancy_id, &f.position_id, &f.job_seeker_id, &f.employer_id};
    struct incrocio_page page;
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *items, *item;
    uint8_t secret[64];
    size_t secret_len = 0, i;
    char last_id[37] = "";
    const char *v;
    incrocio_err err;
    int more = 0;

    incrocio_query_reject_unknown(req, allowed, errors);
    incrocio_query_page(req, CURSOR_SCOPE, &page, errors);
    if (page.has_after && !incrocio_valid_uuid(page.after))
        incrocio_problem_add_param(errors, "cursor", "cursor.invalid",
                                   "cursor is not one this collection gave out");
    for (size_t k = 0; k < 4; k++) {
        if ((v = incrocio_query_get(req, uuids[k])) && !incrocio_valid_uuid(v)) {
            char code[40];
            snprintf(code, sizeof code, "%s.syntax", uuids[k]);
            incrocio_problem_add_param(errors, uuids[k], code, "must be a UUID");
        }
        *uuid_fields[k] = v;
    }
    if ((f.stage = incrocio_query_get(req, "stage")) && !incrocio_candidacy_stage_valid(f.stage))
        incrocio_problem_add_param(errors, "stage", "stage.unknown", "not a candidacy stage");
    if ((f.office = incrocio_query_get(req, "office")) && !incrocio_office_code_valid(f.office))
        incrocio_problem_add_param(errors, "office", "office.syntax",
                                   "office must be an office code such as CE08");
    if ((f.source = incrocio_query_get(req, "source")) && strcmp(f.source, "match") != 0 &&
        strcmp(f.source, "operator") != 0 && strcmp(f.source, "self") != 0)
        incrocio_problem_add_param(errors, "source", "source.unknown",
                                   "must be match, operator or self");
    if ((f.open = incrocio_query_get(req, "open")) && strcmp(f.open, "true") != 0 &&
        strcmp(f.open, "false") != 0)
        incrocio_problem_add_param(errors, "open", "open.syntax", "must be true or false");
    if ((f.updated_since = incrocio_query_get(req, "updated_since")) &&
        !incrocio_valid_date(f.updated_since))
        incrocio_problem_add_param(errors, "updated_since", "updated_since.syntax",
                                   "must be a date YYYY-MM-DD");
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    if (ctx->who.role == INCROCIO_ROLE_EMPLOYER) {
        f.employer_id = ctx->who.employer_id; /* its own vacancies' only */
        /* and a person by id only where it may know them: what pseudonyms hide stays hidden */
        f.sent_only = f.job_seeker_id != NULL;
    }
    f.after_id = page.has_after ? page.after : NULL;
    f.limit = page.limit;
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    items = json_array();
    err = incrocio_db_cand_list(conn, &f, items, &more, last_id);
    if (err == INCROCIO_OK)
        err = employer_secret(conn, ctx, secret, &secret_len);
    /* Whose candidacies were listed to staff is a read of those people. */
    if (err == INCROCIO_OK && ctx->who.role != INCROCIO_ROLE_EMPLOYER)
        err = incrocio_audit_record_items(conn, ctx, "list", "job_seeker", items, "job_seeker_id",
                                          "job_seeker_id");
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(items);
        return;
    }
    json_array_foreach (items, i, item) {
        shape(item, ctx, secret, secret_len);
    }
    {
        static const char *const keep[] = {
            "vacancy_id", "position_id", "job_seeker_id", "employer_id",   "stage",
            "office",     "source",      "open",          "updated_since", NULL};
        incrocio_api_send_page(req, resp, "/v1/candidacies", CURSOR_SCOPE, page.limit, more,
                               last_id, items, keep);
    }
}
