#include "incrocio/error.h"

const char *incrocio_err_str(incrocio_err err)
{
    switch (err) {
    case INCROCIO_OK: return "ok";
    case INCROCIO_ERR_NOMEM: return "out of memory";
    case INCROCIO_ERR_INVALID: return "invalid input";
    case INCROCIO_ERR_NOT_FOUND: return "not found";
    case INCROCIO_ERR_CONFLICT: return "conflict";
    case INCROCIO_ERR_PRECONDITION: return "precondition failed";
    case INCROCIO_ERR_DB_UNAVAILABLE: return "database unavailable";
    case INCROCIO_ERR_DB: return "database error";
    case INCROCIO_ERR_IO: return "input/output error";
    case INCROCIO_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}
