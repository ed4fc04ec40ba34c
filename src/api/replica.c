/* The read replica (DATABASE_READ_URL): which pool a lag-tolerant read
 * borrows from. Only reads that may show a state a little older than the
 * last commit come here (the README's Scale-out section lists them and why):
 * never a read that must see the caller's own write, never one that writes
 * (an audit record included). While the replica is unreachable they go to
 * the primary, so it adds capacity and never an outage. */
#include "incrocio/api.h"
#include "incrocio/db.h"
#include "incrocio/problem.h"

struct incrocio_db_pool *incrocio_api_read_pool(const struct incrocio_req *ctx)
{
    struct incrocio_db_pool *replica = ctx->app->read_pool;

    return replica != NULL && incrocio_db_pool_healthy(replica) ? replica : ctx->app->pool;
}

int incrocio_api_begin_read(const struct _u_request *req, struct _u_response *resp,
                            struct incrocio_req *ctx, struct incrocio_db_pool **pool,
                            struct incrocio_db_conn **conn)
{
    *pool = incrocio_api_read_pool(ctx);
    return incrocio_api_begin_on(req, resp, ctx, *pool, conn);
}

int incrocio_api_finish_read(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx, struct incrocio_db_pool *pool,
                             struct incrocio_db_conn *conn, incrocio_err err)
{
    if (err == INCROCIO_OK)
        err = incrocio_db_commit(conn);
    incrocio_db_checkin(pool, conn);
    if (err != INCROCIO_OK) {
        incrocio_problem_from_err(req, resp, ctx, err);
        return 0;
    }
    return 1;
}
