/* DEBUG: the subcommands operators and Redis's own tooling use to look
 * inside the server and to provoke states on purpose (reload the dataset,
 * pause the cron, fill the keyspace, fingerprint the data). Whether a
 * client may run DEBUG at all (enable-debug-command) is checked before
 * the command runs, in server_process_command.
 *
 * The digest: each key gives a 20-byte SHA-1 built from its name, its
 * value and its expiry; the keys' digests are XORed, so the result does
 * not depend on the order of the keyspace. Values that are ordered (lists,
 * sorted sets by score, streams) are chained in order; unordered ones
 * (sets, hashes) XOR their members' hashes, so the encoding (listpack,
 * intset, hash table) and the table's order do not change the digest. An
 * empty dataset digests to 40 zeros, as in Redis. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "lib/sha1.h"
#include "redis/aof.h"
#include "redis/listpack.h"
#include "redis/quicklist.h"
#include "redis/rdb.h"
#include "redis/replication.h"
#include "redis/sds.h"
#include "redis/server.h"

#define DEBUG_DIGEST_LEN 20

/* ------------------------------------------------------------------------
 * Digest */

/* A running digest: 'd' = SHA-1('d' || bytes) for chained (ordered)
 * input. */
static void debug_mix(uint8_t d[DEBUG_DIGEST_LEN], const void *p, size_t len)
{
    char *buf = mem_alloc(DEBUG_DIGEST_LEN + len);
    memcpy(buf, d, DEBUG_DIGEST_LEN);
    memcpy(buf + DEBUG_DIGEST_LEN, p, len);
    char hex[41];
    sha1_hex(buf, DEBUG_DIGEST_LEN + len, hex);
    mem_free(buf);
    for (int i = 0; i < DEBUG_DIGEST_LEN; i++) {
        unsigned v;
        sscanf(hex + i * 2, "%2x", &v);
        d[i] = (uint8_t)v;
    }
}

/* XOR into 'd' the digest of an unordered element made of 'n' parts. */
static void debug_xor_parts(uint8_t d[DEBUG_DIGEST_LEN], const char **p,
                            const size_t *len, int n)
{
    uint8_t e[DEBUG_DIGEST_LEN] = { 0 };
    for (int i = 0; i < n; i++) {
        debug_mix(e, p[i], len[i]);
    }
    for (int i = 0; i < DEBUG_DIGEST_LEN; i++) {
        d[i] ^= e[i];
    }
}

static int debug_digest_elem(void *priv, const char *p, size_t len)
{
    debug_mix(priv, p, len);
    return 0;
}

static int debug_digest_set_elem(void *priv, const char *p, size_t len)
{
    debug_xor_parts(priv, &p, &len, 1);
    return 0;
}

static int debug_digest_pair(void *priv, const char *f, size_t flen,
                             const char *v, size_t vlen)
{
    const char *p[2] = { f, v };
    size_t len[2] = { flen, vlen };
    debug_xor_parts(priv, p, len, 2);
    return 0;
}

static int debug_digest_scored(void *priv, const char *m, size_t len,
                               double score)
{
    char num[64];
    int n = snprintf(num, sizeof(num), "%.17g", score);
    debug_mix(priv, m, len);
    debug_mix(priv, num, (size_t)n);
    return 0;
}

/* The digest of value 'o' into 'd' (zeros in, the value's digest out). */
static void debug_digest_value(const struct object *o,
                               uint8_t d[DEBUG_DIGEST_LEN])
{
    char type = (char)('0' + o->type);
    debug_mix(d, &type, 1);
    switch (o->type) {
    case OBJ_STRING: {
        char buf[SERVER_LONG_STR_SIZE];
        size_t len;
        const char *p = object_string(o, buf, &len);
        debug_mix(d, p, len);
        break;
    }
    case OBJ_LIST:
        list_type_each(o, debug_digest_elem, d);
        break;
    case OBJ_SET:
        set_type_each(o, debug_digest_set_elem, d);
        break;
    case OBJ_HASH:
        hash_type_each(o, debug_digest_pair, d);
        break;
    case OBJ_ZSET:
        zset_type_each(o, debug_digest_scored, d);
        break;
    default: {
        /* Streams have one encoding: their serialised form is stable. */
        char *payload = rdb_dump_payload(o);
        debug_mix(d, payload, sds_len(payload));
        sds_free(payload);
        break;
    }
    }
}

static void debug_hex(const uint8_t d[DEBUG_DIGEST_LEN], char out[41])
{
    for (int i = 0; i < DEBUG_DIGEST_LEN; i++) {
        snprintf(out + i * 2, 3, "%02x", d[i]);
    }
}

/* The digest of every key of every database into 'out' (hex). */
static void debug_digest_all(char out[41])
{
    uint8_t all[DEBUG_DIGEST_LEN] = { 0 };
    for (int i = 0; i < server.databases; i++) {
        struct db *db = &server.db[i];
        if (db_size(db) == 0) {
            continue;
        }
        uint32_t dbid = (uint32_t)i;
        struct db_iter it;
        struct dict_entry *e;
        db_iter_init(&it, db);
        while ((e = db_iter_next(&it)) != NULL) {
            uint8_t k[DEBUG_DIGEST_LEN] = { 0 };
            debug_mix(k, &dbid, sizeof(dbid));
            debug_mix(k, e->key, sds_len(e->key));
            uint8_t v[DEBUG_DIGEST_LEN] = { 0 };
            debug_digest_value(e->v.ptr, v);
            debug_mix(k, v, sizeof(v));
            long long when = db_get_expire(db, e->key, sds_len(e->key));
            if (when != -1) {
                char num[SERVER_LONG_STR_SIZE];
                size_t n = util_ll2str(num, when);
                debug_mix(k, "expire", 6);
                debug_mix(k, num, n);
            }
            for (int j = 0; j < DEBUG_DIGEST_LEN; j++) {
                all[j] ^= k[j];
            }
        }
        db_iter_release(&it);
    }
    bool zero = true;
    for (int j = 0; j < DEBUG_DIGEST_LEN; j++) {
        zero = zero && all[j] == 0;
    }
    if (zero) {
        memset(out, '0', 40);
        out[40] = '\0';
    } else {
        debug_hex(all, out);
    }
}

/* ------------------------------------------------------------------------
 * Subcommands */

/* DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save (unless NOSAVE), empty
 * (unless NOFLUSH) and load the RDB file again; with MERGE a key of the
 * file replaces one that exists (else that is an error). */
static void debug_reload(struct client *c)
{
    bool save = true, flush = true, merge = false;
    for (int i = 2; i < c->argc; i++) {
        if (arg_is(&c->argv[i], "nosave")) {
            save = false;
        } else if (arg_is(&c->argv[i], "noflush")) {
            flush = false;
        } else if (arg_is(&c->argv[i], "merge")) {
            merge = true;
        } else {
            reply_error(c, "DEBUG RELOAD only supports the MERGE, NOFLUSH "
                           "and NOSAVE options.");
            return;
        }
    }
    if (save && flush) {
        /* Nothing is left to merge with. */
        rdb_debug_reload(c);
        return;
    }
    const char *path = rdb_default_path();
    if (save && rdb_save_file(path) != 0) {
        reply_error(c, "Error trying to save the DB, check the server log");
        return;
    }
    if (flush) {
        for (int i = 0; i < server.databases; i++) {
            db_empty(&server.db[i]);
        }
    }
    rdb_state.load_replace = merge;
    int rc = rdb_load_file(path);
    rdb_state.load_replace = false;
    if (rc != 0) {
        reply_error(c, "Error trying to load the RDB dump, check the "
                       "server log");
        return;
    }
    reply_ok(c);
}

/* DEBUG LOADAOF: write what is pending, empty the dataset and replay the
 * AOF. Redis exits when there is no AOF to load; we refuse instead. */
static void debug_loadaof(struct client *c)
{
    if (!server.appendonly || !aof_exists()) {
        reply_error(c, "DEBUG LOADAOF needs appendonly yes and an AOF on "
                       "disk");
        return;
    }
    aof_flush();
    for (int i = 0; i < server.databases; i++) {
        db_empty(&server.db[i]);
    }
    char err[256];
    if (aof_load(err, sizeof(err)) != 0) {
        log_warn("DEBUG LOADAOF: %s", err);
        reply_error(c, "Error loading the AOF, check the server log");
        return;
    }
    server.dirty = 0;
    reply_ok(c);
}

/* The value of key argv[2], or NULL after replying "no such key". Not
 * db_lookup_*: they would refresh the LRU clock DEBUG OBJECT shows. */
static struct object *debug_find(struct client *c)
{
    struct dict_entry *e = db_find(c->db, c->argv[2].ptr,
                                     c->argv[2].len);
    if (e == NULL) {
        reply_error(c, "no such key");
        return NULL;
    }
    return e->v.ptr;
}

/* DEBUG OBJECT key: the value's address, encoding and sizes. */
static void debug_object(struct client *c)
{
    struct object *o = debug_find(c);
    if (o == NULL) {
        return;
    }
    /* serializedlength is what the value takes in an RDB file: its DUMP
     * payload without the type byte, version and checksum. */
    char *payload = rdb_dump_payload(o);
    size_t ser = sds_len(payload) > 11 ? sds_len(payload) - 11 : 0;
    sds_free(payload);
    char line[320];
    snprintf(line, sizeof(line), "Value at:%p refcount:%u encoding:%s "
             "serializedlength:%zu lru:%u lru_seconds_idle:%u",
             (void *)o, o->refcount, object_encoding_name(o), ser,
             (unsigned)o->lru,
             (unsigned)(uint16_t)(server_lru_clock() - o->lru));
    reply_simple(c, line);
}

/* DEBUG SLEEP seconds: block the whole server (a fractional value). */
static void debug_sleep(struct client *c)
{
    long double secs = strtold(c->argv[2].ptr, NULL);
    if (secs > 0) {
        struct timespec ts;
        ts.tv_sec = (time_t)secs;
        ts.tv_nsec = (long)((secs - (long double)ts.tv_sec) * 1e9L);
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    reply_ok(c);
}

/* DEBUG PROTOCOL type: one reply of each RESP type, the values Redis's
 * test suite expects. */
static void debug_protocol(struct client *c)
{
    const struct arg *t = &c->argv[2];
    if (arg_is(t, "string")) {
        reply_bulk_str(c, "Hello World");
    } else if (arg_is(t, "integer")) {
        reply_integer(c, 12345);
    } else if (arg_is(t, "double")) {
        reply_double_text(c, "3.141", 5);
    } else if (arg_is(t, "bignum")) {
        const char *n = "1234567999999999999999999999999999999";
        reply_bignum(c, n, strlen(n));
    } else if (arg_is(t, "null")) {
        reply_null(c);
    } else if (arg_is(t, "array") || arg_is(t, "set")) {
        if (arg_is(t, "set")) {
            reply_set(c, 3);
        } else {
            reply_array(c, 3);
        }
        for (int i = 0; i < 3; i++) {
            reply_integer(c, i);
        }
    } else if (arg_is(t, "map")) {
        reply_map(c, 3);
        for (int i = 0; i < 3; i++) {
            reply_integer(c, i);
            reply_bool(c, i == 1);
        }
    } else if (arg_is(t, "attrib")) {
        if (c->resp >= 3) {
            reply_attribute(c, 1);
            reply_bulk_str(c, "key-popularity");
            reply_array(c, 2);
            reply_bulk_str(c, "key:123");
            reply_integer(c, 90);
        }
        reply_bulk_str(c, "Some real reply following the attribute");
    } else if (arg_is(t, "push")) {
        if (c->resp < 3) {
            reply_error(c, "RESP2 is not supported by this command");
            return;
        }
        reply_push(c, 2);
        reply_bulk_str(c, "server-cpu-usage");
        reply_integer(c, 42);
        reply_bulk_str(c, "Some real reply following the push reply");
    } else if (arg_is(t, "verbatim")) {
        const char *v = "This is a verbatim\nstring";
        reply_verbatim(c, v, strlen(v), "txt");
    } else if (arg_is(t, "true") || arg_is(t, "false")) {
        reply_bool(c, arg_is(t, "true"));
    } else {
        reply_error(c, "Wrong protocol type name. Please use one of the "
                       "following: string|integer|double|bignum|null|array|"
                       "set|map|attrib|push|verbatim|true|false");
    }
}

/* DEBUG POPULATE count [prefix] [size]: add keys "prefix:N" holding
 * "value:N" (cut or zero-padded to 'size'), skipping existing keys. */
static void debug_populate(struct client *c)
{
    long long count, size = 0;
    if (util_str2ll(c->argv[2].ptr, c->argv[2].len, &count) != 0 ||
        count < 0 ||
        (c->argc > 4 && (util_str2ll(c->argv[4].ptr, c->argv[4].len,
                                     &size) != 0 || size < 0))) {
        reply_error(c, "value is out of range, must be positive");
        return;
    }
    const char *prefix = c->argc > 3 ? c->argv[3].ptr : "key";
    char *key = sds_new_empty(64);
    for (long long j = 0; j < count; j++) {
        sds_set_len(key, 0);
        key = sds_catfmt(key, "%s:%lld", prefix, j);
        if (db_exists(c->db, key, sds_len(key))) {
            continue;
        }
        char val[SERVER_LONG_STR_SIZE + 8];
        int n = snprintf(val, sizeof(val), "value:%lld", j);
        struct object *o;
        if (size == 0) {
            o = object_new_string(val, (size_t)n, false);
        } else {
            char *s = sds_new_empty((size_t)size);
            memset(s, 0, (size_t)size);
            sds_set_len(s, (size_t)size);
            memcpy(s, val, (size_t)size < (size_t)n ? (size_t)size
                                                    : (size_t)n);
            o = object_new_sds(s);
        }
        db_add(c->db, key, sds_len(key), o);
    }
    sds_free(key);
    reply_ok(c);
}

/* Statistics of 'n' tables taken as one (the keyspace is one table per
 * slot): size, entries and the spread of their chains. Appends to 's'
 * (sds) and returns it. */
static char *debug_dict_stats(char *s, struct dict *const *d, size_t n,
                              bool full)
{
    for (int t = 0; t < 2; t++) {
        size_t size = 0, used = 0;
        bool rehashing = false;
        for (size_t i = 0; i < n; i++) {
            size += d[i]->size[t];
            used += d[i]->used[t];
            rehashing = rehashing || d[i]->rehash_idx != -1;
        }
        if (t == 1 && !rehashing) {
            break;
        }
        s = sds_catfmt(s, "Hash table %d stats (%s):\n", t,
                           t == 0 ? "main hash table"
                                  : "rehashing target");
        if (size == 0 || used == 0) {
            s = sds_catfmt(s, "No stats available for empty "
                                  "dictionaries\n");
            continue;
        }
        s = sds_catfmt(s, " table size: %zu\n number of elements: "
                              "%zu\n", size, used);
        if (!full) {
            continue;
        }
        size_t hist[50] = { 0 }, slots = 0, maxchain = 0, total = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t b = 0; b < d[i]->size[t]; b++) {
                size_t len = 0;
                for (struct dict_entry *e = d[i]->table[t][b]; e != NULL;
                     e = e->next) {
                    len++;
                }
                hist[len < 49 ? len : 49]++;
                if (len > 0) {
                    slots++;
                    total += len;
                }
                if (len > maxchain) {
                    maxchain = len;
                }
            }
        }
        s = sds_catfmt(s, " different slots: %zu\n max chain length: "
                              "%zu\n avg chain length (counted): %.02f\n "
                              "avg chain length (computed): %.02f\n Chain "
                              "length distribution:\n", slots, maxchain,
                           (double)total / (double)slots,
                           (double)used / (double)slots);
        for (size_t len = 0; len < 50; len++) {
            if (hist[len] > 0) {
                s = sds_catfmt(s, "   %zu: %zu (%.02f%%)\n", len, hist[len],
                                   (double)hist[len] * 100 / (double)size);
            }
        }
    }
    return s;
}

/* DEBUG HTSTATS dbid [FULL] */
static void debug_htstats(struct client *c)
{
    long long id;
    if (arg_ll_or_reply(c, &c->argv[2], &id, NULL) != 0) {
        return;
    }
    if (id < 0 || id >= server.databases) {
        reply_error(c, "Out of range database");
        return;
    }
    bool full = c->argc > 3 && arg_is(&c->argv[3], "full");
    struct db *db = &server.db[id];
    char *s = sds_new("[Dictionary HT]\n", 16);
    s = debug_dict_stats(s, db->slots, SLOT_COUNT, full);
    s = sds_catfmt(s, "[Expires HT]\n");
    s = debug_dict_stats(s, &db->expires, 1, full);
    reply_verbatim(c, s, sds_len(s), "txt");
    sds_free(s);
}

/* DEBUG HTSTATS-KEY key [FULL]: the table of a hash, set or sorted set. */
static void debug_htstats_key(struct client *c)
{
    struct object *o = debug_find(c);
    if (o == NULL) {
        return;
    }
    struct dict *d = NULL;
    if ((o->type == OBJ_HASH || o->type == OBJ_SET) &&
        o->encoding == OBJ_ENC_HT) {
        d = o->ptr;
    }
    if (d == NULL) {
        reply_error(c, "The value stored at the specified key is not "
                       "represented using an hash table");
        return;
    }
    bool full = c->argc > 3 && arg_is(&c->argv[3], "full");
    char *s = debug_dict_stats(sds_new_empty(64), &d, 1, full);
    reply_verbatim(c, s, sds_len(s), "txt");
    sds_free(s);
}

/* DEBUG LISTPACK key: log the entries of a listpack-encoded value. */
static void debug_listpack(struct client *c)
{
    struct object *o = debug_find(c);
    if (o == NULL) {
        return;
    }
    if (o->encoding != OBJ_ENC_LISTPACK) {
        reply_error(c, "Not a listpack encoded object.");
        return;
    }
    unsigned char *lp = o->ptr;
    log_warn("DEBUG LISTPACK '%s': %zu bytes, %zu entries", c->argv[2].ptr,
             listpack_bytes(lp), listpack_count(lp));
    size_t i = 0;
    for (unsigned char *p = listpack_first(lp); p != NULL;
         p = listpack_next(lp, p), i++) {
        size_t len;
        char buf[LISTPACK_INTBUF];
        const char *v = listpack_get(p, &len, buf);
        log_warn("  [%zu] offset %zu: '%.*s'", i, listpack_offset(lp, p),
                 (int)(len > 200 ? 200 : len), v);
    }
    reply_simple(c, "Listpack structure printed on stdout");
}

/* DEBUG STRINGMATCH-LEN: run the glob matcher on long random patterns
 * (many stars, classes, escapes) for about a second: it must neither
 * crash nor take exponential time. */
static void debug_stringmatch_len(struct client *c)
{
    static const char alphabet[] = "*?[]^-\\ab";
    char pat[256], str[256];
    long long start = server_mstime();
    long long runs = 0;
    while (server_mstime() - start < 1000) {
        size_t plen = (size_t)(rand() % (int)sizeof(pat));
        size_t slen = (size_t)(rand() % (int)sizeof(str));
        for (size_t i = 0; i < plen; i++) {
            pat[i] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
        }
        for (size_t i = 0; i < slen; i++) {
            str[i] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
        }
        util_glob_match(pat, plen, str, slen, false);
        runs++;
    }
    char line[96];
    snprintf(line, sizeof(line), "Apparently the matcher survived %lld "
             "random patterns: test passed", runs);
    reply_simple(c, line);
}

/* Parse 0/1 like Redis's atoi for the switches (anything else is 0). */
static bool debug_switch(const struct arg *a)
{
    return atoi(a->ptr) != 0;
}

static const char *const debug_help[] = {
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANGE-REPL-ID",
    "    Start a new replication history (new id, the previous one "
    "forgotten).",
    "CONFIG-REWRITE-FORCE-ALL",
    "    Rewrite the config file writing every parameter, defaults too.",
    "DIGEST",
    "    A hash of the whole dataset (40 zeros when empty).",
    "DIGEST-VALUE <key> [<key> ...]",
    "    A hash of each key's value.",
    "HTSTATS <dbid> [FULL]",
    "    Table statistics of a database's keys and expires.",
    "HTSTATS-KEY <key> [FULL]",
    "    Table statistics of a hash or set stored as a table.",
    "LISTPACK <key>",
    "    Log the entries of a listpack-encoded value.",
    "LOADAOF",
    "    Empty the dataset and load the AOF again.",
    "LOG <message>",
    "    Write a line to the server log.",
    "OBJECT <key>",
    "    Low-level facts about a key's value.",
    "PAUSE-CRON <0|1>",
    "    Stop or restart the periodic tasks.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Add keys <prefix>:<n> (default key:<n>) holding value:<n>.",
    "PROTOCOL <type>",
    "    Reply with a value of a RESP type: string, integer, double, "
    "bignum,",
    "    null, array, set, map, attrib, push, verbatim, true, false.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Set the size above which a list element is kept on its own.",
    "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
    "    Save the RDB file, empty the dataset and load the file again.",
    "REPLYBUFFER PEAK-RESET-TIME <never|reset|<ms>> | RESIZING <0|1>",
    "    Tune how client reply buffers shrink.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Turn the active expiry of keys off or on.",
    "SET-DISABLE-DENY-SCRIPTS <0|1>",
    "    Let scripts call commands marked noscript (1) or not (0).",
    "SLEEP <seconds>",
    "    Stop the server for that long (fractions allowed).",
    "STRINGMATCH-LEN",
    "    Run the glob matcher on random long patterns.",
    "HELP",
    "    Print this help.",
};

/* Settings only DEBUG changes (kept for the features that read them). */
static long long debug_peak_reset_ms = 5000;
static bool debug_reply_resizing = true;

void cmd_debug(struct client *c)
{
    const struct arg *sub = &c->argv[1];
    int n = c->argc;
    if (arg_is(sub, "help") && n == 2) {
        reply_help(c, debug_help, sizeof(debug_help) / sizeof(*debug_help));
    } else if (arg_is(sub, "sleep") && n == 3) {
        debug_sleep(c);
    } else if (arg_is(sub, "object") && n == 3) {
        debug_object(c);
    } else if (arg_is(sub, "reload")) {
        debug_reload(c);
    } else if (arg_is(sub, "loadaof") && n == 2) {
        debug_loadaof(c);
    } else if (arg_is(sub, "digest") && n == 2) {
        char hex[41];
        debug_digest_all(hex);
        reply_simple(c, hex);
    } else if (arg_is(sub, "digest-value") && n >= 2) {
        reply_array(c, n - 2);
        for (int i = 2; i < n; i++) {
            struct dict_entry *e = db_find(c->db, c->argv[i].ptr,
                                             c->argv[i].len);
            uint8_t d[DEBUG_DIGEST_LEN] = { 0 };
            char hex[41];
            if (e != NULL) {
                debug_digest_value(e->v.ptr, d);
                debug_hex(d, hex);
            } else {
                memset(hex, '0', 40);
                hex[40] = '\0';
            }
            reply_simple(c, hex);
        }
    } else if (arg_is(sub, "protocol") && n == 3) {
        debug_protocol(c);
    } else if (arg_is(sub, "populate") && n >= 3 && n <= 5) {
        debug_populate(c);
    } else if (arg_is(sub, "set-active-expire") && n == 3) {
        server.debug_no_active_expire = !debug_switch(&c->argv[2]);
        reply_ok(c);
    } else if (arg_is(sub, "pause-cron") && n == 3) {
        server.debug_pause_cron = debug_switch(&c->argv[2]);
        reply_ok(c);
    } else if (arg_is(sub, "set-disable-deny-scripts") && n == 3) {
        server.debug_script_any = debug_switch(&c->argv[2]);
        reply_ok(c);
    } else if (arg_is(sub, "change-repl-id") && n == 2) {
        backlog_new_replid();
        memset(repl.replid2, '0', REPL_ID_LEN);
        repl.second_offset = -1;
        log_warn("changing replication ids after DEBUG CHANGE-REPL-ID");
        reply_ok(c);
    } else if (arg_is(sub, "log") && n == 3) {
        log_warn("DEBUG LOG: %s", c->argv[2].ptr);
        reply_ok(c);
    } else if (arg_is(sub, "stringmatch-len") && n == 2) {
        debug_stringmatch_len(c);
    } else if (arg_is(sub, "quicklist-packed-threshold") && n == 3) {
        long long v;
        if (config_parse_memory(c->argv[2].ptr, &v) != 0 || v < 0 ||
            !quicklist_set_packed_threshold((unsigned long long)v)) {
            reply_error(c, "argument must be a memory value bigger than 1 "
                           "and smaller than 4gb");
            return;
        }
        reply_ok(c);
    } else if (arg_is(sub, "listpack") && n == 3) {
        debug_listpack(c);
    } else if (arg_is(sub, "htstats") && n >= 3 && n <= 4) {
        debug_htstats(c);
    } else if (arg_is(sub, "htstats-key") && n >= 3 && n <= 4) {
        debug_htstats_key(c);
    } else if (arg_is(sub, "replybuffer") && n == 4 &&
               arg_is(&c->argv[2], "peak-reset-time")) {
        debug_peak_reset_ms = arg_is(&c->argv[3], "never") ? -1
                              : arg_is(&c->argv[3], "reset")
                                  ? 5000 : atoll(c->argv[3].ptr);
        reply_ok(c);
    } else if (arg_is(sub, "replybuffer") && n == 4 &&
               arg_is(&c->argv[2], "resizing")) {
        debug_reply_resizing = debug_switch(&c->argv[3]);
        reply_ok(c);
    } else if (arg_is(sub, "config-rewrite-force-all") && n == 2) {
        char err[256];
        if (config_rewrite_all(err, sizeof(err)) != 0) {
            reply_error(c, "CONFIG-REWRITE-FORCE-ALL failed: %s", err);
            return;
        }
        reply_ok(c);
    } else {
        reply_error(c, "unknown subcommand or wrong number of arguments for "
                       "'%.128s'. Try DEBUG HELP.", sub->ptr);
    }
}
