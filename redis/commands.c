/* The server's half of the command table: which handler runs each command
 * (the facts about a command, its arity, flags and keys, are in
 * lib/cmdspec.c), joined to lib/cmdspec by name at start; the lookup by
 * name; per-command statistics; and the COMMAND command (COUNT, LIST,
 * INFO, DOCS, GETKEYS), which reports lib/cmdspec. The dispatcher checks
 * arity and flags from there once, so handlers never do.
 *
 * To add a command: see the top of lib/cmdspec.c; here, declare cmd_<name>
 * in its file's section below and add { "name", cmd_name } to the list. */
#include <stdio.h>
#include <string.h>

#include "lib/cmdspec.h"
#include "lib/mem.h"
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
void cmd_copy(struct client *c);
void cmd_swapdb(struct client *c);
/* t_string_lcs.c */
void cmd_lcs(struct client *c);
/* t_stream.c, t_stream_group.c */
void cmd_xadd(struct client *c);
void cmd_xrange(struct client *c);
void cmd_xrevrange(struct client *c);
void cmd_xlen(struct client *c);
void cmd_xdel(struct client *c);
void cmd_xtrim(struct client *c);
void cmd_xsetid(struct client *c);
void cmd_xread(struct client *c);
void cmd_xreadgroup(struct client *c);
void cmd_xgroup(struct client *c);
void cmd_xack(struct client *c);
void cmd_xpending(struct client *c);
void cmd_xclaim(struct client *c);
void cmd_xautoclaim(struct client *c);
void cmd_xinfo(struct client *c);
void cmd_keys(struct client *c);
void cmd_slowlog(struct client *c);  /* slowlog.c */
void cmd_latency(struct client *c);  /* latency.c */
void cmd_monitor(struct client *c);  /* monitor.c */
void cmd_scan(struct client *c);
void cmd_randomkey(struct client *c);
void cmd_dbsize(struct client *c);
void cmd_flushdb(struct client *c);
void cmd_flushall(struct client *c);
void cmd_object(struct client *c);
/* object.c */
void cmd_memory(struct client *c);
void cmd_migrate(struct client *c); /* migrate.c */
void cmd_lolwut(struct client *c);  /* lolwut.c */
void cmd_failover(struct client *c); /* failover.c */
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
/* script.c, function.c */
void cmd_eval(struct client *c);
void cmd_evalsha(struct client *c);
void cmd_eval_ro(struct client *c);
void cmd_evalsha_ro(struct client *c);
void cmd_script(struct client *c);
void cmd_function(struct client *c);
void cmd_fcall(struct client *c);
void cmd_fcall_ro(struct client *c);

/* Every handler, by command name (any order; aliases share a handler). */
static const struct {
    const char *name;
    command_proc proc;
} commands_procs[] = {
    { "ping", cmd_ping }, { "echo", cmd_echo }, { "quit", cmd_quit },
    { "auth", cmd_auth }, { "hello", cmd_hello }, { "select", cmd_select },
    { "reset", cmd_reset }, { "client", cmd_client }, { "info", cmd_info },
    { "acl", cmd_acl }, { "config", cmd_config }, { "command", cmd_command }, { "time", cmd_time },
    { "debug", cmd_debug }, { "shutdown", cmd_shutdown }, { "save", cmd_save },
    { "bgsave", cmd_bgsave }, { "lastsave", cmd_lastsave },
    { "dbsize", cmd_dbsize }, { "flushdb", cmd_flushdb },
    { "flushall", cmd_flushall }, { "del", cmd_del }, { "unlink", cmd_del },
    { "exists", cmd_exists }, { "touch", cmd_touch }, { "type", cmd_type },
    { "rename", cmd_rename }, { "renamenx", cmd_renamenx },
    { "move", cmd_move }, { "dump", cmd_dump }, { "restore", cmd_restore },
    { "copy", cmd_copy }, { "swapdb", cmd_swapdb }, { "lcs", cmd_lcs },
    { "xadd", cmd_xadd }, { "xrange", cmd_xrange },
    { "xrevrange", cmd_xrevrange }, { "xlen", cmd_xlen }, { "xdel", cmd_xdel },
    { "xtrim", cmd_xtrim }, { "xsetid", cmd_xsetid }, { "xread", cmd_xread },
    { "xreadgroup", cmd_xreadgroup }, { "xgroup", cmd_xgroup },
    { "xack", cmd_xack }, { "xpending", cmd_xpending },
    { "xclaim", cmd_xclaim }, { "xautoclaim", cmd_xautoclaim },
    { "xinfo", cmd_xinfo },
    { "keys", cmd_keys }, { "scan", cmd_scan }, { "randomkey", cmd_randomkey },
    { "slowlog", cmd_slowlog }, { "latency", cmd_latency },
    { "monitor", cmd_monitor },
    { "object", cmd_object }, { "memory", cmd_memory },
    { "migrate", cmd_migrate }, { "lolwut", cmd_lolwut },
    { "failover", cmd_failover }, { "expire", cmd_expire },
    { "pexpire", cmd_pexpire }, { "expireat", cmd_expireat },
    { "pexpireat", cmd_pexpireat }, { "ttl", cmd_ttl }, { "pttl", cmd_pttl },
    { "expiretime", cmd_expiretime }, { "pexpiretime", cmd_pexpiretime },
    { "persist", cmd_persist }, { "get", cmd_get }, { "set", cmd_set },
    { "setnx", cmd_setnx }, { "setex", cmd_setex }, { "psetex", cmd_psetex },
    { "getset", cmd_getset }, { "getdel", cmd_getdel }, { "getex", cmd_getex },
    { "mget", cmd_mget }, { "mset", cmd_mset }, { "msetnx", cmd_msetnx },
    { "append", cmd_append }, { "strlen", cmd_strlen }, { "incr", cmd_incr },
    { "decr", cmd_decr }, { "incrby", cmd_incrby }, { "decrby", cmd_decrby },
    { "incrbyfloat", cmd_incrbyfloat }, { "getrange", cmd_getrange },
    { "substr", cmd_getrange }, { "setrange", cmd_setrange },
    { "setbit", cmd_setbit }, { "getbit", cmd_getbit },
    { "bitcount", cmd_bitcount }, { "bitpos", cmd_bitpos },
    { "replconf", cmd_replconf }, { "psync", cmd_psync }, { "sync", cmd_sync },
    { "replicaof", cmd_replicaof }, { "slaveof", cmd_replicaof },
    { "role", cmd_role }, { "wait", cmd_wait },
    { "bgrewriteaof", cmd_bgrewriteaof }, { "lpush", cmd_lpush },
    { "rpush", cmd_rpush }, { "lpushx", cmd_lpushx }, { "rpushx", cmd_rpushx },
    { "lpop", cmd_lpop }, { "rpop", cmd_rpop }, { "llen", cmd_llen },
    { "lrange", cmd_lrange }, { "lindex", cmd_lindex }, { "lset", cmd_lset },
    { "linsert", cmd_linsert }, { "lrem", cmd_lrem }, { "ltrim", cmd_ltrim },
    { "lpos", cmd_lpos }, { "rpoplpush", cmd_rpoplpush },
    { "lmove", cmd_lmove }, { "blpop", cmd_blpop }, { "brpop", cmd_brpop },
    { "brpoplpush", cmd_brpoplpush }, { "blmove", cmd_blmove },
    { "lmpop", cmd_lmpop }, { "blmpop", cmd_blmpop }, { "hset", cmd_hset },
    { "hsetnx", cmd_hsetnx }, { "hmset", cmd_hmset }, { "hget", cmd_hget },
    { "hmget", cmd_hmget }, { "hdel", cmd_hdel }, { "hlen", cmd_hlen },
    { "hstrlen", cmd_hstrlen }, { "hexists", cmd_hexists },
    { "hkeys", cmd_hkeys }, { "hvals", cmd_hvals }, { "hgetall", cmd_hgetall },
    { "hincrby", cmd_hincrby }, { "hincrbyfloat", cmd_hincrbyfloat },
    { "hrandfield", cmd_hrandfield }, { "hscan", cmd_hscan },
    { "sadd", cmd_sadd }, { "srem", cmd_srem }, { "smembers", cmd_smembers },
    { "sismember", cmd_sismember }, { "smismember", cmd_smismember },
    { "scard", cmd_scard }, { "spop", cmd_spop },
    { "srandmember", cmd_srandmember }, { "smove", cmd_smove },
    { "sinter", cmd_sinter }, { "sinterstore", cmd_sinterstore },
    { "sunion", cmd_sunion }, { "sunionstore", cmd_sunionstore },
    { "sdiff", cmd_sdiff }, { "sdiffstore", cmd_sdiffstore },
    { "sintercard", cmd_sintercard }, { "sscan", cmd_sscan },
    { "zadd", cmd_zadd }, { "zincrby", cmd_zincrby }, { "zrem", cmd_zrem },
    { "zcard", cmd_zcard }, { "zscore", cmd_zscore },
    { "zmscore", cmd_zmscore }, { "zrank", cmd_zrank },
    { "zrevrank", cmd_zrevrank }, { "zcount", cmd_zcount },
    { "zlexcount", cmd_zlexcount }, { "zrange", cmd_zrange },
    { "zrevrange", cmd_zrevrange }, { "zrangebyscore", cmd_zrangebyscore },
    { "zrevrangebyscore", cmd_zrevrangebyscore },
    { "zrangebylex", cmd_zrangebylex },
    { "zrevrangebylex", cmd_zrevrangebylex },
    { "zremrangebyrank", cmd_zremrangebyrank },
    { "zremrangebyscore", cmd_zremrangebyscore },
    { "zremrangebylex", cmd_zremrangebylex }, { "zpopmin", cmd_zpopmin },
    { "zpopmax", cmd_zpopmax }, { "zunionstore", cmd_zunionstore },
    { "zinterstore", cmd_zinterstore }, { "zrandmember", cmd_zrandmember },
    { "zscan", cmd_zscan }, { "bzpopmin", cmd_bzpopmin },
    { "bzpopmax", cmd_bzpopmax }, { "zmpop", cmd_zmpop },
    { "bzmpop", cmd_bzmpop }, { "zunion", cmd_zunion },
    { "zinter", cmd_zinter }, { "zdiff", cmd_zdiff },
    { "zdiffstore", cmd_zdiffstore }, { "zintercard", cmd_zintercard },
    { "zrangestore", cmd_zrangestore }, { "sort", cmd_sort },
    { "sort_ro", cmd_sort_ro }, { "subscribe", cmd_subscribe },
    { "unsubscribe", cmd_unsubscribe }, { "psubscribe", cmd_psubscribe },
    { "punsubscribe", cmd_punsubscribe }, { "publish", cmd_publish },
    { "pubsub", cmd_pubsub }, { "multi", cmd_multi }, { "exec", cmd_exec },
    { "discard", cmd_discard }, { "watch", cmd_watch },
    { "unwatch", cmd_unwatch }, { "slotshashkey", cmd_slotshashkey },
    { "slotsinfo", cmd_slotsinfo }, { "slotsdel", cmd_slotsdel },
    { "slotsscan", cmd_slotsscan }, { "slotscheck", cmd_slotscheck },
    { "slotsmgrtslot", cmd_slotsmgrtslot },
    { "slotsmgrttagslot", cmd_slotsmgrttagslot },
    { "slotsmgrtone", cmd_slotsmgrtone },
    { "slotsmgrttagone", cmd_slotsmgrttagone },
    { "slotsrestore", cmd_slotsrestore },
    { "slotsmgrtslot-async", cmd_slotsmgrtslot_async },
    { "slotsmgrttagslot-async", cmd_slotsmgrttagslot_async },
    { "slotsmgrtone-async", cmd_slotsmgrtone_async },
    { "slotsmgrttagone-async", cmd_slotsmgrttagone_async },
    { "slotsmgrt-async-fence", cmd_slotsmgrt_async_fence },
    { "slotsmgrt-async-cancel", cmd_slotsmgrt_async_cancel },
    { "slotsmgrt-async-status", cmd_slotsmgrt_async_status },
    { "slotsrestore-async", cmd_slotsrestore_async },
    { "slotsmgrt-exec-wrapper", cmd_slotsmgrt_exec_wrapper },
    { "slotsmgrtone-async-dump", cmd_slotsmgrtone_async_dump },
    { "slotsmgrttagone-async-dump", cmd_slotsmgrttagone_async_dump },
    { "eval", cmd_eval }, { "evalsha", cmd_evalsha },
    { "eval_ro", cmd_eval_ro }, { "evalsha_ro", cmd_evalsha_ro },
    { "script", cmd_script }, { "function", cmd_function },
    { "fcall", cmd_fcall }, { "fcall_ro", cmd_fcall_ro },
    { "bitop", cmd_bitop }, { "bitfield", cmd_bitfield },
    { "bitfield_ro", cmd_bitfield_ro }, { "pfadd", cmd_pfadd },
    { "pfcount", cmd_pfcount }, { "pfmerge", cmd_pfmerge },
    { "pfdebug", cmd_pfdebug }, { "pfselftest", cmd_pfselftest },
    { "geoadd", cmd_geoadd }, { "geodist", cmd_geodist },
    { "geohash", cmd_geohash }, { "geopos", cmd_geopos },
    { "georadius", cmd_georadius }, { "georadius_ro", cmd_georadius_ro },
    { "georadiusbymember", cmd_georadiusbymember },
    { "georadiusbymember_ro", cmd_georadiusbymember_ro },
    { "geosearch", cmd_geosearch }, { "geosearchstore", cmd_geosearchstore },
};

/* One entry per lib/cmdspec row (same index): its handler, NULL for the
 * commands this server does not serve. */
static struct command *commands;
static struct command_stats *commands_stat;
/* One per lib/cmdspec subcommand row (same index). */
static struct command_stats *commands_substat;
/* Where calls of unknown subcommands count: never shown. */
static struct command_stats commands_unknown_sub;

int commands_init(char *err, size_t errlen)
{
    cmdspec_init();
    if (commands == NULL) {
        commands = mem_calloc(cmdspec_count, sizeof(*commands));
        commands_stat = mem_calloc(cmdspec_count, sizeof(*commands_stat));
        commands_substat = mem_calloc(cmdspec_subcount + 1,
                                      sizeof(*commands_substat));
    }
    for (size_t i = 0; i < cmdspec_count; i++) {
        commands[i].spec = &cmdspec_table[i];
        commands[i].proc = NULL;
    }
    size_t nprocs = sizeof(commands_procs) / sizeof(commands_procs[0]);
    for (size_t i = 0; i < nprocs; i++) {
        const char *name = commands_procs[i].name;
        const struct cmdspec *spec = cmdspec_lookup(name, strlen(name));
        if (spec == NULL || (spec->flags & CMDSPEC_NOT_SERVED) ||
            strcmp(spec->name, name) != 0) {
            snprintf(err, errlen, "command '%s' has a handler but %s", name,
                     spec == NULL ? "no lib/cmdspec row"
                                  : "its row says NOT_SERVED");
            return -1;
        }
        struct command *cmd = &commands[cmdspec_index(spec)];
        if (cmd->proc != NULL) {
            snprintf(err, errlen, "command '%s' has two handlers", name);
            return -1;
        }
        cmd->proc = commands_procs[i].proc;
    }
    for (size_t i = 0; i < cmdspec_count; i++) {
        if (commands[i].proc == NULL &&
            !(cmdspec_table[i].flags & CMDSPEC_NOT_SERVED)) {
            snprintf(err, errlen, "command '%s' has no handler but its row "
                     "does not say NOT_SERVED", cmdspec_table[i].name);
            return -1;
        }
    }
    return 0;
}

void commands_release(void)
{
    mem_free(commands);
    mem_free(commands_stat);
    mem_free(commands_substat);
    commands = NULL;
    commands_stat = NULL;
    commands_substat = NULL;
}

const struct command *commands_lookup(const char *name, size_t len)
{
    const struct cmdspec *spec = cmdspec_lookup(name, len);
    if (spec == NULL) {
        return NULL;
    }
    const struct command *cmd = &commands[cmdspec_index(spec)];
    return cmd->proc != NULL ? cmd : NULL;
}

const struct command *commands_table(size_t *count)
{
    *count = cmdspec_count;
    return commands;
}

struct command_stats *commands_stats(const struct command *cmd)
{
    return &commands_stat[cmd - commands];
}

struct command_stats *commands_stats_call(const struct command *cmd,
                                          int argc, const struct arg *argv)
{
    size_t n;
    if (argc < 2 || cmdspec_subcommands(cmd->spec, &n) == NULL) {
        return commands_stats(cmd);
    }
    const struct cmdspec *sub = cmdspec_lookup_sub(cmd->spec, argv[1].ptr,
                                                   argv[1].len);
    if (sub == NULL) {
        return &commands_unknown_sub;
    }
    return &commands_substat[sub - cmdspec_subtable];
}

struct command_stats *commands_substats(size_t i)
{
    return &commands_substat[i];
}

void commands_reset_stats(void)
{
    memset(commands_stat, 0, cmdspec_count * sizeof(*commands_stat));
    memset(commands_substat, 0, cmdspec_subcount * sizeof(*commands_substat));
}

/* ------------------------------------------------------------------------
 * COMMAND */

/* True if this server serves 'spec', a command or a subcommand row. */
static bool commands_served_row(const struct cmdspec *spec)
{
    const char *bar = strchr(spec->name, '|');
    if (bar == NULL) {
        return commands[cmdspec_index(spec)].proc != NULL;
    }
    const struct cmdspec *parent =
        cmdspec_lookup(spec->name, (size_t)(bar - spec->name));
    return parent != NULL && commands[cmdspec_index(parent)].proc != NULL &&
           !(spec->flags & CMDSPEC_NOT_SERVED);
}

/* The served subcommands of 'spec', for COMMAND INFO and DOCS: their
 * rows start at '*first' and there are '*n'; returns how many served. */
static long long commands_served_subs(const struct cmdspec *spec,
                                      const struct cmdspec **first,
                                      size_t *n)
{
    *first = cmdspec_subcommands(spec, n);
    long long served = 0;
    for (size_t i = 0; i < *n; i++) {
        served += commands_served_row(&(*first)[i]);
    }
    return served;
}

/* The command or subcommand a user names ("get", "config|get"), if we
 * serve it; NULL otherwise. */
static const struct cmdspec *commands_find_served(const struct arg *a)
{
    const struct cmdspec *spec = cmdspec_lookup_full(a->ptr, a->len);
    return spec != NULL && commands_served_row(spec) ? spec : NULL;
}

/* An array of simple strings: the space-separated words of the 'len'
 * bytes at 'text'. */
static void commands_reply_words(struct client *c, const char *text,
                                 size_t len)
{
    long long n = 0;
    for (size_t i = 0; i < len; i++) {
        n += text[i] != ' ' && (i == 0 || text[i - 1] == ' ');
    }
    reply_array(c, n);
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != ' ') {
            end++;
        }
        if (end > i) {
            char word[64];
            snprintf(word, sizeof(word), "%.*s", (int)(end - i), text + i);
            reply_simple(c, word);
        }
        i = end + 1;
    }
}

/* One COMMAND INFO entry, subcommands nested. Flags are Redis's words
 * where Redis has the command; a container command (CONFIG, OBJECT ...)
 * shows no key positions, its subcommands do. */
static void commands_reply_info(struct client *c, const struct cmdspec *spec)
{
    const struct cmdspec *subs;
    size_t nsubs;
    long long served = commands_served_subs(spec, &subs, &nsubs);
    reply_array(c, 10);
    reply_bulk_str(c, spec->name);
    reply_integer(c, spec->arity);
    const char *words = cmdspec_info_flags(spec);
    if (words != NULL) {
        commands_reply_words(c, words, strlen(words));
    } else {
        const char *flags[CMDSPEC_MAX_FLAG_NAMES];
        size_t nflags = cmdspec_flag_names(spec, flags);
        reply_array(c, (long long)nflags);
        for (size_t i = 0; i < nflags; i++) {
            reply_simple(c, flags[i]);
        }
    }
    reply_integer(c, nsubs > 0 ? 0 : spec->first);
    reply_integer(c, nsubs > 0 ? 0 : spec->last);
    reply_integer(c, nsubs > 0 ? 0 : spec->step);
    uint32_t cats = cmdspec_acl_categories(spec);
    reply_array(c, __builtin_popcount(cats));
    for (int bit = 0; bit < CMDSPEC_ACL_COUNT; bit++) {
        if (cats & (1u << bit)) {
            char name[32];
            snprintf(name, sizeof(name), "@%s", cmdspec_acl_name(bit));
            reply_simple(c, name);
        }
    }
    reply_array(c, 0); /* tips */
    reply_array(c, 0); /* key specs */
    reply_array(c, served);
    for (size_t i = 0; i < nsubs; i++) {
        if (commands_served_row(&subs[i])) {
            commands_reply_info(c, &subs[i]);
        }
    }
}

/* One COMMAND DOCS entry: name, then its field/value map (summary, group
 * and, for a container, its subcommands' entries). */
static void commands_reply_docs(struct client *c, const struct cmdspec *spec)
{
    const struct cmdspec *subs;
    size_t nsubs;
    long long served = commands_served_subs(spec, &subs, &nsubs);
    reply_bulk_str(c, spec->name);
    reply_array(c, served > 0 ? 6 : 4);
    reply_bulk_str(c, "summary");
    reply_bulk_str(c, spec->summary);
    reply_bulk_str(c, "group");
    reply_bulk_str(c, spec->group);
    if (served > 0) {
        reply_bulk_str(c, "subcommands");
        reply_array(c, served * 2);
        for (size_t i = 0; i < nsubs; i++) {
            if (commands_served_row(&subs[i])) {
                commands_reply_docs(c, &subs[i]);
            }
        }
    }
}

/* The number of (top-level) commands this server serves. */
static long long commands_served(void)
{
    long long n = 0;
    for (size_t i = 0; i < cmdspec_count; i++) {
        n += commands[i].proc != NULL;
    }
    return n;
}

/* Argument 'i' of a struct arg array, for cmdspec_keys. */
static const char *commands_arg(const void *argv, int i, size_t *len)
{
    const struct arg *a = (const struct arg *)argv + i;
    *len = a->len;
    return a->ptr;
}

/* The key flags of a command whose key spec says "variable_flags": what
 * this request does to its key (SET with or without GET; BITFIELD with or
 * without a write). */
static const char *commands_variable_key_flags(const struct cmdspec *spec,
                                               const struct arg *argv,
                                               int argc)
{
    bool set = strcmp(spec->name, "set") == 0;
    for (int i = set ? 3 : 2; i < argc; i++) {
        if (set ? arg_is(&argv[i], "get")
                : arg_is(&argv[i], "set") || arg_is(&argv[i], "incrby")) {
            return "RW access update";
        }
    }
    return set ? "OW update" : "RO access";
}

/* COMMAND GETKEYS|GETKEYSANDFLAGS command [arg ...]: the keys of that
 * command (with their key-spec flags), found as the dispatcher and the
 * proxy find them. */
static void commands_getkeys(struct client *c, bool with_flags)
{
    const struct command *cmd = commands_lookup(c->argv[2].ptr,
                                                c->argv[2].len);
    if (cmd == NULL) {
        reply_error(c, "Invalid command specified");
        return;
    }
    const struct cmdspec *spec = cmd->spec;
    size_t nsubs;
    cmdspec_subcommands(spec, &nsubs);
    if (nsubs > 0 && c->argc > 3) {
        spec = cmdspec_lookup_sub(spec, c->argv[3].ptr, c->argv[3].len);
        if (spec == NULL || !commands_served_row(spec)) {
            reply_error(c, "Invalid command specified");
            return;
        }
    }
    int argc = c->argc - 2;
    if (!cmdspec_arity_ok(spec, argc)) {
        reply_error(c, "Invalid number of arguments specified for command");
        return;
    }
    if (!cmdspec_has_keys(spec)) {
        reply_error(c, "The command has no key arguments");
        return;
    }
    int *keys = mem_alloc((size_t)argc * sizeof(*keys));
    int n = cmdspec_keys(spec, argc, commands_arg, c->argv + 2, keys);
    if (n < 0 && (spec->flags & CMDSPEC_NO_MANDATORY_KEYS)) {
        n = 0;
    } else if (n <= 0 && !(spec->flags & CMDSPEC_NO_MANDATORY_KEYS)) {
        reply_error(c, "Invalid arguments specified for command");
        mem_free(keys);
        return;
    }
    reply_array(c, n);
    for (int i = 0; i < n; i++) {
        const struct arg *k = &c->argv[2 + keys[i]];
        if (!with_flags) {
            reply_bulk(c, k->ptr, k->len);
            continue;
        }
        reply_array(c, 2);
        reply_bulk(c, k->ptr, k->len);
        const char *flags;
        size_t len = cmdspec_key_flags(spec, i, &flags);
        if (memmem(flags, len, "variable_flags", 14) != NULL) {
            flags = commands_variable_key_flags(spec, c->argv + 2, argc);
            len = strlen(flags);
        }
        commands_reply_words(c, flags, len);
    }
    mem_free(keys);
}

/* What COMMAND LIST FILTERBY asks: one filter, or none. */
struct commands_filter {
    enum { FILTER_NONE, FILTER_MODULE, FILTER_ACLCAT, FILTER_PATTERN } kind;
    uint32_t category; /* FILTER_ACLCAT: its bit; 0 if unknown */
    const struct arg *pattern;
};

/* True if 'spec' passes 'f'. */
static bool commands_filter_pass(const struct commands_filter *f,
                                 const struct cmdspec *spec)
{
    switch (f->kind) {
    case FILTER_NONE:
        return true;
    case FILTER_MODULE:
        return false; /* no modules here */
    case FILTER_ACLCAT:
        return (cmdspec_acl_categories(spec) & f->category) != 0;
    case FILTER_PATTERN:
        return util_glob_match(f->pattern->ptr, f->pattern->len, spec->name,
                               strlen(spec->name), true);
    }
    return false;
}

/* COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]:
 * every served command and subcommand name that passes the filter. */
static void commands_list(struct client *c)
{
    struct commands_filter f = { FILTER_NONE, 0, NULL };
    if (c->argc == 5 && arg_is(&c->argv[2], "filterby")) {
        const struct arg *v = &c->argv[4];
        if (arg_is(&c->argv[3], "module")) {
            f.kind = FILTER_MODULE;
        } else if (arg_is(&c->argv[3], "aclcat")) {
            f.kind = FILTER_ACLCAT;
            int bit = cmdspec_acl_bit(v->ptr, v->len);
            f.category = bit >= 0 ? 1u << bit : 0;
        } else if (arg_is(&c->argv[3], "pattern")) {
            f.kind = FILTER_PATTERN;
            f.pattern = v;
        } else {
            reply_syntax_error(c);
            return;
        }
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (size_t i = 0; i < cmdspec_count; i++) {
        const struct cmdspec *spec = &cmdspec_table[i];
        if (commands[i].proc == NULL) {
            continue;
        }
        if (commands_filter_pass(&f, spec)) {
            reply_bulk_str(c, spec->name);
            n++;
        }
        const struct cmdspec *subs;
        size_t nsubs;
        commands_served_subs(spec, &subs, &nsubs);
        for (size_t k = 0; k < nsubs; k++) {
            if (commands_served_row(&subs[k]) &&
                commands_filter_pass(&f, &subs[k])) {
                reply_bulk_str(c, subs[k].name);
                n++;
            }
        }
    }
    reply_set_array_len(c, handle, n);
}

const struct cmdspec *commands_subcommand_or_reply(struct client *c)
{
    const struct cmdspec *parent = c->cmd->spec;
    const struct cmdspec *sub =
        cmdspec_lookup_sub(parent, c->argv[1].ptr, c->argv[1].len);
    if (sub == NULL || (sub->flags & CMDSPEC_NOT_SERVED)) {
        char upper[32];
        size_t i = 0;
        for (; parent->name[i] != '\0' && i + 1 < sizeof(upper); i++) {
            char ch = parent->name[i];
            upper[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
        }
        upper[i] = '\0';
        reply_error(c, "unknown subcommand '%.128s'. Try %s HELP.",
                    c->argv[1].ptr, upper);
        return NULL;
    }
    if (!cmdspec_arity_ok(sub, c->argc)) {
        reply_error(c, "wrong number of arguments for '%s' command",
                    sub->name);
        return NULL;
    }
    return sub;
}

/* COMMAND [COUNT | LIST | INFO name... | DOCS [name...] | GETKEYS cmd ... |
 * GETKEYSANDFLAGS cmd ... | HELP] */
void cmd_command(struct client *c)
{
    if (c->argc > 1 && commands_subcommand_or_reply(c) == NULL) {
        return;
    }
    if (c->argc == 1 || (arg_is(&c->argv[1], "info") && c->argc == 2)) {
        reply_array(c, commands_served());
        for (size_t i = 0; i < cmdspec_count; i++) {
            if (commands[i].proc != NULL) {
                commands_reply_info(c, commands[i].spec);
            }
        }
    } else if (arg_is(&c->argv[1], "count")) {
        reply_integer(c, commands_served());
    } else if (arg_is(&c->argv[1], "list")) {
        commands_list(c);
    } else if (arg_is(&c->argv[1], "info")) {
        reply_array(c, c->argc - 2);
        for (int i = 2; i < c->argc; i++) {
            const struct cmdspec *spec = commands_find_served(&c->argv[i]);
            if (spec != NULL) {
                commands_reply_info(c, spec);
            } else {
                reply_null_array(c);
            }
        }
    } else if (arg_is(&c->argv[1], "docs")) {
        if (c->argc == 2) {
            reply_array(c, commands_served() * 2);
            for (size_t i = 0; i < cmdspec_count; i++) {
                if (commands[i].proc != NULL) {
                    commands_reply_docs(c, commands[i].spec);
                }
            }
            return;
        }
        size_t handle = reply_defer_len(c);
        long long n = 0;
        for (int i = 2; i < c->argc; i++) {
            const struct cmdspec *spec = commands_find_served(&c->argv[i]);
            if (spec != NULL) {
                commands_reply_docs(c, spec);
                n += 2;
            }
        }
        reply_set_array_len(c, handle, n);
    } else if (arg_is(&c->argv[1], "getkeys")) {
        commands_getkeys(c, false);
    } else if (arg_is(&c->argv[1], "getkeysandflags")) {
        commands_getkeys(c, true);
    } else if (arg_is(&c->argv[1], "help")) {
        reply_array(c, 9);
        reply_simple(c, "COMMAND <subcommand> [<arg> [value] [opt] ...]. "
                        "Subcommands are:");
        reply_simple(c, "(no subcommand)");
        reply_simple(c, "COUNT");
        reply_simple(c, "DOCS [<command-name> ...]");
        reply_simple(c, "GETKEYS <full-command>");
        reply_simple(c, "GETKEYSANDFLAGS <full-command>");
        reply_simple(c, "INFO [<command-name> ...]");
        reply_simple(c, "LIST [FILTERBY (MODULE <module-name>|ACLCAT "
                        "<category>|PATTERN <pattern>)]");
        reply_simple(c, "HELP");
    } else {
        reply_error(c, "unknown subcommand or wrong number of arguments for "
                       "'%.128s'. Try COMMAND HELP.", c->argv[1].ptr);
    }
}
