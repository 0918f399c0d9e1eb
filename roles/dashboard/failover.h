/* Replication-aware promotion and the group keeper of the dashboard.
 *
 * The keeper is a worker thread with its own coordinator handle. Every
 * FAILOVER_TICK_MS it:
 *   1. finishes any promotion whose intent is stored (promotions/<gid>),
 *      left behind by a dashboard that died in the middle of one;
 *   2. reads INFO of every server of every group and remembers, per
 *      server, its real role, the master it follows, its link state,
 *      replication id and offset, and when it was last seen in sync with
 *      its group's master (with which run_id: a restart shows); what
 *      it saw of each group is also written to failover/<gid> (the
 *      master, its replication id, the slaves in sync, when), and a
 *      starting dashboard begins from it, so it can promote a slave that
 *      was in sync with a master that died before it started;
 *   3. keeps the groups attached: a slave that is standalone or follows
 *      another server gets SLAVEOF its group's master; an offline server
 *      (an old master) that answers again becomes a slave of the group's
 *      master, in the store too;
 *   4. reports keys that a group's master holds in slots the group does
 *      not own (left there by a failover during a migration) and removes
 *      them with SLOTSDEL.
 *
 * A promotion (failover_promote) is all-or-nothing:
 *
 *   pick/check the new master -> store the intent -> fence the old master
 *   when it answers (min-replicas-to-write blocks its writes; wait until
 *   the new master has its offset) -> SLAVEOF NO ONE on the new master
 *   -> save the group -> publish to the proxies (a proxy that does not
 *   acknowledge within action_timeout is set offline and reported, never
 *   waited for forever) -> the old master follows the new one -> the
 *   intent is deleted.
 *
 * A failure before the group is saved rolls back (the old master's fence
 * is lifted, the intent deleted); after it, the promotion goes forward,
 * now or in the next dashboard. A slave is a safe candidate when it
 * follows the failed master, has the master's replication id, was seen
 * in sync with it (link up) until shortly before the master was last
 * seen alive, and has not restarted since; among safe candidates the one
 * with the highest offset wins. Without a safe candidate nothing is
 * promoted unless the operator forces it.
 *
 * Entry points: failover_start, failover_promote, failover_slaveof,
 * failover_server_json, failover_status_json, failover_stop. */
#ifndef CODIS_FAILOVER_H
#define CODIS_FAILOVER_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "lib/model.h"

struct failover;
struct model_store;

/* What a promotion is asked to do. */
struct failover_request {
    int gid;
    const char *addr;   /* the slave to promote, or NULL: the safest */
    bool force;         /* skip the safety checks on 'addr' */
    bool master_down;   /* from ha: refuse if the master answers us */
};

/* Start the keeper for the product of 'cfg' (borrowed: outlives it),
 * waiting 'action_timeout_ms' for proxies. Returns an owned keeper
 * (failover_stop), or NULL with 'err' filled. */
struct failover *failover_start(const struct model_config *cfg,
                                int action_timeout_ms, char *err,
                                size_t errlen);

/* Run a promotion through 'store' (the caller's coordinator handle; the
 * caller holds no lock: this takes the operation lock). Returns an HTTP
 * status: 200 with '*result' an owned object ({"promoted": addr,
 * "fenced_proxies": "..."}), or 4xx/5xx with 'err' filled. */
int failover_promote(struct failover *f, struct model_store *store,
                     const struct failover_request *req, cJSON **result,
                     char *err, size_t errlen);

/* Make 'addr' a replica of 'master' (CONFIG SET masterauth first when
 * the cluster has a password). Returns 0, or -1 with 'err' filled. */
int failover_slaveof(struct failover *f, const char *addr,
                     const char *master, char *err, size_t errlen);

/* Add what the keeper last saw of server 'addr' to 'server' (its JSON
 * object): "role", "master", "link", "lag", "offset", "seen". Nothing
 * when it was never read. */
void failover_server_json(struct failover *f, const char *addr,
                          cJSON *server);

/* The keeper's state: per group, the last promotion decision or why none
 * can be made. Owned (cJSON_Delete). */
cJSON *failover_status_json(struct failover *f);

/* The migrate runner moved 'slot' away from group 'from': keys of it
 * that a server of 'from' holds later (a promoted slave that had not
 * seen them leave) are orphans the keeper removes. A migration may start
 * and end between two of the keeper's looks at the queue, so the runner
 * says it. Any thread. */
void failover_note_moved(struct failover *f, int slot, int from);

/* Stop the keeper after its current step and free it (NULL is fine). */
void failover_stop(struct failover *f);

#endif
