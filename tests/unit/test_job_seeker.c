/* src/domain/job_seeker.c and src/domain/codes.c: the job seeker's document,
 * its canonical form, every validation error, and RFC 7396 merge patches. */
#include <jansson.h>

#include "unit.h"

#include "incrocio/codes.h"
#include "incrocio/job_seeker.h"

#define TODAY "2026-11-26"

/* ---- helpers --------------------------------------------------------------- */

/* Canonical of doc, which must be valid: no error appended. */
static json_t *canonical_ok(size_t row, const json_t *doc)
{
    json_t *errors = json_array();
    json_t *c = incrocio_job_seeker_canonical_new(doc, TODAY, errors);

    if (c == NULL || json_array_size(errors) != 0) {
        char *e = json_dumps(errors, 0);
        fail_msg("row %zu: unexpected errors %s", row, e ? e : "(null)");
    }
    json_decref(errors);
    return c;
}

/* ---- the documents ------------------------------------------------------------ */

/* Valid, with codes to normalise: lower-case codice fiscale, citizenship,
 * language and licence, an integer longitude, unsorted sets. */
static const char *const full_doc =
    "{\"codice_fiscale\": \"rssmra80a01h501u\", \"given_name\": \"Mario \\u00c8\","
    " \"family_name\": \"Rossi\", \"birth_date\": \"1980-01-01\", \"sex\": \"M\","
    " \"citizenship\": \"it\", \"work_permit_expiry\": \"2027-06-30\","
    " \"domicile\": {\"comune_istat\": \"063049\", \"address\": \"Via Toledo 1\","
    " \"lat\": 40.84, \"lon\": 14},"
    " \"email\": \"mario.rossi@example.org\", \"phone\": \"+39 081 000000\","
    " \"office_code\": \"NA01\","
    " \"education\": [{\"title\": \"Diploma alberghiero\", \"eqf_level\": 4, \"year\": 1999},"
    " {\"title\": \"Laurea\", \"eqf_level\": 6}],"
    " \"languages\": [{\"code\": \"EN\", \"cefr\": \"b1\"}, {\"code\": \"fr\", \"cefr\": \"A2\"}],"
    " \"licences\": [\"CQC\", \"b\", \"AM\"],"
    " \"skills\": [{\"code\": \"esco:cook-1.2_x\", \"level\": 3}, {\"code\": \"haccp\"}],"
    " \"it_skills\": [\"Word\", \"Excel\"],"
    " \"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
    " \"to\": \"2019-10-31\", \"contract_type\": \"determinato\", \"employer_name\": \"Hotel\"},"
    " {\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2020-01-01\","
    " \"contract_type\": \"indeterminato\", \"to\": null}],"
    " \"desired_occupations\": [\"5.2.2.3.0\", \"5.2.2.1.0\"],"
    " \"availability\": {\"contract_types\": [\"somministrazione\", \"indeterminato\"],"
    " \"working_time\": \"full_time\", \"shifts\": true, \"max_travel_km\": 40,"
    " \"relocate\": false},"
    " \"l68\": \"art18\", \"matching_consent\": true}";

static const char *const full_canonical =
    "{\"codice_fiscale\": \"RSSMRA80A01H501U\", \"given_name\": \"Mario \\u00c8\","
    " \"family_name\": \"Rossi\", \"birth_date\": \"1980-01-01\", \"sex\": \"M\","
    " \"citizenship\": \"IT\", \"work_permit_expiry\": \"2027-06-30\","
    " \"domicile\": {\"comune_istat\": \"063049\", \"address\": \"Via Toledo 1\","
    " \"lat\": 40.84, \"lon\": 14.0},"
    " \"email\": \"mario.rossi@example.org\", \"phone\": \"+39 081 000000\","
    " \"office_code\": \"NA01\","
    " \"education\": [{\"title\": \"Diploma alberghiero\", \"eqf_level\": 4, \"year\": 1999},"
    " {\"title\": \"Laurea\", \"eqf_level\": 6, \"year\": null}],"
    " \"languages\": [{\"code\": \"en\", \"cefr\": \"B1\"}, {\"code\": \"fr\", \"cefr\": \"A2\"}],"
    " \"licences\": [\"AM\", \"B\", \"CQC\"],"
    " \"skills\": [{\"code\": \"esco:cook-1.2_x\", \"level\": 3}, {\"code\": \"haccp\","
    " \"level\": null}],"
    " \"it_skills\": [\"Word\", \"Excel\"],"
    " \"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
    " \"to\": \"2019-10-31\", \"contract_type\": \"determinato\", \"employer_name\": \"Hotel\"},"
    " {\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2020-01-01\", \"to\": null,"
    " \"contract_type\": \"indeterminato\", \"employer_name\": null}],"
    " \"desired_occupations\": [\"5.2.2.3.0\", \"5.2.2.1.0\"],"
    " \"availability\": {\"contract_types\": [\"indeterminato\", \"somministrazione\"],"
    " \"working_time\": \"full_time\", \"shifts\": true, \"max_travel_km\": 40,"
    " \"relocate\": false},"
    " \"l68\": \"art18\", \"matching_consent\": true}";

static const char *const minimal_doc =
    "{\"codice_fiscale\": \"RSSMRA80A01H501U\", \"given_name\": \"Mario\","
    " \"family_name\": \"Rossi\", \"birth_date\": \"1980-01-01\", \"sex\": \"M\","
    " \"citizenship\": \"IT\", \"domicile\": {\"comune_istat\": \"063049\"},"
    " \"office_code\": \"NA01\"}";

static const char *const minimal_canonical =
    "{\"codice_fiscale\": \"RSSMRA80A01H501U\", \"given_name\": \"Mario\","
    " \"family_name\": \"Rossi\", \"birth_date\": \"1980-01-01\", \"sex\": \"M\","
    " \"citizenship\": \"IT\", \"work_permit_expiry\": null,"
    " \"domicile\": {\"comune_istat\": \"063049\", \"address\": null, \"lat\": null,"
    " \"lon\": null},"
    " \"email\": null, \"phone\": null, \"office_code\": \"NA01\", \"education\": [],"
    " \"languages\": [], \"licences\": [], \"skills\": [], \"it_skills\": [],"
    " \"experiences\": [], \"desired_occupations\": [],"
    " \"availability\": {\"contract_types\": [], \"working_time\": \"any\", \"shifts\": false,"
    " \"max_travel_km\": 30, \"relocate\": false},"
    " \"l68\": null, \"matching_consent\": false}";

/* ---- valid documents ------------------------------------------------------------ */

static void test_full(void **state)
{
    json_t *doc = load(full_doc), *want = load(full_canonical), *got, *again;

    (void)state;
    got = canonical_ok(0, doc);
    assert_json_equal(0, got, want);
    assert_int_equal(json_object_size(got), 21);
    /* The canonical form is a fixed point. */
    again = canonical_ok(1, got);
    assert_json_equal(1, again, want);
    /* The input is left alone. */
    assert_string_equal(json_string_value(json_object_get(doc, "citizenship")), "it");
    json_decref(again);
    json_decref(got);
    json_decref(want);
    json_decref(doc);
}

static void test_minimal(void **state)
{
    json_t *doc = load(minimal_doc), *want = load(minimal_canonical), *got;
    static const char *const optional[] = {
        "work_permit_expiry", "email",  "phone",           "education",   "languages",
        "licences",           "skills", "it_skills",       "experiences", "desired_occupations",
        "availability",       "l68",    "matching_consent"};

    (void)state;
    got = canonical_ok(0, doc);
    assert_json_equal(0, got, want);
    json_decref(got);

    /* Every optional member given as null is the same as absent. */
    for (size_t i = 0; i < N_ELEMS(optional); i++)
        json_object_set_new(doc, optional[i], json_null());
    json_object_set_new(json_object_get(doc, "domicile"), "address", json_null());
    json_object_set_new(json_object_get(doc, "domicile"), "lat", json_null());
    json_object_set_new(json_object_get(doc, "domicile"), "lon", json_null());
    got = canonical_ok(1, doc);
    assert_json_equal(1, got, want);
    json_decref(got);

    /* An empty availability object takes every default too. */
    json_object_set_new(doc, "availability", json_object());
    got = canonical_ok(2, doc);
    assert_json_equal(2, got, want);
    json_decref(got);

    json_decref(want);
    json_decref(doc);
}

/* The example of DESIGN §9, with its placeholders filled. */
static void test_design_example(void **state)
{
    json_t *doc = load(
        "{\"codice_fiscale\": \"RSSMRA80A01H501U\", \"given_name\": \"Mario\", \"family_name\": "
        "\"Rossi\", \"birth_date\": \"1980-01-01\", \"sex\": \"M\", \"citizenship\": \"IT\","
        " \"domicile\": {\"comune_istat\": \"063049\", \"address\": \"Via Toledo 1\", \"lat\": "
        "40.84, \"lon\": 14.25}, \"email\": \"mario.rossi@example.org\", \"phone\": \"+39 081 "
        "000000\", \"office_code\": \"NA01\", \"education\": [{\"title\": \"Diploma "
        "alberghiero\", \"eqf_level\": 4, \"year\": 1999}], \"languages\": [{\"code\": \"en\", "
        "\"cefr\": \"B1\"}], \"licences\": [\"B\"], \"skills\": [{\"code\": \"cucina\", "
        "\"level\": 3}], \"it_skills\": [\"Office\"], \"experiences\": [{\"occupation_code\": "
        "\"5.2.2.1.0\", \"from\": \"2015-03-01\", \"to\": \"2019-10-31\", \"contract_type\": "
        "\"determinato\", \"employer_name\": \"Hotel\"}], \"desired_occupations\": "
        "[\"5.2.2.1.0\"], \"availability\": {\"contract_types\": [\"indeterminato\", "
        "\"determinato\"], \"working_time\": \"any\", \"shifts\": true, \"max_travel_km\": 30, "
        "\"relocate\": false}, \"l68\": null, \"matching_consent\": true}");
    json_t *got;

    (void)state;
    got = canonical_ok(0, doc);
    /* Already canonical, except that it lacks work_permit_expiry. */
    json_object_set_new(doc, "work_permit_expiry", json_null());
    assert_json_equal(0, got, doc);
    json_decref(got);
    json_decref(doc);
}

/* Boundaries that are valid. */
static void test_valid_edges(void **state)
{
    static const char *const patches[] = {
        /* exactly 15 today */
        "{\"codice_fiscale\": \"RSSMRA11S26H501E\", \"birth_date\": \"2011-11-26\"}",
        /* 1900-01-01, the oldest */
        "{\"codice_fiscale\": \"RSSMRA00A01H501C\", \"birth_date\": \"1900-01-01\"}",
        /* a woman: day + 40 */
        "{\"codice_fiscale\": \"RSSMRA80A41H501Y\", \"sex\": \"F\"}",
        /* 100 characters, counted as characters, not bytes */
        NULL,
        "{\"domicile\": {\"lat\": 35, \"lon\": 6}}",
        "{\"domicile\": {\"lat\": 48, \"lon\": 19}}",
        "{\"domicile\": {\"lat\": null, \"lon\": null}}",
        "{\"education\": [{\"title\": \"x\", \"eqf_level\": 1, \"year\": 1900},"
        " {\"title\": \"y\", \"eqf_level\": 8, \"year\": 2026}]}",
        "{\"experiences\": [{\"occupation_code\": \"9.9.9.9.9\", \"from\": \"2026-11-26\","
        " \"to\": \"2026-11-26\", \"contract_type\": \"intermittente\"}]}",
        "{\"experiences\": [{\"occupation_code\": \"1.0.0.0.0\", \"from\": \"1990-01-01\","
        " \"contract_type\": \"tirocinio\"}]}",
        "{\"availability\": {\"max_travel_km\": 0, \"working_time\": \"part_time\"}}",
        "{\"availability\": {\"max_travel_km\": 1000}}",
        "{\"availability\": {\"contract_types\": [\"intermittente\", \"tirocinio\","
        " \"apprendistato\", \"somministrazione\", \"determinato\", \"indeterminato\"]}}",
        "{\"l68\": \"art1\"}",
        "{\"skills\": [{\"code\": \"a\", \"level\": 1}, {\"code\": \"A\", \"level\": 5}]}",
        "{\"licences\": [\"AM\", \"A1\", \"A2\", \"A\", \"B1\", \"B\", \"BE\", \"C1\", \"C1E\","
        " \"C\", \"CE\", \"D1\", \"D1E\", \"D\", \"DE\", \"CQC\"]}",
        "{\"work_permit_expiry\": \"2020-01-01\"}",
        "{\"email\": \"a@b.it\", \"phone\": \"12345\"}",
        "{\"citizenship\": \"ss\"}",
    };
    json_t *base = load(full_doc);

    (void)state;
    for (size_t i = 0; i < N_ELEMS(patches); i++) {
        json_t *patch, *doc, *got;

        if (patches[i] == NULL) {
            char *s = unit_repeat("\xc3\xa8", 100);
            patch = json_pack("{s:s, s:s}", "given_name", s, "family_name", s);
            free(s);
        } else {
            patch = load(patches[i]);
        }
        doc = incrocio_json_merge_patch_new(base, patch);
        got = canonical_ok(i, doc);
        json_decref(got);
        json_decref(doc);
        json_decref(patch);
    }
    json_decref(base);
}

/* ---- one invalid field at a time ----------------------------------------------------- */

struct err_row {
    const char *patch; /* merge patch on the full document */
    const char *pointer;
    const char *code;
};

static const struct err_row err_rows[] = {
    /* codice_fiscale */
    {"{\"codice_fiscale\": null}", "/codice_fiscale", "field.required"},
    {"{\"codice_fiscale\": 5}", "/codice_fiscale", "field.type"},
    {"{\"codice_fiscale\": [\"RSSMRA80A01H501U\"]}", "/codice_fiscale", "field.type"},
    {"{\"codice_fiscale\": \"\"}", "/codice_fiscale", "codice_fiscale.length"},
    {"{\"codice_fiscale\": \"RSSMRA80A01H501\"}", "/codice_fiscale", "codice_fiscale.length"},
    {"{\"codice_fiscale\": \"RSSMRA80A01H501UU\"}", "/codice_fiscale", "codice_fiscale.length"},
    {"{\"codice_fiscale\": \"RSSMRA80A01H501!\"}", "/codice_fiscale", "codice_fiscale.charset"},
    {"{\"codice_fiscale\": \"RSSMRA80A01 501U\"}", "/codice_fiscale", "codice_fiscale.charset"},
    {"{\"codice_fiscale\": \"RSSMRA80Z01H501U\"}", "/codice_fiscale", "codice_fiscale.month"},
    {"{\"codice_fiscale\": \"RSSMRA80A32H501U\"}", "/codice_fiscale", "codice_fiscale.day"},
    {"{\"codice_fiscale\": \"RSSMRA80A01H501X\"}", "/codice_fiscale", "codice_fiscale.check"},
    {"{\"sex\": \"F\"}", "/codice_fiscale", "codice_fiscale.sex_mismatch"},
    {"{\"birth_date\": \"1980-01-02\"}", "/codice_fiscale", "codice_fiscale.birth_date_mismatch"},
    {"{\"birth_date\": \"1981-01-01\"}", "/codice_fiscale", "codice_fiscale.birth_date_mismatch"},
    /* names */
    {"{\"given_name\": null}", "/given_name", "field.required"},
    {"{\"given_name\": 1}", "/given_name", "field.type"},
    {"{\"given_name\": \"\"}", "/given_name", "field.length"},
    {"{\"given_name\": \"Ma\\nrio\"}", "/given_name", "field.format"},
    {"{\"given_name\": \"Mario\\u007f\"}", "/given_name", "field.format"},
    {"{\"family_name\": null}", "/family_name", "field.required"},
    {"{\"family_name\": true}", "/family_name", "field.type"},
    {"{\"family_name\": \"\"}", "/family_name", "field.length"},
    {"{\"family_name\": \"\\tRossi\"}", "/family_name", "field.format"},
    /* birth_date (no mismatch reported when the date itself is invalid) */
    {"{\"birth_date\": null}", "/birth_date", "field.required"},
    {"{\"birth_date\": 19800101}", "/birth_date", "field.type"},
    {"{\"birth_date\": \"1980-02-30\"}", "/birth_date", "field.format"},
    {"{\"birth_date\": \"1980/01/01\"}", "/birth_date", "field.format"},
    {"{\"birth_date\": \"80-01-01\"}", "/birth_date", "field.format"},
    {"{\"birth_date\": \"1980-01-01T00:00:00Z\"}", "/birth_date", "field.format"},
    {"{\"birth_date\": \"1899-12-31\"}", "/birth_date", "field.range"},
    {"{\"birth_date\": \"2026-11-27\"}", "/birth_date", "field.range"},
    {"{\"birth_date\": \"2011-11-27\"}", "/birth_date", "birth_date.too_young"},
    {"{\"birth_date\": \"2020-01-01\"}", "/birth_date", "birth_date.too_young"},
    /* sex */
    {"{\"sex\": null}", "/sex", "field.required"},
    {"{\"sex\": 1}", "/sex", "field.type"},
    {"{\"sex\": \"m\"}", "/sex", "sex.unknown"},
    {"{\"sex\": \"X\"}", "/sex", "sex.unknown"},
    {"{\"sex\": \"\"}", "/sex", "sex.unknown"},
    /* citizenship */
    {"{\"citizenship\": null}", "/citizenship", "field.required"},
    {"{\"citizenship\": 39}", "/citizenship", "field.type"},
    {"{\"citizenship\": \"XX\"}", "/citizenship", "citizenship.unknown"},
    {"{\"citizenship\": \"XK\"}", "/citizenship", "citizenship.unknown"},
    {"{\"citizenship\": \"ITA\"}", "/citizenship", "citizenship.unknown"},
    {"{\"citizenship\": \"\"}", "/citizenship", "citizenship.unknown"},
    /* work_permit_expiry */
    {"{\"work_permit_expiry\": 5}", "/work_permit_expiry", "field.type"},
    {"{\"work_permit_expiry\": \"2027-02-29\"}", "/work_permit_expiry", "field.format"},
    /* domicile */
    {"{\"domicile\": null}", "/domicile", "field.required"},
    {"{\"domicile\": \"063049\"}", "/domicile", "field.type"},
    {"{\"domicile\": {\"comune_istat\": null}}", "/domicile/comune_istat", "field.required"},
    {"{\"domicile\": {\"comune_istat\": 63049}}", "/domicile/comune_istat", "field.type"},
    {"{\"domicile\": {\"comune_istat\": \"63049\"}}", "/domicile/comune_istat", "field.format"},
    {"{\"domicile\": {\"comune_istat\": \"06304A\"}}", "/domicile/comune_istat", "field.format"},
    {"{\"domicile\": {\"address\": 1}}", "/domicile/address", "field.type"},
    {"{\"domicile\": {\"address\": \"\"}}", "/domicile/address", "field.length"},
    {"{\"domicile\": {\"address\": \"Via\\r\\nRoma\"}}", "/domicile/address", "field.format"},
    {"{\"domicile\": {\"lat\": null}}", "/domicile/lat", "field.required"},
    {"{\"domicile\": {\"lon\": null}}", "/domicile/lon", "field.required"},
    {"{\"domicile\": {\"lat\": \"40.8\"}}", "/domicile/lat", "field.type"},
    {"{\"domicile\": {\"lon\": true}}", "/domicile/lon", "field.type"},
    {"{\"domicile\": {\"lat\": 34.99}}", "/domicile/lat", "field.range"},
    {"{\"domicile\": {\"lat\": 48.01}}", "/domicile/lat", "field.range"},
    {"{\"domicile\": {\"lon\": 5.99}}", "/domicile/lon", "field.range"},
    {"{\"domicile\": {\"lon\": 19.01}}", "/domicile/lon", "field.range"},
    {"{\"domicile\": {\"foo\": 1}}", "/domicile/foo", "field.unknown"},
    {"{\"domicile\": {\"a/b~c\": 1}}", "/domicile/a~1b~0c", "field.unknown"},
    {"{\"domicile\": {\"id\": 1}}", "/domicile/id", "field.unknown"},
    /* email, phone */
    {"{\"email\": 5}", "/email", "field.type"},
    {"{\"email\": \"mario\"}", "/email", "field.format"},
    {"{\"email\": \"mario rossi@example.org\"}", "/email", "field.format"},
    {"{\"phone\": true}", "/phone", "field.type"},
    {"{\"phone\": \"1234\"}", "/phone", "field.format"},
    {"{\"phone\": \"081-CALL-ME\"}", "/phone", "field.format"},
    /* office_code */
    {"{\"office_code\": null}", "/office_code", "field.required"},
    {"{\"office_code\": 1}", "/office_code", "field.type"},
    {"{\"office_code\": \"na01\"}", "/office_code", "field.format"},
    {"{\"office_code\": \"NA1\"}", "/office_code", "field.format"},
    {"{\"office_code\": \"NA001\"}", "/office_code", "field.format"},
    /* education */
    {"{\"education\": {}}", "/education", "field.type"},
    {"{\"education\": [1]}", "/education/0", "field.type"},
    {"{\"education\": [{\"title\": \"x\", \"eqf_level\": 4}, null]}", "/education/1", "field.type"},
    {"{\"education\": [{\"eqf_level\": 4}]}", "/education/0/title", "field.required"},
    {"{\"education\": [{\"title\": 4, \"eqf_level\": 4}]}", "/education/0/title", "field.type"},
    {"{\"education\": [{\"title\": \"\", \"eqf_level\": 4}]}", "/education/0/title",
     "field.length"},
    {"{\"education\": [{\"title\": \"x\"}]}", "/education/0/eqf_level", "field.required"},
    {"{\"education\": [{\"title\": \"x\", \"eqf_level\": \"4\"}]}", "/education/0/eqf_level",
     "field.type"},
    {"{\"education\": [{\"title\": \"x\", \"eqf_level\": 4.5}]}", "/education/0/eqf_level",
     "field.type"},
    {"{\"education\": [{\"title\": \"x\", \"eqf_level\": 0}]}", "/education/0/eqf_level",
     "field.range"},
    {"{\"education\": [{\"title\": \"x\", \"eqf_level\": 9}]}", "/education/0/eqf_level",
     "field.range"},
    {"{\"education\": [{\"title\": \"x\", \"eqf_level\": 4, \"year\": \"1999\"}]}",
     "/education/0/year", "field.type"},
    {"{\"education\": [{\"title\": \"x\", \"eqf_level\": 4, \"year\": 1899}]}", "/education/0/year",
     "field.range"},
    {"{\"education\": [{\"title\": \"x\", \"eqf_level\": 4, \"year\": 2027}]}", "/education/0/year",
     "field.range"},
    {"{\"education\": [{\"title\": \"x\", \"eqf_level\": 4, \"school\": \"y\"}]}",
     "/education/0/school", "field.unknown"},
    /* languages */
    {"{\"languages\": \"en\"}", "/languages", "field.type"},
    {"{\"languages\": [\"en\"]}", "/languages/0", "field.type"},
    {"{\"languages\": [{\"cefr\": \"B1\"}]}", "/languages/0/code", "field.required"},
    {"{\"languages\": [{\"code\": 1, \"cefr\": \"B1\"}]}", "/languages/0/code", "field.type"},
    {"{\"languages\": [{\"code\": \"xx\", \"cefr\": \"B1\"}]}", "/languages/0/code",
     "languages.unknown"},
    {"{\"languages\": [{\"code\": \"bh\", \"cefr\": \"B1\"}]}", "/languages/0/code",
     "languages.unknown"},
    {"{\"languages\": [{\"code\": \"eng\", \"cefr\": \"B1\"}]}", "/languages/0/code",
     "languages.unknown"},
    {"{\"languages\": [{\"code\": \"en\"}]}", "/languages/0/cefr", "field.required"},
    {"{\"languages\": [{\"code\": \"en\", \"cefr\": 3}]}", "/languages/0/cefr", "field.type"},
    {"{\"languages\": [{\"code\": \"en\", \"cefr\": \"D1\"}]}", "/languages/0/cefr",
     "cefr.unknown"},
    {"{\"languages\": [{\"code\": \"en\", \"cefr\": \"B\"}]}", "/languages/0/cefr", "cefr.unknown"},
    {"{\"languages\": [{\"code\": \"en\", \"cefr\": \"B1\"}, {\"code\": \"fr\", \"cefr\": "
     "\"A1\"}, {\"code\": \"EN\", \"cefr\": \"C1\"}]}",
     "/languages/2/code", "languages.duplicate"},
    {"{\"languages\": [{\"code\": \"en\", \"cefr\": \"B1\", \"level\": 2}]}", "/languages/0/level",
     "field.unknown"},
    /* licences */
    {"{\"licences\": \"B\"}", "/licences", "field.type"},
    {"{\"licences\": [\"B\", 1]}", "/licences/1", "field.type"},
    {"{\"licences\": [\"Z\"]}", "/licences/0", "licences.unknown"},
    {"{\"licences\": [\"B\", \"B2\"]}", "/licences/1", "licences.unknown"},
    {"{\"licences\": [\"B\", \"AM\", \"b\"]}", "/licences/2", "licences.duplicate"},
    /* skills */
    {"{\"skills\": {\"code\": \"x\"}}", "/skills", "field.type"},
    {"{\"skills\": [[]]}", "/skills/0", "field.type"},
    {"{\"skills\": [{\"level\": 2}]}", "/skills/0/code", "field.required"},
    {"{\"skills\": [{\"code\": 2}]}", "/skills/0/code", "field.type"},
    {"{\"skills\": [{\"code\": \"\"}]}", "/skills/0/code", "field.length"},
    {"{\"skills\": [{\"code\": \"a b\"}]}", "/skills/0/code", "field.format"},
    {"{\"skills\": [{\"code\": \"caff\\u00e8\"}]}", "/skills/0/code", "field.format"},
    {"{\"skills\": [{\"code\": \"a/b\"}]}", "/skills/0/code", "field.format"},
    {"{\"skills\": [{\"code\": \"x\", \"level\": 0}]}", "/skills/0/level", "field.range"},
    {"{\"skills\": [{\"code\": \"x\", \"level\": 6}]}", "/skills/0/level", "field.range"},
    {"{\"skills\": [{\"code\": \"x\", \"level\": \"3\"}]}", "/skills/0/level", "field.type"},
    {"{\"skills\": [{\"code\": \"x\"}, {\"code\": \"y\"}, {\"code\": \"x\", \"level\": 2}]}",
     "/skills/2/code", "skills.duplicate"},
    {"{\"skills\": [{\"code\": \"x\", \"weight\": 2}]}", "/skills/0/weight", "field.unknown"},
    /* it_skills */
    {"{\"it_skills\": \"Word\"}", "/it_skills", "field.type"},
    {"{\"it_skills\": [\"Word\", 5]}", "/it_skills/1", "field.type"},
    {"{\"it_skills\": [\"\"]}", "/it_skills/0", "field.length"},
    {"{\"it_skills\": [\"Wo\\nrd\"]}", "/it_skills/0", "field.format"},
    /* experiences */
    {"{\"experiences\": {}}", "/experiences", "field.type"},
    {"{\"experiences\": [\"x\"]}", "/experiences/0", "field.type"},
    {"{\"experiences\": [{\"from\": \"2015-03-01\", \"contract_type\": \"determinato\"}]}",
     "/experiences/0/occupation_code", "field.required"},
    {"{\"experiences\": [{\"occupation_code\": 52210, \"from\": \"2015-03-01\","
     " \"contract_type\": \"determinato\"}]}",
     "/experiences/0/occupation_code", "field.type"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1\", \"from\": \"2015-03-01\","
     " \"contract_type\": \"determinato\"}]}",
     "/experiences/0/occupation_code", "field.format"},
    {"{\"experiences\": [{\"occupation_code\": \"0.2.2.1.0\", \"from\": \"2015-03-01\","
     " \"contract_type\": \"determinato\"}]}",
     "/experiences/0/occupation_code", "field.format"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.10\", \"from\": \"2015-03-01\","
     " \"contract_type\": \"determinato\"}]}",
     "/experiences/0/occupation_code", "field.format"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"contract_type\": "
     "\"determinato\"}]}",
     "/experiences/0/from", "field.required"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-13-01\","
     " \"contract_type\": \"determinato\"}]}",
     "/experiences/0/from", "field.format"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2026-11-27\","
     " \"contract_type\": \"determinato\"}]}",
     "/experiences/0/from", "field.range"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
     " \"to\": \"2015-02-28\", \"contract_type\": \"determinato\"}]}",
     "/experiences/0/to", "experiences.to_before_from"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
     " \"to\": \"2026-11-27\", \"contract_type\": \"determinato\"}]}",
     "/experiences/0/to", "field.range"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
     " \"to\": 2019, \"contract_type\": \"determinato\"}]}",
     "/experiences/0/to", "field.type"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\"}]}",
     "/experiences/0/contract_type", "field.required"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
     " \"contract_type\": \"stagionale\"}]}",
     "/experiences/0/contract_type", "contract_type.unknown"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
     " \"contract_type\": \"Determinato\"}]}",
     "/experiences/0/contract_type", "contract_type.unknown"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
     " \"contract_type\": \"determinato\", \"employer_name\": \"\"}]}",
     "/experiences/0/employer_name", "field.length"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
     " \"contract_type\": \"determinato\", \"employer_name\": 7}]}",
     "/experiences/0/employer_name", "field.type"},
    {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
     " \"contract_type\": \"determinato\", \"months\": 7}]}",
     "/experiences/0/months", "field.unknown"},
    /* desired_occupations */
    {"{\"desired_occupations\": \"5.2.2.1.0\"}", "/desired_occupations", "field.type"},
    {"{\"desired_occupations\": [5]}", "/desired_occupations/0", "field.type"},
    {"{\"desired_occupations\": [\"52210\"]}", "/desired_occupations/0", "field.format"},
    {"{\"desired_occupations\": [\"5.2.2.1.0\", \"5.2.2.3.0\", \"5.2.2.1.0\"]}",
     "/desired_occupations/2", "desired_occupations.duplicate"},
    /* availability */
    {"{\"availability\": 5}", "/availability", "field.type"},
    {"{\"availability\": {\"contract_types\": \"determinato\"}}", "/availability/contract_types",
     "field.type"},
    {"{\"availability\": {\"contract_types\": [1]}}", "/availability/contract_types/0",
     "field.type"},
    {"{\"availability\": {\"contract_types\": [\"determinato\", \"stage\"]}}",
     "/availability/contract_types/1", "contract_type.unknown"},
    {"{\"availability\": {\"contract_types\": [\"determinato\", \"determinato\"]}}",
     "/availability/contract_types/1", "contract_types.duplicate"},
    {"{\"availability\": {\"contract_types\": [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", "
     "\"g\"]}}",
     "/availability/contract_types", "field.too_many"},
    {"{\"availability\": {\"working_time\": 1}}", "/availability/working_time", "field.type"},
    {"{\"availability\": {\"working_time\": \"half\"}}", "/availability/working_time",
     "working_time.unknown"},
    {"{\"availability\": {\"shifts\": \"yes\"}}", "/availability/shifts", "field.type"},
    {"{\"availability\": {\"relocate\": 1}}", "/availability/relocate", "field.type"},
    {"{\"availability\": {\"max_travel_km\": \"30\"}}", "/availability/max_travel_km",
     "field.type"},
    {"{\"availability\": {\"max_travel_km\": 30.5}}", "/availability/max_travel_km", "field.type"},
    {"{\"availability\": {\"max_travel_km\": -1}}", "/availability/max_travel_km", "field.range"},
    {"{\"availability\": {\"max_travel_km\": 1001}}", "/availability/max_travel_km", "field.range"},
    {"{\"availability\": {\"weekends\": true}}", "/availability/weekends", "field.unknown"},
    /* l68, matching_consent */
    {"{\"l68\": true}", "/l68", "field.type"},
    {"{\"l68\": \"art2\"}", "/l68", "l68.unknown"},
    {"{\"l68\": \"ART1\"}", "/l68", "l68.unknown"},
    {"{\"matching_consent\": \"yes\"}", "/matching_consent", "field.type"},
    {"{\"matching_consent\": 1}", "/matching_consent", "field.type"},
    /* read-only and unknown members */
    {"{\"id\": \"123e4567-e89b-12d3-a456-426614174000\"}", "/id", "field.read_only"},
    {"{\"version\": 3}", "/version", "field.read_only"},
    {"{\"created_at\": \"2026-01-01T00:00:00Z\"}", "/created_at", "field.read_only"},
    {"{\"updated_at\": \"2026-01-01T00:00:00Z\"}", "/updated_at", "field.read_only"},
    {"{\"did\": {\"state\": \"I\"}}", "/did", "field.read_only"},
    {"{\"foo\": 1}", "/foo", "field.unknown"},
    {"{\"\": 1}", "/", "field.unknown"},
    {"{\"a~b\": 1}", "/a~0b", "field.unknown"},
    {"{\"Given_name\": \"x\"}", "/Given_name", "field.unknown"},
};

static void expect_errors(size_t row, const json_t *doc, size_t n, const char *const *pointers,
                          const char *const *codes)
{
    json_t *errors = json_array();
    json_t *got = incrocio_job_seeker_canonical_new(doc, TODAY, errors);

    if (got != NULL || json_array_size(errors) != n) {
        char *e = json_dumps(errors, 0);
        fail_msg("row %zu: %zu errors, want %zu: %s", row, json_array_size(errors), n,
                 e ? e : "(null)");
    }
    for (size_t i = 0; i < n; i++) {
        ROW_STR(row, err_field(errors, i, "pointer"), pointers[i]);
        ROW_STR(row, err_field(errors, i, "code"), codes[i]);
        ROW_INT(row, strlen(err_field(errors, i, "detail")) > 0, 1);
        ROW_INT(row, json_object_size(json_array_get(errors, i)), 3);
    }
    json_decref(errors);
}

static void test_errors(void **state)
{
    json_t *base = load(full_doc);

    (void)state;
    for (size_t i = 0; i < N_ELEMS(err_rows); i++) {
        json_t *patch = load(err_rows[i].patch);
        json_t *doc = incrocio_json_merge_patch_new(base, patch);

        assert_non_null(doc);
        expect_errors(i, doc, 1, &err_rows[i].pointer, &err_rows[i].code);
        json_decref(doc);
        json_decref(patch);
    }
    json_decref(base);
}

/* Required members given as JSON null (a POST body, not a merge patch). */
static void test_required_null(void **state)
{
    static const char *const keys[] = {"codice_fiscale", "given_name", "family_name",
                                       "birth_date",     "sex",        "citizenship",
                                       "domicile",       "office_code"};

    (void)state;
    for (size_t i = 0; i < N_ELEMS(keys); i++) {
        json_t *doc = load(full_doc);
        char ptr[64];
        const char *p = ptr, *code = "field.required";

        snprintf(ptr, sizeof ptr, "/%s", keys[i]);
        json_object_set_new(doc, keys[i], json_null());
        expect_errors(i, doc, 1, &p, &code);
        json_decref(doc);
    }
}

/* Item k of a valid array (distinct where they must be), for the rows of
 * arows in test_lengths. */
static json_t *array_item(size_t row, size_t k)
{
    char buf[64];

    switch (row) {
    case 0:
        snprintf(buf, sizeof buf, "t%zu", k);
        return json_pack("{s:s, s:i}", "title", buf, "eqf_level", 3);
    case 1: return json_pack("{s:s, s:s}", "code", incrocio_iso639_1[k], "cefr", "A1");
    case 2: return json_string("B");
    case 3: snprintf(buf, sizeof buf, "s%zu", k); return json_pack("{s:s}", "code", buf);
    case 4: snprintf(buf, sizeof buf, "x%zu", k); return json_string(buf);
    case 5:
        return json_pack("{s:s, s:s, s:s}", "occupation_code", "5.2.2.1.0", "from", "2015-03-01",
                         "contract_type", "determinato");
    default:
        snprintf(buf, sizeof buf, "1.1.1.%zu.%zu", k / 10 % 10, k % 10);
        return json_string(buf);
    }
}

/* Lengths: characters are counted, not bytes; too many items. */
static void test_lengths(void **state)
{
    const struct {
        const char *key, *sub, *unit;
        size_t n;
        const char *pointer, *code;
    } rows[] = {
        {"given_name", NULL, "a", 101, "/given_name", "field.length"},
        {"given_name", NULL, "\xc3\xa8", 101, "/given_name", "field.length"},
        {"family_name", NULL, "\xe2\x82\xac", 101, "/family_name", "field.length"},
        {"email", NULL, "a", 255, "/email", "field.length"},
        {"domicile", "address", "a", 201, "/domicile/address", "field.length"},
    };
    json_t *base = load(full_doc);

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *doc = json_deep_copy(base);
        char *s = unit_repeat(rows[i].unit, rows[i].n);

        if (rows[i].sub)
            json_object_set_new(json_object_get(doc, rows[i].key), rows[i].sub, json_string(s));
        else
            json_object_set_new(doc, rows[i].key, json_string(s));
        expect_errors(i, doc, 1, &rows[i].pointer, &rows[i].code);
        free(s);
        json_decref(doc);
    }

    /* Strings inside arrays. */
    {
        const struct {
            const char *prefix, *suffix; /* the JSON around the string */
            const char *unit;
            size_t n;
            const char *pointer;
        } srows[] = {
            {"{\"education\": [{\"title\": \"", "\", \"eqf_level\": 3}]}", "x", 201,
             "/education/0/title"},
            {"{\"skills\": [{\"code\": \"", "\"}]}", "x", 65, "/skills/0/code"},
            {"{\"it_skills\": [\"", "\"]}", "x", 101, "/it_skills/0"},
            {"{\"experiences\": [{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\","
             " \"contract_type\": \"determinato\", \"employer_name\": \"",
             "\"}]}", "\xc3\xa8", 201, "/experiences/0/employer_name"},
        };
        for (size_t i = 0; i < N_ELEMS(srows); i++) {
            for (size_t less = 0; less <= 1; less++) {
                char *s = unit_repeat(srows[i].unit, srows[i].n - less);
                size_t len = strlen(srows[i].prefix) + strlen(s) + strlen(srows[i].suffix) + 1;
                char *text = malloc(len);
                const char *code = "field.length";
                json_t *patch, *doc;

                assert_non_null(text);
                snprintf(text, len, "%s%s%s", srows[i].prefix, s, srows[i].suffix);
                patch = load(text);
                doc = incrocio_json_merge_patch_new(base, patch);
                if (less) /* one character less is fine */
                    json_decref(canonical_ok(200 + i, doc));
                else
                    expect_errors(100 + i, doc, 1, &srows[i].pointer, &code);
                json_decref(doc);
                json_decref(patch);
                free(text);
                free(s);
            }
        }
    }

    /* Arrays one item too long, and exactly at the limit. */
    {
        const struct {
            const char *key;
            size_t max;
        } arows[] = {
            {"education", 20},
            {"languages", 20},
            {"licences", 16},
            {"skills", 100},
            {"it_skills", 50},
            {"experiences", 50},
            {"desired_occupations", 20},
        };
        for (size_t i = 0; i < N_ELEMS(arows); i++) {
            for (size_t extra = 0; extra <= 1; extra++) {
                json_t *doc = json_deep_copy(base), *arr = json_array();
                char ptr[64];
                const char *p = ptr, *code = "field.too_many";

                for (size_t k = 0; k < arows[i].max + extra; k++)
                    json_array_append_new(arr, array_item(i, k));
                json_object_set_new(doc, arows[i].key, arr);
                snprintf(ptr, sizeof ptr, "/%s", arows[i].key);
                if (extra)
                    expect_errors(300 + i, doc, 1, &p, &code);
                else if (strcmp(arows[i].key, "licences") != 0) /* 16 B: duplicates */
                    json_decref(canonical_ok(300 + i, doc));
                json_decref(doc);
            }
        }
    }
    json_decref(base);
}

/* Every invalid field is reported, each once, in the document's field order. */
static void test_many_errors(void **state)
{
    static const char *const pointers[] = {
        "/codice_fiscale",
        "/given_name",
        "/birth_date",
        "/sex",
        "/domicile/lat",
        "/domicile/lon",
        "/domicile/zip",
        "/office_code",
        "/languages/1/code",
        "/licences/0",
        "/experiences/0/to",
        "/availability/shifts",
        "/l68",
        "/id",
        "/nickname",
    };
    static const char *const codes[] = {
        "codice_fiscale.check",
        "field.length",
        "field.format",
        "sex.unknown",
        "field.range",
        "field.required",
        "field.unknown",
        "field.format",
        "languages.duplicate",
        "licences.unknown",
        "experiences.to_before_from",
        "field.type",
        "l68.unknown",
        "field.read_only",
        "field.unknown",
    };
    json_t *base = load(full_doc);
    json_t *patch, *doc;

    (void)state;
    patch = load(
        "{\"codice_fiscale\": \"RSSMRA80A01H501A\", \"given_name\": \"\", \"birth_date\": "
        "\"1980-1-1\", \"sex\": \"U\", \"domicile\": {\"lat\": 99, \"lon\": null, \"zip\": "
        "\"80100\"}, \"office_code\": \"X\", \"languages\": [{\"code\": \"it\", \"cefr\": \"C2\"},"
        " {\"code\": \"it\", \"cefr\": \"C2\"}], \"licences\": [\"K\"], \"experiences\": "
        "[{\"occupation_code\": \"5.2.2.1.0\", \"from\": \"2015-03-01\", \"to\": \"2014-01-01\","
        " \"contract_type\": \"determinato\"}], \"availability\": {\"shifts\": 0}, \"l68\": "
        "\"yes\", \"id\": 1, \"nickname\": \"Mariolino\"}");
    doc = incrocio_json_merge_patch_new(base, patch);
    expect_errors(0, doc, N_ELEMS(pointers), pointers, codes);
    json_decref(doc);
    json_decref(patch);
    json_decref(base);
}

static void test_cf_both_mismatches(void **state)
{
    static const char *const pointers[] = {"/codice_fiscale", "/codice_fiscale"};
    static const char *const codes[] = {"codice_fiscale.birth_date_mismatch",
                                        "codice_fiscale.sex_mismatch"};
    json_t *doc = load(full_doc);

    (void)state;
    json_object_set_new(doc, "birth_date", json_string("1981-02-03"));
    json_object_set_new(doc, "sex", json_string("F"));
    expect_errors(0, doc, 2, pointers, codes);
    /* No comparison when the code itself is invalid. */
    json_object_set_new(doc, "codice_fiscale", json_string("RSSMRA80A01H501X"));
    expect_errors(1, doc, 1, pointers, (const char *const[]){"codice_fiscale.check"});
    json_decref(doc);
}

static void test_not_an_object(void **state)
{
    static const char *const texts[] = {"[]", "null", "\"x\"", "1", "true"};

    (void)state;
    for (size_t i = 0; i < N_ELEMS(texts); i++) {
        json_t *doc = load(texts[i]);
        const char *p = "", *code = "field.type";

        expect_errors(i, doc, 1, &p, &code);
        json_decref(doc);
    }
    {
        json_t *errors = json_array();
        assert_null(incrocio_job_seeker_canonical_new(NULL, TODAY, errors));
        assert_int_equal(json_array_size(errors), 1);
        json_decref(errors);
    }
}

/* A hostile member name: the pointer is cut, on a character boundary. */
static void test_long_unknown_member(void **state)
{
    json_t *doc = load(minimal_doc), *errors = json_array();
    char *name = unit_repeat("\xc3\xa8/", 1000);
    const char *ptr;

    (void)state;
    json_object_set_new(doc, name, json_true());
    assert_null(incrocio_job_seeker_canonical_new(doc, TODAY, errors));
    assert_int_equal(json_array_size(errors), 1);
    ptr = err_field(errors, 0, "pointer");
    assert_non_null(ptr);
    assert_true(strlen(ptr) < 256);
    assert_true(strncmp(ptr, "/\xc3\xa8~1\xc3\xa8~1", 9) == 0);
    assert_string_equal(err_field(errors, 0, "code"), "field.unknown");
    free(name);
    json_decref(errors);
    json_decref(doc);
}

/* Whatever today is, the rules follow it. */
static void test_today(void **state)
{
    json_t *doc = load(minimal_doc), *errors = json_array(), *got;

    (void)state;
    /* 1995-01-01: born 1980-01-01, 14 years old. */
    assert_null(incrocio_job_seeker_canonical_new(doc, "1994-12-31", errors));
    assert_string_equal(err_field(errors, 0, "code"), "birth_date.too_young");
    json_array_clear(errors);
    got = incrocio_job_seeker_canonical_new(doc, "1995-01-01", errors);
    assert_non_null(got);
    json_decref(got);
    /* An invalid today falls back on the clock. */
    got = incrocio_job_seeker_canonical_new(doc, "yesterday", errors);
    assert_non_null(got);
    json_decref(got);
    got = incrocio_job_seeker_canonical_new(doc, NULL, errors);
    assert_non_null(got);
    json_decref(got);
    assert_int_equal(json_array_size(errors), 0);
    json_decref(errors);
    json_decref(doc);
}

/* A PATCH: merge patch on the stored canonical document, then canonical. */
static void test_patch_flow(void **state)
{
    const struct {
        const char *patch;
        const char *path[2]; /* member to check, nested in the second when set */
        const char *want;    /* its canonical value, as JSON */
    } rows[] = {
        {"{\"domicile\": {\"address\": null}}", {"domicile", "address"}, "null"},
        {"{\"domicile\": {\"lat\": null, \"lon\": null}}", {"domicile", "lat"}, "null"},
        {"{\"availability\": {\"shifts\": null}}", {"availability", "shifts"}, "false"},
        {"{\"availability\": {\"max_travel_km\": null}}", {"availability", "max_travel_km"}, "30"},
        {"{\"availability\": null}", {"availability", "working_time"}, "\"any\""},
        {"{\"licences\": [\"C\", \"AM\"]}", {"licences", NULL}, "[\"AM\", \"C\"]"},
        {"{\"licences\": null}", {"licences", NULL}, "[]"},
        {"{\"email\": null}", {"email", NULL}, "null"},
        {"{\"l68\": null}", {"l68", NULL}, "null"},
        {"{\"matching_consent\": null}", {"matching_consent", NULL}, "false"},
        {"{\"given_name\": \"Maria Grazia\"}", {"given_name", NULL}, "\"Maria Grazia\""},
    };
    json_t *base = load(full_doc), *stored = canonical_ok(0, base);

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *patch = load(rows[i].patch), *want = load(rows[i].want);
        json_t *doc = incrocio_json_merge_patch_new(stored, patch);
        json_t *got = canonical_ok(i, doc), *v = json_object_get(got, rows[i].path[0]);

        if (rows[i].path[1])
            v = json_object_get(v, rows[i].path[1]);
        assert_json_equal(i, v, want);
        json_decref(got);
        json_decref(doc);
        json_decref(want);
        json_decref(patch);
    }
    json_decref(stored);
    json_decref(base);
}

/* ---- RFC 7396 ------------------------------------------------------------------------ */

static void test_merge_patch_rfc(void **state)
{
    /* RFC 7396, Appendix A. */
    static const char *const rows[][3] = {
        {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
        {"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
        {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
        {"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
        {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
        {"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
        {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
        {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
        {"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
        {"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
        {"{\"a\":\"foo\"}", "null", "null"},
        {"{\"a\":\"foo\"}", "\"bar\"", "\"bar\""},
        {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
        {"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
        {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
        /* RFC 7396, section 3 */
        {"{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
         "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
         "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\",\"author\":{\"familyName\":"
         "null},\"tags\":[\"example\"]}",
         "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
         "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}"},
        /* more */
        {"{\"a\":{\"b\":{\"c\":1}}}", "{\"a\":{\"b\":{\"d\":2}}}",
         "{\"a\":{\"b\":{\"c\":1,\"d\":2}}}"},
        {"{\"a\":1}", "{}", "{\"a\":1}"},
        {"{\"a\":1}", "{\"x\":null}", "{\"a\":1}"},
        {"\"s\"", "{\"a\":{\"b\":null}}", "{\"a\":{}}"},
        {"{\"a\":{\"b\":1}}", "{\"a\":{}}", "{\"a\":{\"b\":1}}"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        json_t *target = load(rows[i][0]), *patch = load(rows[i][1]), *want = load(rows[i][2]);
        json_t *copy = json_deep_copy(target), *got;

        got = incrocio_json_merge_patch_new(target, patch);
        assert_json_equal(i, got, want);
        /* Neither input is changed, and the result shares nothing. */
        assert_json_equal(i, target, copy);
        if (json_is_object(got) && json_is_object(target))
            json_object_set_new(got, "added", json_true());
        assert_json_equal(i, target, copy);
        json_decref(got);
        json_decref(copy);
        json_decref(want);
        json_decref(patch);
        json_decref(target);
    }
}

static void test_merge_patch_null_target(void **state)
{
    json_t *patch = load("{\"a\":{\"b\":null,\"c\":1}}"), *want = load("{\"a\":{\"c\":1}}");
    json_t *got = incrocio_json_merge_patch_new(NULL, patch);

    (void)state;
    assert_json_equal(0, got, want);
    json_decref(got);
    json_decref(want);
    json_decref(patch);
}

/* ---- codes.c ------------------------------------------------------------------------- */

static size_t count(const char *const *list)
{
    size_t n = 0;
    while (list[n] != NULL)
        n++;
    return n;
}

static void test_code_lists(void **state)
{
    const char *const *lists[] = {incrocio_licences,       incrocio_contract_types,
                                  incrocio_cefr_levels,    incrocio_working_times,
                                  incrocio_iso3166_alpha2, incrocio_iso639_1,
                                  incrocio_l68_categories};

    (void)state;
    assert_int_equal(count(incrocio_licences), 16);
    assert_int_equal(count(incrocio_contract_types), 6);
    assert_int_equal(count(incrocio_cefr_levels), 6);
    assert_int_equal(count(incrocio_working_times), 3);
    assert_int_equal(count(incrocio_iso3166_alpha2), 249);
    assert_int_equal(count(incrocio_iso639_1), 183);
    assert_int_equal(count(incrocio_l68_categories), 2);

    /* No duplicates; the ISO lists sorted, their codes two letters of the right case. */
    for (size_t l = 0; l < N_ELEMS(lists); l++)
        for (size_t i = 0; lists[l][i] != NULL; i++)
            for (size_t k = i + 1; lists[l][k] != NULL; k++)
                ROW_INT(l * 1000 + i, strcmp(lists[l][i], lists[l][k]) == 0, 0);
    for (size_t i = 0; incrocio_iso3166_alpha2[i] != NULL; i++) {
        const char *s = incrocio_iso3166_alpha2[i];
        ROW_INT(i, strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z', 1);
        if (i > 0)
            ROW_INT(i, strcmp(incrocio_iso3166_alpha2[i - 1], s) < 0, 1);
    }
    for (size_t i = 0; incrocio_iso639_1[i] != NULL; i++) {
        const char *s = incrocio_iso639_1[i];
        ROW_INT(i, strlen(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z', 1);
        if (i > 0)
            ROW_INT(i, strcmp(incrocio_iso639_1[i - 1], s) < 0, 1);
    }
}

static void test_code_in(void **state)
{
    const struct {
        const char *const *list;
        const char *s;
        int want;
    } rows[] = {
        {incrocio_iso3166_alpha2, "IT", 1},    {incrocio_iso3166_alpha2, "SM", 1},
        {incrocio_iso3166_alpha2, "VA", 1},    {incrocio_iso3166_alpha2, "GB", 1},
        {incrocio_iso3166_alpha2, "SS", 1},    {incrocio_iso3166_alpha2, "BQ", 1},
        {incrocio_iso3166_alpha2, "AX", 1},    {incrocio_iso3166_alpha2, "UM", 1},
        {incrocio_iso3166_alpha2, "ZW", 1},    {incrocio_iso3166_alpha2, "AD", 1},
        {incrocio_iso3166_alpha2, "it", 0},    {incrocio_iso3166_alpha2, "UK", 0},
        {incrocio_iso3166_alpha2, "XK", 0},    {incrocio_iso3166_alpha2, "EU", 0},
        {incrocio_iso3166_alpha2, "AN", 0},    {incrocio_iso3166_alpha2, "YU", 0},
        {incrocio_iso3166_alpha2, "CS", 0},    {incrocio_iso3166_alpha2, "", 0},
        {incrocio_iso3166_alpha2, NULL, 0},    {incrocio_iso639_1, "it", 1},
        {incrocio_iso639_1, "en", 1},          {incrocio_iso639_1, "he", 1},
        {incrocio_iso639_1, "yi", 1},          {incrocio_iso639_1, "id", 1},
        {incrocio_iso639_1, "nb", 1},          {incrocio_iso639_1, "sc", 1},
        {incrocio_iso639_1, "zu", 1},          {incrocio_iso639_1, "aa", 1},
        {incrocio_iso639_1, "bh", 0},          {incrocio_iso639_1, "sh", 0},
        {incrocio_iso639_1, "iw", 0},          {incrocio_iso639_1, "in", 0},
        {incrocio_iso639_1, "ji", 0},          {incrocio_iso639_1, "mo", 0},
        {incrocio_iso639_1, "IT", 0},          {incrocio_iso639_1, "ita", 0},
        {incrocio_licences, "AM", 1},          {incrocio_licences, "CQC", 1},
        {incrocio_licences, "D1E", 1},         {incrocio_licences, "b", 0},
        {incrocio_licences, "B96", 0},         {incrocio_contract_types, "intermittente", 1},
        {incrocio_contract_types, "stage", 0}, {incrocio_working_times, "any", 1},
        {incrocio_working_times, "Any", 0},    {incrocio_l68_categories, "art18", 1},
        {incrocio_l68_categories, "art", 0},   {incrocio_cefr_levels, "C2", 1},
        {incrocio_cefr_levels, "C3", 0},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_code_in(rows[i].list, rows[i].s), rows[i].want);
    assert_int_equal(incrocio_code_index(incrocio_licences, "AM"), 0);
    assert_int_equal(incrocio_code_index(incrocio_licences, "CQC"), 15);
    assert_int_equal(incrocio_code_index(incrocio_licences, "X"), -1);
    assert_int_equal(incrocio_code_index(incrocio_licences, NULL), -1);
}

static void test_cefr_rank(void **state)
{
    const struct {
        const char *s;
        int want;
    } rows[] = {{"A1", 1}, {"A2", 2}, {"B1", 3}, {"B2", 4}, {"C1", 5}, {"C2", 6},
                {"a1", 0}, {"C3", 0}, {"", 0},   {NULL, 0}, {"B", 0},  {"B1 ", 0}};

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_cefr_rank(rows[i].s), rows[i].want);
}

static void test_occupation_code(void **state)
{
    const struct {
        const char *s;
        int want;
    } rows[] = {
        {"5.2.2.1.0", 1}, {"1.0.0.0.0", 1},  {"9.9.9.9.9", 1},  {"0.2.2.1.0", 0}, {"5.2.2.1", 0},
        {"5.2.2.1.", 0},  {"5.2.2.1.0.", 0}, {"5.2.2.1.10", 0}, {"52210", 0},     {"5,2,2,1,0", 0},
        {"5.2.2.1.a", 0}, {"5.2.2..0", 0},   {".5.2.2.1", 0},   {"5 2 2 1 0", 0}, {"", 0},
        {NULL, 0},        {"5.2.2.1.0 ", 0}, {"a.2.2.1.0", 0},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_occupation_code_valid(rows[i].s), rows[i].want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_design_example),
        cmocka_unit_test(test_valid_edges),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_required_null),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_many_errors),
        cmocka_unit_test(test_cf_both_mismatches),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_long_unknown_member),
        cmocka_unit_test(test_today),
        cmocka_unit_test(test_patch_flow),
        cmocka_unit_test(test_merge_patch_rfc),
        cmocka_unit_test(test_merge_patch_null_target),
        cmocka_unit_test(test_code_lists),
        cmocka_unit_test(test_code_in),
        cmocka_unit_test(test_cefr_rank),
        cmocka_unit_test(test_occupation_code),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
