/* src/http/keycache.c: the short-lived cache of API key lookups. */
#include "unit.h"

#include "incrocio/keys.h"

/* A 64-hex-digit hash: the first 4 digits (the slot), then fill (freed by the
 * caller; exactly 65 bytes so ASan checks every read). */
static char *hash(const char *first4, char fill)
{
    char *h = malloc(65);

    assert_non_null(h);
    assert_int_equal(strlen(first4), 4);
    memcpy(h, first4, 4);
    memset(h + 4, fill, 60);
    h[64] = '\0';
    return h;
}

static struct incrocio_principal operator_p(void)
{
    struct incrocio_principal p;

    memset(&p, 0, sizeof p);
    p.role = INCROCIO_ROLE_OPERATOR;
    strcpy(p.key_id, "123e4567-e89b-12d3-a456-426614174000");
    p.n_offices = INCROCIO_MAX_OFFICES;
    for (int i = 0; i < INCROCIO_MAX_OFFICES; i++)
        snprintf(p.offices[i], sizeof p.offices[i], "CE%02d", i);
    strcpy(p.employer_id, "00000000-0000-0000-0000-00000000000e");
    return p;
}

/* Every field, one by one (padding is not compared). */
static void same_principal(const struct incrocio_principal *got,
                           const struct incrocio_principal *want)
{
    assert_int_equal(got->role, want->role);
    assert_string_equal(got->key_id, want->key_id);
    assert_int_equal(got->n_offices, want->n_offices);
    for (int i = 0; i < INCROCIO_MAX_OFFICES; i++)
        assert_string_equal(got->offices[i], want->offices[i]);
    assert_string_equal(got->employer_id, want->employer_id);
}

static struct incrocio_keycache *cache(void)
{
    struct incrocio_keycache *c = incrocio_keycache_new();

    assert_non_null(c);
    return c;
}

/* get: 1 or 0; found and who are written only on a hit. */
static int get(struct incrocio_keycache *c, const char *h, double now, int *found,
               struct incrocio_principal *who)
{
    *found = -7;
    memset(who, 0xA5, sizeof *who);
    return incrocio_keycache_get(c, h, now, found, who);
}

static void test_empty(void **state)
{
    struct incrocio_keycache *c = cache();
    char *h = hash("0000", '0');
    struct incrocio_principal who;
    int found;

    (void)state;
    /* an empty slot holds "" for hash, 0 for time: neither matches */
    assert_int_equal(get(c, h, 0.0, &found, &who), 0);
    assert_int_equal(get(c, h, 1.0, &found, &who), 0);
    assert_int_equal(found, -7);
    incrocio_keycache_free(c);
    incrocio_keycache_free(NULL);
    free(h);
}

static void test_found_entry(void **state)
{
    struct incrocio_keycache *c = cache();
    char *h = hash("abcd", 'e');
    struct incrocio_principal p = operator_p(), want = operator_p(), who;
    int found;

    (void)state;
    incrocio_keycache_put(c, h, 1000.0, 1, &p);
    memset(&p, 0x5A, sizeof p); /* the cache keeps its own copy */
    assert_int_equal(get(c, h, 1000.0, &found, &who), 1);
    assert_int_equal(found, 1);
    same_principal(&who, &want);
    assert_int_equal(get(c, h, 1004.5, &found, &who), 1);
    assert_int_equal(found, 1);
    same_principal(&who, &want);
    incrocio_keycache_free(c);
    free(h);
}

/* "No such key" is cached too, and leaves who alone. */
static void test_not_found_entry(void **state)
{
    struct incrocio_keycache *c = cache();
    char *h = hash("0001", 'f');
    struct incrocio_principal who, sentinel;
    int found;

    (void)state;
    incrocio_keycache_put(c, h, 50.0, 0, NULL);
    memset(&sentinel, 0xA5, sizeof sentinel);
    assert_int_equal(get(c, h, 51.0, &found, &who), 1);
    assert_int_equal(found, 0);
    assert_memory_equal(&who, &sentinel, sizeof who);
    incrocio_keycache_free(c);
    free(h);
}

/* Fresh for less than INCROCIO_KEYCACHE_TTL_S; time going backwards misses. */
static void test_ttl(void **state)
{
    const double at = 1000.25;
    const struct {
        double now;
        int hit;
    } rows[] = {
        {at, 1},
        {at + 0.001, 1},
        {at + INCROCIO_KEYCACHE_TTL_S - 0.001, 1},
        {at + INCROCIO_KEYCACHE_TTL_S, 0}, /* exactly the TTL: stale */
        {at + INCROCIO_KEYCACHE_TTL_S + 0.001, 0},
        {at + 3600, 0},
        {at - 0.001, 0}, /* the clock went back */
        {at - 1, 0},
        {0, 0},
        {at, 1}, /* misses do not drop the entry */
    };
    struct incrocio_keycache *c = cache();
    char *h = hash("1234", '5');
    struct incrocio_principal p = operator_p(), who;

    (void)state;
    incrocio_keycache_put(c, h, at, 1, &p);
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        int found;

        ROW_INT(i, get(c, h, rows[i].now, &found, &who), rows[i].hit);
        ROW_INT(i, found, rows[i].hit ? 1 : -7);
    }
    incrocio_keycache_free(c);
    free(h);
}

/* A later put of the same hash replaces the entry and its time. */
static void test_replace(void **state)
{
    struct incrocio_keycache *c = cache();
    char *h = hash("beef", 'a');
    struct incrocio_principal p = operator_p(), q, who;
    int found;

    (void)state;
    memset(&q, 0, sizeof q);
    q.role = INCROCIO_ROLE_EMPLOYER;
    strcpy(q.key_id, "ffffffff-ffff-ffff-ffff-ffffffffffff");
    strcpy(q.employer_id, "11111111-2222-3333-4444-555555555555");

    incrocio_keycache_put(c, h, 10.0, 1, &p);
    incrocio_keycache_put(c, h, 13.0, 0, NULL); /* revoked */
    assert_int_equal(get(c, h, 14.0, &found, &who), 1);
    assert_int_equal(found, 0);
    assert_int_equal(get(c, h, 17.5, &found, &who), 1); /* fresh from 13 */
    assert_int_equal(found, 0);
    assert_int_equal(get(c, h, 18.0, &found, &who), 0);
    incrocio_keycache_put(c, h, 20.0, 1, &q);
    assert_int_equal(get(c, h, 20.0, &found, &who), 1);
    assert_int_equal(found, 1);
    same_principal(&who, &q);
    incrocio_keycache_free(c);
    free(h);
}

/* Direct-mapped on the first 4 hex digits modulo 1024: a colliding hash evicts
 * the other; distinct slots keep both. */
static void test_collisions(void **state)
{
    const struct {
        const char *a4;
        char a_fill;
        const char *b4;
        char b_fill;
        int same_slot;
    } rows[] = {
        {"0000", '1', "0400", '1', 1},                                /* 0 and 1024 */
        {"0000", '1', "fc00", '1', 1},                                /* 0 and 63 * 1024 */
        {"03ff", '2', "ffff", '2', 1},                                /* 1023 */
        {"0123", '3', "0523", '4', 1}, {"abcd", '1', "abcd", '2', 1}, /* same first digits,
                                                                         different hash */
        {"abcd", '1', "abcd", '1', 1}, /* the same hash: nothing is evicted */
        {"0000", '1', "0001", '1', 0}, {"0000", '1', "03ff", '1', 0}, {"0400", '1', "0401", '1', 0},
        {"1000", '1', "2000", '1', 1}, /* 4096 and 8192 */
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_keycache *c = cache();
        char *a = hash(rows[i].a4, rows[i].a_fill), *b = hash(rows[i].b4, rows[i].b_fill);
        int same = strcmp(a, b) == 0;
        struct incrocio_principal pa = operator_p(), pb, who;
        int found;

        memset(&pb, 0, sizeof pb);
        pb.role = INCROCIO_ROLE_PORTAL;
        strcpy(pb.key_id, "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb");

        incrocio_keycache_put(c, a, 100.0, 1, &pa);
        incrocio_keycache_put(c, b, 100.0, 1, &pb);
        ROW_INT(i, get(c, b, 101.0, &found, &who), 1);
        ROW_INT(i, who.role, INCROCIO_ROLE_PORTAL);
        ROW_INT(i, get(c, a, 101.0, &found, &who), !rows[i].same_slot || same);
        if (!rows[i].same_slot) {
            ROW_INT(i, who.role, INCROCIO_ROLE_OPERATOR);
            ROW_INT(i, who.n_offices, INCROCIO_MAX_OFFICES);
        }
        incrocio_keycache_free(c);
        free(a);
        free(b);
    }
}

/* A hash differing in its last digit only is another key. */
static void test_last_digit_matters(void **state)
{
    struct incrocio_keycache *c = cache();
    char *a = hash("7777", '7'), *b = hash("7777", '7');
    struct incrocio_principal p = operator_p(), who;
    int found;

    (void)state;
    b[63] = '8';
    incrocio_keycache_put(c, a, 1.0, 1, &p);
    assert_int_equal(get(c, b, 1.0, &found, &who), 0);
    assert_int_equal(found, -7);
    assert_int_equal(get(c, a, 1.0, &found, &who), 1);
    incrocio_keycache_free(c);
    free(a);
    free(b);
}

/* Every slot is usable at once: 1024 distinct prefixes, all kept. */
static void test_all_slots(void **state)
{
    struct incrocio_keycache *c = cache();
    struct incrocio_principal p = operator_p(), who;

    (void)state;
    for (unsigned s = 0; s < 1024; s++) {
        char h[65], first[5];

        snprintf(first, sizeof first, "%04x", s);
        memcpy(h, first, 4);
        memset(h + 4, 'c', 60);
        h[64] = '\0';
        p.n_offices = (int)(s % (INCROCIO_MAX_OFFICES + 1));
        incrocio_keycache_put(c, h, 7.0, s % 2, &p);
    }
    for (unsigned s = 0; s < 1024; s++) {
        char h[65], first[5];
        int found;

        snprintf(first, sizeof first, "%04x", s);
        memcpy(h, first, 4);
        memset(h + 4, 'c', 60);
        h[64] = '\0';
        ROW_INT(s, get(c, h, 8.0, &found, &who), 1);
        ROW_INT(s, found, (int)(s % 2));
        if (found)
            ROW_INT(s, who.n_offices, (int)(s % (INCROCIO_MAX_OFFICES + 1)));
    }
    incrocio_keycache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_found_entry),
        cmocka_unit_test(test_not_found_entry),
        cmocka_unit_test(test_ttl),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_collisions),
        cmocka_unit_test(test_last_digit_matters),
        cmocka_unit_test(test_all_slots),
    };
    return cmocka_run_group_tests_name("keycache", tests, NULL, NULL);
}
