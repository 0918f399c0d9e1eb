/* The string type: GET, SET and its variants, MGET, MSET, MSETNX, APPEND,
 * STRLEN, INCR and friends, GETRANGE, SETRANGE (bit commands: bitops.c,
 * HyperLogLogs: hyperloglog.c). Values are string objects (object.c):
 * integers are kept as OBJ_ENC_INT so INCR works in place.
 *
 * Commands whose effect depends on the time or on floating point are
 * propagated in a deterministic form, as Redis 7 does: SET with a relative
 * expiry goes out as SET ... PXAT <ms>, INCRBYFLOAT as SET ... KEEPTTL. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"

#define STRING_SET_NX (1u << 0)
#define STRING_SET_XX (1u << 1)
#define STRING_SET_GET (1u << 2)
#define STRING_SET_KEEPTTL (1u << 3)
#define STRING_SET_EX (1u << 4) /* any of EX PX EXAT PXAT */
#define STRING_SET_PERSIST (1u << 5) /* GETEX only */

struct object *string_lookup_raw(struct client *c,
                                        const struct arg *key, bool *wrong)
{
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    *wrong = false;
    if (o == NULL) {
        return NULL;
    }
    if (o->type != OBJ_STRING) {
        reply_wrongtype(c);
        *wrong = true;
        return NULL;
    }
    if (o->refcount > 1) {
        char buf[SERVER_LONG_STR_SIZE];
        size_t len;
        const char *p = object_string(o, buf, &len);
        o = object_new_sds(sds_new(p, len));
        db_overwrite(c->db, key->ptr, key->len, o);
    }
    object_string_make_raw(o);
    return o;
}

int string_check_size_or_reply(struct client *c, long long size,
                                      long long append)
{
    if (c->flags & (CLIENT_MASTER | CLIENT_LOADER)) {
        return 0;
    }
    if (size > SERVER_MAX_STRING || append > SERVER_MAX_STRING - size) {
        reply_error(c, "string exceeds maximum allowed size "
                       "(proto-max-bulk-len)");
        return -1;
    }
    return 0;
}

/* Parse the options of SET (from argument 3) or GETEX (from 2) into
 * 'flags' and '*expire' (absolute ms). 'getex' allows PERSIST and refuses
 * NX/XX/GET/KEEPTTL. Without 'times' the expiry values are not read (GETEX
 * checks them only once the key is found, as Redis). Returns 0 or -1 after
 * replying. */
static int string_parse_set_options(struct client *c, int first, bool getex,
                                    bool times, unsigned *flags,
                                    long long *expire)
{
    *flags = 0;
    *expire = -1;
    for (int i = first; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        bool has_next = i + 1 < c->argc;
        if (!getex && arg_is(a, "nx") && !(*flags & STRING_SET_XX)) {
            *flags |= STRING_SET_NX;
        } else if (!getex && arg_is(a, "xx") && !(*flags & STRING_SET_NX)) {
            *flags |= STRING_SET_XX;
        } else if (!getex && arg_is(a, "get")) {
            *flags |= STRING_SET_GET;
        } else if (!getex && arg_is(a, "keepttl") &&
                   !(*flags & STRING_SET_EX)) {
            *flags |= STRING_SET_KEEPTTL;
        } else if (getex && arg_is(a, "persist") &&
                   !(*flags & STRING_SET_EX)) {
            *flags |= STRING_SET_PERSIST;
        } else if ((arg_is(a, "ex") || arg_is(a, "px") ||
                    arg_is(a, "exat") || arg_is(a, "pxat")) && has_next &&
                   !(*flags & (STRING_SET_EX | STRING_SET_KEEPTTL |
                               STRING_SET_PERSIST))) {
            long long v;
            if (!times) {
                *flags |= STRING_SET_EX;
                i++;
                continue;
            }
            if (arg_ll_or_reply(c, &c->argv[i + 1], &v, NULL) != 0) {
                return -1;
            }
            bool secs = arg_is(a, "ex") || arg_is(a, "exat");
            bool rel = arg_is(a, "ex") || arg_is(a, "px");
            if (v <= 0 || (secs && v > LLONG_MAX / 1000)) {
                reply_error(c, "invalid expire time in '%s' command",
                            getex ? "getex" : "set");
                return -1;
            }
            if (secs) {
                v *= 1000;
            }
            if (rel) {
                if (v > LLONG_MAX - server.mstime) {
                    reply_error(c, "invalid expire time in '%s' command",
                                getex ? "getex" : "set");
                    return -1;
                }
                v += server.mstime;
            }
            *expire = v;
            *flags |= STRING_SET_EX;
            i++;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

/* Propagate "SET key value PXAT when" (or PEXPIREAT for GETEX). */
static void string_propagate_pxat(struct client *c, const struct arg *key,
                                  const struct arg *val, long long when)
{
    char buf[SERVER_LONG_STR_SIZE];
    size_t n = util_ll2str(buf, when);
    if (val != NULL) {
        struct arg argv[5] = { { "SET", 3 }, *key, *val, { "PXAT", 4 },
                               { buf, n } };
        server_propagate(c->db->id, 5, argv);
    } else {
        struct arg argv[3] = { { "PEXPIREAT", 9 }, *key, { buf, n } };
        server_propagate(c->db->id, 3, argv);
    }
    c->flags |= CLIENT_PREVENT_PROP;
}

/* SET's engine, shared by SET, SETNX, SETEX, PSETEX, GETSET. */
static void string_set_generic(struct client *c, const struct arg *key,
                               const struct arg *val, unsigned flags,
                               long long expire, const char *ok_reply,
                               const char *abort_reply)
{
    /* With GET the old value is read as GET reads it (stats, keymiss). */
    struct object *old = (flags & STRING_SET_GET)
                         ? db_lookup_read(c->db, key->ptr, key->len)
                         : db_lookup_write(c->db, key->ptr, key->len);
    if (flags & STRING_SET_GET) {
        if (old != NULL && old->type != OBJ_STRING) {
            reply_wrongtype(c);
            return;
        }
    }
    if (((flags & STRING_SET_NX) && old != NULL) ||
        ((flags & STRING_SET_XX) && old == NULL)) {
        if (flags & STRING_SET_GET) {
            if (old != NULL) {
                reply_object(c, old);
            } else {
                reply_null(c);
            }
        } else {
            reply_canned(c, abort_reply);
        }
        return;
    }
    if (flags & STRING_SET_GET) {
        if (old != NULL) {
            reply_object(c, old);
        } else {
            reply_null(c);
        }
    }
    struct object *o = object_new_string(val->ptr, val->len, true);
    db_set_key(c->db, key->ptr, key->len, o,
               (flags & STRING_SET_KEEPTTL) != 0);
    notify_arg(NOTIFY_STRING, "set", key, c->db->id);
    server.dirty++;
    if (expire >= 0) {
        db_set_expire(c->db, key->ptr, key->len, expire);
        notify_arg(NOTIFY_GENERIC, "expire", key, c->db->id);
        string_propagate_pxat(c, key, val, expire);
    }
    if (!(flags & STRING_SET_GET)) {
        reply_canned(c, ok_reply);
    }
}

/* SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms|KEEPTTL] */
void cmd_set(struct client *c)
{
    unsigned flags;
    long long expire;
    if (string_parse_set_options(c, 3, false, true, &flags, &expire) != 0) {
        return;
    }
    string_set_generic(c, &c->argv[1], &c->argv[2], flags, expire,
                       "+OK\r\n", "$-1\r\n");
}

/* SETNX key value */
void cmd_setnx(struct client *c)
{
    string_set_generic(c, &c->argv[1], &c->argv[2], STRING_SET_NX, -1,
                       ":1\r\n", ":0\r\n");
}

/* SETEX / PSETEX key time value */
static void string_setex_generic(struct client *c, bool ms)
{
    long long v;
    if (arg_ll_or_reply(c, &c->argv[2], &v, NULL) != 0) {
        return;
    }
    if (v <= 0 || (!ms && v > LLONG_MAX / 1000) ||
        (ms ? v : v * 1000) > LLONG_MAX - server.mstime) {
        reply_error(c, "invalid expire time in '%s' command",
                    ms ? "psetex" : "setex");
        return;
    }
    string_set_generic(c, &c->argv[1], &c->argv[3], 0,
                       server.mstime + (ms ? v : v * 1000), "+OK\r\n",
                       "$-1\r\n");
}

void cmd_setex(struct client *c)
{
    string_setex_generic(c, false);
}

void cmd_psetex(struct client *c)
{
    string_setex_generic(c, true);
}

/* GET key */
void cmd_get(struct client *c)
{
    struct object *o = db_lookup_read_or_reply(c, &c->argv[1], "$-1\r\n");
    if (o == NULL || object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
        return;
    }
    reply_object(c, o);
}

/* GETSET key value */
void cmd_getset(struct client *c)
{
    string_set_generic(c, &c->argv[1], &c->argv[2], STRING_SET_GET, -1,
                       "+OK\r\n", "$-1\r\n");
}

/* GETDEL key */
void cmd_getdel(struct client *c)
{
    struct object *o = db_lookup_read_or_reply(c, &c->argv[1], "$-1\r\n");
    if (o == NULL || object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
        return;
    }
    reply_object(c, o);
    db_delete(c->db, c->argv[1].ptr, c->argv[1].len);
    notify_arg(NOTIFY_GENERIC, "del", &c->argv[1], c->db->id);
    server.dirty++;
    struct arg argv[2] = { { "DEL", 3 }, c->argv[1] };
    server_propagate(c->db->id, 2, argv);
    c->flags |= CLIENT_PREVENT_PROP;
}

/* GETEX key [EX s|PX ms|EXAT ts|PXAT ms|PERSIST] */
void cmd_getex(struct client *c)
{
    unsigned flags;
    long long expire;
    if (string_parse_set_options(c, 2, true, false, &flags, &expire) != 0) {
        return;
    }
    const struct arg *key = &c->argv[1];
    struct object *o = db_lookup_read_or_reply(c, key, "$-1\r\n");
    if (o == NULL || object_check_type_or_reply(c, o, OBJ_STRING) != 0 ||
        string_parse_set_options(c, 2, true, true, &flags, &expire) != 0) {
        return;
    }
    reply_object(c, o);
    bool absolute = false;
    for (int i = 2; i < c->argc; i++) {
        absolute |= arg_is(&c->argv[i], "exat") || arg_is(&c->argv[i], "pxat");
    }
    if (expire >= 0 && absolute && expire <= server_mstime() &&
        server.masterhost == NULL) {
        /* A time already past deletes the key, which replicas see as a
         * DEL (Redis does the same). */
        db_delete(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_GENERIC, "del", key, c->db->id);
        server.dirty++;
        struct arg argv[2] = { { "DEL", 3 }, *key };
        server_propagate(c->db->id, 2, argv);
        c->flags |= CLIENT_PREVENT_PROP;
    } else if (expire >= 0) {
        db_set_expire(c->db, key->ptr, key->len, expire);
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_GENERIC, "expire", key, c->db->id);
        server.dirty++;
        string_propagate_pxat(c, key, NULL, expire);
    } else if ((flags & STRING_SET_PERSIST) &&
               db_remove_expire(c->db, key->ptr, key->len)) {
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_GENERIC, "persist", key, c->db->id);
        struct arg argv[2] = { { "PERSIST", 7 }, *key };
        server_propagate(c->db->id, 2, argv);
        c->flags |= CLIENT_PREVENT_PROP;
        server.dirty++;
    }
}

/* MGET key [key ...] */
void cmd_mget(struct client *c)
{
    reply_array(c, c->argc - 1);
    for (int i = 1; i < c->argc; i++) {
        struct object *o = db_lookup_read(c->db, c->argv[i].ptr,
                                          c->argv[i].len);
        if (o == NULL || o->type != OBJ_STRING) {
            reply_null(c);
        } else {
            reply_object(c, o);
        }
    }
}

static void string_mset_generic(struct client *c, bool nx)
{
    if (c->argc % 2 == 0) {
        reply_error(c, "wrong number of arguments for '%s' command",
                    nx ? "msetnx" : "mset");
        return;
    }
    if (nx) {
        for (int i = 1; i < c->argc; i += 2) {
            if (db_exists(c->db, c->argv[i].ptr, c->argv[i].len)) {
                reply_integer(c, 0);
                return;
            }
        }
    }
    for (int i = 1; i < c->argc; i += 2) {
        const struct arg *v = &c->argv[i + 1];
        db_set_key(c->db, c->argv[i].ptr, c->argv[i].len,
                   object_new_string(v->ptr, v->len, true), false);
        notify_arg(NOTIFY_STRING, "set", &c->argv[i], c->db->id);
        server.dirty++;
    }
    if (nx) {
        reply_integer(c, 1);
    } else {
        reply_ok(c);
    }
}

/* MSET key value [key value ...] */
void cmd_mset(struct client *c)
{
    string_mset_generic(c, false);
}

/* MSETNX key value [key value ...] */
void cmd_msetnx(struct client *c)
{
    string_mset_generic(c, true);
}

/* APPEND key value */
void cmd_append(struct client *c)
{
    const struct arg *key = &c->argv[1], *val = &c->argv[2];
    bool wrong;
    struct object *o = string_lookup_raw(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (o == NULL) {
        db_add(c->db, key->ptr, key->len,
               object_new_string(val->ptr, val->len, false));
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_STRING, "append", key, c->db->id);
        server.dirty++;
        reply_integer(c, (long long)val->len);
        return;
    }
    if (string_check_size_or_reply(c, (long long)sds_len(o->ptr),
                                   (long long)val->len) != 0) {
        return;
    }
    o->ptr = sds_cat(o->ptr, val->ptr, val->len);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_STRING, "append", key, c->db->id);
    server.dirty++;
    reply_integer(c, (long long)sds_len(o->ptr));
}

/* STRLEN key */
void cmd_strlen(struct client *c)
{
    struct object *o = db_lookup_read_or_reply(c, &c->argv[1], ":0\r\n");
    if (o == NULL || object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
        return;
    }
    reply_integer(c, (long long)object_string_len(o));
}

/* INCR, DECR, INCRBY, DECRBY: add 'incr' to the integer at argv[1]. */
static void string_incr_generic(struct client *c, long long incr)
{
    const struct arg *key = &c->argv[1];
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    long long value = 0;
    if (o != NULL) {
        if (object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
            return;
        }
        if (object_get_ll(o, &value) != 0) {
            reply_error(c, "value is not an integer or out of range");
            return;
        }
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
        (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        reply_error(c, "increment or decrement would overflow");
        return;
    }
    value += incr;
    /* in place, unless the result is one of the shared integers */
    if (o != NULL && o->encoding == OBJ_ENC_INT && o->refcount == 1 &&
        (value < 0 || value >= OBJECT_SHARED_INTS)) {
        o->ptr = (void *)(intptr_t)value;
    } else if (o != NULL) {
        db_overwrite(c->db, key->ptr, key->len, object_new_int(value));
    } else {
        db_add(c->db, key->ptr, key->len, object_new_int(value));
    }
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_STRING, "incrby", key, c->db->id);
    server.dirty++;
    reply_integer(c, value);
}

void cmd_incr(struct client *c)
{
    string_incr_generic(c, 1);
}

void cmd_decr(struct client *c)
{
    string_incr_generic(c, -1);
}

void cmd_incrby(struct client *c)
{
    long long incr;
    if (arg_ll_or_reply(c, &c->argv[2], &incr, NULL) == 0) {
        string_incr_generic(c, incr);
    }
}

void cmd_decrby(struct client *c)
{
    long long decr;
    if (arg_ll_or_reply(c, &c->argv[2], &decr, NULL) != 0) {
        return;
    }
    if (decr == LLONG_MIN) {
        reply_error(c, "decrement would overflow");
        return;
    }
    string_incr_generic(c, -decr);
}

/* INCRBYFLOAT key increment */
void cmd_incrbyfloat(struct client *c)
{
    const struct arg *key = &c->argv[1];
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    long double value = 0, incr;
    if (o != NULL) {
        if (object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
            return;
        }
        char buf[SERVER_LONG_STR_SIZE];
        size_t len;
        const char *p = object_string(o, buf, &len);
        if (util_str2ld(p, len, &value) != 0) {
            reply_error(c, "value is not a valid float");
            return;
        }
    }
    if (arg_ld_or_reply(c, &c->argv[2], &incr) != 0) {
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        reply_error(c, "increment would produce NaN or Infinity");
        return;
    }
    char out[5 * 1024];
    size_t n = util_ld2str(out, sizeof(out), value);
    struct object *nv = object_new_string(out, n, false);
    if (o != NULL) {
        db_overwrite(c->db, key->ptr, key->len, nv);
    } else {
        db_add(c->db, key->ptr, key->len, nv);
    }
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_STRING, "incrbyfloat", key, c->db->id);
    server.dirty++;
    reply_bulk(c, out, n);
    struct arg argv[4] = { { "SET", 3 }, *key, { out, n }, { "KEEPTTL", 7 } };
    server_propagate(c->db->id, 4, argv);
    c->flags |= CLIENT_PREVENT_PROP;
}

/* Clamp Redis-style [start, end] (negative from the end) to a string of
 * 'len' bytes. Returns false if the range is empty. */
static bool string_clamp_range(long long len, long long *start,
                               long long *end)
{
    if (*start < 0 && *end < 0 && *start > *end) {
        return false;
    }
    if (*start < 0) {
        *start += len;
    }
    if (*end < 0) {
        *end += len;
    }
    if (*start < 0) {
        *start = 0;
    }
    if (*end < 0) {
        *end = 0;
    }
    if (*end >= len) {
        *end = len - 1;
    }
    return len > 0 && *start <= *end;
}

/* GETRANGE key start end (also SUBSTR) */
void cmd_getrange(struct client *c)
{
    long long start, end;
    if (arg_ll_or_reply(c, &c->argv[2], &start, NULL) != 0 ||
        arg_ll_or_reply(c, &c->argv[3], &end, NULL) != 0) {
        return;
    }
    struct object *o = db_lookup_read_or_reply(c, &c->argv[1], "$0\r\n\r\n");
    if (o == NULL || object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
        return;
    }
    char buf[SERVER_LONG_STR_SIZE];
    size_t len;
    const char *p = object_string(o, buf, &len);
    if (!string_clamp_range((long long)len, &start, &end)) {
        reply_bulk(c, "", 0);
        return;
    }
    reply_bulk(c, p + start, (size_t)(end - start + 1));
}

/* SETRANGE key offset value */
void cmd_setrange(struct client *c)
{
    const struct arg *key = &c->argv[1], *val = &c->argv[3];
    long long offset;
    if (arg_ll_or_reply(c, &c->argv[2], &offset, NULL) != 0) {
        return;
    }
    if (offset < 0) {
        reply_error(c, "offset is out of range");
        return;
    }
    bool wrong;
    struct object *o = string_lookup_raw(c, key, &wrong);
    if (wrong) {
        return;
    }
    if (val->len == 0) {
        reply_integer(c, o != NULL ? (long long)sds_len(o->ptr) : 0);
        return;
    }
    if (string_check_size_or_reply(c, offset, (long long)val->len) != 0) {
        return;
    }
    if (o == NULL) {
        o = object_new_sds(sds_new(NULL, 0));
        db_add(c->db, key->ptr, key->len, o);
    }
    size_t need = (size_t)offset + val->len;
    size_t cur = sds_len(o->ptr);
    if (need > cur) {
        o->ptr = sds_make_room(o->ptr, need - cur);
        memset((char *)o->ptr + cur, 0, need - cur);
        sds_set_len(o->ptr, need);
    }
    memcpy((char *)o->ptr + offset, val->ptr, val->len);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_STRING, "setrange", key, c->db->id);
    server.dirty++;
    reply_integer(c, (long long)sds_len(o->ptr));
}
