/* Rebalance planning; see rebalance.h. */
#include "roles/dashboard/rebalance.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/mem.h"
#include "lib/slot.h"

/* Weights are bytes of maxmemory: 1024 times a weight up to 2^50 (a
 * petabyte), and a sum up to 2^60, fit a long long. */
#define REBALANCE_MAX_WEIGHT (1LL << 50)

/* One group while planning. */
struct rebalance_group {
    int gid;
    int count;          /* slots it owns now */
    int quota;          /* slots it should own */
    long long weight;   /* its weight */
    long long leftover; /* 1024 * weight % sum: its claim to one more */
};

/* Order by leftover, then current count, largest first, then by id: who
 * gets the slots the rounding left. */
static int rebalance_by_claim(const void *a, const void *b)
{
    const struct rebalance_group *x = a, *y = b;
    if (x->leftover != y->leftover) {
        return x->leftover > y->leftover ? -1 : 1;
    }
    if (x->count != y->count) {
        return x->count > y->count ? -1 : 1;
    }
    return (x->gid > y->gid) - (x->gid < y->gid);
}

static int rebalance_by_gid(const void *a, const void *b)
{
    const struct rebalance_group *x = a, *y = b;
    return (x->gid > y->gid) - (x->gid < y->gid);
}

static int rebalance_by_slot(const void *a, const void *b)
{
    const struct rebalance_move *x = a, *y = b;
    return (x->slot > y->slot) - (x->slot < y->slot);
}

/* The index of group 'gid' in 'g', or -1. */
static int rebalance_find(const struct rebalance_group *g, size_t n, int gid)
{
    for (size_t i = 0; i < n; i++) {
        if (g[i].gid == gid) {
            return (int)i;
        }
    }
    return -1;
}

int rebalance_plan(const int *owner, const int *gids,
                   const long long *weights, size_t ngroups,
                   struct rebalance_move *moves, char *err, size_t errlen)
{
    if (ngroups == 0) {
        snprintf(err, errlen, "no group has a master: nothing to balance "
                              "over");
        return -1;
    }
    struct rebalance_group *g = mem_calloc(ngroups, sizeof(*g));
    long long sum = 0;
    for (size_t i = 0; i < ngroups; i++) {
        g[i].gid = gids[i];
        g[i].weight = weights != NULL ? weights[i] : 1;
        if (g[i].weight <= 0 || g[i].weight > REBALANCE_MAX_WEIGHT) {
            snprintf(err, errlen, "group %d has weight %lld: must be "
                                  "1..%lld", g[i].gid, g[i].weight,
                     (long long)REBALANCE_MAX_WEIGHT);
            mem_free(g);
            return -1;
        }
        sum += g[i].weight;
        if (sum > REBALANCE_MAX_WEIGHT * 1024) {
            snprintf(err, errlen, "the groups' weights add up to too much");
            mem_free(g);
            return -1;
        }
    }
    for (int s = 0; s < SLOT_COUNT; s++) {
        int i = rebalance_find(g, ngroups, owner[s]);
        if (i < 0) {
            snprintf(err, errlen, "slot %d belongs to group %d, which has "
                                  "no master", s, owner[s]);
            mem_free(g);
            return -1;
        }
        g[i].count++;
    }
    int dealt_quota = 0;
    for (size_t i = 0; i < ngroups; i++) {
        g[i].quota = (int)(SLOT_COUNT * g[i].weight / sum);
        g[i].leftover = SLOT_COUNT * g[i].weight % sum;
        dealt_quota += g[i].quota;
    }
    qsort(g, ngroups, sizeof(*g), rebalance_by_claim);
    for (size_t i = 0; dealt_quota < SLOT_COUNT; i = (i + 1) % ngroups) {
        g[i].quota++;
        dealt_quota++;
    }
    qsort(g, ngroups, sizeof(*g), rebalance_by_gid);
    /* donors give their highest-numbered slots */
    int given = 0;
    for (int s = SLOT_COUNT - 1; s >= 0; s--) {
        struct rebalance_group *donor = &g[rebalance_find(g, ngroups,
                                                          owner[s])];
        if (donor->count > donor->quota) {
            donor->count--;
            moves[given++].slot = s;
        }
    }
    qsort(moves, (size_t)given, sizeof(*moves), rebalance_by_slot);
    int dealt = 0;
    for (size_t i = 0; i < ngroups; i++) {
        while (g[i].count < g[i].quota && dealt < given) {
            moves[dealt++].group = g[i].gid;
            g[i].count++;
        }
    }
    mem_free(g);
    return given;
}
