/* MONITOR: clients that asked for it receive every command the server
 * runs, one line each, as Redis writes them:
 *
 *   +<unix time>.<microseconds> [<db> <client address>] "arg" "arg" ...
 *
 * Arguments are quoted with C-style escapes for quotes, backslashes and
 * control bytes (\n, \r, \t, \a, \b, others as \xHH); passwords show as
 * "(redacted)". Administrative commands are not shown. server_call
 * feeds each command after it ran, so a command inside EXEC shows before
 * the EXEC; scripts (EVAL, FCALL ...) show before the commands they run,
 * which carry the address "lua".
 *
 * Not here: the slow log (slowlog.c). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/server.h"
#include "redis/slowlog.h"

static struct client **monitor_clients;
static size_t monitor_count;
static size_t monitor_cap;

/* True for the commands that show before what they run. */
static bool monitor_is_script(const struct command *cmd)
{
    const char *n = cmd->spec->name;
    return strncmp(n, "eval", 4) == 0 || strncmp(n, "fcall", 5) == 0;
}

/* Append 'a' quoted, escaped as Redis's MONITOR does. */
static char *monitor_quote(char *out, const char *p, size_t len)
{
    out = sds_cat(out, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        char esc[5];
        switch (ch) {
        case '\\':
        case '"':
            esc[0] = '\\';
            esc[1] = (char)ch;
            out = sds_cat(out, esc, 2);
            break;
        case '\n': out = sds_cat(out, "\\n", 2); break;
        case '\r': out = sds_cat(out, "\\r", 2); break;
        case '\t': out = sds_cat(out, "\\t", 2); break;
        case '\a': out = sds_cat(out, "\\a", 2); break;
        case '\b': out = sds_cat(out, "\\b", 2); break;
        default:
            if (isprint(ch)) {
                out = sds_cat(out, &p[i], 1);
            } else {
                snprintf(esc, sizeof(esc), "\\x%02x", ch);
                out = sds_cat(out, esc, 4);
            }
        }
    }
    return sds_cat(out, "\"", 1);
}

void monitor_feed(struct client *c, const struct command *cmd, bool before)
{
    if (monitor_count == 0 || (cmd->spec->flags & CMDSPEC_ADMIN) ||
        before != monitor_is_script(cmd) ||
        (c->flags & (CLIENT_LOADER | CLIENT_MASTER))) {
        return;
    }
    long long us = server_ustime();
    char head[128];
    int n = snprintf(head, sizeof(head), "+%lld.%06lld [%d %s]",
                     us / 1000000, us % 1000000, c->db->id, c->addr);
    if (n < 0 || (size_t)n >= sizeof(head)) {
        return;
    }
    char *line = sds_new(head, (size_t)n);
    for (int i = 0; i < c->argc; i++) {
        line = sds_cat(line, " ", 1);
        if (slowlog_redacted(c->argc, c->argv, i)) {
            line = sds_cat(line, "\"(redacted)\"", 12);
        } else {
            line = monitor_quote(line, c->argv[i].ptr, c->argv[i].len);
        }
    }
    line = sds_cat(line, "\r\n", 2);
    for (size_t i = 0; i < monitor_count; i++) {
        reply_raw(monitor_clients[i], line, sds_len(line));
        client_flush(monitor_clients[i]);
    }
    sds_free(line);
}

void monitor_client_release(struct client *c)
{
    for (size_t i = 0; i < monitor_count; i++) {
        if (monitor_clients[i] == c) {
            memmove(&monitor_clients[i], &monitor_clients[i + 1],
                    (monitor_count - i - 1) * sizeof(*monitor_clients));
            monitor_count--;
            break;
        }
    }
    if (monitor_count == 0) {
        mem_free(monitor_clients);
        monitor_clients = NULL;
        monitor_cap = 0;
    }
}

/* MONITOR */
void cmd_monitor(struct client *c)
{
    if (c->flags & (CLIENT_SLAVE | CLIENT_MULTI)) {
        reply_error(c, "MONITOR isn't allowed here");
        return;
    }
    for (size_t i = 0; i < monitor_count; i++) {
        if (monitor_clients[i] == c) {
            reply_ok(c);
            return;
        }
    }
    if (monitor_count == monitor_cap) {
        monitor_cap = monitor_cap ? monitor_cap * 2 : 4;
        monitor_clients = mem_realloc(monitor_clients, monitor_cap *
                                      sizeof(*monitor_clients));
    }
    monitor_clients[monitor_count++] = c;
    reply_ok(c);
}
