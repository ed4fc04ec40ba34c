#include "incrocio/job_seeker.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "incrocio/codes.h"
#include "incrocio/codice_fiscale.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/validate.h"

/* Longest JSON pointer reported: only an unknown member's name can reach it,
 * and it is cut at a character boundary. */
#define PTR_MAX 256

#define MAX_EDUCATION 20
#define MAX_LANGUAGES 20
#define MAX_LICENCES 16
#define MAX_SKILLS 100
#define MAX_IT_SKILLS 50
#define MAX_EXPERIENCES 50
#define MAX_DESIRED 20
#define MAX_CONTRACT_TYPES 6 /* all of them, each once */
#define MIN_AGE 15

static const char *const top_fields[] = {"codice_fiscale",
                                         "given_name",
                                         "family_name",
                                         "birth_date",
                                         "sex",
                                         "citizenship",
                                         "work_permit_expiry",
                                         "domicile",
                                         "email",
                                         "phone",
                                         "office_code",
                                         "education",
                                         "languages",
                                         "licences",
                                         "skills",
                                         "it_skills",
                                         "experiences",
                                         "desired_occupations",
                                         "availability",
                                         "l68",
                                         "matching_consent",
                                         NULL};
static const char *const read_only_fields[] = {"id",         "version", "created_at",
                                               "updated_at", "did",     NULL};
static const char *const domicile_fields[] = {"comune_istat", "address", "lat", "lon", NULL};
static const char *const education_fields[] = {"title", "eqf_level", "year", NULL};
static const char *const language_fields[] = {"code", "cefr", NULL};
static const char *const skill_fields[] = {"code", "level", NULL};
static const char *const experience_fields[] = {"occupation_code", "from",          "to",
                                                "contract_type",   "employer_name", NULL};
static const char *const availability_fields[] = {"contract_types", "working_time", "shifts",
                                                  "max_travel_km",  "relocate",     NULL};

struct ctx {
    json_t *errors;
    size_t nerr; /* counted here too: an append that fails for memory still counts */
    int oom;
    char today[11];
    int year; /* today's */
};

/* ---- errors and pointers ---------------------------------------------------- */

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

static void ptr_index(char *out, const char *base, size_t i)
{
    snprintf(out, PTR_MAX, "%s/%zu", base, i);
}

/* ---- building the result ----------------------------------------------------- */

static void put(struct ctx *c, json_t *obj, const char *key, json_t *value)
{
    if (value == NULL || json_object_set_new(obj, key, value) != 0)
        c->oom = 1;
}

static void push(struct ctx *c, json_t *arr, json_t *value)
{
    if (value == NULL || json_array_append_new(arr, value) != 0)
        c->oom = 1;
}

static json_t *object_new(struct ctx *c)
{
    json_t *o = json_object();

    if (o == NULL)
        c->oom = 1;
    return o;
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

/* ---- scalars ------------------------------------------------------------------ */

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

static void required_text(struct ctx *c, const json_t *obj, const char *base, const char *key,
                          size_t max, json_t *out)
{
    char ptr[PTR_MAX];
    json_t *v = get(obj, key), *dst = NULL;

    ptr_key(ptr, base, key);
    if (required(c, v, ptr) && text(c, v, ptr, max, &dst))
        put(c, out, key, dst);
}

static void optional_text(struct ctx *c, const json_t *obj, const char *base, const char *key,
                          size_t max, json_t *out)
{
    char ptr[PTR_MAX];
    json_t *v = get(obj, key), *dst = NULL;

    ptr_key(ptr, base, key);
    if (absent(v))
        put(c, out, key, json_null());
    else if (text(c, v, ptr, max, &dst))
        put(c, out, key, dst);
}

static int integer(struct ctx *c, const json_t *v, const char *ptr, json_int_t min, json_int_t max,
                   json_t **dst)
{
    char detail[64];
    json_int_t n;

    if (!json_is_integer(v)) {
        fail(c, ptr, "field.type", "must be an integer");
        return 0;
    }
    n = json_integer_value(v);
    if (n < min || n > max) {
        snprintf(detail, sizeof detail,
                 "must be between %" JSON_INTEGER_FORMAT " and %" JSON_INTEGER_FORMAT, min, max);
        fail(c, ptr, "field.range", detail);
        return 0;
    }
    *dst = json_integer(n);
    return 1;
}

/* An optional integer: absent is null, or dflt when dflt >= 0. */
static void optional_integer(struct ctx *c, const json_t *obj, const char *base, const char *key,
                             json_int_t min, json_int_t max, json_int_t dflt, json_t *out)
{
    char ptr[PTR_MAX];
    json_t *v = get(obj, key), *dst = NULL;

    ptr_key(ptr, base, key);
    if (absent(v))
        put(c, out, key, dflt >= 0 ? json_integer(dflt) : json_null());
    else if (integer(c, v, ptr, min, max, &dst))
        put(c, out, key, dst);
}

static void optional_boolean(struct ctx *c, const json_t *obj, const char *base, const char *key,
                             json_t *out)
{
    char ptr[PTR_MAX];
    json_t *v = get(obj, key);

    ptr_key(ptr, base, key);
    if (absent(v))
        put(c, out, key, json_false());
    else if (!json_is_boolean(v))
        fail(c, ptr, "field.type", "must be true or false");
    else
        put(c, out, key, json_boolean(json_is_true(v)));
}

/* The entry of list equal to s once its ASCII letters are folded (fold 'U'
 * upper case, 'L' lower case, 0 as is), or NULL. */
static const char *lookup(const char *const *list, const char *s, char fold)
{
    char buf[32];
    size_t n = s ? strlen(s) : sizeof buf;
    int i;

    if (n >= sizeof buf)
        return NULL;
    for (size_t k = 0; k <= n; k++) {
        char ch = s[k];
        if (fold == 'U' && ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        else if (fold == 'L' && ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        buf[k] = ch;
    }
    i = incrocio_code_index(list, buf);
    return i >= 0 ? list[i] : NULL;
}

/* A present value: a string of list (after folding): the list's entry, or
 * NULL with the error added. */
static const char *code_of(struct ctx *c, const json_t *v, const char *ptr, const char *const *list,
                           char fold, const char *code, const char *detail)
{
    const char *entry;

    if (!string_type(c, v, ptr))
        return NULL;
    entry = lookup(list, plain(v), fold);
    if (entry == NULL)
        fail(c, ptr, code, detail);
    return entry;
}

/* 1 for YYYY-MM-DD that would be a real date but for a year before 1900. */
static int date_before_1900(const char *s)
{
    char copy[11];
    int y;

    if (s == NULL || strlen(s) != 10)
        return 0;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (y >= 1900)
        return 0;
    /* The Gregorian calendar repeats every 400 years. */
    snprintf(copy, sizeof copy, "%04d%s", 2000 + y % 400, s + 4);
    return incrocio_valid_date(copy);
}

/* A present value: a date, returned, or NULL with the error added. With
 * not_future, after today is "field.range". */
static const char *date_of(struct ctx *c, const json_t *v, const char *ptr, int not_future)
{
    const char *s;

    if (!string_type(c, v, ptr))
        return NULL;
    s = plain(v);
    if (!incrocio_valid_date(s)) {
        if (date_before_1900(s))
            fail(c, ptr, "field.range", "must not be before 1900-01-01");
        else
            fail(c, ptr, "field.format", "must be a date, YYYY-MM-DD");
        return NULL;
    }
    if (not_future && strcmp(s, c->today) > 0) {
        fail(c, ptr, "field.range", "must not be after today");
        return NULL;
    }
    return s;
}

static const char *occupation_of(struct ctx *c, const json_t *v, const char *ptr)
{
    if (!string_type(c, v, ptr))
        return NULL;
    if (!incrocio_occupation_code_valid(plain(v))) {
        fail(c, ptr, "field.format", "must be an ISTAT CP2021 occupation code, e.g. 5.2.2.1.0");
        return NULL;
    }
    return plain(v);
}

/* The array at ptr when it is one of at most max items; NULL when absent
 * (the default, empty) or invalid (error added). */
static const json_t *array_of(struct ctx *c, const json_t *v, const char *ptr, size_t max)
{
    char detail[64];

    if (absent(v))
        return NULL;
    if (!json_is_array(v)) {
        fail(c, ptr, "field.type", "must be an array");
        return NULL;
    }
    if (json_array_size(v) > max) {
        snprintf(detail, sizeof detail, "must have at most %zu items", max);
        fail(c, ptr, "field.too_many", detail);
        return NULL;
    }
    return v;
}

static int object_item(struct ctx *c, const json_t *v, const char *ptr)
{
    if (!json_is_object(v)) {
        fail(c, ptr, "field.type", "must be an object");
        return 0;
    }
    return 1;
}

/* ---- the fields ----------------------------------------------------------------- */

static const char *cf_detail(enum incrocio_cf_error e)
{
    switch (e) {
    case INCROCIO_CF_LENGTH: return "must be 16 characters long";
    case INCROCIO_CF_CHARSET: return "must be letters and digits in the places of a codice fiscale";
    case INCROCIO_CF_OMOCODIA: return "has an invalid omocodia substitution";
    case INCROCIO_CF_MONTH: return "has an invalid month letter";
    case INCROCIO_CF_DAY: return "has an invalid day of birth";
    case INCROCIO_CF_CHECK: return "its check character does not match";
    default: return "is not a valid codice fiscale";
    }
}

/* Returns 1 with info filled when the code is valid. */
static int codice_fiscale(struct ctx *c, const json_t *doc, json_t *out,
                          struct incrocio_cf_info *info)
{
    const json_t *v = get(doc, "codice_fiscale");
    const char *ptr = "/codice_fiscale", *s;
    enum incrocio_cf_error e;
    char cf[17];

    if (!required(c, v, ptr) || !string_type(c, v, ptr))
        return 0;
    s = plain(v);
    if (s == NULL)
        e = INCROCIO_CF_CHARSET;
    else if (!incrocio_cf_normalise(s, cf))
        e = INCROCIO_CF_LENGTH;
    else
        e = incrocio_cf_parse(cf, info);
    if (e != INCROCIO_CF_OK) {
        fail(c, ptr, incrocio_cf_error_code(e), cf_detail(e));
        return 0;
    }
    put(c, out, "codice_fiscale", json_string(cf));
    return 1;
}

static const char *birth_date(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "birth_date");
    const char *ptr = "/birth_date", *s;
    char cutoff[16];

    if (!required(c, v, ptr) || (s = date_of(c, v, ptr, 1)) == NULL)
        return NULL;
    /* 15 on today: born on or before the same day 15 years ago. */
    snprintf(cutoff, sizeof cutoff, "%04d%s", c->year - MIN_AGE, c->today + 4);
    if (strcmp(s, cutoff) > 0) {
        fail(c, ptr, "birth_date.too_young", "the person must be at least 15 years old");
        return NULL;
    }
    put(c, out, "birth_date", json_string(s));
    return s;
}

static char sex(struct ctx *c, const json_t *doc, json_t *out)
{
    static const char *const sexes[] = {"F", "M", NULL};
    const json_t *v = get(doc, "sex");
    const char *s;

    if (!required(c, v, "/sex") ||
        (s = code_of(c, v, "/sex", sexes, 0, "sex.unknown", "must be F or M")) == NULL)
        return '\0';
    put(c, out, "sex", json_string(s));
    return s[0];
}

static void citizenship(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "citizenship");
    const char *s;

    if (required(c, v, "/citizenship") &&
        (s = code_of(c, v, "/citizenship", incrocio_iso3166_alpha2, 'U', "citizenship.unknown",
                     "must be an ISO 3166-1 alpha-2 country code, e.g. IT")) != NULL)
        put(c, out, "citizenship", json_string(s));
}

static void optional_date(struct ctx *c, const json_t *doc, const char *base, const char *key,
                          json_t *out)
{
    char ptr[PTR_MAX];
    const json_t *v = get(doc, key);
    const char *s;

    ptr_key(ptr, base, key);
    if (absent(v))
        put(c, out, key, json_null());
    else if ((s = date_of(c, v, ptr, 0)) != NULL)
        put(c, out, key, json_string(s));
}

/* A coordinate: 1 valid, 0 absent, -1 invalid (error added). */
static int coordinate(struct ctx *c, const json_t *v, const char *ptr, double min, double max,
                      json_t **dst)
{
    char detail[64];
    double d;

    if (absent(v))
        return 0;
    if (!json_is_number(v)) {
        fail(c, ptr, "field.type", "must be a number");
        return -1;
    }
    d = json_number_value(v);
    if (!(d >= min && d <= max)) {
        snprintf(detail, sizeof detail, "must be between %g and %g (WGS84 degrees)", min, max);
        fail(c, ptr, "field.range", detail);
        return -1;
    }
    *dst = json_real(d);
    return 1;
}

static int istat_code(const char *s)
{
    if (s == NULL || strlen(s) != 6)
        return 0;
    for (int i = 0; i < 6; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void domicile(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "domicile"), *comune;
    json_t *d, *lat = NULL, *lon = NULL;
    int has_lat, has_lon;

    if (!required(c, v, "/domicile") || !object_item(c, v, "/domicile"))
        return;
    if ((d = object_new(c)) == NULL)
        return;
    comune = get(v, "comune_istat");
    if (required(c, comune, "/domicile/comune_istat") &&
        string_type(c, comune, "/domicile/comune_istat")) {
        if (istat_code(plain(comune)))
            put(c, d, "comune_istat", json_string(plain(comune)));
        else
            fail(c, "/domicile/comune_istat", "field.format",
                 "must be an ISTAT comune code of 6 digits");
    }
    optional_text(c, v, "/domicile", "address", 200, d);
    has_lat = coordinate(c, get(v, "lat"), "/domicile/lat", 35.0, 48.0, &lat);
    has_lon = coordinate(c, get(v, "lon"), "/domicile/lon", 6.0, 19.0, &lon);
    if (has_lat != 0 && has_lon == 0)
        fail(c, "/domicile/lon", "field.required", "lat and lon go together");
    if (has_lon != 0 && has_lat == 0)
        fail(c, "/domicile/lat", "field.required", "lat and lon go together");
    put(c, d, "lat", has_lat == 1 ? lat : json_null());
    put(c, d, "lon", has_lon == 1 ? lon : json_null());
    members(c, v, "/domicile", domicile_fields, "a domicile has no such field");
    put(c, out, "domicile", d);
}

static void email(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "email");

    if (absent(v)) {
        put(c, out, "email", json_null());
    } else if (string_type(c, v, "/email")) {
        if (json_string_length(v) > 254)
            fail(c, "/email", "field.length", "must be at most 254 characters long");
        else if (!incrocio_valid_email(plain(v)))
            fail(c, "/email", "field.format", "must be an e-mail address");
        else
            put(c, out, "email", json_string(plain(v)));
    }
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

static void education(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *arr = array_of(c, get(doc, "education"), "/education", MAX_EDUCATION);
    json_t *res = json_array(), *item;
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX], p[PTR_MAX];
        json_t *e, *dst = NULL;

        ptr_index(ptr, "/education", i);
        if (!object_item(c, item, ptr) || (e = object_new(c)) == NULL)
            continue;
        required_text(c, item, ptr, "title", 200, e);
        ptr_key(p, ptr, "eqf_level");
        if (required(c, get(item, "eqf_level"), p) &&
            integer(c, get(item, "eqf_level"), p, 1, 8, &dst))
            put(c, e, "eqf_level", dst);
        optional_integer(c, item, ptr, "year", 1900, c->year, -1, e);
        members(c, item, ptr, education_fields, "an education item has no such field");
        push(c, res, e);
    }
    put(c, out, "education", res);
}

static void languages(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *arr = array_of(c, get(doc, "languages"), "/languages", MAX_LANGUAGES);
    const char *seen[MAX_LANGUAGES] = {NULL};
    json_t *res = json_array(), *item;
    size_t i, nseen = 0;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX], p[PTR_MAX];
        const char *code = NULL, *cefr = NULL;
        json_t *l;

        ptr_index(ptr, "/languages", i);
        if (!object_item(c, item, ptr) || (l = object_new(c)) == NULL)
            continue;
        ptr_key(p, ptr, "code");
        if (required(c, get(item, "code"), p) &&
            (code = code_of(c, get(item, "code"), p, incrocio_iso639_1, 'L', "languages.unknown",
                            "must be an ISO 639-1 language code, e.g. en")) != NULL) {
            for (size_t k = 0; k < nseen && code != NULL; k++)
                if (seen[k] == code) {
                    fail(c, p, "languages.duplicate", "this language is already listed");
                    code = NULL;
                }
            if (code != NULL) {
                seen[nseen++] = code;
                put(c, l, "code", json_string(code));
            }
        }
        ptr_key(p, ptr, "cefr");
        if (required(c, get(item, "cefr"), p) &&
            (cefr = code_of(c, get(item, "cefr"), p, incrocio_cefr_levels, 'U', "cefr.unknown",
                            "must be a CEFR level: A1, A2, B1, B2, C1 or C2")) != NULL)
            put(c, l, "cefr", json_string(cefr));
        members(c, item, ptr, language_fields, "a language has no such field");
        push(c, res, l);
    }
    put(c, out, "languages", res);
}

/* A set of codes of list (at most 31 entries): reported duplicates, canonical
 * in the list's order. */
static json_t *code_set(struct ctx *c, const json_t *arr, const char *base, const char *const *list,
                        char fold, const char *unknown, const char *unknown_detail,
                        const char *duplicate)
{
    unsigned long set = 0;
    json_t *res = json_array(), *item;
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX];
        const char *code;
        int k;

        ptr_index(ptr, base, i);
        if ((code = code_of(c, item, ptr, list, fold, unknown, unknown_detail)) == NULL)
            continue;
        k = incrocio_code_index(list, code);
        if (set & (1ul << k))
            fail(c, ptr, duplicate, "this code is already listed");
        set |= 1ul << k;
    }
    for (int k = 0; list[k] != NULL; k++)
        if (set & (1ul << k))
            push(c, res, json_string(list[k]));
    return res;
}

static void licences(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *arr = array_of(c, get(doc, "licences"), "/licences", MAX_LICENCES);

    put(c, out, "licences",
        code_set(c, arr, "/licences", incrocio_licences, 'U', "licences.unknown",
                 "must be a driving licence: AM, A1, A2, A, B1, B, BE, C1, C1E, C, CE, D1, D1E, "
                 "D, DE or CQC",
                 "licences.duplicate"));
}

static int skill_code_chars(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == ':' || *s == '-'))
            return 0;
    return 1;
}

static void skills(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *arr = array_of(c, get(doc, "skills"), "/skills", MAX_SKILLS);
    const char *seen[MAX_SKILLS] = {NULL};
    json_t *res = json_array(), *item;
    size_t i, nseen = 0;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX], p[PTR_MAX];
        const json_t *code;
        json_t *s;

        ptr_index(ptr, "/skills", i);
        if (!object_item(c, item, ptr) || (s = object_new(c)) == NULL)
            continue;
        ptr_key(p, ptr, "code");
        code = get(item, "code");
        if (required(c, code, p) && string_type(c, code, p)) {
            const char *cs = plain(code);
            size_t n = utf8_len(json_string_value(code), json_string_length(code));
            int dup = 0;

            if (n == 0 || n > 64) {
                fail(c, p, "field.length", "must be 1 to 64 characters long");
            } else if (cs == NULL || !skill_code_chars(cs)) {
                fail(c, p, "field.format", "must be letters, digits and . _ : -");
            } else {
                for (size_t k = 0; k < nseen; k++)
                    dup |= strcmp(seen[k], cs) == 0;
                if (dup) {
                    fail(c, p, "skills.duplicate", "this skill is already listed");
                } else {
                    seen[nseen++] = cs;
                    put(c, s, "code", json_string(cs));
                }
            }
        }
        optional_integer(c, item, ptr, "level", 1, 5, -1, s);
        members(c, item, ptr, skill_fields, "a skill has no such field");
        push(c, res, s);
    }
    put(c, out, "skills", res);
}

static void it_skills(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *arr = array_of(c, get(doc, "it_skills"), "/it_skills", MAX_IT_SKILLS);
    json_t *res = json_array(), *item;
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX];
        json_t *dst = NULL;

        ptr_index(ptr, "/it_skills", i);
        if (text(c, item, ptr, 100, &dst))
            push(c, res, dst);
    }
    put(c, out, "it_skills", res);
}

static void experiences(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *arr = array_of(c, get(doc, "experiences"), "/experiences", MAX_EXPERIENCES);
    json_t *res = json_array(), *item;
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX], p[PTR_MAX];
        const char *s, *from = NULL;
        const json_t *v;
        json_t *e;

        ptr_index(ptr, "/experiences", i);
        if (!object_item(c, item, ptr) || (e = object_new(c)) == NULL)
            continue;
        ptr_key(p, ptr, "occupation_code");
        v = get(item, "occupation_code");
        if (required(c, v, p) && (s = occupation_of(c, v, p)) != NULL)
            put(c, e, "occupation_code", json_string(s));
        ptr_key(p, ptr, "from");
        v = get(item, "from");
        if (required(c, v, p) && (from = date_of(c, v, p, 1)) != NULL)
            put(c, e, "from", json_string(from));
        ptr_key(p, ptr, "to");
        v = get(item, "to");
        if (absent(v)) {
            put(c, e, "to", json_null());
        } else if ((s = date_of(c, v, p, 1)) != NULL) {
            if (from != NULL && strcmp(s, from) < 0)
                fail(c, p, "experiences.to_before_from", "must not be before from");
            else
                put(c, e, "to", json_string(s));
        }
        ptr_key(p, ptr, "contract_type");
        v = get(item, "contract_type");
        if (required(c, v, p) &&
            (s = code_of(c, v, p, incrocio_contract_types, 0, "contract_type.unknown",
                         "must be indeterminato, determinato, apprendistato, tirocinio, "
                         "somministrazione or intermittente")) != NULL)
            put(c, e, "contract_type", json_string(s));
        optional_text(c, item, ptr, "employer_name", 200, e);
        members(c, item, ptr, experience_fields, "an experience has no such field");
        push(c, res, e);
    }
    put(c, out, "experiences", res);
}

static void desired_occupations(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *arr =
        array_of(c, get(doc, "desired_occupations"), "/desired_occupations", MAX_DESIRED);
    json_t *res = json_array(), *item;
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX];
        const char *s;
        int dup = 0;

        ptr_index(ptr, "/desired_occupations", i);
        if ((s = occupation_of(c, item, ptr)) == NULL)
            continue;
        for (size_t k = 0; k < json_array_size(res); k++)
            dup |= strcmp(json_string_value(json_array_get(res, k)), s) == 0;
        if (dup)
            fail(c, ptr, "desired_occupations.duplicate", "this occupation is already listed");
        else
            push(c, res, json_string(s));
    }
    put(c, out, "desired_occupations", res);
}

static void availability(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "availability"), *arr, *wt;
    const char *base = "/availability", *s;
    json_t *a;

    if (!absent(v) && !object_item(c, v, base))
        return;
    if ((a = object_new(c)) == NULL)
        return;
    /* Absent: every member takes its default (get on NULL is NULL). */
    arr = array_of(c, get(v, "contract_types"), "/availability/contract_types", MAX_CONTRACT_TYPES);
    put(c, a, "contract_types",
        code_set(c, arr, "/availability/contract_types", incrocio_contract_types, 0,
                 "contract_type.unknown",
                 "must be indeterminato, determinato, apprendistato, tirocinio, "
                 "somministrazione or intermittente",
                 "contract_types.duplicate"));
    wt = get(v, "working_time");
    if (absent(wt))
        put(c, a, "working_time", json_string("any"));
    else if ((s = code_of(c, wt, "/availability/working_time", incrocio_working_times, 0,
                          "working_time.unknown", "must be full_time, part_time or any")) != NULL)
        put(c, a, "working_time", json_string(s));
    optional_boolean(c, v, base, "shifts", a);
    optional_integer(c, v, base, "max_travel_km", 0, 1000, 30, a);
    optional_boolean(c, v, base, "relocate", a);
    if (json_is_object(v))
        members(c, v, base, availability_fields, "availability has no such field");
    put(c, out, "availability", a);
}

static void l68(struct ctx *c, const json_t *doc, json_t *out)
{
    const json_t *v = get(doc, "l68");
    const char *s;

    if (absent(v))
        put(c, out, "l68", json_null());
    else if ((s = code_of(c, v, "/l68", incrocio_l68_categories, 0, "l68.unknown",
                          "must be null, art1 or art18")) != NULL)
        put(c, out, "l68", json_string(s));
}

/* ---- the document ------------------------------------------------------------------- */

static void set_today(struct ctx *c, const char *today)
{
    if (incrocio_valid_date(today)) {
        memcpy(c->today, today, sizeof c->today);
    } else {
        time_t now = time(NULL);
        struct tm tm;

        if (gmtime_r(&now, &tm) == NULL ||
            strftime(c->today, sizeof c->today, "%Y-%m-%d", &tm) != 10)
            memcpy(c->today, "2000-01-01", sizeof c->today);
    }
    c->year = (c->today[0] - '0') * 1000 + (c->today[1] - '0') * 100 + (c->today[2] - '0') * 10 +
              (c->today[3] - '0');
}

json_t *incrocio_job_seeker_canonical_new(const json_t *doc, const char *today, json_t *errors)
{
    struct ctx c = {.errors = errors};
    struct incrocio_cf_info info;
    const char *bd;
    json_t *out;
    int cf_ok;
    char sx;

    if (!json_is_object(doc)) {
        incrocio_problem_add(errors, "", "field.type", "a job seeker must be a JSON object");
        return NULL;
    }
    set_today(&c, today);
    if ((out = json_object()) == NULL)
        return NULL;

    cf_ok = codice_fiscale(&c, doc, out, &info);
    required_text(&c, doc, "", "given_name", 100, out);
    required_text(&c, doc, "", "family_name", 100, out);
    bd = birth_date(&c, doc, out);
    sx = sex(&c, doc, out);
    if (cf_ok && bd != NULL && sx != '\0') {
        int m = incrocio_cf_matches(&info, bd, sx);

        if (m & 1)
            fail(&c, "/codice_fiscale", "codice_fiscale.birth_date_mismatch",
                 "does not match birth_date");
        if (m & 2)
            fail(&c, "/codice_fiscale", "codice_fiscale.sex_mismatch", "does not match sex");
    }
    citizenship(&c, doc, out);
    optional_date(&c, doc, "", "work_permit_expiry", out);
    domicile(&c, doc, out);
    email(&c, doc, out);
    phone(&c, doc, out);
    office_code(&c, doc, out);
    education(&c, doc, out);
    languages(&c, doc, out);
    licences(&c, doc, out);
    skills(&c, doc, out);
    it_skills(&c, doc, out);
    experiences(&c, doc, out);
    desired_occupations(&c, doc, out);
    availability(&c, doc, out);
    l68(&c, doc, out);
    optional_boolean(&c, doc, "", "matching_consent", out);
    members(&c, doc, "", top_fields, "job seekers have no such field");

    if (c.nerr > 0 || c.oom) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* ---- RFC 7396 ------------------------------------------------------------------------ */

json_t *incrocio_json_merge_patch_new(const json_t *target, const json_t *patch)
{
    const char *key;
    json_t *result, *v;

    if (!json_is_object(patch))
        return json_deep_copy(patch);
    result = json_is_object(target) ? json_deep_copy(target) : json_object();
    if (result == NULL)
        return NULL;
    json_object_foreach ((json_t *)patch, key, v) {
        json_t *merged;

        if (json_is_null(v)) {
            json_object_del(result, key);
            continue;
        }
        merged = incrocio_json_merge_patch_new(json_object_get(result, key), v);
        if (merged == NULL || json_object_set_new(result, key, merged) != 0) {
            json_decref(result);
            return NULL;
        }
    }
    return result;
}
