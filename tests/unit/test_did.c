/* The DID state machine, the whole table: every event from every state. */
#include "unit.h"

#include "incrocio/job_seekers.h"

static const char states[] = {'\0', 'I', 'C', 'S', 'R', 'A', 'E'};
static const char *const events[] = {"register", "validate", "suspend", "resume",
                                     "revoke",   "cancel",   "reject"};

/* expected[state][event]: the state after, '\0' when refused. Rows follow
 * `states`, columns `events`. */
static const char expected[7][7] = {
    /*          reg  val  sus  res  rev  can  rej */
    /* none */ {'I', 0, 0, 0, 0, 0, 0},
    /* I    */ {0, 'C', 0, 0, 'R', 'A', 'E'},
    /* C    */ {0, 0, 'S', 0, 'R', 'A', 0},
    /* S    */ {0, 0, 0, 'C', 'R', 'A', 0},
    /* R    */ {'I', 0, 0, 0, 0, 0, 0},
    /* A    */ {'I', 0, 0, 0, 0, 0, 0},
    /* E    */ {'I', 0, 0, 0, 0, 0, 0},
};

static void test_every_transition(void **state)
{
    (void)state;
    for (int s = 0; s < 7; s++)
        for (int e = 0; e < 7; e++)
            ROW_INT(s * 7 + e, incrocio_did_next(states[s], events[e]), expected[s][e]);
}

static void test_unknown_events_and_states(void **state)
{
    (void)state;
    assert_int_equal(incrocio_did_next('I', "approve"), '\0');
    assert_int_equal(incrocio_did_next('I', NULL), '\0');
    assert_int_equal(incrocio_did_next('X', "validate"), '\0');
    assert_int_equal(incrocio_did_next('X', "register"), '\0');
    for (size_t e = 0; e < 7; e++)
        assert_true(incrocio_did_event_valid(events[e]));
    assert_false(incrocio_did_event_valid("Register"));
    assert_false(incrocio_did_event_valid(""));
    assert_false(incrocio_did_event_valid(NULL));
}

static void test_state_names(void **state)
{
    (void)state;
    assert_string_equal(incrocio_did_state_name('I'), "inserita");
    assert_string_equal(incrocio_did_state_name('C'), "convalidata");
    assert_string_equal(incrocio_did_state_name('S'), "sospesa");
    assert_string_equal(incrocio_did_state_name('R'), "revocata");
    assert_string_equal(incrocio_did_state_name('A'), "annullata");
    assert_string_equal(incrocio_did_state_name('E'), "non_ammessa");
    assert_null(incrocio_did_state_name('\0'));
    assert_null(incrocio_did_state_name('Z'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_unknown_events_and_states),
        cmocka_unit_test(test_state_names),
    };
    return cmocka_run_group_tests_name("did", tests, NULL, NULL);
}
