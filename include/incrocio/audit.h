#ifndef INCROCIO_AUDIT_H
#define INCROCIO_AUDIT_H

#include <jansson.h>

#include "incrocio/db.h"
#include "incrocio/error.h"
#include "incrocio/http.h"

/* The audit trail: every read or write of a person's record, and every admin
 * write, is one row of the append-only audit_events table, written on the
 * same connection (so in the same transaction) as the access it records. */

/* Records that the caller of ctx did action ("read", "list", "create",
 * "update", "delete", "erase") on resource_type/resource_id; job_seeker_id is
 * the person concerned, or NULL. */
incrocio_err incrocio_audit_record(struct incrocio_db_conn *conn, const struct incrocio_req *ctx,
                                   const char *action, const char *resource_type,
                                   const char *resource_id, const char *job_seeker_id);

/* The same for several job seekers at once (a list): ids_pg_array is a
 * PostgreSQL text[] literal of their ids. */
incrocio_err incrocio_audit_record_people(struct incrocio_db_conn *conn,
                                          const struct incrocio_req *ctx, const char *action,
                                          const char *ids_pg_array);

/* One event per item of a list shown to the caller, in one statement: the
 * resource's id is the item's member id_member, the person it names its
 * member seeker_member (null or absent: none). Nothing when items is empty. */
incrocio_err incrocio_audit_record_items(struct incrocio_db_conn *conn,
                                         const struct incrocio_req *ctx, const char *action,
                                         const char *resource_type, const json_t *items,
                                         const char *id_member, const char *seeker_member);

struct incrocio_audit_filter {
    const char *job_seeker_id; /* each NULL when not filtered on */
    const char *key_id;
    const char *from; /* RFC 3339 instant or date, inclusive */
    const char *to;   /* exclusive */
    const char *after_id;
    int limit;
};

/* Appends up to filter->limit events, oldest first, to items; *more is 1 when
 * there are further events, and last_id the id of the last one appended. */
incrocio_err incrocio_db_audit_list(struct incrocio_db_conn *conn,
                                    const struct incrocio_audit_filter *filter, json_t *items,
                                    int *more, char *last_id, size_t last_id_len);

#endif
