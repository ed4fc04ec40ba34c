/* src/http/limits.c: incrocio_utf8_valid. */
#include "unit.h"

#include "incrocio/limits.h"

struct row {
    const char *s;
    size_t len;
    int want;
};

/* The whole literal, embedded NULs included. */
#define R(lit, want)               \
    {                              \
        lit, sizeof(lit) - 1, want \
    }

static const struct row rows[] = {
    /* ASCII, NUL included when the length says so */
    R("", 1),
    R("abc", 1),
    R("\x01\x1f\x7f", 1),
    R("\0", 1),
    R("a\0b", 1),
    R("\0\0\0", 1),
    /* 2 bytes: U+0080..U+07FF */
    R("\xc2\x80", 1),
    R("\xc3\xa9", 1),
    R("caff\xc3\xa8", 1),
    R("\xdf\xbf", 1),
    R("\xc2\x80\xdf\xbf", 1),
    /* 3 bytes: U+0800..U+FFFF minus the surrogates */
    R("\xe0\xa0\x80", 1),
    R("\xe2\x82\xac", 1),
    R("\xed\x9f\xbf", 1), /* U+D7FF */
    R("\xee\x80\x80", 1), /* U+E000 */
    R("\xef\xbf\xbd", 1),
    R("\xef\xbf\xbf", 1),
    /* 4 bytes: U+10000..U+10FFFF */
    R("\xf0\x90\x80\x80", 1),
    R("\xf0\x9f\x98\x80", 1),
    R("\xf4\x8f\xbf\xbf", 1),
    R("a\xf0\x9f\x98\x80z\xc3\xa9\xe2\x82\xac", 1),
    /* overlongs */
    R("\xc0\x80", 0),
    R("\xc0\xaf", 0),
    R("\xc1\xbf", 0),
    R("\xe0\x80\x80", 0),
    R("\xe0\x80\xaf", 0),
    R("\xe0\x9f\xbf", 0),
    R("\xf0\x80\x80\x80", 0),
    R("\xf0\x80\x80\xaf", 0),
    R("\xf0\x8f\xbf\xbf", 0),
    /* surrogates */
    R("\xed\xa0\x80", 0),
    R("\xed\xad\xbf", 0),
    R("\xed\xb0\x80", 0),
    R("\xed\xbf\xbf", 0),
    R("\xed\xa0\xbd\xed\xb8\x80", 0), /* a CESU-8 pair */
    /* past U+10FFFF */
    R("\xf4\x90\x80\x80", 0),
    R("\xf5\x80\x80\x80", 0),
    R("\xf7\xbf\xbf\xbf", 0),
    /* lead bytes that never start a sequence */
    R("\xf8\x88\x80\x80\x80", 0),
    R("\xfc\x84\x80\x80\x80\x80", 0),
    R("\xfe", 0),
    R("\xff", 0),
    R("a\xffz", 0),
    /* stray continuation bytes */
    R("\x80", 0),
    R("\xbf", 0),
    R("a\x80", 0),
    R("a\x80z", 0),
    R("\xc3\xa9\xa9", 0),
    R("\xe2\x82\xac\x80", 0),
    R("\xf0\x9f\x98\x80\x80", 0),
    /* truncated at the end */
    R("\xc3", 0),
    R("a\xc3", 0),
    R("\xe2", 0),
    R("\xe2\x82", 0),
    R("a\xe2\x82", 0),
    R("\xf0", 0),
    R("\xf0\x9f", 0),
    R("\xf0\x9f\x98", 0),
    R("\xc3\xa9\xf0\x9f\x98", 0),
    /* cut short by another byte */
    R("\xc3"
      "a",
      0),
    R("\xe2\x82"
      "a",
      0),
    R("\xf0\x9f\x98"
      "a",
      0),
    R("\xc3\0", 0),
    R("\xe2\0\xac", 0),
    R("\xc3\xc3\xa9", 0),
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_utf8_valid(rows[i].s, rows[i].len), rows[i].want);
}

/* Only len bytes count: what follows is never looked at. */
static void test_explicit_length(void **state)
{
    const struct row len_rows[] = {
        {"\xc3\xa9", 1, 0}, /* the length cuts the sequence */
        {"\xe2\x82\xac", 2, 0}, {"\xf0\x9f\x98\x80", 3, 0}, {"\xf0\x9f\x98\x80", 0, 1},
        {"abc\xff", 3, 1}, /* the bad byte is past the end */
        {"abc\x80", 3, 1},      {"\xc3\xa9\xc3", 2, 1},     {NULL, 0, 1}, /* nothing to read */
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(len_rows); i++)
        ROW_INT(i, incrocio_utf8_valid(len_rows[i].s, len_rows[i].len), len_rows[i].want);
}

/* Exact-size heap buffers without a terminator: a sequence at the very end,
 * complete or not, is judged without reading past it (ASan). */
static void test_exact_buffers(void **state)
{
    const struct row buf_rows[] = {
        R("\xf0\x9f\x98\x80", 1), R("\xf0\x9f\x98", 0), R("\xf0\x9f", 0), R("\xf0", 0),
        R("a\xe2\x82\xac", 1),    R("a\xe2\x82", 0),    R("\xc3\xa9", 1), R("\xc3", 0),
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(buf_rows); i++) {
        char *b = malloc(buf_rows[i].len);

        assert_non_null(b);
        memcpy(b, buf_rows[i].s, buf_rows[i].len);
        ROW_INT(i, incrocio_utf8_valid(b, buf_rows[i].len), buf_rows[i].want);
        free(b);
    }
}

/* Every code point from U+0000 to U+10FFFF, encoded by hand: valid exactly
 * outside the surrogates. */
static void test_every_code_point(void **state)
{
    (void)state;
    for (unsigned long cp = 0; cp <= 0x10FFFF; cp++) {
        unsigned char b[4];
        size_t n;
        int want = !(cp >= 0xD800 && cp <= 0xDFFF);

        if (cp < 0x80) {
            b[0] = (unsigned char)cp;
            n = 1;
        } else if (cp < 0x800) {
            b[0] = (unsigned char)(0xC0 | (cp >> 6));
            b[1] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 2;
        } else if (cp < 0x10000) {
            b[0] = (unsigned char)(0xE0 | (cp >> 12));
            b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            b[2] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 3;
        } else {
            b[0] = (unsigned char)(0xF0 | (cp >> 18));
            b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
            b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            b[3] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 4;
        }
        if (incrocio_utf8_valid((const char *)b, n) != want)
            fail_msg("U+%04lX: got %d, want %d", cp, !want, want);
    }
}

/* Every single byte alone: only ASCII. */
static void test_every_single_byte(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        char b = (char)c;

        ROW_INT(c, incrocio_utf8_valid(&b, 1), c < 0x80);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_explicit_length),
        cmocka_unit_test(test_exact_buffers),
        cmocka_unit_test(test_every_code_point),
        cmocka_unit_test(test_every_single_byte),
    };
    return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
