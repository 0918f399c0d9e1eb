/* redis/dict: incremental rehashing. A growing table rehashes a bucket per
 * operation, never all at once, and every key stays findable while two
 * tables exist; dict_rehash_ms finishes the move; a table does not grow
 * while resizing is forbidden (a child process) until it holds five
 * entries per bucket; a sparse table shrinks; an iterator pauses the
 * rehash; a scan across a rehash reports every key. */
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/dict.h"
#include "redis/sds.h"
#include "t/unit/tap.h"

static const struct dict_type test_type = { true, NULL };

static char *key_of(int i)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "key:%d", i);
    return sds_new(buf, (size_t)n);
}

/* True if keys 'from' .. 'to'-1 are all found (and store their number). */
static int all_found(struct dict *d, int from, int to)
{
    for (int i = from; i < to; i++) {
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "key:%d", i);
        struct dict_entry *e = dict_find(d, buf, (size_t)n);
        if (e == NULL || e->v.s64 != i) {
            return 0;
        }
    }
    return 1;
}

static void add(struct dict *d, int i)
{
    struct dict_entry *e = dict_insert(d, key_of(i));
    e->v.s64 = i;
}

static void scan_mark(void *priv, const struct dict_entry *e)
{
    unsigned char *seen = priv;
    seen[e->v.s64] = 1;
}

int main(void)
{
    struct dict *d = dict_new(&test_type);
    for (int i = 0; i < 4096; i++) {
        add(d, i);
    }
    dict_rehash_ms(d, 1000);
    tap_int((long long)d->size[0], 4096, "4096 keys fill 4096 buckets");
    tap_int(d->rehash_idx, -1, "no rehash pending once finished");

    add(d, 4096);
    tap_ok(d->rehash_idx != -1 && d->size[1] == 8192,
           "one more key starts a rehash into 8192 buckets");
    long long before = d->rehash_idx;
    tap_ok(all_found(d, 0, 100), "keys are found while rehashing");
    tap_ok(d->rehash_idx != -1 && d->rehash_idx > before &&
           d->rehash_idx <= before + 100 * 11,
           "100 lookups moved a bucket each (and skipped <= 10 empty)");
    tap_ok(d->used[0] > 0 && d->used[1] > 0 &&
           d->used[0] + d->used[1] == 4097,
           "entries are split between the two tables");
    struct dict_iter it;
    dict_iter_init(&it, d);
    long long paused = d->rehash_idx;
    tap_ok(paused != -1, "still rehashing when the iterator starts");
    int n = 0;
    while (dict_iter_next(&it) != NULL) {
        n++;
        all_found(d, n, n + 1);
    }
    tap_int(n, 4097, "an iterator sees every key once across both tables");
    tap_int(d->rehash_idx, paused, "lookups during iteration move nothing");
    dict_iter_release(&it);

    unsigned char seen[8192] = { 0 };
    uint64_t cursor = 0;
    int steps = 0;
    do {
        cursor = dict_scan(d, cursor, scan_mark, seen);
        if (++steps % 4 == 0) {
            dict_rehash(d, 8);
        }
    } while (cursor != 0);
    int missed = 0;
    for (int i = 0; i < 4097; i++) {
        missed += !seen[i];
    }
    tap_int(missed, 0, "a scan interleaved with rehash steps misses none");
    tap_ok(all_found(d, 0, 4097), "every key is found while rehashing");

    dict_rehash_ms(d, 1000);
    tap_ok(d->rehash_idx == -1 && d->size[0] == 8192 && d->size[1] == 0,
           "dict_rehash_ms completes the move");

    dict_set_resize_allowed(false);
    for (int i = 4097; i < 8192 * 5; i++) {
        add(d, i);
    }
    tap_ok(d->size[0] == 8192 && d->rehash_idx == -1,
           "no growth while resizing is forbidden, up to 5 per bucket");
    add(d, 8192 * 5);
    tap_ok(d->rehash_idx != -1,
           "at 5 entries per bucket the table grows anyway");
    dict_rehash_ms(d, 1000);
    tap_ok(all_found(d, 0, 8192 * 5 + 1), "every key found after growing");

    for (int i = 100; i <= 8192 * 5; i++) {
        char buf[32];
        int len = snprintf(buf, sizeof(buf), "key:%d", i);
        dict_delete(d, buf, (size_t)len);
    }
    dict_rehash_ms(d, 1000);
    size_t big = d->size[0];
    tap_ok(!dict_shrink_if_needed(d) && d->size[0] == big,
           "no shrinking while resizing is forbidden");
    dict_set_resize_allowed(true);
    tap_ok(dict_shrink_if_needed(d), "a table under 10% full shrinks");
    dict_rehash_ms(d, 1000);
    tap_int((long long)d->size[0], 128, "100 keys end in 128 buckets");
    tap_ok(all_found(d, 0, 100), "every key found after shrinking");
    tap_ok(!dict_shrink_if_needed(d), "a table 78% full does not shrink");

    dict_free(d);
    return tap_done();
}
