#include "incrocio/job_seeker.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/codes.h"
#include "incrocio/codice_fiscale.h"
#include "incrocio/doccheck.h"

#define MAX_EDUCATION 20
#define MAX_LANGUAGES 20
#define MAX_LICENCES 16
#define MAX_SKILLS 100
#define MAX_IT_SKILLS 50
#define MAX_EXPERIENCES 50
#define MAX_DESIRED 20
#define MAX_CONTRACT_TYPES 6 /* all of them, each once */
#define MIN_AGE 15

static const char *const top_fields[] = {"codice_fiscale",
                                         "given_name",
                                         "family_name",
                                         "birth_date",
                                         "sex",
                                         "citizenship",
                                         "work_permit_expiry",
                                         "domicile",
                                         "email",
                                         "phone",
                                         "office_code",
                                         "education",
                                         "languages",
                                         "licences",
                                         "skills",
                                         "it_skills",
                                         "experiences",
                                         "desired_occupations",
                                         "availability",
                                         "l68",
                                         "matching_consent",
                                         NULL};
static const char *const read_only_fields[] = {"id",  "version", "created_at", "updated_at",
                                               "did", "hires",   NULL};
static const char *const domicile_fields[] = {"comune_istat", "address", "lat", "lon", NULL};
static const char *const education_fields[] = {"title", "eqf_level", "year", NULL};
static const char *const language_fields[] = {"code", "cefr", NULL};
static const char *const skill_fields[] = {"code", "level", NULL};
static const char *const experience_fields[] = {"occupation_code", "from",          "to",
                                                "contract_type",   "employer_name", NULL};
static const char *const availability_fields[] = {"contract_types", "working_time", "shifts",
                                                  "max_travel_km",  "relocate",     NULL};

static const char *const sex_list[] = {"F", "M", NULL};
static const struct incrocio_doccheck_codes sexes = {sex_list, 0, "sex.unknown", "must be F or M"};
static const struct incrocio_doccheck_codes citizenships = {
    incrocio_iso3166_alpha2, 'U', "citizenship.unknown",
    "must be an ISO 3166-1 alpha-2 country code, e.g. IT"};
static const struct incrocio_doccheck_codes working_times = {
    incrocio_working_times, 0, "working_time.unknown", "must be full_time, part_time or any"};
static const struct incrocio_doccheck_codes l68_categories = {
    incrocio_l68_categories, 0, "l68.unknown", "must be null, art1 or art18"};

/* ---- the person ------------------------------------------------------------------ */

/* Returns 1 with info filled when the code is valid. */
static int codice_fiscale(struct incrocio_doccheck *c, const json_t *doc, json_t *out,
                          struct incrocio_cf_info *info)
{
    const json_t *v = json_object_get(doc, "codice_fiscale");
    const char *ptr = "/codice_fiscale", *s;
    enum incrocio_cf_error e;
    char cf[17];

    if (!incrocio_doccheck_require(c, v, ptr) || !incrocio_doccheck_expect_string(c, v, ptr))
        return 0;
    s = incrocio_doccheck_get_string(v);
    if (s == NULL)
        e = INCROCIO_CF_CHARSET;
    else if (!incrocio_cf_normalise(s, cf))
        e = INCROCIO_CF_LENGTH;
    else
        e = incrocio_cf_parse(cf, info);
    if (e != INCROCIO_CF_OK) {
        incrocio_doccheck_fail(c, ptr, incrocio_cf_error_code(e), incrocio_doccheck_describe_cf(e));
        return 0;
    }
    incrocio_doccheck_put(c, out, "codice_fiscale", json_string(cf));
    return 1;
}

static const char *birth_date(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    const json_t *v = json_object_get(doc, "birth_date");
    const char *ptr = "/birth_date", *s;
    char cutoff[16];

    if (!incrocio_doccheck_require(c, v, ptr) ||
        (s = incrocio_doccheck_read_date(c, v, ptr, 1)) == NULL)
        return NULL;
    /* 15 on today: born on or before the same day 15 years ago. */
    snprintf(cutoff, sizeof cutoff, "%04d%s", c->year - MIN_AGE, c->today + 4);
    if (strcmp(s, cutoff) > 0) {
        incrocio_doccheck_fail(c, ptr, "birth_date.too_young",
                               "the person must be at least 15 years old");
        return NULL;
    }
    incrocio_doccheck_put(c, out, "birth_date", json_string(s));
    return s;
}

static char sex(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    const char *s = incrocio_doccheck_copy_code(c, doc, "", "sex", &sexes, out);

    return s != NULL ? s[0] : '\0';
}

static void optional_date(struct incrocio_doccheck *c, const json_t *doc, const char *base,
                          const char *key, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(doc, base, key, ptr);
    const char *s;

    if (incrocio_doccheck_is_absent(v))
        incrocio_doccheck_put(c, out, key, json_null());
    else if ((s = incrocio_doccheck_read_date(c, v, ptr, 0)) != NULL)
        incrocio_doccheck_put(c, out, key, json_string(s));
}

static void domicile(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    const json_t *v = json_object_get(doc, "domicile");
    const char *base = "/domicile";
    json_t *d;

    if (!incrocio_doccheck_require(c, v, base) || !incrocio_doccheck_expect_object(c, v, base))
        return;
    if ((d = incrocio_doccheck_make_object(c)) == NULL)
        return;
    incrocio_doccheck_copy_comune(c, v, base, d);
    incrocio_doccheck_copy_text(c, v, base, "address", 200, 0, d);
    incrocio_doccheck_copy_lat_lon(c, v, base, d);
    incrocio_doccheck_reject_unknown(c, v, base, domicile_fields, NULL,
                                     "a domicile has no such field");
    incrocio_doccheck_put(c, out, "domicile", d);
}

/* ---- the profile ----------------------------------------------------------------- */

static void education_item(struct incrocio_doccheck *c, const json_t *item, const char *ptr,
                           json_t *e, void *state)
{
    incrocio_doccheck_copy_text(c, item, ptr, "title", 200, INCROCIO_DOCCHECK_REQUIRED, e);
    incrocio_doccheck_copy_integer(c, item, ptr, "eqf_level", 1, 8, -2, e);
    incrocio_doccheck_copy_integer(c, item, ptr, "year", 1900, c->year, -1, e);
    incrocio_doccheck_reject_unknown(c, item, ptr, education_fields, NULL,
                                     "an education item has no such field");
}

static void language_item(struct incrocio_doccheck *c, const json_t *item, const char *ptr,
                          json_t *l, void *seen)
{
    incrocio_doccheck_copy_language(c, item, ptr, seen, l);
    incrocio_doccheck_copy_code(c, item, ptr, "cefr", &incrocio_doccheck_cefr, l);
    incrocio_doccheck_reject_unknown(c, item, ptr, language_fields, NULL,
                                     "a language has no such field");
}

static void skill_item(struct incrocio_doccheck *c, const json_t *item, const char *ptr, json_t *s,
                       void *seen)
{
    incrocio_doccheck_copy_skill(c, item, ptr, seen, s);
    incrocio_doccheck_copy_integer(c, item, ptr, "level", 1, 5, -1, s);
    incrocio_doccheck_reject_unknown(c, item, ptr, skill_fields, NULL, "a skill has no such field");
}

static void licences(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    char aptr[INCROCIO_PTR_MAX];
    const json_t *arr = incrocio_doccheck_find_array(c, doc, "", "licences", MAX_LICENCES, aptr);

    incrocio_doccheck_put(c, out, "licences",
                          incrocio_doccheck_read_set(c, arr, aptr, &incrocio_doccheck_licences,
                                                     "licences.duplicate"));
}

static void it_skills(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    char aptr[INCROCIO_PTR_MAX];
    const json_t *arr = incrocio_doccheck_find_array(c, doc, "", "it_skills", MAX_IT_SKILLS, aptr);
    json_t *res = json_array(), *item;
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[INCROCIO_PTR_MAX];
        json_t *dst = NULL;

        incrocio_doccheck_join_index(ptr, aptr, i);
        if (incrocio_doccheck_read_text(c, item, ptr, 100, 0, &dst))
            incrocio_doccheck_push(c, res, dst);
    }
    incrocio_doccheck_put(c, out, "it_skills", res);
}

static void experience_item(struct incrocio_doccheck *c, const json_t *item, const char *ptr,
                            json_t *e, void *state)
{
    char p[INCROCIO_PTR_MAX];
    const char *s, *from = NULL;
    const json_t *v;

    v = incrocio_doccheck_find(item, ptr, "occupation_code", p);
    if (incrocio_doccheck_require(c, v, p) &&
        (s = incrocio_doccheck_read_occupation(c, v, p)) != NULL)
        incrocio_doccheck_put(c, e, "occupation_code", json_string(s));
    v = incrocio_doccheck_find(item, ptr, "from", p);
    if (incrocio_doccheck_require(c, v, p) &&
        (from = incrocio_doccheck_read_date(c, v, p, 1)) != NULL)
        incrocio_doccheck_put(c, e, "from", json_string(from));
    v = incrocio_doccheck_find(item, ptr, "to", p);
    if (incrocio_doccheck_is_absent(v)) {
        incrocio_doccheck_put(c, e, "to", json_null());
    } else if ((s = incrocio_doccheck_read_date(c, v, p, 1)) != NULL) {
        if (from != NULL && strcmp(s, from) < 0)
            incrocio_doccheck_fail(c, p, "experiences.to_before_from", "must not be before from");
        else
            incrocio_doccheck_put(c, e, "to", json_string(s));
    }
    incrocio_doccheck_copy_code(c, item, ptr, "contract_type", &incrocio_doccheck_contract_types,
                                e);
    incrocio_doccheck_copy_text(c, item, ptr, "employer_name", 200, 0, e);
    incrocio_doccheck_reject_unknown(c, item, ptr, experience_fields, NULL,
                                     "an experience has no such field");
}

static void desired_occupations(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    char aptr[INCROCIO_PTR_MAX];
    const json_t *arr =
        incrocio_doccheck_find_array(c, doc, "", "desired_occupations", MAX_DESIRED, aptr);
    json_t *res = json_array(), *item;
    size_t i;

    json_array_foreach (arr, i, item) {
        char ptr[INCROCIO_PTR_MAX];
        const char *s;
        int dup = 0;

        incrocio_doccheck_join_index(ptr, aptr, i);
        if ((s = incrocio_doccheck_read_occupation(c, item, ptr)) == NULL)
            continue;
        for (size_t k = 0; k < json_array_size(res); k++)
            dup |= strcmp(json_string_value(json_array_get(res, k)), s) == 0;
        if (dup)
            incrocio_doccheck_fail(c, ptr, "desired_occupations.duplicate",
                                   "this occupation is already listed");
        else
            incrocio_doccheck_push(c, res, json_string(s));
    }
    incrocio_doccheck_put(c, out, "desired_occupations", res);
}

static void availability(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = json_object_get(doc, "availability"), *arr, *wt;
    const char *base = "/availability", *s;
    json_t *a;

    if (!incrocio_doccheck_is_absent(v) && !incrocio_doccheck_expect_object(c, v, base))
        return;
    if ((a = incrocio_doccheck_make_object(c)) == NULL)
        return;
    /* Absent: every member takes its default (a member of NULL is NULL). */
    arr = incrocio_doccheck_find_array(c, v, base, "contract_types", MAX_CONTRACT_TYPES, ptr);
    incrocio_doccheck_put(c, a, "contract_types",
                          incrocio_doccheck_read_set(c, arr, ptr, &incrocio_doccheck_contract_types,
                                                     "contract_types.duplicate"));
    wt = incrocio_doccheck_find(v, base, "working_time", ptr);
    if (incrocio_doccheck_is_absent(wt))
        incrocio_doccheck_put(c, a, "working_time", json_string("any"));
    else if ((s = incrocio_doccheck_read_code(c, wt, ptr, &working_times)) != NULL)
        incrocio_doccheck_put(c, a, "working_time", json_string(s));
    incrocio_doccheck_copy_boolean(c, v, base, "shifts", a);
    incrocio_doccheck_copy_integer(c, v, base, "max_travel_km", 0, 1000, 30, a);
    incrocio_doccheck_copy_boolean(c, v, base, "relocate", a);
    if (json_is_object(v))
        incrocio_doccheck_reject_unknown(c, v, base, availability_fields, NULL,
                                         "availability has no such field");
    incrocio_doccheck_put(c, out, "availability", a);
}

static void l68(struct incrocio_doccheck *c, const json_t *doc, json_t *out)
{
    const json_t *v = json_object_get(doc, "l68");
    const char *s;

    if (incrocio_doccheck_is_absent(v))
        incrocio_doccheck_put(c, out, "l68", json_null());
    else if ((s = incrocio_doccheck_read_code(c, v, "/l68", &l68_categories)) != NULL)
        incrocio_doccheck_put(c, out, "l68", json_string(s));
}

/* ---- the document ------------------------------------------------------------------- */

json_t *incrocio_job_seeker_canonical_new(const json_t *doc, const char *today, json_t *errors)
{
    struct incrocio_doccheck c = {.errors = errors};
    const char *language_codes[MAX_LANGUAGES], *skill_codes[MAX_SKILLS];
    struct incrocio_doccheck_seen languages = {language_codes, 0}, skills = {skill_codes, 0};
    struct incrocio_cf_info info;
    const char *bd;
    json_t *out;
    int cf_ok;
    char sx;

    if ((out = incrocio_doccheck_start(&c, doc, "a job seeker must be a JSON object")) == NULL)
        return NULL;
    incrocio_doccheck_set_today(&c, today);

    cf_ok = codice_fiscale(&c, doc, out, &info);
    incrocio_doccheck_copy_text(&c, doc, "", "given_name", 100, INCROCIO_DOCCHECK_REQUIRED, out);
    incrocio_doccheck_copy_text(&c, doc, "", "family_name", 100, INCROCIO_DOCCHECK_REQUIRED, out);
    bd = birth_date(&c, doc, out);
    sx = sex(&c, doc, out);
    if (cf_ok && bd != NULL && sx != '\0') {
        int m = incrocio_cf_matches(&info, bd, sx);

        if (m & 1)
            incrocio_doccheck_fail(&c, "/codice_fiscale", "codice_fiscale.birth_date_mismatch",
                                   "does not match birth_date");
        if (m & 2)
            incrocio_doccheck_fail(&c, "/codice_fiscale", "codice_fiscale.sex_mismatch",
                                   "does not match sex");
    }
    incrocio_doccheck_copy_code(&c, doc, "", "citizenship", &citizenships, out);
    optional_date(&c, doc, "", "work_permit_expiry", out);
    domicile(&c, doc, out);
    incrocio_doccheck_copy_email(&c, doc, "", "email", out);
    incrocio_doccheck_copy_phone(&c, doc, "", "phone", out);
    incrocio_doccheck_copy_office(&c, doc, "", "office_code", out);
    incrocio_doccheck_copy_objects(&c, doc, "", "education", MAX_EDUCATION, education_item, NULL,
                                   out);
    incrocio_doccheck_copy_objects(&c, doc, "", "languages", MAX_LANGUAGES, language_item,
                                   &languages, out);
    licences(&c, doc, out);
    incrocio_doccheck_copy_objects(&c, doc, "", "skills", MAX_SKILLS, skill_item, &skills, out);
    it_skills(&c, doc, out);
    incrocio_doccheck_copy_objects(&c, doc, "", "experiences", MAX_EXPERIENCES, experience_item,
                                   NULL, out);
    desired_occupations(&c, doc, out);
    availability(&c, doc, out);
    l68(&c, doc, out);
    incrocio_doccheck_copy_boolean(&c, doc, "", "matching_consent", out);
    incrocio_doccheck_reject_unknown(&c, doc, "", top_fields, read_only_fields,
                                     "job seekers have no such field");
    return incrocio_doccheck_finish(&c, out);
}

/* ---- RFC 7396 ------------------------------------------------------------------------ */

json_t *incrocio_json_merge_patch_new(const json_t *target, const json_t *patch)
{
    const char *key;
    json_t *result, *v;

    if (!json_is_object(patch))
        return json_deep_copy(patch);
    result = json_is_object(target) ? json_deep_copy(target) : json_object();
    if (result == NULL)
        return NULL;
    json_object_foreach ((json_t *)patch, key, v) {
        json_t *merged;

        if (json_is_null(v)) {
            json_object_del(result, key);
            continue;
        }
        merged = incrocio_json_merge_patch_new(json_object_get(result, key), v);
        if (merged == NULL || json_object_set_new(result, key, merged) != 0) {
            json_decref(result);
            return NULL;
        }
    }
    return result;
}
