/* Shared prelude of the database tests: cmocka, and the few ways they talk
 * to PostgreSQL (DATABASE_URL), each failing the test on any error. */
#ifndef INCROCIO_TESTS_DBTEST_H
#define INCROCIO_TESTS_DBTEST_H

/* cmocka.h needs these first, in this order. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

static inline PGconn *connect_db(void)
{
    const char *url = getenv("DATABASE_URL");
    PGconn *pg;

    assert_non_null(url);
    pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK)
        fail_msg("connect: %s", PQerrorMessage(pg));
    return pg;
}

/* A command or a query whose rows are not wanted. */
static inline void exec_ok(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    PQclear(res);
}

/* sql with text parameters; the caller PQclear()s the rows. */
static inline PGresult *query(PGconn *pg, const char *sql, int n, const char *const *params)
{
    PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    return res;
}

/* A whole file (sql/oracle/...), NUL-terminated; the caller frees it. */
static inline char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long n;

    if (!f)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

#endif
