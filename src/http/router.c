#include "incrocio/router.h"

#include <stdlib.h>
#include <string.h>

#include "incrocio/http.h"

#define MAX_SEGMENTS 12
#define ALLOW_MAX 96

struct segment {
    const char *text; /* literal text, or the variable's name */
    size_t len;
    int is_var;
};

struct path {
    const char *tmpl;
    struct segment seg[MAX_SEGMENTS];
    int n_seg;
    char allow[ALLOW_MAX];
    char names[INCROCIO_PATH_MAX_VARS][32];
};

struct incrocio_router {
    const struct incrocio_route *routes;
    size_t n_routes;
    struct path *paths;
    size_t n_paths;
    const char **labels; /* n_paths + 1 */
};

static int split_template(struct path *p)
{
    const char *s = p->tmpl;
    int vars = 0;

    if (*s != '/')
        return -1;
    while (*s == '/') {
        const char *start = ++s;
        struct segment *seg;

        while (*s && *s != '/')
            s++;
        if (s == start || p->n_seg == MAX_SEGMENTS)
            return -1;
        seg = &p->seg[p->n_seg++];
        if (*start == '{' && s[-1] == '}') {
            size_t len = (size_t)(s - start) - 2;
            if (vars == INCROCIO_PATH_MAX_VARS || len == 0 || len >= sizeof p->names[0])
                return -1;
            memcpy(p->names[vars], start + 1, len);
            p->names[vars][len] = '\0';
            seg->text = p->names[vars++];
            seg->len = len;
            seg->is_var = 1;
        } else {
            seg->text = start;
            seg->len = (size_t)(s - start);
            seg->is_var = 0;
            if (memchr(start, '{', seg->len) || memchr(start, '}', seg->len))
                return -1; /* a brace outside a whole-segment {variable} */
        }
    }
    return *s == '\0' ? 0 : -1;
}

static void add_allow(struct path *p, const char *method)
{
    size_t used = strlen(p->allow);
    size_t need = strlen(method) + 2;

    if (used + need < sizeof p->allow) {
        memcpy(p->allow + used, method, need - 2);
        memcpy(p->allow + used + need - 2, ", ", 3);
    }
}

incrocio_err incrocio_router_new(const struct incrocio_route *routes, size_t n,
                                 struct incrocio_router **out)
{
    struct incrocio_router *r = calloc(1, sizeof *r);

    if (r == NULL)
        return INCROCIO_ERR_NOMEM;
    r->routes = routes;
    r->n_routes = n;
    r->paths = calloc(n, sizeof *r->paths);
    r->labels = calloc(n + 1, sizeof *r->labels);
    if (r->paths == NULL || r->labels == NULL) {
        incrocio_router_free(r);
        return INCROCIO_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        struct path *p = NULL;

        for (size_t j = 0; j < r->n_paths && p == NULL; j++)
            if (strcmp(r->paths[j].tmpl, routes[i].path) == 0)
                p = &r->paths[j];
        if (routes[i].access == 0) { /* a route is not servable without its rule */
            incrocio_router_free(r);
            return INCROCIO_ERR_INVALID;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(routes[j].method, routes[i].method) == 0 &&
                strcmp(routes[j].path, routes[i].path) == 0) {
                incrocio_router_free(r); /* the same route twice */
                return INCROCIO_ERR_INVALID;
            }
        }
        if (p == NULL) {
            p = &r->paths[r->n_paths];
            p->tmpl = routes[i].path;
            if (split_template(p) != 0) {
                incrocio_router_free(r);
                return INCROCIO_ERR_INVALID;
            }
            r->labels[r->n_paths++] = routes[i].path;
        }
        add_allow(p, routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0)
            add_allow(p, "HEAD");
    }
    for (size_t j = 0; j < r->n_paths; j++)
        strncat(r->paths[j].allow, "OPTIONS",
                sizeof r->paths[j].allow - strlen(r->paths[j].allow) - 1);
    r->labels[r->n_paths] = "unmatched";
    *out = r;
    return INCROCIO_OK;
}

void incrocio_router_free(struct incrocio_router *r)
{
    if (r == NULL)
        return;
    free(r->paths);
    free(r->labels);
    free(r);
}

const char *const *incrocio_router_labels(const struct incrocio_router *r, size_t *n)
{
    *n = r->n_paths + 1;
    return r->labels;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes [s, s+len) into out; -1 on a bad escape, an encoded NUL or
 * slash, or a value too long. */
static int decode(const char *s, size_t len, char *out)
{
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int hi, lo;
            if (i + 2 >= len)
                return -1;
            hi = hexval(s[i + 1]);
            lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            if (c == '\0' || c == '/')
                return -1;
            i += 2;
        }
        if (o == INCROCIO_PATH_VAR_MAX)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

static int match_path(const struct path *p, const char *path, struct incrocio_path_vars *vars)
{
    const char *s = path;
    int vi = 0;

    for (int k = 0; k < p->n_seg; k++) {
        const struct segment *seg = &p->seg[k];
        const char *start;
        size_t len;

        if (*s != '/')
            return 0;
        start = ++s;
        while (*s && *s != '/')
            s++;
        len = (size_t)(s - start);
        if (len == 0)
            return 0;
        if (!seg->is_var) {
            if (len != seg->len || memcmp(start, seg->text, len) != 0)
                return 0;
        } else if (vars != NULL) {
            if (decode(start, len, vars->values[vi]) != 0)
                return 0;
            vars->names[vi++] = seg->text;
        }
    }
    if (*s != '\0')
        return 0;
    if (vars != NULL)
        vars->n = vi;
    return 1;
}

enum incrocio_match incrocio_router_match(const struct incrocio_router *r, const char *method,
                                          const char *path, const struct incrocio_route **route,
                                          const char **allow, size_t *label,
                                          struct incrocio_path_vars *vars)
{
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;

    vars->n = 0;
    for (size_t j = 0; j < r->n_paths; j++) {
        const struct path *p = &r->paths[j];

        if (!match_path(p, path, vars))
            continue;
        *label = j;
        *allow = p->allow;
        for (size_t i = 0; i < r->n_routes; i++) {
            if (r->routes[i].path == p->tmpl || strcmp(r->routes[i].path, p->tmpl) == 0) {
                if (strcmp(r->routes[i].method, m) == 0) {
                    *route = &r->routes[i];
                    return INCROCIO_MATCH_OK;
                }
            }
        }
        vars->n = 0;
        return INCROCIO_MATCH_METHOD;
    }
    *label = r->n_paths;
    *allow = NULL;
    return INCROCIO_MATCH_NONE;
}
