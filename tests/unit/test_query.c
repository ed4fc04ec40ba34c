/* src/http/query.c: building the next page's query string and Link header. */
#include "unit.h"

#include "incrocio/query.h"

/* ---- incrocio_query_append ----------------------------------------------------- */

static void test_append(void **state)
{
    const struct {
        const char *before;
        const char *name;
        const char *value;
        const char *want;
    } rows[] = {
        {"", "a", "b", "a=b"},
        {"x=1", "a", "b", "x=1&a=b"},
        {"x=1&y=2", "a", "b", "x=1&y=2&a=b"},
        {"", "a", "", "a="},
        {"", "a", NULL, ""}, /* NULL: nothing, not even the name */
        {"x=1", "a", NULL, "x=1"},
        /* unreserved characters (RFC 3986) as they are */
        {"", "v", "AZaz09-._~", "v=AZaz09-._~"},
        /* everything else percent-encoded, upper-case hex */
        {"", "from", "2024-03-01T10:20:30+01:00", "from=2024-03-01T10%3A20%3A30%2B01%3A00"},
        {"", "v", "a b", "v=a%20b"},
        {"", "v", "a+b", "v=a%2Bb"},
        {"", "v", "a&b=c", "v=a%26b%3Dc"},
        {"", "v", "%", "v=%25"},
        {"", "v", "%41", "v=%2541"},
        {"", "v", "/?#[]@", "v=%2F%3F%23%5B%5D%40"},
        {"", "v", "!$'()*,;", "v=%21%24%27%28%29%2A%2C%3B"},
        {"", "v", "\"<>\\^`{|}", "v=%22%3C%3E%5C%5E%60%7B%7C%7D"},
        {"", "v", "\x01\t\n\r\x1f\x7f", "v=%01%09%0A%0D%1F%7F"},
        {"", "v", "caff\xc3\xa8", "v=caff%C3%A8"},
        {"", "v", "\xe2\x82\xac", "v=%E2%82%AC"},
        {"", "v", "\xf0\x9f\x98\x80", "v=%F0%9F%98%80"},
        {"", "v", "\x80\xff", "v=%80%FF"},
        {"", "key_id", "123e4567-e89b-12d3-a456-426614174000",
         "key_id=123e4567-e89b-12d3-a456-426614174000"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char buf[256];

        snprintf(buf, sizeof buf, "%s", rows[i].before);
        incrocio_query_append(buf, sizeof buf, rows[i].name, rows[i].value);
        ROW_STR(i, buf, rows[i].want);
    }
}

/* The filters of GET /v1/audit-events, in turn, the NULL ones skipped. */
static void test_append_sequence(void **state)
{
    char buf[400] = "";

    (void)state;
    incrocio_query_append(buf, sizeof buf, "job_seeker_id", NULL);
    incrocio_query_append(buf, sizeof buf, "key_id", "123e4567-e89b-12d3-a456-426614174000");
    incrocio_query_append(buf, sizeof buf, "from", "2024-01-01");
    incrocio_query_append(buf, sizeof buf, "to", "2024-02-01T00:00:00.5-05:30");
    assert_string_equal(buf, "key_id=123e4567-e89b-12d3-a456-426614174000&from=2024-01-01&"
                             "to=2024-02-01T00%3A00%3A00.5-05%3A30");
}

/* Whether a string ends inside a percent escape ("%" or "%X"). */
static int cut_escape(const char *s)
{
    size_t n = strlen(s);

    return (n >= 1 && s[n - 1] == '%') || (n >= 2 && s[n - 2] == '%');
}

/* Small buffers: never a byte past len, always terminated, a prefix of the
 * full result, never half an escape. Heap buffers of exactly len bytes (ASan)
 * inside a guarded copy for the plain check. */
static void test_append_truncation(void **state)
{
    const struct {
        const char *before;
        const char *name;
        const char *value;
    } rows[] = {
        {"", "a", "bcdefghijklmnopqrstuvwxyz"},
        {"", "from", "2024-03-01T10:20:30+01:00"},
        {"", "v", "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"},
        {"", "v", "a:b:c:d:e:f:g:h"},
        {"x=1", "name", "a b c d e"},
        {"xyz=12345", "a_long_parameter_name", "v"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char full[256];
        size_t full_len;

        snprintf(full, sizeof full, "%s", rows[i].before);
        incrocio_query_append(full, sizeof full, rows[i].name, rows[i].value);
        full_len = strlen(full);
        for (size_t len = strlen(rows[i].before) + 1; len <= full_len + 8; len++) {
            char guarded[300];
            char *exact = malloc(len);

            assert_non_null(exact);
            memset(guarded, '#', sizeof guarded);
            memcpy(guarded, rows[i].before, strlen(rows[i].before) + 1);
            incrocio_query_append(guarded, len, rows[i].name, rows[i].value);
            for (size_t k = len; k < sizeof guarded; k++)
                if (guarded[k] != '#')
                    fail_msg("row %zu, len %zu: byte %zu written", i, len, k);
            if (memchr(guarded, '\0', len) == NULL)
                fail_msg("row %zu, len %zu: not terminated", i, len);
            if (strncmp(guarded, full, strlen(guarded)) != 0)
                fail_msg("row %zu, len %zu: \"%s\" is not a prefix of \"%s\"", i, len, guarded,
                         full);
            /* the value is cut at whole escapes only */
            if (strlen(guarded) > strlen(rows[i].before) + strlen(rows[i].name) + 1 &&
                cut_escape(guarded))
                fail_msg("row %zu, len %zu: \"%s\" ends inside an escape", i, len, guarded);
            if (len > full_len + 3)
                ROW_STR(i, guarded, full); /* enough room: all of it */

            memcpy(exact, rows[i].before, strlen(rows[i].before) + 1);
            incrocio_query_append(exact, len, rows[i].name, rows[i].value);
            ROW_STR(i, exact, guarded);
            free(exact);
        }
    }
}

/* ---- incrocio_query_next_link -------------------------------------------------- */

static void test_next_link(void **state)
{
    const struct {
        const char *path;
        int limit;
        const char *cursor;
        const char *extra;
        const char *want;
    } rows[] = {
        {"/v1/offices", 20, "abc", NULL, "</v1/offices?limit=20&cursor=abc>; rel=\"next\""},
        {"/v1/offices", 1, "abc", "province=NA",
         "</v1/offices?limit=1&cursor=abc&province=NA>; rel=\"next\""},
        {"/v1/audit-events", 200, "eyJrIjoiMSJ9-_", "key_id=x&from=2024-01-01",
         "</v1/audit-events?limit=200&cursor=eyJrIjoiMSJ9-_&key_id=x&from=2024-01-01>; "
         "rel=\"next\""},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char out[256];

        incrocio_query_next_link(rows[i].path, rows[i].limit, rows[i].cursor, rows[i].extra, out,
                                 sizeof out);
        ROW_STR(i, out, rows[i].want);
    }
}

/* A short buffer truncates, terminated, without writing past it. */
static void test_next_link_truncation(void **state)
{
    static const char want[] = "</v1/offices?limit=20&cursor=abc&province=NA>; rel=\"next\"";

    (void)state;
    for (size_t len = 1; len <= sizeof want + 4; len++) {
        char *out = malloc(len);

        assert_non_null(out);
        incrocio_query_next_link("/v1/offices", 20, "abc", "province=NA", out, len);
        ROW_INT(len, strlen(out), len - 1 < sizeof want - 1 ? len - 1 : sizeof want - 1);
        ROW_INT(len, strncmp(out, want, strlen(out)), 0);
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_append_sequence),
        cmocka_unit_test(test_append_truncation),
        cmocka_unit_test(test_next_link),
        cmocka_unit_test(test_next_link_truncation),
    };
    return cmocka_run_group_tests_name("query", tests, NULL, NULL);
}
