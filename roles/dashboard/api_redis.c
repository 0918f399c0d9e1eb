/* Server statistics routes of the dashboard (codis-facts §4.1): the
 * overview (product, cluster ops, INFO of each group master, both kept
 * fresh in the background by proxyops.c and serverinfo.c), INFO of one
 * server, and key counts of a slot. Only servers that belong to a group
 * are asked: the API is not a way to reach arbitrary hosts. */
#include "roles/dashboard/dashboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/mem.h"
#include "lib/slot.h"
#include "roles/dashboard/proxyops.h"
#include "roles/dashboard/serverinfo.h"

void api_redis_overview(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    struct model_group *groups;
    size_t n;
    if (dashboard_load_groups(d, req, &groups, &n) != 0) {
        return;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "product", d->store.product);
    long long total, per_sec;
    proxyops_get(d->ops, &total, &per_sec);
    /* Codis 2's "ops" is the cluster's ops/s; the sum of the proxies'
     * counters is ours */
    cJSON_AddNumberToObject(out, "ops", (double)per_sec);
    cJSON_AddNumberToObject(out, "ops_total", (double)total);
    cJSON *infos = cJSON_AddArrayToObject(out, "redis_infos");
    char err[512];
    for (size_t i = 0; i < n; i++) {
        const struct model_server *m = model_group_master(&groups[i]);
        cJSON *info = m != NULL ? serverinfo_get(d->info, m->addr, err,
                                                 sizeof(err))
                                : NULL;
        if (info != NULL) {
            cJSON_AddItemToArray(infos, info);
        }
    }
    model_store_free_groups(groups, n);
    http_reply_json(req, 200, out);
    cJSON_Delete(out);
}

/* Reply 404 unless 'addr' is a server of some group. Returns 0 if it is. */
static int api_redis_known(struct dashboard *d, struct http_request *req,
                           const char *addr)
{
    struct model_group *groups;
    size_t n;
    if (dashboard_load_groups(d, req, &groups, &n) != 0) {
        return -1;
    }
    bool known = false;
    for (size_t i = 0; i < n && !known; i++) {
        known = model_group_find(&groups[i], addr) != NULL;
    }
    model_store_free_groups(groups, n);
    if (!known) {
        http_reply_error(req, 404, "server '%s' is not in any group", addr);
        return -1;
    }
    return 0;
}

void api_redis_stat(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    const char *addr = req->params[0];
    if (api_redis_known(d, req, addr) != 0) {
        return;
    }
    char err[512];
    cJSON *info = serverinfo_fetch(addr, d->cfg.password,
                                   DASHBOARD_SERVER_TIMEOUT_MS, err,
                                   sizeof(err));
    if (info == NULL) {
        http_reply_error(req, 502, "%s", err);
        return;
    }
    http_reply_json(req, 200, info);
    cJSON_Delete(info);
}

/* Reply {"keys", "slot_id"} (+ group_id, addr when 'gid' > 0) for 'slot'
 * on 'addr'. */
static void api_redis_reply_slotinfo(struct dashboard *d,
                                     struct http_request *req,
                                     const char *addr, int slot, int gid)
{
    char s[16];
    snprintf(s, sizeof(s), "%d", slot);
    const char *const cmd[] = { "SLOTSINFO", s, "1", NULL };
    struct rclient_reply *r;
    char err[512];
    if (dashboard_server_call(d, addr, cmd, &r, err, sizeof(err)) != 0) {
        http_reply_error(req, 502, "%s", err);
        return;
    }
    long long keys = 0;
    for (size_t i = 0; r->type == RCLIENT_ARRAY && i < r->count; i++) {
        const struct rclient_reply *e = r->elements[i];
        if (e->type == RCLIENT_ARRAY && e->count == 2 &&
            e->elements[0]->type == RCLIENT_INTEGER &&
            e->elements[0]->integer == slot &&
            e->elements[1]->type == RCLIENT_INTEGER) {
            keys = e->elements[1]->integer;
        }
    }
    rclient_reply_free(r);
    cJSON *out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "keys", (double)keys);
    cJSON_AddNumberToObject(out, "slot_id", slot);
    if (gid > 0) {
        cJSON_AddNumberToObject(out, "group_id", gid);
        cJSON_AddStringToObject(out, "addr", addr);
    }
    http_reply_json(req, 200, out);
    cJSON_Delete(out);
}

void api_redis_slotinfo(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long slot;
    if (dashboard_param_int(req, 1, "slot id", 0, SLOT_COUNT - 1, &slot) ||
        api_redis_known(d, req, req->params[0]) != 0) {
        return;
    }
    api_redis_reply_slotinfo(d, req, req->params[0], (int)slot, 0);
}

void api_redis_group_slotinfo(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long gid;
    long long slot;
    if (dashboard_param_gid(req, &gid) ||
        dashboard_param_int(req, 1, "slot id", 0, SLOT_COUNT - 1, &slot)) {
        return;
    }
    struct model_group g;
    if (dashboard_load_group(d, req, NULL, gid, &g) != 0) {
        return;
    }
    const struct model_server *m = model_group_master(&g);
    char addr[MODEL_ADDR_MAX] = "";
    if (m != NULL) {
        snprintf(addr, sizeof(addr), "%s", m->addr);
    }
    model_group_release(&g);
    if (addr[0] == '\0') {
        http_reply_error(req, 409, "group %lld has no master", gid);
        return;
    }
    api_redis_reply_slotinfo(d, req, addr, (int)slot, (int)gid);
}
