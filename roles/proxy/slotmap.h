/* The slot table the proxy routes with: for each of the 1024 slots, the
 * backend that owns it, the backend it is migrating from (if any) and
 * whether it is locked (requests wait). Backend addresses are kept once,
 * slots refer to them by index.
 *
 * A published slotmap is immutable: workers read it without locks, and a
 * change builds a new one that replaces it whole (worker.c swaps the
 * pointer and frees the old one when no worker holds it any more).
 *
 * Sources: a Codis 3 style --fillslots JSON file (slotmap_load_file), or
 * the coordinator (topo.c builds one with slotmap_new/slotmap_set). */
#ifndef CODIS_SLOTMAP_H
#define CODIS_SLOTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/slot.h"

#define SLOTMAP_NONE (-1) /* no backend */
#define SLOTMAP_MAX_REPLICAS 4 /* slaves kept per slot for replica reads */

/* One slot. */
struct slotmap_slot {
    int32_t backend;      /* index into addrs, or SLOTMAP_NONE: offline */
    int32_t migrate_from; /* index into addrs, or SLOTMAP_NONE */
    bool locked;          /* requests wait until a new table unlocks it */
    bool semi_async;      /* migrating semi-async: requests go to the
                             source wrapped in SLOTSMGRT-EXEC-WRAPPER
                             (Codis 3.2 "forward_method" 1), not after a
                             SLOTSMGRTTAGONE */
    uint8_t nreplicas;    /* slaves of the owner's group, for reads */
    int32_t replicas[SLOTMAP_MAX_REPLICAS]; /* indices into addrs */
};

/* A whole table. */
struct slotmap {
    uint64_t version;   /* set when published; higher is newer */
    bool online;        /* false: every request but QUIT is refused with
                           "proxy is not online" (coordinator mode before
                           'proxy online', after 'proxy offline', while the
                           coordinator session is lost) */
    char **addrs;       /* owned "host:port" strings, 'naddrs' of them */
    size_t naddrs;
    struct slotmap_slot slots[SLOT_COUNT];
};

/* A table with every slot offline, not online. Owned: slotmap_free. */
struct slotmap *slotmap_new(void);

/* A deep copy of 'map' (version included). Owned. */
struct slotmap *slotmap_copy(const struct slotmap *map);

/* Free 'map'; NULL is fine. */
void slotmap_free(struct slotmap *map);

/* The index of 'addr' in map->addrs, adding it if new. */
int32_t slotmap_addr(struct slotmap *map, const char *addr);

/* Set slot 'id' to 'backend' and 'migrate_from' (addresses or NULL) and
 * 'locked'. Returns 0, or -1 with 'err' filled for a bad address. */
int slotmap_set(struct slotmap *map, unsigned id, const char *backend,
                const char *migrate_from, bool locked, char *err,
                size_t errlen);

/* Add the slave 'addr' of slot 'id's group (at most
 * SLOTMAP_MAX_REPLICAS are kept; the rest are ignored). Returns 0, or -1
 * with 'err' filled for a bad address. */
int slotmap_add_replica(struct slotmap *map, unsigned id, const char *addr,
                        char *err, size_t errlen);

/* Parse a fillslots JSON text: an array of Codis 3 slot records
 * {"id", "backend_addr", "migrate_from", "locked", "forward_method",
 * "replica_groups": [[addr, ...], ...], ...} (forward_method 1:
 * semi-async); slots not listed
 * are offline, unknown fields are ignored. The table is online. Returns an
 * owned table, or NULL with 'err' filled. */
struct slotmap *slotmap_parse(const char *text, char *err, size_t errlen);

/* Read and parse the file 'path' (see slotmap_parse). */
struct slotmap *slotmap_load_file(const char *path, char *err,
                                  size_t errlen);

/* Split "host:port" (host may be "[v6]") into 'host' and '*port'. Returns
 * 0, or -1 when 'addr' is not of that form. */
int slotmap_split_addr(const char *addr, char *host, size_t hostlen,
                       int *port);

#endif
