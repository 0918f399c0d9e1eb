/* A tiny TAP producer for C unit tests: ok/not ok lines with titles, a
 * "# expected X, got Y" note on failure, and the 1..N plan at the end.
 * Header-only; each t/unit/<module>_test.c includes it once. */
#ifndef CODIS_TAP_H
#define CODIS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

/* Report one test: 'cond' true means ok. Returns 'cond'. */
static inline int tap_ok(int cond, const char *title)
{
    tap_count++;
    if (!cond) {
        tap_failed++;
    }
    printf("%sok %d - %s\n", cond ? "" : "not ", tap_count, title);
    return cond;
}

/* Compare two integers, printing both on failure. */
#define tap_int(got, expected, title)                                    \
    do {                                                                 \
        long long tap_g_ = (long long)(got);                             \
        long long tap_e_ = (long long)(expected);                        \
        if (!tap_ok(tap_g_ == tap_e_, title)) {                          \
            printf("# expected %lld, got %lld\n", tap_e_, tap_g_);       \
        }                                                                \
    } while (0)

/* Compare two C strings (NULL allowed), printing both on failure. */
#define tap_str(got, expected, title)                                    \
    do {                                                                 \
        const char *tap_g_ = (got);                                      \
        const char *tap_e_ = (expected);                                 \
        int tap_same_ = (tap_g_ == NULL || tap_e_ == NULL)               \
                            ? tap_g_ == tap_e_                           \
                            : strcmp(tap_g_, tap_e_) == 0;               \
        if (!tap_ok(tap_same_, title)) {                                 \
            printf("# expected '%s', got '%s'\n",                        \
                   tap_e_ ? tap_e_ : "(null)", tap_g_ ? tap_g_ : "(null)"); \
        }                                                                \
    } while (0)

/* Print the plan; use as main's return value. */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
