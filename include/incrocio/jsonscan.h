#ifndef INCROCIO_JSONSCAN_H
#define INCROCIO_JSONSCAN_H

#include <stddef.h>

/* jansson accepts nesting up to 2048 levels; requests are limited much lower,
 * checked by this scan before parsing so no deep recursion ever runs. */
#define INCROCIO_JSON_MAX_DEPTH 32

/* Returns 0 when no array or object in buf nests deeper than max_depth; else
 * -1 with *offset set to the byte where the limit was crossed. Strings (and
 * their escapes) are skipped; well-formedness is left to the parser. */
int incrocio_jsonscan_depth(const char *buf, size_t len, int max_depth, size_t *offset);

#endif
