/* config.ini: Codis 2's "key=value" files with '#' comments, shared by
 * config, proxy, dashboard and ha. A file is read into a list of entries;
 * typed getters look keys up and check values, and unknown keys can be
 * listed for a warning. Not here: what each key means (the roles' tables)
 * or redis.conf (the server's own parser). */
#ifndef CODIS_CONF_H
#define CODIS_CONF_H

#include <stdbool.h>
#include <stddef.h>

/* One "key=value" line: both trimmed of spaces; 'line' is its number. */
struct conf_entry {
    char *key;
    char *value;
    int line;
    bool used; /* set by the getters, for conf_unknown */
};

/* A parsed file. */
struct conf {
    char *path;               /* the file read, owned */
    struct conf_entry *items; /* owned, 'count' entries */
    size_t count;
};

/* Read 'path' into a new conf. Returns an owned conf (conf_free), or NULL
 * with 'err' filled ("cannot read 'x': No such file or directory",
 * "'x' line 3: expected key=value"). */
struct conf *conf_load(const char *path, char *err, size_t errlen);

/* An empty conf (no file), for roles that run on defaults. */
struct conf *conf_new(void);

/* Free 'conf'; NULL is fine. */
void conf_free(struct conf *conf);

/* Set 'key' to 'value' (a command-line override): replaces or appends. */
void conf_set(struct conf *conf, const char *key, const char *value);

/* The value of 'key' (the last one if repeated), or 'def' when absent.
 * Borrowed: valid until conf_free or conf_set. */
const char *conf_get(struct conf *conf, const char *key, const char *def);

/* The value of 'key' as a non-negative integer, 'def' when absent.
 * Returns 0, or -1 with 'err' naming the key, its line and the value. */
int conf_get_uint(struct conf *conf, const char *key, long long def,
                  long long *value, char *err, size_t errlen);

/* The value of 'key' as a boolean (true/false, yes/no, 1/0, on/off). */
int conf_get_bool(struct conf *conf, const char *key, bool def, bool *value,
                  char *err, size_t errlen);

/* Call 'fn' for each key no getter asked for (to warn about typos). */
void conf_each_unknown(struct conf *conf,
                       void (*fn)(const struct conf_entry *entry, void *arg),
                       void *arg);

#endif
