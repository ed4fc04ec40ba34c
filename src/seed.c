/* incrocio seed: realistic synthetic data of any size, the same for the same
 * --seed: job seekers with valid codici fiscali, plausible education,
 * languages, licences, experiences, skills and wishes, domiciles weighted
 * towards the big towns of Campania, and DIDs in every state with a history
 * that the state machine allows. Every document goes through the same
 * validator as the API's. */
#include "incrocio/seed.h"

#include <getopt.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incrocio/codes.h"
#include "incrocio/codice_fiscale.h"
#include "incrocio/db.h"
#include "incrocio/employer.h"
#include "incrocio/job_seeker.h"
#include "incrocio/job_seekers.h"
#include "incrocio/vacancy.h"

#define BATCH 500

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r) /* splitmix64 */
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int below(struct rng *r, int n)
{
    return (int)(next(r) % (uint64_t)n);
}

static int chance(struct rng *r, int percent)
{
    return below(r, 100) < percent;
}

#define PICK(r, a) ((a)[below((r), (int)(sizeof(a) / sizeof((a)[0])))])

static const char *const given_m[] = {"Antonio",  "Giuseppe", "Salvatore", "Francesco",  "Vincenzo",
                                      "Gennaro",  "Ciro",     "Luigi",     "Pasquale",   "Raffaele",
                                      "Giovanni", "Mario",    "Carmine",   "Alessandro", "Marco",
                                      "Luca",     "Gaetano",  "Domenico",  "Andrea",     "Emanuele",
                                      "Davide",   "Fabio",    "Michele",   "Stefano"};
static const char *const given_f[] = {
    "Maria",   "Anna",     "Giuseppina", "Rosa",      "Carmela",  "Teresa",
    "Assunta", "Concetta", "Francesca",  "Antonella", "Angela",   "Rita",
    "Giulia",  "Martina",  "Sara",       "Chiara",    "Federica", "Valentina",
    "Ilaria",  "Roberta",  "Immacolata", "Lucia",     "Paola",    "Simona"};
static const char *const families[] = {
    "Esposito", "Russo",    "De Luca", "Romano",     "Capasso",  "Iovine",      "Di Lorenzo",
    "Ferraro",  "Coppola",  "Improta", "Sorrentino", "Marino",   "Caputo",      "Amato",
    "Ruggiero", "D'Angelo", "Barbato", "Cirillo",    "Vitale",   "Gallo",       "Giordano",
    "Mazza",    "Palumbo",  "Carbone", "Fusco",      "Iannone",  "Della Corte", "Pagano",
    "Bianco",   "Rinaldi",  "Santoro", "Longobardi", "Lombardi", "Marra",       "Colella"};
/* Belfiore codes of birthplaces: Campanian towns, other Italian cities, and
 * the countries most seekers born abroad come from. */
static const char *const places_it[] = {"F839", "F839", "F839", "B963", "H703", "A509",
                                        "A783", "L245", "C129", "H501", "F205", "A662"};
static const struct {
    const char *country, *place;
} abroad[] = {{"RO", "Z129"}, {"AL", "Z100"}, {"MA", "Z330"}, {"UA", "Z138"},
              {"NG", "Z335"}, {"IN", "Z222"}, {"LK", "Z209"}, {"CN", "Z210"}};

/* A family of occupations: CP2021 codes, the skills they use, the titles of
 * study that lead there. Codes are five-level CP2021 units. */
struct family {
    const char *occupations[4];
    const char *skills[6];
    int eqf;
    const char *ateco;    /* the employers that hire them */
    const char *trade[3]; /* words for employers' names */
};
static const struct family jobs[] = {
    {{"5.2.2.1.0", "5.2.2.3.1", "5.2.2.2.0", NULL},
     {"haccp", "cucina_tradizionale", "servizio_sala", "pasticceria", "gestione_ordini", NULL},
     4,
     "56.10.11",
     {"Trattoria", "Ristorante", "Pizzeria"}},
    {{"5.1.2.2.0", "5.1.2.4.0", "4.3.1.2.0", NULL},
     {"cassa", "vendita_assistita", "gestione_scaffali", "customer_care", "inventario", NULL},
     4,
     "47.11.10",
     {"Supermercati", "Market", "Alimentari"}},
    {{"8.1.3.1.0", "7.4.2.3.0", "7.4.4.3.0", NULL},
     {"muletto", "logistica_magazzino", "patente_cqc", "carico_scarico", "sicurezza_lavoro", NULL},
     3,
     "52.10.00",
     {"Logistica", "Trasporti", "Magazzini"}},
    {{"6.1.2.1.0", "6.1.3.6.0", "6.2.3.1.1", NULL},
     {"muratura", "impianti_elettrici", "saldatura", "lettura_disegno", "sicurezza_lavoro", NULL},
     3,
     "41.20.00",
     {"Costruzioni", "Edilizia", "Impianti"}},
    {{"4.1.1.1.0", "4.1.1.2.0", "3.3.1.2.1", NULL},
     {"excel", "contabilita", "segreteria", "protocollo", "inglese_commerciale", NULL},
     5,
     "69.20.13",
     {"Studio", "Servizi", "Consulenze"}},
    {{"2.1.1.4.1", "3.1.2.1.0", "2.1.1.4.3", NULL},
     {"programmazione_c", "sql", "reti", "cloud", "sviluppo_web", NULL},
     6,
     "62.01.00",
     {"Software", "Digitale", "Informatica"}},
    {{"5.3.1.1.0", "5.4.4.3.0", "3.2.1.1.1", NULL},
     {"assistenza_anziani", "primo_soccorso", "igiene_persona", "animazione", "haccp", NULL},
     4,
     "87.30.00",
     {"Cooperativa", "Assistenza", "Residenza"}},
    {{"6.4.1.1.0", "6.4.1.3.0", "8.3.1.1.0", NULL},
     {"potatura", "trattori", "raccolta", "irrigazione", "vivaismo", NULL},
     2,
     "01.13.10",
     {"Azienda agricola", "Vivai", "Ortofrutta"}},
};
static const char *const titles[] = {"",
                                     "Licenza elementare",
                                     "Licenza media",
                                     "Qualifica professionale",
                                     "Diploma di scuola secondaria superiore",
                                     "Diploma ITS",
                                     "Laurea triennale",
                                     "Laurea magistrale",
                                     "Dottorato di ricerca"};
static const char *const employer_names[] = {"Trattoria da Peppino", "Supermercati Campani srl",
                                             "Logistica Sud spa",    "Edil Volturno snc",
                                             "Studio Esposito",      "Software Partenope srl",
                                             "Cooperativa Il Sole",  "Azienda agricola Matese"};
static const char *const langs[] = {"en", "en", "en", "fr", "es", "de"};

struct comune {
    char code[7];
    double lat, lon;
    int weight;
    char office[5];
};

static int load_comuni(PGconn *pg, struct comune **out, int *n, int *total, FILE *err)
{
    /* Each comune's nearest office is its reference CPI. */
    PGresult *res = PQexec(pg, "SELECT c.istat_code, c.lat, c.lon,"
                               " CASE WHEN c.name IN ('Napoli') THEN 40"
                               " WHEN c.name IN ('Salerno', 'Caserta', 'Torre del Greco',"
                               " 'Giugliano in Campania', 'Pozzuoli') THEN 8"
                               " WHEN c.name IN ('Avellino', 'Benevento') THEN 5 ELSE 1 END,"
                               " (SELECT o.code FROM offices o ORDER BY"
                               " (o.lat - c.lat) ^ 2 + ((o.lon - c.lon) * 0.75) ^ 2 LIMIT 1)"
                               " FROM comuni c ORDER BY c.istat_code");

    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) == 0) {
        fprintf(err, "incrocio: seed needs the reference data: run incrocio migrate first\n");
        PQclear(res);
        return -1;
    }
    *n = PQntuples(res);
    *out = calloc((size_t)*n, sizeof **out);
    *total = 0;
    for (int i = 0; i < *n && *out; i++) {
        struct comune *c = &(*out)[i];
        snprintf(c->code, sizeof c->code, "%s", PQgetvalue(res, i, 0));
        c->lat = strtod(PQgetvalue(res, i, 1), NULL);
        c->lon = strtod(PQgetvalue(res, i, 2), NULL);
        c->weight = atoi(PQgetvalue(res, i, 3));
        snprintf(c->office, sizeof c->office, "%s", PQgetvalue(res, i, 4));
        *total += c->weight;
    }
    PQclear(res);
    return *out ? 0 : -1;
}

static const struct comune *pick_comune(struct rng *r, const struct comune *c, int n, int total)
{
    int x = below(r, total);

    for (int i = 0; i < n; i++) {
        if (x < c[i].weight)
            return &c[i];
        x -= c[i].weight;
    }
    return &c[n - 1];
}

static void date_of(int year, int month, int day, char out[16])
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    month = month < 1 ? 1 : month > 12 ? 12 : month;
    if (day > days[month - 1])
        day = days[month - 1];
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)year % 10000u, (unsigned)month % 100u,
             (unsigned)(day < 1 ? 1 : day) % 100u);
}

/* One job seeker's document, as a portal would send it. */
static json_t *make_doc(struct rng *r, const struct comune *c, int year_now, int *tries)
{
    int female = chance(r, 48), age = 18 + below(r, 30) + below(r, 18), foreign = chance(r, 9);
    const char *given = female ? PICK(r, given_f) : PICK(r, given_m);
    const char *family = PICK(r, families);
    const struct family *job = &PICK(r, jobs);
    int k = below(r, (int)(sizeof abroad / sizeof abroad[0]));
    char birth[16], cf[17];
    json_t *doc, *edu, *lan, *lic, *skills, *exps, *desired, *contracts;
    int eqf = job->eqf + below(r, 3) - 1;

    date_of(year_now - age, 1 + below(r, 12), 1 + below(r, 28), birth);
    /* Homonyms happen: the caller retries with another draw on a clash. */
    if (!incrocio_cf_make(family, given, birth, female ? 'F' : 'M',
                          foreign ? abroad[k].place : PICK(r, places_it), cf))
        return NULL;
    (*tries)++;
    eqf = eqf < 1 ? 1 : eqf > 8 ? 8 : eqf;
    edu = json_array();
    json_array_append_new(edu, json_pack("{s:s, s:i, s:i}", "title", titles[eqf], "eqf_level", eqf,
                                         "year", year_now - age + 14 + eqf));
    lan = json_array();
    if (foreign)
        json_array_append_new(lan, json_pack("{s:s, s:s}", "code", "it", "cefr",
                                             PICK(r, ((const char *const[]){"A2", "B1", "B2"}))));
    if (chance(r, 60))
        json_array_append_new(lan, json_pack("{s:s, s:s}", "code", PICK(r, langs), "cefr",
                                             incrocio_cefr_levels[below(r, 5)]));
    lic = json_array();
    if (age >= 18 && chance(r, 70))
        json_array_append_new(lic, json_string("B"));
    if (job == &jobs[2] && chance(r, 50)) {
        json_array_append_new(lic, json_string("C"));
        json_array_append_new(lic, json_string("CQC"));
    }
    skills = json_array();
    for (int i = 0, n = 1 + below(r, 4); i < n; i++) {
        const char *s = job->skills[(i + below(r, 5)) % 5];
        int dup = 0;
        for (size_t j = 0; j < json_array_size(skills); j++)
            dup |= strcmp(json_string_value(json_object_get(json_array_get(skills, j), "code")),
                          s) == 0;
        if (!dup)
            json_array_append_new(skills,
                                  json_pack("{s:s, s:i}", "code", s, "level", 1 + below(r, 5)));
    }
    exps = json_array();
    for (int i = 0, n = age > 22 ? below(r, 4) : 0; i < n; i++) {
        char from[16], to[16];
        int y = year_now - 1 - below(r, age - 18 > 15 ? 15 : age - 18);
        date_of(y, 1 + below(r, 12), 1, from);
        int end = y + below(r, 2);
        date_of(end > year_now - 1 ? year_now - 1 : end, 12, 31, to); /* never in the future */
        json_array_append_new(exps, json_pack("{s:s, s:s, s:s, s:s, s:s}", "occupation_code",
                                              job->occupations[below(r, 3)], "from", from, "to", to,
                                              "contract_type", incrocio_contract_types[below(r, 6)],
                                              "employer_name", PICK(r, employer_names)));
    }
    desired = json_array();
    json_array_append_new(desired, json_string(job->occupations[0]));
    if (chance(r, 50))
        json_array_append_new(desired, json_string(job->occupations[1 + below(r, 2)]));
    contracts = json_array();
    json_array_append_new(contracts, json_string("indeterminato"));
    if (chance(r, 70))
        json_array_append_new(contracts, json_string("determinato"));
    if (age <= 29 && chance(r, 50))
        json_array_append_new(contracts, json_string("apprendistato"));
    doc = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:f, s:f}, s:s, s:o, s:o, s:o, s:o,"
        " s:o, s:o, s:{s:o, s:s, s:b, s:i, s:b}, s:o, s:b}",
        "codice_fiscale", cf, "given_name", given, "family_name", family, "birth_date", birth,
        "sex", female ? "F" : "M", "citizenship", foreign ? abroad[k].country : "IT", "domicile",
        "comune_istat", c->code, "lat", c->lat + (below(r, 2001) - 1000) / 100000.0, "lon",
        c->lon + (below(r, 2001) - 1000) / 100000.0, "office_code", c->office, "education", edu,
        "languages", lan, "licences", lic, "skills", skills, "experiences", exps,
        "desired_occupations", desired, "availability", "contract_types", contracts, "working_time",
        PICK(r, ((const char *const[]){"any", "full_time", "part_time"})), "shifts", chance(r, 50),
        "max_travel_km", 10 + 5 * below(r, 11), "relocate", chance(r, 10), "l68",
        chance(r, 3)   ? json_string("art1")
        : chance(r, 1) ? json_string("art18")
                       : json_null(),
        "matching_consent", chance(r, 85));
    return doc;
}

/* A DID history that ends in a state drawn from realistic shares. */
static const char *const histories[][4] = {
    {NULL},                                    /* no DID yet */
    {"register", NULL},                        /* inserita */
    {"register", "validate", NULL},            /* convalidata */
    {"register", "validate", "suspend", NULL}, /* sospesa */
    {"register", "validate", "revoke", NULL},  /* revocata */
    {"register", "cancel", NULL},              /* annullata */
    {"register", "reject", NULL},              /* non ammessa */
};
static const int history_weights[] = {10, 28, 42, 5, 9, 3, 3};

static int exec_ok(PGresult *res, FILE *err)
{
    ExecStatusType st = PQresultStatus(res);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

    if (!ok)
        fprintf(err, "incrocio: seed: %s", PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

int incrocio_seed_job_seekers(PGconn *pg, int count, uint64_t seed, FILE *out, FILE *err)
{
    struct rng r = {seed * 0x2545F4914F6CDD1DULL + 1};
    struct comune *comuni = NULL;
    int n_comuni = 0, total = 0, made = 0, tries = 0;
    char today[11] = "2026-11-26"; /* fixed: the same seed gives the same people */

    if (load_comuni(pg, &comuni, &n_comuni, &total, err) != 0)
        return 1;
    while (made < count) {
        if (!exec_ok(PQexec(pg, "BEGIN"), err))
            break;
        for (int b = 0; b < BATCH && made < count; b++) {
            const struct comune *c = pick_comune(&r, comuni, n_comuni, total);
            json_t *doc = make_doc(&r, c, 2026, &tries), *errors = json_array(), *canon;
            char *text;
            const char *v[3];
            PGresult *res;
            int w = below(&r, 100), h = 0;

            canon = doc ? incrocio_job_seeker_canonical_new(doc, today, errors) : NULL;
            json_decref(doc);
            json_decref(errors);
            if (canon == NULL) {
                b--;
                continue;
            }
            text = json_dumps(canon, JSON_COMPACT);
            json_decref(canon);
            v[0] = text;
            res = PQexecParams(pg,
                               "SELECT job_seeker_save(NULL, $1::jsonb, NULL)"
                               " WHERE NOT EXISTS (SELECT 1 FROM job_seekers"
                               " WHERE codice_fiscale = $1::jsonb->>'codice_fiscale')",
                               1, NULL, v, NULL, NULL, 0);
            free(text);
            if (PQresultStatus(res) != PGRES_TUPLES_OK) {
                exec_ok(res, err);
                free(comuni);
                return 1;
            }
            if (PQntuples(res) == 0) { /* a homonym born the same day: draw again */
                PQclear(res);
                b--;
                continue;
            }
            v[0] = PQgetvalue(res, 0, 0);
            while (w >= history_weights[h]) {
                w -= history_weights[h];
                h++;
            }
            {
                char state = '\0';
                for (int e = 0; histories[h][e]; e++) {
                    char next = incrocio_did_next(state, histories[h][e]);
                    char before[2] = {state, '\0'}, after[2] = {next, '\0'}, date[16];
                    const char *ev[5];
                    date_of(2020 + e + below(&r, 5), 1 + below(&r, 11), 1 + below(&r, 28), date);
                    ev[0] = v[0];
                    ev[1] = histories[h][e];
                    ev[2] = state ? before : NULL;
                    ev[3] = after;
                    ev[4] = date;
                    if (!exec_ok(PQexecParams(pg,
                                              "INSERT INTO did_events (job_seeker_id, event,"
                                              " state_before, state_after, event_date, channel)"
                                              " VALUES ($1::uuid, $2, $3, $4, $5::date,"
                                              " 'platform')",
                                              5, NULL, ev, NULL, NULL, 0),
                                 err)) {
                        PQclear(res);
                        free(comuni);
                        return 1;
                    }
                    /* a DID is validated with its service agreement */
                    if (strcmp(histories[h][e], "validate") == 0 &&
                        !exec_ok(PQexecParams(pg,
                                              "INSERT INTO service_agreements (job_seeker_id,"
                                              " office_code, signed_on, measures) SELECT id,"
                                              " office_code, $2::date, '{orientamento_di_base,"
                                              "accompagnamento_al_lavoro}' FROM job_seekers"
                                              " WHERE id = $1::uuid",
                                              2, NULL, (const char *[]){v[0], date}, NULL, NULL, 0),
                                 err)) {
                        PQclear(res);
                        free(comuni);
                        return 1;
                    }
                    state = next;
                }
                if (state) {
                    char s[2] = {state, '\0'};
                    const char *uv[2] = {v[0], s};
                    exec_ok(PQexecParams(
                                pg, "UPDATE job_seekers SET did_state = $2 WHERE id = $1::uuid", 2,
                                NULL, uv, NULL, NULL, 0),
                            err);
                }
            }
            PQclear(res);
            made++;
        }
        if (!exec_ok(PQexec(pg, "COMMIT"), err))
            break;
    }
    free(comuni);
    fprintf(out, "seed: %d job seekers (%d drawn)\n", made, tries);
    return made == count ? 0 : 1;
}

/* A partita IVA with its check digit (domain/employer.c checks the same). */
static void make_piva(struct rng *r, char out[12])
{
    int sum = 0;

    for (int i = 0; i < 10; i++) {
        int d = below(r, 10);
        out[i] = (char)('0' + d);
        sum += i % 2 == 0 ? d : (2 * d > 9 ? 2 * d - 9 : 2 * d);
    }
    out[10] = (char)('0' + (10 - sum % 10) % 10);
    out[11] = '\0';
}

static int save_doc(PGconn *pg, const char *fn, const json_t *canon, char *id_out, FILE *err)
{
    char sql[96], *text = json_dumps(canon, JSON_COMPACT);
    const char *v[1] = {text};
    PGresult *res;
    int ok;

    snprintf(sql, sizeof sql, "SELECT %s(NULL, $1::jsonb, NULL)", fn);
    res = PQexecParams(pg, sql, 1, NULL, v, NULL, NULL, 0);
    free(text);
    ok = PQresultStatus(res) == PGRES_TUPLES_OK && !PQgetisnull(res, 0, 0);
    if (ok)
        snprintf(id_out, 37, "%s", PQgetvalue(res, 0, 0));
    else
        fprintf(err, "incrocio: seed: %s", PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

static json_t *make_position(struct rng *r, const struct family *job, const struct comune *c)
{
    json_t *skills = json_array(), *want_langs = json_array(), *lic = json_array();
    int appr = chance(r, 8), part = chance(r, 25);

    for (int i = 0, n = 1 + below(r, 3); i < n; i++)
        json_array_append_new(skills,
                              json_pack("{s:s, s:b, s:i}", "code", job->skills[i], "must_have",
                                        i == 0 && chance(r, 60), "weight", 1 + below(r, 3)));
    if (chance(r, 30))
        json_array_append_new(want_langs,
                              json_pack("{s:s, s:s, s:b}", "code", "en", "min_cefr",
                                        chance(r, 50) ? "A2" : "B1", "required", chance(r, 30)));
    if (chance(r, 40))
        json_array_append_new(lic, json_string("B"));
    return json_pack(
        "{s:s, s:s, s:i, s:s, s:s, s:o, s:b, s:{s:s}, s:i, s:{s:o, s:o, s:o, s:o, s:i, s:o},"
        " s:b, s:b}",
        "occupation_code", job->occupations[below(r, 3)], "title", job->trade[0], "quantity",
        1 + below(r, 3), "contract_type",
        appr ? "apprendistato" : incrocio_contract_types[below(r, 2)], "working_time",
        part ? "part_time" : "full_time", "weekly_hours", json_integer(part ? 20 : 40), "shifts",
        chance(r, 40), "workplace", "comune_istat", c->code, "remote_share", 0, "requirements",
        "skills", skills, "education",
        chance(r, 60) ? json_pack("{s:i, s:b}", "min_eqf", job->eqf, "required", chance(r, 30))
                      : json_null(),
        "languages", want_langs, "licences", lic, "min_experience_months", 6 * below(r, 5),
        "max_distance_km", chance(r, 50) ? json_integer(20 + 10 * below(r, 5)) : json_null(),
        "l68_reserved", chance(r, 4), "apprenticeship", appr);
}

int incrocio_seed_vacancies(PGconn *pg, int n_employers, uint64_t seed, FILE *out, FILE *err)
{
    struct rng r = {seed * 0x9E3779B97F4A7C15ULL + 7};
    struct comune *comuni = NULL;
    int n_comuni = 0, total = 0, n_vac = 0, n_pos = 0;
    static const char *const bands[] = {"0-9", "10-15", "16-35", "36-50", "51-249", "250+"};

    if (load_comuni(pg, &comuni, &n_comuni, &total, err) != 0)
        return 1;
    if (!exec_ok(PQexec(pg, "BEGIN"), err)) {
        free(comuni);
        return 1;
    }
    for (int e = 0; e < n_employers; e++) {
        const struct family *job = &jobs[below(&r, (int)(sizeof jobs / sizeof jobs[0]))];
        const struct comune *c = pick_comune(&r, comuni, n_comuni, total);
        char piva[12], name[160], eid[37];
        json_t *doc, *canon, *errors = json_array();

        make_piva(&r, piva);
        snprintf(name, sizeof name, "%s %s %s", job->trade[below(&r, 3)], PICK(&r, families),
                 PICK(&r, ((const char *const[]){"srl", "snc", "spa", "sas"})));
        doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:s}", "name", name,
                        "codice_fiscale", piva, "partita_iva", piva, "ateco_code", job->ateco,
                        "headcount_band", bands[below(&r, 6)], "seat", "comune_istat", c->code,
                        "address", "Via Roma 1", "office_code", c->office);
        canon = incrocio_employer_canonical_new(doc, errors);
        json_decref(doc);
        json_decref(errors);
        if (canon == NULL || !save_doc(pg, "employer_save", canon, eid, err)) {
            json_decref(canon);
            continue; /* a partita IVA drawn twice */
        }
        json_decref(canon);
        for (int v = 0, nv = below(&r, 4); v < nv; v++) {
            json_t *positions = json_array();
            char vid[37], from[16], until[16];
            int w = below(&r, 100);
            const char *state = w < 70   ? "published"
                                : w < 85 ? "draft"
                                : w < 95 ? "closed"
                                         : "filled";
            const char *sv[2];

            for (int p = 0, np = 1 + below(&r, 3); p < np; p++)
                json_array_append_new(positions, make_position(&r, job, c));
            date_of(2026, 1 + below(&r, 11), 1 + below(&r, 28), from);
            date_of(2027, 1 + below(&r, 12), 1 + below(&r, 28), until);
            doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "employer_id", eid,
                            "office_code", c->office, "title", job->trade[0], "description",
                            "Selezioniamo personale per la nostra sede.", "valid_from", from,
                            "valid_until", until, "positions", positions);
            errors = json_array();
            canon = incrocio_vacancy_canonical_new(doc, "2026-11-26", errors);
            json_decref(doc);
            json_decref(errors);
            if (canon == NULL || !save_doc(pg, "vacancy_save", canon, vid, err)) {
                json_decref(canon);
                continue;
            }
            n_pos += (int)json_array_size(json_object_get(canon, "positions"));
            json_decref(canon);
            sv[0] = vid;
            sv[1] = state;
            PQclear(PQexecParams(pg,
                                 "UPDATE vacancies SET state = $2, published_at = CASE WHEN $2"
                                 " <> 'draft' THEN valid_from::timestamptz END WHERE id = $1::uuid",
                                 2, NULL, sv, NULL, NULL, 0));
            if (strcmp(state, "filled") == 0)
                PQclear(PQexecParams(pg,
                                     "UPDATE positions SET filled = quantity WHERE vacancy_id ="
                                     " $1::uuid",
                                     1, NULL, sv, NULL, NULL, 0));
            n_vac++;
        }
    }
    free(comuni);
    if (!exec_ok(PQexec(pg, "COMMIT"), err))
        return 1;
    fprintf(out, "seed: %d vacancies with %d positions\n", n_vac, n_pos);
    return 0;
}

int incrocio_cli_seed(int argc, char **argv, const char *database_url, FILE *out, FILE *err)
{
    static const struct option opts[] = {{"job-seekers", required_argument, NULL, 'j'},
                                         {"employers", required_argument, NULL, 'e'},
                                         {"seed", required_argument, NULL, 's'},
                                         {NULL, 0, NULL, 0}};
    long job_seekers = 200, n_employers = 50, seed = 42;
    char why[256], *end;
    PGconn *pg;
    int c, rc;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        long *target = c == 'j' ? &job_seekers : c == 'e' ? &n_employers : c == 's' ? &seed : NULL;
        if (target == NULL || optarg == NULL || !(*optarg >= '0' && *optarg <= '9')) {
            fprintf(err, "usage: incrocio seed [--job-seekers N] [--employers N] [--seed S]\n");
            return 2;
        }
        *target = strtol(optarg, &end, 10);
        if (*end != '\0' || *target < 0 || *target > 10000000) {
            fprintf(err, "incrocio: invalid --%s: '%.40s'\n",
                    c == 'j'   ? "job-seekers"
                    : c == 'e' ? "employers"
                               : "seed",
                    optarg);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(err, "usage: incrocio seed [--job-seekers N] [--employers N] [--seed S]\n");
        return 2;
    }
    if (database_url == NULL || *database_url == '\0') {
        fprintf(err, "incrocio: invalid DATABASE_URL: not set\n");
        return 2;
    }
    pg = incrocio_db_connect_new(database_url, why, sizeof why);
    if (pg == NULL) {
        fprintf(err, "incrocio: cannot connect to the database: %s\n", why);
        return 1;
    }
    rc = incrocio_seed_job_seekers(pg, (int)job_seekers, (uint64_t)seed, out, err);
    if (rc == 0)
        rc = incrocio_seed_vacancies(pg, (int)n_employers, (uint64_t)seed, out, err);
    PQfinish(pg);
    return rc;
}
