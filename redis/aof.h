/* The append-only file, Redis 7 multi-part layout: inside 'dir', the
 * folder appenddirname holds a base file (an RDB snapshot written by
 * BGREWRITEAOF), incremental files of RESP commands written since, and
 * a manifest naming them in order:
 *
 *   appendonlydir/appendonly.aof.manifest
 *     file appendonly.aof.2.base.rdb seq 2 type b
 *     file appendonly.aof.3.incr.aof seq 3 type i
 *
 * A rewrite opens a new incremental file at the fork, so the parent
 * needs no rewrite buffer: the new base covers everything up to the
 * fork, the new incremental file everything after. See aof.c. */
#ifndef CODIS_AOF_H
#define CODIS_AOF_H

#include <stdbool.h>
#include <stddef.h>

struct client;

/* Register the propagation hook (server_init). */
void aof_init(void);

/* True if appendonly is on and an AOF exists to load at start (it then
 * takes precedence over the RDB file). */
bool aof_exists(void);

/* Load the AOF named by the manifest. Returns 0, or -1 with 'err' filled
 * (a bad or truncated file, per aof-load-truncated). */
int aof_load(char *err, size_t errlen);

/* With appendonly on, open the AOF for appending, or create it (by a
 * rewrite of the dataset) if none exists. Returns 0 or -1 + 'err'. */
int aof_start(char *err, size_t errlen);

/* Write the pending commands (and fsync with appendfsync always). Called
 * before replies go out and by the cron. */
void aof_flush(void);

/* With the AOF on and writes pending, hold the replies of 'c'
 * (CLIENT_AOF_WAIT) until one write (and fsync, with always) at the end
 * of this turn of the loop covers every client of the turn (a group
 * commit), and return true. Otherwise return false: the caller flushes
 * as usual. */
bool aof_defer_reply(struct client *c);

/* After each turn of the loop (server_before_sleep): the group commit of
 * appendfsync always, one write and fsync for every client that wrote in
 * the turn, then the replies aof_defer_reply held back. */
void aof_before_sleep(void);

/* Once a second: fsync with appendfsync everysec. */
void aof_cron(void);

/* Flush, fsync, stop the child and close (at exit). */
void aof_release(void);

/* A replica loaded a new dataset from its master: rewrite the AOF. */
void aof_after_full_sync(void);

/* CONFIG SET appendonly: turn the AOF on (a rewrite first) or off.
 * Returns 0, or -1 + 'err'. */
int aof_set_enabled(bool on, char *err, size_t errlen);

/* Bytes held by the buffer of commands not yet written. */
size_t aof_buffer_size(void);

/* aof_rewrite.c: write the dataset to 'path' as commands (an AOF base
 * for aof-use-rdb-preamble no), atomically (temp file, fsync, rename).
 * Returns 0, or -1 after logging why. */
int aof_rewrite_file(const char *path);

/* The aof_* fields of INFO persistence, appended to sds 's'. */
char *aof_info(char *s);

#endif
