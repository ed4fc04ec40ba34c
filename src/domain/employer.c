#include "incrocio/employer.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/codes.h"
#include "incrocio/codice_fiscale.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/validate.h"

/* Longest JSON pointer reported: only an unknown member's name can reach it,
 * and it is cut at a character boundary. */
#define PTR_MAX 256

static const char *const top_fields[] = {
    "name", "codice_fiscale", "partita_iva", "ateco_code", "headcount_band",
    "seat", "email",          "phone",       "pec",        "office_code",
    NULL};
static const char *const read_only_fields[] = {"id", "version", "created_at", "updated_at", NULL};
static const char *const seat_fields[] = {"comune_istat", "address", NULL};

struct ctx {
    json_t *errors;
    size_t nerr; /* counted here too: an append that fails for memory still counts */
    int oom;
};

/* ---- the codes ------------------------------------------------------------------ */

static int digits(const char *s, size_t n)
{
    if (s == NULL || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int incrocio_partita_iva_valid(const char *s)
{
    int sum = 0;

    if (!digits(s, 11))
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

/* ---- errors, pointers, results -------------------------------------------------- */

static void fail(struct ctx *c, const char *ptr, const char *code, const char *detail)
{
    incrocio_problem_add(c->errors, ptr, code, detail);
    c->nerr++;
}

/* out = base + "/" + key with RFC 6901 escapes (~ → ~0, / → ~1), cut before a
 * character that does not fit. */
static void ptr_key(char *out, const char *base, const char *key)
{
    size_t o = strlen(base), boundary;

    memcpy(out, base, o);
    out[o++] = '/';
    boundary = o;
    for (const char *k = key; *k; k++) {
        if (((unsigned char)*k & 0xC0) != 0x80)
            boundary = o;
        if (o + 3 > PTR_MAX) {
            o = boundary;
            break;
        }
        if (*k == '~' || *k == '/') {
            out[o++] = '~';
            out[o++] = *k == '~' ? '0' : '1';
        } else {
            out[o++] = *k;
        }
    }
    out[o] = '\0';
}

static void put(struct ctx *c, json_t *obj, const char *key, json_t *value)
{
    if (value == NULL || json_object_set_new(obj, key, value) != 0)
        c->oom = 1;
}

static json_t *get(const json_t *obj, const char *key)
{
    return json_object_get(obj, key);
}

static int absent(const json_t *v)
{
    return v == NULL || json_is_null(v);
}

/* Reports every member of obj not in known: read-only ones at the top. */
static void members(struct ctx *c, const json_t *obj, const char *base, const char *const *known,
                    const char *what)
{
    const char *key;
    json_t *v;

    json_object_foreach ((json_t *)obj, key, v) {
        char ptr[PTR_MAX];

        if (incrocio_code_in(known, key))
            continue;
        ptr_key(ptr, base, key);
        if (base[0] == '\0' && incrocio_code_in(read_only_fields, key))
            fail(c, ptr, "field.read_only", "this field is set by the server");
        else
            fail(c, ptr, "field.unknown", what);
    }
}

/* ---- scalars ---------------------------------------------------------------------- */

/* The string value of v when it is a string without NUL inside. */
static const char *plain(const json_t *v)
{
    const char *s = json_string_value(v);
    return s != NULL && strlen(s) == json_string_length(v) ? s : NULL;
}

/* Characters, not bytes: jansson has already checked the UTF-8. */
static size_t utf8_len(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

static int required(struct ctx *c, const json_t *v, const char *ptr)
{
    if (absent(v)) {
        fail(c, ptr, "field.required", "this field is required");
        return 0;
    }
    return 1;
}

static int string_type(struct ctx *c, const json_t *v, const char *ptr)
{
    if (!json_is_string(v)) {
        fail(c, ptr, "field.type", "must be a string");
        return 0;
    }
    return 1;
}

/* A present value: a string of 1 to max characters without control
 * characters, copied into *dst. */
static int text(struct ctx *c, const json_t *v, const char *ptr, size_t max, json_t **dst)
{
    char detail[64];
    const char *s;
    size_t len, n;

    if (!string_type(c, v, ptr))
        return 0;
    s = json_string_value(v);
    len = json_string_length(v);
    n = utf8_len(s, len);
    if (n == 0 || n > max) {
        snprintf(detail, sizeof detail, "must be 1 to %zu characters long", max);
        fail(c, ptr, "field.length", detail);
        return 0;
    }
    if (has_control(s, len)) {
        fail(c, ptr, "field.format", "must not contain control characters");
        return 0;
    }
    *dst = json_stringn(s, len);
    return 1;
}

/* The value of key in obj (reported at base/key): required or null. */
static void text_field(struct ctx *c, const json_t *obj, const char *base, const char *key,
                       size_t max, int is_required, json_t *out)
{
    char ptr[PTR_MAX];
    json_t *v = get(obj, key), *dst = NULL;

    ptr_key(ptr, base, key);
    if (absent(v)) {
        if (is_required)
            fail(c, ptr, "field.required", "this field is required");
        else
            put(c, out, key, json_null());
    } else if (text(c, v, ptr, max, &dst)) {
        put(c, out, key, dst);
    }
}

/* An e-mail address as job seekers have them: null when absent. */
static void email_field(struct ctx *c, const json_t *doc, const char *key, json_t *out)
{
    const json_t *v = get(doc, key);
    char ptr[PTR_MAX];

    ptr_key(ptr, "", key);
    if (absent(v)) {
        put(c, out, key, json_null());
    } else if (string_type(c, v, ptr)) {
        if (json_string_length(v) > 254)
            fail(c, ptr, "field.length", "must be at most 254 characters long");
        else if (!incrocio_valid_email(plain(v)))
            fail(c, ptr, "field.format", "must be an e-mail address");
        else
            put(c, out, key, json_string(plain(v)));
    }
}

/* ---- the fields ------------------------------------------------------------------------ */

static const char *cf_detail(enum incrocio_cf_error e)
{
    switch (e) {
    case INCROCIO_CF_LENGTH:
        return "must be 11 digits (a company's, its partita IVA) or the 16 characters of a "
               "person's codice fiscale (a sole trader's)";
    case INCROCIO_CF_CHARSET: return "has a character out of place";
    case INCROCIO_CF_OMOCODIA: return "has an invalid omocodia substitution";
    case INCROCIO_CF_MONTH: return "has an invalid month letter";
    case INCROCIO_CF_DAY: return "has an invalid day of birth";
    case INCROCIO_CF_CHECK: return "its check character does not match";
    default: return "is not a valid codice fiscale";
    }
}

static const char *const piva_check_detail = "its check digit (the 11th) does not match";

static void codice_fiscale(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "codice_fiscale");
    const char *ptr = "/codice_fiscale", *s;
    enum incrocio_cf_error e;
    char cf[17];

    if (!required(c, v, ptr) || !string_type(c, v, ptr))
        return;
    s = plain(v);
    if (s == NULL) {
        e = INCROCIO_CF_CHARSET;
    } else if (!incrocio_cf_normalise(s, cf)) {
        e = INCROCIO_CF_LENGTH;
    } else if (strlen(cf) == 11) {
        if (!digits(cf, 11)) {
            fail(c, ptr, "codice_fiscale.charset", "a company's codice fiscale is 11 digits");
        } else if (!incrocio_partita_iva_valid(cf)) {
            fail(c, ptr, "partita_iva.check", piva_check_detail);
        } else {
            put(c, out, "codice_fiscale", json_string(cf));
        }
        return;
    } else {
        e = incrocio_cf_parse(cf, NULL);
    }
    if (e != INCROCIO_CF_OK)
        fail(c, ptr, incrocio_cf_error_code(e), cf_detail(e));
    else
        put(c, out, "codice_fiscale", json_string(cf));
}

static void partita_iva(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "partita_iva");
    const char *ptr = "/partita_iva";

    if (absent(v)) {
        put(c, out, "partita_iva", json_null());
    } else if (string_type(c, v, ptr)) {
        if (!digits(plain(v), 11))
            fail(c, ptr, "field.format", "must be a partita IVA of 11 digits");
        else if (!incrocio_partita_iva_valid(plain(v)))
            fail(c, ptr, "partita_iva.check", piva_check_detail);
        else
            put(c, out, "partita_iva", json_string(plain(v)));
    }
}

static void ateco_code(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "ateco_code");
    const char *ptr = "/ateco_code";

    if (!required(c, v, ptr) || !string_type(c, v, ptr))
        return;
    if (incrocio_ateco_valid(plain(v)))
        put(c, out, "ateco_code", json_string(plain(v)));
    else
        fail(c, ptr, "ateco.syntax",
             "must be an ATECO 2025 code: 56, 56.1, 56.10, 56.10.1 or 56.10.11");
}

static void headcount_band(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "headcount_band");
    const char *ptr = "/headcount_band";
    int k;

    if (!required(c, v, ptr) || !string_type(c, v, ptr))
        return;
    if ((k = incrocio_code_index(incrocio_headcount_bands, plain(v))) >= 0)
        put(c, out, "headcount_band", json_string(incrocio_headcount_bands[k]));
    else
        fail(c, ptr, "headcount_band.unknown", "must be 0-9, 10-15, 16-35, 36-50, 51-249 or 250+");
}

static void seat(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "seat"), *comune;
    json_t *s;

    if (!required(c, v, "/seat"))
        return;
    if (!json_is_object(v)) {
        fail(c, "/seat", "field.type", "must be an object");
        return;
    }
    if ((s = json_object()) == NULL) {
        c->oom = 1;
        return;
    }
    comune = get(v, "comune_istat");
    if (required(c, comune, "/seat/comune_istat") && string_type(c, comune, "/seat/comune_istat")) {
        if (digits(plain(comune), 6))
            put(c, s, "comune_istat", json_string(plain(comune)));
        else
            fail(c, "/seat/comune_istat", "field.format",
                 "must be an ISTAT comune code of 6 digits");
    }
    text_field(c, v, "/seat", "address", 200, 0, s);
    members(c, v, "/seat", seat_fields, "a seat has no such field");
    put(c, out, "seat", s);
}

static void phone(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "phone");

    if (absent(v)) {
        put(c, out, "phone", json_null());
    } else if (string_type(c, v, "/phone")) {
        if (!incrocio_valid_phone(plain(v)))
            fail(c, "/phone", "field.format",
                 "must be a phone number: digits, spaces and ()./- with an optional leading +, 5 "
                 "to 40 characters");
        else
            put(c, out, "phone", json_string(plain(v)));
    }
}

static void office_code(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "office_code");

    if (!required(c, v, "/office_code") || !string_type(c, v, "/office_code"))
        return;
    if (incrocio_office_code_valid(plain(v)))
        put(c, out, "office_code", json_string(plain(v)));
    else
        fail(c, "/office_code", "field.format",
             "must be an office code: two capital letters and two digits");
}

/* ---- the document -------------------------------------------------------------------------- */

json_t *incrocio_employer_canonical_new(const json_t *doc, json_t *errors)
{
    struct ctx c = {.errors = errors};
    json_t *out;

    if (!json_is_object(doc)) {
        incrocio_problem_add(errors, "", "field.type", "an employer must be a JSON object");
        return NULL;
    }
    if ((out = json_object()) == NULL)
        return NULL;

    text_field(&c, doc, "", "name", 200, 1, out);
    codice_fiscale(&c, doc, out);
    partita_iva(&c, doc, out);
    ateco_code(&c, doc, out);
    headcount_band(&c, doc, out);
    seat(&c, doc, out);
    email_field(&c, doc, "email", out);
    phone(&c, doc, out);
    email_field(&c, doc, "pec", out);
    office_code(&c, doc, out);
    members(&c, doc, "", top_fields, "employers have no such field");

    if (c.nerr > 0 || c.oom) {
        json_decref(out);
        return NULL;
    }
    return out;
}
