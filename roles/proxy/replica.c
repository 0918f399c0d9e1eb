/* Reads from slaves, and the slaves' health; see replica.h. */
#include "roles/proxy/replica.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdspec.h"
#include "roles/proxy/backend.h"
#include "roles/proxy/pin.h"
#include "roles/proxy/request.h"
#include "roles/proxy/session.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

/* A slave's state is trusted for this long after its master said it. */
#define REPLICA_FRESH_MS 3000
/* Masters are asked at most this often. */
#define REPLICA_POLL_MS 900

static const char replica_info_wire[] =
    "*2\r\n$4\r\nINFO\r\n$11\r\nreplication\r\n";

/* True when slave 'b' may serve reads now: its master vouched for it
 * lately, and the proxy's connection to it is up, or not yet dialed and
 * never failed (a redial after a failure waits until it succeeds). */
static bool replica_healthy(struct worker *w, const struct backend *b)
{
    return b->replica_ok &&
           worker_now_ms(w) - b->replica_seen_ms <= REPLICA_FRESH_MS &&
           (b->state == BACKEND_READY ||
            (b->state != BACKEND_DOWN && b->last_err[0] == '\0'));
}

bool replica_route(struct request *r, unsigned slot, const char *wire,
                   size_t n)
{
    struct worker *w = r->worker;
    if (!(r->cmd->flags & CMDSPEC_READONLY) || r->kind != REQUEST_CLIENT) {
        return false;
    }
    const struct session *s = r->session;
    if (!w->cfg->replica_reads &&
        (s == NULL || s->pin == NULL || !s->pin->readonly)) {
        return false;
    }
    const struct slotmap_slot *e = &w->map->slots[slot];
    if (e->nreplicas == 0 || e->locked ||
        e->migrate_from != SLOTMAP_NONE) {
        return false;
    }
    /* spread reads over the healthy slaves */
    unsigned first = (unsigned)(r->id % e->nreplicas);
    for (unsigned i = 0; i < e->nreplicas; i++) {
        struct backend *b =
            worker_route(w, e->replicas[(first + i) % e->nreplicas]);
        if (replica_healthy(w, b)) {
            backend_send(b, r, wire, n);
            return true;
        }
    }
    return false;
}

static void replica_on_info(struct request *m, const char *p, size_t n);

void replica_tick(struct worker *w)
{
    if (w->map == NULL || (!w->cfg->replica_reads && !w->replica_wanted)) {
        return;
    }
    uint64_t now = worker_now_ms(w);
    for (unsigned i = 0; i < SLOT_COUNT; i++) {
        const struct slotmap_slot *e = &w->map->slots[i];
        if (e->nreplicas == 0 || e->backend == SLOTMAP_NONE) {
            continue;
        }
        struct backend *m = worker_route(w, e->backend);
        if (now - m->replica_poll_ms < REPLICA_POLL_MS) {
            continue;
        }
        m->replica_poll_ms = now;
        struct request *q = request_get(&w->requests, REQUEST_REPLINFO,
                                        replica_on_info);
        backend_send(m, q, replica_info_wire, sizeof(replica_info_wire) - 1);
    }
}

/* The backend of 'w' for "host:port" 'addr', or NULL. */
static struct backend *replica_find(struct worker *w, const char *addr)
{
    for (struct backend *b = w->backends; b != NULL; b = b->next) {
        if (b->replica && strcmp(b->addr, addr) == 0) {
            return b;
        }
    }
    return NULL;
}

/* Copy the value of "name=" in the comma-separated 'line' ('len' bytes)
 * into 'out'; returns 0, or -1 if absent. */
static int replica_field(const char *line, size_t len, const char *name,
                         char *out, size_t outlen)
{
    size_t nl = strlen(name);
    const char *p = line, *end = line + len;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;
        if ((size_t)(stop - p) > nl && memcmp(p, name, nl) == 0 &&
            p[nl] == '=') {
            size_t vl = (size_t)(stop - p) - nl - 1;
            if (vl >= outlen) {
                return -1;
            }
            memcpy(out, p + nl + 1, vl);
            out[vl] = '\0';
            return 0;
        }
        p = stop + 1;
    }
    return -1;
}

/* The reply 'p' ('n' bytes) of an INFO replication request 'm': the
 * health of the master's slaves. */
static void replica_on_info(struct request *m, const char *p, size_t n)
{
    struct worker *w = m->worker;
    request_put(m);
    if (n == 0 || p[0] != '$') {
        return; /* an error, or the master is down: slaves keep their
                   last state until it is stale */
    }
    const char *body = memchr(p, '\n', n);
    if (body == NULL) {
        return;
    }
    body++;
    const char *end = p + n;
    uint64_t now = worker_now_ms(w);
    while (body < end) {
        const char *eol = memchr(body, '\n', (size_t)(end - body));
        size_t len = (size_t)((eol != NULL ? eol : end) - body);
        if (len > 0 && body[len - 1] == '\r') {
            len--;
        }
        /* slave<N>:ip=<ip>,port=<port>,state=online,offset=<o>,lag=<s> */
        const char *colon = memchr(body, ':', len);
        if (len > 5 && memcmp(body, "slave", 5) == 0 && colon != NULL &&
            body[5] >= '0' && body[5] <= '9') {
            const char *f = colon + 1;
            size_t fl = len - (size_t)(f - body);
            char ip[128], port[16], state[32], lag[32], addr[160];
            if (replica_field(f, fl, "ip", ip, sizeof(ip)) == 0 &&
                replica_field(f, fl, "port", port, sizeof(port)) == 0 &&
                replica_field(f, fl, "state", state, sizeof(state)) == 0) {
                snprintf(addr, sizeof(addr), strchr(ip, ':') ? "[%s]:%s"
                         : "%s:%s", ip, port);
                struct backend *b = replica_find(w, addr);
                if (b != NULL) {
                    long long lagv = -1;
                    if (replica_field(f, fl, "lag", lag, sizeof(lag)) == 0) {
                        lagv = atoll(lag);
                    }
                    b->replica_ok = strcmp(state, "online") == 0 &&
                                    lagv >= 0 &&
                                    (uint64_t)lagv <=
                                        w->cfg->replica_max_lag_s;
                    b->replica_seen_ms = now;
                }
            }
        }
        if (eol == NULL) {
            break;
        }
        body = eol + 1;
    }
}

void replica_readonly(struct session *s, struct request *r, const char *buf,
                      const struct resp_arg *argv, int argc)
{
    pin_get(s)->readonly = true;
    s->worker->replica_wanted = true;
    request_reply(r, "+OK\r\n", 5);
}

void replica_readwrite(struct session *s, struct request *r,
                       const char *buf, const struct resp_arg *argv,
                       int argc)
{
    if (s->pin != NULL) {
        s->pin->readonly = false;
    }
    request_reply(r, "+OK\r\n", 5);
}
