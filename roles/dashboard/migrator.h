/* The dashboard's slot migration runner: a worker thread that takes the
 * queued migrate tasks (migrate_tasks/<seq> in the coordinator) one at a
 * time, oldest first, and moves each slot's keys to its new group, as
 * Codis 2's dashboard does (codis-facts §7.2). The flow, per slot:
 *
 *   online in A --pre_migrate (action, acked)--> migrate A->B (action,
 *   acked; group_id = B) --SLOTSMGRTSLOT on A's master, repeated until
 *   0 keys left, --delay ms apart--> online in B (action, acked);
 *   the task node is deleted
 *
 * Every step is written to the coordinator first, so a restarted
 * dashboard resumes a task where the slot's stored state says it is. A
 * failed task stays queued with status "error" and its reason, and is
 * retried with a growing pause; it can be removed while its slot has not
 * entered pre_migrate/migrate. The operator can hold key movement
 * between two steps (migrator_set_paused).
 *
 * The thread has its own coordinator handle (the handle of the event loop
 * is not shared across threads); blocking calls (actions, SLOTSMGRTSLOT)
 * happen there, never on the event loop. Entry points: migrator_start,
 * migrator_wake, migrator_set_paused, migrator_progress, migrator_cancel,
 * migrator_stop. */
#ifndef CODIS_MIGRATOR_H
#define CODIS_MIGRATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/model.h"

struct migrator;
struct model_store;

/* What the running task is doing, for the status API. */
struct migrator_progress {
    bool running;             /* a task is being worked on */
    char seq[MODEL_NAME_MAX]; /* its node name */
    int slot_id;
    int from;                 /* source group, -1 until known */
    int to;                   /* target group */
    long long moved;          /* keys moved in this run */
    long long remain;         /* keys left in the slot at the last step,
                               * -1 before the first */
    bool paused;              /* the operator holds the queue */
    bool held;                /* the runner waits on that hold */
};

/* Start the runner for the product of 'cfg' (borrowed: must outlive the
 * runner), waiting 'action_timeout_ms' for proxies' acknowledgements.
 * Returns an owned runner (migrator_stop), or NULL with 'err' filled
 * (the coordinator cannot be opened, the thread cannot start). */
struct migrator *migrator_start(const struct model_config *cfg,
                                int action_timeout_ms, char *err,
                                size_t errlen);

/* Tell the runner that tasks were queued (it also looks every second). */
void migrator_wake(struct migrator *m);

/* Hold key movement ('paused' true) or let it go on: the runner holds
 * after the SLOTSMGRTSLOT step it is on (and its delay) until resumed, its
 * slot staying in 'migrate'. A task taken while paused moves its first
 * step, then holds; so the operator (and a test) gets a task that is
 * surely half done. Not stored: a restarted dashboard runs its queue. */
void migrator_set_paused(struct migrator *m, bool paused);

/* Copy the running task's progress into 'out'. */
void migrator_progress(struct migrator *m, struct migrator_progress *out);

/* Delete queued task 'seq' through 'store' (the caller's handle) unless
 * the runner is working on it or its slot already left 'online'.
 * Returns 0, or a negative coord_status with 'err' filled: COORD_NONODE
 * (no such task), COORD_EXISTS (running or started: cannot be removed). */
int migrator_cancel(struct migrator *m, struct model_store *store,
                    const char *seq, char *err, size_t errlen);

/* Stop the runner (the current step ends; an unfinished task stays
 * queued and resumes at the next start), join it and free it. NULL is
 * fine. */
void migrator_stop(struct migrator *m);

#endif
