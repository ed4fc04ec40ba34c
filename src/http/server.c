#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yder.h>

#include "incrocio/dispatch.h"
#include "incrocio/http.h"
#include "incrocio/keys.h"
#include "incrocio/metrics.h"
#include "incrocio/ratelimit.h"

#define DRAIN_TIMEOUT_S 10 /* requests in flight get this long to finish */
#define STOP_WATCHDOG_S 10 /* MHD_stop_daemon was once seen to hang */

struct server {
    atomic_int in_flight;
};

/* MHD calls this first for every request: count it in flight, then let ulfius
 * set up its own state. */
static void *on_uri(void *cls, const char *uri)
{
    struct server *srv = cls;
    void *con_info = ulfius_uri_logger(NULL, uri);

    if (con_info != NULL)
        atomic_fetch_add(&srv->in_flight, 1);
    return con_info;
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;

    if (*con_cls != NULL)
        atomic_fetch_sub(&srv->in_flight, 1);
    mhd_request_completed(NULL, connection, con_cls, toe);
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256];

    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    y_log_message(Y_LOG_LEVEL_WARNING, "http: %s", msg);
}

/* libmicrohttpd's fatal errors. One is not fatal: in 0.9.75, with a thread
 * pool on epoll, MHD_quiesce_daemon() marks a worker quiesced and then takes
 * the listening socket out of that worker's epoll set; a worker that wakes in
 * between takes it out itself (its own path tolerates ENOENT, quiesce's does
 * not) and quiesce panics on ENOENT. The socket is out of the set either way,
 * and the code after the panic only records that. Anything else aborts, as
 * MHD's default handler does. */
static void on_mhd_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
    (void)cls;
    if (reason && strstr(reason, "Failed to remove listen FD from epoll set") && errno == ENOENT) {
        y_log_message(Y_LOG_LEVEL_DEBUG, "libmicrohttpd: listening socket already out of a "
                                         "worker's epoll set at quiesce (benign race)");
        return;
    }
    y_log_message(Y_LOG_LEVEL_ERROR, "libmicrohttpd fatal error at %s:%u: %s", file ? file : "?",
                  line, reason ? reason : "?");
    abort();
}

static void *watchdog(void *arg)
{
    (void)arg;
    sleep(STOP_WATCHDOG_S);
    y_log_message(Y_LOG_LEVEL_ERROR, "shutdown took over %d s: exiting now", STOP_WATCHDOG_S);
    _exit(1);
    return NULL;
}

static void drain(struct server *srv)
{
    struct timespec start, now, nap = {0, 10 * 1000 * 1000};

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (atomic_load(&srv->in_flight) > 0) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= DRAIN_TIMEOUT_S) {
            y_log_message(Y_LOG_LEVEL_WARNING, "%d request(s) still in flight after %d s",
                          atomic_load(&srv->in_flight), DRAIN_TIMEOUT_S);
            return;
        }
        nanosleep(&nap, NULL);
    }
}

static incrocio_err app_init(struct incrocio_app *app, const struct incrocio_config *cfg)
{
    app->keys = incrocio_keycache_new();
    if (app->keys == NULL)
        return INCROCIO_ERR_NOMEM;
    for (int r = 0; r < INCROCIO_ROLE_COUNT; r++) {
        int limit = r == INCROCIO_ROLE_ANONYMOUS ? cfg->rate_limit : cfg->role_rate_limits[r];
        app->ratelimit[r] = incrocio_ratelimit_new(limit);
        if (app->ratelimit[r] == NULL)
            return INCROCIO_ERR_NOMEM;
    }
    return INCROCIO_OK;
}

/* Frees what app_init and the dispatcher made; the pool is the caller's. */
static void app_clear(struct incrocio_app *app)
{
    for (int r = 0; r < INCROCIO_ROLE_COUNT; r++)
        incrocio_ratelimit_free(app->ratelimit[r]);
    incrocio_keycache_free(app->keys);
    incrocio_metrics_free(app->metrics);
}

incrocio_err incrocio_server_run(const struct incrocio_config *cfg, struct incrocio_db_pool *pool,
                                 struct incrocio_db_pool *read_pool,
                                 struct incrocio_match_sync *matching)
{
    struct server srv;
    struct incrocio_app app = {
        .cfg = cfg, .pool = pool, .read_pool = read_pool, .matching = matching};
    struct incrocio_dispatch *dispatch = NULL;
    struct _u_instance instance;
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    struct sockaddr *addr;
    unsigned flags;
    sigset_t signals;
    pthread_t dog;
    int sig = 0;
    MHD_socket listen_fd;
    incrocio_err err;

    atomic_init(&srv.in_flight, 0);
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, cfg->listen, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)cfg->port);
        addr = (struct sockaddr *)&a4;
        flags = 0;
    } else if (inet_pton(AF_INET6, cfg->listen, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)cfg->port);
        addr = (struct sockaddr *)&a6;
        flags = MHD_USE_IPv6;
    } else {
        return INCROCIO_ERR_INVALID;
    }

    if (app_init(&app, cfg) != INCROCIO_OK) {
        app_clear(&app);
        return INCROCIO_ERR_NOMEM;
    }
    if (ulfius_init_instance(&instance, (unsigned)cfg->port, NULL, NULL) != U_OK) {
        app_clear(&app);
        return INCROCIO_ERR_INTERNAL;
    }
    /* One byte over the limit is kept, so an oversized body is detectable. */
    instance.max_post_body_size = cfg->body_limit + 1;
    instance.allowed_post_processor = U_POST_PROCESS_NONE;
    /* ulfius would silently drop values that are not UTF-8: keep them, and
     * let limits.c refuse them with a 400. */
    instance.check_utf8 = 0;
    err = incrocio_dispatch_new(&instance, &app, &dispatch);
    if (err != INCROCIO_OK) {
        ulfius_clean_instance(&instance);
        app_clear(&app);
        return err;
    }

    {
        /* The epoll thread pool: the default thread-per-connection mode uses
         * select() and drops connections past FD_SETSIZE. */
        struct MHD_OptionItem ops[] = {
            {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL}, /* first, or MHD warns */
            {MHD_OPTION_SOCK_ADDR, 0, addr},
            {MHD_OPTION_THREAD_POOL_SIZE, cfg->http_threads, NULL},
            {MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout_s, NULL},
            {MHD_OPTION_CONNECTION_LIMIT, 16384, NULL},
            {MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096, NULL},
            {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 16 * 1024, NULL},
            {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, &srv},
            {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, &srv},
            {MHD_OPTION_END, 0, NULL},
        };
        flags |= MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                 MHD_USE_TURBO;
        MHD_set_panic_func(on_mhd_panic, NULL);
        if (ulfius_start_framework_with_mhd_options(&instance, flags, ops) != U_OK) {
            y_log_message(Y_LOG_LEVEL_ERROR, "cannot listen on %s port %d", cfg->listen, cfg->port);
            ulfius_clean_instance(&instance);
            incrocio_dispatch_free(dispatch);
            app_clear(&app);
            return INCROCIO_ERR_IO;
        }
    }
    y_log_message(Y_LOG_LEVEL_INFO, "incrocio %s listening on %s port %d (%d threads)",
                  INCROCIO_VERSION, cfg->listen, cfg->port, cfg->http_threads);

    /* main() blocked these in every thread: only this wait receives them. */
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigwait(&signals, &sig);
    y_log_message(Y_LOG_LEVEL_INFO, "signal %d: draining %d request(s) in flight", sig,
                  atomic_load(&srv.in_flight));

    listen_fd = MHD_quiesce_daemon(instance.mhd_daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    drain(&srv);
    if (pthread_create(&dog, NULL, watchdog, NULL) == 0)
        pthread_detach(dog);
    ulfius_stop_framework(&instance);
    ulfius_clean_instance(&instance);
    incrocio_dispatch_free(dispatch);
    app_clear(&app);
    y_log_message(Y_LOG_LEVEL_INFO, "stopped");
    return INCROCIO_OK;
}
