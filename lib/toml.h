/* toml: a reader for the TOML that Codis 3.2 writes (proxy.toml,
 * dashboard.toml): top-level "key = value" lines and '#' comments, values
 * being strings ("basic" with escapes, or 'literal'), integers and
 * booleans. Tables, arrays, floats, dates and multi-line strings are
 * refused with the line they are on. Not here: what any key means (see
 * lib/conf_toml.c). Entry points: toml_load, toml_free. */
#ifndef CODIS_TOML_H
#define CODIS_TOML_H

#include <stddef.h>
#include <stdio.h>

/* The type of a value. */
enum toml_type {
    TOML_STRING,
    TOML_INTEGER,
    TOML_BOOLEAN,
};

/* One "key = value" line. */
struct toml_item {
    char *key;           /* owned, unquoted */
    enum toml_type type;
    char *text;          /* owned: the string's content, the integer in
                          * decimal without '_' or '+', "true"/"false" */
    int line;            /* 1-based line number in the file */
};

/* A parsed document: the items in file order. */
struct toml {
    struct toml_item *items; /* owned, 'count' items */
    size_t count;
};

/* Parse the text 'text' ('name' for messages). Returns an owned toml
 * (toml_free), or NULL with 'err' filled, e.g. "'proxy.toml' line 3:
 * expected '=' after the key". */
struct toml *toml_parse(const char *text, const char *name, char *err,
                        size_t errlen);

/* Read and parse the file 'path'. Returns an owned toml, or NULL with
 * 'err' filled ("cannot read 'x': ..." or a parse error). */
struct toml *toml_load(const char *path, char *err, size_t errlen);

/* Free 'doc'; NULL is fine. */
void toml_free(struct toml *doc);

/* Write 's' as a TOML basic string (quotes, escapes) to 'out'. */
void toml_write_string(FILE *out, const char *s);

#endif
