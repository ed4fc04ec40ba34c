/* The matching model (DESIGN §5), model version INCROCIO_SCORE_MODEL_VERSION.
 *
 * sql/oracle/ reproduces this function in SQL and the two must agree bit for
 * bit on the same inputs, so this comment is the specification: it fixes every
 * formula and the order of every floating-point operation. "x · y · z" means
 * ((x · y) · z); "Σ" is a running sum that starts at 0.0 and adds terms in the
 * order given. Integers become doubles only where written (double).
 *
 * Distance, km (haversine on a sphere of 6371.0 km):
 *   k = M_PI / 180.0
 *   φ1 = seeker.lat · k        φ2 = position.lat · k       Δφ = φ2 − φ1
 *   λ1 = seeker.lon · k        λ2 = position.lon · k       Δλ = λ2 − λ1
 *   sφ = sin(Δφ / 2.0)         sλ = sin(Δλ / 2.0)
 *   a  = sφ · sφ + cos(φ1) · cos(φ2) · (sλ · sλ)
 *   a  = min(a, 1.0)           (a may round above 1 near antipodes: never NaN)
 *   km = 2.0 · 6371.0 · asin(sqrt(a))
 *
 * Shared levels of two CP2021 codes: the number of leading nibbles (level 1
 * bits 19..16, 2: 15..12, 3: 11..8, 4: 7..4, 5: 3..0) that are equal, stopping
 * at the first difference, 0..5.
 * occupation_level = max over seeker.occ[0 .. n_occ) of shared levels with
 * position.occupation (desired occupations and experiences alike); 0 if none.
 *
 * A seeker's rank in language id: the largest (langs[j] & 15) over the
 * seeker's entries with (langs[j] >> 4) == id, 0 when the language is missing.
 *
 * Filters (all evaluated, each sets its bit of enum incrocio_filter):
 *   DID            !did_eligible
 *   CONSENT        !consent
 *   LICENCE        (position.licence_mask & ~seeker.licence_mask) != 0
 *   SKILL          some position skill with must_have is not in seeker.skills
 *   EDUCATION      eqf_required && seeker.eqf < min_eqf
 *   LANGUAGE       some position language i with langs_required[i] where the
 *                  seeker's rank in (langs[i] >> 4) < (langs[i] & 15)
 *   DISTANCE       (max_distance_km != 0 && km > max_distance_km)
 *                  || (!relocate && km > max_travel_km)
 *   CONTRACT       contract_mask != 0 && bit `contract` of contract_mask is 0
 *                  (a contract index beyond the mask's 8 bits is never set)
 *   HOURS          (seeker.working_time != ANY
 *                   && seeker.working_time != position.working_time)
 *                  || (position.shifts && !seeker.shifts)
 *   L68            l68_reserved && seeker.l68 == 0
 *   APPRENTICESHIP apprenticeship && !(18 <= age && age <= 29), where, with
 *                  (y, m, d) the proleptic Gregorian date of a day count,
 *                  age = y_today − y_birth − ((m_today, d_today) < (m_birth,
 *                  d_birth)), tuples compared lexicographically. So a person
 *                  born on 29 February turns 18 on 1 March of a common year.
 *
 * Components, each in [0, 1]:
 *   OCCUPATION  level 5 → 1.0, 4 → 0.8, 3 → 0.6, 2 → 0.3, otherwise 0.0.
 *   SKILLS      n_skills == 0 → 1.0; else M / T with, in position skill
 *               order, T = Σ (double)weight and M = Σ (double)weight over the
 *               skills the seeker has; T == 0.0 (only zero weights, which the
 *               index never builds) → 1.0, as nothing weighs.
 *   EXPERIENCE  min_experience_months == 0 → 1.0; else r = integer sum of
 *               exp_months[i] for i in [n_desired, n_occ) whose occ shares
 *               at least 4 levels with position.occupation;
 *               r >= min → 1.0, else (double)r / (double)min.
 *   EDUCATION   min_eqf == 0 or eqf >= min_eqf → 1.0; eqf == min_eqf − 1
 *               → 0.5; else 0.0.
 *   LANGUAGES   n_langs == 0 → 1.0; else S / (double)n_langs where S = Σ over
 *               position languages in order of: rank >= min → 1.0,
 *               rank == min − 1 → 0.5, else 0.0 (required or not).
 *   DISTANCE    km <= max_travel_km → 1.0; else if max_distance_km >
 *               max_travel_km → max(0.0, ((double)max_distance_km − km) /
 *               (double)(max_distance_km − max_travel_km)); else 0.0.
 *               It decays only for people who relocate or whose own limit is
 *               shorter than the position's; relocate itself is not read.
 *   CONTRACT    0.5 · c + 0.5 · h, c = contract_mask == 0 ? 0.5 :
 *               (bit set ? 1.0 : 0.0); h = seeker.working_time ==
 *               position.working_time ? 1.0 : (seeker ANY ? 0.75 : 0.0).
 *
 * Total: filters != 0 → 0.0; else with W = Σ w[i] and P = Σ (w[i] ·
 * component[i]), both for i in component order, W == 0.0 → 0.0, else P / W.
 * A NULL weights pointer means incrocio_default_weights. */
#include "incrocio/score.h"

#include <math.h>
#include <stdbool.h>

/* Contraction into fused multiply-adds would change the last bits and part
 * from the oracle. GCC already keeps it off under -std=c11 (and does not know
 * this pragma); clang contracts by default where FMA exists. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define EARTH_RADIUS_KM 6371.0

const struct incrocio_weights incrocio_default_weights = {{30, 25, 15, 10, 8, 7, 5}};

/* Counts come from the index; clamping keeps a damaged record from reading
 * past its arrays, and changes nothing for a well-formed one. */
static unsigned clamp_count(unsigned n, unsigned max)
{
    return n < max ? n : max;
}

unsigned incrocio_occ_shared_levels(incrocio_occ a, incrocio_occ b)
{
    unsigned level = 0;

    for (int shift = 16; shift >= 0; shift -= 4) {
        if (((a >> shift) & 0xFu) != ((b >> shift) & 0xFu))
            break;
        level++;
    }
    return level;
}

static double haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double k = M_PI / 180.0;
    double phi1 = lat1 * k, phi2 = lat2 * k;
    double dphi = phi2 - phi1;
    double dlambda = lon2 * k - lon1 * k;
    double sphi = sin(dphi / 2.0), slambda = sin(dlambda / 2.0);
    double a = sphi * sphi + cos(phi1) * cos(phi2) * (slambda * slambda);

    if (a > 1.0)
        a = 1.0;
    return 2.0 * EARTH_RADIUS_KM * asin(sqrt(a));
}

unsigned incrocio_seeker_lang_rank(const struct incrocio_seeker_rec *s, unsigned id)
{
    unsigned n = clamp_count(s->n_langs, INCROCIO_MAX_LANGS), best = 0;

    for (unsigned j = 0; j < n; j++)
        if ((unsigned)(s->langs[j] >> 4) == id && (s->langs[j] & 15u) > best)
            best = s->langs[j] & 15u;
    return best;
}

/* Howard Hinnant's civil_from_days: proleptic Gregorian, valid for any
 * int32_t day count (done in 64 bits so that the shift by 719468 cannot
 * overflow). */
struct civil {
    int64_t y;
    unsigned m, d;
};

static struct civil civil_from_days(int32_t days)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11], from March */
    struct civil c;

    c.d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    c.m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    c.y = yoe + era * 400 + (c.m <= 2);
    return c;
}

/* Age in full years: the birthday counts from its own day, and 29 February
 * falls on 1 March in common years (the date not yet reached on 28 February). */
static int64_t age_years(int32_t birth_day, int32_t today)
{
    struct civil b = civil_from_days(birth_day), t = civil_from_days(today);
    bool before_birthday = t.m < b.m || (t.m == b.m && t.d < b.d);

    return t.y - b.y - (before_birthday ? 1 : 0);
}

static double occupation_component(unsigned level)
{
    switch (level) {
    case 5: return 1.0;
    case 4: return 0.8;
    case 3: return 0.6;
    case 2: return 0.3;
    default: return 0.0;
    }
}

/* One partial credit rule for EQF and CEFR: meeting the level is full marks,
 * one step short half, anything less nothing. */
static double level_fit(unsigned have, unsigned need)
{
    if (have >= need)
        return 1.0;
    if (have + 1 == need)
        return 0.5;
    return 0.0;
}

void incrocio_score(const struct incrocio_seeker_rec *seeker,
                    const struct incrocio_position_rec *position,
                    const struct incrocio_weights *weights, int32_t today,
                    struct incrocio_score *out)
{
    const struct incrocio_seeker_rec *s = seeker;
    const struct incrocio_position_rec *p = position;
    const struct incrocio_weights *w = weights ? weights : &incrocio_default_weights;
    unsigned n_occ = clamp_count(s->n_occ, INCROCIO_MAX_CODES);
    unsigned s_skills = clamp_count(s->n_skills, INCROCIO_MAX_SKILLS);
    unsigned p_skills = clamp_count(p->n_skills, INCROCIO_MAX_SKILLS);
    unsigned p_langs = clamp_count(p->n_langs, INCROCIO_MAX_LANGS);
    unsigned filters = 0;
    double c[INCROCIO_C_COUNT];

    double km = haversine_km(s->lat, s->lon, p->lat, p->lon);

    unsigned level = 0;
    for (unsigned i = 0; i < n_occ; i++) {
        unsigned l = incrocio_occ_shared_levels(s->occ[i], p->occupation);
        if (l > level)
            level = l;
    }
    c[INCROCIO_C_OCCUPATION] = occupation_component(level);

    if (!s->did_eligible)
        filters |= INCROCIO_F_DID;
    if (!s->consent)
        filters |= INCROCIO_F_CONSENT;
    if ((p->licence_mask & ~s->licence_mask) != 0)
        filters |= INCROCIO_F_LICENCE;

    /* Both skill lists are sorted by id: one merge walk finds every match,
     * feeding the must-have filter and the weighted coverage together. */
    double have_w = 0.0, all_w = 0.0;
    unsigned j = 0;
    for (unsigned i = 0; i < p_skills; i++) {
        uint32_t id = p->skills[i].id;
        while (j < s_skills && s->skills[j] < id)
            j++;
        bool has = j < s_skills && s->skills[j] == id;
        all_w += (double)p->skills[i].weight;
        if (has)
            have_w += (double)p->skills[i].weight;
        else if (p->skills[i].must_have)
            filters |= INCROCIO_F_SKILL;
    }
    c[INCROCIO_C_SKILLS] = (p_skills == 0 || all_w == 0.0) ? 1.0 : have_w / all_w;

    if (p->eqf_required && s->eqf < p->min_eqf)
        filters |= INCROCIO_F_EDUCATION;
    c[INCROCIO_C_EDUCATION] = p->min_eqf == 0 ? 1.0 : level_fit(s->eqf, p->min_eqf);

    double lang_sum = 0.0;
    for (unsigned i = 0; i < p_langs; i++) {
        unsigned need = p->langs[i] & 15u;
        unsigned rank = incrocio_seeker_lang_rank(s, (unsigned)(p->langs[i] >> 4));
        if (p->langs_required[i] && rank < need)
            filters |= INCROCIO_F_LANGUAGE;
        lang_sum += level_fit(rank, need);
    }
    c[INCROCIO_C_LANGUAGES] = p_langs == 0 ? 1.0 : lang_sum / (double)p_langs;

    if ((p->max_distance_km != 0 && km > p->max_distance_km) ||
        (!s->relocate && km > s->max_travel_km))
        filters |= INCROCIO_F_DISTANCE;
    if (km <= s->max_travel_km) {
        c[INCROCIO_C_DISTANCE] = 1.0;
    } else if (p->max_distance_km > s->max_travel_km) {
        double d =
            ((double)p->max_distance_km - km) / (double)(p->max_distance_km - s->max_travel_km);
        c[INCROCIO_C_DISTANCE] = d > 0.0 ? d : 0.0;
    } else {
        c[INCROCIO_C_DISTANCE] = 0.0;
    }

    /* contract_mask has 8 bits; a larger index is simply not accepted (and
     * shifting by 32 or more would be undefined). */
    bool contract_ok = p->contract < 8 && (s->contract_mask & (1u << p->contract)) != 0;
    if (s->contract_mask != 0 && !contract_ok)
        filters |= INCROCIO_F_CONTRACT;
    if ((s->working_time != INCROCIO_WT_ANY && s->working_time != p->working_time) ||
        (p->shifts && !s->shifts))
        filters |= INCROCIO_F_HOURS;
    double cfit = s->contract_mask == 0 ? 0.5 : (contract_ok ? 1.0 : 0.0);
    double hfit = s->working_time == p->working_time   ? 1.0
                  : s->working_time == INCROCIO_WT_ANY ? 0.75
                                                       : 0.0;
    c[INCROCIO_C_CONTRACT] = 0.5 * cfit + 0.5 * hfit;

    if (p->l68_reserved && s->l68 == 0)
        filters |= INCROCIO_F_L68;

    /* The only place the birth date is read (D.Lgs 81/2015 art. 44:
     * apprenticeship from 18 until the 30th birthday). */
    if (p->apprenticeship) {
        int64_t age = age_years(s->birth_day, today);
        if (age < 18 || age > 29)
            filters |= INCROCIO_F_APPRENTICESHIP;
    }

    /* Experience entries follow the desired occupations in occ[]. Only work
     * in the same 4th-level group counts: closer than the occupation
     * component demands, since months elsewhere say little about this job. */
    if (p->min_experience_months == 0) {
        c[INCROCIO_C_EXPERIENCE] = 1.0;
    } else {
        uint32_t relevant = 0;
        for (unsigned i = s->n_desired; i < n_occ; i++)
            if (incrocio_occ_shared_levels(s->occ[i], p->occupation) >= 4)
                relevant += s->exp_months[i];
        c[INCROCIO_C_EXPERIENCE] = relevant >= p->min_experience_months
                                       ? 1.0
                                       : (double)relevant / (double)p->min_experience_months;
    }

    double wsum = 0.0, psum = 0.0;
    for (int i = 0; i < INCROCIO_C_COUNT; i++) {
        wsum += w->w[i];
        psum += w->w[i] * c[i];
    }

    out->filters = filters;
    for (int i = 0; i < INCROCIO_C_COUNT; i++)
        out->component[i] = c[i];
    out->total = (filters != 0 || wsum == 0.0) ? 0.0 : psum / wsum;
    out->km = km;
    out->occupation_level = (uint8_t)level;
}
