/* A chained hash table keyed by binary strings, rehashed incrementally:
 * when it grows or shrinks, a second table is allocated and buckets move
 * over a few at a time on each lookup, insert and delete (and in
 * dict_rehash_ms from the cron), so no single operation stalls the server.
 * Keys are sds strings (redis/sds.h); lookups take a plain pointer and
 * length, so a request's argument can be looked up without a copy.
 * dict_scan walks the table with a stateless cursor that reports every
 * entry present for the whole scan at least once, even across resizes
 * (Redis's reverse-binary cursor). Knows nothing of the server.
 *
 * Ownership is declared once per table in its struct dict_type: whether
 * the table frees its keys, and how it frees its values. */
#ifndef CODIS_DICT_H
#define CODIS_DICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One key/value pair. 'key' is an sds string; the value is one of 'v',
 * which the entries of a keys-only table (dict_new_keys_only) lack: they
 * are allocated without it. */
struct dict_entry {
    char *key;
    struct dict_entry *next; /* next in the bucket's chain */
    union {
        void *ptr;
        int64_t s64;
        double d;
    } v;
};

/* What a table owns. */
struct dict_type {
    bool owns_keys;               /* free keys (sds_free) with entries */
    void (*val_free)(void *ptr);  /* free v.ptr with entries; NULL: not */
};

/* A table: two bucket arrays while rehashing from [0] to [1]. */
struct dict {
    const struct dict_type *type;
    struct dict_entry **table[2];
    size_t size[2];         /* buckets, a power of two, or 0 */
    size_t used[2];         /* entries */
    long long rehash_idx;   /* next bucket of [0] to move, -1 if none */
    int pause_rehash;       /* >0 while an iterator or scan is active */
    bool keys_only;         /* entries carry no value (16 bytes) */
};

/* A safe iterator: the entry it returned last may be deleted; nothing else
 * may change the table while it is active. */
struct dict_iter {
    struct dict *d;
    int table;
    long long index;
    struct dict_entry *entry;
    struct dict_entry *next;
};

/* Called by dict_scan for each entry. It must not change the table. */
typedef void (*dict_scan_fn)(void *priv, const struct dict_entry *e);

/* Seed the key hash (call once at start with random bytes). */
void dict_set_hash_seed(const uint8_t seed[16]);

/* The seeded 64-bit hash of 'len' bytes at 'key'. */
uint64_t dict_hash(const void *key, size_t len);

/* A new empty table of 'type' (which must outlive it). Owned: dict_free. */
struct dict *dict_new(const struct dict_type *type);

/* A new empty table whose entries hold a key and no value: a set of
 * keys at 16 bytes an entry instead of 24 (the slot indexes of
 * redis/slots.c). Reading an entry's 'v' is a bug. Owned: dict_free. */
struct dict *dict_new_keys_only(const struct dict_type *type);

/* Allow or forbid growing and shrinking tables (all of them): forbidden
 * while a child process shares the parent's memory copy-on-write, as in
 * Redis, so a rehash does not copy every page. A table grows anyway once
 * it holds five times more entries than buckets. */
void dict_set_resize_allowed(bool allowed);

/* Free 'd' with every entry (and keys / values as its type says). NULL is
 * fine. */
void dict_free(struct dict *d);

/* Remove every entry, freeing as the type says; 'd' stays usable. */
void dict_clear(struct dict *d);

/* Number of entries. */
static inline size_t dict_size(const struct dict *d)
{
    return d->used[0] + d->used[1];
}

/* Number of buckets (both tables while rehashing). */
static inline size_t dict_buckets(const struct dict *d)
{
    return d->size[0] + d->size[1];
}

/* The entry of 'key' ('len' bytes), or NULL. Borrowed: valid until the
 * entry is deleted. */
struct dict_entry *dict_find(struct dict *d, const void *key, size_t len);

/* Insert 'key' (an sds string: the table takes it if its type owns keys)
 * and return the new entry with a zeroed value for the caller to fill; or
 * NULL, leaving 'key' to the caller, if an equal key is present. */
struct dict_entry *dict_insert(struct dict *d, char *key);

/* Delete the entry of 'key', freeing key and value as the type says.
 * Returns true if it existed. */
bool dict_delete(struct dict *d, const void *key, size_t len);

/* Take the entry of 'key' out of the table without freeing anything, or
 * return NULL. The caller releases it with dict_free_unlinked. */
struct dict_entry *dict_unlink(struct dict *d, const void *key, size_t len);

/* Free an entry returned by dict_unlink as the type says. */
void dict_free_unlinked(struct dict *d, struct dict_entry *e);

/* A random entry, or NULL if 'd' is empty. Not perfectly uniform (a bucket
 * first, then a chain element), like Redis's dictGetRandomKey. */
struct dict_entry *dict_random(struct dict *d);

/* Start iterating 'd'; pauses rehashing until dict_iter_release. */
void dict_iter_init(struct dict_iter *it, struct dict *d);

/* The next entry, or NULL at the end. */
struct dict_entry *dict_iter_next(struct dict_iter *it);

/* Finish an iteration (must be called, also when stopping early). */
void dict_iter_release(struct dict_iter *it);

/* Visit the entries of one bucket (or, while rehashing, of the buckets
 * that correspond to it) and return the next cursor; 0 means the scan is
 * complete. Start with cursor 0. */
uint64_t dict_scan(struct dict *d, uint64_t cursor, dict_scan_fn fn,
                   void *priv);

/* Move up to 'n' buckets of a rehash. Returns true if more remain. */
bool dict_rehash(struct dict *d, int n);

/* Rehash for about 'ms' milliseconds. Returns buckets moved. */
int dict_rehash_ms(struct dict *d, int ms);

/* Start shrinking 'd' if it is at most 1/10 full. Returns true if it did. */
bool dict_shrink_if_needed(struct dict *d);

/* Make room for 'size' entries at once (pre-sizing a table before a bulk
 * load). */
void dict_expand(struct dict *d, size_t size);

/* A pseudo-random 64-bit number (xorshift), for sampling. */
uint64_t dict_random_u64(void);

#endif
