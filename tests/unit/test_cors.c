/* src/http/cors.c: which Origin headers are allowed. */
#include "unit.h"

#include "incrocio/cors.h"

struct row {
    const char *allowed;
    const char *origin;
    int want;
};

static const struct row rows[] = {
    {"http://a.it", "http://a.it", 1},
    {"https://a.it:8443", "https://a.it:8443", 1},
    {"http://[::1]:8080", "http://[::1]:8080", 1},
    /* Exact match only: no prefix, suffix or case folding. */
    {"http://a.it", "http://a.it.evil", 0},
    {"http://a.it", "http://a.i", 0},
    {"http://a.it.evil", "http://a.it", 0},
    {"http://a.it", "http://evil.a.it", 0},
    {"http://a.it", "xhttp://a.it", 0},
    {"http://a.it", "http://a.it/", 0},
    {"http://a.it", "http://a.it:80", 0},
    {"http://a.it:8080", "http://a.it", 0},
    {"http://a.it", "https://a.it", 0},
    {"http://a.it", "HTTP://A.IT", 0},
    {"http://a.it", " http://a.it", 0},
    {"http://a.it", "http://a.it ", 0},
    {"http://a.it", "null", 0},
    /* Lists. */
    {"http://a.it,http://b.it", "http://a.it", 1},
    {"http://a.it,http://b.it", "http://b.it", 1},
    {"http://a.it,http://b.it,https://c.it:9", "https://c.it:9", 1},
    {"http://a.it,http://b.it", "http://c.it", 0},
    {"http://a.it,http://b.it", "http://a.it,http://b.it", 0}, /* the whole list */
    {"http://a.it,http://b.it", "http://a.it,", 0},
    {"http://a.it,http://b.it", ",http://b.it", 0},
    {"http://a.it,http://b.it", "http://b", 0},
    {"http://ab.it,http://a.it", "http://a.it", 1},
    {"http://a.it.evil,http://b.it", "http://a.it", 0},
    /* Empty list, empty or missing origin. */
    {"", "http://a.it", 0},
    {"", "", 0},
    {"http://a.it", "", 0},
    {"http://a.it,", "", 0},
    {",http://a.it", "", 0},
    {NULL, "http://a.it", 0},
    {"http://a.it", NULL, 0},
    {NULL, NULL, 0},
};

static void test_origin_allowed(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_cors_origin_allowed(rows[i].allowed, rows[i].origin), rows[i].want);
}

/* Exact-size heap copies: a match at the very end of either string reads
 * nothing past it (ASan). */
static void test_origin_allowed_exact_buffers(void **state)
{
    static const char list[] = "http://a.it,http://bb.it";
    static const char origin[] = "http://bb.it";
    char *l = malloc(sizeof list), *o = malloc(sizeof origin);

    (void)state;
    assert_non_null(l);
    assert_non_null(o);
    memcpy(l, list, sizeof list);
    memcpy(o, origin, sizeof origin);
    assert_int_equal(incrocio_cors_origin_allowed(l, o), 1);
    o[sizeof origin - 2] = 'x';
    assert_int_equal(incrocio_cors_origin_allowed(l, o), 0);
    free(l);
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origin_allowed),
        cmocka_unit_test(test_origin_allowed_exact_buffers),
    };
    return cmocka_run_group_tests_name("cors", tests, NULL, NULL);
}
