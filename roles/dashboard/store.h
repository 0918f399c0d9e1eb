/* The dashboard's side of the cluster model in the coordinator, over
 * lib/model_store: writes of slots, groups and servers; Codis 2's Action
 * protocol as the poster (post an action, wait until every online proxy
 * has acknowledged it, fence check, timeout -> offline); fences; action
 * garbage collection; migrate tasks; promotion intents; the dashboard's
 * registration and the operation lock. Not for the proxy (it reads and
 * acknowledges through lib/model_store alone).
 *
 * Like lib/model_store, every function returns 0 or a negative
 * coord_status (or a model_store_rc) and fills 'err' for a user. Calls
 * block: the action wait polls the coordinator for up to
 * st->action_timeout_ms, so callers run them off the event loop (the
 * HTTP workers, the migrate runner, the group keeper). */
#ifndef CODIS_STORE_H
#define CODIS_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/model_store.h"

/* Create all slots offline with no group. If any slot exists: with
 * 'force' they are all rewritten, without it COORD_EXISTS ("slots already
 * initialized, you may use 'is_force' flag and try again."). */
int store_init_slots(struct model_store *st, bool force, char *err,
                     size_t errlen);

/* Write 'slot' (created if missing). */
int store_save_slot(struct model_store *st,
                    const struct model_slot *slot, char *err,
                    size_t errlen);

/* Create the empty group 'gid'; COORD_EXISTS ("group already exists"). */
int store_create_group(struct model_store *st, int gid, char *err,
                       size_t errlen);

/* Delete group 'gid' and its servers; COORD_NONODE if absent. */
int store_remove_group(struct model_store *st, int gid, char *err,
                       size_t errlen);

/* Write 'server' into its group (server->group_id), created if missing;
 * the group must exist. */
int store_save_server(struct model_store *st,
                      const struct model_server *server, char *err,
                      size_t errlen);

/* Delete server 'addr' of group 'gid'; COORD_NONODE if absent. */
int store_remove_server(struct model_store *st, int gid,
                        const char *addr, char *err, size_t errlen);

/* Read every proxy, sorted by id: owned array (mem_free). */
int store_load_proxies(struct model_store *st,
                       struct model_proxy **proxies, size_t *count,
                       char *err, size_t errlen);

/* The fence check: 0 if every fence node names the addr of an online
 * proxy, else MODEL_STORE_FENCED with "Some proxies may not stop cleanly:
 * <addr> ...", or a coord error. */
int store_check_fence(struct model_store *st, char *err,
                      size_t errlen);

/* Delete the fence nodes of proxies that are not online. */
int store_remove_fences(struct model_store *st, char *err,
                        size_t errlen);

/* Post an action of 'type' on 'target' (borrowed; copied into the node)
 * to every online proxy. With 'confirm': first the fence check, then wait
 * until every receiver has acknowledged; receivers that have not within
 * action_timeout_ms are set offline with last_event "missed action
 * <seq>" (they stop serving, reload and go online again by themselves)
 * and the call fails with MODEL_STORE_TIMEOUT "receiver timeout: <ids>";
 * a stale fence fails it with MODEL_STORE_FENCED before anything is
 * posted. The sequence name of the action
 * is written to 'seq' (if not NULL, of 'seqlen' bytes). */
int store_post_action(struct model_store *st,
                      enum model_action_type type, const cJSON *target,
                      bool confirm, char *seq, size_t seqlen,
                      char *err, size_t errlen);

/* Post an action like store_post_action with 'confirm', for a
 * change that must not wait on a lost proxy (a promotion): stray fences
 * do not stop it, and receivers that do not acknowledge within
 * action_timeout_ms are set offline as above and named in 'fenced'
 * ("" when none, of 'fencedlen' bytes) along with the stray fences, while
 * the call succeeds. Fails only on coordinator errors. */
int store_post_action_fenced(struct model_store *st,
                             enum model_action_type type,
                             const cJSON *target, char *fenced,
                             size_t fencedlen, char *err,
                             size_t errlen);

/* Delete all but the newest 'keep' actions and their responses. */
int store_gc_keep(struct model_store *st, long long keep, char *err,
                  size_t errlen);

/* Delete the actions (and responses) whose ts is more than 'secs' seconds
 * old. */
int store_gc_age(struct model_store *st, long long secs, char *err,
                 size_t errlen);

/* Queue 'task' as a new migrate_tasks/<seq> node; its sequence name goes
 * to 'seq' (of 'seqlen' bytes, may be NULL). */
int store_add_migrate_task(struct model_store *st,
                           const struct model_migrate_task *task,
                           char *seq, size_t seqlen, char *err,
                           size_t errlen);

/* The sequence names of the queued tasks, oldest first
 * (coord_free_names); none is success. */
int store_list_migrate_tasks(struct model_store *st, char ***seqs,
                             size_t *count, char *err, size_t errlen);

/* Read task 'seq'; COORD_NONODE if it is gone. */
int store_load_migrate_task(struct model_store *st, const char *seq,
                            struct model_migrate_task *task, char *err,
                            size_t errlen);

/* Rewrite task 'seq'; COORD_NONODE if it is gone (never recreated). */
int store_save_migrate_task(struct model_store *st, const char *seq,
                            const struct model_migrate_task *task,
                            char *err, size_t errlen);

/* Delete task 'seq'; a missing one is success. */
int store_remove_migrate_task(struct model_store *st, const char *seq,
                              char *err, size_t errlen);

/* A promotion is written down before its first step, as
 * promotions/<gid> (JSON owned by the dashboard), so that the next
 * dashboard finishes one that was interrupted. */

/* Write the intent of group 'gid' (created if missing). */
int store_save_promotion(struct model_store *st, int gid,
                         const cJSON *intent, char *err,
                         size_t errlen);

/* Read the intent of group 'gid' into '*intent' (owned, cJSON_Delete);
 * COORD_NONODE if there is none. */
int store_load_promotion(struct model_store *st, int gid,
                         cJSON **intent, char *err, size_t errlen);

/* The groups with an intent: an owned array (mem_free) of '*count' ids. */
int store_list_promotions(struct model_store *st, int **gids,
                          size_t *count, char *err, size_t errlen);

/* Delete the intent of group 'gid'; a missing one is success. */
int store_remove_promotion(struct model_store *st, int gid, char *err,
                           size_t errlen);

/* Register the dashboard at 'addr' as an ephemeral node. If a node exists
 * and its dashboard still accepts TCP connections at its addr, fail with
 * COORD_EXISTS ("dashboard already exists: {...}"); if nothing answers
 * there, the node is stale (its owner died): replace it. */
int store_register_dashboard(struct model_store *st, const char *addr,
                             char *err, size_t errlen);

/* Remove the dashboard node if it is ours (same pid). */
int store_unregister_dashboard(struct model_store *st);

/* Take the product's operation lock (LOCK) for 'desc' without waiting.
 * On success 'held' (of 'heldlen' bytes) names the lock for
 * store_unlock; COORD_LOCKED ("zkutil: obtaining lock timed out")
 * if someone else holds it. */
int store_lock(struct model_store *st, const char *desc, char *held,
               size_t heldlen, char *err, size_t errlen);

/* Release the lock 'held'. */
void store_unlock(struct model_store *st, const char *held);

/* Delete every lock node (action remove-lock). */
int store_remove_locks(struct model_store *st, char *err,
                       size_t errlen);

#endif
