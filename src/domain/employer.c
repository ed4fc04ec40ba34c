#include "incrocio/employer.h"

#include <string.h>

#include "incrocio/codes.h"
#include "incrocio/codice_fiscale.h"
#include "incrocio/doccheck.h"

static const char *const top_fields[] = {
    "name", "codice_fiscale", "partita_iva", "ateco_code", "headcount_band",
    "seat", "email",          "phone",       "pec",        "office_code",
    NULL};
static const char *const read_only_fields[] = {"id", "version", "created_at", "updated_at", NULL};
static const char *const seat_fields[] = {"comune_istat", "address", NULL};

static const struct incrocio_doccheck_shape ateco = {
    incrocio_ateco_valid, "ateco.syntax",
    "must be an ATECO 2025 code: 56, 56.1, 56.10, 56.10.1 or 56.10.11"};
static const struct incrocio_doccheck_codes headcount_bands = {
    incrocio_headcount_bands, 0, "headcount_band.unknown",
    "must be 0-9, 10-15, 16-35, 36-50, 51-249 or 250+"};

/* ---- the codes ------------------------------------------------------------------ */

int incrocio_partita_iva_valid(const char *s)
{
    int sum = 0;

    if (!incrocio_doccheck_is_digits(s, 11))
        return 0;
    for (int i = 0; i < 10; i++) {
        int d = s[i] - '0';

        if (i % 2 == 1) { /* the 2nd, 4th... digit, counting from 1 */
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return (10 - sum % 10) % 10 == s[10] - '0';
}

/* s starts with "." and one or two digits: their count, or 0. */
static int dotted(const char *s)
{
    if (s[0] != '.' || s[1] < '0' || s[1] > '9')
        return 0;
    return s[2] >= '0' && s[2] <= '9' ? 2 : 1;
}

int incrocio_ateco_valid(const char *s)
{
    int n;

    if (s == NULL || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
        (s[0] == '0' && s[1] == '0'))
        return 0;
    s += 2;
    if (*s == '\0')
        return 1; /* division */
    if ((n = dotted(s)) == 0)
        return 0;
    s += 1 + n;
    if (*s == '\0')
        return 1; /* group or class */
    if (n != 2 || (n = dotted(s)) == 0)
        return 0; /* a category hangs from a class */
    return s[1 + n] == '\0';
}

/* ---- the fields ------------------------------------------------------------------------ */

/* An employer's code is a company's 11 digits or a sole trader's personal code:
 * the messages that depend on the form name both. */
static const char *cf_detail(enum incrocio_cf_error e)
{
    switch (e) {
    case INCROCIO_CF_LENGTH:
        return "must be 11 digits (a company's, its partita IVA) or the 16 characters of a "
               "person's codice fiscale (a sole trader's)";
    case INCROCIO_CF_CHARSET: return "has a character out of place";
    default: return incrocio_doccheck_describe_cf(e);
    }
}

static const char *const piva_check_detail = "its check digit (the 11th) does not match";

static void codice_fiscale(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    const json_t *v = json_object_get(doc, "codice_fiscale");
    const char *ptr = "/codice_fiscale", *s;
    enum incrocio_cf_error e;
    char cf[17];

    if (!incrocio_doccheck_require(c, v, ptr) || !incrocio_doccheck_expect_string(c, v, ptr))
        return;
    s = incrocio_doccheck_get_string(v);
    if (s == NULL) {
        e = INCROCIO_CF_CHARSET;
    } else if (!incrocio_cf_normalise(s, cf)) {
        e = INCROCIO_CF_LENGTH;
    } else if (strlen(cf) == 11) {
        if (!incrocio_doccheck_is_digits(cf, 11)) {
            incrocio_doccheck_fail(c, ptr, "codice_fiscale.charset",
                                   "a company's codice fiscale is 11 digits");
        } else if (!incrocio_partita_iva_valid(cf)) {
            incrocio_doccheck_fail(c, ptr, "partita_iva.check", piva_check_detail);
        } else {
            incrocio_doccheck_put(c, out, "codice_fiscale", json_string(cf));
        }
        return;
    } else {
        e = incrocio_cf_parse(cf, NULL);
    }
    if (e != INCROCIO_CF_OK)
        incrocio_doccheck_fail(c, ptr, incrocio_cf_error_code(e), cf_detail(e));
    else
        incrocio_doccheck_put(c, out, "codice_fiscale", json_string(cf));
}

static void partita_iva(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    const json_t *v = json_object_get(doc, "partita_iva");
    const char *ptr = "/partita_iva", *s = incrocio_doccheck_get_string(v);

    if (incrocio_doccheck_is_absent(v)) {
        incrocio_doccheck_put(c, out, "partita_iva", json_null());
    } else if (incrocio_doccheck_expect_string(c, v, ptr)) {
        if (!incrocio_doccheck_is_digits(s, 11))
            incrocio_doccheck_fail(c, ptr, "field.format", "must be a partita IVA of 11 digits");
        else if (!incrocio_partita_iva_valid(s))
            incrocio_doccheck_fail(c, ptr, "partita_iva.check", piva_check_detail);
        else
            incrocio_doccheck_put(c, out, "partita_iva", json_string(s));
    }
}

static void seat(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    const json_t *v = json_object_get(doc, "seat");
    json_t *s;

    if (!incrocio_doccheck_require(c, v, "/seat") ||
        !incrocio_doccheck_expect_object(c, v, "/seat"))
        return;
    if ((s = incrocio_doccheck_make_object(c)) == NULL)
        return;
    incrocio_doccheck_copy_comune(c, v, "/seat", s);
    incrocio_doccheck_copy_text(c, v, "/seat", "address", 200, 0, s);
    incrocio_doccheck_reject_unknown(c, v, "/seat", seat_fields, NULL, "a seat has no such field");
    incrocio_doccheck_put(c, out, "seat", s);
}

/* ---- the document -------------------------------------------------------------------------- */

json_t *incrocio_employer_canonical_new(const json_t *doc, json_t *errors)
{
    struct incrocio_doccheck c = {.errors = errors};
    json_t *out;

    if ((out = incrocio_doccheck_start(&c, doc, "an employer must be a JSON object")) == NULL)
        return NULL;

    incrocio_doccheck_copy_text(&c, doc, "", "name", 200, INCROCIO_DOCCHECK_REQUIRED, out);
    codice_fiscale(&c, doc, out);
    partita_iva(&c, doc, out);
    incrocio_doccheck_copy_shaped(&c, doc, "", "ateco_code", INCROCIO_DOCCHECK_REQUIRED, &ateco,
                                  out);
    incrocio_doccheck_copy_code(&c, doc, "", "headcount_band", &headcount_bands, out);
    seat(&c, doc, out);
    incrocio_doccheck_copy_email(&c, doc, "", "email", out);
    incrocio_doccheck_copy_phone(&c, doc, "", "phone", out);
    incrocio_doccheck_copy_email(&c, doc, "", "pec", out);
    incrocio_doccheck_copy_office(&c, doc, "", "office_code", out);
    incrocio_doccheck_reject_unknown(&c, doc, "", top_fields, read_only_fields,
                                     "employers have no such field");
    return incrocio_doccheck_finish(&c, out);
}
