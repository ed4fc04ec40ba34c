#include "incrocio/validate.h"

#include <string.h>

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int incrocio_valid_uuid(const char *s)
{
    static const int dash[] = {8, 13, 18, 23};

    if (s == NULL || strlen(s) != 36)
        return 0;
    for (int i = 0, d = 0; i < 36; i++) {
        char c = s[i];
        if (d < 4 && i == dash[d]) {
            if (c != '-')
                return 0;
            d++;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return 0;
        }
    }
    return 1;
}

static int date_prefix(const char *s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, max;

    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
        return 0;
    y = num(s, 4);
    m = num(s + 5, 2);
    d = num(s + 8, 2);
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
        return 0;
    max = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d <= max;
}

int incrocio_valid_date(const char *s)
{
    return s != NULL && strlen(s) == 10 && date_prefix(s);
}

int incrocio_valid_instant(const char *s)
{
    const char *p;

    if (s == NULL)
        return 0;
    if (incrocio_valid_date(s))
        return 1;
    if (strlen(s) < 20 || !date_prefix(s) || (s[10] != 'T' && s[10] != 't'))
        return 0;
    p = s + 11;
    if (!digits(p, 2) || p[2] != ':' || !digits(p + 3, 2) || p[5] != ':' || !digits(p + 6, 2) ||
        num(p, 2) > 23 || num(p + 3, 2) > 59 || num(p + 6, 2) > 60)
        return 0;
    p += 8;
    if (*p == '.') {
        int n = 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            n++;
        if (n == 0 || n > 9)
            return 0;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
        return 1;
    return (*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
           p[6] == '\0' && num(p + 1, 2) <= 23 && num(p + 4, 2) <= 59;
}

int incrocio_valid_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= 18 && digits(s, (int)n);
}

int incrocio_valid_phone(const char *s)
{
    size_t n = s ? strlen(s) : 0, ndigits = 0;

    if (n < 5 || n > 40)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            ndigits++;
        else if (!(c == ' ' || c == '(' || c == ')' || c == '.' || c == '/' || c == '-' ||
                   (c == '+' && i == 0)))
            return 0;
    }
    return ndigits >= 5;
}

int incrocio_valid_email(const char *s)
{
    const char *at, *dot;
    size_t n;

    if (s == NULL)
        return 0;
    at = strchr(s, '@');
    n = strlen(s);
    if (n < 6 || n > 254 || at == NULL || at == s || strchr(at + 1, '@') != NULL)
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '<' || *p == '>' ||
            *p == ',' || *p == ';' || *p == '"' || *p == '\\')
            return 0;
    dot = strrchr(at, '.');
    return dot != NULL && dot > at + 1 && dot[1] != '\0' && strlen(dot + 1) >= 2;
}

int incrocio_valid_occupation_prefix(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > 9 || n % 2 == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((i % 2 == 0) ? !(s[i] >= '0' && s[i] <= '9') : s[i] != '.')
            return 0;
    return 1;
}
