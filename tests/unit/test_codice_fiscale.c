/* src/domain/codice_fiscale.c: parsing, omocodia, consistency, normalisation.
 *
 * Vectors marked [pcf] come from the tests of fabiocaccamo/python-codicefiscale
 * (tests/test_decode.py), an independent implementation; the others were
 * computed with the helper below and a separate Python script, and
 * RSSMRA80A01H501U and CCCFBA85D03L21VE were checked by hand. */
#include "unit.h"

#include "incrocio/codice_fiscale.h"

/* ---- an independent check letter, to build codes in the tests --------------- */

/* The conversion tables as the Agenzia prints them: one row per character of
 * "0-9A-Z", with its value at odd and at even positions. */
static char check_of(const char *cf)
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static const int odd[36] = {1,  0, 5, 7,  9,  13, 15, 17, 19, 21, 1,  0,
                                5,  7, 9, 13, 15, 17, 19, 21, 2,  4,  18, 20,
                                11, 3, 6, 8,  12, 14, 16, 10, 22, 25, 24, 23};
    static const int even[36] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  0,  1,
                                 2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13,
                                 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25};
    int sum = 0;

    for (int i = 0; i < 15; i++) {
        const char *p = strchr(alphabet, cf[i]);
        assert_true(p != NULL && *p != '\0');
        sum += (i % 2 == 0 ? odd : even)[p - alphabet];
    }
    return (char)('A' + sum % 26);
}

/* Copies cf and rewrites its 16th character to match the first 15. */
static void with_check(const char *cf, char out[17])
{
    assert_int_equal(strlen(cf), 16);
    memcpy(out, cf, 17);
    out[15] = check_of(out);
}

/* The digit positions (0-based), rightmost first, and their omocodia letters. */
static const int digit_pos[] = {14, 13, 12, 10, 9, 7, 6};
static const char omocodia[] = "LMNPQRSTUV";

/* ---- valid codes -------------------------------------------------------------- */

struct valid_row {
    const char *cf;
    int year2, month, day;
    char sex;
    const char *place;
};

static const struct valid_row valid_rows[] = {
    {"RSSMRA80A01H501U", 80, 1, 1, 'M', "H501"},
    {"THDSDA95P08Z330H", 95, 9, 8, 'M', "Z330"},   /* [pcf] born abroad */
    {"BLSLGS84C22Z145O", 84, 3, 22, 'M', "Z145"},  /* [pcf] */
    {"BRNGNN71B26L219T", 71, 2, 26, 'M', "L219"},  /* [pcf] */
    {"CCCFBA85D03L219P", 85, 4, 3, 'M', "L219"},   /* [pcf] */
    {"GMBLSN84A05G674H", 84, 1, 5, 'M', "G674"},   /* [pcf] */
    {"MRTMRA83T56A269B", 83, 12, 16, 'F', "A269"}, /* [pcf] */
    {"PNLMHL79R27I158P", 79, 10, 27, 'M', "I158"}, /* [pcf] */
    {"QTRDRA71P13G388J", 71, 9, 13, 'M', "G388"},  /* [pcf] */
    {"TKKYKU87B68L219F", 87, 2, 28, 'F', "L219"},  /* [pcf] */
    {"RSSMRA68A01H501Y", 68, 1, 1, 'M', "H501"},   /* [pcf] */
    {"RSSMRA50B17A558W", 50, 2, 17, 'M', "A558"},  /* [pcf] */
    /* [pcf] omocodia, 1 to 7 substitutions from the right */
    {"CCCFBA85D03L21VE", 85, 4, 3, 'M', "L219"},
    {"CCCFBA85D03L2MVP", 85, 4, 3, 'M', "L219"},
    {"CCCFBA85D03LNMVE", 85, 4, 3, 'M', "L219"},
    {"CCCFBA85D0PLNMVA", 85, 4, 3, 'M', "L219"},
    {"CCCFBA85DLPLNMVL", 85, 4, 3, 'M', "L219"},
    {"CCCFBA8RDLPLNMVX", 85, 4, 3, 'M', "L219"},
    {"CCCFBAURDLPLNMVU", 85, 4, 3, 'M', "L219"},
    /* the first correct omocode of the textbook code: the check letter changes */
    {"RSSMRA80A01H50MM", 80, 1, 1, 'M', "H501"},
    /* omocodic day digits: 0M is 01, QM is 41 */
    {"RSSMRA80A0MHRLMK", 80, 1, 1, 'M', "H501"},
    {"RSSMRA80AQMHRLMA", 80, 1, 1, 'F', "H501"},
    /* edges of the day */
    {"RSSMRA00B69H501C", 0, 2, 29, 'F', "H501"},
    {"RSSMRA81B29H501R", 81, 2, 29, 'M', "H501"}, /* the century is unknown */
    {"RSSMRA00A71H501J", 0, 1, 31, 'F', "H501"},
    {"RSSMRA80T31H501K", 80, 12, 31, 'M', "H501"},
};

static void check_info(size_t row, const struct incrocio_cf_info *info, const struct valid_row *r)
{
    ROW_INT(row, info->year2, r->year2);
    ROW_INT(row, info->month, r->month);
    ROW_INT(row, info->day, r->day);
    ROW_INT(row, info->sex, r->sex);
    ROW_STR(row, info->place, r->place);
}

static void test_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(valid_rows); i++) {
        struct incrocio_cf_info info;
        char fixed[17];

        memset(&info, 0x5a, sizeof info);
        ROW_INT(i, incrocio_cf_parse(valid_rows[i].cf, &info), INCROCIO_CF_OK);
        check_info(i, &info, &valid_rows[i]);
        /* the hard-coded check letters agree with the test's own computation */
        with_check(valid_rows[i].cf, fixed);
        ROW_STR(i, valid_rows[i].cf, fixed);
        ROW_INT(i, incrocio_cf_parse(valid_rows[i].cf, NULL), INCROCIO_CF_OK);
    }
}

/* Every plain code above, with k = 1..7 digits substituted from the right:
 * valid with the same data once the check letter is recomputed, and only then. */
static void test_omocodia_generated(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(valid_rows); i++) {
        const char *cf = valid_rows[i].cf;
        char s[17];
        int plain = 1;

        for (size_t k = 0; k < N_ELEMS(digit_pos); k++)
            plain = plain && cf[digit_pos[k]] >= '0' && cf[digit_pos[k]] <= '9';
        if (!plain)
            continue;
        memcpy(s, cf, 17);
        for (size_t k = 0; k < N_ELEMS(digit_pos); k++) {
            struct incrocio_cf_info info;
            char keep;

            s[digit_pos[k]] = omocodia[s[digit_pos[k]] - '0'];
            keep = s[15];
            ROW_INT(i * 10 + k, incrocio_cf_parse(s, NULL),
                    keep == check_of(s) ? INCROCIO_CF_OK : INCROCIO_CF_CHECK);
            s[15] = check_of(s);
            ROW_INT(i * 10 + k, incrocio_cf_parse(s, &info), INCROCIO_CF_OK);
            check_info(i * 10 + k, &info, &valid_rows[i]);
        }
    }
}

/* A single substitution anywhere but the rightmost digit is a mix the Agenzia
 * never issues, even with a correct check letter. */
static void test_omocodia_not_from_the_right(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(valid_rows); i++) {
        const char *cf = valid_rows[i].cf;

        if (cf[14] < '0' || cf[14] > '9')
            continue;
        for (size_t k = 1; k < N_ELEMS(digit_pos); k++) {
            char s[17];

            memcpy(s, cf, 17);
            if (s[digit_pos[k]] < '0' || s[digit_pos[k]] > '9')
                continue;
            s[digit_pos[k]] = omocodia[s[digit_pos[k]] - '0'];
            s[15] = check_of(s);
            ROW_INT(i * 10 + k, incrocio_cf_parse(s, NULL), INCROCIO_CF_OMOCODIA);
        }
    }
}

/* Every month and day, both sexes: valid exactly when the day exists
 * (February up to 29). */
static void test_every_day(void **state)
{
    static const char months[] = "ABCDEHLMPRST";
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    (void)state;
    for (int m = 0; m < 12; m++) {
        for (int dd = 0; dd <= 99; dd++) {
            struct incrocio_cf_info info;
            int day = dd > 40 ? dd - 40 : dd;
            int want = day >= 1 && day <= days[m];
            char s[17] = "RSSMRA80?00H501?";

            s[8] = months[m];
            s[9] = (char)('0' + dd / 10);
            s[10] = (char)('0' + dd % 10);
            s[15] = check_of(s);
            ROW_INT(m * 100 + dd, incrocio_cf_parse(s, &info),
                    want ? INCROCIO_CF_OK : INCROCIO_CF_DAY);
            if (want) {
                ROW_INT(m * 100 + dd, info.month, m + 1);
                ROW_INT(m * 100 + dd, info.day, day);
                ROW_INT(m * 100 + dd, info.sex, dd > 40 ? 'F' : 'M');
            }
        }
    }
}

/* ---- errors ------------------------------------------------------------------- */

struct error_row {
    const char *cf;
    int fix; /* recompute the check letter, so that only the stated fault remains */
    enum incrocio_cf_error want;
};

static const struct error_row error_rows[] = {
    {NULL, 0, INCROCIO_CF_LENGTH},
    {"", 0, INCROCIO_CF_LENGTH},
    {"RSSMRA80A01H501", 0, INCROCIO_CF_LENGTH},
    {"RSSMRA80A01H501UU", 0, INCROCIO_CF_LENGTH},
    {"RSSMRA80A01H501U ", 0, INCROCIO_CF_LENGTH},
    {"RSS MRA 80A01 H501U", 0, INCROCIO_CF_LENGTH},
    /* charset: upper case only, digits only where digits stand */
    {"rssmra80a01h501u", 0, INCROCIO_CF_CHARSET},
    {"RSSMRA80A01H501u", 0, INCROCIO_CF_CHARSET},
    {"RSSMRa80A01H501U", 0, INCROCIO_CF_CHARSET},
    {"RSSMRA80a01H501U", 0, INCROCIO_CF_CHARSET},
    {"RSSMRA80A01h501U", 0, INCROCIO_CF_CHARSET},
    {"RSS MRA80A01H501", 0, INCROCIO_CF_CHARSET},
    {"RSSMRA80A01-501U", 0, INCROCIO_CF_CHARSET},
    {"RSSMRA80A01H501@", 0, INCROCIO_CF_CHARSET},
    {"RSSMRA80A01H501[", 0, INCROCIO_CF_CHARSET},
    {"RSSMRA80A01H50\xc3\x9f", 0, INCROCIO_CF_CHARSET},
    {"\xd0\x90SSMRA80A01H501U", 0, INCROCIO_CF_LENGTH}, /* 17 bytes */
    {"1SSMRA80A01H501U", 1, INCROCIO_CF_CHARSET},
    {"RSSMR080A01H501U", 1, INCROCIO_CF_CHARSET},
    {"RSSMRA80101H501U", 1, INCROCIO_CF_CHARSET}, /* month */
    {"RSSMRA80A011501U", 1, INCROCIO_CF_CHARSET}, /* first of the place */
    {"RSSMRA80A01H5010", 0, INCROCIO_CF_CHARSET}, /* check */
    /* omocodia: only L-V in a digit position */
    {"RSSMRA80A01H50AU", 1, INCROCIO_CF_OMOCODIA},
    {"RSSMRA80A01H50KU", 1, INCROCIO_CF_OMOCODIA},
    {"RSSMRA80A01H50WU", 1, INCROCIO_CF_OMOCODIA},
    {"RSSMRA80A01H50OU", 1, INCROCIO_CF_OMOCODIA}, /* O for 0 */
    {"RSSMRA80A01H5O1U", 1, INCROCIO_CF_OMOCODIA},
    {"RSSMRA8WA01H501U", 1, INCROCIO_CF_OMOCODIA},
    {"RSSMRAZZAZZHZZZU", 1, INCROCIO_CF_OMOCODIA},
    /* [pcf] codes with correct check letters, substituted not from the right */
    {"CCCFBA85D03L2M9A", 0, INCROCIO_CF_OMOCODIA},
    {"CCCFBA85D03LN19E", 0, INCROCIO_CF_OMOCODIA},
    {"CCCFBA85D0PL219L", 0, INCROCIO_CF_OMOCODIA},
    {"CCCFBA85DL3L219A", 0, INCROCIO_CF_OMOCODIA},
    {"CCCFBA8RD03L219B", 0, INCROCIO_CF_OMOCODIA},
    {"CCCFBAU5D03L219M", 0, INCROCIO_CF_OMOCODIA},
    {"CCCFBAURDLPL219F", 0, INCROCIO_CF_OMOCODIA},
    {"CCCFBA85DLPLNM9W", 0, INCROCIO_CF_OMOCODIA},
    {"CCCFBAU5DLPLNMVI", 0, INCROCIO_CF_OMOCODIA},
    /* month */
    {"RSSMRA80F01H501U", 1, INCROCIO_CF_MONTH},
    {"RSSMRA80G01H501U", 1, INCROCIO_CF_MONTH},
    {"RSSMRA80I01H501U", 1, INCROCIO_CF_MONTH},
    {"RSSMRA80N01H501U", 1, INCROCIO_CF_MONTH},
    {"RSSMRA80U01H501U", 1, INCROCIO_CF_MONTH},
    {"RSSMRA80Z01H501U", 1, INCROCIO_CF_MONTH},
    {"RSSMRA80F01H501U", 0, INCROCIO_CF_MONTH}, /* before the check letter */
    /* day */
    {"RSSMRA80A00H501U", 1, INCROCIO_CF_DAY},
    {"RSSMRA80A32H501U", 1, INCROCIO_CF_DAY},
    {"RSSMRA80A40H501U", 1, INCROCIO_CF_DAY},
    {"RSSMRA80A72H501U", 1, INCROCIO_CF_DAY},
    {"RSSMRA80A99H501U", 1, INCROCIO_CF_DAY},
    {"RSSMRA80B30H501U", 1, INCROCIO_CF_DAY},
    {"RSSMRA80B70H501U", 1, INCROCIO_CF_DAY},
    {"RSSMRA80D31H501U", 1, INCROCIO_CF_DAY},
    {"RSSMRA80S71H501U", 1, INCROCIO_CF_DAY},
    {"RSSMRA80ALLHRLMH", 0, INCROCIO_CF_DAY}, /* LL is 00 */
    {"RSSMRA80AQLHRLMM", 0, INCROCIO_CF_DAY}, /* QL is 40 */
    {"RSSMRA80B30H501U", 0, INCROCIO_CF_DAY}, /* before the check letter */
    /* check letter */
    {"RSSMRA80A01H501A", 0, INCROCIO_CF_CHECK},
    {"RSSMRA80A01H501T", 0, INCROCIO_CF_CHECK},
    {"RSSMRA80A01H501V", 0, INCROCIO_CF_CHECK},
    {"RSSMRA80A01H501Z", 0, INCROCIO_CF_CHECK},
    {"RSSMAR80A01H501U", 0, INCROCIO_CF_CHECK}, /* swapped letters */
    {"RSSMRA08A01H501U", 0, INCROCIO_CF_CHECK}, /* swapped digits */
    {"RSSMRA80A01H50MU", 0, INCROCIO_CF_CHECK}, /* substituted, old check letter */
    {"CCCFBAURDLPLNMVA", 0, INCROCIO_CF_CHECK},
    {"CCCFBA85D03L219B", 0, INCROCIO_CF_CHECK}, /* [pcf] wrong CIN */
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(error_rows); i++) {
        struct incrocio_cf_info info, before;
        char fixed[17];
        const char *cf = error_rows[i].cf;

        if (error_rows[i].fix) {
            with_check(cf, fixed);
            cf = fixed;
        }
        memset(&info, 0x5a, sizeof info);
        before = info;
        ROW_INT(i, incrocio_cf_parse(cf, &info), error_rows[i].want);
        /* info is left alone on failure */
        if (memcmp(&info, &before, sizeof info) != 0)
            fail_msg("row %zu: info written on failure", i);
    }
}

/* Exact-size heap copies of the prefixes of a valid code: nothing is read past
 * the NUL (ASan), and a long input is rejected without reading all of it. */
static void test_prefixes_and_long(void **state)
{
    static const char full[] = "RSSMRA80A01H501U";
    char *big = unit_repeat("RSSMRA80A01H501U", 1 << 16);

    (void)state;
    for (size_t n = 0; n <= strlen(full); n++) {
        char *s = malloc(n + 1);

        assert_non_null(s);
        memcpy(s, full, n);
        s[n] = '\0';
        ROW_INT(n, incrocio_cf_parse(s, NULL),
                n == strlen(full) ? INCROCIO_CF_OK : INCROCIO_CF_LENGTH);
        free(s);
    }
    assert_int_equal(incrocio_cf_parse(big, NULL), INCROCIO_CF_LENGTH);
    free(big);
}

static void test_error_code(void **state)
{
    static const struct {
        enum incrocio_cf_error e;
        const char *code;
    } rows[] = {
        {INCROCIO_CF_LENGTH, "codice_fiscale.length"},
        {INCROCIO_CF_CHARSET, "codice_fiscale.charset"},
        {INCROCIO_CF_OMOCODIA, "codice_fiscale.omocodia"},
        {INCROCIO_CF_MONTH, "codice_fiscale.month"},
        {INCROCIO_CF_DAY, "codice_fiscale.day"},
        {INCROCIO_CF_CHECK, "codice_fiscale.check"},
        {(enum incrocio_cf_error)99, "codice_fiscale.invalid"},
        {(enum incrocio_cf_error) - 1, "codice_fiscale.invalid"},
    };

    (void)state;
    assert_null(incrocio_cf_error_code(INCROCIO_CF_OK));
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_STR(i, incrocio_cf_error_code(rows[i].e), rows[i].code);
}

/* ---- consistency with declared data ------------------------------------------- */

static void test_matches(void **state)
{
    static const struct {
        const char *cf;
        const char *birth_date;
        char sex;
        int want;
    } rows[] = {
        {"RSSMRA80A01H501U", "1980-01-01", 'M', 0},
        {"RSSMRA80A01H501U", "2080-01-01", 'M', 0}, /* only the year modulo 100 */
        {"RSSMRA80A01H501U", "1981-01-01", 'M', 1},
        {"RSSMRA80A01H501U", "1990-01-01", 'M', 1},
        {"RSSMRA80A01H501U", "1980-02-01", 'M', 1},
        {"RSSMRA80A01H501U", "1980-01-02", 'M', 1},
        {"RSSMRA80A01H501U", "1980-01-01", 'F', 2},
        {"RSSMRA80A01H501U", "1980-01-02", 'F', 3},
        {"RSSMRA80A01H501U", "1980-01-01", 'm', 2},
        {"RSSMRA80A01H501U", "1980-01-01", '\0', 2},
        {"RSSMRA80A01H501U", "1980-1-01", 'M', 1},
        {"RSSMRA80A01H501U", "1980-01-01T00:00:00Z", 'M', 1},
        {"RSSMRA80A01H501U", "1980-01-01 ", 'M', 1},
        {"RSSMRA80A01H501U", "", 'M', 1},
        {"RSSMRA80A01H501U", NULL, 'M', 1},
        {"RSSMRA80A01H501U", NULL, 'F', 3},
        /* women: the day carries +40 */
        {"MRTMRA83T56A269B", "1983-12-16", 'F', 0},
        {"MRTMRA83T56A269B", "1983-12-16", 'M', 2},
        {"MRTMRA83T56A269B", "1983-12-56", 'F', 1},
        {"TKKYKU87B68L219F", "1987-02-28", 'F', 0},
        {"RSSMRA00B69H501C", "2000-02-29", 'F', 0},
        {"RSSMRA00B69H501C", "1900-02-29", 'F', 1}, /* not a real date */
        {"RSSMRA81B29H501R", "1981-02-29", 'M', 1},
        /* omocodia undone before comparing */
        {"CCCFBAURDLPLNMVU", "1985-04-03", 'M', 0},
        {"CCCFBAURDLPLNMVU", "1985-04-30", 'M', 1},
        {"RSSMRA80A0MHRLMK", "1980-01-01", 'M', 0},
        {"RSSMRA80AQMHRLMA", "1980-01-01", 'F', 0},
        {"RSSMRA80AQMHRLMA", "1980-01-01", 'M', 2},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_cf_info info;

        ROW_INT(i, incrocio_cf_parse(rows[i].cf, &info), INCROCIO_CF_OK);
        ROW_INT(i, incrocio_cf_matches(&info, rows[i].birth_date, rows[i].sex), rows[i].want);
    }
    assert_int_equal(incrocio_cf_matches(NULL, "1980-01-01", 'M'), 3);
}

/* ---- normalisation ------------------------------------------------------------ */

static void test_normalise(void **state)
{
    static const struct {
        const char *in;
        int ret;
        const char *out;
        enum incrocio_cf_error parsed; /* of out */
    } rows[] = {
        {"rssmra80a01h501u", 1, "RSSMRA80A01H501U", INCROCIO_CF_OK},
        {"RsSmRa80A01h501U", 1, "RSSMRA80A01H501U", INCROCIO_CF_OK},
        {"RSSMRA80A01H501U", 1, "RSSMRA80A01H501U", INCROCIO_CF_OK},
        {"cccfbaurdlplnmvu", 1, "CCCFBAURDLPLNMVU", INCROCIO_CF_OK},
        {"azAZ09", 1, "AZAZ09", INCROCIO_CF_LENGTH},
        {"", 1, "", INCROCIO_CF_LENGTH},
        /* nothing but case changes: separators still fail */
        {"rss mra80a01h501", 1, "RSS MRA80A01H501", INCROCIO_CF_CHARSET},
        {"rssmra80a01-501u", 1, "RSSMRA80A01-501U", INCROCIO_CF_CHARSET},
        {"`{@[", 1, "`{@[", INCROCIO_CF_LENGTH},
        {"\xc3\xa0\xc3\xa8\xc3\xac\xc3\xb2\xc3\xb9\xc3\xa0\xc3\xa8\xc3\xac", 1,
         "\xc3\xa0\xc3\xa8\xc3\xac\xc3\xb2\xc3\xb9\xc3\xa0\xc3\xa8\xc3\xac", INCROCIO_CF_CHARSET},
        /* does not fit */
        {"rssmra80a01h501uu", 0, "", INCROCIO_CF_LENGTH},
        {" rssmra80a01h501u", 0, "", INCROCIO_CF_LENGTH},
        {"rssmra80a01h501u\n", 0, "", INCROCIO_CF_LENGTH},
        {NULL, 0, "", INCROCIO_CF_LENGTH},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char out[17];

        memset(out, 'x', sizeof out);
        ROW_INT(i, incrocio_cf_normalise(rows[i].in, out), rows[i].ret);
        ROW_STR(i, out, rows[i].out);
        ROW_INT(i, incrocio_cf_parse(out, NULL), rows[i].parsed);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_omocodia_generated),
        cmocka_unit_test(test_omocodia_not_from_the_right),
        cmocka_unit_test(test_every_day),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_prefixes_and_long),
        cmocka_unit_test(test_error_code),
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_normalise),
    };
    return cmocka_run_group_tests_name("codice_fiscale", tests, NULL, NULL);
}
