/* Client-side caching (CLIENT TRACKING): the server remembers which keys
 * each tracking client read and tells it when one of them changes, so it
 * can drop its cached copy. Not here: the CLIENT subcommands' parsing
 * (client.c).
 *
 * Default mode: after a read-only command of a tracking client (OPTIN:
 * only after CLIENT CACHING yes; OPTOUT: unless CLIENT CACHING no) its
 * keys go into tracking_table (key -> ids of the clients that read it).
 * When a key changes (the db_on_modified hook), every client in its entry
 * gets one invalidation and the entry is dropped: a client must read the
 * key again to hear about it again. BCAST mode: nothing is remembered;
 * every change of a key under one of the client's prefixes is queued and
 * sent once per prefix at the end of the loop's turn.
 *
 * The message: under RESP3 a push [invalidate, [key ...]]; with REDIRECT
 * to a RESP2 client subscribed to __redis__:invalidate, a pub/sub message
 * on that channel. A flush sends a null instead of the keys. A message
 * for the client whose request is running waits until its reply is out.
 * The table ignores the database number, as Redis's does.
 *
 * Entry points: tracking_enable/disable, tracking_after_call (remember
 * keys), tracking_after_command (send what waited), tracking_before_sleep
 * (BCAST batches), tracking_init. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/server.h"

#define TRACKING_CHANNEL "__redis__:invalidate"

/* The ids of the clients that read one key. */
struct tracking_ids {
    uint64_t *ids;
    size_t count;
    size_t cap;
};

/* A client's tracking state (NULL in struct client when off). */
struct tracking_state {
    uint64_t redirect;        /* client id to send to, 0 for itself */
    bool bcast;
    bool optin;
    bool optout;
    bool noloop;
    bool caching_yes;         /* CLIENT CACHING yes, for the next command */
    bool caching_no;          /* CLIENT CACHING no, for the next command */
    bool caching_set_now;     /* the running command is CLIENT CACHING */
    bool broken_redir;        /* the redirect client went away */
    char **prefixes;          /* BCAST prefixes (sds), owned */
    size_t prefix_count;
};

/* One BCAST prefix: the clients that asked for it and the changed keys
 * not sent yet, each with the id of the client that changed it. */
struct tracking_prefix {
    char *prefix;             /* sds, owned */
    struct tracking_ids clients;
    char **keys;              /* sds, owned */
    uint64_t *changed_by;
    size_t key_count;
    size_t key_cap;
};

static void tracking_ids_free(void *ptr)
{
    struct tracking_ids *t = ptr;
    mem_free(t->ids);
    mem_free(t);
}

static const struct dict_type tracking_table_type = {
    true, tracking_ids_free
};

static struct dict *tracking_table;           /* key -> tracking_ids */
static struct tracking_prefix *tracking_prefixes;
static size_t tracking_prefix_count;
static size_t tracking_client_count;          /* clients with tracking on */
/* Messages for the client whose request runs (server.in_request), held
 * until its reply is written: sds or NULL. */
static char *tracking_pending;
static uint64_t tracking_pending_for;
/* server.stat_commands when the last flush was announced. */
static long long tracking_flushed_at = -1;

static void tracking_ids_add(struct tracking_ids *t, uint64_t id)
{
    for (size_t i = 0; i < t->count; i++) {
        if (t->ids[i] == id) {
            return;
        }
    }
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4;
        t->ids = mem_realloc(t->ids, t->cap * sizeof(*t->ids));
    }
    t->ids[t->count++] = id;
}

static void tracking_ids_remove(struct tracking_ids *t, uint64_t id)
{
    for (size_t i = 0; i < t->count; i++) {
        if (t->ids[i] == id) {
            t->ids[i] = t->ids[--t->count];
            return;
        }
    }
}

static struct client *tracking_client_by_id(uint64_t id)
{
    for (struct client *c = server.clients; c != NULL; c = c->next) {
        if (c->id == id && !(c->flags & CLIENT_CLOSE_ASAP)) {
            return c;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Sending */

/* Writes the keys part of an invalidation (an array of keys, or a null)
 * to 'to', from the sender's 'priv'. */
typedef void (*tracking_body_fn)(struct client *to, const void *priv);

/* Deliver an invalidation meant for 'c' (to its redirect client if it has
 * one); 'body' writes the keys part. Waits in c's pending buffer if the
 * receiver's own command is running. */
static void tracking_send(struct client *c, tracking_body_fn body,
                          const void *priv)
{
    struct tracking_state *t = c->tracking;
    struct client *to = c;
    bool redirected = false;
    if (t->redirect != 0) {
        to = tracking_client_by_id(t->redirect);
        if (to == NULL) {
            t->broken_redir = true;
            if (c->resp >= 3) {
                c->flags |= CLIENT_PUSHING;
                reply_push(c, 2);
                reply_bulk_str(c, "tracking-redir-broken");
                reply_integer(c, (long long)t->redirect);
                c->flags &= ~CLIENT_PUSHING;
            }
            return;
        }
        redirected = true;
    }
    if (to->resp < 3 && !(redirected &&
                          pubsub_is_subscribed(to, TRACKING_CHANNEL,
                                               strlen(TRACKING_CHANNEL)))) {
        return;
    }
    /* The receiver's running command replies first: write the message
     * after its output, by moving what it wrote aside. */
    size_t mark = to->olen;
    to->flags |= CLIENT_PUSHING;
    if (to->resp >= 3) {
        reply_push(to, 2);
        reply_bulk_str(to, "invalidate");
    } else {
        reply_array(to, 3);
        reply_bulk_str(to, "message");
        reply_bulk_str(to, TRACKING_CHANNEL);
    }
    body(to, priv);
    to->flags &= ~CLIENT_PUSHING;
    if (to != server.in_request) {
        client_flush(to);
        return;
    }
    if (tracking_pending == NULL) {
        tracking_pending = sds_new_empty(64);
    }
    tracking_pending_for = to->id;
    tracking_pending = sds_cat(tracking_pending, to->obuf + mark,
                               to->olen - mark);
    to->olen = mark;
}

struct tracking_one_key {
    const char *key;
    size_t len;
};

static void tracking_body_key(struct client *to, const void *priv)
{
    const struct tracking_one_key *k = priv;
    reply_array(to, 1);
    reply_bulk(to, k->key, k->len);
}

static void tracking_body_null(struct client *to, const void *priv)
{
    (void)priv;
    reply_null(to);
}

/* The keys of one BCAST batch for one client. */
struct tracking_batch {
    const struct tracking_prefix *p;
    uint64_t skip_id;         /* NOLOOP: keys this client changed, or 0 */
    size_t count;
};

static void tracking_body_batch(struct client *to, const void *priv)
{
    const struct tracking_batch *b = priv;
    reply_array(to, (long long)b->count);
    for (size_t i = 0; i < b->p->key_count; i++) {
        if (b->skip_id == 0 || b->p->changed_by[i] != b->skip_id) {
            reply_bulk_sds(to, b->p->keys[i]);
        }
    }
}

/* ------------------------------------------------------------------------
 * Keys changing */

static void tracking_invalidate_key(const char *key, size_t len)
{
    struct tracking_one_key k = { key, len };
    struct dict_entry *e = dict_find(tracking_table, key, len);
    if (e != NULL) {
        /* Unlinked first: sending can not change the table, but keep
         * the entry valid while its ids are read. */
        struct tracking_ids *ids = e->v.ptr;
        for (size_t i = 0; i < ids->count; i++) {
            struct client *c = tracking_client_by_id(ids->ids[i]);
            if (c == NULL || c->tracking == NULL || c->tracking->bcast ||
                (c->tracking->noloop && c == server.in_request)) {
                continue;
            }
            tracking_send(c, tracking_body_key, &k);
        }
        dict_delete(tracking_table, key, len);
    }
    uint64_t by = server.in_request != NULL ? server.in_request->id : 0;
    for (size_t i = 0; i < tracking_prefix_count; i++) {
        struct tracking_prefix *p = &tracking_prefixes[i];
        size_t plen = sds_len(p->prefix);
        if (len < plen || memcmp(key, p->prefix, plen) != 0) {
            continue;
        }
        if (p->key_count == p->key_cap) {
            p->key_cap = p->key_cap ? p->key_cap * 2 : 8;
            p->keys = mem_realloc(p->keys, p->key_cap * sizeof(*p->keys));
            p->changed_by = mem_realloc(p->changed_by,
                                        p->key_cap * sizeof(*p->changed_by));
        }
        p->keys[p->key_count] = sds_new(key, len);
        p->changed_by[p->key_count++] = by;
    }
}

/* A flush: every tracking client hears it, and nothing is remembered. */
static void tracking_invalidate_all(void)
{
    for (struct client *c = server.clients; c != NULL; c = c->next) {
        if (c->tracking != NULL && !(c->flags & CLIENT_CLOSE_ASAP)) {
            tracking_send(c, tracking_body_null, NULL);
        }
    }
    dict_clear(tracking_table);
}

/* db_on_modified hook. */
static void tracking_on_modified(struct db *db, const char *key, size_t len)
{
    (void)db;
    if (tracking_client_count == 0) {
        return;
    }
    if (key == NULL) {
        /* FLUSHALL signals each database: one message per command. */
        if (tracking_flushed_at != server.stat_commands) {
            tracking_flushed_at = server.stat_commands;
            tracking_invalidate_all();
        }
    } else {
        tracking_invalidate_key(key, len);
    }
}

void tracking_before_sleep(void)
{
    for (size_t i = 0; i < tracking_prefix_count; i++) {
        struct tracking_prefix *p = &tracking_prefixes[i];
        if (p->key_count == 0) {
            continue;
        }
        for (size_t k = 0; k < p->clients.count; k++) {
            struct client *c = tracking_client_by_id(p->clients.ids[k]);
            if (c == NULL || c->tracking == NULL) {
                continue;
            }
            struct tracking_batch b = { p, 0, 0 };
            if (c->tracking->noloop) {
                b.skip_id = c->id;
            }
            for (size_t j = 0; j < p->key_count; j++) {
                b.count += b.skip_id == 0 || p->changed_by[j] != b.skip_id;
            }
            if (b.count > 0) {
                tracking_send(c, tracking_body_batch, &b);
            }
        }
        for (size_t j = 0; j < p->key_count; j++) {
            sds_free(p->keys[j]);
        }
        p->key_count = 0;
    }
}

/* ------------------------------------------------------------------------
 * Reads */

static const char *tracking_arg(const void *argv, int i, size_t *len)
{
    const struct arg *a = argv;
    *len = a[i].len;
    return a[i].ptr;
}

/* True if a read by 'cmd' makes 'c' remember keys: a read-only command
 * (not EVAL_RO, EVALSHA_RO or FCALL_RO themselves: the commands their
 * scripts run count), default or OPTIN/OPTOUT mode as CLIENT CACHING
 * says. */
static bool tracking_wants(const struct tracking_state *t,
                           const struct command *cmd)
{
    const char *name = cmd->spec->name;
    return !t->bcast && (cmd->spec->flags & CMDSPEC_READONLY) &&
           strcmp(name, "eval_ro") != 0 && strcmp(name, "evalsha_ro") != 0 &&
           strcmp(name, "fcall_ro") != 0 &&
           (!t->optin || t->caching_yes) && (!t->optout || !t->caching_no);
}

static void tracking_remember(struct client *c, const struct command *cmd);

void tracking_after_call(struct client *c, const struct command *cmd)
{
    struct tracking_state *t = c->tracking;
    if (t == NULL) {
        return;
    }
    bool caching_cmd = t->caching_set_now;
    t->caching_set_now = false;
    bool want = tracking_wants(t, cmd);
    if (!caching_cmd && !(c->flags & CLIENT_MULTI)) {
        t->caching_yes = t->caching_no = false;
    }
    if (want) {
        tracking_remember(c, cmd);
    }
}

void tracking_totals(size_t *clients, size_t *keys, size_t *items,
                     size_t *prefixes)
{
    *clients = tracking_client_count;
    *keys = tracking_table != NULL ? dict_size(tracking_table) : 0;
    *items = 0;
    *prefixes = tracking_prefix_count;
    if (tracking_table == NULL) {
        return;
    }
    struct dict_iter it;
    dict_iter_init(&it, tracking_table);
    for (struct dict_entry *e = dict_iter_next(&it); e != NULL;
         e = dict_iter_next(&it)) {
        *items += ((const struct tracking_ids *)e->v.ptr)->count;
    }
    dict_iter_release(&it);
}

void tracking_script_read(struct client *caller, const struct command *cmd)
{
    /* Redis 7.0 remembers the keys the script's command declares (its
     * KEYS), not the keys of the command the script ran. */
    if (caller->tracking != NULL && caller->cmd != NULL &&
        tracking_wants(caller->tracking, cmd)) {
        tracking_remember(caller, caller->cmd);
    }
}

/* Remember the keys of c->argv ('cmd's) as read by 'c'. */
static void tracking_remember(struct client *c, const struct command *cmd)
{
    if (c->argc == 0) {
        return;
    }
    int *keys = mem_alloc((size_t)c->argc * sizeof(*keys));
    int n = cmdspec_keys(cmd->spec, c->argc, tracking_arg, c->argv, keys);
    for (int i = 0; i < n; i++) {
        const struct arg *k = &c->argv[keys[i]];
        struct dict_entry *e = dict_find(tracking_table, k->ptr, k->len);
        if (e == NULL) {
            e = dict_insert(tracking_table, sds_new(k->ptr, k->len));
            e->v.ptr = mem_calloc(1, sizeof(struct tracking_ids));
        }
        tracking_ids_add(e->v.ptr, c->id);
    }
    mem_free(keys);
}

void tracking_after_command(struct client *c)
{
    if (tracking_pending == NULL) {
        return;
    }
    char *p = tracking_pending;
    tracking_pending = NULL;
    if (tracking_pending_for == c->id) {
        c->flags |= CLIENT_PUSHING;
        reply_raw(c, p, sds_len(p));
        c->flags &= ~CLIENT_PUSHING;
    }
    sds_free(p);
}

/* ------------------------------------------------------------------------
 * Turning it on and off */

static struct tracking_prefix *tracking_prefix_get(const char *p, size_t len)
{
    for (size_t i = 0; i < tracking_prefix_count; i++) {
        if (sds_len(tracking_prefixes[i].prefix) == len &&
            memcmp(tracking_prefixes[i].prefix, p, len) == 0) {
            return &tracking_prefixes[i];
        }
    }
    tracking_prefixes = mem_realloc(tracking_prefixes,
                                    (tracking_prefix_count + 1) *
                                    sizeof(*tracking_prefixes));
    struct tracking_prefix *n = &tracking_prefixes[tracking_prefix_count++];
    memset(n, 0, sizeof(*n));
    n->prefix = sds_new(p, len);
    return n;
}

/* True if one of 'a' and 'b' starts with the other. */
static bool tracking_overlap(const char *a, size_t alen, const char *b,
                             size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    return memcmp(a, b, n) == 0;
}

int tracking_enable(struct client *c, const struct tracking_options *o,
                    char *err, size_t errlen)
{
    struct tracking_state *t = c->tracking;
    if (o->redirect != 0 && tracking_client_by_id((uint64_t)o->redirect) ==
                            NULL) {
        snprintf(err, errlen, "The client ID you want redirect to does not "
                              "exist");
        return -1;
    }
    if (o->bcast && (o->optin || o->optout)) {
        snprintf(err, errlen, "OPTIN and OPTOUT are not compatible with "
                              "BCAST");
        return -1;
    }
    if (o->optin && o->optout) {
        snprintf(err, errlen, "You can't specify both OPTIN mode and OPTOUT "
                              "mode");
        return -1;
    }
    if (o->prefix_count > 0 && !o->bcast) {
        snprintf(err, errlen, "PREFIX option requires BCAST mode to be "
                              "enabled");
        return -1;
    }
    if (t != NULL && t->bcast != o->bcast) {
        snprintf(err, errlen, "You can't switch BCAST mode on/off before "
                 "disabling tracking for this client, and then re-enabling "
                 "it with a different mode.");
        return -1;
    }
    if (t != NULL && (t->optin != o->optin || t->optout != o->optout)) {
        snprintf(err, errlen, "You can't switch OPTIN/OPTOUT mode before "
                 "disabling tracking for this client, and then re-enabling "
                 "it with a different mode.");
        return -1;
    }
    for (int i = 0; i < o->prefix_count; i++) {
        const struct arg *p = &o->prefixes[i];
        for (size_t k = 0; t != NULL && k < t->prefix_count; k++) {
            if (tracking_overlap(p->ptr, p->len, t->prefixes[k],
                                 sds_len(t->prefixes[k]))) {
                snprintf(err, errlen, "Prefix '%s' overlaps with an "
                         "existing prefix '%s'. Prefixes for a single client "
                         "must not overlap.", p->ptr, t->prefixes[k]);
                return -1;
            }
        }
        for (int k = i + 1; k < o->prefix_count; k++) {
            const struct arg *q = &o->prefixes[k];
            if (tracking_overlap(p->ptr, p->len, q->ptr, q->len)) {
                snprintf(err, errlen, "Prefix '%s' overlaps with another "
                         "provided prefix '%s'. Prefixes for a single client "
                         "must not overlap.", p->ptr, q->ptr);
                return -1;
            }
        }
    }
    if (t == NULL) {
        t = c->tracking = mem_calloc(1, sizeof(*t));
        tracking_client_count++;
    }
    t->redirect = (uint64_t)o->redirect;
    t->bcast = o->bcast;
    t->optin = o->optin;
    t->optout = o->optout;
    t->noloop = o->noloop;
    t->broken_redir = false;
    /* BCAST with no prefix follows every key: the empty prefix. */
    int count = o->bcast && o->prefix_count == 0 && t->prefix_count == 0
                ? 1 : o->prefix_count;
    for (int i = 0; i < count; i++) {
        const char *p = o->prefix_count > 0 ? o->prefixes[i].ptr : "";
        size_t len = o->prefix_count > 0 ? o->prefixes[i].len : 0;
        t->prefixes = mem_realloc(t->prefixes, (t->prefix_count + 1) *
                                               sizeof(*t->prefixes));
        t->prefixes[t->prefix_count++] = sds_new(p, len);
        tracking_ids_add(&tracking_prefix_get(p, len)->clients, c->id);
    }
    return 0;
}

void tracking_disable(struct client *c)
{
    struct tracking_state *t = c->tracking;
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->prefix_count; i++) {
        struct tracking_prefix *p = tracking_prefix_get(
            t->prefixes[i], sds_len(t->prefixes[i]));
        tracking_ids_remove(&p->clients, c->id);
        sds_free(t->prefixes[i]);
    }
    mem_free(t->prefixes);
    mem_free(t);
    c->tracking = NULL;
    tracking_client_count--;
}

int tracking_caching(struct client *c, bool yes, char *err, size_t errlen)
{
    struct tracking_state *t = c->tracking;
    if (t == NULL) {
        snprintf(err, errlen, "CLIENT CACHING can be called only when the "
                 "client is in tracking mode with OPTIN or OPTOUT mode "
                 "enabled");
        return -1;
    }
    if (yes && !t->optin) {
        snprintf(err, errlen, "CLIENT CACHING YES is only valid when "
                              "tracking is enabled in OPTIN mode.");
        return -1;
    }
    if (!yes && !t->optout) {
        snprintf(err, errlen, "CLIENT CACHING NO is only valid when "
                              "tracking is enabled in OPTOUT mode.");
        return -1;
    }
    if (yes) {
        t->caching_yes = true;
    } else {
        t->caching_no = true;
    }
    t->caching_set_now = true;
    return 0;
}

long long tracking_redirect_of(const struct client *c)
{
    return c->tracking == NULL ? -1 : (long long)c->tracking->redirect;
}

size_t tracking_flag_letters(const struct client *c, char *out)
{
    size_t n = 0;
    if (c->tracking != NULL) {
        out[n++] = 't';
        if (c->tracking->broken_redir) {
            out[n++] = 'R';
        }
        if (c->tracking->bcast) {
            out[n++] = 'B';
        }
    }
    return n;
}

void tracking_info_reply(struct client *c)
{
    struct tracking_state *t = c->tracking;
    const char *flags[8];
    size_t n = 0;
    if (t == NULL) {
        flags[n++] = "off";
    } else {
        flags[n++] = "on";
        if (t->bcast) {
            flags[n++] = "bcast";
        }
        if (t->optin) {
            flags[n++] = "optin";
            if (t->caching_yes) {
                flags[n++] = "caching-yes";
            }
        }
        if (t->optout) {
            flags[n++] = "optout";
            if (t->caching_no) {
                flags[n++] = "caching-no";
            }
        }
        if (t->noloop) {
            flags[n++] = "noloop";
        }
        if (t->broken_redir) {
            flags[n++] = "broken_redirect";
        }
    }
    reply_map(c, 3);
    reply_bulk_str(c, "flags");
    reply_set(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        reply_bulk_str(c, flags[i]);
    }
    reply_bulk_str(c, "redirect");
    reply_integer(c, tracking_redirect_of(c));
    reply_bulk_str(c, "prefixes");
    size_t np = 0;
    for (size_t i = 0; t != NULL && i < t->prefix_count; i++) {
        np += sds_len(t->prefixes[i]) > 0;
    }
    reply_array(c, (long long)np);
    for (size_t i = 0; t != NULL && i < t->prefix_count; i++) {
        if (sds_len(t->prefixes[i]) > 0) {
            reply_bulk_sds(c, t->prefixes[i]);
        }
    }
}

void tracking_init(void)
{
    tracking_table = dict_new(&tracking_table_type);
    db_on_modified(tracking_on_modified);
}

void tracking_release(void)
{
    if (tracking_table != NULL) {
        dict_free(tracking_table);
        tracking_table = NULL;
    }
    for (size_t i = 0; i < tracking_prefix_count; i++) {
        struct tracking_prefix *p = &tracking_prefixes[i];
        for (size_t j = 0; j < p->key_count; j++) {
            sds_free(p->keys[j]);
        }
        sds_free(p->prefix);
        mem_free(p->clients.ids);
        mem_free(p->keys);
        mem_free(p->changed_by);
    }
    mem_free(tracking_prefixes);
    tracking_prefixes = NULL;
    if (tracking_pending != NULL) {
        sds_free(tracking_pending);
        tracking_pending = NULL;
    }
    tracking_prefix_count = 0;
    tracking_client_count = 0;
}
