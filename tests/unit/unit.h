/* Shared prelude of the unit tests: cmocka and a few helpers. */
#ifndef INCROCIO_TESTS_UNIT_H
#define INCROCIO_TESTS_UNIT_H

/* cmocka.h needs these first, in this order. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* A heap string of n copies of unit (freed by the caller). */
static inline char *unit_repeat(const char *unit, size_t n)
{
    size_t ulen = strlen(unit);
    char *s = malloc(ulen * n + 1);

    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * ulen, unit, ulen);
    s[ulen * n] = '\0';
    return s;
}

/* Table-driven checks: on a mismatch, name the row and both values. */
#define ROW_INT(row, got, want)                                                     \
    do {                                                                            \
        long long g_ = (long long)(got), w_ = (long long)(want);                    \
        if (g_ != w_)                                                               \
            fail_msg("row %zu: %s = %lld, want %lld", (size_t)(row), #got, g_, w_); \
    } while (0)
#define ROW_STR(row, got, want)                                                                    \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (g_ == NULL || strcmp(g_, w_) != 0)                                                     \
            fail_msg("row %zu: %s = \"%s\", want \"%s\"", (size_t)(row), #got, g_ ? g_ : "(null)", \
                     w_);                                                                          \
    } while (0)

/* JSON helpers of the validators' tests. */

/* Parses test JSON; a test with bad JSON fails, not crashes. */
static inline json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);

    if (j == NULL)
        fail_msg("bad test JSON %s: %s", text, e.text);
    return j;
}

/* Member field of the i-th error entry, or NULL. */
static inline const char *err_field(const json_t *errors, size_t i, const char *field)
{
    return json_string_value(json_object_get(json_array_get(errors, i), field));
}

static inline void assert_json_equal(size_t row, const json_t *got, const json_t *want)
{
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY);
        char *w = json_dumps(want, JSON_SORT_KEYS | JSON_ENCODE_ANY);

        fail_msg("row %zu:\n got  %s\n want %s", row, g ? g : "(null)", w ? w : "(null)");
    }
}

#endif
