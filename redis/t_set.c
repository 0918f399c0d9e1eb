/* The set type: a dict of members (sds keys, no values). The
 * container API for sets (server.h) and the commands SADD SREM SMEMBERS
 * SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER SINTERSTORE
 * SUNION SUNIONSTORE SDIFF SDIFFSTORE SINTERCARD SSCAN. A key never holds
 * an empty set. SPOP is propagated as the SREM of what it popped, so
 * replicas remove the same members.
 *
 * Redis stores a set of at most 512 integers as an intset, which replies
 * in numeric order, and turns it into a hash table for good once a
 * non-integer or a 513th member comes. We keep a dict either way but mark
 * such a set OBJ_ENC_INTSET, so SMEMBERS, SSCAN and the set algebra reply
 * in the same order as Redis and OBJECT ENCODING says the same. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"

/* Members, owned; no values. */
static const struct dict_type set_dict_type = { true, NULL };

/* ------------------------------------------------------------------------
 * Container API */

#define SET_MAX_INTSET_ENTRIES 512 /* set-max-intset-entries */

struct object *set_type_new(void)
{
    return object_new(OBJ_SET, OBJ_ENC_INTSET, dict_new(&set_dict_type));
}

/* True if 'p' is a member an intset could hold. */
static bool set_is_int(const char *p, size_t len)
{
    long long v;
    return len > 0 && len < 21 && util_str2ll(p, len, &v) == 0;
}

/* After 'p' joined set 'o': leave the intset encoding if it no longer
 * fits. */
static void set_note_added(struct object *o, const char *p, size_t len)
{
    if (o->encoding == OBJ_ENC_INTSET &&
        (!set_is_int(p, len) ||
         dict_size(o->ptr) > SET_MAX_INTSET_ENTRIES)) {
        o->encoding = OBJ_ENC_HT;
    }
}

/* True if every member of 'd' is an integer and there are few enough:
 * what Redis would build as an intset. */
static bool set_fits_intset(struct dict *d)
{
    if (dict_size(d) > SET_MAX_INTSET_ENTRIES) {
        return false;
    }
    struct dict_iter it;
    dict_iter_init(&it, d);
    struct dict_entry *e;
    bool ok = true;
    while (ok && (e = dict_iter_next(&it)) != NULL) {
        ok = set_is_int(e->key, sds_len(e->key));
    }
    dict_iter_release(&it);
    return ok;
}

/* Add 'len' bytes at 'p' to 'd'; true if new. */
static bool set_dict_add(struct dict *d, const char *p, size_t len)
{
    if (dict_find(d, p, len) != NULL) {
        return false;
    }
    dict_insert(d, sds_new(p, len));
    return true;
}

bool set_type_add(struct object *o, const char *p, size_t len)
{
    bool added = set_dict_add(o->ptr, p, len);
    set_note_added(o, p, len);
    return added;
}

size_t set_type_len(const struct object *o)
{
    return dict_size(o->ptr);
}

int set_type_each(const struct object *o, container_elem_fn fn, void *priv)
{
    struct dict_iter it;
    dict_iter_init(&it, o->ptr);
    struct dict_entry *e;
    int rc = 0;
    while (rc == 0 && (e = dict_iter_next(&it)) != NULL) {
        rc = fn(priv, e->key, sds_len(e->key));
    }
    dict_iter_release(&it);
    return rc;
}

void set_type_free(struct object *o)
{
    dict_free(o->ptr);
}

/* ------------------------------------------------------------------------
 * Helpers */

/* The set at 'key' for a write, or NULL: '*wrong' tells a WRONGTYPE
 * (already replied) from a missing key. */
static struct dict *set_lookup_write(struct client *c, const struct arg *key,
                                     bool *wrong)
{
    return db_lookup_write_typed(c, key, OBJ_SET, wrong);
}

/* The set at 'key' for a read: NULL after replying 'miss' or WRONGTYPE. */
static struct dict *set_lookup_read(struct client *c, const struct arg *key,
                                    const char *miss)
{
    return db_lookup_read_typed_or_reply(c, key, OBJ_SET, miss);
}

static bool set_has(struct dict *d, const struct arg *m)
{
    return d != NULL && dict_find(d, m->ptr, m->len) != NULL;
}

/* After members were removed from 'key': delete it if empty, signal. */
static void set_after_remove(struct client *c, const char *key, size_t len,
                             struct dict *d)
{
    if (dict_size(d) == 0) {
        db_delete(c->db, key, len);
        notify_event(NOTIFY_GENERIC, "del", key, len, c->db->id);
    } else {
        dict_shrink_if_needed(d);
        db_signal_modified(c->db, key, len);
    }
}

static int set_cmp_int(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    long long u, v;
    util_str2ll(x, sds_len(x), &u);
    util_str2ll(y, sds_len(y), &v);
    return u < v ? -1 : u > v;
}

/* The members of 'd' (borrowed sds keys, in an owned array of '*n'),
 * in numeric order with 'sorted' (all must be integers). */
static const char **set_members(struct dict *d, bool sorted, size_t *n)
{
    const char **m = mem_alloc((dict_size(d) + 1) * sizeof(*m));
    struct dict_iter it;
    dict_iter_init(&it, d);
    struct dict_entry *e;
    *n = 0;
    while ((e = dict_iter_next(&it)) != NULL) {
        m[(*n)++] = e->key;
    }
    dict_iter_release(&it);
    if (sorted) {
        qsort(m, *n, sizeof(*m), set_cmp_int);
    }
    return m;
}

/* Reply every member of 'd' as a set, in numeric order with 'sorted'
 * (an intset's order). */
static void set_reply_members(struct client *c, struct dict *d, bool sorted)
{
    size_t n;
    const char **m = set_members(d, sorted, &n);
    reply_set(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        reply_bulk_sds(c, m[i]);
    }
    mem_free(m);
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
    struct dict *d =
        db_lookup_write_typed_or_reply(c, key, OBJ_SET, ":0\r\n");
    if (d == NULL) {
        return;
    }
    long long removed = 0;
    for (int i = 2; i < c->argc; i++) {
        removed += dict_delete(d, c->argv[i].ptr, c->argv[i].len);
    }
    if (removed > 0) {
        notify_arg(NOTIFY_SET, "srem", key, c->db->id);
        set_after_remove(c, key->ptr, key->len, d);
        server.dirty += removed;
    }
    reply_integer(c, removed);
}

/* SMEMBERS key */
void cmd_smembers(struct client *c)
{
    struct object *o = db_lookup_read_or_reply(c, &c->argv[1], "~0\r\n");
    if (o != NULL && object_check_type_or_reply(c, o, OBJ_SET) == 0) {
        set_reply_members(c, o->ptr, o->encoding == OBJ_ENC_INTSET);
    }
}

/* SISMEMBER key member */
void cmd_sismember(struct client *c)
{
    struct dict *d = set_lookup_read(c, &c->argv[1], ":0\r\n");
    if (d != NULL) {
        reply_integer(c, set_has(d, &c->argv[2]));
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
        reply_integer(c, set_has(o != NULL ? o->ptr : NULL, &c->argv[i]));
    }
}

/* SCARD key */
void cmd_scard(struct client *c)
{
    struct dict *d = set_lookup_read(c, &c->argv[1], ":0\r\n");
    if (d != NULL) {
        reply_integer(c, (long long)dict_size(d));
    }
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
    struct dict *d = set_lookup_write(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (d == NULL) {
        if (count >= 0) {
            reply_set(c, 0);
        } else {
            reply_null(c);
        }
        return;
    }
    size_t n = count < 0 ? 1 : (size_t)count;
    if (n > dict_size(d)) {
        n = dict_size(d);
    }
    if (n == 0) {
        reply_set(c, 0);
        return;
    }
    /* Unlink the sample first (its entries are borrowed), then free. */
    const struct dict_entry **sample = scan_sample_distinct(d, n);
    struct dict_entry **popped = mem_alloc(n * sizeof(*popped));
    for (size_t i = 0; i < n; i++) {
        const char *m = sample[i]->key;
        popped[i] = dict_unlink(d, m, sds_len(m));
    }
    mem_free(sample);
    struct arg *argv = mem_alloc((n + 2) * sizeof(*argv));
    argv[0] = (struct arg){ "SREM", 4 };
    argv[1] = *key;
    if (count >= 0) {
        reply_set(c, (long long)n);
    }
    for (size_t i = 0; i < n; i++) {
        reply_bulk_sds(c, popped[i]->key);
        argv[i + 2] = (struct arg){ popped[i]->key, sds_len(popped[i]->key) };
    }
    server_propagate(c->db->id, (int)n + 2, argv);
    c->flags |= CLIENT_PREVENT_PROP;
    server.dirty += (long long)n;
    for (size_t i = 0; i < n; i++) {
        dict_free_unlinked(d, popped[i]);
    }
    mem_free(popped);
    mem_free(argv);
    notify_arg(NOTIFY_SET, "spop", key, c->db->id);
    set_after_remove(c, key->ptr, key->len, d);
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
    struct dict *d = set_lookup_read(c, &c->argv[1],
                                     c->argc == 3 ? "*0\r\n" : "$-1\r\n");
    if (d == NULL) {
        return;
    }
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
    struct dict *from = so->ptr;
    struct dict *to = dobj != NULL ? dobj->ptr : NULL;
    if (from == to) {
        reply_integer(c, set_has(from, m));
        return;
    }
    if (!set_has(from, m)) {
        reply_integer(c, 0);
        return;
    }
    dict_delete(from, m->ptr, m->len);
    notify_arg(NOTIFY_SET, "srem", src, c->db->id);
    set_after_remove(c, src->ptr, src->len, from);
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
    const char **m = set_members(o->ptr, true, &n);
    reply_array(c, 2);
    reply_bulk_str(c, "0");
    size_t handle = reply_defer_len(c);
    long long shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (scan_opts_match(&opts, m[i], sds_len(m[i]))) {
            reply_bulk_sds(c, m[i]);
            shown++;
        }
    }
    reply_set_array_len(c, handle, shown);
    mem_free(m);
}

/* ------------------------------------------------------------------------
 * Algebra: SINTER, SUNION, SDIFF and their STORE forms, SINTERCARD */

enum set_op { SET_INTER, SET_UNION, SET_DIFF };

/* Look up 'count' keys from 'keys' into 'sets' (NULL for a missing key).
 * Returns -1 after a WRONGTYPE reply. */
static int set_lookup_many(struct client *c, const struct arg *keys,
                           int count, struct dict **sets)
{
    for (int i = 0; i < count; i++) {
        struct object *o = db_lookup_read(c->db, keys[i].ptr, keys[i].len);
        if (o != NULL && o->type != OBJ_SET) {
            reply_wrongtype(c);
            return -1;
        }
        sets[i] = o != NULL ? o->ptr : NULL;
    }
    return 0;
}

static int set_cmp_size(const void *a, const void *b)
{
    size_t x = dict_size(*(struct dict *const *)a);
    size_t y = dict_size(*(struct dict *const *)b);
    return x < y ? -1 : x > y;
}

/* True if 'm' is in every set of 'sets[1..count-1]'. */
static bool set_in_all(struct dict **sets, int count, const char *m)
{
    size_t len = sds_len(m);
    for (int j = 1; j < count; j++) {
        if (dict_find(sets[j], m, len) == NULL) {
            return false;
        }
    }
    return true;
}

/* The result of 'op' over 'sets' as a new dict (owned), stopping at
 * 'limit' members for an intersection (0: no limit). */
static struct dict *set_compute(enum set_op op, struct dict **sets,
                                int count, size_t limit)
{
    struct dict *out = dict_new(&set_dict_type);
    struct dict_iter it;
    struct dict_entry *e;
    if (op == SET_INTER) {
        for (int i = 0; i < count; i++) {
            if (sets[i] == NULL) {
                return out;
            }
        }
        qsort(sets, (size_t)count, sizeof(*sets), set_cmp_size);
        dict_iter_init(&it, sets[0]);
        while ((e = dict_iter_next(&it)) != NULL &&
               (limit == 0 || dict_size(out) < limit)) {
            if (set_in_all(sets, count, e->key)) {
                set_dict_add(out, e->key, sds_len(e->key));
            }
        }
        dict_iter_release(&it);
        return out;
    }
    for (int i = 0; i < count; i++) {
        if (sets[i] == NULL) {
            continue;
        }
        if (op == SET_DIFF && i > 0) {
            break;
        }
        dict_iter_init(&it, sets[i]);
        while ((e = dict_iter_next(&it)) != NULL) {
            bool keep = true;
            for (int j = 1; op == SET_DIFF && keep && j < count; j++) {
                keep = sets[j] == NULL ||
                       dict_find(sets[j], e->key, sds_len(e->key)) == NULL;
            }
            if (keep) {
                set_dict_add(out, e->key, sds_len(e->key));
            }
        }
        dict_iter_release(&it);
    }
    return out;
}

/* S<op> key [key ...] (dst NULL) or S<op>STORE destination key [key ...] */
static void set_op_generic(struct client *c, enum set_op op,
                           const struct arg *dst, int first)
{
    int count = c->argc - first;
    struct dict **sets = mem_alloc((size_t)count * sizeof(*sets));
    if (set_lookup_many(c, &c->argv[first], count, sets) != 0) {
        mem_free(sets);
        return;
    }
    /* Redis replies an intersection in the order of its smallest set,
     * and builds unions and differences as intsets when they fit. */
    bool smallest_intset = false;
    size_t smallest = SIZE_MAX;
    for (int i = 0; i < count; i++) {
        size_t size = sets[i] != NULL ? dict_size(sets[i]) : 0;
        if (size < smallest) {
            smallest = size;
            /* Looked up already (expired keys gone): no second count. */
            struct dict_entry *e = dict_find(c->db->dict,
                                             c->argv[first + i].ptr,
                                             c->argv[first + i].len);
            struct object *o = e != NULL ? e->v.ptr : NULL;
            smallest_intset = o != NULL && o->encoding == OBJ_ENC_INTSET;
        }
    }
    struct dict *out = set_compute(op, sets, count, 0);
    mem_free(sets);
    bool fits = set_fits_intset(out);
    if (dst == NULL) {
        set_reply_members(c, out,
                          fits && (op != SET_INTER || smallest_intset));
        dict_free(out);
        return;
    }
    long long n = (long long)dict_size(out);
    if (n > 0) {
        db_set_key(c->db, dst->ptr, dst->len,
                   object_new(OBJ_SET, fits ? OBJ_ENC_INTSET : OBJ_ENC_HT,
                              out), false);
        notify_arg(NOTIFY_SET, op == SET_INTER ? "sinterstore" : op ==
                   SET_UNION ? "sunionstore" : "sdiffstore", dst, c->db->id);
    } else {
        dict_free(out);
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
    struct dict **sets = mem_alloc((size_t)numkeys * sizeof(*sets));
    if (set_lookup_many(c, &c->argv[2], (int)numkeys, sets) != 0) {
        mem_free(sets);
        return;
    }
    struct dict *out = set_compute(SET_INTER, sets, (int)numkeys,
                                   (size_t)limit);
    mem_free(sets);
    reply_integer(c, (long long)dict_size(out));
    dict_free(out);
}
