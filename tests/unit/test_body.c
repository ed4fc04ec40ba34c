/* src/http/body.c: Content-Type matching. */
#include "unit.h"

#include "incrocio/body.h"

#define JSON "application/json"
#define MERGE "application/merge-patch+json"

struct row {
    const char *content_type;
    const char *media_type;
    int want;
};

static const struct row rows[] = {
    /* Exact and case-insensitive. */
    {"application/json", JSON, 1},
    {"APPLICATION/JSON", JSON, 1},
    {"Application/Json", JSON, 1},
    {MERGE, MERGE, 1},
    {"Application/Merge-Patch+JSON", MERGE, 1},
    /* Whitespace around the type. */
    {"  application/json", JSON, 1},
    {"\tapplication/json", JSON, 1},
    {"application/json  ", JSON, 1},
    {"application/json\t", JSON, 1},
    /* charset: UTF-8 only, quoted or not, any case. */
    {"application/json; charset=utf-8", JSON, 1},
    {"application/json;charset=utf-8", JSON, 1},
    {"application/json; charset=UTF-8", JSON, 1},
    {"application/json; CHARSET=Utf-8", JSON, 1},
    {"application/json; CHARSET=latin1", JSON, 0}, /* the parameter name is case-insensitive */
    {"application/json; Charset=\"Latin1\"", JSON, 0},
    {"application/json; charset=\"UTF-8\"", JSON, 1},
    {"application/json; charset=\"utf-8\"", JSON, 1},
    {"application/json ; charset=utf-8 ", JSON, 1},
    {"application/json;  charset=utf-8\t", JSON, 1},
    {"application/json; charset=latin1", JSON, 0},
    {"application/json; charset=iso-8859-1", JSON, 0},
    {"application/json; charset=utf-16", JSON, 0},
    {"application/json; charset=utf8", JSON, 0},
    {"application/json; charset=utf-8x", JSON, 0},
    {"application/json; charset=\"utf-8", JSON, 0},
    {"application/json; charset=utf-8\"", JSON, 0},
    {"application/json; charset='utf-8'", JSON, 0},
    {"application/json; charset=", JSON, 0},
    {"application/json; charset=\"latin1\"", JSON, 0},
    {MERGE "; charset=latin1", MERGE, 0},
    /* Other parameters are allowed, before or after the charset. */
    {"application/json; foo=bar", JSON, 1},
    {"application/json; foo=bar; charset=utf-8", JSON, 1},
    {"application/json; charset=utf-8; foo=bar", JSON, 1},
    {"application/json; foo=bar; charset=latin1", JSON, 0},
    {"application/json; charset=utf-8; charset=latin1", JSON, 0},
    {"application/json; charsetx=latin1", JSON, 1}, /* not the charset parameter */
    /* Other types, and types that merely start the same. */
    {"application/jsonx", JSON, 0},
    {"application/json-patch+json", JSON, 0},
    {"application/json x", JSON, 0},
    {"application/json,text/plain", JSON, 0},
    {"application/jso", JSON, 0},
    {"application/", JSON, 0},
    {"text/json", JSON, 0},
    {"text/plain", JSON, 0},
    {"application/x-www-form-urlencoded", JSON, 0},
    {"xapplication/json", JSON, 0},
    {"application/json", MERGE, 0},
    {MERGE, JSON, 0},
    {"", JSON, 0},
    {"   ", JSON, 0},
    {NULL, JSON, 0},
    {NULL, MERGE, 0},
};

static void test_media_type_is(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_body_media_type_is(rows[i].content_type, rows[i].media_type),
                rows[i].want);
}

/* A header with no NUL past its parameters' end is never read beyond it. */
static void test_media_type_exact_size_buffer(void **state)
{
    static const char *const values[] = {"application/json; charset=utf-8", "application/json;",
                                         "application/json; foo"};

    (void)state;
    for (size_t i = 0; i < N_ELEMS(values); i++) {
        size_t n = strlen(values[i]) + 1;
        char *heap = malloc(n);

        assert_non_null(heap);
        memcpy(heap, values[i], n);
        ROW_INT(i, incrocio_body_media_type_is(heap, JSON), 1);
        free(heap);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_media_type_is),
        cmocka_unit_test(test_media_type_exact_size_buffer),
    };
    return cmocka_run_group_tests_name("body", tests, NULL, NULL);
}
