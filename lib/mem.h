/* Allocation wrappers: every allocation in codis goes through these. Running
 * out of memory is the one deliberate crash: they print a message and abort
 * instead of returning NULL, so callers never check. mem_free(NULL) is a
 * no-op, like free(). */
#ifndef CODIS_MEM_H
#define CODIS_MEM_H

#include <stdbool.h>
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

/* Usable size of the block at 'ptr' (from these functions); 0 for NULL. */
size_t mem_usable(const void *ptr);

/* Return unused dirty pages to the system (jemalloc's purge; glibc's
 * malloc_trim). */
void mem_purge(void);

/* Let a jemalloc background thread return dirty pages to the system as
 * they age (Redis's jemalloc-bg-thread, on by default there), so an idle
 * process does not keep freed memory resident. 0, or -1 if the allocator
 * has no such thread (glibc: nothing to do, returns 0). */
int mem_background_purge(bool on);

/* Bytes held now by blocks from these functions (their usable sizes). */
size_t mem_used(void);

/* A growing byte string: 'buf' (owned, mem_free; NULL until the first
 * add) holds 'len' bytes and a NUL after them, in 'cap' bytes. Start it
 * as { NULL, 0, 0 }. */
struct mem_str {
    char *buf;
    size_t len;
    size_t cap;
};

/* Append the 'n' bytes at 's' to 'str', growing it by doubling. */
void mem_str_add(struct mem_str *str, const void *s, size_t n);

/* free 'ptr'; NULL is fine. */
void mem_free(void *ptr);

/* The allocator linked in: "jemalloc-X.Y.Z" or "libc" (INFO's
 * mem_allocator). Borrowed, static. */
const char *mem_allocator(void);

/* What the allocator itself holds, in bytes (jemalloc's stats.*; with
 * libc, mallinfo2's view of the same). */
struct mem_stats {
    size_t allocated; /* in live blocks */
    size_t active;    /* in pages with live blocks */
    size_t resident;  /* in physically resident pages */
    size_t mapped;    /* in mapped extents */
    size_t retained;  /* unmapped but kept for reuse (jemalloc) */
};

/* Fill 'st'; returns 0, or -1 if the allocator cannot tell. */
int mem_allocator_stats(struct mem_stats *st);

/* Called with successive pieces of text by mem_allocator_print. */
typedef void (*mem_print_fn)(void *priv, const char *text);

/* The allocator's full statistics report (MEMORY MALLOC-STATS), fed to
 * 'fn' piece by piece. */
void mem_allocator_print(mem_print_fn fn, void *priv);

#endif
