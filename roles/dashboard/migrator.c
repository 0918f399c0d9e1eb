/* The slot migration runner; see migrator.h for the flow. Threads: the
 * runner's own thread does all the work below migrator_run; the event
 * loop's thread only calls migrator_wake, migrator_progress and
 * migrator_cancel, which touch the fields under 'mu'. */
#include "roles/dashboard/migrator.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/clock.h"
#include "lib/coord.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "roles/dashboard/store.h"
#include "lib/rclient.h"

/* The timeout SLOTSMGRTSLOT gets for moving one key (Codis 2: 30 s). */
#define MIGRATOR_KEY_TIMEOUT_MS 30000
/* Our own wait for its reply: the key's timeout plus some slack. */
#define MIGRATOR_CALL_TIMEOUT_MS (MIGRATOR_KEY_TIMEOUT_MS + 5000)
/* How often the runner looks for tasks when nobody wakes it. */
#define MIGRATOR_IDLE_MS 1000
/* Pauses before retrying a failed task: doubling from the first. */
#define MIGRATOR_RETRY_FIRST_MS 1000
#define MIGRATOR_RETRY_MAX_MS 30000
/* How often a wait for proxies' acks looks for them. */
#define MIGRATOR_ACK_POLL_MS 20
/* At most one progress write to the task node per this many ms. */
#define MIGRATOR_SAVE_EVERY_MS 1000

/* One runner. */
struct migrator {
    const struct model_config *cfg; /* borrowed */
    struct coord *coord;            /* owned, used by the thread only */
    struct model_store store;       /* over 'coord' */
    pthread_t thread;
    atomic_bool stop;               /* set by migrator_stop */
    pthread_mutex_t mu;             /* guards the fields below */
    pthread_cond_t cond;            /* 'wake' or 'stop' changed */
    bool wake;                      /* tasks were queued */
    bool paused;                    /* the operator holds the queue */
    struct migrator_progress progress;
    /* thread only: the back-off of a failing task */
    char retry_seq[MODEL_NAME_MAX];
    int retry_ms;
    long long retry_at;             /* monotonic ms */
    char list_err[1024];            /* thread only: the last failure to
                                     * list tasks, "" once they listed */
};

/* Sleep up to 'ms', returning early when woken or stopped. Returns true
 * if the runner must stop. */
static bool migrator_sleep(struct migrator *m, long long ms)
{
    struct timespec deadline = clock_deadline_in(ms);
    pthread_mutex_lock(&m->mu);
    int rc = 0;
    while (!m->wake && !atomic_load(&m->stop) && rc != ETIMEDOUT) {
        rc = pthread_cond_timedwait(&m->cond, &m->mu, &deadline);
    }
    m->wake = false;
    pthread_mutex_unlock(&m->mu);
    return atomic_load(&m->stop);
}

/* Sleep exactly 'ms' unless stopped (wake-ups do not shorten it): the
 * operator's delay between steps. Returns true if the runner must stop. */
static bool migrator_delay(struct migrator *m, long long ms)
{
    long long end = clock_now_ms() + ms;
    long long left;
    while (!atomic_load(&m->stop) && (left = end - clock_now_ms()) > 0) {
        migrator_sleep(m, left);
    }
    return atomic_load(&m->stop);
}

/* Wait while the operator holds the queue, showing 'held' in the
 * progress meanwhile. Returns true if the runner must stop. */
static bool migrator_hold(struct migrator *m)
{
    pthread_mutex_lock(&m->mu);
    if (m->paused && !atomic_load(&m->stop)) {
        m->progress.held = true;
        log_info("migrate: paused by the operator");
        while (m->paused && !atomic_load(&m->stop)) {
            pthread_cond_wait(&m->cond, &m->mu);
        }
        m->progress.held = false;
        log_info("migrate: resumed");
    }
    pthread_mutex_unlock(&m->mu);
    return atomic_load(&m->stop);
}

static void migrator_set_progress(struct migrator *m,
                                  const struct migrator_progress *p)
{
    pthread_mutex_lock(&m->mu);
    m->progress = *p;
    pthread_mutex_unlock(&m->mu);
}

/* Store 'slot' and tell every proxy with an action of 'type', waiting for
 * their acknowledgements. */
static int migrator_publish(struct migrator *m, const struct model_slot *slot,
                            enum model_action_type type, char *err,
                            size_t errlen)
{
    int rc = store_save_slot(&m->store, slot, err, errlen);
    if (rc != 0) {
        return rc;
    }
    cJSON *target = model_slot_to_json(slot);
    rc = store_post_action(&m->store, type, target, true, NULL, 0, err,
                           errlen);
    cJSON_Delete(target);
    return rc;
}

/* The master address of group 'gid' into 'addr'. */
static int migrator_master(struct migrator *m, int gid, char *addr,
                           size_t addrlen, char *err, size_t errlen)
{
    struct model_group g;
    int rc = model_store_load_group(&m->store, gid, &g, err, errlen);
    if (rc != 0) {
        return rc;
    }
    const struct model_server *master = model_group_master(&g);
    if (master != NULL) {
        snprintf(addr, addrlen, "%s", master->addr);
    } else {
        snprintf(err, errlen, "group %d has no master", gid);
        rc = COORD_ERROR;
    }
    model_group_release(&g);
    return rc;
}

/* Read a SLOTSMGRTSLOT reply [moved, left] into '*moved', '*left'. */
static int migrator_parse_step(const struct rclient_reply *r,
                               const char *source, long long *moved,
                               long long *left, char *err, size_t errlen)
{
    if (r->type == RCLIENT_ERROR) {
        snprintf(err, errlen, "'%s' replied to SLOTSMGRTSLOT: %s", source,
                 r->str);
        return -1;
    }
    if (r->type != RCLIENT_ARRAY || r->count != 2 ||
        r->elements[0]->type != RCLIENT_INTEGER ||
        r->elements[1]->type != RCLIENT_INTEGER) {
        snprintf(err, errlen, "'%s' replied to SLOTSMGRTSLOT with something "
                              "other than [moved, left]", source);
        return -1;
    }
    *moved = r->elements[0]->integer;
    *left = r->elements[1]->integer;
    return 0;
}

/* Move every key of the slot from 'source' to 'target' with SLOTSMGRTSLOT,
 * pausing 'task->delay' ms between steps and updating the task's percent.
 * Returns 0 when the slot is empty on the source, 1 if stopped, -1 with
 * 'err' filled on failure. */
static int migrator_move_keys(struct migrator *m, const char *seq,
                              struct model_migrate_task *task,
                              struct migrator_progress *p, const char *source,
                              const char *target, char *err, size_t errlen)
{
    char host[MODEL_ADDR_MAX];
    int port;
    if (model_addr_split(target, host, sizeof(host), &port, err,
                         errlen) != 0) {
        return -1;
    }
    char portstr[16], timeout[16], slot[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    snprintf(timeout, sizeof(timeout), "%d", MIGRATOR_KEY_TIMEOUT_MS);
    snprintf(slot, sizeof(slot), "%d", task->slot_id);
    struct rclient *c = rclient_connect(source, m->cfg->password,
                                        MIGRATOR_CALL_TIMEOUT_MS, err, errlen);
    if (c == NULL) {
        return -1;
    }
    long long total = -1;
    long long last_save = clock_now_ms();
    int saved_percent = task->percent;
    int rc = 0;
    for (;;) {
        struct rclient_reply *r = rclient_command(c, err, errlen,
                                                  "SLOTSMGRTSLOT", host,
                                                  portstr, timeout, slot,
                                                  NULL);
        if (r == NULL) {
            rc = -1;
            break;
        }
        long long moved, left;
        rc = migrator_parse_step(r, source, &moved, &left, err, errlen);
        rclient_reply_free(r);
        if (rc != 0) {
            break;
        }
        if (total < 0) {
            total = moved + left;
        }
        p->moved += moved;
        p->remain = left;
        migrator_set_progress(m, p);
        if (left == 0) {
            break;
        }
        task->percent = total > 0 ? (int)((total - left) * 100 / total) : 0;
        if (task->percent != saved_percent &&
            clock_now_ms() - last_save >= MIGRATOR_SAVE_EVERY_MS) {
            char why[256];
            if (store_save_migrate_task(&m->store, seq, task, why,
                                        sizeof(why)) != 0) {
                log_warn("migrate slot %d: %s", task->slot_id, why);
            }
            saved_percent = task->percent;
            last_save = clock_now_ms();
        }
        long long pause = task->delay;
        if (moved == 0 && pause == 0) {
            /* the picked key vanished (expired, deleted): not stuck, but
             * do not spin hot either */
            pause = 1;
        }
        if (migrator_delay(m, pause) || migrator_hold(m)) {
            rc = 1;
            break;
        }
    }
    rclient_close(c);
    return rc;
}

/* Run task 'seq' ('task' as loaded). Returns 0 when done (the caller
 * deletes the node), 1 if stopped, -1 with 'err' filled on failure. */
static int migrator_run(struct migrator *m, const char *seq,
                        struct model_migrate_task *task, char *err,
                        size_t errlen)
{
    struct migrator_progress p;
    memset(&p, 0, sizeof(p));
    p.running = true;
    snprintf(p.seq, sizeof(p.seq), "%s", seq);
    p.slot_id = task->slot_id;
    p.from = -1;
    p.to = task->new_group;
    p.remain = -1;
    migrator_set_progress(m, &p);

    struct model_slot slot;
    int rc = model_store_load_slot(&m->store, task->slot_id, &slot, err,
                                   errlen);
    if (rc != 0) {
        return -1;
    }
    int to = task->new_group;
    int from = slot.group_id;
    if (slot.status == MODEL_SLOT_MIGRATE) {
        from = slot.migrate_from; /* resume where we stopped */
        to = slot.migrate_to;
    } else if (slot.status == MODEL_SLOT_PRE_MIGRATE) {
        from = slot.migrate_from >= 0 ? slot.migrate_from : slot.group_id;
    } else if (slot.status == MODEL_SLOT_OFFLINE) {
        log_warn("migrate slot %d: it is offline, nothing to move",
                 slot.id);
        return 0;
    } else if (from == to) {
        log_info("migrate slot %d: already in group %d", slot.id, to);
        return 0;
    }
    p.from = from;
    p.to = to;
    migrator_set_progress(m, &p);
    char source[MODEL_ADDR_MAX], target[MODEL_ADDR_MAX];
    if (migrator_master(m, from, source, sizeof(source), err, errlen) != 0 ||
        migrator_master(m, to, target, sizeof(target), err, errlen) != 0) {
        return -1;
    }
    snprintf(task->status, sizeof(task->status), "migrating");
    task->error[0] = '\0';
    if (store_save_migrate_task(&m->store, seq, task, err,
                                errlen) != 0) {
        return -1;
    }
    log_info("migrate slot %d: group %d ('%s') -> group %d ('%s')", slot.id,
             from, source, to, target);
    if (slot.status != MODEL_SLOT_MIGRATE) {
        slot.status = MODEL_SLOT_PRE_MIGRATE;
        slot.migrate_from = from;
        slot.migrate_to = to;
        if (migrator_publish(m, &slot, MODEL_ACTION_SLOT_PREMIGRATE, err,
                             errlen) != 0) {
            /* Codis 2 rolls a slot that never got to 'migrate' back */
            char why[512];
            slot.status = MODEL_SLOT_ONLINE;
            slot.group_id = from;
            slot.migrate_from = slot.migrate_to = -1;
            if (migrator_publish(m, &slot, MODEL_ACTION_SLOT_CHANGED, why,
                                 sizeof(why)) != 0) {
                log_warn("migrate slot %d: roll back: %s", slot.id, why);
            }
            return -1;
        }
        slot.status = MODEL_SLOT_MIGRATE;
        slot.group_id = to;
    }
    /* Again on resume: a proxy that missed it must not read the source
     * for keys that have moved. */
    if (migrator_publish(m, &slot, MODEL_ACTION_SLOT_MIGRATE, err,
                         errlen) != 0) {
        return -1;
    }
    rc = migrator_move_keys(m, seq, task, &p, source, target, err, errlen);
    if (rc != 0) {
        return rc;
    }
    slot.status = MODEL_SLOT_ONLINE;
    slot.group_id = to;
    slot.migrate_from = slot.migrate_to = -1;
    if (migrator_publish(m, &slot, MODEL_ACTION_SLOT_CHANGED, err,
                         errlen) != 0) {
        return -1;
    }
    log_info("migrate slot %d: done, %lld keys moved to group %d", slot.id,
             p.moved, to);
    return 0;
}

/* Record the failure of task 'seq' in its node and schedule a retry. */
static void migrator_failed(struct migrator *m, const char *seq,
                            struct model_migrate_task *task, const char *why)
{
    log_error("migrate slot %d: %s", task->slot_id, why);
    snprintf(task->status, sizeof(task->status), "error");
    size_t len = strlen(why);
    if (len >= sizeof(task->error)) {
        len = sizeof(task->error) - 1; /* the node keeps the start */
    }
    memcpy(task->error, why, len);
    task->error[len] = '\0';
    char err[512];
    int rc = store_save_migrate_task(&m->store, seq, task, err,
                                     sizeof(err));
    if (rc != 0 && rc != COORD_NONODE) {
        log_warn("migrate slot %d: %s", task->slot_id, err);
    }
    if (strcmp(m->retry_seq, seq) != 0) {
        snprintf(m->retry_seq, sizeof(m->retry_seq), "%s", seq);
        m->retry_ms = MIGRATOR_RETRY_FIRST_MS;
    } else if (m->retry_ms < MIGRATOR_RETRY_MAX_MS) {
        m->retry_ms *= 2;
        if (m->retry_ms > MIGRATOR_RETRY_MAX_MS) {
            m->retry_ms = MIGRATOR_RETRY_MAX_MS;
        }
    }
    m->retry_at = clock_now_ms() + m->retry_ms;
}

/* Take the oldest task and run it. Returns false when there was nothing
 * to do now (the caller sleeps). */
static bool migrator_step(struct migrator *m)
{
    char err[1024];
    char **seqs;
    size_t n;
    if (store_list_migrate_tasks(&m->store, &seqs, &n, err,
                                 sizeof(err)) != 0) {
        /* once per outage, not once a second */
        if (strcmp(err, m->list_err) != 0) {
            log_warn("migrate: %s", err);
            snprintf(m->list_err, sizeof(m->list_err), "%s", err);
        }
        return false;
    }
    if (m->list_err[0] != '\0') {
        log_info("migrate: the task list is readable again");
        m->list_err[0] = '\0';
    }
    if (n == 0) {
        coord_free_names(seqs, n);
        return false;
    }
    char seq[MODEL_NAME_MAX];
    snprintf(seq, sizeof(seq), "%s", seqs[0]);
    coord_free_names(seqs, n);
    if (strcmp(seq, m->retry_seq) == 0 && clock_now_ms() < m->retry_at) {
        return false;
    }
    /* Claim the task before reading it, so migrator_cancel sees it. */
    struct migrator_progress p;
    memset(&p, 0, sizeof(p));
    p.running = true;
    snprintf(p.seq, sizeof(p.seq), "%s", seq);
    p.slot_id = -1;
    p.from = p.to = -1;
    p.remain = -1;
    migrator_set_progress(m, &p);
    struct model_migrate_task task;
    int rc = store_load_migrate_task(&m->store, seq, &task, err,
                                     sizeof(err));
    if (rc == 0) {
        rc = migrator_run(m, seq, &task, err, sizeof(err));
        if (rc == 0 && store_remove_migrate_task(
                           &m->store, seq, err, sizeof(err)) != 0) {
            rc = -1;
        }
        if (rc < 0 && atomic_load(&m->stop)) {
            /* not the task's fault: it resumes at the next start */
            log_info("migrate slot %d: interrupted by shutdown (%s)",
                     task.slot_id, err);
        } else if (rc < 0) {
            migrator_failed(m, seq, &task, err);
        } else if (rc == 0) {
            m->retry_seq[0] = '\0';
        }
    } else if (rc != COORD_NONODE) {
        log_warn("migrate: %s", err);
    }
    memset(&p, 0, sizeof(p));
    migrator_set_progress(m, &p);
    return rc >= 0 || rc == COORD_NONODE;
}

static void *migrator_thread(void *arg)
{
    struct migrator *m = arg;
    while (!atomic_load(&m->stop)) {
        if (!migrator_step(m)) {
            long long wait = MIGRATOR_IDLE_MS;
            if (m->retry_seq[0] != '\0') {
                long long until = m->retry_at - clock_now_ms();
                if (until > 0 && until < wait) {
                    wait = until;
                }
            }
            migrator_sleep(m, wait);
        }
    }
    return NULL;
}

struct migrator *migrator_start(const struct model_config *cfg,
                                int action_timeout_ms, char *err,
                                size_t errlen)
{
    struct migrator *m = mem_calloc(1, sizeof(*m));
    m->cfg = cfg;
    atomic_init(&m->stop, false);
    m->coord = model_store_open_coord(cfg, NULL, err, errlen);
    if (m->coord == NULL) {
        mem_free(m);
        return NULL;
    }
    model_store_init(&m->store, m->coord, cfg->product);
    m->store.action_timeout_ms = action_timeout_ms;
    /* each slot waits for three rounds of acks: look for them often */
    m->store.poll_ms = MIGRATOR_ACK_POLL_MS;
    m->store.stop = &m->stop;
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cond, NULL);
    int rc = pthread_create(&m->thread, NULL, migrator_thread, m);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the migration thread: %s",
                 strerror(rc));
        pthread_cond_destroy(&m->cond);
        pthread_mutex_destroy(&m->mu);
        coord_close(m->coord);
        mem_free(m);
        return NULL;
    }
    return m;
}

void migrator_wake(struct migrator *m)
{
    pthread_mutex_lock(&m->mu);
    m->wake = true;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->mu);
}

void migrator_set_paused(struct migrator *m, bool paused)
{
    pthread_mutex_lock(&m->mu);
    m->paused = paused;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->mu);
}

void migrator_progress(struct migrator *m, struct migrator_progress *out)
{
    pthread_mutex_lock(&m->mu);
    *out = m->progress;
    out->paused = m->paused;
    pthread_mutex_unlock(&m->mu);
}

int migrator_cancel(struct migrator *m, struct model_store *store,
                    const char *seq, char *err, size_t errlen)
{
    struct model_migrate_task task;
    int rc = store_load_migrate_task(store, seq, &task, err, errlen);
    if (rc != 0) {
        return rc;
    }
    struct model_slot slot;
    rc = model_store_load_slot(store, task.slot_id, &slot, err, errlen);
    if (rc != 0 && rc != COORD_NONODE) {
        return rc;
    }
    if (rc == 0 && (slot.status == MODEL_SLOT_MIGRATE ||
                    slot.status == MODEL_SLOT_PRE_MIGRATE)) {
        snprintf(err, errlen, "slot %d is being migrated: its task cannot "
                              "be removed, only finished", task.slot_id);
        return COORD_EXISTS;
    }
    /* Under 'mu' the runner cannot claim the task between check and
     * delete; once claimed it finds the node gone and skips it. */
    pthread_mutex_lock(&m->mu);
    if (m->progress.running && strcmp(m->progress.seq, seq) == 0) {
        pthread_mutex_unlock(&m->mu);
        snprintf(err, errlen, "migrate task %s is running: it cannot be "
                              "removed", seq);
        return COORD_EXISTS;
    }
    rc = store_remove_migrate_task(store, seq, err, errlen);
    pthread_mutex_unlock(&m->mu);
    if (rc == 0) {
        log_info("migrate task %s (slot %d) removed", seq, task.slot_id);
    }
    return rc;
}

void migrator_stop(struct migrator *m)
{
    if (m == NULL) {
        return;
    }
    pthread_mutex_lock(&m->mu);
    atomic_store(&m->stop, true);
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->mu);
    pthread_join(m->thread, NULL);
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->mu);
    coord_close(m->coord);
    mem_free(m);
}
