/* Binary-safe dynamic strings for the server engine: a length and capacity
 * header stored just before the bytes, so a string is passed around as a
 * plain 'char *' that is always NUL-terminated and whose length is O(1).
 * Keys of the keyspace and string values are kept this way. Capacity is
 * bounded by 4 GiB (the server caps strings at 512 MiB anyway).
 *
 * Ownership: every function returning a 'char *' returns an owned string
 * (free with sds_free), except where it says it reuses its argument. */
#ifndef CODIS_SDS_H
#define CODIS_SDS_H

#include <stddef.h>
#include <stdint.h>

/* The header in front of every string's bytes. */
struct sds_hdr {
    uint32_t len;   /* bytes used, not counting the trailing NUL */
    uint32_t alloc; /* bytes available for data, not counting the NUL */
};

#define SDS_HDR(s) ((struct sds_hdr *)(void *)((s) - sizeof(struct sds_hdr)))

/* Length of 's' in bytes. */
static inline size_t sds_len(const char *s)
{
    return ((const struct sds_hdr *)(const void *)
            (s - sizeof(struct sds_hdr)))->len;
}

/* Free bytes after the end of 's' that sds_cat can use without growing. */
static inline size_t sds_avail(const char *s)
{
    const struct sds_hdr *h = (const struct sds_hdr *)(const void *)
                              (s - sizeof(struct sds_hdr));
    return (size_t)h->alloc - h->len;
}

/* A new string holding the 'len' bytes at 'p' ('p' may be NULL: the bytes
 * are then zeroed). Capacity is exactly 'len'. */
char *sds_new(const void *p, size_t len);

/* A new empty string with room for 'cap' bytes. */
char *sds_new_empty(size_t cap);

/* Build a string header in 'mem', which must hold sizeof(struct sds_hdr) +
 * 'len' + 1 bytes, copy 'len' bytes of 'p' into it and return the string.
 * The memory stays the caller's: such a string must never be given to
 * sds_free or to a function that may grow it. */
char *sds_init_in(void *mem, const void *p, size_t len);

/* Make room for 'add' more bytes after the end of 's', growing greedily
 * (doubling below 1 MiB, then +1 MiB). Returns the string, which may have
 * moved: the old pointer is invalid. */
char *sds_make_room(char *s, size_t add);

/* Append 'len' bytes at 'p' to 's'. Returns the (possibly moved) string. */
char *sds_cat(char *s, const void *p, size_t len);

/* Append the printf-style formatting of 'fmt' to 's'. Returns the
 * (possibly moved) string; on a formatting error 's' unchanged. */
char *sds_catfmt(char *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Set the length of 's' to 'len' (at most its capacity) and NUL-terminate
 * it there. */
void sds_set_len(char *s, size_t len);

/* Bytes of memory used by 's' (header, capacity and NUL). */
size_t sds_alloc_size(const char *s);

/* Shrink the capacity of 's' to its length. Returns the moved string. */
char *sds_shrink(char *s);

/* Free 's'; NULL is fine. */
void sds_free(char *s);

#endif
