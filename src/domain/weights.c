/* The matching model's weights as JSON: what an admin may set, and how it is
 * written back. */
#include "incrocio/weights.h"

#include <math.h>
#include <string.h>

#include "incrocio/doccheck.h"
#include "incrocio/problem.h"

#define BASE "/weights"

/* enum incrocio_component order. */
static const char *const names[INCROCIO_C_COUNT] = {
    "occupation", "skills", "experience", "education", "languages", "distance", "contract",
};

const char *incrocio_weights_component_name(int component)
{
    return component >= 0 && component < INCROCIO_C_COUNT ? names[component] : NULL;
}

static int known(const char *key)
{
    for (int c = 0; c < INCROCIO_C_COUNT; c++)
        if (strcmp(key, names[c]) == 0)
            return 1;
    return 0;
}

size_t incrocio_weights_from_json(const json_t *weights, struct incrocio_weights *out,
                                  json_t *errors)
{
    struct incrocio_weights w;
    size_t nerr = 0;
    double sum = 0.0;
    const char *key;
    json_t *v;

    if (weights == NULL || json_is_null(weights)) {
        incrocio_problem_add(errors, BASE, "field.required", "this field is required");
        return 1;
    }
    if (!json_is_object(weights)) {
        incrocio_problem_add(errors, BASE, "field.type",
                             "must be an object with a weight for each component");
        return 1;
    }
    for (int c = 0; c < INCROCIO_C_COUNT; c++) {
        char ptr[INCROCIO_PTR_MAX];
        double d;

        incrocio_doccheck_join(ptr, BASE, names[c]);
        v = json_object_get(weights, names[c]);
        if (v == NULL || json_is_null(v)) {
            incrocio_problem_add(errors, ptr, "field.required", "this field is required");
            nerr++;
            continue;
        }
        if (!json_is_number(v)) {
            incrocio_problem_add(errors, ptr, "field.type", "must be a number");
            nerr++;
            continue;
        }
        d = json_number_value(v) + 0.0; /* -0 is 0 */
        if (!(d >= 0.0 && d <= INCROCIO_WEIGHT_MAX)) {
            incrocio_problem_add(errors, ptr, "field.range", "must be between 0 and 1000");
            nerr++;
            continue;
        }
        w.w[c] = d;
        sum += d;
    }
    json_object_foreach ((json_t *)weights, key, v) {
        char ptr[INCROCIO_PTR_MAX];

        if (known(key))
            continue;
        incrocio_doccheck_join(ptr, BASE, key);
        incrocio_problem_add(errors, ptr, "field.unknown",
                             "no such component: the weights are occupation, skills, experience, "
                             "education, languages, distance and contract");
        nerr++;
    }
    /* Only meaningful when every weight was read. */
    if (nerr == 0 && !(sum > 0.0)) {
        incrocio_problem_add(errors, BASE, "weights.zero_sum",
                             "at least one weight must be greater than 0");
        nerr++;
    }
    if (nerr == 0)
        *out = w;
    return nerr;
}

json_t *incrocio_weights_to_json_new(const struct incrocio_weights *w)
{
    json_t *o = json_object();

    for (int c = 0; o != NULL && c < INCROCIO_C_COUNT; c++) {
        double d = w->w[c];
        /* Integral weights read as written: 30, not 30.0. */
        json_t *v = (d == floor(d) && fabs(d) < 1e15) ? json_integer((json_int_t)d) : json_real(d);

        if (v == NULL || json_object_set_new(o, names[c], v) != 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}
