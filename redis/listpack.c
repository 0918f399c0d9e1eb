/* Listpacks: byte strings packed in one allocation, walked both ways (see
 * listpack.h for the layout). The writes (insert, delete, replace) move
 * the tail with memmove and realloc the block: cheap at the sizes the
 * thresholds allow (hash-max-listpack-*, list-max-listpack-size). */
#include "redis/listpack.h"

#include <stdint.h>
#include <string.h>

#include "lib/mem.h"

#define LISTPACK_HDR 8 /* uint32 total bytes, uint32 count */

static uint32_t listpack_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static void listpack_set_u32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, sizeof(v));
}

size_t listpack_bytes(const unsigned char *lp)
{
    return listpack_u32(lp);
}

size_t listpack_count(const unsigned char *lp)
{
    return listpack_u32(lp + 4);
}

/* Bytes of the varint of 'v'. */
static size_t listpack_varint_len(size_t v)
{
    size_t n = 1;
    while (v >= 128) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Write the varint of 'v' at 'p' forwards; returns bytes written. */
static size_t listpack_put_varint(unsigned char *p, size_t v)
{
    size_t n = 0;
    while (v >= 128) {
        p[n++] = (unsigned char)(v & 127) | 128;
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Read a forward varint at 'p' (at most 'avail' bytes): its value in
 * '*v', its size returned, or 0 if malformed. */
static size_t listpack_get_varint(const unsigned char *p, size_t avail,
                                  size_t *v)
{
    size_t value = 0;
    *v = 0;
    for (size_t n = 0; n < avail && n < 5; n++) {
        value |= (size_t)(p[n] & 127) << (7 * n);
        if (!(p[n] & 128)) {
            *v = value;
            return n + 1;
        }
    }
    return 0;
}

/* Total size of an entry holding 'len' bytes. */
static size_t listpack_entry_size(size_t len)
{
    size_t body = listpack_varint_len(len) + len;
    return body + listpack_varint_len(body);
}

/* Write an entry for 's' at 'p'; returns its size. */
static size_t listpack_put_entry(unsigned char *p, const char *s, size_t len)
{
    size_t body = listpack_put_varint(p, len);
    memcpy(p + body, s, len);
    body += len;
    unsigned char tmp[8];
    size_t n = listpack_put_varint(tmp, body);
    for (size_t i = 0; i < n; i++) {
        p[body + i] = tmp[n - 1 - i];
    }
    return body + n;
}

/* Size of the entry at 'p' (well formed: it is ours). */
static size_t listpack_size_at(const unsigned char *p)
{
    size_t len;
    size_t hdr = listpack_get_varint(p, 5, &len);
    return hdr + len + listpack_varint_len(hdr + len);
}

unsigned char *listpack_new(void)
{
    unsigned char *lp = mem_alloc(LISTPACK_HDR);
    listpack_set_u32(lp, LISTPACK_HDR);
    listpack_set_u32(lp + 4, 0);
    return lp;
}

void listpack_free(unsigned char *lp)
{
    mem_free(lp);
}

unsigned char *listpack_from_bytes(const void *p, size_t bytes)
{
    const unsigned char *b = p;
    if (bytes < LISTPACK_HDR || bytes > UINT32_MAX ||
        listpack_u32(b) != bytes) {
        return NULL;
    }
    size_t off = LISTPACK_HDR, count = 0;
    while (off < bytes) {
        size_t len, body;
        size_t hdr = listpack_get_varint(b + off, bytes - off, &len);
        if (hdr == 0 || len > bytes - off - hdr) {
            return NULL;
        }
        body = hdr + len;
        size_t back_len = listpack_varint_len(body);
        if (back_len > bytes - off - body) {
            return NULL;
        }
        unsigned char tmp[8];
        size_t n = listpack_put_varint(tmp, body);
        for (size_t i = 0; i < n; i++) {
            if (b[off + body + i] != tmp[n - 1 - i]) {
                return NULL;
            }
        }
        off += body + back_len;
        count++;
    }
    if (count != listpack_u32(b + 4)) {
        return NULL;
    }
    return mem_dup(p, bytes);
}

unsigned char *listpack_first(unsigned char *lp)
{
    return listpack_bytes(lp) > LISTPACK_HDR ? lp + LISTPACK_HDR : NULL;
}

unsigned char *listpack_next(unsigned char *lp, unsigned char *p)
{
    unsigned char *next = p + listpack_size_at(p);
    return next < lp + listpack_bytes(lp) ? next : NULL;
}

unsigned char *listpack_prev(unsigned char *lp, unsigned char *p)
{
    if (p <= lp + LISTPACK_HDR) {
        return NULL;
    }
    /* the backwards varint ends right before 'p' */
    size_t body = 0;
    for (size_t n = 0;; n++) {
        unsigned char b = p[-1 - (ptrdiff_t)n];
        body |= (size_t)(b & 127) << (7 * n);
        if (!(b & 128)) {
            return p - 1 - n - body;
        }
    }
}

unsigned char *listpack_last(unsigned char *lp)
{
    if (listpack_bytes(lp) == LISTPACK_HDR) {
        return NULL;
    }
    return listpack_prev(lp, lp + listpack_bytes(lp));
}

unsigned char *listpack_seek(unsigned char *lp, long long index)
{
    long long count = (long long)listpack_count(lp);
    if (index < 0) {
        index += count;
    }
    if (index < 0 || index >= count) {
        return NULL;
    }
    unsigned char *p;
    if (index <= count / 2) {
        p = listpack_first(lp);
        while (index-- > 0) {
            p = listpack_next(lp, p);
        }
    } else {
        p = listpack_last(lp);
        for (long long i = count - 1; i > index; i--) {
            p = listpack_prev(lp, p);
        }
    }
    return p;
}

const char *listpack_get(const unsigned char *p, size_t *len)
{
    size_t hdr = listpack_get_varint(p, 5, len);
    return (const char *)p + hdr;
}

bool listpack_eq(const unsigned char *p, const char *s, size_t len)
{
    size_t n;
    const char *v = listpack_get(p, &n);
    return n == len && memcmp(v, s, len) == 0;
}

size_t listpack_offset(const unsigned char *lp, const unsigned char *p)
{
    return p != NULL ? (size_t)(p - lp) : listpack_bytes(lp);
}

unsigned char *listpack_at(unsigned char *lp, size_t offset)
{
    return offset < listpack_bytes(lp) ? lp + offset : NULL;
}

unsigned char *listpack_insert(unsigned char *lp, size_t offset,
                               const char *s, size_t len)
{
    size_t bytes = listpack_bytes(lp);
    size_t size = listpack_entry_size(len);
    lp = mem_realloc(lp, bytes + size);
    memmove(lp + offset + size, lp + offset, bytes - offset);
    listpack_put_entry(lp + offset, s, len);
    listpack_set_u32(lp, (uint32_t)(bytes + size));
    listpack_set_u32(lp + 4, listpack_u32(lp + 4) + 1);
    return lp;
}

unsigned char *listpack_append(unsigned char *lp, const char *s, size_t len)
{
    return listpack_insert(lp, listpack_bytes(lp), s, len);
}

unsigned char *listpack_delete(unsigned char *lp, size_t offset, size_t n)
{
    size_t bytes = listpack_bytes(lp);
    size_t end = offset, deleted = 0;
    while (deleted < n && end < bytes) {
        end += listpack_size_at(lp + end);
        deleted++;
    }
    memmove(lp + offset, lp + end, bytes - end);
    listpack_set_u32(lp, (uint32_t)(bytes - (end - offset)));
    listpack_set_u32(lp + 4, (uint32_t)(listpack_u32(lp + 4) - deleted));
    return mem_realloc(lp, bytes - (end - offset));
}

unsigned char *listpack_replace(unsigned char *lp, size_t offset,
                                const char *s, size_t len)
{
    size_t bytes = listpack_bytes(lp);
    size_t old = listpack_size_at(lp + offset);
    size_t size = listpack_entry_size(len);
    if (size > old) {
        lp = mem_realloc(lp, bytes - old + size);
    }
    memmove(lp + offset + size, lp + offset + old, bytes - offset - old);
    listpack_put_entry(lp + offset, s, len);
    listpack_set_u32(lp, (uint32_t)(bytes - old + size));
    if (size < old) {
        lp = mem_realloc(lp, bytes - old + size);
    }
    return lp;
}

unsigned char *listpack_find(unsigned char *lp, unsigned char *p,
                             const char *s, size_t len, unsigned skip)
{
    unsigned char *end = lp + listpack_bytes(lp);
    while (p != NULL && p < end) {
        if (listpack_eq(p, s, len)) {
            return p;
        }
        p += listpack_size_at(p);
        for (unsigned i = 0; i < skip && p < end; i++) {
            p += listpack_size_at(p);
        }
    }
    return NULL;
}
