/* Proxy metrics. Each metric is one line of STATS_METRICS (id, name,
 * kind, help); the list expands into the counter enum here and into the
 * /debug/vars and /metrics output (proxyhttp.c). Per-command calls, time
 * and errors are kept beside them.
 *
 * Every worker thread owns one struct stats and is its only writer, so
 * counting needs no lock and no atomic read-modify-write: values are
 * relaxed atomics so that the HTTP thread may read them at any time. */
#ifndef CODIS_STATS_H
#define CODIS_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* id, name (JSON and Prometheus suffix), kind, help */
#define STATS_METRICS(X)                                                    \
    X(OPS, ops, counter, "client requests answered")                        \
    X(ERRORS, errors, counter, "error replies sent to clients")            \
    X(SESSIONS_TOTAL, sessions_total, counter,                              \
      "client connections accepted")                                        \
    X(SESSIONS_ALIVE, sessions_alive, gauge, "client connections open")    \
    X(BACKEND_FAILURES, backend_failures, counter,                          \
      "backend connections lost or refused")                                \
    X(SLOTSMGRT, slotsmgrt, counter,                                        \
      "keys moved to their new owner on request (SLOTSMGRTTAGONE)")

/* The metric ids. */
enum stats_id {
#define STATS_ENUM(id, name, kind, help) STATS_##id,
    STATS_METRICS(STATS_ENUM)
#undef STATS_ENUM
    STATS_COUNT
};

/* Description of a metric, for the exporters. */
struct stats_desc {
    const char *name;
    const char *kind; /* "counter" or "gauge" */
    const char *help;
};

/* Descriptions, indexed by enum stats_id. */
extern const struct stats_desc stats_descs[STATS_COUNT];

/* Calls of one command. */
struct stats_cmd {
    _Atomic uint64_t calls;
    _Atomic uint64_t usecs;  /* total time from request to reply */
    _Atomic uint64_t errors; /* error replies */
};

/* One worker's metrics. */
struct stats {
    _Atomic uint64_t values[STATS_COUNT];
    struct stats_cmd *cmds; /* cmdtable_count() entries, owned */
};

/* Set up / free 'st'. */
void stats_init(struct stats *st);
void stats_release(struct stats *st);

/* Add 'n' to metric 'id' (only from the owning thread). */
static inline void stats_add(struct stats *st, enum stats_id id, int64_t n)
{
    uint64_t v = atomic_load_explicit(&st->values[id], memory_order_relaxed);
    atomic_store_explicit(&st->values[id], v + (uint64_t)n,
                          memory_order_relaxed);
}

/* Count one call of command 'cmd' (a cmdtable index) that took 'usecs'
 * and ended in an error reply if 'error' (only from the owning thread). */
void stats_record(struct stats *st, size_t cmd, uint64_t usecs, int error);

/* Read metric 'id' (any thread). */
static inline uint64_t stats_get(struct stats *st, enum stats_id id)
{
    return atomic_load_explicit(&st->values[id], memory_order_relaxed);
}

#endif
