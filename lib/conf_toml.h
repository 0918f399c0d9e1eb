/* conf_toml: Codis 3.2's proxy.toml and dashboard.toml as config.ini.
 * Each Codis 3.2 key that has a meaning here becomes its config.ini key
 * (product_name -> product, backend_ping_period "5s" -> 5, ...); a key
 * with no equivalent is kept, marked with the reason, so the role warns
 * about it once (unless its value is one where ignoring it changes
 * nothing, such as an empty jodis_addr); any other key passes through as
 * a config.ini key. Also the other direction, for `codis config
 * convert`. Not here: TOML syntax (lib/toml.c), what config.ini keys mean
 * (the roles). Entry points: conf_toml_load, conf_toml_convert. */
#ifndef CODIS_CONF_TOML_H
#define CODIS_CONF_TOML_H

#include <stddef.h>
#include <stdio.h>

struct conf;

/* Read the Codis 3.2 TOML file 'path' as a conf with config.ini keys.
 * Returns an owned conf (conf_free), or NULL with 'err' naming the file,
 * the line and the key ("'proxy.toml' line 7: 'backend_ping_period' must
 * be a duration like \"5s\", not 'soon'"). */
struct conf *conf_toml_load(const char *path, char *err, size_t errlen);

/* Print 'path' in the other form to 'out': a TOML file as config.ini
 * (ignored Codis 3.2 keys as comments with the reason), a config.ini as
 * Codis 3.2 TOML (keys with no Codis 3.2 name keep theirs). Returns 0, or
 * -1 with 'err' filled. */
int conf_toml_convert(const char *path, FILE *out, char *err, size_t errlen);

/* Parse a Go duration ("5s", "1m30s", "500ms", "0") into milliseconds.
 * Returns 0, or -1 if 's' is not one. */
int conf_toml_duration_ms(const char *s, long long *ms);

/* Parse a size ("128kb", "1mb", "512", units b/kb/mb/gb/tb of 1024) into
 * bytes. Returns 0, or -1 if 's' is not one. */
int conf_toml_size(const char *s, long long *bytes);

#endif
