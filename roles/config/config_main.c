/* codis config: the Codis 2 codis-config CLI (codis-facts §9.1). Every
 * command but `dashboard` is one HTTP call to the dashboard at
 * dashboard_addr (config.ini); the JSON answer is printed indented, as
 * Codis prints it. A refused call or an unreachable dashboard is a
 * one-line error and exit 1; misuse prints the usage and exits 2.
 * `dashboard` runs the dashboard role in this process's place (exec of
 * our own binary), so the two roles share no code. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lib/auth.h"
#include "lib/conf.h"
#include "lib/conf_toml.h"
#include "lib/httpc.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/model.h"

/* How long one call may take: actions wait for proxies (30 s in Codis). */
#define CONFIG_HTTP_TIMEOUT_MS 120000

static const char config_usage_text[] =
    "usage: codis-config [-c <config_file>] [-L <log_file>] "
    "[--log-level=<level>]\n"
    "                    <command> [<args>...]\n"
    "\n"
    "options:\n"
    "   -c <config_file>       config.ini or a Codis 3.2 dashboard.toml\n"
    "                          (default: config.ini, if present)\n"
    "   -L <log_file>          log to this file (default: stderr)\n"
    "   --log-level=<level>    debug, info, warn or error\n"
    "\n"
    "commands:\n"
    "   server list\n"
    "   server add <group_id> <redis_addr> <role>\n"
    "   server remove <group_id> <redis_addr>\n"
    "   server promote <group_id> <redis_addr>\n"
    "   server add-group <group_id>\n"
    "   server remove-group <group_id>\n"
    "   slot init [-f]\n"
    "   slot info <slot_id>\n"
    "   slot set <slot_id> <group_id> <status>\n"
    "   slot range-set <slot_from> <slot_to> <group_id> <status>\n"
    "   slot migrate <slot_from> <slot_to> <group_id> [--delay=<delay_time_in_ms>]\n"
    "                [--wait]\n"
    "   slot migrate --cancel [<task_id>|all]\n"
    "   slot migrate-status\n"
    "   slot rebalance [--delay=<delay_time_in_ms>] [--wait]\n"
    "   proxy list\n"
    "   proxy online <proxy_name>\n"
    "   proxy offline <proxy_name>\n"
    "   action gc [-n <num> | -s <seconds>]\n"
    "   action remove-lock\n"
    "   action remove-fence\n"
    "   dashboard [--addr=<address>] [--http-log=<log_file>]\n"
    "   convert <file>         print a config.ini as Codis 3.2 TOML, or a\n"
    "                          Codis 3.2 proxy.toml/dashboard.toml as config.ini\n"
    "   passwd [<user>]        read a password (stdin), print a "
    "dashboard_auth hash\n"
    "\n"
    "Migration: --delay=N pauses N ms after each batch of keys a slot's "
    "source server\n"
    "sends (under migration_method=semi-async one SLOTSMGRTTAGSLOT-ASYNC of "
    "up to\n"
    "migration_async_numkeys keys, 500 by default; under sync one key and "
    "its tag),\n"
    "so it caps each source at numkeys*1000/N keys/s. --wait prints "
    "progress (slots\n"
    "done/total, keys moved, keys/s, ETA) until the queued tasks are done; "
    "it exits 1\n"
    "as soon as one fails (the task stays queued and is retried: see "
    "migrate-status,\n"
    "remove it with --cancel). --cancel removes queued tasks that have not "
    "started\n"
    "(default: all).\n"
    "\n"
    "With dashboard_auth in config.ini, commands send it to the dashboard "
    "(HTTP Basic);\n"
    "when it holds a hash, give the password as "
    "CODIS_DASHBOARD_AUTH=user:password.\n";

/* A parsed command line, handed to the command functions. */
struct config_call {
    const char *dashboard_addr; /* host:port */
    const char *config;         /* -c */
    bool config_given;          /* -c was on the command line */
    const char *log_file;       /* -L */
    const char *level;          /* --log-level= */
    int argc;                   /* words after the command's two names */
    char **argv;
};

/* Print the usage to stderr and return 2 (misuse). */
static int config_misuse(const char *fmt, const char *arg)
{
    if (fmt != NULL) {
        fprintf(stderr, "codis-config: ");
        fprintf(stderr, fmt, arg);
        fprintf(stderr, "\n");
    }
    fputs(config_usage_text, stderr);
    return 2;
}

/* Parse a decimal integer argument; -1 if it is not one. */
static int config_int(const char *s, long long *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return *s != '\0' && *end == '\0' && errno == 0 ? 0 : -1;
}

/* Send one request to the dashboard; its JSON answer goes to '*answer'
 * (owned, cJSON_Delete). 'body' (may be NULL) is freed here. Returns 0,
 * or the exit status 1 after printing why (unreachable, refused with the
 * dashboard's message, not JSON). */
static int config_request(const struct config_call *c, const char *method,
                          const char *path, cJSON *body, cJSON **answer)
{
    char url[MODEL_ADDR_MAX + 256];
    snprintf(url, sizeof(url), "http://%s%s", c->dashboard_addr, path);
    char *text = body != NULL ? json_print_compact(body) : NULL;
    cJSON_Delete(body);
    struct httpc_response resp;
    char err[1024];
    log_debug("%s %s %s", method, url, text != NULL ? text : "");
    int rc = httpc_request(method, url, text, CONFIG_HTTP_TIMEOUT_MS, &resp,
                           err, sizeof(err));
    mem_free(text);
    if (rc != 0) {
        fprintf(stderr, "codis-config: cannot reach the dashboard at '%s': "
                        "%s\n", c->dashboard_addr, err);
        return 1;
    }
    char why[128];
    cJSON *json = json_parse(resp.body, resp.len, why, sizeof(why));
    if (resp.status != 200) {
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(json, "msg");
        const char *m = cJSON_IsString(msg) ? msg->valuestring : resp.body;
        log_info("http status code %ld, %s", resp.status, resp.body);
        fprintf(stderr, "codis-config: dashboard refused (http %ld): %s\n",
                resp.status, m);
        if (resp.status == 401) {
            fprintf(stderr, "codis-config: hint: set dashboard_auth in "
                            "'%s' or %s=user:password\n", c->config,
                    AUTH_ENV);
        }
        cJSON_Delete(json);
        httpc_response_release(&resp);
        return 1;
    }
    if (json == NULL) {
        fprintf(stderr, "codis-config: bad answer from the dashboard: %s\n",
                why);
        httpc_response_release(&resp);
        return 1;
    }
    httpc_response_release(&resp);
    *answer = json;
    return 0;
}

/* Print 'json' indented, as Codis prints answers. */
static void config_print(const cJSON *json)
{
    char *out = json_print(json);
    printf("%s\n", out);
    mem_free(out);
}

/* Send one request to the dashboard and print the answer. 'body' (may be
 * NULL) is freed here. Returns the exit status. */
static int config_http(const struct config_call *c, const char *method,
                       const char *path, cJSON *body)
{
    cJSON *json;
    int rc = config_request(c, method, path, body, &json);
    if (rc != 0) {
        return rc;
    }
    config_print(json);
    cJSON_Delete(json);
    return 0;
}

/* {"addr": a, "group_id": g} (+ "type") bodies of the server commands. */
static cJSON *config_server_body(long long gid, const char *addr,
                                 const char *type)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "addr", addr);
    if (type != NULL) {
        cJSON_AddStringToObject(o, "type", type);
    }
    cJSON_AddNumberToObject(o, "group_id", (double)gid);
    return o;
}

static int config_server_list(struct config_call *c)
{
    return config_http(c, "GET", "/api/server_groups", NULL);
}

static int config_server_add(struct config_call *c)
{
    long long gid;
    if (config_int(c->argv[0], &gid) != 0) {
        return config_misuse("invalid group id '%s'", c->argv[0]);
    }
    char path[128];
    snprintf(path, sizeof(path), "/api/server_group/%lld/addServer", gid);
    return config_http(c, "PUT", path,
                       config_server_body(gid, c->argv[1], c->argv[2]));
}

/* removeServer and promote: the same arguments, another path. */
static int config_server_op(struct config_call *c, const char *method,
                            const char *op)
{
    long long gid;
    if (config_int(c->argv[0], &gid) != 0) {
        return config_misuse("invalid group id '%s'", c->argv[0]);
    }
    char path[128];
    snprintf(path, sizeof(path), "/api/server_group/%lld/%s", gid, op);
    return config_http(c, method, path,
                       config_server_body(gid, c->argv[1], NULL));
}

static int config_server_remove(struct config_call *c)
{
    return config_server_op(c, "PUT", "removeServer");
}

static int config_server_promote(struct config_call *c)
{
    return config_server_op(c, "POST", "promote");
}

static int config_server_add_group(struct config_call *c)
{
    long long gid;
    if (config_int(c->argv[0], &gid) != 0) {
        return config_misuse("invalid group id '%s'", c->argv[0]);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)gid);
    return config_http(c, "PUT", "/api/server_groups", o);
}

static int config_server_remove_group(struct config_call *c)
{
    long long gid;
    if (config_int(c->argv[0], &gid) != 0) {
        return config_misuse("invalid group id '%s'", c->argv[0]);
    }
    char path[128];
    snprintf(path, sizeof(path), "/api/server_group/%lld", gid);
    return config_http(c, "DELETE", path, NULL);
}

static int config_slot_init(struct config_call *c)
{
    if (c->argc == 1 && strcmp(c->argv[0], "-f") != 0) {
        return config_misuse("unknown option '%s'", c->argv[0]);
    }
    return config_http(c, "POST",
                       c->argc == 1 ? "/api/slots/init?is_force=1"
                                    : "/api/slots/init",
                       NULL);
}

static int config_slot_info(struct config_call *c)
{
    long long id;
    if (config_int(c->argv[0], &id) != 0) {
        return config_misuse("invalid slot id '%s'", c->argv[0]);
    }
    char path[64];
    snprintf(path, sizeof(path), "/api/slot/%lld", id);
    return config_http(c, "GET", path, NULL);
}

/* POST /api/slot for [from, to] -> gid with status. */
static int config_slot_post(struct config_call *c, const char *from,
                            const char *to, const char *gid,
                            const char *status)
{
    long long f, t, g;
    if (config_int(from, &f) != 0) {
        return config_misuse("invalid slot id '%s'", from);
    }
    if (config_int(to, &t) != 0) {
        return config_misuse("invalid slot id '%s'", to);
    }
    if (config_int(gid, &g) != 0) {
        return config_misuse("invalid group id '%s'", gid);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "from", (double)f);
    cJSON_AddNumberToObject(o, "to", (double)t);
    cJSON_AddNumberToObject(o, "new_group", (double)g);
    cJSON_AddStringToObject(o, "status", status);
    return config_http(c, "POST", "/api/slot", o);
}

static int config_slot_set(struct config_call *c)
{
    return config_slot_post(c, c->argv[0], c->argv[0], c->argv[1],
                            c->argv[2]);
}

static int config_slot_range_set(struct config_call *c)
{
    return config_slot_post(c, c->argv[0], c->argv[1], c->argv[2],
                            c->argv[3]);
}

/* The options of slot migrate and slot rebalance. */
struct config_migrate_opts {
    long long delay; /* --delay=<ms> */
    bool wait;       /* --wait */
};

/* Parse the options 'argv' ('argc' of them): --delay=<ms> and --wait.
 * Returns 0, or the exit status of a misuse. */
static int config_migrate_opts(int argc, char **argv,
                               struct config_migrate_opts *o)
{
    o->delay = 0;
    o->wait = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--wait") == 0) {
            o->wait = true;
        } else if (strncmp(arg, "--delay=", 8) == 0) {
            if (config_int(arg + 8, &o->delay) != 0 || o->delay < 0) {
                return config_misuse("invalid delay '%s': expected "
                                     "milliseconds", arg + 8);
            }
        } else {
            return config_misuse("unknown option '%s'", arg);
        }
    }
    return 0;
}

/* An integer field 'name' of 'o', or 'def'. */
static long long config_num(const cJSON *o, const char *name, long long def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? (long long)v->valuedouble : def;
}

/* A string field 'name' of 'o', or "". */
static const char *config_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Sleep 'ms' milliseconds. */
static void config_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Seconds as "1h02m", "3m05s" or "12s". */
static void config_duration(long long secs, char *out, size_t outlen)
{
    if (secs >= 3600) {
        snprintf(out, outlen, "%lldh%02lldm", secs / 3600, secs / 60 % 60);
    } else if (secs >= 60) {
        snprintf(out, outlen, "%lldm%02llds", secs / 60, secs % 60);
    } else {
        snprintf(out, outlen, "%llds", secs);
    }
}

/* --wait: poll the dashboard until none of the tasks 'ids' (an array of
 * task ids) is queued (the queue's keys_moved was 'keys0' before them), printing a progress line whenever it changes (on
 * a terminal, in place). Returns 0 when all are done, 1 as soon as one
 * is in error (its error printed) or the dashboard cannot be asked. */
static int config_wait(struct config_call *c, const cJSON *ids,
                       long long keys0)
{
    int total = cJSON_GetArraySize(ids);
    bool tty = isatty(STDOUT_FILENO);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char last[256] = "";
    for (;;) {
        cJSON *tasks, *status;
        if (config_request(c, "GET", "/api/migrate/tasks", NULL, &tasks)) {
            return 1;
        }
        if (config_request(c, "GET", "/api/migrate/status", NULL,
                           &status)) {
            cJSON_Delete(tasks);
            return 1;
        }
        int left = 0;
        const cJSON *t;
        const cJSON *failed = NULL;
        cJSON_ArrayForEach(t, tasks)
        {
            const char *id = config_str(t, "id");
            const cJSON *mine;
            bool ours = false;
            cJSON_ArrayForEach(mine, ids)
            {
                ours = ours || (cJSON_IsString(mine) &&
                                strcmp(mine->valuestring, id) == 0);
            }
            if (!ours) {
                continue;
            }
            left++;
            if (failed == NULL &&
                strcmp(config_str(t, "status"), "error") == 0) {
                failed = t;
            }
        }
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(status,
                                                          "progress");
        long long keys = config_num(p, "keys_moved", 0);
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double secs = (double)(now.tv_sec - t0.tv_sec) +
                      (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        int done = total - left;
        long long moved = keys >= keys0 ? keys - keys0 : keys;
        char eta[32] = "?";
        if (left == 0) {
            snprintf(eta, sizeof(eta), "0s");
        } else if (done > 0) {
            config_duration((long long)(secs / done * left + 0.5), eta,
                            sizeof(eta));
        }
        char line[256];
        snprintf(line, sizeof(line), "migrate: %d/%d slots, %lld keys moved, "
                                     "%.0f keys/s, ETA %s%s",
                 done, total, moved, secs > 0 ? (double)moved / secs : 0.0,
                 eta, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                          status, "paused"))
                          ? " (paused)"
                          : "");
        if (strcmp(line, last) != 0) {
            printf(tty ? "\r%s\033[K" : "%s\n", line);
            fflush(stdout);
            snprintf(last, sizeof(last), "%s", line);
        }
        int rc = -1;
        if (failed != NULL) {
            if (tty) {
                printf("\n");
            }
            fprintf(stderr, "codis-config: migrate task %s (slot %lld to "
                            "group %lld) failed: %s\n",
                    config_str(failed, "id"),
                    config_num(failed, "slot_id", -1),
                    config_num(failed, "new_group", -1),
                    config_str(failed, "error"));
            fprintf(stderr, "codis-config: it stays queued and is retried; "
                            "'slot migrate --cancel %s' removes it unless "
                            "its slot started\n", config_str(failed, "id"));
            rc = 1;
        } else if (left == 0) {
            if (tty) {
                printf("\n");
            }
            printf("migrate: done, %d slots in %.1f s\n", total, secs);
            rc = 0;
        }
        cJSON_Delete(tasks);
        cJSON_Delete(status);
        if (rc >= 0) {
            return rc;
        }
        config_sleep_ms(200);
    }
}

/* POST a migration ('path', 'body') and print the answer; with --wait
 * then wait for its tasks. Returns the exit status. */
static int config_migrate_post(struct config_call *c, const char *path,
                               cJSON *body,
                               const struct config_migrate_opts *o)
{
    /* The queue's totals restart when it goes from empty to busy: keys
     * moved before ours count only if it is busy now. */
    long long keys0 = 0;
    cJSON *answer;
    if (o->wait) {
        if (config_request(c, "GET", "/api/migrate/status", NULL,
                           &answer) != 0) {
            cJSON_Delete(body);
            return 1;
        }
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(answer,
                                                          "progress");
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "active"))) {
            keys0 = config_num(p, "keys_moved", 0);
        }
        cJSON_Delete(answer);
    }
    int rc = config_request(c, "POST", path, body, &answer);
    if (rc != 0) {
        return rc;
    }
    config_print(answer);
    fflush(stdout);
    if (o->wait) {
        const cJSON *ids = cJSON_GetObjectItemCaseSensitive(answer, "ids");
        rc = cJSON_IsArray(ids) ? config_wait(c, ids, keys0) : 0;
    }
    cJSON_Delete(answer);
    return rc;
}

/* slot migrate --cancel [<task_id>|all]. */
static int config_slot_cancel(struct config_call *c)
{
    if (c->argc > 2) {
        return config_misuse("wrong number of arguments for '%s'",
                             "slot migrate --cancel");
    }
    const char *what = c->argc == 2 ? c->argv[1] : "all";
    if (strcmp(what, "all") == 0) {
        return config_http(c, "DELETE", "/api/migrate/tasks", NULL);
    }
    if (what[0] == '\0' || strspn(what, "0123456789") != strlen(what) ||
        strlen(what) > 20) {
        return config_misuse("invalid task id '%s'", what);
    }
    char path[64];
    snprintf(path, sizeof(path), "/api/migrate/task/%s", what);
    return config_http(c, "DELETE", path, NULL);
}

static int config_slot_migrate(struct config_call *c)
{
    if (c->argc >= 1 && strcmp(c->argv[0], "--cancel") == 0) {
        return config_slot_cancel(c);
    }
    if (c->argc < 3) {
        return config_misuse("wrong number of arguments for '%s'",
                             "slot migrate");
    }
    long long f, t, g;
    if (config_int(c->argv[0], &f) != 0) {
        return config_misuse("invalid slot id '%s'", c->argv[0]);
    }
    if (config_int(c->argv[1], &t) != 0) {
        return config_misuse("invalid slot id '%s'", c->argv[1]);
    }
    if (config_int(c->argv[2], &g) != 0) {
        return config_misuse("invalid group id '%s'", c->argv[2]);
    }
    struct config_migrate_opts opts;
    int rc = config_migrate_opts(c->argc - 3, c->argv + 3, &opts);
    if (rc != 0) {
        return rc;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "from", (double)f);
    cJSON_AddNumberToObject(o, "to", (double)t);
    cJSON_AddNumberToObject(o, "new_group", (double)g);
    cJSON_AddNumberToObject(o, "delay", (double)opts.delay);
    return config_migrate_post(c, "/api/migrate", o, &opts);
}

static int config_slot_rebalance(struct config_call *c)
{
    struct config_migrate_opts opts;
    int rc = config_migrate_opts(c->argc, c->argv, &opts);
    if (rc != 0) {
        return rc;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "delay", (double)opts.delay);
    return config_migrate_post(c, "/api/rebalance", o, &opts);
}

/* slot migrate-status: the queued tasks with state and error, what is in
 * flight, the totals, and the last finished or failed tasks. */
static int config_slot_migrate_status(struct config_call *c)
{
    cJSON *tasks, *status;
    if (config_request(c, "GET", "/api/migrate/tasks", NULL, &tasks)) {
        return 1;
    }
    if (config_request(c, "GET", "/api/migrate/status", NULL, &status)) {
        cJSON_Delete(tasks);
        return 1;
    }
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(status, "progress");
    printf("method %s, up to %lld slots at once%s\n",
           config_str(status, "method"),
           config_num(status, "parallel_slots", 0),
           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(status, "paused"))
               ? ", paused"
               : "");
    printf("%lld/%lld slots done, %lld queued (%lld failing), %lld keys "
           "moved, %lld keys/s\n",
           config_num(p, "slots_done", 0), config_num(p, "slots_total", 0),
           config_num(p, "slots_queued", 0),
           config_num(p, "slots_failing", 0), config_num(p, "keys_moved", 0),
           config_num(p, "keys_per_sec", 0));
    printf("%-12s %5s %5s %5s %-10s %8s  %s\n", "task", "slot", "from", "to",
           "state", "moved", "error");
    const cJSON *t;
    cJSON_ArrayForEach(t, tasks)
    {
        const char *stage = config_str(t, "stage");
        printf("%-12s %5lld %5s %5lld %-10s %8lld  %s\n", config_str(t, "id"),
               config_num(t, "slot_id", -1), "-",
               config_num(t, "new_group", -1),
               stage[0] != '\0' ? stage : config_str(t, "status"),
               config_num(t, "moved", 0), config_str(t, "error"));
    }
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(status, "history");
    cJSON_ArrayForEach(t, h)
    {
        printf("%-12s %5lld %5lld %5lld %-10s %8lld  %s\n",
               config_str(t, "id"), config_num(t, "slot_id", -1),
               config_num(t, "from", -1), config_num(t, "new_group", -1),
               config_str(t, "status"), config_num(t, "moved", 0),
               config_str(t, "error"));
    }
    cJSON_Delete(tasks);
    cJSON_Delete(status);
    return 0;
}

static int config_proxy_list(struct config_call *c)
{
    return config_http(c, "GET", "/api/proxy/list", NULL);
}

static int config_proxy_state(struct config_call *c, const char *state)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", c->argv[0]);
    cJSON_AddStringToObject(o, "state", state);
    return config_http(c, "POST", "/api/proxy", o);
}

static int config_proxy_online(struct config_call *c)
{
    return config_proxy_state(c, "online");
}

static int config_proxy_offline(struct config_call *c)
{
    return config_proxy_state(c, "mark_offline");
}

static int config_action_gc(struct config_call *c)
{
    long long v;
    if (c->argc != 2 ||
        (strcmp(c->argv[0], "-n") != 0 && strcmp(c->argv[0], "-s") != 0)) {
        return config_misuse("action gc needs -n <num> or -s <seconds>",
                             NULL);
    }
    if (config_int(c->argv[1], &v) != 0 || v < 0) {
        return config_misuse("invalid number '%s'", c->argv[1]);
    }
    char path[128];
    snprintf(path, sizeof(path), "/api/action/gc?%s=%lld",
             c->argv[0][1] == 'n' ? "keep" : "secs", v);
    return config_http(c, "POST", path, NULL);
}

static int config_action_remove_lock(struct config_call *c)
{
    return config_http(c, "POST", "/api/force_remove_locks", NULL);
}

static int config_action_remove_fence(struct config_call *c)
{
    return config_http(c, "POST", "/api/remove_fence", NULL);
}

/* Read one line of at most 'len' - 1 bytes from stdin into 'buf',
 * without echo on a terminal. Returns 0, or -1 at end of input. */
static int config_read_password(const char *prompt, char *buf, size_t len)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fputs(prompt, stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *got = fgets(buf, (int)len, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputs("\n", stderr);
    }
    if (got == NULL) {
        return -1;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* `passwd [<user>]`: print the dashboard_auth value storing a hash of
 * the password read from stdin (asked twice on a terminal). */
static int config_passwd(struct config_call *c)
{
    const char *user = c->argc > 0 ? c->argv[0] : "admin";
    char pw[AUTH_TEXT_MAX], again[AUTH_TEXT_MAX];
    if (config_read_password("password: ", pw, sizeof(pw)) != 0 ||
        pw[0] == '\0') {
        fprintf(stderr, "codis-config: no password given\n");
        return 1;
    }
    if (isatty(STDIN_FILENO) &&
        (config_read_password("again: ", again, sizeof(again)) != 0 ||
         strcmp(pw, again) != 0)) {
        fprintf(stderr, "codis-config: the passwords differ\n");
        return 1;
    }
    char out[3 * AUTH_TEXT_MAX], err[256];
    int rc = auth_hash(user, pw, out, sizeof(out), err, sizeof(err));
    memset(pw, 0, sizeof(pw));
    memset(again, 0, sizeof(again));
    if (rc != 0) {
        fprintf(stderr, "codis-config: %s\n", err);
        return 1;
    }
    printf("%s\n", out);
    return 0;
}

/* Run `codis dashboard` in our place with the same config and options. */
static int config_dashboard(struct config_call *c)
{
    char *argv[16];
    int n = 0;
    argv[n++] = "codis";
    argv[n++] = "dashboard";
    argv[n++] = "-c";
    argv[n++] = (char *)c->config;
    char level[128];
    if (c->log_file != NULL) {
        argv[n++] = "-L";
        argv[n++] = (char *)c->log_file;
    }
    if (c->level != NULL) {
        snprintf(level, sizeof(level), "--log-level=%s", c->level);
        argv[n++] = level;
    }
    for (int i = 0; i < c->argc; i++) {
        if (strncmp(c->argv[i], "--addr=", 7) != 0 &&
            strncmp(c->argv[i], "--http-log=", 11) != 0) {
            return config_misuse("unknown dashboard option '%s'",
                                 c->argv[i]);
        }
        argv[n++] = c->argv[i];
    }
    argv[n] = NULL;
    fflush(NULL);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "codis-config: cannot run the dashboard: %s\n",
            strerror(errno));
    return 1;
}

/* convert <file>: print a config.ini as Codis 3.2 TOML or a Codis 3.2
 * TOML file as config.ini (lib/conf_toml). */
static int config_convert(struct config_call *c)
{
    char err[512];
    if (conf_toml_convert(c->argv[0], stdout, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-config: %s\n", err);
        return 1;
    }
    return 0;
}

/* The commands: two words, the argument counts allowed (max -1: any),
 * the function. */
struct config_command {
    const char *group;
    const char *name; /* NULL: the group word alone is the command */
    int min_args;
    int max_args;
    int (*run)(struct config_call *c);
};

static const struct config_command config_commands[] = {
    { "server", "list", 0, 0, config_server_list },
    { "server", "add", 3, 3, config_server_add },
    { "server", "remove", 2, 2, config_server_remove },
    { "server", "promote", 2, 2, config_server_promote },
    { "server", "add-group", 1, 1, config_server_add_group },
    { "server", "remove-group", 1, 1, config_server_remove_group },
    { "slot", "init", 0, 1, config_slot_init },
    { "slot", "info", 1, 1, config_slot_info },
    { "slot", "set", 3, 3, config_slot_set },
    { "slot", "range-set", 4, 4, config_slot_range_set },
    { "slot", "migrate", 1, 5, config_slot_migrate },
    { "slot", "migrate-status", 0, 0, config_slot_migrate_status },
    { "slot", "rebalance", 0, 2, config_slot_rebalance },
    { "proxy", "list", 0, 0, config_proxy_list },
    { "proxy", "online", 1, 1, config_proxy_online },
    { "proxy", "offline", 1, 1, config_proxy_offline },
    { "action", "gc", 0, 2, config_action_gc },
    { "action", "remove-lock", 0, 0, config_action_remove_lock },
    { "action", "remove-fence", 0, 0, config_action_remove_fence },
    { "dashboard", NULL, 0, 2, config_dashboard },
    { "convert", NULL, 1, 1, config_convert },
    { "passwd", NULL, 0, 1, config_passwd },
    { NULL, NULL, 0, 0, NULL },
};

/* Find the command for argv[0] (and argv[1]); sets '*used' to the number
 * of words it took. */
static const struct config_command *config_find(int argc, char **argv,
                                                int *used)
{
    for (const struct config_command *k = config_commands; k->group; k++) {
        if (strcmp(k->group, argv[0]) != 0) {
            continue;
        }
        if (k->name == NULL) {
            *used = 1;
            return k;
        }
        if (argc > 1 && strcmp(k->name, argv[1]) == 0) {
            *used = 2;
            return k;
        }
    }
    return NULL;
}

/* The entry point of `codis config`; returns the exit status. */
int config_main(int argc, char **argv)
{
    struct config_call call;
    memset(&call, 0, sizeof(call));
    call.config = "config.ini";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(config_usage_text, stdout);
            return 0;
        } else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            call.config = argv[++i];
            call.config_given = true;
        } else if (strcmp(argv[i], "-L") == 0 && i + 1 < argc) {
            call.log_file = argv[++i];
        } else if (strncmp(argv[i], "--log-level=", 12) == 0) {
            call.level = argv[i] + 12;
        } else {
            return config_misuse("unknown option '%s'", argv[i]);
        }
    }
    if (i == argc) {
        return config_misuse("no command given", NULL);
    }
    int used = 0;
    const struct config_command *cmd = config_find(argc - i, argv + i, &used);
    if (cmd == NULL) {
        return config_misuse("unknown command '%s'", argv[i]);
    }
    call.argc = argc - i - used;
    call.argv = argv + i + used;
    for (int k = 0; k < call.argc; k++) {
        if (strcmp(call.argv[k], "--help") == 0) {
            fputs(config_usage_text, stdout);
            return 0;
        }
    }
    if (call.argc < cmd->min_args ||
        (cmd->max_args >= 0 && call.argc > cmd->max_args)) {
        return config_misuse("wrong number of arguments for '%s'", argv[i]);
    }
    if (cmd->name == NULL) {
        return cmd->run(&call);
    }
    char err[512];
    if (log_init("config", call.log_file, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-config: %s\n", err);
        return 1;
    }
    enum log_level level = call.log_file != NULL ? LOG_INFO : LOG_WARN;
    if (call.level != NULL && log_parse_level(call.level, &level) != 0) {
        log_close();
        return config_misuse("unknown log level '%s'", call.level);
    }
    log_set_level(level);
    struct conf *conf = conf_open(call.config, call.config_given, err,
                                  sizeof(err));
    struct model_config cfg;
    if (conf == NULL || model_config_load(conf, &cfg, err, sizeof(err))) {
        fprintf(stderr, "codis-config: %s\n", err);
        conf_free(conf);
        log_close();
        return 1;
    }
    conf_warn_unknown(conf, false);
    conf_free(conf);
    call.dashboard_addr = cfg.dashboard_addr;
    char userpass[3 * AUTH_TEXT_MAX];
    if (auth_client_credentials(cfg.dashboard_auth, userpass,
                                sizeof(userpass), err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-config: %s\n", err);
        log_close();
        return 1;
    }
    httpc_set_credentials(userpass);
    memset(userpass, 0, sizeof(userpass));
    int status = cmd->run(&call);
    log_close();
    return status;
}
