/* Server group routes of the dashboard (codis-facts §4.1): list, create,
 * get, delete a group; add, remove and promote a server. Each change takes
 * the operation lock, checks the request against the stored model, writes
 * the nodes and posts a group action (confirmed by proxies when a master
 * is added or promoted, as in Codis 2). */
#include "roles/dashboard/dashboard.h"

#include <stdio.h>
#include <string.h>

#include "lib/coord.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/slot.h"
#include "roles/dashboard/failover.h"

/* Add what the keeper saw of each server (real role, link, lag) to the
 * servers of group JSON 'g'. */
static void api_group_add_seen(struct dashboard *d, cJSON *g)
{
    const cJSON *servers = cJSON_GetObjectItemCaseSensitive(g, "servers");
    cJSON *s;
    cJSON_ArrayForEach(s, servers) {
        const cJSON *addr = cJSON_GetObjectItemCaseSensitive(s, "addr");
        if (cJSON_IsString(addr)) {
            failover_server_json(d->failover, addr->valuestring, s);
        }
    }
}

void api_group_list(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    struct model_group *groups;
    size_t n;
    if (dashboard_load_groups(d, req, &groups, &n) != 0) {
        return;
    }
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *g = model_group_to_json(&groups[i]);
        api_group_add_seen(d, g);
        cJSON_AddItemToArray(arr, g);
    }
    model_store_free_groups(groups, n);
    http_reply_json(req, 200, arr);
    cJSON_Delete(arr);
}

/* Post a group action for group 'gid' as now stored. Returns 0, or -1
 * with 'err' and '*rc' set. */
static int api_group_publish(struct dashboard *d, int gid,
                             enum model_action_type type, bool confirm,
                             int *rc, char *err, size_t errlen)
{
    struct model_group g;
    *rc = model_store_load_group(&d->store, gid, &g, err, errlen);
    if (*rc == COORD_NONODE && type == MODEL_ACTION_GROUP_REMOVE) {
        memset(&g, 0, sizeof(g));
        g.id = gid;
        snprintf(g.product, sizeof(g.product), "%s", d->store.product);
        *rc = 0;
    }
    if (*rc != 0) {
        return -1;
    }
    cJSON *target = model_group_to_json(&g);
    model_group_release(&g);
    *rc = store_post_action(&d->store, type, target, confirm, NULL, 0,
                            err, errlen);
    cJSON_Delete(target);
    return *rc == 0 ? 0 : -1;
}

void api_group_create(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    char err[512];
    cJSON *body = dashboard_body_object(req);
    if (body == NULL) {
        return;
    }
    long long gid;
    int bad = json_get_int(body, "id", true, 0, &gid, err, sizeof(err));
    cJSON_Delete(body);
    if (bad != 0) {
        http_reply_error(req, 400, "%s", err);
        return;
    }
    if (dashboard_check_group_id(req, gid) != 0) {
        return;
    }
    char held[MODEL_PATH_MAX];
    if (dashboard_lock(d, req, "add group", held, sizeof(held)) != 0) {
        return;
    }
    int rc = store_create_group(&d->store, (int)gid, err, sizeof(err));
    if (rc != 0) {
        dashboard_unlock_reply(d, req, held, rc, err);
        return;
    }
    api_group_publish(d, (int)gid, MODEL_ACTION_GROUP_CHANGED, false, &rc,
                      err, sizeof(err));
    dashboard_unlock_reply(d, req, held, rc, err);
}

void api_group_get(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long gid;
    if (dashboard_param_gid(req, &gid) != 0) {
        return;
    }
    struct model_group g;
    if (dashboard_load_group(d, req, NULL, gid, &g) != 0) {
        return;
    }
    cJSON *json = model_group_to_json(&g);
    model_group_release(&g);
    http_reply_json(req, 200, json);
    cJSON_Delete(json);
}

/* The first slot that group 'gid' owns or that migrates from/to it, or
 * -1 if none (or slots are not initialised). */
static int api_group_used_by(struct dashboard *d, int gid, int *rc,
                             char *err, size_t errlen)
{
    struct model_slot *slots = d->slots;
    *rc = model_store_load_slots(&d->store, slots, err, errlen);
    if (*rc == COORD_NONODE) {
        *rc = 0;
        return -1;
    }
    if (*rc != 0) {
        return -1;
    }
    for (int i = 0; i < SLOT_COUNT; i++) {
        if (slots[i].group_id == gid || slots[i].migrate_from == gid ||
            slots[i].migrate_to == gid) {
            return i;
        }
    }
    return -1;
}

/* The slot of the first queued migrate task that moves a slot to group
 * 'gid' (its node name in 'seq'), or -1 if none. */
static int api_group_task_target(struct dashboard *d, int gid, char *seq,
                                 size_t seqlen, int *rc, char *err,
                                 size_t errlen)
{
    char **seqs;
    size_t n;
    *rc = store_list_migrate_tasks(&d->store, &seqs, &n, err, errlen);
    if (*rc != 0) {
        return -1;
    }
    int slot = -1;
    for (size_t i = 0; i < n && slot < 0; i++) {
        struct model_migrate_task task;
        int lrc = store_load_migrate_task(&d->store, seqs[i], &task,
                                          err, errlen);
        if (lrc == 0 && task.new_group == gid) {
            slot = task.slot_id;
            snprintf(seq, seqlen, "%s", seqs[i]);
        } else if (lrc != 0 && lrc != COORD_NONODE) {
            *rc = lrc;
            break;
        }
    }
    coord_free_names(seqs, n);
    return slot;
}

void api_group_remove(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long gid;
    if (dashboard_param_gid(req, &gid) != 0) {
        return;
    }
    char held[MODEL_PATH_MAX];
    if (dashboard_lock(d, req, "remove group", held, sizeof(held)) != 0) {
        return;
    }
    char err[512];
    int rc;
    int slot = api_group_used_by(d, (int)gid, &rc, err, sizeof(err));
    if (rc == 0 && slot >= 0) {
        dashboard_unlock(d, held);
        http_reply_error(req, 409,
                         "group %lld is still used by slot %d: move its "
                         "slots away first", gid, slot);
        return;
    }
    if (rc == 0) {
        char seq[MODEL_NAME_MAX];
        int task_slot = api_group_task_target(d, (int)gid, seq, sizeof(seq),
                                              &rc, err, sizeof(err));
        if (rc == 0 && task_slot >= 0) {
            dashboard_unlock(d, held);
            http_reply_error(req, 409,
                             "group %lld is the target of migrate task %s "
                             "(slot %d): wait for it or remove it first",
                             gid, seq, task_slot);
            return;
        }
    }
    if (rc == 0) {
        rc = store_remove_group(&d->store, (int)gid, err, sizeof(err));
    }
    if (rc != 0) {
        dashboard_unlock_reply(d, req, held, rc, err);
        return;
    }
    api_group_publish(d, (int)gid, MODEL_ACTION_GROUP_REMOVE, false, &rc,
                      err, sizeof(err));
    dashboard_unlock_reply(d, req, held, rc, err);
}

/* Read the group id of the path into '*gid' and {"addr": "host:port",
 * ...} from the body into 'addr'; on failure replies 400 and returns
 * NULL. Otherwise returns the body (owned). */
static cJSON *api_group_server_body(struct http_request *req,
                                    long long *gid, char *addr,
                                    size_t addrlen)
{
    if (dashboard_param_gid(req, gid) != 0) {
        return NULL;
    }
    cJSON *body = dashboard_body_object(req);
    if (body == NULL) {
        return NULL;
    }
    char err[256];
    const char *a;
    if (json_get_str(body, "addr", true, NULL, &a, err, sizeof(err)) != 0) {
        cJSON_Delete(body);
        http_reply_error(req, 400, "%s", err);
        return NULL;
    }
    char host[MODEL_ADDR_MAX];
    int port;
    char why[256];
    if (model_addr_split(a, host, sizeof(host), &port, why,
                         sizeof(why)) != 0 || host[0] == '\0' || port == 0 ||
        strchr(a, '/') != NULL || strlen(a) >= addrlen) {
        http_reply_error(req, 400, "invalid server address '%s': expected "
                                   "host:port", a);
        cJSON_Delete(body);
        return NULL;
    }
    snprintf(addr, addrlen, "%s", a);
    return body;
}

/* Check that 'addr' answers PING and is a codis server (SLOTSINFO works).
 * Returns 0, or -1 with 'err' filled. */
static int api_group_check_server(struct dashboard *d, const char *addr,
                                  char *err, size_t errlen)
{
    static const char *const ping[] = { "PING", NULL };
    static const char *const slotsinfo[] = { "SLOTSINFO", "0", "1", NULL };
    if (dashboard_server_call(d, addr, ping, NULL, err, errlen) != 0) {
        return -1;
    }
    char why[512];
    if (dashboard_server_call(d, addr, slotsinfo, NULL, why,
                              sizeof(why)) != 0) {
        snprintf(err, errlen,
                 "'%s' is not a codis server (SLOTSINFO failed: %s); start "
                 "it with 'codis server'", addr, why);
        return -1;
    }
    return 0;
}

/* The group other than 'gid' that holds 'addr', or 0. */
static int api_group_holder(struct dashboard *d, const char *addr, int gid,
                            int *rc, char *err, size_t errlen)
{
    struct model_group *groups;
    size_t n;
    *rc = model_store_load_groups(&d->store, &groups, &n, err, errlen);
    if (*rc != 0) {
        return 0;
    }
    int holder = 0;
    for (size_t i = 0; i < n && holder == 0; i++) {
        if (groups[i].id != gid && model_group_find(&groups[i], addr)) {
            holder = groups[i].id;
        }
    }
    model_store_free_groups(groups, n);
    return holder;
}

void api_group_add_server(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long gid;
    char addr[MODEL_ADDR_MAX];
    cJSON *body = api_group_server_body(req, &gid, addr, sizeof(addr));
    if (body == NULL) {
        return;
    }
    char err[2048];
    const char *type_name;
    enum model_server_type type = MODEL_SERVER_SLAVE;
    int bad = json_get_str(body, "type", false, "slave", &type_name, err,
                           sizeof(err));
    if (bad == 0 && (model_server_type_parse(type_name, &type) != 0 ||
                     type == MODEL_SERVER_OFFLINE)) {
        snprintf(err, sizeof(err),
                 "server type must be master or slave, not '%s'", type_name);
        bad = -1;
    }
    cJSON_Delete(body);
    if (bad != 0) {
        http_reply_error(req, 400, "%s", err);
        return;
    }
    if (api_group_check_server(d, addr, err, sizeof(err)) != 0) {
        http_reply_error(req, 400, "%s", err);
        return;
    }
    char held[MODEL_PATH_MAX];
    if (dashboard_lock(d, req, "add server", held, sizeof(held)) != 0) {
        return;
    }
    int rc;
    int holder = api_group_holder(d, addr, (int)gid, &rc, err, sizeof(err));
    if (rc != 0 || holder != 0) {
        dashboard_unlock(d, held);
        if (rc != 0) {
            dashboard_reply_store_error(req, rc, err);
        } else {
            http_reply_error(req, 409, "server '%s' is already in group %d",
                             addr, holder);
        }
        return;
    }
    struct model_group g;
    rc = model_store_load_group(&d->store, (int)gid, &g, err, sizeof(err));
    if (rc == COORD_NONODE) {
        /* Codis 2 creates the group on the fly */
        rc = store_create_group(&d->store, (int)gid, err, sizeof(err));
        if (rc == 0) {
            rc = model_store_load_group(&d->store, (int)gid, &g, err,
                                        sizeof(err));
        }
    }
    if (rc != 0) {
        dashboard_unlock_reply(d, req, held, rc, err);
        return;
    }
    const struct model_server *master = model_group_master(&g);
    const struct model_server *self = model_group_find(&g, addr);
    int status = 0;
    if (g.count == 0 || (self != NULL && g.count == 1)) {
        type = MODEL_SERVER_MASTER; /* the first server leads its group */
    }
    if (type == MODEL_SERVER_MASTER && master != NULL &&
        strcmp(master->addr, addr) != 0) {
        status = 409;
        snprintf(err, sizeof(err), "group %lld already has a master '%s'",
                 gid, master->addr);
    } else if (type == MODEL_SERVER_SLAVE && master != NULL &&
               strcmp(master->addr, addr) == 0) {
        status = 409;
        snprintf(err, sizeof(err),
                 "'%s' is the master of group %lld: promote another server "
                 "first", addr, gid);
    } else if (type == MODEL_SERVER_SLAVE && master != NULL) {
        char why[512];
        if (failover_slaveof(d->failover, addr, master->addr, why,
                             sizeof(why)) != 0) {
            status = 502;
            snprintf(err, sizeof(err), "cannot make '%s' a slave of '%s': "
                     "%s", addr, master->addr, why);
        }
    }
    if (status == 0 && type == MODEL_SERVER_MASTER) {
        static const char *const noone[] = { "SLAVEOF", "NO", "ONE", NULL };
        char why[512];
        if (dashboard_server_call(d, addr, noone, NULL, why,
                                  sizeof(why)) != 0) {
            if (strstr(why, "unknown command") != NULL) {
                /* a server without replication is never a replica: it
                 * is a master as it stands */
                log_warn("'%s' does not know SLAVEOF (%s): added as a "
                         "master as it is", addr, why);
            } else {
                status = 502;
                snprintf(err, sizeof(err), "cannot make '%s' a master: %s",
                         addr, why);
            }
        }
    }
    model_group_release(&g);
    if (status != 0) {
        dashboard_unlock(d, held);
        http_reply_error(req, status, "%s", err);
        return;
    }
    struct model_server server;
    memset(&server, 0, sizeof(server));
    snprintf(server.addr, sizeof(server.addr), "%s", addr);
    server.type = type;
    server.group_id = (int)gid;
    rc = store_save_server(&d->store, &server, err, sizeof(err));
    if (rc == 0) {
        api_group_publish(d, (int)gid, MODEL_ACTION_GROUP_CHANGED,
                          type == MODEL_SERVER_MASTER, &rc, err, sizeof(err));
    }
    dashboard_unlock_reply(d, req, held, rc, err);
}

void api_group_remove_server(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long gid;
    char addr[MODEL_ADDR_MAX];
    cJSON *body = api_group_server_body(req, &gid, addr, sizeof(addr));
    if (body == NULL) {
        return;
    }
    cJSON_Delete(body);
    char held[MODEL_PATH_MAX];
    if (dashboard_lock(d, req, "remove server", held, sizeof(held)) != 0) {
        return;
    }
    struct model_group g;
    if (dashboard_load_group(d, req, held, gid, &g) != 0) {
        return;
    }
    const struct model_server *s = model_group_find(&g, addr);
    bool is_master = s != NULL && s->type == MODEL_SERVER_MASTER;
    bool found = s != NULL;
    model_group_release(&g);
    if (!found || is_master) {
        dashboard_unlock(d, held);
        if (!found) {
            http_reply_error(req, 404, "server '%s' is not in group %lld",
                             addr, gid);
        } else {
            http_reply_error(req, 409,
                             "cannot remove master, use promote first");
        }
        return;
    }
    char err[512];
    int rc = store_remove_server(&d->store, (int)gid, addr, err,
                                 sizeof(err));
    if (rc == 0) {
        api_group_publish(d, (int)gid, MODEL_ACTION_GROUP_CHANGED, false, &rc,
                          err, sizeof(err));
    }
    dashboard_unlock_reply(d, req, held, rc, err);
}

/* Run a promotion of group 'gid' and reply: 200 with Codis 2's OK, or
 * with 'details' {"promoted": addr, "fenced_proxies": ...}; else the
 * error failover_promote gives. */
static void api_group_run_promote(struct dashboard *d,
                                  struct http_request *req,
                                  const struct failover_request *fr,
                                  bool details)
{
    char err[2048];
    cJSON *result;
    int status = failover_promote(d->failover, &d->store, fr, &result, err,
                                  sizeof(err));
    if (status != 200) {
        http_reply_error(req, status, "%s", err);
        return;
    }
    if (details) {
        http_reply_json(req, 200, result);
    } else {
        http_reply_ok(req);
    }
    cJSON_Delete(result);
}

/* Read the optional boolean 'key' of 'body' into '*out'; on a bad type
 * replies 400 and returns -1. */
static int api_group_body_bool(struct http_request *req, const cJSON *body,
                               const char *key, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);
    if (v == NULL) {
        return 0;
    }
    if (!cJSON_IsBool(v)) {
        http_reply_error(req, 400, "'%s' must be true or false", key);
        return -1;
    }
    *out = cJSON_IsTrue(v);
    return 0;
}

void api_group_promote(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long gid;
    char addr[MODEL_ADDR_MAX];
    cJSON *body = api_group_server_body(req, &gid, addr, sizeof(addr));
    if (body == NULL) {
        return;
    }
    struct failover_request fr = { (int)gid, addr, false, false };
    int bad = api_group_body_bool(req, body, "force", &fr.force);
    cJSON_Delete(body);
    if (bad == 0) {
        api_group_run_promote(d, req, &fr, false);
    }
}

void api_group_failover(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long gid;
    if (dashboard_param_gid(req, &gid) != 0) {
        return;
    }
    /* ha's call: only when the master is down for us too */
    struct failover_request fr = { (int)gid, NULL, false, true };
    api_group_run_promote(d, req, &fr, true);
}

void api_group_failover_status(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    cJSON *status = failover_status_json(d->failover);
    http_reply_json(req, 200, status);
    cJSON_Delete(status);
}
