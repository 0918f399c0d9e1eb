/* Internal to slot migration (slotsmgrt.c, the synchronous path and the
 * commands; slotsmgrt_async.c, batches with big values moved in chunks
 * from the event loop): key batches, sockets to targets and RESP
 * building. Not for use elsewhere; the commands are declared in
 * commands.c. */
#ifndef CODIS_SLOTSMGRT_H
#define CODIS_SLOTSMGRT_H

#include <stdbool.h>
#include <stddef.h>

struct client;
struct db;
struct dict;
struct arg;

/* Keys chosen for one migration: owned sds copies, each once. */
struct slotsmgrt_batch {
    char **keys;
    size_t count;
    size_t cap;
    struct dict *seen;   /* the same keys (borrowed), against repeats */
};

void slotsmgrt_batch_init(struct slotsmgrt_batch *b);
void slotsmgrt_batch_release(struct slotsmgrt_batch *b);
/* Add a copy of 'key' unless it is in the batch already. */
void slotsmgrt_batch_add(struct slotsmgrt_batch *b, const char *key,
                         size_t len);
/* Add 'key' and, if 'tags', every key of 'db' sharing its tag. */
void slotsmgrt_batch_collect(struct slotsmgrt_batch *b, struct db *db,
                             const char *key, size_t len, bool tags);

/* Remaining TTL in ms to send for 'key': 0 if none, at least 1. */
long long slotsmgrt_ttl(struct db *db, const char *key, size_t len);

/* Connect to host:port within 'timeout' ms; a non-blocking socket with
 * TCP_NODELAY, or -1 with 'err' filled. */
int slotsmgrt_dial(const char *host, const char *port, long long timeout,
                   char *err, size_t errlen);
/* Wait up to 'timeout' ms for poll 'events' on 'fd'. */
bool slotsmgrt_wait(int fd, short events, long long timeout);
/* Write all of 'buf', waiting up to 'timeout' ms whenever the socket is
 * full. Returns 0 or -1. */
int slotsmgrt_write(int fd, const char *buf, size_t len, long long timeout);

/* Append an integer as a RESP bulk string to the sds 'buf' (returns
 * it, maybe moved). */
char *slotsmgrt_bulk_ll(char *buf, long long v);

/* Parse argument 'a', named 'field' in errors ("invalid value of field
 * (text)"), into '*v': 0 means 'def'; the value must lie in [0, max].
 * Returns 0, or -1 after replying the error. */
int slotsmgrt_field_or_reply(struct client *c, const struct arg *a,
                             const char *field, long long def, long long max,
                             long long *v);

/* slotsmgrt_async.c: true if batch 'b' of client 'c' should move in the
 * background (a value has more than 'maxbulks' elements and 'c' may
 * block). */
bool slotsmgrt_async_wanted(struct client *c, const struct slotsmgrt_batch *b,
                            long long maxbulks);

/* Keep in batch 'b' only its big values (more than 'maxbulks' elements)
 * and, if 'tags', the keys sharing their tags: a slot's small keys move
 * in batches of their own, so a write to one of them never waits for a
 * big value. */
void slotsmgrt_async_keep_big(struct db *db, struct slotsmgrt_batch *b,
                              long long maxbulks, bool tags);

/* Start moving batch 'b' (taken) to host:port (argv[1], argv[2] of 'c')
 * in the background; 'c' waits without a reply until it ends, then gets
 * [moved, keys left in 'slot'] (slot >= 0) or the number moved. While
 * another batch moves, a slot's caller waits for it and gets [0, left]
 * (it asks again), a one-key caller an error. */
void slotsmgrt_async_start(struct client *c, struct slotsmgrt_batch *b,
                           long long timeout, long long maxbulks,
                           long long maxbytes, int slot);

/* Drop from batch 'b' of client 'c' the keys of the batch moving in the
 * background (moving them now would fail that one). If that leaves 'b'
 * empty, 'c' waits for the background batch to end, then gets [0, keys
 * left in 'slot'], and true is returned: 'c' is answered. */
bool slotsmgrt_async_exclude(struct client *c, struct slotsmgrt_batch *b,
                             int slot);

#endif
