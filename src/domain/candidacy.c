/* A candidacy's stage table (include/incrocio/candidacy.h). */
#include "incrocio/candidacy.h"

#include <stddef.h>
#include <string.h>

enum stage { PROPOSED, CONTACTED, SENT, INTERVIEW, HIRED, NOT_SELECTED, WITHDRAWN, DECLINED };

const char *const incrocio_candidacy_stages[INCROCIO_CANDIDACY_STAGES] = {
    "proposed", "contacted",    "sent_to_employer", "interview",
    "hired",    "not_selected", "withdrawn",        "declined_by_seeker"};

#define BIT(s) (1u << (s))

/* next[from]: the stages it may move to. */
static const unsigned next[INCROCIO_CANDIDACY_STAGES] = {
    [PROPOSED] = BIT(CONTACTED) | BIT(WITHDRAWN) | BIT(DECLINED),
    [CONTACTED] = BIT(SENT) | BIT(WITHDRAWN) | BIT(DECLINED),
    [SENT] = BIT(INTERVIEW) | BIT(HIRED) | BIT(NOT_SELECTED) | BIT(WITHDRAWN) | BIT(DECLINED),
    [INTERVIEW] = BIT(HIRED) | BIT(NOT_SELECTED) | BIT(WITHDRAWN) | BIT(DECLINED),
};

static int index_of(const char *stage)
{
    for (int i = 0; stage && i < INCROCIO_CANDIDACY_STAGES; i++)
        if (strcmp(stage, incrocio_candidacy_stages[i]) == 0)
            return i;
    return -1;
}

int incrocio_candidacy_stage_valid(const char *stage)
{
    return index_of(stage) >= 0;
}

int incrocio_candidacy_stage_open(const char *stage)
{
    int s = index_of(stage);
    return s >= PROPOSED && s <= INTERVIEW;
}

int incrocio_candidacy_may_move(const char *from, const char *to)
{
    int f = index_of(from), t = index_of(to);
    return f >= 0 && t >= 0 && (next[f] & BIT(t)) != 0;
}

int incrocio_candidacy_employer_may_move(const char *from, const char *to)
{
    int t = index_of(to);
    return incrocio_candidacy_may_move(from, to) &&
           (t == INTERVIEW || t == HIRED || t == NOT_SELECTED);
}
