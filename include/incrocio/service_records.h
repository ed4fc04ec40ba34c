#ifndef INCROCIO_SERVICE_RECORDS_H
#define INCROCIO_SERVICE_RECORDS_H

#include <jansson.h>

#include "incrocio/db.h"
#include "incrocio/error.h"

/* Services delivered by the CPIs (db/service_records.c), one row each in
 * service_records (sql/migrations/0012_service_records.sql). */

/* A validated record to store: each optional member NULL when absent. */
struct incrocio_service_record {
    const char *office_code, *service_type, *channel, *delivered_on;
    const char *job_seeker_id, *employer_id, *notes;
};

/* What a record refers to: whether its office exists, the audience of its
 * service type ("person" | "employer", "" when no such type), whether the job
 * seeker (live, not erased) and the employer exist (1 when not named). */
struct incrocio_service_record_refs {
    int office_ok, job_seeker_ok, employer_ok;
    char audience[16];
};
incrocio_err incrocio_db_service_record_refs(struct incrocio_db_conn *conn,
                                             const struct incrocio_service_record *rec,
                                             struct incrocio_service_record_refs *refs);

/* Stores rec, created by key_id (NULL or "" for none); id_out receives its
 * id (37 bytes). */
incrocio_err incrocio_db_service_record_insert(struct incrocio_db_conn *conn,
                                               const struct incrocio_service_record *rec,
                                               const char *key_id, char *id_out);

/* The representation of record id (json_decref it); NOT_FOUND when unknown. */
incrocio_err incrocio_db_service_record_get(struct incrocio_db_conn *conn, const char *id,
                                            json_t **doc);

struct incrocio_service_record_filter {
    const char *office, *service_type, *channel, *from, *to, *job_seeker_id, *employer_id;
    const char *after_id;
    int limit;
};

/* Appends up to f->limit representations in id order to items; *more when
 * further ones match; last_id receives the last one's id (37 bytes). */
incrocio_err incrocio_db_service_records_list(struct incrocio_db_conn *conn,
                                              const struct incrocio_service_record_filter *f,
                                              json_t *items, int *more, char *last_id);

#endif
