/* codis dashboard: the Codis 2 management HTTP API (codis-facts §4.1) over
 * the coordinator. Start-up: read config.ini, open the coordinator,
 * register as the product's one dashboard (an ephemeral node: a live
 * dashboard is refused, a dead one's stale node is replaced), start the
 * background work (the migrate task runner, migrator.c; the group keeper
 * that finishes promotions and keeps slaves attached, failover.c; the
 * masters' INFO refresher, serverinfo.c; the proxies' ops sampler,
 * proxyops.c), listen,
 * serve. SIGTERM/SIGINT stop the runner after its current step,
 * deregister and exit 0; SIGHUP reopens the logs. The routes are the
 * table below; their handlers live in api_*.c. Also run by `codis-config
 * dashboard`. */
#include "roles/dashboard/dashboard.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/conf.h"
#include "lib/coord.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "roles/dashboard/failover.h"
#include "roles/dashboard/login.h"
#include "roles/dashboard/metrics.h"
#include "roles/dashboard/migrator.h"
#include "roles/dashboard/proxyops.h"
#include "roles/dashboard/serverinfo.h"

static const char dashboard_usage_text[] =
    "usage: codis-dashboard [-c <config_file>] [-L <log_file>] "
    "[--log-level=<level>]\n"
    "                       [--addr=<addr>] [--http-log=<file>]\n"
    "\n"
    "    -c <config_file>     config.ini to read (default: config.ini, "
    "defaults if absent)\n"
    "                         or Codis 3.2's dashboard.toml "
    "(--config=, --log= too)\n"
    "    -L <log_file>        log to this file (default: stderr)\n"
    "    --log-level=<level>  debug, info, warn or error (default: info)\n"
    "    --addr=<addr>        listen address (default: "
    "dashboard_listen_addr, else ':'\n"
    "                         and the port of dashboard_addr)\n"
    "    --http-log=<file>    request log (default: request.log)\n"
    "\n"
    "config.ini keys: coordinator (zookeeper|filesystem), zk (ZooKeeper "
    "hosts, or the\n"
    "store's directory for filesystem), product, dashboard_addr, "
    "password or product_auth,\n"
    "zk_session_timeout (ms), action_timeout (ms to wait for proxies, "
    "default 30000),\n"
    "dashboard_auth (user:password or a hash from 'codis config passwd': "
    "the API and\n"
    "page need it), dashboard_cors_origin (one origin whose pages may call "
    "the API)\n";

/* Every route of the Codis 2 API that we serve, and our additions (a
 * migrate task can be removed before it starts; the migrate queue can be
 * paused and resumed; the page's login). The
 * maintenance actions Codis 2 served on GET are POST (their GET forms
 * answer 405 with a hint). Columns: method, path ('*' = one segment,
 * passed to the handler as a parameter), handler, HTTP_PUBLIC for routes
 * open without credentials (the page itself and its login), HTTP_WORKER
 * for those that may wait on the coordinator, a proxy or a server: they
 * run on a worker thread (DASHBOARD_WORKERS of them; changes one at a
 * time), so the page, and reads on the other workers, answer meanwhile. */
static const struct http_route dashboard_routes[] = {
    { "GET", "/", web_root, HTTP_PUBLIC },
    { "HEAD", "/", web_root, HTTP_PUBLIC },
    { "GET", "/admin", web_index, HTTP_PUBLIC },
    { "HEAD", "/admin", web_index, HTTP_PUBLIC },
    { "GET", "/admin/", web_index, HTTP_PUBLIC },
    { "HEAD", "/admin/", web_index, HTTP_PUBLIC },
    { "GET", "/assets/*", web_asset, HTTP_PUBLIC },
    { "HEAD", "/assets/*", web_asset, HTTP_PUBLIC },
    { "GET", "/api/login", login_state, HTTP_PUBLIC },
    { "POST", "/api/login", login_post, HTTP_PUBLIC },
    { "POST", "/api/logout", login_logout, HTTP_PUBLIC },
    { "GET", "/api/overview", api_redis_overview, HTTP_WORKER },
    { "GET", "/metrics", metrics_get, HTTP_WORKER },
    { "GET", "/api/server_groups", api_group_list, HTTP_WORKER },
    { "PUT", "/api/server_groups", api_group_create, HTTP_WORKER },
    { "GET", "/api/server_group/*", api_group_get, HTTP_WORKER },
    { "DELETE", "/api/server_group/*", api_group_remove, HTTP_WORKER },
    { "PUT", "/api/server_group/*/addServer", api_group_add_server,
      HTTP_WORKER },
    { "PUT", "/api/server_group/*/removeServer", api_group_remove_server,
      HTTP_WORKER },
    { "POST", "/api/server_group/*/promote", api_group_promote, HTTP_WORKER },
    { "POST", "/api/server_group/*/failover", api_group_failover,
      HTTP_WORKER },
    { "GET", "/api/failover", api_group_failover_status, 0 },
    { "GET", "/api/redis/group/*/*/slotinfo", api_redis_group_slotinfo,
      HTTP_WORKER },
    { "GET", "/api/redis/*/stat", api_redis_stat, HTTP_WORKER },
    { "GET", "/api/redis/*/*/slotinfo", api_redis_slotinfo, HTTP_WORKER },
    { "GET", "/api/slots", api_slot_list, HTTP_WORKER },
    { "GET", "/api/slot/list", api_slot_list, HTTP_WORKER },
    { "GET", "/api/slot/*", api_slot_get, HTTP_WORKER },
    { "POST", "/api/slots/init", api_slot_init, HTTP_WORKER },
    { "POST", "/api/slot", api_slot_set, HTTP_WORKER },
    { "POST", "/api/migrate", api_migrate_start, HTTP_WORKER },
    { "GET", "/api/migrate/tasks", api_migrate_tasks, HTTP_WORKER },
    { "GET", "/api/migrate/status", api_migrate_status, HTTP_WORKER },
    { "DELETE", "/api/migrate/task/*", api_migrate_cancel, HTTP_WORKER },
    { "DELETE", "/api/migrate/tasks", api_migrate_cancel_all, HTTP_WORKER },
    { "POST", "/api/migrate/pause", api_migrate_pause, HTTP_WORKER },
    { "POST", "/api/migrate/resume", api_migrate_resume, HTTP_WORKER },
    { "POST", "/api/rebalance", api_migrate_rebalance, HTTP_WORKER },
    { "GET", "/api/rebalance/status", api_migrate_rebalance_status,
      HTTP_WORKER },
    { "GET", "/api/proxy/list", api_proxy_list, HTTP_WORKER },
    { "POST", "/api/proxy", api_proxy_set, HTTP_WORKER },
    { "GET", "/api/proxy/debug/vars", api_proxy_debug_vars, HTTP_WORKER },
    { "POST", "/api/action/gc", api_action_gc, HTTP_WORKER },
    { "POST", "/api/force_remove_locks", api_action_remove_locks,
      HTTP_WORKER },
    { "POST", "/api/remove_fence", api_action_remove_fence, HTTP_WORKER },
    { "GET", "/api/action/gc", api_action_use_post, 0 },
    { "GET", "/api/force_remove_locks", api_action_use_post, 0 },
    { "GET", "/api/remove_fence", api_action_use_post, 0 },
    { NULL, NULL, NULL, 0 },
};

/* Threads running the HTTP_WORKER routes: a state change waiting for its
 * proxies (only one runs at a time) leaves the others to reads. */
#define DASHBOARD_WORKERS 4

/* Set when the dashboard stops: a worker's wait for proxies gives up. */
static atomic_bool dashboard_stopping;

/* dashboard_cors_origin of config.ini; NULL or "" for none. */
static const char *dashboard_cors_origin;

/* Command-line options. */
struct dashboard_args {
    const char *config;   /* -c */
    bool config_given;
    const char *log_file; /* -L */
    const char *level;    /* --log-level= */
    const char *addr;     /* --addr= */
    const char *http_log; /* --http-log= */
};

/* What the signal and session callbacks need. */
struct dashboard_run {
    struct dashboard *d;
    struct loop *loop;
    struct http_server *http;
    struct dashboard workers[DASHBOARD_WORKERS]; /* each one's view: 'd'
                                                  * with its own coord */
    int status; /* exit status */
};

static int dashboard_parse_args(int argc, char **argv,
                                struct dashboard_args *a)
{
    memset(a, 0, sizeof(*a));
    a->config = "config.ini";
    a->http_log = "request.log";
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if ((strcmp(s, "-c") == 0 || strcmp(s, "-L") == 0) && i + 1 < argc) {
            if (s[1] == 'c') {
                a->config = argv[++i];
                a->config_given = true;
            } else {
                a->log_file = argv[++i];
            }
        } else if (strncmp(s, "--config=", 9) == 0) {
            a->config = s + 9; /* Codis 3.2's spelling of -c */
            a->config_given = true;
        } else if (strncmp(s, "--log=", 6) == 0) {
            a->log_file = s + 6; /* and of -L */
        } else if (strncmp(s, "--log-level=", 12) == 0) {
            a->level = s + 12;
        } else if (strncmp(s, "--addr=", 7) == 0) {
            a->addr = s + 7;
        } else if (strncmp(s, "--http-log=", 11) == 0) {
            a->http_log = s + 11;
        } else {
            fprintf(stderr, "codis-dashboard: unknown option '%s'\n%s", s,
                    dashboard_usage_text);
            return -1;
        }
    }
    return 0;
}

/* SIGHUP: the log file is reopened already; reopen the request log. */
static void dashboard_on_hup(int sig, void *arg)
{
    struct dashboard_run *run = arg;
    if (run->http != NULL) {
        http_server_reopen_log(run->http);
    }
}

static void dashboard_on_session(struct coord *coord,
                                 enum coord_session_event event, void *arg)
{
    struct dashboard_run *run = arg;
    if (event != COORD_SESSION_EXPIRED) {
        return;
    }
    char err[512];
    log_warn("coordinator session expired: registering again");
    if (store_register_dashboard(&run->d->store,
                                 run->d->cfg.dashboard_addr, err,
                                 sizeof(err)) != 0) {
        log_error("cannot register again: %s", err);
        run->status = 1;
        loop_stop(run->loop);
    }
}

/* The migrate runner tells the keeper which slots left which group. */
static void dashboard_on_moved(void *arg, int slot, int from)
{
    failover_note_moved(arg, slot, from);
}

/* The migration_* keys of config.ini, for the migrate runner. */
static struct migrator_config dashboard_migration;

/* Load config.ini (or defaults) and the shared keys into 'd'. */
static struct conf *dashboard_load_conf(const struct dashboard_args *a,
                                        struct dashboard *d,
                                        long long *action_timeout)
{
    char err[512];
    struct conf *conf = NULL;
    if (a->config_given || access(a->config, F_OK) == 0) {
        conf = conf_load(a->config, err, sizeof(err));
        if (conf == NULL) {
            fprintf(stderr, "codis-dashboard: %s\n", err);
            return NULL;
        }
    } else {
        conf = conf_new();
    }
    if (model_config_load(conf, &d->cfg, err, sizeof(err)) != 0 ||
        conf_get_uint(conf, "action_timeout", 30000, action_timeout, err,
                      sizeof(err)) != 0) {
        fprintf(stderr, "codis-dashboard: %s\n", err);
        conf_free(conf);
        return NULL;
    }
    if (migrator_config_load(conf, &dashboard_migration, err,
                             sizeof(err)) != 0) {
        fprintf(stderr, "codis-dashboard: %s\n", err);
        conf_free(conf);
        return NULL;
    }
    if (*action_timeout > 3600 * 1000) {
        fprintf(stderr, "codis-dashboard: config: 'action_timeout' must be "
                        "at most 3600000 ms\n");
        conf_free(conf);
        return NULL;
    }
    dashboard_cors_origin = conf_get(conf, "dashboard_cors_origin", "");
    if (strcmp(dashboard_cors_origin, "*") == 0 ||
        (dashboard_cors_origin[0] != '\0' &&
         strncmp(dashboard_cors_origin, "http://", 7) != 0 &&
         strncmp(dashboard_cors_origin, "https://", 8) != 0)) {
        fprintf(stderr, "codis-dashboard: config: 'dashboard_cors_origin' "
                        "must be one origin, http(s)://host[:port], not "
                        "'%s'\n", dashboard_cors_origin);
        conf_free(conf);
        return NULL;
    }
    d->login = login_new(d->cfg.dashboard_auth, err, sizeof(err));
    if (d->login == NULL) {
        fprintf(stderr, "codis-dashboard: %s\n", err);
        conf_free(conf);
        return NULL;
    }
    return conf;
}

/* Take the open file limit up to the hard limit (65536 at most): http.c
 * caps the HTTP connections below it, so more means more clients. */
static void dashboard_raise_nofile(void)
{
    const rlim_t want = 65536;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want ||
        rl.rlim_cur >= rl.rlim_max) {
        return;
    }
    rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
        log_warn("cannot raise the open file limit: %s", strerror(errno));
    }
}

/* Report a start-up failure: on stderr, and in the log when it is a file. */
static void dashboard_fatal(const struct dashboard_args *a, const char *err)
{
    if (a->log_file != NULL) {
        log_error("%s", err);
    }
    fprintf(stderr, "codis-dashboard: %s\n", err);
}

/* Start the HTTP workers of 'run', each over its own coordinator
 * handle (a handle serves one thread at a time). Returns 0, or -1 with
 * 'err' filled. */
static int dashboard_start_workers(struct dashboard_run *run, char *err,
                                   size_t errlen)
{
    for (size_t i = 0; i < DASHBOARD_WORKERS; i++) {
        struct dashboard *w = &run->workers[i];
        *w = *run->d;
        w->coord = model_store_open_coord(&w->cfg, NULL, err, errlen);
        if (w->coord == NULL) {
            return -1;
        }
        w->store.coord = w->coord;
        w->store.stop = &dashboard_stopping;
        if (http_server_add_worker(run->http, w, err, errlen) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Stop serving: the workers give up waiting, end their handlers and
 * are joined; the server and the workers' handles are freed. */
static void dashboard_stop_workers(struct dashboard_run *run)
{
    atomic_store(&dashboard_stopping, true);
    http_server_free(run->http);
    run->http = NULL;
    for (size_t i = 0; i < DASHBOARD_WORKERS; i++) {
        coord_close(run->workers[i].coord);
        run->workers[i].coord = NULL;
    }
}

/* Serve until a signal; returns the exit status. */
static int dashboard_serve(struct dashboard *d, const struct dashboard_args *a)
{
    char err[512];
    char listen[MODEL_ADDR_MAX];
    if (a->addr != NULL) {
        snprintf(listen, sizeof(listen), "%s", a->addr);
    } else {
        char host[MODEL_ADDR_MAX];
        int port;
        model_addr_split(d->cfg.dashboard_addr, host, sizeof(host), &port, err,
                         sizeof(err));
        snprintf(listen, sizeof(listen), ":%d", port);
    }
    struct loop *loop = loop_new(LOOP_SIGNALS, err, sizeof(err));
    if (loop == NULL) {
        dashboard_fatal(a, err);
        return 1;
    }
    struct event_base *base = loop_base(loop);
    static struct dashboard_run run;
    run.d = d;
    run.loop = loop;
    loop_on_signal(loop, NULL, dashboard_on_hup, &run);
    d->coord = model_store_open_coord(&d->cfg, base, err, sizeof(err));
    if (d->coord == NULL) {
        dashboard_fatal(a, err);
        loop_free(loop);
        return 1;
    }
    d->store.coord = d->coord;
    coord_set_session_fn(d->coord, dashboard_on_session, &run);
    int status = 1;
    if (model_store_setup(&d->store, err, sizeof(err)) != 0 ||
        store_register_dashboard(&d->store, d->cfg.dashboard_addr, err,
                                 sizeof(err)) != 0) {
        dashboard_fatal(a, err);
        goto out;
    }
    d->migrator = migrator_start(&d->cfg, &dashboard_migration,
                                 d->store.action_timeout_ms, err,
                                 sizeof(err));
    if (d->migrator == NULL) {
        dashboard_fatal(a, err);
        store_unregister_dashboard(&d->store);
        goto out;
    }
    d->failover = failover_start(&d->cfg, d->store.action_timeout_ms, err,
                                 sizeof(err));
    if (d->failover == NULL) {
        dashboard_fatal(a, err);
        store_unregister_dashboard(&d->store);
        goto out;
    }
    migrator_on_moved(d->migrator, dashboard_on_moved, d->failover);
    d->info = serverinfo_start(d->cfg.password, DASHBOARD_SERVER_TIMEOUT_MS,
                               err, sizeof(err));
    if (d->info == NULL) {
        dashboard_fatal(a, err);
        store_unregister_dashboard(&d->store);
        goto out;
    }
    d->ops = proxyops_new(base, &d->store);
    if (d->ops == NULL) {
        dashboard_fatal(a, "cannot create the ops sampler's timer");
        store_unregister_dashboard(&d->store);
        goto out;
    }
    run.http = http_server_new(base, listen, dashboard_routes, d, a->http_log,
                               err, sizeof(err));
    if (run.http == NULL) {
        dashboard_fatal(a, err);
        store_unregister_dashboard(&d->store);
        goto out;
    }
    if (dashboard_start_workers(&run, err, sizeof(err)) != 0) {
        dashboard_fatal(a, err);
        store_unregister_dashboard(&d->store);
        goto out;
    }
    http_server_set_guard(run.http, login_guard, d->login);
    http_server_set_cors_origin(run.http, dashboard_cors_origin);
    if (!login_enabled(d->login) && !model_addr_loopback(listen)) {
        log_warn("listening on '%s' beyond this machine without "
                 "authentication: anyone who reaches it can change the "
                 "cluster; set dashboard_auth in config.ini (codis config "
                 "passwd makes one) or --addr=127.0.0.1:<port>", listen);
    }
    log_info("dashboard of product '%s' listening on '%s' (%s '%s')",
             d->cfg.product, listen, d->cfg.coordinator, d->cfg.coord_addr);
    if (loop_run(loop) < 0) {
        log_error("the event loop failed");
        run.status = 1;
    }
    /* The workers first: their handlers use what follows */
    dashboard_stop_workers(&run);
    migrator_stop(d->migrator);
    d->migrator = NULL;
    failover_stop(d->failover);
    d->failover = NULL;
    store_unregister_dashboard(&d->store);
    status = run.status;
    log_info("dashboard stopped");
out:
    dashboard_stop_workers(&run);
    proxyops_free(d->ops);
    d->ops = NULL;
    serverinfo_stop(d->info);
    d->info = NULL;
    migrator_stop(d->migrator);
    d->migrator = NULL;
    failover_stop(d->failover);
    d->failover = NULL;
    coord_close(d->coord);
    loop_free(loop);
    return status;
}

/* The entry point of `codis dashboard`; returns the exit status. */
int dashboard_main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(dashboard_usage_text, stdout);
            return 0;
        }
    }
    struct dashboard_args args;
    if (dashboard_parse_args(argc, argv, &args) != 0) {
        return 2;
    }
    char err[512];
    if (log_init("dashboard", args.log_file, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-dashboard: %s\n", err);
        return 1;
    }
    if (args.level != NULL) {
        enum log_level level;
        if (log_parse_level(args.level, &level) != 0) {
            fprintf(stderr, "codis-dashboard: unknown log level '%s'\n",
                    args.level);
            log_close();
            return 2;
        }
        log_set_level(level);
    }
    dashboard_raise_nofile();
    static struct dashboard d;
    long long action_timeout;
    struct conf *conf = dashboard_load_conf(&args, &d, &action_timeout);
    if (conf == NULL) {
        log_close();
        return 1;
    }
    /* --addr, else the file's (Codis 3.2's admin_addr), else the port of
     * dashboard_addr on every interface */
    static char listen_addr[MODEL_ADDR_MAX];
    const char *listen = conf_get(conf, "dashboard_listen_addr", NULL);
    if (args.addr == NULL && listen != NULL) {
        snprintf(listen_addr, sizeof(listen_addr), "%s", listen);
        args.addr = listen_addr;
    }
    conf_warn_unknown(conf, true);
    int status = 1;
    model_store_init(&d.store, NULL, d.cfg.product);
    d.store.action_timeout_ms = (int)action_timeout;
    status = dashboard_serve(&d, &args);
    conf_free(conf); /* after serving: dashboard_cors_origin points in */
    login_free(d.login);
    d.login = NULL;
    log_close();
    return status;
}
