/* INFO: a table of sections {name, writer, shown by default}; each writer
 * appends "field:value" lines with Redis's field names, so tools that
 * parse Redis's INFO (redis-cli, the dashboard, codis-ha) read ours. A new
 * subsystem (persistence, replication ...) adds or replaces its row. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/mem.h"
#include "redis/aof.h"
#include "redis/evict.h"
#include "redis/child.h"
#include "redis/rdb.h"
#include "redis/replication.h"
#include "redis/script.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/slowlog.h"

/* Error replies by code (INFO errorstats), in the order first seen; as
 * Redis, at most 128 codes are told apart. */
#define INFO_ERROR_CODES 128
static struct {
    char code[32];
    long long count;
} info_errors[INFO_ERROR_CODES];
static size_t info_error_count;

void info_count_error(const struct client *c, const char *text)
{
    if (c->flags & (CLIENT_MASTER | CLIENT_LOADER)) {
        server.stat_unexpected_error_replies++;
    }
    const char *body;
    const char *prefix = resp_error_prefix(text, &body);
    size_t len = 3;
    if (strcmp(prefix, "-ERR ") == 0) {
        body = "ERR";
    } else {
        len = strcspn(body, " \r\n");
    }
    if (len >= sizeof(info_errors[0].code)) {
        len = sizeof(info_errors[0].code) - 1;
    }
    for (size_t i = 0; i < info_error_count; i++) {
        if (strlen(info_errors[i].code) == len &&
            memcmp(info_errors[i].code, body, len) == 0) {
            info_errors[i].count++;
            return;
        }
    }
    if (info_error_count == INFO_ERROR_CODES) {
        return;
    }
    memcpy(info_errors[info_error_count].code, body, len);
    info_errors[info_error_count].code[len] = '\0';
    info_errors[info_error_count++].count = 1;
}

void info_reset_errors(void)
{
    info_error_count = 0;
    server.stat_net_repl_input_bytes = 0;
    server.stat_net_repl_output_bytes = 0;
    server.stat_total_reads = 0;
    server.stat_total_writes = 0;
    server.stat_reply_buffer_expands = 0;
    server.stat_reply_buffer_shrinks = 0;
    server.stat_dump_payload_sanitizations = 0;
    commands_reset_stats();
}

static char *info_errorstats(char *s)
{
    for (size_t i = 0; i < info_error_count; i++) {
        s = sds_catfmt(s, "errorstat_%s:count=%lld\r\n", info_errors[i].code,
                       info_errors[i].count);
    }
    return s;
}

/* Network throughput, sampled every 100 ms by the cron as
 * instantaneous_ops_per_sec is: bytes per second over the last sample. */
enum { INFO_NET_IN, INFO_NET_OUT, INFO_NET_REPL_IN, INFO_NET_REPL_OUT,
       INFO_NET_COUNTERS };

static struct {
    long long time_ms;
    long long last[INFO_NET_COUNTERS]; /* counters at the last sample */
    double kbps[INFO_NET_COUNTERS];    /* over the last interval */
} info_net;

void info_cron(void)
{
    long long elapsed = server.mstime - info_net.time_ms;
    if (elapsed < 100) {
        return;
    }
    const long long now[INFO_NET_COUNTERS] = {
        server.stat_net_input_bytes, server.stat_net_output_bytes,
        server.stat_net_repl_input_bytes, server.stat_net_repl_output_bytes,
    };
    for (int i = 0; i < INFO_NET_COUNTERS; i++) {
        /* a counter below its last sample was zeroed (CONFIG RESETSTAT):
         * nothing is known of this interval, so it counts as idle */
        if (info_net.time_ms > 0) {
            long long delta = now[i] >= info_net.last[i]
                              ? now[i] - info_net.last[i] : 0;
            info_net.kbps[i] = (double)delta * 1000 / (double)elapsed / 1024;
        }
        info_net.last[i] = now[i];
    }
    info_net.time_ms = server.mstime;
}

/* Bytes as Redis prints them for humans: 1.50K, 2.00M ... */
static void info_human(char *buf, size_t len, long long bytes)
{
    static const char *units = "BKMGTP";
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    if (u == 0) {
        snprintf(buf, len, "%lldB", bytes);
    } else {
        snprintf(buf, len, "%.2f%c", v, units[u]);
    }
}

static char *info_server(char *s)
{
    struct utsname un;
    if (uname(&un) != 0) {
        memset(&un, 0, sizeof(un));
    }
    long long uptime = (server.mstime - server.start_time) / 1000;
    s = sds_catfmt(s, "redis_version:%s\r\n", SERVER_VERSION);
    s = sds_catfmt(s, "redis_git_sha1:00000000\r\nredis_git_dirty:0\r\n");
    /* A build id: a hash of the version and the build time. */
    const char *build = SERVER_VERSION " " __DATE__ " " __TIME__;
    uint64_t id = 1469598103934665603ULL;
    for (const char *p = build; *p != '\0'; p++) {
        id = (id ^ (unsigned char)*p) * 1099511628211ULL;
    }
    s = sds_catfmt(s, "redis_build_id:%016llx\r\n", (unsigned long long)id);
    s = sds_catfmt(s, "redis_mode:standalone\r\n");
    s = sds_catfmt(s, "codis_server:yes\r\n");
    s = sds_catfmt(s, "os:%s %s %s\r\n", un.sysname, un.release, un.machine);
    s = sds_catfmt(s, "arch_bits:%d\r\n", (int)(sizeof(void *) * 8));
    s = sds_catfmt(s, "monotonic_clock:POSIX clock_gettime\r\n");
    s = sds_catfmt(s, "multiplexing_api:%s\r\n",
                   event_base_get_method(server.base));
    s = sds_catfmt(s, "atomicvar_api:c11-builtin\r\n");
    s = sds_catfmt(s, "gcc_version:%d.%d.%d\r\n", __GNUC__, __GNUC_MINOR__,
                   __GNUC_PATCHLEVEL__);
    s = sds_catfmt(s, "process_id:%d\r\n", (int)server.pid);
    s = sds_catfmt(s, "process_supervised:no\r\n");
    s = sds_catfmt(s, "run_id:%s\r\n", server.run_id);
    s = sds_catfmt(s, "tcp_port:%d\r\n", server.port);
    s = sds_catfmt(s, "server_time_usec:%lld\r\n", server_ustime());
    s = sds_catfmt(s, "uptime_in_seconds:%lld\r\n", uptime);
    s = sds_catfmt(s, "uptime_in_days:%lld\r\n", uptime / 86400);
    s = sds_catfmt(s, "hz:%d\r\nconfigured_hz:%d\r\n", server.hz, server.hz);
    s = sds_catfmt(s, "lru_clock:%u\r\n", (unsigned)server_lru_clock());
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    s = sds_catfmt(s, "executable:%s\r\n", exe);
    s = sds_catfmt(s, "config_file:%s\r\n",
                   server.config_file != NULL ? server.config_file : "");
    /* One thread does all I/O here. */
    s = sds_catfmt(s, "io_threads_active:0\r\n");
    return s;
}

static char *info_clients(char *s)
{
    s = sds_catfmt(s, "connected_clients:%zu\r\n", server.client_count);
    s = sds_catfmt(s, "cluster_connections:0\r\n");
    s = sds_catfmt(s, "maxclients:%d\r\n", server.maxclients);
    size_t in = 0, out = 0;
    for (const struct client *c = server.clients; c != NULL; c = c->next) {
        in = c->qcap > in ? c->qcap : in;
        out = c->ocap > out ? c->ocap : out;
    }
    s = sds_catfmt(s, "client_recent_max_input_buffer:%zu\r\n", in);
    s = sds_catfmt(s, "client_recent_max_output_buffer:%zu\r\n", out);
    s = sds_catfmt(s, "blocked_clients:%zu\r\n", blocking_count());
    size_t tclients, tkeys, titems, tprefixes;
    tracking_totals(&tclients, &tkeys, &titems, &tprefixes);
    s = sds_catfmt(s, "tracking_clients:%zu\r\n", tclients);
    s = sds_catfmt(s, "clients_in_timeout_table:%zu\r\n",
                   blocking_timeout_count());
    return s;
}

/* The allocator's view of memory (INFO memory), as Redis words it: its
 * three sizes, then (with 'ratios') what Redis derives from them, which
 * it prints further down the section. */
static char *info_allocator(char *s, bool ratios)
{
    struct mem_stats st;
    if (mem_allocator_stats(&st) != 0) {
        memset(&st, 0, sizeof(st));
    }
    double used = server.used_memory > 0 ? (double)server.used_memory : 1;
    if (!ratios) {
        return sds_catfmt(s, "allocator_allocated:%zu\r\n"
                             "allocator_active:%zu\r\n"
                             "allocator_resident:%zu\r\n",
                          st.allocated, st.active, st.resident);
    }
    s = sds_catfmt(s, "allocator_frag_ratio:%.2f\r\n"
                      "allocator_frag_bytes:%lld\r\n",
                   st.allocated ? (double)st.active / (double)st.allocated
                                : 0.0,
                   (long long)st.active - (long long)st.allocated);
    s = sds_catfmt(s, "allocator_rss_ratio:%.2f\r\n"
                      "allocator_rss_bytes:%lld\r\n",
                   st.active ? (double)st.resident / (double)st.active : 0.0,
                   (long long)st.resident - (long long)st.active);
    s = sds_catfmt(s, "rss_overhead_ratio:%.2f\r\n"
                      "rss_overhead_bytes:%lld\r\n",
                   st.resident ? (double)server.rss_memory /
                                     (double)st.resident : 0.0,
                   server.rss_memory - (long long)st.resident);
    s = sds_catfmt(s, "mem_fragmentation_ratio:%.2f\r\n"
                      "mem_fragmentation_bytes:%lld\r\n",
                   (double)server.rss_memory / used,
                   server.rss_memory - server.used_memory);
    return s;
}

/* Memory of one client besides what the dataset holds: its struct and
 * its query and reply buffers. */
static long long info_client_memory(const struct client *c)
{
    return (long long)(sizeof(*c) + c->qcap + c->ocap);
}

/* Bytes of the buckets and entries of table 'd' (the keys and values
 * they point to are the dataset; the empty table itself, made at start,
 * is part of the startup memory). */
static long long info_dict_overhead(const struct dict *d)
{
    if (d == NULL) {
        return 0;
    }
    return (long long)(dict_buckets(d) * sizeof(void *) +
                       dict_size(d) * sizeof(struct dict_entry));
}

/* The overhead of the keyspace tables of 'db': its per-slot key tables
 * ('main'), the expiry table, and the hash-tag table of the slot index
 * (our counterpart of Redis Cluster's slot-to-keys). */
static void info_db_overhead(const struct db *db, long long *main,
                             long long *expires, long long *slot_to_keys)
{
    *main = 0;
    for (int i = 0; i < SLOT_COUNT; i++) {
        *main += info_dict_overhead(db->slots[i]);
    }
    *expires = info_dict_overhead(db->expires);
    *slot_to_keys = info_dict_overhead(db->tags);
}

/* Memory that is not the dataset's, by part, as MEMORY STATS shows it;
 * 'total' includes 'startup' (what the server used once initialised),
 * and the dataset is what the allocator holds beyond 'total'. */
struct info_overhead {
    long long startup;
    long long backlog;
    long long clients_slaves;
    long long clients_normal;
    long long aof_buffer;
    long long lua_caches;
    long long functions_caches;
    long long dbs;      /* every db's tables */
    long long total;
    long long keys;
    long long net;      /* used_memory - startup, at least 1 */
    long long dataset;  /* used_memory - total, not below 0 */
    double dataset_perc;
};

/* Fill 'oh' from the memory counted now (server_update_memory first). */
static void info_overhead_get(struct info_overhead *oh)
{
    memset(oh, 0, sizeof(*oh));
    oh->startup = server.startup_memory;
    oh->backlog = repl.backlog != NULL ? (long long)repl.backlog_size : 0;
    for (const struct client *c = server.clients; c != NULL; c = c->next) {
        if (c->flags & CLIENT_SLAVE) {
            oh->clients_slaves += info_client_memory(c);
        } else {
            oh->clients_normal += info_client_memory(c);
        }
    }
    oh->aof_buffer = (long long)aof_buffer_size();
    oh->lua_caches = script_cache_memory();
    size_t libs, fns;
    function_totals(&libs, &fns, &oh->functions_caches);
    for (int i = 0; i < server.databases; i++) {
        long long main, expires, stk;
        info_db_overhead(&server.db[i], &main, &expires, &stk);
        oh->dbs += main + expires + stk;
        oh->keys += (long long)db_size(&server.db[i]);
    }
    oh->total = oh->startup + oh->backlog + oh->clients_slaves +
                oh->clients_normal + oh->aof_buffer + oh->lua_caches +
                oh->functions_caches + oh->dbs;
    oh->net = server.used_memory > oh->startup
              ? server.used_memory - oh->startup : 1;
    oh->dataset = server.used_memory > oh->total
                  ? server.used_memory - oh->total : 0;
    oh->dataset_perc = (double)oh->dataset * 100 / (double)oh->net;
}

/* Reply a name and an integer of MEMORY STATS. */
static void info_mem_stat(struct client *c, const char *name, long long v)
{
    reply_bulk_str(c, name);
    reply_integer(c, v);
}

/* Reply a name and a double of MEMORY STATS. */
static void info_mem_stat_double(struct client *c, const char *name,
                                 double v)
{
    reply_bulk_str(c, name);
    reply_double(c, v);
}

void info_memory_stats(struct client *c)
{
    struct mem_stats st;
    if (mem_allocator_stats(&st) != 0) {
        memset(&st, 0, sizeof(st));
    }
    server_update_memory();
    struct info_overhead oh;
    info_overhead_get(&oh);
    long long dbs = 0;
    for (int i = 0; i < server.databases; i++) {
        dbs += db_size(&server.db[i]) > 0 || dict_size(server.db[i].expires);
    }
    reply_map(c, 27 + dbs);
    info_mem_stat(c, "peak.allocated", server.peak_memory);
    info_mem_stat(c, "total.allocated", server.used_memory);
    info_mem_stat(c, "startup.allocated", oh.startup);
    info_mem_stat(c, "replication.backlog", oh.backlog);
    info_mem_stat(c, "clients.slaves", oh.clients_slaves);
    info_mem_stat(c, "clients.normal", oh.clients_normal);
    info_mem_stat(c, "cluster.links", 0);
    info_mem_stat(c, "aof.buffer", oh.aof_buffer);
    info_mem_stat(c, "lua.caches", oh.lua_caches);
    info_mem_stat(c, "functions.caches", oh.functions_caches);
    for (int i = 0; i < server.databases; i++) {
        struct db *db = &server.db[i];
        if (db_size(db) == 0 && dict_size(db->expires) == 0) {
            continue;
        }
        long long main, expires, stk;
        info_db_overhead(db, &main, &expires, &stk);
        char name[32];
        snprintf(name, sizeof(name), "db.%d", i);
        reply_bulk_str(c, name);
        reply_map(c, 3);
        info_mem_stat(c, "overhead.hashtable.main", main);
        info_mem_stat(c, "overhead.hashtable.expires", expires);
        info_mem_stat(c, "overhead.hashtable.slot-to-keys", stk);
    }
    info_mem_stat(c, "overhead.total", oh.total);
    info_mem_stat(c, "keys.count", oh.keys);
    info_mem_stat(c, "keys.bytes-per-key", oh.keys ? oh.net / oh.keys : 0);
    info_mem_stat(c, "dataset.bytes", oh.dataset);
    info_mem_stat_double(c, "dataset.percentage", oh.dataset_perc);
    info_mem_stat_double(c, "peak.percentage",
                         server.peak_memory > 0
                         ? (double)server.used_memory * 100 /
                           (double)server.peak_memory : 0);
    info_mem_stat(c, "allocator.allocated", (long long)st.allocated);
    info_mem_stat(c, "allocator.active", (long long)st.active);
    info_mem_stat(c, "allocator.resident", (long long)st.resident);
    info_mem_stat_double(c, "allocator-fragmentation.ratio",
                         st.allocated ? (double)st.active /
                                        (double)st.allocated : 0);
    info_mem_stat(c, "allocator-fragmentation.bytes",
                  (long long)st.active - (long long)st.allocated);
    info_mem_stat_double(c, "allocator-rss.ratio",
                         st.active ? (double)st.resident /
                                     (double)st.active : 0);
    info_mem_stat(c, "allocator-rss.bytes",
                  (long long)st.resident - (long long)st.active);
    info_mem_stat_double(c, "rss-overhead.ratio",
                         st.resident ? (double)server.rss_memory /
                                       (double)st.resident : 0);
    info_mem_stat(c, "rss-overhead.bytes",
                  server.rss_memory - (long long)st.resident);
    info_mem_stat_double(c, "fragmentation",
                         server.used_memory
                         ? (double)server.rss_memory /
                           (double)server.used_memory : 0);
    info_mem_stat(c, "fragmentation.bytes",
                  server.rss_memory - server.used_memory);
}

static char *info_memory(char *s)
{
    char h1[32], h2[32], h3[32], h4[32];
    server_update_memory();
    struct info_overhead oh;
    info_overhead_get(&oh);
    info_human(h1, sizeof(h1), server.used_memory);
    info_human(h2, sizeof(h2), server.rss_memory);
    info_human(h3, sizeof(h3), server.peak_memory);
    info_human(h4, sizeof(h4), server.maxmemory);
    s = sds_catfmt(s, "used_memory:%lld\r\nused_memory_human:%s\r\n",
                   server.used_memory, h1);
    s = sds_catfmt(s, "used_memory_rss:%lld\r\nused_memory_rss_human:%s\r\n",
                   server.rss_memory, h2);
    s = sds_catfmt(s, "used_memory_peak:%lld\r\nused_memory_peak_human:%s\r\n",
                   server.peak_memory, h3);
    s = sds_catfmt(s, "used_memory_peak_perc:%.2f%%\r\n",
                   server.peak_memory > 0 ? (double)server.used_memory * 100 /
                                            (double)server.peak_memory : 0);
    s = sds_catfmt(s, "used_memory_overhead:%lld\r\n"
                      "used_memory_startup:%lld\r\n"
                      "used_memory_dataset:%lld\r\n"
                      "used_memory_dataset_perc:%.2f%%\r\n",
                   oh.total, oh.startup, oh.dataset, oh.dataset_perc);
    s = info_allocator(s, false);
    long long sysmem = (long long)sysconf(_SC_PHYS_PAGES) *
                       (long long)sysconf(_SC_PAGESIZE);
    char hs[32];
    info_human(hs, sizeof(hs), sysmem);
    s = sds_catfmt(s, "total_system_memory:%lld\r\n"
                      "total_system_memory_human:%s\r\n", sysmem, hs);
    long long lua = script_memory();
    char hl[32];
    info_human(hl, sizeof(hl), lua);
    s = sds_catfmt(s, "used_memory_lua:%lld\r\nused_memory_vm_eval:%lld\r\n"
                      "used_memory_lua_human:%s\r\n", lua, lua, hl);
    s = sds_catfmt(s, "used_memory_scripts_eval:%lld\r\n",
                   oh.lua_caches);
    s = sds_catfmt(s, "number_of_cached_scripts:%zu\r\n",
                   script_cached_count());
    size_t libs, fns;
    long long fbytes;
    function_totals(&libs, &fns, &fbytes);
    s = sds_catfmt(s, "number_of_functions:%zu\r\n"
                      "number_of_libraries:%zu\r\n", fns, libs);
    s = sds_catfmt(s, "used_memory_vm_functions:%lld\r\n",
                   function_memory());
    char hv[32];
    info_human(hv, sizeof(hv), lua + function_memory());
    s = sds_catfmt(s, "used_memory_vm_total:%lld\r\n"
                      "used_memory_vm_total_human:%s\r\n",
                   lua + function_memory(), hv);
    char hsc[32];
    info_human(hsc, sizeof(hsc), oh.lua_caches + oh.functions_caches);
    s = sds_catfmt(s, "used_memory_functions:%lld\r\n"
                      "used_memory_scripts:%lld\r\n"
                      "used_memory_scripts_human:%s\r\n",
                   oh.functions_caches, oh.lua_caches + oh.functions_caches,
                   hsc);
    s = sds_catfmt(s, "maxmemory:%lld\r\nmaxmemory_human:%s\r\n",
                   server.maxmemory, h4);
    s = sds_catfmt(s, "maxmemory_policy:%s\r\n", server.maxmemory_policy);
    s = info_allocator(s, true);
    s = sds_catfmt(s, "mem_not_counted_for_evict:%lld\r\n",
                   evict_not_counted());
    s = sds_catfmt(s, "mem_replication_backlog:%lld\r\n", oh.backlog);
    /* Replicas here each have their own output buffer beside the
     * backlog (Redis 7 shares one buffer): the replication buffers are
     * the backlog plus the replicas' pending output. */
    long long repl_out = 0;
    for (const struct client *c = server.clients; c != NULL; c = c->next) {
        if (c->flags & CLIENT_SLAVE) {
            repl_out += (long long)c->ocap;
        }
    }
    s = sds_catfmt(s, "mem_total_replication_buffers:%lld\r\n",
                   oh.backlog + repl_out);
    s = sds_catfmt(s, "mem_clients_slaves:%lld\r\n", oh.clients_slaves);
    s = sds_catfmt(s, "mem_clients_normal:%lld\r\n", oh.clients_normal);
    s = sds_catfmt(s, "mem_cluster_links:0\r\n");
    s = sds_catfmt(s, "mem_aof_buffer:%zu\r\n", aof_buffer_size());
    s = sds_catfmt(s, "mem_allocator:%s\r\n", mem_allocator());
    /* Values are freed at once (no lazy free) and never defragmented. */
    s = sds_catfmt(s, "active_defrag_running:0\r\n");
    s = sds_catfmt(s, "lazyfree_pending_objects:0\r\n");
    s = sds_catfmt(s, "lazyfreed_objects:0\r\n");
    return s;
}

static char *info_stats(char *s)
{
    s = sds_catfmt(s, "total_connections_received:%lld\r\n",
                   server.stat_connections);
    s = sds_catfmt(s, "total_commands_processed:%lld\r\n",
                   server.stat_commands);
    s = sds_catfmt(s, "instantaneous_ops_per_sec:%lld\r\n",
                   server.stat_ops_per_sec);
    s = sds_catfmt(s, "total_net_input_bytes:%lld\r\n",
                   server.stat_net_input_bytes);
    s = sds_catfmt(s, "total_net_output_bytes:%lld\r\n",
                   server.stat_net_output_bytes);
    s = sds_catfmt(s, "total_net_repl_input_bytes:%lld\r\n"
                      "total_net_repl_output_bytes:%lld\r\n",
                   server.stat_net_repl_input_bytes,
                   server.stat_net_repl_output_bytes);
    s = sds_catfmt(s, "instantaneous_input_kbps:%.2f\r\n"
                      "instantaneous_output_kbps:%.2f\r\n"
                      "instantaneous_input_repl_kbps:%.2f\r\n"
                      "instantaneous_output_repl_kbps:%.2f\r\n",
                   info_net.kbps[INFO_NET_IN], info_net.kbps[INFO_NET_OUT],
                   info_net.kbps[INFO_NET_REPL_IN],
                   info_net.kbps[INFO_NET_REPL_OUT]);
    s = sds_catfmt(s, "rejected_connections:%lld\r\n",
                   server.stat_rejected_conn);
    s = sds_catfmt(s, "sync_full:%lld\r\nsync_partial_ok:%lld\r\n"
                      "sync_partial_err:%lld\r\n", repl.stat_sync_full,
                   repl.stat_sync_partial_ok, repl.stat_sync_partial_err);
    s = sds_catfmt(s, "expired_keys:%lld\r\n", server.stat_expired_keys);
    s = expire_info(s);
    s = sds_catfmt(s, "evicted_keys:%lld\r\n", server.stat_evicted_keys);
    s = sds_catfmt(s, "evicted_clients:0\r\n");
    long long ex_total, ex_now;
    evict_exceeded_time(&ex_total, &ex_now);
    s = sds_catfmt(s, "total_eviction_exceeded_time:%lld\r\n"
                      "current_eviction_exceeded_time:%lld\r\n",
                   ex_total, ex_now);
    s = sds_catfmt(s, "keyspace_hits:%lld\r\n", server.stat_keyspace_hits);
    s = sds_catfmt(s, "keyspace_misses:%lld\r\n", server.stat_keyspace_misses);
    s = sds_catfmt(s, "pubsub_channels:%zu\r\n", pubsub_channel_count());
    s = sds_catfmt(s, "pubsub_patterns:%zu\r\n", pubsub_pattern_count());
    s = sds_catfmt(s, "pubsubshard_channels:0\r\n");
    s = sds_catfmt(s, "latest_fork_usec:%lld\r\ntotal_forks:%lld\r\n",
                   server.stat_fork_usec, server.stat_total_forks);
    s = sds_catfmt(s, "migrate_cached_sockets:%d\r\n",
                   slotsmgrt_cached_sockets() + migrate_cached_sockets());
    /* A replica never expires keys itself here, nothing is defragmented,
     * and one thread does all I/O: these counters stay 0. */
    s = sds_catfmt(s, "slave_expires_tracked_keys:0\r\n");
    s = sds_catfmt(s, "active_defrag_hits:0\r\nactive_defrag_misses:0\r\n"
                      "active_defrag_key_hits:0\r\n"
                      "active_defrag_key_misses:0\r\n"
                      "total_active_defrag_time:0\r\n"
                      "current_active_defrag_time:0\r\n");
    size_t tclients, tkeys, titems, tprefixes;
    tracking_totals(&tclients, &tkeys, &titems, &tprefixes);
    s = sds_catfmt(s, "tracking_total_keys:%zu\r\n"
                      "tracking_total_items:%zu\r\n"
                      "tracking_total_prefixes:%zu\r\n",
                   tkeys, titems, tprefixes);
    s = sds_catfmt(s, "unexpected_error_replies:%lld\r\n",
                   server.stat_unexpected_error_replies);
    s = sds_catfmt(s, "total_error_replies:%lld\r\n",
                   server.stat_error_replies);
    s = sds_catfmt(s, "dump_payload_sanitizations:%lld\r\n",
                   server.stat_dump_payload_sanitizations);
    s = sds_catfmt(s, "total_reads_processed:%lld\r\n"
                      "total_writes_processed:%lld\r\n",
                   server.stat_total_reads, server.stat_total_writes);
    s = sds_catfmt(s, "io_threaded_reads_processed:0\r\n"
                      "io_threaded_writes_processed:0\r\n");
    s = sds_catfmt(s, "reply_buffer_shrinks:%lld\r\n"
                      "reply_buffer_expands:%lld\r\n",
                   server.stat_reply_buffer_shrinks,
                   server.stat_reply_buffer_expands);
    return s;
}

static char *info_persistence(char *s)
{
    long long now_ms = server_mstime();
    bool child = child_pid(CHILD_RDB) > 0;
    s = sds_catfmt(s, "loading:%d\r\nasync_loading:0\r\n", server.loading);
    const struct child_progress *cp = child_progress();
    s = sds_catfmt(s, "current_cow_peak:%lld\r\ncurrent_cow_size:%lld\r\n"
                      "current_cow_size_age:%lld\r\n",
                   cp->cow_peak, cp->cow_size,
                   cp->cow_updated_ms > 0
                   ? (now_ms - cp->cow_updated_ms) / 1000 : 0);
    s = sds_catfmt(s, "current_fork_perc:%.2f\r\n"
                      "current_save_keys_processed:%lld\r\n"
                      "current_save_keys_total:%lld\r\n",
                   cp->keys_total > 0 ? (double)cp->keys_processed * 100 /
                                        (double)cp->keys_total : 0.0,
                   cp->keys_processed, cp->keys_total);
    s = sds_catfmt(s, "rdb_changes_since_last_save:%lld\r\n", server.dirty);
    s = sds_catfmt(s, "rdb_bgsave_in_progress:%d\r\n", child ? 1 : 0);
    s = sds_catfmt(s, "rdb_last_save_time:%lld\r\n", rdb_state.lastsave);
    s = sds_catfmt(s, "rdb_last_bgsave_status:%s\r\n",
                   rdb_state.last_bgsave_ok ? "ok" : "err");
    s = sds_catfmt(s, "rdb_last_bgsave_time_sec:%lld\r\n",
                   rdb_state.last_bgsave_secs);
    s = sds_catfmt(s, "rdb_current_bgsave_time_sec:%lld\r\n",
                   child ? (now_ms - rdb_state.child_start_ms) / 1000 : -1);
    s = sds_catfmt(s, "rdb_saves:%lld\r\n", rdb_state.saves);
    s = sds_catfmt(s, "rdb_last_cow_size:%lld\r\n",
                   cp->last_cow[CHILD_RDB]);
    s = sds_catfmt(s, "rdb_last_load_keys_expired:%lld\r\n"
                      "rdb_last_load_keys_loaded:%lld\r\n",
                   rdb_state.keys_expired, rdb_state.keys_loaded);
    return aof_info(s);
}

static char *info_replication(char *s)
{
    return replication_info(s);
}

static char *info_cpu(char *s)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        return s;
    }
    s = sds_catfmt(s, "used_cpu_sys:%ld.%06ld\r\n", (long)ru.ru_stime.tv_sec,
                   (long)ru.ru_stime.tv_usec);
    s = sds_catfmt(s, "used_cpu_user:%ld.%06ld\r\n", (long)ru.ru_utime.tv_sec,
                   (long)ru.ru_utime.tv_usec);
    if (getrusage(RUSAGE_CHILDREN, &ru) == 0) {
        s = sds_catfmt(s, "used_cpu_sys_children:%ld.%06ld\r\n",
                       (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec);
        s = sds_catfmt(s, "used_cpu_user_children:%ld.%06ld\r\n",
                       (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
    }
    if (getrusage(RUSAGE_THREAD, &ru) == 0) {
        s = sds_catfmt(s, "used_cpu_sys_main_thread:%ld.%06ld\r\n",
                       (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec);
        s = sds_catfmt(s, "used_cpu_user_main_thread:%ld.%06ld\r\n",
                       (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
    }
    return s;
}

/* No modules can be loaded: the section exists, empty, as in Redis
 * without modules. */
static char *info_modules(char *s)
{
    return s;
}

/* Codis servers are never in Redis Cluster mode (slots are Codis's). */
static char *info_cluster(char *s)
{
    return sds_catfmt(s, "cluster_enabled:0\r\n");
}

/* One cmdstat_ line of command or subcommand 'name', if it ran or was
 * refused. */
static char *info_cmdstat(char *s, const char *name,
                          const struct command_stats *st)
{
    if (st->calls == 0 && st->failed == 0 && st->rejected == 0) {
        return s;
    }
    return sds_catfmt(s, "cmdstat_%s:calls=%lld,usec=%lld,"
                         "usec_per_call=%.2f,rejected_calls=%lld,"
                         "failed_calls=%lld\r\n",
                      name, st->calls, st->usec,
                      st->calls ? (double)st->usec / (double)st->calls : 0,
                      st->rejected, st->failed);
}

/* Each command, then its subcommands ("cmdstat_config|get"): a command
 * with subcommands has a line of its own only for calls refused before
 * a subcommand was known (wrong arity), as in Redis 7. */
static char *info_commandstats(char *s)
{
    size_t count;
    const struct command *table = commands_table(&count);
    for (size_t i = 0; i < count; i++) {
        s = info_cmdstat(s, table[i].spec->name, commands_stats(&table[i]));
        size_t nsub;
        const struct cmdspec *sub = cmdspec_subcommands(table[i].spec,
                                                        &nsub);
        for (size_t k = 0; k < nsub; k++) {
            s = info_cmdstat(s, sub[k].name,
                             commands_substats((size_t)(&sub[k] -
                                                        cmdspec_subtable)));
        }
    }
    return s;
}

static char *info_keyspace(char *s)
{
    for (int i = 0; i < server.databases; i++) {
        struct db *db = &server.db[i];
        size_t keys = db_size(db);
        if (keys > 0) {
            s = sds_catfmt(s, "db%d:keys=%zu,expires=%zu,avg_ttl=%lld\r\n", i,
                           keys, dict_size(db->expires), db->avg_ttl);
        }
    }
    return s;
}

/* The sections, in output order. */
static const struct {
    const char *name;        /* lowercase; the header capitalises it */
    const char *title;
    char *(*write)(char *s); /* append the fields */
    bool by_default;         /* part of INFO without arguments */
} info_sections[] = {
    { "server", "Server", info_server, true },
    { "clients", "Clients", info_clients, true },
    { "memory", "Memory", info_memory, true },
    { "persistence", "Persistence", info_persistence, true },
    { "stats", "Stats", info_stats, true },
    { "replication", "Replication", info_replication, true },
    { "cpu", "CPU", info_cpu, true },
    { "modules", "Modules", info_modules, true },
    { "commandstats", "Commandstats", info_commandstats, false },
    { "errorstats", "Errorstats", info_errorstats, false },
    { "latencystats", "Latencystats", latency_info, false },
    { "cluster", "Cluster", info_cluster, true },
    { "keyspace", "Keyspace", info_keyspace, true },
};

/* INFO [section ...] */
void cmd_info(struct client *c)
{
    size_t nsec = sizeof(info_sections) / sizeof(info_sections[0]);
    bool all = false, defaults = c->argc == 1;
    for (int i = 1; i < c->argc; i++) {
        if (arg_is(&c->argv[i], "all") || arg_is(&c->argv[i], "everything")) {
            all = true;
        } else if (arg_is(&c->argv[i], "default")) {
            defaults = true;
        }
    }
    char *s = sds_new_empty(1024);
    for (size_t k = 0; k < nsec; k++) {
        bool want = all || (defaults && info_sections[k].by_default);
        for (int i = 1; i < c->argc && !want; i++) {
            want = arg_is(&c->argv[i], info_sections[k].name);
        }
        if (!want) {
            continue;
        }
        if (sds_len(s) > 0) {
            s = sds_cat(s, "\r\n", 2);
        }
        s = sds_catfmt(s, "# %s\r\n", info_sections[k].title);
        s = info_sections[k].write(s);
    }
    reply_verbatim(c, s, sds_len(s), "txt");
    sds_free(s);
}
