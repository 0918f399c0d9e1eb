/* Stream commands: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID,
 * XREAD and XREADGROUP, and the helpers the group commands share
 * (t_stream.h; XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM and XINFO are
 * in t_stream_group.c).
 * Replies, errors and propagation follow redis-server 7.0: XADD and XTRIM
 * propagate with the generated id and an exact trim threshold; consumer
 * group reads and claims propagate as XCLAIM ... FORCE JUSTID and XGROUP
 * SETID / CREATECONSUMER, so replicas (ours or Redis's) end up with the
 * same pending entries. Storage is stream.c; the RDB form rdb_stream.c. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/stream.h"
#include "redis/t_stream.h"

#define STREAM_BLOCKED_DEFAULT_COUNT 1000 /* XREAD BLOCK without COUNT */

void stream_type_free(struct object *o)
{
    stream_free(o->ptr);
}

/* ------------------------------------------------------------------------
 * Ids and arguments */

/* Redis's string2ull: a canonical non-negative long long, or what
 * strtoull accepts in full. */
static int stream_parse_u64(const char *s, uint64_t *v)
{
    long long ll;
    if (util_str2ll(s, strlen(s), &ll) == 0) {
        if (ll < 0) {
            return -1;
        }
        *v = (uint64_t)ll;
        return 0;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long u = strtoull(s, &end, 10);
    if (errno == EINVAL || errno == ERANGE || *s == '\0' || *end != '\0') {
        return -1;
    }
    *v = u;
    return 0;
}

/* Parse stream id 'a': "-", "+" (unless 'strict'), "ms", "ms-seq", or
 * with 'seq_given' also "ms-*" ('*seq_given' false). A missing seq is
 * 'missing_seq'. With a client, replies Redis's error. Returns 0 / -1. */
int stream_parse_id(struct client *c, const struct arg *a,
                           struct stream_id *id, uint64_t missing_seq,
                           bool strict, bool *seq_given)
{
    char buf[128];
    if (a->len > sizeof(buf) - 1) {
        goto invalid;
    }
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    if (strict && (buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') {
        goto invalid;
    }
    if (seq_given != NULL) {
        *seq_given = true;
    }
    if (buf[0] == '-' && buf[1] == '\0') {
        id->ms = id->seq = 0;
        return 0;
    }
    if (buf[0] == '+' && buf[1] == '\0') {
        id->ms = id->seq = UINT64_MAX;
        return 0;
    }
    char *dash = strchr(buf, '-');
    if (dash != NULL) {
        *dash = '\0';
    }
    uint64_t ms, seq;
    if (stream_parse_u64(buf, &ms) != 0) {
        goto invalid;
    }
    if (dash == NULL) {
        seq = missing_seq;
    } else if (seq_given != NULL && strcmp(dash + 1, "*") == 0) {
        seq = 0;
        *seq_given = false;
    } else if (stream_parse_u64(dash + 1, &seq) != 0) {
        goto invalid;
    }
    id->ms = ms;
    id->seq = seq;
    return 0;
invalid:
    if (c != NULL) {
        reply_error(c, "Invalid stream ID specified as stream command "
                       "argument");
    }
    return -1;
}

/* An interval bound: an id, or "(id" for an exclusive one ('*excl'). */
static int stream_parse_interval(struct client *c, const struct arg *a,
                                 struct stream_id *id, bool *excl,
                                 uint64_t missing_seq)
{
    *excl = a->len > 1 && a->ptr[0] == '(';
    if (*excl) {
        struct arg rest = { a->ptr + 1, a->len - 1 };
        return stream_parse_id(c, &rest, id, missing_seq, true, NULL);
    }
    return stream_parse_id(c, a, id, missing_seq, false, NULL);
}

/* Parse an exclusive/inclusive start and end, or reply. */
int stream_parse_range(struct client *c, const struct arg *sa,
                              const struct arg *ea, struct stream_id *start,
                              struct stream_id *end)
{
    bool excl;
    if (stream_parse_interval(c, sa, start, &excl, 0) != 0) {
        return -1;
    }
    if (excl && stream_id_incr(start) != 0) {
        reply_error(c, "invalid start ID for the interval");
        return -1;
    }
    if (ea == NULL) {
        return 0;
    }
    if (stream_parse_interval(c, ea, end, &excl, UINT64_MAX) != 0) {
        return -1;
    }
    if (excl && stream_id_decr(end) != 0) {
        reply_error(c, "invalid end ID for the interval");
        return -1;
    }
    return 0;
}

void stream_reply_id(struct client *c, const struct stream_id *id)
{
    char buf[STREAM_ID_STR];
    reply_bulk(c, buf, stream_id_format(id, buf));
}

/* [id, [field, value, ...]] */
void stream_reply_entry(struct client *c, const struct stream_entry *e)
{
    reply_array(c, 2);
    stream_reply_id(c, &e->id);
    uint32_t n = stream_entry_nfields(e);
    reply_array(c, 2 * (long long)n);
    for (uint32_t i = 0; i < 2 * n; i++) {
        size_t len;
        const char *p = stream_entry_string(e, i, &len);
        reply_bulk(c, p, len);
    }
}

/* The stream at 'key' for reading: NULL after replying 'miss' (raw RESP)
 * or WRONGTYPE. */
struct stream *stream_lookup_read(struct client *c,
                                         const struct arg *key,
                                         const char *miss)
{
    return db_lookup_read_typed_or_reply(c, key, OBJ_STREAM, miss);
}

/* The object of 'key' if it is a stream (for reading, no stats);
 * '*wrong' tells another type. */
struct stream *stream_peek(struct client *c, const struct arg *key,
                                  bool *wrong)
{
    struct object *o = db_lookup_read(c->db, key->ptr, key->len);
    *wrong = o != NULL && o->type != OBJ_STREAM;
    return o != NULL && !*wrong ? o->ptr : NULL;
}

/* ------------------------------------------------------------------------
 * Propagation */

/* XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID
 * group-last-id: how Redis replicates a delivery or a claim. */
void stream_propagate_claim(struct client *c, const struct arg *key,
                                   const struct stream_group *g,
                                   const struct stream_nack *nk)
{
    char id[STREAM_ID_STR], last[STREAM_ID_STR];
    char t[SERVER_LONG_STR_SIZE], n[SERVER_LONG_STR_SIZE];
    const char *cname = nk->consumer->name;
    struct arg argv[14] = {
        { "XCLAIM", 6 }, *key, { g->name, sds_len(g->name) },
        { (char *)cname, sds_len(cname) }, { "0", 1 },
        { id, stream_id_format(&nk->id, id) }, { "TIME", 4 },
        { t, util_ll2str(t, nk->delivery_time) }, { "RETRYCOUNT", 10 },
        { n, util_ll2str(n, (long long)nk->delivery_count) },
        { "FORCE", 5 }, { "JUSTID", 6 }, { "LASTID", 6 },
        { last, stream_id_format(&g->last_id, last) },
    };
    server_propagate(c->db->id, 14, argv);
}

/* XGROUP SETID key group last-id ENTRIESREAD n */
void stream_propagate_group_id(struct client *c, const struct arg *key,
                                      const struct stream_group *g)
{
    char id[STREAM_ID_STR], n[SERVER_LONG_STR_SIZE];
    struct arg argv[7] = {
        { "XGROUP", 6 }, { "SETID", 5 }, *key,
        { g->name, sds_len(g->name) },
        { id, stream_id_format(&g->last_id, id) }, { "ENTRIESREAD", 11 },
        { n, util_ll2str(n, g->entries_read) },
    };
    server_propagate(c->db->id, 7, argv);
}

/* XGROUP CREATECONSUMER key group consumer */
static void stream_propagate_consumer(struct client *c, const struct arg *key,
                                      const struct stream_group *g,
                                      const struct stream_consumer *cn)
{
    struct arg argv[5] = {
        { "XGROUP", 6 }, { "CREATECONSUMER", 14 }, *key,
        { g->name, sds_len(g->name) },
        { cn->name, sds_len(cn->name) },
    };
    server_propagate(c->db->id, 5, argv);
}

/* The consumer 'name' of 'g', created (and propagated) if new; its seen
 * time is now. */
struct stream_consumer *stream_consumer_get(struct client *c,
                                                   const struct arg *key,
                                                   struct stream_group *g,
                                                   const char *name,
                                                   size_t len, bool propagate)
{
    struct stream_consumer *cn = stream_consumer_find(g, name, len);
    if (cn == NULL) {
        cn = stream_consumer_create(g, name, len, server.mstime);
        notify_arg(NOTIFY_STREAM, "xgroup-createconsumer", key, c->db->id);
        if (propagate) {
            stream_propagate_consumer(c, key, g, cn);
            server.dirty++;
        }
    }
    cn->seen_time = server.mstime;
    return cn;
}

/* ------------------------------------------------------------------------
 * Range replies */

/* Reply the entries of 's' from 'start' to 'end' (NULL: the ends), at most
 * 'count' (0: all), reversed with 'rev'. With a group (and consumer):
 * a read of new entries that moves the group's last id and adds to the
 * PELs (unless NOACK), propagating as Redis does ('key'). Without
 * STREAM_RWR_RAW the entries come in an array. Returns the count. */
size_t stream_reply_range(struct client *c, struct stream *s,
                                 const struct stream_id *start,
                                 const struct stream_id *end, long long count,
                                 bool rev, struct stream_group *g,
                                 struct stream_consumer *cn, unsigned flags,
                                 const struct arg *key)
{
    struct stream_id lo = { 0, 0 }, hi = { UINT64_MAX, UINT64_MAX };
    if (start != NULL) {
        lo = *start;
    }
    if (end != NULL) {
        hi = *end;
    }
    size_t handle = 0;
    if (!(flags & STREAM_RWR_RAW)) {
        handle = reply_defer_len(c);
    }
    size_t n = 0;
    struct stream_pos pos;
    bool more = stream_seek(s, rev ? &hi : &lo, rev, &pos);
    bool moved_last = false;
    while (more && (count == 0 || (long long)n < count)) {
        const struct stream_entry *e = stream_at(s, &pos);
        if (rev ? stream_id_cmp(&e->id, &lo) < 0
                : stream_id_cmp(&e->id, &hi) > 0) {
            break;
        }
        if (g != NULL && stream_id_cmp(&e->id, &g->last_id) > 0) {
            if (g->entries_read != -1 &&
                !stream_range_has_tombstones(s, &e->id)) {
                g->entries_read++;
            } else if (s->entries_added > 0) {
                g->entries_read = stream_estimate_read(s, &e->id);
            }
            g->last_id = e->id;
            moved_last = true;
        }
        stream_reply_entry(c, e);
        n++;
        if (g != NULL && !(flags & STREAM_RWR_NOACK)) {
            struct stream_nack *nk = stream_pel_find(g, &e->id);
            if (nk == NULL) {
                nk = stream_pel_add(g, cn, &e->id, server.mstime);
            } else {
                stream_nack_move(nk, cn);
                nk->delivery_time = server.mstime;
                nk->delivery_count = 1;
            }
            stream_propagate_claim(c, key, g, nk);
        }
        more = rev ? stream_prev(s, &pos) : stream_next(s, &pos);
    }
    if (g != NULL && moved_last && (flags & STREAM_RWR_NOACK)) {
        stream_propagate_group_id(c, key, g);
    }
    if (!(flags & STREAM_RWR_RAW)) {
        reply_set_array_len(c, handle, (long long)n);
    }
    return n;
}

/* Start the reply of one key of XREAD/XREADGROUP: with 'keys' > 0 the
 * reply's header for that many keys first (a map under RESP3, an array
 * of [key, entries] under RESP2), then 'key'; its entries follow. */
static void stream_reply_read_key(struct client *c, long long keys,
                                  const struct arg *key)
{
    if (keys > 0) {
        if (c->resp >= 3) {
            reply_map(c, keys);
        } else {
            reply_array(c, keys);
        }
    }
    if (c->resp < 3) {
        reply_array(c, 2);
    }
    reply_bulk(c, key->ptr, key->len);
}

/* XREADGROUP with an id: the consumer's pending entries from 'start',
 * at most 'count', each delivered again (missing entries come with a
 * null field list). */
static void stream_reply_history(struct client *c, struct stream *s,
                                 const struct stream_id *start,
                                 long long count, struct stream_group *g,
                                 struct stream_consumer *cn,
                                 const struct arg *key)
{
    size_t handle = reply_defer_len(c);
    size_t i = stream_pel_lower(cn->pel, cn->pel_count, start);
    long long n = 0;
    for (; i < cn->pel_count && (count == 0 || n < count); i++, n++) {
        struct stream_nack *nk = cn->pel[i];
        const struct stream_entry *e = stream_find(s, &nk->id);
        if (e == NULL) {
            reply_array(c, 2);
            stream_reply_id(c, &nk->id);
            reply_null_array(c);
        } else {
            stream_reply_entry(c, e);
            nk->delivery_time = server.mstime;
            nk->delivery_count++;
            stream_propagate_claim(c, key, g, nk);
        }
    }
    reply_set_array_len(c, handle, n);
}

/* ------------------------------------------------------------------------
 * XADD / XTRIM */

/* The parsed options of XADD and XTRIM. */
struct stream_add_args {
    bool by_maxlen;      /* MAXLEN (else MINID) */
    bool has_trim;       /* a strategy was given */
    bool approx;         /* ~ */
    uint64_t maxlen;
    struct stream_id minid;
    long long limit;     /* 0: none */
    int trim_arg;        /* index of the threshold */
    bool nomkstream;
    bool id_given;
    bool seq_given;
    struct stream_id id;
};

/* Parse the options from argv[2]; returns the index where parsing stopped
 * (XADD: the id), or -1 after replying. */
static int stream_parse_add_args(struct client *c, bool xadd,
                                 struct stream_add_args *a)
{
    memset(a, 0, sizeof(*a));
    bool limit_given = false;
    int i = 2;
    for (; i < c->argc; i++) {
        int more = c->argc - 1 - i;
        const struct arg *opt = &c->argv[i];
        if (xadd && opt->len == 1 && opt->ptr[0] == '*') {
            break;
        } else if ((arg_is(opt, "maxlen") || arg_is(opt, "minid")) && more) {
            bool maxlen = arg_is(opt, "maxlen");
            if (a->has_trim) {
                reply_error(c, "syntax error, MAXLEN and MINID options at "
                               "the same time are not compatible");
                return -1;
            }
            a->approx = false;
            const struct arg *next = &c->argv[i + 1];
            if (more >= 2 && next->len == 1 && next->ptr[0] == '~') {
                a->approx = true;
                i++;
            } else if (more >= 2 && next->len == 1 && next->ptr[0] == '=') {
                i++;
            }
            if (maxlen) {
                long long v;
                if (arg_ll_or_reply(c, &c->argv[i + 1], &v, NULL) != 0) {
                    return -1;
                }
                if (v < 0) {
                    reply_error(c, "The MAXLEN argument must be >= 0.");
                    return -1;
                }
                a->maxlen = (uint64_t)v;
            } else if (stream_parse_id(c, &c->argv[i + 1], &a->minid, 0,
                                       true, NULL) != 0) {
                return -1;
            }
            i++;
            a->has_trim = true;
            a->by_maxlen = maxlen;
            a->trim_arg = i;
        } else if (arg_is(opt, "limit") && more) {
            if (arg_ll_or_reply(c, &c->argv[i + 1], &a->limit, NULL) != 0) {
                return -1;
            }
            if (a->limit < 0) {
                reply_error(c, "The LIMIT argument must be >= 0.");
                return -1;
            }
            limit_given = true;
            i++;
        } else if (xadd && arg_is(opt, "nomkstream")) {
            a->nomkstream = true;
        } else if (xadd) {
            if (stream_parse_id(c, opt, &a->id, 0, true, &a->seq_given) != 0) {
                return -1;
            }
            a->id_given = true;
            break;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (a->limit && !a->has_trim) {
        reply_error(c, "syntax error, LIMIT cannot be used without "
                       "specifying a trimming strategy");
        return -1;
    }
    if (!xadd && !a->has_trim) {
        reply_error(c, "syntax error, XTRIM must be called with a trimming "
                       "strategy");
        return -1;
    }
    if (c->flags & (CLIENT_MASTER | CLIENT_LOADER)) {
        a->limit = 0;
    } else if (limit_given) {
        if (!a->approx) {
            reply_error(c, "syntax error, LIMIT cannot be used without the "
                           "special ~ option");
            return -1;
        }
    } else if (a->approx) {
        a->limit = 100LL * STREAM_NODE_MAX_ENTRIES;
        if (a->limit <= 0 || a->limit > 10000) {
            a->limit = 10000;
        }
    } else {
        a->limit = 0;
    }
    return i;
}

/* Trim per 'a'; returns the entries removed. */
static uint64_t stream_apply_trim(struct stream *s,
                                  const struct stream_add_args *a)
{
    return stream_trim(s, a->by_maxlen, a->maxlen, &a->minid, a->approx,
                       a->limit);
}

/* Propagate c->argv with argument 'id_arg' (if >= 0) replaced by 'id' and,
 * after an approximate trim, "~" made "=" and the threshold the exact one
 * that the trim reached. */
static void stream_propagate_rewritten(struct client *c,
                                       const struct stream_add_args *a,
                                       const struct stream *s, int id_arg,
                                       const struct stream_id *id)
{
    struct arg *argv = mem_alloc((size_t)c->argc * sizeof(*argv));
    memcpy(argv, c->argv, (size_t)c->argc * sizeof(*argv));
    char idbuf[STREAM_ID_STR], thr[STREAM_ID_STR];
    if (id_arg >= 0) {
        argv[id_arg].ptr = idbuf;
        argv[id_arg].len = stream_id_format(id, idbuf);
    }
    if (a->has_trim && a->approx) {
        argv[a->trim_arg - 1].ptr = "=";
        argv[a->trim_arg - 1].len = 1;
        argv[a->trim_arg].ptr = thr;
        if (a->by_maxlen) {
            argv[a->trim_arg].len = util_ll2str(thr, (long long)s->length);
        } else {
            argv[a->trim_arg].len = stream_id_format(&s->first_id, thr);
        }
    }
    server_propagate(c->db->id, c->argc, argv);
    c->flags |= CLIENT_PREVENT_PROP;
    mem_free(argv);
}

/* XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]]
 *      *|id field value [field value ...] */
void cmd_xadd(struct client *c)
{
    struct stream_add_args a;
    int idpos = stream_parse_add_args(c, true, &a);
    if (idpos < 0) {
        return;
    }
    int field_pos = idpos + 1;
    if (c->argc - field_pos < 2 || (c->argc - field_pos) % 2 == 1) {
        reply_error(c, "wrong number of arguments for 'xadd' command");
        return;
    }
    if (a.id_given && a.seq_given && a.id.ms == 0 && a.id.seq == 0) {
        reply_error(c, "The ID specified in XADD must be greater than 0-0");
        return;
    }
    const struct arg *key = &c->argv[1];
    bool wrong;
    struct stream *s = db_lookup_write_typed(c, key, OBJ_STREAM, &wrong);
    if (wrong) {
        return;
    }
    bool created = false;
    if (s == NULL) {
        if (a.nomkstream) {
            reply_null(c);
            return;
        }
        s = stream_new();
        created = true;
    }
    if (s->last_id.ms == UINT64_MAX && s->last_id.seq == UINT64_MAX) {
        reply_error(c, "The stream has exhausted the last possible ID, "
                       "unable to add more items");
        goto fail;
    }
    struct stream_id id;
    if (a.id_given && a.seq_given) {
        id = a.id;
    } else if (a.id_given) {
        if (s->last_id.ms == a.id.ms) {
            if (s->last_id.seq == UINT64_MAX) {
                goto too_small;
            }
            id = s->last_id;
            id.seq++;
        } else {
            id = a.id;
        }
    } else {
        long long now = server_mstime();
        if ((uint64_t)now > s->last_id.ms) {
            id.ms = (uint64_t)now;
            id.seq = 0;
        } else {
            id = s->last_id;
            if (stream_id_incr(&id) != 0) {
                goto too_small;
            }
        }
    }
    if (stream_id_cmp(&id, &s->last_id) <= 0) {
        goto too_small;
    }
    size_t nfields = (size_t)(c->argc - field_pos) / 2;
    const char **fv = mem_alloc(2 * nfields * sizeof(*fv));
    size_t *lens = mem_alloc(2 * nfields * sizeof(*lens));
    for (size_t i = 0; i < 2 * nfields; i++) {
        fv[i] = c->argv[field_pos + (int)i].ptr;
        lens[i] = c->argv[field_pos + (int)i].len;
    }
    stream_append(s, &id, fv, lens, nfields);
    mem_free(fv);
    mem_free(lens);
    if (created) {
        db_add(c->db, key->ptr, key->len,
               object_new(OBJ_STREAM, OBJ_ENC_STREAM, s));
    }
    stream_reply_id(c, &id);
    server.dirty++;
    notify_arg(NOTIFY_STREAM, "xadd", key, c->db->id);
    if (a.has_trim && stream_apply_trim(s, &a) > 0) {
        notify_arg(NOTIFY_STREAM, "xtrim", key, c->db->id);
    }
    db_signal_modified(c->db, key->ptr, key->len);
    if (!a.id_given || !a.seq_given || (a.has_trim && a.approx)) {
        stream_propagate_rewritten(c, &a, s,
                                   a.id_given && a.seq_given ? -1 : idpos,
                                   &id);
    }
    return;
too_small:
    reply_error(c, "The ID specified in XADD is equal or smaller than the "
                   "target stream top item");
fail:
    if (created) {
        stream_free(s);
    }
}

/* XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
void cmd_xtrim(struct client *c)
{
    const struct arg *key = &c->argv[1];
    struct stream *s = db_lookup_write_typed_or_reply(c, key, OBJ_STREAM,
                                                      ":0\r\n");
    if (s == NULL) {
        return;
    }
    struct stream_add_args a;
    if (stream_parse_add_args(c, false, &a) < 0) {
        return;
    }
    uint64_t removed = stream_apply_trim(s, &a);
    if (removed > 0) {
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_STREAM, "xtrim", key, c->db->id);
        server.dirty += (long long)removed;
        if (a.approx) {
            stream_propagate_rewritten(c, &a, s, -1, NULL);
        }
    }
    reply_integer(c, (long long)removed);
}

/* ------------------------------------------------------------------------
 * XRANGE / XREVRANGE / XLEN / XDEL / XSETID */

static void stream_range_generic(struct client *c, bool rev)
{
    const struct arg *sa = rev ? &c->argv[3] : &c->argv[2];
    const struct arg *ea = rev ? &c->argv[2] : &c->argv[3];
    struct stream_id start, end;
    if (stream_parse_range(c, sa, ea, &start, &end) != 0) {
        return;
    }
    long long count = -1;
    for (int j = 4; j < c->argc; j++) {
        if (arg_is(&c->argv[j], "count") && c->argc - j - 1 >= 1) {
            if (arg_ll_or_reply(c, &c->argv[j + 1], &count, NULL) != 0) {
                return;
            }
            if (count < 0) {
                count = 0;
            }
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    struct stream *s = stream_lookup_read(c, &c->argv[1], "*0\r\n");
    if (s == NULL) {
        return;
    }
    if (count == 0) {
        reply_null_array(c);
        return;
    }
    stream_reply_range(c, s, &start, &end, count == -1 ? 0 : count, rev,
                       NULL, NULL, 0, NULL);
}

/* XRANGE key start end [COUNT count] */
void cmd_xrange(struct client *c)
{
    stream_range_generic(c, false);
}

/* XREVRANGE key end start [COUNT count] */
void cmd_xrevrange(struct client *c)
{
    stream_range_generic(c, true);
}

/* XLEN key */
void cmd_xlen(struct client *c)
{
    struct stream *s = stream_lookup_read(c, &c->argv[1], ":0\r\n");
    if (s != NULL) {
        reply_integer(c, (long long)s->length);
    }
}

/* XDEL key id [id ...] */
void cmd_xdel(struct client *c)
{
    const struct arg *key = &c->argv[1];
    struct stream *s = db_lookup_write_typed_or_reply(c, key, OBJ_STREAM,
                                                      ":0\r\n");
    if (s == NULL) {
        return;
    }
    size_t n = (size_t)c->argc - 2;
    struct stream_id *ids = mem_alloc(n * sizeof(*ids));
    for (size_t j = 0; j < n; j++) {
        if (stream_parse_id(c, &c->argv[2 + j], &ids[j], 0, true, NULL) !=
            0) {
            mem_free(ids);
            return;
        }
    }
    long long deleted = 0;
    for (size_t j = 0; j < n; j++) {
        if (stream_delete(s, &ids[j])) {
            if (stream_id_cmp(&ids[j], &s->max_deleted_id) > 0) {
                s->max_deleted_id = ids[j];
            }
            deleted++;
        }
    }
    mem_free(ids);
    if (deleted > 0) {
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_STREAM, "xdel", key, c->db->id);
        server.dirty += deleted;
    }
    reply_integer(c, deleted);
}

/* XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id] */
void cmd_xsetid(struct client *c)
{
    struct stream_id id, maxdel = { 0, 0 };
    long long added = -1;
    if (stream_parse_id(c, &c->argv[2], &id, 0, true, NULL) != 0) {
        return;
    }
    for (int i = 3; i < c->argc; i += 2) {
        int more = c->argc - 1 - i;
        if (arg_is(&c->argv[i], "entriesadded") && more) {
            if (arg_ll_or_reply(c, &c->argv[i + 1], &added, NULL) != 0) {
                return;
            }
            if (added < 0) {
                reply_error(c, "entries_added must be positive");
                return;
            }
        } else if (arg_is(&c->argv[i], "maxdeletedid") && more) {
            if (stream_parse_id(c, &c->argv[i + 1], &maxdel, 0, true,
                                NULL) != 0) {
                return;
            }
            if (stream_id_cmp(&id, &maxdel) < 0) {
                reply_error(c, "The ID specified in XSETID is smaller than "
                               "the provided max_deleted_entry_id");
                return;
            }
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    const struct arg *key = &c->argv[1];
    struct stream *s = db_lookup_write_typed_or_reply(
        c, key, OBJ_STREAM, "-ERR no such key\r\n");
    if (s == NULL) {
        return;
    }
    if (s->length > 0) {
        struct stream_id top;
        stream_last(s, &top);
        if (stream_id_cmp(&id, &top) < 0) {
            reply_error(c, "The ID specified in XSETID is smaller than the "
                           "target stream top item");
            return;
        }
        if (added != -1 && s->length > (uint64_t)added) {
            reply_error(c, "The entries_added specified in XSETID is "
                           "smaller than the target stream length");
            return;
        }
    }
    s->last_id = id;
    if (added != -1) {
        s->entries_added = (uint64_t)added;
    }
    if (maxdel.ms != 0 || maxdel.seq != 0) {
        s->max_deleted_id = maxdel;
    }
    reply_ok(c);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_STREAM, "xsetid", key, c->db->id);
    server.dirty++;
}

/* ------------------------------------------------------------------------
 * XREAD / XREADGROUP */

/* The parsed options of XREAD / XREADGROUP. */
struct stream_read_args {
    long long timeout;        /* ms; -1: no BLOCK */
    long long count;          /* 0: all */
    int streams_arg;          /* index of the first key */
    int streams_count;
    bool noack;
    const struct arg *group;  /* GROUP name, or NULL */
    const struct arg *consumer;
};

/* Parse the options of 'argv'; with a client, errors are replied. */
static int stream_parse_read(struct client *c, int argc,
                             const struct arg *argv, bool xreadgroup,
                             struct stream_read_args *r)
{
    memset(r, 0, sizeof(*r));
    r->timeout = -1;
    for (int i = 1; i < argc; i++) {
        int more = argc - i - 1;
        const struct arg *o = &argv[i];
        if (arg_is(o, "block") && more) {
            i++;
            if (util_str2ll(argv[i].ptr, argv[i].len, &r->timeout) != 0) {
                reply_error(c, "timeout is not an integer or out of range");
                return -1;
            }
            if (r->timeout < 0) {
                reply_error(c, "timeout is negative");
                return -1;
            }
        } else if (arg_is(o, "count") && more) {
            i++;
            if (arg_ll_or_reply(c, &argv[i], &r->count, NULL) != 0) {
                return -1;
            }
            if (r->count < 0) {
                r->count = 0;
            }
        } else if (arg_is(o, "streams") && more) {
            r->streams_arg = i + 1;
            r->streams_count = argc - r->streams_arg;
            if (r->streams_count % 2 != 0) {
                reply_error(c, "Unbalanced '%s' list of streams: for each "
                               "stream key an ID or '%c' must be specified.",
                            xreadgroup ? "xreadgroup" : "xread",
                            xreadgroup ? '>' : '$');
                return -1;
            }
            r->streams_count /= 2;
            break;
        } else if (arg_is(o, "group") && more >= 2) {
            if (!xreadgroup) {
                reply_error(c, "The GROUP option is only supported by "
                               "XREADGROUP. You called XREAD instead.");
                return -1;
            }
            r->group = &argv[i + 1];
            r->consumer = &argv[i + 2];
            i += 2;
        } else if (arg_is(o, "noack")) {
            if (!xreadgroup) {
                reply_error(c, "The NOACK option is only supported by "
                               "XREADGROUP. You called XREAD instead.");
                return -1;
            }
            r->noack = true;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (r->streams_arg == 0 || (xreadgroup && r->group == NULL)) {
        reply_syntax_error(c);
        return -1;
    }
    return 0;
}

/* A blocked XREAD / XREADGROUP: serve it if 'key' has what it waits for. */
static bool stream_serve_blocked(struct client *c, int argc,
                                 const struct arg *argv,
                                 const struct arg *key)
{
    bool xreadgroup = argv[0].len == 10;
    struct stream_read_args r;
    if (stream_parse_read(NULL, argc, argv, xreadgroup, &r) != 0) {
        return false;
    }
    int k = 0;
    while (k < r.streams_count &&
           (argv[r.streams_arg + k].len != key->len ||
            memcmp(argv[r.streams_arg + k].ptr, key->ptr, key->len) != 0)) {
        k++;
    }
    if (k == r.streams_count) {
        return false;
    }
    bool wrong;
    struct stream *s = stream_peek(c, key, &wrong);
    if (s == NULL) {
        return false;
    }
    struct stream_id gt;
    struct stream_group *g = NULL;
    if (r.group != NULL) {
        g = stream_group_find(s, r.group->ptr, r.group->len);
        if (g == NULL) {
            reply_error(c, "-NOGROUP the consumer group this client was "
                           "blocked on no longer exists");
            return true;
        }
        gt = g->last_id;
    } else if (stream_parse_id(NULL, &argv[r.streams_arg + r.streams_count +
                                           k], &gt, 0, true, NULL) != 0) {
        return false;
    }
    if (stream_id_cmp(&s->last_id, &gt) <= 0) {
        return false;
    }
    struct stream_id start = gt;
    stream_id_incr(&start);
    struct stream_consumer *cn = NULL;
    if (g != NULL) {
        cn = stream_consumer_get(c, key, g, r.consumer->ptr, r.consumer->len,
                                 true);
    }
    stream_reply_read_key(c, 1, key);
    stream_reply_range(c, s, &start, NULL,
                       r.count ? r.count : STREAM_BLOCKED_DEFAULT_COUNT,
                       false, g, cn, r.noack ? STREAM_RWR_NOACK : 0, key);
    if (g != NULL) {
        server.dirty++;
    }
    return true;
}

static void stream_read_generic(struct client *c, bool xreadgroup)
{
    struct stream_read_args r;
    if (stream_parse_read(c, c->argc, c->argv, xreadgroup, &r) != 0) {
        return;
    }
    int n = r.streams_count;
    struct stream_id *ids = mem_alloc((size_t)n * sizeof(*ids));
    struct stream_group **groups = mem_calloc((size_t)n, sizeof(*groups));
    /* "$" becomes the id it stands for, so that a blocked read waits for
     * what is newer than now; the texts live in 'dollar'. */
    char (*dollar)[STREAM_ID_STR] = mem_alloc((size_t)n * sizeof(*dollar));
    for (int i = 0; i < n; i++) {
        const struct arg *key = &c->argv[r.streams_arg + i];
        const struct arg *ida = &c->argv[r.streams_arg + n + i];
        struct object *o = db_lookup_read(c->db, key->ptr, key->len);
        if (o != NULL && object_check_type_or_reply(c, o, OBJ_STREAM) != 0) {
            goto done;
        }
        struct stream *s = o != NULL ? o->ptr : NULL;
        if (r.group != NULL) {
            if (s == NULL || (groups[i] = stream_group_find(
                                  s, r.group->ptr, r.group->len)) == NULL) {
                reply_error(c, "-NOGROUP No such key '%s' or consumer group "
                               "'%s' in XREADGROUP with GROUP option",
                            key->ptr, r.group->ptr);
                goto done;
            }
        }
        if (ida->len == 1 && ida->ptr[0] == '$') {
            if (xreadgroup) {
                reply_error(c, "The $ ID is meaningless in the context of "
                               "XREADGROUP: you want to read the history of "
                               "this consumer by specifying a proper ID, or "
                               "use the > ID to get new messages. The $ ID "
                               "would just return an empty result set.");
                goto done;
            }
            if (s != NULL) {
                ids[i] = s->last_id;
            } else {
                ids[i].ms = ids[i].seq = 0;
            }
            continue;
        }
        if (ida->len == 1 && ida->ptr[0] == '>') {
            if (!xreadgroup) {
                reply_error(c, "The > ID can be specified only when calling "
                               "XREADGROUP using the GROUP <group> "
                               "<consumer> option.");
                goto done;
            }
            ids[i].ms = ids[i].seq = UINT64_MAX;
            continue;
        }
        if (stream_parse_id(c, ida, &ids[i], 0, true, NULL) != 0) {
            goto done;
        }
    }
    size_t served = 0, handle = 0;
    for (int i = 0; i < n; i++) {
        const struct arg *key = &c->argv[r.streams_arg + i];
        bool wrong;
        struct stream *s = stream_peek(c, key, &wrong);
        if (s == NULL) {
            continue;
        }
        struct stream_id gt = ids[i];
        bool sync = false, history = false;
        if (groups[i] != NULL) {
            if (gt.ms != UINT64_MAX || gt.seq != UINT64_MAX) {
                sync = history = true;
            } else if (s->length > 0) {
                struct stream_id top;
                stream_last(s, &top);
                if (stream_id_cmp(&top, &groups[i]->last_id) > 0) {
                    sync = true;
                    gt = groups[i]->last_id;
                }
            }
        } else if (s->length > 0) {
            struct stream_id top;
            stream_last(s, &top);
            sync = stream_id_cmp(&top, &gt) > 0;
        }
        if (!sync) {
            continue;
        }
        if (served++ == 0) {
            handle = reply_defer_len(c);
        }
        struct stream_id start = gt;
        stream_id_incr(&start);
        stream_reply_read_key(c, 0, key);
        struct stream_consumer *cn = NULL;
        if (groups[i] != NULL) {
            cn = stream_consumer_get(c, key, groups[i], r.consumer->ptr,
                                     r.consumer->len, true);
        }
        if (history) {
            stream_reply_history(c, s, &start, r.count, groups[i], cn, key);
        } else {
            stream_reply_range(c, s, &start, NULL, r.count, false, groups[i],
                               cn, r.noack ? STREAM_RWR_NOACK : 0, key);
        }
        if (groups[i] != NULL) {
            server.dirty++;
        }
    }
    if (served > 0) {
        /* RESP3: a map of key to entries; RESP2: [key, entries] pairs. */
        reply_set_len(c, handle, c->resp >= 3 ? RESP_MAP : RESP_ARRAY,
                      (long long)served);
        goto done;
    }
    if (r.timeout != -1) {
        /* The blocked copy of the command carries resolved ids. */
        struct arg *saved = mem_alloc((size_t)n * sizeof(*saved));
        for (int i = 0; i < n; i++) {
            struct arg *ida = &c->argv[r.streams_arg + n + i];
            saved[i] = *ida;
            if (ida->len == 1 && ida->ptr[0] == '$') {
                ida->ptr = dollar[i];
                ida->len = stream_id_format(&ids[i], dollar[i]);
            }
        }
        blocking_block(c, r.streams_arg, n, r.timeout, stream_serve_blocked);
        for (int i = 0; i < n; i++) {
            c->argv[r.streams_arg + n + i] = saved[i];
        }
        mem_free(saved);
        goto done;
    }
    reply_null_array(c);
done:
    if (xreadgroup) {
        c->flags |= CLIENT_PREVENT_PROP;
    }
    mem_free(dollar);
    mem_free(groups);
    mem_free(ids);
}

/* XREAD [COUNT n] [BLOCK ms] STREAMS key [key ...] id [id ...] */
void cmd_xread(struct client *c)
{
    stream_read_generic(c, false);
}

/* XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS
 * key [key ...] id [id ...] */
void cmd_xreadgroup(struct client *c)
{
    stream_read_generic(c, true);
}

