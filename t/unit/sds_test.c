/* sds_catfmt: appending within the spare room, growing past it (lines
 * longer than any fixed buffer), and keeping the earlier bytes. Header
 * sizes: a short string gets the 1-byte header, and growing across the
 * 255-byte and 64 KiB limits moves it to a larger header with its bytes. */
#include <string.h>

#include "redis/sds.h"
#include "t/unit/tap.h"

int main(void)
{
    char *s = sds_new("a:", 2);
    s = sds_catfmt(s, "%d,%s\r\n", 42, "x");
    tap_str(s, "a:42,x\r\n", "catfmt appends the formatted text");
    tap_int((long long)sds_len(s), 8, "the length counts the new bytes");

    char big[3000];
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    s = sds_catfmt(s, "k:%s", big);
    tap_int((long long)sds_len(s), 8 + 2 + 2999,
            "a long text is appended whole, not truncated");
    tap_ok(memcmp(s, "a:42,x\r\nk:yyy", 13) == 0 &&
           s[sds_len(s) - 1] == 'y' && s[sds_len(s)] == '\0',
           "earlier bytes kept, string NUL-terminated after growing");
    sds_free(s);

    char *e = sds_new_empty(64);
    e = sds_catfmt(e, "%s", "");
    tap_int((long long)sds_len(e), 0, "an empty format adds nothing");
    sds_free(e);

    char *k = sds_new("k:123456", 8);
    tap_int((long long)(k - (const char *)sds_alloc_ptr(k)), 1,
            "an 8-byte string has a 1-byte header");
    tap_int((long long)sds_alloc_size(k), 10, "and takes 10 bytes");
    tap_int((long long)sds_len(k), 8, "its length is in the type byte");
    char *g = sds_cat(k, "7", 1);
    tap_int((long long)(g - (const char *)sds_alloc_ptr(g)), 3,
            "growing it moves it to the 3-byte header");
    tap_ok(sds_len(g) == 9 && memcmp(g, "k:1234567", 10) == 0,
           "with its bytes and the NUL");
    sds_set_len(g, 8);
    k = g;
    char chunk[1000];
    memset(chunk, 'z', sizeof(chunk));
    size_t want = 8;
    for (int i = 0; i < 80; i++) {
        k = sds_cat(k, chunk, sizeof(chunk));
        want += sizeof(chunk);
    }
    tap_int((long long)sds_len(k), (long long)want,
            "appending past 255 and 65535 bytes keeps the length");
    tap_int((long long)(k - (const char *)sds_alloc_ptr(k)), 9,
            "an 80 kB string has the 9-byte header");
    tap_ok(memcmp(k, "k:123456zzz", 11) == 0 && k[want - 1] == 'z' &&
           k[want] == '\0', "the bytes moved with the header");
    k = sds_shrink(k);
    tap_int((long long)sds_avail(k), 0, "shrink leaves no spare room");
    sds_set_len(k, 300);
    k = sds_shrink(k);
    tap_int((long long)(k - (const char *)sds_alloc_ptr(k)), 5,
            "shrunk to 300 bytes it has the 5-byte header");
    tap_ok(memcmp(k, "k:123456zz", 10) == 0 && sds_len(k) == 300,
           "and keeps its first 300 bytes");
    sds_free(k);
    return tap_done();
}
