#ifndef INCROCIO_VALIDATE_H
#define INCROCIO_VALIDATE_H

/* Shapes shared by validators of every resource: pure, no allocation. */

/* 1 for a canonical lower- or upper-case UUID (8-4-4-4-12 hex digits). */
int incrocio_valid_uuid(const char *s);

/* 1 for a real calendar date YYYY-MM-DD (years 1900-2999). */
int incrocio_valid_date(const char *s);

/* 1 for a date, or an RFC 3339 instant: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). */
int incrocio_valid_instant(const char *s);

/* 1 for a decimal integer of 1 to 18 digits without sign. */
int incrocio_valid_id(const char *s);

/* 1 for a phone number: 5 to 40 characters of digits (at least 5), spaces and
 * ()./- with an optional leading +. 0 for NULL. */
int incrocio_valid_phone(const char *s);

/* 1 for a plausible e-mail address: 6 to 254 printable ASCII characters, one
 * @ not first, no spaces or <>,;"\, and a domain with a dot followed by at
 * least 2 characters. 0 for NULL. */
int incrocio_valid_email(const char *s);

/* 1 for a CP2021 code or one of its prefixes: "5", "5.2", ... "5.2.2.1.0". */
int incrocio_valid_occupation_prefix(const char *s);

#endif
