/* config.ini reading and typed lookup; see conf.h. */
#include "lib/conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/conf_toml.h"
#include "lib/log.h"
#include "lib/mem.h"

/* Every config.ini key some role reads: a role warns about a key it did
 * not read only when no other role reads it either, since one file
 * serves them all. */
static const char *const conf_known_keys[] = {
    "coordinator", "zk", "zk_session_timeout", "product", "dashboard_addr",
    "password", "action_timeout", "proxy_id", "backend_ping_period",
    "session_max_timeout", "session_max_bufsize", "session_max_pipeline",
    "proto", "proxy_addr", "proxy_http_addr", "dashboard_listen_addr",
    "dashboard_auth", "dashboard_cors_origin", "session_auth", "product_auth",
    "proxy_auto_online", "session_max_request", "backend_number_databases",
    "session_max_reply", "backend_replica_reads", "backend_replica_max_lag",
    "migration_method", "migration_parallel_slots",
    "migration_async_maxbulks", "migration_async_maxbytes",
    "migration_async_numkeys", "migration_timeout",
    "proxy_allow_flush", "proxy_admin_auth", NULL,
};

struct conf *conf_new(void)
{
    return mem_calloc(1, sizeof(struct conf));
}

void conf_free(struct conf *conf)
{
    if (conf == NULL) {
        return;
    }
    for (size_t i = 0; i < conf->count; i++) {
        mem_free(conf->items[i].key);
        mem_free(conf->items[i].value);
        mem_free(conf->items[i].source_key);
    }
    mem_free(conf->items);
    mem_free(conf->path);
    mem_free(conf);
}

/* Trim spaces at both ends of 's' in place; returns the new start. */
static char *conf_trim(char *s)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1])) {
        s[--len] = '\0';
    }
    return s;
}

struct conf_entry *conf_add(struct conf *conf, const char *key,
                            const char *value, int line)
{
    conf->items = mem_realloc(conf->items,
                              (conf->count + 1) * sizeof(*conf->items));
    struct conf_entry *e = &conf->items[conf->count++];
    e->key = mem_strdup(key);
    e->value = mem_strdup(value);
    e->line = line;
    e->used = false;
    e->source_key = NULL;
    e->note = NULL;
    return e;
}

/* Does the open file 'f' look like TOML: is some setting's value quoted,
 * as Codis 3.2 writes strings (config.ini never quotes)? Rewinds 'f'. */
static bool conf_looks_toml(FILE *f)
{
    char *buf = NULL;
    size_t cap = 0;
    bool toml = false;
    while (!toml && getline(&buf, &cap, f) != -1) {
        char *s = conf_trim(buf);
        char *eq = strchr(s, '=');
        if (*s != '#' && *s != ';' && eq != NULL) {
            char *v = conf_trim(eq + 1);
            toml = *v == '"' || *v == '\'';
        }
    }
    free(buf);
    rewind(f);
    return toml;
}

struct conf *conf_open(const char *path, bool given, char *err,
                       size_t errlen)
{
    if (!given && access(path, F_OK) != 0 && errno == ENOENT) {
        return conf_new();
    }
    return conf_load(path, err, errlen);
}

struct conf *conf_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t plen = strlen(path);
    if ((plen > 5 && strcmp(path + plen - 5, ".toml") == 0) ||
        conf_looks_toml(f)) {
        fclose(f);
        return conf_toml_load(path, err, errlen);
    }
    struct conf *conf = conf_new();
    conf->path = mem_strdup(path);
    /* getline: a line of any length is one setting */
    char *buf = NULL;
    size_t cap = 0;
    int line = 0;
    while (getline(&buf, &cap, f) != -1) {
        line++;
        char *s = conf_trim(buf);
        if (*s == '\0' || *s == '#' || *s == ';') {
            continue;
        }
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "'%s' line %d: expected key=value", path,
                     line);
            free(buf);
            conf_free(conf);
            fclose(f);
            return NULL;
        }
        *eq = '\0';
        char *key = conf_trim(s);
        char *value = conf_trim(eq + 1);
        if (*key == '\0') {
            snprintf(err, errlen, "'%s' line %d: empty key", path, line);
            free(buf);
            conf_free(conf);
            fclose(f);
            return NULL;
        }
        conf_add(conf, key, value, line);
    }
    free(buf);
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        conf_free(conf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    return conf;
}

static struct conf_entry *conf_find(struct conf *conf, const char *key)
{
    for (size_t i = conf->count; i > 0; i--) {
        if (strcmp(conf->items[i - 1].key, key) == 0) {
            return &conf->items[i - 1];
        }
    }
    return NULL;
}

void conf_set(struct conf *conf, const char *key, const char *value)
{
    struct conf_entry *e = conf_find(conf, key);
    if (e != NULL) {
        mem_free(e->value);
        e->value = mem_strdup(value);
        return;
    }
    conf_add(conf, key, value, 0);
}

const char *conf_get(struct conf *conf, const char *key, const char *def)
{
    struct conf_entry *e = conf_find(conf, key);
    if (e == NULL) {
        return def;
    }
    /* Mark every repetition as known, not just the last. */
    for (size_t i = 0; i < conf->count; i++) {
        if (strcmp(conf->items[i].key, key) == 0) {
            conf->items[i].used = true;
        }
    }
    return e->value;
}

const char *conf_describe(struct conf *conf, const char *key, char *out,
                          size_t outlen)
{
    struct conf_entry *e = conf_find(conf, key);
    if (e != NULL && e->line > 0 && conf->path != NULL) {
        snprintf(out, outlen, "'%s' line %d: '%s'", conf->path, e->line,
                 e->source_key != NULL ? e->source_key : e->key);
    } else {
        snprintf(out, outlen, "config: '%s'", key);
    }
    return out;
}

int conf_get_uint(struct conf *conf, const char *key, long long def,
                  long long *value, char *err, size_t errlen)
{
    const char *s = conf_get(conf, key, NULL);
    if (s == NULL) {
        *value = def;
        return 0;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < 0) {
        char where[300];
        snprintf(err, errlen, "%s must be a non-negative integer, not '%s'",
                 conf_describe(conf, key, where, sizeof(where)), s);
        return -1;
    }
    *value = v;
    return 0;
}

int conf_get_bool(struct conf *conf, const char *key, bool def, bool *value,
                  char *err, size_t errlen)
{
    const char *s = conf_get(conf, key, NULL);
    if (s == NULL) {
        *value = def;
        return 0;
    }
    static const char *yes[] = { "true", "yes", "1", "on" };
    static const char *no[] = { "false", "no", "0", "off" };
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *value = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *value = false;
            return 0;
        }
    }
    char where[300];
    snprintf(err, errlen, "%s must be true or false, not '%s'",
             conf_describe(conf, key, where, sizeof(where)), s);
    return -1;
}

/* Was 'key' already seen before entry 'i'? */
static bool conf_seen_before(struct conf *conf, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (strcmp(conf->items[j].key, conf->items[i].key) == 0) {
            return true;
        }
    }
    return false;
}

void conf_each_unknown(struct conf *conf,
                       void (*fn)(const struct conf_entry *entry, void *arg),
                       void *arg)
{
    for (size_t i = 0; i < conf->count; i++) {
        if (!conf->items[i].used && !conf_seen_before(conf, i)) {
            fn(&conf->items[i], arg);
        }
    }
}

/* What conf_warn_one needs to know. */
struct conf_warn {
    const char *path;
    bool ignored; /* warn about ignored Codis 3.2 keys too */
};

static void conf_warn_one(const struct conf_entry *e, void *arg)
{
    const struct conf_warn *w = arg;
    const char *path = w->path;
    if (e->note != NULL) {
        if (!w->ignored) {
            return;
        }
        log_warn("'%s' line %d: Codis 3.2 key '%s' ignored: %s", path,
                 e->line, e->source_key ? e->source_key : e->key, e->note);
        return;
    }
    for (const char *const *k = conf_known_keys; *k != NULL; k++) {
        if (strcmp(*k, e->key) == 0) {
            return;
        }
    }
    if (e->line > 0) {
        log_warn("'%s' line %d: unknown key '%s' ignored", path, e->line,
                 e->source_key ? e->source_key : e->key);
    } else {
        log_warn("unknown key '%s' ignored", e->key);
    }
}

void conf_warn_unknown(struct conf *conf, bool ignored)
{
    struct conf_warn w = { conf->path != NULL ? conf->path : "config",
                           ignored };
    conf_each_unknown(conf, conf_warn_one, &w);
}
