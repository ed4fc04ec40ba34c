/* src/domain/reqid.c: which X-Request-Id values are echoed, and the UUIDs
 * generated for the others. */
#include <pthread.h>

#include "unit.h"

#include "incrocio/reqid.h"

static void test_valid(void **state)
{
    char *max = unit_repeat("a", INCROCIO_REQID_MAX);
    char *mixed = unit_repeat("aZ09._-", 9); /* 63 characters */
    const char *const good[] = {
        "a", "Z",   "0", ".", "_", "-", "abc-DEF_012.x", "0f8fad5b-d9cb-469f-a165-70867728950e",
        max, mixed,
    };

    (void)state;
    assert_int_equal(INCROCIO_REQID_MAX, 64);
    assert_int_equal(strlen(max), 64);
    for (size_t i = 0; i < N_ELEMS(good); i++)
        ROW_INT(i, incrocio_reqid_valid(good[i]), 1);
    free(max);
    free(mixed);
}

static void test_invalid(void **state)
{
    char *over = unit_repeat("a", INCROCIO_REQID_MAX + 1);
    char *long_bad_tail = unit_repeat("a", 200);
    const char *const bad[] = {
        "",
        over,
        long_bad_tail,
        " ",
        "a b",
        " a",
        "a ",
        "a\t",
        "a\r\nX-Injected: 1",
        "a\r",
        "a\n",
        "\n",
        "caf\xc3\xa9", /* UTF-8 */
        "\xff",
        "a\x7f",
        "a\x01",
        "a/b",
        "a:b",
        "a;b",
        "a\"b",
        "a'b",
        "a%20",
        "a+b",
        "a=b",
        "a,b",
        "<script>",
        "a\\b",
        "{}",
        "~",
        "a@b",
        "a#b",
    };

    (void)state;
    assert_int_equal(incrocio_reqid_valid(NULL), 0);
    for (size_t i = 0; i < N_ELEMS(bad); i++)
        ROW_INT(i, incrocio_reqid_valid(bad[i]), 0);
    free(over);
    free(long_bad_tail);
}

static int is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void assert_uuid_v4(size_t row, const char *id)
{
    ROW_INT(row, strlen(id), 36);
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            ROW_INT(row * 100 + i, id[i], '-');
        else
            ROW_INT(row * 100 + i, is_lower_hex(id[i]), 1);
    }
    ROW_INT(row, id[14], '4');                       /* version */
    ROW_INT(row, strchr("89ab", id[19]) != NULL, 1); /* variant 10xx */
    ROW_INT(row, incrocio_reqid_valid(id), 1);       /* our own ids are echoable */
}

static void test_generate_shape(void **state)
{
    char id[37];

    (void)state;
    memset(id, 'Z', sizeof id);
    incrocio_reqid_generate(id);
    assert_int_equal(id[36], '\0');
    assert_uuid_v4(0, id);
}

static void test_generate_differs(void **state)
{
    enum { N = 2000 };
    char(*ids)[37] = malloc(N * sizeof *ids);
    int variants[4] = {0};

    (void)state;
    assert_non_null(ids);
    for (size_t i = 0; i < N; i++) {
        incrocio_reqid_generate(ids[i]);
        assert_uuid_v4(i, ids[i]);
        variants[strchr("89ab", ids[i][19]) - "89ab"]++;
    }
    assert_string_not_equal(ids[0], ids[1]);
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++)
            if (strcmp(ids[i], ids[j]) == 0)
                fail_msg("ids %zu and %zu are both %s", i, j, ids[i]);
    /* The two random variant bits are not stuck: all four values occur. */
    for (size_t v = 0; v < 4; v++)
        ROW_INT(v, variants[v] > 0, 1);
    free(ids);
}

/* Each thread gets ids of its own: no two threads repeat each other. */
enum { THREADS = 4, PER_THREAD = 256 };
static char thread_ids[THREADS][PER_THREAD][37];

static void *generate_many(void *arg)
{
    char(*ids)[37] = arg;

    for (size_t i = 0; i < PER_THREAD; i++)
        incrocio_reqid_generate(ids[i]);
    return NULL;
}

static void test_generate_across_threads(void **state)
{
    pthread_t th[THREADS];

    (void)state;
    for (size_t t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, generate_many, thread_ids[t]), 0);
    for (size_t t = 0; t < THREADS; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);
    for (size_t a = 0; a < THREADS * PER_THREAD; a++) {
        const char *ia = thread_ids[a / PER_THREAD][a % PER_THREAD];

        assert_uuid_v4(a, ia);
        for (size_t b = a + 1; b < THREADS * PER_THREAD; b++)
            if (strcmp(ia, thread_ids[b / PER_THREAD][b % PER_THREAD]) == 0)
                fail_msg("ids %zu and %zu are both %s", a, b, ia);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_generate_shape),
        cmocka_unit_test(test_generate_differs),
        cmocka_unit_test(test_generate_across_threads),
    };
    return cmocka_run_group_tests_name("reqid", tests, NULL, NULL);
}
