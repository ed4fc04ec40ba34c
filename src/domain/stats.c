/* The statistics' arithmetic: periods by whole days, shares to 4 decimals. */
#include "incrocio/stats.h"

#include <stdlib.h>
#include <string.h>

#include "incrocio/offices.h"
#include "incrocio/validate.h"

/* Howard Hinnant's days_from_civil: proleptic Gregorian, exact. */
long incrocio_stats_day_number(const char *date)
{
    long y = strtol(date, NULL, 10), m = strtol(date + 5, NULL, 10), d = strtol(date + 8, NULL, 10);
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int bound_check(const char *name, const char *v, struct incrocio_stats_fault *f)
{
    int from = strcmp(name, "from") == 0;

    f->param = name;
    if (v == NULL) {
        f->code = from ? "from.required" : "to.required";
        f->detail = from ? "from, the first day of the period (YYYY-MM-DD), is required"
                         : "to, the last day of the period (YYYY-MM-DD), is required";
        return 0;
    }
    if (!incrocio_valid_date(v)) {
        f->code = from ? "from.syntax" : "to.syntax";
        f->detail = from ? "from must be a date YYYY-MM-DD" : "to must be a date YYYY-MM-DD";
        return 0;
    }
    return 1;
}

size_t incrocio_stats_period_check(const char *from, const char *to,
                                   struct incrocio_stats_fault faults[2])
{
    size_t n = 0;
    int from_ok = bound_check("from", from, &faults[n]);
    int to_ok;

    n += !from_ok;
    to_ok = bound_check("to", to, &faults[n]);
    n += !to_ok;
    if (from_ok && to_ok) {
        long days = incrocio_stats_day_number(to) - incrocio_stats_day_number(from) + 1;

        faults[0].param = "to";
        if (days < 1) {
            faults[0].code = "to.before_from";
            faults[0].detail = "to must not be before from";
            n = 1;
        } else if (days > INCROCIO_STATS_MAX_DAYS) {
            faults[0].code = "period.too_long";
            faults[0].detail = "a period is at most 3 years (1096 days)";
            n = 1;
        }
    }
    return n;
}

double incrocio_stats_share(long n, long total)
{
    long long scaled;

    if (total <= 0 || n <= 0)
        return 0.0;
    /* round(n / total * 10000), halves up: (2 n 10000 + total) div (2 total) */
    scaled = ((long long)n * 20000 + total) / (2LL * total);
    return (double)scaled / 10000.0;
}

const char *incrocio_stats_offices_parse(const char *list, char (*codes)[8], size_t max, size_t *n)
{
    const char *p = list;

    *n = 0;
    if (list == NULL || *list == '\0')
        return "offices.syntax";
    for (;;) {
        size_t len = strcspn(p, ",");
        char code[8];

        if (len == 0 || len >= sizeof code)
            return "offices.syntax";
        memcpy(code, p, len);
        code[len] = '\0';
        if (!incrocio_office_code_valid(code))
            return "offices.syntax";
        for (size_t i = 0; i < *n; i++)
            if (strcmp(codes[i], code) == 0)
                return "offices.duplicate";
        if (*n == max)
            return "offices.too_many";
        memcpy(codes[(*n)++], code, len + 1);
        if (p[len] == '\0')
            return NULL;
        p += len + 1;
    }
}
