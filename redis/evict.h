/* maxmemory and its eviction policies (see evict.c). */
#ifndef CODIS_EVICT_H
#define CODIS_EVICT_H

/* The policy names maxmemory-policy accepts, NULL-terminated (for the
 * config table). */
extern const char *const evict_policy_names[];

/* Bytes allocated by the server now (lib/mem's count). */
long long evict_used_memory(void);

/* If used memory is above maxmemory, evict keys by the policy until it
 * is not. Returns 0 if memory is (now) within the limit, -1 if it is
 * still above (noeviction, or nothing left to evict). */
int evict_perform(void);

#endif
