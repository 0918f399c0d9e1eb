/* GET /metrics: the cluster's figures in Prometheus's text format, for a
 * scraper beside the page: groups and their servers by stored role,
 * slots by state, proxies by state, the migration queue and its progress,
 * and the proxies' summed ops. Read from the coordinator on each scrape
 * (a worker route), like the API's lists. */
#include "roles/dashboard/metrics.h"

#include <event2/buffer.h>

#include "lib/coord.h"
#include "lib/mem.h"
#include "lib/slot.h"
#include "roles/dashboard/migrator.h"
#include "roles/dashboard/proxyops.h"

/* A metric's HELP and TYPE lines. */
static void metrics_head(struct evbuffer *o, const char *name,
                         const char *type, const char *help)
{
    evbuffer_add_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
                        type);
}

/* Groups, and their servers by the role the coordinator stores. */
static void metrics_groups(struct evbuffer *o,
                           const struct model_group *groups, size_t n)
{
    metrics_head(o, "codis_groups", "gauge", "Server groups.");
    evbuffer_add_printf(o, "codis_groups %zu\n", n);
    size_t count[MODEL_SERVER_OFFLINE + 1] = { 0 };
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < groups[i].count; j++) {
            count[groups[i].servers[j].type]++;
        }
    }
    metrics_head(o, "codis_servers", "gauge",
                 "Servers of all groups by stored type.");
    for (int t = MODEL_SERVER_MASTER; t <= MODEL_SERVER_OFFLINE; t++) {
        evbuffer_add_printf(o, "codis_servers{type=\"%s\"} %zu\n",
                    model_server_type_name((enum model_server_type)t),
                    count[t]);
    }
}

/* Slots by state ("unassigned" when slots were never initialised). */
static void metrics_slots(struct evbuffer *o,
                          const struct model_slot *slots, bool present)
{
    size_t count[MODEL_SLOT_PRE_MIGRATE + 1] = { 0 };
    for (int i = 0; present && i < SLOT_COUNT; i++) {
        count[slots[i].status]++;
    }
    metrics_head(o, "codis_slots", "gauge", "Slots by state.");
    for (int s = MODEL_SLOT_OFFLINE; s <= MODEL_SLOT_PRE_MIGRATE; s++) {
        evbuffer_add_printf(o, "codis_slots{state=\"%s\"} %zu\n",
                    model_slot_status_name((enum model_slot_status)s),
                    count[s]);
    }
    evbuffer_add_printf(o, "codis_slots{state=\"unassigned\"} %d\n",
                present ? 0 : SLOT_COUNT);
}

/* Proxies by state. */
static void metrics_proxies(struct evbuffer *o,
                            const struct model_proxy *proxies, size_t n)
{
    size_t count[MODEL_PROXY_MARK_OFFLINE + 1] = { 0 };
    for (size_t i = 0; i < n; i++) {
        count[proxies[i].state]++;
    }
    metrics_head(o, "codis_proxies", "gauge", "Proxies by state.");
    for (int s = MODEL_PROXY_OFFLINE; s <= MODEL_PROXY_MARK_OFFLINE; s++) {
        evbuffer_add_printf(o, "codis_proxies{state=\"%s\"} %zu\n",
                    model_proxy_state_name((enum model_proxy_state)s),
                    count[s]);
    }
}

/* The migration queue and what its runner has done since it last filled. */
static void metrics_migration(struct evbuffer *o, struct dashboard *d,
                              size_t ntasks)
{
    struct migrator_progress *p = mem_alloc(sizeof(*p));
    migrator_progress(d->migrator, p);
    metrics_head(o, "codis_migrate_tasks", "gauge",
                 "Migrate tasks queued (one per slot).");
    evbuffer_add_printf(o, "codis_migrate_tasks %zu\n", ntasks);
    metrics_head(o, "codis_migrate_slots_in_flight", "gauge",
                 "Slots whose keys are moving now.");
    evbuffer_add_printf(o, "codis_migrate_slots_in_flight %zu\n", p->nslots);
    metrics_head(o, "codis_migrate_paused", "gauge",
                 "1 while the operator holds the migrate queue.");
    evbuffer_add_printf(o, "codis_migrate_paused %d\n", p->paused ? 1 : 0);
    metrics_head(o, "codis_migrate_slots_done", "gauge",
                 "Slots migrated since the queue last became non-empty.");
    evbuffer_add_printf(o, "codis_migrate_slots_done %lld\n", p->slots_done);
    metrics_head(o, "codis_migrate_slots_failed", "gauge",
                 "Failed slot runs since the queue last became non-empty.");
    evbuffer_add_printf(o, "codis_migrate_slots_failed %lld\n",
                        p->slots_failed);
    metrics_head(o, "codis_migrate_keys_moved", "gauge",
                 "Keys moved since the queue last became non-empty.");
    evbuffer_add_printf(o, "codis_migrate_keys_moved %lld\n", p->keys_moved);
    mem_free(p);
}

void metrics_get(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    struct model_group *groups;
    size_t ngroups;
    if (dashboard_load_groups(d, req, &groups, &ngroups) != 0) {
        return;
    }
    struct model_proxy *proxies;
    size_t nproxies;
    if (dashboard_load_proxies(d, req, &proxies, &nproxies) != 0) {
        model_store_free_groups(groups, ngroups);
        return;
    }
    size_t ntasks;
    struct model_slot *slots = d->slots; /* this worker's scratch */
    char err[512];
    int rc = model_store_load_slots(&d->store, slots, err, sizeof(err));
    if ((rc != 0 && rc != COORD_NONODE) ||
        dashboard_count_migrate_tasks(d, req, &ntasks) != 0) {
        if (rc != 0 && rc != COORD_NONODE) {
            dashboard_reply_store_error(req, rc, err);
        }
        mem_free(proxies);
        model_store_free_groups(groups, ngroups);
        return;
    }
    struct evbuffer *o = evbuffer_new();
    metrics_groups(o, groups, ngroups);
    metrics_slots(o, slots, rc == 0);
    metrics_proxies(o, proxies, nproxies);
    metrics_migration(o, d, ntasks);
    long long total, per_sec;
    proxyops_get(d->ops, &total, &per_sec);
    metrics_head(o, "codis_proxy_ops_total", "counter",
                 "Commands served by the online proxies, summed.");
    evbuffer_add_printf(o, "codis_proxy_ops_total %lld\n", total);
    metrics_head(o, "codis_proxy_ops_per_second", "gauge",
                 "The proxies' summed commands per second.");
    evbuffer_add_printf(o, "codis_proxy_ops_per_second %lld\n", per_sec);
    size_t len = evbuffer_get_length(o);
    http_reply_data(req, 200, "text/plain; version=0.0.4",
                    evbuffer_pullup(o, -1), len);
    evbuffer_free(o);
    mem_free(proxies);
    model_store_free_groups(groups, ngroups);
}
