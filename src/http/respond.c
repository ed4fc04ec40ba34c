#include "incrocio/respond.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void incrocio_respond_header(struct _u_response *resp, const char *name, const char *value)
{
    u_map_put(resp->map_header, name, value);
}

void incrocio_respond_bytes(struct _u_response *resp, unsigned status, const char *content_type,
                            const char *data, size_t len)
{
    ulfius_set_binary_body_response(resp, status, data, len);
    if (content_type)
        u_map_put(resp->map_header, "Content-Type", content_type);
}

void incrocio_respond_json(struct _u_response *resp, unsigned status, const json_t *body,
                           const char *content_type)
{
    /* 15 significant digits: coordinates read as written (41.154, not
     * 41.154000000000003), and scores keep far more than the 6 decimals ranked on. */
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));

    if (text == NULL) {
        static const char fallback[] =
            "{\"type\":\"urn:incrocio:problem:internal\",\"title\":\"Internal Server Error\","
            "\"status\":500,\"detail\":\"the response could not be built\"}";
        incrocio_respond_bytes(resp, 500, "application/problem+json", fallback,
                               sizeof fallback - 1);
        return;
    }
    incrocio_respond_bytes(resp, status, content_type ? content_type : "application/json", text,
                           strlen(text));
    free(text);
}

void incrocio_respond_empty(struct _u_response *resp, unsigned status)
{
    ulfius_set_binary_body_response(resp, status, NULL, 0);
    resp->status = status;
}

void incrocio_etag_of_version(long version, char *out, size_t outlen)
{
    snprintf(out, outlen, "\"%ld\"", version);
}

int incrocio_etag_matches(const char *header, const char *etag, int weak)
{
    const char *p = header;
    const char *want = etag;
    size_t want_len;

    if (header == NULL)
        return 0;
    if (strncmp(want, "W/", 2) == 0) {
        if (!weak)
            return 0;
        want += 2;
    }
    want_len = strlen(want);
    while (*p) {
        const char *start, *end;
        int is_weak = 0;

        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '\0')
            break;
        if (*p == '*')
            return 1;
        if (strncmp(p, "W/", 2) == 0) {
            is_weak = 1;
            p += 2;
        }
        start = p;
        if (*p != '"')
            return 0; /* not an entity tag: match nothing */
        end = strchr(p + 1, '"');
        if (end == NULL)
            return 0;
        end++;
        if ((weak || !is_weak) && (size_t)(end - start) == want_len &&
            memcmp(start, want, want_len) == 0)
            return 1;
        p = end;
    }
    return 0;
}

long incrocio_etag_version(const char *h)
{
    char *end;
    long v;

    while (*h == ' ')
        h++;
    if (strcmp(h, "*") == 0)
        return -1;
    if (h[0] != '"')
        return 0;
    v = strtol(h + 1, &end, 10);
    if (end == h + 1 || end[0] != '"' || v < 1 || h[1] == '+' || h[1] == '-' || h[1] == ' ')
        return 0;
    for (end++; *end == ' '; end++)
        ;
    return *end == '\0' ? v : 0;
}
