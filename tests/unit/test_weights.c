/* src/domain/weights.c: the matching weights as JSON, both ways. */
#include <math.h>

#include "unit.h"

#include "incrocio/weights.h"

#define DEFAULTS                                                                                 \
    "\"occupation\": 30, \"skills\": 25, \"experience\": 15, \"education\": 10, \"languages\": " \
    "8, \"distance\": 7, \"contract\": 5"

/* Parses text (a JSON value, or NULL for an absent member) into *w; returns
 * the errors array (caller decrefs) and the count in *n. */
static json_t *parse(const char *text, struct incrocio_weights *w, size_t *n)
{
    json_t *errors = json_array(), *v = text ? load(text) : NULL;

    assert_non_null(errors);
    *n = incrocio_weights_from_json(v, w, errors);
    json_decref(v);
    return errors;
}

static void test_component_names(void **state)
{
    static const char *const want[] = {"occupation", "skills",   "experience", "education",
                                       "languages",  "distance", "contract"};

    (void)state;
    assert_int_equal(N_ELEMS(want), INCROCIO_C_COUNT);
    for (size_t i = 0; i < N_ELEMS(want); i++)
        ROW_STR(i, incrocio_weights_component_name((int)i), want[i]);
    assert_null(incrocio_weights_component_name(-1));
    assert_null(incrocio_weights_component_name(INCROCIO_C_COUNT));
}

static void test_defaults_accepted(void **state)
{
    struct incrocio_weights w;
    size_t n;
    json_t *errors = parse("{" DEFAULTS "}", &w, &n);

    (void)state;
    assert_int_equal(n, 0);
    assert_int_equal(json_array_size(errors), 0);
    for (int c = 0; c < INCROCIO_C_COUNT; c++)
        ROW_INT(c, w.w[c] == incrocio_default_weights.w[c], 1);
    json_decref(errors);
}

/* Valid weights, in component order, and what they read as. */
static void test_valid(void **state)
{
    const struct {
        const char *text;
        double want[INCROCIO_C_COUNT];
    } rows[] = {
        /* reals and integers alike; members in any order */
        {"{\"contract\": 0.5, \"distance\": 0, \"languages\": 0.0, \"education\": 1e2,"
         " \"experience\": 2.25, \"skills\": 1000, \"occupation\": 1000.0}",
         {1000, 1000, 2.25, 100, 0, 0, 0.5}},
        /* one weight is enough */
        {"{\"occupation\": 0, \"skills\": 0, \"experience\": 0, \"education\": 0,"
         " \"languages\": 0, \"distance\": 0, \"contract\": 1e-9}",
         {0, 0, 0, 0, 0, 0, 1e-9}},
        /* -0 is 0, not negative */
        {"{\"occupation\": -0, \"skills\": -0.0, \"experience\": 1, \"education\": 1,"
         " \"languages\": 1, \"distance\": 1, \"contract\": 1}",
         {0, 0, 1, 1, 1, 1, 1}},
        {"{\"occupation\": 0.1, \"skills\": 0.2, \"experience\": 0.3, \"education\": 999.999,"
         " \"languages\": 1E3, \"distance\": 7, \"contract\": 5}",
         {0.1, 0.2, 0.3, 999.999, 1000, 7, 5}},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_weights w;
        size_t n;
        json_t *errors = parse(rows[i].text, &w, &n);

        ROW_INT(i, n, 0);
        ROW_INT(i, json_array_size(errors), 0);
        for (int c = 0; c < INCROCIO_C_COUNT; c++) {
            if (w.w[c] != rows[i].want[c])
                fail_msg("row %zu: component %d = %.17g, want %.17g", i, c, w.w[c],
                         rows[i].want[c]);
            if (signbit(w.w[c]))
                fail_msg("row %zu: component %d is negative zero", i, c);
        }
        json_decref(errors);
    }
}

/* Exactly one fault: its pointer and code; nothing written to *w. */
static void test_one_fault(void **state)
{
    const struct {
        const char *text;
        const char *pointer, *code;
    } rows[] = {
        {NULL, "/weights", "field.required"},
        {"null", "/weights", "field.required"},
        {"[]", "/weights", "field.type"},
        {"[30, 25, 15, 10, 8, 7, 5]", "/weights", "field.type"},
        {"\"30\"", "/weights", "field.type"},
        {"30", "/weights", "field.type"},
        {"{\"skills\": 25, \"experience\": 15, \"education\": 10, \"languages\": 8,"
         " \"distance\": 7, \"contract\": 5}",
         "/weights/occupation", "field.required"},
        {"{\"occupation\": 30, \"skills\": null, \"experience\": 15, \"education\": 10,"
         " \"languages\": 8, \"distance\": 7, \"contract\": 5}",
         "/weights/skills", "field.required"},
        {"{\"occupation\": 30, \"skills\": \"25\", \"experience\": 15, \"education\": 10,"
         " \"languages\": 8, \"distance\": 7, \"contract\": 5}",
         "/weights/skills", "field.type"},
        {"{\"occupation\": 30, \"skills\": 25, \"experience\": true, \"education\": 10,"
         " \"languages\": 8, \"distance\": 7, \"contract\": 5}",
         "/weights/experience", "field.type"},
        {"{\"occupation\": 30, \"skills\": 25, \"experience\": 15, \"education\": [10],"
         " \"languages\": 8, \"distance\": 7, \"contract\": 5}",
         "/weights/education", "field.type"},
        {"{\"occupation\": 30, \"skills\": 25, \"experience\": 15, \"education\": 10,"
         " \"languages\": {}, \"distance\": 7, \"contract\": 5}",
         "/weights/languages", "field.type"},
        {"{\"occupation\": 30, \"skills\": 25, \"experience\": 15, \"education\": 10,"
         " \"languages\": 8, \"distance\": -1, \"contract\": 5}",
         "/weights/distance", "field.range"},
        {"{\"occupation\": 30, \"skills\": 25, \"experience\": 15, \"education\": 10,"
         " \"languages\": 8, \"distance\": -0.000001, \"contract\": 5}",
         "/weights/distance", "field.range"},
        {"{\"occupation\": 30, \"skills\": 25, \"experience\": 15, \"education\": 10,"
         " \"languages\": 8, \"distance\": 7, \"contract\": 1001}",
         "/weights/contract", "field.range"},
        {"{\"occupation\": 1000.000001, \"skills\": 25, \"experience\": 15, \"education\": 10,"
         " \"languages\": 8, \"distance\": 7, \"contract\": 5}",
         "/weights/occupation", "field.range"},
        {"{\"occupation\": 1e308, \"skills\": 25, \"experience\": 15, \"education\": 10,"
         " \"languages\": 8, \"distance\": 7, \"contract\": 5}",
         "/weights/occupation", "field.range"},
        {"{" DEFAULTS ", \"age\": 0}", "/weights/age", "field.unknown"},
        {"{" DEFAULTS ", \"Skills\": 3}", "/weights/Skills", "field.unknown"},
        /* RFC 6901 escapes in the pointer */
        {"{" DEFAULTS ", \"a/b~c\": 1}", "/weights/a~1b~0c", "field.unknown"},
        {"{" DEFAULTS ", \"\": 1}", "/weights/", "field.unknown"},
        {"{\"occupation\": 0, \"skills\": 0, \"experience\": 0, \"education\": 0,"
         " \"languages\": 0, \"distance\": 0.0, \"contract\": -0}",
         "/weights", "weights.zero_sum"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_weights w, before;
        size_t n;
        json_t *errors;

        memset(&w, 0xA5, sizeof w);
        before = w;
        errors = parse(rows[i].text, &w, &n);
        ROW_INT(i, n, 1);
        ROW_INT(i, json_array_size(errors), 1);
        ROW_STR(i, err_field(errors, 0, "pointer"), rows[i].pointer);
        ROW_STR(i, err_field(errors, 0, "code"), rows[i].code);
        ROW_INT(i, strlen(err_field(errors, 0, "detail")) > 0, 1);
        ROW_INT(i, json_object_size(json_array_get(errors, 0)), 3);
        ROW_INT(i, memcmp(&w, &before, sizeof w), 0);
        json_decref(errors);
    }
}

/* Every fault at once, components in order then unknown members; the sum is
 * not judged while a weight is missing. */
static void test_all_faults(void **state)
{
    struct incrocio_weights w;
    size_t n;
    json_t *errors = parse("{\"zeta\": 1, \"occupation\": 0, \"experience\": \"x\","
                           " \"education\": 0, \"languages\": 2000, \"distance\": 0,"
                           " \"contract\": 0, \"alpha\": null}",
                           &w, &n);
    static const char *const want[][2] = {
        {"/weights/skills", "field.required"}, {"/weights/experience", "field.type"},
        {"/weights/languages", "field.range"}, {"/weights/zeta", "field.unknown"},
        {"/weights/alpha", "field.unknown"},
    };

    (void)state;
    assert_int_equal(n, N_ELEMS(want));
    assert_int_equal(json_array_size(errors), N_ELEMS(want));
    for (size_t i = 0; i < N_ELEMS(want); i++) {
        ROW_STR(i, err_field(errors, i, "pointer"), want[i][0]);
        ROW_STR(i, err_field(errors, i, "code"), want[i][1]);
    }
    json_decref(errors);
}

/* The count returned is of errors this call appended. */
static void test_appends(void **state)
{
    struct incrocio_weights w;
    json_t *errors = json_array(), *v = load("{\"occupation\": 1}");

    (void)state;
    json_array_append_new(errors, json_string("earlier"));
    assert_int_equal(incrocio_weights_from_json(v, &w, errors), 6);
    assert_int_equal(json_array_size(errors), 7);
    ROW_STR(0, json_string_value(json_array_get(errors, 0)), "earlier");
    ROW_STR(1, err_field(errors, 1, "pointer"), "/weights/skills");
    json_decref(v);
    json_decref(errors);
}

static void test_to_json(void **state)
{
    const struct {
        struct incrocio_weights w;
        const char *want; /* compact, in order */
    } rows[] = {
        {{{30, 25, 15, 10, 8, 7, 5}},
         "{\"occupation\":30,\"skills\":25,\"experience\":15,\"education\":10,\"languages\":8,"
         "\"distance\":7,\"contract\":5}"},
        {{{0.5, 0, 1000, 2.25, 0.125, 1, 0}},
         "{\"occupation\":0.5,\"skills\":0,\"experience\":1000,\"education\":2.25,"
         "\"languages\":0.125,\"distance\":1,\"contract\":0}"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *j = incrocio_weights_to_json_new(&rows[i].w);
        char *text;

        assert_non_null(j);
        text = json_dumps(j, JSON_COMPACT);
        ROW_STR(i, text, rows[i].want);
        ROW_INT(i, json_is_integer(json_object_get(j, "occupation")), rows[i].w.w[0] == 30);
        free(text);
        json_decref(j);
    }
}

/* What to_json writes, from_json reads back to the same doubles. */
static void test_round_trip(void **state)
{
    const struct incrocio_weights rows[] = {
        {{30, 25, 15, 10, 8, 7, 5}},
        {{0.1, 0.2, 0.30000000000000004, 1e-9, 999.9999999999999, 1000, 0}},
        {{1.0 / 3, 2.0 / 3, 0, 0, 0, 0, 0}},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *j = incrocio_weights_to_json_new(&rows[i]), *back, *errors = json_array();
        struct incrocio_weights w;
        char *text = json_dumps(j, JSON_COMPACT);

        back = load(text);
        ROW_INT(i, incrocio_weights_from_json(back, &w, errors), 0);
        for (int c = 0; c < INCROCIO_C_COUNT; c++)
            if (w.w[c] != rows[i].w[c])
                fail_msg("row %zu: component %d = %.17g, want %.17g", i, c, w.w[c], rows[i].w[c]);
        free(text);
        json_decref(j);
        json_decref(back);
        json_decref(errors);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_component_names), cmocka_unit_test(test_defaults_accepted),
        cmocka_unit_test(test_valid),           cmocka_unit_test(test_one_fault),
        cmocka_unit_test(test_all_faults),      cmocka_unit_test(test_appends),
        cmocka_unit_test(test_to_json),         cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests_name("weights", tests, NULL, NULL);
}
