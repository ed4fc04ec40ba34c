/* src/domain/stats.c: periods, office lists and shares, against values
 * worked out by hand. */
#include "unit.h"

#include "incrocio/stats.h"

static void test_day_number(void **state)
{
    const struct {
        const char *date;
        long want;
    } rows[] = {
        {"1970-01-01", 0},     {"1970-01-02", 1},     {"1969-12-31", -1},
        {"2000-03-01", 11017}, {"2000-02-29", 11016}, {"2024-02-29", 19782},
        {"2024-03-01", 19783}, {"2026-11-26", 20783}, {"1900-03-01", -25508},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_stats_day_number(rows[i].date), rows[i].want);
    /* a leap year has 366 days, a century year that is not divisible by 400 365 */
    assert_int_equal(
        incrocio_stats_day_number("2025-01-01") - incrocio_stats_day_number("2024-01-01"), 366);
    assert_int_equal(
        incrocio_stats_day_number("2101-01-01") - incrocio_stats_day_number("2100-01-01"), 365);
}

static void test_period(void **state)
{
    const struct {
        const char *from, *to;
        size_t n;
        const char *param0, *code0, *param1, *code1;
    } rows[] = {
        {"2026-01-01", "2026-01-31", 0, NULL, NULL, NULL, NULL},
        {"2026-01-01", "2026-01-01", 0, NULL, NULL, NULL, NULL}, /* one day */
        {NULL, "2026-01-01", 1, "from", "from.required", NULL, NULL},
        {"2026-01-01", NULL, 1, "to", "to.required", NULL, NULL},
        {NULL, NULL, 2, "from", "from.required", "to", "to.required"},
        {"2026-1-1", "2026-01-31", 1, "from", "from.syntax", NULL, NULL},
        {"2026-02-30", "2026-03-01", 1, "from", "from.syntax", NULL, NULL},
        {"x", "", 2, "from", "from.syntax", "to", "to.syntax"},
        {"2026-01-02", "2026-01-01", 1, "to", "to.before_from", NULL, NULL},
        /* 1096 days is the most: 2024-01-01..2026-12-31 (366 + 365 + 365) */
        {"2024-01-01", "2026-12-31", 0, NULL, NULL, NULL, NULL},
        {"2024-01-01", "2027-01-01", 1, "to", "period.too_long", NULL, NULL},
        {"2023-12-31", "2026-12-31", 1, "to", "period.too_long", NULL, NULL},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_stats_fault f[2];
        size_t n = incrocio_stats_period_check(rows[i].from, rows[i].to, f);

        ROW_INT(i, n, rows[i].n);
        if (n > 0) {
            ROW_STR(i, f[0].param, rows[i].param0);
            ROW_STR(i, f[0].code, rows[i].code0);
            assert_non_null(f[0].detail);
        }
        if (n > 1) {
            ROW_STR(i, f[1].param, rows[i].param1);
            ROW_STR(i, f[1].code, rows[i].code1);
        }
    }
}

static void test_share(void **state)
{
    const struct {
        long n, total;
        double want;
    } rows[] = {
        {3, 4, 0.75},     {1, 3, 0.3333},     {2, 3, 0.6667}, {0, 5, 0.0},     {5, 5, 1.0},
        {0, 0, 0.0},      {3, 0, 0.0},        {1, 8, 0.125},  {1, 32, 0.0313}, /* 0.03125: a half,
                                                                                  rounded up */
        {1, 46, 0.0217},                                                       /* 0.021739... */
        {45, 46, 0.9783},                                                      /* 0.978260... */
        {1, 7, 0.1429},   {1, 20000, 0.0001}, /* 0.00005: a half, up */
        {1, 20001, 0.0},                      /* just below the half */
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        double got = incrocio_stats_share(rows[i].n, rows[i].total);

        if (got != rows[i].want)
            fail_msg("row %zu: share(%ld, %ld) = %.17g, want %.17g", i, rows[i].n, rows[i].total,
                     got, rows[i].want);
    }
}

static void test_offices(void **state)
{
    char codes[4][8];
    size_t n;

    (void)state;
    assert_null(incrocio_stats_offices_parse("AV01", codes, 4, &n));
    assert_int_equal(n, 1);
    assert_string_equal(codes[0], "AV01");
    assert_null(incrocio_stats_offices_parse("AV01,BN02,CE08", codes, 4, &n));
    assert_int_equal(n, 3);
    assert_string_equal(codes[1], "BN02");
    assert_string_equal(codes[2], "CE08");
    assert_null(incrocio_stats_offices_parse("AV01,AV02,AV03,AV04", codes, 4, &n));
    assert_int_equal(n, 4);
    assert_string_equal(incrocio_stats_offices_parse("AV01,AV02,AV03,AV04,BN01", codes, 4, &n),
                        "offices.too_many");
    assert_string_equal(incrocio_stats_offices_parse("AV01,AV01", codes, 4, &n),
                        "offices.duplicate");
    {
        const char *bad[] = {"",    ",",     "AV01,", ",AV01",     "AV01,,AV02",      "av01",
                             "AV1", "AV011", "AV01 ", "AV01;AV02", "AV01,BN012345678"};

        for (size_t i = 0; i < N_ELEMS(bad); i++)
            ROW_STR(i, incrocio_stats_offices_parse(bad[i], codes, 4, &n), "offices.syntax");
    }
    assert_string_equal(incrocio_stats_offices_parse(NULL, codes, 4, &n), "offices.syntax");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_number),
        cmocka_unit_test(test_period),
        cmocka_unit_test(test_share),
        cmocka_unit_test(test_offices),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
