/* src/domain/employer.c: the partita IVA check digit, ATECO codes, the
 * employer's document, its canonical form and every validation error. */
#include <jansson.h>

#include "unit.h"

#include "incrocio/codes.h"
#include "incrocio/employer.h"
#include "incrocio/job_seeker.h"

/* ---- helpers --------------------------------------------------------------- */

static json_t *canonical_ok(size_t row, const json_t *doc)
{
    json_t *errors = json_array();
    json_t *c = incrocio_employer_canonical_new(doc, errors);

    if (c == NULL || json_array_size(errors) != 0) {
        char *e = json_dumps(errors, 0);
        fail_msg("row %zu: unexpected errors %s", row, e ? e : "(null)");
    }
    json_decref(errors);
    return c;
}

static void expect_errors(size_t row, const json_t *doc, size_t n, const char *const *pointers,
                          const char *const *codes)
{
    json_t *errors = json_array();
    json_t *got = incrocio_employer_canonical_new(doc, errors);

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
    }
    json_decref(errors);
}

/* ---- partita IVA ------------------------------------------------------------ */

/* Published numbers of real companies (python-stdnum's tests list them as
 * found online), each checked by hand with the algorithm. */
static const char *const valid_piva[] = {
    "00743110157", "01404480202", "00618280499", "00595000217", "00118439991",
    "00193180932", "00520800319", "02087050155", "02331250163", "12920760159",
    "09596821000", "06075960010", "03700020104",
};

static void test_partita_iva(void **state)
{
    static const char *const invalid[] = {
        "00743110158", /* python-stdnum's own example of a wrong check digit */
        "0074311015",
        "007431101570",
        "IT00743110157",
        "0074311015a",
        "00743 110157",
        " 0743110157",
        "",
        "-0743110157",
        "0074311015\xc3\xa8",
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(valid_piva); i++) {
        char s[12];

        ROW_INT(i, incrocio_partita_iva_valid(valid_piva[i]), 1);
        /* Every other check digit is wrong. */
        memcpy(s, valid_piva[i], sizeof s);
        for (char d = '0'; d <= '9'; d++) {
            s[10] = d;
            ROW_INT(i * 100 + (size_t)(d - '0'), incrocio_partita_iva_valid(s),
                    d == valid_piva[i][10]);
        }
        /* So is one changed digit, in an odd or an even position. */
        memcpy(s, valid_piva[i], sizeof s);
        s[3] = s[3] == '9' ? '0' : (char)(s[3] + 1);
        ROW_INT(i, incrocio_partita_iva_valid(s), 0);
        memcpy(s, valid_piva[i], sizeof s);
        s[4] = s[4] == '9' ? '0' : (char)(s[4] + 1);
        ROW_INT(i, incrocio_partita_iva_valid(s), 0);
    }
    for (size_t i = 0; i < N_ELEMS(invalid); i++)
        ROW_INT(i, incrocio_partita_iva_valid(invalid[i]), 0);
    assert_int_equal(incrocio_partita_iva_valid(NULL), 0);
    /* The doubling: 5 → 10 → 1 and 9 → 18 → 9 in the even positions. */
    assert_int_equal(incrocio_partita_iva_valid("05000000009"), 1);
    assert_int_equal(incrocio_partita_iva_valid("09000000001"), 1);
    assert_int_equal(incrocio_partita_iva_valid("50000000005"), 1);
    assert_int_equal(incrocio_partita_iva_valid("00000000000"), 1);
}

/* ---- ATECO -------------------------------------------------------------------- */

static void test_ateco(void **state)
{
    const struct {
        const char *s;
        int want;
    } rows[] = {
        {"56", 1},       {"56.1", 1},   {"56.10", 1},    {"56.10.1", 1},   {"56.10.11", 1},
        {"01", 1},       {"99", 1},     {"01.11.00", 1}, {"47.11.0", 1},   {"00", 0},
        {"5", 0},        {"561", 0},    {"5610", 0},     {"56.", 0},       {"56.1.1", 0},
        {"56.1.11", 0},  {"56.101", 0}, {"56.10.", 0},   {"56.10.111", 0}, {"56.10.11.1", 0},
        {"56..10", 0},   {"56,10", 0},  {"56-10", 0},    {"5a", 0},        {"a5", 0},
        {" 56", 0},      {"56 ", 0},    {"", 0},         {"I.56.10", 0},   {"56.1a", 0},
        {"56.10.1a", 0}, {NULL, 0},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_ateco_valid(rows[i].s), rows[i].want);
}

/* ---- documents ------------------------------------------------------------------ */

static const char *const full_doc =
    "{\"name\": \"Trattoria Da Mario S.r.l.\", \"codice_fiscale\": \"00743110157\","
    " \"partita_iva\": \"00743110157\", \"ateco_code\": \"56.10.11\","
    " \"headcount_band\": \"16-35\","
    " \"seat\": {\"comune_istat\": \"061090\", \"address\": \"Via Roma 1\"},"
    " \"email\": \"info@trattoria.example.org\", \"phone\": \"+39 0823 000000\","
    " \"pec\": \"trattoria@pec.example.it\", \"office_code\": \"CE01\"}";

static const char *const minimal_doc =
    "{\"name\": \"Mario Rossi\", \"codice_fiscale\": \"rssmra80a01h501u\","
    " \"ateco_code\": \"56\", \"headcount_band\": \"0-9\","
    " \"seat\": {\"comune_istat\": \"063049\"}, \"office_code\": \"NA01\"}";

static const char *const minimal_canonical =
    "{\"name\": \"Mario Rossi\", \"codice_fiscale\": \"RSSMRA80A01H501U\","
    " \"partita_iva\": null, \"ateco_code\": \"56\", \"headcount_band\": \"0-9\","
    " \"seat\": {\"comune_istat\": \"063049\", \"address\": null},"
    " \"email\": null, \"phone\": null, \"pec\": null, \"office_code\": \"NA01\"}";

static void test_full(void **state)
{
    json_t *doc = load(full_doc), *got, *again;

    (void)state;
    /* Already canonical. */
    got = canonical_ok(0, doc);
    assert_json_equal(0, got, doc);
    assert_int_equal(json_object_size(got), 10);
    again = canonical_ok(1, got);
    assert_json_equal(1, again, doc);
    json_decref(again);
    json_decref(got);
    json_decref(doc);
}

static void test_minimal(void **state)
{
    json_t *doc = load(minimal_doc), *want = load(minimal_canonical), *got;
    static const char *const optional[] = {"partita_iva", "email", "phone", "pec"};

    (void)state;
    got = canonical_ok(0, doc);
    assert_json_equal(0, got, want);
    json_decref(got);
    /* The input is left alone. */
    assert_string_equal(json_string_value(json_object_get(doc, "codice_fiscale")),
                        "rssmra80a01h501u");

    /* Every optional member given as null is the same as absent. */
    for (size_t i = 0; i < N_ELEMS(optional); i++)
        json_object_set_new(doc, optional[i], json_null());
    json_object_set_new(json_object_get(doc, "seat"), "address", json_null());
    got = canonical_ok(1, doc);
    assert_json_equal(1, got, want);
    json_decref(got);
    json_decref(want);
    json_decref(doc);
}

/* Valid variations of the full document, as merge patches. */
static void test_valid_edges(void **state)
{
    static const char *const patches[] = {
        /* a sole trader, with a partita IVA of its own */
        "{\"codice_fiscale\": \"RSSMRA80A01H501U\", \"partita_iva\": \"01404480202\"}",
        /* a woman's code, omocodia */
        "{\"codice_fiscale\": \"RSSMRA80A41H501Y\"}",
        "{\"codice_fiscale\": \"RSSMRA80A01H50MM\"}",
        /* a company whose codice fiscale differs from its partita IVA */
        "{\"codice_fiscale\": \"02087050155\", \"partita_iva\": \"00743110157\"}",
        "{\"ateco_code\": \"01.1\"}",
        "{\"ateco_code\": \"56.10\"}",
        "{\"ateco_code\": \"56.10.1\"}",
        "{\"headcount_band\": \"10-15\"}",
        "{\"headcount_band\": \"36-50\"}",
        "{\"headcount_band\": \"51-249\"}",
        "{\"headcount_band\": \"250+\"}",
        "{\"name\": \"A\", \"email\": \"a@b.it\", \"phone\": \"12345\", \"pec\": \"x@y.zz\"}",
    };
    json_t *base = load(full_doc);

    (void)state;
    for (size_t i = 0; i < N_ELEMS(patches); i++) {
        json_t *patch = load(patches[i]);
        json_t *doc = incrocio_json_merge_patch_new(base, patch);
        json_t *got = canonical_ok(i, doc);

        json_decref(got);
        json_decref(doc);
        json_decref(patch);
    }
    /* Every published partita IVA is a company's codice fiscale. */
    for (size_t i = 0; i < N_ELEMS(valid_piva); i++) {
        json_t *doc = json_deep_copy(base);

        json_object_set_new(doc, "codice_fiscale", json_string(valid_piva[i]));
        json_object_set_new(doc, "partita_iva", json_string(valid_piva[i]));
        json_decref(canonical_ok(100 + i, doc));
        json_decref(doc);
    }
    json_decref(base);
}

/* ---- one invalid field at a time ---------------------------------------------- */

struct err_row {
    const char *patch; /* merge patch on the full document */
    const char *pointer;
    const char *code;
};

static const struct err_row err_rows[] = {
    /* name */
    {"{\"name\": null}", "/name", "field.required"},
    {"{\"name\": 1}", "/name", "field.type"},
    {"{\"name\": \"\"}", "/name", "field.length"},
    {"{\"name\": \"Trattoria\\nDa Mario\"}", "/name", "field.format"},
    /* codice_fiscale: a company's */
    {"{\"codice_fiscale\": null}", "/codice_fiscale", "field.required"},
    {"{\"codice_fiscale\": 743110157}", "/codice_fiscale", "field.type"},
    {"{\"codice_fiscale\": \"00743110158\"}", "/codice_fiscale", "partita_iva.check"},
    {"{\"codice_fiscale\": \"0074311015A\"}", "/codice_fiscale", "codice_fiscale.charset"},
    {"{\"codice_fiscale\": \"0074311015\"}", "/codice_fiscale", "codice_fiscale.length"},
    {"{\"codice_fiscale\": \"007431101570\"}", "/codice_fiscale", "codice_fiscale.length"},
    {"{\"codice_fiscale\": \"IT00743110157\"}", "/codice_fiscale", "codice_fiscale.length"},
    {"{\"codice_fiscale\": \"\"}", "/codice_fiscale", "codice_fiscale.length"},
    /* codice_fiscale: a sole trader's */
    {"{\"codice_fiscale\": \"RSSMRA80A01H501\"}", "/codice_fiscale", "codice_fiscale.length"},
    {"{\"codice_fiscale\": \"RSSMRA80A01H501UU\"}", "/codice_fiscale", "codice_fiscale.length"},
    {"{\"codice_fiscale\": \"RSSMRA80A01H501!\"}", "/codice_fiscale", "codice_fiscale.charset"},
    {"{\"codice_fiscale\": \"RSSMRA80Z01H501U\"}", "/codice_fiscale", "codice_fiscale.month"},
    {"{\"codice_fiscale\": \"RSSMRA80A32H501U\"}", "/codice_fiscale", "codice_fiscale.day"},
    {"{\"codice_fiscale\": \"RSSMRA80A01H501X\"}", "/codice_fiscale", "codice_fiscale.check"},
    {"{\"codice_fiscale\": \"RSSMRA80A01H5M1U\"}", "/codice_fiscale", "codice_fiscale.omocodia"},
    /* partita_iva */
    {"{\"partita_iva\": 743110157}", "/partita_iva", "field.type"},
    {"{\"partita_iva\": \"00743110158\"}", "/partita_iva", "partita_iva.check"},
    {"{\"partita_iva\": \"0074311015\"}", "/partita_iva", "field.format"},
    {"{\"partita_iva\": \"IT00743110157\"}", "/partita_iva", "field.format"},
    {"{\"partita_iva\": \"RSSMRA80A01H501U\"}", "/partita_iva", "field.format"},
    {"{\"partita_iva\": \"\"}", "/partita_iva", "field.format"},
    /* ateco_code */
    {"{\"ateco_code\": null}", "/ateco_code", "field.required"},
    {"{\"ateco_code\": 56.1}", "/ateco_code", "field.type"},
    {"{\"ateco_code\": \"56.1.1\"}", "/ateco_code", "ateco.syntax"},
    {"{\"ateco_code\": \"5610\"}", "/ateco_code", "ateco.syntax"},
    {"{\"ateco_code\": \"I\"}", "/ateco_code", "ateco.syntax"},
    {"{\"ateco_code\": \"\"}", "/ateco_code", "ateco.syntax"},
    /* headcount_band */
    {"{\"headcount_band\": null}", "/headcount_band", "field.required"},
    {"{\"headcount_band\": 12}", "/headcount_band", "field.type"},
    {"{\"headcount_band\": \"12\"}", "/headcount_band", "headcount_band.unknown"},
    {"{\"headcount_band\": \"0-10\"}", "/headcount_band", "headcount_band.unknown"},
    {"{\"headcount_band\": \"250\"}", "/headcount_band", "headcount_band.unknown"},
    {"{\"headcount_band\": \"\"}", "/headcount_band", "headcount_band.unknown"},
    /* seat */
    {"{\"seat\": null}", "/seat", "field.required"},
    {"{\"seat\": \"061090\"}", "/seat", "field.type"},
    {"{\"seat\": {\"comune_istat\": null}}", "/seat/comune_istat", "field.required"},
    {"{\"seat\": {\"comune_istat\": 61090}}", "/seat/comune_istat", "field.type"},
    {"{\"seat\": {\"comune_istat\": \"61090\"}}", "/seat/comune_istat", "field.format"},
    {"{\"seat\": {\"comune_istat\": \"06109A\"}}", "/seat/comune_istat", "field.format"},
    {"{\"seat\": {\"address\": 1}}", "/seat/address", "field.type"},
    {"{\"seat\": {\"address\": \"\"}}", "/seat/address", "field.length"},
    {"{\"seat\": {\"address\": \"Via\\tRoma\"}}", "/seat/address", "field.format"},
    {"{\"seat\": {\"lat\": 41.2}}", "/seat/lat", "field.unknown"},
    {"{\"seat\": {\"id\": 1}}", "/seat/id", "field.unknown"},
    /* contacts */
    {"{\"email\": 5}", "/email", "field.type"},
    {"{\"email\": \"info\"}", "/email", "field.format"},
    {"{\"phone\": false}", "/phone", "field.type"},
    {"{\"phone\": \"1234\"}", "/phone", "field.format"},
    {"{\"pec\": 1}", "/pec", "field.type"},
    {"{\"pec\": \"pec@\"}", "/pec", "field.format"},
    /* office_code */
    {"{\"office_code\": null}", "/office_code", "field.required"},
    {"{\"office_code\": 1}", "/office_code", "field.type"},
    {"{\"office_code\": \"ce01\"}", "/office_code", "field.format"},
    {"{\"office_code\": \"CE1\"}", "/office_code", "field.format"},
    /* read-only and unknown members */
    {"{\"id\": \"123e4567-e89b-12d3-a456-426614174000\"}", "/id", "field.read_only"},
    {"{\"version\": 3}", "/version", "field.read_only"},
    {"{\"created_at\": \"2026-01-01T00:00:00Z\"}", "/created_at", "field.read_only"},
    {"{\"updated_at\": \"2026-01-01T00:00:00Z\"}", "/updated_at", "field.read_only"},
    {"{\"headcount\": 12}", "/headcount", "field.unknown"},
    {"{\"a/b\": 1}", "/a~1b", "field.unknown"},
    {"{\"Name\": \"x\"}", "/Name", "field.unknown"},
};

static void test_errors(void **state)
{
    json_t *base = load(full_doc);

    (void)state;
    for (size_t i = 0; i < N_ELEMS(err_rows); i++) {
        json_t *patch = load(err_rows[i].patch);
        json_t *doc = incrocio_json_merge_patch_new(base, patch);

        assert_non_null(doc);
        expect_errors(i, doc, 1, &err_rows[i].pointer, &err_rows[i].code);
        json_decref(doc);
        json_decref(patch);
    }
    json_decref(base);
}

/* Required members given as JSON null (a POST body, not a merge patch). */
static void test_required_null(void **state)
{
    static const char *const keys[] = {"name",           "codice_fiscale", "ateco_code",
                                       "headcount_band", "seat",           "office_code"};

    (void)state;
    for (size_t i = 0; i < N_ELEMS(keys); i++) {
        json_t *doc = load(full_doc);
        char ptr[64];
        const char *p = ptr, *code = "field.required";

        snprintf(ptr, sizeof ptr, "/%s", keys[i]);
        json_object_set_new(doc, keys[i], json_null());
        expect_errors(i, doc, 1, &p, &code);
        json_decref(doc);
    }
}

/* Characters are counted, not bytes. */
static void test_lengths(void **state)
{
    const struct {
        const char *key, *sub, *unit;
        size_t max;
    } rows[] = {
        {"name", NULL, "a", 200},
        {"name", NULL, "\xc3\xa8", 200},
        {"seat", "address", "\xe2\x82\xac", 200},
    };
    json_t *base = load(full_doc);

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        for (size_t extra = 0; extra <= 1; extra++) {
            json_t *doc = json_deep_copy(base);
            char *s = unit_repeat(rows[i].unit, rows[i].max + extra);
            char ptr[64];
            const char *p = ptr, *code = "field.length";

            if (rows[i].sub) {
                json_object_set_new(json_object_get(doc, rows[i].key), rows[i].sub, json_string(s));
                snprintf(ptr, sizeof ptr, "/%s/%s", rows[i].key, rows[i].sub);
            } else {
                json_object_set_new(doc, rows[i].key, json_string(s));
                snprintf(ptr, sizeof ptr, "/%s", rows[i].key);
            }
            if (extra)
                expect_errors(i, doc, 1, &p, &code);
            else
                json_decref(canonical_ok(i, doc));
            free(s);
            json_decref(doc);
        }
    }
    json_decref(base);
}

/* Every invalid field is reported, each once, in the document's field order. */
static void test_many_errors(void **state)
{
    static const char *const pointers[] = {
        "/name",
        "/codice_fiscale",
        "/partita_iva",
        "/ateco_code",
        "/headcount_band",
        "/seat/comune_istat",
        "/seat/zip",
        "/email",
        "/pec",
        "/office_code",
        "/id",
        "/sector",
    };
    static const char *const codes[] = {
        "field.length",           "codice_fiscale.check", "partita_iva.check", "ateco.syntax",
        "headcount_band.unknown", "field.required",       "field.unknown",     "field.format",
        "field.format",           "field.required",       "field.read_only",   "field.unknown",
    };
    json_t *base = load(full_doc), *patch, *doc;

    (void)state;
    patch = load("{\"name\": \"\", \"codice_fiscale\": \"RSSMRA80A01H501A\", \"partita_iva\": "
                 "\"00743110150\", \"ateco_code\": \"56.1.1\", \"headcount_band\": \"11-15\","
                 " \"seat\": {\"comune_istat\": null, \"zip\": \"81057\"}, \"email\": \"@\","
                 " \"pec\": \"x\", \"office_code\": null, \"id\": 1, \"sector\": \"food\"}");
    doc = incrocio_json_merge_patch_new(base, patch);
    expect_errors(0, doc, N_ELEMS(pointers), pointers, codes);
    json_decref(doc);
    json_decref(patch);
    json_decref(base);
}

static void test_not_an_object(void **state)
{
    static const char *const texts[] = {"[]", "null", "\"x\"", "1", "true"};

    (void)state;
    for (size_t i = 0; i < N_ELEMS(texts); i++) {
        json_t *doc = load(texts[i]);
        const char *p = "", *code = "field.type";

        expect_errors(i, doc, 1, &p, &code);
        json_decref(doc);
    }
    {
        json_t *errors = json_array();
        assert_null(incrocio_employer_canonical_new(NULL, errors));
        assert_int_equal(json_array_size(errors), 1);
        json_decref(errors);
    }
}

/* A string with a NUL inside is not a code. */
static void test_embedded_nul(void **state)
{
    json_t *doc = load(full_doc);
    const char *p = "/codice_fiscale", *code = "codice_fiscale.charset";

    (void)state;
    json_object_set_new(doc, "codice_fiscale", json_stringn("00743110157\0abcd", 16));
    expect_errors(0, doc, 1, &p, &code);
    json_object_set_new(doc, "codice_fiscale", json_string("00743110157"));
    json_object_set_new(doc, "ateco_code", json_stringn("56\0.1", 5));
    p = "/ateco_code";
    code = "ateco.syntax";
    expect_errors(1, doc, 1, &p, &code);
    json_decref(doc);
}

static void test_headcount_bands(void **state)
{
    (void)state;
    assert_int_equal(incrocio_code_index(incrocio_headcount_bands, "0-9"), 0);
    assert_int_equal(incrocio_code_index(incrocio_headcount_bands, "250+"), 5);
    assert_null(incrocio_headcount_bands[6]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partita_iva),   cmocka_unit_test(test_ateco),
        cmocka_unit_test(test_full),          cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_valid_edges),   cmocka_unit_test(test_errors),
        cmocka_unit_test(test_required_null), cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_many_errors),   cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_embedded_nul),  cmocka_unit_test(test_headcount_bands),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
