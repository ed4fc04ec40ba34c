#ifndef INCROCIO_CODES_H
#define INCROCIO_CODES_H

/* Closed code lists of the domain, each NULL-terminated and in its canonical
 * order (the order canonical documents sort their sets in). Pure, no
 * allocation. */

/* Driving licences (D.Lgs 59/2011) and the CQC professional certificate. */
extern const char *const incrocio_licences[];
/* Contract types (DESIGN §9). */
extern const char *const incrocio_contract_types[];
/* CEFR levels, A1 (lowest) to C2. */
extern const char *const incrocio_cefr_levels[];
/* full_time, part_time, any. */
extern const char *const incrocio_working_times[];
/* Every officially assigned ISO 3166-1 alpha-2 country code (249), upper case. */
extern const char *const incrocio_iso3166_alpha2[];
/* Every ISO 639-1 language code in force (183: "bh" was withdrawn in 2021 and
 * "sh" long before), lower case. */
extern const char *const incrocio_iso639_1[];
/* Law 68/1999 protected categories: art1, art18. */
extern const char *const incrocio_l68_categories[];

/* 1 when s (case-sensitive) is in list; 0 otherwise or when s is NULL. */
int incrocio_code_in(const char *const *list, const char *s);

/* The 0-based position of s in list, or -1 (also when s is NULL). */
int incrocio_code_index(const char *const *list, const char *s);

/* 1 (A1) to 6 (C2); 0 for anything else, NULL included. */
int incrocio_cefr_rank(const char *s);

/* 1 for the shape of an ISTAT CP2021 5th-level occupation code:
 * ^[1-9](\.[0-9]){4}$, e.g. "5.2.2.1.0". Whether ISTAT assigned it is not
 * checked. */
int incrocio_occupation_code_valid(const char *s);

/* Employers' headcount bands: 0-9, 10-15, 16-35, 36-50, 51-249, 250+, after
 * the thresholds of Law 68/1999 art. 3 (35, 50) and of the EU SME definition
 * (10, 250). The law obliges from 15 employees on; the band that holds 15 is
 * fixed by the API contract as "10-15", so a band alone cannot tell 14 from
 * 15. */
extern const char *const incrocio_headcount_bands[];
/* What a vacancy's pay range is per: hour, month, year. */
extern const char *const incrocio_pay_periods[];

/* 1 when name, a JSON member name, names a protected attribute that no
 * requirement may be about (D.Lgs 276/2003 art. 10): age, sex, citizenship,
 * marital status, religion, disability... in English or Italian ("min_age",
 * "eta_minima", "Età", "stato-civile"), compared with ASCII case, '_', '-'
 * and spaces ignored and accented vowels taken as plain ones. 0 for NULL. */
int incrocio_protected_attribute(const char *name);

#endif
