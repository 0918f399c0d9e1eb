/* Codis 3.2 TOML <-> config.ini; see conf_toml.h. One table lists every
 * Codis 3.2 key (release 3.2.2's --default-config, plus the 3.0/3.1
 * session_max_* names), what it becomes here and why not when it
 * becomes nothing. */
#include "lib/conf_toml.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/conf.h"
#include "lib/mem.h"
#include "lib/toml.h"

/* How a value is read and what config.ini gets. */
enum conf_toml_kind {
    CT_STRING,  /* a TOML string, copied */
    CT_INT,     /* a non-negative TOML integer */
    CT_BOOL,    /* true or false */
    CT_SECONDS, /* a duration ("5s", or an integer of seconds) -> seconds */
    CT_SIZE,    /* a size ("128kb", or an integer of bytes) -> bytes */
    CT_ADDR,    /* admin_addr: dashboard_addr or proxy_http_addr */
};

/* Which file a key comes from; a file with any proxy key is a proxy's. */
enum conf_toml_file {
    CT_PROXY,
    CT_DASHBOARD,
    CT_BOTH,
};

/* One Codis 3.2 key.
 *   name   the key in proxy.toml / dashboard.toml
 *   ini    the config.ini key it becomes; NULL: none (ignored here)
 *   kind   how its value is read (above)
 *   file   which file has it
 *   quiet  for an ignored key, the value (as in the file; "*": any) with
 *          which ignoring it changes nothing, so it is not warned about
 *   note   for an ignored key, why (the warning's end) */
struct conf_toml_key {
    const char *name;
    const char *ini;
    enum conf_toml_kind kind;
    enum conf_toml_file file;
    const char *quiet;
    const char *note;
};

#define CT_JODIS "proxies register in the coordinator at Codis 2's path " \
                 "(/zk/codis/db_<product>/proxy), as jodis_compatible = true"
#define CT_NOEQ "no equivalent here"
#define CT_SENTINEL "failover is codis ha's here, not Redis Sentinel's"
#define CT_METRICS "metrics are served at the proxy's /metrics and " \
                   "/debug/vars instead"

/* The order matters for config.ini -> TOML: the first key with a given
 * 'ini' is the name written. */
static const struct conf_toml_key conf_toml_keys[] = {
    { "product_name", "product", CT_STRING, CT_BOTH, NULL, NULL },
    { "product_auth", "product_auth", CT_STRING, CT_BOTH, NULL, NULL },
    { "session_auth", "session_auth", CT_STRING, CT_PROXY, NULL, NULL },
    { "coordinator_name", "coordinator", CT_STRING, CT_BOTH, NULL, NULL },
    { "coordinator_addr", "zk", CT_STRING, CT_BOTH, NULL, NULL },
    { "coordinator_auth", NULL, CT_STRING, CT_BOTH, "",
      "ZooKeeper ACLs are not supported" },
    { "admin_addr", NULL, CT_ADDR, CT_BOTH, NULL, NULL },
    { "proto_type", "proto", CT_STRING, CT_PROXY, NULL, NULL },
    { "proxy_addr", "proxy_addr", CT_STRING, CT_PROXY, NULL, NULL },
    { "jodis_name", NULL, CT_STRING, CT_PROXY, "", CT_JODIS },
    { "jodis_addr", NULL, CT_STRING, CT_PROXY, "", CT_JODIS },
    { "jodis_auth", NULL, CT_STRING, CT_PROXY, "",
      "ZooKeeper ACLs are not supported" },
    { "jodis_timeout", NULL, CT_SECONDS, CT_PROXY, "*", CT_JODIS },
    { "jodis_compatible", NULL, CT_BOOL, CT_PROXY, "*", CT_JODIS },
    { "proxy_datacenter", NULL, CT_STRING, CT_PROXY, "",
      "reads never go to replica groups here" },
    { "proxy_max_clients", NULL, CT_INT, CT_PROXY, "1000",
      "the proxy does not limit its clients" },
    { "proxy_max_offheap_size", NULL, CT_SIZE, CT_PROXY, "*", CT_NOEQ },
    { "proxy_heap_placeholder", NULL, CT_SIZE, CT_PROXY, "*", CT_NOEQ },
    { "backend_ping_period", "backend_ping_period", CT_SECONDS, CT_PROXY,
      NULL, NULL },
    { "backend_recv_bufsize", NULL, CT_SIZE, CT_PROXY, "128kb", CT_NOEQ },
    { "backend_recv_timeout", NULL, CT_SECONDS, CT_PROXY, "30s", CT_NOEQ },
    { "backend_send_bufsize", NULL, CT_SIZE, CT_PROXY, "128kb", CT_NOEQ },
    { "backend_send_timeout", NULL, CT_SECONDS, CT_PROXY, "30s", CT_NOEQ },
    { "backend_max_pipeline", NULL, CT_INT, CT_PROXY, "20480", CT_NOEQ },
    { "backend_primary_only", NULL, CT_BOOL, CT_PROXY, "*",
      "reads always go to the group's master here" },
    { "backend_primary_parallel", NULL, CT_INT, CT_PROXY, "1",
      "one connection per server and worker (--cpu) here" },
    { "backend_replica_parallel", NULL, CT_INT, CT_PROXY, "*",
      "reads always go to the group's master here" },
    { "backend_keepalive_period", NULL, CT_SECONDS, CT_PROXY, "75s",
      CT_NOEQ },
    { "backend_number_databases", "backend_number_databases", CT_INT,
      CT_PROXY, NULL, NULL },
    { "session_recv_bufsize", NULL, CT_SIZE, CT_PROXY, "128kb",
      "a client's largest request is session_max_request (512 MB)" },
    { "session_recv_timeout", "session_max_timeout", CT_SECONDS, CT_PROXY,
      NULL, NULL },
    { "session_max_timeout", "session_max_timeout", CT_SECONDS, CT_PROXY,
      NULL, NULL },
    { "session_max_bufsize", "session_max_bufsize", CT_SIZE, CT_PROXY, NULL,
      NULL },
    { "session_send_bufsize", NULL, CT_SIZE, CT_PROXY, "64kb", CT_NOEQ },
    { "session_send_timeout", NULL, CT_SECONDS, CT_PROXY, "30s", CT_NOEQ },
    { "session_max_pipeline", "session_max_pipeline", CT_INT, CT_PROXY, NULL,
      NULL },
    { "session_keepalive_period", NULL, CT_SECONDS, CT_PROXY, "75s",
      CT_NOEQ },
    { "session_break_on_failure", NULL, CT_BOOL, CT_PROXY, "false",
      "a failed backend is always an error reply here" },
    { "metrics_report_server", NULL, CT_STRING, CT_PROXY, "", CT_METRICS },
    { "metrics_report_period", NULL, CT_SECONDS, CT_PROXY, "*", CT_METRICS },
    { "metrics_report_influxdb_server", NULL, CT_STRING, CT_PROXY, "",
      CT_METRICS },
    { "metrics_report_influxdb_period", NULL, CT_SECONDS, CT_PROXY, "*",
      CT_METRICS },
    { "metrics_report_influxdb_username", NULL, CT_STRING, CT_PROXY, "*",
      CT_METRICS },
    { "metrics_report_influxdb_password", NULL, CT_STRING, CT_PROXY, "*",
      CT_METRICS },
    { "metrics_report_influxdb_database", NULL, CT_STRING, CT_PROXY, "*",
      CT_METRICS },
    { "metrics_report_statsd_server", NULL, CT_STRING, CT_PROXY, "",
      CT_METRICS },
    { "metrics_report_statsd_period", NULL, CT_SECONDS, CT_PROXY, "*",
      CT_METRICS },
    { "metrics_report_statsd_prefix", NULL, CT_STRING, CT_PROXY, "*",
      CT_METRICS },
    { "migration_method", "migration_method", CT_STRING, CT_DASHBOARD,
      NULL, NULL },
    { "migration_parallel_slots", "migration_parallel_slots", CT_INT,
      CT_DASHBOARD, NULL, NULL },
    { "migration_async_maxbulks", "migration_async_maxbulks", CT_INT,
      CT_DASHBOARD, NULL, NULL },
    { "migration_async_maxbytes", "migration_async_maxbytes", CT_SIZE,
      CT_DASHBOARD, NULL, NULL },
    { "migration_async_numkeys", "migration_async_numkeys", CT_INT,
      CT_DASHBOARD, NULL, NULL },
    { "migration_timeout", "migration_timeout", CT_SECONDS, CT_DASHBOARD,
      NULL, NULL },
    { "sentinel_client_timeout", NULL, CT_SECONDS, CT_DASHBOARD, "*",
      CT_SENTINEL },
    { "sentinel_quorum", NULL, CT_INT, CT_DASHBOARD, "*", CT_SENTINEL },
    { "sentinel_parallel_syncs", NULL, CT_INT, CT_DASHBOARD, "*",
      CT_SENTINEL },
    { "sentinel_down_after", NULL, CT_SECONDS, CT_DASHBOARD, "*",
      CT_SENTINEL },
    { "sentinel_failover_timeout", NULL, CT_SECONDS, CT_DASHBOARD, "*",
      CT_SENTINEL },
    { "sentinel_notification_script", NULL, CT_STRING, CT_DASHBOARD, "",
      CT_SENTINEL },
    { "sentinel_client_reconfig_script", NULL, CT_STRING, CT_DASHBOARD, "",
      CT_SENTINEL },
    { NULL, NULL, CT_STRING, CT_BOTH, NULL, NULL },
};

static const struct conf_toml_key *conf_toml_find(const char *name)
{
    for (const struct conf_toml_key *k = conf_toml_keys; k->name; k++) {
        if (strcmp(k->name, name) == 0) {
            return k;
        }
    }
    return NULL;
}

int conf_toml_duration_ms(const char *s, long long *ms)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {
        { "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 }, { "ms", 1 },
        { "s", 1e3 }, { "m", 60e3 }, { "h", 3600e3 }, { NULL, 0 },
    };
    if (strcmp(s, "0") == 0) {
        *ms = 0;
        return 0;
    }
    if (*s == '\0') {
        return -1;
    }
    double total = 0;
    while (*s != '\0') {
        if (!isdigit((unsigned char)*s) && *s != '.') {
            return -1;
        }
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || errno != 0 || v < 0) {
            return -1;
        }
        s = end;
        size_t best = 0;
        double mult = 0;
        for (size_t i = 0; units[i].unit != NULL; i++) {
            size_t n = strlen(units[i].unit);
            if (strncmp(s, units[i].unit, n) == 0 && n > best) {
                best = n;
                mult = units[i].ms;
            }
        }
        if (best == 0) {
            return -1;
        }
        s += best;
        total += v * mult;
    }
    if (total > 1e15) {
        return -1;
    }
    *ms = (long long)(total + 0.5);
    return 0;
}

int conf_toml_size(const char *s, long long *bytes)
{
    static const char *units[] = { "b", "kb", "mb", "gb", "tb", NULL };
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s)) {
        return -1;
    }
    long long v = strtoll(s, &end, 10);
    if (errno != 0) {
        return -1;
    }
    if (*end == '\0') {
        *bytes = v;
        return 0;
    }
    long long mult = 1;
    for (size_t i = 0; units[i] != NULL; i++, mult *= 1024) {
        if (strcasecmp(end, units[i]) == 0) {
            if (v > (long long)(9e18 / (double)mult)) {
                return -1;
            }
            *bytes = v * mult;
            return 0;
        }
    }
    return -1;
}

/* This host's name when it resolves, else 127.0.0.1: what "0.0.0.0" in a
 * listen address becomes for others to connect to, as Codis 3.2 does. */
static void conf_toml_local_host(char *out, size_t outlen)
{
    char name[256];
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if (gethostname(name, sizeof(name)) == 0 && name[0] != '\0' &&
        getaddrinfo(name, NULL, &hints, &res) == 0) {
        freeaddrinfo(res);
        snprintf(out, outlen, "%.*s", (int)sizeof(name), name);
        return;
    }
    snprintf(out, outlen, "127.0.0.1");
}

/* An error about 'it': the file, its line and key, then 'what'. */
static void conf_toml_bad(char *err, size_t errlen, const char *path,
                          const struct toml_item *it, const char *what)
{
    snprintf(err, errlen, "'%s' line %d: '%s' must be %s, not '%s'", path,
             it->line, it->key, what, it->text);
}

/* The value of 'it' read as 'kind', as config.ini text into 'out' (also
 * the number in '*num' for CT_SECONDS and CT_SIZE). 'exact_seconds':
 * a duration must be whole seconds. Returns 0 or -1 with 'err'. */
static int conf_toml_value(const char *path, const struct toml_item *it,
                           enum conf_toml_kind kind, bool exact_seconds,
                           char *out, size_t outlen, long long *num,
                           char *err, size_t errlen)
{
    long long v = 0;
    *num = 0;
    switch (kind) {
    case CT_STRING:
    case CT_ADDR:
        if (it->type != TOML_STRING) {
            conf_toml_bad(err, errlen, path, it, "a string (in quotes)");
            return -1;
        }
        if (strchr(it->text, '\n') != NULL) {
            conf_toml_bad(err, errlen, path, it, "one line");
            return -1;
        }
        break;
    case CT_INT:
        if (it->type != TOML_INTEGER || it->text[0] == '-') {
            conf_toml_bad(err, errlen, path, it, "a non-negative integer");
            return -1;
        }
        break;
    case CT_BOOL:
        if (it->type != TOML_BOOLEAN) {
            conf_toml_bad(err, errlen, path, it, "true or false");
            return -1;
        }
        break;
    case CT_SECONDS:
        if (it->type == TOML_INTEGER && it->text[0] != '-') {
            v = strtoll(it->text, NULL, 10) * 1000;
        } else if (it->type != TOML_STRING ||
                   conf_toml_duration_ms(it->text, &v) != 0) {
            conf_toml_bad(err, errlen, path, it,
                          "a duration like \"5s\" or \"30m\"");
            return -1;
        }
        if (exact_seconds && v % 1000 != 0) {
            conf_toml_bad(err, errlen, path, it, "whole seconds here");
            return -1;
        }
        *num = v;
        snprintf(out, outlen, "%lld", v / 1000);
        return 0;
    case CT_SIZE:
        if ((it->type != TOML_STRING && it->type != TOML_INTEGER) ||
            conf_toml_size(it->text, &v) != 0) {
            conf_toml_bad(err, errlen, path, it, "a size like \"128kb\"");
            return -1;
        }
        *num = v;
        snprintf(out, outlen, "%lld", v);
        return 0;
    }
    snprintf(out, outlen, "%s", it->text);
    return 0;
}

/* Is the value of 'it' (read as 'k', number 'num') one with which
 * ignoring the key changes nothing? */
static bool conf_toml_quiet(const struct conf_toml_key *k,
                            const struct toml_item *it, long long num)
{
    if (k->quiet == NULL) {
        return false;
    }
    if (strcmp(k->quiet, "*") == 0) {
        return true;
    }
    long long q;
    if (k->kind == CT_SECONDS) {
        return conf_toml_duration_ms(k->quiet, &q) == 0 && q == num;
    }
    if (k->kind == CT_SIZE) {
        return conf_toml_size(k->quiet, &q) == 0 && q == num;
    }
    return strcmp(k->quiet, it->text) == 0;
}

/* admin_addr of a dashboard as dashboard_addr: an unspecified host
 * becomes one others can reach. */
static void conf_toml_dashboard_addr(const char *admin, char *out,
                                     size_t outlen)
{
    const char *colon = strrchr(admin, ':');
    if (colon == NULL) {
        snprintf(out, outlen, "%s", admin);
        return;
    }
    size_t hlen = (size_t)(colon - admin);
    bool unspecified = hlen == 0 || strncmp(admin, "0.0.0.0", hlen) == 0 ||
                       strncmp(admin, "[::]", hlen) == 0;
    if (!unspecified) {
        snprintf(out, outlen, "%s", admin);
        return;
    }
    char host[256];
    conf_toml_local_host(host, sizeof(host));
    snprintf(out, outlen, "%s%s", host, colon);
}

/* A proxy_id for a proxy.toml that has none (Codis 3.2 names proxies by
 * a token): "<host>_<port of proxy_addr>". */
static void conf_toml_proxy_id(const char *proxy_addr, char *out,
                               size_t outlen)
{
    char host[256];
    conf_toml_local_host(host, sizeof(host));
    for (char *p = host; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.') {
            *p = '_';
        }
    }
    const char *colon = strrchr(proxy_addr, ':');
    snprintf(out, outlen, "%s_%s", host, colon != NULL ? colon + 1 : "19000");
}

struct conf *conf_toml_load(const char *path, char *err, size_t errlen)
{
    struct toml *doc = toml_load(path, err, errlen);
    if (doc == NULL) {
        return NULL;
    }
    bool proxy = false;
    const char *proxy_addr = "0.0.0.0:19000";
    bool has_id = false;
    for (size_t i = 0; i < doc->count; i++) {
        const struct conf_toml_key *k = conf_toml_find(doc->items[i].key);
        proxy = proxy || (k != NULL && k->file == CT_PROXY);
        if (strcmp(doc->items[i].key, "proxy_addr") == 0) {
            proxy_addr = doc->items[i].text;
        }
        has_id = has_id || strcmp(doc->items[i].key, "proxy_id") == 0;
    }
    struct conf *conf = conf_new();
    conf->path = mem_strdup(path);
    for (size_t i = 0; i < doc->count; i++) {
        const struct toml_item *it = &doc->items[i];
        const struct conf_toml_key *k = conf_toml_find(it->key);
        if (k == NULL) {
            /* a config.ini key written in TOML, or a typo to warn of */
            conf_add(conf, it->key, it->text, it->line);
            continue;
        }
        char value[1024];
        long long num;
        struct conf_entry *e;
        if (conf_toml_value(path, it, k->kind, k->ini != NULL, value,
                            sizeof(value), &num, err, errlen) != 0) {
            conf_free(conf);
            toml_free(doc);
            return NULL;
        }
        const char *ini = k->ini;
        char addr[1024];
        if (k->kind == CT_ADDR) {
            ini = proxy ? "proxy_http_addr" : "dashboard_addr";
            if (!proxy) {
                /* where the dashboard listens, as written; then where
                 * others reach it */
                e = conf_add(conf, "dashboard_listen_addr", value, it->line);
                e->source_key = mem_strdup(it->key);
                conf_toml_dashboard_addr(value, addr, sizeof(addr));
                snprintf(value, sizeof(value), "%s", addr);
            }
        }
        if (ini != NULL) {
            e = conf_add(conf, ini, value, it->line);
            /* an empty string is every key's default here (no password,
             * no address): never worth a warning */
            e->used = value[0] == '\0';
        } else {
            e = conf_add(conf, it->key, it->text, it->line);
            e->note = k->note;
            e->used = conf_toml_quiet(k, it, num);
        }
        if (strcmp(e->key, it->key) != 0) {
            e->source_key = mem_strdup(it->key);
        }
    }
    if (proxy && !has_id) {
        char id[300];
        conf_toml_proxy_id(proxy_addr, id, sizeof(id));
        conf_add(conf, "proxy_id", id, 0);
    }
    toml_free(doc);
    return conf;
}

/* Write 'seconds' as a Go duration, in the largest unit that divides. */
static void conf_toml_write_seconds(FILE *out, long long seconds)
{
    if (seconds != 0 && seconds % 3600 == 0) {
        fprintf(out, "\"%lldh\"", seconds / 3600);
    } else if (seconds != 0 && seconds % 60 == 0) {
        fprintf(out, "\"%lldm\"", seconds / 60);
    } else {
        fprintf(out, "\"%llds\"", seconds);
    }
}

/* Is 's' a plain decimal integer (written bare in TOML)? */
static bool conf_toml_is_int(const char *s)
{
    if (*s == '\0' || (s[0] == '0' && s[1] != '\0')) {
        return false;
    }
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s)) {
            return false;
        }
    }
    return true;
}

/* The Codis 3.2 key that config.ini key 'ini' is written as, or NULL. */
static const struct conf_toml_key *conf_toml_reverse(const char *ini)
{
    for (const struct conf_toml_key *t = conf_toml_keys; t->name; t++) {
        if (t->ini != NULL && strcmp(t->ini, ini) == 0) {
            return t;
        }
    }
    return NULL;
}

/* Write one "key = value" line of a config.ini entry as TOML. 'admin':
 * the config.ini key written as admin_addr (a proxy's proxy_http_addr, a
 * dashboard's dashboard_listen_addr or else dashboard_addr), as
 * conf_toml_load reads it back. */
static void conf_toml_write_entry(FILE *out, const struct conf_entry *e,
                                  const char *admin)
{
    const struct conf_toml_key *k = conf_toml_reverse(e->key);
    if (strcmp(e->key, admin) == 0) {
        fputs("admin_addr = ", out);
        toml_write_string(out, e->value);
        fputc('\n', out);
        return;
    }
    if (k != NULL && k->kind == CT_SECONDS && conf_toml_is_int(e->value)) {
        fprintf(out, "%s = ", k->name);
        conf_toml_write_seconds(out, strtoll(e->value, NULL, 10));
        fputc('\n', out);
        return;
    }
    fprintf(out, "%s = ", k != NULL ? k->name : e->key);
    if (conf_toml_is_int(e->value) && (k == NULL || k->kind != CT_STRING)) {
        fputs(e->value, out);
    } else {
        toml_write_string(out, e->value);
    }
    fputc('\n', out);
}

int conf_toml_convert(const char *path, FILE *out, char *err, size_t errlen)
{
    struct conf *conf = conf_load(path, err, errlen);
    if (conf == NULL) {
        return -1;
    }
    bool from_toml = false;
    for (size_t i = 0; i < conf->count && !from_toml; i++) {
        from_toml = conf->items[i].source_key != NULL ||
                    conf->items[i].note != NULL;
    }
    size_t plen = strlen(path);
    from_toml = from_toml ||
                (plen > 5 && strcmp(path + plen - 5, ".toml") == 0);
    if (from_toml) {
        fprintf(out, "# config.ini converted from '%s' (Codis 3.2 TOML)\n",
                path);
        for (size_t i = 0; i < conf->count; i++) {
            const struct conf_entry *e = &conf->items[i];
            if (e->note != NULL) {
                fprintf(out, "# %s = %s (Codis 3.2 key, ignored: %s)\n",
                        e->key, e->value, e->note);
            } else if (e->line == 0) {
                fprintf(out, "# proxy_id: Codis 3.2 has none; derived from "
                             "the host and proxy_addr\n%s=%s\n",
                        e->key, e->value);
            } else {
                fprintf(out, "%s=%s\n", e->key, e->value);
            }
        }
    } else {
        fprintf(out, "# Codis 3.2 TOML converted from '%s' (config.ini); "
                     "keys Codis 3.2 lacks keep their names\n", path);
        bool proxy = false;
        bool listen = false;
        for (size_t i = 0; i < conf->count; i++) {
            const struct conf_toml_key *k =
                conf_toml_reverse(conf->items[i].key);
            proxy = proxy || (k != NULL && k->file == CT_PROXY);
            listen = listen || strcmp(conf->items[i].key,
                                      "dashboard_listen_addr") == 0;
        }
        const char *admin = proxy    ? "proxy_http_addr"
                            : listen ? "dashboard_listen_addr"
                                     : "dashboard_addr";
        for (size_t i = 0; i < conf->count; i++) {
            const struct conf_entry *e = &conf->items[i];
            if (strcmp(e->key, "password") == 0) {
                /* Codis 2's one password is both of Codis 3.2's */
                fputs("product_auth = ", out);
                toml_write_string(out, e->value);
                fputs("\nsession_auth = ", out);
                toml_write_string(out, e->value);
                fputc('\n', out);
            } else {
                conf_toml_write_entry(out, e, admin);
            }
        }
    }
    if (ferror(out)) {
        snprintf(err, errlen, "cannot write the converted file: %s",
                 strerror(errno));
        conf_free(conf);
        return -1;
    }
    conf_free(conf);
    return 0;
}
