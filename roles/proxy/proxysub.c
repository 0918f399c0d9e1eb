/* Pub/sub on dedicated backend connections; see pubsub.h. */
#include "roles/proxy/proxysub.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/cmdspec.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/slot.h"
#include "roles/proxy/fanout.h"
#include "roles/proxy/request.h"
#include "roles/proxy/router.h"
#include "roles/proxy/session.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

/* A request waiting for 'frames' confirmations on one connection; 'r'
 * is NULL for the proxy's own (un)subscribes when a channel's slot
 * moves (proxysub_adopt), whose confirmations are dropped. */
struct proxysub_wait {
    struct request *r;
    size_t frames;
};

/* One dedicated connection of a session to one master. */
struct proxysub_conn {
    struct proxysub_conn *next;
    struct proxysub *ps;
    char *addr;                 /* "host:port", owned */
    int fd;
    struct event *rev;
    struct event *wev;
    bool connected;
    bool writing;
    bool auth;                  /* the AUTH reply is still due */
    struct pbuf in;
    struct pbuf out;
    struct resp_scanner scan;
    struct proxysub_wait *waits;  /* FIFO: [whead, nwaits) */
    size_t whead;
    size_t nwaits;
    size_t wcap;
};

/* A subscribed channel or pattern. */
struct proxysub_name {
    char *name;                 /* owned */
    size_t len;
    struct proxysub_conn *conn;   /* channels: where it is subscribed */
};

/* The pub/sub state of a session. */
struct proxysub {
    struct session *s;
    struct proxysub_conn *conns;
    struct proxysub_name *channels;
    size_t nchannels, ccap;
    struct proxysub_name *patterns;
    size_t npatterns, pcap;
};

static void proxysub_conn_fail(struct proxysub_conn *c, const char *why);
static void proxysub_conn_free(struct proxysub_conn *c);

/* Record that 'r' fails with 'text' once its confirmations are in. */
static void proxysub_set_failed(struct request *r, const char *text)
{
    if (!r->failed) {
        r->failed = true;
        pbuf_clear(&r->reply, 1 << 16);
        pbuf_append(&r->reply, "-ERR ", 5);
        pbuf_append(&r->reply, text, strlen(text));
        pbuf_append(&r->reply, "\r\n", 2);
    }
}

bool proxysub_active(const struct session *s)
{
    return s->pubsub != NULL &&
           s->pubsub->nchannels + s->pubsub->npatterns > 0;
}

/* Publish the counts of 's' for CLIENT LIST. */
static void proxysub_count(struct session *s)
{
    struct proxysub *ps = s->pubsub;
    s->nsub = ps != NULL ? (uint32_t)ps->nchannels : 0;
    s->npsub = ps != NULL ? (uint32_t)ps->npatterns : 0;
}

static struct proxysub *proxysub_of(struct session *s)
{
    if (s->pubsub == NULL) {
        s->pubsub = mem_calloc(1, sizeof(struct proxysub));
        s->pubsub->s = s;
    }
    return s->pubsub;
}

/* One confirmation (or the request's guard) is over: when none is left,
 * 'r' gets the reply built in its 'saved' bytes, or its error. */
static void proxysub_release(struct request *r)
{
    if (--r->pending > 0) {
        return;
    }
    if (r->failed) {
        request_reply(r, pbuf_head(&r->reply), pbuf_size(&r->reply));
    } else {
        request_reply(r, pbuf_head(&r->saved), pbuf_size(&r->saved));
    }
}

static void proxysub_conn_write(struct proxysub_conn *c)
{
    if (!c->connected || pbuf_size(&c->out) == 0) {
        return;
    }
    ssize_t n = pbuf_write(&c->out, c->fd);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
        /* the read side sees the failure too and closes the session
         * there: callers up the stack still use the state */
        log_debug("pub/sub write to '%s' failed: %s", c->addr,
                  strerror(errno));
        pbuf_clear(&c->out, 0);
    }
    bool more = pbuf_size(&c->out) > 0;
    if (more && !c->writing) {
        c->writing = event_add(c->wev, NULL) == 0;
    } else if (!more && c->writing) {
        event_del(c->wev);
        c->writing = false;
    }
}

/* The kind word of a pushed array 'p' ('n' bytes, one whole value) at
 * '*kind', its length returned; 0 if 'p' is not an array of bulks. */
static size_t proxysub_kind(const char *p, size_t n, const char **kind)
{
    if (n < 4 || (p[0] != '*' && p[0] != '>')) {
        return 0;
    }
    const char *eol = memchr(p, '\n', n);
    if (eol == NULL) {
        return 0;
    }
    size_t len;
    *kind = fanout_bulk(eol + 1, n - (size_t)(eol + 1 - p), &len);
    return *kind != NULL ? len : 0;
}

/* One whole value 'p' ('n' bytes) from the master on 'c'. */
static void proxysub_conn_value(struct proxysub_conn *c, const char *p,
                              size_t n)
{
    if (c->auth) {
        c->auth = false;
        if (n > 0 && p[0] == '-') {
            proxysub_conn_fail(c, "AUTH refused");
        }
        return;
    }
    const char *kind;
    size_t klen = proxysub_kind(p, n, &kind);
    bool confirm = (klen == 9 && strncasecmp(kind, "subscribe", 9) == 0) ||
                   (klen == 10 && strncasecmp(kind, "psubscribe", 10) == 0) ||
                   (klen == 11 && strncasecmp(kind, "unsubscribe", 11) == 0) ||
                   (klen == 12 && strncasecmp(kind, "punsubscribe", 12) == 0);
    if (!confirm && n > 0 && p[0] == '-' && c->whead < c->nwaits) {
        /* the master refused the (un)subscribe: the request says why */
        struct request *r = c->waits[c->whead].r;
        if (r == NULL) {
            log_warn("pub/sub: '%s' refused a resubscription: %.*s",
                     c->addr, (int)(n > 3 ? n - 3 : 0), p + 1);
        } else if (!r->failed) {
            r->failed = true;
            pbuf_clear(&r->reply, 1 << 16);
            pbuf_append(&r->reply, p, n);
        }
        confirm = true;
    }
    if (confirm) {
        if (c->whead == c->nwaits) {
            return;
        }
        struct proxysub_wait *wt = &c->waits[c->whead];
        if (--wt->frames == 0) {
            struct request *r = wt->r;
            c->whead++;
            if (c->whead == c->nwaits) {
                c->whead = c->nwaits = 0;
            }
            if (r != NULL) {
                proxysub_release(r);
            }
        }
        return;
    }
    session_push(c->ps->s, p, n);
}

static void proxysub_on_read(evutil_socket_t fd, short what, void *arg)
{
    struct proxysub_conn *c = arg;
    ssize_t n = pbuf_read(&c->in, fd, 16 * 1024);
    if (n == 0) {
        proxysub_conn_fail(c, "connection closed by the server");
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            proxysub_conn_fail(c, strerror(errno));
        }
        return;
    }
    struct session *s = c->ps->s;
    while (pbuf_size(&c->in) > 0 && !s->closed) {
        enum resp_status st = resp_scanner_scan(&c->scan, pbuf_head(&c->in),
                                                pbuf_size(&c->in));
        if (st == RESP_AGAIN) {
            break;
        }
        if (st == RESP_ERROR) {
            proxysub_conn_fail(c, c->scan.err);
            return;
        }
        size_t len = c->scan.pos;
        proxysub_conn_value(c, pbuf_head(&c->in), len);
        if (s->closed) {
            return;
        }
        pbuf_consume(&c->in, len);
        resp_scanner_init(&c->scan);
    }
    pbuf_shrink(&c->in, 64 * 1024);
}

static void proxysub_on_write(evutil_socket_t fd, short what, void *arg)
{
    struct proxysub_conn *c = arg;
    if (!c->connected) {
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
            err = errno;
        }
        if (err != 0) {
            proxysub_conn_fail(c, strerror(err));
            return;
        }
        c->connected = true;
    }
    proxysub_conn_write(c);
}

/* The session's connection to 'addr', dialed if new; NULL (and 'r'
 * failed) if it cannot be. */
static struct proxysub_conn *proxysub_conn_get(struct proxysub *ps,
                                           const char *addr)
{
    for (struct proxysub_conn *c = ps->conns; c; c = c->next) {
        if (strcmp(c->addr, addr) == 0) {
            return c;
        }
    }
    struct worker *w = ps->s->worker;
    char host[256], port[16];
    int portnum;
    if (slotmap_split_addr(addr, host, sizeof(host), &portnum) != 0) {
        return NULL;
    }
    snprintf(port, sizeof(port), "%d", portnum);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if (getaddrinfo(host, port, &hints, &res) != 0) {
        log_warn("pub/sub: cannot resolve '%s'", host);
        return NULL;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
                    SOCK_CLOEXEC, res->ai_protocol);
    if (fd < 0) {
        freeaddrinfo(res);
        return NULL;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    int rc = connect(fd, res->ai_addr, res->ai_addrlen);
    int err = errno;
    freeaddrinfo(res);
    if (rc != 0 && err != EINPROGRESS) {
        log_warn("pub/sub: cannot connect to '%s': %s", addr, strerror(err));
        close(fd);
        return NULL;
    }
    struct proxysub_conn *c = mem_calloc(1, sizeof(*c));
    c->ps = ps;
    c->addr = mem_strdup(addr);
    c->fd = fd;
    resp_scanner_init(&c->scan);
    c->rev = event_new(w->base, fd, EV_READ | EV_PERSIST, proxysub_on_read, c);
    c->wev = event_new(w->base, fd, EV_WRITE | EV_PERSIST, proxysub_on_write,
                       c);
    if (c->rev == NULL || c->wev == NULL || event_add(c->rev, NULL) != 0 ||
        event_add(c->wev, NULL) != 0) {
        log_error("pub/sub: libevent failed");
        proxysub_conn_free(c);
        return NULL;
    }
    c->next = ps->conns;
    ps->conns = c;
    c->writing = true;
    const char *auth = w->cfg->product_auth;
    if (auth != NULL) {
        pbuf_append(&c->out, "*2\r\n$4\r\nAUTH\r\n", 14);
        pbuf_append_bulk(&c->out, auth, strlen(auth));
        c->auth = true;
    }
    return c;
}

/* Free 'c' (unlinked by the caller): requests waiting on it fail. */
static void proxysub_conn_free(struct proxysub_conn *c)
{
    for (size_t i = c->whead; i < c->nwaits; i++) {
        struct request *r = c->waits[i].r;
        if (r == NULL) {
            continue;
        }
        proxysub_set_failed(r, "handle request, pub/sub connection to the "
                          "server failed");
        proxysub_release(r);
    }
    if (c->rev != NULL) {
        event_free(c->rev);
    }
    if (c->wev != NULL) {
        event_free(c->wev);
    }
    close(c->fd);
    pbuf_release(&c->in);
    pbuf_release(&c->out);
    mem_free(c->waits);
    mem_free(c->addr);
    mem_free(c);
}

/* 'c' failed: its subscriptions are lost, so the client is closed (it
 * resubscribes when it reconnects). */
static void proxysub_conn_fail(struct proxysub_conn *c, const char *why)
{
    struct session *s = c->ps->s;
    log_warn("closing client %llu: its pub/sub connection to '%s' failed: "
             "%s", (unsigned long long)s->id, c->addr, why);
    if (c->rev != NULL) {
        event_del(c->rev);
    }
    if (c->wev != NULL) {
        event_del(c->wev);
    }
    c->writing = false;
    /* frees 'c' too (session_close -> proxysub_reset) */
    session_close(s);
}

/* Send the command 'name' with the names 'names' ('count' of them,
 * views into 'buf') on 'c', and make 'r' wait for 'frames'
 * confirmations there. */
static void proxysub_conn_send(struct proxysub_conn *c, struct request *r,
                             const char *name, const char *const *names,
                             const size_t *lens, size_t count,
                             size_t frames)
{
    pbuf_append_head(&c->out, '*', count + 1);
    pbuf_append_bulk(&c->out, name, strlen(name));
    for (size_t i = 0; i < count; i++) {
        pbuf_append_bulk(&c->out, names[i], lens[i]);
    }
    if (c->nwaits == c->wcap) {
        c->wcap = c->wcap ? c->wcap * 2 : 4;
        c->waits = mem_realloc(c->waits, c->wcap * sizeof(*c->waits));
    }
    c->waits[c->nwaits].r = r;
    c->waits[c->nwaits].frames = frames;
    c->nwaits++;
    if (r != NULL) {
        r->pending++;
    }
    proxysub_conn_write(c);
}

/* Index of 'name' in 'list', or -1. */
static long proxysub_find(const struct proxysub_name *list, size_t n,
                        const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i].len == len && memcmp(list[i].name, name, len) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/* Append a confirmation frame to the reply in r->saved. */
static void proxysub_frame(struct request *r, const char *kind,
                         const char *name, size_t len, size_t count)
{
    /* RESP3 frames confirmations as pushes, as messages */
    pbuf_append(&r->saved, r->proto == 3 ? ">3\r\n" : "*3\r\n", 4);
    pbuf_append_bulk(&r->saved, kind, strlen(kind));
    if (name != NULL) {
        pbuf_append_bulk(&r->saved, name, len);
    } else {
        char null[RESP_ENC_MAX];
        pbuf_append(&r->saved, null, resp_enc_null(null, RESP_BULK,
                                                   r->proto));
    }
    char num[32];
    int n = snprintf(num, sizeof(num), ":%zu\r\n", count);
    pbuf_append(&r->saved, num, (size_t)n);
}

/* The addresses of the masters that own slots, in w's table order,
 * into 'out' (room for map->naddrs); returns how many. */
static size_t proxysub_masters(const struct slotmap *map, const char **out)
{
    size_t k = 0;
    for (size_t i = 0; i < map->naddrs; i++) {
        if (fanout_is_master(map, i)) {
            out[k++] = map->addrs[i];
        }
    }
    return k;
}

/* Start 'r' as a pub/sub request: its reply is built in 'saved'. */
static void proxysub_begin(struct request *r)
{
    pbuf_clear(&r->saved, 1 << 16);
    r->pending = 1;
    r->failed = false;
}

void proxysub_subscribe(struct session *s, struct request *r, const char *buf,
                      const struct resp_arg *argv, int argc)
{
    struct proxysub *ps = proxysub_of(s);
    const struct slotmap *map = s->worker->map;
    proxysub_begin(r);
    for (int i = 1; i < argc; i++) {
        const char *name = buf + argv[i].off;
        size_t len = argv[i].len;
        if (proxysub_find(ps->channels, ps->nchannels, name, len) < 0) {
            const struct slotmap_slot *e = &map->slots[slot_of_key(name,
                                                                   len)];
            struct proxysub_conn *c = e->backend == SLOTMAP_NONE ? NULL :
                proxysub_conn_get(ps, map->addrs[e->backend]);
            if (c == NULL) {
                proxysub_set_failed(r, "handle request, cannot subscribe: the "
                                  "channel's slot has no reachable master");
                break;
            }
            if (ps->nchannels == ps->ccap) {
                ps->ccap = ps->ccap ? ps->ccap * 2 : 8;
                ps->channels = mem_realloc(ps->channels,
                                           ps->ccap * sizeof(*ps->channels));
            }
            struct proxysub_name *pn = &ps->channels[ps->nchannels++];
            pn->name = mem_dup(name, len);
            pn->len = len;
            pn->conn = c;
            const char *names[1] = { name };
            size_t lens[1] = { len };
            proxysub_conn_send(c, r, "SUBSCRIBE", names, lens, 1, 1);
        }
        proxysub_frame(r, "subscribe", name, len,
                     ps->nchannels + ps->npatterns);
    }
    proxysub_count(s);
    proxysub_release(r);
}

/* Unsubscribe channel number 'i' on its connection, for 'r'. */
static void proxysub_drop_channel(struct proxysub *ps, size_t i,
                                struct request *r)
{
    struct proxysub_name *pn = &ps->channels[i];
    const char *names[1] = { pn->name };
    size_t lens[1] = { pn->len };
    proxysub_conn_send(pn->conn, r, "UNSUBSCRIBE", names, lens, 1, 1);
}

void proxysub_unsubscribe(struct session *s, struct request *r,
                        const char *buf, const struct resp_arg *argv,
                        int argc)
{
    struct proxysub *ps = proxysub_of(s);
    proxysub_begin(r);
    if (argc == 1) {
        if (ps->nchannels == 0) {
            proxysub_frame(r, "unsubscribe", NULL, 0, ps->npatterns);
        }
        while (ps->nchannels > 0) {
            struct proxysub_name *pn = &ps->channels[0];
            proxysub_drop_channel(ps, 0, r);
            proxysub_frame(r, "unsubscribe", pn->name, pn->len,
                         ps->nchannels - 1 + ps->npatterns);
            mem_free(pn->name);
            memmove(ps->channels, ps->channels + 1,
                    (ps->nchannels - 1) * sizeof(*pn));
            ps->nchannels--;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *name = buf + argv[i].off;
        size_t len = argv[i].len;
        long at = proxysub_find(ps->channels, ps->nchannels, name, len);
        if (at >= 0) {
            proxysub_drop_channel(ps, (size_t)at, r);
            mem_free(ps->channels[at].name);
            ps->channels[at] = ps->channels[--ps->nchannels];
        }
        proxysub_frame(r, "unsubscribe", name, len,
                     ps->nchannels + ps->npatterns);
    }
    proxysub_count(s);
    proxysub_release(r);
}

/* Send 'cmd' for pattern 'name' to every master, for 'r'. Returns 0, or
 * -1 when a master cannot be reached ('r' not yet failed). */
static int proxysub_pattern_send(struct proxysub *ps, struct request *r,
                               const char *cmd, const char *name,
                               size_t len)
{
    const struct slotmap *map = ps->s->worker->map;
    const char **addrs = mem_calloc(map->naddrs + 1, sizeof(*addrs));
    size_t n = proxysub_masters(map, addrs);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct proxysub_conn *c = proxysub_conn_get(ps, addrs[i]);
        if (c == NULL) {
            rc = -1;
            continue;
        }
        const char *names[1] = { name };
        size_t lens[1] = { len };
        proxysub_conn_send(c, r, cmd, names, lens, 1, 1);
    }
    mem_free(addrs);
    return rc;
}

void proxysub_psubscribe(struct session *s, struct request *r,
                       const char *buf, const struct resp_arg *argv,
                       int argc)
{
    struct proxysub *ps = proxysub_of(s);
    proxysub_begin(r);
    for (int i = 1; i < argc; i++) {
        const char *name = buf + argv[i].off;
        size_t len = argv[i].len;
        if (proxysub_find(ps->patterns, ps->npatterns, name, len) < 0) {
            if (proxysub_pattern_send(ps, r, "PSUBSCRIBE", name, len) != 0) {
                proxysub_set_failed(r, "handle request, cannot subscribe to a "
                                  "pattern: a master is unreachable");
            }
            if (ps->npatterns == ps->pcap) {
                ps->pcap = ps->pcap ? ps->pcap * 2 : 8;
                ps->patterns = mem_realloc(ps->patterns,
                                           ps->pcap * sizeof(*ps->patterns));
            }
            struct proxysub_name *pn = &ps->patterns[ps->npatterns++];
            pn->name = mem_dup(name, len);
            pn->len = len;
            pn->conn = NULL;
        }
        proxysub_frame(r, "psubscribe", name, len,
                     ps->nchannels + ps->npatterns);
    }
    proxysub_count(s);
    proxysub_release(r);
}

void proxysub_punsubscribe(struct session *s, struct request *r,
                         const char *buf, const struct resp_arg *argv,
                         int argc)
{
    struct proxysub *ps = proxysub_of(s);
    proxysub_begin(r);
    if (argc == 1) {
        if (ps->npatterns == 0) {
            proxysub_frame(r, "punsubscribe", NULL, 0, ps->nchannels);
        }
        while (ps->npatterns > 0) {
            struct proxysub_name *pn = &ps->patterns[0];
            proxysub_pattern_send(ps, r, "PUNSUBSCRIBE", pn->name, pn->len);
            proxysub_frame(r, "punsubscribe", pn->name, pn->len,
                         ps->npatterns - 1 + ps->nchannels);
            mem_free(pn->name);
            memmove(ps->patterns, ps->patterns + 1,
                    (ps->npatterns - 1) * sizeof(*pn));
            ps->npatterns--;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *name = buf + argv[i].off;
        size_t len = argv[i].len;
        long at = proxysub_find(ps->patterns, ps->npatterns, name, len);
        if (at >= 0) {
            proxysub_pattern_send(ps, r, "PUNSUBSCRIBE", name, len);
            mem_free(ps->patterns[at].name);
            memmove(ps->patterns + at, ps->patterns + at + 1,
                    (ps->npatterns - (size_t)at - 1) * sizeof(*ps->patterns));
            ps->npatterns--;
        }
        proxysub_frame(r, "punsubscribe", name, len,
                     ps->nchannels + ps->npatterns);
    }
    proxysub_count(s);
    proxysub_release(r);
}

void proxysub_reset_command(struct session *s, struct request *r)
{
    struct proxysub *ps = s->pubsub;
    proxysub_begin(r);
    pbuf_append(&r->saved, "+RESET\r\n", 8);
    while (ps != NULL && ps->nchannels > 0) {
        proxysub_drop_channel(ps, ps->nchannels - 1, r);
        mem_free(ps->channels[--ps->nchannels].name);
    }
    while (ps != NULL && ps->npatterns > 0) {
        struct proxysub_name *pn = &ps->patterns[--ps->npatterns];
        proxysub_pattern_send(ps, r, "PUNSUBSCRIBE", pn->name, pn->len);
        mem_free(pn->name);
    }
    proxysub_count(s);
    proxysub_release(r);
}

void proxysub_reset(struct session *s)
{
    struct proxysub *ps = s->pubsub;
    if (ps == NULL) {
        return;
    }
    s->pubsub = NULL;
    proxysub_count(s);
    while (ps->conns != NULL) {
        struct proxysub_conn *c = ps->conns;
        ps->conns = c->next;
        proxysub_conn_free(c);
    }
    for (size_t i = 0; i < ps->nchannels; i++) {
        mem_free(ps->channels[i].name);
    }
    for (size_t i = 0; i < ps->npatterns; i++) {
        mem_free(ps->patterns[i].name);
    }
    mem_free(ps->channels);
    mem_free(ps->patterns);
    mem_free(ps);
}

bool proxysub_refuse(struct session *s, struct request *r,
                   const struct cmdspec *cmd)
{
    static const char *allowed[] = {
        "subscribe", "unsubscribe", "psubscribe", "punsubscribe",
        "ssubscribe", "sunsubscribe", "ping", "quit", "reset",
    };
    if (!proxysub_active(s) || s->proto == 3) {
        /* RESP3 carries messages as pushes: any command may run */
        return false;
    }
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        if (strcmp(cmd->name, allowed[i]) == 0) {
            return false;
        }
    }
    request_fail(r, "Can't execute '%s': only (P|S)SUBSCRIBE / "
                 "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
                 "context", cmd->name);
    return true;
}

void proxysub_publish(struct session *s, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc)
{
    struct worker *w = s->worker;
    unsigned slot = slot_of_key(buf + argv[1].off, argv[1].len);
    fanout_encode(w, "PUBLISH", buf, argv, argc);
    router_forward(w, r, slot, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf),
                   buf, argv, NULL, 0);
}

/* PUBSUB NUMSUB: the counts of each channel summed over the masters (a
 * channel is subscribed on one group only, patterns are not counted). */
static void proxysub_merge_numsub(struct request *r, struct pbuf *out)
{
    if (fanout_merge_error(r, out)) {
        return;
    }
    /* the first part gives the channel names, in the request's order */
    const char *p0 = pbuf_head(&r->first_sub->reply);
    size_t n0 = pbuf_size(&r->first_sub->reply);
    long long count;
    const char *eol = memchr(p0, '\r', n0);
    if (eol == NULL || p0[0] != '*' ||
        resp_parse_ll(p0 + 1, (size_t)(eol - p0 - 1), &count) != 0 ||
        count < 0) {
        pbuf_append(out, p0, n0);
        return;
    }
    pbuf_append_head(out, '*', (size_t)count);
    /* walk each part's pairs in step */
    size_t nparts = 0;
    for (struct request *sub = r->first_sub; sub; sub = sub->next) {
        nparts++;
    }
    const char **pos = mem_calloc(nparts, sizeof(*pos));
    const char **end = mem_calloc(nparts, sizeof(*end));
    size_t k = 0;
    for (struct request *sub = r->first_sub; sub; sub = sub->next, k++) {
        const char *p = pbuf_head(&sub->reply);
        end[k] = p + pbuf_size(&sub->reply);
        const char *nl = memchr(p, '\n', pbuf_size(&sub->reply));
        pos[k] = nl != NULL ? nl + 1 : end[k];
    }
    for (long long i = 0; i < count / 2; i++) {
        long long sum = 0;
        const char *name = NULL;
        size_t nlen = 0;
        for (k = 0; k < nparts; k++) {
            size_t blen;
            const char *b = fanout_bulk(pos[k], (size_t)(end[k] - pos[k]),
                                        &blen);
            if (b == NULL) {
                continue;
            }
            if (k == 0) {
                name = b;
                nlen = blen;
            }
            const char *ip = b + blen + 2;
            const char *ie = ip < end[k] ? memchr(ip, '\r',
                                                  (size_t)(end[k] - ip))
                                         : NULL;
            long long v;
            if (ie != NULL && ip[0] == ':' &&
                resp_parse_ll(ip + 1, (size_t)(ie - ip - 1), &v) == 0) {
                sum += v;
                pos[k] = ie + 2;
            } else {
                pos[k] = end[k];
            }
        }
        pbuf_append_bulk(out, name != NULL ? name : "", nlen);
        char num[32];
        int len = snprintf(num, sizeof(num), ":%lld\r\n", sum);
        pbuf_append(out, num, (size_t)len);
    }
    mem_free(pos);
    mem_free(end);
}

/* PUBSUB NUMPAT: each pattern is subscribed on every master, so the
 * largest count is the number of patterns. */
static void proxysub_merge_numpat(struct request *r, struct pbuf *out)
{
    if (fanout_merge_error(r, out)) {
        return;
    }
    long long best = 0;
    for (struct request *sub = r->first_sub; sub; sub = sub->next) {
        long long v;
        const char *p = pbuf_head(&sub->reply);
        size_t len = pbuf_size(&sub->reply);
        if (len > 3 && p[0] == ':' &&
            resp_parse_ll(p + 1, len - 3, &v) == 0 && v > best) {
            best = v;
        }
    }
    char num[32];
    int len = snprintf(num, sizeof(num), ":%lld\r\n", best);
    pbuf_append(out, num, (size_t)len);
}

/* PUBSUB CHANNELS: the masters' lists joined (each channel is on one). */
static void proxysub_merge_channels(struct request *r, struct pbuf *out)
{
    if (fanout_merge_error(r, out)) {
        return;
    }
    long long total = 0;
    for (struct request *sub = r->first_sub; sub; sub = sub->next) {
        long long v;
        const char *p = pbuf_head(&sub->reply);
        const char *eol = memchr(p, '\r', pbuf_size(&sub->reply));
        if (eol != NULL && p[0] == '*' &&
            resp_parse_ll(p + 1, (size_t)(eol - p - 1), &v) == 0 && v > 0) {
            total += v;
        }
    }
    pbuf_append_head(out, '*', (size_t)total);
    for (struct request *sub = r->first_sub; sub; sub = sub->next) {
        const char *p = pbuf_head(&sub->reply);
        size_t len = pbuf_size(&sub->reply);
        const char *nl = memchr(p, '\n', len);
        if (nl != NULL && p[0] == '*' && p[1] != '-') {
            pbuf_append(out, nl + 1, len - (size_t)(nl + 1 - p));
        }
    }
}

void proxysub_pubsub(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc)
{
    struct worker *w = s->worker;
    const char *sub = buf + argv[1].off;
    size_t len = argv[1].len;
    fanout_merge_fn merge = fanout_merge_first;
    if (len == 8 && strncasecmp(sub, "channels", 8) == 0) {
        merge = proxysub_merge_channels;
    } else if (len == 6 && strncasecmp(sub, "numsub", 6) == 0) {
        merge = proxysub_merge_numsub;
    } else if (len == 6 && strncasecmp(sub, "numpat", 6) == 0) {
        merge = proxysub_merge_numpat;
    }
    fanout_encode(w, "PUBSUB", buf, argv, argc);
    fanout_send(w, r, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf),
                merge == fanout_merge_first, merge);
}

/* Move the channels of 'ps' whose slot has another master in 'map' to
 * that master: subscribe there first, then unsubscribe from the old one,
 * so that no message published during the move is missed (a PUBLISH
 * goes to one group, so none is delivered twice either). */
static void proxysub_move(struct proxysub *ps, const struct slotmap *map)
{
    for (size_t i = 0; i < ps->nchannels; i++) {
        struct proxysub_name *pn = &ps->channels[i];
        const struct slotmap_slot *e = &map->slots[slot_of_key(pn->name,
                                                               pn->len)];
        if (e->backend == SLOTMAP_NONE ||
            strcmp(map->addrs[e->backend], pn->conn->addr) == 0) {
            continue;
        }
        struct proxysub_conn *c = proxysub_conn_get(ps,
                                                    map->addrs[e->backend]);
        if (c == NULL) {
            /* the old master keeps it; the next table tries again */
            log_warn("pub/sub: cannot move channel '%.*s' of client %llu to "
                     "'%s'", (int)(pn->len > 64 ? 64 : pn->len), pn->name,
                     (unsigned long long)ps->s->id, map->addrs[e->backend]);
            continue;
        }
        const char *names[1] = { pn->name };
        size_t lens[1] = { pn->len };
        proxysub_conn_send(c, NULL, "SUBSCRIBE", names, lens, 1, 1);
        proxysub_conn_send(pn->conn, NULL, "UNSUBSCRIBE", names, lens, 1, 1);
        log_debug("pub/sub: channel '%.*s' of client %llu moves from '%s' "
                  "to '%s'", (int)(pn->len > 64 ? 64 : pn->len), pn->name,
                  (unsigned long long)ps->s->id, pn->conn->addr, c->addr);
        pn->conn = c;
    }
}

void proxysub_adopt(struct worker *w)
{
    if (w->map == NULL) {
        return;
    }
    struct session *s;
    TAILQ_FOREACH(s, &w->sessions, link) {
        if (s->pubsub != NULL && !s->closed) {
            proxysub_move(s->pubsub, w->map);
        }
    }
}
