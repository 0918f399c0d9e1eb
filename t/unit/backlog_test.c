/* Unit tests for redis/backlog.c: offsets and wrap-around of the circular
 * replication backlog, what PSYNC may continue from, the RESP of a fed
 * command and the replication id shift of a promotion. */
#include "t/unit/tap.h"

#include <ctype.h>

#include "lib/mem.h"
#include "redis/replication.h"

/* The backlog from 'offset' on, as a NUL-terminated string in 'buf'. */
static const char *backlog_from(long long offset, char *buf, size_t len)
{
    struct client c;
    memset(&c, 0, sizeof(c));
    backlog_send(&c, offset);
    size_t n = c.olen < len - 1 ? c.olen : len - 1;
    memcpy(buf, c.obuf != NULL ? c.obuf : "", n);
    buf[n] = '\0';
    mem_free(c.obuf);
    return buf;
}

static bool is_replid(const char *id)
{
    if (strlen(id) != REPL_ID_LEN) {
        return false;
    }
    for (size_t i = 0; i < REPL_ID_LEN; i++) {
        if (!isxdigit((unsigned char)id[i])) {
            return false;
        }
    }
    return true;
}

int main(void)
{
    char buf[256];
    repl.seldb = -1;
    server.repl_backlog_size = 16;
    backlog_create();
    tap_int(repl.backlog_off, 1, "an empty backlog starts at offset 1");
    tap_ok(backlog_has(1), "PSYNC at offset+1 of an empty backlog");
    tap_ok(!backlog_has(2), "no PSYNC past the end");
    tap_ok(!backlog_has(0), "no PSYNC before the start");

    backlog_feed_raw("0123456789", 10);
    tap_int(repl.offset, 10, "the offset counts the bytes fed");
    tap_int(repl.backlog_histlen, 10, "history below the size");
    tap_str(backlog_from(1, buf, sizeof(buf)), "0123456789",
            "everything from offset 1");
    tap_str(backlog_from(5, buf, sizeof(buf)), "456789",
            "the tail from offset 5");

    backlog_feed_raw("abcdefghij", 10);
    tap_int(repl.offset, 20, "offset after wrapping");
    tap_int(repl.backlog_histlen, 16, "history capped at the size");
    tap_int(repl.backlog_off, 5, "the first byte kept");
    tap_ok(!backlog_has(4), "a dropped offset cannot continue");
    tap_ok(backlog_has(5), "the oldest kept offset can");
    tap_str(backlog_from(5, buf, sizeof(buf)), "456789abcdefghij",
            "a read across the wrap");
    tap_str(backlog_from(21, buf, sizeof(buf)), "",
            "nothing to send at offset+1");

    backlog_feed_raw("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd", 40);
    tap_int(repl.offset, 60, "offset after a chunk larger than the size");
    tap_str(backlog_from(45, buf, sizeof(buf)), "YZ0123456789abcd",
            "only the last 16 bytes stay");

    server.repl_backlog_size = 1024;
    backlog_resize();
    tap_int(repl.backlog_off, 61, "a resize drops the history");
    struct arg ping = { "PING", 4 };
    backlog_feed_command(3, 1, &ping);
    tap_str(backlog_from(61, buf, sizeof(buf)),
            "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*1\r\n$4\r\nPING\r\n",
            "the first command of a db is preceded by SELECT");
    backlog_feed_command(3, 1, &ping);
    tap_str(backlog_from(61 + 37, buf, sizeof(buf)), "*1\r\n$4\r\nPING\r\n",
            "no SELECT while the db stays");

    backlog_new_replid();
    char old[REPL_ID_LEN + 1];
    memcpy(old, repl.replid, sizeof(old));
    tap_ok(is_replid(old), "a replid is 40 hex digits");
    backlog_shift_replid();
    tap_str(repl.replid2, old, "a promotion keeps the old id as replid2");
    tap_int(repl.second_offset, repl.offset + 1,
            "valid up to the next offset");
    tap_ok(is_replid(repl.replid) && strcmp(repl.replid, old) != 0,
           "and takes a new id");

    mem_free(repl.backlog);
    return tap_done();
}
