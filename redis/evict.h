/* maxmemory and its eviction policies (see evict.c). */
#ifndef CODIS_EVICT_H
#define CODIS_EVICT_H

#include <stdbool.h>
#include <stdint.h>

struct object;

/* The policy names maxmemory-policy accepts, NULL-terminated (for the
 * config table). */
extern const char *const evict_policy_names[];

/* Bytes allocated by the server now (lib/mem's count). */
long long evict_used_memory(void);

/* Bytes left out of the maxmemory count: replicas' output buffers and
 * the AOF buffer (INFO mem_not_counted_for_evict). */
long long evict_not_counted(void);

/* If used memory is above maxmemory, evict keys by the policy until it
 * is not. Returns 0 if memory is (now) within the limit, -1 if it is
 * still above (noeviction, or nothing left to evict). */
int evict_perform(void);

/* Milliseconds used memory stayed above maxmemory with evict_perform
 * unable to bring it down: 'total' over the server's life (the current
 * stretch included), 'current' of the stretch going on now (0 if none). */
void evict_exceeded_time(long long *total, long long *current);

/* True if maxmemory-policy is allkeys-lfu or volatile-lfu: struct
 * object.lru then holds an access counter, not an access time. */
bool evict_lfu(void);

/* The struct object.lru of a new value under the current policy. */
uint16_t evict_new_clock(void);

/* Record an access to 'o' (every key lookup): its access time, or under
 * LFU its decayed counter, probably incremented. */
void evict_touch(struct object *o);

/* The LFU counter of 'o' after decay (OBJECT FREQ), 0 .. 255. */
unsigned evict_lfu_value(const struct object *o);

/* RESTORE's IDLETIME 'idle' (s) and FREQ 'freq' (-1: not given): set the
 * one the current policy tracks, ignore the other, as Redis does. */
void evict_restore_hints(struct object *o, long long idle, long long freq);

#endif
