/* The replication stream: our replication id and offset, the backlog (a
 * circular buffer holding the last repl-backlog-size bytes of the
 * stream, from which a reconnecting replica resumes with PSYNC), and the
 * feed. Every write a master propagates (server_propagate) becomes RESP
 * here, with a SELECT when the db changes, and goes to the backlog and to
 * each replica's output buffer; a flush event writes those buffers once
 * per turn of the loop. A replica feeds the bytes it applies from its own
 * master unchanged (replica.c), keeping the offsets of both equal.
 *
 *   backlog:  [ ......... histlen valid bytes ending at idx-1 ........ ]
 *             first byte = stream offset backlog_off,
 *             last byte  = stream offset repl.offset
 *
 * Not here: PSYNC itself (replication.c), the replica side (replica.c). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/replication.h"

struct repl repl;

void backlog_flush(void)
{
    if (!repl.flush_pending) {
        return;
    }
    repl.flush_pending = false;
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (!(c->flags & CLIENT_REPL_HOLD) && c->olen > c->opos) {
            client_flush(c);
        }
    }
}


/* The propagation hook: a master's writes become the stream. */
static void backlog_on_propagate(int dbid, int argc, const struct arg *argv)
{
    if (server.masterhost != NULL) {
        /* A replica passes its master's stream on verbatim instead. */
        return;
    }
    if (repl.backlog == NULL && repl.slave_count == 0) {
        return;
    }
    backlog_feed_command(dbid, argc, argv);
}

void backlog_new_replid(void)
{
    uint8_t bytes[REPL_ID_LEN / 2];
    for (size_t i = 0; i < sizeof(bytes); i += 8) {
        uint64_t r = dict_random_u64();
        size_t n = sizeof(bytes) - i < 8 ? sizeof(bytes) - i : 8;
        memcpy(bytes + i, &r, n);
    }
    for (size_t i = 0; i < sizeof(bytes); i++) {
        snprintf(repl.replid + i * 2, 3, "%02x", bytes[i]);
    }
}

void backlog_shift_replid(void)
{
    memcpy(repl.replid2, repl.replid, sizeof(repl.replid));
    repl.second_offset = repl.offset + 1;
    backlog_new_replid();
    log_info("new replication id %s (previous %s valid up to offset %lld)",
             repl.replid, repl.replid2, repl.second_offset);
}

void backlog_init(void)
{
    backlog_new_replid();
    memset(repl.replid2, '0', REPL_ID_LEN);
    repl.replid2[REPL_ID_LEN] = '\0';
    repl.second_offset = -1;
    repl.seldb = -1;
    repl.fd = -1;
    repl.transfer_fd = -1;
    server_on_propagate_to(backlog_on_propagate, SERVER_PROPAGATE_REPLICAS);
}

void backlog_release(void)
{
    mem_free(repl.backlog);
    repl.backlog = NULL;
    if (repl.feed_buf != NULL) {
        sds_free(repl.feed_buf);
        repl.feed_buf = NULL;
    }
}

void backlog_create(void)
{
    if (repl.backlog != NULL) {
        return;
    }
    repl.backlog_size = (size_t)server.repl_backlog_size;
    repl.backlog = mem_alloc(repl.backlog_size);
    backlog_clear();
}

void backlog_clear(void)
{
    repl.backlog_idx = 0;
    repl.backlog_histlen = 0;
    repl.backlog_off = repl.offset + 1;
    repl.seldb = -1;
}

void backlog_resize(void)
{
    if (repl.backlog == NULL ||
        repl.backlog_size == (size_t)server.repl_backlog_size) {
        return;
    }
    mem_free(repl.backlog);
    repl.backlog = NULL;
    backlog_create();
}

/* Copy into the circular buffer only. */
static void backlog_put(const char *p, size_t len)
{
    repl.offset += (long long)len;
    if (repl.backlog == NULL) {
        return;
    }
    if (len >= repl.backlog_size) {
        /* Only the last backlog_size bytes can stay. */
        p += len - repl.backlog_size;
        len = repl.backlog_size;
    }
    while (len > 0) {
        size_t room = repl.backlog_size - repl.backlog_idx;
        size_t n = len < room ? len : room;
        memcpy(repl.backlog + repl.backlog_idx, p, n);
        repl.backlog_idx = (repl.backlog_idx + n) % repl.backlog_size;
        repl.backlog_histlen += n;
        p += n;
        len -= n;
    }
    if (repl.backlog_histlen > repl.backlog_size) {
        repl.backlog_histlen = repl.backlog_size;
    }
    repl.backlog_off = repl.offset - (long long)repl.backlog_histlen + 1;
}

void backlog_feed_raw(const char *p, size_t len)
{
    backlog_put(p, len);
    bool pending = false;
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->repl->state == REPL_SLAVE_WAIT_BGSAVE_START) {
            continue;
        }
        client_append(c, p, len);
        pending = true;
    }
    if (pending) {
        repl.flush_pending = true;
    }
}

char *backlog_cat_command(char *s, int *seldb, int dbid, int argc,
                          const struct arg *argv)
{
    if (dbid != *seldb) {
        char num[SERVER_LONG_STR_SIZE];
        size_t n = util_ll2str(num, dbid);
        s = util_cat_resp_array(s, 2);
        s = util_cat_resp_bulk(s, "SELECT", 6);
        s = util_cat_resp_bulk(s, num, n);
        *seldb = dbid;
    }
    s = util_cat_resp_array(s, argc);
    for (int i = 0; i < argc; i++) {
        s = util_cat_resp_bulk(s, argv[i].ptr, argv[i].len);
    }
    return s;
}

/* Above this the feed's buffer is freed after use, so one large command
 * does not keep its size for good. */
#define BACKLOG_FEED_BUF_KEEP (64 * 1024)

void backlog_feed_command(int dbid, int argc, const struct arg *argv)
{
    if (repl.feed_buf == NULL) {
        repl.feed_buf = sds_new_empty(256);
    }
    sds_set_len(repl.feed_buf, 0);
    repl.feed_buf = backlog_cat_command(repl.feed_buf, &repl.seldb, dbid,
                                        argc, argv);
    backlog_feed_raw(repl.feed_buf, sds_len(repl.feed_buf));
    if (sds_alloc_size(repl.feed_buf) > BACKLOG_FEED_BUF_KEEP) {
        sds_free(repl.feed_buf);
        repl.feed_buf = NULL;
    }
}

bool backlog_has(long long offset)
{
    return repl.backlog != NULL && offset >= repl.backlog_off &&
           offset <= repl.offset + 1;
}

long long backlog_send(struct client *c, long long offset)
{
    long long skip = offset - repl.backlog_off;
    long long len = (long long)repl.backlog_histlen - skip;
    size_t start = (repl.backlog_idx + repl.backlog_size -
                    repl.backlog_histlen + (size_t)skip) % repl.backlog_size;
    long long left = len;
    while (left > 0) {
        size_t room = repl.backlog_size - start;
        size_t n = (size_t)left < room ? (size_t)left : room;
        client_append(c, repl.backlog + start, n);
        start = (start + n) % repl.backlog_size;
        left -= (long long)n;
    }
    return len;
}
