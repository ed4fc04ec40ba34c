#ifndef INCROCIO_OFFICES_H
#define INCROCIO_OFFICES_H

#include <jansson.h>

#include "incrocio/db.h"
#include "incrocio/error.h"

/* CPI offices: reference data with contact details an admin may update. */

struct incrocio_office {
    char code[8];
    char name[808]; /* 200 characters of up to 4 bytes */
    char province[4];
    char comune_istat[8];
    char comune_name[128];
    char address[808];
    double lat, lon;
    int has_phone, has_email;
    char phone[48];
    char email[260];
    long version;
    char updated_at[32]; /* RFC 3339, UTC */
};

enum incrocio_office_field {
    INCROCIO_OFFICE_NAME = 1u << 0,
    INCROCIO_OFFICE_ADDRESS = 1u << 1,
    INCROCIO_OFFICE_LAT = 1u << 2,
    INCROCIO_OFFICE_LON = 1u << 3,
    INCROCIO_OFFICE_PHONE = 1u << 4,
    INCROCIO_OFFICE_EMAIL = 1u << 5,
};

/* A validated merge patch: `set` has a bit per field present; a set phone or
 * email with has_* == 0 removes it. */
struct incrocio_office_patch {
    unsigned set;
    char name[808]; /* 200 characters of up to 4 bytes */
    char address[808];
    double lat, lon;
    int has_phone, has_email;
    char phone[48];
    char email[260];
};

/* domain/office.c: pure. 1 when code has the shape of an office code (AA00). */
int incrocio_office_code_valid(const char *code);

/* domain/office.c: validates a merge-patch object into patch, appending one
 * {"pointer","code","detail"} per invalid member to errors. Returns the number
 * of errors appended. */
size_t incrocio_office_patch_parse(const json_t *body, struct incrocio_office_patch *patch,
                                   json_t *errors);

/* db/offices.c */
incrocio_err incrocio_db_offices_list(struct incrocio_db_conn *conn, const char *province,
                                      const char *after_code, int limit,
                                      struct incrocio_office *out, int *n);
incrocio_err incrocio_db_office_get(struct incrocio_db_conn *conn, const char *code,
                                    struct incrocio_office *out);
/* Applies patch when the office's version is still if_version: NOT_FOUND,
 * PRECONDITION (stale version) or OK with out set to the new state. */
incrocio_err incrocio_db_office_update(struct incrocio_db_conn *conn, const char *code,
                                       long if_version, const struct incrocio_office_patch *patch,
                                       struct incrocio_office *out);

#endif
