#include "incrocio/vacancy.h"

#include <stdio.h>
#include <string.h>

#include "incrocio/codes.h"
#include "incrocio/doccheck.h"
#include "incrocio/validate.h"

#define MAX_POSITIONS 50
#define MAX_SKILLS 50
#define MAX_LANGUAGES 10
#define MAX_LICENCES 16
#define MAX_PAY 10000000.0 /* a year's pay in euro, far beyond any real one */

static const char *const top_fields[] = {"employer_id", "office_code", "title",     "description",
                                         "valid_from",  "valid_until", "positions", NULL};
static const char *const top_read_only[] = {
    "id",           "version",   "state",    "created_at",    "updated_at",
    "published_at", "closed_at", "employer", "employer_name", NULL};
static const char *const position_fields[] = {
    "id",           "occupation_code", "title",        "quantity",       "contract_type",
    "working_time", "weekly_hours",    "shifts",       "workplace",      "remote_share",
    "pay",          "requirements",    "l68_reserved", "apprenticeship", NULL};
static const char *const position_read_only[] = {"filled", NULL};
static const char *const workplace_fields[] = {"comune_istat", "lat", "lon", NULL};
static const char *const pay_fields[] = {"min", "max", "period", NULL};
static const char *const requirement_fields[] = {
    "skills",          "education", "languages", "licences", "min_experience_months",
    "max_distance_km", NULL};
static const char *const skill_fields[] = {"code", "must_have", "weight", NULL};
static const char *const education_fields[] = {"min_eqf", "required", NULL};
static const char *const language_fields[] = {"code", "min_cefr", "required", NULL};
/* A position's hours: "any" is what a job seeker accepts, not what a job is. */
static const char *const position_working_times[] = {"full_time", "part_time", NULL};

static const struct incrocio_doccheck_codes working_times = {
    position_working_times, 0, "working_time.unknown", "must be full_time or part_time"};
static const struct incrocio_doccheck_codes pay_periods = {
    incrocio_pay_periods, 0, "period.unknown", "must be hour, month or year"};

/* ---- forbidden criteria ------------------------------------------------------------------ */

/* Reports every forbidden member name in v, at any depth; ptr (of length
 * len, INCROCIO_PTR_MAX bytes) is v's pointer and is left as it was found. */
static void forbidden_walk(struct incrocio_doccheck *c, const json_t *v, char *ptr, size_t len)
{
    const char *key;
    json_t *item;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach ((json_t *)v, key, item) {
            size_t n = incrocio_doccheck_extend(ptr, len, key);

            if (incrocio_protected_attribute(key))
                incrocio_doccheck_fail(c, ptr, "criteria.forbidden",
                                       INCROCIO_CRITERIA_FORBIDDEN_DETAIL);
            else
                forbidden_walk(c, item, ptr, n);
            ptr[len] = '\0';
        }
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, item) {
            char index[24];

            snprintf(index, sizeof index, "%zu", i);
            forbidden_walk(c, item, ptr, incrocio_doccheck_extend(ptr, len, index));
            ptr[len] = '\0';
        }
    }
}

/* ---- scalars ----------------------------------------------------------------------------- */

/* A present value: a UUID, lower case into out, or 0 with the error added. */
static int uuid_of(struct incrocio_doccheck *c, const json_t *v, const char *ptr, char out[37])
{
    const char *s;

    if (!incrocio_doccheck_expect_string(c, v, ptr))
        return 0;
    s = incrocio_doccheck_get_string(v);
    if (!incrocio_valid_uuid(s)) {
        incrocio_doccheck_fail(c, ptr, "field.format", "must be a UUID");
        return 0;
    }
    for (int i = 0; i <= 36; i++)
        out[i] = s[i] >= 'A' && s[i] <= 'F' ? (char)(s[i] - 'A' + 'a') : s[i];
    return 1;
}

/* key in obj as a date, null when absent: the date, or NULL. */
static const char *date_field(struct incrocio_doccheck *c, const json_t *obj, const char *key,
                              json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(obj, "", key, ptr);
    const char *s = incrocio_doccheck_get_string(v);

    if (incrocio_doccheck_is_absent(v)) {
        incrocio_doccheck_put(c, out, key, json_null());
        return NULL;
    }
    if (!incrocio_doccheck_expect_string(c, v, ptr))
        return NULL;
    if (!incrocio_valid_date(s)) {
        incrocio_doccheck_fail(c, ptr, "field.format", "must be a date, YYYY-MM-DD, 1900 to 2999");
        return NULL;
    }
    incrocio_doccheck_put(c, out, key, json_string(s));
    return s;
}

/* A present number in [0, MAX_PAY], as a real into *d. */
static int amount(struct incrocio_doccheck *c, const json_t *v, const char *ptr, double *d)
{
    if (!incrocio_doccheck_expect(c, json_is_number(v), ptr, "must be a number"))
        return 0;
    *d = json_number_value(v);
    if (!(*d >= 0 && *d <= MAX_PAY)) {
        incrocio_doccheck_fail(c, ptr, "field.range", "must be between 0 and 10000000");
        return 0;
    }
    return 1;
}

/* ---- requirements ------------------------------------------------------------------------ */

static void skill_item(struct incrocio_doccheck *c, const json_t *item, const char *ptr, json_t *s,
                       void *seen)
{
    incrocio_doccheck_copy_skill(c, item, ptr, seen, s);
    incrocio_doccheck_copy_boolean(c, item, ptr, "must_have", s);
    incrocio_doccheck_copy_integer(c, item, ptr, "weight", 1, 5, 1, s);
    incrocio_doccheck_reject_unknown(c, item, ptr, skill_fields, NULL, "a skill has no such field");
}

static json_t *education(struct incrocio_doccheck *c, const json_t *req, const char *base)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(req, base, "education", ptr);
    json_t *e;

    if (incrocio_doccheck_is_absent(v))
        return json_null();
    if (!incrocio_doccheck_expect_object(c, v, ptr) ||
        (e = incrocio_doccheck_make_object(c)) == NULL)
        return NULL;
    incrocio_doccheck_copy_integer(c, v, ptr, "min_eqf", 1, 8, -2, e);
    incrocio_doccheck_copy_boolean(c, v, ptr, "required", e);
    incrocio_doccheck_reject_unknown(c, v, ptr, education_fields, NULL,
                                     "education has no such field");
    return e;
}

static void language_item(struct incrocio_doccheck *c, const json_t *item, const char *ptr,
                          json_t *l, void *seen)
{
    incrocio_doccheck_copy_language(c, item, ptr, seen, l);
    incrocio_doccheck_copy_code(c, item, ptr, "min_cefr", &incrocio_doccheck_cefr, l);
    incrocio_doccheck_copy_boolean(c, item, ptr, "required", l);
    incrocio_doccheck_reject_unknown(c, item, ptr, language_fields, NULL,
                                     "a language has no such field");
}

static json_t *licences(struct incrocio_doccheck *c, const json_t *req, const char *base)
{
    char aptr[INCROCIO_PTR_MAX];
    const json_t *arr = incrocio_doccheck_find_array(c, req, base, "licences", MAX_LICENCES, aptr);

    return incrocio_doccheck_read_set(c, arr, aptr, &incrocio_doccheck_licences,
                                      "licences.duplicate");
}

static void requirements(struct incrocio_doccheck *c, const json_t *pos, const char *base,
                         json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(pos, base, "requirements", ptr);
    const char *skill_codes[MAX_SKILLS], *language_codes[MAX_LANGUAGES];
    struct incrocio_doccheck_seen skills = {skill_codes, 0}, languages = {language_codes, 0};
    json_t *r;

    if (!incrocio_doccheck_is_absent(v) && !incrocio_doccheck_expect_object(c, v, ptr))
        return;
    if ((r = incrocio_doccheck_make_object(c)) == NULL)
        return;
    /* Absent: every member takes its default (a member of NULL is NULL). */
    incrocio_doccheck_copy_objects(c, v, ptr, "skills", MAX_SKILLS, skill_item, &skills, r);
    incrocio_doccheck_put(c, r, "education", education(c, v, ptr));
    incrocio_doccheck_copy_objects(c, v, ptr, "languages", MAX_LANGUAGES, language_item, &languages,
                                   r);
    incrocio_doccheck_put(c, r, "licences", licences(c, v, ptr));
    incrocio_doccheck_copy_integer(c, v, ptr, "min_experience_months", 0, 600, 0, r);
    incrocio_doccheck_copy_integer(c, v, ptr, "max_distance_km", 1, 1000, -1, r);
    if (json_is_object(v))
        incrocio_doccheck_reject_unknown(c, v, ptr, requirement_fields, NULL,
                                         "requirements have no such field");
    incrocio_doccheck_put(c, out, "requirements", r);
}

/* ---- positions ---------------------------------------------------------------------------- */

static void workplace(struct incrocio_doccheck *c, const json_t *pos, const char *base, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(pos, base, "workplace", ptr);
    json_t *w;

    if (!incrocio_doccheck_require(c, v, ptr) || !incrocio_doccheck_expect_object(c, v, ptr) ||
        (w = incrocio_doccheck_make_object(c)) == NULL)
        return;
    incrocio_doccheck_copy_comune(c, v, ptr, w);
    incrocio_doccheck_copy_lat_lon(c, v, ptr, w);
    incrocio_doccheck_reject_unknown(c, v, ptr, workplace_fields, NULL,
                                     "a workplace has no such field");
    incrocio_doccheck_put(c, out, "workplace", w);
}

static void pay(struct incrocio_doccheck *c, const json_t *pos, const char *base, json_t *out)
{
    char ptr[INCROCIO_PTR_MAX], p[INCROCIO_PTR_MAX];
    const json_t *v = incrocio_doccheck_find(pos, base, "pay", ptr), *m;
    double min = 0, max = 0;
    int has_min = 0;
    json_t *r;

    if (incrocio_doccheck_is_absent(v)) {
        incrocio_doccheck_put(c, out, "pay", json_null());
        return;
    }
    if (!incrocio_doccheck_expect_object(c, v, ptr) ||
        (r = incrocio_doccheck_make_object(c)) == NULL)
        return;
    m = incrocio_doccheck_find(v, ptr, "min", p);
    if (incrocio_doccheck_require(c, m, p) && (has_min = amount(c, m, p, &min)))
        incrocio_doccheck_put(c, r, "min", json_real(min));
    m = incrocio_doccheck_find(v, ptr, "max", p);
    if (incrocio_doccheck_require(c, m, p) && amount(c, m, p, &max)) {
        if (has_min && max < min)
            incrocio_doccheck_fail(c, p, "pay.max_below_min", "must not be less than min");
        else
            incrocio_doccheck_put(c, r, "max", json_real(max));
    }
    incrocio_doccheck_copy_code(c, v, ptr, "period", &pay_periods, r);
    incrocio_doccheck_reject_unknown(c, v, ptr, pay_fields, NULL, "pay has no such field");
    incrocio_doccheck_put(c, out, "pay", r);
}

static json_t *position(struct incrocio_doccheck *c, const json_t *item, const char *ptr)
{
    char p[INCROCIO_PTR_MAX], id[37];
    const json_t *v;
    const char *contract, *s;
    json_t *out = incrocio_doccheck_make_object(c);
    int apprenticeship;

    if (out == NULL)
        return NULL;
    v = incrocio_doccheck_find(item, ptr, "id", p);
    if (incrocio_doccheck_is_absent(v))
        incrocio_doccheck_put(c, out, "id", json_null());
    else if (uuid_of(c, v, p, id))
        incrocio_doccheck_put(c, out, "id", json_string(id));
    v = incrocio_doccheck_find(item, ptr, "occupation_code", p);
    if (incrocio_doccheck_require(c, v, p) &&
        (s = incrocio_doccheck_read_occupation(c, v, p)) != NULL)
        incrocio_doccheck_put(c, out, "occupation_code", json_string(s));
    incrocio_doccheck_copy_text(c, item, ptr, "title", 200, INCROCIO_DOCCHECK_REQUIRED, out);
    incrocio_doccheck_copy_integer(c, item, ptr, "quantity", 1, 1000, 1, out);
    contract = incrocio_doccheck_copy_code(c, item, ptr, "contract_type",
                                           &incrocio_doccheck_contract_types, out);
    v = incrocio_doccheck_find(item, ptr, "working_time", p);
    if (incrocio_doccheck_is_absent(v))
        incrocio_doccheck_put(c, out, "working_time", json_string("full_time"));
    else if ((s = incrocio_doccheck_read_code(c, v, p, &working_times)) != NULL)
        incrocio_doccheck_put(c, out, "working_time", json_string(s));
    incrocio_doccheck_copy_integer(c, item, ptr, "weekly_hours", 1, 60, -1, out);
    incrocio_doccheck_copy_boolean(c, item, ptr, "shifts", out);
    workplace(c, item, ptr, out);
    incrocio_doccheck_copy_integer(c, item, ptr, "remote_share", 0, 100, 0, out);
    pay(c, item, ptr, out);
    requirements(c, item, ptr, out);
    incrocio_doccheck_copy_boolean(c, item, ptr, "l68_reserved", out);
    apprenticeship = incrocio_doccheck_copy_boolean(c, item, ptr, "apprenticeship", out);
    if (contract != NULL && apprenticeship >= 0 &&
        apprenticeship != (strcmp(contract, "apprendistato") == 0)) {
        incrocio_doccheck_join(p, ptr, "apprenticeship");
        incrocio_doccheck_fail(c, p, "apprenticeship.contract_mismatch",
                               apprenticeship
                                   ? "an apprenticeship needs the contract_type apprendistato"
                                   : "the contract_type apprendistato is for apprenticeships: set "
                                     "apprenticeship to true");
    }
    incrocio_doccheck_reject_unknown(c, item, ptr, position_fields, position_read_only,
                                     "a position has no such field");
    return out;
}

/* ---- the document --------------------------------------------------------------------------- */

json_t *incrocio_vacancy_canonical_new(const json_t *doc, const char *today, json_t *errors)
{
    /* Forbidden members are reported by forbidden_walk, under their own code. */
    struct incrocio_doccheck c = {.errors = errors, .skip_protected = 1};
    char ptr[INCROCIO_PTR_MAX], id[37];
    const json_t *v, *arr, *item;
    const char *from, *until;
    json_t *out, *positions;
    size_t i;

    (void)today; /* see vacancy.h: no structural rule depends on the date */
    if ((out = incrocio_doccheck_start(&c, doc, "a vacancy must be a JSON object")) == NULL)
        return NULL;

    v = incrocio_doccheck_find(doc, "", "employer_id", ptr);
    if (incrocio_doccheck_require(&c, v, ptr) && uuid_of(&c, v, ptr, id))
        incrocio_doccheck_put(&c, out, "employer_id", json_string(id));
    incrocio_doccheck_copy_office(&c, doc, "", "office_code", out);
    incrocio_doccheck_copy_text(&c, doc, "", "title", 200, INCROCIO_DOCCHECK_REQUIRED, out);
    incrocio_doccheck_copy_text(&c, doc, "", "description", 5000, INCROCIO_DOCCHECK_MULTILINE, out);
    from = date_field(&c, doc, "valid_from", out);
    until = date_field(&c, doc, "valid_until", out);
    if (from != NULL && until != NULL && strcmp(until, from) < 0)
        incrocio_doccheck_fail(&c, "/valid_until", "valid_until.before_from",
                               "must not be before valid_from");

    arr = incrocio_doccheck_find_array(&c, doc, "", "positions", MAX_POSITIONS, ptr);
    if ((positions = incrocio_doccheck_make_array(&c)) != NULL) {
        json_array_foreach (arr, i, item) {
            char p[INCROCIO_PTR_MAX];

            incrocio_doccheck_join_index(p, ptr, i);
            if (incrocio_doccheck_expect_object(&c, item, p))
                incrocio_doccheck_push(&c, positions, position(&c, item, p));
        }
        incrocio_doccheck_put(&c, out, "positions", positions);
    }
    incrocio_doccheck_reject_unknown(&c, doc, "", top_fields, top_read_only,
                                     "vacancies have no such field");
    ptr[0] = '\0';
    forbidden_walk(&c, doc, ptr, 0);
    return incrocio_doccheck_finish(&c, out);
}

/* 1 for NULL or a string of nothing but spaces, tabs and line breaks. */
static int blank(const char *s)
{
    if (s != NULL)
        for (; *s; s++)
            if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
                return 0;
    return 1;
}

size_t incrocio_vacancy_publish_check(const json_t *canonical, const char *today, json_t *errors)
{
    static const char *const missing = "publish.missing";
    struct incrocio_doccheck c = {.errors = errors};
    const json_t *positions = json_object_get(canonical, "positions"), *pos;
    const char *until = json_string_value(json_object_get(canonical, "valid_until"));
    size_t i;

    incrocio_doccheck_set_today(&c, today);
    if (blank(json_string_value(json_object_get(canonical, "description"))))
        incrocio_doccheck_fail(&c, "/description", missing, "a published vacancy needs one");
    if (!json_is_string(json_object_get(canonical, "valid_from")))
        incrocio_doccheck_fail(&c, "/valid_from", missing, "a published vacancy needs one");
    if (until == NULL)
        incrocio_doccheck_fail(&c, "/valid_until", missing, "a published vacancy needs one");
    else if (strcmp(until, c.today) < 0)
        incrocio_doccheck_fail(&c, "/valid_until", "valid_until.past", "must not be before today");
    if (json_array_size(positions) == 0)
        incrocio_doccheck_fail(&c, "/positions", missing,
                               "a published vacancy needs at least one position");
    json_array_foreach (positions, i, pos) {
        const char *wt = json_string_value(json_object_get(pos, "working_time"));
        char ptr[INCROCIO_PTR_MAX];

        if (wt == NULL || strcmp(wt, "part_time") != 0 ||
            json_is_integer(json_object_get(pos, "weekly_hours")))
            continue;
        snprintf(ptr, sizeof ptr, "/positions/%zu/weekly_hours", i);
        incrocio_doccheck_fail(&c, ptr, missing, "a part-time position needs its weekly hours");
    }
    return c.nerr;
}
