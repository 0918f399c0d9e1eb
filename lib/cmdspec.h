/* The command table every role reads: for each command Redis clients send,
 * its name, arity, flags, where its keys are, its COMMAND DOCS group and
 * summary, and how the proxy routes it. The server joins its handlers to
 * these entries by name (redis/commands.c), the proxy its local handlers
 * (roles/proxy/cmdtable.c); neither repeats a fact written here.
 * How to add a command: see the comment at the top of lib/cmdspec.c.
 * Facts generated from redis-server (COMMAND INFO flag words, key-spec
 * flags, ACL categories) live in lib/cmdspec_redis.c.
 *
 * Entry points: cmdspec_init (build the name index, once), cmdspec_lookup
 * (name -> entry), cmdspec_keys (the key positions of one request),
 * cmdspec_flag_names (the flags COMMAND INFO shows).
 * Not here: what a command does, replies, sockets. */
#ifndef CODIS_CMDSPEC_H
#define CODIS_CMDSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The Redis release whose commands this table describes; the server and
 * the proxy (HELLO) report it as their version. */
#define CMDSPEC_REDIS_VERSION "7.0.15"

/* Flags (struct cmdspec.flags). The first group has Redis 7's names and
 * meanings and is shown by COMMAND INFO; the rest is ours.
 *   WRITE      changes the dataset (refused on a read-only replica)
 *   READONLY   reads keys only
 *   DENYOOM    may use more memory: refused when over maxmemory
 *   ADMIN      server administration (CONFIG, DEBUG, SHUTDOWN ...)
 *   PUBSUB     pub/sub related
 *   NOSCRIPT   not allowed from scripts
 *   BLOCKING   may block the client (BLPOP; XREAD with BLOCK)
 *   LOADING    allowed while loading a dataset
 *   STALE      allowed on a replica with a broken link to its master
 *   FAST       O(1) or O(log N): never blocks the server for long
 *   NO_AUTH    allowed before AUTH (AUTH, HELLO, QUIT)
 *   NO_MANDATORY_KEYS  may have no key at all (EVAL with numkeys 0)
 *   MAY_REPLICATE  not a write itself but may propagate writes (EVAL,
 *              FCALL, FUNCTION): EXEC opens its MULTI for them too
 * ours:
 *   RANDOM      reply is not deterministic (not shown)
 *   NOT_SERVED  codis-server does not implement it (yet): the server
 *               answers "unknown command", the proxy still routes it so
 *               that real Redis backends can serve it
 * MOVABLEKEYS is not a flag here: COMMAND INFO derives it from 'find'. */
#define CMDSPEC_WRITE (1u << 0)
#define CMDSPEC_READONLY (1u << 1)
#define CMDSPEC_DENYOOM (1u << 2)
#define CMDSPEC_ADMIN (1u << 3)
#define CMDSPEC_PUBSUB (1u << 4)
#define CMDSPEC_NOSCRIPT (1u << 5)
#define CMDSPEC_BLOCKING (1u << 6)
#define CMDSPEC_LOADING (1u << 7)
#define CMDSPEC_STALE (1u << 8)
#define CMDSPEC_FAST (1u << 9)
#define CMDSPEC_NO_AUTH (1u << 10)
#define CMDSPEC_NO_MANDATORY_KEYS (1u << 11)
#define CMDSPEC_RANDOM (1u << 12)
#define CMDSPEC_NOT_SERVED (1u << 13)
#define CMDSPEC_MAY_REPLICATE (1u << 14)

/* How the keys of a request are found. */
enum cmdspec_find {
    CMDSPEC_FIND_RANGE,   /* first/last/step only */
    CMDSPEC_FIND_NUMKEYS, /* first/last/step (a destination, or none),
                             then argument 'numkeys' holds a key count and
                             that many keys follow it (ZUNIONSTORE, EVAL) */
    CMDSPEC_FIND_STREAMS, /* the first half of what follows the STREAMS
                             word (XREAD, XREADGROUP) */
    CMDSPEC_FIND_SORT,    /* key 1, and the argument after STORE (SORT)
                             or STORE/STOREDIST (GEORADIUS*) */
    CMDSPEC_FIND_MIGRATE, /* key 3, or when it is empty the arguments
                             after KEYS (MIGRATE) */
};

/* How the proxy handles a command. */
enum cmdspec_route {
    CMDSPEC_ROUTE_SLOT,    /* to the owner of its keys' slot; several keys
                              must share one slot */
    CMDSPEC_ROUTE_MGET,    /* split per key, values merged in order */
    CMDSPEC_ROUTE_MSET,    /* split per key/value pair, +OK once */
    CMDSPEC_ROUTE_SUM,     /* split per key, integer replies summed */
    CMDSPEC_ROUTE_ALL,     /* to every group, integer replies summed,
                              array replies joined (KEYS) */
    CMDSPEC_ROUTE_ANY,     /* to one group, any will do */
    CMDSPEC_ROUTE_EACH,    /* to every group's master, answered once
                              (SCRIPT, FUNCTION: merge rules in
                              roles/proxy/multikey.c) */
    CMDSPEC_ROUTE_LOCAL,   /* answered by the proxy itself */
    CMDSPEC_ROUTE_REFUSED, /* refused with an error naming it ('why') */
};

/* One command.
 *   name     lower case
 *   arity    argument count including the name; -N means at least N
 *   flags    CMDSPEC_*
 *   first    index of the first key, 0 if none
 *   last     index of the last key; negative counts from the end (-1 the
 *            last argument, -2 the one before: BLPOP's timeout follows)
 *   step     distance between keys (2 for MSET's key value pairs)
 *   find     how keys beyond first/last/step are found
 *   numkeys  CMDSPEC_FIND_NUMKEYS: index of the key count argument
 *   route    what the proxy does with it
 *   why      CMDSPEC_ROUTE_REFUSED: the reason given, or NULL
 *   group    COMMAND DOCS group ("string", "generic", "server" ...)
 *   summary  COMMAND DOCS summary; NULL only with CMDSPEC_NOT_SERVED */
struct cmdspec {
    const char *name;
    int arity;
    uint32_t flags;
    int first;
    int last;
    int step;
    enum cmdspec_find find;
    int numkeys;
    enum cmdspec_route route;
    const char *why;
    const char *group;
    const char *summary;
};

/* The table, sorted by name (strcmp), and its length, below CMDSPEC_MAX
 * (roles may size per-command arrays by it). */
#define CMDSPEC_MAX 512
extern const struct cmdspec cmdspec_table[];
extern const size_t cmdspec_count;

/* The subcommand rows ("config|get"), sorted by name, and their count. */
extern const struct cmdspec cmdspec_subtable[];
extern const size_t cmdspec_subcount;

/* The subcommands of 'parent' (contiguous rows of cmdspec_subtable),
 * their number in '*count'; NULL and 0 when it has none. */
const struct cmdspec *cmdspec_subcommands(const struct cmdspec *parent,
                                          size_t *count);

/* The subcommand of 'parent' named by the 'len' bytes at 'sub' (any
 * case), or NULL. */
const struct cmdspec *cmdspec_lookup_sub(const struct cmdspec *parent,
                                         const char *sub, size_t len);

/* A command or, for "parent|sub", a subcommand, by full name (any case);
 * NULL if unknown. Needs cmdspec_init. */
const struct cmdspec *cmdspec_lookup_full(const char *name, size_t len);

/* The flag words Redis 7.0.15's COMMAND INFO shows for 'spec' ("write
 * denyoom fast"), space-separated, static; NULL for our own commands
 * (then cmdspec_flag_names). */
const char *cmdspec_info_flags(const struct cmdspec *spec);

/* The key-spec flags Redis gives key number 'keyno' (0-based, in the
 * order cmdspec_keys finds them) of 'spec': space-separated ("RW access
 * delete"), at '*flags' (static, not NUL-terminated at the end); returns
 * the length. */
size_t cmdspec_key_flags(const struct cmdspec *spec, int keyno,
                         const char **flags);

/* ACL categories (cmdspec_acl_categories), one bit each, in Redis's
 * order. */
enum {
    CMDSPEC_ACL_KEYSPACE = 1u << 0,
    CMDSPEC_ACL_READ = 1u << 1,
    CMDSPEC_ACL_WRITE = 1u << 2,
    CMDSPEC_ACL_SET = 1u << 3,
    CMDSPEC_ACL_SORTEDSET = 1u << 4,
    CMDSPEC_ACL_LIST = 1u << 5,
    CMDSPEC_ACL_HASH = 1u << 6,
    CMDSPEC_ACL_STRING = 1u << 7,
    CMDSPEC_ACL_BITMAP = 1u << 8,
    CMDSPEC_ACL_HYPERLOGLOG = 1u << 9,
    CMDSPEC_ACL_GEO = 1u << 10,
    CMDSPEC_ACL_STREAM = 1u << 11,
    CMDSPEC_ACL_PUBSUB = 1u << 12,
    CMDSPEC_ACL_ADMIN = 1u << 13,
    CMDSPEC_ACL_FAST = 1u << 14,
    CMDSPEC_ACL_SLOW = 1u << 15,
    CMDSPEC_ACL_BLOCKING = 1u << 16,
    CMDSPEC_ACL_DANGEROUS = 1u << 17,
    CMDSPEC_ACL_CONNECTION = 1u << 18,
    CMDSPEC_ACL_TRANSACTION = 1u << 19,
    CMDSPEC_ACL_SCRIPTING = 1u << 20,
};
#define CMDSPEC_ACL_COUNT 21

/* The ACL categories of a command or subcommand row (CMDSPEC_ACL_*):
 * Redis 7.0.15's, or for commands Redis lacks, derived from the flags. */
uint32_t cmdspec_acl_categories(const struct cmdspec *spec);

/* The name of category bit number 'bit' ("read"), NULL when out of
 * range. Static string. */
const char *cmdspec_acl_name(int bit);

/* The bit number of the category named by 'len' bytes at 'name' (any
 * case), or -1. */
int cmdspec_acl_bit(const char *name, size_t len);

/* Build the lookup index. Call once before any thread looks a name up;
 * calling it again does nothing. */
void cmdspec_init(void);

/* The command named by the 'len' bytes at 'name' (any case), or NULL. */
const struct cmdspec *cmdspec_lookup(const char *name, size_t len);

/* Position of 'spec' in cmdspec_table: roles keep per-command arrays
 * (handlers, statistics) indexed by it. */
static inline size_t cmdspec_index(const struct cmdspec *spec)
{
    return (size_t)(spec - cmdspec_table);
}

/* True if 'argc' arguments (the name included) satisfy 'spec's arity. */
static inline bool cmdspec_arity_ok(const struct cmdspec *spec, int argc)
{
    return spec->arity >= 0 ? argc == spec->arity : argc >= -spec->arity;
}

/* True if the keys are not at fixed positions (COMMAND INFO's
 * "movablekeys"). */
static inline bool cmdspec_movable(const struct cmdspec *spec)
{
    return spec->find != CMDSPEC_FIND_RANGE;
}

/* True if the command has key arguments at all. */
static inline bool cmdspec_has_keys(const struct cmdspec *spec)
{
    return spec->first > 0 || cmdspec_movable(spec);
}

/* How cmdspec_keys reads argument 'i' (0 is the name) of the caller's
 * request 'argv': returns its bytes and sets '*len'. */
typedef const char *(*cmdspec_arg_fn)(const void *argv, int i, size_t *len);

/* The indices of the keys of a request of 'argc' arguments (arity already
 * checked), written to 'keys' (room for 'argc' entries); arguments are
 * read through 'arg'. Returns the number of keys (0: none), or -1 when the
 * request names its keys wrongly: a key count that is not a number, is
 * negative or exceeds the arguments, or a STREAMS list that is missing or
 * empty. */
int cmdspec_keys(const struct cmdspec *spec, int argc, cmdspec_arg_fn arg,
                 const void *argv, int *keys);

/* The names COMMAND INFO shows for 'spec's flags, in Redis's order
 * ("movablekeys" last when the keys move), written to 'names' (room for
 * CMDSPEC_MAX_FLAG_NAMES). Returns how many. The strings are static. */
#define CMDSPEC_MAX_FLAG_NAMES 16
size_t cmdspec_flag_names(const struct cmdspec *spec, const char **names);

#endif
