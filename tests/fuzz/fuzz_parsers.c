/* Every small parser of client input: the first byte picks which. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/auth.h"
#include "incrocio/body.h"
#include "incrocio/changes.h"
#include "incrocio/codice_fiscale.h"
#include "incrocio/cors.h"
#include "incrocio/cursor.h"
#include "incrocio/job_seekers.h"
#include "incrocio/problem.h"
#include "incrocio/reqid.h"
#include "incrocio/respond.h"
#include "incrocio/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[1024], out[1024];
    struct incrocio_principal who;

    if (size == 0 || size >= sizeof s)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    switch (data[0] % 13) {
    case 0:
        if (incrocio_cursor_decode("offices", s, out, sizeof out) == INCROCIO_OK &&
            strlen(out) == 0)
            abort();
        break;
    case 1:
        if (incrocio_reqid_valid(s) && (strlen(s) == 0 || strlen(s) > INCROCIO_REQID_MAX))
            abort();
        break;
    case 2: (void)incrocio_body_media_type_is(s, "application/merge-patch+json"); break;
    case 3: (void)incrocio_etag_matches(s, "\"12\"", data[0] & 0x80); break;
    case 4:
        if (incrocio_apikey_from_header(s, out, sizeof out) && strlen(out) != INCROCIO_APIKEY_LEN)
            abort();
        break;
    case 5:
        (void)incrocio_valid_uuid(s);
        (void)incrocio_valid_date(s);
        (void)incrocio_valid_instant(s);
        (void)incrocio_valid_id(s);
        break;
    case 6: (void)incrocio_cors_origin_allowed("https://a.example,http://localhost:5173", s); break;
    case 7:
        memset(&who, 0, sizeof who);
        who.role = INCROCIO_ROLE_OPERATOR;
        if (incrocio_principal_set_offices(&who, s) == 0 &&
            (who.n_offices < 0 || who.n_offices > INCROCIO_MAX_OFFICES))
            abort();
        break;
    case 8: {
        /* the problem's instance must always be printable ASCII */
        incrocio_problem_safe_path(s, out, 200);
        for (const char *p = out; *p; p++)
            if (*p <= 0x20 || *p >= 0x7f)
                abort();
        break;
    }
    case 10: {
        /* a code that parses is 16 characters, and its details are in range */
        struct incrocio_cf_info info;
        char cf[17];
        if (incrocio_cf_normalise(s, cf) && incrocio_cf_parse(cf, &info) == INCROCIO_CF_OK &&
            (strlen(cf) != 16 || info.month < 1 || info.month > 12 || info.day < 1 ||
             info.day > 31 || (info.sex != 'M' && info.sex != 'F')))
            abort();
        break;
    }
    case 11:
        /* the DID machine only ever yields a real state */
        if (s[0] && incrocio_did_next(s[0], s + 1) != '\0' &&
            incrocio_did_state_name(incrocio_did_next(s[0], s + 1)) == NULL)
            abort();
        break;
    case 9: {
        char enc[INCROCIO_CURSOR_MAX], dec[INCROCIO_CURSOR_MAX];
        if (incrocio_cursor_encode("offices", s, enc, sizeof enc) == INCROCIO_OK && s[0] &&
            (incrocio_cursor_decode("offices", enc, dec, sizeof dec) != INCROCIO_OK ||
             strcmp(dec, s) != 0))
            abort();
        break;
    }
    case 12: {
        /* the changes feed's query: since, limit and type split at \x01; what
         * it accepts is always in range */
        struct incrocio_changes_query q;
        json_t *errors = json_array();
        char *limit = strchr(s, '\x01'), *type = NULL;

        if (limit) {
            *limit++ = '\0';
            type = strchr(limit, '\x01');
            if (type)
                *type++ = '\0';
        }
        incrocio_changes_parse(s, limit, type, &q, errors);
        if (json_array_size(errors) == 0 &&
            (q.after < 0 || q.limit < 1 || q.limit > INCROCIO_CHANGES_LIMIT_MAX ||
             (q.type != NULL && !incrocio_changes_type_known(q.type))))
            abort();
        json_decref(errors);
        break;
    }
    }
    return 0;
}
