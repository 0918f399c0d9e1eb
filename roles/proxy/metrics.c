/* Backend counters and latency histograms; see metrics.h. */
#include "roles/proxy/metrics.h"

#include <pthread.h>
#include <string.h>

#include <event2/buffer.h>

#include "lib/mem.h"
#include "roles/proxy/cmdtable.h"

/* Upper bounds of the buckets, in microseconds (+Inf follows). */
static const uint64_t metrics_bounds[] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
    500000, 1000000, 2500000, 5000000,
};
#define METRICS_NBOUNDS (sizeof(metrics_bounds) / sizeof(metrics_bounds[0]))
/* Distinct command groups kept apart; more share the last class. */
#define METRICS_MAX_CLASSES 32

/* One class's histogram in one worker. */
struct metrics_hist {
    _Atomic uint64_t buckets[METRICS_NBOUNDS + 1]; /* not cumulative */
    _Atomic uint64_t usecs;
};

static pthread_mutex_t metrics_lock = PTHREAD_MUTEX_INITIALIZER;
static struct metrics_backend *metrics_backends; /* under metrics_lock */

static const char *metrics_class_names[METRICS_MAX_CLASSES];
static size_t metrics_nclasses;
static unsigned char *metrics_class_of;  /* by cmdtable index */
static struct metrics_hist *metrics_hists; /* [worker][class] */
static int metrics_nworkers;

int metrics_init(int nworkers)
{
    size_t n = cmdtable_count();
    metrics_class_of = mem_calloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        const char *group = cmdtable_at(i)->group;
        if (group == NULL || group[0] == '\0') {
            group = "other";
        }
        size_t c = 0;
        while (c < metrics_nclasses &&
               strcmp(metrics_class_names[c], group) != 0) {
            c++;
        }
        if (c == metrics_nclasses) {
            if (metrics_nclasses == METRICS_MAX_CLASSES) {
                c = METRICS_MAX_CLASSES - 1;
            } else {
                metrics_class_names[metrics_nclasses++] = group;
            }
        }
        metrics_class_of[i] = (unsigned char)c;
    }
    metrics_nworkers = nworkers;
    metrics_hists = mem_calloc((size_t)nworkers * METRICS_MAX_CLASSES,
                               sizeof(*metrics_hists));
    return 0;
}

void metrics_release(void)
{
    pthread_mutex_lock(&metrics_lock);
    while (metrics_backends != NULL) {
        struct metrics_backend *m = metrics_backends;
        metrics_backends = m->next;
        mem_free(m->addr);
        mem_free(m);
    }
    pthread_mutex_unlock(&metrics_lock);
    mem_free(metrics_hists);
    metrics_hists = NULL;
    mem_free(metrics_class_of);
    metrics_class_of = NULL;
    metrics_nclasses = 0;
}

struct metrics_backend *metrics_backend_get(const char *addr)
{
    pthread_mutex_lock(&metrics_lock);
    struct metrics_backend *m = metrics_backends;
    while (m != NULL && strcmp(m->addr, addr) != 0) {
        m = m->next;
    }
    if (m == NULL) {
        m = mem_calloc(1, sizeof(*m));
        m->addr = mem_strdup(addr);
        m->next = metrics_backends;
        metrics_backends = m;
    }
    pthread_mutex_unlock(&metrics_lock);
    return m;
}

/* Add 'n' to 'v', which only this thread writes. */
static inline void metrics_bump(_Atomic uint64_t *v, uint64_t n)
{
    atomic_store_explicit(v, atomic_load_explicit(v, memory_order_relaxed) +
                          n, memory_order_relaxed);
}

void metrics_observe(int worker, const struct cmdspec *cmd, uint64_t usecs)
{
    if (metrics_hists == NULL || worker < 0 || worker >= metrics_nworkers) {
        return;
    }
    size_t c = metrics_class_of[cmdtable_index(cmd)];
    struct metrics_hist *h =
        &metrics_hists[(size_t)worker * METRICS_MAX_CLASSES + c];
    size_t b = 0;
    while (b < METRICS_NBOUNDS && usecs > metrics_bounds[b]) {
        b++;
    }
    metrics_bump(&h->buckets[b], 1);
    metrics_bump(&h->usecs, usecs);
}

/* Print one backend counter family. */
static void metrics_write_backends(struct evbuffer *out, const char *name,
                                   const char *kind, const char *help,
                                   size_t field)
{
    evbuffer_add_printf(out, "# HELP codis_proxy_backend_%s %s\n"
                        "# TYPE codis_proxy_backend_%s %s\n", name, help,
                        name, kind);
    for (struct metrics_backend *m = metrics_backends; m != NULL;
         m = m->next) {
        long long v;
        if (field == 3) {
            v = (long long)atomic_load(&m->inflight);
        } else {
            _Atomic uint64_t *f = field == 0   ? &m->requests
                                  : field == 1 ? &m->errors
                                               : &m->connects;
            v = (long long)atomic_load(f);
        }
        evbuffer_add_printf(out, "codis_proxy_backend_%s{addr=\"%s\"} %lld\n",
                            name, m->addr, v);
    }
}

void metrics_write(struct evbuffer *out)
{
    pthread_mutex_lock(&metrics_lock);
    metrics_write_backends(out, "requests_total", "counter",
                           "requests sent to each backend", 0);
    metrics_write_backends(out, "errors_total", "counter",
                           "error replies and failed requests of each "
                           "backend", 1);
    metrics_write_backends(out, "connects_total", "counter",
                           "connections dialed to each backend (the first "
                           "one and every reconnect)", 2);
    metrics_write_backends(out, "inflight", "gauge",
                           "requests sent to each backend, not yet "
                           "answered", 3);
    pthread_mutex_unlock(&metrics_lock);
    if (metrics_hists == NULL) {
        return;
    }
    evbuffer_add_printf(out, "# HELP codis_proxy_command_duration_seconds "
                        "time from a request to its reply, by command "
                        "class\n# TYPE codis_proxy_command_duration_seconds "
                        "histogram\n");
    for (size_t c = 0; c < metrics_nclasses; c++) {
        uint64_t sum[METRICS_NBOUNDS + 1] = { 0 };
        uint64_t usecs = 0;
        for (int w = 0; w < metrics_nworkers; w++) {
            struct metrics_hist *h =
                &metrics_hists[(size_t)w * METRICS_MAX_CLASSES + c];
            for (size_t b = 0; b <= METRICS_NBOUNDS; b++) {
                sum[b] += atomic_load_explicit(&h->buckets[b],
                                               memory_order_relaxed);
            }
            usecs += atomic_load_explicit(&h->usecs, memory_order_relaxed);
        }
        uint64_t total = 0;
        for (size_t b = 0; b <= METRICS_NBOUNDS; b++) {
            total += sum[b];
        }
        if (total == 0) {
            continue;
        }
        const char *name = metrics_class_names[c];
        uint64_t acc = 0;
        for (size_t b = 0; b < METRICS_NBOUNDS; b++) {
            acc += sum[b];
            evbuffer_add_printf(out, "codis_proxy_command_duration_seconds_"
                                "bucket{class=\"%s\",le=\"%g\"} %llu\n", name,
                                (double)metrics_bounds[b] / 1e6,
                                (unsigned long long)acc);
        }
        evbuffer_add_printf(out, "codis_proxy_command_duration_seconds_bucket"
                            "{class=\"%s\",le=\"+Inf\"} %llu\n"
                            "codis_proxy_command_duration_seconds_sum"
                            "{class=\"%s\"} %.6f\n"
                            "codis_proxy_command_duration_seconds_count"
                            "{class=\"%s\"} %llu\n", name,
                            (unsigned long long)total, name,
                            (double)usecs / 1e6, name,
                            (unsigned long long)total);
    }
}
