/* The hash type, in one of two encodings, as Redis keeps them:
 * OBJ_ENC_LISTPACK, fields and values alternating in one listpack
 * (listpack.c) in insertion order, while the hash has at most
 * hash-max-listpack-entries fields and no field or value longer than
 * hash-max-listpack-value bytes; then OBJ_ENC_HT, a dict of field -> sds
 * value, for good (a hash never converts back). The container API for
 * hashes (server.h) and the commands HSET HSETNX HMSET HGET HMGET HDEL
 * HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT
 * HRANDFIELD HSCAN. A key never holds an empty hash: HDEL of the last
 * field deletes the key. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/listpack.h"
#include "redis/notify.h"
#include "redis/server.h"

static void hash_free_value(void *ptr)
{
    sds_free(ptr);
}

/* Field (owned) -> value (sds, owned). */
static const struct dict_type hash_dict_type = { true, hash_free_value };

/* ------------------------------------------------------------------------
 * Encodings */

/* Turn listpack hash 'o' into a dict, keeping every pair. */
static void hash_convert(struct object *o)
{
    unsigned char *lp = o->ptr;
    struct dict *d = dict_new(&hash_dict_type);
    dict_expand(d, listpack_count(lp) / 2);
    for (unsigned char *f = listpack_first(lp); f != NULL;) {
        unsigned char *v = listpack_next(lp, f);
        size_t flen, vlen;
        char fbuf[LISTPACK_INTBUF], vbuf[LISTPACK_INTBUF];
        const char *fs = listpack_get(f, &flen, fbuf);
        const char *vs = listpack_get(v, &vlen, vbuf);
        struct dict_entry *e = dict_insert(d, sds_new(fs, flen));
        e->v.ptr = sds_new(vs, vlen);
        f = listpack_next(lp, v);
    }
    listpack_free(lp);
    o->ptr = d;
    o->encoding = OBJ_ENC_HT;
}

/* The listpack entry of 'field' in listpack hash 'o', or NULL. */
static unsigned char *hash_lp_find(struct object *o, const char *field,
                                   size_t len)
{
    unsigned char *lp = o->ptr;
    return listpack_find(lp, listpack_first(lp), field, len, 1);
}

/* The value of 'field' ('*vlen' bytes), or NULL. Borrowed: valid until
 * the hash changes; an integer value is written into 'buf'
 * (LISTPACK_INTBUF bytes). */
const char *hash_type_get(struct object *o, const char *field, size_t len,
                          size_t *vlen, char *buf)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *f = hash_lp_find(o, field, len);
        if (f == NULL) {
            return NULL;
        }
        return listpack_get(listpack_next(o->ptr, f), vlen, buf);
    }
    struct dict_entry *e = dict_find(o->ptr, field, len);
    if (e == NULL) {
        return NULL;
    }
    *vlen = sds_len(e->v.ptr);
    return e->v.ptr;
}

/* Delete 'field'; true if it existed. */
static bool hash_del(struct object *o, const char *field, size_t len)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *f = hash_lp_find(o, field, len);
        if (f == NULL) {
            return false;
        }
        o->ptr = listpack_delete(o->ptr, listpack_offset(o->ptr, f), 2);
        return true;
    }
    if (!dict_delete(o->ptr, field, len)) {
        return false;
    }
    dict_shrink_if_needed(o->ptr);
    return true;
}

/* A walk over the pairs of a hash of either encoding. */
struct hash_iter {
    struct object *o;
    unsigned char *p;     /* listpack: the next field */
    char fbuf[LISTPACK_INTBUF]; /* listpack: integer field's text */
    char vbuf[LISTPACK_INTBUF]; /* listpack: integer value's text */
    struct dict_iter di;  /* dict */
};

static void hash_iter_init(struct hash_iter *it, struct object *o)
{
    it->o = o;
    if (o->encoding == OBJ_ENC_LISTPACK) {
        it->p = listpack_first(o->ptr);
    } else {
        dict_iter_init(&it->di, o->ptr);
    }
}

/* The next pair (borrowed), or false at the end. */
static bool hash_iter_next(struct hash_iter *it, const char **f, size_t *flen,
                           const char **v, size_t *vlen)
{
    if (it->o->encoding == OBJ_ENC_LISTPACK) {
        if (it->p == NULL) {
            return false;
        }
        unsigned char *vp = listpack_next(it->o->ptr, it->p);
        *f = listpack_get(it->p, flen, it->fbuf);
        *v = listpack_get(vp, vlen, it->vbuf);
        it->p = listpack_next(it->o->ptr, vp);
        return true;
    }
    struct dict_entry *e = dict_iter_next(&it->di);
    if (e == NULL) {
        return false;
    }
    *f = e->key;
    *flen = sds_len(e->key);
    *v = e->v.ptr;
    *vlen = sds_len(e->v.ptr);
    return true;
}

static void hash_iter_release(struct hash_iter *it)
{
    if (it->o->encoding != OBJ_ENC_LISTPACK) {
        dict_iter_release(&it->di);
    }
}

/* ------------------------------------------------------------------------
 * Container API */

struct object *hash_type_new(void)
{
    return object_new(OBJ_HASH, OBJ_ENC_LISTPACK, listpack_new());
}

bool hash_type_set(struct object *o, const char *field, size_t field_len,
                   const char *value, size_t value_len)
{
    if (o->encoding == OBJ_ENC_LISTPACK &&
        (field_len > (size_t)server.hash_max_listpack_value ||
         value_len > (size_t)server.hash_max_listpack_value)) {
        hash_convert(o);
    }
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *f = hash_lp_find(o, field, field_len);
        if (f != NULL) {
            unsigned char *v = listpack_next(o->ptr, f);
            o->ptr = listpack_replace(o->ptr, listpack_offset(o->ptr, v),
                                      value, value_len);
            return false;
        }
        o->ptr = listpack_append(o->ptr, field, field_len);
        o->ptr = listpack_append(o->ptr, value, value_len);
        if (listpack_count(o->ptr) / 2 >
            (size_t)server.hash_max_listpack_entries) {
            hash_convert(o);
        }
        return true;
    }
    struct dict *d = o->ptr;
    struct dict_entry *e = dict_find(d, field, field_len);
    if (e != NULL) {
        sds_free(e->v.ptr);
        e->v.ptr = sds_new(value, value_len);
        return false;
    }
    e = dict_insert(d, sds_new(field, field_len));
    e->v.ptr = sds_new(value, value_len);
    return true;
}

size_t hash_type_len(const struct object *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        return listpack_count(o->ptr) / 2;
    }
    return dict_size(o->ptr);
}

int hash_type_each(const struct object *o, container_pair_fn fn, void *priv)
{
    struct hash_iter it;
    hash_iter_init(&it, (struct object *)o);
    const char *f, *v;
    size_t flen, vlen;
    int rc = 0;
    while (rc == 0 && hash_iter_next(&it, &f, &flen, &v, &vlen)) {
        rc = fn(priv, f, flen, v, vlen);
    }
    hash_iter_release(&it);
    return rc;
}

void hash_type_free(struct object *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        listpack_free(o->ptr);
    } else {
        dict_free(o->ptr);
    }
}

/* ------------------------------------------------------------------------
 * Helpers */

/* The hash at 'key' for a write, or NULL: '*wrong' tells a WRONGTYPE
 * (already replied) from a missing key. With 'create', a missing key gets
 * a new empty hash, which the caller must fill. */
static struct object *hash_lookup_write(struct client *c,
                                        const struct arg *key, bool create,
                                        bool *wrong)
{
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    *wrong = o != NULL && object_check_type_or_reply(c, o, OBJ_HASH) != 0;
    if (*wrong) {
        return NULL;
    }
    if (o == NULL && create) {
        o = hash_type_new();
        db_add(c->db, key->ptr, key->len, o);
    }
    return o;
}

/* The hash at 'key' for a read: NULL after replying 'miss' or WRONGTYPE. */
static struct object *hash_lookup_read(struct client *c,
                                       const struct arg *key,
                                       const char *miss)
{
    struct object *o = db_lookup_read_or_reply(c, key, miss);
    if (o == NULL || object_check_type_or_reply(c, o, OBJ_HASH) != 0) {
        return NULL;
    }
    return o;
}

/* The value of 'field' ('*len' bytes), or NULL; an integer's text is
 * written into 'buf' (LISTPACK_INTBUF bytes). */
static const char *hash_get(struct object *o, const struct arg *field,
                            size_t *len, char *buf)
{
    return hash_type_get(o, field->ptr, field->len, len, buf);
}

static bool hash_set(struct object *o, const struct arg *field,
                     const struct arg *value)
{
    return hash_type_set(o, field->ptr, field->len, value->ptr, value->len);
}

/* ------------------------------------------------------------------------
 * Commands */

/* HSET / HMSET key field value [field value ...] */
static void hash_set_generic(struct client *c, bool hmset)
{
    if (c->argc % 2 != 0) {
        reply_error(c, "wrong number of arguments for '%s' command",
                    c->cmd->spec->name);
        return;
    }
    const struct arg *key = &c->argv[1];
    bool wrong;
    struct object *o = hash_lookup_write(c, key, true, &wrong);
    if (wrong) {
        return;
    }
    long long created = 0;
    for (int i = 2; i < c->argc; i += 2) {
        created += hash_set(o, &c->argv[i], &c->argv[i + 1]);
    }
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_HASH, "hset", key, c->db->id);
    server.dirty += (c->argc - 2) / 2;
    if (hmset) {
        reply_ok(c);
    } else {
        reply_integer(c, created);
    }
}

/* HSET key field value [field value ...] */
void cmd_hset(struct client *c)
{
    hash_set_generic(c, false);
}

/* HMSET key field value [field value ...] */
void cmd_hmset(struct client *c)
{
    hash_set_generic(c, true);
}

/* HSETNX key field value */
void cmd_hsetnx(struct client *c)
{
    const struct arg *key = &c->argv[1];
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    if (o != NULL) {
        if (object_check_type_or_reply(c, o, OBJ_HASH) != 0) {
            return;
        }
        size_t len;
        char buf[LISTPACK_INTBUF];
        if (hash_get(o, &c->argv[2], &len, buf) != NULL) {
            reply_integer(c, 0);
            return;
        }
    }
    bool wrong;
    o = hash_lookup_write(c, key, true, &wrong);
    hash_set(o, &c->argv[2], &c->argv[3]);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_HASH, "hset", key, c->db->id);
    server.dirty++;
    reply_integer(c, 1);
}

/* HGET key field */
void cmd_hget(struct client *c)
{
    struct object *o = hash_lookup_read(c, &c->argv[1], "$-1\r\n");
    if (o == NULL) {
        return;
    }
    size_t len;
    char buf[LISTPACK_INTBUF];
    const char *v = hash_get(o, &c->argv[2], &len, buf);
    if (v != NULL) {
        reply_bulk(c, v, len);
    } else {
        reply_null(c);
    }
}

/* HMGET key field [field ...] */
void cmd_hmget(struct client *c)
{
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (o != NULL && object_check_type_or_reply(c, o, OBJ_HASH) != 0) {
        return;
    }
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        size_t len;
        char buf[LISTPACK_INTBUF];
        const char *v = o != NULL ? hash_get(o, &c->argv[i], &len, buf)
                                  : NULL;
        if (v != NULL) {
            reply_bulk(c, v, len);
        } else {
            reply_null(c);
        }
    }
}

/* HDEL key field [field ...] */
void cmd_hdel(struct client *c)
{
    const struct arg *key = &c->argv[1];
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    if (o == NULL) {
        reply_integer(c, 0);
        return;
    }
    if (object_check_type_or_reply(c, o, OBJ_HASH) != 0) {
        return;
    }
    long long deleted = 0;
    for (int i = 2; i < c->argc; i++) {
        deleted += hash_del(o, c->argv[i].ptr, c->argv[i].len);
    }
    if (deleted > 0) {
        notify_arg(NOTIFY_HASH, "hdel", key, c->db->id);
        if (hash_type_len(o) == 0) {
            db_delete(c->db, key->ptr, key->len);
            notify_arg(NOTIFY_GENERIC, "del", key, c->db->id);
        } else {
            db_signal_modified(c->db, key->ptr, key->len);
        }
        server.dirty += deleted;
    }
    reply_integer(c, deleted);
}

/* HLEN key */
void cmd_hlen(struct client *c)
{
    struct object *o = hash_lookup_read(c, &c->argv[1], ":0\r\n");
    if (o != NULL) {
        reply_integer(c, (long long)hash_type_len(o));
    }
}

/* HSTRLEN key field */
void cmd_hstrlen(struct client *c)
{
    struct object *o = hash_lookup_read(c, &c->argv[1], ":0\r\n");
    if (o != NULL) {
        size_t len;
        char buf[LISTPACK_INTBUF];
        const char *v = hash_get(o, &c->argv[2], &len, buf);
        reply_integer(c, v != NULL ? (long long)len : 0);
    }
}

/* HEXISTS key field */
void cmd_hexists(struct client *c)
{
    struct object *o = hash_lookup_read(c, &c->argv[1], ":0\r\n");
    if (o != NULL) {
        size_t len;
        char buf[LISTPACK_INTBUF];
        reply_integer(c, hash_get(o, &c->argv[2], &len, buf) != NULL);
    }
}

/* HKEYS, HVALS, HGETALL key */
static void hash_getall_generic(struct client *c, bool keys, bool values)
{
    struct object *o = hash_lookup_read(c, &c->argv[1],
                                        keys && values ? "%0\r\n" : "*0\r\n");
    if (o == NULL) {
        return;
    }
    if (keys && values) {
        reply_map(c, (long long)hash_type_len(o));
    } else {
        reply_array(c, (long long)hash_type_len(o));
    }
    struct hash_iter it;
    hash_iter_init(&it, o);
    const char *f, *v;
    size_t flen, vlen;
    while (hash_iter_next(&it, &f, &flen, &v, &vlen)) {
        if (keys) {
            reply_bulk(c, f, flen);
        }
        if (values) {
            reply_bulk(c, v, vlen);
        }
    }
    hash_iter_release(&it);
}

/* HKEYS key */
void cmd_hkeys(struct client *c)
{
    hash_getall_generic(c, true, false);
}

/* HVALS key */
void cmd_hvals(struct client *c)
{
    hash_getall_generic(c, false, true);
}

/* HGETALL key */
void cmd_hgetall(struct client *c)
{
    hash_getall_generic(c, true, true);
}

/* HINCRBY key field increment */
void cmd_hincrby(struct client *c)
{
    const struct arg *key = &c->argv[1];
    long long incr, value = 0;
    if (arg_ll_or_reply(c, &c->argv[3], &incr, NULL) != 0) {
        return;
    }
    bool wrong;
    struct object *o = hash_lookup_write(c, key, false, &wrong);
    if (wrong) {
        return;
    }
    size_t old_len = 0;
    char obuf[LISTPACK_INTBUF];
    const char *old = o != NULL ? hash_get(o, &c->argv[2], &old_len, obuf)
                                : NULL;
    if (old != NULL && util_str2ll(old, old_len, &value) != 0) {
        reply_error(c, "hash value is not an integer");
        return;
    }
    if ((incr < 0 && value < LLONG_MIN - incr) ||
        (incr > 0 && value > LLONG_MAX - incr)) {
        reply_error(c, "increment or decrement would overflow");
        return;
    }
    value += incr;
    char buf[SERVER_LONG_STR_SIZE];
    struct arg v = { buf, util_ll2str(buf, value) };
    if (o == NULL) {
        o = hash_lookup_write(c, key, true, &wrong);
    }
    hash_set(o, &c->argv[2], &v);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_HASH, "hincrby", key, c->db->id);
    server.dirty++;
    reply_integer(c, value);
}

/* HINCRBYFLOAT key field increment: propagated as HSET of the result, so
 * replicas never redo floating point. */
void cmd_hincrbyfloat(struct client *c)
{
    const struct arg *key = &c->argv[1];
    long double incr, value = 0;
    if (arg_ld_or_reply(c, &c->argv[3], &incr) != 0) {
        return;
    }
    if (isnan(incr) || isinf(incr)) {
        reply_error(c, "value is NaN or Infinity");
        return;
    }
    bool wrong;
    struct object *o = hash_lookup_write(c, key, false, &wrong);
    if (wrong) {
        return;
    }
    size_t old_len = 0;
    char buf[LISTPACK_INTBUF];
    const char *old = o != NULL ? hash_get(o, &c->argv[2], &old_len, buf)
                                : NULL;
    if (old != NULL && util_str2ld(old, old_len, &value) != 0) {
        reply_error(c, "hash value is not a float");
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        reply_error(c, "increment would produce NaN or Infinity");
        return;
    }
    char out[5 * 1024];
    struct arg v = { out, util_ld2str(out, sizeof(out), value) };
    if (o == NULL) {
        o = hash_lookup_write(c, key, true, &wrong);
    }
    hash_set(o, &c->argv[2], &v);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_HASH, "hincrbyfloat", key, c->db->id);
    server.dirty++;
    reply_bulk(c, v.ptr, v.len);
    struct arg argv[4] = { { "HSET", 4 }, *key, c->argv[2], v };
    server_propagate(c->db->id, 4, argv);
    c->flags |= CLIENT_PREVENT_PROP;
}

/* Reply one field (and its value) of listpack 'lp' at pair 'index'. */
static void hash_lp_reply_pair(struct client *c, unsigned char *lp,
                               long long index, bool with_values)
{
    unsigned char *f = listpack_seek(lp, index * 2);
    size_t len;
    char buf[LISTPACK_INTBUF];
    if (with_values) {
        reply_pair(c);
    }
    const char *p = listpack_get(f, &len, buf);
    reply_bulk(c, p, len);
    if (with_values) {
        p = listpack_get(listpack_next(lp, f), &len, buf);
        reply_bulk(c, p, len);
    }
}

/* HRANDFIELD of a listpack hash: 'count' 0 means the one-field form. */
static void hash_lp_randfield(struct client *c, unsigned char *lp,
                              long long count, bool with_values)
{
    long long size = (long long)listpack_count(lp) / 2;
    if (c->argc == 2) {
        hash_lp_reply_pair(c, lp, (long long)(dict_random_u64() %
                                              (uint64_t)size), false);
        return;
    }
    if (count < 0) {
        reply_array(c, with_values ? reply_pairs_len(c, -count) : -count);
        for (long long i = 0; i < -count; i++) {
            hash_lp_reply_pair(c, lp, (long long)(dict_random_u64() %
                                                  (uint64_t)size),
                               with_values);
        }
        return;
    }
    long long n = count < size ? count : size;
    reply_array(c, with_values ? reply_pairs_len(c, n) : n);
    /* selection sampling: each pair is taken with probability
     * (still needed) / (still left), so exactly n distinct come out */
    long long needed = n;
    for (long long i = 0; i < size && needed > 0; i++) {
        if ((long long)(dict_random_u64() % (uint64_t)(size - i)) < needed) {
            hash_lp_reply_pair(c, lp, i, with_values);
            needed--;
        }
    }
}

/* HRANDFIELD key [count [WITHVALUES]] */
void cmd_hrandfield(struct client *c)
{
    long long count = 0;
    bool with_values = false;
    if (c->argc > 4 || (c->argc == 4 && !arg_is(&c->argv[3], "withvalues"))) {
        reply_syntax_error(c);
        return;
    }
    with_values = c->argc == 4;
    if (c->argc >= 3) {
        if (arg_ll_or_reply(c, &c->argv[2], &count, NULL) != 0) {
            return;
        }
        if (with_values && (count < -LONG_MAX / 2 || count > LONG_MAX / 2)) {
            reply_error(c, "value is out of range");
            return;
        }
    }
    struct object *o = hash_lookup_read(c, &c->argv[1],
                                        c->argc >= 3 ? "*0\r\n" : "$-1\r\n");
    if (o == NULL) {
        return;
    }
    if (o->encoding == OBJ_ENC_LISTPACK) {
        hash_lp_randfield(c, o->ptr, count, with_values);
        return;
    }
    struct dict *d = o->ptr;
    if (c->argc == 2) {
        reply_bulk_sds(c, dict_random(d)->key);
        return;
    }
    if (count < 0) {
        reply_array(c, with_values ? reply_pairs_len(c, -count) : -count);
        for (long long i = 0; i < -count; i++) {
            struct dict_entry *e = dict_random(d);
            if (with_values) {
                reply_pair(c);
            }
            reply_bulk_sds(c, e->key);
            if (with_values) {
                reply_bulk_sds(c, e->v.ptr);
            }
        }
        return;
    }
    const struct dict_entry **sample = scan_sample_distinct(d, (size_t)count);
    long long n = count < (long long)dict_size(d) ? count
                                                  : (long long)dict_size(d);
    reply_array(c, with_values ? reply_pairs_len(c, n) : n);
    for (long long i = 0; i < n; i++) {
        if (with_values) {
            reply_pair(c);
        }
        reply_bulk_sds(c, sample[i]->key);
        if (with_values) {
            reply_bulk_sds(c, sample[i]->v.ptr);
        }
    }
    mem_free(sample);
}

/* HSCAN key cursor [MATCH pattern] [COUNT count] */
void cmd_hscan(struct client *c)
{
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (o != NULL && object_check_type_or_reply(c, o, OBJ_HASH) != 0) {
        return;
    }
    if (o != NULL && o->encoding == OBJ_ENC_LISTPACK) {
        scan_listpack(c, o->ptr, SCAN_SDS_VALUES);
        return;
    }
    scan_container(c, o != NULL ? o->ptr : NULL, SCAN_SDS_VALUES);
}
