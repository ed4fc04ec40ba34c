#include "incrocio/codice_fiscale.h"

#include <string.h>

#include "incrocio/validate.h"

#define CF_LEN 16

static const char months[] = "ABCDEHLMPRST";
static const char omocodia[] = "LMNPQRSTUV";

/* The digit positions (0-based) in the order the Agenzia substitutes them. */
static const int digit_pos[] = {14, 13, 12, 10, 9, 7, 6};

/* Value of A-Z (or of 0-9, which count as A-J) at an odd 1-based position;
 * even positions count the plain value 0-25. */
static const int odd_value[26] = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                  20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Index of c in set (a string literal of n letters), or -1: strchr would also
 * find the terminator. */
static int index_of(const char *set, size_t n, char c)
{
    const char *p = memchr(set, c, n);
    return p ? (int)(p - set) : -1;
}

static int letter_only(int i)
{
    return i < 6 || i == 8 || i == 11 || i == 15;
}

static char check_char(const char *cf)
{
    int sum = 0;

    for (int i = 0; i < CF_LEN - 1; i++) {
        int v = is_digit(cf[i]) ? cf[i] - '0' : cf[i] - 'A';
        sum += i % 2 == 0 ? odd_value[v] : v;
    }
    return (char)('A' + sum % 26);
}

enum incrocio_cf_error incrocio_cf_parse(const char *cf, struct incrocio_cf_info *info)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    char plain[CF_LEN];
    size_t n = 0;
    int seen_digit = 0, month, day;
    char sex = 'M';

    /* Bounded: a hostile megabyte is rejected after 17 bytes. */
    while (cf != NULL && n <= CF_LEN && cf[n] != '\0')
        n++;
    if (n != CF_LEN)
        return INCROCIO_CF_LENGTH;
    for (int i = 0; i < CF_LEN; i++) {
        if (!is_upper(cf[i]) && !(is_digit(cf[i]) && !letter_only(i)))
            return INCROCIO_CF_CHARSET;
    }

    memcpy(plain, cf, CF_LEN);
    for (size_t k = 0; k < sizeof digit_pos / sizeof digit_pos[0]; k++) {
        int i = digit_pos[k], d;

        if (is_digit(cf[i])) {
            seen_digit = 1;
            continue;
        }
        d = index_of(omocodia, sizeof omocodia - 1, cf[i]);
        /* A letter left of a digit would be a substitution the Agenzia never makes. */
        if (d < 0 || seen_digit)
            return INCROCIO_CF_OMOCODIA;
        plain[i] = (char)('0' + d);
    }

    month = index_of(months, sizeof months - 1, cf[8]) + 1;
    if (month == 0)
        return INCROCIO_CF_MONTH;
    day = (plain[9] - '0') * 10 + (plain[10] - '0');
    if (day > 40) {
        day -= 40;
        sex = 'F';
    }
    if (day < 1 || day > days[month - 1])
        return INCROCIO_CF_DAY;

    if (cf[15] != check_char(cf))
        return INCROCIO_CF_CHECK;

    if (info != NULL) {
        info->year2 = (plain[6] - '0') * 10 + (plain[7] - '0');
        info->month = month;
        info->day = day;
        info->sex = sex;
        memcpy(info->place, plain + 11, 4);
        info->place[4] = '\0';
    }
    return INCROCIO_CF_OK;
}

const char *incrocio_cf_error_code(enum incrocio_cf_error e)
{
    switch (e) {
    case INCROCIO_CF_OK: return NULL;
    case INCROCIO_CF_LENGTH: return "codice_fiscale.length";
    case INCROCIO_CF_CHARSET: return "codice_fiscale.charset";
    case INCROCIO_CF_OMOCODIA: return "codice_fiscale.omocodia";
    case INCROCIO_CF_MONTH: return "codice_fiscale.month";
    case INCROCIO_CF_DAY: return "codice_fiscale.day";
    case INCROCIO_CF_CHECK: return "codice_fiscale.check";
    }
    return "codice_fiscale.invalid";
}

int incrocio_cf_matches(const struct incrocio_cf_info *info, const char *birth_date, char sex)
{
    int r = 0;

    if (info == NULL)
        return 3;
    if (!incrocio_valid_date(birth_date) ||
        ((birth_date[2] - '0') * 10 + (birth_date[3] - '0')) != info->year2 ||
        ((birth_date[5] - '0') * 10 + (birth_date[6] - '0')) != info->month ||
        ((birth_date[8] - '0') * 10 + (birth_date[9] - '0')) != info->day)
        r |= 1;
    if (sex != info->sex)
        r |= 2;
    return r;
}

int incrocio_cf_normalise(const char *in, char out[17])
{
    size_t n = 0;

    out[0] = '\0';
    if (in == NULL)
        return 0;
    for (; in[n] != '\0'; n++) {
        char c = in[n];
        if (n >= CF_LEN) {
            out[0] = '\0';
            return 0;
        }
        out[n] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    out[n] = '\0';
    return 1;
}

/* The three letters of a surname (given == 0) or a given name: consonants,
 * then vowels, then X; a given name with four or more consonants takes the
 * 1st, 3rd and 4th. Letters outside A-Z (accents, apostrophes) are skipped. */
static void name_letters(const char *name, int given, char out[3])
{
    char cons[64], vows[64];
    size_t nc = 0, nv = 0, o = 0;

    for (const char *p = name; *p && nc < sizeof cons && nv < sizeof vows; p++) {
        char c = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
        if (!is_upper(c))
            continue;
        if (strchr("AEIOU", c))
            vows[nv++] = c;
        else
            cons[nc++] = c;
    }
    if (given && nc >= 4) {
        out[0] = cons[0];
        out[1] = cons[2];
        out[2] = cons[3];
        return;
    }
    for (size_t i = 0; i < nc && o < 3; i++)
        out[o++] = cons[i];
    for (size_t i = 0; i < nv && o < 3; i++)
        out[o++] = vows[i];
    while (o < 3)
        out[o++] = 'X';
}

int incrocio_cf_make(const char *family, const char *given, const char *birth_date, char sex,
                     const char *place, char out[17])
{
    int month, day;

    if (!incrocio_valid_date(birth_date) || (sex != 'M' && sex != 'F') || strlen(place) != 4)
        return 0;
    month = (birth_date[5] - '0') * 10 + (birth_date[6] - '0');
    day = (birth_date[8] - '0') * 10 + (birth_date[9] - '0') + (sex == 'F' ? 40 : 0);
    name_letters(family, 0, out);
    name_letters(given, 1, out + 3);
    out[6] = birth_date[2];
    out[7] = birth_date[3];
    out[8] = months[month - 1];
    out[9] = (char)('0' + day / 10);
    out[10] = (char)('0' + day % 10);
    memcpy(out + 11, place, 4);
    out[15] = check_char(out);
    out[16] = '\0';
    return incrocio_cf_parse(out, NULL) == INCROCIO_CF_OK;
}
