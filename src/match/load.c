/* The matching index's loader: tables → compact records (score.h).
 *
 * Three queries, each streamed row by row (single-row mode), in one
 * REPEATABLE READ snapshot when the caller is not already in a transaction,
 * so that the skill ids, the seekers and the positions agree with each other:
 * one for the skill codes, one for the seekers with their sections aggregated
 * as arrays, one for the positions, likewise. Never a query per person.
 *
 * Who is loaded. Live job seeker: erased_at IS NULL. Open position: its
 * vacancy's state is 'published', valid_until IS NULL or >= today, and
 * filled < quantity.
 *
 * Skill ids: the 0-based rank of the code in
 *   SELECT DISTINCT code FROM (skills of live seekers UNION skills of open
 *   positions) ORDER BY code COLLATE "C"
 * so that SQL can compute the same ids without talking to us.
 *
 * Seeker (struct incrocio_seeker_rec):
 *   did_eligible   did_state IN ('I', 'C')
 *   consent        matching_consent
 *   l68            NULL 0, 'art1' 1, 'art18' 2
 *   eqf            max(job_seeker_education.eqf_level), 0 without education
 *   working_time   'any' 0, 'full_time' 1, 'part_time' 2
 *   shifts, relocate, max_travel_km   as stored
 *   contract_mask  OR of 1 << (index in incrocio_contract_types) of
 *                  contract_types (unknown codes ignored); empty → 0 = any
 *   licence_mask   OR of 1 << (index in incrocio_licences) (unknown ignored)
 *   birth_day      birth_date − 1970-01-01 in days, 0 when NULL
 *   lat, lon       as stored (fetched as float8send() bytes: exact whatever
 *                  extra_float_digits says)
 *   occ            desired_occupations in stored order, then experiences by
 *                  ord, each packed one digit per nibble ("5.2.2.1.0" →
 *                  0x52210); codes not of the CP2021 5th-level shape are
 *                  skipped; the first INCROCIO_MAX_CODES kept
 *   n_desired      how many of the kept entries are desired occupations
 *   exp_months     0 for desired entries; for experiences the whole months
 *                  between from_date and coalesce(to_date, today), computed
 *                  in SQL as extract(year from age)·12 + extract(month from
 *                  age), clamped to 0 .. 65535
 *   skills         the first INCROCIO_MAX_SKILLS codes of job_seeker_skills
 *                  in byte order (COLLATE "C"), as ids sorted ascending
 *   langs          (index in incrocio_iso639_1) << 4 | CEFR rank (A1 1 .. C2
 *                  6, 0 for anything else), unknown languages skipped, sorted
 *                  ascending, first INCROCIO_MAX_LANGS
 *
 * Position (struct incrocio_position_rec):
 *   occupation     occupation_code packed (0 if not of the 5th-level shape)
 *   contract       index in incrocio_contract_types, 255 when unknown (no
 *                  seeker's mask has that bit: only "any" accepts it)
 *   working_time   'full_time' 1, 'part_time' 2
 *   shifts, l68_reserved, apprenticeship, eqf_required   as stored (0/1)
 *   min_eqf        min_eqf, 0 when NULL
 *   licence_mask   as for seekers
 *   min_experience_months   as stored
 *   max_distance_km         0 when NULL
 *   lat, lon       as stored
 *   skills         (id, must_have, weight) of the first INCROCIO_MAX_SKILLS
 *                  codes in byte order, sorted by id
 *   langs          (index in incrocio_iso639_1) << 4 | rank of min_cefr,
 *                  unknown languages skipped, sorted by value, first
 *                  INCROCIO_MAX_LANGS, with langs_required aligned
 *
 * sql/oracle/records.sql mirrors this mapping exactly: tests/db/test_loader.c
 * scores the C records and the SQL ones and requires the same results. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/codes.h"
#include "incrocio/db.h"
#include "incrocio/match_load.h"

/* ---- the SQL (one place for the "live" and "open" predicates) ---- */

#define OPEN_POSITIONS                                                                 \
    " FROM positions p JOIN vacancies v ON v.id = p.vacancy_id"                        \
    " WHERE v.state = 'published'"                                                     \
    " AND (v.valid_until IS NULL OR v.valid_until >= date '1970-01-01' + $1::integer)" \
    " AND p.filled < p.quantity"

static const char skills_sql[] =
    "SELECT code FROM ("
    " SELECT s.code FROM job_seeker_skills s JOIN job_seekers j ON j.id = s.job_seeker_id"
    " WHERE j.erased_at IS NULL"
    " UNION"
    " SELECT ps.code FROM position_skills ps WHERE ps.position_id IN (SELECT p.id" OPEN_POSITIONS
    ")) c ORDER BY code COLLATE \"C\"";

/* Each section is aggregated once per table and merge-joined by id (one
 * pass over each table, in index order), not queried per person: at a
 * million people that halves the load. $1 is used by the months of open
 * experiences; $2, the ids to load or NULL for all, filters every section so
 * that a refresh of a few people reads only theirs; [$3, $4] is a range of
 * ids, so that several connections can share a full load. */
static const char seekers_sql[] =
    "SELECT j.id, j.did_state, j.matching_consent, j.l68, coalesce(ed.eqf, 0),"
    " j.working_time, j.shifts, j.relocate, j.contract_types, j.licences, j.max_travel_km,"
    " coalesce(j.birth_date - date '1970-01-01', 0), float8send(j.lat), float8send(j.lon),"
    " j.desired_occupations, coalesce(ex.codes, '{}'), coalesce(ex.months, '{}'),"
    " coalesce(sk.codes, '{}'), coalesce(la.codes, '{}'), coalesce(la.cefr, '{}'), j.office_code"
    " FROM job_seekers j"
    " LEFT JOIN (SELECT e.job_seeker_id, max(e.eqf_level) AS eqf"
    "   FROM job_seeker_education e"
    "   WHERE ($2::uuid[] IS NULL OR e.job_seeker_id = ANY ($2::uuid[]))"
    "   AND e.job_seeker_id >= $3::uuid AND e.job_seeker_id <= $4::uuid"
    "   GROUP BY 1) ed ON ed.job_seeker_id = j.id"
    " LEFT JOIN (SELECT x.job_seeker_id,"
    "   array_agg(x.occupation_code ORDER BY x.ord) AS codes,"
    "   array_agg(greatest(0, least(65535,"
    "     (extract(year FROM a.a) * 12 + extract(month FROM a.a))::integer)) ORDER BY x.ord)"
    "     AS months"
    "   FROM job_seeker_experiences x,"
    "   LATERAL (SELECT age(coalesce(x.to_date, date '1970-01-01' + $1::integer), x.from_date)"
    "     AS a) a"
    "   WHERE ($2::uuid[] IS NULL OR x.job_seeker_id = ANY ($2::uuid[]))"
    "   AND x.job_seeker_id >= $3::uuid AND x.job_seeker_id <= $4::uuid"
    "   GROUP BY 1) ex ON ex.job_seeker_id = j.id"
    " LEFT JOIN (SELECT s.job_seeker_id, array_agg(s.code ORDER BY s.code COLLATE \"C\") AS codes"
    "   FROM job_seeker_skills s"
    "   WHERE ($2::uuid[] IS NULL OR s.job_seeker_id = ANY ($2::uuid[]))"
    "   AND s.job_seeker_id >= $3::uuid AND s.job_seeker_id <= $4::uuid"
    "   GROUP BY 1) sk ON sk.job_seeker_id = j.id"
    " LEFT JOIN (SELECT l.job_seeker_id, array_agg(l.code::text ORDER BY l.code) AS codes,"
    "   array_agg(l.cefr::text ORDER BY l.code) AS cefr FROM job_seeker_languages l"
    "   WHERE ($2::uuid[] IS NULL OR l.job_seeker_id = ANY ($2::uuid[]))"
    "   AND l.job_seeker_id >= $3::uuid AND l.job_seeker_id <= $4::uuid"
    "   GROUP BY 1) la ON la.job_seeker_id = j.id"
    " WHERE j.erased_at IS NULL AND ($2::uuid[] IS NULL OR j.id = ANY ($2::uuid[]))"
    " AND j.id >= $3::uuid AND j.id <= $4::uuid"
    " ORDER BY j.id";

static const char positions_sql[] =
    "SELECT p.id, p.vacancy_id, p.occupation_code, p.contract_type, p.working_time, p.shifts,"
    " p.l68_reserved, p.apprenticeship, coalesce(p.min_eqf, 0), p.eqf_required, p.licences,"
    " p.min_experience_months, coalesce(p.max_distance_km, 0),"
    " float8send(p.lat), float8send(p.lon),"
    " ARRAY(SELECT s.code FROM position_skills s WHERE s.position_id = p.id"
    "   ORDER BY s.code COLLATE \"C\"),"
    " ARRAY(SELECT s.must_have FROM position_skills s WHERE s.position_id = p.id"
    "   ORDER BY s.code COLLATE \"C\"),"
    " ARRAY(SELECT s.weight FROM position_skills s WHERE s.position_id = p.id"
    "   ORDER BY s.code COLLATE \"C\"),"
    " ARRAY(SELECT l.code::text FROM position_languages l WHERE l.position_id = p.id"
    "   ORDER BY l.code),"
    " ARRAY(SELECT l.min_cefr::text FROM position_languages l WHERE l.position_id = p.id"
    "   ORDER BY l.code),"
    " ARRAY(SELECT l.required FROM position_languages l WHERE l.position_id = p.id"
    "   ORDER BY l.code),"
    " v.office_code" OPEN_POSITIONS " AND ($2::uuid[] IS NULL OR p.vacancy_id = ANY ($2::uuid[]))"
    " ORDER BY p.id";

/* ---- text-format one-dimensional arrays ---- */

/* Elements of one array value, pointing into buf; reused row after row so
 * that a load of a million rows does not allocate per field. NULL elements
 * are NULL pointers. */
struct strlist {
    char **v;
    size_t n, cap;
    char *buf;
    size_t buf_cap;
};

static void strlist_free(struct strlist *l)
{
    free(l->v);
    free(l->buf);
}

/* Parses PostgreSQL's text output of a 1-D array ("{a,"b c",NULL}"). */
static incrocio_err strlist_parse(struct strlist *l, const char *s)
{
    size_t len = strlen(s);
    l->n = 0;
    if (len + 1 > l->buf_cap) {
        char *b = realloc(l->buf, len + 1);
        if (!b)
            return INCROCIO_ERR_NOMEM;
        l->buf = b;
        l->buf_cap = len + 1;
    }
    /* Every element takes at least one character of s. */
    if (len / 2 + 1 > l->cap) {
        char **v = realloc(l->v, (len / 2 + 1) * sizeof *v);
        if (!v)
            return INCROCIO_ERR_NOMEM;
        l->v = v;
        l->cap = len / 2 + 1;
    }
    if (*s++ != '{')
        return INCROCIO_ERR_DB;
    if (*s == '}')
        return INCROCIO_OK;
    char *w = l->buf;
    for (;;) {
        char *start = w;
        int quoted = *s == '"';
        if (quoted) {
            s++;
            while (*s && *s != '"') {
                if (*s == '\\' && s[1])
                    s++;
                *w++ = *s++;
            }
            if (*s++ != '"')
                return INCROCIO_ERR_DB;
        } else {
            while (*s && *s != ',' && *s != '}')
                *w++ = *s++;
        }
        *w++ = '\0';
        if (l->n >= l->cap)
            return INCROCIO_ERR_DB;
        l->v[l->n++] = !quoted && strcmp(start, "NULL") == 0 ? NULL : start;
        if (*s == ',') {
            s++;
            continue;
        }
        if (*s == '}' && s[1] == '\0')
            return INCROCIO_OK;
        return INCROCIO_ERR_DB;
    }
}

/* ---- the skill code → id map (open addressing, FNV-1a) ---- */

struct skill_map {
    uint32_t *slots; /* id + 1; 0 is empty */
    size_t mask;
    char **codes;
};

static uint64_t hash_code(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
    return h;
}

static incrocio_err skill_map_build(struct skill_map *m, char **codes, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    m->slots = calloc(cap, sizeof *m->slots);
    if (!m->slots)
        return INCROCIO_ERR_NOMEM;
    m->mask = cap - 1;
    m->codes = codes;
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)hash_code(codes[i]) & m->mask;
        while (m->slots[k])
            k = (k + 1) & m->mask;
        m->slots[k] = (uint32_t)i + 1;
    }
    return INCROCIO_OK;
}

/* The code's id, or -1 when it is not interned (cannot happen within one
 * snapshot). */
static int64_t skill_map_get(const struct skill_map *m, const char *code)
{
    size_t k = (size_t)hash_code(code) & m->mask;
    while (m->slots[k]) {
        uint32_t id = m->slots[k] - 1;
        if (strcmp(m->codes[id], code) == 0)
            return id;
        k = (k + 1) & m->mask;
    }
    return -1;
}

/* ---- field mapping ---- */

static int is_true(const char *v)
{
    return v[0] == 't';
}

static long to_long(const char *v)
{
    return strtol(v, NULL, 10);
}

/* A float8send() value in text form: "\x" then 16 hex digits, big-endian. */
static incrocio_err to_double(const char *v, double *out)
{
    uint64_t bits = 0;
    if (v[0] != '\\' || v[1] != 'x' || strlen(v) != 18)
        return INCROCIO_ERR_DB;
    for (int i = 2; i < 18; i++) {
        char c = v[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                                            : 16;
        if (d > 15)
            return INCROCIO_ERR_DB;
        bits = bits << 4 | d;
    }
    memcpy(out, &bits, sizeof *out);
    return INCROCIO_OK;
}

/* "5.2.2.1.0" → 0x52210; 0 for a code of another shape. */
static incrocio_occ pack_occ(const char *code)
{
    incrocio_occ c = 0;
    if (!incrocio_occupation_code_valid(code))
        return 0;
    for (int i = 0; i < 10; i += 2)
        c = c << 4 | (incrocio_occ)(code[i] - '0');
    return c;
}

static unsigned code_mask(const struct strlist *l, const char *const *list)
{
    unsigned mask = 0;
    for (size_t i = 0; i < l->n; i++) {
        int k = incrocio_code_index(list, l->v[i]);
        if (k >= 0)
            mask |= 1u << k;
    }
    return mask;
}

/* (index in ISO 639-1) << 4 | CEFR rank, or -1 for an unknown language. */
static int lang_value(const char *code, const char *cefr)
{
    int k = incrocio_code_index(incrocio_iso639_1, code);
    return k < 0 ? -1 : k << 4 | incrocio_cefr_rank(cefr);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_pskill(const void *a, const void *b)
{
    uint32_t x = ((const struct incrocio_position_skill *)a)->id;
    uint32_t y = ((const struct incrocio_position_skill *)b)->id;
    return (x > y) - (x < y);
}

struct lang_req {
    uint16_t value;
    uint8_t required;
};

static int cmp_lang_req(const void *a, const void *b)
{
    unsigned x = ((const struct lang_req *)a)->value, y = ((const struct lang_req *)b)->value;
    return (x > y) - (x < y);
}

/* ---- the load ---- */

struct loader {
    PGconn *pg;
    const char *params[2]; /* today, the ids filter (NULL: all) */
    const struct incrocio_match_sink *sink;
    struct incrocio_seeker_rec seeker;
    struct incrocio_position_rec position;
    struct strlist a[6]; /* scratch arrays for one row */
    uint32_t *ids;       /* scratch: one row's skill ids, unsorted and capped later */
    struct incrocio_position_skill *pskills;
    struct lang_req *langs;
    size_t scratch_cap;
};

static incrocio_err scratch_reserve(struct loader *ld, size_t n)
{
    if (n <= ld->scratch_cap)
        return INCROCIO_OK;
    uint32_t *ids = realloc(ld->ids, n * sizeof *ids);
    if (!ids)
        return INCROCIO_ERR_NOMEM;
    ld->ids = ids;
    struct incrocio_position_skill *ps = realloc(ld->pskills, n * sizeof *ps);
    if (!ps)
        return INCROCIO_ERR_NOMEM;
    ld->pskills = ps;
    struct lang_req *lr = realloc(ld->langs, n * sizeof *lr);
    if (!lr)
        return INCROCIO_ERR_NOMEM;
    ld->langs = lr;
    ld->scratch_cap = n;
    return INCROCIO_OK;
}

/* Doubles *p (elements of size elem) until it holds n + 1. */
static incrocio_err grow(void **p, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return INCROCIO_OK;
    size_t c = *cap ? *cap * 2 : 1024;
    void *q = realloc(*p, c * elem);
    if (!q)
        return INCROCIO_ERR_NOMEM;
    *p = q;
    *cap = c;
    return INCROCIO_OK;
}

/* ---- incrocio_match_load_new's sink: everything into one set ---- */

struct set_builder {
    struct incrocio_match_set *set;
    struct skill_map map;
    size_t cap_seekers, cap_positions, cap_skills;
};

static incrocio_err on_skill(struct set_builder *ld, const PGresult *res)
{
    struct incrocio_match_set *set = ld->set;
    incrocio_err err =
        grow((void **)&set->skill_codes, &ld->cap_skills, set->n_skills, sizeof *set->skill_codes);
    if (err)
        return err;
    char *code = strdup(PQgetvalue(res, 0, 0));
    if (!code)
        return INCROCIO_ERR_NOMEM;
    set->skill_codes[set->n_skills++] = code;
    return INCROCIO_OK;
}

static void copy_id(char dst[37], const char *src)
{
    strncpy(dst, src, 36);
    dst[36] = '\0';
}

static incrocio_err on_seeker(struct loader *ld, const PGresult *res)
{
    struct incrocio_seeker_rec *s = &ld->seeker;
    incrocio_err err;

    memset(s, 0, sizeof *s);

    const char *did = PQgetvalue(res, 0, 1);
    s->did_eligible = (uint8_t)(!PQgetisnull(res, 0, 1) && (did[0] == 'I' || did[0] == 'C'));
    s->consent = (uint8_t)is_true(PQgetvalue(res, 0, 2));
    if (!PQgetisnull(res, 0, 3)) {
        const char *l68 = PQgetvalue(res, 0, 3);
        s->l68 = (uint8_t)(strcmp(l68, "art1") == 0 ? 1 : strcmp(l68, "art18") == 0 ? 2 : 0);
    }
    s->eqf = (uint8_t)to_long(PQgetvalue(res, 0, 4));
    const char *wt = PQgetvalue(res, 0, 5);
    s->working_time = (uint8_t)(strcmp(wt, "full_time") == 0   ? INCROCIO_WT_FULL
                                : strcmp(wt, "part_time") == 0 ? INCROCIO_WT_PART
                                                               : INCROCIO_WT_ANY);
    s->shifts = (uint8_t)is_true(PQgetvalue(res, 0, 6));
    s->relocate = (uint8_t)is_true(PQgetvalue(res, 0, 7));
    if ((err = strlist_parse(&ld->a[0], PQgetvalue(res, 0, 8))))
        return err;
    s->contract_mask = (uint8_t)code_mask(&ld->a[0], incrocio_contract_types);
    if ((err = strlist_parse(&ld->a[0], PQgetvalue(res, 0, 9))))
        return err;
    s->licence_mask = (uint16_t)code_mask(&ld->a[0], incrocio_licences);
    s->max_travel_km = (uint16_t)to_long(PQgetvalue(res, 0, 10));
    s->birth_day = (int32_t)to_long(PQgetvalue(res, 0, 11));
    if ((err = to_double(PQgetvalue(res, 0, 12), &s->lat)) ||
        (err = to_double(PQgetvalue(res, 0, 13), &s->lon)))
        return err;

    /* Occupations: desired, then experiences with their months. */
    if ((err = strlist_parse(&ld->a[0], PQgetvalue(res, 0, 14))) ||
        (err = strlist_parse(&ld->a[1], PQgetvalue(res, 0, 15))) ||
        (err = strlist_parse(&ld->a[2], PQgetvalue(res, 0, 16))))
        return err;
    if (ld->a[1].n != ld->a[2].n)
        return INCROCIO_ERR_DB;
    for (size_t i = 0; i < ld->a[0].n && s->n_occ < INCROCIO_MAX_CODES; i++) {
        incrocio_occ c = pack_occ(ld->a[0].v[i]);
        if (c == 0)
            continue;
        s->occ[s->n_occ++] = c;
        s->n_desired++;
    }
    for (size_t i = 0; i < ld->a[1].n && s->n_occ < INCROCIO_MAX_CODES; i++) {
        incrocio_occ c = pack_occ(ld->a[1].v[i]);
        if (c == 0)
            continue;
        s->occ[s->n_occ] = c;
        s->exp_months[s->n_occ++] = (uint16_t)to_long(ld->a[2].v[i] ? ld->a[2].v[i] : "0");
    }

    /* Skills: the first codes in byte order (ids are the index's, not
     * ranks: capping by id would keep other codes), then sorted by id. */
    if ((err = strlist_parse(&ld->a[0], PQgetvalue(res, 0, 17))) ||
        (err = scratch_reserve(ld, ld->a[0].n)))
        return err;
    size_t n = 0, keep = ld->a[0].n < INCROCIO_MAX_SKILLS ? ld->a[0].n : INCROCIO_MAX_SKILLS;
    for (size_t i = 0; i < keep; i++) {
        if (!ld->a[0].v[i])
            return INCROCIO_ERR_DB;
        if ((err = ld->sink->skill_id(ld->sink->ctx, ld->a[0].v[i], &ld->ids[n++])))
            return err;
    }
    if (n > 0) /* the scratch arrays are NULL until a row needs them */
        qsort(ld->ids, n, sizeof *ld->ids, cmp_u32);
    s->n_skills = (uint8_t)(n < INCROCIO_MAX_SKILLS ? n : INCROCIO_MAX_SKILLS);
    if (n > 0)
        memcpy(s->skills, ld->ids, s->n_skills * sizeof *s->skills);

    /* Languages: values sorted, then capped. */
    if ((err = strlist_parse(&ld->a[0], PQgetvalue(res, 0, 18))) ||
        (err = strlist_parse(&ld->a[1], PQgetvalue(res, 0, 19))) ||
        (err = scratch_reserve(ld, ld->a[0].n)))
        return err;
    if (ld->a[0].n != ld->a[1].n)
        return INCROCIO_ERR_DB;
    n = 0;
    for (size_t i = 0; i < ld->a[0].n; i++) {
        int v = lang_value(ld->a[0].v[i], ld->a[1].v[i]);
        if (v >= 0)
            ld->ids[n++] = (uint32_t)v;
    }
    if (n > 0)
        qsort(ld->ids, n, sizeof *ld->ids, cmp_u32);
    s->n_langs = (uint8_t)(n < INCROCIO_MAX_LANGS ? n : INCROCIO_MAX_LANGS);
    for (unsigned i = 0; i < s->n_langs; i++)
        s->langs[i] = (uint16_t)ld->ids[i];

    return ld->sink->seeker(ld->sink->ctx, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 20), s);
}

static incrocio_err on_position(struct loader *ld, const PGresult *res)
{
    struct incrocio_position_rec *p = &ld->position;
    incrocio_err err;

    memset(p, 0, sizeof *p);

    p->occupation = pack_occ(PQgetvalue(res, 0, 2));
    int contract = incrocio_code_index(incrocio_contract_types, PQgetvalue(res, 0, 3));
    p->contract = (uint8_t)(contract < 0 ? 255 : contract);
    const char *wt = PQgetvalue(res, 0, 4);
    p->working_time = (uint8_t)(strcmp(wt, "full_time") == 0   ? INCROCIO_WT_FULL
                                : strcmp(wt, "part_time") == 0 ? INCROCIO_WT_PART
                                                               : INCROCIO_WT_ANY);
    p->shifts = (uint8_t)is_true(PQgetvalue(res, 0, 5));
    p->l68_reserved = (uint8_t)is_true(PQgetvalue(res, 0, 6));
    p->apprenticeship = (uint8_t)is_true(PQgetvalue(res, 0, 7));
    p->min_eqf = (uint8_t)to_long(PQgetvalue(res, 0, 8));
    p->eqf_required = (uint8_t)is_true(PQgetvalue(res, 0, 9));
    if ((err = strlist_parse(&ld->a[0], PQgetvalue(res, 0, 10))))
        return err;
    p->licence_mask = (uint16_t)code_mask(&ld->a[0], incrocio_licences);
    p->min_experience_months = (uint16_t)to_long(PQgetvalue(res, 0, 11));
    p->max_distance_km = (uint16_t)to_long(PQgetvalue(res, 0, 12));
    if ((err = to_double(PQgetvalue(res, 0, 13), &p->lat)) ||
        (err = to_double(PQgetvalue(res, 0, 14), &p->lon)))
        return err;

    if ((err = strlist_parse(&ld->a[0], PQgetvalue(res, 0, 15))) ||
        (err = strlist_parse(&ld->a[1], PQgetvalue(res, 0, 16))) ||
        (err = strlist_parse(&ld->a[2], PQgetvalue(res, 0, 17))) ||
        (err = scratch_reserve(ld, ld->a[0].n)))
        return err;
    if (ld->a[1].n != ld->a[0].n || ld->a[2].n != ld->a[0].n)
        return INCROCIO_ERR_DB;
    /* The first codes in byte order, then sorted by id (as for seekers). */
    size_t n = ld->a[0].n < INCROCIO_MAX_SKILLS ? ld->a[0].n : INCROCIO_MAX_SKILLS;
    for (size_t i = 0; i < n; i++) {
        if (!ld->a[0].v[i] || !ld->a[1].v[i] || !ld->a[2].v[i])
            return INCROCIO_ERR_DB;
        if ((err = ld->sink->skill_id(ld->sink->ctx, ld->a[0].v[i], &ld->pskills[i].id)))
            return err;
        ld->pskills[i].must_have = (uint8_t)is_true(ld->a[1].v[i]);
        ld->pskills[i].weight = (uint8_t)to_long(ld->a[2].v[i]);
    }
    if (n > 0)
        qsort(ld->pskills, n, sizeof *ld->pskills, cmp_pskill);
    p->n_skills = (uint8_t)(n < INCROCIO_MAX_SKILLS ? n : INCROCIO_MAX_SKILLS);
    if (n > 0)
        memcpy(p->skills, ld->pskills, p->n_skills * sizeof *p->skills);

    if ((err = strlist_parse(&ld->a[0], PQgetvalue(res, 0, 18))) ||
        (err = strlist_parse(&ld->a[1], PQgetvalue(res, 0, 19))) ||
        (err = strlist_parse(&ld->a[2], PQgetvalue(res, 0, 20))) ||
        (err = scratch_reserve(ld, ld->a[0].n)))
        return err;
    if (ld->a[1].n != ld->a[0].n || ld->a[2].n != ld->a[0].n)
        return INCROCIO_ERR_DB;
    n = 0;
    for (size_t i = 0; i < ld->a[0].n; i++) {
        int v = lang_value(ld->a[0].v[i], ld->a[1].v[i]);
        if (v < 0)
            continue;
        ld->langs[n].value = (uint16_t)v;
        ld->langs[n++].required = (uint8_t)(ld->a[2].v[i] && is_true(ld->a[2].v[i]));
    }
    if (n > 0)
        qsort(ld->langs, n, sizeof *ld->langs, cmp_lang_req);
    p->n_langs = (uint8_t)(n < INCROCIO_MAX_LANGS ? n : INCROCIO_MAX_LANGS);
    for (unsigned i = 0; i < p->n_langs; i++) {
        p->langs[i] = ld->langs[i].value;
        p->langs_required[i] = ld->langs[i].required;
    }

    return ld->sink->position(ld->sink->ctx, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
                              PQgetvalue(res, 0, 21), p);
}

/* Runs sql with nparams of ld->params in single-row mode, calling on_row for
 * each row; the connection is left with no pending result whatever happens. */
static incrocio_err stream(PGconn *pg, const char *sql, int nparams, const char *const *params,
                           incrocio_err (*on_row)(void *, const PGresult *), void *ctx)
{
    incrocio_err err = INCROCIO_OK;
    PGresult *res;

    if (!PQsendQueryParams(pg, sql, nparams, NULL, params, NULL, NULL, 0))
        return incrocio_db_error_of(pg, NULL);
    if (!PQsetSingleRowMode(pg))
        err = INCROCIO_ERR_DB;
    while ((res = PQgetResult(pg)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        if (err == INCROCIO_OK) {
            if (st == PGRES_SINGLE_TUPLE)
                err = on_row(ctx, res);
            else if (st != PGRES_TUPLES_OK)
                err = incrocio_db_error_of(pg, res);
        }
        PQclear(res);
    }
    return err;
}

static incrocio_err seeker_row(void *ctx, const PGresult *res)
{
    return on_seeker(ctx, res);
}

static incrocio_err position_row(void *ctx, const PGresult *res)
{
    return on_position(ctx, res);
}

static void loader_free(struct loader *ld)
{
    for (int i = 0; i < 6; i++)
        strlist_free(&ld->a[i]);
    free(ld->ids);
    free(ld->pskills);
    free(ld->langs);
}

static incrocio_err stream_with(PGconn *pg, int32_t today, const char *ids, const char *sql,
                                incrocio_err (*on_row)(void *, const PGresult *),
                                const struct incrocio_match_sink *sink)
{
    static const char *const all[2] = {"00000000-0000-0000-0000-000000000000",
                                       "ffffffff-ffff-ffff-ffff-ffffffffffff"};
    struct loader ld;
    char today_text[16];
    const char *params[4];
    incrocio_err err;

    memset(&ld, 0, sizeof ld);
    snprintf(today_text, sizeof today_text, "%d", (int)today);
    ld.pg = pg;
    ld.sink = sink;
    params[0] = today_text;
    params[1] = ids;
    params[2] = all[0];
    params[3] = all[1];
    /* The seekers' query takes a range of ids ($3, $4: here all of them),
     * the positions' none. */
    err = stream(pg, sql, sql == seekers_sql ? 4 : 2, params, on_row, &ld);
    loader_free(&ld);
    return err;
}

incrocio_err incrocio_match_stream_seekers(PGconn *pg, int32_t today, const char *ids,
                                           const struct incrocio_match_sink *sink)
{
    return stream_with(pg, today, ids, seekers_sql, seeker_row, sink);
}

/* For the rest of the transaction: room for the sections' aggregates in
 * memory, nothing to JIT-compile in one pass over each table, and no
 * parallel workers (two connections are the parallelism). */
static incrocio_err tune_for_bulk(PGconn *c)
{
    incrocio_err err = incrocio_db_command(c, "SET LOCAL work_mem = '256MB'");
    if (!err)
        err = incrocio_db_command(c, "SET LOCAL jit = off");
    if (!err)
        err = incrocio_db_command(c, "SET LOCAL max_parallel_workers_per_gather = 0");
    return err;
}

/* A second connection with pg's parameters, in pg's snapshot (exported by
 * pg's transaction), tuned like pg's for one big read (the two connections
 * are the parallelism: no parallel workers besides); NULL when it cannot be
 * had. */
static PGconn *open_sibling(PGconn *pg)
{
    PQconninfoOption *opts = PQconninfo(pg);
    const char *keys[64], *vals[64];
    char sql[128];
    size_t n = 0;
    PGconn *other = NULL;
    PGresult *res = PQexec(pg, "SELECT pg_export_snapshot()");

    for (PQconninfoOption *o = opts; o && o->keyword && n + 1 < 64; o++) {
        if (o->val && *o->val) {
            keys[n] = o->keyword;
            vals[n++] = o->val;
        }
    }
    keys[n] = vals[n] = NULL;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
        snprintf(sql, sizeof sql, "SET TRANSACTION SNAPSHOT '%s'", PQgetvalue(res, 0, 0)) <
            (int)sizeof sql &&
        strspn(PQgetvalue(res, 0, 0), "0123456789ABCDEF-") == strlen(PQgetvalue(res, 0, 0))) {
        other = PQconnectdbParams(keys, vals, 0);
        if (PQstatus(other) != CONNECTION_OK ||
            incrocio_db_command(other, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") ||
            incrocio_db_command(other, sql) || tune_for_bulk(other) ||
            incrocio_db_command(other, "SET application_name = 'incrocio-matching-load'")) {
            PQfinish(other);
            other = NULL;
        }
    }
    PQclear(res);
    PQconninfoFree(opts);
    return other;
}

incrocio_err incrocio_match_stream_all_seekers(PGconn *pg, int32_t today,
                                               const struct incrocio_match_sink *sink)
{
    static const char *const bounds[2][2] = {
        {"00000000-0000-0000-0000-000000000000", "7fffffff-ffff-ffff-ffff-ffffffffffff"},
        {"80000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"}};
    PGconn *conns[2] = {pg, NULL};
    struct loader ld[2];
    char today_text[16];
    int active[2] = {0, 0};
    incrocio_err err = tune_for_bulk(pg);

    if (err)
        return err;
    conns[1] = open_sibling(pg);
    if (!conns[1])
        return incrocio_match_stream_seekers(pg, today, NULL, sink);
    memset(ld, 0, sizeof ld);
    snprintf(today_text, sizeof today_text, "%d", (int)today);
    for (int i = 0; i < 2; i++) {
        const char *params[4] = {today_text, NULL, bounds[i][0], bounds[i][1]};
        ld[i].pg = conns[i];
        ld[i].sink = sink;
        if (!PQsendQueryParams(conns[i], seekers_sql, 4, NULL, params, NULL, NULL, 0)) {
            err = incrocio_db_error_of(conns[i], NULL);
            break;
        }
        active[i] = 1;
        if (!PQsetSingleRowMode(conns[i]))
            err = INCROCIO_ERR_DB;
    }
    /* Rows go to the sink from this thread only, from whichever connection
     * has them; after an error the rest is read and dropped. */
    while (active[0] || active[1]) {
        struct pollfd fds[2];
        nfds_t nfds = 0;
        for (int i = 0; i < 2; i++) {
            if (!active[i])
                continue;
            if (!PQconsumeInput(conns[i])) {
                if (!err)
                    err = incrocio_db_error_of(conns[i], NULL);
                active[i] = 0;
                continue;
            }
            while (active[i] && !PQisBusy(conns[i])) {
                PGresult *res = PQgetResult(conns[i]);
                if (!res) {
                    active[i] = 0;
                    break;
                }
                ExecStatusType st = PQresultStatus(res);
                if (err == INCROCIO_OK) {
                    if (st == PGRES_SINGLE_TUPLE)
                        err = on_seeker(&ld[i], res);
                    else if (st != PGRES_TUPLES_OK)
                        err = incrocio_db_error_of(conns[i], res);
                }
                PQclear(res);
            }
            if (active[i])
                fds[nfds++] = (struct pollfd){PQsocket(conns[i]), POLLIN, 0};
        }
        if (nfds > 0 && poll(fds, nfds, -1) < 0 && errno != EINTR && !err)
            err = INCROCIO_ERR_IO;
    }
    if (PQtransactionStatus(conns[1]) != PQTRANS_IDLE)
        (void)incrocio_db_command(conns[1], "ROLLBACK"); /* read only: nothing to keep */
    PQfinish(conns[1]);
    loader_free(&ld[0]);
    loader_free(&ld[1]);
    return err;
}

incrocio_err incrocio_match_stream_positions(PGconn *pg, int32_t today, const char *vacancy_ids,
                                             const struct incrocio_match_sink *sink)
{
    return stream_with(pg, today, vacancy_ids, positions_sql, position_row, sink);
}

void incrocio_match_set_free(struct incrocio_match_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n_skills; i++)
        free(set->skill_codes[i]);
    free(set->skill_codes);
    free(set->seekers);
    free(set->seeker_ids);
    free(set->positions);
    free(set->position_ids);
    free(set->vacancy_ids);
    free(set);
}

/* The set's skill ids are the codes' ranks, interned before any record. */
static incrocio_err set_skill_id(void *ctx, const char *code, uint32_t *id)
{
    const struct set_builder *b = ctx;
    int64_t k = skill_map_get(&b->map, code);

    if (k < 0)
        return INCROCIO_ERR_INTERNAL;
    *id = (uint32_t)k;
    return INCROCIO_OK;
}

static incrocio_err set_seeker(void *ctx, const char *id, const char *office,
                               const struct incrocio_seeker_rec *rec)
{
    struct set_builder *b = ctx;
    struct incrocio_match_set *set = b->set;
    size_t old_cap = b->cap_seekers;
    incrocio_err err;

    (void)office;
    if ((err = grow((void **)&set->seekers, &b->cap_seekers, set->n_seekers, sizeof *rec)))
        return err;
    /* seeker_ids follows seekers' capacity. */
    if (b->cap_seekers != old_cap) {
        char(*ids)[37] = realloc(set->seeker_ids, b->cap_seekers * sizeof *ids);
        if (!ids)
            return INCROCIO_ERR_NOMEM;
        set->seeker_ids = ids;
    }
    set->seekers[set->n_seekers] = *rec;
    copy_id(set->seeker_ids[set->n_seekers++], id);
    return INCROCIO_OK;
}

static incrocio_err set_position(void *ctx, const char *id, const char *vacancy_id,
                                 const char *office, const struct incrocio_position_rec *rec)
{
    struct set_builder *b = ctx;
    struct incrocio_match_set *set = b->set;
    size_t old_cap = b->cap_positions;
    incrocio_err err;

    (void)office;
    if ((err = grow((void **)&set->positions, &b->cap_positions, set->n_positions, sizeof *rec)))
        return err;
    /* The id arrays follow positions' capacity. */
    if (b->cap_positions != old_cap) {
        char(*pids)[37] = realloc(set->position_ids, b->cap_positions * sizeof *pids);
        if (!pids)
            return INCROCIO_ERR_NOMEM;
        set->position_ids = pids;
        char(*vids)[37] = realloc(set->vacancy_ids, b->cap_positions * sizeof *vids);
        if (!vids)
            return INCROCIO_ERR_NOMEM;
        set->vacancy_ids = vids;
    }
    set->positions[set->n_positions] = *rec;
    copy_id(set->position_ids[set->n_positions], id);
    copy_id(set->vacancy_ids[set->n_positions++], vacancy_id);
    return INCROCIO_OK;
}

static incrocio_err skill_row(void *ctx, const PGresult *res)
{
    return on_skill(ctx, res);
}

incrocio_err incrocio_match_load_new(PGconn *pg, int32_t today, struct incrocio_match_set **out)
{
    struct set_builder b;
    struct incrocio_match_sink sink = {&b, set_skill_id, set_seeker, set_position};
    char today_text[16];
    const char *params[1] = {today_text};
    incrocio_err err;
    /* Our own snapshot unless the caller already chose one. */
    int own_tx = PQtransactionStatus(pg) == PQTRANS_IDLE;

    *out = NULL;
    memset(&b, 0, sizeof b);
    snprintf(today_text, sizeof today_text, "%d", (int)today);
    b.set = calloc(1, sizeof *b.set);
    if (!b.set)
        return INCROCIO_ERR_NOMEM;

    if (own_tx &&
        (err = incrocio_db_command(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")))
        goto done;
    if ((err = stream(pg, skills_sql, 1, params, skill_row, &b)))
        goto done;
    if (b.set->n_skills > UINT32_MAX) {
        err = INCROCIO_ERR_INTERNAL;
        goto done;
    }
    if ((err = skill_map_build(&b.map, b.set->skill_codes, b.set->n_skills)))
        goto done;
    if ((err = incrocio_match_stream_seekers(pg, today, NULL, &sink)))
        goto done;
    err = incrocio_match_stream_positions(pg, today, NULL, &sink);

done:
    if (own_tx && PQtransactionStatus(pg) != PQTRANS_IDLE) {
        incrocio_err end = incrocio_db_command(pg, err ? "ROLLBACK" : "COMMIT");
        if (!err)
            err = end;
    }
    free(b.map.slots);
    if (err) {
        incrocio_match_set_free(b.set);
        return err;
    }
    *out = b.set;
    return INCROCIO_OK;
}
