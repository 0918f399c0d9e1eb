/* Unit tests of lib/model and lib/json: JSON round trips of every node
 * kind, Codis 2's field names, paths, enum names and config.ini keys. */
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "lib/json.h"
#include "lib/mem.h"
#include "lib/model.h"
#include "t/unit/tap.h"

/* Print 'json' compactly, free it, and return the owned text. */
static char *compact(cJSON *json)
{
    char *s = json_print_compact(json);
    cJSON_Delete(json);
    return s;
}

static cJSON *parse(const char *text)
{
    char err[128];
    return json_parse(text, strlen(text), err, sizeof(err));
}

static void test_json(void)
{
    char err[128];
    cJSON *o = parse("{\"msg\":\"OK\",\"ret\":0}");
    char *s = json_print(o);
    tap_str(s, "{\n    \"msg\": \"OK\",\n    \"ret\": 0\n}", "json_print indents 4");
    mem_free(s);
    cJSON_Delete(o);
    o = parse("{\"a\":[],\"b\":{},\"c\":[1,2.5,\"x\\n\\\"\"]}");
    s = json_print_compact(o);
    tap_str(s, "{\"a\":[],\"b\":{},\"c\":[1,2.5,\"x\\n\\\"\"]}",
            "compact print escapes and keeps empties");
    mem_free(s);
    long long v;
    tap_int(json_get_int(o, "a", true, 0, &v, err, sizeof(err)), -1,
            "json_get_int refuses an array");
    tap_str(err, "field 'a' must be an integer", "and says so");
    tap_int(json_get_int(o, "zz", false, 7, &v, err, sizeof(err)), 0,
            "missing optional int");
    tap_int(v, 7, "gives the default");
    cJSON_Delete(o);
    o = parse("{\"id\": 1.5}");
    tap_int(json_get_int(o, "id", true, 0, &v, err, sizeof(err)), -1,
            "a fraction is not an integer");
    cJSON_Delete(o);
    tap_ok(json_parse("{\"a\":1} x", 9, err, sizeof(err)) == NULL,
           "trailing garbage is refused");
    tap_ok(json_parse("{\"a\":", 5, err, sizeof(err)) == NULL &&
               strstr(err, "invalid JSON") != NULL,
           "truncated JSON is refused with a message");
    tap_ok(json_parse("", 0, err, sizeof(err)) == NULL, "empty is refused");
    tap_ok(json_parse("{}\0{}", 5, err, sizeof(err)) == NULL,
           "embedded NUL is refused");
}

static void test_slot(void)
{
    char err[128];
    struct model_slot slot;
    model_slot_init(&slot, "test", 7);
    char *s = compact(model_slot_to_json(&slot));
    tap_str(s,
            "{\"product_name\":\"test\",\"id\":7,\"group_id\":-1,\"state\":"
            "{\"status\":\"offline\",\"migrate_status\":{\"from\":-1,"
            "\"to\":-1},\"last_op_ts\":\"0\"}}",
            "a fresh slot is Codis 2's offline slot");
    mem_free(s);
    slot.group_id = 3;
    slot.status = MODEL_SLOT_MIGRATE;
    slot.migrate_from = 2;
    slot.migrate_to = 3;
    cJSON *j = model_slot_to_json(&slot);
    struct model_slot back;
    tap_int(model_slot_from_json(j, &back, err, sizeof(err)), 0,
            "slot decodes");
    cJSON_Delete(j);
    tap_ok(memcmp(&slot, &back, sizeof(slot)) == 0, "slot round trip");
    j = parse("{\"id\":1,\"state\":{\"status\":\"weird\"}}");
    tap_int(model_slot_from_json(j, &back, err, sizeof(err)), -1,
            "an unknown status is refused");
    tap_str(err, "unknown slot status 'weird'", "with its name");
    cJSON_Delete(j);
    slot.migrate_method = MODEL_MIGRATE_SEMI_ASYNC;
    j = model_slot_to_json(&slot);
    tap_int(model_slot_from_json(j, &back, err, sizeof(err)), 0,
            "a semi-async slot decodes");
    cJSON_Delete(j);
    tap_ok(back.migrate_method == MODEL_MIGRATE_SEMI_ASYNC,
           "its method survives the round trip");
    j = parse("{\"id\":1,\"state\":{\"migrate_status\":"
              "{\"method\":\"fast\"}}}");
    tap_int(model_slot_from_json(j, &back, err, sizeof(err)), -1,
            "an unknown method is refused");
    tap_str(err, "unknown migration method 'fast'", "with its name");
    cJSON_Delete(j);
    j = parse("[1]");
    tap_int(model_slot_from_json(j, &back, err, sizeof(err)), -1,
            "a non-object slot is refused");
    cJSON_Delete(j);
}

static void test_group(void)
{
    char err[128];
    struct model_server servers[2] = {
        { "127.0.0.1:6379", MODEL_SERVER_MASTER, 1 },
        { "127.0.0.1:6380", MODEL_SERVER_SLAVE, 1 },
    };
    struct model_group g = { 1, "test", servers, 2 };
    char *s = compact(model_group_to_json(&g));
    tap_str(s,
            "{\"id\":1,\"product_name\":\"test\",\"servers\":[{\"type\":"
            "\"master\",\"group_id\":1,\"addr\":\"127.0.0.1:6379\"},{\"type\":"
            "\"slave\",\"group_id\":1,\"addr\":\"127.0.0.1:6380\"}]}",
            "a group with its servers");
    cJSON *j = parse(s);
    mem_free(s);
    struct model_group back;
    tap_int(model_group_from_json(j, &back, err, sizeof(err)), 0,
            "group decodes");
    cJSON_Delete(j);
    tap_int(back.count, 2, "with two servers");
    tap_str(model_group_master(&back)->addr, "127.0.0.1:6379",
            "its master is found");
    tap_ok(model_group_find(&back, "127.0.0.1:6380") != NULL &&
               model_group_find(&back, "x:1") == NULL,
           "servers are found by address");
    model_group_release(&back);
    j = parse("{\"id\":1,\"servers\":[{\"addr\":\"a:1\",\"type\":\"boss\"}]}");
    tap_int(model_group_from_json(j, &back, err, sizeof(err)), -1,
            "an unknown server type is refused");
    cJSON_Delete(j);
    j = parse("{\"addr\":\"h:1\"}");
    struct model_server sv;
    tap_int(model_server_from_json(j, &sv, err, sizeof(err)), 0,
            "a server without a type decodes");
    tap_int(sv.type, MODEL_SERVER_SLAVE, "as a slave");
    cJSON_Delete(j);
}

static void test_proxy_action(void)
{
    char err[128];
    struct model_proxy p;
    memset(&p, 0, sizeof(p));
    snprintf(p.id, sizeof(p.id), "proxy_1");
    snprintf(p.addr, sizeof(p.addr), "host:19000");
    snprintf(p.debug_var_addr, sizeof(p.debug_var_addr), "host:11000");
    snprintf(p.start_at, sizeof(p.start_at), "2024-01-01 00:00:00");
    p.state = MODEL_PROXY_ONLINE;
    p.pid = 42;
    p.last_event_ts = 1700000000;
    cJSON *j = model_proxy_to_json(&p);
    struct model_proxy back;
    tap_int(model_proxy_from_json(j, &back, err, sizeof(err)), 0,
            "proxy decodes");
    cJSON_Delete(j);
    tap_ok(memcmp(&p, &back, sizeof(p)) == 0, "proxy round trip");

    struct model_slot slot;
    model_slot_init(&slot, "test", 5);
    struct model_action a;
    memset(&a, 0, sizeof(a));
    a.type = MODEL_ACTION_SLOT_CHANGED;
    a.target = model_slot_to_json(&slot);
    snprintf(a.ts, sizeof(a.ts), "1700000000");
    a.receivers = &p;
    a.nreceivers = 1;
    j = model_action_to_json(&a);
    cJSON_Delete(a.target);
    const cJSON *recv = cJSON_GetObjectItem(j, "receivers");
    tap_ok(cJSON_IsArray(recv) && cJSON_IsString(cJSON_GetArrayItem(recv, 0)),
           "receivers are JSON strings");
    struct model_action ab;
    tap_int(model_action_from_json(j, &ab, err, sizeof(err)), 0,
            "action decodes");
    cJSON_Delete(j);
    tap_int(ab.type, MODEL_ACTION_SLOT_CHANGED, "type kept");
    tap_int(ab.nreceivers, 1, "one receiver");
    tap_ok(ab.nreceivers == 1 && memcmp(&ab.receivers[0], &p, sizeof(p)) == 0,
           "receiver round trip");
    struct model_slot ts;
    tap_int(model_slot_from_json(ab.target, &ts, err, sizeof(err)), 0,
            "target is the slot");
    tap_int(ts.id, 5, "slot id kept");
    model_action_release(&ab);

    j = parse("{\"type\":\"bogus\"}");
    tap_int(model_action_from_json(j, &ab, err, sizeof(err)), -1,
            "unknown action type refused");
    cJSON_Delete(j);
    j = parse("{\"type\":\"group_remove\",\"receivers\":[\"{bad\"]}");
    tap_int(model_action_from_json(j, &ab, err, sizeof(err)), -1,
            "a receiver that is not JSON is refused");
    cJSON_Delete(j);
}

static void test_small_kinds(void)
{
    char err[128];
    struct model_slot_range r = { 0, 511, MODEL_SLOT_ONLINE, 1 };
    char *s = compact(model_slot_range_to_json(&r));
    tap_str(s, "{\"from\":0,\"to\":511,\"status\":\"online\",\"group_id\":1}",
            "multi_slot_changed target");
    cJSON *j = parse(s);
    mem_free(s);
    struct model_slot_range rb;
    tap_int(model_slot_range_from_json(j, &rb, err, sizeof(err)), 0,
            "range decodes");
    tap_ok(memcmp(&r, &rb, sizeof(r)) == 0, "range round trip");
    cJSON_Delete(j);

    struct model_migrate_task t = { 3, 2, 10, "1700000000", 50, "pending",
                                    "" };
    s = compact(model_migrate_task_to_json(&t));
    tap_str(s, "{\"slot_id\":3,\"new_group\":2,\"delay\":10,"
               "\"create_at\":\"1700000000\",\"percent\":50,"
               "\"status\":\"pending\"}", "task node as Codis 2 writes it");
    j = parse(s);
    mem_free(s);
    struct model_migrate_task tb;
    tap_int(model_migrate_task_from_json(j, &tb, err, sizeof(err)), 0,
            "task decodes");
    cJSON_Delete(j);
    tap_ok(memcmp(&t, &tb, sizeof(t)) == 0, "task round trip");
    snprintf(t.status, sizeof(t.status), "error");
    snprintf(t.error, sizeof(t.error), "group 2 has no master");
    j = model_migrate_task_to_json(&t);
    tap_int(model_migrate_task_from_json(j, &tb, err, sizeof(err)), 0,
            "failed task decodes");
    cJSON_Delete(j);
    tap_str(tb.error, "group 2 has no master", "task error round trip");

    struct model_dashboard d = { "host:18087", 99 };
    s = compact(model_dashboard_to_json(&d));
    tap_str(s, "{\"addr\":\"host:18087\",\"pid\":99}", "dashboard node");
    j = parse(s);
    mem_free(s);
    struct model_dashboard db;
    tap_int(model_dashboard_from_json(j, &db, err, sizeof(err)), 0,
            "dashboard decodes");
    cJSON_Delete(j);
    tap_ok(memcmp(&d, &db, sizeof(d)) == 0, "dashboard round trip");
}

static void test_paths_names(void)
{
    char path[MODEL_PATH_MAX];
    model_path_slot(path, sizeof(path), "test", 1023);
    tap_str(path, "/zk/codis/db_test/slots/slot_1023", "slot path");
    model_path_server(path, sizeof(path), "p", 2, "h:1");
    tap_str(path, "/zk/codis/db_p/servers/group_2/h:1", "server path");
    model_path_response(path, sizeof(path), "p", "0000000001");
    tap_str(path, "/zk/codis/db_p/ActionResponse/0000000001",
            "response path");
    model_path_dashboard(path, sizeof(path), "p");
    tap_str(path, "/zk/codis/db_p/dashboard", "dashboard path");
    char small[8];
    tap_int(model_path_root(small, sizeof(small), "test"), -1,
            "a path that does not fit is an error");
    int gid = 0;
    tap_ok(model_group_name_parse("group_12", &gid) == 0 && gid == 12,
           "group_12 parses");
    tap_ok(model_group_name_parse("group_", &gid) != 0 &&
               model_group_name_parse("group_1x", &gid) != 0 &&
               model_group_name_parse("grp_1", &gid) != 0,
           "bad group names refused");
    enum model_slot_status st;
    tap_ok(model_slot_status_parse("pre_migrate", &st) == 0 &&
               st == MODEL_SLOT_PRE_MIGRATE,
           "pre_migrate parses");
    tap_str(model_proxy_state_name(MODEL_PROXY_MARK_OFFLINE), "mark_offline",
            "mark_offline name");
    tap_ok(model_product_valid("test") && model_product_valid("a.b-c_1") &&
               !model_product_valid("") && !model_product_valid("a/b") &&
               !model_product_valid(".x"),
           "product names");
}

static void test_config(void)
{
    char err[256];
    struct model_config cfg;
    struct conf *c = conf_new();
    tap_int(model_config_load(c, &cfg, err, sizeof(err)), 0,
            "defaults load");
    tap_str(cfg.coordinator, "filesystem", "default coordinator");
    tap_str(cfg.product, "test", "default product");
    tap_int(cfg.session_timeout_ms, 30000, "default session timeout");
    conf_set(c, "coordinator", "zookeeper");
    conf_set(c, "zk_session_timeout", "30");
    tap_int(model_config_load(c, &cfg, err, sizeof(err)), 0, "zk loads");
    tap_str(cfg.coord_addr, "localhost:2181", "zk default address");
    tap_int(cfg.session_timeout_ms, 30000, "30 means 30 seconds");
    conf_set(c, "coordinator", "etcd");
    tap_int(model_config_load(c, &cfg, err, sizeof(err)), -1,
            "unknown coordinator refused");
    tap_ok(strstr(err, "'etcd'") != NULL, "naming it");
    conf_set(c, "coordinator", "fs");
    conf_set(c, "dashboard_addr", "0.0.0.0:18087");
    tap_int(model_config_load(c, &cfg, err, sizeof(err)), -1,
            "dashboard_addr 0.0.0.0 refused");
    conf_set(c, "dashboard_addr", "localhost");
    tap_int(model_config_load(c, &cfg, err, sizeof(err)), -1,
            "dashboard_addr without port refused");
    conf_set(c, "dashboard_addr", "localhost:18087");
    conf_set(c, "product", "a b");
    tap_int(model_config_load(c, &cfg, err, sizeof(err)), -1,
            "bad product refused");
    conf_set(c, "product", "x");
    conf_set(c, "zk_session_timeout", "-1");
    tap_int(model_config_load(c, &cfg, err, sizeof(err)), -1,
            "negative timeout refused");
    conf_free(c);
    char host[64];
    int port;
    tap_ok(model_addr_split("[::1]:6379", host, sizeof(host), &port, err,
                            sizeof(err)) == 0 &&
               strcmp(host, "::1") == 0 && port == 6379,
           "IPv6 address splits");
    tap_ok(model_addr_split(":18087", host, sizeof(host), &port, err,
                            sizeof(err)) == 0 &&
               host[0] == '\0' && port == 18087,
           "empty host splits");
    tap_ok(model_addr_split("h:99999", host, sizeof(host), &port, err,
                            sizeof(err)) != 0,
           "port out of range refused");
}

int main(void)
{
    test_json();
    test_slot();
    test_group();
    test_proxy_action();
    test_small_kinds();
    test_paths_names();
    test_config();
    return tap_done();
}
