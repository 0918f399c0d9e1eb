/* Allocation wrappers that abort with a message when memory runs out and
 * count the bytes they hold (malloc_usable_size of each block, kept in
 * one relaxed atomic counter, since the proxy allocates from several
 * threads); and the allocator's own statistics (jemalloc's mallctl when
 * built with MEM_JEMALLOC, see the Makefile's MALLOC); see mem.h. Nothing
 * else lives here. */
#include "lib/mem.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MEM_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* Bytes of live blocks allocated through these functions. */
static size_t mem_used_bytes;

static void mem_count(void *p, int sign)
{
    size_t n = malloc_usable_size(p);
    if (sign > 0) {
        __atomic_add_fetch(&mem_used_bytes, n, __ATOMIC_RELAXED);
    } else {
        __atomic_sub_fetch(&mem_used_bytes, n, __ATOMIC_RELAXED);
    }
}

size_t mem_used(void)
{
    return __atomic_load_n(&mem_used_bytes, __ATOMIC_RELAXED);
}

static void mem_oom(size_t size)
{
    fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", size);
    fflush(stderr);
    abort();
}

void *mem_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL) {
        mem_oom(size);
    }
    mem_count(p, 1);
    return p;
}

void *mem_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        mem_oom(SIZE_MAX);
    }
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL) {
        mem_oom(count * size);
    }
    mem_count(p, 1);
    return p;
}

void *mem_realloc(void *ptr, size_t size)
{
    if (ptr != NULL) {
        mem_count(ptr, -1);
    }
    void *p = realloc(ptr, size ? size : 1);
    if (p == NULL) {
        mem_oom(size);
    }
    mem_count(p, 1);
    return p;
}

char *mem_strdup(const char *s)
{
    return mem_strndup(s, strlen(s));
}

char *mem_strndup(const char *s, size_t len)
{
    char *p = mem_alloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *mem_dup(const void *p, size_t len)
{
    void *copy = mem_alloc(len);
    memcpy(copy, p, len);
    return copy;
}

void mem_free(void *ptr)
{
    if (ptr != NULL) {
        mem_count(ptr, -1);
    }
    free(ptr);
}

const char *mem_allocator(void)
{
#ifdef MEM_JEMALLOC
    static char name[64];
    if (name[0] == '\0') {
        const char *version = NULL;
        size_t sz = sizeof(version);
        if (mallctl("version", &version, &sz, NULL, 0) != 0 ||
            version == NULL) {
            version = "unknown";
        }
        /* "5.3.0-0-g54eaed..." -> "jemalloc-5.3.0", as Redis says it */
        size_t n = strcspn(version, "-");
        snprintf(name, sizeof(name), "jemalloc-%.*s", (int)n, version);
    }
    return name;
#else
    return "libc";
#endif
}

int mem_allocator_stats(struct mem_stats *st)
{
    memset(st, 0, sizeof(*st));
#ifdef MEM_JEMALLOC
    /* statistics are a snapshot taken when the epoch advances */
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    if (mallctl("epoch", &epoch, &sz, &epoch, sz) != 0) {
        return -1;
    }
    sz = sizeof(size_t);
    if (mallctl("stats.allocated", &st->allocated, &sz, NULL, 0) != 0 ||
        mallctl("stats.active", &st->active, &sz, NULL, 0) != 0 ||
        mallctl("stats.resident", &st->resident, &sz, NULL, 0) != 0 ||
        mallctl("stats.mapped", &st->mapped, &sz, NULL, 0) != 0 ||
        mallctl("stats.retained", &st->retained, &sz, NULL, 0) != 0) {
        return -1;
    }
    return 0;
#else
    struct mallinfo2 mi = mallinfo2();
    st->allocated = mi.uordblks + mi.hblkhd;
    st->active = st->allocated;
    st->resident = mi.arena + mi.hblkhd;
    st->mapped = st->resident;
    return 0;
#endif
}

#ifdef MEM_JEMALLOC
struct mem_print_ctx {
    mem_print_fn fn;
    void *priv;
};

static void mem_print_cb(void *opaque, const char *text)
{
    struct mem_print_ctx *ctx = opaque;
    ctx->fn(ctx->priv, text);
}
#endif

void mem_allocator_print(mem_print_fn fn, void *priv)
{
#ifdef MEM_JEMALLOC
    struct mem_print_ctx ctx = { fn, priv };
    malloc_stats_print(mem_print_cb, &ctx, NULL);
#else
    fn(priv, "Stats not supported for the current allocator\n");
#endif
}

size_t mem_usable(const void *ptr)
{
    return ptr != NULL ? malloc_usable_size((void *)ptr) : 0;
}

int mem_background_purge(bool on)
{
#ifdef MEM_JEMALLOC
    bool v = on;
    return mallctl("background_thread", NULL, NULL, &v, sizeof(v)) == 0
           ? 0 : -1;
#else
    (void)on;
    return 0;
#endif
}

void mem_purge(void)
{
#ifdef MEM_JEMALLOC
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "arena.%d.purge", (int)MALLCTL_ARENAS_ALL);
    mallctl(cmd, NULL, NULL, NULL, 0);
#else
    malloc_trim(0);
#endif
}

void mem_str_add(struct mem_str *str, const void *s, size_t n)
{
    if (str->len + n + 1 > str->cap) {
        size_t cap = str->cap ? str->cap : 128;
        while (str->len + n + 1 > cap) {
            cap *= 2;
        }
        str->buf = mem_realloc(str->buf, cap);
        str->cap = cap;
    }
    memcpy(str->buf + str->len, s, n);
    str->len += n;
    str->buf[str->len] = '\0';
}
