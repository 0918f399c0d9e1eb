/* Unit tests of roles/dashboard/rebalance.c: the rebalance plan. */
#include <string.h>

#include "lib/slot.h"
#include "roles/dashboard/rebalance.h"
#include "t/unit/tap.h"

static int owner[SLOT_COUNT];
static struct rebalance_move moves[SLOT_COUNT];

/* Apply 'n' moves to 'owner' and count the slots of group 'gid'. */
static int count_after(int n, int gid)
{
    static int after[SLOT_COUNT];
    memcpy(after, owner, sizeof(after));
    for (int i = 0; i < n; i++) {
        after[moves[i].slot] = moves[i].group;
    }
    int c = 0;
    for (int s = 0; s < SLOT_COUNT; s++) {
        c += after[s] == gid;
    }
    return c;
}

/* Moves are in ascending slot order, each slot once, never to its own
 * group. */
static int moves_sane(int n)
{
    for (int i = 0; i < n; i++) {
        if ((i > 0 && moves[i].slot <= moves[i - 1].slot) ||
            moves[i].group == owner[moves[i].slot]) {
            return 0;
        }
    }
    return 1;
}

int main(void)
{
    char err[256];
    const int two[] = { 1, 2 };
    for (int s = 0; s < SLOT_COUNT; s++) {
        owner[s] = s < 502 ? 1 : 2;
    }
    int n = rebalance_plan(owner, two, NULL, 2, moves, err, sizeof(err));
    tap_int(n, 10, "502/522 over two groups: 10 moves");
    tap_int(moves[0].slot, 1014, "the donor gives its highest slots");
    tap_int(moves[0].group, 1, "to the group short of slots");
    tap_int(count_after(n, 1), 512, "group 1 ends with 512");
    tap_int(count_after(n, 2), 512, "group 2 ends with 512");
    tap_ok(moves_sane(n), "moves sorted, each to another group");

    for (int s = 0; s < SLOT_COUNT; s++) {
        owner[s] = 1;
    }
    const int three[] = { 1, 2, 3 };
    n = rebalance_plan(owner, three, NULL, 3, moves, err, sizeof(err));
    tap_int(n, 1024 - 342, "all in one group over three: 682 moves");
    tap_int(count_after(n, 1), 342, "the old owner keeps the remainder");
    tap_int(count_after(n, 2), 341, "group 2 gets 341");
    tap_int(count_after(n, 3), 341, "group 3 gets 341");
    tap_ok(moves_sane(n), "moves sorted, each to another group");
    tap_int(moves[0].group, 2, "the lowest slots go to the lowest group");

    n = rebalance_plan(owner, two, NULL, 2, moves, err, sizeof(err));
    tap_int(n, 512, "1024/0 over two: 512 moves");
    n = rebalance_plan(owner, three, NULL, 1, moves, err, sizeof(err));
    tap_int(n, 0, "one group owning all: nothing to move");

    for (int s = 0; s < SLOT_COUNT; s++) {
        owner[s] = s % 2 ? 1 : 2;
    }
    n = rebalance_plan(owner, two, NULL, 2, moves, err, sizeof(err));
    tap_int(n, 0, "already balanced: nothing to move");

    owner[7] = 9;
    n = rebalance_plan(owner, two, NULL, 2, moves, err, sizeof(err));
    tap_int(n, -1, "a slot of a group without master is refused");
    tap_str(err, "slot 7 belongs to group 9, which has no master",
            "and named");
    n = rebalance_plan(owner, two, NULL, 0, moves, err, sizeof(err));
    tap_int(n, -1, "no groups is refused");

    /* weights, as Codis 2's maxmemory: 1 GB and 3 GB */
    for (int s = 0; s < SLOT_COUNT; s++) {
        owner[s] = s < 512 ? 1 : 2;
    }
    const long long gb[] = { 1LL << 30, 3LL << 30 };
    n = rebalance_plan(owner, two, gb, 2, moves, err, sizeof(err));
    tap_int(n, 256, "1:3 weights over 512/512: 256 moves");
    tap_int(count_after(n, 1), 256, "group 1 ends with a quarter");
    tap_int(count_after(n, 2), 768, "group 2 ends with three quarters");
    tap_int(moves[0].slot, 256, "group 1 gives its highest slots");
    tap_ok(moves_sane(n), "moves sorted, each to another group");
    const long long odd[] = { 1, 1, 1 };
    for (int s = 0; s < SLOT_COUNT; s++) {
        owner[s] = s < 1000 ? 3 : 1;
    }
    n = rebalance_plan(owner, three, odd, 3, moves, err, sizeof(err));
    tap_int(count_after(n, 3), 342, "the remainder goes to the biggest");
    tap_int(count_after(n, 1) + count_after(n, 2), 682, "the rest split");
    const long long bad[] = { 1, 0 };
    n = rebalance_plan(owner, two, bad, 2, moves, err, sizeof(err));
    tap_int(n, -1, "a zero weight is refused");
    tap_str(err, "group 2 has weight 0: must be 1..1125899906842624",
            "and named");
    return tap_done();
}
