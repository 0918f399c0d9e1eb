/* Routing of client requests; see router.h. */
#include "roles/proxy/router.h"

#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/slot.h"
#include "roles/proxy/backend.h"
#include "roles/proxy/cmdtable.h"
#include "roles/proxy/fanout.h"
#include "roles/proxy/localcmd.h"
#include "roles/proxy/multikey.h"
#include "roles/proxy/pin.h"
#include "roles/proxy/replica.h"
#include "roles/proxy/proxysub.h"
#include "roles/proxy/request.h"
#include "roles/proxy/session.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

/* Command names longer than this are refused, as Codis does. */
#define ROUTER_MAX_NAME 64
/* SLOTSMGRTTAGONE timeout argument, in ms (Codis's value). */
#define ROUTER_MGRT_TIMEOUT "3000"
/* A request whose key is being moved (wrapper code 1) is routed again at
 * once this many times, then after a pause of one more ms each time up
 * to ROUTER_WRAP_MAX_PAUSE_MS, and fails once it has waited this long:
 * long enough for a value of tens of millions of elements to move. */
#define ROUTER_WRAP_EAGER_TRIES 5
#define ROUTER_WRAP_MAX_PAUSE_MS 10
#define ROUTER_WRAP_MAX_WAIT_MS 60000

/* Lower-case copy of a command name for Redis's error texts. */
static void router_lower(char *dst, size_t dstlen, const char *src,
                         size_t n)
{
    if (n >= dstlen) {
        n = dstlen - 1;
    }
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    dst[n] = '\0';
}

/* How ready 'b' is to take a request that any backend can answer: 0 with
 * a live connection, 1 dialing or never dialed, 2 down but due for a
 * redial, 3 down (requests would fail at once). */
static int router_readiness(struct worker *w, const struct backend *b)
{
    switch (b->state) {
    case BACKEND_READY:
        return 0;
    case BACKEND_CONNECTING:
    case BACKEND_IDLE:
        return 1;
    case BACKEND_DOWN:
        break;
    }
    return worker_now_ms(w) >= b->retry_ms ? 2 : 3;
}

/* The readiest backend a slot of w's table uses, other than 'skip', the
 * first in address order among equals, with its rank in '*rank'; NULL
 * when the table uses none. */
static struct backend *router_pick_any(struct worker *w,
                                       const struct backend *skip,
                                       int *rank_out)
{
    struct backend *best = NULL;
    int best_rank = 4;
    for (size_t i = 0; i < w->nroute && best_rank > 0; i++) {
        struct backend *b = worker_route(w, (int32_t)i);
        if (!b->used || b == skip) {
            continue;
        }
        int rank = router_readiness(w, b);
        if (rank < best_rank) {
            best = b;
            best_rank = rank;
        }
    }
    *rank_out = best_rank;
    return best;
}

/* Send 'r' ('n' wire bytes), a command any backend can answer (TIME), to
 * the readiest backend of w's table (router_pick_any), keeping its bytes
 * for a retry elsewhere; when every one is down, fail it naming the first
 * and why. */
static void router_any(struct worker *w, struct request *r,
                       const char *wire, size_t n)
{
    int best_rank;
    struct backend *best = router_pick_any(w, NULL, &best_rank);
    if (best == NULL) {
        request_fail(r, "handle request, slot is not ready, may be offline");
        return;
    }
    if (best_rank == 3) {
        request_fail(r, "handle request, no backend is up: '%s' is down: %s",
                     best->addr, best->last_err);
        return;
    }
    pbuf_clear(&r->saved, 1 << 16);
    pbuf_append(&r->saved, wire, n);
    r->tries = 1;
    backend_send(best, r, pbuf_head(&r->saved), n);
}

bool router_retry_any(struct backend *b, struct request *r)
{
    struct worker *w = r->worker;
    if (r->kind != REQUEST_CLIENT || r->session == NULL ||
        r->cmd == NULL || r->cmd->route != CMDSPEC_ROUTE_ANY ||
        r->tries == 0 || r->tries >= w->nroute || w->map == NULL ||
        !w->map->online) {
        return false;
    }
    int rank;
    struct backend *next = router_pick_any(w, b, &rank);
    if (next == NULL || rank == 3) {
        return false;
    }
    r->tries++;
    backend_send(next, r, pbuf_head(&r->saved), pbuf_size(&r->saved));
    return true;
}

/* Keep the wire bytes of 'r' in r->saved (they may already be there). */
static void router_save(struct request *r, const char *wire, size_t n)
{
    if (wire != pbuf_head(&r->saved)) {
        pbuf_clear(&r->saved, 1 << 20);
        pbuf_append(&r->saved, wire, n);
    }
}

static void router_mgrt_release(struct request *r);
static void router_on_mgrt(struct request *m, const char *p, size_t n);

/* Ask the source to move each key, then send 'r' to 'dst'. */
static void router_migrate(struct worker *w, struct request *r,
                           struct backend *src, struct backend *dst,
                           const char *wire, size_t n, const char *buf,
                           const struct resp_arg *argv, const int *keys,
                           int nkeys)
{
    router_save(r, wire, n);
    r->target = dst;
    r->failed = false;
    /* One more than the parts, so that parts failing at once cannot
     * finish 'r' before every part is sent. */
    r->pending = (uint32_t)nkeys + 1;
    char port[16];
    snprintf(port, sizeof(port), "%d", dst->port);
    for (int i = 0; i < nkeys; i++) {
        const struct resp_arg *key = &argv[keys[i]];
        pbuf_clear(&w->cmdbuf, 1 << 20);
        pbuf_append(&w->cmdbuf, "*5\r\n$15\r\nSLOTSMGRTTAGONE\r\n", 26);
        pbuf_append_bulk(&w->cmdbuf, dst->host, strlen(dst->host));
        pbuf_append_bulk(&w->cmdbuf, port, strlen(port));
        pbuf_append_bulk(&w->cmdbuf, ROUTER_MGRT_TIMEOUT,
                        sizeof(ROUTER_MGRT_TIMEOUT) - 1);
        pbuf_append_bulk(&w->cmdbuf, buf + key->off, key->len);
        struct request *m = request_child(r, REQUEST_MGRT, router_on_mgrt);
        stats_add(&w->stats, STATS_SLOTSMGRT, 1);
        backend_send(src, m, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf));
    }
    router_mgrt_release(r);
}

/* One part of 'r' is over: when none is left, fail it or send it on. */
static void router_mgrt_release(struct request *r)
{
    if (--r->pending > 0) {
        return;
    }
    if (r->failed) {
        char text[512];
        size_t n = pbuf_size(&r->reply);
        if (n >= sizeof(text)) {
            n = sizeof(text) - 1;
        }
        memcpy(text, pbuf_head(&r->reply), n);
        text[n] = '\0';
        pbuf_clear(&r->reply, 1 << 16);
        r->failed = false;
        request_fail(r, "handle request, bad slotsmgrt resp: %s", text);
        return;
    }
    backend_send(r->target, r, pbuf_head(&r->saved), pbuf_size(&r->saved));
}

/* The reply 'p' ('n' bytes) of a SLOTSMGRTTAGONE request 'm'. */
static void router_on_mgrt(struct request *m, const char *p, size_t n)
{
    struct request *r = m->parent;
    if (n > 0 && p[0] == '-' && !r->failed) {
        r->failed = true;
        pbuf_clear(&r->reply, 1 << 16);
        pbuf_append(&r->reply, p + 1, n >= 3 ? n - 3 : 0);
    }
    request_put(m);
    router_mgrt_release(r);
}

static void router_on_wrap(struct request *m, const char *p, size_t n);

/* Send 'r' ('n' multi-bulk bytes at 'wire') to 'src' as
 * SLOTSMGRT-EXEC-WRAPPER 'key' <the request>; router_on_wrap acts on
 * the answer, going to 'dst' if the key is not on 'src'. */
static void router_wrap(struct worker *w, struct request *r,
                        struct backend *src, struct backend *dst,
                        const char *wire, size_t n, const char *key,
                        size_t keylen)
{
    router_save(r, wire, n);
    r->target = dst;
    const char *p = pbuf_head(&r->saved);
    /* The request is "*<argc>\r\n<bulks>": keep the bulks, count two more
     * arguments in front of them. */
    size_t head = 1;
    long long argc = 0;
    while (head < n && p[head] >= '0' && p[head] <= '9') {
        argc = argc * 10 + (p[head++] - '0');
    }
    if (p[0] != '*' || head + 1 >= n || p[head] != '\r') {
        request_fail(r, "handle request, request is broken");
        return;
    }
    head += 2;
    pbuf_clear(&w->cmdbuf, 1 << 20);
    pbuf_append_head(&w->cmdbuf, '*', (size_t)argc + 2);
    pbuf_append(&w->cmdbuf, "$22\r\nSLOTSMGRT-EXEC-WRAPPER\r\n", 29);
    pbuf_append_bulk(&w->cmdbuf, key, keylen);
    pbuf_append(&w->cmdbuf, p + head, n - head);
    struct request *m = request_child(r, REQUEST_WRAP, router_on_wrap);
    backend_send(src, m, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf));
}

/* Route 'r' again from its saved bytes (a multi-bulk request) under the
 * worker's current table. */
static void router_reforward(struct worker *w, struct request *r)
{
    if (!w->map->online) {
        request_fail(r, "proxy is not online");
        return;
    }
    char *wire = pbuf_head(&r->saved);
    size_t n = pbuf_size(&r->saved);
    resp_request_clear(&w->reparse);
    if (resp_request_parse(&w->reparse, wire, n) != RESP_OK ||
        w->reparse.argc == 0) {
        request_fail(r, "handle request, request is broken");
        return;
    }
    const char *base = resp_request_base(&w->reparse, wire);
    const struct resp_arg *argv = w->reparse.argv;
    const struct cmdspec *cmd =
        cmdtable_lookup(base + argv[0].off, argv[0].len);
    int *keys = worker_keys(w, (size_t)w->reparse.argc);
    int nkeys = cmdtable_keys(cmd, base, argv, w->reparse.argc, keys);
    if (cmd->route == CMDSPEC_ROUTE_MGET ||
        cmd->route == CMDSPEC_ROUTE_MSET ||
        cmd->route == CMDSPEC_ROUTE_SUM) {
        nkeys = 1;
        keys[0] = 1;
    } else if (nkeys < 0) {
        nkeys = w->reparse.argc > 1 ? 1 : 0;
        keys[0] = 1;
    }
    unsigned slot = 0;
    if (nkeys > 0) {
        slot = slot_of_key(base + argv[keys[0]].off, argv[keys[0]].len);
    }
    router_forward(w, r, slot, wire, n, base, argv, keys, nkeys);
}

/* The pause of a request whose key was being moved is over. */
static void router_wrap_on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct request *r = arg;
    if (r->kind == REQUEST_CLIENT && r->session == NULL) {
        request_put(r); /* its client left while it waited */
        return;
    }
    router_reforward(r->worker, r);
}

/* Parse a wrapper answer "*2\r\n:<code>\r\n<payload>": the code in
 * '*code', the payload's offset in '*off'. Returns 0, or -1 when 'p' is
 * something else (an error of a server without the wrapper). */
static int router_wrap_parse(const char *p, size_t n, long long *code,
                             size_t *off)
{
    if (n < 8 || memcmp(p, "*2\r\n:", 5) != 0) {
        return -1;
    }
    size_t i = 5;
    bool neg = p[i] == '-';
    if (neg) {
        i++;
    }
    long long v = 0;
    size_t digits = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9' && digits < 18) {
        v = v * 10 + (p[i++] - '0');
        digits++;
    }
    if (digits == 0 || i + 2 >= n || p[i] != '\r' || p[i + 1] != '\n') {
        return -1;
    }
    *code = neg ? -v : v;
    *off = i + 2;
    return 0;
}

/* The reply 'p' ('n' bytes) of a SLOTSMGRT-EXEC-WRAPPER request 'm':
 * acted on as router.h says; the wait is bounded from the arrival of 'r'
 * (a part's: of its parent). */
static void router_on_wrap(struct request *m, const char *p, size_t n)
{
    struct request *r = m->parent;
    struct worker *w = r->worker;
    request_put(m);
    long long code;
    size_t off;
    if (router_wrap_parse(p, n, &code, &off) != 0) {
        /* the source failed or has no wrapper: its error is the reply */
        request_reply(r, p, n);
        return;
    }
    if (code == 0) {
        backend_send(r->target, r, pbuf_head(&r->saved),
                     pbuf_size(&r->saved));
        return;
    }
    if (code != 1) {
        request_reply(r, p + off, n - off);
        return;
    }
    uint64_t waited_ms = (worker_turn_usec(w) - r->start_us) / 1000;
    if (waited_ms >= ROUTER_WRAP_MAX_WAIT_MS) {
        request_fail(r, "handle request, key is being migrated, waited "
                     "%d ms, try again", ROUTER_WRAP_MAX_WAIT_MS);
        return;
    }
    r->tries++;
    if (r->tries <= ROUTER_WRAP_EAGER_TRIES) {
        router_reforward(w, r);
        return;
    }
    uint32_t pause = r->tries - ROUTER_WRAP_EAGER_TRIES;
    if (pause > ROUTER_WRAP_MAX_PAUSE_MS) {
        pause = ROUTER_WRAP_MAX_PAUSE_MS;
    }
    struct timeval tv = { 0, (suseconds_t)pause * 1000 };
    if (event_base_once(w->base, -1, EV_TIMEOUT, router_wrap_on_timer, r,
                        &tv) != 0) {
        request_fail(r, "handle request, key is being migrated, try again");
    }
}

void router_forward(struct worker *w, struct request *r, unsigned slot,
                    const char *wire, size_t n, const char *buf,
                    const struct resp_arg *argv, const int *keys, int nkeys)
{
    const struct slotmap *map = w->map;
    const struct slotmap_slot *e = &map->slots[slot];
    if (e->locked) {
        router_save(r, wire, n);
        r->waiting = true;
        TAILQ_INSERT_TAIL(&w->waiting, r, wait);
        return;
    }
    if (e->backend == SLOTMAP_NONE) {
        request_fail(r, "handle request, slot is not ready, may be offline");
        return;
    }
    struct backend *dst = worker_route(w, e->backend);
    if (e->migrate_from != SLOTMAP_NONE && nkeys > 0 && e->semi_async) {
        const struct resp_arg *key = &argv[keys[0]];
        router_wrap(w, r, worker_route(w, e->migrate_from), dst, wire, n,
                    buf + key->off, key->len);
        return;
    }
    if (e->migrate_from != SLOTMAP_NONE && nkeys > 0) {
        router_migrate(w, r, worker_route(w, e->migrate_from), dst, wire, n,
                       buf, argv, keys, nkeys);
        return;
    }
    backend_send(dst, r, wire, n);
}

/* Route a request of a command with keys (or an unknown command). */
static void router_keys(struct worker *w, struct request *r,
                        const char *buf, const struct resp_request *req,
                        const char *wire, size_t n)
{
    const struct cmdspec *cmd = r->cmd;
    int *keys = worker_keys(w, (size_t)req->argc);
    int nkeys = cmdtable_keys(cmd, buf, req->argv, req->argc, keys);
    if (nkeys < 0) {
        /* a bad key count: let the backend say what is wrong */
        nkeys = req->argc > 1 ? 1 : 0;
        keys[0] = 1;
    }
    unsigned slot = 0;
    if (nkeys > 0) {
        const struct resp_arg *k = &req->argv[keys[0]];
        slot = slot_of_key(buf + k->off, k->len);
    }
    for (int i = 1; i < nkeys; i++) {
        const struct resp_arg *k = &req->argv[keys[i]];
        if (slot_of_key(buf + k->off, k->len) != slot) {
            char upper[ROUTER_MAX_NAME + 1];
            request_fail(r, "handle request, keys of '%s' must all hash to "
                         "one slot (use a {hash tag})",
                         cmdtable_upper(cmd, upper, sizeof(upper)));
            return;
        }
    }
    if (nkeys > 0 && replica_route(r, slot, wire, n)) {
        return;
    }
    router_forward(w, r, slot, wire, n, buf, req->argv, keys, nkeys);
}

void router_dispatch(struct session *s, const char *buf,
                     const struct resp_request *req)
{
    struct worker *w = s->worker;
    const struct resp_arg *name = &req->argv[0];
    const struct cmdspec *cmd = cmdtable_lookup(buf + name->off,
                                                     name->len);
    struct request *r = request_get(&w->requests, REQUEST_CLIENT,
                                    session_reply);
    r->session = s;
    r->cmd = cmd;
    r->start_us = worker_turn_usec(w);
    r->db = s->db;
    r->id = ((uint64_t)w->id << 48) | ++w->req_seq;
    TAILQ_INSERT_TAIL(&s->requests, r, queue);
    s->nrequests++;
    if (log_get_level() == LOG_DEBUG) {
        log_debug("req %llu received from client %llu: '%.*s'",
                  (unsigned long long)r->id, (unsigned long long)s->id,
                  (int)(name->len < 64 ? name->len : 64), buf + name->off);
    }

    if (name->len == 0 || name->len > ROUTER_MAX_NAME) {
        request_fail(r, "handle request, bad command length, too short or "
                     "too long");
        return;
    }
    cmdtable_local_fn local = cmdtable_local(cmd);
    if ((w->map == NULL || !w->map->online) && local != localcmd_quit) {
        request_fail(r, "proxy is not online");
        return;
    }
    if (!s->authed && !(cmd->flags & CMDSPEC_NO_AUTH)) {
        request_fail(r, "NOAUTH Authentication required.");
        return;
    }
    if (s->pubsub != NULL && proxysub_refuse(s, r, cmd)) {
        return;
    }
    const char *wire = buf;
    size_t n = req->pos;
    bool multi = s->pin != NULL && s->pin->multi;
    if (req->is_inline && (multi || (cmd->route != CMDSPEC_ROUTE_LOCAL &&
                                     cmd->route != CMDSPEC_ROUTE_REFUSED))) {
        fanout_encode(w, NULL, buf, req->argv, req->argc);
        wire = pbuf_head(&w->cmdbuf);
        n = pbuf_size(&w->cmdbuf);
    }
    if (pin_route(s, r, buf, req, wire, n)) {
        return;
    }
    if (cmd->route != CMDSPEC_ROUTE_REFUSED &&
        !cmdspec_arity_ok(cmd, req->argc)) {
        char lower[ROUTER_MAX_NAME + 1];
        router_lower(lower, sizeof(lower), buf + name->off, name->len);
        request_fail(r, "wrong number of arguments for '%s' command", lower);
        return;
    }
    switch (cmd->route) {
    case CMDSPEC_ROUTE_LOCAL:
        local(s, r, buf, req->argv, req->argc);
        return;
    case CMDSPEC_ROUTE_REFUSED: {
        char upper[ROUTER_MAX_NAME + 1];
        cmdtable_upper(cmd, upper, sizeof(upper));
        if (cmd->why != NULL) {
            request_fail(r, "handle request, command '%s' is not allowed: %s",
                         upper, cmd->why);
        } else {
            request_fail(r, "handle request, command '%s' is not allowed",
                         upper);
        }
        return;
    }
    case CMDSPEC_ROUTE_MGET:
    case CMDSPEC_ROUTE_SUM:
        if (req->argc > 2) {
            multikey_split(r, buf, req->argv, req->argc);
            return;
        }
        break;
    case CMDSPEC_ROUTE_MSET:
        if (req->argc > 3) {
            multikey_split(r, buf, req->argv, req->argc);
            return;
        }
        break;
    case CMDSPEC_ROUTE_ALL:
        multikey_all(r, wire, n);
        return;
    case CMDSPEC_ROUTE_EACH:
        if (multikey_each_reads(buf, req->argv, req->argc)) {
            router_any(w, r, wire, n);
        } else {
            multikey_all(r, wire, n);
        }
        return;
    case CMDSPEC_ROUTE_ANY:
        router_any(w, r, wire, n);
        return;
    case CMDSPEC_ROUTE_SLOT:
        break;
    }
    router_keys(w, r, buf, req, wire, n);
}

void router_retry_waiting(struct worker *w)
{
    TAILQ_HEAD(, request) list = TAILQ_HEAD_INITIALIZER(list);
    TAILQ_CONCAT(&list, &w->waiting, wait);
    struct request *r;
    while ((r = TAILQ_FIRST(&list)) != NULL) {
        TAILQ_REMOVE(&list, r, wait);
        r->waiting = false;
        /* saved bytes are multi-bulk: inline requests were encoded */
        router_reforward(w, r);
    }
}

void router_drop_waiting(struct worker *w)
{
    struct request *r;
    while ((r = TAILQ_FIRST(&w->waiting)) != NULL) {
        TAILQ_REMOVE(&w->waiting, r, wait);
        r->waiting = false;
        request_fail(r, "handle request, proxy shutting down");
    }
}
