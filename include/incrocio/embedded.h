#ifndef INCROCIO_EMBEDDED_H
#define INCROCIO_EMBEDDED_H

#include <stddef.h>

/* Files compiled into the binary by src/gen/embed.py. */
struct incrocio_embedded_file {
    const char *name;
    const char *data;
    size_t len;
};

/* The files of sql/migrations/ in name order, terminated by an entry with name NULL. */
extern const struct incrocio_embedded_file incrocio_embedded_migrations[];
/* openapi/openapi.yaml */
extern const struct incrocio_embedded_file incrocio_embedded_openapi;

#endif
