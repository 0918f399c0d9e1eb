/* codis-proxy: the Redis-speaking, slot-routing proxy. This file is the
 * entry point: flags and config.ini, logging, the listening socket, the
 * worker threads, the HTTP endpoint, signals, and the slot table source:
 * --fillslots (standalone, online at once) or the coordinator (topo.c,
 * online when the dashboard says so).
 * The request path itself lives in session.c, router.c, backend.c and
 * multikey.c, run by the workers (worker.c). */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "lib/conf.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "lib/model.h"
#include "roles/proxy/cmdtable.h"
#include "roles/proxy/metrics.h"
#include "roles/proxy/proxyhttp.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/topo.h"
#include "roles/proxy/worker.h"

int proxy_main(int argc, char **argv);

static const char proxy_main_usage[] =
    "usage: codis-proxy [-c <config.ini>] [-L <logfile>] "
    "[--log-level=<level>] [--cpu=<n>]\n"
    "                   [--addr=<host:port>] [--http-addr=<host:port>] "
    "[--pidfile=<file>]\n"
    "                   [--fillslots=<slots.json>]\n"
    "\n"
    "Without --fillslots the proxy registers as proxy_id in the coordinator"
    " of\n"
    "config.ini and serves clients once 'codis-config proxy online <id>'"
    " says so\n"
    "(or by itself, with proxy_auto_online=true, the default, when it was "
    "online\n"
    "before a restart or was set offline for missing an action).\n"
    "\n"
    "    -c <file>             config.ini (coordinator, zk, product, "
    "proxy_id,\n"
    "                          session_auth (clients' AUTH), product_auth "
    "(servers' AUTH),\n"
    "                          password (both, Codis 2), dashboard_auth "
    "(log level changes),\n"
    "                          session_*, backend_ping_period, proto,\n"
    "                          proxy_auto_online, ...)\n"
    "                          or Codis 3.2's proxy.toml\n"
    "    -L <file>             log to <file> (reopened on SIGHUP), "
    "default stderr\n"
    "    --log-level=<level>   debug, info, warn or error (default info)\n"
    "    --cpu=<n>             worker threads (default: the number of CPUs)\n"
    "    --addr=<host:port>    client address (default: proxy_addr, "
    "else 0.0.0.0:19000)\n"
    "    --http-addr=<h:p>     /debug/vars, /metrics and the log level "
    "(default:\n"
    "                          proxy_http_addr, else 0.0.0.0:11000; "
    "127.0.0.1:<port>\n"
    "                          keeps them on this machine)\n"
    "    --pidfile=<file>      write the process id to <file>\n"
    "    --zookeeper=<addr>, --filesystem=<dir>\n"
    "                          the coordinator, over the file's (as Codis "
    "3.2)\n"
    "    --fillslots=<file>    serve the slots in <file> (a JSON array of "
    "Codis 3 slot\n"
    "                          records) standalone, without a coordinator\n";

/* Everything main sets up, torn down in reverse order. */
struct proxy_main_state {
    struct loop *loop;            /* lib/loop: base and signals */
    struct event_base *base;      /* loop_base(loop) */
    struct evconnlistener *listener;
    struct event *tick;
    struct event *resume_accept;
    bool leaving;  /* marked offline: the listener stays disabled */
};

static struct proxy_main_state proxy_main_st;

static void proxy_main_on_accept(struct evconnlistener *l, evutil_socket_t fd,
                                 struct sockaddr *sa, int len, void *arg)
{
    worker_dispatch(fd);
}

static void proxy_main_on_accept_error(struct evconnlistener *l, void *arg)
{
    int err = EVUTIL_SOCKET_ERROR();
    log_warn("cannot accept a client: %s", strerror(err));
    if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        /* out of descriptors: pause instead of spinning on accept */
        struct timeval tv = { 0, 100000 };
        evconnlistener_disable(l);
        event_add(proxy_main_st.resume_accept, &tv);
    }
}

static void proxy_main_on_resume(evutil_socket_t fd, short what, void *arg)
{
    if (!proxy_main_st.leaving) {
        evconnlistener_enable(proxy_main_st.listener);
    }
}

/* topo: the proxy is marked offline, take no more clients. */
static void proxy_main_stop_accepting(void *arg)
{
    proxy_main_st.leaving = true;
    evconnlistener_disable(proxy_main_st.listener);
}

static void proxy_main_on_tick(evutil_socket_t fd, short what, void *arg)
{
    proxyhttp_tick();
    worker_reap();
}

/* Raise the open-file limit as far as allowed; say so when it stays
 * low. */
static void proxy_main_raise_nofile(void)
{
    const rlim_t want = 65536;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        log_warn("cannot read the open file limit: %s", strerror(errno));
        return;
    }
    if (rl.rlim_cur >= want) {
        return;
    }
    struct rlimit up = { want, rl.rlim_max > want ? rl.rlim_max : want };
    if (setrlimit(RLIMIT_NOFILE, &up) == 0) {
        log_info("open file limit raised from %llu to %llu",
                 (unsigned long long)rl.rlim_cur, (unsigned long long)want);
        return;
    }
    up.rlim_cur = rl.rlim_max;
    up.rlim_max = rl.rlim_max;
    if (up.rlim_cur > rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &up) == 0) {
        rl.rlim_cur = up.rlim_cur;
    }
    if (rl.rlim_cur >= 10240) {
        log_info("open file limit is %llu (hard limit %llu)",
                 (unsigned long long)rl.rlim_cur,
                 (unsigned long long)rl.rlim_max);
        return;
    }
    log_warn("open file limit is %llu (hard limit %llu, not allowed to raise "
             "it to %llu): clients beyond about %llu will be refused; raise "
             "it with 'ulimit -n' or LimitNOFILE=",
             (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max,
             (unsigned long long)want,
             (unsigned long long)(rl.rlim_cur > 64 ? rl.rlim_cur - 64 : 0));
}

/* Listen on exactly 'addr' ("host:port", "[v6]:port" or ":port" for every
 * IPv4 address). 'proto' "tcp4" refuses IPv6 hosts. Returns the socket or
 * -1 with 'err' filled. */
static int proxy_main_listen(const char *addr, const char *proto, char *err,
                             size_t errlen)
{
    const char *colon = strrchr(addr, ':');
    if (colon == NULL || colon[1] == '\0') {
        snprintf(err, errlen, "bad --addr '%s' (expected host:port)", addr);
        return -1;
    }
    char host[256];
    size_t hlen = (size_t)(colon - addr);
    const char *h = addr;
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (hlen >= sizeof(host)) {
        snprintf(err, errlen, "bad --addr '%s': host too long", addr);
        return -1;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_family = strcmp(proto, "tcp4") == 0 ? AF_INET
                      : strcmp(proto, "tcp6") == 0 ? AF_INET6 : AF_UNSPEC;
    if (host[0] == '\0' && hints.ai_family != AF_INET6) {
        snprintf(host, sizeof(host), "0.0.0.0");
    }
    int rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot listen on '%s': %s", addr,
                 gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot listen on '%s': %s", addr,
                 strerror(errno));
        freeaddrinfo(res);
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (res->ai_family == AF_INET6) {
        /* exactly what was asked: an IPv6 address serves IPv6 only */
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    }
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
        listen(fd, 1024) != 0) {
        snprintf(err, errlen, "cannot listen on '%s': %s", addr,
                 strerror(errno));
        close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* Options from the command line. */
struct proxy_main_opts {
    const char *config;
    const char *logfile;
    const char *log_level;
    const char *addr;
    const char *http_addr;
    const char *coordinator; /* Codis 3.2's --zookeeper/--filesystem */
    const char *coord_addr;
    const char *pidfile;
    const char *fillslots;
    long cpu;
};

/* Warn when something listens beyond this machine without a password. */
static void proxy_main_warn_open(const struct proxy_main_opts *o,
                                 const struct worker_config *cfg)
{
    if (cfg->session_auth == NULL && !model_addr_loopback(o->addr)) {
        log_warn("clients reach '%s' beyond this machine without a "
                 "password: set session_auth (or password) in config.ini",
                 o->addr);
    }
    if (!proxyhttp_has_auth() && !model_addr_loopback(o->http_addr)) {
        log_warn("the HTTP admin on '%s' is reachable beyond this machine "
                 "and dashboard_auth is not set: only clients on this "
                 "machine may change the log level; use "
                 "--http-addr=127.0.0.1:<port> to hide /debug/vars too",
                 o->http_addr);
    }
}

/* Fill 'cfg' from config.ini 'conf'. Returns 0 or -1 with 'err'. */
static int proxy_main_config(struct conf *conf, struct worker_config *cfg,
                             char *err, size_t errlen)
{
    long long ping, timeout, bufsize, pipeline, maxreq, ndb, maxreply;
    long long maxlag;
    if (conf_get_uint(conf, "backend_ping_period", 5, &ping, err,
                      errlen) != 0 ||
        conf_get_uint(conf, "session_max_timeout", 1800, &timeout, err,
                      errlen) != 0 ||
        conf_get_uint(conf, "session_max_bufsize", 131072, &bufsize, err,
                      errlen) != 0 ||
        conf_get_uint(conf, "session_max_pipeline", 1024, &pipeline, err,
                      errlen) != 0 ||
        conf_get_uint(conf, "session_max_request", 512LL * 1024 * 1024,
                      &maxreq, err, errlen) != 0 ||
        conf_get_uint(conf, "backend_number_databases", 16, &ndb, err,
                      errlen) != 0 ||
        conf_get_uint(conf, "session_max_reply", 256LL * 1024 * 1024,
                      &maxreply, err, errlen) != 0 ||
        conf_get_bool(conf, "backend_replica_reads", false,
                      &cfg->replica_reads, err, errlen) != 0 ||
        conf_get_uint(conf, "backend_replica_max_lag", 10, &maxlag, err,
                      errlen) != 0) {
        return -1;
    }
    char where[600];
    if (maxreq < 1024) {
        snprintf(err, errlen, "%s must be at least 1024",
                 conf_describe(conf, "session_max_request", where,
                               sizeof(where)));
        return -1;
    }
    if (ndb < 1 || ndb > 1 << 20) {
        snprintf(err, errlen, "%s must be between 1 and 1048576",
                 conf_describe(conf, "backend_number_databases", where,
                               sizeof(where)));
        return -1;
    }
    if (pipeline < 1) {
        snprintf(err, errlen, "%s must be at least 1",
                 conf_describe(conf, "session_max_pipeline", where,
                               sizeof(where)));
        return -1;
    }
    if (bufsize < 1024) {
        snprintf(err, errlen, "%s must be at least 1024",
                 conf_describe(conf, "session_max_bufsize", where,
                               sizeof(where)));
        return -1;
    }
    /* Codis 2's one password is the default of both Codis 3 keys */
    const char *password = conf_get(conf, "password", "");
    const char *session_auth = conf_get(conf, "session_auth", password);
    const char *product_auth = conf_get(conf, "product_auth", password);
    cfg->session_auth = session_auth[0] ? mem_strdup(session_auth) : NULL;
    cfg->product_auth = product_auth[0] ? mem_strdup(product_auth) : NULL;
    cfg->ping_period_ms = (uint64_t)ping * 1000;
    cfg->session_timeout_ms = (uint64_t)timeout * 1000;
    cfg->session_max_bufsize = (size_t)bufsize;
    cfg->session_max_request = (size_t)maxreq;
    cfg->backend_databases = (int)ndb;
    cfg->session_max_reply = (size_t)maxreply;
    cfg->session_max_pipeline = (size_t)pipeline;
    cfg->replica_max_lag_s = (uint64_t)maxlag;
    cfg->proxy_id = mem_strdup(conf_get(conf, "proxy_id", ""));
    const char *flush = conf_get(conf, "proxy_allow_flush", "true");
    if (strcmp(flush, "true") != 0 && strcmp(flush, "false") != 0) {
        snprintf(err, errlen, "%s must be true or false",
                 conf_describe(conf, "proxy_allow_flush", where,
                               sizeof(where)));
        return -1;
    }
    cfg->allow_flush = strcmp(flush, "true") == 0;
    const char *admin = conf_get(conf, "proxy_admin_auth", "");
    cfg->admin_auth = admin[0] ? mem_strdup(admin) : NULL;
    return 0;
}

static int proxy_main_parse(int argc, char **argv,
                            struct proxy_main_opts *o)
{
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "log", required_argument, NULL, 'L' },
        { "log-level", required_argument, NULL, 'l' },
        { "cpu", required_argument, NULL, 'n' },
        { "addr", required_argument, NULL, 'a' },
        { "http-addr", required_argument, NULL, 'H' },
        { "pidfile", required_argument, NULL, 'p' },
        { "fillslots", required_argument, NULL, 'f' },
        { "zookeeper", required_argument, NULL, 'Z' },
        { "filesystem", required_argument, NULL, 'F' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:L:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'c': o->config = optarg; break;
        case 'L': o->logfile = optarg; break;
        case 'l': o->log_level = optarg; break;
        case 'a': o->addr = optarg; break;
        case 'H': o->http_addr = optarg; break;
        case 'p': o->pidfile = optarg; break;
        case 'f': o->fillslots = optarg; break;
        case 'Z':
        case 'F':
            o->coordinator = c == 'Z' ? "zookeeper" : "filesystem";
            o->coord_addr = optarg;
            break;
        case 'n':
            o->cpu = strtol(optarg, &end, 10);
            if (*end != '\0' || o->cpu < 1 || o->cpu > 256) {
                fprintf(stderr, "codis-proxy: --cpu must be 1..256, not "
                        "'%s'\n", optarg);
                return 2;
            }
            break;
        case 'h':
            fputs(proxy_main_usage, stdout);
            return 0;
        default:
            fputs(proxy_main_usage, stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "codis-proxy: unexpected argument '%s'\n",
                argv[optind]);
        fputs(proxy_main_usage, stderr);
        return 2;
    }
    return -1;
}

/* Set up the main loop's events. Returns 0 or -1 with 'err'. */
static int proxy_main_events(int lfd, char *err, size_t errlen)
{
    struct proxy_main_state *st = &proxy_main_st;
    st->listener = evconnlistener_new(st->base, proxy_main_on_accept, NULL,
                                      LEV_OPT_CLOSE_ON_FREE |
                                      LEV_OPT_CLOSE_ON_EXEC, 0, lfd);
    if (st->listener == NULL) {
        close(lfd);
        snprintf(err, errlen, "cannot watch the listening socket");
        return -1;
    }
    evconnlistener_set_error_cb(st->listener, proxy_main_on_accept_error);
    st->tick = event_new(st->base, -1, EV_PERSIST, proxy_main_on_tick, NULL);
    st->resume_accept = evtimer_new(st->base, proxy_main_on_resume, NULL);
    struct timeval second = { 1, 0 };
    if (st->tick == NULL || st->resume_accept == NULL ||
        event_add(st->tick, &second) != 0) {
        snprintf(err, errlen, "cannot set up the main event loop");
        return -1;
    }
    return 0;
}

static void proxy_main_teardown(void)
{
    struct proxy_main_state *st = &proxy_main_st;
    struct event **evs[] = { &st->tick, &st->resume_accept };
    for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
        if (*evs[i] != NULL) {
            event_free(*evs[i]);
            *evs[i] = NULL;
        }
    }
    if (st->listener != NULL) {
        evconnlistener_free(st->listener);
        st->listener = NULL;
    }
    topo_stop();
    proxyhttp_stop();
    worker_stop_all();
    metrics_release();
    loop_free(st->loop);
    st->loop = NULL;
    st->base = NULL;
}

int proxy_main(int argc, char **argv)
{
    struct proxy_main_opts o = {
        .cpu = sysconf(_SC_NPROCESSORS_ONLN) > 0
                   ? sysconf(_SC_NPROCESSORS_ONLN) : 1,
    };
    int rc = proxy_main_parse(argc, argv, &o);
    if (rc >= 0) {
        return rc;
    }
    char err[512];
    if (log_init("proxy", o.logfile, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        return 1;
    }
    if (o.log_level != NULL) {
        enum log_level lv;
        if (log_parse_level(o.log_level, &lv) != 0) {
            fprintf(stderr, "codis-proxy: unknown log level '%s'\n",
                    o.log_level);
            log_close();
            return 1;
        }
        log_set_level(lv);
    }
    if (o.config == NULL && o.fillslots == NULL) {
        fprintf(stderr, "codis-proxy: need -c <config.ini> or "
                "--fillslots=<file>\n");
        fputs(proxy_main_usage, stderr);
        log_close();
        return 1;
    }
    struct conf *conf = o.config ? conf_load(o.config, err, sizeof(err))
                                 : conf_new();
    if (conf == NULL) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        log_close();
        return 1;
    }
    if (o.coordinator != NULL) {
        conf_set(conf, "coordinator", o.coordinator);
        conf_set(conf, "zk", o.coord_addr);
    }
    /* flags first, then the file (Codis 3.2's proxy_addr, admin_addr) */
    if (o.addr == NULL) {
        o.addr = conf_get(conf, "proxy_addr", "0.0.0.0:19000");
    }
    if (o.http_addr == NULL) {
        o.http_addr = conf_get(conf, "proxy_http_addr", "0.0.0.0:11000");
    }
    struct worker_config cfg = { 0 };
    int status = 1;
    struct slotmap *map = NULL;
    int lfd = -1;
    bool pidfile_written = false;
    if (proxy_main_config(conf, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        goto out;
    }
    const char *proto = conf_get(conf, "proto", "tcp");
    if (strcmp(proto, "tcp") != 0 && strcmp(proto, "tcp4") != 0 &&
        strcmp(proto, "tcp6") != 0) {
        fprintf(stderr, "codis-proxy: %s must be tcp, tcp4 or tcp6, not "
                "'%s'\n", conf_describe(conf, "proto", err, sizeof(err)),
                proto);
        goto out;
    }
    struct topo_config topo = {
        .proxy_id = cfg.proxy_id,
        .addr = o.addr,
        .http_addr = o.http_addr,
        .stop_accepting = proxy_main_stop_accepting,
    };
    if (conf_get_bool(conf, "proxy_auto_online", true, &topo.auto_online,
                      err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        goto out;
    }
    if (o.fillslots != NULL) {
        map = slotmap_load_file(o.fillslots, err, sizeof(err));
        if (map == NULL) {
            fprintf(stderr, "codis-proxy: %s\n", err);
            goto out;
        }
    } else if (model_config_load(conf, &topo.model, err, sizeof(err)) != 0 ||
               topo_check_config(&topo, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        goto out;
    }
    conf_warn_unknown(conf, true);
    cfg.addr = mem_strdup(o.addr);
    cfg.nworkers = (int)o.cpu;
    proxy_main_raise_nofile();
    if (cmdtable_init(err, sizeof(err)) != 0 ||
        metrics_init(cfg.nworkers) != 0) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        goto out;
    }
    lfd = proxy_main_listen(o.addr, proto, err, sizeof(err));
    if (lfd < 0) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        log_error("%s", err);
        goto out;
    }
    proxy_main_st.loop = loop_new(LOOP_SIGNALS, err, sizeof(err));
    if (proxy_main_st.loop == NULL) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        close(lfd);
        goto out;
    }
    proxy_main_st.base = loop_base(proxy_main_st.loop);
    cfg.start_ms = 0;
    {
        struct timeval tv;
        event_base_gettimeofday_cached(proxy_main_st.base, &tv);
        cfg.start_ms = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec /
                       1000;
    }
    if (worker_start_all(&cfg, cfg.nworkers, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        close(lfd);
        goto out;
    }
    if (map != NULL) {
        worker_publish(map);
        map = NULL;
    }
    if (proxy_main_events(lfd, err, sizeof(err)) != 0 ||
        proxyhttp_start(proxy_main_st.base, o.http_addr,
                        conf_get(conf, "dashboard_auth", ""), err,
                        sizeof(err)) != 0 ||
        (o.fillslots == NULL &&
         topo_start(proxy_main_st.base, &topo, err, sizeof(err)) != 0)) {
        fprintf(stderr, "codis-proxy: %s\n", err);
        log_error("%s", err);
        goto out;
    }
    if (o.pidfile != NULL) {
        FILE *f = fopen(o.pidfile, "w");
        if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 ||
            fclose(f) != 0) {
            fprintf(stderr, "codis-proxy: cannot write pid file '%s': %s\n",
                    o.pidfile, strerror(errno));
            goto out;
        }
        pidfile_written = true;
    }
    if (o.fillslots != NULL) {
        log_info("proxy online on %s (http %s), %d worker%s, slots from "
                 "'%s'", o.addr, o.http_addr, cfg.nworkers,
                 cfg.nworkers > 1 ? "s" : "", o.fillslots);
    } else {
        log_info("proxy '%s' listening on %s (http %s), %d worker%s, "
                 "coordinator %s '%s', product '%s'", cfg.proxy_id, o.addr,
                 o.http_addr, cfg.nworkers, cfg.nworkers > 1 ? "s" : "",
                 topo.model.coordinator, topo.model.coord_addr,
                 topo.model.product);
    }
    proxy_main_warn_open(&o, &cfg);
    if (loop_run(proxy_main_st.loop) < 0) {
        log_error("main event loop failed");
        goto out;
    }
    status = 0;
out:
    proxy_main_teardown();
    if (pidfile_written) {
        unlink(o.pidfile);
    }
    slotmap_free(map);
    conf_free(conf);
    mem_free(cfg.session_auth);
    mem_free(cfg.product_auth);
    mem_free(cfg.admin_auth);
    mem_free(cfg.proxy_id);
    mem_free(cfg.addr);
    log_info("proxy stopped");
    log_close();
    return status;
}
