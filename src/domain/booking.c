/* Booking bodies, checked for shape before the database checks the rest. */
#include "incrocio/booking.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/codice_fiscale.h"
#include "incrocio/problem.h"
#include "incrocio/validate.h"

#define NAME_MAX_CHARS 100

static int in_list(const char *key, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(key, list[i]) == 0)
            return 1;
    return 0;
}

static void reject_unknown(const json_t *body, const char *const *known, json_t *errors)
{
    const char *key;
    json_t *v;

    json_object_foreach ((json_t *)body, key, v) {
        char ptr[80];

        if (in_list(key, known))
            continue;
        snprintf(ptr, sizeof ptr, "/%.60s", key);
        incrocio_problem_add(errors, ptr, "field.unknown", "this resource has no such field");
    }
}

/* A service type code's shape (service_types.code); existence is the db's. */
static int service_type_shape(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n < 2 || n > 40 || s[0] < 'a' || s[0] > 'z')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return 0;
    return 1;
}

/* The string member name of body, or NULL with field.required (when required)
 * or field.type appended. */
static const char *string_member(const json_t *body, const char *name, int required, json_t *errors)
{
    const json_t *v = json_object_get(body, name);
    char ptr[64];

    snprintf(ptr, sizeof ptr, "/%s", name);
    if (v == NULL || json_is_null(v)) {
        if (required)
            incrocio_problem_add(errors, ptr, "field.required", "this field is required");
        return NULL;
    }
    if (!json_is_string(v)) {
        incrocio_problem_add(errors, ptr, "field.type", "must be a string");
        return NULL;
    }
    return json_string_value(v);
}

int incrocio_booking_instant_valid(const char *s)
{
    return s != NULL && strlen(s) > 10 && incrocio_valid_instant(s);
}

static void service_type(const json_t *body, const char **out, json_t *errors)
{
    *out = string_member(body, "service_type", 1, errors);
    if (*out && !service_type_shape(*out)) {
        incrocio_problem_add(errors, "/service_type", "service_type.unknown",
                             "not a service type code (see the service_types list)");
        *out = NULL;
    }
}

size_t incrocio_slot_input_parse(const json_t *body, struct incrocio_slot_input *in, json_t *errors)
{
    static const char *const known[] = {"service_type", "starts_at", "ends_at",
                                        "capacity",     "channel",   NULL};
    static const char *const channels[] = {"in_person", "video", "phone", NULL};
    size_t before = json_array_size(errors);
    const json_t *cap = json_object_get(body, "capacity");

    memset(in, 0, sizeof *in);
    reject_unknown(body, known, errors);
    service_type(body, &in->service_type, errors);
    in->starts_at = string_member(body, "starts_at", 1, errors);
    if (in->starts_at && !incrocio_booking_instant_valid(in->starts_at))
        incrocio_problem_add(errors, "/starts_at", "starts_at.format",
                             "must be an RFC 3339 instant such as 2026-12-01T09:00:00+01:00");
    in->ends_at = string_member(body, "ends_at", 1, errors);
    if (in->ends_at && !incrocio_booking_instant_valid(in->ends_at))
        incrocio_problem_add(errors, "/ends_at", "ends_at.format",
                             "must be an RFC 3339 instant such as 2026-12-01T09:30:00+01:00");
    if (cap == NULL)
        incrocio_problem_add(errors, "/capacity", "field.required", "this field is required");
    else if (!json_is_integer(cap) || json_integer_value(cap) < 1 ||
             json_integer_value(cap) > INCROCIO_SLOT_CAPACITY_MAX)
        incrocio_problem_add(errors, "/capacity", "capacity.range",
                             "must be a whole number from 1 to 100");
    else
        in->capacity = (int)json_integer_value(cap);
    in->channel = string_member(body, "channel", 0, errors);
    if (in->channel && !in_list(in->channel, channels))
        incrocio_problem_add(errors, "/channel", "channel.unknown",
                             "must be in_person, video or phone");
    if (in->channel == NULL)
        in->channel = "in_person";
    return json_array_size(errors) - before;
}

/* A name as given: 1 to 100 characters (UTF-8), not only spaces. */
static void name_member(const json_t *body, const char *name, const char **out, json_t *errors)
{
    const char *s = string_member(body, name, 1, errors);
    size_t chars = 0, blank = 1;
    char ptr[64], code[64];

    *out = NULL;
    if (s == NULL)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80)
            chars++;
        if (*p != ' ')
            blank = 0;
        if (*p < 0x20 || *p == 0x7f)
            blank = 1; /* control characters: refused like an empty name */
    }
    snprintf(ptr, sizeof ptr, "/%s", name);
    snprintf(code, sizeof code, "%s.length", name);
    if (chars == 0 || chars > NAME_MAX_CHARS || blank)
        incrocio_problem_add(errors, ptr, code,
                             "must be 1 to 100 characters, not blank, without control characters");
    else
        *out = s;
}

static void person(const json_t *body, struct incrocio_appointment_input *in, json_t *errors)
{
    const char *cf = string_member(body, "codice_fiscale", 0, errors);
    int has_js = json_object_get(body, "job_seeker_id") != NULL;
    int has_cf = json_object_get(body, "codice_fiscale") != NULL;

    in->job_seeker_id = string_member(body, "job_seeker_id", 0, errors);
    if (!has_js && !has_cf) {
        incrocio_problem_add(errors, "/codice_fiscale", "person.required",
                             "give the person's codice_fiscale, or job_seeker_id if they have a "
                             "SAP");
        return;
    }
    if (has_js && has_cf) {
        incrocio_problem_add(errors, "/job_seeker_id", "person.ambiguous",
                             "give job_seeker_id or codice_fiscale, not both");
        return;
    }
    if (has_js) {
        if (in->job_seeker_id && !incrocio_valid_uuid(in->job_seeker_id)) {
            incrocio_problem_add(errors, "/job_seeker_id", "job_seeker_id.format",
                                 "must be a job seeker's id (a UUID)");
            in->job_seeker_id = NULL;
        }
        if (json_object_get(body, "given_name"))
            incrocio_problem_add(errors, "/given_name", "field.not_allowed",
                                 "with job_seeker_id the names in the SAP are used");
        if (json_object_get(body, "family_name"))
            incrocio_problem_add(errors, "/family_name", "field.not_allowed",
                                 "with job_seeker_id the names in the SAP are used");
        return;
    }
    if (cf) {
        enum incrocio_cf_error e = INCROCIO_CF_LENGTH;

        if (incrocio_cf_normalise(cf, in->codice_fiscale))
            e = incrocio_cf_parse(in->codice_fiscale, NULL);
        if (e != INCROCIO_CF_OK) {
            incrocio_problem_add(errors, "/codice_fiscale", incrocio_cf_error_code(e),
                                 "not a valid codice fiscale");
            in->codice_fiscale[0] = '\0';
        }
    }
    name_member(body, "given_name", &in->given_name, errors);
    name_member(body, "family_name", &in->family_name, errors);
}

size_t incrocio_appointment_input_parse(const json_t *body, struct incrocio_appointment_input *in,
                                        json_t *errors)
{
    static const char *const known[] = {"slot_id",        "service_type", "job_seeker_id",
                                        "codice_fiscale", "given_name",   "family_name",
                                        "email",          "phone",        NULL};
    size_t before = json_array_size(errors);

    memset(in, 0, sizeof *in);
    reject_unknown(body, known, errors);
    in->slot_id = string_member(body, "slot_id", 1, errors);
    if (in->slot_id && !incrocio_valid_uuid(in->slot_id)) {
        incrocio_problem_add(errors, "/slot_id", "slot_id.format", "must be a slot's id (a UUID)");
        in->slot_id = NULL;
    }
    service_type(body, &in->service_type, errors);
    person(body, in, errors);
    in->email = string_member(body, "email", 0, errors);
    if (in->email && !incrocio_valid_email(in->email))
        incrocio_problem_add(errors, "/email", "email.format", "not a valid e-mail address");
    in->phone = string_member(body, "phone", 0, errors);
    if (in->phone && !incrocio_valid_phone(in->phone))
        incrocio_problem_add(errors, "/phone", "phone.format",
                             "5 to 40 characters: digits, spaces, ()./- and a leading +");
    if (json_object_get(body, "email") == NULL && json_object_get(body, "phone") == NULL)
        incrocio_problem_add(errors, "/email", "contact.required",
                             "give an e-mail address, a phone number or both");
    return json_array_size(errors) - before;
}

unsigned incrocio_booking_refusal_status(const char *code)
{
    return strncmp(code, "slot.", 5) == 0 || strncmp(code, "appointment.", 12) == 0 ? 409 : 422;
}

void incrocio_booking_refusal_pointer(const char *code, char *out, size_t outlen)
{
    size_t n = strcspn(code, ".");

    if (strncmp(code, "slot.", 5) == 0)
        snprintf(out, outlen, "/slot_id");
    else if (strncmp(code, "appointment.", 12) == 0)
        snprintf(out, outlen, "%s", "");
    else
        snprintf(out, outlen, "/%.*s", (int)n, code);
}

const char *incrocio_booking_refusal_detail(const char *code)
{
    static const struct {
        const char *code, *detail;
    } details[] = {
        {"service_type.unknown", "no service type has this code"},
        {"service_type.mismatch", "the slot is for another service type"},
        {"starts_at.past", "a slot is published before it starts"},
        {"starts_at.too_far", "slots are published at most a year ahead"},
        {"ends_at.before_start", "a slot ends after it starts"},
        {"ends_at.too_long", "a slot lasts at most 8 hours"},
        {"slot_id.unknown", "no slot has this id"},
        {"job_seeker_id.unknown", "no job seeker has this id"},
        {"slot.cancelled", "the office withdrew this slot"},
        {"slot.past", "this slot has already started"},
        {"slot.full", "every seat of this slot is taken"},
        {"appointment.overlap", "this person already holds an appointment at an overlapping time"},
    };

    for (size_t i = 0; i < sizeof details / sizeof details[0]; i++)
        if (strcmp(code, details[i].code) == 0)
            return details[i].detail;
    return "refused";
}
