/* Stream consumer group and introspection commands: XGROUP, XACK,
 * XPENDING, XCLAIM, XAUTOCLAIM and XINFO, with Redis 7.0's replies and
 * errors; claims propagate as XCLAIM ... FORCE JUSTID (t_stream.c has
 * the helpers, stream.c the groups and pending entries lists). */
#include <limits.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/stream.h"
#include "redis/t_stream.h"

/* ------------------------------------------------------------------------
 * XGROUP */

static void stream_subcommand_error(struct client *c)
{
    char up[16];
    size_t n = c->argv[0].len < sizeof(up) - 1 ? c->argv[0].len
                                               : sizeof(up) - 1;
    for (size_t i = 0; i < n; i++) {
        char ch = c->argv[0].ptr[i];
        up[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
    }
    up[n] = '\0';
    reply_error(c, "unknown subcommand or wrong number of arguments for "
                   "'%.128s'. Try %s HELP.", c->argv[1].ptr, up);
}

/* A container command's subcommands {name, arity}..., NULL-terminated,
 * and its HELP text. */
struct stream_sub {
    const char *name;
    int arity;
};

/* Check a container command's subcommand and its arity (Redis 7 reports
 * them as 'xgroup|create'), and answer HELP with the 'nhelp' lines of
 * 'help'. Returns 0 for another subcommand to run, or -1 after replying. */
static int stream_check_sub(struct client *c, const char *cmd,
                            const struct stream_sub *subs,
                            const char *const *help, size_t nhelp)
{
    if (c->argc == 2 && arg_is(&c->argv[1], "help")) {
        reply_help(c, help, nhelp);
        return -1;
    }
    for (const struct stream_sub *s = subs; s->name != NULL; s++) {
        if (!arg_is(&c->argv[1], s->name)) {
            continue;
        }
        if ((s->arity > 0 && c->argc != s->arity) ||
            (s->arity < 0 && c->argc < -s->arity)) {
            reply_error(c, "wrong number of arguments for '%s|%s' command",
                        cmd, s->name);
            return -1;
        }
        return 0;
    }
    char up[16];
    size_t i = 0;
    for (; cmd[i] != '\0' && i < sizeof(up) - 1; i++) {
        up[i] = (char)(cmd[i] - 32);
    }
    up[i] = '\0';
    reply_error(c, "unknown subcommand '%.128s'. Try %s HELP.",
                c->argv[1].ptr, up);
    return -1;
}

static const char *const stream_xgroup_help[] = {
    "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
    "HELP",
    "    Prints this help.",
};

/* XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER|HELP ... */
void cmd_xgroup(struct client *c)
{
    static const struct stream_sub subs[] = {
        { "create", -5 }, { "setid", -5 }, { "destroy", 4 },
        { "createconsumer", 5 }, { "delconsumer", 5 }, { "help", 2 },
        { NULL, 0 },
    };
    if (stream_check_sub(c, "xgroup", subs, stream_xgroup_help,
                         sizeof(stream_xgroup_help) /
                             sizeof(stream_xgroup_help[0])) != 0) {
        return;
    }
    const struct arg *opt = &c->argv[1];
    bool mkstream = false;
    long long entries_read = -1;
    struct stream *s = NULL;
    struct stream_group *g = NULL;
    if (c->argc >= 4) {
        if (arg_is(opt, "create") && c->argc >= 5) {
            for (int i = 5; i < c->argc;) {
                if (arg_is(&c->argv[i], "mkstream")) {
                    mkstream = true;
                    i++;
                } else if (arg_is(&c->argv[i], "entriesread") &&
                           i + 1 < c->argc) {
                    if (arg_ll_or_reply(c, &c->argv[i + 1], &entries_read,
                                        NULL) != 0) {
                        return;
                    }
                    if (entries_read < 0 && entries_read != -1) {
                        reply_error(c, "value for ENTRIESREAD must be "
                                       "positive or -1");
                        return;
                    }
                    i += 2;
                } else {
                    stream_subcommand_error(c);
                    return;
                }
            }
        }
        bool wrong;
        s = db_lookup_write_typed(c, &c->argv[2], OBJ_STREAM, &wrong);
        if (wrong) {
            return;
        }
        if (!mkstream && s == NULL) {
            reply_error(c, "The XGROUP subcommand requires the key to exist. "
                           "Note that for CREATE you may want to use the "
                           "MKSTREAM option to create an empty stream "
                           "automatically.");
            return;
        }
        if (s != NULL) {
            g = stream_group_find(s, c->argv[3].ptr, c->argv[3].len);
        }
        if (g == NULL && (arg_is(opt, "setid") ||
                          arg_is(opt, "createconsumer") ||
                          arg_is(opt, "delconsumer"))) {
            reply_error(c, "-NOGROUP No such consumer group '%s' for key "
                           "name '%s'", c->argv[3].ptr, c->argv[2].ptr);
            return;
        }
    }
    const struct arg *key = &c->argv[2];
    if (arg_is(opt, "create") && c->argc >= 5 && c->argc <= 8) {
        struct stream_id id;
        if (c->argv[4].len == 1 && c->argv[4].ptr[0] == '$') {
            if (s != NULL) {
                id = s->last_id;
            } else {
                id.ms = id.seq = 0;
            }
        } else if (stream_parse_id(c, &c->argv[4], &id, 0, true, NULL) != 0) {
            return;
        }
        if (s == NULL) {
            s = stream_new();
            db_add(c->db, key->ptr, key->len,
                   object_new(OBJ_STREAM, OBJ_ENC_STREAM, s));
            db_signal_modified(c->db, key->ptr, key->len);
        }
        if (stream_group_create(s, c->argv[3].ptr, c->argv[3].len, &id,
                                entries_read) != NULL) {
            reply_ok(c);
            notify_arg(NOTIFY_STREAM, "xgroup-create", key, c->db->id);
            server.dirty++;
        } else {
            reply_error(c, "-BUSYGROUP Consumer Group name already exists");
        }
    } else if (arg_is(opt, "setid") && (c->argc == 5 || c->argc == 7)) {
        struct stream_id id;
        if (c->argv[4].len == 1 && c->argv[4].ptr[0] == '$') {
            id = s->last_id;
        } else if (stream_parse_id(c, &c->argv[4], &id, 0, false, NULL) !=
                   0) {
            return;
        }
        if (c->argc == 7) {
            if (!arg_is(&c->argv[5], "entriesread")) {
                stream_subcommand_error(c);
                return;
            }
            if (arg_ll_or_reply(c, &c->argv[6], &entries_read, NULL) != 0) {
                return;
            }
            if (entries_read < 0 && entries_read != -1) {
                reply_error(c, "value for ENTRIESREAD must be positive or "
                               "-1");
                return;
            }
        }
        g->last_id = id;
        g->entries_read = entries_read;
        reply_ok(c);
        notify_arg(NOTIFY_STREAM, "xgroup-setid", key, c->db->id);
        server.dirty++;
    } else if (arg_is(opt, "destroy") && c->argc == 4) {
        if (g != NULL) {
            stream_group_destroy(s, g);
            reply_integer(c, 1);
            notify_arg(NOTIFY_STREAM, "xgroup-destroy", key, c->db->id);
            server.dirty++;
            /* Readers blocked on the group learn it is gone. */
            db_signal_modified(c->db, key->ptr, key->len);
        } else {
            reply_integer(c, 0);
        }
    } else if (arg_is(opt, "createconsumer") && c->argc == 5) {
        bool made = stream_consumer_create(g, c->argv[4].ptr, c->argv[4].len,
                                           server.mstime) != NULL;
        if (made) {
            notify_arg(NOTIFY_STREAM, "xgroup-createconsumer", key,
                       c->db->id);
            server.dirty++;
        }
        reply_integer(c, made ? 1 : 0);
    } else if (arg_is(opt, "delconsumer") && c->argc == 5) {
        struct stream_consumer *cn =
            stream_consumer_find(g, c->argv[4].ptr, c->argv[4].len);
        long long pending = 0;
        if (cn != NULL) {
            pending = (long long)stream_consumer_delete(g, cn);
            notify_arg(NOTIFY_STREAM, "xgroup-delconsumer", key, c->db->id);
            server.dirty++;
        }
        reply_integer(c, pending);
    } else {
        stream_subcommand_error(c);
    }
}

/* ------------------------------------------------------------------------
 * XACK / XPENDING / XCLAIM / XAUTOCLAIM */

/* XACK key group id [id ...] */
void cmd_xack(struct client *c)
{
    bool wrong;
    struct stream *s = stream_peek(c, &c->argv[1], &wrong);
    if (wrong) {
        reply_wrongtype(c);
        return;
    }
    struct stream_group *g = s != NULL ? stream_group_find(
        s, c->argv[2].ptr, c->argv[2].len) : NULL;
    if (g == NULL) {
        reply_integer(c, 0);
        return;
    }
    size_t n = (size_t)c->argc - 3;
    struct stream_id *ids = mem_alloc(n * sizeof(*ids));
    for (size_t j = 0; j < n; j++) {
        if (stream_parse_id(c, &c->argv[3 + j], &ids[j], 0, true, NULL) !=
            0) {
            mem_free(ids);
            return;
        }
    }
    long long acked = 0;
    for (size_t j = 0; j < n; j++) {
        struct stream_nack *nk = stream_pel_find(g, &ids[j]);
        if (nk != NULL) {
            stream_pel_remove(g, nk);
            acked++;
            server.dirty++;
        }
    }
    mem_free(ids);
    reply_integer(c, acked);
}

/* The group 'g' of the stream at argv[1], or NULL after replying
 * WRONGTYPE or Redis's NOGROUP text ('suffix' after the group name). */
static struct stream_group *stream_group_or_reply(struct client *c,
                                                  struct stream **sp,
                                                  const char *suffix)
{
    bool wrong;
    struct stream *s = stream_peek(c, &c->argv[1], &wrong);
    if (wrong) {
        reply_wrongtype(c);
        return NULL;
    }
    struct stream_group *g = s != NULL ? stream_group_find(
        s, c->argv[2].ptr, c->argv[2].len) : NULL;
    if (g == NULL) {
        reply_error(c, "-NOGROUP No such key '%s' or consumer group '%s'%s",
                    c->argv[1].ptr, c->argv[2].ptr, suffix);
        return NULL;
    }
    *sp = s;
    return g;
}

/* XPENDING key group [[IDLE min-idle] start end count [consumer]] */
void cmd_xpending(struct client *c)
{
    bool summary = c->argc == 3;
    struct stream_id start, end;
    long long count = 0, minidle = 0;
    const struct arg *cname = NULL;
    if (c->argc != 3 && (c->argc < 6 || c->argc > 9)) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc >= 6) {
        int si = 3;
        if (arg_is(&c->argv[3], "idle")) {
            if (arg_ll_or_reply(c, &c->argv[4], &minidle, NULL) != 0) {
                return;
            }
            if (c->argc < 8) {
                reply_syntax_error(c);
                return;
            }
            si += 2;
        }
        if (arg_ll_or_reply(c, &c->argv[si + 2], &count, NULL) != 0) {
            return;
        }
        if (count < 0) {
            count = 0;
        }
        if (stream_parse_range(c, &c->argv[si], &c->argv[si + 1], &start,
                               &end) != 0) {
            return;
        }
        if (si + 3 < c->argc) {
            cname = &c->argv[si + 3];
        }
    }
    struct stream *s;
    struct stream_group *g = stream_group_or_reply(c, &s, "");
    if (g == NULL) {
        return;
    }
    if (summary) {
        reply_array(c, 4);
        reply_integer(c, (long long)g->pel_count);
        if (g->pel_count == 0) {
            reply_null(c);
            reply_null(c);
            reply_null_array(c);
            return;
        }
        stream_reply_id(c, &g->pel[0]->id);
        stream_reply_id(c, &g->pel[g->pel_count - 1]->id);
        size_t handle = reply_defer_len(c);
        long long n = 0;
        for (size_t i = 0; i < g->consumer_count; i++) {
            const struct stream_consumer *cn = g->consumers[i];
            if (cn->pel_count == 0) {
                continue;
            }
            reply_array(c, 2);
            reply_bulk(c, cn->name, sds_len(cn->name));
            reply_bulk_ll(c, (long long)cn->pel_count);
            n++;
        }
        reply_set_array_len(c, handle, n);
        return;
    }
    struct stream_nack **pel = g->pel;
    size_t pel_count = g->pel_count;
    if (cname != NULL) {
        struct stream_consumer *cn =
            stream_consumer_find(g, cname->ptr, cname->len);
        if (cn == NULL) {
            reply_array(c, 0);
            return;
        }
        pel = cn->pel;
        pel_count = cn->pel_count;
    }
    long long now = server.mstime;
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (size_t i = stream_pel_lower(pel, pel_count, &start);
         count > 0 && i < pel_count &&
         stream_id_cmp(&pel[i]->id, &end) <= 0;
         i++) {
        const struct stream_nack *nk = pel[i];
        if (minidle && now - nk->delivery_time < minidle) {
            continue;
        }
        n++;
        count--;
        reply_array(c, 4);
        stream_reply_id(c, &nk->id);
        reply_bulk(c, nk->consumer->name, sds_len(nk->consumer->name));
        long long elapsed = now - nk->delivery_time;
        reply_integer(c, elapsed < 0 ? 0 : elapsed);
        reply_integer(c, (long long)nk->delivery_count);
    }
    reply_set_array_len(c, handle, n);
}

/* Reply the entry 'id' of 's' as [id, fields], or a null if missing. */
static void stream_reply_one(struct client *c, const struct stream *s,
                             const struct stream_id *id)
{
    const struct stream_entry *e = stream_find(s, id);
    if (e != NULL) {
        stream_reply_entry(c, e);
    } else {
        reply_null(c);
    }
}

/* XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
 *        [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id] */
void cmd_xclaim(struct client *c)
{
    struct stream *s;
    struct stream_group *g = stream_group_or_reply(c, &s, "");
    if (g == NULL) {
        return;
    }
    long long minidle, retrycount = -1, deliverytime = -1;
    bool force = false, justid = false;
    if (arg_ll_or_reply(c, &c->argv[4], &minidle,
                        "Invalid min-idle-time argument for XCLAIM") != 0) {
        return;
    }
    if (minidle < 0) {
        minidle = 0;
    }
    int j = 5;
    struct stream_id tmp;
    while (j < c->argc &&
           stream_parse_id(NULL, &c->argv[j], &tmp, 0, true, NULL) == 0) {
        j++;
    }
    int last_id_arg = j - 1;
    long long now = server.mstime;
    struct stream_id last_id = { 0, 0 };
    for (; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        const struct arg *opt = &c->argv[j];
        if (arg_is(opt, "force")) {
            force = true;
        } else if (arg_is(opt, "justid")) {
            justid = true;
        } else if (arg_is(opt, "idle") && more) {
            j++;
            if (arg_ll_or_reply(c, &c->argv[j], &deliverytime,
                                "Invalid IDLE option argument for XCLAIM") !=
                0) {
                return;
            }
            deliverytime = now - deliverytime;
        } else if (arg_is(opt, "time") && more) {
            j++;
            if (arg_ll_or_reply(c, &c->argv[j], &deliverytime,
                                "Invalid TIME option argument for XCLAIM") !=
                0) {
                return;
            }
        } else if (arg_is(opt, "retrycount") && more) {
            j++;
            if (arg_ll_or_reply(c, &c->argv[j], &retrycount,
                                "Invalid RETRYCOUNT option argument for "
                                "XCLAIM") != 0) {
                return;
            }
        } else if (arg_is(opt, "lastid") && more) {
            j++;
            if (stream_parse_id(c, &c->argv[j], &last_id, 0, true, NULL) !=
                0) {
                return;
            }
        } else {
            reply_error(c, "Unrecognized XCLAIM option '%s'", opt->ptr);
            return;
        }
    }
    bool propagate_last = false;
    if (stream_id_cmp(&last_id, &g->last_id) > 0) {
        g->last_id = last_id;
        propagate_last = true;
    }
    if (deliverytime != -1) {
        if (deliverytime < 0 || deliverytime > now) {
            deliverytime = now;
        }
    } else {
        deliverytime = now;
    }
    const struct arg *key = &c->argv[1];
    struct stream_consumer *cn = NULL;
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (int i = 5; i <= last_id_arg; i++) {
        struct stream_id id;
        stream_parse_id(NULL, &c->argv[i], &id, 0, true, NULL);
        struct stream_nack *nk = stream_pel_find(g, &id);
        if (stream_find(s, &id) == NULL) {
            if (nk != NULL) {
                stream_propagate_claim(c, key, g, nk);
                propagate_last = false;
                server.dirty++;
                stream_pel_remove(g, nk);
            }
            continue;
        }
        if (nk == NULL && !force) {
            continue;
        }
        if (nk != NULL && minidle && now - nk->delivery_time < minidle) {
            continue;
        }
        if (cn == NULL) {
            cn = stream_consumer_get(c, key, g, c->argv[3].ptr,
                                     c->argv[3].len, false);
        }
        if (nk == NULL) {
            nk = stream_pel_add(g, cn, &id, now);
        }
        stream_nack_move(nk, cn);
        nk->delivery_time = deliverytime;
        if (retrycount >= 0) {
            nk->delivery_count = (uint64_t)retrycount;
        } else if (!justid) {
            nk->delivery_count++;
        }
        if (justid) {
            stream_reply_id(c, &id);
        } else {
            stream_reply_one(c, s, &id);
        }
        n++;
        stream_propagate_claim(c, key, g, nk);
        propagate_last = false;
        server.dirty++;
    }
    if (propagate_last) {
        stream_propagate_group_id(c, key, g);
        server.dirty++;
    }
    reply_set_array_len(c, handle, n);
    c->flags |= CLIENT_PREVENT_PROP;
}

/* XAUTOCLAIM key group consumer min-idle-time start [COUNT n] [JUSTID] */
void cmd_xautoclaim(struct client *c)
{
    long long minidle, count = 100;
    bool justid = false;
    struct stream_id start;
    if (arg_ll_or_reply(c, &c->argv[4], &minidle,
                        "Invalid min-idle-time argument for XAUTOCLAIM") !=
        0) {
        return;
    }
    if (minidle < 0) {
        minidle = 0;
    }
    if (stream_parse_range(c, &c->argv[5], NULL, &start, NULL) != 0) {
        return;
    }
    for (int j = 6; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (arg_is(&c->argv[j], "count") && more) {
            long long v;
            long long max = LONG_MAX / 16;
            if (util_str2ll(c->argv[j + 1].ptr, c->argv[j + 1].len, &v) !=
                    0 || v < 1 || v > max) {
                reply_error(c, "COUNT must be > 0");
                return;
            }
            count = v;
            j++;
        } else if (arg_is(&c->argv[j], "justid")) {
            justid = true;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    struct stream *s;
    struct stream_group *g = stream_group_or_reply(c, &s, "");
    if (g == NULL) {
        return;
    }
    const struct arg *key = &c->argv[1];
    long long attempts = count * 10;
    long long now = server.mstime;
    struct stream_consumer *cn = NULL;
    struct stream_id *deleted = mem_alloc((size_t)count * sizeof(*deleted));
    struct stream_id *claimed = mem_alloc((size_t)count * sizeof(*claimed));
    long long deleted_count = 0, n = 0;
    size_t i = stream_pel_lower(g->pel, g->pel_count, &start);
    while (attempts-- > 0 && count > 0 && i < g->pel_count) {
        struct stream_nack *nk = g->pel[i];
        struct stream_id id = nk->id;
        if (stream_find(s, &id) == NULL) {
            stream_propagate_claim(c, key, g, nk);
            server.dirty++;
            stream_pel_remove(g, nk);
            deleted[deleted_count++] = id;
            count--;
            continue;
        }
        i++;
        if (minidle && now - nk->delivery_time < minidle) {
            continue;
        }
        if (cn == NULL) {
            cn = stream_consumer_get(c, key, g, c->argv[3].ptr,
                                     c->argv[3].len, false);
        }
        stream_nack_move(nk, cn);
        nk->delivery_time = now;
        if (!justid) {
            nk->delivery_count++;
        }
        claimed[n++] = id;
        count--;
        stream_propagate_claim(c, key, g, nk);
        server.dirty++;
    }
    /* The cursor: the next pending entry not looked at, 0-0 at the end. */
    struct stream_id next = { 0, 0 };
    if (i < g->pel_count) {
        next = g->pel[i]->id;
    }
    reply_array(c, 3);
    stream_reply_id(c, &next);
    reply_array(c, n);
    for (long long k = 0; k < n; k++) {
        if (justid) {
            stream_reply_id(c, &claimed[k]);
        } else {
            stream_reply_entry(c, stream_find(s, &claimed[k]));
        }
    }
    reply_array(c, deleted_count);
    for (long long k = 0; k < deleted_count; k++) {
        stream_reply_id(c, &deleted[k]);
    }
    mem_free(claimed);
    mem_free(deleted);
    c->flags |= CLIENT_PREVENT_PROP;
}

/* ------------------------------------------------------------------------
 * XINFO */

static void stream_reply_lag(struct client *c, const struct stream *s,
                             const struct stream_group *g)
{
    if (s->entries_added == 0) {
        reply_integer(c, 0);
    } else if (g->entries_read != -1 &&
               !stream_range_has_tombstones(s, &g->last_id)) {
        reply_integer(c, (long long)s->entries_added - g->entries_read);
    } else {
        long long read = stream_estimate_read(s, &g->last_id);
        if (read != -1) {
            reply_integer(c, (long long)s->entries_added - read);
        } else {
            reply_null(c);
        }
    }
}

static void stream_reply_entries_read(struct client *c,
                                      const struct stream_group *g)
{
    if (g->entries_read != -1) {
        reply_integer(c, g->entries_read);
    } else {
        reply_null(c);
    }
}

/* The "name" field of a group or consumer. */
static void stream_reply_name(struct client *c, const char *name)
{
    reply_bulk_str(c, "name");
    reply_bulk(c, name, sds_len(name));
}

/* Where group 'g' stands in 's', as XINFO GROUPS and XINFO STREAM FULL
 * both give it: last-delivered-id, entries-read and lag. */
static void stream_reply_group_position(struct client *c,
                                        const struct stream *s,
                                        const struct stream_group *g)
{
    reply_bulk_str(c, "last-delivered-id");
    stream_reply_id(c, &g->last_id);
    reply_bulk_str(c, "entries-read");
    stream_reply_entries_read(c, g);
    reply_bulk_str(c, "lag");
    stream_reply_lag(c, s, g);
}

/* The "pending" field of XINFO STREAM FULL: the first 'count' (0: all)
 * of the 'n' nacks in 'pel', each id, consumer name when 'with_consumer',
 * delivery time and count. */
static void stream_reply_pending(struct client *c,
                                 struct stream_nack *const *pel, size_t n,
                                 long long count, bool with_consumer)
{
    reply_bulk_str(c, "pending");
    if (count && (size_t)count < n) {
        n = (size_t)count;
    }
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        const struct stream_nack *nk = pel[i];
        reply_array(c, with_consumer ? 4 : 3);
        stream_reply_id(c, &nk->id);
        if (with_consumer) {
            reply_bulk(c, nk->consumer->name, sds_len(nk->consumer->name));
        }
        reply_integer(c, nk->delivery_time);
        reply_integer(c, (long long)nk->delivery_count);
    }
}

static void stream_xinfo_stream(struct client *c, struct stream *s)
{
    bool full = false;
    long long count = 10;
    int optc = c->argc - 3;
    if (optc != 0) {
        if ((optc != 1 && optc != 3) || !arg_is(&c->argv[3], "full") ||
            (optc == 3 && !arg_is(&c->argv[4], "count"))) {
            stream_subcommand_error(c);
            return;
        }
        full = true;
        if (optc == 3) {
            if (arg_ll_or_reply(c, &c->argv[5], &count, NULL) != 0) {
                return;
            }
            if (count < 0) {
                count = 10;
            }
        }
    }
    reply_map(c, full ? 9 : 10);
    reply_bulk_str(c, "length");
    reply_integer(c, (long long)s->length);
    reply_bulk_str(c, "radix-tree-keys");
    reply_integer(c, (long long)s->node_count);
    /* Redis counts the nodes of its radix tree here; we have none, so the
     * closest we can say is our node array (see the report of issue 13). */
    reply_bulk_str(c, "radix-tree-nodes");
    reply_integer(c, (long long)s->node_count + 1);
    reply_bulk_str(c, "last-generated-id");
    stream_reply_id(c, &s->last_id);
    reply_bulk_str(c, "max-deleted-entry-id");
    stream_reply_id(c, &s->max_deleted_id);
    reply_bulk_str(c, "entries-added");
    reply_integer(c, (long long)s->entries_added);
    reply_bulk_str(c, "recorded-first-entry-id");
    stream_reply_id(c, &s->first_id);
    if (!full) {
        reply_bulk_str(c, "groups");
        reply_integer(c, (long long)s->group_count);
        struct stream_id id;
        reply_bulk_str(c, "first-entry");
        if (stream_first(s, &id)) {
            stream_reply_entry(c, stream_find(s, &id));
        } else {
            reply_null(c);
        }
        reply_bulk_str(c, "last-entry");
        if (stream_last(s, &id)) {
            stream_reply_entry(c, stream_find(s, &id));
        } else {
            reply_null(c);
        }
        return;
    }
    reply_bulk_str(c, "entries");
    stream_reply_range(c, s, NULL, NULL, count, false, NULL, NULL, 0, NULL);
    reply_bulk_str(c, "groups");
    reply_array(c, (long long)s->group_count);
    for (size_t gi = 0; gi < s->group_count; gi++) {
        const struct stream_group *g = s->groups[gi];
        reply_map(c, 7);
        stream_reply_name(c, g->name);
        stream_reply_group_position(c, s, g);
        reply_bulk_str(c, "pel-count");
        reply_integer(c, (long long)g->pel_count);
        stream_reply_pending(c, g->pel, g->pel_count, count, true);
        reply_bulk_str(c, "consumers");
        reply_array(c, (long long)g->consumer_count);
        for (size_t ci = 0; ci < g->consumer_count; ci++) {
            const struct stream_consumer *cn = g->consumers[ci];
            reply_map(c, 4);
            stream_reply_name(c, cn->name);
            reply_bulk_str(c, "seen-time");
            reply_integer(c, cn->seen_time);
            reply_bulk_str(c, "pel-count");
            reply_integer(c, (long long)cn->pel_count);
            stream_reply_pending(c, cn->pel, cn->pel_count, count, false);
        }
    }
}

static const char *const stream_xinfo_help[] = {
    "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
    "HELP",
    "    Prints this help.",
};

/* XINFO CONSUMERS key group | GROUPS key | STREAM key [FULL [COUNT n]] |
 * HELP */
void cmd_xinfo(struct client *c)
{
    static const struct stream_sub subs[] = {
        { "consumers", 4 }, { "groups", 3 }, { "stream", -3 },
        { "help", 2 }, { NULL, 0 },
    };
    if (stream_check_sub(c, "xinfo", subs, stream_xinfo_help,
                         sizeof(stream_xinfo_help) /
                             sizeof(stream_xinfo_help[0])) != 0) {
        return;
    }
    struct stream *s = stream_lookup_read(c, &c->argv[2],
                                          "-ERR no such key\r\n");
    if (s == NULL) {
        return;
    }
    if (arg_is(&c->argv[1], "consumers")) {
        struct stream_group *g = stream_group_find(s, c->argv[3].ptr,
                                                   c->argv[3].len);
        if (g == NULL) {
            reply_error(c, "-NOGROUP No such consumer group '%s' for key "
                           "name '%s'", c->argv[3].ptr, c->argv[2].ptr);
            return;
        }
        reply_array(c, (long long)g->consumer_count);
        long long now = server_mstime();
        for (size_t i = 0; i < g->consumer_count; i++) {
            const struct stream_consumer *cn = g->consumers[i];
            long long idle = now - cn->seen_time;
            reply_map(c, 3);
            stream_reply_name(c, cn->name);
            reply_bulk_str(c, "pending");
            reply_integer(c, (long long)cn->pel_count);
            reply_bulk_str(c, "idle");
            reply_integer(c, idle < 0 ? 0 : idle);
        }
    } else if (arg_is(&c->argv[1], "groups")) {
        reply_array(c, (long long)s->group_count);
        for (size_t i = 0; i < s->group_count; i++) {
            const struct stream_group *g = s->groups[i];
            reply_map(c, 6);
            stream_reply_name(c, g->name);
            reply_bulk_str(c, "consumers");
            reply_integer(c, (long long)g->consumer_count);
            reply_bulk_str(c, "pending");
            reply_integer(c, (long long)g->pel_count);
            stream_reply_group_position(c, s, g);
        }
    } else {
        stream_xinfo_stream(c, s);
    }
}
