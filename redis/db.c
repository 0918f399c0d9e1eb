/* The keyspace: the db_* API every command uses to read and change keys
 * (lazy expiry on lookup, one table per slot, the tag index kept in step
 * on add and delete), and the generic key commands: SELECT, DEL, UNLINK, EXISTS,
 * TOUCH, TYPE, RENAME, RENAMENX, MOVE, KEYS, SCAN, RANDOMKEY, DBSIZE,
 * FLUSHDB, FLUSHALL, OBJECT. Expiry commands are in expire.c, the slot
 * index itself in slots.c. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/mem.h"
#include "redis/rdb.h"
#include "redis/evict.h"
#include "redis/notify.h"
#include "redis/server.h"

/* At most this many modification hooks (WATCH, notifications ...). */
#define DB_MAX_HOOKS 8

static db_modified_fn db_modified_hooks[DB_MAX_HOOKS];
static int db_modified_hook_count;

static void db_free_value(void *ptr)
{
    object_decr_ref(ptr);
}

/* Keys -> values: owns both. */
static const struct dict_type db_dict_type = { true, db_free_value };
/* Keys -> expiry: the keys belong to the main table. */
static const struct dict_type db_expires_type = { false, NULL };

void db_init(struct db *db, int id)
{
    db->id = id;
    for (int i = 0; i < SLOT_COUNT; i++) {
        db->slots[i] = dict_new(&db_dict_type);
    }
    memset(db->slot_tree, 0, sizeof(db->slot_tree));
    db->resize_cursor = 0;
    db->expires = dict_new(&db_expires_type);
    slots_init_db(db);
}

void db_release(struct db *db)
{
    slots_release_db(db);
    dict_free(db->expires);
    for (int i = 0; i < SLOT_COUNT; i++) {
        dict_free(db->slots[i]);
        db->slots[i] = NULL;
    }
}

/* ------------------------------------------------------------------------
 * The slot tables */

/* Add 'delta' to the key count of 'slot' in the Fenwick tree. */
static void db_tree_add(struct db *db, unsigned slot, long delta)
{
    for (unsigned i = slot + 1; i <= SLOT_COUNT; i += i & -i) {
        db->slot_tree[i] += (size_t)delta;
    }
}

size_t db_size(const struct db *db)
{
    /* SLOT_COUNT is a power of two: the root node holds the total. */
    return db->slot_tree[SLOT_COUNT];
}

/* The slot holding the key of rank 'rank' (0 <= rank < db_size) when keys
 * are ordered by slot. */
static unsigned db_tree_find(const struct db *db, size_t rank)
{
    unsigned pos = 0;
    for (unsigned step = SLOT_COUNT; step > 0; step >>= 1) {
        if (pos + step <= SLOT_COUNT && db->slot_tree[pos + step] <= rank) {
            pos += step;
            rank -= db->slot_tree[pos];
        }
    }
    return pos;
}

struct dict_entry *db_find(struct db *db, const char *key, size_t len)
{
    return dict_find(db->slots[slot_of_key(key, len)], key, len);
}

struct dict_entry *db_random_entry(struct db *db)
{
    size_t n = db_size(db);
    if (n == 0) {
        return NULL;
    }
    unsigned slot = db_tree_find(db, dict_random_u64() % n);
    return dict_random(db->slots[slot]);
}

void db_iter_init(struct db_iter *it, struct db *db)
{
    it->db = db;
    it->slot = 0;
    it->active = false;
}

struct dict_entry *db_iter_next(struct db_iter *it)
{
    while (it->slot < SLOT_COUNT) {
        if (!it->active) {
            if (dict_size(it->db->slots[it->slot]) == 0) {
                it->slot++;
                continue;
            }
            dict_iter_init(&it->it, it->db->slots[it->slot]);
            it->active = true;
        }
        struct dict_entry *e = dict_iter_next(&it->it);
        if (e != NULL) {
            return e;
        }
        dict_iter_release(&it->it);
        it->active = false;
        it->slot++;
    }
    return NULL;
}

void db_iter_release(struct db_iter *it)
{
    if (it->active) {
        dict_iter_release(&it->it);
        it->active = false;
    }
    it->slot = SLOT_COUNT;
}

/* Slot tables visited per cron turn for shrinking, at most. */
#define DB_RESIZE_SLOTS_PER_CRON 64

void db_cron_resize(struct db *db, int ms)
{
    if (db_size(db) == 0 && dict_size(db->expires) == 0) {
        return;
    }
    for (int i = 0; i < DB_RESIZE_SLOTS_PER_CRON; i++) {
        dict_shrink_if_needed(db->slots[db->resize_cursor]);
        db->resize_cursor = (db->resize_cursor + 1) % SLOT_COUNT;
    }
    dict_shrink_if_needed(db->expires);
    /* A table rehashing is usually one that just grew: finish it in the
     * background while the budget lasts. */
    long long start = server_mstime();
    for (int i = 0; i < SLOT_COUNT; i++) {
        struct dict *d = db->slots[i];
        if (d->rehash_idx != -1) {
            dict_rehash_ms(d, ms);
            if (server_mstime() - start >= ms) {
                return;
            }
        }
    }
    dict_rehash_ms(db->expires, ms);
}

void db_on_modified(db_modified_fn fn)
{
    assert(db_modified_hook_count < DB_MAX_HOOKS);
    db_modified_hooks[db_modified_hook_count++] = fn;
}

void db_signal_modified(struct db *db, const char *key, size_t len)
{
    for (int i = 0; i < db_modified_hook_count; i++) {
        db_modified_hooks[i](db, key, len);
    }
}

/* ------------------------------------------------------------------------
 * Expiry */

long long db_get_expire(struct db *db, const char *key, size_t len)
{
    if (dict_size(db->expires) == 0) {
        return -1;
    }
    struct dict_entry *e = dict_find(db->expires, key, len);
    return e != NULL ? e->v.s64 : -1;
}

void db_set_expire(struct db *db, const char *key, size_t len,
                   long long when)
{
    struct dict_entry *kde = db_find(db, key, len);
    assert(kde != NULL);
    struct dict_entry *e = dict_find(db->expires, key, len);
    if (e == NULL) {
        e = dict_insert(db->expires, kde->key);
    }
    e->v.s64 = when;
}

bool db_remove_expire(struct db *db, const char *key, size_t len)
{
    if (dict_size(db->expires) == 0) {
        return false;
    }
    return dict_delete(db->expires, key, len);
}

bool db_key_is_expired(struct db *db, const char *key, size_t len)
{
    long long when = db_get_expire(db, key, len);
    return when >= 0 && when <= server.mstime;
}

bool db_expire_if_needed(struct db *db, const char *key, size_t len)
{
    if (dict_size(db->expires) == 0) {
        return false;
    }
    struct dict_entry *e = dict_find(db->expires, key, len);
    if (e == NULL || e->v.s64 > server.mstime) {
        return false;
    }
    if (server.masterhost != NULL) {
        /* A replica waits for its master's DEL, but answers as if the key
         * were gone. */
        return true;
    }
    server.stat_expired_keys++;
    notify_event(NOTIFY_EXPIRED, "expired", key, len, db->id);
    struct arg argv[2] = { { "DEL", 3 }, { e->key, sds_len(e->key) } };
    server_propagate(db->id, 2, argv);
    db_delete(db, key, len);
    return true;
}

/* ------------------------------------------------------------------------
 * Lookup and change */

struct object *db_lookup_read(struct db *db, const char *key, size_t len)
{
    struct dict_entry *e = db_expire_if_needed(db, key, len) ? NULL
                           : db_find(db, key, len);
    if (e == NULL) {
        server.stat_keyspace_misses++;
        notify_event(NOTIFY_KEY_MISS, "keymiss", key, len, db->id);
        return NULL;
    }
    server.stat_keyspace_hits++;
    evict_touch(e->v.ptr);
    return e->v.ptr;
}

struct object *db_lookup_write(struct db *db, const char *key, size_t len)
{
    if (db_expire_if_needed(db, key, len)) {
        return NULL;
    }
    struct dict_entry *e = db_find(db, key, len);
    if (e == NULL) {
        return NULL;
    }
    evict_touch(e->v.ptr);
    return e->v.ptr;
}

struct object *db_lookup_read_or_reply(struct client *c, const struct arg *a,
                                       const char *miss)
{
    struct object *o = db_lookup_read(c->db, a->ptr, a->len);
    if (o == NULL) {
        reply_canned(c, miss);
    }
    return o;
}

void *db_lookup_write_typed(struct client *c, const struct arg *key,
                            enum obj_type type, bool *wrong)
{
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    *wrong = false;
    if (o == NULL) {
        return NULL;
    }
    if (o->type != type) {
        reply_wrongtype(c);
        *wrong = true;
        return NULL;
    }
    return o->ptr;
}

void *db_lookup_write_typed_or_reply(struct client *c, const struct arg *key,
                                     enum obj_type type, const char *miss)
{
    bool wrong;
    void *value = db_lookup_write_typed(c, key, type, &wrong);
    if (value == NULL && !wrong) {
        reply_canned(c, miss);
    }
    return value;
}

void *db_lookup_first_typed(struct client *c, int first, int count,
                            enum obj_type type, const struct arg **key,
                            bool *wrong)
{
    *wrong = false;
    for (int i = first; i < first + count; i++) {
        *key = &c->argv[i];
        void *value = db_lookup_write_typed(c, *key, type, wrong);
        if (value != NULL || *wrong) {
            return value;
        }
    }
    return NULL;
}

void *db_lookup_read_typed_or_reply(struct client *c, const struct arg *key,
                                    enum obj_type type, const char *miss)
{
    struct object *o = db_lookup_read_or_reply(c, key, miss);
    if (o == NULL || object_check_type_or_reply(c, o, type) != 0) {
        return NULL;
    }
    return o->ptr;
}

bool db_exists(struct db *db, const char *key, size_t len)
{
    return db_lookup_write(db, key, len) != NULL;
}

void db_add(struct db *db, const char *key, size_t len, struct object *val)
{
    bool has_tag;
    uint32_t crc;
    unsigned slot = slots_locate(key, len, &has_tag, &crc);
    char *k = sds_new(key, len);
    struct dict_entry *e = dict_insert(db->slots[slot], k);
    assert(e != NULL);
    e->v.ptr = val;
    db_tree_add(db, slot, 1);
    if (has_tag) {
        slots_tag_add(db, crc, k);
    }
    notify_event(NOTIFY_NEW, "new", key, len, db->id);
}

void db_overwrite(struct db *db, const char *key, size_t len,
                  struct object *val)
{
    struct dict_entry *e = db_find(db, key, len);
    assert(e != NULL);
    struct object *old = e->v.ptr;
    e->v.ptr = val;
    object_decr_ref(old);
}

void db_set_key(struct db *db, const char *key, size_t len,
                struct object *val, bool keep_ttl)
{
    struct dict_entry *e = db_find(db, key, len);
    if (e == NULL) {
        db_add(db, key, len, val);
    } else {
        struct object *old = e->v.ptr;
        e->v.ptr = val;
        object_decr_ref(old);
        if (!keep_ttl) {
            db_remove_expire(db, key, len);
        }
    }
    db_signal_modified(db, key, len);
}

bool db_delete(struct db *db, const char *key, size_t len)
{
    bool has_tag;
    uint32_t crc;
    unsigned slot = slots_locate(key, len, &has_tag, &crc);
    struct dict_entry *e = dict_unlink(db->slots[slot], key, len);
    if (e == NULL) {
        return false;
    }
    db_tree_add(db, slot, -1);
    /* 'key' may be e->key itself: use the entry's key until it is freed. */
    db_signal_modified(db, e->key, len);
    db_remove_expire(db, e->key, len);
    if (has_tag) {
        slots_tag_del(db, crc, e->key, len);
    }
    dict_free_unlinked(db->slots[slot], e);
    return true;
}

long long db_empty(struct db *db)
{
    long long removed = (long long)db_size(db);
    slots_clear_db(db);
    dict_clear(db->expires);
    for (int i = 0; i < SLOT_COUNT; i++) {
        dict_clear(db->slots[i]);
    }
    memset(db->slot_tree, 0, sizeof(db->slot_tree));
    db->expire_cursor = 0;
    db->avg_ttl = 0;
    db_signal_modified(db, NULL, 0);
    return removed;
}

char *db_random_key(struct db *db)
{
    for (int tries = 0; tries < 100; tries++) {
        struct dict_entry *e = db_random_entry(db);
        if (e == NULL) {
            return NULL;
        }
        char *key = sds_new(e->key, sds_len(e->key));
        if (!db_expire_if_needed(db, key, sds_len(key)) ||
            server.masterhost != NULL) {
            return key;
        }
        sds_free(key);
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Commands */

/* Parse a database index into '*db' or reply an error. */
static int db_index_or_reply(struct client *c, const struct arg *a,
                             struct db **db)
{
    long long id;
    if (arg_ll_or_reply(c, a, &id, NULL) != 0) {
        return -1;
    }
    /* Redis reads the index as an int first. */
    if (id < INT_MIN || id > INT_MAX) {
        reply_error(c, "value is out of range, value must between %d and %d",
                    INT_MIN, INT_MAX);
        return -1;
    }
    if (id < 0 || id >= server.databases) {
        reply_error(c, "DB index is out of range");
        return -1;
    }
    *db = &server.db[id];
    return 0;
}

/* SELECT index */
void cmd_select(struct client *c)
{
    struct db *db;
    if (db_index_or_reply(c, &c->argv[1], &db) == 0) {
        c->db = db;
        reply_ok(c);
    }
}

/* DEL key [key ...] / UNLINK key [key ...] */
void cmd_del(struct client *c)
{
    long long deleted = 0;
    for (int i = 1; i < c->argc; i++) {
        db_expire_if_needed(c->db, c->argv[i].ptr, c->argv[i].len);
        if (db_delete(c->db, c->argv[i].ptr, c->argv[i].len)) {
            notify_arg(NOTIFY_GENERIC, "del", &c->argv[i], c->db->id);
            deleted++;
        }
    }
    server.dirty += deleted;
    reply_integer(c, deleted);
}

/* EXISTS key [key ...]: repeated keys count repeatedly. */
void cmd_exists(struct client *c)
{
    long long n = 0;
    for (int i = 1; i < c->argc; i++) {
        if (db_lookup_read(c->db, c->argv[i].ptr, c->argv[i].len) != NULL) {
            n++;
        }
    }
    reply_integer(c, n);
}

/* TOUCH key [key ...] */
void cmd_touch(struct client *c)
{
    long long n = 0;
    for (int i = 1; i < c->argc; i++) {
        if (db_lookup_read(c->db, c->argv[i].ptr, c->argv[i].len) != NULL) {
            n++;
        }
    }
    reply_integer(c, n);
}

/* TYPE key */
void cmd_type(struct client *c)
{
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
    reply_simple(c, o != NULL ? object_type_name(o) : "none");
}

static void db_rename_generic(struct client *c, bool nx)
{
    const struct arg *src = &c->argv[1], *dst = &c->argv[2];
    struct object *o = db_lookup_write(c->db, src->ptr, src->len);
    if (o == NULL) {
        reply_error(c, "no such key");
        return;
    }
    if (src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0) {
        if (nx) {
            reply_integer(c, 0);
        } else {
            reply_ok(c);
        }
        return;
    }
    long long expire = db_get_expire(c->db, src->ptr, src->len);
    if (db_lookup_write(c->db, dst->ptr, dst->len) != NULL) {
        if (nx) {
            reply_integer(c, 0);
            return;
        }
        db_delete(c->db, dst->ptr, dst->len);
    }
    object_incr_ref(o);
    db_delete(c->db, src->ptr, src->len);
    db_add(c->db, dst->ptr, dst->len, o);
    if (expire != -1) {
        db_set_expire(c->db, dst->ptr, dst->len, expire);
    }
    db_signal_modified(c->db, dst->ptr, dst->len);
    notify_arg(NOTIFY_GENERIC, "rename_from", src, c->db->id);
    notify_arg(NOTIFY_GENERIC, "rename_to", dst, c->db->id);
    server.dirty++;
    if (nx) {
        reply_integer(c, 1);
    } else {
        reply_ok(c);
    }
}

/* RENAME key newkey */
void cmd_rename(struct client *c)
{
    db_rename_generic(c, false);
}

/* RENAMENX key newkey */
void cmd_renamenx(struct client *c)
{
    db_rename_generic(c, true);
}

/* MOVE key db */
void cmd_move(struct client *c)
{
    struct db *dst;
    if (db_index_or_reply(c, &c->argv[2], &dst) != 0) {
        return;
    }
    if (dst == c->db) {
        reply_error(c, "source and destination objects are the same");
        return;
    }
    const struct arg *key = &c->argv[1];
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    if (o == NULL || db_lookup_write(dst, key->ptr, key->len) != NULL) {
        reply_integer(c, 0);
        return;
    }
    long long expire = db_get_expire(c->db, key->ptr, key->len);
    object_incr_ref(o);
    db_delete(c->db, key->ptr, key->len);
    db_add(dst, key->ptr, key->len, o);
    if (expire != -1) {
        db_set_expire(dst, key->ptr, key->len, expire);
    }
    db_signal_modified(dst, key->ptr, key->len);
    notify_arg(NOTIFY_GENERIC, "move_from", key, c->db->id);
    notify_arg(NOTIFY_GENERIC, "move_to", key, dst->id);
    server.dirty++;
    reply_integer(c, 1);
}

/* COPY source destination [DB destination-db] [REPLACE]: the value is
 * copied through its DUMP form, which serves every type (consumer groups
 * of streams included) with the code RESTORE already trusts. */
void cmd_copy(struct client *c)
{
    struct db *dst = c->db;
    bool replace = false;
    for (int j = 3; j < c->argc; j++) {
        if (arg_is(&c->argv[j], "replace")) {
            replace = true;
        } else if (arg_is(&c->argv[j], "db") && j + 1 < c->argc) {
            long long id;
            if (arg_ll_or_reply(c, &c->argv[j + 1], &id, NULL) != 0) {
                return;
            }
            if (id < INT_MIN || id > INT_MAX) {
                reply_error(c, "value is out of range, value must between "
                               "-2147483648 and 2147483647");
                return;
            }
            if (id < 0 || id >= server.databases) {
                reply_error(c, "DB index is out of range");
                return;
            }
            dst = &server.db[id];
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    const struct arg *key = &c->argv[1], *newkey = &c->argv[2];
    if (dst == c->db && key->len == newkey->len &&
        memcmp(key->ptr, newkey->ptr, key->len) == 0) {
        reply_error(c, "source and destination objects are the same");
        return;
    }
    struct object *o = db_lookup_read(c->db, key->ptr, key->len);
    if (o == NULL) {
        reply_integer(c, 0);
        return;
    }
    long long expire = db_get_expire(c->db, key->ptr, key->len);
    bool exists = db_lookup_write(dst, newkey->ptr, newkey->len) != NULL;
    if (exists && !replace) {
        reply_integer(c, 0);
        return;
    }
    char *payload = rdb_dump_payload(o);
    char err[128];
    struct object *copy = rdb_payload_load(payload, sds_len(payload), err,
                                           sizeof(err));
    sds_free(payload);
    if (copy == NULL) {
        reply_error(c, "cannot copy the value: %s", err);
        return;
    }
    if (exists) {
        db_delete(dst, newkey->ptr, newkey->len);
    }
    db_add(dst, newkey->ptr, newkey->len, copy);
    if (expire != -1) {
        db_set_expire(dst, newkey->ptr, newkey->len, expire);
    }
    db_signal_modified(dst, newkey->ptr, newkey->len);
    notify_arg(NOTIFY_GENERIC, "copy_to", newkey, dst->id);
    server.dirty++;
    reply_integer(c, 1);
}

/* Parse a SWAPDB index: an int, or 'msg'. */
static int db_swap_index_or_reply(struct client *c, const struct arg *a,
                                  const char *msg, long long *id)
{
    if (util_str2ll(a->ptr, a->len, id) != 0 || *id < INT_MIN ||
        *id > INT_MAX) {
        reply_error(c, "%s", msg);
        return -1;
    }
    return 0;
}

/* Signal every key of 'from' as changed in 'db' (WATCH, blocked clients). */
static void db_signal_keys_of(struct db *db, struct db *from)
{
    struct db_iter it;
    db_iter_init(&it, from);
    struct dict_entry *e;
    while ((e = db_iter_next(&it)) != NULL) {
        db_signal_modified(db, e->key, sds_len(e->key));
    }
    db_iter_release(&it);
}

/* SWAPDB index1 index2: the two databases trade their keys; clients stay
 * on their database number. A watcher of a key that exists on either
 * side is told, and blocked clients of keys that now exist are served,
 * as in Redis (here by signalling each key of both sides). */
void cmd_swapdb(struct client *c)
{
    long long id1, id2;
    if (db_swap_index_or_reply(c, &c->argv[1], "invalid first DB index",
                               &id1) != 0 ||
        db_swap_index_or_reply(c, &c->argv[2], "invalid second DB index",
                               &id2) != 0) {
        return;
    }
    if (id1 < 0 || id1 >= server.databases || id2 < 0 ||
        id2 >= server.databases) {
        reply_error(c, "DB index is out of range");
        return;
    }
    struct db *a = &server.db[id1], *b = &server.db[id2];
    if (a != b) {
        struct db t = *a;
        int ida = a->id, idb = b->id;
        *a = *b;
        *b = t;
        a->id = ida;
        b->id = idb;
        db_signal_keys_of(a, a);
        db_signal_keys_of(a, b);
        db_signal_keys_of(b, a);
        db_signal_keys_of(b, b);
    }
    server.dirty++;
    reply_ok(c);
}

/* KEYS pattern */
void cmd_keys(struct client *c)
{
    const struct arg *pat = &c->argv[1];
    bool all = pat->len == 1 && pat->ptr[0] == '*';
    size_t handle = reply_defer_len(c);
    long long n = 0;
    struct db_iter it;
    db_iter_init(&it, c->db);
    struct dict_entry *e;
    while ((e = db_iter_next(&it)) != NULL) {
        size_t len = sds_len(e->key);
        if ((all || util_glob_match(pat->ptr, pat->len, e->key, len, false))
            && !db_key_is_expired(c->db, e->key, len)) {
            reply_bulk(c, e->key, len);
            n++;
        }
    }
    db_iter_release(&it);
    reply_set_array_len(c, handle, n);
}

int db_scan_cursor_or_reply(struct client *c, const struct arg *a,
                            uint64_t *cursor)
{
    /* strtoull's rules, as Redis: a sign is allowed (a negative value
     * wraps), "" is 0, leading blanks and trailing bytes are not. */
    char buf[32];
    if (a->len >= sizeof(buf) ||
        (a->len > 0 && isspace((unsigned char)a->ptr[0]))) {
        reply_error(c, "invalid cursor");
        return -1;
    }
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (*end != '\0' || errno == ERANGE) {
        reply_error(c, "invalid cursor");
        return -1;
    }
    *cursor = v;
    return 0;
}

/* Bits of a keyspace SCAN cursor that hold the slot; the slot table's own
 * cursor is above them. */
#define DB_SCAN_SLOT_BITS 10

/* Walk the slot tables of 'db' from '*cursor' until about 'count' keys are
 * found or the scan is complete ('*cursor' 0). Returns the entries found
 * (owned array of borrowed entries, '*found' of them). */
static const struct dict_entry **db_scan_walk(struct db *db,
                                              uint64_t *cursor,
                                              long long count,
                                              size_t *found)
{
    unsigned slot = (unsigned)(*cursor & (SLOT_COUNT - 1));
    uint64_t inner = *cursor >> DB_SCAN_SLOT_BITS;
    const struct dict_entry **all = NULL;
    size_t n = 0;
    /* Each walk of a table visits at most count*10 buckets: bound the
     * walks too, so a sparse keyspace cannot make one step long. */
    long long walks = count;
    while (slot < SLOT_COUNT && (long long)n < count && walks > 0) {
        size_t got = 0;
        const struct dict_entry **part = NULL;
        if (dict_size(db->slots[slot]) > 0) {
            walks--;
            part = scan_walk(db->slots[slot], &inner, count - (long long)n,
                             &got);
        } else {
            inner = 0;
        }
        if (got > 0) {
            all = mem_realloc(all, (n + got) * sizeof(*all));
            memcpy(all + n, part, got * sizeof(*all));
            n += got;
        }
        mem_free(part);
        if (inner == 0) {
            slot++;
        }
    }
    *cursor = slot < SLOT_COUNT ? inner << DB_SCAN_SLOT_BITS | slot : 0;
    *found = n;
    return all;
}

/* Reply to a SCAN step that found 'entries' and continues at 'cursor'. */
static void db_scan_reply(struct client *c, const struct scan_opts *opts,
                          const struct dict_entry **entries, size_t found,
                          uint64_t cursor)
{
    reply_array(c, 2);
    reply_bulk_ll(c, (long long)cursor);
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (size_t i = 0; i < found; i++) {
        const char *k = entries[i]->key;
        size_t len = sds_len(k);
        if (!scan_opts_match(opts, k, len)) {
            continue;
        }
        if (db_key_is_expired(c->db, k, len)) {
            continue;
        }
        if (opts->type != NULL) {
            struct dict_entry *e = db_find(c->db, k, len);
            if (e == NULL ||
                strcasecmp(opts->type, object_type_name(e->v.ptr)) != 0) {
                continue;
            }
        }
        reply_bulk(c, k, len);
        n++;
    }
    reply_set_array_len(c, handle, n);
}

void db_scan_keys(struct client *c, struct dict *d, uint64_t cursor,
                  int first_opt)
{
    struct scan_opts opts;
    if (scan_opts_or_reply(c, first_opt, true, &opts) != 0) {
        return;
    }
    size_t found;
    const struct dict_entry **entries = scan_walk(d, &cursor, opts.count,
                                                  &found);
    db_scan_reply(c, &opts, entries, found, cursor);
    mem_free(entries);
}

/* SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: the cursor's low
 * DB_SCAN_SLOT_BITS bits are the slot, the rest the cursor in its table,
 * so every key present for the whole scan is returned at least once. */
void cmd_scan(struct client *c)
{
    uint64_t cursor;
    struct scan_opts opts;
    if (db_scan_cursor_or_reply(c, &c->argv[1], &cursor) != 0 ||
        scan_opts_or_reply(c, 2, true, &opts) != 0) {
        return;
    }
    size_t found;
    const struct dict_entry **entries = db_scan_walk(c->db, &cursor,
                                                     opts.count, &found);
    db_scan_reply(c, &opts, entries, found, cursor);
    mem_free(entries);
}

/* RANDOMKEY */
void cmd_randomkey(struct client *c)
{
    char *key = db_random_key(c->db);
    if (key == NULL) {
        reply_null(c);
        return;
    }
    reply_bulk_sds(c, key);
    sds_free(key);
}

/* DBSIZE */
void cmd_dbsize(struct client *c)
{
    reply_integer(c, (long long)db_size(c->db));
}

/* Check the optional ASYNC|SYNC of FLUSHDB / FLUSHALL. */
static int db_flush_flags_or_reply(struct client *c)
{
    if (c->argc == 1) {
        return 0;
    }
    if (c->argc == 2 && (arg_is(&c->argv[1], "async") ||
                         arg_is(&c->argv[1], "sync"))) {
        return 0;
    }
    reply_syntax_error(c);
    return -1;
}

/* FLUSHDB [ASYNC|SYNC] */
void cmd_flushdb(struct client *c)
{
    if (db_flush_flags_or_reply(c) != 0) {
        return;
    }
    server.dirty += db_empty(c->db) + 1;
    reply_ok(c);
}

/* FLUSHALL [ASYNC|SYNC] */
void cmd_flushall(struct client *c)
{
    if (db_flush_flags_or_reply(c) != 0) {
        return;
    }
    for (int i = 0; i < server.databases; i++) {
        server.dirty += db_empty(&server.db[i]);
    }
    server.dirty++;
    reply_ok(c);
}

/* OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key | OBJECT HELP */
void cmd_object(struct client *c)
{
    const struct arg *sub = &c->argv[1];
    if (arg_is(sub, "help") && c->argc == 2) {
        reply_array(c, 5);
        reply_simple(c, "OBJECT <subcommand> [<arg> [value] [opt] ...]. "
                        "Subcommands are:");
        reply_simple(c, "ENCODING <key>");
        reply_simple(c, "FREQ <key>");
        reply_simple(c, "IDLETIME <key>");
        reply_simple(c, "REFCOUNT <key>");
        return;
    }
    static const char *subs[] = { "encoding", "refcount", "idletime",
                                  "freq", "help" };
    const char *known = NULL;
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (arg_is(sub, subs[i])) {
            known = subs[i];
        }
    }
    if (known == NULL) {
        reply_error(c, "unknown subcommand '%.128s'. Try OBJECT HELP.",
                    sub->ptr);
        return;
    }
    if (c->argc != 3 || strcmp(known, "help") == 0) {
        reply_error(c, "wrong number of arguments for 'object|%s' command",
                    known);
        return;
    }
    /* Look the key up without touching its access time. */
    const struct arg *key = &c->argv[2];
    struct dict_entry *e = NULL;
    if (!db_expire_if_needed(c->db, key->ptr, key->len)) {
        e = db_find(c->db, key->ptr, key->len);
    }
    struct object *o = e != NULL ? e->v.ptr : NULL;
    if (o == NULL) {
        reply_null(c);
    } else if (arg_is(sub, "encoding")) {
        reply_bulk_str(c, object_encoding_name(o));
    } else if (arg_is(sub, "refcount")) {
        reply_integer(c, o->refcount);
    } else if (arg_is(sub, "idletime") && evict_lfu()) {
        reply_error(c, "An LFU maxmemory policy is selected, idle time not "
                       "tracked. Please note that when switching between "
                       "policies at runtime LRU and LFU data will take some "
                       "time to adjust.");
    } else if (arg_is(sub, "idletime")) {
        reply_integer(c, (uint16_t)(server_lru_clock() - o->lru));
    } else if (evict_lfu()) {
        reply_integer(c, evict_lfu_value(o));
    } else {
        reply_error(c, "An LFU maxmemory policy is not selected, access "
                       "frequency not tracked. Please note that when "
                       "switching between policies at runtime LRU and LFU "
                       "data will take some time to adjust.");
    }
}
