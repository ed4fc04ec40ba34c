/* src/domain/idempotency.c: which Idempotency-Key values are accepted, the
 * request fingerprint, the key's owner. */
#include "unit.h"

#include "incrocio/idempotency.h"

static void test_key_check(void **state)
{
    char *max = unit_repeat("k", INCROCIO_IDEM_KEY_MAX);
    char *over = unit_repeat("k", INCROCIO_IDEM_KEY_MAX + 1);
    char *over_bad = unit_repeat("k\x01", 200);
    const struct {
        const char *value;
        enum incrocio_idem_key_check want;
    } rows[] = {
        {"8e03978e-40d5-43e8-bc93-6894a57f9324", INCROCIO_IDEM_KEY_OK},
        {"a", INCROCIO_IDEM_KEY_OK},
        {"!~\"quoted\":{}", INCROCIO_IDEM_KEY_OK},
        {max, INCROCIO_IDEM_KEY_OK},
        {NULL, INCROCIO_IDEM_KEY_EMPTY},
        {"", INCROCIO_IDEM_KEY_EMPTY},
        {over, INCROCIO_IDEM_KEY_TOO_LONG},
        {"a b", INCROCIO_IDEM_KEY_CHARACTERS},
        {" ", INCROCIO_IDEM_KEY_CHARACTERS},
        {"a\tb", INCROCIO_IDEM_KEY_CHARACTERS},
        {"a\r\nX-Injected: 1", INCROCIO_IDEM_KEY_CHARACTERS},
        {"\x7f", INCROCIO_IDEM_KEY_CHARACTERS},
        {"chiave-\xc3\xa8", INCROCIO_IDEM_KEY_CHARACTERS}, /* UTF-8 è */
        {over_bad, INCROCIO_IDEM_KEY_CHARACTERS},          /* the characters are told first */
    };

    (void)state;
    assert_int_equal(strlen(max), 255);
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_idempotency_key_check(rows[i].value), rows[i].want);
    free(max);
    free(over);
    free(over_bad);
}

static void fp(const char *method, const char *path, const char *json, char out[65])
{
    json_t *body = json ? json_loads(json, 0, NULL) : NULL;

    assert_true(json == NULL || body != NULL);
    assert_int_equal(incrocio_idempotency_fingerprint(method, path, body, out), INCROCIO_OK);
    json_decref(body);
}

static void test_fingerprint(void **state)
{
    char a[65];

    (void)state;
    /* Known answers: SHA-256 of "POST\0/v1/x\0{}" and of "POST\0/v1/x\0". */
    fp("POST", "/v1/x", "{}", a);
    assert_string_equal(a, "83896ced0ce0bdc38bff9232c869e93b56210e4706982bd0d687a2630bd36ab0");
    fp("POST", "/v1/x", NULL, a);
    assert_string_equal(a, "af4d5eb188be7305f1702177332efddac3ee548b8c6ba0d84b2ba21e4074b64d");
}

static void test_fingerprint_canonical(void **state)
{
    char a[65], b[65];

    (void)state;
    /* Whitespace and member order do not make another request. */
    fp("POST", "/v1/vacancies", "{\"a\": 1, \"b\": [1, 2, {\"y\": 2, \"x\": 1}]}", a);
    fp("POST", "/v1/vacancies", "{\"b\":[1,2,{\"x\":1,\"y\":2}],\"a\":1}", b);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 64);
    for (size_t i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", a[i]));
}

static void test_fingerprint_differs(void **state)
{
    static const char *const rows[][3] = {
        {"POST", "/v1/vacancies", "{\"a\":1}"},
        {"POST", "/v1/vacancies", "{\"a\":2}"},
        {"POST", "/v1/vacancies", "{\"a\":1.0}"},
        {"POST", "/v1/vacancies", "{\"a\":\"1\"}"},
        {"POST", "/v1/vacancies", "{\"a\":1,\"b\":null}"},
        {"POST", "/v1/vacancies", "{\"a\":1.0000000000000002}"},
        {"PUT", "/v1/vacancies", "{\"a\":1}"},
        {"POST", "/v1/employers", "{\"a\":1}"},
        {"POST", "/v1/vacancies/", "{\"a\":1}"},
        {"POST", "/v1/vacancies", NULL},
        {"POST", "/v1/vacancies", "{}"},
        /* the separators keep method, path and body apart */
        {"POS", "T/v1/vacancies", "{\"a\":1}"},
    };
    char fps[N_ELEMS(rows)][65];

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        fp(rows[i][0], rows[i][1], rows[i][2], fps[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(fps[i], fps[j]) == 0)
                fail_msg("rows %zu and %zu have the same fingerprint", j, i);
    }
}

static void test_scope(void **state)
{
    char out[INCROCIO_IDEM_SCOPE_MAX];

    (void)state;
    incrocio_idempotency_scope("6f1c2d3e-4b5a-4978-8695-a4b3c2d1e0f9", "127.0.0.1", out,
                               sizeof out);
    assert_string_equal(out, "key:6f1c2d3e-4b5a-4978-8695-a4b3c2d1e0f9");
    incrocio_idempotency_scope("", "127.0.0.1", out, sizeof out);
    assert_string_equal(out, "addr:127.0.0.1");
    incrocio_idempotency_scope(NULL, "v6:2001:0db8:0000:0000::/64", out, sizeof out);
    assert_string_equal(out, "addr:v6:2001:0db8:0000:0000::/64");
    incrocio_idempotency_scope(NULL, NULL, out, sizeof out);
    assert_string_equal(out, "addr:unknown");
}

static void test_key_hash(void **state)
{
    char out[65];

    (void)state;
    /* SHA-256 of "abc" (FIPS 180-2). */
    assert_int_equal(incrocio_idempotency_key_hash("abc", out), INCROCIO_OK);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_seal_round_trip(void **state)
{
    static const char plain[] =
        "{\"codice_fiscale\":\"RSSMRA80A01H501U\",\"cancellation_token\":\"t\"}";
    unsigned char k[32], other[32];
    char *a, *b, *back;
    size_t len = 0;

    (void)state;
    assert_int_equal(incrocio_idempotency_seal_key("key-1", "key:abc", k), INCROCIO_OK);
    a = incrocio_idempotency_seal_new(k, plain, strlen(plain));
    b = incrocio_idempotency_seal_new(k, plain, strlen(plain));
    assert_non_null(a);
    assert_non_null(b);
    /* nonce (12) + text + tag (16), in hex; a new nonce each time */
    assert_int_equal(strlen(a), 2 * (12 + strlen(plain) + 16));
    assert_string_not_equal(a, b);
    assert_null(strstr(a, "RSSMRA"));
    back = incrocio_idempotency_unseal_new(k, a, &len);
    assert_non_null(back);
    assert_int_equal(len, strlen(plain));
    assert_string_equal(back, plain);
    free(back);
    /* Another key (or scope) opens nothing. */
    assert_int_equal(incrocio_idempotency_seal_key("key-2", "key:abc", other), INCROCIO_OK);
    assert_null(incrocio_idempotency_unseal_new(other, a, &len));
    assert_int_equal(incrocio_idempotency_seal_key("key-1", "addr:127.0.0.1", other), INCROCIO_OK);
    assert_memory_not_equal(k, other, 32);
    assert_null(incrocio_idempotency_unseal_new(other, a, &len));
    /* One flipped digit anywhere, a truncation, non-hex: refused. */
    for (size_t i = 0; i < strlen(a); i += 7) {
        char saved = a[i];

        a[i] = saved == '0' ? '1' : '0';
        back = incrocio_idempotency_unseal_new(k, a, &len);
        if (back != NULL)
            fail_msg("digit %zu altered, still unsealed", i);
        a[i] = saved;
    }
    a[strlen(a) - 2] = '\0';
    assert_null(incrocio_idempotency_unseal_new(k, a, &len));
    assert_null(incrocio_idempotency_unseal_new(k, "", &len));
    assert_null(incrocio_idempotency_unseal_new(k, "abc", &len));
    assert_null(incrocio_idempotency_unseal_new(k, "zz", &len));
    free(a);
    free(b);
    /* An empty body seals too. */
    a = incrocio_idempotency_seal_new(k, "", 0);
    assert_non_null(a);
    back = incrocio_idempotency_unseal_new(k, a, &len);
    assert_non_null(back);
    assert_int_equal(len, 0);
    free(back);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_check),
        cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_fingerprint_canonical),
        cmocka_unit_test(test_fingerprint_differs),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_key_hash),
        cmocka_unit_test(test_seal_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
