/* The sorted set type (OBJ_ENC_SKIPLIST): a dict member -> score (v.d)
 * for O(1) lookups beside a skiplist (zskiplist.c) ordered by score then
 * member, for ranks and ranges; the dict's keys are the skiplist nodes'
 * member strings. The container API for sorted sets (server.h) and the
 * commands ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT
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

static const struct dict_type zset_dict_type = { false, NULL };

/* ------------------------------------------------------------------------
 * The value */

struct zset_value *zset_value_new(void)
{
    struct zset_value *z = mem_alloc(sizeof(*z));
    z->dict = dict_new(&zset_dict_type);
    z->zsl = zsl_new();
    return z;
}

void zset_value_free(struct zset_value *z)
{
    dict_free(z->dict);
    zsl_free(z->zsl);
    mem_free(z);
}

/* The score of 'member' into '*score'; false if absent. */
static bool zset_score(struct zset_value *z, const char *member, size_t len,
                       double *score)
{
    struct dict_entry *e = dict_find(z->dict, member, len);
    if (e == NULL) {
        return false;
    }
    *score = e->v.d;
    return true;
}

bool zset_set(struct zset_value *z, const char *member, size_t len,
              double score)
{
    if (score == 0) {
        score = 0; /* -0 as 0, as Redis's compact encoding stores it */
    }
    struct dict_entry *e = dict_find(z->dict, member, len);
    if (e != NULL) {
        if (e->v.d != score) {
            zsl_update_score(z->zsl, e->v.d, member, len, score);
            e->v.d = score;
        }
        return false;
    }
    struct zsl_node *n = zsl_insert(z->zsl, score, sds_new(member, len));
    e = dict_insert(z->dict, n->member);
    e->v.d = score;
    return true;
}

/* Remove 'member'; true if it was there. */
static bool zset_remove(struct zset_value *z, const char *member, size_t len)
{
    struct dict_entry *e = dict_unlink(z->dict, member, len);
    if (e == NULL) {
        return false;
    }
    double score = e->v.d;
    dict_free_unlinked(z->dict, e);
    sds_free(zsl_delete(z->zsl, score, member, len));
    return true;
}

size_t zset_len(const struct zset_value *z)
{
    return z->zsl->length;
}

/* ------------------------------------------------------------------------
 * Container API */

struct object *zset_type_new(void)
{
    return object_new(OBJ_ZSET, OBJ_ENC_SKIPLIST, zset_value_new());
}

bool zset_type_add(struct object *o, const char *member, size_t len,
                   double score)
{
    return zset_set(o->ptr, member, len, score);
}

size_t zset_type_len(const struct object *o)
{
    return zset_len(o->ptr);
}

int zset_type_each(const struct object *o, container_scored_fn fn,
                   void *priv)
{
    const struct zset_value *z = o->ptr;
    for (struct zsl_node *n = z->zsl->header->level[0].forward; n != NULL;
         n = n->level[0].forward) {
        int rc = fn(priv, n->member, sds_len(n->member), n->score);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

void zset_type_free(struct object *o)
{
    zset_value_free(o->ptr);
}

/* ------------------------------------------------------------------------
 * Helpers of the commands */

/* The sorted set at 'key' for a write, or NULL: '*wrong' tells a
 * WRONGTYPE (already replied) from a missing key. */
static struct zset_value *zset_lookup_write(struct client *c,
                                            const struct arg *key,
                                            bool *wrong)
{
    return db_lookup_write_typed(c, key, OBJ_ZSET, wrong);
}

/* The sorted set at 'key' for a read: NULL after replying 'miss' or
 * WRONGTYPE. */
static struct zset_value *zset_lookup_read(struct client *c,
                                           const struct arg *key,
                                           const char *miss)
{
    return db_lookup_read_typed_or_reply(c, key, OBJ_ZSET, miss);
}

/* After members were removed from 'key': delete it if empty, signal. */
static void zset_after_remove(struct client *c, const struct arg *key,
                              struct zset_value *z)
{
    if (zset_len(z) == 0) {
        db_delete(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_GENERIC, "del", key, c->db->id);
    } else {
        dict_shrink_if_needed(z->dict);
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

void zset_reply_node(struct client *c, const struct zsl_node *n,
                     bool with_scores)
{
    if (with_scores) {
        reply_pair(c);
    }
    reply_bulk_sds(c, n->member);
    if (with_scores) {
        reply_double(c, n->score);
    }
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
static enum zset_add_result zset_add_one(struct zset_value *z,
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
        zset_set(z, m->ptr, m->len, next);
        return ZSET_ADD_UPDATED;
    }
    if (flags & ZADD_XX) {
        return ZSET_ADD_SKIPPED;
    }
    zset_set(z, m->ptr, m->len, score);
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
    struct zset_value *z = zset_lookup_write(c, key, &wrong);
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
        struct object *o = zset_type_new();
        db_add(c->db, key->ptr, key->len, o);
        z = o->ptr;
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
    struct zset_value *z = zset_lookup_write(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (z == NULL) {
        struct object *o = zset_type_new();
        db_add(c->db, key->ptr, key->len, o);
        z = o->ptr;
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
    struct zset_value *z =
        db_lookup_write_typed_or_reply(c, key, OBJ_ZSET, ":0\r\n");
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
    struct zset_value *z = zset_lookup_read(c, &c->argv[1], ":0\r\n");
    if (z != NULL) {
        reply_integer(c, (long long)zset_len(z));
    }
}

/* ZSCORE key member */
void cmd_zscore(struct client *c)
{
    struct zset_value *z = zset_lookup_read(c, &c->argv[1], "$-1\r\n");
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
        if (o != NULL && zset_score(o->ptr, c->argv[i].ptr, c->argv[i].len,
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
    struct zset_value *z = zset_lookup_read(c, &c->argv[1], "$-1\r\n");
    double score;
    if (z == NULL) {
        return;
    }
    const struct arg *m = &c->argv[2];
    if (!zset_score(z, m->ptr, m->len, &score)) {
        reply_null(c);
        return;
    }
    size_t rank = zsl_rank(z->zsl, score, m->ptr, m->len);
    reply_integer(c, rev ? (long long)(zset_len(z) - rank)
                         : (long long)rank - 1);
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

/* ZCOUNT key min max */
void cmd_zcount(struct client *c)
{
    struct zsl_range r;
    if (zset_range_or_reply(c, &c->argv[2], &c->argv[3], &r) != 0) {
        return;
    }
    struct zset_value *z = zset_lookup_read(c, &c->argv[1], ":0\r\n");
    if (z == NULL) {
        return;
    }
    struct zsl_node *first = zsl_first_in_range(z->zsl, &r);
    if (first == NULL) {
        reply_integer(c, 0);
        return;
    }
    struct zsl_node *last = zsl_last_in_range(z->zsl, &r);
    size_t lo = zsl_rank(z->zsl, first->score, first->member,
                         sds_len(first->member));
    size_t hi = zsl_rank(z->zsl, last->score, last->member,
                         sds_len(last->member));
    reply_integer(c, (long long)(hi - lo + 1));
}

/* ZLEXCOUNT key min max */
void cmd_zlexcount(struct client *c)
{
    struct zsl_lex_range r;
    if (zset_lex_or_reply(c, &c->argv[2], &c->argv[3], &r) != 0) {
        return;
    }
    struct zset_value *z = zset_lookup_read(c, &c->argv[1], ":0\r\n");
    if (z == NULL) {
        return;
    }
    struct zsl_node *first = zsl_first_in_lex(z->zsl, &r);
    struct zsl_node *last = first != NULL ? zsl_last_in_lex(z->zsl, &r)
                                          : NULL;
    if (first == NULL || last == NULL) {
        reply_integer(c, 0);
        return;
    }
    size_t lo = zsl_rank(z->zsl, first->score, first->member,
                         sds_len(first->member));
    size_t hi = zsl_rank(z->zsl, last->score, last->member,
                         sds_len(last->member));
    reply_integer(c, hi >= lo ? (long long)(hi - lo + 1) : 0);
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
    struct zset_value *store; /* ZRANGESTORE's result, or NULL: reply */
};

/* Output of a range: an array reply whose length is set at the end, or
 * members added to q->store. */
static size_t zset_out_begin(struct client *c, const struct zset_range_req *q)
{
    return q->store != NULL ? 0 : reply_defer_len(c);
}

static void zset_out_node(struct client *c, const struct zset_range_req *q,
                          const struct zsl_node *n)
{
    if (q->store != NULL) {
        zset_set(q->store, n->member, sds_len(n->member), n->score);
    } else {
        zset_reply_node(c, n, q->with_scores);
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
static void zset_range_by_rank(struct client *c, struct zset_value *z,
                               long long start, long long end,
                               const struct zset_range_req *q)
{
    long long len = (long long)zset_len(z);
    size_t handle = zset_out_begin(c, q);
    long long n = 0;
    if (util_clamp_range(len, &start, &end)) {
        struct zsl_node *node = zsl_by_rank(z->zsl, q->rev
                                            ? (size_t)(len - start)
                                            : (size_t)(start + 1));
        for (; n < end - start + 1 && node != NULL; n++) {
            zset_out_node(c, q, node);
            node = q->rev ? node->backward : node->level[0].forward;
        }
    }
    zset_out_end(c, q, handle, n);
}

/* Output the nodes from 'node' on (backwards with 'rev') while 'in' says
 * they are in range, after skipping 'offset', at most 'count' (<0: all). */
static void zset_range_walk(struct client *c, struct zsl_node *node,
                            const struct zset_range_req *q,
                            bool (*in)(const struct zsl_node *, const void *),
                            const void *range)
{
    long long offset = q->offset, count = q->count;
    if (offset < 0) {
        node = NULL;
    }
    while (node != NULL && offset > 0) {
        node = q->rev ? node->backward : node->level[0].forward;
        offset--;
    }
    size_t handle = zset_out_begin(c, q);
    long long n = 0;
    while (node != NULL && count != 0 && in(node, range)) {
        zset_out_node(c, q, node);
        n++;
        if (count > 0) {
            count--;
        }
        node = q->rev ? node->backward : node->level[0].forward;
    }
    zset_out_end(c, q, handle, n);
}

static bool zset_in_score(const struct zsl_node *n, const void *range)
{
    return zsl_score_gte_min(n->score, range) &&
           zsl_score_lte_max(n->score, range);
}

static bool zset_in_lex(const struct zsl_node *n, const void *range)
{
    return zsl_lex_gte_min(n->member, sds_len(n->member), range) &&
           zsl_lex_lte_max(n->member, sds_len(n->member), range);
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
    struct zset_value *z = o->ptr;
    if (q->by == ZSET_BY_RANK) {
        zset_range_by_rank(c, z, start, end, q);
    } else if (q->by == ZSET_BY_SCORE) {
        struct zsl_node *n = q->rev ? zsl_last_in_range(z->zsl, &sr)
                                    : zsl_first_in_range(z->zsl, &sr);
        zset_range_walk(c, n, q, zset_in_score, &sr);
    } else {
        struct zsl_node *n = q->rev ? zsl_last_in_lex(z->zsl, &lr)
                                    : zsl_first_in_lex(z->zsl, &lr);
        zset_range_walk(c, n, q, zset_in_lex, &lr);
    }
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
    q.store = zset_value_new();
    if (zset_range_generic(c, &c->argv[2], &c->argv[3], &c->argv[4],
                           &q) != 0) {
        zset_value_free(q.store);
        return;
    }
    long long len = (long long)zset_len(q.store);
    if (len > 0) {
        db_set_key(c->db, dst->ptr, dst->len,
                   object_new(OBJ_ZSET, OBJ_ENC_SKIPLIST, q.store), false);
        notify_arg(NOTIFY_ZSET, "zrangestore", dst, c->db->id);
    } else {
        zset_value_free(q.store);
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
    struct zset_value *z =
        db_lookup_write_typed_or_reply(c, key, OBJ_ZSET, ":0\r\n");
    if (z == NULL) {
        return;
    }
    struct zsl_node *n = NULL;
    long long limit = -1;
    if (by == ZSET_BY_RANK) {
        if (util_clamp_range((long long)zset_len(z), &start, &end)) {
            n = zsl_by_rank(z->zsl, (size_t)start + 1);
            limit = end - start + 1;
        }
    } else if (by == ZSET_BY_SCORE) {
        n = zsl_first_in_range(z->zsl, &sr);
    } else {
        n = zsl_first_in_lex(z->zsl, &lr);
    }
    long long removed = 0;
    while (n != NULL && limit != 0 &&
           (by == ZSET_BY_RANK || (by == ZSET_BY_SCORE
                                   ? zset_in_score(n, &sr)
                                   : zset_in_lex(n, &lr)))) {
        struct zsl_node *next = n->level[0].forward;
        zset_remove(z, n->member, sds_len(n->member));
        removed++;
        if (limit > 0) {
            limit--;
        }
        n = next;
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
    struct zset_value *z = zset_lookup_write(c, key, &wrong);
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
    for (long long i = 0; i < count; i++) {
        struct zsl_node *n = max ? z->zsl->tail
                                 : z->zsl->header->level[0].forward;
        if (flat) {
            reply_bulk_sds(c, n->member);
            reply_double(c, n->score);
        } else {
            zset_reply_node(c, n, true);
        }
        zset_remove(z, n->member, sds_len(n->member));
    }
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
    struct zset_value *z = value;
    struct zsl_node *n = max ? z->zsl->tail
                             : z->zsl->header->level[0].forward;
    reply_array(c, 3);
    reply_bulk(c, key->ptr, key->len);
    reply_bulk_sds(c, n->member);
    reply_double(c, n->score);
    zset_remove(z, n->member, sds_len(n->member));
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
    struct zset_value *z = zset_lookup_read(c, &c->argv[1],
                                            c->argc >= 3 ? "*0\r\n"
                                                         : "$-1\r\n");
    if (z == NULL) {
        return;
    }
    if (c->argc == 2) {
        reply_bulk_sds(c, dict_random(z->dict)->key);
        return;
    }
    if (count < 0) {
        reply_array(c, with_scores ? reply_pairs_len(c, -count) : -count);
        for (long long i = 0; i < -count; i++) {
            struct dict_entry *e = dict_random(z->dict);
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
    const struct dict_entry **sample = scan_sample_distinct(z->dict,
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
    struct zset_value *z = value;
    long long n = count < (long long)zset_len(z) ? count
                                                 : (long long)zset_len(z);
    reply_array(c, 2);
    reply_bulk(c, key->ptr, key->len);
    reply_array(c, n);
    for (long long i = 0; i < n; i++) {
        struct zsl_node *node = max ? z->zsl->tail
                                    : z->zsl->header->level[0].forward;
        reply_array(c, 2);
        reply_bulk_sds(c, node->member);
        reply_double(c, node->score);
        zset_remove(z, node->member, sds_len(node->member));
    }
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
