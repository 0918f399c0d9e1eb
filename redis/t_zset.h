/* Sorted set internals shared by t_zset_value.c (the value in its two
 * encodings), t_zset.c (most commands), t_zset_setop.c (ZUNION, ZINTER,
 * ZDIFF and their STORE forms) and geo.c. Other files use the container
 * API of server.h. */
#ifndef CODIS_T_ZSET_H
#define CODIS_T_ZSET_H

#include <stdbool.h>
#include <stddef.h>

#include "redis/listpack.h"
#include "redis/server.h"
#include "redis/zskiplist.h"

/* The value of a sorted set object in OBJ_ENC_SKIPLIST. (OBJ_ENC_LISTPACK
 * holds a listpack of member, score entries: t_zset_value.c.) */
struct zset_value {
    struct dict *dict; /* member (borrowed from the node) -> v.d score */
    struct zsl *zsl;
};

/* A new empty skiplist value (owned: zset_value_free). */
struct zset_value *zset_value_new(void);
void zset_value_free(struct zset_value *z);

/* A new empty sorted set object (refcount 1) for a first member of
 * 'first_len' bytes: a listpack unless the thresholds forbid, as ZADD
 * creates one in Redis. */
struct object *zset_type_new_for(size_t first_len);

/* Number of members of sorted set object 'o'. */
size_t zset_len(const struct object *o);

/* The score of 'member' into '*score'; false if absent. */
bool zset_score(const struct object *o, const char *member, size_t len,
                double *score);

/* Remove 'member'; true if it was there. */
bool zset_remove(struct object *o, const char *member, size_t len);

/* Remove 'count' members from 0-based rank 'start' on. */
void zset_delete_ranks(struct object *o, size_t start, size_t count);

/* After removals: shrink the skiplist's dict if it became sparse. */
void zset_after_change(struct object *o);

/* Make a small skiplist set a listpack (the thresholds allowing), as
 * Redis does with the results of ZUNIONSTORE and the like. */
void zset_shrink_if_small(struct object *o);

/* A position in a sorted set of either encoding: a node, or a member
 * entry of the listpack 'lp'. Valid until the set changes. */
struct zset_pos {
    struct zsl_node *n;
    unsigned char *lp;
    unsigned char *p;
    char buf[LISTPACK_INTBUF]; /* text of an integer member (zset_get) */
};

/* True if 'pos' is on a member (not past either end). */
static inline bool zset_pos_ok(const struct zset_pos *pos)
{
    return pos->n != NULL || pos->p != NULL;
}

/* Positions: the first, the last, the one of 0-based 'rank' (past the
 * end if none); one step forwards or backwards. */
void zset_first(struct object *o, struct zset_pos *pos);
void zset_last(struct object *o, struct zset_pos *pos);
void zset_by_rank(struct object *o, size_t rank, struct zset_pos *pos);
void zset_next(struct zset_pos *pos);
void zset_prev(struct zset_pos *pos);

/* The member at 'pos' (borrowed, '*len' bytes: valid until the next
 * zset_get on 'pos' or a change of the set); returns its score. */
double zset_get(struct zset_pos *pos, const char **member, size_t *len);

/* The 0-based rank of 'pos' in 'o'. */
size_t zset_pos_rank(struct object *o, const struct zset_pos *pos);

/* The first / last member within range 'r' (a struct zsl_range, or with
 * 'lex' a struct zsl_lex_range) into 'pos', past the end if none. */
void zset_first_in(struct object *o, const void *r, bool lex,
                   struct zset_pos *pos);
void zset_last_in(struct object *o, const void *r, bool lex,
                  struct zset_pos *pos);

/* True if the member at 'pos' is within 'r' (as above). */
bool zset_pos_in(struct zset_pos *pos, const void *r, bool lex);

/* Reply the member at 'pos', and its score if 'with_scores'. */
void zset_reply_pos(struct client *c, struct zset_pos *pos,
                    bool with_scores);

/* ZADD's handler (t_zset.c); GEOADD (geo.c) runs it over arguments it
 * rewrote. */
void cmd_zadd(struct client *c);

#endif
