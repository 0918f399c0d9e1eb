/* Server configuration: one table of directives (name, kind, field of
 * struct server, default, bounds, whether CONFIG SET may change it) that
 * serves redis.conf, the command line (--name value ...) and CONFIG
 * GET / SET / RESETSTAT alike, so every directive is written once.
 * Directive names and value syntax are Redis's: memory sizes take k, kb,
 * m, mb, g, gb; booleans take yes / no. Unknown directives are errors.
 *
 * Not here: config.ini of the other roles (lib/conf). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "lib/resp.h"
#include "redis/aof.h"
#include "redis/evict.h"
#include "redis/notify.h"
#include "redis/replication.h"
#include "redis/server.h"

/* How a directive's value is parsed and stored. */
enum config_kind {
    CONFIG_BOOL,    /* bool field; yes / no */
    CONFIG_INT,     /* int field in [min, max] */
    CONFIG_LONG,    /* long long field in [min, max] */
    CONFIG_MEMORY,  /* long long field, bytes with units, in [min, max] */
    CONFIG_STRING,  /* char * field (owned); one of 'choices' if given */
    CONFIG_SPECIAL, /* parsed and printed by 'set' / 'get' */
};

#define CONFIG_IMMUTABLE (1u << 0) /* CONFIG SET refuses it */
#define CONFIG_PROTECTED (1u << 1) /* CONFIG SET only as
                                    * enable-protected-configs allows */
#define CONFIG_HIDDEN (1u << 2)    /* CONFIG GET by exact name only */

/* One directive.
 *   name, alias  the directive (alias: an older name, e.g. slaveof)
 *   kind         CONFIG_*
 *   offset       field in struct server (not for CONFIG_SPECIAL)
 *   def          default value, applied through the same parser at start
 *   min, max     bounds of CONFIG_INT / CONFIG_LONG / CONFIG_MEMORY
 *   flags        CONFIG_IMMUTABLE, CONFIG_PROTECTED, CONFIG_HIDDEN
 *   choices      NULL-terminated allowed values of a CONFIG_STRING
 *   set          CONFIG_SPECIAL: parse 'argc' words; 0 or -1 + 'err'
 *   get          CONFIG_SPECIAL: the value as a new sds string
 *   after        run after a successful change (any kind), may fail */
struct config_directive {
    const char *name;
    const char *alias;
    enum config_kind kind;
    size_t offset;
    const char *def;
    long long min;
    long long max;
    unsigned flags;
    const char *const *choices;
    int (*set)(int argc, char **argv, char *err, size_t errlen);
    char *(*get)(void);
    int (*after)(char *err, size_t errlen);
};

#define FIELD(f) offsetof(struct server, f)

/* True while loading one source (a file, or argv) after its first save
 * line: further save lines add to it, as in Redis. */
static bool config_save_appending;

/* ------------------------------------------------------------------------
 * Parsers of special directives */

/* Join 'argc' words with spaces into a new sds string. */
static char *config_join(int argc, char **argv)
{
    char *s = sds_new_empty(64);
    for (int i = 0; i < argc; i++) {
        if (i > 0) {
            s = sds_cat(s, " ", 1);
        }
        s = sds_cat(s, argv[i], strlen(argv[i]));
    }
    return s;
}

static void config_set_string(char **field, const char *value)
{
    mem_free(*field);
    *field = mem_strdup(value);
}

static int config_set_bind(int argc, char **argv, char *err, size_t errlen)
{
    if (argc < 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    char *s = config_join(argc, argv);
    config_set_string(&server.bind, s);
    sds_free(s);
    return 0;
}

static char *config_get_bind(void)
{
    const char *b = server.bind != NULL ? server.bind : "";
    return sds_new(b, strlen(b));
}

/* "save" takes pairs "seconds changes", possibly in one quoted word. */
static int config_set_save(int argc, char **argv, char *err, size_t errlen)
{
    char *words = config_join(argc, argv);
    char *copy = mem_strdup(words);
    char *save = NULL;
    int n = 0;
    for (char *w = strtok_r(copy, " ", &save); w != NULL;
         w = strtok_r(NULL, " ", &save)) {
        char *end;
        errno = 0;
        long long v = strtoll(w, &end, 10);
        if (*end != '\0' || errno != 0 || v < 0) {
            snprintf(err, errlen, "Invalid save parameters");
            mem_free(copy);
            sds_free(words);
            return -1;
        }
        n++;
    }
    mem_free(copy);
    if (n % 2 != 0) {
        snprintf(err, errlen, "Invalid save parameters");
        sds_free(words);
        return -1;
    }
    if (config_save_appending && n > 0 && server.save != NULL &&
        server.save[0] != '\0') {
        char *all = sds_new(server.save, strlen(server.save));
        all = sds_cat(all, " ", 1);
        all = sds_cat(all, words, sds_len(words));
        config_set_string(&server.save, all);
        sds_free(all);
    } else {
        config_set_string(&server.save, words);
    }
    config_save_appending = n > 0;
    sds_free(words);
    return 0;
}

static char *config_get_save(void)
{
    const char *s = server.save != NULL ? server.save : "";
    return sds_new(s, strlen(s));
}

static int config_set_replicaof(int argc, char **argv, char *err,
                                size_t errlen)
{
    if (argc == 1 && strchr(argv[0], ' ') != NULL) {
        /* CONFIG SET replicaof "host port" comes as one word. */
        char *copy = mem_strdup(argv[0]);
        char *save = NULL;
        char *words[2] = { strtok_r(copy, " ", &save), NULL };
        words[1] = strtok_r(NULL, " ", &save);
        int rc = -1;
        if (words[1] != NULL && strtok_r(NULL, " ", &save) == NULL) {
            rc = config_set_replicaof(2, words, err, errlen);
        } else {
            snprintf(err, errlen, "wrong number of arguments");
        }
        mem_free(copy);
        return rc;
    }
    if (argc != 2) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    bool running = server.base != NULL;
    if (strcasecmp(argv[0], "no") == 0 && strcasecmp(argv[1], "one") == 0) {
        if (running) {
            replica_set_master(NULL, 0);
            return 0;
        }
        mem_free(server.masterhost);
        server.masterhost = NULL;
        server.masterport = 0;
        return 0;
    }
    char *end;
    long port = strtol(argv[1], &end, 10);
    if (*end != '\0' || port < 1 || port > 65535) {
        snprintf(err, errlen, "Invalid master port");
        return -1;
    }
    if (running) {
        if (server.masterhost == NULL || server.masterport != (int)port ||
            strcasecmp(server.masterhost, argv[0]) != 0) {
            replica_set_master(argv[0], (int)port);
        }
        return 0;
    }
    config_set_string(&server.masterhost, argv[0]);
    server.masterport = (int)port;
    return 0;
}

static char *config_get_replicaof(void)
{
    if (server.masterhost == NULL) {
        return sds_new("", 0);
    }
    char buf[300];
    int n = snprintf(buf, sizeof(buf), "%s %d", server.masterhost,
                     server.masterport);
    return sds_new(buf, n > 0 ? (size_t)n : 0);
}

/* Redis's level names, mapped onto lib/log's. */
static const struct {
    const char *name;
    enum log_level level;
} config_levels[] = {
    { "debug", LOG_DEBUG },
    { "verbose", LOG_INFO },
    { "notice", LOG_INFO },
    { "warning", LOG_WARN },
};

static int config_set_loglevel(int argc, char **argv, char *err,
                               size_t errlen)
{
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    for (size_t i = 0; i < sizeof(config_levels) / sizeof(config_levels[0]);
         i++) {
        if (strcasecmp(argv[0], config_levels[i].name) == 0) {
            config_set_string(&server.loglevel, config_levels[i].name);
            log_set_level(config_levels[i].level);
            return 0;
        }
    }
    snprintf(err, errlen, "argument(s) must be one of the following: debug, "
             "verbose, notice, warning");
    return -1;
}

static char *config_get_loglevel(void)
{
    const char *s = server.loglevel != NULL ? server.loglevel : "notice";
    return sds_new(s, strlen(s));
}

static int config_set_dir(int argc, char **argv, char *err, size_t errlen)
{
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    if (chdir(argv[0]) != 0) {
        snprintf(err, errlen, "cannot change directory to '%s': %s",
                 argv[0], strerror(errno));
        return -1;
    }
    return 0;
}

static char *config_get_dir(void)
{
    char buf[4096];
    if (getcwd(buf, sizeof(buf)) == NULL) {
        return sds_new("", 0);
    }
    return sds_new(buf, strlen(buf));
}

static int config_set_obuf_limit(int argc, char **argv, char *err,
                                 size_t errlen)
{
    if (argc == 1 && strchr(argv[0], ' ') != NULL) {
        /* CONFIG SET passes all classes as one word. */
        char *copy = mem_strdup(argv[0]);
        char *words[64];
        int n = 0;
        char *save = NULL;
        for (char *w = strtok_r(copy, " ", &save); w != NULL && n < 64;
             w = strtok_r(NULL, " ", &save)) {
            words[n++] = w;
        }
        int rc = config_set_obuf_limit(n, words, err, errlen);
        mem_free(copy);
        return rc;
    }
    if (argc == 0 || argc % 4 != 0) {
        snprintf(err, errlen, "Wrong number of arguments in buffer limit "
                 "configuration.");
        return -1;
    }
    struct client_limit parsed[16];
    for (int i = 0; i < argc; i += 4) {
        struct client_limit *l = &parsed[i / 4];
        if ((strcasecmp(argv[i], "normal") != 0 &&
             strcasecmp(argv[i], "replica") != 0 &&
             strcasecmp(argv[i], "slave") != 0 &&
             strcasecmp(argv[i], "pubsub") != 0) || i / 4 >= 16 ||
            config_parse_memory(argv[i + 1], &l->hard) != 0 ||
            config_parse_memory(argv[i + 2], &l->soft) != 0 ||
            config_parse_memory(argv[i + 3], &l->seconds) != 0) {
            snprintf(err, errlen, "Invalid client class or limits in "
                     "buffer limit configuration.");
            return -1;
        }
    }
    for (int i = 0; i < argc; i += 4) {
        struct client_limit *dst =
            strcasecmp(argv[i], "normal") == 0 ? &server.limit_normal
            : strcasecmp(argv[i], "pubsub") == 0 ? &server.limit_pubsub
                                                 : &server.limit_replica;
        *dst = parsed[i / 4];
    }
    return 0;
}

static char *config_get_obuf_limit(void)
{
    char buf[256];
    int n = snprintf(buf, sizeof(buf),
                     "normal %lld %lld %lld slave %lld %lld %lld "
                     "pubsub %lld %lld %lld",
                     server.limit_normal.hard, server.limit_normal.soft,
                     server.limit_normal.seconds, server.limit_replica.hard,
                     server.limit_replica.soft, server.limit_replica.seconds,
                     server.limit_pubsub.hard, server.limit_pubsub.soft,
                     server.limit_pubsub.seconds);
    return sds_new(buf, n > 0 ? (size_t)n : 0);
}

/* CONFIG SET appendonly: start (with a rewrite) or stop the AOF. */
static int config_after_appendonly(char *err, size_t errlen)
{
    if (server.base == NULL) {
        return 0;
    }
    return aof_set_enabled(server.appendonly, err, errlen);
}

static int config_after_backlog_size(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    /* Redis takes any size and uses at least 16kb. */
    if (server.repl_backlog_size < 16 * 1024) {
        server.repl_backlog_size = 16 * 1024;
    }
    backlog_resize();
    return 0;
}

/* requirepass is the default user's password (acl.c). */
static int config_after_requirepass(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    acl_set_requirepass(server.requirepass);
    return 0;
}

static int config_after_hz(char *err, size_t errlen)
{
    /* Redis takes any hz and keeps it within 1..500. */
    int hz = server.hz < 1 ? 1 : server.hz > 500 ? 500 : server.hz;
    if (server_set_hz(hz) != 0) {
        snprintf(err, errlen, "cannot re-arm the cron");
        return -1;
    }
    return 0;
}

/* notify-keyspace-events: class letters (notify.c). */
static int config_set_notify(int argc, char **argv, char *err, size_t errlen)
{
    unsigned flags = 0;
    if (argc > 1 || (argc == 1 && notify_parse_flags(argv[0],
                                                     strlen(argv[0]),
                                                     &flags) != 0)) {
        snprintf(err, errlen, "Invalid event class character. Use "
                 "'Ag$lshzxeKEtmdn'.");
        return -1;
    }
    server.notify_keyspace_events = flags;
    return 0;
}

static char *config_get_notify(void)
{
    return notify_flags_string(server.notify_keyspace_events);
}

/* ------------------------------------------------------------------------
 * The table */

static const char *const config_fsyncs[] = { "everysec", "always", "no",
                                             NULL };
static const char *const config_protected_choices[] = { "no", "yes",
                                                        "local", NULL };

#define SPECIAL(name, alias, def, flags, set, get) \
    { name, alias, CONFIG_SPECIAL, 0, def, 0, 0, flags, NULL, set, get, NULL }

static const struct config_directive config_table[] = {
    { "port", NULL, CONFIG_INT, FIELD(port), "6379", 0, 65535,
      CONFIG_IMMUTABLE, NULL, NULL, NULL, NULL },
    SPECIAL("bind", NULL, "*", CONFIG_IMMUTABLE, config_set_bind,
            config_get_bind),
    { "daemonize", NULL, CONFIG_BOOL, FIELD(daemonize), "no", 0, 0,
      CONFIG_IMMUTABLE, NULL, NULL, NULL, NULL },
    { "pidfile", NULL, CONFIG_STRING, FIELD(pidfile), "", 0, 0,
      CONFIG_IMMUTABLE, NULL, NULL, NULL, NULL },
    { "logfile", NULL, CONFIG_STRING, FIELD(logfile), "", 0, 0,
      CONFIG_IMMUTABLE, NULL, NULL, NULL, NULL },
    SPECIAL("loglevel", NULL, "notice", 0, config_set_loglevel,
            config_get_loglevel),
    { "requirepass", NULL, CONFIG_STRING, FIELD(requirepass), "", 0, 0, 0,
      NULL, NULL, NULL, config_after_requirepass },
    { "protected-mode", NULL, CONFIG_BOOL, FIELD(protected_mode), "yes", 0,
      0, 0, NULL, NULL, NULL, NULL },
    { "enable-protected-configs", NULL, CONFIG_STRING,
      FIELD(enable_protected_configs), "no", 0, 0, CONFIG_IMMUTABLE,
      config_protected_choices, NULL, NULL, NULL },
    { "enable-debug-command", NULL, CONFIG_STRING,
      FIELD(enable_debug_command), "no", 0, 0, CONFIG_IMMUTABLE,
      config_protected_choices, NULL, NULL, NULL },
    { "enable-module-command", NULL, CONFIG_STRING,
      FIELD(enable_module_command), "no", 0, 0, CONFIG_IMMUTABLE,
      config_protected_choices, NULL, NULL, NULL },
    { "masterauth", NULL, CONFIG_STRING, FIELD(masterauth), "", 0, 0, 0,
      NULL, NULL, NULL, NULL },
    { "maxmemory", NULL, CONFIG_MEMORY, FIELD(maxmemory), "0", 0,
      LLONG_MAX, 0, NULL, NULL, NULL, NULL },
    { "hll-sparse-max-bytes", NULL, CONFIG_MEMORY,
      FIELD(hll_sparse_max_bytes), "3000", 0, LLONG_MAX, 0, NULL, NULL, NULL,
      NULL },
    /* compact encodings: Redis's thresholds and their ziplist aliases */
    { "hash-max-listpack-entries", "hash-max-ziplist-entries", CONFIG_LONG,
      FIELD(hash_max_listpack_entries), "512", 0, LLONG_MAX, 0, NULL, NULL,
      NULL, NULL },
    { "hash-max-listpack-value", "hash-max-ziplist-value", CONFIG_MEMORY,
      FIELD(hash_max_listpack_value), "64", 0, LLONG_MAX, 0, NULL, NULL, NULL,
      NULL },
    { "zset-max-listpack-entries", "zset-max-ziplist-entries", CONFIG_LONG,
      FIELD(zset_max_listpack_entries), "128", 0, LLONG_MAX, 0, NULL, NULL,
      NULL, NULL },
    { "zset-max-listpack-value", "zset-max-ziplist-value", CONFIG_MEMORY,
      FIELD(zset_max_listpack_value), "64", 0, LLONG_MAX, 0, NULL, NULL, NULL,
      NULL },
    { "set-max-intset-entries", NULL, CONFIG_LONG,
      FIELD(set_max_intset_entries), "512", 0, LLONG_MAX, 0, NULL, NULL, NULL,
      NULL },
    { "list-max-listpack-size", "list-max-ziplist-size", CONFIG_INT,
      FIELD(list_max_listpack_size), "-2", INT_MIN, INT_MAX, 0, NULL, NULL,
      NULL, NULL },
    { "list-compress-depth", NULL, CONFIG_INT, FIELD(list_compress_depth),
      "0", 0, INT_MAX, 0, NULL, NULL, NULL, NULL },
    { "maxmemory-policy", NULL, CONFIG_STRING, FIELD(maxmemory_policy),
      "noeviction", 0, 0, 0, evict_policy_names, NULL, NULL, NULL },
    { "maxmemory-samples", NULL, CONFIG_INT, FIELD(maxmemory_samples), "5",
      1, 64, 0, NULL, NULL, NULL, NULL },
    { "busy-reply-threshold", "lua-time-limit", CONFIG_INT,
      FIELD(busy_reply_threshold), "5000", 0, INT_MAX, 0, NULL, NULL, NULL,
      NULL },
    { "databases", NULL, CONFIG_INT, FIELD(databases), "16", 1, 10000,
      CONFIG_IMMUTABLE, NULL, NULL, NULL, NULL },
    SPECIAL("dir", NULL, NULL, CONFIG_PROTECTED, config_set_dir,
            config_get_dir),
    { "dbfilename", NULL, CONFIG_STRING, FIELD(dbfilename), "dump.rdb", 0,
      0, CONFIG_PROTECTED, NULL, NULL, NULL, NULL },
    SPECIAL("save", NULL, "3600 1 300 100 60 10000", 0, config_set_save,
            config_get_save),
    { "appendonly", NULL, CONFIG_BOOL, FIELD(appendonly), "no", 0, 0, 0,
      NULL, NULL, NULL, config_after_appendonly },
    { "appenddirname", NULL, CONFIG_STRING, FIELD(appenddirname),
      "appendonlydir", 0, 0, CONFIG_IMMUTABLE, NULL, NULL, NULL, NULL },
    { "aof-load-truncated", NULL, CONFIG_BOOL, FIELD(aof_load_truncated),
      "yes", 0, 0, 0, NULL, NULL, NULL, NULL },
    { "appendfilename", NULL, CONFIG_STRING, FIELD(appendfilename),
      "appendonly.aof", 0, 0, CONFIG_IMMUTABLE, NULL, NULL, NULL, NULL },
    { "appendfsync", NULL, CONFIG_STRING, FIELD(appendfsync), "everysec", 0,
      0, 0, config_fsyncs, NULL, NULL, NULL },
    SPECIAL("replicaof", "slaveof", NULL, 0, config_set_replicaof,
            config_get_replicaof),
    { "replica-read-only", "slave-read-only", CONFIG_BOOL,
      FIELD(replica_read_only), "yes", 0, 0, 0, NULL, NULL, NULL, NULL },
    { "repl-backlog-size", NULL, CONFIG_MEMORY, FIELD(repl_backlog_size),
      "1mb", 1, LLONG_MAX, 0, NULL, NULL, NULL,
      config_after_backlog_size },
    { "repl-timeout", NULL, CONFIG_INT, FIELD(repl_timeout), "60", 1,
      INT_MAX, 0, NULL, NULL, NULL, NULL },
    { "repl-ping-replica-period", "repl-ping-slave-period", CONFIG_INT,
      FIELD(repl_ping_period), "10", 1, INT_MAX, 0, NULL, NULL, NULL, NULL },
    { "min-replicas-to-write", "min-slaves-to-write", CONFIG_INT,
      FIELD(min_replicas_to_write), "0", 0, INT_MAX, 0, NULL, NULL, NULL,
      NULL },
    { "min-replicas-max-lag", "min-slaves-max-lag", CONFIG_INT,
      FIELD(min_replicas_max_lag), "10", 0, INT_MAX, 0, NULL, NULL, NULL,
      NULL },
    { "timeout", NULL, CONFIG_INT, FIELD(timeout), "0", 0, INT_MAX, 0, NULL,
      NULL, NULL, NULL },
    { "tcp-keepalive", NULL, CONFIG_INT, FIELD(tcp_keepalive), "300", 0,
      INT_MAX, 0, NULL, NULL, NULL, NULL },
    { "tcp-backlog", NULL, CONFIG_INT, FIELD(tcp_backlog), "511", 0,
      INT_MAX, CONFIG_IMMUTABLE, NULL, NULL, NULL, NULL },
    { "maxclients", NULL, CONFIG_INT, FIELD(maxclients), "10000", 1,
      INT_MAX, 0, NULL, NULL, NULL, NULL },
    { "hz", NULL, CONFIG_INT, FIELD(hz), "10", 0, INT_MAX, 0, NULL, NULL,
      NULL, config_after_hz },
    { "rdb-key-save-delay", NULL, CONFIG_INT, FIELD(rdb_key_save_delay), "0",
      0, INT_MAX, CONFIG_HIDDEN, NULL, NULL, NULL, NULL },
    { "client-query-buffer-limit", NULL, CONFIG_MEMORY,
      FIELD(client_max_querybuf_len), "1gb", 1024 * 1024, LLONG_MAX, 0,
      NULL, NULL, NULL, NULL },
    SPECIAL("client-output-buffer-limit", NULL,
            "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60", 0,
            config_set_obuf_limit, config_get_obuf_limit),
    /* keyspace notifications, slow log, latency monitor, LFU */
    SPECIAL("notify-keyspace-events", NULL, "", 0, config_set_notify,
            config_get_notify),
    { "slowlog-log-slower-than", NULL, CONFIG_LONG,
      FIELD(slowlog_log_slower_than), "10000", -1, LLONG_MAX, 0, NULL, NULL,
      NULL, NULL },
    { "slowlog-max-len", NULL, CONFIG_LONG, FIELD(slowlog_max_len), "128", 0,
      LLONG_MAX, 0, NULL, NULL, NULL, NULL },
    { "latency-monitor-threshold", NULL, CONFIG_LONG,
      FIELD(latency_monitor_threshold), "0", 0, LLONG_MAX, 0, NULL, NULL, NULL,
      NULL },
    { "lfu-log-factor", NULL, CONFIG_INT, FIELD(lfu_log_factor), "10", 0,
      INT_MAX, 0, NULL, NULL, NULL, NULL },
    { "lfu-decay-time", NULL, CONFIG_INT, FIELD(lfu_decay_time), "1", 0,
      INT_MAX, 0, NULL, NULL, NULL, NULL },
};

#define CONFIG_COUNT (sizeof(config_table) / sizeof(config_table[0]))

/* Parameters Redis 7.0 has and this server only stores: accepted from
 * redis.conf, argv and CONFIG SET (checked as Redis checks them), and
 * returned by CONFIG GET, so that tools which set them work.
 *   kind     how a value is checked: BOOL yes/no, INT or MEM (a number,
 *            MEM with units) in [min, max], ENUM one of 'choices'
 *            (space-separated), STR anything
 *   def      Redis's default, as CONFIG GET shows it
 *   flags    CONFIG_IMMUTABLE, CONFIG_PROTECTED
 * A name the table above also has is served by the table above. */
enum config_stored_kind { BOOL, INT, MEM, ENUM, STR };

struct config_stored {
    const char *name;
    const char *alias;
    enum config_stored_kind kind;
    const char *def;
    long long min;
    long long max;
    const char *choices;
    unsigned flags;
};

#define STORED(name, alias, kind, def, min, max, choices, flags) \
    { name, alias, kind, def, min, max, choices, flags }

/* Generated by tools/gen-config.py from redis-server 7.0.15. */
static const struct config_stored config_stored_table[] = {
    STORED("acl-pubsub-default", NULL, ENUM, "resetchannels",
           0, 0, "allchannels resetchannels", 0),
    STORED("aclfile", NULL, STR, "",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("acllog-max-len", NULL, INT, "128",
           0, LLONG_MAX, NULL, 0),
    STORED("active-defrag-cycle-max", NULL, INT, "25",
           1, 99, NULL, 0),
    STORED("active-defrag-cycle-min", NULL, INT, "1",
           1, 99, NULL, 0),
    STORED("active-defrag-ignore-bytes", NULL, MEM, "104857600",
           1, LLONG_MAX, NULL, 0),
    STORED("active-defrag-max-scan-fields", NULL, INT, "1000",
           1, LLONG_MAX, NULL, 0),
    STORED("active-defrag-threshold-lower", NULL, INT, "10",
           0, 1000, NULL, 0),
    STORED("active-defrag-threshold-upper", NULL, INT, "100",
           0, 1000, NULL, 0),
    STORED("active-expire-effort", NULL, INT, "1",
           1, 10, NULL, 0),
    STORED("activedefrag", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("activerehashing", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("always-show-logo", NULL, BOOL, "no",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("aof-disable-auto-gc", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("aof-rewrite-incremental-fsync", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("aof-timestamp-enabled", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("aof-use-rdb-preamble", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("aof_rewrite_cpulist", NULL, STR, "",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("auto-aof-rewrite-min-size", NULL, MEM, "67108864",
           0, LLONG_MAX, NULL, 0),
    STORED("auto-aof-rewrite-percentage", NULL, INT, "100",
           0, 2147483647, NULL, 0),
    STORED("bgsave_cpulist", NULL, STR, "",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("bind-source-addr", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("bio_cpulist", NULL, STR, "",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("cluster-allow-pubsubshard-when-down", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("cluster-allow-reads-when-down", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("cluster-allow-replica-migration", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("cluster-announce-bus-port", NULL, INT, "0",
           0, 65535, NULL, 0),
    STORED("cluster-announce-hostname", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("cluster-announce-ip", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("cluster-announce-port", NULL, INT, "0",
           0, 65535, NULL, 0),
    STORED("cluster-announce-tls-port", NULL, INT, "0",
           0, 65535, NULL, 0),
    STORED("cluster-config-file", NULL, STR, "nodes.conf",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("cluster-enabled", NULL, BOOL, "no",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("cluster-link-sendbuf-limit", NULL, MEM, "0",
           0, LLONG_MAX, NULL, 0),
    STORED("cluster-migration-barrier", NULL, INT, "1",
           0, 2147483647, NULL, 0),
    STORED("cluster-node-timeout", NULL, INT, "15000",
           0, LLONG_MAX, NULL, 0),
    STORED("cluster-port", NULL, INT, "0",
           LLONG_MIN, LLONG_MAX, NULL, CONFIG_IMMUTABLE),
    STORED("cluster-preferred-endpoint-type", NULL, ENUM, "ip",
           0, 0, "ip hostname unknown-endpoint", 0),
    STORED("cluster-replica-no-failover", "cluster-slave-no-failover", BOOL, "no",
           0, 0, NULL, 0),
    STORED("cluster-replica-validity-factor", "cluster-slave-validity-factor", INT, "10",
           0, 2147483647, NULL, 0),
    STORED("cluster-require-full-coverage", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("crash-log-enabled", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("crash-memcheck-enabled", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("disable-thp", NULL, BOOL, "yes",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("dynamic-hz", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("hash-max-listpack-entries", "hash-max-ziplist-entries", INT, "512",
           0, LLONG_MAX, NULL, 0),
    STORED("hash-max-listpack-value", "hash-max-ziplist-value", MEM, "64",
           0, LLONG_MAX, NULL, 0),
    STORED("ignore-warnings", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("io-threads", NULL, INT, "1",
           LLONG_MIN, LLONG_MAX, NULL, CONFIG_IMMUTABLE),
    STORED("io-threads-do-reads", NULL, BOOL, "no",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("jemalloc-bg-thread", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("latency-monitor-threshold", NULL, INT, "0",
           0, LLONG_MAX, NULL, 0),
    STORED("latency-tracking", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("latency-tracking-info-percentiles", NULL, STR, "50 99 99.9",
           0, 0, NULL, 0),
    STORED("lazyfree-lazy-eviction", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("lazyfree-lazy-expire", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("lazyfree-lazy-server-del", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("lazyfree-lazy-user-del", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("lazyfree-lazy-user-flush", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("lfu-decay-time", NULL, INT, "1",
           0, 2147483647, NULL, 0),
    STORED("lfu-log-factor", NULL, INT, "10",
           0, 2147483647, NULL, 0),
    STORED("list-compress-depth", NULL, INT, "0",
           0, 2147483647, NULL, 0),
    STORED("list-max-listpack-size", "list-max-ziplist-size", INT, "-2",
           -2147483648, 2147483647, NULL, 0),
    STORED("masteruser", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("maxmemory-clients", NULL, STR, "0",
           0, 0, NULL, 0),
    STORED("maxmemory-eviction-tenacity", NULL, INT, "10",
           0, 100, NULL, 0),
    STORED("no-appendfsync-on-rewrite", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("notify-keyspace-events", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("oom-score-adj", NULL, ENUM, "no",
           0, 0, "no yes relative absolute", 0),
    STORED("oom-score-adj-values", NULL, STR, "0 200 800",
           0, 0, NULL, 0),
    STORED("proc-title-template", NULL, STR, "{title} {listen-addr} {server-mode}",
           0, 0, NULL, 0),
    STORED("propagation-error-behavior", NULL, ENUM, "ignore",
           0, 0, "ignore panic panic-on-replicas", 0),
    STORED("proto-max-bulk-len", NULL, MEM, "536870912",
           1048576, LLONG_MAX, NULL, 0),
    STORED("rdb-del-sync-files", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("rdb-save-incremental-fsync", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("rdbchecksum", NULL, BOOL, "yes",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("rdbcompression", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("repl-backlog-ttl", NULL, INT, "3600",
           0, LLONG_MAX, NULL, 0),
    STORED("repl-disable-tcp-nodelay", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("repl-diskless-load", NULL, ENUM, "disabled",
           0, 0, "disabled on-empty-db swapdb", 0),
    STORED("repl-diskless-sync", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("repl-diskless-sync-delay", NULL, INT, "5",
           0, 2147483647, NULL, 0),
    STORED("repl-diskless-sync-max-replicas", NULL, INT, "0",
           0, 2147483647, NULL, 0),
    STORED("replica-announce-ip", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("replica-announce-port", "slave-announce-port", INT, "0",
           0, 65535, NULL, 0),
    STORED("replica-announced", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("replica-ignore-disk-write-errors", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("replica-ignore-maxmemory", "slave-ignore-maxmemory", BOOL, "yes",
           0, 0, NULL, 0),
    STORED("replica-lazy-flush", "slave-lazy-flush", BOOL, "no",
           0, 0, NULL, 0),
    STORED("replica-priority", "slave-priority", INT, "100",
           0, 2147483647, NULL, 0),
    STORED("replica-serve-stale-data", "slave-serve-stale-data", BOOL, "yes",
           0, 0, NULL, 0),
    STORED("sanitize-dump-payload", NULL, ENUM, "no",
           0, 0, "no yes clients", 0),
    STORED("server_cpulist", NULL, STR, "",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("set-max-intset-entries", NULL, INT, "512",
           0, LLONG_MAX, NULL, 0),
    STORED("set-proc-title", NULL, BOOL, "yes",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("shutdown-on-sigint", NULL, ENUM, "default",
           0, 0, "default save nosave now force", 0),
    STORED("shutdown-on-sigterm", NULL, ENUM, "default",
           0, 0, "default save nosave now force", 0),
    STORED("shutdown-timeout", NULL, INT, "10",
           0, 2147483647, NULL, 0),
    STORED("slave-announce-ip", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("slowlog-log-slower-than", NULL, INT, "10000",
           -1, LLONG_MAX, NULL, 0),
    STORED("slowlog-max-len", NULL, INT, "128",
           0, LLONG_MAX, NULL, 0),
    STORED("socket-mark-id", NULL, INT, "0",
           LLONG_MIN, LLONG_MAX, NULL, CONFIG_IMMUTABLE),
    STORED("stop-writes-on-bgsave-error", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("stream-node-max-bytes", NULL, MEM, "4096",
           0, LLONG_MAX, NULL, 0),
    STORED("stream-node-max-entries", NULL, INT, "100",
           0, LLONG_MAX, NULL, 0),
    STORED("supervised", NULL, BOOL, "no",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("syslog-enabled", NULL, BOOL, "no",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("syslog-facility", NULL, STR, "local0",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("syslog-ident", NULL, STR, "redis",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("tls-auth-clients", NULL, ENUM, "yes",
           0, 0, "no yes optional", 0),
    STORED("tls-ca-cert-dir", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-ca-cert-file", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-cert-file", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-ciphers", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-ciphersuites", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-client-cert-file", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-client-key-file", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-client-key-file-pass", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-cluster", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("tls-dh-params-file", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-key-file", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-key-file-pass", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-port", NULL, INT, "0",
           0, 65535, NULL, 0),
    STORED("tls-prefer-server-ciphers", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("tls-protocols", NULL, STR, "",
           0, 0, NULL, 0),
    STORED("tls-replication", NULL, BOOL, "no",
           0, 0, NULL, 0),
    STORED("tls-session-cache-size", NULL, INT, "20480",
           0, 2147483647, NULL, 0),
    STORED("tls-session-cache-timeout", NULL, INT, "300",
           0, 2147483647, NULL, 0),
    STORED("tls-session-caching", NULL, BOOL, "yes",
           0, 0, NULL, 0),
    STORED("tracking-table-max-keys", NULL, INT, "1000000",
           0, LLONG_MAX, NULL, 0),
    STORED("unixsocket", NULL, STR, "",
           0, 0, NULL, CONFIG_IMMUTABLE),
    STORED("unixsocketperm", NULL, INT, "0",
           LLONG_MIN, LLONG_MAX, NULL, CONFIG_IMMUTABLE),
    STORED("zset-max-listpack-entries", "zset-max-ziplist-entries", INT, "128",
           0, LLONG_MAX, NULL, 0),
    STORED("zset-max-listpack-value", "zset-max-ziplist-value", MEM, "64",
           0, LLONG_MAX, NULL, 0),
};

#undef STORED

#define CONFIG_STORED_COUNT \
    (sizeof(config_stored_table) / sizeof(config_stored_table[0]))

/* Checks Redis makes of a few stored parameters beyond their kind: 0, or
 * -1 and 'err'. */
static int config_check_percentiles(const char *value, char *err,
                                    size_t errlen)
{
    const char *p = value;
    while (*p != '\0') {
        char *end;
        double v = strtod(p, &end);
        if (end == p || (*end != ' ' && *end != '\0')) {
            snprintf(err, errlen, "Invalid latency-tracking-info-percentiles "
                     "parameters");
            return -1;
        }
        if (v < 0.0 || v > 100.0) {
            snprintf(err, errlen, "latency-tracking-info-percentiles "
                     "parameters should sit between [0.0,100.0]");
            return -1;
        }
        p = end + strspn(end, " ");
    }
    return 0;
}

static int config_check_oom_values(const char *value, char *err,
                                   size_t errlen)
{
    char *end;
    const char *p = value;
    int n = 0;
    bool bad = false;
    while (*p != '\0') {
        errno = 0;
        long x = strtol(p, &end, 10);
        bad |= end == p || (*end != ' ' && *end != '\0') || errno != 0 ||
               x < -2000 || x > 2000;
        if (end == p) {
            end += strcspn(end, " ");
        }
        n++;
        p = end + strspn(end, " ");
    }
    if (n != 3) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    if (bad) {
        snprintf(err, errlen, "Invalid oom-score-adj-values");
        return -1;
    }
    return 0;
}

static int config_check_memory_or_percent(const char *value, char *err,
                                          size_t errlen)
{
    size_t len = strlen(value);
    long long v;
    if (len > 1 && value[len - 1] == '%') {
        char *end;
        errno = 0;
        v = strtoll(value, &end, 10);
        if (end == value + len - 1 && errno == 0 && v >= 0) {
            return 0;
        }
    } else if (config_parse_memory(value, &v) == 0) {
        return 0;
    }
    snprintf(err, errlen, "argument must be a memory or percent value");
    return -1;
}

/* We have no TLS and no defragmenter: only their "off" values stand. */
static int config_check_tls(const char *value, char *err, size_t errlen)
{
    if (strcmp(value, "0") == 0 || strcasecmp(value, "no") == 0) {
        return 0;
    }
    snprintf(err, errlen, "Unable to update TLS configuration: this server "
             "has no TLS");
    return -1;
}

static int config_check_defrag(const char *value, char *err, size_t errlen)
{
    if (strcasecmp(value, "yes") != 0) {
        return 0;
    }
    snprintf(err, errlen, "Active defragmentation cannot be enabled: this "
             "server has no defragmenter");
    return -1;
}

static const struct {
    const char *name;
    int (*check)(const char *value, char *err, size_t errlen);
} config_stored_checks[] = {
    { "activedefrag", config_check_defrag },
    { "latency-tracking-info-percentiles", config_check_percentiles },
    { "maxmemory-clients", config_check_memory_or_percent },
    { "oom-score-adj-values", config_check_oom_values },
    { "tls-cluster", config_check_tls },
    { "tls-port", config_check_tls },
    { "tls-replication", config_check_tls },
};

/* The current value of each stored parameter (owned). */
static char *config_stored_values[CONFIG_STORED_COUNT];

/* ------------------------------------------------------------------------
 * Parsing and applying */

int config_parse_memory(const char *text, long long *bytes)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || errno != 0 || v < 0) {
        return -1;
    }
    long long mul = 1;
    if (*end != '\0') {
        static const struct {
            const char *unit;
            long long mul;
        } units[] = {
            { "k", 1000LL }, { "kb", 1024LL }, { "m", 1000000LL },
            { "mb", 1024LL * 1024 }, { "g", 1000000000LL },
            { "gb", 1024LL * 1024 * 1024 }, { "b", 1 },
        };
        mul = 0;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            if (strcasecmp(end, units[i].unit) == 0) {
                mul = units[i].mul;
            }
        }
        if (mul == 0 || v > LLONG_MAX / mul) {
            return -1;
        }
    }
    *bytes = v * mul;
    return 0;
}

static const struct config_directive *config_find(const char *name)
{
    for (size_t i = 0; i < CONFIG_COUNT; i++) {
        const struct config_directive *d = &config_table[i];
        if (strcasecmp(d->name, name) == 0 ||
            (d->alias != NULL && strcasecmp(d->alias, name) == 0)) {
            return d;
        }
    }
    return NULL;
}

/* Parse and store 'argc' value words for 'd'. */
static int config_set_value(const struct config_directive *d, int argc,
                            char **argv, char *err, size_t errlen)
{
    char *field = (char *)&server + d->offset;
    if (d->kind == CONFIG_SPECIAL) {
        if (d->set(argc, argv, err, errlen) != 0) {
            return -1;
        }
    } else if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    } else if (d->kind == CONFIG_BOOL) {
        if (strcasecmp(argv[0], "yes") != 0 &&
            strcasecmp(argv[0], "no") != 0) {
            snprintf(err, errlen, "argument must be 'yes' or 'no'");
            return -1;
        }
        *(bool *)(void *)field = strcasecmp(argv[0], "yes") == 0;
    } else if (d->kind == CONFIG_INT || d->kind == CONFIG_LONG ||
               d->kind == CONFIG_MEMORY) {
        long long v;
        if (d->kind == CONFIG_MEMORY) {
            if (config_parse_memory(argv[0], &v) != 0) {
                snprintf(err, errlen, "argument must be a memory value");
                return -1;
            }
        } else {
            char *end;
            errno = 0;
            v = strtoll(argv[0], &end, 10);
            if (end == argv[0] || *end != '\0' || errno != 0) {
                snprintf(err, errlen, "argument couldn't be parsed into an "
                         "integer");
                return -1;
            }
        }
        if (v < d->min || v > d->max) {
            snprintf(err, errlen, "argument must be between %lld and %lld "
                     "inclusive", d->min, d->max);
            return -1;
        }
        if (d->kind == CONFIG_INT) {
            *(int *)(void *)field = (int)v;
        } else {
            *(long long *)(void *)field = v;
        }
    } else {
        if (d->choices != NULL) {
            size_t i = 0;
            while (d->choices[i] != NULL &&
                   strcasecmp(d->choices[i], argv[0]) != 0) {
                i++;
            }
            if (d->choices[i] == NULL) {
                char *list = sds_new_empty(64);
                for (i = 0; d->choices[i] != NULL; i++) {
                    list = sds_cat(list, i ? ", " : "", i ? 2 : 0);
                    list = sds_cat(list, d->choices[i],
                                   strlen(d->choices[i]));
                }
                snprintf(err, errlen, "argument(s) must be one of the "
                         "following: %s", list);
                sds_free(list);
                return -1;
            }
        }
        config_set_string((char **)(void *)field, argv[0]);
    }
    if (d->after != NULL) {
        return d->after(err, errlen);
    }
    return 0;
}

/* The stored parameter named 'name' (any case), or -1. */
static int config_stored_find(const char *name)
{
    if (config_find(name) != NULL) {
        return -1;
    }
    for (size_t i = 0; i < CONFIG_STORED_COUNT; i++) {
        const struct config_stored *p = &config_stored_table[i];
        if (strcasecmp(p->name, name) == 0 ||
            (p->alias != NULL && strcasecmp(p->alias, name) == 0)) {
            return (int)i;
        }
    }
    return -1;
}

const char *config_stored_get(const char *name)
{
    int i = config_stored_find(name);
    return i >= 0 ? config_stored_values[i] : "";
}

/* Check 'value' for stored parameter 'i' and store it (normalised: memory
 * units become bytes, yes/no and choices lower case). 0, or -1 and
 * 'err'. */
static int config_stored_set(int i, const char *value, char *err,
                             size_t errlen)
{
    const struct config_stored *p = &config_stored_table[i];
    char buf[SERVER_LONG_STR_SIZE];
    const char *norm = value;
    if (p->kind == BOOL) {
        if (strcasecmp(value, "yes") != 0 && strcasecmp(value, "no") != 0) {
            snprintf(err, errlen, "argument must be 'yes' or 'no'");
            return -1;
        }
        norm = strcasecmp(value, "yes") == 0 ? "yes" : "no";
    } else if (p->kind == INT || p->kind == MEM) {
        long long v;
        char *end;
        errno = 0;
        if (p->kind == MEM) {
            if (config_parse_memory(value, &v) != 0) {
                snprintf(err, errlen, "argument must be a memory value");
                return -1;
            }
        } else {
            v = strtoll(value, &end, 10);
            if (end == value || *end != '\0' || errno != 0) {
                snprintf(err, errlen, "argument couldn't be parsed into an "
                         "integer");
                return -1;
            }
        }
        if (v < p->min || v > p->max) {
            snprintf(err, errlen, "argument must be between %lld and %lld "
                     "inclusive", p->min, p->max);
            return -1;
        }
        util_ll2str(buf, v);
        norm = buf;
    } else if (p->kind == ENUM) {
        size_t len = strlen(value);
        const char *c = p->choices;
        norm = NULL;
        while (*c != '\0' && norm == NULL) {
            size_t w = strcspn(c, " ");
            if (w == len && strncasecmp(c, value, len) == 0) {
                snprintf(buf, sizeof(buf), "%.*s", (int)w, c);
                norm = buf;
            }
            c += w + (c[w] == ' ');
        }
        if (norm == NULL) {
            char list[160];
            size_t n = 0;
            for (c = p->choices; *c != '\0' && n + 3 < sizeof(list); c++) {
                if (*c == ' ') {
                    list[n++] = ',';
                }
                list[n++] = *c;
            }
            list[n] = '\0';
            snprintf(err, errlen, "argument(s) must be one of the "
                     "following: %s", list);
            return -1;
        }
    }
    for (size_t k = 0; k < sizeof(config_stored_checks) /
                           sizeof(config_stored_checks[0]); k++) {
        if (strcmp(config_stored_checks[k].name, p->name) == 0 &&
            config_stored_checks[k].check(norm, err, errlen) != 0) {
            return -1;
        }
    }
    config_set_string(&config_stored_values[i], norm);
    return 0;
}

int config_apply(int argc, char **argv, char *err, size_t errlen)
{
    if (strcasecmp(argv[0], "user") == 0) {
        return acl_conf_user(argc - 1, argv + 1, err, errlen);
    }
    const struct config_directive *d = config_find(argv[0]);
    int stored = d == NULL ? config_stored_find(argv[0]) : -1;
    if (stored >= 0) {
        char why[256];
        char *value = config_join(argc - 1, argv + 1);
        int rc = config_stored_set(stored, value, why, sizeof(why));
        sds_free(value);
        if (rc != 0) {
            snprintf(err, errlen, "bad value for '%s': %s", argv[0], why);
        }
        return rc;
    }
    if (d == NULL) {
        snprintf(err, errlen, "unknown directive '%s'", argv[0]);
        return -1;
    }
    char why[256];
    if (config_set_value(d, argc - 1, argv + 1, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "bad value for '%s': %s", argv[0], why);
        return -1;
    }
    return 0;
}

void config_init(void)
{
    char err[256];
    for (size_t i = 0; i < CONFIG_COUNT; i++) {
        const struct config_directive *d = &config_table[i];
        if (d->def == NULL) {
            continue;
        }
        char *value = mem_strdup(d->def);
        char *words[32];
        int n = 0;
        if (d->kind == CONFIG_SPECIAL) {
            char *save = NULL;
            for (char *w = strtok_r(value, " ", &save); w != NULL && n < 32;
                 w = strtok_r(NULL, " ", &save)) {
                words[n++] = w;
            }
        } else {
            words[n++] = value;
        }
        if (d->kind == CONFIG_SPECIAL && d->set == config_set_save) {
            config_save_appending = false;
        }
        if (config_set_value(d, n, words, err, sizeof(err)) != 0) {
            log_error("bad default for '%s': %s", d->name, err);
            abort();
        }
        mem_free(value);
    }
    config_save_appending = false;
    for (size_t i = 0; i < CONFIG_STORED_COUNT; i++) {
        config_set_string(&config_stored_values[i],
                          config_stored_table[i].def);
    }
}

void config_begin_source(void)
{
    config_save_appending = false;
}

int config_load_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot open config file '%s': %s", path,
                 strerror(errno));
        return -1;
    }
    config_begin_source();
    char *line = NULL; /* getline's: any length */
    size_t cap = 0;
    int lineno = 0;
    int rc = 0;
    /* A line splits into words as Redis splits it, which is how an inline
     * request splits: lib/resp does it for both. */
    struct resp_request split;
    resp_request_init(&split);
    while (getline(&line, &cap, f) != -1) {
        lineno++;
        const char *first = line + strspn(line, " \t");
        if (*first == '#') {
            continue; /* a comment may hold quotes of its own */
        }
        resp_request_clear(&split);
        char *words[256];
        if (resp_request_split(&split, line, strlen(line)) != RESP_OK ||
            split.argc > 256) {
            snprintf(err, errlen, "config file '%s' line %d: unbalanced "
                     "quotes or too many arguments", path, lineno);
            rc = -1;
            break;
        }
        int n = split.argc;
        for (int i = 0; i < n; i++) {
            words[i] = split.line + split.argv[i].off;
        }
        if (n == 0) {
            continue;
        }
        char why[512];
        if (config_apply(n, words, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "config file '%s' line %d: %s", path,
                     lineno, why);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "cannot read config file '%s': %s", path,
                 strerror(errno));
        rc = -1;
    }
    free(line);
    resp_request_release(&split);
    fclose(f);
    config_begin_source();
    return rc;
}

void config_release(void)
{
    for (size_t i = 0; i < CONFIG_COUNT; i++) {
        if (config_table[i].kind == CONFIG_STRING) {
            char **field = (char **)(void *)((char *)&server +
                                             config_table[i].offset);
            mem_free(*field);
            *field = NULL;
        }
    }
    for (size_t i = 0; i < CONFIG_STORED_COUNT; i++) {
        mem_free(config_stored_values[i]);
        config_stored_values[i] = NULL;
    }
    acl_release();
    mem_free(server.bind);
    mem_free(server.save);
    mem_free(server.loglevel);
    mem_free(server.masterhost);
    mem_free(server.config_file);
    server.bind = server.save = server.loglevel = NULL;
    server.masterhost = server.config_file = NULL;
}

/* ------------------------------------------------------------------------
 * CONFIG */

/* The current value of 'd' as a new sds string. */
static char *config_value(const struct config_directive *d)
{
    const char *field = (const char *)&server + d->offset;
    char buf[SERVER_LONG_STR_SIZE];
    switch (d->kind) {
    case CONFIG_BOOL:
        return sds_new(*(const bool *)(const void *)field ? "yes" : "no",
                       *(const bool *)(const void *)field ? 3 : 2);
    case CONFIG_INT:
        return sds_new(buf, util_ll2str(buf,
                                        *(const int *)(const void *)field));
    case CONFIG_LONG:
    case CONFIG_MEMORY:
        return sds_new(buf, util_ll2str(
            buf, *(const long long *)(const void *)field));
    case CONFIG_STRING: {
        const char *s = *(char *const *)(const void *)field;
        return sds_new(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
    }
    case CONFIG_SPECIAL:
    default:
        return d->get();
    }
}

/* True if one of CONFIG GET's patterns matches 'name'. A hidden
 * parameter answers only to its exact name, as in Redis. */
static bool config_get_matches(struct client *c, const char *name,
                               bool hidden)
{
    for (int a = 2; a < c->argc; a++) {
        const struct arg *pat = &c->argv[a];
        if (hidden ? strlen(name) == pat->len &&
                         strncasecmp(name, pat->ptr, pat->len) == 0
                   : util_glob_match(pat->ptr, pat->len, name, strlen(name),
                                     true)) {
            return true;
        }
    }
    return false;
}

/* CONFIG GET pattern [pattern ...]: each parameter (and each alias) that
 * a pattern matches, once. */
static void config_cmd_get(struct client *c)
{
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (size_t i = 0; i < CONFIG_COUNT; i++) {
        const struct config_directive *d = &config_table[i];
        const char *names[2] = { d->name, d->alias };
        for (int k = 0; k < 2; k++) {
            if (names[k] != NULL &&
                config_get_matches(c, names[k],
                                   (d->flags & CONFIG_HIDDEN) != 0)) {
                char *v = config_value(d);
                reply_bulk_str(c, names[k]);
                reply_bulk_sds(c, v);
                sds_free(v);
                n++;
            }
        }
    }
    for (size_t i = 0; i < CONFIG_STORED_COUNT; i++) {
        const struct config_stored *p = &config_stored_table[i];
        const char *names[2] = { p->name, p->alias };
        for (int k = 0; k < 2; k++) {
            if (names[k] != NULL && config_find(p->name) == NULL &&
                config_get_matches(c, names[k], false)) {
                reply_bulk_str(c, names[k]);
                reply_bulk_str(c, config_stored_values[i]);
                n++;
            }
        }
    }
    reply_set_map_len(c, handle, n);
}

/* One parameter of a CONFIG SET: which it is and its value before. */
struct config_change {
    const struct config_directive *d; /* or NULL: a stored one */
    int stored;                       /* config_stored_table index */
    char *old;                        /* value before (sds for 'd') */
};

/* Set parameter 'ch' to 'value'. 0, or -1 and 'err'. */
static int config_change_apply(const struct config_change *ch, char *value,
                               char *err, size_t errlen)
{
    if (ch->d == NULL) {
        return config_stored_set(ch->stored, value, err, errlen);
    }
    config_begin_source();
    return config_set_value(ch->d, 1, &value, err, errlen);
}

/* CONFIG SET name value [name value ...]: all or nothing. Every name is
 * checked first (known, not twice, mutable, not protected); then values
 * are applied in order, and if one fails those before it get their old
 * values back, as Redis does. */
static void config_cmd_set(struct client *c)
{
    if (c->argc % 2 != 0) {
        reply_syntax_error(c);
        return;
    }
    int n = (c->argc - 2) / 2;
    struct config_change *ch = mem_calloc((size_t)n, sizeof(*ch));
    int applied = 0;
    for (int k = 0; k < n; k++) {
        const char *name = c->argv[2 + 2 * k].ptr;
        ch[k].d = config_find(name);
        ch[k].stored = ch[k].d == NULL ? config_stored_find(name) : -1;
        if (ch[k].d == NULL && ch[k].stored < 0) {
            reply_error(c, "Unknown option or number of arguments for CONFIG "
                           "SET - '%s'", name);
            goto done;
        }
        unsigned flags = ch[k].d != NULL
                             ? ch[k].d->flags
                             : config_stored_table[ch[k].stored].flags;
        const char *why = NULL;
        for (int j = 0; j < k; j++) {
            if (strcasecmp(c->argv[2 + 2 * j].ptr, name) == 0) {
                why = "duplicate parameter";
            }
        }
        if (why == NULL && (flags & CONFIG_IMMUTABLE)) {
            why = "can't set immutable config";
        }
        if (why == NULL && (flags & CONFIG_PROTECTED) &&
            !(c->flags & (CLIENT_MASTER | CLIENT_LOADER)) &&
            !client_may_protected(c, server.enable_protected_configs)) {
            why = "can't set protected config";
        }
        if (why != NULL) {
            reply_error(c, "CONFIG SET failed (possibly related to argument "
                           "'%s') - %s", name, why);
            goto done;
        }
    }
    for (int k = 0; k < n; k++) {
        ch[k].old = ch[k].d != NULL
                        ? config_value(ch[k].d)
                        : sds_new(config_stored_values[ch[k].stored],
                                  strlen(config_stored_values[ch[k].stored]));
    }
    for (; applied < n; applied++) {
        char err[256];
        if (config_change_apply(&ch[applied], c->argv[3 + 2 * applied].ptr,
                                err, sizeof(err)) != 0) {
            reply_error(c, "CONFIG SET failed (possibly related to argument "
                           "'%s') - %s", c->argv[2 + 2 * applied].ptr, err);
            /* The failed one too: its 'after' hook may fail once stored. */
            for (int k = applied; k >= 0; k--) {
                char ignored[256];
                if (config_change_apply(&ch[k], ch[k].old, ignored,
                                        sizeof(ignored)) != 0) {
                    log_warn("CONFIG SET could not restore '%s': %s",
                                c->argv[2 + 2 * k].ptr, ignored);
                }
            }
            goto done;
        }
    }
    reply_ok(c);
done:
    for (int k = 0; k < n; k++) {
        sds_free(ch[k].old);
    }
    mem_free(ch);
}

/* ------------------------------------------------------------------------
 * CONFIG REWRITE */

/* One value word for a config file line: as is when it is a plain word,
 * else double-quoted with escapes (an empty value becomes ""). */
static char *config_cat_word(char *line, const char *w, size_t len)
{
    bool plain = len > 0;
    for (size_t i = 0; i < len && plain; i++) {
        unsigned char ch = (unsigned char)w[i];
        plain = ch > ' ' && ch < 127 && ch != '"' && ch != '\'' &&
                ch != '\\';
    }
    if (plain) {
        return sds_cat(line, w, len);
    }
    line = sds_cat(line, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)w[i];
        if (ch == '"' || ch == '\\') {
            line = sds_catfmt(line, "\\%c", ch);
        } else if (ch < ' ' || ch >= 127) {
            line = sds_catfmt(line, "\\x%02x", ch);
        } else {
            line = sds_cat(line, w + i, 1);
        }
    }
    return sds_cat(line, "\"", 1);
}

/* The config file line that sets 'name' to 'value': several words for a
 * parameter whose value is a list (save, bind, client-output-buffer-limit),
 * one quoted word otherwise. Returns a new sds string with a newline. */
static char *config_rewrite_line(const char *name, const char *value,
                                 bool words)
{
    char *line = sds_new(name, strlen(name));
    line = sds_cat(line, " ", 1);
    if (!words || value[0] == '\0') {
        line = config_cat_word(line, value, strlen(value));
    } else {
        const char *p = value;
        while (*p != '\0') {
            size_t w = strcspn(p, " ");
            line = config_cat_word(line, p, w);
            p += w;
            p += strspn(p, " ");
            if (*p != '\0') {
                line = sds_cat(line, " ", 1);
            }
        }
    }
    return sds_cat(line, "\n", 1);
}

/* The parameter a config file line sets ("" if none): its first word,
 * lower case, written to 'name' (room for 'len'). */
static void config_line_name(const char *line, char *name, size_t len)
{
    line += strspn(line, " \t");
    size_t n = 0;
    while (line[n] != '\0' && !strchr(" \t\r\n", line[n]) && n + 1 < len) {
        name[n] = (char)(line[n] >= 'A' && line[n] <= 'Z' ? line[n] + 32
                                                         : line[n]);
        n++;
    }
    name[n] = '\0';
    if (name[0] == '#') {
        name[0] = '\0';
    }
}

/* Parameter 'i' (config_table first, then config_stored_table) for the
 * rewrite: its names, current value (new sds), default and whether the
 * value is a list of words. Returns false for an index past both tables
 * or a stored parameter the table above shadows. */
static bool config_rewrite_param(size_t i, const char **name,
                                 const char **alias, char **value,
                                 const char **def, bool *words)
{
    if (i < CONFIG_COUNT) {
        const struct config_directive *d = &config_table[i];
        *name = d->name;
        *alias = d->alias;
        *value = config_value(d);
        *def = d->def;
        *words = d->kind == CONFIG_SPECIAL;
        return true;
    }
    i -= CONFIG_COUNT;
    if (i >= CONFIG_STORED_COUNT ||
        config_find(config_stored_table[i].name) != NULL) {
        return false;
    }
    const struct config_stored *p = &config_stored_table[i];
    *name = p->name;
    *alias = p->alias;
    *value = sds_new(config_stored_values[i],
                     strlen(config_stored_values[i]));
    *def = p->def;
    *words = p->kind == STR && strchr(p->def, ' ') != NULL;
    return true;
}

static int config_rewrite(bool force_all, char *err, size_t errlen);

/* DEBUG CONFIG-REWRITE-FORCE-ALL: the rewrite with every parameter. */
int config_rewrite_all(char *err, size_t errlen)
{
    return config_rewrite(true, err, errlen);
}

/* Rewrite the config file the server started with: a line that sets a
 * parameter gets its current value (later lines for it go), other lines
 * stay as they are, and parameters that differ from their default and
 * have no line are appended. Written to a temporary file, then renamed.
 * 0, or -1 and 'err'. */
static int config_rewrite(bool force_all, char *err, size_t errlen)
{
    if (server.config_file == NULL) {
        snprintf(err, errlen, "The server is running without a config file");
        return -1;
    }
    size_t total = CONFIG_COUNT + CONFIG_STORED_COUNT;
    bool *done = mem_calloc(total, sizeof(*done));
    char *out = sds_new_empty(4096);
    FILE *f = fopen(server.config_file, "r");
    /* "user" lines become the users of now, in name order, one per old
     * line, the rest at the end; none when users live in the aclfile. */
    bool users = config_stored_get("aclfile")[0] == '\0';
    size_t next_user = 0;
    if (f != NULL) {
        char line[64 * 1024];
        while (fgets(line, sizeof(line), f) != NULL) {
            char name[128];
            config_line_name(line, name, sizeof(name));
            if (strcmp(name, "user") == 0) {
                char *u = users ? acl_user_line(next_user++) : NULL;
                if (u != NULL) {
                    out = sds_cat(out, u, sds_len(u));
                    out = sds_cat(out, "\n", 1);
                    sds_free(u);
                }
                continue;
            }
            size_t i = 0;
            const char *n, *alias, *def;
            char *value = NULL;
            bool words;
            for (; i < total; i++) {
                if (config_rewrite_param(i, &n, &alias, &value, &def,
                                         &words)) {
                    if (strcmp(n, name) == 0 ||
                        (alias != NULL && strcmp(alias, name) == 0)) {
                        break;
                    }
                    sds_free(value);
                    value = NULL;
                }
            }
            if (i == total) {
                out = sds_cat(out, line, strlen(line));
            } else if (!done[i]) {
                char *l = config_rewrite_line(n, value, words);
                out = sds_cat(out, l, sds_len(l));
                sds_free(l);
                done[i] = true;
            }
            sds_free(value);
        }
        fclose(f);
    }
    bool marked = false;
    for (size_t i = 0; i < total; i++) {
        const char *n, *alias, *def;
        char *value;
        bool words;
        if (done[i] ||
            !config_rewrite_param(i, &n, &alias, &value, &def, &words)) {
            continue;
        }
        /* No default (dir, replicaof): written when set at all. */
        if (force_all ||
            (def == NULL ? value[0] != '\0' : strcmp(def, value) != 0)) {
            if (!marked) {
                const char *mark = "# Generated by CONFIG REWRITE\n";
                out = sds_cat(out, mark, strlen(mark));
                marked = true;
            }
            char *l = config_rewrite_line(n, value, words);
            out = sds_cat(out, l, sds_len(l));
            sds_free(l);
        }
        sds_free(value);
    }
    char *u;
    while (users && (u = acl_user_line(next_user++)) != NULL) {
        if (!marked) {
            const char *mark = "# Generated by CONFIG REWRITE\n";
            out = sds_cat(out, mark, strlen(mark));
            marked = true;
        }
        out = sds_cat(out, u, sds_len(u));
        out = sds_cat(out, "\n", 1);
        sds_free(u);
    }
    mem_free(done);
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof(tmp), "%s.rewrite-%d", server.config_file,
             (int)getpid());
    FILE *w = fopen(tmp, "w");
    int rc = 0;
    if (w == NULL || fwrite(out, 1, sds_len(out), w) != sds_len(out) ||
        fflush(w) != 0 || fsync(fileno(w)) != 0) {
        snprintf(err, errlen, "Rewriting config file: %s", strerror(errno));
        rc = -1;
    }
    if (w != NULL && fclose(w) != 0 && rc == 0) {
        snprintf(err, errlen, "Rewriting config file: %s", strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(tmp, server.config_file) != 0) {
        snprintf(err, errlen, "Rewriting config file: %s", strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        unlink(tmp);
    }
    sds_free(out);
    return rc;
}

static void config_reset_stats(void)
{
    server.stat_connections = 0;
    server.stat_commands = 0;
    server.stat_rejected_conn = 0;
    server.stat_expired_keys = 0;
    server.stat_keyspace_hits = 0;
    server.stat_keyspace_misses = 0;
    server.stat_net_input_bytes = 0;
    server.stat_net_output_bytes = 0;
    server.stat_error_replies = 0;
    server.stat_unexpected_error_replies = 0;
    server.stat_total_forks = 0;
    info_reset_errors();
    server.stat_evicted_keys = 0;
    repl.stat_sync_full = 0;
    repl.stat_sync_partial_ok = 0;
    repl.stat_sync_partial_err = 0;
    server.stat_ops_sample_count = 0;
    server.stat_ops_per_sec = 0;
    server.peak_memory = server.used_memory;
    size_t count;
    const struct command *table = commands_table(&count);
    for (size_t i = 0; i < count; i++) {
        struct command_stats *st = commands_stats(&table[i]);
        st->calls = st->usec = st->failed = st->rejected = 0;
    }
}

/* CONFIG GET pattern [pattern ...] | SET name value [name value ...] |
 * RESETSTAT | HELP */
void cmd_config(struct client *c)
{
    const struct arg *sub = &c->argv[1];
    if (commands_subcommand_or_reply(c) == NULL) {
        return;
    }
    if (arg_is(sub, "get")) {
        config_cmd_get(c);
    } else if (arg_is(sub, "set")) {
        config_cmd_set(c);
    } else if (arg_is(sub, "resetstat")) {
        config_reset_stats();
        reply_ok(c);
    } else if (arg_is(sub, "rewrite")) {
        char err[512];
        if (config_rewrite(false, err, sizeof(err)) != 0) {
            reply_error(c, "%s", err);
            return;
        }
        log_info("CONFIG REWRITE executed with success");
        reply_ok(c);
    } else {
        reply_array(c, 5);
        reply_simple(c, "CONFIG <subcommand> [<arg> [value] [opt] ...]. "
                        "Subcommands are:");
        reply_simple(c, "GET <pattern> [<pattern> ...]");
        reply_simple(c, "SET <directive> <value> [<directive> <value> ...]");
        reply_simple(c, "RESETSTAT");
        reply_simple(c, "REWRITE");
    }
}
