/* The coordinator: one interface to the cluster's store, with two
 * implementations behind a table of function pointers: ZooKeeper
 * (coord_zk.c, Debian's libzookeeper-mt) and an embedded on-disk store for
 * one machine (coord_fs.c). Paths are ZooKeeper-style ("/zk/codis/db_p/
 * slots/slot_0"); every node has data and may have children.
 *
 * Watches are one-shot (as in ZooKeeper): a watch fires once, on the
 * event_base given to coord_open, in that base's thread, and the user
 * re-arms it. Ephemeral nodes vanish when their creator's session ends:
 * for ZooKeeper when the session expires or is closed, for the embedded
 * store when the creating process exits or closes the coordinator (even by
 * kill -9), so a crash never leaves a stale registration or lock.
 *
 * Locks (coord_lock) are built on ephemeral sequential nodes here, the same
 * for both stores. Not here: what the nodes mean (lib/model). */
#ifndef CODIS_COORD_H
#define CODIS_COORD_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct coord;

/* Results of coordinator calls: 0 or a negative code. */
enum coord_status {
    COORD_OK = 0,
    COORD_ERROR = -1,      /* anything else: I/O, connection, ... */
    COORD_NONODE = -2,     /* the node (or its parent) does not exist */
    COORD_EXISTS = -3,     /* the node already exists */
    COORD_BADVERSION = -4, /* compare-and-set lost: version differs */
    COORD_NOTEMPTY = -5,   /* delete of a node that has children */
    COORD_LOCKED = -6,     /* coord_lock: someone else holds the lock */
};

/* Flags of coord_create; may be or-ed. */
enum coord_create_flags {
    COORD_PERSISTENT = 0,
    COORD_EPHEMERAL = 1,  /* dies with the session / process */
    COORD_SEQUENTIAL = 2, /* a 10-digit zero-padded counter is appended */
};

/* Session events passed to a coord_session_fn. */
enum coord_session_event {
    COORD_SESSION_CONNECTED, /* (re)connected; ephemerals still there */
    COORD_SESSION_EXPIRED,   /* lost: ephemerals and watches are gone */
};

/* A watch fired for 'path'; 'arg' as given when the watch was set. */
typedef void (*coord_watch_fn)(struct coord *coord, const char *path,
                               void *arg);
/* The session changed state. */
typedef void (*coord_session_fn)(struct coord *coord,
                                 enum coord_session_event event, void *arg);

/* The operations each implementation provides; the coord_* functions
 * below call through this table. Arguments and results as documented on
 * those functions. */
struct coord_ops {
    int (*create)(struct coord *coord, const char *path, const void *data,
                  size_t len, int flags, char *created, size_t created_len);
    int (*get)(struct coord *coord, const char *path, char **data,
               size_t *len, int *version);
    int (*set)(struct coord *coord, const char *path, const void *data,
               size_t len, int version);
    int (*remove)(struct coord *coord, const char *path, int version);
    int (*children)(struct coord *coord, const char *path, char ***names,
                    size_t *count);
    int (*exists)(struct coord *coord, const char *path);
    /* One watch on 'path': its children's list when 'children', else
     * its data and existence. */
    int (*watch)(struct coord *coord, const char *path, bool children,
                 coord_watch_fn fn, void *arg);
    void (*close)(struct coord *coord);
};

/* The common head of every implementation's handle. */
struct coord {
    const struct coord_ops *ops; /* the implementation */
    struct event_base *base;     /* where watches fire; may be NULL */
    coord_session_fn session_fn; /* session events, or NULL */
    void *session_arg;
    char err[256];               /* text of the last failure */
};

/* Write the text of 'coord''s last failure (truncated to fit): for the
 * implementations and coord.c. */
void coord_errf(struct coord *coord, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Open a coordinator. 'kind' is "zookeeper" (alias "zk") or "filesystem"
 * (alias "fs"); 'addr' is a ZooKeeper host list ("h:p,h:p") or a
 * directory (created if missing). 'session_timeout_ms' applies to
 * ZooKeeper. 'base' is the event loop watches fire on (NULL: no watches,
 * as for a CLI). Returns an owned handle (coord_close), or NULL with 'err'
 * filled (e.g. "cannot connect to zookeeper '127.0.0.1:2181': ..."). */
struct coord *coord_open(const char *kind, const char *addr,
                         int session_timeout_ms, struct event_base *base,
                         char *err, size_t errlen);

/* Close 'coord' (NULL is fine): ephemeral nodes it created disappear. */
void coord_close(struct coord *coord);

/* Call 'fn' on session events (ZooKeeper reconnects and expiry). */
void coord_set_session_fn(struct coord *coord, coord_session_fn fn,
                          void *arg);

/* Create 'path' holding 'len' bytes of 'data' (data may be NULL when len
 * is 0). The parent must exist. With COORD_SEQUENTIAL the real name is
 * written to 'created' (if not NULL). Returns 0, COORD_EXISTS,
 * COORD_NONODE (no parent) or COORD_ERROR. */
int coord_create(struct coord *coord, const char *path, const void *data,
                 size_t len, int flags, char *created, size_t created_len);

/* Create 'path' and any missing parents as persistent empty nodes; an
 * existing node is fine. Returns 0 or a negative code. */
int coord_create_all(struct coord *coord, const char *path);

/* Read 'path': '*data' gets an owned NUL-terminated copy (mem_free; the
 * NUL is not counted in '*len'), '*version' (if not NULL) its version.
 * Returns 0, COORD_NONODE or COORD_ERROR. */
int coord_get(struct coord *coord, const char *path, char **data,
              size_t *len, int *version);

/* Replace the data of 'path' if its version is 'version' (-1: any).
 * Returns 0, COORD_NONODE, COORD_BADVERSION or COORD_ERROR. */
int coord_set(struct coord *coord, const char *path, const void *data,
              size_t len, int version);

/* Delete 'path' if its version is 'version' (-1: any) and it has no
 * children. Returns 0, COORD_NONODE, COORD_NOTEMPTY, COORD_BADVERSION or
 * COORD_ERROR. */
int coord_remove(struct coord *coord, const char *path, int version);

/* Delete 'path' and everything below it; a missing node is fine. */
int coord_remove_all(struct coord *coord, const char *path);

/* The names (not paths) of the children of 'path', sorted bytewise:
 * '*names' is an owned array of '*count' owned strings
 * (coord_free_names). Returns 0, COORD_NONODE or COORD_ERROR. */
int coord_children(struct coord *coord, const char *path, char ***names,
                   size_t *count);

/* Free what coord_children returned. */
void coord_free_names(char **names, size_t count);

/* 1 if 'path' exists, 0 if not, or a negative code. */
int coord_exists(struct coord *coord, const char *path);

/* Fire 'fn' once when the data of 'path' changes or the node is created
 * or deleted. Returns 0 or a negative code. */
int coord_watch_data(struct coord *coord, const char *path,
                     coord_watch_fn fn, void *arg);

/* Fire 'fn' once when a child of 'path' is created or deleted. */
int coord_watch_children(struct coord *coord, const char *path,
                         coord_watch_fn fn, void *arg);

/* Take the lock 'dir' (created if missing) without waiting: create an
 * ephemeral sequential child "lock-" holding 'data' (for Codis 2:
 * {"hostname","pid","desc"}); the lowest child holds the lock. On success
 * returns 0 and writes the node's path to 'held' for coord_unlock; if
 * another holds it, deletes its own node and returns COORD_LOCKED. */
int coord_lock(struct coord *coord, const char *dir, const char *data,
               char *held, size_t held_len);

/* Release a lock taken by coord_lock ('held' as it returned). */
int coord_unlock(struct coord *coord, const char *held);

/* Text for a coord_status code ("node does not exist", ...). */
const char *coord_strerror(int status);

#endif
