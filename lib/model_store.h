/* The cluster model in the coordinator, what every role that reads it
 * shares: reading lib/model's slots, groups, proxies and actions through
 * lib/coord, and the proxy's side of Codis 2's Action protocol (register,
 * acknowledge an action, set its own state, unregister). The dashboard's
 * side (posting actions and waiting for them, fences, locks, its
 * registration, migrate tasks, promotions, writes of slots and groups)
 * lives in roles/dashboard/store.c, built on the helpers at the end.
 *
 * Who uses what:
 *   proxy      register_proxy, load_slots/load_groups, load_action,
 *              ack_action, set_proxy_state, unregister_proxy
 *   dashboard  the loads, set_proxy_state, and roles/dashboard/store.h
 *   ha         reads through the dashboard's HTTP API instead
 *
 * Every function returns 0 or a negative coord_status (COORD_NONODE when
 * the thing asked for does not exist, ...) and fills 'err' with a message
 * for a user. Calls block; none keeps state between calls besides the
 * fields of struct model_store. */
#ifndef CODIS_MODEL_STORE_H
#define CODIS_MODEL_STORE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/model.h"

struct coord;
struct event_base;

/* What model_store calls return beyond coord's results (COORD_OK,
 * COORD_NONODE ...): failures a caller answers differently (the dashboard
 * with another HTTP status), so they are told by code, not by text. */
enum model_store_rc {
    MODEL_STORE_TIMEOUT = -100, /* proxies did not acknowledge an action
                                   within action_timeout_ms */
    MODEL_STORE_FENCED = -101,  /* fence nodes of proxies that are not
                                   online: they may not stop cleanly */
};

/* Where a product's nodes live and how long to wait for proxies. */
struct model_store {
    struct coord *coord;           /* borrowed */
    char product[MODEL_NAME_MAX];
    int action_timeout_ms;         /* wait for acks; Codis 2: 30 s */
    int poll_ms;                   /* how often to look for acks */
    const atomic_bool *stop;       /* borrowed, may be NULL: once true,
                                    * a wait for acks gives up at once
                                    * (COORD_ERROR "stopped"), marking no
                                    * proxy offline */
};

/* Set up 'st' over 'coord' for 'product' with Codis 2's timeouts. */
void model_store_init(struct model_store *st, struct coord *coord,
                      const char *product);

/* Open the coordinator named by 'cfg' (coordinator, zk,
 * zk_session_timeout); 'base' as for coord_open. Returns an owned handle
 * (coord_close) or NULL with 'err' filled. */
struct coord *model_store_open_coord(const struct model_config *cfg,
                                     struct event_base *base, char *err,
                                     size_t errlen);

/* Create the product's directories (slots, servers, proxy, fence,
 * actions, ActionResponse, LOCK, migrate_tasks) if missing. */
int model_store_setup(struct model_store *st, char *err, size_t errlen);

/* ---- slots ---- */

/* Read slot 'id' into 'slot'; COORD_NONODE if it was never initialised. */
int model_store_load_slot(struct model_store *st, int id,
                          struct model_slot *slot, char *err, size_t errlen);

/* Read all SLOT_COUNT slots into 'slots' (indexed by id); COORD_NONODE
 * ("slots are not initialized") if any is missing. */
int model_store_load_slots(struct model_store *st, struct model_slot *slots,
                           char *err, size_t errlen);

/* ---- groups and servers ---- */

/* Read group 'gid' with its servers (master, slaves, offline, each by
 * address) into 'group' (release with model_group_release);
 * COORD_NONODE ("group 3 does not exist"). */
int model_store_load_group(struct model_store *st, int gid,
                           struct model_group *group, char *err,
                           size_t errlen);

/* Read every group, sorted by id: '*groups' is an owned array of '*count'
 * groups (model_store_free_groups). */
int model_store_load_groups(struct model_store *st,
                            struct model_group **groups, size_t *count,
                            char *err, size_t errlen);

/* Free what model_store_load_groups returned. */
void model_store_free_groups(struct model_group *groups, size_t count);

/* ---- proxies and fences ---- */

/* Read proxy 'id'; COORD_NONODE if it is not registered. */
int model_store_load_proxy(struct model_store *st, const char *id,
                           struct model_proxy *proxy, char *err,
                           size_t errlen);

/* Register 'proxy': its fence node (persistent, named by its addr) and its
 * ephemeral proxy node; COORD_EXISTS if a node of that id exists. */
int model_store_register_proxy(struct model_store *st,
                               const struct model_proxy *proxy, char *err,
                               size_t errlen);

/* Remove the proxy node and the fence of 'proxy' (clean exit). */
int model_store_unregister_proxy(struct model_store *st,
                                 const struct model_proxy *proxy, char *err,
                                 size_t errlen);

/* Set the state of proxy 'id'. online: COORD_NONODE if the proxy is not
 * registered. offline / mark_offline: a missing proxy is success; with
 * mark_offline, wait (up to action_timeout_ms) for the proxy to remove its
 * node, as Codis 2 does, and fail with COORD_ERROR if it does not. */
int model_store_set_proxy_state(struct model_store *st, const char *id,
                                enum model_proxy_state state, char *err,
                                size_t errlen);

/* ---- actions ---- */

/* The sequence names of the actions, oldest first (coord_free_names). */
int model_store_list_actions(struct model_store *st, char ***seqs,
                             size_t *count, char *err, size_t errlen);

/* Read action 'seq' (model_action_release). */
int model_store_load_action(struct model_store *st, const char *seq,
                            struct model_action *action, char *err,
                            size_t errlen);

/* Acknowledge action 'seq' as 'proxy' (an existing ack is fine). */
int model_store_ack_action(struct model_store *st, const char *seq,
                           const struct model_proxy *proxy, char *err,
                           size_t errlen);

/* ---- for stores built on this one (the dashboard's, store.c) ---- */

/* Fill 'err' for a path that did not fit; returns COORD_ERROR. */
int model_store_too_long(char *err, size_t errlen);

/* Fill 'err' from coordinator failure 'rc' on 'what' ("coordinator:
 * cannot <what>: <why>"); returns 'rc'. */
int model_store_fail(struct model_store *st, int rc, const char *what,
                     char *err, size_t errlen);

/* The children of 'path' into '*names' (coord_free_names), '*count' of
 * them; none when the node is missing. A failure fills 'err' as
 * model_store_fail on 'what' ("list groups"). */
int model_store_children(struct model_store *st, const char *path,
                         const char *what, char ***names, size_t *count,
                         char *err, size_t errlen);

/* Sleep 'ms' milliseconds (a poll's pause). */
void model_store_sleep_ms(int ms);

/* Read 'path' as JSON into '*json' (owned, cJSON_Delete) and its version
 * into '*version' (if not NULL). */
int model_store_get_json(struct model_store *st, const char *path,
                         cJSON **json, int *version, char *err,
                         size_t errlen);

/* The kinds of node model_store_load decodes. */
enum model_store_kind {
    MODEL_STORE_SLOT,         /* struct model_slot */
    MODEL_STORE_SERVER,       /* struct model_server */
    MODEL_STORE_PROXY,        /* struct model_proxy */
    MODEL_STORE_ACTION,       /* struct model_action (release it) */
    MODEL_STORE_MIGRATE_TASK, /* struct model_migrate_task */
};

/* Read the node at 'path' and decode it as 'kind' into 'out', its version
 * into '*version' (if not NULL). 'too_long' says the path did not fit (the
 * caller's model_path_* failed): COORD_ERROR. 'what_fmt' and what follows
 * name the node in errors ("slot 3: field 'id' must be an integer"); a
 * missing node is COORD_NONODE, with "<what> <missing>" in 'err' when
 * 'missing' is not NULL. */
int model_store_load(struct model_store *st, bool too_long, const char *path,
                     int *version, const char *missing,
                     enum model_store_kind kind, void *out, char *err,
                     size_t errlen, const char *what_fmt, ...)
    __attribute__((format(printf, 10, 11)));

/* Write 'json' compactly to 'path', creating the node if missing. */
int model_store_put_json(struct model_store *st, const char *path,
                         const cJSON *json, char *err, size_t errlen);

/* Write 'state' into the node of proxy 'id', and 'event' (if not NULL)
 * as its last_event, now. A missing proxy is COORD_NONODE for online,
 * success otherwise. */
int model_store_write_proxy(struct model_store *st, const char *id,
                            enum model_proxy_state state, const char *event,
                            char *err, size_t errlen);

#endif
