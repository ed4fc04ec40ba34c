/* src/domain/vacancy.c: the vacancy's document, its canonical form, every
 * validation error, the criteria the law forbids, and the publish check. */
#include <jansson.h>

#include "unit.h"

#include "incrocio/codes.h"
#include "incrocio/job_seeker.h"
#include "incrocio/vacancy.h"

#define TODAY "2026-11-26"

/* ---- helpers --------------------------------------------------------------- */

static json_t *canonical_ok(size_t row, const json_t *doc)
{
    json_t *errors = json_array();
    json_t *c = incrocio_vacancy_canonical_new(doc, TODAY, errors);

    if (c == NULL || json_array_size(errors) != 0) {
        char *e = json_dumps(errors, 0);
        fail_msg("row %zu: unexpected errors %s", row, e ? e : "(null)");
    }
    json_decref(errors);
    return c;
}

/* The errors of doc must be exactly these, in this order. */
static void expect_errors(size_t row, const json_t *doc, size_t n, const char *const *pointers,
                          const char *const *codes)
{
    json_t *errors = json_array();
    json_t *got = incrocio_vacancy_canonical_new(doc, TODAY, errors);

    if (got != NULL || json_array_size(errors) != n) {
        char *e = json_dumps(errors, 0);
        fail_msg("row %zu: %zu errors, want %zu: %s", row, json_array_size(errors), n,
                 e ? e : "(null)");
    }
    for (size_t i = 0; i < n; i++) {
        ROW_STR(row, err_field(errors, i, "pointer"), pointers[i]);
        ROW_STR(row, err_field(errors, i, "code"), codes[i]);
        ROW_INT(row, strlen(err_field(errors, i, "detail")) > 0, 1);
        ROW_INT(row, json_object_size(json_array_get(errors, i)), 3);
        if (strcmp(codes[i], "criteria.forbidden") == 0)
            ROW_STR(row, err_field(errors, i, "detail"),
                    "requirements on age, sex, citizenship, marital status or other protected "
                    "attributes are not allowed (D.Lgs 276/2003 art. 10)");
    }
    json_decref(errors);
}

static void expect_error(size_t row, const json_t *doc, const char *pointer, const char *code)
{
    expect_errors(row, doc, 1, &pointer, &code);
}

/* ---- the documents ------------------------------------------------------------ */

/* Valid, with what to normalise: an upper-case UUID, an integer longitude and
 * pay, lower-case CEFR and licence, an upper-case language, unsorted licences,
 * defaults left out. */
static const char *const full_doc =
    "{\"employer_id\": \"123E4567-E89B-12D3-A456-426614174000\", \"office_code\": \"CE01\","
    " \"title\": \"Cucina, stagione invernale\","
    " \"description\": \"Ristorante a Teano cerca:\\n- cuochi\\n- aiuto cuochi\","
    " \"valid_from\": \"2026-12-01\", \"valid_until\": \"2027-02-28\","
    " \"positions\": ["
    "  {\"occupation_code\": \"5.2.2.1.0\", \"title\": \"Cuoco\", \"quantity\": 2,"
    "   \"contract_type\": \"determinato\", \"working_time\": \"full_time\","
    "   \"weekly_hours\": 40, \"shifts\": true,"
    "   \"workplace\": {\"comune_istat\": \"061090\", \"lat\": 41.25, \"lon\": 14},"
    "   \"remote_share\": 0, \"pay\": {\"min\": 1400, \"max\": 1700.5, \"period\": \"month\"},"
    "   \"requirements\": {\"skills\": [{\"code\": \"haccp\", \"must_have\": true,"
    "     \"weight\": 2}, {\"code\": \"esco:cook-1\"}],"
    "    \"education\": {\"min_eqf\": 3},"
    "    \"languages\": [{\"code\": \"EN\", \"min_cefr\": \"a2\"},"
    "     {\"code\": \"de\", \"min_cefr\": \"B1\", \"required\": true}],"
    "    \"licences\": [\"CQC\", \"b\"], \"min_experience_months\": 12,"
    "    \"max_distance_km\": 40},"
    "   \"l68_reserved\": false, \"apprenticeship\": false},"
    "  {\"id\": \"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\", \"occupation_code\": \"5.2.2.3.0\","
    "   \"title\": \"Aiuto cuoco\", \"contract_type\": \"apprendistato\","
    "   \"working_time\": \"part_time\", \"weekly_hours\": 24,"
    "   \"workplace\": {\"comune_istat\": \"061090\"}, \"l68_reserved\": true,"
    "   \"apprenticeship\": true}]}";

static const char *const full_canonical =
    "{\"employer_id\": \"123e4567-e89b-12d3-a456-426614174000\", \"office_code\": \"CE01\","
    " \"title\": \"Cucina, stagione invernale\","
    " \"description\": \"Ristorante a Teano cerca:\\n- cuochi\\n- aiuto cuochi\","
    " \"valid_from\": \"2026-12-01\", \"valid_until\": \"2027-02-28\","
    " \"positions\": ["
    "  {\"id\": null, \"occupation_code\": \"5.2.2.1.0\", \"title\": \"Cuoco\", \"quantity\": 2,"
    "   \"contract_type\": \"determinato\", \"working_time\": \"full_time\","
    "   \"weekly_hours\": 40, \"shifts\": true,"
    "   \"workplace\": {\"comune_istat\": \"061090\", \"lat\": 41.25, \"lon\": 14.0},"
    "   \"remote_share\": 0,"
    "   \"pay\": {\"min\": 1400.0, \"max\": 1700.5, \"period\": \"month\"},"
    "   \"requirements\": {\"skills\": [{\"code\": \"haccp\", \"must_have\": true,"
    "     \"weight\": 2}, {\"code\": \"esco:cook-1\", \"must_have\": false, \"weight\": 1}],"
    "    \"education\": {\"min_eqf\": 3, \"required\": false},"
    "    \"languages\": [{\"code\": \"en\", \"min_cefr\": \"A2\", \"required\": false},"
    "     {\"code\": \"de\", \"min_cefr\": \"B1\", \"required\": true}],"
    "    \"licences\": [\"B\", \"CQC\"], \"min_experience_months\": 12,"
    "    \"max_distance_km\": 40},"
    "   \"l68_reserved\": false, \"apprenticeship\": false},"
    "  {\"id\": \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\", \"occupation_code\": \"5.2.2.3.0\","
    "   \"title\": \"Aiuto cuoco\", \"quantity\": 1, \"contract_type\": \"apprendistato\","
    "   \"working_time\": \"part_time\", \"weekly_hours\": 24, \"shifts\": false,"
    "   \"workplace\": {\"comune_istat\": \"061090\", \"lat\": null, \"lon\": null},"
    "   \"remote_share\": 0, \"pay\": null,"
    "   \"requirements\": {\"skills\": [], \"education\": null, \"languages\": [],"
    "    \"licences\": [], \"min_experience_months\": 0, \"max_distance_km\": null},"
    "   \"l68_reserved\": true, \"apprenticeship\": true}]}";

/* A draft: only what every save needs. */
static const char *const draft_doc =
    "{\"employer_id\": \"123e4567-e89b-12d3-a456-426614174000\", \"office_code\": \"CE01\","
    " \"title\": \"Cuochi\"}";

static const char *const draft_canonical =
    "{\"employer_id\": \"123e4567-e89b-12d3-a456-426614174000\", \"office_code\": \"CE01\","
    " \"title\": \"Cuochi\", \"description\": null, \"valid_from\": null,"
    " \"valid_until\": null, \"positions\": []}";

/* doc (the full document unless NULL) with a merge patch applied to: 0 the
 * document, 1 its first position, 2 that position's requirements. */
static json_t *patched(const char *doc, int where, const char *patch_text)
{
    json_t *base = load(doc ? doc : full_doc), *patch = load(patch_text), *target, *merged;
    json_t *pos = json_array_get(json_object_get(base, "positions"), 0);

    target = where == 0 ? base : where == 1 ? pos : json_object_get(pos, "requirements");
    merged = incrocio_json_merge_patch_new(target, patch);
    assert_non_null(merged);
    json_decref(patch);
    if (where == 0) {
        json_decref(base);
        return merged;
    }
    if (where == 1)
        json_array_set_new(json_object_get(base, "positions"), 0, merged);
    else
        json_object_set_new(pos, "requirements", merged);
    return base;
}

/* ---- valid documents ------------------------------------------------------------ */

static void test_full(void **state)
{
    json_t *doc = load(full_doc), *want = load(full_canonical), *got, *again;

    (void)state;
    got = canonical_ok(0, doc);
    assert_json_equal(0, got, want);
    assert_int_equal(json_object_size(got), 7);
    /* The canonical form is a fixed point. */
    again = canonical_ok(1, got);
    assert_json_equal(1, again, want);
    /* The input is left alone. */
    assert_string_equal(json_string_value(json_object_get(doc, "employer_id")),
                        "123E4567-E89B-12D3-A456-426614174000");
    json_decref(again);
    json_decref(got);
    json_decref(want);
    json_decref(doc);
}

static void test_draft(void **state)
{
    json_t *doc = load(draft_doc), *want = load(draft_canonical), *got;
    static const char *const optional[] = {"description", "valid_from", "valid_until", "positions"};

    (void)state;
    got = canonical_ok(0, doc);
    assert_json_equal(0, got, want);
    json_decref(got);
    /* Null is the same as absent; an empty list of positions too. */
    for (size_t i = 0; i < N_ELEMS(optional); i++)
        json_object_set_new(doc, optional[i], json_null());
    got = canonical_ok(1, doc);
    assert_json_equal(1, got, want);
    json_decref(got);
    json_object_set_new(doc, "positions", json_array());
    got = canonical_ok(2, doc);
    assert_json_equal(2, got, want);
    json_decref(got);
    json_decref(want);
    json_decref(doc);
}

/* A position with only what it needs takes every default; so do its
 * requirements given as an empty object or null. */
static void test_position_defaults(void **state)
{
    static const char *const requirements[] = {"", ", \"requirements\": {}",
                                               ", \"requirements\": null"};
    json_t *want = load("{\"id\": null, \"occupation_code\": \"8.1.4.2.0\", \"title\": \"x\","
                        " \"quantity\": 1, \"contract_type\": \"intermittente\","
                        " \"working_time\": \"full_time\", \"weekly_hours\": null,"
                        " \"shifts\": false, \"workplace\": {\"comune_istat\": \"061090\","
                        " \"lat\": null, \"lon\": null}, \"remote_share\": 0, \"pay\": null,"
                        " \"requirements\": {\"skills\": [], \"education\": null,"
                        " \"languages\": [], \"licences\": [], \"min_experience_months\": 0,"
                        " \"max_distance_km\": null},"
                        " \"l68_reserved\": false, \"apprenticeship\": false}");

    (void)state;
    for (size_t i = 0; i < N_ELEMS(requirements); i++) {
        char text[512];
        json_t *doc, *got;

        snprintf(text, sizeof text,
                 "{\"positions\": [{\"occupation_code\": \"8.1.4.2.0\", \"title\": \"x\","
                 " \"contract_type\": \"intermittente\","
                 " \"workplace\": {\"comune_istat\": \"061090\"}%s}]}",
                 requirements[i]);
        doc = patched(draft_doc, 0, text);
        got = canonical_ok(i, doc);
        assert_json_equal(i, json_array_get(json_object_get(got, "positions"), 0), want);
        json_decref(got);
        json_decref(doc);
    }
    json_decref(want);
}

/* Boundaries that are valid. */
static void test_valid_edges(void **state)
{
    const struct {
        int where;
        const char *patch;
    } rows[] = {
        {0, "{\"valid_from\": \"2026-12-01\", \"valid_until\": \"2026-12-01\"}"},
        /* structure does not look at today: an expired vacancy can still be saved */
        {0, "{\"valid_from\": \"2001-01-01\", \"valid_until\": \"2001-01-31\"}"},
        {0, "{\"valid_from\": null, \"valid_until\": \"2027-01-01\"}"},
        {0, "{\"description\": \"Tab\\tand\\r\\nCRLF\"}"},
        {1, "{\"quantity\": 1, \"weekly_hours\": 1, \"remote_share\": 100}"},
        {1, "{\"quantity\": 1000, \"weekly_hours\": 60}"},
        {1, "{\"working_time\": \"part_time\", \"weekly_hours\": null}"},
        {1, "{\"workplace\": {\"lat\": 35, \"lon\": 6}}"},
        {1, "{\"workplace\": {\"lat\": 48, \"lon\": 19}}"},
        {1, "{\"workplace\": {\"lat\": null, \"lon\": null}}"},
        {1, "{\"pay\": {\"min\": 0, \"max\": 0, \"period\": \"hour\"}}"},
        {1, "{\"pay\": {\"min\": 9.5, \"max\": 9.5, \"period\": \"hour\"}}"},
        {1, "{\"pay\": {\"min\": 20000, \"max\": 10000000, \"period\": \"year\"}}"},
        {1, "{\"pay\": null}"},
        {1, "{\"id\": \"00000000-0000-0000-0000-000000000000\"}"},
        {1, "{\"contract_type\": \"apprendistato\", \"apprenticeship\": true}"},
        {1, "{\"contract_type\": \"tirocinio\"}"},
        {2, "{\"education\": {\"min_eqf\": 1, \"required\": true}}"},
        {2, "{\"education\": {\"min_eqf\": 8}}"},
        {2, "{\"education\": null, \"languages\": null, \"skills\": null, \"licences\": null}"},
        {2, "{\"min_experience_months\": 0, \"max_distance_km\": 1}"},
        {2, "{\"min_experience_months\": 600, \"max_distance_km\": 1000}"},
        {2, "{\"max_distance_km\": null}"},
        {2, "{\"skills\": [{\"code\": \"a\", \"weight\": 1}, {\"code\": \"A\", \"weight\": 5}]}"},
        {2, "{\"languages\": [{\"code\": \"it\", \"min_cefr\": \"C2\"}]}"},
        {2, "{\"licences\": [\"AM\", \"A1\", \"A2\", \"A\", \"B1\", \"B\", \"BE\", \"C1\", "
            "\"C1E\", \"C\", \"CE\", \"D1\", \"D1E\", \"D\", \"DE\", \"CQC\"]}"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *doc = patched(NULL, rows[i].where, rows[i].patch);

        json_decref(canonical_ok(i, doc));
        json_decref(doc);
    }
}

/* ---- one invalid field at a time ----------------------------------------------------- */

#define P "/positions/0"
#define R "/positions/0/requirements"

static const struct err_row {
    int where; /* what the patch applies to: see patched() */
    const char *patch;
    const char *pointer;
    const char *code;
} err_rows[] = {
    /* employer_id, office_code */
    {0, "{\"employer_id\": null}", "/employer_id", "field.required"},
    {0, "{\"employer_id\": 5}", "/employer_id", "field.type"},
    {0, "{\"employer_id\": \"123\"}", "/employer_id", "field.format"},
    {0, "{\"employer_id\": \"123e4567e89b12d3a456426614174000\"}", "/employer_id", "field.format"},
    {0, "{\"employer_id\": \"123e4567-e89b-12d3-a456-42661417400g\"}", "/employer_id",
     "field.format"},
    {0, "{\"office_code\": null}", "/office_code", "field.required"},
    {0, "{\"office_code\": 1}", "/office_code", "field.type"},
    {0, "{\"office_code\": \"ce01\"}", "/office_code", "field.format"},
    /* title, description */
    {0, "{\"title\": null}", "/title", "field.required"},
    {0, "{\"title\": 1}", "/title", "field.type"},
    {0, "{\"title\": \"\"}", "/title", "field.length"},
    {0, "{\"title\": \"Cuochi\\nestate\"}", "/title", "field.format"},
    {0, "{\"description\": 1}", "/description", "field.type"},
    {0, "{\"description\": \"\"}", "/description", "field.length"},
    {0, "{\"description\": \"a\\u0001b\"}", "/description", "field.format"},
    {0, "{\"description\": \"a\\u007fb\"}", "/description", "field.format"},
    /* dates */
    {0, "{\"valid_from\": 20261201}", "/valid_from", "field.type"},
    {0, "{\"valid_from\": \"2026-13-01\"}", "/valid_from", "field.format"},
    {0, "{\"valid_from\": \"01/12/2026\"}", "/valid_from", "field.format"},
    {0, "{\"valid_until\": \"2027-02-29\"}", "/valid_until", "field.format"},
    {0, "{\"valid_until\": \"2026-11-30\"}", "/valid_until", "valid_until.before_from"},
    {0, "{\"valid_from\": \"2027-03-01\"}", "/valid_until", "valid_until.before_from"},
    /* positions */
    {0, "{\"positions\": {}}", "/positions", "field.type"},
    {0, "{\"positions\": [1]}", "/positions/0", "field.type"},
    {0, "{\"positions\": [[]]}", "/positions/0", "field.type"},
    /* read-only and unknown members */
    {0, "{\"id\": \"123e4567-e89b-12d3-a456-426614174000\"}", "/id", "field.read_only"},
    {0, "{\"version\": 2}", "/version", "field.read_only"},
    {0, "{\"state\": \"published\"}", "/state", "field.read_only"},
    {0, "{\"created_at\": \"2026-01-01T00:00:00Z\"}", "/created_at", "field.read_only"},
    {0, "{\"updated_at\": \"2026-01-01T00:00:00Z\"}", "/updated_at", "field.read_only"},
    {0, "{\"published_at\": \"2026-01-01T00:00:00Z\"}", "/published_at", "field.read_only"},
    {0, "{\"closed_at\": \"2026-01-01T00:00:00Z\"}", "/closed_at", "field.read_only"},
    {0, "{\"employer\": {\"name\": \"x\"}}", "/employer", "field.read_only"},
    {0, "{\"employer_name\": \"x\"}", "/employer_name", "field.read_only"},
    {0, "{\"foo\": 1}", "/foo", "field.unknown"},
    {0, "{\"Title\": \"x\"}", "/Title", "field.unknown"},
    {0, "{\"a~b\": 1}", "/a~0b", "field.unknown"},
    /* a position */
    {1, "{\"id\": 1}", P "/id", "field.type"},
    {1, "{\"id\": \"x\"}", P "/id", "field.format"},
    {1, "{\"occupation_code\": null}", P "/occupation_code", "field.required"},
    {1, "{\"occupation_code\": 52210}", P "/occupation_code", "field.type"},
    {1, "{\"occupation_code\": \"5.2.2.1\"}", P "/occupation_code", "field.format"},
    {1, "{\"title\": null}", P "/title", "field.required"},
    {1, "{\"title\": \"\"}", P "/title", "field.length"},
    {1, "{\"quantity\": 0}", P "/quantity", "field.range"},
    {1, "{\"quantity\": -1}", P "/quantity", "field.range"},
    {1, "{\"quantity\": 1001}", P "/quantity", "field.range"},
    {1, "{\"quantity\": \"2\"}", P "/quantity", "field.type"},
    {1, "{\"quantity\": 1.5}", P "/quantity", "field.type"},
    {1, "{\"contract_type\": null}", P "/contract_type", "field.required"},
    {1, "{\"contract_type\": 1}", P "/contract_type", "field.type"},
    {1, "{\"contract_type\": \"stagionale\"}", P "/contract_type", "contract_type.unknown"},
    {1, "{\"contract_type\": \"Determinato\"}", P "/contract_type", "contract_type.unknown"},
    {1, "{\"working_time\": \"any\"}", P "/working_time", "working_time.unknown"},
    {1, "{\"working_time\": \"half\"}", P "/working_time", "working_time.unknown"},
    {1, "{\"working_time\": 1}", P "/working_time", "field.type"},
    {1, "{\"weekly_hours\": 0}", P "/weekly_hours", "field.range"},
    {1, "{\"weekly_hours\": 61}", P "/weekly_hours", "field.range"},
    {1, "{\"weekly_hours\": \"40\"}", P "/weekly_hours", "field.type"},
    {1, "{\"shifts\": \"yes\"}", P "/shifts", "field.type"},
    {1, "{\"shifts\": 1}", P "/shifts", "field.type"},
    {1, "{\"workplace\": null}", P "/workplace", "field.required"},
    {1, "{\"workplace\": \"061090\"}", P "/workplace", "field.type"},
    {1, "{\"workplace\": {\"comune_istat\": null}}", P "/workplace/comune_istat", "field.required"},
    {1, "{\"workplace\": {\"comune_istat\": 61090}}", P "/workplace/comune_istat", "field.type"},
    {1, "{\"workplace\": {\"comune_istat\": \"6109\"}}", P "/workplace/comune_istat",
     "field.format"},
    {1, "{\"workplace\": {\"lat\": null}}", P "/workplace/lat", "field.required"},
    {1, "{\"workplace\": {\"lon\": null}}", P "/workplace/lon", "field.required"},
    {1, "{\"workplace\": {\"lat\": 34.9}}", P "/workplace/lat", "field.range"},
    {1, "{\"workplace\": {\"lon\": 19.1}}", P "/workplace/lon", "field.range"},
    {1, "{\"workplace\": {\"lon\": \"14\"}}", P "/workplace/lon", "field.type"},
    {1, "{\"workplace\": {\"address\": \"Via Roma 1\"}}", P "/workplace/address", "field.unknown"},
    {1, "{\"remote_share\": -1}", P "/remote_share", "field.range"},
    {1, "{\"remote_share\": 101}", P "/remote_share", "field.range"},
    {1, "{\"remote_share\": true}", P "/remote_share", "field.type"},
    {1, "{\"pay\": 1400}", P "/pay", "field.type"},
    {1, "{\"pay\": {\"min\": null}}", P "/pay/min", "field.required"},
    {1, "{\"pay\": {\"min\": \"1400\"}}", P "/pay/min", "field.type"},
    {1, "{\"pay\": {\"min\": -1}}", P "/pay/min", "field.range"},
    {1, "{\"pay\": {\"max\": null}}", P "/pay/max", "field.required"},
    {1, "{\"pay\": {\"max\": 1399.99}}", P "/pay/max", "pay.max_below_min"},
    {1, "{\"pay\": {\"max\": 10000000.5}}", P "/pay/max", "field.range"},
    {1, "{\"pay\": {\"period\": null}}", P "/pay/period", "field.required"},
    {1, "{\"pay\": {\"period\": \"week\"}}", P "/pay/period", "period.unknown"},
    {1, "{\"pay\": {\"period\": \"Month\"}}", P "/pay/period", "period.unknown"},
    {1, "{\"pay\": {\"currency\": \"EUR\"}}", P "/pay/currency", "field.unknown"},
    {1, "{\"requirements\": []}", P "/requirements", "field.type"},
    {1, "{\"l68_reserved\": 1}", P "/l68_reserved", "field.type"},
    {1, "{\"apprenticeship\": \"no\"}", P "/apprenticeship", "field.type"},
    {1, "{\"apprenticeship\": true}", P "/apprenticeship", "apprenticeship.contract_mismatch"},
    {1, "{\"contract_type\": \"apprendistato\"}", P "/apprenticeship",
     "apprenticeship.contract_mismatch"},
    {1, "{\"contract_type\": \"apprendistato\", \"apprenticeship\": false}", P "/apprenticeship",
     "apprenticeship.contract_mismatch"},
    {1, "{\"filled\": 1}", P "/filled", "field.read_only"},
    {1, "{\"state\": \"open\"}", P "/state", "field.unknown"},
    {1, "{\"salary\": 1500}", P "/salary", "field.unknown"},
    /* requirements */
    {2, "{\"skills\": {}}", R "/skills", "field.type"},
    {2, "{\"skills\": [1]}", R "/skills/0", "field.type"},
    {2, "{\"skills\": [{\"must_have\": true}]}", R "/skills/0/code", "field.required"},
    {2, "{\"skills\": [{\"code\": 1}]}", R "/skills/0/code", "field.type"},
    {2, "{\"skills\": [{\"code\": \"\"}]}", R "/skills/0/code", "field.length"},
    {2, "{\"skills\": [{\"code\": \"a b\"}]}", R "/skills/0/code", "field.format"},
    {2, "{\"skills\": [{\"code\": \"x\", \"must_have\": \"yes\"}]}", R "/skills/0/must_have",
     "field.type"},
    {2, "{\"skills\": [{\"code\": \"x\", \"weight\": 0}]}", R "/skills/0/weight", "field.range"},
    {2, "{\"skills\": [{\"code\": \"x\", \"weight\": 6}]}", R "/skills/0/weight", "field.range"},
    {2, "{\"skills\": [{\"code\": \"x\", \"weight\": \"2\"}]}", R "/skills/0/weight", "field.type"},
    {2, "{\"skills\": [{\"code\": \"x\"}, {\"code\": \"y\"}, {\"code\": \"x\"}]}",
     R "/skills/2/code", "skills.duplicate"},
    {2, "{\"skills\": [{\"code\": \"x\", \"level\": 3}]}", R "/skills/0/level", "field.unknown"},
    {2, "{\"education\": 3}", R "/education", "field.type"},
    {2, "{\"education\": {\"min_eqf\": null}}", R "/education/min_eqf", "field.required"},
    {2, "{\"education\": {\"min_eqf\": 0}}", R "/education/min_eqf", "field.range"},
    {2, "{\"education\": {\"min_eqf\": 9}}", R "/education/min_eqf", "field.range"},
    {2, "{\"education\": {\"min_eqf\": \"3\"}}", R "/education/min_eqf", "field.type"},
    {2, "{\"education\": {\"required\": 1}}", R "/education/required", "field.type"},
    {2, "{\"education\": {\"title\": \"Diploma\"}}", R "/education/title", "field.unknown"},
    {2, "{\"languages\": \"en\"}", R "/languages", "field.type"},
    {2, "{\"languages\": [\"en\"]}", R "/languages/0", "field.type"},
    {2, "{\"languages\": [{\"min_cefr\": \"B1\"}]}", R "/languages/0/code", "field.required"},
    {2, "{\"languages\": [{\"code\": \"xx\", \"min_cefr\": \"B1\"}]}", R "/languages/0/code",
     "languages.unknown"},
    {2, "{\"languages\": [{\"code\": 1, \"min_cefr\": \"B1\"}]}", R "/languages/0/code",
     "field.type"},
    {2, "{\"languages\": [{\"code\": \"en\"}]}", R "/languages/0/min_cefr", "field.required"},
    {2, "{\"languages\": [{\"code\": \"en\", \"min_cefr\": \"D1\"}]}", R "/languages/0/min_cefr",
     "cefr.unknown"},
    {2, "{\"languages\": [{\"code\": \"en\", \"min_cefr\": \"B1\", \"required\": \"yes\"}]}",
     R "/languages/0/required", "field.type"},
    {2,
     "{\"languages\": [{\"code\": \"en\", \"min_cefr\": \"B1\"}, {\"code\": \"EN\", "
     "\"min_cefr\": \"C1\"}]}",
     R "/languages/1/code", "languages.duplicate"},
    {2, "{\"languages\": [{\"code\": \"en\", \"min_cefr\": \"B1\", \"cefr\": \"B1\"}]}",
     R "/languages/0/cefr", "field.unknown"},
    {2, "{\"licences\": \"B\"}", R "/licences", "field.type"},
    {2, "{\"licences\": [1]}", R "/licences/0", "field.type"},
    {2, "{\"licences\": [\"Z\"]}", R "/licences/0", "licences.unknown"},
    {2, "{\"licences\": [\"B\", \"C\", \"b\"]}", R "/licences/2", "licences.duplicate"},
    {2, "{\"min_experience_months\": -1}", R "/min_experience_months", "field.range"},
    {2, "{\"min_experience_months\": 601}", R "/min_experience_months", "field.range"},
    {2, "{\"min_experience_months\": \"12\"}", R "/min_experience_months", "field.type"},
    {2, "{\"max_distance_km\": 0}", R "/max_distance_km", "field.range"},
    {2, "{\"max_distance_km\": 1001}", R "/max_distance_km", "field.range"},
    {2, "{\"max_distance_km\": 40.5}", R "/max_distance_km", "field.type"},
    {2, "{\"experience\": 12}", R "/experience", "field.unknown"},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(err_rows); i++) {
        json_t *doc = patched(NULL, err_rows[i].where, err_rows[i].patch);

        expect_error(i, doc, err_rows[i].pointer, err_rows[i].code);
        json_decref(doc);
    }
}

/* Lengths count characters; lists have a most. */
static void test_lengths(void **state)
{
    const struct {
        int where;
        const char *key, *unit;
        size_t max;
        const char *pointer;
    } rows[] = {
        {0, "title", "a", 200, "/title"},
        {0, "title", "\xc3\xa8", 200, "/title"},
        {0, "description", "\xe2\x82\xac", 5000, "/description"},
        {1, "title", "\xc3\xa8", 200, P "/title"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        for (size_t extra = 0; extra <= 1; extra++) {
            json_t *doc = load(full_doc);
            json_t *target =
                rows[i].where ? json_array_get(json_object_get(doc, "positions"), 0) : doc;
            char *s = unit_repeat(rows[i].unit, rows[i].max + extra);

            json_object_set_new(target, rows[i].key, json_string(s));
            if (extra)
                expect_error(i, doc, rows[i].pointer, "field.length");
            else
                json_decref(canonical_ok(i, doc));
            free(s);
            json_decref(doc);
        }
    }
    {
        json_t *doc = patched(NULL, 2, "{\"skills\": [{\"code\": \"x\"}]}");
        json_t *skill = json_array_get(
            json_object_get(json_object_get(json_array_get(json_object_get(doc, "positions"), 0),
                                            "requirements"),
                            "skills"),
            0);
        char *s = unit_repeat("k", 64);

        json_object_set_new(skill, "code", json_string(s));
        json_decref(canonical_ok(10, doc));
        free(s);
        s = unit_repeat("k", 65);
        json_object_set_new(skill, "code", json_string(s));
        expect_error(11, doc, R "/skills/0/code", "field.length");
        free(s);
        json_decref(doc);
    }
}

static json_t *list_item(const char *key, size_t k)
{
    char buf[32];

    if (strcmp(key, "positions") == 0)
        return json_pack("{s:s, s:s, s:s, s:{s:s}}", "occupation_code", "5.2.2.1.0", "title",
                         "Cuoco", "contract_type", "determinato", "workplace", "comune_istat",
                         "061090");
    if (strcmp(key, "skills") == 0) {
        snprintf(buf, sizeof buf, "s%zu", k);
        return json_pack("{s:s}", "code", buf);
    }
    if (strcmp(key, "languages") == 0)
        return json_pack("{s:s, s:s}", "code", incrocio_iso639_1[k], "min_cefr", "A1");
    return json_string(k < 16 ? incrocio_licences[k] : "B");
}

static void test_too_many(void **state)
{
    const struct {
        int where;
        const char *key;
        size_t max;
        const char *pointer;
    } rows[] = {
        {0, "positions", 50, "/positions"},
        {2, "skills", 50, R "/skills"},
        {2, "languages", 10, R "/languages"},
        {2, "licences", 16, R "/licences"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        for (size_t extra = 0; extra <= 1; extra++) {
            json_t *doc = load(full_doc), *arr = json_array(), *target = doc;

            if (rows[i].where == 2)
                target = json_object_get(json_array_get(json_object_get(doc, "positions"), 0),
                                         "requirements");
            for (size_t k = 0; k < rows[i].max + extra; k++)
                json_array_append_new(arr, list_item(rows[i].key, k));
            json_object_set_new(target, rows[i].key, arr);
            if (extra)
                expect_error(i, doc, rows[i].pointer, "field.too_many");
            else
                json_decref(canonical_ok(i, doc));
            json_decref(doc);
        }
    }
}

/* Every invalid field is reported, each once, in the document's order; the
 * forbidden criteria last. */
static void test_many_errors(void **state)
{
    static const char *const pointers[] = {
        "/employer_id",
        "/title",
        "/valid_until",
        "/positions/0/quantity",
        "/positions/0/working_time",
        "/positions/0/workplace/lon",
        "/positions/0/pay/max",
        "/positions/0/requirements/skills/1/code",
        "/positions/0/requirements/licences/0",
        "/positions/0/apprenticeship",
        "/positions/0/filled",
        "/positions/1",
        "/state",
        "/extra",
        "/positions/0/age",
        "/positions/0/requirements/sesso",
        "/extra/cittadinanza",
    };
    static const char *const codes[] = {
        "field.format",
        "field.length",
        "valid_until.before_from",
        "field.range",
        "working_time.unknown",
        "field.required",
        "pay.max_below_min",
        "skills.duplicate",
        "licences.unknown",
        "apprenticeship.contract_mismatch",
        "field.read_only",
        "field.type",
        "field.read_only",
        "field.unknown",
        "criteria.forbidden",
        "criteria.forbidden",
        "criteria.forbidden",
    };
    json_t *doc =
        load("{\"employer_id\": \"x\", \"office_code\": \"CE01\", \"title\": \"\","
             " \"valid_from\": \"2027-01-01\", \"valid_until\": \"2026-12-31\","
             " \"positions\": [{\"occupation_code\": \"5.2.2.1.0\", \"title\": \"Cuoco\","
             "  \"quantity\": 0, \"contract_type\": \"determinato\", \"working_time\": \"any\","
             "  \"workplace\": {\"comune_istat\": \"061090\", \"lat\": 41}, \"age\": 30,"
             "  \"pay\": {\"min\": 10, \"max\": 9, \"period\": \"hour\"},"
             "  \"requirements\": {\"skills\": [{\"code\": \"a\"}, {\"code\": \"a\"}],"
             "   \"licences\": [\"X\"], \"sesso\": \"F\"},"
             "  \"apprenticeship\": true, \"filled\": 1}, \"x\"],"
             " \"state\": \"draft\", \"extra\": {\"cittadinanza\": \"IT\"}}");

    (void)state;
    expect_errors(0, doc, N_ELEMS(pointers), pointers, codes);
    json_decref(doc);
}

static void test_not_an_object(void **state)
{
    static const char *const texts[] = {"[]", "null", "\"x\"", "1", "true"};

    (void)state;
    for (size_t i = 0; i < N_ELEMS(texts); i++) {
        json_t *doc = load(texts[i]);

        expect_error(i, doc, "", "field.type");
        json_decref(doc);
    }
    {
        json_t *errors = json_array();
        assert_null(incrocio_vacancy_canonical_new(NULL, TODAY, errors));
        assert_int_equal(json_array_size(errors), 1);
        json_decref(errors);
    }
}

/* ---- forbidden criteria ------------------------------------------------------------------ */

/* Every name of the list, and spellings of a few, at the top. */
static void test_forbidden_names(void **state)
{
    static const char *const names[] = {
        "age",
        "min_age",
        "max_age",
        "eta",
        "eta_minima",
        "eta_massima",
        "sex",
        "gender",
        "sesso",
        "genere",
        "citizenship",
        "nationality",
        "cittadinanza",
        "nazionalita",
        "marital_status",
        "stato_civile",
        "religion",
        "religione",
        "political_opinion",
        "orientamento_sessuale",
        "sexual_orientation",
        "pregnancy",
        "gravidanza",
        "disability",
        "disabilita",
        "ethnicity",
        "etnia",
        "birth_place",
        "luogo_di_nascita",
        "family_status",
        "figli",
        "union_membership",
        "sindacato",
        "health",
        "salute",
        "photo",
        "foto",
        /* spellings */
        "AGE",
        "Age",
        "minAge",
        "MaxAge",
        "min-age",
        "max age",
        "eta-minima",
        "EtaMassima",
        "_sex_",
        "Gender",
        "marital-status",
        "MaritalStatus",
        "Stato Civile",
        "et\xc3\xa0",         /* età */
        "ET\xc3\x80",         /* ETÀ */
        "et\xc3\xa0_minima",  /* età_minima */
        "nazionalit\xc3\xa0", /* nazionalità */
        "disabilit\xc3\xa0",  /* disabilità */
        /* synonyms */
        "birth_date",
        "date_of_birth",
        "data_di_nascita",
        "race",
        "children",
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(names); i++) {
        json_t *doc = load(draft_doc);
        char ptr[64];

        ROW_INT(i, incrocio_protected_attribute(names[i]), 1);
        json_object_set_new(doc, names[i], json_integer(18));
        snprintf(ptr, sizeof ptr, "/%s", names[i]);
        expect_error(i, doc, ptr, "criteria.forbidden");
        json_decref(doc);
    }
}

/* Names near the forbidden ones are simply unknown. */
static void test_not_forbidden(void **state)
{
    static const char *const names[] = {
        "agency",
        "page",
        "stage",
        "ages",
        "aged",
        "sextant",
        "genre",
        "l68",
        "health_insurance",
        "photography",
        "eta2",
        "beta",
        "sexy",
        "salutes",
        "religions",
        "",
        "_",
        "-",
        "age age",
        "et\xc3\xa1x",
        "\xc3\xa6ge",
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(names); i++) {
        json_t *doc = load(draft_doc);
        char ptr[64];

        ROW_INT(i, incrocio_protected_attribute(names[i]), 0);
        json_object_set_new(doc, names[i], json_integer(18));
        snprintf(ptr, sizeof ptr, "/%s", names[i]);
        expect_error(i, doc, ptr, "field.unknown");
        json_decref(doc);
    }
    assert_int_equal(incrocio_protected_attribute(NULL), 0);
    {
        char *name = unit_repeat("_", 1000);
        assert_int_equal(incrocio_protected_attribute(name), 0);
        free(name);
        name = unit_repeat("age", 20);
        assert_int_equal(incrocio_protected_attribute(name), 0);
        free(name);
    }
}

/* At every depth, inside what is known and what is not. */
static void test_forbidden_depths(void **state)
{
    const struct {
        int where;
        const char *patch;
        size_t n;
        const char *pointers[2], *codes[2];
    } rows[] = {
        {0, "{\"age\": {\"min\": 18, \"max\": 29}}", 1, {"/age"}, {"criteria.forbidden"}},
        {1, "{\"sex\": \"F\"}", 1, {P "/sex"}, {"criteria.forbidden"}},
        {1, "{\"Citizenship\": [\"IT\"]}", 1, {P "/Citizenship"}, {"criteria.forbidden"}},
        {1,
         "{\"workplace\": {\"luogo_di_nascita\": \"Teano\"}}",
         1,
         {P "/workplace/luogo_di_nascita"},
         {"criteria.forbidden"}},
        {1, "{\"pay\": {\"religion\": \"x\"}}", 1, {P "/pay/religion"}, {"criteria.forbidden"}},
        {2, "{\"max-age\": 29}", 1, {R "/max-age"}, {"criteria.forbidden"}},
        {2, "{\"stato civile\": \"nubile\"}", 1, {R "/stato civile"}, {"criteria.forbidden"}},
        {2,
         "{\"education\": {\"min_eqf\": 3, \"gender\": \"M\"}}",
         1,
         {R "/education/gender"},
         {"criteria.forbidden"}},
        {2,
         "{\"skills\": [{\"code\": \"x\", \"sesso\": \"F\"}]}",
         1,
         {R "/skills/0/sesso"},
         {"criteria.forbidden"}},
        {2,
         "{\"languages\": [{\"code\": \"en\", \"min_cefr\": \"B1\", \"nationality\": \"GB\"}]}",
         1,
         {R "/languages/0/nationality"},
         {"criteria.forbidden"}},
        /* inside an unknown member: that one is unknown too */
        {0,
         "{\"filters\": {\"eta\": {\"min\": 18}}}",
         2,
         {"/filters", "/filters/eta"},
         {"field.unknown", "criteria.forbidden"}},
        {0,
         "{\"extra\": [{\"x\": [{\"GENDER\": 1}]}]}",
         2,
         {"/extra", "/extra/0/x/0/GENDER"},
         {"field.unknown", "criteria.forbidden"}},
        /* inside a value of the wrong type */
        {1,
         "{\"requirements\": [{\"age\": 30}]}",
         2,
         {P "/requirements", P "/requirements/0/age"},
         {"field.type", "criteria.forbidden"}},
        /* a read-only member is read-only, what it holds still looked at */
        {0,
         "{\"employer\": {\"sex\": \"F\"}}",
         2,
         {"/employer", "/employer/sex"},
         {"field.read_only", "criteria.forbidden"}},
        /* once: what a forbidden member holds is not looked at */
        {0, "{\"age\": {\"sex\": \"F\"}}", 1, {"/age"}, {"criteria.forbidden"}},
        /* pointers escaped */
        {0,
         "{\"x/y\": {\"sex\": 1}}",
         2,
         {"/x~1y", "/x~1y/sex"},
         {"field.unknown", "criteria.forbidden"}},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *doc = patched(NULL, rows[i].where, rows[i].patch);

        expect_errors(i, doc, rows[i].n, rows[i].pointers, rows[i].codes);
        json_decref(doc);
    }
}

/* A very deep or very long path: the pointer is cut, never overflows. */
static void test_forbidden_long_path(void **state)
{
    json_t *doc = load(draft_doc), *v = json_pack("{s:i}", "age", 1), *errors = json_array();
    char *name = unit_repeat("\xc3\xa8/", 100);

    (void)state;
    for (int i = 0; i < 300; i++)
        v = json_pack("{s:o}", i % 2 ? name : "k", v);
    json_object_set_new(doc, "deep", v);
    assert_null(incrocio_vacancy_canonical_new(doc, TODAY, errors));
    assert_int_equal(json_array_size(errors), 2);
    assert_string_equal(err_field(errors, 0, "code"), "field.unknown");
    assert_string_equal(err_field(errors, 1, "code"), "criteria.forbidden");
    assert_true(strlen(err_field(errors, 1, "pointer")) < 256);
    assert_true(strncmp(err_field(errors, 1, "pointer"), "/deep/", 6) == 0);
    free(name);
    json_decref(errors);
    json_decref(doc);
}

/* ---- PATCH ------------------------------------------------------------------------------ */

/* A merge patch on the stored canonical document keeps what it does not name. */
static void test_patch_flow(void **state)
{
    json_t *base = load(full_doc), *stored = canonical_ok(0, base), *patch, *doc, *got;

    (void)state;
    patch = load("{\"title\": \"Cucina\", \"description\": null}");
    doc = incrocio_json_merge_patch_new(stored, patch);
    got = canonical_ok(1, doc);
    assert_string_equal(json_string_value(json_object_get(got, "title")), "Cucina");
    assert_true(json_is_null(json_object_get(got, "description")));
    /* The position that had an id keeps it. */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(got, "positions"), 1), "id")),
                        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    json_decref(got);
    json_decref(doc);
    json_decref(patch);
    json_decref(stored);
    json_decref(base);
}

/* ---- publish ---------------------------------------------------------------------------- */

static void expect_publish(size_t row, const json_t *canonical, const char *today, size_t n,
                           const char *const *pointers, const char *const *codes)
{
    json_t *errors = json_array();
    size_t got = incrocio_vacancy_publish_check(canonical, today, errors);

    if (got != n || json_array_size(errors) != n) {
        char *e = json_dumps(errors, 0);
        fail_msg("row %zu: %zu errors, want %zu: %s", row, got, n, e ? e : "(null)");
    }
    for (size_t i = 0; i < n; i++) {
        ROW_STR(row, err_field(errors, i, "pointer"), pointers[i]);
        ROW_STR(row, err_field(errors, i, "code"), codes[i]);
        ROW_INT(row, strlen(err_field(errors, i, "detail")) > 0, 1);
    }
    json_decref(errors);
}

static void test_publish(void **state)
{
    const struct {
        const char *doc; /* NULL: the full document */
        int where;
        const char *patch;
        const char *today;
        size_t n;
        const char *pointers[4], *codes[4];
    } rows[] = {
        {NULL, 0, "{}", TODAY, 0, {NULL}, {NULL}},
        /* the last day is still good */
        {NULL, 0, "{}", "2027-02-28", 0, {NULL}, {NULL}},
        {NULL, 0, "{}", "2027-03-01", 1, {"/valid_until"}, {"valid_until.past"}},
        {draft_doc,
         0,
         "{}",
         TODAY,
         4,
         {"/description", "/valid_from", "/valid_until", "/positions"},
         {"publish.missing", "publish.missing", "publish.missing", "publish.missing"}},
        {NULL,
         0,
         "{\"description\": \" \\n\\t\"}",
         TODAY,
         1,
         {"/description"},
         {"publish.missing"}},
        {NULL, 0, "{\"valid_from\": null}", TODAY, 1, {"/valid_from"}, {"publish.missing"}},
        {NULL,
         0,
         "{\"valid_from\": null, \"valid_until\": null}",
         TODAY,
         2,
         {"/valid_from", "/valid_until"},
         {"publish.missing", "publish.missing"}},
        {NULL, 0, "{\"positions\": []}", TODAY, 1, {"/positions"}, {"publish.missing"}},
        /* a full-time position may leave its hours out, a part-time one not */
        {NULL, 1, "{\"weekly_hours\": null}", TODAY, 0, {NULL}, {NULL}},
        {NULL,
         1,
         "{\"working_time\": \"part_time\", \"weekly_hours\": null}",
         TODAY,
         1,
         {P "/weekly_hours"},
         {"publish.missing"}},
        /* an invalid today is the clock's */
        {NULL, 0, "{\"valid_until\": \"2999-12-31\"}", "tomorrow", 0, {NULL}, {NULL}},
        {NULL,
         0,
         "{\"valid_from\": \"1999-12-01\", \"valid_until\": \"2000-01-01\"}",
         NULL,
         1,
         {"/valid_until"},
         {"valid_until.past"}},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *doc = patched(rows[i].doc, rows[i].where, rows[i].patch);
        json_t *canonical = canonical_ok(i, doc);

        expect_publish(i, canonical, rows[i].today, rows[i].n, rows[i].pointers, rows[i].codes);
        json_decref(canonical);
        json_decref(doc);
    }
    /* Two part-time positions without hours, each reported. */
    {
        static const char *const pointers[] = {"/positions/0/weekly_hours",
                                               "/positions/1/weekly_hours"};
        static const char *const codes[] = {"publish.missing", "publish.missing"};
        json_t *doc = load(full_doc), *canonical = canonical_ok(100, doc);
        json_t *positions = json_object_get(canonical, "positions");

        for (size_t k = 0; k < 2; k++) {
            json_object_set_new(json_array_get(positions, k), "working_time",
                                json_string("part_time"));
            json_object_set_new(json_array_get(positions, k), "weekly_hours", json_null());
        }
        expect_publish(100, canonical, TODAY, 2, pointers, codes);
        json_decref(canonical);
        json_decref(doc);
    }
    /* Not an object: everything is missing. */
    {
        static const char *const pointers[] = {"/description", "/valid_from", "/valid_until",
                                               "/positions"};
        static const char *const codes[] = {"publish.missing", "publish.missing", "publish.missing",
                                            "publish.missing"};

        expect_publish(200, NULL, TODAY, 4, pointers, codes);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_draft),
        cmocka_unit_test(test_position_defaults),
        cmocka_unit_test(test_valid_edges),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_too_many),
        cmocka_unit_test(test_many_errors),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_forbidden_names),
        cmocka_unit_test(test_not_forbidden),
        cmocka_unit_test(test_forbidden_depths),
        cmocka_unit_test(test_forbidden_long_path),
        cmocka_unit_test(test_patch_flow),
        cmocka_unit_test(test_publish),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
