/* sds_catfmt: appending within the spare room, growing past it (lines
 * longer than any fixed buffer), and keeping the earlier bytes. */
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
    return tap_done();
}
