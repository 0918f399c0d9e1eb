/* The cluster's ops/s for the overview, as Codis 2's dashboard computes
 * it: once a second, while the overview is read, fetch every online
 * proxy's /debug/vars (at its registered debug_var_addr) and sum
 * "router"."ops", the number of requests it served; the rate is the
 * growth of that sum per second, counted per proxy so a restarted proxy
 * (counter back to 0) does not make it negative. Fetches are non-blocking
 * (libevent's HTTP client on the dashboard's loop, 1 s timeout), so a
 * slow proxy never stalls the API; readers get the last complete round.
 * Entry points: proxyops_new, proxyops_get, proxyops_free. */
#ifndef CODIS_PROXYOPS_H
#define CODIS_PROXYOPS_H

struct event_base;
struct model_store;
struct proxyops;

/* Start sampling on 'base', reading the proxies through 'store' (both
 * borrowed: must outlive the sampler). Returns an owned sampler
 * (proxyops_free), or NULL if the timer cannot be created. */
struct proxyops *proxyops_new(struct event_base *base,
                              struct model_store *store);

/* The last round: '*total' the sum of the proxies' ops counters,
 * '*per_sec' the cluster's ops per second (0 before two rounds). Keeps
 * the sampler going: it pauses when nobody asked for 10 s. Safe from any
 * thread. */
void proxyops_get(struct proxyops *p, long long *total, long long *per_sec);

/* Stop sampling and free 'p' (NULL is fine); fetches in flight are
 * cancelled. */
void proxyops_free(struct proxyops *p);

#endif
