/* A skiplist ordered by (score, member bytes), with spans so that rank
 * queries are O(log n): the ordered half of a sorted set (t_zset.c keeps
 * the member -> score dict beside it). Members are sds strings owned by
 * the nodes. Knows nothing of the server.
 *
 * Ranks are 1-based (the first node has rank 1); score ranges have
 * inclusive or exclusive ends; lex ranges compare member bytes and may
 * be open ('-' / '+'). */
#ifndef CODIS_ZSKIPLIST_H
#define CODIS_ZSKIPLIST_H

#include <stdbool.h>
#include <stddef.h>

#define ZSL_MAX_LEVEL 32

/* One element. 'level' has as many entries as the node's height; the
 * member's sds string lives in the same allocation, after the levels. */
struct zsl_node {
    char *member;                /* sds, part of the node */
    double score;
    struct zsl_node *backward;   /* previous node, NULL for the first */
    struct zsl_level {
        struct zsl_node *forward;
        size_t span;             /* nodes skipped by 'forward' */
    } level[];
};

/* The list. 'header' is a sentinel with ZSL_MAX_LEVEL levels. */
struct zsl {
    struct zsl_node *header;
    struct zsl_node *tail;       /* last node, NULL if empty */
    size_t length;
    int level;                   /* height of the tallest node */
};

/* A score interval. */
struct zsl_range {
    double min;
    double max;
    bool min_ex;                 /* exclusive ends */
    bool max_ex;
};

/* One end of a lex interval: 'inf' -1 is '-', +1 is '+', 0 a string. */
struct zsl_lex_bound {
    const char *p;
    size_t len;
    int inf;
    bool ex;
};

struct zsl_lex_range {
    struct zsl_lex_bound min;
    struct zsl_lex_bound max;
};

/* A new empty list (owned: zsl_free, which frees the nodes). */
struct zsl *zsl_new(void);
void zsl_free(struct zsl *zsl);

/* Insert a copy of 'len' bytes at 'member' with 'score'; the pair must
 * not be present. Returns the new node. */
struct zsl_node *zsl_insert(struct zsl *zsl, double score,
                            const char *member, size_t len);

/* Remove the node of ('score', 'member'); false if absent. */
bool zsl_delete(struct zsl *zsl, double score, const char *member,
                size_t len);

/* Move ('score', 'member') to 'new_score'. Returns the node, which may be
 * a new one: its member string then moved too. The pair must be
 * present. */
struct zsl_node *zsl_update_score(struct zsl *zsl, double score,
                                  const char *member, size_t len,
                                  double new_score);

/* The rank of ('score', 'member'), or 0 if absent. */
size_t zsl_rank(const struct zsl *zsl, double score, const char *member,
                size_t len);

/* The node of 1-based 'rank', or NULL. */
struct zsl_node *zsl_by_rank(const struct zsl *zsl, size_t rank);

/* The first / last node whose score is in 'r', or NULL. */
struct zsl_node *zsl_first_in_range(const struct zsl *zsl,
                                    const struct zsl_range *r);
struct zsl_node *zsl_last_in_range(const struct zsl *zsl,
                                   const struct zsl_range *r);

/* The same for a lex range (meaningful when all scores are equal). */
struct zsl_node *zsl_first_in_lex(const struct zsl *zsl,
                                  const struct zsl_lex_range *r);
struct zsl_node *zsl_last_in_lex(const struct zsl *zsl,
                                 const struct zsl_lex_range *r);

/* Tests of a value against one end of a range. */
bool zsl_score_gte_min(double v, const struct zsl_range *r);
bool zsl_score_lte_max(double v, const struct zsl_range *r);
bool zsl_lex_gte_min(const char *m, size_t len, const struct zsl_lex_range *r);
bool zsl_lex_lte_max(const char *m, size_t len, const struct zsl_lex_range *r);

#endif
