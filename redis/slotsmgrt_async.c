/* Semi-async migration (Codis 3.2's, our way): batches holding big values
 * move in chunks from the event loop while the server goes on serving;
 * the target side SLOTSRESTORE-ASYNC; SLOTSMGRT-ASYNC-FENCE / -CANCEL /
 * -STATUS; SLOTSMGRT-EXEC-WRAPPER, through which proxies reach a slot
 * being moved.
 *
 * Moving a value of millions of elements inside one command would stall
 * the source (and the target) for seconds; copying the process with
 * fork() stalls it too, for the page tables of gigabytes. Instead the
 * batch is sent by a small state machine in the event loop, each step
 * bounded in time (SLOTSMGRT_ASYNC_STEP_US) and in what it leaves
 * unanswered (maxbytes unsent, SLOTSMGRT_ASYNC_WINDOW messages unacked):
 *
 *   source (event loop)                                target
 *   caller blocks, no reply; dial, AUTH, SELECT
 *   step: per key, delete, then either
 *           object key ttl payload (small values), or
 *           list|hash|dict|zset key ttl hint chunk
 *           (maxbulks elements), one chunk per turn
 *           of the walk, then expire key ttl ------------>  apply each
 *   read acks, step again when there is room  <--------  +OK each
 *   all acked: delete the keys (big values freed on a thread),
 *   propagate DEL, answer the caller
 *
 * Between steps the loop serves clients, so the source never stalls for
 * longer than one step. The walk of a big value resumes from an index
 * (lists) or a dict_scan cursor (hashes, sets, sorted sets: an element
 * may come twice after a resize, which the target's set semantics
 * absorb), looking the key up again each step. Reads of the batch's keys
 * go on meanwhile; SLOTSMGRT-EXEC-WRAPPER answers a write to one of them
 * with code 1, so the proxy retries it until the key has moved; any other
 * change to a key of the batch (a client bypassing the proxy, expiry)
 * aborts the batch with an error and the caller (the dashboard) tries
 * again. While chunks arrive, the target's key carries a temporary TTL of
 * 3 x timeout, so an abandoned transfer cleans itself up. One batch at a
 * time per server.
 *
 * Unlike Codis, the target answers each SLOTSRESTORE-ASYNC message with a
 * plain +OK or error reply (Codis sends an ACK command back). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#ifdef MEM_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/rdb.h"
#include "redis/server.h"
#include "redis/quicklist.h"
#include "redis/slotsmgrt.h"
/* The dict of a big sorted set, to walk it with a cursor. */
#include "redis/t_zset.h"

/* Longest step of the sender in the event loop, in microseconds. */
#define SLOTSMGRT_ASYNC_STEP_US 1000
/* Messages sent and not yet acknowledged, at most. */
#define SLOTSMGRT_ASYNC_WINDOW 256
/* How often the sender checks it still makes progress, ms. */
#define SLOTSMGRT_ASYNC_WATCH_MS 100
/* Longest wait for the connection to the target, ms. */
#define SLOTSMGRT_ASYNC_DIAL_MS 3000

/* What slotsmgrt_async_answer sends without an error: +OK (FENCE), the
 * number moved (ONE variants), else [moved, keys left in the slot]. */
#define SLOTSMGRT_ASYNC_REPLY_OK (-2)
#define SLOTSMGRT_ASYNC_REPLY_COUNT (-1)

/* Messages being built: RESP commands for the target. */
struct slotsmgrt_async_out {
    char *buf;            /* bytes not yet written (sds) */
    long long messages;   /* messages built, each owed one reply */
};

/* Chunks of one big value being cut. */
struct slotsmgrt_async_chunks {
    struct slotsmgrt_async_out *out;
    const char *kind;     /* list, hash, dict, zset */
    int type;             /* OBJ_LIST ... */
    const char *key;      /* sds, borrowed from the batch */
    long long ttl;        /* temporary TTL while chunks arrive */
    long long hint;       /* total elements */
    char *body;           /* element bulks of the chunk being built */
    long long words;      /* bulks in 'body' */
    long long maxbulks;
    /* A list without compression is walked by one iterator from step to
     * step (finding an index costs a walk over half the nodes; a list
     * changed meanwhile has ended the batch, see slotsmgrt_async_cut_step) */
    struct quicklist_iter iter;
    bool iterating;       /* 'iter' is set */
};

/* A client waiting for the batch: the caller, or a FENCE. */
struct slotsmgrt_async_waiter {
    uint64_t id;
    int slot;             /* reply kind, see slotsmgrt_async_answer */
};

/* The batch being moved (one at most). */
struct slotsmgrt_async_job {
    bool active;
    int db;                       /* database of the keys */
    struct slotsmgrt_batch batch; /* the keys (owned) */
    bool conflict;                /* a key changed while it moved */
    bool canceled;                /* SLOTSMGRT-ASYNC-CANCEL */
    char *error;                  /* why it failed (owned), or NULL */
    char *host;                   /* target, owned */
    char *port;
    long long timeout;            /* ms without progress before failing */
    long long maxbulks;
    long long maxbytes;
    long long start_ms;
    long long progress_ms;        /* last byte written or ack read */
    struct slotsmgrt_async_waiter *waiters; /* [0] is the caller */
    size_t nwaiters;
    int fd;                       /* to the target */
    struct event *read_ev;        /* acks */
    struct event *write_ev;       /* while 'out' has unsent bytes */
    struct event *step_ev;        /* the next step, on the next turn */
    struct event *watch_ev;       /* progress check */
    struct slotsmgrt_async_out out;
    size_t sent;                  /* bytes of out.buf already written */
    long long acked;              /* replies read */
    bool line_start;              /* ack parser: at a line's start */
    size_t next_key;              /* batch index of the next key */
    bool cutting;                 /* batch.keys[next_key] is being cut */
    struct slotsmgrt_async_chunks cut;
    uint64_t cursor;              /* walk of the value being cut */
    size_t index;
    bool produced;                /* every message is built */
    long long longest_step_us;    /* wall clock, for the log and STATUS */
    long long longest_step_cpu_us; /* CPU time of this thread: the same
                                      without the time the machine gave
                                      to other processes */
};

static struct slotsmgrt_async_job slotsmgrt_async_job = { .fd = -1 };
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
#ifdef MEM_JEMALLOC
        /* Gigabytes freed here leave dirty pages that jemalloc would
         * otherwise return to the system inside whichever thread
         * allocates next, the event loop's too (Redis runs jemalloc's
         * background thread for the same reason). */
        bool on = true;
        if (mallctl("background_thread", NULL, NULL, &on, sizeof(on)) != 0) {
            log_warn("jemalloc's background thread did not start");
        }
#endif
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

/* ------------------------------------------------------------------------
 * Building messages */

/* Start a message of 'argc' words: SLOTSRESTORE-ASYNC 'what' 'key'. */
static void slotsmgrt_async_begin(struct slotsmgrt_async_out *out, int argc,
                                  const char *what, const char *key)
{
    out->buf = util_cat_resp_array(out->buf, argc);
    out->buf = util_cat_resp_bulk(out->buf, "SLOTSRESTORE-ASYNC", 18);
    out->buf = util_cat_resp_bulk(out->buf, what, strlen(what));
    out->buf = util_cat_resp_bulk(out->buf, key, sds_len(key));
    out->messages++;
}

/* Build the chunk gathered so far. */
static void slotsmgrt_async_chunk_flush(struct slotsmgrt_async_chunks *ch)
{
    if (ch->words == 0) {
        return;
    }
    slotsmgrt_async_begin(ch->out, 5 + (int)ch->words, ch->kind, ch->key);
    ch->out->buf = slotsmgrt_bulk_ll(ch->out->buf, ch->ttl);
    ch->out->buf = slotsmgrt_bulk_ll(ch->out->buf, ch->hint);
    ch->out->buf = sds_cat(ch->out->buf, ch->body, sds_len(ch->body));
    sds_set_len(ch->body, 0);
    ch->words = 0;
}

/* Add one element (a pair when 'b' is not NULL) and cut the chunk when
 * full. */
static int slotsmgrt_async_chunk_add(struct slotsmgrt_async_chunks *ch,
                                     const char *a, size_t alen,
                                     const char *b, size_t blen)
{
    ch->body = util_cat_resp_bulk(ch->body, a, alen);
    ch->words++;
    if (b != NULL) {
        ch->body = util_cat_resp_bulk(ch->body, b, blen);
        ch->words++;
    }
    if (ch->words >= ch->maxbulks) {
        slotsmgrt_async_chunk_flush(ch);
    }
    return 0;
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

/* dict_scan callback over a big hash, set or sorted set. */
static void slotsmgrt_async_on_entry(void *priv, const struct dict_entry *e)
{
    struct slotsmgrt_async_chunks *ch = priv;
    switch (ch->type) {
    case OBJ_SET:
        slotsmgrt_async_on_elem(ch, e->key, sds_len(e->key));
        break;
    case OBJ_HASH:
        slotsmgrt_async_on_pair(ch, e->key, sds_len(e->key), e->v.ptr,
                                sds_len(e->v.ptr));
        break;
    default:
        slotsmgrt_async_on_scored(ch, e->key, sds_len(e->key), e->v.d);
        break;
    }
}

/* The dict to walk of big value 'o' (a hash, set or sorted set), or NULL
 * for a list. */
static struct dict *slotsmgrt_async_dict(const struct object *o)
{
    if (o->type == OBJ_ZSET) {
        return ((struct zset_value *)o->ptr)->dict;
    }
    return o->type == OBJ_LIST ? NULL : o->ptr;
}

/* True if 'o' moves in chunks: more than 'maxbulks' elements in an
 * encoding that can be walked a piece at a time. */
static bool slotsmgrt_async_chunked(const struct object *o,
                                    long long maxbulks)
{
    bool walkable = (o->type == OBJ_LIST &&
                     o->encoding == OBJ_ENC_QUICKLIST) ||
                    ((o->type == OBJ_HASH || o->type == OBJ_SET) &&
                     o->encoding == OBJ_ENC_HT) ||
                    (o->type == OBJ_ZSET && o->encoding == OBJ_ENC_SKIPLIST);
    return walkable && slotsmgrt_async_elements(o) > (size_t)maxbulks;
}

/* Set up 'ch' to cut big value 'o' of 'key' into 'out'. */
static void slotsmgrt_async_chunks_init(struct slotsmgrt_async_chunks *ch,
                                        struct slotsmgrt_async_out *out,
                                        const char *key,
                                        const struct object *o,
                                        long long ttl, long long maxbulks)
{
    static const char *kinds[] = { [OBJ_LIST] = "list", [OBJ_SET] = "dict",
                                   [OBJ_HASH] = "hash", [OBJ_ZSET] = "zset" };
    ch->out = out;
    ch->kind = kinds[o->type];
    ch->type = o->type;
    ch->key = key;
    ch->ttl = ttl;
    ch->hint = (long long)slotsmgrt_async_elements(o);
    ch->body = sds_new_empty(4096);
    ch->words = 0;
    ch->maxbulks = maxbulks;
    ch->iterating = false;
}

/* Build the messages that start 'key' (value 'o') on the target: delete,
 * then the whole value if it is small. Returns true if it is big: then
 * its chunks follow. */
static bool slotsmgrt_async_key_begin(struct slotsmgrt_async_out *out,
                                      struct db *db, const char *key,
                                      const struct object *o,
                                      long long maxbulks)
{
    slotsmgrt_async_begin(out, 3, "delete", key);
    if (slotsmgrt_async_chunked(o, maxbulks)) {
        return true;
    }
    char *payload = rdb_dump_payload(o);
    slotsmgrt_async_begin(out, 5, "object", key);
    out->buf = slotsmgrt_bulk_ll(out->buf,
                                 slotsmgrt_ttl(db, key, sds_len(key)));
    out->buf = util_cat_resp_bulk(out->buf, payload, sds_len(payload));
    sds_free(payload);
    return false;
}

/* Build the message that ends big 'key': its real TTL. */
static void slotsmgrt_async_key_end(struct slotsmgrt_async_out *out,
                                    struct db *db, const char *key)
{
    slotsmgrt_async_begin(out, 4, "expire", key);
    out->buf = slotsmgrt_bulk_ll(out->buf,
                                 slotsmgrt_ttl(db, key, sds_len(key)));
}

/* Build every message that moves 'key' (value 'o'), at once (for the
 * DUMP commands). */
static void slotsmgrt_async_send_key(struct slotsmgrt_async_out *out,
                                     struct db *db, const char *key,
                                     const struct object *o,
                                     long long maxbulks, long long timeout);

/* Build the next chunk of big value 'o' from '*cursor' / '*index' (both 0
 * at the start; 'started' false only then). Returns true if more
 * elements remain. */
static bool slotsmgrt_async_cut_step(struct slotsmgrt_async_chunks *ch,
                                     const struct object *o,
                                     uint64_t *cursor, size_t *index,
                                     bool started)
{
    long long before = ch->out->messages;
    struct dict *d = slotsmgrt_async_dict(o);
    if (d == NULL) {
        struct quicklist *ql = o->ptr;
        size_t len = list_type_len(o);
        size_t want = (size_t)(ch->maxbulks - ch->words);
        if (ql->depth == 0) {
            /* Nodes are never packed, so the iterator holds no node
             * unpacked and needs no release; the list cannot change
             * between steps without ending the batch (its key is in the
             * batch: any change fails it before the next step). */
            if (!ch->iterating) {
                quicklist_iter_init(&ch->iter, ql, *index, true);
                ch->iterating = true;
            }
            const char *p;
            size_t plen;
            for (size_t n = 0;
                 n < want && quicklist_iter_next(&ch->iter, &p, &plen); n++) {
                slotsmgrt_async_on_elem(ch, p, plen);
            }
        } else {
            list_type_each_range(o, *index, want, slotsmgrt_async_on_elem,
                                 ch);
        }
        *index += want;
        if (*index < len) {
            return true;
        }
        ch->iterating = false;
    } else {
        if (started && *cursor == 0) {
            slotsmgrt_async_chunk_flush(ch);
            return false;
        }
        do {
            *cursor = dict_scan(d, *cursor, slotsmgrt_async_on_entry, ch);
        } while (*cursor != 0 && ch->out->messages == before);
        if (*cursor != 0) {
            return true;
        }
    }
    slotsmgrt_async_chunk_flush(ch);
    return false;
}

static void slotsmgrt_async_send_key(struct slotsmgrt_async_out *out,
                                     struct db *db, const char *key,
                                     const struct object *o,
                                     long long maxbulks, long long timeout)
{
    if (!slotsmgrt_async_key_begin(out, db, key, o, maxbulks)) {
        return;
    }
    struct slotsmgrt_async_chunks ch;
    slotsmgrt_async_chunks_init(&ch, out, key, o, 3 * timeout, maxbulks);
    uint64_t cursor = 0;
    size_t index = 0;
    bool started = false;
    while (slotsmgrt_async_cut_step(&ch, o, &cursor, &index, started)) {
        started = true;
    }
    sds_free(ch.body);
    slotsmgrt_async_key_end(out, db, key);
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
        if (e != NULL && slotsmgrt_async_chunked(e->v.ptr, maxbulks)) {
            return true;
        }
    }
    return false;
}

void slotsmgrt_async_keep_big(struct db *db, struct slotsmgrt_batch *b,
                              long long maxbulks, bool tags)
{
    struct slotsmgrt_batch big;
    slotsmgrt_batch_init(&big);
    for (size_t i = 0; i < b->count; i++) {
        const char *key = b->keys[i];
        struct dict_entry *e = db_find(db, key, sds_len(key));
        if (e != NULL && slotsmgrt_async_chunked(e->v.ptr, maxbulks)) {
            slotsmgrt_batch_collect(&big, db, key, sds_len(key), tags);
        }
    }
    slotsmgrt_batch_release(b);
    *b = big;
}

/* ------------------------------------------------------------------------
 * The sender, in the event loop */

static void slotsmgrt_async_finish(void);

/* Fail the batch (it ends on the next turn): keep the first reason. */
static void slotsmgrt_async_fail(struct slotsmgrt_async_job *job,
                                 const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void slotsmgrt_async_fail(struct slotsmgrt_async_job *job,
                                 const char *fmt, ...)
{
    if (job->error == NULL) {
        char text[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        job->error = mem_strdup(text);
    }
    static const struct timeval now = { 0, 0 };
    evtimer_add(job->step_ev, &now);
}

/* Bytes built and not yet written. */
static size_t slotsmgrt_async_unsent(const struct slotsmgrt_async_job *job)
{
    return sds_len(job->out.buf) - job->sent;
}

/* True if another step may build messages now. */
static bool slotsmgrt_async_room(const struct slotsmgrt_async_job *job)
{
    return !job->produced && job->error == NULL &&
           slotsmgrt_async_unsent(job) < (size_t)job->maxbytes &&
           job->out.messages - job->acked < SLOTSMGRT_ASYNC_WINDOW;
}

/* Build messages for at most one step's time. */
static void slotsmgrt_async_produce(struct slotsmgrt_async_job *job)
{
    struct db *db = &server.db[job->db];
    long long deadline = server_ustime() + SLOTSMGRT_ASYNC_STEP_US;
    while (slotsmgrt_async_room(job)) {
        if (job->next_key >= job->batch.count) {
            job->produced = true;
            break;
        }
        const char *key = job->batch.keys[job->next_key];
        struct dict_entry *e = db_find(db, key, sds_len(key));
        if (e == NULL) {
            /* gone since the batch began: the change hook failed it */
            slotsmgrt_async_fail(job, "interrupted: a key changed while "
                                 "it was being migrated, try again");
            break;
        }
        const struct object *o = e->v.ptr;
        if (!job->cutting) {
            if (slotsmgrt_async_key_begin(&job->out, db, key, o,
                                          job->maxbulks)) {
                job->cutting = true;
                job->cursor = 0;
                job->index = 0;
                slotsmgrt_async_chunks_init(&job->cut, &job->out, key, o,
                                            3 * job->timeout, job->maxbulks);
                if (slotsmgrt_async_cut_step(&job->cut, o, &job->cursor,
                                             &job->index, false)) {
                    goto next;
                }
            } else {
                job->next_key++;
                goto next;
            }
        } else if (slotsmgrt_async_cut_step(&job->cut, o, &job->cursor,
                                            &job->index, true)) {
            goto next;
        }
        slotsmgrt_async_key_end(&job->out, db, key);
        sds_free(job->cut.body);
        job->cut.body = NULL;
        job->cutting = false;
        job->next_key++;
    next:
        if (server_ustime() >= deadline) {
            break;
        }
    }
}

/* Write what the socket takes; watch for writability while some is
 * left. */
static void slotsmgrt_async_write(struct slotsmgrt_async_job *job)
{
    size_t len = sds_len(job->out.buf);
    while (job->sent < len && job->error == NULL) {
        ssize_t n = write(job->fd, job->out.buf + job->sent, len - job->sent);
        if (n > 0) {
            job->sent += (size_t)n;
            job->progress_ms = server_mstime();
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            slotsmgrt_async_fail(job, "async migration failed: cannot "
                                 "write to %s:%s: %s", job->host,
                                 job->port, strerror(errno));
        }
    }
    if (job->sent == len) {
        sds_set_len(job->out.buf, 0);
        job->sent = 0;
        event_del(job->write_ev);
        return;
    }
    if (job->sent >= len / 2) {
        memmove(job->out.buf, job->out.buf + job->sent, len - job->sent);
        sds_set_len(job->out.buf, len - job->sent);
        job->sent = 0;
    }
    event_add(job->write_ev, NULL);
}

/* Build and send more if there is room, on the next turn of the loop
 * (clients are served in between); finish once all is acknowledged. */
static void slotsmgrt_async_next(struct slotsmgrt_async_job *job)
{
    static const struct timeval now = { 0, 0 };
    if (job->error != NULL || job->conflict || job->canceled ||
        (job->produced && job->acked == job->out.messages &&
         slotsmgrt_async_unsent(job) == 0) ||
        slotsmgrt_async_room(job)) {
        evtimer_add(job->step_ev, &now);
    }
}

/* CPU time used by the calling thread, in microseconds. */
static long long slotsmgrt_async_cpu_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) {
        return 0;
    }
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A step: finish, or build and write. */
static void slotsmgrt_async_on_step(evutil_socket_t fd, short what,
                                    void *arg)
{
    (void)fd;
    (void)what;
    struct slotsmgrt_async_job *job = arg;
    if (job->error != NULL || job->conflict || job->canceled ||
        (job->produced && job->acked == job->out.messages &&
         slotsmgrt_async_unsent(job) == 0)) {
        slotsmgrt_async_finish();
        return;
    }
    long long start = server_ustime();
    long long cpu = slotsmgrt_async_cpu_us();
    slotsmgrt_async_produce(job);
    slotsmgrt_async_write(job);
    long long took = server_ustime() - start;
    if (took > job->longest_step_us) {
        job->longest_step_us = took;
    }
    cpu = slotsmgrt_async_cpu_us() - cpu;
    if (cpu > job->longest_step_cpu_us) {
        job->longest_step_cpu_us = cpu;
    }
    slotsmgrt_async_next(job);
}

/* The socket takes more bytes. */
static void slotsmgrt_async_on_writable(evutil_socket_t fd, short what,
                                        void *arg)
{
    (void)fd;
    (void)what;
    struct slotsmgrt_async_job *job = arg;
    slotsmgrt_async_write(job);
    slotsmgrt_async_next(job);
}

/* Replies from the target: one +status line per message. */
static void slotsmgrt_async_on_readable(evutil_socket_t fd, short what,
                                        void *arg)
{
    (void)what;
    struct slotsmgrt_async_job *job = arg;
    char buf[16384];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN ||
                  errno == EWOULDBLOCK)) {
        return;
    }
    if (n <= 0) {
        slotsmgrt_async_fail(job, "async migration failed: %s:%s closed "
                             "the connection", job->host, job->port);
        return;
    }
    job->progress_ms = server_mstime();
    for (ssize_t i = 0; i < n; i++) {
        if (job->line_start && buf[i] != '+') {
            ssize_t end = i;
            while (end < n && buf[end] != '\r') {
                end++;
            }
            log_warn("async migration: %s:%s answered '%.*s'", job->host,
                     job->port, (int)(end - i), buf + i);
            slotsmgrt_async_fail(job, "async migration failed: the target "
                                 "answered '%.*s'", (int)(end - i - 1),
                                 buf + i + 1);
            return;
        }
        job->line_start = buf[i] == '\n';
        if (job->line_start) {
            job->acked++;
        }
    }
    slotsmgrt_async_next(job);
}

/* Fail the batch when nothing moved for 'timeout' ms. */
static void slotsmgrt_async_on_watch(evutil_socket_t fd, short what,
                                     void *arg)
{
    (void)fd;
    (void)what;
    struct slotsmgrt_async_job *job = arg;
    if (server_mstime() - job->progress_ms > job->timeout) {
        slotsmgrt_async_fail(job, "interrupted: migration timeout");
    }
}

/* db_on_modified hook: a key of the batch changed. */
static void slotsmgrt_async_on_modified(struct db *db, const char *key,
                                        size_t len)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if (!job->active || db->id != job->db) {
        return;
    }
    if (key == NULL || dict_find(job->batch.seen, key, len) != NULL) {
        job->conflict = true;
        slotsmgrt_async_next(job);
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

/* Free the sender's connection, events and buffers. */
static void slotsmgrt_async_close(struct slotsmgrt_async_job *job)
{
    struct event **evs[] = { &job->read_ev, &job->write_ev, &job->step_ev,
                             &job->watch_ev };
    for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
        if (*evs[i] != NULL) {
            event_free(*evs[i]);
            *evs[i] = NULL;
        }
    }
    if (job->fd >= 0) {
        close(job->fd);
        job->fd = -1;
    }
    sds_free(job->out.buf);
    job->out.buf = NULL;
    sds_free(job->cut.body);
    job->cut.body = NULL;
}

/* The batch ended: apply the result and answer everyone. */
static void slotsmgrt_async_finish(void)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    struct db *db = &server.db[job->db];
    /* Idle from here on, so our own deletes do not count as changes. */
    job->active = false;
    slotsmgrt_async_close(job);
    server_update_time();
    long long elapsed = server.mstime - job->start_ms;
    const char *error = NULL;
    long long moved = 0;
    if (job->canceled) {
        error = "interrupted: canceled";
    } else if (job->conflict) {
        error = "interrupted: a key changed while it was being migrated, "
                "try again";
    } else if (job->error != NULL) {
        error = job->error;
    } else {
        moved = slotsmgrt_async_delete(db, &job->batch);
    }
    log_info("async migration of %zu keys to %s:%s %s after %lld ms "
             "(%lld messages, longest step %lld us, %lld us of CPU)",
             job->batch.count, job->host, job->port,
             error != NULL ? error : "done", elapsed, job->out.messages,
             job->longest_step_us, job->longest_step_cpu_us);
    for (size_t i = 0; i < job->nwaiters; i++) {
        slotsmgrt_async_answer(job->waiters[i].id, error, moved,
                               job->waiters[i].slot, db);
        moved = 0;
    }
    mem_free(job->waiters);
    job->waiters = NULL;
    job->nwaiters = 0;
    mem_free(job->error);
    job->error = NULL;
    slotsmgrt_batch_release(&job->batch);
    mem_free(job->host);
    mem_free(job->port);
    job->host = job->port = NULL;
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

/* Make 'c' wait for the batch, to get the reply 'slot' says. */
static void slotsmgrt_async_wait(struct client *c, int slot)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    job->waiters = mem_realloc(job->waiters, (job->nwaiters + 1) *
                               sizeof(*job->waiters));
    job->waiters[job->nwaiters].id = c->id;
    job->waiters[job->nwaiters].slot = slot;
    job->nwaiters++;
    blocking_block(c, 0, 0, 0, slotsmgrt_async_never);
}

bool slotsmgrt_async_exclude(struct client *c, struct slotsmgrt_batch *b,
                             int slot)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if (!job->active || job->db != c->db->id) {
        return false;
    }
    size_t kept = 0, before = b->count;
    for (size_t i = 0; i < b->count; i++) {
        const char *key = b->keys[i];
        if (dict_find(job->batch.seen, key, sds_len(key)) != NULL) {
            dict_delete(b->seen, key, sds_len(key));
            sds_free(b->keys[i]);
        } else {
            b->keys[kept++] = b->keys[i];
        }
    }
    b->count = kept;
    if (kept > 0 || before == 0 || (c->flags & CLIENT_DENY_BLOCKING)) {
        return false;
    }
    slotsmgrt_async_wait(c, slot);
    return true;
}

void slotsmgrt_async_start(struct client *c, struct slotsmgrt_batch *b,
                           long long timeout, long long maxbulks,
                           long long maxbytes, int slot)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if (job->active) {
        /* One batch at a time. A slot's caller (a dashboard moving slots
         * in parallel) waits for its turn and gets [0, left], so it just
         * asks again; a one-key caller gets Codis's error. */
        slotsmgrt_batch_release(b);
        if (slot >= 0) {
            slotsmgrt_async_wait(c, slot);
        } else {
            reply_error(c, "the specified DB is being migrated");
        }
        return;
    }
    char err[256];
    char *host = mem_strndup(c->argv[1].ptr, c->argv[1].len);
    char *port = mem_strndup(c->argv[2].ptr, c->argv[2].len);
    int fd = slotsmgrt_dial(host, port, timeout < SLOTSMGRT_ASYNC_DIAL_MS
                                        ? timeout : SLOTSMGRT_ASYNC_DIAL_MS,
                            err, sizeof(err));
    if (fd < 0) {
        log_warn("async migration: cannot connect to %s:%s: %s", host, port,
                 err);
        reply_error(c, "create client to %s:%s failed", host, port);
        mem_free(host);
        mem_free(port);
        slotsmgrt_batch_release(b);
        return;
    }
    if (!slotsmgrt_async_hooked) {
        db_on_modified(slotsmgrt_async_on_modified);
        slotsmgrt_async_hooked = true;
    }
    memset(job, 0, sizeof(*job));
    job->active = true;
    job->batch = *b;
    job->db = c->db->id;
    job->host = host;
    job->port = port;
    job->timeout = timeout;
    job->maxbulks = maxbulks;
    job->maxbytes = maxbytes;
    job->start_ms = job->progress_ms = server_mstime();
    job->fd = fd;
    job->line_start = true;
    job->read_ev = event_new(server.base, fd, EV_READ | EV_PERSIST,
                             slotsmgrt_async_on_readable, job);
    job->write_ev = event_new(server.base, fd, EV_WRITE | EV_PERSIST,
                              slotsmgrt_async_on_writable, job);
    job->step_ev = evtimer_new(server.base, slotsmgrt_async_on_step, job);
    job->watch_ev = event_new(server.base, -1, EV_PERSIST,
                              slotsmgrt_async_on_watch, job);
    if (job->read_ev == NULL || job->write_ev == NULL ||
        job->step_ev == NULL || job->watch_ev == NULL) {
        log_warn("async migration: cannot create its events");
        reply_error(c, "async migration failed: cannot create its events");
        job->active = false;
        slotsmgrt_async_close(job);
        slotsmgrt_batch_release(&job->batch);
        mem_free(job->host);
        mem_free(job->port);
        job->host = job->port = NULL;
        return;
    }
    struct timeval watch = { 0, SLOTSMGRT_ASYNC_WATCH_MS * 1000 };
    event_add(job->read_ev, NULL);
    event_add(job->watch_ev, &watch);
    job->out.buf = sds_new_empty(64 * 1024);
    if (server.requirepass != NULL && server.requirepass[0] != '\0') {
        job->out.buf = util_cat_resp_array(job->out.buf, 2);
        job->out.buf = util_cat_resp_bulk(job->out.buf, "AUTH", 4);
        job->out.buf = util_cat_resp_bulk(job->out.buf, server.requirepass,
                                      strlen(server.requirepass));
        job->out.messages++;
    }
    job->out.buf = util_cat_resp_array(job->out.buf, 2);
    job->out.buf = util_cat_resp_bulk(job->out.buf, "SELECT", 6);
    job->out.buf = slotsmgrt_bulk_ll(job->out.buf, job->db);
    job->out.messages++;
    log_info("async migration of %zu keys to %s:%s started",
             job->batch.count, job->host, job->port);
    slotsmgrt_async_wait(c, slot >= 0 ? slot : SLOTSMGRT_ASYNC_REPLY_COUNT);
    slotsmgrt_async_next(job);
}

/* ------------------------------------------------------------------------
 * Commands */

/* SLOTSMGRT-ASYNC-FENCE: wait until the batch in flight ends. */
void cmd_slotsmgrt_async_fence(struct client *c)
{
    if (!slotsmgrt_async_job.active || (c->flags & CLIENT_DENY_BLOCKING)) {
        reply_ok(c);
        return;
    }
    slotsmgrt_async_wait(c, SLOTSMGRT_ASYNC_REPLY_OK);
}

/* SLOTSMGRT-ASYNC-CANCEL: stop the batch in flight; 1 if there was one.
 * Its waiting callers get their error on the next turn of the loop,
 * outside this command. */
void cmd_slotsmgrt_async_cancel(struct client *c)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if (!job->active) {
        reply_integer(c, 0);
        return;
    }
    job->canceled = true;
    slotsmgrt_async_next(job);
    reply_integer(c, 1);
}

/* SLOTSMGRT-ASYNC-STATUS: nil when idle, else field/value pairs. */
void cmd_slotsmgrt_async_status(struct client *c)
{
    struct slotsmgrt_async_job *job = &slotsmgrt_async_job;
    if (!job->active) {
        reply_null(c);
        return;
    }
    reply_array(c, 22);
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
    reply_integer(c, (long long)job->nwaiters);
    reply_bulk_str(c, "sending_msgs");
    reply_integer(c, job->out.messages - job->acked);
    reply_bulk_str(c, "acked_msgs");
    reply_integer(c, job->acked);
    reply_bulk_str(c, "keys_done");
    reply_integer(c, (long long)job->next_key);
    reply_bulk_str(c, "longest_step_us");
    reply_integer(c, job->longest_step_us);
    reply_bulk_str(c, "longest_step_cpu_us");
    reply_integer(c, job->longest_step_cpu_us);
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
    struct slotsmgrt_async_out out = { sds_new_empty(1024), 0 };
    for (size_t i = 0; i < b.count; i++) {
        struct dict_entry *e = db_find(c->db, b.keys[i],
                                         sds_len(b.keys[i]));
        if (e != NULL) {
            slotsmgrt_async_send_key(&out, c->db, b.keys[i], e->v.ptr,
                                     maxbulks, timeout);
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
    if ((inner->spec->flags & CMDSPEC_WRITE) && job->active &&
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
