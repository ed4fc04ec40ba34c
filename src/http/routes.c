#include "incrocio/api.h"
#include "incrocio/auth.h"
#include "incrocio/http.h"

#define PUBLIC INCROCIO_ACCESS_PUBLIC
#define ANY_KEY INCROCIO_ACCESS_ANY_KEY
#define ADMIN INCROCIO_ACCESS_ADMIN
#define OPERATOR INCROCIO_ACCESS_OPERATOR

/* Every route of the API, in one place, each with the roles it admits; scope
 * within a role (an operator's offices, an employer's company) is the
 * handler's. The router adds HEAD to each GET and answers OPTIONS and 405. */
static const struct incrocio_route routes[] = {
    {"GET", "/v1/status", incrocio_api_status_get, PUBLIC, 0},
    {"GET", "/v1/openapi.yaml", incrocio_api_openapi_get, PUBLIC, 0},
    {"GET", "/metrics", incrocio_api_metrics_get, PUBLIC, INCROCIO_ROUTE_METRICS},
    {"GET", "/v1/offices", incrocio_api_offices_list, ANY_KEY, 0},
    {"GET", "/v1/offices/{code}", incrocio_api_office_get, ANY_KEY, 0},
    {"PATCH", "/v1/offices/{code}", incrocio_api_office_patch, ADMIN | OPERATOR,
     INCROCIO_ROUTE_MERGE_PATCH},
    {"GET", "/v1/audit-events", incrocio_api_audit_list, ADMIN, 0},
};

const struct incrocio_route *incrocio_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
