/* The set operations of sorted sets: ZUNION ZINTER ZDIFF, their STORE
 * forms and ZINTERCARD. Inputs may be sorted sets or plain sets (every
 * score 1) and missing keys (empty); WEIGHTS scale each input's scores
 * and AGGREGATE SUM|MIN|MAX merges a member's scores. The result is built
 * in a dict, then as a sorted set (t_zset.h) to reply in order or to
 * store. */
#include <math.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/t_zset.h"

enum zset_aggregate { ZSET_AGG_SUM, ZSET_AGG_MIN, ZSET_AGG_MAX };
enum zset_op { ZSET_UNION, ZSET_INTER, ZSET_DIFF };

/* One input of a set operation: a sorted set, a set (every score 1) or
 * nothing. */
struct zset_input {
    struct dict *dict;   /* members; NULL if the key is missing */
    bool is_set;         /* a plain set: no scores */
    bool owned;          /* 'dict' is a copy of a listpack sorted set */
    double weight;
};

/* The options of one set operation command. */
struct zset_setop {
    enum zset_op op;
    enum zset_aggregate agg;
    bool with_scores;
    long long limit;     /* ZINTERCARD: stop at this many (0: all) */
    struct zset_input *in;
    long long count;
};

static double zset_input_score(const struct zset_input *in,
                               const struct dict_entry *e)
{
    double s = (in->is_set ? 1.0 : e->v.d) * in->weight;
    return isnan(s) ? 0 : s;
}

static double zset_aggregate(enum zset_aggregate agg, double a, double b)
{
    if (agg == ZSET_AGG_MIN) {
        return a < b ? a : b;
    }
    if (agg == ZSET_AGG_MAX) {
        return a > b ? a : b;
    }
    double s = a + b;
    return isnan(s) ? 0 : s;
}

/* Member (owned) -> v.d: the accumulator of a set operation. */
static const struct dict_type zset_acc_type = { true, NULL };

/* The members and scores of listpack sorted set 'o' as a member (owned)
 * -> v.d dict (owned: dict_free), so that the operations look members of
 * every input up in O(1). */
static struct dict *zset_lp_dict(struct object *o)
{
    struct dict *d = dict_new(&zset_acc_type);
    struct zset_pos pos;
    for (zset_first(o, &pos); zset_pos_ok(&pos); zset_next(&pos)) {
        const char *m;
        size_t len;
        double score = zset_get(&pos, &m, &len);
        dict_insert(d, sds_new(m, len))->v.d = score;
    }
    return d;
}

/* Free the inputs of 'q'. */
static void zset_setop_release(struct zset_setop *q)
{
    for (long long i = 0; i < q->count; i++) {
        if (q->in[i].owned) {
            dict_free(q->in[i].dict);
        }
    }
    mem_free(q->in);
}

/* Parse the options after the keys (from 'i' on). 'store' refuses
 * WITHSCORES; ZDIFF allows only WITHSCORES, ZINTERCARD only LIMIT. */
static int zset_parse_setop_opts(struct client *c, int i, bool store,
                                 bool card, struct zset_setop *q)
{
    long long numkeys = q->count;
    for (; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        bool weighted = !card && q->op != ZSET_DIFF;
        if (weighted && arg_is(a, "weights") && i + numkeys < c->argc) {
            for (long long k = 0; k < numkeys; k++) {
                long double ld;
                const struct arg *w = &c->argv[i + 1 + k];
                if (util_str2ld(w->ptr, w->len, &ld) != 0 ||
                    isnan((double)ld)) {
                    reply_error(c, "weight value is not a float");
                    return -1;
                }
                q->in[k].weight = (double)ld;
            }
            i += (int)numkeys;
        } else if (weighted && arg_is(a, "aggregate") && i + 1 < c->argc) {
            const struct arg *v = &c->argv[++i];
            if (arg_is(v, "sum")) {
                q->agg = ZSET_AGG_SUM;
            } else if (arg_is(v, "min")) {
                q->agg = ZSET_AGG_MIN;
            } else if (arg_is(v, "max")) {
                q->agg = ZSET_AGG_MAX;
            } else {
                reply_syntax_error(c);
                return -1;
            }
        } else if (!store && !card && arg_is(a, "withscores")) {
            q->with_scores = true;
        } else if (card && arg_is(a, "limit") && i + 1 < c->argc) {
            if (arg_ll_or_reply(c, &c->argv[++i], &q->limit,
                                "LIMIT can't be negative") != 0) {
                return -1;
            }
            if (q->limit < 0) {
                reply_error(c, "LIMIT can't be negative");
                return -1;
            }
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

/* Parse "numkeys key [key ...] [options]" from argument 'first' into 'q'
 * and look the keys up. Returns 0, or -1 after replying. */
static int zset_parse_setop(struct client *c, int first, bool store,
                            bool card, struct zset_setop *q)
{
    long long numkeys;
    if (arg_ll_or_reply(c, &c->argv[first], &numkeys, NULL) != 0) {
        return -1;
    }
    if (numkeys < 1) {
        reply_error(c, "at least 1 input key is needed for '%s' command",
                    c->cmd->spec->name);
        return -1;
    }
    if (numkeys > c->argc - first - 1) {
        reply_syntax_error(c);
        return -1;
    }
    q->count = numkeys;
    q->in = mem_calloc((size_t)numkeys, sizeof(*q->in));
    for (long long i = 0; i < numkeys; i++) {
        q->in[i].weight = 1;
    }
    for (long long i = 0; i < numkeys; i++) {
        const struct arg *k = &c->argv[first + 1 + i];
        struct object *o = db_lookup_read(c->db, k->ptr, k->len);
        if (o == NULL) {
            continue;
        }
        if (o->type == OBJ_SET) {
            q->in[i].dict = o->ptr;
            q->in[i].is_set = true;
        } else if (o->type == OBJ_ZSET && o->encoding == OBJ_ENC_LISTPACK) {
            q->in[i].dict = zset_lp_dict(o);
            q->in[i].owned = true;
        } else if (o->type == OBJ_ZSET) {
            q->in[i].dict = ((struct zset_value *)o->ptr)->dict;
        } else {
            reply_wrongtype(c);
            zset_setop_release(q);
            return -1;
        }
    }
    /* Like Redis: the keys' types are checked before the options. */
    if (zset_parse_setop_opts(c, first + 1 + (int)numkeys, store, card,
                              q) != 0) {
        zset_setop_release(q);
        return -1;
    }
    return 0;
}

/* Fold input 'in' into 'acc': a union adds every member; an
 * intersection keeps the members found in both; a difference drops the
 * members of 'in'. The first input is always folded as a union. */
static void zset_fold(struct dict *acc, const struct zset_input *in,
                      enum zset_op op, enum zset_aggregate agg)
{
    struct dict_iter it;
    struct dict_entry *e;
    if (op == ZSET_UNION) {
        dict_iter_init(&it, in->dict);
        while ((e = dict_iter_next(&it)) != NULL) {
            double s = zset_input_score(in, e);
            struct dict_entry *a = dict_find(acc, e->key, sds_len(e->key));
            if (a == NULL) {
                a = dict_insert(acc, sds_new(e->key, sds_len(e->key)));
                a->v.d = s;
            } else {
                a->v.d = zset_aggregate(agg, a->v.d, s);
            }
        }
        dict_iter_release(&it);
        return;
    }
    dict_iter_init(&it, acc);
    while ((e = dict_iter_next(&it)) != NULL) {
        struct dict_entry *m = dict_find(in->dict, e->key, sds_len(e->key));
        if (op == ZSET_DIFF ? m != NULL : m == NULL) {
            dict_delete(acc, e->key, sds_len(e->key));
        } else if (op == ZSET_INTER) {
            e->v.d = zset_aggregate(agg, e->v.d, zset_input_score(in, m));
        }
    }
    dict_iter_release(&it);
}

/* Run the operation 'q' into a new skiplist sorted set (owned). */
static struct zset_value *zset_run_setop(const struct zset_setop *q)
{
    struct dict *acc = dict_new(&zset_acc_type);
    bool empty = false;
    for (long long i = 0; i < q->count && !empty; i++) {
        const struct zset_input *in = &q->in[i];
        if (in->dict == NULL) {
            empty = q->op == ZSET_INTER || (q->op == ZSET_DIFF && i == 0);
            continue;
        }
        zset_fold(acc, in, i == 0 ? ZSET_UNION : q->op, q->agg);
        empty = dict_size(acc) == 0 && q->op != ZSET_UNION;
    }
    struct zset_value *z = zset_value_new();
    if (!empty) {
        struct dict_iter it;
        struct dict_entry *e;
        dict_iter_init(&it, acc);
        while ((e = dict_iter_next(&it)) != NULL) {
            double d = e->v.d == 0 ? 0 : e->v.d; /* -0 as 0 */
            struct zsl_node *n = zsl_insert(z->zsl, d, e->key,
                                            sds_len(e->key));
            dict_insert(z->dict, n->member)->v.d = d;
        }
        dict_iter_release(&it);
    }
    dict_free(acc);
    return z;
}

/* Z<op>STORE destination numkeys key [key ...] [options] */
static void zset_setop_store(struct client *c, enum zset_op op)
{
    const struct arg *dst = &c->argv[1];
    struct zset_setop q = { op, ZSET_AGG_SUM, false, 0, NULL, 0 };
    if (zset_parse_setop(c, 2, true, false, &q) != 0) {
        return;
    }
    struct object *o = object_new(OBJ_ZSET, OBJ_ENC_SKIPLIST,
                                  zset_run_setop(&q));
    zset_setop_release(&q);
    long long len = (long long)zset_len(o);
    if (len > 0) {
        zset_shrink_if_small(o);
        db_set_key(c->db, dst->ptr, dst->len, o, false);
        notify_arg(NOTIFY_ZSET, op == ZSET_UNION ? "zunionstore" : op ==
                   ZSET_INTER ? "zinterstore" : "zdiffstore", dst, c->db->id);
    } else {
        object_decr_ref(o);
        if (db_delete(c->db, dst->ptr, dst->len)) {
            notify_arg(NOTIFY_GENERIC, "del", dst, c->db->id);
        }
    }
    server.dirty++;
    reply_integer(c, len);
}

/* Z<op> numkeys key [key ...] [options] [WITHSCORES] */
static void zset_setop_reply(struct client *c, enum zset_op op)
{
    struct zset_setop q = { op, ZSET_AGG_SUM, false, 0, NULL, 0 };
    if (zset_parse_setop(c, 1, false, false, &q) != 0) {
        return;
    }
    struct object *o = object_new(OBJ_ZSET, OBJ_ENC_SKIPLIST,
                                  zset_run_setop(&q));
    zset_setop_release(&q);
    long long len = (long long)zset_len(o);
    reply_array(c, q.with_scores ? reply_pairs_len(c, len) : len);
    struct zset_pos pos;
    for (zset_first(o, &pos); zset_pos_ok(&pos); zset_next(&pos)) {
        zset_reply_pos(c, &pos, q.with_scores);
    }
    object_decr_ref(o);
}

/* ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS w ...]
 * [AGGREGATE SUM|MIN|MAX]; ZINTERSTORE likewise; ZDIFFSTORE without
 * options. */
void cmd_zunionstore(struct client *c)
{
    zset_setop_store(c, ZSET_UNION);
}

/* ZINTERSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE
 * SUM|MIN|MAX] */
void cmd_zinterstore(struct client *c)
{
    zset_setop_store(c, ZSET_INTER);
}

/* ZDIFFSTORE destination numkeys key [key ...] */
void cmd_zdiffstore(struct client *c)
{
    zset_setop_store(c, ZSET_DIFF);
}

/* ZUNION / ZINTER numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...]
 * [WITHSCORES]; ZDIFF numkeys key [key ...] [WITHSCORES] */
void cmd_zunion(struct client *c)
{
    zset_setop_reply(c, ZSET_UNION);
}

/* ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE ...] [WITHSCORES] */
void cmd_zinter(struct client *c)
{
    zset_setop_reply(c, ZSET_INTER);
}

/* ZDIFF numkeys key [key ...] [WITHSCORES] */
void cmd_zdiff(struct client *c)
{
    zset_setop_reply(c, ZSET_DIFF);
}

/* ZINTERCARD numkeys key [key ...] [LIMIT limit] */
void cmd_zintercard(struct client *c)
{
    struct zset_setop q = { ZSET_INTER, ZSET_AGG_SUM, false, 0, NULL, 0 };
    if (zset_parse_setop(c, 1, false, true, &q) != 0) {
        return;
    }
    struct zset_value *z = zset_run_setop(&q);
    zset_setop_release(&q);
    size_t n = z->zsl->length;
    if (q.limit > 0 && n > (size_t)q.limit) {
        n = (size_t)q.limit;
    }
    reply_integer(c, (long long)n);
    zset_value_free(z);
}
