/* The engine shared by HSCAN, SSCAN and ZSCAN: walk a container's dict
 * with a stateless cursor (dict_scan), filter by MATCH, reply
 * [next-cursor, [element (value|score) ...]]. The option parsing
 * (scan_opts_or_reply) and the cursor walk (scan_walk) also serve the key
 * space's SCAN and SLOTSSCAN, whose replies db.c writes. Also the random
 * sampling of distinct entries that HRANDFIELD, SRANDMEMBER, SPOP and
 * ZRANDMEMBER share. */
#include <string.h>

#include <stdlib.h>

#include "lib/mem.h"
#include "redis/listpack.h"
#include "redis/server.h"

/* Entries collected by one scan step (borrowed from the dict). */
struct scan_acc {
    const struct dict_entry **entries;
    size_t count;
    size_t cap;
};

static void scan_collect(void *priv, const struct dict_entry *e)
{
    struct scan_acc *acc = priv;
    if (acc->count == acc->cap) {
        acc->cap = acc->cap ? acc->cap * 2 : 16;
        acc->entries = mem_realloc(acc->entries,
                                   acc->cap * sizeof(*acc->entries));
    }
    acc->entries[acc->count++] = e;
}

int scan_opts_or_reply(struct client *c, int first, bool with_type,
                       struct scan_opts *o)
{
    o->pattern = NULL;
    o->count = 10;
    o->type = NULL;
    for (int i = first; i < c->argc; i += 2) {
        if (i + 1 >= c->argc) {
            reply_syntax_error(c);
            return -1;
        }
        if (arg_is(&c->argv[i], "count")) {
            if (arg_ll_or_reply(c, &c->argv[i + 1], &o->count, NULL) != 0) {
                return -1;
            }
            if (o->count < 1) {
                reply_syntax_error(c);
                return -1;
            }
        } else if (arg_is(&c->argv[i], "match")) {
            o->pattern = &c->argv[i + 1];
            if (o->pattern->len == 1 && o->pattern->ptr[0] == '*') {
                o->pattern = NULL;
            }
        } else if (with_type && arg_is(&c->argv[i], "type")) {
            o->type = c->argv[i + 1].ptr;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

bool scan_opts_match(const struct scan_opts *o, const char *key, size_t len)
{
    return o->pattern == NULL ||
           util_glob_match(o->pattern->ptr, o->pattern->len, key, len, false);
}

const struct dict_entry **scan_walk(struct dict *d, uint64_t *cursor,
                                    long long count, size_t *found)
{
    struct scan_acc acc = { NULL, 0, 0 };
    if (d == NULL) {
        *cursor = 0;
    } else {
        long long budget = count * 10;
        do {
            *cursor = dict_scan(d, *cursor, scan_collect, &acc);
        } while (*cursor != 0 && budget-- > 0 && acc.count < (size_t)count);
    }
    *found = acc.count;
    return acc.entries;
}

void scan_container(struct client *c, struct dict *d, enum scan_values kind)
{
    uint64_t cursor;
    struct scan_opts opts;
    if (db_scan_cursor_or_reply(c, &c->argv[2], &cursor) != 0 ||
        scan_opts_or_reply(c, 3, false, &opts) != 0) {
        return;
    }
    size_t found;
    const struct dict_entry **entries = scan_walk(d, &cursor, opts.count,
                                                  &found);
    reply_array(c, 2);
    reply_bulk_ll(c, (long long)cursor);
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (size_t i = 0; i < found; i++) {
        const struct dict_entry *e = entries[i];
        size_t len = sds_len(e->key);
        if (!scan_opts_match(&opts, e->key, len)) {
            continue;
        }
        reply_bulk(c, e->key, len);
        n++;
        if (kind == SCAN_SDS_VALUES) {
            reply_bulk_sds(c, e->v.ptr);
            n++;
        } else if (kind == SCAN_SCORES) {
            reply_double(c, e->v.d);
            n++;
        }
    }
    reply_set_array_len(c, handle, n);
    mem_free(entries);
}

void scan_listpack(struct client *c, unsigned char *lp,
                   enum scan_values kind)
{
    uint64_t cursor;
    struct scan_opts opts;
    if (db_scan_cursor_or_reply(c, &c->argv[2], &cursor) != 0 ||
        scan_opts_or_reply(c, 3, false, &opts) != 0) {
        return;
    }
    reply_array(c, 2);
    reply_bulk_str(c, "0");
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (unsigned char *m = listpack_first(lp); m != NULL;) {
        unsigned char *v = listpack_next(lp, m);
        size_t len, vlen;
        char mbuf[LISTPACK_INTBUF], vbuf[LISTPACK_INTBUF];
        const char *mp = listpack_get(m, &len, mbuf);
        const char *vp = listpack_get(v, &vlen, vbuf);
        m = listpack_next(lp, v);
        if (!scan_opts_match(&opts, mp, len)) {
            continue;
        }
        reply_bulk(c, mp, len);
        if (kind == SCAN_SCORES) {
            char buf[64];
            memcpy(buf, vp, vlen < sizeof(buf) ? vlen : sizeof(buf) - 1);
            buf[vlen < sizeof(buf) ? vlen : sizeof(buf) - 1] = '\0';
            reply_double(c, strtod(buf, NULL));
        } else {
            reply_bulk(c, vp, vlen);
        }
        n += 2;
    }
    reply_set_array_len(c, handle, n);
}

/* Borrowed keys, no values: the members already drawn. */
static const struct dict_type scan_seen_type = { false, NULL };

const struct dict_entry **scan_sample_distinct(struct dict *d, size_t count)
{
    size_t size = dict_size(d);
    if (count > size) {
        count = size;
    }
    const struct dict_entry **out;
    if (count * 3 < size) {
        /* Few of many: draw at random, skipping repeats. */
        out = mem_alloc((count ? count : 1) * sizeof(*out));
        struct dict *seen = dict_new(&scan_seen_type);
        size_t n = 0;
        while (n < count) {
            struct dict_entry *e = dict_random(d);
            if (dict_find(seen, e->key, sds_len(e->key)) == NULL) {
                dict_insert(seen, e->key);
                out[n++] = e;
            }
        }
        dict_free(seen);
        return out;
    }
    /* Most of them: shuffle the head of the whole table. */
    out = mem_alloc((size ? size : 1) * sizeof(*out));
    size_t n = 0;
    struct dict_iter it;
    dict_iter_init(&it, d);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)) != NULL) {
        out[n++] = e;
    }
    dict_iter_release(&it);
    for (size_t i = 0; i < count; i++) {
        size_t j = i + (size_t)(dict_random_u64() % (n - i));
        const struct dict_entry *t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    return out;
}
