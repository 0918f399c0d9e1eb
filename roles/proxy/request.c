/* Request pool and reply delivery; see request.h for the flow. */
#include "roles/proxy/request.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "lib/resp.h"
#include "roles/proxy/backend.h"
#include "roles/proxy/fanout.h"
#include "roles/proxy/keyscan.h"
#include "roles/proxy/multikey.h"
#include "roles/proxy/replica.h"
#include "roles/proxy/router.h"
#include "roles/proxy/session.h"
#include "roles/proxy/worker.h"

/* Buffers larger than this are freed when a request is recycled, so one
 * huge reply does not pin memory in the pool. */
#define REQUEST_KEEP_BYTES (64 * 1024)

struct request *request_get(struct worker *w, enum request_kind kind)
{
    struct request *r = w->pool;
    if (r != NULL) {
        w->pool = r->next;
    } else {
        r = mem_calloc(1, sizeof(*r));
    }
    struct pbuf reply = r->reply;
    struct pbuf saved = r->saved;
    memset(r, 0, sizeof(*r));
    r->reply = reply;
    r->saved = saved;
    r->worker = w;
    r->kind = kind;
    return r;
}

static void request_recycle(struct request *r)
{
    struct worker *w = r->worker;
    pbuf_clear(&r->reply, REQUEST_KEEP_BYTES);
    pbuf_clear(&r->saved, REQUEST_KEEP_BYTES);
    r->next = w->pool;
    w->pool = r;
}

struct request *request_new_part(struct worker *w, struct request *r,
                                 enum request_kind kind)
{
    struct request *sub = request_get(w, kind);
    sub->parent = r;
    sub->cmd = r->cmd;
    sub->db = r->db;
    sub->proto = r->proto;
    if (r->last_sub != NULL) {
        r->last_sub->next = sub;
    } else {
        r->first_sub = sub;
    }
    r->last_sub = sub;
    return sub;
}

void request_put(struct request *r)
{
    struct request *sub = r->first_sub;
    while (sub != NULL) {
        struct request *next = sub->next;
        request_recycle(sub);
        sub = next;
    }
    r->first_sub = NULL;
    request_recycle(r);
}

void request_pool_release(struct worker *w)
{
    while (w->pool != NULL) {
        struct request *r = w->pool;
        w->pool = r->next;
        pbuf_release(&r->reply);
        pbuf_release(&r->saved);
        mem_free(r);
    }
}

void request_reply(struct request *r, const char *p, size_t n)
{
    switch (r->kind) {
    case REQUEST_CLIENT:
        if (r->session != NULL) {
            session_reply(r->session, r, p, n);
        } else {
            request_put(r);
        }
        break;
    case REQUEST_SCAN:
        keyscan_done(r, p, n);
        break;
    case REQUEST_SUB:
        multikey_part_done(r, p, n);
        break;
    case REQUEST_MGRT:
        router_mgrt_done(r, p, n);
        break;
    case REQUEST_WRAP:
        router_wrap_done(r, p, n);
        break;
    case REQUEST_FANOUT:
        fanout_part_done(r, p, n);
        break;
    case REQUEST_AUTH:
        if (n > 0 && p[0] == '-') {
            log_warn("backend refused AUTH: %.*s", (int)(n > 2 ? n - 3 : 0),
                     p + 1);
        }
        request_put(r);
        break;
    case REQUEST_REPLINFO:
        replica_info_done(r, p, n);
        break;
    case REQUEST_PING:
    case REQUEST_SELECT:
    case REQUEST_DBCHECK:
        request_put(r);
        break;
    }
}

void request_fail(struct request *r, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    /* Copied out of the scratch buffer first: delivering may fail other
     * requests (a split's parent), which reuse it. */
    struct evbuffer *scratch = r->worker->scratch;
    resp_add_error_text(scratch, text);
    char wire[sizeof(text) + 16];
    size_t n = evbuffer_get_length(scratch);
    if (n > sizeof(wire)) {
        n = sizeof(wire);
    }
    evbuffer_remove(scratch, wire, n);
    evbuffer_drain(scratch, evbuffer_get_length(scratch));
    request_reply(r, wire, n);
}

void request_reply_scratch(struct request *r)
{
    struct evbuffer *scratch = r->worker->scratch;
    size_t n = evbuffer_get_length(scratch);
    const char *p = (const char *)evbuffer_pullup(scratch, -1);
    request_reply(r, p, n);
    evbuffer_drain(scratch, n);
}
