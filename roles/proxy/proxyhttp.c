/* /debug/vars, /metrics, /setloglevel and PUT /api/loglevel/<level> over
 * libevent's evhttp; see proxyhttp.h. */
#include "roles/proxy/proxyhttp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "lib/auth.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/model.h"
#include "roles/proxy/backend.h"
#include "roles/proxy/cmdtable.h"
#include "roles/proxy/metrics.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

static struct evhttp *proxyhttp_server;
static struct auth_spec proxyhttp_auth; /* dashboard_auth */
static uint64_t proxyhttp_last_ops;
static uint64_t proxyhttp_qps;

/* Sum of metric 'id' over the workers. */
static uint64_t proxyhttp_sum(enum stats_id id)
{
    int n;
    struct worker **all = worker_all(&n);
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v += stats_get(&all[i]->stats, id);
    }
    return v;
}

/* Sums of command 'c' over the workers. */
static void proxyhttp_cmd(size_t c, uint64_t *calls, uint64_t *usecs,
                          uint64_t *errors)
{
    int n;
    struct worker **all = worker_all(&n);
    *calls = *usecs = *errors = 0;
    for (int i = 0; i < n; i++) {
        struct stats_cmd *sc = &all[i]->stats.cmds[c];
        *calls += atomic_load_explicit(&sc->calls, memory_order_relaxed);
        *usecs += atomic_load_explicit(&sc->usecs, memory_order_relaxed);
        *errors += atomic_load_explicit(&sc->errors, memory_order_relaxed);
    }
}

void proxyhttp_tick(void)
{
    uint64_t ops = proxyhttp_sum(STATS_OPS);
    proxyhttp_qps = ops - proxyhttp_last_ops;
    proxyhttp_last_ops = ops;
}

static void proxyhttp_send(struct evhttp_request *req, int code,
                           const char *type, const char *body, size_t len)
{
    struct evbuffer *out = evbuffer_new();
    if (out == NULL) {
        evhttp_send_error(req, 500, "out of memory");
        return;
    }
    evbuffer_add(out, body, len);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      type);
    evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", out);
    evbuffer_free(out);
}

/* Send 'json' (taken) as the reply. */
static void proxyhttp_send_json(struct evhttp_request *req, int code,
                                cJSON *json)
{
    char *text = cJSON_Print(json);
    cJSON_Delete(json);
    if (text == NULL) {
        evhttp_send_error(req, 500, "out of memory");
        return;
    }
    proxyhttp_send(req, code, "application/json; charset=utf-8", text,
                   strlen(text));
    free(text);
}

/* The backends of the current table and how many slots each owns. */
static cJSON *proxyhttp_backends(void)
{
    cJSON *list = cJSON_CreateArray();
    const struct slotmap *map = worker_current();
    if (map == NULL) {
        return list;
    }
    for (size_t i = 0; i < map->naddrs; i++) {
        int slots = 0;
        for (unsigned s = 0; s < SLOT_COUNT; s++) {
            slots += map->slots[s].backend == (int32_t)i;
        }
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "addr", map->addrs[i]);
        cJSON_AddNumberToObject(b, "slots", slots);
        cJSON_AddItemToArray(list, b);
    }
    return list;
}

static void proxyhttp_vars(struct evhttp_request *req, void *arg)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *router = cJSON_AddObjectToObject(root, "router");
    cJSON_AddNumberToObject(router, "ops",
                            (double)proxyhttp_sum(STATS_OPS));
    cJSON_AddNumberToObject(router, "qps", (double)proxyhttp_qps);
    cJSON *cmds = cJSON_AddArrayToObject(router, "cmds");
    for (size_t c = 0; c < cmdtable_count(); c++) {
        uint64_t calls, usecs, errors;
        proxyhttp_cmd(c, &calls, &usecs, &errors);
        if (calls == 0) {
            continue;
        }
        cJSON *e = cJSON_CreateObject();
        char name[64];
        cJSON_AddStringToObject(e, "cmd", cmdtable_upper(cmdtable_at(c), name,
                                                         sizeof(name)));
        cJSON_AddNumberToObject(e, "calls", (double)calls);
        cJSON_AddNumberToObject(e, "usecs", (double)usecs);
        cJSON_AddNumberToObject(e, "usecs_percall",
                                (double)(usecs / calls));
        cJSON_AddNumberToObject(e, "errors", (double)errors);
        cJSON_AddItemToArray(cmds, e);
    }
    cJSON *info = cJSON_AddObjectToObject(router, "info");
    int n;
    struct worker **all = worker_all(&n);
    if (n > 0) {
        const struct worker_config *cfg = all[0]->cfg;
        cJSON_AddStringToObject(info, "id", cfg->proxy_id ? cfg->proxy_id
                                                          : "");
        cJSON_AddStringToObject(info, "addr", cfg->addr ? cfg->addr : "");
        cJSON_AddNumberToObject(info, "pid", (double)getpid());
        cJSON_AddNumberToObject(info, "threads", n);
    }
    cJSON *sessions = cJSON_AddObjectToObject(router, "sessions");
    cJSON_AddNumberToObject(sessions, "total",
                            (double)proxyhttp_sum(STATS_SESSIONS_TOTAL));
    cJSON_AddNumberToObject(sessions, "alive",
                            (double)proxyhttp_sum(STATS_SESSIONS_ALIVE));
    for (int k = 0; k < STATS_COUNT; k++) {
        if (k == STATS_OPS || k == STATS_SESSIONS_TOTAL ||
            k == STATS_SESSIONS_ALIVE) {
            continue;
        }
        cJSON_AddNumberToObject(router, stats_descs[k].name,
                                (double)proxyhttp_sum((enum stats_id)k));
    }
    cJSON_AddItemToObject(router, "backends", proxyhttp_backends());
    const struct slotmap *map = worker_current();
    cJSON_AddNumberToObject(router, "slot_table_version",
                            map ? (double)map->version : 0);
    proxyhttp_send_json(req, 200, root);
}

static void proxyhttp_metrics(struct evhttp_request *req, void *arg)
{
    struct evbuffer *out = evbuffer_new();
    if (out == NULL) {
        evhttp_send_error(req, 500, "out of memory");
        return;
    }
    for (int k = 0; k < STATS_COUNT; k++) {
        const struct stats_desc *d = &stats_descs[k];
        const char *suffix = strcmp(d->kind, "counter") == 0 &&
                             strstr(d->name, "_total") == NULL ? "_total" : "";
        evbuffer_add_printf(out, "# HELP codis_proxy_%s%s %s\n"
                            "# TYPE codis_proxy_%s%s %s\n"
                            "codis_proxy_%s%s %llu\n",
                            d->name, suffix, d->help, d->name, suffix,
                            d->kind, d->name, suffix,
                            (unsigned long long)proxyhttp_sum(
                                (enum stats_id)k));
    }
    evbuffer_add_printf(out, "# HELP codis_proxy_qps requests answered in "
                        "the last second\n# TYPE codis_proxy_qps gauge\n"
                        "codis_proxy_qps %llu\n",
                        (unsigned long long)proxyhttp_qps);
    static const char *names[] = { "calls", "usecs", "errors" };
    static const char *helps[] = {
        "calls of each command", "time spent in each command, microseconds",
        "error replies of each command" };
    for (int m = 0; m < 3; m++) {
        evbuffer_add_printf(out, "# HELP codis_proxy_cmd_%s_total %s\n"
                            "# TYPE codis_proxy_cmd_%s_total counter\n",
                            names[m], helps[m], names[m]);
        for (size_t c = 0; c < cmdtable_count(); c++) {
            uint64_t v[3];
            proxyhttp_cmd(c, &v[0], &v[1], &v[2]);
            if (v[0] == 0) {
                continue;
            }
            char name[64];
            cmdtable_upper(cmdtable_at(c), name, sizeof(name));
            evbuffer_add_printf(out, "codis_proxy_cmd_%s_total{cmd=\"%s\"} "
                                "%llu\n", names[m], name,
                                (unsigned long long)v[m]);
        }
    }
    const struct slotmap *map = worker_current();
    evbuffer_add_printf(out, "# HELP codis_proxy_slot_table_version version "
                        "of the slot table served\n"
                        "# TYPE codis_proxy_slot_table_version gauge\n"
                        "codis_proxy_slot_table_version %llu\n",
                        (unsigned long long)(map ? map->version : 0));
    metrics_write(out);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; version=0.0.4");
    evhttp_send_reply(req, 200, "OK", out);
    evbuffer_free(out);
}

/* Send {"error": 'text'} with HTTP status 'code'. */
static void proxyhttp_error(struct evhttp_request *req, int code,
                            const char *text);

/* True if the client of 'req' may change settings: it sent the
 * dashboard's credentials, or none are set and it is on this machine.
 * Otherwise replies 401 (403) and logs the refusal. */
static bool proxyhttp_may_change(struct evhttp_request *req)
{
    char *host = NULL;
    ev_uint16_t port = 0;
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    if (conn != NULL) {
        evhttp_connection_get_peer(conn, &host, &port);
    }
    char peer[300];
    snprintf(peer, sizeof(peer), "%s:%u", host != NULL ? host : "-", port);
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    if (proxyhttp_auth.enabled) {
        if (auth_check_basic(&proxyhttp_auth,
                             evhttp_find_header(in, "Authorization"))) {
            return true;
        }
        log_warn("http: %s from %s refused: wrong or no credentials",
                 evhttp_request_get_uri(req), peer);
        evhttp_add_header(evhttp_request_get_output_headers(req),
                          "WWW-Authenticate",
                          "Basic realm=\"codis proxy\", charset=\"UTF-8\"");
        proxyhttp_error(req, 401, "authentication required: the "
                        "credentials of dashboard_auth");
        return false;
    }
    if (model_addr_loopback(peer)) {
        return true;
    }
    log_warn("http: %s from %s refused: without dashboard_auth only "
             "clients on this machine may change settings",
             evhttp_request_get_uri(req), peer);
    proxyhttp_error(req, 403, "set dashboard_auth to change settings from "
                    "another machine");
    return false;
}

static void proxyhttp_setloglevel(struct evhttp_request *req, void *arg)
{
    if (evhttp_request_get_command(req) != EVHTTP_REQ_PUT) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
                          "PUT");
        proxyhttp_error(req, 405, "the log level changes with PUT "
                        "/api/loglevel/<level> (or PUT /setloglevel?level=)");
        return;
    }
    if (!proxyhttp_may_change(req)) {
        return;
    }
    struct evkeyvalq query;
    const char *uri = evhttp_request_get_uri(req);
    const struct evhttp_uri *parsed = evhttp_request_get_evhttp_uri(req);
    const char *q = parsed ? evhttp_uri_get_query(parsed) : NULL;
    TAILQ_INIT(&query);
    if (q == NULL || evhttp_parse_query_str(q, &query) != 0) {
        proxyhttp_send(req, 400, "text/plain", "missing level\n", 14);
        return;
    }
    const char *level = evhttp_find_header(&query, "level");
    enum log_level lv;
    if (level == NULL || log_parse_level(level, &lv) != 0) {
        evhttp_clear_headers(&query);
        proxyhttp_send(req, 400, "text/plain",
                       "level must be debug, info, warn or error\n", 41);
        return;
    }
    log_set_level(lv);
    log_info("log level set to %s (%s)", log_level_name(lv), uri);
    evhttp_clear_headers(&query);
    proxyhttp_send(req, 200, "text/plain", "OK\n", 3);
}

/* Send {"error": 'text'} with HTTP status 'code'. */
static void proxyhttp_error(struct evhttp_request *req, int code,
                            const char *text)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "error", text);
    proxyhttp_send_json(req, code, e);
}

/* PUT /api/loglevel/<level>: the admin form of /setloglevel. */
static void proxyhttp_put_loglevel(struct evhttp_request *req,
                                   const char *level)
{
    if (evhttp_request_get_command(req) != EVHTTP_REQ_PUT) {
        proxyhttp_error(req, 405, "use PUT /api/loglevel/<level>");
        return;
    }
    if (!proxyhttp_may_change(req)) {
        return;
    }
    enum log_level lv;
    if (log_parse_level(level, &lv) != 0) {
        char text[160];
        snprintf(text, sizeof(text), "unknown log level '%.40s': use debug, "
                 "info, warn or error", level);
        proxyhttp_error(req, 400, text);
        return;
    }
    log_set_level(lv);
    log_info("log level set to %s (admin API)", log_level_name(lv));
    cJSON *ok = cJSON_CreateObject();
    cJSON_AddStringToObject(ok, "level", log_level_name(lv));
    proxyhttp_send_json(req, 200, ok);
}

/* Paths with a parameter, then 404 for anything else. */
static void proxyhttp_other(struct evhttp_request *req, void *arg)
{
    static const char loglevel[] = "/api/loglevel/";
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    if (path != NULL &&
        strncmp(path, loglevel, sizeof(loglevel) - 1) == 0) {
        proxyhttp_put_loglevel(req, path + sizeof(loglevel) - 1);
        return;
    }
    if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
        evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
        proxyhttp_error(req, 405, "method not allowed");
        return;
    }
    proxyhttp_error(req, 404, "not found");
}

bool proxyhttp_has_auth(void)
{
    return proxyhttp_auth.enabled;
}

int proxyhttp_start(struct event_base *base, const char *addr,
                    const char *dashboard_auth, char *err, size_t errlen)
{
    if (auth_spec_parse(dashboard_auth, &proxyhttp_auth, err, errlen) != 0) {
        return -1;
    }
    char host[256];
    int port;
    if (slotmap_split_addr(addr, host, sizeof(host), &port) != 0) {
        snprintf(err, errlen, "bad --http-addr '%s' (expected host:port)",
                 addr);
        return -1;
    }
    proxyhttp_server = evhttp_new(base);
    if (proxyhttp_server == NULL) {
        snprintf(err, errlen, "cannot start the HTTP server");
        return -1;
    }
    evhttp_set_allowed_methods(proxyhttp_server, EVHTTP_REQ_GET |
                               EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT);
    evhttp_set_cb(proxyhttp_server, "/debug/vars", proxyhttp_vars, NULL);
    evhttp_set_cb(proxyhttp_server, "/metrics", proxyhttp_metrics, NULL);
    evhttp_set_cb(proxyhttp_server, "/setloglevel", proxyhttp_setloglevel,
                  NULL);
    evhttp_set_gencb(proxyhttp_server, proxyhttp_other, NULL);
    /* ":11000" means every IPv4 address, as Codis 2 did */
    if (evhttp_bind_socket_with_handle(proxyhttp_server,
                                       host[0] != '\0' ? host : "0.0.0.0",
                                       (ev_uint16_t)port) == NULL) {
        snprintf(err, errlen, "cannot listen on '%s' for HTTP: %s", addr,
                 strerror(errno));
        evhttp_free(proxyhttp_server);
        proxyhttp_server = NULL;
        return -1;
    }
    return 0;
}

void proxyhttp_stop(void)
{
    memset(&proxyhttp_auth, 0, sizeof(proxyhttp_auth));
    if (proxyhttp_server != NULL) {
        evhttp_free(proxyhttp_server);
        proxyhttp_server = NULL;
    }
}
