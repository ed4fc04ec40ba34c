/* Explanations: the evidence behind each component and each excluding
 * filter, recomputed from the two records in the terms score.c uses (see its
 * header), so that what is shown is what was scored. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "incrocio/codes.h"
#include "incrocio/match_explain.h"
#include "incrocio/weights.h"

/* One list of the components' names: the weights' (domain/weights.c). */
const char *incrocio_component_name(enum incrocio_component c)
{
    const char *name = incrocio_weights_component_name((int)c);
    return name ? name : "";
}

void incrocio_occ_format(incrocio_occ occ, char out[10])
{
    for (int i = 0; i < 5; i++) {
        out[2 * i] = (char)('0' + ((occ >> (16 - 4 * i)) & 0xF));
        out[2 * i + 1] = i < 4 ? '.' : '\0';
    }
}

static const char *working_time_name(unsigned wt)
{
    return wt == INCROCIO_WT_FULL ? "full_time" : wt == INCROCIO_WT_PART ? "part_time" : "any";
}

static const char *language_code(unsigned value)
{
    unsigned id = value >> 4, n = 0;
    while (incrocio_iso639_1[n])
        n++;
    return id < n ? incrocio_iso639_1[id] : "?";
}

static const char *cefr_name(unsigned rank)
{
    return rank >= 1 && rank <= 6 ? incrocio_cefr_levels[rank - 1] : "none";
}

static int seeker_has_skill(const struct incrocio_seeker_rec *s, uint32_t id)
{
    for (unsigned j = 0; j < s->n_skills && j < INCROCIO_MAX_SKILLS; j++)
        if (s->skills[j] == id)
            return 1;
    return 0;
}

static json_t *component(enum incrocio_component c, const struct incrocio_score *score,
                         const struct incrocio_weights *w, json_t *evidence)
{
    return json_pack("{s:s, s:f, s:f, s:o}", "name", incrocio_component_name(c), "value",
                     score->component[c], "weight", w->w[c], "evidence", evidence);
}

/* Rounded to metres, as shown. */
static double km3(double km)
{
    return round(km * 1000.0) / 1000.0;
}

static json_t *occupation_evidence(const struct incrocio_seeker_rec *s,
                                   const struct incrocio_position_rec *p, unsigned level)
{
    char pos[10], best[10];
    json_t *matched = json_null();

    incrocio_occ_format(p->occupation, pos);
    for (unsigned i = 0; level > 0 && i < s->n_occ && i < INCROCIO_MAX_CODES; i++) {
        if (incrocio_occ_shared_levels(s->occ[i], p->occupation) == level) {
            incrocio_occ_format(s->occ[i], best);
            matched = json_string(best);
            break;
        }
    }
    return json_pack("{s:i, s:o, s:o}", "level", (int)level, "position_code",
                     p->occupation ? json_string(pos) : json_null(), "matched_code", matched);
}

static unsigned relevant_months(const struct incrocio_seeker_rec *s,
                                const struct incrocio_position_rec *p)
{
    unsigned r = 0;
    for (unsigned i = s->n_desired; i < s->n_occ && i < INCROCIO_MAX_CODES; i++)
        if (incrocio_occ_shared_levels(s->occ[i], p->occupation) >= 4)
            r += s->exp_months[i];
    return r;
}

static json_t *components_new(const struct incrocio_seeker_rec *s,
                              const struct incrocio_position_rec *p,
                              const struct incrocio_score *score, const struct incrocio_weights *w,
                              incrocio_skill_code_fn skill_code, const void *ctx)
{
    json_t *list = json_array(), *matched = json_array(), *missing = json_array();
    json_t *lmatched = json_array(), *lmissing = json_array();

    for (unsigned i = 0; i < p->n_skills && i < INCROCIO_MAX_SKILLS; i++)
        json_array_append_new(seeker_has_skill(s, p->skills[i].id) ? matched : missing,
                              json_string(skill_code(ctx, p->skills[i].id)));
    for (unsigned i = 0; i < p->n_langs && i < INCROCIO_MAX_LANGS; i++) {
        unsigned need = p->langs[i] & 15u;
        json_array_append_new(incrocio_seeker_lang_rank(s, (unsigned)(p->langs[i] >> 4)) >= need
                                  ? lmatched
                                  : lmissing,
                              json_string(language_code(p->langs[i])));
    }
    unsigned n_contracts = 0;
    while (incrocio_contract_types[n_contracts])
        n_contracts++;
    const char *contract = p->contract < n_contracts ? incrocio_contract_types[p->contract] : NULL;
    int accepted =
        s->contract_mask == 0 || (p->contract < 8 && (s->contract_mask & (1u << p->contract)));

    json_array_append_new(list, component(INCROCIO_C_OCCUPATION, score, w,
                                          occupation_evidence(s, p, score->occupation_level)));
    json_array_append_new(
        list, component(INCROCIO_C_SKILLS, score, w,
                        json_pack("{s:o, s:o}", "matched", matched, "missing", missing)));
    json_array_append_new(
        list, component(INCROCIO_C_EXPERIENCE, score, w,
                        json_pack("{s:i, s:i}", "relevant_months", (int)relevant_months(s, p),
                                  "required_months", (int)p->min_experience_months)));
    json_array_append_new(
        list, component(INCROCIO_C_EDUCATION, score, w,
                        json_pack("{s:i, s:o, s:b}", "eqf_level", (int)s->eqf, "min_eqf",
                                  p->min_eqf ? json_integer(p->min_eqf) : json_null(), "required",
                                  (int)p->eqf_required)));
    json_array_append_new(
        list, component(INCROCIO_C_LANGUAGES, score, w,
                        json_pack("{s:o, s:o}", "matched", lmatched, "missing", lmissing)));
    json_array_append_new(
        list,
        component(INCROCIO_C_DISTANCE, score, w,
                  json_pack("{s:f, s:i, s:b, s:o}", "km", km3(score->km), "max_travel_km",
                            (int)s->max_travel_km, "relocate", (int)s->relocate, "max_distance_km",
                            p->max_distance_km ? json_integer(p->max_distance_km) : json_null())));
    json_array_append_new(
        list,
        component(INCROCIO_C_CONTRACT, score, w,
                  json_pack("{s:o, s:b, s:s, s:s, s:b, s:b}", "contract_type",
                            contract ? json_string(contract) : json_null(), "contract_accepted",
                            accepted, "working_time", working_time_name(p->working_time),
                            "seeker_working_time", working_time_name(s->working_time), "shifts",
                            (int)p->shifts, "seeker_accepts_shifts", (int)s->shifts)));
    return list;
}

/* A comma-separated list into buf (cut short with "..." when long). */
static void append_item(char *buf, size_t len, const char *item)
{
    size_t used = strlen(buf);
    if (used + strlen(item) + 6 >= len) {
        if (used + 4 < len && !strstr(buf, "..."))
            snprintf(buf + used, len - used, "...");
        return;
    }
    snprintf(buf + used, len - used, "%s%s", used ? ", " : "", item);
}

static void add_filter(json_t *filters, const char *code, const char *detail)
{
    json_array_append_new(filters, json_pack("{s:s, s:s}", "code", code, "detail", detail));
}

static json_t *filters_new(const struct incrocio_seeker_rec *s,
                           const struct incrocio_position_rec *p,
                           const struct incrocio_score *score, int32_t today,
                           incrocio_skill_code_fn skill_code, const void *ctx)
{
    json_t *f = json_array();
    char list[512], detail[640];
    unsigned bits = score->filters;

    (void)today;
    if (bits & INCROCIO_F_DID)
        add_filter(f, "did", "the DID is not in an eligible state (inserita or convalidata)");
    if (bits & INCROCIO_F_CONSENT)
        add_filter(f, "consent",
                   "the person has not allowed their profile to be used for "
                   "matching");
    if (bits & INCROCIO_F_LICENCE) {
        list[0] = '\0';
        for (unsigned i = 0; i < 16 && incrocio_licences[i]; i++)
            if ((p->licence_mask >> i & 1u) && !(s->licence_mask >> i & 1u))
                append_item(list, sizeof list, incrocio_licences[i]);
        snprintf(detail, sizeof detail, "required licences missing: %s", list);
        add_filter(f, "licence", detail);
    }
    if (bits & INCROCIO_F_SKILL) {
        list[0] = '\0';
        for (unsigned i = 0; i < p->n_skills && i < INCROCIO_MAX_SKILLS; i++)
            if (p->skills[i].must_have && !seeker_has_skill(s, p->skills[i].id))
                append_item(list, sizeof list, skill_code(ctx, p->skills[i].id));
        snprintf(detail, sizeof detail, "must-have skills missing: %s", list);
        add_filter(f, "skill", detail);
    }
    if (bits & INCROCIO_F_EDUCATION) {
        snprintf(detail, sizeof detail, "EQF level %u is below the required level %u",
                 (unsigned)s->eqf, (unsigned)p->min_eqf);
        add_filter(f, "education", detail);
    }
    if (bits & INCROCIO_F_LANGUAGE) {
        list[0] = '\0';
        for (unsigned i = 0; i < p->n_langs && i < INCROCIO_MAX_LANGS; i++) {
            unsigned need = p->langs[i] & 15u;
            unsigned have = incrocio_seeker_lang_rank(s, (unsigned)(p->langs[i] >> 4));
            if (p->langs_required[i] && have < need) {
                char item[48];
                snprintf(item, sizeof item, "%s %s (has %s)", language_code(p->langs[i]),
                         cefr_name(need), cefr_name(have));
                append_item(list, sizeof list, item);
            }
        }
        snprintf(detail, sizeof detail, "below the required level in: %s", list);
        add_filter(f, "language", detail);
    }
    if (bits & INCROCIO_F_DISTANCE) {
        if (p->max_distance_km != 0 && score->km > p->max_distance_km)
            snprintf(detail, sizeof detail, "%.3f km is beyond the position's limit of %u km",
                     km3(score->km), (unsigned)p->max_distance_km);
        else
            snprintf(detail, sizeof detail,
                     "%.3f km is beyond the %u km the person is willing to travel", km3(score->km),
                     (unsigned)s->max_travel_km);
        add_filter(f, "distance", detail);
    }
    if (bits & INCROCIO_F_CONTRACT) {
        unsigned n = 0;
        while (incrocio_contract_types[n])
            n++;
        snprintf(detail, sizeof detail, "the person does not accept the contract type %s",
                 p->contract < n ? incrocio_contract_types[p->contract] : "(unknown)");
        add_filter(f, "contract", detail);
    }
    if (bits & INCROCIO_F_HOURS) {
        if (s->working_time != INCROCIO_WT_ANY && s->working_time != p->working_time)
            snprintf(detail, sizeof detail, "the person wants %s work; the position is %s",
                     working_time_name(s->working_time), working_time_name(p->working_time));
        else
            snprintf(detail, sizeof detail,
                     "the position works in shifts and the person does not accept shifts");
        add_filter(f, "hours", detail);
    }
    if (bits & INCROCIO_F_L68)
        add_filter(f, "l68",
                   "the position is reserved to people enrolled under Law 68/1999 "
                   "and the person is not");
    if (bits & INCROCIO_F_APPRENTICESHIP)
        add_filter(f, "apprenticeship",
                   "an apprenticeship needs the age of 18 to 29 on the reference day "
                   "(D.Lgs 81/2015 arts. 43-45)");
    return f;
}

json_t *incrocio_match_explain_new(const struct incrocio_seeker_rec *s,
                                   const struct incrocio_position_rec *p,
                                   const struct incrocio_score *score,
                                   const struct incrocio_weights *weights, int32_t today,
                                   incrocio_skill_code_fn skill_code, const void *ctx,
                                   int with_filters)
{
    const struct incrocio_weights *w = weights ? weights : &incrocio_default_weights;
    json_t *out = json_object();

    if (!out)
        return NULL;
    json_object_set_new(out, "components", components_new(s, p, score, w, skill_code, ctx));
    if (with_filters)
        json_object_set_new(out, "filters", filters_new(s, p, score, today, skill_code, ctx));
    return out;
}
