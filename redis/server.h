/* The server engine's core API: the object model, databases, clients and
 * replies, the command table and the global server state. Every file of
 * redis/ includes this header; roles/server/ starts the engine through
 * server_init / server_run.
 *
 * Reading order for a newcomer: struct object (a value), struct db (a
 * keyspace, with its slot and tag indexes), struct client (a connection
 * and its request), struct command (a lib/cmdspec row and its handler),
 * then the db_*, reply_* and arg_* families below, which command handlers use.
 *
 * How a request flows: networking.c reads bytes into the client's query
 * buffer and parses them in place with lib/resp (arguments are views into
 * that buffer, NUL-terminated in place); server_process_command looks the
 * name up in the command table, checks arity, authentication and memory
 * once, then server_call runs the handler, which replies through reply_*.
 * If the handler changed the dataset it bumps server.dirty; server_call
 * then hands the command to the propagation hooks (AOF, replicas) through
 * server_propagate. Replies accumulate in the client's output buffer and
 * are written when the read batch is done.
 *
 * Adding a command: write `void cmd_foo(struct client *c)` in the file of
 * its group (t_list.c ...), then add its prototype and its row in
 * redis/commands.c. Adding a data type: an OBJ_* value below, its free
 * and name in object.c, its commands as above, and its functions in the
 * container API section (new, add, len, each) so that RDB, DUMP/RESTORE
 * and migration can carry it. A command that may wait for data parks the
 * client with blocking_block; one that changes a key in place calls
 * db_signal_modified (WATCH and blocked clients hear it there). */
#ifndef CODIS_SERVER_H
#define CODIS_SERVER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/cmdspec.h"
#include "lib/resp.h"
#include "lib/slot.h"
#include "redis/dict.h"
#include "redis/sds.h"

struct event;
struct event_base;
struct loop;
struct evconnlistener;
struct client;
struct arg;
struct repl_link;

/* ------------------------------------------------------------------------
 * Limits and defaults */

#define SERVER_VERSION CMDSPEC_REDIS_VERSION /* the Redis version we mimic */
#define SERVER_DEFAULT_PORT 6379
#define SERVER_DEFAULT_DBNUM 16
#define SERVER_IOBUF_LEN (16 * 1024)     /* bytes per read() */
#define SERVER_LONG_STR_SIZE 21          /* digits of a long long + NUL */
#define SERVER_MAX_STRING (512LL * 1024 * 1024) /* largest string value */

/* ------------------------------------------------------------------------
 * Objects: every value in a database is a struct object. */

/* Value types, as TYPE reports them (names in object.c). */
enum obj_type {
    OBJ_STRING = 0,
    OBJ_LIST = 1,
    OBJ_SET = 2,
    OBJ_ZSET = 3,
    OBJ_HASH = 4,
    OBJ_STREAM = 5, /* struct stream (stream.h, t_stream.c) */
};

/* How a value is stored. A type's author adds its encodings here. */
enum obj_encoding {
    OBJ_ENC_RAW = 0,    /* string: ptr is an sds string of its own */
    OBJ_ENC_INT = 1,    /* string: ptr holds a long long (no allocation) */
    OBJ_ENC_EMBSTR = 2, /* string: sds stored in the object's allocation */
    OBJ_ENC_QUICKLIST = 3, /* list: listpack nodes (quicklist.h) */
    OBJ_ENC_HT = 4,     /* hash, set: a dict (t_hash.c, t_set.c) */
    OBJ_ENC_SKIPLIST = 5, /* zset: skiplist + dict (t_zset.c) */
    OBJ_ENC_STREAM = 6, /* stream: nodes of entries (stream.c) */
    OBJ_ENC_INTSET = 7, /* set: a dict holding only integers, at most 512,
                         * replied in numeric order as Redis's intset */
    OBJ_ENC_LISTPACK = 8, /* hash, zset: one listpack (listpack.h) */
};

/* A value. Reference counted: whoever stores a pointer to it holds a
 * reference (object_incr_ref); object_decr_ref frees it at zero through
 * its type's free function. */
struct object {
    uint8_t type;     /* enum obj_type */
    uint8_t encoding; /* enum obj_encoding */
    uint16_t lru;     /* server_lru_clock() at the last access (evict.c) */
    uint32_t refcount;
    void *ptr;        /* type- and encoding-specific */
};

/* A new object of 'type'/'encoding' holding 'ptr' (taken), refcount 1. */
struct object *object_new(enum obj_type type, enum obj_encoding encoding,
                          void *ptr);

/* A new string object holding a copy of 'len' bytes at 'p'. Short strings
 * are embedded in the object (one allocation); with 'try_int', a canonical
 * decimal integer is stored as OBJ_ENC_INT. */
struct object *object_new_string(const char *p, size_t len, bool try_int);

/* A new string object that takes the sds string 's'. */
struct object *object_new_sds(char *s);

/* A new integer-encoded string object; 0 .. 9999 come as shared objects
 * (refcount OBJECT_SHARED_REFCOUNT, which reference counting leaves
 * alone), unless maxmemory evicts by LRU or LFU. */
#define OBJECT_SHARED_REFCOUNT INT32_MAX
#define OBJECT_SHARED_INTS 10000
struct object *object_new_int(long long value);

/* Reference counting; decr frees at zero. NULL is fine for decr. */
void object_incr_ref(struct object *o);
void object_decr_ref(struct object *o);

/* The bytes of string object 'o' and their length. For OBJ_ENC_INT the
 * digits are written into 'buf' (SERVER_LONG_STR_SIZE bytes). Borrowed:
 * valid while 'o' and 'buf' live and 'o' is unchanged. */
const char *object_string(const struct object *o, char *buf, size_t *len);

/* Length of string object 'o' in bytes. */
size_t object_string_len(const struct object *o);

/* The integer value of string object 'o'. Returns 0, or -1 if its text is
 * not a canonical long long. */
int object_get_ll(const struct object *o, long long *value);

/* Make string object 'o' (refcount 1) OBJ_ENC_RAW so its sds may be
 * changed in place; returns o->ptr. */
char *object_string_make_raw(struct object *o);

/* "string", "list", "set", "zset", "hash". */
const char *object_type_name(const struct object *o);

/* The encoding's name, as OBJECT ENCODING reports it. */
const char *object_encoding_name(const struct object *o);

/* ------------------------------------------------------------------------
 * Container API (t_list.c, t_hash.c, t_set.c, t_zset.c)
 *
 * What persistence (RDB, DUMP/RESTORE, AOF rewrite) and replication need to
 * serialise a list, hash, set or sorted set value and to build it again,
 * without knowing how each type stores its elements. This API is stable:
 * callers may rely on it as written here.
 *
 * Building: <type>_type_new returns an empty value object (refcount 1,
 * owned by the caller); add elements with the add/push call; store it with
 * db_add once it has at least one element (a key never holds an empty
 * container). Element bytes are copied; a value may hold any bytes.
 *
 * Walking: <type>_type_each calls 'fn' once per element, in list order for
 * lists and by ascending score (then member bytes) for sorted sets; hashes
 * and sets come in no particular order. The value must not change during
 * the walk. If 'fn' returns non-zero the walk stops and that value is
 * returned; otherwise each returns 0. */

/* Called with one element of a list or a set. */
typedef int (*container_elem_fn)(void *priv, const char *p, size_t len);

/* Called with one field and value of a hash. */
typedef int (*container_pair_fn)(void *priv, const char *field,
                                 size_t field_len, const char *value,
                                 size_t value_len);

/* Called with one member of a sorted set and its score. */
typedef int (*container_scored_fn)(void *priv, const char *member,
                                   size_t len, double score);

/* Lists. list_type_push appends at the tail. */
struct object *list_type_new(void);
void list_type_push(struct object *o, const char *p, size_t len);
size_t list_type_len(const struct object *o);
int list_type_each(const struct object *o, container_elem_fn fn,
                   void *priv);
/* The same over the elements at indexes 'start' .. 'start' + 'count' - 1
 * that exist, so a walk can pause between calls. */
int list_type_each_range(const struct object *o, size_t start, size_t count,
                         container_elem_fn fn, void *priv);

/* Hashes. hash_type_set adds or replaces 'field'; returns true if the
 * field is new. */
struct object *hash_type_new(void);
bool hash_type_set(struct object *o, const char *field, size_t field_len,
                   const char *value, size_t value_len);
size_t hash_type_len(const struct object *o);
int hash_type_each(const struct object *o, container_pair_fn fn,
                   void *priv);

/* The value of 'field' ('len' bytes) in hash 'o' and its length in
 * '*vlen', or NULL. Borrowed: valid until the hash changes; an integer
 * value is written into 'buf' (LISTPACK_INTBUF bytes). */
const char *hash_type_get(struct object *o, const char *field, size_t len,
                          size_t *vlen, char *buf);

/* Sets. set_type_add returns true if 'p' was not a member yet. */
struct object *set_type_new(void);
bool set_type_add(struct object *o, const char *p, size_t len);
size_t set_type_len(const struct object *o);
int set_type_each(const struct object *o, container_elem_fn fn, void *priv);

/* Sorted sets. zset_type_add adds 'member' with 'score' (not NaN) or
 * updates its score; returns true if the member is new. */
struct object *zset_type_new(void);
bool zset_type_add(struct object *o, const char *member, size_t len,
                   double score);
size_t zset_type_len(const struct object *o);
int zset_type_each(const struct object *o, container_scored_fn fn,
                   void *priv);

/* zset_type_add for the members of a compact RDB or DUMP blob: as Redis
 * loads one, only zset-max-listpack-entries converts it, not a long
 * member. */
bool zset_type_add_compact(struct object *o, const char *member, size_t len,
                           double score);

/* Write 'score' into 'buf' as a listpack holds it (an integer's digits,
 * else %.17g); returns the length. */
#define ZSET_SCORE_TEXT_SIZE 32
size_t zset_type_score_text(char *buf, double score);

/* The options of a SCAN-family command, parsed by scan_opts_or_reply. */
struct scan_opts {
    const struct arg *pattern; /* MATCH, NULL for none or "*" */
    long long count;           /* COUNT (>= 1), 10 if absent */
    const char *type;          /* TYPE (keyspace scans only), or NULL */
};

/* Parse [MATCH p] [COUNT n] (and [TYPE t] with 'with_type') from
 * c->argv[first] on into 'o', or reply a syntax or integer error.
 * Returns 0 / -1. 'o' borrows c->argv. t_scan.c. */
int scan_opts_or_reply(struct client *c, int first, bool with_type,
                       struct scan_opts *o);

/* True if 'key' ('len' bytes) passes the MATCH pattern of 'o'. */
bool scan_opts_match(const struct scan_opts *o, const char *key, size_t len);

/* One step of a scan of 'd' (NULL: empty) from '*cursor': visit buckets
 * until about 'count' entries were found or count*10 more buckets were
 * seen; '*cursor' becomes the next cursor (0: done). Returns the entries
 * found ('*found' of them): the array is owned (mem_free), the entries
 * borrowed until 'd' changes. t_scan.c. */
const struct dict_entry **scan_walk(struct dict *d, uint64_t *cursor,
                                    long long count, size_t *found);

/* HSCAN / SSCAN / ZSCAN key cursor [MATCH p] [COUNT n] over 'd' (NULL:
 * a missing key), replying each member with, per 'kind', nothing, its sds
 * value (v.ptr) or its score (v.d). t_scan.c. */
enum scan_values { SCAN_KEYS_ONLY, SCAN_SDS_VALUES, SCAN_SCORES };
void scan_container(struct client *c, struct dict *d, enum scan_values kind);

/* The same over a listpack of member, value pairs (SCAN_SDS_VALUES, the
 * value replied as is; SCAN_SCORES, the value a score's text): all of it
 * in one call with cursor 0, as Redis scans its small encodings. */
void scan_listpack(struct client *c, unsigned char *lp,
                   enum scan_values kind);

/* An array (owned, mem_free) whose first min(count, size) slots are a
 * random sample of the entries of 'd' (borrowed) without repeats. Nothing
 * may change 'd' while the array is used. t_scan.c. */
const struct dict_entry **scan_sample_distinct(struct dict *d, size_t count);

/* Strings (t_string.c). string_lookup_raw: the value of 'key' for a
 * write that changes its bytes in place: a raw, unshared string object
 * (borrowed); NULL after a WRONGTYPE reply (then '*wrong' is true), or NULL
 * without a reply if the key is missing. */
struct object *string_lookup_raw(struct client *c, const struct arg *key,
                                 bool *wrong);

/* Check that a string of 'size' bytes grown by 'append' more stays within
 * the 512 MB limit (proto-max-bulk-len); both are >= 0 and their sum need
 * not fit a long long. Replies and returns -1 if not. Our master's stream
 * and the AOF are obeyed as they come. */
int string_check_size_or_reply(struct client *c, long long size,
                               long long append);

/* Free a value of each type (object.c, when the last reference goes). */
void list_type_free(struct object *o);
void hash_type_free(struct object *o);
void set_type_free(struct object *o);
void zset_type_free(struct object *o);
void stream_type_free(struct object *o);

/* ------------------------------------------------------------------------
 * Databases */

/* One keyspace. The slot and tag indexes share the key strings owned by
 * 'dict'; db_* functions keep all four tables in step, so code outside
 * db.c never touches them directly for writes. */
/* A keyspace. Its keys live in one table per Codis slot, so the slot
 * commands find a slot's keys without any index beside the keyspace (no
 * memory per key beyond the table itself); db_find and db_iter hide the
 * split from the rest of the server. */
struct db {
    int id;
    struct dict *slots[SLOT_COUNT];    /* per slot: key -> struct object *
                                          (owns both) */
    struct dict *expires;              /* key -> v.s64 expiry, ms epoch */
    struct dict *tags;                 /* 4-byte tag crc -> dict of keys */
    size_t slot_tree[SLOT_COUNT + 1];  /* Fenwick tree of slot sizes, for
                                          db_size and a fair random key */
    unsigned resize_cursor;            /* next slot db_cron_resize visits */
    uint64_t expire_cursor;            /* active expiry scan position */
    long long avg_ttl;                 /* estimate, for INFO keyspace */
};

/* Walks every key of a db, slot by slot; a safe dict iterator underneath
 * (the entry returned last may be deleted, nothing else may change). */
struct db_iter {
    struct db *db;
    unsigned slot;      /* slot of 'it' */
    bool active;        /* 'it' is initialised */
    struct dict_iter it;
};

/* Set up / free database number 'id' (server_init / server_release). */
void db_init(struct db *db, int id);
void db_release(struct db *db);

/* Called after a key changed (WATCH, keyspace notifications). */
typedef void (*db_modified_fn)(struct db *db, const char *key, size_t len);

/* Register 'fn' to run on every db_signal_modified. */
void db_on_modified(db_modified_fn fn);

/* Tell the registered hooks that 'key' of 'db' changed; a NULL 'key'
 * means every key of 'db' (FLUSHDB). Every write command calls it for each
 * key it changes in place (db_set_key, db_delete and db_empty do it
 * themselves). */
void db_signal_modified(struct db *db, const char *key, size_t len);

/* The entry of 'key' in 'db' (key and value), or NULL, without lazy
 * expiry or access-time update. Borrowed: valid until the key changes. */
struct dict_entry *db_find(struct db *db, const char *key, size_t len);

/* Number of keys of 'db' (expired ones not yet deleted included). */
size_t db_size(const struct db *db);

/* Iterate every key of 'db': init, next until NULL, release (also when
 * stopping early). */
void db_iter_init(struct db_iter *it, struct db *db);
struct dict_entry *db_iter_next(struct db_iter *it);
void db_iter_release(struct db_iter *it);

/* A random entry of 'db' (each key about equally likely, expired or not),
 * or NULL if empty. Borrowed, as db_find. */
struct dict_entry *db_random_entry(struct db *db);

/* Cron: shrink sparse slot tables and move rehashing ones along, for
 * about 'ms' milliseconds in all. */
void db_cron_resize(struct db *db, int ms);

/* Lookups. Each applies lazy expiry first (deleting an expired key, unless
 * this server is a replica). _read also counts keyspace hits and misses.
 * Return the value (borrowed: valid until the key is changed) or NULL. */
struct object *db_lookup_read(struct db *db, const char *key, size_t len);
struct object *db_lookup_write(struct db *db, const char *key, size_t len);

/* Add 'key' with 'val' (reference taken); the key must not exist (checked
 * by assertion). The key is copied and indexed under its slot and tag. */
void db_add(struct db *db, const char *key, size_t len, struct object *val);

/* Replace the value of an existing 'key' (reference taken), keeping its
 * expiry. */
void db_overwrite(struct db *db, const char *key, size_t len,
                  struct object *val);

/* Set 'key' to 'val' (reference taken), adding or overwriting; removes any
 * expiry unless 'keep_ttl'; signals the change. */
void db_set_key(struct db *db, const char *key, size_t len,
                struct object *val, bool keep_ttl);

/* Delete 'key' with its expiry and index entries. Returns true if it
 * existed. Signals the change. */
bool db_delete(struct db *db, const char *key, size_t len);

/* True if 'key' exists (without touching hit/miss stats). */
bool db_exists(struct db *db, const char *key, size_t len);

/* Set the expiry of an existing 'key' to 'when' (ms since the epoch). */
void db_set_expire(struct db *db, const char *key, size_t len,
                   long long when);

/* The expiry of 'key' in ms since the epoch, or -1 if none. */
long long db_get_expire(struct db *db, const char *key, size_t len);

/* Remove the expiry of 'key'. Returns true if it had one. */
bool db_remove_expire(struct db *db, const char *key, size_t len);

/* True if 'key' has an expiry in the past (no deletion). */
bool db_key_is_expired(struct db *db, const char *key, size_t len);

/* If 'key' is expired, delete it (master) and propagate a DEL. Returns
 * true if the key is expired (deleted or, on a replica, only logically). */
bool db_expire_if_needed(struct db *db, const char *key, size_t len);

/* Delete every key of 'db'. Returns the number removed. */
long long db_empty(struct db *db);

/* A random live key of 'db' as a new sds string (owned), or NULL. */
char *db_random_key(struct db *db);

/* Parse a SCAN cursor (an unsigned 64-bit decimal) or reply "invalid
 * cursor". Returns 0 or -1. */
int db_scan_cursor_or_reply(struct client *c, const struct arg *a,
                            uint64_t *cursor);

/* The rest of SCAN over 'd', one slot's table of c->db (SLOTSSCAN): parse [MATCH p] [COUNT n] [TYPE t] from
 * argument 'first_opt' on, visit up to COUNT*10 buckets from 'cursor',
 * reply [next-cursor, [key ...]] without expired keys. */
void db_scan_keys(struct client *c, struct dict *d, uint64_t cursor,
                  int first_opt);

/* ------------------------------------------------------------------------
 * Clients */

/* Client flags (struct client.flags). */
#define CLIENT_CLOSE_AFTER_REPLY (1u << 0) /* close once output is flushed */
#define CLIENT_CLOSE_ASAP (1u << 1)        /* being freed asynchronously */
#define CLIENT_PROTOCOL_ERROR (1u << 2)    /* stop parsing input */
#define CLIENT_PREVENT_PROP (1u << 3)      /* don't propagate this command */
#define CLIENT_PENDING_WRITE (1u << 4)     /* write event installed */
#define CLIENT_IN_CALL (1u << 5)           /* a command runs now */
#define CLIENT_SLAVE (1u << 6)   /* a replica: gets the replication stream */
#define CLIENT_MASTER (1u << 7)  /* our master's link: no replies, no checks */
#define CLIENT_LOADER (1u << 8)  /* replays the AOF: no replies, no checks */
#define CLIENT_REPL_HOLD (1u << 9) /* replica still syncing: keep obuf */
#define CLIENT_WAIT_ACKS (1u << 10) /* in WAIT: input not processed */
#define CLIENT_AOF_WAIT (1u << 11)  /* replies wait for the AOF's fsync */
/* Flags of the data types' files (high bits, to stay apart from the
 * core's): */
#define CLIENT_BLOCKED (1u << 16)       /* waits in blocking.c */
#define CLIENT_DENY_BLOCKING (1u << 17) /* inside EXEC: never block */
#define CLIENT_MULTI (1u << 18)         /* in MULTI: commands are queued */
#define CLIENT_DIRTY_CAS (1u << 19)     /* a WATCHed key changed */
#define CLIENT_DIRTY_EXEC (1u << 20)    /* a queued command was refused */
#define CLIENT_PUBSUB (1u << 21)        /* subscribed to something */
/* Flags of the CLIENT command (networking.c): */
#define CLIENT_PAUSED (1u << 24)     /* held by CLIENT PAUSE: input waits */
#define CLIENT_NO_EVICT (1u << 25)   /* CLIENT NO-EVICT on */
#define CLIENT_REPLY_OFF (1u << 26)  /* CLIENT REPLY OFF: replies dropped */
#define CLIENT_REPLY_SKIP_NEXT (1u << 27) /* CLIENT REPLY SKIP was given */
#define CLIENT_REPLY_SKIP (1u << 28) /* this command's replies dropped */
#define CLIENT_PUSHING (1u << 29)    /* a push message is being written */

/* One argument of the current request: a view into the query buffer,
 * NUL-terminated in place. Valid until the command returns. */
struct arg {
    char *ptr;
    size_t len;
};

/* A connected client. */
struct client {
    uint64_t id;              /* unique, increasing */
    long long woff;           /* replication offset after this client's
                               * last propagated write: what WAIT waits for */
    int fd;
    unsigned flags;           /* CLIENT_* */
    int resp;                 /* protocol of its replies: 2, or 3 after
                               * HELLO 3 */
    struct db *db;            /* selected database */
    struct event *read_ev;
    struct event *write_ev;

    char *qbuf;               /* query buffer: bytes read, not consumed */
    size_t qlen;              /* bytes in qbuf */
    size_t qcap;              /* capacity of qbuf */
    struct resp_request req;  /* parser state over qbuf */
    int argc;                 /* current request */
    struct arg *argv;         /* 'argc' views, 'argv_cap' slots */
    int argv_cap;

    char *obuf;               /* output buffer: replies not yet written */
    size_t olen;              /* bytes in obuf */
    size_t opos;              /* bytes of obuf already written */
    size_t ocap;              /* capacity of obuf */
    long long obuf_soft_since; /* ms when the soft limit was passed, or 0 */

    const struct command *cmd;      /* command being run */
    const struct command *last_cmd; /* last command run */
    char last_sub[32];        /* its subcommand, lowercase, if it is a
                               * container (CLIENT LIST "cmd=client|list") */
    char *name;               /* CLIENT SETNAME, owned, or NULL */
    bool authenticated;
    struct acl_user *user;    /* acl.c: who it runs as; NULL: "default" */
    long long ctime;          /* ms when connected */
    long long last_interaction; /* ms of the last read or write */
    char addr[64];            /* peer "ip:port" */
    char laddr[64];           /* local "ip:port" */
    struct repl_link *repl;   /* replica/master link state (replication.c),
                               * or NULL for an ordinary client */
    struct blocked_state *blocked;  /* blocking.c, while CLIENT_BLOCKED */
    struct multi_state *multi;      /* multi.c: queue, watched keys */
    struct pubsub_state *pubsub;    /* pubsub.c: subscriptions */
    struct tracking_state *tracking; /* tracking.c: CLIENT TRACKING, or
                                      * NULL when off */

    struct client *prev;      /* in server.clients */
    struct client *next;
};

/* Free 'c' now: close its socket, unlink it. Must not be the client whose
 * command is running (use client_free_async for that). */
void client_free(struct client *c);

/* Free 'c' after the current turn of the loop; safe anywhere. */
void client_free_async(struct client *c);

/* After each turn of the loop (server_before_sleep): free the clients
 * client_free_async queued. */
void networking_before_sleep(void);

/* Send what is in the output buffer; install the write event if the
 * socket is full. */
void client_flush(struct client *c);

/* A new client on connected socket 'fd' (made non-blocking), named
 * 'addr', in server.clients, reading. Returns it, or NULL (and closes
 * 'fd') if its events cannot be set up. */
struct client *client_new(int fd, const char *addr);

/* True if 'c' came from the loopback interface (127.0.0.1 or ::1), as
 * Redis's "local" settings and protected mode mean it. */
bool client_is_local(const struct client *c);

/* True if a setting of enable-debug-command's kind ("no", "yes",
 * "local") lets 'c' do the protected action. */
bool client_may_protected(const struct client *c, const char *setting);

/* Append 'len' bytes to the output of 'c' whatever its kind (the
 * replication stream, a reply a master must get). reply_raw is the same
 * for ordinary clients and drops replies to masters, replicas and the
 * AOF loader. */
void client_append(struct client *c, const void *p, size_t len);
/* End CLIENT PAUSE: the clients it held run at the end of this turn of
 * the loop (unless FAILOVER's pause still holds them). */
void client_unpause_all(void);
/* Start ('on') or end FAILOVER's pause of writes. It is kept apart from
 * CLIENT PAUSE, as Redis keeps pause purposes apart: CLIENT UNPAUSE does
 * not end it, and a CLIENT PAUSE ending does not either. */
void client_pause_failover(bool on);

/* Continue a client that was blocked: send its reply, then run the
 * requests that arrived meanwhile. */
void client_resume(struct client *c);

/* ------------------------------------------------------------------------
 * Blocking commands (blocking.c) */

/* Serve client 'c', blocked with command 'argv' ('argc' words, copies
 * valid while it is blocked), now that 'key' changed: reply, change the
 * data, propagate, and return true; or return false (nothing sent) if
 * 'key' cannot serve it yet. Runs outside the client's own command. */
typedef bool (*blocking_serve_fn)(struct client *c, int argc,
                                  const struct arg *argv,
                                  const struct arg *key);

/* Park 'c' (whose command found no data) on its keys c->argv[first_key ..
 * first_key + key_count - 1] until one can 'serve' it, or for 'timeout_ms'
 * (0: forever), after which it gets a null array. Inside EXEC it gets the
 * null array at once. */
void blocking_block(struct client *c, int first_key, int key_count,
                    long long timeout_ms, blocking_serve_fn serve);

/* Parse the timeout argument of a blocking command (seconds, fractions
 * allowed, 0 = forever) into ms, or reply Redis's error. Returns 0 / -1. */
int blocking_timeout_or_reply(struct client *c, const struct arg *a,
                              long long *ms);

/* Serve the clients whose keys changed (networking.c calls it after each
 * command; an event calls it after other writers). */
void blocking_handle_ready(void);

/* Forget a client being freed. */
void blocking_client_release(struct client *c);

/* End the wait of blocked client 'c' now (CLIENT UNBLOCK): it gets the
 * timeout reply, or with 'error' an UNBLOCKED error; then its pending
 * requests run. */
void blocking_unblock_now(struct client *c, bool error);
/* server_call: the call that blocked 'c' took 'usec' (its slow log entry,
 * made when it is served, counts it). */
void blocking_note_duration(struct client *c, long long usec);

/* Number of blocked clients (INFO). */
size_t blocking_count(void);

/* How many blocked clients wait with a timeout (INFO's
 * clients_in_timeout_table). */
size_t blocking_timeout_count(void);

/* ------------------------------------------------------------------------
 * Client-side caching (tracking.c) */

/* What CLIENT TRACKING ON asks for. */
struct tracking_options {
    long long redirect;          /* client id, or 0 */
    bool bcast;
    bool optin;
    bool optout;
    bool noloop;
    const struct arg *prefixes;  /* 'prefix_count' BCAST prefixes */
    int prefix_count;
};

/* Turn tracking on for 'c' (or add prefixes when it is on). Returns 0, or
 * -1 with Redis's error text in 'err' (mode switch, bad redirect id,
 * overlapping prefixes ...). */
int tracking_enable(struct client *c, const struct tracking_options *o,
                    char *err, size_t errlen);

/* Turn tracking off for 'c' (RESET, CLIENT TRACKING OFF, freeing). */
void tracking_disable(struct client *c);

/* CLIENT CACHING yes|no. Returns 0, or -1 with Redis's error in 'err'. */
int tracking_caching(struct client *c, bool yes, char *err, size_t errlen);

/* CLIENT GETREDIR: -1 if off, 0 without a redirect, else the id. */
long long tracking_redirect_of(const struct client *c);

/* The CLIENT LIST flag letters of tracking ("t", "R", "B") written to
 * 'out'; returns how many. */
size_t tracking_flag_letters(const struct client *c, char *out);

/* CLIENT TRACKINGINFO's map. */
void tracking_info_reply(struct client *c);

/* After 'cmd' ran for 'c' (server_call): remember the keys it read. */
void tracking_after_call(struct client *c, const struct command *cmd);
/* INFO: clients with tracking on, keys remembered, (key, client) pairs,
 * BCAST prefixes. */
void tracking_totals(size_t *clients, size_t *keys, size_t *items,
                     size_t *prefixes);
/* info.c: count an error reply 'text' (its code, ERR if it has none) for
 * INFO errorstats; 'c' is who gets it (replies to our master or the AOF
 * loader count as unexpected). */
void info_count_error(const struct client *c, const char *text);
/* info.c: forget the errorstats counts and the counters INFO added with
 * them (replication bytes, reads, writes, reply buffer resizes, payload
 * sanitizations), and every command's and subcommand's statistics
 * (CONFIG RESETSTAT). */
void info_reset_errors(void);
/* info.c: sample the network byte counters (server cron). */
void info_cron(void);

/* MEMORY STATS: the memory counted by part, as INFO memory tells it. */
void info_memory_stats(struct client *c);
/* A script of 'caller' ran 'cmd': a read makes a tracking caller remember
 * the keys its own command (EVAL, FCALL ...) declares, as Redis 7.0. */
void tracking_script_read(struct client *caller, const struct command *cmd);

/* After a request of 'c' is done: send the invalidations that waited
 * for its reply. */
void tracking_after_command(struct client *c);

/* After each turn of the loop: send the BCAST batches. */
void tracking_before_sleep(void);

/* Start / stop (server_init / server_release). */
void tracking_init(void);
void tracking_release(void);

/* ------------------------------------------------------------------------
 * Multi-key pops: LMPOP BLMPOP ZMPOP BZMPOP, and BLPOP BRPOP BZPOPMIN
 * BZPOPMAX (mpop.c) */

/* What one type (list, sorted set) brings to the multi-key pops. */
struct mpop_type {
    enum obj_type obj_type;   /* OBJ_LIST, OBJ_ZSET */
    const char *sides[2];     /* the SIDE words: "left", "right" ... */
    /* Pop up to 'count' from the side sides['second_side'] of 'value',
     * the non-empty value at 'key': reply [key, [element ...]], count it
     * in server.dirty, propagate, delete the key if now empty. */
    void (*pop_reply)(struct client *c, const struct arg *key, void *value,
                      bool second_side, long long count);
    blocking_serve_fn serve;  /* calls mpop_serve with this type */
    /* The B command of one pop from the second side ("brpop"). */
    const char *bpop_second;
    /* Pop one from that side of the non-empty 'value' at 'key', reply
     * [key, element ...] and propagate, as pop_reply (BLPOP ...). */
    void (*pop_one)(struct client *c, const struct arg *key, void *value,
                    bool second_side);
    blocking_serve_fn serve_one; /* calls mpop_serve_one with this type */
};

/* Run BLPOP-style c->argv of 't': key [key ...] timeout, popping one from
 * side 'second_side' of the first key that exists, else blocking. */
void mpop_bpop_command(struct client *c, const struct mpop_type *t,
                       bool second_side);

/* The serve_one of 't': serve 'c', blocked in the BLPOP-style 'argv', from
 * 'key' if it now holds the type. */
bool mpop_serve_one(const struct mpop_type *t, struct client *c, int argc,
                    const struct arg *argv, const struct arg *key);

/* Run the MPOP command of 't' in c->argv: numkeys key [key ...] SIDE
 * [COUNT count], after a timeout with 'blocking' (the B form). Pops from
 * the first key that exists; WRONGTYPE if it holds another type; none:
 * blocks (B form) or replies a null array. */
void mpop_command(struct client *c, const struct mpop_type *t,
                  bool blocking);

/* The blocking_serve_fn of type 't' (its 'serve' calls this): serve 'c',
 * blocked in the B form 'argv' ('argc' words), from 'key' if it now holds
 * the type. */
bool mpop_serve(const struct mpop_type *t, struct client *c, int argc,
                const struct arg *argv, const struct arg *key);

/* Start / stop (server_init / server_release). */
void blocking_init(void);
void blocking_release(void);

/* After each turn of the loop (server_before_sleep): serve the clients
 * blocked on keys that got data in the turn, and run the requests of
 * clients CLIENT UNBLOCK released. */
void blocking_before_sleep(void);

/* ------------------------------------------------------------------------
 * Replies (networking.c). All append to the client's output buffer, framed
 * for the client's protocol (c->resp, 2 or 3; HELLO sets it) by lib/resp's
 * encoder: a handler says the TYPE of its reply (a map, a set, a double, a
 * null) and RESP2 clients get Redis's RESP2 form of it (a map as an array
 * of 2n items, a set as an array, a double as a bulk string, "$-1"). */

void reply_raw(struct client *c, const void *p, size_t len); /* RESP bytes */
void reply_ok(struct client *c);                            /* +OK */
void reply_simple(struct client *c, const char *text);      /* +text */
void reply_integer(struct client *c, long long value);      /* :n */
void reply_bulk(struct client *c, const void *p, size_t len); /* $len */
void reply_bulk_str(struct client *c, const char *text);
void reply_bulk_ll(struct client *c, long long value);      /* as text */
void reply_bulk_sds(struct client *c, const char *s);
void reply_double(struct client *c, double d);   /* %.17g, bulk in RESP2 */
/* A double already formatted as 'len' bytes of 'text' (GEOPOS). */
void reply_double_text(struct client *c, const char *text, size_t len);
void reply_bool(struct client *c, bool value);   /* #t/#f, RESP2 :1/:0 */
/* A verbatim string in three-letter format 'fmt' ("txt"); a bulk in RESP2. */
void reply_verbatim(struct client *c, const char *p, size_t len,
                    const char *fmt);
void reply_bignum(struct client *c, const char *digits, size_t len);
void reply_object(struct client *c, const struct object *o); /* string */
void reply_null(struct client *c);                 /* _, RESP2 $-1 */
void reply_null_array(struct client *c);           /* _, RESP2 *-1 */
void reply_array(struct client *c, long long count);        /* *count */
void reply_map(struct client *c, long long pairs);  /* %pairs, then k v .. */
void reply_set(struct client *c, long long count);  /* ~count */
void reply_push(struct client *c, long long count); /* >count (pub/sub) */
void reply_attribute(struct client *c, long long pairs); /* |pairs */

/* A HELP reply: the 'n' lines of 'lines' as an array of status lines. */
void reply_help(struct client *c, const char *const *lines, size_t n);

/* Arrays of pairs (ZRANGE WITHSCORES, HRANDFIELD WITHVALUES ...): RESP2
 * sends the 2n items flat, RESP3 n arrays of two. reply_pairs_len gives
 * the outer array's length for 'n' pairs; reply_pair starts one pair. */
long long reply_pairs_len(const struct client *c, long long n);
void reply_pair(struct client *c);

/* A reply given as RESP text by a table or a caller ("$-1\r\n", ":0\r\n",
 * "%0\r\n" for an empty map, "~0\r\n" for an empty set): nulls and empty
 * maps, sets and pushes come out in the client's protocol, other text as
 * is. The "miss" replies of the db_lookup_*_or_reply helpers go here. */
void reply_canned(struct client *c, const char *raw);

/* An error: "-ERR " is prefixed unless the text starts with a Redis error
 * code (WRONGTYPE, NOAUTH, OOM ... see networking.c) or with '-' (then the
 * text after it is sent as is); CR/LF become spaces. Counts the error. */
void reply_error(struct client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void reply_error_text(struct client *c, const char *text);
void reply_wrongtype(struct client *c);
void reply_syntax_error(struct client *c);

/* Arrays whose length is known only at the end: reply_defer_len returns a
 * handle, reply_set_array_len fills it (the items go in between). */
size_t reply_defer_len(struct client *c);
void reply_set_array_len(struct client *c, size_t handle, long long count);
void reply_set_map_len(struct client *c, size_t handle, long long pairs);
void reply_set_set_len(struct client *c, size_t handle, long long count);
void reply_set_len(struct client *c, size_t handle, enum resp_type type,
                   long long count);

/* ------------------------------------------------------------------------
 * Argument helpers (networking.c). The _or_reply ones send the error and
 * return -1, so a handler can just return. */

/* True if 'a' equals 'text' ignoring ASCII case. */
bool arg_is(const struct arg *a, const char *text);

/* Parse a long long. Errors: "value is not an integer or out of range"
 * (or 'msg' if given). */
int arg_ll_or_reply(struct client *c, const struct arg *a, long long *value,
                    const char *msg);

/* Parse a long double / double. Error: "value is not a valid float". */
int arg_ld_or_reply(struct client *c, const struct arg *a, long double *value);
int arg_double_or_reply(struct client *c, const struct arg *a, double *value);

/* Look 'a' up for reading; on a miss, send 'miss' (raw RESP, e.g.
 * "$-1\r\n") and return NULL. */
struct object *db_lookup_read_or_reply(struct client *c, const struct arg *a,
                                       const char *miss);

/* If 'o' is not of 'type', send WRONGTYPE and return -1; else 0. */
int object_check_type_or_reply(struct client *c, const struct object *o,
                               enum obj_type type);

/* The value (o->ptr, borrowed) of 'key' for a write if it holds 'type',
 * or NULL: '*wrong' tells a WRONGTYPE (already replied) from a missing
 * key. The typed lookups of t_list.c, t_hash.c, t_set.c, t_zset.c. */
void *db_lookup_write_typed(struct client *c, const struct arg *key,
                            enum obj_type type, bool *wrong);

/* db_lookup_write_typed for a command that answers a missing key at once:
 * NULL after replying 'miss' (raw RESP, e.g. ":0\r\n") or WRONGTYPE. */
void *db_lookup_write_typed_or_reply(struct client *c, const struct arg *key,
                                     enum obj_type type, const char *miss);

/* The value (o->ptr, borrowed) of the first existing key among
 * c->argv[first .. first+count-1], for a write, with '*key' pointing to
 * that key; NULL if none exists. If that first existing key holds
 * another type: NULL with '*wrong' set, WRONGTYPE replied (the blocking
 * and multi-key pops). */
void *db_lookup_first_typed(struct client *c, int first, int count,
                            enum obj_type type, const struct arg **key,
                            bool *wrong);

/* The value (o->ptr, borrowed) of 'key' for a read if it holds 'type';
 * NULL after replying 'miss' (as db_lookup_read_or_reply) or WRONGTYPE. */
void *db_lookup_read_typed_or_reply(struct client *c, const struct arg *key,
                                    enum obj_type type, const char *miss);

/* ------------------------------------------------------------------------
 * Commands */

/* A command handler: reads c->argv, replies through reply_*. */
typedef void (*command_proc)(struct client *c);

/* A command this server knows: its lib/cmdspec row (name, arity, flags
 * CMDSPEC_*, keys) and its handler (redis/commands.c). */
struct command {
    const struct cmdspec *spec;
    command_proc proc;
};

/* Run-time statistics of one command (INFO commandstats); zeroed by
 * CONFIG RESETSTAT. */
struct command_stats {
    long long calls;  /* times run */
    long long usec;   /* total time in the handler */
    long long failed; /* runs that replied an error */
    long long rejected; /* refused before running (arity, ACL, OOM ...) */
};

/* Join the handlers to lib/cmdspec's rows (at start). Returns 0, or -1
 * with 'err' naming a handler without a row, or a row said to be served
 * without a handler (a programming error the unit test catches). */
int commands_init(char *err, size_t errlen);

/* Free it (at exit). */
void commands_release(void);

/* The command named 'name' ('len' bytes, any case), or NULL when this
 * server does not serve it. */
const struct command *commands_lookup(const char *name, size_t len);

/* The table itself, for INFO commandstats and CONFIG RESETSTAT: 'count'
 * entries, one per lib/cmdspec row; those not served have no 'proc'. */
const struct command *commands_table(size_t *count);

/* The statistics of 'cmd' (a row of the table). */
struct command_stats *commands_stats(const struct command *cmd);

/* The statistics a call of 'cmd' with 'argc' arguments 'argv' counts in:
 * for a command with subcommands, those of the subcommand argv[1] names
 * ("config|get"), as Redis 7 counts them; an unknown subcommand counts
 * nowhere shown (Redis rejects it before lookup). Else commands_stats. */
struct command_stats *commands_stats_call(const struct command *cmd,
                                          int argc, const struct arg *argv);

/* The statistics of subcommand row 'i' of lib/cmdspec's subtable. */
struct command_stats *commands_substats(size_t i);

/* Zero the statistics of every command and subcommand. */
void commands_reset_stats(void);

/* ------------------------------------------------------------------------
 * Global state */

/* Output buffer limit of one client class. */
struct client_limit {
    long long hard;    /* bytes; 0 = none */
    long long soft;    /* bytes; 0 = none */
    long long seconds; /* soft limit may be exceeded this long */
};

/* The configuration (set by config.c from redis.conf and argv) and the
 * live state of the server. There is one, 'server'. */
struct server {
    /* configuration (see the directive table in config.c) */
    char *config_file;        /* absolute path, or NULL */
    int port;
    char *bind;               /* space-separated addresses */
    bool daemonize;
    char *pidfile;
    char *logfile;
    char *loglevel;
    char *requirepass;        /* NULL or "": no password */
    bool protected_mode;      /* no password: serve loopback clients only */
    char *enable_protected_configs; /* "no", "yes" or "local": CONFIG SET
                                     * of dir / dbfilename */
    char *enable_debug_command;     /* the same for DEBUG */
    char *enable_module_command;    /* the same for MODULE (stored only) */
    long long maxmemory;      /* bytes; 0 = no limit */
    long long hash_max_listpack_entries; /* compact encodings (t_hash.c, */
    long long hash_max_listpack_value; /* t_zset.c, t_set.c, t_list.c): */
    long long zset_max_listpack_entries; /* the Redis thresholds of the */
    long long zset_max_listpack_value; /* same names; bytes */
    long long set_max_intset_entries;
    int list_max_listpack_size;
    int list_compress_depth;
    long long hll_sparse_max_bytes; /* a sparse HyperLogLog turns dense
                                       past this size (hyperloglog.c) */
    char *maxmemory_policy;
    int databases;
    char *dir;
    char *dbfilename;
    char *save;               /* "" or "secs changes ..." */
    bool appendonly;
    char *appendfilename;
    char *appendfsync;
    char *masterhost;         /* slaveof / replicaof host, or NULL */
    int masterport;
    char *masterauth;
    int timeout;              /* idle client timeout, s; 0 = never */
    int tcp_keepalive;        /* s; 0 = off */
    int tcp_backlog;
    int maxclients;
    int hz;                   /* cron frequency */
    long long proto_max_bulk_len;
    long long client_max_querybuf_len;
    long long repl_backlog_size; /* bytes of replication history kept */
    int repl_timeout;         /* s without data before a link is dropped */
    int repl_ping_period;     /* s between PINGs to replicas */
    int rdb_key_save_delay;   /* us to sleep per key saved (tests make
                               * a child last) */
    bool replica_read_only;
    int min_replicas_to_write; /* refuse writes with fewer good replicas */
    int min_replicas_max_lag;  /* s: a replica acked within this is good */
    int maxmemory_samples;    /* keys sampled per eviction */
    int busy_reply_threshold; /* ms a script runs before -BUSY (alias
                               * lua-time-limit) */
    bool aof_load_truncated;  /* load a truncated AOF, dropping the tail */
    char *appenddirname;      /* AOF directory inside 'dir' */
    struct client_limit limit_normal; /* client-output-buffer-limit */
    struct client_limit limit_replica;
    struct client_limit limit_pubsub;
    unsigned notify_keyspace_events; /* NOTIFY_* classes (notify.h) */
    long long slowlog_log_slower_than; /* us; -1 = off, 0 = every command */
    long long slowlog_max_len;      /* entries kept by the slow log */
    long long latency_monitor_threshold; /* ms; 0 = latency monitor off */
    int lfu_log_factor;       /* LFU counter growth (evict.c) */
    int lfu_decay_time;       /* minutes per LFU counter decrement */

    /* runtime */
    struct loop *loop;              /* lib/loop: base, signals, hooks */
    struct event_base *base;
    struct evconnlistener **listeners;
    int listener_count;
    struct event *cron_ev;
    struct db *db;            /* 'databases' of them */
    struct client *clients;   /* list of connected clients */
    struct client *current;   /* client whose command runs, or NULL */
    struct client **free_queue; /* client_free_async queue */
    size_t free_count;
    size_t free_cap;
    size_t client_count;
    uint64_t next_client_id;
    long long mstime;         /* cached time in ms, refreshed per event */
    long long start_time;     /* ms at start */
    long long dirty;          /* changes since the last save */
    bool shutdown_asap;
    int exit_code;
    pid_t pid;
    char run_id[41];
    int active_expire_db;     /* where the next active cycle starts */
    bool debug_no_active_expire; /* DEBUG SET-ACTIVE-EXPIRE 0 */
    bool debug_pause_cron;    /* DEBUG PAUSE-CRON 1: the cron does nothing */
    bool debug_script_any;    /* DEBUG SET-DISABLE-DENY-SCRIPTS 1 */
    long long used_memory;    /* refreshed by the cron */
    long long peak_memory;
    long long rss_memory;
    long long startup_memory; /* used_memory once initialised, before the
                                 dataset loads */
    bool loading;             /* replaying a dataset: nothing propagates */

    /* statistics (CONFIG RESETSTAT zeroes them) */
    long long stat_connections;
    long long stat_commands;
    long long stat_rejected_conn;
    long long pause_end;      /* CLIENT PAUSE: ms it ends, 0 if none */
    bool pause_all;           /* ... ALL (else WRITE) */
    bool pause_failover;      /* FAILOVER holds writes until it ends */
    bool unpause_pending;     /* paused clients to resume (networking.c) */
    struct client *in_request; /* whose request runs now (networking.c),
                                * across nested calls (EXEC, scripts) */
    long long stat_expired_keys;
    long long stat_keyspace_hits;
    long long stat_keyspace_misses;
    long long stat_net_input_bytes;
    long long stat_net_output_bytes;
    long long stat_net_repl_input_bytes;  /* from our master */
    long long stat_net_repl_output_bytes; /* to replicas, RDB included */
    long long stat_total_reads;  /* read events of clients */
    long long stat_total_writes; /* flushes of clients' pending output */
    long long stat_reply_buffer_expands; /* a reply buffer grew */
    long long stat_reply_buffer_shrinks; /* one went back to its base size */
    long long stat_dump_payload_sanitizations; /* values checked deeply */
    long long stat_error_replies;
    long long stat_unexpected_error_replies; /* to our master, AOF loader */
    long long stat_evicted_keys;
    long long stat_fork_usec;    /* the last fork() took this long */
    long long stat_total_forks;
    long long stat_ops_sample_time; /* for instantaneous_ops_per_sec */
    long long stat_ops_sample_count;
    long long stat_ops_per_sec;
};

extern struct server server;

/* The LRU clock stored in struct object.lru: seconds, modulo 2^16 (so an
 * idle time is exact up to about 18 hours, then wraps). */
static inline uint16_t server_lru_clock(void)
{
    return (uint16_t)(server.mstime / 1000);
}

/* ------------------------------------------------------------------------
 * Server life cycle and dispatch (server.c) */

/* Set every configuration field to its default (before config loading). */
void server_init_config(void);

/* Create the loop, the databases, the listeners and the cron. Returns 0,
 * or -1 with 'err' filled (e.g. the port is in use). */
int server_init(char *err, size_t errlen);

/* Change the cron frequency to 'hz' (CONFIG SET hz). Returns 0 or -1. */
int server_set_hz(int hz);

/* Run the loop until SHUTDOWN or a signal. Returns the exit status. */
int server_run(void);

/* Free everything (after server_run). */
void server_release(void);

/* Refresh server.mstime. */
void server_update_time(void);

/* Refresh server.used_memory, peak_memory and rss_memory (the cron does,
 * and INFO before it prints them). */
void server_update_memory(void);

/* Current time in ms / us since the epoch (not cached). */
long long server_mstime(void);
long long server_ustime(void);

/* Run the request in c->argc / c->argv: lookup, checks, call. */
void server_process_command(struct client *c);

/* Called with every write that must reach the AOF and the replicas. */
typedef void (*server_propagate_fn)(int dbid, int argc,
                                    const struct arg *argv);

/* Called before the replies of a batch of requests are written (AOF
 * writes and the replication stream, so that an acknowledged write is in
 * the file and on its way to the replicas first). */
void server_before_reply(void);

/* Register 'fn' to receive every propagated command. */
void server_on_propagate(server_propagate_fn fn);

/* Where a propagated command goes: the AOF, the replicas (backlog). A
 * hook registered with server_on_propagate_to gets only the commands sent
 * to its target. */
#define SERVER_PROPAGATE_AOF (1u << 0)
#define SERVER_PROPAGATE_REPLICAS (1u << 1)
#define SERVER_PROPAGATE_ALL (SERVER_PROPAGATE_AOF | SERVER_PROPAGATE_REPLICAS)
void server_on_propagate_to(server_propagate_fn fn, unsigned target);

/* server_propagate to the hooks of 'targets' only (script effects under
 * redis.set_repl). */
void server_propagate_to(int dbid, int argc, const struct arg *argv,
                         unsigned targets);

/* While 'fn' is set (a script runs), server_propagate hands every
 * command to 'fn' instead of the hooks; NULL restores them. */
void server_propagate_capture(server_propagate_fn fn);

/* Send a command to the propagation hooks (server_call does this for each
 * command that made the dataset dirty, unless the command set
 * CLIENT_PREVENT_PROP because it propagated something else itself). */
void server_propagate(int dbid, int argc, const struct arg *argv);

/* Run c->cmd with c->argc/c->argv (already checked): time it, count it,
 * propagate what it changed. EXEC uses it for the queued commands. */
void server_call(struct client *c);

/* ------------------------------------------------------------------------
 * Transactions (multi.c) and pub/sub (pubsub.c): the parts that
 * server_process_command, networking.c and INFO call. */

/* True if 'c' is in MULTI and 'cmd' must be queued rather than run. */
bool multi_should_queue(const struct client *c, const struct command *cmd);

/* Queue the current request of 'c' as 'cmd' and reply +QUEUED. */
void multi_queue(struct client *c, const struct command *cmd);

/* A request of 'c' was refused before running: if 'c' is in MULTI, make
 * its EXEC fail with EXECABORT. */
void multi_flag_error(struct client *c);

/* The CMD_* flags of the commands queued by 'c', or'ed (EXEC checks them
 * against maxmemory and min-replicas-to-write as Redis does). */
unsigned multi_queued_flags(const struct client *c);

/* Discard the transaction of 'c' and reply "EXECABORT ... because of:
 * 'why'" (the error EXEC meets). */
void multi_abort_exec(struct client *c, const char *why);

/* Free the transaction and watched keys of a client being freed. */
void multi_client_release(struct client *c);

/* Commands queued by 'c' in MULTI, or -1 outside MULTI (CLIENT LIST). */
long long multi_queued_count(const struct client *c);

/* Register the WATCH hook (server_init); free the tables (release). */
void multi_init(void);
void multi_release(void);

/* If 'c' is in subscribed mode and 'cmd' is not allowed there, reply the
 * error and return true. */
bool pubsub_refuse(struct client *c, const struct command *cmd);

/* commands.c: the subcommand row c->argv[1] names under c's container
 * command, arity checked; NULL after replying Redis's error (unknown
 * subcommand, wrong number of arguments). */
const struct cmdspec *commands_subcommand_or_reply(struct client *c);

/* acl.c: users and permissions (see the top of acl.c). */
struct acl_user;
void acl_init(void);    /* the default user; idempotent */
void acl_release(void); /* free every user */
/* Refuse (reply -NOPERM, return true) what c's user may not run. */
bool acl_refuse(struct client *c, const struct command *cmd);
/* Authenticate 'c' as 'user' (NULL: default) with 'pass': 0, or -1. */
int acl_auth(struct client *c, const struct arg *user,
             const struct arg *pass);
/* requirepass changed: it is the default user's only password now. */
void acl_set_requirepass(const char *pass);
/* True if a new connection starts authenticated (default: nopass, on). */
bool acl_client_autoauth(void);
/* The error a script gets when 'caller's user may not run 'argv'
 * ('cmd'), recorded in ACL LOG with context "lua" if 'log'; NULL if it
 * may. */
const char *acl_script_refuse(struct client *caller,
                              const struct command *cmd, int argc,
                              const struct arg *argv, bool log);
/* True if the default user needs no password (protected mode's test). */
bool acl_default_nopass(void);
void cmd_acl(struct client *c);
/* The name of the user 'c' runs as (static until the user goes). */
const char *acl_user_name(const struct client *c);
/* True if the user of 'c' has the skip-sanitize-payload flag. */
bool acl_skip_sanitize(const struct client *c);
/* Load the aclfile, or create the users of the config file's "user"
 * lines, at start: 0, or -1 and 'err' (both are refused, as in Redis). */
int acl_load_at_start(char *err, size_t errlen);
/* A "user NAME RULE..." config line ('argv' after "user"): checked and
 * kept for acl_load_at_start. 0, or -1 and 'err'. */
int acl_conf_user(int argc, char **argv, char *err, size_t errlen);
/* User 'i' (in name order) as a config line "user NAME RULES" (new sds),
 * or NULL past the last. */
char *acl_user_line(size_t i);

/* networking.c: one CLIENT LIST line for 'c' (with its newline),
 * appended to the sds string 's'; returns 's'. */
char *client_info_line(char *s, const struct client *c);
/* config.c: the value of a parameter this server only stores
 * (acllog-max-len, aclfile ...); static, valid until it changes. */
const char *config_stored_get(const char *name);

/* Send 'msg' to the subscribers of 'channel' and of matching patterns.
 * Returns the number of receivers. */
long long pubsub_publish(const char *channel, size_t clen, const char *msg,
                         size_t mlen);

/* Unsubscribe a client being freed from everything. */
void pubsub_client_release(struct client *c);

/* The channels and patterns 'c' is subscribed to (CLIENT LIST). */
/* True if 'c' subscribed to the 'len' bytes of 'channel'. */
bool pubsub_is_subscribed(const struct client *c, const char *channel,
                          size_t len);

void pubsub_client_counts(const struct client *c, size_t *channels,
                          size_t *patterns);

/* Channels and patterns with subscribers (INFO stats). */
size_t pubsub_channel_count(void);
size_t pubsub_pattern_count(void);

/* Free the tables (server_release). */
void pubsub_release(void);

/* ------------------------------------------------------------------------
 * Pieces run by the cron and by other files */

/* networking.c: start listening on server.bind/port; accept clients. */
int networking_listen(char *err, size_t errlen);
void networking_close_listeners(void);
/* Close idle clients (timeout) and free the async queue. */
void networking_cron(void);
void networking_free_all(void);
/* While a script runs past busy-reply-threshold: accept connections and
 * serve the requests of every client but 'skip' (they get -BUSY unless
 * the command may run meanwhile), without returning to the loop. */
void networking_serve_while_busy(struct client *skip);

/* expire.c: one active expiry cycle (called by the cron). */
void expire_cycle(void);
/* expire.c: append the INFO stats fields of the active expiry to 's'. */
char *expire_info(char *s);

/* slots.c: the tag index, maintained by db.c only. slots_locate returns
 * the slot of 'key' and tells whether it has a tag and the tag's crc;
 * slots_tag_add / slots_tag_del index 'key' (owned by the keyspace) under
 * that crc or take it out. */
unsigned slots_locate(const char *key, size_t len, bool *has_tag,
                      uint32_t *crc);
void slots_tag_add(struct db *db, uint32_t crc, char *key);
void slots_tag_del(struct db *db, uint32_t crc, const char *key, size_t len);
void slots_init_db(struct db *db);
void slots_release_db(struct db *db);
void slots_clear_db(struct db *db);

/* slots.c, for migration: the number of keys in 'slot' of 'db'; a random
 * key of the slot (borrowed, NULL if empty); the set of keys whose tag has
 * crc 'crc' (a table of borrowed keys, or NULL if none). */
size_t slots_count(struct db *db, unsigned slot);
const char *slots_random_key(struct db *db, unsigned slot);
struct dict *slots_tag_keys(struct db *db, uint32_t crc);

/* slots.c: parse a slot number (0 .. SLOT_COUNT-1) into '*slot', or reply
 * Codis's error ("invalid slot number = N"). Returns 0 / -1. */
int slots_parse_slot_or_reply(struct client *c, const struct arg *a,
                              unsigned *slot);

/* slotsmgrt.c: close cached migration sockets that have been idle. */
void slotsmgrt_cron(void);
/* MIGRATE's cached target connections (migrate.c): how many are open
 * (INFO's migrate_cached_sockets), and closing the idle ones. */
int migrate_cached_sockets(void);
void migrate_cron(void);
/* slotsmgrt.c: migration sockets cached now (INFO migrate_cached_sockets). */
int slotsmgrt_cached_sockets(void);

/* config.c: the directive table. Apply one directive ('argc' words, the
 * name first) from a file or the command line. Returns 0, or -1 with
 * 'err' filled. */
int config_apply(int argc, char **argv, char *err, size_t errlen);

/* Set every directive to its default (called by server_init_config). */
void config_init(void);

/* Start a new source of directives (a file, the command line): the first
 * "save" line of a source replaces the value, later ones add to it. */
void config_begin_source(void);

/* Read 'path' line by line and apply each directive. Returns 0, or -1 with
 * 'err' naming the file and line. */
int config_load_file(const char *path, char *err, size_t errlen);

/* Parse "100", "1k", "1kb", "2mb", "1gb" into bytes. Returns 0 or -1. */
int config_parse_memory(const char *text, long long *bytes);

/* Free the configuration strings. */
void config_release(void);

/* CONFIG REWRITE writing every parameter, defaults too (DEBUG
 * CONFIG-REWRITE-FORCE-ALL). 0, or -1 and 'err'. */
int config_rewrite_all(char *err, size_t errlen);

/* util.c */
/* Glob-style match of 'str' against 'pattern' (*, ?, [a-z], \x), like
 * Redis's stringmatchlen; 'nocase' ignores ASCII case. */
bool util_glob_match(const char *pattern, size_t plen, const char *str,
                     size_t slen, bool nocase);

/* Write 'value' in decimal into 'buf' (SERVER_LONG_STR_SIZE bytes);
 * returns the length. */
size_t util_ll2str(char *buf, long long value);

/* Append a command's RESP framing (lib/resp's encoder) to the sds 's';
 * each returns it, maybe moved: an array header of 'n' items, a bulk
 * string of 'len' bytes at 'p'. For replication, the AOF and slot
 * migration. */
char *util_cat_resp_array(char *s, long long n);
char *util_cat_resp_bulk(char *s, const void *p, size_t len);

/* Parse a canonical decimal long long (no spaces, no leading zeros, no
 * '+'): the form Redis stores as an integer. Returns 0 or -1. */
int util_str2ll(const char *s, size_t len, long long *value);

/* Parse a long double as strtold does, refusing spaces, NaN and trailing
 * junk. Returns 0 or -1. */
int util_str2ld(const char *s, size_t len, long double *value);

/* Format 'value' like Redis's INCRBYFLOAT reply (%.17Lg, no trailing
 * zeros). Returns the length written into 'buf' ('cap' bytes). */
size_t util_ld2str(char *buf, size_t cap, long double value);

/* Clamp a Redis index range [start, end] (negative counts from the end)
 * to 'len' elements, as LRANGE and ZRANGE do. Returns false if empty. */
bool util_clamp_range(long long len, long long *start, long long *end);

#endif
