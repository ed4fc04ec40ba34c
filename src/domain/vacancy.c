#include "incrocio/vacancy.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "incrocio/codes.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/validate.h"

/* Longest JSON pointer reported: only an unknown member's name can reach it,
 * and it is cut at a character boundary. */
#define PTR_MAX 256

#define MAX_POSITIONS 50
#define MAX_SKILLS 50
#define MAX_LANGUAGES 10
#define MAX_LICENCES 16
#define MAX_PAY 10000000.0 /* a year's pay in euro, far beyond any real one */

static const char *const top_fields[] = {"employer_id", "office_code", "title",     "description",
                                         "valid_from",  "valid_until", "positions", NULL};
static const char *const top_read_only[] = {
    "id",           "version",   "state",    "created_at",    "updated_at",
    "published_at", "closed_at", "employer", "employer_name", NULL};
static const char *const position_fields[] = {
    "id",           "occupation_code", "title",        "quantity",       "contract_type",
    "working_time", "weekly_hours",    "shifts",       "workplace",      "remote_share",
    "pay",          "requirements",    "l68_reserved", "apprenticeship", NULL};
static const char *const position_read_only[] = {"filled", NULL};
static const char *const workplace_fields[] = {"comune_istat", "lat", "lon", NULL};
static const char *const pay_fields[] = {"min", "max", "period", NULL};
static const char *const requirement_fields[] = {
    "skills",          "education", "languages", "licences", "min_experience_months",
    "max_distance_km", NULL};
static const char *const skill_fields[] = {"code", "must_have", "weight", NULL};
static const char *const education_fields[] = {"min_eqf", "required", NULL};
static const char *const language_fields[] = {"code", "min_cefr", "required", NULL};
/* A position's hours: "any" is what a job seeker accepts, not what a job is. */
static const char *const position_working_times[] = {"full_time", "part_time", NULL};

struct ctx {
    json_t *errors;
    size_t nerr; /* counted here too: an append that fails for memory still counts */
    int oom;
};

/* ---- errors and pointers ---------------------------------------------------------- */

static void fail(struct ctx *c, const char *ptr, const char *code, const char *detail)
{
    incrocio_problem_add(c->errors, ptr, code, detail);
    c->nerr++;
}

/* Appends "/" + key with RFC 6901 escapes (~ → ~0, / → ~1) to the pointer of
 * length o in buf, cut before a character that does not fit; the new length. */
static size_t ptr_append(char *buf, size_t o, const char *key)
{
    size_t boundary;

    if (o + 2 > PTR_MAX)
        return o;
    buf[o++] = '/';
    boundary = o;
    for (const char *k = key; *k; k++) {
        if (((unsigned char)*k & 0xC0) != 0x80)
            boundary = o;
        if (o + 3 > PTR_MAX) {
            o = boundary;
            break;
        }
        if (*k == '~' || *k == '/') {
            buf[o++] = '~';
            buf[o++] = *k == '~' ? '0' : '1';
        } else {
            buf[o++] = *k;
        }
    }
    buf[o] = '\0';
    return o;
}

static void ptr_key(char *out, const char *base, const char *key)
{
    size_t o = strlen(base);

    memcpy(out, base, o + 1);
    ptr_append(out, o, key);
}

static void ptr_index(char *out, const char *base, size_t i)
{
    char index[24];

    snprintf(index, sizeof index, "%zu", i);
    ptr_key(out, base, index);
}

/* ---- forbidden criteria ------------------------------------------------------------------ */

/* Reports every forbidden member name in v, at any depth; ptr (of length
 * len, PTR_MAX bytes) is v's pointer and is left as it was found. */
static void forbidden_walk(struct ctx *c, const json_t *v, char *ptr, size_t len)
{
    const char *key;
    json_t *item;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach ((json_t *)v, key, item) {
            size_t n = ptr_append(ptr, len, key);

            if (incrocio_protected_attribute(key))
                fail(c, ptr, "criteria.forbidden", INCROCIO_CRITERIA_FORBIDDEN_DETAIL);
            else
                forbidden_walk(c, item, ptr, n);
            ptr[len] = '\0';
        }
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, item) {
            char index[24];

            snprintf(index, sizeof index, "%zu", i);
            forbidden_walk(c, item, ptr, ptr_append(ptr, len, index));
            ptr[len] = '\0';
        }
    }
}

/* ---- building the result ----------------------------------------------------------------- */

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

static json_t *container_new(struct ctx *c, int array)
{
    json_t *o = array ? json_array() : json_object();

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

/* Reports every member of obj neither in known nor forbidden (forbidden_walk
 * has those): the ones in read_only (may be NULL) as such. */
static void members(struct ctx *c, const json_t *obj, const char *base, const char *const *known,
                    const char *const *read_only, const char *what)
{
    const char *key;
    json_t *v;

    json_object_foreach ((json_t *)obj, key, v) {
        char ptr[PTR_MAX];

        if (incrocio_code_in(known, key) || incrocio_protected_attribute(key))
            continue;
        ptr_key(ptr, base, key);
        if (read_only != NULL && incrocio_code_in(read_only, key))
            fail(c, ptr, "field.read_only", "this field is set by the server");
        else
            fail(c, ptr, "field.unknown", what);
    }
}

/* ---- scalars ----------------------------------------------------------------------------- */

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

static int has_control(const char *s, size_t len, int multiline)
{
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] < 0x20 || s[i] == 0x7f) &&
            !(multiline && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')))
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

static int typed(struct ctx *c, int ok, const char *ptr, const char *detail)
{
    if (!ok)
        fail(c, ptr, "field.type", detail);
    return ok;
}

static int string_type(struct ctx *c, const json_t *v, const char *ptr)
{
    return typed(c, json_is_string(v), ptr, "must be a string");
}

static int object_type(struct ctx *c, const json_t *v, const char *ptr)
{
    return typed(c, json_is_object(v), ptr, "must be an object");
}

/* The member key of obj, reported at base/key: its value, and its pointer
 * in ptr. */
static const json_t *member(const json_t *obj, const char *base, const char *key, char *ptr)
{
    ptr_key(ptr, base, key);
    return get(obj, key);
}

#define REQUIRED 1
#define MULTILINE 2 /* tabs and line breaks allowed */

/* key in obj as a text of 1 to max characters without control characters
 * (but those MULTILINE allows): REQUIRED, or null when absent. */
static void text_field(struct ctx *c, const json_t *obj, const char *base, const char *key,
                       size_t max, int flags, json_t *out)
{
    char ptr[PTR_MAX], detail[64];
    const json_t *v = member(obj, base, key, ptr);
    const char *s;
    size_t len, n;

    if (absent(v)) {
        if (flags & REQUIRED)
            fail(c, ptr, "field.required", "this field is required");
        else
            put(c, out, key, json_null());
        return;
    }
    if (!string_type(c, v, ptr))
        return;
    s = json_string_value(v);
    len = json_string_length(v);
    n = utf8_len(s, len);
    if (n == 0 || n > max) {
        snprintf(detail, sizeof detail, "must be 1 to %zu characters long", max);
        fail(c, ptr, "field.length", detail);
    } else if (has_control(s, len, flags & MULTILINE)) {
        fail(c, ptr, "field.format",
             flags & MULTILINE ? "must not contain control characters but tabs and line breaks"
                               : "must not contain control characters");
    } else {
        put(c, out, key, json_stringn(s, len));
    }
}

static int integer(struct ctx *c, const json_t *v, const char *ptr, json_int_t min, json_int_t max)
{
    char detail[64];
    json_int_t n;

    if (!typed(c, json_is_integer(v), ptr, "must be an integer"))
        return 0;
    n = json_integer_value(v);
    if (n < min || n > max) {
        snprintf(detail, sizeof detail,
                 "must be between %" JSON_INTEGER_FORMAT " and %" JSON_INTEGER_FORMAT, min, max);
        fail(c, ptr, "field.range", detail);
        return 0;
    }
    return 1;
}

/* key in obj as an integer: required when dflt is -2, else absent is null
 * (dflt -1) or dflt. */
static void integer_field(struct ctx *c, const json_t *obj, const char *base, const char *key,
                          json_int_t min, json_int_t max, json_int_t dflt, json_t *out)
{
    char ptr[PTR_MAX];
    const json_t *v = member(obj, base, key, ptr);

    if (absent(v)) {
        if (dflt == -2)
            fail(c, ptr, "field.required", "this field is required");
        else
            put(c, out, key, dflt >= 0 ? json_integer(dflt) : json_null());
    } else if (integer(c, v, ptr, min, max)) {
        put(c, out, key, json_integer(json_integer_value(v)));
    }
}

/* key in obj as true or false, false when absent; -1 when invalid. */
static int boolean_field(struct ctx *c, const json_t *obj, const char *base, const char *key,
                         json_t *out)
{
    char ptr[PTR_MAX];
    const json_t *v = member(obj, base, key, ptr);

    if (absent(v)) {
        put(c, out, key, json_false());
        return 0;
    }
    if (!typed(c, json_is_boolean(v), ptr, "must be true or false"))
        return -1;
    put(c, out, key, json_boolean(json_is_true(v)));
    return json_is_true(v);
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

/* A present value: a UUID, lower case into out, or 0 with the error added. */
static int uuid_of(struct ctx *c, const json_t *v, const char *ptr, char out[37])
{
    const char *s;

    if (!string_type(c, v, ptr))
        return 0;
    s = plain(v);
    if (!incrocio_valid_uuid(s)) {
        fail(c, ptr, "field.format", "must be a UUID");
        return 0;
    }
    for (int i = 0; i <= 36; i++)
        out[i] = s[i] >= 'A' && s[i] <= 'F' ? (char)(s[i] - 'A' + 'a') : s[i];
    return 1;
}

/* key in obj as a date, null when absent: the date, or NULL. */
static const char *date_field(struct ctx *c, const json_t *obj, const char *key, json_t *out)
{
    char ptr[PTR_MAX];
    const json_t *v = member(obj, "", key, ptr);

    if (absent(v)) {
        put(c, out, key, json_null());
        return NULL;
    }
    if (!string_type(c, v, ptr))
        return NULL;
    if (!incrocio_valid_date(plain(v))) {
        fail(c, ptr, "field.format", "must be a date, YYYY-MM-DD, 1900 to 2999");
        return NULL;
    }
    put(c, out, key, json_string(plain(v)));
    return plain(v);
}

/* A present number in [0, MAX_PAY], as a real into *d. */
static int amount(struct ctx *c, const json_t *v, const char *ptr, double *d)
{
    if (!typed(c, json_is_number(v), ptr, "must be a number"))
        return 0;
    *d = json_number_value(v);
    if (!(*d >= 0 && *d <= MAX_PAY)) {
        fail(c, ptr, "field.range", "must be between 0 and 10000000");
        return 0;
    }
    return 1;
}

/* A coordinate: 1 valid, 0 absent, -1 invalid (error added). */
static int coordinate(struct ctx *c, const json_t *v, const char *ptr, double min, double max,
                      json_t **dst)
{
    char detail[64];
    double d;

    if (absent(v))
        return 0;
    if (!typed(c, json_is_number(v), ptr, "must be a number"))
        return -1;
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

/* The array key of obj when it is one of at most max items; NULL when absent
 * (the default, empty) or invalid (error added). ptr receives its pointer. */
static const json_t *array_field(struct ctx *c, const json_t *obj, const char *base,
                                 const char *key, size_t max, char *ptr)
{
    const json_t *v = member(obj, base, key, ptr);
    char detail[64];

    if (absent(v) || !typed(c, json_is_array(v), ptr, "must be an array"))
        return NULL;
    if (json_array_size(v) > max) {
        snprintf(detail, sizeof detail, "must have at most %zu items", max);
        fail(c, ptr, "field.too_many", detail);
        return NULL;
    }
    return v;
}

/* ---- requirements ------------------------------------------------------------------------ */

static int skill_code_chars(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == ':' || *s == '-'))
            return 0;
    return 1;
}

static json_t *skills(struct ctx *c, const json_t *req, const char *base)
{
    char aptr[PTR_MAX];
    const json_t *arr = array_field(c, req, base, "skills", MAX_SKILLS, aptr), *item;
    const char *seen[MAX_SKILLS] = {NULL};
    json_t *res = container_new(c, 1);
    size_t i, nseen = 0;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX], p[PTR_MAX];
        const json_t *code;
        json_t *s;

        ptr_index(ptr, aptr, i);
        if (!object_type(c, item, ptr) || (s = container_new(c, 0)) == NULL)
            continue;
        code = member(item, ptr, "code", p);
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
        boolean_field(c, item, ptr, "must_have", s);
        integer_field(c, item, ptr, "weight", 1, 5, 1, s);
        members(c, item, ptr, skill_fields, NULL, "a skill has no such field");
        push(c, res, s);
    }
    return res;
}

static json_t *education(struct ctx *c, const json_t *req, const char *base)
{
    char ptr[PTR_MAX];
    const json_t *v = member(req, base, "education", ptr);
    json_t *e;

    if (absent(v))
        return json_null();
    if (!object_type(c, v, ptr) || (e = container_new(c, 0)) == NULL)
        return NULL;
    integer_field(c, v, ptr, "min_eqf", 1, 8, -2, e);
    boolean_field(c, v, ptr, "required", e);
    members(c, v, ptr, education_fields, NULL, "education has no such field");
    return e;
}

static json_t *languages(struct ctx *c, const json_t *req, const char *base)
{
    char aptr[PTR_MAX];
    const json_t *arr = array_field(c, req, base, "languages", MAX_LANGUAGES, aptr), *item;
    const char *seen[MAX_LANGUAGES] = {NULL};
    json_t *res = container_new(c, 1);
    size_t i, nseen = 0;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX], p[PTR_MAX];
        const json_t *v;
        const char *code, *cefr;
        json_t *l;

        ptr_index(ptr, aptr, i);
        if (!object_type(c, item, ptr) || (l = container_new(c, 0)) == NULL)
            continue;
        v = member(item, ptr, "code", p);
        if (required(c, v, p) &&
            (code = code_of(c, v, p, incrocio_iso639_1, 'L', "languages.unknown",
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
        v = member(item, ptr, "min_cefr", p);
        if (required(c, v, p) &&
            (cefr = code_of(c, v, p, incrocio_cefr_levels, 'U', "cefr.unknown",
                            "must be a CEFR level: A1, A2, B1, B2, C1 or C2")) != NULL)
            put(c, l, "min_cefr", json_string(cefr));
        boolean_field(c, item, ptr, "required", l);
        members(c, item, ptr, language_fields, NULL, "a language has no such field");
        push(c, res, l);
    }
    return res;
}

/* A set of licences: duplicates reported, canonical in the list's order. */
static json_t *licences(struct ctx *c, const json_t *req, const char *base)
{
    char aptr[PTR_MAX];
    const json_t *arr = array_field(c, req, base, "licences", MAX_LICENCES, aptr), *item;
    unsigned long set = 0;
    json_t *res = container_new(c, 1);
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[PTR_MAX];
        const char *code;
        int k;

        ptr_index(ptr, aptr, i);
        if ((code = code_of(c, item, ptr, incrocio_licences, 'U', "licences.unknown",
                            "must be a driving licence: AM, A1, A2, A, B1, B, BE, C1, C1E, C, "
                            "CE, D1, D1E, D, DE or CQC")) == NULL)
            continue;
        k = incrocio_code_index(incrocio_licences, code);
        if (set & (1ul << k))
            fail(c, ptr, "licences.duplicate", "this code is already listed");
        set |= 1ul << k;
    }
    for (int k = 0; incrocio_licences[k] != NULL; k++)
        if (set & (1ul << k))
            push(c, res, json_string(incrocio_licences[k]));
    return res;
}

static void requirements(struct ctx *c, const json_t *pos, const char *base, json_t *out)
{
    char ptr[PTR_MAX];
    const json_t *v = member(pos, base, "requirements", ptr);
    json_t *r;

    if (!absent(v) && !object_type(c, v, ptr))
        return;
    if ((r = container_new(c, 0)) == NULL)
        return;
    /* Absent: every member takes its default (get on NULL is NULL). */
    put(c, r, "skills", skills(c, v, ptr));
    put(c, r, "education", education(c, v, ptr));
    put(c, r, "languages", languages(c, v, ptr));
    put(c, r, "licences", licences(c, v, ptr));
    integer_field(c, v, ptr, "min_experience_months", 0, 600, 0, r);
    integer_field(c, v, ptr, "max_distance_km", 1, 1000, -1, r);
    if (json_is_object(v))
        members(c, v, ptr, requirement_fields, NULL, "requirements have no such field");
    put(c, out, "requirements", r);
}

/* ---- positions ---------------------------------------------------------------------------- */

static void workplace(struct ctx *c, const json_t *pos, const char *base, json_t *out)
{
    char ptr[PTR_MAX], p[PTR_MAX], plon[PTR_MAX];
    const json_t *v = member(pos, base, "workplace", ptr), *comune;
    json_t *w, *lat = NULL, *lon = NULL;
    int has_lat, has_lon;

    if (!required(c, v, ptr) || !object_type(c, v, ptr) || (w = container_new(c, 0)) == NULL)
        return;
    comune = member(v, ptr, "comune_istat", p);
    if (required(c, comune, p) && string_type(c, comune, p)) {
        if (istat_code(plain(comune)))
            put(c, w, "comune_istat", json_string(plain(comune)));
        else
            fail(c, p, "field.format", "must be an ISTAT comune code of 6 digits");
    }
    has_lat = coordinate(c, member(v, ptr, "lat", p), p, 35.0, 48.0, &lat);
    has_lon = coordinate(c, member(v, ptr, "lon", plon), plon, 6.0, 19.0, &lon);
    if (has_lat != 0 && has_lon == 0)
        fail(c, plon, "field.required", "lat and lon go together");
    if (has_lon != 0 && has_lat == 0)
        fail(c, p, "field.required", "lat and lon go together");
    put(c, w, "lat", has_lat == 1 ? lat : json_null());
    put(c, w, "lon", has_lon == 1 ? lon : json_null());
    members(c, v, ptr, workplace_fields, NULL, "a workplace has no such field");
    put(c, out, "workplace", w);
}

static void pay(struct ctx *c, const json_t *pos, const char *base, json_t *out)
{
    char ptr[PTR_MAX], p[PTR_MAX];
    const json_t *v = member(pos, base, "pay", ptr), *m;
    const char *period;
    double min = 0, max = 0;
    int has_min = 0;
    json_t *r;

    if (absent(v)) {
        put(c, out, "pay", json_null());
        return;
    }
    if (!object_type(c, v, ptr) || (r = container_new(c, 0)) == NULL)
        return;
    m = member(v, ptr, "min", p);
    if (required(c, m, p) && (has_min = amount(c, m, p, &min)))
        put(c, r, "min", json_real(min));
    m = member(v, ptr, "max", p);
    if (required(c, m, p) && amount(c, m, p, &max)) {
        if (has_min && max < min)
            fail(c, p, "pay.max_below_min", "must not be less than min");
        else
            put(c, r, "max", json_real(max));
    }
    m = member(v, ptr, "period", p);
    if (required(c, m, p) && (period = code_of(c, m, p, incrocio_pay_periods, 0, "period.unknown",
                                               "must be hour, month or year")) != NULL)
        put(c, r, "period", json_string(period));
    members(c, v, ptr, pay_fields, NULL, "pay has no such field");
    put(c, out, "pay", r);
}

static json_t *position(struct ctx *c, const json_t *item, const char *ptr)
{
    char p[PTR_MAX], id[37];
    const json_t *v;
    const char *contract = NULL, *s;
    json_t *out = container_new(c, 0);
    int apprenticeship;

    if (out == NULL)
        return NULL;
    v = member(item, ptr, "id", p);
    if (absent(v))
        put(c, out, "id", json_null());
    else if (uuid_of(c, v, p, id))
        put(c, out, "id", json_string(id));
    v = member(item, ptr, "occupation_code", p);
    if (required(c, v, p) && string_type(c, v, p)) {
        if (incrocio_occupation_code_valid(plain(v)))
            put(c, out, "occupation_code", json_string(plain(v)));
        else
            fail(c, p, "field.format", "must be an ISTAT CP2021 occupation code, e.g. 5.2.2.1.0");
    }
    text_field(c, item, ptr, "title", 200, REQUIRED, out);
    integer_field(c, item, ptr, "quantity", 1, 1000, 1, out);
    v = member(item, ptr, "contract_type", p);
    if (required(c, v, p) &&
        (contract = code_of(c, v, p, incrocio_contract_types, 0, "contract_type.unknown",
                            "must be indeterminato, determinato, apprendistato, tirocinio, "
                            "somministrazione or intermittente")) != NULL)
        put(c, out, "contract_type", json_string(contract));
    v = member(item, ptr, "working_time", p);
    if (absent(v))
        put(c, out, "working_time", json_string("full_time"));
    else if ((s = code_of(c, v, p, position_working_times, 0, "working_time.unknown",
                          "must be full_time or part_time")) != NULL)
        put(c, out, "working_time", json_string(s));
    integer_field(c, item, ptr, "weekly_hours", 1, 60, -1, out);
    boolean_field(c, item, ptr, "shifts", out);
    workplace(c, item, ptr, out);
    integer_field(c, item, ptr, "remote_share", 0, 100, 0, out);
    pay(c, item, ptr, out);
    requirements(c, item, ptr, out);
    boolean_field(c, item, ptr, "l68_reserved", out);
    apprenticeship = boolean_field(c, item, ptr, "apprenticeship", out);
    if (contract != NULL && apprenticeship >= 0 &&
        apprenticeship != (strcmp(contract, "apprendistato") == 0)) {
        ptr_key(p, ptr, "apprenticeship");
        fail(c, p, "apprenticeship.contract_mismatch",
             apprenticeship ? "an apprenticeship needs the contract_type apprendistato"
                            : "the contract_type apprendistato is for apprenticeships: set "
                              "apprenticeship to true");
    }
    members(c, item, ptr, position_fields, position_read_only, "a position has no such field");
    return out;
}

/* ---- the document --------------------------------------------------------------------------- */

static void set_today(char out[11], const char *today)
{
    if (incrocio_valid_date(today)) {
        memcpy(out, today, 11);
    } else {
        time_t now = time(NULL);
        struct tm tm;

        if (gmtime_r(&now, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
            memcpy(out, "2000-01-01", 11);
    }
}

json_t *incrocio_vacancy_canonical_new(const json_t *doc, const char *today, json_t *errors)
{
    struct ctx c = {.errors = errors};
    char ptr[PTR_MAX], id[37];
    const json_t *v, *arr, *item;
    const char *from, *until;
    json_t *out, *positions;
    size_t i;

    (void)today; /* see vacancy.h: no structural rule depends on the date */
    if (!json_is_object(doc)) {
        incrocio_problem_add(errors, "", "field.type", "a vacancy must be a JSON object");
        return NULL;
    }
    if ((out = json_object()) == NULL)
        return NULL;

    v = get(doc, "employer_id");
    if (required(&c, v, "/employer_id") && uuid_of(&c, v, "/employer_id", id))
        put(&c, out, "employer_id", json_string(id));
    v = get(doc, "office_code");
    if (required(&c, v, "/office_code") && string_type(&c, v, "/office_code")) {
        if (incrocio_office_code_valid(plain(v)))
            put(&c, out, "office_code", json_string(plain(v)));
        else
            fail(&c, "/office_code", "field.format",
                 "must be an office code: two capital letters and two digits");
    }
    text_field(&c, doc, "", "title", 200, REQUIRED, out);
    text_field(&c, doc, "", "description", 5000, MULTILINE, out);
    from = date_field(&c, doc, "valid_from", out);
    until = date_field(&c, doc, "valid_until", out);
    if (from != NULL && until != NULL && strcmp(until, from) < 0)
        fail(&c, "/valid_until", "valid_until.before_from", "must not be before valid_from");

    arr = array_field(&c, doc, "", "positions", MAX_POSITIONS, ptr);
    if ((positions = container_new(&c, 1)) != NULL) {
        json_array_foreach (arr, i, item) {
            char p[PTR_MAX];

            ptr_index(p, "/positions", i);
            if (object_type(&c, item, p))
                push(&c, positions, position(&c, item, p));
        }
        put(&c, out, "positions", positions);
    }
    members(&c, doc, "", top_fields, top_read_only, "vacancies have no such field");
    ptr[0] = '\0';
    forbidden_walk(&c, doc, ptr, 0);

    if (c.nerr > 0 || c.oom) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* 1 for NULL or a string of nothing but spaces, tabs and line breaks. */
static int blank(const char *s)
{
    if (s != NULL)
        for (; *s; s++)
            if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
                return 0;
    return 1;
}

size_t incrocio_vacancy_publish_check(const json_t *canonical, const char *today, json_t *errors)
{
    static const char *const missing = "publish.missing";
    const json_t *positions = get(canonical, "positions"), *pos;
    const char *until = json_string_value(get(canonical, "valid_until"));
    char day[11];
    size_t n = 0, i;

    set_today(day, today);
    if (blank(json_string_value(get(canonical, "description")))) {
        incrocio_problem_add(errors, "/description", missing, "a published vacancy needs one");
        n++;
    }
    if (!json_is_string(get(canonical, "valid_from"))) {
        incrocio_problem_add(errors, "/valid_from", missing, "a published vacancy needs one");
        n++;
    }
    if (until == NULL) {
        incrocio_problem_add(errors, "/valid_until", missing, "a published vacancy needs one");
        n++;
    } else if (strcmp(until, day) < 0) {
        incrocio_problem_add(errors, "/valid_until", "valid_until.past",
                             "must not be before today");
        n++;
    }
    if (json_array_size(positions) == 0) {
        incrocio_problem_add(errors, "/positions", missing,
                             "a published vacancy needs at least one position");
        n++;
    }
    json_array_foreach (positions, i, pos) {
        const char *wt = json_string_value(get(pos, "working_time"));
        char ptr[PTR_MAX];

        if (wt == NULL || strcmp(wt, "part_time") != 0 || json_is_integer(get(pos, "weekly_hours")))
            continue;
        snprintf(ptr, sizeof ptr, "/positions/%zu/weekly_hours", i);
        incrocio_problem_add(errors, ptr, missing, "a part-time position needs its weekly hours");
        n++;
    }
    return n;
}
