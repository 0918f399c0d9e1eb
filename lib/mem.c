/* Allocation wrappers that abort with a message when memory runs out and
 * count the bytes they hold (malloc_usable_size of each block, kept in
 * one relaxed atomic counter, since the proxy allocates from several
 * threads); see mem.h. Nothing else lives here. */
#include "lib/mem.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
