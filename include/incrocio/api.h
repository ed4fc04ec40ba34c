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

/* Today's date in UTC, "YYYY-MM-DD". */
void incrocio_api_today(char out[11]);

#endif
