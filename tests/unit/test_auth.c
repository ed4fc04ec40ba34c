/* src/domain/auth.c: roles, principals' offices and API keys. */
#include "unit.h"

#include "incrocio/auth.h"

/* ---- roles ------------------------------------------------------------------- */

static void test_role_name(void **state)
{
    const struct {
        int role;
        const char *want;
    } rows[] = {
        {INCROCIO_ROLE_ANONYMOUS, "anonymous"},
        {INCROCIO_ROLE_ADMIN, "admin"},
        {INCROCIO_ROLE_OPERATOR, "operator"},
        {INCROCIO_ROLE_PORTAL, "portal"},
        {INCROCIO_ROLE_EMPLOYER, "employer"},
        {INCROCIO_ROLE_COUNT, "anonymous"}, /* out of range: the least privileged */
        {INCROCIO_ROLE_COUNT + 100, "anonymous"},
        {-1, "anonymous"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_STR(i, incrocio_role_name((enum incrocio_role)rows[i].role), rows[i].want);
}

static void test_role_parse(void **state)
{
    const struct {
        const char *s;
        int want;
    } rows[] = {
        {"admin", INCROCIO_ROLE_ADMIN},
        {"operator", INCROCIO_ROLE_OPERATOR},
        {"portal", INCROCIO_ROLE_PORTAL},
        {"employer", INCROCIO_ROLE_EMPLOYER},
        {"anonymous", -1}, /* never a key's role */
        {"Admin", -1},
        {"ADMIN", -1},
        {"admin ", -1},
        {" admin", -1},
        {"adm", -1},
        {"administrator", -1},
        {"admin\n", -1},
        {"root", -1},
        {"", -1},
        {NULL, -1},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++)
        ROW_INT(i, incrocio_role_parse(rows[i].s), rows[i].want);
}

/* name and parse are inverses for every key role. */
static void test_role_round_trip(void **state)
{
    (void)state;
    for (int r = INCROCIO_ROLE_ADMIN; r < INCROCIO_ROLE_COUNT; r++)
        ROW_INT(r, incrocio_role_parse(incrocio_role_name((enum incrocio_role)r)), r);
}

/* ---- offices ------------------------------------------------------------------ */

static struct incrocio_principal principal(enum incrocio_role role)
{
    struct incrocio_principal p;

    memset(&p, 0, sizeof p);
    p.role = role;
    p.n_offices = 2;
    strcpy(p.offices[0], "CE07");
    strcpy(p.offices[1], "CE08");
    strcpy(p.offices[2], "NA01"); /* past n_offices: not one of them */
    return p;
}

static void test_has_office(void **state)
{
    const struct {
        enum incrocio_role role;
        const char *code;
        int want;
    } rows[] = {
        {INCROCIO_ROLE_OPERATOR, "CE07", 1},
        {INCROCIO_ROLE_OPERATOR, "CE08", 1},
        {INCROCIO_ROLE_OPERATOR, "NA01", 0},
        {INCROCIO_ROLE_OPERATOR, "CE09", 0},
        {INCROCIO_ROLE_OPERATOR, "ce07", 0},
        {INCROCIO_ROLE_OPERATOR, "CE0", 0},
        {INCROCIO_ROLE_OPERATOR, "CE070", 0},
        {INCROCIO_ROLE_OPERATOR, "CE07 ", 0},
        {INCROCIO_ROLE_OPERATOR, "", 0},
        {INCROCIO_ROLE_OPERATOR, NULL, 0},
        /* only operators work for offices */
        {INCROCIO_ROLE_ADMIN, "CE07", 0},
        {INCROCIO_ROLE_PORTAL, "CE07", 0},
        {INCROCIO_ROLE_EMPLOYER, "CE07", 0},
        {INCROCIO_ROLE_ANONYMOUS, "CE07", 0},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_principal p = principal(rows[i].role);

        ROW_INT(i, incrocio_principal_has_office(&p, rows[i].code), rows[i].want);
    }
}

static void test_has_office_none(void **state)
{
    struct incrocio_principal p = principal(INCROCIO_ROLE_OPERATOR);

    (void)state;
    p.n_offices = 0;
    assert_int_equal(incrocio_principal_has_office(&p, "CE07"), 0);
    assert_int_equal(incrocio_principal_has_office(&p, ""), 0);
}

/* "{A,B,...}" with n entries named O0, O1, ... (freed by the caller). */
static char *pg_array(int n)
{
    char *s = malloc((size_t)n * 8 + 3);
    size_t o = 0;

    assert_non_null(s);
    s[o++] = '{';
    for (int i = 0; i < n; i++)
        o += (size_t)sprintf(s + o, "%sO%d", i ? "," : "", i);
    s[o++] = '}';
    s[o] = '\0';
    return s;
}

static void test_set_offices(void **state)
{
    const struct {
        const char *a;
        int want;
        int n;
        const char *o0, *o1;
    } rows[] = {
        {"{CE07,CE08}", 0, 2, "CE07", "CE08"},
        {"{}", 0, 0, NULL, NULL},
        {"{A}", 0, 1, "A", NULL},
        {"{CE07}", 0, 1, "CE07", NULL},
        {"{ABCDEFG}", 0, 1, "ABCDEFG", NULL}, /* 7 bytes: the most that fits */
        {"{ABCDEFG,B}", 0, 2, "ABCDEFG", "B"},
        /* malformed */
        {"", -1, 0, NULL, NULL},
        {"{", -1, 0, NULL, NULL},
        {"}", -1, 0, NULL, NULL},
        {"}{", -1, 0, NULL, NULL},
        {"CE07,CE08", -1, 0, NULL, NULL},
        {"CE07", -1, 0, NULL, NULL},
        {"{CE07", -1, 0, NULL, NULL},
        {"CE07}", -1, 0, NULL, NULL},
        {"(CE07)", -1, 0, NULL, NULL},
        {"[CE07]", -1, 0, NULL, NULL},
        {" {CE07}", -1, 0, NULL, NULL},
        {"{CE07} ", -1, 0, NULL, NULL},
        {"{,}", -1, 0, NULL, NULL},
        {"{,CE07}", -1, 0, NULL, NULL},
        {"{CE07,,CE08}", -1, 0, NULL, NULL},
        {"{ABCDEFGH}", -1, 0, NULL, NULL}, /* 8 bytes */
        {"{A,ABCDEFGH}", -1, 0, NULL, NULL},
        {"{ABCDEFGHIJKLMNOPQRSTUVWXYZ}", -1, 0, NULL, NULL},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_principal p;

        memset(&p, 0xA5, sizeof p);
        ROW_INT(i, incrocio_principal_set_offices(&p, rows[i].a), rows[i].want);
        if (rows[i].want != 0)
            continue;
        ROW_INT(i, p.n_offices, rows[i].n);
        if (rows[i].n > 0)
            ROW_STR(i, p.offices[0], rows[i].o0);
        if (rows[i].n > 1)
            ROW_STR(i, p.offices[1], rows[i].o1);
    }
}

/* Malformed arrays that still end in '}': the entries must run exactly up to
 * the closing brace. Each is checked, then every one accepted is named. */
static void test_set_offices_malformed_tail(void **state)
{
    static const char *const rows[] = {
        "{CE07,}",      /* a trailing comma: an empty last entry */
        "{CE07,CE08,}", /* the same after two entries */
        "{CE07}}",      /* text after the closing brace */
        "{CE07}CE08}",  "{}}",
    };
    char accepted[256] = "";

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct incrocio_principal p;

        memset(&p, 0xA5, sizeof p);
        if (incrocio_principal_set_offices(&p, rows[i]) != -1)
            snprintf(accepted + strlen(accepted), sizeof accepted - strlen(accepted),
                     " row %zu \"%s\" (%d offices);", i, rows[i], p.n_offices);
    }
    if (accepted[0])
        fail_msg("malformed arrays accepted:%s", accepted);
}

/* Up to INCROCIO_MAX_OFFICES entries. */
static void test_set_offices_count(void **state)
{
    (void)state;
    for (int n = 0; n <= INCROCIO_MAX_OFFICES + 2; n++) {
        char *a = pg_array(n);
        struct incrocio_principal p;
        int want = n <= INCROCIO_MAX_OFFICES ? 0 : -1;

        memset(&p, 0xA5, sizeof p);
        ROW_INT(n, incrocio_principal_set_offices(&p, a), want);
        if (want == 0) {
            ROW_INT(n, p.n_offices, n);
            for (int i = 0; i < n; i++) {
                char w[16];

                snprintf(w, sizeof w, "O%d", i);
                ROW_STR(n, p.offices[i], w);
            }
        }
        free(a);
    }
}

/* The offices are replaced, not added to; then has_office sees them. */
static void test_set_offices_replaces(void **state)
{
    struct incrocio_principal p = principal(INCROCIO_ROLE_OPERATOR);

    (void)state;
    assert_int_equal(incrocio_principal_set_offices(&p, "{NA01}"), 0);
    assert_int_equal(p.n_offices, 1);
    assert_int_equal(incrocio_principal_has_office(&p, "NA01"), 1);
    assert_int_equal(incrocio_principal_has_office(&p, "CE07"), 0);
    assert_int_equal(incrocio_principal_set_offices(&p, "{}"), 0);
    assert_int_equal(p.n_offices, 0);
    assert_int_equal(incrocio_principal_has_office(&p, "NA01"), 0);
}

/* ---- API keys ------------------------------------------------------------------ */

static int b64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static void test_apikey_generate(void **state)
{
    enum { N = 64 };
    char *keys[N];

    (void)state;
    for (size_t i = 0; i < N; i++) {
        /* exactly the documented size: ASan checks nothing is written past it */
        keys[i] = malloc(INCROCIO_APIKEY_LEN + 1);
        assert_non_null(keys[i]);
        ROW_INT(i, incrocio_apikey_generate(keys[i]), INCROCIO_OK);
        ROW_INT(i, strlen(keys[i]), INCROCIO_APIKEY_LEN);
        ROW_INT(i, strncmp(keys[i], "inc_", 4), 0);
        for (size_t k = 4; k < INCROCIO_APIKEY_LEN; k++)
            if (!b64url_char(keys[i][k]))
                fail_msg("key %zu: byte %zu is 0x%02x", i, k, (unsigned char)keys[i][k]);
        /* 256 bits: the last character carries 4 bits and 2 zero bits */
        ROW_INT(i, strchr("AEIMQUYcgkosw048", keys[i][INCROCIO_APIKEY_LEN - 1]) != NULL, 1);
        for (size_t j = 0; j < i; j++)
            ROW_INT(i, strcmp(keys[i], keys[j]) != 0, 1);
    }
    for (size_t i = 0; i < N; i++)
        free(keys[i]);
}

/* A generated key is accepted by the header parser. */
static void test_apikey_generate_parses(void **state)
{
    char key[INCROCIO_APIKEY_LEN + 1], header[80], got[INCROCIO_APIKEY_LEN + 1];

    (void)state;
    assert_int_equal(incrocio_apikey_generate(key), INCROCIO_OK);
    snprintf(header, sizeof header, "Bearer %s", key);
    assert_int_equal(incrocio_apikey_from_header(header, got, sizeof got), 1);
    assert_string_equal(got, key);
}

static void test_apikey_hash_hex(void **state)
{
    const struct {
        const char *key;
        const char *want;
    } rows[] = {
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"inc_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno-_",
         "5c32fb244b26062fbf62b37df4d4e40a481ccb116d180725f806dab324858231"},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char *out = malloc(65); /* exactly 65: ASan checks the bound */

        assert_non_null(out);
        memset(out, 'X', 65);
        ROW_INT(i, incrocio_apikey_hash_hex(rows[i].key, out), INCROCIO_OK);
        ROW_INT(i, out[64], '\0');
        ROW_STR(i, out, rows[i].want);
        for (size_t k = 0; k < 64; k++)
            ROW_INT(i, (out[k] >= '0' && out[k] <= '9') || (out[k] >= 'a' && out[k] <= 'f'), 1);
        free(out);
    }
}

/* ---- incrocio_apikey_from_header ------------------------------------------------ */

#define KEY "inc_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno-_"
#define KEY_NO_LAST "inc_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno-"
#define KEY_BODY "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno-_"

static void test_apikey_from_header(void **state)
{
    const struct {
        const char *h;
        size_t keylen;
        int want;
    } rows[] = {
        {"Bearer " KEY, 48, 1},
        {"bearer " KEY, 48, 1},
        {"BEARER " KEY, 48, 1},
        {"BeArEr " KEY, 48, 1},
        {"Bearer  " KEY, 48, 1},
        {"Bearer      " KEY, 48, 1},
        {"Bearer " KEY, 1000, 1},
        /* keylen too small */
        {"Bearer " KEY, 47, 0},
        {"Bearer " KEY, 1, 0},
        {"Bearer " KEY, 0, 0},
        /* wrong length */
        {"Bearer " KEY "A", 48, 0},
        {"Bearer " KEY_NO_LAST, 48, 0},
        {"Bearer inc_", 48, 0},
        {"Bearer ", 48, 0},
        {"Bearer", 48, 0},
        {"Bearer " KEY " ", 48, 0},
        {"Bearer " KEY "\n", 48, 0},
        /* wrong prefix */
        {"Bearer INC_" KEY_BODY, 48, 0},
        {"Bearer inc-" KEY_BODY, 48, 0},
        {"Bearer xyz_" KEY_BODY, 48, 0},
        {"Bearer _inc" KEY_BODY, 48, 0},
        {"Bearer inc_A" KEY_BODY, 48, 0}, /* 48 */
        /* characters outside base64url */
        {"Bearer inc_+BCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno-_", 48, 0},
        {"Bearer inc_/BCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno-_", 48, 0},
        {"Bearer inc_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno-=", 48, 0},
        {"Bearer inc_ABCDEFGHIJKLMNOPQRSTU.WXYZabcdefghijklmno-_", 48, 0},
        {"Bearer inc_ABCDEFGHIJKLMNOPQRSTU WXYZabcdefghijklmno-_", 48, 0},
        {"Bearer inc_ABCDEFGHIJKLMNOPQRSTU\tWXYZabcdefghijklmno-_", 48, 0},
        {"Bearer inc_ABCDEFGHIJKLMNOPQRSTU%WXYZabcdefghijklmno-_", 48, 0},
        {"Bearer inc_ABCDEFGHIJKLMNOPQRSTU\x80WXYZabcdefghijklmno-_", 48, 0},
        {"Bearer inc_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno-\xff", 48, 0},
        /* other schemes and shapes */
        {"Basic " KEY, 48, 0},
        {"Basic dXNlcjpwYXNz", 48, 0},
        {"Token " KEY, 48, 0},
        {"Bearer:" KEY, 48, 0},
        {"Bearer\t" KEY, 48, 0},
        {"Bearer" KEY, 48, 0},
        {"Bearerx " KEY, 48, 0},
        {" Bearer " KEY, 48, 0},
        {"Bear " KEY, 48, 0},
        {KEY, 48, 0},
        {"", 48, 0},
        {NULL, 48, 0},
    };

    (void)state;
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        /* exactly keylen bytes (at least 1 to hold a sentinel): ASan checks the bound */
        size_t size = rows[i].keylen ? rows[i].keylen : 1;
        char *key = malloc(size);

        assert_non_null(key);
        memset(key, '#', size);
        ROW_INT(i, incrocio_apikey_from_header(rows[i].h, key, rows[i].keylen), rows[i].want);
        if (rows[i].want) {
            ROW_STR(i, key, KEY);
        } else {
            for (size_t k = 0; k < size; k++) /* nothing written on refusal */
                ROW_INT(i, key[k], '#');
        }
        free(key);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_name),
        cmocka_unit_test(test_role_parse),
        cmocka_unit_test(test_role_round_trip),
        cmocka_unit_test(test_has_office),
        cmocka_unit_test(test_has_office_none),
        cmocka_unit_test(test_set_offices),
        cmocka_unit_test(test_set_offices_malformed_tail),
        cmocka_unit_test(test_set_offices_count),
        cmocka_unit_test(test_set_offices_replaces),
        cmocka_unit_test(test_apikey_generate),
        cmocka_unit_test(test_apikey_generate_parses),
        cmocka_unit_test(test_apikey_hash_hex),
        cmocka_unit_test(test_apikey_from_header),
    };
    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
