/* src/http/ratelimit.c: token buckets with explicit clocks. Includes the
 * source (h2o style) to count the buckets the sweep keeps; this test is
 * therefore built without the core library. */
#include <pthread.h>

#include "../../src/http/ratelimit.c"
#include "unit.h"

struct take {
    double now;
    int allowed, remaining, reset, retry_after;
};

static void play(struct incrocio_ratelimit *rl, const char *key, const struct take *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct incrocio_ratelimit_info info;

        memset(&info, 0x5a, sizeof info);
        ROW_INT(i, incrocio_ratelimit_take(rl, key, t[i].now, &info), t[i].allowed);
        ROW_INT(i, info.limit, (int)rl->capacity);
        ROW_INT(i, info.remaining, t[i].remaining);
        ROW_INT(i, info.reset, t[i].reset);
        ROW_INT(i, info.retry_after, t[i].retry_after);
    }
}

/* Takes n tokens at now; all must be allowed. */
static void drain(struct incrocio_ratelimit *rl, const char *key, double now, int n)
{
    struct incrocio_ratelimit_info info;

    for (int i = 0; i < n; i++)
        ROW_INT(i, incrocio_ratelimit_take(rl, key, now, &info), 1);
}

static void test_fresh_key(void **state)
{
    struct incrocio_ratelimit *rl = incrocio_ratelimit_new(60);
    const struct take t[] = {{100.0, 1, 59, 1, 0}};
    struct incrocio_ratelimit *rl600 = incrocio_ratelimit_new(600);
    const struct take t600[] = {{0.0, 1, 599, 1, 0}};

    (void)state;
    assert_non_null(rl);
    play(rl, "10.0.0.1", t, N_ELEMS(t));
    play(rl600, "10.0.0.1", t600, N_ELEMS(t600));
    incrocio_ratelimit_free(rl);
    incrocio_ratelimit_free(rl600);
}

static void test_exhaust_and_refill(void **state)
{
    /* 60 per minute: one token per second. */
    struct incrocio_ratelimit *rl = incrocio_ratelimit_new(60);
    const struct take t[] = {
        {100.0, 1, 0, 60, 0}, /* the 60th token */
        {100.0, 0, 0, 60, 1}, /* empty */
        {100.0, 0, 0, 60, 1}, /* a denied take costs nothing */
        {100.5, 0, 0, 60, 1}, /* half a token: still denied, retry in ceil(0.5) */
        {100.9, 0, 0, 60, 1}, {101.0, 1, 0, 60, 0},  /* one whole token */
        {101.0, 0, 0, 60, 1}, {111.0, 1, 9, 51, 0},  /* ten seconds: ten tokens, one taken */
        {111.0, 1, 8, 52, 0}, {1000.0, 1, 59, 1, 0}, /* capped at capacity: never more than 60 */
    };

    (void)state;
    drain(rl, "k", 100.0, 59);
    play(rl, "k", t, N_ELEMS(t));
    incrocio_ratelimit_free(rl);
}

static void test_reset_and_retry_after(void **state)
{
    /* 600 per minute: ten tokens per second. */
    struct incrocio_ratelimit *rl = incrocio_ratelimit_new(600);
    const struct take t10[] = {{0.0, 1, 590, 1, 0}}; /* 10 missing: 1 s to refill */
    const struct take t11[] = {{0.0, 1, 589, 2, 0}}; /* 11 missing: 1.1 s → 2 */
    struct incrocio_ratelimit *slow = incrocio_ratelimit_new(1);
    const struct take s[] = {
        {0.0, 1, 0, 60, 0},   {0.0, 0, 0, 60, 60}, /* one token a minute */
        {30.0, 0, 0, 30, 30},                      /* half way */
        {59.5, 0, 0, 1, 1},   {60.0, 1, 0, 60, 0},
    };
    struct incrocio_ratelimit *seven = incrocio_ratelimit_new(7);
    const struct take sv[] = {
        {0.0, 0, 0, 60, 9}, /* 60/7 = 8.57 s per token, rounded up */
    };

    (void)state;
    drain(rl, "a", 0.0, 9);
    play(rl, "a", t10, 1);
    play(rl, "a", t11, 1);
    play(slow, "b", s, N_ELEMS(s));
    drain(seven, "c", 0.0, 7);
    play(seven, "c", sv, 1);
    incrocio_ratelimit_free(rl);
    incrocio_ratelimit_free(slow);
    incrocio_ratelimit_free(seven);
}

static void test_keys_are_independent(void **state)
{
    struct incrocio_ratelimit *rl = incrocio_ratelimit_new(60);
    const struct take empty[] = {{5.0, 0, 0, 60, 1}};
    const struct take fresh[] = {{5.0, 1, 59, 1, 0}};

    (void)state;
    drain(rl, "10.0.0.1", 5.0, 60);
    play(rl, "10.0.0.1", empty, 1);
    play(rl, "10.0.0.2", fresh, 1);
    play(rl, "10.0.0.10", fresh, 1); /* shares a prefix */
    play(rl, "10.0.0.", fresh, 1);
    play(rl, "", fresh, 1);
    play(rl, "10.0.0.1", empty, 1);
    assert_int_equal(rl->count, 5);
    incrocio_ratelimit_free(rl);
}

static void test_time_going_backwards(void **state)
{
    struct incrocio_ratelimit *rl = incrocio_ratelimit_new(60);
    const struct take t[] = {
        {100.0, 0, 0, 60, 1}, {40.0, 0, 0, 60, 1}, /* earlier: no tokens, and no debt either */
        {50.0, 0, 0, 60, 1},  {100.9, 0, 0, 60, 1},
        {101.0, 1, 0, 60, 0}, /* refilled from 100, not from 40 or 50 */
        {101.0, 0, 0, 60, 1},
    };

    (void)state;
    drain(rl, "k", 100.0, 60);
    play(rl, "k", t, N_ELEMS(t));
    incrocio_ratelimit_free(rl);
}

static void test_new_bucket_in_the_past(void **state)
{
    /* A bucket created at t=100 then used at t=0 keeps its tokens. */
    struct incrocio_ratelimit *rl = incrocio_ratelimit_new(60);
    const struct take t[] = {{100.0, 1, 59, 1, 0}, {0.0, 1, 58, 2, 0}};

    (void)state;
    play(rl, "k", t, N_ELEMS(t));
    incrocio_ratelimit_free(rl);
}

static void test_sweep_keeps_active_buckets(void **state)
{
    struct incrocio_ratelimit *rl = incrocio_ratelimit_new(60);
    struct incrocio_ratelimit_info info;
    char key[32];

    (void)state;
    /* SWEEP_AT buckets, each one token short of full. */
    for (int i = 0; i < SWEEP_AT; i++) {
        snprintf(key, sizeof key, "k%d", i);
        ROW_INT(i, incrocio_ratelimit_take(rl, key, 0.0, &info), 1);
    }
    assert_int_equal(rl->count, SWEEP_AT);
    drain(rl, "k0", 0.0, 59); /* k0 is empty now */
    assert_int_equal(rl->count, SWEEP_AT);

    /* A new key at the same time: the sweep runs but finds nothing full. */
    assert_int_equal(incrocio_ratelimit_take(rl, "new1", 0.0, &info), 1);
    assert_int_equal(rl->count, SWEEP_AT + 1);

    /* That sweep freed nothing, so the next one waits for twice as many
     * buckets: a flood of new keys costs amortised O(1), not a sweep each. */
    assert_int_equal(rl->sweep_at, 2 * SWEEP_AT);
    assert_int_equal(incrocio_ratelimit_take(rl, "new2", 10.0, &info), 1);
    assert_int_equal(info.remaining, 59);
    assert_int_equal(rl->count, SWEEP_AT + 2);

    /* A minute on, all the old buckets are full again; the new ones ("f")
     * are one token short. Filling up to the threshold sweeps the old away. */
    for (int i = 0; rl->count < rl->sweep_at; i++) {
        snprintf(key, sizeof key, "f%d", i);
        ROW_INT(i, incrocio_ratelimit_take(rl, key, 100.0, &info), 1);
    }
    assert_int_equal(rl->count, 2 * SWEEP_AT);
    assert_int_equal(incrocio_ratelimit_take(rl, "trigger", 100.0, &info), 1);
    assert_int_equal(rl->count, 2 * SWEEP_AT - (SWEEP_AT + 2) + 1);

    /* k0 is gone with the others, so it starts full, as if it had been kept. */
    assert_int_equal(incrocio_ratelimit_take(rl, "k0", 100.0, &info), 1);
    assert_int_equal(info.remaining, 59);
    /* a new bucket still in the table kept its state */
    assert_int_equal(incrocio_ratelimit_take(rl, "f0", 100.0, &info), 1);
    assert_int_equal(info.remaining, 58);
    incrocio_ratelimit_free(rl);
}

static void test_many_keys_each_limited(void **state)
{
    enum { KEYS = 3 * SWEEP_AT };
    struct incrocio_ratelimit *rl = incrocio_ratelimit_new(2);
    struct incrocio_ratelimit_info info;
    char key[32];

    (void)state;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < KEYS; i++) {
            snprintf(key, sizeof key, "192.0.2.%d", i);
            ROW_INT(round * KEYS + i, incrocio_ratelimit_take(rl, key, 1.0, &info), round < 2);
            ROW_INT(round * KEYS + i, info.remaining, 0 + (round == 0));
        }
    assert_int_equal(rl->count, KEYS);
    incrocio_ratelimit_free(rl);
}

struct worker {
    struct incrocio_ratelimit *rl;
    int allowed;
};

static void *hammer(void *arg)
{
    struct worker *w = arg;
    struct incrocio_ratelimit_info info;

    for (int i = 0; i < 2000; i++)
        w->allowed += incrocio_ratelimit_take(w->rl, "shared", 0.0, &info);
    return NULL;
}

static void test_concurrent_takes_are_counted_once(void **state)
{
    enum { THREADS = 4 };
    struct incrocio_ratelimit *rl = incrocio_ratelimit_new(5000);
    struct incrocio_ratelimit_info info;
    struct worker w[THREADS];
    pthread_t th[THREADS];
    int total = 0;

    (void)state;
    for (int i = 0; i < THREADS; i++) {
        w[i].rl = rl;
        w[i].allowed = 0;
        assert_int_equal(pthread_create(&th[i], NULL, hammer, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        total += w[i].allowed;
    }
    assert_int_equal(total, 5000); /* 8000 tries for 5000 tokens */
    assert_int_equal(incrocio_ratelimit_take(rl, "shared", 0.0, &info), 0);
    assert_int_equal(info.remaining, 0);
    incrocio_ratelimit_free(rl);
}

static void test_free_null(void **state)
{
    (void)state;
    incrocio_ratelimit_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_key),
        cmocka_unit_test(test_exhaust_and_refill),
        cmocka_unit_test(test_reset_and_retry_after),
        cmocka_unit_test(test_keys_are_independent),
        cmocka_unit_test(test_time_going_backwards),
        cmocka_unit_test(test_new_bucket_in_the_past),
        cmocka_unit_test(test_sweep_keeps_active_buckets),
        cmocka_unit_test(test_many_keys_each_limited),
        cmocka_unit_test(test_concurrent_takes_are_counted_once),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
