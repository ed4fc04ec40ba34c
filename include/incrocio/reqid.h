#ifndef INCROCIO_REQID_H
#define INCROCIO_REQID_H

#include <stddef.h>

#define INCROCIO_REQID_MAX 64 /* longest accepted X-Request-Id, without the NUL */

/* 1 when s may be echoed as X-Request-Id: 1 to 64 characters of
 * [A-Za-z0-9._-], so nothing a client sends reaches a log or header unsafely. */
int incrocio_reqid_valid(const char *s);

/* Writes a random UUID v4 (36 characters and a NUL) into out. */
void incrocio_reqid_generate(char out[37]);

#endif
