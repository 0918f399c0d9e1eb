/* Client sessions: reading, parsing, ordered replies, limits; see
 * session.h. */
#include "roles/proxy/session.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "roles/proxy/cmdtable.h"
#include "roles/proxy/metrics.h"
#include "roles/proxy/pin.h"
#include "roles/proxy/proxysub.h"
#include "roles/proxy/router.h"
#include "roles/proxy/worker.h"

/* Bytes asked of each read(2). */
#define SESSION_READ_SIZE (16 * 1024)
/* Output buffers above this are freed once written. */
#define SESSION_KEEP_BYTES (256 * 1024)
/* Replies this big skip the output buffer when it is empty. */
#define SESSION_DIRECT_BYTES (64 * 1024)

/* The id of the next session, shared by the workers' threads. */
static atomic_uint_fast64_t session_next_id = 1;

pthread_mutex_t session_list_lock = PTHREAD_MUTEX_INITIALIZER;

static void session_on_read(evutil_socket_t fd, short what, void *arg);
static void session_on_write(evutil_socket_t fd, short what, void *arg);

int session_start(struct worker *w, int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 &&
        errno != EOPNOTSUPP) {
        log_debug("cannot set TCP_NODELAY on a client: %s", strerror(errno));
    }
    struct session *s = mem_calloc(1, sizeof(*s));
    s->id = atomic_fetch_add(&session_next_id, 1);
    s->worker = w;
    s->fd = fd;
    TAILQ_INIT(&s->requests);
    resp_request_init(&s->parser);
    s->authed = (w->cfg->session_auth == NULL);
    s->last_active_ms = worker_now_ms(w);
    s->rev = event_new(w->base, fd, EV_READ | EV_PERSIST, session_on_read, s);
    s->wev = event_new(w->base, fd, EV_WRITE | EV_PERSIST, session_on_write,
                       s);
    if (s->rev == NULL || s->wev == NULL || event_add(s->rev, NULL) != 0) {
        log_error("cannot start a client session: libevent failed");
        if (s->rev != NULL) {
            event_free(s->rev);
        }
        if (s->wev != NULL) {
            event_free(s->wev);
        }
        resp_request_release(&s->parser);
        mem_free(s);
        close(fd);
        return -1;
    }
    s->reading = true;
    s->start_ms = s->last_active_ms;
    pthread_mutex_lock(&session_list_lock);
    TAILQ_INSERT_TAIL(&w->sessions, s, link);
    pthread_mutex_unlock(&session_list_lock);
    w->nsessions++;
    stats_add(&w->stats, STATS_SESSIONS_TOTAL, 1);
    stats_add(&w->stats, STATS_SESSIONS_ALIVE, 1);
    return 0;
}

static void session_pause(struct session *s)
{
    if (s->reading) {
        event_del(s->rev);
        s->reading = false;
    }
}

static void session_unpause(struct session *s)
{
    if (!s->reading && !s->closing && !s->closed) {
        if (event_add(s->rev, NULL) != 0) {
            log_error("cannot watch a client socket: libevent failed");
            session_close(s);
            return;
        }
        s->reading = true;
    }
}

/* Answer with 'text' as an error in request order, then close. */
static void session_fail(struct session *s, const char *text)
{
    struct request *r = request_get(&s->worker->requests, REQUEST_CLIENT,
                                    session_reply);
    r->session = s;
    r->cmd = &cmdtable_unknown;
    r->start_us = worker_turn_usec(s->worker);
    TAILQ_INSERT_TAIL(&s->requests, r, queue);
    s->nrequests++;
    request_fail(r, "%s", text);
    session_quit(s);
}

/* Parse and route every whole request in the input, up to the pipeline
 * limit. */
static void session_process_input(struct session *s)
{
    const struct worker_config *cfg = s->worker->cfg;
    while (!s->closing && !s->closed) {
        if (s->nrequests >= cfg->session_max_pipeline ||
            pbuf_size(&s->out) >= cfg->session_max_bufsize) {
            session_pause(s);
            return;
        }
        size_t size = pbuf_size(&s->in);
        if (size == 0) {
            break;
        }
        if (s->pin != NULL && pin_busy(s)) {
            /* wait for the client's own connection (pin.h); keep reading
             * to see a client that leaves, up to a bound */
            if (size > cfg->session_max_bufsize) {
                session_pause(s);
                return;
            }
            break;
        }
        char *head = pbuf_head(&s->in);
        enum resp_status st = resp_request_parse(&s->parser, head, size);
        /* whole or not yet, a request over the limit is refused: whether
         * it came in one read must not matter */
        if ((st == RESP_AGAIN && size > cfg->session_max_request) ||
            (st == RESP_OK && s->parser.pos > cfg->session_max_request)) {
            char text[160];
            snprintf(text, sizeof(text), "handle request, request is "
                     "larger than session_max_request (%zu bytes)",
                     cfg->session_max_request);
            session_fail(s, text);
            break;
        }
        if (st == RESP_AGAIN) {
            break;
        }
        if (st == RESP_ERROR) {
            log_debug("client protocol error: %s", s->parser.err);
            session_fail(s, s->parser.err);
            break;
        }
        if (s->parser.argc > 0) {
            router_dispatch(s, resp_request_base(&s->parser, head),
                            &s->parser);
        }
        pbuf_consume(&s->in, s->parser.pos);
        resp_request_clear(&s->parser);
    }
    /* a huge request passed: do not keep its buffer for an idle client */
    pbuf_shrink(&s->in, SESSION_KEEP_BYTES);
    if (!s->closing) {
        session_unpause(s);
    }
}

static void session_on_read(evutil_socket_t fd, short what, void *arg)
{
    struct session *s = arg;
    size_t want = SESSION_READ_SIZE;
    if (s->in.cap - s->in.len > want) {
        want = s->in.cap - s->in.len;
    }
    ssize_t n = pbuf_read(&s->in, fd, want);
    if (n == 0) {
        session_close(s);
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            log_debug("client read failed: %s", strerror(errno));
            session_close(s);
        }
        return;
    }
    s->last_active_ms = worker_now_ms(s->worker);
    session_process_input(s);
}

static void session_on_write(evutil_socket_t fd, short what, void *arg)
{
    session_flush(arg);
}

/* Append reply bytes to the output of 's'. A big reply with nothing
 * before it is written at once, so only what the socket does not take is
 * copied (a 100 MB GET is not held twice). */
static void session_append(struct session *s, const char *p, size_t n)
{
    if (n >= SESSION_DIRECT_BYTES && pbuf_size(&s->out) == 0 &&
        !s->closed) {
        ssize_t w = write(s->fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        }
    }
    pbuf_append(&s->out, p, n);
}

/* Close 's' if it holds more reply bytes than session_max_reply: a client
 * that pipelines big replies and does not read them must not make the
 * proxy buffer without end (Redis's client-output-buffer-limit). */
static void session_check_held(struct session *s)
{
    size_t limit = s->worker->cfg->session_max_reply;
    size_t held = s->held + pbuf_size(&s->out);
    if (limit > 0 && held > limit && !s->closed) {
        log_warn("closing client %llu: %zu bytes of replies unread, over "
                 "session_max_reply (%zu)", (unsigned long long)s->id, held,
                 limit);
        session_close(s);
    }
}

void session_reply(struct request *r, const char *p, size_t n)
{
    struct session *s = r->session;
    if (s == NULL) {
        request_put(r); /* its client left */
        return;
    }
    struct worker *w = s->worker;
    uint64_t usecs = worker_turn_usec(w) - r->start_us;
    stats_record(&w->stats, cmdtable_index(r->cmd), usecs,
                 n > 0 && p[0] == '-');
    metrics_observe(w->id, r->cmd, usecs);
    if (log_get_level() == LOG_DEBUG) {
        log_debug("req %llu replied, %zu bytes", (unsigned long long)r->id,
                  n);
    }
    if (TAILQ_FIRST(&s->requests) != r) {
        pbuf_append(&r->reply, p, n);
        r->done = true;
        s->held += n;
        session_check_held(s);
        return;
    }
    session_append(s, p, n);
    TAILQ_REMOVE(&s->requests, r, queue);
    s->nrequests--;
    request_put(r);
    while ((r = TAILQ_FIRST(&s->requests)) != NULL && r->done) {
        s->held -= pbuf_size(&r->reply);
        pbuf_append(&s->out, pbuf_head(&r->reply), pbuf_size(&r->reply));
        TAILQ_REMOVE(&s->requests, r, queue);
        s->nrequests--;
        request_put(r);
    }
    worker_mark_session(s);
    session_check_held(s);
    if (s->pin != NULL && !s->closed) {
        pin_kick(s);
    }
}

void session_push(struct session *s, const char *p, size_t n)
{
    if (s->closed) {
        return;
    }
    if (TAILQ_EMPTY(&s->requests)) {
        session_append(s, p, n);
        worker_mark_session(s);
    } else {
        /* a finished request at the tail keeps the order of replies */
        struct request *r = request_get(&s->worker->requests,
                                        REQUEST_CLIENT, session_reply);
        r->session = s;
        r->cmd = &cmdtable_unknown;
        r->done = true;
        pbuf_append(&r->reply, p, n);
        TAILQ_INSERT_TAIL(&s->requests, r, queue);
        s->nrequests++;
        s->held += n;
    }
    session_check_held(s);
}

void session_flush(struct session *s)
{
    if (s->closed) {
        return;
    }
    if (pbuf_size(&s->out) > 0) {
        ssize_t n = pbuf_write(&s->out, s->fd);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            log_debug("client write failed: %s", strerror(errno));
            session_close(s);
            return;
        }
    }
    const struct worker_config *cfg = s->worker->cfg;
    if ((!s->reading || (s->pin != NULL && pbuf_size(&s->in) > 0)) &&
        !s->closing && pbuf_size(&s->out) < cfg->session_max_bufsize &&
        s->nrequests < cfg->session_max_pipeline) {
        /* replies were written or requests answered below the limits:
         * take the next requests of a paused session */
        session_process_input(s);
        if (s->closed) {
            return;
        }
    }
    bool pending = pbuf_size(&s->out) > 0;
    if (pending && !event_pending(s->wev, EV_WRITE, NULL)) {
        if (event_add(s->wev, NULL) != 0) {
            session_close(s);
            return;
        }
    } else if (!pending) {
        if (event_pending(s->wev, EV_WRITE, NULL)) {
            event_del(s->wev);
        }
        if (s->out.cap > SESSION_KEEP_BYTES) {
            pbuf_clear(&s->out, SESSION_KEEP_BYTES);
        }
        if (s->closing && s->nrequests == 0) {
            session_close(s);
        }
    }
}

void session_quit(struct session *s)
{
    s->closing = true;
    session_pause(s);
    worker_mark_session(s);
}

void session_close(struct session *s)
{
    if (s->closed) {
        return;
    }
    struct worker *w = s->worker;
    s->closed = true;
    event_del(s->rev);
    event_del(s->wev);
    pthread_mutex_lock(&session_list_lock);
    TAILQ_REMOVE(&w->sessions, s, link);
    close(s->fd);
    s->fd = -1;
    pthread_mutex_unlock(&session_list_lock);
    struct request *r;
    while ((r = TAILQ_FIRST(&s->requests)) != NULL) {
        TAILQ_REMOVE(&s->requests, r, queue);
        if (r->done) {
            request_put(r);
        } else {
            r->session = NULL;
        }
    }
    s->nrequests = 0;
    s->held = 0;
    proxysub_reset(s);
    w->nsessions--;
    stats_add(&w->stats, STATS_SESSIONS_ALIVE, -1);
    s->dead_next = w->dead_sessions;
    w->dead_sessions = s;
}

void session_free(struct session *s)
{
    s->worker->trim = true;
    pin_free(s);
    event_free(s->rev);
    event_free(s->wev);
    pbuf_release(&s->in);
    pbuf_release(&s->out);
    resp_request_release(&s->parser);
    mem_free(s->name);
    mem_free(s);
}

int session_set_name(struct session *s, const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '!' || name[i] > '~') {
            return -1;
        }
    }
    pthread_mutex_lock(&session_list_lock);
    mem_free(s->name);
    s->name = len > 0 ? mem_strndup(name, len) : NULL;
    pthread_mutex_unlock(&session_list_lock);
    return 0;
}
