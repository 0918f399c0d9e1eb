/* Dynamic strings with an in-front header of three sizes; see sds.h.
 * Knows nothing of the server. */
#include "redis/sds.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"

#define SDS_MAX_PREALLOC (1024 * 1024)

/* Write a header for 'len' used of 'cap' bytes at 'mem' (which holds
 * sds_hdr_size('cap') bytes of header) and return the string's start. */
static char *sds_write_hdr(void *mem, size_t len, size_t cap)
{
    size_t hdr = sds_hdr_size(cap);
    char *s = (char *)mem + hdr;
    if (hdr == sizeof(struct sds_hdr8)) {
        struct sds_hdr8 *h = mem;
        h->len = (uint8_t)len;
        h->alloc = (uint8_t)cap;
        h->type = SDS_TYPE_8;
    } else if (hdr == sizeof(struct sds_hdr16)) {
        struct sds_hdr16 *h = mem;
        h->len = (uint16_t)len;
        h->alloc = (uint16_t)cap;
        h->type = SDS_TYPE_16;
    } else {
        struct sds_hdr32 *h = mem;
        h->len = (uint32_t)len;
        h->alloc = (uint32_t)cap;
        h->type = SDS_TYPE_32;
    }
    return s;
}

/* Copy 'len' bytes of 'p' (zeros if NULL) into 's' and terminate it. */
static char *sds_fill(char *s, const void *p, size_t len)
{
    if (p != NULL) {
        memcpy(s, p, len);
    } else {
        memset(s, 0, len);
    }
    s[len] = '\0';
    return s;
}

char *sds_init_in(void *mem, const void *p, size_t len)
{
    return sds_fill(sds_write_hdr(mem, len, len), p, len);
}

char *sds_new(const void *p, size_t len)
{
    if (len > SDS_TYPE5_MAX) {
        void *mem = mem_alloc(sds_hdr_size(len) + len + 1);
        return sds_init_in(mem, p, len);
    }
    /* Keys and fields: the 1-byte header. An empty string is grown at
     * once by most callers (sds_new_empty): it gets the 3-byte one. */
    if (len == 0) {
        return sds_init_in(mem_alloc(sizeof(struct sds_hdr8) + 1), p, 0);
    }
    char *mem = mem_alloc(1 + len + 1);
    mem[0] = (char)(len << 3 | SDS_TYPE_5);
    return sds_fill(mem + 1, p, len);
}

char *sds_new_empty(size_t cap)
{
    char *s = sds_make_room(sds_new("", 0), cap);
    return s;
}

/* Give 's' a capacity of 'cap' (at least its length), moving it to the
 * header size that capacity needs. Returns the moved string. */
static char *sds_realloc(char *s, size_t cap)
{
    size_t len = sds_len(s);
    size_t old_hdr = (const char *)s - (const char *)sds_alloc_ptr(s);
    size_t hdr = sds_hdr_size(cap);
    char *mem;
    if (hdr == old_hdr) {
        mem = mem_realloc(s - old_hdr, hdr + cap + 1);
    } else {
        mem = mem_alloc(hdr + cap + 1);
        memcpy(mem + hdr, s, len + 1);
        mem_free(s - old_hdr);
    }
    return sds_write_hdr(mem, len, cap);
}

char *sds_make_room(char *s, size_t add)
{
    if (sds_avail(s) >= add) {
        return s;
    }
    size_t need = sds_len(s) + add;
    size_t cap = need < SDS_MAX_PREALLOC ? need * 2 : need + SDS_MAX_PREALLOC;
    if (cap > UINT32_MAX) {
        cap = UINT32_MAX;
    }
    return sds_realloc(s, cap);
}

char *sds_cat(char *s, const void *p, size_t len)
{
    s = sds_make_room(s, len);
    size_t old = sds_len(s);
    memcpy(s + old, p, len);
    sds_set_len(s, old + len);
    return s;
}

char *sds_catfmt(char *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list again;
    va_copy(again, ap);
    size_t room = sds_avail(s);
    int n = vsnprintf(s + sds_len(s), room + 1, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n > room) {
        s = sds_make_room(s, (size_t)n);
        n = vsnprintf(s + sds_len(s), (size_t)n + 1, fmt, again);
    }
    va_end(again);
    if (n < 0) {
        s[sds_len(s)] = '\0';
        return s;
    }
    sds_set_len(s, sds_len(s) + (size_t)n);
    return s;
}

void sds_set_len(char *s, size_t len)
{
    switch ((uint8_t)s[-1] & SDS_TYPE_MASK) {
    case SDS_TYPE_5:
        /* only ever shorter: the capacity follows the length */
        s[-1] = (char)(len << 3 | SDS_TYPE_5);
        break;
    case SDS_TYPE_8:
        SDS_H8(s)->len = (uint8_t)len;
        break;
    case SDS_TYPE_16:
        SDS_H16(s)->len = (uint16_t)len;
        break;
    default:
        SDS_H32(s)->len = (uint32_t)len;
        break;
    }
    s[len] = '\0';
}

size_t sds_alloc_size(const char *s)
{
    size_t cap = sds_capacity(s);
    size_t hdr = (size_t)(s - (const char *)sds_alloc_ptr(s));
    return hdr + cap + 1;
}

char *sds_shrink(char *s)
{
    if (sds_avail(s) == 0) {
        return s;
    }
    return sds_realloc(s, sds_len(s));
}

void sds_free(char *s)
{
    if (s != NULL) {
        mem_free((void *)sds_alloc_ptr(s));
    }
}

int sds_cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c != 0) {
        return c;
    }
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}
