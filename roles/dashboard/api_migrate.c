/* Migration routes of the dashboard (codis-facts §4.1, §7.2): queue the
 * migration of a slot range, list the queued tasks, show what is
 * migrating, rebalance, and remove a task that has not started. Requests
 * are checked before anything is queued (slots initialised and online,
 * target group with a master that answers slot commands); the tasks then
 * run in the background (migrator.c) and this file only reads their
 * nodes. */
#include "roles/dashboard/dashboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/coord.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/slot.h"
#include "roles/dashboard/migrator.h"
#include "roles/dashboard/rebalance.h"

/* The longest pause between migration steps we accept, in ms. */
#define API_MIGRATE_MAX_DELAY 60000

/* Load every slot into d->slots; on failure replies (409 when
 * they were never initialised) and returns -1. */
static int api_migrate_load_slots(struct dashboard *d,
                                  struct http_request *req)
{
    char err[512];
    int rc = model_store_load_slots(&d->store, d->slots, err,
                                    sizeof(err));
    if (rc == COORD_NONODE) {
        http_reply_error(req, 409, "slots are not initialized: run 'slot "
                                   "init' first");
        return -1;
    }
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return -1;
    }
    return 0;
}

/* Which side of a migration a group's master must serve. */
enum api_migrate_role {
    API_MIGRATE_SOURCE = 1, /* runs SLOTSMGRTSLOT(-ASYNC) */
    API_MIGRATE_TARGET = 2, /* receives SLOTSRESTORE(-ASYNC) */
};

/* Check that 'addr' knows 'command' (COMMAND INFO). Returns 0, or -1
 * with 'err' filled. */
static int api_migrate_has_command(struct dashboard *d, const char *addr,
                                   const char *command, char *err,
                                   size_t errlen)
{
    const char *const info[] = { "COMMAND", "INFO", command, NULL };
    struct rclient_reply *r;
    if (dashboard_server_call(d, addr, info, &r, err, errlen) != 0) {
        return -1;
    }
    bool known = r->type == RCLIENT_ARRAY && r->count == 1 &&
                 r->elements[0]->type == RCLIENT_ARRAY;
    rclient_reply_free(r);
    if (!known) {
        snprintf(err, errlen, "'%s' does not support %s: it must be a "
                              "codis server", addr, command);
        return -1;
    }
    return 0;
}

/* Check that group 'gid' has a master that can play 'roles' (or-ed
 * api_migrate_role) in a migration; its address goes to 'addr'. On
 * failure replies (404 no group, 409 no master or no slot commands, 502
 * master down) and returns -1. */
static int api_migrate_group_ready(struct dashboard *d,
                                   struct http_request *req, int gid,
                                   int roles, char *addr, size_t addrlen)
{
    char err[1024];
    struct model_group g;
    int rc = model_store_load_group(&d->store, gid, &g, err, sizeof(err));
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return -1;
    }
    const struct model_server *m = model_group_master(&g);
    if (m != NULL) {
        snprintf(addr, addrlen, "%s", m->addr);
    }
    model_group_release(&g);
    if (m == NULL) {
        http_reply_error(req, 409, "group %d has no master", gid);
        return -1;
    }
    static const char *const ping[] = { "PING", NULL };
    if (dashboard_server_call(d, addr, ping, NULL, err, sizeof(err)) != 0) {
        http_reply_error(req, 502, "master of group %d: %s", gid, err);
        return -1;
    }
    bool async = migrator_config(d->migrator)->method ==
                 MODEL_MIGRATE_SEMI_ASYNC;
    if (((roles & API_MIGRATE_SOURCE) &&
         api_migrate_has_command(d, addr,
                                 async ? "SLOTSMGRTTAGSLOT-ASYNC"
                                       : "SLOTSMGRTSLOT",
                                 err, sizeof(err)) != 0) ||
        ((roles & API_MIGRATE_TARGET) &&
         api_migrate_has_command(d, addr,
                                 async ? "SLOTSRESTORE-ASYNC"
                                       : "SLOTSRESTORE",
                                 err, sizeof(err)) != 0)) {
        http_reply_error(req, 409, "group %d cannot migrate: %s", gid, err);
        return -1;
    }
    return 0;
}

/* Queue one task per slot of 'moves' ('n' of them) with 'delay' and
 * reply {"msg": "OK", "ret": 0, "tasks": n, "ids": [...]}: Codis 2's OK
 * plus what was queued (a client waits for those ids to leave the
 * queue). On failure replies the error and returns -1. */
static int api_migrate_queue(struct dashboard *d, struct http_request *req,
                             const struct rebalance_move *moves, size_t n,
                             int delay)
{
    char err[512];
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "msg", "OK");
    cJSON_AddNumberToObject(out, "ret", 0);
    cJSON_AddNumberToObject(out, "tasks", (double)n);
    cJSON *ids = cJSON_AddArrayToObject(out, "ids");
    migrator_queue_begin(d->migrator);
    for (size_t i = 0; i < n; i++) {
        struct model_migrate_task task;
        memset(&task, 0, sizeof(task));
        task.slot_id = moves[i].slot;
        task.new_group = moves[i].group;
        task.delay = delay;
        snprintf(task.create_at, sizeof(task.create_at), "%lld",
                 (long long)time(NULL));
        snprintf(task.status, sizeof(task.status), "pending");
        char seq[MODEL_NAME_MAX];
        int rc = store_add_migrate_task(&d->store, &task, seq, sizeof(seq),
                                        err, sizeof(err));
        if (rc != 0) {
            migrator_queue_end(d->migrator);
            cJSON_Delete(out);
            dashboard_reply_store_error(req, rc, err);
            return -1;
        }
        cJSON_AddItemToArray(ids, cJSON_CreateString(seq));
    }
    migrator_queue_end(d->migrator);
    http_reply_json(req, 200, out);
    cJSON_Delete(out);
    return 0;
}

void api_migrate_start(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    cJSON *body = dashboard_body_object(req);
    if (body == NULL) {
        return;
    }
    char err[512];
    long long from, to, gid, delay;
    int bad = json_get_int(body, "from", true, 0, &from, err, sizeof(err)) ||
              json_get_int(body, "to", true, 0, &to, err, sizeof(err)) ||
              json_get_int(body, "new_group", true, 0, &gid, err,
                           sizeof(err)) ||
              json_get_int(body, "delay", false, 0, &delay, err, sizeof(err));
    cJSON_Delete(body);
    if (bad) {
        http_reply_error(req, 400, "%s", err);
        return;
    }
    if (dashboard_check_slot_range(req, from, to) != 0 ||
        dashboard_check_group_id(req, gid) != 0) {
        return;
    }
    if (delay < 0 || delay > API_MIGRATE_MAX_DELAY) {
        http_reply_error(req, 400, "invalid delay %lld: must be 0..%d ms",
                         delay, API_MIGRATE_MAX_DELAY);
        return;
    }
    if (api_migrate_load_slots(d, req) != 0) {
        return;
    }
    static struct rebalance_move moves[SLOT_COUNT];
    static int sources[SLOT_COUNT];
    size_t n = 0;
    size_t nsources = 0;
    for (long long i = from; i <= to; i++) {
        const struct model_slot *s = &d->slots[i];
        if (s->status == MODEL_SLOT_OFFLINE || s->group_id < 1) {
            http_reply_error(req, 409, "slot %lld is offline: assign it "
                                       "with 'slot range-set', there is "
                                       "nothing to migrate", i);
            return;
        }
        if (s->status == MODEL_SLOT_ONLINE && s->group_id == gid) {
            continue; /* already there */
        }
        if (s->status != MODEL_SLOT_ONLINE && s->migrate_to != gid) {
            http_reply_error(req, 409, "slot %lld is being migrated to "
                                       "group %d: wait for it first", i,
                             s->migrate_to);
            return;
        }
        int source = s->status == MODEL_SLOT_ONLINE ? s->group_id
                                                    : s->migrate_from;
        if (source != gid && (nsources == 0 ||
                              sources[nsources - 1] != source)) {
            sources[nsources++] = source;
        }
        moves[n].slot = (int)i;
        moves[n].group = (int)gid;
        n++;
    }
    char addr[MODEL_ADDR_MAX];
    if (api_migrate_group_ready(d, req, (int)gid, API_MIGRATE_TARGET, addr,
                                sizeof(addr)) != 0) {
        return;
    }
    /* a source repeated apart is checked twice: harmless */
    for (size_t i = 0; i < nsources; i++) {
        if (api_migrate_group_ready(d, req, sources[i], API_MIGRATE_SOURCE,
                                    addr, sizeof(addr)) != 0) {
            return;
        }
    }
    if (api_migrate_queue(d, req, moves, n, (int)delay) != 0) {
        return;
    }
    log_info("queued migration of slots %lld-%lld to group %lld (%zu "
             "tasks, delay %lld ms)", from, to, gid, n, delay);
}

/* The JSON of slot 'sl' in flight. */
static cJSON *api_migrate_slot_json(const struct migrator_slot *sl)
{
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "id", sl->seq);
    cJSON_AddNumberToObject(t, "slot_id", sl->slot_id);
    cJSON_AddNumberToObject(t, "from", sl->from);
    cJSON_AddNumberToObject(t, "new_group", sl->to);
    cJSON_AddStringToObject(t, "stage", sl->stage);
    cJSON_AddNumberToObject(t, "moved", (double)sl->moved);
    cJSON_AddNumberToObject(t, "remain", (double)sl->remain);
    return t;
}

/* The queued tasks, oldest first, each with its node name as "id", and
 * for those in flight status "migrating", their "stage", "moved" and
 * "remain" (from 'p', which may be NULL). NULL with 'err' and '*rc' set
 * on failure. */
static cJSON *api_migrate_tasks_json(struct dashboard *d,
                                     const struct migrator_progress *p,
                                     int *rc, char *err, size_t errlen)
{
    char **seqs;
    size_t n;
    *rc = store_list_migrate_tasks(&d->store, &seqs, &n, err, errlen);
    if (*rc != 0) {
        return NULL;
    }
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        struct model_migrate_task task;
        int lrc = store_load_migrate_task(&d->store, seqs[i], &task,
                                          err, errlen);
        if (lrc == COORD_NONODE) {
            continue; /* finished meanwhile */
        }
        if (lrc != 0) {
            *rc = lrc;
            cJSON_Delete(arr);
            coord_free_names(seqs, n);
            return NULL;
        }
        cJSON *t = model_migrate_task_to_json(&task);
        cJSON_AddStringToObject(t, "id", seqs[i]);
        for (size_t k = 0; p != NULL && k < p->nslots; k++) {
            const struct migrator_slot *sl = &p->slots[k];
            if (strcmp(sl->seq, seqs[i]) == 0) {
                /* the runner does not write "migrating" into the node */
                if (strcmp(task.status, "error") != 0) {
                    cJSON_ReplaceItemInObjectCaseSensitive(
                        t, "status", cJSON_CreateString("migrating"));
                }
                cJSON_AddStringToObject(t, "stage", sl->stage);
                cJSON_AddNumberToObject(t, "moved", (double)sl->moved);
                cJSON_AddNumberToObject(t, "remain", (double)sl->remain);
            }
        }
        cJSON_AddItemToArray(arr, t);
    }
    coord_free_names(seqs, n);
    return arr;
}

void api_migrate_tasks(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    char err[512];
    int rc;
    struct migrator_progress *p = mem_alloc(sizeof(*p));
    migrator_progress(d->migrator, p);
    cJSON *arr = api_migrate_tasks_json(d, p, &rc, err, sizeof(err));
    mem_free(p);
    if (arr == NULL) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    http_reply_json(req, 200, arr);
    cJSON_Delete(arr);
}

/* The totals of 'p' with 'queued' tasks waiting (of which 'failing' in
 * error): slots done of the total, keys moved, keys/s and the ETA in
 * seconds (-1 while unknown: nothing finished yet). */
static cJSON *api_migrate_totals_json(const struct migrator_progress *p,
                                      size_t queued, size_t failing)
{
    cJSON *t = cJSON_CreateObject();
    cJSON_AddBoolToObject(t, "active", p->active);
    cJSON_AddNumberToObject(t, "slots_done", (double)p->slots_done);
    cJSON_AddNumberToObject(t, "slots_queued", (double)queued);
    cJSON_AddNumberToObject(t, "slots_failing", (double)failing);
    cJSON_AddNumberToObject(t, "slots_total",
                            (double)(p->slots_done + (long long)queued));
    cJSON_AddNumberToObject(t, "failures", (double)p->slots_failed);
    cJSON_AddNumberToObject(t, "keys_moved", (double)p->keys_moved);
    cJSON_AddNumberToObject(t, "elapsed_ms", (double)p->elapsed_ms);
    double secs = (double)p->elapsed_ms / 1000.0;
    cJSON_AddNumberToObject(t, "keys_per_sec",
                            secs > 0 ? (double)(long long)(p->keys_moved /
                                                           secs)
                                     : 0);
    double eta = -1;
    if (queued == 0) {
        eta = 0;
    } else if (p->slots_done > 0) {
        eta = secs / (double)p->slots_done * (double)queued;
    }
    cJSON_AddNumberToObject(t, "eta_sec", eta < 0 ? -1 : (double)(long long)
                                                          (eta + 0.5));
    return t;
}

void api_migrate_status(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    char err[512];
    int rc = model_store_load_slots(&d->store, d->slots, err,
                                    sizeof(err));
    if (rc != 0 && rc != COORD_NONODE) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    struct migrator_progress *p = mem_alloc(sizeof(*p));
    migrator_progress(d->migrator, p);
    int trc;
    cJSON *tasks = api_migrate_tasks_json(d, p, &trc, err, sizeof(err));
    if (tasks == NULL) {
        mem_free(p);
        dashboard_reply_store_error(req, trc, err);
        return;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON *slots = cJSON_AddArrayToObject(out, "migrate_slots");
    for (int i = 0; rc == 0 && i < SLOT_COUNT; i++) {
        const struct model_slot *s = &d->slots[i];
        if (s->status == MODEL_SLOT_MIGRATE ||
            s->status == MODEL_SLOT_PRE_MIGRATE) {
            cJSON_AddItemToArray(slots, model_slot_to_json(s));
        }
    }
    /* Codis 2 always answered null here; we say what runs: the first
     * slot in flight, and all of them under "running". */
    if (p->nslots > 0) {
        cJSON_AddItemToObject(out, "migrate_task",
                              api_migrate_slot_json(&p->slots[0]));
    } else {
        cJSON_AddNullToObject(out, "migrate_task");
    }
    cJSON *running = cJSON_AddArrayToObject(out, "running");
    for (size_t i = 0; i < p->nslots; i++) {
        cJSON_AddItemToArray(running, api_migrate_slot_json(&p->slots[i]));
    }
    size_t queued = (size_t)cJSON_GetArraySize(tasks);
    size_t failing = 0;
    cJSON *errors = cJSON_AddArrayToObject(out, "errors");
    const cJSON *t;
    cJSON_ArrayForEach(t, tasks)
    {
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(t, "status");
        if (cJSON_IsString(st) && strcmp(st->valuestring, "error") == 0) {
            failing++;
            cJSON_AddItemToArray(errors, cJSON_Duplicate(t, true));
        }
    }
    cJSON_Delete(tasks);
    cJSON_AddItemToObject(out, "progress",
                          api_migrate_totals_json(p, queued, failing));
    cJSON *history = cJSON_AddArrayToObject(out, "history");
    for (size_t i = 0; i < p->nhistory; i++) {
        const struct migrator_done *h = &p->history[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", h->seq);
        cJSON_AddNumberToObject(o, "slot_id", h->slot_id);
        cJSON_AddNumberToObject(o, "from", h->from);
        cJSON_AddNumberToObject(o, "new_group", h->to);
        cJSON_AddStringToObject(o, "status", h->failed ? "failed" : "done");
        cJSON_AddStringToObject(o, "error", h->error);
        cJSON_AddNumberToObject(o, "moved", (double)h->moved);
        cJSON_AddNumberToObject(o, "at", (double)h->at);
        cJSON_AddNumberToObject(o, "ms", (double)h->ms);
        cJSON_AddItemToArray(history, o);
    }
    const struct migrator_config *mc = migrator_config(d->migrator);
    cJSON_AddStringToObject(out, "method", migrator_method_name(mc->method));
    cJSON_AddNumberToObject(out, "parallel_slots", mc->parallel_slots);
    cJSON_AddBoolToObject(out, "paused", p->paused);
    cJSON_AddBoolToObject(out, "held", p->held);
    mem_free(p);
    http_reply_json(req, 200, out);
    cJSON_Delete(out);
}

void api_migrate_rebalance_status(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    size_t ntasks;
    if (dashboard_count_migrate_tasks(d, req, &ntasks) != 0) {
        return;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddBoolToObject(out, "is_rebalancing", ntasks > 0);
    http_reply_json(req, 200, out);
    cJSON_Delete(out);
}

void api_migrate_pause(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    migrator_set_paused(d->migrator, true);
    http_reply_ok(req);
}

void api_migrate_resume(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    migrator_set_paused(d->migrator, false);
    http_reply_ok(req);
}

void api_migrate_cancel(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    const char *seq = req->params[0];
    if (strspn(seq, "0123456789") != strlen(seq) || strlen(seq) > 20) {
        http_reply_error(req, 400, "invalid migrate task id '%s'", seq);
        return;
    }
    char err[512];
    int rc = migrator_cancel(d->migrator, &d->store, seq, err, sizeof(err));
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    http_reply_ok(req);
}

void api_migrate_cancel_all(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    char err[512];
    char **seqs;
    size_t n;
    int rc = store_list_migrate_tasks(&d->store, &seqs, &n, err,
                                      sizeof(err));
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "msg", "OK");
    cJSON_AddNumberToObject(out, "ret", 0);
    cJSON *removed = cJSON_AddArrayToObject(out, "removed");
    cJSON *kept = cJSON_AddArrayToObject(out, "kept");
    for (size_t i = 0; i < n; i++) {
        rc = migrator_cancel(d->migrator, &d->store, seqs[i], err,
                             sizeof(err));
        if (rc == 0) {
            cJSON_AddItemToArray(removed, cJSON_CreateString(seqs[i]));
        } else if (rc == COORD_EXISTS) {
            cJSON *k = cJSON_CreateObject();
            cJSON_AddStringToObject(k, "id", seqs[i]);
            cJSON_AddStringToObject(k, "why", err);
            cJSON_AddItemToArray(kept, k);
        } else if (rc != COORD_NONODE) {
            coord_free_names(seqs, n);
            cJSON_Delete(out);
            dashboard_reply_store_error(req, rc, err);
            return;
        }
    }
    coord_free_names(seqs, n);
    log_info("removed %d queued migrate tasks, %d kept (started)",
             cJSON_GetArraySize(removed), cJSON_GetArraySize(kept));
    http_reply_json(req, 200, out);
    cJSON_Delete(out);
}

/* The maxmemory of server 'addr' in bytes, or 0 when it has none or does
 * not say: Codis 2 weighs groups by it. */
static long long api_migrate_maxmemory(struct dashboard *d, const char *addr)
{
    static const char *const get[] = { "CONFIG", "GET", "maxmemory", NULL };
    struct rclient_reply *r;
    char err[512];
    if (dashboard_server_call(d, addr, get, &r, err, sizeof(err)) != 0) {
        return 0;
    }
    long long bytes = 0;
    if (r->type == RCLIENT_ARRAY && r->count == 2 &&
        r->elements[1]->type == RCLIENT_BULK) {
        char *end;
        bytes = strtoll(r->elements[1]->str, &end, 10);
        if (*end != '\0' || bytes < 0) {
            bytes = 0;
        }
    }
    rclient_reply_free(r);
    return bytes;
}

/* The optional body of a rebalance, {"delay": ms}, into '*delay'; on
 * failure replies 400 and returns -1. */
static int api_migrate_rebalance_delay(struct http_request *req,
                                       long long *delay)
{
    char err[512];
    size_t len;
    char *text = http_body(req, HTTP_BODY_LIMIT, &len, err, sizeof(err));
    if (text == NULL) {
        http_reply_error(req, 400, "%s", err);
        return -1;
    }
    mem_free(text);
    *delay = 0;
    if (len == 0) {
        return 0; /* Codis 2 sends none */
    }
    cJSON *body = dashboard_body_object(req);
    if (body == NULL) {
        return -1;
    }
    int bad = json_get_int(body, "delay", false, 0, delay, err, sizeof(err));
    cJSON_Delete(body);
    if (bad) {
        http_reply_error(req, 400, "%s", err);
        return -1;
    }
    if (*delay < 0 || *delay > API_MIGRATE_MAX_DELAY) {
        http_reply_error(req, 400, "invalid delay %lld: must be 0..%d ms",
                         *delay, API_MIGRATE_MAX_DELAY);
        return -1;
    }
    return 0;
}

void api_migrate_rebalance(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long delay;
    if (api_migrate_rebalance_delay(req, &delay) != 0) {
        return;
    }
    size_t ntasks;
    if (dashboard_count_migrate_tasks(d, req, &ntasks) != 0) {
        return;
    }
    if (ntasks > 0) {
        http_reply_error(req, 409, "there are migration tasks running, you "
                                   "should wait them done");
        return;
    }
    if (api_migrate_load_slots(d, req) != 0) {
        return;
    }
    static int owner[SLOT_COUNT];
    for (int i = 0; i < SLOT_COUNT; i++) {
        const struct model_slot *s = &d->slots[i];
        if (s->status != MODEL_SLOT_ONLINE) {
            http_reply_error(req, 409, "slot %d is %s: every slot must be "
                                       "online to rebalance", i,
                             model_slot_status_name(s->status));
            return;
        }
        owner[i] = s->group_id;
    }
    struct model_group *groups;
    size_t ngroups;
    char err[512];
    if (dashboard_load_groups(d, req, &groups, &ngroups) != 0) {
        return;
    }
    int *gids = mem_calloc(ngroups > 0 ? ngroups : 1, sizeof(*gids));
    long long *weights = mem_calloc(ngroups > 0 ? ngroups : 1,
                                    sizeof(*weights));
    size_t n = 0;
    bool weighted = true;
    for (size_t i = 0; i < ngroups; i++) {
        const struct model_server *m = model_group_master(&groups[i]);
        if (m != NULL) {
            gids[n] = groups[i].id;
            weights[n] = api_migrate_maxmemory(d, m->addr);
            weighted = weighted && weights[n] > 0;
            n++;
        }
    }
    model_store_free_groups(groups, ngroups);
    static struct rebalance_move moves[SLOT_COUNT];
    int nmoves = rebalance_plan(owner, gids, weighted ? weights : NULL, n,
                                moves, err, sizeof(err));
    mem_free(weights);
    if (nmoves < 0) {
        mem_free(gids);
        http_reply_error(req, 409, "%s", err);
        return;
    }
    char addr[MODEL_ADDR_MAX];
    for (size_t i = 0; i < n && nmoves > 0; i++) {
        if (api_migrate_group_ready(d, req, gids[i],
                                    API_MIGRATE_SOURCE | API_MIGRATE_TARGET,
                                    addr, sizeof(addr)) != 0) {
            mem_free(gids);
            return;
        }
    }
    mem_free(gids);
    if (api_migrate_queue(d, req, moves, (size_t)nmoves, (int)delay) != 0) {
        return;
    }
    log_info("rebalance over %zu groups, %s: %d slots to move", n,
             weighted ? "weighted by maxmemory" : "evenly", nmoves);
}
