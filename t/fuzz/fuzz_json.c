/* libFuzzer target: the JSON the dashboard reads, from HTTP request bodies
 * and from the coordinator's nodes: lib/json.c (json_parse, the printers,
 * json_get_int / json_get_str as the dashboard's handlers use them on a
 * body), every lib/model.c *_from_json that turns a document into a model
 * struct, the enum and address parsers handlers apply to body fields, and
 * the proxy's slot-table file (slotmap_parse). The input is one document.
 * Properties: what json_print writes parses back and prints the same;
 * a struct read from JSON, written with its *_to_json and read again,
 * prints the same (what we store we can load); a failure says why. */
#include "t/fuzz/fuzz.h"

#include "lib/json.h"
#include "lib/mem.h"
#include "lib/model.h"
#include "roles/proxy/slotmap.h"

/* One kind of model document: read 'json' into a fresh struct, print it
 * back with *_to_json (owned string, mem_free) or return NULL when the
 * document is refused (with 'err' set). */
typedef char *(*kind_fn)(const cJSON *json, char *err, size_t errlen);

static char *print_and_delete(cJSON *json)
{
    char *text = json_print(json);
    cJSON_Delete(json);
    return text;
}

static char *kind_server(const cJSON *json, char *err, size_t errlen)
{
    struct model_server v;
    if (model_server_from_json(json, &v, err, errlen) != 0) {
        return NULL;
    }
    return print_and_delete(model_server_to_json(&v));
}

static char *kind_group(const cJSON *json, char *err, size_t errlen)
{
    struct model_group v;
    if (model_group_from_json(json, &v, err, errlen) != 0) {
        return NULL;
    }
    char *text = print_and_delete(model_group_to_json(&v));
    model_group_release(&v);
    return text;
}

static char *kind_slot(const cJSON *json, char *err, size_t errlen)
{
    struct model_slot v;
    if (model_slot_from_json(json, &v, err, errlen) != 0) {
        return NULL;
    }
    return print_and_delete(model_slot_to_json(&v));
}

static char *kind_proxy(const cJSON *json, char *err, size_t errlen)
{
    struct model_proxy v;
    if (model_proxy_from_json(json, &v, err, errlen) != 0) {
        return NULL;
    }
    return print_and_delete(model_proxy_to_json(&v));
}

static char *kind_action(const cJSON *json, char *err, size_t errlen)
{
    struct model_action v;
    if (model_action_from_json(json, &v, err, errlen) != 0) {
        return NULL;
    }
    char *text = print_and_delete(model_action_to_json(&v));
    model_action_release(&v);
    return text;
}

static char *kind_range(const cJSON *json, char *err, size_t errlen)
{
    struct model_slot_range v;
    if (model_slot_range_from_json(json, &v, err, errlen) != 0) {
        return NULL;
    }
    return print_and_delete(model_slot_range_to_json(&v));
}

static char *kind_task(const cJSON *json, char *err, size_t errlen)
{
    struct model_migrate_task v;
    if (model_migrate_task_from_json(json, &v, err, errlen) != 0) {
        return NULL;
    }
    return print_and_delete(model_migrate_task_to_json(&v));
}

static char *kind_dashboard(const cJSON *json, char *err, size_t errlen)
{
    struct model_dashboard v;
    if (model_dashboard_from_json(json, &v, err, errlen) != 0) {
        return NULL;
    }
    return print_and_delete(model_dashboard_to_json(&v));
}

static const struct {
    const char *name;
    kind_fn fn;
} kinds[] = {
    { "server", kind_server },       { "group", kind_group },
    { "slot", kind_slot },           { "proxy", kind_proxy },
    { "action", kind_action },       { "slot range", kind_range },
    { "migrate task", kind_task },   { "dashboard", kind_dashboard },
};

/* Read 'json' as every kind; what reads must read back the same. */
static void check_kinds(const cJSON *json)
{
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        char err[512] = "";
        char *first = kinds[k].fn(json, err, sizeof(err));
        if (first == NULL) {
            fuzz_check(err[0] != '\0', "%s refused without a reason",
                       kinds[k].name);
            continue;
        }
        cJSON *again = json_parse(first, strlen(first), err, sizeof(err));
        fuzz_check(again != NULL, "%s as written does not parse: %s\n%s",
                   kinds[k].name, err, first);
        char *second = kinds[k].fn(again, err, sizeof(err));
        fuzz_check(second != NULL, "%s as written does not load: %s\n%s",
                   kinds[k].name, err, first);
        fuzz_check(strcmp(first, second) == 0,
                   "%s changes when read back:\n%s\n%s", kinds[k].name,
                   first, second);
        cJSON_Delete(again);
        mem_free(first);
        mem_free(second);
    }
}

/* Read the body fields the dashboard's handlers read, and parse the
 * strings among them as the handlers do. */
static void check_body(const cJSON *body)
{
    static const char *const ints[] = { "id", "from", "to", "new_group",
                                        "delay", "group_id", "slot_id" };
    static const char *const strs[] = { "addr", "type", "state", "status",
                                        "id" };
    char err[256];
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        long long v;
        err[0] = '\0';
        if (json_get_int(body, ints[i], true, 0, &v, err, sizeof(err)) != 0) {
            fuzz_check(err[0] != '\0', "'%s' refused without a reason",
                       ints[i]);
        }
    }
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        const char *s = NULL;
        if (json_get_str(body, strs[i], false, "", &s, err, sizeof(err)) !=
            0) {
            continue;
        }
        fuzz_check(s != NULL, "'%s' gave no string", strs[i]);
        enum model_server_type type;
        enum model_slot_status status;
        enum model_proxy_state state;
        enum model_action_type action;
        if (model_server_type_parse(s, &type) == 0) {
            fuzz_check(strcmp(model_server_type_name(type), s) == 0,
                       "server type '%s'", s);
        }
        if (model_slot_status_parse(s, &status) == 0) {
            fuzz_check(strcmp(model_slot_status_name(status), s) == 0,
                       "slot status '%s'", s);
        }
        if (model_proxy_state_parse(s, &state) == 0) {
            fuzz_check(strcmp(model_proxy_state_name(state), s) == 0,
                       "proxy state '%s'", s);
        }
        if (model_action_type_parse(s, &action) == 0) {
            fuzz_check(strcmp(model_action_type_name(action), s) == 0,
                       "action type '%s'", s);
        }
        char host[MODEL_ADDR_MAX];
        int port = -1;
        if (model_addr_split(s, host, sizeof(host), &port, err,
                             sizeof(err)) == 0) {
            fuzz_check(port >= 0 && port <= 65535, "port %d of '%s'", port,
                       s);
        }
        int gid;
        (void)model_group_name_parse(s, &gid);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256] = "";
    char *text = malloc(size + 1);
    fuzz_check(text != NULL, "out of memory");
    memcpy(text, data, size);
    text[size] = '\0';
    struct slotmap *map = slotmap_parse(text, err, sizeof(err));
    fuzz_check(map != NULL || err[0] != '\0',
               "slotmap_parse failed without a reason");
    slotmap_free(map);
    free(text);

    err[0] = '\0';
    cJSON *root = json_parse((const char *)data, size, err, sizeof(err));
    if (root == NULL) {
        fuzz_check(err[0] != '\0', "json_parse failed without a reason");
        return 0;
    }
    char *pretty = json_print(root);
    char *compact = json_print_compact(root);
    cJSON *again = json_parse(pretty, strlen(pretty), err, sizeof(err));
    fuzz_check(again != NULL, "printed JSON does not parse: %s\n%s", err,
               pretty);
    char *pretty2 = json_print(again);
    fuzz_check(strcmp(pretty, pretty2) == 0,
               "printing changes the document:\n%s\n%s", pretty, pretty2);
    cJSON_Delete(again);
    again = json_parse(compact, strlen(compact), err, sizeof(err));
    fuzz_check(again != NULL, "compact JSON does not parse: %s\n%s", err,
               compact);
    char *pretty3 = json_print(again);
    fuzz_check(strcmp(pretty, pretty3) == 0,
               "compact and indented documents differ:\n%s\n%s", pretty,
               pretty3);
    cJSON_Delete(again);
    mem_free(pretty);
    mem_free(pretty2);
    mem_free(pretty3);
    mem_free(compact);

    check_kinds(root);
    check_body(root);
    if (cJSON_IsArray(root)) {
        /* ha reads the dashboard's list of groups; a few elements do */
        int n = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, root) {
            if (n++ == 4) {
                break;
            }
            check_kinds(item);
            check_body(item);
        }
    }
    cJSON_Delete(root);
    return 0;
}
