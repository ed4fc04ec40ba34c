/* src/domain/office.c: office codes and the merge-patch validation. */
#include <jansson.h>

#include "unit.h"

#include "incrocio/offices.h"

/* ---- incrocio_office_code_valid ------------------------------------------ */

static void test_code_valid(void **state)
{
    const struct {
        const char *code;
        int want;
    } rows[] = {
        {"CE08", 1},
        {"NA01", 1},
        {"AZ99", 1},
        {"AA00", 1},
        {"ZZ99", 1},
        {"ce08", 0},
        {"Ce08", 0},
        {"CE8", 0},
        {"CE080", 0},
        {"C E8", 0},
        {"1E08", 0},
        {"C108", 0},
        {"CEA8", 0},
        {"CE0A", 0},
        {"CE0", 0},
        {"", 0},
        {NULL, 0},
        {"CE08\n", 0},
        {" CE08", 0},
        {"CE 08", 0},
        {"\xc3\x80"
         "E08",
         0}, /* À */
        {"@E08", 0},
        {"[E08", 0},
        {"C/08", 0},
        {"CE:8", 0},
        {"CE0:", 0},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_office_code_valid(rows[i].code), rows[i].want);
}

/* ---- helpers --------------------------------------------------------------- */

/* Parses body; returns the errors array (caller decrefs). */
static json_t *parse(json_t *body, struct incrocio_office_patch *patch, size_t *n)
{
    json_t *errors = json_array();

    assert_non_null(errors);
    memset(patch, 0xA5, sizeof *patch); /* parse must reset everything */
    *n = incrocio_office_patch_parse(body, patch, errors);
    return errors;
}

/* Exactly one error, with this pointer and code, and nothing set. */
static void expect_one(size_t row, json_t *body, const char *pointer, const char *code,
                       const char *detail)
{
    struct incrocio_office_patch patch;
    size_t n;
    json_t *errors = parse(body, &patch, &n);

    ROW_INT(row, n, 1);
    ROW_INT(row, json_array_size(errors), 1);
    ROW_STR(row, err_field(errors, 0, "pointer"), pointer);
    ROW_STR(row, err_field(errors, 0, "code"), code);
    if (detail)
        ROW_STR(row, err_field(errors, 0, "detail"), detail);
    else
        ROW_INT(row, strlen(err_field(errors, 0, "detail")) > 0, 1);
    ROW_INT(row, json_object_size(json_array_get(errors, 0)), 3);
    ROW_INT(row, patch.set, 0);
    json_decref(errors);
}

/* {"<key>": <value>} with the value stolen. */
static json_t *obj1(const char *key, json_t *value)
{
    json_t *o = json_object();

    assert_non_null(value);
    assert_int_equal(json_object_set_new(o, key, value), 0);
    return o;
}

/* ---- one invalid member at a time ------------------------------------------ */

struct err_row {
    const char *json;
    const char *pointer;
    const char *code;
    const char *detail; /* NULL: any non-empty detail */
};

#define REQUIRED "this field cannot be removed"
#define LENGTH "must be 1 to 200 characters long"
#define CONTROL "must not contain control characters"
#define PHONE_FMT                                                                        \
    "must be a phone number: digits, spaces and ()./- with an optional leading +, 5 to " \
    "40 characters"
#define EMAIL_FMT "must be an e-mail address"
#define LAT_RANGE "must be between 35 and 48 (WGS84 degrees)"
#define LON_RANGE "must be between 6 and 19 (WGS84 degrees)"

static const struct err_row err_rows[] = {
    /* name, address: required strings of 1 to 200 characters */
    {"{\"name\": 1}", "/name", "field.type", "must be a string"},
    {"{\"name\": 1.5}", "/name", "field.type", "must be a string"},
    {"{\"name\": true}", "/name", "field.type", "must be a string"},
    {"{\"name\": []}", "/name", "field.type", "must be a string"},
    {"{\"name\": {}}", "/name", "field.type", "must be a string"},
    {"{\"name\": null}", "/name", "field.required", REQUIRED},
    {"{\"name\": \"\"}", "/name", "field.length", LENGTH},
    {"{\"name\": \"a\\u0001b\"}", "/name", "field.format", CONTROL},
    {"{\"name\": \"a\\nb\"}", "/name", "field.format", CONTROL},
    {"{\"name\": \"a\\tb\"}", "/name", "field.format", CONTROL},
    {"{\"name\": \"\\u001f\"}", "/name", "field.format", CONTROL},
    {"{\"name\": \"a\\u007f\"}", "/name", "field.format", CONTROL},
    {"{\"address\": 7}", "/address", "field.type", "must be a string"},
    {"{\"address\": null}", "/address", "field.required", REQUIRED},
    {"{\"address\": \"\"}", "/address", "field.length", LENGTH},
    {"{\"address\": \"Via Roma\\r\\n1\"}", "/address", "field.format", CONTROL},
    /* lat, lon: required numbers in range */
    {"{\"lat\": null}", "/lat", "field.required", REQUIRED},
    {"{\"lat\": \"41.1\"}", "/lat", "field.type", "must be a number"},
    {"{\"lat\": true}", "/lat", "field.type", "must be a number"},
    {"{\"lat\": [41]}", "/lat", "field.type", "must be a number"},
    {"{\"lat\": 34.999}", "/lat", "field.range", LAT_RANGE},
    {"{\"lat\": 48.001}", "/lat", "field.range", LAT_RANGE},
    {"{\"lat\": -41}", "/lat", "field.range", LAT_RANGE},
    {"{\"lat\": 0}", "/lat", "field.range", LAT_RANGE},
    {"{\"lat\": 1e308}", "/lat", "field.range", LAT_RANGE},
    {"{\"lon\": null}", "/lon", "field.required", REQUIRED},
    {"{\"lon\": \"14\"}", "/lon", "field.type", "must be a number"},
    {"{\"lon\": 5.999}", "/lon", "field.range", LON_RANGE},
    {"{\"lon\": 19.001}", "/lon", "field.range", LON_RANGE},
    {"{\"lon\": -14}", "/lon", "field.range", LON_RANGE},
    /* phone, email: nullable, format-checked */
    {"{\"phone\": 812345678}", "/phone", "field.type", "must be a string or null"},
    {"{\"phone\": false}", "/phone", "field.type", "must be a string or null"},
    {"{\"phone\": \"\"}", "/phone", "field.format", PHONE_FMT},
    {"{\"phone\": \"1234\"}", "/phone", "field.format", PHONE_FMT},
    {"{\"phone\": \"abcde\"}", "/phone", "field.format", PHONE_FMT},
    {"{\"phone\": \"081 12a45\"}", "/phone", "field.format", PHONE_FMT},
    {"{\"phone\": \"39+12345\"}", "/phone", "field.format", PHONE_FMT},
    {"{\"phone\": \"++12345\"}", "/phone", "field.format", PHONE_FMT},
    {"{\"phone\": \" ( ) - / .\"}", "/phone", "field.format", PHONE_FMT}, /* no digits */
    {"{\"phone\": \"1234 - \"}", "/phone", "field.format", PHONE_FMT},    /* 4 digits */
    {"{\"phone\": \"12345\\n\"}", "/phone", "field.format", PHONE_FMT},
    {"{\"phone\": \"12345\\t6\"}", "/phone", "field.format", PHONE_FMT},
    {"{\"phone\": \"081\\u00a0123456\"}", "/phone", "field.format", PHONE_FMT},
    {"{\"email\": 1}", "/email", "field.type", "must be a string or null"},
    {"{\"email\": {}}", "/email", "field.type", "must be a string or null"},
    {"{\"email\": \"\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"a@b.c\"}", "/email", "field.format", EMAIL_FMT},    /* 5 characters */
    {"{\"email\": \"ab.cd.it\"}", "/email", "field.format", EMAIL_FMT}, /* no @ */
    {"{\"email\": \"@bc.it\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"a@b@c.it\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"a b@c.it\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"ab@.it\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"ab@cd.i\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"ab@cdit\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"ab@cd.it.\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"ab@cd.it\\n\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"ab@cd.it\\u007f\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"\\u00e0b@cd.it\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"<ab@cd.it>\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"a,b@cd.it\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"a;b@cd.it\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"a\\\"b@cd.it\"}", "/email", "field.format", EMAIL_FMT},
    {"{\"email\": \"a\\\\b@cd.it\"}", "/email", "field.format", EMAIL_FMT},
    /* read-only members */
    {"{\"code\": \"CE08\"}", "/code", "field.read_only", "this field cannot be changed"},
    {"{\"province\": \"CE\"}", "/province", "field.read_only", "this field cannot be changed"},
    {"{\"comune_istat\": \"061022\"}", "/comune_istat", "field.read_only",
     "this field cannot be changed"},
    {"{\"comune_name\": \"Caserta\"}", "/comune_name", "field.read_only",
     "this field cannot be changed"},
    {"{\"version\": 3}", "/version", "field.read_only", "this field cannot be changed"},
    {"{\"updated_at\": null}", "/updated_at", "field.read_only", "this field cannot be changed"},
    /* unknown members, with RFC 6901 escaping in the pointer */
    {"{\"foo\": 1}", "/foo", "field.unknown", "offices have no such field"},
    {"{\"Name\": \"x\"}", "/Name", "field.unknown", "offices have no such field"},
    {"{\"name \": \"x\"}", "/name ", "field.unknown", "offices have no such field"},
    {"{\"codes\": 1}", "/codes", "field.unknown", "offices have no such field"},
    {"{\"a/b\": 1}", "/a~1b", "field.unknown", "offices have no such field"},
    {"{\"m~n\": 1}", "/m~0n", "field.unknown", "offices have no such field"},
    {"{\"~/~1\": 1}", "/~0~1~01", "field.unknown", "offices have no such field"},
    {"{\"/\": 1}", "/~1", "field.unknown", "offices have no such field"},
    {"{\"\": 1}", "/", "field.unknown", "offices have no such field"},
    {"{\"citt\\u00e0\": 1}", "/citt\xc3\xa0", "field.unknown", "offices have no such field"},
};

static void test_errors_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(err_rows); i++) {
        json_t *body = load(err_rows[i].json);
        expect_one(i, body, err_rows[i].pointer, err_rows[i].code, err_rows[i].detail);
        json_decref(body);
    }
}

/* ---- lengths count characters, not bytes ----------------------------------- */

struct len_row {
    const char *unit; /* one character */
    size_t n;
    int valid;
};

static const struct len_row len_rows[] = {
    {"a", 1, 1},
    {"a", 200, 1},
    {"a", 201, 0},
    {"\xc3\xa0", 200, 1}, /* à: 400 bytes */
    {"\xc3\xa0", 201, 0},
    {"\xe2\x82\xac", 200, 1}, /* €: 600 bytes */
    {"\xe2\x82\xac", 201, 0},
    {"\xf0\x9f\x98\x80", 200, 1}, /* 😀: 800 bytes */
    {"\xf0\x9f\x98\x80", 201, 0},
};

static void test_text_lengths(void **state)
{
    static const char *const fields[] = {"name", "address"};

    (void)state;
    for (size_t f = 0; f < N_ELEMS(fields); f++)
        for (size_t i = 0; i < N_ELEMS(len_rows); i++) {
            char *s = unit_repeat(len_rows[i].unit, len_rows[i].n);
            json_t *body = obj1(fields[f], json_string(s));
            char pointer[16];
            size_t row = f * 100 + i;

            snprintf(pointer, sizeof pointer, "/%s", fields[f]);
            if (len_rows[i].valid) {
                struct incrocio_office_patch patch;
                size_t n;
                json_t *errors = parse(body, &patch, &n);

                ROW_INT(row, n, 0);
                ROW_INT(row, patch.set, f == 0 ? INCROCIO_OFFICE_NAME : INCROCIO_OFFICE_ADDRESS);
                ROW_STR(row, f == 0 ? patch.name : patch.address, s);
                json_decref(errors);
            } else {
                expect_one(row, body, pointer, "field.length", LENGTH);
            }
            json_decref(body);
            free(s);
        }
}

/* ---- valid members ---------------------------------------------------------- */

static void test_valid_each_field(void **state)
{
    struct incrocio_office_patch p;
    size_t n;
    json_t *body, *errors;

    (void)state;
    body = load("{\"name\": \"Centro per l'Impiego di Caserta\"}");
    errors = parse(body, &p, &n);
    assert_int_equal(n, 0);
    assert_int_equal(p.set, INCROCIO_OFFICE_NAME);
    assert_string_equal(p.name, "Centro per l'Impiego di Caserta");
    json_decref(errors);
    json_decref(body);

    body = load("{\"address\": \"Via Roma, 1 \\u2013 81100 Caserta\"}");
    errors = parse(body, &p, &n);
    assert_int_equal(n, 0);
    assert_int_equal(p.set, INCROCIO_OFFICE_ADDRESS);
    assert_string_equal(p.address, "Via Roma, 1 \xe2\x80\x93 81100 Caserta");
    json_decref(errors);
    json_decref(body);

    body = load("{\"lat\": 41.0746}");
    errors = parse(body, &p, &n);
    assert_int_equal(n, 0);
    assert_int_equal(p.set, INCROCIO_OFFICE_LAT);
    assert_true(p.lat == 41.0746);
    json_decref(errors);
    json_decref(body);

    body = load("{\"lon\": 14}"); /* an integer is a number too */
    errors = parse(body, &p, &n);
    assert_int_equal(n, 0);
    assert_int_equal(p.set, INCROCIO_OFFICE_LON);
    assert_true(p.lon == 14.0);
    json_decref(errors);
    json_decref(body);

    body = load("{\"phone\": \"+39 0823 123456\"}");
    errors = parse(body, &p, &n);
    assert_int_equal(n, 0);
    assert_int_equal(p.set, INCROCIO_OFFICE_PHONE);
    assert_int_equal(p.has_phone, 1);
    assert_string_equal(p.phone, "+39 0823 123456");
    json_decref(errors);
    json_decref(body);

    body = load("{\"email\": \"cpi.caserta@regione.campania.it\"}");
    errors = parse(body, &p, &n);
    assert_int_equal(n, 0);
    assert_int_equal(p.set, INCROCIO_OFFICE_EMAIL);
    assert_int_equal(p.has_email, 1);
    assert_string_equal(p.email, "cpi.caserta@regione.campania.it");
    json_decref(errors);
    json_decref(body);
}

static void test_coordinate_bounds_inclusive(void **state)
{
    const struct {
        const char *json;
        unsigned bit;
        double lat, lon;
    } rows[] = {
        {"{\"lat\": 35}", INCROCIO_OFFICE_LAT, 35.0, 0},
        {"{\"lat\": 48.0}", INCROCIO_OFFICE_LAT, 48.0, 0},
        {"{\"lon\": 6}", INCROCIO_OFFICE_LON, 0, 6.0},
        {"{\"lon\": 19.0}", INCROCIO_OFFICE_LON, 0, 19.0},
        {"{\"lat\": 40.85, \"lon\": 14.27}", INCROCIO_OFFICE_LAT | INCROCIO_OFFICE_LON, 40.85,
         14.27},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_office_patch p;
        size_t n;
        json_t *body = load(rows[i].json), *errors = parse(body, &p, &n);

        ROW_INT(i, n, 0);
        ROW_INT(i, p.set, rows[i].bit);
        if (rows[i].bit & INCROCIO_OFFICE_LAT)
            ROW_INT(i, p.lat == rows[i].lat, 1);
        if (rows[i].bit & INCROCIO_OFFICE_LON)
            ROW_INT(i, p.lon == rows[i].lon, 1);
        json_decref(errors);
        json_decref(body);
    }
}

static void test_phone_and_email_formats_accepted(void **state)
{
    char *digits40 = unit_repeat("1", 40), *digits41 = unit_repeat("1", 41);
    char *local = unit_repeat("a", 254 - 6), email254[300], email255[300];
    const char *const phones[] = {
        "12345", "+12345", "081 123 4567", "(081) 123.45/67-8", "+39 (0823) 123-456", digits40,
    };
    const char *const emails[] = {
        "ab@c.it", "a@bc.it", "a.b+c@d-e.example.org", "a@b.c.it", "x_y@z.museum", email254,
    };

    (void)state;
    snprintf(email254, sizeof email254, "%s@bc.it", local);
    snprintf(email255, sizeof email255, "a%s@bc.it", local);
    assert_int_equal(strlen(email254), 254);
    for (size_t i = 0; i < N_ELEMS(phones); i++) {
        struct incrocio_office_patch p;
        size_t n;
        json_t *body = obj1("phone", json_string(phones[i])), *errors = parse(body, &p, &n);

        ROW_INT(i, n, 0);
        ROW_INT(i, p.set, INCROCIO_OFFICE_PHONE);
        ROW_INT(i, p.has_phone, 1);
        ROW_STR(i, p.phone, phones[i]);
        json_decref(errors);
        json_decref(body);
    }
    for (size_t i = 0; i < N_ELEMS(emails); i++) {
        struct incrocio_office_patch p;
        size_t n;
        json_t *body = obj1("email", json_string(emails[i])), *errors = parse(body, &p, &n);

        ROW_INT(i, n, 0);
        ROW_INT(i, p.set, INCROCIO_OFFICE_EMAIL);
        ROW_INT(i, p.has_email, 1);
        ROW_STR(i, p.email, emails[i]);
        json_decref(errors);
        json_decref(body);
    }
    /* One over each maximum. */
    {
        json_t *b1 = obj1("phone", json_string(digits41));
        json_t *b2 = obj1("email", json_string(email255));

        expect_one(0, b1, "/phone", "field.format", PHONE_FMT);
        expect_one(1, b2, "/email", "field.format", EMAIL_FMT);
        json_decref(b1);
        json_decref(b2);
    }
    free(digits40);
    free(digits41);
    free(local);
}

static void test_null_phone_and_email_remove(void **state)
{
    struct incrocio_office_patch p;
    size_t n;
    json_t *body = load("{\"phone\": null, \"email\": null}"), *errors = parse(body, &p, &n);

    (void)state;
    assert_int_equal(n, 0);
    assert_int_equal(p.set, INCROCIO_OFFICE_PHONE | INCROCIO_OFFICE_EMAIL);
    assert_int_equal(p.has_phone, 0);
    assert_int_equal(p.has_email, 0);
    json_decref(errors);
    json_decref(body);
}

static void test_empty_patch_resets(void **state)
{
    struct incrocio_office_patch p;
    size_t n;
    json_t *body = load("{}"), *errors = parse(body, &p, &n);

    (void)state;
    assert_int_equal(n, 0);
    assert_int_equal(json_array_size(errors), 0);
    assert_int_equal(p.set, 0);
    assert_int_equal(p.has_phone, 0);
    assert_int_equal(p.has_email, 0);
    assert_string_equal(p.name, "");
    assert_string_equal(p.phone, "");
    json_decref(errors);
    json_decref(body);
}

static void test_set_bitmask(void **state)
{
    struct incrocio_office_patch p;
    size_t n;
    json_t *body, *errors;

    (void)state;
    assert_int_equal(INCROCIO_OFFICE_NAME | INCROCIO_OFFICE_ADDRESS | INCROCIO_OFFICE_LAT |
                         INCROCIO_OFFICE_LON | INCROCIO_OFFICE_PHONE | INCROCIO_OFFICE_EMAIL,
                     0x3f);
    body = load("{\"name\": \"N\", \"address\": \"A\", \"lat\": 41, \"lon\": 14, "
                "\"phone\": \"0823 123456\", \"email\": null}");
    errors = parse(body, &p, &n);
    assert_int_equal(n, 0);
    assert_int_equal(p.set, 0x3f);
    assert_string_equal(p.name, "N");
    assert_string_equal(p.address, "A");
    assert_true(p.lat == 41.0);
    assert_true(p.lon == 14.0);
    assert_int_equal(p.has_phone, 1);
    assert_string_equal(p.phone, "0823 123456");
    assert_int_equal(p.has_email, 0);
    json_decref(errors);
    json_decref(body);

    /* An invalid member leaves its bit clear; the valid ones keep theirs. */
    body = load("{\"name\": \"N\", \"lat\": 100, \"email\": \"ab@cd.it\"}");
    errors = parse(body, &p, &n);
    assert_int_equal(n, 1);
    assert_string_equal(err_field(errors, 0, "pointer"), "/lat");
    assert_int_equal(p.set, INCROCIO_OFFICE_NAME | INCROCIO_OFFICE_EMAIL);
    json_decref(errors);
    json_decref(body);
}

static void test_several_errors_in_member_order(void **state)
{
    static const char *const want[][2] = {
        {"/code", "field.read_only"}, {"/name", "field.length"},  {"/x~1y", "field.unknown"},
        {"/lon", "field.required"},   {"/phone", "field.format"},
    };
    struct incrocio_office_patch p;
    size_t n;
    json_t *body = load("{\"code\": \"CE09\", \"name\": \"\", \"x/y\": 0, \"lon\": null, "
                        "\"lat\": 41, \"phone\": \"12\"}");
    json_t *errors = json_array();

    (void)state;
    /* Errors already in the array are kept and not counted. */
    json_array_append_new(errors, json_string("earlier"));
    json_array_append_new(errors, json_string("earlier"));
    n = incrocio_office_patch_parse(body, &p, errors);
    assert_int_equal(n, N_ELEMS(want));
    assert_int_equal(json_array_size(errors), 2 + N_ELEMS(want));
    assert_string_equal(json_string_value(json_array_get(errors, 0)), "earlier");
    for (size_t i = 0; i < N_ELEMS(want); i++) {
        ROW_STR(i, err_field(errors, 2 + i, "pointer"), want[i][0]);
        ROW_STR(i, err_field(errors, 2 + i, "code"), want[i][1]);
    }
    assert_int_equal(p.set, INCROCIO_OFFICE_LAT);
    json_decref(errors);
    json_decref(body);
}

static void test_long_key_pointer_is_bounded(void **state)
{
    char *key = unit_repeat("/", 300);
    json_t *body = obj1(key, json_integer(1));
    struct incrocio_office_patch p;
    size_t n;
    json_t *errors = parse(body, &p, &n);
    const char *ptr;

    (void)state;
    assert_int_equal(n, 1);
    ptr = err_field(errors, 0, "pointer");
    assert_non_null(ptr);
    assert_true(strlen(ptr) < 160);
    assert_int_equal(ptr[0], '/');
    /* Whole escapes only: "/" then "~1" pairs. */
    assert_int_equal(strlen(ptr) % 2, 1);
    for (size_t i = 1; ptr[i]; i += 2)
        ROW_INT(i, ptr[i] == '~' && ptr[i + 1] == '1', 1);
    json_decref(errors);
    json_decref(body);
    free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_valid),
        cmocka_unit_test(test_errors_table),
        cmocka_unit_test(test_text_lengths),
        cmocka_unit_test(test_valid_each_field),
        cmocka_unit_test(test_coordinate_bounds_inclusive),
        cmocka_unit_test(test_phone_and_email_formats_accepted),
        cmocka_unit_test(test_null_phone_and_email_remove),
        cmocka_unit_test(test_empty_patch_resets),
        cmocka_unit_test(test_set_bitmask),
        cmocka_unit_test(test_several_errors_in_member_order),
        cmocka_unit_test(test_long_key_pointer_is_bounded),
    };
    return cmocka_run_group_tests_name("office", tests, NULL, NULL);
}
