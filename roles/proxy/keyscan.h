/* Cluster-wide SCAN: one cursor walks every group in turn. The client's
 * cursor encodes which group is being scanned (the low
 * KEYSCAN_GROUP_BITS bits: the index of its master's address in the slot
 * table) and that server's own cursor (the bits above):
 *
 *   client cursor = server cursor << 10 | group index
 *
 * SCAN 0 starts at the first group owning slots; when a server's cursor
 * comes back 0 the proxy answers with the cursor of the next group (its
 * index, server cursor 0), and 0 after the last. Each key present for the
 * whole walk is returned at least once, as Redis promises, if the slot
 * table does not change meanwhile; a slot migrated during the walk may
 * show its keys twice or, for keys moved from a group not yet scanned to
 * one already scanned, not at all (the same holds for Codis's
 * SLOTSSCAN). Not here: KEYS (multikey.c sends it to every group). */
#ifndef CODIS_KEYSCAN_H
#define CODIS_KEYSCAN_H

#include <stddef.h>

#include "lib/resp.h"

struct session;
struct request;

/* Bits of the client cursor naming the group (at most 1024 addresses). */
#define KEYSCAN_GROUP_BITS 10

/* SCAN cursor [MATCH p] [COUNT n] [TYPE t] of session 's', request 'r'
 * (a cmdtable_local_fn): a SCAN with that server's cursor goes to the
 * group the cursor names; its reply, the cursor rewritten, answers 'r'. */
void keyscan_scan(struct session *s, struct request *r, const char *buf,
                  const struct resp_arg *argv, int argc);

#endif
