/* src/http/router.c: the allocation-free router over a routes table. */
#include "unit.h"

#include "incrocio/auth.h"
#include "incrocio/http.h"
#include "incrocio/router.h"

static void noop(const struct _u_request *req, struct _u_response *resp, struct incrocio_req *ctx)
{
    (void)req;
    (void)resp;
    (void)ctx;
}

#define ANY INCROCIO_ACCESS_ANY_KEY

/* Paths, in table order (= label order): 0 /v1/offices, 1 /v1/offices/{code},
 * 2 /v1/things/{a}/parts/{b}, 3 /status, 4 /v1/jobs, 5 /v1/x/{id}; 6 is
 * "unmatched". */
static const struct incrocio_route routes[] = {
    {"GET", "/v1/offices", noop, ANY, 0},                           /* 0 */
    {"GET", "/v1/offices/{code}", noop, ANY, 0},                    /* 1 */
    {"PATCH", "/v1/offices/{code}", noop, ANY, 0},                  /* 2 */
    {"POST", "/v1/offices", noop, ANY, INCROCIO_ROUTE_JSON_BODY},   /* 3 */
    {"DELETE", "/v1/things/{a}/parts/{b}", noop, ANY, 0},           /* 4 */
    {"GET", "/status", noop, INCROCIO_ACCESS_PUBLIC, 0},            /* 5 */
    {"POST", "/v1/jobs", noop, INCROCIO_ACCESS_ADMIN, 0},           /* 6 */
    {"PATCH", "/v1/x/{id}", noop, ANY, INCROCIO_ROUTE_MERGE_PATCH}, /* 7 */
    {"GET", "/v1/x/{id}", noop, ANY, 0},                            /* 8 */
};
#define N_PATHS 6
#define UNMATCHED N_PATHS

static const char *const want_allow[N_PATHS] = {
    "GET, HEAD, POST, OPTIONS",
    "GET, HEAD, PATCH, OPTIONS",
    "DELETE, OPTIONS",
    "GET, HEAD, OPTIONS",
    "POST, OPTIONS",
    "PATCH, GET, HEAD, OPTIONS",
};

static struct incrocio_router *build(void)
{
    struct incrocio_router *r = NULL;

    assert_int_equal(incrocio_router_new(routes, N_ELEMS(routes), &r), INCROCIO_OK);
    assert_non_null(r);
    return r;
}

/* ---- labels ------------------------------------------------------------------ */

static void test_labels(void **state)
{
    static const char *const want[] = {
        "/v1/offices", "/v1/offices/{code}", "/v1/things/{a}/parts/{b}", "/status", "/v1/jobs",
        "/v1/x/{id}",  "unmatched",
    };
    struct incrocio_router *r = build();
    size_t n = 0;
    const char *const *labels = incrocio_router_labels(r, &n);

    (void)state;
    assert_int_equal(n, N_ELEMS(want));
    for (size_t i = 0; i < N_ELEMS(want); i++)
        ROW_STR(i, labels[i], want[i]);
    incrocio_router_free(r);
}

/* ---- matching ---------------------------------------------------------------- */

struct match_row {
    const char *method;
    const char *path;
    enum incrocio_match want;
    int route;  /* OK: index in routes */
    int label;  /* OK, METHOD: path index; NONE: always UNMATCHED */
    int n_vars; /* OK only */
    const char *name0, *value0, *name1, *value1;
};

#define OK0(m, p, route, label)                                          \
    {                                                                    \
        m, p, INCROCIO_MATCH_OK, route, label, 0, NULL, NULL, NULL, NULL \
    }
#define OK1(m, p, route, label, n0, v0)                              \
    {                                                                \
        m, p, INCROCIO_MATCH_OK, route, label, 1, n0, v0, NULL, NULL \
    }
#define OK2(m, p, route, label, n0, v0, n1, v1)                  \
    {                                                            \
        m, p, INCROCIO_MATCH_OK, route, label, 2, n0, v0, n1, v1 \
    }
#define METHOD(m, p, label)                                               \
    {                                                                     \
        m, p, INCROCIO_MATCH_METHOD, -1, label, 0, NULL, NULL, NULL, NULL \
    }
#define NONE(m, p)                                                          \
    {                                                                       \
        m, p, INCROCIO_MATCH_NONE, -1, UNMATCHED, 0, NULL, NULL, NULL, NULL \
    }

static const struct match_row match_rows[] = {
    /* exact matches, HEAD served by GET */
    OK0("GET", "/v1/offices", 0, 0),
    OK0("HEAD", "/v1/offices", 0, 0),
    OK0("POST", "/v1/offices", 3, 0),
    OK1("GET", "/v1/offices/CE08", 1, 1, "code", "CE08"),
    OK1("HEAD", "/v1/offices/CE08", 1, 1, "code", "CE08"),
    OK1("PATCH", "/v1/offices/CE08", 2, 1, "code", "CE08"),
    OK2("DELETE", "/v1/things/x/parts/y", 4, 2, "a", "x", "b", "y"),
    OK2("DELETE", "/v1/things/parts/parts/things", 4, 2, "a", "parts", "b", "things"),
    OK0("GET", "/status", 5, 3),
    OK0("HEAD", "/status", 5, 3),
    OK0("POST", "/v1/jobs", 6, 4),
    OK1("PATCH", "/v1/x/7", 7, 5, "id", "7"),
    OK1("GET", "/v1/x/7", 8, 5, "id", "7"),
    OK1("HEAD", "/v1/x/7", 8, 5, "id", "7"),
    /* variables are percent-decoded, either hex case, nothing else */
    OK1("GET", "/v1/offices/%41", 1, 1, "code", "A"),
    OK1("GET", "/v1/offices/%41%42C", 1, 1, "code", "ABC"),
    OK1("GET", "/v1/offices/x%41", 1, 1, "code", "xA"),
    OK1("GET", "/v1/offices/%c3%a0", 1, 1, "code", "\xc3\xa0"),
    OK1("GET", "/v1/offices/%C3%A0", 1, 1, "code", "\xc3\xa0"),
    OK1("GET", "/v1/offices/a%20b", 1, 1, "code", "a b"),
    OK1("GET", "/v1/offices/a+b", 1, 1, "code", "a+b"),
    OK1("GET", "/v1/offices/%25", 1, 1, "code", "%"),
    OK1("GET", "/v1/offices/%2541", 1, 1, "code", "%41"), /* decoded once */
    OK1("GET", "/v1/offices/%3F", 1, 1, "code", "?"),
    OK1("GET", "/v1/offices/%5C", 1, 1, "code", "\\"),
    OK1("GET", "/v1/offices/%01", 1, 1, "code", "\x01"),
    OK1("GET", "/v1/offices/%ff", 1, 1, "code", "\xff"),
    OK1("GET", "/v1/offices/..", 1, 1, "code", ".."),
    OK1("GET", "/v1/offices/{code}", 1, 1, "code", "{code}"),
    OK2("DELETE", "/v1/things/%2e/parts/%7B", 4, 2, "a", ".", "b", "{"),
    /* the path exists, not with this method */
    METHOD("DELETE", "/v1/offices", 0),
    METHOD("PUT", "/v1/offices/CE08", 1),
    METHOD("POST", "/v1/offices/CE08", 1),
    METHOD("OPTIONS", "/v1/offices/CE08", 1), /* OPTIONS is the dispatcher's */
    METHOD("GET", "/v1/things/x/parts/y", 2),
    METHOD("HEAD", "/v1/things/x/parts/y", 2),
    METHOD("POST", "/status", 3),
    METHOD("GET", "/v1/jobs", 4),
    METHOD("HEAD", "/v1/jobs", 4), /* no GET, so no HEAD */
    METHOD("DELETE", "/v1/x/1", 5),
    METHOD("get", "/v1/offices", 0), /* methods are case-sensitive */
    METHOD("", "/v1/offices", 0),
    /* no such path */
    NONE("GET", ""),
    NONE("GET", "/"),
    NONE("GET", "//"),
    NONE("GET", "/v1"),
    NONE("GET", "/v1/"),
    NONE("GET", "/v1/offices/"),
    NONE("GET", "/v1/offices//"),
    NONE("GET", "/v1//offices"),
    NONE("GET", "//v1/offices"),
    NONE("GET", "/v1/offices/CE08/"),
    NONE("GET", "/v1/offices//CE08"),
    NONE("GET", "v1/offices"),
    NONE("GET", "/V1/offices"),
    NONE("GET", "/v1/Offices"),
    NONE("GET", "/v1/office"),
    NONE("GET", "/v1/officesX"),
    NONE("GET", "/v1/offices.json"),
    NONE("GET", "/status/"),
    NONE("GET", "/statu"),
    NONE("GET", "/statuss"),
    NONE("GET", "/v1/offices/CE08/extra"), /* more segments */
    NONE("DELETE", "/v1/things/x/parts"),  /* fewer segments */
    NONE("DELETE", "/v1/things/x/parts/"),
    NONE("DELETE", "/v1/things/x/parts/y/z"),
    NONE("DELETE", "/v1/things/x/part/y"),
    NONE("DELETE", "/v1/things//parts/y"),
    NONE("GET", "/v1/x"),
    /* bad escapes, encoded NUL and slash */
    NONE("GET", "/v1/offices/%"),
    NONE("GET", "/v1/offices/%4"),
    NONE("GET", "/v1/offices/A%4"),
    NONE("GET", "/v1/offices/%zz"),
    NONE("GET", "/v1/offices/%4g"),
    NONE("GET", "/v1/offices/%g4"),
    NONE("GET", "/v1/offices/%%41"),
    NONE("GET", "/v1/offices/%-1"),
    NONE("GET", "/v1/offices/%+1"),
    NONE("GET", "/v1/offices/%00"),
    NONE("GET", "/v1/offices/a%00b"),
    NONE("GET", "/v1/offices/%2F"),
    NONE("GET", "/v1/offices/%2f"),
    NONE("GET", "/v1/offices/a%2Fb"),
    NONE("PATCH", "/v1/offices/%2F"),
    NONE("DELETE", "/v1/things/ok/parts/%00"),
    NONE("DELETE", "/v1/things/%2F/parts/ok"),
    NONE("PUT", "/nowhere"),
};

static void test_match_table(void **state)
{
    struct incrocio_router *r = build();

    (void)state;
    for (size_t i = 0; i < N_ELEMS(match_rows); i++) {
        const struct match_row *w = &match_rows[i];
        const struct incrocio_route *route = NULL;
        const char *allow = "(unset)";
        size_t label = 999;
        struct incrocio_path_vars vars;
        enum incrocio_match got;

        memset(&vars, 0xA5, sizeof vars);
        got = incrocio_router_match(r, w->method, w->path, &route, &allow, &label, &vars);
        ROW_INT(i, got, w->want);
        ROW_INT(i, label, w->label);
        switch (w->want) {
        case INCROCIO_MATCH_OK:
            if (route == NULL)
                fail_msg("row %zu: no route", i);
            ROW_INT(i, route - routes, w->route);
            ROW_INT(i, vars.n, w->n_vars);
            if (w->n_vars > 0) {
                ROW_STR(i, vars.names[0], w->name0);
                ROW_STR(i, vars.values[0], w->value0);
            }
            if (w->n_vars > 1) {
                ROW_STR(i, vars.names[1], w->name1);
                ROW_STR(i, vars.values[1], w->value1);
            }
            break;
        case INCROCIO_MATCH_METHOD:
            ROW_INT(i, route == NULL, 1);
            ROW_STR(i, allow, want_allow[w->label]);
            ROW_INT(i, vars.n, 0);
            break;
        case INCROCIO_MATCH_NONE:
            ROW_INT(i, route == NULL, 1);
            ROW_INT(i, allow == NULL, 1);
            ROW_INT(i, vars.n, 0);
            break;
        }
    }
    incrocio_router_free(r);
}

/* A variable of 1 to 128 bytes once decoded; the raw segment may be longer. */
static void test_var_length(void **state)
{
    const struct {
        const char *unit; /* repeated count times, then suffix */
        size_t count;
        const char *suffix;
        enum incrocio_match want;
        const char *fill; /* OK: the decoded value is count times fill, */
        const char *last; /* then last */
    } rows[] = {
        {"a", 1, "", INCROCIO_MATCH_OK, "a", ""},
        {"a", 127, "", INCROCIO_MATCH_OK, "a", ""},
        {"a", 128, "", INCROCIO_MATCH_OK, "a", ""},
        {"a", 129, "", INCROCIO_MATCH_NONE, NULL, NULL},
        {"a", 1000, "", INCROCIO_MATCH_NONE, NULL, NULL},
        {"%41", 128, "", INCROCIO_MATCH_OK, "A", ""},
        {"%41", 129, "", INCROCIO_MATCH_NONE, NULL, NULL},
        {"a", 127, "%42", INCROCIO_MATCH_OK, "a", "B"},
        {"a", 128, "%42", INCROCIO_MATCH_NONE, NULL, NULL},
        {"a", 128, "b", INCROCIO_MATCH_NONE, NULL, NULL},
        {"\xc3\xa9", 64, "", INCROCIO_MATCH_OK, "\xc3\xa9", ""},
        {"%C3%A9", 64, "", INCROCIO_MATCH_OK, "\xc3\xa9", ""},
        {"%C3%A9", 64, "a", INCROCIO_MATCH_NONE, NULL, NULL},
    };
    struct incrocio_router *r = build();

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char *var = unit_repeat(rows[i].unit, rows[i].count);
        size_t plen = strlen("/v1/offices/") + strlen(var) + strlen(rows[i].suffix) + 1;
        char *path = malloc(plen);
        const struct incrocio_route *route = NULL;
        const char *allow = NULL;
        size_t label = 999;
        struct incrocio_path_vars vars;

        assert_non_null(path);
        snprintf(path, plen, "/v1/offices/%s%s", var, rows[i].suffix);
        memset(&vars, 0xA5, sizeof vars);
        ROW_INT(i, incrocio_router_match(r, "GET", path, &route, &allow, &label, &vars),
                rows[i].want);
        if (rows[i].want == INCROCIO_MATCH_OK) {
            char *fill = unit_repeat(rows[i].fill, rows[i].count);
            size_t wlen = strlen(fill) + strlen(rows[i].last) + 1;
            char *want = malloc(wlen);

            assert_non_null(want);
            snprintf(want, wlen, "%s%s", fill, rows[i].last);
            ROW_INT(i, route - routes, 1);
            ROW_INT(i, label, 1);
            ROW_INT(i, vars.n, 1);
            ROW_STR(i, vars.values[0], want);
            free(want);
            free(fill);
        } else {
            ROW_INT(i, label, UNMATCHED);
            ROW_INT(i, vars.n, 0);
        }
        free(path);
        free(var);
    }
    incrocio_router_free(r);
}

/* Routes of one path are grouped by the template's text, not its address. */
static void test_same_template_other_copy(void **state)
{
    char t1[] = "/v1/a/{id}", t2[] = "/v1/a/{id}";
    const struct incrocio_route tbl[] = {
        {"GET", t1, noop, ANY, 0},
        {"DELETE", t2, noop, ANY, 0},
    };
    struct incrocio_router *r = NULL;
    const struct incrocio_route *route = NULL;
    const char *allow = NULL;
    size_t label = 999, n = 0;
    struct incrocio_path_vars vars;

    (void)state;
    assert_int_equal(incrocio_router_new(tbl, N_ELEMS(tbl), &r), INCROCIO_OK);
    incrocio_router_labels(r, &n);
    assert_int_equal(n, 2);
    assert_int_equal(incrocio_router_match(r, "DELETE", "/v1/a/9", &route, &allow, &label, &vars),
                     INCROCIO_MATCH_OK);
    assert_ptr_equal(route, &tbl[1]);
    assert_int_equal(label, 0);
    assert_string_equal(vars.values[0], "9");
    assert_int_equal(incrocio_router_match(r, "PUT", "/v1/a/9", &route, &allow, &label, &vars),
                     INCROCIO_MATCH_METHOD);
    assert_string_equal(allow, "GET, HEAD, DELETE, OPTIONS");
    incrocio_router_free(r);
}

/* An empty table: everything is unmatched, label 0. */
static void test_empty_table(void **state)
{
    struct incrocio_router *r = NULL;
    const struct incrocio_route *route = NULL;
    const char *allow = "x";
    size_t label = 999, n = 0;
    struct incrocio_path_vars vars;
    const char *const *labels;

    (void)state;
    assert_int_equal(incrocio_router_new(routes, 0, &r), INCROCIO_OK);
    labels = incrocio_router_labels(r, &n);
    assert_int_equal(n, 1);
    assert_string_equal(labels[0], "unmatched");
    assert_int_equal(incrocio_router_match(r, "GET", "/v1/offices", &route, &allow, &label, &vars),
                     INCROCIO_MATCH_NONE);
    assert_int_equal(label, 0);
    assert_null(allow);
    incrocio_router_free(r);
}

/* Up to 4 variables and 12 segments. */
static void test_limits_of_templates(void **state)
{
    const struct incrocio_route tbl[] = {
        {"GET", "/{a}/{b}/{c}/{d}", noop, ANY, 0},
        {"GET", "/1/2/3/4/5/6/7/8/9/10/11/12", noop, ANY, 0},
        {"GET", "/v/{abcdefghijklmnopqrstuvwxyz01234}", noop, ANY, 0}, /* 31 bytes */
    };
    struct incrocio_router *r = NULL;
    const struct incrocio_route *route = NULL;
    const char *allow = NULL;
    size_t label = 999;
    struct incrocio_path_vars vars;

    (void)state;
    assert_int_equal(incrocio_router_new(tbl, N_ELEMS(tbl), &r), INCROCIO_OK);
    assert_int_equal(incrocio_router_match(r, "GET", "/w/x/y/z", &route, &allow, &label, &vars),
                     INCROCIO_MATCH_OK);
    assert_int_equal(vars.n, 4);
    assert_string_equal(vars.names[0], "a");
    assert_string_equal(vars.names[3], "d");
    assert_string_equal(vars.values[0], "w");
    assert_string_equal(vars.values[3], "z");
    assert_int_equal(incrocio_router_match(r, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12", &route, &allow,
                                           &label, &vars),
                     INCROCIO_MATCH_OK);
    assert_ptr_equal(route, &tbl[1]);
    assert_int_equal(vars.n, 0);
    assert_int_equal(incrocio_router_match(r, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13", &route,
                                           &allow, &label, &vars),
                     INCROCIO_MATCH_NONE);
    assert_int_equal(incrocio_router_match(r, "GET", "/v/q", &route, &allow, &label, &vars),
                     INCROCIO_MATCH_OK);
    assert_ptr_equal(route, &tbl[2]);
    assert_string_equal(vars.names[0], "abcdefghijklmnopqrstuvwxyz01234");
    incrocio_router_free(r);
}

/* ---- tables refused ------------------------------------------------------------ */

static void test_invalid_tables(void **state)
{
    const struct {
        struct incrocio_route a, b;
    } rows[] = {
        /* a route without access rule */
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "/v1/x", noop, 0, 0}},
        {{"GET", "/v1/x", noop, 0, 0}, {"GET", "/ok", noop, ANY, 0}},
        {{"GET", "/v1/x", noop, ANY, 0}, {"POST", "/v1/x", noop, 0, 0}}, /* known path */
        /* malformed templates */
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "", noop, ANY, 0}},
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "/", noop, ANY, 0}},
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "v1/x", noop, ANY, 0}},
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "/v1/", noop, ANY, 0}},
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "//v1", noop, ANY, 0}},
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "/v1//x", noop, ANY, 0}},
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "/v1/{}", noop, ANY, 0}},
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "/{a}/{b}/{c}/{d}/{e}", noop, ANY, 0}},
        {{"GET", "/ok", noop, ANY, 0}, {"GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13", noop, ANY, 0}},
        {{"GET", "/ok", noop, ANY, 0},
         {"GET", "/v/{abcdefghijklmnopqrstuvwxyz012345}", noop, ANY, 0}}, /* 32 bytes */
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        const struct incrocio_route tbl[] = {rows[i].a, rows[i].b};
        struct incrocio_router *r = NULL;

        ROW_INT(i, incrocio_router_new(tbl, N_ELEMS(tbl), &r), INCROCIO_ERR_INVALID);
        if (r != NULL) {
            fail_msg("row %zu: a router was returned", i);
        }
    }
}

/* ---- the real table ------------------------------------------------------------ */

static void test_real_table(void **state)
{
    size_t n = 0, n_labels = 0;
    const struct incrocio_route *tbl = incrocio_routes(&n);
    struct incrocio_router *r = NULL;
    const char *const *labels;
    const struct incrocio_route *route = NULL;
    const char *allow = NULL;
    size_t label = 999, distinct = 0;
    struct incrocio_path_vars vars;

    (void)state;
    assert_non_null(tbl);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        int seen = 0;

        ROW_INT(i, tbl[i].access != 0, 1);
        ROW_INT(i, tbl[i].handler != NULL, 1);
        ROW_INT(i, tbl[i].path[0], '/');
        for (size_t j = 0; j < i; j++) {
            seen |= strcmp(tbl[j].path, tbl[i].path) == 0;
            /* one route per method and path */
            ROW_INT(i,
                    strcmp(tbl[j].path, tbl[i].path) == 0 &&
                        strcmp(tbl[j].method, tbl[i].method) == 0,
                    0);
        }
        distinct += !seen;
    }
    assert_int_equal(incrocio_router_new(tbl, n, &r), INCROCIO_OK);
    labels = incrocio_router_labels(r, &n_labels);
    assert_int_equal(n_labels, distinct + 1);
    assert_string_equal(labels[distinct], "unmatched");

    /* every route is reachable as itself */
    for (size_t i = 0; i < n; i++) {
        char path[256];
        size_t o = 0;

        for (const char *s = tbl[i].path; *s && o < sizeof path - 2; s++) {
            if (*s == '{') { /* a variable: a valid office code will do */
                memcpy(path + o, "CE08", 4);
                o += 4;
                while (*s && *s != '}')
                    s++;
            } else {
                path[o++] = *s;
            }
        }
        path[o] = '\0';
        ROW_INT(i, incrocio_router_match(r, tbl[i].method, path, &route, &allow, &label, &vars),
                INCROCIO_MATCH_OK);
        ROW_INT(i, route - tbl, i);
        ROW_STR(i, labels[label], tbl[i].path);
    }

    assert_int_equal(
        incrocio_router_match(r, "PUT", "/v1/offices/CE08", &route, &allow, &label, &vars),
        INCROCIO_MATCH_METHOD);
    assert_string_equal(allow, "GET, HEAD, PATCH, OPTIONS");
    assert_string_equal(labels[label], "/v1/offices/{code}");
    assert_int_equal(incrocio_router_match(r, "HEAD", "/v1/status", &route, &allow, &label, &vars),
                     INCROCIO_MATCH_OK);
    assert_string_equal(route->method, "GET");
    assert_int_equal(incrocio_router_match(r, "POST", "/v1/status", &route, &allow, &label, &vars),
                     INCROCIO_MATCH_METHOD);
    assert_string_equal(allow, "GET, HEAD, OPTIONS");
    assert_int_equal(
        incrocio_router_match(r, "GET", "/v1/offices/CE08/", &route, &allow, &label, &vars),
        INCROCIO_MATCH_NONE);
    assert_int_equal(label, distinct);
    incrocio_router_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels),         cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_var_length),     cmocka_unit_test(test_same_template_other_copy),
        cmocka_unit_test(test_empty_table),    cmocka_unit_test(test_limits_of_templates),
        cmocka_unit_test(test_invalid_tables), cmocka_unit_test(test_real_table),
    };
    return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
