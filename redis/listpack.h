/* A listpack: a sequence of byte strings in one contiguous allocation,
 * for small hashes, sorted sets and list nodes (Redis's listpack idea,
 * our own layout). Walked forwards and backwards by entry pointers;
 * every change returns the (possibly moved) listpack, so callers keep
 * byte offsets (listpack_offset) across changes, never pointers.
 *
 * Layout: a header (uint32 total bytes, uint32 entry count) then the
 * entries. An entry is varint(len), len bytes, then the varint of the
 * entry's size so far stored backwards, which lets listpack_prev step
 * back. A 10-byte string costs 12 bytes. Knows nothing of the server. */
#ifndef CODIS_LISTPACK_H
#define CODIS_LISTPACK_H

#include <stdbool.h>
#include <stddef.h>

/* An empty listpack. Owned: listpack_free. */
unsigned char *listpack_new(void);

/* A copy of the 'bytes' bytes of a serialized listpack at 'p', or NULL
 * if they do not form a valid listpack (checked entry by entry). */
unsigned char *listpack_from_bytes(const void *p, size_t bytes);

/* Free 'lp'; NULL is fine. */
void listpack_free(unsigned char *lp);

/* Total size in bytes (what listpack_from_bytes reads back). */
size_t listpack_bytes(const unsigned char *lp);

/* Number of entries. */
size_t listpack_count(const unsigned char *lp);

/* The first / last entry, or NULL if empty. */
unsigned char *listpack_first(unsigned char *lp);
unsigned char *listpack_last(unsigned char *lp);

/* The entry after / before 'p', or NULL at the end / start. */
unsigned char *listpack_next(unsigned char *lp, unsigned char *p);
unsigned char *listpack_prev(unsigned char *lp, unsigned char *p);

/* The entry at 'index' (negative: from the end), or NULL. */
unsigned char *listpack_seek(unsigned char *lp, long long index);

/* The bytes of entry 'p' and their length. Borrowed: valid until the
 * listpack changes. */
const char *listpack_get(const unsigned char *p, size_t *len);

/* Byte offset of entry 'p' (or of the end, for NULL), and back. */
size_t listpack_offset(const unsigned char *lp, const unsigned char *p);
unsigned char *listpack_at(unsigned char *lp, size_t offset);

/* Insert 'len' bytes of 's' as a new entry at byte 'offset' (an entry's
 * offset, or listpack_bytes to append). Returns the listpack. */
unsigned char *listpack_insert(unsigned char *lp, size_t offset,
                               const char *s, size_t len);

/* Append an entry. Returns the listpack. */
unsigned char *listpack_append(unsigned char *lp, const char *s, size_t len);

/* Delete 'n' entries from the one at byte 'offset' on (fewer if the end
 * comes first). Returns the listpack; 'offset' then holds what followed. */
unsigned char *listpack_delete(unsigned char *lp, size_t offset, size_t n);

/* Replace the entry at byte 'offset' with 'len' bytes of 's'. */
unsigned char *listpack_replace(unsigned char *lp, size_t offset,
                                const char *s, size_t len);

/* From entry 'p' on, every (skip + 1)th entry, the first equal to 's'
 * ('len' bytes), or NULL. With skip 1 on a field/value listpack starting
 * at a field, only fields are compared. */
unsigned char *listpack_find(unsigned char *lp, unsigned char *p,
                             const char *s, size_t len, unsigned skip);

/* True if entry 'p' holds exactly 's' ('len' bytes). */
bool listpack_eq(const unsigned char *p, const char *s, size_t len);

#endif
