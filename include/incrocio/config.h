#ifndef INCROCIO_CONFIG_H
#define INCROCIO_CONFIG_H

#include <stddef.h>

#include "incrocio/auth.h"
#include "incrocio/error.h"

/* Server configuration: defaults, then environment, then flags. Fixed-size
 * buffers, so a config is plain data: copy it, never free it. */
struct incrocio_config {
    char listen[64];         /* INCROCIO_LISTEN, --listen: an IPv4 or IPv6 literal */
    int port;                /* INCROCIO_PORT, --port */
    char database_url[1024]; /* DATABASE_URL, --database-url */
    /* DATABASE_READ_URL, --database-read-url: a streaming replica of
     * database_url for the reads that may lag (README, Scale-out); "" for none */
    char database_read_url[1024];
    int pool_size;           /* INCROCIO_POOL_SIZE, --pool-size */
    int pool_timeout_ms;     /* INCROCIO_POOL_TIMEOUT_MS, --pool-timeout-ms */
    int http_threads;        /* INCROCIO_HTTP_THREADS, --threads */
    size_t body_limit;       /* INCROCIO_BODY_LIMIT, --body-limit (bytes) */
    int idle_timeout_s;      /* INCROCIO_IDLE_TIMEOUT, --idle-timeout (seconds) */
    int log_level;           /* INCROCIO_LOG_LEVEL, --log-level: a yder Y_LOG_LEVEL_* */
    char cors_origins[1024]; /* INCROCIO_CORS_ORIGINS, --cors-origins: comma-separated */
    /* INCROCIO_RATE_LIMIT, --rate-limit: requests per minute per client
     * address, for calls without a key */
    int rate_limit;
    /* INCROCIO_RATE_LIMITS, --rate-limits "admin=6000,operator=3000,...":
     * requests per minute per key, by role */
    int role_rate_limits[INCROCIO_ROLE_COUNT];
    int metrics_private; /* INCROCIO_METRICS_PRIVATE=1, --metrics-private: admin only */
    int migrate;         /* 0 with --no-migrate or INCROCIO_MIGRATE=0 */
};

typedef const char *(*incrocio_getenv_fn)(const char *name);

/* Fills cfg from defaults, the environment (through getenv_fn, so tests can
 * pass their own) and argv (getopt_long flags, argv[0] being the subcommand).
 * On INCROCIO_ERR_INVALID, err holds one line naming the bad value. */
incrocio_err incrocio_config_parse(struct incrocio_config *cfg, int argc, char **argv,
                                   incrocio_getenv_fn getenv_fn, char *err, size_t errlen);

/* The usage text printed by --help. */
const char *incrocio_config_usage(void);

#endif
