/* SLOWLOG GET | LEN | RESET | HELP: the last slowlog-max-len commands that
 * took at least slowlog-log-slower-than microseconds (-1: none, 0: every
 * command), newest first. server_call reports each command through
 * slowlog_push. An entry keeps what Redis keeps: an id, the Unix time, the
 * duration, the arguments (at most 32, the last one then saying how many
 * more there were; each at most 128 bytes, then how many more bytes), the
 * client's address and name. Passwords (AUTH, HELLO AUTH) are redacted.
 *
 * Not here: the latency monitor (latency.c). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/server.h"
#include "redis/slowlog.h"

#define SLOWLOG_MAX_ARGC 32    /* arguments kept per entry */
#define SLOWLOG_MAX_STRING 128 /* bytes kept per argument */

/* One slow command. */
struct slowlog_entry {
    long long id;
    long long time;     /* s since the epoch */
    long long duration; /* us */
    int argc;
    char **argv;        /* sds, owned */
    char *addr;         /* sds, owned */
    char *name;         /* sds, owned */
};

/* A ring of entries: 'count' of them, the newest at 'head'. */
static struct slowlog_entry *slowlog_ring;
static size_t slowlog_cap;
static size_t slowlog_head;
static size_t slowlog_count;
static long long slowlog_next_id;

static void slowlog_entry_release(struct slowlog_entry *e)
{
    for (int i = 0; i < e->argc; i++) {
        sds_free(e->argv[i]);
    }
    mem_free(e->argv);
    sds_free(e->addr);
    sds_free(e->name);
}

/* Drop every entry; keep the ids going (Redis does). */
static void slowlog_reset(void)
{
    for (size_t i = 0; i < slowlog_count; i++) {
        size_t at = (slowlog_head + slowlog_cap - i) % slowlog_cap;
        slowlog_entry_release(&slowlog_ring[at]);
    }
    slowlog_count = 0;
}

/* The entry 'i' places from the newest. */
static struct slowlog_entry *slowlog_at(size_t i)
{
    return &slowlog_ring[(slowlog_head + slowlog_cap - i) % slowlog_cap];
}

/* Make the ring hold slowlog-max-len entries, keeping the newest. */
static void slowlog_resize(void)
{
    size_t want = (size_t)(server.slowlog_max_len > 0
                           ? server.slowlog_max_len : 0);
    if (want == slowlog_cap) {
        return;
    }
    struct slowlog_entry *ring = want > 0
                                 ? mem_calloc(want, sizeof(*ring)) : NULL;
    size_t keep = slowlog_count < want ? slowlog_count : want;
    /* Newest at index keep-1 of the new ring. */
    for (size_t i = 0; i < slowlog_count; i++) {
        struct slowlog_entry *e = slowlog_at(i);
        if (i < keep) {
            ring[keep - 1 - i] = *e;
        } else {
            slowlog_entry_release(e);
        }
    }
    mem_free(slowlog_ring);
    slowlog_ring = ring;
    slowlog_cap = want;
    slowlog_count = keep;
    slowlog_head = keep > 0 ? keep - 1 : want - 1;
}

bool slowlog_redacted(int argc, const struct arg *argv, int i)
{
    if (arg_is(&argv[0], "auth")) {
        return i >= 1;
    }
    if (arg_is(&argv[0], "hello")) {
        for (int j = 2; j + 2 < argc; j++) {
            if (arg_is(&argv[j], "auth") && (i == j + 1 || i == j + 2)) {
                return true;
            }
        }
    }
    return false;
}

void slowlog_push(struct client *c, const struct command *cmd,
                  long long usec)
{
    if (server.slowlog_log_slower_than < 0 ||
        usec < server.slowlog_log_slower_than ||
        strcmp(cmd->spec->name, "exec") == 0) {
        return;
    }
    slowlog_resize();
    if (slowlog_cap == 0) {
        slowlog_next_id++;
        return;
    }
    slowlog_head = (slowlog_head + 1) % slowlog_cap;
    struct slowlog_entry *e = &slowlog_ring[slowlog_head];
    if (slowlog_count == slowlog_cap) {
        slowlog_entry_release(e);
    } else {
        slowlog_count++;
    }
    e->id = slowlog_next_id++;
    e->time = server_mstime() / 1000;
    e->duration = usec;
    e->argc = c->argc > SLOWLOG_MAX_ARGC ? SLOWLOG_MAX_ARGC : c->argc;
    e->argv = mem_alloc((size_t)e->argc * sizeof(*e->argv));
    for (int i = 0; i < e->argc; i++) {
        const struct arg *a = &c->argv[i];
        char buf[64];
        if (c->argc > SLOWLOG_MAX_ARGC && i == SLOWLOG_MAX_ARGC - 1) {
            int n = snprintf(buf, sizeof(buf), "... (%d more arguments)",
                             c->argc - SLOWLOG_MAX_ARGC + 1);
            e->argv[i] = sds_new(buf, (size_t)n);
        } else if (slowlog_redacted(c->argc, c->argv, i)) {
            e->argv[i] = sds_new("(redacted)", 10);
        } else if (a->len > SLOWLOG_MAX_STRING) {
            int n = snprintf(buf, sizeof(buf), "... (%zu more bytes)",
                             a->len - SLOWLOG_MAX_STRING);
            e->argv[i] = sds_new(a->ptr, SLOWLOG_MAX_STRING);
            e->argv[i] = sds_cat(e->argv[i], buf, (size_t)n);
        } else {
            e->argv[i] = sds_new(a->ptr, a->len);
        }
    }
    /* The script client has no peer: Redis shows "?:0". */
    const char *addr = c->fd >= 0 ? c->addr : "?:0";
    e->addr = sds_new(addr, strlen(addr));
    e->name = sds_new(c->name != NULL ? c->name : "",
                      c->name != NULL ? strlen(c->name) : 0);
}

void slowlog_release(void)
{
    slowlog_reset();
    mem_free(slowlog_ring);
    slowlog_ring = NULL;
    slowlog_cap = 0;
}

void slowlog_reply_arity(struct client *c, const char *command)
{
    const struct arg *sub = &c->argv[1];
    char lower[16];
    size_t n = sub->len < sizeof(lower) - 1 ? sub->len : sizeof(lower) - 1;
    for (size_t i = 0; i < n; i++) {
        lower[i] = (char)tolower((unsigned char)sub->ptr[i]);
    }
    lower[n] = '\0';
    reply_error(c, "wrong number of arguments for '%s|%s' command", command,
                lower);
}

static void slowlog_help(struct client *c)
{
    static const char *help[] = {
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Reply the newest <count> entries (10 by default, -1 for all).",
        "    Each entry is: id, Unix time, duration in microseconds,",
        "    the arguments, the client's address, the client's name.",
        "LEN",
        "    Reply the number of entries.",
        "RESET",
        "    Remove every entry.",
        "HELP",
        "    Print this help.",
    };
    reply_array(c, sizeof(help) / sizeof(help[0]));
    for (size_t i = 0; i < sizeof(help) / sizeof(help[0]); i++) {
        reply_simple(c, help[i]);
    }
}

/* SLOWLOG GET [count] | LEN | RESET | HELP */
void cmd_slowlog(struct client *c)
{
    const struct arg *sub = &c->argv[1];
    slowlog_resize();
    if (arg_is(sub, "help") && c->argc == 2) {
        slowlog_help(c);
    } else if (arg_is(sub, "reset") && c->argc == 2) {
        slowlog_reset();
        reply_ok(c);
    } else if (arg_is(sub, "len") && c->argc == 2) {
        reply_integer(c, (long long)slowlog_count);
    } else if (arg_is(sub, "get") && (c->argc == 2 || c->argc == 3)) {
        long long count = 10;
        if (c->argc == 3) {
            if (arg_ll_or_reply(c, &c->argv[2], &count, "count should be "
                                "greater than or equal to -1") != 0) {
                return;
            }
            if (count < -1) {
                reply_error(c, "count should be greater than or equal to "
                               "-1");
                return;
            }
            if (count == -1) {
                count = (long long)slowlog_count;
            }
        }
        if (count > (long long)slowlog_count) {
            count = (long long)slowlog_count;
        }
        reply_array(c, count);
        for (long long i = 0; i < count; i++) {
            const struct slowlog_entry *e = slowlog_at((size_t)i);
            reply_array(c, 6);
            reply_integer(c, e->id);
            reply_integer(c, e->time);
            reply_integer(c, e->duration);
            reply_array(c, e->argc);
            for (int j = 0; j < e->argc; j++) {
                reply_bulk_sds(c, e->argv[j]);
            }
            reply_bulk_sds(c, e->addr);
            reply_bulk_sds(c, e->name);
        }
    } else if (arg_is(sub, "help") || arg_is(sub, "reset") ||
               arg_is(sub, "len") || arg_is(sub, "get")) {
        slowlog_reply_arity(c, "slowlog");
    } else {
        reply_error(c, "unknown subcommand '%.128s'. Try SLOWLOG HELP.",
                    sub->ptr);
    }
}
