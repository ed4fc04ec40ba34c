#include "incrocio/offices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFICE_COLUMNS                                                                       \
    "o.code, o.name, o.province, o.comune_istat, c.name, o.address, o.lat, o.lon, o.phone, " \
    "o.email, o.version, to_char(o.updated_at AT TIME ZONE 'UTC', "                          \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const struct incrocio_stmt list_stmt = {
    INCROCIO_STMT_OFFICES_LIST, 3,
    "SELECT " OFFICE_COLUMNS " FROM offices o JOIN comuni c ON c.istat_code = o.comune_istat"
    " WHERE ($1::text IS NULL OR o.province = $1) AND ($2::text IS NULL OR o.code > $2)"
    " ORDER BY o.code LIMIT $3"};

static const struct incrocio_stmt get_stmt = {
    INCROCIO_STMT_OFFICE_GET, 1,
    "SELECT " OFFICE_COLUMNS " FROM offices o JOIN comuni c ON c.istat_code = o.comune_istat"
    " WHERE o.code = $1"};

/* One statement: the version check and the change are atomic. */
static const struct incrocio_stmt update_stmt = {
    INCROCIO_STMT_OFFICE_UPDATE, 9,
    "WITH o AS (UPDATE offices SET"
    " name = CASE WHEN ($2::int & 1) <> 0 THEN $3 ELSE name END,"
    " address = CASE WHEN ($2::int & 2) <> 0 THEN $4 ELSE address END,"
    " lat = CASE WHEN ($2::int & 4) <> 0 THEN $5::float8 ELSE lat END,"
    " lon = CASE WHEN ($2::int & 8) <> 0 THEN $6::float8 ELSE lon END,"
    " phone = CASE WHEN ($2::int & 16) <> 0 THEN $7 ELSE phone END,"
    " email = CASE WHEN ($2::int & 32) <> 0 THEN $8 ELSE email END,"
    " version = version + 1, updated_at = now()"
    " WHERE code = $1 AND version = $9::int RETURNING *)"
    " SELECT " OFFICE_COLUMNS " FROM o JOIN comuni c ON c.istat_code = o.comune_istat"};

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

static void row_to_office(const PGresult *res, int row, struct incrocio_office *o)
{
    copy(o->code, sizeof o->code, PQgetvalue(res, row, 0));
    copy(o->name, sizeof o->name, PQgetvalue(res, row, 1));
    copy(o->province, sizeof o->province, PQgetvalue(res, row, 2));
    copy(o->comune_istat, sizeof o->comune_istat, PQgetvalue(res, row, 3));
    copy(o->comune_name, sizeof o->comune_name, PQgetvalue(res, row, 4));
    copy(o->address, sizeof o->address, PQgetvalue(res, row, 5));
    o->lat = strtod(PQgetvalue(res, row, 6), NULL);
    o->lon = strtod(PQgetvalue(res, row, 7), NULL);
    o->has_phone = !PQgetisnull(res, row, 8);
    copy(o->phone, sizeof o->phone, PQgetvalue(res, row, 8));
    o->has_email = !PQgetisnull(res, row, 9);
    copy(o->email, sizeof o->email, PQgetvalue(res, row, 9));
    o->version = strtol(PQgetvalue(res, row, 10), NULL, 10);
    copy(o->updated_at, sizeof o->updated_at, PQgetvalue(res, row, 11));
}

incrocio_err incrocio_db_offices_list(struct incrocio_db_conn *conn, const char *province,
                                      const char *after_code, int limit,
                                      struct incrocio_office *out, int *n)
{
    char lim[16];
    const char *values[3] = {province, after_code, lim};
    PGresult *res;
    incrocio_err err;

    snprintf(lim, sizeof lim, "%d", limit);
    err = incrocio_db_exec(conn, &list_stmt, values, &res);
    if (err != INCROCIO_OK)
        return err;
    *n = PQntuples(res) < limit ? PQntuples(res) : limit;
    for (int i = 0; i < *n; i++)
        row_to_office(res, i, &out[i]);
    PQclear(res);
    return INCROCIO_OK;
}

incrocio_err incrocio_db_office_get(struct incrocio_db_conn *conn, const char *code,
                                    struct incrocio_office *out)
{
    const char *values[1] = {code};
    PGresult *res;
    incrocio_err err = incrocio_db_exec(conn, &get_stmt, values, &res);

    if (err != INCROCIO_OK)
        return err;
    if (PQntuples(res) == 0)
        err = INCROCIO_ERR_NOT_FOUND;
    else
        row_to_office(res, 0, out);
    PQclear(res);
    return err;
}

incrocio_err incrocio_db_office_update(struct incrocio_db_conn *conn, const char *code,
                                       long if_version, const struct incrocio_office_patch *p,
                                       struct incrocio_office *out)
{
    char set[16], lat[32], lon[32], version[24];
    const char *values[9];
    PGresult *res;
    incrocio_err err;

    snprintf(set, sizeof set, "%u", p->set);
    snprintf(lat, sizeof lat, "%.17g", p->lat);
    snprintf(lon, sizeof lon, "%.17g", p->lon);
    snprintf(version, sizeof version, "%ld", if_version);
    values[0] = code;
    values[1] = set;
    values[2] = p->name;
    values[3] = p->address;
    values[4] = lat;
    values[5] = lon;
    values[6] = p->has_phone ? p->phone : NULL;
    values[7] = p->has_email ? p->email : NULL;
    values[8] = version;
    err = incrocio_db_exec(conn, &update_stmt, values, &res);
    if (err != INCROCIO_OK)
        return err;
    if (PQntuples(res) == 1) {
        row_to_office(res, 0, out);
        PQclear(res);
        return INCROCIO_OK;
    }
    PQclear(res);
    /* Nothing updated: unknown office, or someone changed it meanwhile. */
    err = incrocio_db_office_get(conn, code, out);
    return err == INCROCIO_OK ? INCROCIO_ERR_PRECONDITION : err;
}
