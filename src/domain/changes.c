/* The changes feed's query: the cursor, the page size and the type filter. */
#include "incrocio/changes.h"

#include <stdlib.h>
#include <string.h>

#include "incrocio/cursor.h"
#include "incrocio/problem.h"

int incrocio_changes_type_known(const char *name)
{
    static const char *const types[] = {"vacancy", "employer", "job_seeker", "candidacy",
                                        "appointment"};

    for (size_t i = 0; name && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(name, types[i]) == 0)
            return 1;
    return 0;
}

/* A position as the feed writes it in its cursors: 1 to 18 digits, no sign. */
static int position_of(const char *s, long long *out)
{
    size_t n = strlen(s);
    long long v = 0;

    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

void incrocio_changes_parse(const char *since, const char *limit, const char *type,
                            struct incrocio_changes_query *q, json_t *errors)
{
    q->after = 0;
    q->limit = 20;
    q->type = NULL;
    if (since != NULL) {
        char key[INCROCIO_CURSOR_MAX];

        if (incrocio_cursor_decode(INCROCIO_CHANGES_CURSOR_SCOPE, since, key, sizeof key) !=
                INCROCIO_OK ||
            !position_of(key, &q->after))
            incrocio_problem_add_param(errors, "since", "cursor.invalid",
                                       "since is not a cursor this feed gave out: use "
                                       "next_cursor from the previous page");
    }
    if (limit != NULL) {
        int v = 0;
        size_t i = 0;

        for (; limit[i] >= '0' && limit[i] <= '9' && i < 5; i++)
            v = v * 10 + (limit[i] - '0');
        if (i == 0 || limit[i] != '\0')
            incrocio_problem_add_param(errors, "limit", "limit.syntax",
                                       "limit must be a whole number from 1 to 1000");
        else if (v < 1 || v > INCROCIO_CHANGES_LIMIT_MAX)
            incrocio_problem_add_param(errors, "limit", "limit.range",
                                       "limit must be from 1 to 1000");
        else
            q->limit = v;
    }
    if (type != NULL) {
        if (incrocio_changes_type_known(type))
            q->type = type;
        else
            incrocio_problem_add_param(errors, "type", "type.unknown",
                                       "type must be vacancy, employer, job_seeker, candidacy "
                                       "or appointment");
    }
}
