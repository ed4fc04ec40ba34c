#ifndef INCROCIO_API_H
#define INCROCIO_API_H

#include "incrocio/http.h"

/* Handlers, one file per resource in src/api/. Routed by src/http/routes.c. */

void incrocio_api_status_get(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx);
void incrocio_api_openapi_get(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx);
void incrocio_api_metrics_get(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx);

void incrocio_api_offices_list(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx);
void incrocio_api_office_get(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx);
void incrocio_api_office_patch(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx);

void incrocio_api_audit_list(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx);

void incrocio_api_job_seeker_create(const struct _u_request *req, struct _u_response *resp,
                                    struct incrocio_req *ctx);
void incrocio_api_job_seeker_get(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx);
void incrocio_api_job_seeker_patch(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx);
void incrocio_api_job_seeker_delete(const struct _u_request *req, struct _u_response *resp,
                                    struct incrocio_req *ctx);
void incrocio_api_job_seekers_list(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx);
void incrocio_api_job_seeker_lookup(const struct _u_request *req, struct _u_response *resp,
                                    struct incrocio_req *ctx);
void incrocio_api_did_get(const struct _u_request *req, struct _u_response *resp,
                          struct incrocio_req *ctx);
void incrocio_api_did_event_create(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx);

void incrocio_api_agreement_create(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx);
void incrocio_api_agreements_get(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx);

void incrocio_api_employer_create(const struct _u_request *req, struct _u_response *resp,
                                  struct incrocio_req *ctx);
void incrocio_api_employer_get(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx);
void incrocio_api_employer_patch(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx);
void incrocio_api_employer_delete(const struct _u_request *req, struct _u_response *resp,
                                  struct incrocio_req *ctx);
void incrocio_api_employers_list(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx);
void incrocio_api_vacancy_create(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx);
void incrocio_api_vacancy_get(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx);
void incrocio_api_vacancy_patch(const struct _u_request *req, struct _u_response *resp,
                                struct incrocio_req *ctx);
void incrocio_api_vacancies_list(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx);
void incrocio_api_vacancy_event_create(const struct _u_request *req, struct _u_response *resp,
                                       struct incrocio_req *ctx);

/* src/api/matches.c: the matching index's answers. */
void incrocio_api_position_matches(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx);
void incrocio_api_pair_explain(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx);
void incrocio_api_seeker_matches(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx);
struct incrocio_match_index;
/* The server's matching index, or NULL with a 503 (Retry-After) sent while it loads. */
struct incrocio_match_index *incrocio_api_match_index(const struct _u_request *req,
                                                      struct _u_response *resp,
                                                      const struct incrocio_req *ctx);
/* src/api/model.c: the weights in force and their versions. */
void incrocio_api_model_get(const struct _u_request *req, struct _u_response *resp,
                            struct incrocio_req *ctx);
void incrocio_api_model_put(const struct _u_request *req, struct _u_response *resp,
                            struct incrocio_req *ctx);
void incrocio_api_model_versions(const struct _u_request *req, struct _u_response *resp,
                                 struct incrocio_req *ctx);

/* src/api/candidacies.c: candidacies and their stages. */
void incrocio_api_candidacy_create(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx);
void incrocio_api_candidacy_get(const struct _u_request *req, struct _u_response *resp,
                                struct incrocio_req *ctx);
void incrocio_api_candidacies_list(const struct _u_request *req, struct _u_response *resp,
                                   struct incrocio_req *ctx);
void incrocio_api_candidacy_event_create(const struct _u_request *req, struct _u_response *resp,
                                         struct incrocio_req *ctx);
/* src/api/service_records.c: the services the CPIs delivered. */
void incrocio_api_service_record_create(const struct _u_request *req, struct _u_response *resp,
                                        struct incrocio_req *ctx);
void incrocio_api_service_record_get(const struct _u_request *req, struct _u_response *resp,
                                     struct incrocio_req *ctx);
void incrocio_api_service_records_list(const struct _u_request *req, struct _u_response *resp,
                                       struct incrocio_req *ctx);
/* src/api/statistics.c: the region's aggregates. */
void incrocio_api_statistics_delivery(const struct _u_request *req, struct _u_response *resp,
                                      struct incrocio_req *ctx);
void incrocio_api_statistics_matching(const struct _u_request *req, struct _u_response *resp,
                                      struct incrocio_req *ctx);

/* Who may change a vacancy of this office and employer: admins, operators of
 * the office, the employer itself (src/api/vacancies.c). */
int incrocio_api_vacancy_may_write(const struct incrocio_req *ctx, const char *office,
                                   const char *employer_id);

/* src/api/changes.c: the changes feed. */
void incrocio_api_changes_list(const struct _u_request *req, struct _u_response *resp,
                               struct incrocio_req *ctx);

/* src/api/common.c: what every resource handler does the same way. */

/* Today's date in UTC, "YYYY-MM-DD". */
void incrocio_api_today(char out[11]);
/* 1 when id is a UUID; else a 404 has been sent (a malformed id names nothing). */
int incrocio_api_uuid_or_404(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx, const char *id);
/* Commits when err is OK, returns the connection (rolling back whatever is
 * left open) and answers for any error: CONFLICT with conflict_detail as a
 * 409, the rest mapped by incrocio_problem_from_err. 1 when all went well. */
int incrocio_api_finish(const struct _u_request *req, struct _u_response *resp,
                        struct incrocio_req *ctx, struct incrocio_db_conn *conn, incrocio_err err,
                        const char *conflict_detail);
/* doc with its ETag (from its "version"). */
void incrocio_api_send_versioned(struct _u_response *resp, unsigned status, const json_t *doc);
/* doc as a GET answers it: 304 when If-None-Match names its ETag, else 200. */
void incrocio_api_send_current(const struct _u_request *req, struct _u_response *resp,
                               const json_t *doc);
/* RFC 7396: patch applied to the stored representation less the members the
 * server owns (owned: NULL-terminated). The caller frees the result. */
json_t *incrocio_api_merge_stored_new(const json_t *stored, const json_t *patch,
                                      const char *const *owned);
/* A page of a list: {"items", "next_cursor"}, and when more follow a Link
 * to the next page (path, limit, the cursor of last_key in scope) keeping the
 * query parameters named in keep (NULL-terminated). items is stolen. */
void incrocio_api_send_page(const struct _u_request *req, struct _u_response *resp,
                            const char *path, const char *scope, int limit, int more,
                            const char *last_key, json_t *items, const char *const *keep);
/* Checks out a connection and begins the request's transaction: 1, or 0
 * with the problem (503 when the database is unavailable) sent. */
int incrocio_api_begin(const struct _u_request *req, struct _u_response *resp,
                       struct incrocio_req *ctx, struct incrocio_db_conn **conn);
/* The same on a given pool (the read replica's: src/api/replica.c). */
int incrocio_api_begin_on(const struct _u_request *req, struct _u_response *resp,
                          struct incrocio_req *ctx, struct incrocio_db_pool *pool,
                          struct incrocio_db_conn **conn);
/* 1 when the request carries If-Match; else the 428 naming what (e.g. "vacancy")
 * has been sent. */
int incrocio_api_require_if_match(const struct _u_request *req, struct _u_response *resp,
                                  const struct incrocio_req *ctx, const char *if_match,
                                  const char *what);
/* The 422 for the collected errors (stolen). */
void incrocio_api_validation_failed(const struct _u_request *req, struct _u_response *resp,
                                    const struct incrocio_req *ctx, json_t *errors);

/* Booking (src/api/slots.c, src/api/appointments.c): slots per office and
 * service type, appointments in them, the office's day. */
void incrocio_api_slot_create(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx);
void incrocio_api_slots_list(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx);
void incrocio_api_slot_get(const struct _u_request *req, struct _u_response *resp,
                           struct incrocio_req *ctx);
void incrocio_api_slot_delete(const struct _u_request *req, struct _u_response *resp,
                              struct incrocio_req *ctx);
void incrocio_api_agenda_get(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx);
void incrocio_api_appointment_create(const struct _u_request *req, struct _u_response *resp,
                                     struct incrocio_req *ctx);
void incrocio_api_appointment_get(const struct _u_request *req, struct _u_response *resp,
                                  struct incrocio_req *ctx);
void incrocio_api_appointment_delete(const struct _u_request *req, struct _u_response *resp,
                                     struct incrocio_req *ctx);
/* 1 for admins and the operators of office. */
int incrocio_api_office_staff(const struct incrocio_req *ctx, const char *office);
/* Begins the request's transaction on office, which must exist (else 404)
 * and, with staff_only, be the caller's (else 403): 1, or 0 with the
 * problem sent and no connection held. */
int incrocio_api_office_open(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx, const char *office, int staff_only,
                             struct incrocio_db_conn **conn);

/* Scale-out (src/api/replica.c): the reads that may lag go to the replica. */
struct incrocio_db_pool;
/* The replica's pool while it is healthy, else the primary's. */
struct incrocio_db_pool *incrocio_api_read_pool(const struct incrocio_req *ctx);
/* incrocio_api_begin on incrocio_api_read_pool: *pool is where conn came
 * from, to give to incrocio_api_finish_read (or incrocio_db_checkin). */
int incrocio_api_begin_read(const struct _u_request *req, struct _u_response *resp,
                            struct incrocio_req *ctx, struct incrocio_db_pool **pool,
                            struct incrocio_db_conn **conn);
/* Commits (a read: nothing to keep) and gives conn back to pool: 1, or 0
 * with the problem sent. */
int incrocio_api_finish_read(const struct _u_request *req, struct _u_response *resp,
                             struct incrocio_req *ctx, struct incrocio_db_pool *pool,
                             struct incrocio_db_conn *conn, incrocio_err err);

#endif
