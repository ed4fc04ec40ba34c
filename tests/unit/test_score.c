/* The matching model (src/match/score.c): every filter tripped alone and
 * narrowly passed, every component by hand, the weighted total, the
 * apprenticeship age window at its boundaries, and that the birth date moves
 * nothing else. */
#include <math.h>

#include "unit.h"

#include "incrocio/score.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* cmocka 1.1 only compares floats; these compare doubles and name the row. */
#define ROW_DBL(row, got, want, tol)                                                  \
    do {                                                                              \
        double g_ = (got), w_ = (want);                                               \
        if (!(fabs(g_ - w_) <= (tol)))                                                \
            fail_msg("row %zu: %s = %.17g, want %.17g", (size_t)(row), #got, g_, w_); \
    } while (0)
#define ASSERT_DBL(got, want, tol) ROW_DBL(0, got, want, tol)

/* Distances built on a meridian are exact only up to rounding in sin/asin. */
#define KM_TOL 1e-9
#define TOTAL_TOL 1e-12

/* Hinnant's days_from_civil, the inverse of what score.c uses, to write test
 * dates as dates; test_days_from_civil pins it to values computed elsewhere. */
static int32_t days(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

#define TODAY days(2026, 1, 15)
#define NAPOLI_LAT 40.8518
#define NAPOLI_LON 14.2681

#define LANG(id, rank) ((uint16_t)((id) << 4 | (rank)))
enum { EN = 1, FR = 2, DE = 3, ES = 4 };

/* A seeker and a position that fit on every count: no filter, every
 * component 1.0, both at the same point (km exactly 0). */
static struct incrocio_seeker_rec base_seeker(void)
{
    struct incrocio_seeker_rec s;

    memset(&s, 0, sizeof s);
    s.did_eligible = 1;
    s.consent = 1;
    s.eqf = 6;
    s.working_time = INCROCIO_WT_FULL;
    s.shifts = 1;
    s.contract_mask = 1u << 0;
    s.licence_mask = 0x3;
    s.max_travel_km = 30;
    s.birth_day = days(1990, 6, 15);
    s.lat = NAPOLI_LAT;
    s.lon = NAPOLI_LON;
    s.n_occ = 2;
    s.n_desired = 1;
    s.occ[0] = 0x52210;
    s.occ[1] = 0x52210;
    s.exp_months[1] = 24;
    s.n_skills = 3;
    s.skills[0] = 10;
    s.skills[1] = 20;
    s.skills[2] = 30;
    s.n_langs = 2;
    s.langs[0] = LANG(EN, 4);
    s.langs[1] = LANG(FR, 6);
    return s;
}

static struct incrocio_position_rec base_position(void)
{
    struct incrocio_position_rec p;

    memset(&p, 0, sizeof p);
    p.occupation = 0x52210;
    p.contract = 0;
    p.working_time = INCROCIO_WT_FULL;
    p.shifts = 1;
    p.min_eqf = 4;
    p.eqf_required = 1;
    p.licence_mask = 0x1;
    p.min_experience_months = 12;
    p.max_distance_km = 50;
    p.lat = NAPOLI_LAT;
    p.lon = NAPOLI_LON;
    p.n_skills = 2;
    p.skills[0] = (struct incrocio_position_skill){10, 1, 3};
    p.skills[1] = (struct incrocio_position_skill){20, 0, 2};
    p.n_langs = 1;
    p.langs[0] = LANG(EN, 3);
    p.langs_required[0] = 1;
    return p;
}

static struct incrocio_score run(const struct incrocio_seeker_rec *s,
                                 const struct incrocio_position_rec *p)
{
    struct incrocio_score out;

    incrocio_score(s, p, &incrocio_default_weights, TODAY, &out);
    return out;
}

/* Puts the seeker km kilometres north of the position, on its meridian: there
 * the haversine reduces to 6371 · Δφ (radians). */
static void place_north(struct incrocio_seeker_rec *s, const struct incrocio_position_rec *p,
                        double km)
{
    s->lat = p->lat + km / 6371.0 * (180.0 / M_PI);
    s->lon = p->lon;
}

static void test_days_from_civil(void **state)
{
    (void)state;
    /* From Python's datetime.date subtraction. */
    assert_int_equal(days(1970, 1, 1), 0);
    assert_int_equal(days(1969, 12, 31), -1);
    assert_int_equal(days(1960, 6, 15), -3487);
    assert_int_equal(days(2000, 2, 29), 11016);
    assert_int_equal(days(2018, 3, 1), 17591);
    assert_int_equal(days(2024, 2, 29), 19782);
    assert_int_equal(days(2030, 3, 1), 21974);
    assert_int_equal(days(2026, 1, 15), 20468);
}

static void test_base_fits(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score r = run(&s, &p);

    assert_int_equal(r.filters, 0);
    for (size_t i = 0; i < INCROCIO_C_COUNT; i++)
        ROW_DBL(i, r.component[i], 1.0, 0.0);
    ASSERT_DBL(r.total, 1.0, 0.0);
    ASSERT_DBL(r.km, 0.0, 0.0);
    assert_int_equal(r.occupation_level, 5);
}

/* ---- Filters ------------------------------------------------------------ */

typedef void (*mutate_fn)(struct incrocio_seeker_rec *, struct incrocio_position_rec *);

/* Trips exactly one filter each. */
static void no_did(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->did_eligible = 0;
}
static void no_consent(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->consent = 0;
}
static void licence_missing(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)s;
    p->licence_mask = 0x1 | 0x4;
}
static void must_have_missing(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)s;
    p->skills[1] = (struct incrocio_position_skill){25, 1, 2};
}
static void must_have_past_seeker_end(struct incrocio_seeker_rec *s,
                                      struct incrocio_position_rec *p)
{
    (void)s;
    p->skills[1] = (struct incrocio_position_skill){99, 1, 2};
}
static void eqf_below_required(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->eqf = 3;
}
static void lang_below_required(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->langs[0] = LANG(EN, 2);
}
static void lang_missing_required(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)s;
    p->n_langs = 2;
    p->langs[1] = LANG(DE, 1);
    p->langs_required[1] = 1;
}
static void beyond_position_limit(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->relocate = 1;
    place_north(s, p, 60.0);
}
static void beyond_own_limit(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    p->max_distance_km = 0;
    place_north(s, p, 40.0);
}
static void contract_refused(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->contract_mask = 1u << 1 | 1u << 4;
    p->contract = 0;
}
static void contract_index_beyond_mask(struct incrocio_seeker_rec *s,
                                       struct incrocio_position_rec *p)
{
    s->contract_mask = 0xFF;
    p->contract = 32; /* 1u << 32 would wrap to bit 0 on x86 */
}
static void part_time_only(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->working_time = INCROCIO_WT_PART;
}
static void no_shifts(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->shifts = 0;
}
static void l68_not_enrolled(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)s;
    p->l68_reserved = 1;
}
static void apprentice_too_old(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    p->apprenticeship = 1;
    s->birth_day = days(1990, 6, 15); /* 35 on TODAY */
}

/* Pass narrowly: each is next to a trip above. */
static void licence_superset(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->licence_mask = 0xFFFF;
    p->licence_mask = 0x8001;
}
static void no_licence_needed(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->licence_mask = 0;
    p->licence_mask = 0;
}
static void nice_to_have_missing(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)s;
    p->skills[1] = (struct incrocio_position_skill){25, 0, 2};
}
static void eqf_equal_required(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->eqf = 4;
}
static void eqf_below_not_required(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->eqf = 1;
    p->eqf_required = 0;
}
static void lang_equal_required(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->langs[0] = LANG(EN, 3);
}
static void lang_missing_not_required(struct incrocio_seeker_rec *s,
                                      struct incrocio_position_rec *p)
{
    (void)s;
    p->n_langs = 2;
    p->langs[1] = LANG(DE, 5);
    p->langs_required[1] = 0;
}
static void relocates_no_position_limit(struct incrocio_seeker_rec *s,
                                        struct incrocio_position_rec *p)
{
    s->relocate = 1;
    p->max_distance_km = 0;
    place_north(s, p, 900.0);
}
static void within_both_limits(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    place_north(s, p, 25.0);
}
static void same_point_zero_limits(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->max_travel_km = 0;
    p->max_distance_km = 0;
}
static void any_contract(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->contract_mask = 0;
    p->contract = 40;
}
static void contract_among_several(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->contract_mask = 1u << 1 | 1u << 5;
    p->contract = 5;
}
static void any_hours(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->working_time = INCROCIO_WT_ANY;
    p->working_time = INCROCIO_WT_PART;
}
static void no_shifts_none_needed(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->shifts = 0;
    p->shifts = 0;
}
static void l68_art1(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->l68 = 1;
    p->l68_reserved = 1;
}
static void l68_art18(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->l68 = 2;
    p->l68_reserved = 1;
}
static void apprentice_25(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    p->apprenticeship = 1;
    s->birth_day = days(2000, 7, 1);
}

static const struct {
    const char *name;
    mutate_fn mutate;
    unsigned filters;
} filter_rows[] = {
    {"no DID", no_did, INCROCIO_F_DID},
    {"no consent", no_consent, INCROCIO_F_CONSENT},
    {"licence missing", licence_missing, INCROCIO_F_LICENCE},
    {"must-have missing", must_have_missing, INCROCIO_F_SKILL},
    {"must-have past the seeker's list", must_have_past_seeker_end, INCROCIO_F_SKILL},
    {"EQF below required", eqf_below_required, INCROCIO_F_EDUCATION},
    {"language below required", lang_below_required, INCROCIO_F_LANGUAGE},
    {"required language missing", lang_missing_required, INCROCIO_F_LANGUAGE},
    {"beyond the position's limit", beyond_position_limit, INCROCIO_F_DISTANCE},
    {"beyond the person's limit", beyond_own_limit, INCROCIO_F_DISTANCE},
    {"contract refused", contract_refused, INCROCIO_F_CONTRACT},
    {"contract index beyond the mask", contract_index_beyond_mask, INCROCIO_F_CONTRACT},
    {"part time only", part_time_only, INCROCIO_F_HOURS},
    {"no shifts", no_shifts, INCROCIO_F_HOURS},
    {"L68 not enrolled", l68_not_enrolled, INCROCIO_F_L68},
    {"apprentice too old", apprentice_too_old, INCROCIO_F_APPRENTICESHIP},
    {"licence superset", licence_superset, 0},
    {"no licence needed", no_licence_needed, 0},
    {"nice-to-have missing", nice_to_have_missing, 0},
    {"EQF equal to required", eqf_equal_required, 0},
    {"EQF below, not required", eqf_below_not_required, 0},
    {"language equal to required", lang_equal_required, 0},
    {"language missing, not required", lang_missing_not_required, 0},
    {"relocates, no position limit", relocates_no_position_limit, 0},
    {"within both limits", within_both_limits, 0},
    {"same point, zero limits", same_point_zero_limits, 0},
    {"any contract", any_contract, 0},
    {"contract among several", contract_among_several, 0},
    {"any hours", any_hours, 0},
    {"no shifts, none needed", no_shifts_none_needed, 0},
    {"L68 art. 1", l68_art1, 0},
    {"L68 art. 18", l68_art18, 0},
    {"apprentice aged 25", apprentice_25, 0},
};

static void test_filters_one_at_a_time(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(filter_rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();

        filter_rows[i].mutate(&s, &p);
        struct incrocio_score r = run(&s, &p);
        if (r.filters != filter_rows[i].filters)
            fail_msg("row %zu (%s): filters = %#x, want %#x", i, filter_rows[i].name, r.filters,
                     filter_rows[i].filters);
        if (r.filters != 0)
            ROW_DBL(i, r.total, 0.0, 0.0);
        else
            assert_true(r.total > 0.0);
    }
}

static void test_every_filter_at_once(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();

    no_did(&s, &p);
    no_consent(&s, &p);
    licence_missing(&s, &p);
    must_have_missing(&s, &p);
    eqf_below_required(&s, &p);
    lang_below_required(&s, &p);
    beyond_own_limit(&s, &p);
    contract_refused(&s, &p);
    no_shifts(&s, &p);
    l68_not_enrolled(&s, &p);
    apprentice_too_old(&s, &p);
    struct incrocio_score r = run(&s, &p);

    assert_int_equal(r.filters, 0x7FF);
    ASSERT_DBL(r.total, 0.0, 0.0);
    /* Components are still computed, for the explanation. */
    ASSERT_DBL(r.component[INCROCIO_C_OCCUPATION], 1.0, 0.0);
    ASSERT_DBL(r.component[INCROCIO_C_SKILLS], 3.0 / 5.0, 0.0);
    ASSERT_DBL(r.component[INCROCIO_C_EDUCATION], 0.5, 0.0);
    ASSERT_DBL(r.component[INCROCIO_C_LANGUAGES], 0.5, 0.0);
    ASSERT_DBL(r.component[INCROCIO_C_CONTRACT], 0.5, 0.0);
}

/* ---- Apprenticeship window ------------------------------------------------ */

static void test_apprenticeship_age_boundaries(void **state)
{
    (void)state;
    static const struct {
        int by, bm, bd; /* birth */
        int ty, tm, td; /* reference day */
        int eligible;
    } rows[] = {
        /* An ordinary birthday. */
        {1990, 6, 15, 2008, 6, 14, 0}, /* the day before the 18th birthday */
        {1990, 6, 15, 2008, 6, 15, 1}, /* the 18th birthday */
        {1990, 6, 15, 2020, 6, 14, 1}, /* the day before the 30th birthday */
        {1990, 6, 15, 2020, 6, 15, 0}, /* the 30th birthday */
        /* Born on 29 February: in common years the birthday is reached on 1 March. */
        {2000, 2, 29, 2018, 2, 28, 0},
        {2000, 2, 29, 2018, 3, 1, 1},
        {2000, 2, 29, 2030, 2, 28, 1},
        {2000, 2, 29, 2030, 3, 1, 0},
        {1996, 2, 29, 2014, 2, 28, 0},
        {1996, 2, 29, 2014, 3, 1, 1},
        {1996, 2, 29, 2026, 2, 28, 1},
        {1996, 2, 29, 2026, 3, 1, 0},
        /* Born on 1 March, reference day 29 February of a leap year. */
        {2006, 3, 1, 2024, 2, 29, 0},
        {2006, 3, 1, 2024, 3, 1, 1},
        /* Born before 1970 (negative day counts), boundaries on either side of it. */
        {1960, 6, 15, 1978, 6, 14, 0},
        {1960, 6, 15, 1978, 6, 15, 1},
        {1960, 6, 15, 1990, 6, 14, 1},
        {1960, 6, 15, 1990, 6, 15, 0},
        /* New Year's Eve. */
        {1969, 12, 31, 1987, 12, 30, 0},
        {1969, 12, 31, 1987, 12, 31, 1},
        {1969, 12, 31, 1999, 12, 30, 1},
        {1969, 12, 31, 1999, 12, 31, 0},
        /* Not born yet. */
        {2030, 1, 1, 2026, 1, 15, 0},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();
        struct incrocio_score r;

        p.apprenticeship = 1;
        s.birth_day = days(rows[i].by, (unsigned)rows[i].bm, (unsigned)rows[i].bd);
        incrocio_score(&s, &p, &incrocio_default_weights,
                       days(rows[i].ty, (unsigned)rows[i].tm, (unsigned)rows[i].td), &r);
        ROW_INT(i, r.filters, rows[i].eligible ? 0u : (unsigned)INCROCIO_F_APPRENTICESHIP);

        /* Without the apprenticeship flag, age is never looked at. */
        p.apprenticeship = 0;
        incrocio_score(&s, &p, &incrocio_default_weights,
                       days(rows[i].ty, (unsigned)rows[i].tm, (unsigned)rows[i].td), &r);
        ROW_INT(i, r.filters, 0);
    }
}

/* ---- Fairness ------------------------------------------------------------- */

static void assert_same_score(size_t row, const struct incrocio_score *a,
                              const struct incrocio_score *b)
{
    ROW_INT(row, a->filters, b->filters);
    ROW_INT(row, a->occupation_level, b->occupation_level);
    /* Bit for bit: not merely close. */
    if (memcmp(&a->total, &b->total, sizeof a->total) != 0 ||
        memcmp(&a->km, &b->km, sizeof a->km) != 0 ||
        memcmp(a->component, b->component, sizeof a->component) != 0)
        fail_msg("row %zu: scores differ (total %.17g vs %.17g)", row, a->total, b->total);
}

/* The birth date is the only protected attribute in the records (score.h);
 * outside an apprenticeship it must change nothing at all. */
static void test_fairness_birth_day(void **state)
{
    (void)state;
    static const int32_t births[] = {INT32_MIN, -25000, -3487, -1,    0,     1,        7470,
                                     11016,     13208,  20000, 20468, 30000, INT32_MAX};
    mutate_fn variants[] = {within_both_limits, must_have_missing, lang_missing_not_required,
                            contract_refused,   part_time_only,    any_hours};

    for (size_t v = 0; v < N_ELEMS(variants); v++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();
        struct incrocio_score ref, r;

        variants[v](&s, &p);
        s.birth_day = births[0];
        ref = run(&s, &p);
        for (size_t b = 1; b < N_ELEMS(births); b++) {
            s.birth_day = births[b];
            r = run(&s, &p);
            assert_same_score(v * 100 + b, &r, &ref);
        }
    }
}

/* In an apprenticeship the birth date may flip that one filter and, with it,
 * the total; the components and the explanation stay the same. */
static void test_birth_day_moves_only_apprenticeship(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score young, old;

    p.apprenticeship = 1;
    s.birth_day = days(2000, 7, 1);
    young = run(&s, &p);
    s.birth_day = days(1980, 7, 1);
    old = run(&s, &p);
    assert_int_equal(young.filters, 0);
    assert_int_equal(old.filters, INCROCIO_F_APPRENTICESHIP);
    assert_memory_equal(young.component, old.component, sizeof young.component);
    assert_memory_equal(&young.km, &old.km, sizeof young.km);
    assert_int_equal(young.occupation_level, old.occupation_level);
    ASSERT_DBL(young.total, 1.0, 0.0);
    ASSERT_DBL(old.total, 0.0, 0.0);
}

/* ---- Distance (km) --------------------------------------------------------- */

static void test_km(void **state)
{
    (void)state;
    static const struct {
        double slat, slon, plat, plon, km;
    } rows[] = {
        {NAPOLI_LAT, NAPOLI_LON, NAPOLI_LAT, NAPOLI_LON, 0.0},
        /* One degree of a great circle: 6371 · π / 180. */
        {40.0, 14.0, 41.0, 14.0, 6371.0 * M_PI / 180.0},
        {41.0, 14.0, 40.0, 14.0, 6371.0 * M_PI / 180.0},
        {0.0, 14.0, 0.0, 15.0, 6371.0 * M_PI / 180.0},
        {0.0, -0.5, 0.0, 0.5, 6371.0 * M_PI / 180.0},
        /* Antipodes: a reaches 1, asin(1) = π/2. */
        {0.0, 0.0, 0.0, 180.0, 6371.0 * M_PI},
        {90.0, 0.0, -90.0, 0.0, 6371.0 * M_PI},
        /* Antipodes where a rounds to 1 + 2^-52: still π · R, not NaN. */
        {69.51232454868148, 86.5812282599507, -69.51232454868148, -93.4187717400493, 6371.0 * M_PI},
        {-85.74577602624232, -40.83944228587086, 85.74577602624232, 139.16055771412914,
         6371.0 * M_PI},
        /* Rome–Milan and Napoli–Salerno, the same formula evaluated in Python. */
        {41.9028, 12.4964, 45.4642, 9.19, 476.88468435616545},
        {40.8518, 14.2681, 40.6824, 14.7681, 46.12887918330604},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();

        s.lat = rows[i].slat;
        s.lon = rows[i].slon;
        p.lat = rows[i].plat;
        p.lon = rows[i].plon;
        ROW_DBL(i, run(&s, &p).km, rows[i].km, KM_TOL);
    }
}

/* ---- Components ------------------------------------------------------------ */

static void test_occupation_levels(void **state)
{
    (void)state;
    static const struct {
        incrocio_occ occ;
        unsigned level;
        double component;
    } rows[] = {
        {0x52210, 5, 1.0}, {0x52219, 4, 0.8}, {0x52290, 3, 0.6}, {0x52910, 2, 0.3},
        {0x59210, 1, 0.0}, {0x62210, 0, 0.0}, /* equal below a difference counts for nothing */
        {0x00000, 0, 0.0}, {0x52211, 4, 0.8},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();

        s.n_occ = 1;
        s.n_desired = 1;
        s.occ[0] = rows[i].occ;
        struct incrocio_score r = run(&s, &p);
        ROW_INT(i, r.occupation_level, rows[i].level);
        ROW_DBL(i, r.component[INCROCIO_C_OCCUPATION], rows[i].component, 0.0);
    }
}

static void test_occupation_best_of_all_codes(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();

    /* Desired 2-level match, experience 3-level: the experience wins. */
    s.n_occ = 3;
    s.n_desired = 2;
    s.occ[0] = 0x62210;
    s.occ[1] = 0x52910;
    s.occ[2] = 0x52290;
    struct incrocio_score r = run(&s, &p);
    assert_int_equal(r.occupation_level, 3);
    ASSERT_DBL(r.component[INCROCIO_C_OCCUPATION], 0.6, 0.0);

    s.n_occ = 0;
    s.n_desired = 0;
    r = run(&s, &p);
    assert_int_equal(r.occupation_level, 0);
    ASSERT_DBL(r.component[INCROCIO_C_OCCUPATION], 0.0, 0.0);
}

static void test_skills_component(void **state)
{
    (void)state;
    static const struct {
        uint8_t n_have;
        uint32_t have[4];
        double want;
    } rows[] = {
        {2, {1, 3}, 5.0 / 6.0}, {1, {2}, 1.0 / 6.0}, {1, {3}, 3.0 / 6.0}, {3, {1, 2, 3}, 1.0},
        {4, {0, 1, 2, 3}, 1.0}, {0, {0}, 0.0},       {2, {0, 4}, 0.0},    {3, {2, 3, 9}, 4.0 / 6.0},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();

        p.n_skills = 3;
        p.skills[0] = (struct incrocio_position_skill){1, 0, 2};
        p.skills[1] = (struct incrocio_position_skill){2, 0, 1};
        p.skills[2] = (struct incrocio_position_skill){3, 0, 3};
        s.n_skills = rows[i].n_have;
        memcpy(s.skills, rows[i].have, sizeof rows[i].have);
        struct incrocio_score r = run(&s, &p);
        ROW_DBL(i, r.component[INCROCIO_C_SKILLS], rows[i].want, 0.0);
        ROW_INT(i, r.filters, 0);
    }

    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    p.n_skills = 0;
    ASSERT_DBL(run(&s, &p).component[INCROCIO_C_SKILLS], 1.0, 0.0);
    s.n_skills = 0;
    ASSERT_DBL(run(&s, &p).component[INCROCIO_C_SKILLS], 1.0, 0.0);
    /* Zero weights (never built by the index): nothing weighs, so full marks. */
    p.n_skills = 1;
    p.skills[0] = (struct incrocio_position_skill){7, 0, 0};
    ASSERT_DBL(run(&s, &p).component[INCROCIO_C_SKILLS], 1.0, 0.0);
}

static void test_experience_component(void **state)
{
    (void)state;
    static const struct {
        uint16_t min;
        uint8_t n_occ, n_desired;
        incrocio_occ occ[4];
        uint16_t months[4];
        double want;
    } rows[] = {
        {0, 0, 0, {0}, {0}, 1.0},                            /* nothing required */
        {12, 1, 0, {0x52210}, {6}, 0.5},                     /* 6 of 12 */
        {12, 2, 0, {0x52210, 0x52219}, {6, 6}, 1.0},         /* 4 shared levels count */
        {12, 1, 0, {0x52210}, {24}, 1.0},                    /* capped */
        {12, 1, 0, {0x52210}, {12}, 1.0},                    /* exactly */
        {12, 1, 0, {0x52210}, {4}, 4.0 / 12.0},              /* 1/3 */
        {12, 2, 0, {0x52290, 0x52210}, {36, 3}, 3.0 / 12.0}, /* 3 levels do not count */
        {12, 2, 1, {0x52210, 0x52210}, {60, 9}, 9.0 / 12.0}, /* desired codes have no months */
        {12, 1, 1, {0x52210}, {60}, 0.0},                    /* only a desired code */
        {12, 0, 0, {0}, {0}, 0.0},                           /* no history */
        {18, 3, 1, {0x52210, 0x52211, 0x52219}, {99, 5, 4}, 9.0 / 18.0},
        {65535, 2, 0, {0x52210, 0x52210}, {65535, 65535}, 1.0}, /* the sum does not wrap */
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();

        p.min_experience_months = rows[i].min;
        s.n_occ = rows[i].n_occ;
        s.n_desired = rows[i].n_desired;
        memset(s.occ, 0, sizeof s.occ);
        memset(s.exp_months, 0, sizeof s.exp_months);
        memcpy(s.occ, rows[i].occ, sizeof rows[i].occ);
        memcpy(s.exp_months, rows[i].months, sizeof rows[i].months);
        ROW_DBL(i, run(&s, &p).component[INCROCIO_C_EXPERIENCE], rows[i].want, 0.0);
    }
}

static void test_education_component(void **state)
{
    (void)state;
    static const struct {
        uint8_t eqf, min_eqf;
        double want;
    } rows[] = {
        {0, 0, 1.0}, {8, 0, 1.0}, {4, 4, 1.0}, {5, 4, 1.0}, {3, 4, 0.5},
        {2, 4, 0.0}, {0, 1, 0.5}, {0, 2, 0.0}, {7, 8, 0.5}, {8, 8, 1.0},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();

        s.eqf = rows[i].eqf;
        p.min_eqf = rows[i].min_eqf;
        /* The filter does not change the component. */
        for (uint8_t req = 0; req <= 1; req++) {
            p.eqf_required = req;
            struct incrocio_score r = run(&s, &p);
            ROW_DBL(i, r.component[INCROCIO_C_EDUCATION], rows[i].want, 0.0);
            ROW_INT(i, r.filters,
                    req && rows[i].eqf < rows[i].min_eqf ? (unsigned)INCROCIO_F_EDUCATION : 0u);
        }
    }
}

static void test_languages_component(void **state)
{
    (void)state;
    static const struct {
        uint8_t n;
        uint16_t have[3];
        double want;
    } rows[] = {
        {3, {LANG(EN, 4), LANG(FR, 6), LANG(DE, 2)}, 1.0},
        {2, {LANG(EN, 4), LANG(FR, 2)}, (1.0 + 0.5 + 0.0) / 3.0}, /* DE missing */
        {2, {LANG(EN, 6), LANG(DE, 2)}, (1.0 + 0.0 + 1.0) / 3.0}, /* FR missing */
        {3, {LANG(EN, 3), LANG(FR, 2), LANG(DE, 1)}, 1.5 / 3.0},  /* each one short */
        {3, {LANG(EN, 2), LANG(FR, 1), LANG(DE, 6)}, 1.0 / 3.0},  /* two short of EN, FR */
        {1, {LANG(ES, 6)}, 0.0},                                  /* none of them */
        {0, {0}, 0.0},
        {2, {LANG(FR, 3), LANG(EN, 4)}, (1.0 + 1.0 + 0.0) / 3.0}, /* order of seeker's list */
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();

        p.n_langs = 3;
        p.langs[0] = LANG(EN, 4);
        p.langs[1] = LANG(FR, 3);
        p.langs[2] = LANG(DE, 2);
        memset(p.langs_required, 0, sizeof p.langs_required);
        s.n_langs = rows[i].n;
        memcpy(s.langs, rows[i].have, sizeof rows[i].have);
        struct incrocio_score r = run(&s, &p);
        ROW_DBL(i, r.component[INCROCIO_C_LANGUAGES], rows[i].want, 0.0);
        ROW_INT(i, r.filters, 0);

        /* Marking languages required adds the filter, not a different value. */
        memset(p.langs_required, 1, 3);
        r = run(&s, &p);
        ROW_DBL(i, r.component[INCROCIO_C_LANGUAGES], rows[i].want, 0.0);
        ROW_INT(i, r.filters, rows[i].want == 1.0 ? 0u : (unsigned)INCROCIO_F_LANGUAGE);
    }

    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    p.n_langs = 0;
    ASSERT_DBL(run(&s, &p).component[INCROCIO_C_LANGUAGES], 1.0, 0.0);
    /* Listed twice (the index never does this): the better rank counts. */
    p.n_langs = 1;
    p.langs[0] = LANG(EN, 5);
    p.langs_required[0] = 1;
    s.n_langs = 3;
    s.langs[0] = LANG(EN, 2);
    s.langs[1] = LANG(EN, 5);
    s.langs[2] = LANG(EN, 4);
    struct incrocio_score d = run(&s, &p);
    ASSERT_DBL(d.component[INCROCIO_C_LANGUAGES], 1.0, 0.0);
    assert_int_equal(d.filters, 0);
    s = base_seeker();
    /* A minimum of 0 is met even by a missing language. */
    p.n_langs = 1;
    p.langs[0] = LANG(ES, 0);
    p.langs_required[0] = 1;
    struct incrocio_score r = run(&s, &p);
    ASSERT_DBL(r.component[INCROCIO_C_LANGUAGES], 1.0, 0.0);
    assert_int_equal(r.filters, 0);
}

static void test_distance_component(void **state)
{
    (void)state;
    static const struct {
        uint16_t travel, limit;
        uint8_t relocate;
        double km, want;
        unsigned filters;
    } rows[] = {
        /* Own 10 km, the position's 40: decays from 10 to 40. */
        {10, 40, 0, 5.0, 1.0, 0},
        {10, 40, 1, 25.0, 0.5, 0},
        {10, 40, 0, 25.0, 0.5, INCROCIO_F_DISTANCE},
        {10, 40, 1, 16.0, 0.8, 0},
        {10, 40, 1, 37.0, 0.1, 0},
        {10, 40, 1, 45.0, 0.0, INCROCIO_F_DISTANCE}, /* clamped at 0 */
        /* Own limit at least the position's: full within it, else nothing to decay over. */
        {40, 10, 0, 25.0, 1.0, INCROCIO_F_DISTANCE}, /* within its own radius */
        {30, 30, 1, 35.0, 0.0, INCROCIO_F_DISTANCE},
        {40, 10, 0, 5.0, 1.0, 0},
        /* No position limit: beyond the person's own, 0. */
        {10, 0, 1, 25.0, 0.0, 0},
        {10, 0, 0, 25.0, 0.0, INCROCIO_F_DISTANCE},
        {0, 0, 1, 0.0, 1.0, 0},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();

        s.max_travel_km = rows[i].travel;
        s.relocate = rows[i].relocate;
        p.max_distance_km = rows[i].limit;
        place_north(&s, &p, rows[i].km);
        struct incrocio_score r = run(&s, &p);
        ROW_DBL(i, r.km, rows[i].km, KM_TOL);
        ROW_DBL(i, r.component[INCROCIO_C_DISTANCE], rows[i].want, KM_TOL);
        ROW_INT(i, r.filters, rows[i].filters);
    }
}

static void test_contract_component(void **state)
{
    (void)state;
    static const struct {
        uint8_t mask, contract, s_wt, p_wt;
        double want;
    } rows[] = {
        {1u << 0, 0, INCROCIO_WT_FULL, INCROCIO_WT_FULL, 1.0},
        {0, 0, INCROCIO_WT_FULL, INCROCIO_WT_FULL, 0.5 * 0.5 + 0.5 * 1.0},
        {1u << 1, 0, INCROCIO_WT_FULL, INCROCIO_WT_FULL, 0.5},
        {1u << 2, 2, INCROCIO_WT_ANY, INCROCIO_WT_PART, 0.5 + 0.5 * 0.75},
        {0, 3, INCROCIO_WT_ANY, INCROCIO_WT_FULL, 0.5 * 0.5 + 0.5 * 0.75},
        {1u << 0, 0, INCROCIO_WT_PART, INCROCIO_WT_FULL, 0.5},
        {1u << 1, 0, INCROCIO_WT_PART, INCROCIO_WT_FULL, 0.0},
        {0, 0, INCROCIO_WT_FULL, INCROCIO_WT_PART, 0.25},
        {0xFF, 40, INCROCIO_WT_PART, INCROCIO_WT_PART, 0.5},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();

        s.contract_mask = rows[i].mask;
        s.working_time = rows[i].s_wt;
        p.contract = rows[i].contract;
        p.working_time = rows[i].p_wt;
        ROW_DBL(i, run(&s, &p).component[INCROCIO_C_CONTRACT], rows[i].want, 0.0);
    }
}

/* ---- Total ---------------------------------------------------------------- */

static void test_default_weights(void **state)
{
    (void)state;
    static const double want[INCROCIO_C_COUNT] = {30, 25, 15, 10, 8, 7, 5};
    double sum = 0.0;

    for (size_t i = 0; i < INCROCIO_C_COUNT; i++) {
        ROW_DBL(i, incrocio_default_weights.w[i], want[i], 0.0);
        sum += incrocio_default_weights.w[i];
    }
    ASSERT_DBL(sum, 100.0, 0.0);
}

/* A profile off on every component, then the total by hand. */
static void mixed(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->occ[0] = 0x52219; /* level 4: 0.8 */
    s->occ[1] = 0x52219;
    s->exp_months[1] = 6; /* 6 of 12: 0.5 */
    p->n_skills = 3;      /* 2 + 3 of 2 + 1 + 3: 5/6 */
    p->skills[0] = (struct incrocio_position_skill){10, 1, 2};
    p->skills[1] = (struct incrocio_position_skill){15, 0, 1};
    p->skills[2] = (struct incrocio_position_skill){20, 0, 3};
    s->eqf = 3; /* one below 4: 0.5 */
    p->eqf_required = 0;
    p->n_langs = 2; /* EN met, FR one short: 0.75 */
    p->langs[0] = LANG(EN, 4);
    p->langs[1] = LANG(FR, 6);
    s->langs[1] = LANG(FR, 5);
    p->langs_required[0] = 0;
    s->relocate = 1; /* own 10, position 40, at 25 km: 0.5 */
    s->max_travel_km = 10;
    p->max_distance_km = 40;
    place_north(s, p, 25.0);
    s->working_time = INCROCIO_WT_ANY; /* 0.5 · 1 + 0.5 · 0.75 */
}

static void test_total(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();

    mixed(&s, &p);
    struct incrocio_score r = run(&s, &p);
    const double c[INCROCIO_C_COUNT] = {0.8, 5.0 / 6.0, 0.5, 0.5, 0.75, 0.5, 0.875};
    assert_int_equal(r.filters, 0);
    for (size_t i = 0; i < INCROCIO_C_COUNT; i++)
        ROW_DBL(i, r.component[i], c[i], KM_TOL);
    ASSERT_DBL(r.total,
               (30 * 0.8 + 25 * 5.0 / 6.0 + 15 * 0.5 + 10 * 0.5 + 8 * 0.75 + 7 * 0.5 + 5 * 0.875) /
                   100.0,
               TOTAL_TOL);
    ASSERT_DBL(r.total, 0.71208333333333333, TOTAL_TOL);

    /* NULL means the default weights, bit for bit. */
    struct incrocio_score n;
    incrocio_score(&s, &p, NULL, TODAY, &n);
    assert_same_score(0, &n, &r);

    /* Other weights: the mean of the weighted components, not their sum. */
    struct incrocio_weights w = {{0, 0, 0, 0, 0, 2, 0}};
    incrocio_score(&s, &p, &w, TODAY, &n);
    ASSERT_DBL(n.total, 0.5, KM_TOL);
    w = (struct incrocio_weights){{1, 1, 1, 1, 1, 1, 1}};
    incrocio_score(&s, &p, &w, TODAY, &n);
    ASSERT_DBL(n.total, (0.8 + 5.0 / 6.0 + 0.5 + 0.5 + 0.75 + 0.5 + 0.875) / 7.0, TOTAL_TOL);

    /* All weights zero: no score rather than 0/0. */
    w = (struct incrocio_weights){{0, 0, 0, 0, 0, 0, 0}};
    incrocio_score(&s, &p, &w, TODAY, &n);
    ASSERT_DBL(n.total, 0.0, 0.0);
    ASSERT_DBL(n.component[INCROCIO_C_OCCUPATION], 0.8, 0.0);

    /* Filtered: 0 whatever the components. */
    no_consent(&s, &p);
    r = run(&s, &p);
    assert_int_equal(r.filters, INCROCIO_F_CONSENT);
    ASSERT_DBL(r.total, 0.0, 0.0);
    ASSERT_DBL(r.component[INCROCIO_C_SKILLS], 5.0 / 6.0, 0.0);
}

/* ---- Purity and robustness --------------------------------------------------- */

static void test_pure(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker(), s0;
    struct incrocio_position_rec p = base_position(), p0;
    struct incrocio_score a, b;

    mixed(&s, &p);
    s0 = s;
    p0 = p;
    memset(&a, 0xA5, sizeof a);
    memset(&b, 0x5A, sizeof b);
    incrocio_score(&s, &p, &incrocio_default_weights, TODAY, &a);
    incrocio_score(&s, &p, &incrocio_default_weights, TODAY, &b);
    assert_memory_equal(&s, &s0, sizeof s);
    assert_memory_equal(&p, &p0, sizeof p);
    /* Every field written, whatever was there before. */
    assert_same_score(0, &a, &b);
}

/* Counts beyond the arrays (a damaged record) are clamped: under the
 * sanitizers, any read past an array fails this test. */
static void test_counts_clamped(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();

    s.n_occ = 255;
    s.n_desired = 255;
    s.n_skills = 255;
    s.n_langs = 255;
    p.n_skills = 255;
    p.n_langs = 255;
    struct incrocio_score r = run(&s, &p);
    for (size_t i = 0; i < INCROCIO_C_COUNT; i++)
        assert_true(r.component[i] >= 0.0 && r.component[i] <= 1.0);
}

/* Deterministic pseudo-random records: every output stays in range and the
 * total is the weighted mean of the components as they are reported. */
static uint32_t next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void test_random_records_in_range(void **state)
{
    (void)state;
    uint32_t x = 2463534242u;

    for (size_t n = 0; n < 20000; n++) {
        struct incrocio_seeker_rec s;
        struct incrocio_position_rec p;

        memset(&s, 0, sizeof s);
        memset(&p, 0, sizeof p);
        s.did_eligible = next(&x) % 8 != 0;
        s.consent = next(&x) % 8 != 0;
        s.l68 = (uint8_t)(next(&x) % 3);
        s.eqf = (uint8_t)(next(&x) % 9);
        s.working_time = (uint8_t)(next(&x) % 3);
        s.shifts = next(&x) % 2;
        s.relocate = next(&x) % 4 == 0;
        s.contract_mask = (uint8_t)(next(&x) % 4 == 0 ? 0 : next(&x) % 64);
        s.licence_mask = (uint16_t)(next(&x) % 16);
        s.max_travel_km = (uint16_t)(next(&x) % 100);
        s.birth_day = (int32_t)(next(&x) % 20000);
        s.lat = 40.0 + (next(&x) % 10000) / 5000.0;
        s.lon = 14.0 + (next(&x) % 10000) / 5000.0;
        s.n_occ = (uint8_t)(next(&x) % (INCROCIO_MAX_CODES + 1));
        s.n_desired = (uint8_t)(s.n_occ ? next(&x) % (s.n_occ + 1u) : 0);
        for (unsigned i = 0; i < s.n_occ; i++) {
            s.occ[i] = 0x50000 | (next(&x) % 4) << 12 | (next(&x) % 3) << 8 | (next(&x) % 3) << 4 |
                       (next(&x) % 2);
            s.exp_months[i] = (uint16_t)(next(&x) % 60);
        }
        for (uint32_t id = 1; id <= 40 && s.n_skills < INCROCIO_MAX_SKILLS; id++)
            if (next(&x) % 3 == 0)
                s.skills[s.n_skills++] = id;
        for (uint16_t id = 1; id <= 6; id++)
            if (next(&x) % 2 == 0)
                s.langs[s.n_langs++] = LANG(id, 1 + next(&x) % 6);

        p.occupation = 0x52210;
        p.contract = (uint8_t)(next(&x) % 6);
        p.working_time = (uint8_t)(1 + next(&x) % 2);
        p.shifts = next(&x) % 3 == 0;
        p.l68_reserved = next(&x) % 10 == 0;
        p.apprenticeship = next(&x) % 10 == 0;
        p.min_eqf = (uint8_t)(next(&x) % 9);
        p.eqf_required = next(&x) % 2;
        p.licence_mask = (uint16_t)(next(&x) % 4 == 0 ? next(&x) % 16 : 0);
        p.min_experience_months = (uint16_t)(next(&x) % 2 ? next(&x) % 48 : 0);
        p.max_distance_km = (uint16_t)(next(&x) % 150);
        p.lat = 40.0 + (next(&x) % 10000) / 5000.0;
        p.lon = 14.0 + (next(&x) % 10000) / 5000.0;
        for (uint32_t id = 1; id <= 40 && p.n_skills < 12; id++)
            if (next(&x) % 5 == 0)
                p.skills[p.n_skills++] = (struct incrocio_position_skill){
                    id, (uint8_t)(next(&x) % 4 == 0), (uint8_t)(1 + next(&x) % 5)};
        for (uint16_t id = 1; id <= 6; id++)
            if (next(&x) % 3 == 0) {
                p.langs_required[p.n_langs] = next(&x) % 2;
                p.langs[p.n_langs++] = LANG(id, 1 + next(&x) % 6);
            }

        struct incrocio_score r;
        incrocio_score(&s, &p, &incrocio_default_weights, days(2026, 1, 15), &r);
        double num = 0.0;
        for (size_t i = 0; i < INCROCIO_C_COUNT; i++) {
            if (!(r.component[i] >= 0.0 && r.component[i] <= 1.0))
                fail_msg("record %zu: component %zu = %.17g", n, i, r.component[i]);
            num += incrocio_default_weights.w[i] * r.component[i];
        }
        ROW_INT(n, r.filters & ~0x7FFu, 0);
        assert_true(r.occupation_level <= 5);
        assert_true(r.km >= 0.0);
        if (r.filters)
            ROW_DBL(n, r.total, 0.0, 0.0);
        else
            ROW_DBL(n, r.total, num / 100.0, 0.0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_from_civil),
        cmocka_unit_test(test_base_fits),
        cmocka_unit_test(test_filters_one_at_a_time),
        cmocka_unit_test(test_every_filter_at_once),
        cmocka_unit_test(test_apprenticeship_age_boundaries),
        cmocka_unit_test(test_fairness_birth_day),
        cmocka_unit_test(test_birth_day_moves_only_apprenticeship),
        cmocka_unit_test(test_km),
        cmocka_unit_test(test_occupation_levels),
        cmocka_unit_test(test_occupation_best_of_all_codes),
        cmocka_unit_test(test_skills_component),
        cmocka_unit_test(test_experience_component),
        cmocka_unit_test(test_education_component),
        cmocka_unit_test(test_languages_component),
        cmocka_unit_test(test_distance_component),
        cmocka_unit_test(test_contract_component),
        cmocka_unit_test(test_default_weights),
        cmocka_unit_test(test_total),
        cmocka_unit_test(test_pure),
        cmocka_unit_test(test_counts_clamped),
        cmocka_unit_test(test_random_records_in_range),
    };
    return cmocka_run_group_tests_name("score", tests, NULL, NULL);
}
