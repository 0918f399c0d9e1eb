/* The proxy's routing table and its lookup; see cmdtable.h.
 *
 * Columns of each entry: name, kind, arity, first key, last key, key step,
 * key flags, numkeys index, local handler, refusal reason. Arity and key
 * positions are Redis 7's. Refused commands are Codis's unsupported list:
 * they need the whole keyspace, block the shared backend connection, or
 * administer one server; the reason, when given, says which. */
#include "roles/proxy/cmdtable.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "roles/proxy/localcmd.h"

#define K(name, arity, first, last, step) \
    { name, CMDTABLE_KEYS, arity, first, last, step, 0, 0, NULL, NULL }
#define NK(name, arity, dest, numkeys) \
    { name, CMDTABLE_KEYS, arity, dest, 0, 0, CMDTABLE_KS_NUMKEYS, numkeys, \
      NULL, NULL }
#define SPLIT(name, kind, arity, step) \
    { name, kind, arity, 1, -1, step, 0, 0, NULL, NULL }
#define LOCAL(name, arity, fn) \
    { name, CMDTABLE_LOCAL, arity, 0, 0, 0, 0, 0, fn, NULL }
#define NO(name, why) \
    { name, CMDTABLE_REFUSED, 0, 0, 0, 0, 0, 0, NULL, why }

static const char cmdtable_blocking[] =
    "blocking commands are not supported by the proxy";
static const char cmdtable_keyspace[] =
    "it needs the whole keyspace";
static const char cmdtable_admin[] =
    "server administration goes to the servers, not the proxy";
static const char cmdtable_pubsub[] = "pub/sub is not supported by the proxy";
static const char cmdtable_multi[] =
    "transactions are not supported by the proxy";

const struct cmdtable_cmd cmdtable_cmds[] = {
    /* strings */
    K("GET", 2, 1, 1, 1), K("SET", -3, 1, 1, 1), K("SETNX", 3, 1, 1, 1),
    K("SETEX", 4, 1, 1, 1), K("PSETEX", 4, 1, 1, 1),
    K("APPEND", 3, 1, 1, 1), K("STRLEN", 2, 1, 1, 1),
    K("SETRANGE", 4, 1, 1, 1), K("GETRANGE", 4, 1, 1, 1),
    K("SUBSTR", 4, 1, 1, 1), K("INCR", 2, 1, 1, 1), K("DECR", 2, 1, 1, 1),
    K("INCRBY", 3, 1, 1, 1), K("DECRBY", 3, 1, 1, 1),
    K("INCRBYFLOAT", 3, 1, 1, 1), K("GETSET", 3, 1, 1, 1),
    K("GETDEL", 2, 1, 1, 1), K("GETEX", -2, 1, 1, 1),
    K("SETBIT", 4, 1, 1, 1), K("GETBIT", 3, 1, 1, 1),
    K("BITCOUNT", -2, 1, 1, 1), K("BITPOS", -3, 1, 1, 1),
    K("BITFIELD", -2, 1, 1, 1), K("BITFIELD_RO", -2, 1, 1, 1),
    K("LCS", -3, 1, 2, 1), K("MSETNX", -3, 1, -1, 2),
    SPLIT("MGET", CMDTABLE_MGET, -2, 1),
    SPLIT("MSET", CMDTABLE_MSET, -3, 2),
    /* keys */
    SPLIT("DEL", CMDTABLE_SUM, -2, 1), SPLIT("UNLINK", CMDTABLE_SUM, -2, 1),
    SPLIT("EXISTS", CMDTABLE_SUM, -2, 1), SPLIT("TOUCH", CMDTABLE_SUM, -2, 1),
    K("TYPE", 2, 1, 1, 1), K("TTL", 2, 1, 1, 1), K("PTTL", 2, 1, 1, 1),
    K("EXPIRE", -3, 1, 1, 1), K("PEXPIRE", -3, 1, 1, 1),
    K("EXPIREAT", -3, 1, 1, 1), K("PEXPIREAT", -3, 1, 1, 1),
    K("EXPIRETIME", 2, 1, 1, 1), K("PEXPIRETIME", 2, 1, 1, 1),
    K("PERSIST", 2, 1, 1, 1), K("DUMP", 2, 1, 1, 1),
    K("RENAME", 3, 1, 2, 1), K("RENAMENX", 3, 1, 2, 1),
    K("COPY", -3, 1, 2, 1), K("SORT_RO", -2, 1, 1, 1),
    /* lists */
    K("LPUSH", -3, 1, 1, 1), K("RPUSH", -3, 1, 1, 1),
    K("LPUSHX", -3, 1, 1, 1), K("RPUSHX", -3, 1, 1, 1),
    K("LINSERT", 5, 1, 1, 1), K("LPOP", -2, 1, 1, 1),
    K("RPOP", -2, 1, 1, 1), K("LLEN", 2, 1, 1, 1), K("LINDEX", 3, 1, 1, 1),
    K("LSET", 4, 1, 1, 1), K("LRANGE", 4, 1, 1, 1), K("LTRIM", 4, 1, 1, 1),
    K("LPOS", -3, 1, 1, 1), K("LREM", 4, 1, 1, 1),
    K("RPOPLPUSH", 3, 1, 2, 1), K("LMOVE", 5, 1, 2, 1),
    NK("LMPOP", -4, 0, 1),
    /* sets */
    K("SADD", -3, 1, 1, 1), K("SREM", -3, 1, 1, 1), K("SMOVE", 4, 1, 2, 1),
    K("SISMEMBER", 3, 1, 1, 1), K("SMISMEMBER", -3, 1, 1, 1),
    K("SCARD", 2, 1, 1, 1), K("SPOP", -2, 1, 1, 1),
    K("SRANDMEMBER", -2, 1, 1, 1), K("SMEMBERS", 2, 1, 1, 1),
    K("SSCAN", -3, 1, 1, 1), K("SINTER", -2, 1, -1, 1),
    NK("SINTERCARD", -3, 0, 1), K("SINTERSTORE", -3, 1, -1, 1),
    K("SUNION", -2, 1, -1, 1), K("SUNIONSTORE", -3, 1, -1, 1),
    K("SDIFF", -2, 1, -1, 1), K("SDIFFSTORE", -3, 1, -1, 1),
    /* sorted sets */
    K("ZADD", -4, 1, 1, 1), K("ZINCRBY", 4, 1, 1, 1), K("ZREM", -3, 1, 1, 1),
    K("ZREMRANGEBYSCORE", 4, 1, 1, 1), K("ZREMRANGEBYRANK", 4, 1, 1, 1),
    K("ZREMRANGEBYLEX", 4, 1, 1, 1), K("ZRANGE", -4, 1, 1, 1),
    K("ZRANGESTORE", -5, 1, 2, 1), K("ZRANGEBYSCORE", -4, 1, 1, 1),
    K("ZREVRANGEBYSCORE", -4, 1, 1, 1), K("ZRANGEBYLEX", -4, 1, 1, 1),
    K("ZREVRANGEBYLEX", -4, 1, 1, 1), K("ZREVRANGE", -4, 1, 1, 1),
    K("ZCOUNT", 4, 1, 1, 1), K("ZLEXCOUNT", 4, 1, 1, 1),
    K("ZCARD", 2, 1, 1, 1), K("ZSCORE", 3, 1, 1, 1),
    K("ZMSCORE", -3, 1, 1, 1), K("ZRANK", -3, 1, 1, 1),
    K("ZREVRANK", -3, 1, 1, 1), K("ZSCAN", -3, 1, 1, 1),
    K("ZPOPMIN", -2, 1, 1, 1), K("ZPOPMAX", -2, 1, 1, 1),
    K("ZRANDMEMBER", -2, 1, 1, 1), NK("ZMPOP", -4, 0, 1),
    NK("ZUNIONSTORE", -4, 1, 2), NK("ZINTERSTORE", -4, 1, 2),
    NK("ZDIFFSTORE", -4, 1, 2), NK("ZUNION", -3, 0, 1),
    NK("ZINTER", -3, 0, 1), NK("ZINTERCARD", -3, 0, 1),
    NK("ZDIFF", -3, 0, 1),
    /* hashes */
    K("HSET", -4, 1, 1, 1), K("HSETNX", 4, 1, 1, 1), K("HGET", 3, 1, 1, 1),
    K("HMSET", -4, 1, 1, 1), K("HMGET", -3, 1, 1, 1),
    K("HINCRBY", 4, 1, 1, 1), K("HINCRBYFLOAT", 4, 1, 1, 1),
    K("HDEL", -3, 1, 1, 1), K("HLEN", 2, 1, 1, 1), K("HSTRLEN", 3, 1, 1, 1),
    K("HKEYS", 2, 1, 1, 1), K("HVALS", 2, 1, 1, 1),
    K("HGETALL", 2, 1, 1, 1), K("HEXISTS", 3, 1, 1, 1),
    K("HRANDFIELD", -2, 1, 1, 1), K("HSCAN", -3, 1, 1, 1),
    /* hyperloglog, geo, streams */
    K("PFADD", -2, 1, 1, 1), K("PFCOUNT", -2, 1, -1, 1),
    K("PFMERGE", -2, 1, -1, 1), K("BITOP", -4, 2, -1, 1),
    { "GEORADIUS", CMDTABLE_KEYS, -6, 1, 1, 1, CMDTABLE_KS_STORE, 6, NULL,
      NULL },
    { "GEORADIUSBYMEMBER", CMDTABLE_KEYS, -5, 1, 1, 1, CMDTABLE_KS_STORE, 5,
      NULL, NULL },
    K("GEOADD", -5, 1, 1, 1),
    K("GEODIST", -4, 1, 1, 1), K("GEOHASH", -2, 1, 1, 1),
    K("GEOPOS", -2, 1, 1, 1), K("GEORADIUS_RO", -6, 1, 1, 1),
    K("GEORADIUSBYMEMBER_RO", -5, 1, 1, 1), K("GEOSEARCH", -7, 1, 1, 1),
    K("GEOSEARCHSTORE", -8, 1, 2, 1),
    K("XADD", -5, 1, 1, 1), K("XRANGE", -4, 1, 1, 1),
    K("XREVRANGE", -4, 1, 1, 1), K("XLEN", 2, 1, 1, 1),
    K("XDEL", -3, 1, 1, 1), K("XTRIM", -4, 1, 1, 1),
    K("XACK", -4, 1, 1, 1), K("XPENDING", -3, 1, 1, 1),
    K("XCLAIM", -6, 1, 1, 1), K("XAUTOCLAIM", -6, 1, 1, 1),
    K("XSETID", -3, 1, 1, 1), K("XGROUP", -2, 2, 2, 1),
    K("XINFO", -2, 2, 2, 1),
    { "XREAD", CMDTABLE_KEYS, -4, 0, 0, 0, CMDTABLE_KS_STREAMS, 0, NULL,
      NULL },
    { "XREADGROUP", CMDTABLE_KEYS, -7, 0, 0, 0, CMDTABLE_KS_STREAMS, 0, NULL,
      NULL },
    /* scripts: keys must share a slot */
    NK("EVAL", -3, 0, 2), NK("EVALSHA", -3, 0, 2), NK("EVAL_RO", -3, 0, 2),
    NK("EVALSHA_RO", -3, 0, 2), NK("FCALL", -3, 0, 2),
    NK("FCALL_RO", -3, 0, 2),
    /* answered by the proxy, or spread over the backends */
    LOCAL("PING", -1, localcmd_ping), LOCAL("ECHO", 2, localcmd_echo),
    LOCAL("QUIT", -1, localcmd_quit), LOCAL("AUTH", -2, localcmd_auth),
    LOCAL("SELECT", 2, localcmd_select), LOCAL("INFO", -1, localcmd_info),
    LOCAL("COMMAND", -1, localcmd_command),
    LOCAL("SLOTSHASHKEY", -1, localcmd_slotshashkey),
    { "DBSIZE", CMDTABLE_ALL, 1, 0, 0, 0, 0, 0, NULL, NULL },
    { "TIME", CMDTABLE_ANY, 1, 0, 0, 0, 0, 0, NULL, NULL },
    /* refused */
    NO("KEYS", cmdtable_keyspace), NO("SCAN", cmdtable_keyspace),
    NO("RANDOMKEY", cmdtable_keyspace), NO("FLUSHALL", cmdtable_keyspace),
    NO("FLUSHDB", cmdtable_keyspace), NO("SWAPDB", cmdtable_keyspace),
    NO("MOVE", NULL), NO("OBJECT", NULL), NO("SORT", NULL),
    NO("MIGRATE", NULL), NO("RESTORE", NULL),
    NO("RESTORE-ASKING", NULL), NO("WAIT", NULL), NO("WAITAOF", NULL),
    NO("BLPOP", cmdtable_blocking), NO("BRPOP", cmdtable_blocking),
    NO("BRPOPLPUSH", cmdtable_blocking), NO("BLMOVE", cmdtable_blocking),
    NO("BLMPOP", cmdtable_blocking), NO("BZPOPMIN", cmdtable_blocking),
    NO("BZPOPMAX", cmdtable_blocking), NO("BZMPOP", cmdtable_blocking),
    NO("SUBSCRIBE", cmdtable_pubsub), NO("UNSUBSCRIBE", cmdtable_pubsub),
    NO("PSUBSCRIBE", cmdtable_pubsub), NO("PUNSUBSCRIBE", cmdtable_pubsub),
    NO("SSUBSCRIBE", cmdtable_pubsub), NO("SUNSUBSCRIBE", cmdtable_pubsub),
    NO("PUBLISH", cmdtable_pubsub), NO("SPUBLISH", cmdtable_pubsub),
    NO("PUBSUB", cmdtable_pubsub),
    NO("MULTI", cmdtable_multi), NO("EXEC", cmdtable_multi),
    NO("DISCARD", cmdtable_multi), NO("WATCH", cmdtable_multi),
    NO("UNWATCH", cmdtable_multi),
    NO("SCRIPT", cmdtable_admin), NO("FUNCTION", cmdtable_admin),
    NO("CLIENT", cmdtable_admin), NO("CONFIG", cmdtable_admin),
    NO("DEBUG", cmdtable_admin), NO("MONITOR", cmdtable_admin),
    NO("SAVE", cmdtable_admin), NO("BGSAVE", cmdtable_admin),
    NO("BGREWRITEAOF", cmdtable_admin), NO("LASTSAVE", cmdtable_admin),
    NO("SHUTDOWN", cmdtable_admin), NO("SLAVEOF", cmdtable_admin),
    NO("REPLICAOF", cmdtable_admin), NO("SYNC", cmdtable_admin),
    NO("PSYNC", cmdtable_admin), NO("REPLCONF", cmdtable_admin),
    NO("SLOWLOG", cmdtable_admin), NO("LATENCY", cmdtable_admin),
    NO("MEMORY", cmdtable_admin), NO("MODULE", cmdtable_admin),
    NO("ACL", cmdtable_admin), NO("CLUSTER", cmdtable_admin),
    NO("ASKING", cmdtable_admin), NO("READONLY", cmdtable_admin),
    NO("READWRITE", cmdtable_admin), NO("FAILOVER", cmdtable_admin),
    NO("RESET", cmdtable_admin), NO("ROLE", cmdtable_admin),
    NO("HELLO", "the proxy speaks RESP2 only"),
    NO("PFDEBUG", cmdtable_admin), NO("PFSELFTEST", cmdtable_admin),
    NO("SLOTSINFO", cmdtable_admin), NO("SLOTSDEL", cmdtable_admin),
    NO("SLOTSCHECK", cmdtable_admin), NO("SLOTSSCAN", cmdtable_admin),
    NO("SLOTSMGRTSLOT", cmdtable_admin), NO("SLOTSMGRTONE", cmdtable_admin),
    NO("SLOTSMGRTTAGSLOT", cmdtable_admin),
    NO("SLOTSMGRTTAGONE", cmdtable_admin),
    NO("SLOTSRESTORE", cmdtable_admin),
    /* unknown commands: routed by argument 1, as Codis does (keep last) */
    { "UNKNOWN", CMDTABLE_KEYS, -1, 1, 1, 1, 0, 0, NULL, NULL },
};

const size_t cmdtable_count = sizeof(cmdtable_cmds) / sizeof(cmdtable_cmds[0]);

/* Open-addressing index from name to entry; a power of two well above
 * the table's size keeps probes short. */
#define CMDTABLE_SLOTS 1024
#define CMDTABLE_NAME_MAX 32

static uint16_t cmdtable_index_slots[CMDTABLE_SLOTS]; /* entry + 1, 0 free */

/* FNV-1a over the upper-cased name. */
static uint32_t cmdtable_hash(const char *name, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 'a' && c <= 'z') {
            c = (unsigned char)(c - 'a' + 'A');
        }
        h = (h ^ c) * 16777619u;
    }
    return h;
}

void cmdtable_init(void)
{
    memset(cmdtable_index_slots, 0, sizeof(cmdtable_index_slots));
    for (size_t i = 0; i + 1 < cmdtable_count; i++) {
        const char *name = cmdtable_cmds[i].name;
        uint32_t h = cmdtable_hash(name, strlen(name)) & (CMDTABLE_SLOTS - 1);
        while (cmdtable_index_slots[h] != 0) {
            h = (h + 1) & (CMDTABLE_SLOTS - 1);
        }
        cmdtable_index_slots[h] = (uint16_t)(i + 1);
    }
}

const struct cmdtable_cmd *cmdtable_lookup(const char *name, size_t len)
{
    const struct cmdtable_cmd *unknown = &cmdtable_cmds[cmdtable_count - 1];
    if (len == 0 || len > CMDTABLE_NAME_MAX) {
        return unknown;
    }
    uint32_t h = cmdtable_hash(name, len) & (CMDTABLE_SLOTS - 1);
    while (cmdtable_index_slots[h] != 0) {
        const struct cmdtable_cmd *c =
            &cmdtable_cmds[cmdtable_index_slots[h] - 1];
        if (strncasecmp(c->name, name, len) == 0 && c->name[len] == '\0') {
            return c;
        }
        h = (h + 1) & (CMDTABLE_SLOTS - 1);
    }
    return unknown;
}

bool cmdtable_is_unknown(const struct cmdtable_cmd *cmd)
{
    return cmd == &cmdtable_cmds[cmdtable_count - 1];
}

bool cmdtable_arity_ok(const struct cmdtable_cmd *cmd, int argc)
{
    if (cmd->arity >= 0) {
        return argc == cmd->arity;
    }
    return argc >= -cmd->arity;
}

/* True if argument 'i' equals the upper-case word 'word', in any case. */
static bool cmdtable_arg_is(const char *buf, const struct resp_arg *arg,
                            const char *word)
{
    size_t n = strlen(word);
    return arg->len == n && strncasecmp(buf + arg->off, word, n) == 0;
}

int cmdtable_keys(const struct cmdtable_cmd *cmd, const char *buf,
                  const struct resp_arg *argv, int argc, int *keys)
{
    int n = 0;
    if (cmd->keyflags & CMDTABLE_KS_STREAMS) {
        for (int i = 1; i < argc; i++) {
            if (cmdtable_arg_is(buf, &argv[i], "STREAMS")) {
                int rest = argc - i - 1;
                if (rest <= 0 || rest % 2 != 0) {
                    return -1;
                }
                for (int k = 0; k < rest / 2; k++) {
                    keys[n++] = i + 1 + k;
                }
                return n;
            }
        }
        return -1;
    }
    if (cmd->keyflags & CMDTABLE_KS_STORE) {
        /* The source key, then the key after each STORE / STOREDIST
         * among the options (from argument 'numkeys' on). */
        keys[n++] = cmd->first;
        for (int i = cmd->numkeys; i + 1 < argc; i++) {
            if (cmdtable_arg_is(buf, &argv[i], "STORE") ||
                cmdtable_arg_is(buf, &argv[i], "STOREDIST")) {
                keys[n++] = ++i;
            }
        }
        return n;
    }
    if (cmd->keyflags & CMDTABLE_KS_NUMKEYS) {
        if (cmd->first > 0 && cmd->first < argc) {
            keys[n++] = cmd->first;
        }
        if (cmd->numkeys >= argc) {
            return -1;
        }
        long long count;
        const struct resp_arg *a = &argv[cmd->numkeys];
        if (resp_parse_ll(buf + a->off, a->len, &count) != 0 || count < 0 ||
            count > argc - cmd->numkeys - 1) {
            return -1;
        }
        for (int k = 0; k < count; k++) {
            keys[n++] = cmd->numkeys + 1 + k;
        }
        return n;
    }
    if (cmd->first <= 0 || cmd->first >= argc) {
        return 0;
    }
    int last = cmd->last < 0 ? argc + cmd->last : cmd->last;
    if (last >= argc) {
        last = argc - 1;
    }
    for (int i = cmd->first; i <= last; i += cmd->step) {
        keys[n++] = i;
    }
    return n;
}
