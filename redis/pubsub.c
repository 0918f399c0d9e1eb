/* Publish/subscribe: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH
 * and PUBSUB CHANNELS|NUMSUB|NUMPAT. The server keeps, for each channel
 * and for each pattern, the clients subscribed in subscription order;
 * each client keeps the set of its own channels and patterns. A client
 * with at least one subscription is in subscribed mode (CLIENT_PUBSUB):
 * under RESP2 it may then only (un)subscribe, PING, QUIT or RESET, which
 * server_process_command enforces through pubsub_refuse. Messages are
 * written to the receivers at once. */
#include <string.h>

#include "lib/mem.h"
#include "redis/server.h"

/* The clients subscribed to one channel or pattern. */
struct pubsub_subscribers {
    struct client **clients;
    size_t count;
    size_t cap;
};

/* One client's subscriptions: channel/pattern -> nothing. */
struct pubsub_state {
    struct dict *channels;
    struct dict *patterns;
};

static void pubsub_free_subscribers(void *ptr)
{
    struct pubsub_subscribers *s = ptr;
    mem_free(s->clients);
    mem_free(s);
}

static const struct dict_type pubsub_server_type = {
    true, pubsub_free_subscribers
};
static const struct dict_type pubsub_client_type = { true, NULL };

static struct dict *pubsub_channels; /* channel -> subscribers */
static struct dict *pubsub_patterns; /* pattern -> subscribers */

static size_t pubsub_client_count(const struct client *c)
{
    if (c->pubsub == NULL) {
        return 0;
    }
    return dict_size(c->pubsub->channels) + dict_size(c->pubsub->patterns);
}

/* Reply [kind, name, subscription count], a push message under RESP3;
 * NULL 'name' is a nil. */
static void pubsub_reply_event(struct client *c, const char *kind,
                               const char *name, size_t len)
{
    reply_push(c, 3);
    reply_bulk_str(c, kind);
    if (name != NULL) {
        reply_bulk(c, name, len);
    } else {
        reply_null(c);
    }
    reply_integer(c, (long long)pubsub_client_count(c));
}

/* Add 'c' to 'name' in the server table 'table' (created on demand) and
 * in its own 'mine'. Returns false if it was already there. */
static bool pubsub_add(struct client *c, struct dict **table,
                       struct dict *mine, const struct arg *name)
{
    if (dict_find(mine, name->ptr, name->len) != NULL) {
        return false;
    }
    dict_insert(mine, sds_new(name->ptr, name->len));
    if (*table == NULL) {
        *table = dict_new(&pubsub_server_type);
    }
    struct dict_entry *e = dict_find(*table, name->ptr, name->len);
    if (e == NULL) {
        e = dict_insert(*table, sds_new(name->ptr, name->len));
        e->v.ptr = mem_calloc(1, sizeof(struct pubsub_subscribers));
    }
    struct pubsub_subscribers *s = e->v.ptr;
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->clients = mem_realloc(s->clients, s->cap * sizeof(*s->clients));
    }
    s->clients[s->count++] = c;
    return true;
}

/* Remove 'c' from 'name'. Returns false if it was not subscribed. */
static bool pubsub_remove(struct client *c, struct dict *table,
                          struct dict *mine, const char *name, size_t len)
{
    if (!dict_delete(mine, name, len)) {
        return false;
    }
    struct dict_entry *e = dict_find(table, name, len);
    if (e == NULL) {
        return true;
    }
    struct pubsub_subscribers *s = e->v.ptr;
    for (size_t i = 0; i < s->count; i++) {
        if (s->clients[i] == c) {
            memmove(&s->clients[i], &s->clients[i + 1],
                    (s->count - i - 1) * sizeof(*s->clients));
            s->count--;
            break;
        }
    }
    if (s->count == 0) {
        dict_delete(table, name, len);
    }
    return true;
}

static struct pubsub_state *pubsub_state_of(struct client *c)
{
    if (c->pubsub == NULL) {
        c->pubsub = mem_alloc(sizeof(*c->pubsub));
        c->pubsub->channels = dict_new(&pubsub_client_type);
        c->pubsub->patterns = dict_new(&pubsub_client_type);
    }
    return c->pubsub;
}

static void pubsub_update_mode(struct client *c)
{
    if (pubsub_client_count(c) > 0) {
        c->flags |= CLIENT_PUBSUB;
    } else {
        c->flags &= ~CLIENT_PUBSUB;
    }
}

/* SUBSCRIBE / PSUBSCRIBE name [name ...] */
static void pubsub_subscribe_generic(struct client *c, bool pattern)
{
    struct pubsub_state *st = pubsub_state_of(c);
    for (int i = 1; i < c->argc; i++) {
        if (pattern) {
            pubsub_add(c, &pubsub_patterns, st->patterns, &c->argv[i]);
        } else {
            pubsub_add(c, &pubsub_channels, st->channels, &c->argv[i]);
        }
        pubsub_reply_event(c, pattern ? "psubscribe" : "subscribe",
                           c->argv[i].ptr, c->argv[i].len);
    }
    pubsub_update_mode(c);
}

/* SUBSCRIBE channel [channel ...] */
void cmd_subscribe(struct client *c)
{
    pubsub_subscribe_generic(c, false);
}

/* PSUBSCRIBE pattern [pattern ...] */
void cmd_psubscribe(struct client *c)
{
    pubsub_subscribe_generic(c, true);
}

/* Unsubscribe 'c' from everything in 'mine' (a channel or pattern set),
 * replying one event each; 'silent' for a client being freed. */
static void pubsub_remove_all(struct client *c, struct dict *table,
                              struct dict *mine, const char *kind,
                              bool silent)
{
    struct dict_iter it;
    dict_iter_init(&it, mine);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)) != NULL) {
        char *name = sds_new(e->key, sds_len(e->key));
        pubsub_remove(c, table, mine, name, sds_len(name));
        if (!silent) {
            pubsub_reply_event(c, kind, name, sds_len(name));
        }
        sds_free(name);
    }
    dict_iter_release(&it);
}

/* UNSUBSCRIBE / PUNSUBSCRIBE [name ...] */
static void pubsub_unsubscribe_generic(struct client *c, bool pattern)
{
    struct pubsub_state *st = pubsub_state_of(c);
    struct dict *table = pattern ? pubsub_patterns : pubsub_channels;
    struct dict *mine = pattern ? st->patterns : st->channels;
    const char *kind = pattern ? "punsubscribe" : "unsubscribe";
    if (c->argc == 1) {
        if (dict_size(mine) == 0) {
            pubsub_reply_event(c, kind, NULL, 0);
        } else {
            pubsub_remove_all(c, table, mine, kind, false);
        }
    } else {
        for (int i = 1; i < c->argc; i++) {
            if (table != NULL) {
                pubsub_remove(c, table, mine, c->argv[i].ptr,
                              c->argv[i].len);
            }
            pubsub_reply_event(c, kind, c->argv[i].ptr, c->argv[i].len);
        }
    }
    pubsub_update_mode(c);
}

/* UNSUBSCRIBE [channel ...] */
void cmd_unsubscribe(struct client *c)
{
    pubsub_unsubscribe_generic(c, false);
}

/* PUNSUBSCRIBE [pattern ...] */
void cmd_punsubscribe(struct client *c)
{
    pubsub_unsubscribe_generic(c, true);
}

void pubsub_client_release(struct client *c)
{
    if (c->pubsub == NULL) {
        return;
    }
    if (pubsub_channels != NULL) {
        pubsub_remove_all(c, pubsub_channels, c->pubsub->channels, NULL,
                          true);
    }
    if (pubsub_patterns != NULL) {
        pubsub_remove_all(c, pubsub_patterns, c->pubsub->patterns, NULL,
                          true);
    }
    dict_free(c->pubsub->channels);
    dict_free(c->pubsub->patterns);
    mem_free(c->pubsub);
    c->pubsub = NULL;
    c->flags &= ~CLIENT_PUBSUB;
}

long long pubsub_publish(const char *channel, size_t clen, const char *msg,
                         size_t mlen)
{
    long long receivers = 0;
    struct dict_entry *e = pubsub_channels != NULL
                           ? dict_find(pubsub_channels, channel, clen) : NULL;
    if (e != NULL) {
        struct pubsub_subscribers *s = e->v.ptr;
        for (size_t i = 0; i < s->count; i++) {
            struct client *r = s->clients[i];
            r->flags |= CLIENT_PUSHING;
            reply_push(r, 3);
            reply_bulk(r, "message", 7);
            reply_bulk(r, channel, clen);
            reply_bulk(r, msg, mlen);
            r->flags &= ~CLIENT_PUSHING;
            client_flush(r);
            receivers++;
        }
    }
    if (pubsub_patterns == NULL) {
        return receivers;
    }
    struct dict_iter it;
    dict_iter_init(&it, pubsub_patterns);
    while ((e = dict_iter_next(&it)) != NULL) {
        if (!util_glob_match(e->key, sds_len(e->key), channel, clen,
                             false)) {
            continue;
        }
        struct pubsub_subscribers *s = e->v.ptr;
        for (size_t i = 0; i < s->count; i++) {
            struct client *r = s->clients[i];
            r->flags |= CLIENT_PUSHING;
            reply_push(r, 4);
            reply_bulk(r, "pmessage", 8);
            reply_bulk_sds(r, e->key);
            reply_bulk(r, channel, clen);
            reply_bulk(r, msg, mlen);
            r->flags &= ~CLIENT_PUSHING;
            client_flush(r);
            receivers++;
        }
    }
    dict_iter_release(&it);
    return receivers;
}

/* PUBLISH channel message */
void cmd_publish(struct client *c)
{
    reply_integer(c, pubsub_publish(c->argv[1].ptr, c->argv[1].len,
                                    c->argv[2].ptr, c->argv[2].len));
}

/* PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | HELP */
void cmd_pubsub(struct client *c)
{
    const struct arg *sub = &c->argv[1];
    if (arg_is(sub, "channels") && c->argc <= 3) {
        const struct arg *pat = c->argc == 3 ? &c->argv[2] : NULL;
        size_t handle = reply_defer_len(c);
        long long n = 0;
        if (pubsub_channels != NULL) {
            struct dict_iter it;
            dict_iter_init(&it, pubsub_channels);
            struct dict_entry *e;
            while ((e = dict_iter_next(&it)) != NULL) {
                if (pat == NULL || util_glob_match(pat->ptr, pat->len,
                                                   e->key, sds_len(e->key),
                                                   false)) {
                    reply_bulk_sds(c, e->key);
                    n++;
                }
            }
            dict_iter_release(&it);
        }
        reply_set_array_len(c, handle, n);
    } else if (arg_is(sub, "numsub")) {
        reply_array(c, (long long)(c->argc - 2) * 2);
        for (int i = 2; i < c->argc; i++) {
            struct dict_entry *e = pubsub_channels != NULL
                ? dict_find(pubsub_channels, c->argv[i].ptr, c->argv[i].len)
                : NULL;
            reply_bulk(c, c->argv[i].ptr, c->argv[i].len);
            reply_integer(c, e != NULL ? (long long)
                          ((struct pubsub_subscribers *)e->v.ptr)->count : 0);
        }
    } else if (arg_is(sub, "numpat") && c->argc == 2) {
        reply_integer(c, pubsub_patterns != NULL
                         ? (long long)dict_size(pubsub_patterns) : 0);
    } else if (arg_is(sub, "help") && c->argc == 2) {
        static const char *help[] = {
            "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands "
            "are:",
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> "
            "(default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified "
            "channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "HELP",
            "    Prints this help.",
        };
        reply_help(c, help, sizeof(help) / sizeof(help[0]));
    } else if (arg_is(sub, "channels") || arg_is(sub, "numpat") ||
               arg_is(sub, "help")) {
        char lower[16];
        size_t n = 0;
        for (; n < sub->len && n < sizeof(lower) - 1; n++) {
            lower[n] = (char)(sub->ptr[n] | 0x20);
        }
        lower[n] = '\0';
        reply_error(c, "wrong number of arguments for 'pubsub|%s' command",
                    lower);
    } else {
        reply_error(c, "unknown subcommand '%.128s'. Try PUBSUB HELP.",
                    sub->ptr);
    }
}

bool pubsub_refuse(struct client *c, const struct command *cmd)
{
    static const char *allowed[] = {
        "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ping",
        "quit", "reset",
    };
    /* RESP3 carries messages as pushes, so any command may run. */
    if (!(c->flags & CLIENT_PUBSUB) || c->resp >= 3) {
        return false;
    }
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        if (strcmp(cmd->spec->name, allowed[i]) == 0) {
            return false;
        }
    }
    reply_error(c, "Can't execute '%s%s%s': only (P|S)SUBSCRIBE / "
                   "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
                   "this context", cmd->spec->name,
                c->last_sub[0] != '\0' ? "|" : "", c->last_sub);
    return true;
}

bool pubsub_is_subscribed(const struct client *c, const char *channel,
                          size_t len)
{
    return c->pubsub != NULL &&
           dict_find(c->pubsub->channels, channel, len) != NULL;
}

void pubsub_client_counts(const struct client *c, size_t *channels,
                          size_t *patterns)
{
    *channels = c->pubsub != NULL ? dict_size(c->pubsub->channels) : 0;
    *patterns = c->pubsub != NULL ? dict_size(c->pubsub->patterns) : 0;
}

size_t pubsub_channel_count(void)
{
    return pubsub_channels != NULL ? dict_size(pubsub_channels) : 0;
}

size_t pubsub_pattern_count(void)
{
    return pubsub_patterns != NULL ? dict_size(pubsub_patterns) : 0;
}

void pubsub_release(void)
{
    dict_free(pubsub_channels);
    dict_free(pubsub_patterns);
    pubsub_channels = pubsub_patterns = NULL;
}
