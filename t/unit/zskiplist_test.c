/* Unit tests for redis/zskiplist: order, ranks, spans and ranges checked
 * against a plain sorted array through random inserts, updates and
 * deletes. */
#include "t/unit/tap.h"

#include <stdlib.h>

#include "redis/sds.h"
#include "redis/zskiplist.h"

#define N 2000

/* The model: scores and member numbers, kept sorted like the list. */
struct pair {
    double score;
    int member;
};

static int pair_cmp(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    char mx[16], my[16];
    if (x->score != y->score) {
        return x->score < y->score ? -1 : 1;
    }
    snprintf(mx, sizeof(mx), "m%d", x->member);
    snprintf(my, sizeof(my), "m%d", y->member);
    return strcmp(mx, my);
}

static char *member(int i)
{
    char buf[16];
    int n = snprintf(buf, sizeof(buf), "m%d", i);
    return sds_new(buf, (size_t)n);
}

/* True if walking 'zsl' forwards and backwards matches the model and
 * every rank agrees. */
static bool zsl_matches(const struct zsl *zsl, const struct pair *model,
                        size_t n)
{
    if (zsl->length != n) {
        return false;
    }
    size_t i = 0;
    for (struct zsl_node *x = zsl->header->level[0].forward; x != NULL;
         x = x->level[0].forward, i++) {
        char buf[16];
        snprintf(buf, sizeof(buf), "m%d", model[i].member);
        if (x->score != model[i].score || strcmp(x->member, buf) != 0 ||
            zsl_rank(zsl, x->score, x->member, sds_len(x->member)) != i + 1 ||
            zsl_by_rank(zsl, i + 1) != x) {
            return false;
        }
    }
    i = n;
    for (struct zsl_node *x = zsl->tail; x != NULL; x = x->backward) {
        i--;
    }
    return i == 0;
}

int main(void)
{
    srandom(42);
    struct zsl *zsl = zsl_new();
    struct pair *model = calloc(N, sizeof(*model));
    size_t n = 0;
    for (int i = 0; i < N; i++) {
        double score = (double)(random() % 100);
        char *m = member(i);
        zsl_insert(zsl, score, m, sds_len(m));
        sds_free(m);
        model[n].score = score;
        model[n].member = i;
        n++;
    }
    qsort(model, n, sizeof(*model), pair_cmp);
    tap_ok(zsl_matches(zsl, model, n), "inserts keep order and ranks");

    bool update_ok = true;
    for (size_t i = 0; i < n; i += 3) {
        char *m = member(model[i].member);
        /* Small moves mostly keep the node in place, big ones move it */
        double next = i % 2 ? model[i].score + 0.25
                            : (double)(random() % 100) + 0.5;
        struct zsl_node *x = zsl_update_score(zsl, model[i].score, m,
                                              sds_len(m), next);
        update_ok = update_ok && x->score == next &&
                    strcmp(x->member, m) == 0;
        model[i].score = next;
        sds_free(m);
    }
    tap_ok(update_ok, "a score update returns the member's node");
    qsort(model, n, sizeof(*model), pair_cmp);
    tap_ok(zsl_matches(zsl, model, n), "score updates move nodes");

    size_t kept = 0;
    bool deleted_ok = true;
    for (size_t i = 0; i < n; i++) {
        if (i % 2 == 0) {
            char *m = member(model[i].member);
            deleted_ok = deleted_ok &&
                         zsl_delete(zsl, model[i].score, m, sds_len(m));
            sds_free(m);
        } else {
            model[kept++] = model[i];
        }
    }
    n = kept;
    tap_ok(deleted_ok, "deletes find their member");
    tap_ok(zsl_matches(zsl, model, n), "deletes keep order and ranks");
    char *absent = member(N + 1);
    tap_ok(!zsl_delete(zsl, 1, absent, sds_len(absent)),
           "deleting an absent pair fails");
    tap_int(zsl_rank(zsl, 1, absent, sds_len(absent)), 0,
            "an absent pair has rank 0");
    sds_free(absent);

    struct zsl_range r = { 10, 20, true, false };
    size_t expect_first = 0, expect_count = 0;
    for (size_t i = 0; i < n; i++) {
        if (model[i].score > 10 && model[i].score <= 20) {
            if (expect_count++ == 0) {
                expect_first = i + 1;
            }
        }
    }
    struct zsl_node *first = zsl_first_in_range(zsl, &r);
    struct zsl_node *last = zsl_last_in_range(zsl, &r);
    tap_int(first ? zsl_rank(zsl, first->score, first->member,
                             sds_len(first->member)) : 0,
            expect_first, "first node of (10, 20]");
    tap_int(first && last ? zsl_rank(zsl, last->score, last->member,
                                     sds_len(last->member)) -
                            expect_first + 1 : 0,
            expect_count, "nodes in (10, 20]");
    struct zsl_range empty = { 5, 5, true, false };
    tap_ok(zsl_first_in_range(zsl, &empty) == NULL, "(5, 5] is empty");

    struct zsl *lex = zsl_new();
    const char *words[] = { "a", "b", "c", "d", "e" };
    for (size_t i = 0; i < 5; i++) {
        zsl_insert(lex, 0, words[i], 1);
    }
    struct zsl_lex_range lr = { { "b", 1, 0, true }, { NULL, 0, 1, false } };
    struct zsl_node *lf = zsl_first_in_lex(lex, &lr);
    struct zsl_node *ll = zsl_last_in_lex(lex, &lr);
    tap_str(lf ? lf->member : NULL, "c", "first of (b, +]");
    tap_str(ll ? ll->member : NULL, "e", "last of (b, +]");
    zsl_free(lex);
    zsl_free(zsl);
    free(model);
    return tap_done();
}
