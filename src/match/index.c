/* The matching index: compact records in memory, searched both ways.
 *
 * Seekers. One 56-byte hot record each (the fields the cheap filters and
 * the distance read), its variable parts (occupations, experience months,
 * skill ids, languages) packed in one shared arena of 32-bit words, and its
 * dense index in the posting list of each of its skills. A record is
 * expanded into a struct incrocio_seeker_rec only when it survives the cheap
 * tests. Dense indexes are never reused within one load: a person who
 * leaves is marked dead; the map keeps their id so a return reuses the slot.
 *
 * Positions (tens of thousands, not millions) keep their full records.
 *
 * Searching a position's matches walks the posting list of its rarest
 * must-have skill when it has one (whoever lacks it is excluded anyway),
 * else every seeker; the cheap tests below repeat score.c's filters on the
 * hot fields, and a lower bound of the distance (the latitude difference
 * alone) skips people surely beyond reach. Whatever passes is scored by
 * incrocio_score(), so the ranking is the model's, exactly.
 *
 * Locking: see match_index.h. Only one writer at a time (write_mu); staging
 * (reading PostgreSQL, interning skill codes) happens outside the rwlock.
 * Readers only ever read dictionary entries that applied records name. */

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/db.h"
#include "incrocio/match_explain.h"
#include "incrocio/match_index.h"
#include "incrocio/match_load.h"

enum { F_LIVE = 1, F_DID = 2, F_CONSENT = 4, F_SHIFTS = 8, F_RELOCATE = 16 };

#define MAX_OFFICES 1024
#define NO_OFFICE 0xFFFFu
#define DICT_CHUNK 4096u
#define DICT_CHUNKS 4096u /* 16M skill codes */

struct seeker_hot {
    uint8_t id[16];
    double lat, lon;
    int32_t birth_day;
    uint32_t var; /* offset of the variable parts in the arena, in words */
    uint16_t licence_mask, max_travel_km;
    uint16_t office;
    uint8_t flags;
    uint8_t l68, eqf, working_time, contract_mask;
    uint8_t n_occ, n_desired, n_skills, n_langs;
};

struct posting {
    uint32_t *v;
    uint32_t n, cap;
};

/* A position's place in radians, for surely_too_far. */
struct place {
    double phi, lambda, cos_phi;
};

static struct place place_of(const struct incrocio_position_rec *p)
{
    const double k = M_PI / 180.0;
    struct place pl = {p->lat * k, p->lon * k, cos(p->lat * k)};
    return pl;
}

struct pos_entry {
    uint8_t id[16], vacancy[16];
    uint16_t office;
    uint8_t live;
    struct incrocio_position_rec rec;
    struct place place;
};

/* uuid → dense index + 1 (0: empty); keys live in the records. */
struct idmap {
    uint32_t *slots;
    size_t mask, used;
};

struct dict {
    char **chunks[DICT_CHUNKS];
    uint32_t n;
    uint32_t *slots; /* code → id + 1, writer only */
    size_t mask;
};

struct data {
    int32_t today;
    struct seeker_hot *s;
    size_t ns, cap_s;
    uint32_t *arena;
    size_t arena_n, arena_cap, arena_dead;
    struct idmap smap;
    struct posting *post;
    size_t npost, post_words; /* post_words: capacity of all lists */
    struct pos_entry *p;
    size_t np, cap_p;
    struct idmap pmap;
    size_t live_seekers, live_positions;
    size_t n_offices;
    uint64_t office_key[MAX_OFFICES]; /* the code's bytes, for a fast compare */
    char office_code[MAX_OFFICES][8];
    char province[MAX_OFFICES][3];
    size_t live_by_office[MAX_OFFICES];
    struct dict dict;
};

struct incrocio_match_index {
    pthread_rwlock_t lock;
    pthread_mutex_t write_mu;
    struct data *d;
    struct incrocio_match_model model;
};

/* ---- ids ---- */

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" → 16 bytes; 0 when malformed. */
static int uuid_parse(const char *s, uint8_t out[16])
{
    size_t k = 0;
    if (!s)
        return 0;
    for (size_t i = 0; s[i] && k < 32; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
            continue;
        }
        int h = hexval(s[i]);
        if (h < 0)
            return 0;
        if (k % 2 == 0)
            out[k / 2] = (uint8_t)(h << 4);
        else
            out[k / 2] |= (uint8_t)h;
        k++;
    }
    return k == 32 && strlen(s) == 36;
}

static void uuid_format(const uint8_t id[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[id[i] >> 4];
        *o++ = hex[id[i] & 15];
    }
    *o = '\0';
}

static uint64_t mix(const uint8_t id[16])
{
    uint64_t a, b;
    memcpy(&a, id, 8);
    memcpy(&b, id + 8, 8);
    a ^= b * 0x9E3779B97F4A7C15ULL;
    a ^= a >> 31;
    a *= 0xBF58476D1CE4E5B9ULL;
    return a ^ (a >> 29);
}

/* The key of dense index i: base + i * stride. */
static long idmap_get(const struct idmap *m, const uint8_t id[16], const void *base, size_t stride)
{
    if (!m->slots)
        return -1;
    for (size_t k = mix(id) & m->mask; m->slots[k]; k = (k + 1) & m->mask) {
        uint32_t i = m->slots[k] - 1;
        if (memcmp((const char *)base + (size_t)i * stride, id, 16) == 0)
            return i;
    }
    return -1;
}

static incrocio_err idmap_put(struct idmap *m, const uint8_t id[16], uint32_t index,
                              const void *base, size_t stride)
{
    if (!m->slots || (m->used + 1) * 2 > m->mask + 1) {
        size_t cap = m->slots ? (m->mask + 1) * 2 : 1024;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return INCROCIO_ERR_NOMEM;
        for (size_t k = 0; m->slots && k <= m->mask; k++) {
            if (!m->slots[k])
                continue;
            const uint8_t *key = (const uint8_t *)base + (size_t)(m->slots[k] - 1) * stride;
            size_t j = mix(key) & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = m->slots[k];
        }
        free(m->slots);
        m->slots = slots;
        m->mask = cap - 1;
    }
    size_t k = mix(id) & m->mask;
    while (m->slots[k])
        k = (k + 1) & m->mask;
    m->slots[k] = index + 1;
    m->used++;
    return INCROCIO_OK;
}

/* ---- the skill dictionary ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
    return h;
}

static const char *dict_code(const void *ctx, uint32_t id)
{
    const struct dict *d = ctx;
    return d->chunks[id / DICT_CHUNK][id % DICT_CHUNK];
}

static incrocio_err dict_intern(struct dict *d, const char *code, uint32_t *id)
{
    if (!d->slots || (size_t)(d->n + 1) * 2 > d->mask + 1) {
        size_t cap = d->slots ? (d->mask + 1) * 2 : 1024;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return INCROCIO_ERR_NOMEM;
        for (uint32_t i = 0; i < d->n; i++) {
            size_t j = hash_str(dict_code(d, i)) & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = i + 1;
        }
        free(d->slots);
        d->slots = slots;
        d->mask = cap - 1;
    }
    size_t k = hash_str(code) & d->mask;
    for (; d->slots[k]; k = (k + 1) & d->mask) {
        if (strcmp(dict_code(d, d->slots[k] - 1), code) == 0) {
            *id = d->slots[k] - 1;
            return INCROCIO_OK;
        }
    }
    if (d->n >= DICT_CHUNK * DICT_CHUNKS)
        return INCROCIO_ERR_NOMEM;
    uint32_t n = d->n;
    if (!d->chunks[n / DICT_CHUNK] &&
        !(d->chunks[n / DICT_CHUNK] = calloc(DICT_CHUNK, sizeof(char *))))
        return INCROCIO_ERR_NOMEM;
    char *copy = strdup(code);
    if (!copy)
        return INCROCIO_ERR_NOMEM;
    d->chunks[n / DICT_CHUNK][n % DICT_CHUNK] = copy;
    d->slots[k] = n + 1;
    d->n = n + 1;
    *id = n;
    return INCROCIO_OK;
}

static void dict_free(struct dict *d)
{
    for (uint32_t i = 0; i < d->n; i++)
        free(d->chunks[i / DICT_CHUNK][i % DICT_CHUNK]);
    for (size_t c = 0; c < DICT_CHUNKS && d->chunks[c]; c++)
        free(d->chunks[c]);
    free(d->slots);
}

/* ---- offices ---- */

/* Up to 8 bytes of an office code as one integer; 0 for longer codes,
 * which no office has. */
static uint64_t office_key_of(const char *code)
{
    uint64_t k = 0;
    size_t n = strlen(code);
    if (n > sizeof k)
        return 0;
    memcpy(&k, code, n);
    return k;
}

static int office_find(const struct data *d, const char *code)
{
    uint64_t k = office_key_of(code);
    for (size_t i = 0; k && i < d->n_offices; i++)
        if (d->office_key[i] == k)
            return (int)i;
    return -1;
}

/* Writer only. NO_OFFICE when the table is full (never with real data). */
static uint16_t office_intern(struct data *d, const char *code, const char *province)
{
    int i = office_find(d, code);
    if (i >= 0)
        return (uint16_t)i;
    if (d->n_offices >= MAX_OFFICES || strlen(code) >= sizeof d->office_code[0])
        return NO_OFFICE;
    d->office_key[d->n_offices] = office_key_of(code);
    snprintf(d->office_code[d->n_offices], sizeof d->office_code[0], "%s", code);
    snprintf(d->province[d->n_offices], sizeof d->province[0], "%s", province ? province : "");
    return (uint16_t)d->n_offices++;
}

static incrocio_err load_offices(struct data *d, PGconn *pg)
{
    PGresult *res = PQexec(pg, "SELECT code, province FROM offices ORDER BY code");
    incrocio_err err = INCROCIO_OK;

    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        err = incrocio_db_error_of(pg, res);
    for (int r = 0; err == INCROCIO_OK && r < PQntuples(res); r++)
        office_intern(d, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1));
    PQclear(res);
    return err;
}

/* ---- seekers ---- */

static size_t var_words(unsigned n_occ, unsigned n_desired, unsigned n_skills, unsigned n_langs)
{
    unsigned n_exp = n_occ - n_desired;
    return n_occ + (n_exp + 1) / 2 + n_skills + (n_langs + 1) / 2;
}

static size_t hot_words(const struct seeker_hot *h)
{
    return var_words(h->n_occ, h->n_desired, h->n_skills, h->n_langs);
}

static const uint32_t *hot_skills(const struct data *d, const struct seeker_hot *h)
{
    unsigned n_exp = (unsigned)(h->n_occ - h->n_desired);
    return d->arena + h->var + h->n_occ + (n_exp + 1) / 2;
}

static void expand(const struct data *d, const struct seeker_hot *h, struct incrocio_seeker_rec *r)
{
    const uint32_t *w = d->arena + h->var;
    unsigned n_exp = (unsigned)(h->n_occ - h->n_desired);

    r->did_eligible = (h->flags & F_DID) != 0;
    r->consent = (h->flags & F_CONSENT) != 0;
    r->shifts = (h->flags & F_SHIFTS) != 0;
    r->relocate = (h->flags & F_RELOCATE) != 0;
    r->l68 = h->l68;
    r->eqf = h->eqf;
    r->working_time = h->working_time;
    r->contract_mask = h->contract_mask;
    r->licence_mask = h->licence_mask;
    r->max_travel_km = h->max_travel_km;
    r->birth_day = h->birth_day;
    r->lat = h->lat;
    r->lon = h->lon;
    r->n_occ = h->n_occ;
    r->n_desired = h->n_desired;
    r->n_skills = h->n_skills;
    r->n_langs = h->n_langs;
    memcpy(r->occ, w, h->n_occ * sizeof *w);
    w += h->n_occ;
    for (unsigned i = 0; i < h->n_desired; i++)
        r->exp_months[i] = 0;
    for (unsigned j = 0; j < n_exp; j++)
        r->exp_months[h->n_desired + j] = (uint16_t)(j & 1 ? w[j / 2] >> 16 : w[j / 2] & 0xFFFFu);
    w += (n_exp + 1) / 2;
    memcpy(r->skills, w, h->n_skills * sizeof *w);
    w += h->n_skills;
    for (unsigned j = 0; j < h->n_langs; j++)
        r->langs[j] = (uint16_t)(j & 1 ? w[j / 2] >> 16 : w[j / 2] & 0xFFFFu);
}

static incrocio_err arena_reserve(struct data *d, size_t words)
{
    if (d->arena_n + words <= d->arena_cap)
        return INCROCIO_OK;
    size_t cap = d->arena_cap ? d->arena_cap : 1u << 16;
    while (cap < d->arena_n + words)
        cap *= 2;
    uint32_t *a = realloc(d->arena, cap * sizeof *a);
    if (!a)
        return INCROCIO_ERR_NOMEM;
    d->arena = a;
    d->arena_cap = cap;
    return INCROCIO_OK;
}

/* Rewrites the arena with the live records only (writer, under the lock). */
static incrocio_err arena_compact(struct data *d)
{
    size_t n = d->arena_n - d->arena_dead, at = 0;
    uint32_t *a = malloc((n ? n : 1) * sizeof *a);
    if (!a)
        return INCROCIO_ERR_NOMEM;
    for (size_t i = 0; i < d->ns; i++) {
        struct seeker_hot *h = &d->s[i];
        if (!(h->flags & F_LIVE))
            continue;
        size_t words = hot_words(h);
        memcpy(a + at, d->arena + h->var, words * sizeof *a);
        h->var = (uint32_t)at;
        at += words;
    }
    free(d->arena);
    d->arena = a;
    d->arena_n = d->arena_cap = at;
    d->arena_dead = 0;
    return INCROCIO_OK;
}

static incrocio_err posting_add(struct data *d, uint32_t skill, uint32_t who)
{
    if (skill >= d->npost) {
        size_t n = d->npost ? d->npost : 256;
        while (n <= skill)
            n *= 2;
        struct posting *p = realloc(d->post, n * sizeof *p);
        if (!p)
            return INCROCIO_ERR_NOMEM;
        memset(p + d->npost, 0, (n - d->npost) * sizeof *p);
        d->post = p;
        d->npost = n;
    }
    struct posting *l = &d->post[skill];
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        uint32_t *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return INCROCIO_ERR_NOMEM;
        l->v = v;
        d->post_words += cap - l->cap;
        l->cap = cap;
    }
    l->v[l->n++] = who;
    return INCROCIO_OK;
}

static void posting_remove(struct data *d, uint32_t skill, uint32_t who)
{
    struct posting *l = skill < d->npost ? &d->post[skill] : NULL;
    for (uint32_t i = 0; l && i < l->n; i++) {
        if (l->v[i] == who) {
            l->v[i] = l->v[--l->n];
            return;
        }
    }
}

static int has_id(const uint32_t *ids, unsigned n, uint32_t id)
{
    for (unsigned i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

static void seeker_kill(struct data *d, uint32_t i)
{
    struct seeker_hot *h = &d->s[i];
    const uint32_t *sk = hot_skills(d, h);

    if (!(h->flags & F_LIVE))
        return;
    for (unsigned k = 0; k < h->n_skills; k++)
        posting_remove(d, sk[k], i);
    d->arena_dead += hot_words(h);
    if (h->office != NO_OFFICE)
        d->live_by_office[h->office]--;
    d->live_seekers--;
    h->flags = 0;
}

/* Inserts or replaces the seeker (writer, under the lock or before
 * publication). */
static incrocio_err seeker_put(struct data *d, const uint8_t id[16], const char *office,
                               const struct incrocio_seeker_rec *r)
{
    long at = idmap_get(&d->smap, id, d->s, sizeof *d->s);
    unsigned n_occ = r->n_occ, n_desired = r->n_desired, n_exp = n_occ - n_desired;
    size_t words = var_words(n_occ, n_desired, r->n_skills, r->n_langs);
    uint32_t old_skills[INCROCIO_MAX_SKILLS];
    unsigned n_old = 0;
    incrocio_err err;

    if ((err = arena_reserve(d, words)))
        return err;
    if (at < 0) {
        if (d->ns == d->cap_s) {
            size_t cap = d->cap_s ? d->cap_s * 2 : 1024;
            struct seeker_hot *s = realloc(d->s, cap * sizeof *s);
            if (!s)
                return INCROCIO_ERR_NOMEM;
            d->s = s;
            d->cap_s = cap;
        }
        at = (long)d->ns;
        memset(&d->s[at], 0, sizeof d->s[at]);
        memcpy(d->s[at].id, id, 16);
        if ((err = idmap_put(&d->smap, id, (uint32_t)at, d->s, sizeof *d->s)))
            return err;
        d->ns++;
    } else if (d->s[at].flags & F_LIVE) {
        struct seeker_hot *h = &d->s[at];
        n_old = h->n_skills;
        memcpy(old_skills, hot_skills(d, h), n_old * sizeof *old_skills);
        d->arena_dead += hot_words(h);
        if (h->office != NO_OFFICE)
            d->live_by_office[h->office]--;
        d->live_seekers--;
    }

    struct seeker_hot *h = &d->s[at];
    uint32_t *w = d->arena + d->arena_n;
    h->var = (uint32_t)d->arena_n;
    d->arena_n += words;
    h->flags = (uint8_t)(F_LIVE | (r->did_eligible ? F_DID : 0) | (r->consent ? F_CONSENT : 0) |
                         (r->shifts ? F_SHIFTS : 0) | (r->relocate ? F_RELOCATE : 0));
    h->lat = r->lat;
    h->lon = r->lon;
    h->birth_day = r->birth_day;
    h->licence_mask = r->licence_mask;
    h->max_travel_km = r->max_travel_km;
    h->office = office_intern(d, office, NULL);
    h->l68 = r->l68;
    h->eqf = r->eqf;
    h->working_time = r->working_time;
    h->contract_mask = r->contract_mask;
    h->n_occ = (uint8_t)n_occ;
    h->n_desired = (uint8_t)n_desired;
    h->n_skills = r->n_skills;
    h->n_langs = r->n_langs;
    memcpy(w, r->occ, n_occ * sizeof *w);
    w += n_occ;
    for (unsigned j = 0; j < n_exp; j += 2)
        w[j / 2] = (uint32_t)r->exp_months[n_desired + j] |
                   (j + 1 < n_exp ? (uint32_t)r->exp_months[n_desired + j + 1] << 16 : 0);
    w += (n_exp + 1) / 2;
    memcpy(w, r->skills, r->n_skills * sizeof *w);
    w += r->n_skills;
    for (unsigned j = 0; j < r->n_langs; j += 2)
        w[j / 2] =
            (uint32_t)r->langs[j] | (j + 1 < r->n_langs ? (uint32_t)r->langs[j + 1] << 16 : 0);
    if (h->office != NO_OFFICE)
        d->live_by_office[h->office]++;
    d->live_seekers++;

    /* Postings: drop the skills that went, add the ones that came. */
    for (unsigned k = 0; k < n_old; k++)
        if (!has_id(r->skills, r->n_skills, old_skills[k]))
            posting_remove(d, old_skills[k], (uint32_t)at);
    for (unsigned k = 0; k < r->n_skills; k++)
        if (!has_id(old_skills, n_old, r->skills[k]) &&
            (err = posting_add(d, r->skills[k], (uint32_t)at)))
            return err;
    return INCROCIO_OK;
}

/* ---- positions ---- */

static incrocio_err position_put(struct data *d, const uint8_t id[16], const uint8_t vacancy[16],
                                 const char *office, const struct incrocio_position_rec *r)
{
    long at = idmap_get(&d->pmap, id, d->p, sizeof *d->p);
    incrocio_err err;

    if (at < 0) {
        if (d->np == d->cap_p) {
            size_t cap = d->cap_p ? d->cap_p * 2 : 256;
            struct pos_entry *p = realloc(d->p, cap * sizeof *p);
            if (!p)
                return INCROCIO_ERR_NOMEM;
            d->p = p;
            d->cap_p = cap;
        }
        at = (long)d->np;
        memcpy(d->p[at].id, id, 16);
        d->p[at].live = 0;
        if ((err = idmap_put(&d->pmap, id, (uint32_t)at, d->p, sizeof *d->p)))
            return err;
        d->np++;
    }
    struct pos_entry *e = &d->p[at];
    if (!e->live)
        d->live_positions++;
    memcpy(e->vacancy, vacancy, 16);
    e->office = office_intern(d, office, NULL);
    e->live = 1;
    e->rec = *r;
    e->place = place_of(r);
    return INCROCIO_OK;
}

/* ---- building ---- */

static void data_free(struct data *d)
{
    if (!d)
        return;
    free(d->s);
    free(d->arena);
    free(d->smap.slots);
    for (size_t i = 0; i < d->npost; i++)
        free(d->post[i].v);
    free(d->post);
    free(d->p);
    free(d->pmap.slots);
    dict_free(&d->dict);
    free(d);
}

static incrocio_err sink_skill(void *ctx, const char *code, uint32_t *id)
{
    return dict_intern(&((struct data *)ctx)->dict, code, id);
}

static incrocio_err direct_seeker(void *ctx, const char *id, const char *office,
                                  const struct incrocio_seeker_rec *rec)
{
    uint8_t key[16];
    if (!uuid_parse(id, key))
        return INCROCIO_ERR_DB;
    return seeker_put(ctx, key, office, rec);
}

static incrocio_err direct_position(void *ctx, const char *id, const char *vacancy_id,
                                    const char *office, const struct incrocio_position_rec *rec)
{
    uint8_t key[16], vac[16];
    if (!uuid_parse(id, key) || !uuid_parse(vacancy_id, vac))
        return INCROCIO_ERR_DB;
    return position_put(ctx, key, vac, office, rec);
}

/* Gives back the growth slack of a fresh load (before publication): a
 * million people should cost what they hold, not the next power of two. */
static void data_trim(struct data *d)
{
    if (d->ns && d->ns < d->cap_s) {
        struct seeker_hot *s = realloc(d->s, d->ns * sizeof *s);
        if (s) {
            d->s = s;
            d->cap_s = d->ns;
        }
    }
    if (d->arena_n && d->arena_n < d->arena_cap) {
        uint32_t *a = realloc(d->arena, d->arena_n * sizeof *a);
        if (a) {
            d->arena = a;
            d->arena_cap = d->arena_n;
        }
    }
    for (size_t i = 0; i < d->npost; i++) {
        struct posting *l = &d->post[i];
        if (l->n && l->n < l->cap) {
            uint32_t *v = realloc(l->v, l->n * sizeof *v);
            if (v) {
                l->v = v;
                d->post_words -= l->cap - l->n;
                l->cap = l->n;
            }
        }
    }
}

static incrocio_err data_load(PGconn *pg, int32_t today, struct data **out)
{
    struct data *d = calloc(1, sizeof *d);
    struct incrocio_match_sink sink = {d, sink_skill, direct_seeker, direct_position};
    int own_tx = PQtransactionStatus(pg) == PQTRANS_IDLE;
    incrocio_err err;

    *out = NULL;
    if (!d)
        return INCROCIO_ERR_NOMEM;
    d->today = today;
    err = own_tx ? incrocio_db_command(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                 : INCROCIO_OK;
    if (!err)
        err = load_offices(d, pg);
    if (!err)
        err = incrocio_match_stream_all_seekers(pg, today, &sink);
    if (!err)
        err = incrocio_match_stream_positions(pg, today, NULL, &sink);
    if (own_tx && PQtransactionStatus(pg) != PQTRANS_IDLE) {
        incrocio_err end = incrocio_db_command(pg, err ? "ROLLBACK" : "COMMIT");
        if (!err)
            err = end;
    }
    if (err) {
        data_free(d);
        return err;
    }
    data_trim(d);
    *out = d;
    return INCROCIO_OK;
}

incrocio_err incrocio_match_index_new(PGconn *pg, int32_t today,
                                      const struct incrocio_match_model *model,
                                      struct incrocio_match_index **out)
{
    struct incrocio_match_index *ix = calloc(1, sizeof *ix);
    pthread_rwlockattr_t attr;
    incrocio_err err;

    *out = NULL;
    if (!ix)
        return INCROCIO_ERR_NOMEM;
    if ((err = data_load(pg, today, &ix->d))) {
        free(ix);
        return err;
    }
    if (model) {
        ix->model = *model;
    } else {
        ix->model.version = 1;
        ix->model.weights = incrocio_default_weights;
    }
    /* Writers first: a steady stream of searches must not starve changes. */
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&ix->lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    pthread_mutex_init(&ix->write_mu, NULL);
    *out = ix;
    return INCROCIO_OK;
}

void incrocio_match_index_free(struct incrocio_match_index *ix)
{
    if (!ix)
        return;
    data_free(ix->d);
    pthread_rwlock_destroy(&ix->lock);
    pthread_mutex_destroy(&ix->write_mu);
    free(ix);
}

incrocio_err incrocio_match_index_reload(struct incrocio_match_index *ix, PGconn *pg, int32_t today)
{
    struct data *fresh, *old;
    incrocio_err err;

    pthread_mutex_lock(&ix->write_mu);
    err = data_load(pg, today, &fresh);
    if (err == INCROCIO_OK) {
        pthread_rwlock_wrlock(&ix->lock);
        old = ix->d;
        ix->d = fresh;
        pthread_rwlock_unlock(&ix->lock);
        data_free(old);
    }
    pthread_mutex_unlock(&ix->write_mu);
    return err;
}

/* ---- refresh: stage, then apply ---- */

struct staged_seeker {
    uint8_t id[16];
    char office[8];
    struct incrocio_seeker_rec rec;
};

struct staged_position {
    uint8_t id[16], vacancy[16];
    char office[8];
    struct incrocio_position_rec rec;
};

struct stage {
    struct data *d; /* for interning skill codes only */
    struct staged_seeker *s;
    size_t ns, cap_s;
    struct staged_position *p;
    size_t np, cap_p;
};

static incrocio_err stage_skill(void *ctx, const char *code, uint32_t *id)
{
    return dict_intern(&((struct stage *)ctx)->d->dict, code, id);
}

static incrocio_err stage_seeker(void *ctx, const char *id, const char *office,
                                 const struct incrocio_seeker_rec *rec)
{
    struct stage *st = ctx;
    if (st->ns == st->cap_s) {
        size_t cap = st->cap_s ? st->cap_s * 2 : 16;
        struct staged_seeker *s = realloc(st->s, cap * sizeof *s);
        if (!s)
            return INCROCIO_ERR_NOMEM;
        st->s = s;
        st->cap_s = cap;
    }
    struct staged_seeker *e = &st->s[st->ns];
    if (!uuid_parse(id, e->id))
        return INCROCIO_ERR_DB;
    snprintf(e->office, sizeof e->office, "%s", office);
    e->rec = *rec;
    st->ns++;
    return INCROCIO_OK;
}

static incrocio_err stage_position(void *ctx, const char *id, const char *vacancy_id,
                                   const char *office, const struct incrocio_position_rec *rec)
{
    struct stage *st = ctx;
    if (st->np == st->cap_p) {
        size_t cap = st->cap_p ? st->cap_p * 2 : 16;
        struct staged_position *p = realloc(st->p, cap * sizeof *p);
        if (!p)
            return INCROCIO_ERR_NOMEM;
        st->p = p;
        st->cap_p = cap;
    }
    struct staged_position *e = &st->p[st->np];
    if (!uuid_parse(id, e->id) || !uuid_parse(vacancy_id, e->vacancy))
        return INCROCIO_ERR_DB;
    snprintf(e->office, sizeof e->office, "%s", office);
    e->rec = *rec;
    st->np++;
    return INCROCIO_OK;
}

/* "{id,id,...}" of valid UUIDs (others are skipped: they name nothing). */
static char *uuid_array_new(const char *const *ids, size_t n)
{
    char *a = malloc(n * 37 + 3), *o = a;
    uint8_t scratch[16];
    if (!a)
        return NULL;
    *o++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (!uuid_parse(ids[i], scratch))
            continue;
        if (o[-1] != '{')
            *o++ = ',';
        memcpy(o, ids[i], 36);
        o += 36;
    }
    *o++ = '}';
    *o = '\0';
    return a;
}

static int staged_has_seeker(const struct stage *st, const uint8_t id[16])
{
    for (size_t i = 0; i < st->ns; i++)
        if (memcmp(st->s[i].id, id, 16) == 0)
            return 1;
    return 0;
}

static int staged_has_position(const struct stage *st, const uint8_t id[16])
{
    for (size_t i = 0; i < st->np; i++)
        if (memcmp(st->p[i].id, id, 16) == 0)
            return 1;
    return 0;
}

static incrocio_err apply(struct data *d, const struct stage *st, const char *const *seeker_ids,
                          size_t n_seekers, const char *const *vacancy_ids, size_t n_vacancies)
{
    incrocio_err err = INCROCIO_OK;
    uint8_t key[16];

    /* Who was asked for and did not come back is no longer live. */
    for (size_t i = 0; i < n_seekers; i++) {
        if (!uuid_parse(seeker_ids[i], key) || staged_has_seeker(st, key))
            continue;
        long at = idmap_get(&d->smap, key, d->s, sizeof *d->s);
        if (at >= 0)
            seeker_kill(d, (uint32_t)at);
    }
    for (size_t i = 0; err == INCROCIO_OK && i < st->ns; i++)
        err = seeker_put(d, st->s[i].id, st->s[i].office, &st->s[i].rec);
    for (size_t v = 0; v < n_vacancies; v++) {
        if (!uuid_parse(vacancy_ids[v], key))
            continue;
        for (size_t i = 0; i < d->np; i++) {
            struct pos_entry *e = &d->p[i];
            if (e->live && memcmp(e->vacancy, key, 16) == 0 && !staged_has_position(st, e->id)) {
                e->live = 0;
                d->live_positions--;
            }
        }
    }
    for (size_t i = 0; err == INCROCIO_OK && i < st->np; i++)
        err = position_put(d, st->p[i].id, st->p[i].vacancy, st->p[i].office, &st->p[i].rec);
    if (err == INCROCIO_OK && d->arena_dead > (1u << 20) && d->arena_dead * 2 > d->arena_n)
        err = arena_compact(d);
    return err;
}

incrocio_err incrocio_match_index_refresh(struct incrocio_match_index *ix, PGconn *pg,
                                          const char *const *seeker_ids, size_t n_seekers,
                                          const char *const *vacancy_ids, size_t n_vacancies)
{
    struct stage st;
    char *sids = NULL, *vids = NULL;
    incrocio_err err = INCROCIO_OK;

    memset(&st, 0, sizeof st);
    pthread_mutex_lock(&ix->write_mu);
    st.d = ix->d;
    struct incrocio_match_sink sink = {&st, stage_skill, stage_seeker, stage_position};
    if (n_seekers) {
        sids = uuid_array_new(seeker_ids, n_seekers);
        err = sids ? incrocio_match_stream_seekers(pg, ix->d->today, sids, &sink)
                   : INCROCIO_ERR_NOMEM;
    }
    if (err == INCROCIO_OK && n_vacancies) {
        vids = uuid_array_new(vacancy_ids, n_vacancies);
        err = vids ? incrocio_match_stream_positions(pg, ix->d->today, vids, &sink)
                   : INCROCIO_ERR_NOMEM;
    }
    if (err == INCROCIO_OK) {
        pthread_rwlock_wrlock(&ix->lock);
        err = apply(ix->d, &st, seeker_ids, n_seekers, vacancy_ids, n_vacancies);
        pthread_rwlock_unlock(&ix->lock);
    }
    pthread_mutex_unlock(&ix->write_mu);
    free(sids);
    free(vids);
    free(st.s);
    free(st.p);
    return err;
}

void incrocio_match_index_set_model(struct incrocio_match_index *ix,
                                    const struct incrocio_match_model *model)
{
    pthread_rwlock_wrlock(&ix->lock);
    ix->model = *model;
    pthread_rwlock_unlock(&ix->lock);
}

void incrocio_match_index_model(struct incrocio_match_index *ix, struct incrocio_match_model *out)
{
    pthread_rwlock_rdlock(&ix->lock);
    *out = ix->model;
    pthread_rwlock_unlock(&ix->lock);
}

void incrocio_match_index_stats(struct incrocio_match_index *ix, struct incrocio_match_stats *out)
{
    pthread_rwlock_rdlock(&ix->lock);
    const struct data *d = ix->d;
    size_t bytes = d->cap_s * sizeof *d->s + d->arena_cap * sizeof *d->arena +
                   (d->smap.mask + 1) * sizeof *d->smap.slots + d->npost * sizeof *d->post +
                   d->post_words * sizeof(uint32_t);
    out->today = d->today;
    out->seekers = d->live_seekers;
    out->positions = d->live_positions;
    out->bytes = bytes;
    out->skills = d->dict.n;
    pthread_rwlock_unlock(&ix->lock);
}

/* ---- searching ---- */

/* Who is in scope: an office index, or a set of offices (a province), or
 * everyone. */
struct scope {
    int office; /* -1: any; -2: an office the index does not know (nobody) */
    int province;
    uint8_t in_province[MAX_OFFICES];
};

static void scope_of(const struct data *d, const struct incrocio_match_query *q, struct scope *sc)
{
    sc->office = -1;
    sc->province = 0;
    if (q->office) {
        int i = office_find(d, q->office);
        sc->office = i >= 0 ? i : -2;
    }
    if (q->province) {
        sc->province = 1;
        for (size_t i = 0; i < d->n_offices; i++)
            sc->in_province[i] = strcmp(d->province[i], q->province) == 0;
    }
}

static int in_scope(const struct scope *sc, uint16_t office)
{
    if (sc->office != -1 && (sc->office < 0 || office != (uint16_t)sc->office))
        return 0;
    if (sc->province && (office == NO_OFFICE || !sc->in_province[office]))
        return 0;
    return 1;
}

static size_t seekers_in_scope(const struct data *d, const struct scope *sc)
{
    size_t n = 0;
    if (sc->office == -1 && !sc->province)
        return d->live_seekers;
    for (size_t i = 0; i < d->n_offices; i++)
        if (in_scope(sc, (uint16_t)i))
            n += d->live_by_office[i];
    return n;
}

/* score.c's filters that read only hot fields, in the same terms: 1 when
 * one of them surely excludes. */
static int cheap_excluded(const struct seeker_hot *h, const struct incrocio_position_rec *p)
{
    unsigned need = F_DID | F_CONSENT;
    if ((h->flags & need) != need)
        return 1;
    if ((p->licence_mask & ~h->licence_mask) != 0)
        return 1;
    if (p->eqf_required && h->eqf < p->min_eqf)
        return 1;
    if (h->contract_mask != 0 &&
        !(p->contract < 8 && (h->contract_mask & (1u << p->contract)) != 0))
        return 1;
    if ((h->working_time != INCROCIO_WT_ANY && h->working_time != p->working_time) ||
        (p->shifts && !(h->flags & F_SHIFTS)))
        return 1;
    if (p->l68_reserved && h->l68 == 0)
        return 1;
    return 0;
}

/* 1 only when score.c's distance filter surely excludes, without a
 * trigonometric call per person. The haversine's
 *   a = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2)
 * is bounded below with sin x >= x - x³/6 (0 <= x <= π/2: Δλ is taken
 * modulo the short way round) and cos φ1 >= 1 - φ1²/2; the limit's a is
 * bounded above with sin² x <= x². A bound beyond the limit by a relative
 * 1e-9, far above any rounding in score.c, means km > limit there too. */
static int surely_too_far(const struct seeker_hot *h, const struct incrocio_position_rec *p,
                          const struct place *pl)
{
    const double k = M_PI / 180.0;
    double limit = HUGE_VAL;

    if (p->max_distance_km != 0)
        limit = p->max_distance_km;
    if (!(h->flags & F_RELOCATE) && h->max_travel_km < limit)
        limit = h->max_travel_km;
    if (limit == HUGE_VAL)
        return 0;
    double phi = h->lat * k;
    double dphi = fabs(phi - pl->phi) / 2.0;
    double dlam = fabs(h->lon * k - pl->lambda);
    if (dlam > M_PI)
        dlam = 2.0 * M_PI - dlam;
    dlam /= 2.0;
    double sphi = dphi - dphi * dphi * dphi / 6.0;
    double slam = dlam - dlam * dlam * dlam / 6.0;
    double cos_lo = 1.0 - phi * phi / 2.0;
    double a_lb = sphi * sphi + (cos_lo > 0.0 ? cos_lo : 0.0) * pl->cos_phi * (slam * slam);
    double x = limit / (2.0 * 6371.0);
    return a_lb > x * x * (1.0 + 1e-9) + 1e-18;
}

static int64_t score6_of(double total)
{
    return (int64_t)rint(total * 1e6);
}

struct cand {
    int64_t score6;
    uint32_t idx;
    const uint8_t *id;
};

/* a ranks before b. */
static int better(const struct cand *a, const struct cand *b)
{
    if (a->score6 != b->score6)
        return a->score6 > b->score6;
    return memcmp(a->id, b->id, 16) < 0;
}

/* The best `cap` candidates seen, as a heap with the worst on top. */
struct topk {
    struct cand v[INCROCIO_MATCH_MAX_LIMIT + 1];
    size_t n, cap;
    int has_after;
    struct cand after;
    int64_t min_score6;
    size_t eligible;
};

static void topk_offer(struct topk *t, const struct cand *c)
{
    t->eligible++;
    if (c->score6 < t->min_score6 || (t->has_after && !better(&t->after, c)))
        return;
    if (t->n < t->cap) {
        size_t i = t->n++;
        t->v[i] = *c;
        while (i > 0 && better(&t->v[(i - 1) / 2], &t->v[i])) {
            struct cand tmp = t->v[i];
            t->v[i] = t->v[(i - 1) / 2];
            t->v[(i - 1) / 2] = tmp;
            i = (i - 1) / 2;
        }
        return;
    }
    if (!better(c, &t->v[0]))
        return;
    t->v[0] = *c;
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < t->n && better(&t->v[w], &t->v[l]))
            w = l;
        if (r < t->n && better(&t->v[w], &t->v[r]))
            w = r;
        if (w == i)
            break;
        struct cand tmp = t->v[i];
        t->v[i] = t->v[w];
        t->v[w] = tmp;
        i = w;
    }
}

static int cmp_rank(const void *a, const void *b)
{
    return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

static void topk_init(struct topk *t, const struct incrocio_match_query *q)
{
    memset(t, 0, sizeof *t);
    t->cap = (q->limit >= 1 && q->limit <= INCROCIO_MATCH_MAX_LIMIT ? q->limit : 20) + 1;
    t->min_score6 = q->min_score6;
}

/* Scores every seeker in scope who can be eligible for p, handing each
 * eligible one to visit. */
static void scan_seekers(const struct data *d, const struct incrocio_position_rec *p,
                         const struct scope *sc, const struct incrocio_weights *w,
                         void (*visit)(void *, const struct cand *), void *ctx)
{
    const uint32_t *list = NULL;
    size_t n = d->ns;
    int have_list = 0;
    struct incrocio_seeker_rec rec;
    struct incrocio_score score;
    const struct place pl = place_of(p);

    /* The rarest must-have skill's posting list holds everyone who can pass. */
    for (unsigned k = 0; k < p->n_skills; k++) {
        uint32_t id = p->skills[k].id;
        size_t len = id < d->npost ? d->post[id].n : 0;
        if (p->skills[k].must_have && (!have_list || len < n)) {
            have_list = 1;
            list = len ? d->post[id].v : NULL;
            n = len;
        }
    }
    for (size_t j = 0; j < n; j++) {
        uint32_t i = have_list ? list[j] : (uint32_t)j;
        const struct seeker_hot *h = &d->s[i];
        if (!(h->flags & F_LIVE) || !in_scope(sc, h->office) || cheap_excluded(h, p) ||
            surely_too_far(h, p, &pl))
            continue;
        expand(d, h, &rec);
        incrocio_score(&rec, p, w, d->today, &score);
        if (score.filters)
            continue;
        struct cand c = {score6_of(score.total), i, h->id};
        visit(ctx, &c);
    }
}

static void offer(void *t, const struct cand *c)
{
    topk_offer(t, c);
}

static const struct pos_entry *find_position(const struct data *d, const char *id)
{
    uint8_t key[16];
    long at;
    if (!uuid_parse(id, key) || (at = idmap_get(&d->pmap, key, d->p, sizeof *d->p)) < 0 ||
        !d->p[at].live)
        return NULL;
    return &d->p[at];
}

static long find_seeker(const struct data *d, const char *id)
{
    uint8_t key[16];
    long at;
    if (!uuid_parse(id, key) || (at = idmap_get(&d->smap, key, d->s, sizeof *d->s)) < 0 ||
        !(d->s[at].flags & F_LIVE))
        return -1;
    return at;
}

static void result_init(struct incrocio_match_result *out, const struct incrocio_match_index *ix)
{
    memset(out, 0, offsetof(struct incrocio_match_result, hits));
    out->model = ix->model;
    out->today = ix->d->today;
}

/* Sorts t's best and fills out's hits, explanations included. */
static incrocio_err
fill_hits(struct incrocio_match_result *out, struct topk *t, const struct incrocio_match_query *q,
          json_t *(*explain)(void *, const struct cand *, struct incrocio_match_hit *), void *ctx)
{
    qsort(t->v, t->n, sizeof t->v[0], cmp_rank);
    out->more = t->n == t->cap;
    out->n = out->more ? t->cap - 1 : t->n;
    for (size_t i = 0; i < out->n; i++) {
        struct incrocio_match_hit *hit = &out->hits[i];
        hit->rank = (q->after ? q->after_rank : 0) + (uint32_t)i + 1;
        hit->score6 = t->v[i].score6;
        hit->vacancy_id[0] = '\0';
        hit->explanation = explain(ctx, &t->v[i], hit);
        if (!hit->explanation) {
            incrocio_match_result_clear(out);
            return INCROCIO_ERR_NOMEM;
        }
    }
    return INCROCIO_OK;
}

struct explain_ctx {
    const struct data *d;
    const struct incrocio_position_rec *p;    /* for_position */
    const struct incrocio_seeker_rec *seeker; /* for_seeker */
    const struct incrocio_weights *w;
};

static json_t *explain_seeker_hit(void *vctx, const struct cand *c, struct incrocio_match_hit *hit)
{
    const struct explain_ctx *x = vctx;
    struct incrocio_seeker_rec rec;
    struct incrocio_score score;

    expand(x->d, &x->d->s[c->idx], &rec);
    incrocio_score(&rec, x->p, x->w, x->d->today, &score);
    uuid_format(c->id, hit->id);
    return incrocio_match_explain_new(&rec, x->p, &score, x->w, x->d->today, dict_code, &x->d->dict,
                                      0);
}

static void prepare_topk(struct topk *t, const struct incrocio_match_query *q, uint8_t after[16])
{
    topk_init(t, q);
    if (q->after && uuid_parse(q->after_id, after)) {
        t->has_after = 1;
        t->after.score6 = q->after_score6;
        t->after.id = after;
    }
}

/* One search's working memory (too big for a request thread's stack). */
struct search {
    struct topk t;
    struct scope sc;
    uint8_t after[16];
};

/* What one direction does under the read lock: find its subject by id,
 * offer every eligible candidate in scope, fill out's counts and hits. */
typedef incrocio_err (*direction_fn)(const struct incrocio_match_index *ix, const char *id,
                                     struct search *s, const struct incrocio_match_query *q,
                                     struct incrocio_match_result *out);

static incrocio_err search(struct incrocio_match_index *ix, const char *id,
                           const struct incrocio_match_query *q, struct incrocio_match_result *out,
                           direction_fn direction)
{
    struct search *s = malloc(sizeof *s);
    incrocio_err err;

    if (!s)
        return INCROCIO_ERR_NOMEM;
    prepare_topk(&s->t, q, s->after);
    pthread_rwlock_rdlock(&ix->lock);
    result_init(out, ix);
    scope_of(ix->d, q, &s->sc);
    err = direction(ix, id, s, q, out);
    pthread_rwlock_unlock(&ix->lock);
    free(s);
    return err;
}

static incrocio_err seekers_for_position(const struct incrocio_match_index *ix,
                                         const char *position_id, struct search *s,
                                         const struct incrocio_match_query *q,
                                         struct incrocio_match_result *out)
{
    const struct data *d = ix->d;
    const struct pos_entry *e = find_position(d, position_id);

    if (!e)
        return INCROCIO_ERR_NOT_FOUND;
    scan_seekers(d, &e->rec, &s->sc, &ix->model.weights, offer, &s->t);
    out->considered = seekers_in_scope(d, &s->sc);
    out->eligible = s->t.eligible;
    struct explain_ctx x = {d, &e->rec, NULL, &ix->model.weights};
    return fill_hits(out, &s->t, q, explain_seeker_hit, &x);
}

incrocio_err incrocio_match_for_position(struct incrocio_match_index *ix, const char *position_id,
                                         const struct incrocio_match_query *q,
                                         struct incrocio_match_result *out)
{
    return search(ix, position_id, q, out, seekers_for_position);
}

static json_t *explain_position_hit(void *vctx, const struct cand *c,
                                    struct incrocio_match_hit *hit)
{
    const struct explain_ctx *x = vctx;
    const struct pos_entry *e = &x->d->p[c->idx];
    struct incrocio_score score;

    incrocio_score(x->seeker, &e->rec, x->w, x->d->today, &score);
    uuid_format(e->id, hit->id);
    uuid_format(e->vacancy, hit->vacancy_id);
    return incrocio_match_explain_new(x->seeker, &e->rec, &score, x->w, x->d->today, dict_code,
                                      &x->d->dict, 0);
}

static incrocio_err positions_for_seeker(const struct incrocio_match_index *ix,
                                         const char *seeker_id, struct search *s,
                                         const struct incrocio_match_query *q,
                                         struct incrocio_match_result *out)
{
    const struct data *d = ix->d;
    long at = find_seeker(d, seeker_id);
    struct incrocio_seeker_rec rec;
    struct incrocio_score score;

    if (at < 0)
        return INCROCIO_ERR_NOT_FOUND;
    const struct seeker_hot *h = &d->s[at];
    expand(d, h, &rec);
    for (size_t i = 0; i < d->np; i++) {
        const struct pos_entry *e = &d->p[i];
        if (!e->live || !in_scope(&s->sc, e->office))
            continue;
        out->considered++;
        /* The same shortcuts as the other direction: surely excluded. */
        if (cheap_excluded(h, &e->rec) || surely_too_far(h, &e->rec, &e->place))
            continue;
        incrocio_score(&rec, &e->rec, &ix->model.weights, d->today, &score);
        if (score.filters)
            continue;
        struct cand c = {score6_of(score.total), (uint32_t)i, e->id};
        topk_offer(&s->t, &c);
    }
    out->eligible = s->t.eligible;
    struct explain_ctx x = {d, NULL, &rec, &ix->model.weights};
    return fill_hits(out, &s->t, q, explain_position_hit, &x);
}

incrocio_err incrocio_match_for_seeker(struct incrocio_match_index *ix, const char *seeker_id,
                                       const struct incrocio_match_query *q,
                                       struct incrocio_match_result *out)
{
    return search(ix, seeker_id, q, out, positions_for_seeker);
}

struct rank_count {
    const struct cand *of;
    uint32_t before;
};

static void count_before(void *ctx, const struct cand *c)
{
    struct rank_count *r = ctx;
    if (better(c, r->of))
        r->before++;
}

incrocio_err incrocio_match_explain_pair(struct incrocio_match_index *ix, const char *position_id,
                                         const char *seeker_id, json_t **out, uint32_t *rank,
                                         int64_t *score6, struct incrocio_match_model *model)
{
    incrocio_err err = INCROCIO_OK;

    *out = NULL;
    *rank = 0;
    *score6 = 0;
    pthread_rwlock_rdlock(&ix->lock);
    *model = ix->model;
    const struct data *d = ix->d;
    const struct pos_entry *e = find_position(d, position_id);
    long at = find_seeker(d, seeker_id);
    if (!e || at < 0) {
        err = INCROCIO_ERR_NOT_FOUND;
    } else {
        struct incrocio_seeker_rec rec;
        struct incrocio_score score;
        expand(d, &d->s[at], &rec);
        incrocio_score(&rec, &e->rec, &ix->model.weights, d->today, &score);
        *score6 = score.filters ? 0 : score6_of(score.total);
        if (!score.filters) {
            struct cand c = {*score6, (uint32_t)at, d->s[at].id};
            struct scope everyone = {.office = -1};
            struct rank_count r = {&c, 0};
            scan_seekers(d, &e->rec, &everyone, &ix->model.weights, count_before, &r);
            *rank = r.before + 1;
        }
        *out = incrocio_match_explain_new(&rec, &e->rec, &score, &ix->model.weights, d->today,
                                          dict_code, &d->dict, 1);
        if (!*out)
            err = INCROCIO_ERR_NOMEM;
    }
    pthread_rwlock_unlock(&ix->lock);
    return err;
}

void incrocio_match_result_clear(struct incrocio_match_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        json_decref(r->hits[i].explanation);
        r->hits[i].explanation = NULL;
    }
    r->n = 0;
}
