/* config.ini reading and typed lookup; see conf.h. */
#include "lib/conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/mem.h"

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

static void conf_append(struct conf *conf, const char *key,
                        const char *value, int line)
{
    conf->items = mem_realloc(conf->items,
                              (conf->count + 1) * sizeof(*conf->items));
    struct conf_entry *e = &conf->items[conf->count++];
    e->key = mem_strdup(key);
    e->value = mem_strdup(value);
    e->line = line;
    e->used = false;
}

struct conf *conf_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct conf *conf = conf_new();
    conf->path = mem_strdup(path);
    char buf[4096];
    int line = 0;
    while (fgets(buf, sizeof(buf), f) != NULL) {
        line++;
        char *s = conf_trim(buf);
        if (*s == '\0' || *s == '#' || *s == ';') {
            continue;
        }
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "'%s' line %d: expected key=value", path,
                     line);
            conf_free(conf);
            fclose(f);
            return NULL;
        }
        *eq = '\0';
        char *key = conf_trim(s);
        char *value = conf_trim(eq + 1);
        if (*key == '\0') {
            snprintf(err, errlen, "'%s' line %d: empty key", path, line);
            conf_free(conf);
            fclose(f);
            return NULL;
        }
        conf_append(conf, key, value, line);
    }
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
    conf_append(conf, key, value, 0);
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

/* Describe where 'key' came from, for error messages. */
static void conf_where(struct conf *conf, const char *key, char *out,
                       size_t outlen)
{
    struct conf_entry *e = conf_find(conf, key);
    if (e != NULL && e->line > 0 && conf->path != NULL) {
        snprintf(out, outlen, "'%s' line %d", conf->path, e->line);
    } else {
        snprintf(out, outlen, "option");
    }
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
        conf_where(conf, key, where, sizeof(where));
        snprintf(err, errlen,
                 "%s: '%s' must be a non-negative integer, not '%s'", where,
                 key, s);
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
    conf_where(conf, key, where, sizeof(where));
    snprintf(err, errlen, "%s: '%s' must be true or false, not '%s'", where,
             key, s);
    return -1;
}

void conf_each_unknown(struct conf *conf,
                       void (*fn)(const struct conf_entry *entry, void *arg),
                       void *arg)
{
    for (size_t i = 0; i < conf->count; i++) {
        if (!conf->items[i].used) {
            fn(&conf->items[i], arg);
        }
    }
}
