/* Request pool and reply delivery; see request.h for the flow. This file
 * knows no maker of requests: each gives its own 'complete' function. */
#include "roles/proxy/request.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "lib/mem.h"
#include "lib/resp.h"

/* Buffers larger than this are freed when a request is recycled, so one
 * huge reply does not pin memory in the pool. */
#define REQUEST_KEEP_BYTES (64 * 1024)

struct request *request_get(struct request_pool *pool, enum request_kind kind,
                            request_complete_fn complete)
{
    struct request *r = pool->free;
    if (r != NULL) {
        pool->free = r->next;
    } else {
        r = mem_calloc(1, sizeof(*r));
    }
    struct pbuf reply = r->reply;
    struct pbuf saved = r->saved;
    memset(r, 0, sizeof(*r));
    r->reply = reply;
    r->saved = saved;
    r->pool = pool;
    r->worker = pool->worker;
    r->kind = kind;
    r->complete = complete;
    return r;
}

static void request_recycle(struct request *r)
{
    struct request_pool *pool = r->pool;
    pbuf_clear(&r->reply, REQUEST_KEEP_BYTES);
    pbuf_clear(&r->saved, REQUEST_KEEP_BYTES);
    r->next = pool->free;
    pool->free = r;
}

struct request *request_child(struct request *r, enum request_kind kind,
                              request_complete_fn complete)
{
    struct request *c = request_get(r->pool, kind, complete);
    c->parent = r;
    c->cmd = r->cmd;
    c->db = r->db;
    c->start_us = r->start_us;
    c->id = r->id;
    return c;
}

struct request *request_new_part(struct request *r, enum request_kind kind,
                                 request_complete_fn complete)
{
    struct request *sub = request_child(r, kind, complete);
    if (r->last_sub != NULL) {
        r->last_sub->next = sub;
    } else {
        r->first_sub = sub;
    }
    r->last_sub = sub;
    return sub;
}

void request_put_parts(struct request *r)
{
    struct request *sub = r->first_sub;
    while (sub != NULL) {
        struct request *next = sub->next;
        request_recycle(sub);
        sub = next;
    }
    r->first_sub = NULL;
    r->last_sub = NULL;
}

void request_put(struct request *r)
{
    request_put_parts(r);
    request_recycle(r);
}

void request_pool_release(struct request_pool *pool)
{
    while (pool->free != NULL) {
        struct request *r = pool->free;
        pool->free = r->next;
        pbuf_release(&r->reply);
        pbuf_release(&r->saved);
        mem_free(r);
    }
}

void request_reply(struct request *r, const char *p, size_t n)
{
    r->complete(r, p, n);
}

void request_drop(struct request *r, const char *p, size_t n)
{
    (void)p;
    (void)n;
    request_put(r);
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
    struct evbuffer *scratch = r->pool->scratch;
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
    struct evbuffer *scratch = r->pool->scratch;
    size_t n = evbuffer_get_length(scratch);
    const char *p = (const char *)evbuffer_pullup(scratch, -1);
    request_reply(r, p, n);
    evbuffer_drain(scratch, n);
}

const char *request_label(const struct request *r)
{
    static const char *const labels[] = {
        [REQUEST_CLIENT] = "",
        [REQUEST_SUB] = " (part)",
        [REQUEST_MGRT] = " (slotsmgrttagone)",
        [REQUEST_WRAP] = " (slotsmgrt-exec-wrapper)",
        [REQUEST_PING] = " (ping)",
        [REQUEST_AUTH] = " (auth)",
        [REQUEST_SELECT] = " (select)",
        [REQUEST_SCAN] = " (scan)",
        [REQUEST_DBCHECK] = " (db check)",
        [REQUEST_REPLINFO] = " (info replication)",
        [REQUEST_FANOUT] = " (fan-out part)",
    };
    return labels[r->kind];
}
