/* Replica reads (opt-in): with backend_replica_reads=true in the proxy's
 * config, or after READONLY on a session (READWRITE undoes it), a
 * read-only command whose keys are in one slot goes to a slave of the
 * slot's group instead of its master, when one is healthy: its master's
 * INFO replication lists it "state=online" with "lag" (seconds since its
 * last acknowledgement) at most backend_replica_max_lag, as of a check
 * less than three seconds old, and the proxy's connection to it is not
 * down. Otherwise the master answers, so a read never fails for want of
 * a replica. Slaves come from the coordinator's groups or from the
 * "replica_groups" of a --fillslots record (Codis 3.2's field). A
 * migrating or locked slot is always read from its master.
 *
 * Health: once a second each worker sends "INFO replication" to every
 * master that has slaves in its table (only while replica reads are on
 * or a session asked READONLY), on its shared connection, and records
 * each slave's state on that slave's backend (replica_ok, replica_seen).
 *
 * Reads from a slave may be stale by up to the lag; that is the bargain
 * the option makes. Split commands (MGET over slots) still read masters. */
#ifndef CODIS_REPLICA_H
#define CODIS_REPLICA_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/resp.h"

struct session;
struct request;
struct worker;

/* Send 'r' ('n' wire bytes) to a healthy slave of 'slot' if it is a read
 * and replica reads apply to its session; returns false (nothing done)
 * when the master should take it. */
bool replica_route(struct request *r, unsigned slot, const char *wire,
                   size_t n);

/* Once a second: ask the masters with slaves for their replication
 * state. */
void replica_tick(struct worker *w);

/* The LOCAL handlers of READONLY and READWRITE. */
void replica_readonly(struct session *s, struct request *r, const char *buf,
                      const struct resp_arg *argv, int argc);
void replica_readwrite(struct session *s, struct request *r,
                       const char *buf, const struct resp_arg *argv,
                       int argc);

#endif
