/* The slot migration runner; see migrator.h for the flow. Threads: the
 * runner's own thread takes tasks, publishes slot states and starts two
 * key mover threads per source server of a wave (migrator_mover), which
 * touch only their wave item and, under 'mu', the progress; the event
 * loop's and HTTP workers' threads only call migrator_queue_begin/end,
 * migrator_progress, migrator_set_paused and migrator_cancel, which
 * touch the fields under 'mu'. Only the runner's thread uses 'store'. */
#include "roles/dashboard/migrator.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/clock.h"
#include "lib/conf.h"
#include "lib/conf_toml.h"
#include "lib/coord.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/rclient.h"
#include "roles/dashboard/store.h"

/* How often the runner looks for tasks when nobody wakes it. */
#define MIGRATOR_IDLE_MS 1000
/* Pauses before retrying a failed task: doubling from the first. */
#define MIGRATOR_RETRY_FIRST_MS 1000
#define MIGRATOR_RETRY_MAX_MS 30000
/* How often a wait for proxies' acks looks for them. */
#define MIGRATOR_ACK_POLL_MS 5
/* At most this many key mover threads per wave; more sources share. */
#define MIGRATOR_MAX_MOVERS 32
/* Key mover threads (connections) per source server. */
#define MIGRATOR_MOVERS_PER_SOURCE 2
/* Codis 3.2 gives each async batch min(5 s, migration_timeout). */
#define MIGRATOR_ASYNC_STEP_MS 5000
/* Pauses between tries of a batch the source could not take now (a key
 * changed under it, or another batch is in flight). */
#define MIGRATOR_BUSY_FIRST_MS 2
#define MIGRATOR_BUSY_MAX_MS 200
/* Task backoff entries kept. */
#define MIGRATOR_RETRIES 64

/* A failing task's backoff. */
struct migrator_retry {
    char seq[MODEL_NAME_MAX];
    int ms;
    long long at; /* monotonic ms of the next try */
};

/* One task of a wave. */
struct migrator_item {
    char seq[MODEL_NAME_MAX];
    struct model_migrate_task task;
    struct model_slot slot;
    int from;
    int to;
    bool premigrate;              /* must go through pre_migrate first */
    char source[MODEL_ADDR_MAX];  /* masters */
    char target[MODEL_ADDR_MAX];
    int mover;                    /* index of its mover thread */
    int rc;                       /* 0 moved, 1 stopped, -1 failed */
    char err[1024];
    long long moved;
    long long start_ms;
};

struct migrator;

/* One key mover: moves the keys of its items, one after another. */
struct migrator_mover {
    struct migrator *m;
    struct migrator_item *items; /* the wave's items (shared array) */
    size_t nitems;
    int index;                   /* moves items whose mover is this */
    pthread_t thread;
};

/* A wave: its items and, while its keys move, their mover threads. */
struct migrator_run {
    struct migrator_item *items; /* owned */
    size_t n;
    bool begun;                  /* pre_migrate and migrate published */
    struct migrator_mover movers[MIGRATOR_MAX_MOVERS];
    int nmovers;
    int started;                 /* movers running as threads */
};

/* One runner. */
struct migrator {
    const struct model_config *cfg; /* borrowed */
    struct migrator_config mc;
    struct coord *coord;            /* owned, used by the thread only */
    struct model_store store;       /* over 'coord' */
    pthread_t thread;
    atomic_bool stop;               /* set by migrator_stop */
    pthread_mutex_t mu;             /* guards the fields below */
    pthread_cond_t cond;            /* 'wake', 'paused' or 'stop' changed */
    bool wake;                      /* tasks were queued */
    int queueing;                   /* API calls adding tasks right now */
    bool paused;                    /* the operator holds the queue */
    int held;                       /* movers waiting on that hold */
    struct migrator_progress *progress; /* owned */
    void (*on_moved)(void *arg, int slot, int from); /* or NULL */
    void *on_moved_arg;
    long long active_since;         /* monotonic ms, when 'active' */
    /* thread only */
    struct migrator_retry retries[MIGRATOR_RETRIES];
    char list_err[1024];            /* the last failure to list tasks, ""
                                     * once they listed */
};

void migrator_config_init(struct migrator_config *mc)
{
    mc->method = MODEL_MIGRATE_SEMI_ASYNC;
    mc->parallel_slots = 100;
    mc->async_maxbulks = 200;
    mc->async_maxbytes = 32LL * 1024 * 1024;
    mc->async_numkeys = 500;
    mc->timeout_ms = 30000;
}

const char *migrator_method_name(enum model_migrate_method method)
{
    return method == MODEL_MIGRATE_SEMI_ASYNC ? "semi-async" : "sync";
}

/* Read integer 'key' of 'conf' into '*value' when present: 'min'..'max',
 * 0 keeping the default when 'zero_default'. */
static int migrator_conf_int(struct conf *conf, const char *key, int min,
                             int max, bool zero_default, int *value,
                             char *err, size_t errlen)
{
    long long v;
    if (conf_get_uint(conf, key, *value, &v, err, errlen) != 0) {
        return -1;
    }
    if (v == 0 && zero_default) {
        return 0;
    }
    if (v < min || v > max) {
        char where[300];
        snprintf(err, errlen, "%s must be %d..%d, not %lld",
                 conf_describe(conf, key, where, sizeof(where)), min, max,
                 v);
        return -1;
    }
    *value = (int)v;
    return 0;
}

int migrator_config_load(struct conf *conf, struct migrator_config *mc,
                         char *err, size_t errlen)
{
    char where[300];
    migrator_config_init(mc);
    const char *method = conf_get(conf, "migration_method", "semi-async");
    if (strcmp(method, "semi-async") == 0) {
        mc->method = MODEL_MIGRATE_SEMI_ASYNC;
    } else if (strcmp(method, "sync") == 0) {
        mc->method = MODEL_MIGRATE_SYNC;
    } else {
        snprintf(err, errlen, "%s must be 'semi-async' or 'sync', not '%s'",
                 conf_describe(conf, "migration_method", where,
                               sizeof(where)), method);
        return -1;
    }
    if (migrator_conf_int(conf, "migration_parallel_slots", 1, SLOT_COUNT,
                          false, &mc->parallel_slots, err, errlen) != 0 ||
        migrator_conf_int(conf, "migration_async_maxbulks", 1, 512 * 1024,
                          true, &mc->async_maxbulks, err, errlen) != 0 ||
        migrator_conf_int(conf, "migration_async_numkeys", 1, 1000000,
                          true, &mc->async_numkeys, err, errlen) != 0) {
        return -1;
    }
    const char *bytes = conf_get(conf, "migration_async_maxbytes", NULL);
    long long b;
    if (bytes != NULL) {
        if (conf_toml_size(bytes, &b) != 0 || b > (1LL << 30)) {
            snprintf(err, errlen, "%s must be a size up to 1gb (\"32mb\", "
                                  "or bytes), not '%s'",
                     conf_describe(conf, "migration_async_maxbytes", where,
                                   sizeof(where)), bytes);
            return -1;
        }
        if (b > 0) {
            mc->async_maxbytes = b;
        }
    }
    const char *timeout = conf_get(conf, "migration_timeout", NULL);
    if (timeout != NULL) {
        long long ms;
        char *end;
        errno = 0;
        long long secs = strtoll(timeout, &end, 10);
        if (*timeout != '\0' && *end == '\0' && errno == 0 && secs >= 0) {
            ms = secs <= 3600 ? secs * 1000 : -1;
        } else if (conf_toml_duration_ms(timeout, &ms) != 0) {
            ms = -1;
        }
        if (ms < 1 || ms > 3600 * 1000) {
            snprintf(err, errlen, "%s must be a duration of 1ms..1h "
                                  "(\"30s\", or seconds), not '%s'",
                     conf_describe(conf, "migration_timeout", where,
                                   sizeof(where)), timeout);
            return -1;
        }
        mc->timeout_ms = (int)ms;
    }
    return 0;
}

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
 * operator's delay between batches. Returns true if the runner must
 * stop. */
static bool migrator_delay(struct migrator *m, long long ms)
{
    struct timespec deadline = clock_deadline_in(ms);
    pthread_mutex_lock(&m->mu);
    int rc = 0;
    while (!atomic_load(&m->stop) && rc != ETIMEDOUT) {
        rc = pthread_cond_timedwait(&m->cond, &m->mu, &deadline);
    }
    pthread_mutex_unlock(&m->mu);
    return atomic_load(&m->stop);
}

/* Wait while the operator holds the queue, showing 'held' in the
 * progress meanwhile. Returns true if the runner must stop. */
static bool migrator_hold(struct migrator *m)
{
    pthread_mutex_lock(&m->mu);
    if (m->paused && !atomic_load(&m->stop)) {
        if (m->held++ == 0) {
            log_info("migrate: paused by the operator");
        }
        while (m->paused && !atomic_load(&m->stop)) {
            pthread_cond_wait(&m->cond, &m->mu);
        }
        if (--m->held == 0) {
            log_info("migrate: resumed");
        }
    }
    pthread_mutex_unlock(&m->mu);
    return atomic_load(&m->stop);
}

/* The progress entry of slot 'id' (under 'mu'), or NULL. */
static struct migrator_slot *migrator_find_slot(struct migrator *m, int id)
{
    for (size_t i = 0; i < m->progress->nslots; i++) {
        if (m->progress->slots[i].slot_id == id) {
            return &m->progress->slots[i];
        }
    }
    return NULL;
}

/* Set the stage of every slot of 'items' whose rc is 0 to 'stage'. */
static void migrator_set_stage(struct migrator *m,
                               const struct migrator_item *items, size_t n,
                               const char *stage)
{
    pthread_mutex_lock(&m->mu);
    for (size_t i = 0; i < n; i++) {
        struct migrator_slot *s = migrator_find_slot(m, items[i].slot.id);
        if (s != NULL && items[i].rc == 0) {
            s->stage = stage;
        }
    }
    pthread_mutex_unlock(&m->mu);
}

/* Remember the end of 'it' (failed when 'why' is not NULL). */
static void migrator_remember(struct migrator *m,
                              const struct migrator_item *it,
                              const char *why)
{
    pthread_mutex_lock(&m->mu);
    struct migrator_progress *p = m->progress;
    if (p->nhistory < MIGRATOR_HISTORY) {
        p->nhistory++;
    }
    memmove(&p->history[1], &p->history[0],
            (p->nhistory - 1) * sizeof(p->history[0]));
    struct migrator_done *d = &p->history[0];
    memset(d, 0, sizeof(*d));
    snprintf(d->seq, sizeof(d->seq), "%s", it->seq);
    d->slot_id = it->slot.id;
    d->from = it->from;
    d->to = it->to;
    d->failed = why != NULL;
    snprintf(d->error, sizeof(d->error), "%s", why != NULL ? why : "");
    d->moved = it->moved;
    d->at = (long long)time(NULL);
    d->ms = clock_now_ms() - it->start_ms;
    if (why != NULL) {
        p->slots_failed++;
    } else {
        p->slots_done++;
    }
    pthread_mutex_unlock(&m->mu);
}

/* The backoff entry of 'seq', or NULL. */
static struct migrator_retry *migrator_retry_find(struct migrator *m,
                                                  const char *seq)
{
    for (size_t i = 0; i < MIGRATOR_RETRIES; i++) {
        if (strcmp(m->retries[i].seq, seq) == 0) {
            return &m->retries[i];
        }
    }
    return NULL;
}

/* Forget the backoff of 'seq' (it succeeded or is gone). */
static void migrator_retry_clear(struct migrator *m, const char *seq)
{
    struct migrator_retry *r = migrator_retry_find(m, seq);
    if (r != NULL) {
        r->seq[0] = '\0';
    }
}

/* Schedule the next try of failed task 'seq'. */
static void migrator_retry_schedule(struct migrator *m, const char *seq)
{
    struct migrator_retry *r = migrator_retry_find(m, seq);
    if (r == NULL) {
        r = migrator_retry_find(m, "");
        if (r == NULL) {
            r = &m->retries[0]; /* full: the oldest slot is reused */
        }
        snprintf(r->seq, sizeof(r->seq), "%s", seq);
        r->ms = MIGRATOR_RETRY_FIRST_MS;
    } else if (r->ms < MIGRATOR_RETRY_MAX_MS) {
        r->ms *= 2;
        if (r->ms > MIGRATOR_RETRY_MAX_MS) {
            r->ms = MIGRATOR_RETRY_MAX_MS;
        }
    }
    r->at = clock_now_ms() + r->ms;
}

/* Store each slot of 'items' whose rc is 0 and tell the proxies: one
 * action of 'type' when it is one slot (as Codis 2 posts it), else one
 * multi_slot_changed per run of consecutive slot ids (the proxy reloads
 * each slot of the range from its node, so it sees the stored status;
 * the range's "status" and "group_id" are those of its first slot). Only
 * the last action is waited for: a proxy acknowledges an action after
 * applying it and every earlier one. Returns 0, or a negative code with
 * 'err' filled. */
static int migrator_publish(struct migrator *m, struct migrator_item *items,
                            size_t n, enum model_action_type type, char *err,
                            size_t errlen)
{
    static const struct model_slot *by_id[SLOT_COUNT]; /* runner only */
    memset(by_id, 0, sizeof(by_id));
    size_t count = 0;
    const struct model_slot *only = NULL;
    for (size_t i = 0; i < n; i++) {
        if (items[i].rc != 0) {
            continue;
        }
        int rc = store_save_slot(&m->store, &items[i].slot, err, errlen);
        if (rc != 0) {
            return rc;
        }
        by_id[items[i].slot.id] = only = &items[i].slot;
        count++;
    }
    if (count == 0) {
        return 0;
    }
    if (count == 1) {
        cJSON *target = model_slot_to_json(only);
        int rc = store_post_action(&m->store, type, target, true, NULL, 0,
                                   err, errlen);
        cJSON_Delete(target);
        return rc;
    }
    int last_run = SLOT_COUNT;
    while (last_run > 0 && by_id[last_run - 1] == NULL) {
        last_run--;
    }
    for (int id = 0; id < SLOT_COUNT;) {
        if (by_id[id] == NULL) {
            id++;
            continue;
        }
        struct model_slot_range range;
        range.from = id;
        range.status = by_id[id]->status;
        range.group_id = by_id[id]->group_id;
        while (id < SLOT_COUNT && by_id[id] != NULL) {
            id++;
        }
        range.to = id - 1;
        cJSON *target = model_slot_range_to_json(&range);
        int rc = store_post_action(&m->store, MODEL_ACTION_MULTI_SLOT_CHANGED,
                                   target, id == last_run, NULL, 0, err,
                                   errlen);
        cJSON_Delete(target);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* The masters of the groups a wave reads, so each group is read once. */
struct migrator_masters {
    int gid[SLOT_COUNT];
    char addr[SLOT_COUNT][MODEL_ADDR_MAX];
    size_t n;
};

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

/* Read a [moved, left] reply of 'command' into '*moved', '*left'. */
static int migrator_parse_step(const struct rclient_reply *r,
                               const char *source, const char *command,
                               long long *moved, long long *left, char *err,
                               size_t errlen)
{
    if (r->type == RCLIENT_ERROR) {
        snprintf(err, errlen, "'%s' replied to %s: %s", source, command,
                 r->str);
        return -1;
    }
    if (r->type != RCLIENT_ARRAY || r->count != 2 ||
        r->elements[0]->type != RCLIENT_INTEGER ||
        r->elements[1]->type != RCLIENT_INTEGER) {
        snprintf(err, errlen, "'%s' replied to %s with something other "
                              "than [moved, left]", source, command);
        return -1;
    }
    *moved = r->elements[0]->integer;
    *left = r->elements[1]->integer;
    return 0;
}

/* True if error reply 'text' means the source cannot take this batch now
 * but will later: a key of it changed, or another batch is in flight. */
static bool migrator_busy(const char *text)
{
    return strstr(text, "try again") != NULL ||
           strstr(text, "being migrated") != NULL ||
           strstr(text, "has not finished") != NULL;
}

/* Count 'moved' keys of slot 'it' (and 'left' remaining) in the
 * progress. */
static void migrator_count(struct migrator *m, struct migrator_item *it,
                           long long moved, long long left)
{
    it->moved += moved;
    pthread_mutex_lock(&m->mu);
    struct migrator_slot *s = migrator_find_slot(m, it->slot.id);
    if (s != NULL) {
        s->moved = it->moved;
        s->remain = left;
    }
    m->progress->keys_moved += moved;
    pthread_mutex_unlock(&m->mu);
}

/* Move every key of 'it' from its source to its target, pausing its
 * task's delay after each batch. Sets it->rc: 0 when the slot is empty on
 * the source, 1 if stopped, -1 with it->err filled on failure. */
static void migrator_move_keys(struct migrator *m, struct migrator_item *it)
{
    const struct migrator_config *mc = &m->mc;
    bool async = mc->method == MODEL_MIGRATE_SEMI_ASYNC;
    const char *command = async ? "SLOTSMGRTTAGSLOT-ASYNC"
                                : "SLOTSMGRTTAGSLOT";
    char host[MODEL_ADDR_MAX];
    int port;
    if (model_addr_split(it->target, host, sizeof(host), &port, it->err,
                         sizeof(it->err)) != 0) {
        it->rc = -1;
        return;
    }
    int step_ms = async && mc->timeout_ms > MIGRATOR_ASYNC_STEP_MS
                      ? MIGRATOR_ASYNC_STEP_MS
                      : mc->timeout_ms;
    /* An async batch answers when all of it arrived, big keys too: give
     * it room beyond one socket operation's timeout. */
    int call_ms = async ? mc->timeout_ms * 4 + 5000 : mc->timeout_ms + 5000;
    char portstr[16], timeout[16], slot[16], bulks[24], bytes[24], keys[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    snprintf(timeout, sizeof(timeout), "%d", step_ms);
    snprintf(slot, sizeof(slot), "%d", it->slot.id);
    snprintf(bulks, sizeof(bulks), "%d", mc->async_maxbulks);
    snprintf(bytes, sizeof(bytes), "%lld", mc->async_maxbytes);
    snprintf(keys, sizeof(keys), "%d", mc->async_numkeys);
    struct rclient *c = rclient_connect(it->source, m->cfg->password,
                                        call_ms, it->err, sizeof(it->err));
    if (c == NULL) {
        it->rc = -1;
        return;
    }
    long long busy_since = -1;
    int busy_ms = MIGRATOR_BUSY_FIRST_MS;
    it->rc = 0;
    for (;;) {
        struct rclient_reply *r;
        if (async) {
            r = rclient_command(c, it->err, sizeof(it->err), command, host,
                                portstr, timeout, bulks, bytes, slot, keys,
                                NULL);
        } else {
            r = rclient_command(c, it->err, sizeof(it->err), command, host,
                                portstr, timeout, slot, NULL);
        }
        if (r == NULL) {
            it->rc = -1;
            break;
        }
        if (r->type == RCLIENT_ERROR && migrator_busy(r->str)) {
            long long now = clock_now_ms();
            if (busy_since < 0) {
                busy_since = now;
            }
            if (now - busy_since <= mc->timeout_ms) {
                rclient_reply_free(r);
                if (migrator_delay(m, busy_ms)) {
                    it->rc = 1;
                    break;
                }
                busy_ms = busy_ms * 2 > MIGRATOR_BUSY_MAX_MS
                              ? MIGRATOR_BUSY_MAX_MS
                              : busy_ms * 2;
                continue;
            }
        }
        long long moved, left;
        int rc = migrator_parse_step(r, it->source, command, &moved, &left,
                                     it->err, sizeof(it->err));
        rclient_reply_free(r);
        if (rc != 0) {
            it->rc = -1;
            break;
        }
        busy_since = -1;
        busy_ms = MIGRATOR_BUSY_FIRST_MS;
        migrator_count(m, it, moved, left);
        long long pause = it->task.delay;
        if (moved == 0 && pause == 0 && left > 0) {
            /* the picked key vanished (expired, deleted): not stuck, but
             * do not spin hot either */
            pause = 1;
        }
        if ((pause > 0 && left > 0 && migrator_delay(m, pause)) ||
            migrator_hold(m)) {
            it->rc = 1;
            break;
        }
        if (left == 0) {
            break;
        }
    }
    rclient_close(c);
}

static void *migrator_mover_thread(void *arg)
{
    struct migrator_mover *mv = arg;
    for (size_t i = 0; i < mv->nitems; i++) {
        struct migrator_item *it = &mv->items[i];
        if (it->mover != mv->index || it->rc != 0) {
            continue;
        }
        if (atomic_load(&mv->m->stop)) {
            it->rc = 1;
            continue;
        }
        migrator_move_keys(mv->m, it);
        if (it->rc == 0) {
            migrator_set_stage(mv->m, it, 1, "moved");
        }
    }
    return NULL;
}

/* Move the keys of every item whose rc is 0: MIGRATOR_MOVERS_PER_SOURCE
 * mover threads per source server (one when a task has a delay, so that
 * the delay spaces a source's batches), at most MIGRATOR_MAX_MOVERS in
 * all (sources sharing beyond), each taking its slots in order, started
 * here and joined by migrator_movers_join. Two connections to a source
 * keep a command queued there while the other's reply travels back, so
 * the source never waits for our round trip. */
static void migrator_movers_start(struct migrator *m, struct migrator_run *run)
{
    struct migrator_item *items = run->items;
    size_t n = run->n;
    int per_source = MIGRATOR_MOVERS_PER_SOURCE;
    for (size_t i = 0; i < n; i++) {
        if (items[i].task.delay > 0) {
            per_source = 1;
        }
    }
    int nmovers = 0;
    for (size_t i = 0; i < n; i++) {
        /* the first item of the same source, and how many come before */
        size_t first = i, before = 0;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(items[j].source, items[i].source) == 0) {
                if (before++ == 0) {
                    first = j;
                }
            }
        }
        if (before < (size_t)per_source) {
            items[i].mover = nmovers < MIGRATOR_MAX_MOVERS
                                 ? nmovers++
                                 : (int)(i % MIGRATOR_MAX_MOVERS);
        } else {
            /* the source's movers take its slots in turn */
            size_t k = before % (size_t)per_source;
            size_t seen = 0;
            items[i].mover = items[first].mover;
            for (size_t j = first; j < i; j++) {
                if (strcmp(items[j].source, items[i].source) == 0 &&
                    seen++ == k) {
                    items[i].mover = items[j].mover;
                    break;
                }
            }
        }
    }
    struct migrator_mover *movers = run->movers;
    run->nmovers = nmovers;
    run->started = 0;
    for (int k = 0; k < nmovers; k++) {
        movers[k].m = m;
        movers[k].items = items;
        movers[k].nitems = n;
        movers[k].index = k;
        if (pthread_create(&movers[k].thread, NULL, migrator_mover_thread,
                           &movers[k]) != 0) {
            /* no thread: the rest move their keys at the join */
            break;
        }
        run->started++;
    }
}

/* Wait for the movers of 'run' (moving here the keys of those that got
 * no thread). */
static void migrator_movers_join(struct migrator_run *run)
{
    for (int k = run->started; k < run->nmovers; k++) {
        migrator_mover_thread(&run->movers[k]);
    }
    for (int k = 0; k < run->started; k++) {
        pthread_join(run->movers[k].thread, NULL);
    }
    run->nmovers = run->started = 0;
}

/* Record the failure of 'it' in its task node and schedule a retry. */
static void migrator_failed(struct migrator *m, struct migrator_item *it,
                            const char *why)
{
    log_error("migrate slot %d: %s", it->task.slot_id, why);
    snprintf(it->task.status, sizeof(it->task.status), "error");
    size_t len = strlen(why);
    if (len >= sizeof(it->task.error)) {
        len = sizeof(it->task.error) - 1; /* the node keeps the start */
    }
    memcpy(it->task.error, why, len);
    it->task.error[len] = '\0';
    char err[512];
    int rc = store_save_migrate_task(&m->store, it->seq, &it->task, err,
                                     sizeof(err));
    if (rc != 0 && rc != COORD_NONODE) {
        log_warn("migrate slot %d: %s", it->task.slot_id, err);
    }
    migrator_retry_schedule(m, it->seq);
    migrator_remember(m, it, why);
    it->rc = -1;
}

/* Fail every item still going (rc 0) with 'why', unless the runner is
 * stopping (then it is not the tasks' fault: they resume at the next
 * start). */
static void migrator_fail_all(struct migrator *m, struct migrator_item *items,
                              size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].rc != 0) {
            continue;
        }
        if (atomic_load(&m->stop)) {
            log_info("migrate slot %d: interrupted by shutdown (%s)",
                     items[i].slot.id, why);
            items[i].rc = 1;
        } else {
            migrator_failed(m, &items[i], why);
        }
    }
}

/* The master of group 'gid' from 'cache', read and added when missing. */
static int migrator_cached_master(struct migrator *m,
                                  struct migrator_masters *cache, int gid,
                                  char *addr, size_t addrlen, char *err,
                                  size_t errlen)
{
    for (size_t i = 0; i < cache->n; i++) {
        if (cache->gid[i] == gid) {
            snprintf(addr, addrlen, "%s", cache->addr[i]);
            return 0;
        }
    }
    int rc = migrator_master(m, gid, addr, addrlen, err, errlen);
    if (rc == 0 && cache->n < SLOT_COUNT) {
        cache->gid[cache->n] = gid;
        snprintf(cache->addr[cache->n], sizeof(cache->addr[0]), "%s", addr);
        cache->n++;
    }
    return rc;
}

/* Prepare 'it' (task 'seq' loaded): read its slot, decide source and
 * target, find their masters (through 'cache'). Returns 0 to migrate it,
 * 1 when there is nothing to move (the task is done), -1 with it->err on
 * failure. */
static int migrator_prepare(struct migrator *m, struct migrator_item *it,
                            struct migrator_masters *cache)
{
    if (model_store_load_slot(&m->store, it->task.slot_id, &it->slot,
                              it->err, sizeof(it->err)) != 0) {
        return -1;
    }
    struct model_slot *slot = &it->slot;
    it->to = it->task.new_group;
    it->from = slot->group_id;
    if (slot->status == MODEL_SLOT_MIGRATE) {
        it->from = slot->migrate_from; /* resume where we stopped */
        it->to = slot->migrate_to;
    } else if (slot->status == MODEL_SLOT_PRE_MIGRATE) {
        it->from = slot->migrate_from >= 0 ? slot->migrate_from
                                           : slot->group_id;
    } else if (slot->status == MODEL_SLOT_OFFLINE) {
        log_warn("migrate slot %d: it is offline, nothing to move",
                 slot->id);
        return 1;
    } else if (it->from == it->to) {
        log_info("migrate slot %d: already in group %d", slot->id, it->to);
        return 1;
    }
    if (migrator_cached_master(m, cache, it->from, it->source,
                               sizeof(it->source), it->err,
                               sizeof(it->err)) != 0 ||
        migrator_cached_master(m, cache, it->to, it->target,
                               sizeof(it->target), it->err,
                               sizeof(it->err)) != 0) {
        return -1;
    }
    /* The node loses an old error; otherwise it is not written: the API
     * shows a task in flight as "migrating" from the progress, so a task
     * that runs once costs no write for it. */
    if (it->task.error[0] != '\0' ||
        strcmp(it->task.status, "error") == 0) {
        snprintf(it->task.status, sizeof(it->task.status), "migrating");
        it->task.error[0] = '\0';
        if (store_save_migrate_task(&m->store, it->seq, &it->task, it->err,
                                    sizeof(it->err)) != 0) {
            return -1;
        }
    }
    it->premigrate = slot->status != MODEL_SLOT_MIGRATE;
    log_info("migrate slot %d: group %d ('%s') -> group %d ('%s')",
             slot->id, it->from, it->source, it->to, it->target);
    return 0;
}

/* Begin the wave 'run' (each item prepared, rc 0): pre_migrate, then
 * migrate, each published and acknowledged. Sets run->begun unless
 * every item failed. */
static void migrator_wave_begin(struct migrator *m, struct migrator_run *run)
{
    struct migrator_item *items = run->items;
    size_t n = run->n;
    char err[1024];
    /* pre_migrate: the slots lock in every proxy, in-flight requests to
     * the old owner drain */
    struct migrator_item *pre = mem_calloc(n, sizeof(*pre));
    size_t npre = 0;
    for (size_t i = 0; i < n; i++) {
        if (items[i].premigrate) {
            struct model_slot *s = &items[i].slot;
            s->status = MODEL_SLOT_PRE_MIGRATE;
            s->migrate_from = items[i].from;
            s->migrate_to = items[i].to;
            s->migrate_method = m->mc.method;
            pre[npre++] = items[i];
        }
    }
    if (npre > 0 && migrator_publish(m, pre, npre,
                                     MODEL_ACTION_SLOT_PREMIGRATE, err,
                                     sizeof(err)) != 0) {
        /* Codis 2 rolls slots that never got to 'migrate' back */
        char why[512];
        for (size_t i = 0; i < npre; i++) {
            pre[i].slot.status = MODEL_SLOT_ONLINE;
            pre[i].slot.group_id = pre[i].from;
            pre[i].slot.migrate_from = pre[i].slot.migrate_to = -1;
            pre[i].slot.migrate_method = MODEL_MIGRATE_SYNC;
        }
        if (migrator_publish(m, pre, npre, MODEL_ACTION_SLOT_CHANGED, why,
                             sizeof(why)) != 0) {
            log_warn("migrate: roll back of %zu slots: %s", npre, why);
        }
        mem_free(pre);
        migrator_fail_all(m, items, n, err);
        return;
    }
    mem_free(pre);
    for (size_t i = 0; i < n; i++) {
        struct model_slot *s = &items[i].slot;
        s->status = MODEL_SLOT_MIGRATE;
        s->group_id = items[i].to;
        s->migrate_from = items[i].from;
        s->migrate_to = items[i].to;
        s->migrate_method = m->mc.method;
    }
    /* Again on resume: a proxy that missed it must not read the source
     * for keys that have moved. */
    if (migrator_publish(m, items, n, MODEL_ACTION_SLOT_MIGRATE, err,
                         sizeof(err)) != 0) {
        migrator_fail_all(m, items, n, err);
        return;
    }
    migrator_set_stage(m, items, n, "moving");
    run->begun = true;
}

/* End the wave 'run' whose keys moved (movers joined): record failures,
 * put the moved slots online on their new group, delete their tasks. */
static void migrator_wave_end(struct migrator *m, struct migrator_run *run)
{
    struct migrator_item *items = run->items;
    size_t n = run->n;
    char err[1024];
    if (!run->begun) {
        return; /* every item failed, and was recorded so */
    }
    for (size_t i = 0; i < n; i++) {
        if (items[i].rc < 0 && atomic_load(&m->stop)) {
            log_info("migrate slot %d: interrupted by shutdown (%s)",
                     items[i].slot.id, items[i].err);
            items[i].rc = 1;
        } else if (items[i].rc < 0) {
            items[i].rc = 0; /* for migrator_failed's bookkeeping */
            migrator_failed(m, &items[i], items[i].err);
        }
    }
    migrator_set_stage(m, items, n, "finishing");
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        if (items[i].rc == 0) {
            struct model_slot *s = &items[i].slot;
            s->status = MODEL_SLOT_ONLINE;
            s->group_id = items[i].to;
            s->migrate_from = s->migrate_to = -1;
            s->migrate_method = MODEL_MIGRATE_SYNC;
            done++;
        }
    }
    if (done == 0) {
        return;
    }
    if (migrator_publish(m, items, n, MODEL_ACTION_SLOT_CHANGED, err,
                         sizeof(err)) != 0) {
        migrator_fail_all(m, items, n, err);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (items[i].rc != 0) {
            continue;
        }
        pthread_mutex_lock(&m->mu);
        if (m->on_moved != NULL) {
            m->on_moved(m->on_moved_arg, items[i].slot.id, items[i].from);
        }
        pthread_mutex_unlock(&m->mu);
        if (store_remove_migrate_task(&m->store, items[i].seq, err,
                                      sizeof(err)) != 0) {
            log_warn("migrate slot %d: %s", items[i].slot.id, err);
        }
        migrator_retry_clear(m, items[i].seq);
        log_info("migrate slot %d: done, %lld keys moved to group %d",
                 items[i].slot.id, items[i].moved, items[i].to);
        migrator_remember(m, &items[i], NULL);
    }
}

/* Note the queue's state in the totals: 'queued' tasks wait. */
static void migrator_note_queue(struct migrator *m, size_t queued)
{
    pthread_mutex_lock(&m->mu);
    struct migrator_progress *p = m->progress;
    if (queued > 0 && !p->active) {
        p->active = true;
        p->slots_done = p->slots_failed = p->keys_moved = 0;
        p->elapsed_ms = 0;
        m->active_since = clock_now_ms();
    } else if (queued == 0 && p->active) {
        p->active = false;
        p->elapsed_ms = clock_now_ms() - m->active_since;
    }
    pthread_mutex_unlock(&m->mu);
}

/* True if task 'seq' or slot 'id' belongs to 'run' (may be NULL). */
static bool migrator_run_has(const struct migrator_run *run, const char *seq,
                             int id)
{
    for (size_t i = 0; run != NULL && i < run->n; i++) {
        if ((seq != NULL && strcmp(run->items[i].seq, seq) == 0) ||
            (id >= 0 && run->items[i].slot.id == id)) {
            return true;
        }
    }
    return false;
}

/* Forget the progress entries of the items of 'run'. */
static void migrator_progress_drop(struct migrator *m,
                                   const struct migrator_run *run)
{
    pthread_mutex_lock(&m->mu);
    struct migrator_progress *p = m->progress;
    size_t kept = 0;
    for (size_t i = 0; i < p->nslots; i++) {
        if (!migrator_run_has(run, p->slots[i].seq, -1)) {
            p->slots[kept++] = p->slots[i];
        }
    }
    p->nslots = kept;
    p->running = kept > 0;
    pthread_mutex_unlock(&m->mu);
}

static void migrator_run_free(struct migrator_run *run)
{
    if (run != NULL) {
        mem_free(run->items);
        mem_free(run);
    }
}

/* Take up to migration_parallel_slots tasks, the oldest first and one per
 * slot, leaving out the tasks and slots of 'moving' (the wave whose keys
 * move meanwhile, or NULL), and prepare them as a wave. Returns the wave,
 * or NULL if there is none now; '*worked' false when there was nothing to
 * do (the caller sleeps). */
static struct migrator_run *migrator_take(struct migrator *m,
                                          const struct migrator_run *moving,
                                          bool *worked_out)
{
    char err[1024];
    *worked_out = false;
    /* a request queueing a range is taken whole, as one wave, once it
     * has queued its last task (migrator_queue_end wakes us) */
    pthread_mutex_lock(&m->mu);
    bool queueing = m->queueing > 0;
    pthread_mutex_unlock(&m->mu);
    if (queueing) {
        return NULL;
    }
    char **seqs;
    size_t n;
    if (store_list_migrate_tasks(&m->store, &seqs, &n, err,
                                 sizeof(err)) != 0) {
        /* once per outage, not once a second */
        if (strcmp(err, m->list_err) != 0) {
            log_warn("migrate: %s", err);
            snprintf(m->list_err, sizeof(m->list_err), "%s", err);
        }
        return NULL;
    }
    if (m->list_err[0] != '\0') {
        log_info("migrate: the task list is readable again");
        m->list_err[0] = '\0';
    }
    migrator_note_queue(m, n);
    size_t max = (size_t)m->mc.parallel_slots;
    struct migrator_item *items = mem_calloc(max, sizeof(*items));
    static bool taken[SLOT_COUNT];
    memset(taken, 0, sizeof(taken));
    for (size_t i = 0; moving != NULL && i < moving->n; i++) {
        taken[moving->items[i].slot.id] = true;
    }
    size_t nitems = 0;
    struct migrator_masters *cache = mem_calloc(1, sizeof(*cache));
    long long now = clock_now_ms();
    bool worked = false;
    /* Claim each task before reading it, so migrator_cancel sees it. */
    for (size_t i = 0; i < n && nitems < max; i++) {
        struct migrator_retry *r = migrator_retry_find(m, seqs[i]);
        if ((r != NULL && now < r->at) ||
            migrator_run_has(moving, seqs[i], -1)) {
            continue;
        }
        struct migrator_item *it = &items[nitems];
        memset(it, 0, sizeof(*it));
        snprintf(it->seq, sizeof(it->seq), "%s", seqs[i]);
        it->start_ms = clock_now_ms();
        pthread_mutex_lock(&m->mu);
        struct migrator_slot *s =
            &m->progress->slots[m->progress->nslots++];
        memset(s, 0, sizeof(*s));
        snprintf(s->seq, sizeof(s->seq), "%s", seqs[i]);
        s->slot_id = -1;
        s->from = s->to = -1;
        s->remain = -1;
        s->stage = "preparing";
        m->progress->running = true;
        pthread_mutex_unlock(&m->mu);
        int rc = store_load_migrate_task(&m->store, seqs[i], &it->task, err,
                                         sizeof(err));
        bool keep = false;
        if (rc == COORD_NONODE) {
            migrator_retry_clear(m, seqs[i]); /* removed meanwhile */
        } else if (rc != 0) {
            log_warn("migrate: %s", err);
        } else if (it->task.slot_id < 0 || it->task.slot_id >= SLOT_COUNT ||
                   taken[it->task.slot_id]) {
            /* a later task of a slot of this wave waits for the next */
        } else {
            taken[it->task.slot_id] = true;
            worked = true;
            rc = migrator_prepare(m, it, cache);
            if (rc == 1) {
                if (store_remove_migrate_task(&m->store, seqs[i], err,
                                              sizeof(err)) != 0) {
                    log_warn("migrate slot %d: %s", it->task.slot_id, err);
                }
                migrator_retry_clear(m, seqs[i]);
                it->from = it->to = it->task.new_group;
                it->slot.id = it->task.slot_id;
                migrator_remember(m, it, NULL);
            } else if (rc < 0) {
                it->slot.id = it->task.slot_id;
                it->from = it->to = -1;
                migrator_failed(m, it, it->err);
            } else {
                keep = true;
            }
        }
        pthread_mutex_lock(&m->mu);
        if (keep) {
            s->slot_id = it->slot.id;
            s->from = it->from;
            s->to = it->to;
            nitems++;
        } else {
            m->progress->nslots--;
        }
        pthread_mutex_unlock(&m->mu);
    }
    coord_free_names(seqs, n);
    mem_free(cache);
    *worked_out = worked;
    if (nitems == 0) {
        mem_free(items);
        return NULL;
    }
    log_info("migrate: %zu slots in this wave", nitems);
    struct migrator_run *run = mem_calloc(1, sizeof(*run));
    run->items = items;
    run->n = nitems;
    return run;
}

/* The earliest retry time of a failing task, in ms from now, or 'wait'. */
static long long migrator_next_retry(struct migrator *m, long long wait)
{
    long long now = clock_now_ms();
    for (size_t i = 0; i < MIGRATOR_RETRIES; i++) {
        if (m->retries[i].seq[0] != '\0') {
            long long until = m->retries[i].at - now;
            if (until < 1) {
                until = 1;
            }
            if (until < wait) {
                wait = until;
            }
        }
    }
    return wait;
}

/* Waves overlap: while the keys of one move, the runner ends the wave
 * before it (online, tasks deleted) and begins the next (pre_migrate,
 * migrate), so the coordinator's and the proxies' rounds cost no time of
 * the key movement. No new wave begins while the operator holds the
 * queue. */
static void *migrator_thread(void *arg)
{
    struct migrator *m = arg;
    struct migrator_run *moving = NULL;
    while (!atomic_load(&m->stop)) {
        bool worked = false, paused;
        pthread_mutex_lock(&m->mu);
        paused = m->paused && moving != NULL;
        pthread_mutex_unlock(&m->mu);
        struct migrator_run *next = paused ? NULL
                                           : migrator_take(m, moving, &worked);
        if (next != NULL) {
            migrator_wave_begin(m, next);
        }
        if (moving != NULL) {
            migrator_movers_join(moving);
        }
        if (next != NULL && next->begun) {
            migrator_movers_start(m, next);
        }
        if (moving != NULL) {
            migrator_wave_end(m, moving);
            migrator_progress_drop(m, moving);
            migrator_run_free(moving);
            worked = true;
        }
        moving = next;
        if (moving != NULL && !moving->begun) {
            migrator_progress_drop(m, moving);
            migrator_run_free(moving);
            moving = NULL;
        }
        if (!worked && moving == NULL) {
            migrator_sleep(m, migrator_next_retry(m, MIGRATOR_IDLE_MS));
        }
    }
    if (moving != NULL) {
        migrator_movers_join(moving);
        migrator_wave_end(m, moving);
        migrator_progress_drop(m, moving);
        migrator_run_free(moving);
    }
    return NULL;
}

struct migrator *migrator_start(const struct model_config *cfg,
                                const struct migrator_config *mc,
                                int action_timeout_ms, char *err,
                                size_t errlen)
{
    struct migrator *m = mem_calloc(1, sizeof(*m));
    m->cfg = cfg;
    m->mc = *mc;
    if (m->mc.parallel_slots < 1) {
        m->mc.parallel_slots = 1;
    }
    if (m->mc.parallel_slots > SLOT_COUNT) {
        m->mc.parallel_slots = SLOT_COUNT;
    }
    m->progress = mem_calloc(1, sizeof(*m->progress));
    atomic_init(&m->stop, false);
    m->coord = model_store_open_coord(cfg, NULL, err, errlen);
    if (m->coord == NULL) {
        mem_free(m->progress);
        mem_free(m);
        return NULL;
    }
    model_store_init(&m->store, m->coord, cfg->product);
    m->store.action_timeout_ms = action_timeout_ms;
    /* each wave waits for three rounds of acks: look for them often */
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
        mem_free(m->progress);
        mem_free(m);
        return NULL;
    }
    return m;
}

const struct migrator_config *migrator_config(const struct migrator *m)
{
    return &m->mc;
}

void migrator_on_moved(struct migrator *m,
                       void (*fn)(void *arg, int slot, int from), void *arg)
{
    pthread_mutex_lock(&m->mu);
    m->on_moved = fn;
    m->on_moved_arg = arg;
    pthread_mutex_unlock(&m->mu);
}

void migrator_queue_begin(struct migrator *m)
{
    pthread_mutex_lock(&m->mu);
    m->queueing++;
    pthread_mutex_unlock(&m->mu);
}

void migrator_queue_end(struct migrator *m)
{
    pthread_mutex_lock(&m->mu);
    m->queueing--;
    m->wake = true;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->mu);
}

void migrator_set_paused(struct migrator *m, bool paused)
{
    pthread_mutex_lock(&m->mu);
    m->paused = paused;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->mu);
}

void migrator_progress(struct migrator *m, struct migrator_progress *out)
{
    pthread_mutex_lock(&m->mu);
    *out = *m->progress;
    out->paused = m->paused;
    out->held = m->held > 0;
    if (out->active) {
        out->elapsed_ms = clock_now_ms() - m->active_since;
    }
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
    for (size_t i = 0; i < m->progress->nslots; i++) {
        if (strcmp(m->progress->slots[i].seq, seq) == 0) {
            pthread_mutex_unlock(&m->mu);
            snprintf(err, errlen, "migrate task %s is running: it cannot "
                                  "be removed", seq);
            return COORD_EXISTS;
        }
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
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->mu);
    pthread_join(m->thread, NULL);
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->mu);
    coord_close(m->coord);
    mem_free(m->progress);
    mem_free(m);
}
