/* incrocio: the CLI. serve | migrate | version | --help */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yder.h>

#include "incrocio/config.h"
#include "incrocio/db.h"
#include "incrocio/http.h"
#include "incrocio/keys.h"
#include "incrocio/match_sync.h"
#include "incrocio/migrate.h"
#include "incrocio/seed.h"

static const char *env(const char *name)
{
    return getenv(name);
}

static int migrate(const struct incrocio_config *cfg)
{
    char err[512];
    int applied = 0;

    if (incrocio_migrate_run(cfg->database_url, &applied, err, sizeof err) != INCROCIO_OK) {
        y_log_message(Y_LOG_LEVEL_ERROR, "%s", err);
        return 1;
    }
    y_log_message(Y_LOG_LEVEL_INFO, "migrations: %d applied, schema up to date", applied);
    return 0;
}

static int serve(const struct incrocio_config *cfg)
{
    struct incrocio_db_pool *pool = NULL, *read_pool = NULL;
    struct incrocio_match_sync *matching = NULL;
    incrocio_err err;

    if (cfg->migrate && migrate(cfg) != 0)
        return 1;
    err = incrocio_db_pool_new(cfg->database_url, cfg->pool_size, cfg->pool_timeout_ms, &pool);
    if (err != INCROCIO_OK) {
        y_log_message(Y_LOG_LEVEL_ERROR, "database pool: %s", incrocio_err_str(err));
        return 1;
    }
    /* The replica's pool: the same size and timeout; never migrated (a
     * standby is read-only), never named in the log (its URL has a password). */
    if (cfg->database_read_url[0] != '\0') {
        err = incrocio_db_pool_new(cfg->database_read_url, cfg->pool_size, cfg->pool_timeout_ms,
                                   &read_pool);
        if (err != INCROCIO_OK) {
            y_log_message(Y_LOG_LEVEL_ERROR, "read replica pool: %s", incrocio_err_str(err));
            incrocio_db_pool_free(pool);
            return 1;
        }
        incrocio_db_pool_mark_replica(read_pool);
        y_log_message(Y_LOG_LEVEL_INFO, "read replica: lists, statistics and the changes feed "
                                        "read from DATABASE_READ_URL while it is reachable");
    }
    /* The matching index stays on the primary: it LISTENs, which a standby
     * refuses, and reads the change log by the primary's snapshots. */
    err = incrocio_match_sync_start(cfg->database_url, &matching);
    if (err != INCROCIO_OK) {
        y_log_message(Y_LOG_LEVEL_ERROR, "matching: %s", incrocio_err_str(err));
        incrocio_db_pool_free(read_pool);
        incrocio_db_pool_free(pool);
        return 1;
    }
    err = incrocio_server_run(cfg, pool, read_pool, matching);
    incrocio_match_sync_stop(matching);
    incrocio_db_pool_free(read_pool);
    incrocio_db_pool_free(pool);
    if (err != INCROCIO_OK) {
        y_log_message(Y_LOG_LEVEL_ERROR, "server: %s", incrocio_err_str(err));
        return 1;
    }
    return 0;
}

/* incrocio routes: the routes table with the roles each admits, one per line
 * ("GET /v1/offices admin,operator,portal,employer"), for tests and audits. */
static int print_routes(void)
{
    size_t n;
    const struct incrocio_route *routes = incrocio_routes(&n);

    for (size_t i = 0; i < n; i++) {
        const char *sep = "";

        printf("%s %s ", routes[i].method, routes[i].path);
        for (int r = 0; r < INCROCIO_ROLE_COUNT; r++) {
            if (routes[i].access & INCROCIO_ROLE_BIT(r)) {
                printf("%s%s", sep, incrocio_role_name((enum incrocio_role)r));
                sep = ",";
            }
        }
        putchar('\n');
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct incrocio_config cfg;
    const char *cmd = argc > 1 ? argv[1] : NULL;
    char err[256];
    sigset_t signals;
    int rc;

    if (cmd == NULL || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(incrocio_config_usage(), cmd ? stdout : stderr);
        return cmd ? 0 : 2;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("incrocio %s\n", INCROCIO_VERSION);
        return 0;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 &&
            (strcmp(cmd, "serve") == 0 || strcmp(cmd, "migrate") == 0)) {
            fputs(incrocio_config_usage(), stdout);
            return 0;
        }
    }
    if (strcmp(cmd, "routes") == 0)
        return print_routes();
    if (strcmp(cmd, "seed") == 0)
        return incrocio_cli_seed(argc - 1, argv + 1, getenv("DATABASE_URL"), stdout, stderr);
    if (strcmp(cmd, "keys") == 0)
        return incrocio_cli_keys(argc - 1, argv + 1, getenv("DATABASE_URL"), stdout, stderr);
    if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0) {
        fprintf(stderr, "incrocio: unknown command '%.80s' (try incrocio --help)\n", cmd);
        return 2;
    }
    if (incrocio_config_parse(&cfg, argc - 1, argv + 1, env, err, sizeof err) != INCROCIO_OK) {
        fprintf(stderr, "incrocio: %s\n", err);
        return 2;
    }
    if (cfg.database_url[0] == '\0') {
        fprintf(stderr, "incrocio: invalid DATABASE_URL: not set (or pass --database-url)\n");
        return 2;
    }

    /* Every thread inherits this mask; the server takes the signals with
     * sigwait() and shuts down in order. */
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    y_init_logs("incrocio", Y_LOG_MODE_CONSOLE, (unsigned long)cfg.log_level, NULL,
                "incrocio " INCROCIO_VERSION);
    rc = strcmp(cmd, "serve") == 0 ? serve(&cfg) : migrate(&cfg);
    y_close_logs();
    return rc;
}
