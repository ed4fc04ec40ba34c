#include "incrocio/api.h"
#include "incrocio/http.h"

/* Every route of the API, in one place. The dispatcher adds HEAD to each GET,
 * answers OPTIONS and 405 (with Allow) per path, and 404 for the rest. */
static const struct incrocio_route routes[] = {
    {"GET", "/v1/status", incrocio_api_status_get, 0},
    {"GET", "/v1/openapi.yaml", incrocio_api_openapi_get, 0},
    {"GET", "/metrics", incrocio_api_metrics_get, 0},
    {"GET", "/v1/offices", incrocio_api_offices_list, 0},
    {"GET", "/v1/offices/{code}", incrocio_api_office_get, 0},
    {"PATCH", "/v1/offices/{code}", incrocio_api_office_patch, INCROCIO_ROUTE_MERGE_PATCH},
};

const struct incrocio_route *incrocio_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
