/* Transactions, WATCH and blocking commands on a session's own backend
 * connection; see pin.h for the flow. */
#include "roles/proxy/pin.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "lib/slot.h"
#include "roles/proxy/backend.h"
#include "roles/proxy/cmdtable.h"
#include "roles/proxy/localcmd.h"
#include "roles/proxy/request.h"
#include "roles/proxy/router.h"
#include "roles/proxy/session.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

/* Queued bytes above this are freed after EXEC. */
#define PIN_KEEP_BYTES (64 * 1024)

static const char pin_multi_wire[] = "*1\r\n$5\r\nMULTI\r\n";
static const char pin_exec_wire[] = "*1\r\n$4\r\nEXEC\r\n";
static const char pin_unwatch_wire[] = "*1\r\n$7\r\nUNWATCH\r\n";
static const char pin_crossslot[] =
    "CROSSSLOT Keys in request don't hash to the same slot";

struct pin *pin_get(struct session *s)
{
    if (s->pin == NULL) {
        s->pin = mem_calloc(1, sizeof(*s->pin));
        s->pin->slot = -1;
        TAILQ_INIT(&s->pin->held);
    }
    return s->pin;
}

/* Close the private connection of 'p' (see pin_free for when). */
static void pin_drop_conn(struct pin *p)
{
    struct backend *b = p->conn;
    if (b == NULL) {
        return;
    }
    p->conn = NULL;
    p->watching = false;
    /* failing a request delivers a reply, which may kick the held list:
     * take it first */
    TAILQ_HEAD(, request) held = TAILQ_HEAD_INITIALIZER(held);
    TAILQ_CONCAT(&held, &p->held, wait);
    struct request *r;
    while ((r = TAILQ_FIRST(&held)) != NULL) {
        TAILQ_REMOVE(&held, r, wait);
        request_fail(r, "handle request, the client's own backend "
                     "connection was closed");
    }
    if (b->dirty) {
        struct backend **link = &b->worker->dirty_backends;
        while (*link != NULL && *link != b) {
            link = &(*link)->dirty_next;
        }
        if (*link == b) {
            *link = b->dirty_next;
        }
        b->dirty = false;
    }
    backend_free(b);
}

void pin_free(struct session *s)
{
    struct pin *p = s->pin;
    if (p == NULL) {
        return;
    }
    pin_drop_conn(p);
    mem_free(p->owner);
    pbuf_release(&p->queued);
    mem_free(p);
    s->pin = NULL;
}

/* The private connection of 's' to 'addr', made (not yet dialed) if
 * needed; NULL when the session's connection to another server still has
 * requests pending. */
static struct backend *pin_conn(struct session *s, const char *addr)
{
    struct pin *p = pin_get(s);
    if (p->conn != NULL && strcmp(p->conn->addr, addr) == 0) {
        return p->conn;
    }
    if (p->conn != NULL &&
        (p->conn->ninflight > 0 || !TAILQ_EMPTY(&p->held))) {
        return NULL;
    }
    pin_drop_conn(p);
    p->conn = backend_new(s->worker, addr);
    return p->conn;
}

/* Send 'r' of 's' ('n' bytes at 'wire') on 'b': at once on a shared
 * connection; on the private one at once or, while earlier requests of
 * the session are unanswered, held until they are (pin_kick). */
static void pin_send(struct session *s, struct backend *b, struct request *r,
                     const char *wire, size_t n)
{
    struct pin *p = s->pin;
    if (b != p->conn ||
        (TAILQ_EMPTY(&p->held) && (r->kind != REQUEST_CLIENT ||
                                   TAILQ_FIRST(&s->requests) == r))) {
        backend_send(b, r, wire, n);
        return;
    }
    pbuf_clear(&r->saved, 1 << 20);
    pbuf_append(&r->saved, wire, n);
    TAILQ_INSERT_TAIL(&p->held, r, wait);
}

bool pin_busy(const struct session *s)
{
    const struct pin *p = s->pin;
    return p->conn != NULL &&
           (p->conn->ninflight > 0 || !TAILQ_EMPTY(&p->held));
}

void pin_kick(struct session *s)
{
    struct pin *p = s->pin;
    struct request *r;
    while (p->conn != NULL && (r = TAILQ_FIRST(&p->held)) != NULL) {
        if (r->kind == REQUEST_CLIENT && TAILQ_FIRST(&s->requests) != r) {
            break;
        }
        TAILQ_REMOVE(&p->held, r, wait);
        backend_send(p->conn, r, pbuf_head(&r->saved),
                     pbuf_size(&r->saved));
    }
}

/* Queue an internal request of 's' whose reply is dropped ('n' bytes at
 * 'wire', which may be 0 when an earlier call carried its bytes). */
static void pin_send_dropped(struct session *s, struct backend *b,
                             const char *wire, size_t n)
{
    struct request *m = request_get(&s->worker->requests, REQUEST_PING,
                                    request_drop);
    m->db = s->db;
    pin_send(s, b, m, wire, n);
}

/* The slot of the keys of 'r' (arguments 'argv' in 'buf'): 0 or more,
 * -1 when there is none, -2 (after failing 'r') when they differ. */
static int pin_slot(struct request *r, const char *buf,
                    const struct resp_request *req)
{
    int *keys = worker_keys(r->worker, (size_t)req->argc);
    int nkeys = cmdtable_keys(r->cmd, buf, req->argv, req->argc, keys);
    if (nkeys < 0) {
        /* a bad key count: the server will say what is wrong */
        nkeys = req->argc > 1 ? 1 : 0;
        keys[0] = 1;
    }
    int slot = -1;
    for (int i = 0; i < nkeys; i++) {
        const struct resp_arg *k = &req->argv[keys[i]];
        int ks = (int)slot_of_key(buf + k->off, k->len);
        if (slot >= 0 && ks != slot) {
            request_fail(r, pin_crossslot);
            return -2;
        }
        slot = ks;
    }
    return slot;
}

/* The backend address that owns 'slot' in w's table if it is serving
 * (online, not migrating, not locked), else NULL after failing 'r' with
 * why. */
static const char *pin_owner(struct request *r, unsigned slot)
{
    const struct slotmap *map = r->worker->map;
    const struct slotmap_slot *e = &map->slots[slot];
    if (e->backend == SLOTMAP_NONE) {
        request_fail(r, "handle request, slot is not ready, may be offline");
        return NULL;
    }
    if (e->locked || e->migrate_from != SLOTMAP_NONE) {
        request_fail(r, "TRYAGAIN slot %u is migrating, try again later",
                     slot);
        return NULL;
    }
    return map->addrs[e->backend];
}

/* Forget the transaction of 'p' (not the watch). */
static void pin_end_multi(struct pin *p)
{
    p->multi = false;
    p->dirty = false;
    p->nqueued = 0;
    pbuf_clear(&p->queued, PIN_KEEP_BYTES);
    if (!p->watching) {
        p->slot = -1;
    }
}

/* Drop the watch of 's' on the server (EXEC aborted, DISCARD). */
static void pin_end_watch(struct session *s)
{
    struct pin *p = s->pin;
    if (p->watching) {
        pin_send_dropped(s, p->conn, pin_unwatch_wire,
                         sizeof(pin_unwatch_wire) - 1);
        p->watching = false;
    }
    mem_free(p->owner);
    p->owner = NULL;
    p->slot = -1;
}

/* True when 'r' (a command in a transaction) may be queued; else it was
 * failed. */
static bool pin_queueable(struct session *s, struct request *r,
                          const char *buf, const struct resp_request *req)
{
    const struct cmdspec *cmd = r->cmd;
    if (cmd == &cmdtable_unknown) {
        char args[160];
        size_t n = 0;
        for (int i = 1; i < req->argc && n < 128; i++) {
            int w = snprintf(args + n, sizeof(args) - n, "'%.*s' ",
                             (int)(req->argv[i].len < 128 - n
                                       ? req->argv[i].len : 128 - n),
                             buf + req->argv[i].off);
            if (w < 0 || (size_t)w >= sizeof(args) - n) {
                break;
            }
            n += (size_t)w;
        }
        args[n] = '\0';
        const struct resp_arg *name = &req->argv[0];
        request_fail(r, "unknown command '%.*s', with args beginning with: "
                     "%s", (int)(name->len < 128 ? name->len : 128),
                     buf + name->off, args);
        return false;
    }
    if (!cmdspec_arity_ok(cmd, req->argc)) {
        request_fail(r, "wrong number of arguments for '%s' command",
                     cmd->name);
        return false;
    }
    char upper[80];
    cmdtable_upper(cmd, upper, sizeof(upper));
    cmdtable_local_fn local = cmdtable_local(cmd);
    bool ok;
    switch (cmd->route) {
    case CMDSPEC_ROUTE_REFUSED:
        if (cmd->why != NULL) {
            request_fail(r, "handle request, command '%s' is not allowed: "
                         "%s", upper, cmd->why);
        } else {
            request_fail(r, "handle request, command '%s' is not allowed",
                         upper);
        }
        return false;
    case CMDSPEC_ROUTE_LOCAL:
        ok = local == localcmd_ping || local == localcmd_echo;
        break;
    case CMDSPEC_ROUTE_ALL:
    case CMDSPEC_ROUTE_EACH:
        ok = false;
        break;
    default:
        ok = true;
        break;
    }
    if (!ok) {
        request_fail(r, "handle request, command '%s' cannot be queued in a "
                     "transaction through the proxy", upper);
        return false;
    }
    int slot = pin_slot(r, buf, req);
    if (slot == -2) {
        return false;
    }
    struct pin *p = s->pin;
    if (slot >= 0 && p->slot >= 0 && slot != p->slot) {
        request_fail(r, pin_crossslot);
        return false;
    }
    if (slot >= 0) {
        p->slot = slot;
    }
    return true;
}

/* 'r' arrived between MULTI and EXEC: queue it or refuse it. */
static void pin_queue(struct session *s, struct request *r, const char *buf,
                      const struct resp_request *req, const char *wire,
                      size_t n)
{
    struct pin *p = s->pin;
    if (!pin_queueable(s, r, buf, req)) {
        p->dirty = true;
        return;
    }
    pbuf_append(&p->queued, wire, n);
    p->nqueued++;
    request_reply(r, "+QUEUED\r\n", 9);
}

void pin_multi(struct session *s, struct request *r, const char *buf,
               const struct resp_arg *argv, int argc)
{
    struct pin *p = pin_get(s);
    p->multi = true;
    p->dirty = false;
    request_reply(r, "+OK\r\n", 5);
}

void pin_discard(struct session *s, struct request *r, const char *buf,
                 const struct resp_arg *argv, int argc)
{
    struct pin *p = s->pin;
    if (p == NULL || !p->multi) {
        request_fail(r, "DISCARD without MULTI");
        return;
    }
    pin_end_multi(p);
    pin_end_watch(s);
    request_reply(r, "+OK\r\n", 5);
}

void pin_unwatch(struct session *s, struct request *r, const char *buf,
                 const struct resp_arg *argv, int argc)
{
    struct pin *p = s->pin;
    if (p == NULL || !p->watching) {
        request_reply(r, "+OK\r\n", 5);
        return;
    }
    p->watching = false;
    mem_free(p->owner);
    p->owner = NULL;
    p->slot = -1;
    pin_send(s, p->conn, r, pin_unwatch_wire, sizeof(pin_unwatch_wire) - 1);
}

/* The first slot of w's table that serves, for a transaction without
 * keys; -1 if none. */
static int pin_any_slot(const struct slotmap *map)
{
    for (unsigned i = 0; i < SLOT_COUNT; i++) {
        const struct slotmap_slot *e = &map->slots[i];
        if (e->backend != SLOTMAP_NONE && !e->locked &&
            e->migrate_from == SLOTMAP_NONE) {
            return (int)i;
        }
    }
    return -1;
}

/* True when the watch of 'p' still holds in w's table: same owner, not
 * moving, same connection. */
static bool pin_watch_holds(struct worker *w, struct pin *p)
{
    const struct slotmap_slot *e = &w->map->slots[p->slot];
    return p->conn != NULL && p->conn->state != BACKEND_DOWN &&
           p->conn->connects == p->epoch && e->backend != SLOTMAP_NONE &&
           !e->locked && e->migrate_from == SLOTMAP_NONE &&
           strcmp(w->map->addrs[e->backend], p->owner) == 0;
}

void pin_exec(struct session *s, struct request *r, const char *buf,
              const struct resp_arg *argv, int argc)
{
    struct worker *w = s->worker;
    struct pin *p = s->pin;
    if (p == NULL || !p->multi) {
        request_fail(r, "EXEC without MULTI");
        return;
    }
    if (p->dirty) {
        pin_end_multi(p);
        pin_end_watch(s);
        request_fail(r, "EXECABORT Transaction discarded because of previous "
                     "errors.");
        return;
    }
    struct backend *b;
    if (p->watching) {
        if (!pin_watch_holds(w, p)) {
            /* the slot moved or the connection was redialed: what was
             * watched cannot be vouched for, so the watch fails */
            log_debug("client %llu: EXEC aborted, slot %d changed since "
                      "WATCH", (unsigned long long)s->id, p->slot);
            pin_end_multi(p);
            pin_drop_conn(p);
            mem_free(p->owner);
            p->owner = NULL;
            p->slot = -1;
            request_reply(r, "*-1\r\n", 5);
            return;
        }
        b = p->conn;
    } else if (p->nqueued == 0) {
        pin_end_multi(p);
        request_reply(r, "*0\r\n", 4);
        return;
    } else {
        int slot = p->slot >= 0 ? p->slot : pin_any_slot(w->map);
        if (slot < 0) {
            pin_end_multi(p);
            request_fail(r, "EXECABORT Transaction discarded because no slot "
                         "is ready");
            return;
        }
        const struct slotmap_slot *e = &w->map->slots[slot];
        if (e->backend == SLOTMAP_NONE || e->locked ||
            e->migrate_from != SLOTMAP_NONE) {
            pin_end_multi(p);
            request_fail(r, "EXECABORT Transaction discarded because slot %d "
                         "is %s, try again", slot,
                         e->backend == SLOTMAP_NONE ? "offline"
                                                    : "migrating");
            return;
        }
        b = worker_route(w, e->backend);
    }
    /* one block of bytes: MULTI and the queued commands ride on the first
     * dropped request, one dropped request per queued reply */
    pbuf_clear(&w->cmdbuf, 1 << 20);
    pbuf_append(&w->cmdbuf, pin_multi_wire, sizeof(pin_multi_wire) - 1);
    pbuf_append(&w->cmdbuf, pbuf_head(&p->queued), pbuf_size(&p->queued));
    pin_send_dropped(s, b, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf));
    for (size_t i = 0; i < p->nqueued; i++) {
        pin_send_dropped(s, b, "", 0);
    }
    pin_send(s, b, r, pin_exec_wire, sizeof(pin_exec_wire) - 1);
    /* EXEC ends the watch on the server */
    p->watching = false;
    mem_free(p->owner);
    p->owner = NULL;
    p->slot = -1;
    pin_end_multi(p);
}

/* The master 'r' of 's' goes to for 'slot': NULL (after failing 'r')
 * for a slot other than the watched one, or one without a master. */
static const char *pin_target(struct session *s, struct request *r, int slot)
{
    struct pin *p = pin_get(s);
    if (p->watching && slot != p->slot) {
        request_fail(r, pin_crossslot);
        return NULL;
    }
    return pin_owner(r, (unsigned)slot);
}

/* pin_conn, failing 'r' when the private connection is still busy on
 * another server. */
static struct backend *pin_conn_for(struct session *s, struct request *r,
                                    const char *owner)
{
    struct backend *b = pin_conn(s, owner);
    if (b == NULL) {
        request_fail(r, "handle request, a blocking command of this client "
                     "is still waiting on another server");
    }
    return b;
}

/* WATCH outside a transaction: pin the slot's master and send it there. */
static void pin_watch(struct session *s, struct request *r, const char *buf,
                      const struct resp_request *req, const char *wire,
                      size_t n)
{
    if (!cmdspec_arity_ok(r->cmd, req->argc)) {
        request_fail(r, "wrong number of arguments for 'watch' command");
        return;
    }
    int slot = pin_slot(r, buf, req);
    if (slot < 0) {
        return;
    }
    const char *owner = pin_target(s, r, slot);
    if (owner == NULL) {
        return;
    }
    struct pin *p = s->pin;
    if (p->watching) {
        pin_send(s, p->conn, r, wire, n);
        return;
    }
    struct backend *b = pin_conn_for(s, r, owner);
    if (b == NULL) {
        return;
    }
    /* the connection WATCH will run on: this one if it is up or dialing,
     * else the next dial (WATCH may be held, or dial it) */
    p->epoch = b->connects + (b->state == BACKEND_READY ||
                              b->state == BACKEND_CONNECTING ? 0 : 1);
    pin_send(s, b, r, wire, n);
    p->watching = true;
    p->slot = slot;
    mem_free(p->owner);
    p->owner = mem_strdup(owner);
}

/* True when 'r' blocks: a blocking command, or XREAD / XREADGROUP with a
 * BLOCK option before STREAMS. */
static bool pin_blocks(const struct cmdspec *cmd, const char *buf,
                       const struct resp_request *req)
{
    if (!(cmd->flags & CMDSPEC_BLOCKING)) {
        return false;
    }
    if (cmd->find != CMDSPEC_FIND_STREAMS) {
        return true;
    }
    for (int i = 1; i < req->argc; i++) {
        const struct resp_arg *a = &req->argv[i];
        if (a->len == 7 && strncasecmp(buf + a->off, "streams", 7) == 0) {
            return false;
        }
        if (a->len == 5 && strncasecmp(buf + a->off, "block", 5) == 0) {
            return true;
        }
    }
    return false;
}

/* A blocking command: send it on the private connection to its slot's
 * master. */
static void pin_block(struct session *s, struct request *r, const char *buf,
                      const struct resp_request *req, const char *wire,
                      size_t n)
{
    if (!cmdspec_arity_ok(r->cmd, req->argc)) {
        request_fail(r, "wrong number of arguments for '%s' command",
                     r->cmd->name);
        return;
    }
    int slot = pin_slot(r, buf, req);
    if (slot == -2) {
        return;
    }
    if (slot < 0) {
        slot = 0;
    }
    const char *owner = pin_target(s, r, slot);
    if (owner == NULL) {
        return;
    }
    struct backend *b = pin_conn_for(s, r, owner);
    if (b == NULL) {
        return;
    }
    pin_send(s, b, r, wire, n);
}

bool pin_route(struct session *s, struct request *r, const char *buf,
               const struct resp_request *req, const char *wire, size_t n)
{
    struct pin *p = s->pin;
    const struct cmdspec *cmd = r->cmd;
    if (p == NULL && !(cmd->flags & CMDSPEC_BLOCKING) &&
        (cmd->group == NULL || cmd->group[0] != 't')) {
        return false; /* the common case: nothing to look at */
    }
    cmdtable_local_fn local = cmdtable_local(cmd);
    if (p != NULL && p->multi) {
        if (local == pin_exec || local == pin_discard ||
            local == localcmd_quit || local == localcmd_reset) {
            return false;
        }
        if (local == pin_multi) {
            request_fail(r, "MULTI calls can not be nested");
            return true;
        }
        if (strcmp(cmd->name, "watch") == 0) {
            request_fail(r, "WATCH inside MULTI is not allowed");
            return true;
        }
        pin_queue(s, r, buf, req, wire, n);
        return true;
    }
    if (cmd->route == CMDSPEC_ROUTE_SLOT && strcmp(cmd->name, "watch") == 0) {
        pin_watch(s, r, buf, req, wire, n);
        return true;
    }
    if (pin_blocks(cmd, buf, req)) {
        pin_block(s, r, buf, req, wire, n);
        return true;
    }
    if (p == NULL || p->conn == NULL) {
        return false;
    }
    if (p->watching) {
        if (cmd->route == CMDSPEC_ROUTE_REFUSED ||
            cmd->route == CMDSPEC_ROUTE_LOCAL || !cmdspec_has_keys(cmd) ||
            !cmdspec_arity_ok(cmd, req->argc)) {
            return false;
        }
        int *keys = worker_keys(s->worker, (size_t)req->argc);
        int nkeys = cmdtable_keys(cmd, buf, req->argv, req->argc, keys);
        if (nkeys <= 0) {
            return false;
        }
        for (int i = 0; i < nkeys; i++) {
            const struct resp_arg *k = &req->argv[keys[i]];
            if ((int)slot_of_key(buf + k->off, k->len) != p->slot) {
                return false;
            }
        }
        pin_send(s, p->conn, r, wire, n);
        return true;
    }
    if (p->conn->ninflight == 0 && TAILQ_EMPTY(&p->held)) {
        /* the session went on to other commands: give the server its
         * connection back */
        pin_drop_conn(p);
    }
    return false;
}
