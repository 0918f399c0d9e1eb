/* The set type, in one of two encodings, as Redis keeps them:
 * OBJ_ENC_INTSET, a sorted array of integers (intset.c), while every
 * member is a canonical integer and there are at most
 * set-max-intset-entries; then OBJ_ENC_HT, a dict of members (sds keys,
 * no values), for good. An intset replies in numeric order, as Redis's
 * does. The container API for sets (server.h) and the commands SADD SREM
 * SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER
 * SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SINTERCARD SSCAN. A key
 * never holds an empty set. SPOP is propagated as the SREM of what it
 * popped, so replicas remove the same members. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/intset.h"
#include "redis/notify.h"
#include "redis/server.h"

/* Members, owned; no values. */
static const struct dict_type set_dict_type = { true, NULL };

/* ------------------------------------------------------------------------
 * Encodings */

/* The integer an intset would store for 'p', into '*v'; false if 'p' is
 * not a canonical integer. */
static bool set_as_int(const char *p, size_t len, long long *v)
{
    return len > 0 && len < 21 && util_str2ll(p, len, v) == 0;
}

/* Turn intset set 'o' into a dict, keeping every member. */
static void set_convert(struct object *o)
{
    struct intset *is = o->ptr;
    /* members only: 16-byte entries, no value field */
    struct dict *d = dict_new_keys_only(&set_dict_type);
    dict_expand(d, intset_len(is) + 1);
    for (size_t i = 0; i < intset_len(is); i++) {
        char buf[SERVER_LONG_STR_SIZE];
        size_t len = util_ll2str(buf, intset_get(is, i));
        dict_insert(d, sds_new(buf, len));
    }
    intset_free(is);
    o->ptr = d;
    o->encoding = OBJ_ENC_HT;
}

/* True if 'p' is a member of 'o' (NULL: a missing key). */
static bool set_has_bytes(const struct object *o, const char *p, size_t len)
{
    if (o == NULL) {
        return false;
    }
    if (o->encoding == OBJ_ENC_INTSET) {
        long long v;
        return set_as_int(p, len, &v) && intset_find(o->ptr, v);
    }
    return dict_find(o->ptr, p, len) != NULL;
}

/* Remove 'p' from 'o'; true if it was there. */
static bool set_remove(struct object *o, const char *p, size_t len)
{
    if (o->encoding == OBJ_ENC_INTSET) {
        long long v;
        bool removed = false;
        if (set_as_int(p, len, &v)) {
            o->ptr = intset_remove(o->ptr, v, &removed);
        }
        return removed;
    }
    return dict_delete(o->ptr, p, len);
}

/* The members of 'o' as views (owned array of '*n', mem_free; an intset's
 * digits are written into '*buf', owned too, mem_free), an intset's in
 * numeric order. */
static struct arg *set_elems(const struct object *o, size_t *n, char **buf)
{
    size_t count = set_type_len(o);
    struct arg *m = mem_alloc((count + 1) * sizeof(*m));
    *n = 0;
    *buf = NULL;
    if (o->encoding == OBJ_ENC_INTSET) {
        *buf = mem_alloc((count + 1) * SERVER_LONG_STR_SIZE);
        char *p = *buf;
        for (size_t i = 0; i < count; i++) {
            size_t len = util_ll2str(p, intset_get(o->ptr, i));
            m[(*n)++] = (struct arg){ p, len };
            p += len;
        }
        return m;
    }
    struct dict_iter it;
    dict_iter_init(&it, o->ptr);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)) != NULL) {
        m[(*n)++] = (struct arg){ e->key, sds_len(e->key) };
    }
    dict_iter_release(&it);
    return m;
}

/* ------------------------------------------------------------------------
 * Container API */

struct object *set_type_new(void)
{
    return object_new(OBJ_SET, OBJ_ENC_INTSET, intset_new());
}

bool set_type_add(struct object *o, const char *p, size_t len)
{
    long long v;
    if (o->encoding == OBJ_ENC_INTSET) {
        if (set_as_int(p, len, &v)) {
            bool added;
            o->ptr = intset_add(o->ptr, v, &added);
            if (added &&
                intset_len(o->ptr) > (size_t)server.set_max_intset_entries) {
                set_convert(o);
            }
            return added;
        }
        set_convert(o);
    }
    struct dict *d = o->ptr;
    if (dict_find(d, p, len) != NULL) {
        return false;
    }
    dict_insert(d, sds_new(p, len));
    return true;
}

size_t set_type_len(const struct object *o)
{
    if (o->encoding == OBJ_ENC_INTSET) {
        return intset_len(o->ptr);
    }
    return dict_size(o->ptr);
}

int set_type_each(const struct object *o, container_elem_fn fn, void *priv)
{
    size_t n;
    char *buf;
    struct arg *m = set_elems(o, &n, &buf);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = fn(priv, m[i].ptr, m[i].len);
    }
    mem_free(m);
    mem_free(buf);
    return rc;
}

void set_type_free(struct object *o)
{
    if (o->encoding == OBJ_ENC_INTSET) {
        intset_free(o->ptr);
    } else {
        dict_free(o->ptr);
    }
}

/* ------------------------------------------------------------------------
 * Helpers */

/* The set at 'key' for a write, or NULL: '*wrong' tells a WRONGTYPE
 * (already replied) from a missing key. */
static struct object *set_lookup_write(struct client *c,
                                       const struct arg *key, bool *wrong)
{
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    *wrong = o != NULL && object_check_type_or_reply(c, o, OBJ_SET) != 0;
    return *wrong ? NULL : o;
}

/* The set at 'key' for a read: NULL after replying 'miss' or WRONGTYPE. */
static struct object *set_lookup_read(struct client *c,
                                      const struct arg *key,
                                      const char *miss)
{
    struct object *o = db_lookup_read_or_reply(c, key, miss);
    if (o == NULL || object_check_type_or_reply(c, o, OBJ_SET) != 0) {
        return NULL;
    }
    return o;
}

static bool set_has(const struct object *o, const struct arg *m)
{
    return set_has_bytes(o, m->ptr, m->len);
}

/* After members were removed from 'key': delete it if empty, signal. */
static void set_after_remove(struct client *c, const char *key, size_t len,
                             struct object *o)
{
    if (set_type_len(o) == 0) {
        db_delete(c->db, key, len);
        notify_event(NOTIFY_GENERIC, "del", key, len, c->db->id);
    } else {
        if (o->encoding == OBJ_ENC_HT) {
            dict_shrink_if_needed(o->ptr);
        }
        db_signal_modified(c->db, key, len);
    }
}

/* Reply the views 'm' ('n' of them) as an array. */
static void set_reply_elems(struct client *c, const struct arg *m, size_t n)
{
    reply_set(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        reply_bulk(c, m[i].ptr, m[i].len);
    }
}

/* Reply every member of 'o' as an array (an intset in numeric order). */
static void set_reply_members(struct client *c, const struct object *o)
{
    size_t n;
    char *buf;
    struct arg *m = set_elems(o, &n, &buf);
    set_reply_elems(c, m, n);
    mem_free(m);
    mem_free(buf);
}

/* 'n' distinct positions out of 'size', ascending (selection sampling:
 * each is taken with probability still-needed / still-left). Owned. */
static size_t *set_sample_positions(size_t size, size_t n)
{
    size_t *pos = mem_alloc((n + 1) * sizeof(*pos));
    size_t k = 0;
    for (size_t i = 0; i < size && k < n; i++) {
        if (dict_random_u64() % (uint64_t)(size - i) < (uint64_t)(n - k)) {
            pos[k++] = i;
        }
    }
    return pos;
}

/* ------------------------------------------------------------------------
 * Commands on one set */

/* SADD key member [member ...] */
void cmd_sadd(struct client *c)
{
    const struct arg *key = &c->argv[1];
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    if (o != NULL && object_check_type_or_reply(c, o, OBJ_SET) != 0) {
        return;
    }
    if (o == NULL) {
        o = set_type_new();
        db_add(c->db, key->ptr, key->len, o);
    }
    long long added = 0;
    for (int i = 2; i < c->argc; i++) {
        added += set_type_add(o, c->argv[i].ptr, c->argv[i].len);
    }
    if (added > 0) {
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_SET, "sadd", key, c->db->id);
        server.dirty += added;
    }
    reply_integer(c, added);
}

/* SREM key member [member ...] */
void cmd_srem(struct client *c)
{
    const struct arg *key = &c->argv[1];
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    if (o == NULL) {
        reply_integer(c, 0);
        return;
    }
    if (object_check_type_or_reply(c, o, OBJ_SET) != 0) {
        return;
    }
    long long removed = 0;
    for (int i = 2; i < c->argc; i++) {
        removed += set_remove(o, c->argv[i].ptr, c->argv[i].len);
    }
    if (removed > 0) {
        notify_arg(NOTIFY_SET, "srem", key, c->db->id);
        set_after_remove(c, key->ptr, key->len, o);
        server.dirty += removed;
    }
    reply_integer(c, removed);
}

/* SMEMBERS key */
void cmd_smembers(struct client *c)
{
    struct object *o = set_lookup_read(c, &c->argv[1], "~0\r\n");
    if (o != NULL) {
        set_reply_members(c, o);
    }
}

/* SISMEMBER key member */
void cmd_sismember(struct client *c)
{
    struct object *o = set_lookup_read(c, &c->argv[1], ":0\r\n");
    if (o != NULL) {
        reply_integer(c, set_has(o, &c->argv[2]));
    }
}

/* SMISMEMBER key member [member ...] */
void cmd_smismember(struct client *c)
{
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (o != NULL && object_check_type_or_reply(c, o, OBJ_SET) != 0) {
        return;
    }
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        reply_integer(c, set_has(o, &c->argv[i]));
    }
}

/* SCARD key */
void cmd_scard(struct client *c)
{
    struct object *o = set_lookup_read(c, &c->argv[1], ":0\r\n");
    if (o != NULL) {
        reply_integer(c, (long long)set_type_len(o));
    }
}

/* Pop 'n' (1 <= n <= size) members of intset set 'o' at random: reply
 * them (as an array if 'array') and fill 'argv' from 2 on with views into
 * 'buf' (n * SERVER_LONG_STR_SIZE bytes). */
static void set_pop_intset(struct client *c, struct object *o, size_t n,
                           bool array, struct arg *argv, char *buf)
{
    size_t *pos = set_sample_positions(intset_len(o->ptr), n);
    long long *vals = mem_alloc(n * sizeof(*vals));
    for (size_t i = 0; i < n; i++) {
        vals[i] = intset_get(o->ptr, pos[i]);
    }
    if (array) {
        reply_set(c, (long long)n);
    }
    char *p = buf;
    for (size_t i = 0; i < n; i++) {
        bool removed;
        o->ptr = intset_remove(o->ptr, vals[i], &removed);
        size_t len = util_ll2str(p, vals[i]);
        reply_bulk(c, p, len);
        argv[i + 2] = (struct arg){ p, len };
        p += len;
    }
    mem_free(vals);
    mem_free(pos);
}

/* SPOP key [count] */
void cmd_spop(struct client *c)
{
    const struct arg *key = &c->argv[1];
    long long count = -1;
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 3 &&
        (util_str2ll(c->argv[2].ptr, c->argv[2].len, &count) != 0 ||
         count < 0)) {
        reply_error(c, "value is out of range, must be positive");
        return;
    }
    bool wrong;
    struct object *o = set_lookup_write(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (o == NULL) {
        if (count >= 0) {
            reply_set(c, 0);
        } else {
            reply_null(c);
        }
        return;
    }
    size_t n = count < 0 ? 1 : (size_t)count;
    if (n > set_type_len(o)) {
        n = set_type_len(o);
    }
    if (n == 0) {
        reply_set(c, 0);
        return;
    }
    struct arg *argv = mem_alloc((n + 2) * sizeof(*argv));
    argv[0] = (struct arg){ "SREM", 4 };
    argv[1] = *key;
    if (o->encoding == OBJ_ENC_INTSET) {
        char *buf = mem_alloc(n * SERVER_LONG_STR_SIZE);
        set_pop_intset(c, o, n, count >= 0, argv, buf);
        server_propagate(c->db->id, (int)n + 2, argv);
        mem_free(buf);
    } else {
        struct dict *d = o->ptr;
        /* Unlink the sample first (its entries are borrowed), then
         * free. */
        const struct dict_entry **sample = scan_sample_distinct(d, n);
        struct dict_entry **popped = mem_alloc(n * sizeof(*popped));
        for (size_t i = 0; i < n; i++) {
            const char *m = sample[i]->key;
            popped[i] = dict_unlink(d, m, sds_len(m));
        }
        mem_free(sample);
        if (count >= 0) {
            reply_set(c, (long long)n);
        }
        for (size_t i = 0; i < n; i++) {
            reply_bulk_sds(c, popped[i]->key);
            argv[i + 2] = (struct arg){ popped[i]->key,
                                        sds_len(popped[i]->key) };
        }
        server_propagate(c->db->id, (int)n + 2, argv);
        for (size_t i = 0; i < n; i++) {
            dict_free_unlinked(d, popped[i]);
        }
        mem_free(popped);
    }
    c->flags |= CLIENT_PREVENT_PROP;
    server.dirty += (long long)n;
    mem_free(argv);
    notify_arg(NOTIFY_SET, "spop", key, c->db->id);
    set_after_remove(c, key->ptr, key->len, o);
}

/* Reply the member of intset 'is' at 'pos'. */
static void set_reply_int_at(struct client *c, const struct intset *is,
                             size_t pos)
{
    reply_bulk_ll(c, intset_get(is, pos));
}

/* SRANDMEMBER key [count] */
void cmd_srandmember(struct client *c)
{
    long long count = 0;
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 3) {
        if (arg_ll_or_reply(c, &c->argv[2], &count, NULL) != 0) {
            return;
        }
        if (count < -LONG_MAX / 2 || count > LONG_MAX / 2) {
            reply_error(c, "value is out of range");
            return;
        }
    }
    struct object *o = set_lookup_read(c, &c->argv[1],
                                       c->argc == 3 ? "*0\r\n" : "$-1\r\n");
    if (o == NULL) {
        return;
    }
    if (o->encoding == OBJ_ENC_INTSET) {
        const struct intset *is = o->ptr;
        size_t size = intset_len(is);
        if (c->argc == 2) {
            set_reply_int_at(c, is, dict_random_u64() % size);
        } else if (count < 0) {
            reply_array(c, -count);
            for (long long i = 0; i < -count; i++) {
                set_reply_int_at(c, is, dict_random_u64() % size);
            }
        } else {
            size_t n = (size_t)count < size ? (size_t)count : size;
            size_t *pos = set_sample_positions(size, n);
            reply_array(c, (long long)n);
            for (size_t i = 0; i < n; i++) {
                set_reply_int_at(c, is, pos[i]);
            }
            mem_free(pos);
        }
        return;
    }
    struct dict *d = o->ptr;
    if (c->argc == 2) {
        reply_bulk_sds(c, dict_random(d)->key);
    } else if (count < 0) {
        reply_array(c, -count);
        for (long long i = 0; i < -count; i++) {
            reply_bulk_sds(c, dict_random(d)->key);
        }
    } else {
        const struct dict_entry **sample =
            scan_sample_distinct(d, (size_t)count);
        long long n = count < (long long)dict_size(d)
                      ? count : (long long)dict_size(d);
        reply_array(c, n);
        for (long long i = 0; i < n; i++) {
            reply_bulk_sds(c, sample[i]->key);
        }
        mem_free(sample);
    }
}

/* SMOVE source destination member */
void cmd_smove(struct client *c)
{
    const struct arg *src = &c->argv[1], *dst = &c->argv[2];
    const struct arg *m = &c->argv[3];
    struct object *so = db_lookup_write(c->db, src->ptr, src->len);
    if (so == NULL) {
        reply_integer(c, 0);
        return;
    }
    struct object *dobj = db_lookup_write(c->db, dst->ptr, dst->len);
    if (object_check_type_or_reply(c, so, OBJ_SET) != 0 ||
        (dobj != NULL && object_check_type_or_reply(c, dobj, OBJ_SET) != 0)) {
        return;
    }
    if (so == dobj) {
        reply_integer(c, set_has(so, m));
        return;
    }
    if (!set_remove(so, m->ptr, m->len)) {
        reply_integer(c, 0);
        return;
    }
    notify_arg(NOTIFY_SET, "srem", src, c->db->id);
    set_after_remove(c, src->ptr, src->len, so);
    server.dirty++;
    if (dobj == NULL) {
        dobj = set_type_new();
        db_add(c->db, dst->ptr, dst->len, dobj);
    }
    /* A destination that holds the member already is not touched (a
     * WATCH on it stays clean), as in Redis. */
    if (set_type_add(dobj, m->ptr, m->len)) {
        db_signal_modified(c->db, dst->ptr, dst->len);
        notify_arg(NOTIFY_SET, "sadd", dst, c->db->id);
        server.dirty++;
    }
    reply_integer(c, 1);
}

/* SSCAN key cursor [MATCH pattern] [COUNT count] */
void cmd_sscan(struct client *c)
{
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (o != NULL && object_check_type_or_reply(c, o, OBJ_SET) != 0) {
        return;
    }
    if (o == NULL || o->encoding != OBJ_ENC_INTSET) {
        scan_container(c, o != NULL ? o->ptr : NULL, SCAN_KEYS_ONLY);
        return;
    }
    /* An intset is scanned whole in one call, in order, as Redis does. */
    uint64_t cursor;
    struct scan_opts opts;
    if (db_scan_cursor_or_reply(c, &c->argv[2], &cursor) != 0 ||
        scan_opts_or_reply(c, 3, false, &opts) != 0) {
        return;
    }
    size_t n;
    char *buf;
    struct arg *m = set_elems(o, &n, &buf);
    reply_array(c, 2);
    reply_bulk_str(c, "0");
    size_t handle = reply_defer_len(c);
    long long shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (scan_opts_match(&opts, m[i].ptr, m[i].len)) {
            reply_bulk(c, m[i].ptr, m[i].len);
            shown++;
        }
    }
    reply_set_array_len(c, handle, shown);
    mem_free(m);
    mem_free(buf);
}

/* ------------------------------------------------------------------------
 * Algebra: SINTER, SUNION, SDIFF and their STORE forms, SINTERCARD */

enum set_op { SET_INTER, SET_UNION, SET_DIFF };

/* Look up 'count' keys from 'keys' into 'sets' (NULL for a missing key).
 * Returns -1 after a WRONGTYPE reply. */
static int set_lookup_many(struct client *c, const struct arg *keys,
                           int count, struct object **sets)
{
    for (int i = 0; i < count; i++) {
        struct object *o = db_lookup_read(c->db, keys[i].ptr, keys[i].len);
        if (o != NULL && o->type != OBJ_SET) {
            reply_wrongtype(c);
            return -1;
        }
        sets[i] = o;
    }
    return 0;
}

static int set_cmp_size(const void *a, const void *b)
{
    size_t x = set_type_len(*(struct object *const *)a);
    size_t y = set_type_len(*(struct object *const *)b);
    return x < y ? -1 : x > y;
}

/* The result of 'op' over 'sets' as a new set object (owned; an intset
 * when every member is an integer and there are few enough, as Redis
 * builds it), stopping at 'limit' members for an intersection (0: no
 * limit). An intersection walks the smallest set first, so its members
 * come in that set's order. */
static struct object *set_compute(enum set_op op, struct object **sets,
                                  int count, size_t limit)
{
    struct object *out = set_type_new();
    if (op == SET_INTER) {
        for (int i = 0; i < count; i++) {
            if (sets[i] == NULL) {
                return out;
            }
        }
        qsort(sets, (size_t)count, sizeof(*sets), set_cmp_size);
    }
    for (int i = 0; i < count; i++) {
        if (sets[i] == NULL) {
            continue;
        }
        if ((op == SET_DIFF || op == SET_INTER) && i > 0) {
            break;
        }
        size_t n;
        char *buf;
        struct arg *m = set_elems(sets[i], &n, &buf);
        for (size_t k = 0; k < n; k++) {
            if (op == SET_INTER && limit != 0 &&
                set_type_len(out) >= limit) {
                break;
            }
            bool keep = true;
            for (int j = 1; op != SET_UNION && keep && j < count; j++) {
                bool in = set_has_bytes(sets[j], m[k].ptr, m[k].len);
                keep = op == SET_INTER ? in : !in;
            }
            if (keep) {
                set_type_add(out, m[k].ptr, m[k].len);
            }
        }
        mem_free(m);
        mem_free(buf);
    }
    return out;
}

/* S<op> key [key ...] (dst NULL) or S<op>STORE destination key [key ...] */
static void set_op_generic(struct client *c, enum set_op op,
                           const struct arg *dst, int first)
{
    int count = c->argc - first;
    struct object **sets = mem_alloc((size_t)count * sizeof(*sets));
    if (set_lookup_many(c, &c->argv[first], count, sets) != 0) {
        mem_free(sets);
        return;
    }
    struct object *out = set_compute(op, sets, count, 0);
    mem_free(sets);
    if (dst == NULL) {
        set_reply_members(c, out);
        object_decr_ref(out);
        return;
    }
    long long n = (long long)set_type_len(out);
    if (n > 0) {
        db_set_key(c->db, dst->ptr, dst->len, out, false);
        notify_arg(NOTIFY_SET, op == SET_INTER ? "sinterstore" : op ==
                   SET_UNION ? "sunionstore" : "sdiffstore", dst, c->db->id);
    } else {
        object_decr_ref(out);
        if (db_delete(c->db, dst->ptr, dst->len)) {
            notify_arg(NOTIFY_GENERIC, "del", dst, c->db->id);
        }
    }
    server.dirty++;
    reply_integer(c, n);
}

/* SINTER key [key ...] */
void cmd_sinter(struct client *c)
{
    set_op_generic(c, SET_INTER, NULL, 1);
}

/* SINTERSTORE destination key [key ...] */
void cmd_sinterstore(struct client *c)
{
    set_op_generic(c, SET_INTER, &c->argv[1], 2);
}

/* SUNION key [key ...] */
void cmd_sunion(struct client *c)
{
    set_op_generic(c, SET_UNION, NULL, 1);
}

/* SUNIONSTORE destination key [key ...] */
void cmd_sunionstore(struct client *c)
{
    set_op_generic(c, SET_UNION, &c->argv[1], 2);
}

/* SDIFF key [key ...] */
void cmd_sdiff(struct client *c)
{
    set_op_generic(c, SET_DIFF, NULL, 1);
}

/* SDIFFSTORE destination key [key ...] */
void cmd_sdiffstore(struct client *c)
{
    set_op_generic(c, SET_DIFF, &c->argv[1], 2);
}

/* SINTERCARD numkeys key [key ...] [LIMIT limit] */
void cmd_sintercard(struct client *c)
{
    long long numkeys, limit = 0;
    if (arg_ll_or_reply(c, &c->argv[1], &numkeys,
                        "numkeys should be greater than 0") != 0) {
        return;
    }
    if (numkeys <= 0) {
        reply_error(c, "numkeys should be greater than 0");
        return;
    }
    if (numkeys > c->argc - 2) {
        reply_error(c, "Number of keys can't be greater than number of "
                       "args");
        return;
    }
    for (int i = 2 + (int)numkeys; i < c->argc; i += 2) {
        if (arg_is(&c->argv[i], "limit") && i + 1 < c->argc) {
            if (arg_ll_or_reply(c, &c->argv[i + 1], &limit,
                                "LIMIT can't be negative") != 0) {
                return;
            }
            if (limit < 0) {
                reply_error(c, "LIMIT can't be negative");
                return;
            }
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    struct object **sets = mem_alloc((size_t)numkeys * sizeof(*sets));
    if (set_lookup_many(c, &c->argv[2], (int)numkeys, sets) != 0) {
        mem_free(sets);
        return;
    }
    struct object *out = set_compute(SET_INTER, sets, (int)numkeys,
                                     (size_t)limit);
    mem_free(sets);
    reply_integer(c, (long long)set_type_len(out));
    object_decr_ref(out);
}
