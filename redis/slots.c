/* Codis slots on the server side: a database keeps its keys in one table
 * per slot (crc32 of the key or of its {tag}, modulo 1024, from lib/slot;
 * see struct db), so the slot commands cost O(keys in the slot) with no
 * index beside the keyspace; and every key that has a tag is indexed under
 * the crc of its tag, so migration can move all keys of a tag together.
 * db.c calls slots_tag_add / slots_tag_del on every add and delete of a
 * tagged key; nothing else writes the tag index.
 *
 * Commands: SLOTSHASHKEY, SLOTSINFO, SLOTSDEL, SLOTSSCAN, SLOTSCHECK, with
 * the arguments and replies of Codis's redis fork (codis-facts.md §2).
 * Migration (SLOTSMGRT*, SLOTSRESTORE) builds on slots_random_key,
 * slots_tag_keys and slots_parse_slot_or_reply; it is not here. */
#include <string.h>

#include "lib/mem.h"
#include "redis/server.h"

/* Tag sets: the keys belong to the keyspace. */
static const struct dict_type slots_key_type = { false, NULL };

static void slots_free_tagset(void *ptr)
{
    dict_free(ptr);
}

/* Tag crc (4 bytes, as an sds key) -> set of keys having that tag crc. */
static const struct dict_type slots_tag_type = { true, slots_free_tagset };

void slots_init_db(struct db *db)
{
    db->tags = dict_new(&slots_tag_type);
}

void slots_release_db(struct db *db)
{
    dict_free(db->tags);
    db->tags = NULL;
}

void slots_clear_db(struct db *db)
{
    dict_clear(db->tags);
}

unsigned slots_locate(const char *key, size_t len, bool *has_tag,
                      uint32_t *crc)
{
    const char *tag;
    size_t tag_len;
    *has_tag = slot_tag(key, len, &tag, &tag_len);
    *crc = slot_crc32(tag, tag_len);
    return *crc % SLOT_COUNT;
}

void slots_tag_add(struct db *db, uint32_t crc, char *key)
{
    struct dict_entry *e = dict_find(db->tags, &crc, sizeof(crc));
    if (e == NULL) {
        e = dict_insert(db->tags, sds_new(&crc, sizeof(crc)));
        e->v.ptr = dict_new_keys_only(&slots_key_type);
    }
    dict_insert(e->v.ptr, key);
}

void slots_tag_del(struct db *db, uint32_t crc, const char *key, size_t len)
{
    struct dict_entry *e = dict_find(db->tags, &crc, sizeof(crc));
    if (e != NULL) {
        dict_delete(e->v.ptr, key, len);
        if (dict_size(e->v.ptr) == 0) {
            dict_delete(db->tags, &crc, sizeof(crc));
        }
    }
}

size_t slots_count(struct db *db, unsigned slot)
{
    return dict_size(db->slots[slot]);
}

struct dict *slots_tag_keys(struct db *db, uint32_t crc)
{
    struct dict_entry *e = dict_find(db->tags, &crc, sizeof(crc));
    return e != NULL ? e->v.ptr : NULL;
}

const char *slots_random_key(struct db *db, unsigned slot)
{
    struct dict_entry *e = dict_random(db->slots[slot]);
    return e != NULL ? e->key : NULL;
}

int slots_parse_slot_or_reply(struct client *c, const struct arg *a,
                              unsigned *slot)
{
    long long v;
    if (arg_ll_or_reply(c, a, &v, NULL) != 0) {
        return -1;
    }
    if (v < 0 || v >= SLOT_COUNT) {
        reply_error(c, "invalid slot number = %lld", v);
        return -1;
    }
    *slot = (unsigned)v;
    return 0;
}

/* SLOTSHASHKEY [key ...] */
void cmd_slotshashkey(struct client *c)
{
    reply_array(c, c->argc - 1);
    for (int i = 1; i < c->argc; i++) {
        reply_integer(c, slot_of_key(c->argv[i].ptr, c->argv[i].len));
    }
}

/* SLOTSINFO [start] [count] */
void cmd_slotsinfo(struct client *c)
{
    if (c->argc > 3) {
        reply_error(c, "wrong number of arguments for 'slotsinfo' command");
        return;
    }
    unsigned start = 0, end = SLOT_COUNT;
    if (c->argc >= 2 &&
        slots_parse_slot_or_reply(c, &c->argv[1], &start) != 0) {
        return;
    }
    if (c->argc >= 3) {
        long long count;
        if (arg_ll_or_reply(c, &c->argv[2], &count, NULL) != 0) {
            return;
        }
        if (count < 0) {
            reply_error(c, "invalid slot count = %lld", count);
            return;
        }
        end = count < SLOT_COUNT - start ? start + (unsigned)count
                                         : SLOT_COUNT;
    }
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (unsigned s = start; s < end; s++) {
        size_t size = dict_size(c->db->slots[s]);
        if (size > 0) {
            reply_array(c, 2);
            reply_integer(c, s);
            reply_integer(c, (long long)size);
            n++;
        }
    }
    reply_set_array_len(c, handle, n);
}

/* SLOTSDEL slot [slot ...] */
void cmd_slotsdel(struct client *c)
{
    unsigned *slots = mem_alloc((size_t)(c->argc - 1) * sizeof(*slots));
    for (int i = 1; i < c->argc; i++) {
        if (slots_parse_slot_or_reply(c, &c->argv[i], &slots[i - 1]) != 0) {
            mem_free(slots);
            return;
        }
    }
    reply_array(c, c->argc - 1);
    for (int i = 0; i < c->argc - 1; i++) {
        struct dict *d = c->db->slots[slots[i]];
        struct dict_iter it;
        struct dict_entry *e;
        dict_iter_init(&it, d);
        while ((e = dict_iter_next(&it)) != NULL) {
            db_delete(c->db, e->key, sds_len(e->key));
            server.dirty++;
        }
        dict_iter_release(&it);
        dict_shrink_if_needed(d);
        reply_array(c, 2);
        reply_integer(c, slots[i]);
        reply_integer(c, (long long)dict_size(d));
    }
    mem_free(slots);
}

/* SLOTSSCAN slot cursor [COUNT count] */
void cmd_slotsscan(struct client *c)
{
    if (c->argc != 3 && c->argc != 5) {
        reply_error(c, "wrong number of arguments for 'slotsscan' command");
        return;
    }
    unsigned slot;
    uint64_t cursor;
    if (slots_parse_slot_or_reply(c, &c->argv[1], &slot) != 0 ||
        db_scan_cursor_or_reply(c, &c->argv[2], &cursor) != 0) {
        return;
    }
    if (c->argc == 5 && !arg_is(&c->argv[3], "count")) {
        reply_syntax_error(c);
        return;
    }
    db_scan_keys(c, c->db->slots[slot], cursor, 3);
}

/* Report the first key of 'd' that is not a key of c->db, or (when
 * 'slot' >= 0) is not in 'slot', as SLOTSCHECK's error. Returns -1 if
 * there is one. */
static int slots_check_table(struct client *c, int step, struct dict *d,
                             int slot)
{
    struct dict_iter it;
    struct dict_entry *e;
    int rc = 0;
    dict_iter_init(&it, d);
    while ((e = dict_iter_next(&it)) != NULL) {
        size_t len = sds_len(e->key);
        if ((slot >= 0 && slot_of_key(e->key, len) != (unsigned)slot) ||
            db_find(c->db, e->key, len) == NULL) {
            reply_error(c, "step %d, miss = '%s'", step, e->key);
            rc = -1;
            break;
        }
    }
    dict_iter_release(&it);
    return rc;
}

/* SLOTSCHECK: every key sits in its slot's table, and the tag index
 * agrees with the keyspace. */
void cmd_slotscheck(struct client *c)
{
    for (int s = 0; s < SLOT_COUNT; s++) {
        if (slots_check_table(c, 1, c->db->slots[s], s) != 0) {
            return;
        }
    }
    struct dict_iter it;
    struct dict_entry *e;
    int rc = 0;
    dict_iter_init(&it, c->db->tags);
    while (rc == 0 && (e = dict_iter_next(&it)) != NULL) {
        rc = slots_check_table(c, 3, e->v.ptr, -1);
    }
    dict_iter_release(&it);
    if (rc == 0) {
        reply_ok(c);
    }
}
