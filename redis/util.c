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

static bool util_glob_eq(int a, int b, bool nocase)
{
    return nocase ? tolower(a) == tolower(b) : a == b;
}

/* Match one pattern element at 'p' (not '*') against the character 'ch':
 * '?', a class "[...]" (unterminated: the end closes it), an escape "\x"
 * or a plain character. Sets '*used' to the pattern bytes it spans. */
static bool util_glob_one(const char *p, size_t plen, int ch, bool nocase,
                          size_t *used)
{
    if (p[0] == '?') {
        *used = 1;
        return true;
    }
    if (p[0] == '\\' && plen >= 2) {
        *used = 2;
        return util_glob_eq((unsigned char)p[1], ch, nocase);
    }
    if (p[0] != '[') {
        *used = 1;
        return util_glob_eq((unsigned char)p[0], ch, nocase);
    }
    size_t i = 1;
    bool negate = i < plen && p[i] == '^';
    if (negate) {
        i++;
    }
    bool match = false;
    while (i < plen && p[i] != ']') {
        if (p[i] == '\\' && plen - i >= 2) {
            i++;
            if ((unsigned char)p[i] == ch) {
                match = true;
            }
        } else if (plen - i >= 3 && p[i + 1] == '-') {
            int lo = (unsigned char)p[i], hi = (unsigned char)p[i + 2];
            int c = ch;
            if (lo > hi) {
                int t = lo;
                lo = hi;
                hi = t;
            }
            if (nocase) {
                lo = tolower(lo);
                hi = tolower(hi);
                c = tolower(c);
            }
            if (c >= lo && c <= hi) {
                match = true;
            }
            i += 2;
        } else if (util_glob_eq((unsigned char)p[i], ch, nocase)) {
            match = true;
        }
        i++;
    }
    /* The closing ']' belongs to the element; an unterminated class ends
     * with the pattern. */
    *used = i < plen ? i + 1 : plen;
    return negate ? !match : match;
}

/* Every element but '*' consumes exactly one character, so on a mismatch
 * it is enough to let the most recent '*' swallow one more character and
 * retry from just after it: earlier stars can never help more than the
 * latest one can. That makes the match O(pattern x string) instead of
 * exponential in the number of stars. */
bool util_glob_match(const char *p, size_t plen, const char *s, size_t slen,
                     bool nocase)
{
    size_t pi = 0, si = 0;
    size_t star_p = 0, star_s = 0;
    bool have_star = false;
    while (si < slen) {
        if (pi < plen && p[pi] == '*') {
            while (pi < plen && p[pi] == '*') {
                pi++;
            }
            if (pi == plen) {
                return true;
            }
            have_star = true;
            star_p = pi;
            star_s = si;
            continue;
        }
        size_t used;
        if (pi < plen && util_glob_one(p + pi, plen - pi,
                                       (unsigned char)s[si], nocase, &used)) {
            pi += used;
            si++;
            continue;
        }
        if (!have_star) {
            return false;
        }
        pi = star_p;
        si = ++star_s;
    }
    while (pi < plen && p[pi] == '*') {
        pi++;
    }
    return pi == plen;
}

char *util_cat_resp_array(char *s, long long n)
{
    char head[RESP_ENC_MAX];
    return sds_cat(s, head, resp_enc_header(head, RESP_ARRAY, n, 2));
}

char *util_cat_resp_bulk(char *s, const void *p, size_t len)
{
    char head[RESP_ENC_MAX];
    s = sds_cat(s, head, resp_enc_header(head, RESP_BULK, (long long)len, 2));
    s = sds_cat(s, p, len);
    return sds_cat(s, "\r\n", 2);
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
