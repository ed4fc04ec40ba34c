#ifndef INCROCIO_MATCH_EXPLAIN_H
#define INCROCIO_MATCH_EXPLAIN_H

#include <jansson.h>
#include <stdint.h>

#include "incrocio/score.h"

/* How a score came about, as the API shows it (DESIGN §5 rule 4): each
 * component with its value, weight and evidence, and, for one pair, every
 * hard filter that excludes the person with the figures behind it. Pure:
 * reads the two records and their score, nothing else. */

/* A skill id's code (the index's dictionary). */
typedef const char *(*incrocio_skill_code_fn)(const void *ctx, uint32_t id);

/* {"components": [...]} and, when with_filters, "filters": [...]. The
 * caller frees the result; NULL only when out of memory. */
json_t *incrocio_match_explain_new(const struct incrocio_seeker_rec *s,
                                   const struct incrocio_position_rec *p,
                                   const struct incrocio_score *score,
                                   const struct incrocio_weights *weights, int32_t today,
                                   incrocio_skill_code_fn skill_code, const void *ctx,
                                   int with_filters);

/* "5.2.2.1.0" for 0x52210; out has room for 10 bytes. */
void incrocio_occ_format(incrocio_occ occ, char out[10]);

/* The component's name as the API spells it: "occupation", "skills", ... */
const char *incrocio_component_name(enum incrocio_component c);

#endif
