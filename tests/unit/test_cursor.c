/* src/domain/cursor.c: opaque pagination cursors. Expected encodings are built
 * here with an independent base64url encoder. */
#include "unit.h"

#include "incrocio/cursor.h"

/* Unpadded base64url of len bytes into out (heap, freed by the caller). */
static char *b64url(const void *data, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const unsigned char *in = data;
    char *out = malloc(len / 3 * 4 + 5), *o = out;
    size_t i = 0;

    assert_non_null(out);
    for (; i + 2 < len; i += 3) {
        *o++ = tab[in[i] >> 2];
        *o++ = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *o++ = tab[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        *o++ = tab[in[i + 2] & 63];
    }
    if (len - i == 1) {
        *o++ = tab[in[i] >> 2];
        *o++ = tab[(in[i] & 3) << 4];
    } else if (len - i == 2) {
        *o++ = tab[in[i] >> 2];
        *o++ = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *o++ = tab[(in[i + 1] & 15) << 2];
    }
    *o = '\0';
    return out;
}

/* The cursor of raw bytes (scope, 0x1f, key, any bytes) as this test sees it. */
static char *raw_cursor(const char *raw, size_t len)
{
    return b64url(raw, len);
}

static void test_known_encoding(void **state)
{
    char out[INCROCIO_CURSOR_MAX];

    (void)state;
    assert_int_equal(incrocio_cursor_encode("offices", "CE08", out, sizeof out), INCROCIO_OK);
    /* base64url("offices\x1f" "CE08"), computed independently. */
    assert_string_equal(out, "b2ZmaWNlcx9DRTA4");
}

struct rt_row {
    const char *scope;
    const char *key;
};

static void test_round_trip(void **state)
{
    char *max_key = unit_repeat("k", 189 - 8); /* "offices" + SEP + key = 189 bytes */
    const struct rt_row rows[] = {
        {"offices", "CE08"},
        {"offices", "a"},
        {"offices", "AV01"},
        {"comuni", "063049"},
        {"offices", "key with spaces/and+signs=="},
        {"offices", "citt\xc3\xa0"}, /* UTF-8 */
        {"offices", "a\x1f"
                    "b"},            /* the separator inside the key */
        {"offices", "\xff\xfe\x01"}, /* any non-NUL bytes */
        {"o", "x"},                  /* every length mod 3 */
        {"of", "x"},
        {"off", "x"},
        {"offices", max_key},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char enc[INCROCIO_CURSOR_MAX], key[INCROCIO_CURSOR_MAX], *want;
        size_t slen = strlen(rows[i].scope), klen = strlen(rows[i].key);
        char raw[512];

        ROW_INT(i, incrocio_cursor_encode(rows[i].scope, rows[i].key, enc, sizeof enc),
                INCROCIO_OK);
        memcpy(raw, rows[i].scope, slen);
        raw[slen] = '\x1f';
        memcpy(raw + slen + 1, rows[i].key, klen);
        want = raw_cursor(raw, slen + 1 + klen);
        ROW_STR(i, enc, want);
        free(want);
        ROW_INT(i, strlen(enc) < INCROCIO_CURSOR_MAX, 1);
        ROW_INT(i, strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                strlen(enc));
        memset(key, 'Z', sizeof key);
        ROW_INT(i, incrocio_cursor_decode(rows[i].scope, enc, key, sizeof key), INCROCIO_OK);
        ROW_STR(i, key, rows[i].key);
    }
    free(max_key);
}

static void test_encode_limits(void **state)
{
    char out[INCROCIO_CURSOR_MAX + 8];
    char *k181 = unit_repeat("k", 181), *k182 = unit_repeat("k", 182);

    (void)state;
    /* 7 + 1 + 181 = 189 raw bytes: 252 characters, the largest accepted. */
    assert_int_equal(incrocio_cursor_encode("offices", k181, out, INCROCIO_CURSOR_MAX),
                     INCROCIO_OK);
    assert_int_equal(strlen(out), 252);
    /* One byte more would not fit under INCROCIO_CURSOR_MAX. */
    assert_int_equal(incrocio_cursor_encode("offices", k182, out, sizeof out),
                     INCROCIO_ERR_INVALID);
    /* The output buffer must be INCROCIO_CURSOR_MAX bytes, even for a short key. */
    assert_int_equal(incrocio_cursor_encode("offices", "CE08", out, INCROCIO_CURSOR_MAX - 1),
                     INCROCIO_ERR_INVALID);
    assert_int_equal(incrocio_cursor_encode("offices", "CE08", out, 0), INCROCIO_ERR_INVALID);
    free(k181);
    free(k182);
}

static void test_wrong_scope(void **state)
{
    char enc[INCROCIO_CURSOR_MAX], key[64];

    (void)state;
    assert_int_equal(incrocio_cursor_encode("offices", "CE08", enc, sizeof enc), INCROCIO_OK);
    assert_int_equal(incrocio_cursor_decode("comuni", enc, key, sizeof key), INCROCIO_ERR_INVALID);
    /* A prefix of the scope, or the scope extended, is another scope. */
    assert_int_equal(incrocio_cursor_decode("office", enc, key, sizeof key), INCROCIO_ERR_INVALID);
    assert_int_equal(incrocio_cursor_decode("officesX", enc, key, sizeof key),
                     INCROCIO_ERR_INVALID);
    assert_int_equal(incrocio_cursor_decode("Offices", enc, key, sizeof key), INCROCIO_ERR_INVALID);
    assert_int_equal(incrocio_cursor_encode("office", "sCE08", enc, sizeof enc), INCROCIO_OK);
    assert_int_equal(incrocio_cursor_decode("offices", enc, key, sizeof key), INCROCIO_ERR_INVALID);
    /* The decoder for the right scope still accepts it. */
    assert_int_equal(incrocio_cursor_decode("office", enc, key, sizeof key), INCROCIO_OK);
    assert_string_equal(key, "sCE08");
}

static void test_garbage(void **state)
{
    static const char *const bad[] = {
        "",                 /* empty */
        "A",                /* 1 mod 4: not base64 */
        "AAAAA",            /* 1 mod 4 */
        "aGVsbG8",          /* "hello": no separator */
        "b2ZmaWNlcw",       /* "offices": scope only */
        "b2ZmaWNlcx8",      /* "offices\x1f": empty key */
        "b2ZmaWNlc3hDRTA4", /* "officesxCE08": wrong separator */
        "AAAAAAAA",         /* NUL bytes */
        "not a cursor",
        "%62%32",
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        char key[64];
        ROW_INT(i, incrocio_cursor_decode("offices", bad[i], key, sizeof key),
                INCROCIO_ERR_INVALID);
    }
}

/* Characters outside base64url, inserted anywhere in a valid cursor. */
static void test_non_base64url_characters(void **state)
{
    static const char bad_chars[] = {'+', '/', '=', ' ', '.', '\t', '\n', '%', '~', '\x80', '\xff'};
    static const char valid[] = "b2ZmaWNlcx9DRTA4"; /* offices / CE08 */
    char key[64];

    (void)state;
    assert_int_equal(incrocio_cursor_decode("offices", valid, key, sizeof key), INCROCIO_OK);
    assert_string_equal(key, "CE08");
    for (size_t c = 0; c < sizeof bad_chars; c++) {
        for (size_t pos = 0; pos <= strlen(valid); pos += 4) {
            char cur[64];

            memcpy(cur, valid, pos);
            cur[pos] = bad_chars[c];
            strcpy(cur + pos + 1, valid + pos);
            ROW_INT(c * 100 + pos, incrocio_cursor_decode("offices", cur, key, sizeof key),
                    INCROCIO_ERR_INVALID);
        }
    }
    /* Standard base64 of a key whose encoding differs: '+' and '/' instead of '-' and '_'. */
    {
        const char raw[] = "offices\x1f\xfb\xff";
        char *url = raw_cursor(raw, sizeof raw - 1);
        char std[64];

        assert_non_null(strpbrk(url, "-_"));
        strcpy(std, url);
        for (char *p = std; *p; p++)
            *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
        assert_int_equal(incrocio_cursor_decode("offices", url, key, sizeof key), INCROCIO_OK);
        assert_string_equal(key, "\xfb\xff");
        assert_int_equal(incrocio_cursor_decode("offices", std, key, sizeof key),
                         INCROCIO_ERR_INVALID);
        free(url);
    }
}

static void test_too_long(void **state)
{
    char key[INCROCIO_CURSOR_MAX];
    char *k200 = unit_repeat("k", 200), raw[256], *enc;
    char *as = unit_repeat("A", INCROCIO_CURSOR_MAX);

    (void)state;
    /* Well-formed, right scope, but longer than any cursor we make. */
    memcpy(raw, "offices\x1f", 8);
    memcpy(raw + 8, k200, 200);
    enc = raw_cursor(raw, 208);
    assert_true(strlen(enc) >= INCROCIO_CURSOR_MAX);
    assert_int_equal(incrocio_cursor_decode("offices", enc, key, sizeof key), INCROCIO_ERR_INVALID);
    assert_int_equal(incrocio_cursor_decode("offices", as, key, sizeof key), INCROCIO_ERR_INVALID);
    free(enc);
    free(k200);
    free(as);
}

static void test_key_with_nul(void **state)
{
    const char raw[] = "offices\x1f"
                       "CE\0"
                       "08";
    char *enc = raw_cursor(raw, sizeof raw - 1);
    const char raw_end[] = "offices\x1f"
                           "CE08\0";
    char *enc_end = raw_cursor(raw_end, sizeof raw_end - 1);
    char key[64];

    (void)state;
    assert_int_equal(incrocio_cursor_decode("offices", enc, key, sizeof key), INCROCIO_ERR_INVALID);
    assert_int_equal(incrocio_cursor_decode("offices", enc_end, key, sizeof key),
                     INCROCIO_ERR_INVALID);
    free(enc);
    free(enc_end);
}

static void test_keylen(void **state)
{
    char enc[INCROCIO_CURSOR_MAX], key[8];

    (void)state;
    assert_int_equal(incrocio_cursor_encode("offices", "CE08", enc, sizeof enc), INCROCIO_OK);
    /* 4 characters need 5 bytes with the NUL. */
    memset(key, '#', sizeof key);
    assert_int_equal(incrocio_cursor_decode("offices", enc, key, 4), INCROCIO_ERR_INVALID);
    for (size_t i = 0; i < sizeof key; i++)
        ROW_INT(i, key[i], '#'); /* nothing written on failure */
    assert_int_equal(incrocio_cursor_decode("offices", enc, key, 1), INCROCIO_ERR_INVALID);
    assert_int_equal(incrocio_cursor_decode("offices", enc, key, 0), INCROCIO_ERR_INVALID);
    assert_int_equal(incrocio_cursor_decode("offices", enc, key, 5), INCROCIO_OK);
    assert_string_equal(key, "CE08");
    for (size_t i = 5; i < sizeof key; i++)
        ROW_INT(i, key[i], '#'); /* and nothing past keylen */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_encoding), cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_encode_limits),  cmocka_unit_test(test_wrong_scope),
        cmocka_unit_test(test_garbage),        cmocka_unit_test(test_non_base64url_characters),
        cmocka_unit_test(test_too_long),       cmocka_unit_test(test_key_with_nul),
        cmocka_unit_test(test_keylen),
    };
    return cmocka_run_group_tests_name("cursor", tests, NULL, NULL);
}
