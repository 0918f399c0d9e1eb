/* Commands sent to every master and answered once; see fanout.h. */
#include "roles/proxy/fanout.h"

#include <string.h>

#include "lib/resp.h"
#include "lib/slot.h"
#include "roles/proxy/backend.h"
#include "roles/proxy/request.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

static void fanout_on_part(struct request *sub, const char *p, size_t n);

/* One part is over, or the guard taken while sending is released. */
static void fanout_release(struct request *r)
{
    if (--r->pending > 0) {
        return;
    }
    struct worker *w = r->worker;
    struct pbuf *m = &w->merge;
    pbuf_clear(m, 1 << 20);
    if (r->first_sub == NULL) {
        static const char none[] =
            "-ERR handle request, no group owns slots\r\n";
        pbuf_append(m, none, sizeof(none) - 1);
    } else {
        r->merge(r, m);
    }
    /* the parts are done with: give them back before the parent waits */
    request_put_parts(r);
    request_reply(r, pbuf_head(m), pbuf_size(m));
}

void fanout_parts(struct request *r, const char *wire, size_t n, bool one,
                  enum request_kind kind, request_complete_fn complete)
{
    struct worker *w = r->worker;
    const struct slotmap *map = w->map;
    /* The parts all send the same bytes: keep one copy in the parent. */
    pbuf_clear(&r->saved, 1 << 16);
    pbuf_append(&r->saved, wire, n);
    for (size_t i = 0; i < map->naddrs; i++) {
        if (!fanout_is_master(map, i)) {
            continue;
        }
        struct request *sub = request_new_part(r, kind, complete);
        r->pending++;
        backend_send(worker_route(w, (int32_t)i), sub, pbuf_head(&r->saved),
                     n);
        if (one) {
            break;
        }
    }
}

void fanout_send(struct worker *w, struct request *r, const char *wire,
                 size_t n, bool one, fanout_merge_fn merge)
{
    r->merge = merge;
    r->pending = 1;
    fanout_parts(r, wire, n, one, REQUEST_FANOUT, fanout_on_part);
    fanout_release(r);
}

/* The reply 'p' ('n' bytes) of part 'sub': kept for the merge. */
static void fanout_on_part(struct request *sub, const char *p, size_t n)
{
    pbuf_clear(&sub->reply, 1 << 16);
    pbuf_append(&sub->reply, p, n);
    sub->done = true;
    fanout_release(sub->parent);
}

const char *fanout_error(struct request *r, size_t *n)
{
    for (struct request *sub = r->first_sub; sub; sub = sub->next) {
        if (pbuf_size(&sub->reply) > 0 && pbuf_head(&sub->reply)[0] == '-') {
            *n = pbuf_size(&sub->reply);
            return pbuf_head(&sub->reply);
        }
    }
    return NULL;
}

bool fanout_merge_error(struct request *r, struct pbuf *out)
{
    size_t n;
    const char *err = fanout_error(r, &n);
    if (err != NULL) {
        pbuf_append(out, err, n);
    }
    return err != NULL;
}

bool fanout_is_master(const struct slotmap *map, size_t i)
{
    for (unsigned s = 0; s < SLOT_COUNT; s++) {
        if (map->slots[s].backend == (int32_t)i) {
            return true;
        }
    }
    return false;
}

void fanout_merge_first(struct request *r, struct pbuf *out)
{
    if (!fanout_merge_error(r, out)) {
        pbuf_append(out, pbuf_head(&r->first_sub->reply),
                    pbuf_size(&r->first_sub->reply));
    }
}

const char *fanout_bulk(const char *p, size_t n, size_t *len)
{
    const char *eol = n > 1 && p[0] == '$' ? memchr(p, '\r', n) : NULL;
    long long l;
    if (eol == NULL || resp_parse_ll(p + 1, (size_t)(eol - p - 1), &l) != 0
        || l < 0 || (size_t)(eol - p) + 2 + (size_t)l + 2 > n) {
        return NULL;
    }
    *len = (size_t)l;
    return eol + 2;
}

void fanout_encode(struct worker *w, const char *name, const char *buf,
                   const struct resp_arg *argv, int argc)
{
    pbuf_clear(&w->cmdbuf, 1 << 20);
    pbuf_append_head(&w->cmdbuf, '*', (size_t)argc);
    for (int i = 0; i < argc; i++) {
        if (i == 0 && name != NULL) {
            pbuf_append_bulk(&w->cmdbuf, name, strlen(name));
        } else {
            pbuf_append_bulk(&w->cmdbuf, buf + argv[i].off, argv[i].len);
        }
    }
}
