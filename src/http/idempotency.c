/* Idempotency-Key around a POST's handler: the stored first response is
 * replayed, a key reused for another request is refused, and a request that
 * lost the race to commit with the same key answers with the winner's
 * response. The key's row itself is inserted by incrocio_api_finish, in the
 * handler's transaction. */
#include "incrocio/idempotency.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yder.h>

#include "incrocio/idempotency_keys.h"
#include "incrocio/problem.h"
#include "incrocio/respond.h"

#define HEADER "Idempotency-Key"
#define WAIT_MS 5000    /* how long a duplicate waits for the first one's response */
#define PRUNE_EVERY 64u /* stored responses between two prunes */
#define PRUNE_BATCH 500

static atomic_uint stored_count;

static void bad_key(const struct _u_request *req, struct _u_response *resp,
                    const struct incrocio_req *ctx, enum incrocio_idem_key_check why)
{
    json_t *errors = json_array();

    switch (why) {
    case INCROCIO_IDEM_KEY_EMPTY:
        incrocio_problem_add_param(errors, HEADER, "idempotency.key_empty",
                                   "Idempotency-Key must not be empty");
        break;
    case INCROCIO_IDEM_KEY_TOO_LONG:
        incrocio_problem_add_param(errors, HEADER, "idempotency.key_too_long",
                                   "Idempotency-Key must be at most 255 characters long");
        break;
    default:
        incrocio_problem_add_param(errors, HEADER, "idempotency.key_characters",
                                   "Idempotency-Key must be visible ASCII characters only "
                                   "(no spaces or control characters)");
        break;
    }
    incrocio_problem_send(req, resp, ctx, 400, "invalid-parameter",
                          "the Idempotency-Key header is invalid: see errors", errors);
}

/* Clears what an answer built before may have set. */
static void reset(struct _u_response *resp)
{
    static const char *const drop[] = {"Location", "ETag", "Retry-After", "Link", "Content-Type"};

    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        while (u_map_has_key_case(resp->map_header, drop[i]))
            u_map_remove_from_key_case(resp->map_header, drop[i]);
}

/* The stored response again; 0 when it cannot be unsealed (never, unless
 * the row was altered). */
static int replay(struct _u_response *resp, const struct incrocio_idem *idem,
                  const struct incrocio_idem_row *row)
{
    size_t len = 0;
    char *body = row->body ? incrocio_idempotency_unseal_new(idem->seal, row->body, &len) : NULL;

    if (body == NULL)
        return 0;
    reset(resp);
    incrocio_respond_bytes(resp, (unsigned)row->status,
                           row->content_type[0] ? row->content_type : NULL, body, len);
    free(body);
    if (row->location[0])
        incrocio_respond_header(resp, "Location", row->location);
    if (row->etag[0])
        incrocio_respond_header(resp, "ETag", row->etag);
    incrocio_respond_header(resp, "Idempotency-Replayed", "true");
    return 1;
}

static void mismatch(const struct _u_request *req, struct _u_response *resp,
                     const struct incrocio_req *ctx)
{
    json_t *errors = json_array();

    reset(resp);
    incrocio_problem_add_param(errors, HEADER, "idempotency.mismatch",
                               "this key was first used for another method, path or body");
    incrocio_problem_send(req, resp, ctx, 422, "validation",
                          "this Idempotency-Key belongs to another request: send a new key "
                          "with a new request",
                          errors);
}

static void in_progress(const struct _u_request *req, struct _u_response *resp,
                        const struct incrocio_req *ctx, int lost)
{
    json_t *errors = json_array();

    reset(resp);
    if (lost) {
        incrocio_problem_add_param(errors, HEADER, "idempotency.response_lost",
                                   "the first request was carried out but its response was "
                                   "not recorded");
        incrocio_problem_send(req, resp, ctx, 409, "conflict",
                              "the request with this Idempotency-Key was carried out, but its "
                              "response was lost: read the resource instead of retrying",
                              errors);
        return;
    }
    incrocio_problem_add_param(errors, HEADER, "idempotency.in_progress",
                               "a request with this key is still being processed");
    incrocio_respond_header(resp, "Retry-After", "1");
    incrocio_problem_send(req, resp, ctx, 409, "conflict",
                          "a request with this Idempotency-Key is still being processed: retry "
                          "after Retry-After seconds",
                          errors);
}

static incrocio_err lookup(const struct incrocio_req *ctx, const struct incrocio_idem *idem,
                           struct incrocio_idem_row *row)
{
    struct incrocio_db_conn *conn;
    incrocio_err err = incrocio_db_checkout(ctx->app->pool, &conn);

    memset(row, 0, sizeof *row);
    if (err != INCROCIO_OK)
        return err;
    err = incrocio_db_idempotency_find(conn, idem->scope, idem->key_hash, row);
    incrocio_db_checkin(ctx->app->pool, conn);
    return err;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Answers from the key's row, waiting while its response is not stored
 * yet. 0 when there is no live row (nothing answered), or with keep_answer
 * when the row cannot be read (the answer built stays). */
static int answer_from_row(const struct _u_request *req, struct _u_response *resp,
                           const struct incrocio_req *ctx, const struct incrocio_idem *idem,
                           int keep_answer)
{
    struct incrocio_idem_row row;
    long waited = 0, delay = 5;
    incrocio_err err = lookup(ctx, idem, &row);

    for (;;) {
        if (err == INCROCIO_ERR_NOT_FOUND || (err != INCROCIO_OK && keep_answer))
            return 0;
        if (err != INCROCIO_OK) {
            reset(resp);
            incrocio_problem_from_err(req, resp, ctx, err);
            return 1;
        }
        if (strcmp(row.fingerprint, idem->fingerprint) != 0) {
            free(row.body);
            mismatch(req, resp, ctx);
            return 1;
        }
        if (row.status != 0) {
            if (!replay(resp, idem, &row)) {
                reset(resp);
                incrocio_problem_from_err(req, resp, ctx, INCROCIO_ERR_INTERNAL);
            }
            free(row.body);
            return 1;
        }
        free(row.body);
        if (row.stale || waited >= WAIT_MS) {
            in_progress(req, resp, ctx, row.stale);
            return 1;
        }
        sleep_ms(delay);
        waited += delay;
        delay = delay * 2 > 100 ? 100 : delay * 2;
        err = lookup(ctx, idem, &row);
    }
}

int incrocio_idempotency_before(const struct _u_request *req, struct _u_response *resp,
                                struct incrocio_req *ctx, struct incrocio_idem *idem,
                                const char *client_address)
{
    const char *value = incrocio_req_header(req, HEADER);
    enum incrocio_idem_key_check check;
    incrocio_err err;

    ctx->idem = NULL;
    if (value == NULL)
        return 1;
    check = incrocio_idempotency_key_check(value);
    if (check != INCROCIO_IDEM_KEY_OK) {
        bad_key(req, resp, ctx, check);
        return 0;
    }
    memset(idem, 0, sizeof *idem);
    incrocio_idempotency_scope(ctx->who.key_id, client_address, idem->scope, sizeof idem->scope);
    err = incrocio_idempotency_key_hash(value, idem->key_hash);
    if (err == INCROCIO_OK)
        err = incrocio_idempotency_seal_key(value, idem->scope, idem->seal);
    if (err == INCROCIO_OK)
        err = incrocio_idempotency_fingerprint(req->http_verb, req->url_path, ctx->body,
                                               idem->fingerprint);
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return 0;
    }
    if (answer_from_row(req, resp, ctx, idem, 0))
        return 0;
    ctx->idem = idem;
    return 1;
}

incrocio_err incrocio_idempotency_claim(struct incrocio_idem *idem, struct incrocio_db_conn *conn)
{
    int claimed = 0;
    incrocio_err err;

    if (idem->claimed) /* a handler's second transaction: the key is taken already */
        return INCROCIO_OK;
    err = incrocio_db_idempotency_claim(conn, idem->scope, idem->key_hash, idem->fingerprint,
                                        &claimed);
    if (err == INCROCIO_OK && !claimed) {
        idem->lost = 1;
        return INCROCIO_ERR_CONFLICT;
    }
    return err;
}

static void store(const struct _u_response *resp, const struct incrocio_req *ctx,
                  const struct incrocio_idem *idem)
{
    const char *location = u_map_get_case(resp->map_header, "Location");
    const char *etag = u_map_get_case(resp->map_header, "ETag");
    const char *type = u_map_get_case(resp->map_header, "Content-Type");
    char *body = incrocio_idempotency_seal_new(
        idem->seal, resp->binary_body ? resp->binary_body : "", resp->binary_body_length);
    struct incrocio_db_conn *conn;
    incrocio_err err = body ? incrocio_db_checkout(ctx->app->pool, &conn) : INCROCIO_ERR_NOMEM;
    int pruned = 0;

    if (err == INCROCIO_OK) {
        err = incrocio_db_idempotency_store(conn, idem->scope, idem->key_hash, idem->fingerprint,
                                            (int)resp->status, location, etag, type, body);
        /* Expired rows are ignored anyway: pruning only bounds the table. */
        if (err == INCROCIO_OK && atomic_fetch_add(&stored_count, 1) % PRUNE_EVERY == 0)
            incrocio_db_idempotency_prune(conn, PRUNE_BATCH, &pruned);
        incrocio_db_checkin(ctx->app->pool, conn);
    }
    free(body);
    /* The write is committed: a retry will find the row without a response
     * and be told so (409 idempotency.response_lost). */
    if (err != INCROCIO_OK)
        y_log_message(Y_LOG_LEVEL_WARNING, "idempotency: response not stored (%s) rid=%s",
                      incrocio_err_str(err), ctx->request_id);
}

void incrocio_idempotency_after(const struct _u_request *req, struct _u_response *resp,
                                struct incrocio_req *ctx)
{
    const struct incrocio_idem *idem = ctx->idem;

    if (idem == NULL)
        return;
    if (idem->claimed) {
        store(resp, ctx, idem);
        return;
    }
    /* An error may come from losing the race to a duplicate (its commit
     * made this one's write conflict, or its key row came first): the
     * duplicate's response is then this request's too. */
    if (resp->status >= 400 || idem->lost)
        answer_from_row(req, resp, ctx, idem, !idem->lost);
}
