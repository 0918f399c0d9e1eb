/* Client connections: accepting on the listeners, reading requests into
 * the query buffer and parsing them in place, writing replies, output and
 * query buffer limits, idle timeouts and freeing. Also every reply_*
 * writer and the arg_* parsers that handlers use. The CLIENT command is in
 * client.c.
 *
 * Buffers. Each client has one flat query buffer and one flat output
 * buffer. A read appends to the query buffer; every complete request in
 * it is parsed by lib/resp into offsets, turned into struct arg views
 * (each argument is NUL-terminated in place by overwriting the CR or the
 * separator that follows it) and run; then the unconsumed tail moves to
 * the front. Replies of the whole batch pile up in the output buffer and
 * go out in one write() when the batch is done; what the socket does not
 * take waits for the write event. So a pipelined batch costs one read and
 * one write, and no allocation once the buffers have grown.
 *
 * Freeing. A client is never freed while its own command runs: errors and
 * CLIENT KILL of oneself set a flag; client_free_async queues the client
 * and an event frees it at the next turn of the loop. */
#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/aof.h"
#include "redis/replication.h"
#include "redis/server.h"
#include "redis/slowlog.h"

/* Output buffers larger than this are given back once empty. */
#define NETWORKING_OBUF_KEEP (64 * 1024)

static void client_resume_paused(void);

/* ------------------------------------------------------------------------
 * Freeing */

void networking_before_sleep(void)
{
    if (server.unpause_pending) {
        client_resume_paused();
    }
    tracking_before_sleep();
    while (server.free_count > 0) {
        struct client *c = server.free_queue[server.free_count - 1];
        client_free(c);
    }
}

void client_free_async(struct client *c)
{
    if (c->flags & CLIENT_CLOSE_ASAP) {
        return;
    }
    c->flags |= CLIENT_CLOSE_ASAP;
    event_del(c->read_ev);
    if (server.free_count == server.free_cap) {
        server.free_cap = server.free_cap ? server.free_cap * 2 : 16;
        server.free_queue = mem_realloc(server.free_queue,
                                        server.free_cap *
                                        sizeof(*server.free_queue));
    }
    server.free_queue[server.free_count++] = c;
}

void client_free(struct client *c)
{
    assert(c != server.current);
    if ((c->flags & (CLIENT_SLAVE | CLIENT_MASTER | CLIENT_WAIT_ACKS)) ||
        c->repl != NULL) {
        replication_client_freed(c);
    }
    monitor_client_release(c);
    if (c->flags & CLIENT_CLOSE_ASAP) {
        for (size_t i = 0; i < server.free_count; i++) {
            if (server.free_queue[i] == c) {
                server.free_queue[i] = server.free_queue[--server.free_count];
                break;
            }
        }
    }
    if (c->prev != NULL) {
        c->prev->next = c->next;
    } else {
        server.clients = c->next;
    }
    if (c->next != NULL) {
        c->next->prev = c->prev;
    }
    server.client_count--;
    blocking_client_release(c);
    multi_client_release(c);
    pubsub_client_release(c);
    tracking_disable(c);
    event_free(c->read_ev);
    event_free(c->write_ev);
    close(c->fd);
    resp_request_release(&c->req);
    mem_free(c->argv);
    mem_free(c->qbuf);
    mem_free(c->obuf);
    mem_free(c->name);
    mem_free(c);
}

void networking_free_all(void)
{
    while (server.clients != NULL) {
        client_free(server.clients);
    }
    mem_free(server.free_queue);
    server.free_queue = NULL;
    server.free_count = server.free_cap = 0;
}

/* ------------------------------------------------------------------------
 * Writing */

static void client_on_write(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct client *c = arg;
    server_update_time();
    client_flush(c);
}

void client_flush(struct client *c)
{
    if (c->flags & (CLIENT_CLOSE_ASAP | CLIENT_REPL_HOLD)) {
        return;
    }
    if (c->opos < c->olen) {
        server.stat_total_writes++;
    }
    while (c->opos < c->olen) {
        ssize_t n = write(c->fd, c->obuf + c->opos, c->olen - c->opos);
        if (n > 0) {
            c->opos += (size_t)n;
            if (c->flags & CLIENT_SLAVE) {
                server.stat_net_repl_output_bytes += n;
            } else {
                server.stat_net_output_bytes += n;
            }
            c->last_interaction = server.mstime;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!(c->flags & CLIENT_PENDING_WRITE)) {
                if (event_add(c->write_ev, NULL) != 0) {
                    log_warn("cannot watch client %s for writing", c->addr);
                    client_free_async(c);
                    return;
                }
                c->flags |= CLIENT_PENDING_WRITE;
            }
            return;
        }
        log_debug("error writing to client %s: %s", c->addr,
                  n < 0 ? strerror(errno) : "short write");
        client_free_async(c);
        return;
    }
    c->olen = c->opos = 0;
    c->obuf_soft_since = 0;
    if (c->ocap > NETWORKING_OBUF_KEEP) {
        mem_free(c->obuf);
        c->ocap = SERVER_IOBUF_LEN;
        c->obuf = mem_alloc(c->ocap);
        server.stat_reply_buffer_shrinks++;
    }
    if (c->flags & CLIENT_PENDING_WRITE) {
        event_del(c->write_ev);
        c->flags &= ~CLIENT_PENDING_WRITE;
    }
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) {
        client_free_async(c);
    }
}

/* Close 'c' if its pending output passed the limits of its class
 * (replica, pub/sub or normal). */
static void client_check_output_limit(struct client *c)
{
    const struct client_limit *l = (c->flags & CLIENT_SLAVE)
                                   ? &server.limit_replica
                                   : (c->flags & CLIENT_PUBSUB)
                                   ? &server.limit_pubsub
                                   : &server.limit_normal;
    long long pending = (long long)(c->olen - c->opos);
    bool hard = l->hard > 0 && pending >= l->hard;
    bool soft = false;
    if (l->soft > 0 && pending >= l->soft) {
        if (c->obuf_soft_since == 0) {
            c->obuf_soft_since = server.mstime;
        } else if (server.mstime - c->obuf_soft_since > l->seconds * 1000) {
            soft = true;
        }
    } else {
        c->obuf_soft_since = 0;
    }
    if ((hard || soft) && !(c->flags & CLIENT_CLOSE_ASAP)) {
        log_warn("client %s closed for overcoming of output buffer limits",
                 c->addr);
        client_free_async(c);
    }
}

/* ------------------------------------------------------------------------
 * Reading and parsing */

/* Turn the parsed request into c->argv ('base' from resp_request_base). */
static void client_set_argv(struct client *c, char *base)
{
    if (c->req.argc > c->argv_cap) {
        c->argv_cap = c->req.argc;
        c->argv = mem_realloc(c->argv, (size_t)c->argv_cap * sizeof(*c->argv));
    }
    for (int i = 0; i < c->req.argc; i++) {
        char *p = base + c->req.argv[i].off;
        size_t len = c->req.argv[i].len;
        p[len] = '\0';
        c->argv[i].ptr = p;
        c->argv[i].len = len;
    }
    c->argc = c->req.argc;
}

/* Commands with subcommands: CLIENT LIST shows "cmd=client|list". */
static const char *const client_containers[] = {
    "acl", "client", "cluster", "command", "config", "function", "latency",
    "memory", "module", "object", "pubsub", "script", "slowlog", "xgroup",
    "xinfo",
};

/* Remember the subcommand of c->argv if its command is a container. */
static void client_note_sub(struct client *c)
{
    c->last_sub[0] = '\0';
    /* Cheap filters first: this runs before every command. */
    if (c->argc < 2 || c->argv[1].len >= sizeof(c->last_sub) ||
        c->argv[0].len < 3 || c->argv[0].len > 8 ||
        strchr("acflmopsx", tolower((unsigned char)c->argv[0].ptr[0])) ==
        NULL) {
        return;
    }
    for (size_t i = 0; i < sizeof(client_containers) /
                           sizeof(client_containers[0]); i++) {
        if (arg_is(&c->argv[0], client_containers[i])) {
            for (size_t k = 0; k < c->argv[1].len; k++) {
                c->last_sub[k] = (char)tolower((unsigned char)
                                               c->argv[1].ptr[k]);
            }
            c->last_sub[c->argv[1].len] = '\0';
            return;
        }
    }
}

/* True if CLIENT PAUSE or FAILOVER's pause holds the request of 'c' whose
 * command name is the 'len' bytes at 'name': every command of an
 * ordinary client with CLIENT PAUSE ALL; with WRITE or a failover, the
 * writes and the commands that may write or publish (EVAL, FCALL,
 * PUBLISH, PFCOUNT, WAIT), as Redis. */
static bool client_pause_holds(struct client *c, const char *name,
                               size_t len)
{
    if ((server.pause_end == 0 && !server.pause_failover) ||
        (c->flags & (CLIENT_MASTER | CLIENT_SLAVE | CLIENT_LOADER))) {
        return false;
    }
    if (server.pause_end != 0 && server.mstime >= server.pause_end) {
        client_unpause_all();
        if (!server.pause_failover) {
            return false;
        }
    }
    if (server.pause_end != 0 && server.pause_all) {
        return true;
    }
    const struct command *cmd = commands_lookup(name, len);
    if (cmd == NULL) {
        return false;
    }
    static const char *const may_write[] = {
        "eval", "evalsha", "fcall", "publish", "pfcount", "wait",
    };
    if (cmd->spec->flags & CMDSPEC_WRITE) {
        return true;
    }
    for (size_t i = 0; i < sizeof(may_write) / sizeof(may_write[0]); i++) {
        if (strcmp(cmd->spec->name, may_write[i]) == 0) {
            return true;
        }
    }
    return false;
}

void client_unpause_all(void)
{
    server.pause_end = 0;
    server.pause_all = false;
    server.unpause_pending = true;
}

void client_pause_failover(bool on)
{
    if (server.pause_failover && !on) {
        server.unpause_pending = true;
    }
    server.pause_failover = on;
}

/* After the loop's turn: run the requests CLIENT PAUSE held. Not inside
 * CLIENT UNPAUSE itself, so no command runs nested in another. */
static void client_resume_paused(void)
{
    server.unpause_pending = false;
    for (struct client *c = server.clients; c != NULL; c = c->next) {
        if (c->flags & CLIENT_PAUSED) {
            c->flags &= ~CLIENT_PAUSED;
            client_resume(c);
        }
    }
}

/* Run every complete request in the query buffer. */
static void client_process_input(struct client *c)
{
    size_t off = 0;
    while (off < c->qlen && !server.shutdown_asap &&
           !(c->flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP |
                         CLIENT_BLOCKED | CLIENT_WAIT_ACKS | CLIENT_PAUSED))) {
        enum resp_status st = resp_request_parse(&c->req, c->qbuf + off,
                                                 c->qlen - off);
        if (st == RESP_AGAIN) {
            break;
        }
        if (st == RESP_ERROR) {
            log_info("protocol error from client %s: %s", c->addr,
                     c->req.err);
            reply_error_text(c, c->req.err);
            c->flags |= CLIENT_CLOSE_AFTER_REPLY | CLIENT_PROTOCOL_ERROR;
            off = c->qlen;
            break;
        }
        if (c->flags & CLIENT_MASTER) {
            /* Before client_set_argv writes NULs into the bytes. */
            bool named = c->req.argc > 0;
            const char *base = resp_request_base(&c->req, c->qbuf + off);
            replica_master_feed(c->qbuf + off, c->req.pos,
                                named ? base + c->req.argv[0].off : "",
                                named ? c->req.argv[0].len : 0);
        }
        char *base = resp_request_base(&c->req, c->qbuf + off);
        if (c->req.argc > 0 && client_pause_holds(c, base + c->req.argv[0].off,
                                                  c->req.argv[0].len)) {
            /* Left in the buffer untouched: parsed again once unpaused. */
            resp_request_clear(&c->req);
            c->flags |= CLIENT_PAUSED;
            break;
        }
        client_set_argv(c, base);
        off += c->req.pos;
        resp_request_clear(&c->req);
        if (c->argc > 0) {
            if (c->flags & CLIENT_REPLY_SKIP_NEXT) {
                c->flags = (c->flags & ~CLIENT_REPLY_SKIP_NEXT) |
                           CLIENT_REPLY_SKIP;
            }
            client_note_sub(c);
            server.in_request = c;
            server_process_command(c);
            server.in_request = NULL;
            c->flags &= ~CLIENT_REPLY_SKIP;
            tracking_after_command(c);
            client_check_output_limit(c);
            blocking_handle_ready();
        }
    }
    c->argc = 0;
    if (off > 0) {
        memmove(c->qbuf, c->qbuf + off, c->qlen - off);
        c->qlen -= off;
    }
}

void client_resume(struct client *c)
{
    if (!(c->flags & CLIENT_CLOSE_ASAP)) {
        client_process_input(c);
    }
    server_before_reply();
    client_flush(c);
}

static void client_on_read(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct client *c = arg;
    size_t want = SERVER_IOBUF_LEN;
    /* Inside a big bulk, make room for all of it so one read can finish
     * it and the buffer does not grow step by step. */
    if (c->req.bulk_len >= 0) {
        size_t need = c->req.pos + (size_t)c->req.bulk_len + 2;
        if (need > c->qlen && need - c->qlen > want) {
            want = need - c->qlen;
        }
    }
    if (c->qcap - c->qlen < want) {
        c->qcap = c->qlen + want;
        c->qbuf = mem_realloc(c->qbuf, c->qcap);
    }
    server.stat_total_reads++;
    ssize_t n = read(fd, c->qbuf + c->qlen, c->qcap - c->qlen);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
                      errno == EINTR)) {
            return;
        }
        if (n < 0) {
            log_debug("error reading from client %s: %s", c->addr,
                      strerror(errno));
        }
        client_free_async(c);
        return;
    }
    server_update_time();
    c->qlen += (size_t)n;
    c->last_interaction = server.mstime;
    if (c->flags & CLIENT_MASTER) {
        server.stat_net_repl_input_bytes += n;
    } else {
        server.stat_net_input_bytes += n;
    }
    if ((long long)c->qlen > server.client_max_querybuf_len) {
        log_warn("closing client %s that reached max query buffer length "
                 "(%zu bytes)", c->addr, c->qlen);
        client_free_async(c);
        return;
    }
    client_process_input(c);
    if (!aof_defer_reply(c)) {
        server_before_reply();
        client_flush(c);
    }
    if (c->qlen == 0 && c->qcap > NETWORKING_OBUF_KEEP) {
        mem_free(c->qbuf);
        c->qcap = SERVER_IOBUF_LEN;
        c->qbuf = mem_alloc(c->qcap);
    }
}

/* ------------------------------------------------------------------------
 * Accepting */

static void networking_format_addr(const struct sockaddr *sa, char *buf,
                                   size_t len)
{
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        port = ntohs(in->sin_port);
        snprintf(buf, len, "%s:%d", host, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        port = ntohs(in6->sin6_port);
        snprintf(buf, len, "[%s]:%d", host, port);
    } else {
        snprintf(buf, len, "?:0");
    }
}

struct client *client_new(int fd, const char *addr)
{
    if (evutil_make_socket_nonblocking(fd) != 0) {
        log_warn("cannot make the socket of %s non-blocking", addr);
        close(fd);
        return NULL;
    }
    server_update_time();
    struct client *c = mem_calloc(1, sizeof(*c));
    c->id = ++server.next_client_id;
    c->resp = 2;
    c->fd = fd;
    c->db = &server.db[0];
    c->ctime = c->last_interaction = server.mstime;
    c->authenticated = acl_client_autoauth();
    c->qcap = SERVER_IOBUF_LEN;
    c->qbuf = mem_alloc(c->qcap);
    c->ocap = SERVER_IOBUF_LEN;
    c->obuf = mem_alloc(c->ocap);
    resp_request_init(&c->req);
    snprintf(c->addr, sizeof(c->addr), "%s", addr);
    struct sockaddr_storage local;
    socklen_t local_len = sizeof(local);
    if (getsockname(fd, (struct sockaddr *)&local, &local_len) == 0) {
        networking_format_addr((struct sockaddr *)&local, c->laddr,
                               sizeof(c->laddr));
    }
    c->read_ev = event_new(server.base, fd, EV_READ | EV_PERSIST,
                           client_on_read, c);
    c->write_ev = event_new(server.base, fd, EV_WRITE | EV_PERSIST,
                            client_on_write, c);
    c->next = server.clients;
    if (server.clients != NULL) {
        server.clients->prev = c;
    }
    server.clients = c;
    server.client_count++;
    if (c->read_ev == NULL || c->write_ev == NULL ||
        event_add(c->read_ev, NULL) != 0) {
        log_warn("cannot set up events for client %s", c->addr);
        if (c->read_ev == NULL) {
            c->read_ev = event_new(server.base, -1, 0, client_on_read, c);
        }
        if (c->write_ev == NULL) {
            c->write_ev = event_new(server.base, -1, 0, client_on_write, c);
        }
        client_free(c);
        return NULL;
    }
    return c;
}

/* Loopback peers, by their "ip:port" text: Redis counts only 127.0.0.1
 * and ::1 (an IPv4-mapped 127.0.0.1 is the same peer). */
static bool networking_addr_is_local(const char *addr)
{
    static const char *const local[] = { "127.0.0.1:", "[::1]:",
                                         "[::ffff:127.0.0.1]:" };
    for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
        if (strncmp(addr, local[i], strlen(local[i])) == 0) {
            return true;
        }
    }
    return false;
}

bool client_is_local(const struct client *c)
{
    return networking_addr_is_local(c->addr);
}

bool client_may_protected(const struct client *c, const char *setting)
{
    if (setting != NULL && strcasecmp(setting, "yes") == 0) {
        return true;
    }
    return setting != NULL && strcasecmp(setting, "local") == 0 &&
           client_is_local(c);
}

/* Protected mode: while the default user needs no password, a peer that is not local gets Redis's
 * explanation and is closed before it may send anything. Returns true if
 * 'fd' was refused (and closed). */
static bool networking_protected_refuse(int fd, const char *addr)
{
    if (!server.protected_mode || !acl_default_nopass() ||
        networking_addr_is_local(addr)) {
        return false;
    }
    static const char msg[] =
        "-DENIED Redis is running in protected mode because protected mode "
        "is enabled and no password is set for the default user. In this "
        "mode connections are only accepted from the loopback interface. If "
        "you want to connect from external computers to Redis you may adopt "
        "one of the following solutions: 1) Just disable protected mode "
        "sending the command 'CONFIG SET protected-mode no' from the "
        "loopback interface by connecting to Redis from the same host the "
        "server is running, however MAKE SURE Redis is not publicly "
        "accessible from internet if you do so. Use CONFIG REWRITE to make "
        "this change permanent. 2) Alternatively you can just disable the "
        "protected mode by editing the Redis configuration file, and "
        "setting the protected mode option to 'no', and then restarting the "
        "server. 3) If you started the server manually just for testing, "
        "restart it with the '--protected-mode no' option. 4) Setup a an "
        "authentication password for the default user. NOTE: You only need "
        "to do one of the above things in order for the server to start "
        "accepting connections from the outside.\r\n";
    ssize_t ignored = write(fd, msg, sizeof(msg) - 1);
    (void)ignored;
    close(fd);
    server.stat_rejected_conn++;
    log_info("refused %s: protected mode", addr);
    return true;
}

static void networking_on_accept(struct evconnlistener *l, evutil_socket_t fd,
                                 struct sockaddr *sa, int salen, void *arg)
{
    (void)l;
    (void)salen;
    (void)arg;
    char addr[64];
    networking_format_addr(sa, addr, sizeof(addr));
    if (networking_protected_refuse(fd, addr)) {
        return;
    }
    server.stat_connections++;
    if (server.maxclients > 0 &&
        server.client_count >= (size_t)server.maxclients) {
        static const char msg[] = "-ERR max number of clients reached\r\n";
        ssize_t ignored = write(fd, msg, sizeof(msg) - 1);
        (void)ignored;
        close(fd);
        server.stat_rejected_conn++;
        return;
    }
    int one = 1;
    if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (server.tcp_keepalive > 0) {
            int idle = server.tcp_keepalive;
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
        }
    }
    struct client *c = client_new(fd, addr);
    if (c != NULL) {
        log_debug("accepted %s", c->addr);
    }
}

/* Accept what waits on listener 'fd' (non-blocking) while the loop is
 * held by a busy script. */
static void networking_accept_pending(int fd)
{
    for (int i = 0; i < 16; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
        if (cfd < 0) {
            return;
        }
        networking_on_accept(NULL, cfd, (struct sockaddr *)&ss, (int)len,
                             NULL);
    }
}

void networking_serve_while_busy(struct client *skip)
{
    size_t cap = (size_t)server.listener_count + server.client_count + 1;
    struct pollfd *fds = mem_calloc(cap, sizeof(*fds));
    struct client **owners = mem_calloc(cap, sizeof(*owners));
    size_t n = 0;
    for (int i = 0; i < server.listener_count; i++) {
        fds[n].fd = evconnlistener_get_fd(server.listeners[i]);
        fds[n].events = POLLIN;
        n++;
    }
    for (struct client *c = server.clients; c != NULL && n < cap;
         c = c->next) {
        /* Replication links keep their bytes until the script is over. */
        if (c == skip || c->fd < 0 ||
            (c->flags & (CLIENT_CLOSE_ASAP | CLIENT_MASTER | CLIENT_SLAVE |
                         CLIENT_BLOCKED | CLIENT_IN_CALL))) {
            continue;
        }
        fds[n].fd = c->fd;
        fds[n].events = POLLIN;
        owners[n] = c;
        n++;
    }
    if (poll(fds, n, 0) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            if (owners[i] == NULL) {
                networking_accept_pending(fds[i].fd);
            } else if (!(owners[i]->flags & CLIENT_CLOSE_ASAP)) {
                client_on_read(owners[i]->fd, EV_READ, owners[i]);
            }
        }
    }
    mem_free(fds);
    mem_free(owners);
}

static void networking_on_accept_error(struct evconnlistener *l, void *arg)
{
    (void)l;
    (void)arg;
    log_warn("accept failed: %s", strerror(errno));
}

/* Listen on one 'host' (numeric or name) at server.port. */
static int networking_listen_one(const char *host, char *err, size_t errlen)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char port[16];
    snprintf(port, sizeof(port), "%d", server.port);
    int rc = getaddrinfo(strcmp(host, "*") == 0 ? NULL : host, port, &hints,
                         &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve bind address '%s': %s", host,
                 gai_strerror(rc));
        return -1;
    }
    struct evconnlistener *l = evconnlistener_new_bind(
        server.base, networking_on_accept, NULL,
        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
        server.tcp_backlog, res->ai_addr, (int)res->ai_addrlen);
    if (l == NULL) {
        snprintf(err, errlen, "cannot listen on '%s:%d': %s", host,
                 server.port, strerror(errno));
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    evconnlistener_set_error_cb(l, networking_on_accept_error);
    server.listeners = mem_realloc(server.listeners,
                                   (size_t)(server.listener_count + 1) *
                                   sizeof(*server.listeners));
    server.listeners[server.listener_count++] = l;
    return 0;
}

int networking_listen(char *err, size_t errlen)
{
    char *copy = mem_strdup(server.bind != NULL && server.bind[0] != '\0'
                            ? server.bind : "*");
    char *save = NULL;
    int rc = 0;
    for (char *h = strtok_r(copy, " ", &save); h != NULL;
         h = strtok_r(NULL, " ", &save)) {
        if (networking_listen_one(h, err, errlen) != 0) {
            rc = -1;
            break;
        }
    }
    mem_free(copy);
    return rc;
}

void networking_close_listeners(void)
{
    for (int i = 0; i < server.listener_count; i++) {
        evconnlistener_free(server.listeners[i]);
    }
    mem_free(server.listeners);
    server.listeners = NULL;
    server.listener_count = 0;
}

void networking_cron(void)
{
    if (server.pause_end != 0 && server.mstime >= server.pause_end) {
        client_unpause_all();
    }
    for (struct client *c = server.clients; c != NULL; c = c->next) {
        if (c->flags & CLIENT_CLOSE_ASAP) {
            continue;
        }
        if (server.timeout > 0 &&
            !(c->flags & (CLIENT_SLAVE | CLIENT_MASTER | CLIENT_WAIT_ACKS |
                          CLIENT_BLOCKED | CLIENT_PUBSUB)) &&
            server.mstime - c->last_interaction > server.timeout * 1000LL) {
            log_debug("closing idle client %s", c->addr);
            client_free_async(c);
            continue;
        }
        if (c->olen > c->opos) {
            client_check_output_limit(c);
        }
    }
}

/* ------------------------------------------------------------------------
 * Replies */

void reply_raw(struct client *c, const void *p, size_t len)
{
    /* A master, a replica and the AOF loader never get replies: a
     * replica's output is the replication stream alone. */
    if (c->flags & (CLIENT_MASTER | CLIENT_SLAVE | CLIENT_LOADER)) {
        return;
    }
    /* CLIENT REPLY OFF|SKIP silence replies, never push messages. */
    if ((c->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP)) &&
        !(c->flags & CLIENT_PUSHING)) {
        return;
    }
    client_append(c, p, len);
}

void client_append(struct client *c, const void *p, size_t len)
{
    if (c->olen + len > c->ocap) {
        size_t cap = c->ocap ? c->ocap : SERVER_IOBUF_LEN;
        while (cap < c->olen + len) {
            cap *= 2;
        }
        c->obuf = mem_realloc(c->obuf, cap);
        c->ocap = cap;
        server.stat_reply_buffer_expands++;
    }
    memcpy(c->obuf + c->olen, p, len);
    c->olen += len;
}

/* Append the header of a value of 'type' with count or length 'value',
 * framed for the client's protocol by the encoder of lib/resp. */
static void reply_header(struct client *c, enum resp_type type,
                         long long value)
{
    char buf[RESP_ENC_MAX];
    reply_raw(c, buf, resp_enc_header(buf, type, value, c->resp));
}

void reply_ok(struct client *c)
{
    reply_raw(c, "+OK\r\n", 5);
}

void reply_simple(struct client *c, const char *text)
{
    reply_raw(c, "+", 1);
    reply_raw(c, text, strlen(text));
    reply_raw(c, "\r\n", 2);
}

void reply_integer(struct client *c, long long value)
{
    if (value == 0) {
        reply_raw(c, ":0\r\n", 4);
    } else if (value == 1) {
        reply_raw(c, ":1\r\n", 4);
    } else {
        reply_header(c, RESP_INTEGER, value);
    }
}

void reply_bulk(struct client *c, const void *p, size_t len)
{
    reply_header(c, RESP_BULK, (long long)len);
    reply_raw(c, p, len);
    reply_raw(c, "\r\n", 2);
}

void reply_bulk_str(struct client *c, const char *text)
{
    reply_bulk(c, text, strlen(text));
}

void reply_bulk_sds(struct client *c, const char *s)
{
    reply_bulk(c, s, sds_len(s));
}

void reply_bulk_ll(struct client *c, long long value)
{
    char buf[SERVER_LONG_STR_SIZE];
    size_t n = util_ll2str(buf, value);
    reply_bulk(c, buf, n);
}

void reply_double(struct client *c, double d)
{
    char buf[RESP_ENC_MAX];
    reply_raw(c, buf, resp_enc_double(buf, d, c->resp));
}

void reply_double_text(struct client *c, const char *text, size_t len)
{
    if (c->resp >= 3) {
        reply_raw(c, ",", 1);
        reply_raw(c, text, len);
        reply_raw(c, "\r\n", 2);
    } else {
        reply_bulk(c, text, len);
    }
}

void reply_bool(struct client *c, bool value)
{
    char buf[RESP_ENC_MAX];
    reply_raw(c, buf, resp_enc_bool(buf, value, c->resp));
}

void reply_verbatim(struct client *c, const char *p, size_t len,
                    const char *fmt)
{
    char buf[RESP_ENC_MAX];
    reply_raw(c, buf, resp_enc_verbatim(buf, len, fmt, c->resp));
    reply_raw(c, p, len);
    reply_raw(c, "\r\n", 2);
}

void reply_bignum(struct client *c, const char *digits, size_t len)
{
    if (c->resp >= 3) {
        reply_raw(c, "(", 1);
        reply_raw(c, digits, len);
        reply_raw(c, "\r\n", 2);
    } else {
        reply_bulk(c, digits, len);
    }
}

void reply_map(struct client *c, long long pairs)
{
    reply_header(c, RESP_MAP, pairs);
}

void reply_set(struct client *c, long long count)
{
    reply_header(c, RESP_SET, count);
}

void reply_push(struct client *c, long long count)
{
    reply_header(c, RESP_PUSH, count);
}

void reply_attribute(struct client *c, long long pairs)
{
    reply_header(c, RESP_ATTR, pairs);
}

void reply_help(struct client *c, const char *const *lines, size_t n)
{
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        reply_simple(c, lines[i]);
    }
}

long long reply_pairs_len(const struct client *c, long long n)
{
    return c->resp >= 3 ? n : n * 2;
}

void reply_pair(struct client *c)
{
    if (c->resp >= 3) {
        reply_raw(c, "*2\r\n", 4);
    }
}

void reply_canned(struct client *c, const char *raw)
{
    /* The shared replies handlers pass as text ("$-1", "%0", "~0"...)
     * are written in either protocol's form; the other one's is made
     * here. */
    char buf[RESP_ENC_MAX];
    size_t n = strlen(raw);
    if (raw[0] == '_' || (raw[1] == '-' && (raw[0] == '$' ||
                                           raw[0] == '*'))) {
        n = resp_enc_null(buf, raw[0] == '*' ? RESP_ARRAY : RESP_BULK,
                          c->resp);
        raw = buf;
    } else if (raw[0] == '%' || raw[0] == '~' || raw[0] == '>') {
        long long count;
        if (resp_parse_ll(raw + 1, n - 3, &count) == 0) {
            n = resp_enc_header(buf, (enum resp_type)raw[0], count,
                                c->resp);
            raw = buf;
        }
    }
    reply_raw(c, raw, n);
}

void reply_object(struct client *c, const struct object *o)
{
    char buf[SERVER_LONG_STR_SIZE];
    size_t len;
    const char *p = object_string(o, buf, &len);
    reply_bulk(c, p, len);
}

void reply_null(struct client *c)
{
    char buf[RESP_ENC_MAX];
    reply_raw(c, buf, resp_enc_null(buf, RESP_BULK, c->resp));
}

void reply_null_array(struct client *c)
{
    char buf[RESP_ENC_MAX];
    reply_raw(c, buf, resp_enc_null(buf, RESP_ARRAY, c->resp));
}

void reply_array(struct client *c, long long count)
{
    reply_header(c, RESP_ARRAY, count);
}

void reply_error_text(struct client *c, const char *text)
{
    if (c->flags & CLIENT_MASTER) {
        /* Nobody reads the reply: the replica now differs from its
         * master, which an operator must learn. */
        log_warn("a command from the master failed: %.200s", text);
    }
    const char *body;
    const char *prefix = resp_error_prefix(text, &body);
    reply_raw(c, prefix, strlen(prefix));
    /* Only the bytes reply_raw appended: a client that gets no replies
     * (master, replica, AOF loader) has none, and maybe no buffer. */
    size_t start = c->olen;
    reply_raw(c, body, strlen(body));
    resp_error_clean(c->obuf + start, c->olen - start);
    reply_raw(c, "\r\n", 2);
    server.stat_error_replies++;
    info_count_error(c, text);
}

void reply_error(struct client *c, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    reply_error_text(c, text);
}

void reply_wrongtype(struct client *c)
{
    reply_error_text(c, "WRONGTYPE Operation against a key holding the "
                        "wrong kind of value");
}

void reply_syntax_error(struct client *c)
{
    reply_error_text(c, "syntax error");
}

size_t reply_defer_len(struct client *c)
{
    return c->olen;
}

void reply_set_array_len(struct client *c, size_t handle, long long count)
{
    reply_set_len(c, handle, RESP_ARRAY, count);
}

void reply_set_map_len(struct client *c, size_t handle, long long pairs)
{
    reply_set_len(c, handle, RESP_MAP, pairs);
}

void reply_set_set_len(struct client *c, size_t handle, long long count)
{
    reply_set_len(c, handle, RESP_SET, count);
}

void reply_set_len(struct client *c, size_t handle, enum resp_type type,
                   long long count)
{
    char hdr[RESP_ENC_MAX];
    size_t n = resp_enc_header(hdr, type, count, c->resp);
    if (c->flags & (CLIENT_MASTER | CLIENT_SLAVE | CLIENT_LOADER |
                    CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP)) {
        return;
    }
    size_t tail = c->olen - handle;
    reply_raw(c, hdr, n); /* grows the buffer; the bytes move below */
    memmove(c->obuf + handle + n, c->obuf + handle, tail);
    memcpy(c->obuf + handle, hdr, n);
}

/* ------------------------------------------------------------------------
 * Argument helpers */

bool arg_is(const struct arg *a, const char *text)
{
    size_t n = strlen(text);
    return a->len == n && strncasecmp(a->ptr, text, n) == 0;
}

int arg_ll_or_reply(struct client *c, const struct arg *a, long long *value,
                    const char *msg)
{
    if (util_str2ll(a->ptr, a->len, value) != 0) {
        reply_error_text(c, msg != NULL ? msg
                         : "value is not an integer or out of range");
        return -1;
    }
    return 0;
}

int arg_ld_or_reply(struct client *c, const struct arg *a, long double *value)
{
    if (util_str2ld(a->ptr, a->len, value) != 0) {
        reply_error_text(c, "value is not a valid float");
        return -1;
    }
    return 0;
}

int arg_double_or_reply(struct client *c, const struct arg *a, double *value)
{
    /* strtod with Redis's rules: no leading blank, every byte used, and
     * an overflow to +-inf or an underflow to 0 is refused. */
    char buf[5 * 1024 + 1];
    if (a->len == 0 || a->len >= sizeof(buf) ||
        isspace((unsigned char)a->ptr[0])) {
        reply_error_text(c, "value is not a valid float");
        return -1;
    }
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if ((size_t)(end - buf) != a->len ||
        (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL ||
                             fpclassify(v) == FP_ZERO)) || isnan(v)) {
        reply_error_text(c, "value is not a valid float");
        return -1;
    }
    *value = v;
    return 0;
}
