/* Clients blocked on keys (BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BZPOPMIN,
 * BZPOPMAX): who waits
 * for which key, in which order, until when; and waking them. Not here:
 * what serving a woken client means, which the command's file says
 * through a blocking_serve_fn (t_list.c, t_zset.c).
 *
 *   blocking_block      a command found nothing: park the client on its
 *                       keys (FIFO per key), arm its timeout, stop reading
 *                       its further requests (CLIENT_BLOCKED)
 *   db change hook      a key with waiters changed: queue it as ready
 *   blocking_handle_ready  after each command (networking.c) and from an
 *                       event (other writers): for each ready key, serve
 *                       its waiters in order while the serve function
 *                       succeeds, then flush and resume those clients
 *   timeout event       reply a null array, resume the client
 *
 * A client inside EXEC (CLIENT_DENY_BLOCKING) never blocks: it gets the
 * timeout reply at once, as in Redis. */
#include <string.h>

#include <event2/event.h>

#include "lib/mem.h"
#include "redis/server.h"
#include "redis/slowlog.h"

/* What a blocked client waits with. */
struct blocked_state {
    int argc;               /* its command, copied */
    char **args;            /* 'argc' sds strings */
    struct arg *argv;       /* views of 'args' */
    int first_key;          /* keys are argv[first_key .. +key_count-1] */
    int key_count;
    blocking_serve_fn serve;
    struct event *timer;    /* NULL: waits forever */
    long long usec;         /* the call that blocked took this long */
};

/* The clients waiting on one key, in the order they blocked. */
struct blocking_waiters {
    struct client **clients;
    size_t count;
    size_t cap;
    bool ready;             /* queued in blocking_ready (by name) */
};

/* A key that changed and has waiters. */
struct blocking_ready_key {
    int dbid;
    char *key;              /* sds, owned */
};

static void blocking_free_waiters(void *ptr)
{
    struct blocking_waiters *w = ptr;
    mem_free(w->clients);
    mem_free(w);
}

/* Key -> struct blocking_waiters, one table per database. */
static const struct dict_type blocking_keys_type = {
    true, blocking_free_waiters
};

static struct dict **blocking_keys;      /* server.databases tables */
static struct blocking_ready_key *blocking_ready;
static size_t blocking_ready_count;
static size_t blocking_ready_cap;
static size_t blocking_client_count;     /* clients blocked now */
static bool blocking_serving;            /* blocking_handle_ready runs */
static bool blocking_pending; /* blocking_before_sleep has work */
static struct client **blocking_resume;  /* unblocked by CLIENT UNBLOCK */
static size_t blocking_resume_count;
static size_t blocking_resume_cap;

int blocking_timeout_or_reply(struct client *c, const struct arg *a,
                               long long *ms)
{
    long double secs;
    if (util_str2ld(a->ptr, a->len, &secs) != 0 || secs > 1e15L) {
        reply_error(c, "timeout is not a float or out of range");
        return -1;
    }
    if (secs < 0) {
        reply_error(c, "timeout is negative");
        return -1;
    }
    *ms = (long long)(secs * 1000.0L + 0.5L);
    if (*ms == 0 && secs > 0) {
        *ms = 1;
    }
    return 0;
}

size_t blocking_count(void)
{
    return blocking_client_count;
}

size_t blocking_timeout_count(void)
{
    size_t n = 0;
    for (const struct client *c = server.clients; c != NULL; c = c->next) {
        n += c->blocked != NULL && c->blocked->timer != NULL;
    }
    return n;
}

/* Take 'c' off every key it waits on and free its state. */
static void blocking_unblock(struct client *c)
{
    struct blocked_state *b = c->blocked;
    struct dict *keys = blocking_keys[c->db->id];
    for (int i = 0; i < b->key_count; i++) {
        const struct arg *k = &b->argv[b->first_key + i];
        struct dict_entry *e = dict_find(keys, k->ptr, k->len);
        if (e == NULL) {
            continue;
        }
        struct blocking_waiters *w = e->v.ptr;
        for (size_t j = 0; j < w->count; j++) {
            if (w->clients[j] == c) {
                memmove(&w->clients[j], &w->clients[j + 1],
                        (w->count - j - 1) * sizeof(*w->clients));
                w->count--;
                break;
            }
        }
        if (w->count == 0) {
            dict_delete(keys, k->ptr, k->len);
        }
    }
    if (b->timer != NULL) {
        event_free(b->timer);
    }
    for (int i = 0; i < b->argc; i++) {
        sds_free(b->args[i]);
    }
    mem_free(b->args);
    mem_free(b->argv);
    mem_free(b);
    c->blocked = NULL;
    c->flags &= ~CLIENT_BLOCKED;
    blocking_client_count--;
}

static void blocking_on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct client *c = arg;
    server_update_time();
    reply_null_array(c);
    blocking_unblock(c);
    client_resume(c);
}

void blocking_block(struct client *c, int first_key, int key_count,
                    long long timeout_ms, blocking_serve_fn serve)
{
    if (c->flags & CLIENT_DENY_BLOCKING) {
        reply_null_array(c);
        return;
    }
    if (blocking_keys == NULL) {
        blocking_keys = mem_calloc((size_t)server.databases,
                                   sizeof(*blocking_keys));
    }
    struct dict **keys = &blocking_keys[c->db->id];
    if (*keys == NULL) {
        *keys = dict_new(&blocking_keys_type);
    }
    struct blocked_state *b = mem_calloc(1, sizeof(*b));
    b->argc = c->argc;
    b->args = mem_alloc((size_t)c->argc * sizeof(*b->args));
    b->argv = mem_alloc((size_t)c->argc * sizeof(*b->argv));
    for (int i = 0; i < c->argc; i++) {
        b->args[i] = sds_new(c->argv[i].ptr, c->argv[i].len);
        b->argv[i].ptr = b->args[i];
        b->argv[i].len = c->argv[i].len;
    }
    b->first_key = first_key;
    b->key_count = key_count;
    b->serve = serve;
    for (int i = 0; i < key_count; i++) {
        const struct arg *k = &b->argv[first_key + i];
        struct dict_entry *e = dict_find(*keys, k->ptr, k->len);
        if (e == NULL) {
            e = dict_insert(*keys, sds_new(k->ptr, k->len));
            e->v.ptr = mem_calloc(1, sizeof(struct blocking_waiters));
        }
        struct blocking_waiters *w = e->v.ptr;
        if (w->count > 0 && w->clients[w->count - 1] == c) {
            continue; /* the same key twice in one command */
        }
        if (w->count == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 4;
            w->clients = mem_realloc(w->clients,
                                     w->cap * sizeof(*w->clients));
        }
        w->clients[w->count++] = c;
    }
    c->blocked = b;
    c->flags |= CLIENT_BLOCKED;
    blocking_client_count++;
    if (timeout_ms > 0) {
        struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
        b->timer = event_new(server.base, -1, 0, blocking_on_timeout, c);
        if (b->timer == NULL || event_add(b->timer, &tv) != 0) {
            blocking_unblock(c);
            reply_error(c, "cannot arm the timeout of a blocking command");
        }
    }
}

void blocking_unblock_now(struct client *c, bool error)
{
    if (error) {
        reply_error_text(c, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
    } else {
        reply_null_array(c);
    }
    /* Redis 7.0 logs this end of a blocked command too, but its
     * arguments are gone by then: an entry without arguments. */
    if (c->last_cmd != NULL) {
        int argc = c->argc;
        c->argc = 0;
        slowlog_push(c, c->last_cmd, c->blocked->usec);
        latency_command(c->last_cmd, c->blocked->usec);
        c->argc = argc;
    }
    blocking_unblock(c);
    /* Its next requests run after the current command, not inside it. */
    if (blocking_resume_count == blocking_resume_cap) {
        blocking_resume_cap = blocking_resume_cap ? blocking_resume_cap * 2
                                                  : 4;
        blocking_resume = mem_realloc(blocking_resume, blocking_resume_cap *
                                      sizeof(*blocking_resume));
    }
    blocking_resume[blocking_resume_count++] = c;
    blocking_pending = true;
}

void blocking_client_release(struct client *c)
{
    if (c->flags & CLIENT_BLOCKED) {
        blocking_unblock(c);
    }
    for (size_t i = 0; i < blocking_resume_count; i++) {
        if (blocking_resume[i] == c) {
            blocking_resume[i] = blocking_resume[--blocking_resume_count];
            break;
        }
    }
}

/* db_on_modified hook: queue 'key' if someone waits on it. */
static void blocking_on_modified(struct db *db, const char *key, size_t len)
{
    if (blocking_client_count == 0 || key == NULL ||
        blocking_keys[db->id] == NULL) {
        return;
    }
    struct dict_entry *e = dict_find(blocking_keys[db->id], key, len);
    if (e == NULL) {
        return;
    }
    struct blocking_waiters *w = e->v.ptr;
    if (w->ready) {
        return;
    }
    w->ready = true;
    if (blocking_ready_count == blocking_ready_cap) {
        blocking_ready_cap = blocking_ready_cap ? blocking_ready_cap * 2 : 8;
        blocking_ready = mem_realloc(blocking_ready, blocking_ready_cap *
                                     sizeof(*blocking_ready));
    }
    blocking_ready[blocking_ready_count].dbid = db->id;
    blocking_ready[blocking_ready_count].key = sds_new(key, len);
    blocking_ready_count++;
    blocking_pending = true;
}

/* A blocked command was served in 'usec': the slow log and the latency
 * histogram get it now, with its own arguments (Redis logs a blocked
 * command when it is served, not when it blocks or times out). */
static void blocking_log_served(struct client *c, long long usec)
{
    if (c->last_cmd == NULL) {
        return;
    }
    /* The command's time in INFO commandstats grows by the serving (its
     * call was counted when it blocked), as in Redis. */
    commands_stats_call(c->last_cmd, c->blocked->argc,
                        c->blocked->argv)->usec += usec;
    usec += c->blocked->usec;
    int argc = c->argc;
    struct arg *argv = c->argv;
    c->argc = c->blocked->argc;
    c->argv = c->blocked->argv;
    slowlog_push(c, c->last_cmd, usec);
    latency_command(c->last_cmd, usec);
    c->argc = argc;
    c->argv = argv;
}

void blocking_note_duration(struct client *c, long long usec)
{
    if (c->blocked != NULL) {
        c->blocked->usec = usec;
    }
}

/* Serve the waiters of one ready key in order; add the served clients to
 * 'done' ('*done_count' of them, room for every blocked client). */
static void blocking_serve_key(int dbid, const char *key,
                               struct client **done, size_t *done_count)
{
    struct dict *keys = blocking_keys[dbid];
    size_t len = sds_len(key);
    struct dict_entry *e = dict_find(keys, key, len);
    if (e == NULL) {
        return;
    }
    struct blocking_waiters *w = e->v.ptr;
    w->ready = false;
    const struct arg k = { (char *)key, len };
    while (w->count > 0) {
        struct client *c = w->clients[0];
        struct blocked_state *b = c->blocked;
        if (c->flags & CLIENT_CLOSE_ASAP) {
            /* Being freed: it must not take an element it cannot get. */
            blocking_unblock(c);
        } else {
            long long start = server_ustime();
            if (!b->serve(c, b->argc, b->argv, &k)) {
                break;
            }
            blocking_log_served(c, server_ustime() - start);
            c->flags &= ~CLIENT_PREVENT_PROP;
            blocking_unblock(c);
            done[(*done_count)++] = c;
        }
        e = dict_find(keys, key, len);
        if (e == NULL) {
            return;
        }
        w = e->v.ptr;
    }
    if (w->count == 0) {
        dict_delete(keys, key, len);
    }
}

void blocking_handle_ready(void)
{
    if (blocking_serving) {
        return;
    }
    while (blocking_resume_count > 0) {
        client_resume(blocking_resume[--blocking_resume_count]);
    }
    if (blocking_ready_count == 0) {
        return;
    }
    blocking_serving = true;
    struct client **done = mem_alloc((blocking_client_count + 1) *
                                     sizeof(*done));
    size_t done_count = 0;
    size_t next = 0;
    while (next < blocking_ready_count) {
        struct blocking_ready_key r = blocking_ready[next++];
        blocking_serve_key(r.dbid, r.key, done, &done_count);
        sds_free(r.key);
    }
    blocking_ready_count = 0;
    blocking_serving = false;
    for (size_t i = 0; i < done_count; i++) {
        client_resume(done[i]);
    }
    mem_free(done);
}

void blocking_before_sleep(void)
{
    if (!blocking_pending) {
        return;
    }
    blocking_pending = false;
    server_update_time();
    blocking_handle_ready();
}

void blocking_init(void)
{
    db_on_modified(blocking_on_modified);
}

void blocking_release(void)
{
    blocking_pending = false;
    for (size_t i = 0; i < blocking_ready_count; i++) {
        sds_free(blocking_ready[i].key);
    }
    mem_free(blocking_ready);
    blocking_ready = NULL;
    mem_free(blocking_resume);
    blocking_resume = NULL;
    blocking_resume_count = blocking_resume_cap = 0;
    blocking_ready_count = blocking_ready_cap = 0;
    if (blocking_keys != NULL) {
        for (int i = 0; i < server.databases; i++) {
            dict_free(blocking_keys[i]);
        }
        mem_free(blocking_keys);
        blocking_keys = NULL;
    }
}
