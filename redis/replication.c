/* Replication, master side: the commands a replica sends (REPLCONF, PSYNC,
 * SYNC), full resynchronisation through an RDB snapshot written by a
 * forked child, partial resynchronisation from the backlog, keeping
 * replicas alive (PING in the stream, newlines while they wait), WAIT,
 * ROLE, min-replicas-to-write and INFO replication.
 *
 * A full resync, for each replica:
 *
 *   PSYNC ? -1  ->  WAIT_BGSAVE_START --fork--> WAIT_BGSAVE_END
 *                   "+FULLRESYNC <replid> <offset>" sent at the fork;
 *                   from then on the stream piles up in its output
 *                   buffer, held back (CLIENT_REPL_HOLD)
 *               --child done--> SEND_BULK: "$<size>\r\n" + the file,
 *                   written by a write event of its own
 *               --file sent--> ONLINE: the held stream, then live
 *
 * The child is a CHILD_REPL of child.c, which reaps it and calls
 * replication_on_child_done; while a BGSAVE or AOF rewrite child runs the
 * replicas wait in WAIT_BGSAVE_START, as in Redis. Not here: the stream
 * and backlog (backlog.c), the replica side (replica.c). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/child.h"
#include "redis/rdb.h"
#include "redis/replication.h"

/* A client blocked in WAIT. */
struct replication_wait {
    struct client *c;
    long long offset;     /* replicas must have acked this far */
    long long replicas;   /* this many of them */
    long long deadline;   /* ms, or 0 for none */
};

static struct replication_wait *replication_waits;
static size_t replication_wait_count;
static size_t replication_wait_cap;

/* Checks the WAIT list at the next turn of the loop: an ACK arrives
 * inside a replica's command, where another client's input must not
 * run. */
static bool replication_wait_pending; /* an ACK came: check the WAITs */

static void replication_start_bgsave(void);
static bool replication_want_diskless(void);

/* ------------------------------------------------------------------------
 * Replica clients */

/* The link state of 'c', created on first use. */
static struct repl_link *replication_link(struct client *c)
{
    if (c->repl == NULL) {
        c->repl = mem_calloc(1, sizeof(*c->repl));
        c->repl->bulk_fd = -1;
        /* The peer's address until REPLCONF ip-address says otherwise. */
        snprintf(c->repl->ip, sizeof(c->repl->ip), "%s", c->addr);
        char *colon = strrchr(c->repl->ip, ':');
        if (colon != NULL) {
            *colon = '\0';
        }
    }
    return c->repl;
}

/* Make 'c' a replica in 'state'. */
static void replication_attach(struct client *c, enum repl_slave_state state)
{
    replication_link(c);
    if (!(c->flags & CLIENT_SLAVE)) {
        c->flags |= CLIENT_SLAVE;
        if (repl.slave_count == repl.slave_cap) {
            repl.slave_cap = repl.slave_cap ? repl.slave_cap * 2 : 4;
            repl.slaves = mem_realloc(repl.slaves, repl.slave_cap *
                                      sizeof(*repl.slaves));
        }
        repl.slaves[repl.slave_count++] = c;
    }
    c->repl->state = state;
    c->repl->ack_time = server.mstime;
    c->repl->wait_since = server.mstime;
    if (state != REPL_SLAVE_ONLINE) {
        c->flags |= CLIENT_REPL_HOLD;
    }
}

void replication_link_free(struct client *c)
{
    struct repl_link *l = c->repl;
    if (l == NULL) {
        return;
    }
    if (l->bulk_ev != NULL) {
        event_free(l->bulk_ev);
    }
    if (l->bulk_fd >= 0) {
        close(l->bulk_fd);
    }
    mem_free(l);
    c->repl = NULL;
}

void replication_client_freed(struct client *c)
{
    if (c->flags & CLIENT_WAIT_ACKS) {
        for (size_t i = 0; i < replication_wait_count; i++) {
            if (replication_waits[i].c == c) {
                replication_waits[i] =
                    replication_waits[--replication_wait_count];
                break;
            }
        }
    }
    if (c->flags & CLIENT_SLAVE) {
        for (size_t k = 0; k < repl.slave_count; k++) {
            if (repl.slaves[k] == c) {
                memmove(&repl.slaves[k], &repl.slaves[k + 1],
                        (repl.slave_count - k - 1) * sizeof(*repl.slaves));
                repl.slave_count--;
                break;
            }
        }
        log_info("connection with replica %s lost", c->addr);
    }
    if (c->flags & CLIENT_MASTER) {
        replica_master_lost(c);
    }
    replication_link_free(c);
}

void replication_disconnect_slaves(void)
{
    for (size_t k = 0; k < repl.slave_count; k++) {
        client_free_async(repl.slaves[k]);
    }
}

int replication_good_slaves(void)
{
    int good = 0;
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->repl->state == REPL_SLAVE_ONLINE &&
            server.mstime - c->repl->ack_time <=
                server.min_replicas_max_lag * 1000LL) {
            good++;
        }
    }
    return good;
}

/* Send 'text' to replica 'c' now, ahead of anything held. Returns 0, or
 * -1 (and drops the replica) if the socket did not take it all. */
static int replication_send_now(struct client *c, const char *text)
{
    unsigned hold = c->flags & CLIENT_REPL_HOLD;
    c->flags &= ~CLIENT_REPL_HOLD;
    client_append(c, text, strlen(text));
    client_flush(c);
    c->flags |= hold;
    if (c->olen > c->opos) {
        log_warn("cannot send the sync reply to replica %s", c->addr);
        client_free_async(c);
        return -1;
    }
    return 0;
}

/* The whole file went out: the replica takes the live stream, or, if it
 * asked for the RDB only (redis-cli --rdb), is closed. */
static void replication_slave_online(struct client *c)
{
    struct repl_link *l = c->repl;
    if (l->bulk_ev != NULL) {
        event_free(l->bulk_ev);
        l->bulk_ev = NULL;
    }
    if (l->bulk_fd >= 0) {
        close(l->bulk_fd);
        l->bulk_fd = -1;
    }
    if (l->rdb_only) {
        log_info("RDB sent to %s, which asked for the RDB only: closing it",
                 c->addr);
        client_free_async(c);
        return;
    }
    l->state = REPL_SLAVE_ONLINE;
    l->ack_time = server.mstime;
    c->flags &= ~CLIENT_REPL_HOLD;
    log_info("synchronization with replica %s succeeded", c->addr);
    client_flush(c);
}

/* Write event of a replica in SEND_BULK: the header, then the file. */
static void replication_on_bulk_write(evutil_socket_t fd, short what,
                                      void *arg)
{
    (void)what;
    struct client *c = arg;
    struct repl_link *l = c->repl;
    if (c->flags & CLIENT_CLOSE_ASAP) {
        /* Freed at the next turn of the loop, with this event. */
        event_del(l->bulk_ev);
        return;
    }
    server_update_time();
    if (l->bulk_head_sent < l->bulk_head_len) {
        ssize_t n = write(fd, l->bulk_head + l->bulk_head_sent,
                          l->bulk_head_len - l->bulk_head_sent);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        if (n <= 0) {
            log_warn("error writing the RDB header to replica %s: %s",
                     c->addr, strerror(errno));
            client_free_async(c);
            return;
        }
        l->bulk_head_sent += (size_t)n;
        server.stat_net_repl_output_bytes += n;
        return;
    }
    off_t off = (off_t)l->bulk_off;
    ssize_t n = sendfile(fd, l->bulk_fd, &off,
                         (size_t)(l->bulk_size - l->bulk_off));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n < 0 || (n == 0 && l->bulk_off < l->bulk_size)) {
        log_warn("error sending the RDB to replica %s: %s", c->addr,
                 n < 0 ? strerror(errno) : "file shrank");
        client_free_async(c);
        return;
    }
    l->bulk_off += n;
    server.stat_net_repl_output_bytes += n;
    if (l->bulk_off == l->bulk_size) {
        replication_slave_online(c);
    }
}

/* Start sending the snapshot in file descriptor 'fd' to replica 'c'. */
static void replication_start_bulk(struct client *c, int fd, long long size)
{
    struct repl_link *l = c->repl;
    l->bulk_fd = fd;
    l->bulk_size = size;
    l->bulk_off = 0;
    int n = snprintf(l->bulk_head, sizeof(l->bulk_head), "$%lld\r\n", size);
    l->bulk_head_len = (size_t)n;
    l->bulk_head_sent = 0;
    l->state = REPL_SLAVE_SEND_BULK;
    l->bulk_ev = event_new(server.base, c->fd, EV_WRITE | EV_PERSIST,
                           replication_on_bulk_write, c);
    if (l->bulk_ev == NULL || event_add(l->bulk_ev, NULL) != 0) {
        log_warn("cannot watch replica %s for writing", c->addr);
        client_free_async(c);
    }
}

/* ------------------------------------------------------------------------
 * The snapshot child */

/* child.c's reaper: the snapshot child ended with 'status'; serve the
 * replicas that waited for it. */
static void replication_on_child_done(int status, void *arg)
{
    bool ok = child_ok(status);
    if (ok) {
        log_info("RDB for replicas saved in %lld ms",
                 server.mstime - repl.child_start);
    } else {
        log_warn("the RDB for replicas could not be saved");
    }
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->repl->state != REPL_SLAVE_WAIT_BGSAVE_END ||
            (c->flags & CLIENT_CLOSE_ASAP)) {
            continue;
        }
        if (c->repl->diskless) {
            /* The child wrote it all to the socket. */
            if (ok) {
                replication_slave_online(c);
            } else {
                client_free_async(c);
            }
            continue;
        }
        int rfd = ok ? open(repl.child_file, O_RDONLY | O_CLOEXEC) : -1;
        struct stat st;
        if (rfd < 0 || fstat(rfd, &st) != 0) {
            if (ok) {
                log_warn("cannot open '%s': %s", repl.child_file,
                         strerror(errno));
            }
            if (rfd >= 0) {
                close(rfd);
            }
            client_free_async(c);
            continue;
        }
        replication_start_bulk(c, rfd, (long long)st.st_size);
    }
    /* Every replica holds its own descriptor: the name can go. */
    if (!repl.child_diskless) {
        unlink(repl.child_file);
    }
    replication_start_waiting();
}

/* A stored integer parameter 'name', or 0. */
static long long replication_conf_ll(const char *name)
{
    const char *v = config_stored_get(name);
    return v != NULL ? atoll(v) : 0;
}

/* True if a diskless sync should wait for more replicas, as Redis does:
 * until the first replica waiting has waited repl-diskless-sync-delay
 * seconds, or repl-diskless-sync-max-replicas (if not 0) are waiting. */
static bool replication_diskless_wait(void)
{
    long long delay = replication_conf_ll("repl-diskless-sync-delay");
    if (delay <= 0 || !replication_want_diskless()) {
        return false;
    }
    long long max = replication_conf_ll("repl-diskless-sync-max-replicas");
    long long waiting = 0, since = server.mstime;
    for (size_t k = 0; k < repl.slave_count; k++) {
        const struct repl_link *l = repl.slaves[k]->repl;
        if (l->state == REPL_SLAVE_WAIT_BGSAVE_START) {
            waiting++;
            since = l->wait_since < since ? l->wait_since : since;
        }
    }
    if (waiting == 0 || (max > 0 && waiting >= max)) {
        return false;
    }
    return server.mstime - since < delay * 1000;
}

void replication_start_waiting(void)
{
    if (child_busy(CHILD_REPL) || replication_diskless_wait()) {
        return;
    }
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->repl->state == REPL_SLAVE_WAIT_BGSAVE_START) {
            replication_start_bgsave();
            break;
        }
    }
}

/* Write all of 'len' bytes at 'p' to socket 'fd' (maybe non-blocking),
 * waiting when it is full. In the diskless child. Returns 0 or -1. */
static int replication_child_write(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pf = { .fd = fd, .events = POLLOUT };
            if (poll(&pf, 1, 1000) < 0 && errno != EINTR) {
                return -1;
            }
        } else {
            return -1;
        }
    }
    return 0;
}

/* The diskless child: "$EOF:<mark>\r\n", the RDB stream and the mark
 * again on each replica's socket. Exits 0 if every one took it all. */
static void replication_diskless_child(void)
{
    char mark[REPL_ID_LEN + 1];
    memcpy(mark, repl.replid, sizeof(mark));
    for (size_t i = 0; i < REPL_ID_LEN; i++) {
        mark[i] = "0123456789abcdef"[dict_random_u64() & 15];
    }
    int failed = 0;
    long long sent = 0; /* bytes of the header and end marks */
    rdb_state.bytes_written = 0;
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (!c->repl->diskless ||
            c->repl->state != REPL_SLAVE_WAIT_BGSAVE_END) {
            continue;
        }
        char head[64];
        int n = snprintf(head, sizeof(head), "$EOF:%s\r\n", mark);
        if (replication_child_write(c->fd, head, (size_t)n) != 0 ||
            rdb_save_fd(c->fd) != 0 ||
            replication_child_write(c->fd, mark, REPL_ID_LEN) != 0) {
            failed = 1;
        }
        sent += n + REPL_ID_LEN;
    }
    child_report(rdb_state.keys_saved, sent + rdb_state.bytes_written, true);
    _exit(failed);
}

/* True if the replicas waiting now all take a diskless RDB and
 * repl-diskless-sync asks for one. */
static bool replication_want_diskless(void)
{
    const char *on = config_stored_get("repl-diskless-sync");
    if (on == NULL || strcasecmp(on, "yes") != 0) {
        return false;
    }
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->repl->state == REPL_SLAVE_WAIT_BGSAVE_START &&
            !c->repl->capa_eof) {
            return false;
        }
    }
    return true;
}

/* Fork a child that writes the dataset to a temp RDB (or, diskless,
 * straight to the replicas' sockets); tell each replica waiting to start
 * where its stream begins, before the child can write to it. */
static void replication_start_bgsave(void)
{
    bool diskless = replication_want_diskless();
    /* The replicas start in db 0: the stream from the fork on must say
     * which db its first command is for. */
    /* A replica passes its master's stream on unchanged, so it cannot
     * add the SELECT a new sub-replica needs (it starts in db 0): it
     * sends one itself and starts the sub-replica that many bytes
     * earlier, which keeps both offsets equal. */
    char select[4 * RESP_ENC_MAX] = "";
    int dbid = server.masterhost != NULL ? replica_stream_db() : 0;
    if (dbid != 0) {
        char num[SERVER_LONG_STR_SIZE];
        size_t n = resp_enc_header(select, RESP_ARRAY, 2, 2);
        n += resp_enc_bulk(select + n, "SELECT", 6);
        n += resp_enc_bulk(select + n, num, util_ll2str(num, dbid));
        select[n] = '\0';
        if ((long long)n > repl.offset) {
            select[0] = '\0';
        }
    }
    char reply[128];
    snprintf(reply, sizeof(reply), "+FULLRESYNC %s %lld\r\n", repl.replid,
             repl.offset - (long long)strlen(select));
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->repl->state != REPL_SLAVE_WAIT_BGSAVE_START ||
            (c->flags & CLIENT_CLOSE_ASAP)) {
            continue;
        }
        c->repl->state = REPL_SLAVE_WAIT_BGSAVE_END;
        c->repl->diskless = diskless;
        if (c->repl->psync) {
            replication_send_now(c, reply);
        }
    }
    char err[256];
    pid_t pid;
    repl.child_diskless = diskless;
    if (diskless) {
        pid = child_fork(CHILD_REPL, replication_on_child_done, NULL, err,
                         sizeof(err));
        if (pid == 0) {
            replication_diskless_child();
        }
    } else {
        snprintf(repl.child_file, sizeof(repl.child_file),
                 "temp-repl-%d.rdb", (int)getpid());
        pid = child_fork_save(CHILD_REPL, repl.child_file,
                              replication_on_child_done, NULL, err,
                              sizeof(err));
    }
    if (pid < 0) {
        log_warn("cannot start the replication child: %s", err);
        for (size_t k = 0; k < repl.slave_count; k++) {
            struct client *c = repl.slaves[k];
            if (c->repl->state == REPL_SLAVE_WAIT_BGSAVE_END) {
                client_free_async(c);
            }
        }
        return;
    }
    repl.seldb = -1;
    repl.child_start = server.mstime;
    log_info("started the RDB for replicas in child %d (%s)", (int)pid,
             diskless ? "diskless, to the sockets" : "to disk");
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->repl->state == REPL_SLAVE_WAIT_BGSAVE_END &&
            !(c->flags & CLIENT_CLOSE_ASAP)) {
            /* Held behind the RDB, ahead of the stream. */
            client_append(c, select, strlen(select));
        }
    }
}

/* ------------------------------------------------------------------------
 * Commands */

/* Try to continue 'c' from the backlog. Returns true if it did. */
static bool replication_try_partial(struct client *c, const struct arg *id,
                                    const struct arg *off)
{
    long long offset;
    if (resp_parse_ll(off->ptr, off->len, &offset) != 0) {
        return false;
    }
    bool ours = id->len == REPL_ID_LEN &&
                strncasecmp(id->ptr, repl.replid, REPL_ID_LEN) == 0;
    bool previous = id->len == REPL_ID_LEN &&
                    strncasecmp(id->ptr, repl.replid2, REPL_ID_LEN) == 0 &&
                    offset <= repl.second_offset;
    if (!ours && !previous) {
        if (!(id->len == 1 && id->ptr[0] == '?')) {
            log_info("replica %s asks for replid %s, ours is %s: full "
                     "resync", c->addr, id->ptr, repl.replid);
        }
        return false;
    }
    if (!backlog_has(offset)) {
        log_info("replica %s asks for offset %lld, outside the backlog "
                 "(%lld..%lld): full resync", c->addr, offset,
                 repl.backlog_off, repl.offset);
        return false;
    }
    replication_attach(c, REPL_SLAVE_ONLINE);
    c->repl->psync = true;
    char reply[96];
    snprintf(reply, sizeof(reply), "+CONTINUE %s\r\n", repl.replid);
    client_append(c, reply, strlen(reply));
    long long sent = backlog_send(c, offset);
    repl.stat_sync_partial_ok++;
    log_info("partial resync of replica %s from offset %lld (%lld bytes)",
             c->addr, offset, sent);
    return true;
}

/* PSYNC replid offset / SYNC */
static void replication_sync_command(struct client *c, bool psync)
{
    if (c->flags & CLIENT_SLAVE) {
        return;
    }
    if (psync && c->argc > 3) {
        if (!arg_is(&c->argv[3], "failover")) {
            reply_syntax_error(c);
            return;
        }
        if (failover_psync_request(c) != 0) {
            return;
        }
    }
    if (server.masterhost != NULL && repl.state != REPL_STATE_CONNECTED) {
        reply_error_text(c, "-NOMASTERLINK Can't SYNC while not connected "
                            "with my master");
        return;
    }
    if (c->olen > c->opos) {
        reply_error(c, "SYNC and PSYNC are invalid with pending output");
        return;
    }
    backlog_create();
    if (psync) {
        if (replication_try_partial(c, &c->argv[1], &c->argv[2])) {
            return;
        }
        if (!(c->argv[1].len == 1 && c->argv[1].ptr[0] == '?')) {
            repl.stat_sync_partial_err++;
        }
    }
    repl.stat_sync_full++;
    replication_attach(c, REPL_SLAVE_WAIT_BGSAVE_START);
    c->repl->psync = psync;
    log_info("full resync requested by replica %s", c->addr);
    /* As Redis: while another snapshot child runs (BGSAVE, AOF rewrite)
     * the replica waits; replication_start_waiting starts its snapshot
     * when the children are done. */
    if (child_pid(CHILD_REPL) == -1) {
        replication_start_waiting();
    }
}

void cmd_psync(struct client *c)
{
    replication_sync_command(c, true);
}

void cmd_sync(struct client *c)
{
    replication_sync_command(c, false);
}

/* REPLCONF option value [option value ...] */
void cmd_replconf(struct client *c)
{
    if (c->argc % 2 == 0) {
        reply_syntax_error(c);
        return;
    }
    for (int i = 1; i < c->argc; i += 2) {
        const struct arg *opt = &c->argv[i], *val = &c->argv[i + 1];
        long long v;
        if (arg_is(opt, "listening-port")) {
            if (arg_ll_or_reply(c, val, &v, NULL) != 0) {
                return;
            }
            replication_link(c)->listening_port = (int)v;
        } else if (arg_is(opt, "ip-address")) {
            struct repl_link *l = replication_link(c);
            snprintf(l->ip, sizeof(l->ip), "%s", val->ptr);
        } else if (arg_is(opt, "capa")) {
            if (arg_is(val, "eof")) {
                replication_link(c)->capa_eof = true;
            }
        } else if (arg_is(opt, "rdb-only")) {
            if (arg_ll_or_reply(c, val, &v, NULL) != 0) {
                return;
            }
            replication_link(c)->rdb_only = v != 0;
        } else if (arg_is(opt, "rdb-filter-only")) {
            /* Functions only, or none ("" = none): we send them all. */
        } else if (arg_is(opt, "ack") || arg_is(opt, "fack")) {
            if (!(c->flags & CLIENT_SLAVE) || !arg_is(opt, "ack")) {
                return;
            }
            if (resp_parse_ll(val->ptr, val->len, &v) != 0) {
                return;
            }
            if (v > c->repl->ack_offset) {
                c->repl->ack_offset = v;
            }
            c->repl->ack_time = server.mstime;
            if (replication_wait_count > 0) {
                replication_wait_pending = true;
            }
            return;
        } else if (arg_is(opt, "getack")) {
            if (c->flags & CLIENT_MASTER) {
                replica_send_ack();
            }
            return;
        } else {
            reply_error(c, "Unrecognized REPLCONF option: %s", opt->ptr);
            return;
        }
    }
    reply_ok(c);
}

/* ROLE */
void cmd_role(struct client *c)
{
    if (server.masterhost != NULL) {
        reply_array(c, 5);
        reply_bulk_str(c, "slave");
        reply_bulk_str(c, server.masterhost);
        reply_integer(c, server.masterport);
        reply_bulk_str(c, replica_role_state());
        reply_integer(c, repl.state == REPL_STATE_CONNECTED ? repl.offset
                                                           : -1);
        return;
    }
    reply_array(c, 3);
    reply_bulk_str(c, "master");
    reply_integer(c, repl.offset);
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *s = repl.slaves[k];
        if (s->repl->state != REPL_SLAVE_ONLINE) {
            continue;
        }
        reply_array(c, 3);
        reply_bulk_str(c, s->repl->ip);
        reply_bulk_ll(c, s->repl->listening_port);
        reply_bulk_ll(c, s->repl->ack_offset);
        n++;
    }
    reply_set_array_len(c, handle, n);
}

/* Replicas that acked at least 'offset'. */
static long long replication_count_acked(long long offset)
{
    long long n = 0;
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *s = repl.slaves[k];
        if (s->repl->state == REPL_SLAVE_ONLINE &&
            s->repl->ack_offset >= offset) {
            n++;
        }
    }
    return n;
}

/* WAIT numreplicas timeout */
void cmd_wait(struct client *c)
{
    if (server.masterhost != NULL) {
        reply_error(c, "WAIT cannot be used with replica instances.");
        return;
    }
    long long want, timeout;
    if (arg_ll_or_reply(c, &c->argv[1], &want, NULL) != 0 ||
        arg_ll_or_reply(c, &c->argv[2], &timeout, "timeout is not an "
                        "integer or out of range") != 0) {
        return;
    }
    if (timeout < 0) {
        reply_error(c, "timeout is negative");
        return;
    }
    /* as Redis: the client's own writes, not the GETACKs of others */
    long long acked = replication_count_acked(c->woff);
    if (acked >= want || (c->flags & CLIENT_DENY_BLOCKING)) {
        /* Inside EXEC it cannot wait: answer what is known now. */
        reply_integer(c, acked);
        return;
    }
    if (replication_wait_count == replication_wait_cap) {
        replication_wait_cap = replication_wait_cap ? replication_wait_cap * 2
                                                    : 8;
        replication_waits = mem_realloc(replication_waits,
                                        replication_wait_cap *
                                        sizeof(*replication_waits));
    }
    replication_waits[replication_wait_count++] = (struct replication_wait){
        c, c->woff, want, timeout > 0 ? server.mstime + timeout : 0
    };
    c->flags |= CLIENT_WAIT_ACKS;
    if (repl.slave_count > 0) {
        struct arg getack[3] = { { "REPLCONF", 8 }, { "GETACK", 6 },
                                 { "*", 1 } };
        backlog_feed_command(repl.seldb < 0 ? 0 : repl.seldb, 3, getack);
    }
}

void replication_check_waits(void)
{
    for (size_t i = 0; i < replication_wait_count;) {
        struct replication_wait *w = &replication_waits[i];
        long long acked = replication_count_acked(w->offset);
        if (acked < w->replicas &&
            (w->deadline == 0 || server.mstime < w->deadline)) {
            i++;
            continue;
        }
        struct client *c = w->c;
        *w = replication_waits[--replication_wait_count];
        reply_integer(c, acked);
        c->flags &= ~CLIENT_WAIT_ACKS;
        client_resume(c);
    }
}

/* ------------------------------------------------------------------------
 * Cron and INFO */

void replication_before_sleep(void)
{
    if (!replication_wait_pending) {
        return;
    }
    replication_wait_pending = false;
    server_update_time();
    replication_check_waits();
}

void replication_init(void)
{
    backlog_init();
}

void replication_release(void)
{
    if (child_pid(CHILD_REPL) > 0) {
        child_forget(CHILD_REPL);
        unlink(repl.child_file);
    }
    replication_wait_pending = false;
    mem_free(replication_waits);
    replication_waits = NULL;
    mem_free(repl.slaves);
    repl.slaves = NULL;
    repl.slave_cap = 0;
    replication_wait_count = replication_wait_cap = 0;
    backlog_release();
}

void replication_cron(void)
{
    replication_start_waiting();
    if (server.masterhost == NULL && repl.slave_count > 0 &&
        server.mstime - repl.last_ping >= server.repl_ping_period * 1000LL) {
        struct arg ping = { "PING", 4 };
        backlog_feed_command(repl.seldb < 0 ? 0 : repl.seldb, 1, &ping);
        repl.last_ping = server.mstime;
    }
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->flags & CLIENT_CLOSE_ASAP) {
            continue;
        }
        enum repl_slave_state st = c->repl->state;
        if (st == REPL_SLAVE_WAIT_BGSAVE_START ||
            (st == REPL_SLAVE_WAIT_BGSAVE_END && !c->repl->diskless)) {
            /* Tells the replica we live while the snapshot is made. */
            ssize_t ignored = write(c->fd, "\n", 1);
            (void)ignored;
        } else if (st == REPL_SLAVE_ONLINE && c->repl->psync &&
                   server.mstime - c->repl->ack_time >
                       server.repl_timeout * 1000LL) {
            log_warn("disconnecting timed out replica %s", c->addr);
            client_free_async(c);
        }
    }
}

static const char *replication_state_name(enum repl_slave_state st)
{
    switch (st) {
    case REPL_SLAVE_WAIT_BGSAVE_START:
    case REPL_SLAVE_WAIT_BGSAVE_END:
        return "wait_bgsave";
    case REPL_SLAVE_SEND_BULK:
        return "send_bulk";
    case REPL_SLAVE_ONLINE:
    default:
        return "online";
    }
}

char *replication_info(char *s)
{
    if (server.masterhost != NULL) {
        s = replica_info(s);
    } else {
        s = sds_catfmt(s, "role:master\r\n");
    }
    s = sds_catfmt(s, "connected_slaves:%zu\r\n", repl.slave_count);
    if (server.min_replicas_to_write > 0 && server.masterhost == NULL) {
        s = sds_catfmt(s, "min_slaves_good_slaves:%d\r\n",
                       replication_good_slaves());
    }
    int i = 0;
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        s = sds_catfmt(s, "slave%d:ip=%s,port=%d,state=%s,offset=%lld,"
                          "lag=%lld\r\n", i++, c->repl->ip,
                       c->repl->listening_port,
                       replication_state_name(c->repl->state),
                       c->repl->ack_offset,
                       (server.mstime - c->repl->ack_time) / 1000);
    }
    s = sds_catfmt(s, "master_failover_state:%s\r\n", failover_state_name());
    s = sds_catfmt(s, "master_replid:%s\r\n", repl.replid);
    s = sds_catfmt(s, "master_replid2:%s\r\n", repl.replid2);
    s = sds_catfmt(s, "master_repl_offset:%lld\r\n", repl.offset);
    s = sds_catfmt(s, "second_repl_offset:%lld\r\n", repl.second_offset);
    s = sds_catfmt(s, "repl_backlog_active:%d\r\n",
                   repl.backlog != NULL);
    s = sds_catfmt(s, "repl_backlog_size:%lld\r\n",
                   server.repl_backlog_size);
    s = sds_catfmt(s, "repl_backlog_first_byte_offset:%lld\r\n",
                   repl.backlog != NULL ? repl.backlog_off : 0);
    s = sds_catfmt(s, "repl_backlog_histlen:%zu\r\n",
                   repl.backlog_histlen);
    return s;
}
