/* The skiplist of sorted sets: see zskiplist.h. Each node gets a random
 * height (each extra level with probability 1/4); every forward pointer
 * records how many nodes it jumps (its span), so walking down from the
 * top level and adding spans gives a node's rank. */
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/sds.h"
#include "redis/zskiplist.h"

/* A node of 'level' levels holding a copy of 'len' bytes at 'member' as
 * an sds string stored after its levels: one allocation per member. */
static struct zsl_node *zsl_node_new(int level, double score,
                                     const char *member, size_t len)
{
    size_t head = sizeof(struct zsl_node) +
                  (size_t)level * sizeof(struct zsl_level);
    struct zsl_node *n = mem_alloc(head + sds_hdr_size(len) + len + 1);
    memset(n, 0, head);
    n->score = score;
    n->member = sds_init_in((char *)n + head, member, len);
    return n;
}

struct zsl *zsl_new(void)
{
    struct zsl *zsl = mem_calloc(1, sizeof(*zsl));
    zsl->level = 1;
    zsl->header = zsl_node_new(ZSL_MAX_LEVEL, 0, "", 0);
    return zsl;
}

void zsl_free(struct zsl *zsl)
{
    struct zsl_node *n = zsl->header->level[0].forward;
    while (n != NULL) {
        struct zsl_node *next = n->level[0].forward;
        mem_free(n);
        n = next;
    }
    mem_free(zsl->header);
    mem_free(zsl);
}

static int zsl_random_level(void)
{
    int level = 1;
    while (level < ZSL_MAX_LEVEL && (random() & 3) == 0) {
        level++;
    }
    return level;
}

/* True if node 'n' sorts before ('score', 'member'). */
static bool zsl_before(const struct zsl_node *n, double score,
                       const char *member, size_t len)
{
    return n->score < score ||
           (n->score == score &&
            sds_cmp_bytes(n->member, sds_len(n->member), member, len) < 0);
}

struct zsl_node *zsl_insert(struct zsl *zsl, double score,
                            const char *member, size_t len)
{
    struct zsl_node *update[ZSL_MAX_LEVEL];
    size_t rank[ZSL_MAX_LEVEL];
    struct zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        rank[i] = i == zsl->level - 1 ? 0 : rank[i + 1];
        while (x->level[i].forward != NULL &&
               zsl_before(x->level[i].forward, score, member, len)) {
            rank[i] += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    int level = zsl_random_level();
    if (level > zsl->level) {
        for (int i = zsl->level; i < level; i++) {
            rank[i] = 0;
            update[i] = zsl->header;
            update[i]->level[i].span = zsl->length;
        }
        zsl->level = level;
    }
    x = zsl_node_new(level, score, member, len);
    for (int i = 0; i < level; i++) {
        x->level[i].forward = update[i]->level[i].forward;
        update[i]->level[i].forward = x;
        x->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
        update[i]->level[i].span = rank[0] - rank[i] + 1;
    }
    for (int i = level; i < zsl->level; i++) {
        update[i]->level[i].span++;
    }
    x->backward = update[0] == zsl->header ? NULL : update[0];
    if (x->level[0].forward != NULL) {
        x->level[0].forward->backward = x;
    } else {
        zsl->tail = x;
    }
    zsl->length++;
    return x;
}

/* Unlink node 'x' given its predecessors 'update' at every level. */
static void zsl_unlink(struct zsl *zsl, struct zsl_node *x,
                       struct zsl_node **update)
{
    for (int i = 0; i < zsl->level; i++) {
        if (update[i]->level[i].forward == x) {
            update[i]->level[i].span += x->level[i].span - 1;
            update[i]->level[i].forward = x->level[i].forward;
        } else {
            update[i]->level[i].span--;
        }
    }
    if (x->level[0].forward != NULL) {
        x->level[0].forward->backward = x->backward;
    } else {
        zsl->tail = x->backward;
    }
    while (zsl->level > 1 &&
           zsl->header->level[zsl->level - 1].forward == NULL) {
        zsl->level--;
    }
    zsl->length--;
}

/* The first node not before ('score', 'member') (or NULL), filling
 * 'update' with its predecessor at every level. */
static struct zsl_node *zsl_seek(struct zsl *zsl, double score,
                                 const char *member, size_t len,
                                 struct zsl_node **update)
{
    struct zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               zsl_before(x->level[i].forward, score, member, len)) {
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    return x->level[0].forward;
}

bool zsl_delete(struct zsl *zsl, double score, const char *member,
                size_t len)
{
    struct zsl_node *update[ZSL_MAX_LEVEL];
    struct zsl_node *x = zsl_seek(zsl, score, member, len, update);
    if (x == NULL || x->score != score ||
        sds_cmp_bytes(x->member, sds_len(x->member), member, len) != 0) {
        return false;
    }
    zsl_unlink(zsl, x, update);
    mem_free(x);
    return true;
}

struct zsl_node *zsl_update_score(struct zsl *zsl, double score,
                                  const char *member, size_t len,
                                  double new_score)
{
    struct zsl_node *update[ZSL_MAX_LEVEL];
    struct zsl_node *x = zsl_seek(zsl, score, member, len, update);
    /* Still between its neighbours: the node stays where it is. */
    if ((x->backward == NULL || x->backward->score < new_score) &&
        (x->level[0].forward == NULL ||
         x->level[0].forward->score > new_score)) {
        x->score = new_score;
        return x;
    }
    zsl_unlink(zsl, x, update);
    struct zsl_node *n = zsl_insert(zsl, new_score, member, len);
    mem_free(x); /* after the insert: 'member' may point into it */
    return n;
}

size_t zsl_rank(const struct zsl *zsl, double score, const char *member,
                size_t len)
{
    size_t rank = 0;
    const struct zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               (zsl_before(x->level[i].forward, score, member, len) ||
                (x->level[i].forward->score == score &&
                 sds_cmp_bytes(x->level[i].forward->member,
                               sds_len(x->level[i].forward->member),
                               member, len) == 0))) {
            rank += x->level[i].span;
            x = x->level[i].forward;
        }
        if (x != zsl->header && x->score == score &&
            sds_cmp_bytes(x->member, sds_len(x->member), member, len) == 0) {
            return rank;
        }
    }
    return 0;
}

struct zsl_node *zsl_by_rank(const struct zsl *zsl, size_t rank)
{
    size_t traversed = 0;
    struct zsl_node *x = zsl->header;
    if (rank == 0 || rank > zsl->length) {
        return NULL;
    }
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               traversed + x->level[i].span <= rank) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        if (traversed == rank) {
            return x;
        }
    }
    return NULL;
}

bool zsl_score_gte_min(double v, const struct zsl_range *r)
{
    return r->min_ex ? v > r->min : v >= r->min;
}

bool zsl_score_lte_max(double v, const struct zsl_range *r)
{
    return r->max_ex ? v < r->max : v <= r->max;
}

/* True if no score can be in 'r'. */
static bool zsl_range_empty(const struct zsl *zsl, const struct zsl_range *r)
{
    if (r->min > r->max || (r->min == r->max && (r->min_ex || r->max_ex))) {
        return true;
    }
    const struct zsl_node *first = zsl->header->level[0].forward;
    return zsl->tail == NULL || !zsl_score_gte_min(zsl->tail->score, r) ||
           !zsl_score_lte_max(first->score, r);
}

/* The last node whose score is below range 'r' ('last' false) or within
 * its max ('last' true); the header when there is none. */
static struct zsl_node *zsl_walk_range(const struct zsl *zsl,
                                       const struct zsl_range *r, bool last)
{
    struct zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               (last ? zsl_score_lte_max(x->level[i].forward->score, r)
                     : !zsl_score_gte_min(x->level[i].forward->score, r))) {
            x = x->level[i].forward;
        }
    }
    return x;
}

struct zsl_node *zsl_first_in_range(const struct zsl *zsl,
                                    const struct zsl_range *r)
{
    if (zsl_range_empty(zsl, r)) {
        return NULL;
    }
    struct zsl_node *x = zsl_walk_range(zsl, r, false)->level[0].forward;
    return x != NULL && zsl_score_lte_max(x->score, r) ? x : NULL;
}

struct zsl_node *zsl_last_in_range(const struct zsl *zsl,
                                   const struct zsl_range *r)
{
    if (zsl_range_empty(zsl, r)) {
        return NULL;
    }
    struct zsl_node *x = zsl_walk_range(zsl, r, true);
    return x != zsl->header && zsl_score_gte_min(x->score, r) ? x : NULL;
}

/* Compare 'm' with a lex bound: <0, 0, >0. */
static int zsl_lex_cmp(const char *m, size_t len, const struct zsl_lex_bound *b)
{
    if (b->inf != 0) {
        return -b->inf;
    }
    return sds_cmp_bytes(m, len, b->p, b->len);
}

bool zsl_lex_gte_min(const char *m, size_t len, const struct zsl_lex_range *r)
{
    int c = zsl_lex_cmp(m, len, &r->min);
    return r->min.ex ? c > 0 : c >= 0;
}

bool zsl_lex_lte_max(const char *m, size_t len, const struct zsl_lex_range *r)
{
    int c = zsl_lex_cmp(m, len, &r->max);
    return r->max.ex ? c < 0 : c <= 0;
}

struct zsl_node *zsl_first_in_lex(const struct zsl *zsl,
                                  const struct zsl_lex_range *r)
{
    struct zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               !zsl_lex_gte_min(x->level[i].forward->member,
                                sds_len(x->level[i].forward->member), r)) {
            x = x->level[i].forward;
        }
    }
    x = x->level[0].forward;
    return x != NULL && zsl_lex_lte_max(x->member, sds_len(x->member), r)
           ? x : NULL;
}

struct zsl_node *zsl_last_in_lex(const struct zsl *zsl,
                                 const struct zsl_lex_range *r)
{
    struct zsl_node *x = zsl->header;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               zsl_lex_lte_max(x->level[i].forward->member,
                               sds_len(x->level[i].forward->member), r)) {
            x = x->level[i].forward;
        }
    }
    return x != zsl->header && zsl_lex_gte_min(x->member,
                                               sds_len(x->member), r)
           ? x : NULL;
}
