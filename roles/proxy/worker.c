/* Worker threads, connection hand-off, the per-turn flush and slot table
 * publication; see worker.h. */
#include "roles/proxy/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "roles/proxy/backend.h"
#include "roles/proxy/replica.h"
#include "roles/proxy/router.h"
#include "roles/proxy/proxysub.h"
#include "roles/proxy/slotmap.h"

/* A message on a worker's notify pipe (8 bytes: written atomically). */
struct worker_msg {
    int type; /* WORKER_MSG_* */
    int fd;   /* WORKER_MSG_CONN: the accepted socket */
};

enum {
    WORKER_MSG_CONN = 1,  /* a new client */
    WORKER_MSG_TABLE = 2, /* a new slot table is published */
    WORKER_MSG_STOP = 3,
};

static struct worker **worker_list;
static int worker_n;
static unsigned worker_next;
static _Atomic(struct slotmap *) worker_table;
static uint64_t worker_version;

/* Tables replaced but maybe still held by a worker (main thread only). */
static struct slotmap **worker_retired;
static size_t worker_nretired;

uint64_t worker_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t worker_now_ms(struct worker *w)
{
    struct timeval tv;
    if (event_base_gettimeofday_cached(w->base, &tv) != 0) {
        gettimeofday(&tv, NULL);
    }
    return (uint64_t)tv.tv_sec * 1000u + (uint64_t)tv.tv_usec / 1000u;
}

int *worker_keys(struct worker *w, size_t n)
{
    if (n > w->keys_cap) {
        w->keys_cap = n < 64 ? 64 : n;
        w->keys = mem_realloc(w->keys, w->keys_cap * sizeof(int));
    }
    return w->keys;
}

void worker_mark_session(struct session *s)
{
    if (!s->dirty && !s->closed) {
        s->dirty = true;
        s->dirty_next = s->worker->dirty_sessions;
        s->worker->dirty_sessions = s;
    }
}

void worker_mark_backend(struct backend *b)
{
    if (!b->dirty) {
        b->dirty = true;
        b->dirty_next = b->worker->dirty_backends;
        b->worker->dirty_backends = b;
    }
}

/* Switch 'w' to the published table, making backends for new addresses,
 * closing the idle ones no slot uses any more (the tick closes the others
 * once their requests are answered), and route the requests that waited
 * for it. */
static void worker_adopt(struct worker *w)
{
    struct slotmap *map = atomic_load(&worker_table);
    if (map == NULL || map == w->map) {
        return;
    }
    w->route = mem_realloc(w->route,
                           (map->naddrs ? map->naddrs : 1) * sizeof(*w->route));
    for (struct backend *b = w->backends; b != NULL; b = b->next) {
        b->used = false;
        b->replica = false;
    }
    for (size_t i = 0; i < map->naddrs; i++) {
        struct backend *b = w->backends;
        while (b != NULL && strcmp(b->addr, map->addrs[i]) != 0) {
            b = b->next;
        }
        if (b == NULL) {
            b = backend_new(w, map->addrs[i]);
            b->next = w->backends;
            w->backends = b;
        }
        w->route[i] = b;
    }
    for (unsigned s = 0; s < SLOT_COUNT; s++) {
        const struct slotmap_slot *e = &map->slots[s];
        if (e->backend != SLOTMAP_NONE) {
            w->route[e->backend]->used = true;
        }
        if (e->migrate_from != SLOTMAP_NONE) {
            w->route[e->migrate_from]->used = true;
        }
        for (unsigned k = 0; k < e->nreplicas; k++) {
            w->route[e->replicas[k]]->replica = true;
        }
    }
    for (struct backend *b = w->backends; b != NULL; b = b->next) {
        if (!b->used && !b->replica) {
            backend_close_unused(b);
        }
    }
    w->nroute = map->naddrs;
    w->map = map;
    w->sent_old += w->sent_cur;
    w->sent_cur = 0;
    if (w->sent_old == 0) {
        atomic_store(&w->drained_version, map->version);
    }
    atomic_store(&w->seen_version, map->version);
    proxysub_adopt(w);
    router_retry_waiting(w);
}

/* Write everything that turn produced, free what closed. */
static void worker_flush(struct worker *w)
{
    while (w->dirty_sessions != NULL || w->dirty_backends != NULL) {
        while (w->dirty_sessions != NULL) {
            struct session *s = w->dirty_sessions;
            w->dirty_sessions = s->dirty_next;
            s->dirty = false;
            session_flush(s);
        }
        while (w->dirty_backends != NULL) {
            struct backend *b = w->dirty_backends;
            w->dirty_backends = b->dirty_next;
            b->dirty = false;
            backend_flush(b);
        }
    }
    while (w->dead_sessions != NULL) {
        struct session *s = w->dead_sessions;
        w->dead_sessions = s->dead_next;
        session_free(s);
    }
}

/* Before sleeping: flush the turn, forget its clock reading, stop if
 * told to without a message (the tick makes a turn every second). */
static void worker_on_turn_end(void *arg)
{
    struct worker *w = arg;
    worker_flush(w);
    w->turn_us = 0;
    if (atomic_load(&w->stop)) {
        loop_stop(w->loop);
    }
}

static void worker_on_notify(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    struct worker_msg msgs[64];
    ssize_t n = read(fd, msgs, sizeof(msgs));
    if (n <= 0) {
        return;
    }
    for (size_t i = 0; i < (size_t)n / sizeof(msgs[0]); i++) {
        switch (msgs[i].type) {
        case WORKER_MSG_CONN:
            session_start(w, msgs[i].fd);
            break;
        case WORKER_MSG_TABLE:
            worker_adopt(w);
            break;
        case WORKER_MSG_STOP:
            loop_stop(w->loop);
            break;
        }
    }
}

static void worker_on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    uint64_t now = worker_now_ms(w);
    if (w->trim) {
        /* closed clients' buffers sit in free lists of the allocator's
         * arenas; hand them back so RSS falls after a burst of clients
         * (through lib/mem: glibc's malloc_trim on jemalloc's process
         * walks glibc's never-used arenas, and two workers doing it at
         * once crashed the proxy) */
        w->trim = false;
        mem_purge();
    }
    replica_tick(w);
    for (struct backend *b = w->backends; b != NULL; b = b->next) {
        if (b->used || b->replica) {
            backend_tick(b, now);
        } else {
            backend_close_unused(b);
        }
    }
    uint64_t timeout = w->cfg->session_timeout_ms;
    if (timeout > 0) {
        struct session *s = TAILQ_FIRST(&w->sessions);
        while (s != NULL) {
            struct session *next = TAILQ_NEXT(s, link);
            /* a subscriber waits for messages: never idle (Redis) */
            if (s->nrequests == 0 && s->nsub + s->npsub == 0 &&
                now - s->last_active_ms > timeout) {
                log_debug("closing a client idle for %llu s",
                          (unsigned long long)(timeout / 1000));
                session_close(s);
            }
            s = next;
        }
    }
}

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    worker_adopt(w);
    if (loop_run(w->loop) < 0) {
        log_error("worker %d: event loop failed", w->id);
    }
    /* teardown, in reverse order of creation */
    struct session *s;
    while ((s = TAILQ_FIRST(&w->sessions)) != NULL) {
        session_close(s);
    }
    router_drop_waiting(w);
    for (struct backend *b = w->backends; b != NULL; b = b->next) {
        backend_stop(b);
    }
    while (w->backends != NULL) {
        struct backend *b = w->backends;
        w->backends = b->next;
        backend_free(b);
    }
    w->dirty_backends = NULL;
    w->dirty_sessions = NULL;
    worker_flush(w);
    return NULL;
}

/* Free what worker_new made. */
static void worker_free(struct worker *w)
{
    if (w == NULL) {
        return;
    }
    request_pool_release(&w->requests);
    if (w->tick != NULL) {
        event_free(w->tick);
    }
    if (w->notify_ev != NULL) {
        event_free(w->notify_ev);
    }
    loop_free(w->loop);
    if (w->notify_rd >= 0) {
        close(w->notify_rd);
    }
    if (w->notify_wr >= 0) {
        close(w->notify_wr);
    }
    if (w->scratch != NULL) {
        evbuffer_free(w->scratch);
    }
    pbuf_release(&w->cmdbuf);
    pbuf_release(&w->merge);
    resp_request_release(&w->reparse);
    mem_free(w->keys);
    mem_free(w->route);
    stats_release(&w->stats);
    mem_free(w);
}

static struct worker *worker_new(const struct worker_config *cfg, int id,
                                 char *err, size_t errlen)
{
    struct worker *w = mem_calloc(1, sizeof(*w));
    w->id = id;
    w->cfg = cfg;
    w->notify_rd = w->notify_wr = -1;
    TAILQ_INIT(&w->sessions);
    TAILQ_INIT(&w->waiting);
    resp_request_init(&w->reparse);
    stats_init(&w->stats);
    atomic_init(&w->stop, false);
    atomic_init(&w->seen_version, 0);
    atomic_init(&w->drained_version, 0);
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
        worker_free(w);
        return NULL;
    }
    w->notify_rd = fds[0];
    w->notify_wr = fds[1];
    w->loop = loop_new(0, err, errlen);
    if (w->loop == NULL) {
        worker_free(w);
        return NULL;
    }
    w->base = loop_base(w->loop);
    loop_before_sleep(w->loop, worker_on_turn_end, w);
    w->scratch = evbuffer_new();
    if (w->scratch == NULL) {
        snprintf(err, errlen, "cannot make a buffer");
        worker_free(w);
        return NULL;
    }
    w->requests.worker = w;
    w->requests.scratch = w->scratch;
    w->notify_ev = event_new(w->base, w->notify_rd, EV_READ | EV_PERSIST,
                             worker_on_notify, w);
    w->tick = event_new(w->base, -1, EV_PERSIST, worker_on_tick, w);
    struct timeval second = { 1, 0 };
    if (w->notify_ev == NULL || w->tick == NULL ||
        event_add(w->notify_ev, NULL) != 0 ||
        event_add(w->tick, &second) != 0) {
        snprintf(err, errlen, "cannot set up worker events");
        worker_free(w);
        return NULL;
    }
    return w;
}

/* Send 'msg' to 'w'. Returns 0 or -1. */
static int worker_send(struct worker *w, const struct worker_msg *msg)
{
    for (;;) {
        ssize_t n = write(w->notify_wr, msg, sizeof(*msg));
        if (n == (ssize_t)sizeof(*msg)) {
            return 0;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return -1;
    }
}

int worker_start_all(const struct worker_config *cfg, int n, char *err,
                     size_t errlen)
{
    worker_list = mem_calloc((size_t)n, sizeof(*worker_list));
    for (int i = 0; i < n; i++) {
        worker_list[i] = worker_new(cfg, i, err, errlen);
        if (worker_list[i] == NULL) {
            for (int k = 0; k < i; k++) {
                worker_free(worker_list[k]);
            }
            mem_free(worker_list);
            worker_list = NULL;
            return -1;
        }
    }
    for (int i = 0; i < n; i++) {
        int rc = pthread_create(&worker_list[i]->thread, NULL, worker_run,
                                worker_list[i]);
        if (rc != 0) {
            snprintf(err, errlen, "cannot start a worker thread: %s",
                     strerror(rc));
            worker_n = i;
            worker_stop_all();
            return -1;
        }
        worker_n = i + 1;
    }
    return 0;
}

void worker_stop_all(void)
{
    struct worker_msg stop = { WORKER_MSG_STOP, -1 };
    for (int i = 0; i < worker_n; i++) {
        if (worker_send(worker_list[i], &stop) != 0) {
            atomic_store(&worker_list[i]->stop, true);
        }
    }
    for (int i = 0; i < worker_n; i++) {
        pthread_join(worker_list[i]->thread, NULL);
        worker_free(worker_list[i]);
    }
    mem_free(worker_list);
    worker_list = NULL;
    worker_n = 0;
    for (size_t i = 0; i < worker_nretired; i++) {
        slotmap_free(worker_retired[i]);
    }
    mem_free(worker_retired);
    worker_retired = NULL;
    worker_nretired = 0;
    slotmap_free(atomic_exchange(&worker_table, NULL));
}

void worker_dispatch(int fd)
{
    if (worker_n == 0) {
        close(fd);
        return;
    }
    struct worker *w = worker_list[worker_next++ % (unsigned)worker_n];
    struct worker_msg msg = { WORKER_MSG_CONN, fd };
    if (worker_send(w, &msg) != 0) {
        log_warn("cannot hand a client to worker %d: %s", w->id,
                 strerror(errno));
        close(fd);
    }
}

void worker_publish(struct slotmap *map)
{
    map->version = ++worker_version;
    struct slotmap *old = atomic_exchange(&worker_table, map);
    if (old != NULL) {
        worker_retired = mem_realloc(worker_retired, (worker_nretired + 1) *
                                     sizeof(*worker_retired));
        worker_retired[worker_nretired++] = old;
    }
    struct worker_msg msg = { WORKER_MSG_TABLE, -1 };
    for (int i = 0; i < worker_n; i++) {
        if (worker_send(worker_list[i], &msg) != 0) {
            log_error("cannot notify worker %d of a new slot table: %s",
                      worker_list[i]->id, strerror(errno));
        }
    }
}

const struct slotmap *worker_current(void)
{
    return atomic_load(&worker_table);
}

void worker_reap(void)
{
    size_t kept = 0;
    for (size_t i = 0; i < worker_nretired; i++) {
        struct slotmap *m = worker_retired[i];
        bool held = false;
        for (int k = 0; k < worker_n && !held; k++) {
            held = atomic_load(&worker_list[k]->seen_version) <= m->version;
        }
        if (held) {
            worker_retired[kept++] = m;
        } else {
            slotmap_free(m);
        }
    }
    worker_nretired = kept;
}

bool worker_all_adopted(void)
{
    struct slotmap *cur = atomic_load(&worker_table);
    for (int k = 0; k < worker_n; k++) {
        if (cur == NULL ||
            atomic_load(&worker_list[k]->seen_version) != cur->version) {
            return false;
        }
    }
    return true;
}

bool worker_all_drained(uint64_t version)
{
    for (int k = 0; k < worker_n; k++) {
        if (atomic_load(&worker_list[k]->drained_version) < version) {
            return false;
        }
    }
    return true;
}

void worker_sent(struct worker *w, struct request *r)
{
    r->counted = true;
    r->table_version = w->map != NULL ? w->map->version : 0;
    w->sent_cur++;
}

void worker_sent_done(struct worker *w, struct request *r)
{
    if (!r->counted) {
        return;
    }
    r->counted = false;
    if (w->map != NULL && r->table_version == w->map->version) {
        w->sent_cur--;
    } else if (--w->sent_old == 0 && w->map != NULL) {
        atomic_store(&w->drained_version, w->map->version);
    }
}

struct worker **worker_all(int *count)
{
    *count = worker_n;
    return worker_list;
}
