/* bench-match: the matching index in process against the SQL oracle on the
 * same database (DATABASE_URL). A benchmark, not a test; tests/bench/match.sh
 * makes the database and runs it.
 *
 *   bench-match [--samples N] [--k K] [--schema S] [--warmup W] [--urls FILE]
 *
 * Loads the index (timed), prints its size per job seeker
 * (incrocio_match_index_stats' bytes, and the growth of the resident set),
 * then takes N random open positions and N random live job seekers
 * (setseed: the same ones for the same data) and times the top K of each
 * through incrocio_match_for_position / _for_seeker (explanations included,
 * as the API builds them) and through the oracle,
 * incrocio_oracle_top_seekers / _top_positions of sql/oracle/topk.sql loaded
 * into schema S (a round trip on the same connection, the 50 rows included).
 * W calls of each kind go first, untimed. Both answers are compared (ids and
 * score6); differences are counted, not fatal.
 *
 * With --urls FILE, writes the samples' API paths there, one per line
 * ("/v1/vacancies/V/positions/P/matches?limit=K" then
 * "/v1/job-seekers/S/matches?limit=K"), for the HTTP timing of match.sh.
 *
 * Output: a readable report, and one "BENCH name=value ..." line per figure
 * for scripts. */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "incrocio/match_index.h"
#include "incrocio/score.h"

struct sample {
    char id[37];
    char vacancy[37];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

static void die(const char *what, PGconn *pg)
{
    fprintf(stderr, "bench-match: %s: %s\n", what, pg ? PQerrorMessage(pg) : "");
    exit(1);
}

static PGresult *query(PGconn *pg, const char *sql, int n, const char *const *params)
{
    PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
        die(sql, pg);
    return res;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of v[0 .. n), sorted in place; ms. */
static double pct(double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t k = (size_t)(p * (double)n + 0.999999);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return v[k - 1] * 1e3;
}

struct top {
    size_t n;
    char id[INCROCIO_MATCH_MAX_LIMIT][37];
    int64_t score6[INCROCIO_MATCH_MAX_LIMIT];
};

static void run(const char *label, const char *what, int for_position, PGconn *pg,
                struct incrocio_match_index *ix, const struct sample *s, size_t n, size_t k,
                const char *today, size_t warmup, FILE *urls)
{
    static struct incrocio_match_result r;
    static struct top engine, oracle;
    double *te = calloc(n ? n : 1, sizeof *te), *to = calloc(n ? n : 1, sizeof *to);
    char kbuf[16];
    size_t same = 0, eligible_sum = 0;
    const char *sql = for_position ? "SELECT job_seeker_id, score6 FROM"
                                     " incrocio_oracle_top_seekers($1::uuid, $2::integer, $3)"
                                   : "SELECT position_id, score6 FROM"
                                     " incrocio_oracle_top_positions($1::uuid, $2::integer, $3)";
    struct incrocio_match_query q;

    if (!te || !to)
        die("out of memory", NULL);
    snprintf(kbuf, sizeof kbuf, "%zu", k);
    memset(&q, 0, sizeof q);
    q.limit = k;
    for (size_t i = 0; i < warmup + n; i++) {
        const struct sample *x = &s[i % n];
        const char *params[3] = {x->id, today, kbuf};

        double t0 = now_s();
        incrocio_err err = for_position ? incrocio_match_for_position(ix, x->id, &q, &r)
                                        : incrocio_match_for_seeker(ix, x->id, &q, &r);
        engine.n = r.n;
        for (size_t j = 0; j < r.n; j++) {
            memcpy(engine.id[j], r.hits[j].id, 37);
            engine.score6[j] = r.hits[j].score6;
        }
        size_t eligible = r.eligible;
        incrocio_match_result_clear(&r);
        double t1 = now_s();
        if (err != INCROCIO_OK) {
            fprintf(stderr, "bench-match: %s %s: %s\n", what, x->id, incrocio_err_str(err));
            exit(1);
        }

        PGresult *res = query(pg, sql, 3, params);
        oracle.n = (size_t)PQntuples(res);
        for (size_t j = 0; j < oracle.n && j < INCROCIO_MATCH_MAX_LIMIT; j++) {
            snprintf(oracle.id[j], 37, "%s", PQgetvalue(res, (int)j, 0));
            oracle.score6[j] = strtoll(PQgetvalue(res, (int)j, 1), NULL, 10);
        }
        PQclear(res);
        double t2 = now_s();

        if (i < warmup)
            continue;
        te[i - warmup] = t1 - t0;
        to[i - warmup] = t2 - t1;
        eligible_sum += eligible;
        int eq = engine.n == oracle.n;
        for (size_t j = 0; eq && j < engine.n; j++)
            eq = strcmp(engine.id[j], oracle.id[j]) == 0 && engine.score6[j] == oracle.score6[j];
        same += (size_t)eq;
        if (urls && i - warmup < n) {
            if (for_position)
                fprintf(urls, "/v1/vacancies/%s/positions/%s/matches?limit=%zu\n", x->vacancy,
                        x->id, k);
            else
                fprintf(urls, "/v1/job-seekers/%s/matches?limit=%zu\n", x->id, k);
        }
    }
    double e50 = pct(te, n, 0.50), e99 = pct(te, n, 0.99);
    double o50 = pct(to, n, 0.50), o99 = pct(to, n, 0.99);
    printf("%s, top %zu, %zu samples (mean %.0f eligible):\n", label, k, n,
           n ? (double)eligible_sum / (double)n : 0.0);
    printf("  engine (in process)  p50 %9.3f ms   p99 %9.3f ms\n", e50, e99);
    printf("  SQL oracle           p50 %9.3f ms   p99 %9.3f ms\n", o50, o99);
    printf("  oracle / engine      p50 %9.1fx     p99 %9.1fx\n", e50 > 0 ? o50 / e50 : 0,
           e99 > 0 ? o99 / e99 : 0);
    printf("  same top %zu on both sides: %zu of %zu\n", k, same, n);
    printf("BENCH %s_engine_p50_ms=%.3f %s_engine_p99_ms=%.3f %s_oracle_p50_ms=%.3f"
           " %s_oracle_p99_ms=%.3f %s_ratio_p50=%.1f %s_ratio_p99=%.1f %s_same=%zu %s_n=%zu\n",
           what, e50, what, e99, what, o50, what, o99, what, e50 > 0 ? o50 / e50 : 0, what,
           e99 > 0 ? o99 / e99 : 0, what, same, what, n);
    fflush(stdout);
    free(te);
    free(to);
}

int main(int argc, char **argv)
{
    size_t n = 200, k = 50, warmup = 3;
    const char *schema = "incrocio_oracle", *urls_path = NULL;

    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--samples") == 0)
            n = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--k") == 0)
            k = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--warmup") == 0)
            warmup = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--schema") == 0)
            schema = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--urls") == 0)
            urls_path = argv[++i];
        else {
            fprintf(stderr, "usage: bench-match [--samples N] [--k K] [--schema S] [--warmup W]"
                            " [--urls FILE]\n");
            return 2;
        }
    }
    if (n == 0 || n > 100000 || k == 0 || k > INCROCIO_MATCH_MAX_LIMIT) {
        fprintf(stderr, "bench-match: --samples 1..100000, --k 1..%d\n", INCROCIO_MATCH_MAX_LIMIT);
        return 2;
    }
    const char *url = getenv("DATABASE_URL");
    if (!url) {
        fprintf(stderr, "bench-match: DATABASE_URL is not set\n");
        return 2;
    }
    PGconn *pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK)
        die("connect", pg);
    char sp[256];
    snprintf(sp, sizeof sp, "SET search_path = \"%s\", public", schema);
    PQclear(query(pg, sp, 0, NULL));

    PGresult *res =
        query(pg, "SELECT (now() AT TIME ZONE 'UTC')::date - date '1970-01-01'", 0, NULL);
    char today[16];
    snprintf(today, sizeof today, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);

    /* The index, as the server loads it. */
    struct incrocio_match_model model = {1, incrocio_default_weights};
    struct incrocio_match_index *ix = NULL;
    long rss0 = rss_bytes();
    double t0 = now_s();
    incrocio_err err = incrocio_match_index_new(pg, (int32_t)strtol(today, NULL, 10), &model, &ix);
    double load_s = now_s() - t0;
    long rss1 = rss_bytes();
    if (err != INCROCIO_OK) {
        fprintf(stderr, "bench-match: index load: %s\n", incrocio_err_str(err));
        return 1;
    }
    struct incrocio_match_stats st;
    incrocio_match_index_stats(ix, &st);
    double per = st.seekers ? (double)st.bytes / (double)st.seekers : 0;
    double rss_per = st.seekers ? (double)(rss1 - rss0) / (double)st.seekers : 0;
    printf("index: loaded in %.2f s: %zu job seekers, %zu open positions, %zu skill codes\n",
           load_s, st.seekers, st.positions, st.skills);
    printf("index: %.1f MB held for job seekers = %.1f bytes per seeker (resident set grew %.1f "
           "MB = %.1f bytes per seeker, positions and allocator slack included)\n",
           (double)st.bytes / 1e6, per, (double)(rss1 - rss0) / 1e6, rss_per);
    printf("BENCH load_s=%.3f seekers=%zu positions=%zu bytes_per_seeker=%.1f"
           " rss_bytes_per_seeker=%.1f\n",
           load_s, st.seekers, st.positions, per, rss_per);
    fflush(stdout);

    /* The samples: the same for the same data. */
    PQclear(query(pg, "SELECT setseed(0.2026)", 0, NULL));
    char nbuf[16];
    snprintf(nbuf, sizeof nbuf, "%zu", n);
    const char *pp[2] = {today, nbuf};
    PGresult *pos = query(pg,
                          "SELECT id, vacancy_id FROM (SELECT id, vacancy_id FROM"
                          " incrocio_oracle_open_positions($1::integer) ORDER BY id) p"
                          " ORDER BY random() LIMIT $2::integer",
                          2, pp);
    PGresult *sk = query(pg,
                         "SELECT id FROM (SELECT id FROM job_seekers WHERE erased_at IS NULL"
                         " ORDER BY id) s ORDER BY random() LIMIT $1::integer",
                         1, (const char *[]){nbuf});
    size_t np = (size_t)PQntuples(pos), ns = (size_t)PQntuples(sk);
    struct sample *ps = calloc(np ? np : 1, sizeof *ps), *ss = calloc(ns ? ns : 1, sizeof *ss);
    if (!ps || !ss || np == 0 || ns == 0)
        die("no samples", NULL);
    for (size_t i = 0; i < np; i++) {
        snprintf(ps[i].id, 37, "%s", PQgetvalue(pos, (int)i, 0));
        snprintf(ps[i].vacancy, 37, "%s", PQgetvalue(pos, (int)i, 1));
    }
    for (size_t i = 0; i < ns; i++)
        snprintf(ss[i].id, 37, "%s", PQgetvalue(sk, (int)i, 0));
    PQclear(pos);
    PQclear(sk);

    FILE *urls = NULL;
    if (urls_path && !(urls = fopen(urls_path, "w"))) {
        perror(urls_path);
        return 1;
    }
    run("position -> job seekers", "position", 1, pg, ix, ps, np, k, today, warmup, urls);
    run("job seeker -> positions", "seeker", 0, pg, ix, ss, ns, k, today, warmup, urls);
    if (urls)
        fclose(urls);

    free(ps);
    free(ss);
    incrocio_match_index_free(ix);
    PQfinish(pg);
    return 0;
}
