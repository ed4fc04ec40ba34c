#ifndef INCROCIO_STATS_H
#define INCROCIO_STATS_H

#include <stddef.h>

/* domain/stats.c: the pure arithmetic of the statistics (periods, lists of
 * offices, shares). No I/O, no allocation. */

/* A period is at most 3 years long (1096 days, both ends included). */
#define INCROCIO_STATS_MAX_DAYS 1096
/* At most this many offices in one list (Campania has 46). */
#define INCROCIO_STATS_MAX_OFFICES 64

/* One thing wrong with a query parameter: its name, a stable code, a detail. */
struct incrocio_stats_fault {
    const char *param, *code, *detail;
};

/* Days from 1970-01-01 to date, a valid "YYYY-MM-DD" (incrocio_valid_date). */
long incrocio_stats_day_number(const char *date);

/* Checks a period's bounds, both required dates with from <= to and at most
 * INCROCIO_STATS_MAX_DAYS days: returns how many faults (0 to 2) it wrote to
 * faults, the first about from, then to. */
size_t incrocio_stats_period_check(const char *from, const char *to,
                                   struct incrocio_stats_fault faults[2]);

/* n / total rounded to 4 decimals, halves away from zero (exact: integer
 * arithmetic); 0 when total is 0. */
double incrocio_stats_share(long n, long total);

/* Splits "AV01,AV02" into codes (n of them, at most max), in order: NULL when
 * good, else the code of the first fault ("offices.syntax": an empty list, an
 * empty entry or one not shaped as an office code; "offices.duplicate";
 * "offices.too_many"). */
const char *incrocio_stats_offices_parse(const char *list, char (*codes)[8], size_t max, size_t *n);

#endif
