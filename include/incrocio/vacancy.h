#ifndef INCROCIO_VACANCY_H
#define INCROCIO_VACANCY_H

#include <jansson.h>
#include <stddef.h>

/* domain/vacancy.c: the vacancy's document (DESIGN §9), validated and put in
 * canonical form, and what publishing it needs. Pure: no database, no clock
 * but as a fallback. */

/* The detail of every "criteria.forbidden" error, word for word. */
#define INCROCIO_CRITERIA_FORBIDDEN_DETAIL                                                 \
    "requirements on age, sex, citizenship, marital status or other protected attributes " \
    "are not allowed (D.Lgs 276/2003 art. 10)"

/* Structural validation (types, formats, codes, forbidden criteria) of a
 * vacancy document — the body of POST /v1/vacancies, or the result of
 * applying a merge patch to the stored document — for drafts and every save.
 * Returns the canonical document the database stores: exactly the known
 * fields, every optional one present (null or its default), codes normalised
 * (UUIDs, language codes lower case; CEFR levels and licences upper case;
 * licences sorted in the order of incrocio_licences; numbers of pay as
 * reals):
 *
 *   {"employer_id", "office_code", "title", "description", "valid_from",
 *    "valid_until", "positions": [{"id", "occupation_code", "title",
 *    "quantity", "contract_type", "working_time", "weekly_hours", "shifts",
 *    "workplace": {"comune_istat", "lat", "lon"}, "remote_share", "pay",
 *    "requirements": {"skills": [{"code", "must_have", "weight"}],
 *    "education": {"min_eqf", "required"} | null,
 *    "languages": [{"code", "min_cefr", "required"}], "licences",
 *    "min_experience_months", "max_distance_km"},
 *    "l68_reserved", "apprenticeship"}]}
 *
 * A draft may lack a description, its dates and its positions: see
 * incrocio_vacancy_publish_check. An apprenticeship position must have the
 * contract "apprendistato" and that contract only an apprenticeship
 * ("apprenticeship.contract_mismatch").
 *
 * A member anywhere in the document — in a position, its requirements, an
 * item, inside an unknown member — whose name is a protected attribute (age,
 * sex, citizenship, marital status, religion, disability... in English or
 * Italian, compared case-insensitively and ignoring '_', '-' and spaces) is
 * "criteria.forbidden" with INCROCIO_CRITERIA_FORBIDDEN_DETAIL: D.Lgs
 * 276/2003 art. 10 forbids selecting on them. The apprenticeship's age window
 * is the law's, applied by matching; an employer never writes it. Those
 * errors come after the others.
 *
 * A null member is the same as an absent one. id, version, state,
 * created_at, updated_at, published_at, closed_at, employer and
 * employer_name are "field.read_only", and so is a position's "filled"; any
 * other unknown member is "field.unknown". Existence of the employer, the
 * office, the comuni and of a position's id is not checked here.
 *
 * today ("YYYY-MM-DD", else the current UTC date) is taken for symmetry with
 * the publish check: no structural rule depends on it, so that an expired
 * vacancy can still be saved.
 *
 * Appends one {"pointer","code","detail"} to errors per invalid field and
 * returns NULL when it appended any; NULL with nothing appended means out of
 * memory. The caller frees the result. */
json_t *incrocio_vacancy_canonical_new(const json_t *doc, const char *today, json_t *errors);

/* What publishing needs beyond structure, checked on a canonical document:
 * a description, both validity dates, valid_until not before today, at least
 * one position, weekly_hours on every part-time position. Appends one error
 * per missing piece ("publish.missing" at its pointer, or "valid_until.past")
 * and returns their count: 0 means publishable. today as above. */
size_t incrocio_vacancy_publish_check(const json_t *canonical, const char *today, json_t *errors);

#endif
