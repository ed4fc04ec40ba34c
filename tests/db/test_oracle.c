/* The SQL oracle (sql/oracle/score.sql) against incrocio_score() on the same
 * records (DATABASE_URL): thousands of random seeker/position pairs from a
 * fixed-seed generator that steers every branch of the model (each filter
 * tripping and not, every component's cases, distances at the limits,
 * occupation levels 0-5, ages around 18 and 30 with 29 February, damaged
 * counts, weights). Filters and occupation level must be identical, the
 * components and km within 1e-12, the total within 1e-9; the largest
 * differences seen are printed (both sides do the same float operations in
 * the same order, so they are expected to be 0). */
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbtest.h"

#include "incrocio/score.h"

#ifndef ORACLE_SQL
#error "ORACLE_SQL must name sql/oracle/score.sql (tests/db/meson.build)"
#endif

#define N_PAIRS 6000
#define BATCH 1000
#define SCHEMA "incrocio_oracle_test"

/* ---- deterministic generator (splitmix64) ---- */

static uint64_t rng_state = 0x1C0FFEE5EEDULL;

static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rnd(uint32_t n)
{
    return n ? (uint32_t)(next_u64() % n) : 0;
}

/* True with probability pct %. */
static int chance(unsigned pct)
{
    return rnd(100) < pct;
}

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * ((double)(next_u64() >> 11) / 9007199254740992.0);
}

/* Howard Hinnant's days_from_civil, to aim at birthdays. */
static int32_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

/* ---- a growable string ---- */

struct buf {
    char *p;
    size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (b->p && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        b->cap = b->cap * 2 + (size_t)n + 4096;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
}

/* ---- random records ---- */

struct pair {
    struct incrocio_seeker_rec s;
    struct incrocio_position_rec p;
    int32_t today;
    int weights_kind; /* 0: NULL (defaults), 1: explicit array */
    struct incrocio_weights w;
};

static incrocio_occ random_code(void)
{
    incrocio_occ c = 0;
    for (int i = 0; i < 5; i++)
        c = c << 4 | rnd(4); /* a small alphabet: codes often share levels */
    if (chance(3))
        c |= (incrocio_occ)rnd(0xFFFu) << 20; /* bits above level 1 are not read */
    return c;
}

/* A code sharing exactly `level` leading levels with base (0..5). */
static incrocio_occ code_sharing(incrocio_occ base, unsigned level)
{
    incrocio_occ c = base & 0xFFFFFu;
    if (level < 5) {
        int shift = 16 - 4 * (int)level;
        unsigned nib = (c >> shift) & 0xFu;
        c = (c & ~(0xFu << shift)) | (((nib + 1 + rnd(15)) & 0xFu) << shift);
        for (int sh = shift - 4; sh >= 0; sh -= 4)
            c = (c & ~(0xFu << sh)) | (rnd(16) << sh);
    }
    if (chance(3))
        c |= (incrocio_occ)rnd(0xFFFu) << 20;
    return c;
}

/* n distinct sorted ids from [0, range) (plus huge ids sometimes). */
static unsigned sorted_ids(uint32_t *out, unsigned n, uint32_t range)
{
    unsigned k = 0;
    uint32_t id = rnd(3);
    while (k < n) {
        if (id >= range && !chance(10))
            break;
        out[k++] = id;
        id += 1 + rnd(4);
        if (chance(2))
            id += 1000000000u; /* large uint32 ids, still ascending */
        if (id < out[k - 1])
            break; /* wrapped: stop, keep ascending */
    }
    return k;
}

static unsigned pos_skill_ids(uint32_t *ids, unsigned n)
{
    return sorted_ids(ids, n, 40);
}

static void gen_pair(struct pair *q, unsigned index)
{
    struct incrocio_seeker_rec *s = &q->s;
    struct incrocio_position_rec *p = &q->p;
    memset(q, 0, sizeof *q);

    /* Reference day: mostly 2026, sometimes 28 Feb / 29 Feb / 1 Mar, sometimes
     * far away. */
    switch (rnd(6)) {
    case 0: q->today = days_from_civil(2000 + (int)rnd(40), 2, 28); break;
    case 1: q->today = days_from_civil(2000 + 4 * (int)rnd(10), 2, 29); break;
    case 2: q->today = days_from_civil(2000 + (int)rnd(40), 3, 1); break;
    case 3: q->today = days_from_civil(1 + (int)rnd(3000), 1 + rnd(12), 1 + rnd(28)); break;
    default: q->today = days_from_civil(2026, 1, 1) + (int32_t)rnd(365); break;
    }

    /* ---- position ---- */
    p->occupation = random_code();
    p->contract = (uint8_t)(chance(5) ? 6 + rnd(250) : rnd(6));
    p->working_time = (uint8_t)(chance(5) ? 0 : 1 + rnd(2));
    p->shifts = (uint8_t)(chance(25) ? 1 + rnd(3) : 0);
    p->l68_reserved = (uint8_t)(chance(15) ? 1 : 0);
    p->apprenticeship = (uint8_t)(chance(35) ? 1 : 0);
    p->min_eqf = (uint8_t)(chance(30) ? 0 : 1 + rnd(8));
    p->eqf_required = (uint8_t)chance(40);
    p->licence_mask = (uint16_t)(chance(70) ? 0 : 1u << rnd(16) | (chance(30) ? 1u << rnd(16) : 0));
    p->min_experience_months = (uint16_t)(chance(30)  ? 0
                                          : chance(3) ? 60000 + rnd(5536)
                                                      : 1 + rnd(60));
    p->lat = uniform(39.9, 41.6);
    p->lon = uniform(13.7, 15.8);

    unsigned n = chance(20) ? 0 : chance(5) ? 64 : rnd(10);
    uint32_t ids[INCROCIO_MAX_SKILLS];
    n = pos_skill_ids(ids, n);
    int zero_weights = chance(3);
    for (unsigned i = 0; i < n; i++) {
        p->skills[i].id = ids[i];
        p->skills[i].must_have = (uint8_t)(chance(20) ? 1 + rnd(2) : 0);
        p->skills[i].weight = (uint8_t)(zero_weights ? 0 : chance(3) ? 0 : 1 + rnd(5));
    }
    p->n_skills = (uint8_t)(chance(2) && n == 64 ? 64 + rnd(10) : n); /* damaged count */

    p->n_langs = (uint8_t)(chance(25) ? 0 : 1 + rnd(4));
    if (chance(3))
        p->n_langs = (uint8_t)(8 + rnd(4)); /* damaged: C reads 8 */
    for (unsigned i = 0; i < INCROCIO_MAX_LANGS; i++) {
        p->langs[i] = (uint16_t)((1 + rnd(5)) << 4 | (1 + rnd(6)));
        p->langs_required[i] = (uint8_t)(chance(40) ? 1 + rnd(2) : 0);
    }

    /* ---- seeker ---- */
    s->did_eligible = (uint8_t)(chance(90) ? 1 + rnd(2) : 0);
    s->consent = (uint8_t)(chance(90) ? 1 : 0);
    s->l68 = (uint8_t)(chance(25) ? 1 + rnd(2) : 0);
    s->eqf = (uint8_t)(p->min_eqf && chance(50) ? p->min_eqf - rnd(3) : rnd(9));
    s->working_time = (uint8_t)rnd(3);
    s->shifts = (uint8_t)chance(60);
    s->relocate = (uint8_t)chance(25);
    s->contract_mask = (uint8_t)(chance(25) ? 0 : rnd(256));
    s->licence_mask = (uint16_t)(p->licence_mask && chance(60) ? p->licence_mask | rnd(65536)
                                                               : rnd(65536) & rnd(65536));

    /* Apprenticeship window: births around the 18th and 30th birthdays,
     * 29 February births often. */
    {
        /* The reference day's year, found by a scan rather than by the
         * algorithm under test. */
        int64_t ty = 1;
        while (days_from_civil(ty + 1, 1, 1) <= q->today)
            ty++;
        int64_t by;
        switch (rnd(4)) {
        case 0: by = ty - 18; break;
        case 1: by = ty - 30; break;
        case 2: by = ty - 17 - (int64_t)rnd(14); break;
        default: by = ty - (int64_t)rnd(80); break;
        }
        unsigned bm = 1 + rnd(12), bd = 1 + rnd(28);
        int leapish = chance(30);
        if (leapish) {
            by -= (by % 4 + 4) % 4; /* a year divisible by 4 */
            if (by % 100 == 0 && by % 400 != 0)
                by -= 4;
            bm = 2;
            bd = 29;
        } else if (chance(40)) {
            bm = 2 + rnd(2);
            bd = bm == 2 ? 28 : 1;
        }
        s->birth_day = days_from_civil(by, bm, bd);
        if (chance(20))
            s->birth_day += (int32_t)rnd(5) - 2;
    }

    /* Location: often the same point, sometimes antipodal, else nearby. */
    switch (rnd(20)) {
    case 0:
        s->lat = p->lat;
        s->lon = p->lon;
        break;
    case 1:
        s->lat = -p->lat;
        s->lon = p->lon - 180.0;
        break;
    case 2:
        s->lat = uniform(-90.0, 90.0);
        s->lon = uniform(-180.0, 180.0);
        break;
    default:
        s->lat = uniform(39.9, 41.6);
        s->lon = uniform(13.7, 15.8);
        break;
    }

    /* Limits placed around the actual distance. */
    struct incrocio_score tmp;
    incrocio_score(s, p, NULL, q->today, &tmp);
    double km = tmp.km;
    uint16_t near = km >= 65535.0 ? 65535 : (uint16_t)km; /* floor */
    switch (rnd(6)) {
    case 0: s->max_travel_km = near; break;                                       /* just below */
    case 1: s->max_travel_km = (uint16_t)(near < 65535 ? near + 1 : near); break; /* above */
    case 2: s->max_travel_km = (uint16_t)rnd(200); break;
    case 3: s->max_travel_km = 0; break;
    default: s->max_travel_km = (uint16_t)(near / 2 + rnd(near + 1)); break;
    }
    switch (rnd(6)) {
    case 0: p->max_distance_km = 0; break;
    case 1: p->max_distance_km = near; break;
    case 2: p->max_distance_km = (uint16_t)(near < 65535 ? near + 1 : near); break;
    case 3: p->max_distance_km = (uint16_t)(near + 1 + rnd(100)); break;
    default: p->max_distance_km = (uint16_t)rnd(300); break;
    }

    /* Occupations: desired first, then experiences, with levels 0..5. */
    unsigned n_occ = chance(10) ? 0 : chance(5) ? INCROCIO_MAX_CODES : 1 + rnd(6);
    for (unsigned i = 0; i < n_occ; i++) {
        s->occ[i] = chance(10) ? random_code() : code_sharing(p->occupation, rnd(6));
        s->exp_months[i] = (uint16_t)(chance(2) ? 60000 + rnd(5536) : rnd(36));
    }
    s->n_occ = (uint8_t)(n_occ == INCROCIO_MAX_CODES && chance(30) ? n_occ + rnd(6) : n_occ);
    s->n_desired = (uint8_t)(chance(5) ? n_occ + rnd(3) : rnd(n_occ + 1));

    /* Skills: a subset of the position's (must-haves kept or dropped) plus
     * others, sorted and distinct. */
    {
        uint32_t cand[2 * INCROCIO_MAX_SKILLS];
        unsigned k = 0, np = p->n_skills < 64 ? p->n_skills : 64, extra = rnd(8);
        int keep_all = chance(30);
        for (unsigned i = 0; i < np; i++)
            if (keep_all || chance(60))
                cand[k++] = p->skills[i].id;
        for (unsigned e = 0; e < extra; e++)
            cand[k++] = rnd(50);
        /* insertion sort, drop duplicates */
        for (unsigned i = 1; i < k; i++) {
            uint32_t v = cand[i];
            unsigned j = i;
            while (j > 0 && cand[j - 1] > v) {
                cand[j] = cand[j - 1];
                j--;
            }
            cand[j] = v;
        }
        unsigned m = 0;
        for (unsigned i = 0; i < k && m < INCROCIO_MAX_SKILLS; i++)
            if (m == 0 || cand[i] != s->skills[m - 1])
                s->skills[m++] = cand[i];
        s->n_skills = (uint8_t)(m == INCROCIO_MAX_SKILLS && chance(30) ? m + rnd(5) : m);
    }

    /* Languages: around the position's minimum ranks. */
    s->n_langs = (uint8_t)(chance(15) ? 0 : rnd(9));
    for (unsigned j = 0; j < INCROCIO_MAX_LANGS; j++) {
        uint16_t base = p->langs[rnd(INCROCIO_MAX_LANGS)];
        int rank = (int)(base & 15u) + (int)rnd(4) - 2;
        if (rank < 0)
            rank = 0;
        s->langs[j] = (uint16_t)((chance(80) ? base >> 4 : 1 + rnd(6)) << 4 | (unsigned)rank);
    }
    if (chance(3))
        s->n_langs = (uint8_t)(8 + rnd(3));

    /* A third of the pairs pass every filter, so that totals are compared
     * with all components still free to vary. */
    if (index % 3 == 2) {
        s->did_eligible = s->consent = 1;
        s->licence_mask |= p->licence_mask;
        p->eqf_required = 0;
        memset(p->langs_required, 0, sizeof p->langs_required);
        for (unsigned i = 0; i < INCROCIO_MAX_SKILLS; i++)
            p->skills[i].must_have = 0;
        if (p->n_skills > INCROCIO_MAX_SKILLS)
            p->n_skills = INCROCIO_MAX_SKILLS; /* no junk must-haves */
        s->relocate = 1;
        if (p->max_distance_km != 0 && p->max_distance_km < km)
            p->max_distance_km = 0;
        if (chance(50))
            s->contract_mask = 0;
        else
            s->contract_mask |= (uint8_t)(p->contract < 8 ? 1u << p->contract : 0);
        if (s->contract_mask != 0 && p->contract >= 8)
            s->contract_mask = 0;
        s->working_time = chance(50) ? INCROCIO_WT_ANY : p->working_time;
        p->shifts = 0;
        p->l68_reserved = 0;
        p->apprenticeship = 0;
    }

    /* Weights: defaults (NULL), random, all zero, or defaults written out. */
    switch (index % 10) {
    case 0:
    case 1:
    case 2:
    case 3: q->weights_kind = 0; break;
    case 4:
        q->weights_kind = 1;
        q->w = incrocio_default_weights;
        break;
    case 5:
        q->weights_kind = 1; /* all zero: total 0 */
        break;
    default:
        q->weights_kind = 1;
        for (int i = 0; i < INCROCIO_C_COUNT; i++)
            q->w.w[i] = chance(10) ? 0.0 : uniform(0.0, 50.0);
        break;
    }
}

/* ---- JSON ---- */

/* Writes elements [0, n) of a list, then, when the count is damaged (n >
 * max), junk after the first max so that the oracle's clamp is exercised. */
static void put_u32_list(struct buf *b, const char *name, const uint32_t *v, unsigned n,
                         unsigned max)
{
    put(b, "\"%s\":[", name);
    for (unsigned i = 0; i < n; i++)
        put(b, "%s%u", i ? "," : "", i < max ? v[i] : 7u + i);
    put(b, "]");
}

static void put_seeker(struct buf *b, const struct incrocio_seeker_rec *s)
{
    uint32_t v[INCROCIO_MAX_SKILLS];
    put(b,
        "{\"did_eligible\":%u,\"consent\":%u,\"l68\":%u,\"eqf\":%u,\"working_time\":%u,"
        "\"shifts\":%u,\"relocate\":%u,\"contract_mask\":%u,\"licence_mask\":%u,"
        "\"max_travel_km\":%u,\"birth_day\":%d,\"lat\":%.17g,\"lon\":%.17g,\"n_desired\":%u,",
        s->did_eligible, s->consent, s->l68, s->eqf, s->working_time, s->shifts, s->relocate,
        s->contract_mask, s->licence_mask, s->max_travel_km, s->birth_day, s->lat, s->lon,
        s->n_desired);
    put_u32_list(b, "occ", s->occ, s->n_occ, INCROCIO_MAX_CODES);
    put(b, ",");
    for (unsigned i = 0; i < INCROCIO_MAX_CODES; i++)
        v[i] = s->exp_months[i];
    put_u32_list(b, "exp_months", v, s->n_occ, INCROCIO_MAX_CODES);
    put(b, ",");
    put_u32_list(b, "skills", s->skills, s->n_skills, INCROCIO_MAX_SKILLS);
    put(b, ",");
    for (unsigned i = 0; i < INCROCIO_MAX_LANGS; i++)
        v[i] = s->langs[i];
    put_u32_list(b, "langs", v, s->n_langs, INCROCIO_MAX_LANGS);
    put(b, "}");
}

static void put_position(struct buf *b, const struct incrocio_position_rec *p)
{
    uint32_t v[INCROCIO_MAX_LANGS];
    put(b,
        "{\"occupation\":%u,\"contract\":%u,\"working_time\":%u,\"shifts\":%u,"
        "\"l68_reserved\":%u,\"apprenticeship\":%u,\"min_eqf\":%u,\"eqf_required\":%u,"
        "\"licence_mask\":%u,\"min_experience_months\":%u,\"max_distance_km\":%u,"
        "\"lat\":%.17g,\"lon\":%.17g,\"skills\":[",
        p->occupation, p->contract, p->working_time, p->shifts, p->l68_reserved, p->apprenticeship,
        p->min_eqf, p->eqf_required, p->licence_mask, p->min_experience_months, p->max_distance_km,
        p->lat, p->lon);
    for (unsigned i = 0; i < p->n_skills; i++) {
        if (i < INCROCIO_MAX_SKILLS)
            put(b, "%s{\"id\":%u,\"must_have\":%u,\"weight\":%u}", i ? "," : "", p->skills[i].id,
                p->skills[i].must_have, p->skills[i].weight);
        else /* junk past a damaged count: a missing must-have */
            put(b, ",{\"id\":%u,\"must_have\":1,\"weight\":5}", 4000000000u + i);
    }
    put(b, "],");
    for (unsigned i = 0; i < INCROCIO_MAX_LANGS; i++)
        v[i] = p->langs[i];
    put_u32_list(b, "langs", v, p->n_langs, INCROCIO_MAX_LANGS);
    put(b, ",");
    for (unsigned i = 0; i < INCROCIO_MAX_LANGS; i++)
        v[i] = p->langs_required[i];
    put_u32_list(b, "langs_required", v, p->n_langs, INCROCIO_MAX_LANGS);
    put(b, "}");
}

/* ---- database ---- */

/* Loads the oracle into a schema of its own, dropped at the end. */
static PGconn *setup_oracle(void)
{
    PGconn *pg = connect_db();
    char *sql = read_file(ORACLE_SQL);

    exec_ok(pg, "SET client_min_messages = warning");
    exec_ok(pg, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE");
    exec_ok(pg, "CREATE SCHEMA " SCHEMA);
    exec_ok(pg, "SET search_path = " SCHEMA ", public");
    exec_ok(pg, sql);
    exec_ok(pg, sql); /* CREATE OR REPLACE: loading twice is harmless */
    free(sql);
    return pg;
}

static void teardown_oracle(PGconn *pg)
{
    exec_ok(pg, "DROP SCHEMA " SCHEMA " CASCADE");
    PQfinish(pg);
}

static const char *batch_sql =
    "SELECT o.filters, o.occupation, o.skills, o.experience, o.education, o.languages,"
    " o.distance, o.contract, o.total, o.km, o.occupation_level"
    " FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(x, n),"
    " LATERAL incrocio_oracle_score(e.x -> 's', e.x -> 'p', (e.x ->> 't')::integer,"
    "   CASE WHEN e.x ? 'w' THEN ARRAY(SELECT jsonb_array_elements_text(e.x -> 'w')"
    "     ::double precision) END) AS o"
    " ORDER BY e.n";

struct stats {
    double max_comp[INCROCIO_C_COUNT], max_km, max_total;
    unsigned long exact, pairs;
    unsigned long filter_set[11], filter_clear[11], level[6];
    unsigned long eligible, partial[INCROCIO_C_COUNT], zero[INCROCIO_C_COUNT];
};

static double parse_double(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0')
        fail_msg("not a number: %s", s);
    return v;
}

static void check_batch(PGconn *pg, const struct pair *pairs, unsigned n, struct stats *st)
{
    struct buf b = {0};
    const char *params[1];
    PGresult *res;

    put(&b, "[");
    for (unsigned i = 0; i < n; i++) {
        const struct pair *q = &pairs[i];
        put(&b, "%s{\"t\":%d,\"s\":", i ? "," : "", q->today);
        put_seeker(&b, &q->s);
        put(&b, ",\"p\":");
        put_position(&b, &q->p);
        if (q->weights_kind) {
            put(&b, ",\"w\":[");
            for (int k = 0; k < INCROCIO_C_COUNT; k++)
                put(&b, "%s%.17g", k ? "," : "", q->w.w[k]);
            put(&b, "]");
        }
        put(&b, "}");
    }
    put(&b, "]");

    params[0] = b.p;
    res = PQexecParams(pg, batch_sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("oracle: %s", PQerrorMessage(pg));
    assert_int_equal(PQntuples(res), (int)n);

    for (unsigned i = 0; i < n; i++) {
        const struct pair *q = &pairs[i];
        struct incrocio_score c;
        int row = (int)i, exact = 1;

        incrocio_score(&q->s, &q->p, q->weights_kind ? &q->w : NULL, q->today, &c);

        unsigned filters = (unsigned)strtoul(PQgetvalue(res, row, 0), NULL, 10);
        unsigned level = (unsigned)strtoul(PQgetvalue(res, row, 10), NULL, 10);
        if (filters != c.filters || level != c.occupation_level)
            fail_msg("pair %lu: filters C %u SQL %u, level C %u SQL %u", st->pairs, c.filters,
                     filters, c.occupation_level, level);
        for (int k = 0; k < INCROCIO_C_COUNT; k++) {
            double v = parse_double(PQgetvalue(res, row, 1 + k)), d = fabs(v - c.component[k]);
            if (d > st->max_comp[k])
                st->max_comp[k] = d;
            if (v != c.component[k])
                exact = 0;
            if (!(d <= 1e-12))
                fail_msg("pair %lu: component %d C %.17g SQL %.17g", st->pairs, k, c.component[k],
                         v);
            if (c.component[k] > 0.0 && c.component[k] < 1.0)
                st->partial[k]++;
            if (c.component[k] == 0.0)
                st->zero[k]++;
        }
        double total = parse_double(PQgetvalue(res, row, 8));
        double km = parse_double(PQgetvalue(res, row, 9));
        double dt = fabs(total - c.total), dk = fabs(km - c.km);
        if (dt > st->max_total)
            st->max_total = dt;
        if (dk > st->max_km)
            st->max_km = dk;
        if (!(dt <= 1e-9))
            fail_msg("pair %lu: total C %.17g SQL %.17g", st->pairs, c.total, total);
        if (!(dk <= 1e-12))
            fail_msg("pair %lu: km C %.17g SQL %.17g", st->pairs, c.km, km);
        if (total != c.total || km != c.km)
            exact = 0;

        st->exact += (unsigned long)exact;
        for (int f = 0; f < 11; f++) {
            if (c.filters & (1u << f))
                st->filter_set[f]++;
            else
                st->filter_clear[f]++;
        }
        st->level[c.occupation_level]++;
        if (c.filters == 0 && c.total > 0.0)
            st->eligible++;
        st->pairs++;
    }
    PQclear(res);
    free(b.p);
}

static void test_oracle_agrees_with_c(void **state)
{
    PGconn *pg = setup_oracle();
    struct pair *pairs = calloc(BATCH, sizeof *pairs);
    struct stats st;
    unsigned done = 0;

    (void)state;
    assert_non_null(pairs);
    memset(&st, 0, sizeof st);
    while (done < N_PAIRS) {
        for (unsigned i = 0; i < BATCH; i++)
            gen_pair(&pairs[i], done + i);
        check_batch(pg, pairs, BATCH, &st);
        done += BATCH;
    }

    printf("oracle: %lu pairs, %lu bit for bit; max |SQL - C|: km %.3g, total %.3g, components",
           st.pairs, st.exact, st.max_km, st.max_total);
    for (int k = 0; k < INCROCIO_C_COUNT; k++)
        printf(" %.3g", st.max_comp[k]);
    printf("\noracle: %lu eligible with a positive total; levels 0-5:", st.eligible);
    for (int l = 0; l < 6; l++)
        printf(" %lu", st.level[l]);
    printf("\noracle: filter bits set/clear:");
    for (int f = 0; f < 11; f++)
        printf(" %lu/%lu", st.filter_set[f], st.filter_clear[f]);
    printf("\n");

    /* The generator reached every branch it aims at. */
    for (int f = 0; f < 11; f++) {
        assert_true(st.filter_set[f] >= 20);
        assert_true(st.filter_clear[f] >= 20);
    }
    for (int l = 0; l < 6; l++)
        assert_true(st.level[l] >= 20);
    assert_true(st.eligible >= 50);
    for (int k = 0; k < INCROCIO_C_COUNT; k++)
        if (k != INCROCIO_C_OCCUPATION)
            assert_true(st.partial[k] >= 20);
    for (int k = 0; k < INCROCIO_C_COUNT; k++)
        assert_true(st.zero[k] >= 5);

    free(pairs);
    teardown_oracle(pg);
}

/* Hand-picked cases: the apprenticeship window on 29 February births, the
 * antipodes, the three-argument call with the default weights. */
static void test_edge_cases(void **state)
{
    PGconn *pg = setup_oracle();
    struct stats st;
    struct pair q[8];
    /* (birth, today, expected age group): 29 Feb 2000 turns 18 on 1 Mar 2018. */
    const struct {
        int64_t by;
        unsigned bm, bd;
        int64_t ty;
        unsigned tm, td;
        int in_window;
    } ages[] = {
        {2000, 2, 29, 2018, 2, 28, 0}, {2000, 2, 29, 2018, 3, 1, 1},
        {1996, 2, 29, 2026, 2, 28, 1}, {1996, 2, 29, 2026, 3, 1, 0},
        {1996, 2, 29, 2024, 2, 29, 1}, {2006, 2, 29 - 1, 2024, 2, 28, 1},
        {2008, 2, 29, 2026, 2, 28, 0}, {1994, 2, 28, 2024, 2, 29, 0},
    };

    (void)state;
    memset(&st, 0, sizeof st);
    memset(q, 0, sizeof q);
    for (unsigned i = 0; i < 8; i++) {
        q[i].s.did_eligible = q[i].s.consent = 1;
        q[i].s.birth_day = days_from_civil(ages[i].by, ages[i].bm, ages[i].bd);
        q[i].today = days_from_civil(ages[i].ty, ages[i].tm, ages[i].td);
        q[i].p.apprenticeship = 1;
        q[i].p.working_time = INCROCIO_WT_FULL;
        q[i].s.relocate = 1;
        q[i].s.lat = 40.0 + i;
        q[i].s.lon = 14.0;
        q[i].p.lat = -q[i].s.lat; /* antipodes: a rounds to 1 or above */
        q[i].p.lon = q[i].s.lon - 180.0;
    }
    check_batch(pg, q, 8, &st);
    for (unsigned i = 0; i < 8; i++) {
        struct incrocio_score c;
        incrocio_score(&q[i].s, &q[i].p, NULL, q[i].today, &c);
        assert_int_equal((c.filters & INCROCIO_F_APPRENTICESHIP) == 0, ages[i].in_window);
    }

    /* The three-argument form means the default weights. */
    PGresult *res = PQexec(pg, "SELECT total FROM incrocio_oracle_score("
                               "'{\"did_eligible\":1,\"consent\":1,\"max_travel_km\":10}',"
                               " '{\"working_time\":1,\"min_eqf\":2}', 0)");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    /* occupation 0, skills 1, experience 1, education 0, languages 1,
     * distance 1, contract 0.5·0.5 + 0.5·0.75 = 0.625: (25+15+8+7+5·0.625)/100 */
    assert_true(fabs(parse_double(PQgetvalue(res, 0, 0)) - 0.58125) < 1e-15);
    PQclear(res);
    teardown_oracle(pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oracle_agrees_with_c),
        cmocka_unit_test(test_edge_cases),
    };

    if (!getenv("DATABASE_URL")) {
        printf("DATABASE_URL unset: skipping\n");
        return 77;
    }
    return cmocka_run_group_tests_name("db-oracle", tests, NULL, NULL);
}
