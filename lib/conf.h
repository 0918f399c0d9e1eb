/* config.ini: Codis 2's "key=value" files with '#' comments, shared by
 * config, proxy, dashboard and ha; conf_load also reads Codis 3.2's
 * proxy.toml and dashboard.toml (lib/conf_toml.c maps their keys onto
 * these). A file is read into a list of entries; typed getters look keys
 * up and check values, errors name the file, the line and the key as
 * written, and unknown keys are warned about once each. Not here: what
 * each key means (the roles' tables) or redis.conf (the server's own
 * parser). */
#ifndef CODIS_CONF_H
#define CODIS_CONF_H

#include <stdbool.h>
#include <stddef.h>

/* One "key=value" line: both trimmed of spaces; 'line' is its number. */
struct conf_entry {
    char *key;
    char *value;
    int line;          /* 0: not from the file (conf_set, a derived value) */
    bool used;         /* set by the getters, for conf_warn_unknown */
    char *source_key;  /* owned: the key as the file wrote it when that
                        * differs (a Codis 3.2 key), else NULL */
    const char *note;  /* static: why a Codis 3.2 key is ignored here, for
                        * its warning; NULL for others */
};

/* A parsed file. */
struct conf {
    char *path;               /* the file read, owned */
    struct conf_entry *items; /* owned, 'count' entries */
    size_t count;
};

/* Read 'path' into a new conf: config.ini, or Codis 3.2 TOML when the
 * name ends in ".toml" or some setting's value is quoted. Returns an
 * owned conf (conf_free), or NULL with 'err' filled ("cannot read 'x': No
 * such file or directory", "'x' line 3: expected key=value"). */
struct conf *conf_load(const char *path, char *err, size_t errlen);

/* The -c file of a role: 'path' must be readable when 'given' (named on
 * the command line); a default path that does not exist gives an empty
 * conf (defaults). Returns as conf_load. */
struct conf *conf_open(const char *path, bool given, char *err,
                       size_t errlen);

/* Append an entry (for readers of other formats). Returns it, borrowed
 * until the next conf_add or conf_set. */
struct conf_entry *conf_add(struct conf *conf, const char *key,
                            const char *value, int line);

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

/* Describe 'key' for an error message: "'path' line N: 'key'" with the
 * key as the file wrote it, or "config: 'key'" when the value is not
 * from a file. Writes into 'out' and returns it. */
const char *conf_describe(struct conf *conf, const char *key, char *out,
                          size_t outlen);

/* Call 'fn' once for each key no getter asked for (to warn about typos);
 * a repeated key is reported at its first line. */
void conf_each_unknown(struct conf *conf,
                       void (*fn)(const struct conf_entry *entry, void *arg),
                       void *arg);

/* Log a warning (lib/log) once for each key this role did not read and
 * no other role reads either, naming the file and line. 'ignored': also
 * each Codis 3.2 key ignored here, with the reason (for the role the
 * file is written for; the CLI and ha need not repeat it). */
void conf_warn_unknown(struct conf *conf, bool ignored);

#endif
