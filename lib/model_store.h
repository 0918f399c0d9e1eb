/* The cluster model in the coordinator: reading and writing lib/model's
 * nodes through lib/coord, and Codis 2's protocols on top of them: the
 * Action protocol (post a change, wait until every online proxy has
 * acknowledged it, fence check, timeout -> offline), the dashboard's
 * registration, the operation lock, fences, and action garbage collection.
 *
 * Who uses what:
 *   dashboard  slots/groups/servers load+save, post_action, lock,
 *              register_dashboard, set_proxy_state, gc, remove_*
 *   proxy      register_proxy, load_slots/load_groups, load_action,
 *              ack_action, unregister_proxy
 *   ha         reads through the dashboard's HTTP API instead
 *
 * Every function returns 0 or a negative coord_status (COORD_NONODE when
 * the thing asked for does not exist, ...) and fills 'err' with a message
 * for a user. Calls block (the action wait polls the coordinator); none
 * keeps state between calls besides the fields of struct model_store. */
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

/* Write 'slot' (created if missing). */
int model_store_save_slot(struct model_store *st,
                          const struct model_slot *slot, char *err,
                          size_t errlen);

/* Create all slots offline with no group. If any slot exists: with
 * 'force' they are all rewritten, without it COORD_EXISTS ("slots already
 * initialized, you may use 'is_force' flag and try again."). */
int model_store_init_slots(struct model_store *st, bool force, char *err,
                           size_t errlen);

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

/* Create the empty group 'gid'; COORD_EXISTS ("group already exists"). */
int model_store_create_group(struct model_store *st, int gid, char *err,
                             size_t errlen);

/* Delete group 'gid' and its servers; COORD_NONODE if absent. */
int model_store_remove_group(struct model_store *st, int gid, char *err,
                             size_t errlen);

/* Write 'server' into its group (server->group_id), created if missing;
 * the group must exist. */
int model_store_save_server(struct model_store *st,
                            const struct model_server *server, char *err,
                            size_t errlen);

/* Delete server 'addr' of group 'gid'; COORD_NONODE if absent. */
int model_store_remove_server(struct model_store *st, int gid,
                              const char *addr, char *err, size_t errlen);

/* ---- proxies and fences ---- */

/* Read every proxy, sorted by id: owned array (mem_free). */
int model_store_load_proxies(struct model_store *st,
                             struct model_proxy **proxies, size_t *count,
                             char *err, size_t errlen);

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

/* The fence check: 0 if every fence node names the addr of an online
 * proxy, else MODEL_STORE_FENCED with "Some proxies may not stop cleanly:
 * <addr> ...", or a coord error. */
int model_store_check_fence(struct model_store *st, char *err,
                            size_t errlen);

/* Delete the fence nodes of proxies that are not online. */
int model_store_remove_fences(struct model_store *st, char *err,
                              size_t errlen);

/* ---- actions ---- */

/* Post an action of 'type' on 'target' (borrowed; copied into the node)
 * to every online proxy. With 'confirm': first the fence check, then wait
 * until every receiver has acknowledged; receivers that have not within
 * action_timeout_ms are set offline with last_event "missed action
 * <seq>" (they stop serving, reload and go online again by themselves)
 * and the call fails with MODEL_STORE_TIMEOUT "receiver timeout: <ids>";
 * a stale fence fails it with MODEL_STORE_FENCED before anything is
 * posted. The sequence name of the action
 * is written to 'seq' (if not NULL, of 'seqlen' bytes). */
int model_store_post_action(struct model_store *st,
                            enum model_action_type type, const cJSON *target,
                            bool confirm, char *seq, size_t seqlen,
                            char *err, size_t errlen);

/* Post an action like model_store_post_action with 'confirm', for a
 * change that must not wait on a lost proxy (a promotion): stray fences
 * do not stop it, and receivers that do not acknowledge within
 * action_timeout_ms are set offline as above and named in 'fenced'
 * ("" when none, of 'fencedlen' bytes) along with the stray fences, while
 * the call succeeds. Fails only on coordinator errors. */
int model_store_post_action_fenced(struct model_store *st,
                                   enum model_action_type type,
                                   const cJSON *target, char *fenced,
                                   size_t fencedlen, char *err,
                                   size_t errlen);

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

/* Delete all but the newest 'keep' actions and their responses. */
int model_store_gc_keep(struct model_store *st, long long keep, char *err,
                        size_t errlen);

/* Delete the actions (and responses) whose ts is more than 'secs' seconds
 * old. */
int model_store_gc_age(struct model_store *st, long long secs, char *err,
                       size_t errlen);

/* ---- migrate tasks ---- */

/* Queue 'task' as a new migrate_tasks/<seq> node; its sequence name goes
 * to 'seq' (of 'seqlen' bytes, may be NULL). */
int model_store_add_migrate_task(struct model_store *st,
                                 const struct model_migrate_task *task,
                                 char *seq, size_t seqlen, char *err,
                                 size_t errlen);

/* The sequence names of the queued tasks, oldest first
 * (coord_free_names); none is success. */
int model_store_list_migrate_tasks(struct model_store *st, char ***seqs,
                                   size_t *count, char *err, size_t errlen);

/* Read task 'seq'; COORD_NONODE if it is gone. */
int model_store_load_migrate_task(struct model_store *st, const char *seq,
                                  struct model_migrate_task *task, char *err,
                                  size_t errlen);

/* Rewrite task 'seq'; COORD_NONODE if it is gone (never recreated). */
int model_store_save_migrate_task(struct model_store *st, const char *seq,
                                  const struct model_migrate_task *task,
                                  char *err, size_t errlen);

/* Delete task 'seq'; a missing one is success. */
int model_store_remove_migrate_task(struct model_store *st, const char *seq,
                                    char *err, size_t errlen);

/* ---- promotion intents ---- */

/* A promotion is written down before its first step, as
 * promotions/<gid> (JSON owned by the dashboard), so that the next
 * dashboard finishes one that was interrupted. */

/* Write the intent of group 'gid' (created if missing). */
int model_store_save_promotion(struct model_store *st, int gid,
                               const cJSON *intent, char *err,
                               size_t errlen);

/* Read the intent of group 'gid' into '*intent' (owned, cJSON_Delete);
 * COORD_NONODE if there is none. */
int model_store_load_promotion(struct model_store *st, int gid,
                               cJSON **intent, char *err, size_t errlen);

/* The groups with an intent: an owned array (mem_free) of '*count' ids. */
int model_store_list_promotions(struct model_store *st, int **gids,
                                size_t *count, char *err, size_t errlen);

/* Delete the intent of group 'gid'; a missing one is success. */
int model_store_remove_promotion(struct model_store *st, int gid, char *err,
                                 size_t errlen);

/* ---- dashboard, lock ---- */

/* Register the dashboard at 'addr' as an ephemeral node. If a node exists
 * and its dashboard still accepts TCP connections at its addr, fail with
 * COORD_EXISTS ("dashboard already exists: {...}"); if nothing answers
 * there, the node is stale (its owner died): replace it. */
int model_store_register_dashboard(struct model_store *st, const char *addr,
                                   char *err, size_t errlen);

/* Remove the dashboard node if it is ours (same pid). */
int model_store_unregister_dashboard(struct model_store *st);

/* Take the product's operation lock (LOCK) for 'desc' without waiting.
 * On success 'held' (of 'heldlen' bytes) names the lock for
 * model_store_unlock; COORD_LOCKED ("zkutil: obtaining lock timed out")
 * if someone else holds it. */
int model_store_lock(struct model_store *st, const char *desc, char *held,
                     size_t heldlen, char *err, size_t errlen);

/* Release the lock 'held'. */
void model_store_unlock(struct model_store *st, const char *held);

/* Delete every lock node (action remove-lock). */
int model_store_remove_locks(struct model_store *st, char *err,
                             size_t errlen);

#endif
