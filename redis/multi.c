/* Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
 *
 * After MULTI, server_process_command checks each command as usual and
 * hands it to multi_queue instead of running it (+QUEUED); a command
 * refused by those checks marks the transaction (CLIENT_DIRTY_EXEC) so
 * EXEC answers EXECABORT. EXEC runs the queue through server_call with
 * blocking denied, and wraps what it propagates in MULTI ... EXEC.
 *
 * WATCH records keys per database in a table key -> watching clients; a
 * db_on_modified hook marks every watcher of a changed key (or of every
 * key of a flushed database) CLIENT_DIRTY_CAS, and EXEC of a dirty
 * transaction replies a null array without running anything. */
#include <string.h>

#include "lib/mem.h"
#include "redis/server.h"

/* One queued command: its row and a copy of its arguments. */
struct multi_cmd {
    const struct command *cmd;
    int argc;
    char **args;        /* sds copies */
    struct arg *argv;   /* views of 'args' */
};

/* One watched key of a client. */
struct multi_watched {
    int dbid;
    char *key;          /* sds, owned */
};

/* A client's transaction. */
struct multi_state {
    struct multi_cmd *cmds;
    size_t count;
    size_t cap;
    struct multi_watched *watched;
    size_t watched_count;
    size_t watched_cap;
};

/* One client watching a key. A flush only touches watchers whose key
 * existed when they began to watch: any later creation or deletion
 * already marked them. */
struct multi_watcher {
    struct client *client;
    bool existed;
};

/* The clients watching one key. */
struct multi_watchers {
    struct multi_watcher *clients;
    size_t count;
    size_t cap;
};

static void multi_free_watchers(void *ptr)
{
    struct multi_watchers *w = ptr;
    mem_free(w->clients);
    mem_free(w);
}

static const struct dict_type multi_watch_type = { true, multi_free_watchers };

static struct dict **multi_watch_keys; /* per database: key -> watchers */
static size_t multi_watch_total;       /* watched (client, key) pairs */

static struct multi_state *multi_state_of(struct client *c)
{
    if (c->multi == NULL) {
        c->multi = mem_calloc(1, sizeof(*c->multi));
    }
    return c->multi;
}

/* Drop the queued commands and leave MULTI. */
static void multi_discard_queue(struct client *c)
{
    struct multi_state *m = c->multi;
    if (m != NULL) {
        for (size_t i = 0; i < m->count; i++) {
            for (int j = 0; j < m->cmds[i].argc; j++) {
                sds_free(m->cmds[i].args[j]);
            }
            mem_free(m->cmds[i].args);
            mem_free(m->cmds[i].argv);
        }
        mem_free(m->cmds);
        m->cmds = NULL;
        m->count = m->cap = 0;
    }
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_EXEC | CLIENT_DIRTY_CAS);
}

/* Forget every key 'c' watches. */
static void multi_unwatch_all(struct client *c)
{
    struct multi_state *m = c->multi;
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; i < m->watched_count; i++) {
        struct multi_watched *wk = &m->watched[i];
        struct dict *keys = multi_watch_keys[wk->dbid];
        size_t len = sds_len(wk->key);
        struct dict_entry *e = dict_find(keys, wk->key, len);
        if (e != NULL) {
            struct multi_watchers *w = e->v.ptr;
            for (size_t j = 0; j < w->count; j++) {
                if (w->clients[j].client == c) {
                    w->clients[j] = w->clients[--w->count];
                    break;
                }
            }
            if (w->count == 0) {
                dict_delete(keys, wk->key, len);
            }
        }
        sds_free(wk->key);
        multi_watch_total--;
    }
    mem_free(m->watched);
    m->watched = NULL;
    m->watched_count = m->watched_cap = 0;
}

void multi_client_release(struct client *c)
{
    if (c->multi == NULL) {
        return;
    }
    multi_discard_queue(c);
    multi_unwatch_all(c);
    mem_free(c->multi);
    c->multi = NULL;
}

long long multi_queued_count(const struct client *c)
{
    if (!(c->flags & CLIENT_MULTI)) {
        return -1;
    }
    return c->multi != NULL ? (long long)c->multi->count : 0;
}

void multi_flag_error(struct client *c)
{
    if (c->flags & CLIENT_MULTI) {
        c->flags |= CLIENT_DIRTY_EXEC;
    }
}

bool multi_should_queue(const struct client *c, const struct command *cmd)
{
    if (!(c->flags & CLIENT_MULTI)) {
        return false;
    }
    static const char *run_now[] = {
        "exec", "discard", "multi", "watch", "quit", "reset",
    };
    for (size_t i = 0; i < sizeof(run_now) / sizeof(run_now[0]); i++) {
        if (strcmp(cmd->spec->name, run_now[i]) == 0) {
            return false;
        }
    }
    return true;
}

void multi_queue(struct client *c, const struct command *cmd)
{
    struct multi_state *m = multi_state_of(c);
    if (m->count == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->cmds = mem_realloc(m->cmds, m->cap * sizeof(*m->cmds));
    }
    struct multi_cmd *q = &m->cmds[m->count++];
    q->cmd = cmd;
    q->argc = c->argc;
    q->args = mem_alloc((size_t)c->argc * sizeof(*q->args));
    q->argv = mem_alloc((size_t)c->argc * sizeof(*q->argv));
    for (int i = 0; i < c->argc; i++) {
        q->args[i] = sds_new(c->argv[i].ptr, c->argv[i].len);
        q->argv[i].ptr = q->args[i];
        q->argv[i].len = c->argv[i].len;
    }
    reply_raw(c, "+QUEUED\r\n", 9);
}

/* MULTI */
void cmd_multi(struct client *c)
{
    if (c->flags & CLIENT_MULTI) {
        reply_error(c, "MULTI calls can not be nested");
        return;
    }
    multi_state_of(c);
    c->flags |= CLIENT_MULTI;
    reply_ok(c);
}

/* DISCARD */
void cmd_discard(struct client *c)
{
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "DISCARD without MULTI");
        return;
    }
    multi_discard_queue(c);
    multi_unwatch_all(c);
    reply_ok(c);
}

/* EXEC */
void cmd_exec(struct client *c)
{
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "EXEC without MULTI");
        return;
    }
    if (c->flags & CLIENT_DIRTY_EXEC) {
        reply_error_text(c, "EXECABORT Transaction discarded because of "
                            "previous errors.");
        multi_discard_queue(c);
        multi_unwatch_all(c);
        return;
    }
    /* A watched key whose time ran out counts as changed even if nothing
     * has deleted it yet. */
    for (size_t i = 0; c->multi != NULL && i < c->multi->watched_count; i++) {
        const struct multi_watched *wk = &c->multi->watched[i];
        if (db_key_is_expired(&server.db[wk->dbid], wk->key,
                              sds_len(wk->key))) {
            c->flags |= CLIENT_DIRTY_CAS;
        }
    }
    if (c->flags & CLIENT_DIRTY_CAS) {
        reply_null_array(c);
        multi_discard_queue(c);
        multi_unwatch_all(c);
        return;
    }
    multi_unwatch_all(c);
    struct multi_state *m = c->multi;
    /* Take the queue so that the commands run outside MULTI. */
    struct multi_cmd *cmds = m->cmds;
    size_t count = m->count;
    m->cmds = NULL;
    m->count = m->cap = 0;
    c->flags &= ~CLIENT_MULTI;

    const struct command *exec_cmd = c->cmd;
    int argc = c->argc;
    struct arg *argv = c->argv;
    bool propagated_multi = false;
    reply_array(c, (long long)count);
    c->flags |= CLIENT_DENY_BLOCKING;
    for (size_t i = 0; i < count; i++) {
        if ((cmds[i].cmd->spec->flags &
             (CMDSPEC_WRITE | CMDSPEC_MAY_REPLICATE)) && !propagated_multi) {
            struct arg multi_argv[1] = { { "MULTI", 5 } };
            server_propagate(c->db->id, 1, multi_argv);
            propagated_multi = true;
        }
        c->argc = cmds[i].argc;
        c->argv = cmds[i].argv;
        c->cmd = cmds[i].cmd;
        server_call(c);
    }
    c->flags &= ~CLIENT_DENY_BLOCKING;
    c->argc = argc;
    c->argv = argv;
    c->cmd = exec_cmd;
    server.current = c;
    c->flags |= CLIENT_IN_CALL;
    if (propagated_multi) {
        struct arg exec_argv[1] = { { "EXEC", 4 } };
        server_propagate(c->db->id, 1, exec_argv);
    }
    c->flags |= CLIENT_PREVENT_PROP;
    m->cmds = cmds;
    m->count = m->cap = count;
    multi_discard_queue(c);
}

/* db_on_modified hook: mark the watchers of 'key' (NULL: of every key of
 * 'db'). */
static void multi_on_modified(struct db *db, const char *key, size_t len)
{
    if (multi_watch_total == 0 || multi_watch_keys[db->id] == NULL) {
        return;
    }
    struct dict *keys = multi_watch_keys[db->id];
    if (key != NULL) {
        struct dict_entry *e = dict_find(keys, key, len);
        if (e != NULL) {
            struct multi_watchers *w = e->v.ptr;
            for (size_t i = 0; i < w->count; i++) {
                w->clients[i].client->flags |= CLIENT_DIRTY_CAS;
            }
        }
        return;
    }
    struct dict_iter it;
    dict_iter_init(&it, keys);
    struct dict_entry *e;
    while ((e = dict_iter_next(&it)) != NULL) {
        struct multi_watchers *w = e->v.ptr;
        for (size_t i = 0; i < w->count; i++) {
            if (w->clients[i].existed) {
                w->clients[i].client->flags |= CLIENT_DIRTY_CAS;
            }
        }
    }
    dict_iter_release(&it);
}

/* WATCH key [key ...] */
void cmd_watch(struct client *c)
{
    if (c->flags & CLIENT_MULTI) {
        reply_error(c, "WATCH inside MULTI is not allowed");
        return;
    }
    if (multi_watch_keys == NULL) {
        multi_watch_keys = mem_calloc((size_t)server.databases,
                                      sizeof(*multi_watch_keys));
    }
    struct dict **keys = &multi_watch_keys[c->db->id];
    if (*keys == NULL) {
        *keys = dict_new(&multi_watch_type);
    }
    struct multi_state *m = multi_state_of(c);
    for (int i = 1; i < c->argc; i++) {
        const struct arg *k = &c->argv[i];
        struct dict_entry *e = dict_find(*keys, k->ptr, k->len);
        if (e == NULL) {
            e = dict_insert(*keys, sds_new(k->ptr, k->len));
            e->v.ptr = mem_calloc(1, sizeof(struct multi_watchers));
        }
        struct multi_watchers *w = e->v.ptr;
        bool already = false;
        for (size_t j = 0; j < w->count && !already; j++) {
            already = w->clients[j].client == c;
        }
        if (already) {
            continue;
        }
        if (w->count == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 4;
            w->clients = mem_realloc(w->clients,
                                     w->cap * sizeof(*w->clients));
        }
        w->clients[w->count].client = c;
        w->clients[w->count].existed = db_exists(c->db, k->ptr, k->len);
        w->count++;
        if (m->watched_count == m->watched_cap) {
            m->watched_cap = m->watched_cap ? m->watched_cap * 2 : 4;
            m->watched = mem_realloc(m->watched, m->watched_cap *
                                     sizeof(*m->watched));
        }
        m->watched[m->watched_count].dbid = c->db->id;
        m->watched[m->watched_count].key = sds_new(k->ptr, k->len);
        m->watched_count++;
        multi_watch_total++;
    }
    reply_ok(c);
}

/* UNWATCH */
void cmd_unwatch(struct client *c)
{
    multi_unwatch_all(c);
    c->flags &= ~CLIENT_DIRTY_CAS;
    reply_ok(c);
}

void multi_init(void)
{
    db_on_modified(multi_on_modified);
}

void multi_release(void)
{
    if (multi_watch_keys != NULL) {
        for (int i = 0; i < server.databases; i++) {
            dict_free(multi_watch_keys[i]);
        }
        mem_free(multi_watch_keys);
        multi_watch_keys = NULL;
    }
}
