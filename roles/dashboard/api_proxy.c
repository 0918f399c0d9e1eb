/* Proxy routes of the dashboard (codis-facts §4.1): list proxies, set a
 * proxy online / offline / mark_offline, and gather their /debug/vars. */
#include "roles/dashboard/dashboard.h"

#include <stdio.h>
#include <string.h>

#include "lib/coord.h"
#include "lib/httpc.h"
#include "lib/json.h"
#include "lib/mem.h"
#include "lib/slot.h"

/* How long to wait for one proxy's /debug/vars. */
#define API_PROXY_VARS_TIMEOUT_MS 1000

void api_proxy_list(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    struct model_proxy *proxies;
    size_t n;
    if (dashboard_load_proxies(d, req, &proxies, &n) != 0) {
        return;
    }
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(arr, model_proxy_to_json(&proxies[i]));
    }
    mem_free(proxies);
    http_reply_json(req, 200, arr);
    cJSON_Delete(arr);
}

/* Codis 2 lets a proxy go online only when every slot is served: online
 * or migrating, with a group. Returns 0, or -1 with 'err' filled. */
static int api_proxy_slots_ready(struct dashboard *d, int *rc, char *err,
                                 size_t errlen)
{
    static struct model_slot slots[SLOT_COUNT];
    *rc = model_store_load_slots(&d->store, slots, err, errlen);
    if (*rc != 0) {
        if (*rc == COORD_NONODE) {
            snprintf(err, errlen, "slots are not initialized: run 'slot "
                                  "init' and assign them first");
            *rc = COORD_EXISTS;
        }
        return -1;
    }
    for (int i = 0; i < SLOT_COUNT; i++) {
        if ((slots[i].status != MODEL_SLOT_ONLINE &&
             slots[i].status != MODEL_SLOT_MIGRATE) ||
            slots[i].group_id < 1) {
            snprintf(err, errlen, "slot %d is %s: every slot must be "
                                  "online before a proxy goes online",
                     i, model_slot_status_name(slots[i].status));
            *rc = COORD_EXISTS;
            return -1;
        }
    }
    return 0;
}

void api_proxy_set(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    cJSON *body = dashboard_body_object(req);
    if (body == NULL) {
        return;
    }
    char err[512];
    const char *id;
    const char *state_name;
    enum model_proxy_state state = MODEL_PROXY_OFFLINE;
    int bad = json_get_str(body, "id", true, NULL, &id, err, sizeof(err)) ||
              json_get_str(body, "state", true, NULL, &state_name, err,
                           sizeof(err));
    if (!bad && model_proxy_state_parse(state_name, &state) != 0) {
        snprintf(err, sizeof(err), "proxy state must be online, offline or "
                                   "mark_offline, not '%s'", state_name);
        bad = 1;
    }
    char pid[MODEL_NAME_MAX];
    if (!bad && (id[0] == '\0' || strchr(id, '/') != NULL ||
                 strlen(id) >= sizeof(pid))) {
        snprintf(err, sizeof(err), "invalid proxy id '%s'", id);
        bad = 1;
    }
    if (!bad) {
        snprintf(pid, sizeof(pid), "%s", id);
    }
    cJSON_Delete(body);
    if (bad) {
        http_reply_error(req, 400, "%s", err);
        return;
    }
    int rc = 0;
    if (state == MODEL_PROXY_ONLINE &&
        api_proxy_slots_ready(d, &rc, err, sizeof(err)) != 0) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    rc = model_store_set_proxy_state(&d->store, pid, state, err, sizeof(err));
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    http_reply_ok(req);
}

void api_proxy_debug_vars(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    struct model_proxy *proxies;
    size_t n;
    if (dashboard_load_proxies(d, req, &proxies, &n) != 0) {
        return;
    }
    cJSON *out = cJSON_CreateObject();
    char err[512];
    for (size_t i = 0; i < n; i++) {
        char url[MODEL_ADDR_MAX + 32];
        snprintf(url, sizeof(url), "http://%s/debug/vars",
                 proxies[i].debug_var_addr);
        struct httpc_response resp;
        cJSON *vars = NULL;
        if (httpc_get(url, API_PROXY_VARS_TIMEOUT_MS, &resp, err,
                      sizeof(err)) == 0) {
            if (resp.status == 200) {
                vars = json_parse(resp.body, resp.len, err, sizeof(err));
            }
            httpc_response_release(&resp);
        }
        cJSON_AddItemToObject(out, proxies[i].id,
                              vars != NULL ? vars : cJSON_CreateNull());
    }
    mem_free(proxies);
    http_reply_json(req, 200, out);
    cJSON_Delete(out);
}
