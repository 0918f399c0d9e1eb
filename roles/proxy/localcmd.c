/* Commands answered by the proxy itself; see localcmd.h. Texts follow
 * Codis 2 (AUTH, SELECT) and Redis (PING, ECHO, COMMAND). */
#include "roles/proxy/localcmd.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "lib/auth.h"
#include "lib/slot.h"
#include "roles/proxy/cmdtable.h"
#include "roles/proxy/request.h"
#include "roles/proxy/session.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

/* True if argument 'a' is 'word', in any case. */
static bool localcmd_is(const char *buf, const struct resp_arg *a,
                        const char *word)
{
    size_t n = strlen(word);
    return a->len == n && strncasecmp(buf + a->off, word, n) == 0;
}

void localcmd_ping(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc)
{
    struct evbuffer *out = s->worker->scratch;
    if (argc > 2) {
        request_fail(r, "wrong number of arguments for 'ping' command");
        return;
    }
    if (argc == 2) {
        resp_add_bulk(out, buf + argv[1].off, argv[1].len);
    } else {
        resp_add_simple(out, "PONG");
    }
    request_reply_scratch(r);
}

void localcmd_echo(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc)
{
    resp_add_bulk(s->worker->scratch, buf + argv[1].off, argv[1].len);
    request_reply_scratch(r);
}

void localcmd_quit(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc)
{
    resp_add_simple(s->worker->scratch, "OK");
    request_reply_scratch(r);
    session_quit(s);
}

/* True if argument 'pw' of 'buf' is 'password': compared whole and in
 * constant time (NUL bytes in 'pw' fail too), the copy wiped after. */
static bool localcmd_password_ok(const char *password, const char *buf,
                                 const struct resp_arg *pw)
{
    char given[AUTH_TEXT_MAX];
    bool ok = pw->len < sizeof(given);
    if (ok) {
        memcpy(given, buf + pw->off, pw->len);
        given[pw->len] = '\0';
        ok = strlen(given) == pw->len && auth_equal(given, password);
        memset(given, 0, pw->len);
    }
    return ok;
}

void localcmd_auth(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc)
{
    const char *password = s->worker->cfg->session_auth;
    if (argc > 3) {
        request_fail(r, "wrong number of arguments for 'auth' command");
        return;
    }
    if (password == NULL) {
        request_fail(r, "Client sent AUTH, but no password is set");
        return;
    }
    /* AUTH default <password> is Redis 6's form of the same thing */
    if (argc == 3 && !localcmd_is(buf, &argv[1], "default")) {
        s->authed = false;
        request_fail(r, "WRONGPASS invalid username-password pair");
        return;
    }
    if (!localcmd_password_ok(password, buf, &argv[argc - 1])) {
        s->authed = false;
        request_fail(r, "invalid password");
        return;
    }
    s->authed = true;
    resp_add_simple(s->worker->scratch, "OK");
    request_reply_scratch(r);
}

/* HELLO [protover [AUTH user pass] [SETNAME name]], as Redis 7 answers it
 * for RESP2. RESP3 is not spoken yet: HELLO 3 gets -NOPROTO, on which
 * clients (ioredis, redis-py) fall back to RESP2. AUTH checks
 * session_auth for the default user (any password when none is set, as
 * Redis's nopass default user). */
void localcmd_hello(struct session *s, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc)
{
    long long proto;
    if (argc >= 2) {
        if (resp_parse_ll(buf + argv[1].off, argv[1].len, &proto) != 0) {
            request_fail(r, "Protocol version is not an integer or out of "
                            "range");
            return;
        }
        if (proto != 2) {
            request_fail(r, "NOPROTO unsupported protocol version");
            return;
        }
    }
    const struct resp_arg *user = NULL, *pass = NULL, *name = NULL;
    for (int i = 2; i < argc; i++) {
        int more = argc - i - 1;
        if (localcmd_is(buf, &argv[i], "auth") && more >= 2) {
            user = &argv[i + 1];
            pass = &argv[i + 2];
            i += 2;
        } else if (localcmd_is(buf, &argv[i], "setname") && more >= 1) {
            name = &argv[++i];
        } else {
            request_fail(r, "Syntax error in HELLO option '%.*s'",
                         (int)argv[i].len, buf + argv[i].off);
            return;
        }
    }
    if (user != NULL) {
        const char *password = s->worker->cfg->session_auth;
        if (!localcmd_is(buf, user, "default") ||
            (password != NULL && !localcmd_password_ok(password, buf, pass))) {
            request_fail(r, "WRONGPASS invalid username-password pair or "
                            "user is disabled.");
            return;
        }
        s->authed = true;
    }
    if (!s->authed) {
        request_fail(r, "NOAUTH HELLO must be called with the client already "
                        "authenticated, otherwise the HELLO AUTH <user> "
                        "<pass> option can be used to authenticate the "
                        "client and select the RESP protocol version at the "
                        "same time");
        return;
    }
    if (name != NULL && session_set_name(s, buf + name->off, name->len) != 0) {
        request_fail(r, "Client names cannot contain spaces, newlines or "
                        "special characters.");
        return;
    }
    struct evbuffer *out = s->worker->scratch;
    resp_add_array(out, 14);
    resp_add_bulk_str(out, "server");
    resp_add_bulk_str(out, "redis");
    resp_add_bulk_str(out, "version");
    resp_add_bulk_str(out, CMDSPEC_REDIS_VERSION);
    resp_add_bulk_str(out, "proto");
    resp_add_integer(out, 2);
    resp_add_bulk_str(out, "id");
    resp_add_integer(out, (long long)s->id);
    resp_add_bulk_str(out, "mode");
    resp_add_bulk_str(out, "standalone");
    resp_add_bulk_str(out, "role");
    resp_add_bulk_str(out, "master");
    resp_add_bulk_str(out, "modules");
    resp_add_array(out, 0);
    request_reply_scratch(r);
}

void localcmd_select(struct session *s, struct request *r, const char *buf,
                     const struct resp_arg *argv, int argc)
{
    long long db;
    if (resp_parse_ll(buf + argv[1].off, argv[1].len, &db) != 0) {
        request_fail(r, "value is not an integer or out of range");
        return;
    }
    if (db < 0 || db >= s->worker->cfg->backend_databases) {
        request_fail(r, "DB index is out of range");
        return;
    }
    s->db = (int)db;
    resp_add_simple(s->worker->scratch, "OK");
    request_reply_scratch(r);
}

void localcmd_info(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc)
{
    struct worker *me = s->worker;
    const struct worker_config *cfg = me->cfg;
    int n;
    struct worker **all = worker_all(&n);
    uint64_t sum[STATS_COUNT] = { 0 };
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < STATS_COUNT; k++) {
            sum[k] += stats_get(&all[i]->stats, (enum stats_id)k);
        }
    }
    uint64_t now = worker_now_ms(me);
    char text[2048];
    int len = snprintf(text, sizeof(text),
        "# Proxy\r\n"
        "proxy_id:%s\r\n"
        "process_id:%ld\r\n"
        "listen_addr:%s\r\n"
        "uptime_in_seconds:%llu\r\n"
        "threads:%d\r\n"
        "slot_table_version:%llu\r\n"
        "connected_clients:%llu\r\n"
        "total_connections_received:%llu\r\n"
        "total_commands_processed:%llu\r\n"
        "total_error_replies:%llu\r\n"
        "backend_failures:%llu\r\n",
        cfg->proxy_id ? cfg->proxy_id : "", (long)getpid(),
        cfg->addr ? cfg->addr : "",
        (unsigned long long)((now - cfg->start_ms) / 1000), cfg->nworkers,
        (unsigned long long)(me->map ? me->map->version : 0),
        (unsigned long long)sum[STATS_SESSIONS_ALIVE],
        (unsigned long long)sum[STATS_SESSIONS_TOTAL],
        (unsigned long long)sum[STATS_OPS],
        (unsigned long long)sum[STATS_ERRORS],
        (unsigned long long)sum[STATS_BACKEND_FAILURES]);
    if (len < 0 || (size_t)len >= sizeof(text)) {
        len = (int)strlen(text);
    }
    resp_add_bulk(me->scratch, text, (size_t)len);
    request_reply_scratch(r);
}

/* Append the COMMAND INFO entry of 'c' to 'out'. */
static void localcmd_command_entry(struct evbuffer *out,
                                   const struct cmdspec *c)
{
    bool movable = cmdspec_movable(c);
    resp_add_array(out, 6);
    resp_add_bulk_str(out, c->name);
    resp_add_integer(out, c->arity);
    resp_add_array(out, movable ? 1 : 0);
    if (movable) {
        resp_add_simple(out, "movablekeys");
    }
    resp_add_integer(out, movable ? 0 : c->first);
    resp_add_integer(out, movable ? 0 : c->last);
    resp_add_integer(out, movable ? 0 : c->step);
}

/* True for commands COMMAND lists: those the proxy serves. */
static bool localcmd_listed(const struct cmdspec *c)
{
    return c->route != CMDSPEC_ROUTE_REFUSED && c != &cmdtable_unknown;
}

void localcmd_command(struct session *s, struct request *r, const char *buf,
                      const struct resp_arg *argv, int argc)
{
    struct evbuffer *out = s->worker->scratch;
    size_t listed = 0;
    for (size_t i = 0; i < cmdspec_count; i++) {
        listed += localcmd_listed(&cmdspec_table[i]);
    }
    if (argc == 1) {
        resp_add_array(out, (long long)listed);
        for (size_t i = 0; i < cmdspec_count; i++) {
            if (localcmd_listed(&cmdspec_table[i])) {
                localcmd_command_entry(out, &cmdspec_table[i]);
            }
        }
    } else if (localcmd_is(buf, &argv[1], "COUNT") && argc == 2) {
        resp_add_integer(out, (long long)listed);
    } else if (localcmd_is(buf, &argv[1], "INFO")) {
        resp_add_array(out, argc - 2);
        for (int i = 2; i < argc; i++) {
            const struct cmdspec *c =
                cmdtable_lookup(buf + argv[i].off, argv[i].len);
            if (localcmd_listed(c)) {
                localcmd_command_entry(out, c);
            } else {
                resp_add_null_array(out);
            }
        }
    } else if (localcmd_is(buf, &argv[1], "DOCS")) {
        resp_add_array(out, 0);
    } else {
        request_fail(r, "unknown subcommand '%.*s'. Try COMMAND HELP.",
                     (int)(argv[1].len > 64 ? 64 : argv[1].len),
                     buf + argv[1].off);
        return;
    }
    request_reply_scratch(r);
}

void localcmd_slotshashkey(struct session *s, struct request *r,
                           const char *buf, const struct resp_arg *argv,
                           int argc)
{
    struct evbuffer *out = s->worker->scratch;
    resp_add_array(out, argc - 1);
    for (int i = 1; i < argc; i++) {
        resp_add_integer(out, slot_of_key(buf + argv[i].off, argv[i].len));
    }
    request_reply_scratch(r);
}
