/* JSON helpers over cJSON shared by the model, the HTTP API and the CLI:
 * printing indented the way Codis prints (4 spaces, "key": value), parsing
 * with an error message that says where, and typed field getters that
 * explain what is wrong with a field. Not here: what the documents mean
 * (lib/model). */
#ifndef CODIS_JSON_H
#define CODIS_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* Print 'item' indented by 4 spaces per level, with ": " after keys.
 * Integral numbers print without a fraction. Returns an owned string
 * (mem_free), without a trailing newline. */
char *json_print(const cJSON *item);

/* Print 'item' on one line with no spaces (for nodes and Action
 * receivers, where Codis stores compact JSON). Owned (mem_free). */
char *json_print_compact(const cJSON *item);

/* Parse 'len' bytes at 'text' (need not be NUL-terminated). Returns an
 * owned tree (cJSON_Delete), or NULL with 'err' filled ("invalid JSON at
 * offset 12"). Trailing garbage after the value is an error. */
cJSON *json_parse(const char *text, size_t len, char *err, size_t errlen);

/* Read the integer field 'key' of object 'obj' into '*value'. A missing
 * field gives 'def' when 'required' is false. Returns 0, or -1 with 'err'
 * filled ("field 'id' must be an integer") when the field is missing but
 * required, not a number, not integral, or out of the int64 range. */
int json_get_int(const cJSON *obj, const char *key, bool required,
                 long long def, long long *value, char *err, size_t errlen);

/* Read the string field 'key' of 'obj': '*value' is borrowed from 'obj'.
 * A missing field gives 'def' when 'required' is false. Returns 0, or -1
 * with 'err' filled when it is missing but required or not a string. */
int json_get_str(const cJSON *obj, const char *key, bool required,
                 const char *def, const char **value, char *err,
                 size_t errlen);

/* True if the number item 'item' holds an integer in the int64 range;
 * '*value' gets it. */
bool json_int_value(const cJSON *item, long long *value);

#endif
