/* The dashboard's shared state and helpers, used by dashboard_main.c and
 * the api_*.c files (one per family of routes). Not for other roles: what
 * they share with the dashboard lives in lib/. */
#ifndef CODIS_DASHBOARD_H
#define CODIS_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "roles/dashboard/http.h"
#include "lib/model.h"
#include "roles/dashboard/store.h"
#include "lib/rclient.h"
#include "lib/slot.h"

/* Timeout of each call to a codis server (PING, SLAVEOF, INFO ...). */
#define DASHBOARD_SERVER_TIMEOUT_MS 3000

struct failover;
struct login;
struct migrator;
struct proxyops;
struct serverinfo;

/* One running dashboard. */
struct dashboard {
    struct model_config cfg;   /* shared config.ini keys */
    struct model_store store;  /* the product's nodes */
    struct coord *coord;       /* owned */
    struct migrator *migrator; /* owned: runs the migrate tasks */
    struct proxyops *ops;      /* owned: samples the proxies' ops */
    struct serverinfo *info;   /* owned: INFO of the masters */
    struct failover *failover; /* owned: promotions, the group keeper */
    struct login *login;       /* owned: credentials and page sessions */
    /* Scratch for a handler's load of every slot: each HTTP worker has its
     * own struct dashboard, so handlers running at once never share it. */
    struct model_slot slots[SLOT_COUNT];
};

/* The HTTP status of a failed model_store call's result 'rc':
 * COORD_NONODE 404, COORD_EXISTS / COORD_LOCKED / COORD_NOTEMPTY /
 * MODEL_STORE_FENCED 409, MODEL_STORE_TIMEOUT 504, else 500. */
int dashboard_store_status(int rc);

/* Reply an error with dashboard_store_status(rc) and 'err' as the
 * message. */
void dashboard_reply_store_error(struct http_request *req, int rc,
                                 const char *err);

/* Release the lock 'held' (dashboard_unlock), then reply: OK when 'rc'
 * is 0, else dashboard_reply_store_error(rc, err). */
void dashboard_unlock_reply(struct dashboard *d, struct http_request *req,
                            const char *held, int rc, const char *err);

/* 0 when a store call's result 'rc' is 0; else reply it with 'err'
 * (dashboard_reply_store_error) and return -1. */
int dashboard_store_ok(struct http_request *req, int rc, const char *err);

/* Every group into '*groups' ('*n' of them, model_store_free_groups) /
 * group 'gid' into '*group' (model_group_release) / every proxy into
 * '*proxies' (mem_free). On a store error reply it and return -1 (for
 * a group, after releasing the lock 'held' when it is not NULL). */
int dashboard_load_groups(struct dashboard *d, struct http_request *req,
                          struct model_group **groups, size_t *n);
int dashboard_load_group(struct dashboard *d, struct http_request *req,
                         const char *held, long long gid,
                         struct model_group *group);
int dashboard_load_proxies(struct dashboard *d, struct http_request *req,
                           struct model_proxy **proxies, size_t *n);

/* Parse capture 'index' of 'req' as an integer in [min, max] into
 * '*value'. On failure replies 400 ("invalid <what> 'x'") and returns
 * -1. */
int dashboard_param_int(struct http_request *req, size_t index,
                        const char *what, long long min, long long max,
                        long long *value);

/* The largest group id (ids are positive ints). */
#define DASHBOARD_MAX_GROUP_ID 2147483647LL

/* The group id of capture 0 (dashboard_param_int, 1 ..
 * DASHBOARD_MAX_GROUP_ID): 0, or -1 after replying 400. */
int dashboard_param_gid(struct http_request *req, long long *gid);

/* Check a group id read from a request body: 1 ..
 * DASHBOARD_MAX_GROUP_ID. On failure replies 400 and returns -1. */
int dashboard_check_group_id(struct http_request *req, long long gid);

/* Check a slot range read from a request body: 0 <= 'from' <= 'to' <
 * SLOT_COUNT. On failure replies 400 and returns -1. */
int dashboard_check_slot_range(struct http_request *req, long long from,
                               long long to);

/* The number of queued migrate tasks into '*ntasks'; on a store error
 * replies it (dashboard_reply_store_error) and returns -1. */
int dashboard_count_migrate_tasks(struct dashboard *d,
                                  struct http_request *req, size_t *ntasks);

/* Take the operation lock for 'desc'; on failure replies (409 or 500)
 * and returns -1. */
int dashboard_lock(struct dashboard *d, struct http_request *req,
                   const char *desc, char *held, size_t heldlen);

/* Release a lock taken by dashboard_lock. */
void dashboard_unlock(struct dashboard *d, const char *held);

/* Read the body of 'req' as a JSON object; on failure replies 400 and
 * returns NULL. Owned (cJSON_Delete). */
cJSON *dashboard_body_object(struct http_request *req);

/* Run one command (NULL-ended 'argv') on server 'addr' with the cluster's
 * password (rclient_oneshot): 0 with the owned reply in '*reply' (if not
 * NULL), or -1 with 'err' filled, error replies included. */
int dashboard_server_call(struct dashboard *d, const char *addr,
                          const char *const *argv,
                          struct rclient_reply **reply, char *err,
                          size_t errlen);

/* Routes, by file. Each is an http_handler_fn taking the dashboard. */
void web_root(struct http_request *req, void *arg);
void web_index(struct http_request *req, void *arg);
void web_asset(struct http_request *req, void *arg);

void api_group_list(struct http_request *req, void *arg);
void api_group_create(struct http_request *req, void *arg);
void api_group_get(struct http_request *req, void *arg);
void api_group_remove(struct http_request *req, void *arg);
void api_group_add_server(struct http_request *req, void *arg);
void api_group_remove_server(struct http_request *req, void *arg);
void api_group_promote(struct http_request *req, void *arg);
void api_group_failover(struct http_request *req, void *arg);
void api_group_failover_status(struct http_request *req, void *arg);

void api_slot_list(struct http_request *req, void *arg);
void api_slot_get(struct http_request *req, void *arg);
void api_slot_init(struct http_request *req, void *arg);
void api_slot_set(struct http_request *req, void *arg);

void api_proxy_list(struct http_request *req, void *arg);
void api_proxy_set(struct http_request *req, void *arg);
void api_proxy_debug_vars(struct http_request *req, void *arg);

void api_migrate_start(struct http_request *req, void *arg);
void api_migrate_tasks(struct http_request *req, void *arg);
void api_migrate_status(struct http_request *req, void *arg);
void api_migrate_cancel(struct http_request *req, void *arg);
/* DELETE /api/migrate/tasks: remove every queued task that has not
 * started; answers the ids "removed" and those "kept" with why. */
void api_migrate_cancel_all(struct http_request *req, void *arg);
void api_migrate_pause(struct http_request *req, void *arg);
void api_migrate_resume(struct http_request *req, void *arg);
void api_migrate_rebalance(struct http_request *req, void *arg);
/* GET /api/rebalance/status: Codis 2's {"is_rebalancing": bool}, true
 * while any migrate task is queued (a rebalance is a batch of them). */
void api_migrate_rebalance_status(struct http_request *req, void *arg);

void api_action_gc(struct http_request *req, void *arg);
void api_action_remove_locks(struct http_request *req, void *arg);
void api_action_remove_fence(struct http_request *req, void *arg);
void api_action_use_post(struct http_request *req, void *arg);

void api_redis_overview(struct http_request *req, void *arg);
void api_redis_stat(struct http_request *req, void *arg);
void api_redis_slotinfo(struct http_request *req, void *arg);
void api_redis_group_slotinfo(struct http_request *req, void *arg);

#endif
