/* Background migration of batches that hold big values (Codis 3.2's
 * semi-async migration, our way), the target side SLOTSRESTORE-ASYNC,
 * and SLOTSMGRT-ASYNC-FENCE / -CANCEL / -STATUS.
 *
 * Moving a value of millions of elements inside one command would stall
 * the source (and the target) for seconds. Instead:
 *
 *   source (event loop)          child (fork: a frozen copy)      target
 *   caller blocks, no reply      dial, AUTH, SELECT
 *   keeps serving clients        per key: delete, then either
 *                                  object key ttl payload, or
 *                                  list|hash|dict|zset chunks of
 *                                  maxbulks elements, expire ------>
 *                                read one +OK per message   <------ +OK
 *   SIGCHLD: child exit 0 and    exit 0 / 1
 *   no key of the batch changed
 *   -> delete the keys (big values freed on a thread), propagate DEL,
 *      answer the caller; else answer an error and keep the keys.
 *
 * The fork gives the child a consistent copy without locking anything;
 * a write to a key of the batch while the child runs (seen through the
 * db_on_modified hook) makes the batch fail instead of losing the write,
 * and the caller (the dashboard) tries again. While chunks arrive, the
 * target's key carries a temporary TTL of 3 x timeout, so an abandoned
 * transfer cleans itself up. One batch at a time per server.
 *
 * Unlike Codis, the target answers each SLOTSRESTORE-ASYNC message with a
 * plain +OK or error reply (Codis sends an ACK command back), since our
 * child reads replies, not commands. */
#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/child.h"
#include "redis/rdb.h"
#include "redis/server.h"
#include "redis/slotsmgrt.h"

/* How a batch in the background ended. */
enum slotsmgrt_async_end {
    SLOTSMGRT_ASYNC_DONE,
    SLOTSMGRT_ASYNC_FAILED,
    SLOTSMGRT_ASYNC_CANCELED,
};

/* The batch in the background (one at most). */
struct slotsmgrt_async_job {
    pid_t pid;                    /* the child, or -1 when idle */
    uint64_t client_id;           /* the caller waiting for the reply */
    int db;                       /* database of the keys */
    int slot;                     /* SLOT variants' slot, or -1 */
    struct slotsmgrt_batch batch; /* the keys (owned) */
    bool conflict;                /* a key changed while the child ran */
    bool canceled;                /* SLOTSMGRT-ASYNC-CANCEL killed it */
    char *host;                   /* target, owned */
    char *port;
    long long timeout;            /* ms, per socket operation */
    long long start_ms;
    uint64_t *fence_ids;          /* SLOTSMGRT-ASYNC-FENCE callers */
    size_t fence_count;
};

static struct slotsmgrt_async_job slotsmgrt_async_job = { .pid = -1 };
static bool slotsmgrt_async_hooked;

/* ------------------------------------------------------------------------
 * Freeing big values off the event loop */

static pthread_mutex_t slotsmgrt_async_free_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slotsmgrt_async_free_cond = PTHREAD_COND_INITIALIZER;
static struct object **slotsmgrt_async_free_queue;
static size_t slotsmgrt_async_free_count;
static size_t slotsmgrt_async_free_cap;
static bool slotsmgrt_async_free_started;

/* The freeing thread: drops the last reference of each queued value.
 * Those values are reachable from nowhere else, so only this thread
 * touches them; the allocator is thread-safe. */
static void *slotsmgrt_async_free_main(void *arg)
{
    (void)arg;
    /* Normal priority on purpose: a thread that can be preempted while
     * it holds the allocator's lock (SCHED_IDLE, nice) stalls the event
     * loop's next malloc for as long as it waits for a CPU. */
    for (;;) {
        pthread_mutex_lock(&slotsmgrt_async_free_lock);
        while (slotsmgrt_async_free_count == 0) {
            pthread_cond_wait(&slotsmgrt_async_free_cond,
                              &slotsmgrt_async_free_lock);
        }
        struct object *o =
            slotsmgrt_async_free_queue[--slotsmgrt_async_free_count];
        pthread_mutex_unlock(&slotsmgrt_async_free_lock);
        object_decr_ref(o);
    }
    return NULL;
}

/* Drop our reference to 'o' (its last) on the freeing thread, or here if
 * the thread cannot start. */
static void slotsmgrt_async_free_later(struct object *o)
{
    if (!slotsmgrt_async_free_started) {
        pthread_t tid;
        if (pthread_create(&tid, NULL, slotsmgrt_async_free_main, NULL) != 0) {
            log_warn("cannot start the lazy free thread; freeing inline");
            object_decr_ref(o);
            return;
        }
        pthread_detach(tid);
        slotsmgrt_async_free_started = true;
    }
    pthread_mutex_lock(&slotsmgrt_async_free_lock);
    if (slotsmgrt_async_free_count == slotsmgrt_async_free_cap) {
        slotsmgrt_async_free_cap = slotsmgrt_async_free_cap
                                   ? slotsmgrt_async_free_cap * 2 : 8;
        slotsmgrt_async_free_queue =
            mem_realloc(slotsmgrt_async_free_queue,
                        slotsmgrt_async_free_cap *
                        sizeof(*slotsmgrt_async_free_queue));
    }
    slotsmgrt_async_free_queue[slotsmgrt_async_free_count++] = o;
    pthread_cond_signal(&slotsmgrt_async_free_cond);
    pthread_mutex_unlock(&slotsmgrt_async_free_lock);
}

/* ------------------------------------------------------------------------
 * Sizes */

/* Elements of 'o': 1 for a string. */
static size_t slotsmgrt_async_elements(const struct object *o)
{
    switch (o->type) {
    case OBJ_LIST:
        return list_type_len(o);
    case OBJ_SET:
        return set_type_len(o);
    case OBJ_ZSET:
        return zset_type_len(o);
    case OBJ_HASH:
        return hash_type_len(o);
    default:
        return 1;
    }
}

bool slotsmgrt_async_wanted(struct client *c, const struct slotsmgrt_batch *b,
                            long long maxbulks)
{
    if (c->flags & CLIENT_DENY_BLOCKING) {
        return false;
    }
    for (size_t i = 0; i < b->count; i++) {
        struct dict_entry *e = db_find(c->db, b->keys[i],
                                         sds_len(b->keys[i]));
        if (e != NULL &&
            slotsmgrt_async_elements(e->v.ptr) > (size_t)maxbulks) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------
 * The child: stream the batch to the target */

/* Messages being written by the child. */
struct slotsmgrt_async_out {
    int fd;
    char *buf;            /* pending bytes (sds) */
    long long messages;   /* messages sent, each owed one reply */
    long long timeout;
    size_t maxbytes;      /* flush above this */
    bool failed;
};

/* Send what is pending. */
static void slotsmgrt_async_flush(struct slotsmgrt_async_out *out)
{
    if (!out->failed && sds_len(out->buf) > 0 &&
        slotsmgrt_write(out->fd, out->buf, sds_len(out->buf),
                        out->timeout) != 0) {
        log_warn("async migration: cannot write to the target: %s",
                 strerror(errno));
        out->failed = true;
    }
    sds_set_len(out->buf, 0);
}

/* Start a message of 'argc' words: SLOTSRESTORE-ASYNC 'what' 'key'. */
static void slotsmgrt_async_begin(struct slotsmgrt_async_out *out, int argc,
                                  const char *what, const char *key)
{
    out->buf = slotsmgrt_array(out->buf, argc);
    out->buf = slotsmgrt_bulk(out->buf, "SLOTSRESTORE-ASYNC", 18);
    out->buf = slotsmgrt_bulk(out->buf, what, strlen(what));
    out->buf = slotsmgrt_bulk(out->buf, key, sds_len(key));
    out->messages++;
}

/* End a message: flush if enough is pending. */
static void slotsmgrt_async_end(struct slotsmgrt_async_out *out)
{
    if (sds_len(out->buf) >= out->maxbytes) {
        slotsmgrt_async_flush(out);
    }
}

/* Chunks of one big value being cut. */
struct slotsmgrt_async_chunks {
    struct slotsmgrt_async_out *out;
    const char *kind;     /* list, hash, dict, zset */
    const char *key;      /* sds */
    long long ttl;        /* temporary TTL while chunks arrive */
    long long hint;       /* total elements */
    char *body;           /* element bulks of the chunk being built */
    long long words;      /* bulks in 'body' */
    long long maxbulks;
};

/* Send the chunk built so far. */
static void slotsmgrt_async_chunk_flush(struct slotsmgrt_async_chunks *ch)
{
    if (ch->words == 0) {
        return;
    }
    slotsmgrt_async_begin(ch->out, 5 + (int)ch->words, ch->kind, ch->key);
    ch->out->buf = slotsmgrt_bulk_ll(ch->out->buf, ch->ttl);
    ch->out->buf = slotsmgrt_bulk_ll(ch->out->buf, ch->hint);
    ch->out->buf = sds_cat(ch->out->buf, ch->body, sds_len(ch->body));
    slotsmgrt_async_end(ch->out);
    sds_set_len(ch->body, 0);
    ch->words = 0;
}

/* Add 'n' bulks (pairs come whole) and cut the chunk when full. */
static int slotsmgrt_async_chunk_add(struct slotsmgrt_async_chunks *ch,
                                     const char *a, size_t alen,
                                     const char *b, size_t blen)
{
    ch->body = slotsmgrt_bulk(ch->body, a, alen);
    ch->words++;
    if (b != NULL) {
        ch->body = slotsmgrt_bulk(ch->body, b, blen);
        ch->words++;
    }
    if (ch->words >= ch->maxbulks) {
        slotsmgrt_async_chunk_flush(ch);
    }
    return ch->out->failed ? 1 : 0;
}

static int slotsmgrt_async_on_elem(void *priv, const char *p, size_t len)
{
    return slotsmgrt_async_chunk_add(priv, p, len, NULL, 0);
}

static int slotsmgrt_async_on_pair(void *priv, const char *f, size_t flen,
                                   const char *v, size_t vlen)
{
    return slotsmgrt_async_chunk_add(priv, f, flen, v, vlen);
}

static int slotsmgrt_async_on_scored(void *priv, const char *m, size_t len,
                                     double score)
{
    uint8_t raw[8];
    uint64_t bits;
    memcpy(&bits, &score, sizeof(bits));
    for (int k = 0; k < 8; k++) {
        raw[k] = (uint8_t)(bits >> (8 * k));
    }
    return slotsmgrt_async_chunk_add(priv, m, len, (const char *)raw, 8);
}

/* Queue the messages that recreate 'key' (value 'o') on the target. */
static void slotsmgrt_async_send_key(struct slotsmgrt_async_out *out,
                                     struct db *db, const char *key,
                                     const struct object *o,
                                     long long maxbulks)
{
    long long ttl = slotsmgrt_ttl(db, key, sds_len(key));
    slotsmgrt_async_begin(out, 3, "delete", key);
    slotsmgrt_async_end(out);
    size_t n = slotsmgrt_async_elements(o);
    if (o->type == OBJ_STRING || n <= (size_t)maxbulks) {
        char *payload = rdb_dump_payload(o);
        slotsmgrt_async_begin(out, 5, "object", key);
        out->buf = slotsmgrt_bulk_ll(out->buf, ttl);
        out->buf = slotsmgrt_bulk(out->buf, payload, sds_len(payload));
        sds_free(payload);
        slotsmgrt_async_end(out);
        return;
    }
    struct slotsmgrt_async_chunks ch = {
        out, NULL, key, 3 * out->timeout, (long long)n, sds_new_empty(4096),
        0, maxbulks,
    };
    switch (o->type) {
    case OBJ_LIST:
        ch.kind = "list";
        list_type_each(o, slotsmgrt_async_on_elem, &ch);
        break;
    case OBJ_SET:
        ch.kind = "dict";
        set_type_each(o, slotsmgrt_async_on_elem, &ch);
        break;
    case OBJ_HASH:
        ch.kind = "hash";
        hash_type_each(o, slotsmgrt_async_on_pair, &ch);
        break;
    default:
        ch.kind = "zset";
        zset_type_each(o, slotsmgrt_async_on_scored, &ch);
        break;
    }
    slotsmgrt_async_chunk_flush(&ch);
    sds_free(ch.body);
    slotsmgrt_async_begin(out, 4, "expire", key);
    out->buf = slotsmgrt_bulk_ll(out->buf, ttl);
    slotsmgrt_async_end(out);
}

/* Read 'count' replies; each must be a +status line. Returns 0 or -1. */
static int slotsmgrt_async_read_acks(int fd, long long count,
                                     long long timeout)
{
    char buf[16384];
    size_t have = 0;
    bool line_start = true;
    while (count > 0) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!slotsmgrt_wait(fd, POLLIN, timeout)) {
                log_warn("async migration: no reply from the target");
                return -1;
            }
            continue;
        }
        if (n <= 0) {
            log_warn("async migration: the target closed the connection");
            return -1;
        }
        have = (size_t)n;
        for (size_t i = 0; i < have && count > 0; i++) {
            if (line_start && buf[i] != '+') {
                size_t end = i;
                while (end < have && buf[end] != '\r') {
                    end++;
                }
                log_warn("async migration: the target answered '%.*s'",
                         (int)(end - i), buf + i);
                return -1;
            }
            line_start = buf[i] == '\n';
            if (line_start) {
                count--;
            }
        }
    }
    return 0;
}

/* The child's work. Returns the exit status. */
static int slotsmgrt_async_child(struct db *db, long long maxbulks,
                                 long long maxbytes)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    char err[256];
    int fd = slotsmgrt_dial(job->host, job->port, job->timeout, err,
                            sizeof(err));
    if (fd < 0) {
        log_warn("async migration: cannot connect to %s:%s: %s", job->host,
                 job->port, err);
        return 1;
    }
    struct slotsmgrt_async_out out = { fd, sds_new_empty(64 * 1024), 0,
                                       job->timeout, (size_t)maxbytes,
                                       false };
    if (server.requirepass != NULL && server.requirepass[0] != '\0') {
        out.buf = slotsmgrt_array(out.buf, 2);
        out.buf = slotsmgrt_bulk(out.buf, "AUTH", 4);
        out.buf = slotsmgrt_bulk(out.buf, server.requirepass,
                                 strlen(server.requirepass));
        out.messages++;
    }
    out.buf = slotsmgrt_array(out.buf, 2);
    out.buf = slotsmgrt_bulk(out.buf, "SELECT", 6);
    out.buf = slotsmgrt_bulk_ll(out.buf, db->id);
    out.messages++;
    for (size_t i = 0; i < job->batch.count && !out.failed; i++) {
        const char *key = job->batch.keys[i];
        struct dict_entry *e = db_find(db, key, sds_len(key));
        if (e != NULL) {
            slotsmgrt_async_send_key(&out, db, key, e->v.ptr, maxbulks);
        }
    }
    slotsmgrt_async_flush(&out);
    int rc = out.failed ||
             slotsmgrt_async_read_acks(fd, out.messages, job->timeout) != 0;
    sds_free(out.buf);
    close(fd);
    return rc;
}

/* ------------------------------------------------------------------------
 * The parent: start, watch, finish */

/* db_on_modified hook: a key of the batch changed. */
static void slotsmgrt_async_on_modified(struct db *db, const char *key,
                                        size_t len)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if (job->pid <= 0 || db->id != job->db) {
        return;
    }
    if (key == NULL || dict_find(job->batch.seen, key, len) != NULL) {
        job->conflict = true;
    }
}

/* The connected client with id 'id', or NULL if it left. */
static struct client *slotsmgrt_async_client(uint64_t id)
{
    for (struct client *c = server.clients; c != NULL; c = c->next) {
        if (c->id == id) {
            return c;
        }
    }
    return NULL;
}

/* What slotsmgrt_async_answer sends without an error: +OK (FENCE), the
 * number moved (ONE variants), else [moved, keys left in the slot]. */
#define SLOTSMGRT_ASYNC_REPLY_OK (-2)
#define SLOTSMGRT_ASYNC_REPLY_COUNT (-1)

/* Answer the waiting client 'id' with 'error' (or, if NULL, the result
 * per 'slot') and let it go on. */
static void slotsmgrt_async_answer(uint64_t id, const char *error,
                                   long long moved, int slot, struct db *db)
{
    struct client *c = slotsmgrt_async_client(id);
    if (c == NULL || (c->flags & CLIENT_CLOSE_ASAP)) {
        return;
    }
    if (error != NULL) {
        reply_error(c, "%s", error);
    } else if (slot >= 0) {
        reply_array(c, 2);
        reply_integer(c, moved);
        reply_integer(c, (long long)slots_count(db, (unsigned)slot));
    } else if (slot == SLOTSMGRT_ASYNC_REPLY_OK) {
        reply_ok(c);
    } else {
        reply_integer(c, moved);
    }
    blocking_client_release(c);
    client_resume(c);
}

/* Delete the moved keys here, big values on the freeing thread, and
 * propagate one DEL. Returns the number deleted. */
static long long slotsmgrt_async_delete(struct db *db,
                                        struct slotsmgrt_batch *b)
{
    struct arg *del = mem_alloc((b->count + 1) * sizeof(*del));
    int argc = 1;
    del[0].ptr = "DEL";
    del[0].len = 3;
    for (size_t i = 0; i < b->count; i++) {
        size_t len = sds_len(b->keys[i]);
        struct dict_entry *e = db_find(db, b->keys[i], len);
        if (e == NULL) {
            continue;
        }
        struct object *o = e->v.ptr;
        bool big = slotsmgrt_async_elements(o) > 1000 && o->refcount == 1;
        if (big) {
            object_incr_ref(o);
        }
        db_delete(db, b->keys[i], len);
        if (big) {
            slotsmgrt_async_free_later(o);
        }
        del[argc].ptr = b->keys[i];
        del[argc].len = len;
        argc++;
    }
    if (argc > 1) {
        server_propagate(db->id, argc, del);
        server.dirty += argc - 1;
    }
    mem_free(del);
    return argc - 1;
}

/* The child ended ('how'): apply the result and answer everyone. */
static void slotsmgrt_async_finish(enum slotsmgrt_async_end how)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    struct db *db = &server.db[job->db];
    bool conflict = job->conflict;
    /* Idle from here on, so our own deletes do not count as changes. */
    job->pid = -1;
    server_update_time();
    long long elapsed = server.mstime - job->start_ms;
    const char *error = NULL;
    long long moved = 0;
    if (how == SLOTSMGRT_ASYNC_CANCELED) {
        error = "interrupted: canceled";
    } else if (how == SLOTSMGRT_ASYNC_FAILED) {
        error = "async migration failed, see the server log";
    } else if (conflict) {
        error = "interrupted: a key changed while it was being migrated, "
                "try again";
    } else {
        moved = slotsmgrt_async_delete(db, &job->batch);
    }
    log_info("async migration of %zu keys to %s:%s %s after %lld ms",
             job->batch.count, job->host, job->port,
             error != NULL ? error : "done", elapsed);
    slotsmgrt_async_answer(job->client_id, error, moved, job->slot, db);
    for (size_t i = 0; i < job->fence_count; i++) {
        slotsmgrt_async_answer(job->fence_ids[i], error, 0,
                               SLOTSMGRT_ASYNC_REPLY_OK, db);
    }
    mem_free(job->fence_ids);
    job->fence_ids = NULL;
    job->fence_count = 0;
    slotsmgrt_batch_release(&job->batch);
    mem_free(job->host);
    mem_free(job->port);
    job->host = job->port = NULL;
}

/* child.c's reaper: the migration child ended with 'status'. */
static void slotsmgrt_async_on_child_done(int status, void *arg)
{
    slotsmgrt_async_finish(slotsmgrt_async_job.canceled
                           ? SLOTSMGRT_ASYNC_CANCELED
                           : child_ok(status) ? SLOTSMGRT_ASYNC_DONE
                                              : SLOTSMGRT_ASYNC_FAILED);
}

/* A serve function for blocking_block that never serves: the caller is
 * released by slotsmgrt_async_answer. */
static bool slotsmgrt_async_never(struct client *c, int argc,
                                  const struct arg *argv,
                                  const struct arg *key)
{
    (void)c;
    (void)argc;
    (void)argv;
    (void)key;
    return false;
}

void slotsmgrt_async_start(struct client *c, struct slotsmgrt_batch *b,
                           long long timeout, long long maxbulks,
                           long long maxbytes, int slot)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if (job->pid > 0) {
        slotsmgrt_batch_release(b);
        reply_error(c, "the specified DB is being migrated");
        return;
    }
    if (!slotsmgrt_async_hooked) {
        db_on_modified(slotsmgrt_async_on_modified);
        slotsmgrt_async_hooked = true;
    }
    job->batch = *b;
    job->db = c->db->id;
    job->slot = slot;
    job->client_id = c->id;
    job->conflict = false;
    job->canceled = false;
    job->host = mem_strndup(c->argv[1].ptr, c->argv[1].len);
    job->port = mem_strndup(c->argv[2].ptr, c->argv[2].len);
    job->timeout = timeout;
    job->start_ms = server_mstime();
    long long fork_start = server_ustime();
    char err[256];
    pid_t pid = child_fork(CHILD_MIGRATE, slotsmgrt_async_on_child_done, NULL,
                           err, sizeof(err));
    if (pid < 0) {
        log_warn("async migration: %s", err);
        reply_error(c, "cannot fork the migration: %s", err);
        slotsmgrt_batch_release(&job->batch);
        mem_free(job->host);
        mem_free(job->port);
        job->host = job->port = NULL;
        return;
    }
    if (pid == 0) {
        /* Yield the CPU to the server whenever both want it: its clients
         * matter more than how fast the copy finishes. */
        errno = 0;
        if (nice(10) == -1 && errno != 0) {
            log_warn("async migration: cannot lower the child's priority");
        }
        _exit(slotsmgrt_async_child(c->db, maxbulks, maxbytes));
    }
    job->pid = pid;
    log_info("async migration of %zu keys to %s:%s started by pid %d "
             "(fork took %lld us)", job->batch.count, job->host, job->port,
             (int)pid, server_ustime() - fork_start);
    blocking_block(c, 0, 0, 0, slotsmgrt_async_never);
}

/* ------------------------------------------------------------------------
 * Commands */

/* SLOTSMGRT-ASYNC-FENCE: wait until the batch in flight ends. */
void cmd_slotsmgrt_async_fence(struct client *c)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if (job->pid <= 0 || (c->flags & CLIENT_DENY_BLOCKING)) {
        reply_ok(c);
        return;
    }
    job->fence_ids = mem_realloc(job->fence_ids, (job->fence_count + 1) *
                                 sizeof(*job->fence_ids));
    job->fence_ids[job->fence_count++] = c->id;
    blocking_block(c, 0, 0, 0, slotsmgrt_async_never);
}

/* SLOTSMGRT-ASYNC-CANCEL: stop the batch in flight; 1 if there was one.
 * Its waiting callers get their error when the child is reaped, outside
 * this command. */
void cmd_slotsmgrt_async_cancel(struct client *c)
{
    pid_t pid = slotsmgrt_async_job.pid;
    if (pid <= 0) {
        reply_integer(c, 0);
        return;
    }
    slotsmgrt_async_job.canceled = true;
    kill(pid, SIGKILL);
    reply_integer(c, 1);
}

/* SLOTSMGRT-ASYNC-STATUS: nil when idle, else field/value pairs. */
void cmd_slotsmgrt_async_status(struct client *c)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if (job->pid <= 0) {
        reply_null(c);
        return;
    }
    reply_array(c, 12);
    reply_bulk_str(c, "host");
    reply_bulk_str(c, job->host);
    reply_bulk_str(c, "port");
    reply_bulk_str(c, job->port);
    reply_bulk_str(c, "timeout");
    reply_integer(c, job->timeout);
    reply_bulk_str(c, "keys");
    reply_integer(c, (long long)job->batch.count);
    reply_bulk_str(c, "since");
    reply_integer(c, server_mstime() - job->start_ms);
    reply_bulk_str(c, "blocked_clients");
    reply_integer(c, 1 + (long long)job->fence_count);
}

/* SLOTSMGRTONE-ASYNC-DUMP / SLOTSMGRTTAGONE-ASYNC-DUMP timeout maxbulks
 * key [key ...]: every message a background move of these keys would
 * send the target (after AUTH and SELECT), as an array of commands. */
static void slotsmgrt_async_dump_generic(struct client *c, bool tags)
{
    long long timeout, maxbulks;
    if (slotsmgrt_field_or_reply(c, &c->argv[1], "timeout", 30000,
                                 INT32_MAX, &timeout) != 0 ||
        slotsmgrt_field_or_reply(c, &c->argv[2], "maxbulks", 200,
                                 512 * 1024, &maxbulks) != 0) {
        return;
    }
    struct slotsmgrt_batch b;
    slotsmgrt_batch_init(&b);
    for (int i = 3; i < c->argc; i++) {
        const struct arg *key = &c->argv[i];
        if (db_lookup_write(c->db, key->ptr, key->len) != NULL) {
            slotsmgrt_batch_collect(&b, c->db, key->ptr, key->len, tags);
        }
    }
    /* No fd and no size limit: everything stays in the buffer. */
    struct slotsmgrt_async_out out = { -1, sds_new_empty(1024), 0, timeout,
                                       SIZE_MAX, false };
    for (size_t i = 0; i < b.count; i++) {
        struct dict_entry *e = db_find(c->db, b.keys[i],
                                         sds_len(b.keys[i]));
        if (e != NULL) {
            slotsmgrt_async_send_key(&out, c->db, b.keys[i], e->v.ptr,
                                     maxbulks);
        }
    }
    reply_array(c, out.messages);
    reply_raw(c, out.buf, sds_len(out.buf));
    sds_free(out.buf);
    slotsmgrt_batch_release(&b);
}

void cmd_slotsmgrtone_async_dump(struct client *c)
{
    slotsmgrt_async_dump_generic(c, false);
}

void cmd_slotsmgrttagone_async_dump(struct client *c)
{
    slotsmgrt_async_dump_generic(c, true);
}

/* SLOTSMGRT-EXEC-WRAPPER hashkey command [arg ...]: what a Codis 3.2 proxy
 * sends during migration. Always a 2-element reply: [-1, error] for an
 * unknown command or bad arity, [0, error] if 'hashkey' is not here (the
 * proxy then asks the target), [1, error] for a write to a key of the
 * batch moving now (the proxy retries), else [2, the command's reply].
 * The command runs as itself, so replicas see it, not the wrapper. */
void cmd_slotsmgrt_exec_wrapper(struct client *c)
{
    const struct arg *hashkey = &c->argv[1];
    const struct command *inner = commands_lookup(c->argv[2].ptr,
                                                  c->argv[2].len);
    int inner_argc = c->argc - 2;
    reply_array(c, 2);
    if (inner == NULL) {
        reply_integer(c, -1);
        reply_error(c, "unknown command '%.128s'", c->argv[2].ptr);
        return;
    }
    if (!cmdspec_arity_ok(inner->spec, inner_argc)) {
        reply_integer(c, -1);
        reply_error(c, "wrong number of arguments for '%s' command",
                    inner->spec->name);
        return;
    }
    if (!db_exists(c->db, hashkey->ptr, hashkey->len)) {
        reply_integer(c, 0);
        reply_error(c, "the specified key doesn't exist");
        return;
    }
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if ((inner->spec->flags & CMDSPEC_WRITE) && job->pid > 0 &&
        job->db == c->db->id &&
        dict_find(job->batch.seen, hashkey->ptr, hashkey->len) != NULL) {
        reply_integer(c, 1);
        reply_error(c, "the specified key is being migrated");
        return;
    }
    reply_integer(c, 2);
    /* Run the inner command in place of this one, as EXEC does with its
     * queue; it must not block (its reply is inside ours). */
    const struct command *self = c->cmd;
    int argc = c->argc;
    struct arg *argv = c->argv;
    bool deny = (c->flags & CLIENT_DENY_BLOCKING) != 0;
    c->flags |= CLIENT_DENY_BLOCKING;
    c->cmd = inner;
    c->argc = inner_argc;
    c->argv = argv + 2;
    server_call(c);
    if (!deny) {
        c->flags &= ~CLIENT_DENY_BLOCKING;
    }
    c->argc = argc;
    c->argv = argv;
    c->cmd = self;
    server.current = c;
    c->flags |= CLIENT_IN_CALL | CLIENT_PREVENT_PROP;
}

/* ------------------------------------------------------------------------
 * Target side */

/* Parse a TTL argument (ms, >= 0) or reply an error. */
static int slotsmgrt_async_ttl_or_reply(struct client *c, const struct arg *a,
                                        long long *ttl)
{
    if (util_str2ll(a->ptr, a->len, ttl) != 0 || *ttl < 0) {
        reply_error(c, "invalid TTL value");
        return -1;
    }
    return 0;
}

/* Add the chunk's elements argv[first..] to 'o' of type 'type'. Returns
 * 0, or -1 after replying the error. */
static int slotsmgrt_async_add(struct client *c, struct object *o,
                               int type, int first)
{
    int n = c->argc - first;
    const struct arg *a = &c->argv[first];
    if ((type == OBJ_HASH || type == OBJ_ZSET) && n % 2 != 0) {
        reply_error(c, "wrong number of elements");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        switch (type) {
        case OBJ_LIST:
            list_type_push(o, a[i].ptr, a[i].len);
            break;
        case OBJ_SET:
            set_type_add(o, a[i].ptr, a[i].len);
            break;
        case OBJ_HASH:
            hash_type_set(o, a[i].ptr, a[i].len, a[i + 1].ptr, a[i + 1].len);
            i++;
            break;
        default: {
            if (a[i + 1].len != 8) {
                reply_error(c, "invalid zset score");
                return -1;
            }
            uint64_t bits = 0;
            for (int k = 7; k >= 0; k--) {
                bits = bits << 8 | (uint8_t)a[i + 1].ptr[k];
            }
            double score;
            memcpy(&score, &bits, sizeof(score));
            if (score != score) {
                reply_error(c, "invalid zset score");
                return -1;
            }
            zset_type_add(o, a[i].ptr, a[i].len, score);
            i++;
            break;
        }
        }
    }
    return 0;
}

/* SLOTSRESTORE-ASYNC delete key | object key ttl payload |
 * string key ttl value | list|hash|dict|zset key ttl hint elem ... |
 * expire key ttl */
void cmd_slotsrestore_async(struct client *c)
{
    const struct arg *what = &c->argv[1], *key = &c->argv[2];
    struct db *db = c->db;
    long long ttl = 0;
    if (arg_is(what, "delete") && c->argc == 3) {
        db_delete(db, key->ptr, key->len);
        server.dirty++;
        reply_ok(c);
        return;
    }
    if (c->argc < 4 || slotsmgrt_async_ttl_or_reply(c, &c->argv[3], &ttl)) {
        if (c->argc < 4) {
            reply_error(c, "wrong number of arguments for "
                           "'slotsrestore-async' command");
        }
        return;
    }
    if (arg_is(what, "expire") && c->argc == 4) {
        if (db_lookup_write(db, key->ptr, key->len) == NULL) {
            reply_error(c, "the specified key doesn't exist");
            return;
        }
        if (ttl > 0) {
            db_set_expire(db, key->ptr, key->len, server.mstime + ttl);
        } else {
            db_remove_expire(db, key->ptr, key->len);
        }
    } else if ((arg_is(what, "object") || arg_is(what, "string")) &&
               c->argc == 5) {
        const struct arg *v = &c->argv[4];
        if (db_lookup_write(db, key->ptr, key->len) != NULL) {
            reply_error(c, "the specified key already exists");
            return;
        }
        struct object *o;
        if (arg_is(what, "string")) {
            o = object_new_string(v->ptr, v->len, true);
        } else if (!rdb_payload_valid(v->ptr, v->len)) {
            reply_error(c, "invalid payload checksum");
            return;
        } else {
            char err[64];
            o = rdb_payload_load(v->ptr, v->len, err, sizeof(err));
            if (o == NULL) {
                reply_error(c, "%s", err);
                return;
            }
        }
        db_add(db, key->ptr, key->len, o);
        if (ttl > 0) {
            db_set_expire(db, key->ptr, key->len, server.mstime + ttl);
        }
    } else if (c->argc >= 5) {
        static const struct {
            const char *name;
            int type;
        } kinds[] = { { "list", OBJ_LIST }, { "hash", OBJ_HASH },
                      { "dict", OBJ_SET }, { "zset", OBJ_ZSET } };
        int type = -1;
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
            if (arg_is(what, kinds[i].name)) {
                type = kinds[i].type;
            }
        }
        if (type < 0) {
            reply_syntax_error(c);
            return;
        }
        struct object *o = db_lookup_write(db, key->ptr, key->len);
        bool created = o == NULL;
        if (created) {
            o = type == OBJ_LIST ? list_type_new()
                : type == OBJ_HASH ? hash_type_new()
                : type == OBJ_SET ? set_type_new() : zset_type_new();
        } else if (o->type != type) {
            reply_wrongtype(c);
            return;
        }
        if (slotsmgrt_async_add(c, o, type, 5) != 0) {
            if (created) {
                object_decr_ref(o);
            }
            return;
        }
        if (created) {
            if (slotsmgrt_async_elements(o) == 0) {
                object_decr_ref(o);
                reply_ok(c);
                return;
            }
            db_add(db, key->ptr, key->len, o);
        }
        if (ttl > 0) {
            db_set_expire(db, key->ptr, key->len, server.mstime + ttl);
        }
    } else {
        reply_syntax_error(c);
        return;
    }
    db_signal_modified(db, key->ptr, key->len);
    server.dirty++;
    reply_ok(c);
}
