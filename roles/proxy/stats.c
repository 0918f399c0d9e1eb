/* Per-worker proxy metrics; see stats.h. */
#include "roles/proxy/stats.h"

#include "lib/mem.h"
#include "roles/proxy/cmdtable.h"

const struct stats_desc stats_descs[STATS_COUNT] = {
#define STATS_DESC(id, name, kind, help) { #name, #kind, help },
    STATS_METRICS(STATS_DESC)
#undef STATS_DESC
};

void stats_init(struct stats *st)
{
    for (int i = 0; i < STATS_COUNT; i++) {
        atomic_init(&st->values[i], 0);
    }
    st->cmds = mem_calloc(cmdtable_count(), sizeof(*st->cmds));
}

void stats_release(struct stats *st)
{
    mem_free(st->cmds);
    st->cmds = NULL;
}

static inline void stats_bump(_Atomic uint64_t *v, uint64_t n)
{
    atomic_store_explicit(v, atomic_load_explicit(v, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

void stats_record(struct stats *st, size_t cmd, uint64_t usecs, int error)
{
    struct stats_cmd *c = &st->cmds[cmd];
    stats_bump(&c->calls, 1);
    stats_bump(&c->usecs, usecs);
    stats_bump(&st->values[STATS_OPS], 1);
    if (error) {
        stats_bump(&c->errors, 1);
        stats_bump(&st->values[STATS_ERRORS], 1);
    }
}
