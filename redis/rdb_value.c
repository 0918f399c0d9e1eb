/* How each value type is written to and read from an RDB stream: one
 * save/load function pair per type, picked by rdb_value_type /
 * rdb_value_load. Containers are read and built through the container API
 * of server.h (list_type_push, hash_type_set ...), so this file does not
 * know how the types store their elements.
 *
 * We write the plain encodings (RDB_TYPE_LIST, SET, ZSET_2, HASH), which
 * every Redis version since 2.x loads, and read every encoding Redis 7.0
 * writes or still accepts: listpacks, ziplists, intsets, zipmaps and
 * quicklists (walked by rdb_blob.c). Streams are rdb_stream.c's; modules
 * are refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/mem.h"
#include "redis/intset.h"
#include "redis/listpack.h"
#include "redis/quicklist.h"
#include "redis/rdb_blob.h"
#include "redis/rdb_io.h"
#include "redis/server.h"

/* Quicklist 2 node containers. */
#define RDB_QUICKLIST_NODE_PLAIN 1
#define RDB_QUICKLIST_NODE_PACKED 2

/* Old-style (RDB_TYPE_ZSET) score lengths meaning special values. */
#define RDB_SCORE_NAN 253
#define RDB_SCORE_POS_INF 254
#define RDB_SCORE_NEG_INF 255

/* A blob walker (rdb_blob.h). */
typedef int (*rdb_blob_walk_fn)(const void *blob, size_t len, rdb_blob_fn fn,
                                void *priv);

/* Read one string holding a blob and walk it with 'walk', feeding 'fn'.
 * Returns 0 or -1 with r->err filled. */
static int rdb_load_blob(struct rdb_in *r, rdb_blob_walk_fn walk,
                         rdb_blob_fn fn, void *priv, const char *what)
{
    char *blob = rdb_in_string(r);
    if (blob == NULL) {
        return -1;
    }
    int rc = walk(blob, sds_len(blob), fn, priv);
    sds_free(blob);
    if (rc != 0) {
        return rdb_in_fail(r, "corrupt %s", what);
    }
    return 0;
}

/* Write each element handed over as an RDB string. */
static int rdb_save_elem(void *priv, const char *p, size_t len)
{
    rdb_out_string(priv, p, len);
    return 0;
}

/* ------------------------------------------------------------------------
 * Strings */

static void rdb_string_save(struct rdb_out *w, const struct object *o)
{
    if (o->encoding == OBJ_ENC_INT) {
        rdb_out_ll(w, (long long)(intptr_t)o->ptr);
    } else {
        rdb_out_string(w, o->ptr, sds_len(o->ptr));
    }
}

static struct object *rdb_string_load(struct rdb_in *r)
{
    char *s = rdb_in_string(r);
    if (s == NULL) {
        return NULL;
    }
    struct object *o = object_new_string(s, sds_len(s), true);
    sds_free(s);
    return o;
}

/* ------------------------------------------------------------------------
 * Lists */

/* A list is saved as RDB_TYPE_LIST_QUICKLIST_2, Redis 7's form: node by
 * node, a listpack node as its bytes (our listpacks are Redis's), a plain
 * node as its one element. */
static void rdb_list_save(struct rdb_out *w, const struct object *o)
{
    struct quicklist *ql = o->ptr;
    rdb_out_len(w, ql->nodes);
    for (struct quicklist_node *n = ql->head; n != NULL; n = n->next) {
        unsigned char *copy;
        size_t len;
        const unsigned char *p = quicklist_node_data(n, &len, &copy);
        rdb_out_len(w, n->plain ? RDB_QUICKLIST_NODE_PLAIN
                                : RDB_QUICKLIST_NODE_PACKED);
        rdb_out_string(w, (const char *)p, len);
        mem_free(copy);
    }
}

static int rdb_list_push(void *priv, const char *p, size_t len)
{
    list_type_push(priv, p, len);
    return 0;
}

/* RDB_TYPE_LIST: a count, then the elements. */
static struct object *rdb_list_load(struct rdb_in *r)
{
    uint64_t n;
    if (rdb_in_len(r, &n) != 0) {
        return NULL;
    }
    struct object *o = list_type_new();
    for (uint64_t i = 0; i < n; i++) {
        char *s = rdb_in_string(r);
        if (s == NULL) {
            object_decr_ref(o);
            return NULL;
        }
        list_type_push(o, s, sds_len(s));
        sds_free(s);
    }
    return o;
}

/* RDB_TYPE_LIST_ZIPLIST: one ziplist. */
static struct object *rdb_list_load_ziplist(struct rdb_in *r)
{
    struct object *o = list_type_new();
    if (rdb_load_blob(r, rdb_blob_ziplist, rdb_list_push, o, "ziplist")) {
        object_decr_ref(o);
        return NULL;
    }
    return o;
}

/* One packed node of RDB_TYPE_LIST_QUICKLIST_2: a listpack in Redis's
 * format, which is ours, so it becomes a node as it is (an empty one is
 * skipped, as Redis does). Returns 0 or -1. */
static int rdb_list_load_listpack(struct rdb_in *r, struct object *o)
{
    char *blob = rdb_in_string(r);
    if (blob == NULL) {
        return -1;
    }
    unsigned char *lp = listpack_from_bytes(blob, sds_len(blob));
    sds_free(blob);
    if (lp == NULL) {
        return rdb_in_fail(r, "corrupt listpack");
    }
    if (listpack_count(lp) == 0) {
        listpack_free(lp);
        return 0;
    }
    quicklist_append_listpack(o->ptr, lp);
    return 0;
}

/* RDB_TYPE_LIST_QUICKLIST (ziplist nodes) and _QUICKLIST_2 (each node a
 * container kind, then a listpack or one plain element). */
static struct object *rdb_list_load_quicklist(struct rdb_in *r, bool v2)
{
    uint64_t nodes;
    if (rdb_in_len(r, &nodes) != 0) {
        return NULL;
    }
    struct object *o = list_type_new();
    for (uint64_t i = 0; i < nodes; i++) {
        uint64_t container = RDB_QUICKLIST_NODE_PACKED;
        if (v2 && rdb_in_len(r, &container) != 0) {
            object_decr_ref(o);
            return NULL;
        }
        int rc;
        if (v2 && container == RDB_QUICKLIST_NODE_PLAIN) {
            char *s = rdb_in_string(r);
            rc = s != NULL ? 0 : -1;
            if (s != NULL) {
                quicklist_append_plain(o->ptr, s, sds_len(s));
                sds_free(s);
            }
        } else if (v2 && container == RDB_QUICKLIST_NODE_PACKED) {
            rc = rdb_list_load_listpack(r, o);
        } else if (container == RDB_QUICKLIST_NODE_PACKED) {
            rc = rdb_load_blob(r, rdb_blob_ziplist, rdb_list_push, o,
                               "ziplist");
        } else {
            rc = rdb_in_fail(r, "unknown quicklist node container %llu",
                             (unsigned long long)container);
        }
        if (rc != 0) {
            object_decr_ref(o);
            return NULL;
        }
    }
    return o;
}

/* ------------------------------------------------------------------------
 * Sets */

/* An intset is saved as is (RDB_TYPE_SET_INTSET: intset.h keeps Redis's
 * layout), a hash table member by member (RDB_TYPE_SET). */
static void rdb_set_save(struct rdb_out *w, const struct object *o)
{
    if (o->encoding == OBJ_ENC_INTSET) {
        rdb_out_string(w, o->ptr, intset_bytes(o->ptr));
        return;
    }
    rdb_out_len(w, set_type_len(o));
    set_type_each(o, rdb_save_elem, w);
}

/* Add a member; a repeated one means a corrupt value. */
static int rdb_set_add(void *priv, const char *p, size_t len)
{
    return set_type_add(priv, p, len) ? 0 : 1;
}

/* RDB_TYPE_SET: a count, then the members. */
static struct object *rdb_set_load(struct rdb_in *r)
{
    uint64_t n;
    if (rdb_in_len(r, &n) != 0) {
        return NULL;
    }
    struct object *o = set_type_new();
    for (uint64_t i = 0; i < n; i++) {
        char *s = rdb_in_string(r);
        bool added = s != NULL && set_type_add(o, s, sds_len(s));
        sds_free(s);
        if (!added) {
            rdb_in_fail(r, "duplicate or unreadable set member");
            object_decr_ref(o);
            return NULL;
        }
    }
    return o;
}

/* RDB_TYPE_SET_INTSET and RDB_TYPE_SET_LISTPACK: one blob. */
static struct object *rdb_set_load_blob(struct rdb_in *r,
                                        rdb_blob_walk_fn walk,
                                        const char *what)
{
    struct object *o = set_type_new();
    if (rdb_load_blob(r, walk, rdb_set_add, o, what) != 0) {
        object_decr_ref(o);
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------------------
 * Hashes */

static int rdb_hash_save_pair(void *priv, const char *field, size_t flen,
                              const char *value, size_t vlen)
{
    rdb_out_string(priv, field, flen);
    rdb_out_string(priv, value, vlen);
    return 0;
}

/* A listpack hash is saved as its listpack (our listpacks are Redis's:
 * RDB_TYPE_HASH_LISTPACK), a hash table pair by pair (RDB_TYPE_HASH). */
static void rdb_hash_save(struct rdb_out *w, const struct object *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        rdb_out_string(w, o->ptr, listpack_bytes(o->ptr));
        return;
    }
    rdb_out_len(w, hash_type_len(o));
    hash_type_each(o, rdb_hash_save_pair, w);
}

/* Elements of a blob taken two by two: field, value. */
struct rdb_pairs {
    struct object *o;
    char *first;      /* pending field or member (owned sds), or NULL */
};

static int rdb_hash_pair(void *priv, const char *p, size_t len)
{
    struct rdb_pairs *pairs = priv;
    if (pairs->first == NULL) {
        pairs->first = sds_new(p, len);
        return 0;
    }
    bool added = hash_type_set(pairs->o, pairs->first,
                               sds_len(pairs->first), p, len);
    sds_free(pairs->first);
    pairs->first = NULL;
    return added ? 0 : 1;
}

/* RDB_TYPE_HASH: a count, then field, value pairs. */
static struct object *rdb_hash_load(struct rdb_in *r)
{
    uint64_t n;
    if (rdb_in_len(r, &n) != 0) {
        return NULL;
    }
    struct object *o = hash_type_new();
    for (uint64_t i = 0; i < n; i++) {
        char *field = rdb_in_string(r);
        char *value = field != NULL ? rdb_in_string(r) : NULL;
        bool added = value != NULL &&
                     hash_type_set(o, field, sds_len(field), value,
                                   sds_len(value));
        sds_free(field);
        sds_free(value);
        if (!added) {
            rdb_in_fail(r, "duplicate or unreadable hash field");
            object_decr_ref(o);
            return NULL;
        }
    }
    return o;
}

/* RDB_TYPE_HASH_ZIPMAP, _ZIPLIST, _LISTPACK: one blob of pairs. */
static struct object *rdb_hash_load_blob(struct rdb_in *r,
                                         rdb_blob_walk_fn walk,
                                         const char *what)
{
    struct rdb_pairs pairs = { hash_type_new(), NULL };
    int rc = rdb_load_blob(r, walk, rdb_hash_pair, &pairs, what);
    if (rc == 0 && pairs.first != NULL) {
        rc = rdb_in_fail(r, "%s holds a field without a value", what);
    }
    sds_free(pairs.first);
    if (rc != 0) {
        object_decr_ref(pairs.o);
        return NULL;
    }
    return pairs.o;
}

/* ------------------------------------------------------------------------
 * Sorted sets */

static int rdb_zset_save_member(void *priv, const char *member, size_t len,
                                double score)
{
    uint8_t b[8];
    uint64_t bits;
    memcpy(&bits, &score, sizeof(bits));
    for (int k = 0; k < 8; k++) {
        b[k] = (uint8_t)(bits >> (8 * k));
    }
    rdb_out_string(priv, member, len);
    rdb_out_write(priv, b, sizeof(b));
    return 0;
}

/* A listpack sorted set is saved as its listpack of member, score (our
 * listpacks are Redis's: RDB_TYPE_ZSET_LISTPACK), a skiplist member by
 * member (RDB_TYPE_ZSET_2). */
static void rdb_zset_save(struct rdb_out *w, const struct object *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        rdb_out_string(w, o->ptr, listpack_bytes(o->ptr));
        return;
    }
    rdb_out_len(w, zset_type_len(o));
    zset_type_each(o, rdb_zset_save_member, w);
}

/* Parse a score written as text ('len' bytes). Returns 0 or -1. */
static int rdb_parse_score(const char *p, size_t len, double *score)
{
    char buf[128];
    if (len == 0 || len >= sizeof(buf)) {
        return -1;
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *end;
    *score = strtod(buf, &end);
    return *end == '\0' && !isnan(*score) ? 0 : -1;
}

static int rdb_zset_pair(void *priv, const char *p, size_t len)
{
    struct rdb_pairs *pairs = priv;
    double score;
    if (pairs->first == NULL) {
        pairs->first = sds_new(p, len);
        return 0;
    }
    int rc = rdb_parse_score(p, len, &score) != 0 ? 1
             : zset_type_add_compact(pairs->o, pairs->first,
                                     sds_len(pairs->first), score) ? 0 : 1;
    sds_free(pairs->first);
    pairs->first = NULL;
    return rc;
}

/* RDB_TYPE_ZSET (scores as text) and RDB_TYPE_ZSET_2 (binary doubles). */
static struct object *rdb_zset_load(struct rdb_in *r, bool binary)
{
    uint64_t n;
    if (rdb_in_len(r, &n) != 0) {
        return NULL;
    }
    struct object *o = zset_type_new();
    for (uint64_t i = 0; i < n; i++) {
        char *member = rdb_in_string(r);
        if (member == NULL) {
            object_decr_ref(o);
            return NULL;
        }
        double score = 0;
        uint8_t b[8], slen;
        int rc;
        if (binary) {
            rc = rdb_in_read(r, b, 8);
            uint64_t bits = 0;
            for (int k = 7; k >= 0; k--) {
                bits = bits << 8 | b[k];
            }
            memcpy(&score, &bits, sizeof(score));
        } else if ((rc = rdb_in_byte(r, &slen)) == 0) {
            char text[256];
            if (slen == RDB_SCORE_NAN) {
                score = NAN;
            } else if (slen == RDB_SCORE_POS_INF) {
                score = INFINITY;
            } else if (slen == RDB_SCORE_NEG_INF) {
                score = -INFINITY;
            } else if ((rc = rdb_in_read(r, text, slen)) == 0 &&
                       rdb_parse_score(text, slen, &score) != 0) {
                score = NAN;
            }
        }
        bool added = rc == 0 && !isnan(score) &&
                     zset_type_add(o, member, sds_len(member), score);
        sds_free(member);
        if (!added) {
            rdb_in_fail(r, "duplicate member or bad score in sorted set");
            object_decr_ref(o);
            return NULL;
        }
    }
    return o;
}

/* RDB_TYPE_ZSET_ZIPLIST and _LISTPACK: one blob of member, score. */
static struct object *rdb_zset_load_blob(struct rdb_in *r,
                                         rdb_blob_walk_fn walk,
                                         const char *what)
{
    struct rdb_pairs pairs = { zset_type_new(), NULL };
    int rc = rdb_load_blob(r, walk, rdb_zset_pair, &pairs, what);
    if (rc == 0 && pairs.first != NULL) {
        rc = rdb_in_fail(r, "%s holds a member without a score", what);
    }
    sds_free(pairs.first);
    if (rc != 0) {
        object_decr_ref(pairs.o);
        return NULL;
    }
    return pairs.o;
}

/* ------------------------------------------------------------------------
 * Dispatch */

uint8_t rdb_value_type(const struct object *o)
{
    switch (o->type) {
    case OBJ_LIST:
        return RDB_TYPE_LIST_QUICKLIST_2;
    case OBJ_SET:
        return o->encoding == OBJ_ENC_INTSET ? RDB_TYPE_SET_INTSET
                                             : RDB_TYPE_SET;
    case OBJ_ZSET:
        return o->encoding == OBJ_ENC_LISTPACK ? RDB_TYPE_ZSET_LISTPACK
                                               : RDB_TYPE_ZSET_2;
    case OBJ_HASH:
        return o->encoding == OBJ_ENC_LISTPACK ? RDB_TYPE_HASH_LISTPACK
                                               : RDB_TYPE_HASH;
    case OBJ_STREAM:
        return RDB_TYPE_STREAM_LISTPACKS_2;
    case OBJ_STRING:
    default:
        return RDB_TYPE_STRING;
    }
}

void rdb_value_save(struct rdb_out *w, const struct object *o)
{
    switch (o->type) {
    case OBJ_LIST:
        rdb_list_save(w, o);
        break;
    case OBJ_SET:
        rdb_set_save(w, o);
        break;
    case OBJ_ZSET:
        rdb_zset_save(w, o);
        break;
    case OBJ_HASH:
        rdb_hash_save(w, o);
        break;
    case OBJ_STREAM:
        rdb_stream_save(w, o);
        break;
    case OBJ_STRING:
    default:
        rdb_string_save(w, o);
        break;
    }
}

bool rdb_value_is_empty(const struct object *o)
{
    switch (o->type) {
    case OBJ_LIST:
        return list_type_len(o) == 0;
    case OBJ_SET:
        return set_type_len(o) == 0;
    case OBJ_ZSET:
        return zset_type_len(o) == 0;
    case OBJ_HASH:
        return hash_type_len(o) == 0;
    default:
        return false;
    }
}

/* True if a value loaded now is checked deeply by Redis's rule of
 * sanitize-dump-payload: "yes" always; "clients" for a RESTORE of a
 * client that is neither our master nor a user with
 * skip-sanitize-payload, never while loading a file. */
static bool rdb_value_deep_check(void)
{
    const char *mode = config_stored_get("sanitize-dump-payload");
    if (mode == NULL || strcasecmp(mode, "no") == 0) {
        return false;
    }
    if (strcasecmp(mode, "yes") == 0) {
        return true;
    }
    const struct client *c = server.in_request;
    if (server.loading || c == NULL || (c->flags & CLIENT_MASTER)) {
        return false;
    }
    return !acl_skip_sanitize(c);
}

struct object *rdb_value_load(struct rdb_in *r, uint8_t type)
{
    /* Our loaders walk every entry of an encoded value (listpack, ziplist,
     * intset, zipmap, stream nodes) and rebuild it, so each such value is
     * fully checked: INFO counts the ones that Redis would sanitize. */
    if (type != RDB_TYPE_STRING && type != RDB_TYPE_LIST &&
        type != RDB_TYPE_SET && type != RDB_TYPE_ZSET &&
        type != RDB_TYPE_ZSET_2 && type != RDB_TYPE_HASH &&
        rdb_value_deep_check()) {
        server.stat_dump_payload_sanitizations++;
    }
    switch (type) {
    case RDB_TYPE_STRING:
        return rdb_string_load(r);
    case RDB_TYPE_LIST:
        return rdb_list_load(r);
    case RDB_TYPE_LIST_ZIPLIST:
        return rdb_list_load_ziplist(r);
    case RDB_TYPE_LIST_QUICKLIST:
        return rdb_list_load_quicklist(r, false);
    case RDB_TYPE_LIST_QUICKLIST_2:
        return rdb_list_load_quicklist(r, true);
    case RDB_TYPE_SET:
        return rdb_set_load(r);
    case RDB_TYPE_SET_INTSET:
        return rdb_set_load_blob(r, rdb_blob_intset, "intset");
    case RDB_TYPE_SET_LISTPACK:
        return rdb_set_load_blob(r, rdb_blob_listpack, "listpack");
    case RDB_TYPE_ZSET:
        return rdb_zset_load(r, false);
    case RDB_TYPE_ZSET_2:
        return rdb_zset_load(r, true);
    case RDB_TYPE_ZSET_ZIPLIST:
        return rdb_zset_load_blob(r, rdb_blob_ziplist, "ziplist");
    case RDB_TYPE_ZSET_LISTPACK:
        return rdb_zset_load_blob(r, rdb_blob_listpack, "listpack");
    case RDB_TYPE_HASH:
        return rdb_hash_load(r);
    case RDB_TYPE_HASH_ZIPMAP:
        return rdb_hash_load_blob(r, rdb_blob_zipmap, "zipmap");
    case RDB_TYPE_HASH_ZIPLIST:
        return rdb_hash_load_blob(r, rdb_blob_ziplist, "ziplist");
    case RDB_TYPE_HASH_LISTPACK:
        return rdb_hash_load_blob(r, rdb_blob_listpack, "listpack");
    case RDB_TYPE_STREAM_LISTPACKS:
        return rdb_stream_load(r, false);
    case RDB_TYPE_STREAM_LISTPACKS_2:
        return rdb_stream_load(r, true);
    default:
        rdb_in_fail(r, "unknown value type %u", type);
        return NULL;
    }
}
