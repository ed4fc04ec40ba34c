/* src/domain/jsonscan.c: the nesting-depth scan that runs before jansson. */
#include "unit.h"

#include "incrocio/jsonscan.h"

/* Scans an exact-size heap copy (no NUL after it), so ASan catches any read
 * past len. */
static int scan(const char *text, size_t len, int max_depth, size_t *offset)
{
    char *buf = malloc(len ? len : 1);
    int rc;

    assert_non_null(buf);
    memcpy(buf, text, len);
    rc = incrocio_jsonscan_depth(buf, len, max_depth, offset);
    free(buf);
    return rc;
}

static int scan_str(const char *text, int max_depth, size_t *offset)
{
    return scan(text, strlen(text), max_depth, offset);
}

/* n '[' then n ']' (heap). */
static char *nested(const char *open, const char *close, size_t n)
{
    char *o = unit_repeat(open, n), *c = unit_repeat(close, n);
    char *s = malloc(strlen(o) + strlen(c) + 1);

    assert_non_null(s);
    strcpy(s, o);
    strcat(s, c);
    free(o);
    free(c);
    return s;
}

static void test_depth_at_limit_passes(void **state)
{
    char *arr = nested("[", "]", INCROCIO_JSON_MAX_DEPTH);
    char *obj = nested("{\"a\":", "}", INCROCIO_JSON_MAX_DEPTH);
    size_t off = 777;

    (void)state;
    assert_int_equal(scan_str(arr, INCROCIO_JSON_MAX_DEPTH, &off), 0);
    assert_int_equal(scan_str(obj, INCROCIO_JSON_MAX_DEPTH, &off), 0);
    assert_int_equal(scan_str(arr, INCROCIO_JSON_MAX_DEPTH, NULL), 0);
    free(arr);
    free(obj);
}

static void test_depth_over_limit_fails_at_the_bracket(void **state)
{
    char *arr = nested("[", "]", INCROCIO_JSON_MAX_DEPTH + 1);
    char *obj = nested("{\"a\":", "}", INCROCIO_JSON_MAX_DEPTH + 1);
    char *deep = unit_repeat("[", 100000);
    size_t off = 0;

    (void)state;
    assert_int_equal(scan_str(arr, INCROCIO_JSON_MAX_DEPTH, &off), -1);
    assert_int_equal(off, INCROCIO_JSON_MAX_DEPTH); /* the 33rd '[' */
    off = 0;
    assert_int_equal(scan_str(obj, INCROCIO_JSON_MAX_DEPTH, &off), -1);
    assert_int_equal(off, 5 * INCROCIO_JSON_MAX_DEPTH); /* each level is {"a": */
    off = 0;
    assert_int_equal(scan_str(deep, INCROCIO_JSON_MAX_DEPTH, &off), -1);
    assert_int_equal(off, INCROCIO_JSON_MAX_DEPTH);
    /* NULL offset: still refused, nothing written. */
    assert_int_equal(scan_str(arr, INCROCIO_JSON_MAX_DEPTH, NULL), -1);
    free(arr);
    free(obj);
    free(deep);
}

struct row {
    const char *json;
    int max_depth;
    int rc;
    size_t offset; /* when rc == -1 */
};

static const struct row rows[] = {
    /* Plain documents. */
    {"", 0, 0, 0},
    {"1", 0, 0, 0},
    {"\"x\"", 0, 0, 0},
    {"{}", 0, -1, 0},
    {"{}", 1, 0, 0},
    {"[[]]", 1, -1, 1},
    {"[[]]", 2, 0, 0},
    {"  {\"a\": [1, {\"b\": 2}]}", 2, -1, 12},
    {"  {\"a\": [1, {\"b\": 2}]}", 3, 0, 0},
    /* Siblings do not add up: depth goes back down. */
    {"[[],[],[],[],[],[]]", 2, 0, 0},
    {"[[]][[]][[]]", 2, 0, 0},
    {"{\"a\":{},\"b\":{},\"c\":{\"d\":[]}}", 3, 0, 0},
    {"{\"a\":{},\"b\":{},\"c\":{\"d\":[]}}", 2, -1, 24},
    /* Brackets inside strings are text. */
    {"\"[[[[[[\"", 0, 0, 0},
    {"[\"[[[[[[\"]", 1, 0, 0},
    {"{\"{{{{\":\"}}}}[[[[\"}", 1, 0, 0},
    {"[\"]]]]\", [[]]]", 3, 0, 0},
    {"[\"]]]]\", [[]]]", 2, -1, 10},
    /* Escaped quotes do not end a string. */
    {"[\"\\\"[[[[\"]", 1, 0, 0},       /* ["\"[[[["] */
    {"[\"a\\\\\\\"[[[\"]", 1, 0, 0},   /* ["a\\\"[[["]: \\ then \" */
    {"[\"\\\\\"[[", 1, -1, 5},         /* ["\\"[[: \\ ends in a backslash, " closes */
    {"[\"\\\\\\\\\"[", 1, -1, 7},      /* ["\\\\"[ */
    {"[\"\\u005b\\u007b\"]", 1, 0, 0}, /* escapes of [ and { */
    {"\"\\\\\" [", 0, -1, 5},          /* "\\" [ */
    /* Unbalanced input: no crash, no negative depth. */
    {"]]]]", 0, 0, 0},
    {"}}}}", 1, 0, 0},
    {"[[[", 3, 0, 0},
    {"[[[", 2, -1, 2},
    {"]][[[", 2, -1, 4}, /* the closers did not buy credit */
    {"}]}][{[", 2, -1, 6},
    {"[\"unterminated", 1, 0, 0},
    {"[\"unterminated [[[", 1, 0, 0},
    {"[\"ends in a backslash\\", 1, 0, 0},
    {"\\", 0, 0, 0},
    {"\"", 0, 0, 0},
    /* Quotes outside strings after a string toggle correctly. */
    {"\"a\"[\"b\"[\"c\"[", 2, -1, 11},
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        size_t off = 12345;

        ROW_INT(i, scan_str(rows[i].json, rows[i].max_depth, &off), rows[i].rc);
        if (rows[i].rc == -1)
            ROW_INT(i, off, rows[i].offset);
    }
}

static void test_len_is_respected(void **state)
{
    size_t off = 0;

    (void)state;
    /* Only the first len bytes count. */
    assert_int_equal(scan("[][[[[[", 2, 1, &off), 0);
    assert_int_equal(scan("[][[[[[", 3, 1, &off), 0);
    assert_int_equal(scan("[][[[[[", 4, 1, &off), -1);
    assert_int_equal(off, 3);
    assert_int_equal(scan("[[", 0, 0, &off), 0);
    /* A string whose closing quote is past len. */
    assert_int_equal(scan("\"[[\"[[", 3, 0, &off), 0);
    /* A NUL inside the buffer is a byte like any other. */
    assert_int_equal(scan("[\0[", 3, 1, &off), -1);
    assert_int_equal(off, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depth_at_limit_passes),
        cmocka_unit_test(test_depth_over_limit_fails_at_the_bracket),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_len_is_respected),
    };
    return cmocka_run_group_tests_name("jsonscan", tests, NULL, NULL);
}
