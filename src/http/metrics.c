#include "incrocio/metrics.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"GET",   "HEAD",   "POST",    "PUT",
                                      "PATCH", "DELETE", "OPTIONS", "OTHER"};
#define N_METHODS (sizeof methods / sizeof methods[0])
#define N_STATUS 500 /* 100..599 */

static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,    0.25,  0.5,    1.0,   2.5,  5.0};
#define N_BOUNDS (sizeof bounds / sizeof bounds[0])

struct route_metrics {
    atomic_ulong count[N_METHODS][N_STATUS];
    atomic_ulong buckets[N_BOUNDS + 1]; /* the last one is +Inf */
    atomic_ulong sum_ns;
};

struct incrocio_metrics {
    size_t n_routes;
    const char *const *labels;
    struct route_metrics *routes;
};

struct incrocio_metrics *incrocio_metrics_new(size_t n_routes, const char *const *labels)
{
    struct incrocio_metrics *m = calloc(1, sizeof *m);

    if (m == NULL)
        return NULL;
    m->routes = calloc(n_routes, sizeof *m->routes);
    if (m->routes == NULL) {
        free(m);
        return NULL;
    }
    m->n_routes = n_routes;
    m->labels = labels;
    return m;
}

void incrocio_metrics_free(struct incrocio_metrics *m)
{
    if (m == NULL)
        return;
    free(m->routes);
    free(m);
}

static size_t method_index(const char *method)
{
    for (size_t i = 0; i + 1 < N_METHODS; i++)
        if (method && strcmp(method, methods[i]) == 0)
            return i;
    return N_METHODS - 1;
}

void incrocio_metrics_observe(struct incrocio_metrics *m, size_t route, const char *method,
                              unsigned status, double seconds)
{
    struct route_metrics *r;
    size_t b = 0;

    if (m == NULL || route >= m->n_routes || status < 100 || status > 599)
        return;
    r = &m->routes[route];
    atomic_fetch_add_explicit(&r->count[method_index(method)][status - 100], 1,
                              memory_order_relaxed);
    while (b < N_BOUNDS && seconds > bounds[b])
        b++;
    atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->sum_ns, (unsigned long)(seconds * 1e9), memory_order_relaxed);
}

char *incrocio_metrics_render_new(struct incrocio_metrics *m, struct incrocio_db_pool *pool)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (f == NULL)
        return NULL;
    fputs("# HELP incrocio_http_requests_total HTTP requests answered, by route template, method "
          "and status.\n# TYPE incrocio_http_requests_total counter\n",
          f);
    for (size_t r = 0; r < m->n_routes; r++)
        for (size_t mi = 0; mi < N_METHODS; mi++)
            for (size_t s = 0; s < N_STATUS; s++) {
                unsigned long v =
                    atomic_load_explicit(&m->routes[r].count[mi][s], memory_order_relaxed);
                if (v)
                    fprintf(f,
                            "incrocio_http_requests_total{route=\"%s\",method=\"%s\","
                            "status=\"%zu\"} %lu\n",
                            m->labels[r], methods[mi], s + 100, v);
            }
    fputs("# HELP incrocio_http_request_duration_seconds Time to build a response, by route "
          "template.\n# TYPE incrocio_http_request_duration_seconds histogram\n",
          f);
    for (size_t r = 0; r < m->n_routes; r++) {
        const struct route_metrics *rm = &m->routes[r];
        unsigned long cumulative = 0;

        for (size_t b = 0; b <= N_BOUNDS; b++)
            cumulative += atomic_load_explicit(&rm->buckets[b], memory_order_relaxed);
        if (cumulative == 0)
            continue;
        cumulative = 0;
        for (size_t b = 0; b <= N_BOUNDS; b++) {
            cumulative += atomic_load_explicit(&rm->buckets[b], memory_order_relaxed);
            if (b < N_BOUNDS)
                fprintf(f,
                        "incrocio_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
                        "%lu\n",
                        m->labels[r], bounds[b], cumulative);
            else
                fprintf(f,
                        "incrocio_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
                        "%lu\n",
                        m->labels[r], cumulative);
        }
        fprintf(f, "incrocio_http_request_duration_seconds_sum{route=\"%s\"} %.9f\n", m->labels[r],
                (double)atomic_load_explicit(&rm->sum_ns, memory_order_relaxed) / 1e9);
        fprintf(f, "incrocio_http_request_duration_seconds_count{route=\"%s\"} %lu\n", m->labels[r],
                cumulative);
    }
    if (pool) {
        int size, in_use, waiting;
        incrocio_db_pool_stats(pool, &size, &in_use, &waiting);
        fprintf(f,
                "# HELP incrocio_db_pool_size Database connections in the pool.\n"
                "# TYPE incrocio_db_pool_size gauge\nincrocio_db_pool_size %d\n"
                "# HELP incrocio_db_pool_in_use Connections checked out now.\n"
                "# TYPE incrocio_db_pool_in_use gauge\nincrocio_db_pool_in_use %d\n"
                "# HELP incrocio_db_pool_waiting Requests waiting for a connection.\n"
                "# TYPE incrocio_db_pool_waiting gauge\nincrocio_db_pool_waiting %d\n"
                "# HELP incrocio_db_up 1 when the last health check reached the database.\n"
                "# TYPE incrocio_db_up gauge\nincrocio_db_up %d\n",
                size, in_use, waiting, incrocio_db_pool_healthy(pool));
    }
    fprintf(f,
            "# HELP incrocio_build_info The running build.\n# TYPE incrocio_build_info gauge\n"
            "incrocio_build_info{version=\"%s\"} 1\n",
            INCROCIO_VERSION);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
