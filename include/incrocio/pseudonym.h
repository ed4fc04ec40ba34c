#ifndef INCROCIO_PSEUDONYM_H
#define INCROCIO_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>

/* How an employer names a job seeker it may not identify yet: "c_" + 16 hex
 * digits of HMAC-SHA256(secret, "<position id>:<job seeker id>") — stable
 * for one position and person (its ranking and its candidacies agree),
 * unlinkable across positions. 1 on success. */
int incrocio_pseudonym_make(const uint8_t *secret, size_t len, const char *position_id,
                            const char *seeker_id, char out[19]);

#endif
