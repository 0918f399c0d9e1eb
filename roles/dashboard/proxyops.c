/* The proxies' ops sampler; see proxyops.h. One round per second:
 *
 *   tick: read proxy/ from the store; one GET /debug/vars per online
 *         proxy (evhttp client, 1 s timeout) -> proxyops_on_reply each
 *   last reply of the round: sum, rate against the previous round, keep
 *
 * A round still running at the next tick makes that tick skip, and so
 * does every tick while nobody reads the ops (PROXYOPS_KEEP_MS): the
 * proxies and the store are not asked for a number nobody shows. */
#include "roles/dashboard/proxyops.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "lib/clock.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "roles/dashboard/store.h"

#define PROXYOPS_PERIOD_MS 1000
/* Sampling stops when nobody read the ops for this long. */
#define PROXYOPS_KEEP_MS 10000
#define PROXYOPS_TIMEOUT_S 1
#define PROXYOPS_BODY_LIMIT (4 << 20)

/* One proxy's counter in a round. */
struct proxyops_fetch {
    struct proxyops_round *round;
    char id[MODEL_NAME_MAX];
    struct evhttp_connection *conn; /* until the reply came */
    long long ops;
    bool ok;                        /* 'ops' was read */
};

/* The fetches of one tick. */
struct proxyops_round {
    struct proxyops *owner;
    struct proxyops_fetch *fetches; /* owned, 'count' entries */
    size_t count;
    size_t pending;                 /* replies still to come */
    long long started_ms;
};

struct proxyops {
    struct event_base *base;      /* borrowed */
    struct model_store *store;    /* borrowed */
    struct event *timer;
    struct proxyops_round *round; /* in flight, or NULL */
    /* the previous complete round, per proxy */
    struct proxyops_fetch *prev;  /* owned, 'nprev' entries */
    size_t nprev;
    long long prev_ms;
    /* read by proxyops_get on the HTTP workers, written by the loop */
    _Atomic long long total;
    _Atomic long long per_sec;
    _Atomic long long asked_ms;   /* last proxyops_get */
};

/* The round is complete: compute the sum and the rate, keep the round's
 * counters for the next one, free the round. */
static void proxyops_finish(struct proxyops_round *r)
{
    struct proxyops *p = r->owner;
    long long total = 0;
    long long grown = 0;
    for (size_t i = 0; i < r->count; i++) {
        const struct proxyops_fetch *f = &r->fetches[i];
        if (!f->ok) {
            continue;
        }
        total += f->ops;
        for (size_t j = 0; j < p->nprev; j++) {
            if (p->prev[j].ok && strcmp(p->prev[j].id, f->id) == 0) {
                grown += f->ops > p->prev[j].ops ? f->ops - p->prev[j].ops
                                                 : 0;
                break;
            }
        }
    }
    long long elapsed = r->started_ms - p->prev_ms;
    p->per_sec = p->prev != NULL && elapsed > 0 ? grown * 1000 / elapsed : 0;
    p->total = total;
    mem_free(p->prev);
    p->prev = r->fetches;
    p->nprev = r->count;
    p->prev_ms = r->started_ms;
    p->round = NULL;
    mem_free(r);
}

/* Read "router"."ops" (or a top-level "ops") from a /debug/vars reply. */
static bool proxyops_parse(struct evhttp_request *req, long long *ops)
{
    if (req == NULL || evhttp_request_get_response_code(req) != 200) {
        return false;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    if (len == 0 || len > PROXYOPS_BODY_LIMIT) {
        return false;
    }
    const char *text = (const char *)evbuffer_pullup(in, -1);
    char err[128];
    cJSON *vars = text != NULL ? json_parse(text, len, err, sizeof(err))
                               : NULL;
    const cJSON *router = cJSON_GetObjectItemCaseSensitive(vars, "router");
    bool ok = json_int_value(cJSON_GetObjectItemCaseSensitive(
                                 router != NULL ? router : vars, "ops"),
                             ops);
    cJSON_Delete(vars);
    return ok;
}

static void proxyops_on_reply(struct evhttp_request *req, void *arg)
{
    struct proxyops_fetch *f = arg;
    struct proxyops_round *r = f->round;
    f->ok = proxyops_parse(req, &f->ops);
    if (!f->ok) {
        log_debug("ops: no counter from proxy '%s'", f->id);
    }
    f->conn = NULL; /* freed by libevent once this returns */
    if (--r->pending == 0) {
        proxyops_finish(r);
    }
}

/* Send the request of 'f' to 'addr'. Returns 0, or -1 (counted as a
 * proxy without a counter). */
static int proxyops_send(struct proxyops *p, struct proxyops_fetch *f,
                         const char *addr)
{
    char host[MODEL_ADDR_MAX];
    int port;
    char err[256];
    if (model_addr_split(addr, host, sizeof(host), &port, err,
                         sizeof(err)) != 0 || port == 0) {
        return -1;
    }
    if (host[0] == '\0' || strcmp(host, "0.0.0.0") == 0) {
        snprintf(host, sizeof(host), "127.0.0.1");
    }
    f->conn = evhttp_connection_base_new(p->base, NULL, host,
                                         (unsigned short)port);
    if (f->conn == NULL) {
        return -1;
    }
    evhttp_connection_set_timeout(f->conn, PROXYOPS_TIMEOUT_S);
    struct evhttp_request *req = evhttp_request_new(proxyops_on_reply, f);
    if (req == NULL) {
        evhttp_connection_free(f->conn);
        f->conn = NULL;
        return -1;
    }
    struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
    evhttp_add_header(headers, "Host", host);
    /* libevent frees an auto-free connection after a reply only when it
     * closes: a kept-alive one would leak, one per proxy and round */
    evhttp_add_header(headers, "Connection", "close");
    /* on failure libevent frees 'req' itself */
    if (evhttp_make_request(f->conn, req, EVHTTP_REQ_GET,
                            "/debug/vars") != 0) {
        evhttp_connection_free(f->conn);
        f->conn = NULL;
        return -1;
    }
    evhttp_connection_free_on_completion(f->conn);
    return 0;
}

static void proxyops_on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct proxyops *p = arg;
    if (p->round != NULL) {
        return; /* the last round is still waiting for a proxy */
    }
    long long now = clock_now_ms();
    if (now - p->asked_ms > PROXYOPS_KEEP_MS) {
        /* idle: forget the last round, a rate across the gap would lie */
        mem_free(p->prev);
        p->prev = NULL;
        p->nprev = 0;
        p->total = 0;
        p->per_sec = 0;
        return;
    }
    char err[512];
    struct model_proxy *proxies;
    size_t n;
    if (store_load_proxies(p->store, &proxies, &n, err,
                           sizeof(err)) != 0) {
        log_debug("ops: %s", err);
        return;
    }
    struct proxyops_round *r = mem_calloc(1, sizeof(*r));
    r->owner = p;
    r->fetches = mem_calloc(n > 0 ? n : 1, sizeof(*r->fetches));
    r->started_ms = now;
    r->pending = 1; /* this tick's own hold, so no reply ends the round
                     * before every request is out */
    p->round = r;
    for (size_t i = 0; i < n; i++) {
        if (proxies[i].state != MODEL_PROXY_ONLINE ||
            proxies[i].debug_var_addr[0] == '\0') {
            continue;
        }
        struct proxyops_fetch *f = &r->fetches[r->count];
        f->round = r;
        snprintf(f->id, sizeof(f->id), "%s", proxies[i].id);
        r->pending++;
        if (proxyops_send(p, f, proxies[i].debug_var_addr) == 0) {
            r->count++;
        } else {
            r->pending--;
            memset(f, 0, sizeof(*f));
        }
    }
    mem_free(proxies);
    if (--r->pending == 0) {
        proxyops_finish(r);
    }
}

struct proxyops *proxyops_new(struct event_base *base,
                              struct model_store *store)
{
    struct proxyops *p = mem_calloc(1, sizeof(*p));
    p->base = base;
    p->store = store;
    p->timer = event_new(base, -1, EV_PERSIST, proxyops_on_tick, p);
    struct timeval period = { PROXYOPS_PERIOD_MS / 1000,
                              (PROXYOPS_PERIOD_MS % 1000) * 1000 };
    if (p->timer == NULL || event_add(p->timer, &period) != 0) {
        if (p->timer != NULL) {
            event_free(p->timer);
        }
        mem_free(p);
        return NULL;
    }
    return p;
}

void proxyops_get(struct proxyops *p, long long *total, long long *per_sec)
{
    p->asked_ms = clock_now_ms();
    *total = p->total;
    *per_sec = p->per_sec;
}

void proxyops_free(struct proxyops *p)
{
    if (p == NULL) {
        return;
    }
    event_free(p->timer);
    if (p->round != NULL) {
        /* freeing a connection drops its request without a callback */
        for (size_t i = 0; i < p->round->count; i++) {
            if (p->round->fetches[i].conn != NULL) {
                evhttp_connection_free(p->round->fetches[i].conn);
            }
        }
        mem_free(p->round->fetches);
        mem_free(p->round);
    }
    mem_free(p->prev);
    mem_free(p);
}
