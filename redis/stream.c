/* Stream storage: ids, nodes of entries, trimming, iteration, consumer
 * groups and pending entries lists (see stream.h for the layout). Knows
 * nothing of clients or replies; t_stream.c drives it. */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/sds.h"
#include "redis/server.h"
#include "redis/stream.h"

/* ------------------------------------------------------------------------
 * Ids */

int stream_id_cmp(const struct stream_id *a, const struct stream_id *b)
{
    if (a->ms != b->ms) {
        return a->ms < b->ms ? -1 : 1;
    }
    if (a->seq != b->seq) {
        return a->seq < b->seq ? -1 : 1;
    }
    return 0;
}

int stream_id_incr(struct stream_id *id)
{
    if (id->seq == UINT64_MAX) {
        if (id->ms == UINT64_MAX) {
            return -1;
        }
        id->ms++;
        id->seq = 0;
    } else {
        id->seq++;
    }
    return 0;
}

int stream_id_decr(struct stream_id *id)
{
    if (id->seq == 0) {
        if (id->ms == 0) {
            return -1;
        }
        id->ms--;
        id->seq = UINT64_MAX;
    } else {
        id->seq--;
    }
    return 0;
}

size_t stream_id_format(const struct stream_id *id, char *buf)
{
    return (size_t)sprintf(buf, "%" PRIu64 "-%" PRIu64, id->ms, id->seq);
}

/* ------------------------------------------------------------------------
 * Listpack sizes: what Redis's listpack takes for an element, so that our
 * nodes split where Redis's do. */

/* Bytes of the back-length of an element whose encoding takes 'l'. */
static size_t stream_lp_backlen(size_t l)
{
    if (l <= 127) {
        return 1;
    }
    if (l < 16383) {
        return 2;
    }
    if (l < 2097151) {
        return 3;
    }
    if (l < 268435455) {
        return 4;
    }
    return 5;
}

size_t stream_lp_int_size(long long v)
{
    size_t l;
    if (v >= 0 && v <= 127) {
        l = 1;
    } else if (v >= -4096 && v <= 4095) {
        l = 2;
    } else if (v >= -32768 && v <= 32767) {
        l = 3;
    } else if (v >= -8388608 && v <= 8388607) {
        l = 4;
    } else if (v >= -2147483648LL && v <= 2147483647LL) {
        l = 5;
    } else {
        l = 9;
    }
    return l + stream_lp_backlen(l);
}

size_t stream_lp_string_size(const char *p, size_t len)
{
    long long v;
    if (len > 0 && len < 21 && util_str2ll(p, len, &v) == 0) {
        return stream_lp_int_size(v);
    }
    size_t l = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
    return l + stream_lp_backlen(l);
}

/* ------------------------------------------------------------------------
 * Entry blobs */

static uint32_t stream_read_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

char *stream_blob_new(const char *const *strs, const size_t *lens, size_t n,
                      size_t stride)
{
    size_t total = 4;
    for (size_t i = 0; i < n; i++) {
        total += 4 + lens[i * stride];
    }
    char *blob = mem_alloc(total);
    uint32_t count = (uint32_t)n;
    memcpy(blob, &count, 4);
    char *p = blob + 4;
    for (size_t i = 0; i < n; i++) {
        uint32_t l = (uint32_t)lens[i * stride];
        memcpy(p, &l, 4);
        memcpy(p + 4, strs[i * stride], l);
        p += 4 + l;
    }
    return blob;
}

/* The i-th string of a blob. */
static const char *stream_blob_string(const char *blob, uint32_t i,
                                      size_t *len)
{
    const char *p = blob + 4;
    for (uint32_t j = 0; j < i; j++) {
        p += 4 + stream_read_u32(p);
    }
    *len = stream_read_u32(p);
    return p + 4;
}

uint32_t stream_entry_nfields(const struct stream_entry *e)
{
    return stream_read_u32(e->data) / 2;
}

const char *stream_entry_string(const struct stream_entry *e, uint32_t i,
                                size_t *len)
{
    return stream_blob_string(e->data, i, len);
}

/* ------------------------------------------------------------------------
 * Nodes */

struct stream *stream_new(void)
{
    return mem_calloc(1, sizeof(struct stream));
}

static void stream_node_free(struct stream_node *n)
{
    for (size_t i = 0; i < n->count; i++) {
        mem_free(n->entries[i].data);
    }
    mem_free(n->entries);
    mem_free(n->master_fields);
    mem_free(n);
}

static void stream_consumer_free(struct stream_consumer *cn)
{
    sds_free(cn->name);
    mem_free(cn->pel);
    mem_free(cn);
}

static void stream_group_free(struct stream_group *g)
{
    for (size_t i = 0; i < g->pel_count; i++) {
        mem_free(g->pel[i]);
    }
    for (size_t i = 0; i < g->consumer_count; i++) {
        stream_consumer_free(g->consumers[i]);
    }
    mem_free(g->pel);
    mem_free(g->consumers);
    sds_free(g->name);
    mem_free(g);
}

void stream_free(struct stream *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->node_count; i++) {
        stream_node_free(s->nodes[i]);
    }
    for (size_t i = 0; i < s->group_count; i++) {
        stream_group_free(s->groups[i]);
    }
    mem_free(s->nodes);
    mem_free(s->groups);
    mem_free(s);
}

/* The listpack bytes of the node's fixed part: header, count, deleted,
 * master field count and names, the zero terminator, the end byte. */
static size_t stream_node_base_bytes(const struct stream_node *n)
{
    size_t b = 6 + 1 + stream_lp_int_size((long long)n->live) +
               stream_lp_int_size((long long)n->deleted) +
               stream_lp_int_size(n->master_count) + stream_lp_int_size(0);
    for (uint32_t i = 0; i < n->master_count; i++) {
        size_t len;
        const char *p = stream_blob_string(n->master_fields, i, &len);
        b += stream_lp_string_size(p, len);
    }
    return b;
}

/* Recompute lp_bytes after live / deleted changed. */
static void stream_node_resize(struct stream_node *n)
{
    size_t b = stream_node_base_bytes(n);
    for (size_t i = 0; i < n->count; i++) {
        b += n->entries[i].lp_size;
    }
    n->lp_bytes = b;
}

struct stream_node *stream_node_new(const struct stream_id *master,
                                    char *master_fields,
                                    uint32_t master_count)
{
    struct stream_node *n = mem_calloc(1, sizeof(*n));
    n->master = *master;
    n->master_fields = master_fields;
    n->master_count = master_count;
    stream_node_resize(n);
    return n;
}

void stream_add_node(struct stream *s, struct stream_node *n)
{
    if (s->node_count == s->node_cap) {
        s->node_cap = s->node_cap ? s->node_cap * 2 : 4;
        s->nodes = mem_realloc(s->nodes, s->node_cap * sizeof(*s->nodes));
    }
    s->nodes[s->node_count++] = n;
}

/* True if entry fields 'fv' equal the node's master fields. */
static bool stream_same_fields(const struct stream_node *n,
                               const char *const *fv, const size_t *lens,
                               size_t nfields)
{
    if (nfields != n->master_count) {
        return false;
    }
    for (size_t i = 0; i < nfields; i++) {
        size_t len;
        const char *p = stream_blob_string(n->master_fields, (uint32_t)i,
                                           &len);
        if (len != lens[2 * i] || memcmp(p, fv[2 * i], len) != 0) {
            return false;
        }
    }
    return true;
}

/* The listpack bytes of an entry: flags, id deltas, [field count], the
 * strings, the element count. */
static uint32_t stream_entry_lp_size(const struct stream_node *n,
                                     const struct stream_id *id,
                                     uint8_t flags, const char *const *fv,
                                     const size_t *lens, size_t nfields)
{
    bool same = (flags & STREAM_ENTRY_SAMEFIELDS) != 0;
    size_t b = stream_lp_int_size(flags) +
               stream_lp_int_size((long long)(id->ms - n->master.ms)) +
               stream_lp_int_size((long long)(id->seq - n->master.seq));
    long long lp_count = (long long)nfields + 3;
    if (!same) {
        b += stream_lp_int_size((long long)nfields);
        lp_count += (long long)nfields + 1;
    }
    for (size_t i = 0; i < 2 * nfields; i++) {
        if (!same || i % 2 == 1) {
            b += stream_lp_string_size(fv[i], lens[i]);
        }
    }
    return (uint32_t)(b + stream_lp_int_size(lp_count));
}

void stream_node_add(struct stream_node *n, const struct stream_id *id,
                     uint8_t flags, const char *const *fv,
                     const size_t *lens, size_t nfields)
{
    if (n->count == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 8;
        n->entries = mem_realloc(n->entries, n->cap * sizeof(*n->entries));
    }
    struct stream_entry *e = &n->entries[n->count++];
    e->id = *id;
    e->flags = flags;
    e->lp_size = stream_entry_lp_size(n, id, flags, fv, lens, nfields);
    e->data = stream_blob_new(fv, lens, 2 * nfields, 1);
    if (flags & STREAM_ENTRY_DELETED) {
        n->deleted++;
    } else {
        n->live++;
    }
    stream_node_resize(n);
}

void stream_append(struct stream *s, const struct stream_id *id,
                   const char *const *fv, const size_t *lens, size_t nfields)
{
    struct stream_node *n = s->node_count ? s->nodes[s->node_count - 1]
                                          : NULL;
    if (n != NULL) {
        size_t total = 0;
        for (size_t i = 0; i < 2 * nfields; i++) {
            total += lens[i];
        }
        if (n->lp_bytes + total >= STREAM_NODE_MAX_BYTES ||
            n->live + n->deleted >= STREAM_NODE_MAX_ENTRIES) {
            n = NULL;
        }
    }
    if (n == NULL) {
        n = stream_node_new(id, stream_blob_new(fv, lens, nfields, 2),
                            (uint32_t)nfields);
        stream_add_node(s, n);
    }
    bool same = stream_same_fields(n, fv, lens, nfields);
    stream_node_add(n, id, same ? STREAM_ENTRY_SAMEFIELDS : 0, fv, lens,
                    nfields);
    if (s->length == 0) {
        s->first_id = *id;
    }
    s->length++;
    s->entries_added++;
    s->last_id = *id;
}

/* ------------------------------------------------------------------------
 * Lookup and iteration */

/* Index of the last node whose master id is <= 'id', or -1. */
static long stream_node_floor(const struct stream *s,
                              const struct stream_id *id)
{
    long lo = 0, hi = (long)s->node_count - 1, found = -1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if (stream_id_cmp(&s->nodes[mid]->master, id) <= 0) {
            found = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return found;
}

/* Index of the first entry of 'n' with id >= 'id' (n->count if none). */
static size_t stream_entry_lower(const struct stream_node *n,
                                 const struct stream_id *id)
{
    size_t lo = 0, hi = n->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (stream_id_cmp(&n->entries[mid].id, id) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static bool stream_is_live(const struct stream *s,
                           const struct stream_pos *p)
{
    return !(s->nodes[p->node]->entries[p->entry].flags &
             STREAM_ENTRY_DELETED);
}

/* Move 'p' to the first live entry at or after it. */
static bool stream_settle_forward(const struct stream *s,
                                  struct stream_pos *p)
{
    while (p->node < s->node_count) {
        const struct stream_node *n = s->nodes[p->node];
        while (p->entry < n->count) {
            if (stream_is_live(s, p)) {
                return true;
            }
            p->entry++;
        }
        p->node++;
        p->entry = 0;
    }
    return false;
}

/* Move 'p' to the first live entry at or before it ('entry' may be
 * SIZE_MAX meaning before the node's first entry). */
static bool stream_settle_back(const struct stream *s, struct stream_pos *p)
{
    for (;;) {
        if (p->entry != SIZE_MAX) {
            for (;;) {
                if (stream_is_live(s, p)) {
                    return true;
                }
                if (p->entry == 0) {
                    break;
                }
                p->entry--;
            }
        }
        if (p->node == 0) {
            return false;
        }
        p->node--;
        p->entry = s->nodes[p->node]->count - 1;
    }
}

bool stream_seek(const struct stream *s, const struct stream_id *id,
                 bool reverse, struct stream_pos *pos)
{
    if (s->node_count == 0) {
        return false;
    }
    long ni = stream_node_floor(s, id);
    if (!reverse) {
        if (ni < 0) {
            pos->node = 0;
            pos->entry = 0;
        } else {
            pos->node = (size_t)ni;
            pos->entry = stream_entry_lower(s->nodes[ni], id);
        }
        return stream_settle_forward(s, pos);
    }
    if (ni < 0) {
        return false;
    }
    const struct stream_node *n = s->nodes[ni];
    size_t e = stream_entry_lower(n, id);
    pos->node = (size_t)ni;
    if (e < n->count && stream_id_cmp(&n->entries[e].id, id) == 0) {
        pos->entry = e;
    } else {
        pos->entry = e == 0 ? SIZE_MAX : e - 1;
    }
    return stream_settle_back(s, pos);
}

bool stream_next(const struct stream *s, struct stream_pos *pos)
{
    pos->entry++;
    return stream_settle_forward(s, pos);
}

bool stream_prev(const struct stream *s, struct stream_pos *pos)
{
    pos->entry = pos->entry == 0 ? SIZE_MAX : pos->entry - 1;
    return stream_settle_back(s, pos);
}

const struct stream_entry *stream_at(const struct stream *s,
                                     const struct stream_pos *pos)
{
    return &s->nodes[pos->node]->entries[pos->entry];
}

const struct stream_entry *stream_find(const struct stream *s,
                                       const struct stream_id *id)
{
    struct stream_pos p;
    if (!stream_seek(s, id, false, &p)) {
        return NULL;
    }
    const struct stream_entry *e = stream_at(s, &p);
    return stream_id_cmp(&e->id, id) == 0 ? e : NULL;
}

bool stream_first(const struct stream *s, struct stream_id *id)
{
    struct stream_pos p = { 0, 0 };
    if (!stream_settle_forward(s, &p)) {
        return false;
    }
    *id = stream_at(s, &p)->id;
    return true;
}

bool stream_last(const struct stream *s, struct stream_id *id)
{
    if (s->node_count == 0) {
        return false;
    }
    struct stream_pos p = { s->node_count - 1,
                            s->nodes[s->node_count - 1]->count - 1 };
    if (!stream_settle_back(s, &p)) {
        return false;
    }
    *id = stream_at(s, &p)->id;
    return true;
}

/* ------------------------------------------------------------------------
 * Deletion and trimming */

static void stream_remove_node(struct stream *s, size_t i)
{
    stream_node_free(s->nodes[i]);
    memmove(&s->nodes[i], &s->nodes[i + 1],
            (s->node_count - i - 1) * sizeof(*s->nodes));
    s->node_count--;
}

static void stream_update_first(struct stream *s)
{
    if (s->length == 0 || !stream_first(s, &s->first_id)) {
        s->first_id.ms = s->first_id.seq = 0;
    }
}

bool stream_delete(struct stream *s, const struct stream_id *id)
{
    long ni = stream_node_floor(s, id);
    if (ni < 0) {
        return false;
    }
    struct stream_node *n = s->nodes[ni];
    size_t e = stream_entry_lower(n, id);
    if (e >= n->count || stream_id_cmp(&n->entries[e].id, id) != 0 ||
        (n->entries[e].flags & STREAM_ENTRY_DELETED)) {
        return false;
    }
    s->length--;
    if (n->live == 1) {
        stream_remove_node(s, (size_t)ni);
    } else {
        n->entries[e].flags |= STREAM_ENTRY_DELETED;
        n->live--;
        n->deleted++;
        stream_node_resize(n);
    }
    if (stream_id_cmp(id, &s->first_id) == 0) {
        stream_update_first(s);
    }
    return true;
}

uint64_t stream_trim(struct stream *s, bool by_maxlen, uint64_t maxlen,
                     const struct stream_id *minid, bool approx,
                     long long limit)
{
    uint64_t removed = 0;
    while (s->node_count > 0) {
        if (by_maxlen && s->length <= maxlen) {
            break;
        }
        struct stream_node *n = s->nodes[0];
        if (limit > 0 && (long long)(removed + n->live) > limit) {
            break;
        }
        bool whole;
        if (by_maxlen) {
            whole = s->length - n->live >= maxlen;
        } else {
            whole = stream_id_cmp(&n->entries[n->count - 1].id, minid) < 0;
        }
        if (whole) {
            s->length -= n->live;
            removed += n->live;
            stream_remove_node(s, 0);
            continue;
        }
        if (approx) {
            break;
        }
        for (size_t i = 0; i < n->count; i++) {
            struct stream_entry *e = &n->entries[i];
            bool stop = by_maxlen ? s->length <= maxlen
                                  : stream_id_cmp(&e->id, minid) >= 0;
            if (stop) {
                break;
            }
            if (!(e->flags & STREAM_ENTRY_DELETED)) {
                e->flags |= STREAM_ENTRY_DELETED;
                n->live--;
                n->deleted++;
                s->length--;
                removed++;
            }
        }
        stream_node_resize(n);
        break;
    }
    stream_update_first(s);
    return removed;
}

/* ------------------------------------------------------------------------
 * Consumer groups */

/* Index of 'name' ('*found') or where it would go in 'arr', 'count'
 * pointers to groups or consumers sorted by name (both structs open with
 * their sds name, which is what is read through each pointer). */
static size_t stream_name_lower(void *const *arr, size_t count,
                                const char *name, size_t len, bool *found)
{
    size_t lo = 0, hi = count;
    *found = false;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *n = *(char *const *)arr[mid];
        int c = sds_cmp_bytes(n, sds_len(n), name, len);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static size_t stream_group_lower(const struct stream *s, const char *name,
                                 size_t len, bool *found)
{
    return stream_name_lower((void *const *)s->groups, s->group_count, name,
                             len, found);
}

struct stream_group *stream_group_find(const struct stream *s,
                                       const char *name, size_t len)
{
    bool found;
    size_t i = stream_group_lower(s, name, len, &found);
    return found ? s->groups[i] : NULL;
}

struct stream_group *stream_group_create(struct stream *s, const char *name,
                                         size_t len,
                                         const struct stream_id *last_id,
                                         long long entries_read)
{
    bool found;
    size_t i = stream_group_lower(s, name, len, &found);
    if (found) {
        return NULL;
    }
    struct stream_group *g = mem_calloc(1, sizeof(*g));
    g->name = sds_new(name, len);
    g->last_id = *last_id;
    g->entries_read = entries_read;
    if (s->group_count == s->group_cap) {
        s->group_cap = s->group_cap ? s->group_cap * 2 : 4;
        s->groups = mem_realloc(s->groups, s->group_cap * sizeof(*s->groups));
    }
    memmove(&s->groups[i + 1], &s->groups[i],
            (s->group_count - i) * sizeof(*s->groups));
    s->groups[i] = g;
    s->group_count++;
    return g;
}

void stream_group_destroy(struct stream *s, struct stream_group *g)
{
    for (size_t i = 0; i < s->group_count; i++) {
        if (s->groups[i] == g) {
            memmove(&s->groups[i], &s->groups[i + 1],
                    (s->group_count - i - 1) * sizeof(*s->groups));
            s->group_count--;
            break;
        }
    }
    stream_group_free(g);
}

static size_t stream_consumer_lower(const struct stream_group *g,
                                    const char *name, size_t len,
                                    bool *found)
{
    return stream_name_lower((void *const *)g->consumers, g->consumer_count,
                             name, len, found);
}

struct stream_consumer *stream_consumer_find(const struct stream_group *g,
                                             const char *name, size_t len)
{
    bool found;
    size_t i = stream_consumer_lower(g, name, len, &found);
    return found ? g->consumers[i] : NULL;
}

struct stream_consumer *stream_consumer_create(struct stream_group *g,
                                               const char *name, size_t len,
                                               long long now)
{
    bool found;
    size_t i = stream_consumer_lower(g, name, len, &found);
    if (found) {
        return NULL;
    }
    struct stream_consumer *cn = mem_calloc(1, sizeof(*cn));
    cn->name = sds_new(name, len);
    cn->seen_time = now;
    if (g->consumer_count == g->consumer_cap) {
        g->consumer_cap = g->consumer_cap ? g->consumer_cap * 2 : 4;
        g->consumers = mem_realloc(g->consumers, g->consumer_cap *
                                   sizeof(*g->consumers));
    }
    memmove(&g->consumers[i + 1], &g->consumers[i],
            (g->consumer_count - i) * sizeof(*g->consumers));
    g->consumers[i] = cn;
    g->consumer_count++;
    return cn;
}

size_t stream_pel_lower(struct stream_nack *const *pel, size_t count,
                        const struct stream_id *id)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (stream_id_cmp(&pel[mid]->id, id) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Insert 'nk' into the sorted array '*pel'. */
static void stream_pel_insert(struct stream_nack ***pel, size_t *count,
                              size_t *cap, struct stream_nack *nk)
{
    size_t i = stream_pel_lower(*pel, *count, &nk->id);
    if (*count == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *pel = mem_realloc(*pel, *cap * sizeof(**pel));
    }
    memmove(&(*pel)[i + 1], &(*pel)[i], (*count - i) * sizeof(**pel));
    (*pel)[i] = nk;
    (*count)++;
}

/* Remove 'nk' from the sorted array 'pel'. */
static void stream_pel_cut(struct stream_nack **pel, size_t *count,
                           const struct stream_nack *nk)
{
    size_t i = stream_pel_lower(pel, *count, &nk->id);
    if (i < *count && pel[i] == nk) {
        memmove(&pel[i], &pel[i + 1], (*count - i - 1) * sizeof(*pel));
        (*count)--;
    }
}

struct stream_nack *stream_pel_find(const struct stream_group *g,
                                    const struct stream_id *id)
{
    size_t i = stream_pel_lower(g->pel, g->pel_count, id);
    if (i < g->pel_count && stream_id_cmp(&g->pel[i]->id, id) == 0) {
        return g->pel[i];
    }
    return NULL;
}

struct stream_nack *stream_pel_add(struct stream_group *g,
                                   struct stream_consumer *cn,
                                   const struct stream_id *id,
                                   long long now)
{
    struct stream_nack *nk = mem_calloc(1, sizeof(*nk));
    nk->id = *id;
    nk->delivery_time = now;
    nk->delivery_count = 1;
    nk->consumer = cn;
    stream_pel_insert(&g->pel, &g->pel_count, &g->pel_cap, nk);
    stream_pel_insert(&cn->pel, &cn->pel_count, &cn->pel_cap, nk);
    return nk;
}

void stream_nack_move(struct stream_nack *nk, struct stream_consumer *cn)
{
    if (nk->consumer == cn) {
        return;
    }
    stream_pel_cut(nk->consumer->pel, &nk->consumer->pel_count, nk);
    nk->consumer = cn;
    stream_pel_insert(&cn->pel, &cn->pel_count, &cn->pel_cap, nk);
}

void stream_pel_remove(struct stream_group *g, struct stream_nack *nk)
{
    stream_pel_cut(g->pel, &g->pel_count, nk);
    stream_pel_cut(nk->consumer->pel, &nk->consumer->pel_count, nk);
    mem_free(nk);
}

size_t stream_consumer_delete(struct stream_group *g,
                              struct stream_consumer *cn)
{
    size_t pending = cn->pel_count;
    while (cn->pel_count > 0) {
        stream_pel_remove(g, cn->pel[0]);
    }
    bool found;
    size_t i = stream_consumer_lower(g, cn->name, sds_len(cn->name), &found);
    assert(found);
    memmove(&g->consumers[i], &g->consumers[i + 1],
            (g->consumer_count - i - 1) * sizeof(*g->consumers));
    g->consumer_count--;
    stream_consumer_free(cn);
    return pending;
}

/* ------------------------------------------------------------------------
 * Read counters (consumer group lag) */

static bool stream_id_is_zero(const struct stream_id *id)
{
    return id->ms == 0 && id->seq == 0;
}

long long stream_estimate_read(const struct stream *s,
                               const struct stream_id *id)
{
    if (s->entries_added == 0) {
        return 0;
    }
    if (s->length == 0 && stream_id_cmp(id, &s->last_id) < 1) {
        return (long long)s->entries_added;
    }
    int cmp_last = stream_id_cmp(id, &s->last_id);
    if (cmp_last == 0) {
        return (long long)s->entries_added;
    }
    if (cmp_last > 0) {
        return -1;
    }
    int cmp_first = stream_id_cmp(id, &s->first_id);
    if (stream_id_is_zero(&s->max_deleted_id) ||
        stream_id_cmp(&s->max_deleted_id, &s->first_id) < 0) {
        if (cmp_first < 0) {
            return (long long)(s->entries_added - s->length);
        }
        if (cmp_first == 0) {
            return (long long)(s->entries_added - s->length + 1);
        }
    }
    return -1;
}

bool stream_range_has_tombstones(const struct stream *s,
                                 const struct stream_id *start)
{
    if (s->length == 0 || stream_id_is_zero(&s->max_deleted_id)) {
        return false;
    }
    if (stream_id_cmp(&s->first_id, &s->max_deleted_id) > 0) {
        return false;
    }
    struct stream_id zero = { 0, 0 };
    if (start == NULL) {
        start = &zero;
    }
    return stream_id_cmp(start, &s->max_deleted_id) <= 0;
}
