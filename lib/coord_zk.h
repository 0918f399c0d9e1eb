/* The ZooKeeper coordinator: coord.h (kind "zookeeper") on Debian's
 * libzookeeper-mt. Callers use the coord_* functions; this file adds only
 * the opener and a way to end a session from the server side. */
#ifndef CODIS_COORD_ZK_H
#define CODIS_COORD_ZK_H

#include <stddef.h>

struct coord;
struct event_base;

/* Connect to the ZooKeeper ensemble 'hosts' ("h:p,h:p", optionally with a
 * chroot "/path" after the last one) with a session of
 * 'session_timeout_ms' (<= 0: 30000), waiting until the session is
 * established. Watches and session events are delivered on 'base' (may be
 * NULL: no watches, and session events come at the start of the next
 * call). An expired session is replaced by a new one: the handle reports
 * COORD_SESSION_EXPIRED, then COORD_SESSION_CONNECTED once the new
 * session is up, so the user can create its ephemeral nodes again.
 * Returns an owned handle (coord_close), or NULL with 'err' filled
 * ("cannot connect to zookeeper '127.0.0.1:2181': Connection refused"). */
struct coord *coord_zk_open(const char *hosts, int session_timeout_ms,
                            struct event_base *base, char *err,
                            size_t errlen);

/* End the session of 'coord' (a handle from coord_zk_open) as the server
 * ends an expired one: a second client joins the session and closes it.
 * The handle then sees the expiry like any other. For tests and drills.
 * Returns 0, or -1 with 'err' filled. */
int coord_zk_expire(struct coord *coord, char *err, size_t errlen);

#endif
