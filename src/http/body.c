#include "incrocio/body.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "incrocio/jsonscan.h"
#include "incrocio/problem.h"

int incrocio_body_too_large(const struct _u_request *req, struct _u_response *resp,
                            const struct incrocio_req *ctx, size_t limit)
{
    const char *cl = incrocio_req_header(req, "Content-Length");
    char detail[128];
    int too_large = req->binary_body_length > limit;

    if (!too_large && cl != NULL) {
        char *end;
        unsigned long long n;

        errno = 0;
        n = strtoull(cl, &end, 10);
        too_large = (errno == ERANGE) || (end != cl && *end == '\0' && n > limit);
    }
    if (!too_large)
        return 0;
    snprintf(detail, sizeof detail, "the request body is larger than the limit of %zu bytes",
             limit);
    incrocio_problem_send(req, resp, ctx, 413, "payload-too-large", detail, NULL);
    return 1;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

int incrocio_body_media_type_is(const char *content_type, const char *media_type)
{
    size_t n = strlen(media_type);
    const char *p;

    if (content_type == NULL)
        return 0;
    p = skip_ws(content_type);
    if (strncasecmp(p, media_type, n) != 0)
        return 0;
    p = skip_ws(p + n);
    while (*p == ';') {
        const char *param = skip_ws(p + 1);
        const char *end = strchr(param, ';');
        size_t len = end ? (size_t)(end - param) : strlen(param);

        while (len > 0 && (param[len - 1] == ' ' || param[len - 1] == '\t'))
            len--;
        if (len >= 8 && strncasecmp(param, "charset=", 8) == 0) {
            const char *v = param + 8;
            size_t vlen = len - 8;
            if (!((vlen == 5 && strncasecmp(v, "utf-8", 5) == 0) ||
                  (vlen == 7 && strncasecmp(v, "\"utf-8\"", 7) == 0)))
                return 0;
        }
        if (!end)
            return 1;
        p = end;
    }
    return *p == '\0';
}

static void bad_json(const struct _u_request *req, struct _u_response *resp,
                     const struct incrocio_req *ctx, const char *code, const char *detail)
{
    json_t *errors = json_array();

    incrocio_problem_add(errors, "", code, detail);
    incrocio_problem_send(req, resp, ctx, 400, "malformed-json", detail, errors);
}

int incrocio_body_parse(const struct _u_request *req, struct _u_response *resp,
                        struct incrocio_req *ctx, const char *media_type)
{
    const char *ct = incrocio_req_header(req, "Content-Type");
    char detail[320];
    json_error_t jerr;
    size_t offset = 0;
    json_t *body;

    if (!incrocio_body_media_type_is(ct, media_type)) {
        snprintf(detail, sizeof detail, "this endpoint takes a %s body in UTF-8", media_type);
        incrocio_problem_send(req, resp, ctx, 415, "unsupported-media-type", detail, NULL);
        return 0;
    }
    if (req->binary_body_length == 0) {
        bad_json(req, resp, ctx, "json.syntax",
                 "the request body is empty: a JSON object is "
                 "expected");
        return 0;
    }
    if (incrocio_jsonscan_depth(req->binary_body, req->binary_body_length, INCROCIO_JSON_MAX_DEPTH,
                                &offset) != 0) {
        snprintf(detail, sizeof detail, "JSON nested deeper than %d levels (at byte %zu)",
                 INCROCIO_JSON_MAX_DEPTH, offset);
        bad_json(req, resp, ctx, "json.depth", detail);
        return 0;
    }
    body = json_loadb(req->binary_body, req->binary_body_length,
                      JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (body == NULL) {
        int dup = json_error_code(&jerr) == json_error_duplicate_key;
        snprintf(detail, sizeof detail, "invalid JSON at line %d, column %d (byte %d): %s",
                 jerr.line, jerr.column, jerr.position, jerr.text);
        bad_json(req, resp, ctx, dup ? "json.duplicate_key" : "json.syntax", detail);
        return 0;
    }
    if (!json_is_object(body)) {
        json_decref(body);
        bad_json(req, resp, ctx, "json.not_object", "the request body must be a JSON object");
        return 0;
    }
    ctx->body = body;
    return 1;
}
