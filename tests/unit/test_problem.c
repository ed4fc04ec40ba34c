/* src/http/problem.c: the safe copy of a request path, and reason phrases. */
#include "unit.h"

#include "incrocio/problem.h"

struct path_row {
    const char *path;
    const char *want;
};

static const struct path_row path_rows[] = {
    {"/v1/offices", "/v1/offices"},
    {"/v1/offices/CE08?x=1&y=2#f", "/v1/offices/CE08?x=1&y=2#f"},
    {"!\"#$&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~", "!\"#$&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~"},
    {"", ""},
    {"/a b", "/a%20b"},
    {"/100%", "/100%25"},
    {"/%41", "/%2541"}, /* an existing escape is escaped again: no decoding */
    {"/caf\xc3\xa9", "/caf%C3%A9"},
    {"/\x80\xff", "/%80%FF"},
    {"\x01\x1f\x7f", "%01%1F%7F"},
    {"/a\r\nSet-Cookie: x", "/a%0D%0ASet-Cookie:%20x"},
    {"\t", "%09"},
};

static void test_safe_path(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(path_rows); i++) {
        char out[256];

        memset(out, 'Z', sizeof out);
        incrocio_problem_safe_path(path_rows[i].path, out, sizeof out);
        ROW_STR(i, out, path_rows[i].want);
    }
}

static void test_safe_path_null(void **state)
{
    char out[8];

    (void)state;
    memset(out, 'Z', sizeof out);
    incrocio_problem_safe_path(NULL, out, sizeof out);
    assert_string_equal(out, "");
}

/* Every prefix length: the output is the longest whole-token prefix that
 * fits (an escape is never cut), NUL-terminated, and nothing is written at
 * or past outlen. */
static void test_safe_path_truncation(void **state)
{
    static const char path[] = "/a b%\xff"
                               "c";
    /* The full encoding, token by token. */
    static const char *const tokens[] = {"/", "a", "%20", "b", "%25", "%FF", "c"};
    enum { CANARY = 32 };

    (void)state;
    for (size_t outlen = 1; outlen <= 20; outlen++) {
        char buf[20 + CANARY], want[32] = "";

        for (size_t t = 0; t < N_ELEMS(tokens); t++) {
            if (strlen(want) + strlen(tokens[t]) + 1 > outlen)
                break;
            strcat(want, tokens[t]);
        }
        memset(buf, 'Z', sizeof buf);
        incrocio_problem_safe_path(path, buf, outlen);
        ROW_STR(outlen, buf, want);
        for (size_t i = outlen; i < sizeof buf; i++)
            ROW_INT(outlen * 100 + i, buf[i], 'Z');
    }
}

static void test_safe_path_exact_sizes(void **state)
{
    char buf[16];

    (void)state;
    /* Literal expectations for the edges of an escape. */
    memset(buf, 'Z', sizeof buf);
    incrocio_problem_safe_path(" ", buf, 3);
    assert_string_equal(buf, ""); /* "%20" needs 4 bytes */
    incrocio_problem_safe_path(" ", buf, 4);
    assert_string_equal(buf, "%20");
    incrocio_problem_safe_path("ab", buf, 2);
    assert_string_equal(buf, "a");
    incrocio_problem_safe_path("ab", buf, 3);
    assert_string_equal(buf, "ab");
    incrocio_problem_safe_path("/x", buf, 1);
    assert_string_equal(buf, "");
    /* outlen 0: nothing written at all. */
    memset(buf, 'Z', sizeof buf);
    incrocio_problem_safe_path("/x", buf, 0);
    assert_int_equal(buf[0], 'Z');
}

static void test_safe_path_long_input(void **state)
{
    char *path = unit_repeat("\xe2\x82\xac", 1000); /* 1000 euro signs, 9000 bytes encoded */
    char out[512];

    (void)state;
    incrocio_problem_safe_path(path, out, sizeof out);
    /* 511 usable bytes hold 170 whole escapes: 56 euro signs and two
     * thirds of the 57th. */
    assert_int_equal(strlen(out), 510);
    assert_int_equal(strncmp(out, "%E2%82%AC%E2", 12), 0);
    assert_string_equal(out + 495, "%E2%82%AC%E2%82");
    free(path);
}

static void test_title(void **state)
{
    const struct {
        unsigned status;
        const char *want;
    } rows[] = {
        {200, "OK"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {409, "Conflict"},
        {412, "Precondition Failed"},
        {413, "Content Too Large"},
        {415, "Unsupported Media Type"},
        {422, "Unprocessable Content"},
        {428, "Precondition Required"},
        {429, "Too Many Requests"},
        {500, "Internal Server Error"},
        {503, "Service Unavailable"},
        {0, "Error"},
        {418, "Error"},
        {502, "Error"},
        {999, "Error"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_STR(i, incrocio_problem_title(rows[i].status), rows[i].want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_safe_path),
        cmocka_unit_test(test_safe_path_null),
        cmocka_unit_test(test_safe_path_truncation),
        cmocka_unit_test(test_safe_path_exact_sizes),
        cmocka_unit_test(test_safe_path_long_input),
        cmocka_unit_test(test_title),
    };
    return cmocka_run_group_tests_name("problem", tests, NULL, NULL);
}
