/* The AOF base written as commands, for aof-use-rdb-preamble no: what a
 * rewrite child writes to a ".base.aof" file of the multi-part AOF, which
 * aof.c replays like any AOF file. Not for the RDB base (rdb.c writes it).
 *
 * Layout, as Redis writes it: the function libraries (FUNCTION LOAD),
 * then per non-empty db a SELECT and one or more commands per key: SET
 * for a string, RPUSH / SADD / ZADD / HMSET with at most
 * AOF_REWRITE_ITEMS elements each, and PEXPIREAT for a key with a TTL.
 * A stream is written as one RESTORE of its DUMP payload: Redis rebuilds
 * one from XADD, XSETID, XGROUP and XCLAIM commands, which takes a good
 * deal of stream internals to reproduce, while RESTORE carries every
 * entry, group, consumer and pending entry just as well.
 *
 * Entry point: aof_rewrite_file. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/aof.h"
#include "redis/child.h"
#include "redis/rdb.h"
#include "redis/script.h"
#include "redis/server.h"

/* Elements in one RPUSH, SADD, ZADD or HMSET (Redis's
 * AOF_REWRITE_ITEMS_PER_CMD). */
#define AOF_REWRITE_ITEMS 64

/* Output flushed to the file past this many bytes. */
#define AOF_REWRITE_FLUSH (64 * 1024)

/* The file being written and the command being built. */
struct aof_writer {
    int fd;
    char *buf;          /* sds, pending output */
    bool failed;        /* a write failed (errno kept) */
    const char *cmd;    /* the command of a batch (RPUSH ...) */
    const char *key;    /* and its key (sds) */
    char *batch;        /* sds, the batch's arguments, encoded */
    int batch_args;     /* arguments in 'batch' */
    int batch_items;    /* elements in 'batch' */
};

static void aof_rewrite_flush(struct aof_writer *w)
{
    size_t done = 0, len = sds_len(w->buf);
    while (!w->failed && done < len) {
        ssize_t n = write(w->fd, w->buf + done, len - done);
        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            w->failed = true;
        }
    }
    sds_set_len(w->buf, 0);
}

/* Append one bulk string to sds '*s'. */
static void aof_rewrite_bulk(char **s, const char *p, size_t len)
{
    *s = sds_catfmt(*s, "$%zu\r\n", len);
    *s = sds_cat(*s, p, len);
    *s = sds_cat(*s, "\r\n", 2);
}

/* Write a whole command of 'argc' arguments: 'argv'/'lens'. */
static void aof_rewrite_command(struct aof_writer *w, int argc,
                                const char **argv, const size_t *lens)
{
    w->buf = sds_catfmt(w->buf, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        aof_rewrite_bulk(&w->buf, argv[i], lens[i]);
    }
    if (sds_len(w->buf) >= AOF_REWRITE_FLUSH) {
        aof_rewrite_flush(w);
    }
}

/* Write the batch built so far as "<cmd> <key> <args...>". */
static void aof_rewrite_batch_end(struct aof_writer *w)
{
    if (w->batch_items == 0) {
        return;
    }
    w->buf = sds_catfmt(w->buf, "*%d\r\n", 2 + w->batch_args);
    aof_rewrite_bulk(&w->buf, w->cmd, strlen(w->cmd));
    aof_rewrite_bulk(&w->buf, w->key, sds_len(w->key));
    w->buf = sds_cat(w->buf, w->batch, sds_len(w->batch));
    sds_set_len(w->batch, 0);
    w->batch_args = w->batch_items = 0;
    if (sds_len(w->buf) >= AOF_REWRITE_FLUSH) {
        aof_rewrite_flush(w);
    }
}

/* Add one element of 'n' arguments to the batch; a full batch is written. */
static void aof_rewrite_item(struct aof_writer *w, int n, const char **p,
                             const size_t *len)
{
    for (int i = 0; i < n; i++) {
        aof_rewrite_bulk(&w->batch, p[i], len[i]);
    }
    w->batch_args += n;
    if (++w->batch_items == AOF_REWRITE_ITEMS) {
        aof_rewrite_batch_end(w);
    }
}

static int aof_rewrite_elem(void *priv, const char *p, size_t len)
{
    aof_rewrite_item(priv, 1, &p, &len);
    return 0;
}

static int aof_rewrite_pair(void *priv, const char *f, size_t flen,
                            const char *v, size_t vlen)
{
    const char *p[2] = { f, v };
    size_t len[2] = { flen, vlen };
    aof_rewrite_item(priv, 2, p, len);
    return 0;
}

static int aof_rewrite_scored(void *priv, const char *m, size_t mlen,
                              double score)
{
    char num[64];
    int n = isinf(score) ? snprintf(num, sizeof(num), "%s",
                                    score > 0 ? "inf" : "-inf")
                         : snprintf(num, sizeof(num), "%.17g", score);
    const char *p[2] = { num, m };
    size_t len[2] = { (size_t)n, mlen };
    aof_rewrite_item(priv, 2, p, len);
    return 0;
}

/* The commands that rebuild 'key' = 'o'. */
static void aof_rewrite_key(struct aof_writer *w, const char *key,
                            const struct object *o)
{
    size_t klen = sds_len(key);
    w->key = key;
    switch (o->type) {
    case OBJ_STRING: {
        char buf[SERVER_LONG_STR_SIZE];
        size_t vlen;
        const char *v = object_string(o, buf, &vlen);
        const char *argv[3] = { "SET", key, v };
        size_t lens[3] = { 3, klen, vlen };
        aof_rewrite_command(w, 3, argv, lens);
        return;
    }
    case OBJ_LIST:
        w->cmd = "RPUSH";
        list_type_each(o, aof_rewrite_elem, w);
        break;
    case OBJ_SET:
        w->cmd = "SADD";
        set_type_each(o, aof_rewrite_elem, w);
        break;
    case OBJ_ZSET:
        w->cmd = "ZADD";
        zset_type_each(o, aof_rewrite_scored, w);
        break;
    case OBJ_HASH:
        w->cmd = "HMSET";
        hash_type_each(o, aof_rewrite_pair, w);
        break;
    default: {
        /* A stream (see the top of the file). */
        char *payload = rdb_dump_payload(o);
        const char *argv[4] = { "RESTORE", key, "0", payload };
        size_t lens[4] = { 7, klen, 1, sds_len(payload) };
        aof_rewrite_command(w, 4, argv, lens);
        sds_free(payload);
        return;
    }
    }
    aof_rewrite_batch_end(w);
}

/* The whole dataset to 'w'. */
static void aof_rewrite_dataset(struct aof_writer *w)
{
    size_t libs;
    char **codes = function_codes(&libs);
    for (size_t i = 0; i < libs; i++) {
        const char *argv[3] = { "FUNCTION", "LOAD", codes[i] };
        size_t lens[3] = { 8, 4, sds_len(codes[i]) };
        aof_rewrite_command(w, 3, argv, lens);
        sds_free(codes[i]);
    }
    mem_free(codes);
    long long keys = 0;
    for (int i = 0; i < server.databases && !w->failed; i++) {
        struct db *db = &server.db[i];
        if (db_size(db) == 0) {
            continue;
        }
        char num[SERVER_LONG_STR_SIZE];
        const char *sel[2] = { "SELECT", num };
        size_t sel_len[2] = { 6, (size_t)util_ll2str(num, i) };
        aof_rewrite_command(w, 2, sel, sel_len);
        struct db_iter it;
        struct dict_entry *e;
        db_iter_init(&it, db);
        while ((e = db_iter_next(&it)) != NULL && !w->failed) {
            aof_rewrite_key(w, e->key, e->v.ptr);
            long long when = db_get_expire(db, e->key, sds_len(e->key));
            if (when >= 0) {
                char ms[SERVER_LONG_STR_SIZE];
                const char *argv[3] = { "PEXPIREAT", e->key, ms };
                size_t lens[3] = { 9, sds_len(e->key),
                                   (size_t)util_ll2str(ms, when) };
                aof_rewrite_command(w, 3, argv, lens);
            }
            child_report(++keys, 0, false);
            if (server.rdb_key_save_delay > 0) {
                usleep((useconds_t)server.rdb_key_save_delay);
            }
        }
        db_iter_release(&it);
    }
    rdb_state.keys_saved = keys;
    aof_rewrite_flush(w);
}

int aof_rewrite_file(const char *path)
{
    char tmp[600];
    snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        log_warn("cannot open '%s' for the AOF rewrite: %s", tmp,
                 strerror(errno));
        return -1;
    }
    struct aof_writer w;
    memset(&w, 0, sizeof(w));
    w.fd = fd;
    w.buf = sds_new_empty(AOF_REWRITE_FLUSH + 1024);
    w.batch = sds_new_empty(1024);
    aof_rewrite_dataset(&w);
    int saved = errno;
    bool failed = w.failed;
    sds_free(w.buf);
    sds_free(w.batch);
    if (failed || fsync(fd) != 0) {
        log_warn("cannot write the AOF rewrite '%s': %s", tmp,
                 strerror(failed ? saved : errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        log_warn("cannot rename '%s' to '%s': %s", tmp, path,
                 strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
