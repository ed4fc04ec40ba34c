#ifndef INCROCIO_EMPLOYERS_H
#define INCROCIO_EMPLOYERS_H

#include <jansson.h>
#include <stddef.h>

#include "incrocio/db.h"
#include "incrocio/error.h"

/* Employers and vacancies in PostgreSQL (db/employers.c, db/vacancies.c).
 * Documents are the canonical JSON of domain/employer.c and domain/vacancy.c,
 * stored by employer_save / vacancy_save and read by employer_doc /
 * vacancy_doc (sql/migrations/0006_employers_vacancies.sql). */

/* Whether a comune, an office and an employer exist (each argument may be
 * NULL: then its answer is 1). */
incrocio_err incrocio_db_refs(struct incrocio_db_conn *conn, const char *comune, const char *office,
                              const char *employer_id, int *comune_ok, int *office_ok,
                              int *employer_ok);

incrocio_err incrocio_db_employer_get(struct incrocio_db_conn *conn, const char *id, json_t **doc);
/* id NULL: a new employer, its id into id_out (37 bytes). CONFLICT: the
 * codice fiscale or partita IVA is another employer's; PRECONDITION: stale. */
incrocio_err incrocio_db_employer_save(struct incrocio_db_conn *conn, const char *id,
                                       const json_t *doc, long version, char *id_out);
/* NOT_FOUND, or CONFLICT while it has vacancies. */
incrocio_err incrocio_db_employer_delete(struct incrocio_db_conn *conn, const char *id);

struct incrocio_employer_filter {
    const char *office, *ateco_prefix, *comune, *after_id;
    int limit;
};
incrocio_err incrocio_db_employers_list(struct incrocio_db_conn *conn,
                                        const struct incrocio_employer_filter *f, json_t *items,
                                        int *more, char *last_id);

incrocio_err incrocio_db_vacancy_get(struct incrocio_db_conn *conn, const char *id, json_t **doc);
/* INVALID: a position id that is not this vacancy's; PRECONDITION: stale. */
incrocio_err incrocio_db_vacancy_save(struct incrocio_db_conn *conn, const char *id,
                                      const json_t *doc, long version, char *id_out);
/* The stored state ("draft", "published", "closed", "filled"; expiry is not a
 * stored state), the employer and the office of a vacancy. */
incrocio_err incrocio_db_vacancy_scope(struct incrocio_db_conn *conn, const char *id,
                                       char state[16], char employer_id[37], char office[8]);

struct incrocio_vacancy_filter {
    const char *state, *office, *employer_id, *occupation_prefix, *contract_type, *comune,
        *province, *near_lat, *near_lon, *radius_km, *published_since, *q, *after_id;
    int limit;
};
incrocio_err incrocio_db_vacancies_list(struct incrocio_db_conn *conn,
                                        const struct incrocio_vacancy_filter *f, json_t *items,
                                        int *more, char *last_id);

/* Moves a vacancy from state from to state to (and records the event);
 * CONFLICT when it is no longer in from. */
incrocio_err incrocio_db_vacancy_transition(struct incrocio_db_conn *conn, const char *id,
                                            const char *from, const char *to, const char *event,
                                            const json_t *details, const char *key_id);
/* Adds count filled places to a position of vacancy id: NOT_FOUND for a
 * position not its own, INVALID beyond its quantity. *all_filled is 1 when no
 * place of the vacancy is left. */
incrocio_err incrocio_db_position_fill(struct incrocio_db_conn *conn, const char *vacancy_id,
                                       const char *position_id, int count, int *all_filled);

#endif
