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
    API_MIGRATE_SOURCE = 1, /* runs SLOTSMGRTSLOT */
    API_MIGRATE_TARGET = 2, /* receives SLOTSRESTORE */
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
    if (((roles & API_MIGRATE_SOURCE) &&
         api_migrate_has_command(d, addr, "SLOTSMGRTSLOT", err,
                                 sizeof(err)) != 0) ||
        ((roles & API_MIGRATE_TARGET) &&
         api_migrate_has_command(d, addr, "SLOTSRESTORE", err,
                                 sizeof(err)) != 0)) {
        http_reply_error(req, 409, "group %d cannot migrate: %s", gid, err);
        return -1;
    }
    return 0;
}

/* Queue one task per slot of 'moves' ('n' of them) with 'delay'; on
 * failure replies and returns -1. */
static int api_migrate_queue(struct dashboard *d, struct http_request *req,
                             const struct rebalance_move *moves, size_t n,
                             int delay)
{
    char err[512];
    for (size_t i = 0; i < n; i++) {
        struct model_migrate_task task;
        memset(&task, 0, sizeof(task));
        task.slot_id = moves[i].slot;
        task.new_group = moves[i].group;
        task.delay = delay;
        snprintf(task.create_at, sizeof(task.create_at), "%lld",
                 (long long)time(NULL));
        snprintf(task.status, sizeof(task.status), "pending");
        int rc = store_add_migrate_task(&d->store, &task, NULL, 0, err,
                                        sizeof(err));
        if (rc != 0) {
            migrator_wake(d->migrator);
            dashboard_reply_store_error(req, rc, err);
            return -1;
        }
    }
    migrator_wake(d->migrator);
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
    http_reply_ok(req);
}

/* The queued tasks, oldest first, each with its node name as "id". NULL
 * with 'err' and '*rc' set on failure. */
static cJSON *api_migrate_tasks_json(struct dashboard *d, int *rc, char *err,
                                     size_t errlen)
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
    cJSON *arr = api_migrate_tasks_json(d, &rc, err, sizeof(err));
    if (arr == NULL) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    http_reply_json(req, 200, arr);
    cJSON_Delete(arr);
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
    cJSON *out = cJSON_CreateObject();
    cJSON *slots = cJSON_AddArrayToObject(out, "migrate_slots");
    for (int i = 0; rc == 0 && i < SLOT_COUNT; i++) {
        const struct model_slot *s = &d->slots[i];
        if (s->status == MODEL_SLOT_MIGRATE ||
            s->status == MODEL_SLOT_PRE_MIGRATE) {
            cJSON_AddItemToArray(slots, model_slot_to_json(s));
        }
    }
    /* Codis 2 always answered null here; we say what runs. */
    struct migrator_progress p;
    migrator_progress(d->migrator, &p);
    if (p.running && p.slot_id >= 0) {
        cJSON *t = cJSON_AddObjectToObject(out, "migrate_task");
        cJSON_AddStringToObject(t, "id", p.seq);
        cJSON_AddNumberToObject(t, "slot_id", p.slot_id);
        cJSON_AddNumberToObject(t, "from", p.from);
        cJSON_AddNumberToObject(t, "new_group", p.to);
        cJSON_AddNumberToObject(t, "moved", (double)p.moved);
        cJSON_AddNumberToObject(t, "remain", (double)p.remain);
    } else {
        cJSON_AddNullToObject(out, "migrate_task");
    }
    cJSON_AddBoolToObject(out, "paused", p.paused);
    cJSON_AddBoolToObject(out, "held", p.held);
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
    http_reply_ok(req);
}
