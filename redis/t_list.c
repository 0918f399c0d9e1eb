/* The list type: a ring buffer of sds strings (OBJ_ENC_QUICKLIST), so
 * pushes and pops at both ends are O(1) and LINDEX/LSET are O(1); inserts
 * and removals in the middle move the shorter side. Also the container API
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
#include "redis/server.h"

/* The value of a list object. */
struct list_value {
    char **items; /* 'cap' slots, elements from 'head' on, wrapping */
    size_t head;  /* slot of the first element */
    size_t len;   /* elements */
    size_t cap;   /* slots: 0 or a power of two */
};

/* Which end of a list. */
enum list_end { LIST_HEAD = 0, LIST_TAIL = 1 };

/* ------------------------------------------------------------------------
 * The ring buffer */

static char **list_slot(struct list_value *l, size_t index)
{
    return &l->items[(l->head + index) & (l->cap - 1)];
}

static void list_grow(struct list_value *l)
{
    size_t cap = l->cap ? l->cap * 2 : 4;
    char **items = mem_alloc(cap * sizeof(*items));
    for (size_t i = 0; i < l->len; i++) {
        items[i] = *list_slot(l, i);
    }
    mem_free(l->items);
    l->items = items;
    l->head = 0;
    l->cap = cap;
}

/* Give memory back when the list uses under a quarter of its slots. */
static void list_maybe_shrink(struct list_value *l)
{
    if (l->cap <= 16 || l->len * 4 >= l->cap) {
        return;
    }
    size_t cap = l->cap / 2;
    char **items = mem_alloc(cap * sizeof(*items));
    for (size_t i = 0; i < l->len; i++) {
        items[i] = *list_slot(l, i);
    }
    mem_free(l->items);
    l->items = items;
    l->head = 0;
    l->cap = cap;
}

/* Add the sds string 's' (taken) at 'end'. */
static void list_push_sds(struct list_value *l, char *s, enum list_end end)
{
    if (l->len == l->cap) {
        list_grow(l);
    }
    if (end == LIST_HEAD) {
        l->head = (l->head + l->cap - 1) & (l->cap - 1);
        l->items[l->head] = s;
    } else {
        *list_slot(l, l->len) = s;
    }
    l->len++;
}

/* Remove the element at 'end' and return it (owned); the list must not be
 * empty. */
static char *list_pop_sds(struct list_value *l, enum list_end end)
{
    assert(l->len > 0);
    char *s;
    if (end == LIST_HEAD) {
        s = l->items[l->head];
        l->head = (l->head + 1) & (l->cap - 1);
    } else {
        s = *list_slot(l, l->len - 1);
    }
    l->len--;
    list_maybe_shrink(l);
    return s;
}

/* Insert 's' (taken) so that it becomes element 'index' (0..len). */
static void list_insert_at(struct list_value *l, size_t index, char *s)
{
    if (l->len == l->cap) {
        list_grow(l);
    }
    if (index < l->len / 2) {
        l->head = (l->head + l->cap - 1) & (l->cap - 1);
        l->len++;
        for (size_t i = 0; i < index; i++) {
            *list_slot(l, i) = *list_slot(l, i + 1);
        }
    } else {
        l->len++;
        for (size_t i = l->len - 1; i > index; i--) {
            *list_slot(l, i) = *list_slot(l, i - 1);
        }
    }
    *list_slot(l, index) = s;
}

static void list_free_value(struct list_value *l)
{
    for (size_t i = 0; i < l->len; i++) {
        sds_free(*list_slot(l, i));
    }
    mem_free(l->items);
    mem_free(l);
}

/* Turn a Redis index (negative counts from the end) into 0..len-1, or
 * return -1 if it is out of range. */
static long long list_index(const struct list_value *l, long long index)
{
    if (index < 0) {
        index += (long long)l->len;
    }
    return index >= 0 && index < (long long)l->len ? index : -1;
}

static bool list_elem_eq(const char *s, const struct arg *a)
{
    return sds_len(s) == a->len && memcmp(s, a->ptr, a->len) == 0;
}

/* ------------------------------------------------------------------------
 * Container API */

struct object *list_type_new(void)
{
    return object_new(OBJ_LIST, OBJ_ENC_QUICKLIST,
                      mem_calloc(1, sizeof(struct list_value)));
}

void list_type_push(struct object *o, const char *p, size_t len)
{
    list_push_sds(o->ptr, sds_new(p, len), LIST_TAIL);
}

size_t list_type_len(const struct object *o)
{
    return ((const struct list_value *)o->ptr)->len;
}

int list_type_each(const struct object *o, container_elem_fn fn, void *priv)
{
    struct list_value *l = o->ptr;
    for (size_t i = 0; i < l->len; i++) {
        char *s = *list_slot(l, i);
        int rc = fn(priv, s, sds_len(s));
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

int list_type_each_range(const struct object *o, size_t start, size_t count,
                         container_elem_fn fn, void *priv)
{
    struct list_value *l = o->ptr;
    for (size_t i = start; i < l->len && i - start < count; i++) {
        char *s = *list_slot(l, i);
        int rc = fn(priv, s, sds_len(s));
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

void list_type_free(struct object *o)
{
    list_free_value(o->ptr);
}

/* ------------------------------------------------------------------------
 * Helpers of the commands */

/* The list at 'key' for a write, or NULL: '*wrong' tells a WRONGTYPE
 * (already replied) from a missing key. */
static struct list_value *list_lookup(struct client *c, const struct arg *key,
                                      bool *wrong)
{
    return db_lookup_write_typed(c, key, OBJ_LIST, wrong);
}

/* The list at 'key' for a read: NULL after replying 'miss' or WRONGTYPE. */
static struct list_value *list_lookup_read(struct client *c,
                                           const struct arg *key,
                                           const char *miss)
{
    return db_lookup_read_typed_or_reply(c, key, OBJ_LIST, miss);
}

/* After elements were removed from 'key': delete it if empty, signal. */
static void list_after_remove(struct client *c, const char *key, size_t len,
                              struct list_value *l)
{
    if (l->len == 0) {
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
    struct list_value *l = list_lookup(c, key, &wrong);
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
        list_push_sds(l, sds_new(c->argv[i].ptr, c->argv[i].len), end);
    }
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_LIST, end == LIST_HEAD ? "lpush" : "rpush", key,
               c->db->id);
    server.dirty += c->argc - 2;
    reply_integer(c, (long long)l->len);
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
    struct list_value *l = list_lookup(c, key, &wrong);
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
        long long n = count < (long long)l->len ? count : (long long)l->len;
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
    struct list_value *l = list_lookup_read(c, &c->argv[1], ":0\r\n");
    if (l != NULL) {
        reply_integer(c, (long long)l->len);
    }
}

/* LINDEX key index */
void cmd_lindex(struct client *c)
{
    long long index;
    struct list_value *l = list_lookup_read(c, &c->argv[1], "$-1\r\n");
    if (l == NULL || arg_ll_or_reply(c, &c->argv[2], &index, NULL) != 0) {
        return;
    }
    index = list_index(l, index);
    if (index < 0) {
        reply_null(c);
    } else {
        reply_bulk_sds(c, *list_slot(l, (size_t)index));
    }
}

/* LSET key index element */
void cmd_lset(struct client *c)
{
    const struct arg *key = &c->argv[1];
    long long index;
    bool wrong;
    struct list_value *l = list_lookup(c, key, &wrong);
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
    char **slot = list_slot(l, (size_t)index);
    sds_free(*slot);
    *slot = sds_new(c->argv[3].ptr, c->argv[3].len);
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
    struct list_value *l = list_lookup_read(c, &c->argv[1], "*0\r\n");
    if (l == NULL) {
        return;
    }
    if (!util_clamp_range((long long)l->len, &start, &end)) {
        reply_array(c, 0);
        return;
    }
    reply_array(c, end - start + 1);
    for (long long i = start; i <= end; i++) {
        reply_bulk_sds(c, *list_slot(l, (size_t)i));
    }
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
    struct list_value *l = list_lookup(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (l == NULL) {
        reply_ok(c);
        return;
    }
    long long keep_from = 0, keep_to = -1;
    if (util_clamp_range((long long)l->len, &start, &end)) {
        keep_from = start;
        keep_to = end;
    }
    long long tail_drop = (long long)l->len - 1 - keep_to;
    if (keep_to < keep_from) {
        keep_from = (long long)l->len;
        tail_drop = 0;
    }
    for (long long i = 0; i < tail_drop; i++) {
        sds_free(list_pop_sds(l, LIST_TAIL));
    }
    for (long long i = 0; i < keep_from; i++) {
        sds_free(list_pop_sds(l, LIST_HEAD));
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
    struct list_value *l =
        db_lookup_write_typed_or_reply(c, key, OBJ_LIST, ":0\r\n");
    if (l == NULL) {
        return;
    }
    for (size_t i = 0; i < l->len; i++) {
        if (list_elem_eq(*list_slot(l, i), &c->argv[3])) {
            list_insert_at(l, after ? i + 1 : i,
                           sds_new(c->argv[4].ptr, c->argv[4].len));
            db_signal_modified(c->db, key->ptr, key->len);
            notify_arg(NOTIFY_LIST, "linsert", key, c->db->id);
            server.dirty++;
            reply_integer(c, (long long)l->len);
            return;
        }
    }
    reply_integer(c, -1);
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
    struct list_value *l =
        db_lookup_write_typed_or_reply(c, key, OBJ_LIST, ":0\r\n");
    if (l == NULL) {
        return;
    }
    /* Matches with an index in [lo, hi] go. */
    size_t lo = 0, hi = l->len;
    if (count > 0) {
        long long seen = 0;
        for (size_t i = 0; i < l->len; i++) {
            if (list_elem_eq(*list_slot(l, i), elem) && ++seen == count) {
                hi = i;
                break;
            }
        }
    } else if (count < 0) {
        long long seen = 0;
        for (size_t i = l->len; i-- > 0;) {
            if (list_elem_eq(*list_slot(l, i), elem) && --seen == count) {
                lo = i;
                break;
            }
        }
    }
    size_t kept = 0;
    long long removed = 0;
    for (size_t i = 0; i < l->len; i++) {
        char *s = *list_slot(l, i);
        if (i >= lo && i <= hi && list_elem_eq(s, elem)) {
            sds_free(s);
            removed++;
        } else {
            *list_slot(l, kept++) = s;
        }
    }
    l->len = kept;
    if (removed > 0) {
        list_maybe_shrink(l);
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
    struct list_value *l = list_lookup_read(c, &c->argv[1],
                                            count >= 0 ? "*0\r\n"
                                                       : "$-1\r\n");
    if (l == NULL) {
        return;
    }
    size_t handle = count >= 0 ? reply_defer_len(c) : 0;
    long long found = 0, skip = (rank > 0 ? rank : -rank) - 1;
    long long len = (long long)l->len;
    for (long long step = 0; step < len && (maxlen == 0 || step < maxlen);
         step++) {
        long long i = rank > 0 ? step : len - 1 - step;
        if (!list_elem_eq(*list_slot(l, (size_t)i), &c->argv[2])) {
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
                          struct list_value *l, const struct arg *dst,
                          enum list_end from, enum list_end to)
{
    char *s = list_pop_sds(l, from);
    reply_bulk_sds(c, s);
    server.dirty++;
    if (src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0) {
        /* A rotation: the list never empties, the key keeps its TTL. */
        list_push_sds(l, s, to);
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
    list_push_sds(o->ptr, s, to);
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
    struct list_value *l =
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
    struct list_value *l = value;
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
    struct list_value *l = list_lookup(c, src, &wrong);
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
    struct list_value *l = value;
    enum list_end end = tail ? LIST_TAIL : LIST_HEAD;
    long long n = count < (long long)l->len ? count : (long long)l->len;
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
