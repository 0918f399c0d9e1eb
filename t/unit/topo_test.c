/* Unit tests for roles/proxy/topo: the slot table built from the Codis 2
 * model (slot states, group masters) and the advertised address. */
#include "t/unit/tap.h"

#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "lib/slot.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/topo.h"

/* Group 'gid' with servers "127.0.0.1:<port>" of the given types. */
static void make_group(struct model_group *g, int gid, int nservers,
                       const int *ports, const enum model_server_type *types)
{
    memset(g, 0, sizeof(*g));
    g->id = gid;
    g->servers = mem_calloc((size_t)nservers, sizeof(*g->servers));
    g->count = (size_t)nservers;
    for (int i = 0; i < nservers; i++) {
        snprintf(g->servers[i].addr, sizeof(g->servers[i].addr),
                 "127.0.0.1:%d", ports[i]);
        g->servers[i].type = types[i];
        g->servers[i].group_id = gid;
    }
}

/* The address of slot 'id''s backend in 'map', or "-". */
static const char *backend_of(const struct slotmap *map, int id)
{
    int32_t b = map->slots[id].backend;
    return b == SLOTMAP_NONE ? "-" : map->addrs[b];
}

static const char *from_of(const struct slotmap *map, int id)
{
    int32_t b = map->slots[id].migrate_from;
    return b == SLOTMAP_NONE ? "-" : map->addrs[b];
}

int main(void)
{
    char err[256];
    log_init("test", "/dev/null", err, sizeof(err));
    static struct model_slot slots[SLOT_COUNT];
    for (int i = 0; i < SLOT_COUNT; i++) {
        model_slot_init(&slots[i], "test", i);
    }
    struct model_group groups[3];
    const int p1[] = { 7001, 7002 };
    const enum model_server_type t1[] = { MODEL_SERVER_SLAVE,
                                          MODEL_SERVER_MASTER };
    make_group(&groups[0], 1, 2, p1, t1);
    const int p2[] = { 7003 };
    const enum model_server_type t2[] = { MODEL_SERVER_MASTER };
    make_group(&groups[1], 2, 1, p2, t2);
    const int p3[] = { 7004 };
    const enum model_server_type t3[] = { MODEL_SERVER_SLAVE };
    make_group(&groups[2], 3, 1, p3, t3);

    /* 0: online in group 1; 1: online in group 2; 2: pre_migrate (still
     * group 1); 3: migrate from 1 to 2; 4: online in group 3 (no master);
     * 5: offline with a group; 6: migrate from group 3 (no master) */
    slots[0].status = MODEL_SLOT_ONLINE;
    slots[0].group_id = 1;
    slots[1].status = MODEL_SLOT_ONLINE;
    slots[1].group_id = 2;
    slots[2].status = MODEL_SLOT_PRE_MIGRATE;
    slots[2].group_id = 1;
    slots[3].status = MODEL_SLOT_MIGRATE;
    slots[3].group_id = 2;
    slots[3].migrate_from = 1;
    slots[3].migrate_to = 2;
    slots[4].status = MODEL_SLOT_ONLINE;
    slots[4].group_id = 3;
    slots[5].status = MODEL_SLOT_OFFLINE;
    slots[5].group_id = 1;
    slots[6].status = MODEL_SLOT_MIGRATE;
    slots[6].group_id = 2;
    slots[6].migrate_from = 3;
    slots[6].migrate_to = 2;

    /* 8: migrate from 1 to 2, semi-async; 9: online, a stale method */
    slots[8] = slots[3];
    slots[8].id = 8;
    slots[8].migrate_method = MODEL_MIGRATE_SEMI_ASYNC;
    slots[9] = slots[0];
    slots[9].id = 9;
    slots[9].migrate_method = MODEL_MIGRATE_SEMI_ASYNC;

    int problems = -1;
    struct slotmap *map = topo_build(slots, groups, 3, &problems);
    tap_ok(!map->online, "a built table is not online by itself");
    tap_str(backend_of(map, 0), "127.0.0.1:7002",
            "an online slot goes to its group's master, not a slave");
    tap_ok(!map->slots[0].locked && map->slots[0].migrate_from ==
           SLOTMAP_NONE, "an online slot is neither locked nor migrating");
    tap_str(backend_of(map, 1), "127.0.0.1:7003", "each group its master");
    tap_str(backend_of(map, 2), "127.0.0.1:7002",
            "pre_migrate keeps the old owner");
    tap_ok(map->slots[2].locked, "pre_migrate locks the slot");
    tap_str(backend_of(map, 3), "127.0.0.1:7003",
            "migrate goes to the target");
    tap_str(from_of(map, 3), "127.0.0.1:7002",
            "migrate names the source master");
    tap_ok(!map->slots[3].locked, "a migrating slot is not locked");
    tap_str(backend_of(map, 4), "-", "a group without master: no owner");
    tap_str(backend_of(map, 5), "-", "an offline slot has no owner");
    tap_str(backend_of(map, 6), "-",
            "migrating from a group without master: no owner");
    tap_str(backend_of(map, 7), "-", "an uninitialised slot has no owner");
    tap_ok(!map->slots[3].semi_async, "a sync migration stays sync");
    tap_ok(map->slots[8].semi_async && from_of(map, 8)[0] != '-',
           "a semi-async migration is forwarded semi-async");
    tap_ok(!map->slots[9].semi_async,
           "a slot that does not migrate is never semi-async");
    tap_int(problems, 2, "the slots that cannot be served are counted");
    tap_int((int)map->naddrs, 3, "each backend address is kept once "
            "(two masters, one slave)");
    tap_ok(map->slots[0].nreplicas == 1 &&
           strcmp(map->addrs[map->slots[0].replicas[0]], "127.0.0.1:7001") ==
               0, "a slot lists the slaves of its group for replica reads");
    tap_ok(map->slots[1].nreplicas == 0, "a group without slaves: none");
    slotmap_free(map);

    map = slotmap_parse("[{\"id\": 1, \"backend_addr\": \"h:2\", "
                        "\"migrate_from\": \"h:1\", \"forward_method\": 1},"
                        "{\"id\": 2, \"backend_addr\": \"h:2\", "
                        "\"migrate_from\": \"h:1\"},"
                        "{\"id\": 3, \"backend_addr\": \"h:2\", "
                        "\"forward_method\": 1}]", err, sizeof(err));
    tap_ok(map != NULL && map->slots[1].semi_async,
           "fillslots: forward_method 1 is semi-async");
    tap_ok(map != NULL && !map->slots[2].semi_async &&
           !map->slots[3].semi_async,
           "fillslots: no forward_method, or no migrate_from, is not");
    slotmap_free(map);

    char addr[256];
    char host[200];
    gethostname(host, sizeof(host));
    char want[256];
    snprintf(want, sizeof(want), "%s:19000", host);
    topo_public_addr("0.0.0.0:19000", addr, sizeof(addr));
    tap_str(addr, want, "0.0.0.0 is advertised as the host name");
    topo_public_addr(":19000", addr, sizeof(addr));
    tap_str(addr, want, "an empty host too");
    topo_public_addr("127.0.0.1:19000", addr, sizeof(addr));
    tap_str(addr, "127.0.0.1:19000", "a given address is kept");

    for (int i = 0; i < 3; i++) {
        model_group_release(&groups[i]);
    }
    log_close();
    return tap_done();
}
