#ifndef INCROCIO_SCORE_H
#define INCROCIO_SCORE_H

#include <stddef.h>
#include <stdint.h>

/* The matching model (DESIGN §5): one pure function that scores a job seeker
 * against a position, used in both directions. Records are compact, typed
 * copies of what matching reads — never JSON, never rows — built by the index
 * (the loader maps codes to small integers). sql/oracle/ computes the same
 * model in SQL; both must do the float operations in the same order.
 *
 * Never inputs, by law (D.Lgs 276/2003 art. 10): sex, age (beyond the
 * apprenticeship's legal window), citizenship, birthplace, names, codice
 * fiscale, family status, disability (beyond the Law 68 reservation),
 * unemployment length. None of them is in these records but the birth date,
 * read only by the apprenticeship filter. */

#define INCROCIO_SCORE_MODEL_VERSION "2026.1"
#define INCROCIO_MAX_CODES 24 /* desired occupations + experiences */
#define INCROCIO_MAX_SKILLS 64
#define INCROCIO_MAX_LANGS 8

/* A CP2021 code packed one digit per 4 bits, level 1 in the top nibble:
 * "5.2.2.1.0" → 0x52210. Two codes share level k when their top k nibbles
 * are equal. */
typedef uint32_t incrocio_occ;

/* Contract types as bits (codes.h order): indeterminato 0, determinato 1,
 * apprendistato 2, tirocinio 3, somministrazione 4, intermittente 5. */
enum incrocio_working_time { INCROCIO_WT_ANY = 0, INCROCIO_WT_FULL = 1, INCROCIO_WT_PART = 2 };

struct incrocio_seeker_rec {
    uint8_t did_eligible;  /* DID inserita or convalidata */
    uint8_t consent;       /* matching_consent */
    uint8_t l68;           /* 0 none, 1 art1, 2 art18 */
    uint8_t eqf;           /* highest EQF level, 0 none */
    uint8_t working_time;  /* enum incrocio_working_time */
    uint8_t shifts;        /* accepts shifts */
    uint8_t relocate;      /* willing to relocate: no distance limit of its own */
    uint8_t contract_mask; /* accepted contract types; 0 means any */
    uint16_t licence_mask; /* bit i: codes.h licence i */
    uint16_t max_travel_km;
    int32_t birth_day; /* days since 1970-01-01 (apprenticeship window only) */
    double lat, lon;
    uint8_t n_occ; /* desired occupations first, then experiences */
    uint8_t n_desired;
    incrocio_occ occ[INCROCIO_MAX_CODES];
    uint16_t exp_months[INCROCIO_MAX_CODES]; /* months, for the experience entries */
    uint8_t n_skills;
    uint32_t skills[INCROCIO_MAX_SKILLS]; /* sorted ascending, distinct */
    uint8_t n_langs;
    uint16_t langs[INCROCIO_MAX_LANGS]; /* language id << 4 | CEFR rank (1 A1 .. 6 C2) */
};

struct incrocio_position_skill {
    uint32_t id;
    uint8_t must_have;
    uint8_t weight; /* 1..5 */
};

struct incrocio_position_rec {
    incrocio_occ occupation;
    uint8_t contract;     /* contract type index */
    uint8_t working_time; /* INCROCIO_WT_FULL or INCROCIO_WT_PART */
    uint8_t shifts;
    uint8_t l68_reserved;
    uint8_t apprenticeship;
    uint8_t min_eqf; /* 0: no requirement */
    uint8_t eqf_required;
    uint16_t licence_mask; /* all required */
    uint16_t min_experience_months;
    uint16_t max_distance_km; /* 0: no limit of its own */
    double lat, lon;
    uint8_t n_skills;
    struct incrocio_position_skill skills[INCROCIO_MAX_SKILLS]; /* sorted by id, distinct */
    uint8_t n_langs;
    uint16_t langs[INCROCIO_MAX_LANGS]; /* id << 4 | minimum rank */
    uint8_t langs_required[INCROCIO_MAX_LANGS];
};

/* Hard filters, each a reason an operator can read. */
enum incrocio_filter {
    INCROCIO_F_DID = 1u << 0,            /* DID not inserita or convalidata */
    INCROCIO_F_CONSENT = 1u << 1,        /* no consent to matching */
    INCROCIO_F_LICENCE = 1u << 2,        /* a required licence is missing */
    INCROCIO_F_SKILL = 1u << 3,          /* a must-have skill is missing */
    INCROCIO_F_EDUCATION = 1u << 4,      /* below a required EQF level */
    INCROCIO_F_LANGUAGE = 1u << 5,       /* below a required language level */
    INCROCIO_F_DISTANCE = 1u << 6,       /* beyond the position's or the person's limit */
    INCROCIO_F_CONTRACT = 1u << 7,       /* the contract type is not one the person accepts */
    INCROCIO_F_HOURS = 1u << 8,          /* full/part time or shifts do not fit */
    INCROCIO_F_L68 = 1u << 9,            /* reserved to Law 68/1999 and not enrolled */
    INCROCIO_F_APPRENTICESHIP = 1u << 10 /* outside 18-29 on the reference day (D.Lgs 81/2015) */
};

enum incrocio_component {
    INCROCIO_C_OCCUPATION,
    INCROCIO_C_SKILLS,
    INCROCIO_C_EXPERIENCE,
    INCROCIO_C_EDUCATION,
    INCROCIO_C_LANGUAGES,
    INCROCIO_C_DISTANCE,
    INCROCIO_C_CONTRACT,
    INCROCIO_C_COUNT
};

/* Default weights 30/25/15/10/8/7/5 (sum 100), in component order. */
struct incrocio_weights {
    double w[INCROCIO_C_COUNT];
};
extern const struct incrocio_weights incrocio_default_weights;

struct incrocio_score {
    unsigned filters;                   /* enum incrocio_filter bits that exclude; 0: eligible */
    double component[INCROCIO_C_COUNT]; /* each in [0, 1] */
    double total;                       /* weighted mean, in [0, 1]; 0 when filtered */
    double km;                          /* great-circle distance, 6371 km sphere */
    uint8_t occupation_level;           /* 0..5: deepest CP2021 level shared */
};

/* The number of leading CP2021 levels two packed codes share, 0..5. */
unsigned incrocio_occ_shared_levels(incrocio_occ a, incrocio_occ b);

/* The seeker's CEFR rank (1 A1 .. 6 C2) in language id, 0 when missing. */
unsigned incrocio_seeker_lang_rank(const struct incrocio_seeker_rec *s, unsigned id);

/* Scores seeker against position on reference day today (days since
 * 1970-01-01). Pure; every component is computed even when a filter
 * excludes, so that the explanation is complete. */
void incrocio_score(const struct incrocio_seeker_rec *seeker,
                    const struct incrocio_position_rec *position,
                    const struct incrocio_weights *weights, int32_t today,
                    struct incrocio_score *out);

#endif
