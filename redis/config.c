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
#include "redis/replication.h"
#include "redis/server.h"

/* How a directive's value is parsed and stored. */
enum config_kind {
    CONFIG_BOOL,    /* bool field; yes / no */
    CONFIG_INT,     /* int field in [min, max] */
    CONFIG_MEMORY,  /* long long field, bytes with units, in [min, max] */
    CONFIG_STRING,  /* char * field (owned); one of 'choices' if given */
    CONFIG_SPECIAL, /* parsed and printed by 'set' / 'get' */
};

#define CONFIG_IMMUTABLE (1u << 0) /* CONFIG SET refuses it */
#define CONFIG_PROTECTED (1u << 1) /* CONFIG SET only as
                                    * enable-protected-configs allows */

/* One directive.
 *   name, alias  the directive (alias: an older name, e.g. slaveof)
 *   kind         CONFIG_*
 *   offset       field in struct server (not for CONFIG_SPECIAL)
 *   def          default value, applied through the same parser at start
 *   min, max     bounds of CONFIG_INT / CONFIG_MEMORY
 *   flags        CONFIG_IMMUTABLE
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
    backlog_resize();
    return 0;
}

static int config_after_hz(char *err, size_t errlen)
{
    if (server_set_hz(server.hz) != 0) {
        snprintf(err, errlen, "cannot re-arm the cron");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The table */

static const char *const config_fsyncs[] = { "always", "everysec", "no",
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
      NULL, NULL, NULL, NULL },
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
    { "hash-max-listpack-entries", "hash-max-ziplist-entries", CONFIG_INT,
      FIELD(hash_max_listpack_entries), "512", 0, INT_MAX, 0, NULL, NULL,
      NULL, NULL },
    { "hash-max-listpack-value", "hash-max-ziplist-value", CONFIG_INT,
      FIELD(hash_max_listpack_value), "64", 0, INT_MAX, 0, NULL, NULL, NULL,
      NULL },
    { "zset-max-listpack-entries", "zset-max-ziplist-entries", CONFIG_INT,
      FIELD(zset_max_listpack_entries), "128", 0, INT_MAX, 0, NULL, NULL,
      NULL, NULL },
    { "zset-max-listpack-value", "zset-max-ziplist-value", CONFIG_INT,
      FIELD(zset_max_listpack_value), "64", 0, INT_MAX, 0, NULL, NULL, NULL,
      NULL },
    { "set-max-intset-entries", NULL, CONFIG_INT,
      FIELD(set_max_intset_entries), "512", 0, INT_MAX, 0, NULL, NULL, NULL,
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
      "1mb", 16 * 1024, LLONG_MAX, 0, NULL, NULL, NULL,
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
    { "hz", NULL, CONFIG_INT, FIELD(hz), "10", 1, 500, 0, NULL, NULL, NULL,
      config_after_hz },
    { "rdb-key-save-delay", NULL, CONFIG_INT, FIELD(rdb_key_save_delay), "0",
      0, INT_MAX, 0, NULL, NULL, NULL, NULL },
    { "client-query-buffer-limit", NULL, CONFIG_MEMORY,
      FIELD(client_max_querybuf_len), "1gb", 1024 * 1024, LLONG_MAX, 0,
      NULL, NULL, NULL, NULL },
    SPECIAL("client-output-buffer-limit", NULL,
            "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60", 0,
            config_set_obuf_limit, config_get_obuf_limit),
};

#define CONFIG_COUNT (sizeof(config_table) / sizeof(config_table[0]))

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
    } else if (d->kind == CONFIG_INT || d->kind == CONFIG_MEMORY) {
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

int config_apply(int argc, char **argv, char *err, size_t errlen)
{
    const struct config_directive *d = config_find(argv[0]);
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
    char line[64 * 1024];
    int lineno = 0;
    int rc = 0;
    /* A line splits into words as Redis splits it, which is how an inline
     * request splits: lib/resp does it for both. */
    struct resp_request split;
    resp_request_init(&split);
    while (fgets(line, sizeof(line), f) != NULL) {
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

static void config_cmd_get(struct client *c)
{
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (size_t i = 0; i < CONFIG_COUNT; i++) {
        const struct config_directive *d = &config_table[i];
        for (int a = 2; a < c->argc; a++) {
            const struct arg *pat = &c->argv[a];
            const char *match = NULL;
            if (util_glob_match(pat->ptr, pat->len, d->name, strlen(d->name),
                                true)) {
                match = d->name;
            } else if (d->alias != NULL &&
                       util_glob_match(pat->ptr, pat->len, d->alias,
                                       strlen(d->alias), true)) {
                match = d->alias;
            }
            if (match != NULL) {
                char *v = config_value(d);
                reply_bulk_str(c, match);
                reply_bulk_sds(c, v);
                sds_free(v);
                n += 2;
                break;
            }
        }
    }
    reply_set_array_len(c, handle, n);
}

static void config_cmd_set(struct client *c)
{
    if (c->argc < 4 || c->argc % 2 != 0) {
        reply_error(c, "Unknown option or number of arguments for CONFIG "
                       "SET - '%s'", c->argc > 2 ? c->argv[2].ptr : "");
        return;
    }
    for (int i = 2; i < c->argc; i += 2) {
        const struct config_directive *d = config_find(c->argv[i].ptr);
        if (d == NULL) {
            reply_error(c, "Unknown option or number of arguments for CONFIG "
                           "SET - '%s'", c->argv[i].ptr);
            return;
        }
        if (d->flags & CONFIG_IMMUTABLE) {
            reply_error(c, "CONFIG SET failed (possibly related to argument "
                           "'%s') - can't set immutable config",
                        c->argv[i].ptr);
            return;
        }
        if ((d->flags & CONFIG_PROTECTED) &&
            !(c->flags & (CLIENT_MASTER | CLIENT_LOADER)) &&
            !client_may_protected(c, server.enable_protected_configs)) {
            reply_error(c, "CONFIG SET failed (possibly related to argument "
                           "'%s') - can't set protected config",
                        c->argv[i].ptr);
            return;
        }
    }
    for (int i = 2; i < c->argc; i += 2) {
        const struct config_directive *d = config_find(c->argv[i].ptr);
        char err[256];
        char *value = c->argv[i + 1].ptr;
        config_begin_source();
        if (config_set_value(d, 1, &value, err, sizeof(err)) != 0) {
            reply_error(c, "CONFIG SET failed (possibly related to argument "
                           "'%s') - %s", c->argv[i].ptr, err);
            return;
        }
    }
    reply_ok(c);
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
        st->calls = st->usec = st->failed = 0;
    }
}

/* CONFIG GET pattern [pattern ...] | SET name value [name value ...] |
 * RESETSTAT | HELP */
void cmd_config(struct client *c)
{
    const struct arg *sub = &c->argv[1];
    if (arg_is(sub, "get") && c->argc >= 3) {
        config_cmd_get(c);
    } else if (arg_is(sub, "set")) {
        config_cmd_set(c);
    } else if (arg_is(sub, "resetstat") && c->argc == 2) {
        config_reset_stats();
        reply_ok(c);
    } else if (arg_is(sub, "help") && c->argc == 2) {
        reply_array(c, 4);
        reply_simple(c, "CONFIG <subcommand> [<arg> [value] [opt] ...]. "
                        "Subcommands are:");
        reply_simple(c, "GET <pattern> [<pattern> ...]");
        reply_simple(c, "SET <directive> <value> [<directive> <value> ...]");
        reply_simple(c, "RESETSTAT");
    } else {
        reply_error(c, "unknown subcommand or wrong number of arguments for "
                       "'%.128s'. Try CONFIG HELP.", sub->ptr);
    }
}
