/* /v1/statistics/…: what the region monitors, as aggregates that name no
 * one: which share of the CPIs delivered each LEP service through each
 * channel in a period, and the matching's figures (vacancies, candidacies,
 * hires) per office. Read by admins and operators (every office). */
#include "incrocio/statistics.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/api.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/query.h"
#include "incrocio/respond.h"
#include "incrocio/stats.h"

/* The period's faults into errors; 1 when it is good. */
static int period_ok(const struct _u_request *req, json_t *errors)
{
    struct incrocio_stats_fault faults[2];
    size_t n = incrocio_stats_period_check(incrocio_query_get(req, "from"),
                                           incrocio_query_get(req, "to"), faults);

    for (size_t i = 0; i < n; i++)
        incrocio_problem_add_param(errors, faults[i].param, faults[i].code, faults[i].detail);
    return n == 0;
}

static json_t *counts_new(json_int_t offices, json_int_t records, json_int_t surveyed)
{
    return json_pack("{s:I, s:f, s:I}", "offices", offices, "share",
                     incrocio_stats_share((long)offices, (long)surveyed), "records", records);
}

/* Every channel with zeros, to be filled in. */
static json_t *channels_new(void)
{
    json_t *channels = json_object();

    for (size_t c = 0; incrocio_statistics_channels[c]; c++)
        json_object_set_new(channels, incrocio_statistics_channels[c], counts_new(0, 0, 0));
    return channels;
}

/* The response of service-delivery from the service types and the rows of
 * incrocio_db_statistics_delivery; given: the number of offices the caller
 * named, or -1 for "those with any record". */
static json_t *delivery_body_new(const char *from, const char *to, long given, json_t *types,
                                 const json_t *rows)
{
    json_t *by_code = json_object(), *channels = channels_new(), *row, *t, *body;
    json_int_t surveyed = 0, records = 0;
    size_t i;

    json_array_foreach (rows, i, row) {
        if (json_is_null(json_object_get(row, "service_type")) &&
            json_is_null(json_object_get(row, "channel"))) {
            surveyed = json_integer_value(json_object_get(row, "offices"));
            records = json_integer_value(json_object_get(row, "records"));
        }
    }
    if (given >= 0)
        surveyed = given;
    json_array_foreach (types, i, t) {
        json_object_update_new(t, counts_new(0, 0, 0));
        json_object_set_new(t, "channels", channels_new());
        json_object_set(by_code, json_string_value(json_object_get(t, "service_type")), t);
    }
    json_array_foreach (rows, i, row) {
        const char *st = json_string_value(json_object_get(row, "service_type"));
        const char *ch = json_string_value(json_object_get(row, "channel"));
        json_int_t o = json_integer_value(json_object_get(row, "offices"));
        json_int_t r = json_integer_value(json_object_get(row, "records"));
        json_t *target = st ? json_object_get(by_code, st) : NULL;

        if (st && target == NULL)
            continue; /* a type added since the list was read: not in this answer */
        if (st && ch)
            json_object_set_new(json_object_get(target, "channels"), ch,
                                counts_new(o, r, surveyed));
        else if (st)
            json_object_update_new(target, counts_new(o, r, surveyed));
        else if (ch)
            json_object_set_new(channels, ch, counts_new(o, r, surveyed));
    }
    json_decref(by_code);
    body =
        json_pack("{s:s, s:s, s:I, s:s, s:O, s:o, s:I}", "from", from, "to", to, "offices_surveyed",
                  surveyed, "surveyed", given >= 0 ? "given" : "with_records", "services", types,
                  "channels", channels, "records", records);
    return body;
}

void incrocio_api_statistics_delivery(const struct _u_request *req, struct _u_response *resp,
                                      struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"from", "to", "offices", NULL};
    const char *list = incrocio_query_get(req, "offices");
    char codes[INCROCIO_STATS_MAX_OFFICES][8], array[INCROCIO_STATS_MAX_OFFICES * 5 + 3] = "{";
    struct incrocio_db_conn *conn;
    struct incrocio_db_pool *pool; /* the replica while it is healthy: aggregates may lag */
    json_t *errors = json_array(), *unknown, *types, *rows, *body;
    size_t n = 0;
    incrocio_err err;

    incrocio_query_reject_unknown(req, allowed, errors);
    period_ok(req, errors);
    if (list != NULL) {
        const char *code =
            incrocio_stats_offices_parse(list, codes, INCROCIO_STATS_MAX_OFFICES, &n);

        if (code != NULL)
            incrocio_problem_add_param(
                errors, "offices", code,
                "offices must be 1 to 64 distinct office codes separated by commas, e.g. "
                "AV01,AV02");
    }
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    /* Codes are checked to be AA00: the literal is safe, and still a parameter. */
    for (size_t i = 0, at = 1; i < n; i++) {
        if (i > 0)
            array[at++] = ',';
        memcpy(array + at, codes[i], 4);
        at += 4;
        array[at] = '}';
        array[at + 1] = '\0';
    }
    if (n == 0)
        strcpy(array, "{}");
    if (!incrocio_api_begin_read(req, resp, ctx, &pool, &conn)) {
        json_decref(errors);
        return;
    }
    unknown = json_array();
    types = json_array();
    rows = json_array();
    err = list ? incrocio_db_statistics_unknown_offices(conn, array, unknown) : INCROCIO_OK;
    if (err == INCROCIO_OK && json_array_size(unknown) > 0) {
        char detail[160];

        incrocio_db_checkin(pool, conn);
        snprintf(detail, sizeof detail, "no office has the code %s",
                 json_string_value(json_array_get(unknown, 0)));
        incrocio_problem_add_param(errors, "offices", "offices.unknown", detail);
        incrocio_query_fail(req, resp, ctx, errors);
        json_decref(unknown);
        json_decref(types);
        json_decref(rows);
        return;
    }
    json_decref(errors);
    json_decref(unknown);
    if (err == INCROCIO_OK)
        err = incrocio_db_statistics_service_types(conn, types);
    if (err == INCROCIO_OK)
        err = incrocio_db_statistics_delivery(conn, incrocio_query_get(req, "from"),
                                              incrocio_query_get(req, "to"), list ? array : NULL,
                                              rows);
    if (incrocio_api_finish_read(req, resp, ctx, pool, conn, err)) {
        body = delivery_body_new(incrocio_query_get(req, "from"), incrocio_query_get(req, "to"),
                                 list ? (long)n : -1, types, rows);
        incrocio_respond_json(resp, 200, body, NULL);
        json_decref(body);
    }
    json_decref(types);
    json_decref(rows);
}

/* The sum of every office's figures. */
static json_t *total_new(const json_t *offices)
{
    static const char *const counts[] = {"vacancies_published", "positions", "places", "hires",
                                         NULL};
    json_t *total =
        json_pack("{s:I, s:I, s:I, s:{s:I, s:{}}, s:I}", "vacancies_published", (json_int_t)0,
                  "positions", (json_int_t)0, "places", (json_int_t)0, "candidacies", "total",
                  (json_int_t)0, "by_stage", "hires", (json_int_t)0);
    json_t *cand = json_object_get(total, "candidacies");
    json_t *by_stage = json_object_get(cand, "by_stage"), *o;
    size_t i;

    for (size_t s = 0; incrocio_statistics_stages[s]; s++)
        json_object_set_new(by_stage, incrocio_statistics_stages[s], json_integer(0));
    json_array_foreach (offices, i, o) {
        const json_t *oc = json_object_get(o, "candidacies");

        for (size_t k = 0; counts[k]; k++)
            json_object_set_new(total, counts[k],
                                json_integer(json_integer_value(json_object_get(total, counts[k])) +
                                             json_integer_value(json_object_get(o, counts[k]))));
        json_object_set_new(cand, "total",
                            json_integer(json_integer_value(json_object_get(cand, "total")) +
                                         json_integer_value(json_object_get(oc, "total"))));
        for (size_t s = 0; incrocio_statistics_stages[s]; s++) {
            const char *st = incrocio_statistics_stages[s];
            json_object_set_new(by_stage, st,
                                json_integer(json_integer_value(json_object_get(by_stage, st)) +
                                             json_integer_value(json_object_get(
                                                 json_object_get(oc, "by_stage"), st))));
        }
    }
    return total;
}

void incrocio_api_statistics_matching(const struct _u_request *req, struct _u_response *resp,
                                      struct incrocio_req *ctx)
{
    static const char *const allowed[] = {"from", "to", "office", NULL};
    const char *office = incrocio_query_get(req, "office");
    struct incrocio_db_conn *conn;
    struct incrocio_db_pool *pool; /* the replica while it is healthy: aggregates may lag */
    json_t *errors = json_array(), *offices, *body;
    incrocio_err err;

    incrocio_query_reject_unknown(req, allowed, errors);
    period_ok(req, errors);
    if (office != NULL && !incrocio_office_code_valid(office))
        incrocio_problem_add_param(errors, "office", "office.syntax",
                                   "office must be an office code such as AV01");
    if (json_array_size(errors) > 0) {
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    if (!incrocio_api_begin_read(req, resp, ctx, &pool, &conn)) {
        json_decref(errors);
        return;
    }
    offices = json_array();
    err = incrocio_db_statistics_matching(conn, incrocio_query_get(req, "from"),
                                          incrocio_query_get(req, "to"), office, offices);
    if (err == INCROCIO_OK && office != NULL && json_array_size(offices) == 0) {
        incrocio_db_checkin(pool, conn);
        json_decref(offices);
        incrocio_problem_add_param(errors, "office", "office.unknown", "no office has this code");
        incrocio_query_fail(req, resp, ctx, errors);
        return;
    }
    json_decref(errors);
    if (incrocio_api_finish_read(req, resp, ctx, pool, conn, err)) {
        body = json_pack("{s:s, s:s, s:o, s:O, s:o}", "from", incrocio_query_get(req, "from"), "to",
                         incrocio_query_get(req, "to"), "office",
                         office ? json_string(office) : json_null(), "offices", offices, "total",
                         total_new(offices));
        incrocio_respond_json(resp, 200, body, NULL);
        json_decref(body);
    }
    json_decref(offices);
}
