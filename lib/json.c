/* JSON printing, parsing and field getters over cJSON; see json.h. The
 * printer is ours rather than cJSON_Print because Codis prints with
 * 4-space indents and integers without a fraction, and because its output
 * must go through lib/mem. */
#include "lib/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"

static void json_out_str(struct mem_str *o, const char *s)
{
    mem_str_add(o, s, strlen(s));
}

static void json_out_indent(struct mem_str *o, int depth)
{
    for (int i = 0; i < depth; i++) {
        mem_str_add(o, "    ", 4);
    }
}

static void json_out_string(struct mem_str *o, const char *s)
{
    mem_str_add(o, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        static const char from[] = "\"\\\n\r\t";
        static const char *const to[] = { "\\\"", "\\\\", "\\n", "\\r",
                                          "\\t" };
        const char *hit = strchr(from, *p);
        if (hit != NULL) {
            json_out_str(o, to[hit - from]);
        } else if (*p < 0x20) {
            char esc[8];
            snprintf(esc, sizeof(esc), "\\u%04x", *p);
            json_out_str(o, esc);
        } else {
            mem_str_add(o, p, 1);
        }
    }
    mem_str_add(o, "\"", 1);
}

bool json_int_value(const cJSON *item, long long *value)
{
    if (!cJSON_IsNumber(item)) {
        return false;
    }
    double d = item->valuedouble;
    /* 2^63 is exactly representable; anything at or past it is not int64 */
    if (!isfinite(d) || d != floor(d) || d >= 9223372036854775808.0 ||
        d < -9223372036854775808.0) {
        return false;
    }
    *value = (long long)d;
    return true;
}

static void json_out_number(struct mem_str *o, const cJSON *item)
{
    char num[64];
    long long v;
    if (json_int_value(item, &v)) {
        snprintf(num, sizeof(num), "%lld", v);
    } else if (isfinite(item->valuedouble)) {
        snprintf(num, sizeof(num), "%.17g", item->valuedouble);
    } else {
        snprintf(num, sizeof(num), "null");
    }
    json_out_str(o, num);
}

static void json_out_value(struct mem_str *o, const cJSON *item, int depth,
                           bool pretty)
{
    if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
        bool object = cJSON_IsObject(item);
        if (item->child == NULL) {
            json_out_str(o, object ? "{}" : "[]");
            return;
        }
        json_out_str(o, object ? "{" : "[");
        for (const cJSON *c = item->child; c != NULL; c = c->next) {
            if (pretty) {
                json_out_str(o, "\n");
                json_out_indent(o, depth + 1);
            }
            if (object) {
                json_out_string(o, c->string != NULL ? c->string : "");
                json_out_str(o, pretty ? ": " : ":");
            }
            json_out_value(o, c, depth + 1, pretty);
            if (c->next != NULL) {
                json_out_str(o, ",");
            }
        }
        if (pretty) {
            json_out_str(o, "\n");
            json_out_indent(o, depth);
        }
        json_out_str(o, object ? "}" : "]");
    } else if (cJSON_IsString(item)) {
        json_out_string(o, item->valuestring);
    } else if (cJSON_IsNumber(item)) {
        json_out_number(o, item);
    } else if (cJSON_IsTrue(item)) {
        json_out_str(o, "true");
    } else if (cJSON_IsFalse(item)) {
        json_out_str(o, "false");
    } else if (cJSON_IsRaw(item)) {
        json_out_str(o, item->valuestring);
    } else {
        json_out_str(o, "null");
    }
}

char *json_print(const cJSON *item)
{
    struct mem_str o = { NULL, 0, 0 };
    json_out_value(&o, item, 0, true);
    return o.buf;
}

char *json_print_compact(const cJSON *item)
{
    struct mem_str o = { NULL, 0, 0 };
    json_out_value(&o, item, 0, false);
    return o.buf;
}

cJSON *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    const char *end = NULL;
    if (len == 0) {
        snprintf(err, errlen, "empty JSON document");
        return NULL;
    }
    /* cJSON reads to a NUL; the copy also guards against embedded NULs */
    char *copy = mem_strndup(text, len);
    if (strlen(copy) != len) {
        mem_free(copy);
        snprintf(err, errlen, "invalid JSON: NUL byte in the document");
        return NULL;
    }
    cJSON *root = cJSON_ParseWithOpts(copy, &end, true);
    if (root == NULL) {
        size_t at = end != NULL && end >= copy ? (size_t)(end - copy) : 0;
        snprintf(err, errlen, "invalid JSON at offset %zu", at);
    }
    mem_free(copy);
    return root;
}

/* The field 'key' of 'obj' into '*item', or NULL when it is absent or
 * null. Returns 0, or -1 with 'err' filled when it is absent but
 * 'required'. */
static int json_field(const cJSON *obj, const char *key, bool required,
                      const cJSON **item, char *err, size_t errlen)
{
    *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (*item == NULL || cJSON_IsNull(*item)) {
        *item = NULL;
        if (required) {
            snprintf(err, errlen, "missing field '%s'", key);
            return -1;
        }
    }
    return 0;
}

int json_get_int(const cJSON *obj, const char *key, bool required,
                 long long def, long long *value, char *err, size_t errlen)
{
    const cJSON *item;
    if (json_field(obj, key, required, &item, err, errlen) != 0) {
        return -1;
    }
    *value = def;
    if (item != NULL && !json_int_value(item, value)) {
        snprintf(err, errlen, "field '%s' must be an integer", key);
        return -1;
    }
    return 0;
}

int json_get_str(const cJSON *obj, const char *key, bool required,
                 const char *def, const char **value, char *err,
                 size_t errlen)
{
    const cJSON *item;
    if (json_field(obj, key, required, &item, err, errlen) != 0) {
        return -1;
    }
    if (item != NULL && !cJSON_IsString(item)) {
        snprintf(err, errlen, "field '%s' must be a string", key);
        return -1;
    }
    *value = item != NULL ? item->valuestring : def;
    return 0;
}
