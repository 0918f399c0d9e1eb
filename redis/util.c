/* Small helpers of the engine that know nothing of clients or databases:
 * glob matching, number <-> text conversions with Redis's rules, index
 * range clamping. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis/server.h"

bool util_glob_match(const char *p, size_t plen, const char *s, size_t slen,
                     bool nocase)
{
    while (plen > 0 && slen > 0) {
        switch (p[0]) {
        case '*':
            while (plen > 1 && p[1] == '*') {
                p++;
                plen--;
            }
            if (plen == 1) {
                return true;
            }
            while (slen > 0) {
                if (util_glob_match(p + 1, plen - 1, s, slen, nocase)) {
                    return true;
                }
                s++;
                slen--;
            }
            return false;
        case '?':
            s++;
            slen--;
            break;
        case '[': {
            p++;
            plen--;
            bool negate = plen > 0 && p[0] == '^';
            if (negate) {
                p++;
                plen--;
            }
            bool match = false;
            while (plen > 0 && p[0] != ']') {
                if (p[0] == '\\' && plen >= 2) {
                    p++;
                    plen--;
                    if (p[0] == s[0]) {
                        match = true;
                    }
                } else if (plen >= 3 && p[1] == '-') {
                    int lo = (unsigned char)p[0], hi = (unsigned char)p[2];
                    int ch = (unsigned char)s[0];
                    if (lo > hi) {
                        int t = lo;
                        lo = hi;
                        hi = t;
                    }
                    if (nocase) {
                        lo = tolower(lo);
                        hi = tolower(hi);
                        ch = tolower(ch);
                    }
                    if (ch >= lo && ch <= hi) {
                        match = true;
                    }
                    p += 2;
                    plen -= 2;
                } else if (nocase ? tolower((unsigned char)p[0]) ==
                                        tolower((unsigned char)s[0])
                                  : p[0] == s[0]) {
                    match = true;
                }
                p++;
                plen--;
            }
            if (plen == 0) {
                /* An unterminated class: Redis treats the end as ']'. */
                p--;
                plen++;
            }
            if (negate) {
                match = !match;
            }
            if (!match) {
                return false;
            }
            s++;
            slen--;
            break;
        }
        case '\\':
            if (plen >= 2) {
                p++;
                plen--;
            }
            /* fall through */
        default:
            if (nocase ? tolower((unsigned char)p[0]) !=
                             tolower((unsigned char)s[0])
                       : p[0] != s[0]) {
                return false;
            }
            s++;
            slen--;
            break;
        }
        p++;
        plen--;
    }
    while (plen > 0 && p[0] == '*') {
        p++;
        plen--;
    }
    return plen == 0 && slen == 0;
}

size_t util_ll2str(char *buf, long long value)
{
    char tmp[SERVER_LONG_STR_SIZE];
    unsigned long long v = value < 0 ? 0ULL - (unsigned long long)value
                                     : (unsigned long long)value;
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    size_t len = 0;
    if (value < 0) {
        buf[len++] = '-';
    }
    while (n > 0) {
        buf[len++] = tmp[--n];
    }
    buf[len] = '\0';
    return len;
}

int util_str2ll(const char *s, size_t len, long long *value)
{
    if (len == 0 || len > 20) {
        return -1;
    }
    if (len == 1 && s[0] == '0') {
        *value = 0;
        return 0;
    }
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == len || s[i] < '1' || s[i] > '9') {
        return -1;
    }
    return resp_parse_ll(s, len, value);
}

int util_str2ld(const char *s, size_t len, long double *value)
{
    char buf[5 * 1024 + 1]; /* Redis's limit for a long double's text */
    if (len == 0 || len >= sizeof(buf) || isspace((unsigned char)s[0])) {
        return -1;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    if ((size_t)(end - buf) != len || (errno == ERANGE && (v == HUGE_VALL ||
        v == -HUGE_VALL || v == 0)) || isnan(v)) {
        return -1;
    }
    *value = v;
    return 0;
}

size_t util_ld2str(char *buf, size_t cap, long double value)
{
    int n = snprintf(buf, cap, "%.17Lf", value);
    if (n < 0 || (size_t)n >= cap) {
        n = snprintf(buf, cap, "%.17Lg", value);
        return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
    }
    /* Drop trailing zeros and a trailing point, as Redis does. */
    if (strchr(buf, '.') != NULL) {
        while (n > 0 && buf[n - 1] == '0') {
            n--;
        }
        if (n > 0 && buf[n - 1] == '.') {
            n--;
        }
        buf[n] = '\0';
    }
    if (n == 2 && strcmp(buf, "-0") == 0) {
        buf[0] = '0';
        buf[1] = '\0';
        n = 1;
    }
    return (size_t)n;
}

bool util_clamp_range(long long len, long long *start, long long *end)
{
    if (*start < 0) {
        *start += len;
    }
    if (*end < 0) {
        *end += len;
    }
    if (*start < 0) {
        *start = 0;
    }
    if (*start > *end || *start >= len) {
        return false;
    }
    if (*end >= len) {
        *end = len - 1;
    }
    return true;
}
