/* incrocio keys create|list|revoke: API keys are made and revoked by whoever
 * runs the server, not over the API. A key is printed once, at creation. */
#include <getopt.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/auth.h"
#include "incrocio/keys.h"
#include "incrocio/offices.h"
#include "incrocio/validate.h"

static const char usage[] =
    "usage: incrocio keys create --role admin|operator|portal|employer [--office CODE]...\n"
    "                            [--employer UUID] [--label TEXT]\n"
    "       incrocio keys list\n"
    "       incrocio keys revoke ID | --label TEXT\n";

static PGresult *exec(PGconn *pg, const char *sql, int n, const char *const *values, FILE *err)
{
    PGresult *res = PQexecParams(pg, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);

    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        fprintf(err, "incrocio: %s", PQresultErrorMessage(res));
        PQclear(res);
        return NULL;
    }
    return res;
}

static int create(PGconn *pg, int argc, char **argv, FILE *out, FILE *err)
{
    static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
                                         {"office", required_argument, NULL, 'o'},
                                         {"employer", required_argument, NULL, 'e'},
                                         {"label", required_argument, NULL, 'l'},
                                         {NULL, 0, NULL, 0}};
    char offices[INCROCIO_MAX_OFFICES * 8 + 3] = "{", key[INCROCIO_APIKEY_LEN + 1], hash[65],
                                            prefix[INCROCIO_APIKEY_PREFIX_LEN + 1];
    const char *employer = NULL, *label = "";
    int role = -1, n_offices = 0, c;
    PGresult *res;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            role = incrocio_role_parse(optarg);
            if (role < 0) {
                fprintf(err, "incrocio: invalid --role: '%.40s'\n", optarg);
                return 2;
            }
            break;
        case 'o':
            if (!incrocio_office_code_valid(optarg) || n_offices == INCROCIO_MAX_OFFICES) {
                fprintf(err, "incrocio: invalid --office: '%.40s'\n", optarg);
                return 2;
            }
            if (n_offices++ > 0)
                strcat(offices, ",");
            strcat(offices, optarg);
            break;
        case 'e':
            if (!incrocio_valid_uuid(optarg)) {
                fprintf(err, "incrocio: invalid --employer: '%.40s'\n", optarg);
                return 2;
            }
            employer = optarg;
            break;
        case 'l':
            if (strlen(optarg) > 200) {
                fprintf(err, "incrocio: invalid --label: longer than 200 bytes\n");
                return 2;
            }
            label = optarg;
            break;
        default: fputs(usage, err); return 2;
        }
    }
    strcat(offices, "}");
    if (role < 0 || optind < argc || (role == INCROCIO_ROLE_OPERATOR) != (n_offices > 0) ||
        (role == INCROCIO_ROLE_EMPLOYER) != (employer != NULL)) {
        fprintf(err, "incrocio: an operator key needs --office, an employer key --employer, "
                     "and no other role takes either\n");
        return 2;
    }
    if (n_offices > 0) {
        const char *v[1] = {offices};
        res = exec(pg, "SELECT count(*) FROM offices WHERE code = ANY($1::text[])", 1, v, err);
        if (res == NULL)
            return 1;
        if (strtol(PQgetvalue(res, 0, 0), NULL, 10) != n_offices) {
            fprintf(err, "incrocio: invalid --office: no such office\n");
            PQclear(res);
            return 2;
        }
        PQclear(res);
    }
    if (incrocio_apikey_generate(key) != INCROCIO_OK ||
        incrocio_apikey_hash_hex(key, hash) != INCROCIO_OK) {
        fprintf(err, "incrocio: cannot generate a key\n");
        return 1;
    }
    memcpy(prefix, key, INCROCIO_APIKEY_PREFIX_LEN);
    prefix[INCROCIO_APIKEY_PREFIX_LEN] = '\0';
    {
        const char *v[6] = {hash,    prefix,   incrocio_role_name((enum incrocio_role)role),
                            offices, employer, label};
        res = exec(pg,
                   "INSERT INTO api_keys (hash, prefix, role, offices, employer_id, label)"
                   " VALUES (decode($1, 'hex'), $2, $3, $4::text[], $5::uuid, $6) RETURNING id",
                   6, v, err);
    }
    if (res == NULL)
        return 1;
    fprintf(out, "key: %s\nid: %s\nrole: %s\n", key, PQgetvalue(res, 0, 0),
            incrocio_role_name((enum incrocio_role)role));
    if (n_offices > 0)
        fprintf(out, "offices: %.*s\n", (int)strlen(offices) - 2, offices + 1);
    if (employer)
        fprintf(out, "employer: %s\n", employer);
    fprintf(out, "The key is shown this once: only its hash is stored.\n");
    PQclear(res);
    return 0;
}

static int list(PGconn *pg, FILE *out, FILE *err)
{
    PGresult *res =
        exec(pg,
             "SELECT id, prefix || '...', role,"
             " CASE role WHEN 'operator' THEN array_to_string(offices, ',')"
             " WHEN 'employer' THEN employer_id::text ELSE '-' END, label,"
             " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
             " coalesce(to_char(last_used_at AT TIME ZONE 'UTC',"
             " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '-'),"
             " coalesce(to_char(revoked_at AT TIME ZONE 'UTC',"
             " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '-')"
             " FROM api_keys ORDER BY created_at, id",
             0, NULL, err);

    if (res == NULL)
        return 1;
    fprintf(out, "id\tprefix\trole\tscope\tlabel\tcreated\tlast_used\trevoked\n");
    for (int i = 0; i < PQntuples(res); i++)
        fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", PQgetvalue(res, i, 0),
                PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
                PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6),
                PQgetvalue(res, i, 7));
    PQclear(res);
    return 0;
}

static int revoke(PGconn *pg, int argc, char **argv, FILE *out, FILE *err)
{
    const char *v[1];
    PGresult *res;
    long n;

    if (argc == 2 && incrocio_valid_uuid(argv[1])) {
        v[0] = argv[1];
        res = exec(pg,
                   "UPDATE api_keys SET revoked_at = now() WHERE id = $1::uuid"
                   " AND revoked_at IS NULL",
                   1, v, err);
    } else if (argc == 3 && strcmp(argv[1], "--label") == 0) {
        v[0] = argv[2];
        res = exec(pg,
                   "UPDATE api_keys SET revoked_at = now() WHERE label = $1"
                   " AND revoked_at IS NULL",
                   1, v, err);
    } else {
        fputs(usage, err);
        return 2;
    }
    if (res == NULL)
        return 1;
    n = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    fprintf(out, "revoked %ld key(s)\n", n);
    if (n == 0 && argc == 2) {
        fprintf(err, "incrocio: no live key with id %s\n", argv[1]);
        return 1;
    }
    return 0;
}

int incrocio_cli_keys(int argc, char **argv, const char *database_url, FILE *out, FILE *err)
{
    char why[256];
    PGconn *pg;
    int rc;

    if (argc < 2 || (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "list") != 0 &&
                     strcmp(argv[1], "revoke") != 0)) {
        fputs(usage, err);
        return 2;
    }
    if (database_url == NULL || *database_url == '\0') {
        fprintf(err, "incrocio: invalid DATABASE_URL: not set\n");
        return 2;
    }
    pg = incrocio_db_connect_new(database_url, why, sizeof why);
    if (pg == NULL) {
        fprintf(err, "incrocio: cannot connect to the database: %s\n", why);
        return 1;
    }
    if (strcmp(argv[1], "create") == 0)
        rc = create(pg, argc - 1, argv + 1, out, err);
    else if (strcmp(argv[1], "list") == 0)
        rc = argc == 2 ? list(pg, out, err) : (fputs(usage, err), 2);
    else
        rc = revoke(pg, argc - 1, argv + 1, out, err);
    PQfinish(pg);
    return rc;
}
