#ifndef INCROCIO_METRICS_H
#define INCROCIO_METRICS_H

#include <stddef.h>

#include "incrocio/db.h"

/* Prometheus metrics: request counts by route template, method and status, a
 * latency histogram per route, the pool's gauges and the build. Counters are
 * lock-free atomics in fixed arrays sized at start: observing never allocates. */
struct incrocio_metrics;

/* labels: the route templates (borrowed; must outlive the metrics). */
struct incrocio_metrics *incrocio_metrics_new(size_t n_routes, const char *const *labels);
void incrocio_metrics_free(struct incrocio_metrics *m);

void incrocio_metrics_observe(struct incrocio_metrics *m, size_t route, const char *method,
                              unsigned status, double seconds);

/* The exposition text; the caller frees it. pool may be NULL. */
char *incrocio_metrics_render_new(struct incrocio_metrics *m, struct incrocio_db_pool *pool);

#endif
