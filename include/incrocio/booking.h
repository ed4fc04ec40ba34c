#ifndef INCROCIO_BOOKING_H
#define INCROCIO_BOOKING_H

#include <jansson.h>
#include <stddef.h>

#include "incrocio/auth.h"
#include "incrocio/error.h"

/* Online booking, the pure part (src/domain/booking.c, booking_token.c): the
 * shapes of a published slot and of a booking, and the cancellation tokens of
 * keyless citizens. What needs the database (the service type exists, the
 * slot is in the future and has a free seat, the person holds no other
 * appointment then) is checked by sql/migrations/0011_booking.sql. */

#define INCROCIO_SLOT_CAPACITY_MAX 100

/* A slot to publish: pointers borrow the body's strings. */
struct incrocio_slot_input {
    const char *service_type;
    const char *starts_at; /* RFC 3339 instants with a time and an offset */
    const char *ends_at;
    const char *channel; /* in_person (default), video, phone */
    int capacity;        /* 1..INCROCIO_SLOT_CAPACITY_MAX */
};

/* Validates a POST /v1/offices/{code}/slots body into in, appending one
 * {"pointer","code","detail"} per invalid or unknown member to errors.
 * Returns the number of errors appended. */
size_t incrocio_slot_input_parse(const json_t *body, struct incrocio_slot_input *in,
                                 json_t *errors);

/* A booking: exactly one of job_seeker_id and codice_fiscale; names with the
 * codice fiscale only (with job_seeker_id the SAP's are used); e-mail, phone
 * or both. Strings borrow the body's, codice_fiscale is upper-cased. */
struct incrocio_appointment_input {
    const char *slot_id;
    const char *service_type;
    const char *job_seeker_id; /* NULL when booked by codice fiscale */
    char codice_fiscale[17];   /* "" when booked by job seeker id */
    const char *given_name, *family_name;
    const char *email, *phone; /* NULL when not given */
};

/* Validates a POST /v1/appointments body like incrocio_slot_input_parse. */
size_t incrocio_appointment_input_parse(const json_t *body, struct incrocio_appointment_input *in,
                                        json_t *errors);

/* 1 when s is an RFC 3339 instant with a time (a bare date is not one). */
int incrocio_booking_instant_valid(const char *s);

/* The HTTP status of a refusal code from appointment_book / slot_create:
 * 409 for "slot." and "appointment." (the state of things), else 422. */
unsigned incrocio_booking_refusal_status(const char *code);

/* The member a refusal code is about, as a JSON pointer ("/service_type" for
 * "service_type.mismatch"; "/slot_id" for "slot." codes, "" for
 * "appointment." ones) into out. */
void incrocio_booking_refusal_pointer(const char *code, char *out, size_t outlen);

/* A human detail for a refusal code (static, never NULL). */
const char *incrocio_booking_refusal_detail(const char *code);

/* Cancellation tokens: 43 base64url characters (256 random bits), given once
 * to a keyless booker; only their SHA-256 is stored. */
#define INCROCIO_BOOKING_TOKEN_LEN INCROCIO_TOKEN_LEN

/* Writes a new token into out (INCROCIO_BOOKING_TOKEN_LEN + 1 bytes) and its
 * SHA-256 as 64 hex digits into hash_hex. */
incrocio_err incrocio_booking_token_new(char *out, char hash_hex[65]);

/* 1 when token has a token's shape and its SHA-256 is stored_hex (64 hex
 * digits), compared in constant time; 0 otherwise (NULLs included). */
int incrocio_booking_token_matches(const char *token, const char *stored_hex);

/* Constant-time equality of two n-byte buffers. */
int incrocio_booking_equal_ct(const void *a, const void *b, size_t n);

#endif
