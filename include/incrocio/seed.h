#ifndef INCROCIO_SEED_H
#define INCROCIO_SEED_H

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>

/* Synthetic data for demos, tests and benchmarks (src/seed.c): the same seed
 * gives the same data. */

/* Adds count job seekers, each with a DID history; returns an exit code. */
int incrocio_seed_job_seekers(PGconn *pg, int count, uint64_t seed, FILE *out, FILE *err);

/* Adds employers, each with 0 to 3 vacancies of 1 to 3 positions in
 * realistic mixes (published, draft, closed, filled); returns an exit code. */
int incrocio_seed_vacancies(PGconn *pg, int employers, uint64_t seed, FILE *out, FILE *err);

/* incrocio seed [--job-seekers N] [--employers N] [--seed S]: argv[0] is "seed". */
int incrocio_cli_seed(int argc, char **argv, const char *database_url, FILE *out, FILE *err);

#endif
