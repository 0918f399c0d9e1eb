/* The list type: a quicklist (quicklist.c) of listpack nodes bounded by
 * list-max-listpack-size, inner nodes LZF-compressed past
 * list-compress-depth (OBJ_ENC_QUICKLIST, as OBJECT ENCODING of Redis 7.0
 * names every list). Pushes and pops at both ends are O(1); indexes walk
 * the nodes from the nearer end. Also the container API
 * for lists (server.h) and the list commands: LPUSH RPUSH LPUSHX RPUSHX
 * LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS RPOPLPUSH LMOVE
 * LMPOP and the blocking BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP, whose
 * waiting is done by blocking.c: this file only says how a woken client
 * is served.
 *
 * A key never holds an empty list: whatever removes the last element
 * deletes the key. */
#include <assert.h>
#include <limits.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/quicklist.h"
#include "redis/server.h"

/* Which end of a list. */
enum list_end { LIST_HEAD = 0, LIST_TAIL = 1 };

/* ------------------------------------------------------------------------
 * The value: a quicklist */

/* Add 'len' bytes at 'p' at 'end'. */
static void list_push(struct quicklist *l, const char *p, size_t len,
                      enum list_end end)
{
    quicklist_push(l, p, len, end == LIST_HEAD);
}

/* Remove the element at 'end' and return it (owned sds); the list must
 * not be empty. */
static char *list_pop_sds(struct quicklist *l, enum list_end end)
{
    return quicklist_pop(l, end == LIST_HEAD);
}

/* Turn a Redis index (negative counts from the end) into 0..len-1, or
 * return -1 if it is out of range. */
static long long list_index(const struct quicklist *l, long long index)
{
    if (index < 0) {
        index += (long long)l->count;
    }
    return index >= 0 && index < (long long)l->count ? index : -1;
}

static bool list_eq(const char *p, size_t len, const struct arg *a)
{
    return len == a->len && memcmp(p, a->ptr, a->len) == 0;
}

/* ------------------------------------------------------------------------
 * Container API */

struct object *list_type_new(void)
{
    return object_new(OBJ_LIST, OBJ_ENC_QUICKLIST,
                      quicklist_new(server.list_max_listpack_size,
                                    server.list_compress_depth));
}

void list_type_push(struct object *o, const char *p, size_t len)
{
    list_push(o->ptr, p, len, LIST_TAIL);
}

size_t list_type_len(const struct object *o)
{
    return ((const struct quicklist *)o->ptr)->count;
}

int list_type_each(const struct object *o, container_elem_fn fn, void *priv)
{
    struct quicklist_iter it;
    const char *p;
    size_t len;
    int rc = 0;
    quicklist_iter_init(&it, o->ptr, 0, true);
    while (rc == 0 && quicklist_iter_next(&it, &p, &len)) {
        rc = fn(priv, p, len);
    }
    quicklist_iter_release(&it);
    return rc;
}

int list_type_each_range(const struct object *o, size_t start, size_t count,
                         container_elem_fn fn, void *priv)
{
    struct quicklist_iter it;
    const char *p;
    size_t len;
    int rc = 0;
    quicklist_iter_init(&it, o->ptr, start, true);
    for (size_t n = 0; rc == 0 && n < count &&
                       quicklist_iter_next(&it, &p, &len); n++) {
        rc = fn(priv, p, len);
    }
    quicklist_iter_release(&it);
    return rc;
}

void list_type_free(struct object *o)
{
    quicklist_free(o->ptr);
}

/* ------------------------------------------------------------------------
 * Helpers of the commands */

/* The list at 'key' for a write, or NULL: '*wrong' tells a WRONGTYPE
 * (already replied) from a missing key. */
static struct quicklist *list_lookup(struct client *c, const struct arg *key,
                                      bool *wrong)
{
    return db_lookup_write_typed(c, key, OBJ_LIST, wrong);
}

/* The list at 'key' for a read: NULL after replying 'miss' or WRONGTYPE. */
static struct quicklist *list_lookup_read(struct client *c,
                                           const struct arg *key,
                                           const char *miss)
{
    return db_lookup_read_typed_or_reply(c, key, OBJ_LIST, miss);
}

/* After elements were removed from 'key': delete it if empty, signal. */
static void list_after_remove(struct client *c, const char *key, size_t len,
                              struct quicklist *l)
{
    if (l->count == 0) {
        db_delete(c->db, key, len);
        notify_event(NOTIFY_GENERIC, "del", key, len, c->db->id);
    } else {
        db_signal_modified(c->db, key, len);
    }
}

/* Push c->argv[2..] at 'end' of 'key'; with 'only_existing' (the X
 * variants) do nothing if the key is missing. */
static void list_push_generic(struct client *c, enum list_end end,
                              bool only_existing)
{
    const struct arg *key = &c->argv[1];
    bool wrong;
    struct quicklist *l = list_lookup(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (l == NULL) {
        if (only_existing) {
            reply_integer(c, 0);
            return;
        }
        struct object *o = list_type_new();
        db_add(c->db, key->ptr, key->len, o);
        l = o->ptr;
    }
    for (int i = 2; i < c->argc; i++) {
        list_push(l, c->argv[i].ptr, c->argv[i].len, end);
    }
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_LIST, end == LIST_HEAD ? "lpush" : "rpush", key,
               c->db->id);
    server.dirty += c->argc - 2;
    reply_integer(c, (long long)l->count);
}

/* LPUSH key element [element ...] */
void cmd_lpush(struct client *c)
{
    list_push_generic(c, LIST_HEAD, false);
}

/* RPUSH key element [element ...] */
void cmd_rpush(struct client *c)
{
    list_push_generic(c, LIST_TAIL, false);
}

/* LPUSHX key element [element ...] */
void cmd_lpushx(struct client *c)
{
    list_push_generic(c, LIST_HEAD, true);
}

/* RPUSHX key element [element ...] */
void cmd_rpushx(struct client *c)
{
    list_push_generic(c, LIST_TAIL, true);
}

/* LPOP/RPOP key [count] */
static void list_pop_generic(struct client *c, enum list_end end)
{
    const struct arg *key = &c->argv[1];
    long long count = -1;
    if (c->argc > 3) {
        reply_error(c, "wrong number of arguments for '%s' command",
                    c->cmd->spec->name);
        return;
    }
    if (c->argc == 3) {
        if (util_str2ll(c->argv[2].ptr, c->argv[2].len, &count) != 0 ||
            count < 0) {
            reply_error(c, "value is out of range, must be positive");
            return;
        }
    }
    bool wrong;
    struct quicklist *l = list_lookup(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (l == NULL) {
        if (count >= 0) {
            reply_null_array(c);
        } else {
            reply_null(c);
        }
        return;
    }
    if (count < 0) {
        char *s = list_pop_sds(l, end);
        reply_bulk_sds(c, s);
        sds_free(s);
        server.dirty++;
    } else {
        long long n = count < (long long)l->count ? count
                                                  : (long long)l->count;
        reply_array(c, n);
        for (long long i = 0; i < n; i++) {
            char *s = list_pop_sds(l, end);
            reply_bulk_sds(c, s);
            sds_free(s);
        }
        if (n == 0) {
            return;
        }
        server.dirty += n;
    }
    notify_arg(NOTIFY_LIST, end == LIST_HEAD ? "lpop" : "rpop", key,
               c->db->id);
    list_after_remove(c, key->ptr, key->len, l);
}

/* LPOP key [count] */
void cmd_lpop(struct client *c)
{
    list_pop_generic(c, LIST_HEAD);
}

/* RPOP key [count] */
void cmd_rpop(struct client *c)
{
    list_pop_generic(c, LIST_TAIL);
}

/* LLEN key */
void cmd_llen(struct client *c)
{
    struct quicklist *l = list_lookup_read(c, &c->argv[1], ":0\r\n");
    if (l != NULL) {
        reply_integer(c, (long long)l->count);
    }
}

/* LINDEX key index */
void cmd_lindex(struct client *c)
{
    long long index;
    struct quicklist *l = list_lookup_read(c, &c->argv[1], "$-1\r\n");
    if (l == NULL || arg_ll_or_reply(c, &c->argv[2], &index, NULL) != 0) {
        return;
    }
    index = list_index(l, index);
    if (index < 0) {
        reply_null(c);
        return;
    }
    struct quicklist_iter it;
    const char *p;
    size_t len;
    quicklist_iter_init(&it, l, (size_t)index, true);
    if (quicklist_iter_next(&it, &p, &len)) {
        reply_bulk(c, p, len);
    }
    quicklist_iter_release(&it);
}

/* LSET key index element */
void cmd_lset(struct client *c)
{
    const struct arg *key = &c->argv[1];
    long long index;
    bool wrong;
    struct quicklist *l = list_lookup(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (l == NULL) {
        reply_error(c, "no such key");
        return;
    }
    if (arg_ll_or_reply(c, &c->argv[2], &index, NULL) != 0) {
        return;
    }
    index = list_index(l, index);
    if (index < 0) {
        reply_error(c, "index out of range");
        return;
    }
    quicklist_replace(l, (size_t)index, c->argv[3].ptr, c->argv[3].len);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_LIST, "lset", key, c->db->id);
    server.dirty++;
    reply_ok(c);
}

/* LRANGE key start stop */
void cmd_lrange(struct client *c)
{
    long long start, end;
    if (arg_ll_or_reply(c, &c->argv[2], &start, NULL) != 0 ||
        arg_ll_or_reply(c, &c->argv[3], &end, NULL) != 0) {
        return;
    }
    struct quicklist *l = list_lookup_read(c, &c->argv[1], "*0\r\n");
    if (l == NULL) {
        return;
    }
    if (!util_clamp_range((long long)l->count, &start, &end)) {
        reply_array(c, 0);
        return;
    }
    reply_array(c, end - start + 1);
    struct quicklist_iter it;
    const char *p;
    size_t len;
    quicklist_iter_init(&it, l, (size_t)start, true);
    for (long long i = start; i <= end && quicklist_iter_next(&it, &p, &len);
         i++) {
        reply_bulk(c, p, len);
    }
    quicklist_iter_release(&it);
}

/* LTRIM key start stop */
void cmd_ltrim(struct client *c)
{
    const struct arg *key = &c->argv[1];
    long long start, end;
    if (arg_ll_or_reply(c, &c->argv[2], &start, NULL) != 0 ||
        arg_ll_or_reply(c, &c->argv[3], &end, NULL) != 0) {
        return;
    }
    bool wrong;
    struct quicklist *l = list_lookup(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (l == NULL) {
        reply_ok(c);
        return;
    }
    long long keep_from = 0, keep_to = -1;
    if (util_clamp_range((long long)l->count, &start, &end)) {
        keep_from = start;
        keep_to = end;
    }
    long long tail_drop = (long long)l->count - 1 - keep_to;
    if (keep_to < keep_from) {
        keep_from = (long long)l->count;
        tail_drop = 0;
    }
    if (tail_drop > 0) {
        quicklist_delete_range(l, l->count - (size_t)tail_drop,
                               (size_t)tail_drop);
    }
    if (keep_from > 0) {
        quicklist_delete_range(l, 0, (size_t)keep_from);
    }
    notify_arg(NOTIFY_LIST, "ltrim", key, c->db->id);
    list_after_remove(c, key->ptr, key->len, l);
    server.dirty += keep_from + tail_drop;
    reply_ok(c);
}

/* LINSERT key BEFORE|AFTER pivot element */
void cmd_linsert(struct client *c)
{
    const struct arg *key = &c->argv[1];
    bool after;
    if (arg_is(&c->argv[2], "after")) {
        after = true;
    } else if (arg_is(&c->argv[2], "before")) {
        after = false;
    } else {
        reply_syntax_error(c);
        return;
    }
    struct quicklist *l =
        db_lookup_write_typed_or_reply(c, key, OBJ_LIST, ":0\r\n");
    if (l == NULL) {
        return;
    }
    struct quicklist_iter it;
    const char *p;
    size_t len, i = 0;
    bool found = false;
    quicklist_iter_init(&it, l, 0, true);
    while (quicklist_iter_next(&it, &p, &len)) {
        if (list_eq(p, len, &c->argv[3])) {
            found = true;
            break;
        }
        i++;
    }
    quicklist_iter_release(&it);
    if (!found) {
        reply_integer(c, -1);
        return;
    }
    quicklist_insert(l, after ? i + 1 : i, c->argv[4].ptr, c->argv[4].len);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_LIST, "linsert", key, c->db->id);
    server.dirty++;
    reply_integer(c, (long long)l->count);
}

/* LREM key count element: remove the first 'count' matches (from the tail
 * if negative, all if 0). */
void cmd_lrem(struct client *c)
{
    const struct arg *key = &c->argv[1], *elem = &c->argv[3];
    long long count;
    if (arg_ll_or_reply(c, &c->argv[2], &count, NULL) != 0) {
        return;
    }
    struct quicklist *l =
        db_lookup_write_typed_or_reply(c, key, OBJ_LIST, ":0\r\n");
    if (l == NULL) {
        return;
    }
    /* Matches with an index in [lo, hi] go. */
    size_t lo = 0, hi = l->count;
    struct quicklist_iter it;
    const char *p;
    size_t len;
    if (count != 0) {
        long long seen = 0;
        size_t i = count > 0 ? 0 : l->count - 1;
        quicklist_iter_init(&it, l, i, count > 0);
        while (quicklist_iter_next(&it, &p, &len)) {
            if (list_eq(p, len, elem) && ++seen == (count > 0 ? count
                                                               : -count)) {
                *(count > 0 ? &hi : &lo) = i;
                break;
            }
            i += count > 0 ? 1 : (size_t)-1;
        }
        quicklist_iter_release(&it);
    }
    /* Copy what stays into a new quicklist: one pass, whatever the
     * matches' positions. */
    struct quicklist *kept = quicklist_new(l->fill, l->depth);
    long long removed = 0;
    size_t i = 0;
    quicklist_iter_init(&it, l, 0, true);
    while (quicklist_iter_next(&it, &p, &len)) {
        if (i >= lo && i <= hi && list_eq(p, len, elem)) {
            removed++;
        } else {
            quicklist_push(kept, p, len, false);
        }
        i++;
    }
    quicklist_iter_release(&it);
    if (removed > 0) {
        quicklist_take(l, kept);
    } else {
        quicklist_free(kept);
    }
    if (removed > 0) {
        notify_arg(NOTIFY_LIST, "lrem", key, c->db->id);
        list_after_remove(c, key->ptr, key->len, l);
        server.dirty += removed;
    }
    reply_integer(c, removed);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
void cmd_lpos(struct client *c)
{
    long long rank = 1, count = -1, maxlen = 0;
    for (int i = 3; i < c->argc; i += 2) {
        if (i + 1 >= c->argc) {
            reply_syntax_error(c);
            return;
        }
        const struct arg *v = &c->argv[i + 1];
        if (arg_is(&c->argv[i], "rank")) {
            if (arg_ll_or_reply(c, v, &rank, NULL) != 0) {
                return;
            }
            if (rank == LLONG_MIN) {
                /* Redis 7.0 takes it: its negation wraps to itself, a
                 * rank every match passes, so it acts as -1. */
                rank = -1;
            }
            if (rank == 0) {
                reply_error(c, "RANK can't be zero: use 1 to start from "
                               "the first match, 2 from the second ... or "
                               "use negative to start from the end of the "
                               "list");
                return;
            }
        } else if (arg_is(&c->argv[i], "count") ||
                   arg_is(&c->argv[i], "maxlen")) {
            bool is_count = arg_is(&c->argv[i], "count");
            const char *msg = is_count ? "COUNT can't be negative"
                                       : "MAXLEN can't be negative";
            long long n;
            if (arg_ll_or_reply(c, v, &n, msg) != 0) {
                return;
            }
            if (n < 0) {
                reply_error(c, "%s", msg);
                return;
            }
            *(is_count ? &count : &maxlen) = n;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    struct quicklist *l = list_lookup_read(c, &c->argv[1],
                                            count >= 0 ? "*0\r\n"
                                                       : "$-1\r\n");
    if (l == NULL) {
        return;
    }
    size_t handle = count >= 0 ? reply_defer_len(c) : 0;
    long long found = 0, skip = (rank > 0 ? rank : -rank) - 1;
    long long len = (long long)l->count;
    struct quicklist_iter it;
    const char *p;
    size_t plen;
    quicklist_iter_init(&it, l, rank > 0 ? 0 : (size_t)len - 1, rank > 0);
    for (long long step = 0; step < len && (maxlen == 0 || step < maxlen) &&
                             quicklist_iter_next(&it, &p, &plen);
         step++) {
        long long i = rank > 0 ? step : len - 1 - step;
        if (!list_eq(p, plen, &c->argv[2])) {
            continue;
        }
        if (skip > 0) {
            skip--;
            continue;
        }
        reply_integer(c, i);
        found++;
        if (count < 0 || (count > 0 && found == count)) {
            break;
        }
    }
    quicklist_iter_release(&it);
    if (count >= 0) {
        reply_set_array_len(c, handle, found);
    } else if (found == 0) {
        reply_null(c);
    }
}

/* ------------------------------------------------------------------------
 * Moving and blocking */

/* Parse LEFT|RIGHT; reply a syntax error if neither. */
static int list_end_or_reply(struct client *c, const struct arg *a,
                             enum list_end *end)
{
    if (arg_is(a, "left")) {
        *end = LIST_HEAD;
    } else if (arg_is(a, "right")) {
        *end = LIST_TAIL;
    } else {
        reply_syntax_error(c);
        return -1;
    }
    return 0;
}

/* Check that 'dst' is missing or a list; reply WRONGTYPE if not. */
static int list_check_dst_or_reply(struct client *c, const struct arg *dst)
{
    struct object *o = db_lookup_write(c->db, dst->ptr, dst->len);
    if (o != NULL && o->type != OBJ_LIST) {
        reply_wrongtype(c);
        return -1;
    }
    return 0;
}

/* Move one element from 'from' of list 'src' (non-empty) to 'to' of 'dst'
 * (missing or a list) and reply it as a bulk string. */
static void list_move_one(struct client *c, const struct arg *src,
                          struct quicklist *l, const struct arg *dst,
                          enum list_end from, enum list_end to)
{
    char *s = list_pop_sds(l, from);
    reply_bulk_sds(c, s);
    server.dirty++;
    if (src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0) {
        /* A rotation: the list never empties, the key keeps its TTL. */
        list_push(l, s, sds_len(s), to);
        sds_free(s);
        db_signal_modified(c->db, src->ptr, src->len);
        notify_arg(NOTIFY_LIST, to == LIST_HEAD ? "lpush" : "rpush", dst,
                   c->db->id);
        notify_arg(NOTIFY_LIST, from == LIST_HEAD ? "lpop" : "rpop", src,
                   c->db->id);
        return;
    }
    /* Redis's order of events: the push to 'dst', then the pop from
     * 'src' (and its deletion). */
    struct object *o = db_lookup_write(c->db, dst->ptr, dst->len);
    if (o == NULL) {
        o = list_type_new();
        db_add(c->db, dst->ptr, dst->len, o);
    }
    list_push(o->ptr, s, sds_len(s), to);
    sds_free(s);
    db_signal_modified(c->db, dst->ptr, dst->len);
    notify_arg(NOTIFY_LIST, to == LIST_HEAD ? "lpush" : "rpush", dst,
               c->db->id);
    notify_arg(NOTIFY_LIST, from == LIST_HEAD ? "lpop" : "rpop", src,
               c->db->id);
    list_after_remove(c, src->ptr, src->len, l);
}

/* Propagate a blocking command's effect as its plain form. */
static void list_propagate_pop(struct client *c, const struct arg *key,
                               enum list_end end)
{
    struct arg argv[2] = { { end == LIST_HEAD ? "LPOP" : "RPOP", 4 }, *key };
    server_propagate(c->db->id, 2, argv);
    c->flags |= CLIENT_PREVENT_PROP;
}

static void list_propagate_move(struct client *c, const struct arg *src,
                                const struct arg *dst, enum list_end from,
                                enum list_end to)
{
    struct arg argv[5] = {
        { "LMOVE", 5 }, *src, *dst,
        { from == LIST_HEAD ? "LEFT" : "RIGHT", from == LIST_HEAD ? 4 : 5 },
        { to == LIST_HEAD ? "LEFT" : "RIGHT", to == LIST_HEAD ? 4 : 5 },
    };
    server_propagate(c->db->id, 5, argv);
    c->flags |= CLIENT_PREVENT_PROP;
}

static void list_move_generic(struct client *c, enum list_end from,
                              enum list_end to)
{
    const struct arg *src = &c->argv[1], *dst = &c->argv[2];
    struct quicklist *l =
        db_lookup_write_typed_or_reply(c, src, OBJ_LIST, "$-1\r\n");
    if (l == NULL) {
        return;
    }
    if (list_check_dst_or_reply(c, dst) != 0) {
        return;
    }
    list_move_one(c, src, l, dst, from, to);
}

/* RPOPLPUSH source destination */
void cmd_rpoplpush(struct client *c)
{
    list_move_generic(c, LIST_TAIL, LIST_HEAD);
}

/* LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
void cmd_lmove(struct client *c)
{
    enum list_end from, to;
    if (list_end_or_reply(c, &c->argv[3], &from) == 0 &&
        list_end_or_reply(c, &c->argv[4], &to) == 0) {
        list_move_generic(c, from, to);
    }
}

/* The mpop_type pop_one of lists: pop one element from the head (or with
 * 'tail' the tail) of the non-empty list 'value' at 'key', reply [key,
 * element] and propagate it as LPOP/RPOP (BLPOP, BRPOP). */
static void list_bpop_one(struct client *c, const struct arg *key,
                          void *value, bool tail)
{
    struct quicklist *l = value;
    enum list_end end = tail ? LIST_TAIL : LIST_HEAD;
    char *s = list_pop_sds(l, end);
    reply_array(c, 2);
    reply_bulk(c, key->ptr, key->len);
    reply_bulk_sds(c, s);
    sds_free(s);
    server.dirty++;
    list_propagate_pop(c, key, end);
    notify_arg(NOTIFY_LIST, tail ? "rpop" : "lpop", key, c->db->id);
    list_after_remove(c, key->ptr, key->len, l);
}

static void list_mpop_reply(struct client *c, const struct arg *key,
                            void *value, bool tail, long long count);
static bool list_serve_mpop(struct client *c, int argc,
                            const struct arg *argv, const struct arg *key);
static bool list_serve_pop(struct client *c, int argc, const struct arg *argv,
                           const struct arg *key);

/* Lists in the multi-key pops (mpop.c): LMPOP, BLMPOP, BLPOP, BRPOP. */
static const struct mpop_type list_mpop_type = {
    OBJ_LIST, { "left", "right" }, list_mpop_reply, list_serve_mpop,
    "brpop", list_bpop_one, list_serve_pop
};

/* Serve a client blocked in BLPOP/BRPOP from 'key'. */
static bool list_serve_pop(struct client *c, int argc, const struct arg *argv,
                           const struct arg *key)
{
    return mpop_serve_one(&list_mpop_type, c, argc, argv, key);
}

/* The ends of a BRPOPLPUSH / BLMOVE command 'argv'. */
static void list_move_ends(int argc, const struct arg *argv,
                           enum list_end *from, enum list_end *to)
{
    if (argc == 4) {
        *from = LIST_TAIL;
        *to = LIST_HEAD;
    } else {
        *from = arg_is(&argv[3], "left") ? LIST_HEAD : LIST_TAIL;
        *to = arg_is(&argv[4], "left") ? LIST_HEAD : LIST_TAIL;
    }
}

/* Serve a client blocked in BRPOPLPUSH/BLMOVE. If the destination now
 * holds another type, it gets WRONGTYPE and is unblocked, like Redis. */
static bool list_serve_move(struct client *c, int argc,
                            const struct arg *argv, const struct arg *key)
{
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    if (o == NULL || o->type != OBJ_LIST) {
        return false;
    }
    if (list_check_dst_or_reply(c, &argv[2]) != 0) {
        return true;
    }
    enum list_end from, to;
    list_move_ends(argc, argv, &from, &to);
    list_move_one(c, key, o->ptr, &argv[2], from, to);
    list_propagate_move(c, key, &argv[2], from, to);
    return true;
}

/* BLPOP key [key ...] timeout */
void cmd_blpop(struct client *c)
{
    mpop_bpop_command(c, &list_mpop_type, false);
}

/* BRPOP key [key ...] timeout */
void cmd_brpop(struct client *c)
{
    mpop_bpop_command(c, &list_mpop_type, true);
}

/* BRPOPLPUSH source destination timeout and
 * BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
static void list_bmove_generic(struct client *c)
{
    enum list_end from = LIST_TAIL, to = LIST_HEAD;
    if (c->argc == 6 && (list_end_or_reply(c, &c->argv[3], &from) != 0 ||
                         list_end_or_reply(c, &c->argv[4], &to) != 0)) {
        return;
    }
    long long timeout;
    if (blocking_timeout_or_reply(c, &c->argv[c->argc - 1], &timeout) != 0) {
        return;
    }
    const struct arg *src = &c->argv[1], *dst = &c->argv[2];
    bool wrong;
    struct quicklist *l = list_lookup(c, src, &wrong);
    if (wrong) {
        return;
    }
    if (l == NULL) {
        blocking_block(c, 1, 1, timeout, list_serve_move);
        return;
    }
    if (list_check_dst_or_reply(c, dst) != 0) {
        return;
    }
    list_move_one(c, src, l, dst, from, to);
    list_propagate_move(c, src, dst, from, to);
}

/* BRPOPLPUSH source destination timeout */
void cmd_brpoplpush(struct client *c)
{
    list_bmove_generic(c);
}

/* BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
void cmd_blmove(struct client *c)
{
    list_bmove_generic(c);
}

/* ------------------------------------------------------------------------
 * LMPOP and BLMPOP */

/* The mpop_type pop_reply of lists: pop up to 'count' elements from the
 * head (or with 'tail' the tail) of the list 'value' at 'key', reply [key,
 * [element ...]] and propagate an LPOP/RPOP with that count. */
static void list_mpop_reply(struct client *c, const struct arg *key,
                            void *value, bool tail, long long count)
{
    struct quicklist *l = value;
    enum list_end end = tail ? LIST_TAIL : LIST_HEAD;
    long long n = count < (long long)l->count ? count : (long long)l->count;
    reply_array(c, 2);
    reply_bulk(c, key->ptr, key->len);
    reply_array(c, n);
    for (long long i = 0; i < n; i++) {
        char *s = list_pop_sds(l, end);
        reply_bulk_sds(c, s);
        sds_free(s);
    }
    server.dirty += n;
    char buf[SERVER_LONG_STR_SIZE];
    struct arg argv[3] = { { end == LIST_HEAD ? "LPOP" : "RPOP", 4 }, *key,
                           { buf, util_ll2str(buf, n) } };
    server_propagate(c->db->id, 3, argv);
    c->flags |= CLIENT_PREVENT_PROP;
    notify_arg(NOTIFY_LIST, tail ? "rpop" : "lpop", key, c->db->id);
    list_after_remove(c, key->ptr, key->len, l);
}


/* Serve a client blocked in BLMPOP from 'key'. */
static bool list_serve_mpop(struct client *c, int argc,
                            const struct arg *argv, const struct arg *key)
{
    return mpop_serve(&list_mpop_type, c, argc, argv, key);
}

/* LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] */
void cmd_lmpop(struct client *c)
{
    mpop_command(c, &list_mpop_type, false);
}

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
void cmd_blmpop(struct client *c)
{
    mpop_command(c, &list_mpop_type, true);
}
