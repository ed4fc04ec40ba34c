#include "incrocio/problem.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/respond.h"

const char *incrocio_problem_title(unsigned status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

void incrocio_problem_safe_path(const char *path, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    if (outlen == 0)
        return;
    for (const unsigned char *p = (const unsigned char *)(path ? path : ""); *p; p++) {
        if (*p > 0x20 && *p < 0x7f && *p != '%') {
            if (o + 1 >= outlen)
                break;
            out[o++] = (char)*p;
        } else {
            if (o + 3 >= outlen)
                break;
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

void incrocio_problem_add(json_t *errors, const char *pointer, const char *code, const char *detail)
{
    json_array_append_new(
        errors, json_pack("{s:s, s:s, s:s}", "pointer", pointer, "code", code, "detail", detail));
}

void incrocio_problem_add_param(json_t *errors, const char *name, const char *code,
                                const char *detail)
{
    json_array_append_new(
        errors, json_pack("{s:s, s:s, s:s}", "parameter", name, "code", code, "detail", detail));
}

void incrocio_problem_send(const struct _u_request *req, struct _u_response *resp,
                           const struct incrocio_req *ctx, unsigned status, const char *slug,
                           const char *detail, json_t *errors)
{
    char type[96], instance[512], safe_detail[1024];
    json_t *body;
    size_t i;

    /* Details may quote client input (a parser's "near '...'"): keep them to
     * printable ASCII so the problem itself is always valid JSON text. */
    for (i = 0; detail[i] && i + 1 < sizeof safe_detail; i++)
        safe_detail[i] = (detail[i] >= 0x20 && detail[i] < 0x7f) ? detail[i] : '?';
    safe_detail[i] = '\0';

    snprintf(type, sizeof type, "urn:incrocio:problem:%s", slug);
    incrocio_problem_safe_path(req->url_path, instance, sizeof instance);
    body = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", type, "title",
                     incrocio_problem_title(status), "status", (int)status, "detail", safe_detail,
                     "instance", instance, "request_id", ctx ? ctx->request_id : "");
    if (body != NULL && errors != NULL)
        json_object_set(body, "errors", errors);
    json_decref(errors);
    if (status == 503 || status == 429) {
        /* Retry-After may already be set (429 knows the bucket's refill). */
        if (u_map_get_case(resp->map_header, "Retry-After") == NULL)
            incrocio_respond_header(resp, "Retry-After", "1");
    }
    incrocio_respond_json(resp, status, body, "application/problem+json");
    json_decref(body);
}

void incrocio_problem_from_err(const struct _u_request *req, struct _u_response *resp,
                               const struct incrocio_req *ctx, incrocio_err err)
{
    switch (err) {
    case INCROCIO_ERR_NOT_FOUND:
        incrocio_problem_send(req, resp, ctx, 404, "not-found", "no resource at this address",
                              NULL);
        break;
    case INCROCIO_ERR_CONFLICT:
        incrocio_problem_send(req, resp, ctx, 409, "conflict",
                              "the request conflicts with the resource's current state", NULL);
        break;
    case INCROCIO_ERR_PRECONDITION:
        incrocio_problem_send(req, resp, ctx, 412, "precondition-failed",
                              "If-Match does not match the current ETag: read the resource "
                              "again and reapply the change",
                              NULL);
        break;
    case INCROCIO_ERR_DB_UNAVAILABLE:
        incrocio_problem_send(req, resp, ctx, 503, "database-unavailable",
                              "the database is unavailable or busy; retry shortly", NULL);
        break;
    default:
        incrocio_problem_send(req, resp, ctx, 500, "internal",
                              "the request could not be completed; it has been logged with "
                              "its request id",
                              NULL);
        break;
    }
}
