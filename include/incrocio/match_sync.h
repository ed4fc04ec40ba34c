#ifndef INCROCIO_MATCH_SYNC_H
#define INCROCIO_MATCH_SYNC_H

#include <stddef.h>

#include "incrocio/error.h"
#include "incrocio/match_index.h"

/* Keeps one server's matching index in step with PostgreSQL (DESIGN §5,
 * sql/migrations/0007_matching.sql). One thread, with its own connection
 * (not the pool's): it loads the index, then LISTENs on incrocio_match and,
 * on every notification and at least every second, applies the job seekers,
 * vacancies and weights changed by the transactions that committed since
 * its last snapshot. The change log is read by snapshot, not by sequence
 * number, so a transaction that commits late is never skipped; after a lost
 * connection the thread reconnects and resumes from its last snapshot. At a
 * new day (UTC) it reloads everything, as what is open and how long
 * experiences last depend on the day. */

struct incrocio_match_sync;

/* Starts the thread on database conninfo (copied). */
incrocio_err incrocio_match_sync_start(const char *conninfo, struct incrocio_match_sync **out);

/* Stops the thread and frees everything, the index included. */
void incrocio_match_sync_stop(struct incrocio_match_sync *s);

/* The index, or NULL until the first load has finished. Borrowed, valid
 * until incrocio_match_sync_stop. */
struct incrocio_match_index *incrocio_match_sync_index(struct incrocio_match_sync *s);

/* {"ready", "seekers", "positions", "model_version", "today"} for /v1/status,
 * as JSON text into out (>= 160 bytes): the status endpoint is hot. */
void incrocio_match_sync_status(struct incrocio_match_sync *s, char *out, size_t len);

/* "<model>.<weights version>", e.g. "2026.1.3", into out (>= 32 bytes). */
void incrocio_match_model_version(const struct incrocio_match_model *m, char *out, size_t len);

#endif
