/* A quicklist: a doubly linked list of listpack nodes (listpack.h), the
 * value of a list. Nodes are bounded by 'fill' (Redis's
 * list-max-listpack-size: negative -1..-5 means at most 4, 8, 16, 32 or
 * 64 KB of listpack per node, positive means at most that many entries),
 * and with 'depth' > 0 (list-compress-depth) every node but the 'depth'
 * ones at each end is kept LZF-compressed (lzf.h). Knows nothing of the
 * server.
 *
 * An element of quicklist_packed_threshold bytes or more (1 GB unless
 * DEBUG QUICKLIST-PACKED-THRESHOLD says otherwise) gets a plain node of
 * its own, holding its bytes without a listpack around them, as Redis 7
 * does. Reading goes through struct quicklist_iter, which decompresses
 * the node it stands on and compresses it again when it leaves. Indexes
 * are 0-based from the head. */
#ifndef CODIS_QUICKLIST_H
#define CODIS_QUICKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redis/listpack.h"

/* One node (40 bytes, as Redis's): a listpack or a plain element, or
 * while 'packed' an LZF blob of either: a uint32 of the blob's size,
 * then the blob. */
struct quicklist_node {
    struct quicklist_node *prev;
    struct quicklist_node *next;
    unsigned char *lp;     /* the listpack / element, or the packed blob */
    size_t raw_bytes;      /* bytes of the listpack / element */
    uint32_t count;        /* entries (1 for a plain node) */
    bool packed;           /* 'lp' is the LZF blob */
    bool plain;            /* one element's bytes, no listpack */
};

struct quicklist {
    struct quicklist_node *head;
    struct quicklist_node *tail;
    size_t count;          /* entries in all nodes */
    size_t nodes;
    int fill;
    int depth;
};

/* A new empty list with 'fill' and compression 'depth' (owned:
 * quicklist_free). */
struct quicklist *quicklist_new(int fill, int depth);
void quicklist_free(struct quicklist *ql);

/* Add a copy of 'len' bytes at 'p' at the head or the tail. */
void quicklist_push(struct quicklist *ql, const char *p, size_t len,
                    bool head);

/* Remove the first (or last) entry; returns it as an sds string (owned).
 * The list must not be empty. */
char *quicklist_pop(struct quicklist *ql, bool head);

/* Insert a copy of 'len' bytes at 'p' so that it becomes entry 'index'
 * (0..count). */
void quicklist_insert(struct quicklist *ql, size_t index, const char *p,
                      size_t len);

/* Replace entry 'index' (< count) with 'len' bytes at 'p'. */
void quicklist_replace(struct quicklist *ql, size_t index, const char *p,
                       size_t len);

/* Remove 'n' entries from 'index' on (fewer if the end comes first). */
void quicklist_delete_range(struct quicklist *ql, size_t index, size_t n);

/* Free the entries of 'ql' and give it those of 'from' (then freed). */
void quicklist_take(struct quicklist *ql, struct quicklist *from);

/* Bytes held as Redis's MEMORY USAGE counts them: the list header, then
 * the node header and allocation of the first 'samples' nodes (0: all)
 * scaled to the number of nodes. */
size_t quicklist_bytes(const struct quicklist *ql, size_t samples);

/* Elements of this many bytes or more go into plain nodes. */
extern size_t quicklist_packed_threshold;

/* Set quicklist_packed_threshold to 'bytes' (0: 1 GB); false if it is
 * not below 4 GB - 1 MB. */
bool quicklist_set_packed_threshold(unsigned long long bytes);

/* Append a node holding listpack 'lp' (taken; valid, not empty) or a
 * plain node holding a copy of 'len' bytes at 'p' at the tail, as they
 * came from an RDB file. */
void quicklist_append_listpack(struct quicklist *ql, unsigned char *lp);
void quicklist_append_plain(struct quicklist *ql, const char *p,
                            size_t len);

/* The listpack or plain element of node 'n' and its size; if the node is
 * packed the bytes are a copy returned in '*copy' too (mem_free it), else
 * '*copy' is NULL and the bytes are borrowed. */
const unsigned char *quicklist_node_data(const struct quicklist_node *n,
                                         size_t *len, unsigned char **copy);

/* Number of nodes packed (compressed) now. */
size_t quicklist_packed_nodes(const struct quicklist *ql);

/* A walk from one entry towards the tail or the head. */
struct quicklist_iter {
    struct quicklist *ql;
    struct quicklist_node *node;
    unsigned char *p;      /* next entry to return, or NULL */
    bool forward;
    char buf[LISTPACK_INTBUF]; /* text of an integer entry returned */
};

/* Start at entry 'index' (< count; else the walk is empty). */
void quicklist_iter_init(struct quicklist_iter *it, struct quicklist *ql,
                         size_t index, bool forward);

/* The next entry into '*p' / '*len' (borrowed: valid until the next call
 * or quicklist_iter_release) and true, or false at the end. */
bool quicklist_iter_next(struct quicklist_iter *it, const char **p,
                         size_t *len);

/* End a walk (compresses the node it stood on again if need be). The
 * list must not change during a walk. */
void quicklist_iter_release(struct quicklist_iter *it);

#endif
