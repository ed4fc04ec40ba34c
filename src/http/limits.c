#include "incrocio/limits.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/problem.h"

int incrocio_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned long cp;

        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + n >= len)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

static int query_clean(const struct _u_request *req, char *detail, size_t len)
{
    const char *q = strchr(req->http_url ? req->http_url : "", '?');
    const char **keys;

    /* MHD decodes %00 into a NUL that silently cuts the value short. */
    if (q != NULL && (strstr(q, "%00") != NULL)) {
        snprintf(detail, len, "the query string contains an encoded NUL byte (%%00)");
        return 0;
    }
    keys = u_map_enum_keys(req->map_url);
    for (size_t i = 0; keys && keys[i]; i++) {
        const char *v = u_map_get(req->map_url, keys[i]);
        if (!incrocio_utf8_valid(keys[i], strlen(keys[i])) ||
            (v != NULL && !incrocio_utf8_valid(v, strlen(v)))) {
            snprintf(detail, len, "a query parameter is not valid UTF-8 once decoded");
            return 0;
        }
    }
    return 1;
}

int incrocio_limits_check(const struct _u_request *req, struct _u_response *resp,
                          const struct incrocio_req *ctx)
{
    const char **keys = u_map_enum_keys(req->map_header);
    size_t bytes = 0, count = 0;
    char detail[160];

    if (req->http_url && strlen(req->http_url) > INCROCIO_MAX_URL) {
        snprintf(detail, sizeof detail, "the request target is longer than %d bytes",
                 INCROCIO_MAX_URL);
        incrocio_problem_send(req, resp, ctx, 414, "uri-too-long", detail, NULL);
        return 0;
    }
    for (size_t i = 0; keys && keys[i]; i++) {
        const char *v = u_map_get(req->map_header, keys[i]);
        bytes += strlen(keys[i]) + (v ? strlen(v) : 0);
        count++;
    }
    if (bytes > INCROCIO_MAX_HEADER_BYTES || count > INCROCIO_MAX_HEADERS) {
        snprintf(detail, sizeof detail, "at most %d headers of %d bytes in all are accepted",
                 INCROCIO_MAX_HEADERS, INCROCIO_MAX_HEADER_BYTES);
        incrocio_problem_send(req, resp, ctx, 431, "headers-too-large", detail, NULL);
        return 0;
    }
    if (!query_clean(req, detail, sizeof detail)) {
        json_t *errors = json_array();
        incrocio_problem_add_param(errors, "", "parameter.encoding", detail);
        incrocio_problem_send(req, resp, ctx, 400, "invalid-parameter", detail, errors);
        return 0;
    }
    return 1;
}
