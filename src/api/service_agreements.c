/* /v1/job-seekers/{id}/service-agreements: the Patto di servizio
 * personalizzato, the measures agreed with the person. A DID is validated
 * only once an agreement exists (src/api/did.c). */
#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/codes.h"
#include "incrocio/job_seekers.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

/* The measures of the LEP (livelli essenziali delle prestazioni) a patto
 * may agree. */
static const char *const measures[] = {"orientamento_di_base",
                                       "orientamento_specialistico",
                                       "formazione",
                                       "tirocinio",
                                       "accompagnamento_al_lavoro",
                                       "incentivi_assunzione",
                                       "autoimpiego",
                                       "collocamento_mirato",
                                       "presa_in_carico_integrata",
                                       NULL};

static int listed_before(const json_t *array, size_t i, const char *s)
{
    for (size_t j = 0; j < i; j++)
        if (json_is_string(json_array_get(array, j)) &&
            strcmp(json_string_value(json_array_get(array, j)), s) == 0)
            return 1;
    return 0;
}

struct agreement_input {
    const char *signed_on, *office, *notes;
    char measures[512]; /* a PostgreSQL text[] literal */
};

static void parse(const json_t *body, const char *today, struct agreement_input *in, json_t *errors)
{
    const char *key;
    json_t *v;
    size_t used;

    memset(in, 0, sizeof *in);
    in->signed_on = today;
    used = (size_t)snprintf(in->measures, sizeof in->measures, "{");
    json_object_foreach ((json_t *)body, key, v) {
        char ptr[80];

        snprintf(ptr, sizeof ptr, "/%.60s", key);
        if (strcmp(key, "signed_on") == 0) {
            if (!json_is_string(v) || !incrocio_valid_date(json_string_value(v)))
                incrocio_problem_add(errors, ptr, "field.format", "must be a date YYYY-MM-DD");
            else if (strcmp(json_string_value(v), today) > 0)
                incrocio_problem_add(errors, ptr, "field.range", "must not be in the future");
            else
                in->signed_on = json_string_value(v);
        } else if (strcmp(key, "office_code") == 0) {
            if (!json_is_string(v) || !incrocio_office_code_valid(json_string_value(v)))
                incrocio_problem_add(errors, ptr, "field.format", "must be an office code");
            else
                in->office = json_string_value(v);
        } else if (strcmp(key, "notes") == 0) {
            if (json_is_null(v))
                continue;
            if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 2000)
                incrocio_problem_add(errors, ptr, "field.length",
                                     "must be a string of 1 to 2000 bytes");
            else
                in->notes = json_string_value(v);
        } else if (strcmp(key, "measures") == 0) {
            size_t i;
            json_t *m;

            if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 20) {
                incrocio_problem_add(errors, ptr, "field.type",
                                     "must be a list of 1 to 20 measures");
                continue;
            }
            json_array_foreach (v, i, m) {
                char mptr[96];
                size_t first = used;
                const char *s = json_string_value(m);

                snprintf(mptr, sizeof mptr, "/measures/%zu", i);
                if (s == NULL || !incrocio_code_in(measures, s)) {
                    incrocio_problem_add(errors, mptr, "measures.unknown",
                                         "not a measure of the LEP list");
                } else if (listed_before(v, i, s)) {
                    incrocio_problem_add(errors, mptr, "measures.duplicate",
                                         "this measure is listed already");
                } else {
                    used += (size_t)snprintf(in->measures + used, sizeof in->measures - used,
                                             "%s%s", first > 1 ? "," : "", s);
                }
            }
        } else {
            incrocio_problem_add(errors, ptr, "field.unknown", "agreements have no such field");
        }
    }
    snprintf(in->measures + used, sizeof in->measures - used, "}");
    if (json_object_get(body, "office_code") == NULL)
        incrocio_problem_add(errors, "/office_code", "field.required", "the office is required");
    if (json_object_get(body, "measures") == NULL)
        incrocio_problem_add(errors, "/measures", "field.required", "the measures are required");
}

void incrocio_api_agreement_create(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    struct agreement_input in;
    struct incrocio_db_conn *conn;
    json_t *errors, *agreement = NULL;
    char today[11], office[8], state = '\0', location[128];
    int comune_ok = 1, office_ok = 1;
    incrocio_err err;

    if (!incrocio_valid_uuid(id)) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
        return;
    }
    incrocio_api_today(today);
    errors = json_array();
    parse(ctx->body, today, &in, errors);
    if (json_array_size(errors) > 0) {
        incrocio_problem_send(req, resp, ctx, 422, "validation",
                              "one or more fields are invalid: see errors", errors);
        return;
    }
    json_decref(errors);
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_job_seeker_scope(conn, id, office, &state);
    if (err == INCROCIO_OK && ctx->who.role == INCROCIO_ROLE_OPERATOR &&
        !incrocio_principal_has_office(&ctx->who, office)) {
        incrocio_db_checkin(ctx->app->pool, conn);
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "operators sign agreements only with their offices' job seekers",
                              NULL);
        return;
    }
    if (err == INCROCIO_OK && state != 'I' && state != 'C') {
        char detail[160];

        incrocio_db_checkin(ctx->app->pool, conn);
        snprintf(detail, sizeof detail,
                 "an agreement follows a DID that is inserita or convalidata, not %s",
                 state ? incrocio_did_state_name(state) : "missing");
        errors = json_array();
        incrocio_problem_add(errors, "", "did.state", detail);
        incrocio_problem_send(req, resp, ctx, 409, "conflict", detail, errors);
        return;
    }
    /* Only the office matters here; the comune asked about is a dummy. */
    if (err == INCROCIO_OK)
        err = incrocio_db_job_seeker_refs(conn, "000000", in.office, &comune_ok, &office_ok);
    if (err == INCROCIO_OK && !office_ok) {
        incrocio_db_checkin(ctx->app->pool, conn);
        errors = json_array();
        incrocio_problem_add(errors, "/office_code", "office.unknown", "no office has this code");
        incrocio_problem_send(req, resp, ctx, 422, "validation",
                              "one or more fields are invalid: see errors", errors);
        return;
    }
    if (err == INCROCIO_OK)
        err = incrocio_db_agreement_create(conn, id, in.office, in.signed_on, in.measures, in.notes,
                                           ctx->who.key_id, &agreement);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "create", "service_agreement",
                                    json_string_value(json_object_get(agreement, "id")), id);
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(agreement);
        return;
    }
    snprintf(location, sizeof location, "/v1/job-seekers/%s/service-agreements/%s", id,
             json_string_value(json_object_get(agreement, "id")));
    incrocio_respond_header(resp, "Location", location);
    incrocio_respond_json(resp, 201, agreement, NULL);
    json_decref(agreement);
}

/* GET one (…/service-agreements/{agreement_id}) or all of them. */
void incrocio_api_agreements_get(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx)
{
    const char *id = incrocio_req_path_var(ctx, "id");
    const char *one = incrocio_req_path_var(ctx, "agreement_id");
    struct incrocio_db_conn *conn;
    json_t *out = NULL, *body;
    char office[8], state;
    incrocio_err err;

    if (!incrocio_valid_uuid(id) || (one != NULL && !incrocio_valid_uuid(one))) {
        incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_NOT_FOUND);
        return;
    }
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    err = incrocio_db_job_seeker_scope(conn, id, office, &state);
    if (err == INCROCIO_OK)
        err = incrocio_db_agreements_get(conn, id, one, &out);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "read", "service_agreement", one ? one : id, id);
    if (err == INCROCIO_OK)
        err = incrocio_db_commit(conn);
    incrocio_db_checkin(ctx->app->pool, conn);
    if (err != INCROCIO_OK) {
        json_decref(out);
        incrocio_problem_from_err(req, resp, ctx, err);
        return;
    }
    body = one ? json_incref(out) : json_pack("{s:O}", "items", out);
    incrocio_respond_json(resp, 200, body, NULL);
    json_decref(body);
    json_decref(out);
}
