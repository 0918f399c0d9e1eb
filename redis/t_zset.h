/* Sorted set internals shared by t_zset.c (the type and most commands)
 * and t_zset_setop.c (ZUNION, ZINTER, ZDIFF and their STORE forms). Not
 * for other files: they use the container API of server.h. */
#ifndef CODIS_T_ZSET_H
#define CODIS_T_ZSET_H

#include <stdbool.h>
#include <stddef.h>

#include "redis/server.h"
#include "redis/zskiplist.h"

/* The value of a sorted set object (OBJ_ENC_SKIPLIST). */
struct zset_value {
    struct dict *dict; /* member (borrowed from the node) -> v.d score */
    struct zsl *zsl;
};

/* A new empty value (owned: zset_value_free, or wrap it with object_new
 * as OBJ_ZSET/OBJ_ENC_SKIPLIST). */
struct zset_value *zset_value_new(void);
void zset_value_free(struct zset_value *z);

/* Set the score of 'member' ('len' bytes, copied), adding it if absent.
 * Returns true if it was added. */
bool zset_set(struct zset_value *z, const char *member, size_t len,
              double score);

/* Number of members. */
size_t zset_len(const struct zset_value *z);

/* Reply the member of 'n', and its score if 'with_scores'. */
void zset_reply_node(struct client *c, const struct zsl_node *n,
                     bool with_scores);

/* ZADD's handler (t_zset.c); GEOADD (geo.c) runs it over arguments it
 * rewrote. */
void cmd_zadd(struct client *c);

#endif
