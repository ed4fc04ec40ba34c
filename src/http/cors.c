#include "incrocio/cors.h"

#include <string.h>

#include "incrocio/http.h"
#include "incrocio/respond.h"

int incrocio_cors_origin_allowed(const char *allowed_csv, const char *origin)
{
    size_t olen;
    const char *p = allowed_csv;

    if (origin == NULL || allowed_csv == NULL || *origin == '\0')
        return 0;
    olen = strlen(origin);
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == olen && memcmp(p, origin, len) == 0)
            return 1;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

int incrocio_cors_decorate(const char *allowed_csv, const struct _u_request *req,
                           struct _u_response *resp)
{
    const char *origin = incrocio_req_header(req, "Origin");

    if (!incrocio_cors_origin_allowed(allowed_csv, origin))
        return 0;
    incrocio_respond_header(resp, "Access-Control-Allow-Origin", origin);
    incrocio_respond_header(resp, "Vary", "Origin");
    incrocio_respond_header(resp, "Access-Control-Expose-Headers", INCROCIO_CORS_EXPOSE);
    return 1;
}
