/* The CLIENT command and RESET: listing and killing connections, names,
 * CLIENT PAUSE/UNPAUSE, REPLY ON|OFF|SKIP, NO-EVICT, UNBLOCK, and the
 * client-side caching subcommands (TRACKING, CACHING, GETREDIR,
 * TRACKINGINFO), whose work is in tracking.c. Not here: the connection
 * itself (networking.c). Entry points: cmd_client, cmd_reset. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/mem.h"
#include "redis/server.h"

/* ------------------------------------------------------------------------
 * CLIENT LIST / INFO */

/* Redis's flag letters of 'c', in Redis's order; N for none. */
static void client_flag_letters(const struct client *c, char *out)
{
    size_t n = 0;
    if (c->flags & CLIENT_SLAVE) {
        out[n++] = 'S';
    }
    if (c->flags & CLIENT_MASTER) {
        out[n++] = 'M';
    }
    if (c->flags & CLIENT_PUBSUB) {
        out[n++] = 'P';
    }
    if (c->flags & CLIENT_MULTI) {
        out[n++] = 'x';
    }
    if (c->flags & CLIENT_BLOCKED) {
        out[n++] = 'b';
    }
    n += tracking_flag_letters(c, out + n);
    if (c->flags & CLIENT_DIRTY_CAS) {
        out[n++] = 'd';
    }
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) {
        out[n++] = 'c';
    }
    if (c->flags & CLIENT_CLOSE_ASAP) {
        out[n++] = 'A';
    }
    if (c->flags & CLIENT_NO_EVICT) {
        out[n++] = 'e';
    }
    if (n == 0) {
        out[n++] = 'N';
    }
    out[n] = '\0';
}

/* Append one CLIENT LIST line for 'c' to the sds string 's'. */
char *client_info_line(char *s, const struct client *c)
{
    char line[1024];
    const struct command *cmd = c->cmd != NULL ? c->cmd : c->last_cmd;
    char flags[16];
    client_flag_letters(c, flags);
    size_t sub = 0, psub = 0;
    pubsub_client_counts(c, &sub, &psub);
    /* Only the command running now holds argument memory. */
    size_t argv_mem = 0;
    if (c->cmd != NULL) {
        for (int i = 0; i < c->argc; i++) {
            argv_mem += c->argv[i].len;
        }
    }
    /* As Redis: obl is what waits in the first 16k of output, omem what
     * spilled past it (0 for an idle client). */
    size_t pending = c->olen - c->opos;
    size_t obl = pending < SERVER_IOBUF_LEN ? pending : SERVER_IOBUF_LEN;
    size_t omem = pending - obl;
    char cmdname[96];
    if (cmd == NULL) {
        snprintf(cmdname, sizeof(cmdname), "NULL");
    } else if (c->last_sub[0] != '\0') {
        snprintf(cmdname, sizeof(cmdname), "%s|%s", cmd->spec->name,
                 c->last_sub);
    } else {
        snprintf(cmdname, sizeof(cmdname), "%s", cmd->spec->name);
    }
    int n = snprintf(line, sizeof(line),
        "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld "
        "flags=%s db=%d sub=%zu psub=%zu ssub=0 multi=%lld qbuf=%zu "
        "qbuf-free=%zu argv-mem=%zu multi-mem=0 rbs=%zu rbp=%zu obl=%zu "
        "oll=0 omem=%zu tot-mem=%zu events=r%s cmd=%s user=%s "
        "redir=%lld resp=%d\n",
        (unsigned long long)c->id, c->addr, c->laddr, c->fd,
        c->name != NULL ? c->name : "",
        (server.mstime - c->ctime) / 1000,
        (server.mstime - c->last_interaction) / 1000, flags,
        c->db->id, sub, psub, multi_queued_count(c), c->qlen,
        c->qcap - c->qlen, argv_mem, c->qcap, c->qcap, obl, omem,
        sizeof(*c) + c->qcap + c->ocap,
        (c->flags & CLIENT_PENDING_WRITE) ? "w" : "", cmdname,
        acl_user_name(c), tracking_redirect_of(c), c->resp >= 3 ? 3 : 2);
    if (n < 0) {
        return s;
    }
    return sds_cat(s, line, (size_t)n < sizeof(line) ? (size_t)n
                                                     : sizeof(line) - 1);
}

/* The CLIENT_* flags that make a client of type 'type' (normal, master,
 * replica/slave, pubsub); -1 for an unknown type. Normal is 0: none of
 * the others. */
static long client_type_flags(const struct arg *type)
{
    if (arg_is(type, "normal")) {
        return 0;
    }
    if (arg_is(type, "pubsub")) {
        return CLIENT_PUBSUB;
    }
    if (arg_is(type, "master")) {
        return CLIENT_MASTER;
    }
    if (arg_is(type, "replica") || arg_is(type, "slave")) {
        return CLIENT_SLAVE;
    }
    return -1;
}

/* True if 'o' is of the type whose flags are 'want' (client_type_flags).
 * A replica or master counts as such even if it subscribed. */
static bool client_is_type(const struct client *o, long want)
{
    unsigned kind = o->flags & (CLIENT_MASTER | CLIENT_SLAVE);
    if (kind == 0) {
        kind = o->flags & CLIENT_PUBSUB;
    }
    return kind == (unsigned)want;
}

/* Reply the CLIENT LIST text 's' (a verbatim string under RESP3). */
static void client_reply_text(struct client *c, const char *s)
{
    reply_verbatim(c, s, sds_len(s), "txt");
}

static void client_cmd_list(struct client *c)
{
    bool by_id = false;
    long type = -2;
    if (c->argc == 4 && arg_is(&c->argv[2], "type")) {
        type = client_type_flags(&c->argv[3]);
        if (type == -1) {
            reply_error(c, "Unknown client type '%s'", c->argv[3].ptr);
            return;
        }
    } else if (c->argc >= 4 && arg_is(&c->argv[2], "id")) {
        by_id = true;
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    char *s = sds_new_empty(256);
    /* Oldest first, as Redis lists them: server.clients is newest first. */
    struct client *last = server.clients;
    while (last != NULL && last->next != NULL) {
        last = last->next;
    }
    for (struct client *o = last; o != NULL; o = o->prev) {
        if (type != -2 && !client_is_type(o, type)) {
            continue;
        }
        if (by_id) {
            bool want = false;
            for (int i = 3; i < c->argc; i++) {
                long long id;
                if (resp_parse_ll(c->argv[i].ptr, c->argv[i].len, &id) != 0) {
                    sds_free(s);
                    reply_error(c, "Invalid client ID");
                    return;
                }
                want = want || (uint64_t)id == o->id;
            }
            if (!want) {
                continue;
            }
        }
        s = client_info_line(s, o);
    }
    client_reply_text(c, s);
    sds_free(s);
}

static void client_cmd_info(struct client *c)
{
    char *s = client_info_line(sds_new_empty(256), c);
    client_reply_text(c, s);
    sds_free(s);
}

/* ------------------------------------------------------------------------
 * Names, ids, KILL, UNBLOCK */

static bool client_name_is_valid(const struct arg *a)
{
    for (size_t i = 0; i < a->len; i++) {
        if (a->ptr[i] < '!' || a->ptr[i] > '~') {
            return false;
        }
    }
    return true;
}

static void client_cmd_setname(struct client *c)
{
    if (!client_name_is_valid(&c->argv[2])) {
        reply_error(c, "Client names cannot contain spaces, newlines or "
                       "special characters.");
        return;
    }
    mem_free(c->name);
    c->name = c->argv[2].len > 0
              ? mem_strndup(c->argv[2].ptr, c->argv[2].len) : NULL;
    reply_ok(c);
}

static void client_cmd_getname(struct client *c)
{
    if (c->name != NULL) {
        reply_bulk_str(c, c->name);
    } else {
        reply_null(c);
    }
}

static void client_cmd_id(struct client *c)
{
    reply_integer(c, (long long)c->id);
}

/* CLIENT KILL addr | CLIENT KILL <filter> <value> ... */
static void client_cmd_kill(struct client *c)
{
    const char *addr = NULL, *laddr = NULL;
    long long id = -1;
    long type = -2;
    bool skipme = true, old_style = c->argc == 3;
    if (old_style) {
        addr = c->argv[2].ptr;
        skipme = false;
    } else {
        if (c->argc % 2 != 0) {
            reply_syntax_error(c);
            return;
        }
        for (int i = 2; i < c->argc; i += 2) {
            const struct arg *v = &c->argv[i + 1];
            if (arg_is(&c->argv[i], "id")) {
                if (resp_parse_ll(v->ptr, v->len, &id) != 0 || id <= 0) {
                    reply_error(c, "client-id should be greater than 0");
                    return;
                }
            } else if (arg_is(&c->argv[i], "addr")) {
                addr = v->ptr;
            } else if (arg_is(&c->argv[i], "laddr")) {
                laddr = v->ptr;
            } else if (arg_is(&c->argv[i], "skipme")) {
                if (arg_is(v, "yes")) {
                    skipme = true;
                } else if (arg_is(v, "no")) {
                    skipme = false;
                } else {
                    reply_syntax_error(c);
                    return;
                }
            } else if (arg_is(&c->argv[i], "type")) {
                type = client_type_flags(v);
                if (type == -1) {
                    reply_error(c, "Unknown client type '%s'", v->ptr);
                    return;
                }
            } else if (arg_is(&c->argv[i], "user")) {
                if (!arg_is(v, "default")) {
                    reply_error(c, "No such user '%s'", v->ptr);
                    return;
                }
            } else {
                reply_syntax_error(c);
                return;
            }
        }
    }
    long long killed = 0;
    for (struct client *o = server.clients; o != NULL; o = o->next) {
        if ((addr != NULL && strcmp(o->addr, addr) != 0) ||
            (laddr != NULL && strcmp(o->laddr, laddr) != 0) ||
            (id != -1 && o->id != (uint64_t)id) || (skipme && o == c) ||
            (type != -2 && !client_is_type(o, type)) ||
            (o->flags & CLIENT_CLOSE_ASAP)) {
            continue;
        }
        if (o == c) {
            c->flags |= CLIENT_CLOSE_AFTER_REPLY;
        } else {
            client_free_async(o);
        }
        killed++;
    }
    if (old_style) {
        if (killed == 0) {
            reply_error(c, "No such client");
        } else {
            reply_ok(c);
        }
    } else {
        reply_integer(c, killed);
    }
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR]: end a blocking command as if it
 * timed out, or with an UNBLOCKED error. Replies 1 if 'id' was blocked. */
static void client_cmd_unblock(struct client *c)
{
    long long id;
    bool error = false;
    if (resp_parse_ll(c->argv[2].ptr, c->argv[2].len, &id) != 0) {
        reply_error(c, "value is not an integer or out of range");
        return;
    }
    if (c->argc == 4) {
        if (arg_is(&c->argv[3], "error")) {
            error = true;
        } else if (!arg_is(&c->argv[3], "timeout")) {
            reply_error(c, "CLIENT UNBLOCK reason should be TIMEOUT or "
                           "ERROR");
            return;
        }
    }
    for (struct client *o = server.clients; o != NULL; o = o->next) {
        if (o->id == (uint64_t)id && (o->flags & CLIENT_BLOCKED)) {
            blocking_unblock_now(o, error);
            reply_integer(c, 1);
            return;
        }
    }
    reply_integer(c, 0);
}

/* ------------------------------------------------------------------------
 * PAUSE, REPLY, NO-EVICT */

/* CLIENT PAUSE timeout [WRITE|ALL]: hold the commands of ordinary clients
 * (all, or those that may write) for 'timeout' ms. A pause only grows:
 * a shorter one, or WRITE during ALL, changes nothing but the end. */
static void client_cmd_pause(struct client *c)
{
    long long ms;
    if (arg_ll_or_reply(c, &c->argv[2], &ms, "timeout is not an integer or "
                        "out of range") != 0) {
        return;
    }
    if (ms < 0) {
        reply_error(c, "timeout is negative");
        return;
    }
    bool all = true;
    if (c->argc == 4) {
        if (arg_is(&c->argv[3], "write")) {
            all = false;
        } else if (!arg_is(&c->argv[3], "all")) {
            reply_error(c, "CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    long long end = server.mstime + ms;
    if (server.pause_end == 0 || end > server.pause_end) {
        server.pause_end = end;
    }
    server.pause_all = server.pause_all || all;
    reply_ok(c);
}

static void client_cmd_unpause(struct client *c)
{
    client_unpause_all();
    reply_ok(c);
}

/* CLIENT REPLY ON|OFF|SKIP: OFF sends nothing from now on, SKIP drops
 * the next command's reply; only ON replies (OK). */
static void client_cmd_reply(struct client *c)
{
    const struct arg *mode = &c->argv[2];
    if (arg_is(mode, "on")) {
        c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT);
        reply_ok(c);
    } else if (arg_is(mode, "off")) {
        c->flags |= CLIENT_REPLY_OFF;
    } else if (arg_is(mode, "skip")) {
        if (!(c->flags & CLIENT_REPLY_OFF)) {
            c->flags |= CLIENT_REPLY_SKIP_NEXT;
        }
    } else {
        reply_syntax_error(c);
    }
}

static void client_cmd_no_evict(struct client *c)
{
    if (arg_is(&c->argv[2], "on")) {
        c->flags |= CLIENT_NO_EVICT;
    } else if (arg_is(&c->argv[2], "off")) {
        c->flags &= ~CLIENT_NO_EVICT;
    } else {
        reply_syntax_error(c);
        return;
    }
    reply_ok(c);
}

/* ------------------------------------------------------------------------
 * Client-side caching (tracking.c does the work) */

/* CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p]... [BCAST] [OPTIN]
 * [OPTOUT] [NOLOOP] */
static void client_cmd_tracking(struct client *c)
{
    struct tracking_options o;
    memset(&o, 0, sizeof(o));
    bool on;
    if (arg_is(&c->argv[2], "on")) {
        on = true;
    } else if (arg_is(&c->argv[2], "off")) {
        on = false;
    } else {
        reply_syntax_error(c);
        return;
    }
    struct arg *prefixes = mem_alloc((size_t)c->argc * sizeof(*prefixes));
    o.prefixes = prefixes;
    for (int i = 3; i < c->argc; i++) {
        bool more = i + 1 < c->argc;
        if (arg_is(&c->argv[i], "redirect") && more) {
            long long id;
            if (arg_ll_or_reply(c, &c->argv[++i], &id, NULL) != 0) {
                mem_free(prefixes);
                return;
            }
            o.redirect = id;
        } else if (arg_is(&c->argv[i], "bcast")) {
            o.bcast = true;
        } else if (arg_is(&c->argv[i], "optin")) {
            o.optin = true;
        } else if (arg_is(&c->argv[i], "optout")) {
            o.optout = true;
        } else if (arg_is(&c->argv[i], "noloop")) {
            o.noloop = true;
        } else if (arg_is(&c->argv[i], "prefix") && more) {
            prefixes[o.prefix_count++] = c->argv[++i];
        } else {
            mem_free(prefixes);
            reply_syntax_error(c);
            return;
        }
    }
    char err[256];
    int rc = on ? tracking_enable(c, &o, err, sizeof(err))
                : (tracking_disable(c), 0);
    mem_free(prefixes);
    if (rc != 0) {
        reply_error_text(c, err);
        return;
    }
    reply_ok(c);
}

static void client_cmd_caching(struct client *c)
{
    bool yes;
    char err[256];
    if (c->tracking == NULL) {
        tracking_caching(c, true, err, sizeof(err));
        reply_error_text(c, err);
        return;
    }
    if (arg_is(&c->argv[2], "yes")) {
        yes = true;
    } else if (arg_is(&c->argv[2], "no")) {
        yes = false;
    } else {
        reply_syntax_error(c);
        return;
    }
    if (tracking_caching(c, yes, err, sizeof(err)) != 0) {
        reply_error_text(c, err);
        return;
    }
    reply_ok(c);
}

static void client_cmd_getredir(struct client *c)
{
    reply_integer(c, tracking_redirect_of(c));
}

static void client_cmd_trackinginfo(struct client *c)
{
    tracking_info_reply(c);
}

/* ------------------------------------------------------------------------
 * The table and help */

static void client_cmd_help(struct client *c);

/* One CLIENT subcommand: its name, handler and arity counted as Redis
 * does, the whole command included (negative: at least that many). */
static const struct {
    const char *name;
    void (*fn)(struct client *c);
    int arity;
} client_subs[] = {
    { "caching", client_cmd_caching, 3 },
    { "getname", client_cmd_getname, 2 },
    { "getredir", client_cmd_getredir, 2 },
    { "help", client_cmd_help, 2 },
    { "id", client_cmd_id, 2 },
    { "info", client_cmd_info, 2 },
    { "kill", client_cmd_kill, -3 },
    { "list", client_cmd_list, -2 },
    { "no-evict", client_cmd_no_evict, 3 },
    { "pause", client_cmd_pause, -3 },
    { "reply", client_cmd_reply, 3 },
    { "setname", client_cmd_setname, 3 },
    { "tracking", client_cmd_tracking, -3 },
    { "trackinginfo", client_cmd_trackinginfo, 2 },
    { "unblock", client_cmd_unblock, -3 },
    { "unpause", client_cmd_unpause, 2 },
};

static void client_cmd_help(struct client *c)
{
    static const char *help[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Track (or not) the keys of the next command in OPTIN/OPTOUT mode.",
        "GETNAME",
        "    Return the name of the current connection.",
        "GETREDIR",
        "    Return the id invalidations are redirected to (-1: not tracking).",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER,",
        "    SKIPME (yes|no).",
        "LIST [TYPE normal|master|replica|pubsub] [ID <id> [<id> ...]]",
        "    Return information about client connections.",
        "NO-EVICT (ON|OFF)",
        "    Protect (or not) the current connection from client eviction.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Hold the commands of all clients, or their writes, for <timeout> ms.",
        "REPLY (ON|OFF|SKIP)",
        "    Turn the replies to this connection on or off, or skip the next.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Turn server assisted client side caching on or off.",
        "TRACKINGINFO",
        "    Show the tracking state of the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "UNPAUSE",
        "    End CLIENT PAUSE.",
        "HELP",
        "    Print this help.",
    };
    reply_help(c, help, sizeof(help) / sizeof(help[0]));
}

/* CLIENT <subcommand> ... */
void cmd_client(struct client *c)
{
    const struct arg *sub = &c->argv[1];
    for (size_t i = 0; i < sizeof(client_subs) / sizeof(client_subs[0]);
         i++) {
        if (!arg_is(sub, client_subs[i].name)) {
            continue;
        }
        int arity = client_subs[i].arity;
        if ((arity > 0 && c->argc != arity) ||
            (arity < 0 && c->argc < -arity)) {
            reply_error(c, "wrong number of arguments for 'client|%s' "
                           "command", client_subs[i].name);
            return;
        }
        client_subs[i].fn(c);
        return;
    }
    reply_error(c, "unknown subcommand '%.128s'. Try CLIENT HELP.",
                sub->ptr);
}

/* RESET: back to the state of a new connection: no transaction, no
 * watched keys, no subscriptions, no tracking, RESP2, database 0, no
 * name, replies on, the default user (authenticated if it needs no
 * password). */
void cmd_reset(struct client *c)
{
    multi_client_release(c);
    pubsub_client_release(c);
    tracking_disable(c);
    c->db = &server.db[0];
    c->resp = 2;
    c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT |
                  CLIENT_NO_EVICT);
    mem_free(c->name);
    c->name = NULL;
    c->user = NULL;
    c->authenticated = acl_client_autoauth();
    reply_simple(c, "RESET");
}
