#include "incrocio/api.h"
#include "incrocio/auth.h"
#include "incrocio/http.h"

#define PUBLIC INCROCIO_ACCESS_PUBLIC
#define ANY_KEY INCROCIO_ACCESS_ANY_KEY
#define ADMIN INCROCIO_ACCESS_ADMIN
#define OPERATOR INCROCIO_ACCESS_OPERATOR
#define PORTAL INCROCIO_ACCESS_PORTAL
#define EMPLOYER INCROCIO_ACCESS_EMPLOYER
#define MERGE INCROCIO_ROUTE_MERGE_PATCH
#define JSON INCROCIO_ROUTE_JSON_BODY
#define QUERY INCROCIO_ROUTE_QUERY

/* Every route of the API, in one place, each with the roles it admits; scope
 * within a role (an operator's offices, an employer's company) is the
 * handler's. The router adds HEAD to each GET and answers OPTIONS and 405. */
static const struct incrocio_route routes[] = {
    {"GET", "/v1/status", incrocio_api_status_get, PUBLIC, 0},
    {"GET", "/v1/openapi.yaml", incrocio_api_openapi_get, PUBLIC, 0},
    {"GET", "/metrics", incrocio_api_metrics_get, PUBLIC, INCROCIO_ROUTE_METRICS},
    {"GET", "/v1/offices", incrocio_api_offices_list, ANY_KEY, QUERY},
    {"GET", "/v1/offices/{code}", incrocio_api_office_get, ANY_KEY, 0},
    {"PATCH", "/v1/offices/{code}", incrocio_api_office_patch, ADMIN | OPERATOR,
     INCROCIO_ROUTE_MERGE_PATCH},
    {"GET", "/v1/audit-events", incrocio_api_audit_list, ADMIN, QUERY},
    /* Job seekers: employers never see them; portals only register them. */
    {"POST", "/v1/job-seekers", incrocio_api_job_seeker_create, ADMIN | OPERATOR | PORTAL, JSON},
    {"GET", "/v1/job-seekers", incrocio_api_job_seekers_list, ADMIN | OPERATOR, QUERY},
    {"GET", "/v1/job-seekers/{id}", incrocio_api_job_seeker_get, ADMIN | OPERATOR, 0},
    {"PATCH", "/v1/job-seekers/{id}", incrocio_api_job_seeker_patch, ADMIN | OPERATOR,
     INCROCIO_ROUTE_MERGE_PATCH},
    {"DELETE", "/v1/job-seekers/{id}", incrocio_api_job_seeker_delete, ADMIN | OPERATOR, 0},
    {"POST", "/v1/job-seeker-lookups", incrocio_api_job_seeker_lookup, ADMIN | OPERATOR, JSON},
    {"GET", "/v1/job-seekers/{id}/did", incrocio_api_did_get, ADMIN | OPERATOR, 0},
    {"POST", "/v1/job-seekers/{id}/did-events", incrocio_api_did_event_create,
     ADMIN | OPERATOR | PORTAL, JSON},
    {"POST", "/v1/job-seekers/{id}/service-agreements", incrocio_api_agreement_create,
     ADMIN | OPERATOR, JSON},
    {"GET", "/v1/job-seekers/{id}/service-agreements", incrocio_api_agreements_get,
     ADMIN | OPERATOR, 0},
    {"GET", "/v1/job-seekers/{id}/service-agreements/{agreement_id}", incrocio_api_agreements_get,
     ADMIN | OPERATOR, 0},
    /* Employers: an employer's key reaches its own record only. */
    {"POST", "/v1/employers", incrocio_api_employer_create, ADMIN | OPERATOR, JSON},
    {"GET", "/v1/employers", incrocio_api_employers_list, ADMIN | OPERATOR, QUERY},
    {"GET", "/v1/employers/{id}", incrocio_api_employer_get, ADMIN | OPERATOR | EMPLOYER, 0},
    {"PATCH", "/v1/employers/{id}", incrocio_api_employer_patch, ADMIN | OPERATOR | EMPLOYER,
     MERGE},
    {"DELETE", "/v1/employers/{id}", incrocio_api_employer_delete, ADMIN, 0},
    /* Vacancies: portals read the published ones, employers their own. */
    {"POST", "/v1/vacancies", incrocio_api_vacancy_create, ADMIN | OPERATOR | EMPLOYER, JSON},
    {"GET", "/v1/vacancies", incrocio_api_vacancies_list, ANY_KEY, QUERY},
    {"GET", "/v1/vacancies/{id}", incrocio_api_vacancy_get, ANY_KEY, 0},
    {"PATCH", "/v1/vacancies/{id}", incrocio_api_vacancy_patch, ADMIN | OPERATOR | EMPLOYER, MERGE},
    {"POST", "/v1/vacancies/{id}/events", incrocio_api_vacancy_event_create,
     ADMIN | OPERATOR | EMPLOYER, JSON},
    /* Matching: employers see their own positions' matches, pseudonymised;
     * a person's matches and one pair's explanation are for operators. */
    {"GET", "/v1/vacancies/{id}/positions/{position_id}/matches", incrocio_api_position_matches,
     ADMIN | OPERATOR | EMPLOYER, QUERY},
    {"GET", "/v1/vacancies/{id}/positions/{position_id}/matches/{job_seeker_id}",
     incrocio_api_pair_explain, ADMIN | OPERATOR, 0},
    {"GET", "/v1/job-seekers/{id}/matches", incrocio_api_seeker_matches, ADMIN | OPERATOR, QUERY},
    {"GET", "/v1/matching/model", incrocio_api_model_get, ANY_KEY, 0},
    {"PUT", "/v1/matching/model", incrocio_api_model_put, ADMIN, JSON},
    {"GET", "/v1/matching/model-versions", incrocio_api_model_versions, ANY_KEY, 0},
    /* Candidacies: operators propose and follow them; portals record a
     * person's own application; employers read those of their vacancies and
     * record the outcome of those sent to them. */
    {"POST", "/v1/candidacies", incrocio_api_candidacy_create, ADMIN | OPERATOR | PORTAL, JSON},
    {"GET", "/v1/candidacies", incrocio_api_candidacies_list, ADMIN | OPERATOR | EMPLOYER, QUERY},
    {"GET", "/v1/candidacies/{id}", incrocio_api_candidacy_get, ADMIN | OPERATOR | EMPLOYER, 0},
    {"POST", "/v1/candidacies/{id}/events", incrocio_api_candidacy_event_create,
     ADMIN | OPERATOR | EMPLOYER, JSON},
    /* The changes feed: staff read every entry, portals the public ones. */
    {"GET", "/v1/changes", incrocio_api_changes_list, ADMIN | OPERATOR | PORTAL, QUERY},
    /* Booking: anyone lists free slots; citizens book without a key (and
     * cancel with the token they were given); the office manages its day. */
    {"POST", "/v1/offices/{code}/slots", incrocio_api_slot_create, ADMIN | OPERATOR, JSON},
    {"GET", "/v1/offices/{code}/slots", incrocio_api_slots_list, PUBLIC, QUERY},
    {"GET", "/v1/offices/{code}/slots/{slot_id}", incrocio_api_slot_get, PUBLIC, 0},
    {"DELETE", "/v1/offices/{code}/slots/{slot_id}", incrocio_api_slot_delete, ADMIN | OPERATOR, 0},
    {"GET", "/v1/offices/{code}/agenda", incrocio_api_agenda_get, ADMIN | OPERATOR, QUERY},
    {"POST", "/v1/appointments", incrocio_api_appointment_create,
     PUBLIC | ADMIN | OPERATOR | PORTAL, JSON},
    {"GET", "/v1/appointments/{id}", incrocio_api_appointment_get, ADMIN | OPERATOR, 0},
    {"DELETE", "/v1/appointments/{id}", incrocio_api_appointment_delete,
     PUBLIC | ADMIN | OPERATOR | PORTAL, 0},
    /* Services delivered and the region's statistics: staff only. Operators
     * record their own offices' services and read every office's records and
     * aggregates (the region monitors them all); the aggregates name no one. */
    {"POST", "/v1/service-records", incrocio_api_service_record_create, ADMIN | OPERATOR, JSON},
    {"GET", "/v1/service-records", incrocio_api_service_records_list, ADMIN | OPERATOR, QUERY},
    {"GET", "/v1/service-records/{id}", incrocio_api_service_record_get, ADMIN | OPERATOR, 0},
    {"GET", "/v1/statistics/service-delivery", incrocio_api_statistics_delivery, ADMIN | OPERATOR,
     QUERY},
    {"GET", "/v1/statistics/matching", incrocio_api_statistics_matching, ADMIN | OPERATOR, QUERY},
};

const struct incrocio_route *incrocio_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
