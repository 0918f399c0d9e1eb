/* The command table (see cmdspec.h) and its lookup, key finding and flag
 * names. One row per command, sorted by name.
 *
 * How to add a command:
 *  1. Add its row below, in name order (the unit test checks the order):
 *       { "name", arity, flags, keys, route, "group", "summary" },
 *     arity, flags and key positions as Redis 7.0.15's COMMAND INFO shows
 *     them (ask /usr/bin/redis-server); keys is one of NOKEYS,
 *     KEYS(first, last, step), NUMKEYS(count index),
 *     NUMKEYS_AFTER(dest index, count index), STREAMS(search from),
 *     SORTKEYS; route is what the proxy does: SLOT (forward by the keys'
 *     slot), MGET, MSET, SUM (split and merge), ALL, ANY, LOCAL, or
 *     NO(reason) with ADMIN, KEYSPACE, PUBSUB or
 *     NULL. Until codis-server implements it, flag it NS (NOT_SERVED) and
 *     leave the summary NULL: the proxy routes it, the server says
 *     "unknown command".
 *  2. Server: write cmd_<name> in its redis/ file and add
 *     { "name", cmd_name } to the handler list in redis/commands.c (by
 *     name; the order there is free). Drop NS and give the summary.
 *  3. Proxy, only for a LOCAL route: add the handler to the list in
 *     roles/proxy/cmdtable.c.
 *  4. Run t/unit/cmdspec_test.t: it checks the row against its flags,
 *     keys and route, and that every handler has a row and every served
 *     row a handler. */
#include "lib/cmdspec.h"

#include <string.h>
#include <strings.h>

#include "lib/resp.h"

/* Flags, as short as the rows need them. */
#define W CMDSPEC_WRITE
#define R CMDSPEC_READONLY
#define M CMDSPEC_DENYOOM
#define A CMDSPEC_ADMIN
#define P CMDSPEC_PUBSUB
#define S CMDSPEC_NOSCRIPT
#define B CMDSPEC_BLOCKING
#define L CMDSPEC_LOADING
#define ST CMDSPEC_STALE
#define ANY (CMDSPEC_LOADING | CMDSPEC_STALE)
#define F CMDSPEC_FAST
#define NA CMDSPEC_NO_AUTH
#define NMK CMDSPEC_NO_MANDATORY_KEYS
#define RND CMDSPEC_RANDOM
#define NS CMDSPEC_NOT_SERVED
#define MR CMDSPEC_MAY_REPLICATE

/* Keys: first, last, step, find, numkeys. */
#define NOKEYS 0, 0, 0, CMDSPEC_FIND_RANGE, 0
#define KEYS(first, last, step) first, last, step, CMDSPEC_FIND_RANGE, 0
#define NUMKEYS(count) 0, 0, 0, CMDSPEC_FIND_NUMKEYS, count
#define NUMKEYS_AFTER(dest, count) \
    dest, dest, 1, CMDSPEC_FIND_NUMKEYS, count
#define STREAMS(from) 0, 0, 0, CMDSPEC_FIND_STREAMS, from
#define SORTKEYS 1, 1, 1, CMDSPEC_FIND_SORT, 0
#define MIGRATEKEYS 3, 3, 1, CMDSPEC_FIND_MIGRATE, 0

/* Routes: route, why. */
#define SLOT CMDSPEC_ROUTE_SLOT, NULL
#define MGET CMDSPEC_ROUTE_MGET, NULL
#define MSET CMDSPEC_ROUTE_MSET, NULL
#define SUM CMDSPEC_ROUTE_SUM, NULL
#define ALL CMDSPEC_ROUTE_ALL, NULL
#define ANYGROUP CMDSPEC_ROUTE_ANY, NULL
#define EACH CMDSPEC_ROUTE_EACH, NULL
#define LOCAL CMDSPEC_ROUTE_LOCAL, NULL
#define NO(why) CMDSPEC_ROUTE_REFUSED, why

/* Why the proxy refuses what it refuses: Codis's unsupported list. */
#define KEYSPACE "it needs the whole keyspace"
#define ADMIN "server administration goes to the servers, not the proxy"
#define PUBSUB "sharded pub/sub is not supported by the proxy: use " \
    "SUBSCRIBE and PUBLISH"

const struct cmdspec cmdspec_table[] = {
    { "acl", -2, S | ANY, NOKEYS, NO(ADMIN), "server",
      "A container for Access List Control commands" },
    { "append", 3, W | M | F, KEYS(1, 1, 1), SLOT, "string",
      "Append a value to a key" },
    { "asking", 1, F | NS, NOKEYS, NO(ADMIN), "cluster", NULL },
    { "auth", -2, S | NA | F | ANY, NOKEYS, LOCAL, "connection",
      "Authenticate to the server" },
    { "bgrewriteaof", 1, A | S, NOKEYS, NO(ADMIN), "server",
      "Asynchronously rewrite the append-only file" },
    { "bgsave", -1, A | S, NOKEYS, NO(ADMIN), "server",
      "Asynchronously save the dataset to disk" },
    { "bitcount", -2, R, KEYS(1, 1, 1), SLOT, "bitmap",
      "Count set bits in a string" },
    { "bitfield", -2, W | M, KEYS(1, 1, 1), SLOT, "bitmap",
      "Perform arbitrary bitfield integer operations on strings" },
    { "bitfield_ro", -2, R | F, KEYS(1, 1, 1), SLOT, "bitmap",
      "Perform arbitrary bitfield integer operations on strings. "
      "Read-only variant of BITFIELD" },
    { "bitop", -4, W | M, KEYS(2, -1, 1), SLOT, "bitmap",
      "Perform bitwise operations between strings" },
    { "bitpos", -3, R, KEYS(1, 1, 1), SLOT, "bitmap",
      "Find first bit set or clear in a string" },
    { "blmove", 6, W | M | S | B, KEYS(1, 2, 1), SLOT, "list",
      "Pop an element from a list, push it to another list and return it; "
      "or block until one is available" },
    { "blmpop", -5, W | B, NUMKEYS(2), SLOT, "list",
      "Pop elements from a list, or block until one is available" },
    { "blpop", -3, W | S | B, KEYS(1, -2, 1), SLOT, "list",
      "Remove and get the first element in a list, or block until one is "
      "available" },
    { "brpop", -3, W | S | B, KEYS(1, -2, 1), SLOT, "list",
      "Remove and get the last element in a list, or block until one is "
      "available" },
    { "brpoplpush", 4, W | M | S | B, KEYS(1, 2, 1), SLOT, "list",
      "Pop an element from a list, push it to another list and return it; "
      "or block until one is available" },
    { "bzmpop", -5, W | B, NUMKEYS(2), SLOT, "sorted-set",
      "Remove and return members with scores in a sorted set or block until "
      "one is available" },
    { "bzpopmax", -3, W | S | B | F, KEYS(1, -2, 1), SLOT,
      "sorted-set",
      "Remove and return the member with the highest score from one of the "
      "sorted sets, or block until one is available" },
    { "bzpopmin", -3, W | S | B | F, KEYS(1, -2, 1), SLOT,
      "sorted-set",
      "Remove and return the member with the lowest score from one of the "
      "sorted sets, or block until one is available" },
    { "client", -2, A | S | ANY, NOKEYS, LOCAL, "connection",
      "Manage client connections" },
    { "cluster", -2, NS, NOKEYS, NO(ADMIN), "cluster", NULL },
    { "command", -1, RND | ANY, NOKEYS, LOCAL, "server",
      "Get details about the commands of the server" },
    { "config", -2, A | S | ANY, NOKEYS, LOCAL, "server",
      "Get or set configuration parameters" },
    { "copy", -3, W | M, KEYS(1, 2, 1), SLOT, "generic", "Copy a key" },
    { "dbsize", 1, R | F, NOKEYS, ALL, "server",
      "Return the number of keys in the selected database" },
    { "debug", -2, A | S | ANY, NOKEYS, NO(ADMIN), "server",
      "Debugging commands" },
    { "decr", 2, W | M | F, KEYS(1, 1, 1), SLOT, "string",
      "Decrement the integer value of a key by one" },
    { "decrby", 3, W | M | F, KEYS(1, 1, 1), SLOT, "string",
      "Decrement the integer value of a key by the given number" },
    { "del", -2, W, KEYS(1, -1, 1), SUM, "generic", "Delete keys" },
    { "discard", 1, S | F | ANY, NOKEYS, LOCAL, "transactions",
      "Discard all commands issued after MULTI" },
    { "dump", 2, R, KEYS(1, 1, 1), SLOT, "generic",
      "Return a serialized version of the value stored at the specified key" },
    { "echo", 2, F, NOKEYS, LOCAL, "connection", "Echo the given string" },
    { "eval", -3, S | NMK | ST | MR, NUMKEYS(2), SLOT, "scripting",
      "Execute a Lua script server side" },
    { "eval_ro", -3, R | S | NMK | ST, NUMKEYS(2), SLOT, "scripting",
      "Execute a read-only Lua script server side" },
    { "evalsha", -3, S | NMK | ST | MR, NUMKEYS(2), SLOT, "scripting",
      "Execute a Lua script server side" },
    { "evalsha_ro", -3, R | S | NMK | ST, NUMKEYS(2), SLOT, "scripting",
      "Execute a read-only Lua script server side" },
    { "exec", 1, S | ANY, NOKEYS, LOCAL, "transactions",
      "Execute all commands issued after MULTI" },
    { "exists", -2, R | F, KEYS(1, -1, 1), SUM, "generic",
      "Determine if keys exist" },
    { "expire", -3, W | F, KEYS(1, 1, 1), SLOT, "generic",
      "Set a key's time to live in seconds" },
    { "expireat", -3, W | F, KEYS(1, 1, 1), SLOT, "generic",
      "Set the expiration for a key as a UNIX timestamp" },
    { "expiretime", 2, R | F, KEYS(1, 1, 1), SLOT, "generic",
      "Get the expiration Unix timestamp for a key" },
    { "failover", -1, A | S | ST, NOKEYS, NO(ADMIN), "server",
      "Start a coordinated failover between this server and one of its "
      "replicas." },
    { "fcall", -3, S | NMK | ST | MR, NUMKEYS(2), SLOT, "scripting",
      "Invoke a function" },
    { "fcall_ro", -3, R | S | NMK | ST, NUMKEYS(2), SLOT, "scripting",
      "Invoke a read-only function" },
    { "flushall", -1, W, NOKEYS, LOCAL, "server",
      "Remove all keys from all databases" },
    { "flushdb", -1, W, NOKEYS, LOCAL, "server",
      "Remove all keys from the current database" },
    { "function", -2, S | MR, NOKEYS, EACH, "scripting",
      "Manage the function libraries" },
    { "geoadd", -5, W | M, KEYS(1, 1, 1), SLOT, "geo",
      "Add one or more geospatial items in the geospatial index "
      "represented using a sorted set" },
    { "geodist", -4, R, KEYS(1, 1, 1), SLOT, "geo",
      "Returns the distance between two members of a geospatial "
      "index" },
    { "geohash", -2, R, KEYS(1, 1, 1), SLOT, "geo",
      "Returns members of a geospatial index as standard geohash "
      "strings" },
    { "geopos", -2, R, KEYS(1, 1, 1), SLOT, "geo",
      "Returns longitude and latitude of members of a geospatial "
      "index" },
    { "georadius", -6, W | M, SORTKEYS, SLOT, "geo",
      "Query a sorted set representing a geospatial index to fetch "
      "members matching a given maximum distance from a point" },
    { "georadius_ro", -6, R, KEYS(1, 1, 1), SLOT, "geo",
      "A read-only variant for GEORADIUS" },
    { "georadiusbymember", -5, W | M, SORTKEYS, SLOT, "geo",
      "Query a sorted set representing a geospatial index to fetch "
      "members matching a given maximum distance from a member" },
    { "georadiusbymember_ro", -5, R, KEYS(1, 1, 1), SLOT, "geo",
      "A read-only variant for GEORADIUSBYMEMBER" },
    { "geosearch", -7, R, KEYS(1, 1, 1), SLOT, "geo",
      "Query a sorted set representing a geospatial index to fetch "
      "members inside an area of a box or a circle." },
    { "geosearchstore", -8, W | M, KEYS(1, 2, 1), SLOT, "geo",
      "Query a sorted set representing a geospatial index to fetch "
      "members inside an area of a box or a circle, and store the "
      "result in another key." },
    { "get", 2, R | F, KEYS(1, 1, 1), SLOT, "string",
      "Get the value of a key" },
    { "getbit", 3, R | F, KEYS(1, 1, 1), SLOT, "bitmap",
      "Returns the bit value at offset in the string value stored at key" },
    { "getdel", 2, W | F, KEYS(1, 1, 1), SLOT, "string",
      "Get the value of a key and delete the key" },
    { "getex", -2, W | F, KEYS(1, 1, 1), SLOT, "string",
      "Get the value of a key and optionally set its expiration" },
    { "getrange", 4, R, KEYS(1, 1, 1), SLOT, "string",
      "Get a substring of the string stored at a key" },
    { "getset", 3, W | M | F, KEYS(1, 1, 1), SLOT, "string",
      "Set the string value of a key and return its old value" },
    { "hdel", -3, W | F, KEYS(1, 1, 1), SLOT, "hash",
      "Delete one or more hash fields" },
    { "hello", -1, S | NA | F | ANY, NOKEYS, LOCAL, "connection",
      "Handshake with the server" },
    { "hexists", 3, R | F, KEYS(1, 1, 1), SLOT, "hash",
      "Determine if a hash field exists" },
    { "hget", 3, R | F, KEYS(1, 1, 1), SLOT, "hash",
      "Get the value of a hash field" },
    { "hgetall", 2, R, KEYS(1, 1, 1), SLOT, "hash",
      "Get all the fields and values in a hash" },
    { "hincrby", 4, W | M | F, KEYS(1, 1, 1), SLOT, "hash",
      "Increment the integer value of a hash field by the given number" },
    { "hincrbyfloat", 4, W | M | F, KEYS(1, 1, 1), SLOT, "hash",
      "Increment the float value of a hash field by the given amount" },
    { "hkeys", 2, R, KEYS(1, 1, 1), SLOT, "hash",
      "Get all the fields in a hash" },
    { "hlen", 2, R | F, KEYS(1, 1, 1), SLOT, "hash",
      "Get the number of fields in a hash" },
    { "hmget", -3, R | F, KEYS(1, 1, 1), SLOT, "hash",
      "Get the values of all the given hash fields" },
    { "hmset", -4, W | M | F, KEYS(1, 1, 1), SLOT, "hash",
      "Set multiple hash fields to multiple values" },
    { "hrandfield", -2, R | RND, KEYS(1, 1, 1), SLOT, "hash",
      "Get one or multiple random fields from a hash" },
    { "hscan", -3, R | RND, KEYS(1, 1, 1), SLOT, "hash",
      "Incrementally iterate hash fields and associated values" },
    { "hset", -4, W | M | F, KEYS(1, 1, 1), SLOT, "hash",
      "Set the string value of a hash field" },
    { "hsetnx", 4, W | M | F, KEYS(1, 1, 1), SLOT, "hash",
      "Set the value of a hash field, only if the field does not exist" },
    { "hstrlen", 3, R | F, KEYS(1, 1, 1), SLOT, "hash",
      "Get the length of the value of a hash field" },
    { "hvals", 2, R, KEYS(1, 1, 1), SLOT, "hash",
      "Get all the values in a hash" },
    { "incr", 2, W | M | F, KEYS(1, 1, 1), SLOT, "string",
      "Increment the integer value of a key by one" },
    { "incrby", 3, W | M | F, KEYS(1, 1, 1), SLOT, "string",
      "Increment the integer value of a key by the given amount" },
    { "incrbyfloat", 3, W | M | F, KEYS(1, 1, 1), SLOT, "string",
      "Increment the float value of a key by the given amount" },
    { "info", -1, RND | ANY, NOKEYS, LOCAL, "server",
      "Get information and statistics about the server" },
    { "keys", 2, R, NOKEYS, ALL, "generic",
      "Find all keys matching the given pattern" },
    { "lastsave", 1, RND | F | ANY, NOKEYS, NO(ADMIN), "server",
      "Get the UNIX time stamp of the last successful save to disk" },
    { "latency", -2, A | S | L | ST, NOKEYS, NO(ADMIN), "server",
      "A container for latency diagnostics commands" },
    { "lcs", -3, R, KEYS(1, 2, 1), SLOT, "string",
      "Find longest common substring" },
    { "lindex", 3, R, KEYS(1, 1, 1), SLOT, "list",
      "Get an element from a list by its index" },
    { "linsert", 5, W | M, KEYS(1, 1, 1), SLOT, "list",
      "Insert an element before or after another element in a list" },
    { "llen", 2, R | F, KEYS(1, 1, 1), SLOT, "list",
      "Get the length of a list" },
    { "lmove", 5, W | M, KEYS(1, 2, 1), SLOT, "list",
      "Pop an element from a list, push it to another list and return it" },
    { "lmpop", -4, W, NUMKEYS(1), SLOT, "list", "Pop elements from a list" },
    { "lolwut", -1, R | F, NOKEYS, ANYGROUP, "server",
      "Display some computer art and the Redis version" },
    { "lpop", -2, W | F, KEYS(1, 1, 1), SLOT, "list",
      "Remove and get the first elements in a list" },
    { "lpos", -3, R, KEYS(1, 1, 1), SLOT, "list",
      "Return the index of matching elements on a list" },
    { "lpush", -3, W | M | F, KEYS(1, 1, 1), SLOT, "list",
      "Prepend one or multiple elements to a list" },
    { "lpushx", -3, W | M | F, KEYS(1, 1, 1), SLOT, "list",
      "Prepend an element to a list, only if the list exists" },
    { "lrange", 4, R, KEYS(1, 1, 1), SLOT, "list",
      "Get a range of elements from a list" },
    { "lrem", 4, W, KEYS(1, 1, 1), SLOT, "list",
      "Remove elements from a list" },
    { "lset", 4, W | M, KEYS(1, 1, 1), SLOT, "list",
      "Set the value of an element in a list by its index" },
    { "ltrim", 4, W, KEYS(1, 1, 1), SLOT, "list",
      "Trim a list to the specified range" },
    { "memory", -2, R, NOKEYS, NO(ADMIN), "server",
      "Report the memory use of a key, the server and the allocator" },
    { "mget", -2, R | F, KEYS(1, -1, 1), MGET, "string",
      "Get the values of all the given keys" },
    { "migrate", -6, W, MIGRATEKEYS, NO(NULL), "generic",
      "Atomically transfer a key from a Redis instance to another one." },
    { "module", -2, NS, NOKEYS, NO(ADMIN), "server", NULL },
    { "monitor", 1, A | S | L | ST, NOKEYS, NO(ADMIN), "server",
      "Listen for all requests received by the server in real time" },
    { "move", 3, W | F, KEYS(1, 1, 1), NO(NULL), "generic",
      "Move a key to another database" },
    { "mset", -3, W | M, KEYS(1, -1, 2), MSET, "string",
      "Set multiple keys to multiple values" },
    { "msetnx", -3, W | M, KEYS(1, -1, 2), SLOT, "string",
      "Set multiple keys to multiple values, only if none of the keys exist" },
    { "multi", 1, S | F | ANY, NOKEYS, LOCAL, "transactions",
      "Mark the start of a transaction block" },
    { "object", -2, R, KEYS(2, 2, 1), SLOT, "generic",
      "Inspect the internals of Redis objects" },
    { "persist", 2, W | F, KEYS(1, 1, 1), SLOT, "generic",
      "Remove the expiration from a key" },
    { "pexpire", -3, W | F, KEYS(1, 1, 1), SLOT, "generic",
      "Set a key's time to live in milliseconds" },
    { "pexpireat", -3, W | F, KEYS(1, 1, 1), SLOT, "generic",
      "Set the expiration for a key as a UNIX timestamp in milliseconds" },
    { "pexpiretime", 2, R | F, KEYS(1, 1, 1), SLOT, "generic",
      "Get the expiration Unix timestamp for a key in milliseconds" },
    { "pfadd", -2, W | M | F, KEYS(1, 1, 1), SLOT, "hyperloglog",
      "Adds the specified elements to the specified HyperLogLog." },
    { "pfcount", -2, R, KEYS(1, -1, 1), SLOT, "hyperloglog",
      "Return the approximated cardinality of the set(s) observed "
      "by the HyperLogLog at key(s)." },
    { "pfdebug", 3, W | M | A, KEYS(2, 2, 1), NO(ADMIN), "hyperloglog",
      "Internal commands for debugging HyperLogLog values" },
    { "pfmerge", -2, W | M, KEYS(1, -1, 1), SLOT, "hyperloglog",
      "Merge N different HyperLogLogs into a single one." },
    { "pfselftest", 1, A, NOKEYS, NO(ADMIN), "hyperloglog",
      "An internal command for testing HyperLogLog values" },
    { "ping", -1, F | ANY, NOKEYS, LOCAL, "connection", "Ping the server" },
    { "psetex", 4, W | M, KEYS(1, 1, 1), SLOT, "string",
      "Set the value and expiration in milliseconds of a key" },
    { "psubscribe", -2, P | S | ANY, NOKEYS, LOCAL, "pubsub",
      "Listen for messages published to channels matching the given "
      "patterns" },
    { "psync", -3, A | S | ANY, NOKEYS, NO(ADMIN), "server",
      "An internal command used in replication" },
    { "pttl", 2, R | RND | F, KEYS(1, 1, 1), SLOT, "generic",
      "Get the time to live for a key in milliseconds" },
    { "publish", 3, P | F | ANY, NOKEYS, LOCAL, "pubsub",
      "Post a message to a channel" },
    { "pubsub", -2, P | RND | ANY, NOKEYS, LOCAL, "pubsub",
      "Inspect the state of the Pub/Sub subsystem" },
    { "punsubscribe", -1, P | S | ANY, NOKEYS, LOCAL, "pubsub",
      "Stop listening for messages posted to channels matching the given "
      "patterns" },
    { "quit", -1, NA | F | ANY, NOKEYS, LOCAL, "connection",
      "Close the connection" },
    { "randomkey", 1, R | RND, NOKEYS, LOCAL, "generic",
      "Return a random key from the keyspace" },
    { "readonly", 1, F | L | ST | NS, NOKEYS, LOCAL, "cluster", NULL },
    { "readwrite", 1, F | L | ST | NS, NOKEYS, LOCAL, "cluster", NULL },
    { "rename", 3, W, KEYS(1, 2, 1), SLOT, "generic", "Rename a key" },
    { "renamenx", 3, W | F, KEYS(1, 2, 1), SLOT, "generic",
      "Rename a key, only if the new key does not exist" },
    { "replconf", -1, A | S | ANY, NOKEYS, NO(ADMIN), "server",
      "An internal command for configuring the replication stream" },
    { "replicaof", 3, A | S | ST, NOKEYS, NO(ADMIN), "server",
      "Make the server a replica of another instance, or promote it as "
      "master" },
    { "reset", 1, S | NA | F | ANY, NOKEYS, LOCAL, "connection",
      "Reset the connection" },
    { "restore", -4, W | M, KEYS(1, 1, 1), SLOT, "generic",
      "Create a key using the provided serialized value" },
    { "restore-asking", -4, W | M | NS, KEYS(1, 1, 1), NO(NULL), "server",
      NULL },
    { "role", 1, S | F | ANY, NOKEYS, NO(ADMIN), "server",
      "Return the role of the instance in the context of replication" },
    { "rpop", -2, W | F, KEYS(1, 1, 1), SLOT, "list",
      "Remove and get the last elements in a list" },
    { "rpoplpush", 3, W | M, KEYS(1, 2, 1), SLOT, "list",
      "Remove the last element in a list, prepend it to another list and "
      "return it" },
    { "rpush", -3, W | M | F, KEYS(1, 1, 1), SLOT, "list",
      "Append one or multiple elements to a list" },
    { "rpushx", -3, W | M | F, KEYS(1, 1, 1), SLOT, "list",
      "Append an element to a list, only if the list exists" },
    { "sadd", -3, W | M | F, KEYS(1, 1, 1), SLOT, "set",
      "Add one or more members to a set" },
    { "save", 1, A | S, NOKEYS, NO(ADMIN), "server",
      "Synchronously save the dataset to disk" },
    { "scan", -2, R | RND, NOKEYS, LOCAL, "generic",
      "Incrementally iterate the keys space" },
    { "scard", 2, R | F, KEYS(1, 1, 1), SLOT, "set",
      "Get the number of members in a set" },
    { "script", -2, S, NOKEYS, EACH, "scripting",
      "Manage the script cache" },
    { "sdiff", -2, R, KEYS(1, -1, 1), SLOT, "set", "Subtract multiple sets" },
    { "sdiffstore", -3, W | M, KEYS(1, -1, 1), SLOT, "set",
      "Subtract multiple sets and store the resulting set in a key" },
    { "select", 2, F | ANY, NOKEYS, LOCAL, "connection",
      "Change the selected database for the current connection" },
    { "set", -3, W | M, KEYS(1, 1, 1), SLOT, "string",
      "Set the string value of a key" },
    { "setbit", 4, W | M, KEYS(1, 1, 1), SLOT, "bitmap",
      "Sets or clears the bit at offset in the string value stored at key" },
    { "setex", 4, W | M, KEYS(1, 1, 1), SLOT, "string",
      "Set the value and expiration of a key" },
    { "setnx", 3, W | M | F, KEYS(1, 1, 1), SLOT, "string",
      "Set the value of a key, only if the key does not exist" },
    { "setrange", 4, W | M, KEYS(1, 1, 1), SLOT, "string",
      "Overwrite part of a string at key starting at the specified offset" },
    { "shutdown", -1, A | S | ANY, NOKEYS, NO(ADMIN), "server",
      "Stop the server" },
    { "sinter", -2, R, KEYS(1, -1, 1), SLOT, "set",
      "Intersect multiple sets" },
    { "sintercard", -3, R, NUMKEYS(1), SLOT, "set",
      "Intersect multiple sets and return the cardinality of the result" },
    { "sinterstore", -3, W | M, KEYS(1, -1, 1), SLOT, "set",
      "Intersect multiple sets and store the resulting set in a key" },
    { "sismember", 3, R | F, KEYS(1, 1, 1), SLOT, "set",
      "Determine if a given value is a member of a set" },
    { "slaveof", 3, A | S | ST, NOKEYS, NO(ADMIN), "server",
      "Make the server a replica of another instance, or promote it as "
      "master" },
    { "slotscheck", -1, R | A, NOKEYS, NO(ADMIN), "codis",
      "Check that the slot and tag indexes match the keyspace" },
    { "slotsdel", -2, W, NOKEYS, NO(ADMIN), "codis",
      "Delete every key of the given slots" },
    { "slotshashkey", -1, F, NOKEYS, LOCAL, "codis",
      "Return the slot of each given key" },
    { "slotsinfo", -1, R, NOKEYS, NO(ADMIN), "codis",
      "Return [slot, keys] for each non-empty slot in a range" },
    { "slotsmgrt-async-cancel", 1, A, NOKEYS, NO(ADMIN), "codis",
      "Stop the batch moving in the background" },
    { "slotsmgrt-async-fence", 1, R | A, NOKEYS, NO(ADMIN), "codis",
      "Wait until the batch moving in the background ends" },
    { "slotsmgrt-async-status", 1, R | A, NOKEYS, NO(ADMIN), "codis",
      "Show the batch moving in the background (nil: none)" },
    { "slotsmgrt-exec-wrapper", -3, W, KEYS(1, 1, 1), NO(ADMIN), "codis",
      "Run a command unless its key is gone or being migrated" },
    { "slotsmgrtone", 5, W | A, KEYS(4, 4, 1), NO(ADMIN), "codis",
      "Move one key to another server" },
    { "slotsmgrtone-async", -7, W | A, KEYS(6, -1, 1), NO(ADMIN), "codis",
      "Move the given keys to another server" },
    { "slotsmgrtone-async-dump", -4, R | A, KEYS(3, -1, 1), NO(ADMIN), "codis",
      "Show the messages that would move the keys" },
    { "slotsmgrtslot", 5, W | A, NOKEYS, NO(ADMIN), "codis",
      "Move a random key of a slot to another server" },
    { "slotsmgrtslot-async", 8, W | A, NOKEYS, NO(ADMIN), "codis",
      "Move a batch of keys of a slot to another server" },
    { "slotsmgrttagone", 5, W | A, KEYS(4, 4, 1), NO(ADMIN), "codis",
      "Move one key and the keys sharing its tag to another server" },
    { "slotsmgrttagone-async", -7, W | A, KEYS(6, -1, 1), NO(ADMIN), "codis",
      "Move the given keys, with their tags" },
    { "slotsmgrttagone-async-dump", -4, R | A, KEYS(3, -1, 1), NO(ADMIN),
      "codis", "Show the messages that would move the keys, with their tags" },
    { "slotsmgrttagslot", 5, W | A, NOKEYS, NO(ADMIN), "codis",
      "Move a random key of a slot, with its tag, to another server" },
    { "slotsmgrttagslot-async", 8, W | A, NOKEYS, NO(ADMIN), "codis",
      "Move a batch of keys of a slot, with their tags" },
    { "slotsrestore", -4, W | M, KEYS(1, -1, 3), NO(ADMIN), "codis",
      "Create keys from DUMP payloads, overwriting (migration target)" },
    { "slotsrestore-async", -3, W | M, KEYS(2, 2, 1), NO(ADMIN), "codis",
      "Create a key from a payload or in chunks (target side)" },
    { "slotsscan", -3, R, NOKEYS, LOCAL, "codis",
      "Incrementally iterate the keys of one slot" },
    { "slowlog", -2, A | L | ST, NOKEYS, NO(ADMIN), "server",
      "A container for slow log commands" },
    { "smembers", 2, R, KEYS(1, 1, 1), SLOT, "set",
      "Get all the members in a set" },
    { "smismember", -3, R | F, KEYS(1, 1, 1), SLOT, "set",
      "Returns the membership associated with the given elements for a set" },
    { "smove", 4, W | F, KEYS(1, 2, 1), SLOT, "set",
      "Move a member from one set to another" },
    { "sort", -2, W | M, SORTKEYS, LOCAL, "generic",
      "Sort the elements in a list, set or sorted set" },
    { "sort_ro", -2, R, KEYS(1, 1, 1), SLOT, "generic",
      "Sort the elements in a list, set or sorted set. Read-only variant of "
      "SORT." },
    { "spop", -2, W | RND | F, KEYS(1, 1, 1), SLOT, "set",
      "Remove and return one or multiple random members from a set" },
    { "spublish", 3, P | F | L | ST | NS, KEYS(1, 1, 1), NO(PUBSUB), "pubsub",
      NULL },
    { "srandmember", -2, R | RND, KEYS(1, 1, 1), SLOT, "set",
      "Get one or multiple random members from a set" },
    { "srem", -3, W | F, KEYS(1, 1, 1), SLOT, "set",
      "Remove one or more members from a set" },
    { "sscan", -3, R | RND, KEYS(1, 1, 1), SLOT, "set",
      "Incrementally iterate Set elements" },
    { "ssubscribe", -2, P | S | L | ST | NS, KEYS(1, -1, 1), NO(PUBSUB),
      "pubsub", NULL },
    { "strlen", 2, R | F, KEYS(1, 1, 1), SLOT, "string",
      "Get the length of the value stored in a key" },
    { "subscribe", -2, P | S | ANY, NOKEYS, LOCAL, "pubsub",
      "Listen for messages published to the given channels" },
    { "substr", 4, R, KEYS(1, 1, 1), SLOT, "string",
      "Get a substring of the string stored at a key" },
    { "sunion", -2, R, KEYS(1, -1, 1), SLOT, "set", "Add multiple sets" },
    { "sunionstore", -3, W | M, KEYS(1, -1, 1), SLOT, "set",
      "Add multiple sets and store the resulting set in a key" },
    { "sunsubscribe", -1, P | S | L | ST | NS, KEYS(1, -1, 1), NO(PUBSUB),
      "pubsub", NULL },
    { "swapdb", 3, W | F, NOKEYS, NO(KEYSPACE), "server",
      "Swaps two Redis databases" },
    { "sync", 1, A | S | ANY, NOKEYS, NO(ADMIN), "server",
      "An internal command used in replication" },
    { "time", 1, RND | F | ANY, NOKEYS, ANYGROUP, "server",
      "Return the current server time" },
    { "touch", -2, R | F, KEYS(1, -1, 1), SUM, "generic",
      "Count the keys that exist" },
    { "ttl", 2, R | RND | F, KEYS(1, 1, 1), SLOT, "generic",
      "Get the time to live for a key in seconds" },
    { "type", 2, R | F, KEYS(1, 1, 1), SLOT, "generic",
      "Determine the type stored at key" },
    { "unlink", -2, W | F, KEYS(1, -1, 1), SUM, "generic", "Delete keys" },
    { "unsubscribe", -1, P | S | ANY, NOKEYS, LOCAL, "pubsub",
      "Stop listening for messages posted to the given channels" },
    { "unwatch", 1, S | F | ANY, NOKEYS, LOCAL, "transactions",
      "Forget about all watched keys" },
    { "wait", 3, S, NOKEYS, NO(NULL), "generic",
      "Wait for the synchronous replication of all the write commands sent "
      "in the context of the current connection" },
    { "waitaof", 4, S | NS, NOKEYS, NO(NULL), "generic", NULL },
    { "watch", -2, S | F | ANY, KEYS(1, -1, 1), SLOT, "transactions",
      "Watch the given keys to determine execution of the MULTI/EXEC block" },
    { "xack", -4, W | F, KEYS(1, 1, 1), SLOT, "stream",
      "Marks a pending message as correctly processed" },
    { "xadd", -5, W | M | F, KEYS(1, 1, 1), SLOT, "stream",
      "Appends a new entry to a stream" },
    { "xautoclaim", -6, W | F, KEYS(1, 1, 1), SLOT, "stream",
      "Changes, or acquires, ownership of messages in a consumer group" },
    { "xclaim", -6, W | F, KEYS(1, 1, 1), SLOT, "stream",
      "Changes, or acquires, ownership of a message in a consumer group" },
    { "xdel", -3, W | F, KEYS(1, 1, 1), SLOT, "stream",
      "Returns the number of messages after removing them from a stream" },
    { "xgroup", -2, 0, KEYS(2, 2, 1), SLOT, "stream",
      "A container for consumer groups commands" },
    { "xinfo", -2, 0, KEYS(2, 2, 1), SLOT, "stream",
      "A container for stream introspection commands" },
    { "xlen", 2, R | F, KEYS(1, 1, 1), SLOT, "stream",
      "Return the number of messages in a stream" },
    { "xpending", -3, R, KEYS(1, 1, 1), SLOT, "stream",
      "Returns the information and entries from a stream consumer group's pending entries list" },
    { "xrange", -4, R, KEYS(1, 1, 1), SLOT, "stream",
      "Returns the messages from a stream within a range of IDs" },
    { "xread", -4, R | B, STREAMS(1), SLOT, "stream",
      "Returns messages from multiple streams with IDs greater than the ones requested" },
    { "xreadgroup", -7, W | B, STREAMS(4), SLOT, "stream",
      "Returns new or historical messages from a stream for a consumer in a group" },
    { "xrevrange", -4, R, KEYS(1, 1, 1), SLOT, "stream",
      "Returns the messages from a stream within a range of IDs in reverse order" },
    { "xsetid", -3, W | M | F, KEYS(1, 1, 1), SLOT, "stream",
      "An internal command for replicating stream values" },
    { "xtrim", -4, W, KEYS(1, 1, 1), SLOT, "stream",
      "Deletes messages from the beginning of a stream" },
    { "zadd", -4, W | M | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Add one or more members to a sorted set, or update its score if it "
      "already exists" },
    { "zcard", 2, R | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Get the number of members in a sorted set" },
    { "zcount", 4, R | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Count the members in a sorted set with scores within the given "
      "values" },
    { "zdiff", -3, R, NUMKEYS(1), SLOT, "sorted-set",
      "Subtract multiple sorted sets" },
    { "zdiffstore", -4, W | M, NUMKEYS_AFTER(1, 2), SLOT, "sorted-set",
      "Subtract multiple sorted sets and store the resulting sorted set in "
      "a new key" },
    { "zincrby", 4, W | M | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Increment the score of a member in a sorted set" },
    { "zinter", -3, R, NUMKEYS(1), SLOT, "sorted-set",
      "Intersect multiple sorted sets" },
    { "zintercard", -3, R, NUMKEYS(1), SLOT, "sorted-set",
      "Intersect multiple sorted sets and return the cardinality of the "
      "result" },
    { "zinterstore", -4, W | M, NUMKEYS_AFTER(1, 2), SLOT, "sorted-set",
      "Intersect multiple sorted sets and store the resulting sorted set in "
      "a new key" },
    { "zlexcount", 4, R | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Count the number of members in a sorted set between a given "
      "lexicographical range" },
    { "zmpop", -4, W, NUMKEYS(1), SLOT, "sorted-set",
      "Remove and return members with scores in a sorted set" },
    { "zmscore", -3, R | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Get the score associated with the given members in a sorted set" },
    { "zpopmax", -2, W | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Remove and return members with the highest scores in a sorted set" },
    { "zpopmin", -2, W | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Remove and return members with the lowest scores in a sorted set" },
    { "zrandmember", -2, R | RND, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Get one or multiple random elements from a sorted set" },
    { "zrange", -4, R, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Return a range of members in a sorted set" },
    { "zrangebylex", -4, R, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Return a range of members in a sorted set, by lexicographical range" },
    { "zrangebyscore", -4, R, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Return a range of members in a sorted set, by score" },
    { "zrangestore", -5, W | M, KEYS(1, 2, 1), SLOT, "sorted-set",
      "Store a range of members from sorted set into another key" },
    { "zrank", 3, R | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Determine the index of a member in a sorted set" },
    { "zrem", -3, W | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Remove one or more members from a sorted set" },
    { "zremrangebylex", 4, W, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Remove all members in a sorted set between the given lexicographical "
      "range" },
    { "zremrangebyrank", 4, W, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Remove all members in a sorted set within the given indexes" },
    { "zremrangebyscore", 4, W, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Remove all members in a sorted set within the given scores" },
    { "zrevrange", -4, R, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Return a range of members in a sorted set, by index, with scores "
      "ordered from high to low" },
    { "zrevrangebylex", -4, R, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Return a range of members in a sorted set, by lexicographical range, "
      "ordered from higher to lower strings" },
    { "zrevrangebyscore", -4, R, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Return a range of members in a sorted set, by score, with scores "
      "ordered from high to low" },
    { "zrevrank", 3, R | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Determine the index of a member in a sorted set, with scores ordered "
      "from high to low" },
    { "zscan", -3, R | RND, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Incrementally iterate sorted sets elements and associated scores" },
    { "zscore", 3, R | F, KEYS(1, 1, 1), SLOT, "sorted-set",
      "Get the score associated with the given member in a sorted set" },
    { "zunion", -3, R, NUMKEYS(1), SLOT, "sorted-set",
      "Add multiple sorted sets" },
    { "zunionstore", -4, W | M, NUMKEYS_AFTER(1, 2), SLOT, "sorted-set",
      "Add multiple sorted sets and store the resulting sorted set in a new "
      "key" },
};

/* Subcommands of the container commands (CONFIG, CLIENT, OBJECT ...),
 * named "parent|sub" as Redis 7 names them, sorted by name. Their
 * arity counts the parent's name too; COMMAND LIST, COMMAND INFO, DOCS
 * and ACL rules read them. The parent's handler serves them all: the
 * route column is unused. Generated by tools/gen-cmdspec.py (sub) from
 * redis-server 7.0.15, then NS added by hand where we do not serve. */
const struct cmdspec cmdspec_subtable[] = {
    { "acl|cat", -2, S | ANY, NOKEYS, NO(NULL), "server",
      "List the ACL categories or the commands inside a category" },
    { "acl|deluser", -3, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Remove the specified ACL users and the associated rules" },
    { "acl|dryrun", -4, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Returns whether the user can execute the given command without "
      "executing the command." },
    { "acl|genpass", -2, S | ANY, NOKEYS, NO(NULL), "server",
      "Generate a pseudorandom secure password to use for ACL users" },
    { "acl|getuser", 3, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Get the rules for a specific ACL user" },
    { "acl|help", 2, ANY, NOKEYS, NO(NULL), "server",
      "Show helpful text about the different subcommands" },
    { "acl|list", 2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "List the current ACL rules in ACL config file format" },
    { "acl|load", 2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Reload the ACLs from the configured ACL file" },
    { "acl|log", -2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "List latest events denied because of ACLs in place" },
    { "acl|save", 2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Save the current ACL rules in the configured ACL file" },
    { "acl|setuser", -3, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Modify or create the rules for a specific ACL user" },
    { "acl|users", 2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "List the username of all the configured ACL rules" },
    { "acl|whoami", 2, S | ANY, NOKEYS, NO(NULL), "server",
      "Return the name of the user associated to the current connection" },
    { "client|caching", 3, S | ANY, NOKEYS, NO(NULL), "connection",
      "Instruct the server about tracking or not keys in the next request" },
    { "client|getname", 2, S | ANY, NOKEYS, NO(NULL), "connection",
      "Get the current connection name" },
    { "client|getredir", 2, S | ANY, NOKEYS, NO(NULL), "connection",
      "Get tracking notifications redirection client ID if any" },
    { "client|help", 2, ANY, NOKEYS, NO(NULL), "connection",
      "Show helpful text about the different subcommands" },
    { "client|id", 2, S | ANY, NOKEYS, NO(NULL), "connection",
      "Returns the client ID for the current connection" },
    { "client|info", 2, S | ANY, NOKEYS, NO(NULL), "connection",
      "Returns information about the current client connection." },
    { "client|kill", -3, A | S | ANY, NOKEYS, NO(NULL), "connection",
      "Kill the connection of a client" },
    { "client|list", -2, A | S | ANY, NOKEYS, NO(NULL), "connection",
      "Get the list of client connections" },
    { "client|no-evict", 3, A | S | ANY, NOKEYS, NO(NULL), "connection",
      "Set client eviction mode for the current connection" },
    { "client|pause", -3, A | S | ANY, NOKEYS, NO(NULL), "connection",
      "Stop processing commands from clients for some time" },
    { "client|reply", 3, S | ANY, NOKEYS, NO(NULL), "connection",
      "Instruct the server whether to reply to commands" },
    { "client|setname", 3, S | ANY, NOKEYS, NO(NULL), "connection",
      "Set the current connection name" },
    { "client|tracking", -3, S | ANY, NOKEYS, NO(NULL), "connection",
      "Enable or disable server assisted client side caching support" },
    { "client|trackinginfo", 2, S | ANY, NOKEYS, NO(NULL), "connection",
      "Return information about server assisted client side caching for the "
      "current connection" },
    { "client|unblock", -3, A | S | ANY, NOKEYS, NO(NULL), "connection",
      "Unblock a client blocked in a blocking command from a different "
      "connection" },
    { "client|unpause", 2, A | S | ANY, NOKEYS, NO(NULL), "connection",
      "Resume processing of clients that were paused" },
    { "command|count", 2, ANY, NOKEYS, NO(NULL), "server",
      "Get total number of Redis commands" },
    { "command|docs", -2, ANY, NOKEYS, NO(NULL), "server",
      "Get array of specific Redis command documentation" },
    { "command|getkeys", -4, ANY, NOKEYS, NO(NULL), "server",
      "Extract keys given a full Redis command" },
    { "command|getkeysandflags", -4, ANY, NOKEYS, NO(NULL), "server",
      "Extract keys and access flags given a full Redis command" },
    { "command|help", 2, ANY, NOKEYS, NO(NULL), "server",
      "Show helpful text about the different subcommands" },
    { "command|info", -2, ANY, NOKEYS, NO(NULL), "server",
      "Get array of specific Redis command details, or all when no argument "
      "is given." },
    { "command|list", -2, ANY, NOKEYS, NO(NULL), "server",
      "Get an array of Redis command names" },
    { "config|get", -3, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Get the values of configuration parameters" },
    { "config|help", 2, ANY, NOKEYS, NO(NULL), "server",
      "Show helpful text about the different subcommands" },
    { "config|resetstat", 2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Reset the stats returned by INFO" },
    { "config|rewrite", 2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Rewrite the configuration file with the in memory configuration" },
    { "config|set", -4, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Set configuration parameters to the given values" },
    { "function|delete", 3, W | S, NOKEYS, NO(NULL), "scripting",
      "Delete a function by name" },
    { "function|dump", 2, S, NOKEYS, NO(NULL), "scripting",
      "Dump all functions into a serialized binary payload" },
    { "function|flush", -2, W | S, NOKEYS, NO(NULL), "scripting",
      "Deleting all functions" },
    { "function|help", 2, ANY, NOKEYS, NO(NULL), "scripting",
      "Show helpful text about the different subcommands" },
    { "function|kill", 2, S, NOKEYS, NO(NULL), "scripting",
      "Kill the function currently in execution." },
    { "function|list", -2, S, NOKEYS, NO(NULL), "scripting",
      "List information about all the functions" },
    { "function|load", -3, W | M | S, NOKEYS, NO(NULL), "scripting",
      "Create a function with the given arguments (name, code, description)" },
    { "function|restore", -3, W | M | S, NOKEYS, NO(NULL), "scripting",
      "Restore all the functions on the given payload" },
    { "function|stats", 2, S, NOKEYS, NO(NULL), "scripting",
      "Return information about the function currently running (name, "
      "description, duration)" },
    { "latency|doctor", 2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Return a human readable latency analysis report." },
    { "latency|graph", 3, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Return a latency graph for the event." },
    { "latency|help", 2, ANY, NOKEYS, NO(NULL), "server",
      "Show helpful text about the different subcommands." },
    { "latency|histogram", -2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Return the cumulative distribution of latencies of a subset of "
      "commands or all." },
    { "latency|history", 3, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Return timestamp-latency samples for the event." },
    { "latency|latest", 2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Return the latest latency samples for all events." },
    { "latency|reset", -2, A | S | ANY, NOKEYS, NO(NULL), "server",
      "Reset latency data for one or more events." },
    { "memory|doctor", 2, 0, NOKEYS, NO(NULL), "server",
      "Outputs memory problems report" },
    { "memory|help", 2, ANY, NOKEYS, NO(NULL), "server",
      "Show helpful text about the different subcommands" },
    { "memory|malloc-stats", 2, 0, NOKEYS, NO(NULL), "server",
      "Show allocator internal stats" },
    { "memory|purge", 2, 0, NOKEYS, NO(NULL), "server",
      "Ask the allocator to release memory" },
    { "memory|stats", 2, 0, NOKEYS, NO(NULL), "server",
      "Show memory usage details" },
    { "memory|usage", -3, R, KEYS(2, 2, 1), NO(NULL), "server",
      "Estimate the memory usage of a key" },
    { "object|encoding", 3, R, KEYS(2, 2, 1), NO(NULL), "generic",
      "Inspect the internal encoding of a Redis object" },
    { "object|freq", 3, R, KEYS(2, 2, 1), NO(NULL), "generic",
      "Get the logarithmic access frequency counter of a Redis object" },
    { "object|help", 2, ANY, NOKEYS, NO(NULL), "generic",
      "Show helpful text about the different subcommands" },
    { "object|idletime", 3, R, KEYS(2, 2, 1), NO(NULL), "generic",
      "Get the time since a Redis object was last accessed" },
    { "object|refcount", 3, R, KEYS(2, 2, 1), NO(NULL), "generic",
      "Get the number of references to the value of the key" },
    { "pubsub|channels", -2, P | ANY, NOKEYS, NO(NULL), "pubsub",
      "List active channels" },
    { "pubsub|help", 2, ANY, NOKEYS, NO(NULL), "pubsub",
      "Show helpful text about the different subcommands" },
    { "pubsub|numpat", 2, P | ANY, NOKEYS, NO(NULL), "pubsub",
      "Get the count of unique patterns pattern subscriptions" },
    { "pubsub|numsub", -2, P | ANY, NOKEYS, NO(NULL), "pubsub",
      "Get the count of subscribers for channels" },
    { "pubsub|shardchannels", -2, P | ANY | NS, NOKEYS, NO(NULL), "pubsub",
      "List active shard channels" },
    { "pubsub|shardnumsub", -2, P | ANY | NS, NOKEYS, NO(NULL), "pubsub",
      "Get the count of subscribers for shard channels" },
    { "script|debug", 3, S, NOKEYS, NO(NULL), "scripting",
      "Set the debug mode for executed scripts." },
    { "script|exists", -3, S, NOKEYS, NO(NULL), "scripting",
      "Check existence of scripts in the script cache." },
    { "script|flush", -2, S, NOKEYS, NO(NULL), "scripting",
      "Remove all the scripts from the script cache." },
    { "script|help", 2, ANY, NOKEYS, NO(NULL), "scripting",
      "Show helpful text about the different subcommands" },
    { "script|kill", 2, S, NOKEYS, NO(NULL), "scripting",
      "Kill the script currently in execution." },
    { "script|load", 3, S | ST, NOKEYS, NO(NULL), "scripting",
      "Load the specified Lua script into the script cache." },
    { "slowlog|get", -2, A | ANY, NOKEYS, NO(NULL), "server",
      "Get the slow log's entries" },
    { "slowlog|help", 2, ANY, NOKEYS, NO(NULL), "server",
      "Show helpful text about the different subcommands" },
    { "slowlog|len", 2, A | ANY, NOKEYS, NO(NULL), "server",
      "Get the slow log's length" },
    { "slowlog|reset", 2, A | ANY, NOKEYS, NO(NULL), "server",
      "Clear all entries from the slow log" },
    { "xgroup|create", -5, W | M, KEYS(2, 2, 1), NO(NULL), "stream",
      "Create a consumer group." },
    { "xgroup|createconsumer", 5, W | M, KEYS(2, 2, 1), NO(NULL), "stream",
      "Create a consumer in a consumer group." },
    { "xgroup|delconsumer", 5, W, KEYS(2, 2, 1), NO(NULL), "stream",
      "Delete a consumer from a consumer group." },
    { "xgroup|destroy", 4, W, KEYS(2, 2, 1), NO(NULL), "stream",
      "Destroy a consumer group." },
    { "xgroup|help", 2, ANY, NOKEYS, NO(NULL), "stream",
      "Show helpful text about the different subcommands" },
    { "xgroup|setid", -5, W, KEYS(2, 2, 1), NO(NULL), "stream",
      "Set a consumer group to an arbitrary last delivered ID value." },
    { "xinfo|consumers", 4, R, KEYS(2, 2, 1), NO(NULL), "stream",
      "List the consumers in a consumer group" },
    { "xinfo|groups", 3, R, KEYS(2, 2, 1), NO(NULL), "stream",
      "List the consumer groups of a stream" },
    { "xinfo|help", 2, ANY, NOKEYS, NO(NULL), "stream",
      "Show helpful text about the different subcommands" },
    { "xinfo|stream", -3, R, KEYS(2, 2, 1), NO(NULL), "stream",
      "Get information about a stream" },
};

#undef W
#undef R
#undef M
#undef A
#undef P
#undef S
#undef B
#undef L
#undef ST
#undef ANY
#undef F
#undef NA
#undef NMK
#undef RND
#undef NS
#undef MR

#define CMDSPEC_ROWS (sizeof(cmdspec_table) / sizeof(cmdspec_table[0]))
_Static_assert(CMDSPEC_ROWS < CMDSPEC_MAX, "raise CMDSPEC_MAX (and "
               "CMDSPEC_SLOTS, which must stay at least twice as large)");

const size_t cmdspec_count = CMDSPEC_ROWS;
const size_t cmdspec_subcount =
    sizeof(cmdspec_subtable) / sizeof(cmdspec_subtable[0]);

/* ------------------------------------------------------------------------
 * Subcommands */

const struct cmdspec *cmdspec_subcommands(const struct cmdspec *parent,
                                          size_t *count)
{
    size_t plen = strlen(parent->name);
    const struct cmdspec *first = NULL;
    *count = 0;
    for (size_t i = 0; i < cmdspec_subcount; i++) {
        const char *name = cmdspec_subtable[i].name;
        if (strncmp(name, parent->name, plen) == 0 && name[plen] == '|') {
            if (first == NULL) {
                first = &cmdspec_subtable[i];
            }
            (*count)++;
        } else if (first != NULL) {
            break;
        }
    }
    return first;
}

const struct cmdspec *cmdspec_lookup_sub(const struct cmdspec *parent,
                                         const char *sub, size_t len)
{
    size_t n;
    const struct cmdspec *subs = cmdspec_subcommands(parent, &n);
    size_t plen = strlen(parent->name) + 1;
    for (size_t i = 0; i < n; i++) {
        const char *name = subs[i].name + plen;
        if (strlen(name) == len && strncasecmp(name, sub, len) == 0) {
            return &subs[i];
        }
    }
    return NULL;
}

const struct cmdspec *cmdspec_lookup_full(const char *name, size_t len)
{
    const char *bar = memchr(name, '|', len);
    if (bar == NULL) {
        return cmdspec_lookup(name, len);
    }
    const struct cmdspec *parent = cmdspec_lookup(name, (size_t)(bar - name));
    if (parent == NULL) {
        return NULL;
    }
    return cmdspec_lookup_sub(parent, bar + 1, len - (size_t)(bar - name) - 1);
}

/* ------------------------------------------------------------------------
 * Lookup: open addressing from the hash of the name to entry + 1 (0 is a
 * free slot); a power of two well above the table's size keeps probes
 * short. Built once, read-only afterwards, so threads may share it. */

#define CMDSPEC_SLOTS 1024
#define CMDSPEC_NAME_MAX 64

static uint16_t cmdspec_slots[CMDSPEC_SLOTS];
static bool cmdspec_ready;

/* FNV-1a over the lower-cased name. */
static uint32_t cmdspec_hash(const char *name, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a');
        }
        h = (h ^ c) * 16777619u;
    }
    return h;
}

void cmdspec_init(void)
{
    if (cmdspec_ready) {
        return;
    }
    for (size_t i = 0; i < cmdspec_count; i++) {
        const char *name = cmdspec_table[i].name;
        uint32_t h = cmdspec_hash(name, strlen(name)) & (CMDSPEC_SLOTS - 1);
        while (cmdspec_slots[h] != 0) {
            h = (h + 1) & (CMDSPEC_SLOTS - 1);
        }
        cmdspec_slots[h] = (uint16_t)(i + 1);
    }
    cmdspec_ready = true;
}

const struct cmdspec *cmdspec_lookup(const char *name, size_t len)
{
    if (len == 0 || len > CMDSPEC_NAME_MAX) {
        return NULL;
    }
    uint32_t h = cmdspec_hash(name, len) & (CMDSPEC_SLOTS - 1);
    while (cmdspec_slots[h] != 0) {
        const struct cmdspec *spec = &cmdspec_table[cmdspec_slots[h] - 1];
        if (strncasecmp(spec->name, name, len) == 0 &&
            spec->name[len] == '\0') {
            return spec;
        }
        h = (h + 1) & (CMDSPEC_SLOTS - 1);
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Keys */

/* True if argument 'i' is 'word', in any case. */
static bool cmdspec_arg_is(cmdspec_arg_fn arg, const void *argv, int i,
                           const char *word)
{
    size_t len;
    const char *p = arg(argv, i, &len);
    return len == strlen(word) && strncasecmp(p, word, len) == 0;
}

/* The keys at first/last/step, appended to 'keys' from 'n'; returns the
 * new count. */
static int cmdspec_range_keys(const struct cmdspec *spec, int argc,
                              int *keys, int n)
{
    if (spec->first <= 0 || spec->first >= argc) {
        return n;
    }
    int last = spec->last < 0 ? argc + spec->last : spec->last;
    if (last >= argc) {
        last = argc - 1;
    }
    for (int i = spec->first; i <= last; i += spec->step) {
        keys[n++] = i;
    }
    return n;
}

/* CMDSPEC_FIND_NUMKEYS: the fixed keys, then the counted ones. */
static int cmdspec_numkeys_keys(const struct cmdspec *spec, int argc,
                                cmdspec_arg_fn arg, const void *argv,
                                int *keys)
{
    int n = cmdspec_range_keys(spec, argc, keys, 0);
    if (spec->numkeys >= argc) {
        return -1;
    }
    size_t len;
    const char *p = arg(argv, spec->numkeys, &len);
    long long count;
    if (resp_parse_ll(p, len, &count) != 0 || count < 0 ||
        count > argc - spec->numkeys - 1) {
        return -1;
    }
    for (int k = 0; k < count; k++) {
        keys[n++] = spec->numkeys + 1 + k;
    }
    return n;
}

/* CMDSPEC_FIND_STREAMS: after the STREAMS word come N keys then N IDs. */
static int cmdspec_streams_keys(const struct cmdspec *spec, int argc,
                                cmdspec_arg_fn arg, const void *argv,
                                int *keys)
{
    for (int i = spec->numkeys; i < argc; i++) {
        if (cmdspec_arg_is(arg, argv, i, "streams")) {
            int count = (argc - i - 1) / 2;
            if (count == 0) {
                return -1;
            }
            for (int k = 0; k < count; k++) {
                keys[k] = i + 1 + k;
            }
            return count;
        }
    }
    return -1;
}

/* CMDSPEC_FIND_SORT: the first key, then the last STORE (or STOREDIST,
 * GEORADIUS's) destination; SORT's LIMIT two arguments and BY's and GET's
 * one are patterns, not keys (GEORADIUS has none of those options). */
static int cmdspec_sort_keys(int argc, cmdspec_arg_fn arg, const void *argv,
                             int *keys)
{
    int store = 0;
    for (int i = 2; i < argc; i++) {
        if (cmdspec_arg_is(arg, argv, i, "limit")) {
            i += 2;
        } else if (cmdspec_arg_is(arg, argv, i, "by") ||
                   cmdspec_arg_is(arg, argv, i, "get")) {
            i++;
        } else if ((cmdspec_arg_is(arg, argv, i, "store") ||
                    cmdspec_arg_is(arg, argv, i, "storedist")) &&
                   i + 1 < argc) {
            store = ++i;
        }
    }
    keys[0] = 1;
    if (store != 0) {
        keys[1] = store;
        return 2;
    }
    return 1;
}

/* CMDSPEC_FIND_MIGRATE: key 3, unless it is empty and a KEYS option
 * follows (AUTH takes one argument, AUTH2 two): then what comes after. */
static int cmdspec_migrate_keys(int argc, cmdspec_arg_fn arg,
                                const void *argv, int *keys)
{
    size_t len = 1;
    if (argc > 3) {
        arg(argv, 3, &len);
    }
    for (int i = 6; len == 0 && i < argc; i++) {
        if (cmdspec_arg_is(arg, argv, i, "auth")) {
            i++;
        } else if (cmdspec_arg_is(arg, argv, i, "auth2")) {
            i += 2;
        } else if (cmdspec_arg_is(arg, argv, i, "keys")) {
            int n = 0;
            for (int k = i + 1; k < argc; k++) {
                keys[n++] = k;
            }
            return n;
        }
    }
    if (argc <= 3) {
        return 0;
    }
    keys[0] = 3;
    return 1;
}

int cmdspec_keys(const struct cmdspec *spec, int argc, cmdspec_arg_fn arg,
                 const void *argv, int *keys)
{
    switch (spec->find) {
    case CMDSPEC_FIND_NUMKEYS:
        return cmdspec_numkeys_keys(spec, argc, arg, argv, keys);
    case CMDSPEC_FIND_STREAMS:
        return cmdspec_streams_keys(spec, argc, arg, argv, keys);
    case CMDSPEC_FIND_SORT:
        return argc > 1 ? cmdspec_sort_keys(argc, arg, argv, keys) : 0;
    case CMDSPEC_FIND_MIGRATE:
        return cmdspec_migrate_keys(argc, arg, argv, keys);
    case CMDSPEC_FIND_RANGE:
        break;
    }
    return cmdspec_range_keys(spec, argc, keys, 0);
}

/* ------------------------------------------------------------------------
 * Flag names */

/* In the order COMMAND INFO lists them. */
static const struct {
    uint32_t flag;
    const char *name;
} cmdspec_flag_table[] = {
    { CMDSPEC_WRITE, "write" },
    { CMDSPEC_READONLY, "readonly" },
    { CMDSPEC_DENYOOM, "denyoom" },
    { CMDSPEC_ADMIN, "admin" },
    { CMDSPEC_PUBSUB, "pubsub" },
    { CMDSPEC_NOSCRIPT, "noscript" },
    { CMDSPEC_BLOCKING, "blocking" },
    { CMDSPEC_LOADING, "loading" },
    { CMDSPEC_STALE, "stale" },
    { CMDSPEC_FAST, "fast" },
    { CMDSPEC_NO_AUTH, "no_auth" },
    { CMDSPEC_NO_MANDATORY_KEYS, "no_mandatory_keys" },
    { CMDSPEC_MAY_REPLICATE, "may_replicate" },
};

size_t cmdspec_flag_names(const struct cmdspec *spec, const char **names)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof(cmdspec_flag_table) /
                           sizeof(cmdspec_flag_table[0]); i++) {
        if (spec->flags & cmdspec_flag_table[i].flag) {
            names[n++] = cmdspec_flag_table[i].name;
        }
    }
    if (cmdspec_movable(spec)) {
        names[n++] = "movablekeys";
    }
    return n;
}
