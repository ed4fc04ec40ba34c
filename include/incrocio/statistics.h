#ifndef INCROCIO_STATISTICS_H
#define INCROCIO_STATISTICS_H

#include <jansson.h>

#include "incrocio/db.h"
#include "incrocio/error.h"

/* The region's statistics (db/statistics.c): aggregates only, never a person. */

/* The candidacy stages, in their order (sql/migrations/0009_candidacies.sql). */
extern const char *const incrocio_statistics_stages[]; /* NULL-terminated */
/* The service channels, in their order. */
extern const char *const incrocio_statistics_channels[]; /* NULL-terminated */

/* The LEP service types in their order, appended to types as
 * {"service_type", "label", "audience"}. */
incrocio_err incrocio_db_statistics_service_types(struct incrocio_db_conn *conn, json_t *types);

/* The codes of offices_pg_array (a text[] literal) that name no office,
 * appended to unknown as strings. */
incrocio_err incrocio_db_statistics_unknown_offices(struct incrocio_db_conn *conn,
                                                    const char *offices_pg_array, json_t *unknown);

/* Service records delivered from..to (dates, inclusive) by the offices of
 * offices_pg_array (NULL: every office), counted by (service type, channel),
 * by service type, by channel and in all: rows appended to rows as
 * {"service_type": s|null, "channel": c|null, "offices": n, "records": n},
 * null meaning "every". */
incrocio_err incrocio_db_statistics_delivery(struct incrocio_db_conn *conn, const char *from,
                                             const char *to, const char *offices_pg_array,
                                             json_t *rows);

/* Per office (office, or every office when NULL), in code order, appended to
 * offices: {"office_code", "vacancies_published", "positions", "places",
 * "candidacies": {"total", "by_stage": {stage: n...}}, "hires"} for the period
 * from..to (dates, inclusive, UTC days). */
incrocio_err incrocio_db_statistics_matching(struct incrocio_db_conn *conn, const char *from,
                                             const char *to, const char *office, json_t *offices);

#endif
