#ifndef INCROCIO_CURSOR_H
#define INCROCIO_CURSOR_H

#include <stddef.h>

#include "incrocio/error.h"

/* Opaque pagination cursors: the last key of a page, tagged with the
 * collection it belongs to, base64url-encoded. Clients must not parse them. */

#define INCROCIO_CURSOR_MAX 256 /* longest encoded cursor, with its NUL */

/* Encodes (scope, key) into out (at least INCROCIO_CURSOR_MAX bytes). */
incrocio_err incrocio_cursor_encode(const char *scope, const char *key, char *out, size_t outlen);

/* Decodes cursor into key (NUL-terminated); INCROCIO_ERR_INVALID when it is
 * malformed, too long, or was made for another scope. */
incrocio_err incrocio_cursor_decode(const char *scope, const char *cursor, char *key,
                                    size_t keylen);

#endif
