/* codis ha: watch every server group through the dashboard and promote a
 * slave when a group's master stops answering, like Codis 2's codis-ha.
 *
 * Each round (every --interval seconds) it reads GET /api/server_groups
 * from the dashboard, PINGs each group's master, and counts consecutive
 * failures per master. After --down-after failed rounds in a row the
 * master is declared dead for us and we ask the dashboard with POST
 * /api/server_group/<gid>/failover; it promotes only if the master does
 * not answer it either, and only a slave that was in sync with the master
 * (see roles/dashboard/failover.h). When no slave is safe the dashboard
 * refuses, we log it loudly and ask again each round while the master
 * stays down. A dead slave is only logged.
 * Not here: how promotion works (the dashboard) or stats (the page). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/auth.h"
#include "lib/conf.h"
#include "lib/httpc.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/model.h"
#include "lib/rclient.h"

static const char ha_usage_text[] =
    "usage: codis-ha [-c <config_file>] [--codis-config=<dashboard_addr>]\n"
    "                [--productName=<product>] [--interval=<seconds>]\n"
    "                [--down-after=<rounds>] [-L <log_file>] "
    "[--log-level=<level>]\n"
    "\n"
    "options:\n"
    "   -c <config_file>          config.ini: dashboard_addr, product,\n"
    "                             password or product_auth, "
    "dashboard_auth (optional)\n"
    "   --codis-config=<addr>     the dashboard's host:port (overrides\n"
    "                             dashboard_addr)\n"
    "   --productName=<product>   the product (overrides product)\n"
    "   --interval=<seconds>      time between two rounds (default 3)\n"
    "   --down-after=<rounds>     failed rounds before a master is dead\n"
    "                             (default 3)\n"
    "   -L <log_file>             log to this file (default: stderr)\n"
    "   --log-level=<level>       debug, info, warn or error\n";

/* How long a PING or an HTTP call may take. */
#define HA_PING_TIMEOUT_MS 1000
#define HA_HTTP_TIMEOUT_MS 60000
/* Masters whose failures are being counted at once. */
#define HA_MAX_TRACKED 1024

/* The failure count of one master address. */
struct ha_master {
    char addr[MODEL_ADDR_MAX];
    int failures;
    bool seen; /* still a master in this round's list */
};

/* The state of the watcher. */
struct ha {
    char dashboard_addr[MODEL_ADDR_MAX];
    char product[MODEL_NAME_MAX];
    const char *password;
    double interval;
    int down_after;
    struct ha_master masters[HA_MAX_TRACKED];
    size_t nmasters;
};

static volatile sig_atomic_t ha_stop;
static volatile sig_atomic_t ha_reopen;

static void ha_on_signal(int sig)
{
    if (sig == SIGHUP) {
        ha_reopen = 1;
    } else {
        ha_stop = 1;
    }
}

static struct ha_master *ha_track(struct ha *ha, const char *addr)
{
    for (size_t i = 0; i < ha->nmasters; i++) {
        if (strcmp(ha->masters[i].addr, addr) == 0) {
            return &ha->masters[i];
        }
    }
    if (ha->nmasters == HA_MAX_TRACKED) {
        return NULL;
    }
    struct ha_master *m = &ha->masters[ha->nmasters++];
    snprintf(m->addr, sizeof(m->addr), "%s", addr);
    m->failures = 0;
    return m;
}

/* Forget masters that are no longer masters of any group. */
static void ha_untrack_unseen(struct ha *ha)
{
    size_t kept = 0;
    for (size_t i = 0; i < ha->nmasters; i++) {
        if (ha->masters[i].seen) {
            ha->masters[kept++] = ha->masters[i];
        }
    }
    ha->nmasters = kept;
}

/* True if 'addr' answers PING within the timeout. */
static bool ha_ping(struct ha *ha, const char *addr)
{
    static const char *const ping[] = { "PING", NULL };
    char err[256];
    if (rclient_oneshot(addr, ha->password, HA_PING_TIMEOUT_MS, NULL, err,
                        sizeof(err), ping) != 0) {
        log_debug("ping '%s' failed: %s", addr, err);
        return false;
    }
    return true;
}

/* The master of group 'gid' is dead for us: ask the dashboard to fail it
 * over. The dashboard checks that the master is down for it too, picks
 * the safest slave (in sync with the master, not restarted, freshest
 * offset) and promotes it all-or-nothing. Returns 0 once promoted, -1 if
 * not (the reason is logged; a group without a safe slave waits for the
 * operator, and we ask again next round). */
static int ha_failover(struct ha *ha, int gid)
{
    char url[512];
    char err[512];
    snprintf(url, sizeof(url), "http://%s/api/server_group/%d/failover",
             ha->dashboard_addr, gid);
    struct httpc_response resp;
    if (httpc_post(url, "{}", HA_HTTP_TIMEOUT_MS, &resp, err,
                   sizeof(err)) != 0) {
        log_error("group %d: cannot ask the dashboard to fail over: %s", gid,
                  err);
        return -1;
    }
    int rc = resp.status == 200 ? 0 : -1;
    if (rc == 0) {
        char why[128];
        cJSON *r = json_parse(resp.body, resp.len, why, sizeof(why));
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(r, "promoted");
        log_info("promoted '%s' to master of group %d: %s",
                 cJSON_IsString(a) ? a->valuestring : "?", gid, resp.body);
        cJSON_Delete(r);
    } else if (resp.status == 409) {
        log_error("group %d: NOT PROMOTED, waiting for the operator or the "
                  "master: %s", gid, resp.body);
    } else {
        log_error("group %d: the dashboard could not fail over: http status "
                  "%ld, %s", gid, resp.status, resp.body);
    }
    httpc_response_release(&resp);
    return rc;
}

/* Check one group: its master's health, and a failover when it is dead. */
static void ha_check_group(struct ha *ha, const struct model_group *group)
{
    const struct model_server *master = model_group_master(group);
    if (master == NULL) {
        return;
    }
    struct ha_master *m = ha_track(ha, master->addr);
    if (m == NULL) {
        log_error("too many masters to watch; '%s' is not watched",
                  master->addr);
        return;
    }
    m->seen = true;
    if (ha_ping(ha, master->addr)) {
        if (m->failures > 0) {
            log_info("group %d: master '%s' answers again", group->id,
                     master->addr);
        }
        m->failures = 0;
        return;
    }
    m->failures++;
    log_warn("group %d: master '%s' does not answer (%d of %d)", group->id,
             master->addr, m->failures, ha->down_after);
    if (m->failures >= ha->down_after && ha_failover(ha, group->id) == 0) {
        m->failures = 0;
    }
    for (size_t i = 0; i < group->count; i++) {
        const struct model_server *s = &group->servers[i];
        if (s->type == MODEL_SERVER_SLAVE && !ha_ping(ha, s->addr)) {
            log_warn("group %d: slave '%s' does not answer", group->id,
                     s->addr);
        }
    }
}

/* One round: read the groups from the dashboard and check each. */
static void ha_round(struct ha *ha)
{
    char url[512];
    char err[512];
    snprintf(url, sizeof(url), "http://%s/api/server_groups",
             ha->dashboard_addr);
    struct httpc_response resp;
    if (httpc_get(url, HA_HTTP_TIMEOUT_MS, &resp, err, sizeof(err)) != 0) {
        log_warn("cannot read server groups: %s", err);
        return;
    }
    if (resp.status != 200) {
        log_warn("cannot read server groups: http status %ld, %s",
                 resp.status, resp.body);
        httpc_response_release(&resp);
        return;
    }
    cJSON *groups = json_parse(resp.body, resp.len, err, sizeof(err));
    httpc_response_release(&resp);
    if (groups == NULL || !cJSON_IsArray(groups)) {
        log_warn("bad server group list from the dashboard: %s",
                 groups == NULL ? err : "not an array");
        cJSON_Delete(groups);
        return;
    }
    for (size_t i = 0; i < ha->nmasters; i++) {
        ha->masters[i].seen = false;
    }
    const cJSON *item;
    int checked = 0;
    cJSON_ArrayForEach(item, groups) {
        checked++;
        struct model_group group;
        if (model_group_from_json(item, &group, err, sizeof(err)) != 0) {
            log_warn("bad server group from the dashboard: %s", err);
            continue;
        }
        ha_check_group(ha, &group);
        model_group_release(&group);
    }
    cJSON_Delete(groups);
    ha_untrack_unseen(ha);
    log_debug("round done: %d groups checked", checked);
}

/* Sleep 'seconds' or until a signal asks to stop. */
static void ha_sleep(double seconds)
{
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (!ha_stop && !ha_reopen && nanosleep(&ts, &ts) != 0 &&
           errno == EINTR) {
        continue;
    }
}

static int ha_usage_error(const char *fmt, const char *what)
{
    fprintf(stderr, "codis-ha: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\n%s", ha_usage_text);
    return 2;
}

int ha_main(int argc, char **argv)
{
    const char *config_file = NULL;
    const char *dashboard = NULL;
    const char *product = NULL;
    const char *log_file = NULL;
    const char *level_name = NULL;
    /* A master is failed over after ~9 s without an answer: longer than
     * a server may legitimately be busy (lua-time-limit is 5 s). Measured
     * under stress-ng --cpu 4 on a loaded 2-core machine: no PING of a
     * live master failed in 58 rounds; a kill -9 cost 7.9 s of writes
     * (1 s rounds: none failed in 170 rounds, 3.7 s of writes). */
    double interval = 3;
    long down_after = 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *end;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(ha_usage_text, stdout);
            return 0;
        } else if (strcmp(a, "-c") == 0 && i + 1 < argc) {
            config_file = argv[++i];
        } else if (strcmp(a, "-L") == 0 && i + 1 < argc) {
            log_file = argv[++i];
        } else if (strncmp(a, "--codis-config=", 15) == 0) {
            dashboard = a + 15;
        } else if (strncmp(a, "--productName=", 14) == 0) {
            product = a + 14;
        } else if (strncmp(a, "--log-level=", 12) == 0) {
            level_name = a + 12;
        } else if (strncmp(a, "--interval=", 11) == 0) {
            interval = strtod(a + 11, &end);
            if (*end != '\0' || !(interval > 0) || interval > 3600) {
                return ha_usage_error("bad interval '%s'", a + 11);
            }
        } else if (strncmp(a, "--down-after=", 13) == 0) {
            down_after = strtol(a + 13, &end, 10);
            if (*end != '\0' || down_after < 1 || down_after > 1000) {
                return ha_usage_error("bad down-after '%s'", a + 13);
            }
        } else {
            return ha_usage_error("unknown option '%s'", a);
        }
    }

    char err[512];
    if (log_init("ha", log_file, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-ha: %s\n", err);
        return 1;
    }
    if (level_name != NULL) {
        enum log_level level;
        if (log_parse_level(level_name, &level) != 0) {
            return ha_usage_error("bad log level '%s'", level_name);
        }
        log_set_level(level);
    }

    struct conf *conf = config_file != NULL
                            ? conf_load(config_file, err, sizeof(err))
                            : conf_new();
    if (conf == NULL) {
        log_error("%s", err);
        return 1;
    }
    struct model_config cfg;
    if (model_config_load(conf, &cfg, err, sizeof(err)) != 0) {
        log_error("%s", err);
        conf_free(conf);
        return 1;
    }
    conf_warn_unknown(conf, false);
    char userpass[3 * AUTH_TEXT_MAX];
    if (auth_client_credentials(cfg.dashboard_auth, userpass,
                                sizeof(userpass), err, sizeof(err)) != 0) {
        log_error("%s", err);
        conf_free(conf);
        return 1;
    }
    httpc_set_credentials(userpass);
    struct ha *ha = mem_calloc(1, sizeof(*ha));
    snprintf(ha->dashboard_addr, sizeof(ha->dashboard_addr), "%s",
             dashboard != NULL ? dashboard : cfg.dashboard_addr);
    snprintf(ha->product, sizeof(ha->product), "%s",
             product != NULL ? product : cfg.product);
    ha->password = cfg.password[0] != '\0' ? cfg.password : NULL;
    ha->interval = interval;
    ha->down_after = (int)down_after;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = ha_on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    log_info("watching product '%s' through dashboard '%s' every %.3gs",
             ha->product, ha->dashboard_addr, ha->interval);
    while (!ha_stop) {
        if (ha_reopen) {
            ha_reopen = 0;
            if (log_reopen() != 0) {
                log_error("cannot reopen log file: %s", strerror(errno));
            } else {
                log_info("log file reopened");
            }
        }
        ha_round(ha);
        ha_sleep(ha->interval);
    }
    log_info("stopping");
    mem_free(ha);
    conf_free(conf);
    log_close();
    return 0;
}
