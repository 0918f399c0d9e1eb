/* The Codis 2 cluster model: paths, enum names, JSON of each node kind and
 * the shared config.ini keys; see model.h for the layout. JSON objects are
 * built with their fields in Codis 2's order, so what we write reads like
 * what Codis wrote. */
#include "lib/model.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/auth.h"
#include "lib/conf.h"
#include "lib/json.h"
#include "lib/mem.h"

/* ---- config ---------------------------------------------------------- */

/* Copy 'src' into 'dst' of 'dstlen' bytes. Returns 0, or -1 if too long. */
static int model_copy(char *dst, size_t dstlen, const char *src)
{
    size_t n = strlen(src);
    if (n >= dstlen) {
        return -1;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

int model_config_load(struct conf *conf, struct model_config *cfg, char *err,
                      size_t errlen)
{
    memset(cfg, 0, sizeof(*cfg));
    char where[600];
    const char *kind = conf_get(conf, "coordinator", "filesystem");
    if (strcmp(kind, "zookeeper") == 0 || strcmp(kind, "zk") == 0) {
        snprintf(cfg->coordinator, sizeof(cfg->coordinator), "zookeeper");
    } else if (strcmp(kind, "filesystem") == 0 || strcmp(kind, "fs") == 0) {
        snprintf(cfg->coordinator, sizeof(cfg->coordinator), "filesystem");
    } else {
        snprintf(err, errlen, "%s must be zookeeper or filesystem, not '%s'",
                 conf_describe(conf, "coordinator", where, sizeof(where)),
                 kind);
        return -1;
    }
    bool zk = strcmp(cfg->coordinator, "zookeeper") == 0;
    const char *addr = conf_get(conf, "zk", zk ? "localhost:2181" : "/tmp/codis");
    if (addr[0] == '\0' || model_copy(cfg->coord_addr, sizeof(cfg->coord_addr),
                                      addr) != 0) {
        snprintf(err, errlen, "%s must be a %s, not '%s'",
                 conf_describe(conf, "zk", where, sizeof(where)),
                 zk ? "list of ZooKeeper host:port" : "directory", addr);
        return -1;
    }
    const char *product = conf_get(conf, "product", "test");
    if (!model_product_valid(product) ||
        model_copy(cfg->product, sizeof(cfg->product), product) != 0) {
        snprintf(err, errlen,
                 "%s must be a name of letters, digits, '_', '.' and '-', "
                 "not '%s'",
                 conf_describe(conf, "product", where, sizeof(where)),
                 product);
        return -1;
    }
    const char *dash = conf_get(conf, "dashboard_addr", "localhost:18087");
    char host[MODEL_ADDR_MAX];
    int port;
    char why[128];
    if (model_addr_split(dash, host, sizeof(host), &port, why,
                         sizeof(why)) != 0 ||
        model_copy(cfg->dashboard_addr, sizeof(cfg->dashboard_addr), dash)) {
        snprintf(err, errlen, "%s: bad address '%s': %s",
                 conf_describe(conf, "dashboard_addr", where, sizeof(where)),
                 dash, why);
        return -1;
    }
    if (host[0] == '\0' || strcmp(host, "0.0.0.0") == 0 || port == 0) {
        snprintf(err, errlen,
                 "%s must name a host others can reach, not '%s'",
                 conf_describe(conf, "dashboard_addr", where, sizeof(where)),
                 dash);
        return -1;
    }
    const char *password = conf_get(conf, "password", "");
    const char *product_auth = conf_get(conf, "product_auth", password);
    const char *session_auth = conf_get(conf, "session_auth", password);
    const char *dashboard_auth = conf_get(conf, "dashboard_auth", "");
    struct auth_spec spec;
    if (model_copy(cfg->password, sizeof(cfg->password), product_auth) ||
        model_copy(cfg->session_auth, sizeof(cfg->session_auth),
                   session_auth) ||
        model_copy(cfg->dashboard_auth, sizeof(cfg->dashboard_auth),
                   dashboard_auth)) {
        snprintf(err, errlen, "config: a password is too long (at most %d "
                 "bytes)", MODEL_TEXT_MAX - 1);
        return -1;
    }
    if (auth_spec_parse(dashboard_auth, &spec, err, errlen) != 0) {
        return -1;
    }
    /* the dashboard's alone, but in the one file every role reads */
    conf_get(conf, "dashboard_cors_origin", NULL);
    long long timeout;
    if (conf_get_uint(conf, "zk_session_timeout", 30000, &timeout, err,
                      errlen) != 0) {
        return -1;
    }
    /* Codis <= 2.0.7 shipped "30" meaning seconds */
    if (timeout <= 100) {
        timeout *= 1000;
    }
    if (timeout == 0 || timeout > 24LL * 3600 * 1000) {
        snprintf(err, errlen,
                 "config: 'zk_session_timeout' must be 1..86400000 ms");
        return -1;
    }
    cfg->session_timeout_ms = (int)timeout;
    return 0;
}

bool model_product_valid(const char *name)
{
    if (name[0] == '\0' || !(isalnum((unsigned char)name[0]) || name[0] == '_')) {
        return false;
    }
    for (const char *p = name; *p != '\0'; p++) {
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' &&
            *p != '-') {
            return false;
        }
    }
    return true;
}

bool model_addr_loopback(const char *addr)
{
    char host[MODEL_ADDR_MAX];
    int port;
    char why[128];
    if (model_addr_split(addr, host, sizeof(host), &port, why,
                         sizeof(why)) != 0) {
        return false;
    }
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
           strcmp(host, "localhost") == 0;
}

int model_addr_split(const char *addr, char *host, size_t hostlen, int *port,
                     char *err, size_t errlen)
{
    const char *colon = strrchr(addr, ':');
    if (colon == NULL) {
        snprintf(err, errlen, "no port in '%s'", addr);
        return -1;
    }
    const char *h = addr;
    size_t hlen = (size_t)(colon - addr);
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (hlen >= hostlen) {
        snprintf(err, errlen, "host too long in '%s'", addr);
        return -1;
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || p < 0 || p > 65535) {
        snprintf(err, errlen, "bad port in '%s'", addr);
        return -1;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (int)p;
    return 0;
}

/* ---- paths ----------------------------------------------------------- */

static int model_path_fmt(char *out, size_t outlen, const char *product,
                          const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int model_path_fmt(char *out, size_t outlen, const char *product,
                          const char *fmt, ...)
{
    int n = snprintf(out, outlen, "/zk/codis/db_%s", product);
    if (n < 0 || (size_t)n >= outlen) {
        return -1;
    }
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(out + n, outlen - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0 || (size_t)m >= outlen - (size_t)n) {
        return -1;
    }
    return 0;
}

int model_path_root(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "%s", "");
}

int model_path_dashboard(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "/dashboard");
}

int model_path_lock(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "/LOCK");
}

int model_path_slots(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "/slots");
}

int model_path_slot(char *out, size_t outlen, const char *product, int id)
{
    return model_path_fmt(out, outlen, product, "/slots/slot_%d", id);
}

int model_path_groups(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "/servers");
}

int model_path_group(char *out, size_t outlen, const char *product, int gid)
{
    return model_path_fmt(out, outlen, product, "/servers/group_%d", gid);
}

int model_path_server(char *out, size_t outlen, const char *product, int gid,
                      const char *addr)
{
    return model_path_fmt(out, outlen, product, "/servers/group_%d/%s", gid,
                          addr);
}

int model_path_proxies(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "/proxy");
}

int model_path_proxy(char *out, size_t outlen, const char *product,
                     const char *id)
{
    return model_path_fmt(out, outlen, product, "/proxy/%s", id);
}

int model_path_fences(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "/fence");
}

int model_path_fence(char *out, size_t outlen, const char *product,
                     const char *addr)
{
    return model_path_fmt(out, outlen, product, "/fence/%s", addr);
}

int model_path_actions(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "/actions");
}

int model_path_action(char *out, size_t outlen, const char *product,
                      const char *seq)
{
    return model_path_fmt(out, outlen, product, "/actions/%s", seq);
}

int model_path_responses(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "/ActionResponse");
}

int model_path_response(char *out, size_t outlen, const char *product,
                        const char *seq)
{
    return model_path_fmt(out, outlen, product, "/ActionResponse/%s", seq);
}

int model_path_migrate_tasks(char *out, size_t outlen, const char *product)
{
    return model_path_fmt(out, outlen, product, "/migrate_tasks");
}

int model_path_migrate_task(char *out, size_t outlen, const char *product,
                            const char *seq)
{
    return model_path_fmt(out, outlen, product, "/migrate_tasks/%s", seq);
}

int model_group_name_parse(const char *name, int *gid)
{
    if (strncmp(name, "group_", 6) != 0) {
        return -1;
    }
    const char *digits = name + 6;
    if (*digits == '\0') {
        return -1;
    }
    for (const char *p = digits; *p != '\0'; p++) {
        if (!isdigit((unsigned char)*p)) {
            return -1;
        }
    }
    long v = strtol(digits, NULL, 10);
    if (v < 0 || v > 0x7fffffff || strlen(digits) > 10) {
        return -1;
    }
    *gid = (int)v;
    return 0;
}

/* ---- enum names ------------------------------------------------------ */

static const char *const model_server_types[] = { "master", "slave",
                                                  "offline" };
static const char *const model_slot_statuses[] = { "offline", "online",
                                                   "migrate", "pre_migrate" };
static const char *const model_proxy_states[] = { "offline", "online",
                                                  "mark_offline" };
static const char *const model_action_types[] = {
    "slot_changed",       "slot_premigrate", "slot_migrate",
    "multi_slot_changed", "group_changed",   "group_remove",
};

#define MODEL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int model_name_find(const char *const *names, size_t count,
                           const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *model_server_type_name(enum model_server_type type)
{
    return model_server_types[type];
}

int model_server_type_parse(const char *name, enum model_server_type *type)
{
    int i = model_name_find(model_server_types,
                            MODEL_COUNT(model_server_types), name);
    if (i < 0) {
        return -1;
    }
    *type = (enum model_server_type)i;
    return 0;
}

const char *model_slot_status_name(enum model_slot_status status)
{
    return model_slot_statuses[status];
}

int model_slot_status_parse(const char *name, enum model_slot_status *status)
{
    int i = model_name_find(model_slot_statuses,
                            MODEL_COUNT(model_slot_statuses), name);
    if (i < 0) {
        return -1;
    }
    *status = (enum model_slot_status)i;
    return 0;
}

const char *model_proxy_state_name(enum model_proxy_state state)
{
    return model_proxy_states[state];
}

int model_proxy_state_parse(const char *name, enum model_proxy_state *state)
{
    int i = model_name_find(model_proxy_states,
                            MODEL_COUNT(model_proxy_states), name);
    if (i < 0) {
        return -1;
    }
    *state = (enum model_proxy_state)i;
    return 0;
}

const char *model_action_type_name(enum model_action_type type)
{
    return model_action_types[type];
}

int model_action_type_parse(const char *name, enum model_action_type *type)
{
    int i = model_name_find(model_action_types,
                            MODEL_COUNT(model_action_types), name);
    if (i < 0) {
        return -1;
    }
    *type = (enum model_action_type)i;
    return 0;
}

bool model_action_type_confirm(enum model_action_type type)
{
    return type != MODEL_ACTION_GROUP_REMOVE;
}

/* ---- JSON helpers ---------------------------------------------------- */

/* Read an int field that must fit an int. */
static int model_get_int(const cJSON *json, const char *key, bool required,
                         int def, int *value, char *err, size_t errlen)
{
    long long v;
    if (json_get_int(json, key, required, def, &v, err, errlen) != 0) {
        return -1;
    }
    if (v < -2147483648LL || v > 2147483647LL) {
        snprintf(err, errlen, "field '%s' is out of range", key);
        return -1;
    }
    *value = (int)v;
    return 0;
}

/* Read a string field into a fixed buffer. */
static int model_get_text(const cJSON *json, const char *key, bool required,
                          char *out, size_t outlen, char *err, size_t errlen)
{
    const char *s;
    if (json_get_str(json, key, required, "", &s, err, errlen) != 0) {
        return -1;
    }
    if (model_copy(out, outlen, s) != 0) {
        snprintf(err, errlen, "field '%s' is too long", key);
        return -1;
    }
    return 0;
}

static int model_need_object(const cJSON *json, const char *what, char *err,
                             size_t errlen)
{
    if (!cJSON_IsObject(json)) {
        snprintf(err, errlen, "%s must be a JSON object", what);
        return -1;
    }
    return 0;
}

/* ---- Server, ServerGroup --------------------------------------------- */

cJSON *model_server_to_json(const struct model_server *server)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", model_server_type_name(server->type));
    cJSON_AddNumberToObject(o, "group_id", server->group_id);
    cJSON_AddStringToObject(o, "addr", server->addr);
    return o;
}

int model_server_from_json(const cJSON *json, struct model_server *server,
                           char *err, size_t errlen)
{
    memset(server, 0, sizeof(*server));
    char type[32];
    if (model_need_object(json, "server", err, errlen) != 0 ||
        model_get_text(json, "addr", true, server->addr, sizeof(server->addr),
                       err, errlen) != 0 ||
        model_get_int(json, "group_id", false, 0, &server->group_id, err,
                      errlen) != 0 ||
        model_get_text(json, "type", false, type, sizeof(type), err,
                       errlen) != 0) {
        return -1;
    }
    if (type[0] == '\0') {
        server->type = MODEL_SERVER_SLAVE;
    } else if (model_server_type_parse(type, &server->type) != 0) {
        snprintf(err, errlen,
                 "server type must be master, slave or offline, not '%s'",
                 type);
        return -1;
    }
    return 0;
}

cJSON *model_group_to_json(const struct model_group *group)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", group->id);
    cJSON_AddStringToObject(o, "product_name", group->product);
    cJSON *servers = cJSON_AddArrayToObject(o, "servers");
    for (size_t i = 0; i < group->count; i++) {
        cJSON_AddItemToArray(servers, model_server_to_json(&group->servers[i]));
    }
    return o;
}

int model_group_from_json(const cJSON *json, struct model_group *group,
                          char *err, size_t errlen)
{
    memset(group, 0, sizeof(*group));
    if (model_need_object(json, "server group", err, errlen) != 0 ||
        model_get_int(json, "id", true, 0, &group->id, err, errlen) != 0 ||
        model_get_text(json, "product_name", false, group->product,
                       sizeof(group->product), err, errlen) != 0) {
        return -1;
    }
    const cJSON *servers = cJSON_GetObjectItemCaseSensitive(json, "servers");
    if (servers == NULL || cJSON_IsNull(servers)) {
        return 0;
    }
    if (!cJSON_IsArray(servers)) {
        snprintf(err, errlen, "field 'servers' must be an array");
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(servers);
    group->servers = mem_calloc(n ? n : 1, sizeof(*group->servers));
    const cJSON *s;
    cJSON_ArrayForEach(s, servers) {
        if (model_server_from_json(s, &group->servers[group->count], err,
                                   errlen) != 0) {
            model_group_release(group);
            return -1;
        }
        group->count++;
    }
    return 0;
}

void model_group_release(struct model_group *group)
{
    mem_free(group->servers);
    group->servers = NULL;
    group->count = 0;
}

const struct model_server *model_group_master(const struct model_group *group)
{
    for (size_t i = 0; i < group->count; i++) {
        if (group->servers[i].type == MODEL_SERVER_MASTER) {
            return &group->servers[i];
        }
    }
    return NULL;
}

const struct model_server *model_group_find(const struct model_group *group,
                                            const char *addr)
{
    for (size_t i = 0; i < group->count; i++) {
        if (strcmp(group->servers[i].addr, addr) == 0) {
            return &group->servers[i];
        }
    }
    return NULL;
}

/* ---- Slot ------------------------------------------------------------ */

void model_slot_init(struct model_slot *slot, const char *product, int id)
{
    memset(slot, 0, sizeof(*slot));
    slot->id = id;
    snprintf(slot->product, sizeof(slot->product), "%s", product);
    slot->group_id = -1;
    slot->status = MODEL_SLOT_OFFLINE;
    slot->migrate_from = -1;
    slot->migrate_to = -1;
    slot->migrate_method = MODEL_MIGRATE_SYNC;
    snprintf(slot->last_op_ts, sizeof(slot->last_op_ts), "0");
}

cJSON *model_slot_to_json(const struct model_slot *slot)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "product_name", slot->product);
    cJSON_AddNumberToObject(o, "id", slot->id);
    cJSON_AddNumberToObject(o, "group_id", slot->group_id);
    cJSON *state = cJSON_AddObjectToObject(o, "state");
    cJSON_AddStringToObject(state, "status",
                            model_slot_status_name(slot->status));
    cJSON *ms = cJSON_AddObjectToObject(state, "migrate_status");
    cJSON_AddNumberToObject(ms, "from", slot->migrate_from);
    cJSON_AddNumberToObject(ms, "to", slot->migrate_to);
    if (slot->migrate_method == MODEL_MIGRATE_SEMI_ASYNC) {
        cJSON_AddStringToObject(ms, "method", "semi-async");
    }
    cJSON_AddStringToObject(state, "last_op_ts", slot->last_op_ts);
    return o;
}

int model_slot_from_json(const cJSON *json, struct model_slot *slot,
                         char *err, size_t errlen)
{
    model_slot_init(slot, "", 0);
    if (model_need_object(json, "slot", err, errlen) != 0 ||
        model_get_text(json, "product_name", false, slot->product,
                       sizeof(slot->product), err, errlen) != 0 ||
        model_get_int(json, "id", true, 0, &slot->id, err, errlen) != 0 ||
        model_get_int(json, "group_id", false, -1, &slot->group_id, err,
                      errlen) != 0) {
        return -1;
    }
    const cJSON *state = cJSON_GetObjectItemCaseSensitive(json, "state");
    if (state == NULL) {
        return 0;
    }
    char status[32];
    char method[16] = "";
    if (model_need_object(state, "field 'state'", err, errlen) != 0 ||
        model_get_text(state, "status", false, status, sizeof(status), err,
                       errlen) != 0 ||
        model_get_text(state, "last_op_ts", false, slot->last_op_ts,
                       sizeof(slot->last_op_ts), err, errlen) != 0) {
        return -1;
    }
    if (status[0] != '\0' && model_slot_status_parse(status, &slot->status)) {
        snprintf(err, errlen, "unknown slot status '%s'", status);
        return -1;
    }
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(state,
                                                       "migrate_status");
    if (ms != NULL &&
        (model_need_object(ms, "field 'migrate_status'", err, errlen) != 0 ||
         model_get_int(ms, "from", false, -1, &slot->migrate_from, err,
                       errlen) != 0 ||
         model_get_int(ms, "to", false, -1, &slot->migrate_to, err,
                       errlen) != 0 ||
         model_get_text(ms, "method", false, method, sizeof(method), err,
                        errlen) != 0)) {
        return -1;
    }
    if (strcmp(method, "semi-async") == 0) {
        slot->migrate_method = MODEL_MIGRATE_SEMI_ASYNC;
    } else if (method[0] != '\0' && strcmp(method, "sync") != 0) {
        snprintf(err, errlen, "unknown migration method '%s'", method);
        return -1;
    }
    return 0;
}

/* ---- ProxyInfo ------------------------------------------------------- */

cJSON *model_proxy_to_json(const struct model_proxy *proxy)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", proxy->id);
    cJSON_AddStringToObject(o, "addr", proxy->addr);
    cJSON_AddStringToObject(o, "last_event", proxy->last_event);
    cJSON_AddNumberToObject(o, "last_event_ts", (double)proxy->last_event_ts);
    cJSON_AddStringToObject(o, "state", model_proxy_state_name(proxy->state));
    cJSON_AddStringToObject(o, "description", proxy->description);
    cJSON_AddStringToObject(o, "debug_var_addr", proxy->debug_var_addr);
    cJSON_AddNumberToObject(o, "pid", proxy->pid);
    cJSON_AddStringToObject(o, "start_at", proxy->start_at);
    return o;
}

int model_proxy_from_json(const cJSON *json, struct model_proxy *proxy,
                          char *err, size_t errlen)
{
    memset(proxy, 0, sizeof(*proxy));
    char state[32];
    if (model_need_object(json, "proxy", err, errlen) != 0 ||
        model_get_text(json, "id", true, proxy->id, sizeof(proxy->id), err,
                       errlen) != 0 ||
        model_get_text(json, "addr", false, proxy->addr, sizeof(proxy->addr),
                       err, errlen) != 0 ||
        model_get_text(json, "last_event", false, proxy->last_event,
                       sizeof(proxy->last_event), err, errlen) != 0 ||
        json_get_int(json, "last_event_ts", false, 0, &proxy->last_event_ts,
                     err, errlen) != 0 ||
        model_get_text(json, "state", false, state, sizeof(state), err,
                       errlen) != 0 ||
        model_get_text(json, "description", false, proxy->description,
                       sizeof(proxy->description), err, errlen) != 0 ||
        model_get_text(json, "debug_var_addr", false, proxy->debug_var_addr,
                       sizeof(proxy->debug_var_addr), err, errlen) != 0 ||
        model_get_int(json, "pid", false, 0, &proxy->pid, err, errlen) != 0 ||
        model_get_text(json, "start_at", false, proxy->start_at,
                       sizeof(proxy->start_at), err, errlen) != 0) {
        return -1;
    }
    if (state[0] == '\0') {
        proxy->state = MODEL_PROXY_OFFLINE;
    } else if (model_proxy_state_parse(state, &proxy->state) != 0) {
        snprintf(err, errlen,
                 "proxy state must be online, offline or mark_offline, "
                 "not '%s'", state);
        return -1;
    }
    return 0;
}

/* ---- Action ---------------------------------------------------------- */

cJSON *model_action_to_json(const struct model_action *action)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", model_action_type_name(action->type));
    cJSON_AddStringToObject(o, "desc", action->desc);
    if (action->target != NULL) {
        cJSON_AddItemToObject(o, "target",
                              cJSON_Duplicate(action->target, true));
    } else {
        cJSON_AddNullToObject(o, "target");
    }
    cJSON_AddStringToObject(o, "ts", action->ts);
    cJSON *recv = cJSON_AddArrayToObject(o, "receivers");
    for (size_t i = 0; i < action->nreceivers; i++) {
        cJSON *p = model_proxy_to_json(&action->receivers[i]);
        char *text = json_print_compact(p);
        cJSON_AddItemToArray(recv, cJSON_CreateString(text));
        mem_free(text);
        cJSON_Delete(p);
    }
    return o;
}

int model_action_from_json(const cJSON *json, struct model_action *action,
                           char *err, size_t errlen)
{
    memset(action, 0, sizeof(*action));
    char type[64];
    if (model_need_object(json, "action", err, errlen) != 0 ||
        model_get_text(json, "type", true, type, sizeof(type), err,
                       errlen) != 0 ||
        model_get_text(json, "desc", false, action->desc,
                       sizeof(action->desc), err, errlen) != 0 ||
        model_get_text(json, "ts", false, action->ts, sizeof(action->ts), err,
                       errlen) != 0) {
        return -1;
    }
    if (model_action_type_parse(type, &action->type) != 0) {
        snprintf(err, errlen, "unknown action type '%s'", type);
        return -1;
    }
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(json, "target");
    if (target != NULL && !cJSON_IsNull(target)) {
        action->target = cJSON_Duplicate(target, true);
    }
    const cJSON *recv = cJSON_GetObjectItemCaseSensitive(json, "receivers");
    if (recv == NULL || cJSON_IsNull(recv)) {
        return 0;
    }
    if (!cJSON_IsArray(recv)) {
        snprintf(err, errlen, "field 'receivers' must be an array");
        model_action_release(action);
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(recv);
    action->receivers = mem_calloc(n ? n : 1, sizeof(*action->receivers));
    const cJSON *r;
    cJSON_ArrayForEach(r, recv) {
        if (!cJSON_IsString(r)) {
            snprintf(err, errlen, "receivers must be strings");
            model_action_release(action);
            return -1;
        }
        cJSON *p = json_parse(r->valuestring, strlen(r->valuestring), err,
                              errlen);
        if (p == NULL) {
            model_action_release(action);
            return -1;
        }
        int rc = model_proxy_from_json(p, &action->receivers[action->nreceivers],
                                       err, errlen);
        cJSON_Delete(p);
        if (rc != 0) {
            model_action_release(action);
            return -1;
        }
        action->nreceivers++;
    }
    return 0;
}

void model_action_release(struct model_action *action)
{
    cJSON_Delete(action->target);
    action->target = NULL;
    mem_free(action->receivers);
    action->receivers = NULL;
    action->nreceivers = 0;
}

cJSON *model_slot_range_to_json(const struct model_slot_range *range)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "from", range->from);
    cJSON_AddNumberToObject(o, "to", range->to);
    cJSON_AddStringToObject(o, "status", model_slot_status_name(range->status));
    cJSON_AddNumberToObject(o, "group_id", range->group_id);
    return o;
}

int model_slot_range_from_json(const cJSON *json,
                               struct model_slot_range *range, char *err,
                               size_t errlen)
{
    memset(range, 0, sizeof(*range));
    char status[32];
    if (model_need_object(json, "slot range", err, errlen) != 0 ||
        model_get_int(json, "from", true, 0, &range->from, err, errlen) != 0 ||
        model_get_int(json, "to", true, 0, &range->to, err, errlen) != 0 ||
        model_get_int(json, "group_id", true, 0, &range->group_id, err,
                      errlen) != 0 ||
        model_get_text(json, "status", true, status, sizeof(status), err,
                       errlen) != 0) {
        return -1;
    }
    if (model_slot_status_parse(status, &range->status) != 0) {
        snprintf(err, errlen, "unknown slot status '%s'", status);
        return -1;
    }
    return 0;
}

/* ---- MigrateTask, dashboard ------------------------------------------ */

cJSON *model_migrate_task_to_json(const struct model_migrate_task *task)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "slot_id", task->slot_id);
    cJSON_AddNumberToObject(o, "new_group", task->new_group);
    cJSON_AddNumberToObject(o, "delay", task->delay);
    cJSON_AddStringToObject(o, "create_at", task->create_at);
    cJSON_AddNumberToObject(o, "percent", task->percent);
    cJSON_AddStringToObject(o, "status", task->status);
    if (task->error[0] != '\0') {
        cJSON_AddStringToObject(o, "error", task->error);
    }
    return o;
}

int model_migrate_task_from_json(const cJSON *json,
                                 struct model_migrate_task *task, char *err,
                                 size_t errlen)
{
    memset(task, 0, sizeof(*task));
    if (model_need_object(json, "migrate task", err, errlen) != 0 ||
        model_get_int(json, "slot_id", true, 0, &task->slot_id, err,
                      errlen) != 0 ||
        model_get_int(json, "new_group", true, 0, &task->new_group, err,
                      errlen) != 0 ||
        model_get_int(json, "delay", false, 0, &task->delay, err, errlen) != 0 ||
        model_get_text(json, "create_at", false, task->create_at,
                       sizeof(task->create_at), err, errlen) != 0 ||
        model_get_int(json, "percent", false, 0, &task->percent, err,
                      errlen) != 0 ||
        model_get_text(json, "status", false, task->status,
                       sizeof(task->status), err, errlen) != 0 ||
        model_get_text(json, "error", false, task->error,
                       sizeof(task->error), err, errlen) != 0) {
        return -1;
    }
    return 0;
}

cJSON *model_dashboard_to_json(const struct model_dashboard *dashboard)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "addr", dashboard->addr);
    cJSON_AddNumberToObject(o, "pid", dashboard->pid);
    return o;
}

int model_dashboard_from_json(const cJSON *json,
                              struct model_dashboard *dashboard, char *err,
                              size_t errlen)
{
    memset(dashboard, 0, sizeof(*dashboard));
    if (model_need_object(json, "dashboard", err, errlen) != 0 ||
        model_get_text(json, "addr", true, dashboard->addr,
                       sizeof(dashboard->addr), err, errlen) != 0 ||
        model_get_int(json, "pid", false, 0, &dashboard->pid, err,
                      errlen) != 0) {
        return -1;
    }
    return 0;
}
