#ifndef INCROCIO_JOB_SEEKERS_H
#define INCROCIO_JOB_SEEKERS_H

#include <jansson.h>
#include <stddef.h>

#include "incrocio/db.h"
#include "incrocio/error.h"

/* Job seekers in PostgreSQL (db/job_seekers.c) and their DID (domain/did.c).
 * Documents are the canonical JSON of domain/job_seeker.c, stored into
 * normalised tables by the SQL function job_seeker_save and read back whole
 * by job_seeker_doc (sql/migrations/0005_job_seekers.sql). */

/* The representation of job seeker id (json_decref it), NOT_FOUND when
 * unknown or erased. */
incrocio_err incrocio_db_job_seeker_get(struct incrocio_db_conn *conn, const char *id,
                                        json_t **doc);
/* The same, found by codice fiscale. */
incrocio_err incrocio_db_job_seeker_by_cf(struct incrocio_db_conn *conn, const char *cf,
                                          json_t **doc);

/* Whether the comune and the office a document names exist. */
incrocio_err incrocio_db_job_seeker_refs(struct incrocio_db_conn *conn, const char *comune,
                                         const char *office, int *comune_ok, int *office_ok);

/* Stores a canonical document: a new job seeker when id is NULL (its id is
 * written to id_out, 37 bytes), else job seeker id if still at version.
 * CONFLICT: another job seeker has this codice fiscale; PRECONDITION: the
 * version moved on; NOT_FOUND: no such (live) job seeker. */
incrocio_err incrocio_db_job_seeker_save(struct incrocio_db_conn *conn, const char *id,
                                         const json_t *doc, long version, char *id_out);

/* Erasure (GDPR art. 17). NOT_FOUND when unknown or already erased. */
incrocio_err incrocio_db_job_seeker_erase(struct incrocio_db_conn *conn, const char *id);

/* The office and the DID state ('\0' when none) of a live job seeker. */
incrocio_err incrocio_db_job_seeker_scope(struct incrocio_db_conn *conn, const char *id,
                                          char office[8], char *did_state);

struct incrocio_job_seeker_filter {
    const char *office, *did_state, *occupation_prefix, *comune, *licence, *updated_since;
    const char *after_id;
    int limit;
};

/* Appends summaries ({id, given_name, family_name, office_code, comune_istat,
 * did_state, updated_at}) in id order; *more when there are further ones;
 * ids_out receives the ids as a PostgreSQL text[] literal, for the audit. */
incrocio_err incrocio_db_job_seekers_list(struct incrocio_db_conn *conn,
                                          const struct incrocio_job_seeker_filter *f, json_t *items,
                                          int *more, char *last_id, char *ids_out, size_t ids_len);

/* The DID: its state and its history, oldest first. */
incrocio_err incrocio_db_did_get(struct incrocio_db_conn *conn, const char *id, json_t **did);

/* Applies one DID event if the state is still state_before ('\0': none):
 * CONFLICT otherwise. *event receives the recorded event. */
incrocio_err incrocio_db_did_apply(struct incrocio_db_conn *conn, const char *id, char state_before,
                                   char state_after, const char *event_name, const char *date,
                                   const char *reason, const char *channel, const char *key_id,
                                   json_t **event);

/* Service agreements (Patto di servizio personalizzato). */
incrocio_err incrocio_db_agreement_create(struct incrocio_db_conn *conn, const char *job_seeker_id,
                                          const char *office, const char *signed_on,
                                          const char *measures_pg_array, const char *notes,
                                          const char *key_id, json_t **agreement);
/* One (agreement_id given) or all of a job seeker's agreements, oldest first:
 * *out is an object or an array; NOT_FOUND when agreement_id names none. */
incrocio_err incrocio_db_agreements_get(struct incrocio_db_conn *conn, const char *job_seeker_id,
                                        const char *agreement_id, json_t **out);
/* How many agreements job seeker id has. */
incrocio_err incrocio_db_agreements_count(struct incrocio_db_conn *conn, const char *id, int *n);

/* domain/did.c: the DID's state machine. States are the regional codes
 * I inserita, C convalidata, S sospesa, R revocata, A annullata, E non_ammessa. */

/* The state after event_name from state ('\0' for no DID yet), or '\0' when
 * that event is not allowed from that state. */
char incrocio_did_next(char state, const char *event_name);
/* 1 for register, validate, suspend, resume, revoke, cancel, reject. */
int incrocio_did_event_valid(const char *event_name);
/* "inserita", ... or NULL. */
const char *incrocio_did_state_name(char code);

#endif
