/* Replication, replica side: REPLICAOF / SLAVEOF, the connection to the
 * master and its non-blocking handshake on the event loop, receiving and
 * loading the master's RDB (with a length, or diskless with an EOF
 * marker), then applying the stream through an ordinary client flagged
 * CLIENT_MASTER (no replies, no read-only or memory checks), ACKs every
 * second, reconnection with PSYNC after a cut, and promotion.
 *
 *   CONNECT --cron--> CONNECTING --connected--> HANDSHAKE:
 *     PING -> [AUTH masterauth] -> REPLCONF listening-port ->
 *     REPLCONF capa eof capa psync2 -> PSYNC <replid> <offset+1>
 *       +CONTINUE [<new replid>]  -> CONNECTED (stream from the backlog)
 *       +FULLRESYNC <replid> <off> -> TRANSFER: "$<len>" or "$EOF:<mark>",
 *            the payload into a temp file, flush the dbs, load it,
 *            -> CONNECTED
 *       -ERR (an old master)      -> SYNC -> TRANSFER
 *   any error or timeout -> CONNECT (retried by the cron each second)
 *
 * At start, an RDB that recorded repl-id / repl-offset / repl-stream-db
 * (rdb.c writes them when we have a history) gives our replid, offset and
 * stream db, so a restarted replica asks PSYNC for the byte after its
 * data; a master that does not share that history answers +FULLRESYNC.
 *
 * Not here: the master side (replication.c), the stream (backlog.c). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "lib/resp.h"
#include "redis/aof.h"
#include "redis/rdb.h"
#include "redis/replication.h"
#include "redis/script.h"

/* Handshake steps (repl.step): the reply each one waits for. */
enum replica_step {
    REPLICA_STEP_PONG,
    REPLICA_STEP_AUTH,
    REPLICA_STEP_PORT,
    REPLICA_STEP_CAPA,
    REPLICA_STEP_PSYNC,
    REPLICA_STEP_SYNC,    /* sent SYNC: the payload header comes next */
    REPLICA_STEP_PAYLOAD, /* reading the RDB itself */
};

/* The master client's db when the link went down: a partial resync
 * continues a stream that selected it. */
static int replica_master_dbid;

static void replica_on_read(evutil_socket_t fd, short what, void *arg);

/* ------------------------------------------------------------------------
 * The link */

/* Drop the handshake or transfer in progress; the cron retries. */
static void replica_abort(const char *why)
{
    if (why != NULL) {
        log_warn("replication with master %s:%d failed: %s",
                 server.masterhost != NULL ? server.masterhost : "?",
                 server.masterport, why);
    }
    if (repl.ev != NULL) {
        event_free(repl.ev);
        repl.ev = NULL;
    }
    if (repl.fd >= 0) {
        close(repl.fd);
        repl.fd = -1;
    }
    if (repl.transfer_fd >= 0) {
        close(repl.transfer_fd);
        repl.transfer_fd = -1;
        unlink(repl.transfer_file);
    }
    mem_free(repl.buf);
    repl.buf = NULL;
    repl.buflen = 0;
    if (repl.state != REPL_STATE_NONE) {
        repl.state = REPL_STATE_CONNECT;
    }
    if (repl.down_since == 0) {
        repl.down_since = server.mstime;
    }
}

/* Send one command of 'argc' words on the handshake socket. Returns
 * true, or false after aborting the link. */
static bool replica_send(int argc, ...)
{
    char *s = sds_new_empty(128);
    char head[RESP_ENC_MAX];
    s = sds_cat(s, head, resp_enc_header(head, RESP_ARRAY, argc, 2));
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++) {
        const char *w = va_arg(ap, const char *);
        s = sds_cat(s, head,
                    resp_enc_header(head, RESP_BULK, (long long)strlen(w), 2));
        s = sds_cat(s, w, strlen(w));
        s = sds_cat(s, "\r\n", 2);
    }
    va_end(ap);
    size_t off = 0, len = sds_len(s);
    while (off < len) {
        ssize_t w = write(repl.fd, s + off, len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            /* A fresh socket takes a few hundred bytes at once. */
            sds_free(s);
            replica_abort("cannot send to the master");
            return false;
        }
        off += (size_t)w;
    }
    sds_free(s);
    return true;
}

static void replica_on_connect(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    (void)arg;
    server_update_time();
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
    }
    event_free(repl.ev);
    repl.ev = NULL;
    if (err != 0) {
        char why[256];
        snprintf(why, sizeof(why), "cannot connect: %s", strerror(err));
        replica_abort(why);
        return;
    }
    log_info("connected to master %s:%d, starting the handshake",
             server.masterhost, server.masterport);
    repl.state = REPL_STATE_HANDSHAKE;
    repl.step = REPLICA_STEP_PONG;
    repl.ev = event_new(server.base, fd, EV_READ | EV_PERSIST,
                        replica_on_read, NULL);
    if (repl.ev == NULL || event_add(repl.ev, NULL) != 0) {
        replica_abort("cannot watch the socket");
        return;
    }
    replica_send(1, "PING");
}

/* Open a non-blocking connection to the master. */
static void replica_connect(void)
{
    char port[16];
    snprintf(port, sizeof(port), "%d", server.masterport);
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(server.masterhost, port, &hints, &res);
    repl.transfer_start = repl.last_io = server.mstime;
    if (rc != 0) {
        char why[256];
        snprintf(why, sizeof(why), "cannot resolve '%s': %s",
                 server.masterhost, gai_strerror(rc));
        replica_abort(why);
        return;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
                    SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        replica_abort("cannot create a socket");
        return;
    }
    rc = connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0 && errno != EINPROGRESS) {
        char why[256];
        snprintf(why, sizeof(why), "cannot connect: %s", strerror(errno));
        close(fd);
        replica_abort(why);
        return;
    }
    repl.fd = fd;
    repl.state = REPL_STATE_CONNECTING;
    repl.ev = event_new(server.base, fd, EV_WRITE, replica_on_connect, NULL);
    if (repl.ev == NULL || event_add(repl.ev, NULL) != 0) {
        replica_abort("cannot watch the socket");
    }
}

/* The handshake or transfer is done: the socket becomes the master
 * client, which first runs whatever already arrived after the payload. */
static void replica_link_up(const char *rest, size_t restlen, int dbid)
{
    event_free(repl.ev);
    repl.ev = NULL;
    char addr[300];
    snprintf(addr, sizeof(addr), "%s:%d", server.masterhost,
             server.masterport);
    int fd = repl.fd;
    repl.fd = -1;
    struct client *c = client_new(fd, addr);
    if (c == NULL) {
        replica_abort("cannot create the master client");
        return;
    }
    c->flags |= CLIENT_MASTER;
    c->authenticated = true;
    c->db = &server.db[dbid < server.databases ? dbid : 0];
    repl.master = c;
    repl.state = REPL_STATE_CONNECTED;
    repl.down_since = 0;
    repl.last_ack = 0;
    if (restlen > 0) {
        if (c->qcap < restlen) {
            c->qcap = restlen;
            c->qbuf = mem_realloc(c->qbuf, c->qcap);
        }
        memcpy(c->qbuf, rest, restlen);
        c->qlen = restlen;
    }
    mem_free(repl.buf);
    repl.buf = NULL;
    repl.buflen = 0;
    replica_send_ack();
    if (c->qlen > 0) {
        client_resume(c);
    }
}

/* The whole payload is in the temp file: load it. 'rest' are the bytes
 * that followed it (the start of the stream). */
static void replica_load_payload(const char *rest, size_t restlen)
{
    if (fsync(repl.transfer_fd) != 0 || close(repl.transfer_fd) != 0) {
        repl.transfer_fd = -1;
        replica_abort("cannot write the RDB received from the master");
        return;
    }
    repl.transfer_fd = -1;
    log_info("received %lld bytes of RDB from the master, loading",
             repl.transfer_read);
    /* A new history: replicas of ours must sync again. */
    replication_disconnect_slaves();
    for (int i = 0; i < server.databases; i++) {
        db_empty(&server.db[i]);
    }
    function_flush_libraries();
    server.loading = true;
    int rc = rdb_load_file(repl.transfer_file);
    server.loading = false;
    if (rc != 0) {
        unlink(repl.transfer_file);
        replica_abort("cannot load the RDB received from the master");
        return;
    }
    if (rename(repl.transfer_file, server.dbfilename) != 0) {
        log_warn("cannot rename '%s' to '%s': %s", repl.transfer_file,
                 server.dbfilename, strerror(errno));
        unlink(repl.transfer_file);
    }
    if (repl.master_initial_offset >= 0) {
        memcpy(repl.replid, repl.master_replid, sizeof(repl.replid));
        repl.offset = repl.master_initial_offset;
    } else {
        backlog_new_replid();
        repl.offset = 0;
    }
    memset(repl.replid2, '0', REPL_ID_LEN);
    repl.second_offset = -1;
    backlog_create();
    backlog_clear();
    log_info("synchronized with master %s:%d: replid %s offset %lld",
             server.masterhost, server.masterport, repl.replid,
             repl.offset);
    /* A master that is itself a replica passes its own master's stream
     * on as it is: its first command need not SELECT, so it goes to the
     * db that stream had selected when the payload was made. */
    replica_link_up(rest, restlen,
                    rdb_state.repl_stream_db >= 0 ? rdb_state.repl_stream_db
                                                  : 0);
    aof_after_full_sync();
}

/* Append payload bytes to the temp file. */
static int replica_write_payload(const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(repl.transfer_fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
        repl.transfer_read += n;
    }
    return 0;
}

/* Consume payload bytes from repl.buf. Returns true when it is done
 * (the link was then handed over or aborted). */
static bool replica_take_payload(void)
{
    if (repl.transfer_size >= 0) {
        size_t want = (size_t)(repl.transfer_size - repl.transfer_read);
        size_t n = repl.buflen < want ? repl.buflen : want;
        if (replica_write_payload(repl.buf, n) != 0) {
            replica_abort("cannot write the temp RDB file");
            return true;
        }
        memmove(repl.buf, repl.buf + n, repl.buflen - n);
        repl.buflen -= n;
        if (repl.transfer_read < repl.transfer_size) {
            return false;
        }
    } else {
        /* Diskless: the payload ends with the 40-byte marker; hold back
         * what could be the start of it. */
        char *mark = memmem(repl.buf, repl.buflen, repl.transfer_eof,
                            REPL_ID_LEN);
        if (mark == NULL) {
            size_t keep = REPL_ID_LEN - 1;
            if (repl.buflen > keep) {
                size_t n = repl.buflen - keep;
                if (replica_write_payload(repl.buf, n) != 0) {
                    replica_abort("cannot write the temp RDB file");
                    return true;
                }
                memmove(repl.buf, repl.buf + n, keep);
                repl.buflen = keep;
            }
            return false;
        }
        size_t n = (size_t)(mark - repl.buf);
        if (replica_write_payload(repl.buf, n) != 0) {
            replica_abort("cannot write the temp RDB file");
            return true;
        }
        n += REPL_ID_LEN;
        memmove(repl.buf, repl.buf + n, repl.buflen - n);
        repl.buflen -= n;
    }
    char *rest = repl.buf;
    size_t restlen = repl.buflen;
    repl.buf = NULL;
    repl.buflen = 0;
    replica_load_payload(rest, restlen);
    mem_free(rest);
    return true;
}

/* The payload header "$<len>" or "$EOF:<mark>": open the temp file. */
static void replica_start_payload(const char *line)
{
    if (strncmp(line, "$EOF:", 5) == 0 && strlen(line) == 5 + REPL_ID_LEN) {
        memcpy(repl.transfer_eof, line + 5, REPL_ID_LEN);
        repl.transfer_size = -1;
    } else {
        char *end;
        errno = 0;
        long long len = strtoll(line + 1, &end, 10);
        if (*end != '\0' || errno != 0 || len < 0) {
            replica_abort("bad payload header from the master");
            return;
        }
        repl.transfer_size = len;
    }
    snprintf(repl.transfer_file, sizeof(repl.transfer_file),
             "temp-%d.%lld.rdb", (int)getpid(), server.mstime);
    repl.transfer_fd = open(repl.transfer_file,
                            O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (repl.transfer_fd < 0) {
        char why[300];
        snprintf(why, sizeof(why), "cannot create '%s': %s",
                 repl.transfer_file, strerror(errno));
        replica_abort(why);
        return;
    }
    repl.transfer_read = 0;
    repl.step = REPLICA_STEP_PAYLOAD;
    repl.state = REPL_STATE_TRANSFER;
    log_info("receiving the RDB from the master (%s)",
             repl.transfer_size < 0 ? "diskless" : line + 1);
}

/* Send REPLCONF listening-port, the step after PING or AUTH. */
static bool replica_send_port(void)
{
    char port[16];
    snprintf(port, sizeof(port), "%d", server.port);
    repl.step = REPLICA_STEP_PORT;
    return replica_send(3, "REPLCONF", "listening-port", port);
}

/* The reply to PSYNC. Returns false if the link was aborted or handed
 * over to the master client. */
static bool replica_on_psync_reply(char *line, const char *rest,
                                   size_t restlen)
{
    if (strncmp(line, "+FULLRESYNC ", 12) == 0) {
        char *id = line + 12, *sp = strchr(id, ' ');
        if (sp == NULL || sp - id != REPL_ID_LEN) {
            replica_abort("bad +FULLRESYNC reply");
            return false;
        }
        memcpy(repl.master_replid, id, REPL_ID_LEN);
        repl.master_replid[REPL_ID_LEN] = '\0';
        repl.master_initial_offset = strtoll(sp + 1, NULL, 10);
        log_info("full resync from master: replid %s offset %lld",
                 repl.master_replid, repl.master_initial_offset);
        repl.step = REPLICA_STEP_SYNC;
        repl.state = REPL_STATE_TRANSFER;
        return true;
    }
    if (strncmp(line, "+CONTINUE", 9) == 0) {
        char *id = line + 9;
        while (*id == ' ') {
            id++;
        }
        if (strlen(id) == REPL_ID_LEN && strcmp(id, repl.replid) != 0) {
            memcpy(repl.replid2, repl.replid, sizeof(repl.replid));
            repl.second_offset = repl.offset + 1;
            memcpy(repl.replid, id, REPL_ID_LEN);
            /* Our replicas must learn the new id. */
            replication_disconnect_slaves();
        }
        log_info("partial resync accepted by the master, continuing from "
                 "offset %lld", repl.offset + 1);
        replica_link_up(rest, restlen, replica_master_dbid);
        return false;
    }
    if (line[0] == '-' && failover_in_progress()) {
        failover_psync_refused(line + 1);
        return false;
    }
    if (strncmp(line, "-NOMASTERLINK", 13) == 0 ||
        strncmp(line, "-LOADING", 8) == 0) {
        replica_abort("the master cannot serve us yet");
        return false;
    }
    if (line[0] == '-') {
        log_info("the master refused PSYNC (%s), trying SYNC", line + 1);
        repl.master_initial_offset = -1;
        repl.step = REPLICA_STEP_SYNC;
        repl.state = REPL_STATE_TRANSFER;
        return replica_send(1, "SYNC");
    }
    replica_abort("unexpected reply to PSYNC");
    return false;
}

/* One reply line (without CR LF) of the handshake. Returns false if the
 * link was aborted or handed over. */
static bool replica_on_line(char *line, const char *rest, size_t restlen)
{
    char why[300];
    switch ((enum replica_step)repl.step) {
    case REPLICA_STEP_PONG:
        if (line[0] == '-' && strncmp(line, "-NOAUTH", 7) != 0 &&
            strncmp(line, "-NOPERM", 7) != 0 &&
            strncmp(line, "-ERR operation not permitted", 28) != 0) {
            replica_abort("the master did not answer PING");
            return false;
        }
        if (server.masterauth != NULL && server.masterauth[0] != '\0') {
            repl.step = REPLICA_STEP_AUTH;
            return replica_send(2, "AUTH", server.masterauth);
        }
        return replica_send_port();
    case REPLICA_STEP_AUTH:
        if (line[0] == '-') {
            snprintf(why, sizeof(why), "AUTH refused: %.200s", line + 1);
            replica_abort(why);
            return false;
        }
        return replica_send_port();
    case REPLICA_STEP_PORT:
        /* An error is fine: the master then shows our outgoing port. */
        repl.step = REPLICA_STEP_CAPA;
        return replica_send(5, "REPLCONF", "capa", "eof", "capa", "psync2");
    case REPLICA_STEP_CAPA: {
        repl.step = REPLICA_STEP_PSYNC;
        if (repl.backlog == NULL) {
            return replica_send(3, "PSYNC", "?", "-1");
        }
        char off[SERVER_LONG_STR_SIZE];
        snprintf(off, sizeof(off), "%lld", repl.offset + 1);
        log_info("trying a partial resync: replid %s offset %s",
                 repl.replid, off);
        if (failover_in_progress()) {
            return replica_send(4, "PSYNC", repl.replid, off, "FAILOVER");
        }
        return replica_send(3, "PSYNC", repl.replid, off);
    }
    case REPLICA_STEP_PSYNC:
        return replica_on_psync_reply(line, rest, restlen);
    case REPLICA_STEP_SYNC:
        if (line[0] == '-') {
            snprintf(why, sizeof(why), "the master refused to sync: %.200s",
                     line + 1);
            replica_abort(why);
            return false;
        }
        if (line[0] != '$') {
            replica_abort("bad payload header from the master");
            return false;
        }
        replica_start_payload(line);
        return repl.state == REPL_STATE_TRANSFER;
    case REPLICA_STEP_PAYLOAD:
    default:
        return true;
    }
}

static void replica_on_read(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    (void)arg;
    char chunk[SERVER_IOBUF_LEN];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    server_update_time();
    if (n <= 0) {
        replica_abort(n == 0 ? "the master closed the connection"
                             : strerror(errno));
        return;
    }
    repl.last_io = server.mstime;
    server.stat_net_repl_input_bytes += n;
    repl.buf = mem_realloc(repl.buf, repl.buflen + (size_t)n);
    memcpy(repl.buf + repl.buflen, chunk, (size_t)n);
    repl.buflen += (size_t)n;
    while (repl.buflen > 0) {
        if (repl.step == REPLICA_STEP_PAYLOAD) {
            replica_take_payload();
            return;
        }
        char *nl = memchr(repl.buf, '\n', repl.buflen);
        if (nl == NULL) {
            if (repl.buflen > 1024) {
                replica_abort("reply line too long");
            }
            return;
        }
        size_t linelen = (size_t)(nl - repl.buf);
        char line[1100];
        if (linelen >= sizeof(line)) {
            replica_abort("reply line too long");
            return;
        }
        memcpy(line, repl.buf, linelen);
        line[linelen] = '\0';
        if (linelen > 0 && line[linelen - 1] == '\r') {
            line[--linelen] = '\0';
        }
        size_t used = (size_t)(nl - repl.buf) + 1;
        memmove(repl.buf, repl.buf + used, repl.buflen - used);
        repl.buflen -= used;
        if (linelen == 0) {
            /* A newline: the master is alive, preparing the RDB. */
            continue;
        }
        if (!replica_on_line(line, repl.buf, repl.buflen)) {
            return;
        }
    }
}

/* ------------------------------------------------------------------------
 * Entry points */

/* True if the 'len' bytes at 'name' spell 'cmd' in any case. */
static bool replica_name_is(const char *name, size_t len, const char *cmd)
{
    return len == strlen(cmd) && strncasecmp(name, cmd, len) == 0;
}

void replica_master_feed(const char *p, size_t len, const char *name,
                         size_t namelen)
{
    if (repl.multi_buf == NULL && !replica_name_is(name, namelen, "multi")) {
        backlog_feed_raw(p, len);
        return;
    }
    if (repl.multi_buf == NULL) {
        repl.multi_buf = sds_new_empty(len * 4);
    }
    repl.multi_buf = sds_cat(repl.multi_buf, p, len);
    if (replica_name_is(name, namelen, "exec") ||
        replica_name_is(name, namelen, "discard")) {
        backlog_feed_raw(repl.multi_buf, sds_len(repl.multi_buf));
        sds_free(repl.multi_buf);
        repl.multi_buf = NULL;
    }
}

void replica_master_lost(struct client *c)
{
    replica_master_dbid = c->db->id;
    repl.master = NULL;
    /* Its open transaction dies with the client; the master sends it
     * again from its MULTI. */
    sds_free(repl.multi_buf);
    repl.multi_buf = NULL;
    if (server.masterhost != NULL) {
        log_warn("connection with master %s:%d lost", server.masterhost,
                 server.masterport);
        repl.state = REPL_STATE_CONNECT;
        repl.down_since = server.mstime;
    } else {
        repl.state = REPL_STATE_NONE;
    }
}

void replica_send_ack(void)
{
    struct client *m = repl.master;
    if (m == NULL || (m->flags & CLIENT_CLOSE_ASAP)) {
        return;
    }
    char num[SERVER_LONG_STR_SIZE];
    size_t n = util_ll2str(num, repl.offset);
    char msg[4 * RESP_ENC_MAX + sizeof(num)];
    size_t len = resp_enc_header(msg, RESP_ARRAY, 3, 2);
    len += resp_enc_bulk(msg + len, "REPLCONF", 8);
    len += resp_enc_bulk(msg + len, "ACK", 3);
    len += resp_enc_bulk(msg + len, num, n);
    client_append(m, msg, len);
    client_flush(m);
    repl.last_ack = server.mstime;
}

/* Close the link to the current master, whatever its state. */
static void replica_drop_link(void)
{
    if (repl.master != NULL) {
        struct client *m = repl.master;
        client_free(m);
    }
    replica_abort(NULL);
}

void replica_set_master(const char *host, int port)
{
    if (host == NULL) {
        if (server.masterhost == NULL) {
            return;
        }
        mem_free(server.masterhost);
        server.masterhost = NULL;
        server.masterport = 0;
        replica_drop_link();
        repl.state = REPL_STATE_NONE;
        repl.down_since = 0;
        backlog_shift_replid();
        repl.seldb = -1;
        /* They will PSYNC with our old id and continue under the new. */
        replication_disconnect_slaves();
        log_info("promoted to master: replication id %s", repl.replid);
        return;
    }
    char *copy = mem_strdup(host);
    mem_free(server.masterhost);
    server.masterhost = copy;
    server.masterport = port;
    replica_drop_link();
    replication_disconnect_slaves();
    /* Our own history (a master's, or the last master's) lets the new
     * master continue us with PSYNC if it shares it. */
    repl.state = REPL_STATE_CONNECT;
    repl.down_since = server.mstime;
    log_info("replicating from %s:%d", host, port);
    replica_connect();
}

void replica_init(void)
{
    if (server.masterhost == NULL) {
        return;
    }
    if (rdb_state.repl_id[0] != '\0' && rdb_state.repl_offset >= 0) {
        /* The RDB loaded at start recorded where its data stands in a
         * replication history: take it as ours, with an empty backlog at
         * its end, so the first PSYNC asks for the byte after it. */
        memcpy(repl.replid, rdb_state.repl_id, sizeof(repl.replid));
        repl.offset = rdb_state.repl_offset;
        backlog_create();
        replica_master_dbid =
            rdb_state.repl_stream_db >= 0 ? rdb_state.repl_stream_db : 0;
        log_info("the RDB file continues replid %s at offset %lld (db %d): "
                 "will try a partial resync", repl.replid, repl.offset,
                 replica_master_dbid);
    }
    repl.state = REPL_STATE_CONNECT;
    repl.down_since = server.mstime;
    replica_connect();
}

void replica_release(void)
{
    replica_abort(NULL);
}

void replica_cron(void)
{
    switch (repl.state) {
    case REPL_STATE_CONNECT:
        replica_connect();
        break;
    case REPL_STATE_CONNECTING:
    case REPL_STATE_HANDSHAKE:
        if (server.mstime - repl.transfer_start >
            server.repl_timeout * 1000LL) {
            replica_abort("timeout during the handshake");
        }
        break;
    case REPL_STATE_TRANSFER:
        if (server.mstime - repl.last_io > server.repl_timeout * 1000LL) {
            replica_abort("timeout receiving the RDB");
        }
        break;
    case REPL_STATE_CONNECTED:
        if (repl.master != NULL &&
            server.mstime - repl.master->last_interaction >
                server.repl_timeout * 1000LL) {
            log_warn("no data from master %s:%d for %d s: dropping the link",
                     server.masterhost, server.masterport,
                     server.repl_timeout);
            client_free_async(repl.master);
            break;
        }
        replica_send_ack();
        break;
    case REPL_STATE_NONE:
    default:
        break;
    }
}

int replica_stream_db(void)
{
    return repl.master != NULL ? repl.master->db->id : replica_master_dbid;
}

const char *replica_role_state(void)
{
    switch (repl.state) {
    case REPL_STATE_CONNECTING:
    case REPL_STATE_HANDSHAKE:
        return "connecting";
    case REPL_STATE_TRANSFER:
        return "sync";
    case REPL_STATE_CONNECTED:
        return "connected";
    case REPL_STATE_CONNECT:
    case REPL_STATE_NONE:
    default:
        return "connect";
    }
}

char *replica_info(char *s)
{
    bool up = repl.state == REPL_STATE_CONNECTED && repl.master != NULL;
    s = sds_catfmt(s, "role:slave\r\nmaster_host:%s\r\nmaster_port:%d\r\n",
                   server.masterhost, server.masterport);
    s = sds_catfmt(s, "master_link_status:%s\r\n", up ? "up" : "down");
    s = sds_catfmt(s, "master_last_io_seconds_ago:%lld\r\n",
                   up ? (server.mstime - repl.master->last_interaction) /
                            1000
                      : -1);
    s = sds_catfmt(s, "master_sync_in_progress:%d\r\n",
                   repl.state == REPL_STATE_TRANSFER);
    s = sds_catfmt(s, "slave_read_repl_offset:%lld\r\n", repl.offset);
    s = sds_catfmt(s, "slave_repl_offset:%lld\r\n", repl.offset);
    if (repl.state == REPL_STATE_TRANSFER) {
        s = sds_catfmt(s, "master_sync_total_bytes:%lld\r\n",
                       repl.transfer_size);
        s = sds_catfmt(s, "master_sync_read_bytes:%lld\r\n",
                       repl.transfer_read);
        if (repl.transfer_size >= 0) {
            long long left = repl.transfer_size - repl.transfer_read;
            s = sds_catfmt(s, "master_sync_left_bytes:%lld\r\n"
                              "master_sync_perc:%.2f\r\n", left,
                           repl.transfer_size > 0
                               ? 100.0 * (double)repl.transfer_read /
                                     (double)repl.transfer_size
                               : 0.0);
        }
        s = sds_catfmt(s, "master_sync_last_io_seconds_ago:%lld\r\n",
                       (server.mstime - repl.last_io) / 1000);
    }
    if (!up) {
        s = sds_catfmt(s, "master_link_down_since_seconds:%lld\r\n",
                       repl.down_since > 0
                           ? (server.mstime - repl.down_since) / 1000
                           : -1);
    }
    s = sds_catfmt(s, "slave_priority:100\r\nslave_read_only:%d\r\n",
                   server.replica_read_only);
    s = sds_catfmt(s, "replica_announced:1\r\n");
    return s;
}

/* REPLICAOF host port | REPLICAOF NO ONE (also SLAVEOF) */
void cmd_replicaof(struct client *c)
{
    if (arg_is(&c->argv[1], "no") && arg_is(&c->argv[2], "one")) {
        replica_set_master(NULL, 0);
        reply_ok(c);
        return;
    }
    long long port;
    if (arg_ll_or_reply(c, &c->argv[2], &port, "Invalid master port") != 0) {
        return;
    }
    if (port < 1 || port > 65535) {
        reply_error(c, "Invalid master port");
        return;
    }
    if (server.masterhost != NULL && server.masterport == port &&
        strcasecmp(server.masterhost, c->argv[1].ptr) == 0) {
        reply_simple(c, "OK Already connected to specified master");
        return;
    }
    replica_set_master(c->argv[1].ptr, (int)port);
    reply_ok(c);
}
