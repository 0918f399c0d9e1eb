/* Helpers shared by the dashboard's API files: error mapping, parameter
 * parsing, the operation lock, JSON bodies and calls to servers. */
#include "roles/dashboard/dashboard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coord.h"
#include "lib/slot.h"

int dashboard_store_status(int rc)
{
    switch (rc) {
    case COORD_NONODE:
        return 404;
    case COORD_EXISTS:
    case COORD_LOCKED:
    case COORD_NOTEMPTY:
    case MODEL_STORE_FENCED:
        return 409;
    case MODEL_STORE_TIMEOUT:
        return 504;
    default:
        return 500;
    }
}

void dashboard_reply_store_error(struct http_request *req, int rc,
                                 const char *err)
{
    http_reply_error(req, dashboard_store_status(rc), "%s", err);
}

void dashboard_unlock_reply(struct dashboard *d, struct http_request *req,
                            const char *held, int rc, const char *err)
{
    dashboard_unlock(d, held);
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
    } else {
        http_reply_ok(req);
    }
}

int dashboard_store_ok(struct http_request *req, int rc, const char *err)
{
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return -1;
    }
    return 0;
}

int dashboard_load_groups(struct dashboard *d, struct http_request *req,
                          struct model_group **groups, size_t *n)
{
    char err[512];
    int rc = model_store_load_groups(&d->store, groups, n, err, sizeof(err));
    return dashboard_store_ok(req, rc, err);
}

int dashboard_load_group(struct dashboard *d, struct http_request *req,
                         const char *held, long long gid,
                         struct model_group *group)
{
    char err[512];
    int rc = model_store_load_group(&d->store, (int)gid, group, err,
                                    sizeof(err));
    if (rc != 0 && held != NULL) {
        dashboard_unlock_reply(d, req, held, rc, err);
        return -1;
    }
    return dashboard_store_ok(req, rc, err);
}

int dashboard_load_proxies(struct dashboard *d, struct http_request *req,
                           struct model_proxy **proxies, size_t *n)
{
    char err[512];
    int rc = store_load_proxies(&d->store, proxies, n, err, sizeof(err));
    return dashboard_store_ok(req, rc, err);
}

int dashboard_param_int(struct http_request *req, size_t index,
                        const char *what, long long min, long long max,
                        long long *value)
{
    const char *s = index < req->nparams ? req->params[index] : "";
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
        http_reply_error(req, 400, "invalid %s '%s'", what, s);
        return -1;
    }
    *value = v;
    return 0;
}

int dashboard_param_gid(struct http_request *req, long long *gid)
{
    return dashboard_param_int(req, 0, "group id", 1, DASHBOARD_MAX_GROUP_ID,
                               gid);
}

int dashboard_check_group_id(struct http_request *req, long long gid)
{
    if (gid < 1 || gid > DASHBOARD_MAX_GROUP_ID) {
        http_reply_error(req, 400, "invalid group id %lld: must be >= 1",
                         gid);
        return -1;
    }
    return 0;
}

int dashboard_check_slot_range(struct http_request *req, long long from,
                               long long to)
{
    if (from < 0 || to > SLOT_COUNT - 1 || from > to) {
        http_reply_error(req, 400,
                         "invalid slot range %lld-%lld: need 0 <= from <= "
                         "to <= %d", from, to, SLOT_COUNT - 1);
        return -1;
    }
    return 0;
}

int dashboard_count_migrate_tasks(struct dashboard *d,
                                  struct http_request *req, size_t *ntasks)
{
    char err[512];
    char **seqs;
    int rc = store_list_migrate_tasks(&d->store, &seqs, ntasks, err,
                                      sizeof(err));
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return -1;
    }
    coord_free_names(seqs, *ntasks);
    return 0;
}

int dashboard_lock(struct dashboard *d, struct http_request *req,
                   const char *desc, char *held, size_t heldlen)
{
    char err[512];
    int rc = store_lock(&d->store, desc, held, heldlen, err,
                        sizeof(err));
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return -1;
    }
    return 0;
}

void dashboard_unlock(struct dashboard *d, const char *held)
{
    store_unlock(&d->store, held);
}

cJSON *dashboard_body_object(struct http_request *req)
{
    char err[256];
    cJSON *json = http_body_json(req, HTTP_BODY_LIMIT, err, sizeof(err));
    if (json == NULL) {
        http_reply_error(req, 400, "%s", err);
        return NULL;
    }
    if (!cJSON_IsObject(json)) {
        cJSON_Delete(json);
        http_reply_error(req, 400, "request body must be a JSON object");
        return NULL;
    }
    return json;
}

int dashboard_server_call(struct dashboard *d, const char *addr,
                          const char *const *argv,
                          struct rclient_reply **reply, char *err,
                          size_t errlen)
{
    return rclient_oneshot(addr, d->cfg.password, DASHBOARD_SERVER_TIMEOUT_MS,
                           reply, err, errlen, argv);
}
