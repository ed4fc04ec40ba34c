/* src/http/metrics.c: counting and the Prometheus exposition (no pool). */
#include "unit.h"

#include "incrocio/metrics.h"

static const char *const labels[] = {"/v1/offices", "/v1/offices/{code}", "/v1/status"};
enum { R_LIST, R_ONE, R_STATUS };

static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);

    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return 1;
    return 0;
}

static size_t count_prefix(const char *text, const char *prefix)
{
    size_t n = 0, plen = strlen(prefix);

    for (const char *p = text; *p;) {
        if (strncmp(p, prefix, plen) == 0)
            n++;
        p = strchr(p, '\n');
        if (p == NULL)
            break;
        p++;
    }
    return n;
}

#define ASSERT_LINE(text, line)                                    \
    do {                                                           \
        if (!has_line((text), (line)))                             \
            fail_msg("missing line: %s\n---\n%s", (line), (text)); \
    } while (0)

static void test_empty(void **state)
{
    struct incrocio_metrics *m = incrocio_metrics_new(N_ELEMS(labels), labels);
    char *text;

    (void)state;
    assert_non_null(m);
    text = incrocio_metrics_render_new(m, NULL);
    assert_non_null(text);
    ASSERT_LINE(text, "# TYPE incrocio_http_requests_total counter");
    ASSERT_LINE(text, "# TYPE incrocio_http_request_duration_seconds histogram");
    ASSERT_LINE(text, "# TYPE incrocio_build_info gauge");
    ASSERT_LINE(text, "incrocio_build_info{version=\"" INCROCIO_VERSION "\"} 1");
    assert_int_equal(count_prefix(text, "incrocio_http_requests_total{"), 0);
    assert_int_equal(count_prefix(text, "incrocio_http_request_duration_seconds_"), 0);
    /* No pool, no pool gauges. */
    assert_null(strstr(text, "incrocio_db_"));
    assert_int_equal(text[strlen(text) - 1], '\n');
    free(text);
    incrocio_metrics_free(m);
}

static void test_counts_by_route_method_status(void **state)
{
    struct incrocio_metrics *m = incrocio_metrics_new(N_ELEMS(labels), labels);
    char *text;

    (void)state;
    incrocio_metrics_observe(m, R_LIST, "GET", 200, 0.001);
    incrocio_metrics_observe(m, R_LIST, "GET", 200, 0.002);
    incrocio_metrics_observe(m, R_LIST, "GET", 400, 0.001);
    incrocio_metrics_observe(m, R_ONE, "PATCH", 412, 0.3);
    incrocio_metrics_observe(m, R_ONE, "GET", 200, 0.01);
    /* Methods we do not list are OTHER, whatever their spelling. */
    incrocio_metrics_observe(m, R_LIST, "BREW", 200, 0.01);
    incrocio_metrics_observe(m, R_LIST, "get", 200, 0.01);
    incrocio_metrics_observe(m, R_LIST, "", 200, 0.01);
    incrocio_metrics_observe(m, R_LIST, NULL, 200, 0.01);
    incrocio_metrics_observe(m, R_LIST, "GETX", 200, 0.01);
    /* Out of range: ignored. */
    incrocio_metrics_observe(m, N_ELEMS(labels), "GET", 200, 0.01);
    incrocio_metrics_observe(m, (size_t)-1, "GET", 200, 0.01);
    incrocio_metrics_observe(m, R_LIST, "GET", 99, 0.01);
    incrocio_metrics_observe(m, R_LIST, "GET", 600, 0.01);
    incrocio_metrics_observe(m, R_LIST, "GET", 0, 0.01);
    incrocio_metrics_observe(m, R_LIST, "GET", 1000, 0.01);
    incrocio_metrics_observe(NULL, R_LIST, "GET", 200, 0.01);
    /* The edges of the status range count. */
    incrocio_metrics_observe(m, R_STATUS, "HEAD", 100, 0.01);
    incrocio_metrics_observe(m, R_STATUS, "HEAD", 599, 0.01);

    text = incrocio_metrics_render_new(m, NULL);
    assert_non_null(text);
    ASSERT_LINE(text, "incrocio_http_requests_total{route=\"/v1/offices\",method=\"GET\","
                      "status=\"200\"} 2");
    ASSERT_LINE(text, "incrocio_http_requests_total{route=\"/v1/offices\",method=\"GET\","
                      "status=\"400\"} 1");
    ASSERT_LINE(text, "incrocio_http_requests_total{route=\"/v1/offices\",method=\"OTHER\","
                      "status=\"200\"} 5");
    ASSERT_LINE(text, "incrocio_http_requests_total{route=\"/v1/offices/{code}\","
                      "method=\"PATCH\",status=\"412\"} 1");
    ASSERT_LINE(text, "incrocio_http_requests_total{route=\"/v1/offices/{code}\","
                      "method=\"GET\",status=\"200\"} 1");
    ASSERT_LINE(text, "incrocio_http_requests_total{route=\"/v1/status\",method=\"HEAD\","
                      "status=\"100\"} 1");
    ASSERT_LINE(text, "incrocio_http_requests_total{route=\"/v1/status\",method=\"HEAD\","
                      "status=\"599\"} 1");
    /* Exactly those seven series, nothing for the ignored observations. */
    assert_int_equal(count_prefix(text, "incrocio_http_requests_total{"), 7);
    assert_null(strstr(text, "status=\"99\""));
    assert_null(strstr(text, "status=\"600\""));
    assert_null(strstr(text, "status=\"0\""));
    /* Histogram counts agree: 8 + 2 + 2 observations. */
    ASSERT_LINE(text, "incrocio_http_request_duration_seconds_count{route=\"/v1/offices\"} 8");
    ASSERT_LINE(text,
                "incrocio_http_request_duration_seconds_count{route=\"/v1/offices/{code}\"} 2");
    ASSERT_LINE(text, "incrocio_http_request_duration_seconds_count{route=\"/v1/status\"} 2");
    free(text);
    incrocio_metrics_free(m);
}

static void test_every_method_label(void **state)
{
    static const char *const methods[] = {"GET",   "HEAD",   "POST",    "PUT",
                                          "PATCH", "DELETE", "OPTIONS", "CONNECT"};
    static const char *const shown[] = {"GET",   "HEAD",   "POST",    "PUT",
                                        "PATCH", "DELETE", "OPTIONS", "OTHER"};
    struct incrocio_metrics *m = incrocio_metrics_new(1, labels);
    char *text;

    (void)state;
    for (size_t i = 0; i < N_ELEMS(methods); i++)
        for (size_t k = 0; k <= i; k++) /* i + 1 observations of method i */
            incrocio_metrics_observe(m, 0, methods[i], 204, 0.0);
    text = incrocio_metrics_render_new(m, NULL);
    assert_non_null(text);
    for (size_t i = 0; i < N_ELEMS(shown); i++) {
        char line[160];

        snprintf(line, sizeof line,
                 "incrocio_http_requests_total{route=\"/v1/offices\",method=\"%s\",status=\"204\"}"
                 " %zu",
                 shown[i], i + 1);
        if (!has_line(text, line))
            fail_msg("row %zu: missing %s", i, line);
    }
    assert_int_equal(count_prefix(text, "incrocio_http_requests_total{"), N_ELEMS(shown));
    free(text);
    incrocio_metrics_free(m);
}

static void test_histogram_cumulative(void **state)
{
    struct incrocio_metrics *m = incrocio_metrics_new(N_ELEMS(labels), labels);
    /* le is "less or equal": 0.0005 falls in the first bucket, 10 only in +Inf. */
    static const double seconds[] = {0.0001, 0.0005, 0.25, 0.5, 3.0, 10.0};
    static const char *const want[] = {
        "le=\"0.0005\"} 2", "le=\"0.001\"} 2", "le=\"0.0025\"} 2", "le=\"0.005\"} 2",
        "le=\"0.01\"} 2",   "le=\"0.025\"} 2", "le=\"0.05\"} 2",   "le=\"0.1\"} 2",
        "le=\"0.25\"} 3",   "le=\"0.5\"} 4",   "le=\"1\"} 4",      "le=\"2.5\"} 4",
        "le=\"5\"} 5",      "le=\"+Inf\"} 6",
    };
    char *text;

    (void)state;
    for (size_t i = 0; i < N_ELEMS(seconds); i++)
        incrocio_metrics_observe(m, R_ONE, "GET", 200, seconds[i]);
    text = incrocio_metrics_render_new(m, NULL);
    assert_non_null(text);
    for (size_t i = 0; i < N_ELEMS(want); i++) {
        char line[160];

        snprintf(line, sizeof line,
                 "incrocio_http_request_duration_seconds_bucket{route=\"/v1/offices/{code}\",%s",
                 want[i]);
        if (!has_line(text, line))
            fail_msg("row %zu: missing %s\n---\n%s", i, line, text);
    }
    /* Exactly 14 buckets for the observed route, none for the others. */
    assert_int_equal(count_prefix(text, "incrocio_http_request_duration_seconds_bucket{"),
                     N_ELEMS(want));
    assert_null(strstr(text, "_bucket{route=\"/v1/offices\""));
    assert_null(strstr(text, "_sum{route=\"/v1/status\""));
    /* 0.0001 + 0.0005 + 0.25 + 0.5 + 3 + 10, in whole nanoseconds. */
    ASSERT_LINE(text, "incrocio_http_request_duration_seconds_sum{route=\"/v1/offices/{code}\"} "
                      "13.750600000");
    ASSERT_LINE(text,
                "incrocio_http_request_duration_seconds_count{route=\"/v1/offices/{code}\"} 6");
    /* The buckets are in increasing order of le. */
    {
        const char *a = strstr(text, "le=\"0.0005\"}"), *b = strstr(text, "le=\"0.001\"}"),
                   *c = strstr(text, "le=\"5\"}"), *d = strstr(text, "le=\"+Inf\"}");
        assert_true(a && b && c && d && a < b && b < c && c < d);
    }
    free(text);
    incrocio_metrics_free(m);
}

static void test_counters_accumulate_across_renders(void **state)
{
    struct incrocio_metrics *m = incrocio_metrics_new(1, labels);
    char *t1, *t2;

    (void)state;
    incrocio_metrics_observe(m, 0, "GET", 200, 0.001);
    t1 = incrocio_metrics_render_new(m, NULL);
    incrocio_metrics_observe(m, 0, "GET", 200, 0.001);
    t2 = incrocio_metrics_render_new(m, NULL);
    assert_non_null(t1);
    assert_non_null(t2);
    ASSERT_LINE(t1, "incrocio_http_requests_total{route=\"/v1/offices\",method=\"GET\","
                    "status=\"200\"} 1");
    ASSERT_LINE(t2, "incrocio_http_requests_total{route=\"/v1/offices\",method=\"GET\","
                    "status=\"200\"} 2");
    free(t1);
    free(t2);
    incrocio_metrics_free(m);
}

static void test_free_null(void **state)
{
    (void)state;
    incrocio_metrics_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_counts_by_route_method_status),
        cmocka_unit_test(test_every_method_label),
        cmocka_unit_test(test_histogram_cumulative),
        cmocka_unit_test(test_counters_accumulate_across_renders),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
