#ifndef INCROCIO_BOOKINGS_H
#define INCROCIO_BOOKINGS_H

#include <jansson.h>

#include "incrocio/booking.h"
#include "incrocio/db.h"
#include "incrocio/error.h"

/* Slots and appointments in PostgreSQL (src/db/booking.c), through the
 * functions of sql/migrations/0011_booking.sql. */

/* Publishes a slot of office: OK with its id in id_out (37 bytes), or OK with
 * the refusal codes (e.g. "starts_at.past") appended to codes (id_out ""). */
incrocio_err incrocio_db_slot_create(struct incrocio_db_conn *conn, const char *office,
                                     const struct incrocio_slot_input *in, const char *key_id,
                                     json_t *codes, char *id_out);

/* The slot id of office as the API shows it: NOT_FOUND when it is not one. */
incrocio_err incrocio_db_slot_get(struct incrocio_db_conn *conn, const char *office, const char *id,
                                  json_t **doc);

/* Withdraws a slot: NOT_FOUND, or OK with *refusal "slot.cancelled" (already
 * withdrawn), "slot.booked" (someone holds a seat), "slot.past" (it started)
 * or NULL when done. */
incrocio_err incrocio_db_slot_withdraw(struct incrocio_db_conn *conn, const char *office,
                                       const char *id, const char **refusal);

struct incrocio_slot_filter {
    const char *office;
    const char *from, *to;    /* instants; the caller checked from < to */
    const char *service_type; /* or NULL */
    const char *after_key;    /* "<microseconds since 1970>|<uuid>" or NULL */
    int limit;
};

/* The free seats' slots of an office in [from, to), by start then id: up to
 * limit into items; *more when others follow, last_key then the key of the
 * last one (at least 64 bytes). */
incrocio_err incrocio_db_slots_list(struct incrocio_db_conn *conn,
                                    const struct incrocio_slot_filter *f, json_t *items, int *more,
                                    char *last_key, size_t last_key_len);

/* Checks from and to (instants) for the listing: *ordered when from < to,
 * *bounded when to - from is at most 31 days. */
incrocio_err incrocio_db_slot_range_check(struct incrocio_db_conn *conn, const char *from,
                                          const char *to, int *ordered, int *bounded);

/* Books a seat. token_hash_hex: the SHA-256 of a keyless booker's token, or
 * NULL. OK with id_out set, or OK with *refusal (a code of appointment_book,
 * copied into refusal, at least 40 bytes) and id_out "". */
incrocio_err incrocio_db_appointment_book(struct incrocio_db_conn *conn,
                                          const struct incrocio_appointment_input *in,
                                          const char *token_hash_hex, const char *key_id,
                                          char *refusal, char *id_out);

/* An appointment as the API shows it (staff: with the job seeker found by
 * codice fiscale). NOT_FOUND when unknown or erased. */
incrocio_err incrocio_db_appointment_get(struct incrocio_db_conn *conn, const char *id, int staff,
                                         json_t **doc);

/* What decides who may cancel an appointment, read under its row lock. */
struct incrocio_appointment_scope {
    char office[8];
    char created_by[37];    /* "" for a keyless booker */
    char token_hash[65];    /* hex, "" when none */
    char job_seeker_id[37]; /* "" when none */
    int cancelled;
    int started; /* its slot has begun */
    long version;
};

incrocio_err incrocio_db_appointment_scope(struct incrocio_db_conn *conn, const char *id,
                                           struct incrocio_appointment_scope *scope);

/* Cancels a booked appointment and gives its seat back (CONFLICT when it is
 * no longer booked). */
incrocio_err incrocio_db_appointment_cancel(struct incrocio_db_conn *conn, const char *id);

/* The office's slots that start on date (YYYY-MM-DD, the Europe/Rome day),
 * each with its booked appointments: a json array into *slots. */
incrocio_err incrocio_db_agenda(struct incrocio_db_conn *conn, const char *office, const char *date,
                                json_t **slots);

#endif
