/* Rebalance planning: which slots to move so that every group with a
 * master owns the same number of slots (1024 / n, the remainder going to
 * the groups that already hold the most, so the fewest slots move).
 * Codis 2 weighted groups by maxmemory; we split evenly by count. Pure
 * computation: queuing the moves is api_migrate.c's job. */
#ifndef CODIS_REBALANCE_H
#define CODIS_REBALANCE_H

#include <stddef.h>

/* One planned migration. */
struct rebalance_move {
    int slot;  /* slot id */
    int group; /* the group it goes to */
};

/* Plan moves for 'owner' (the group of each of the SLOT_COUNT slots) over
 * the 'ngroups' distinct groups 'gids'. Over-quota groups give up their
 * highest-numbered slots; the given slots, in ascending order, are dealt
 * to under-quota groups in ascending group id. Fills 'moves' (room for
 * SLOT_COUNT entries) in ascending slot order and returns how many, or -1
 * with 'err' filled when a slot belongs to no group of 'gids' or there
 * are no groups. */
int rebalance_plan(const int *owner, const int *gids, size_t ngroups,
                   struct rebalance_move *moves, char *err, size_t errlen);

#endif
