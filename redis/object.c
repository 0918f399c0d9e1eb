/* Values of the keyspace: creation, reference counting, string access and
 * type names. One place knows how to free each type: object_free below,
 * where a new type adds its case. Also the MEMORY command, which measures
 * values and the allocator. Not here: the commands of the types (t_*.c). */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/evict.h"
#include "redis/quicklist.h"
#include "redis/server.h"
#include "redis/t_zset.h"
#include "redis/zskiplist.h"

/* Strings up to this length are embedded in their object, like Redis. */
#define OBJECT_EMBSTR_MAX 44

struct object *object_new(enum obj_type type, enum obj_encoding encoding,
                          void *ptr)
{
    struct object *o = mem_alloc(sizeof(*o));
    o->type = (uint8_t)type;
    o->encoding = (uint8_t)encoding;
    o->refcount = 1;
    o->lru = evict_new_clock();
    o->ptr = ptr;
    return o;
}

/* The integers 0 .. OBJECT_SHARED_INTS-1 as objects every key shares, as
 * Redis's shared.integers: a value among them costs no allocation. Their
 * refcount is OBJECT_SHARED_REFCOUNT, never counted up or down. */
static struct object object_shared_ints[OBJECT_SHARED_INTS];

/* Not under an LRU or LFU maxmemory policy, whose access times a shared
 * object cannot keep per key (Redis makes the same exception). */
static bool object_may_share(void)
{
    return server.maxmemory == 0 || server.maxmemory_policy == NULL ||
           (strstr(server.maxmemory_policy, "lru") == NULL &&
            strstr(server.maxmemory_policy, "lfu") == NULL);
}

struct object *object_new_int(long long value)
{
    if (value >= 0 && value < OBJECT_SHARED_INTS && object_may_share()) {
        struct object *o = &object_shared_ints[value];
        if (o->refcount == 0) {
            o->type = OBJ_STRING;
            o->encoding = OBJ_ENC_INT;
            o->refcount = OBJECT_SHARED_REFCOUNT;
            o->ptr = (void *)(intptr_t)value;
        }
        return o;
    }
    return object_new(OBJ_STRING, OBJ_ENC_INT, (void *)(intptr_t)value);
}

struct object *object_new_sds(char *s)
{
    return object_new(OBJ_STRING, OBJ_ENC_RAW, s);
}

struct object *object_new_string(const char *p, size_t len, bool try_int)
{
    long long value;
    if (try_int && len <= 20 && util_str2ll(p, len, &value) == 0) {
        return object_new_int(value);
    }
    if (len <= OBJECT_EMBSTR_MAX) {
        struct object *o = mem_alloc(sizeof(*o) + sds_hdr_size(len) +
                                     len + 1);
        o->type = OBJ_STRING;
        o->encoding = OBJ_ENC_EMBSTR;
        o->refcount = 1;
        o->lru = evict_new_clock();
        o->ptr = sds_init_in(o + 1, p, len);
        return o;
    }
    return object_new_sds(sds_new(p, len));
}

void object_incr_ref(struct object *o)
{
    if (o->refcount != OBJECT_SHARED_REFCOUNT) {
        o->refcount++;
    }
}

static void object_free(struct object *o)
{
    switch (o->type) {
    case OBJ_STRING:
        if (o->encoding == OBJ_ENC_RAW) {
            sds_free(o->ptr);
        }
        break;
    case OBJ_LIST:
        list_type_free(o);
        break;
    case OBJ_HASH:
        hash_type_free(o);
        break;
    case OBJ_SET:
        set_type_free(o);
        break;
    case OBJ_ZSET:
        zset_type_free(o);
        break;
    case OBJ_STREAM:
        stream_type_free(o);
        break;
    default:
        assert(!"object_free: unknown type");
    }
    mem_free(o);
}

void object_decr_ref(struct object *o)
{
    if (o == NULL) {
        return;
    }
    assert(o->refcount > 0);
    if (o->refcount == OBJECT_SHARED_REFCOUNT) {
        return;
    }
    if (--o->refcount == 0) {
        object_free(o);
    }
}

const char *object_string(const struct object *o, char *buf, size_t *len)
{
    if (o->encoding == OBJ_ENC_INT) {
        *len = util_ll2str(buf, (long long)(intptr_t)o->ptr);
        return buf;
    }
    *len = sds_len(o->ptr);
    return o->ptr;
}

size_t object_string_len(const struct object *o)
{
    char buf[SERVER_LONG_STR_SIZE];
    size_t len;
    object_string(o, buf, &len);
    return len;
}

int object_get_ll(const struct object *o, long long *value)
{
    if (o->encoding == OBJ_ENC_INT) {
        *value = (long long)(intptr_t)o->ptr;
        return 0;
    }
    return util_str2ll(o->ptr, sds_len(o->ptr), value);
}

char *object_string_make_raw(struct object *o)
{
    assert(o->type == OBJ_STRING && o->refcount == 1);
    if (o->encoding == OBJ_ENC_RAW) {
        return o->ptr;
    }
    char buf[SERVER_LONG_STR_SIZE];
    size_t len;
    const char *p = object_string(o, buf, &len);
    o->ptr = sds_new(p, len);
    o->encoding = OBJ_ENC_RAW;
    return o->ptr;
}

const char *object_type_name(const struct object *o)
{
    static const char *names[] = { "string", "list", "set", "zset", "hash",
                                   "stream" };
    return o->type < sizeof(names) / sizeof(names[0]) ? names[o->type]
                                                      : "unknown";
}

const char *object_encoding_name(const struct object *o)
{
    switch (o->encoding) {
    case OBJ_ENC_RAW:
        return "raw";
    case OBJ_ENC_INT:
        return "int";
    case OBJ_ENC_EMBSTR:
        return "embstr";
    case OBJ_ENC_QUICKLIST:
        return "quicklist";
    case OBJ_ENC_HT:
        return "hashtable";
    case OBJ_ENC_SKIPLIST:
        return "skiplist";
    case OBJ_ENC_STREAM:
        return "stream";
    case OBJ_ENC_INTSET:
        return "intset";
    case OBJ_ENC_LISTPACK:
        return "listpack";
    default:
        return "unknown";
    }
}

int object_check_type_or_reply(struct client *c, const struct object *o,
                               enum obj_type type)
{
    if (o->type != type) {
        reply_wrongtype(c);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * MEMORY */

/* Sampled bytes of the elements of a container, for object_memory. */
struct object_mem_acc {
    size_t seen;    /* elements measured */
    size_t limit;   /* how many to measure (0: all) */
    size_t bytes;   /* their estimated bytes */
    size_t per;     /* fixed bytes per element (entry, node) */
};

/* An allocation of 'n' bytes as the allocator rounds it (jemalloc's
 * size classes: 8, 16, then four a doubling). */
static size_t object_mem_round(size_t n)
{
    if (n <= 8) {
        return 8;
    }
    if (n <= 16) {
        return 16;
    }
    size_t pow = 16;
    while (pow * 2 < n) {
        pow *= 2;
    }
    size_t step = pow / 4;
    return (n + step - 1) / step * step;
}

/* An sds string of 'len' bytes as allocated. */
static size_t object_mem_sds(size_t len)
{
    return object_mem_round(sds_new_size(len));
}

static int object_mem_elem(void *priv, const char *p, size_t len)
{
    struct object_mem_acc *a = priv;
    a->bytes += a->per + object_mem_sds(len);
    return a->limit != 0 && ++a->seen >= a->limit;
}

static int object_mem_pair(void *priv, const char *f, size_t flen,
                           const char *v, size_t vlen)
{
    struct object_mem_acc *a = priv;
    a->bytes += a->per + object_mem_sds(flen) + object_mem_sds(vlen);
    return a->limit != 0 && ++a->seen >= a->limit;
}

/* A skiplist member: its node (score, backward pointer, on average 4/3
 * levels) with the member string inside it, and its dict entry. */
static int object_mem_scored(void *priv, const char *m, size_t len,
                             double score)
{
    struct object_mem_acc *a = priv;
    size_t node = sizeof(struct zsl_node) + sizeof(struct zsl_level) * 4 / 3;
    a->bytes += a->per + object_mem_round(node + sds_hdr_size(len) + len + 1);
    return a->limit != 0 && ++a->seen >= a->limit;
}

/* Bytes a dict's buckets take. */
static size_t object_mem_dict(const struct dict *d)
{
    return sizeof(*d) + dict_buckets(d) * sizeof(void *);
}

/* Estimated bytes of value 'o', measuring up to 'samples' elements of a
 * container (0: all) and scaling to its length. */
static size_t object_memory(const struct object *o, size_t samples)
{
    size_t size = mem_usable(o);
    if (o->refcount == OBJECT_SHARED_REFCOUNT) {
        size = sizeof(*o);
    }
    struct object_mem_acc a = { 0, samples, 0, 0 };
    size_t n = 0;
    switch (o->type) {
    case OBJ_STRING:
        if (o->encoding == OBJ_ENC_RAW) {
            size += mem_usable(sds_alloc_ptr(o->ptr));
        }
        return size;
    case OBJ_HASH:
        if (o->encoding == OBJ_ENC_LISTPACK) {
            return size + mem_usable(o->ptr);
        }
        a.per = object_mem_round(sizeof(struct dict_entry));
        n = hash_type_len(o);
        hash_type_each(o, object_mem_pair, &a);
        size += object_mem_dict(o->ptr);
        break;
    case OBJ_SET:
        if (o->encoding == OBJ_ENC_INTSET) {
            return size + mem_usable(o->ptr);
        }
        a.per = object_mem_round(offsetof(struct dict_entry, v));
        n = set_type_len(o);
        set_type_each(o, object_mem_elem, &a);
        size += object_mem_dict(o->ptr);
        break;
    case OBJ_LIST:
        return size + quicklist_bytes(o->ptr, samples);
    case OBJ_ZSET: {
        if (o->encoding == OBJ_ENC_LISTPACK) {
            return size + mem_usable(o->ptr);
        }
        const struct zset_value *z = o->ptr;
        a.per = object_mem_round(sizeof(struct dict_entry));
        n = zset_type_len(o);
        zset_type_each(o, object_mem_scored, &a);
        size += mem_usable(o->ptr) + object_mem_dict(z->dict) +
                mem_usable(z->zsl) + mem_usable(z->zsl->header);
        break;
    }
    default:
        return size;
    }
    if (a.seen > 0 && a.seen < n) {
        a.bytes = a.bytes / a.seen * n;
    }
    return size + a.bytes;
}

static void object_mem_print(void *priv, const char *text)
{
    char **s = priv;
    *s = sds_cat(*s, text, strlen(text));
}

/* Below this much allocated memory MEMORY DOCTOR has nothing to judge
 * (Redis's threshold). */
#define OBJECT_DOCTOR_MIN_MEMORY (5LL * 1024 * 1024)

/* MEMORY DOCTOR: Redis's texts when the instance is (nearly) empty or
 * nothing looks wrong; otherwise one sentence per finding: a peak far
 * above today's use, RSS far from what we allocated, clients or replicas
 * whose output buffers hold a lot. */
static void object_memory_doctor(struct client *c)
{
    server_update_memory();
    long long used = server.used_memory;
    if (used < OBJECT_DOCTOR_MIN_MEMORY) {
        const char *empty = "Hi Sam, this instance is empty or is using "
            "very little memory, my issues detector can't be used in these "
            "conditions. Please, leave for your mission on Earth and fill "
            "it with some data. The new Sam and I will be back to our "
            "programming as soon as I finished rebooting.\n";
        reply_verbatim(c, empty, strlen(empty), "txt");
        return;
    }
    long long clients = 0, client_out = 0, replicas = 0, replica_out = 0;
    for (struct client *k = server.clients; k != NULL; k = k->next) {
        long long out = (long long)(k->olen - k->opos);
        if (k->flags & CLIENT_SLAVE) {
            replicas++;
            replica_out += out;
        } else {
            clients++;
            client_out += out;
        }
    }
    char *s = sds_new_empty(512);
    const char *head = "Sam, I looked at this instance's memory and found "
                       "the following:\n\n";
    s = sds_cat(s, head, strlen(head));
    size_t start = sds_len(s);
    if (server.peak_memory > used * 3 / 2) {
        s = sds_catfmt(s, " * Peak: at its peak the server allocated %lld "
                       "bytes, more than 1.5 times the %lld it allocates "
                       "now. If that peak will not come back, the memory "
                       "the allocator keeps may be worth returning (MEMORY "
                       "PURGE).\n\n", server.peak_memory, used);
    }
    double frag = (double)server.rss_memory / (double)used;
    if (frag > 1.4) {
        s = sds_catfmt(s, " * Fragmentation: the process holds %.2f bytes "
                       "of RAM per byte it allocated. Many freed small "
                       "values leave pages half used; MEMORY PURGE or a "
                       "restart gives them back.\n\n", frag);
    } else if (frag < 0.7 && server.rss_memory > 0) {
        s = sds_catfmt(s, " * Swap: only %.2f bytes of RAM per byte "
                       "allocated are resident, so part of the dataset is "
                       "likely swapped out, which makes every access to it "
                       "slow.\n\n", frag);
    }
    if (clients > 0 && client_out / clients > 200 * 1024) {
        s = sds_catfmt(s, " * Clients: %lld clients hold %lld bytes of "
                       "unsent replies (%lld each on average). Slow readers "
                       "or big replies (KEYS, large ranges) cause it; "
                       "client-output-buffer-limit bounds it.\n\n",
                       clients, client_out, client_out / clients);
    }
    if (replicas > 0 && replica_out / replicas > 10 * 1024 * 1024) {
        s = sds_catfmt(s, " * Replicas: %lld replicas hold %lld bytes of "
                       "unsent replication stream. The links may be too "
                       "slow for the write rate.\n\n", replicas,
                       replica_out);
    }
    if (sds_len(s) == start) {
        const char *fine = "Hi Sam, I can't find any memory issue in your "
                           "instance. I can only account for what occurs "
                           "on this base.\n";
        reply_verbatim(c, fine, strlen(fine), "txt");
    } else {
        reply_verbatim(c, s, sds_len(s), "txt");
    }
    sds_free(s);
}

/* MEMORY USAGE key [SAMPLES count] | STATS | DOCTOR | MALLOC-STATS | PURGE |
 * HELP */
void cmd_memory(struct client *c)
{
    const struct arg *sub = &c->argv[1];
    if (arg_is(sub, "help") && c->argc == 2) {
        reply_array(c, 7);
        reply_simple(c, "MEMORY <subcommand> [<arg> [value] [opt] ...]. "
                        "Subcommands are:");
        reply_simple(c, "DOCTOR");
        reply_simple(c, "MALLOC-STATS");
        reply_simple(c, "PURGE");
        reply_simple(c, "STATS");
        reply_simple(c, "USAGE <key> [SAMPLES <count>]");
        reply_simple(c, "HELP");
        return;
    }
    if (arg_is(sub, "usage") && c->argc >= 3) {
        long long samples = 5;
        for (int i = 3; i < c->argc; i += 2) {
            if (arg_is(&c->argv[i], "samples") && i + 1 < c->argc) {
                if (arg_ll_or_reply(c, &c->argv[i + 1], &samples, NULL)
                    != 0) {
                    return;
                }
                if (samples < 0) {
                    reply_syntax_error(c);
                    return;
                }
            } else {
                reply_syntax_error(c);
                return;
            }
        }
        const struct arg *key = &c->argv[2];
        struct dict_entry *e = NULL;
        if (!db_expire_if_needed(c->db, key->ptr, key->len)) {
            e = db_find(c->db, key->ptr, key->len);
        }
        if (e == NULL) {
            reply_null(c);
            return;
        }
        /* the entry as Redis counts it: its size, not its allocation */
        size_t size = object_memory(e->v.ptr, (size_t)samples) +
                      mem_usable(sds_alloc_ptr(e->key)) + sizeof(*e);
        reply_integer(c, (long long)size);
        return;
    }
    if (arg_is(sub, "doctor") && c->argc == 2) {
        object_memory_doctor(c);
        return;
    }
    if (arg_is(sub, "stats") && c->argc == 2) {
        info_memory_stats(c);
        return;
    }
    if (arg_is(sub, "malloc-stats") && c->argc == 2) {
        char *s = sds_new_empty(0);
        mem_allocator_print(object_mem_print, &s);
        reply_bulk(c, s, sds_len(s));
        sds_free(s);
        return;
    }
    if (arg_is(sub, "purge") && c->argc == 2) {
        mem_purge();
        reply_ok(c);
        return;
    }
    static const char *subs[] = { "usage", "stats", "malloc-stats", "purge",
                                  "help" };
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (arg_is(sub, subs[i])) {
            reply_error(c, "wrong number of arguments for 'memory|%s' "
                           "command", subs[i]);
            return;
        }
    }
    reply_error(c, "unknown subcommand '%.128s'. Try MEMORY HELP.",
                sub->ptr);
}
