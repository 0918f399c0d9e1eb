/* The hash type: a dict of field -> value, both sds strings
 * (OBJ_ENC_HT). The container API for hashes (server.h) and the commands
 * HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS
 * HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN. A key never holds an
 * empty hash: HDEL of the last field deletes the key. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"

static void hash_free_value(void *ptr)
{
    sds_free(ptr);
}

/* Field (owned) -> value (sds, owned). */
static const struct dict_type hash_dict_type = { true, hash_free_value };

/* ------------------------------------------------------------------------
 * Container API */

struct object *hash_type_new(void)
{
    return object_new(OBJ_HASH, OBJ_ENC_HT, dict_new(&hash_dict_type));
}

/* Set 'field' to 'value' (both copied); true if the field is new. */
static bool hash_dict_set(struct dict *d, const char *field, size_t field_len,
                          const char *value, size_t value_len)
{
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

bool hash_type_set(struct object *o, const char *field, size_t field_len,
                   const char *value, size_t value_len)
{
    return hash_dict_set(o->ptr, field, field_len, value, value_len);
}

size_t hash_type_len(const struct object *o)
{
    return dict_size(o->ptr);
}

int hash_type_each(const struct object *o, container_pair_fn fn, void *priv)
{
    struct dict_iter it;
    dict_iter_init(&it, o->ptr);
    struct dict_entry *e;
    int rc = 0;
    while (rc == 0 && (e = dict_iter_next(&it)) != NULL) {
        rc = fn(priv, e->key, sds_len(e->key), e->v.ptr, sds_len(e->v.ptr));
    }
    dict_iter_release(&it);
    return rc;
}

void hash_type_free(struct object *o)
{
    dict_free(o->ptr);
}

/* ------------------------------------------------------------------------
 * Helpers */

/* The hash at 'key' for a write, or NULL: '*wrong' tells a WRONGTYPE
 * (already replied) from a missing key. With 'create', a missing key gets
 * a new empty hash, which the caller must fill. */
static struct dict *hash_lookup_write(struct client *c, const struct arg *key,
                                      bool create, bool *wrong)
{
    struct dict *d = db_lookup_write_typed(c, key, OBJ_HASH, wrong);
    if (d == NULL && !*wrong && create) {
        struct object *o = hash_type_new();
        db_add(c->db, key->ptr, key->len, o);
        d = o->ptr;
    }
    return d;
}

/* The hash at 'key' for a read: NULL after replying 'miss' or WRONGTYPE. */
static struct dict *hash_lookup_read(struct client *c, const struct arg *key,
                                     const char *miss)
{
    return db_lookup_read_typed_or_reply(c, key, OBJ_HASH, miss);
}

/* The value of 'field', or NULL. */
static char *hash_get(struct dict *d, const struct arg *field)
{
    struct dict_entry *e = dict_find(d, field->ptr, field->len);
    return e != NULL ? e->v.ptr : NULL;
}

static bool hash_set(struct dict *d, const struct arg *field,
                     const struct arg *value)
{
    return hash_dict_set(d, field->ptr, field->len, value->ptr, value->len);
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
    struct dict *d = hash_lookup_write(c, key, true, &wrong);
    if (wrong) {
        return;
    }
    long long created = 0;
    for (int i = 2; i < c->argc; i += 2) {
        created += hash_set(d, &c->argv[i], &c->argv[i + 1]);
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
        if (hash_get(o->ptr, &c->argv[2]) != NULL) {
            reply_integer(c, 0);
            return;
        }
    }
    bool wrong;
    struct dict *d = hash_lookup_write(c, key, true, &wrong);
    hash_set(d, &c->argv[2], &c->argv[3]);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_HASH, "hset", key, c->db->id);
    server.dirty++;
    reply_integer(c, 1);
}

/* HGET key field */
void cmd_hget(struct client *c)
{
    struct dict *d = hash_lookup_read(c, &c->argv[1], "$-1\r\n");
    if (d == NULL) {
        return;
    }
    char *v = hash_get(d, &c->argv[2]);
    if (v != NULL) {
        reply_bulk_sds(c, v);
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
        char *v = o != NULL ? hash_get(o->ptr, &c->argv[i]) : NULL;
        if (v != NULL) {
            reply_bulk_sds(c, v);
        } else {
            reply_null(c);
        }
    }
}

/* HDEL key field [field ...] */
void cmd_hdel(struct client *c)
{
    const struct arg *key = &c->argv[1];
    struct dict *d =
        db_lookup_write_typed_or_reply(c, key, OBJ_HASH, ":0\r\n");
    if (d == NULL) {
        return;
    }
    long long deleted = 0;
    for (int i = 2; i < c->argc; i++) {
        deleted += dict_delete(d, c->argv[i].ptr, c->argv[i].len);
    }
    if (deleted > 0) {
        notify_arg(NOTIFY_HASH, "hdel", key, c->db->id);
        if (dict_size(d) == 0) {
            db_delete(c->db, key->ptr, key->len);
            notify_arg(NOTIFY_GENERIC, "del", key, c->db->id);
        } else {
            dict_shrink_if_needed(d);
            db_signal_modified(c->db, key->ptr, key->len);
        }
        server.dirty += deleted;
    }
    reply_integer(c, deleted);
}

/* HLEN key */
void cmd_hlen(struct client *c)
{
    struct dict *d = hash_lookup_read(c, &c->argv[1], ":0\r\n");
    if (d != NULL) {
        reply_integer(c, (long long)dict_size(d));
    }
}

/* HSTRLEN key field */
void cmd_hstrlen(struct client *c)
{
    struct dict *d = hash_lookup_read(c, &c->argv[1], ":0\r\n");
    if (d != NULL) {
        char *v = hash_get(d, &c->argv[2]);
        reply_integer(c, v != NULL ? (long long)sds_len(v) : 0);
    }
}

/* HEXISTS key field */
void cmd_hexists(struct client *c)
{
    struct dict *d = hash_lookup_read(c, &c->argv[1], ":0\r\n");
    if (d != NULL) {
        reply_integer(c, hash_get(d, &c->argv[2]) != NULL);
    }
}

/* HKEYS, HVALS, HGETALL key */
static void hash_getall_generic(struct client *c, bool keys, bool values)
{
    struct dict *d = hash_lookup_read(c, &c->argv[1],
                                      keys && values ? "%0\r\n" : "*0\r\n");
    if (d == NULL) {
        return;
    }
    if (keys && values) {
        reply_map(c, (long long)dict_size(d));
    } else {
        reply_array(c, (long long)dict_size(d));
    }
    struct dict_iter it;
    dict_iter_init(&it, d);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)) != NULL) {
        if (keys) {
            reply_bulk_sds(c, e->key);
        }
        if (values) {
            reply_bulk_sds(c, e->v.ptr);
        }
    }
    dict_iter_release(&it);
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
    struct dict *d = hash_lookup_write(c, key, false, &wrong);
    if (wrong) {
        return;
    }
    char *old = d != NULL ? hash_get(d, &c->argv[2]) : NULL;
    if (old != NULL && util_str2ll(old, sds_len(old), &value) != 0) {
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
    if (d == NULL) {
        d = hash_lookup_write(c, key, true, &wrong);
    }
    hash_set(d, &c->argv[2], &v);
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
    struct dict *d = hash_lookup_write(c, key, false, &wrong);
    if (wrong) {
        return;
    }
    char *old = d != NULL ? hash_get(d, &c->argv[2]) : NULL;
    if (old != NULL && util_str2ld(old, sds_len(old), &value) != 0) {
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
    if (d == NULL) {
        d = hash_lookup_write(c, key, true, &wrong);
    }
    hash_set(d, &c->argv[2], &v);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_HASH, "hincrbyfloat", key, c->db->id);
    server.dirty++;
    reply_bulk(c, v.ptr, v.len);
    struct arg argv[4] = { { "HSET", 4 }, *key, c->argv[2], v };
    server_propagate(c->db->id, 4, argv);
    c->flags |= CLIENT_PREVENT_PROP;
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
    struct dict *d = hash_lookup_read(c, &c->argv[1],
                                      c->argc >= 3 ? "*0\r\n" : "$-1\r\n");
    if (d == NULL) {
        return;
    }
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
    scan_container(c, o != NULL ? o->ptr : NULL, SCAN_SDS_VALUES);
}
