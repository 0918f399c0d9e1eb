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
 *     NO(reason) with ADMIN, BLOCKING, KEYSPACE, PUBSUB, MULTI or
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

#include <stdlib.h>
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
#define BLOCKING "blocking commands are not supported by the proxy"
#define KEYSPACE "it needs the whole keyspace"
#define ADMIN "server administration goes to the servers, not the proxy"
#define PUBSUB "pub/sub is not supported by the proxy"
#define MULTI "transactions are not supported by the proxy"

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
    { "blmove", 6, W | M | S | B, KEYS(1, 2, 1), NO(BLOCKING), "list",
      "Pop an element from a list, push it to another list and return it; "
      "or block until one is available" },
    { "blmpop", -5, W | B, NUMKEYS(2), NO(BLOCKING), "list",
      "Pop elements from a list, or block until one is available" },
    { "blpop", -3, W | S | B, KEYS(1, -2, 1), NO(BLOCKING), "list",
      "Remove and get the first element in a list, or block until one is "
      "available" },
    { "brpop", -3, W | S | B, KEYS(1, -2, 1), NO(BLOCKING), "list",
      "Remove and get the last element in a list, or block until one is "
      "available" },
    { "brpoplpush", 4, W | M | S | B, KEYS(1, 2, 1), NO(BLOCKING), "list",
      "Pop an element from a list, push it to another list and return it; "
      "or block until one is available" },
    { "bzmpop", -5, W | B, NUMKEYS(2), NO(BLOCKING), "sorted-set",
      "Remove and return members with scores in a sorted set or block until "
      "one is available" },
    { "bzpopmax", -3, W | S | B | F, KEYS(1, -2, 1), NO(BLOCKING),
      "sorted-set",
      "Remove and return the member with the highest score from one of the "
      "sorted sets, or block until one is available" },
    { "bzpopmin", -3, W | S | B | F, KEYS(1, -2, 1), NO(BLOCKING),
      "sorted-set",
      "Remove and return the member with the lowest score from one of the "
      "sorted sets, or block until one is available" },
    { "client", -2, A | S | ANY, NOKEYS, NO(ADMIN), "connection",
      "Manage client connections" },
    { "cluster", -2, NS, NOKEYS, NO(ADMIN), "cluster", NULL },
    { "command", -1, RND | ANY, NOKEYS, LOCAL, "server",
      "Get details about the commands of the server" },
    { "config", -2, A | S | ANY, NOKEYS, NO(ADMIN), "server",
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
    { "discard", 1, S | F | ANY, NOKEYS, NO(MULTI), "transactions",
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
    { "exec", 1, S | ANY, NOKEYS, NO(MULTI), "transactions",
      "Execute all commands issued after MULTI" },
    { "exists", -2, R | F, KEYS(1, -1, 1), SUM, "generic",
      "Determine if keys exist" },
    { "expire", -3, W | F, KEYS(1, 1, 1), SLOT, "generic",
      "Set a key's time to live in seconds" },
    { "expireat", -3, W | F, KEYS(1, 1, 1), SLOT, "generic",
      "Set the expiration for a key as a UNIX timestamp" },
    { "expiretime", 2, R | F, KEYS(1, 1, 1), SLOT, "generic",
      "Get the expiration Unix timestamp for a key" },
    { "failover", -1, A | S | ST | NS, NOKEYS, NO(ADMIN), "server", NULL },
    { "fcall", -3, S | NMK | ST | MR, NUMKEYS(2), SLOT, "scripting",
      "Invoke a function" },
    { "fcall_ro", -3, R | S | NMK | ST, NUMKEYS(2), SLOT, "scripting",
      "Invoke a read-only function" },
    { "flushall", -1, W, NOKEYS, NO(KEYSPACE), "server",
      "Remove all keys from all databases" },
    { "flushdb", -1, W, NOKEYS, NO(KEYSPACE), "server",
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
    { "keys", 2, R, NOKEYS, NO(KEYSPACE), "generic",
      "Find all keys matching the given pattern" },
    { "lastsave", 1, RND | F | ANY, NOKEYS, NO(ADMIN), "server",
      "Get the UNIX time stamp of the last successful save to disk" },
    { "latency", -2, NS, NOKEYS, NO(ADMIN), "server", NULL },
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
    { "memory", -2, NS, NOKEYS, NO(ADMIN), "server", NULL },
    { "mget", -2, R | F, KEYS(1, -1, 1), MGET, "string",
      "Get the values of all the given keys" },
    { "migrate", -6, W | NS, KEYS(3, 3, 1), NO(NULL), "generic", NULL },
    { "module", -2, NS, NOKEYS, NO(ADMIN), "server", NULL },
    { "monitor", 1, A | S | L | ST | NS, NOKEYS, NO(ADMIN), "server", NULL },
    { "move", 3, W | F, KEYS(1, 1, 1), NO(NULL), "generic",
      "Move a key to another database" },
    { "mset", -3, W | M, KEYS(1, -1, 2), MSET, "string",
      "Set multiple keys to multiple values" },
    { "msetnx", -3, W | M, KEYS(1, -1, 2), SLOT, "string",
      "Set multiple keys to multiple values, only if none of the keys exist" },
    { "multi", 1, S | F | ANY, NOKEYS, NO(MULTI), "transactions",
      "Mark the start of a transaction block" },
    { "object", -2, R, KEYS(2, 2, 1), NO(NULL), "generic",
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
    { "psubscribe", -2, P | S | ANY, NOKEYS, NO(PUBSUB), "pubsub",
      "Listen for messages published to channels matching the given "
      "patterns" },
    { "psync", -3, A | S | ANY, NOKEYS, NO(ADMIN), "server",
      "An internal command used in replication" },
    { "pttl", 2, R | RND | F, KEYS(1, 1, 1), SLOT, "generic",
      "Get the time to live for a key in milliseconds" },
    { "publish", 3, P | F | ANY, NOKEYS, NO(PUBSUB), "pubsub",
      "Post a message to a channel" },
    { "pubsub", -2, P | RND | ANY, NOKEYS, NO(PUBSUB), "pubsub",
      "Inspect the state of the Pub/Sub subsystem" },
    { "punsubscribe", -1, P | S | ANY, NOKEYS, NO(PUBSUB), "pubsub",
      "Stop listening for messages posted to channels matching the given "
      "patterns" },
    { "quit", -1, NA | F | ANY, NOKEYS, LOCAL, "connection",
      "Close the connection" },
    { "randomkey", 1, R | RND, NOKEYS, NO(KEYSPACE), "generic",
      "Return a random key from the keyspace" },
    { "readonly", 1, F | L | ST | NS, NOKEYS, NO(ADMIN), "cluster", NULL },
    { "readwrite", 1, F | L | ST | NS, NOKEYS, NO(ADMIN), "cluster", NULL },
    { "rename", 3, W, KEYS(1, 2, 1), SLOT, "generic", "Rename a key" },
    { "renamenx", 3, W | F, KEYS(1, 2, 1), SLOT, "generic",
      "Rename a key, only if the new key does not exist" },
    { "replconf", -1, A | S | ANY, NOKEYS, NO(ADMIN), "server",
      "An internal command for configuring the replication stream" },
    { "replicaof", 3, A | S | ST, NOKEYS, NO(ADMIN), "server",
      "Make the server a replica of another instance, or promote it as "
      "master" },
    { "reset", 1, S | NA | F | ANY, NOKEYS, NO(ADMIN), "connection",
      "Reset the connection" },
    { "restore", -4, W | M, KEYS(1, 1, 1), NO(NULL), "generic",
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
    { "scan", -2, R | RND, NOKEYS, NO(KEYSPACE), "generic",
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
    { "slotsscan", -3, R, NOKEYS, NO(ADMIN), "codis",
      "Incrementally iterate the keys of one slot" },
    { "slowlog", -2, NS, NOKEYS, NO(ADMIN), "server", NULL },
    { "smembers", 2, R, KEYS(1, 1, 1), SLOT, "set",
      "Get all the members in a set" },
    { "smismember", -3, R | F, KEYS(1, 1, 1), SLOT, "set",
      "Returns the membership associated with the given elements for a set" },
    { "smove", 4, W | F, KEYS(1, 2, 1), SLOT, "set",
      "Move a member from one set to another" },
    { "sort", -2, W | M, SORTKEYS, NO(NULL), "generic",
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
    { "subscribe", -2, P | S | ANY, NOKEYS, NO(PUBSUB), "pubsub",
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
    { "unsubscribe", -1, P | S | ANY, NOKEYS, NO(PUBSUB), "pubsub",
      "Stop listening for messages posted to the given channels" },
    { "unwatch", 1, S | F | ANY, NOKEYS, NO(MULTI), "transactions",
      "Forget about all watched keys" },
    { "wait", 3, S, NOKEYS, NO(NULL), "generic",
      "Wait for the synchronous replication of all the write commands sent "
      "in the context of the current connection" },
    { "waitaof", 4, S | NS, NOKEYS, NO(NULL), "generic", NULL },
    { "watch", -2, S | F | ANY, KEYS(1, -1, 1), NO(MULTI), "transactions",
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
    { "client|caching", 3, S | ANY | NS, NOKEYS, NO(NULL), "connection",
      "Instruct the server about tracking or not keys in the next request" },
    { "client|getname", 2, S | ANY, NOKEYS, NO(NULL), "connection",
      "Get the current connection name" },
    { "client|getredir", 2, S | ANY | NS, NOKEYS, NO(NULL), "connection",
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
    { "client|no-evict", 3, A | S | ANY | NS, NOKEYS, NO(NULL), "connection",
      "Set client eviction mode for the current connection" },
    { "client|pause", -3, A | S | ANY | NS, NOKEYS, NO(NULL), "connection",
      "Stop processing commands from clients for some time" },
    { "client|reply", 3, S | ANY | NS, NOKEYS, NO(NULL), "connection",
      "Instruct the server whether to reply to commands" },
    { "client|setname", 3, S | ANY, NOKEYS, NO(NULL), "connection",
      "Set the current connection name" },
    { "client|tracking", -3, S | ANY | NS, NOKEYS, NO(NULL), "connection",
      "Enable or disable server assisted client side caching support" },
    { "client|trackinginfo", 2, S | ANY | NS, NOKEYS, NO(NULL), "connection",
      "Return information about server assisted client side caching for the "
      "current connection" },
    { "client|unblock", -3, A | S | ANY, NOKEYS, NO(NULL), "connection",
      "Unblock a client blocked in a blocking command from a different "
      "connection" },
    { "client|unpause", 2, A | S | ANY | NS, NOKEYS, NO(NULL), "connection",
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
    { "latency|doctor", 2, A | S | ANY | NS, NOKEYS, NO(NULL), "server",
      "Return a human readable latency analysis report." },
    { "latency|graph", 3, A | S | ANY | NS, NOKEYS, NO(NULL), "server",
      "Return a latency graph for the event." },
    { "latency|help", 2, ANY | NS, NOKEYS, NO(NULL), "server",
      "Show helpful text about the different subcommands." },
    { "latency|histogram", -2, A | S | ANY | NS, NOKEYS, NO(NULL), "server",
      "Return the cumulative distribution of latencies of a subset of "
      "commands or all." },
    { "latency|history", 3, A | S | ANY | NS, NOKEYS, NO(NULL), "server",
      "Return timestamp-latency samples for the event." },
    { "latency|latest", 2, A | S | ANY | NS, NOKEYS, NO(NULL), "server",
      "Return the latest latency samples for all events." },
    { "latency|reset", -2, A | S | ANY | NS, NOKEYS, NO(NULL), "server",
      "Reset latency data for one or more events." },
    { "memory|doctor", 2, NS, NOKEYS, NO(NULL), "server",
      "Outputs memory problems report" },
    { "memory|help", 2, ANY | NS, NOKEYS, NO(NULL), "server",
      "Show helpful text about the different subcommands" },
    { "memory|malloc-stats", 2, NS, NOKEYS, NO(NULL), "server",
      "Show allocator internal stats" },
    { "memory|purge", 2, NS, NOKEYS, NO(NULL), "server",
      "Ask the allocator to release memory" },
    { "memory|stats", 2, NS, NOKEYS, NO(NULL), "server",
      "Show memory usage details" },
    { "memory|usage", -3, R | NS, KEYS(2, 2, 1), NO(NULL), "server",
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
    { "slowlog|get", -2, A | ANY | NS, NOKEYS, NO(NULL), "server",
      "Get the slow log's entries" },
    { "slowlog|help", 2, ANY | NS, NOKEYS, NO(NULL), "server",
      "Show helpful text about the different subcommands" },
    { "slowlog|len", 2, A | ANY | NS, NOKEYS, NO(NULL), "server",
      "Get the slow log's length" },
    { "slowlog|reset", 2, A | ANY | NS, NOKEYS, NO(NULL), "server",
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
 * Side tables generated from redis-server: each is sorted by name and its
 * rows start with the name, so one bsearch comparator serves them all. */

/* bsearch comparator: 'key' is a name, 'row' a side-table row. */
static int cmdspec_name_cmp(const void *key, const void *row)
{
    return strcmp((const char *)key, *(const char *const *)row);
}

/* A name and a text about it. */
struct cmdspec_note {
    const char *name;
    const char *text;
};

/* COMMAND INFO's flag words of each command and subcommand Redis has,
 * verbatim (with Redis-only ones: allow_busy, skip_monitor ...).
 * Generated by tools/gen-cmdspec.py (flags). */
static const struct cmdspec_note cmdspec_info_flag_table[] = {
    { "acl", "" },
    { "acl|cat", "noscript loading stale" },
    { "acl|deluser", "admin noscript loading stale" },
    { "acl|dryrun", "admin noscript loading stale" },
    { "acl|genpass", "noscript loading stale" },
    { "acl|getuser", "admin noscript loading stale" },
    { "acl|help", "loading stale" },
    { "acl|list", "admin noscript loading stale" },
    { "acl|load", "admin noscript loading stale" },
    { "acl|log", "admin noscript loading stale" },
    { "acl|save", "admin noscript loading stale" },
    { "acl|setuser", "admin noscript loading stale" },
    { "acl|users", "admin noscript loading stale" },
    { "acl|whoami", "noscript loading stale" },
    { "append", "write denyoom fast" },
    { "asking", "fast" },
    { "auth", "noscript loading stale fast no_auth allow_busy" },
    { "bgrewriteaof", "admin noscript no_async_loading" },
    { "bgsave", "admin noscript no_async_loading" },
    { "bitcount", "readonly" },
    { "bitfield", "write denyoom" },
    { "bitfield_ro", "readonly fast" },
    { "bitop", "write denyoom" },
    { "bitpos", "readonly" },
    { "blmove", "write denyoom noscript blocking" },
    { "blmpop", "write blocking movablekeys" },
    { "blpop", "write noscript blocking" },
    { "brpop", "write noscript blocking" },
    { "brpoplpush", "write denyoom noscript blocking" },
    { "bzmpop", "write blocking movablekeys" },
    { "bzpopmax", "write noscript blocking fast" },
    { "bzpopmin", "write noscript blocking fast" },
    { "client", "" },
    { "client|caching", "noscript loading stale" },
    { "client|getname", "noscript loading stale" },
    { "client|getredir", "noscript loading stale" },
    { "client|help", "loading stale" },
    { "client|id", "noscript loading stale" },
    { "client|info", "noscript loading stale" },
    { "client|kill", "admin noscript loading stale" },
    { "client|list", "admin noscript loading stale" },
    { "client|no-evict", "admin noscript loading stale" },
    { "client|pause", "admin noscript loading stale" },
    { "client|reply", "noscript loading stale" },
    { "client|setname", "noscript loading stale" },
    { "client|tracking", "noscript loading stale" },
    { "client|trackinginfo", "noscript loading stale" },
    { "client|unblock", "admin noscript loading stale" },
    { "client|unpause", "admin noscript loading stale" },
    { "cluster", "" },
    { "command", "loading stale" },
    { "command|count", "loading stale" },
    { "command|docs", "loading stale" },
    { "command|getkeys", "loading stale" },
    { "command|getkeysandflags", "loading stale" },
    { "command|help", "loading stale" },
    { "command|info", "loading stale" },
    { "command|list", "loading stale" },
    { "config", "" },
    { "config|get", "admin noscript loading stale" },
    { "config|help", "loading stale" },
    { "config|resetstat", "admin noscript loading stale" },
    { "config|rewrite", "admin noscript loading stale" },
    { "config|set", "admin noscript loading stale" },
    { "copy", "write denyoom" },
    { "dbsize", "readonly fast" },
    { "debug", "admin noscript loading stale" },
    { "decr", "write denyoom fast" },
    { "decrby", "write denyoom fast" },
    { "del", "write" },
    { "discard", "noscript loading stale fast allow_busy" },
    { "dump", "readonly" },
    { "echo", "loading stale fast" },
    { "eval", "noscript stale skip_monitor no_mandatory_keys movablekeys" },
    { "eval_ro", "readonly noscript stale skip_monitor no_mandatory_keys movablekeys" },
    { "evalsha", "noscript stale skip_monitor no_mandatory_keys movablekeys" },
    { "evalsha_ro", "readonly noscript stale skip_monitor no_mandatory_keys movablekeys" },
    { "exec", "noscript loading stale skip_slowlog" },
    { "exists", "readonly fast" },
    { "expire", "write fast" },
    { "expireat", "write fast" },
    { "expiretime", "readonly fast" },
    { "failover", "admin noscript stale" },
    { "fcall", "noscript stale skip_monitor no_mandatory_keys movablekeys" },
    { "fcall_ro", "readonly noscript stale skip_monitor no_mandatory_keys movablekeys" },
    { "flushall", "write" },
    { "flushdb", "write" },
    { "function", "" },
    { "function|delete", "write noscript" },
    { "function|dump", "noscript" },
    { "function|flush", "write noscript" },
    { "function|help", "loading stale" },
    { "function|kill", "noscript allow_busy" },
    { "function|list", "noscript" },
    { "function|load", "write denyoom noscript" },
    { "function|restore", "write denyoom noscript" },
    { "function|stats", "noscript allow_busy" },
    { "geoadd", "write denyoom" },
    { "geodist", "readonly" },
    { "geohash", "readonly" },
    { "geopos", "readonly" },
    { "georadius", "write denyoom movablekeys" },
    { "georadius_ro", "readonly" },
    { "georadiusbymember", "write denyoom movablekeys" },
    { "georadiusbymember_ro", "readonly" },
    { "geosearch", "readonly" },
    { "geosearchstore", "write denyoom" },
    { "get", "readonly fast" },
    { "getbit", "readonly fast" },
    { "getdel", "write fast" },
    { "getex", "write fast" },
    { "getrange", "readonly" },
    { "getset", "write denyoom fast" },
    { "hdel", "write fast" },
    { "hello", "noscript loading stale fast no_auth allow_busy" },
    { "hexists", "readonly fast" },
    { "hget", "readonly fast" },
    { "hgetall", "readonly" },
    { "hincrby", "write denyoom fast" },
    { "hincrbyfloat", "write denyoom fast" },
    { "hkeys", "readonly" },
    { "hlen", "readonly fast" },
    { "hmget", "readonly fast" },
    { "hmset", "write denyoom fast" },
    { "hrandfield", "readonly" },
    { "hscan", "readonly" },
    { "hset", "write denyoom fast" },
    { "hsetnx", "write denyoom fast" },
    { "hstrlen", "readonly fast" },
    { "hvals", "readonly" },
    { "incr", "write denyoom fast" },
    { "incrby", "write denyoom fast" },
    { "incrbyfloat", "write denyoom fast" },
    { "info", "loading stale" },
    { "keys", "readonly" },
    { "lastsave", "loading stale fast" },
    { "latency", "" },
    { "latency|doctor", "admin noscript loading stale" },
    { "latency|graph", "admin noscript loading stale" },
    { "latency|help", "loading stale" },
    { "latency|histogram", "admin noscript loading stale" },
    { "latency|history", "admin noscript loading stale" },
    { "latency|latest", "admin noscript loading stale" },
    { "latency|reset", "admin noscript loading stale" },
    { "lcs", "readonly" },
    { "lindex", "readonly" },
    { "linsert", "write denyoom" },
    { "llen", "readonly fast" },
    { "lmove", "write denyoom" },
    { "lmpop", "write movablekeys" },
    { "lolwut", "readonly fast" },
    { "lpop", "write fast" },
    { "lpos", "readonly" },
    { "lpush", "write denyoom fast" },
    { "lpushx", "write denyoom fast" },
    { "lrange", "readonly" },
    { "lrem", "write" },
    { "lset", "write denyoom" },
    { "ltrim", "write" },
    { "memory", "" },
    { "memory|doctor", "" },
    { "memory|help", "loading stale" },
    { "memory|malloc-stats", "" },
    { "memory|purge", "" },
    { "memory|stats", "" },
    { "memory|usage", "readonly" },
    { "mget", "readonly fast" },
    { "migrate", "write movablekeys" },
    { "module", "" },
    { "monitor", "admin noscript loading stale" },
    { "move", "write fast" },
    { "mset", "write denyoom" },
    { "msetnx", "write denyoom" },
    { "multi", "noscript loading stale fast allow_busy" },
    { "object", "" },
    { "object|encoding", "readonly" },
    { "object|freq", "readonly" },
    { "object|help", "loading stale" },
    { "object|idletime", "readonly" },
    { "object|refcount", "readonly" },
    { "persist", "write fast" },
    { "pexpire", "write fast" },
    { "pexpireat", "write fast" },
    { "pexpiretime", "readonly fast" },
    { "pfadd", "write denyoom fast" },
    { "pfcount", "readonly" },
    { "pfdebug", "write denyoom admin" },
    { "pfmerge", "write denyoom" },
    { "pfselftest", "admin" },
    { "ping", "fast" },
    { "psetex", "write denyoom" },
    { "psubscribe", "pubsub noscript loading stale" },
    { "psync", "admin noscript no_async_loading no_multi" },
    { "pttl", "readonly fast" },
    { "publish", "pubsub loading stale fast" },
    { "pubsub", "" },
    { "pubsub|channels", "pubsub loading stale" },
    { "pubsub|help", "loading stale" },
    { "pubsub|numpat", "pubsub loading stale" },
    { "pubsub|numsub", "pubsub loading stale" },
    { "pubsub|shardchannels", "pubsub loading stale" },
    { "pubsub|shardnumsub", "pubsub loading stale" },
    { "punsubscribe", "pubsub noscript loading stale" },
    { "quit", "noscript loading stale fast no_auth allow_busy" },
    { "randomkey", "readonly" },
    { "readonly", "loading stale fast" },
    { "readwrite", "loading stale fast" },
    { "rename", "write" },
    { "renamenx", "write fast" },
    { "replconf", "admin noscript loading stale allow_busy" },
    { "replicaof", "admin noscript stale no_async_loading" },
    { "reset", "noscript loading stale fast no_auth allow_busy" },
    { "restore", "write denyoom" },
    { "restore-asking", "write denyoom asking" },
    { "role", "noscript loading stale fast" },
    { "rpop", "write fast" },
    { "rpoplpush", "write denyoom" },
    { "rpush", "write denyoom fast" },
    { "rpushx", "write denyoom fast" },
    { "sadd", "write denyoom fast" },
    { "save", "admin noscript no_async_loading no_multi" },
    { "scan", "readonly" },
    { "scard", "readonly fast" },
    { "script", "" },
    { "script|debug", "noscript" },
    { "script|exists", "noscript" },
    { "script|flush", "noscript" },
    { "script|help", "loading stale" },
    { "script|kill", "noscript allow_busy" },
    { "script|load", "noscript stale" },
    { "sdiff", "readonly" },
    { "sdiffstore", "write denyoom" },
    { "select", "loading stale fast" },
    { "set", "write denyoom" },
    { "setbit", "write denyoom" },
    { "setex", "write denyoom" },
    { "setnx", "write denyoom fast" },
    { "setrange", "write denyoom" },
    { "shutdown", "admin noscript loading stale no_multi allow_busy" },
    { "sinter", "readonly" },
    { "sintercard", "readonly movablekeys" },
    { "sinterstore", "write denyoom" },
    { "sismember", "readonly fast" },
    { "slaveof", "admin noscript stale no_async_loading" },
    { "slowlog", "" },
    { "slowlog|get", "admin loading stale" },
    { "slowlog|help", "loading stale" },
    { "slowlog|len", "admin loading stale" },
    { "slowlog|reset", "admin loading stale" },
    { "smembers", "readonly" },
    { "smismember", "readonly fast" },
    { "smove", "write fast" },
    { "sort", "write denyoom movablekeys" },
    { "sort_ro", "readonly movablekeys" },
    { "spop", "write fast" },
    { "spublish", "pubsub loading stale fast" },
    { "srandmember", "readonly" },
    { "srem", "write fast" },
    { "sscan", "readonly" },
    { "ssubscribe", "pubsub noscript loading stale" },
    { "strlen", "readonly fast" },
    { "subscribe", "pubsub noscript loading stale" },
    { "substr", "readonly" },
    { "sunion", "readonly" },
    { "sunionstore", "write denyoom" },
    { "sunsubscribe", "pubsub noscript loading stale" },
    { "swapdb", "write fast" },
    { "sync", "admin noscript no_async_loading no_multi" },
    { "time", "loading stale fast" },
    { "touch", "readonly fast" },
    { "ttl", "readonly fast" },
    { "type", "readonly fast" },
    { "unlink", "write fast" },
    { "unsubscribe", "pubsub noscript loading stale" },
    { "unwatch", "noscript loading stale fast allow_busy" },
    { "wait", "noscript" },
    { "watch", "noscript loading stale fast allow_busy" },
    { "xack", "write fast" },
    { "xadd", "write denyoom fast" },
    { "xautoclaim", "write fast" },
    { "xclaim", "write fast" },
    { "xdel", "write fast" },
    { "xgroup", "" },
    { "xgroup|create", "write denyoom" },
    { "xgroup|createconsumer", "write denyoom" },
    { "xgroup|delconsumer", "write" },
    { "xgroup|destroy", "write" },
    { "xgroup|help", "loading stale" },
    { "xgroup|setid", "write" },
    { "xinfo", "" },
    { "xinfo|consumers", "readonly" },
    { "xinfo|groups", "readonly" },
    { "xinfo|help", "loading stale" },
    { "xinfo|stream", "readonly" },
    { "xlen", "readonly fast" },
    { "xpending", "readonly" },
    { "xrange", "readonly" },
    { "xread", "readonly blocking movablekeys" },
    { "xreadgroup", "write blocking movablekeys" },
    { "xrevrange", "readonly" },
    { "xsetid", "write denyoom fast" },
    { "xtrim", "write" },
    { "zadd", "write denyoom fast" },
    { "zcard", "readonly fast" },
    { "zcount", "readonly fast" },
    { "zdiff", "readonly movablekeys" },
    { "zdiffstore", "write denyoom movablekeys" },
    { "zincrby", "write denyoom fast" },
    { "zinter", "readonly movablekeys" },
    { "zintercard", "readonly movablekeys" },
    { "zinterstore", "write denyoom movablekeys" },
    { "zlexcount", "readonly fast" },
    { "zmpop", "write movablekeys" },
    { "zmscore", "readonly fast" },
    { "zpopmax", "write fast" },
    { "zpopmin", "write fast" },
    { "zrandmember", "readonly" },
    { "zrange", "readonly" },
    { "zrangebylex", "readonly" },
    { "zrangebyscore", "readonly" },
    { "zrangestore", "write denyoom" },
    { "zrank", "readonly fast" },
    { "zrem", "write fast" },
    { "zremrangebylex", "write" },
    { "zremrangebyrank", "write" },
    { "zremrangebyscore", "write" },
    { "zrevrange", "readonly" },
    { "zrevrangebylex", "readonly" },
    { "zrevrangebyscore", "readonly" },
    { "zrevrank", "readonly fast" },
    { "zscan", "readonly" },
    { "zscore", "readonly fast" },
    { "zunion", "readonly movablekeys" },
    { "zunionstore", "write denyoom movablekeys" },
};

const char *cmdspec_info_flags(const struct cmdspec *spec)
{
    const struct cmdspec_note *n =
        bsearch(spec->name, cmdspec_info_flag_table,
                sizeof(cmdspec_info_flag_table) /
                    sizeof(cmdspec_info_flag_table[0]),
                sizeof(cmdspec_info_flag_table[0]), cmdspec_name_cmp);
    return n != NULL ? n->text : NULL;
}

/* ------------------------------------------------------------------------
 * Key-spec flags (COMMAND GETKEYSANDFLAGS) */

/* For each command with keys, the flags of its key specs as Redis 7.0.15
 * lists them, one spec after another, separated by ';'. Sorted by name.
 * Generated by tools/gen-cmdspec.py (keyflags). */
static const struct cmdspec_note cmdspec_keyflag_table[] = {
    { "append", "RW insert" },
    { "bitcount", "RO access" },
    { "bitfield", "RW access update variable_flags" },
    { "bitfield_ro", "RO access" },
    { "bitop", "OW update;RO access" },
    { "bitpos", "RO access" },
    { "blmove", "RW access delete;RW insert" },
    { "blmpop", "RW access delete" },
    { "blpop", "RW access delete" },
    { "brpop", "RW access delete" },
    { "brpoplpush", "RW access delete;RW insert" },
    { "bzmpop", "RW access delete" },
    { "bzpopmax", "RW access delete" },
    { "bzpopmin", "RW access delete" },
    { "copy", "RO access;OW update" },
    { "decr", "RW access update" },
    { "decrby", "RW access update" },
    { "del", "RM delete" },
    { "dump", "RO access" },
    { "eval", "RW access update" },
    { "eval_ro", "RO access" },
    { "evalsha", "RW access update" },
    { "evalsha_ro", "RO access" },
    { "exists", "RO" },
    { "expire", "RW update" },
    { "expireat", "RW update" },
    { "expiretime", "RO access" },
    { "fcall", "RW access update" },
    { "fcall_ro", "RO access" },
    { "geoadd", "RW update" },
    { "geodist", "RO access" },
    { "geohash", "RO access" },
    { "geopos", "RO access" },
    { "georadius", "RO access;OW update;OW update" },
    { "georadius_ro", "RO access" },
    { "georadiusbymember", "RO access;OW update;OW update" },
    { "georadiusbymember_ro", "RO access" },
    { "geosearch", "RO access" },
    { "geosearchstore", "OW update;RO access" },
    { "get", "RO access" },
    { "getbit", "RO access" },
    { "getdel", "RW access delete" },
    { "getex", "RW access update" },
    { "getrange", "RO access" },
    { "getset", "RW access update" },
    { "hdel", "RW delete" },
    { "hexists", "RO" },
    { "hget", "RO access" },
    { "hgetall", "RO access" },
    { "hincrby", "RW access update" },
    { "hincrbyfloat", "RW access update" },
    { "hkeys", "RO access" },
    { "hlen", "RO" },
    { "hmget", "RO access" },
    { "hmset", "RW update" },
    { "hrandfield", "RO access" },
    { "hscan", "RO access" },
    { "hset", "RW update" },
    { "hsetnx", "RW insert" },
    { "hstrlen", "RO" },
    { "hvals", "RO access" },
    { "incr", "RW access update" },
    { "incrby", "RW access update" },
    { "incrbyfloat", "RW access update" },
    { "lcs", "RO access" },
    { "lindex", "RO access" },
    { "linsert", "RW insert" },
    { "llen", "RO" },
    { "lmove", "RW access delete;RW insert" },
    { "lmpop", "RW access delete" },
    { "lpop", "RW access delete" },
    { "lpos", "RO access" },
    { "lpush", "RW insert" },
    { "lpushx", "RW insert" },
    { "lrange", "RO access" },
    { "lrem", "RW delete" },
    { "lset", "RW update" },
    { "ltrim", "RW delete" },
    { "memory|usage", "RO" },
    { "mget", "RO access" },
    { "migrate", "RW access delete;RW access delete incomplete" },
    { "move", "RW access update" },
    { "mset", "OW update" },
    { "msetnx", "OW insert" },
    { "object|encoding", "RO" },
    { "object|freq", "RO" },
    { "object|idletime", "RO" },
    { "object|refcount", "RO" },
    { "persist", "RW update" },
    { "pexpire", "RW update" },
    { "pexpireat", "RW update" },
    { "pexpiretime", "RO access" },
    { "pfadd", "RW insert" },
    { "pfcount", "RW access" },
    { "pfdebug", "RW access" },
    { "pfmerge", "RW access insert;RO access" },
    { "psetex", "OW update" },
    { "pttl", "RO access" },
    { "rename", "RW access delete;OW update" },
    { "renamenx", "RW access delete;OW insert" },
    { "restore", "OW update" },
    { "restore-asking", "OW update" },
    { "rpop", "RW access delete" },
    { "rpoplpush", "RW access delete;RW insert" },
    { "rpush", "RW insert" },
    { "rpushx", "RW insert" },
    { "sadd", "RW insert" },
    { "scard", "RO" },
    { "sdiff", "RO access" },
    { "sdiffstore", "OW update;RO access" },
    { "set", "RW access update variable_flags" },
    { "setbit", "RW access update" },
    { "setex", "OW update" },
    { "setnx", "OW insert" },
    { "setrange", "RW update" },
    { "sinter", "RO access" },
    { "sintercard", "RO access" },
    { "sinterstore", "RW update;RO access" },
    { "sismember", "RO" },
    { "smembers", "RO access" },
    { "smismember", "RO access" },
    { "smove", "RW access delete;RW insert" },
    { "sort", "RO access;RO access;OW update" },
    { "sort_ro", "RO access;RO access" },
    { "spop", "RW access delete" },
    { "spublish", "not_key" },
    { "srandmember", "RO access" },
    { "srem", "RW delete" },
    { "sscan", "RO access" },
    { "ssubscribe", "not_key" },
    { "strlen", "RO" },
    { "substr", "RO access" },
    { "sunion", "RO access" },
    { "sunionstore", "OW update;RO access" },
    { "sunsubscribe", "not_key" },
    { "touch", "RO" },
    { "ttl", "RO access" },
    { "type", "RO" },
    { "unlink", "RM delete" },
    { "watch", "RO" },
    { "xack", "RW update" },
    { "xadd", "RW update" },
    { "xautoclaim", "RW delete" },
    { "xclaim", "RW update" },
    { "xdel", "RW delete" },
    { "xgroup|create", "RW insert" },
    { "xgroup|createconsumer", "RW insert" },
    { "xgroup|delconsumer", "RW delete" },
    { "xgroup|destroy", "RW delete" },
    { "xgroup|setid", "RW update" },
    { "xinfo|consumers", "RO access" },
    { "xinfo|groups", "RO access" },
    { "xinfo|stream", "RO access" },
    { "xlen", "RO" },
    { "xpending", "RO access" },
    { "xrange", "RO access" },
    { "xread", "RO access" },
    { "xreadgroup", "RO access" },
    { "xrevrange", "RO access" },
    { "xsetid", "RW update" },
    { "xtrim", "RW delete" },
    { "zadd", "RW update" },
    { "zcard", "RO" },
    { "zcount", "RO access" },
    { "zdiff", "RO access" },
    { "zdiffstore", "OW update;RO access" },
    { "zincrby", "RW access update" },
    { "zinter", "RO access" },
    { "zintercard", "RO access" },
    { "zinterstore", "OW update;RO access" },
    { "zlexcount", "RO access" },
    { "zmpop", "RW access delete" },
    { "zmscore", "RO access" },
    { "zpopmax", "RW access delete" },
    { "zpopmin", "RW access delete" },
    { "zrandmember", "RO access" },
    { "zrange", "RO access" },
    { "zrangebylex", "RO access" },
    { "zrangebyscore", "RO access" },
    { "zrangestore", "OW update;RO access" },
    { "zrank", "RO access" },
    { "zrem", "RW delete" },
    { "zremrangebylex", "RW delete" },
    { "zremrangebyrank", "RW delete" },
    { "zremrangebyscore", "RW delete" },
    { "zrevrange", "RO access" },
    { "zrevrangebylex", "RO access" },
    { "zrevrangebyscore", "RO access" },
    { "zrevrank", "RO access" },
    { "zscan", "RO access" },
    { "zscore", "RO access" },
    { "zunion", "RO access" },
    { "zunionstore", "OW update;RO access" },
};

size_t cmdspec_key_flags(const struct cmdspec *spec, int keyno,
                         const char **flags)
{
    const struct cmdspec_note *n =
        bsearch(spec->name, cmdspec_keyflag_table,
                sizeof(cmdspec_keyflag_table) /
                    sizeof(cmdspec_keyflag_table[0]),
                sizeof(cmdspec_keyflag_table[0]), cmdspec_name_cmp);
    const char *specs = n != NULL ? n->text : NULL;
    if (specs == NULL) {
        /* Our own commands: what the flags say of all keys. */
        *flags = (spec->flags & CMDSPEC_WRITE) ? "RW access update"
                                               : "RO access";
        return strlen(*flags);
    }
    int nspecs = 1;
    for (const char *p = specs; *p != '\0'; p++) {
        nspecs += *p == ';';
    }
    /* Keys come in the order of their specs; the last spec covers the
     * rest (BITOP's sources, MSET's pairs). SORT's second key is its
     * STORE destination, the last spec. */
    int want = keyno < nspecs ? keyno : nspecs - 1;
    if (spec->find == CMDSPEC_FIND_SORT && keyno > 0) {
        want = nspecs - 1;
    }
    const char *p = specs;
    for (int i = 0; i < want; i++) {
        p = strchr(p, ';') + 1;
    }
    const char *end = strchr(p, ';');
    *flags = p;
    return end != NULL ? (size_t)(end - p) : strlen(p);
}

/* ------------------------------------------------------------------------
 * ACL categories */

/* Category names, in bit order (Redis's order, which ACL CAT and COMMAND
 * INFO follow). */
static const char *const cmdspec_acl_names[CMDSPEC_ACL_COUNT] = {
    "keyspace", "read", "write", "set", "sortedset", "list", "hash",
    "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin",
    "fast", "slow", "blocking", "dangerous", "connection", "transaction",
    "scripting",
};

#define C_KEYSPACE CMDSPEC_ACL_KEYSPACE
#define C_READ CMDSPEC_ACL_READ
#define C_WRITE CMDSPEC_ACL_WRITE
#define C_SET CMDSPEC_ACL_SET
#define C_SORTEDSET CMDSPEC_ACL_SORTEDSET
#define C_LIST CMDSPEC_ACL_LIST
#define C_HASH CMDSPEC_ACL_HASH
#define C_STRING CMDSPEC_ACL_STRING
#define C_BITMAP CMDSPEC_ACL_BITMAP
#define C_HYPERLOGLOG CMDSPEC_ACL_HYPERLOGLOG
#define C_GEO CMDSPEC_ACL_GEO
#define C_STREAM CMDSPEC_ACL_STREAM
#define C_PUBSUB CMDSPEC_ACL_PUBSUB
#define C_ADMIN CMDSPEC_ACL_ADMIN
#define C_FAST CMDSPEC_ACL_FAST
#define C_SLOW CMDSPEC_ACL_SLOW
#define C_BLOCKING CMDSPEC_ACL_BLOCKING
#define C_DANGEROUS CMDSPEC_ACL_DANGEROUS
#define C_CONNECTION CMDSPEC_ACL_CONNECTION
#define C_TRANSACTION CMDSPEC_ACL_TRANSACTION
#define C_SCRIPTING CMDSPEC_ACL_SCRIPTING

/* The categories of each command and subcommand Redis has, by name,
 * sorted (strcmp). A separate table rather than a column, so that rows
 * added to the tables above merge without touching this one; a row with
 * no entry here gets categories derived from its flags. Generated by
 * tools/gen-cmdspec.py (acl) from redis-server 7.0.15. */
struct cmdspec_acl_row {
    const char *name;
    uint32_t categories;
};
static const struct cmdspec_acl_row cmdspec_acl_table[] = {
    { "acl", C_SLOW },
    { "acl|cat", C_SLOW },
    { "acl|deluser", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "acl|dryrun", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "acl|genpass", C_SLOW },
    { "acl|getuser", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "acl|help", C_SLOW },
    { "acl|list", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "acl|load", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "acl|log", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "acl|save", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "acl|setuser", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "acl|users", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "acl|whoami", C_SLOW },
    { "append", C_WRITE | C_STRING | C_FAST },
    { "asking", C_FAST | C_CONNECTION },
    { "auth", C_FAST | C_CONNECTION },
    { "bgrewriteaof", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "bgsave", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "bitcount", C_READ | C_BITMAP | C_SLOW },
    { "bitfield", C_WRITE | C_BITMAP | C_SLOW },
    { "bitfield_ro", C_READ | C_BITMAP | C_FAST },
    { "bitop", C_WRITE | C_BITMAP | C_SLOW },
    { "bitpos", C_READ | C_BITMAP | C_SLOW },
    { "blmove", C_WRITE | C_LIST | C_SLOW | C_BLOCKING },
    { "blmpop", C_WRITE | C_LIST | C_SLOW | C_BLOCKING },
    { "blpop", C_WRITE | C_LIST | C_SLOW | C_BLOCKING },
    { "brpop", C_WRITE | C_LIST | C_SLOW | C_BLOCKING },
    { "brpoplpush", C_WRITE | C_LIST | C_SLOW | C_BLOCKING },
    { "bzmpop", C_WRITE | C_SORTEDSET | C_SLOW | C_BLOCKING },
    { "bzpopmax", C_WRITE | C_SORTEDSET | C_FAST | C_BLOCKING },
    { "bzpopmin", C_WRITE | C_SORTEDSET | C_FAST | C_BLOCKING },
    { "client", C_SLOW },
    { "client|caching", C_SLOW | C_CONNECTION },
    { "client|getname", C_SLOW | C_CONNECTION },
    { "client|getredir", C_SLOW | C_CONNECTION },
    { "client|help", C_SLOW | C_CONNECTION },
    { "client|id", C_SLOW | C_CONNECTION },
    { "client|info", C_SLOW | C_CONNECTION },
    { "client|kill", C_ADMIN | C_SLOW | C_DANGEROUS | C_CONNECTION },
    { "client|list", C_ADMIN | C_SLOW | C_DANGEROUS | C_CONNECTION },
    { "client|no-evict", C_ADMIN | C_SLOW | C_DANGEROUS | C_CONNECTION },
    { "client|pause", C_ADMIN | C_SLOW | C_DANGEROUS | C_CONNECTION },
    { "client|reply", C_SLOW | C_CONNECTION },
    { "client|setname", C_SLOW | C_CONNECTION },
    { "client|tracking", C_SLOW | C_CONNECTION },
    { "client|trackinginfo", C_SLOW | C_CONNECTION },
    { "client|unblock", C_ADMIN | C_SLOW | C_DANGEROUS | C_CONNECTION },
    { "client|unpause", C_ADMIN | C_SLOW | C_DANGEROUS | C_CONNECTION },
    { "cluster", C_SLOW },
    { "command", C_SLOW | C_CONNECTION },
    { "command|count", C_SLOW | C_CONNECTION },
    { "command|docs", C_SLOW | C_CONNECTION },
    { "command|getkeys", C_SLOW | C_CONNECTION },
    { "command|getkeysandflags", C_SLOW | C_CONNECTION },
    { "command|help", C_SLOW | C_CONNECTION },
    { "command|info", C_SLOW | C_CONNECTION },
    { "command|list", C_SLOW | C_CONNECTION },
    { "config", C_SLOW },
    { "config|get", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "config|help", C_SLOW },
    { "config|resetstat", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "config|rewrite", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "config|set", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "copy", C_KEYSPACE | C_WRITE | C_SLOW },
    { "dbsize", C_KEYSPACE | C_READ | C_FAST },
    { "debug", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "decr", C_WRITE | C_STRING | C_FAST },
    { "decrby", C_WRITE | C_STRING | C_FAST },
    { "del", C_KEYSPACE | C_WRITE | C_SLOW },
    { "discard", C_FAST | C_TRANSACTION },
    { "dump", C_KEYSPACE | C_READ | C_SLOW },
    { "echo", C_FAST | C_CONNECTION },
    { "eval", C_SLOW | C_SCRIPTING },
    { "eval_ro", C_SLOW | C_SCRIPTING },
    { "evalsha", C_SLOW | C_SCRIPTING },
    { "evalsha_ro", C_SLOW | C_SCRIPTING },
    { "exec", C_SLOW | C_TRANSACTION },
    { "exists", C_KEYSPACE | C_READ | C_FAST },
    { "expire", C_KEYSPACE | C_WRITE | C_FAST },
    { "expireat", C_KEYSPACE | C_WRITE | C_FAST },
    { "expiretime", C_KEYSPACE | C_READ | C_FAST },
    { "failover", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "fcall", C_SLOW | C_SCRIPTING },
    { "fcall_ro", C_SLOW | C_SCRIPTING },
    { "flushall", C_KEYSPACE | C_WRITE | C_SLOW | C_DANGEROUS },
    { "flushdb", C_KEYSPACE | C_WRITE | C_SLOW | C_DANGEROUS },
    { "function", C_SLOW },
    { "function|delete", C_WRITE | C_SLOW | C_SCRIPTING },
    { "function|dump", C_SLOW | C_SCRIPTING },
    { "function|flush", C_WRITE | C_SLOW | C_SCRIPTING },
    { "function|help", C_SLOW | C_SCRIPTING },
    { "function|kill", C_SLOW | C_SCRIPTING },
    { "function|list", C_SLOW | C_SCRIPTING },
    { "function|load", C_WRITE | C_SLOW | C_SCRIPTING },
    { "function|restore", C_WRITE | C_SLOW | C_SCRIPTING },
    { "function|stats", C_SLOW | C_SCRIPTING },
    { "geoadd", C_WRITE | C_GEO | C_SLOW },
    { "geodist", C_READ | C_GEO | C_SLOW },
    { "geohash", C_READ | C_GEO | C_SLOW },
    { "geopos", C_READ | C_GEO | C_SLOW },
    { "georadius", C_WRITE | C_GEO | C_SLOW },
    { "georadius_ro", C_READ | C_GEO | C_SLOW },
    { "georadiusbymember", C_WRITE | C_GEO | C_SLOW },
    { "georadiusbymember_ro", C_READ | C_GEO | C_SLOW },
    { "geosearch", C_READ | C_GEO | C_SLOW },
    { "geosearchstore", C_WRITE | C_GEO | C_SLOW },
    { "get", C_READ | C_STRING | C_FAST },
    { "getbit", C_READ | C_BITMAP | C_FAST },
    { "getdel", C_WRITE | C_STRING | C_FAST },
    { "getex", C_WRITE | C_STRING | C_FAST },
    { "getrange", C_READ | C_STRING | C_SLOW },
    { "getset", C_WRITE | C_STRING | C_FAST },
    { "hdel", C_WRITE | C_HASH | C_FAST },
    { "hello", C_FAST | C_CONNECTION },
    { "hexists", C_READ | C_HASH | C_FAST },
    { "hget", C_READ | C_HASH | C_FAST },
    { "hgetall", C_READ | C_HASH | C_SLOW },
    { "hincrby", C_WRITE | C_HASH | C_FAST },
    { "hincrbyfloat", C_WRITE | C_HASH | C_FAST },
    { "hkeys", C_READ | C_HASH | C_SLOW },
    { "hlen", C_READ | C_HASH | C_FAST },
    { "hmget", C_READ | C_HASH | C_FAST },
    { "hmset", C_WRITE | C_HASH | C_FAST },
    { "hrandfield", C_READ | C_HASH | C_SLOW },
    { "hscan", C_READ | C_HASH | C_SLOW },
    { "hset", C_WRITE | C_HASH | C_FAST },
    { "hsetnx", C_WRITE | C_HASH | C_FAST },
    { "hstrlen", C_READ | C_HASH | C_FAST },
    { "hvals", C_READ | C_HASH | C_SLOW },
    { "incr", C_WRITE | C_STRING | C_FAST },
    { "incrby", C_WRITE | C_STRING | C_FAST },
    { "incrbyfloat", C_WRITE | C_STRING | C_FAST },
    { "info", C_SLOW | C_DANGEROUS },
    { "keys", C_KEYSPACE | C_READ | C_SLOW | C_DANGEROUS },
    { "lastsave", C_ADMIN | C_FAST | C_DANGEROUS },
    { "latency", C_SLOW },
    { "latency|doctor", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "latency|graph", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "latency|help", C_SLOW },
    { "latency|histogram", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "latency|history", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "latency|latest", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "latency|reset", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "lcs", C_READ | C_STRING | C_SLOW },
    { "lindex", C_READ | C_LIST | C_SLOW },
    { "linsert", C_WRITE | C_LIST | C_SLOW },
    { "llen", C_READ | C_LIST | C_FAST },
    { "lmove", C_WRITE | C_LIST | C_SLOW },
    { "lmpop", C_WRITE | C_LIST | C_SLOW },
    { "lolwut", C_READ | C_FAST },
    { "lpop", C_WRITE | C_LIST | C_FAST },
    { "lpos", C_READ | C_LIST | C_SLOW },
    { "lpush", C_WRITE | C_LIST | C_FAST },
    { "lpushx", C_WRITE | C_LIST | C_FAST },
    { "lrange", C_READ | C_LIST | C_SLOW },
    { "lrem", C_WRITE | C_LIST | C_SLOW },
    { "lset", C_WRITE | C_LIST | C_SLOW },
    { "ltrim", C_WRITE | C_LIST | C_SLOW },
    { "memory", C_SLOW },
    { "memory|doctor", C_SLOW },
    { "memory|help", C_SLOW },
    { "memory|malloc-stats", C_SLOW },
    { "memory|purge", C_SLOW },
    { "memory|stats", C_SLOW },
    { "memory|usage", C_READ | C_SLOW },
    { "mget", C_READ | C_STRING | C_FAST },
    { "migrate", C_KEYSPACE | C_WRITE | C_SLOW | C_DANGEROUS },
    { "module", C_SLOW },
    { "monitor", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "move", C_KEYSPACE | C_WRITE | C_FAST },
    { "mset", C_WRITE | C_STRING | C_SLOW },
    { "msetnx", C_WRITE | C_STRING | C_SLOW },
    { "multi", C_FAST | C_TRANSACTION },
    { "object", C_SLOW },
    { "object|encoding", C_KEYSPACE | C_READ | C_SLOW },
    { "object|freq", C_KEYSPACE | C_READ | C_SLOW },
    { "object|help", C_KEYSPACE | C_SLOW },
    { "object|idletime", C_KEYSPACE | C_READ | C_SLOW },
    { "object|refcount", C_KEYSPACE | C_READ | C_SLOW },
    { "persist", C_KEYSPACE | C_WRITE | C_FAST },
    { "pexpire", C_KEYSPACE | C_WRITE | C_FAST },
    { "pexpireat", C_KEYSPACE | C_WRITE | C_FAST },
    { "pexpiretime", C_KEYSPACE | C_READ | C_FAST },
    { "pfadd", C_WRITE | C_HYPERLOGLOG | C_FAST },
    { "pfcount", C_READ | C_HYPERLOGLOG | C_SLOW },
    { "pfdebug", C_WRITE | C_HYPERLOGLOG | C_ADMIN | C_SLOW | C_DANGEROUS },
    { "pfmerge", C_WRITE | C_HYPERLOGLOG | C_SLOW },
    { "pfselftest", C_HYPERLOGLOG | C_ADMIN | C_SLOW | C_DANGEROUS },
    { "ping", C_FAST | C_CONNECTION },
    { "psetex", C_WRITE | C_STRING | C_SLOW },
    { "psubscribe", C_PUBSUB | C_SLOW },
    { "psync", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "pttl", C_KEYSPACE | C_READ | C_FAST },
    { "publish", C_PUBSUB | C_FAST },
    { "pubsub", C_SLOW },
    { "pubsub|channels", C_PUBSUB | C_SLOW },
    { "pubsub|help", C_SLOW },
    { "pubsub|numpat", C_PUBSUB | C_SLOW },
    { "pubsub|numsub", C_PUBSUB | C_SLOW },
    { "pubsub|shardchannels", C_PUBSUB | C_SLOW },
    { "pubsub|shardnumsub", C_PUBSUB | C_SLOW },
    { "punsubscribe", C_PUBSUB | C_SLOW },
    { "quit", C_FAST | C_CONNECTION },
    { "randomkey", C_KEYSPACE | C_READ | C_SLOW },
    { "readonly", C_FAST | C_CONNECTION },
    { "readwrite", C_FAST | C_CONNECTION },
    { "rename", C_KEYSPACE | C_WRITE | C_SLOW },
    { "renamenx", C_KEYSPACE | C_WRITE | C_FAST },
    { "replconf", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "replicaof", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "reset", C_FAST | C_CONNECTION },
    { "restore", C_KEYSPACE | C_WRITE | C_SLOW | C_DANGEROUS },
    { "restore-asking", C_KEYSPACE | C_WRITE | C_SLOW | C_DANGEROUS },
    { "role", C_ADMIN | C_FAST | C_DANGEROUS },
    { "rpop", C_WRITE | C_LIST | C_FAST },
    { "rpoplpush", C_WRITE | C_LIST | C_SLOW },
    { "rpush", C_WRITE | C_LIST | C_FAST },
    { "rpushx", C_WRITE | C_LIST | C_FAST },
    { "sadd", C_WRITE | C_SET | C_FAST },
    { "save", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "scan", C_KEYSPACE | C_READ | C_SLOW },
    { "scard", C_READ | C_SET | C_FAST },
    { "script", C_SLOW },
    { "script|debug", C_SLOW | C_SCRIPTING },
    { "script|exists", C_SLOW | C_SCRIPTING },
    { "script|flush", C_SLOW | C_SCRIPTING },
    { "script|help", C_SLOW | C_SCRIPTING },
    { "script|kill", C_SLOW | C_SCRIPTING },
    { "script|load", C_SLOW | C_SCRIPTING },
    { "sdiff", C_READ | C_SET | C_SLOW },
    { "sdiffstore", C_WRITE | C_SET | C_SLOW },
    { "select", C_FAST | C_CONNECTION },
    { "set", C_WRITE | C_STRING | C_SLOW },
    { "setbit", C_WRITE | C_BITMAP | C_SLOW },
    { "setex", C_WRITE | C_STRING | C_SLOW },
    { "setnx", C_WRITE | C_STRING | C_FAST },
    { "setrange", C_WRITE | C_STRING | C_SLOW },
    { "shutdown", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "sinter", C_READ | C_SET | C_SLOW },
    { "sintercard", C_READ | C_SET | C_SLOW },
    { "sinterstore", C_WRITE | C_SET | C_SLOW },
    { "sismember", C_READ | C_SET | C_FAST },
    { "slaveof", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "slowlog", C_SLOW },
    { "slowlog|get", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "slowlog|help", C_SLOW },
    { "slowlog|len", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "slowlog|reset", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "smembers", C_READ | C_SET | C_SLOW },
    { "smismember", C_READ | C_SET | C_FAST },
    { "smove", C_WRITE | C_SET | C_FAST },
    { "sort", C_WRITE | C_SET | C_SORTEDSET | C_LIST | C_SLOW | C_DANGEROUS },
    { "sort_ro", C_READ | C_SET | C_SORTEDSET | C_LIST | C_SLOW | C_DANGEROUS },
    { "spop", C_WRITE | C_SET | C_FAST },
    { "spublish", C_PUBSUB | C_FAST },
    { "srandmember", C_READ | C_SET | C_SLOW },
    { "srem", C_WRITE | C_SET | C_FAST },
    { "sscan", C_READ | C_SET | C_SLOW },
    { "ssubscribe", C_PUBSUB | C_SLOW },
    { "strlen", C_READ | C_STRING | C_FAST },
    { "subscribe", C_PUBSUB | C_SLOW },
    { "substr", C_READ | C_STRING | C_SLOW },
    { "sunion", C_READ | C_SET | C_SLOW },
    { "sunionstore", C_WRITE | C_SET | C_SLOW },
    { "sunsubscribe", C_PUBSUB | C_SLOW },
    { "swapdb", C_KEYSPACE | C_WRITE | C_FAST | C_DANGEROUS },
    { "sync", C_ADMIN | C_SLOW | C_DANGEROUS },
    { "time", C_FAST },
    { "touch", C_KEYSPACE | C_READ | C_FAST },
    { "ttl", C_KEYSPACE | C_READ | C_FAST },
    { "type", C_KEYSPACE | C_READ | C_FAST },
    { "unlink", C_KEYSPACE | C_WRITE | C_FAST },
    { "unsubscribe", C_PUBSUB | C_SLOW },
    { "unwatch", C_FAST | C_TRANSACTION },
    { "wait", C_SLOW | C_CONNECTION },
    { "watch", C_FAST | C_TRANSACTION },
    { "xack", C_WRITE | C_STREAM | C_FAST },
    { "xadd", C_WRITE | C_STREAM | C_FAST },
    { "xautoclaim", C_WRITE | C_STREAM | C_FAST },
    { "xclaim", C_WRITE | C_STREAM | C_FAST },
    { "xdel", C_WRITE | C_STREAM | C_FAST },
    { "xgroup", C_SLOW },
    { "xgroup|create", C_WRITE | C_STREAM | C_SLOW },
    { "xgroup|createconsumer", C_WRITE | C_STREAM | C_SLOW },
    { "xgroup|delconsumer", C_WRITE | C_STREAM | C_SLOW },
    { "xgroup|destroy", C_WRITE | C_STREAM | C_SLOW },
    { "xgroup|help", C_STREAM | C_SLOW },
    { "xgroup|setid", C_WRITE | C_STREAM | C_SLOW },
    { "xinfo", C_SLOW },
    { "xinfo|consumers", C_READ | C_STREAM | C_SLOW },
    { "xinfo|groups", C_READ | C_STREAM | C_SLOW },
    { "xinfo|help", C_STREAM | C_SLOW },
    { "xinfo|stream", C_READ | C_STREAM | C_SLOW },
    { "xlen", C_READ | C_STREAM | C_FAST },
    { "xpending", C_READ | C_STREAM | C_SLOW },
    { "xrange", C_READ | C_STREAM | C_SLOW },
    { "xread", C_READ | C_STREAM | C_SLOW | C_BLOCKING },
    { "xreadgroup", C_WRITE | C_STREAM | C_SLOW | C_BLOCKING },
    { "xrevrange", C_READ | C_STREAM | C_SLOW },
    { "xsetid", C_WRITE | C_STREAM | C_FAST },
    { "xtrim", C_WRITE | C_STREAM | C_SLOW },
    { "zadd", C_WRITE | C_SORTEDSET | C_FAST },
    { "zcard", C_READ | C_SORTEDSET | C_FAST },
    { "zcount", C_READ | C_SORTEDSET | C_FAST },
    { "zdiff", C_READ | C_SORTEDSET | C_SLOW },
    { "zdiffstore", C_WRITE | C_SORTEDSET | C_SLOW },
    { "zincrby", C_WRITE | C_SORTEDSET | C_FAST },
    { "zinter", C_READ | C_SORTEDSET | C_SLOW },
    { "zintercard", C_READ | C_SORTEDSET | C_SLOW },
    { "zinterstore", C_WRITE | C_SORTEDSET | C_SLOW },
    { "zlexcount", C_READ | C_SORTEDSET | C_FAST },
    { "zmpop", C_WRITE | C_SORTEDSET | C_SLOW },
    { "zmscore", C_READ | C_SORTEDSET | C_FAST },
    { "zpopmax", C_WRITE | C_SORTEDSET | C_FAST },
    { "zpopmin", C_WRITE | C_SORTEDSET | C_FAST },
    { "zrandmember", C_READ | C_SORTEDSET | C_SLOW },
    { "zrange", C_READ | C_SORTEDSET | C_SLOW },
    { "zrangebylex", C_READ | C_SORTEDSET | C_SLOW },
    { "zrangebyscore", C_READ | C_SORTEDSET | C_SLOW },
    { "zrangestore", C_WRITE | C_SORTEDSET | C_SLOW },
    { "zrank", C_READ | C_SORTEDSET | C_FAST },
    { "zrem", C_WRITE | C_SORTEDSET | C_FAST },
    { "zremrangebylex", C_WRITE | C_SORTEDSET | C_SLOW },
    { "zremrangebyrank", C_WRITE | C_SORTEDSET | C_SLOW },
    { "zremrangebyscore", C_WRITE | C_SORTEDSET | C_SLOW },
    { "zrevrange", C_READ | C_SORTEDSET | C_SLOW },
    { "zrevrangebylex", C_READ | C_SORTEDSET | C_SLOW },
    { "zrevrangebyscore", C_READ | C_SORTEDSET | C_SLOW },
    { "zrevrank", C_READ | C_SORTEDSET | C_FAST },
    { "zscan", C_READ | C_SORTEDSET | C_SLOW },
    { "zscore", C_READ | C_SORTEDSET | C_FAST },
    { "zunion", C_READ | C_SORTEDSET | C_SLOW },
    { "zunionstore", C_WRITE | C_SORTEDSET | C_SLOW },
};

#undef C_KEYSPACE
#undef C_READ
#undef C_WRITE
#undef C_SET
#undef C_SORTEDSET
#undef C_LIST
#undef C_HASH
#undef C_STRING
#undef C_BITMAP
#undef C_HYPERLOGLOG
#undef C_GEO
#undef C_STREAM
#undef C_PUBSUB
#undef C_ADMIN
#undef C_FAST
#undef C_SLOW
#undef C_BLOCKING
#undef C_DANGEROUS
#undef C_CONNECTION
#undef C_TRANSACTION
#undef C_SCRIPTING

const char *cmdspec_acl_name(int bit)
{
    return bit >= 0 && bit < CMDSPEC_ACL_COUNT ? cmdspec_acl_names[bit]
                                               : NULL;
}

int cmdspec_acl_bit(const char *name, size_t len)
{
    for (int i = 0; i < CMDSPEC_ACL_COUNT; i++) {
        if (strlen(cmdspec_acl_names[i]) == len &&
            strncasecmp(cmdspec_acl_names[i], name, len) == 0) {
            return i;
        }
    }
    return -1;
}

/* The categories Redis would give a command with 'spec's flags and
 * group: for our own commands (SLOTS*), which Redis does not have. */
static uint32_t cmdspec_acl_derived(const struct cmdspec *spec)
{
    static const struct {
        const char *group;
        uint32_t category;
    } groups[] = {
        { "generic", CMDSPEC_ACL_KEYSPACE }, { "string", CMDSPEC_ACL_STRING },
        { "bitmap", CMDSPEC_ACL_BITMAP },
        { "connection", CMDSPEC_ACL_CONNECTION },
        { "list", CMDSPEC_ACL_LIST },       { "hash", CMDSPEC_ACL_HASH },
        { "set", CMDSPEC_ACL_SET },
        { "sorted-set", CMDSPEC_ACL_SORTEDSET },
        { "pubsub", CMDSPEC_ACL_PUBSUB },
        { "transactions", CMDSPEC_ACL_TRANSACTION },
    };
    uint32_t c = 0;
    if (spec->flags & CMDSPEC_WRITE) {
        c |= CMDSPEC_ACL_WRITE;
    }
    if (spec->flags & CMDSPEC_READONLY) {
        c |= CMDSPEC_ACL_READ;
    }
    if (spec->flags & CMDSPEC_ADMIN) {
        c |= CMDSPEC_ACL_ADMIN | CMDSPEC_ACL_DANGEROUS;
    }
    c |= (spec->flags & CMDSPEC_FAST) ? CMDSPEC_ACL_FAST : CMDSPEC_ACL_SLOW;
    if (spec->flags & CMDSPEC_BLOCKING) {
        c |= CMDSPEC_ACL_BLOCKING;
    }
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        if (strcmp(spec->group, groups[i].group) == 0) {
            c |= groups[i].category;
        }
    }
    return c;
}

uint32_t cmdspec_acl_categories(const struct cmdspec *spec)
{
    const void *row =
        bsearch(spec->name, cmdspec_acl_table,
                sizeof(cmdspec_acl_table) / sizeof(cmdspec_acl_table[0]),
                sizeof(cmdspec_acl_table[0]), cmdspec_name_cmp);
    return row != NULL ? ((const struct cmdspec_acl_row *)row)->categories
                       : cmdspec_acl_derived(spec);
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
