/* Backend connections: connect, pipelined writes, FIFO reply matching,
 * failure and redial; see backend.h. */
#include "roles/proxy/backend.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "roles/proxy/metrics.h"
#include "roles/proxy/router.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

#define BACKEND_READ_SIZE (64 * 1024)
#define BACKEND_CONNECT_TIMEOUT_MS 1000
/* After a failure, requests fail at once for this long before a redial. */
#define BACKEND_RETRY_MS 100
/* A connection with requests pending and no reply for this long is
 * declared dead (Codis 2 used a 60 s read timeout). */
#define BACKEND_REPLY_TIMEOUT_MS 30000
/* A backend no slot uses any more gets this long to answer what is
 * pending before it is failed (backend_close_unused). */
#define BACKEND_UNUSED_STALL_MS 1000
#define BACKEND_KEEP_BYTES (256 * 1024)
/* Requests this big skip the output buffer when it is empty. */
#define BACKEND_DIRECT_BYTES (64 * 1024)

static void backend_on_read(evutil_socket_t fd, short what, void *arg);
static void backend_on_write(evutil_socket_t fd, short what, void *arg);
static void backend_on_timeout(evutil_socket_t fd, short what, void *arg);

const char *backend_state_name(enum backend_state state)
{
    switch (state) {
    case BACKEND_IDLE:
        return "idle";
    case BACKEND_CONNECTING:
        return "connecting";
    case BACKEND_READY:
        return "ready";
    case BACKEND_DOWN:
        return "down";
    }
    return "unknown";
}

struct backend *backend_new(struct worker *w, const char *addr)
{
    struct backend *b = mem_calloc(1, sizeof(*b));
    b->worker = w;
    b->addr = mem_strdup(addr);
    b->fd = -1;
    if (slotmap_split_addr(addr, b->host, sizeof(b->host), &b->port) != 0) {
        /* slotmap_set checked it; keep the struct usable anyway */
        snprintf(b->host, sizeof(b->host), "%s", addr);
        b->port = 0;
    }
    STAILQ_INIT(&b->inflight);
    resp_scanner_init(&b->scan);
    b->metrics = metrics_backend_get(addr);
    b->timer = evtimer_new(w->base, backend_on_timeout, b);
    if (b->timer == NULL) {
        log_error("cannot make a timer for backend '%s'", addr);
        abort();
    }
    b->state = BACKEND_IDLE;
    return b;
}

/* Close the socket and its events. */
static void backend_close_fd(struct backend *b)
{
    if (b->rev != NULL) {
        event_free(b->rev);
        b->rev = NULL;
    }
    if (b->wev != NULL) {
        event_free(b->wev);
        b->wev = NULL;
    }
    evtimer_del(b->timer);
    if (b->fd >= 0) {
        close(b->fd);
        b->fd = -1;
    }
    b->writing = false;
    pbuf_clear(&b->in, BACKEND_KEEP_BYTES);
    pbuf_clear(&b->out, BACKEND_KEEP_BYTES);
    resp_scanner_init(&b->scan);
}

/* Fail every pending request with 'reason'. */
static void backend_fail_pending(struct backend *b, const char *reason)
{
    STAILQ_HEAD(, request) list = STAILQ_HEAD_INITIALIZER(list);
    STAILQ_CONCAT(&list, &b->inflight);
    b->ninflight = 0;
    struct request *r;
    while ((r = STAILQ_FIRST(&list)) != NULL) {
        STAILQ_REMOVE_HEAD(&list, inflight);
        worker_sent_done(b->worker, r);
        metrics_backend_done(b->metrics, true);
        if (!router_retry_any(b, r)) {
            request_fail(r, "handle response, backend conn failure, %s",
                         reason);
        }
    }
}

/* The connection failed: close it, fail what is pending, retry later. */
static void backend_down(struct backend *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void backend_down(struct backend *b, const char *fmt, ...)
{
    char reason[sizeof(b->last_err)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    if (b->state == BACKEND_READY || b->state == BACKEND_IDLE ||
        strcmp(reason, b->last_err) != 0) {
        log_warn("backend '%s' is down: %s", b->addr, reason);
    }
    /* an idle connection the server closed (its timeout, a restart)
     * says nothing against redialing at the next request */
    bool idle_close = b->state == BACKEND_READY && b->ninflight == 0;
    snprintf(b->last_err, sizeof(b->last_err), "%s", reason);
    stats_add(&b->worker->stats, STATS_BACKEND_FAILURES, 1);
    backend_close_fd(b);
    b->state = BACKEND_DOWN;
    b->retry_ms = worker_now_ms(b->worker) +
                  (idle_close ? 0 : BACKEND_RETRY_MS);
    backend_fail_pending(b, reason);
}

static void backend_ready(struct backend *b)
{
    struct worker *w = b->worker;
    if (b->last_err[0] != '\0') {
        log_info("backend '%s' is back", b->addr);
        b->last_err[0] = '\0';
    }
    b->state = BACKEND_READY;
    evtimer_del(b->timer);
    b->last_read_ms = worker_now_ms(w);
    b->last_ping_ms = b->last_read_ms;
    if (event_add(b->rev, NULL) != 0) {
        backend_down(b, "libevent failed");
        return;
    }
    worker_mark_backend(b);
}

/* The reply 'p' ('n' bytes) to our AUTH 'r': a refusal is logged. */
static void backend_on_auth(struct request *r, const char *p, size_t n)
{
    if (n > 0 && p[0] == '-') {
        log_warn("backend refused AUTH: %.*s", (int)(n > 2 ? n - 3 : 0),
                 p + 1);
    }
    request_put(r);
}

/* The reply 'p' ('n' bytes) to our SELECT 'r' (a db check when 'check'):
 * a refusal from the server takes the connection down, failing what
 * waits unsent; an answered db check lets what follows it be written. A
 * connection already going down failed 'r' itself: nothing to do. */
static void backend_selected(struct request *r, const char *p, size_t n,
                             bool check)
{
    struct backend *b = r->backend;
    request_put(r);
    if (b->state != BACKEND_READY) {
        return;
    }
    if (n > 0 && p[0] == '-') {
        backend_down(b, "%s: %.*s", check ?
                     "the server lacks a db below "
                     "backend_number_databases" : "SELECT refused",
                     (int)(n > 3 ? n - 3 : 0), p + 1);
        return;
    }
    if (check) {
        b->checking = false;
        worker_mark_backend(b);
    }
}

static void backend_on_select(struct request *r, const char *p, size_t n)
{
    backend_selected(r, p, n, false);
}

static void backend_on_dbcheck(struct request *r, const char *p, size_t n)
{
    backend_selected(r, p, n, true);
}

/* Queue a request of ours (AUTH, PING, SELECT) on the connection; its
 * reply goes to 'complete'. */
static void backend_send_internal(struct backend *b, enum request_kind kind,
                                  request_complete_fn complete,
                                  const char *wire, size_t n)
{
    struct request *r = request_get(&b->worker->requests, kind, complete);
    r->backend = b;
    STAILQ_INSERT_TAIL(&b->inflight, r, inflight);
    if (b->ninflight == 0) {
        b->busy_since_ms = worker_now_ms(b->worker);
    }
    b->ninflight++;
    metrics_backend_sent(b->metrics);
    pbuf_append(&b->out, wire, n);
}

/* Write "SELECT <db>" as RESP into 'wire' ('size' bytes, 64 is enough);
 * returns its length. */
static size_t backend_select_wire(char *wire, size_t size, int db)
{
    char num[16];
    int len = snprintf(num, sizeof(num), "%d", db);
    int n = snprintf(wire, size, "*2\r\n$6\r\nSELECT\r\n$%d\r\n%s\r\n",
                     len, num);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* Start connecting; on failure the backend is down (and 'last_err'
 * says why). */
static void backend_connect(struct backend *b)
{
    struct worker *w = b->worker;
    char port[16];
    snprintf(port, sizeof(port), "%d", b->port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int rc = getaddrinfo(b->host, port, &hints, &res);
    if (rc != 0) {
        backend_down(b, "cannot resolve '%s': %s", b->host,
                     gai_strerror(rc));
        return;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
                    SOCK_CLOEXEC, res->ai_protocol);
    if (fd < 0) {
        freeaddrinfo(res);
        backend_down(b, "socket: %s", strerror(errno));
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    rc = connect(fd, res->ai_addr, res->ai_addrlen);
    int err = errno;
    freeaddrinfo(res);
    if (rc != 0 && err != EINPROGRESS) {
        close(fd);
        backend_down(b, "%s", strerror(err));
        return;
    }
    b->fd = fd;
    b->rev = event_new(w->base, fd, EV_READ | EV_PERSIST, backend_on_read, b);
    b->wev = event_new(w->base, fd, EV_WRITE | EV_PERSIST, backend_on_write,
                       b);
    struct timeval tv = { BACKEND_CONNECT_TIMEOUT_MS / 1000,
                          (BACKEND_CONNECT_TIMEOUT_MS % 1000) * 1000 };
    if (b->rev == NULL || b->wev == NULL || event_add(b->wev, NULL) != 0 ||
        evtimer_add(b->timer, &tv) != 0) {
        backend_down(b, "libevent failed");
        return;
    }
    b->writing = true;
    b->state = BACKEND_CONNECTING;
    b->connects++;
    metrics_backend_connect(b->metrics);
    b->db = 0;
    b->checking = false;
    if (w->cfg->product_auth != NULL) {
        char wire[600];
        size_t plen = strlen(w->cfg->product_auth);
        int n = snprintf(wire, sizeof(wire), "*2\r\n$4\r\nAUTH\r\n$%zu\r\n%s"
                         "\r\n", plen, w->cfg->product_auth);
        if (n > 0 && (size_t)n < sizeof(wire)) {
            backend_send_internal(b, REQUEST_AUTH, backend_on_auth, wire,
                                  (size_t)n);
        }
    }
    if (w->cfg->backend_databases > 1) {
        char wire[64];
        backend_send_internal(b, REQUEST_DBCHECK, backend_on_dbcheck, wire,
                              backend_select_wire(
                                  wire, sizeof(wire),
                                  w->cfg->backend_databases - 1));
        backend_send_internal(b, REQUEST_SELECT, backend_on_select, wire,
                              backend_select_wire(wire, sizeof(wire), 0));
        b->checking = true;
        b->gate = pbuf_size(&b->out);
    }
}

void backend_send(struct backend *b, struct request *r, const void *p,
                  size_t n)
{
    if (b->state == BACKEND_DOWN &&
        worker_now_ms(b->worker) >= b->retry_ms) {
        backend_connect(b);
    } else if (b->state == BACKEND_IDLE) {
        backend_connect(b);
    }
    if (b->state == BACKEND_DOWN) {
        metrics_backend_sent(b->metrics);
        metrics_backend_done(b->metrics, true);
        request_fail(r, "handle response, backend '%s' is down: %s",
                     b->addr, b->last_err);
        return;
    }
    if (r->db != b->db) {
        char wire[64];
        backend_send_internal(b, REQUEST_SELECT, backend_on_select, wire,
                              backend_select_wire(wire, sizeof(wire), r->db));
        b->db = r->db;
    }
    r->backend = b;
    STAILQ_INSERT_TAIL(&b->inflight, r, inflight);
    if (b->ninflight++ == 0) {
        b->busy_since_ms = worker_now_ms(b->worker);
    }
    metrics_backend_sent(b->metrics);
    worker_sent(b->worker, r);
    if (r->id != 0 && log_get_level() == LOG_DEBUG) {
        log_debug("req %llu%s routed to backend '%s'",
                  (unsigned long long)r->id, request_label(r), b->addr);
    }
    /* a big request with nothing queued before it is written at once:
     * only what the socket does not take is copied */
    if (n >= BACKEND_DIRECT_BYTES && b->state == BACKEND_READY &&
        !b->checking && pbuf_size(&b->out) == 0) {
        ssize_t w = write(b->fd, p, n);
        if (w > 0) {
            p = (const char *)p + w;
            n -= (size_t)w;
        }
    }
    pbuf_append(&b->out, p, n);
    if (b->state == BACKEND_READY) {
        worker_mark_backend(b);
    }
}

void backend_flush(struct backend *b)
{
    if (b->state != BACKEND_READY) {
        return;
    }
    size_t allowed = b->checking ? b->gate : pbuf_size(&b->out);
    if (allowed > 0) {
        ssize_t n = write(b->fd, pbuf_head(&b->out), allowed);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            backend_down(b, "write: %s", strerror(errno));
            return;
        }
        if (n > 0) {
            pbuf_consume(&b->out, (size_t)n);
            if (b->checking) {
                b->gate -= (size_t)n;
            }
        }
    }
    bool pending = b->checking ? b->gate > 0 : pbuf_size(&b->out) > 0;
    if (pending && !b->writing) {
        if (event_add(b->wev, NULL) != 0) {
            backend_down(b, "libevent failed");
            return;
        }
        b->writing = true;
    } else if (!pending && b->writing) {
        event_del(b->wev);
        b->writing = false;
    }
    /* (while the db check waits, 'out' still holds what follows it) */
    if (pbuf_size(&b->out) == 0 && b->out.cap > BACKEND_KEEP_BYTES) {
        pbuf_clear(&b->out, BACKEND_KEEP_BYTES);
    }
}

static void backend_on_write(evutil_socket_t fd, short what, void *arg)
{
    struct backend *b = arg;
    if (b->state == BACKEND_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
            err = errno;
        }
        if (err != 0) {
            backend_down(b, "%s", strerror(err));
            return;
        }
        backend_ready(b);
        if (b->state != BACKEND_READY) {
            return;
        }
    }
    backend_flush(b);
}

static void backend_on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct backend *b = arg;
    if (b->state == BACKEND_CONNECTING) {
        backend_down(b, "connect timed out after %d ms",
                     BACKEND_CONNECT_TIMEOUT_MS);
    }
}

static void backend_on_read(evutil_socket_t fd, short what, void *arg)
{
    struct backend *b = arg;
    size_t want = BACKEND_READ_SIZE;
    if (b->in.cap - b->in.len > want) {
        want = b->in.cap - b->in.len;
    }
    ssize_t n = pbuf_read(&b->in, fd, want);
    if (n == 0) {
        backend_down(b, "connection closed by the backend");
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            backend_down(b, "read: %s", strerror(errno));
        }
        return;
    }
    b->last_read_ms = worker_now_ms(b->worker);
    for (;;) {
        const char *head = pbuf_head(&b->in);
        size_t size = pbuf_size(&b->in);
        enum resp_status st = resp_scanner_scan(&b->scan, head, size);
        if (st == RESP_AGAIN) {
            /* after a huge reply, give its buffer back */
            pbuf_shrink(&b->in, BACKEND_KEEP_BYTES);
            break;
        }
        if (st == RESP_ERROR) {
            backend_down(b, "bad reply: %s", b->scan.err);
            return;
        }
        struct request *r = STAILQ_FIRST(&b->inflight);
        if (r == NULL) {
            backend_down(b, "reply without a request");
            return;
        }
        STAILQ_REMOVE_HEAD(&b->inflight, inflight);
        b->ninflight--;
        worker_sent_done(b->worker, r);
        size_t len = b->scan.pos;
        metrics_backend_done(b->metrics, head[0] == '-');
        if (r->id != 0 && log_get_level() == LOG_DEBUG) {
            log_debug("req %llu%s reply from backend '%s', %zu bytes",
                      (unsigned long long)r->id, request_label(r), b->addr,
                      len);
        }
        resp_scanner_init(&b->scan);
        /* may take the connection down (a refused SELECT) */
        request_reply(r, head, len);
        if (b->state != BACKEND_READY) {
            return;
        }
        pbuf_consume(&b->in, len);
    }
}

void backend_tick(struct backend *b, uint64_t now_ms)
{
    const struct worker_config *cfg = b->worker->cfg;
    if (b->state == BACKEND_READY) {
        if (b->ninflight > 0 &&
            now_ms - b->last_read_ms > BACKEND_REPLY_TIMEOUT_MS) {
            backend_down(b, "no reply for %d s",
                         BACKEND_REPLY_TIMEOUT_MS / 1000);
        } else if (cfg->ping_period_ms > 0 && b->ninflight == 0 &&
                   now_ms - b->last_ping_ms >= cfg->ping_period_ms) {
            static const char ping[] = "*1\r\n$4\r\nPING\r\n";
            backend_send_internal(b, REQUEST_PING, request_drop, ping,
                                  sizeof(ping) - 1);
            b->last_ping_ms = now_ms;
            worker_mark_backend(b);
        }
    } else if (b->state == BACKEND_DOWN && now_ms >= b->retry_ms) {
        backend_connect(b);
    }
}

void backend_close_unused(struct backend *b)
{
    if (b->fd < 0) {
        return;
    }
    bool stalled = false;
    if (b->ninflight > 0) {
        uint64_t now = worker_now_ms(b->worker);
        uint64_t last = b->last_read_ms > b->busy_since_ms
                            ? b->last_read_ms
                            : b->busy_since_ms;
        if (now - last < BACKEND_UNUSED_STALL_MS) {
            return;
        }
        stalled = true;
        log_warn("backend '%s' left the slot table and has not answered "
                 "for %llu ms: failing its %zu pending requests", b->addr,
                 (unsigned long long)(now - last), b->ninflight);
    } else {
        log_info("closing the connection to backend '%s': no slot uses it",
                 b->addr);
    }
    backend_close_fd(b);
    pbuf_release(&b->in);
    pbuf_release(&b->out);
    b->state = BACKEND_IDLE;
    if (stalled) {
        backend_fail_pending(b, "the server left the cluster without "
                                "answering");
    }
}

void backend_stop(struct backend *b)
{
    backend_close_fd(b);
    b->state = BACKEND_DOWN;
    b->retry_ms = UINT64_MAX;
    snprintf(b->last_err, sizeof(b->last_err), "proxy shutting down");
    backend_fail_pending(b, b->last_err);
}

void backend_free(struct backend *b)
{
    if (b == NULL) {
        return;
    }
    backend_stop(b);
    event_free(b->timer);
    pbuf_release(&b->in);
    pbuf_release(&b->out);
    mem_free(b->addr);
    mem_free(b);
}
