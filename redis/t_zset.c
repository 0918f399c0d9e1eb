/* The sorted set commands, over either encoding of the value
 * (t_zset_value.c: a listpack for small sets, a skiplist and dict for
 * big ones) walked through struct zset_pos. The commands ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT
 * ZLEXCOUNT ZRANGE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX
 * ZREVRANGEBYLEX ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX ZPOPMIN
 * ZPOPMAX BZPOPMIN BZPOPMAX ZMPOP BZMPOP ZRANGESTORE ZRANDMEMBER ZSCAN. The
 * set operations (ZUNION, ZINTER, ZDIFF and their STORE forms) are in
 * t_zset_setop.c. A key never holds an empty sorted set. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/t_zset.h"
#include "redis/zskiplist.h"

/* ------------------------------------------------------------------------
 * Helpers of the commands */

/* The sorted set object at 'key' for a write, or NULL: '*wrong' tells a
 * WRONGTYPE (already replied) from a missing key. */
static struct object *zset_lookup_write(struct client *c,
                                        const struct arg *key, bool *wrong)
{
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    *wrong = o != NULL && object_check_type_or_reply(c, o, OBJ_ZSET) != 0;
    return *wrong ? NULL : o;
}

/* The same, replying 'miss' for a missing key. */
static struct object *zset_lookup_write_or_reply(struct client *c,
                                                 const struct arg *key,
                                                 const char *miss)
{
    bool wrong;
    struct object *o = zset_lookup_write(c, key, &wrong);
    if (o == NULL && !wrong) {
        reply_canned(c, miss);
    }
    return o;
}

/* The sorted set object at 'key' for a read: NULL after replying 'miss'
 * or WRONGTYPE. */
static struct object *zset_lookup_read(struct client *c,
                                       const struct arg *key,
                                       const char *miss)
{
    struct object *o = db_lookup_read_or_reply(c, key, miss);
    if (o == NULL || object_check_type_or_reply(c, o, OBJ_ZSET) != 0) {
        return NULL;
    }
    return o;
}

/* After members were removed from 'key': delete it if empty, signal. */
static void zset_after_remove(struct client *c, const struct arg *key,
                              struct object *o)
{
    if (zset_len(o) == 0) {
        db_delete(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_GENERIC, "del", key, c->db->id);
    } else {
        zset_after_change(o);
        db_signal_modified(c->db, key->ptr, key->len);
    }
}

/* Parse one end of a score range: "1.5", "(1.5", "-inf", "+inf". */
static int zset_parse_score_bound(const struct arg *a, double *v, bool *ex)
{
    const char *p = a->ptr;
    size_t len = a->len;
    *ex = false;
    if (len > 0 && p[0] == '(') {
        *ex = true;
        p++;
        len--;
    }
    long double ld;
    if (util_str2ld(p, len, &ld) != 0) {
        return -1;
    }
    *v = (double)ld;
    return isnan(*v) ? -1 : 0;
}

static int zset_range_or_reply(struct client *c, const struct arg *min,
                               const struct arg *max, struct zsl_range *r)
{
    if (zset_parse_score_bound(min, &r->min, &r->min_ex) != 0 ||
        zset_parse_score_bound(max, &r->max, &r->max_ex) != 0) {
        reply_error(c, "min or max is not a float");
        return -1;
    }
    return 0;
}

/* Parse one end of a lex range: "[a", "(a", "-", "+". Borrows 'a'. */
static int zset_parse_lex_bound(const struct arg *a, struct zsl_lex_bound *b)
{
    b->inf = 0;
    b->ex = false;
    if (a->len == 1 && (a->ptr[0] == '-' || a->ptr[0] == '+')) {
        b->inf = a->ptr[0] == '-' ? -1 : 1;
        return 0;
    }
    if (a->len == 0 || (a->ptr[0] != '(' && a->ptr[0] != '[')) {
        return -1;
    }
    b->ex = a->ptr[0] == '(';
    b->p = a->ptr + 1;
    b->len = a->len - 1;
    return 0;
}

static int zset_lex_or_reply(struct client *c, const struct arg *min,
                             const struct arg *max, struct zsl_lex_range *r)
{
    if (zset_parse_lex_bound(min, &r->min) != 0 ||
        zset_parse_lex_bound(max, &r->max) != 0) {
        reply_error(c, "min or max not valid string range item");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * ZADD, ZINCRBY, ZREM and single-member reads */

#define ZADD_NX (1u << 0)
#define ZADD_XX (1u << 1)
#define ZADD_GT (1u << 2)
#define ZADD_LT (1u << 3)
#define ZADD_CH (1u << 4)
#define ZADD_INCR (1u << 5)

/* What ZADD did with one member. */
enum zset_add_result {
    ZSET_ADD_SKIPPED,  /* refused by NX, XX, GT or LT */
    ZSET_ADD_SAME,     /* present with the resulting score already */
    ZSET_ADD_ADDED,
    ZSET_ADD_UPDATED,
    ZSET_ADD_NAN,      /* an increment gave NaN: nothing done */
};

/* ZADD's engine for one member; the resulting score goes into '*out'. */
static enum zset_add_result zset_add_one(struct object *z,
                                         const struct arg *m, double score,
                                         unsigned flags, double *out)
{
    double cur;
    if (zset_score(z, m->ptr, m->len, &cur)) {
        if (flags & ZADD_NX) {
            return ZSET_ADD_SKIPPED;
        }
        double next = (flags & ZADD_INCR) ? cur + score : score;
        if (isnan(next)) {
            return ZSET_ADD_NAN;
        }
        if (((flags & ZADD_GT) && next <= cur) ||
            ((flags & ZADD_LT) && next >= cur)) {
            return ZSET_ADD_SKIPPED;
        }
        *out = next;
        if (next == cur) {
            return ZSET_ADD_SAME;
        }
        zset_type_add(z, m->ptr, m->len, next);
        return ZSET_ADD_UPDATED;
    }
    if (flags & ZADD_XX) {
        return ZSET_ADD_SKIPPED;
    }
    zset_type_add(z, m->ptr, m->len, score);
    *out = score;
    return ZSET_ADD_ADDED;
}

/* ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
 * and, with 'flags' ZADD_INCR preset, ZINCRBY key increment member. */
static void zset_add_generic(struct client *c, unsigned flags)
{
    const struct arg *key = &c->argv[1];
    int i = 2;
    for (; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        if (arg_is(a, "nx")) {
            flags |= ZADD_NX;
        } else if (arg_is(a, "xx")) {
            flags |= ZADD_XX;
        } else if (arg_is(a, "gt")) {
            flags |= ZADD_GT;
        } else if (arg_is(a, "lt")) {
            flags |= ZADD_LT;
        } else if (arg_is(a, "ch")) {
            flags |= ZADD_CH;
        } else if (arg_is(a, "incr")) {
            flags |= ZADD_INCR;
        } else {
            break;
        }
    }
    int pairs = (c->argc - i) / 2;
    if ((c->argc - i) % 2 != 0 || pairs == 0) {
        reply_syntax_error(c);
        return;
    }
    if ((flags & ZADD_NX) && (flags & ZADD_XX)) {
        reply_error(c, "XX and NX options at the same time are not "
                       "compatible");
        return;
    }
    if (((flags & ZADD_GT) && (flags & ZADD_LT)) ||
        ((flags & ZADD_NX) && (flags & (ZADD_GT | ZADD_LT)))) {
        reply_error(c, "GT, LT, and/or NX options at the same time are not "
                       "compatible");
        return;
    }
    if ((flags & ZADD_INCR) && pairs > 1) {
        reply_error(c, "INCR option supports a single increment-element "
                       "pair");
        return;
    }
    double *scores = mem_alloc((size_t)pairs * sizeof(*scores));
    for (int p = 0; p < pairs; p++) {
        if (arg_double_or_reply(c, &c->argv[i + 2 * p], &scores[p]) != 0) {
            mem_free(scores);
            return;
        }
    }
    bool wrong;
    struct object *z = zset_lookup_write(c, key, &wrong);
    if (wrong) {
        mem_free(scores);
        return;
    }
    bool created = false;
    if (z == NULL) {
        if (flags & ZADD_XX) {
            mem_free(scores);
            if (flags & ZADD_INCR) {
                reply_null(c);
            } else {
                reply_integer(c, 0);
            }
            return;
        }
        z = zset_type_new_for(c->argv[i + 1].len);
        db_add(c->db, key->ptr, key->len, z);
        created = true;
    }
    long long added = 0, changed = 0;
    double result = 0;
    enum zset_add_result rc = ZSET_ADD_SKIPPED;
    for (int p = 0; p < pairs; p++) {
        rc = zset_add_one(z, &c->argv[i + 2 * p + 1], scores[p], flags,
                          &result);
        if (rc == ZSET_ADD_NAN) {
            reply_error(c, "resulting score is not a number (NaN)");
            mem_free(scores);
            if (created && zset_len(z) == 0) {
                db_delete(c->db, key->ptr, key->len);
            }
            return;
        }
        added += rc == ZSET_ADD_ADDED;
        changed += rc == ZSET_ADD_UPDATED;
    }
    mem_free(scores);
    if (created && zset_len(z) == 0) {
        db_delete(c->db, key->ptr, key->len);
    } else if (added + changed > 0) {
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_ZSET, (flags & ZADD_INCR) ? "zincr" : "zadd", key,
                   c->db->id);
        server.dirty += added + changed;
    }
    if (flags & ZADD_INCR) {
        if (rc != ZSET_ADD_SKIPPED) {
            reply_double(c, result);
        } else {
            reply_null(c);
        }
    } else {
        reply_integer(c, added + ((flags & ZADD_CH) ? changed : 0));
    }
}

/* ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] */
void cmd_zadd(struct client *c)
{
    zset_add_generic(c, 0);
}

/* ZINCRBY key increment member */
void cmd_zincrby(struct client *c)
{
    const struct arg *key = &c->argv[1], *m = &c->argv[3];
    double incr, result = 0;
    if (arg_double_or_reply(c, &c->argv[2], &incr) != 0) {
        return;
    }
    bool wrong;
    struct object *z = zset_lookup_write(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (z == NULL) {
        z = zset_type_new_for(m->len);
        db_add(c->db, key->ptr, key->len, z);
    }
    if (zset_add_one(z, m, incr, ZADD_INCR, &result) == ZSET_ADD_NAN) {
        reply_error(c, "resulting score is not a number (NaN)");
        if (zset_len(z) == 0) {
            db_delete(c->db, key->ptr, key->len);
        }
        return;
    }
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_ZSET, "zincr", key, c->db->id);
    server.dirty++;
    reply_double(c, result);
}

/* ZREM key member [member ...] */
void cmd_zrem(struct client *c)
{
    const struct arg *key = &c->argv[1];
    struct object *z = zset_lookup_write_or_reply(c, key, ":0\r\n");
    if (z == NULL) {
        return;
    }
    long long removed = 0;
    for (int i = 2; i < c->argc; i++) {
        removed += zset_remove(z, c->argv[i].ptr, c->argv[i].len);
    }
    if (removed > 0) {
        notify_arg(NOTIFY_ZSET, "zrem", key, c->db->id);
        zset_after_remove(c, key, z);
        server.dirty += removed;
    }
    reply_integer(c, removed);
}

/* ZCARD key */
void cmd_zcard(struct client *c)
{
    struct object *z = zset_lookup_read(c, &c->argv[1], ":0\r\n");
    if (z != NULL) {
        reply_integer(c, (long long)zset_len(z));
    }
}

/* ZSCORE key member */
void cmd_zscore(struct client *c)
{
    struct object *z = zset_lookup_read(c, &c->argv[1], "$-1\r\n");
    double score;
    if (z == NULL) {
        return;
    }
    if (zset_score(z, c->argv[2].ptr, c->argv[2].len, &score)) {
        reply_double(c, score);
    } else {
        reply_null(c);
    }
}

/* ZMSCORE key member [member ...] */
void cmd_zmscore(struct client *c)
{
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (o != NULL && object_check_type_or_reply(c, o, OBJ_ZSET) != 0) {
        return;
    }
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        double score;
        if (o != NULL && zset_score(o, c->argv[i].ptr, c->argv[i].len,
                                    &score)) {
            reply_double(c, score);
        } else {
            reply_null(c);
        }
    }
}

/* ZRANK / ZREVRANK key member */
static void zset_rank_generic(struct client *c, bool rev)
{
    struct object *z = zset_lookup_read(c, &c->argv[1], "$-1\r\n");
    double score;
    if (z == NULL) {
        return;
    }
    const struct arg *m = &c->argv[2];
    if (!zset_score(z, m->ptr, m->len, &score)) {
        reply_null(c);
        return;
    }
    size_t rank;
    if (z->encoding == OBJ_ENC_SKIPLIST) {
        rank = zsl_rank(((struct zset_value *)z->ptr)->zsl, score, m->ptr,
                        m->len) - 1;
    } else {
        struct zset_pos pos;
        for (rank = 0, zset_first(z, &pos); zset_pos_ok(&pos);
             zset_next(&pos), rank++) {
            const char *p;
            size_t len;
            zset_get(&pos, &p, &len);
            if (len == m->len && memcmp(p, m->ptr, len) == 0) {
                break;
            }
        }
    }
    reply_integer(c, rev ? (long long)(zset_len(z) - 1 - rank)
                         : (long long)rank);
}

/* ZRANK key member */
void cmd_zrank(struct client *c)
{
    zset_rank_generic(c, false);
}

/* ZREVRANK key member */
void cmd_zrevrank(struct client *c)
{
    zset_rank_generic(c, true);
}

/* The number of members of 'z' within 'r' (see zset_first_in). */
static long long zset_count_in(struct object *z, const void *r, bool lex)
{
    struct zset_pos first, last;
    zset_first_in(z, r, lex, &first);
    if (!zset_pos_ok(&first)) {
        return 0;
    }
    zset_last_in(z, r, lex, &last);
    if (!zset_pos_ok(&last)) {
        return 0;
    }
    size_t lo = zset_pos_rank(z, &first), hi = zset_pos_rank(z, &last);
    return hi >= lo ? (long long)(hi - lo + 1) : 0;
}

/* ZCOUNT key min max */
void cmd_zcount(struct client *c)
{
    struct zsl_range r;
    if (zset_range_or_reply(c, &c->argv[2], &c->argv[3], &r) != 0) {
        return;
    }
    struct object *z = zset_lookup_read(c, &c->argv[1], ":0\r\n");
    if (z != NULL) {
        reply_integer(c, zset_count_in(z, &r, false));
    }
}

/* ZLEXCOUNT key min max */
void cmd_zlexcount(struct client *c)
{
    struct zsl_lex_range r;
    if (zset_lex_or_reply(c, &c->argv[2], &c->argv[3], &r) != 0) {
        return;
    }
    struct object *z = zset_lookup_read(c, &c->argv[1], ":0\r\n");
    if (z != NULL) {
        reply_integer(c, zset_count_in(z, &r, true));
    }
}

/* ------------------------------------------------------------------------
 * Ranges */

enum zset_by { ZSET_BY_RANK, ZSET_BY_SCORE, ZSET_BY_LEX };

/* A parsed range request. */
struct zset_range_req {
    enum zset_by by;
    bool rev;
    bool with_scores;
    long long offset;  /* LIMIT, 0 and -1 (all) by default */
    long long count;
    struct object *store; /* ZRANGESTORE's result, or NULL: reply */
};

/* Output of a range: an array reply whose length is set at the end, or
 * members added to q->store. */
static size_t zset_out_begin(struct client *c, const struct zset_range_req *q)
{
    return q->store != NULL ? 0 : reply_defer_len(c);
}

static void zset_out_node(struct client *c, const struct zset_range_req *q,
                          struct zset_pos *pos)
{
    if (q->store != NULL) {
        const char *m;
        size_t len;
        double score = zset_get(pos, &m, &len);
        zset_type_add(q->store, m, len, score);
    } else {
        zset_reply_pos(c, pos, q->with_scores);
    }
}

static void zset_out_end(struct client *c, const struct zset_range_req *q,
                         size_t handle, long long n)
{
    if (q->store == NULL) {
        reply_set_array_len(c, handle, q->with_scores
                                       ? reply_pairs_len(c, n) : n);
    }
}

/* Output the nodes of rank range [start, end] (0-based, from the end
 * with 'rev'). */
static void zset_range_by_rank(struct client *c, struct object *z,
                               long long start, long long end,
                               const struct zset_range_req *q)
{
    long long len = (long long)zset_len(z);
    size_t handle = zset_out_begin(c, q);
    long long n = 0;
    if (util_clamp_range(len, &start, &end)) {
        struct zset_pos pos;
        zset_by_rank(z, q->rev ? (size_t)(len - 1 - start) : (size_t)start,
                     &pos);
        for (; n < end - start + 1 && zset_pos_ok(&pos); n++) {
            zset_out_node(c, q, &pos);
            if (q->rev) {
                zset_prev(&pos);
            } else {
                zset_next(&pos);
            }
        }
    }
    zset_out_end(c, q, handle, n);
}

/* Output the members from 'pos' on (backwards with 'rev') while they
 * are within 'range' (see zset_first_in), after skipping 'offset', at
 * most 'count' (<0: all). */
static void zset_range_walk(struct client *c, struct zset_pos *pos,
                            const struct zset_range_req *q,
                            const void *range, bool lex)
{
    long long offset = q->offset, count = q->count;
    bool ok = offset >= 0 && zset_pos_ok(pos);
    while (ok && offset > 0) {
        if (q->rev) {
            zset_prev(pos);
        } else {
            zset_next(pos);
        }
        ok = zset_pos_ok(pos);
        offset--;
    }
    size_t handle = zset_out_begin(c, q);
    long long n = 0;
    while (ok && count != 0 && zset_pos_in(pos, range, lex)) {
        zset_out_node(c, q, pos);
        n++;
        if (count > 0) {
            count--;
        }
        if (q->rev) {
            zset_prev(pos);
        } else {
            zset_next(pos);
        }
        ok = zset_pos_ok(pos);
    }
    zset_out_end(c, q, handle, n);
}

/* Run range request 'q' on 'key' between arguments 'from' and 'to' (in
 * the command's order: max first for reversed score and lex ranges).
 * Returns 0, or -1 after an error reply. */
static int zset_range_generic(struct client *c, const struct arg *key,
                              const struct arg *from, const struct arg *to,
                              const struct zset_range_req *q)
{
    long long start = 0, end = 0;
    struct zsl_range sr;
    struct zsl_lex_range lr;
    const struct arg *min = q->rev ? to : from, *max = q->rev ? from : to;
    if (q->by == ZSET_BY_RANK) {
        if (arg_ll_or_reply(c, from, &start, NULL) != 0 ||
            arg_ll_or_reply(c, to, &end, NULL) != 0) {
            return -1;
        }
    } else if (q->by == ZSET_BY_SCORE) {
        if (zset_range_or_reply(c, min, max, &sr) != 0) {
            return -1;
        }
    } else if (zset_lex_or_reply(c, min, max, &lr) != 0) {
        return -1;
    }
    struct object *o = db_lookup_read(c->db, key->ptr, key->len);
    if (o != NULL && object_check_type_or_reply(c, o, OBJ_ZSET) != 0) {
        return -1;
    }
    if (o == NULL) {
        zset_out_end(c, q, zset_out_begin(c, q), 0);
        return 0;
    }
    if (q->by == ZSET_BY_RANK) {
        zset_range_by_rank(c, o, start, end, q);
        return 0;
    }
    bool lex = q->by == ZSET_BY_LEX;
    const void *range = lex ? (const void *)&lr : (const void *)&sr;
    struct zset_pos pos;
    if (q->rev) {
        zset_last_in(o, range, lex, &pos);
    } else {
        zset_first_in(o, range, lex, &pos);
    }
    zset_range_walk(c, &pos, q, range, lex);
    return 0;
}

/* Parse [WITHSCORES] [LIMIT offset count] (and for ZRANGE also BYSCORE,
 * BYLEX, REV) from argument 'first' on into 'q'. */
static int zset_range_opts_or_reply(struct client *c, int first,
                                    bool zrange, struct zset_range_req *q)
{
    bool limit = false;
    for (int i = first; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        if (arg_is(a, "withscores")) {
            q->with_scores = true;
        } else if (arg_is(a, "limit") && i + 2 < c->argc) {
            if (arg_ll_or_reply(c, &c->argv[i + 1], &q->offset, NULL) != 0 ||
                arg_ll_or_reply(c, &c->argv[i + 2], &q->count, NULL) != 0) {
                return -1;
            }
            limit = true;
            i += 2;
        } else if (zrange && q->by == ZSET_BY_RANK &&
                   (arg_is(a, "byscore") || arg_is(a, "bylex"))) {
            /* At most one BY: a second is a syntax error, as in Redis. */
            q->by = arg_is(a, "byscore") ? ZSET_BY_SCORE : ZSET_BY_LEX;
        } else if (zrange && arg_is(a, "rev")) {
            q->rev = true;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (limit && q->by == ZSET_BY_RANK) {
        reply_error(c, "syntax error, LIMIT is only supported in "
                       "combination with either BYSCORE or BYLEX");
        return -1;
    }
    if (q->with_scores && q->by == ZSET_BY_LEX) {
        reply_error(c, "syntax error, WITHSCORES not supported in "
                       "combination with BYLEX");
        return -1;
    }
    return 0;
}

/* ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count]
 * [WITHSCORES] */
void cmd_zrange(struct client *c)
{
    struct zset_range_req q = { ZSET_BY_RANK, false, false, 0, -1, NULL };
    if (zset_range_opts_or_reply(c, 4, true, &q) == 0) {
        zset_range_generic(c, &c->argv[1], &c->argv[2], &c->argv[3], &q);
    }
}

/* ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] */
void cmd_zrangestore(struct client *c)
{
    const struct arg *dst = &c->argv[1];
    struct zset_range_req q = { ZSET_BY_RANK, false, false, 0, -1, NULL };
    if (zset_range_opts_or_reply(c, 5, true, &q) != 0) {
        return;
    }
    if (q.with_scores) {
        reply_syntax_error(c);
        return;
    }
    q.store = zset_type_new();
    if (zset_range_generic(c, &c->argv[2], &c->argv[3], &c->argv[4],
                           &q) != 0) {
        object_decr_ref(q.store);
        return;
    }
    long long len = (long long)zset_len(q.store);
    if (len > 0) {
        db_set_key(c->db, dst->ptr, dst->len, q.store, false);
        notify_arg(NOTIFY_ZSET, "zrangestore", dst, c->db->id);
    } else {
        object_decr_ref(q.store);
        if (db_delete(c->db, dst->ptr, dst->len)) {
            notify_arg(NOTIFY_GENERIC, "del", dst, c->db->id);
        }
    }
    server.dirty++;
    reply_integer(c, len);
}

/* The older range commands: fixed BY and direction. */
static void zset_range_fixed(struct client *c, enum zset_by by, bool rev)
{
    struct zset_range_req q = { by, rev, false, 0, -1, NULL };
    if (by == ZSET_BY_RANK && c->argc > 5) {
        reply_syntax_error(c);
        return;
    }
    if (zset_range_opts_or_reply(c, 4, false, &q) == 0) {
        zset_range_generic(c, &c->argv[1], &c->argv[2], &c->argv[3], &q);
    }
}

/* ZREVRANGE key start stop [WITHSCORES] */
void cmd_zrevrange(struct client *c)
{
    zset_range_fixed(c, ZSET_BY_RANK, true);
}

/* ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] */
void cmd_zrangebyscore(struct client *c)
{
    zset_range_fixed(c, ZSET_BY_SCORE, false);
}

/* ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count] */
void cmd_zrevrangebyscore(struct client *c)
{
    zset_range_fixed(c, ZSET_BY_SCORE, true);
}

/* ZRANGEBYLEX key min max [LIMIT offset count] */
void cmd_zrangebylex(struct client *c)
{
    zset_range_fixed(c, ZSET_BY_LEX, false);
}

/* ZREVRANGEBYLEX key max min [LIMIT offset count] */
void cmd_zrevrangebylex(struct client *c)
{
    zset_range_fixed(c, ZSET_BY_LEX, true);
}

/* ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max */
static void zset_remrange_generic(struct client *c, enum zset_by by)
{
    const struct arg *key = &c->argv[1];
    long long start = 0, end = 0;
    struct zsl_range sr;
    struct zsl_lex_range lr;
    if (by == ZSET_BY_RANK) {
        if (arg_ll_or_reply(c, &c->argv[2], &start, NULL) != 0 ||
            arg_ll_or_reply(c, &c->argv[3], &end, NULL) != 0) {
            return;
        }
    } else if (by == ZSET_BY_SCORE) {
        if (zset_range_or_reply(c, &c->argv[2], &c->argv[3], &sr) != 0) {
            return;
        }
    } else if (zset_lex_or_reply(c, &c->argv[2], &c->argv[3], &lr) != 0) {
        return;
    }
    struct object *z = zset_lookup_write_or_reply(c, key, ":0\r\n");
    if (z == NULL) {
        return;
    }
    long long removed = 0;
    size_t first = 0;
    if (by == ZSET_BY_RANK) {
        if (util_clamp_range((long long)zset_len(z), &start, &end)) {
            first = (size_t)start;
            removed = end - start + 1;
        }
    } else {
        bool lex = by == ZSET_BY_LEX;
        const void *range = lex ? (const void *)&lr : (const void *)&sr;
        struct zset_pos pos;
        zset_first_in(z, range, lex, &pos);
        if (zset_pos_ok(&pos)) {
            first = zset_pos_rank(z, &pos);
        }
        for (; zset_pos_ok(&pos) && zset_pos_in(&pos, range, lex);
             zset_next(&pos)) {
            removed++;
        }
    }
    if (removed > 0) {
        zset_delete_ranks(z, first, (size_t)removed);
    }
    if (removed > 0) {
        notify_arg(NOTIFY_ZSET, by == ZSET_BY_RANK ? "zremrangebyrank" :
                   by == ZSET_BY_SCORE ? "zremrangebyscore" :
                   "zremrangebylex", key, c->db->id);
        zset_after_remove(c, key, z);
        server.dirty += removed;
    }
    reply_integer(c, removed);
}

/* ZREMRANGEBYRANK key start stop */
void cmd_zremrangebyrank(struct client *c)
{
    zset_remrange_generic(c, ZSET_BY_RANK);
}

/* ZREMRANGEBYSCORE key min max */
void cmd_zremrangebyscore(struct client *c)
{
    zset_remrange_generic(c, ZSET_BY_SCORE);
}

/* ZREMRANGEBYLEX key min max */
void cmd_zremrangebylex(struct client *c)
{
    zset_remrange_generic(c, ZSET_BY_LEX);
}

/* How zset_pop_members replies each member and its score. */
enum zset_pop_shape {
    ZSET_POP_FLAT,  /* member, score */
    ZSET_POP_PAIR,  /* a pair (an array in RESP2, a map entry's shape) */
    ZSET_POP_ARRAY, /* a 2-element array */
};

/* Reply and remove the 'n' (<= size) lowest members of 'z', or the
 * highest with 'max', in popping order. */
static void zset_pop_members(struct client *c, struct object *z, bool max,
                             size_t n, enum zset_pop_shape shape)
{
    struct zset_pos pos;
    if (max) {
        zset_last(z, &pos);
    } else {
        zset_first(z, &pos);
    }
    for (size_t i = 0; i < n; i++) {
        if (shape == ZSET_POP_ARRAY) {
            reply_array(c, 2);
        }
        zset_reply_pos(c, &pos, shape == ZSET_POP_PAIR);
        if (shape != ZSET_POP_PAIR) {
            const char *m;
            size_t len;
            reply_double(c, zset_get(&pos, &m, &len));
        }
        if (max) {
            zset_prev(&pos);
        } else {
            zset_next(&pos);
        }
    }
    zset_delete_ranks(z, max ? zset_len(z) - n : 0, n);
}

/* ZPOPMIN / ZPOPMAX key [count] */
static void zset_pop_generic(struct client *c, bool max)
{
    const struct arg *key = &c->argv[1];
    long long count = 1;
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
    struct object *z = zset_lookup_write(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (z == NULL || count == 0) {
        reply_array(c, 0);
        return;
    }
    if ((size_t)count > zset_len(z)) {
        count = (long long)zset_len(z);
    }
    /* Without a count the one pair comes flat, as Redis sends it. */
    bool flat = c->argc == 2;
    reply_array(c, flat ? 2 : reply_pairs_len(c, count));
    zset_pop_members(c, z, max, (size_t)count,
                     flat ? ZSET_POP_FLAT : ZSET_POP_PAIR);
    notify_arg(NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", key, c->db->id);
    zset_after_remove(c, key, z);
    server.dirty += count;
}

/* ZPOPMIN key [count] */
void cmd_zpopmin(struct client *c)
{
    zset_pop_generic(c, false);
}

/* The mpop_type pop_one of sorted sets: pop the lowest (or highest with
 * 'max') member of the non-empty 'value' at 'key', reply [key, member,
 * score] and propagate it as ZPOPMIN/ZPOPMAX. */
static void zset_bpop_one(struct client *c, const struct arg *key,
                          void *value, bool max)
{
    (void)value; /* o->ptr: the object is needed, as the encoding may be
                  * a listpack */
    struct object *z = db_lookup_write(c->db, key->ptr, key->len);
    reply_array(c, 3);
    reply_bulk(c, key->ptr, key->len);
    zset_pop_members(c, z, max, 1, ZSET_POP_FLAT);
    notify_arg(NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", key, c->db->id);
    zset_after_remove(c, key, z);
    server.dirty++;
    struct arg argv[2] = { { max ? "ZPOPMAX" : "ZPOPMIN", 7 }, *key };
    server_propagate(c->db->id, 2, argv);
    c->flags |= CLIENT_PREVENT_PROP;
}

static void zset_mpop_reply(struct client *c, const struct arg *key,
                            void *value, bool max, long long count);
static bool zset_serve_mpop(struct client *c, int argc,
                            const struct arg *argv, const struct arg *key);
static bool zset_serve_pop(struct client *c, int argc, const struct arg *argv,
                           const struct arg *key);

/* Sorted sets in the multi-key pops (mpop.c): ZMPOP, BZMPOP, BZPOPMIN,
 * BZPOPMAX. */
static const struct mpop_type zset_mpop_type = {
    OBJ_ZSET, { "min", "max" }, zset_mpop_reply, zset_serve_mpop,
    "bzpopmax", zset_bpop_one, zset_serve_pop
};

/* Serve a client blocked in BZPOPMIN/BZPOPMAX from 'key'. */
static bool zset_serve_pop(struct client *c, int argc, const struct arg *argv,
                           const struct arg *key)
{
    return mpop_serve_one(&zset_mpop_type, c, argc, argv, key);
}

/* BZPOPMIN key [key ...] timeout */
void cmd_bzpopmin(struct client *c)
{
    mpop_bpop_command(c, &zset_mpop_type, false);
}

/* BZPOPMAX key [key ...] timeout */
void cmd_bzpopmax(struct client *c)
{
    mpop_bpop_command(c, &zset_mpop_type, true);
}

/* ZPOPMAX key [count] */
void cmd_zpopmax(struct client *c)
{
    zset_pop_generic(c, true);
}

/* ZRANDMEMBER on listpack 'z': one member ('single'), 'count' distinct
 * ones (in set order, as a selection), or -count with repeats. */
static void zset_lp_randmember(struct client *c, struct object *z,
                               bool single, long long count,
                               bool with_scores)
{
    size_t size = zset_len(z);
    struct zset_pos pos;
    if (single || count < 0) {
        long long n = single ? 1 : -count;
        if (!single) {
            reply_array(c, with_scores ? reply_pairs_len(c, n) : n);
        }
        for (long long i = 0; i < n; i++) {
            zset_by_rank(z, (size_t)(dict_random_u64() % size), &pos);
            zset_reply_pos(c, &pos, with_scores);
        }
        return;
    }
    long long n = count < (long long)size ? count : (long long)size;
    reply_array(c, with_scores ? reply_pairs_len(c, n) : n);
    /* Selection sampling: each member is taken with the probability
     * (still needed) / (still left). */
    long long needed = n;
    size_t i = 0;
    for (zset_first(z, &pos); zset_pos_ok(&pos) && needed > 0;
         zset_next(&pos), i++) {
        if ((long long)(dict_random_u64() % (uint64_t)(size - i)) < needed) {
            zset_reply_pos(c, &pos, with_scores);
            needed--;
        }
    }
}

/* ZRANDMEMBER key [count [WITHSCORES]] */
void cmd_zrandmember(struct client *c)
{
    long long count = 0;
    if (c->argc > 4 || (c->argc == 4 && !arg_is(&c->argv[3], "withscores"))) {
        reply_syntax_error(c);
        return;
    }
    bool with_scores = c->argc == 4;
    if (c->argc >= 3) {
        if (arg_ll_or_reply(c, &c->argv[2], &count, NULL) != 0) {
            return;
        }
        if (with_scores && (count < -LONG_MAX / 2 || count > LONG_MAX / 2)) {
            reply_error(c, "value is out of range");
            return;
        }
    }
    struct object *z = zset_lookup_read(c, &c->argv[1],
                                            c->argc >= 3 ? "*0\r\n"
                                                         : "$-1\r\n");
    if (z == NULL) {
        return;
    }
    if (z->encoding == OBJ_ENC_LISTPACK) {
        zset_lp_randmember(c, z, c->argc == 2, count, with_scores);
        return;
    }
    struct zset_value *zv = z->ptr;
    if (c->argc == 2) {
        reply_bulk_sds(c, dict_random(zv->dict)->key);
        return;
    }
    if (count < 0) {
        reply_array(c, with_scores ? reply_pairs_len(c, -count) : -count);
        for (long long i = 0; i < -count; i++) {
            struct dict_entry *e = dict_random(zv->dict);
            if (with_scores) {
                reply_pair(c);
            }
            reply_bulk_sds(c, e->key);
            if (with_scores) {
                reply_double(c, e->v.d);
            }
        }
        return;
    }
    const struct dict_entry **sample = scan_sample_distinct(zv->dict,
                                                            (size_t)count);
    long long n = count < (long long)zset_len(z) ? count
                                                 : (long long)zset_len(z);
    reply_array(c, with_scores ? reply_pairs_len(c, n) : n);
    for (long long i = 0; i < n; i++) {
        if (with_scores) {
            reply_pair(c);
        }
        reply_bulk_sds(c, sample[i]->key);
        if (with_scores) {
            reply_double(c, sample[i]->v.d);
        }
    }
    mem_free(sample);
}

/* ZSCAN key cursor [MATCH pattern] [COUNT count] */
void cmd_zscan(struct client *c)
{
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (o != NULL && object_check_type_or_reply(c, o, OBJ_ZSET) != 0) {
        return;
    }
    if (o != NULL && o->encoding == OBJ_ENC_LISTPACK) {
        scan_listpack(c, o->ptr, SCAN_SCORES);
        return;
    }
    scan_container(c, o != NULL ? ((struct zset_value *)o->ptr)->dict : NULL,
                   SCAN_SCORES);
}

/* ------------------------------------------------------------------------
 * ZMPOP and BZMPOP */

/* The mpop_type pop_reply of sorted sets: pop up to 'count' lowest (or
 * with 'max' highest) members of the non-empty 'value' at 'key', reply
 * [key, [[member, score] ...]] and propagate a ZPOPMIN/ZPOPMAX with the
 * count. */
static void zset_mpop_reply(struct client *c, const struct arg *key,
                            void *value, bool max, long long count)
{
    (void)value; /* o->ptr: the object is needed (see zset_bpop_one) */
    struct object *z = db_lookup_write(c->db, key->ptr, key->len);
    long long n = count < (long long)zset_len(z) ? count
                                                 : (long long)zset_len(z);
    reply_array(c, 2);
    reply_bulk(c, key->ptr, key->len);
    reply_array(c, n);
    zset_pop_members(c, z, max, (size_t)n, ZSET_POP_ARRAY);
    server.dirty += n;
    char buf[SERVER_LONG_STR_SIZE];
    struct arg argv[3] = { { max ? "ZPOPMAX" : "ZPOPMIN", 7 }, *key,
                           { buf, util_ll2str(buf, n) } };
    server_propagate(c->db->id, 3, argv);
    c->flags |= CLIENT_PREVENT_PROP;
    notify_arg(NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", key, c->db->id);
    zset_after_remove(c, key, z);
}


/* Serve a client blocked in BZMPOP from 'key'. */
static bool zset_serve_mpop(struct client *c, int argc,
                            const struct arg *argv, const struct arg *key)
{
    return mpop_serve(&zset_mpop_type, c, argc, argv, key);
}

/* ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] */
void cmd_zmpop(struct client *c)
{
    mpop_command(c, &zset_mpop_type, false);
}

/* BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
void cmd_bzmpop(struct client *c)
{
    mpop_command(c, &zset_mpop_type, true);
}
