#ifndef INCROCIO_EMPLOYER_H
#define INCROCIO_EMPLOYER_H

#include <jansson.h>

/* domain/employer.c: the employer's document (an impresa, DESIGN §1),
 * validated and put in canonical form, and the Italian company codes it
 * carries. Pure: no database, no clock. */

/* Validates an employer document — the body of POST /v1/employers, or the
 * result of applying a merge patch to the stored document — and returns the
 * canonical document the database stores: exactly the known fields, every
 * optional one present (null), codes normalised (a 16-character codice
 * fiscale upper case):
 *
 *   {"name", "codice_fiscale", "partita_iva", "ateco_code", "headcount_band",
 *    "seat": {"comune_istat", "address"}, "email", "phone", "pec",
 *    "office_code"}
 *
 * codice_fiscale is 11 digits for a company (a partita IVA: its check digit
 * is verified, "partita_iva.check") or the 16-character personal code of a
 * sole trader (the codice_fiscale.* codes of incrocio_cf_error_code). The two
 * fields are not compared: a company's codice fiscale and partita IVA may
 * differ (bodies registered before they traded, or an IVA opened later).
 *
 * A null member is the same as an absent one. id, version, created_at and
 * updated_at are "field.read_only"; any other unknown member is
 * "field.unknown". Existence of the comune and of the office is not checked
 * here.
 *
 * Appends one {"pointer","code","detail"} to errors per invalid field and
 * returns NULL when it appended any; NULL with nothing appended means out of
 * memory. The caller frees the result. */
json_t *incrocio_employer_canonical_new(const json_t *doc, json_t *errors);

/* 1 for a partita IVA: 11 digits whose last is the check digit of the first
 * ten (digits in odd positions summed, those in even positions doubled, less
 * 9 when over 9, check = (10 - sum % 10) % 10). The office code and the
 * serial inside are not checked. 0 otherwise, NULL included. */
int incrocio_partita_iva_valid(const char *s);

/* 1 for the shape of an ATECO 2025 code at any of its levels: division "56",
 * group "56.1", class "56.10", category "56.10.1", subcategory "56.10.11".
 * The division is 01-99; a category or subcategory needs the class's two
 * digits before it. Whether ISTAT assigned the code is not checked. */
int incrocio_ateco_valid(const char *s);

#endif
