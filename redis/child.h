/* The server's child processes, as Redis's child_type: one table of the
 * children that run, one rule for which may run together, one reaper.
 *
 * Kinds: an RDB for BGSAVE, the AOF rewrite, the RDB for replicas, and an
 * async migration batch. The three snapshot kinds run one at a time, as
 * Redis runs one child at a time (each doubles memory by copy-on-write
 * and writes the whole dataset); the migration child may run beside one
 * of them, since it sends a few keys instead of saving, and Codis does
 * that work without a child at all. A caller that finds its kind refused
 * answers as Redis does (BGSAVE: "Another child process is active") or
 * schedules its work for when the children are done.
 *
 * The reaper runs on SIGCHLD (a libevent signal event) and from the cron
 * (child_reap), and calls the function given to child_fork with the wait
 * status. Entry points: child_init, child_fork, child_fork_save, child_pid,
 * child_busy, child_kill, child_forget, child_reap, child_release.
 *
 * A snapshot child tells its parent how far it got over a pipe, as
 * Redis's children do: the keys written so far and its copy-on-write size
 * (the memory it dirtied privately, Private_Dirty of /proc/self/smaps),
 * at most once a second while it runs and once at its end; the parent
 * reads the pipe from child_reap and INFO (child_progress). */
#ifndef CODIS_CHILD_H
#define CODIS_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct event_base;

/* The kinds of child. */
enum child_type {
    CHILD_RDB,     /* BGSAVE (rdb.c) */
    CHILD_AOF,     /* AOF rewrite (aof.c) */
    CHILD_REPL,    /* RDB for replicas (replication.c) */
    CHILD_MIGRATE, /* async migration batch (slotsmgrt_async.c) */
    CHILD_TYPES
};

/* Called in the parent when a child ended: its wait 'status', and 'arg'
 * as given to child_fork. */
typedef void (*child_done_fn)(int status, void *arg);

/* Watch SIGCHLD on 'base'. Returns 0 or -1. */
int child_init(struct event_base *base);

/* Kill (SIGKILL) and reap every child without calling their functions;
 * stop watching SIGCHLD. */
void child_release(void);

/* True if a child of 'type' may not start now: one of its kind runs, or
 * (for a snapshot kind) a child of another snapshot kind runs. */
bool child_busy(enum child_type type);

/* Fork a child of 'type'. In the child: returns 0, with TERM, INT and USR1
 * back to their default actions and the listening sockets closed (a
 * restarted parent must be able to bind); it must end with _exit. In the
 * parent: returns the child's pid and calls 'done' with 'arg' once it is
 * reaped. Returns -1 with 'err' filled if child_busy(type) or fork fails. */
pid_t child_fork(enum child_type type, child_done_fn done, void *arg,
                 char *err, size_t errlen);

/* child_fork for a child that saves the dataset to 'path' and exits 0 on
 * success, 1 on failure. */
pid_t child_fork_save(enum child_type type, const char *path,
                      child_done_fn done, void *arg, char *err,
                      size_t errlen);

/* The pid of the running child of 'type', or -1. */
pid_t child_pid(enum child_type type);

/* Send 'sig' to the child of 'type', wait for it and call its function
 * with its status now. No-op if none runs. */
void child_kill(enum child_type type, int sig);

/* Kill the child of 'type' (SIGKILL) and wait for it, without calling its
 * function: its owner is dropping the work. No-op if none runs. */
void child_forget(enum child_type type);

/* Reap the children that ended and call their functions. */
void child_reap(void);

/* True if 'status' (a wait status) is a clean exit 0. */
bool child_ok(int status);

/* What the parent knows of its snapshot children (INFO persistence). The
 * current_* fields are those of the running one, 0 when none runs. */
struct child_progress {
    long long keys_total;     /* keys in the dataset at the fork */
    long long keys_processed; /* keys the child wrote so far */
    long long cow_size;       /* its copy-on-write bytes, last measured */
    long long cow_peak;       /* the largest cow_size seen */
    long long cow_updated_ms; /* when cow_size came, 0 if not yet */
    long long last_cow[CHILD_TYPES]; /* the cow size the last child of each
                                        kind reported at its end (a
                                        CHILD_REPL's goes to CHILD_RDB) */
};

/* Read what the running child reported; borrowed, valid until the next
 * call into child.c. */
const struct child_progress *child_progress(void);

/* In a snapshot child: 'keys' keys were written so far. Sends a report
 * when a second passed since the last one (every 1024 keys it looks at
 * the clock), or at once with 'final'. 'net_bytes' is what the child sent
 * to replicas' sockets itself (a diskless sync), counted by the parent as
 * replication output. No-op outside a snapshot child. */
void child_report(long long keys, long long net_bytes, bool final);

#endif
