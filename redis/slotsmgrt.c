/* Codis's synchronous slot migration (codis-facts.md §2.3): the source
 * side SLOTSMGRTSLOT, SLOTSMGRTONE, SLOTSMGRTTAGSLOT, SLOTSMGRTTAGONE and
 * the target side SLOTSRESTORE; also the batched commands of Codis 3.2
 * (SLOTSMGRTSLOT-ASYNC ... §2.4), which move batches of small values the
 * same way and hand batches with big values to slotsmgrt_async.c.
 *
 * How keys move, all inside one command on the source, so no client ever
 * sees a key in both places or in neither:
 *
 *   source                                     target
 *   pick keys (one, or all with its {tag})
 *   DUMP each, remaining TTL in ms
 *   [AUTH pw] [SELECT db] SLOTSRESTORE k ttl payload ... ------>
 *                                              check every payload, then
 *                                              overwrite each key
 *                        <------------------- +OK (one reply per command)
 *   delete the keys here, propagate DEL k ...
 *
 * Connections to targets are blocking-style sockets (non-blocking fds
 * driven with poll and the command's timeout), cached per "host:port"
 * with the selected db and whether AUTH was sent; an error closes the
 * socket, and slotsmgrt_cron closes those idle for 15 s. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/rdb.h"
#include "redis/server.h"
#include "redis/slotsmgrt.h"

#define SLOTSMGRT_MAX_CONNS 64           /* cached target connections */
#define SLOTSMGRT_IDLE_MS 15000          /* close cached sockets idle this long */
#define SLOTSMGRT_DEFAULT_TIMEOUT_MS 100 /* timeout 0 means this */
#define SLOTSMGRT_WRITE_CHUNK (64 * 1024)

/* A cached connection to a target. */
struct slotsmgrt_conn {
    char *name;          /* "host:port", owned */
    int fd;
    int db;              /* database selected on it, -1 if none yet */
    bool authed;         /* AUTH already sent */
    long long last_use;  /* ms */
};

static struct slotsmgrt_conn slotsmgrt_conns[SLOTSMGRT_MAX_CONNS];
static int slotsmgrt_conn_count;

/* ------------------------------------------------------------------------
 * Connections */

static void slotsmgrt_close(struct slotsmgrt_conn *conn)
{
    close(conn->fd);
    mem_free(conn->name);
    *conn = slotsmgrt_conns[--slotsmgrt_conn_count];
}

int slotsmgrt_cached_sockets(void)
{
    return slotsmgrt_conn_count;
}

void slotsmgrt_cron(void)
{
    for (int i = slotsmgrt_conn_count - 1; i >= 0; i--) {
        if (server.mstime - slotsmgrt_conns[i].last_use > SLOTSMGRT_IDLE_MS) {
            log_info("closing idle migration socket to %s",
                     slotsmgrt_conns[i].name);
            slotsmgrt_close(&slotsmgrt_conns[i]);
        }
    }
}

/* Wait up to 'timeout' ms for 'events' on 'fd'. */
bool slotsmgrt_wait(int fd, short events, long long timeout)
{
    struct pollfd p = { .fd = fd, .events = events };
    long long deadline = server_mstime() + timeout;
    for (;;) {
        long long left = deadline - server_mstime();
        int rc = poll(&p, 1, left > 0 ? (int)left : 0);
        if (rc > 0) {
            return true;
        }
        if (rc == 0 || errno != EINTR) {
            return false;
        }
    }
}

/* Connect to 'host':'port' within 'timeout' ms. Returns the fd, or -1
 * with 'err' filled. */
int slotsmgrt_dial(const char *host, const char *port,
                          long long timeout, char *err, size_t errlen)
{
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "%s", gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    snprintf(err, errlen, "no address");
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
                    SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
            (errno == EINPROGRESS && slotsmgrt_wait(fd, POLLOUT, timeout))) {
            int soerr = 0;
            socklen_t len = sizeof(soerr);
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
                soerr == 0) {
                break;
            }
            snprintf(err, errlen, "%s", strerror(soerr ? soerr : errno));
        } else {
            snprintf(err, errlen, "%s", errno == EINPROGRESS
                     ? "connection timed out" : strerror(errno));
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return fd;
}

/* The cached connection to host:port, dialled if needed; or NULL after
 * replying the error to 'c'. */
static struct slotsmgrt_conn *slotsmgrt_get_conn(struct client *c,
                                                 const struct arg *host,
                                                 const struct arg *port,
                                                 long long timeout)
{
    char name[320];
    snprintf(name, sizeof(name), "%s:%s", host->ptr, port->ptr);
    for (int i = 0; i < slotsmgrt_conn_count; i++) {
        if (strcmp(slotsmgrt_conns[i].name, name) == 0) {
            slotsmgrt_conns[i].last_use = server.mstime;
            return &slotsmgrt_conns[i];
        }
    }
    char err[256];
    int fd = slotsmgrt_dial(host->ptr, port->ptr, timeout, err, sizeof(err));
    if (fd < 0) {
        reply_error(c, "Can't connect to target node: %s", err);
        return NULL;
    }
    if (slotsmgrt_conn_count == SLOTSMGRT_MAX_CONNS) {
        slotsmgrt_close(&slotsmgrt_conns[0]);
    }
    struct slotsmgrt_conn *conn = &slotsmgrt_conns[slotsmgrt_conn_count++];
    conn->name = mem_strdup(name);
    conn->fd = fd;
    conn->db = -1;
    conn->authed = false;
    conn->last_use = server.mstime;
    log_info("migration socket to %s connected", name);
    return conn;
}

/* ------------------------------------------------------------------------
 * Sending keys */

char *slotsmgrt_bulk_ll(char *buf, long long v)
{
    char digits[SERVER_LONG_STR_SIZE];
    return util_cat_resp_bulk(buf, digits, util_ll2str(digits, v));
}

/* Write all of 'buf' within 'timeout' ms per chunk. */
int slotsmgrt_write(int fd, const char *buf, size_t len,
                           long long timeout)
{
    size_t done = 0;
    while (done < len) {
        size_t chunk = len - done < SLOTSMGRT_WRITE_CHUNK
                       ? len - done : SLOTSMGRT_WRITE_CHUNK;
        ssize_t n = write(fd, buf + done, chunk);
        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!slotsmgrt_wait(fd, POLLOUT, timeout)) {
                return -1;
            }
        } else {
            return -1;
        }
    }
    return 0;
}

/* Read 'count' reply lines into 'lines' (each an owned sds string without
 * CRLF). The target answers our commands with status lines or errors
 * only. Returns 0 or -1 on error or timeout. */
static int slotsmgrt_read_lines(int fd, char **lines, int count,
                                long long timeout)
{
    char buf[4096];
    size_t have = 0;
    int got = 0;
    while (got < count) {
        char *eol = memchr(buf, '\n', have);
        if (eol != NULL) {
            size_t len = (size_t)(eol - buf);
            lines[got++] = sds_new(buf, len > 0 && buf[len - 1] == '\r'
                                        ? len - 1 : len);
            have -= len + 1;
            memmove(buf, eol + 1, have);
            continue;
        }
        if (have == sizeof(buf)) {
            return -1;
        }
        ssize_t n = read(fd, buf + have, sizeof(buf) - have);
        if (n > 0) {
            have += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!slotsmgrt_wait(fd, POLLIN, timeout)) {
                return -1;
            }
        } else {
            return -1;
        }
    }
    return have == 0 ? 0 : -1;
}

/* Borrowed keys: the batch's array owns them. */
static const struct dict_type slotsmgrt_seen_type = { false, NULL };

void slotsmgrt_batch_init(struct slotsmgrt_batch *b)
{
    memset(b, 0, sizeof(*b));
    b->seen = dict_new(&slotsmgrt_seen_type);
}

void slotsmgrt_batch_add(struct slotsmgrt_batch *b, const char *key,
                                size_t len)
{
    if (dict_find(b->seen, key, len) != NULL) {
        return;
    }
    if (b->count == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->keys = mem_realloc(b->keys, b->cap * sizeof(*b->keys));
    }
    b->keys[b->count] = sds_new(key, len);
    dict_insert(b->seen, b->keys[b->count]);
    b->count++;
}

void slotsmgrt_batch_release(struct slotsmgrt_batch *b)
{
    dict_free(b->seen);
    for (size_t i = 0; i < b->count; i++) {
        sds_free(b->keys[i]);
    }
    mem_free(b->keys);
}

/* Add 'key' to the batch, with every key sharing its tag if 'tags'. */
void slotsmgrt_batch_collect(struct slotsmgrt_batch *b, struct db *db,
                                    const char *key, size_t len, bool tags)
{
    const char *tag;
    size_t tag_len;
    struct dict *same = NULL;
    if (tags && slot_tag(key, len, &tag, &tag_len)) {
        same = slots_tag_keys(db, slot_crc32(tag, tag_len));
    }
    if (same == NULL) {
        slotsmgrt_batch_add(b, key, len);
        return;
    }
    struct dict_iter it;
    struct dict_entry *e;
    dict_iter_init(&it, same);
    while ((e = dict_iter_next(&it)) != NULL) {
        slotsmgrt_batch_add(b, e->key, sds_len(e->key));
    }
    dict_iter_release(&it);
}

long long slotsmgrt_ttl(struct db *db, const char *key, size_t len)
{
    long long when = db_get_expire(db, key, len);
    if (when < 0) {
        return 0;
    }
    return when - server.mstime < 1 ? 1 : when - server.mstime;
}

/* Bytes of a RESP bulk string of 'len' bytes. */
static size_t slotsmgrt_bulk_size(size_t len)
{
    char digits[SERVER_LONG_STR_SIZE];
    return 1 + util_ll2str(digits, (long long)len) + 2 + len + 2;
}

/* One key to send: its remaining TTL, its DUMP payload (owned) and the
 * size of its "key ttl payload" bulk strings. */
struct slotsmgrt_item {
    long long ttl;
    char *payload;
    size_t bytes;
};

static void slotsmgrt_item_init(struct slotsmgrt_item *it, struct db *db,
                                const char *key)
{
    size_t klen = sds_len(key);
    struct dict_entry *e = db_find(db, key, klen);
    char digits[SERVER_LONG_STR_SIZE];
    it->ttl = slotsmgrt_ttl(db, key, klen);
    it->payload = rdb_dump_payload(e->v.ptr);
    it->bytes = slotsmgrt_bulk_size(klen) +
                slotsmgrt_bulk_size(util_ll2str(digits, it->ttl)) +
                slotsmgrt_bulk_size(sds_len(it->payload));
}

/* Move the keys of 'b' that still exist to the target named by argv[1]
 * and argv[2], in SLOTSRESTORE commands of about 'max_bytes' each (0:
 * one command). Returns the number moved, or -1 after replying the error
 * to 'c'. */
static long long slotsmgrt_move(struct client *c, const struct arg *argv,
                                long long timeout, size_t max_bytes,
                                struct slotsmgrt_batch *b)
{
    struct db *db = c->db;
    /* Drop expired and vanished keys first; what is left moves. */
    size_t live = 0;
    for (size_t i = 0; i < b->count; i++) {
        if (db_lookup_write(db, b->keys[i], sds_len(b->keys[i])) != NULL) {
            b->keys[live++] = b->keys[i];
        } else {
            sds_free(b->keys[i]);
        }
    }
    b->count = live;
    if (live == 0) {
        return 0;
    }
    struct slotsmgrt_conn *conn = slotsmgrt_get_conn(c, &argv[1], &argv[2],
                                                     timeout);
    if (conn == NULL) {
        return -1;
    }
    char *buf = sds_new_empty(256);
    int replies = 0;
    bool need_auth = server.requirepass != NULL &&
                     server.requirepass[0] != '\0' && !conn->authed;
    if (need_auth) {
        buf = util_cat_resp_array(buf, 2);
        buf = util_cat_resp_bulk(buf, "AUTH", 4);
        buf = util_cat_resp_bulk(buf, server.requirepass,
                             strlen(server.requirepass));
        replies++;
    }
    bool need_select = conn->db != db->id;
    if (need_select) {
        buf = util_cat_resp_array(buf, 2);
        buf = util_cat_resp_bulk(buf, "SELECT", 6);
        buf = slotsmgrt_bulk_ll(buf, db->id);
        replies++;
    }
    struct slotsmgrt_item *items = mem_alloc(live * sizeof(*items));
    size_t total = 0;
    for (size_t i = 0; i < live; i++) {
        slotsmgrt_item_init(&items[i], db, b->keys[i]);
        total += items[i].bytes;
    }
    buf = sds_make_room(buf, total + 64);
    for (size_t from = 0, to; from < live; from = to) {
        /* At least one key per command, more while under max_bytes. */
        size_t bytes = items[from].bytes;
        for (to = from + 1; to < live &&
             (max_bytes == 0 || bytes + items[to].bytes <= max_bytes);
             to++) {
            bytes += items[to].bytes;
        }
        buf = util_cat_resp_array(buf, 1 + 3 * (long long)(to - from));
        buf = util_cat_resp_bulk(buf, "SLOTSRESTORE", 12);
        for (size_t i = from; i < to; i++) {
            buf = util_cat_resp_bulk(buf, b->keys[i], sds_len(b->keys[i]));
            buf = slotsmgrt_bulk_ll(buf, items[i].ttl);
            buf = util_cat_resp_bulk(buf, items[i].payload,
                                 sds_len(items[i].payload));
            sds_free(items[i].payload);
        }
        replies++;
    }
    mem_free(items);
    char **lines = mem_calloc((size_t)replies, sizeof(*lines));
    const char *failure = NULL;
    if (slotsmgrt_write(conn->fd, buf, sds_len(buf), timeout) != 0) {
        failure = "-IOERR error or timeout writing to target";
    } else if (slotsmgrt_read_lines(conn->fd, lines, replies, timeout) != 0) {
        failure = "-IOERR error or timeout reading from target";
    } else {
        int k = 0;
        if (need_auth && lines[k++][0] != '+') {
            failure = "error on slotsrestore, auth failed";
        } else if (need_select && lines[k++][0] != '+') {
            failure = "error on slotsrestore, select failed";
        }
        for (; failure == NULL && k < replies; k++) {
            if (lines[k][0] != '+') {
                log_warn("SLOTSRESTORE on %s failed: %s", conn->name,
                         lines[k]);
                failure = "error on slotsrestore, migration failed";
            }
        }
    }
    for (int i = 0; i < replies; i++) {
        sds_free(lines[i]);
    }
    mem_free(lines);
    sds_free(buf);
    if (failure != NULL) {
        log_warn("migration to %s failed: %s", conn->name,
                 failure[0] == '-' ? failure + 1 : failure);
        slotsmgrt_close(conn);
        reply_error(c, "%s", failure);
        return -1;
    }
    conn->authed = conn->authed || need_auth;
    conn->db = db->id;
    conn->last_use = server_mstime();
    /* The keys now live on the target: delete them here and tell replicas
     * and the AOF with a plain DEL instead of the migrate command. */
    struct arg *del = mem_alloc((live + 1) * sizeof(*del));
    del[0].ptr = "DEL";
    del[0].len = 3;
    for (size_t i = 0; i < live; i++) {
        db_delete(db, b->keys[i], sds_len(b->keys[i]));
        del[i + 1].ptr = b->keys[i];
        del[i + 1].len = sds_len(b->keys[i]);
    }
    server_propagate(db->id, (int)live + 1, del);
    mem_free(del);
    c->flags |= CLIENT_PREVENT_PROP;
    server.dirty += (long long)live;
    return (long long)live;
}

/* ------------------------------------------------------------------------
 * Commands */

/* Parse the timeout argument (ms, 0 means the default). */
static int slotsmgrt_timeout_or_reply(struct client *c, const struct arg *a,
                                      long long *timeout)
{
    if (arg_ll_or_reply(c, a, timeout, NULL) != 0) {
        return -1;
    }
    if (*timeout < 0) {
        reply_error(c, "invalid timeout = %lld", *timeout);
        return -1;
    }
    if (*timeout == 0) {
        *timeout = SLOTSMGRT_DEFAULT_TIMEOUT_MS;
    }
    return 0;
}

/* Add to 'b' the keys c->argv[first .. argc-1] that exist (with their
 * tag's keys if 'tags'). */
static void slotsmgrt_collect_args(struct client *c, int first, bool tags,
                                   struct slotsmgrt_batch *b)
{
    for (int i = first; i < c->argc; i++) {
        const struct arg *key = &c->argv[i];
        if (db_lookup_write(c->db, key->ptr, key->len) != NULL) {
            slotsmgrt_batch_collect(b, c->db, key->ptr, key->len, tags);
        }
    }
}

/* Move batch 'b' now (SLOTSMGRT* and the -ASYNC forms when the batch is
 * small), release it and reply the number of keys moved, or for a slot
 * ('slot' >= 0) [moved, keys left in the slot]. On failure
 * slotsmgrt_move has replied. */
static void slotsmgrt_move_reply(struct client *c, long long timeout,
                                 size_t maxbytes, struct slotsmgrt_batch *b,
                                 int slot)
{
    long long moved = slotsmgrt_move(c, c->argv, timeout, maxbytes, b);
    slotsmgrt_batch_release(b);
    if (moved < 0) {
        return;
    }
    if (slot < 0) {
        reply_integer(c, moved);
        return;
    }
    reply_array(c, 2);
    reply_integer(c, moved);
    reply_integer(c, (long long)slots_count(c->db, (unsigned)slot));
}

/* SLOTSMGRTSLOT / SLOTSMGRTTAGSLOT host port timeout slot */
static void slotsmgrt_slot_generic(struct client *c, bool tags)
{
    long long timeout;
    unsigned slot;
    if (slotsmgrt_timeout_or_reply(c, &c->argv[3], &timeout) != 0 ||
        slots_parse_slot_or_reply(c, &c->argv[4], &slot) != 0) {
        return;
    }
    struct slotsmgrt_batch b;
    slotsmgrt_batch_init(&b);
    const char *key = slots_random_key(c->db, slot);
    if (key != NULL) {
        slotsmgrt_batch_collect(&b, c->db, key, sds_len(key), tags);
    }
    slotsmgrt_move_reply(c, timeout, 0, &b, (int)slot);
}

/* SLOTSMGRTONE / SLOTSMGRTTAGONE host port timeout key */
static void slotsmgrt_one_generic(struct client *c, bool tags)
{
    long long timeout;
    if (slotsmgrt_timeout_or_reply(c, &c->argv[3], &timeout) != 0) {
        return;
    }
    struct slotsmgrt_batch b;
    slotsmgrt_batch_init(&b);
    slotsmgrt_collect_args(c, 4, tags, &b);
    slotsmgrt_move_reply(c, timeout, 0, &b, -1);
}

/* SLOTSMGRTSLOT host port timeout slot */
void cmd_slotsmgrtslot(struct client *c)
{
    slotsmgrt_slot_generic(c, false);
}

/* SLOTSMGRTTAGSLOT host port timeout slot */
void cmd_slotsmgrttagslot(struct client *c)
{
    slotsmgrt_slot_generic(c, true);
}

/* SLOTSMGRTONE host port timeout key */
void cmd_slotsmgrtone(struct client *c)
{
    slotsmgrt_one_generic(c, false);
}

/* SLOTSMGRTTAGONE host port timeout key */
void cmd_slotsmgrttagone(struct client *c)
{
    slotsmgrt_one_generic(c, true);
}

/* ------------------------------------------------------------------------
 * Batched ("-ASYNC") commands of Codis 3.2
 *
 * Same arguments and replies as Codis 3.2's semi-async commands, so its
 * dashboard can drive them. A batch of small values moves inside the
 * command like the commands above: SLOTSRESTORE commands of at most
 * 'maxbytes' each, pipelined in one round trip. A batch holding a value
 * of more than 'maxbulks' elements moves in the background instead
 * (slotsmgrt_async.c), in chunks, while the server goes on serving: the
 * big values alone (with their tags' keys), so that writes to the slot's
 * other keys need not wait for them; a batch of a slot never takes the
 * keys of the one in the background. */

/* Parsed arguments of the batched commands. */
struct slotsmgrt_async_args {
    long long timeout;   /* ms */
    long long maxbulks;
    long long maxbytes;
};

int slotsmgrt_field_or_reply(struct client *c, const struct arg *a,
                                 const char *field, long long def,
                                 long long max, long long *v)
{
    if (util_str2ll(a->ptr, a->len, v) != 0 || *v < 0 || *v > max) {
        reply_error(c, "invalid value of %s (%s)", field, a->ptr);
        return -1;
    }
    if (*v == 0) {
        *v = def;
    }
    return 0;
}

/* host port timeout maxbulks maxbytes: argv[1..5]. */
static int slotsmgrt_async_args_or_reply(struct client *c,
                                         struct slotsmgrt_async_args *args)
{
    long long port;
    if (util_str2ll(c->argv[2].ptr, c->argv[2].len, &port) != 0 ||
        port < 1 || port > 65535) {
        reply_error(c, "invalid value of port (%s)", c->argv[2].ptr);
        return -1;
    }
    return slotsmgrt_field_or_reply(c, &c->argv[3], "timeout", 30000,
                                 INT32_MAX, &args->timeout) != 0 ||
           slotsmgrt_field_or_reply(c, &c->argv[4], "maxbulks", 200,
                                 512 * 1024, &args->maxbulks) != 0 ||
           slotsmgrt_field_or_reply(c, &c->argv[5], "maxbytes", 512 * 1024,
                                 INT32_MAX / 2, &args->maxbytes) != 0
           ? -1 : 0;
}

/* dict_scan callback: add the key to the batch. */
static void slotsmgrt_scan_add(void *priv, const struct dict_entry *e)
{
    slotsmgrt_batch_add(priv, e->key, sds_len(e->key));
}

/* SLOTSMGRTSLOT-ASYNC / SLOTSMGRTTAGSLOT-ASYNC
 *     host port timeout maxbulks maxbytes slot numkeys */
static void slotsmgrt_slot_async_generic(struct client *c, bool tags)
{
    struct slotsmgrt_async_args args;
    unsigned slot;
    long long numkeys;
    if (slotsmgrt_async_args_or_reply(c, &args) != 0 ||
        slots_parse_slot_or_reply(c, &c->argv[6], &slot) != 0 ||
        slotsmgrt_field_or_reply(c, &c->argv[7], "numkeys", 100, INT32_MAX,
                              &numkeys) != 0) {
        return;
    }
    struct slotsmgrt_batch b;
    slotsmgrt_batch_init(&b);
    struct dict *keys = c->db->slots[slot];
    uint64_t cursor = 0;
    do {
        cursor = dict_scan(keys, cursor, slotsmgrt_scan_add, &b);
    } while (cursor != 0 && b.count < (size_t)numkeys);
    if (tags) {
        /* Expanding may grow the batch: walk only the scanned keys. */
        size_t scanned = b.count;
        for (size_t i = 0; i < scanned; i++) {
            slotsmgrt_batch_collect(&b, c->db, b.keys[i],
                                    sds_len(b.keys[i]), true);
        }
    }
    if (slotsmgrt_async_exclude(c, &b, (int)slot)) {
        slotsmgrt_batch_release(&b);
        return;
    }
    if (slotsmgrt_async_wanted(c, &b, args.maxbulks)) {
        slotsmgrt_async_keep_big(c->db, &b, args.maxbulks, tags);
        slotsmgrt_async_start(c, &b, args.timeout, args.maxbulks,
                              args.maxbytes, (int)slot);
        return;
    }
    slotsmgrt_move_reply(c, args.timeout, (size_t)args.maxbytes, &b,
                         (int)slot);
}

/* SLOTSMGRTONE-ASYNC / SLOTSMGRTTAGONE-ASYNC
 *     host port timeout maxbulks maxbytes key [key ...] */
static void slotsmgrt_one_async_generic(struct client *c, bool tags)
{
    struct slotsmgrt_async_args args;
    if (slotsmgrt_async_args_or_reply(c, &args) != 0) {
        return;
    }
    struct slotsmgrt_batch b;
    slotsmgrt_batch_init(&b);
    slotsmgrt_collect_args(c, 6, tags, &b);
    if (slotsmgrt_async_wanted(c, &b, args.maxbulks)) {
        slotsmgrt_async_start(c, &b, args.timeout, args.maxbulks,
                              args.maxbytes, -1);
        return;
    }
    slotsmgrt_move_reply(c, args.timeout, (size_t)args.maxbytes, &b, -1);
}

void cmd_slotsmgrtslot_async(struct client *c)
{
    slotsmgrt_slot_async_generic(c, false);
}

void cmd_slotsmgrttagslot_async(struct client *c)
{
    slotsmgrt_slot_async_generic(c, true);
}

void cmd_slotsmgrtone_async(struct client *c)
{
    slotsmgrt_one_async_generic(c, false);
}

void cmd_slotsmgrttagone_async(struct client *c)
{
    slotsmgrt_one_async_generic(c, true);
}

/* SLOTSRESTORE key ttl payload [key ttl payload ...]: check everything,
 * then add each key that is not here yet. A key that exists is kept as
 * it is (Codis replaces it): during a migration the target only has a
 * key once it was moved or written through a proxy that already routes
 * the slot here, so its copy is the newer one; after a failover the
 * source may send an old copy again (a promoted slave that had not seen
 * the key leave), and replacing would bring back a stale value. */
void cmd_slotsrestore(struct client *c)
{
    if ((c->argc - 1) % 3 != 0) {
        reply_error(c, "wrong number of arguments for 'slotsrestore' "
                       "command");
        return;
    }
    int n = (c->argc - 1) / 3;
    struct object **objs = mem_calloc((size_t)n, sizeof(*objs));
    long long *ttls = mem_alloc((size_t)n * sizeof(*ttls));
    const char *failure = NULL;
    for (int i = 0; i < n && failure == NULL; i++) {
        const struct arg *ttl = &c->argv[2 + 3 * i];
        const struct arg *payload = &c->argv[3 + 3 * i];
        char err[128];
        if (util_str2ll(ttl->ptr, ttl->len, &ttls[i]) != 0 || ttls[i] < 0) {
            failure = "invalid ttl value, must be >= 0";
        } else if (!rdb_payload_valid(payload->ptr, payload->len)) {
            failure = "dump payload version or checksum are wrong";
        } else if ((objs[i] = rdb_payload_load(payload->ptr, payload->len,
                                               err, sizeof(err))) == NULL) {
            failure = "bad data format";
        }
    }
    if (failure != NULL) {
        for (int i = 0; i < n; i++) {
            object_decr_ref(objs[i]);
        }
        reply_error(c, "%s", failure);
    } else {
        for (int i = 0; i < n; i++) {
            const struct arg *key = &c->argv[1 + 3 * i];
            if (db_lookup_write(c->db, key->ptr, key->len) != NULL) {
                log_warn("slotsrestore: key '%.*s' already exists, the "
                         "newer copy here is kept",
                         (int)(key->len < 128 ? key->len : 128), key->ptr);
                object_decr_ref(objs[i]);
                continue;
            }
            db_add(c->db, key->ptr, key->len, objs[i]);
            if (ttls[i] > 0) {
                db_set_expire(c->db, key->ptr, key->len,
                              server.mstime + ttls[i]);
            }
            db_signal_modified(c->db, key->ptr, key->len);
            server.dirty++;
        }
        reply_ok(c);
    }
    mem_free(objs);
    mem_free(ttls);
}
