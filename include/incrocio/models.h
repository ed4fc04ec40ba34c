#ifndef INCROCIO_MODELS_H
#define INCROCIO_MODELS_H

#include <jansson.h>
#include <libpq-fe.h>

#include "incrocio/db.h"
#include "incrocio/error.h"
#include "incrocio/score.h"

/* db/models.c: the matching model's weights, one matching_models row per
 * version (1: the defaults). Never updated nor deleted: a change is a new
 * version.
 *
 * A model document: {"model_version": "<INCROCIO_SCORE_MODEL_VERSION>.<version>",
 * "model": INCROCIO_SCORE_MODEL_VERSION, "version": n, "weights": {...} (in
 * component order), "created_at": RFC 3339 UTC, "created_by": key id or null}. */

/* The document of the latest version into *doc (json_decref it). */
incrocio_err incrocio_db_model_current(struct incrocio_db_conn *conn, json_t **doc);

/* Appends the document of every version, newest first, to items. */
incrocio_err incrocio_db_model_versions(struct incrocio_db_conn *conn, json_t *items);

/* Takes the lock that serialises new versions (held until the caller's
 * transaction ends: call it inside one) and reads the latest version into
 * *current. A writer that checks an If-Match against *current and then calls
 * incrocio_db_model_create cannot be overtaken in between. */
incrocio_err incrocio_db_model_lock(struct incrocio_db_conn *conn, int *current);

/* Inserts weights (as incrocio_weights_from_json accepts them) as version
 * latest + 1, created by the API key created_by_key_id (NULL: none), in the
 * caller's transaction, and returns its document in *doc (json_decref it).
 * Takes the lock of incrocio_db_model_lock first: concurrent writers wait for
 * each other and each gets a version of its own. */
incrocio_err incrocio_db_model_create(struct incrocio_db_conn *conn, const json_t *weights,
                                      const char *created_by_key_id, json_t **doc);

/* For the matching index's sync thread, on its own connection (not pooled:
 * plain libpq, no prepared statement): the latest version and its weights.
 * NOT_FOUND when there is none, INVALID when the stored weights are not
 * valid ones (written behind the API's back). */
incrocio_err incrocio_db_model_latest_pg(PGconn *pg, int *version, struct incrocio_weights *w);

#endif
