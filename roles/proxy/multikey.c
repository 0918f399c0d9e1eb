/* Split and merge of multi-key commands; see multikey.h. */
#include "roles/proxy/multikey.h"

#include <stdio.h>
#include <string.h>

#include "lib/slot.h"
#include "roles/proxy/backend.h"
#include "roles/proxy/cmdtable.h"
#include "roles/proxy/request.h"
#include "roles/proxy/router.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

/* A new part of 'r', linked after the others. */
static struct request *multikey_new_part(struct worker *w, struct request *r)
{
    struct request *sub = request_get(w, REQUEST_SUB);
    sub->parent = r;
    sub->cmd = r->cmd;
    if (r->last_sub != NULL) {
        r->last_sub->next = sub;
    } else {
        r->first_sub = sub;
    }
    r->last_sub = sub;
    return sub;
}

/* Build the merged reply of 'r' and deliver it. */
static void multikey_finish(struct request *r)
{
    struct worker *w = r->worker;
    struct pbuf *m = &w->merge;
    pbuf_clear(m, 1 << 20);
    if (r->failed) {
        pbuf_append(m, pbuf_head(&r->reply), pbuf_size(&r->reply));
    } else if (r->cmd->route == CMDSPEC_ROUTE_MGET) {
        size_t count = 0;
        for (struct request *sub = r->first_sub; sub; sub = sub->next) {
            count++;
        }
        pbuf_append_head(m, '*', count);
        for (struct request *sub = r->first_sub; sub; sub = sub->next) {
            pbuf_append(m, pbuf_head(&sub->reply), pbuf_size(&sub->reply));
        }
    } else if (r->cmd->route == CMDSPEC_ROUTE_MSET) {
        pbuf_append(m, "+OK\r\n", 5);
    } else {
        char line[32];
        int len = snprintf(line, sizeof(line), ":%lld\r\n", r->sum);
        pbuf_append(m, line, (size_t)len);
    }
    /* the parts are done with: give them back before the parent waits */
    struct request *sub = r->first_sub;
    while (sub != NULL) {
        struct request *next = sub->next;
        sub->first_sub = NULL;
        sub->next = NULL;
        request_put(sub);
        sub = next;
    }
    r->first_sub = NULL;
    r->last_sub = NULL;
    pbuf_clear(&r->reply, 1 << 16);
    request_reply(r, pbuf_head(m), pbuf_size(m));
}

/* One part is over (or the guard taken while sending is released). */
static void multikey_release(struct request *r)
{
    if (--r->pending == 0) {
        multikey_finish(r);
    }
}

/* Record that a part of 'r' failed with the RESP error 'p'. */
static void multikey_fail(struct request *r, const char *p, size_t n)
{
    if (!r->failed) {
        r->failed = true;
        pbuf_clear(&r->reply, 1 << 16);
        pbuf_append(&r->reply, p, n);
    }
}

void multikey_split(struct worker *w, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc)
{
    const struct cmdspec *cmd = r->cmd;
    int step = cmd->route == CMDSPEC_ROUTE_MSET ? 2 : 1;
    if ((argc - 1) % step != 0) {
        request_fail(r, "wrong number of arguments for 'mset' command");
        return;
    }
    size_t name_len = strlen(cmd->name);
    /* One more than the parts: a part failing at once must not finish
     * the parent before all are sent. */
    r->pending = (uint32_t)((argc - 1) / step) + 1;
    for (int i = 1; i < argc; i += step) {
        struct request *sub = multikey_new_part(w, r);
        pbuf_clear(&w->cmdbuf, 1 << 20);
        pbuf_append_head(&w->cmdbuf, '*', (size_t)(1 + step));
        pbuf_append_bulk(&w->cmdbuf, cmd->name, name_len);
        for (int j = 0; j < step; j++) {
            pbuf_append_bulk(&w->cmdbuf, buf + argv[i + j].off,
                              argv[i + j].len);
        }
        unsigned slot = slot_of_key(buf + argv[i].off, argv[i].len);
        int key = i;
        router_forward(w, sub, slot, pbuf_head(&w->cmdbuf),
                       pbuf_size(&w->cmdbuf), buf, argv, &key, 1);
    }
    multikey_release(r);
}

void multikey_all(struct worker *w, struct request *r)
{
    const struct slotmap *map = w->map;
    char wire[64];
    size_t name_len = strlen(r->cmd->name);
    int n = snprintf(wire, sizeof(wire), "*1\r\n$%zu\r\n%s\r\n", name_len,
                     r->cmd->name);
    r->pending = 1;
    for (size_t i = 0; i < map->naddrs; i++) {
        bool owner = false;
        for (unsigned s = 0; s < SLOT_COUNT && !owner; s++) {
            owner = map->slots[s].backend == (int32_t)i;
        }
        if (!owner) {
            continue;
        }
        struct request *sub = multikey_new_part(w, r);
        r->pending++;
        backend_send(worker_route(w, (int32_t)i), sub, wire, (size_t)n);
    }
    multikey_release(r);
}

void multikey_part_done(struct request *sub, const char *p, size_t n)
{
    struct request *r = sub->parent;
    if (n > 0 && p[0] == '-') {
        multikey_fail(r, p, n);
    } else {
        switch (r->cmd->route) {
        case CMDSPEC_ROUTE_MGET:
            /* the reply of "MGET key" is "*1\r\n<value>" */
            if (n >= 4 && memcmp(p, "*1\r\n", 4) == 0) {
                pbuf_append(&sub->reply, p + 4, n - 4);
            } else {
                static const char bad[] =
                    "-ERR handle response, bad mget resp\r\n";
                multikey_fail(r, bad, sizeof(bad) - 1);
            }
            break;
        case CMDSPEC_ROUTE_MSET:
            break;
        default: {
            long long v;
            if (n >= 3 && p[0] == ':' &&
                resp_parse_ll(p + 1, n - 3, &v) == 0) {
                r->sum += v;
            } else {
                static const char bad[] =
                    "-ERR handle response, bad integer resp\r\n";
                multikey_fail(r, bad, sizeof(bad) - 1);
            }
            break;
        }
        }
    }
    multikey_release(r);
}
