/* The candidacy stage table, the whole of it: every move from every stage,
 * for operators and for employers. */
#include "unit.h"

#include "incrocio/candidacy.h"

/* allowed[from][to], rows and columns in incrocio_candidacy_stages' order:
 * proposed, contacted, sent_to_employer, interview, hired, not_selected,
 * withdrawn, declined_by_seeker. */
static const int allowed[8][8] = {
    /*            pro con sen int hir not wit dec */
    /* proposed */ {0, 1, 0, 0, 0, 0, 1, 1},
    /* contacted */ {0, 0, 1, 0, 0, 0, 1, 1},
    /* sent */ {0, 0, 0, 1, 1, 1, 1, 1},
    /* interview */ {0, 0, 0, 0, 1, 1, 1, 1},
    /* hired */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* not_sel */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* withdrawn */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* declined */ {0, 0, 0, 0, 0, 0, 0, 0},
};

/* What an employer may record: the outcomes of a candidacy sent to it. */
static const int employer[8][8] = {
    /*            pro con sen int hir not wit dec */
    /* proposed */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* contacted */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* sent */ {0, 0, 0, 1, 1, 1, 0, 0},
    /* interview */ {0, 0, 0, 0, 1, 1, 0, 0},
    /* hired */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* not_sel */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* withdrawn */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* declined */ {0, 0, 0, 0, 0, 0, 0, 0},
};

static void test_every_move(void **state)
{
    (void)state;
    for (int f = 0; f < 8; f++)
        for (int t = 0; t < 8; t++) {
            const char *from = incrocio_candidacy_stages[f], *to = incrocio_candidacy_stages[t];
            ROW_INT(f * 8 + t, incrocio_candidacy_may_move(from, to), allowed[f][t]);
            ROW_INT(100 + f * 8 + t, incrocio_candidacy_employer_may_move(from, to),
                    employer[f][t]);
        }
}

static void test_open_stages(void **state)
{
    static const int open[8] = {1, 1, 1, 1, 0, 0, 0, 0};
    (void)state;
    for (int s = 0; s < 8; s++) {
        ROW_INT(s, incrocio_candidacy_stage_open(incrocio_candidacy_stages[s]), open[s]);
        ROW_INT(s, incrocio_candidacy_stage_valid(incrocio_candidacy_stages[s]), 1);
    }
}

static void test_unknown_stages(void **state)
{
    (void)state;
    assert_false(incrocio_candidacy_stage_valid("Proposed"));
    assert_false(incrocio_candidacy_stage_valid(""));
    assert_false(incrocio_candidacy_stage_valid(NULL));
    assert_false(incrocio_candidacy_stage_open("sent"));
    assert_false(incrocio_candidacy_may_move("proposed", "hire"));
    assert_false(incrocio_candidacy_may_move("proposal", "contacted"));
    assert_false(incrocio_candidacy_may_move(NULL, "contacted"));
    assert_false(incrocio_candidacy_may_move("proposed", NULL));
    assert_false(incrocio_candidacy_employer_may_move("interview", "interviewed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_move),
        cmocka_unit_test(test_open_stages),
        cmocka_unit_test(test_unknown_stages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
