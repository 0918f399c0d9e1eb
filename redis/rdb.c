/* RDB persistence (API in rdb.h): the stream writer and reader, the
 * encodings of lengths, strings and values, whole snapshots to files and
 * sockets, BGSAVE in a forked child, the save rules, and the commands
 * SAVE, BGSAVE and LASTSAVE.
 *
 * File layout (version 10, all that Redis 7.0 writes and reads):
 *
 *   "REDIS0010"
 *   AUX name value ...                 redis-ver, redis-bits, ctime ...
 *                                      [repl-stream-db repl-id repl-offset]
 *   SELECTDB n  RESIZEDB keys expires  per non-empty database, then
 *     [EXPIRETIME_MS ms8] type key value   per key
 *   EOF  crc64 (8 bytes, little endian, of everything before it)
 *
 * A length is 1, 2, 5 or 9 bytes (the top two bits of the first byte say
 * which); the top bits 11 instead mark a string stored as an 8/16/32-bit
 * integer or LZF-compressed. How each type is written and read is in
 * rdb_value.c; this file knows only strings. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/child.h"
#include "redis/crc64.h"
#include "redis/lzf.h"
#include "redis/rdb.h"
#include "redis/rdb_io.h"
#include "redis/replication.h"
#include "redis/script.h"
#include "redis/server.h"

/* Opcodes that are not value types. */
#define RDB_OP_FUNCTION2 245
#define RDB_OP_FUNCTION_PRE_GA 246
#define RDB_OP_MODULE_AUX 247
#define RDB_OP_IDLE 248
#define RDB_OP_FREQ 249
#define RDB_OP_AUX 250
#define RDB_OP_RESIZEDB 251
#define RDB_OP_EXPIRETIME_MS 252
#define RDB_OP_EXPIRETIME 253
#define RDB_OP_SELECTDB 254
#define RDB_OP_EOF 255

/* Length encodings (top two bits of the first byte). */
#define RDB_LEN_6BIT 0
#define RDB_LEN_14BIT 1
#define RDB_LEN_32BIT 0x80
#define RDB_LEN_64BIT 0x81
#define RDB_LEN_SPECIAL 3
#define RDB_ENC_INT8 0
#define RDB_ENC_INT16 1
#define RDB_ENC_INT32 2
#define RDB_ENC_LZF 3

#define RDB_IO_CHUNK (64 * 1024) /* write and read in pieces this big */
#define RDB_IO_TIMEOUT_MS 60000  /* give up on a silent socket */
#define RDB_BGSAVE_RETRY_S 5     /* after a failed BGSAVE, wait this long */

struct rdb_state rdb_state = { .last_bgsave_ok = true,
                               .last_bgsave_secs = -1 };

static rdb_bgsave_done_fn rdb_done_hooks[4];
static int rdb_done_hook_count;

/* ------------------------------------------------------------------------
 * Writer */

void rdb_out_init(struct rdb_out *w, int fd)
{
    w->fd = fd;
    w->buf = sds_new_empty(fd >= 0 ? RDB_IO_CHUNK : 256);
    w->crc = 0;
    w->failed = false;
}

/* Wait until 'fd' is ready for 'events'; false on timeout or error. */
static bool rdb_wait_fd(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };
    int rc;
    do {
        rc = poll(&p, 1, RDB_IO_TIMEOUT_MS);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) {
        errno = ETIMEDOUT;
    }
    return rc > 0;
}

/* Send 'len' bytes at 'p' to the fd (checksumming them on the way). */
static void rdb_out_send(struct rdb_out *w, const char *p, size_t len)
{
    size_t done = 0;
    w->crc = crc64(w->crc, p, len);
    while (!w->failed && done < len) {
        ssize_t n = write(w->fd, p + done, len - done);
        if (n > 0) {
            done += (size_t)n;
            rdb_state.bytes_written += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!rdb_wait_fd(w->fd, POLLOUT)) {
                w->failed = true;
            }
        } else {
            w->failed = true;
        }
    }
}

/* Send the buffered bytes. */
static void rdb_out_flush(struct rdb_out *w)
{
    rdb_out_send(w, w->buf, sds_len(w->buf));
    sds_set_len(w->buf, 0);
}

void rdb_out_write(struct rdb_out *w, const void *p, size_t len)
{
    if (w->fd >= 0 && sds_len(w->buf) + len > RDB_IO_CHUNK) {
        rdb_out_flush(w);
        if (len > RDB_IO_CHUNK) {
            /* Big values go straight out, without a copy. */
            rdb_out_send(w, p, len);
            return;
        }
    }
    w->buf = sds_cat(w->buf, p, len);
}

void rdb_out_byte(struct rdb_out *w, uint8_t b)
{
    rdb_out_write(w, &b, 1);
}

void rdb_out_len(struct rdb_out *w, uint64_t len)
{
    uint8_t b[9];
    size_t n;
    if (len < (1 << 6)) {
        b[0] = (uint8_t)len;
        n = 1;
    } else if (len < (1 << 14)) {
        b[0] = (uint8_t)(RDB_LEN_14BIT << 6 | len >> 8);
        b[1] = (uint8_t)len;
        n = 2;
    } else if (len <= UINT32_MAX) {
        b[0] = RDB_LEN_32BIT;
        for (int i = 0; i < 4; i++) {
            b[1 + i] = (uint8_t)(len >> (24 - 8 * i));
        }
        n = 5;
    } else {
        b[0] = RDB_LEN_64BIT;
        for (int i = 0; i < 8; i++) {
            b[1 + i] = (uint8_t)(len >> (56 - 8 * i));
        }
        n = 9;
    }
    rdb_out_write(w, b, n);
}

/* Write 'v' as an integer-encoded string if it fits in 32 bits. Returns
 * false (nothing written) if it does not. */
static bool rdb_out_int_encoded(struct rdb_out *w, long long v)
{
    uint8_t b[5];
    size_t n;
    if (v >= INT8_MIN && v <= INT8_MAX) {
        b[0] = RDB_LEN_SPECIAL << 6 | RDB_ENC_INT8;
        b[1] = (uint8_t)v;
        n = 2;
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
        b[0] = RDB_LEN_SPECIAL << 6 | RDB_ENC_INT16;
        b[1] = (uint8_t)v;
        b[2] = (uint8_t)(v >> 8);
        n = 3;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        b[0] = RDB_LEN_SPECIAL << 6 | RDB_ENC_INT32;
        for (int i = 0; i < 4; i++) {
            b[1 + i] = (uint8_t)(v >> (8 * i));
        }
        n = 5;
    } else {
        return false;
    }
    rdb_out_write(w, b, n);
    return true;
}

void rdb_out_string(struct rdb_out *w, const char *s, size_t len)
{
    long long v;
    if (len <= 11 && util_str2ll(s, len, &v) == 0 &&
        rdb_out_int_encoded(w, v)) {
        return;
    }
    if (len > 20) {
        /* Keep the compressed form only if it saves at least 5 bytes. */
        char *packed = mem_alloc(len - 4);
        size_t plen = lzf_compress(s, len, packed, len - 4);
        if (plen > 0) {
            rdb_out_byte(w, RDB_LEN_SPECIAL << 6 | RDB_ENC_LZF);
            rdb_out_len(w, plen);
            rdb_out_len(w, len);
            rdb_out_write(w, packed, plen);
            mem_free(packed);
            return;
        }
        mem_free(packed);
    }
    rdb_out_len(w, len);
    rdb_out_write(w, s, len);
}

void rdb_out_ll(struct rdb_out *w, long long v)
{
    if (!rdb_out_int_encoded(w, v)) {
        char buf[SERVER_LONG_STR_SIZE];
        size_t n = util_ll2str(buf, v);
        rdb_out_len(w, n);
        rdb_out_write(w, buf, n);
    }
}

/* Finish: flush to the fd. Returns 0, or -1 if any write failed. */
static int rdb_out_finish(struct rdb_out *w)
{
    if (w->fd >= 0) {
        rdb_out_flush(w);
    }
    return w->failed ? -1 : 0;
}

void rdb_out_release(struct rdb_out *w)
{
    sds_free(w->buf);
    w->buf = NULL;
}

/* ------------------------------------------------------------------------
 * Reader */

void rdb_in_init_mem(struct rdb_in *r, const void *p, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->fd = -1;
    r->data = p;
    r->len = len;
    r->left = 0;
}

static void rdb_in_init_fd(struct rdb_in *r, int fd, long long len)
{
    memset(r, 0, sizeof(*r));
    r->fd = fd;
    r->buf = mem_alloc(RDB_IO_CHUNK);
    r->data = r->buf;
    r->left = len;
}

static void rdb_in_release(struct rdb_in *r)
{
    mem_free(r->buf);
    r->buf = NULL;
}

int rdb_in_fail(struct rdb_in *r, const char *fmt, ...)
{
    if (r->err[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err, sizeof(r->err), fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Read more of the fd into the buffer (all of it consumed). */
static int rdb_in_refill(struct rdb_in *r)
{
    if (r->fd < 0 || r->left == 0) {
        return rdb_in_fail(r, "unexpected end of data (truncated file?)");
    }
    r->crc = crc64(r->crc, r->data + r->crc_pos, r->len - r->crc_pos);
    size_t want = RDB_IO_CHUNK;
    if (r->left > 0 && (long long)want > r->left) {
        want = (size_t)r->left;
    }
    for (;;) {
        ssize_t n = read(r->fd, r->buf, want);
        if (n > 0) {
            r->len = (size_t)n;
            r->pos = 0;
            r->crc_pos = 0;
            r->consumed_before += (long long)n;
            if (r->left > 0) {
                r->left -= n;
            }
            return 0;
        }
        if (n == 0) {
            return rdb_in_fail(r, "unexpected end of data (truncated "
                                  "file?)");
        }
        if (errno == EINTR) {
            continue;
        }
        if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
            rdb_wait_fd(r->fd, POLLIN)) {
            continue;
        }
        return rdb_in_fail(r, "read error: %s", strerror(errno));
    }
}

int rdb_in_read(struct rdb_in *r, void *dst, size_t n)
{
    uint8_t *out = dst;
    while (n > 0) {
        if (r->pos == r->len && rdb_in_refill(r) != 0) {
            return -1;
        }
        size_t take = r->len - r->pos < n ? r->len - r->pos : n;
        memcpy(out, r->data + r->pos, take);
        r->pos += take;
        out += take;
        n -= take;
    }
    return 0;
}

int rdb_in_byte(struct rdb_in *r, uint8_t *b)
{
    if (r->pos < r->len) {
        *b = r->data[r->pos++];
        return 0;
    }
    return rdb_in_read(r, b, 1);
}

/* True if at least 'n' more bytes may follow: guards allocations against
 * corrupt lengths when the total size is known. */
bool rdb_in_may_hold(const struct rdb_in *r, uint64_t n)
{
    if (r->fd < 0) {
        return n <= r->len - r->pos;
    }
    if (r->left < 0) {
        return n <= (uint64_t)SERVER_MAX_STRING * 2;
    }
    return n <= (uint64_t)r->left + (r->len - r->pos);
}

/* The checksum of everything consumed so far. */
static uint64_t rdb_in_crc(struct rdb_in *r)
{
    r->crc = crc64(r->crc, r->data + r->crc_pos, r->pos - r->crc_pos);
    r->crc_pos = r->pos;
    return r->crc;
}

int rdb_in_len_enc(struct rdb_in *r, uint64_t *len, bool *encoded)
{
    uint8_t b, more[8];
    *encoded = false;
    if (rdb_in_byte(r, &b) != 0) {
        return -1;
    }
    switch (b >> 6) {
    case RDB_LEN_6BIT:
        *len = b & 0x3f;
        return 0;
    case RDB_LEN_14BIT:
        if (rdb_in_byte(r, &more[0]) != 0) {
            return -1;
        }
        *len = (uint64_t)(b & 0x3f) << 8 | more[0];
        return 0;
    case RDB_LEN_SPECIAL:
        *encoded = true;
        *len = b & 0x3f;
        return 0;
    default:
        break;
    }
    size_t n = b == RDB_LEN_32BIT ? 4 : b == RDB_LEN_64BIT ? 8 : 0;
    if (n == 0) {
        return rdb_in_fail(r, "unknown length encoding 0x%02x", b);
    }
    if (rdb_in_read(r, more, n) != 0) {
        return -1;
    }
    *len = 0;
    for (size_t i = 0; i < n; i++) {
        *len = *len << 8 | more[i];
    }
    return 0;
}

int rdb_in_len(struct rdb_in *r, uint64_t *len)
{
    bool encoded;
    if (rdb_in_len_enc(r, len, &encoded) != 0) {
        return -1;
    }
    if (encoded) {
        return rdb_in_fail(r, "string encoding where a length was "
                              "expected");
    }
    return 0;
}

/* Read an integer-encoded string's value ('enc' is RDB_ENC_INT*). */
static int rdb_in_int_encoded(struct rdb_in *r, uint64_t enc, long long *v)
{
    uint8_t b[4];
    size_t n = enc == RDB_ENC_INT8 ? 1 : enc == RDB_ENC_INT16 ? 2 : 4;
    if (rdb_in_read(r, b, n) != 0) {
        return -1;
    }
    if (n == 1) {
        *v = (int8_t)b[0];
    } else if (n == 2) {
        *v = (int16_t)(uint16_t)(b[0] | b[1] << 8);
    } else {
        *v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 |
                       (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
    }
    return 0;
}

char *rdb_in_string(struct rdb_in *r)
{
    uint64_t len;
    bool encoded;
    if (rdb_in_len_enc(r, &len, &encoded) != 0) {
        return NULL;
    }
    if (encoded && len <= RDB_ENC_INT32) {
        long long v;
        char buf[SERVER_LONG_STR_SIZE];
        if (rdb_in_int_encoded(r, len, &v) != 0) {
            return NULL;
        }
        return sds_new(buf, util_ll2str(buf, v));
    }
    if (encoded && len == RDB_ENC_LZF) {
        uint64_t clen, ulen;
        if (rdb_in_len(r, &clen) != 0 || rdb_in_len(r, &ulen) != 0) {
            return NULL;
        }
        if (ulen == 0 || ulen > (uint64_t)SERVER_MAX_STRING ||
            !rdb_in_may_hold(r, clen) || clen > ulen + ulen / 8 + 64) {
            rdb_in_fail(r, "bad LZF string lengths %llu/%llu",
                        (unsigned long long)clen, (unsigned long long)ulen);
            return NULL;
        }
        char *packed = mem_alloc(clen);
        if (rdb_in_read(r, packed, clen) != 0) {
            mem_free(packed);
            return NULL;
        }
        char *s = sds_new(NULL, ulen);
        size_t got = lzf_decompress(packed, clen, s, ulen);
        mem_free(packed);
        if (got != ulen) {
            sds_free(s);
            rdb_in_fail(r, "invalid LZF compressed string");
            return NULL;
        }
        return s;
    }
    if (encoded) {
        rdb_in_fail(r, "unknown string encoding %llu",
                    (unsigned long long)len);
        return NULL;
    }
    if (len > (uint64_t)SERVER_MAX_STRING || !rdb_in_may_hold(r, len)) {
        rdb_in_fail(r, "string length %llu out of range",
                    (unsigned long long)len);
        return NULL;
    }
    char *s = sds_new(NULL, len);
    if (rdb_in_read(r, s, len) != 0) {
        sds_free(s);
        return NULL;
    }
    return s;
}

/* ------------------------------------------------------------------------
 * Whole snapshots */

/* Append one auxiliary field. */
static void rdb_out_aux(struct rdb_out *w, const char *name,
                        const char *value)
{
    rdb_out_byte(w, RDB_OP_AUX);
    rdb_out_string(w, name, strlen(name));
    rdb_out_string(w, value, strlen(value));
}

static void rdb_out_aux_ll(struct rdb_out *w, const char *name, long long v)
{
    rdb_out_byte(w, RDB_OP_AUX);
    rdb_out_string(w, name, strlen(name));
    rdb_out_ll(w, v);
}

/* Write the databases to 'w'. */
static void rdb_out_snapshot(struct rdb_out *w)
{
    char magic[16];
    rdb_state.keys_saved = 0;
    snprintf(magic, sizeof(magic), "REDIS%04d", RDB_VERSION);
    rdb_out_write(w, magic, 9);
    rdb_out_aux(w, "redis-ver", SERVER_VERSION);
    rdb_out_aux_ll(w, "redis-bits", (long long)sizeof(void *) * 8);
    rdb_out_aux_ll(w, "ctime", (long long)time(NULL));
    rdb_out_aux_ll(w, "used-mem", server.used_memory);
    rdb_out_aux_ll(w, "aof-base", 0);
    if (repl.backlog != NULL) {
        /* We have a replication history (a replica that synced, or a
         * master that had replicas): record where this data stands in it
         * so a restart can continue with PSYNC. */
        int stream_db = server.masterhost != NULL ? replica_stream_db()
                        : repl.seldb >= 0 ? repl.seldb : 0;
        rdb_out_aux_ll(w, "repl-stream-db", stream_db);
        rdb_out_aux(w, "repl-id", repl.replid);
        rdb_out_aux_ll(w, "repl-offset", repl.offset);
    }
    size_t libs;
    char **codes = function_codes(&libs);
    for (size_t i = 0; i < libs; i++) {
        rdb_out_byte(w, RDB_OP_FUNCTION2);
        rdb_out_string(w, codes[i], sds_len(codes[i]));
        sds_free(codes[i]);
    }
    mem_free(codes);
    for (int i = 0; i < server.databases && !w->failed; i++) {
        struct db *db = &server.db[i];
        if (db_size(db) == 0) {
            continue;
        }
        rdb_out_byte(w, RDB_OP_SELECTDB);
        rdb_out_len(w, (uint64_t)i);
        rdb_out_byte(w, RDB_OP_RESIZEDB);
        rdb_out_len(w, db_size(db));
        rdb_out_len(w, dict_size(db->expires));
        struct db_iter it;
        struct dict_entry *e;
        db_iter_init(&it, db);
        while ((e = db_iter_next(&it)) != NULL && !w->failed) {
            size_t klen = sds_len(e->key);
            long long when = db_get_expire(db, e->key, klen);
            if (when >= 0) {
                uint8_t b[9];
                b[0] = RDB_OP_EXPIRETIME_MS;
                for (int k = 0; k < 8; k++) {
                    b[1 + k] = (uint8_t)((uint64_t)when >> (8 * k));
                }
                rdb_out_write(w, b, sizeof(b));
            }
            rdb_out_byte(w, rdb_value_type(e->v.ptr));
            rdb_out_string(w, e->key, klen);
            rdb_value_save(w, e->v.ptr);
            child_report(++rdb_state.keys_saved, 0, false);
            if (server.rdb_key_save_delay > 0) {
                usleep((useconds_t)server.rdb_key_save_delay);
            }
        }
        db_iter_release(&it);
    }
    rdb_out_byte(w, RDB_OP_EOF);
    /* The checksum covers everything up to here: flush it into w->crc. */
    if (w->fd >= 0) {
        rdb_out_flush(w);
    } else {
        w->crc = crc64(0, w->buf, sds_len(w->buf));
    }
    uint8_t b[8];
    for (int k = 0; k < 8; k++) {
        b[k] = (uint8_t)(w->crc >> (8 * k));
    }
    rdb_out_write(w, b, sizeof(b));
}

int rdb_save_fd(int fd)
{
    struct rdb_out w;
    rdb_out_init(&w, fd);
    rdb_out_snapshot(&w);
    int rc = rdb_out_finish(&w);
    int saved_errno = errno;
    rdb_out_release(&w);
    if (rc != 0) {
        log_warn("cannot write the RDB stream: %s", strerror(saved_errno));
        errno = saved_errno;
    }
    return rc;
}

/* The directory part of 'path' ("." if none), into 'out'. */
static void rdb_dir_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(out, cap, ".");
    } else if (slash == path) {
        snprintf(out, cap, "/");
    } else {
        snprintf(out, cap, "%.*s", (int)(slash - path), path);
    }
}

int rdb_save_file(const char *path)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 64];
    rdb_dir_of(path, dir, sizeof(dir));
    int n = snprintf(tmp, sizeof(tmp), "%s/temp-%d.rdb", dir, (int)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        log_warn("cannot save the DB: path '%s' too long", path);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        log_warn("cannot save the DB: cannot open '%s': %s", tmp,
                 strerror(errno));
        return -1;
    }
    if (rdb_save_fd(fd) != 0 || fsync(fd) != 0) {
        log_warn("cannot save the DB to '%s': %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        log_warn("cannot save the DB: cannot rename '%s' to '%s': %s", tmp,
                 path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_CLOEXEC);
    if (dfd >= 0) {
        /* Make the rename itself durable; failure here only weakens that. */
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}

/* The aux field 'name' = 'value': keep the replication fields in
 * rdb_state. A malformed one is ignored (logged): the data still loads,
 * only a later PSYNC will not use it. */
static void rdb_in_repl_aux(const char *name, const char *value)
{
    char *end;
    if (strcmp(name, "repl-id") == 0) {
        if (strlen(value) != REPL_ID_LEN ||
            strspn(value, "0123456789abcdefABCDEF") != REPL_ID_LEN) {
            log_warn("ignoring malformed RDB aux field repl-id '%.64s'",
                     value);
            return;
        }
        memcpy(rdb_state.repl_id, value, REPL_ID_LEN + 1);
    } else if (strcmp(name, "repl-offset") == 0) {
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || v < 0) {
            log_warn("ignoring malformed RDB aux field repl-offset '%.64s'",
                     value);
            return;
        }
        rdb_state.repl_offset = v;
    } else if (strcmp(name, "repl-stream-db") == 0) {
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || v < 0 ||
            v >= server.databases) {
            log_warn("ignoring RDB aux field repl-stream-db '%.64s' (not a "
                     "db of this server)", value);
            return;
        }
        rdb_state.repl_stream_db = (int)v;
    }
}

/* Read the snapshot from 'r' into the databases. Returns 0 or -1 with
 * r->err filled. */
static int rdb_in_snapshot(struct rdb_in *r)
{
    char magic[10];
    if (rdb_in_read(r, magic, 9) != 0) {
        return -1;
    }
    magic[9] = '\0';
    if (memcmp(magic, "REDIS", 5) != 0) {
        return rdb_in_fail(r, "wrong signature (not an RDB file)");
    }
    int version = atoi(magic + 5);
    if (version < 1 || version > RDB_MAX_LOAD_VERSION) {
        return rdb_in_fail(r, "can't handle RDB format version %d",
                           version);
    }
    struct db *db = &server.db[0];
    long long expire = -1;
    long long now = server_mstime();
    rdb_state.keys_loaded = 0;
    rdb_state.keys_expired = 0;
    rdb_state.repl_id[0] = '\0';
    rdb_state.repl_offset = -1;
    rdb_state.repl_stream_db = -1;
    for (;;) {
        uint8_t type;
        uint8_t b[8];
        uint64_t v1, v2;
        if (rdb_in_byte(r, &type) != 0) {
            return -1;
        }
        switch (type) {
        case RDB_OP_EXPIRETIME_MS:
            if (rdb_in_read(r, b, 8) != 0) {
                return -1;
            }
            expire = 0;
            for (int k = 7; k >= 0; k--) {
                expire = (long long)((uint64_t)expire << 8 | b[k]);
            }
            continue;
        case RDB_OP_EXPIRETIME:
            if (rdb_in_read(r, b, 4) != 0) {
                return -1;
            }
            expire = (long long)((uint32_t)b[0] | (uint32_t)b[1] << 8 |
                                 (uint32_t)b[2] << 16 |
                                 (uint32_t)b[3] << 24) * 1000;
            continue;
        case RDB_OP_FREQ:
            if (rdb_in_byte(r, b) != 0) {
                return -1;
            }
            continue;
        case RDB_OP_IDLE:
            if (rdb_in_len(r, &v1) != 0) {
                return -1;
            }
            continue;
        case RDB_OP_SELECTDB:
            if (rdb_in_len(r, &v1) != 0) {
                return -1;
            }
            if (v1 >= (uint64_t)server.databases) {
                return rdb_in_fail(r, "database %llu out of range (this "
                                      "server has %d; raise 'databases')",
                                   (unsigned long long)v1,
                                   server.databases);
            }
            db = &server.db[v1];
            continue;
        case RDB_OP_RESIZEDB:
            if (rdb_in_len(r, &v1) != 0 || rdb_in_len(r, &v2) != 0) {
                return -1;
            }
            continue;
        case RDB_OP_AUX: {
            char *name = rdb_in_string(r);
            char *value = name != NULL ? rdb_in_string(r) : NULL;
            if (value == NULL) {
                sds_free(name);
                return -1;
            }
            if (strcmp(name, "redis-ver") == 0) {
                log_info("loading RDB produced by version %s", value);
            } else {
                rdb_in_repl_aux(name, value);
            }
            sds_free(name);
            sds_free(value);
            continue;
        }
        case RDB_OP_FUNCTION2: {
            char *code = rdb_in_string(r);
            if (code == NULL) {
                return -1;
            }
            char err[512];
            int rc = function_load_code(code, sds_len(code), true, err,
                                        sizeof(err));
            sds_free(code);
            if (rc != 0) {
                return rdb_in_fail(r, "cannot load a function library: %s",
                                   err);
            }
            continue;
        }
        case RDB_OP_MODULE_AUX:
        case RDB_OP_FUNCTION_PRE_GA:
            return rdb_in_fail(r, "RDB holds module or pre-release "
                                  "function data (opcode %d), which this "
                                  "server cannot load", type);
        case RDB_OP_EOF:
            break;
        default: {
            char *key = rdb_in_string(r);
            if (key == NULL) {
                return -1;
            }
            struct object *val = rdb_value_load(r, type);
            if (val == NULL) {
                rdb_in_fail(r, "bad value of key '%.100s'", key);
                sds_free(key);
                return -1;
            }
            size_t klen = sds_len(key);
            if (rdb_value_is_empty(val)) {
                log_warn("skipping empty value of key '%.100s'", key);
                object_decr_ref(val);
            } else if (expire >= 0 && expire <= now &&
                       server.masterhost == NULL) {
                object_decr_ref(val);
                rdb_state.keys_expired++;
            } else if (db_find(db, key, klen) != NULL &&
                       !rdb_state.load_replace) {
                object_decr_ref(val);
                rdb_in_fail(r, "duplicate key '%.100s' in db %d", key,
                            db->id);
                sds_free(key);
                return -1;
            } else {
                if (rdb_state.load_replace) {
                    db_delete(db, key, klen);
                }
                db_add(db, key, klen, val);
                if (expire >= 0) {
                    db_set_expire(db, key, klen, expire);
                }
                rdb_state.keys_loaded++;
            }
            sds_free(key);
            expire = -1;
            continue;
        }
        }
        break;
    }
    if (version >= 5) {
        uint64_t want = rdb_in_crc(r), got = 0;
        uint8_t b[8];
        if (rdb_in_read(r, b, 8) != 0) {
            return -1;
        }
        for (int k = 7; k >= 0; k--) {
            got = got << 8 | b[k];
        }
        if (got != 0 && got != want) {
            return rdb_in_fail(r, "wrong RDB checksum (expected %016llx, "
                                  "got %016llx)", (unsigned long long)want,
                               (unsigned long long)got);
        }
    }
    return 0;
}

int rdb_load_fd(int fd, long long len)
{
    struct rdb_in r;
    rdb_in_init_fd(&r, fd, len);
    rdb_state.loading_start = time(NULL);
    int rc = rdb_in_snapshot(&r);
    if (rc != 0) {
        log_error("cannot load the RDB stream: %s (at byte %lld)", r.err,
                  r.consumed_before - (long long)(r.len - r.pos));
    }
    rdb_in_release(&r);
    return rc;
}

int rdb_load_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            log_info("no RDB file '%s' to load", path);
        } else {
            log_error("cannot open the RDB file '%s': %s", path,
                      strerror(errno));
        }
        return -1;
    }
    struct rdb_in r;
    rdb_in_init_fd(&r, fd, -1);
    rdb_state.loading_start = time(NULL);
    long long start = server_mstime();
    int rc = rdb_in_snapshot(&r);
    if (rc != 0) {
        log_error("cannot load the RDB file '%s': %s (at byte %lld)", path,
                  r.err, r.consumed_before - (long long)(r.len - r.pos));
    } else {
        log_info("loaded %lld keys from '%s' in %.3f s",
                 rdb_state.keys_loaded, path,
                 (double)(server_mstime() - start) / 1000);
    }
    rdb_in_release(&r);
    close(fd);
    return rc;
}

const char *rdb_default_path(void)
{
    return server.dbfilename != NULL && server.dbfilename[0] != '\0'
           ? server.dbfilename : "dump.rdb";
}

int rdb_load_at_start(void)
{
    /* Save rules count from the start, as if we had just saved. */
    rdb_state.lastsave = time(NULL);
    if (server.appendonly) {
        return 0;
    }
    const char *path = rdb_default_path();
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        return 0;
    }
    server_update_time();
    if (rdb_load_file(path) != 0) {
        return -1;
    }
    rdb_state.lastsave = time(NULL);
    return 0;
}

/* ------------------------------------------------------------------------
 * DUMP payloads */

char *rdb_dump_payload(const struct object *o)
{
    struct rdb_out w;
    rdb_out_init(&w, -1);
    rdb_out_byte(&w, rdb_value_type(o));
    rdb_value_save(&w, o);
    uint8_t foot[10];
    foot[0] = RDB_VERSION & 0xff;
    foot[1] = RDB_VERSION >> 8;
    rdb_out_write(&w, foot, 2);
    uint64_t crc = crc64(0, w.buf, sds_len(w.buf));
    for (int k = 0; k < 8; k++) {
        foot[k] = (uint8_t)(crc >> (8 * k));
    }
    rdb_out_write(&w, foot, 8);
    char *s = w.buf;
    w.buf = NULL;
    return s;
}

bool rdb_payload_valid(const void *payload, size_t len)
{
    const uint8_t *p = payload;
    if (len < 10) {
        return false;
    }
    unsigned version = p[len - 10] | p[len - 9] << 8;
    if (version > RDB_MAX_LOAD_VERSION) {
        return false;
    }
    uint64_t got = 0;
    for (int k = 7; k >= 0; k--) {
        got = got << 8 | p[len - 8 + k];
    }
    return crc64(0, p, len - 8) == got;
}

struct object *rdb_payload_load(const void *payload, size_t len, char *err,
                                size_t errlen)
{
    struct rdb_in r;
    uint8_t type;
    rdb_in_init_mem(&r, payload, len - 10);
    struct object *o = NULL;
    if (len >= 10 && rdb_in_byte(&r, &type) == 0) {
        o = rdb_value_load(&r, type);
    }
    if (o != NULL && rdb_value_is_empty(o)) {
        object_decr_ref(o);
        o = NULL;
    }
    if (o == NULL) {
        snprintf(err, errlen, "Bad data format");
    }
    return o;
}

/* ------------------------------------------------------------------------
 * Background saving */

void rdb_on_bgsave_done(rdb_bgsave_done_fn fn)
{
    if (rdb_done_hook_count == (int)(sizeof(rdb_done_hooks) /
                                     sizeof(rdb_done_hooks[0]))) {
        log_error("too many BGSAVE hooks");
        abort();
    }
    rdb_done_hooks[rdb_done_hook_count++] = fn;
}

/* The child ended with wait status 'status': record it, run the hooks. */
static void rdb_child_done(int status)
{
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    char *path = rdb_state.child_path;
    long long now = server_mstime();
    rdb_state.child_path = NULL;
    rdb_state.last_bgsave_secs = (now - rdb_state.child_start_ms) / 1000;
    if (ok) {
        log_info("background saving terminated with success");
        server.dirty -= rdb_state.dirty_at_fork;
        if (server.dirty < 0) {
            server.dirty = 0;
        }
        rdb_state.lastsave = now / 1000;
        rdb_state.saves++;
        rdb_state.last_bgsave_ok = true;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1) {
        log_warn("background saving was stopped on purpose");
    } else {
        log_warn("background saving failed (%s %d)",
                 WIFSIGNALED(status) ? "signal" : "exit status",
                 WIFSIGNALED(status) ? WTERMSIG(status)
                                     : WEXITSTATUS(status));
        rdb_state.last_bgsave_ok = false;
    }
    for (int i = 0; i < rdb_done_hook_count; i++) {
        rdb_done_hooks[i](ok, path);
    }
    mem_free(path);
}

/* child.c's reaper: the BGSAVE child ended with 'status'. */
static void rdb_on_child_done(int status, void *arg)
{
    rdb_child_done(status);
}

pid_t rdb_bgsave_start(const char *path)
{
    char err[256];
    if (child_busy(CHILD_RDB)) {
        log_warn("cannot start a background save: another child process "
                 "is active");
        return -1;
    }
    rdb_state.last_bgsave_try = time(NULL);
    long long dirty = server.dirty;
    pid_t pid = child_fork_save(CHILD_RDB, path, rdb_on_child_done, NULL,
                                err, sizeof(err));
    if (pid < 0) {
        log_warn("cannot start a background save: %s", err);
        rdb_state.last_bgsave_ok = false;
        return -1;
    }
    log_info("background saving started by pid %d", (int)pid);
    rdb_state.child_path = mem_strdup(path);
    rdb_state.child_start_ms = server_mstime();
    rdb_state.dirty_at_fork = dirty;
    return pid;
}

void rdb_kill_child(void)
{
    pid_t pid = child_pid(CHILD_RDB);
    if (pid <= 0) {
        return;
    }
    char tmp[PATH_MAX + 64], dir[PATH_MAX];
    rdb_dir_of(rdb_state.child_path, dir, sizeof(dir));
    snprintf(tmp, sizeof(tmp), "%s/temp-%d.rdb", dir, (int)pid);
    child_kill(CHILD_RDB, SIGUSR1);
    unlink(tmp);
}

/* True if one of the "save <seconds> <changes>" rules matches now. */
static bool rdb_save_rule_matches(long long now)
{
    const char *p = server.save != NULL ? server.save : "";
    long long secs, changes;
    int used;
    while (sscanf(p, "%lld %lld%n", &secs, &changes, &used) == 2) {
        if (server.dirty >= changes && now - rdb_state.lastsave > secs) {
            return true;
        }
        p += used;
    }
    return false;
}

void rdb_cron(void)
{
    /* As Redis: no save while any snapshot child runs. */
    if (child_busy(CHILD_RDB)) {
        return;
    }
    long long now = time(NULL);
    if (rdb_state.bgsave_scheduled) {
        rdb_state.bgsave_scheduled = false;
        rdb_bgsave_start(rdb_default_path());
        return;
    }
    if (server.dirty == 0 || !rdb_save_rule_matches(now)) {
        return;
    }
    if (!rdb_state.last_bgsave_ok &&
        now - rdb_state.last_bgsave_try <= RDB_BGSAVE_RETRY_S) {
        return;
    }
    log_info("%lld changes since the last save, saving",
             server.dirty);
    rdb_bgsave_start(rdb_default_path());
}

int rdb_shutdown_save(bool nosave, bool save)
{
    bool rules = server.save != NULL && server.save[0] != '\0';
    if (rdb_state.shutdown_done || nosave || (!save && !rules)) {
        rdb_kill_child();
        rdb_state.shutdown_done = true;
        return 0;
    }
    rdb_kill_child();
    log_info("saving the final RDB snapshot before exiting");
    if (rdb_save_file(rdb_default_path()) != 0) {
        log_warn("error trying to save the DB, can't exit");
        return -1;
    }
    rdb_state.shutdown_done = true;
    rdb_state.lastsave = time(NULL);
    server.dirty = 0;
    return 0;
}

/* ------------------------------------------------------------------------
 * Commands */

/* SAVE */
void cmd_save(struct client *c)
{
    if (child_pid(CHILD_RDB) > 0) {
        reply_error(c, "Background save already in progress");
        return;
    }
    if (rdb_save_file(rdb_default_path()) != 0) {
        reply_error(c, "Error saving the DB, check the server log");
        return;
    }
    server.dirty = 0;
    rdb_state.lastsave = time(NULL);
    rdb_state.saves++;
    reply_ok(c);
}

/* BGSAVE [SCHEDULE] */
void cmd_bgsave(struct client *c)
{
    bool schedule = false;
    if (c->argc == 2 && arg_is(&c->argv[1], "schedule")) {
        schedule = true;
    } else if (c->argc > 1) {
        reply_syntax_error(c);
        return;
    }
    if (child_pid(CHILD_RDB) > 0) {
        reply_error(c, "Background save already in progress");
        return;
    }
    if (child_busy(CHILD_RDB)) {
        if (schedule) {
            rdb_state.bgsave_scheduled = true;
            reply_simple(c, "Background saving scheduled");
        } else {
            reply_error(c, "Another child process is active (AOF?): can't "
                           "BGSAVE right now. Use BGSAVE SCHEDULE in order "
                           "to schedule a BGSAVE whenever possible.");
        }
        return;
    }
    if (rdb_bgsave_start(rdb_default_path()) < 0) {
        reply_error(c, "Background save failed to start, check the server "
                       "log");
        return;
    }
    reply_simple(c, "Background saving started");
}

/* LASTSAVE */
void cmd_lastsave(struct client *c)
{
    reply_integer(c, rdb_state.lastsave);
}

void rdb_debug_reload(struct client *c)
{
    const char *path = rdb_default_path();
    if (rdb_save_file(path) != 0) {
        reply_error(c, "Error trying to save the DB, check the server log");
        return;
    }
    for (int i = 0; i < server.databases; i++) {
        db_empty(&server.db[i]);
    }
    function_flush_libraries();
    server.dirty = 0;
    rdb_state.lastsave = time(NULL);
    if (rdb_load_file(path) != 0) {
        reply_error(c, "Error trying to load the RDB dump, check the "
                       "server log");
        return;
    }
    reply_ok(c);
}
