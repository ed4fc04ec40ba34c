/* src/domain/changes.c: the changes feed's query (since, limit, type). */
#include "unit.h"

#include "incrocio/changes.h"
#include "incrocio/cursor.h"

/* The feed's cursor of a key, as the feed itself makes them. */
static void cursor_of(const char *scope, const char *key, char out[INCROCIO_CURSOR_MAX])
{
    assert_int_equal(incrocio_cursor_encode(scope, key, out, INCROCIO_CURSOR_MAX), INCROCIO_OK);
}

/* The (parameter, code) pairs of errors, as "p:c p:c". */
static void codes_of(const json_t *errors, char *out, size_t len)
{
    size_t i;
    json_t *e;

    out[0] = '\0';
    json_array_foreach (errors, i, e) {
        size_t o = strlen(out);
        snprintf(out + o, len - o, "%s%s:%s", o ? " " : "",
                 json_string_value(json_object_get(e, "parameter")),
                 json_string_value(json_object_get(e, "code")));
    }
}

static void test_types(void **state)
{
    static const char *const known[] = {"vacancy", "employer", "job_seeker", "candidacy",
                                        "appointment"};
    static const char *const unknown[] = {"",          "vacancies", "Vacancy", "job-seeker",
                                          "jobseeker", "vacancy ",  "office",  "service_record"};

    (void)state;
    for (size_t i = 0; i < N_ELEMS(known); i++)
        assert_true(incrocio_changes_type_known(known[i]));
    for (size_t i = 0; i < N_ELEMS(unknown); i++)
        assert_false(incrocio_changes_type_known(unknown[i]));
    assert_false(incrocio_changes_type_known(NULL));
}

static void test_defaults(void **state)
{
    struct incrocio_changes_query q = {.after = 99, .limit = 99, .type = "x"};
    json_t *errors = json_array();

    (void)state;
    incrocio_changes_parse(NULL, NULL, NULL, &q, errors);
    assert_int_equal(json_array_size(errors), 0);
    assert_int_equal(q.after, 0);
    assert_int_equal(q.limit, 20);
    assert_null(q.type);
    json_decref(errors);
}

static void test_valid(void **state)
{
    const struct {
        const char *key, *limit, *type;
        long long after;
        int want_limit;
    } rows[] = {
        {"0", "1", "vacancy", 0, 1},
        {"1", "20", "employer", 1, 20},
        {"123456", "1000", "job_seeker", 123456, 1000},
        {"999999999999999999", "0200", NULL, 999999999999999999LL, 200},
        {"000042", "7", "appointment", 42, 7},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char cursor[INCROCIO_CURSOR_MAX];
        struct incrocio_changes_query q;
        json_t *errors = json_array();

        cursor_of(INCROCIO_CHANGES_CURSOR_SCOPE, rows[i].key, cursor);
        incrocio_changes_parse(cursor, rows[i].limit, rows[i].type, &q, errors);
        assert_int_equal(json_array_size(errors), 0);
        assert_true(q.after == rows[i].after);
        assert_int_equal(q.limit, rows[i].want_limit);
        if (rows[i].type)
            assert_string_equal(q.type, rows[i].type);
        else
            assert_null(q.type);
        json_decref(errors);
    }
}

/* Each bad value names its parameter with a stable code; the good ones keep
 * their defaults' place (nothing half-set is used: the handler answers 400). */
static void test_invalid(void **state)
{
    char feed_x[INCROCIO_CURSOR_MAX], feed_long[INCROCIO_CURSOR_MAX], feed_neg[INCROCIO_CURSOR_MAX],
        other[INCROCIO_CURSOR_MAX];
    const struct {
        const char *since, *limit, *type, *want;
    } rows[] = {
        {feed_x, NULL, NULL, "since:cursor.invalid"},
        {feed_long, NULL, NULL, "since:cursor.invalid"},
        {feed_neg, NULL, NULL, "since:cursor.invalid"},
        {other, NULL, NULL, "since:cursor.invalid"},
        {"", NULL, NULL, "since:cursor.invalid"},
        {"Y2hhbmdlcx8x=", NULL, NULL, "since:cursor.invalid"},
        {NULL, "0", NULL, "limit:limit.range"},
        {NULL, "1001", NULL, "limit:limit.range"},
        {NULL, "99999", NULL, "limit:limit.range"},
        {NULL, "100000", NULL, "limit:limit.syntax"},
        {NULL, "", NULL, "limit:limit.syntax"},
        {NULL, "-1", NULL, "limit:limit.syntax"},
        {NULL, "+5", NULL, "limit:limit.syntax"},
        {NULL, "5 ", NULL, "limit:limit.syntax"},
        {NULL, "1e2", NULL, "limit:limit.syntax"},
        {NULL, NULL, "", "type:type.unknown"},
        {NULL, NULL, "vacancies", "type:type.unknown"},
        {other, "0", "x", "since:cursor.invalid limit:limit.range type:type.unknown"},
    };

    (void)state;
    cursor_of(INCROCIO_CHANGES_CURSOR_SCOPE, "x", feed_x);
    cursor_of(INCROCIO_CHANGES_CURSOR_SCOPE, "1234567890123456789", feed_long); /* 19 digits */
    cursor_of(INCROCIO_CHANGES_CURSOR_SCOPE, "-1", feed_neg);
    cursor_of("employers", "1", other);
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_changes_query q;
        json_t *errors = json_array();
        char got[256];

        incrocio_changes_parse(rows[i].since, rows[i].limit, rows[i].type, &q, errors);
        codes_of(errors, got, sizeof got);
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s\"", i, got, rows[i].want);
        json_decref(errors);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
