#include "incrocio/codes.h"

#include <string.h>

const char *const incrocio_licences[] = {"AM", "A1", "A2", "A",   "B1", "B",  "BE",  "C1", "C1E",
                                         "C",  "CE", "D1", "D1E", "D",  "DE", "CQC", NULL};

const char *const incrocio_contract_types[] = {
    "indeterminato", "determinato", "apprendistato", "tirocinio", "somministrazione",
    "intermittente", NULL};

const char *const incrocio_cefr_levels[] = {"A1", "A2", "B1", "B2", "C1", "C2", NULL};

const char *const incrocio_working_times[] = {"full_time", "part_time", "any", NULL};

const char *const incrocio_l68_categories[] = {"art1", "art18", NULL};

/* ISO 3166-1 alpha-2, officially assigned codes (as in Debian iso-codes 4.15). */
const char *const incrocio_iso3166_alpha2[] = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW", NULL};

/* ISO 639-1 (as in Debian iso-codes 4.15, less the withdrawn "bh"). */
const char *const incrocio_iso639_1[] = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu", NULL};

int incrocio_code_index(const char *const *list, const char *s)
{
    if (s == NULL)
        return -1;
    for (int i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

int incrocio_code_in(const char *const *list, const char *s)
{
    return incrocio_code_index(list, s) >= 0;
}

int incrocio_cefr_rank(const char *s)
{
    return incrocio_code_index(incrocio_cefr_levels, s) + 1;
}

int incrocio_occupation_code_valid(const char *s)
{
    if (s == NULL || strlen(s) != 9 || s[0] < '1' || s[0] > '9')
        return 0;
    for (int i = 1; i < 9; i += 2)
        if (s[i] != '.' || s[i + 1] < '0' || s[i + 1] > '9')
            return 0;
    return 1;
}

const char *const incrocio_headcount_bands[] = {"0-9",    "10-15", "16-35", "36-50",
                                                "51-249", "250+",  NULL};

const char *const incrocio_pay_periods[] = {"hour", "month", "year", NULL};

/* Member names of protected attributes as fold_name leaves them, each between
 * spaces: those of D.Lgs 276/2003 art. 10 in English and Italian, with a few
 * plain synonyms of age, origin and family. */
static const char protected_names[] =
    " age minage maxage eta etaminima etamassima etamin etamax"
    " birthdate dateofbirth datadinascita datanascita"
    " sex gender sesso genere"
    " citizenship nationality cittadinanza nazionalita"
    " birthplace luogodinascita luogonascita ethnicity etnia race razza"
    " maritalstatus statocivile familystatus figli children pregnancy gravidanza"
    " religion religione politicalopinion politicalopinions opinionipolitiche"
    " sexualorientation orientamentosessuale unionmembership sindacato"
    " disability disabilita health salute photo foto ";

/* name lower case without '_', '-' and spaces, accented Latin-1 vowels as
 * plain ones ("Età" is "eta"), into out; 0 when it is too long to be one. */
static int fold_name(const char *name, char *out, size_t outlen)
{
    size_t o = 0;

    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        unsigned char ch = *s;

        if (ch == '_' || ch == '-' || ch == ' ')
            continue;
        if (ch == 0xC3 && s[1] >= 0x80 && s[1] <= 0xBF) {
            unsigned char b = (unsigned char)(s[1] & ~0x20); /* À..ß, à..ÿ alike */

            s++;
            if (b >= 0x80 && b <= 0x85)
                ch = 'a';
            else if (b >= 0x88 && b <= 0x8B)
                ch = 'e';
            else if (b >= 0x8C && b <= 0x8F)
                ch = 'i';
            else if (b >= 0x92 && b <= 0x96)
                ch = 'o';
            else if (b >= 0x99 && b <= 0x9C)
                ch = 'u';
            else
                return 0;
        } else if (ch >= 'A' && ch <= 'Z') {
            ch = (unsigned char)(ch - 'A' + 'a');
        }
        if (o + 1 >= outlen)
            return 0;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    return 1;
}

int incrocio_protected_attribute(const char *name)
{
    char folded[32];
    size_t n;

    folded[0] = ' ';
    if (name == NULL || !fold_name(name, folded + 1, sizeof folded - 2))
        return 0;
    n = strlen(folded);
    folded[n] = ' ';
    folded[n + 1] = '\0';
    return n > 1 && strstr(protected_names, folded) != NULL;
}
