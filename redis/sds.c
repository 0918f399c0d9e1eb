/* Dynamic strings with an in-front header; see sds.h. Knows nothing of the
 * server. */
#include "redis/sds.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"

#define SDS_MAX_PREALLOC (1024 * 1024)

char *sds_init_in(void *mem, const void *p, size_t len)
{
    struct sds_hdr *h = mem;
    char *s = (char *)mem + sizeof(*h);
    h->len = (uint32_t)len;
    h->alloc = (uint32_t)len;
    if (p != NULL) {
        memcpy(s, p, len);
    } else {
        memset(s, 0, len);
    }
    s[len] = '\0';
    return s;
}

char *sds_new(const void *p, size_t len)
{
    void *mem = mem_alloc(sizeof(struct sds_hdr) + len + 1);
    return sds_init_in(mem, p, len);
}

char *sds_new_empty(size_t cap)
{
    char *s = sds_make_room(sds_new("", 0), cap);
    return s;
}

char *sds_make_room(char *s, size_t add)
{
    struct sds_hdr *h = SDS_HDR(s);
    if ((size_t)h->alloc - h->len >= add) {
        return s;
    }
    size_t need = (size_t)h->len + add;
    size_t cap = need < SDS_MAX_PREALLOC ? need * 2 : need + SDS_MAX_PREALLOC;
    if (cap > UINT32_MAX) {
        cap = UINT32_MAX;
    }
    h = mem_realloc(h, sizeof(*h) + cap + 1);
    h->alloc = (uint32_t)cap;
    return (char *)h + sizeof(*h);
}

char *sds_cat(char *s, const void *p, size_t len)
{
    s = sds_make_room(s, len);
    struct sds_hdr *h = SDS_HDR(s);
    memcpy(s + h->len, p, len);
    h->len += (uint32_t)len;
    s[h->len] = '\0';
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
    SDS_HDR(s)->len = (uint32_t)len;
    s[len] = '\0';
}

size_t sds_alloc_size(const char *s)
{
    return sizeof(struct sds_hdr) +
           ((const struct sds_hdr *)(const void *)
            (s - sizeof(struct sds_hdr)))->alloc + 1;
}

char *sds_shrink(char *s)
{
    struct sds_hdr *h = SDS_HDR(s);
    if (h->alloc == h->len) {
        return s;
    }
    h = mem_realloc(h, sizeof(*h) + h->len + 1);
    h->alloc = h->len;
    return (char *)h + sizeof(*h);
}

void sds_free(char *s)
{
    if (s != NULL) {
        mem_free(SDS_HDR(s));
    }
}
