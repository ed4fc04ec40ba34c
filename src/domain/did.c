#include <string.h>

#include "incrocio/job_seekers.h"

/* Transitions as the regional systems apply them: a DID is registered
 * (online, at the CPI or by a NASpI claim), validated with the service
 * agreement, suspended by a short job and resumed, revoked (decadenza),
 * cancelled as an error or rejected; after revocation, cancellation or
 * rejection the person may register again. */
struct transition {
    const char *event;
    const char *from; /* states it may follow; "-" stands for no DID yet */
    char to;
};

static const struct transition transitions[] = {
    {"register", "-RAE", 'I'}, {"validate", "I", 'C'}, {"suspend", "C", 'S'}, {"resume", "S", 'C'},
    {"revoke", "ICS", 'R'},    {"cancel", "ICS", 'A'}, {"reject", "I", 'E'},
};

#define N_TRANSITIONS (sizeof transitions / sizeof transitions[0])

char incrocio_did_next(char state, const char *event_name)
{
    char from = state ? state : '-';

    for (size_t i = 0; i < N_TRANSITIONS; i++)
        if (event_name && strcmp(transitions[i].event, event_name) == 0)
            return strchr(transitions[i].from, from) != NULL ? transitions[i].to : '\0';
    return '\0';
}

int incrocio_did_event_valid(const char *event_name)
{
    for (size_t i = 0; i < N_TRANSITIONS; i++)
        if (event_name && strcmp(transitions[i].event, event_name) == 0)
            return 1;
    return 0;
}

const char *incrocio_did_state_name(char code)
{
    switch (code) {
    case 'I': return "inserita";
    case 'C': return "convalidata";
    case 'S': return "sospesa";
    case 'R': return "revocata";
    case 'A': return "annullata";
    case 'E': return "non_ammessa";
    default: return NULL;
    }
}
