#include "incrocio/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yder.h>

enum {
    OPT_LISTEN = 1000,
    OPT_PORT,
    OPT_DATABASE_URL,
    OPT_DATABASE_READ_URL,
    OPT_POOL_SIZE,
    OPT_POOL_TIMEOUT,
    OPT_THREADS,
    OPT_BODY_LIMIT,
    OPT_IDLE_TIMEOUT,
    OPT_LOG_LEVEL,
    OPT_CORS,
    OPT_RATE_LIMIT,
    OPT_RATE_LIMITS,
    OPT_METRICS_PRIVATE,
    OPT_NO_MIGRATE,
};

/* One row per setting: its flag, its environment variable. */
struct setting {
    const char *flag;
    int opt;
    const char *env;
};

static const struct setting settings[] = {
    {"listen", OPT_LISTEN, "INCROCIO_LISTEN"},
    {"port", OPT_PORT, "INCROCIO_PORT"},
    {"database-url", OPT_DATABASE_URL, "DATABASE_URL"},
    {"database-read-url", OPT_DATABASE_READ_URL, "DATABASE_READ_URL"},
    {"pool-size", OPT_POOL_SIZE, "INCROCIO_POOL_SIZE"},
    {"pool-timeout-ms", OPT_POOL_TIMEOUT, "INCROCIO_POOL_TIMEOUT_MS"},
    {"threads", OPT_THREADS, "INCROCIO_HTTP_THREADS"},
    {"body-limit", OPT_BODY_LIMIT, "INCROCIO_BODY_LIMIT"},
    {"idle-timeout", OPT_IDLE_TIMEOUT, "INCROCIO_IDLE_TIMEOUT"},
    {"log-level", OPT_LOG_LEVEL, "INCROCIO_LOG_LEVEL"},
    {"cors-origins", OPT_CORS, "INCROCIO_CORS_ORIGINS"},
    {"rate-limit", OPT_RATE_LIMIT, "INCROCIO_RATE_LIMIT"},
    {"rate-limits", OPT_RATE_LIMITS, "INCROCIO_RATE_LIMITS"},
    {"metrics-private", OPT_METRICS_PRIVATE, "INCROCIO_METRICS_PRIVATE"},
    {"no-migrate", OPT_NO_MIGRATE, "INCROCIO_MIGRATE"},
};

#define N_SETTINGS (sizeof settings / sizeof settings[0])

const char *incrocio_config_usage(void)
{
    return "usage: incrocio <command> [options]\n"
           "\n"
           "commands:\n"
           "  serve      migrate (unless --no-migrate) and serve the API\n"
           "  migrate    apply the pending SQL migrations and exit\n"
           "  version    print the version and exit\n"
           "  keys       create, list or revoke API keys (incrocio keys for usage;\n"
           "             DATABASE_URL from the environment)\n"
           "  routes     print every route and the roles it admits\n"
           "  seed       add synthetic job seekers: seed [--job-seekers N] [--seed S]\n"
           "             (DATABASE_URL from the environment)\n"
           "\n"
           "options (environment variable in brackets):\n"
           "  --listen ADDR          IP address to bind (INCROCIO_LISTEN, default 127.0.0.1)\n"
           "  --port N               TCP port (INCROCIO_PORT, default 8080)\n"
           "  --database-url URL     libpq connection string (DATABASE_URL)\n"
           "  --database-read-url URL  a streaming replica for lag-tolerant reads: lists,\n"
           "                         statistics, the changes feed (DATABASE_READ_URL,\n"
           "                         default none: every read on DATABASE_URL)\n"
           "  --pool-size N          database connections (INCROCIO_POOL_SIZE, default 8)\n"
           "  --pool-timeout-ms N    wait for a free connection before 503 "
           "(INCROCIO_POOL_TIMEOUT_MS, default 2000)\n"
           "  --threads N            HTTP worker threads (INCROCIO_HTTP_THREADS, default 2)\n"
           "  --body-limit BYTES     largest request body (INCROCIO_BODY_LIMIT, default 1048576)\n"
           "  --idle-timeout SECONDS close idle connections (INCROCIO_IDLE_TIMEOUT, default 30)\n"
           "  --log-level LEVEL      error|warning|info|debug (INCROCIO_LOG_LEVEL, default info)\n"
           "  --cors-origins LIST    allowed browser origins, comma-separated "
           "(INCROCIO_CORS_ORIGINS, default none)\n"
           "  --rate-limit N         requests per minute per client address without a key "
           "(INCROCIO_RATE_LIMIT, default 600)\n"
           "  --rate-limits LIST     requests per minute per key, by role (INCROCIO_RATE_LIMITS,\n"
           "                         default admin=6000,operator=3000,portal=6000,employer=600)\n"
           "  --metrics-private      /metrics for admin keys only (INCROCIO_METRICS_PRIVATE=1)\n"
           "  --no-migrate           serve without migrating (INCROCIO_MIGRATE=0)\n";
}

static void defaults(struct incrocio_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->listen, "127.0.0.1");
    cfg->port = 8080;
    cfg->pool_size = 8;
    cfg->pool_timeout_ms = 2000;
    cfg->http_threads = 2;
    cfg->body_limit = 1024 * 1024;
    cfg->idle_timeout_s = 30;
    cfg->log_level = Y_LOG_LEVEL_INFO;
    cfg->rate_limit = 600;
    cfg->role_rate_limits[INCROCIO_ROLE_ADMIN] = 6000;
    cfg->role_rate_limits[INCROCIO_ROLE_OPERATOR] = 3000;
    cfg->role_rate_limits[INCROCIO_ROLE_PORTAL] = 6000;
    cfg->role_rate_limits[INCROCIO_ROLE_EMPLOYER] = 600;
    cfg->migrate = 1;
}

static int parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    /* strtol would skip any leading white space and accept a '+'. */
    if (s == NULL || !((*s >= '0' && *s <= '9') || *s == '-'))
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* At most size - 1 bytes of s, control characters as '?': an error message
 * stays one line whatever the value held. */
static const char *printable(const char *s, char *out, size_t size)
{
    size_t i = 0;

    for (; s[i] && i + 1 < size && i < 80; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[i] = '\0';
    return out;
}

static int copy_str(char *dst, size_t size, const char *s)
{
    size_t n = strlen(s);

    if (n >= size)
        return -1;
    memcpy(dst, s, n + 1);
    return 0;
}

static int valid_origins(const char *s)
{
    /* Comma-separated scheme://host[:port] entries, no paths, no spaces. */
    const char *p = s;

    if (*s == '\0')
        return 1;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        size_t scheme;

        if (len > 7 && strncmp(p, "http://", 7) == 0)
            scheme = 7;
        else if (len > 8 && strncmp(p, "https://", 8) == 0)
            scheme = 8;
        else
            return 0;
        for (size_t i = scheme; i < len; i++) {
            char c = p[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
                return 0;
        }
        if (!end)
            break;
        p = end + 1;
        if (*p == '\0')
            return 0;
    }
    return 1;
}

/* "role=N,role=N": sets the named roles' limits; others keep theirs. */
static int parse_role_limits(const char *s, int *limits)
{
    char buf[256], *save = NULL;
    int out[INCROCIO_ROLE_COUNT];

    if (strlen(s) >= sizeof buf || *s == '\0' || *s == ',')
        return -1;
    memcpy(out, limits, sizeof out);
    strcpy(buf, s);
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        long v;
        int role;

        if (eq == NULL)
            return -1;
        *eq = '\0';
        role = incrocio_role_parse(item);
        if (role < 0 || parse_int(eq + 1, 1, 100000000, &v) != 0)
            return -1;
        out[role] = (int)v;
    }
    if (s[strlen(s) - 1] == ',' || strstr(s, ",,") != NULL)
        return -1;
    memcpy(limits, out, sizeof out);
    return 0;
}

static int log_level_of(const char *s)
{
    if (strcmp(s, "error") == 0)
        return Y_LOG_LEVEL_ERROR;
    if (strcmp(s, "warning") == 0)
        return Y_LOG_LEVEL_WARNING;
    if (strcmp(s, "info") == 0)
        return Y_LOG_LEVEL_INFO;
    if (strcmp(s, "debug") == 0)
        return Y_LOG_LEVEL_DEBUG;
    return -1;
}

/* Applies one setting; returns 0, or -1 with err filled. */
static int apply(struct incrocio_config *cfg, const struct setting *st, const char *value,
                 int from_env, char *err, size_t errlen)
{
    long v;
    int ok = 1;
    char name[64], shown[96];

    if (from_env)
        snprintf(name, sizeof name, "%s", st->env);
    else
        snprintf(name, sizeof name, "--%s", st->flag);

    switch (st->opt) {
    case OPT_LISTEN: {
        unsigned char buf[sizeof(struct in6_addr)];
        ok = (inet_pton(AF_INET, value, buf) == 1 || inet_pton(AF_INET6, value, buf) == 1) &&
             copy_str(cfg->listen, sizeof cfg->listen, value) == 0;
        break;
    }
    case OPT_PORT:
        ok = parse_int(value, 1, 65535, &v) == 0;
        if (ok)
            cfg->port = (int)v;
        break;
    case OPT_DATABASE_URL:
        ok = copy_str(cfg->database_url, sizeof cfg->database_url, value) == 0;
        break;
    case OPT_DATABASE_READ_URL:
        ok = copy_str(cfg->database_read_url, sizeof cfg->database_read_url, value) == 0;
        break;
    case OPT_POOL_SIZE:
        ok = parse_int(value, 1, 512, &v) == 0;
        if (ok)
            cfg->pool_size = (int)v;
        break;
    case OPT_POOL_TIMEOUT:
        ok = parse_int(value, 1, 600000, &v) == 0;
        if (ok)
            cfg->pool_timeout_ms = (int)v;
        break;
    case OPT_THREADS:
        ok = parse_int(value, 1, 256, &v) == 0;
        if (ok)
            cfg->http_threads = (int)v;
        break;
    case OPT_BODY_LIMIT:
        ok = parse_int(value, 1024, 64L * 1024 * 1024, &v) == 0;
        if (ok)
            cfg->body_limit = (size_t)v;
        break;
    case OPT_IDLE_TIMEOUT:
        ok = parse_int(value, 1, 3600, &v) == 0;
        if (ok)
            cfg->idle_timeout_s = (int)v;
        break;
    case OPT_LOG_LEVEL:
        cfg->log_level = log_level_of(value);
        ok = cfg->log_level >= 0;
        break;
    case OPT_CORS:
        ok = valid_origins(value) &&
             copy_str(cfg->cors_origins, sizeof cfg->cors_origins, value) == 0;
        break;
    case OPT_RATE_LIMIT:
        ok = parse_int(value, 1, 100000000, &v) == 0;
        if (ok)
            cfg->rate_limit = (int)v;
        break;
    case OPT_RATE_LIMITS: ok = parse_role_limits(value, cfg->role_rate_limits) == 0; break;
    case OPT_METRICS_PRIVATE:
        if (from_env) {
            ok = strcmp(value, "0") == 0 || strcmp(value, "1") == 0;
            cfg->metrics_private = strcmp(value, "1") == 0;
        } else {
            cfg->metrics_private = 1;
        }
        break;
    case OPT_NO_MIGRATE:
        if (from_env) {
            ok = strcmp(value, "0") == 0 || strcmp(value, "1") == 0;
            cfg->migrate = strcmp(value, "1") == 0;
        } else {
            cfg->migrate = 0;
        }
        break;
    default: ok = 0;
    }
    if (!ok) {
        /* Name the setting and the value, but never echo a connection string:
         * it may carry a password. */
        if (st->opt == OPT_DATABASE_URL || st->opt == OPT_DATABASE_READ_URL)
            snprintf(err, errlen, "invalid %s: too long", name);
        else
            snprintf(err, errlen, "invalid %s: '%s'", name, printable(value, shown, sizeof shown));
        return -1;
    }
    return 0;
}

incrocio_err incrocio_config_parse(struct incrocio_config *cfg, int argc, char **argv,
                                   incrocio_getenv_fn getenv_fn, char *err, size_t errlen)
{
    struct option longopts[N_SETTINGS + 1];
    int c;

    defaults(cfg);
    err[0] = '\0';
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const char *value = getenv_fn ? getenv_fn(settings[i].env) : NULL;
        if (value != NULL && apply(cfg, &settings[i], value, 1, err, errlen) != 0)
            return INCROCIO_ERR_INVALID;
    }

    for (size_t i = 0; i < N_SETTINGS; i++) {
        longopts[i].name = settings[i].flag;
        longopts[i].has_arg =
            settings[i].opt == OPT_NO_MIGRATE || settings[i].opt == OPT_METRICS_PRIVATE
                ? no_argument
                : required_argument;
        longopts[i].flag = NULL;
        longopts[i].val = settings[i].opt;
    }
    longopts[N_SETTINGS] = (struct option){0};

    optind = 0; /* GNU: full re-initialisation, so the parser can run more than once */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        const struct setting *st = NULL;

        for (size_t i = 0; i < N_SETTINGS; i++)
            if (settings[i].opt == c)
                st = &settings[i];
        if (st == NULL) {
            /* Never the text after '=': a mistyped --database-url=... holds a
             * password. */
            const char *bad = argv[optind - 1];
            char shown[96];
            int len = (int)strcspn(bad, "=");

            printable(bad, shown, sizeof shown);
            if (len < (int)strlen(shown))
                shown[len] = '\0';
            if (optopt > 0 && optopt < 256)
                snprintf(err, errlen, "unknown option '-%c'",
                         optopt > 0x20 && optopt < 0x7f ? optopt : '?');
            else if (optopt == OPT_NO_MIGRATE || optopt == OPT_METRICS_PRIVATE)
                snprintf(err, errlen, "option '%s' takes no value", shown);
            else if (optopt >= OPT_LISTEN)
                snprintf(err, errlen, "option '%s' needs a value", shown);
            else
                snprintf(err, errlen, "unknown option '%s'", shown);
            return INCROCIO_ERR_INVALID;
        }
        if (apply(cfg, st, optarg ? optarg : "", 0, err, errlen) != 0)
            return INCROCIO_ERR_INVALID;
    }
    if (optind < argc) {
        char shown[96];
        snprintf(err, errlen, "unexpected argument '%s'",
                 printable(argv[optind], shown, sizeof shown));
        return INCROCIO_ERR_INVALID;
    }
    return INCROCIO_OK;
}
