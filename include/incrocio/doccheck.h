#ifndef INCROCIO_DOCCHECK_H
#define INCROCIO_DOCCHECK_H

#include <jansson.h>
#include <stddef.h>

#include "incrocio/codice_fiscale.h"

/* domain/doccheck.c: what every document validator (job seeker, employer,
 * vacancy) does the same way, so that a field shared by two resources is
 * accepted, reported and put in canonical form identically in both. Pure: no
 * database, no clock but as a fallback.
 *
 * A validator walks the document once, field by field, appending every error
 * it finds instead of stopping at the first, and builds the canonical
 * document alongside: a client fixes a whole form in one round trip. Errors
 * are {"pointer","code","detail"} with an RFC 6901 pointer to the value.
 *
 * Naming: read_* checks a value already known to be present (its pointer
 * given); copy_* looks a member up in obj, reported at base/key, and on
 * success puts it into out under the same key. A null member is the same as
 * an absent one, because a merge patch removes a member by nulling it. */

/* Longest JSON pointer reported: only an unknown member's name can reach it,
 * and it is cut at a character boundary, so that an error never carries
 * invalid UTF-8. */
#define INCROCIO_PTR_MAX 256

/* flags of copy_text, read_text and copy_shaped */
#define INCROCIO_DOCCHECK_REQUIRED 1  /* absent is an error, not null */
#define INCROCIO_DOCCHECK_MULTILINE 2 /* free prose: tabs and line breaks allowed */

struct incrocio_doccheck {
    json_t *errors;
    size_t nerr; /* counted here too: an append that fails for memory still counts */
    int oom;     /* a piece of the result could not be built: it is dropped at the end */
    /* Dates that must not be in the future compare with this, injected so
     * that tests are stable. */
    char today[11];
    int year; /* today's */
    /* Members named after a protected attribute are left to a walk of their
     * own (the vacancy's "criteria.forbidden"), so each is reported once. */
    int skip_protected;
};

/* A closed code list with what a value outside it is told. fold is 'U'
 * (compare upper case), 'L' (lower case) or 0 (as is): the list's entry is
 * what the canonical document stores. */
struct incrocio_doccheck_codes {
    const char *const *list;
    char fold;
    const char *code;
    const char *detail;
};

/* A string format checked by a predicate, with what a value that fails it is
 * told. */
struct incrocio_doccheck_shape {
    int (*valid)(const char *s);
    const char *code;
    const char *detail;
};

/* The codes an array has listed so far, so that a repeat is reported: codes
 * has room for one per item the array may have. */
struct incrocio_doccheck_seen {
    const char **codes;
    size_t n;
};

/* Puts item, an object at ptr, in canonical form into out, a new object;
 * state is the caller's, shared by the items of one array. */
typedef void incrocio_doccheck_fill_fn(struct incrocio_doccheck *c, const json_t *item,
                                       const char *ptr, json_t *out, void *state);

/* Lists that several resources carry, so that their messages agree. */
extern const struct incrocio_doccheck_codes incrocio_doccheck_contract_types;
extern const struct incrocio_doccheck_codes incrocio_doccheck_licences;
extern const struct incrocio_doccheck_codes incrocio_doccheck_languages;
extern const struct incrocio_doccheck_codes incrocio_doccheck_cefr;

/* Sets c->today and c->year from today ("YYYY-MM-DD"), or from the current
 * UTC date when it is not a date. */
void incrocio_doccheck_set_today(struct incrocio_doccheck *c, const char *today);

/* The empty canonical object to fill, when doc is an object; else NULL, with
 * "field.type" and what reported at the root. NULL alone is out of memory. */
json_t *incrocio_doccheck_start(struct incrocio_doccheck *c, const json_t *doc, const char *what);

/* out when the walk found nothing wrong; otherwise frees it and returns NULL,
 * the errors (or nothing: out of memory) saying why. */
json_t *incrocio_doccheck_finish(struct incrocio_doccheck *c, json_t *out);

/* Appends an error; counted even if the append itself fails for memory, so
 * that an invalid document is never accepted. */
void incrocio_doccheck_fail(struct incrocio_doccheck *c, const char *ptr, const char *code,
                            const char *detail);

/* Appends "/" + key, escaped (~ as ~0, / as ~1), to the pointer of length len
 * in ptr (INCROCIO_PTR_MAX bytes, as every pointer buffer here), cut before a
 * character that does not fit; returns the new length. ptr[len] can be reset
 * to '\0' afterwards to walk back up. */
size_t incrocio_doccheck_extend(char *ptr, size_t len, const char *key);

/* out = base + "/" + key escaped (see incrocio_doccheck_extend). */
void incrocio_doccheck_join(char *out, const char *base, const char *key);

/* out = base + "/" + i. */
void incrocio_doccheck_join_index(char *out, const char *base, size_t i);

/* Steals value, NULL included. A failed allocation, here or in the functions
 * below that build, sets c->oom: the walk goes on, its errors still count. */
void incrocio_doccheck_put(struct incrocio_doccheck *c, json_t *obj, const char *key,
                           json_t *value);

/* Steals value, NULL included. */
void incrocio_doccheck_push(struct incrocio_doccheck *c, json_t *arr, json_t *value);

json_t *incrocio_doccheck_make_object(struct incrocio_doccheck *c);
json_t *incrocio_doccheck_make_array(struct incrocio_doccheck *c);

/* The member key of obj (NULL when obj is not an object: an absent parent
 * yields its members' defaults), its pointer base/key written to ptr. */
const json_t *incrocio_doccheck_find(const json_t *obj, const char *base, const char *key,
                                     char *ptr);

/* The array member key of obj when it is one of at most max items; NULL
 * when absent (an empty array, the default) or invalid (error added). */
const json_t *incrocio_doccheck_find_array(struct incrocio_doccheck *c, const json_t *obj,
                                           const char *base, const char *key, size_t max,
                                           char *ptr);

/* The array member key (see find_array) of objects, each put in canonical
 * form by fill, into out; an item that is not an object is reported and left
 * out. */
void incrocio_doccheck_copy_objects(struct incrocio_doccheck *c, const json_t *obj,
                                    const char *base, const char *key, size_t max,
                                    incrocio_doccheck_fill_fn *fill, void *state, json_t *out);

/* 1 for NULL or JSON null. */
int incrocio_doccheck_is_absent(const json_t *v);

/* Reports every member of obj not in known: those in read_only (may be NULL)
 * as "field.read_only", the rest as "field.unknown" with detail what. A
 * client that sends back what it read learns which fields it cannot set. */
void incrocio_doccheck_reject_unknown(struct incrocio_doccheck *c, const json_t *obj,
                                      const char *base, const char *const *known,
                                      const char *const *read_only, const char *what);

/* The checks of presence and type: 1 when satisfied, else 0 with the error
 * added. */
int incrocio_doccheck_require(struct incrocio_doccheck *c, const json_t *v, const char *ptr);

/* "field.type" with detail unless ok. */
int incrocio_doccheck_expect(struct incrocio_doccheck *c, int ok, const char *ptr,
                             const char *detail);
int incrocio_doccheck_expect_string(struct incrocio_doccheck *c, const json_t *v, const char *ptr);
int incrocio_doccheck_expect_object(struct incrocio_doccheck *c, const json_t *v, const char *ptr);

/* The string in v, or NULL when v is not a string or has a NUL inside: C
 * string checks would otherwise pass on a prefix of the value. */
const char *incrocio_doccheck_get_string(const json_t *v);

/* Limits are in characters, not bytes: jansson has already checked the UTF-8. */
size_t incrocio_doccheck_count_chars(const char *s, size_t len);

/* 1 when s is exactly n ASCII digits. */
int incrocio_doccheck_is_digits(const char *s, size_t n);

/* A present text of 1 to max characters without control characters (but
 * those MULTILINE allows) into *dst. */
int incrocio_doccheck_read_text(struct incrocio_doccheck *c, const json_t *v, const char *ptr,
                                size_t max, int flags, json_t **dst);

/* A text member (see read_text): REQUIRED, or null when absent. */
void incrocio_doccheck_copy_text(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                 const char *key, size_t max, int flags, json_t *out);

/* An integer member in [min, max]: when absent, required if dflt is -2, null
 * if dflt is -1, else dflt. */
void incrocio_doccheck_copy_integer(struct incrocio_doccheck *c, const json_t *obj,
                                    const char *base, const char *key, json_int_t min,
                                    json_int_t max, json_int_t dflt, json_t *out);

/* A boolean member, false when absent: its value, or -1 when invalid. */
int incrocio_doccheck_copy_boolean(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                   const char *key, json_t *out);

/* The members lat and lon of obj, both or neither (null), within Italy's
 * WGS84 bounds, stored as reals. */
void incrocio_doccheck_copy_lat_lon(struct incrocio_doccheck *c, const json_t *obj,
                                    const char *base, json_t *out);

/* A present value of codes: the list's entry, or NULL with the error added. */
const char *incrocio_doccheck_read_code(struct incrocio_doccheck *c, const json_t *v,
                                        const char *ptr,
                                        const struct incrocio_doccheck_codes *codes);

/* A required member of codes (see read_code). */
const char *incrocio_doccheck_copy_code(struct incrocio_doccheck *c, const json_t *obj,
                                        const char *base, const char *key,
                                        const struct incrocio_doccheck_codes *codes, json_t *out);

/* The array arr (NULL: empty) of codes at base (a list of at most 31 entries)
 * as a set: a repeated code is reported with the code duplicate, and the
 * result sorted in the list's order, so that equal sets store equal. */
json_t *incrocio_doccheck_read_set(struct incrocio_doccheck *c, const json_t *arr, const char *base,
                                   const struct incrocio_doccheck_codes *codes,
                                   const char *duplicate);

/* A present ISTAT CP2021 occupation code, or NULL with the error added. */
const char *incrocio_doccheck_read_occupation(struct incrocio_doccheck *c, const json_t *v,
                                              const char *ptr);

/* A string member key: REQUIRED, or null when absent; stored as it is when
 * shape->valid accepts it. */
void incrocio_doccheck_copy_shaped(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                   const char *key, int flags,
                                   const struct incrocio_doccheck_shape *shape, json_t *out);

/* The required member comune_istat: 6 digits (whether the comune exists is
 * the database's to say). */
void incrocio_doccheck_copy_comune(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                   json_t *out);

/* The required member key: an office code. */
void incrocio_doccheck_copy_office(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                   const char *key, json_t *out);

/* The member key, null when absent: an e-mail address. */
void incrocio_doccheck_copy_email(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                  const char *key, json_t *out);

/* The member key, null when absent: a phone number. */
void incrocio_doccheck_copy_phone(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                  const char *key, json_t *out);

/* The required member code of a skill item: 1 to 64 letters, digits and
 * . _ : -, not in seen, to which it is added. */
void incrocio_doccheck_copy_skill(struct incrocio_doccheck *c, const json_t *obj, const char *base,
                                  struct incrocio_doccheck_seen *seen, json_t *out);

/* The required member code of a language item: ISO 639-1, not in seen
 * (compared as list entries), to which it is added. */
void incrocio_doccheck_copy_language(struct incrocio_doccheck *c, const json_t *obj,
                                     const char *base, struct incrocio_doccheck_seen *seen,
                                     json_t *out);

/* A present date YYYY-MM-DD, with not_future not after c->today: the date,
 * or NULL with the error added. A real date before 1900 is "field.range", not
 * "field.format": the client learns that the year is what is wrong. */
const char *incrocio_doccheck_read_date(struct incrocio_doccheck *c, const json_t *v,
                                        const char *ptr, int not_future);

/* The detail of a codice fiscale error for a person's code. */
const char *incrocio_doccheck_describe_cf(enum incrocio_cf_error e);

#endif
