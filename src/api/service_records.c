/* /v1/service-records: the services a CPI delivered (a LEP service type,
 * through a channel, on a day, to a job seeker, an employer or nobody named).
 * Staff only: admins and operators read every office's records (the region
 * monitors them); operators record only their own offices' services. */
#include "incrocio/service_records.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/audit.h"
#include "incrocio/codes.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/statistics.h"
#include "incrocio/validate.h"

#define CURSOR_SCOPE "service-records"
#define EARLIEST "2015-01-01" /* the LEP list and the regional systems start here */

static int service_type_shaped(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    return n >= 2 && n <= 40 && s[0] >= 'a' && s[0] <= 'z' &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz_") == n;
}

static const char *string_or_null(const json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Validates the body's shape into rec; references are checked later. */
static void parse(const json_t *body, const char *today, struct incrocio_service_record *rec,
                  json_t *errors)
{
    static const char *const required[] = {"office_code", "service_type", "channel",
                                           "delivered_on"};
    const char *key;
    json_t *v;

    memset(rec, 0, sizeof *rec);
    json_object_foreach ((json_t *)body, key, v) {
        const char *s = string_or_null(v);
        char ptr[80];

        snprintf(ptr, sizeof ptr, "/%.60s", key);
        if (strcmp(key, "office_code") == 0) {
            if (!incrocio_office_code_valid(s))
                incrocio_problem_add(errors, ptr, "field.format",
                                     "must be an office code such as AV01");
            else
                rec->office_code = s;
        } else if (strcmp(key, "service_type") == 0) {
            if (!service_type_shaped(s))
                incrocio_problem_add(errors, ptr, "service_type.unknown",
                                     "not a service type of the LEP list");
            else
                rec->service_type = s;
        } else if (strcmp(key, "channel") == 0) {
            if (s == NULL || !incrocio_code_in(incrocio_statistics_channels, s))
                incrocio_problem_add(errors, ptr, "channel.unknown",
                                     "must be in_person, platform, email, phone or video");
            else
                rec->channel = s;
        } else if (strcmp(key, "delivered_on") == 0) {
            if (!incrocio_valid_date(s))
                incrocio_problem_add(errors, ptr, "field.format", "must be a date YYYY-MM-DD");
            else if (strcmp(s, today) > 0)
                incrocio_problem_add(errors, ptr, "field.range", "must not be in the future");
            else if (strcmp(s, EARLIEST) < 0)
                incrocio_problem_add(errors, ptr, "field.range", "must not be before " EARLIEST);
            else
                rec->delivered_on = s;
        } else if (strcmp(key, "job_seeker_id") == 0 || strcmp(key, "employer_id") == 0) {
            if (json_is_null(v))
                continue;
            if (!incrocio_valid_uuid(s))
                incrocio_problem_add(errors, ptr, "field.format", "must be a UUID or null");
            else if (key[0] == 'j')
                rec->job_seeker_id = s;
            else
                rec->employer_id = s;
        } else if (strcmp(key, "notes") == 0) {
            if (json_is_null(v))
                continue;
            if (s == NULL || json_string_length(v) == 0 || json_string_length(v) > 2000)
                incrocio_problem_add(errors, ptr, "field.length",
                                     "must be a string of 1 to 2000 bytes, or null");
            else
                rec->notes = s;
        } else {
            incrocio_problem_add(errors, ptr, "field.unknown",
                                 "service records have no such field");
        }
    }
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        char ptr[32];

        snprintf(ptr, sizeof ptr, "/%s", required[i]);
        if (json_object_get(body, required[i]) == NULL)
            incrocio_problem_add(errors, ptr, "field.required", "this field is required");
    }
    if (rec->job_seeker_id && rec->employer_id)
        incrocio_problem_add(errors, "/employer_id", "service_record.both_named",
                             "a record names a job seeker or an employer, not both");
}

/* The references, once the shape is right: one entry per field that is wrong. */
static void check_refs(const struct incrocio_service_record *rec,
                       const struct incrocio_service_record_refs *refs, json_t *errors)
{
    if (!refs->office_ok)
        incrocio_problem_add(errors, "/office_code", "office.unknown", "no office has this code");
    if (refs->audience[0] == '\0')
        incrocio_problem_add(errors, "/service_type", "service_type.unknown",
                             "not a service type of the LEP list");
    if (rec->employer_id && strcmp(refs->audience, "person") == 0)
        incrocio_problem_add(errors, "/employer_id", "service_type.audience",
                             "a service for people names no employer");
    else if (!refs->employer_ok)
        incrocio_problem_add(errors, "/employer_id", "employer.unknown", "no employer has this id");
    if (rec->job_seeker_id && strcmp(refs->audience, "employer") == 0)
        incrocio_problem_add(errors, "/job_seeker_id", "service_type.audience",
                             "a service for employers names no job seeker");
    else if (!refs->job_seeker_ok)
        incrocio_problem_add(errors, "/job_seeker_id", "job_seeker.unknown",
                             "no (live) job seeker has this id");
}

void incrocio_api_service_record_create(const struct _u_request *req, struct _u_response *resp,
                                        struct incrocio_req *ctx)
{
    struct incrocio_service_record rec;
    struct incrocio_service_record_refs refs;
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *doc = NULL;
    char today[11], id[37] = "", location[64];
    incrocio_err err;

    incrocio_api_today(today);
    parse(ctx->body, today, &rec, errors);
    if (json_array_size(errors) > 0) {
        incrocio_api_validation_failed(req, resp, ctx, errors);
        return;
    }
    if (ctx->who.role == INCROCIO_ROLE_OPERATOR &&
        !incrocio_principal_has_office(&ctx->who, rec.office_code)) {
        json_decref(errors);
        incrocio_problem_send(req, resp, ctx, 403, "forbidden",
                              "operators record the services of their own offices only", NULL);
        return;
    }
    if (!incrocio_api_begin(req, resp, ctx, &conn)) {
        json_decref(errors);
        return;
    }
    err = incrocio_db_service_record_refs(conn, &rec, &refs);
    if (err == INCROCIO_OK) {
        check_refs(&rec, &refs, errors);
        if (json_array_size(errors) > 0) {
            incrocio_db_checkin(ctx->app->pool, conn);
            incrocio_api_validation_failed(req, resp, ctx, errors);
            return;
        }
    }
    json_decref(errors);
    if (err == INCROCIO_OK)
        err = incrocio_db_service_record_insert(conn, &rec, ctx->who.key_id, id);
    if (err == INCROCIO_OK)
        err = incrocio_audit_record(conn, ctx, "create", "service_record", id, rec.job_seeker_id);
    if (err == INCROCIO_OK)
        err = incrocio_db_service_record_get(conn, id, &doc);
    if (incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        snprintf(location, sizeof location, "/v1/service-records/%s", id);
        incrocio_respond_header(resp, "Location", location);
        incrocio_api_send_versioned(resp, 201, doc);
    }
    json_decref(doc);
}

/* A record that names a job seeker is a read of that person's data. */
static incrocio_err audit_read(struct incrocio_db_conn *conn, const struct incrocio_req *ctx,
                               const json_t *doc)
{
    const char *js = json_string_value(json_object_get(doc, "job_seeker_id"));

    if (js == NULL)
        return INCROCIO_OK;
    return incrocio_audit_record(conn, ctx, "read", "service_record",
                                 json_string_value(json_object_get(doc, "id")), js);
}

void incrocio_api_service_record_get(const struct _u_request *req, struct _u_response *resp,
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
    err = incrocio_db_service_record_get(conn, id, &doc);
    if (err == INCROCIO_OK)
        err = audit_read(conn, ctx, doc);
    if (incrocio_api_finish(req, resp, ctx, conn, err, NULL))
        incrocio_api_send_current(req, resp, doc);
    json_decref(doc);
}

void incrocio_api_service_records_list(const struct _u_request *req, struct _u_response *resp,
                                       struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"limit",       "cursor", "office", "service_type",
                                          "channel",     "from",   "to",     "job_seeker_id",
                                          "employer_id", NULL};
    static const char *const keep[] = {"office", "service_type",  "channel",     "from",
                                       "to",     "job_seeker_id", "employer_id", NULL};
    struct incrocio_service_record_filter f = {0};
    struct incrocio_page page;
    struct incrocio_db_conn *conn;
    json_t *errors = json_array(), *items, *doc;
    char last_id[37] = "";
    const char *v;
    incrocio_err err;
    int more = 0;
    size_t i;

    incrocio_query_reject_unknown(req, allowed, errors);
    incrocio_query_page(req, CURSOR_SCOPE, &page, errors);
    if (page.has_after && !incrocio_valid_uuid(page.after))
        incrocio_problem_add_param(errors, "cursor", "cursor.invalid",
                                   "cursor is not one this collection gave out");
    if ((v = f.office = incrocio_query_get(req, "office")) && !incrocio_office_code_valid(v))
        incrocio_problem_add_param(errors, "office", "office.syntax",
                                   "office must be an office code such as AV01");
    if ((v = f.service_type = incrocio_query_get(req, "service_type")) && !service_type_shaped(v))
        incrocio_problem_add_param(errors, "service_type", "service_type.syntax",
                                   "service_type must be a code of the LEP list such as did");
    if ((v = f.channel = incrocio_query_get(req, "channel")) &&
        !incrocio_code_in(incrocio_statistics_channels, v))
        incrocio_problem_add_param(errors, "channel", "channel.unknown",
                                   "channel must be in_person, platform, email, phone or video");
    if ((v = f.from = incrocio_query_get(req, "from")) && !incrocio_valid_date(v))
        incrocio_problem_add_param(errors, "from", "from.syntax", "from must be a date YYYY-MM-DD");
    if ((v = f.to = incrocio_query_get(req, "to")) && !incrocio_valid_date(v))
        incrocio_problem_add_param(errors, "to", "to.syntax", "to must be a date YYYY-MM-DD");
    if ((v = f.job_seeker_id = incrocio_query_get(req, "job_seeker_id")) && !incrocio_valid_uuid(v))
        incrocio_problem_add_param(errors, "job_seeker_id", "job_seeker_id.syntax",
                                   "job_seeker_id must be a job seeker's id");
    if ((v = f.employer_id = incrocio_query_get(req, "employer_id")) && !incrocio_valid_uuid(v))
        incrocio_problem_add_param(errors, "employer_id", "employer_id.syntax",
                                   "employer_id must be an employer's id");
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    f.after_id = page.has_after ? page.after : NULL;
    f.limit = page.limit;
    if (!incrocio_api_begin(req, resp, ctx, &conn))
        return;
    items = json_array();
    err = incrocio_db_service_records_list(conn, &f, items, &more, last_id);
    if (err == INCROCIO_OK) {
        /* the records that name a person, read in one statement */
        json_t *named = json_array();

        json_array_foreach (items, i, doc) {
            if (json_is_string(json_object_get(doc, "job_seeker_id")))
                json_array_append(named, doc);
        }
        err = incrocio_audit_record_items(conn, ctx, "read", "service_record", named, "id",
                                          "job_seeker_id");
        json_decref(named);
    }
    if (!incrocio_api_finish(req, resp, ctx, conn, err, NULL)) {
        json_decref(items);
        return;
    }
    incrocio_api_send_page(req, resp, "/v1/service-records", CURSOR_SCOPE, page.limit, more,
                           last_id, items, keep);
}
