/* The proxy's coordinator mode: registration, slot table upkeep and the
 * action protocol; see topo.h for the flow. */
#include "roles/proxy/topo.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/event.h>

#include "lib/clock.h"
#include "lib/coord.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/model_store.h"
#include "lib/rclient.h"
#include "lib/slot.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

/* How often to look whether the workers run (and drained) a table. */
#define TOPO_POLL_MS 1
/* Pause before retrying after a coordinator failure. */
#define TOPO_RETRY_MS 1000
/* Longest wait for in-flight requests when leaving. */
#define TOPO_LEAVE_MS 3000
/* How long a registered peer gets to answer before it counts as dead. */
#define TOPO_PROBE_MS 1000
/* Longest action sequence name ("0000000042"). */
#define TOPO_SEQ_MAX 64
/* topo_load_action: the node holds no action we can read. */
#define TOPO_UNREADABLE (-100)

/* The state of coordinator mode (main thread only). */
struct topo {
    struct event_base *base;
    struct topo_config cfg;
    struct coord *coord;            /* owned */
    struct model_store store;
    struct model_proxy me;          /* our node, as last written or read */
    bool registered;                /* our node exists (as far as we know) */
    struct model_slot slots[SLOT_COUNT];
    struct model_group *groups;     /* owned, 'ngroups' of them */
    size_t ngroups;
    char last_seq[TOPO_SEQ_MAX];    /* newest action applied */
    char (*acks)[TOPO_SEQ_MAX];     /* applied, to acknowledge: owned */
    size_t nacks;
    uint64_t wait_version;          /* the acks wait for this table */
    bool waiting;                   /* acks wait for the workers */
    bool rescan;                    /* look at actions/ again */
    bool rewatch_self;              /* re-arm the own node's watch */
    bool recheck_self;              /* read the own node again */
    bool online;                    /* our state is online */
    bool lost;                      /* session expired, not back yet */
    bool leaving;                   /* mark_offline: on the way out */
    bool unfence;                   /* offline: drop the fence once the
                                       workers drained wait_version */
    bool rejoin;                    /* offline by no choice of an
                                       operator (a missed action, our node
                                       gone, a restart): online again once
                                       in step, with auto_online */
    long long rejoined_ts;          /* last_event_ts of the missed action
                                       already handled */
    long long leave_deadline_ms;
    struct event *timer;            /* polls and retries */
};

static struct topo *topo_st;

static void topo_scan(struct topo *t);
static void topo_watch_self(struct topo *t);
static int topo_fence(struct topo *t, bool present);

/* Run the timer in 'ms'. */
static void topo_arm(struct topo *t, int ms)
{
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    if (evtimer_add(t->timer, &tv) != 0) {
        log_error("coordinator: cannot arm a timer");
    }
}

void topo_public_addr(const char *addr, char *out, size_t outlen)
{
    const char *colon = strrchr(addr, ':');
    size_t hlen = colon != NULL ? (size_t)(colon - addr) : 0;
    bool any = colon != NULL &&
               (hlen == 0 || (hlen == 7 && strncmp(addr, "0.0.0.0", 7) == 0) ||
                (hlen == 4 && strncmp(addr, "[::]", 4) == 0));
    char host[256];
    if (any && gethostname(host, sizeof(host) - 1) == 0) {
        host[sizeof(host) - 1] = '\0';
        snprintf(out, outlen, "%s%s", host, colon);
        return;
    }
    snprintf(out, outlen, "%s", addr);
}

/* ---- the table ------------------------------------------------------- */

/* The address of the master of group 'gid', or NULL (counted in
 * '*problems' with a log line naming 'slot'). */
static const char *topo_master(const struct model_group *groups, size_t n,
                               int gid, int slot, int *problems)
{
    for (size_t i = 0; i < n; i++) {
        if (groups[i].id != gid) {
            continue;
        }
        const struct model_server *m = model_group_master(&groups[i]);
        if (m == NULL) {
            break;
        }
        return m->addr;
    }
    if (*problems == 0) {
        log_warn("slot %d: group %d has no master; the slot is offline "
                 "until it has one", slot, gid);
    }
    (*problems)++;
    return NULL;
}

/* Give slot 'id' of 'map' the slaves of group 'gid', for replica reads. */
static void topo_replicas(struct slotmap *map, unsigned id,
                          const struct model_group *groups, size_t n,
                          int gid)
{
    for (size_t i = 0; i < n; i++) {
        if (groups[i].id != gid) {
            continue;
        }
        for (size_t k = 0; k < groups[i].count; k++) {
            const struct model_server *sv = &groups[i].servers[k];
            char err[256];
            if (sv->type == MODEL_SERVER_SLAVE &&
                slotmap_add_replica(map, id, sv->addr, err,
                                    sizeof(err)) != 0) {
                log_debug("%s", err);
            }
        }
    }
}

struct slotmap *topo_build(const struct model_slot *slots,
                           const struct model_group *groups, size_t ngroups,
                           int *problems)
{
    int bad = 0;
    struct slotmap *map = slotmap_new();
    for (int i = 0; i < SLOT_COUNT; i++) {
        const struct model_slot *s = &slots[i];
        if (s->status == MODEL_SLOT_OFFLINE || s->group_id < 1) {
            continue;
        }
        const char *owner = topo_master(groups, ngroups, s->group_id, i,
                                        &bad);
        if (owner == NULL) {
            continue;
        }
        const char *from = NULL;
        if (s->status == MODEL_SLOT_MIGRATE && s->migrate_from >= 1 &&
            s->migrate_from != s->group_id) {
            from = topo_master(groups, ngroups, s->migrate_from, i, &bad);
            if (from == NULL) {
                continue;
            }
        }
        char err[256];
        if (slotmap_set(map, (unsigned)i, owner, from,
                        s->status == MODEL_SLOT_PRE_MIGRATE, err,
                        sizeof(err)) != 0) {
            if (bad == 0) {
                log_warn("slot %d: %s", i, err);
            }
            bad++;
            slotmap_set(map, (unsigned)i, NULL, NULL, false, err,
                        sizeof(err));
            continue;
        }
        map->slots[i].semi_async =
            map->slots[i].migrate_from != SLOTMAP_NONE &&
            s->migrate_method == MODEL_MIGRATE_SEMI_ASYNC;
        topo_replicas(map, (unsigned)i, groups, ngroups, s->group_id);
    }
    if (bad > 1) {
        log_warn("%d slots cannot be served as the coordinator says", bad);
    }
    if (problems != NULL) {
        *problems = bad;
    }
    return map;
}

/* Publish the table the model now gives; returns its version. */
static uint64_t topo_publish(struct topo *t)
{
    struct slotmap *map = topo_build(t->slots, t->groups, t->ngroups, NULL);
    map->online = t->online && !t->lost && !t->leaving;
    worker_publish(map);
    return worker_current()->version;
}

/* ---- the model ------------------------------------------------------- */

/* Re-read slot 'id'. */
static int topo_reload_slot(struct topo *t, int id, char *err, size_t errlen)
{
    struct model_slot slot;
    int rc = model_store_load_slot(&t->store, id, &slot, err, errlen);
    if (rc == COORD_NONODE) {
        model_slot_init(&slot, t->store.product, id);
    } else if (rc != COORD_OK) {
        return -1;
    }
    t->slots[id] = slot;
    return 0;
}

/* Forget group 'gid' (if cached). */
static void topo_drop_group(struct topo *t, int gid)
{
    for (size_t i = 0; i < t->ngroups; i++) {
        if (t->groups[i].id == gid) {
            model_group_release(&t->groups[i]);
            t->groups[i] = t->groups[--t->ngroups];
            return;
        }
    }
}

/* Re-read group 'gid' (gone: forgotten). */
static int topo_reload_group(struct topo *t, int gid, char *err,
                             size_t errlen)
{
    struct model_group g;
    int rc = model_store_load_group(&t->store, gid, &g, err, errlen);
    if (rc == COORD_NONODE) {
        topo_drop_group(t, gid);
        return 0;
    }
    if (rc != COORD_OK) {
        return -1;
    }
    topo_drop_group(t, gid);
    t->groups = mem_realloc(t->groups, (t->ngroups + 1) * sizeof(*t->groups));
    t->groups[t->ngroups++] = g;
    return 0;
}

/* Read every group and slot. Slots that were never initialised are
 * offline. */
static int topo_load_all(struct topo *t, char *err, size_t errlen)
{
    struct model_group *groups;
    size_t n;
    if (model_store_load_groups(&t->store, &groups, &n, err, errlen) != 0) {
        return -1;
    }
    model_store_free_groups(t->groups, t->ngroups);
    t->groups = groups;
    t->ngroups = n;
    for (int i = 0; i < SLOT_COUNT; i++) {
        if (topo_reload_slot(t, i, err, errlen) != 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- actions --------------------------------------------------------- */

/* True if 'a' lists this very proxy (same id, pid and start) among its
 * receivers. */
static bool topo_is_receiver(const struct topo *t, const struct model_action *a)
{
    for (size_t i = 0; i < a->nreceivers; i++) {
        const struct model_proxy *p = &a->receivers[i];
        if (strcmp(p->id, t->me.id) == 0 && p->pid == t->me.pid &&
            strcmp(p->start_at, t->me.start_at) == 0) {
            return true;
        }
    }
    return false;
}

/* Re-read what action 'a' names. A target we cannot read is logged and
 * skipped (re-reading cannot help). Returns 0, or -1 with 'err' on a
 * coordinator failure. */
static int topo_apply(struct topo *t, const char *seq,
                      const struct model_action *a, char *err, size_t errlen)
{
    char why[256];
    long long id;
    struct model_slot_range range;
    switch (a->type) {
    case MODEL_ACTION_SLOT_CHANGED:
    case MODEL_ACTION_SLOT_PREMIGRATE:
    case MODEL_ACTION_SLOT_MIGRATE:
        if (json_get_int(a->target, "id", true, 0, &id, why, sizeof(why)) ||
            id < 0 || id >= SLOT_COUNT) {
            log_warn("action %s: bad slot in target, ignored", seq);
            return 0;
        }
        return topo_reload_slot(t, (int)id, err, errlen);
    case MODEL_ACTION_MULTI_SLOT_CHANGED:
        if (model_slot_range_from_json(a->target, &range, why,
                                       sizeof(why)) != 0 ||
            range.from < 0 || range.to >= SLOT_COUNT ||
            range.from > range.to) {
            log_warn("action %s: bad slot range in target, ignored", seq);
            return 0;
        }
        for (int i = range.from; i <= range.to; i++) {
            if (topo_reload_slot(t, i, err, errlen) != 0) {
                return -1;
            }
        }
        return 0;
    case MODEL_ACTION_GROUP_CHANGED:
    case MODEL_ACTION_GROUP_REMOVE:
        if (json_get_int(a->target, "id", true, 0, &id, why, sizeof(why)) ||
            id < 1 || id > INT32_MAX) {
            log_warn("action %s: bad group in target, ignored", seq);
            return 0;
        }
        return topo_reload_group(t, (int)id, err, errlen);
    }
    return 0;
}

/* Read action 'seq' into 'a' (model_action_release). Returns 0,
 * COORD_NONODE, TOPO_UNREADABLE (bad JSON: 'err' says why) or another
 * negative code for a coordinator failure. */
static int topo_load_action(struct topo *t, const char *seq,
                            struct model_action *a, char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_action(path, sizeof(path), t->store.product, seq) != 0) {
        snprintf(err, errlen, "coordinator path too long");
        return TOPO_UNREADABLE;
    }
    char *data = NULL;
    size_t len = 0;
    int rc = coord_get(t->coord, path, &data, &len, NULL);
    if (rc != COORD_OK) {
        snprintf(err, errlen, "cannot read action %s: %.200s", seq,
                 rc == COORD_ERROR && t->coord->err[0] ? t->coord->err
                                                       : coord_strerror(rc));
        return rc;
    }
    cJSON *json = json_parse(data, len, err, errlen);
    mem_free(data);
    if (json == NULL) {
        return TOPO_UNREADABLE;
    }
    rc = model_action_from_json(json, a, err, errlen);
    cJSON_Delete(json);
    return rc == 0 ? COORD_OK : TOPO_UNREADABLE;
}

/* Apply every action newer than the last one, then publish one table
 * and wait (timer) until the workers run it to acknowledge them. */
static void topo_scan(struct topo *t)
{
    if (t->waiting || t->lost || t->leaving) {
        t->rescan = true;
        return;
    }
    t->rescan = false;
    char err[512];
    char **seqs;
    size_t n;
    if (model_store_list_actions(&t->store, &seqs, &n, err,
                                 sizeof(err)) != 0) {
        log_error("%s; retrying", err);
        t->rescan = true;
        topo_arm(t, TOPO_RETRY_MS);
        return;
    }
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(seqs[i], t->last_seq) <= 0 ||
            strlen(seqs[i]) >= TOPO_SEQ_MAX) {
            continue;
        }
        struct model_action a;
        int rc = topo_load_action(t, seqs[i], &a, err, sizeof(err));
        if (rc == COORD_NONODE) {
            continue; /* collected already */
        }
        if (rc == TOPO_UNREADABLE) {
            /* nothing to apply, nobody to answer */
            log_warn("action %s skipped: %s", seqs[i], err);
            snprintf(t->last_seq, sizeof(t->last_seq), "%s", seqs[i]);
            continue;
        }
        if (rc == COORD_OK && topo_apply(t, seqs[i], &a, err,
                                         sizeof(err)) != 0) {
            rc = COORD_ERROR;
            model_action_release(&a);
        }
        if (rc != COORD_OK) {
            log_error("action %s: %s; retrying", seqs[i], err);
            t->rescan = true;
            topo_arm(t, TOPO_RETRY_MS);
            break;
        }
        log_info("action %s: %s applied", seqs[i],
                 model_action_type_name(a.type));
        if (topo_is_receiver(t, &a)) {
            t->acks = mem_realloc(t->acks, (t->nacks + 1) * sizeof(*t->acks));
            snprintf(t->acks[t->nacks++], TOPO_SEQ_MAX, "%s", seqs[i]);
        }
        model_action_release(&a);
        snprintf(t->last_seq, sizeof(t->last_seq), "%s", seqs[i]);
        changed = true;
    }
    coord_free_names(seqs, n);
    if (changed) {
        t->wait_version = topo_publish(t);
        t->waiting = true;
        topo_arm(t, TOPO_POLL_MS);
    }
}

/* The workers run the table the acks waited for: send them. Those the
 * coordinator refused stay for a retry (the timer is armed). */
static void topo_ack_all(struct topo *t)
{
    size_t kept = 0;
    for (size_t i = 0; i < t->nacks; i++) {
        char err[512];
        if (model_store_ack_action(&t->store, t->acks[i], &t->me, err,
                                   sizeof(err)) != 0) {
            log_error("action %s: %s; retrying", t->acks[i], err);
            memmove(t->acks[kept++], t->acks[i], TOPO_SEQ_MAX);
        }
    }
    t->nacks = kept;
    t->waiting = kept > 0;
    if (t->waiting) {
        topo_arm(t, TOPO_RETRY_MS);
    }
}

static void topo_on_actions(struct coord *coord, const char *path, void *arg)
{
    struct topo *t = arg;
    if (t->lost || t->leaving) {
        return; /* watches are re-armed when registered again */
    }
    if (coord_watch_children(coord, path, topo_on_actions, t) != 0) {
        log_error("cannot watch '%s': %s; polling", path, coord->err);
        t->rescan = true;
        topo_arm(t, TOPO_RETRY_MS);
    }
    topo_scan(t);
}

/* ---- registration and state ------------------------------------------ */

/* Our node exists though we did not create it: fine if its proxy is gone
 * (kill -9 before its session ended), then remove it. Returns 0 (removed
 * or gone), or -1 with 'err' naming the proxy that still runs. */
static int topo_replace_stale(struct topo *t, char *err, size_t errlen)
{
    struct model_proxy other;
    int rc = model_store_load_proxy(&t->store, t->me.id, &other, err,
                                    errlen);
    if (rc == COORD_NONODE) {
        return 0;
    }
    if (rc != COORD_OK) {
        return -1;
    }
    /* We hold our listen address, so a node naming it is a dead one's. */
    bool stale = strcmp(other.addr, t->me.addr) == 0;
    if (!stale) {
        char why[256];
        struct rclient *probe = rclient_connect(other.addr, NULL,
                                                TOPO_PROBE_MS, why,
                                                sizeof(why));
        stale = probe == NULL;
        rclient_close(probe);
    }
    if (!stale) {
        snprintf(err, errlen, "proxy '%s' is already registered and running "
                 "(pid %d, addr %s, started %s): stop it or give this one "
                 "another proxy_id", other.id, other.pid, other.addr,
                 other.start_at);
        return -1;
    }
    log_warn("replacing the registration of proxy '%s' left by pid %d "
             "(%s), which is gone", other.id, other.pid, other.addr);
    if (other.state == MODEL_PROXY_ONLINE && !t->online) {
        t->rejoin = true; /* it was online: so are we, once registered */
    }
    char path[MODEL_PATH_MAX];
    if (model_path_proxy(path, sizeof(path), t->store.product,
                         t->me.id) != 0) {
        snprintf(err, errlen, "coordinator path too long");
        return -1;
    }
    rc = coord_remove(t->coord, path, -1);
    if (rc != COORD_OK && rc != COORD_NONODE) {
        snprintf(err, errlen, "cannot remove the stale node of proxy '%s': "
                 "%s", t->me.id, t->coord->err[0] ? t->coord->err
                                                  : coord_strerror(rc));
        return -1;
    }
    return 0;
}

/* Create or remove the fence of our address: it says "a proxy may serve
 * here", so it exists exactly while we are online (Codis 2 makes it at
 * registration, which lets a proxy that never went online block every
 * slot change). Returns 0 or -1. */
static int topo_fence(struct topo *t, bool present)
{
    char path[MODEL_PATH_MAX];
    if (model_path_fence(path, sizeof(path), t->store.product,
                         t->me.addr) != 0) {
        return -1;
    }
    int rc = present ? coord_create(t->coord, path, NULL, 0,
                                    COORD_PERSISTENT, NULL, 0)
                     : coord_remove(t->coord, path, -1);
    if (rc == COORD_OK || rc == (present ? COORD_EXISTS : COORD_NONODE)) {
        return 0;
    }
    log_error("cannot %s the fence of '%s': %s",
              present ? "create" : "remove", t->me.addr,
              rc == COORD_ERROR && t->coord->err[0] ? t->coord->err
                                                    : coord_strerror(rc));
    return -1;
}

/* Register (state from t->online), watch, load everything, publish. */
static int topo_register(struct topo *t, char *err, size_t errlen)
{
    /* Actions older than our node cannot list us, and what they changed
     * is in the model we load below. */
    char **seqs;
    size_t n;
    if (model_store_list_actions(&t->store, &seqs, &n, err, errlen) != 0) {
        return -1;
    }
    if (n > 0 && strlen(seqs[n - 1]) < TOPO_SEQ_MAX &&
        strcmp(seqs[n - 1], t->last_seq) > 0) {
        snprintf(t->last_seq, sizeof(t->last_seq), "%s", seqs[n - 1]);
    }
    coord_free_names(seqs, n);
    t->me.state = t->online ? MODEL_PROXY_ONLINE : MODEL_PROXY_OFFLINE;
    int rc = model_store_register_proxy(&t->store, &t->me, err, errlen);
    if (rc == COORD_EXISTS && topo_replace_stale(t, err, errlen) == 0) {
        rc = model_store_register_proxy(&t->store, &t->me, err, errlen);
        if (rc == COORD_EXISTS) {
            snprintf(err, errlen, "proxy '%s' is already registered",
                     t->me.id);
        }
    }
    if (rc != COORD_OK || (!t->online && topo_fence(t, false) != 0)) {
        /* the fence was made first: ours, unless a live proxy shares our
         * address, which cannot be since we listen on it */
        topo_fence(t, false);
        if (rc == COORD_OK) {
            snprintf(err, errlen, "cannot remove the fence of '%s': %s",
                     t->me.addr, t->coord->err);
            char why[256];
            model_store_unregister_proxy(&t->store, &t->me, why,
                                         sizeof(why));
        }
        return -1;
    }
    t->registered = true;
    char path[MODEL_PATH_MAX];
    if (model_path_actions(path, sizeof(path), t->store.product) != 0 ||
        coord_watch_children(t->coord, path, topo_on_actions, t) != 0) {
        snprintf(err, errlen, "cannot watch the actions: %s", t->coord->err);
        return -1;
    }
    if (topo_load_all(t, err, errlen) != 0) {
        return -1;
    }
    t->lost = false;
    topo_watch_self(t);
    topo_publish(t);
    log_info("proxy '%s' registered (%s), %zu groups", t->me.id,
             model_proxy_state_name(t->me.state), t->ngroups);
    return 0;
}

/* Remove our node and fence. */
static void topo_deregister(struct topo *t)
{
    if (!t->registered) {
        return;
    }
    char err[512];
    if (model_store_unregister_proxy(&t->store, &t->me, err,
                                     sizeof(err)) != 0) {
        log_error("%s", err);
    }
    t->registered = false;
    log_info("proxy '%s' deregistered", t->me.id);
}

/* Go online again on our own (rejoin is set, we are offline and no
 * longer fenced): reload everything, then set our node online; the watch
 * on it does the rest as for an operator's "proxy online". */
static void topo_rejoin(struct topo *t)
{
    if (!t->rejoin || t->online || t->lost || t->leaving) {
        return;
    }
    if (!t->cfg.auto_online) {
        t->rejoin = false;
        log_warn("proxy '%s' is offline; proxy_auto_online is off: waiting "
                 "for 'proxy online'", t->me.id);
        return;
    }
    char err[512];
    if (topo_load_all(t, err, sizeof(err)) != 0 ||
        model_store_set_proxy_state(&t->store, t->me.id, MODEL_PROXY_ONLINE,
                                    err, sizeof(err)) != 0) {
        log_error("proxy '%s' cannot go online again: %s; retrying",
                  t->me.id, err);
        topo_arm(t, TOPO_RETRY_MS);
        return;
    }
    t->rejoin = false;
    log_info("proxy '%s' reloaded the cluster and asked to be online again "
             "(proxy_auto_online)", t->me.id);
}

/* mark_offline by an operator: stop taking work, drain, go. */
static void topo_leave(struct topo *t, const char *why)
{
    if (t->leaving) {
        return;
    }
    log_info("proxy '%s' %s: leaving", t->me.id, why);
    t->leaving = true;
    t->nacks = 0;
    t->waiting = false;
    if (t->cfg.stop_accepting != NULL) {
        t->cfg.stop_accepting(t->cfg.arg);
    }
    t->wait_version = topo_publish(t);
    t->leave_deadline_ms = clock_now_ms() + TOPO_LEAVE_MS;
    topo_arm(t, TOPO_POLL_MS);
}

/* Read our node and act on its state. */
static void topo_check_self(struct topo *t)
{
    t->recheck_self = false;
    struct model_proxy now;
    char err[512];
    int rc = model_store_load_proxy(&t->store, t->me.id, &now, err,
                                    sizeof(err));
    if (rc == COORD_NONODE) {
        /* not a reason to exit: register again, offline, and go online
         * again if we were */
        log_warn("proxy '%s' was removed from the coordinator: registering "
                 "again", t->me.id);
        t->rejoin = t->rejoin || t->online;
        t->online = false;
        t->registered = false;
        t->lost = true;
        t->nacks = 0;
        t->waiting = false;
        topo_publish(t);
        topo_arm(t, 0);
        return;
    }
    if (rc != COORD_OK) {
        log_error("%s; retrying", err);
        t->recheck_self = true;
        topo_arm(t, TOPO_RETRY_MS);
        return;
    }
    t->me.state = now.state;
    switch (now.state) {
    case MODEL_PROXY_MARK_OFFLINE:
        topo_leave(t, "is marked offline");
        return;
    case MODEL_PROXY_ONLINE:
        if (!t->online) {
            if (topo_fence(t, true) != 0) {
                t->recheck_self = true;
                topo_arm(t, TOPO_RETRY_MS);
                return;
            }
            t->online = true;
            t->unfence = false;
            topo_publish(t);
            log_info("proxy '%s' is online", t->me.id);
        }
        return;
    case MODEL_PROXY_OFFLINE:
        if (t->online) {
            t->online = false;
            t->wait_version = topo_publish(t);
            t->unfence = true;
            topo_arm(t, TOPO_POLL_MS);
            log_info("proxy '%s' is offline%s%s", t->me.id,
                     now.last_event[0] ? ": " : "", now.last_event);
            if (strncmp(now.last_event, "missed action", 13) == 0 &&
                now.last_event_ts != t->rejoined_ts) {
                t->rejoined_ts = now.last_event_ts;
                t->rejoin = true;
            }
        }
        return;
    }
}

static void topo_on_self(struct coord *coord, const char *path, void *arg);

/* Arm the watch on our node, then read it. */
static void topo_watch_self(struct topo *t)
{
    t->rewatch_self = false;
    char path[MODEL_PATH_MAX];
    if (model_path_proxy(path, sizeof(path), t->store.product,
                         t->me.id) != 0) {
        return;
    }
    if (coord_watch_data(t->coord, path, topo_on_self, t) != 0) {
        log_error("cannot watch '%s': %s; retrying", path, t->coord->err);
        t->rewatch_self = true;
        topo_arm(t, TOPO_RETRY_MS);
        return;
    }
    topo_check_self(t);
}

static void topo_on_self(struct coord *coord, const char *path, void *arg)
{
    struct topo *t = arg;
    if (t->lost || t->leaving) {
        return;
    }
    topo_watch_self(t);
}

static void topo_on_session(struct coord *coord,
                            enum coord_session_event event, void *arg)
{
    struct topo *t = arg;
    if (t->leaving) {
        return;
    }
    if (event == COORD_SESSION_EXPIRED) {
        log_warn("coordinator session expired: proxy '%s' stops serving "
                 "until it is registered again", t->me.id);
        t->lost = true;
        t->registered = false;
        t->nacks = 0;
        t->waiting = false;
        topo_publish(t);
    } else if (event == COORD_SESSION_CONNECTED && t->lost) {
        topo_arm(t, 0);
    }
}

static void topo_on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct topo *t = arg;
    if (t->leaving) {
        if (worker_all_drained(t->wait_version) ||
            clock_now_ms() >= t->leave_deadline_ms) {
            topo_deregister(t);
            event_base_loopexit(t->base, NULL);
        } else {
            topo_arm(t, TOPO_POLL_MS);
        }
        return;
    }
    if (t->lost) {
        char err[512];
        if (topo_register(t, err, sizeof(err)) != 0) {
            log_error("cannot register again: %s; retrying", err);
            topo_arm(t, TOPO_RETRY_MS);
        } else {
            topo_rejoin(t);
        }
        return;
    }
    if (t->waiting || t->unfence) {
        if (!worker_all_drained(t->wait_version)) {
            topo_arm(t, TOPO_POLL_MS);
            return;
        }
        if (t->waiting) {
            topo_ack_all(t);
            if (t->waiting) {
                return;
            }
        }
        if (t->unfence && !t->online) {
            t->unfence = topo_fence(t, false) != 0;
            if (t->unfence) {
                topo_arm(t, TOPO_RETRY_MS);
                return;
            }
        }
    }
    if (t->rejoin && !t->unfence) {
        topo_rejoin(t);
    }
    if (t->rewatch_self) {
        topo_watch_self(t);
    } else if (t->recheck_self) {
        topo_check_self(t);
    }
    if (t->rescan) {
        topo_scan(t);
    }
}

/* ---- start and stop -------------------------------------------------- */

int topo_check_config(const struct topo_config *cfg, char *err,
                      size_t errlen)
{
    const char *id = cfg->proxy_id;
    if (id == NULL || id[0] == '\0') {
        snprintf(err, errlen, "config: 'proxy_id' is required to register "
                 "with the coordinator");
        return -1;
    }
    if (strlen(id) >= MODEL_NAME_MAX || strchr(id, '/') != NULL ||
        strcmp(id, ".") == 0 || strcmp(id, "..") == 0) {
        snprintf(err, errlen, "config: bad 'proxy_id' '%.*s' (a name "
                 "without '/', shorter than %d bytes)", MODEL_NAME_MAX, id,
                 MODEL_NAME_MAX);
        return -1;
    }
    return 0;
}

/* Fill t->me from the config. */
static int topo_me(struct topo *t, char *err, size_t errlen)
{
    struct model_proxy *me = &t->me;
    memset(me, 0, sizeof(*me));
    if (topo_check_config(&t->cfg, err, errlen) != 0) {
        return -1;
    }
    snprintf(me->id, sizeof(me->id), "%s", t->cfg.proxy_id);
    topo_public_addr(t->cfg.addr, me->addr, sizeof(me->addr));
    topo_public_addr(t->cfg.http_addr, me->debug_var_addr,
                     sizeof(me->debug_var_addr));
    me->pid = (int)getpid();
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm) == NULL ||
        strftime(me->start_at, sizeof(me->start_at), "%Y-%m-%d %H:%M:%S",
                 &tm) == 0) {
        snprintf(me->start_at, sizeof(me->start_at), "%lld",
                 (long long)now);
    }
    me->state = MODEL_PROXY_OFFLINE;
    return 0;
}

int topo_start(struct event_base *base, const struct topo_config *cfg,
               char *err, size_t errlen)
{
    struct topo *t = mem_calloc(1, sizeof(*t));
    t->base = base;
    t->cfg = *cfg;
    if (topo_me(t, err, errlen) != 0) {
        mem_free(t);
        return -1;
    }
    t->timer = evtimer_new(base, topo_on_timer, t);
    if (t->timer == NULL) {
        snprintf(err, errlen, "cannot make a timer");
        mem_free(t);
        return -1;
    }
    topo_st = t;
    t->coord = model_store_open_coord(&cfg->model, base, err, errlen);
    if (t->coord == NULL) {
        topo_stop();
        return -1;
    }
    model_store_init(&t->store, t->coord, cfg->model.product);
    coord_set_session_fn(t->coord, topo_on_session, t);
    if (model_store_setup(&t->store, err, errlen) != 0) {
        topo_stop();
        return -1;
    }
    /* A fence of our address outlives a crash: we were online. */
    char path[MODEL_PATH_MAX];
    if (model_path_fence(path, sizeof(path), t->store.product,
                         t->me.addr) == 0 &&
        coord_exists(t->coord, path) == 1) {
        t->rejoin = true;
    }
    if (topo_register(t, err, errlen) != 0) {
        topo_stop();
        return -1;
    }
    topo_rejoin(t);
    return 0;
}

void topo_stop(void)
{
    struct topo *t = topo_st;
    if (t == NULL) {
        return;
    }
    topo_deregister(t);
    coord_close(t->coord);
    event_free(t->timer);
    model_store_free_groups(t->groups, t->ngroups);
    mem_free(t->acks);
    mem_free(t);
    topo_st = NULL;
}
