/* Values of the keyspace: creation, reference counting, string access and
 * type names. One place knows how to free each type: object_free below,
 * where a new type adds its case. Not here: commands (t_*.c). */
#include <assert.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/server.h"

/* Strings up to this length are embedded in their object, like Redis. */
#define OBJECT_EMBSTR_MAX 44

struct object *object_new(enum obj_type type, enum obj_encoding encoding,
                          void *ptr)
{
    struct object *o = mem_alloc(sizeof(*o));
    o->type = (uint8_t)type;
    o->encoding = (uint8_t)encoding;
    o->refcount = 1;
    o->lru = server_lru_clock();
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
        struct object *o = mem_alloc(sizeof(*o) + sizeof(struct sds_hdr) +
                                     len + 1);
        o->type = OBJ_STRING;
        o->encoding = OBJ_ENC_EMBSTR;
        o->refcount = 1;
        o->lru = server_lru_clock();
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
