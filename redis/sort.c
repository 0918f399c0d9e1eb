/* SORT and SORT_RO: sort the elements of a list, set or sorted set,
 * numerically (the default) or as bytes (ALPHA), by the elements or by
 * external keys (BY pattern), with LIMIT, GET patterns and STORE.
 *
 * Patterns: the first '*' is replaced by the element; "key->field" reads
 * a hash field instead of a string; "#" (GET only) is the element itself.
 * A BY pattern without '*' means "do not sort". */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/listpack.h"
#include "redis/notify.h"
#include "redis/server.h"

/* One element being sorted. */
struct sort_item {
    char *elem;       /* sds copy of the element */
    double score;     /* numeric sort key */
    char *by;         /* ALPHA ... BY: the external value (sds), or NULL */
};

/* The sort order of one command (qsort has no context argument). */
static struct {
    bool alpha;
    bool by_pattern;
    bool desc;
} sort_order;

static int sort_cmp_bytes(const char *a, const char *b)
{
    size_t la = sds_len(a), lb = sds_len(b);
    int c = memcmp(a, b, la < lb ? la : lb);
    return c != 0 ? c : (la < lb ? -1 : la > lb);
}

static int sort_compare(const void *pa, const void *pb)
{
    const struct sort_item *a = pa, *b = pb;
    int cmp;
    if (!sort_order.alpha) {
        cmp = a->score < b->score ? -1 : a->score > b->score;
        if (cmp == 0) {
            cmp = sort_cmp_bytes(a->elem, b->elem);
        }
    } else if (sort_order.by_pattern) {
        if (a->by == NULL || b->by == NULL) {
            cmp = a->by == b->by ? 0 : a->by == NULL ? -1 : 1;
        } else {
            cmp = sort_cmp_bytes(a->by, b->by);
        }
    } else {
        cmp = sort_cmp_bytes(a->elem, b->elem);
    }
    return sort_order.desc ? -cmp : cmp;
}

/* The value 'pattern' names for element 'elem': a new sds string, or
 * NULL if there is none (missing key or field, wrong type, no '*'). */
static char *sort_lookup(struct db *db, const struct arg *pattern,
                         const char *elem)
{
    const char *p = pattern->ptr;
    size_t plen = pattern->len;
    if (plen == 1 && p[0] == '#') {
        return sds_new(elem, sds_len(elem));
    }
    const char *star = memchr(p, '*', plen);
    if (star == NULL) {
        return NULL;
    }
    /* "->field" after the '*' and not at the very end selects a field. */
    const char *field = NULL;
    size_t key_len = plen, field_len = 0;
    for (const char *q = star + 1; q + 2 < p + plen; q++) {
        if (q[0] == '-' && q[1] == '>') {
            field = q + 2;
            field_len = (size_t)(p + plen - field);
            key_len = (size_t)(q - p);
        }
    }
    size_t pre = (size_t)(star - p);
    char *key = sds_new_empty(key_len + sds_len(elem));
    key = sds_cat(key, p, pre);
    key = sds_cat(key, elem, sds_len(elem));
    key = sds_cat(key, star + 1, key_len - pre - 1);
    struct object *o = db_lookup_read(db, key, sds_len(key));
    sds_free(key);
    if (o == NULL) {
        return NULL;
    }
    if (field != NULL) {
        if (o->type != OBJ_HASH) {
            return NULL;
        }
        size_t vlen;
        char buf[LISTPACK_INTBUF];
        const char *v = hash_type_get(o, field, field_len, &vlen, buf);
        return v != NULL ? sds_new(v, vlen) : NULL;
    }
    if (o->type != OBJ_STRING) {
        return NULL;
    }
    char buf[SERVER_LONG_STR_SIZE];
    size_t len;
    const char *s = object_string(o, buf, &len);
    return sds_new(s, len);
}

/* Collect the elements of 'o' (NULL: none) as sort items (owned). */
static int sort_collect_elem(void *priv, const char *p, size_t len)
{
    struct sort_item **next = priv;
    (*next)->elem = sds_new(p, len);
    (*next)++;
    return 0;
}

static int sort_collect_scored(void *priv, const char *p, size_t len,
                               double score)
{
    (void)score;
    return sort_collect_elem(priv, p, len);
}

static size_t sort_collect(const struct object *o, struct sort_item **items)
{
    size_t n = 0;
    if (o != NULL) {
        n = o->type == OBJ_LIST ? list_type_len(o)
            : o->type == OBJ_SET ? set_type_len(o) : zset_type_len(o);
    }
    *items = mem_calloc(n ? n : 1, sizeof(**items));
    struct sort_item *next = *items;
    if (o == NULL) {
        return 0;
    } else if (o->type == OBJ_LIST) {
        list_type_each(o, sort_collect_elem, &next);
    } else if (o->type == OBJ_SET) {
        set_type_each(o, sort_collect_elem, &next);
    } else {
        zset_type_each(o, sort_collect_scored, &next);
    }
    return n;
}

static void sort_free_items(struct sort_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sds_free(items[i].elem);
        sds_free(items[i].by);
    }
    mem_free(items);
}

/* The parsed options of one SORT. */
struct sort_opts {
    const struct arg *by;     /* BY pattern, or NULL */
    bool dont_sort;           /* BY without '*' */
    bool alpha;
    bool desc;
    long long offset;         /* LIMIT, or 0 and -1 */
    long long count;
    const struct arg **gets;  /* GET patterns (owned array) */
    int get_count;
    const struct arg *store;  /* STORE key, or NULL */
};

static int sort_parse(struct client *c, bool read_only, struct sort_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->count = -1;
    o->gets = mem_alloc((size_t)c->argc * sizeof(*o->gets));
    for (int i = 2; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        bool more = i + 1 < c->argc;
        if (arg_is(a, "asc")) {
            o->desc = false;
        } else if (arg_is(a, "desc")) {
            o->desc = true;
        } else if (arg_is(a, "alpha")) {
            o->alpha = true;
        } else if (arg_is(a, "limit") && i + 2 < c->argc) {
            if (arg_ll_or_reply(c, &c->argv[i + 1], &o->offset, NULL) != 0 ||
                arg_ll_or_reply(c, &c->argv[i + 2], &o->count, NULL) != 0) {
                return -1;
            }
            i += 2;
        } else if (!read_only && arg_is(a, "store") && more) {
            o->store = &c->argv[++i];
        } else if (arg_is(a, "by") && more) {
            o->by = &c->argv[++i];
            o->dont_sort = memchr(o->by->ptr, '*', o->by->len) == NULL;
        } else if (arg_is(a, "get") && more) {
            o->gets[o->get_count++] = &c->argv[++i];
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

/* Fill the sort keys of 'items'. Returns -1 (after replying) if a
 * numeric key is not a number. */
static int sort_prepare(struct client *c, const struct sort_opts *o,
                        struct sort_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *v = o->by != NULL ? sort_lookup(c->db, o->by, items[i].elem)
                                : NULL;
        if (o->alpha) {
            items[i].by = v;
            continue;
        }
        const char *num = o->by != NULL ? v : items[i].elem;
        items[i].score = 0;
        if (num != NULL) {
            /* strtod's rules, as Redis: leading spaces and "" (0) pass. */
            char *end;
            errno = 0;
            items[i].score = strtod(num, &end);
            if (*end != '\0' || errno == ERANGE || isnan(items[i].score)) {
                sds_free(v);
                reply_error(c, "One or more scores can't be converted "
                               "into double");
                return -1;
            }
        }
        sds_free(v);
    }
    return 0;
}

/* SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
 * [ALPHA] [STORE destination]; SORT_RO without STORE. */
static void sort_generic(struct client *c, bool read_only)
{
    struct sort_opts o;
    if (sort_parse(c, read_only, &o) != 0) {
        mem_free(o.gets);
        return;
    }
    struct object *src = db_lookup_read(c->db, c->argv[1].ptr,
                                        c->argv[1].len);
    if (src != NULL && src->type != OBJ_LIST && src->type != OBJ_SET &&
        src->type != OBJ_ZSET) {
        reply_wrongtype(c);
        mem_free(o.gets);
        return;
    }
    /* A set has no order of its own: a stored result must not depend on
     * the table's layout. */
    if (o.dont_sort && src != NULL && src->type == OBJ_SET &&
        o.store != NULL) {
        o.dont_sort = false;
        o.alpha = true;
        o.by = NULL;
    }
    struct sort_item *items;
    size_t n = sort_collect(src, &items);
    if (!o.dont_sort) {
        if (sort_prepare(c, &o, items, n) != 0) {
            sort_free_items(items, n);
            mem_free(o.gets);
            return;
        }
        sort_order.alpha = o.alpha;
        sort_order.by_pattern = o.by != NULL;
        sort_order.desc = o.desc;
        qsort(items, n, sizeof(*items), sort_compare);
    } else if (o.desc && src != NULL && src->type == OBJ_ZSET) {
        for (size_t i = 0; i < n / 2; i++) {
            struct sort_item t = items[i];
            items[i] = items[n - 1 - i];
            items[n - 1 - i] = t;
        }
    }
    long long start = o.offset < 0 ? 0 : o.offset;
    long long end = o.count < 0 ? (long long)n - 1 : start + o.count - 1;
    if (start >= (long long)n) {
        start = (long long)n;
        end = (long long)n - 1;
    }
    if (end >= (long long)n) {
        end = (long long)n - 1;
    }
    long long picked = end >= start ? end - start + 1 : 0;
    int per = o.get_count > 0 ? o.get_count : 1;
    struct object *out = o.store != NULL ? list_type_new() : NULL;
    if (out == NULL) {
        reply_array(c, picked * per);
    }
    for (long long i = start; i <= end; i++) {
        const char *elem = items[i].elem;
        for (int g = 0; g < per; g++) {
            char *v = o.get_count > 0 ? sort_lookup(c->db, o.gets[g], elem)
                                      : sds_new(elem, sds_len(elem));
            if (out != NULL) {
                list_type_push(out, v != NULL ? v : "",
                               v != NULL ? sds_len(v) : 0);
            } else if (v != NULL) {
                reply_bulk_sds(c, v);
            } else {
                reply_null(c);
            }
            sds_free(v);
        }
    }
    if (out != NULL) {
        long long len = (long long)list_type_len(out);
        if (len > 0) {
            db_set_key(c->db, o.store->ptr, o.store->len, out, false);
            notify_arg(NOTIFY_LIST, "sortstore", o.store, c->db->id);
        } else {
            object_decr_ref(out);
            if (db_delete(c->db, o.store->ptr, o.store->len)) {
                notify_arg(NOTIFY_GENERIC, "del", o.store, c->db->id);
            }
        }
        server.dirty += len > 0 ? len : 1;
        reply_integer(c, len);
    }
    sort_free_items(items, n);
    mem_free(o.gets);
}

/* SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
 * [ALPHA] [STORE destination] */
void cmd_sort(struct client *c)
{
    sort_generic(c, false);
}

/* SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
 * [ALPHA] */
void cmd_sort_ro(struct client *c)
{
    sort_generic(c, true);
}
