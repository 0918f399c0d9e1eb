/* The TOML subset Codis 3.2 writes; see toml.h. One pass over the text,
 * line by line: a key, '=', one value, then only a comment. */
#include "lib/toml.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"

/* The parser's position and its output. */
struct toml_parser {
    const char *p;    /* next byte */
    const char *name; /* for messages */
    int line;
    char *err;
    size_t errlen;
    struct toml *doc;
};

/* Fill the error with the file and line; returns -1. */
static int toml_fail(struct toml_parser *ps, const char *what)
{
    snprintf(ps->err, ps->errlen, "'%s' line %d: %s", ps->name, ps->line,
             what);
    return -1;
}

static void toml_skip_blank(struct toml_parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t') {
        ps->p++;
    }
}

/* Append code point 'cp' as UTF-8. Returns 0, or -1 if not a scalar. */
static int toml_add_utf8(struct mem_str *b, uint32_t cp)
{
    char out[4];
    size_t n;
    if (cp >= 0xD800 && cp <= 0xDFFF) {
        return -1;
    }
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else if (cp <= 0x10FFFF) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    } else {
        return -1;
    }
    mem_str_add(b, out, n);
    return 0;
}

/* Parse a quoted string at ps->p (a '"' or '\''). Returns an owned
 * string or NULL with the error filled. */
static char *toml_string(struct toml_parser *ps)
{
    char quote = *ps->p++;
    if (ps->p[0] == quote && ps->p[1] == quote) {
        toml_fail(ps, "multi-line strings are not supported");
        return NULL;
    }
    struct mem_str b = { mem_strdup(""), 0, 1 };
    for (;;) {
        char c = *ps->p;
        if (c == '\0' || c == '\n' || c == '\r') {
            toml_fail(ps, "unterminated string");
            mem_free(b.buf);
            return NULL;
        }
        ps->p++;
        if (c == quote) {
            return b.buf;
        }
        if (c != '\\' || quote == '\'') {
            mem_str_add(&b, &c, 1);
            continue;
        }
        char e = *ps->p++;
        const char *simple = NULL;
        switch (e) {
        case '"': simple = "\""; break;
        case '\\': simple = "\\"; break;
        case 'n': simple = "\n"; break;
        case 't': simple = "\t"; break;
        case 'r': simple = "\r"; break;
        case 'b': simple = "\b"; break;
        case 'f': simple = "\f"; break;
        default: break;
        }
        if (simple != NULL) {
            mem_str_add(&b, simple, 1);
            continue;
        }
        int digits = e == 'u' ? 4 : e == 'U' ? 8 : 0;
        uint32_t cp = 0;
        int i = 0;
        for (; i < digits && isxdigit((unsigned char)ps->p[i]); i++) {
            char h = ps->p[i];
            cp = cp * 16 + (uint32_t)(isdigit((unsigned char)h)
                                          ? h - '0'
                                          : tolower((unsigned char)h) - 'a' + 10);
        }
        if (digits == 0 || i < digits || toml_add_utf8(&b, cp) != 0) {
            toml_fail(ps, "bad escape in a string");
            mem_free(b.buf);
            return NULL;
        }
        ps->p += digits;
    }
}

/* Parse a decimal integer (digits, single '_' between digits, optional
 * sign) into its plain decimal text. Returns owned text or NULL. */
static char *toml_integer(struct toml_parser *ps)
{
    struct mem_str b = { mem_strdup(""), 0, 1 };
    if (*ps->p == '+' || *ps->p == '-') {
        if (*ps->p == '-') {
            mem_str_add(&b, "-", 1);
        }
        ps->p++;
    }
    bool digit_before = false;
    int ndigits = 0;
    while (isdigit((unsigned char)*ps->p) || *ps->p == '_') {
        if (*ps->p == '_') {
            if (!digit_before || !isdigit((unsigned char)ps->p[1])) {
                break;
            }
            digit_before = false;
        } else {
            mem_str_add(&b, ps->p, 1);
            digit_before = true;
            ndigits++;
        }
        ps->p++;
    }
    const char *digits = b.buf[0] == '-' ? b.buf + 1 : b.buf;
    if (ndigits == 0 || (digits[0] == '0' && ndigits > 1) ||
        isalnum((unsigned char)*ps->p) || *ps->p == '.' || *ps->p == '_') {
        toml_fail(ps, "expected a string, an integer or true/false");
        mem_free(b.buf);
        return NULL;
    }
    errno = 0;
    (void)strtoll(b.buf, NULL, 10);
    if (errno == ERANGE) {
        toml_fail(ps, "integer out of range");
        mem_free(b.buf);
        return NULL;
    }
    return b.buf;
}

/* Parse the key at ps->p: bare (letters, digits, '_', '-') or quoted.
 * Returns an owned key or NULL. */
static char *toml_key(struct toml_parser *ps)
{
    if (*ps->p == '"' || *ps->p == '\'') {
        char *key = toml_string(ps);
        if (key != NULL && key[0] == '\0') {
            mem_free(key);
            toml_fail(ps, "empty key");
            return NULL;
        }
        return key;
    }
    const char *start = ps->p;
    while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '-') {
        ps->p++;
    }
    if (ps->p == start) {
        toml_fail(ps, "expected a key");
        return NULL;
    }
    if (*ps->p == '.') {
        toml_fail(ps, "dotted keys are not supported");
        return NULL;
    }
    return mem_strndup(start, (size_t)(ps->p - start));
}

/* Parse one "key = value" line at ps->p into ps->doc. Returns 0 or -1. */
static int toml_item_line(struct toml_parser *ps)
{
    char *key = toml_key(ps);
    if (key == NULL) {
        return -1;
    }
    for (size_t i = 0; i < ps->doc->count; i++) {
        if (strcmp(ps->doc->items[i].key, key) == 0) {
            char what[160];
            snprintf(what, sizeof(what), "'%s' is set twice (also line %d)",
                     key, ps->doc->items[i].line);
            mem_free(key);
            return toml_fail(ps, what);
        }
    }
    toml_skip_blank(ps);
    if (*ps->p != '=') {
        mem_free(key);
        return toml_fail(ps, "expected '=' after the key");
    }
    ps->p++;
    toml_skip_blank(ps);
    enum toml_type type;
    char *text = NULL;
    char c = *ps->p;
    if (c == '"' || c == '\'') {
        type = TOML_STRING;
        text = toml_string(ps);
    } else if (strncmp(ps->p, "true", 4) == 0 && !isalnum((unsigned char)ps->p[4])) {
        type = TOML_BOOLEAN;
        text = mem_strdup("true");
        ps->p += 4;
    } else if (strncmp(ps->p, "false", 5) == 0 &&
               !isalnum((unsigned char)ps->p[5])) {
        type = TOML_BOOLEAN;
        text = mem_strdup("false");
        ps->p += 5;
    } else if (c == '[' || c == '{') {
        mem_free(key);
        return toml_fail(ps, "arrays and inline tables are not supported");
    } else {
        type = TOML_INTEGER;
        text = toml_integer(ps);
    }
    if (text == NULL) {
        mem_free(key);
        return -1;
    }
    toml_skip_blank(ps);
    if (*ps->p == '\r') {
        ps->p++;
    }
    if (*ps->p != '\0' && *ps->p != '\n' && *ps->p != '#') {
        mem_free(key);
        mem_free(text);
        return toml_fail(ps, "unexpected text after the value");
    }
    struct toml *doc = ps->doc;
    doc->items = mem_realloc(doc->items, (doc->count + 1) * sizeof(*doc->items));
    struct toml_item *it = &doc->items[doc->count++];
    it->key = key;
    it->type = type;
    it->text = text;
    it->line = ps->line;
    return 0;
}

struct toml *toml_parse(const char *text, const char *name, char *err,
                        size_t errlen)
{
    struct toml_parser ps = { text, name, 0, err, errlen, NULL };
    ps.doc = mem_calloc(1, sizeof(*ps.doc));
    while (*ps.p != '\0') {
        ps.line++;
        toml_skip_blank(&ps);
        int rc = 0;
        if (*ps.p == '[') {
            rc = toml_fail(&ps, "tables ('[...]') are not supported: Codis "
                                "3.2 files have none");
        } else if (*ps.p != '#' && *ps.p != '\n' && *ps.p != '\r' &&
                   *ps.p != '\0') {
            rc = toml_item_line(&ps);
        }
        if (rc != 0) {
            toml_free(ps.doc);
            return NULL;
        }
        const char *nl = strchr(ps.p, '\n');
        ps.p = nl != NULL ? nl + 1 : ps.p + strlen(ps.p);
    }
    return ps.doc;
}

struct toml *toml_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct mem_str b = { mem_strdup(""), 0, 1 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (memchr(chunk, '\0', n) != NULL) {
            snprintf(err, errlen, "'%s': not a text file", path);
            fclose(f);
            mem_free(b.buf);
            return NULL;
        }
        mem_str_add(&b, chunk, n);
    }
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        fclose(f);
        mem_free(b.buf);
        return NULL;
    }
    fclose(f);
    struct toml *doc = toml_parse(b.buf, path, err, errlen);
    mem_free(b.buf);
    return doc;
}

void toml_free(struct toml *doc)
{
    if (doc == NULL) {
        return;
    }
    for (size_t i = 0; i < doc->count; i++) {
        mem_free(doc->items[i].key);
        mem_free(doc->items[i].text);
    }
    mem_free(doc->items);
    mem_free(doc);
}

void toml_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (*p < 0x20 || *p == 0x7F) {
                fprintf(out, "\\u%04X", *p);
            } else {
                fputc(*p, out);
            }
        }
    }
    fputc('"', out);
}
