/* INFO through the proxy: the proxy's own "# Proxy" section, plus the
 * server sections asked for, aggregated over the masters of every group
 * (fanout.c). How values combine, by section:
 *   Keyspace      per db: keys and expires summed, avg_ttl the largest
 *                 of the masters' (their weights are not known)
 *   Commandstats, Errorstats   per entry: integer fields summed,
 *                 usec_per_call recomputed, other fields the largest
 *   Clients, Memory, Stats     integers summed (total_system_memory,
 *                 maxclients: the first master's), "..._human" values
 *                 recomputed from the summed bytes, the rest the first
 *                 master's
 *   other sections (Server: redis_version ..., Persistence, Replication,
 *                 CPU, Latencystats) the first master's values
 * A field only some masters have is merged over those. A field the Proxy
 * section has (connected_clients, total_commands_processed ...) is given
 * once, the proxy's, when that section is in the reply. */
#ifndef CODIS_PROXYINFO_H
#define CODIS_PROXYINFO_H

#include "lib/resp.h"

struct session;
struct request;

/* INFO [section ...]: "proxy" alone is answered at once; anything else
 * also goes to every master. */
void proxyinfo_command(struct session *s, struct request *r, const char *buf,
                  const struct resp_arg *argv, int argc);

#endif
