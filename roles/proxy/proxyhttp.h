/* The proxy's HTTP endpoint (--http-addr), on the main thread's event
 * base: /debug/vars (Codis 2's expvar JSON with its "router" object, plus
 * ops per second, sessions, backends and the slot table version),
 * /metrics (Prometheus text, from the STATS_METRICS list),
 * PUT /setloglevel?level=... (Codis 2 used GET, which now answers 405:
 * no state changes on GET) and PUT /api/loglevel/<level> (as Codis 3's
 * admin API, without its xauth). Numbers are summed over the workers at
 * request time; nothing shown holds a password.
 *
 * Reading is open (Prometheus convention). Changing the log level needs
 * the dashboard's credentials (HTTP Basic, dashboard_auth) when they are
 * set, else a client on this machine; refusals are 401 and a warning
 * with the client's address. */
#ifndef CODIS_PROXYHTTP_H
#define CODIS_PROXYHTTP_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;

/* Serve on exactly 'addr' ("host:port") with 'base'; 'dashboard_auth'
 * (config.ini, "" for none) guards the log level. Returns 0, or -1 with
 * 'err' filled. */
int proxyhttp_start(struct event_base *base, const char *addr,
                    const char *dashboard_auth, char *err, size_t errlen);

/* True if changing the log level needs credentials (dashboard_auth). */
bool proxyhttp_has_auth(void);

/* Once a second: sample the op counter for ops per second. */
void proxyhttp_tick(void);

/* Stop serving and free everything (NULL-safe if never started). */
void proxyhttp_stop(void);

#endif
