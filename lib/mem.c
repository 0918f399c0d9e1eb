/* Allocation wrappers that abort with a message when memory runs out; see
 * mem.h. Nothing else lives here. */
#include "lib/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    return p;
}

void *mem_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (p == NULL) {
        mem_oom(size);
    }
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
    free(ptr);
}
