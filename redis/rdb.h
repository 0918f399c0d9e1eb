/* Persistence in Redis's RDB format (version 10, Redis 7.0): whole
 * snapshots to and from files or streams (sockets, pipes), background
 * saves in a forked child, and the serialisation of one value that DUMP,
 * RESTORE and Codis's slot migration send over the wire.
 *
 * Every function here runs in the server's thread (or in the forked
 * child). Loading fills the databases as they are: callers empty them
 * first (db_empty) when they mean to replace the dataset.
 *
 * The state below (last save, child in progress ...) feeds LASTSAVE,
 * INFO persistence and the save rules checked by rdb_cron. */
#ifndef CODIS_RDB_H
#define CODIS_RDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct object;
struct client;

#define RDB_VERSION 10          /* the version we write (Redis 7.0) */
#define RDB_MAX_LOAD_VERSION 11 /* newest version we accept on load */

/* Persistence state (one, 'rdb_state'). */
struct rdb_state {
    char *child_path;           /* file it writes (owned), or NULL */
    long long child_start_ms;   /* when it was forked */
    long long dirty_at_fork;    /* server.dirty when it was forked */
    long long lastsave;         /* s since the epoch of the last success */
    long long last_bgsave_try;  /* s of the last BGSAVE attempt */
    bool last_bgsave_ok;        /* status of the last BGSAVE */
    long long last_bgsave_secs; /* duration of the last BGSAVE, or -1 */
    bool bgsave_scheduled;      /* BGSAVE SCHEDULE waits for a child */
    long long saves;            /* successful saves since start */
    long long loading_start;    /* s when the last load started */
    long long keys_loaded;      /* keys read by the last load */
    long long keys_expired;     /* keys the last load dropped as expired */
    long long keys_saved;       /* keys written by the snapshot running in
                                   this process (a child reports them) */
    long long bytes_written;    /* by rdb_out to its fd since start */
    bool load_replace;          /* a key loaded replaces one that exists
                                   (DEBUG RELOAD MERGE), else it fails */
    bool shutdown_done;         /* the shutdown save was decided */

    /* The replication position the last loaded RDB recorded (aux fields
     * repl-id, repl-offset, repl-stream-db; written when we are a
     * replica or a master with a backlog): with it a restarted replica
     * continues with PSYNC, and a replica of a chained replica knows
     * which db the stream after the payload is in. */
    char repl_id[41];           /* 40 hex digits, "" if none */
    long long repl_offset;      /* offset of its last byte */
    int repl_stream_db;         /* db the stream has selected, or -1 */
};

extern struct rdb_state rdb_state;

/* Write every database to 'path' atomically: a temporary file in the same
 * directory, fsync, rename. Returns 0, or -1 after logging why. */
int rdb_save_file(const char *path);

/* Load 'path' into the databases. Returns 0, or -1 after logging why
 * (missing file: errno ENOENT, logged at info level only). */
int rdb_load_file(const char *path);

/* Write a whole RDB stream (header to checksum) to 'fd', a file, pipe or
 * socket (blocking or not: a full socket is waited for). Returns 0 or -1
 * (errno kept, logged). */
int rdb_save_fd(int fd);

/* Read an RDB stream of exactly 'len' bytes from 'fd' (to end of file if
 * 'len' < 0) and load it into the databases. Never reads past 'len'
 * bytes, so a replication stream may follow. Returns 0 or -1 (logged). */
int rdb_load_fd(int fd, long long len);

/* Fork a child that saves to 'path' (rdb_save_file), a CHILD_RDB of
 * child.c, which reaps it; then the hooks of rdb_on_bgsave_done run.
 * Returns the child's pid, or -1 if child.c refuses (another snapshot
 * child runs) or fork fails (logged). */
pid_t rdb_bgsave_start(const char *path);

/* Called in the parent when a BGSAVE child ends: 'ok' if it saved 'path'. */
typedef void (*rdb_bgsave_done_fn)(bool ok, const char *path);

/* Register 'fn' to run after each BGSAVE child ends (at most 4 hooks). */
void rdb_on_bgsave_done(rdb_bgsave_done_fn fn);

/* Kill a running BGSAVE child (SIGUSR1) and forget it; removes its
 * temporary file. No-op if none runs. */
void rdb_kill_child(void);

/* The path of the configured RDB file: "dir/dbfilename" (as dir is the
 * working directory, just dbfilename). Borrowed. */
const char *rdb_default_path(void);

/* Run by the server cron: reap a finished child, start a BGSAVE when a
 * save rule ("save <seconds> <changes>") matches. */
void rdb_cron(void);

/* Load the configured file at start (unless appendonly is on). Returns
 * 0 (also when there is no file) or -1 if the file is unreadable or
 * corrupt (logged; the server must not start). */
int rdb_load_at_start(void);

/* Decide and do the save at shutdown: 'nosave' / 'save' are SHUTDOWN's
 * flags; without either, save if save rules are configured. Kills a
 * BGSAVE child first. Returns 0, or -1 if the save failed. Runs at most
 * once. */
int rdb_shutdown_save(bool nosave, bool save);

/* DEBUG RELOAD: save, empty every database, load the file back; replies
 * to 'c'. */
void rdb_debug_reload(struct client *c);

/* ------------------------------------------------------------------------
 * One value (DUMP, RESTORE, migration) */

/* Serialise 'o' as a DUMP payload: the RDB type byte, the value, the RDB
 * version (2 bytes little endian) and the CRC-64 of all of that (8 bytes
 * little endian). Returns an owned sds string. */
char *rdb_dump_payload(const struct object *o);

/* Verify that 'payload' ('len' bytes) is a DUMP payload we can read: its
 * version is at most RDB_MAX_LOAD_VERSION and its checksum matches.
 * Returns true if so. */
bool rdb_payload_valid(const void *payload, size_t len);

/* Parse a verified DUMP payload into a new object (refcount 1, owned).
 * Returns NULL with 'err' filled ("bad data format") if the value is
 * malformed. */
struct object *rdb_payload_load(const void *payload, size_t len, char *err,
                                size_t errlen);

#endif
