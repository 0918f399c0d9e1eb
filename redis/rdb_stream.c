/* Streams in RDB form (types STREAM_LISTPACKS and STREAM_LISTPACKS_2, as
 * Redis 7.0 writes and reads them), for RDB files, DUMP / RESTORE,
 * replication and slot migration alike. Each node is written as the
 * listpack Redis would hold (master entry, delta-encoded ids, SAMEFIELDS
 * and DELETED flags) under its 16-byte big-endian master id, then the
 * stream's ids and counters, then each consumer group with its pending
 * entries and consumers. Reading checks every count and id it is given,
 * so a corrupt payload is refused, never trusted. */
#include <string.h>

#include "lib/mem.h"
#include "redis/rdb_blob.h"
#include "redis/rdb_io.h"
#include "redis/server.h"
#include "redis/stream.h"

/* ------------------------------------------------------------------------
 * A listpack writer */

static char *rdb_stream_lp_backlen(char *buf, size_t l)
{
    unsigned char b[5];
    size_t n;
    if (l <= 127) {
        b[0] = (unsigned char)l;
        n = 1;
    } else if (l < 16383) {
        b[0] = (unsigned char)(l >> 7);
        b[1] = (unsigned char)((l & 127) | 128);
        n = 2;
    } else if (l < 2097151) {
        b[0] = (unsigned char)(l >> 14);
        b[1] = (unsigned char)(((l >> 7) & 127) | 128);
        b[2] = (unsigned char)((l & 127) | 128);
        n = 3;
    } else if (l < 268435455) {
        b[0] = (unsigned char)(l >> 21);
        b[1] = (unsigned char)(((l >> 14) & 127) | 128);
        b[2] = (unsigned char)(((l >> 7) & 127) | 128);
        b[3] = (unsigned char)((l & 127) | 128);
        n = 4;
    } else {
        b[0] = (unsigned char)(l >> 28);
        b[1] = (unsigned char)(((l >> 21) & 127) | 128);
        b[2] = (unsigned char)(((l >> 14) & 127) | 128);
        b[3] = (unsigned char)(((l >> 7) & 127) | 128);
        b[4] = (unsigned char)((l & 127) | 128);
        n = 5;
    }
    return sds_cat(buf, (const char *)b, n);
}

/* Append integer 'v' as a listpack element to sds 'buf'. */
static char *rdb_stream_lp_int(char *buf, long long v, size_t *elems)
{
    unsigned char b[9];
    size_t n;
    uint64_t u = (uint64_t)v;
    if (v >= 0 && v <= 127) {
        b[0] = (unsigned char)v;
        n = 1;
    } else if (v >= -4096 && v <= 4095) {
        uint64_t x = v < 0 ? (uint64_t)((1 << 13) + v) : u;
        b[0] = (unsigned char)(0xC0 | (x >> 8));
        b[1] = (unsigned char)(x & 0xff);
        n = 2;
    } else {
        size_t bytes;
        unsigned char tag;
        if (v >= -32768 && v <= 32767) {
            bytes = 2;
            tag = 0xF1;
        } else if (v >= -8388608 && v <= 8388607) {
            bytes = 3;
            tag = 0xF2;
        } else if (v >= -2147483648LL && v <= 2147483647LL) {
            bytes = 4;
            tag = 0xF3;
        } else {
            bytes = 8;
            tag = 0xF4;
        }
        b[0] = tag;
        for (size_t i = 0; i < bytes; i++) {
            b[1 + i] = (unsigned char)(u >> (8 * i));
        }
        n = 1 + bytes;
    }
    buf = sds_cat(buf, (const char *)b, n);
    (*elems)++;
    return rdb_stream_lp_backlen(buf, n);
}

/* Append a string element (as an integer when it is a canonical one). */
static char *rdb_stream_lp_string(char *buf, const char *p, size_t len,
                                  size_t *elems)
{
    long long v;
    if (len > 0 && len < 21 && util_str2ll(p, len, &v) == 0) {
        return rdb_stream_lp_int(buf, v, elems);
    }
    unsigned char h[5];
    size_t hn;
    if (len < 64) {
        h[0] = (unsigned char)(0x80 | len);
        hn = 1;
    } else if (len < 4096) {
        h[0] = (unsigned char)(0xE0 | (len >> 8));
        h[1] = (unsigned char)(len & 0xff);
        hn = 2;
    } else {
        h[0] = 0xF0;
        for (size_t i = 0; i < 4; i++) {
            h[1 + i] = (unsigned char)(len >> (8 * i));
        }
        hn = 5;
    }
    buf = sds_cat(buf, (const char *)h, hn);
    buf = sds_cat(buf, p, len);
    (*elems)++;
    return rdb_stream_lp_backlen(buf, hn + len);
}

/* Node 'n' as Redis's listpack (an owned sds string). */
static char *rdb_stream_node_listpack(const struct stream_node *n)
{
    char *buf = sds_new_empty(n->lp_bytes + 16);
    buf = sds_cat(buf, "\0\0\0\0\0\0", 6);
    size_t elems = 0;
    buf = rdb_stream_lp_int(buf, (long long)n->live, &elems);
    buf = rdb_stream_lp_int(buf, (long long)n->deleted, &elems);
    buf = rdb_stream_lp_int(buf, n->master_count, &elems);
    for (uint32_t i = 0; i < n->master_count; i++) {
        struct stream_entry fake = { n->master, 0, 0, n->master_fields };
        size_t len;
        const char *p = stream_entry_string(&fake, i, &len);
        buf = rdb_stream_lp_string(buf, p, len, &elems);
    }
    buf = rdb_stream_lp_int(buf, 0, &elems);
    for (size_t k = 0; k < n->count; k++) {
        const struct stream_entry *e = &n->entries[k];
        bool same = (e->flags & STREAM_ENTRY_SAMEFIELDS) != 0;
        uint32_t nf = stream_entry_nfields(e);
        buf = rdb_stream_lp_int(buf, e->flags, &elems);
        buf = rdb_stream_lp_int(buf, (long long)(e->id.ms - n->master.ms),
                                &elems);
        buf = rdb_stream_lp_int(buf, (long long)(e->id.seq - n->master.seq),
                                &elems);
        if (!same) {
            buf = rdb_stream_lp_int(buf, nf, &elems);
        }
        for (uint32_t i = 0; i < 2 * nf; i++) {
            if (same && i % 2 == 0) {
                continue;
            }
            size_t len;
            const char *p = stream_entry_string(e, i, &len);
            buf = rdb_stream_lp_string(buf, p, len, &elems);
        }
        long long lp_count = (long long)nf + 3 + (same ? 0 : nf + 1);
        buf = rdb_stream_lp_int(buf, lp_count, &elems);
    }
    buf = sds_cat(buf, "\xff", 1);
    uint32_t total = (uint32_t)sds_len(buf);
    uint16_t count = elems < 65535 ? (uint16_t)elems : 65535;
    for (int i = 0; i < 4; i++) {
        buf[i] = (char)(total >> (8 * i));
    }
    buf[4] = (char)(count & 0xff);
    buf[5] = (char)(count >> 8);
    return buf;
}

/* ------------------------------------------------------------------------
 * Saving */

static void rdb_stream_raw_id(struct rdb_out *w, const struct stream_id *id)
{
    unsigned char b[16];
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(id->ms >> (56 - 8 * i));
        b[8 + i] = (unsigned char)(id->seq >> (56 - 8 * i));
    }
    rdb_out_write(w, b, 16);
}

static void rdb_stream_ms(struct rdb_out *w, long long ms)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)((uint64_t)ms >> (8 * i));
    }
    rdb_out_write(w, b, 8);
}

void rdb_stream_save(struct rdb_out *w, const struct object *o)
{
    const struct stream *s = o->ptr;
    rdb_out_len(w, s->node_count);
    for (size_t i = 0; i < s->node_count; i++) {
        const struct stream_node *n = s->nodes[i];
        unsigned char key[16];
        for (int b = 0; b < 8; b++) {
            key[b] = (unsigned char)(n->master.ms >> (56 - 8 * b));
            key[8 + b] = (unsigned char)(n->master.seq >> (56 - 8 * b));
        }
        rdb_out_string(w, (const char *)key, 16);
        char *lp = rdb_stream_node_listpack(n);
        rdb_out_string(w, lp, sds_len(lp));
        sds_free(lp);
    }
    rdb_out_len(w, s->length);
    rdb_out_len(w, s->last_id.ms);
    rdb_out_len(w, s->last_id.seq);
    rdb_out_len(w, s->first_id.ms);
    rdb_out_len(w, s->first_id.seq);
    rdb_out_len(w, s->max_deleted_id.ms);
    rdb_out_len(w, s->max_deleted_id.seq);
    rdb_out_len(w, s->entries_added);
    rdb_out_len(w, s->group_count);
    for (size_t gi = 0; gi < s->group_count; gi++) {
        const struct stream_group *g = s->groups[gi];
        rdb_out_string(w, g->name, sds_len(g->name));
        rdb_out_len(w, g->last_id.ms);
        rdb_out_len(w, g->last_id.seq);
        rdb_out_len(w, (uint64_t)g->entries_read);
        rdb_out_len(w, g->pel_count);
        for (size_t i = 0; i < g->pel_count; i++) {
            rdb_stream_raw_id(w, &g->pel[i]->id);
            rdb_stream_ms(w, g->pel[i]->delivery_time);
            rdb_out_len(w, g->pel[i]->delivery_count);
        }
        rdb_out_len(w, g->consumer_count);
        for (size_t ci = 0; ci < g->consumer_count; ci++) {
            const struct stream_consumer *cn = g->consumers[ci];
            rdb_out_string(w, cn->name, sds_len(cn->name));
            rdb_stream_ms(w, cn->seen_time);
            rdb_out_len(w, cn->pel_count);
            for (size_t i = 0; i < cn->pel_count; i++) {
                rdb_stream_raw_id(w, &cn->pel[i]->id);
            }
        }
    }
}

/* ------------------------------------------------------------------------
 * Loading */

/* The elements of one listpack, copied. */
struct rdb_stream_elems {
    char **v;     /* sds strings */
    size_t count;
    size_t cap;
};

static int rdb_stream_collect(void *priv, const char *p, size_t len)
{
    struct rdb_stream_elems *el = priv;
    if (el->count == el->cap) {
        el->cap = el->cap ? el->cap * 2 : 64;
        el->v = mem_realloc(el->v, el->cap * sizeof(*el->v));
    }
    el->v[el->count++] = sds_new(p, len);
    return 0;
}

static void rdb_stream_elems_free(struct rdb_stream_elems *el)
{
    for (size_t i = 0; i < el->count; i++) {
        sds_free(el->v[i]);
    }
    mem_free(el->v);
}

/* Element 'i' as an integer; -1 if missing or not one. */
static int rdb_stream_int(const struct rdb_stream_elems *el, size_t i,
                          long long *v)
{
    if (i >= el->count) {
        return -1;
    }
    return util_str2ll(el->v[i], sds_len(el->v[i]), v);
}

/* Build node 'master' from listpack 'lp' and add it to 's'. Checks that
 * ids increase (after '*prev', which it moves) and the counts agree. */
static int rdb_stream_load_node(struct rdb_in *r, struct stream *s,
                                const struct stream_id *master,
                                const char *lp, size_t lp_len,
                                struct stream_id *prev, bool *have_prev)
{
    struct rdb_stream_elems el = { NULL, 0, 0 };
    if (rdb_blob_listpack(lp, lp_len, rdb_stream_collect, &el) != 0) {
        rdb_stream_elems_free(&el);
        return rdb_in_fail(r, "corrupt stream listpack");
    }
    long long live, deleted, mcount, v;
    size_t i = 0;
    if (rdb_stream_int(&el, i++, &live) != 0 ||
        rdb_stream_int(&el, i++, &deleted) != 0 ||
        rdb_stream_int(&el, i++, &mcount) != 0 || live <= 0 ||
        deleted < 0 || mcount < 0 || (size_t)mcount > el.count - i) {
        rdb_stream_elems_free(&el);
        return rdb_in_fail(r, "corrupt stream node header");
    }
    const char **mf = mem_alloc(((size_t)mcount + 1) * sizeof(*mf));
    size_t *ml = mem_alloc(((size_t)mcount + 1) * sizeof(*ml));
    for (long long k = 0; k < mcount; k++, i++) {
        mf[k] = el.v[i];
        ml[k] = sds_len(el.v[i]);
    }
    struct stream_node *n = stream_node_new(
        master, stream_blob_new(mf, ml, (size_t)mcount, 1), (uint32_t)mcount);
    if (rdb_stream_int(&el, i++, &v) != 0 || v != 0) {
        goto corrupt;
    }
    const char **fv = NULL;
    size_t *lens = NULL;
    size_t fv_cap = 0;
    while (i < el.count) {
        long long flags, dms, dseq, nf;
        if (rdb_stream_int(&el, i++, &flags) != 0 ||
            rdb_stream_int(&el, i++, &dms) != 0 ||
            rdb_stream_int(&el, i++, &dseq) != 0 || flags < 0 || flags > 3) {
            goto corrupt_entry;
        }
        bool same = (flags & STREAM_ENTRY_SAMEFIELDS) != 0;
        if (same) {
            nf = mcount;
        } else if (rdb_stream_int(&el, i++, &nf) != 0 || nf < 0) {
            goto corrupt_entry;
        }
        size_t strings = same ? (size_t)nf : 2 * (size_t)nf;
        if ((size_t)nf > el.count || strings > el.count - i) {
            goto corrupt_entry;
        }
        if (2 * (size_t)nf > fv_cap) {
            fv_cap = 2 * (size_t)nf;
            fv = mem_realloc(fv, fv_cap * sizeof(*fv));
            lens = mem_realloc(lens, fv_cap * sizeof(*lens));
        }
        for (size_t k = 0; k < (size_t)nf; k++) {
            if (same) {
                fv[2 * k] = mf[k];
                lens[2 * k] = ml[k];
            } else {
                fv[2 * k] = el.v[i];
                lens[2 * k] = sds_len(el.v[i]);
                i++;
            }
            fv[2 * k + 1] = el.v[i];
            lens[2 * k + 1] = sds_len(el.v[i]);
            i++;
        }
        long long lp_count;
        if (rdb_stream_int(&el, i++, &lp_count) != 0 ||
            lp_count != nf + 3 + (same ? 0 : nf + 1)) {
            goto corrupt_entry;
        }
        struct stream_id id = { master->ms + (uint64_t)dms,
                                master->seq + (uint64_t)dseq };
        if (*have_prev && stream_id_cmp(&id, prev) <= 0) {
            goto corrupt_entry;
        }
        *prev = id;
        *have_prev = true;
        stream_node_add(n, &id, (uint8_t)flags, fv, lens, (size_t)nf);
    }
    mem_free(fv);
    mem_free(lens);
    mem_free(mf);
    mem_free(ml);
    rdb_stream_elems_free(&el);
    if (n->live != (size_t)live || n->deleted != (size_t)deleted ||
        n->count == 0 || stream_id_cmp(&n->entries[0].id, master) != 0) {
        stream_add_node(s, n);
        return rdb_in_fail(r, "stream node counts or master id disagree");
    }
    stream_add_node(s, n);
    return 0;
corrupt_entry:
    mem_free(fv);
    mem_free(lens);
corrupt:
    mem_free(mf);
    mem_free(ml);
    rdb_stream_elems_free(&el);
    stream_add_node(s, n);
    return rdb_in_fail(r, "corrupt stream entry");
}

static int rdb_stream_read_raw_id(struct rdb_in *r, struct stream_id *id)
{
    unsigned char b[16];
    if (rdb_in_read(r, b, 16) != 0) {
        return -1;
    }
    id->ms = id->seq = 0;
    for (int i = 0; i < 8; i++) {
        id->ms = (id->ms << 8) | b[i];
        id->seq = (id->seq << 8) | b[8 + i];
    }
    return 0;
}

static int rdb_stream_read_ms(struct rdb_in *r, long long *ms)
{
    unsigned char b[8];
    if (rdb_in_read(r, b, 8) != 0) {
        return -1;
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | b[i];
    }
    *ms = (long long)v;
    return 0;
}

static int rdb_stream_len2(struct rdb_in *r, struct stream_id *id)
{
    return rdb_in_len(r, &id->ms) != 0 || rdb_in_len(r, &id->seq) != 0
               ? -1 : 0;
}

/* Load the groups of 's'. */
static int rdb_stream_load_groups(struct rdb_in *r, struct stream *s,
                                  bool v2)
{
    uint64_t ngroups;
    if (rdb_in_len(r, &ngroups) != 0) {
        return -1;
    }
    while (ngroups--) {
        char *name = rdb_in_string(r);
        if (name == NULL) {
            return -1;
        }
        struct stream_id last;
        uint64_t read = (uint64_t)-1;
        if (rdb_stream_len2(r, &last) != 0 ||
            (v2 && rdb_in_len(r, &read) != 0)) {
            sds_free(name);
            return -1;
        }
        long long entries_read = v2 ? (long long)read
                                    : stream_estimate_read(s, &last);
        struct stream_group *g = stream_group_create(
            s, name, sds_len(name), &last, entries_read);
        sds_free(name);
        if (g == NULL) {
            return rdb_in_fail(r, "duplicate stream consumer group");
        }
        /* A placeholder owns the nacks until their consumer is read. */
        struct stream_consumer *orphan =
            stream_consumer_create(g, "", 0, 0);
        uint64_t npel;
        if (rdb_in_len(r, &npel) != 0) {
            return -1;
        }
        while (npel--) {
            struct stream_id id;
            long long t;
            uint64_t cnt;
            if (rdb_stream_read_raw_id(r, &id) != 0 ||
                rdb_stream_read_ms(r, &t) != 0 || rdb_in_len(r, &cnt) != 0) {
                return -1;
            }
            if (stream_pel_find(g, &id) != NULL) {
                return rdb_in_fail(r, "duplicate stream PEL entry");
            }
            struct stream_nack *nk = stream_pel_add(g, orphan, &id, t);
            nk->delivery_count = cnt;
        }
        uint64_t nconsumers;
        if (rdb_in_len(r, &nconsumers) != 0) {
            return -1;
        }
        while (nconsumers--) {
            char *cname = rdb_in_string(r);
            if (cname == NULL) {
                return -1;
            }
            long long seen;
            if (rdb_stream_read_ms(r, &seen) != 0) {
                sds_free(cname);
                return -1;
            }
            struct stream_consumer *cn =
                sds_len(cname) == 0 ? NULL
                : stream_consumer_create(g, cname, sds_len(cname), seen);
            sds_free(cname);
            if (cn == NULL) {
                return rdb_in_fail(r, "duplicate or empty stream consumer");
            }
            uint64_t n;
            if (rdb_in_len(r, &n) != 0) {
                return -1;
            }
            while (n--) {
                struct stream_id id;
                if (rdb_stream_read_raw_id(r, &id) != 0) {
                    return -1;
                }
                struct stream_nack *nk = stream_pel_find(g, &id);
                if (nk == NULL || nk->consumer != orphan) {
                    return rdb_in_fail(r, "consumer entry not found in "
                                          "group global PEL");
                }
                stream_nack_move(nk, cn);
            }
        }
        if (orphan->pel_count != 0) {
            return rdb_in_fail(r, "stream PEL entry without a consumer");
        }
        stream_consumer_delete(g, orphan);
    }
    return 0;
}

struct object *rdb_stream_load(struct rdb_in *r, bool v2)
{
    struct stream *s = stream_new();
    struct object *o = object_new(OBJ_STREAM, OBJ_ENC_STREAM, s);
    uint64_t nodes;
    if (rdb_in_len(r, &nodes) != 0) {
        goto fail;
    }
    struct stream_id prev = { 0, 0 };
    bool have_prev = false;
    while (nodes--) {
        char *key = rdb_in_string(r);
        if (key == NULL) {
            goto fail;
        }
        if (sds_len(key) != 16) {
            sds_free(key);
            rdb_in_fail(r, "stream node key entry is not the size of a "
                           "stream ID");
            goto fail;
        }
        struct stream_id master = { 0, 0 };
        for (int i = 0; i < 8; i++) {
            master.ms = (master.ms << 8) | (unsigned char)key[i];
            master.seq = (master.seq << 8) | (unsigned char)key[8 + i];
        }
        sds_free(key);
        char *lp = rdb_in_string(r);
        if (lp == NULL) {
            goto fail;
        }
        int rc = rdb_stream_load_node(r, s, &master, lp, sds_len(lp), &prev,
                                      &have_prev);
        sds_free(lp);
        if (rc != 0) {
            goto fail;
        }
    }
    uint64_t length;
    if (rdb_in_len(r, &length) != 0 || rdb_stream_len2(r, &s->last_id) != 0) {
        goto fail;
    }
    size_t live = 0;
    for (size_t i = 0; i < s->node_count; i++) {
        live += s->nodes[i]->live;
    }
    if (live != length) {
        rdb_in_fail(r, "stream length disagrees with its entries");
        goto fail;
    }
    s->length = length;
    if (v2) {
        if (rdb_stream_len2(r, &s->first_id) != 0 ||
            rdb_stream_len2(r, &s->max_deleted_id) != 0 ||
            rdb_in_len(r, &s->entries_added) != 0) {
            goto fail;
        }
    } else {
        s->entries_added = s->length;
        if (!stream_first(s, &s->first_id)) {
            s->first_id.ms = s->first_id.seq = 0;
        }
    }
    struct stream_id top;
    if (stream_last(s, &top) && stream_id_cmp(&top, &s->last_id) > 0) {
        rdb_in_fail(r, "stream last id is below an entry");
        goto fail;
    }
    if (rdb_stream_load_groups(r, s, v2) != 0) {
        goto fail;
    }
    return o;
fail:
    object_decr_ref(o);
    return NULL;
}
