/* The dashboard's slot migration runner: a worker thread that takes the
 * queued migrate tasks (migrate_tasks/<seq> in the coordinator), oldest
 * first, up to migration_parallel_slots of them at once (one per slot),
 * and moves their keys to the new groups. Per wave of slots:
 *
 *   all online in A --pre_migrate (actions, acked once)--> migrate A->B
 *   (actions, acked once; group_id = B, method = migration_method)
 *   --keys move: two threads per source server (one with a --delay),
 *   each its slots one after another, SLOTSMGRTTAGSLOT-ASYNC batches (semi-async) or
 *   SLOTSMGRTTAGSLOT (sync) until 0 keys are left, --delay ms after
 *   each batch--> online in B (actions, acked once); task nodes deleted
 *
 * Waves overlap: while the keys of one move, the runner ends the one
 * before (online, task nodes deleted) and begins the next (pre_migrate,
 * migrate), so up to two waves are past pre_migrate at once; none
 * begins while the operator holds the queue.
 *
 * A proxy applies actions in order and acknowledges an action only once
 * it applied it and every earlier one, so the runner posts the actions of
 * a whole wave and waits for the acknowledgements of the last: one round
 * of proxies per wave and step, not per slot (codis-facts §7.3 pushes
 * many slots per fillslots the same way).
 *
 * Every step is written to the coordinator first, so a restarted
 * dashboard resumes a task where the slot's stored state says it is. A
 * failed task stays queued with status "error" and its reason, and is
 * retried with a growing pause; it can be removed while its slot has not
 * entered pre_migrate/migrate. The operator can hold key movement
 * between two batches (migrator_set_paused).
 *
 * The thread has its own coordinator handle (the handle of the event loop
 * is not shared across threads); blocking calls (actions, migration
 * commands) happen there and in the key movers, never on the event loop.
 * Entry points: migrator_start, migrator_queue_begin/end,
 * migrator_set_paused, migrator_progress, migrator_cancel, migrator_stop. */
#ifndef CODIS_MIGRATOR_H
#define CODIS_MIGRATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/model.h"
#include "lib/slot.h"

struct migrator;
struct model_store;

/* How keys move: the dashboard's migration_* settings (Codis 3.2's
 * names and defaults, codis-facts §6.3). */
struct migrator_config {
    enum model_migrate_method method; /* migration_method */
    int parallel_slots;               /* slots in flight at once, >= 1 */
    int async_maxbulks;               /* elements per chunk of a big key */
    long long async_maxbytes;         /* bytes per chunk */
    int async_numkeys;                /* keys per SLOTSMGRTTAGSLOT-ASYNC */
    int timeout_ms;                   /* migration_timeout */
};

/* The defaults: semi-async, 100 slots, 200, 32 MiB, 500, 30 s. */
void migrator_config_init(struct migrator_config *mc);

struct conf;

/* Read the migration_* keys of 'conf' into 'mc' (the defaults where
 * absent): migration_method (semi-async | sync), migration_parallel_slots
 * (1..1024), migration_async_maxbulks, migration_async_maxbytes (a size,
 * "32mb", or bytes), migration_async_numkeys (0 for the default each),
 * migration_timeout (a duration, "30s", or seconds). Returns 0, or -1
 * with 'err' naming the key and the bad value. */
int migrator_config_load(struct conf *conf, struct migrator_config *mc,
                         char *err, size_t errlen);

/* The name of 'method' in config.ini and the API: "sync", "semi-async". */
const char *migrator_method_name(enum model_migrate_method method);

/* How many finished or failed tasks the runner remembers. */
#define MIGRATOR_HISTORY 32

/* One slot in flight. */
struct migrator_slot {
    char seq[MODEL_NAME_MAX]; /* its task's node name */
    int slot_id;
    int from;                 /* source group */
    int to;                   /* target group */
    long long moved;          /* keys moved in this run */
    long long remain;         /* keys left at the last batch, -1 before */
    const char *stage;        /* static: "preparing", "moving", "moved",
                               * "finishing" */
};

/* One finished or failed task run. */
struct migrator_done {
    char seq[MODEL_NAME_MAX];
    int slot_id;
    int from;
    int to;
    bool failed;
    char error[MODEL_TEXT_MAX]; /* why it failed, or "" */
    long long moved;            /* keys moved */
    long long at;               /* unix seconds when it ended */
    long long ms;               /* how long the run took */
};

/* What the runner is doing, for the status API. */
struct migrator_progress {
    bool running;             /* slots are in flight */
    bool paused;              /* the operator holds the queue */
    bool held;                /* a key mover waits on that hold */
    size_t nslots;            /* in flight, in the order taken */
    struct migrator_slot slots[SLOT_COUNT];
    /* since the queue last came to be non-empty: */
    bool active;              /* tasks are queued (false once it empties) */
    long long elapsed_ms;     /* since then (until it emptied) */
    long long slots_done;
    long long slots_failed;   /* failed runs (a task may fail twice) */
    long long keys_moved;
    size_t nhistory;          /* newest first */
    struct migrator_done history[MIGRATOR_HISTORY];
};

/* Start the runner for the product of 'cfg' (borrowed: must outlive the
 * runner) moving keys as 'mc' says (copied), waiting
 * 'action_timeout_ms' for proxies' acknowledgements. Returns an owned
 * runner (migrator_stop), or NULL with 'err' filled (the coordinator
 * cannot be opened, the thread cannot start). */
struct migrator *migrator_start(const struct model_config *cfg,
                                const struct migrator_config *mc,
                                int action_timeout_ms, char *err,
                                size_t errlen);

/* The settings the runner was started with (borrowed, as long as it). */
const struct migrator_config *migrator_config(const struct migrator *m);

/* Call 'fn'('arg', slot, from) (from the runner's thread) when a slot
 * has moved away from group 'from', before its task is deleted; NULL
 * stops the calls. */
void migrator_on_moved(struct migrator *m,
                       void (*fn)(void *arg, int slot, int from), void *arg);

/* Around queueing tasks: the runner takes no new wave between the two
 * calls (so a range queued by one request moves as one wave), and the
 * end wakes it (it also looks every second). */
void migrator_queue_begin(struct migrator *m);
void migrator_queue_end(struct migrator *m);

/* Hold key movement ('paused' true) or let it go on: every key mover
 * holds after the batch it is on (and its delay) until resumed, its slot
 * staying in 'migrate'. Slots taken while paused move their first batch,
 * then hold; so the operator (and a test) gets a task that is surely
 * half done. Not stored: a restarted dashboard runs its queue. */
void migrator_set_paused(struct migrator *m, bool paused);

/* Copy the runner's progress into 'out'. */
void migrator_progress(struct migrator *m, struct migrator_progress *out);

/* Delete queued task 'seq' through 'store' (the caller's handle) unless
 * the runner is working on it or its slot already left 'online'.
 * Returns 0, or a negative coord_status with 'err' filled: COORD_NONODE
 * (no such task), COORD_EXISTS (running or started: cannot be removed). */
int migrator_cancel(struct migrator *m, struct model_store *store,
                    const char *seq, char *err, size_t errlen);

/* Stop the runner (the current batches end; unfinished tasks stay
 * queued and resume at the next start), join it and free it. NULL is
 * fine. */
void migrator_stop(struct migrator *m);

#endif
