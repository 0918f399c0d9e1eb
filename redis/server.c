/* The server: global state, start-up and shutdown, the cron, command
 * dispatch (server_process_command checks a request once against its
 * table row, server_call runs it and propagates its effect), and the
 * connection and server commands that belong to no data type (PING, ECHO,
 * QUIT, AUTH, HELLO, TIME, DEBUG, SHUTDOWN). Not here: sockets and replies
 * (networking.c), the keyspace (db.c), the table (commands.c). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/aof.h"
#include "redis/evict.h"
#include "redis/rdb.h"
#include "redis/replication.h"
#include "redis/script.h"
#include "redis/server.h"

/* ------------------------------------------------------------------------
 * Globals */

struct server server;

/* At most this many propagation hooks (AOF, replication ...). */
#define SERVER_MAX_HOOKS 8

static server_propagate_fn server_propagate_hooks[SERVER_MAX_HOOKS];
static unsigned server_propagate_targets[SERVER_MAX_HOOKS];
static server_propagate_fn server_capture;

/* ms when the once-a-second part of the cron last ran. */
static long long server_last_second;
static int server_propagate_hook_count;

/* ------------------------------------------------------------------------
 * Time */

long long server_ustime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long server_mstime(void)
{
    return server_ustime() / 1000;
}

void server_update_time(void)
{
    server.mstime = server_mstime();
}

/* ------------------------------------------------------------------------
 * Propagation */

void server_on_propagate_to(server_propagate_fn fn, unsigned target)
{
    if (server_propagate_hook_count == SERVER_MAX_HOOKS) {
        log_error("too many propagation hooks");
        abort();
    }
    server_propagate_targets[server_propagate_hook_count] = target;
    server_propagate_hooks[server_propagate_hook_count++] = fn;
}

void server_on_propagate(server_propagate_fn fn)
{
    server_on_propagate_to(fn, SERVER_PROPAGATE_ALL);
}

void server_propagate_capture(server_propagate_fn fn)
{
    server_capture = fn;
}

void server_propagate_to(int dbid, int argc, const struct arg *argv,
                         unsigned targets)
{
    if (server.loading) {
        return;
    }
    for (int i = 0; i < server_propagate_hook_count; i++) {
        if (server_propagate_targets[i] & targets) {
            server_propagate_hooks[i](dbid, argc, argv);
        }
    }
}

void server_propagate(int dbid, int argc, const struct arg *argv)
{
    if (server.loading) {
        return;
    }
    if (server_capture != NULL) {
        server_capture(dbid, argc, argv);
        return;
    }
    server_propagate_to(dbid, argc, argv, SERVER_PROPAGATE_ALL);
}

void server_before_reply(void)
{
    aof_flush();
    backlog_flush();
}

/* ------------------------------------------------------------------------
 * Dispatch */

void server_call(struct client *c)
{
    const struct command *cmd = c->cmd;
    struct command_stats *stats = commands_stats(cmd);
    long long dirty = server.dirty;
    long long errors = server.stat_error_replies;
    long long start = server_ustime();
    c->flags |= CLIENT_IN_CALL;
    server.current = c;
    cmd->proc(c);
    server.current = NULL;
    c->flags &= ~CLIENT_IN_CALL;
    stats->usec += server_ustime() - start;
    stats->calls++;
    if (server.stat_error_replies != errors) {
        stats->failed++;
    }
    server.stat_commands++;
    if (server.dirty != dirty && !(c->flags & CLIENT_PREVENT_PROP)) {
        server_propagate(c->db->id, c->argc, c->argv);
    }
    c->flags &= ~CLIENT_PREVENT_PROP;
    c->last_cmd = cmd;
    c->cmd = NULL;
}

void server_process_command(struct client *c)
{
    const struct command *cmd = commands_lookup(c->argv[0].ptr,
                                                c->argv[0].len);
    if (cmd == NULL) {
        char args[160];
        size_t n = 0;
        args[0] = '\0';
        for (int i = 1; i < c->argc && n < 128; i++) {
            int w = snprintf(args + n, sizeof(args) - n, "'%.*s' ",
                             (int)(128 - n), c->argv[i].ptr);
            if (w < 0 || (size_t)w >= sizeof(args) - n) {
                break;
            }
            n += (size_t)w;
        }
        reply_error(c, "unknown command '%.128s', with args beginning "
                       "with: %s", c->argv[0].ptr, args);
        multi_flag_error(c);
        return;
    }
    if (!cmdspec_arity_ok(cmd->spec, c->argc)) {
        reply_error(c, "wrong number of arguments for '%s' command",
                    cmd->spec->name);
        multi_flag_error(c);
        return;
    }
    if (!c->authenticated && !(cmd->spec->flags & CMDSPEC_NO_AUTH)) {
        reply_error_text(c, "NOAUTH Authentication required.");
        multi_flag_error(c);
        return;
    }
    if (pubsub_refuse(c, cmd)) {
        return;
    }
    if (script_refuse_busy(c, cmd)) {
        return;
    }
    /* Our master and the AOF loader replay what already happened. */
    bool trusted = (c->flags & (CLIENT_MASTER | CLIENT_LOADER)) != 0;
    if (server.maxmemory > 0 && !trusted && evict_perform() != 0 &&
        (cmd->spec->flags & CMDSPEC_DENYOOM)) {
        reply_error_text(c, "OOM command not allowed when used memory > "
                            "'maxmemory'.");
        multi_flag_error(c);
        return;
    }
    if (server.masterhost != NULL && server.replica_read_only && !trusted &&
        (cmd->spec->flags & CMDSPEC_WRITE)) {
        reply_error_text(c, "READONLY You can't write against a read only "
                            "replica.");
        multi_flag_error(c);
        return;
    }
    if (server.masterhost == NULL && server.min_replicas_to_write > 0 &&
        !trusted && (cmd->spec->flags & CMDSPEC_WRITE) &&
        replication_good_slaves() < server.min_replicas_to_write) {
        reply_error_text(c, "NOREPLICAS Not enough good replicas to write.");
        multi_flag_error(c);
        return;
    }
    if (multi_should_queue(c, cmd)) {
        multi_queue(c, cmd);
        return;
    }
    c->cmd = cmd;
    server_call(c);
}

/* ------------------------------------------------------------------------
 * Cron */

void server_update_memory(void)
{
    server.used_memory = evict_used_memory();
    if (server.used_memory > server.peak_memory) {
        server.peak_memory = server.used_memory;
    }
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        long long pages_total, pages_rss;
        if (fscanf(f, "%lld %lld", &pages_total, &pages_rss) == 2) {
            server.rss_memory = pages_rss * sysconf(_SC_PAGESIZE);
        }
        fclose(f);
    }
}

/* Grow or shrink the keyspace tables a little each cron turn. */
static void server_resize_dbs(void)
{
    for (int i = 0; i < server.databases; i++) {
        struct db *db = &server.db[i];
        dict_shrink_if_needed(db->dict);
        dict_shrink_if_needed(db->expires);
        dict_rehash_ms(db->dict, 1);
        dict_rehash_ms(db->expires, 1);
    }
}

static void server_on_cron(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    server_update_time();
    long long elapsed = server.mstime - server.stat_ops_sample_time;
    if (elapsed >= 100) {
        long long ops = server.stat_commands - server.stat_ops_sample_count;
        server.stat_ops_per_sec = ops * 1000 / elapsed;
        server.stat_ops_sample_time = server.mstime;
        server.stat_ops_sample_count = server.stat_commands;
    }
    server_update_memory();
    networking_cron();
    if (server.masterhost == NULL) {
        expire_cycle();
    }
    aof_cron();
    replication_check_waits();
    if (server.mstime - server_last_second >= 1000) {
        server_last_second = server.mstime;
        replication_cron();
        replica_cron();
    }
    server_resize_dbs();
    rdb_cron();
    slotsmgrt_cron();
    if (server.shutdown_asap) {
        event_base_loopbreak(server.base);
    }
}

/* (Re)arm the cron at server.hz. */
static int server_arm_cron(void)
{
    struct timeval tv = { 0, 1000000 / server.hz };
    return event_add(server.cron_ev, &tv);
}

/* ------------------------------------------------------------------------
 * Start-up and shutdown */

void server_init_config(void)
{
    memset(&server, 0, sizeof(server));
    server.pid = getpid();
    config_init();
}

static void server_on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    (void)arg;
    if (sig == SIGHUP) {
        if (log_reopen() != 0) {
            log_warn("cannot reopen the log file: %s", strerror(errno));
        } else {
            log_info("received SIGHUP, log file reopened");
        }
        return;
    }
    log_info("received %s, scheduling shutdown", strsignal(sig));
    server.shutdown_asap = true;
    event_base_loopbreak(server.base);
}

/* Load the dataset at start: the AOF if appendonly is on and one exists
 * (it takes precedence), else the RDB file (which also seeds a new AOF
 * when appendonly was just turned on). Returns 0 or -1 + 'err'. */
static int server_load_data(char *err, size_t errlen)
{
    if (aof_exists()) {
        return aof_load(err, errlen);
    }
    int rc;
    if (server.appendonly) {
        rc = access(rdb_default_path(), F_OK) == 0
             ? rdb_load_file(rdb_default_path()) : 0;
    } else {
        rc = rdb_load_at_start();
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot load the RDB file '%s', see the log "
                 "above", rdb_default_path());
        return -1;
    }
    return 0;
}

/* Fill 'out' (41 bytes) with 40 random hex digits; also seed the hash. */
static void server_random_bytes(uint8_t *buf, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    if (fd >= 0) {
        ssize_t n = read(fd, buf, len);
        got = n > 0 ? (size_t)n : 0;
        close(fd);
    }
    if (got < len) {
        /* No /dev/urandom: mix the clock and pid, weaker but working. */
        uint64_t x = (uint64_t)server_ustime() ^ ((uint64_t)getpid() << 32);
        for (size_t i = got; i < len; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            buf[i] = (uint8_t)(x >> 56);
        }
    }
}

static int server_write_pidfile(char *err, size_t errlen)
{
    if (server.pidfile == NULL || server.pidfile[0] == '\0') {
        return 0;
    }
    FILE *f = fopen(server.pidfile, "w");
    if (f == NULL) {
        snprintf(err, errlen, "cannot write pid file '%s': %s",
                 server.pidfile, strerror(errno));
        return -1;
    }
    fprintf(f, "%d\n", (int)getpid());
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write pid file '%s': %s",
                 server.pidfile, strerror(errno));
        return -1;
    }
    return 0;
}

int server_init(char *err, size_t errlen)
{
    uint8_t seed[16 + 20];
    server_random_bytes(seed, sizeof(seed));
    dict_set_hash_seed(seed);
    for (int i = 0; i < 20; i++) {
        snprintf(server.run_id + i * 2, 3, "%02x", seed[16 + i]);
    }
    server.pid = getpid();
    signal(SIGPIPE, SIG_IGN);
    server_update_time();
    server.start_time = server.mstime;
    server.stat_ops_sample_time = server.mstime;

    server.base = event_base_new();
    if (server.base == NULL) {
        snprintf(err, errlen, "cannot create the event loop");
        return -1;
    }
    server.db = mem_calloc((size_t)server.databases, sizeof(*server.db));
    for (int i = 0; i < server.databases; i++) {
        db_init(&server.db[i], i);
    }
    if (commands_init(err, errlen) != 0) {
        return -1;
    }
    multi_init();
    replication_init();
    aof_init();
    if (blocking_init() != 0) {
        snprintf(err, errlen, "cannot create the blocking event");
        return -1;
    }
    if (server_load_data(err, errlen) != 0 || aof_start(err, errlen) != 0) {
        return -1;
    }
    if (networking_listen(err, errlen) != 0) {
        return -1;
    }
    server.cron_ev = event_new(server.base, -1, EV_PERSIST, server_on_cron,
                               NULL);
    if (server.cron_ev == NULL || server_arm_cron() != 0) {
        snprintf(err, errlen, "cannot start the cron timer");
        return -1;
    }
    static const int sigs[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        server.sig_evs[i] = evsignal_new(server.base, sigs[i],
                                         server_on_signal, NULL);
        if (server.sig_evs[i] == NULL ||
            event_add(server.sig_evs[i], NULL) != 0) {
            snprintf(err, errlen, "cannot watch signal %d", sigs[i]);
            return -1;
        }
    }
    if (server_write_pidfile(err, errlen) != 0) {
        return -1;
    }
    replica_init();
    server_update_memory();
    log_info("codis-server %s ready to accept connections on port %d "
             "(pid %d)", SERVER_VERSION, server.port, (int)server.pid);
    return 0;
}

int server_set_hz(int hz)
{
    server.hz = hz;
    if (server.cron_ev == NULL) {
        return 0;
    }
    return server_arm_cron();
}

int server_run(void)
{
    if (event_base_dispatch(server.base) < 0) {
        log_error("the event loop failed");
        return 1;
    }
    log_info("shutting down");
    if (rdb_shutdown_save(false, false) != 0 && server.exit_code == 0) {
        server.exit_code = 1;
    }
    return server.exit_code;
}

void server_release(void)
{
    replica_release();
    aof_release();
    networking_free_all();
    replication_release();
    blocking_release();
    multi_release();
    pubsub_release();
    script_release();
    function_release();
    networking_close_listeners();
    for (size_t i = 0; i < sizeof(server.sig_evs) / sizeof(server.sig_evs[0]);
         i++) {
        if (server.sig_evs[i] != NULL) {
            event_free(server.sig_evs[i]);
        }
    }
    if (server.cron_ev != NULL) {
        event_free(server.cron_ev);
    }
    if (server.db != NULL) {
        for (int i = 0; i < server.databases; i++) {
            db_release(&server.db[i]);
        }
        mem_free(server.db);
    }
    commands_release();
    if (server.base != NULL) {
        event_base_free(server.base);
    }
    if (server.pidfile != NULL && server.pidfile[0] != '\0') {
        unlink(server.pidfile);
    }
    config_release();
    memset(&server, 0, sizeof(server));
}

/* ------------------------------------------------------------------------
 * Connection and server commands */

/* PING [message] */
void cmd_ping(struct client *c)
{
    if (c->argc > 2) {
        reply_error(c, "wrong number of arguments for 'ping' command");
    } else if (c->flags & CLIENT_PUBSUB) {
        reply_array(c, 2);
        reply_bulk(c, "pong", 4);
        reply_bulk(c, c->argc == 2 ? c->argv[1].ptr : "",
                   c->argc == 2 ? c->argv[1].len : 0);
    } else if (c->argc == 2) {
        reply_bulk(c, c->argv[1].ptr, c->argv[1].len);
    } else {
        reply_raw(c, "+PONG\r\n", 7);
    }
}

/* ECHO message */
void cmd_echo(struct client *c)
{
    reply_bulk(c, c->argv[1].ptr, c->argv[1].len);
}

/* QUIT */
void cmd_quit(struct client *c)
{
    reply_ok(c);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

/* AUTH [username] password */
void cmd_auth(struct client *c)
{
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    if (server.requirepass == NULL || server.requirepass[0] == '\0') {
        reply_error(c, "AUTH <password> called without any password "
                       "configured for the default user. Are you sure your "
                       "configuration is correct?");
        return;
    }
    const struct arg *pass = &c->argv[c->argc - 1];
    bool user_ok = c->argc == 2 || arg_is(&c->argv[1], "default");
    if (user_ok && pass->len == strlen(server.requirepass) &&
        memcmp(pass->ptr, server.requirepass, pass->len) == 0) {
        c->authenticated = true;
        reply_ok(c);
        return;
    }
    c->authenticated = false;
    reply_error_text(c, "WRONGPASS invalid username-password pair or user "
                        "is disabled.");
}

/* HELLO [2 [AUTH username password] [SETNAME name]]: RESP2 only. */
void cmd_hello(struct client *c)
{
    int i = 1;
    if (c->argc >= 2) {
        long long ver;
        if (resp_parse_ll(c->argv[1].ptr, c->argv[1].len, &ver) != 0) {
            reply_error(c, "Protocol version is not an integer or out of "
                           "range");
            return;
        }
        if (ver != 2) {
            reply_error_text(c, "NOPROTO unsupported protocol version");
            return;
        }
        i = 2;
    }
    for (; i < c->argc; i++) {
        if (arg_is(&c->argv[i], "auth") && i + 2 < c->argc) {
            const struct arg *pass = &c->argv[i + 2];
            bool ok = server.requirepass != NULL &&
                      server.requirepass[0] != '\0' &&
                      arg_is(&c->argv[i + 1], "default") &&
                      pass->len == strlen(server.requirepass) &&
                      memcmp(pass->ptr, server.requirepass, pass->len) == 0;
            if (!ok) {
                reply_error_text(c, "WRONGPASS invalid username-password "
                                    "pair or user is disabled.");
                return;
            }
            c->authenticated = true;
            i += 2;
        } else if (arg_is(&c->argv[i], "setname") && i + 1 < c->argc) {
            mem_free(c->name);
            c->name = mem_strndup(c->argv[i + 1].ptr, c->argv[i + 1].len);
            i++;
        } else {
            reply_error(c, "Syntax error in HELLO option '%s'",
                        c->argv[i].ptr);
            return;
        }
    }
    if (!c->authenticated) {
        reply_error_text(c, "NOAUTH HELLO must be called with the client "
                            "already authenticated, otherwise the HELLO "
                            "<proto> AUTH <user> <pass> option can be used "
                            "to authenticate the client and select the "
                            "RESP protocol version at the same time");
        return;
    }
    reply_array(c, 14);
    reply_bulk_str(c, "server");
    reply_bulk_str(c, "redis");
    reply_bulk_str(c, "version");
    reply_bulk_str(c, SERVER_VERSION);
    reply_bulk_str(c, "proto");
    reply_integer(c, 2);
    reply_bulk_str(c, "id");
    reply_integer(c, (long long)c->id);
    reply_bulk_str(c, "mode");
    reply_bulk_str(c, "standalone");
    reply_bulk_str(c, "role");
    reply_bulk_str(c, server.masterhost != NULL ? "replica" : "master");
    reply_bulk_str(c, "modules");
    reply_array(c, 0);
}

/* TIME */
void cmd_time(struct client *c)
{
    long long us = server_ustime();
    reply_array(c, 2);
    reply_bulk_ll(c, us / 1000000);
    reply_bulk_ll(c, us % 1000000);
}

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] */
void cmd_shutdown(struct client *c)
{
    bool nosave = false, save = false, force = false;
    for (int i = 1; i < c->argc; i++) {
        if (arg_is(&c->argv[i], "nosave")) {
            nosave = true;
        } else if (arg_is(&c->argv[i], "save")) {
            save = true;
        } else if (arg_is(&c->argv[i], "force")) {
            force = true;
        } else if (!arg_is(&c->argv[i], "now")) {
            reply_syntax_error(c);
            return;
        }
    }
    log_info("user requested shutdown");
    if (rdb_shutdown_save(nosave, save) != 0 && !force) {
        reply_error(c, "Errors trying to SHUTDOWN. Check logs.");
        return;
    }
    server.shutdown_asap = true;
    event_base_loopbreak(server.base);
}

/* DEBUG SLEEP seconds | DEBUG OBJECT key | DEBUG HELP */
void cmd_debug(struct client *c)
{
    if (arg_is(&c->argv[1], "sleep") && c->argc == 3) {
        long double secs;
        if (arg_ld_or_reply(c, &c->argv[2], &secs) != 0) {
            return;
        }
        if (secs > 0) {
            struct timespec ts;
            ts.tv_sec = (time_t)secs;
            ts.tv_nsec = (long)((secs - (long double)ts.tv_sec) * 1e9L);
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            }
        }
        reply_ok(c);
    } else if (arg_is(&c->argv[1], "object") && c->argc == 3) {
        /* Not db_lookup_*: they would refresh the LRU clock shown. */
        struct dict_entry *e = dict_find(c->db->dict, c->argv[2].ptr,
                                         c->argv[2].len);
        struct object *o = e != NULL ? e->v.ptr : NULL;
        if (o == NULL) {
            reply_error(c, "no such key");
            return;
        }
        char line[256];
        snprintf(line, sizeof(line), "Value at:%p refcount:%u encoding:%s "
                 "serializedlength:%zu lru:%u lru_seconds_idle:%u",
                 (void *)o, o->refcount, object_encoding_name(o),
                 o->type == OBJ_STRING ? object_string_len(o) : 0,
                 (unsigned)o->lru,
                 (unsigned)(uint16_t)(server_lru_clock() - o->lru));
        reply_simple(c, line);
    } else if (arg_is(&c->argv[1], "reload") && c->argc == 2) {
        rdb_debug_reload(c);
    } else if (arg_is(&c->argv[1], "help") && c->argc == 2) {
        reply_array(c, 5);
        reply_simple(c, "DEBUG <subcommand> [<arg> [value] [opt] ...]. "
                        "Subcommands are:");
        reply_simple(c, "OBJECT <key>");
        reply_simple(c, "RELOAD");
        reply_simple(c, "SLEEP <seconds>");
        reply_simple(c, "HELP");
    } else {
        reply_error(c, "unknown subcommand or wrong number of arguments for "
                       "'%.128s'. Try DEBUG HELP.", c->argv[1].ptr);
    }
}
