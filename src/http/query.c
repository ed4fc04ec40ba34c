#include "incrocio/query.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/problem.h"

const char *incrocio_query_get(const struct _u_request *req, const char *name)
{
    return u_map_get(req->map_url, name);
}

void incrocio_query_reject_unknown(const struct _u_request *req, const char *const *allowed,
                                   json_t *errors)
{
    const char **keys = u_map_enum_keys(req->map_url);

    for (size_t i = 0; keys && keys[i]; i++) {
        int known = 0;
        char detail[160];

        for (size_t a = 0; !known && allowed && allowed[a]; a++)
            known = strcmp(keys[i], allowed[a]) == 0;
        if (known)
            continue;
        snprintf(detail, sizeof detail, "unknown query parameter '%.64s'", keys[i]);
        incrocio_problem_add_param(errors, keys[i], "parameter.unknown", detail);
    }
}

void incrocio_query_page(const struct _u_request *req, const char *scope,
                         struct incrocio_page *page, json_t *errors)
{
    const char *limit = incrocio_query_get(req, "limit");
    const char *cursor = incrocio_query_get(req, "cursor");

    page->limit = INCROCIO_LIMIT_DEFAULT;
    page->has_after = 0;
    page->after[0] = '\0';
    if (limit != NULL) {
        int v = 0;
        size_t i = 0;

        for (; limit[i] >= '0' && limit[i] <= '9' && i < 4; i++)
            v = v * 10 + (limit[i] - '0');
        if (i == 0 || limit[i] != '\0')
            incrocio_problem_add_param(errors, "limit", "limit.syntax",
                                       "limit must be a whole number from 1 to 200");
        else if (v < 1 || v > INCROCIO_LIMIT_MAX)
            incrocio_problem_add_param(errors, "limit", "limit.range",
                                       "limit must be from 1 to 200");
        else
            page->limit = v;
    }
    if (cursor != NULL) {
        if (incrocio_cursor_decode(scope, cursor, page->after, sizeof page->after) == INCROCIO_OK)
            page->has_after = 1;
        else
            incrocio_problem_add_param(errors, "cursor", "cursor.invalid",
                                       "cursor is not one this collection gave out: use "
                                       "next_cursor from the previous page");
    }
}

void incrocio_query_fail(const struct _u_request *req, struct _u_response *resp,
                         const struct incrocio_req *ctx, json_t *errors)
{
    incrocio_problem_send(req, resp, ctx, 400, "invalid-parameter",
                          "one or more query parameters are invalid: see errors", errors);
}

void incrocio_query_next_link(const char *path, int limit, const char *cursor, const char *extra,
                              char *out, size_t outlen)
{
    snprintf(out, outlen, "<%s?limit=%d&cursor=%s%s%s>; rel=\"next\"", path, limit, cursor,
             extra ? "&" : "", extra ? extra : "");
}

void incrocio_query_append(char *buf, size_t len, const char *name, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = strlen(buf);

    if (value == NULL)
        return;
    o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s=", o ? "&" : "", name);
    for (const unsigned char *v = (const unsigned char *)value; *v && o + 4 < len; v++) {
        if ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
            *v == '-' || *v == '.' || *v == '_' || *v == '~') {
            buf[o++] = (char)*v;
        } else {
            buf[o++] = '%';
            buf[o++] = hex[*v >> 4];
            buf[o++] = hex[*v & 15];
        }
    }
    if (o < len)
        buf[o] = '\0';
}
