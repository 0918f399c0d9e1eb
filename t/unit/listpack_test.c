/* Unit tests for redis/listpack: entry sizes at each integer and string
 * width (Redis's), text round trips, lookups that compare integers as
 * integers, the count past 65535, and validation of foreign bytes. */
#include "t/unit/tap.h"

#include <stdio.h>
#include <string.h>

#include "redis/listpack.h"

/* Bytes one entry of 's' adds to an empty listpack. */
static size_t one_entry(const char *s)
{
    unsigned char *lp = listpack_append(listpack_new(), s, strlen(s));
    size_t n = listpack_bytes(lp) - 7;
    listpack_free(lp);
    return n;
}

int main(void)
{
    tap_int(listpack_bytes(listpack_new()), 7, "an empty listpack is 7 bytes");
    /* integers: 7-bit, 13-bit, 16, 24, 32, 64-bit, each plus a backlen */
    tap_int(one_entry("127"), 2, "0..127 takes 2 bytes");
    tap_int(one_entry("-4096"), 3, "13-bit takes 3 bytes");
    tap_int(one_entry("4096"), 4, "16-bit takes 4 bytes");
    tap_int(one_entry("-8388608"), 5, "24-bit takes 5 bytes");
    tap_int(one_entry("2147483647"), 6, "32-bit takes 6 bytes");
    tap_int(one_entry("-9223372036854775808"), 10, "64-bit takes 10 bytes");
    /* not canonical: strings */
    tap_int(one_entry("01"), 4, "01 is a 2-byte string");
    tap_int(one_entry("-0"), 4, "-0 is a string");
    tap_int(one_entry("9223372036854775808"), 21, "past int64 a string");
    char s63[64], s64[65];
    memset(s63, 'x', 63);
    s63[63] = '\0';
    memset(s64, 'x', 64);
    s64[64] = '\0';
    tap_int(one_entry(s63), 65, "63 bytes: 1-byte header, 1-byte backlen");
    tap_int(one_entry(s64), 67, "64 bytes: 2-byte header");

    const char *vals[] = { "0", "-1", "300", "-70000", "9000000000", "01",
                           "abc", "-9223372036854775808", "" };
    size_t nv = sizeof(vals) / sizeof(vals[0]);
    unsigned char *lp = listpack_new();
    for (size_t i = 0; i < nv; i++) {
        lp = listpack_append(lp, vals[i], strlen(vals[i]));
    }
    bool same = listpack_count(lp) == nv;
    size_t i = 0;
    for (unsigned char *p = listpack_first(lp); p != NULL && same;
         p = listpack_next(lp, p), i++) {
        char buf[LISTPACK_INTBUF];
        size_t len;
        const char *v = listpack_get(p, &len, buf);
        same = len == strlen(vals[i]) && memcmp(v, vals[i], len) == 0;
    }
    tap_ok(same && i == nv, "every entry reads back as its text");
    i = nv;
    for (unsigned char *p = listpack_last(lp); p != NULL;
         p = listpack_prev(lp, p)) {
        i--;
    }
    tap_int(i, 0, "the walk back sees every entry");
    tap_ok(listpack_find(lp, listpack_first(lp), "300", 3, 0) != NULL,
           "an integer is found by its text");
    tap_ok(listpack_find(lp, listpack_first(lp), "0300", 4, 0) == NULL,
           "but not by another spelling");
    tap_ok(listpack_find(lp, listpack_first(lp), "01", 2, 0) != NULL,
           "a digit string is found as a string");
    tap_ok(listpack_valid(lp, listpack_bytes(lp), NULL),
           "our bytes are a valid listpack");
    lp[listpack_bytes(lp) - 2] ^= 0x40;
    tap_ok(!listpack_valid(lp, listpack_bytes(lp), NULL),
           "a damaged backlen is refused");
    listpack_free(lp);

    lp = listpack_new();
    for (int k = 0; k < 70000; k++) {
        char buf[16];
        int n = snprintf(buf, sizeof(buf), "%d", k);
        lp = listpack_append(lp, buf, (size_t)n);
    }
    tap_int(listpack_count(lp), 70000, "counts past 65535 by walking");
    lp = listpack_delete(lp, listpack_offset(lp, listpack_first(lp)), 10);
    tap_int(listpack_count(lp), 69990, "and after deletes");
    tap_ok(listpack_valid(lp, listpack_bytes(lp), NULL),
           "with the count unknown, still valid");
    listpack_free(lp);
    return tap_done();
}
