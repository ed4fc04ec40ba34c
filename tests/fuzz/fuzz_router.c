/* Request lines against the real routes table: "METHOD PATH". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/http.h"
#include "incrocio/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct incrocio_router *router;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[4096], *space;
    const struct incrocio_route *route = NULL;
    const char *allow = NULL;
    struct incrocio_path_vars vars;
    size_t label, n;

    if (router == NULL) {
        const struct incrocio_route *routes = incrocio_routes(&n);
        if (incrocio_router_new(routes, n, &router) != INCROCIO_OK)
            abort();
    }
    if (size >= sizeof buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    space = strchr(buf, ' ');
    if (space == NULL)
        return 0;
    *space = '\0';
    switch (incrocio_router_match(router, buf, space + 1, &route, &allow, &label, &vars)) {
    case INCROCIO_MATCH_OK:
        if (route == NULL || vars.n < 0 || vars.n > INCROCIO_PATH_MAX_VARS)
            abort();
        for (int i = 0; i < vars.n; i++)
            if (strlen(vars.values[i]) > INCROCIO_PATH_VAR_MAX || vars.values[i][0] == '\0')
                abort();
        break;
    case INCROCIO_MATCH_METHOD:
        if (allow == NULL)
            abort();
        break;
    case INCROCIO_MATCH_NONE: break;
    }
    incrocio_router_labels(router, &n);
    if (label >= n)
        abort();
    return 0;
}
