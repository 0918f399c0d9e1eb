/* MIGRATE: move (or with COPY, copy) keys to another Redis-compatible
 * server, as Redis does: the values go as RESTORE commands carrying their
 * DUMP payloads and remaining TTLs, after an optional AUTH and a SELECT
 * of the target database; every key the target took is deleted here
 * (and replicated as one DEL). The command blocks the server for at most
 * 'timeout' ms per network step, like Redis's.
 *
 * Connections to targets are cached by "host:port" (at most
 * MIGRATE_MAX_CONNS, closed after MIGRATE_IDLE_MS unused) and remember
 * which database they selected, so a series of MIGRATEs sends SELECT once.
 * A cached connection that fails before its first reply is dropped and
 * the command tried once more on a fresh one (the target may simply have
 * closed an idle connection). Slot migration (slotsmgrt.c) keeps its own
 * cache; the socket helpers are shared. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/rdb.h"
#include "redis/sds.h"
#include "redis/server.h"
#include "redis/slotsmgrt.h"

#define MIGRATE_MAX_CONNS 64
#define MIGRATE_IDLE_MS 10000
#define MIGRATE_LINE_MAX 1024

/* A cached connection to a target. */
struct migrate_conn {
    char *name;          /* "host:port", owned */
    int fd;
    int db;              /* database selected on it, -1 if unknown */
    long long last_use;  /* ms */
};

static struct migrate_conn migrate_conns[MIGRATE_MAX_CONNS];
static int migrate_conn_count;

/* ------------------------------------------------------------------------
 * Connections */

static void migrate_close(int i)
{
    close(migrate_conns[i].fd);
    mem_free(migrate_conns[i].name);
    migrate_conns[i] = migrate_conns[--migrate_conn_count];
}

int migrate_cached_sockets(void)
{
    return migrate_conn_count;
}

void migrate_cron(void)
{
    for (int i = migrate_conn_count - 1; i >= 0; i--) {
        if (server.mstime - migrate_conns[i].last_use > MIGRATE_IDLE_MS) {
            migrate_close(i);
        }
    }
}

/* Forget the cached connection named 'name', if any. */
static void migrate_forget(const char *name)
{
    for (int i = 0; i < migrate_conn_count; i++) {
        if (strcmp(migrate_conns[i].name, name) == 0) {
            migrate_close(i);
            return;
        }
    }
}

/* The connection to 'name' (host:port): the cached one, else a new one
 * dialled within 'timeout' ms. NULL if the target cannot be reached;
 * '*refused' then tells a refused connection (which Redis, connecting
 * without waiting, only notices when it writes) from the others. */
static struct migrate_conn *migrate_get(const char *name, const char *host,
                                        const char *port, long long timeout,
                                        bool *refused)
{
    *refused = false;
    for (int i = 0; i < migrate_conn_count; i++) {
        if (strcmp(migrate_conns[i].name, name) == 0) {
            migrate_conns[i].last_use = server.mstime;
            return &migrate_conns[i];
        }
    }
    char err[256];
    int fd = slotsmgrt_dial(host, port, timeout, err, sizeof(err));
    if (fd < 0) {
        log_info("MIGRATE cannot connect to %s: %s", name, err);
        *refused = strcmp(err, strerror(ECONNREFUSED)) == 0;
        return NULL;
    }
    if (migrate_conn_count == MIGRATE_MAX_CONNS) {
        migrate_close(0);
    }
    struct migrate_conn *conn = &migrate_conns[migrate_conn_count++];
    conn->name = mem_strdup(name);
    conn->fd = fd;
    conn->db = -1;
    conn->last_use = server.mstime;
    return conn;
}

/* Read one reply line from 'fd' into 'line' (without CRLF), waiting up to
 * 'timeout' ms. Reads a byte at a time: the target answers each command
 * with one short line, and nothing may be read past it. Returns 0, or -1
 * on error, end of file or timeout (errno ETIMEDOUT then). */
static int migrate_read_line(int fd, char *line, long long timeout)
{
    size_t n = 0;
    for (;;) {
        char ch;
        ssize_t r = read(fd, &ch, 1);
        if (r == 1) {
            if (ch == '\n') {
                if (n > 0 && line[n - 1] == '\r') {
                    n--;
                }
                line[n] = '\0';
                return 0;
            }
            if (n < MIGRATE_LINE_MAX - 1) {
                line[n++] = ch;
            }
        } else if (r < 0 && errno == EINTR) {
            continue;
        } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!slotsmgrt_wait(fd, POLLIN, timeout)) {
                errno = ETIMEDOUT;
                return -1;
            }
        } else {
            if (r == 0) {
                errno = ECONNRESET;
            }
            return -1;
        }
    }
}

/* ------------------------------------------------------------------------
 * The command */

/* What one MIGRATE asks for. */
struct migrate_req {
    const struct arg *keys;  /* the keys named (argv slice) */
    int key_count;
    long long db;
    long long timeout;
    bool copy;
    bool replace;
    const struct arg *user;  /* AUTH2's user, or NULL */
    const struct arg *pass;  /* AUTH's or AUTH2's password, or NULL */
};

/* Parse MIGRATE's arguments into 'r'. Returns 0, or -1 after replying. */
static int migrate_parse(struct client *c, struct migrate_req *r)
{
    memset(r, 0, sizeof(*r));
    r->keys = &c->argv[3];
    r->key_count = 1;
    for (int i = 6; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        bool more = i + 1 < c->argc;
        if (arg_is(a, "copy")) {
            r->copy = true;
        } else if (arg_is(a, "replace")) {
            r->replace = true;
        } else if (arg_is(a, "auth") && more) {
            r->user = NULL;
            r->pass = &c->argv[++i];
        } else if (arg_is(a, "auth2") && i + 2 < c->argc) {
            r->user = &c->argv[++i];
            r->pass = &c->argv[++i];
        } else if (arg_is(a, "keys")) {
            if (c->argv[3].len != 0) {
                reply_error(c, "When using MIGRATE KEYS option, the key "
                               "argument must be set to the empty string");
                return -1;
            }
            r->keys = &c->argv[i + 1];
            r->key_count = c->argc - i - 1;
            break;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (arg_ll_or_reply(c, &c->argv[5], &r->timeout, NULL) != 0 ||
        arg_ll_or_reply(c, &c->argv[4], &r->db, NULL) != 0) {
        return -1;
    }
    if (r->timeout <= 0) {
        r->timeout = 1000;
    }
    return 0;
}

/* The commands for the target: AUTH if asked, SELECT if the connection
 * is elsewhere, a RESTORE per key of 'keys'. Returns an sds string. */
static char *migrate_build(struct client *c, const struct migrate_req *r,
                           struct object **vals, const struct arg **keys,
                           int n, bool select)
{
    char *buf = sds_new_empty(256);
    if (r->pass != NULL) {
        buf = util_cat_resp_array(buf, r->user != NULL ? 3 : 2);
        buf = util_cat_resp_bulk(buf, "AUTH", 4);
        if (r->user != NULL) {
            buf = util_cat_resp_bulk(buf, r->user->ptr, r->user->len);
        }
        buf = util_cat_resp_bulk(buf, r->pass->ptr, r->pass->len);
    }
    if (select) {
        buf = util_cat_resp_array(buf, 2);
        buf = util_cat_resp_bulk(buf, "SELECT", 6);
        buf = slotsmgrt_bulk_ll(buf, r->db);
    }
    for (int j = 0; j < n; j++) {
        long long ttl = 0;
        long long when = db_get_expire(c->db, keys[j]->ptr, keys[j]->len);
        if (when != -1) {
            ttl = when - server_mstime();
            if (ttl < 1) {
                ttl = 1;
            }
        }
        char *payload = rdb_dump_payload(vals[j]);
        buf = util_cat_resp_array(buf, r->replace ? 5 : 4);
        buf = util_cat_resp_bulk(buf, "RESTORE", 7);
        buf = util_cat_resp_bulk(buf, keys[j]->ptr, keys[j]->len);
        buf = slotsmgrt_bulk_ll(buf, ttl);
        buf = util_cat_resp_bulk(buf, payload, sds_len(payload));
        if (r->replace) {
            buf = util_cat_resp_bulk(buf, "REPLACE", 7);
        }
        sds_free(payload);
    }
    return buf;
}

/* MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH password]
 *         [AUTH2 username password] [KEYS key [key ...]] */
void cmd_migrate(struct client *c)
{
    struct migrate_req r;
    if (migrate_parse(c, &r) != 0) {
        return;
    }
    /* The keys that exist; the others are skipped. */
    struct object **vals = mem_alloc(sizeof(*vals) * (size_t)r.key_count);
    const struct arg **keys = mem_alloc(sizeof(*keys) *
                                        (size_t)r.key_count);
    int n = 0;
    for (int j = 0; j < r.key_count; j++) {
        struct object *o = db_lookup_read(c->db, r.keys[j].ptr,
                                          r.keys[j].len);
        if (o != NULL) {
            keys[n] = &r.keys[j];
            vals[n++] = o;
        }
    }
    if (n == 0) {
        reply_simple(c, "NOKEY");
        goto done;
    }
    char name[320];
    snprintf(name, sizeof(name), "%s:%s", c->argv[1].ptr, c->argv[2].ptr);
    bool may_retry = true;
    for (;;) {
        bool refused;
        struct migrate_conn *conn = migrate_get(name, c->argv[1].ptr,
                                                c->argv[2].ptr, r.timeout,
                                                &refused);
        if (conn == NULL) {
            reply_error_text(c, refused
                                    ? "IOERR error or timeout writing to "
                                      "target instance"
                                    : "IOERR error or timeout connecting to "
                                      "the client");
            goto done;
        }
        bool select = conn->db != r.db;
        char *buf = migrate_build(c, &r, vals, keys, n, select);
        int fd = conn->fd;
        int wrc = slotsmgrt_write(fd, buf, sds_len(buf), r.timeout);
        sds_free(buf);
        bool write_error = wrc != 0;
        int saved = errno;
        char auth_line[MIGRATE_LINE_MAX] = "";
        char select_line[MIGRATE_LINE_MAX] = "";
        char line[MIGRATE_LINE_MAX];
        bool socket_error = write_error;
        if (!socket_error && r.pass != NULL &&
            migrate_read_line(fd, auth_line, r.timeout) != 0) {
            socket_error = true;
            saved = errno;
        }
        if (!socket_error && select &&
            migrate_read_line(fd, select_line, r.timeout) != 0) {
            socket_error = true;
            saved = errno;
        }
        bool target_error = false;
        int got = 0;
        struct arg *del = NULL;
        int del_count = 0;
        if (!r.copy) {
            del = mem_alloc(sizeof(*del) * (size_t)(n + 1));
            del[del_count++] = (struct arg){ "DEL", 3 };
        }
        for (; !socket_error && got < n; got++) {
            if (migrate_read_line(fd, line, r.timeout) != 0) {
                socket_error = true;
                saved = errno;
                break;
            }
            const char *err = auth_line[0] == '-'     ? auth_line
                              : select_line[0] == '-' ? select_line
                              : line[0] == '-'        ? line
                                                      : NULL;
            if (err != NULL) {
                if (!target_error) {
                    conn->db = -1;
                    target_error = true;
                    reply_error(c, "Target instance replied with error: %s",
                                err + 1);
                }
            } else if (!r.copy) {
                const struct arg *k = keys[got];
                db_delete(c->db, k->ptr, k->len);
                db_signal_modified(c->db, k->ptr, k->len);
                notify_arg(NOTIFY_GENERIC, "del", k, c->db->id);
                server.dirty++;
                del[del_count++] = *k;
            }
        }
        /* A cached connection that failed before any reply is most likely
         * one the target closed while idle: try once on a new one. */
        if (socket_error && !target_error && got == 0 && may_retry &&
            saved != ETIMEDOUT) {
            mem_free(del);
            migrate_forget(name);
            may_retry = false;
            continue;
        }
        if (socket_error) {
            migrate_forget(name);
        }
        if (del_count > 1) {
            server_propagate(c->db->id, del_count, del);
        }
        c->flags |= CLIENT_PREVENT_PROP;
        mem_free(del);
        if (socket_error && !target_error) {
            reply_error_text(c, write_error
                                    ? "IOERR error or timeout writing to "
                                      "target instance"
                                    : "IOERR error or timeout reading to "
                                      "target instance");
        } else if (!target_error) {
            conn->db = (int)r.db;
            conn->last_use = server.mstime;
            reply_ok(c);
        }
        break;
    }
done:
    mem_free(vals);
    mem_free(keys);
}
