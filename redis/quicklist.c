/* Quicklists (see quicklist.h): listpack nodes in a doubly linked list.
 *
 * Compression keeps one invariant: with depth d > 0 the d nodes at each
 * end are plain listpacks and every other node is packed, except the one
 * node a walk stands on. Every change touches one node (or adds or drops
 * one) and then calls quicklist_settle on it, which unpacks the d nodes
 * at each end (they may have moved closer to an end), packs the nodes
 * just inside those, and packs the changed node if it lies inside: O(d),
 * as Redis does it. A node is packed only if LZF saves 8 bytes or more
 * and the listpack has at least 48 bytes.
 *
 * Plain nodes (one element of quicklist_packed_threshold bytes or more)
 * never take another entry: quicklist_fits says no, so every path that
 * adds to a full node (push, insert, replace) makes a new node, and
 * quicklist_new_node makes it plain when the element is large. */
#include "redis/quicklist.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/listpack.h"
#include "redis/lzf.h"
#include "redis/sds.h"

#define QUICKLIST_MIN_PACK 48     /* smaller listpacks are not packed */
#define QUICKLIST_SAFETY_BYTES 8192 /* node size cap for a count fill */
#define QUICKLIST_BLOB_HDR 4      /* uint32 size before a packed blob */

size_t quicklist_packed_threshold = (size_t)1 << 30;

bool quicklist_set_packed_threshold(unsigned long long bytes)
{
    if (bytes > (1ULL << 32) - (1ULL << 20)) {
        return false;
    }
    quicklist_packed_threshold = bytes == 0 ? (size_t)1 << 30
                                            : (size_t)bytes;
    return true;
}

static bool quicklist_is_large(size_t len)
{
    return len >= quicklist_packed_threshold;
}

struct quicklist *quicklist_new(int fill, int depth)
{
    struct quicklist *ql = mem_calloc(1, sizeof(*ql));
    ql->fill = fill;
    ql->depth = depth < 0 ? 0 : depth;
    return ql;
}

static void quicklist_node_free(struct quicklist_node *n)
{
    mem_free(n->lp);
    mem_free(n);
}

void quicklist_free(struct quicklist *ql)
{
    if (ql == NULL) {
        return;
    }
    for (struct quicklist_node *n = ql->head, *next; n != NULL; n = next) {
        next = n->next;
        quicklist_node_free(n);
    }
    mem_free(ql);
}

/* ------------------------------------------------------------------------
 * Packing */

/* Size of the LZF blob of packed node 'n'. */
static size_t quicklist_blob_size(const struct quicklist_node *n)
{
    uint32_t size;
    memcpy(&size, n->lp, sizeof(size));
    return size;
}

/* The bytes of packed node 'n', decompressed into a new allocation. */
static unsigned char *quicklist_unpacked_copy(const struct quicklist_node *n)
{
    unsigned char *raw = mem_alloc(n->raw_bytes);
    size_t got = lzf_decompress(n->lp + QUICKLIST_BLOB_HDR,
                                quicklist_blob_size(n), raw, n->raw_bytes);
    assert(got == n->raw_bytes);
    return raw;
}

static void quicklist_unpack(struct quicklist_node *n)
{
    if (!n->packed) {
        return;
    }
    unsigned char *raw = quicklist_unpacked_copy(n);
    mem_free(n->lp);
    n->lp = raw;
    n->packed = false;
}

static void quicklist_pack(struct quicklist_node *n)
{
    if (n->packed || n->raw_bytes < QUICKLIST_MIN_PACK) {
        return;
    }
    unsigned char *blob = mem_alloc(QUICKLIST_BLOB_HDR + n->raw_bytes);
    size_t got = lzf_compress(n->lp, n->raw_bytes, blob + QUICKLIST_BLOB_HDR,
                              n->raw_bytes - 8);
    if (got == 0) {
        mem_free(blob);
        return;
    }
    uint32_t size = (uint32_t)got;
    memcpy(blob, &size, sizeof(size));
    mem_free(n->lp);
    n->lp = mem_realloc(blob, QUICKLIST_BLOB_HDR + got);
    n->packed = true;
}

const unsigned char *quicklist_node_data(const struct quicklist_node *n,
                                         size_t *len, unsigned char **copy)
{
    *len = n->raw_bytes;
    *copy = n->packed ? quicklist_unpacked_copy(n) : NULL;
    return *copy != NULL ? *copy : n->lp;
}

/* True if 'n' is within 'depth' nodes of either end. */
static bool quicklist_near_end(const struct quicklist *ql,
                               const struct quicklist_node *n)
{
    const struct quicklist_node *h = ql->head, *t = ql->tail;
    for (int i = 0; i < ql->depth && h != NULL; i++) {
        if (h == n || t == n) {
            return true;
        }
        h = h->next;
        t = t->prev;
    }
    return false;
}

/* Restore the packing invariant after 'n' (or NULL) changed. */
static void quicklist_settle(struct quicklist *ql, struct quicklist_node *n)
{
    if (ql->depth == 0) {
        return;
    }
    struct quicklist_node *h = ql->head, *t = ql->tail;
    for (int i = 0; i < ql->depth && h != NULL; i++) {
        quicklist_unpack(h);
        quicklist_unpack(t);
        h = h->next;
        t = t->prev;
    }
    if (h != NULL && !quicklist_near_end(ql, h)) {
        quicklist_pack(h);
    }
    if (t != NULL && !quicklist_near_end(ql, t)) {
        quicklist_pack(t);
    }
    if (n != NULL && !quicklist_near_end(ql, n)) {
        quicklist_pack(n);
    }
}

/* ------------------------------------------------------------------------
 * Nodes */

/* True if node 'n' (unpacked) may take one more entry of 'len' bytes. */
static bool quicklist_fits(const struct quicklist *ql,
                           const struct quicklist_node *n, size_t len)
{
    if (n->plain || quicklist_is_large(len)) {
        return false;
    }
    size_t bytes = n->raw_bytes + len + 10;
    if (ql->fill < 0) {
        int f = ql->fill < -5 ? 5 : -ql->fill;
        return bytes <= (size_t)4096 << (f - 1);
    }
    return n->count < (size_t)ql->fill && bytes <= QUICKLIST_SAFETY_BYTES;
}

static struct quicklist_node *quicklist_node_new(void)
{
    struct quicklist_node *n = mem_calloc(1, sizeof(*n));
    n->lp = listpack_new();
    n->raw_bytes = listpack_bytes(n->lp);
    return n;
}

/* A plain node holding a copy of 'len' bytes at 'p'. */
static struct quicklist_node *quicklist_plain_new(const char *p, size_t len)
{
    struct quicklist_node *n = mem_calloc(1, sizeof(*n));
    n->lp = mem_alloc(len > 0 ? len : 1);
    memcpy(n->lp, p, len);
    n->raw_bytes = len;
    n->count = 1;
    n->plain = true;
    return n;
}

/* Link 'n' after 'at' (NULL: as the head). */
static void quicklist_link(struct quicklist *ql, struct quicklist_node *at,
                           struct quicklist_node *n)
{
    n->prev = at;
    n->next = at != NULL ? at->next : ql->head;
    if (n->next != NULL) {
        n->next->prev = n;
    } else {
        ql->tail = n;
    }
    if (at != NULL) {
        at->next = n;
    } else {
        ql->head = n;
    }
    ql->nodes++;
}

static void quicklist_unlink(struct quicklist *ql, struct quicklist_node *n)
{
    if (n->prev != NULL) {
        n->prev->next = n->next;
    } else {
        ql->head = n->next;
    }
    if (n->next != NULL) {
        n->next->prev = n->prev;
    } else {
        ql->tail = n->prev;
    }
    ql->nodes--;
    ql->count -= n->count;
    quicklist_node_free(n);
}

/* The node holding entry 'index' and the index within it, or NULL. */
static struct quicklist_node *quicklist_find(const struct quicklist *ql,
                                             size_t index, size_t *at)
{
    if (index >= ql->count) {
        return NULL;
    }
    struct quicklist_node *n;
    if (index < ql->count / 2) {
        for (n = ql->head; index >= n->count; n = n->next) {
            index -= n->count;
        }
    } else {
        size_t back = ql->count - 1 - index;
        for (n = ql->tail; back >= n->count; n = n->prev) {
            back -= n->count;
        }
        index = n->count - 1 - back;
    }
    *at = index;
    return n;
}

/* Insert into node 'n' at entry 'at' (0..count). */
static void quicklist_node_insert(struct quicklist *ql,
                                  struct quicklist_node *n, size_t at,
                                  const char *p, size_t len)
{
    quicklist_unpack(n); /* a settle of a neighbour may have packed it */
    size_t off = listpack_offset(n->lp, at == n->count
                                        ? NULL
                                        : listpack_seek(n->lp,
                                                        (long long)at));
    n->lp = listpack_insert(n->lp, off, p, len);
    n->raw_bytes = listpack_bytes(n->lp);
    n->count++;
    ql->count++;
}

/* Move the entries of unpacked node 'n' from 'at' (1..count-1) on into
 * a new node after it; returns the new node. */
static struct quicklist_node *quicklist_split(struct quicklist *ql,
                                              struct quicklist_node *n,
                                              size_t at)
{
    struct quicklist_node *m = quicklist_node_new();
    unsigned char *from = listpack_seek(n->lp, (long long)at);
    for (unsigned char *e = from; e != NULL; e = listpack_next(n->lp, e)) {
        size_t len;
        char buf[LISTPACK_INTBUF];
        const char *s = listpack_get(e, &len, buf);
        m->lp = listpack_append(m->lp, s, len);
    }
    m->count = n->count - at;
    m->raw_bytes = listpack_bytes(m->lp);
    n->lp = listpack_delete(n->lp, listpack_offset(n->lp, from), m->count);
    n->count = at;
    n->raw_bytes = listpack_bytes(n->lp);
    quicklist_link(ql, n, m);
    return m;
}

/* Insert into a fresh node linked after 'at' (NULL: as the head). */
static void quicklist_insert_new_node(struct quicklist *ql,
                                      struct quicklist_node *at,
                                      const char *p, size_t len)
{
    if (quicklist_is_large(len)) {
        struct quicklist_node *m = quicklist_plain_new(p, len);
        quicklist_link(ql, at, m);
        ql->count++;
        quicklist_settle(ql, m);
        return;
    }
    struct quicklist_node *m = quicklist_node_new();
    quicklist_link(ql, at, m);
    quicklist_node_insert(ql, m, 0, p, len);
    quicklist_settle(ql, m);
}

/* ------------------------------------------------------------------------
 * Changes */

void quicklist_delete_range(struct quicklist *ql, size_t index, size_t n);

void quicklist_push(struct quicklist *ql, const char *p, size_t len,
                    bool head)
{
    struct quicklist_node *n = head ? ql->head : ql->tail;
    if (quicklist_is_large(len)) {
        quicklist_insert_new_node(ql, head ? NULL : ql->tail, p, len);
        if (n != NULL) {
            quicklist_settle(ql, n);
        }
        return;
    }
    if (n != NULL) {
        quicklist_unpack(n);
    }
    if (n == NULL || !quicklist_fits(ql, n, len)) {
        struct quicklist_node *m = quicklist_node_new();
        quicklist_link(ql, head ? NULL : ql->tail, m);
        if (n != NULL && ql->depth > 0) {
            quicklist_settle(ql, n);
        }
        n = m;
    }
    quicklist_node_insert(ql, n, head ? 0 : n->count, p, len);
    quicklist_settle(ql, n);
}

char *quicklist_pop(struct quicklist *ql, bool head)
{
    struct quicklist_node *n = head ? ql->head : ql->tail;
    assert(n != NULL);
    quicklist_unpack(n);
    char *out;
    if (n->plain) {
        out = sds_new((const char *)n->lp, n->raw_bytes);
        n->count = 0;
    } else {
        unsigned char *e = head ? listpack_first(n->lp)
                                : listpack_last(n->lp);
        size_t len;
        char buf[LISTPACK_INTBUF];
        const char *s = listpack_get(e, &len, buf);
        out = sds_new(s, len);
        n->lp = listpack_delete(n->lp, listpack_offset(n->lp, e), 1);
        n->raw_bytes = listpack_bytes(n->lp);
        n->count--;
    }
    ql->count--;
    if (n->count == 0) {
        quicklist_unlink(ql, n);
        n = NULL;
    }
    quicklist_settle(ql, n);
    return out;
}

void quicklist_insert(struct quicklist *ql, size_t index, const char *p,
                      size_t len)
{
    if (index == 0 || index >= ql->count) {
        quicklist_push(ql, p, len, index == 0);
        return;
    }
    size_t at;
    struct quicklist_node *n = quicklist_find(ql, index, &at);
    quicklist_unpack(n);
    if (quicklist_fits(ql, n, len)) {
        quicklist_node_insert(ql, n, at, p, len);
        quicklist_settle(ql, n);
        return;
    }
    /* 'n' is full. At its start, the end of the node before may have
     * room (the entry goes between the two either way). */
    if (at == 0) {
        struct quicklist_node *prev = n->prev;
        quicklist_unpack(prev);
        if (quicklist_fits(ql, prev, len)) {
            quicklist_node_insert(ql, prev, prev->count, p, len);
            quicklist_settle(ql, prev);
        } else {
            quicklist_settle(ql, prev);
            quicklist_insert_new_node(ql, prev, p, len);
        }
        quicklist_settle(ql, n);
        return;
    }
    /* Else cut 'n' at the spot and put the entry at the end of the first
     * part, or the start of the second, or in a node of its own. */
    struct quicklist_node *m = quicklist_split(ql, n, at);
    if (quicklist_fits(ql, n, len)) {
        quicklist_node_insert(ql, n, n->count, p, len);
    } else if (quicklist_fits(ql, m, len)) {
        quicklist_node_insert(ql, m, 0, p, len);
    } else {
        quicklist_insert_new_node(ql, n, p, len);
    }
    quicklist_settle(ql, n);
    quicklist_settle(ql, m);
}

void quicklist_replace(struct quicklist *ql, size_t index, const char *p,
                       size_t len)
{
    size_t at;
    struct quicklist_node *n = quicklist_find(ql, index, &at);
    assert(n != NULL);
    quicklist_unpack(n);
    if (n->plain && quicklist_is_large(len)) {
        mem_free(n->lp);
        n->lp = mem_alloc(len > 0 ? len : 1);
        memcpy(n->lp, p, len);
        n->raw_bytes = len;
        quicklist_settle(ql, n);
        return;
    }
    if (n->plain || quicklist_is_large(len)) {
        /* the element changes kind: a node of its own, or into a
         * listpack next to where it was */
        quicklist_settle(ql, n);
        quicklist_delete_range(ql, index, 1);
        quicklist_insert(ql, index, p, len);
        return;
    }
    size_t off = listpack_offset(n->lp, listpack_seek(n->lp, (long long)at));
    n->lp = listpack_replace(n->lp, off, p, len);
    n->raw_bytes = listpack_bytes(n->lp);
    /* no split when the node grows past its bound: Redis 7.0 does not
     * split here either, and the node layouts (so MEMORY USAGE and RDB
     * files) stay the same as redis-server's */
    quicklist_settle(ql, n);
}

void quicklist_delete_range(struct quicklist *ql, size_t index, size_t n)
{
    size_t at;
    struct quicklist_node *node = quicklist_find(ql, index, &at);
    while (node != NULL && n > 0) {
        struct quicklist_node *next = node->next;
        size_t take = node->count - at < n ? node->count - at : n;
        if (take == node->count) {
            quicklist_unlink(ql, node);
        } else {
            quicklist_unpack(node);
            size_t off = listpack_offset(node->lp,
                                         listpack_seek(node->lp,
                                                       (long long)at));
            node->lp = listpack_delete(node->lp, off, take);
            node->raw_bytes = listpack_bytes(node->lp);
            node->count -= take;
            ql->count -= take;
            quicklist_settle(ql, node);
        }
        n -= take;
        at = 0;
        node = next;
    }
    quicklist_settle(ql, NULL);
}

void quicklist_take(struct quicklist *ql, struct quicklist *from)
{
    for (struct quicklist_node *n = ql->head, *next; n != NULL; n = next) {
        next = n->next;
        quicklist_node_free(n);
    }
    ql->head = from->head;
    ql->tail = from->tail;
    ql->count = from->count;
    ql->nodes = from->nodes;
    mem_free(from);
}

size_t quicklist_bytes(const struct quicklist *ql, size_t samples)
{
    size_t bytes = 0, seen = 0;
    for (const struct quicklist_node *n = ql->head;
         n != NULL && (samples == 0 || seen < samples); n = n->next) {
        bytes += sizeof(*n) + mem_usable(n->lp);
        seen++;
    }
    double per = seen > 0 ? (double)bytes / (double)seen : 0;
    return sizeof(*ql) + (size_t)(per * (double)ql->nodes);
}

size_t quicklist_packed_nodes(const struct quicklist *ql)
{
    size_t packed = 0;
    for (const struct quicklist_node *n = ql->head; n != NULL; n = n->next) {
        packed += n->packed;
    }
    return packed;
}

void quicklist_append_listpack(struct quicklist *ql, unsigned char *lp)
{
    struct quicklist_node *n = mem_calloc(1, sizeof(*n));
    n->lp = lp;
    n->raw_bytes = listpack_bytes(lp);
    n->count = (uint32_t)listpack_count(lp);
    quicklist_link(ql, ql->tail, n);
    ql->count += n->count;
    quicklist_settle(ql, n);
}

void quicklist_append_plain(struct quicklist *ql, const char *p, size_t len)
{
    struct quicklist_node *n = quicklist_plain_new(p, len);
    quicklist_link(ql, ql->tail, n);
    ql->count++;
    quicklist_settle(ql, n);
}

/* ------------------------------------------------------------------------
 * Walks */

/* Step the walk onto node 'n' (or NULL), packing the one it leaves. */
static void quicklist_iter_enter(struct quicklist_iter *it,
                                 struct quicklist_node *n)
{
    if (it->node != NULL && it->node != n &&
        !quicklist_near_end(it->ql, it->node) && it->ql->depth > 0) {
        quicklist_pack(it->node);
    }
    it->node = n;
    if (n != NULL) {
        quicklist_unpack(n);
        if (n->plain) {
            it->p = n->lp;
        } else {
            it->p = it->forward ? listpack_first(n->lp)
                                : listpack_last(n->lp);
        }
    } else {
        it->p = NULL;
    }
}

void quicklist_iter_init(struct quicklist_iter *it, struct quicklist *ql,
                         size_t index, bool forward)
{
    size_t at = 0;
    it->ql = ql;
    it->node = NULL;
    it->forward = forward;
    it->p = NULL;
    struct quicklist_node *n = quicklist_find(ql, index, &at);
    if (n != NULL) {
        quicklist_iter_enter(it, n);
        if (!n->plain) {
            it->p = listpack_seek(n->lp, (long long)at);
        }
    }
}

bool quicklist_iter_next(struct quicklist_iter *it, const char **p,
                         size_t *len)
{
    while (it->node != NULL && it->p == NULL) {
        quicklist_iter_enter(it, it->forward ? it->node->next
                                             : it->node->prev);
    }
    if (it->p == NULL) {
        return false;
    }
    if (it->node->plain) {
        *p = (const char *)it->node->lp;
        *len = it->node->raw_bytes;
        it->p = NULL;
        return true;
    }
    *p = listpack_get(it->p, len, it->buf);
    it->p = it->forward ? listpack_next(it->node->lp, it->p)
                        : listpack_prev(it->node->lp, it->p);
    return true;
}

void quicklist_iter_release(struct quicklist_iter *it)
{
    quicklist_iter_enter(it, NULL);
}
