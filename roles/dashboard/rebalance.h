/* Rebalance planning: which slots to move so that every group with a
 * master owns its share of the 1024 slots. With weights (Codis 2 uses
 * each master's maxmemory) group g's share is floor(1024 * w(g) / sum);
 * without, every group weighs the same. Slots left over by the rounding
 * go one each to the groups with the largest remainders, then to those
 * already holding the most, so the fewest slots move. Pure computation:
 * queuing the moves is api_migrate.c's job. */
#ifndef CODIS_REBALANCE_H
#define CODIS_REBALANCE_H

#include <stddef.h>

/* One planned migration. */
struct rebalance_move {
    int slot;  /* slot id */
    int group; /* the group it goes to */
};

/* Plan moves for 'owner' (the group of each of the SLOT_COUNT slots) over
 * the 'ngroups' distinct groups 'gids', weighted by 'weights' (positive,
 * one per group; NULL: equal). Over-quota groups give up their
 * highest-numbered slots; the given slots, in ascending order, are dealt
 * to under-quota groups in ascending group id. Fills 'moves' (room for
 * SLOT_COUNT entries) in ascending slot order and returns how many, or -1
 * with 'err' filled when a slot belongs to no group of 'gids' or there
 * are no groups. */
int rebalance_plan(const int *owner, const int *gids,
                   const long long *weights, size_t ngroups,
                   struct rebalance_move *moves, char *err, size_t errlen);

#endif
