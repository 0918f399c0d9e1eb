/* Slot routes of the dashboard (codis-facts §4.1): list, get, init and
 * range-set. Range-set only assigns offline slots (moving an owned slot is
 * a migration) and tells the proxies with one multi_slot_changed action. */
#include "roles/dashboard/dashboard.h"

#include <stdio.h>
#include <string.h>

#include "lib/coord.h"
#include "lib/json.h"
#include "lib/slot.h"

void api_slot_list(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    char err[512];
    int rc = model_store_load_slots(&d->store, d->slots, err,
                                    sizeof(err));
    if (rc == COORD_NONODE) {
        cJSON *empty = cJSON_CreateArray();
        http_reply_json(req, 200, empty);
        cJSON_Delete(empty);
        return;
    }
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < SLOT_COUNT; i++) {
        cJSON_AddItemToArray(arr, model_slot_to_json(&d->slots[i]));
    }
    http_reply_json(req, 200, arr);
    cJSON_Delete(arr);
}

void api_slot_get(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long id;
    if (dashboard_param_int(req, 0, "slot id", 0, SLOT_COUNT - 1, &id) != 0) {
        return;
    }
    char err[512];
    struct model_slot slot;
    int rc = model_store_load_slot(&d->store, (int)id, &slot, err,
                                   sizeof(err));
    if (dashboard_store_ok(req, rc, err) != 0) {
        return;
    }
    cJSON *json = model_slot_to_json(&slot);
    http_reply_json(req, 200, json);
    cJSON_Delete(json);
}

/* Post multi_slot_changed for 'range' and reply. */
static void api_slot_publish(struct dashboard *d, struct http_request *req,
                             const struct model_slot_range *range)
{
    char err[1024];
    cJSON *target = model_slot_range_to_json(range);
    int rc = store_post_action(&d->store,
                               MODEL_ACTION_MULTI_SLOT_CHANGED, target,
                               true, NULL, 0, err, sizeof(err));
    cJSON_Delete(target);
    if (rc == 0) {
        http_reply_ok(req);
    } else {
        dashboard_reply_store_error(req, rc, err);
    }
}

void api_slot_init(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    const char *f = http_query(req, "is_force");
    bool force = f != NULL && (strcmp(f, "1") == 0 || strcmp(f, "true") == 0);
    size_t ntasks;
    if (dashboard_count_migrate_tasks(d, req, &ntasks) != 0) {
        return;
    }
    if (ntasks > 0) {
        /* the runner would write its slots back over the fresh ones */
        http_reply_error(req, 409, "there are %zu migration tasks queued: "
                                   "wait for them or remove them first",
                         ntasks);
        return;
    }
    char held[MODEL_PATH_MAX];
    if (dashboard_lock(d, req, "init slots", held, sizeof(held)) != 0) {
        return;
    }
    char err[512];
    int rc = store_init_slots(&d->store, force, err, sizeof(err));
    if (rc != 0) {
        dashboard_unlock_reply(d, req, held, rc, err);
        return;
    }
    if (force) {
        /* proxies may hold the old table: make them re-read all slots */
        struct model_slot_range all = { 0, SLOT_COUNT - 1, MODEL_SLOT_OFFLINE,
                                        -1 };
        api_slot_publish(d, req, &all);
    } else {
        http_reply_ok(req);
    }
    dashboard_unlock(d, held);
}

void api_slot_set(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    cJSON *body = dashboard_body_object(req);
    if (body == NULL) {
        return;
    }
    char err[512];
    long long from, to, gid;
    const char *status_name;
    int bad = json_get_int(body, "from", true, 0, &from, err, sizeof(err)) ||
              json_get_int(body, "to", true, 0, &to, err, sizeof(err)) ||
              json_get_int(body, "new_group", true, 0, &gid, err,
                           sizeof(err)) ||
              json_get_str(body, "status", false, "online", &status_name,
                           err, sizeof(err));
    enum model_slot_status status = MODEL_SLOT_ONLINE;
    if (!bad && (model_slot_status_parse(status_name, &status) != 0 ||
                 (status != MODEL_SLOT_ONLINE &&
                  status != MODEL_SLOT_OFFLINE))) {
        snprintf(err, sizeof(err),
                 "slot status must be online or offline, not '%s'",
                 status_name);
        bad = 1;
    }
    cJSON_Delete(body);
    if (bad) {
        http_reply_error(req, 400, "%s", err);
        return;
    }
    if (dashboard_check_slot_range(req, from, to) != 0 ||
        dashboard_check_group_id(req, gid) != 0) {
        return;
    }
    char held[MODEL_PATH_MAX];
    if (dashboard_lock(d, req, "set slots", held, sizeof(held)) != 0) {
        return;
    }
    struct model_group g;
    if (dashboard_load_group(d, req, held, gid, &g) != 0) {
        return;
    }
    int rc;
    bool has_master = model_group_master(&g) != NULL;
    model_group_release(&g);
    if (!has_master) {
        dashboard_unlock(d, held);
        http_reply_error(req, 409, "group %lld has no master", gid);
        return;
    }
    for (long long i = from; i <= to; i++) {
        struct model_slot *s = &d->slots[i];
        rc = model_store_load_slot(&d->store, (int)i, s, err, sizeof(err));
        if (rc == COORD_NONODE) {
            snprintf(err, sizeof(err), "slots are not initialized: run "
                                       "'slot init' first");
            rc = COORD_EXISTS; /* a conflict with the state, not a 404 */
        }
        if (rc == 0 && s->status != MODEL_SLOT_OFFLINE) {
            snprintf(err, sizeof(err),
                     "slot %lld is not offline, if you want to change the "
                     "group for a slot, use migrate", i);
            rc = COORD_EXISTS;
        }
        if (rc != 0) {
            dashboard_unlock_reply(d, req, held, rc, err);
            return;
        }
    }
    for (long long i = from; i <= to; i++) {
        struct model_slot *s = &d->slots[i];
        s->group_id = (int)gid;
        s->status = status;
        rc = store_save_slot(&d->store, s, err, sizeof(err));
        if (rc != 0) {
            dashboard_unlock_reply(d, req, held, rc, err);
            return;
        }
    }
    struct model_slot_range range = { (int)from, (int)to, status, (int)gid };
    api_slot_publish(d, req, &range);
    dashboard_unlock(d, held);
}
