#ifndef INCROCIO_MIGRATE_H
#define INCROCIO_MIGRATE_H

#include <stddef.h>

#include "incrocio/error.h"

/* Applies the embedded sql/migrations in name order, each once and each in its
 * own transaction, recording them in schema_migrations. A session advisory
 * lock serialises servers that start at the same time. *applied counts the
 * migrations this call applied. On error, err names the migration and why. */
incrocio_err incrocio_migrate_run(const char *conninfo, int *applied, char *err, size_t errlen);

#endif
