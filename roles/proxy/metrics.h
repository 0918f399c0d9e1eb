/* Per-backend counters and per-command-class latency histograms for the
 * proxy's /metrics (Prometheus text format; proxyhttp.c asks
 * metrics_write for its part).
 *
 * Backends: one struct metrics_backend per address, shared by every
 * worker's connection (and sessions' private connections) to it: requests
 * sent, error replies and failed requests, dials, requests in flight.
 * Entries are made under a lock when a backend is made and never freed
 * before exit; the counters are atomics, so the HTTP thread reads them
 * while workers count.
 *
 * Latency: from a request's arrival to its reply, by command class (the
 * command's group in lib/cmdspec: string, list, hash, ...), counted per
 * worker (each worker is the only writer of its own cells) in fixed
 * buckets from 100 us to 5 s; /metrics sums the workers. */
#ifndef CODIS_METRICS_H
#define CODIS_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct cmdspec;
struct evbuffer;

/* Counters of one backend address. */
struct metrics_backend {
    struct metrics_backend *next;
    char *addr;                     /* owned */
    _Atomic uint64_t requests;      /* sent, ours (PING, SELECT) too */
    _Atomic uint64_t errors;        /* error replies, failed requests */
    _Atomic uint64_t connects;      /* dials, the first one included */
    _Atomic int64_t inflight;       /* sent and not yet answered */
};

/* Make the histograms for 'nworkers' workers (before they start).
 * Returns 0. */
int metrics_init(int nworkers);

/* Free everything (after the workers stopped). */
void metrics_release(void);

/* The counters of 'addr', made on first use; never NULL, valid until
 * metrics_release. */
struct metrics_backend *metrics_backend_get(const char *addr);

static inline void metrics_backend_sent(struct metrics_backend *m)
{
    atomic_fetch_add_explicit(&m->requests, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->inflight, 1, memory_order_relaxed);
}

/* A request sent to 'm' is over: answered, or failed ('error' also for
 * an error reply). */
static inline void metrics_backend_done(struct metrics_backend *m,
                                        bool error)
{
    atomic_fetch_sub_explicit(&m->inflight, 1, memory_order_relaxed);
    if (error) {
        atomic_fetch_add_explicit(&m->errors, 1, memory_order_relaxed);
    }
}

static inline void metrics_backend_connect(struct metrics_backend *m)
{
    atomic_fetch_add_explicit(&m->connects, 1, memory_order_relaxed);
}

/* Count one request of 'cmd' answered after 'usecs' in worker 'worker'
 * (only from that worker's thread). */
void metrics_observe(int worker, const struct cmdspec *cmd, uint64_t usecs);

/* Append the backend counters and the histograms to 'out'. */
void metrics_write(struct evbuffer *out);

#endif
