/* src/http/respond.c: entity tags and their matching. */
#include <limits.h>

#include "unit.h"

#include "incrocio/respond.h"

static void test_etag_of_version(void **state)
{
    const struct {
        long version;
        const char *want;
    } rows[] = {
        {0, "\"0\""},
        {1, "\"1\""},
        {42, "\"42\""},
        {-1, "\"-1\""},
        {LONG_MAX, "\"9223372036854775807\""},
        {LONG_MIN, "\"-9223372036854775808\""},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char out[24];

        memset(out, 'Z', sizeof out);
        incrocio_etag_of_version(rows[i].version, out, sizeof out);
        ROW_STR(i, out, rows[i].want);
    }
}

static void test_etag_of_version_truncates(void **state)
{
    char out[8];

    (void)state;
    memset(out, 'Z', sizeof out);
    incrocio_etag_of_version(123456, out, 4);
    assert_string_equal(out, "\"12");
    assert_int_equal(out[4], 'Z');
    incrocio_etag_of_version(7, out, 1);
    assert_string_equal(out, "");
    assert_int_equal(out[1], '1'); /* untouched from the call before */
}

struct row {
    const char *header;
    const char *etag;
    int weak;
    int want;
};

static const struct row rows[] = {
    /* "*" matches any current representation. */
    {"*", "\"1\"", 0, 1},
    {"*", "\"1\"", 1, 1},
    {"  *", "\"1\"", 0, 1},
    {"\"2\", *", "\"1\"", 0, 1},
    /* A single tag. */
    {"\"1\"", "\"1\"", 0, 1},
    {"\"1\"", "\"1\"", 1, 1},
    {"\"2\"", "\"1\"", 0, 0},
    {"\"12\"", "\"1\"", 0, 0},
    {"\"1\"", "\"12\"", 0, 0},
    {"\"\"", "\"\"", 0, 1},
    {"\"\"", "\"1\"", 0, 0},
    {"\"a,b\"", "\"a,b\"", 0, 1}, /* a comma inside the tag */
    /* Lists, with and without spaces and tabs. */
    {"\"1\",\"2\",\"3\"", "\"2\"", 0, 1},
    {"\"1\", \"2\", \"3\"", "\"3\"", 0, 1},
    {"  \"1\" ,\t\"2\"  ", "\"2\"", 0, 1},
    {"\"1\", \"2\"", "\"4\"", 0, 0},
    {",,\"1\",,", "\"1\"", 0, 1},
    /* Weak tags: equal only under weak comparison. */
    {"W/\"1\"", "\"1\"", 1, 1},
    {"W/\"1\"", "\"1\"", 0, 0},
    {"W/\"1\", \"1\"", "\"1\"", 0, 1}, /* the strong one later in the list */
    {"\"1\"", "W/\"1\"", 1, 1},
    {"\"1\"", "W/\"1\"", 0, 0},
    {"W/\"1\"", "W/\"1\"", 1, 1},
    {"W/\"1\"", "W/\"1\"", 0, 0},
    {"W/\"2\"", "\"1\"", 1, 0},
    {"w/\"1\"", "\"1\"", 1, 0}, /* the prefix is case-sensitive */
    /* Malformed: match nothing. */
    {"1", "\"1\"", 0, 0},
    {"1", "1", 0, 0},
    {"\"1", "\"1\"", 0, 0},
    {"W/", "\"1\"", 1, 0},
    {"W/1", "\"1\"", 1, 0},
    {"abc, \"1\"", "\"1\"", 0, 0},
    {"\"1\" garbage", "\"2\"", 0, 0},
    {"", "\"1\"", 0, 0},
    {"   ", "\"1\"", 0, 0},
    {",", "\"1\"", 0, 0},
    {NULL, "\"1\"", 0, 0},
    {NULL, "\"1\"", 1, 0},
};

static void test_etag_matches(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_etag_matches(rows[i].header, rows[i].etag, rows[i].weak), rows[i].want);
}

static void test_etag_round_trip(void **state)
{
    char tag[24], header[64];

    (void)state;
    incrocio_etag_of_version(17, tag, sizeof tag);
    assert_int_equal(incrocio_etag_matches(tag, tag, 0), 1);
    snprintf(header, sizeof header, "\"16\", %s", tag);
    assert_int_equal(incrocio_etag_matches(header, tag, 0), 1);
    snprintf(header, sizeof header, "W/%s", tag);
    assert_int_equal(incrocio_etag_matches(header, tag, 0), 0);
    assert_int_equal(incrocio_etag_matches(header, tag, 1), 1);
    incrocio_etag_of_version(170, tag, sizeof tag);
    assert_int_equal(incrocio_etag_matches("\"17\"", tag, 1), 0);
}

/* Exact-size heap copies: comparing a short tag with a longer one, or a tag
 * at the very end of the header, reads nothing past either string (ASan). */
static void test_etag_matches_exact_buffers(void **state)
{
    static const struct row cases[] = {
        {"\"1\"", "\"1234567890\"", 0, 0},     {"\"1234567890\"", "\"1\"", 0, 0},
        {"W/\"1\"", "W/\"1234567890\"", 1, 0}, {"\"2\", \"1\"", "\"1\"", 0, 1},
        {"\"2\", \"1", "\"1\"", 0, 0},         {"\"2\", W/", "\"1\"", 1, 0},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        char *h = strdup(cases[i].header), *e = strdup(cases[i].etag);

        assert_non_null(h);
        assert_non_null(e);
        ROW_INT(i, incrocio_etag_matches(h, e, cases[i].weak), cases[i].want);
        free(h);
        free(e);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_etag_of_version),
        cmocka_unit_test(test_etag_of_version_truncates),
        cmocka_unit_test(test_etag_matches),
        cmocka_unit_test(test_etag_round_trip),
        cmocka_unit_test(test_etag_matches_exact_buffers),
    };
    return cmocka_run_group_tests_name("respond", tests, NULL, NULL);
}
