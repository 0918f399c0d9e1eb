/* The command table: one row per command (columns documented at struct
 * command in server.h), grouped by the file that implements it, with the
 * handlers' prototypes next to their rows. The dispatcher checks arity and
 * flags from here once, so handlers never do. Also the lookup by name and
 * the COMMAND command (COUNT, LIST, INFO, DOCS), which report this table.
 *
 * To add a command: write cmd_<name> in its file, declare it in that
 * file's section below and add its row there. */
#include <ctype.h>
#include <string.h>

#include "redis/server.h"

/* server.c */
void cmd_ping(struct client *c);
void cmd_echo(struct client *c);
void cmd_quit(struct client *c);
void cmd_auth(struct client *c);
void cmd_hello(struct client *c);
void cmd_time(struct client *c);
void cmd_shutdown(struct client *c);
void cmd_debug(struct client *c);
/* networking.c */
void cmd_client(struct client *c);
void cmd_reset(struct client *c);
/* config.c, info.c, commands.c */
void cmd_config(struct client *c);
void cmd_info(struct client *c);
void cmd_command(struct client *c);
/* db.c */
void cmd_select(struct client *c);
void cmd_del(struct client *c);
void cmd_exists(struct client *c);
void cmd_touch(struct client *c);
void cmd_type(struct client *c);
void cmd_rename(struct client *c);
void cmd_renamenx(struct client *c);
void cmd_move(struct client *c);
void cmd_keys(struct client *c);
void cmd_scan(struct client *c);
void cmd_randomkey(struct client *c);
void cmd_dbsize(struct client *c);
void cmd_flushdb(struct client *c);
void cmd_flushall(struct client *c);
void cmd_object(struct client *c);
/* expire.c */
void cmd_expire(struct client *c);
void cmd_pexpire(struct client *c);
void cmd_expireat(struct client *c);
void cmd_pexpireat(struct client *c);
void cmd_ttl(struct client *c);
void cmd_pttl(struct client *c);
void cmd_expiretime(struct client *c);
void cmd_pexpiretime(struct client *c);
void cmd_persist(struct client *c);
/* t_string.c */
void cmd_get(struct client *c);
void cmd_set(struct client *c);
void cmd_setnx(struct client *c);
void cmd_setex(struct client *c);
void cmd_psetex(struct client *c);
void cmd_getset(struct client *c);
void cmd_getdel(struct client *c);
void cmd_getex(struct client *c);
void cmd_mget(struct client *c);
void cmd_mset(struct client *c);
void cmd_msetnx(struct client *c);
void cmd_append(struct client *c);
void cmd_strlen(struct client *c);
void cmd_incr(struct client *c);
void cmd_decr(struct client *c);
void cmd_incrby(struct client *c);
void cmd_decrby(struct client *c);
void cmd_incrbyfloat(struct client *c);
void cmd_getrange(struct client *c);
void cmd_setrange(struct client *c);
/* bitops.c, hyperloglog.c, geo.c (bitmaps, HyperLogLog, GEO) */
void cmd_setbit(struct client *c);
void cmd_getbit(struct client *c);
void cmd_bitcount(struct client *c);
void cmd_bitpos(struct client *c);
void cmd_bitop(struct client *c);
void cmd_bitfield(struct client *c);
void cmd_bitfield_ro(struct client *c);
void cmd_pfadd(struct client *c);
void cmd_pfcount(struct client *c);
void cmd_pfmerge(struct client *c);
void cmd_pfdebug(struct client *c);
void cmd_pfselftest(struct client *c);
void cmd_geoadd(struct client *c);
void cmd_geodist(struct client *c);
void cmd_geohash(struct client *c);
void cmd_geopos(struct client *c);
void cmd_georadius(struct client *c);
void cmd_georadius_ro(struct client *c);
void cmd_georadiusbymember(struct client *c);
void cmd_georadiusbymember_ro(struct client *c);
void cmd_geosearch(struct client *c);
void cmd_geosearchstore(struct client *c);
/* rdb.c */
void cmd_save(struct client *c);
void cmd_bgsave(struct client *c);
void cmd_lastsave(struct client *c);
/* replication.c, replica.c, aof.c */
void cmd_replconf(struct client *c);
void cmd_psync(struct client *c);
void cmd_sync(struct client *c);
void cmd_role(struct client *c);
void cmd_wait(struct client *c);
void cmd_replicaof(struct client *c);
void cmd_bgrewriteaof(struct client *c);
/* t_list.c */
void cmd_lpush(struct client *c);
void cmd_rpush(struct client *c);
void cmd_lpushx(struct client *c);
void cmd_rpushx(struct client *c);
void cmd_lpop(struct client *c);
void cmd_rpop(struct client *c);
void cmd_llen(struct client *c);
void cmd_lrange(struct client *c);
void cmd_lindex(struct client *c);
void cmd_lset(struct client *c);
void cmd_linsert(struct client *c);
void cmd_lrem(struct client *c);
void cmd_ltrim(struct client *c);
void cmd_lpos(struct client *c);
void cmd_rpoplpush(struct client *c);
void cmd_lmove(struct client *c);
void cmd_blpop(struct client *c);
void cmd_brpop(struct client *c);
void cmd_brpoplpush(struct client *c);
void cmd_blmove(struct client *c);
void cmd_lmpop(struct client *c);
void cmd_blmpop(struct client *c);
/* t_hash.c */
void cmd_hset(struct client *c);
void cmd_hsetnx(struct client *c);
void cmd_hmset(struct client *c);
void cmd_hget(struct client *c);
void cmd_hmget(struct client *c);
void cmd_hdel(struct client *c);
void cmd_hlen(struct client *c);
void cmd_hstrlen(struct client *c);
void cmd_hexists(struct client *c);
void cmd_hkeys(struct client *c);
void cmd_hvals(struct client *c);
void cmd_hgetall(struct client *c);
void cmd_hincrby(struct client *c);
void cmd_hincrbyfloat(struct client *c);
void cmd_hrandfield(struct client *c);
void cmd_hscan(struct client *c);
/* t_set.c */
void cmd_sadd(struct client *c);
void cmd_srem(struct client *c);
void cmd_smembers(struct client *c);
void cmd_sismember(struct client *c);
void cmd_smismember(struct client *c);
void cmd_scard(struct client *c);
void cmd_spop(struct client *c);
void cmd_srandmember(struct client *c);
void cmd_smove(struct client *c);
void cmd_sinter(struct client *c);
void cmd_sinterstore(struct client *c);
void cmd_sunion(struct client *c);
void cmd_sunionstore(struct client *c);
void cmd_sdiff(struct client *c);
void cmd_sdiffstore(struct client *c);
void cmd_sintercard(struct client *c);
void cmd_sscan(struct client *c);
/* t_zset.c */
void cmd_zadd(struct client *c);
void cmd_zincrby(struct client *c);
void cmd_zrem(struct client *c);
void cmd_zcard(struct client *c);
void cmd_zscore(struct client *c);
void cmd_zmscore(struct client *c);
void cmd_zrank(struct client *c);
void cmd_zrevrank(struct client *c);
void cmd_zcount(struct client *c);
void cmd_zlexcount(struct client *c);
void cmd_zrange(struct client *c);
void cmd_zrevrange(struct client *c);
void cmd_zrangebyscore(struct client *c);
void cmd_zrevrangebyscore(struct client *c);
void cmd_zrangebylex(struct client *c);
void cmd_zrevrangebylex(struct client *c);
void cmd_zremrangebyrank(struct client *c);
void cmd_zremrangebyscore(struct client *c);
void cmd_zremrangebylex(struct client *c);
void cmd_zpopmin(struct client *c);
void cmd_zpopmax(struct client *c);
void cmd_zunionstore(struct client *c);
void cmd_zinterstore(struct client *c);
void cmd_zrandmember(struct client *c);
void cmd_zscan(struct client *c);
void cmd_bzpopmin(struct client *c);
void cmd_bzpopmax(struct client *c);
void cmd_zmpop(struct client *c);
void cmd_bzmpop(struct client *c);
void cmd_zunion(struct client *c);
void cmd_zinter(struct client *c);
void cmd_zdiff(struct client *c);
void cmd_zdiffstore(struct client *c);
void cmd_zintercard(struct client *c);
void cmd_zrangestore(struct client *c);
/* sort.c */
void cmd_sort(struct client *c);
void cmd_sort_ro(struct client *c);
/* pubsub.c */
void cmd_subscribe(struct client *c);
void cmd_unsubscribe(struct client *c);
void cmd_psubscribe(struct client *c);
void cmd_punsubscribe(struct client *c);
void cmd_publish(struct client *c);
void cmd_pubsub(struct client *c);
/* multi.c */
void cmd_multi(struct client *c);
void cmd_exec(struct client *c);
void cmd_discard(struct client *c);
void cmd_watch(struct client *c);
void cmd_unwatch(struct client *c);
/* dump.c */
void cmd_dump(struct client *c);
void cmd_restore(struct client *c);
/* slotsmgrt.c */
void cmd_slotsmgrtslot(struct client *c);
void cmd_slotsmgrttagslot(struct client *c);
void cmd_slotsmgrtone(struct client *c);
void cmd_slotsmgrttagone(struct client *c);
void cmd_slotsrestore(struct client *c);
void cmd_slotsmgrtslot_async(struct client *c);
void cmd_slotsmgrttagslot_async(struct client *c);
void cmd_slotsmgrtone_async(struct client *c);
void cmd_slotsmgrttagone_async(struct client *c);
void cmd_slotsmgrt_async_fence(struct client *c);
void cmd_slotsmgrt_async_cancel(struct client *c);
void cmd_slotsmgrt_async_status(struct client *c);
void cmd_slotsrestore_async(struct client *c);
void cmd_slotsmgrt_exec_wrapper(struct client *c);
void cmd_slotsmgrtone_async_dump(struct client *c);
void cmd_slotsmgrttagone_async_dump(struct client *c);
/* slots.c */
void cmd_slotshashkey(struct client *c);
void cmd_slotsinfo(struct client *c);
void cmd_slotsdel(struct client *c);
void cmd_slotsscan(struct client *c);
void cmd_slotscheck(struct client *c);

#define W CMD_WRITE
#define R CMD_READONLY
#define M CMD_DENYOOM
#define A CMD_ADMIN
#define F CMD_FAST
#define ANY (CMD_LOADING | CMD_STALE)

static const struct command commands[] = {
    /* connection (server.c, networking.c, db.c) */
    { "ping", cmd_ping, -1, F | ANY, 0, 0, 0, "connection",
      "Ping the server" },
    { "echo", cmd_echo, 2, F, 0, 0, 0, "connection",
      "Echo the given string" },
    { "quit", cmd_quit, -1, CMD_NO_AUTH | F | ANY, 0, 0, 0, "connection",
      "Close the connection" },
    { "auth", cmd_auth, -2, CMD_NO_AUTH | CMD_NOSCRIPT | F | ANY, 0, 0, 0,
      "connection", "Authenticate to the server" },
    { "hello", cmd_hello, -1, CMD_NO_AUTH | CMD_NOSCRIPT | F | ANY, 0, 0, 0,
      "connection", "Handshake with the server" },
    { "select", cmd_select, 2, F | ANY, 0, 0, 0, "connection",
      "Change the selected database for the current connection" },
    { "reset", cmd_reset, 1, CMD_NO_AUTH | CMD_NOSCRIPT | F | ANY, 0, 0, 0,
      "connection", "Reset the connection" },
    { "client", cmd_client, -2, A | CMD_NOSCRIPT | ANY, 0, 0, 0,
      "connection", "Manage client connections" },
    /* server (server.c, config.c, info.c, commands.c, db.c) */
    { "info", cmd_info, -1, CMD_RANDOM | ANY, 0, 0, 0, "server",
      "Get information and statistics about the server" },
    { "config", cmd_config, -2, A | CMD_NOSCRIPT | ANY, 0, 0, 0, "server",
      "Get or set configuration parameters" },
    { "command", cmd_command, -1, CMD_RANDOM | ANY, 0, 0, 0, "server",
      "Get details about the commands of the server" },
    { "time", cmd_time, 1, CMD_RANDOM | F | ANY, 0, 0, 0, "server",
      "Return the current server time" },
    { "debug", cmd_debug, -2, A | CMD_NOSCRIPT | ANY, 0, 0, 0, "server",
      "Debugging commands" },
    { "shutdown", cmd_shutdown, -1, A | CMD_NOSCRIPT | ANY, 0, 0, 0,
      "server", "Stop the server" },
    { "save", cmd_save, 1, A | CMD_NOSCRIPT, 0, 0, 0, "server",
      "Synchronously save the dataset to disk" },
    { "bgsave", cmd_bgsave, -1, A | CMD_NOSCRIPT, 0, 0, 0, "server",
      "Asynchronously save the dataset to disk" },
    { "lastsave", cmd_lastsave, 1, CMD_RANDOM | F | ANY, 0, 0, 0, "server",
      "Get the UNIX time stamp of the last successful save to disk" },
    { "dbsize", cmd_dbsize, 1, R | F, 0, 0, 0, "server",
      "Return the number of keys in the selected database" },
    { "flushdb", cmd_flushdb, -1, W, 0, 0, 0, "server",
      "Remove all keys from the current database" },
    { "flushall", cmd_flushall, -1, W, 0, 0, 0, "server",
      "Remove all keys from all databases" },
    /* generic (db.c, expire.c) */
    { "del", cmd_del, -2, W, 1, -1, 1, "generic", "Delete keys" },
    { "unlink", cmd_del, -2, W | F, 1, -1, 1, "generic", "Delete keys" },
    { "exists", cmd_exists, -2, R | F, 1, -1, 1, "generic",
      "Determine if keys exist" },
    { "touch", cmd_touch, -2, R | F, 1, -1, 1, "generic",
      "Count the keys that exist" },
    { "type", cmd_type, 2, R | F, 1, 1, 1, "generic",
      "Determine the type stored at key" },
    { "rename", cmd_rename, 3, W, 1, 2, 1, "generic", "Rename a key" },
    { "renamenx", cmd_renamenx, 3, W | F, 1, 2, 1, "generic",
      "Rename a key, only if the new key does not exist" },
    { "move", cmd_move, 3, W | F, 1, 1, 1, "generic",
      "Move a key to another database" },
    { "dump", cmd_dump, 2, R, 1, 1, 1, "generic",
      "Return a serialized version of the value stored at the specified "
      "key" },
    { "restore", cmd_restore, -4, W | M, 1, 1, 1, "generic",
      "Create a key using the provided serialized value" },
    { "keys", cmd_keys, 2, R, 0, 0, 0, "generic",
      "Find all keys matching the given pattern" },
    { "scan", cmd_scan, -2, R | CMD_RANDOM, 0, 0, 0, "generic",
      "Incrementally iterate the keys space" },
    { "randomkey", cmd_randomkey, 1, R | CMD_RANDOM, 0, 0, 0, "generic",
      "Return a random key from the keyspace" },
    { "object", cmd_object, -2, R, 2, 2, 1, "generic",
      "Inspect the internals of Redis objects" },
    { "expire", cmd_expire, -3, W | F, 1, 1, 1, "generic",
      "Set a key's time to live in seconds" },
    { "pexpire", cmd_pexpire, -3, W | F, 1, 1, 1, "generic",
      "Set a key's time to live in milliseconds" },
    { "expireat", cmd_expireat, -3, W | F, 1, 1, 1, "generic",
      "Set the expiration for a key as a UNIX timestamp" },
    { "pexpireat", cmd_pexpireat, -3, W | F, 1, 1, 1, "generic",
      "Set the expiration for a key as a UNIX timestamp in milliseconds" },
    { "ttl", cmd_ttl, 2, R | F | CMD_RANDOM, 1, 1, 1, "generic",
      "Get the time to live for a key in seconds" },
    { "pttl", cmd_pttl, 2, R | F | CMD_RANDOM, 1, 1, 1, "generic",
      "Get the time to live for a key in milliseconds" },
    { "expiretime", cmd_expiretime, 2, R | F, 1, 1, 1, "generic",
      "Get the expiration Unix timestamp for a key" },
    { "pexpiretime", cmd_pexpiretime, 2, R | F, 1, 1, 1, "generic",
      "Get the expiration Unix timestamp for a key in milliseconds" },
    { "persist", cmd_persist, 2, W | F, 1, 1, 1, "generic",
      "Remove the expiration from a key" },
    /* string (t_string.c) */
    { "get", cmd_get, 2, R | F, 1, 1, 1, "string",
      "Get the value of a key" },
    { "set", cmd_set, -3, W | M, 1, 1, 1, "string",
      "Set the string value of a key" },
    { "setnx", cmd_setnx, 3, W | M | F, 1, 1, 1, "string",
      "Set the value of a key, only if the key does not exist" },
    { "setex", cmd_setex, 4, W | M, 1, 1, 1, "string",
      "Set the value and expiration of a key" },
    { "psetex", cmd_psetex, 4, W | M, 1, 1, 1, "string",
      "Set the value and expiration in milliseconds of a key" },
    { "getset", cmd_getset, 3, W | M | F, 1, 1, 1, "string",
      "Set the string value of a key and return its old value" },
    { "getdel", cmd_getdel, 2, W | F, 1, 1, 1, "string",
      "Get the value of a key and delete the key" },
    { "getex", cmd_getex, -2, W | F, 1, 1, 1, "string",
      "Get the value of a key and optionally set its expiration" },
    { "mget", cmd_mget, -2, R | F, 1, -1, 1, "string",
      "Get the values of all the given keys" },
    { "mset", cmd_mset, -3, W | M, 1, -1, 2, "string",
      "Set multiple keys to multiple values" },
    { "msetnx", cmd_msetnx, -3, W | M, 1, -1, 2, "string",
      "Set multiple keys to multiple values, only if none of the keys "
      "exist" },
    { "append", cmd_append, 3, W | M | F, 1, 1, 1, "string",
      "Append a value to a key" },
    { "strlen", cmd_strlen, 2, R | F, 1, 1, 1, "string",
      "Get the length of the value stored in a key" },
    { "incr", cmd_incr, 2, W | M | F, 1, 1, 1, "string",
      "Increment the integer value of a key by one" },
    { "decr", cmd_decr, 2, W | M | F, 1, 1, 1, "string",
      "Decrement the integer value of a key by one" },
    { "incrby", cmd_incrby, 3, W | M | F, 1, 1, 1, "string",
      "Increment the integer value of a key by the given amount" },
    { "decrby", cmd_decrby, 3, W | M | F, 1, 1, 1, "string",
      "Decrement the integer value of a key by the given number" },
    { "incrbyfloat", cmd_incrbyfloat, 3, W | M | F, 1, 1, 1, "string",
      "Increment the float value of a key by the given amount" },
    { "getrange", cmd_getrange, 4, R, 1, 1, 1, "string",
      "Get a substring of the string stored at a key" },
    { "substr", cmd_getrange, 4, R, 1, 1, 1, "string",
      "Get a substring of the string stored at a key" },
    { "setrange", cmd_setrange, 4, W | M, 1, 1, 1, "string",
      "Overwrite part of a string at key starting at the specified "
      "offset" },
    /* bitmaps (bitops.c) */
    { "setbit", cmd_setbit, 4, W | M, 1, 1, 1, "bitmap",
      "Sets or clears the bit at offset in the string value stored at "
      "key" },
    { "getbit", cmd_getbit, 3, R | F, 1, 1, 1, "bitmap",
      "Returns the bit value at offset in the string value stored at key" },
    { "bitcount", cmd_bitcount, -2, R, 1, 1, 1, "bitmap",
      "Count set bits in a string" },
    { "bitpos", cmd_bitpos, -3, R, 1, 1, 1, "bitmap",
      "Find first bit set or clear in a string" },
    { "bitop", cmd_bitop, -4, W | M, 2, -1, 1, "bitmap",
      "Perform bitwise operations between strings" },
    { "bitfield", cmd_bitfield, -2, W | M, 1, 1, 1, "bitmap",
      "Perform arbitrary bitfield integer operations on strings" },
    { "bitfield_ro", cmd_bitfield_ro, -2, R | F, 1, 1, 1, "bitmap",
      "Perform arbitrary bitfield integer operations on strings. "
      "Read-only variant of BITFIELD" },
    /* HyperLogLog (hyperloglog.c) */
    { "pfadd", cmd_pfadd, -2, W | M | F, 1, 1, 1, "hyperloglog",
      "Adds the specified elements to the specified HyperLogLog." },
    { "pfcount", cmd_pfcount, -2, R, 1, -1, 1, "hyperloglog",
      "Return the approximated cardinality of the set(s) observed by the "
      "HyperLogLog at key(s)." },
    { "pfmerge", cmd_pfmerge, -2, W | M, 1, -1, 1, "hyperloglog",
      "Merge N different HyperLogLogs into a single one." },
    { "pfdebug", cmd_pfdebug, 3, W | M | A, 2, 2, 1, "hyperloglog",
      "Internal commands for debugging HyperLogLog values" },
    { "pfselftest", cmd_pfselftest, 1, A, 0, 0, 0, "hyperloglog",
      "An internal command for testing HyperLogLog values" },
    /* GEO (geo.c); the STORE options of GEORADIUS* name a key the
     * first/last/step triple cannot describe */
    { "geoadd", cmd_geoadd, -5, W | M, 1, 1, 1, "geo",
      "Add one or more geospatial items in the geospatial index "
      "represented using a sorted set" },
    { "geodist", cmd_geodist, -4, R, 1, 1, 1, "geo",
      "Returns the distance between two members of a geospatial index" },
    { "geohash", cmd_geohash, -2, R, 1, 1, 1, "geo",
      "Returns members of a geospatial index as standard geohash "
      "strings" },
    { "geopos", cmd_geopos, -2, R, 1, 1, 1, "geo",
      "Returns longitude and latitude of members of a geospatial index" },
    { "georadius", cmd_georadius, -6, W | M, 1, 1, 1, "geo",
      "Query a sorted set representing a geospatial index to fetch members "
      "matching a given maximum distance from a point" },
    { "georadius_ro", cmd_georadius_ro, -6, R, 1, 1, 1, "geo",
      "A read-only variant for GEORADIUS" },
    { "georadiusbymember", cmd_georadiusbymember, -5, W | M, 1, 1, 1, "geo",
      "Query a sorted set representing a geospatial index to fetch members "
      "matching a given maximum distance from a member" },
    { "georadiusbymember_ro", cmd_georadiusbymember_ro, -5, R, 1, 1, 1,
      "geo", "A read-only variant for GEORADIUSBYMEMBER" },
    { "geosearch", cmd_geosearch, -7, R, 1, 1, 1, "geo",
      "Query a sorted set representing a geospatial index to fetch members "
      "inside an area of a box or a circle." },
    { "geosearchstore", cmd_geosearchstore, -8, W | M, 1, 2, 1, "geo",
      "Query a sorted set representing a geospatial index to fetch members "
      "inside an area of a box or a circle, and store the result in "
      "another key." },
    /* replication and persistence (replication.c, replica.c, aof.c) */
    { "replconf", cmd_replconf, -1, A | CMD_NOSCRIPT | ANY, 0, 0, 0,
      "server", "An internal command for configuring the replication "
      "stream" },
    { "psync", cmd_psync, -3, A | CMD_NOSCRIPT | ANY, 0, 0, 0, "server",
      "An internal command used in replication" },
    { "sync", cmd_sync, 1, A | CMD_NOSCRIPT | ANY, 0, 0, 0, "server",
      "An internal command used in replication" },
    { "replicaof", cmd_replicaof, 3, A | CMD_NOSCRIPT | CMD_STALE, 0, 0, 0,
      "server", "Make the server a replica of another instance, or promote "
      "it as master" },
    { "slaveof", cmd_replicaof, 3, A | CMD_NOSCRIPT | CMD_STALE, 0, 0, 0,
      "server", "Make the server a replica of another instance, or promote "
      "it as master" },
    { "role", cmd_role, 1, CMD_NOSCRIPT | F | ANY, 0, 0, 0, "server",
      "Return the role of the instance in the context of replication" },
    { "wait", cmd_wait, 3, CMD_NOSCRIPT, 0, 0, 0, "generic",
      "Wait for the synchronous replication of all the write commands sent "
      "in the context of the current connection" },
    { "bgrewriteaof", cmd_bgrewriteaof, 1, A | CMD_NOSCRIPT, 0, 0, 0,
      "server", "Asynchronously rewrite the append-only file" },
    /* list (t_list.c) */
    { "lpush", cmd_lpush, -3, W | M | F, 1, 1, 1, "list",
      "Prepend one or multiple elements to a list" },
    { "rpush", cmd_rpush, -3, W | M | F, 1, 1, 1, "list",
      "Append one or multiple elements to a list" },
    { "lpushx", cmd_lpushx, -3, W | M | F, 1, 1, 1, "list",
      "Prepend an element to a list, only if the list exists" },
    { "rpushx", cmd_rpushx, -3, W | M | F, 1, 1, 1, "list",
      "Append an element to a list, only if the list exists" },
    { "lpop", cmd_lpop, -2, W | F, 1, 1, 1, "list",
      "Remove and get the first elements in a list" },
    { "rpop", cmd_rpop, -2, W | F, 1, 1, 1, "list",
      "Remove and get the last elements in a list" },
    { "llen", cmd_llen, 2, R | F, 1, 1, 1, "list",
      "Get the length of a list" },
    { "lrange", cmd_lrange, 4, R, 1, 1, 1, "list",
      "Get a range of elements from a list" },
    { "lindex", cmd_lindex, 3, R, 1, 1, 1, "list",
      "Get an element from a list by its index" },
    { "lset", cmd_lset, 4, W | M, 1, 1, 1, "list",
      "Set the value of an element in a list by its index" },
    { "linsert", cmd_linsert, 5, W | M, 1, 1, 1, "list",
      "Insert an element before or after another element in a list" },
    { "lrem", cmd_lrem, 4, W, 1, 1, 1, "list",
      "Remove elements from a list" },
    { "ltrim", cmd_ltrim, 4, W, 1, 1, 1, "list",
      "Trim a list to the specified range" },
    { "lpos", cmd_lpos, -3, R, 1, 1, 1, "list",
      "Return the index of matching elements on a list" },
    { "rpoplpush", cmd_rpoplpush, 3, W | M, 1, 2, 1, "list",
      "Remove the last element in a list, prepend it to another list "
      "and return it" },
    { "lmove", cmd_lmove, 5, W | M, 1, 2, 1, "list",
      "Pop an element from a list, push it to another list and return it" },
    { "blpop", cmd_blpop, -3, W | CMD_NOSCRIPT, 1, -2, 1, "list",
      "Remove and get the first element in a list, or block until one is "
      "available" },
    { "brpop", cmd_brpop, -3, W | CMD_NOSCRIPT, 1, -2, 1, "list",
      "Remove and get the last element in a list, or block until one is "
      "available" },
    { "brpoplpush", cmd_brpoplpush, 4, W | M | CMD_NOSCRIPT, 1, 2, 1,
      "list", "Pop an element from a list, push it to another list and "
      "return it; or block until one is available" },
    { "blmove", cmd_blmove, 6, W | M | CMD_NOSCRIPT, 1, 2, 1, "list",
      "Pop an element from a list, push it to another list and return it; "
      "or block until one is available" },
    { "lmpop", cmd_lmpop, -4, W, 0, 0, 0, "list",
      "Pop elements from a list" },
    { "blmpop", cmd_blmpop, -5, W | CMD_NOSCRIPT, 0, 0, 0, "list",
      "Pop elements from a list, or block until one is available" },
    /* hash (t_hash.c) */
    { "hset", cmd_hset, -4, W | M | F, 1, 1, 1, "hash",
      "Set the string value of a hash field" },
    { "hsetnx", cmd_hsetnx, 4, W | M | F, 1, 1, 1, "hash",
      "Set the value of a hash field, only if the field does not exist" },
    { "hmset", cmd_hmset, -4, W | M | F, 1, 1, 1, "hash",
      "Set multiple hash fields to multiple values" },
    { "hget", cmd_hget, 3, R | F, 1, 1, 1, "hash",
      "Get the value of a hash field" },
    { "hmget", cmd_hmget, -3, R | F, 1, 1, 1, "hash",
      "Get the values of all the given hash fields" },
    { "hdel", cmd_hdel, -3, W | F, 1, 1, 1, "hash",
      "Delete one or more hash fields" },
    { "hlen", cmd_hlen, 2, R | F, 1, 1, 1, "hash",
      "Get the number of fields in a hash" },
    { "hstrlen", cmd_hstrlen, 3, R | F, 1, 1, 1, "hash",
      "Get the length of the value of a hash field" },
    { "hexists", cmd_hexists, 3, R | F, 1, 1, 1, "hash",
      "Determine if a hash field exists" },
    { "hkeys", cmd_hkeys, 2, R, 1, 1, 1, "hash",
      "Get all the fields in a hash" },
    { "hvals", cmd_hvals, 2, R, 1, 1, 1, "hash",
      "Get all the values in a hash" },
    { "hgetall", cmd_hgetall, 2, R, 1, 1, 1, "hash",
      "Get all the fields and values in a hash" },
    { "hincrby", cmd_hincrby, 4, W | M | F, 1, 1, 1, "hash",
      "Increment the integer value of a hash field by the given number" },
    { "hincrbyfloat", cmd_hincrbyfloat, 4, W | M | F, 1, 1, 1, "hash",
      "Increment the float value of a hash field by the given amount" },
    { "hrandfield", cmd_hrandfield, -2, R | CMD_RANDOM, 1, 1, 1, "hash",
      "Get one or multiple random fields from a hash" },
    { "hscan", cmd_hscan, -3, R | CMD_RANDOM, 1, 1, 1, "hash",
      "Incrementally iterate hash fields and associated values" },
    /* set (t_set.c) */
    { "sadd", cmd_sadd, -3, W | M | F, 1, 1, 1, "set",
      "Add one or more members to a set" },
    { "srem", cmd_srem, -3, W | F, 1, 1, 1, "set",
      "Remove one or more members from a set" },
    { "smembers", cmd_smembers, 2, R, 1, 1, 1, "set",
      "Get all the members in a set" },
    { "sismember", cmd_sismember, 3, R | F, 1, 1, 1, "set",
      "Determine if a given value is a member of a set" },
    { "smismember", cmd_smismember, -3, R | F, 1, 1, 1, "set",
      "Returns the membership associated with the given elements for a "
      "set" },
    { "scard", cmd_scard, 2, R | F, 1, 1, 1, "set",
      "Get the number of members in a set" },
    { "spop", cmd_spop, -2, W | CMD_RANDOM | F, 1, 1, 1, "set",
      "Remove and return one or multiple random members from a set" },
    { "srandmember", cmd_srandmember, -2, R | CMD_RANDOM, 1, 1, 1, "set",
      "Get one or multiple random members from a set" },
    { "smove", cmd_smove, 4, W | F, 1, 2, 1, "set",
      "Move a member from one set to another" },
    { "sinter", cmd_sinter, -2, R, 1, -1, 1, "set",
      "Intersect multiple sets" },
    { "sinterstore", cmd_sinterstore, -3, W | M, 1, -1, 1, "set",
      "Intersect multiple sets and store the resulting set in a key" },
    { "sunion", cmd_sunion, -2, R, 1, -1, 1, "set", "Add multiple sets" },
    { "sunionstore", cmd_sunionstore, -3, W | M, 1, -1, 1, "set",
      "Add multiple sets and store the resulting set in a key" },
    { "sdiff", cmd_sdiff, -2, R, 1, -1, 1, "set", "Subtract multiple sets" },
    { "sdiffstore", cmd_sdiffstore, -3, W | M, 1, -1, 1, "set",
      "Subtract multiple sets and store the resulting set in a key" },
    { "sintercard", cmd_sintercard, -3, R, 0, 0, 0, "set",
      "Intersect multiple sets and return the cardinality of the result" },
    { "sscan", cmd_sscan, -3, R | CMD_RANDOM, 1, 1, 1, "set",
      "Incrementally iterate Set elements" },
    /* sorted set (t_zset.c) */
    { "zadd", cmd_zadd, -4, W | M | F, 1, 1, 1, "sorted-set",
      "Add one or more members to a sorted set, or update its score if it "
      "already exists" },
    { "zincrby", cmd_zincrby, 4, W | M | F, 1, 1, 1, "sorted-set",
      "Increment the score of a member in a sorted set" },
    { "zrem", cmd_zrem, -3, W | F, 1, 1, 1, "sorted-set",
      "Remove one or more members from a sorted set" },
    { "zcard", cmd_zcard, 2, R | F, 1, 1, 1, "sorted-set",
      "Get the number of members in a sorted set" },
    { "zscore", cmd_zscore, 3, R | F, 1, 1, 1, "sorted-set",
      "Get the score associated with the given member in a sorted set" },
    { "zmscore", cmd_zmscore, -3, R | F, 1, 1, 1, "sorted-set",
      "Get the score associated with the given members in a sorted set" },
    { "zrank", cmd_zrank, 3, R | F, 1, 1, 1, "sorted-set",
      "Determine the index of a member in a sorted set" },
    { "zrevrank", cmd_zrevrank, 3, R | F, 1, 1, 1, "sorted-set",
      "Determine the index of a member in a sorted set, with scores "
      "ordered from high to low" },
    { "zcount", cmd_zcount, 4, R | F, 1, 1, 1, "sorted-set",
      "Count the members in a sorted set with scores within the given "
      "values" },
    { "zlexcount", cmd_zlexcount, 4, R | F, 1, 1, 1, "sorted-set",
      "Count the number of members in a sorted set between a given "
      "lexicographical range" },
    { "zrange", cmd_zrange, -4, R, 1, 1, 1, "sorted-set",
      "Return a range of members in a sorted set" },
    { "zrevrange", cmd_zrevrange, -4, R, 1, 1, 1, "sorted-set",
      "Return a range of members in a sorted set, by index, with scores "
      "ordered from high to low" },
    { "zrangebyscore", cmd_zrangebyscore, -4, R, 1, 1, 1, "sorted-set",
      "Return a range of members in a sorted set, by score" },
    { "zrevrangebyscore", cmd_zrevrangebyscore, -4, R, 1, 1, 1,
      "sorted-set", "Return a range of members in a sorted set, by score, "
      "with scores ordered from high to low" },
    { "zrangebylex", cmd_zrangebylex, -4, R, 1, 1, 1, "sorted-set",
      "Return a range of members in a sorted set, by lexicographical "
      "range" },
    { "zrevrangebylex", cmd_zrevrangebylex, -4, R, 1, 1, 1, "sorted-set",
      "Return a range of members in a sorted set, by lexicographical "
      "range, ordered from higher to lower strings" },
    { "zremrangebyrank", cmd_zremrangebyrank, 4, W, 1, 1, 1, "sorted-set",
      "Remove all members in a sorted set within the given indexes" },
    { "zremrangebyscore", cmd_zremrangebyscore, 4, W, 1, 1, 1,
      "sorted-set", "Remove all members in a sorted set within the given "
      "scores" },
    { "zremrangebylex", cmd_zremrangebylex, 4, W, 1, 1, 1, "sorted-set",
      "Remove all members in a sorted set between the given "
      "lexicographical range" },
    { "zpopmin", cmd_zpopmin, -2, W | F, 1, 1, 1, "sorted-set",
      "Remove and return members with the lowest scores in a sorted set" },
    { "zpopmax", cmd_zpopmax, -2, W | F, 1, 1, 1, "sorted-set",
      "Remove and return members with the highest scores in a sorted set" },
    { "zunionstore", cmd_zunionstore, -4, W | M, 1, 1, 1, "sorted-set",
      "Add multiple sorted sets and store the resulting sorted set in a "
      "new key" },
    { "zinterstore", cmd_zinterstore, -4, W | M, 1, 1, 1, "sorted-set",
      "Intersect multiple sorted sets and store the resulting sorted set "
      "in a new key" },
    { "zrandmember", cmd_zrandmember, -2, R | CMD_RANDOM, 1, 1, 1,
      "sorted-set", "Get one or multiple random elements from a sorted "
      "set" },
    { "zscan", cmd_zscan, -3, R | CMD_RANDOM, 1, 1, 1, "sorted-set",
      "Incrementally iterate sorted sets elements and associated scores" },
    { "bzpopmin", cmd_bzpopmin, -3, W | CMD_NOSCRIPT | F, 1, -2, 1,
      "sorted-set", "Remove and return the member with the lowest score "
      "from one of the sorted sets, or block until one is available" },
    { "bzpopmax", cmd_bzpopmax, -3, W | CMD_NOSCRIPT | F, 1, -2, 1,
      "sorted-set", "Remove and return the member with the highest score "
      "from one of the sorted sets, or block until one is available" },
    { "zmpop", cmd_zmpop, -4, W, 0, 0, 0, "sorted-set",
      "Remove and return members with scores in a sorted set" },
    { "bzmpop", cmd_bzmpop, -5, W | CMD_NOSCRIPT, 0, 0, 0, "sorted-set",
      "Remove and return members with scores in a sorted set or block "
      "until one is available" },
    { "zunion", cmd_zunion, -3, R, 0, 0, 0, "sorted-set",
      "Add multiple sorted sets" },
    { "zinter", cmd_zinter, -3, R, 0, 0, 0, "sorted-set",
      "Intersect multiple sorted sets" },
    { "zdiff", cmd_zdiff, -3, R, 0, 0, 0, "sorted-set",
      "Subtract multiple sorted sets" },
    { "zdiffstore", cmd_zdiffstore, -4, W | M, 1, 1, 1, "sorted-set",
      "Subtract multiple sorted sets and store the resulting sorted set in "
      "a new key" },
    { "zintercard", cmd_zintercard, -3, R, 0, 0, 0, "sorted-set",
      "Intersect multiple sorted sets and return the cardinality of the "
      "result" },
    { "zrangestore", cmd_zrangestore, -5, W | M, 1, 2, 1, "sorted-set",
      "Store a range of members from sorted set into another key" },
    /* sort (sort.c) */
    { "sort", cmd_sort, -2, W | M, 1, 1, 1, "generic",
      "Sort the elements in a list, set or sorted set" },
    { "sort_ro", cmd_sort_ro, -2, R, 1, 1, 1, "generic",
      "Sort the elements in a list, set or sorted set. Read-only variant "
      "of SORT." },
    /* pubsub (pubsub.c) */
    { "subscribe", cmd_subscribe, -2, CMD_PUBSUB | CMD_NOSCRIPT | ANY, 0, 0,
      0, "pubsub", "Listen for messages published to the given channels" },
    { "unsubscribe", cmd_unsubscribe, -1, CMD_PUBSUB | CMD_NOSCRIPT | ANY,
      0, 0, 0, "pubsub",
      "Stop listening for messages posted to the given channels" },
    { "psubscribe", cmd_psubscribe, -2, CMD_PUBSUB | CMD_NOSCRIPT | ANY, 0,
      0, 0, "pubsub",
      "Listen for messages published to channels matching the given "
      "patterns" },
    { "punsubscribe", cmd_punsubscribe, -1, CMD_PUBSUB | CMD_NOSCRIPT | ANY,
      0, 0, 0, "pubsub",
      "Stop listening for messages posted to channels matching the given "
      "patterns" },
    { "publish", cmd_publish, 3, CMD_PUBSUB | F | ANY, 0, 0, 0, "pubsub",
      "Post a message to a channel" },
    { "pubsub", cmd_pubsub, -2, CMD_PUBSUB | CMD_RANDOM | ANY, 0, 0, 0,
      "pubsub", "Inspect the state of the Pub/Sub subsystem" },
    /* transactions (multi.c) */
    { "multi", cmd_multi, 1, CMD_NOSCRIPT | F | ANY, 0, 0, 0,
      "transactions", "Mark the start of a transaction block" },
    { "exec", cmd_exec, 1, CMD_NOSCRIPT | ANY, 0, 0, 0, "transactions",
      "Execute all commands issued after MULTI" },
    { "discard", cmd_discard, 1, CMD_NOSCRIPT | F | ANY, 0, 0, 0,
      "transactions", "Discard all commands issued after MULTI" },
    { "watch", cmd_watch, -2, CMD_NOSCRIPT | F | ANY, 1, -1, 1,
      "transactions",
      "Watch the given keys to determine execution of the MULTI/EXEC "
      "block" },
    { "unwatch", cmd_unwatch, 1, CMD_NOSCRIPT | F | ANY, 0, 0, 0,
      "transactions", "Forget about all watched keys" },
    /* codis slots (slots.c) */
    { "slotshashkey", cmd_slotshashkey, -1, F, 0, 0, 0, "codis",
      "Return the slot of each given key" },
    { "slotsinfo", cmd_slotsinfo, -1, R, 0, 0, 0, "codis",
      "Return [slot, keys] for each non-empty slot in a range" },
    { "slotsdel", cmd_slotsdel, -2, W, 0, 0, 0, "codis",
      "Delete every key of the given slots" },
    { "slotsscan", cmd_slotsscan, -3, R, 0, 0, 0, "codis",
      "Incrementally iterate the keys of one slot" },
    { "slotscheck", cmd_slotscheck, -1, R | A, 0, 0, 0, "codis",
      "Check that the slot and tag indexes match the keyspace" },
    /* codis migration (slotsmgrt.c) */
    { "slotsmgrtslot", cmd_slotsmgrtslot, 5, W | A, 0, 0, 0, "codis",
      "Move a random key of a slot to another server" },
    { "slotsmgrttagslot", cmd_slotsmgrttagslot, 5, W | A, 0, 0, 0, "codis",
      "Move a random key of a slot, with its tag, to another server" },
    { "slotsmgrtone", cmd_slotsmgrtone, 5, W | A, 4, 4, 1, "codis",
      "Move one key to another server" },
    { "slotsmgrttagone", cmd_slotsmgrttagone, 5, W | A, 4, 4, 1, "codis",
      "Move one key and the keys sharing its tag to another server" },
    { "slotsrestore", cmd_slotsrestore, -4, W | M, 1, -1, 3, "codis",
      "Create keys from DUMP payloads, overwriting (migration target)" },
    { "slotsmgrtslot-async", cmd_slotsmgrtslot_async, 8, W | A, 0, 0, 0,
      "codis", "Move a batch of keys of a slot to another server" },
    { "slotsmgrttagslot-async", cmd_slotsmgrttagslot_async, 8, W | A, 0, 0,
      0, "codis", "Move a batch of keys of a slot, with their tags" },
    { "slotsmgrtone-async", cmd_slotsmgrtone_async, -7, W | A, 6, -1, 1,
      "codis", "Move the given keys to another server" },
    { "slotsmgrttagone-async", cmd_slotsmgrttagone_async, -7, W | A, 6, -1,
      1, "codis", "Move the given keys, with their tags" },
    { "slotsmgrt-async-fence", cmd_slotsmgrt_async_fence, 1, R | A, 0, 0, 0,
      "codis", "Wait until the batch moving in the background ends" },
    { "slotsmgrt-async-cancel", cmd_slotsmgrt_async_cancel, 1, A, 0, 0, 0,
      "codis", "Stop the batch moving in the background" },
    { "slotsmgrt-async-status", cmd_slotsmgrt_async_status, 1, R | A, 0, 0,
      0, "codis", "Show the batch moving in the background (nil: none)" },
    { "slotsrestore-async", cmd_slotsrestore_async, -3, W | M, 2, 2, 1,
      "codis", "Create a key from a payload or in chunks (target side)" },
    { "slotsmgrt-exec-wrapper", cmd_slotsmgrt_exec_wrapper, -3, W, 1, 1, 1,
      "codis", "Run a command unless its key is gone or being migrated" },
    { "slotsmgrtone-async-dump", cmd_slotsmgrtone_async_dump, -4, R | A, 3,
      -1, 1, "codis", "Show the messages that would move the keys" },
    { "slotsmgrttagone-async-dump", cmd_slotsmgrttagone_async_dump, -4,
      R | A, 3, -1, 1, "codis",
      "Show the messages that would move the keys, with their tags" },
};

#undef W
#undef R
#undef M
#undef A
#undef F
#undef ANY

#define COMMANDS_COUNT (sizeof(commands) / sizeof(commands[0]))

static struct command_stats commands_stat[COMMANDS_COUNT];

/* Name -> row (keys owned, rows are not). */
static const struct dict_type commands_dict_type = { true, NULL };
static struct dict *commands_dict;

void commands_init(void)
{
    commands_dict = dict_new(&commands_dict_type);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        char *name = sds_new(commands[i].name, strlen(commands[i].name));
        struct dict_entry *e = dict_insert(commands_dict, name);
        if (e == NULL) {
            sds_free(name);
            continue;
        }
        e->v.ptr = (void *)&commands[i];
    }
}

void commands_release(void)
{
    dict_free(commands_dict);
    commands_dict = NULL;
}

const struct command *commands_lookup(const char *name, size_t len)
{
    char lower[64];
    if (len == 0 || len > sizeof(lower)) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        lower[i] = (char)tolower((unsigned char)name[i]);
    }
    struct dict_entry *e = dict_find(commands_dict, lower, len);
    return e != NULL ? e->v.ptr : NULL;
}

const struct command *commands_table(size_t *count)
{
    *count = COMMANDS_COUNT;
    return commands;
}

struct command_stats *commands_stats(const struct command *cmd)
{
    return &commands_stat[cmd - commands];
}

/* ------------------------------------------------------------------------
 * COMMAND */

/* Flag names as COMMAND INFO shows them, in table order. */
static const struct {
    unsigned flag;
    const char *name;
} commands_flag_names[] = {
    { CMD_WRITE, "write" },     { CMD_READONLY, "readonly" },
    { CMD_DENYOOM, "denyoom" }, { CMD_ADMIN, "admin" },
    { CMD_PUBSUB, "pubsub" },   { CMD_NOSCRIPT, "noscript" },
    { CMD_LOADING, "loading" }, { CMD_STALE, "stale" },
    { CMD_FAST, "fast" },       { CMD_NO_AUTH, "no_auth" },
};

/* The ACL categories Redis would give a command with these flags. */
static void commands_reply_categories(struct client *c,
                                      const struct command *cmd)
{
    const char *cats[6];
    int n = 0;
    if (cmd->flags & CMD_WRITE) {
        cats[n++] = "@write";
    }
    if (cmd->flags & CMD_READONLY) {
        cats[n++] = "@read";
    }
    if (cmd->flags & CMD_ADMIN) {
        cats[n++] = "@admin";
        cats[n++] = "@dangerous";
    }
    cats[n++] = (cmd->flags & CMD_FAST) ? "@fast" : "@slow";
    static const struct {
        const char *group;
        const char *category;
    } group_categories[] = {
        { "generic", "@keyspace" },   { "string", "@string" },
        { "bitmap", "@bitmap" },      { "connection", "@connection" },
        { "list", "@list" },          { "hash", "@hash" },
        { "set", "@set" },            { "sorted-set", "@sortedset" },
        { "pubsub", "@pubsub" },      { "transactions", "@transaction" },
    };
    for (size_t i = 0; i < sizeof(group_categories) /
                           sizeof(group_categories[0]); i++) {
        if (strcmp(cmd->group, group_categories[i].group) == 0) {
            cats[n++] = group_categories[i].category;
            break;
        }
    }
    reply_array(c, n);
    for (int i = 0; i < n; i++) {
        reply_simple(c, cats[i]);
    }
}

/* One COMMAND INFO entry. */
static void commands_reply_info(struct client *c, const struct command *cmd)
{
    reply_array(c, 10);
    reply_bulk_str(c, cmd->name);
    reply_integer(c, cmd->arity);
    size_t handle = reply_defer_len(c);
    int n = 0;
    for (size_t i = 0; i < sizeof(commands_flag_names) /
                           sizeof(commands_flag_names[0]); i++) {
        if (cmd->flags & commands_flag_names[i].flag) {
            reply_simple(c, commands_flag_names[i].name);
            n++;
        }
    }
    reply_set_array_len(c, handle, n);
    reply_integer(c, cmd->first_key);
    reply_integer(c, cmd->last_key);
    reply_integer(c, cmd->key_step);
    commands_reply_categories(c, cmd);
    reply_array(c, 0); /* tips */
    reply_array(c, 0); /* key specs */
    reply_array(c, 0); /* subcommands */
}

/* One COMMAND DOCS entry: name, then its field/value map. */
static void commands_reply_docs(struct client *c, const struct command *cmd)
{
    reply_bulk_str(c, cmd->name);
    reply_array(c, 4);
    reply_bulk_str(c, "summary");
    reply_bulk_str(c, cmd->summary);
    reply_bulk_str(c, "group");
    reply_bulk_str(c, cmd->group);
}

/* COMMAND [COUNT | LIST | INFO name... | DOCS [name...] | HELP] */
void cmd_command(struct client *c)
{
    size_t count = sizeof(commands) / sizeof(commands[0]);
    if (c->argc == 1) {
        reply_array(c, (long long)count);
        for (size_t i = 0; i < count; i++) {
            commands_reply_info(c, &commands[i]);
        }
    } else if (arg_is(&c->argv[1], "count") && c->argc == 2) {
        reply_integer(c, (long long)count);
    } else if (arg_is(&c->argv[1], "list") && c->argc == 2) {
        reply_array(c, (long long)count);
        for (size_t i = 0; i < count; i++) {
            reply_bulk_str(c, commands[i].name);
        }
    } else if (arg_is(&c->argv[1], "info")) {
        if (c->argc == 2) {
            reply_array(c, (long long)count);
            for (size_t i = 0; i < count; i++) {
                commands_reply_info(c, &commands[i]);
            }
            return;
        }
        reply_array(c, c->argc - 2);
        for (int i = 2; i < c->argc; i++) {
            const struct command *cmd = commands_lookup(c->argv[i].ptr,
                                                        c->argv[i].len);
            if (cmd != NULL) {
                commands_reply_info(c, cmd);
            } else {
                reply_null_array(c);
            }
        }
    } else if (arg_is(&c->argv[1], "docs")) {
        if (c->argc == 2) {
            reply_array(c, (long long)count * 2);
            for (size_t i = 0; i < count; i++) {
                commands_reply_docs(c, &commands[i]);
            }
            return;
        }
        size_t handle = reply_defer_len(c);
        long long n = 0;
        for (int i = 2; i < c->argc; i++) {
            const struct command *cmd = commands_lookup(c->argv[i].ptr,
                                                        c->argv[i].len);
            if (cmd != NULL) {
                commands_reply_docs(c, cmd);
                n += 2;
            }
        }
        reply_set_array_len(c, handle, n);
    } else if (arg_is(&c->argv[1], "help") && c->argc == 2) {
        reply_array(c, 6);
        reply_simple(c, "COMMAND <subcommand> [<arg> [value] [opt] ...]. "
                        "Subcommands are:");
        reply_simple(c, "(no subcommand)");
        reply_simple(c, "COUNT");
        reply_simple(c, "DOCS [<command-name> ...]");
        reply_simple(c, "INFO [<command-name> ...]");
        reply_simple(c, "LIST");
    } else {
        reply_error(c, "unknown subcommand or wrong number of arguments for "
                       "'%.128s'. Try COMMAND HELP.", c->argv[1].ptr);
    }
}
