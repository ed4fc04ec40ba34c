#ifndef INCROCIO_WEIGHTS_H
#define INCROCIO_WEIGHTS_H

#include <jansson.h>
#include <stddef.h>

#include "incrocio/score.h"

/* domain/weights.c: the matching model's weights as JSON (the "weights" of
 * PUT /v1/matching/model and of matching_models.weights). Pure. */

/* Each weight is a number in [0, INCROCIO_WEIGHT_MAX]; their sum is > 0. */
#define INCROCIO_WEIGHT_MAX 1000

/* The component's JSON name ("occupation", "skills", "experience",
 * "education", "languages", "distance", "contract"), or NULL out of range. */
const char *incrocio_weights_component_name(int component);

/* Validates weights, the value of a body's "weights" member (NULL when
 * absent), into *out: an object with exactly the seven components, each a
 * JSON number (integer or real) >= 0 and <= INCROCIO_WEIGHT_MAX, not all 0.
 * Appends one {"pointer","code","detail"} per fault to errors, with pointers
 * under "/weights" ("/weights/skills"). Returns the number of errors
 * appended; *out is written only when it is 0. */
size_t incrocio_weights_from_json(const json_t *weights, struct incrocio_weights *out,
                                  json_t *errors);

/* {"occupation": 30, ...} in component order: integral weights as JSON
 * integers, the others as reals. NULL when out of memory. */
json_t *incrocio_weights_to_json_new(const struct incrocio_weights *w);

#endif
