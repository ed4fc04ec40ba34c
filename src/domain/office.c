#include <stdio.h>
#include <string.h>

#include "incrocio/offices.h"
#include "incrocio/problem.h"
#include "incrocio/validate.h"

int incrocio_office_code_valid(const char *code)
{
    return code != NULL && strlen(code) == 4 && code[0] >= 'A' && code[0] <= 'Z' &&
           code[1] >= 'A' && code[1] <= 'Z' && code[2] >= '0' && code[2] <= '9' && code[3] >= '0' &&
           code[3] <= '9';
}

/* "/" + key with RFC 6901 escapes (~ → ~0, / → ~1). */
static void pointer_of(const char *key, char *out, size_t outlen)
{
    size_t o = 0;

    out[o++] = '/';
    for (const char *k = key; *k && o + 3 < outlen; k++) {
        if (*k == '~' || *k == '/') {
            out[o++] = '~';
            out[o++] = *k == '~' ? '0' : '1';
        } else {
            out[o++] = *k;
        }
    }
    out[o] = '\0';
}

/* Characters, not bytes: jansson has already checked the UTF-8. */
static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int text(const json_t *v, const char *ptr, size_t max, char *dst, size_t dstlen,
                json_t *errors)
{
    char detail[96];
    const char *s;
    size_t n;

    if (!json_is_string(v)) {
        incrocio_problem_add(errors, ptr, json_is_null(v) ? "field.required" : "field.type",
                             json_is_null(v) ? "this field cannot be removed" : "must be a string");
        return 0;
    }
    s = json_string_value(v);
    n = utf8_len(s);
    if (n == 0 || n > max || json_string_length(v) >= dstlen) {
        snprintf(detail, sizeof detail, "must be 1 to %zu characters long", max);
        incrocio_problem_add(errors, ptr, "field.length", detail);
        return 0;
    }
    if (has_control(s)) {
        incrocio_problem_add(errors, ptr, "field.format", "must not contain control characters");
        return 0;
    }
    memcpy(dst, s, json_string_length(v) + 1);
    return 1;
}

static int coordinate(const json_t *v, const char *ptr, double min, double max, double *out,
                      json_t *errors)
{
    char detail[96];
    double d;

    if (!json_is_number(v)) {
        incrocio_problem_add(errors, ptr, json_is_null(v) ? "field.required" : "field.type",
                             json_is_null(v) ? "this field cannot be removed" : "must be a number");
        return 0;
    }
    d = json_number_value(v);
    if (!(d >= min && d <= max)) {
        snprintf(detail, sizeof detail, "must be between %g and %g (WGS84 degrees)", min, max);
        incrocio_problem_add(errors, ptr, "field.range", detail);
        return 0;
    }
    *out = d;
    return 1;
}

static int optional_text(const json_t *v, const char *ptr, int (*valid)(const char *), size_t max,
                         const char *what, char *dst, size_t dstlen, int *has, json_t *errors)
{
    if (json_is_null(v)) {
        *has = 0;
        return 1;
    }
    if (!json_is_string(v)) {
        incrocio_problem_add(errors, ptr, "field.type", "must be a string or null");
        return 0;
    }
    if (json_string_length(v) > max || json_string_length(v) >= dstlen ||
        !valid(json_string_value(v))) {
        incrocio_problem_add(errors, ptr, "field.format", what);
        return 0;
    }
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    *has = 1;
    return 1;
}

size_t incrocio_office_patch_parse(const json_t *body, struct incrocio_office_patch *patch,
                                   json_t *errors)
{
    static const char *const read_only[] = {"code",        "province", "comune_istat",
                                            "comune_name", "version",  "updated_at"};
    size_t before = json_array_size(errors);
    const char *key;
    json_t *v;

    memset(patch, 0, sizeof *patch);
    json_object_foreach ((json_t *)body, key, v) {
        char ptr[160];
        int ro = 0;

        pointer_of(key, ptr, sizeof ptr);
        if (strcmp(key, "name") == 0) {
            if (text(v, ptr, 200, patch->name, sizeof patch->name, errors))
                patch->set |= INCROCIO_OFFICE_NAME;
        } else if (strcmp(key, "address") == 0) {
            if (text(v, ptr, 200, patch->address, sizeof patch->address, errors))
                patch->set |= INCROCIO_OFFICE_ADDRESS;
        } else if (strcmp(key, "lat") == 0) {
            if (coordinate(v, ptr, 35.0, 48.0, &patch->lat, errors))
                patch->set |= INCROCIO_OFFICE_LAT;
        } else if (strcmp(key, "lon") == 0) {
            if (coordinate(v, ptr, 6.0, 19.0, &patch->lon, errors))
                patch->set |= INCROCIO_OFFICE_LON;
        } else if (strcmp(key, "phone") == 0) {
            if (optional_text(v, ptr, incrocio_valid_phone, 40,
                              "must be a phone number: digits, spaces and ()./- with an optional "
                              "leading +, 5 to 40 characters",
                              patch->phone, sizeof patch->phone, &patch->has_phone, errors))
                patch->set |= INCROCIO_OFFICE_PHONE;
        } else if (strcmp(key, "email") == 0) {
            if (optional_text(v, ptr, incrocio_valid_email, 254, "must be an e-mail address",
                              patch->email, sizeof patch->email, &patch->has_email, errors))
                patch->set |= INCROCIO_OFFICE_EMAIL;
        } else {
            for (size_t i = 0; i < sizeof read_only / sizeof read_only[0]; i++)
                ro |= strcmp(key, read_only[i]) == 0;
            if (ro)
                incrocio_problem_add(errors, ptr, "field.read_only",
                                     "this field cannot be changed");
            else
                incrocio_problem_add(errors, ptr, "field.unknown", "offices have no such field");
        }
    }
    return json_array_size(errors) - before;
}
