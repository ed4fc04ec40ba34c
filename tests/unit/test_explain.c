/* The explanation of a score (src/match/explain.c): the seven components in
 * order with value, weight and the exact evidence members, each hard filter
 * tripped alone with its code and detail, several at once in filter order,
 * the "filters" member only when asked for, and the two small helpers. Every
 * expected value is worked out by hand from the records; every JSON value is
 * freed (the CI build runs under ASan). */
#include <math.h>

#include "unit.h"

#include "incrocio/codes.h"
#include "incrocio/match_explain.h"
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

#define KM_TOL 1e-9

/* Hinnant's days_from_civil (as in test_score.c), to write dates as dates. */
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
#define SALERNO_LAT 40.6824
#define SALERNO_LON 14.7681

/* Real ISO 639-1 indices this time: the explanation prints the codes
 * (test_language_indices pins them to incrocio_iso639_1). */
#define LANG(id, rank) ((uint16_t)((id) << 4 | (rank)))
enum { DE = 31, EN = 36, ES = 38, FR = 46, IT = 71 };

/* Licence bits (codes.h order). */
enum { LIC_AM = 1u << 0, LIC_A1 = 1u << 1, LIC_B = 1u << 5, LIC_C = 1u << 9, LIC_CQC = 1u << 15 };

/* A seeker and a position that fit on every count (as in test_score.c): no
 * filter, every component 1.0, both at the same point. */
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
    s.licence_mask = LIC_AM | LIC_A1;
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
    p.licence_mask = LIC_AM;
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

/* Puts the seeker km kilometres north of the position, on its meridian. */
static void place_north(struct incrocio_seeker_rec *s, const struct incrocio_position_rec *p,
                        double km)
{
    s->lat = p->lat + km / 6371.0 * (180.0 / M_PI);
    s->lon = p->lon;
}

/* The index's dictionary, in small: ctx is a prefix, the code is prefix +
 * id. Checking ctx also checks that it is passed through untouched. */
static const char SHORT_PREFIX[] = "s";
static const char LONG_PREFIX[] = "a-rather-long-esco-skill-code-number-";

static const char *skill_code(const void *ctx, uint32_t id)
{
    static char buf[96];

    assert_true(ctx == SHORT_PREFIX || ctx == LONG_PREFIX);
    snprintf(buf, sizeof buf, "%s%u", (const char *)ctx, (unsigned)id);
    return buf;
}

/* Scores, then explains; the score is handed back for the checks. */
static json_t *explain_w(const struct incrocio_seeker_rec *s, const struct incrocio_position_rec *p,
                         const struct incrocio_weights *w, int with_filters,
                         struct incrocio_score *score)
{
    struct incrocio_score local;
    struct incrocio_score *r = score ? score : &local;

    incrocio_score(s, p, w, TODAY, r);
    json_t *j =
        incrocio_match_explain_new(s, p, r, w, TODAY, skill_code, SHORT_PREFIX, with_filters);
    assert_non_null(j);
    return j;
}

static json_t *explain(const struct incrocio_seeker_rec *s, const struct incrocio_position_rec *p,
                       int with_filters, struct incrocio_score *score)
{
    return explain_w(s, p, &incrocio_default_weights, with_filters, score);
}

static const char *const names[INCROCIO_C_COUNT] = {
    "occupation", "skills", "experience", "education", "languages", "distance", "contract"};

/* The shape every explanation has: 7 components in order, each exactly
 * {name, value, weight, evidence}, value and weight bit for bit those of the
 * score and the weights. */
static void check_components(size_t row, const json_t *j, const struct incrocio_score *r,
                             const struct incrocio_weights *w)
{
    const json_t *list = json_object_get(j, "components");

    if (!json_is_array(list))
        fail_msg("row %zu: components is not an array", row);
    ROW_INT(row, json_array_size(list), INCROCIO_C_COUNT);
    for (size_t i = 0; i < INCROCIO_C_COUNT; i++) {
        const json_t *c = json_array_get(list, i);
        const json_t *value = json_object_get(c, "value");
        const json_t *weight = json_object_get(c, "weight");

        ROW_INT(row * 10 + i, json_object_size(c), 4);
        ROW_STR(row * 10 + i, json_string_value(json_object_get(c, "name")), names[i]);
        if (!json_is_real(value) || !json_is_real(weight))
            fail_msg("row %zu component %zu: value and weight must be reals", row, i);
        if (json_real_value(value) != r->component[i])
            fail_msg("row %zu component %zu: value %.17g, score %.17g", row, i,
                     json_real_value(value), r->component[i]);
        if (json_real_value(weight) != w->w[i])
            fail_msg("row %zu component %zu: weight %.17g, want %.17g", row, i,
                     json_real_value(weight), w->w[i]);
        if (!json_is_object(json_object_get(c, "evidence")))
            fail_msg("row %zu component %zu: evidence is not an object", row, i);
    }
}

static const json_t *evidence(const json_t *j, enum incrocio_component c)
{
    return json_object_get(json_array_get(json_object_get(j, "components"), c), "evidence");
}

/* Compares one component's evidence with JSON text, exactly (json_equal tells
 * integers from reals, so "km": 12.0 must be a real). */
static void check_evidence(size_t row, const json_t *j, enum incrocio_component c,
                           const char *want_text)
{
    json_t *want = load(want_text);

    assert_json_equal(row, evidence(j, c), want);
    json_decref(want);
}

/* ---- Helpers -------------------------------------------------------------- */

static void test_language_indices(void **state)
{
    (void)state;
    assert_string_equal(incrocio_iso639_1[DE], "de");
    assert_string_equal(incrocio_iso639_1[EN], "en");
    assert_string_equal(incrocio_iso639_1[ES], "es");
    assert_string_equal(incrocio_iso639_1[FR], "fr");
    assert_string_equal(incrocio_iso639_1[IT], "it");
    assert_string_equal(incrocio_licences[5], "B");
    assert_string_equal(incrocio_licences[9], "C");
    assert_string_equal(incrocio_licences[15], "CQC");
}

static void test_occ_format(void **state)
{
    (void)state;
    static const struct {
        incrocio_occ occ;
        const char *want;
    } rows[] = {
        {0x52210, "5.2.2.1.0"}, {0x12345, "1.2.3.4.5"}, {0x98765, "9.8.7.6.5"},
        {0x00000, "0.0.0.0.0"}, {0x10000, "1.0.0.0.0"}, {0x52219, "5.2.2.1.9"},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char out[10];

        memset(out, 'x', sizeof out);
        incrocio_occ_format(rows[i].occ, out);
        ROW_INT(i, out[9], '\0');
        ROW_STR(i, out, rows[i].want);
    }
}

static void test_component_name(void **state)
{
    (void)state;
    for (int i = 0; i < INCROCIO_C_COUNT; i++)
        ROW_STR((size_t)i, incrocio_component_name((enum incrocio_component)i), names[i]);
    assert_string_equal(incrocio_component_name(INCROCIO_C_OCCUPATION), "occupation");
    assert_string_equal(incrocio_component_name(INCROCIO_C_CONTRACT), "contract");
    /* Out of range: an empty name, not a read past the table. */
    assert_string_equal(incrocio_component_name(INCROCIO_C_COUNT), "");
    assert_string_equal(incrocio_component_name((enum incrocio_component)99), "");
}

/* ---- Components ------------------------------------------------------------ */

static void test_base_components(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score r;
    json_t *j = explain(&s, &p, 0, &r);

    assert_int_equal(r.filters, 0);
    /* Without filters, components is the only member. */
    assert_int_equal(json_object_size(j), 1);
    assert_null(json_object_get(j, "filters"));
    check_components(0, j, &r, &incrocio_default_weights);
    for (size_t i = 0; i < INCROCIO_C_COUNT; i++)
        ROW_DBL(i, r.component[i], 1.0, 0.0);

    check_evidence(0, j, INCROCIO_C_OCCUPATION,
                   "{\"level\": 5, \"position_code\": \"5.2.2.1.0\","
                   " \"matched_code\": \"5.2.2.1.0\"}");
    check_evidence(1, j, INCROCIO_C_SKILLS, "{\"matched\": [\"s10\", \"s20\"], \"missing\": []}");
    /* Only the experience entry counts: the desired code has no months. */
    check_evidence(2, j, INCROCIO_C_EXPERIENCE,
                   "{\"relevant_months\": 24, \"required_months\": 12}");
    check_evidence(3, j, INCROCIO_C_EDUCATION,
                   "{\"eqf_level\": 6, \"min_eqf\": 4, \"required\": true}");
    check_evidence(4, j, INCROCIO_C_LANGUAGES, "{\"matched\": [\"en\"], \"missing\": []}");
    check_evidence(5, j, INCROCIO_C_DISTANCE,
                   "{\"km\": 0.0, \"max_travel_km\": 30, \"relocate\": false,"
                   " \"max_distance_km\": 50}");
    check_evidence(6, j, INCROCIO_C_CONTRACT,
                   "{\"contract_type\": \"indeterminato\", \"contract_accepted\": true,"
                   " \"working_time\": \"full_time\", \"seeker_working_time\": \"full_time\","
                   " \"shifts\": true, \"seeker_accepts_shifts\": true}");
    json_decref(j);
}

/* test_score.c's profile that is off on every component, under weights of
 * its own. */
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

static void test_mixed_components(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    const struct incrocio_weights w = {{1, 2, 3, 4, 5, 6, 7.5}};
    const double c[INCROCIO_C_COUNT] = {0.8, 5.0 / 6.0, 0.5, 0.5, 0.75, 0.5, 0.875};
    struct incrocio_score r;

    mixed(&s, &p);
    json_t *j = explain_w(&s, &p, &w, 1, &r);
    assert_int_equal(r.filters, 0);
    check_components(0, j, &r, &w);
    for (size_t i = 0; i < INCROCIO_C_COUNT; i++)
        ROW_DBL(i,
                json_real_value(
                    json_object_get(json_array_get(json_object_get(j, "components"), i), "value")),
                c[i], KM_TOL);
    assert_int_equal(json_array_size(json_object_get(j, "filters")), 0);

    check_evidence(0, j, INCROCIO_C_OCCUPATION,
                   "{\"level\": 4, \"position_code\": \"5.2.2.1.0\","
                   " \"matched_code\": \"5.2.2.1.9\"}");
    check_evidence(1, j, INCROCIO_C_SKILLS,
                   "{\"matched\": [\"s10\", \"s20\"], \"missing\": [\"s15\"]}");
    check_evidence(2, j, INCROCIO_C_EXPERIENCE,
                   "{\"relevant_months\": 6, \"required_months\": 12}");
    check_evidence(3, j, INCROCIO_C_EDUCATION,
                   "{\"eqf_level\": 3, \"min_eqf\": 4, \"required\": false}");
    check_evidence(4, j, INCROCIO_C_LANGUAGES, "{\"matched\": [\"en\"], \"missing\": [\"fr\"]}");
    check_evidence(5, j, INCROCIO_C_DISTANCE,
                   "{\"km\": 25.0, \"max_travel_km\": 10, \"relocate\": true,"
                   " \"max_distance_km\": 40}");
    check_evidence(6, j, INCROCIO_C_CONTRACT,
                   "{\"contract_type\": \"indeterminato\", \"contract_accepted\": true,"
                   " \"working_time\": \"full_time\", \"seeker_working_time\": \"any\","
                   " \"shifts\": true, \"seeker_accepts_shifts\": true}");
    json_decref(j);

    /* NULL weights: the default ones, in the explanation as in the score. */
    incrocio_score(&s, &p, NULL, TODAY, &r);
    j = incrocio_match_explain_new(&s, &p, &r, NULL, TODAY, skill_code, SHORT_PREFIX, 0);
    assert_non_null(j);
    check_components(1, j, &r, &incrocio_default_weights);
    json_decref(j);
}

static void test_occupation_evidence(void **state)
{
    (void)state;
    static const struct {
        incrocio_occ position;
        uint8_t n_occ, n_desired;
        incrocio_occ occ[4];
        const char *want;
    } rows[] = {
        /* The first code reaching the level, desired or experience alike. */
        {0x52210,
         3,
         1,
         {0x62210, 0x52291, 0x52290},
         "{\"level\": 3, \"position_code\": \"5.2.2.1.0\", \"matched_code\": \"5.2.2.9.1\"}"},
        {0x52210,
         2,
         1,
         {0x52910, 0x52290},
         "{\"level\": 3, \"position_code\": \"5.2.2.1.0\", \"matched_code\": \"5.2.2.9.0\"}"},
        /* A later, deeper code wins over an earlier, shallower one. */
        {0x52210,
         3,
         3,
         {0x52910, 0x52211, 0x52210},
         "{\"level\": 5, \"position_code\": \"5.2.2.1.0\", \"matched_code\": \"5.2.2.1.0\"}"},
        {0x52210,
         2,
         2,
         {0x52910, 0x59999},
         "{\"level\": 2, \"position_code\": \"5.2.2.1.0\", \"matched_code\": \"5.2.9.1.0\"}"},
        /* Level 1 scores nothing but is still shown. */
        {0x52210,
         1,
         1,
         {0x59210},
         "{\"level\": 1, \"position_code\": \"5.2.2.1.0\", \"matched_code\": \"5.9.2.1.0\"}"},
        /* Level 0: no code is shown. */
        {0x52210,
         1,
         1,
         {0x62210},
         "{\"level\": 0, \"position_code\": \"5.2.2.1.0\", \"matched_code\": null}"},
        {0x31415,
         0,
         0,
         {0},
         "{\"level\": 0, \"position_code\": \"3.1.4.1.5\", \"matched_code\": null}"},
        /* A position without an occupation (0): no code either. */
        {0x00000,
         1,
         1,
         {0x52210},
         "{\"level\": 0, \"position_code\": null, \"matched_code\": null}"},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();
        struct incrocio_score r;

        p.occupation = rows[i].position;
        s.n_occ = rows[i].n_occ;
        s.n_desired = rows[i].n_desired;
        memset(s.occ, 0, sizeof s.occ);
        memcpy(s.occ, rows[i].occ, sizeof rows[i].occ);
        json_t *j = explain(&s, &p, 0, &r);
        check_components(i, j, &r, &incrocio_default_weights);
        check_evidence(i, j, INCROCIO_C_OCCUPATION, rows[i].want);
        json_decref(j);
    }
}

static void test_skills_evidence(void **state)
{
    (void)state;
    static const struct {
        uint8_t n_have;
        uint32_t have[4];
        const char *want;
    } rows[] = {
        {3, {5, 20, 30}, "{\"matched\": [\"s5\", \"s20\"], \"missing\": [\"s15\", \"s40\"]}"},
        {0, {0}, "{\"matched\": [], \"missing\": [\"s5\", \"s15\", \"s20\", \"s40\"]}"},
        {4, {5, 15, 20, 40}, "{\"matched\": [\"s5\", \"s15\", \"s20\", \"s40\"], \"missing\": []}"},
        {2, {15, 99}, "{\"matched\": [\"s15\"], \"missing\": [\"s5\", \"s20\", \"s40\"]}"},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();
        struct incrocio_score r;

        /* No must-have, so that no filter is in the way. */
        p.n_skills = 4;
        p.skills[0] = (struct incrocio_position_skill){5, 0, 1};
        p.skills[1] = (struct incrocio_position_skill){15, 0, 2};
        p.skills[2] = (struct incrocio_position_skill){20, 0, 3};
        p.skills[3] = (struct incrocio_position_skill){40, 0, 4};
        s.n_skills = rows[i].n_have;
        memcpy(s.skills, rows[i].have, sizeof rows[i].have);
        json_t *j = explain(&s, &p, 0, &r);
        check_components(i, j, &r, &incrocio_default_weights);
        check_evidence(i, j, INCROCIO_C_SKILLS, rows[i].want);
        json_decref(j);
    }

    /* A position without skills: both lists empty. */
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score r;
    p.n_skills = 0;
    json_t *j = explain(&s, &p, 0, &r);
    ASSERT_DBL(r.component[INCROCIO_C_SKILLS], 1.0, 0.0);
    check_evidence(0, j, INCROCIO_C_SKILLS, "{\"matched\": [], \"missing\": []}");
    json_decref(j);
}

static void test_experience_evidence(void **state)
{
    (void)state;
    static const struct {
        uint16_t min;
        uint8_t n_occ, n_desired;
        incrocio_occ occ[4];
        uint16_t months[4];
        unsigned relevant;
    } rows[] = {
        /* Desired code's months ignored, 3 shared levels do not count. */
        {18, 4, 1, {0x52210, 0x52211, 0x52219, 0x52290}, {60, 5, 4, 36}, 9},
        {12, 2, 0, {0x52210, 0x52219}, {6, 6}, 12},
        {12, 1, 1, {0x52210}, {60}, 0},
        {12, 0, 0, {0}, {0}, 0},
        /* Nothing required: the months are still shown. */
        {0, 2, 1, {0x52210, 0x52210}, {0, 7}, 7},
        /* Beyond 16 bits: the sum does not wrap. */
        {65535, 2, 0, {0x52210, 0x52210}, {65535, 65535}, 131070},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();
        struct incrocio_score r;
        char want[128];

        p.min_experience_months = rows[i].min;
        s.n_occ = rows[i].n_occ;
        s.n_desired = rows[i].n_desired;
        memset(s.occ, 0, sizeof s.occ);
        memset(s.exp_months, 0, sizeof s.exp_months);
        memcpy(s.occ, rows[i].occ, sizeof rows[i].occ);
        memcpy(s.exp_months, rows[i].months, sizeof rows[i].months);
        json_t *j = explain(&s, &p, 0, &r);
        check_components(i, j, &r, &incrocio_default_weights);
        snprintf(want, sizeof want, "{\"relevant_months\": %u, \"required_months\": %u}",
                 rows[i].relevant, (unsigned)rows[i].min);
        check_evidence(i, j, INCROCIO_C_EXPERIENCE, want);
        json_decref(j);
    }
}

static void test_education_evidence(void **state)
{
    (void)state;
    static const struct {
        uint8_t eqf, min_eqf, required;
        const char *want;
    } rows[] = {
        {6, 4, 1, "{\"eqf_level\": 6, \"min_eqf\": 4, \"required\": true}"},
        {3, 4, 0, "{\"eqf_level\": 3, \"min_eqf\": 4, \"required\": false}"},
        {0, 8, 0, "{\"eqf_level\": 0, \"min_eqf\": 8, \"required\": false}"},
        /* No minimum: null, whatever the flag. */
        {5, 0, 0, "{\"eqf_level\": 5, \"min_eqf\": null, \"required\": false}"},
        {0, 0, 1, "{\"eqf_level\": 0, \"min_eqf\": null, \"required\": true}"},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();
        struct incrocio_score r;

        s.eqf = rows[i].eqf;
        p.min_eqf = rows[i].min_eqf;
        p.eqf_required = rows[i].required;
        json_t *j = explain(&s, &p, 0, &r);
        check_components(i, j, &r, &incrocio_default_weights);
        check_evidence(i, j, INCROCIO_C_EDUCATION, rows[i].want);
        json_decref(j);
    }
}

static void test_languages_evidence(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score r;

    /* In position order; required or not makes no difference here. */
    p.n_langs = 5;
    p.langs[0] = LANG(EN, 4); /* has 4: matched */
    p.langs[1] = LANG(DE, 2); /* missing */
    p.langs[2] = LANG(FR, 3); /* has 6: matched */
    p.langs[3] = LANG(IT, 1); /* missing: one short, half credit, still missing */
    p.langs[4] = LANG(ES, 5); /* has 4: one short */
    memset(p.langs_required, 0, sizeof p.langs_required);
    s.n_langs = 3;
    s.langs[0] = LANG(EN, 4);
    s.langs[1] = LANG(FR, 6);
    s.langs[2] = LANG(ES, 4);
    json_t *j = explain(&s, &p, 1, &r);
    check_components(0, j, &r, &incrocio_default_weights);
    ASSERT_DBL(r.component[INCROCIO_C_LANGUAGES], (1.0 + 0.0 + 1.0 + 0.5 + 0.5) / 5.0, 0.0);
    check_evidence(0, j, INCROCIO_C_LANGUAGES,
                   "{\"matched\": [\"en\", \"fr\"], \"missing\": [\"de\", \"it\", \"es\"]}");
    assert_int_equal(json_array_size(json_object_get(j, "filters")), 0);
    json_decref(j);

    /* Listed twice by the seeker: the better rank counts. An id past the
     * list is shown as "?"; a minimum of 0 is met by a missing language. */
    s = base_seeker();
    p = base_position();
    p.n_langs = 3;
    p.langs[0] = LANG(EN, 5);
    p.langs[1] = LANG(1000, 1);
    p.langs[2] = LANG(DE, 0);
    memset(p.langs_required, 0, sizeof p.langs_required);
    s.n_langs = 3;
    s.langs[0] = LANG(EN, 2);
    s.langs[1] = LANG(EN, 5);
    s.langs[2] = LANG(EN, 4);
    j = explain(&s, &p, 0, &r);
    check_evidence(1, j, INCROCIO_C_LANGUAGES,
                   "{\"matched\": [\"en\", \"de\"], \"missing\": [\"?\"]}");
    json_decref(j);

    /* None asked for. */
    p.n_langs = 0;
    j = explain(&s, &p, 0, &r);
    check_evidence(2, j, INCROCIO_C_LANGUAGES, "{\"matched\": [], \"missing\": []}");
    json_decref(j);
}

static void test_distance_evidence(void **state)
{
    (void)state;
    static const struct {
        uint16_t travel, limit;
        uint8_t relocate;
        double km;
        const char *want;
    } rows[] = {
        {10, 50, 0, 12.0,
         "{\"km\": 12.0, \"max_travel_km\": 10, \"relocate\": false, \"max_distance_km\": 50}"},
        {10, 40, 1, 25.0,
         "{\"km\": 25.0, \"max_travel_km\": 10, \"relocate\": true, \"max_distance_km\": 40}"},
        /* No limit of the position's own: null. */
        {30, 0, 1, 900.0,
         "{\"km\": 900.0, \"max_travel_km\": 30, \"relocate\": true, \"max_distance_km\": null}"},
        {0, 0, 0, 0.0,
         "{\"km\": 0.0, \"max_travel_km\": 0, \"relocate\": false, \"max_distance_km\": null}"},
        /* Rounded to metres, both ways. */
        {30, 50, 0, 1.23449,
         "{\"km\": 1.234, \"max_travel_km\": 30, \"relocate\": false, \"max_distance_km\": 50}"},
        {30, 50, 0, 1.23451,
         "{\"km\": 1.235, \"max_travel_km\": 30, \"relocate\": false, \"max_distance_km\": 50}"},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();
        struct incrocio_score r;

        s.max_travel_km = rows[i].travel;
        s.relocate = rows[i].relocate;
        p.max_distance_km = rows[i].limit;
        place_north(&s, &p, rows[i].km);
        json_t *j = explain(&s, &p, 0, &r);
        ROW_DBL(i, r.km, rows[i].km, KM_TOL);
        check_components(i, j, &r, &incrocio_default_weights);
        check_evidence(i, j, INCROCIO_C_DISTANCE, rows[i].want);
        json_decref(j);
    }

    /* Napoli–Salerno, 46.12887918330604 km (test_score.c): 46.129. */
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score r;
    p.lat = SALERNO_LAT;
    p.lon = SALERNO_LON;
    json_t *j = explain(&s, &p, 0, &r);
    ASSERT_DBL(r.km, 46.12887918330604, KM_TOL);
    check_evidence(0, j, INCROCIO_C_DISTANCE,
                   "{\"km\": 46.129, \"max_travel_km\": 30, \"relocate\": false,"
                   " \"max_distance_km\": 50}");
    json_decref(j);
}

static void test_contract_evidence(void **state)
{
    (void)state;
    static const struct {
        uint8_t mask, contract, s_wt, p_wt, s_shifts, p_shifts;
        const char *want;
    } rows[] = {
        {1u << 0, 0, INCROCIO_WT_FULL, INCROCIO_WT_FULL, 1, 1,
         "{\"contract_type\": \"indeterminato\", \"contract_accepted\": true, \"working_time\": "
         "\"full_time\", \"seeker_working_time\": \"full_time\", \"shifts\": true, "
         "\"seeker_accepts_shifts\": true}"},
        /* 0 accepts any. */
        {0, 3, INCROCIO_WT_ANY, INCROCIO_WT_PART, 0, 0,
         "{\"contract_type\": \"tirocinio\", \"contract_accepted\": true, \"working_time\": "
         "\"part_time\", \"seeker_working_time\": \"any\", \"shifts\": false, "
         "\"seeker_accepts_shifts\": false}"},
        {1u << 1 | 1u << 4, 0, INCROCIO_WT_PART, INCROCIO_WT_FULL, 0, 1,
         "{\"contract_type\": \"indeterminato\", \"contract_accepted\": false, \"working_time\": "
         "\"full_time\", \"seeker_working_time\": \"part_time\", \"shifts\": true, "
         "\"seeker_accepts_shifts\": false}"},
        {1u << 2 | 1u << 5, 5, INCROCIO_WT_FULL, INCROCIO_WT_PART, 1, 0,
         "{\"contract_type\": \"intermittente\", \"contract_accepted\": true, \"working_time\": "
         "\"part_time\", \"seeker_working_time\": \"full_time\", \"shifts\": false, "
         "\"seeker_accepts_shifts\": true}"},
        {1u << 4, 4, INCROCIO_WT_FULL, INCROCIO_WT_FULL, 1, 1,
         "{\"contract_type\": \"somministrazione\", \"contract_accepted\": true, \"working_time\": "
         "\"full_time\", \"seeker_working_time\": \"full_time\", \"shifts\": true, "
         "\"seeker_accepts_shifts\": true}"},
        /* An index past the names: null, and past the mask's bits: not accepted. */
        {0xFF, 32, INCROCIO_WT_FULL, INCROCIO_WT_FULL, 1, 1,
         "{\"contract_type\": null, \"contract_accepted\": false, \"working_time\": "
         "\"full_time\", \"seeker_working_time\": \"full_time\", \"shifts\": true, "
         "\"seeker_accepts_shifts\": true}"},
        {0, 40, INCROCIO_WT_FULL, INCROCIO_WT_FULL, 1, 1,
         "{\"contract_type\": null, \"contract_accepted\": true, \"working_time\": "
         "\"full_time\", \"seeker_working_time\": \"full_time\", \"shifts\": true, "
         "\"seeker_accepts_shifts\": true}"},
    };

    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();
        struct incrocio_score r;

        s.contract_mask = rows[i].mask;
        s.working_time = rows[i].s_wt;
        s.shifts = rows[i].s_shifts;
        p.contract = rows[i].contract;
        p.working_time = rows[i].p_wt;
        p.shifts = rows[i].p_shifts;
        json_t *j = explain(&s, &p, 0, &r);
        check_components(i, j, &r, &incrocio_default_weights);
        check_evidence(i, j, INCROCIO_C_CONTRACT, rows[i].want);
        json_decref(j);
    }
}

/* Filtered or not, the components are the same: only "filters" is added. */
static void test_filters_do_not_change_components(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_seeker_rec s0;
    struct incrocio_position_rec p0;

    mixed(&s, &p);
    s.consent = 0;
    s0 = s;
    p0 = p;
    json_t *a = explain(&s, &p, 0, NULL);
    json_t *b = explain(&s, &p, 1, NULL);
    assert_int_equal(json_object_size(a), 1);
    assert_int_equal(json_object_size(b), 2);
    assert_json_equal(0, json_object_get(a, "components"), json_object_get(b, "components"));
    assert_int_equal(json_array_size(json_object_get(b, "filters")), 1);
    /* Pure: the records are read, not written. */
    assert_memory_equal(&s, &s0, sizeof s);
    assert_memory_equal(&p, &p0, sizeof p);
    json_decref(a);
    json_decref(b);
}

/* ---- Filters --------------------------------------------------------------- */

typedef void (*mutate_fn)(struct incrocio_seeker_rec *, struct incrocio_position_rec *);

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
    p->licence_mask = LIC_AM | LIC_B;
}
static void licences_missing(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)s;
    p->licence_mask = LIC_AM | LIC_A1 | LIC_B | LIC_C | LIC_CQC;
}
static void must_have_missing(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)s;
    p->skills[1] = (struct incrocio_position_skill){25, 1, 2};
}
/* Two must-haves missing and a nice-to-have missing, which is not listed. */
static void must_haves_missing(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)s;
    p->n_skills = 4;
    p->skills[0] = (struct incrocio_position_skill){5, 1, 3};
    p->skills[1] = (struct incrocio_position_skill){10, 1, 3};
    p->skills[2] = (struct incrocio_position_skill){15, 0, 1};
    p->skills[3] = (struct incrocio_position_skill){25, 1, 2};
}
static void eqf_below_required(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->eqf = 3;
}
static void eqf_none(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->eqf = 0;
    p->min_eqf = 7;
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
/* Two short of a required level, one short of a level not required (not
 * listed). */
static void langs_below_required(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->langs[0] = LANG(EN, 2);
    p->n_langs = 3;
    p->langs[1] = LANG(DE, 5);
    p->langs_required[1] = 0;
    p->langs[2] = LANG(ES, 6);
    p->langs_required[2] = 1;
}
static void beyond_position_limit(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->relocate = 1;
    place_north(s, p, 60.0);
}
/* Beyond both: the position's limit is named. */
static void beyond_both_limits(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    place_north(s, p, 60.0);
}
static void beyond_own_limit(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->max_travel_km = 10;
    place_north(s, p, 12.0);
}
static void beyond_own_limit_salerno(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)s;
    p->max_distance_km = 0;
    p->lat = SALERNO_LAT;
    p->lon = SALERNO_LON;
}
static void contract_refused(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->contract_mask = 1u << 1 | 1u << 4;
    p->contract = 0;
}
static void apprenticeship_refused(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->contract_mask = 1u << 0 | 1u << 1;
    p->contract = 2;
}
static void contract_index_beyond_mask(struct incrocio_seeker_rec *s,
                                       struct incrocio_position_rec *p)
{
    s->contract_mask = 0xFF;
    p->contract = 32;
}
static void part_time_only(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->working_time = INCROCIO_WT_PART;
}
static void full_time_only(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    s->working_time = INCROCIO_WT_FULL;
    p->working_time = INCROCIO_WT_PART;
}
static void no_shifts(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->shifts = 0;
}
/* Both reasons: the working time is named. */
static void part_time_no_shifts(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    (void)p;
    s->working_time = INCROCIO_WT_PART;
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
static void apprentice_too_young(struct incrocio_seeker_rec *s, struct incrocio_position_rec *p)
{
    p->apprenticeship = 1;
    s->birth_day = days(2008, 1, 16); /* 18 tomorrow */
}

#define D_DID "the DID is not in an eligible state (inserita or convalidata)"
#define D_CONSENT "the person has not allowed their profile to be used for matching"
#define D_SHIFTS "the position works in shifts and the person does not accept shifts"
#define D_L68 "the position is reserved to people enrolled under Law 68/1999 and the person is not"
#define D_APPRENTICESHIP                                                                     \
    "an apprenticeship needs the age of 18 to 29 on the reference day (D.Lgs 81/2015 arts. " \
    "43-45)"

static const struct {
    const char *name;
    mutate_fn mutate;
    unsigned filter;
    const char *code, *detail;
} filter_rows[] = {
    {"no DID", no_did, INCROCIO_F_DID, "did", D_DID},
    {"no consent", no_consent, INCROCIO_F_CONSENT, "consent", D_CONSENT},
    {"licence missing", licence_missing, INCROCIO_F_LICENCE, "licence",
     "required licences missing: B"},
    {"licences missing", licences_missing, INCROCIO_F_LICENCE, "licence",
     "required licences missing: B, C, CQC"},
    {"must-have missing", must_have_missing, INCROCIO_F_SKILL, "skill",
     "must-have skills missing: s25"},
    {"must-haves missing", must_haves_missing, INCROCIO_F_SKILL, "skill",
     "must-have skills missing: s5, s25"},
    {"EQF below required", eqf_below_required, INCROCIO_F_EDUCATION, "education",
     "EQF level 3 is below the required level 4"},
    {"no EQF", eqf_none, INCROCIO_F_EDUCATION, "education",
     "EQF level 0 is below the required level 7"},
    {"language below required", lang_below_required, INCROCIO_F_LANGUAGE, "language",
     "below the required level in: en B1 (has A2)"},
    {"required language missing", lang_missing_required, INCROCIO_F_LANGUAGE, "language",
     "below the required level in: de A1 (has none)"},
    {"languages below required", langs_below_required, INCROCIO_F_LANGUAGE, "language",
     "below the required level in: en B1 (has A2), es C2 (has none)"},
    {"beyond the position's limit", beyond_position_limit, INCROCIO_F_DISTANCE, "distance",
     "60.000 km is beyond the position's limit of 50 km"},
    {"beyond both limits", beyond_both_limits, INCROCIO_F_DISTANCE, "distance",
     "60.000 km is beyond the position's limit of 50 km"},
    {"beyond the person's limit", beyond_own_limit, INCROCIO_F_DISTANCE, "distance",
     "12.000 km is beyond the 10 km the person is willing to travel"},
    {"beyond the person's limit, Salerno", beyond_own_limit_salerno, INCROCIO_F_DISTANCE,
     "distance", "46.129 km is beyond the 30 km the person is willing to travel"},
    {"contract refused", contract_refused, INCROCIO_F_CONTRACT, "contract",
     "the person does not accept the contract type indeterminato"},
    {"apprenticeship refused", apprenticeship_refused, INCROCIO_F_CONTRACT, "contract",
     "the person does not accept the contract type apprendistato"},
    {"contract index beyond the mask", contract_index_beyond_mask, INCROCIO_F_CONTRACT, "contract",
     "the person does not accept the contract type (unknown)"},
    {"part time only", part_time_only, INCROCIO_F_HOURS, "hours",
     "the person wants part_time work; the position is full_time"},
    {"full time only", full_time_only, INCROCIO_F_HOURS, "hours",
     "the person wants full_time work; the position is part_time"},
    {"no shifts", no_shifts, INCROCIO_F_HOURS, "hours", D_SHIFTS},
    {"part time, no shifts", part_time_no_shifts, INCROCIO_F_HOURS, "hours",
     "the person wants part_time work; the position is full_time"},
    {"L68 not enrolled", l68_not_enrolled, INCROCIO_F_L68, "l68", D_L68},
    {"apprentice too old", apprentice_too_old, INCROCIO_F_APPRENTICESHIP, "apprenticeship",
     D_APPRENTICESHIP},
    {"apprentice too young", apprentice_too_young, INCROCIO_F_APPRENTICESHIP, "apprenticeship",
     D_APPRENTICESHIP},
};

static void test_filters_absent_unless_asked(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score r;

    /* Even when filters exclude. */
    no_did(&s, &p);
    l68_not_enrolled(&s, &p);
    json_t *j = explain(&s, &p, 0, &r);
    assert_int_equal(r.filters, INCROCIO_F_DID | INCROCIO_F_L68);
    assert_int_equal(json_object_size(j), 1);
    assert_null(json_object_get(j, "filters"));
    check_components(0, j, &r, &incrocio_default_weights);
    json_decref(j);
}

static void test_filters_empty_when_eligible(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score r;
    json_t *j = explain(&s, &p, 1, &r);
    const json_t *f = json_object_get(j, "filters");

    assert_int_equal(r.filters, 0);
    assert_int_equal(json_object_size(j), 2);
    assert_true(json_is_array(f));
    assert_int_equal(json_array_size(f), 0);
    check_components(0, j, &r, &incrocio_default_weights);
    json_decref(j);
}

static void test_each_filter_alone(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(filter_rows); i++) {
        struct incrocio_seeker_rec s = base_seeker();
        struct incrocio_position_rec p = base_position();
        struct incrocio_score r;

        filter_rows[i].mutate(&s, &p);
        json_t *j = explain(&s, &p, 1, &r);
        if (r.filters != filter_rows[i].filter)
            fail_msg("row %zu (%s): filters = %#x, want %#x", i, filter_rows[i].name, r.filters,
                     filter_rows[i].filter);
        check_components(i, j, &r, &incrocio_default_weights);

        const json_t *f = json_object_get(j, "filters");
        const json_t *entry = json_array_get(f, 0);
        if (json_array_size(f) != 1)
            fail_msg("row %zu (%s): %zu filters, want 1", i, filter_rows[i].name,
                     json_array_size(f));
        ROW_INT(i, json_object_size(entry), 2);
        ROW_STR(i, json_string_value(json_object_get(entry, "code")), filter_rows[i].code);
        ROW_STR(i, json_string_value(json_object_get(entry, "detail")), filter_rows[i].detail);
        json_decref(j);
    }
}

/* Several at once: in enum incrocio_filter order, whatever the order the
 * records were changed in. */
static void test_filters_in_order(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score r;

    apprentice_too_old(&s, &p);
    l68_not_enrolled(&s, &p);
    no_shifts(&s, &p);
    contract_refused(&s, &p);
    beyond_own_limit(&s, &p);
    lang_below_required(&s, &p);
    eqf_below_required(&s, &p);
    must_have_missing(&s, &p);
    licence_missing(&s, &p);
    no_consent(&s, &p);
    no_did(&s, &p);
    json_t *j = explain(&s, &p, 1, &r);
    assert_int_equal(r.filters, 0x7FF);
    check_components(0, j, &r, &incrocio_default_weights);

    json_t *want = json_pack(
        "[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s},"
        " {s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}]",
        "code", "did", "detail", D_DID, "code", "consent", "detail", D_CONSENT, "code", "licence",
        "detail", "required licences missing: B", "code", "skill", "detail",
        "must-have skills missing: s25", "code", "education", "detail",
        "EQF level 3 is below the required level 4", "code", "language", "detail",
        "below the required level in: en B1 (has A2)", "code", "distance", "detail",
        "12.000 km is beyond the 10 km the person is willing to travel", "code", "contract",
        "detail", "the person does not accept the contract type indeterminato", "code", "hours",
        "detail", D_SHIFTS, "code", "l68", "detail", D_L68, "code", "apprenticeship", "detail",
        D_APPRENTICESHIP);
    assert_non_null(want);
    assert_json_equal(0, json_object_get(j, "filters"), want);
    json_decref(want);
    json_decref(j);

    /* A few of them. */
    s = base_seeker();
    p = base_position();
    apprentice_too_young(&s, &p);
    part_time_only(&s, &p);
    licences_missing(&s, &p);
    no_consent(&s, &p);
    j = explain(&s, &p, 1, &r);
    assert_int_equal(r.filters, INCROCIO_F_CONSENT | INCROCIO_F_LICENCE | INCROCIO_F_HOURS |
                                    INCROCIO_F_APPRENTICESHIP);
    want = json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "code", "consent",
                     "detail", D_CONSENT, "code", "licence", "detail",
                     "required licences missing: B, C, CQC", "code", "hours", "detail",
                     "the person wants part_time work; the position is full_time", "code",
                     "apprenticeship", "detail", D_APPRENTICESHIP);
    assert_non_null(want);
    assert_json_equal(1, json_object_get(j, "filters"), want);
    json_decref(want);
    json_decref(j);
}

/* A long list of missing items is cut short with "...", never past the
 * detail's buffer. */
static void test_long_detail_truncated(void **state)
{
    (void)state;
    struct incrocio_seeker_rec s = base_seeker();
    struct incrocio_position_rec p = base_position();
    struct incrocio_score r;
    char first[96], last[96];

    p.n_skills = INCROCIO_MAX_SKILLS;
    for (unsigned i = 0; i < INCROCIO_MAX_SKILLS; i++)
        p.skills[i] = (struct incrocio_position_skill){1000 + i, 1, 1};
    incrocio_score(&s, &p, &incrocio_default_weights, TODAY, &r);
    assert_int_equal(r.filters, INCROCIO_F_SKILL);
    json_t *j = incrocio_match_explain_new(&s, &p, &r, &incrocio_default_weights, TODAY, skill_code,
                                           LONG_PREFIX, 1);
    assert_non_null(j);

    const json_t *f = json_object_get(j, "filters");
    assert_int_equal(json_array_size(f), 1);
    const char *detail = json_string_value(json_object_get(json_array_get(f, 0), "detail"));
    assert_non_null(detail);
    snprintf(first, sizeof first, "must-have skills missing: %s1000, ", LONG_PREFIX);
    snprintf(last, sizeof last, "%s1063", LONG_PREFIX);
    assert_int_equal(strncmp(detail, first, strlen(first)), 0);
    assert_null(strstr(detail, last));
    size_t n = strlen(detail);
    assert_true(n < 640);
    assert_true(n >= 3 && strcmp(detail + n - 3, "...") == 0);

    /* The skills evidence is not cut: all 64 are listed. */
    assert_int_equal(json_array_size(json_object_get(evidence(j, INCROCIO_C_SKILLS), "missing")),
                     INCROCIO_MAX_SKILLS);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_language_indices),
        cmocka_unit_test(test_occ_format),
        cmocka_unit_test(test_component_name),
        cmocka_unit_test(test_base_components),
        cmocka_unit_test(test_mixed_components),
        cmocka_unit_test(test_occupation_evidence),
        cmocka_unit_test(test_skills_evidence),
        cmocka_unit_test(test_experience_evidence),
        cmocka_unit_test(test_education_evidence),
        cmocka_unit_test(test_languages_evidence),
        cmocka_unit_test(test_distance_evidence),
        cmocka_unit_test(test_contract_evidence),
        cmocka_unit_test(test_filters_do_not_change_components),
        cmocka_unit_test(test_filters_absent_unless_asked),
        cmocka_unit_test(test_filters_empty_when_eligible),
        cmocka_unit_test(test_each_filter_alone),
        cmocka_unit_test(test_filters_in_order),
        cmocka_unit_test(test_long_detail_truncated),
    };
    return cmocka_run_group_tests_name("explain", tests, NULL, NULL);
}
