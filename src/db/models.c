/* matching_models: the weights of the matching model, one row per version. */
#include "incrocio/models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/weights.h"

/* A model document (see models.h), built by PostgreSQL from row m. */
#define MODEL_DOC                                                                                \
    "json_build_object('model_version', '" INCROCIO_SCORE_MODEL_VERSION ".' || m.version,"       \
    " 'model', '" INCROCIO_SCORE_MODEL_VERSION "', 'version', m.version,"                        \
    " 'weights', m.weights,"                                                                     \
    " 'created_at', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
    " 'created_by', m.created_by)"

static const struct incrocio_stmt current_stmt = {
    INCROCIO_STMT_MODEL_CURRENT, 0,
    "SELECT " MODEL_DOC " FROM matching_models m ORDER BY m.version DESC LIMIT 1"};

static const struct incrocio_stmt versions_stmt = {
    INCROCIO_STMT_MODEL_VERSIONS, 0,
    "SELECT " MODEL_DOC " FROM matching_models m ORDER BY m.version DESC"};

/* Self-exclusive, and exclusive of every insert, while plain reads go on:
 * held to the end of the transaction, so writers take turns. A statement of
 * its own, before any that reads: in READ COMMITTED each later statement's
 * snapshot then sees the versions committed by the writers waited for. */
static const struct incrocio_stmt lock_stmt = {
    INCROCIO_STMT_MODEL_LOCK, 0, "LOCK TABLE matching_models IN SHARE ROW EXCLUSIVE MODE"};

static const struct incrocio_stmt max_stmt = {
    INCROCIO_STMT_MODEL_MAX, 0, "SELECT COALESCE(max(version), 0) FROM matching_models"};

/* Each weight is stored as float8 writes it (the shortest text that reads
 * back as the same double: 0.1, not 0.10000000000000001), the number the
 * index computes with. Under the lock, max + 1 is free; were it not (a writer
 * that skipped the lock), the primary key refuses it: CONFLICT. */
static const struct incrocio_stmt insert_stmt = {
    INCROCIO_STMT_MODEL_INSERT, 2,
    "INSERT INTO matching_models AS m (version, weights, created_by)"
    " SELECT COALESCE(max(version), 0) + 1,"
    " (SELECT jsonb_object_agg(key, to_jsonb(value::float8)) FROM jsonb_each($1::jsonb)),"
    " $2::uuid FROM matching_models"
    " RETURNING " MODEL_DOC};

/* jsonb keeps an object's members in its own order: put the weights back in
 * component order (any other member, which the API never writes, after). */
static incrocio_err order_weights(json_t *doc)
{
    json_t *stored = json_object_get(doc, "weights"), *ordered, *v;
    const char *key;

    if (!json_is_object(stored))
        return INCROCIO_OK;
    ordered = json_object();
    if (ordered == NULL)
        return INCROCIO_ERR_NOMEM;
    for (int c = 0; c < INCROCIO_C_COUNT; c++) {
        const char *name = incrocio_weights_component_name(c);

        if ((v = json_object_get(stored, name)) != NULL && json_object_set(ordered, name, v) != 0)
            goto nomem;
    }
    json_object_foreach (stored, key, v) {
        if (json_object_get(ordered, key) == NULL && json_object_set(ordered, key, v) != 0)
            goto nomem;
    }
    if (json_object_set_new(doc, "weights", ordered) == 0)
        return INCROCIO_OK;
    return INCROCIO_ERR_NOMEM;
nomem:
    json_decref(ordered);
    return INCROCIO_ERR_NOMEM;
}

/* The one document of res (cleared), weights in order. */
static incrocio_err one_doc(PGresult *res, json_t **doc)
{
    incrocio_err err = incrocio_db_one_json(res, doc);

    if (err == INCROCIO_OK && (err = order_weights(*doc)) != INCROCIO_OK) {
        json_decref(*doc);
        *doc = NULL;
    }
    return err;
}

incrocio_err incrocio_db_model_current(struct incrocio_db_conn *conn, json_t **doc)
{
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &current_stmt, NULL, &res);

    *doc = NULL;
    return err == INCROCIO_OK ? one_doc(res, doc) : err;
}

incrocio_err incrocio_db_model_versions(struct incrocio_db_conn *conn, json_t *items)
{
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &versions_stmt, NULL, &res);

    if (err != INCROCIO_OK)
        return err;
    for (int i = 0; i < PQntuples(res) && err == INCROCIO_OK; i++) {
        json_error_t jerr;
        json_t *doc = json_loads(PQgetvalue(res, i, 0), 0, &jerr);

        if (doc == NULL)
            err = INCROCIO_ERR_INTERNAL;
        else if ((err = order_weights(doc)) != INCROCIO_OK)
            json_decref(doc);
        else if (json_array_append_new(items, doc) != 0)
            err = INCROCIO_ERR_NOMEM;
    }
    PQclear(res);
    return err;
}

incrocio_err incrocio_db_model_lock(struct incrocio_db_conn *conn, int *current)
{
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &lock_stmt, NULL, &res);

    if (err != INCROCIO_OK)
        return err;
    PQclear(res);
    err = incrocio_db_exec(conn, &max_stmt, NULL, &res);
    if (err != INCROCIO_OK)
        return err;
    *current = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_model_create(struct incrocio_db_conn *conn, const json_t *weights,
                                      const char *created_by_key_id, json_t **doc)
{
    const char *values[2];
    char *text;
    PGresult *res;
    int current;
    incrocio_err err;

    *doc = NULL;
    /* Again when the caller took it already: a no-op then. */
    err = incrocio_db_model_lock(conn, &current);
    if (err != INCROCIO_OK)
        return err;
    text = json_dumps(weights, JSON_COMPACT);
    if (text == NULL)
        return INCROCIO_ERR_NOMEM;
    values[0] = text;
    values[1] = created_by_key_id;
    err = incrocio_db_exec(conn, &insert_stmt, values, &res);
    free(text);
    return err == INCROCIO_OK ? one_doc(res, doc) : err;
}

incrocio_err incrocio_db_model_latest_pg(PGconn *pg, int *version, struct incrocio_weights *w)
{
    PGresult *res = PQexec(pg, "SELECT version, weights::text FROM matching_models"
                               " ORDER BY version DESC LIMIT 1");
    json_t *weights, *errors;
    json_error_t jerr;
    incrocio_err err = INCROCIO_OK;

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        err = incrocio_db_error_of(pg, res);
        PQclear(res);
        return err;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        return INCROCIO_ERR_NOT_FOUND;
    }
    weights = json_loads(PQgetvalue(res, 0, 1), 0, &jerr);
    errors = json_array();
    if (weights == NULL || errors == NULL)
        err = weights == NULL ? INCROCIO_ERR_INVALID : INCROCIO_ERR_NOMEM;
    else if (incrocio_weights_from_json(weights, w, errors) > 0)
        err = INCROCIO_ERR_INVALID;
    else
        *version = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    json_decref(weights);
    json_decref(errors);
    PQclear(res);
    return err;
}
