/* A listpack: a sequence of byte strings in one contiguous allocation,
 * for small hashes, sorted sets and list nodes. Walked forwards and
 * backwards by entry pointers; every change returns the (possibly moved)
 * listpack, so callers keep byte offsets (listpack_offset) across
 * changes, never pointers.
 *
 * The bytes are Redis 7's listpack format, so RDB can store a listpack as
 * it is and MEMORY USAGE matches redis-server's:
 *
 *   total bytes:4 (little endian) count:2 (65535: count by walking)
 *   entry... 0xff
 *   entry = encoding [data] backlen
 *
 * An entry whose text is a canonical decimal int64 (no '+', no leading
 * zero, no "-0") is stored as an integer: 0vvvvvvv (0..127), 110vvvvv
 * +1 byte (13-bit signed), f1/f2/f3/f4 + 2/3/4/8 bytes; any other text
 * as a string: 10llllll (< 64 bytes), 1110llll +1 byte (< 4096), f0 +
 * 4-byte length. backlen is the size of encoding + data, 7 bits a byte,
 * read backwards from the entry's end (the last byte holds the low bits,
 * a set high bit means more bytes before). Knows nothing of the
 * server. */
#ifndef CODIS_LISTPACK_H
#define CODIS_LISTPACK_H

#include <stdbool.h>
#include <stddef.h>

/* Room for an integer entry's text (listpack_get's 'buf'). */
#define LISTPACK_INTBUF 21

/* An empty listpack. Owned: listpack_free. */
unsigned char *listpack_new(void);

/* A copy of the 'bytes' bytes of a serialized listpack at 'p', or NULL
 * if they do not form a valid listpack (checked entry by entry). */
unsigned char *listpack_from_bytes(const void *p, size_t bytes);

/* True if the 'bytes' bytes at 'p' form a valid listpack; its entry
 * count into '*count' (may be NULL). */
bool listpack_valid(const void *p, size_t bytes, size_t *count);

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

/* The text of entry 'p' and its length: a string's bytes inside the
 * listpack (valid until it changes), or an integer written into 'buf'
 * (LISTPACK_INTBUF bytes, not terminated). */
const char *listpack_get(const unsigned char *p, size_t *len, char *buf);

/* True if entry 'p' is stored as an integer; its value into '*v'. */
bool listpack_get_int(const unsigned char *p, long long *v);

/* Bytes the entry for 'len' bytes of 's' takes. */
size_t listpack_entry_bytes(const char *s, size_t len);

/* Byte offset of entry 'p' (or of the end, for NULL), and back. */
size_t listpack_offset(const unsigned char *lp, const unsigned char *p);
unsigned char *listpack_at(unsigned char *lp, size_t offset);

/* Insert 'len' bytes of 's' as a new entry at byte 'offset' (an entry's
 * offset, or listpack_offset(lp, NULL) to append). Returns the
 * listpack. */
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
