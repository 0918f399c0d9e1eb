/* The Codis 2 cluster model: what the coordinator's nodes under
 * /zk/codis/db_<product>/ hold, as C structs, and their JSON. Field names
 * and values follow Codis 2 exactly, so tools that read Codis 2's
 * ZooKeeper data read ours:
 *
 *   dashboard                    {"addr", "pid"}               ephemeral
 *   LOCK/lock-<seq>              {"hostname", "pid", "desc"}   ephemeral
 *   proxy/<proxy_id>             ProxyInfo                     ephemeral
 *   fence/<proxy addr>           empty
 *   servers/group_<gid>          empty
 *   servers/group_<gid>/<addr>   Server {"type", "group_id", "addr"}
 *   slots/slot_<n>               Slot (n = 0..1023)
 *   migrate_tasks/<seq>          MigrateTask
 *   actions/<seq>                Action
 *   ActionResponse/<seq>/<id>    the acknowledging proxy's ProxyInfo
 *
 * Also the config.ini keys every role shares (coordinator, zk, product,
 * dashboard_addr, password, zk_session_timeout). Reading and writing the
 * nodes through the coordinator is lib/model_store; this file has no I/O
 * besides reading the conf. */
#ifndef CODIS_MODEL_H
#define CODIS_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct conf;

#define MODEL_NAME_MAX 128 /* product names, proxy ids */
#define MODEL_ADDR_MAX 256 /* "host:port" */
#define MODEL_PATH_MAX 512 /* coordinator paths */
#define MODEL_TEXT_MAX 256 /* descriptions, timestamps */

/* The role of a server in its group. */
enum model_server_type {
    MODEL_SERVER_MASTER,
    MODEL_SERVER_SLAVE,
    MODEL_SERVER_OFFLINE,
};

/* servers/group_<gid>/<addr>: one codis server of a group. */
struct model_server {
    char addr[MODEL_ADDR_MAX]; /* "host:port" */
    enum model_server_type type;
    int group_id;
};

/* A server group: its id (>= 1) and its servers (read from the children
 * of servers/group_<gid>; the group node itself is empty). */
struct model_group {
    int id;
    char product[MODEL_NAME_MAX];
    struct model_server *servers; /* owned, 'count' entries */
    size_t count;
};

/* The state of a slot (codis-facts §7.1). */
enum model_slot_status {
    MODEL_SLOT_OFFLINE,
    MODEL_SLOT_ONLINE,
    MODEL_SLOT_MIGRATE,
    MODEL_SLOT_PRE_MIGRATE,
};

/* How the keys of a migrating slot move, and so how proxies forward its
 * requests: sync (Codis 2: SLOTSMGRTTAGONE before each request) or
 * semi-async (Codis 3.2: SLOTSMGRT-EXEC-WRAPPER). */
enum model_migrate_method {
    MODEL_MIGRATE_SYNC,
    MODEL_MIGRATE_SEMI_ASYNC,
};

/* slots/slot_<n>. */
struct model_slot {
    int id;
    char product[MODEL_NAME_MAX];
    int group_id;                /* -1: no owner */
    enum model_slot_status status;
    int migrate_from;            /* -1 when not migrating */
    int migrate_to;              /* -1 when not migrating */
    enum model_migrate_method migrate_method; /* "method" in migrate_status,
                                                 absent for sync */
    char last_op_ts[MODEL_TEXT_MAX]; /* a string in Codis 2 ("0") */
};

/* The state of a proxy. */
enum model_proxy_state {
    MODEL_PROXY_OFFLINE,
    MODEL_PROXY_ONLINE,
    MODEL_PROXY_MARK_OFFLINE,
};

/* proxy/<id>: ProxyInfo. */
struct model_proxy {
    char id[MODEL_NAME_MAX];
    char addr[MODEL_ADDR_MAX];
    char last_event[MODEL_TEXT_MAX];
    long long last_event_ts;
    enum model_proxy_state state;
    char description[MODEL_TEXT_MAX];
    char debug_var_addr[MODEL_ADDR_MAX];
    int pid;
    char start_at[MODEL_TEXT_MAX];
};

/* The kinds of Action (codis-facts §5.1). */
enum model_action_type {
    MODEL_ACTION_SLOT_CHANGED,
    MODEL_ACTION_SLOT_PREMIGRATE,
    MODEL_ACTION_SLOT_MIGRATE,
    MODEL_ACTION_MULTI_SLOT_CHANGED,
    MODEL_ACTION_GROUP_CHANGED,
    MODEL_ACTION_GROUP_REMOVE,
};

/* actions/<seq>: a change every proxy in 'receivers' must apply. */
struct model_action {
    enum model_action_type type;
    char desc[MODEL_TEXT_MAX];
    cJSON *target;               /* owned: a Slot, ServerGroup or range */
    char ts[MODEL_TEXT_MAX];     /* unix seconds, as a string */
    struct model_proxy *receivers; /* owned, 'nreceivers' entries */
    size_t nreceivers;
};

/* The target of a multi_slot_changed action. */
struct model_slot_range {
    int from;
    int to;
    enum model_slot_status status;
    int group_id;
};

/* migrate_tasks/<seq>. */
struct model_migrate_task {
    int slot_id;
    int new_group;
    int delay;                      /* ms between migration steps */
    char create_at[MODEL_TEXT_MAX]; /* unix seconds, as a string */
    int percent;
    char status[32];                /* pending, migrating, error */
    char error[MODEL_TEXT_MAX];     /* why the last run failed, or "";
                                     * ours (absent from Codis 2's JSON
                                     * when empty) */
};

/* dashboard: the registration of the running dashboard. */
struct model_dashboard {
    char addr[MODEL_ADDR_MAX];
    int pid;
};

/* The config.ini keys shared by every role (codis-facts §6.1):
 *   coordinator         zookeeper (alias zk) | filesystem (alias fs);
 *                       default filesystem
 *   zk                  the coordinator's address: ZooKeeper hosts
 *                       "h:p,h:p", or for filesystem the store's
 *                       directory; default localhost:2181 / /tmp/codis
 *   product             cluster name, default "test"
 *   dashboard_addr      where the CLI and proxies reach the dashboard,
 *                       default localhost:18087; host 0.0.0.0 refused
 *   password            Codis 2's one password: the default of both below
 *   product_auth        AUTH sent to the codis servers (by the proxy, the
 *                       dashboard, ha), default 'password', none if empty
 *   session_auth        AUTH clients must send to the proxy, default
 *                       'password', none if empty
 *   dashboard_auth      credentials of the dashboard's API and page and of
 *                       the proxy's log level (lib/auth.h), default none
 *   zk_session_timeout  ms (values <= 100 are seconds), default 30000 */
struct model_config {
    char coordinator[16]; /* "zookeeper" or "filesystem" */
    char coord_addr[MODEL_PATH_MAX];
    char product[MODEL_NAME_MAX];
    char dashboard_addr[MODEL_ADDR_MAX];
    char password[MODEL_TEXT_MAX];       /* product_auth: to the servers */
    char session_auth[MODEL_TEXT_MAX];   /* from the proxy's clients */
    char dashboard_auth[MODEL_TEXT_MAX]; /* checked with lib/auth */
    int session_timeout_ms;
};

/* Read the shared keys from 'conf' into 'cfg' (marking them used).
 * Returns 0, or -1 with 'err' saying which key is bad and why. */
int model_config_load(struct conf *conf, struct model_config *cfg, char *err,
                      size_t errlen);

/* True if 'name' is a valid product name: a letter, digit or '_', then
 * letters, digits, '_', '.', '-'. */
bool model_product_valid(const char *name);

/* Paths. Each writes a node's path for 'product' to 'out' (of 'outlen'
 * bytes) and returns 0, or -1 if it does not fit. */
int model_path_root(char *out, size_t outlen, const char *product);
int model_path_dashboard(char *out, size_t outlen, const char *product);
int model_path_lock(char *out, size_t outlen, const char *product);
int model_path_slots(char *out, size_t outlen, const char *product);
int model_path_slot(char *out, size_t outlen, const char *product, int id);
int model_path_groups(char *out, size_t outlen, const char *product);
int model_path_group(char *out, size_t outlen, const char *product, int gid);
int model_path_server(char *out, size_t outlen, const char *product, int gid,
                      const char *addr);
int model_path_proxies(char *out, size_t outlen, const char *product);
int model_path_proxy(char *out, size_t outlen, const char *product,
                     const char *id);
int model_path_fences(char *out, size_t outlen, const char *product);
int model_path_fence(char *out, size_t outlen, const char *product,
                     const char *addr);
int model_path_actions(char *out, size_t outlen, const char *product);
int model_path_action(char *out, size_t outlen, const char *product,
                      const char *seq);
int model_path_responses(char *out, size_t outlen, const char *product);
int model_path_response(char *out, size_t outlen, const char *product,
                        const char *seq);
int model_path_migrate_tasks(char *out, size_t outlen, const char *product);
int model_path_migrate_task(char *out, size_t outlen, const char *product,
                            const char *seq);

/* Parse "group_<gid>" (a child of servers/) into '*gid'. Returns 0 or -1. */
int model_group_name_parse(const char *name, int *gid);

/* Names of enum values as Codis writes them, and their parsers (0 or -1
 * for an unknown name). */
const char *model_server_type_name(enum model_server_type type);
int model_server_type_parse(const char *name, enum model_server_type *type);
const char *model_slot_status_name(enum model_slot_status status);
int model_slot_status_parse(const char *name, enum model_slot_status *status);
const char *model_proxy_state_name(enum model_proxy_state state);
int model_proxy_state_parse(const char *name, enum model_proxy_state *state);
const char *model_action_type_name(enum model_action_type type);
int model_action_type_parse(const char *name, enum model_action_type *type);

/* True if proxies must acknowledge actions of 'type' by default (group
 * changes pass their own choice to model_store_post_action). */
bool model_action_type_confirm(enum model_action_type type);

/* JSON of each kind. The *_to_json functions return an owned tree
 * (cJSON_Delete). The *_from_json functions fill the struct from 'json'
 * and return 0, or -1 with 'err' filled ("field 'id' must be an
 * integer"); on error the struct may be partly filled but owns nothing. */
cJSON *model_server_to_json(const struct model_server *server);
int model_server_from_json(const cJSON *json, struct model_server *server,
                           char *err, size_t errlen);

/* A group with its servers. from_json allocates 'servers': release with
 * model_group_release. */
cJSON *model_group_to_json(const struct model_group *group);
int model_group_from_json(const cJSON *json, struct model_group *group,
                          char *err, size_t errlen);

/* Free the servers of 'group' (not the struct itself). */
void model_group_release(struct model_group *group);

/* The master of 'group' (borrowed), or NULL. */
const struct model_server *model_group_master(const struct model_group *group);

/* The server 'addr' of 'group' (borrowed), or NULL. */
const struct model_server *model_group_find(const struct model_group *group,
                                            const char *addr);

cJSON *model_slot_to_json(const struct model_slot *slot);
int model_slot_from_json(const cJSON *json, struct model_slot *slot,
                         char *err, size_t errlen);

/* A fresh slot 'id' of 'product': offline, no group, not migrating. */
void model_slot_init(struct model_slot *slot, const char *product, int id);

cJSON *model_proxy_to_json(const struct model_proxy *proxy);
int model_proxy_from_json(const cJSON *json, struct model_proxy *proxy,
                          char *err, size_t errlen);

/* Receivers are written as strings, each a proxy's compact JSON, as Codis
 * 2 does. from_json allocates: release with model_action_release. */
cJSON *model_action_to_json(const struct model_action *action);
int model_action_from_json(const cJSON *json, struct model_action *action,
                           char *err, size_t errlen);

/* Free what 'action' owns (not the struct itself). */
void model_action_release(struct model_action *action);

cJSON *model_slot_range_to_json(const struct model_slot_range *range);
int model_slot_range_from_json(const cJSON *json,
                               struct model_slot_range *range, char *err,
                               size_t errlen);

cJSON *model_migrate_task_to_json(const struct model_migrate_task *task);
int model_migrate_task_from_json(const cJSON *json,
                                 struct model_migrate_task *task, char *err,
                                 size_t errlen);

cJSON *model_dashboard_to_json(const struct model_dashboard *dashboard);
int model_dashboard_from_json(const cJSON *json,
                              struct model_dashboard *dashboard, char *err,
                              size_t errlen);

/* True if listening on 'addr' ("host:port") reaches only this machine:
 * a 127.x.y.z or ::1 host, or "localhost". An empty host, 0.0.0.0, ::
 * and any other address reach beyond it. */
bool model_addr_loopback(const char *addr);

/* Split "host:port" ("[v6]:port" too) into 'host' and '*port'. Returns 0,
 * or -1 with 'err' filled when there is no port or it is not 0..65535 (0
 * means any port, for listeners). An empty host is allowed (":18087"). */
int model_addr_split(const char *addr, char *host, size_t hostlen, int *port,
                     char *err, size_t errlen);

#endif
