/* Unit tests for redis/quicklist: random pushes, pops, inserts,
 * replaces and range deletes checked against a plain array of strings,
 * for byte and count fills and compression depths 0, 1 and 2, and with
 * large elements in plain nodes; node bounds and the packing of inner
 * nodes checked after every step. */
#include "t/unit/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis/listpack.h"
#include "redis/lzf.h"
#include "redis/quicklist.h"
#include "redis/sds.h"

#define MODEL_MAX 6000

/* The model: element i is model[i] (owned C strings). */
static char *model[MODEL_MAX];
static size_t model_len;

static void model_insert(size_t at, const char *s)
{
    memmove(&model[at + 1], &model[at], (model_len - at) * sizeof(char *));
    model[at] = strdup(s);
    model_len++;
}

static void model_delete(size_t at, size_t n)
{
    for (size_t i = at; i < at + n; i++) {
        free(model[i]);
    }
    memmove(&model[at], &model[at + n],
            (model_len - at - n) * sizeof(char *));
    model_len -= n;
}

/* A string for step 'i': short ones mostly, some long, repetitive ones
 * (so that nodes compress). */
static void make_elem(char *buf, size_t cap, unsigned i)
{
    unsigned r = (unsigned)rand();
    if (r % 10 == 0) {
        int n = snprintf(buf, cap, "long-%u-", i);
        while ((size_t)n < 300 && (size_t)n + 1 < cap) {
            buf[n] = (char)('a' + n % 3);
            n++;
        }
        buf[n] = '\0';
    } else {
        snprintf(buf, cap, "e%u", r % 100000);
    }
}

/* True if 'ql' holds the model, walked both ways, and its nodes respect
 * the fill and the packing invariant. */
static size_t plain_seen; /* plain nodes ql_matches has met */

static bool ql_matches(struct quicklist *ql)
{
    if (ql->count != model_len) {
        return false;
    }
    struct quicklist_iter it;
    const char *p;
    size_t len, i = 0;
    bool ok = true;
    quicklist_iter_init(&it, ql, 0, true);
    while (ok && quicklist_iter_next(&it, &p, &len)) {
        ok = i < model_len && len == strlen(model[i]) &&
             memcmp(p, model[i], len) == 0;
        i++;
    }
    quicklist_iter_release(&it);
    if (!ok || i != model_len) {
        return false;
    }
    if (model_len > 0) {
        quicklist_iter_init(&it, ql, model_len - 1, false);
        while (ok && quicklist_iter_next(&it, &p, &len)) {
            i--;
            ok = len == strlen(model[i]) && memcmp(p, model[i], len) == 0;
        }
        quicklist_iter_release(&it);
        if (!ok || i != 0) {
            return false;
        }
    }
    size_t total = 0, pos = 0, nodes = 0;
    for (struct quicklist_node *n = ql->head; n != NULL; n = n->next, pos++) {
        total += n->count;
        nodes++;
        if (n->count == 0 || (n->plain && n->count != 1)) {
            return false;
        }
        plain_seen += n->plain;
        if (ql->fill > 0 && n->count > (size_t)ql->fill) {
            return false;
        }
        bool inner = ql->depth > 0 && pos >= (size_t)ql->depth &&
                     pos + (size_t)ql->depth < ql->nodes;
        if (!inner && n->packed) {
            return false;
        }
        if (inner && !n->packed && n->raw_bytes >= 48) {
            /* Left plain: only if LZF cannot save 8 bytes */
            unsigned char out[70000];
            if (lzf_compress(n->lp, n->raw_bytes, out,
                             n->raw_bytes - 8) != 0) {
                return false;
            }
        }
    }
    return total == ql->count && nodes == ql->nodes;
}

/* Run 'steps' random operations on a list of 'fill' / 'depth'. */
static void run(int fill, int depth, unsigned steps, const char *title)
{
    struct quicklist *ql = quicklist_new(fill, depth);
    char buf[400];
    bool ok = true;
    for (unsigned i = 0; i < steps && ok; i++) {
        unsigned op = (unsigned)rand() % 100;
        make_elem(buf, sizeof(buf), i);
        if (op < 30 || model_len < 10) {
            bool head = op % 2 == 0;
            if (model_len < MODEL_MAX - 1) {
                quicklist_push(ql, buf, strlen(buf), head);
                model_insert(head ? 0 : model_len, buf);
            }
        } else if (op < 45) {
            bool head = op % 2 == 0;
            char *s = quicklist_pop(ql, head);
            size_t at = head ? 0 : model_len - 1;
            ok = strcmp(s, model[at]) == 0;
            sds_free(s);
            model_delete(at, 1);
        } else if (op < 70) {
            size_t at = (size_t)rand() % (model_len + 1);
            if (model_len < MODEL_MAX - 1) {
                quicklist_insert(ql, at, buf, strlen(buf));
                model_insert(at, buf);
            }
        } else if (op < 85) {
            size_t at = (size_t)rand() % model_len;
            quicklist_replace(ql, at, buf, strlen(buf));
            free(model[at]);
            model[at] = strdup(buf);
        } else if (op < 90) {
            size_t at = (size_t)rand() % model_len;
            size_t n = (size_t)rand() % 40;
            quicklist_delete_range(ql, at, n);
            model_delete(at, at + n > model_len ? model_len - at : n);
        } else {
            /* A walk from the middle, as LRANGE and LINDEX do. */
            size_t at = (size_t)rand() % model_len;
            struct quicklist_iter it;
            const char *p;
            size_t len;
            quicklist_iter_init(&it, ql, at, op % 2 == 0);
            ok = quicklist_iter_next(&it, &p, &len) &&
                 len == strlen(model[at]) &&
                 memcmp(p, model[at], len) == 0;
            quicklist_iter_release(&it);
        }
        if (ok && (i % 50 == 0 || i + 1 == steps)) {
            ok = ql_matches(ql);
            if (!ok) {
                printf("# mismatch after step %u (op %u)\n", i, op);
            }
        }
    }
    tap_ok(ok, title);
    quicklist_free(ql);
    model_delete(0, model_len);
}

int main(void)
{
    srand(14);
    run(-2, 0, 6000, "8 KB nodes, no compression, match an array");
    run(-1, 1, 6000, "4 KB nodes, depth 1, match an array");
    run(5, 2, 6000, "5-entry nodes, depth 2, match an array");
    run(1, 1, 2000, "1-entry nodes, depth 1, match an array");

    /* 300-byte elements over a threshold of 200 take plain nodes */
    quicklist_set_packed_threshold(200);
    plain_seen = 0;
    run(-2, 1, 4000, "plain nodes among 8 KB nodes, depth 1");
    run(3, 0, 3000, "plain nodes among 3-entry nodes");
    tap_ok(plain_seen > 0, "the walks met plain nodes");
    quicklist_set_packed_threshold(0);

    /* A long list of repetitive entries: inner nodes packed, smaller. */
    struct quicklist *plain = quicklist_new(-2, 0);
    struct quicklist *packed = quicklist_new(-2, 1);
    for (int i = 0; i < 20000; i++) {
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "item-%d", i % 100);
        quicklist_push(plain, buf, (size_t)n, false);
        quicklist_push(packed, buf, (size_t)n, i % 2 == 0);
    }
    tap_int(quicklist_packed_nodes(plain), 0, "depth 0 packs nothing");
    tap_int(quicklist_packed_nodes(packed), packed->nodes - 2,
            "depth 1 packs every node but the two ends");
    tap_ok(quicklist_bytes(packed, 0) * 2 < quicklist_bytes(plain, 0),
           "packed nodes take less than half the bytes");
    char *s = quicklist_pop(packed, true);
    tap_str(s, "item-98", "the head pops after packing");
    sds_free(s);
    quicklist_delete_range(packed, 0, packed->count - 1);
    tap_int(packed->count, 1, "a range delete leaves one entry");
    tap_int(quicklist_packed_nodes(packed), 0, "one node is never packed");
    quicklist_free(plain);
    quicklist_free(packed);
    return tap_done();
}
