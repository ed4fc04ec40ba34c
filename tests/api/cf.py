"""An independent codice fiscale generator for the tests (not the server's code)."""
MONTHS = "ABCDEHLMPRST"
ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def _letters(name, given):
    name = "".join(c for c in name.upper() if "A" <= c <= "Z")
    cons = [c for c in name if c not in "AEIOU"]
    vows = [c for c in name if c in "AEIOU"]
    if given and len(cons) >= 4:
        return cons[0] + cons[2] + cons[3]
    return ("".join(cons + vows) + "XXX")[:3]


def check_char(first15):
    total = 0
    for i, c in enumerate(first15):
        v = int(c) if c.isdigit() else ord(c) - 65
        total += ODD[v] if i % 2 == 0 else v
    return chr(65 + total % 26)


def make(family, given, birth_date, sex, place="F839"):
    y, m, d = birth_date.split("-")
    day = int(d) + (40 if sex == "F" else 0)
    body = _letters(family, False) + _letters(given, True) + y[2:] + MONTHS[int(m) - 1] + "%02d" % day + place
    return body + check_char(body)
