/* Commands answered by the proxy itself; see localcmd.h. Texts follow
 * Codis 2 (AUTH, SELECT) and Redis (PING, ECHO, COMMAND). */
#include "roles/proxy/localcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "lib/auth.h"
#include "lib/slot.h"
#include "roles/proxy/cmdtable.h"
#include "roles/proxy/fanout.h"
#include "roles/proxy/proxysub.h"
#include "roles/proxy/pin.h"
#include "roles/proxy/router.h"
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
    if (proxysub_active(s) && s->proto == 2) {
        /* subscribed mode answers as a pushed pair (Redis, RESP2) */
        resp_add_array(out, 2);
        resp_add_bulk_str(out, "pong");
        resp_add_bulk(out, argc == 2 ? buf + argv[1].off : "",
                      argc == 2 ? argv[1].len : 0);
    } else if (argc == 2) {
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
    const char *admin = s->worker->cfg->admin_auth;
    if (argc == 3 && admin != NULL && localcmd_is(buf, &argv[1], "admin")) {
        /* the admin user: CONFIG SET / RESETSTAT to every master */
        if (!localcmd_password_ok(admin, buf, &argv[2])) {
            s->authed = s->admin = false;
            request_fail(r, "WRONGPASS invalid username-password pair");
            return;
        }
        s->authed = s->admin = true;
        resp_add_simple(s->worker->scratch, "OK");
        request_reply_scratch(r);
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
        s->authed = s->admin = false;
        request_fail(r, "invalid password");
        return;
    }
    s->authed = true;
    s->admin = false;
    resp_add_simple(s->worker->scratch, "OK");
    request_reply_scratch(r);
}

/* HELLO [protover [AUTH user pass] [SETNAME name]], as Redis 7 answers it:
 * protover 2 or 3 switches the session's protocol (backend.c forwards its
 * requests on connections speaking that version), and the reply, a map
 * under RESP3, is in the new one. AUTH checks session_auth for the
 * default user (any password when none is set, as Redis's nopass
 * default user). */
void localcmd_hello(struct session *s, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc)
{
    long long proto = s->proto;
    if (argc >= 2) {
        if (resp_parse_ll(buf + argv[1].off, argv[1].len, &proto) != 0) {
            request_fail(r, "Protocol version is not an integer or out of "
                            "range");
            return;
        }
        if (proto != 2 && proto != 3) {
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
    s->proto = (int)proto;
    struct evbuffer *out = s->worker->scratch;
    resp_add_header(out, RESP_MAP, 7, s->proto);
    resp_add_bulk_str(out, "server");
    resp_add_bulk_str(out, "redis");
    resp_add_bulk_str(out, "version");
    resp_add_bulk_str(out, CMDSPEC_REDIS_VERSION);
    resp_add_bulk_str(out, "proto");
    resp_add_integer(out, s->proto);
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
                resp_add_null_proto(out, RESP_ARRAY, s->proto);
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

/* RANDOMKEY: a key of a random master among those that have keys. */
static void localcmd_merge_randomkey(struct request *r, struct pbuf *out)
{
    if (fanout_merge_error(r, out)) {
        return;
    }
    static __thread unsigned seed;
    if (seed == 0) {
        seed = (unsigned)worker_usec() | 1;
    }
    size_t have = 0;
    for (struct request *sub = r->first_sub; sub; sub = sub->next) {
        size_t len;
        have += fanout_bulk(pbuf_head(&sub->reply), pbuf_size(&sub->reply),
                            &len) != NULL;
    }
    if (have == 0) {
        char null[RESP_ENC_MAX];
        pbuf_append(out, null, resp_enc_null(null, RESP_BULK, r->proto));
        return;
    }
    size_t pick = (size_t)rand_r(&seed) % have;
    for (struct request *sub = r->first_sub; sub; sub = sub->next) {
        size_t len;
        if (fanout_bulk(pbuf_head(&sub->reply), pbuf_size(&sub->reply),
                        &len) != NULL && pick-- == 0) {
            pbuf_append(out, pbuf_head(&sub->reply), pbuf_size(&sub->reply));
            return;
        }
    }
}

void localcmd_randomkey(struct session *s, struct request *r,
                        const char *buf, const struct resp_arg *argv,
                        int argc)
{
    struct worker *w = s->worker;
    fanout_encode(w, NULL, buf, argv, argc);
    fanout_send(w, r, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf), false,
                localcmd_merge_randomkey);
}

void localcmd_flush(struct session *s, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc)
{
    struct worker *w = s->worker;
    if (!w->cfg->allow_flush) {
        char upper[32];
        request_fail(r, "handle request, command '%s' is not allowed: "
                     "proxy_allow_flush is false",
                     cmdtable_upper(r->cmd, upper, sizeof(upper)));
        return;
    }
    fanout_encode(w, NULL, buf, argv, argc);
    fanout_send(w, r, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf), false,
                fanout_merge_first);
}

/* CONFIG GET (and HELP) from one master; CONFIG SET and RESETSTAT to
 * every master, for an admin session only; the rest refused. */
void localcmd_config(struct session *s, struct request *r, const char *buf,
                     const struct resp_arg *argv, int argc)
{
    struct worker *w = s->worker;
    bool one = localcmd_is(buf, &argv[1], "get") ||
               localcmd_is(buf, &argv[1], "help");
    bool all = localcmd_is(buf, &argv[1], "set") ||
               localcmd_is(buf, &argv[1], "resetstat");
    if (!one && !all) {
        request_fail(r, "handle request, CONFIG %.*s is not allowed through "
                     "the proxy", (int)(argv[1].len > 32 ? 32 : argv[1].len),
                     buf + argv[1].off);
        return;
    }
    if (all && !s->admin) {
        request_fail(r, "NOPERM CONFIG SET and RESETSTAT need an admin "
                     "session: AUTH admin <proxy_admin_auth>");
        return;
    }
    fanout_encode(w, NULL, buf, argv, argc);
    fanout_send(w, r, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf), one,
                fanout_merge_first);
}

void localcmd_slotsscan(struct session *s, struct request *r,
                        const char *buf, const struct resp_arg *argv,
                        int argc)
{
    struct worker *w = s->worker;
    long long slot;
    if (resp_parse_ll(buf + argv[1].off, argv[1].len, &slot) != 0 ||
        slot < 0 || slot >= SLOT_COUNT) {
        request_fail(r, "invalid slot number");
        return;
    }
    fanout_encode(w, NULL, buf, argv, argc);
    router_forward(w, r, (unsigned)slot, pbuf_head(&w->cmdbuf),
                   pbuf_size(&w->cmdbuf), buf, argv, NULL, 0);
}

/* True if the key pattern 'p' ('n' bytes) of SORT BY/GET stays in slot
 * 'slot': it has no '*' (it names no other key: "nosort", "#"), or its
 * key part (before "->") carries a {tag} of that slot before any '*'. */
static bool localcmd_sort_pattern_ok(const char *p, size_t n, unsigned slot)
{
    const char *arrow = NULL;
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] == '-' && p[i + 1] == '>') {
            arrow = p + i;
        }
    }
    size_t klen = arrow != NULL ? (size_t)(arrow - p) : n;
    if (memchr(p, '*', klen) == NULL) {
        return true;
    }
    const char *open = memchr(p, '{', klen);
    if (open == NULL) {
        return false;
    }
    size_t rest = klen - (size_t)(open - p) - 1;
    const char *close = memchr(open + 1, '}', rest);
    const char *star = memchr(p, '*', klen);
    if (close == NULL || close == open + 1 || star < close) {
        return false;
    }
    return slot_of_key(p, klen) == slot;
}

void localcmd_sort(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc)
{
    struct worker *w = s->worker;
    unsigned slot = slot_of_key(buf + argv[1].off, argv[1].len);
    for (int i = 2; i + 1 < argc; i++) {
        if ((localcmd_is(buf, &argv[i], "by") ||
             localcmd_is(buf, &argv[i], "get")) &&
            !localcmd_sort_pattern_ok(buf + argv[i + 1].off,
                                      argv[i + 1].len, slot)) {
            request_fail(r, "handle request, SORT pattern '%.*s' must carry "
                         "the key's {hash tag} before any '*' so that the "
                         "keys it names are in the key's slot",
                         (int)(argv[i + 1].len > 64 ? 64 : argv[i + 1].len),
                         buf + argv[i + 1].off);
            return;
        }
        if (localcmd_is(buf, &argv[i], "by") ||
            localcmd_is(buf, &argv[i], "get") ||
            localcmd_is(buf, &argv[i], "store")) {
            i++;
        } else if (localcmd_is(buf, &argv[i], "limit")) {
            i += 2;
        }
    }
    int *keys = worker_keys(w, (size_t)argc);
    int nkeys = cmdtable_keys(r->cmd, buf, argv, argc, keys);
    for (int i = 1; i < nkeys; i++) {
        if (slot_of_key(buf + argv[keys[i]].off, argv[keys[i]].len) !=
            slot) {
            request_fail(r, "handle request, keys of 'SORT' must all hash "
                         "to one slot (use a {hash tag})");
            return;
        }
    }
    fanout_encode(w, NULL, buf, argv, argc);
    router_forward(w, r, slot, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf),
                   buf, argv, keys, nkeys < 0 ? 0 : nkeys);
}

/* RESET: back to a new connection's state (db 0, RESP2, no name, no
 * subscriptions, not authenticated when a password is set). */
void localcmd_reset(struct session *s, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc)
{
    s->db = 0;
    s->proto = 2;
    session_set_name(s, "", 0);
    s->authed = (s->worker->cfg->session_auth == NULL);
    s->admin = false;
    if (s->pin != NULL && !pin_busy(s)) {
        pin_free(s); /* RESET discards a transaction and unwatches */
    }
    proxysub_reset_command(s, r);
}
