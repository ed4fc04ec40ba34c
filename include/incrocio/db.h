#ifndef INCROCIO_DB_H
#define INCROCIO_DB_H

#include <jansson.h>
#include <libpq-fe.h>

#include "incrocio/error.h"

/* A fixed-size pool of libpq connections, shared by the HTTP worker threads.
 *
 * Lock discipline: one mutex guards the free list and the counters; no libpq
 * call is ever made while holding it. A connection belongs to exactly one
 * thread between checkout and checkin.
 *
 * Health: a background thread pings the server every second. While it fails,
 * checkouts fail at once with INCROCIO_ERR_DB_UNAVAILABLE (503), and every
 * pooled connection is reconnected before its next use, so the server recovers
 * by itself after PostgreSQL restarts. */
struct incrocio_db_pool;
struct incrocio_db_conn;

/* A prepared statement: resource files in src/db/ define them as static
 * constants; each is prepared once per connection, on first use. */
struct incrocio_stmt {
    int id; /* unique, from enum incrocio_stmt_id */
    int nparams;
    const char *sql;
};

enum incrocio_stmt_id {
    INCROCIO_STMT_OFFICES_LIST,
    INCROCIO_STMT_OFFICE_GET,
    INCROCIO_STMT_OFFICE_UPDATE,
    INCROCIO_STMT_KEY_LOOKUP,
    INCROCIO_STMT_AUDIT_INSERT,
    INCROCIO_STMT_AUDIT_LIST,
    INCROCIO_STMT_AUDIT_INSERT_MANY,
    INCROCIO_STMT_AUDIT_INSERT_ITEMS,
    INCROCIO_STMT_JOB_SEEKER_GET,
    INCROCIO_STMT_JOB_SEEKER_BY_CF,
    INCROCIO_STMT_JOB_SEEKER_REFS,
    INCROCIO_STMT_JOB_SEEKER_SAVE,
    INCROCIO_STMT_JOB_SEEKER_ERASE,
    INCROCIO_STMT_JOB_SEEKER_SCOPE,
    INCROCIO_STMT_JOB_SEEKERS_LIST,
    INCROCIO_STMT_DID_GET,
    INCROCIO_STMT_DID_UPDATE,
    INCROCIO_STMT_DID_INSERT,
    INCROCIO_STMT_AGREEMENT_INSERT,
    INCROCIO_STMT_AGREEMENT_LIST,
    INCROCIO_STMT_AGREEMENT_COUNT,
    INCROCIO_STMT_EMPLOYER_GET,
    INCROCIO_STMT_EMPLOYER_SAVE,
    INCROCIO_STMT_EMPLOYER_DELETE,
    INCROCIO_STMT_EMPLOYERS_LIST,
    INCROCIO_STMT_REFS,
    INCROCIO_STMT_VACANCY_GET,
    INCROCIO_STMT_VACANCY_SAVE,
    INCROCIO_STMT_VACANCY_SCOPE,
    INCROCIO_STMT_VACANCIES_LIST,
    INCROCIO_STMT_VACANCY_STATE,
    INCROCIO_STMT_VACANCY_EVENT,
    INCROCIO_STMT_POSITION_FILL,
    INCROCIO_STMT_MODEL_CURRENT,
    INCROCIO_STMT_MODEL_VERSIONS,
    INCROCIO_STMT_MODEL_LOCK,
    INCROCIO_STMT_MODEL_MAX,
    INCROCIO_STMT_MODEL_INSERT,
    INCROCIO_STMT_MATCH_POSITION,
    INCROCIO_STMT_MATCH_SEEKER,
    INCROCIO_STMT_MATCH_SECRET,
    /* candidacies (src/db/candidacies.c) */
    INCROCIO_STMT_CAND_POSITION,
    INCROCIO_STMT_CAND_SEEKER,
    INCROCIO_STMT_CAND_INSERT,
    INCROCIO_STMT_CAND_EVENT,
    INCROCIO_STMT_CAND_SCOPE,
    INCROCIO_STMT_CAND_MOVE,
    INCROCIO_STMT_CAND_GET,
    INCROCIO_STMT_CAND_LIST,
    INCROCIO_STMT_CAND_SEEKER_TOUCH,
    /* the changes feed (src/db/changes.c) */
    INCROCIO_STMT_CHANGES_ALL,
    INCROCIO_STMT_CHANGES_TYPE,
    INCROCIO_STMT_CHANGES_PUBLIC,
    /* booking: slots and appointments (src/db/booking.c) */
    INCROCIO_STMT_SLOT_CREATE,
    INCROCIO_STMT_SLOT_GET,
    INCROCIO_STMT_SLOT_WITHDRAW,
    INCROCIO_STMT_SLOTS_LIST,
    INCROCIO_STMT_SLOT_RANGE,
    INCROCIO_STMT_APPOINTMENT_BOOK,
    INCROCIO_STMT_APPOINTMENT_GET,
    INCROCIO_STMT_APPOINTMENT_SCOPE,
    INCROCIO_STMT_APPOINTMENT_CANCEL,
    INCROCIO_STMT_AGENDA,
    /* services delivered and the region's statistics (issue 7) */
    INCROCIO_STMT_SERVICE_RECORD_REFS,
    INCROCIO_STMT_SERVICE_RECORD_INSERT,
    INCROCIO_STMT_SERVICE_RECORD_GET,
    INCROCIO_STMT_SERVICE_RECORDS_LIST,
    INCROCIO_STMT_STATS_SERVICE_TYPES,
    INCROCIO_STMT_STATS_UNKNOWN_OFFICES,
    INCROCIO_STMT_STATS_DELIVERY,
    INCROCIO_STMT_STATS_MATCHING,
    /* Idempotency-Key (src/db/idempotency.c) */
    INCROCIO_STMT_IDEM_FIND,
    INCROCIO_STMT_IDEM_CLAIM,
    INCROCIO_STMT_IDEM_STORE,
    INCROCIO_STMT_IDEM_PRUNE,
    INCROCIO_STMT_COUNT
};

/* Creates the pool (connections are opened lazily) and its health thread.
 * The caller frees it with incrocio_db_pool_free. */
incrocio_err incrocio_db_pool_new(const char *conninfo, int size, int checkout_timeout_ms,
                                  struct incrocio_db_pool **out);
void incrocio_db_pool_free(struct incrocio_db_pool *pool);

/* Says pool is the read replica's: its log lines say so. */
void incrocio_db_pool_mark_replica(struct incrocio_db_pool *pool);

/* 1 when the last health check reached the server; no round trip. */
int incrocio_db_pool_healthy(const struct incrocio_db_pool *pool);

void incrocio_db_pool_stats(struct incrocio_db_pool *pool, int *size, int *in_use, int *waiting);

/* Borrows a connection, waiting at most the pool's checkout timeout. */
incrocio_err incrocio_db_checkout(struct incrocio_db_pool *pool, struct incrocio_db_conn **out);

/* Returns a connection: a transaction left open or failed is rolled back,
 * pending results are drained, a broken connection is closed for reconnection. */
void incrocio_db_checkin(struct incrocio_db_pool *pool, struct incrocio_db_conn *conn);

/* Runs a prepared statement with text parameters (NULL for SQL NULL). On
 * INCROCIO_OK, *res is a PGRES_TUPLES_OK or PGRES_COMMAND_OK result the caller
 * PQclear()s; on error *res is NULL and the error is mapped: unique violation →
 * CONFLICT, lost connection → DB_UNAVAILABLE, anything else → DB. */
incrocio_err incrocio_db_exec(struct incrocio_db_conn *conn, const struct incrocio_stmt *stmt,
                              const char *const *values, PGresult **res);

/* Transactions: every multi-statement write is one. */
incrocio_err incrocio_db_begin(struct incrocio_db_conn *conn);
incrocio_err incrocio_db_commit(struct incrocio_db_conn *conn);
void incrocio_db_rollback(struct incrocio_db_conn *conn);

/* The one json value of a one-row result, parsed into *doc (json_decref it);
 * NOT_FOUND when there is no row or the value is NULL. Clears res. */
incrocio_err incrocio_db_one_json(PGresult *res, json_t **doc);

/* Runs stmt ($1 id or NULL, $2 the document as jsonb, $3 the version when id
 * is given), whose one value is the saved row's id or NULL for a stale
 * version (PRECONDITION). id_out receives the id (37 bytes). */
incrocio_err incrocio_db_save_doc(struct incrocio_db_conn *conn, const struct incrocio_stmt *stmt,
                                  const char *id, const json_t *doc, long version, char *id_out);

/* incrocio_db_exec for exactly one row: NOT_FOUND (nothing to clear) when
 * the result has none or several (src/db/results.c). */
incrocio_err incrocio_db_exec_one(struct incrocio_db_conn *conn, const struct incrocio_stmt *stmt,
                                  const char *const *values, PGresult **res);
/* Runs a list statement for a page of `limit` rows: limit_text, which
 * values holds at the statement's row-limit parameter, is set to limit + 1,
 * so *more tells whether another page follows; *n is the rows of this page
 * (at most limit) in *res, which the caller PQclear()s (src/db/results.c). */
incrocio_err incrocio_db_page_exec(struct incrocio_db_conn *conn, const struct incrocio_stmt *stmt,
                                   const char *const *values, char limit_text[16], int limit,
                                   PGresult **res, int *n, int *more);
/* Appends the first n rows' JSON text in column json_col to items, the last
 * one's column key_col to last_key (key_len bytes); clears res. DB when a
 * row is not JSON. */
incrocio_err incrocio_db_page_json(PGresult *res, int n, int json_col, int key_col, json_t *items,
                                   char *last_key, size_t key_len);
/* A text column as a JSON string, or null when SQL NULL. */
json_t *incrocio_db_text_or_null(const PGresult *res, int row, int col);

/* Maps a failed result's SQLSTATE (and the connection's state) to our enum. */
incrocio_err incrocio_db_error_of(PGconn *pg, const PGresult *res);

/* Opens one connection outside any pool (migrations, tools): the caller
 * PQfinish()es it. NULL on failure, with a message in err (no secrets). */
PGconn *incrocio_db_connect_new(const char *conninfo, char *err, size_t errlen);

/* Runs one parameterless command (BEGIN, SET, LISTEN...) on such a
 * connection: OK, or the error mapped as incrocio_db_error_of does. */
incrocio_err incrocio_db_command(PGconn *pg, const char *sql);

#endif
