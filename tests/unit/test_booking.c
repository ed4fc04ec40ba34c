/* src/domain/booking.c and booking_token.c: the shapes of slots and
 * bookings, refusal codes, cancellation tokens. */
#include "unit.h"

#include "incrocio/auth.h"
#include "incrocio/booking.h"

struct body_row {
    const char *body;
    const char *want; /* the errors as "pointer code;..." ("" when valid) */
};

/* "pointer code;pointer code;" of errors. */
static void errors_text(const json_t *errors, char *out, size_t outlen)
{
    size_t i, used = 0;
    json_t *e;

    out[0] = '\0';
    json_array_foreach (errors, i, e) {
        int n = snprintf(out + used, outlen - used, "%s %s;", err_field(errors, i, "pointer"),
                         err_field(errors, i, "code"));
        if (n < 0 || (size_t)n >= outlen - used)
            fail_msg("errors too long");
        used += (size_t)n;
    }
}

#define GOOD_TIMES \
    "\"starts_at\": \"2027-01-05T09:00:00+01:00\", \"ends_at\": \"2027-01-05T09:30:00Z\""

static void test_slot_parse(void **state)
{
    static const struct body_row rows[] = {
        {"{\"service_type\": \"orientation\", " GOOD_TIMES ", \"capacity\": 3}", ""},
        {"{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": 100, \"channel\": \"video\"}",
         ""},
        {"{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": 1, \"channel\": \"phone\"}",
         ""},
        {"{}", "/service_type field.required;/starts_at field.required;/ends_at field.required;"
               "/capacity field.required;"},
        {"{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": 0}",
         "/capacity capacity.range;"},
        {"{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": 101}",
         "/capacity capacity.range;"},
        {"{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": \"3\"}",
         "/capacity capacity.range;"},
        {"{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": 2.0}",
         "/capacity capacity.range;"},
        {"{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": 1, \"channel\": \"fax\"}",
         "/channel channel.unknown;"},
        {"{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": 1, \"channel\": 1}",
         "/channel field.type;"},
        {"{\"service_type\": \"Did\", " GOOD_TIMES ", \"capacity\": 1}",
         "/service_type service_type.unknown;"},
        {"{\"service_type\": \"d\", " GOOD_TIMES ", \"capacity\": 1}",
         "/service_type service_type.unknown;"},
        {"{\"service_type\": \"did\", \"starts_at\": \"2027-01-05\", \"ends_at\": "
         "\"2027-01-05T25:00:00Z\", \"capacity\": 1}",
         "/starts_at starts_at.format;/ends_at ends_at.format;"},
        {"{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": 1, \"id\": \"x\"}",
         "/id field.unknown;"},
        {"{\"service_type\": null, " GOOD_TIMES ", \"capacity\": 1}",
         "/service_type field.required;"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *body = load(rows[i].body), *errors = json_array();
        struct incrocio_slot_input in;
        char got[1024];
        size_t n = incrocio_slot_input_parse(body, &in, errors);

        errors_text(errors, got, sizeof got);
        ROW_STR(i, got, rows[i].want);
        ROW_INT(i, n, json_array_size(errors));
        if (n == 0) {
            ROW_INT(i, in.capacity >= 1 && in.capacity <= 100, 1);
            ROW_INT(i, in.channel != NULL, 1);
        }
        json_decref(body);
        json_decref(errors);
    }
}

static void test_slot_defaults(void **state)
{
    json_t *body = load("{\"service_type\": \"did\", " GOOD_TIMES ", \"capacity\": 7}");
    json_t *errors = json_array();
    struct incrocio_slot_input in;

    (void)state;
    assert_int_equal(incrocio_slot_input_parse(body, &in, errors), 0);
    assert_string_equal(in.channel, "in_person");
    assert_string_equal(in.service_type, "did");
    assert_string_equal(in.starts_at, "2027-01-05T09:00:00+01:00");
    assert_int_equal(in.capacity, 7);
    json_decref(body);
    json_decref(errors);
}

#define SLOT "\"slot_id\": \"123e4567-e89b-42d3-a456-426614174000\", \"service_type\": \"did\""
#define CF "\"codice_fiscale\": \"RSSMRA80A01H501U\""
#define NAMES "\"given_name\": \"Mario\", \"family_name\": \"Rossi\""
#define JS "\"job_seeker_id\": \"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9\""

static void test_appointment_parse(void **state)
{
    static const struct body_row rows[] = {
        {"{" SLOT ", " CF ", " NAMES ", \"email\": \"m@example.org\"}", ""},
        {"{" SLOT ", \"codice_fiscale\": \"rssmra80a01h501u\", " NAMES
         ", \"phone\": \"+39 081 1\"}",
         ""},
        {"{" SLOT ", " JS ", \"phone\": \"081 123456\", \"email\": \"a@b.it\"}", ""},
        {"{}",
         "/slot_id field.required;/service_type field.required;/codice_fiscale person.required;"
         "/email contact.required;"},
        {"{" SLOT ", " CF ", " JS ", " NAMES ", \"email\": \"m@example.org\"}",
         "/job_seeker_id person.ambiguous;"},
        {"{" SLOT ", " JS ", " NAMES ", \"email\": \"m@example.org\"}",
         "/given_name field.not_allowed;/family_name field.not_allowed;"},
        {"{" SLOT ", \"job_seeker_id\": \"42\", \"email\": \"m@example.org\"}",
         "/job_seeker_id job_seeker_id.format;"},
        {"{" SLOT ", \"codice_fiscale\": \"RSSMRA80A01H501A\", " NAMES ", \"email\": \"m@e.org\"}",
         "/codice_fiscale codice_fiscale.check;"},
        {"{" SLOT ", \"codice_fiscale\": \"RSSMRA80A01H501UX\", " NAMES ", \"email\": \"m@e.org\"}",
         "/codice_fiscale codice_fiscale.length;"},
        {"{" SLOT ", \"codice_fiscale\": 5, " NAMES ", \"email\": \"m@e.org\"}",
         "/codice_fiscale field.type;"},
        {"{" SLOT ", " CF ", \"email\": \"m@e.org\"}",
         "/given_name field.required;/family_name field.required;"},
        {"{" SLOT ", " CF ", \"given_name\": \"  \", \"family_name\": \"A\\u0001\", \"email\": "
         "\"m@e.org\"}",
         "/given_name given_name.length;/family_name family_name.length;"},
        {"{" SLOT ", " CF ", " NAMES ", \"email\": \"nope\", \"phone\": \"12\"}",
         "/email email.format;/phone phone.format;"},
        {"{" SLOT ", " CF ", " NAMES "}", "/email contact.required;"},
        {"{\"slot_id\": \"x\", \"service_type\": 3, " CF ", " NAMES ", \"email\": \"m@e.org\", "
         "\"notes\": \"\"}",
         "/notes field.unknown;/slot_id slot_id.format;/service_type field.type;"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *body = load(rows[i].body), *errors = json_array();
        struct incrocio_appointment_input in;
        char got[1024];

        incrocio_appointment_input_parse(body, &in, errors);
        errors_text(errors, got, sizeof got);
        ROW_STR(i, got, rows[i].want);
        json_decref(body);
        json_decref(errors);
    }
}

static void test_appointment_fields(void **state)
{
    json_t *body = load("{" SLOT ", \"codice_fiscale\": \"rssmra80a01h501u\", " NAMES
                        ", \"phone\": \"+39 081 1234\"}");
    json_t *errors = json_array();
    struct incrocio_appointment_input in;

    (void)state;
    assert_int_equal(incrocio_appointment_input_parse(body, &in, errors), 0);
    assert_string_equal(in.codice_fiscale, "RSSMRA80A01H501U");
    assert_null(in.job_seeker_id);
    assert_null(in.email);
    assert_string_equal(in.phone, "+39 081 1234");
    assert_string_equal(in.given_name, "Mario");
    json_decref(body);
    json_decref(errors);
    body = load("{" SLOT ", " JS ", \"email\": \"a@b.it\"}");
    errors = json_array();
    assert_int_equal(incrocio_appointment_input_parse(body, &in, errors), 0);
    assert_string_equal(in.job_seeker_id, "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
    assert_string_equal(in.codice_fiscale, "");
    assert_null(in.given_name);
    json_decref(body);
    json_decref(errors);
}

static void test_refusals(void **state)
{
    static const struct {
        const char *code;
        unsigned status;
        const char *pointer;
    } rows[] = {
        {"slot.full", 409, "/slot_id"},
        {"slot.past", 409, "/slot_id"},
        {"slot.cancelled", 409, "/slot_id"},
        {"appointment.overlap", 409, ""},
        {"slot_id.unknown", 422, "/slot_id"},
        {"service_type.mismatch", 422, "/service_type"},
        {"job_seeker_id.unknown", 422, "/job_seeker_id"},
        {"starts_at.past", 422, "/starts_at"},
        {"ends_at.too_long", 422, "/ends_at"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char ptr[64];

        ROW_INT(i, incrocio_booking_refusal_status(rows[i].code), rows[i].status);
        incrocio_booking_refusal_pointer(rows[i].code, ptr, sizeof ptr);
        ROW_STR(i, ptr, rows[i].pointer);
        ROW_INT(i, strcmp(incrocio_booking_refusal_detail(rows[i].code), "refused") != 0, 1);
    }
    assert_string_equal(incrocio_booking_refusal_detail("no.such"), "refused");
}

static void test_instant(void **state)
{
    (void)state;
    assert_true(incrocio_booking_instant_valid("2027-01-05T09:00:00Z"));
    assert_true(incrocio_booking_instant_valid("2027-01-05T09:00:00.5+01:00"));
    assert_false(incrocio_booking_instant_valid("2027-01-05"));
    assert_false(incrocio_booking_instant_valid("2027-01-05T09:00:00"));
    assert_false(incrocio_booking_instant_valid(NULL));
}

static void test_tokens(void **state)
{
    char t1[INCROCIO_BOOKING_TOKEN_LEN + 1], t2[INCROCIO_BOOKING_TOKEN_LEN + 1];
    char h1[65], h2[65], other[65];

    (void)state;
    assert_int_equal(incrocio_booking_token_new(t1, h1), INCROCIO_OK);
    assert_int_equal(incrocio_booking_token_new(t2, h2), INCROCIO_OK);
    assert_int_equal(strlen(t1), INCROCIO_BOOKING_TOKEN_LEN);
    assert_int_equal(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                     INCROCIO_BOOKING_TOKEN_LEN);
    assert_string_not_equal(t1, t2);
    /* the hash is the token's SHA-256, as API keys' */
    assert_int_equal(incrocio_apikey_hash_hex(t1, other), INCROCIO_OK);
    assert_string_equal(h1, other);
    assert_true(incrocio_booking_token_matches(t1, h1));
    assert_true(incrocio_booking_token_matches(t2, h2));
    assert_false(incrocio_booking_token_matches(t1, h2));
    assert_false(incrocio_booking_token_matches(t2, h1));
    assert_false(incrocio_booking_token_matches(NULL, h1));
    assert_false(incrocio_booking_token_matches(t1, NULL));
    assert_false(incrocio_booking_token_matches(t1, ""));
    assert_false(incrocio_booking_token_matches("short", h1));
    t2[5] = '!';
    assert_false(incrocio_booking_token_matches(t2, h2));
}

static void test_equal_ct(void **state)
{
    (void)state;
    assert_true(incrocio_booking_equal_ct("abc", "abc", 3));
    assert_false(incrocio_booking_equal_ct("abc", "abd", 3));
    assert_false(incrocio_booking_equal_ct("xbc", "abc", 3));
    assert_true(incrocio_booking_equal_ct("abc", "abd", 2));
    assert_true(incrocio_booking_equal_ct("", "", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slot_parse),
        cmocka_unit_test(test_slot_defaults),
        cmocka_unit_test(test_appointment_parse),
        cmocka_unit_test(test_appointment_fields),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_instant),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_equal_ct),
    };
    return cmocka_run_group_tests_name("booking", tests, NULL, NULL);
}
