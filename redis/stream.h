/* The stream value (OBJ_STREAM): entries ordered by id in nodes, plus
 * consumer groups with their pending entries lists. Storage only; the
 * commands are in t_stream.c, the RDB form in rdb_stream.c.
 *
 * Entries live in nodes of consecutive ids, kept in one array sorted by
 * the node's master id (its first entry's id), so an id is found by two
 * binary searches (O(log n)). Each entry is one allocation holding its
 * field/value strings with 4-byte lengths. A node mirrors one listpack of
 * Redis: it opens with the first entry's field names (the "master
 * fields"), keeps deleted entries flagged until the node empties, and
 * tracks the bytes Redis's listpack would take, so that node boundaries
 * (stream-node-max-entries / -bytes), approximate trimming and the RDB
 * STREAM_LISTPACKS_2 form come out exactly as Redis's. */
#ifndef CODIS_STREAM_H
#define CODIS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A stream entry id: milliseconds and a sequence number. */
struct stream_id {
    uint64_t ms;
    uint64_t seq;
};

#define STREAM_ENTRY_DELETED 1u    /* flagged as deleted (listpack flag) */
#define STREAM_ENTRY_SAMEFIELDS 2u /* fields equal the node's master's */

#define STREAM_NODE_MAX_ENTRIES 100  /* stream-node-max-entries */
#define STREAM_NODE_MAX_BYTES 4096   /* stream-node-max-bytes */

/* One entry. 'data' (owned) is a uint32 field count, then for each field
 * and its value a uint32 length and the bytes. */
struct stream_entry {
    struct stream_id id;
    uint8_t flags;     /* STREAM_ENTRY_* */
    uint32_t lp_size;  /* bytes it takes in Redis's listpack */
    char *data;
};

/* A node: entries with ids >= 'master', sorted, some maybe deleted. */
struct stream_node {
    struct stream_id master;  /* id of the entry that opened the node */
    char *master_fields;      /* owned: uint32 count, then names as above */
    uint32_t master_count;
    size_t live;              /* entries not deleted */
    size_t deleted;           /* entries flagged deleted */
    size_t lp_bytes;          /* the size Redis's listpack would have */
    struct stream_entry *entries;
    size_t count;             /* live + deleted */
    size_t cap;
};

struct stream_consumer;

/* A pending entry: delivered to 'consumer', not acknowledged yet. */
struct stream_nack {
    struct stream_id id;
    long long delivery_time;   /* ms */
    uint64_t delivery_count;
    struct stream_consumer *consumer;
};

/* A consumer of a group: name and the ids it holds (its part of the
 * group's PEL, sorted by id; the nacks are owned by the group). The name
 * comes first, as in struct stream_group (stream.c searches both). */
struct stream_consumer {
    char *name;                /* sds, owned */
    long long seen_time;       /* ms of the last interaction */
    struct stream_nack **pel;
    size_t pel_count;
    size_t pel_cap;
};

/* A consumer group. 'pel' owns the nacks, sorted by id; consumers sorted
 * by name. entries_read is -1 when unknown. The name comes first. */
struct stream_group {
    char *name;                /* sds, owned */
    struct stream_id last_id;
    long long entries_read;
    struct stream_nack **pel;
    size_t pel_count;
    size_t pel_cap;
    struct stream_consumer **consumers;
    size_t consumer_count;
    size_t consumer_cap;
};

/* A stream value. */
struct stream {
    struct stream_node **nodes;   /* sorted by master id */
    size_t node_count;
    size_t node_cap;
    uint64_t length;              /* live entries */
    struct stream_id last_id;     /* greatest id ever added (or set) */
    struct stream_id first_id;    /* first live entry, 0-0 if empty */
    struct stream_id max_deleted_id; /* greatest id removed by XDEL */
    uint64_t entries_added;       /* entries ever added */
    struct stream_group **groups; /* sorted by name */
    size_t group_count;
    size_t group_cap;
};

/* A position: entry 'entry' of node 'node'. */
struct stream_pos {
    size_t node;
    size_t entry;
};

/* Ids. */
int stream_id_cmp(const struct stream_id *a, const struct stream_id *b);
/* 'id' + 1 / - 1; returns -1 (id unchanged) at the end of the range. */
int stream_id_incr(struct stream_id *id);
int stream_id_decr(struct stream_id *id);
/* "ms-seq" into 'buf' (at least 42 bytes); returns the length. */
size_t stream_id_format(const struct stream_id *id, char *buf);

/* A new empty stream (owned; free with stream_free). */
struct stream *stream_new(void);
void stream_free(struct stream *s);

/* Append an entry 'id' (greater than every id in the stream) with
 * 'nfields' field/value pairs 'fv' (2*nfields strings with 'lens'). */
void stream_append(struct stream *s, const struct stream_id *id,
                   const char *const *fv, const size_t *lens,
                   size_t nfields);

/* Add entry 'id' with 'flags' (STREAM_ENTRY_*) and 'nfields' field/value
 * pairs to the end of node 'n' (rdb_stream.c builds loaded nodes so). */
void stream_node_add(struct stream_node *n, const struct stream_id *id,
                     uint8_t flags, const char *const *fv,
                     const size_t *lens, size_t nfields);

/* A new empty node with 'master' and its master fields (data taken). */
struct stream_node *stream_node_new(const struct stream_id *master,
                                    char *master_fields,
                                    uint32_t master_count);
/* Add node 'n' (taken) after the last node. */
void stream_add_node(struct stream *s, struct stream_node *n);

/* Remove the live entry 'id'. Returns true if it was there. Updates
 * length, first_id and (not max_deleted_id: the caller's business). */
bool stream_delete(struct stream *s, const struct stream_id *id);

/* Trim: with 'by_maxlen' keep at most 'maxlen' entries, else remove the
 * entries below 'minid'. 'approx': only whole nodes. 'limit' (> 0) caps
 * the entries removed, in whole nodes. Returns the entries removed. */
uint64_t stream_trim(struct stream *s, bool by_maxlen, uint64_t maxlen,
                     const struct stream_id *minid, bool approx,
                     long long limit);

/* Iteration over live entries. stream_seek: the first live entry with id
 * >= 'id' (forward) or the last with id <= 'id' (reverse). Returns false
 * if none. stream_next / stream_prev move to the next live entry. */
bool stream_seek(const struct stream *s, const struct stream_id *id,
                 bool reverse, struct stream_pos *pos);
bool stream_next(const struct stream *s, struct stream_pos *pos);
bool stream_prev(const struct stream *s, struct stream_pos *pos);
/* The entry at 'pos' (borrowed). */
const struct stream_entry *stream_at(const struct stream *s,
                                     const struct stream_pos *pos);
/* The live entry 'id', or NULL. */
const struct stream_entry *stream_find(const struct stream *s,
                                       const struct stream_id *id);

/* Entry data: the field/value count and the i-th string (0-based; fields
 * at even, values at odd positions). */
uint32_t stream_entry_nfields(const struct stream_entry *e);
const char *stream_entry_string(const struct stream_entry *e, uint32_t i,
                                size_t *len);
/* A data blob of 'n' strings (the format of entries and master fields):
 * owned, mem_free. */
char *stream_blob_new(const char *const *strs, const size_t *lens,
                      size_t n, size_t stride);

/* Listpack sizes (as Redis computes them): of a string element, of an
 * integer element, each with its back-length. */
size_t stream_lp_string_size(const char *p, size_t len);
size_t stream_lp_int_size(long long v);

/* The first / last live id; false if the stream is empty. */
bool stream_first(const struct stream *s, struct stream_id *id);
bool stream_last(const struct stream *s, struct stream_id *id);

/* Consumer groups. */
struct stream_group *stream_group_find(const struct stream *s,
                                       const char *name, size_t len);
/* Create group 'name'; NULL if it exists. */
struct stream_group *stream_group_create(struct stream *s, const char *name,
                                         size_t len,
                                         const struct stream_id *last_id,
                                         long long entries_read);
/* Remove and free group 'g'. */
void stream_group_destroy(struct stream *s, struct stream_group *g);

struct stream_consumer *stream_consumer_find(const struct stream_group *g,
                                             const char *name, size_t len);
/* Create consumer 'name' (seen now); NULL if it exists. */
struct stream_consumer *stream_consumer_create(struct stream_group *g,
                                               const char *name, size_t len,
                                               long long now);
/* Remove consumer 'cn' and its pending entries. Returns their count. */
size_t stream_consumer_delete(struct stream_group *g,
                              struct stream_consumer *cn);

/* The nack of 'id' in the group PEL, or NULL. */
struct stream_nack *stream_pel_find(const struct stream_group *g,
                                    const struct stream_id *id);
/* Index of the first nack with id >= 'id' in a sorted nack array. */
size_t stream_pel_lower(struct stream_nack *const *pel, size_t count,
                        const struct stream_id *id);
/* Add a new nack of 'id' for 'cn' to the group PEL and to 'cn'. */
struct stream_nack *stream_pel_add(struct stream_group *g,
                                   struct stream_consumer *cn,
                                   const struct stream_id *id,
                                   long long now);
/* Move nack 'nk' to consumer 'cn'. */
void stream_nack_move(struct stream_nack *nk, struct stream_consumer *cn);
/* Remove nack 'nk' from the group and its consumer, and free it. */
void stream_pel_remove(struct stream_group *g, struct stream_nack *nk);

/* Entries read of the stream up to 'id' if it can be known, else -1
 * (Redis's lag estimate for XINFO). */
long long stream_estimate_read(const struct stream *s,
                               const struct stream_id *id);

/* True if 'id' is inside the range that XDEL / trimming holes cover, for
 * the consumer group lag (Redis's streamRangeHasTombstones). */
bool stream_range_has_tombstones(const struct stream *s,
                                 const struct stream_id *start);

#endif
