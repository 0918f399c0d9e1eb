/* Allocation wrappers: every allocation in codis goes through these. Running
 * out of memory is the one deliberate crash: they print a message and abort
 * instead of returning NULL, so callers never check. mem_free(NULL) is a
 * no-op, like free(). */
#ifndef CODIS_MEM_H
#define CODIS_MEM_H

#include <stddef.h>

/* malloc 'size' bytes; never NULL. Owned: release with mem_free. */
void *mem_alloc(size_t size);

/* calloc 'count' elements of 'size' bytes, zeroed; checks the product for
 * overflow. Never NULL. */
void *mem_calloc(size_t count, size_t size);

/* realloc 'ptr' to 'size' bytes; never NULL. */
void *mem_realloc(void *ptr, size_t size);

/* A NUL-terminated copy of 's'. */
char *mem_strdup(const char *s);

/* A NUL-terminated copy of the first 'len' bytes of 's' (which may hold
 * NULs: all 'len' bytes are copied). */
char *mem_strndup(const char *s, size_t len);

/* A copy of the 'len' bytes at 'p'. */
void *mem_dup(const void *p, size_t len);

/* Bytes held now by blocks from these functions (their usable sizes). */
size_t mem_used(void);

/* free 'ptr'; NULL is fine. */
void mem_free(void *ptr);

#endif
