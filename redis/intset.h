/* An intset: a sorted array of distinct 64-bit integers stored at the
 * narrowest width (2, 4 or 8 bytes) that holds them all, widened for
 * good when a larger value comes. The set type keeps small sets of
 * integers in one (t_set.c, set-max-intset-entries). The bytes of an
 * intset (little-endian uint32 width, uint32 length, then the values)
 * are what Redis's RDB SET_INTSET type holds, so RDB writes and reads it
 * as is. Knows nothing of the server. */
#ifndef CODIS_INTSET_H
#define CODIS_INTSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct intset;

/* An empty intset. Owned: intset_free. */
struct intset *intset_new(void);

/* Free 'is'; NULL is fine. */
void intset_free(struct intset *is);

/* Add 'v'; '*added' says whether it was new. Returns the intset, which
 * may have moved. */
struct intset *intset_add(struct intset *is, int64_t v, bool *added);

/* Remove 'v'; '*removed' says whether it was there. Returns the intset. */
struct intset *intset_remove(struct intset *is, int64_t v, bool *removed);

/* True if 'v' is a member. */
bool intset_find(const struct intset *is, int64_t v);

/* Number of members, and the one at 'pos' (0 <= pos < length), in
 * ascending order. */
size_t intset_len(const struct intset *is);
int64_t intset_get(const struct intset *is, size_t pos);

/* Size in bytes of the serialized form (the intset itself). */
size_t intset_bytes(const struct intset *is);

/* A copy of 'len' serialized bytes at 'p', or NULL if they are not a
 * valid intset (width, length, strictly ascending values). */
struct intset *intset_from_bytes(const void *p, size_t len);

#endif
