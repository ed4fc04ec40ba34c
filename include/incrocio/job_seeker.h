#ifndef INCROCIO_JOB_SEEKER_H
#define INCROCIO_JOB_SEEKER_H

#include <jansson.h>

/* domain/job_seeker.c: the job seeker's document (the SAP, DESIGN §9),
 * validated and put in canonical form. Pure: no database, no clock. */

/* Validates a job seeker document — the body of POST /v1/job-seekers, or the
 * result of applying a merge patch to the stored document — and returns the
 * canonical document the database stores: exactly the known fields, every
 * optional one present (null or its default), codes normalised (codice
 * fiscale, citizenship, CEFR levels and licences upper case, language codes
 * lower case, licences and availability.contract_types sorted in the order of
 * their lists in codes.h, coordinates as reals).
 *
 * A null member is the same as an absent one (a merge patch removes it): an
 * optional field takes its default, a required one is "field.required".
 * id, version, created_at, updated_at, did and hires are "field.read_only": apply a
 * patch to the canonical document, not to the representation that carries
 * them. Existence of the comune and of the office is not checked here.
 *
 * Appends one {"pointer","code","detail"} to errors per invalid field and
 * returns NULL when it appended any; NULL with nothing appended means out of
 * memory. today is "YYYY-MM-DD" (injected so tests are stable; when it is not
 * a date, the current UTC date is used). The caller frees the result. */
json_t *incrocio_job_seeker_canonical_new(const json_t *doc, const char *today, json_t *errors);

/* RFC 7396 JSON merge patch: a new value, target with patch applied (null
 * members remove; a non-object patch replaces). target may be NULL (absent).
 * Neither argument is modified; NULL when out of memory. */
json_t *incrocio_json_merge_patch_new(const json_t *target, const json_t *patch);

#endif
