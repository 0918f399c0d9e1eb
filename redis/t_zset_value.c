/* The value of a sorted set in its two encodings, Redis's thresholds
 * deciding between them:
 *
 *   OBJ_ENC_LISTPACK  o->ptr is one listpack of member, score entries
 *                     ordered by (score, member bytes); the score is
 *                     kept as text (an integer's digits or %.17g, the
 *                     form Redis's listpack holds). For small sets.
 *   OBJ_ENC_SKIPLIST  o->ptr is a struct zset_value: a member -> score
 *                     dict beside a skiplist (zskiplist.c).
 *
 * A set starts as a listpack and becomes a skiplist for good when a new
 * member would make it longer than zset-max-listpack-entries or a member
 * is longer than zset-max-listpack-value bytes. Results of set
 * operations are shrunk back when small (zset_shrink_if_small), as Redis
 * does. Commands (t_zset.c, t_zset_setop.c, geo.c) walk either encoding
 * through a struct zset_pos. Also the container API of server.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/listpack.h"
#include "redis/server.h"
#include "redis/t_zset.h"
#include "redis/zskiplist.h"

static const struct dict_type zset_dict_type = { false, NULL };

/* ------------------------------------------------------------------------
 * The skiplist encoding */

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

/* Set the score of 'member' in skiplist value 'z'; true if added. */
static bool zset_value_set(struct zset_value *z, const char *member,
                           size_t len, double score)
{
    struct dict_entry *e = dict_find(z->dict, member, len);
    if (e != NULL) {
        if (e->v.d != score) {
            /* The dict's key is the node's string, which may move. */
            e->key = zsl_update_score(z->zsl, e->v.d, member, len,
                                      score)->member;
            e->v.d = score;
        }
        return false;
    }
    struct zsl_node *n = zsl_insert(z->zsl, score, member, len);
    e = dict_insert(z->dict, n->member);
    e->v.d = score;
    return true;
}

static bool zset_value_remove(struct zset_value *z, const char *member,
                              size_t len)
{
    struct dict_entry *e = dict_unlink(z->dict, member, len);
    if (e == NULL) {
        return false;
    }
    double score = e->v.d;
    dict_free_unlinked(z->dict, e);
    zsl_delete(z->zsl, score, member, len);
    return true;
}

/* ------------------------------------------------------------------------
 * The listpack encoding */

size_t zset_type_score_text(char *buf, double score)
{
    /* Integers of up to 52 bits as digits, like Redis's d2string. */
    if (score > -4503599627370495.0 && score < 4503599627370496.0 &&
        score == (double)(long long)score) {
        return util_ll2str(buf, (long long)score);
    }
    int n = snprintf(buf, ZSET_SCORE_TEXT_SIZE, "%.17g", score);
    return n > 0 && n < ZSET_SCORE_TEXT_SIZE ? (size_t)n : 0;
}

/* The score held by listpack entry 'p'. */
static double zset_lp_score(const unsigned char *p)
{
    long long ll;
    if (listpack_get_int(p, &ll)) {
        return (double)ll;
    }
    size_t len;
    char ibuf[LISTPACK_INTBUF];
    const char *s = listpack_get(p, &len, ibuf);
    if (util_str2ll(s, len, &ll) == 0) {
        return (double)ll;
    }
    char buf[64];
    if (len >= sizeof(buf)) {
        len = sizeof(buf) - 1;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    return strtod(buf, NULL);
}

/* Compare (score, member) with (s2, m2): <0, 0, >0. */
static int zset_cmp(double s1, const char *m1, size_t l1, double s2,
                    const char *m2, size_t l2)
{
    if (s1 != s2) {
        return s1 < s2 ? -1 : 1;
    }
    int c = memcmp(m1, m2, l1 < l2 ? l1 : l2);
    if (c != 0) {
        return c;
    }
    return l1 < l2 ? -1 : l1 > l2;
}

/* The member entry of 'member' in listpack 'lp', or NULL. */
static unsigned char *zset_lp_find(unsigned char *lp, const char *member,
                                   size_t len)
{
    unsigned char *p = listpack_first(lp);
    return p != NULL ? listpack_find(lp, p, member, len, 1) : NULL;
}

/* Insert ('member', 'score') in order; the member must be absent.
 * Returns the listpack. */
static unsigned char *zset_lp_insert(unsigned char *lp, const char *member,
                                     size_t len, double score)
{
    unsigned char *p = listpack_first(lp);
    while (p != NULL) {
        size_t ml;
        char mbuf[LISTPACK_INTBUF];
        const char *m = listpack_get(p, &ml, mbuf);
        unsigned char *sp = listpack_next(lp, p);
        if (zset_cmp(zset_lp_score(sp), m, ml, score, member, len) > 0) {
            break;
        }
        p = listpack_next(lp, sp);
    }
    size_t off = listpack_offset(lp, p);
    char buf[ZSET_SCORE_TEXT_SIZE];
    size_t slen = zset_type_score_text(buf, score);
    lp = listpack_insert(lp, off, member, len);
    off = listpack_offset(lp, listpack_next(lp, listpack_at(lp, off)));
    return listpack_insert(lp, off, buf, slen);
}

/* ------------------------------------------------------------------------
 * Conversion */

/* Turn listpack object 'o' into a skiplist. */
static void zset_to_skiplist(struct object *o)
{
    unsigned char *lp = o->ptr;
    struct zset_value *z = zset_value_new();
    for (unsigned char *p = listpack_first(lp); p != NULL;) {
        size_t len;
        char mbuf[LISTPACK_INTBUF];
        const char *m = listpack_get(p, &len, mbuf);
        unsigned char *sp = listpack_next(lp, p);
        zset_value_set(z, m, len, zset_lp_score(sp));
        p = listpack_next(lp, sp);
    }
    listpack_free(lp);
    o->ptr = z;
    o->encoding = OBJ_ENC_SKIPLIST;
}

void zset_shrink_if_small(struct object *o)
{
    if (o->encoding != OBJ_ENC_SKIPLIST) {
        return;
    }
    struct zset_value *z = o->ptr;
    if (z->zsl->length > (size_t)server.zset_max_listpack_entries) {
        return;
    }
    for (struct zsl_node *n = z->zsl->header->level[0].forward; n != NULL;
         n = n->level[0].forward) {
        if (sds_len(n->member) > (size_t)server.zset_max_listpack_value) {
            return;
        }
    }
    unsigned char *lp = listpack_new();
    for (struct zsl_node *n = z->zsl->header->level[0].forward; n != NULL;
         n = n->level[0].forward) {
        char buf[ZSET_SCORE_TEXT_SIZE];
        lp = listpack_append(lp, n->member, sds_len(n->member));
        lp = listpack_append(lp, buf, zset_type_score_text(buf, n->score));
    }
    zset_value_free(z);
    o->ptr = lp;
    o->encoding = OBJ_ENC_LISTPACK;
}

/* ------------------------------------------------------------------------
 * Members */

struct object *zset_type_new_for(size_t first_len)
{
    if (server.zset_max_listpack_entries == 0 ||
        first_len > (size_t)server.zset_max_listpack_value) {
        return object_new(OBJ_ZSET, OBJ_ENC_SKIPLIST, zset_value_new());
    }
    return object_new(OBJ_ZSET, OBJ_ENC_LISTPACK, listpack_new());
}

struct object *zset_type_new(void)
{
    return zset_type_new_for(0);
}

size_t zset_len(const struct object *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        return listpack_count(o->ptr) / 2;
    }
    return ((const struct zset_value *)o->ptr)->zsl->length;
}

size_t zset_type_len(const struct object *o)
{
    return zset_len(o);
}

bool zset_score(const struct object *o, const char *member, size_t len,
                double *score)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *lp = o->ptr;
        unsigned char *p = zset_lp_find(lp, member, len);
        if (p == NULL) {
            return false;
        }
        *score = zset_lp_score(listpack_next(lp, p));
        return true;
    }
    struct dict_entry *e = dict_find(((struct zset_value *)o->ptr)->dict,
                                     member, len);
    if (e == NULL) {
        return false;
    }
    *score = e->v.d;
    return true;
}

/* zset_type_add; 'any_len' keeps a listpack whatever the length of the
 * member (only the entries threshold converts). */
static bool zset_add(struct object *o, const char *member, size_t len,
                     double score, bool any_len)
{
    if (score == 0) {
        score = 0; /* -0 as 0, as Redis's compact encoding stores it */
    }
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *lp = o->ptr;
        unsigned char *p = zset_lp_find(lp, member, len);
        if (p != NULL) {
            unsigned char *sp = listpack_next(lp, p);
            if (zset_lp_score(sp) == score) {
                return false;
            }
            /* Only the score changed: take the pair out, put it back in
             * its new place. */
            lp = listpack_delete(lp, listpack_offset(lp, p), 2);
            o->ptr = zset_lp_insert(lp, member, len, score);
            return false;
        }
        if (listpack_count(lp) / 2 + 1 >
                (size_t)server.zset_max_listpack_entries ||
            (!any_len && len > (size_t)server.zset_max_listpack_value)) {
            zset_to_skiplist(o);
        } else {
            o->ptr = zset_lp_insert(lp, member, len, score);
            return true;
        }
    }
    return zset_value_set(o->ptr, member, len, score);
}

bool zset_type_add(struct object *o, const char *member, size_t len,
                   double score)
{
    return zset_add(o, member, len, score, false);
}

bool zset_type_add_compact(struct object *o, const char *member, size_t len,
                           double score)
{
    return zset_add(o, member, len, score, true);
}

bool zset_remove(struct object *o, const char *member, size_t len)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *lp = o->ptr;
        unsigned char *p = zset_lp_find(lp, member, len);
        if (p == NULL) {
            return false;
        }
        o->ptr = listpack_delete(lp, listpack_offset(lp, p), 2);
        return true;
    }
    return zset_value_remove(o->ptr, member, len);
}

void zset_delete_ranks(struct object *o, size_t start, size_t count)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *lp = o->ptr;
        unsigned char *p = listpack_seek(lp, (long long)start * 2);
        if (p != NULL) {
            o->ptr = listpack_delete(lp, listpack_offset(lp, p), count * 2);
        }
        return;
    }
    struct zset_value *z = o->ptr;
    struct zsl_node *n = zsl_by_rank(z->zsl, start + 1);
    while (n != NULL && count-- > 0) {
        struct zsl_node *next = n->level[0].forward;
        zset_value_remove(z, n->member, sds_len(n->member));
        n = next;
    }
}

void zset_after_change(struct object *o)
{
    if (o->encoding == OBJ_ENC_SKIPLIST) {
        dict_shrink_if_needed(((struct zset_value *)o->ptr)->dict);
    }
}

void zset_type_free(struct object *o)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        listpack_free(o->ptr);
    } else {
        zset_value_free(o->ptr);
    }
}

int zset_type_each(const struct object *o, container_scored_fn fn,
                   void *priv)
{
    struct zset_pos pos;
    for (zset_first((struct object *)o, &pos); zset_pos_ok(&pos);
         zset_next(&pos)) {
        size_t len;
        const char *m;
        double score = zset_get(&pos, &m, &len);
        int rc = fn(priv, m, len, score);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Positions */

/* Position 'pos' on listpack member entry 'p' (NULL: past the end). */
static void zset_pos_lp(struct zset_pos *pos, unsigned char *lp,
                        unsigned char *p)
{
    pos->n = NULL;
    pos->lp = lp;
    pos->p = p;
}

static void zset_pos_zsl(struct zset_pos *pos, struct zsl_node *n)
{
    pos->n = n;
    pos->lp = NULL;
    pos->p = NULL;
}

void zset_first(struct object *o, struct zset_pos *pos)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        zset_pos_lp(pos, o->ptr, listpack_first(o->ptr));
    } else {
        struct zset_value *z = o->ptr;
        zset_pos_zsl(pos, z->zsl->header->level[0].forward);
    }
}

void zset_last(struct object *o, struct zset_pos *pos)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        unsigned char *p = listpack_last(o->ptr);
        zset_pos_lp(pos, o->ptr, p != NULL ? listpack_prev(o->ptr, p) : NULL);
    } else {
        zset_pos_zsl(pos, ((struct zset_value *)o->ptr)->zsl->tail);
    }
}

void zset_by_rank(struct object *o, size_t rank, struct zset_pos *pos)
{
    if (o->encoding == OBJ_ENC_LISTPACK) {
        zset_pos_lp(pos, o->ptr, listpack_seek(o->ptr, (long long)rank * 2));
    } else {
        zset_pos_zsl(pos, zsl_by_rank(((struct zset_value *)o->ptr)->zsl,
                                      rank + 1));
    }
}

void zset_next(struct zset_pos *pos)
{
    if (pos->lp != NULL) {
        unsigned char *sp = listpack_next(pos->lp, pos->p);
        pos->p = sp != NULL ? listpack_next(pos->lp, sp) : NULL;
    } else {
        pos->n = pos->n->level[0].forward;
    }
}

void zset_prev(struct zset_pos *pos)
{
    if (pos->lp != NULL) {
        unsigned char *sp = listpack_prev(pos->lp, pos->p);
        pos->p = sp != NULL ? listpack_prev(pos->lp, sp) : NULL;
    } else {
        pos->n = pos->n->backward;
    }
}

double zset_get(struct zset_pos *pos, const char **member, size_t *len)
{
    if (pos->lp != NULL) {
        *member = listpack_get(pos->p, len, pos->buf);
        return zset_lp_score(listpack_next(pos->lp, pos->p));
    }
    *member = pos->n->member;
    *len = sds_len(pos->n->member);
    return pos->n->score;
}

/* The 0-based index of member entry 'p' among the pairs of 'lp'. */
static size_t zset_lp_index(unsigned char *lp, const unsigned char *p)
{
    size_t i = 0;
    for (unsigned char *q = listpack_first(lp); q != NULL && q != p;
         q = listpack_next(lp, q)) {
        i++;
    }
    return i / 2;
}

size_t zset_pos_rank(struct object *o, const struct zset_pos *pos)
{
    if (pos->lp != NULL) {
        return zset_lp_index(pos->lp, pos->p);
    }
    return zsl_rank(((struct zset_value *)o->ptr)->zsl, pos->n->score,
                    pos->n->member, sds_len(pos->n->member)) - 1;
}

/* True if the element at 'pos' is within 'r' (a struct zsl_range with
 * 'lex' false, a struct zsl_lex_range with 'lex' true) at its low end. */
static bool zset_pos_gte_min(struct zset_pos *pos, const void *r,
                             bool lex)
{
    const char *m;
    size_t len;
    double score = zset_get(pos, &m, &len);
    return lex ? zsl_lex_gte_min(m, len, r) : zsl_score_gte_min(score, r);
}

static bool zset_pos_lte_max(struct zset_pos *pos, const void *r,
                             bool lex)
{
    const char *m;
    size_t len;
    double score = zset_get(pos, &m, &len);
    return lex ? zsl_lex_lte_max(m, len, r) : zsl_score_lte_max(score, r);
}

bool zset_pos_in(struct zset_pos *pos, const void *r, bool lex)
{
    return zset_pos_gte_min(pos, r, lex) && zset_pos_lte_max(pos, r, lex);
}

void zset_first_in(struct object *o, const void *r, bool lex,
                   struct zset_pos *pos)
{
    if (o->encoding == OBJ_ENC_SKIPLIST) {
        struct zsl *zsl = ((struct zset_value *)o->ptr)->zsl;
        zset_pos_zsl(pos, lex ? zsl_first_in_lex(zsl, r)
                              : zsl_first_in_range(zsl, r));
        return;
    }
    for (zset_first(o, pos); zset_pos_ok(pos); zset_next(pos)) {
        if (zset_pos_gte_min(pos, r, lex)) {
            if (!zset_pos_lte_max(pos, r, lex)) {
                pos->p = NULL;
            }
            return;
        }
    }
}

void zset_last_in(struct object *o, const void *r, bool lex,
                  struct zset_pos *pos)
{
    if (o->encoding == OBJ_ENC_SKIPLIST) {
        struct zsl *zsl = ((struct zset_value *)o->ptr)->zsl;
        zset_pos_zsl(pos, lex ? zsl_last_in_lex(zsl, r)
                              : zsl_last_in_range(zsl, r));
        return;
    }
    for (zset_last(o, pos); zset_pos_ok(pos); zset_prev(pos)) {
        if (zset_pos_lte_max(pos, r, lex)) {
            if (!zset_pos_gte_min(pos, r, lex)) {
                pos->p = NULL;
            }
            return;
        }
    }
}

void zset_reply_pos(struct client *c, struct zset_pos *pos,
                    bool with_scores)
{
    const char *m;
    size_t len;
    double score = zset_get(pos, &m, &len);
    if (with_scores) {
        reply_pair(c);
    }
    reply_bulk(c, m, len);
    if (with_scores) {
        reply_double(c, score);
    }
}
