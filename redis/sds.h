/* Binary-safe dynamic strings for the server engine: a length and capacity
 * header stored just before the bytes, so a string is passed around as a
 * plain 'char *' that is always NUL-terminated and whose length is O(1).
 * Keys of the keyspace and string values are kept this way. The header is
 * as small as the capacity allows (3 bytes up to 255 bytes, 5 up to 64 KiB,
 * 9 above; the byte just before the string says which), since every key
 * and every field of a big hash or set carries one; and a string made by
 * sds_new shorter than 32 bytes has a 1-byte header holding its length
 * (capacity = length: it moves to a 3-byte header when it grows). Capacity is bounded by
 * 4 GiB (the server caps strings at 512 MiB anyway).
 *
 * Ownership: every function returning a 'char *' returns an owned string
 * (free with sds_free), except where it says it reuses its argument. */
#ifndef CODIS_SDS_H
#define CODIS_SDS_H

#include <stddef.h>
#include <stdint.h>

/* The header layouts, told apart by the low 3 bits of their last byte
 * ('type', one of SDS_TYPE_*), which sits at s[-1]. SDS_TYPE_5 is that
 * byte alone, the length in its upper 5 bits. Packed: no padding between
 * the header and the bytes. */
struct __attribute__((packed)) sds_hdr8 {
    uint8_t len;    /* bytes used, not counting the trailing NUL */
    uint8_t alloc;  /* bytes available for data, not counting the NUL */
    uint8_t type;
};
struct __attribute__((packed)) sds_hdr16 {
    uint16_t len;
    uint16_t alloc;
    uint8_t type;
};
struct __attribute__((packed)) sds_hdr32 {
    uint32_t len;
    uint32_t alloc;
    uint8_t type;
};

enum { SDS_TYPE_5 = 0, SDS_TYPE_8 = 1, SDS_TYPE_16 = 2, SDS_TYPE_32 = 3 };
#define SDS_TYPE_MASK 7
#define SDS_TYPE5_MAX 31

#define SDS_H8(s) ((struct sds_hdr8 *)(void *)((s) - sizeof(struct sds_hdr8)))
#define SDS_H16(s) \
    ((struct sds_hdr16 *)(void *)((s) - sizeof(struct sds_hdr16)))
#define SDS_H32(s) \
    ((struct sds_hdr32 *)(void *)((s) - sizeof(struct sds_hdr32)))

/* Length of 's' in bytes. */
static inline size_t sds_len(const char *s)
{
    switch ((uint8_t)s[-1] & SDS_TYPE_MASK) {
    case SDS_TYPE_5:
        return (uint8_t)s[-1] >> 3;
    case SDS_TYPE_8:
        return SDS_H8(s)->len;
    case SDS_TYPE_16:
        return SDS_H16(s)->len;
    default:
        return SDS_H32(s)->len;
    }
}

/* Capacity of 's' in bytes, not counting the NUL. */
static inline size_t sds_capacity(const char *s)
{
    switch ((uint8_t)s[-1] & SDS_TYPE_MASK) {
    case SDS_TYPE_5:
        return (uint8_t)s[-1] >> 3;
    case SDS_TYPE_8:
        return SDS_H8(s)->alloc;
    case SDS_TYPE_16:
        return SDS_H16(s)->alloc;
    default:
        return SDS_H32(s)->alloc;
    }
}

/* Free bytes after the end of 's' that sds_cat can use without growing. */
static inline size_t sds_avail(const char *s)
{
    return sds_capacity(s) - sds_len(s);
}

/* Bytes of the header a string of capacity 'cap' gets when it may grow
 * (sds_init_in, sds_make_room). */
static inline size_t sds_hdr_size(size_t cap)
{
    if (cap <= UINT8_MAX) {
        return sizeof(struct sds_hdr8);
    }
    if (cap <= UINT16_MAX) {
        return sizeof(struct sds_hdr16);
    }
    return sizeof(struct sds_hdr32);
}

/* The start of the allocation holding 's' (for the allocator's size
 * queries). Borrowed. */
static inline const void *sds_alloc_ptr(const char *s)
{
    switch ((uint8_t)s[-1] & SDS_TYPE_MASK) {
    case SDS_TYPE_5:
        return s - 1;
    case SDS_TYPE_8:
        return s - sizeof(struct sds_hdr8);
    case SDS_TYPE_16:
        return s - sizeof(struct sds_hdr16);
    default:
        return s - sizeof(struct sds_hdr32);
    }
}

/* A new string holding the 'len' bytes at 'p' ('p' may be NULL: the bytes
 * are then zeroed). Capacity is exactly 'len'. */
char *sds_new(const void *p, size_t len);

/* Bytes sds_new(p, 'len') allocates. */
static inline size_t sds_new_size(size_t len)
{
    return (len <= SDS_TYPE5_MAX ? 1 : sds_hdr_size(len)) + len + 1;
}

/* A new empty string with room for 'cap' bytes. */
char *sds_new_empty(size_t cap);

/* Build a string in 'mem', which must hold sds_hdr_size('len') + 'len' + 1
 * bytes, copy 'len' bytes of 'p' into it and return the string. The
 * memory stays the caller's: such a string must never be given to
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

/* Compare the 'alen' bytes at 'a' with the 'blen' at 'b' as memcmp does,
 * a shorter prefix first: <0, 0 or >0. */
int sds_cmp_bytes(const char *a, size_t alen, const char *b, size_t blen);

#endif
