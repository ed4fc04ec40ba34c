#ifndef INCROCIO_CANDIDACY_H
#define INCROCIO_CANDIDACY_H

/* A candidacy's stages and who may move it (pure rules, src/domain/candidacy.c).
 *
 *   proposed → contacted → sent_to_employer → interview → hired | not_selected
 *
 * and from any open stage: withdrawn (the CPI takes the proposal back) or
 * declined_by_seeker. sent_to_employer may go straight to hired or
 * not_selected (no interview). hired, not_selected, withdrawn and
 * declined_by_seeker are final. */

#define INCROCIO_CANDIDACY_STAGES 8

/* The stages in order, as the API spells them. */
extern const char *const incrocio_candidacy_stages[INCROCIO_CANDIDACY_STAGES];

/* 1 when stage is one of the eight. */
int incrocio_candidacy_stage_valid(const char *stage);

/* 1 when stage is still open (proposed, contacted, sent_to_employer, interview). */
int incrocio_candidacy_stage_open(const char *stage);

/* 1 when a candidacy at stage `from` may move to `to`. */
int incrocio_candidacy_may_move(const char *from, const char *to);

/* 1 when an employer may record the move to `to` on a candidacy at `from`:
 * only the outcomes of what it has been sent (interview, hired, not_selected),
 * which no earlier stage leads to. */
int incrocio_candidacy_employer_may_move(const char *from, const char *to);

#endif
