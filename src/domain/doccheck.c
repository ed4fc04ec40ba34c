#include "incrocio/doccheck.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "incrocio/codes.h"
#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/validate.h"

const struct incrocio_doccheck_codes incrocio_doccheck_contract_types = {
    incrocio_contract_types, 0, "contract_type.unknown",
    "must be indeterminato, determinato, apprendistato, tirocinio, somministrazione or "
    "intermittente"};
const struct incrocio_doccheck_codes incrocio_doccheck_licences = {
    incrocio_licences, 'U', "licences.unknown",
    "must be a driving licence: AM, A1, A2, A, B1, B, BE, C1, C1E, C, CE, D1, D1E, D, DE or CQC"};
const struct incrocio_doccheck_codes incrocio_doccheck_languages = {
    incrocio_iso639_1, 'L', "languages.unknown", "must be an ISO 639-1 language code, e.g. en"};
const struct incrocio_doccheck_codes incrocio_doccheck_cefr = {
    incrocio_cefr_levels, 'U', "cefr.unknown", "must be a CEFR level: A1, A2, B1, B2, C1 or C2"};

/* ---- the walk ------------------------------------------------------------------- */

void incrocio_doccheck_set_today(struct incrocio_doccheck *c, const char *today)
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

json_t *incrocio_doccheck_start(struct incrocio_doccheck *c, const json_t *doc, const char *what)
{
    if (!json_is_object(doc)) {
        incrocio_doccheck_fail(c, "", "field.type", what);
        return NULL;
    }
    return json_object();
}

json_t *incrocio_doccheck_finish(struct incrocio_doccheck *c, json_t *out)
{
    if (c->nerr > 0 || c->oom) {
        json_decref(out);
        return NULL;
    }
    return out;
}

void incrocio_doccheck_fail(struct incrocio_doccheck *c, const char *ptr, const char *code,
                            const char *detail)
{
    incrocio_problem_add(c->errors, ptr, code, detail);
    c->nerr++;
}

/* ---- pointers ---------------------------------------------------------------------- */

size_t incrocio_doccheck_extend(char *ptr, size_t len, const char *key)
{
    size_t o = len, boundary;

    if (o + 2 > INCROCIO_PTR_MAX)
        return o;
    ptr[o++] = '/';
    boundary = o;
    for (const char *k = key; *k; k++) {
        if (((unsigned char)*k & 0xC0) != 0x80)
            boundary = o;
        if (o + 3 > INCROCIO_PTR_MAX) {
            o = boundary;
            break;
        }
        if (*k == '~' || *k == '/') {
            ptr[o++] = '~';
            ptr[o++] = *k == '~' ? '0' : '1';
        } else {
            ptr[o++] = *k;
        }
    }
    ptr[o] = '\0';
    return o;
}

void incrocio_doccheck_join(char *out, const char *base, const char *key)
{
    size_t o = strlen(base);

    memcpy(out, base, o + 1);
    incrocio_doccheck_extend(out, o, key);
}

void incrocio_doccheck_join_index(char *out, const char *base, size_t i)
{
    snprintf(out, INCROCIO_PTR_MAX, "%s/%zu", base, i);
}

/* ---- building the result ------------------------------------------------------------ */

void incrocio_doccheck_put(struct incrocio_doccheck *c, json_t *obj, const char *key, json_t *value)
{
    if (value == NULL || json_object_set_new(obj, key, value) != 0)
        c->oom = 1;
}

void incrocio_doccheck_push(struct incrocio_doccheck *c, json_t *arr, json_t *value)
{
    if (value == NULL || json_array_append_new(arr, value) != 0)
        c->oom = 1;
}

json_t *incrocio_doccheck_make_object(struct incrocio_doccheck *c)
{
    json_t *o = json_object();

    if (o == NULL)
        c->oom = 1;
    return o;
}

json_t *incrocio_doccheck_make_array(struct incrocio_doccheck *c)
{
    json_t *a = json_array();

    if (a == NULL)
        c->oom = 1;
    return a;
}

/* ---- members --------------------------------------------------------------------------- */

const json_t *incrocio_doccheck_find(const json_t *obj, const char *base, const char *key,
                                     char *ptr)
{
    incrocio_doccheck_join(ptr, base, key);
    return json_object_get(obj, key);
}

const json_t *incrocio_doccheck_find_array(struct incrocio_doccheck *c, const json_t *obj,
                                           const char *base, const char *key, size_t max, char *ptr)
{
    const json_t *v = incrocio_doccheck_find(obj, base, key, ptr);
    char detail[64];

    if (incrocio_doccheck_is_absent(v) ||
        !incrocio_doccheck_expect(c, json_is_array(v), ptr, "must be an array"))
        return NULL;
    if (json_array_size(v) > max) {
        snprintf(detail, sizeof detail, "must have at most %zu items", max);
        incrocio_doccheck_fail(c, ptr, "field.too_many", detail);
        return NULL;
    }
    return v;
}

void incrocio_doccheck_copy_objects(struct incrocio_doccheck *c, const json_t *obj,
                                    const char *base, const char *key, size_t max,
                                    incrocio_doccheck_fill_fn *fill, void *state, json_t *out)
{
    char aptr[INCROCIO_PTR_MAX];
    const json_t *arr = incrocio_doccheck_find_array(c, obj, base, key, max, aptr), *item;
    json_t *res = incrocio_doccheck_make_array(c);
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[INCROCIO_PTR_MAX];
        json_t *o;

        incrocio_doccheck_join_index(ptr, aptr, i);
        if (!incrocio_doccheck_expect_object(c, item, ptr) ||
            (o = incrocio_doccheck_make_object(c)) == NULL)
            continue;
        fill(c, item, ptr, o, state);
        incrocio_doccheck_push(c, res, o);
    }
    incrocio_doccheck_put(c, out, key, res);
}

int incrocio_doccheck_is_absent(const json_t *v)
{
    return v == NULL || json_is_null(v);
}

void incrocio_doccheck_reject_unknown(struct incrocio_doccheck *c, const json_t *obj,
                                      const char *base, const char *const *known,
                                      const char *const *read_only, const char *what)
{
    const char *key;
    json_t *v;

    json_object_foreach ((json_t *)obj, key, v) {
        char ptr[INCROCIO_PTR_MAX];

        if (incrocio_code_in(known, key) ||
            (c->skip_protected && incrocio_protected_attribute(key)))
            continue;
        incrocio_doccheck_join(ptr, base, key);
        if (read_only != NULL && incrocio_code_in(read_only, key))
            incrocio_doccheck_fail(c, ptr, "field.read_only", "this field is set by the server");
        else
            incrocio_doccheck_fail(c, ptr, "field.unknown", what);
    }
}

/* ---- presence and type ----------------------------------------------------------------- */

int incrocio_doccheck_require(struct incrocio_doccheck *c, const json_t *v, const char *ptr)
{
    if (incrocio_doccheck_is_absent(v)) {
        incrocio_doccheck_fail(c, ptr, "field.required", "this field is required");
        return 0;
    }
    return 1;
}

int incrocio_doccheck_expect(struct incrocio_doccheck *c, int ok, const char *ptr,
                             const char *detail)
{
    if (!ok)
        incrocio_doccheck_fail(c, ptr, "field.type", detail);
    return ok;
}

int incrocio_doccheck_expect_string(struct incrocio_doccheck *c, const json_t *v, const char *ptr)
{
    return incrocio_doccheck_expect(c, json_is_string(v), ptr, "must be a string");
}

int incrocio_doccheck_expect_object(struct incrocio_doccheck *c, const json_t *v, const char *ptr)
{
    return incrocio_doccheck_expect(c, json_is_object(v), ptr, "must be an object");
}

/* ---- strings ----------------------------------------------------------------------------- */

const char *incrocio_doccheck_get_string(const json_t *v)
{
    const char *s = json_string_value(v);
    return s != NULL && strlen(s) == json_string_length(v) ? s : NULL;
}

size_t incrocio_doccheck_count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

int incrocio_doccheck_is_digits(const char *s, size_t n)
{
    if (s == NULL || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int has_control(const char *s, size_t len, int multiline)
{
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] < 0x20 || s[i] == 0x7f) &&
            !(multiline && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')))
            return 1;
    return 0;
}

int incrocio_doccheck_read_text(struct incrocio_doccheck *c, const json_t *v, const char *ptr,
                                size_t max, int flags, json_t **dst)
{
    int multiline = flags & INCROCIO_DOCCHECK_MULTILINE;
    char detail[64];
    const char *s;
    size_t len, n;

    if (!incrocio_doccheck_expect_string(c, v, ptr))
        return 0;
    s = json_string_value(v);
    len = json_string_length(v);
    n = incrocio_doccheck_count_chars(s, len);
    if (n == 0 || n > max) {
        snprintf(detail, sizeof detail, "must be 1 to %zu characters long", max);
        incrocio_doccheck_fail(c, ptr, "field.length", detail);
        return 0;
    }
    if (has_control(s, len, multiline)) {
        incrocio_doccheck_fail(c, ptr, "field.format",
                               multiline
                                   ? "must not contain control characters but tabs and line breaks"
                                   : "must not contain control characters");
        return 0;
    }
    *dst = json_stringn(s, len);
    return 1;
}

void incrocio_doccheck_copy_text(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                 const char *key, size_t max, int flags, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(obj, base, key, ptr);
    json_t *dst = NULL;

    if (incrocio_doccheck_is_absent(v)) {
        if (flags & INCROCIO_DOCCHECK_REQUIRED)
            incrocio_doccheck_fail(c, ptr, "field.required", "this field is required");
        else
            incrocio_doccheck_put(c, out, key, json_null());
    } else if (incrocio_doccheck_read_text(c, v, ptr, max, flags, &dst)) {
        incrocio_doccheck_put(c, out, key, dst);
    }
}

/* ---- numbers and booleans ------------------------------------------------------------------ */

static int integer(struct incrocio_doccheck *c, const json_t *v, const char *ptr, json_int_t min,
                   json_int_t max)
{
    char detail[64];
    json_int_t n;

    if (!incrocio_doccheck_expect(c, json_is_integer(v), ptr, "must be an integer"))
        return 0;
    n = json_integer_value(v);
    if (n < min || n > max) {
        snprintf(detail, sizeof detail,
                 "must be between %" JSON_INTEGER_FORMAT " and %" JSON_INTEGER_FORMAT, min, max);
        incrocio_doccheck_fail(c, ptr, "field.range", detail);
        return 0;
    }
    return 1;
}

void incrocio_doccheck_copy_integer(struct incrocio_doccheck *c, const json_t *obj,
                                    const char *base, const char *key, json_int_t min,
                                    json_int_t max, json_int_t dflt, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(obj, base, key, ptr);

    if (incrocio_doccheck_is_absent(v)) {
        if (dflt == -2)
            incrocio_doccheck_fail(c, ptr, "field.required", "this field is required");
        else
            incrocio_doccheck_put(c, out, key, dflt >= 0 ? json_integer(dflt) : json_null());
    } else if (integer(c, v, ptr, min, max)) {
        incrocio_doccheck_put(c, out, key, json_integer(json_integer_value(v)));
    }
}

int incrocio_doccheck_copy_boolean(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                   const char *key, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(obj, base, key, ptr);

    if (incrocio_doccheck_is_absent(v)) {
        incrocio_doccheck_put(c, out, key, json_false());
        return 0;
    }
    if (!incrocio_doccheck_expect(c, json_is_boolean(v), ptr, "must be true or false"))
        return -1;
    incrocio_doccheck_put(c, out, key, json_boolean(json_is_true(v)));
    return json_is_true(v);
}

/* A coordinate: 1 valid, 0 absent, -1 invalid (error added). */
static int coordinate(struct incrocio_doccheck *c, const json_t *v, const char *ptr, double min,
                      double max, json_t **dst)
{
    char detail[64];
    double d;

    if (incrocio_doccheck_is_absent(v))
        return 0;
    if (!incrocio_doccheck_expect(c, json_is_number(v), ptr, "must be a number"))
        return -1;
    d = json_number_value(v);
    if (!(d >= min && d <= max)) {
        snprintf(detail, sizeof detail, "must be between %g and %g (WGS84 degrees)", min, max);
        incrocio_doccheck_fail(c, ptr, "field.range", detail);
        return -1;
    }
    *dst = json_real(d);
    return 1;
}

void incrocio_doccheck_copy_lat_lon(struct incrocio_doccheck *c, const json_t *obj,
                                    const char *base, json_t *out)
{
    char plat[INCROCIO_PTR_MAX], plon[INCROCIO_PTR_MAX];
    const json_t *vlat = incrocio_doccheck_find(obj, base, "lat", plat);
    const json_t *vlon = incrocio_doccheck_find(obj, base, "lon", plon);
    json_t *lat = NULL, *lon = NULL;
    int has_lat = coordinate(c, vlat, plat, 35.0, 48.0, &lat);
    int has_lon = coordinate(c, vlon, plon, 6.0, 19.0, &lon);

    if (has_lat != 0 && has_lon == 0)
        incrocio_doccheck_fail(c, plon, "field.required", "lat and lon go together");
    if (has_lon != 0 && has_lat == 0)
        incrocio_doccheck_fail(c, plat, "field.required", "lat and lon go together");
    incrocio_doccheck_put(c, out, "lat", has_lat == 1 ? lat : json_null());
    incrocio_doccheck_put(c, out, "lon", has_lon == 1 ? lon : json_null());
}

/* ---- codes ----------------------------------------------------------------------------------- */

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

const char *incrocio_doccheck_read_code(struct incrocio_doccheck *c, const json_t *v,
                                        const char *ptr,
                                        const struct incrocio_doccheck_codes *codes)
{
    const char *entry;

    if (!incrocio_doccheck_expect_string(c, v, ptr))
        return NULL;
    entry = lookup(codes->list, incrocio_doccheck_get_string(v), codes->fold);
    if (entry == NULL)
        incrocio_doccheck_fail(c, ptr, codes->code, codes->detail);
    return entry;
}

const char *incrocio_doccheck_copy_code(struct incrocio_doccheck *c, const json_t *obj,
                                        const char *base, const char *key,
                                        const struct incrocio_doccheck_codes *codes, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(obj, base, key, ptr);
    const char *entry;

    if (!incrocio_doccheck_require(c, v, ptr) ||
        (entry = incrocio_doccheck_read_code(c, v, ptr, codes)) == NULL)
        return NULL;
    incrocio_doccheck_put(c, out, key, json_string(entry));
    return entry;
}

json_t *incrocio_doccheck_read_set(struct incrocio_doccheck *c, const json_t *arr, const char *base,
                                   const struct incrocio_doccheck_codes *codes,
                                   const char *duplicate)
{
    unsigned long set = 0;
    json_t *res = incrocio_doccheck_make_array(c), *item;
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[INCROCIO_PTR_MAX];
        const char *code;
        int k;

        incrocio_doccheck_join_index(ptr, base, i);
        if ((code = incrocio_doccheck_read_code(c, item, ptr, codes)) == NULL)
            continue;
        k = incrocio_code_index(codes->list, code);
        if (set & (1ul << k))
            incrocio_doccheck_fail(c, ptr, duplicate, "this code is already listed");
        set |= 1ul << k;
    }
    for (int k = 0; codes->list[k] != NULL; k++)
        if (set & (1ul << k))
            incrocio_doccheck_push(c, res, json_string(codes->list[k]));
    return res;
}

const char *incrocio_doccheck_read_occupation(struct incrocio_doccheck *c, const json_t *v,
                                              const char *ptr)
{
    if (!incrocio_doccheck_expect_string(c, v, ptr))
        return NULL;
    if (!incrocio_occupation_code_valid(incrocio_doccheck_get_string(v))) {
        incrocio_doccheck_fail(c, ptr, "field.format",
                               "must be an ISTAT CP2021 occupation code, e.g. 5.2.2.1.0");
        return NULL;
    }
    return incrocio_doccheck_get_string(v);
}

void incrocio_doccheck_copy_shaped(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                   const char *key, int flags,
                                   const struct incrocio_doccheck_shape *shape, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(obj, base, key, ptr);
    const char *s = incrocio_doccheck_get_string(v);

    if (incrocio_doccheck_is_absent(v)) {
        if (flags & INCROCIO_DOCCHECK_REQUIRED)
            incrocio_doccheck_fail(c, ptr, "field.required", "this field is required");
        else
            incrocio_doccheck_put(c, out, key, json_null());
    } else if (incrocio_doccheck_expect_string(c, v, ptr)) {
        if (shape->valid(s))
            incrocio_doccheck_put(c, out, key, json_string(s));
        else
            incrocio_doccheck_fail(c, ptr, shape->code, shape->detail);
    }
}

static int comune_code(const char *s)
{
    return incrocio_doccheck_is_digits(s, 6);
}

void incrocio_doccheck_copy_comune(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                   json_t *out)
{
    static const struct incrocio_doccheck_shape comune = {
        comune_code, "field.format", "must be an ISTAT comune code of 6 digits"};

    incrocio_doccheck_copy_shaped(c, obj, base, "comune_istat", INCROCIO_DOCCHECK_REQUIRED, &comune,
                                  out);
}

void incrocio_doccheck_copy_office(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                   const char *key, json_t *out)
{
    static const struct incrocio_doccheck_shape office = {
        incrocio_office_code_valid, "field.format",
        "must be an office code: two capital letters and two digits"};

    incrocio_doccheck_copy_shaped(c, obj, base, key, INCROCIO_DOCCHECK_REQUIRED, &office, out);
}

void incrocio_doccheck_copy_email(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                  const char *key, json_t *out)
{
    static const struct incrocio_doccheck_shape email = {incrocio_valid_email, "field.format",
                                                         "must be an e-mail address"};
    char ptr[INCROCIO_PTR_MAX];

    /* Its own code, before the format: RFC 5321 caps an address at 254 characters. */
    if (json_string_length(json_object_get(obj, key)) > 254) {
        incrocio_doccheck_join(ptr, base, key);
        incrocio_doccheck_fail(c, ptr, "field.length", "must be at most 254 characters long");
        return;
    }
    incrocio_doccheck_copy_shaped(c, obj, base, key, 0, &email, out);
}

void incrocio_doccheck_copy_phone(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                  const char *key, json_t *out)
{
    static const struct incrocio_doccheck_shape phone = {
        incrocio_valid_phone, "field.format",
        "must be a phone number: digits, spaces and ()./- with an optional leading +, 5 to 40 "
        "characters"};

    incrocio_doccheck_copy_shaped(c, obj, base, key, 0, &phone, out);
}

static int skill_code_chars(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == ':' || *s == '-'))
            return 0;
    return 1;
}

void incrocio_doccheck_copy_skill(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                  struct incrocio_doccheck_seen *seen, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(obj, base, "code", ptr);
    const char *s = incrocio_doccheck_get_string(v);
    size_t n;

    if (!incrocio_doccheck_require(c, v, ptr) || !incrocio_doccheck_expect_string(c, v, ptr))
        return;
    n = incrocio_doccheck_count_chars(json_string_value(v), json_string_length(v));
    if (n == 0 || n > 64) {
        incrocio_doccheck_fail(c, ptr, "field.length", "must be 1 to 64 characters long");
        return;
    }
    if (s == NULL || !skill_code_chars(s)) {
        incrocio_doccheck_fail(c, ptr, "field.format", "must be letters, digits and . _ : -");
        return;
    }
    for (size_t k = 0; k < seen->n; k++)
        if (strcmp(seen->codes[k], s) == 0) {
            incrocio_doccheck_fail(c, ptr, "skills.duplicate", "this skill is already listed");
            return;
        }
    seen->codes[seen->n++] = s;
    incrocio_doccheck_put(c, out, "code", json_string(s));
}

void incrocio_doccheck_copy_language(struct incrocio_doccheck *c, const json_t *obj,
                                     const char *base, struct incrocio_doccheck_seen *seen,
                                     json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(obj, base, "code", ptr);
    const char *code;

    if (!incrocio_doccheck_require(c, v, ptr) ||
        (code = incrocio_doccheck_read_code(c, v, ptr, &incrocio_doccheck_languages)) == NULL)
        return;
    /* Entries of the list: the same language is the same pointer. */
    for (size_t k = 0; k < seen->n; k++)
        if (seen->codes[k] == code) {
            incrocio_doccheck_fail(c, ptr, "languages.duplicate",
                                   "this language is already listed");
            return;
        }
    seen->codes[seen->n++] = code;
    incrocio_doccheck_put(c, out, "code", json_string(code));
}

/* ---- dates and codice fiscale ------------------------------------------------------------------
 */

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

const char *incrocio_doccheck_read_date(struct incrocio_doccheck *c, const json_t *v,
                                        const char *ptr, int not_future)
{
    const char *s;

    if (!incrocio_doccheck_expect_string(c, v, ptr))
        return NULL;
    s = incrocio_doccheck_get_string(v);
    if (!incrocio_valid_date(s)) {
        if (date_before_1900(s))
            incrocio_doccheck_fail(c, ptr, "field.range", "must not be before 1900-01-01");
        else
            incrocio_doccheck_fail(c, ptr, "field.format", "must be a date, YYYY-MM-DD");
        return NULL;
    }
    if (not_future && strcmp(s, c->today) > 0) {
        incrocio_doccheck_fail(c, ptr, "field.range", "must not be after today");
        return NULL;
    }
    return s;
}

const char *incrocio_doccheck_describe_cf(enum incrocio_cf_error e)
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
