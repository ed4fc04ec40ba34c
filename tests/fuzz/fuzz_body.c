/* A request body, as the dispatcher and the validators see it: the depth
 * scan, jansson with our flags, then every body validator. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/employer.h"
#include "incrocio/job_seeker.h"
#include "incrocio/jsonscan.h"
#include "incrocio/limits.h"
#include "incrocio/offices.h"
#include "incrocio/vacancy.h"
#include "incrocio/weights.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *body, *errors;
    struct incrocio_office_patch patch;

    (void)incrocio_utf8_valid((const char *)data, size);
    if (incrocio_jsonscan_depth((const char *)data, size, INCROCIO_JSON_MAX_DEPTH, NULL) != 0)
        return 0;
    body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (body == NULL)
        return 0;
    if (json_is_object(body)) {
        errors = json_array();
        incrocio_office_patch_parse(body, &patch, errors);
        /* every error must serialise: pointers and details are valid UTF-8 */
        char *text = json_dumps(errors, 0);
        if (text == NULL)
            __builtin_trap();
        free(text);
        json_decref(errors);

        /* The job seeker validator: a canonical document is a fixed point. */
        errors = json_array();
        json_t *canon = incrocio_job_seeker_canonical_new(body, "2026-11-26", errors);
        if (canon != NULL) {
            json_t *again_errors = json_array();
            json_t *again = incrocio_job_seeker_canonical_new(canon, "2026-11-26", again_errors);
            if (again == NULL || !json_equal(again, canon))
                __builtin_trap();
            json_decref(again);
            json_decref(again_errors);
            json_t *merged = incrocio_json_merge_patch_new(canon, body);
            json_decref(merged);
        }
        text = json_dumps(errors, 0);
        if (text == NULL)
            __builtin_trap();
        free(text);
        json_decref(canon);
        json_decref(errors);

        /* Employers and vacancies: canonical documents are fixed points too. */
        errors = json_array();
        canon = incrocio_employer_canonical_new(body, errors);
        if (canon != NULL) {
            json_t *again_errors = json_array();
            json_t *again = incrocio_employer_canonical_new(canon, again_errors);
            if (again == NULL || !json_equal(again, canon))
                __builtin_trap();
            json_decref(again);
            json_decref(again_errors);
        }
        json_decref(canon);
        json_decref(errors);
        errors = json_array();
        canon = incrocio_vacancy_canonical_new(body, "2026-11-26", errors);
        if (canon != NULL) {
            json_t *again_errors = json_array();
            json_t *again = incrocio_vacancy_canonical_new(canon, "2026-11-26", again_errors);
            if (again == NULL || !json_equal(again, canon))
                __builtin_trap();
            incrocio_vacancy_publish_check(canon, "2026-11-26", again_errors);
            json_decref(again);
            json_decref(again_errors);
        }
        text = json_dumps(errors, 0);
        if (text == NULL)
            __builtin_trap();
        free(text);
        json_decref(canon);
        json_decref(errors);

        /* The matching weights: what validates round-trips exactly. */
        struct incrocio_weights w, back;
        errors = json_array();
        if (incrocio_weights_from_json(json_object_get(body, "weights"), &w, errors) == 0) {
            json_t *again = incrocio_weights_to_json_new(&w);
            json_t *again_errors = json_array();
            if (again == NULL || incrocio_weights_from_json(again, &back, again_errors) != 0 ||
                memcmp(&w, &back, sizeof w) != 0)
                __builtin_trap();
            json_decref(again);
            json_decref(again_errors);
        }
        json_decref(errors);
    }
    json_decref(body);
    return 0;
}
