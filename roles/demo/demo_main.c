/* codis demo: a whole local cluster in one command (what `make run` does).
 *
 *   codis demo [--dir=run] [--groups=N] [--coordinator=filesystem|zookeeper]
 *              [--zk=ADDR]        start, or say that it is already up
 *   codis demo stop [--dir=run]   stop exactly what start started
 *   codis demo status [--dir=run] list what runs, by pid file
 *
 * Start runs every role from this same binary, each as a detached process
 * with a pid file and a log in the run directory: N groups of a master and
 * a slave `codis server` (ports 26379/26380, 26479/26480, ...), the
 * dashboard on 127.0.0.1:18087, one proxy on 127.0.0.1:19000 (stats on
 * :11000) and `codis ha`. It then sets the cluster up through the
 * dashboard's API as the Codis 2 tutorial does with codis-config: groups,
 * slot init, slots spread evenly over the groups, proxy online. Stop sends
 * SIGTERM to each pid file's process (only if it is still this binary),
 * waits, and removes the pid files. Not here: any role's own logic. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/auth.h"
#include "lib/httpc.h"
#include "lib/rclient.h"
#include "lib/slot.h"

static const char demo_usage_text[] =
    "usage: codis demo [--dir=<run_dir>] [--groups=<n>]\n"
    "                  [--coordinator=filesystem|zookeeper] [--zk=<addr>]\n"
    "       codis demo stop [--dir=<run_dir>]\n"
    "       codis demo status [--dir=<run_dir>]\n"
    "\n"
    "options:\n"
    "   --dir=<run_dir>        where pid files, logs, data live (default run)\n"
    "   --groups=<n>           server groups, each a master and a slave\n"
    "                          (default 2, at most 8)\n"
    "   --coordinator=<kind>   filesystem (default, no setup) or zookeeper\n"
    "   --zk=<addr>            ZooKeeper hosts for --coordinator=zookeeper\n"
    "\n"
    "With CODIS_DASHBOARD_AUTH=user:password in the environment, the "
    "dashboard of\n"
    "the demo needs those credentials (dashboard_auth in its config.ini).\n";

#define DEMO_DASHBOARD_ADDR "127.0.0.1:18087"
#define DEMO_PROXY_ADDR "127.0.0.1:19000"
#define DEMO_PROXY_HTTP_ADDR "127.0.0.1:11000"
#define DEMO_PROXY_ID "proxy_1"
#define DEMO_PRODUCT "codis-demo"
#define DEMO_FIRST_PORT 26379
#define DEMO_MAX_GROUPS 8
#define DEMO_READY_SECONDS 20
/* How long a process may take to stop on SIGTERM before SIGKILL. */
#define DEMO_STOP_SECONDS 30
#define DEMO_HTTP_TIMEOUT_MS 60000

/* Pid files in the order `stop` stops them: clients of a role first. */
static const char *const demo_stop_order[] = { "ha", "proxy", "dashboard" };

/* The options of one run. */
struct demo {
    char dir[PATH_MAX];      /* absolute run directory */
    char self[PATH_MAX];     /* this binary */
    int groups;
    const char *coordinator;
    const char *zk;
};

static int demo_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int demo_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "codis demo: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return -1;
}

static int demo_usage_error(const char *what)
{
    fprintf(stderr, "codis demo: %s\n%s", what, demo_usage_text);
    return 2;
}

/* Read the pid in 'dir'/'name'.pid; 0 if there is none. */
static pid_t demo_read_pid(const struct demo *demo, const char *name)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s.pid", demo->dir, name);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    long pid = 0;
    if (fscanf(f, "%ld", &pid) != 1 || pid <= 1) {
        pid = 0;
    }
    fclose(f);
    return (pid_t)pid;
}

/* True if 'pid' runs and is this same binary (so a reused pid of some
 * other program is never signalled), also when the binary was rebuilt
 * since it started (the kernel then adds " (deleted)" to its path). */
static bool demo_is_ours(const struct demo *demo, pid_t pid)
{
    char link[64];
    char exe[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
    ssize_t n = readlink(link, exe, sizeof(exe) - 1);
    if (n < 0) {
        return false;
    }
    exe[n] = '\0';
    size_t self_len = strlen(demo->self);
    return strncmp(exe, demo->self, self_len) == 0 &&
           (exe[self_len] == '\0' ||
            strcmp(exe + self_len, " (deleted)") == 0);
}

/* Start this binary as 'argv' (argv[0] is the role) detached from the
 * terminal, output to 'name'.log, pid to 'name'.pid. Returns the pid or
 * -1. */
static pid_t demo_spawn(const struct demo *demo, const char *name,
                        char *const argv[])
{
    char log_path[2 * PATH_MAX];
    char pid_path[2 * PATH_MAX];
    snprintf(log_path, sizeof(log_path), "%s/%s.log", demo->dir, name);
    snprintf(pid_path, sizeof(pid_path), "%s/%s.pid", demo->dir, name);
    int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                      0644);
    if (log_fd < 0) {
        demo_fail("cannot open '%s': %s", log_path, strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(log_fd);
        demo_fail("cannot fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 ||
            dup2(log_fd, 2) < 0 || setsid() < 0) {
            _exit(127);
        }
        char *args[32];
        int n = 0;
        args[n++] = (char *)"codis";
        for (int i = 0; argv[i] != NULL && n < 31; i++) {
            args[n++] = argv[i];
        }
        args[n] = NULL;
        execv(demo->self, args);
        _exit(127);
    }
    close(log_fd);
    FILE *f = fopen(pid_path, "w");
    if (f == NULL || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) != 0) {
        return demo_fail("cannot write '%s': %s", pid_path, strerror(errno));
    }
    return pid;
}

/* Wait until 'check' succeeds, failing early if 'pid' exited. */
static int demo_wait(pid_t pid, const char *what,
                     bool (*check)(const char *arg), const char *arg)
{
    time_t deadline = time(NULL) + DEMO_READY_SECONDS;
    while (!check(arg)) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            return demo_fail("%s exited at start; see its log", what);
        }
        if (time(NULL) >= deadline) {
            return demo_fail("%s is not ready after %d s; see its log", what,
                             DEMO_READY_SECONDS);
        }
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    return 0;
}

static bool demo_redis_ready(const char *addr)
{
    static const char *const ping[] = { "PING", NULL };
    char err[256];
    return rclient_oneshot(addr, NULL, 500, NULL, err, sizeof(err), ping) == 0;
}

static bool demo_http_ready(const char *url)
{
    struct httpc_response resp;
    char err[256];
    if (httpc_get(url, 500, &resp, err, sizeof(err)) != 0) {
        return false;
    }
    bool ok = resp.status == 200;
    httpc_response_release(&resp);
    return ok;
}

/* Call the dashboard API; any status but 200 is a failure, reported with
 * the dashboard's answer. */
static int demo_api(const char *method, const char *path, const char *body)
{
    char url[512];
    char err[512];
    snprintf(url, sizeof(url), "http://%s%s", DEMO_DASHBOARD_ADDR, path);
    struct httpc_response resp;
    if (httpc_request(method, url, body, DEMO_HTTP_TIMEOUT_MS, &resp, err,
                      sizeof(err)) != 0) {
        return demo_fail("%s", err);
    }
    int rc = 0;
    if (resp.status != 200) {
        rc = demo_fail("%s %s: http status %ld, %s", method, path,
                       resp.status, resp.body);
    }
    httpc_response_release(&resp);
    return rc;
}

static int demo_write_config(const struct demo *demo)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/config.ini", demo->dir);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return demo_fail("cannot write '%s': %s", path, strerror(errno));
    }
    char coord_dir[PATH_MAX + 16];
    snprintf(coord_dir, sizeof(coord_dir), "%s/coord", demo->dir);
    fprintf(f,
            "# Written by codis demo for the local cluster in this folder.\n"
            "coordinator=%s\n"
            "zk=%s\n"
            "product=%s\n"
            "dashboard_addr=%s\n"
            "proxy_id=%s\n",
            demo->coordinator, demo->zk != NULL ? demo->zk : coord_dir,
            DEMO_PRODUCT, DEMO_DASHBOARD_ADDR, DEMO_PROXY_ID);
    const char *auth = getenv(AUTH_ENV);
    if (auth != NULL && auth[0] != '\0') {
        /* only its owner may read the password in the file */
        fchmod(fileno(f), 0600);
        fprintf(f, "dashboard_auth=%s\n", auth);
    }
    if (fclose(f) != 0) {
        return demo_fail("cannot write '%s': %s", path, strerror(errno));
    }
    return 0;
}

/* Start one codis server on 'port' with its data in 'dir'/server-'port';
 * a 'master_port' above 0 makes it that master's replica from the start,
 * so a restarted cluster keeps its roles. */
static int demo_start_server(const struct demo *demo, int port,
                             int master_port)
{
    char name[32];
    char port_s[16];
    char data_dir[PATH_MAX + 32];
    char addr[32];
    snprintf(name, sizeof(name), "server-%d", port);
    snprintf(port_s, sizeof(port_s), "%d", port);
    snprintf(data_dir, sizeof(data_dir), "%s/%s", demo->dir, name);
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    if (mkdir(data_dir, 0755) != 0 && errno != EEXIST) {
        return demo_fail("cannot create '%s': %s", data_dir, strerror(errno));
    }
    char master_s[16];
    snprintf(master_s, sizeof(master_s), "%d", master_port);
    char *argv[] = { "server", "--port", port_s, "--bind", "127.0.0.1",
                     "--dir", data_dir, "--slaveof", "127.0.0.1", master_s,
                     NULL };
    if (master_port <= 0) {
        argv[7] = NULL; /* no --slaveof */
    }
    pid_t pid = demo_spawn(demo, name, argv);
    if (pid < 0) {
        return -1;
    }
    return demo_wait(pid, name, demo_redis_ready, addr);
}

/* Add group 'gid' with its master and slave, through the dashboard. */
static int demo_add_group(int gid)
{
    int master = DEMO_FIRST_PORT + (gid - 1) * 100;
    char path[64];
    char body[128];
    snprintf(path, sizeof(path), "/api/server_group/%d/addServer", gid);
    snprintf(body, sizeof(body),
             "{\"addr\": \"127.0.0.1:%d\", \"type\": \"master\"}", master);
    if (demo_api("PUT", path, body) != 0) {
        return -1;
    }
    snprintf(body, sizeof(body),
             "{\"addr\": \"127.0.0.1:%d\", \"type\": \"slave\"}", master + 1);
    return demo_api("PUT", path, body);
}

/* 1 if the dashboard already knows server groups (a restart of a cluster
 * whose state the coordinator kept), 0 if not, -1 on error. */
static int demo_has_groups(void)
{
    struct httpc_response resp;
    char err[512];
    if (httpc_get("http://" DEMO_DASHBOARD_ADDR "/api/server_groups",
                  DEMO_HTTP_TIMEOUT_MS, &resp, err, sizeof(err)) != 0) {
        return demo_fail("%s", err);
    }
    int rc;
    if (resp.status != 200) {
        rc = demo_fail("GET /api/server_groups: http status %ld, %s",
                       resp.status, resp.body);
    } else {
        rc = strchr(resp.body, '{') != NULL; /* a non-empty JSON array */
    }
    httpc_response_release(&resp);
    return rc;
}

/* Give each group an equal run of slots, the tutorial's 0-511 / 512-1023
 * for two groups. */
static int demo_assign_slots(const struct demo *demo)
{
    if (demo_api("POST", "/api/slots/init?is_force=1", NULL) != 0) {
        return -1;
    }
    int per = SLOT_COUNT / demo->groups;
    for (int g = 1; g <= demo->groups; g++) {
        int from = (g - 1) * per;
        int to = g == demo->groups ? SLOT_COUNT - 1 : g * per - 1;
        char body[160];
        snprintf(body, sizeof(body),
                 "{\"from\": %d, \"to\": %d, \"new_group\": %d, "
                 "\"status\": \"online\"}", from, to, g);
        if (demo_api("POST", "/api/slot", body) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Every process name a run directory may hold a pid file for, in the
 * order `stop` stops them: clients of a role first, servers last. */
#define DEMO_NAME_COUNT (DEMO_MAX_GROUPS * 2 + 3)
static size_t demo_names(char names[DEMO_NAME_COUNT][32])
{
    size_t count = 0;
    for (size_t i = 0; i < sizeof(demo_stop_order) / sizeof(*demo_stop_order);
         i++) {
        snprintf(names[count++], sizeof(names[0]), "%s", demo_stop_order[i]);
    }
    for (int g = 0; g < DEMO_MAX_GROUPS; g++) {
        for (int r = 0; r < 2; r++) {
            snprintf(names[count++], sizeof(names[0]), "server-%d",
                     DEMO_FIRST_PORT + g * 100 + r);
        }
    }
    return count;
}

/* Stop every process of the run directory; returns how many were ours. */
static int demo_stop(const struct demo *demo)
{
    char names[DEMO_NAME_COUNT][32];
    size_t count = demo_names(names);
    int stopped = 0;
    for (size_t i = 0; i < count; i++) {
        pid_t pid = demo_read_pid(demo, names[i]);
        char pid_path[2 * PATH_MAX];
        snprintf(pid_path, sizeof(pid_path), "%s/%s.pid", demo->dir, names[i]);
        if (pid == 0) {
            continue;
        }
        if (demo_is_ours(demo, pid) && kill(pid, SIGTERM) == 0) {
            /* a server saving its data on a busy machine may take a
             * while; after SIGKILL, wait until the process is gone too */
            time_t deadline = time(NULL) + DEMO_STOP_SECONDS;
            bool killed = false;
            while (kill(pid, 0) == 0 && demo_is_ours(demo, pid)) {
                if (!killed && time(NULL) >= deadline) {
                    kill(pid, SIGKILL);
                    killed = true;
                }
                struct timespec ts = { 0, 50 * 1000 * 1000 };
                nanosleep(&ts, NULL);
            }
            printf("stopped %s (pid %d)\n", names[i], (int)pid);
            stopped++;
        }
        unlink(pid_path);
    }
    return stopped;
}

static int demo_status(const struct demo *demo)
{
    char names[DEMO_NAME_COUNT][32];
    size_t count = demo_names(names);
    int running = 0;
    for (size_t i = 0; i < count; i++) {
        pid_t pid = demo_read_pid(demo, names[i]);
        bool is_server = strncmp(names[i], "server-", 7) == 0;
        if (pid == 0 && is_server) {
            continue; /* a group this run does not have */
        }
        bool up = pid != 0 && demo_is_ours(demo, pid);
        printf("%-16s %s\n", names[i], up ? "running" : "stopped");
        running += up;
    }
    return running > 0 ? 0 : 1;
}

static int demo_start(struct demo *demo)
{
    pid_t dashboard = demo_read_pid(demo, "dashboard");
    if (dashboard != 0 && demo_is_ours(demo, dashboard)) {
        printf("the cluster in '%s' is already up (dashboard pid %d); "
               "'make stop' stops it\n", demo->dir, (int)dashboard);
        return 0;
    }
    if (demo_write_config(demo) != 0) {
        return -1;
    }
    char userpass[3 * AUTH_TEXT_MAX];
    char err[512];
    if (auth_client_credentials(NULL, userpass, sizeof(userpass), err,
                                sizeof(err)) != 0) {
        return demo_fail("%s", err);
    }
    httpc_set_credentials(userpass);
    for (int g = 1; g <= demo->groups; g++) {
        int port = DEMO_FIRST_PORT + (g - 1) * 100;
        if (demo_start_server(demo, port, 0) != 0 ||
            demo_start_server(demo, port + 1, port) != 0) {
            return -1;
        }
    }
    char config[PATH_MAX + 16];
    char dashboard_log[PATH_MAX + 32];
    snprintf(config, sizeof(config), "%s/config.ini", demo->dir);
    snprintf(dashboard_log, sizeof(dashboard_log), "--http-log=%s/request.log",
             demo->dir);
    char *dash_argv[] = { "dashboard", "-c", config,
                          "--addr=" DEMO_DASHBOARD_ADDR, dashboard_log, NULL };
    pid_t pid = demo_spawn(demo, "dashboard", dash_argv);
    if (pid < 0 ||
        demo_wait(pid, "dashboard", demo_http_ready,
                  "http://" DEMO_DASHBOARD_ADDR "/api/server_groups") != 0) {
        return -1;
    }
    int known = demo_has_groups();
    if (known < 0) {
        return -1;
    }
    if (known) {
        printf("the coordinator already holds this cluster's groups and "
               "slots; keeping them\n");
    } else {
        for (int g = 1; g <= demo->groups; g++) {
            if (demo_add_group(g) != 0) {
                return -1;
            }
        }
        if (demo_assign_slots(demo) != 0) {
            return -1;
        }
    }
    char *proxy_argv[] = { "proxy", "-c", config,
                           "--addr=" DEMO_PROXY_ADDR,
                           "--http-addr=" DEMO_PROXY_HTTP_ADDR, NULL };
    pid = demo_spawn(demo, "proxy", proxy_argv);
    if (pid < 0 ||
        demo_wait(pid, "proxy", demo_http_ready,
                  "http://" DEMO_PROXY_HTTP_ADDR "/debug/vars") != 0) {
        return -1;
    }
    if (demo_api("POST", "/api/proxy",
                 "{\"id\": \"" DEMO_PROXY_ID "\", \"state\": \"online\"}") !=
            0 ||
        demo_wait(pid, "proxy", demo_redis_ready, DEMO_PROXY_ADDR) != 0) {
        return -1;
    }
    char *ha_argv[] = { "ha", "-c", config, NULL };
    if (demo_spawn(demo, "ha", ha_argv) < 0) {
        return -1;
    }
    printf("codis is up, all on 127.0.0.1, files in %s:\n"
           "  proxy       %s  (stats: http://%s/debug/vars)\n"
           "  dashboard   http://%s/admin/\n",
           demo->dir, DEMO_PROXY_ADDR, DEMO_PROXY_HTTP_ADDR,
           DEMO_DASHBOARD_ADDR);
    for (int g = 1; g <= demo->groups; g++) {
        int port = DEMO_FIRST_PORT + (g - 1) * 100;
        int per = SLOT_COUNT / demo->groups;
        printf("  group %d     master :%d, slave :%d, slots %d-%d\n", g, port,
               port + 1, (g - 1) * per,
               g == demo->groups ? SLOT_COUNT - 1 : g * per - 1);
    }
    printf("  ha          watching the groups\n"
           "try:  redis-cli -p 19000 set hello world\n"
           "      %s config -c %s server list\n"
           "stop: make stop   (or: codis demo stop --dir=%s)\n",
           demo->self, config, demo->dir);
    return 0;
}

int demo_main(int argc, char **argv)
{
    struct demo demo;
    memset(&demo, 0, sizeof(demo));
    demo.groups = 2;
    demo.coordinator = "filesystem";
    const char *dir = "run";
    const char *verb = "start";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(demo_usage_text, stdout);
            return 0;
        } else if (strncmp(a, "--dir=", 6) == 0 && a[6] != '\0') {
            dir = a + 6;
        } else if (strncmp(a, "--groups=", 9) == 0) {
            char *end;
            long n = strtol(a + 9, &end, 10);
            if (*end != '\0' || n < 1 || n > DEMO_MAX_GROUPS) {
                return demo_usage_error("--groups takes 1 to 8");
            }
            demo.groups = (int)n;
        } else if (strncmp(a, "--coordinator=", 14) == 0) {
            demo.coordinator = a + 14;
            if (strcmp(demo.coordinator, "filesystem") != 0 &&
                strcmp(demo.coordinator, "zookeeper") != 0) {
                return demo_usage_error("--coordinator is filesystem or "
                                        "zookeeper");
            }
        } else if (strncmp(a, "--zk=", 5) == 0 && a[5] != '\0') {
            demo.zk = a + 5;
        } else if (i == 1 && (strcmp(a, "stop") == 0 ||
                              strcmp(a, "status") == 0 ||
                              strcmp(a, "start") == 0)) {
            verb = a;
        } else {
            char what[300];
            snprintf(what, sizeof(what), "unknown argument '%s'", a);
            return demo_usage_error(what);
        }
    }
    if (strcmp(demo.coordinator, "zookeeper") == 0 && demo.zk == NULL) {
        return demo_usage_error("--coordinator=zookeeper needs --zk=<addr>");
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        demo_fail("cannot create '%s': %s", dir, strerror(errno));
        return 1;
    }
    if (realpath(dir, demo.dir) == NULL) {
        demo_fail("cannot resolve '%s': %s", dir, strerror(errno));
        return 1;
    }
    ssize_t n = readlink("/proc/self/exe", demo.self, sizeof(demo.self) - 1);
    if (n < 0) {
        demo_fail("cannot find this binary: %s", strerror(errno));
        return 1;
    }
    demo.self[n] = '\0';

    if (strcmp(verb, "stop") == 0) {
        if (demo_stop(&demo) == 0) {
            printf("nothing was running in '%s'\n", demo.dir);
        }
        return 0;
    }
    if (strcmp(verb, "status") == 0) {
        return demo_status(&demo);
    }
    if (demo_start(&demo) != 0) {
        fprintf(stderr, "codis demo: stopping what was started; logs are in "
                        "'%s'\n", demo.dir);
        demo_stop(&demo);
        return 1;
    }
    return 0;
}
