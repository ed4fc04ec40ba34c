#ifndef INCROCIO_CODICE_FISCALE_H
#define INCROCIO_CODICE_FISCALE_H

/* The Italian codice fiscale of a natural person (DM 23 dicembre 1976):
 * surname and name letters, birth year, month, day (+40 for women), Belfiore
 * code of the birthplace and a check letter. Pure, no allocation.
 *
 * Omocodia: to tell apart people whose codes would coincide, the Agenzia
 * replaces digits by L M N P Q R S T U V (for 0-9), always starting from the
 * rightmost digit (positions 15, 14, 13, 11, 10, 8, 7). The check letter is
 * computed over the code as written, substitutions included. */

enum incrocio_cf_error {
    INCROCIO_CF_OK = 0,
    INCROCIO_CF_LENGTH,   /* not 16 characters */
    INCROCIO_CF_CHARSET,  /* outside A-Z 0-9 (lower case included), or a digit where a letter must
                             stand */
    INCROCIO_CF_OMOCODIA, /* a letter other than L-V where a digit stands, or substitutions that
                             do not start from the rightmost digit */
    INCROCIO_CF_MONTH,    /* not one of A B C D E H L M P R S T */
    INCROCIO_CF_DAY,      /* not 1-31 (men) or 41-71 (women), or past the end of the month */
    INCROCIO_CF_CHECK,    /* the 16th character does not match the first 15 */
};

struct incrocio_cf_info {
    int year2;     /* 0-99: the century is not in the code */
    int month;     /* 1-12 */
    int day;       /* 1-31, the +40 taken off */
    char sex;      /* 'M' or 'F' */
    char place[5]; /* Belfiore code with omocodia undone, e.g. "H501" or "Z330" */
};

/* Validates cf, which must already be upper case (see incrocio_cf_normalise).
 * Errors are reported in the order of the enum, the check letter last. On
 * INCROCIO_CF_OK, fills info when it is not NULL; otherwise leaves it alone.
 * February accepts day 29 whatever the year: the century is unknown. */
enum incrocio_cf_error incrocio_cf_parse(const char *cf, struct incrocio_cf_info *info);

/* The stable code of an API error: "codice_fiscale.length", ".charset",
 * ".omocodia", ".month", ".day", ".check"; NULL for INCROCIO_CF_OK, and
 * "codice_fiscale.invalid" for a value outside the enum. */
const char *incrocio_cf_error_code(enum incrocio_cf_error e);

/* Compares a parsed code with declared data: 0 when they agree, else 1 if
 * birth_date (YYYY-MM-DD, a real date; the year is compared modulo 100)
 * differs or is malformed, plus 2 if sex ('M' or 'F') differs. */
int incrocio_cf_matches(const struct incrocio_cf_info *info, const char *birth_date, char sex);

/* Copies in to out with ASCII letters upper-cased and nothing else changed, so
 * that stray spaces or dashes still fail incrocio_cf_parse. Returns 1, or 0
 * (out empty) when in is NULL or longer than 16 characters. */
int incrocio_cf_normalise(const char *in, char out[17]);

/* Computes the codice fiscale of a person (without omocodia) into out: for
 * seed data and tests. place is a Belfiore code ("H501"). Returns 1, or 0
 * when an input is malformed. */
int incrocio_cf_make(const char *family, const char *given, const char *birth_date, char sex,
                     const char *place, char out[17]);

#endif
