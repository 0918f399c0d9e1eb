/* Replication-aware promotion and the group keeper; see failover.h for
 * the flow. Threads: the keeper's thread runs failover_thread with its
 * own coordinator handle; the event loop's thread calls failover_promote
 * (with the loop's handle), failover_server_json and
 * failover_status_json. The observations ('seen') and the status are
 * guarded by 'mu'; servers and the coordinator are called outside it.
 * Two promotions never overlap: both take the product's operation lock. */
#include "roles/dashboard/failover.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/clock.h"
#include "lib/coord.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "roles/dashboard/store.h"
#include "lib/rclient.h"
#include "lib/slot.h"
#include "roles/dashboard/serverinfo.h"

/* How often the keeper looks at every server. */
#define FAILOVER_TICK_MS 1000
/* Timeout of each call the keeper or a promotion makes to a server. */
#define FAILOVER_CALL_MS 1000
/* Timeout of a PING that asks whether a server is alive. */
#define FAILOVER_PING_MS 500
/* A candidate's link to the master must have been seen up at most this
 * long before the master was last seen alive. */
#define FAILOVER_LINK_GRACE_MS 5000
/* How long a fenced old master's slave gets to catch up. */
#define FAILOVER_CATCHUP_MS 10000
/* How long a promotion waits for the operation lock. */
#define FAILOVER_LOCK_WAIT_MS 10000
/* The min-replicas-to-write that fences a master: no write passes. */
#define FAILOVER_FENCE_REPLICAS "2147483647"
/* How often the keeper writes down what it saw of a group when nothing
 * changed (see failover_persist): well under FAILOVER_LINK_GRACE_MS. */
#define FAILOVER_PERSIST_MS 2000
/* The longest replication or run id we keep (40 hex digits). */
#define FAILOVER_ID_MAX 48

/* What one read of INFO says about a server. */
struct failover_info {
    bool slave;                     /* role:slave */
    char master[MODEL_ADDR_MAX];    /* master_host:master_port if slave */
    bool link_up;                   /* master_link_status:up */
    char replid[FAILOVER_ID_MAX];   /* master_replid */
    char run_id[FAILOVER_ID_MAX];
    long long offset;               /* slave_repl_offset or
                                       master_repl_offset */
};

/* What the keeper remembers of one server. */
struct failover_seen {
    char addr[MODEL_ADDR_MAX];
    bool answered;                  /* the last read worked */
    char err[512];                  /* why it did not */
    struct failover_info info;      /* the last good read */
    long long alive_ms;             /* monotonic ms of the last good read */
    long long synced_ms;            /* last seen following its group's
                                       master with the link up */
    char synced_master[MODEL_ADDR_MAX];
    char synced_run_id[FAILOVER_ID_MAX];
    long long lag;                  /* its master's offset minus its own,
                                       -1 when unknown */
};

struct failover {
    const struct model_config *cfg; /* borrowed */
    struct coord *coord;            /* owned, the keeper thread's */
    struct model_store store;       /* over 'coord' */
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t mu;             /* guards what follows */
    pthread_cond_t cond;            /* 'stop' was set */
    struct failover_seen *seen;     /* owned, 'nseen' of them */
    size_t nseen;
    cJSON *status;                  /* owned: {"<gid>": {...}} */
    /* per slot, the group a migrate task was seen moving it from (0:
     * none; under 'mu': failover_note_moved writes it from the migrate
     * runner), and (keeper thread only) the group whose orphan keys in
     * it were last reported */
    int moved_from[SLOT_COUNT];
    int reported[SLOT_COUNT];
    /* keeper thread only: the records of failover_persist */
    bool loaded;                    /* failover_load_seen ran */
    struct failover_written *written;
    size_t nwritten;
};

/* What the keeper last wrote down of one group. */
struct failover_written {
    int gid;
    char *text;                     /* owned: the record minus its times */
    long long at_ms;                /* monotonic ms of the write */
};

/* ---- observations ---------------------------------------------------- */

static void failover_copy_str(const cJSON *info, const char *key, char *out,
                              size_t outlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(info, key);
    snprintf(out, outlen, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static long long failover_get_ll(const cJSON *info, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(info, key);
    return cJSON_IsString(v) ? strtoll(v->valuestring, NULL, 10) : -1;
}

/* Read INFO of 'addr' into 'out'. Returns 0 or -1 with 'err' filled. */
static int failover_read(struct failover *f, const char *addr,
                         struct failover_info *out, char *err,
                         size_t errlen)
{
    cJSON *info = serverinfo_fetch(addr, f->cfg->password, FAILOVER_CALL_MS,
                                   err, errlen);
    if (info == NULL) {
        return -1;
    }
    memset(out, 0, sizeof(*out));
    char role[16];
    failover_copy_str(info, "role", role, sizeof(role));
    out->slave = strcmp(role, "slave") == 0;
    if (out->slave) {
        char host[MODEL_ADDR_MAX - 24];
        failover_copy_str(info, "master_host", host, sizeof(host));
        snprintf(out->master, sizeof(out->master), "%s:%lld", host,
                 failover_get_ll(info, "master_port"));
        char link[16];
        failover_copy_str(info, "master_link_status", link, sizeof(link));
        out->link_up = strcmp(link, "up") == 0;
        out->offset = failover_get_ll(info, "slave_repl_offset");
    } else {
        out->offset = failover_get_ll(info, "master_repl_offset");
    }
    failover_copy_str(info, "master_replid", out->replid,
                      sizeof(out->replid));
    failover_copy_str(info, "run_id", out->run_id, sizeof(out->run_id));
    cJSON_Delete(info);
    if (role[0] == '\0') {
        snprintf(err, errlen, "'%s' replied to INFO without a role", addr);
        return -1;
    }
    return 0;
}

/* The record of 'addr', created if missing. Under 'mu'. */
static struct failover_seen *failover_seen_of(struct failover *f,
                                              const char *addr)
{
    for (size_t i = 0; i < f->nseen; i++) {
        if (strcmp(f->seen[i].addr, addr) == 0) {
            return &f->seen[i];
        }
    }
    f->seen = mem_realloc(f->seen, (f->nseen + 1) * sizeof(*f->seen));
    struct failover_seen *s = &f->seen[f->nseen++];
    memset(s, 0, sizeof(*s));
    snprintf(s->addr, sizeof(s->addr), "%s", addr);
    s->lag = -1;
    return s;
}

/* A copy of the record of 'addr' into 'out'; false if there is none. */
static bool failover_seen_get(struct failover *f, const char *addr,
                              struct failover_seen *out)
{
    bool found = false;
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->nseen && !found; i++) {
        if (strcmp(f->seen[i].addr, addr) == 0) {
            *out = f->seen[i];
            found = true;
        }
    }
    pthread_mutex_unlock(&f->mu);
    return found;
}

/* Record a read of 'addr' (ok, or failed with 'err') made while
 * 'group_master' led its group (NULL if none). */
static void failover_note(struct failover *f, const char *addr, bool ok,
                          const struct failover_info *info,
                          const char *group_master, const char *err)
{
    long long now = clock_now_ms();
    pthread_mutex_lock(&f->mu);
    struct failover_seen *s = failover_seen_of(f, addr);
    s->answered = ok;
    if (!ok) {
        snprintf(s->err, sizeof(s->err), "%s", err);
        pthread_mutex_unlock(&f->mu);
        return;
    }
    s->err[0] = '\0';
    s->info = *info;
    s->alive_ms = now;
    s->lag = -1;
    if (group_master != NULL && info->slave && info->link_up &&
        strcmp(info->master, group_master) == 0) {
        s->synced_ms = now;
        snprintf(s->synced_master, sizeof(s->synced_master), "%s",
                 group_master);
        snprintf(s->synced_run_id, sizeof(s->synced_run_id), "%s",
                 info->run_id);
        for (size_t i = 0; i < f->nseen; i++) {
            const struct failover_seen *m = &f->seen[i];
            if (strcmp(m->addr, group_master) == 0 && m->answered &&
                !m->info.slave) {
                long long lag = m->info.offset - info->offset;
                s->lag = lag > 0 ? lag : 0;
            }
        }
    }
    pthread_mutex_unlock(&f->mu);
}

void failover_server_json(struct failover *f, const char *addr,
                          cJSON *server)
{
    struct failover_seen s;
    if (f == NULL || !failover_seen_get(f, addr, &s)) {
        return;
    }
    if (!s.answered) {
        cJSON_AddStringToObject(server, "role", "unreachable");
        cJSON_AddStringToObject(server, "error", s.err);
    } else {
        cJSON_AddStringToObject(server, "role",
                                s.info.slave ? "slave" : "master");
        if (s.info.slave) {
            cJSON_AddStringToObject(server, "master", s.info.master);
            cJSON_AddStringToObject(server, "link",
                                    s.info.link_up ? "up" : "down");
        }
        cJSON_AddNumberToObject(server, "offset", (double)s.info.offset);
        if (s.lag >= 0) {
            cJSON_AddNumberToObject(server, "lag", (double)s.lag);
        }
    }
    if (s.alive_ms > 0) {
        cJSON_AddNumberToObject(server, "seen_ms_ago",
                                (double)(clock_now_ms() - s.alive_ms));
    }
}

/* Set the status of group 'gid': 'state' ("ok", "waiting", "promoted",
 * "error") and a message. */
static void failover_set_status(struct failover *f, int gid,
                                const char *state, const char *msg)
{
    char key[16];
    snprintf(key, sizeof(key), "%d", gid);
    cJSON *entry = cJSON_CreateObject();
    cJSON_AddStringToObject(entry, "state", state);
    cJSON_AddStringToObject(entry, "message", msg);
    cJSON_AddNumberToObject(entry, "ts", (double)time(NULL));
    pthread_mutex_lock(&f->mu);
    cJSON_DeleteItemFromObjectCaseSensitive(f->status, key);
    cJSON_AddItemToObject(f->status, key, entry);
    pthread_mutex_unlock(&f->mu);
}

cJSON *failover_status_json(struct failover *f)
{
    pthread_mutex_lock(&f->mu);
    cJSON *copy = cJSON_Duplicate(f->status, true);
    pthread_mutex_unlock(&f->mu);
    return copy;
}

/* ---- server calls ---------------------------------------------------- */

/* Run a command on 'addr'; 0 or -1 with 'err'. Owned reply if wanted. */
static int failover_call(struct failover *f, const char *addr,
                         const char *const *argv,
                         struct rclient_reply **reply, char *err,
                         size_t errlen)
{
    return rclient_oneshot(addr, f->cfg->password, FAILOVER_CALL_MS, reply,
                           err, errlen, argv);
}

/* True if 'addr' answers PING within FAILOVER_PING_MS. */
static bool failover_answers(struct failover *f, const char *addr)
{
    static const char *const ping[] = { "PING", NULL };
    char err[256];
    return rclient_oneshot(addr, f->cfg->password, FAILOVER_PING_MS, NULL,
                           err, sizeof(err), ping) == 0;
}

int failover_slaveof(struct failover *f, const char *addr,
                     const char *master, char *err, size_t errlen)
{
    char host[MODEL_ADDR_MAX];
    int port;
    if (model_addr_split(master, host, sizeof(host), &port, err,
                         errlen) != 0) {
        return -1;
    }
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    if (f->cfg->password[0] != '\0') {
        const char *const auth[] = { "CONFIG", "SET", "masterauth",
                                     f->cfg->password, NULL };
        if (failover_call(f, addr, auth, NULL, err, errlen) != 0) {
            return -1;
        }
    }
    const char *const cmd[] = { "SLAVEOF", host, portstr, NULL };
    return failover_call(f, addr, cmd, NULL, err, errlen);
}

/* Set min-replicas-to-write of 'addr' to 'value'. */
static int failover_set_min_replicas(struct failover *f, const char *addr,
                                     const char *value, char *err,
                                     size_t errlen)
{
    const char *const cmd[] = { "CONFIG", "SET", "min-replicas-to-write",
                                value, NULL };
    return failover_call(f, addr, cmd, NULL, err, errlen);
}

/* min-replicas-to-write of 'addr' into 'out'. */
static int failover_get_min_replicas(struct failover *f, const char *addr,
                                     char *out, size_t outlen, char *err,
                                     size_t errlen)
{
    static const char *const cmd[] = { "CONFIG", "GET",
                                       "min-replicas-to-write", NULL };
    struct rclient_reply *r;
    if (failover_call(f, addr, cmd, &r, err, errlen) != 0) {
        return -1;
    }
    int rc = -1;
    if (r->type == RCLIENT_ARRAY && r->count == 2 &&
        r->elements[1]->type == RCLIENT_BULK) {
        snprintf(out, outlen, "%s", r->elements[1]->str);
        rc = 0;
    } else {
        snprintf(err, errlen, "'%s' replied to CONFIG GET "
                              "min-replicas-to-write oddly", addr);
    }
    rclient_reply_free(r);
    return rc;
}

/* ---- candidates ------------------------------------------------------ */

/* Why slave 'addr' must not replace 'master' of the group ('master_alive'
 * if it answers now): 0 if it is safe, with its offset in '*offset';
 * else -1 with the reason in 'why'. */
static int failover_check(struct failover *f, const char *addr,
                          const char *master, bool master_alive,
                          long long *offset, char *why, size_t whylen)
{
    struct failover_info now;
    char err[512];
    /* with a live master, a slave still syncing gets time to finish */
    long long deadline = clock_now_ms() + FAILOVER_CATCHUP_MS;
    for (;;) {
        if (failover_read(f, addr, &now, err, sizeof(err)) != 0) {
            snprintf(why, whylen, "'%s' does not answer: %s", addr, err);
            return -1;
        }
        if (!master_alive || now.link_up || !now.slave ||
            strcmp(now.master, master) != 0 || clock_now_ms() > deadline) {
            break;
        }
        struct timespec ts = { 0, 100 * 1000000L };
        nanosleep(&ts, NULL);
    }
    *offset = now.offset;
    if (master == NULL) {
        return 0; /* nothing to lose: the group had no master */
    }
    if (!now.slave) {
        snprintf(why, whylen, "'%s' is a standalone master, not a slave of "
                 "'%s' (restarted or detached: its data may be old or "
                 "empty)", addr, master);
        return -1;
    }
    if (strcmp(now.master, master) != 0) {
        snprintf(why, whylen, "'%s' replicates from '%s', not from the "
                 "group's master '%s'", addr, now.master, master);
        return -1;
    }
    if (master_alive) {
        if (!now.link_up) {
            snprintf(why, whylen, "'%s' has its link to '%s' down", addr,
                     master);
            return -1;
        }
        return 0; /* the fence and the catch-up wait do the rest */
    }
    struct failover_seen s;
    struct failover_seen m;
    bool known = failover_seen_get(f, addr, &s);
    bool mknown = failover_seen_get(f, master, &m);
    if (!known || s.synced_ms == 0 || strcmp(s.synced_master, master) != 0) {
        snprintf(why, whylen, "'%s' was never seen in sync with '%s' by "
                 "this dashboard", addr, master);
        return -1;
    }
    if (strcmp(s.synced_run_id, now.run_id) != 0) {
        snprintf(why, whylen, "'%s' restarted since it was last seen in "
                 "sync with '%s'", addr, master);
        return -1;
    }
    if (mknown && m.alive_ms > 0 &&
        s.synced_ms + FAILOVER_LINK_GRACE_MS < m.alive_ms) {
        snprintf(why, whylen, "'%s' had its link to '%s' down for %lld ms "
                 "before the master failed", addr, master,
                 m.alive_ms - s.synced_ms);
        return -1;
    }
    if (mknown && m.alive_ms > 0 && m.info.replid[0] != '\0' &&
        !m.info.slave && strcmp(m.info.replid, now.replid) != 0) {
        snprintf(why, whylen, "'%s' has replication id %s, the master had "
                 "%s", addr, now.replid, m.info.replid);
        return -1;
    }
    return 0;
}

/* Pick the safest slave of 'g' to replace 'master' into 'out'. Returns 0,
 * or -1 with every slave's reason in 'why'. */
static int failover_pick(struct failover *f, const struct model_group *g,
                         const char *master, bool master_alive, char *out,
                         size_t outlen, char *why, size_t whylen)
{
    long long best = -1;
    size_t off = (size_t)snprintf(why, whylen, "no safe slave to promote");
    int nslaves = 0;
    for (size_t i = 0; i < g->count; i++) {
        const struct model_server *s = &g->servers[i];
        if (s->type != MODEL_SERVER_SLAVE) {
            continue;
        }
        nslaves++;
        long long offset;
        char reason[512];
        if (failover_check(f, s->addr, master, master_alive, &offset,
                           reason, sizeof(reason)) != 0) {
            if (off < whylen) {
                off += (size_t)snprintf(why + off, whylen - off, "; %s",
                                        reason);
            }
            continue;
        }
        if (offset > best) {
            best = offset;
            snprintf(out, outlen, "%s", s->addr);
        }
    }
    if (nslaves == 0 && off < whylen) {
        snprintf(why + off, whylen - off, ": group %d has no slave", g->id);
    }
    return best >= 0 ? 0 : -1;
}

/* ---- the promotion ---------------------------------------------------- */

static const char *failover_intent_str(const cJSON *intent, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(intent, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void failover_intent_set(cJSON *intent, const char *key,
                                const char *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(intent, key);
    cJSON_AddStringToObject(intent, key, value);
}

/* Lift the fence of the old master named in 'intent', if we set one. */
static void failover_unfence(struct failover *f, const cJSON *intent)
{
    const char *old = failover_intent_str(intent, "old_master");
    const char *saved = failover_intent_str(intent, "old_min_replicas");
    if (old[0] == '\0' || saved[0] == '\0') {
        return;
    }
    char err[512];
    if (failover_set_min_replicas(f, old, saved, err, sizeof(err)) != 0) {
        log_warn("promote: cannot lift the write fence of '%s': %s", old,
                 err);
    }
}

/* Fence the old master of 'intent' if it answers: block its writes and
 * wait until the new master has all it wrote. Returns 0, or -1 with
 * 'err' (the caller rolls back). */
static int failover_fence_old(struct failover *f, struct model_store *st,
                              int gid, cJSON *intent, char *err,
                              size_t errlen)
{
    const char *old = failover_intent_str(intent, "old_master");
    const char *new = failover_intent_str(intent, "new_master");
    bool down = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(intent,
                                                              "old_down"));
    if (old[0] == '\0' || down || !failover_answers(f, old)) {
        log_info("promote: group %d: old master '%s' does not answer: no "
                 "fence needed", gid, old);
        return 0;
    }
    char saved[64];
    if (failover_intent_str(intent, "old_min_replicas")[0] == '\0') {
        if (failover_get_min_replicas(f, old, saved, sizeof(saved), err,
                                      errlen) != 0) {
            return -1;
        }
        if (strcmp(saved, FAILOVER_FENCE_REPLICAS) == 0) {
            snprintf(saved, sizeof(saved), "0");
        }
        failover_intent_set(intent, "old_min_replicas", saved);
        int rc = store_save_promotion(st, gid, intent, err, errlen);
        if (rc != 0) {
            return -1;
        }
    }
    if (failover_set_min_replicas(f, old, FAILOVER_FENCE_REPLICAS, err,
                                  errlen) != 0) {
        return -1;
    }
    log_info("promote: group %d: writes to old master '%s' are fenced", gid,
             old);
    long long deadline = clock_now_ms() + FAILOVER_CATCHUP_MS;
    for (;;) {
        struct failover_info oi;
        struct failover_info ni;
        char why[512];
        if (failover_read(f, old, &oi, why, sizeof(why)) != 0) {
            log_warn("promote: group %d: old master '%s' stopped answering "
                     "while fenced: %s", gid, old, why);
            return 0;
        }
        if (failover_read(f, new, &ni, err, errlen) != 0) {
            return -1;
        }
        if (ni.offset >= oi.offset) {
            return 0;
        }
        if (clock_now_ms() > deadline) {
            snprintf(err, errlen, "'%s' did not catch up with '%s' within "
                     "%d ms (offset %lld of %lld)", new, old,
                     FAILOVER_CATCHUP_MS, ni.offset, oi.offset);
            return -1;
        }
        struct timespec ts = { 0, 50 * 1000000L };
        nanosleep(&ts, NULL);
    }
}

/* Point the servers of 'g' at the new master 'new': slaves and the old
 * master (if it answers; then a slave in the store too). */
static void failover_attach_all(struct failover *f, struct model_store *st,
                                struct model_group *g, const cJSON *intent)
{
    const char *new = failover_intent_str(intent, "new_master");
    const char *old = failover_intent_str(intent, "old_master");
    for (size_t i = 0; i < g->count; i++) {
        struct model_server *s = &g->servers[i];
        bool is_old = strcmp(s->addr, old) == 0;
        if (s->type == MODEL_SERVER_MASTER ||
            (s->type == MODEL_SERVER_OFFLINE && !is_old)) {
            continue;
        }
        char err[512];
        if (failover_slaveof(f, s->addr, new, err, sizeof(err)) != 0) {
            log_warn("promote: group %d: cannot make '%s' a slave of '%s' "
                     "yet (the keeper retries): %s", g->id, s->addr, new,
                     err);
            continue;
        }
        if (is_old) {
            failover_unfence(f, intent);
            s->type = MODEL_SERVER_SLAVE;
            if (store_save_server(st, s, err, sizeof(err)) != 0) {
                log_warn("promote: %s", err);
            }
            log_info("promote: group %d: old master '%s' is now a slave of "
                     "'%s'", g->id, s->addr, new);
        }
    }
}

/* Carry out the stored 'intent' of group 'gid' from its step to the end.
 * Returns an HTTP status: 200 (proxies that had to be fenced in
 * 'fenced'), or an error with 'err'; on an error before the group is
 * saved everything is rolled back and the intent deleted. */
static int failover_run(struct failover *f, struct model_store *st, int gid,
                        cJSON *intent, char *fenced, size_t fencedlen,
                        char *err, size_t errlen)
{
    const char *new = failover_intent_str(intent, "new_master");
    const char *old = failover_intent_str(intent, "old_master");
    char why[512];
    if (strcmp(failover_intent_str(intent, "step"), "fence") == 0) {
        int status = 0;
        static const char *const noone[] = { "SLAVEOF", "NO", "ONE", NULL };
        if (failover_fence_old(f, st, gid, intent, err, errlen) != 0) {
            status = 409;
        } else if (failover_call(f, new, noone, NULL, err, errlen) != 0) {
            status = 502;
        } else {
            /* a fence left by an earlier promotion would refuse writes */
            if (failover_set_min_replicas(f, new, "0", why,
                                          sizeof(why)) != 0) {
                log_warn("promote: %s", why);
            }
        }
        struct model_group g;
        bool loaded = false;
        if (status == 0) {
            loaded = model_store_load_group(st, gid, &g, err, errlen) == 0;
            status = loaded ? 0 : 500;
        }
        for (size_t i = 0; status == 0 && i < g.count; i++) {
            struct model_server *s = &g.servers[i];
            enum model_server_type type = s->type;
            if (strcmp(s->addr, new) == 0) {
                type = MODEL_SERVER_MASTER;
            } else if (s->type == MODEL_SERVER_MASTER) {
                type = MODEL_SERVER_OFFLINE; /* attached again below */
            }
            if (type != s->type) {
                s->type = type;
                if (store_save_server(st, s, err, errlen) != 0) {
                    status = 500;
                }
            }
        }
        if (loaded) {
            model_group_release(&g);
        }
        if (status != 0) {
            /* Nothing the proxies see has changed yet: roll back. A
             * partial group save is the one case left to the next try. */
            failover_unfence(f, intent);
            if (status != 500) {
                store_remove_promotion(st, gid, why, sizeof(why));
            }
            log_error("promote: group %d: promoting '%s' failed, rolled "
                      "back: %s", gid, new, err);
            return status;
        }
        failover_intent_set(intent, "step", "publish");
        if (store_save_promotion(st, gid, intent, err, errlen) != 0) {
            return 500;
        }
        log_info("promote: group %d: '%s' is the master in the store", gid,
                 new);
    }
    struct model_group g;
    if (model_store_load_group(st, gid, &g, err, errlen) != 0) {
        return 500;
    }
    cJSON *target = model_group_to_json(&g);
    int rc = store_post_action_fenced(st, MODEL_ACTION_GROUP_CHANGED,
                                      target, fenced, fencedlen, err,
                                      errlen);
    cJSON_Delete(target);
    if (rc != 0) {
        model_group_release(&g);
        return 500;
    }
    if (fenced[0] != '\0') {
        log_error("promote: group %d: proxies fenced (offline until in "
                  "step; 'action remove-fence' for dead ones): %s", gid,
                  fenced);
    }
    failover_attach_all(f, st, &g, intent);
    model_group_release(&g);
    if (store_remove_promotion(st, gid, err, errlen) != 0) {
        return 500;
    }
    log_info("promote: group %d: '%s' promoted (old master '%s')", gid, new,
             old);
    return 200;
}

/* Take the operation lock, waiting up to FAILOVER_LOCK_WAIT_MS. */
static int failover_lock(struct model_store *st, const char *desc,
                         char *held, size_t heldlen, char *err,
                         size_t errlen)
{
    long long deadline = clock_now_ms() + FAILOVER_LOCK_WAIT_MS;
    for (;;) {
        int rc = store_lock(st, desc, held, heldlen, err, errlen);
        if (rc != COORD_LOCKED || clock_now_ms() > deadline) {
            return rc;
        }
        struct timespec ts = { 0, 100 * 1000000L };
        nanosleep(&ts, NULL);
    }
}

/* Is the master down for the dashboard too: two PINGs apart. */
static bool failover_master_down(struct failover *f, const char *master)
{
    for (int i = 0; i < 2; i++) {
        if (failover_answers(f, master)) {
            return false;
        }
        struct timespec ts = { 0, 300 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return true;
}

/* Check 'req' against the stored group 'g' and store the intent. Returns
 * 0 with '*intent' (owned), or an HTTP status with 'err'. */
static int failover_prepare(struct failover *f, struct model_store *st,
                            const struct failover_request *req,
                            const struct model_group *g, cJSON **intent,
                            char *err, size_t errlen)
{
    const struct model_server *m = model_group_master(g);
    const char *master = m != NULL ? m->addr : NULL;
    bool alive;
    if (req->master_down && master != NULL) {
        alive = !failover_master_down(f, master);
        if (alive) {
            snprintf(err, errlen, "group %d: master '%s' answers the "
                     "dashboard: not promoting", g->id, master);
            return 409;
        }
    } else {
        alive = master != NULL && failover_answers(f, master);
    }
    char chosen[MODEL_ADDR_MAX];
    if (req->addr != NULL) {
        const struct model_server *s = model_group_find(g, req->addr);
        if (s == NULL) {
            snprintf(err, errlen, "server '%s' is not in group %d",
                     req->addr, g->id);
            return 404;
        }
        if (s->type != MODEL_SERVER_SLAVE) {
            snprintf(err, errlen, "'%s' is %s in group %d: only a slave "
                     "can be promoted", req->addr,
                     s->type == MODEL_SERVER_MASTER ? "already the master"
                                                    : "offline", g->id);
            return 409;
        }
        long long offset;
        char why[1024];
        if (failover_check(f, req->addr, master, alive, &offset, why,
                           sizeof(why)) != 0) {
            if (!req->force) {
                snprintf(err, errlen, "not promoting: %s (the operator "
                         "can force it)", why);
                return 409;
            }
            log_warn("promote: group %d: forced: %s", g->id, why);
        }
        snprintf(chosen, sizeof(chosen), "%s", req->addr);
    } else if (failover_pick(f, g, master, alive, chosen, sizeof(chosen),
                             err, errlen) != 0) {
        return 409;
    }
    *intent = cJSON_CreateObject();
    cJSON_AddNumberToObject(*intent, "group_id", g->id);
    cJSON_AddStringToObject(*intent, "new_master", chosen);
    cJSON_AddStringToObject(*intent, "old_master",
                            master != NULL ? master : "");
    cJSON_AddStringToObject(*intent, "step", "fence");
    /* known dead: the fence step does not wait for it again */
    cJSON_AddBoolToObject(*intent, "old_down", master != NULL && !alive);
    cJSON_AddNumberToObject(*intent, "ts", (double)time(NULL));
    if (store_save_promotion(st, g->id, *intent, err, errlen) != 0) {
        cJSON_Delete(*intent);
        *intent = NULL;
        return 500;
    }
    return 0;
}

int failover_promote(struct failover *f, struct model_store *store,
                     const struct failover_request *req, cJSON **result,
                     char *err, size_t errlen)
{
    *result = NULL;
    char held[MODEL_PATH_MAX];
    int rc = failover_lock(store, "promote server", held, sizeof(held), err,
                           errlen);
    if (rc != 0) {
        return rc == COORD_LOCKED ? 409 : 500;
    }
    cJSON *intent = NULL;
    int status = 0;
    rc = store_load_promotion(store, req->gid, &intent, err, errlen);
    if (rc == 0) {
        /* an unfinished promotion goes first */
        status = 409;
        snprintf(err, errlen, "group %d has an unfinished promotion to "
                 "'%s'; the dashboard is finishing it", req->gid,
                 failover_intent_str(intent, "new_master"));
        cJSON_Delete(intent);
        intent = NULL;
    } else if (rc != COORD_NONODE) {
        status = 500;
    }
    struct model_group g;
    if (status == 0) {
        rc = model_store_load_group(store, req->gid, &g, err, errlen);
        status = rc == COORD_NONODE ? 404 : rc != 0 ? 500 : 0;
        if (status == 0) {
            status = failover_prepare(f, store, req, &g, &intent, err,
                                      errlen);
            model_group_release(&g);
        }
    }
    char fenced[1024] = "";
    if (status == 0) {
        status = failover_run(f, store, req->gid, intent, fenced,
                              sizeof(fenced), err, errlen);
    }
    store_unlock(store, held);
    if (status == 200) {
        char msg[1200];
        snprintf(msg, sizeof(msg), "'%s' promoted%s%s",
                 failover_intent_str(intent, "new_master"),
                 fenced[0] ? "; fenced proxies: " : "", fenced);
        failover_set_status(f, req->gid, "promoted", msg);
        *result = cJSON_CreateObject();
        cJSON_AddStringToObject(*result, "promoted",
                                failover_intent_str(intent, "new_master"));
        cJSON_AddStringToObject(*result, "fenced_proxies", fenced);
    } else {
        log_error("promote: group %d: %s", req->gid, err);
        failover_set_status(f, req->gid,
                            status == 409 ? "waiting" : "error", err);
    }
    cJSON_Delete(intent);
    return status;
}

/* ---- the keeper ------------------------------------------------------- */

/* Finish the promotions whose intent is stored. */
static void failover_resume_all(struct failover *f)
{
    struct model_store *st = &f->store;
    int *gids;
    size_t n;
    char err[1024];
    if (store_list_promotions(st, &gids, &n, err, sizeof(err)) != 0) {
        log_warn("keeper: %s", err);
        return;
    }
    for (size_t i = 0; i < n && !atomic_load(&f->stop); i++) {
        char held[MODEL_PATH_MAX];
        if (store_lock(st, "resume promotion", held, sizeof(held), err,
                       sizeof(err)) != 0) {
            break; /* someone works on it; look again next tick */
        }
        cJSON *intent;
        if (store_load_promotion(st, gids[i], &intent, err,
                                 sizeof(err)) == 0) {
            log_warn("keeper: group %d: finishing the promotion of '%s' "
                     "(step %s)", gids[i],
                     failover_intent_str(intent, "new_master"),
                     failover_intent_str(intent, "step"));
            char fenced[1024] = "";
            int status = failover_run(f, st, gids[i], intent, fenced,
                                      sizeof(fenced), err, sizeof(err));
            char msg[1200];
            if (status == 200) {
                snprintf(msg, sizeof(msg), "'%s' promoted by a resumed "
                         "promotion%s%s",
                         failover_intent_str(intent, "new_master"),
                         fenced[0] ? "; fenced proxies: " : "", fenced);
            } else {
                snprintf(msg, sizeof(msg), "%s", err);
            }
            failover_set_status(f, gids[i], status == 200 ? "promoted"
                                                          : "error", msg);
            cJSON_Delete(intent);
        }
        store_unlock(st, held);
    }
    mem_free(gids);
}

/* Read every server of 'g' and remember what it says. */
static void failover_observe(struct failover *f, const struct model_group *g)
{
    const struct model_server *m = model_group_master(g);
    /* the master first, so the slaves' lag is against this round */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < g->count && !atomic_load(&f->stop); i++) {
            const struct model_server *s = &g->servers[i];
            if ((s == m) != (pass == 0)) {
                continue;
            }
            struct failover_info info;
            char err[512];
            bool ok = failover_read(f, s->addr, &info, err, sizeof(err)) == 0;
            failover_note(f, s->addr, ok, &info,
                          m != NULL ? m->addr : NULL, err);
        }
    }
}

/* ---- what the keeper saw, written down ------------------------------- */

/* The in-sync memory lives in the coordinator too, as failover/<gid>:
 * {"master", "replid", "slaves": {"<addr>": {"run_id"}}, "alive"}, the
 * master and its replication id as last read, the slaves then seen in
 * sync with it (with their run ids) and the wall-clock ms of that read.
 * A dashboard started later seeds its observations from it, so it can
 * promote a slave that was in sync when the master died before this
 * dashboard saw either (failover_check reads the seeded times as if it
 * had seen them itself). Rewritten when the set changes, else every
 * FAILOVER_PERSIST_MS. */

static long long failover_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int failover_record_path(struct failover *f, int gid, char *out,
                                size_t outlen)
{
    char root[MODEL_PATH_MAX];
    if (model_path_root(root, sizeof(root), f->cfg->product) != 0) {
        return -1;
    }
    int n = gid > 0 ? snprintf(out, outlen, "%s/failover/%d", root, gid)
                    : snprintf(out, outlen, "%s/failover", root);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* The record of what this round saw of 'g', or NULL if its master did
 * not answer as a master (nothing new to write down). */
static cJSON *failover_record(struct failover *f, const struct model_group *g)
{
    const struct model_server *m = model_group_master(g);
    if (m == NULL) {
        return NULL;
    }
    cJSON *rec = NULL;
    pthread_mutex_lock(&f->mu);
    const struct failover_seen *ms = NULL;
    for (size_t i = 0; i < f->nseen; i++) {
        if (strcmp(f->seen[i].addr, m->addr) == 0) {
            ms = &f->seen[i];
        }
    }
    if (ms != NULL && ms->answered && !ms->info.slave) {
        rec = cJSON_CreateObject();
        cJSON_AddStringToObject(rec, "master", m->addr);
        cJSON_AddStringToObject(rec, "replid", ms->info.replid);
        cJSON *slaves = cJSON_AddObjectToObject(rec, "slaves");
        for (size_t i = 0; i < f->nseen; i++) {
            const struct failover_seen *s = &f->seen[i];
            if (s->answered && s->synced_ms == s->alive_ms &&
                strcmp(s->synced_master, m->addr) == 0 &&
                model_group_find(g, s->addr) != NULL) {
                cJSON *one = cJSON_AddObjectToObject(slaves, s->addr);
                cJSON_AddStringToObject(one, "run_id", s->synced_run_id);
            }
        }
    }
    pthread_mutex_unlock(&f->mu);
    return rec;
}

/* Write down what this round saw of 'g' if it changed or is getting old. */
static void failover_persist(struct failover *f, const struct model_group *g)
{
    cJSON *rec = failover_record(f, g);
    if (rec == NULL) {
        return;
    }
    char *text = json_print_compact(rec);
    struct failover_written *w = NULL;
    for (size_t i = 0; i < f->nwritten; i++) {
        if (f->written[i].gid == g->id) {
            w = &f->written[i];
        }
    }
    long long now = clock_now_ms();
    if (w != NULL && strcmp(w->text, text) == 0 &&
        now - w->at_ms < FAILOVER_PERSIST_MS) {
        mem_free(text);
        cJSON_Delete(rec);
        return;
    }
    cJSON_AddNumberToObject(rec, "alive", (double)failover_wall_ms());
    char path[MODEL_PATH_MAX];
    char *data = json_print_compact(rec);
    int rc = failover_record_path(f, 0, path, sizeof(path));
    if (rc == 0) {
        rc = coord_create_all(f->coord, path);
    }
    if (rc == 0) {
        rc = failover_record_path(f, g->id, path, sizeof(path));
    }
    if (rc == 0) {
        rc = coord_set(f->coord, path, data, strlen(data), -1);
        if (rc == COORD_NONODE) {
            rc = coord_create(f->coord, path, data, strlen(data),
                              COORD_PERSISTENT, NULL, 0);
        }
    }
    mem_free(data);
    cJSON_Delete(rec);
    if (rc != 0) {
        log_warn("keeper: group %d: cannot write down the in-sync slaves: "
                 "%s", g->id, coord_strerror(rc));
        mem_free(text);
        return;
    }
    if (w == NULL) {
        f->written = mem_realloc(f->written,
                                 (f->nwritten + 1) * sizeof(*f->written));
        w = &f->written[f->nwritten++];
        w->gid = g->id;
        w->text = NULL;
    }
    mem_free(w->text);
    w->text = text;
    w->at_ms = now;
}

/* Seed the observations from the records of the groups 'groups' whose
 * master is still the one recorded; only servers this dashboard has not
 * read yet (the first round). */
static void failover_load_seen(struct failover *f,
                               const struct model_group *groups, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct model_server *m = model_group_master(&groups[i]);
        char path[MODEL_PATH_MAX];
        char *data = NULL;
        size_t len = 0;
        if (m == NULL ||
            failover_record_path(f, groups[i].id, path, sizeof(path)) != 0 ||
            coord_get(f->coord, path, &data, &len, NULL) != 0) {
            continue;
        }
        char why[128];
        cJSON *rec = json_parse(data, len, why, sizeof(why));
        mem_free(data);
        const cJSON *master = cJSON_GetObjectItemCaseSensitive(rec, "master");
        const cJSON *alive = cJSON_GetObjectItemCaseSensitive(rec, "alive");
        const cJSON *slaves = cJSON_GetObjectItemCaseSensitive(rec, "slaves");
        if (!cJSON_IsString(master) || strcmp(master->valuestring,
                                               m->addr) != 0 ||
            !cJSON_IsNumber(alive) || !cJSON_IsObject(slaves)) {
            cJSON_Delete(rec);
            continue;
        }
        /* the record's wall-clock time on this process' monotonic clock */
        long long at = clock_now_ms() -
                       (failover_wall_ms() - (long long)alive->valuedouble);
        pthread_mutex_lock(&f->mu);
        size_t before = f->nseen;
        struct failover_seen *ms = failover_seen_of(f, m->addr);
        if (f->nseen > before) {
            snprintf(ms->err, sizeof(ms->err), "not read yet by this "
                     "dashboard");
            ms->alive_ms = at;
            failover_copy_str(rec, "replid", ms->info.replid,
                              sizeof(ms->info.replid));
        }
        const cJSON *one;
        cJSON_ArrayForEach(one, slaves) {
            before = f->nseen;
            struct failover_seen *s = failover_seen_of(f, one->string);
            if (f->nseen == before) {
                continue;
            }
            snprintf(s->err, sizeof(s->err), "not read yet by this "
                     "dashboard");
            s->synced_ms = at;
            snprintf(s->synced_master, sizeof(s->synced_master), "%s",
                     m->addr);
            failover_copy_str(one, "run_id", s->synced_run_id,
                              sizeof(s->synced_run_id));
        }
        pthread_mutex_unlock(&f->mu);
        log_info("keeper: group %d: loaded what the last dashboard saw: "
                 "master '%s', %d slaves in sync %lld ms ago", groups[i].id,
                 m->addr, cJSON_GetArraySize(slaves), clock_now_ms() - at);
        cJSON_Delete(rec);
    }
}

/* What the keeper would fix in 'g': true if a member is detached. */
static bool failover_needs_fix(struct failover *f, const struct model_group *g)
{
    const struct model_server *m = model_group_master(g);
    if (m == NULL) {
        return false;
    }
    for (size_t i = 0; i < g->count; i++) {
        const struct model_server *s = &g->servers[i];
        struct failover_seen seen;
        if (s == m || !failover_seen_get(f, s->addr, &seen) ||
            !seen.answered) {
            continue;
        }
        if (s->type == MODEL_SERVER_OFFLINE ||
            !seen.info.slave || strcmp(seen.info.master, m->addr) != 0) {
            return true;
        }
    }
    return false;
}

/* Attach the detached members of group 'gid' to its master, under the
 * operation lock, re-reading the group and each server first. */
static void failover_fix(struct failover *f, int gid)
{
    struct model_store *st = &f->store;
    char held[MODEL_PATH_MAX];
    char err[512];
    if (store_lock(st, "attach slaves", held, sizeof(held), err,
                   sizeof(err)) != 0) {
        return;
    }
    cJSON *intent;
    struct model_group g;
    if (store_load_promotion(st, gid, &intent, err, sizeof(err)) == 0) {
        cJSON_Delete(intent); /* resumed first, next tick */
    } else if (model_store_load_group(st, gid, &g, err, sizeof(err)) == 0) {
        const struct model_server *m = model_group_master(&g);
        bool changed = false;
        for (size_t i = 0; m != NULL && i < g.count; i++) {
            struct model_server *s = &g.servers[i];
            struct failover_info info;
            if (s == m || failover_read(f, s->addr, &info, err,
                                        sizeof(err)) != 0) {
                continue;
            }
            if (s->type != MODEL_SERVER_OFFLINE && info.slave &&
                strcmp(info.master, m->addr) == 0) {
                continue;
            }
            log_warn("keeper: group %d: '%s' (%s in the store) %s%s: "
                     "making it a slave of '%s'", gid, s->addr,
                     model_server_type_name(s->type),
                     info.slave ? "follows " : "is a standalone master",
                     info.slave ? info.master : "", m->addr);
            char min[64];
            if (failover_get_min_replicas(f, s->addr, min, sizeof(min), err,
                                          sizeof(err)) == 0 &&
                strcmp(min, FAILOVER_FENCE_REPLICAS) == 0) {
                failover_set_min_replicas(f, s->addr, "0", err, sizeof(err));
            }
            if (failover_slaveof(f, s->addr, m->addr, err,
                                 sizeof(err)) != 0) {
                log_warn("keeper: group %d: SLAVEOF on '%s' failed: %s", gid,
                         s->addr, err);
                continue;
            }
            if (s->type == MODEL_SERVER_OFFLINE) {
                s->type = MODEL_SERVER_SLAVE;
                if (store_save_server(st, s, err, sizeof(err)) != 0) {
                    log_warn("keeper: %s", err);
                }
                changed = true;
            }
        }
        if (changed) {
            cJSON *target = model_group_to_json(&g);
            if (store_post_action(st, MODEL_ACTION_GROUP_CHANGED,
                                  target, false, NULL, 0, err,
                                  sizeof(err)) != 0) {
                log_warn("keeper: %s", err);
            }
            cJSON_Delete(target);
        }
        model_group_release(&g);
    }
    store_unlock(st, held);
}

/* Remember where the slots of the queued migrate tasks come from.
 * Returns true if tasks are queued (or cannot be listed): keys may then
 * legitimately sit in slots their group does not own yet. */
static bool failover_note_migrations(struct failover *f)
{
    char **seqs;
    size_t n;
    char err[512];
    if (store_list_migrate_tasks(&f->store, &seqs, &n, err,
                                 sizeof(err)) != 0) {
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        struct model_migrate_task task;
        struct model_slot slot;
        if (store_load_migrate_task(&f->store, seqs[i], &task, err,
                                    sizeof(err)) != 0 ||
            task.slot_id < 0 || task.slot_id >= SLOT_COUNT ||
            model_store_load_slot(&f->store, task.slot_id, &slot, err,
                                  sizeof(err)) != 0) {
            continue;
        }
        int from = slot.migrate_from > 0 ? slot.migrate_from : slot.group_id;
        if (from > 0 && from != task.new_group) {
            failover_note_moved(f, task.slot_id, from);
        }
    }
    coord_free_names(seqs, n);
    return n > 0;
}

/* Deal with the keys that the master of 'g' holds in slots 'g' does not
 * own and that do not migrate from or to it: left behind by a failover
 * around a migration (a promoted slave that had not seen the keys
 * leave). Keys of a slot this dashboard saw migrate away from 'g' are
 * removed with SLOTSDEL; others (a slot reassigned by hand) are only
 * reported. Only while no migration is queued; each slot is read again
 * right before. */
static void failover_clean_orphans(struct failover *f,
                                   const struct model_group *g)
{
    const struct model_server *m = model_group_master(g);
    struct failover_seen seen;
    if (m == NULL || !failover_seen_get(f, m->addr, &seen) ||
        !seen.answered || seen.info.slave) {
        return;
    }
    static const char *const info[] = { "SLOTSINFO", "0", "1024", NULL };
    struct rclient_reply *r;
    char err[512];
    if (failover_call(f, m->addr, info, &r, err, sizeof(err)) != 0) {
        return;
    }
    for (size_t i = 0; r->type == RCLIENT_ARRAY && i < r->count; i++) {
        const struct rclient_reply *e = r->elements[i];
        if (e->type != RCLIENT_ARRAY || e->count != 2 ||
            e->elements[0]->type != RCLIENT_INTEGER ||
            e->elements[1]->type != RCLIENT_INTEGER ||
            e->elements[0]->integer < 0 ||
            e->elements[0]->integer >= SLOT_COUNT) {
            continue;
        }
        int id = (int)e->elements[0]->integer;
        long long keys = e->elements[1]->integer;
        struct model_slot slot;
        if (model_store_load_slot(&f->store, id, &slot, err,
                                  sizeof(err)) != 0 ||
            slot.status != MODEL_SLOT_ONLINE || slot.group_id == g->id ||
            slot.migrate_from == g->id || slot.migrate_to == g->id ||
            failover_note_migrations(f)) {
            continue;
        }
        char msg[512];
        pthread_mutex_lock(&f->mu);
        int moved_from = f->moved_from[id];
        pthread_mutex_unlock(&f->mu);
        if (moved_from != g->id) {
            if (f->reported[id] != g->id) {
                f->reported[id] = g->id;
                snprintf(msg, sizeof(msg), "'%s' holds %lld keys of slot "
                         "%d, owned by group %d: not removed (the slot was "
                         "not seen migrating away; SLOTSDEL %d removes "
                         "them)", m->addr, keys, id, slot.group_id, id);
                log_warn("keeper: group %d: %s", g->id, msg);
                failover_set_status(f, g->id, "orphans", msg);
            }
            continue;
        }
        char idstr[16];
        snprintf(idstr, sizeof(idstr), "%d", id);
        const char *const del[] = { "SLOTSDEL", idstr, NULL };
        if (failover_call(f, m->addr, del, NULL, err, sizeof(err)) != 0) {
            log_warn("keeper: cannot remove orphan keys of slot %d on '%s': "
                     "%s", id, m->addr, err);
            continue;
        }
        snprintf(msg, sizeof(msg), "removed %lld orphan keys of slot %d "
                 "(migrated to group %d) from '%s'", keys, id,
                 slot.group_id, m->addr);
        log_warn("keeper: group %d: %s", g->id, msg);
        failover_set_status(f, g->id, "ok", msg);
    }
    rclient_reply_free(r);
}

/* Sleep one tick unless stopped. Returns true if stopped. */
static bool failover_sleep(struct failover *f)
{
    struct timespec deadline = clock_deadline_in(FAILOVER_TICK_MS);
    pthread_mutex_lock(&f->mu);
    int rc = 0;
    while (!atomic_load(&f->stop) && rc != ETIMEDOUT) {
        rc = pthread_cond_timedwait(&f->cond, &f->mu, &deadline);
    }
    pthread_mutex_unlock(&f->mu);
    return atomic_load(&f->stop);
}

static void *failover_thread(void *arg)
{
    struct failover *f = arg;
    do {
        failover_resume_all(f);
        struct model_group *groups;
        size_t n;
        char err[512];
        if (model_store_load_groups(&f->store, &groups, &n, err,
                                    sizeof(err)) != 0) {
            log_warn("keeper: %s", err);
            continue;
        }
        if (!f->loaded) {
            failover_load_seen(f, groups, n);
            f->loaded = true;
        }
        failover_note_migrations(f);
        for (size_t i = 0; i < n && !atomic_load(&f->stop); i++) {
            failover_observe(f, &groups[i]);
            failover_persist(f, &groups[i]);
            if (failover_needs_fix(f, &groups[i])) {
                failover_fix(f, groups[i].id);
            }
            failover_clean_orphans(f, &groups[i]);
        }
        model_store_free_groups(groups, n);
    } while (!failover_sleep(f));
    return NULL;
}

struct failover *failover_start(const struct model_config *cfg,
                                int action_timeout_ms, char *err,
                                size_t errlen)
{
    struct failover *f = mem_calloc(1, sizeof(*f));
    f->cfg = cfg;
    atomic_init(&f->stop, false);
    f->status = cJSON_CreateObject();
    f->coord = model_store_open_coord(cfg, NULL, err, errlen);
    if (f->coord == NULL) {
        cJSON_Delete(f->status);
        mem_free(f);
        return NULL;
    }
    model_store_init(&f->store, f->coord, cfg->product);
    f->store.action_timeout_ms = action_timeout_ms;
    f->store.poll_ms = 20;
    f->store.stop = &f->stop;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cond, NULL);
    int rc = pthread_create(&f->thread, NULL, failover_thread, f);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the keeper thread: %s",
                 strerror(rc));
        pthread_cond_destroy(&f->cond);
        pthread_mutex_destroy(&f->mu);
        coord_close(f->coord);
        cJSON_Delete(f->status);
        mem_free(f);
        return NULL;
    }
    return f;
}

void failover_note_moved(struct failover *f, int slot, int from)
{
    if (slot < 0 || slot >= SLOT_COUNT) {
        return;
    }
    pthread_mutex_lock(&f->mu);
    f->moved_from[slot] = from;
    pthread_mutex_unlock(&f->mu);
}

void failover_stop(struct failover *f)
{
    if (f == NULL) {
        return;
    }
    pthread_mutex_lock(&f->mu);
    atomic_store(&f->stop, true);
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->mu);
    coord_close(f->coord);
    cJSON_Delete(f->status);
    mem_free(f->seen);
    for (size_t i = 0; i < f->nwritten; i++) {
        mem_free(f->written[i].text);
    }
    mem_free(f->written);
    mem_free(f);
}
