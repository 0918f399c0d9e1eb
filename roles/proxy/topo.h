/* The proxy's coordinator mode (Codis 2, codis-facts §3.2, §3.5, §5.2):
 * register as an ephemeral proxy node, keep the slot table in step with
 * the slots and groups in the coordinator, and answer the dashboard's
 * actions. Not here: routing with the table (router.c) or the coordinator
 * and model themselves (lib/coord, lib/model_store).
 *
 *   start: list actions (newest = handled), register proxy/<id> (state
 *          offline; a stale node of a dead proxy is replaced, a live one
 *          refused), watch own node + actions/, load groups and slots,
 *          publish the table (not online: clients get an error)
 *
 *   own node -> online        create the fence of our address, publish
 *                             the same table, online (the fence exists
 *                             only while we may serve: unlike Codis 2, a
 *                             proxy that is registered but not online
 *                             does not block slot changes)
 *            -> mark_offline  stop accepting, publish not online, wait
 *                             for in-flight requests, deregister, exit 0
 *   actions/ child added      for each new action in order: re-read the
 *                             slots / group it names; then publish one
 *                             table, wait until every worker runs it and
 *                             nothing routed by the old one is in flight,
 *                             then acknowledge each action that lists us
 *   session expired (zk)      publish not online; when connected again,
 *                             register again (same state) and reload all
 *
 * Everything runs on the main thread's event base; coordinator calls
 * block briefly. */
#ifndef CODIS_TOPO_H
#define CODIS_TOPO_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/model.h"

struct event_base;
struct slotmap;

/* What topo_start needs from the proxy's main. */
struct topo_config {
    struct model_config model; /* coordinator, zk, product, password ... */
    const char *proxy_id;      /* proxy_id= of config.ini */
    const char *addr;          /* client listen address */
    const char *http_addr;     /* /debug/vars address */
    bool auto_online;          /* proxy_auto_online: go online again by
                                  itself after a restart or a missed
                                  action, when it was online before */
    /* Called once when the proxy must stop taking clients (mark_offline);
     * the event loop is ended by topo itself once it has deregistered. */
    void (*stop_accepting)(void *arg);
    void *arg;
};

/* Check what topo_start would refuse in 'cfg' without connecting
 * (proxy_id). Returns 0, or -1 with 'err' filled. */
int topo_check_config(const struct topo_config *cfg, char *err,
                      size_t errlen);

/* Connect, register, load and publish the first table on 'base' (the
 * main thread's, where watches fire). Returns 0, or -1 with 'err' filled
 * ("proxy 'p1' is already registered ..."). */
int topo_start(struct event_base *base, const struct topo_config *cfg,
               char *err, size_t errlen);

/* Deregister (clean exit) and close the coordinator; nothing if topo was
 * not started. */
void topo_stop(void);

/* Build a slot table from the model: each slot's backend is the master of
 * its group (none if the slot is offline or its group has no master); a
 * pre_migrate slot is locked; a migrate slot also names the master of
 * the group it comes from, and is semi-async when its migrate_method
 * says so. Not online. Problems that leave a slot without
 * an owner are counted in '*problems' (if not NULL) and logged. Returns an
 * owned table. */
struct slotmap *topo_build(const struct model_slot *slots,
                           const struct model_group *groups, size_t ngroups,
                           int *problems);

/* Replace an empty, "0.0.0.0" or "::" host of 'addr' by this machine's
 * host name, as Codis 2 advertises its addresses; write to 'out'. */
void topo_public_addr(const char *addr, char *out, size_t outlen);

#endif
