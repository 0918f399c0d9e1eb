/* Worker threads: --cpu=N of them, each with its own libevent base, its
 * own client sessions and its own backend connections, so the hot path
 * takes no lock. The main thread accepts connections and hands each to a
 * worker in turn through the worker's notify pipe; the same pipe carries
 * "a new slot table is published" and "stop".
 *
 * Each loop turn a worker runs the ready events (reads parse requests and
 * queue them on backends, backend replies queue on sessions), then writes
 * every connection that has output: one write per connection per turn,
 * however many requests it carries.
 *
 * Slot tables: worker_publish() swaps the global pointer and notifies the
 * workers; each worker adopts the new table and records its version. A
 * replaced table is freed (worker_reap) once every worker has moved past
 * it. Each worker also counts the requests it sent to backends under the
 * tables before its current one; when none is left it records the
 * current version as drained (worker_all_drained), so the coordinator
 * side acknowledges a change only once no request routed by the old
 * table is still in flight (Codis 2's slot lock waits for the same).
 *
 * A backend connection whose address no slot of the current table owns
 * or migrates from is closed once nothing is pending on it: at adoption
 * if it is idle, else at the next tick. The hot path does not check. */
#ifndef CODIS_WORKER_H
#define CODIS_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "lib/resp.h"
#include "roles/proxy/pbuf.h"
#include "roles/proxy/request.h"
#include "roles/proxy/session.h"
#include "roles/proxy/stats.h"

struct event_base;
struct loop;
struct event;
struct evbuffer;
struct slotmap;
struct backend;

/* Settings shared by all workers; read-only once workers start. */
struct worker_config {
    char *session_auth;           /* clients' AUTH password, or NULL */
    char *product_auth;           /* AUTH sent to backends, or NULL */
    uint64_t ping_period_ms;      /* backend PING period, 0 = none */
    uint64_t session_timeout_ms;  /* idle client close, 0 = none */
    size_t session_max_bufsize;   /* reply bytes buffered before a
                                     session stops reading */
    size_t session_max_request;   /* largest request */
    size_t session_max_reply;     /* reply bytes held for one client
                                     beyond which it is closed, 0: none */
    int backend_databases;        /* SELECT accepts 0 .. this - 1 */
    bool replica_reads;           /* read-only commands may go to a
                                     healthy slave (replica.h) */
    uint64_t replica_max_lag_s;   /* a slave lagging more is not used */
    bool allow_flush;             /* FLUSHDB / FLUSHALL to every master */
    char *admin_auth;             /* password of the admin user (CONFIG
                                     SET / RESETSTAT), or NULL: none */
    size_t session_max_pipeline;  /* requests in flight per client */
    char *proxy_id;               /* for INFO */
    char *addr;                   /* listen address, for INFO */
    int nworkers;
    uint64_t start_ms;            /* wall clock at start */
};

/* One worker thread: what the thread itself owns. A request's own state
 * (its session, db, arrival time, id, what completes it) is on the
 * request (request.h); hops come here only for the thread's services
 * below. */
struct worker {
    /* the thread and its event loop */
    int id;
    pthread_t thread;
    const struct worker_config *cfg;
    struct loop *loop;                /* lib/loop: base, flush hook */
    struct event_base *base;          /* loop_base(loop) */
    int notify_rd;                    /* main thread writes, we read */
    int notify_wr;
    struct event *notify_ev;
    struct event *tick;               /* once a second */
    atomic_bool stop;                 /* set by the main thread when the
                                         notify pipe fails */
    uint64_t turn_us;                 /* worker_turn_usec, 0: not read */

    /* routing: the adopted slot table and this thread's connections */
    const struct slotmap *map;        /* adopted table (borrowed) */
    _Atomic uint64_t seen_version;    /* version of 'map' */
    _Atomic uint64_t drained_version; /* no request of an older table is
                                         in flight */
    size_t sent_cur;                  /* in flight, sent under 'map' */
    size_t sent_old;                  /* in flight, sent under older ones */
    struct backend **route;           /* map->addrs index -> backend */
    size_t nroute;
    struct backend *backends;         /* every backend connection */
    TAILQ_HEAD(, request) waiting;    /* on locked slots (router.c) */
    bool replica_wanted;              /* replica reads are on or a
                                         session said READONLY: poll
                                         the masters (replica.c) */

    /* clients, and what to write or free after the turn */
    TAILQ_HEAD(, session) sessions;
    size_t nsessions;
    struct session *dirty_sessions;
    struct backend *dirty_backends;
    struct session *dead_sessions;    /* closed, freed after the turn */
    bool trim;                        /* sessions were freed: give
                                         memory back at the next tick */

    /* per-thread pool and scratch space, valid within one call */
    struct request_pool requests;     /* free requests (request.h) */
    uint64_t req_seq;                 /* request ids handed out */
    struct evbuffer *scratch;         /* local replies are built here */
    struct pbuf cmdbuf;               /* sub-requests are encoded here */
    struct pbuf merge;                /* merged replies are built here */
    struct resp_request reparse;      /* saved requests are parsed here */
    int *keys;                        /* key indices of one request */
    size_t keys_cap;

    struct stats stats;
};

/* Start 'n' workers with settings 'cfg'. Returns 0, or -1 with 'err'
 * filled. */
int worker_start_all(const struct worker_config *cfg, int n, char *err,
                     size_t errlen);

/* Stop and join every worker, freeing them and the published tables. */
void worker_stop_all(void);

/* Hand the accepted socket 'fd' to the next worker (round robin). */
void worker_dispatch(int fd);

/* Publish 'map' (taking it) as the slot table; its version is set to one
 * more than the last one. Workers switch to it on their next turn. */
void worker_publish(struct slotmap *map);

/* The current table (borrowed: valid until the next worker_publish on
 * this thread; only for the publishing thread). */
const struct slotmap *worker_current(void);

/* Free replaced tables that no worker holds any more (main thread). */
void worker_reap(void);

/* True when every worker runs the current table. */
bool worker_all_adopted(void);

/* True when every worker runs table 'version' or newer and has no request
 * in flight that an older table routed. */
bool worker_all_drained(uint64_t version);

/* Count 'r' as sent to a backend under w's current table. */
void worker_sent(struct worker *w, struct request *r);

/* 'r' left its backend's queue (answered or failed). */
void worker_sent_done(struct worker *w, struct request *r);

/* The workers (for stats); 'count' gets how many. */
struct worker **worker_all(int *count);

/* Put 's' / 'b' on the flush list of its worker. */
void worker_mark_session(struct session *s);
void worker_mark_backend(struct backend *b);

/* The backend for slot table address 'idx' in 'w'. */
static inline struct backend *worker_route(struct worker *w, int32_t idx)
{
    return w->route[idx];
}

/* Room for 'n' key indices in w->keys. */
int *worker_keys(struct worker *w, size_t n);

/* Wall clock in milliseconds, cached per loop turn. */
uint64_t worker_now_ms(struct worker *w);

/* Monotonic clock in microseconds. */
uint64_t worker_usec(void);

/* The monotonic clock in microseconds, read once per loop turn (at the
 * first call after the turn's events arrived) and reused for the rest of
 * it: command timings are exact to a turn, without a clock read per
 * request. */
static inline uint64_t worker_turn_usec(struct worker *w)
{
    if (w->turn_us == 0) {
        w->turn_us = worker_usec();
    }
    return w->turn_us;
}

#endif
