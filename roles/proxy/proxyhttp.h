/* The proxy's HTTP endpoint (--http-addr), on the main thread's event
 * base: /debug/vars (Codis 2's expvar JSON with its "router" object, plus
 * ops per second, sessions, backends and the slot table version),
 * /metrics (Prometheus text, from the STATS_METRICS list),
 * /setloglevel?level=... as Codis 2 has, and PUT /api/loglevel/<level>
 * (as Codis 3's admin API, without its xauth). Numbers are summed over
 * the workers at request time. */
#ifndef CODIS_PROXYHTTP_H
#define CODIS_PROXYHTTP_H

#include <stddef.h>

struct event_base;

/* Serve on 'addr' ("host:port") with 'base'. Returns 0, or -1 with 'err'
 * filled. */
int proxyhttp_start(struct event_base *base, const char *addr, char *err,
                    size_t errlen);

/* Once a second: sample the op counter for ops per second. */
void proxyhttp_tick(void);

/* Stop serving and free everything (NULL-safe if never started). */
void proxyhttp_stop(void);

#endif
