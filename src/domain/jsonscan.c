#include "incrocio/jsonscan.h"

int incrocio_jsonscan_depth(const char *buf, size_t len, int max_depth, size_t *offset)
{
    int depth = 0, in_string = 0;

    for (size_t i = 0; i < len; i++) {
        char c = buf[i];

        if (in_string) {
            if (c == '\\')
                i++; /* the escaped character cannot end the string */
            else if (c == '"')
                in_string = 0;
            continue;
        }
        switch (c) {
        case '"': in_string = 1; break;
        case '[':
        case '{':
            if (++depth > max_depth) {
                if (offset)
                    *offset = i;
                return -1;
            }
            break;
        case ']':
        case '}':
            if (depth > 0)
                depth--;
            break;
        default: break;
        }
    }
    return 0;
}
