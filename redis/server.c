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
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "redis/aof.h"
#include "redis/child.h"
#include "redis/evict.h"
#include "redis/rdb.h"
#include "redis/replication.h"
#include "redis/script.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/slowlog.h"

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

/* Commands propagated while a top-level command runs, held so that more
 * than one go out inside MULTI / EXEC and a single one alone, as Redis 7
 * does (a transaction that writes once propagates that write only). */
struct server_pending_prop {
    int dbid;
    unsigned targets; /* SERVER_PROPAGATE_* */
    int argc;
    char **args;     /* sds, owned */
    struct arg *argv; /* views of 'args' */
};

static struct server_pending_prop *server_pending;
static size_t server_pending_count;
static size_t server_pending_cap;
static int server_call_depth;

void server_on_propagate(server_propagate_fn fn)
{
    server_on_propagate_to(fn, SERVER_PROPAGATE_ALL);
}

void server_propagate_capture(server_propagate_fn fn)
{
    server_capture = fn;
}

/* Hand one command to the hooks of 'targets' now. */
static void server_propagate_now(int dbid, int argc, const struct arg *argv,
                                 unsigned targets)
{
    for (int i = 0; i < server_propagate_hook_count; i++) {
        if (server_propagate_targets[i] & targets) {
            server_propagate_hooks[i](dbid, argc, argv);
        }
    }
}

void server_propagate_to(int dbid, int argc, const struct arg *argv,
                         unsigned targets)
{
    if (server.loading) {
        return;
    }
    if (server_call_depth == 0) {
        server_propagate_now(dbid, argc, argv, targets);
        return;
    }
    if (server_pending_count == server_pending_cap) {
        server_pending_cap = server_pending_cap ? server_pending_cap * 2 : 8;
        server_pending = mem_realloc(server_pending, server_pending_cap *
                                     sizeof(*server_pending));
    }
    struct server_pending_prop *p = &server_pending[server_pending_count++];
    p->dbid = dbid;
    p->targets = targets;
    p->argc = argc;
    p->args = mem_alloc((size_t)argc * sizeof(*p->args));
    p->argv = mem_alloc((size_t)argc * sizeof(*p->argv));
    for (int i = 0; i < argc; i++) {
        p->args[i] = sds_new(argv[i].ptr, argv[i].len);
        p->argv[i].ptr = p->args[i];
        p->argv[i].len = argv[i].len;
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

/* True if pending entry 'i' is the one-word command 'name'. */
static bool server_pending_is(size_t i, const char *name)
{
    const struct server_pending_prop *p = &server_pending[i];
    return p->argc == 1 && p->argv[0].len == strlen(name) &&
           strncasecmp(p->argv[0].ptr, name, p->argv[0].len) == 0;
}

/* Send what the finished top-level command propagated: several commands
 * inside MULTI / EXEC (unless a script wrapped them already), one alone. */
static void server_propagate_flush(void)
{
    size_t n = server_pending_count;
    server_pending_count = 0;
    bool wrap = n > 1 && !(server_pending_is(0, "multi") &&
                           server_pending_is(n - 1, "exec"));
    unsigned targets = 0;
    for (size_t i = 0; i < n; i++) {
        targets |= server_pending[i].targets;
    }
    if (wrap) {
        struct arg multi[1] = { { "MULTI", 5 } };
        server_propagate_now(server_pending[0].dbid, 1, multi, targets);
    }
    for (size_t i = 0; i < n; i++) {
        struct server_pending_prop *p = &server_pending[i];
        server_propagate_now(p->dbid, p->argc, p->argv, p->targets);
    }
    if (wrap) {
        struct arg exec[1] = { { "EXEC", 4 } };
        server_propagate_now(server_pending[n - 1].dbid, 1, exec, targets);
    }
    for (size_t i = 0; i < n; i++) {
        for (int j = 0; j < server_pending[i].argc; j++) {
            sds_free(server_pending[i].args[j]);
        }
        mem_free(server_pending[i].args);
        mem_free(server_pending[i].argv);
    }
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
    struct command_stats *stats = commands_stats_call(cmd, c->argc, c->argv);
    long long dirty = server.dirty;
    long long errors = server.stat_error_replies;
    long long start = server_ustime();
    c->flags |= CLIENT_IN_CALL;
    server.current = c;
    server_call_depth++;
    monitor_feed(c, cmd, true);
    cmd->proc(c);
    if (c->tracking != NULL) {
        tracking_after_call(c, cmd);
    } else if (script_current != NULL && c == script_current->fake) {
        tracking_script_read(script_current->caller, cmd);
    }
    server.current = NULL;
    c->flags &= ~CLIENT_IN_CALL;
    long long duration = server_ustime() - start;
    stats->usec += duration;
    if (!(c->flags & CLIENT_BLOCKED)) {
        slowlog_push(c, cmd, duration);
        latency_command(cmd, duration);
    } else {
        /* A blocked command is logged when it is served, as in Redis. */
        blocking_note_duration(c, duration);
    }
    monitor_feed(c, cmd, false);
    stats->calls++;
    if (server.stat_error_replies != errors) {
        stats->failed++;
    }
    server.stat_commands++;
    if (server.dirty != dirty && !(c->flags & CLIENT_PREVENT_PROP)) {
        server_propagate(c->db->id, c->argc, c->argv);
    }
    if (--server_call_depth == 0) {
        long long before = repl.offset;
        server_propagate_flush();
        if (repl.offset != before) {
            c->woff = repl.offset;
        }
    }
    c->flags &= ~CLIENT_PREVENT_PROP;
    c->last_cmd = cmd;
    c->cmd = NULL;
}

void cmd_debug(struct client *c); /* debug.c */
void cmd_exec(struct client *c);    /* multi.c */
void cmd_discard(struct client *c);

/* Refuse the command of 'c' with 'why' (an error with its code): EXEC
 * aborts its transaction with it, another command fails and flags the
 * transaction it is queued in. */
static void server_refuse(struct client *c, bool is_exec, const char *why)
{
    if (is_exec) {
        multi_abort_exec(c, why);
    } else {
        reply_error_text(c, why);
        multi_flag_error(c);
    }
}

static void server_dispatch(struct client *c, const struct command *cmd);

void server_process_command(struct client *c)
{
    const struct command *cmd = commands_lookup(c->argv[0].ptr,
                                                c->argv[0].len);
    if (cmd != NULL) {
        /* A command refused before it ran (arity, ACL, OOM ...) counts as
         * a rejected call of it (INFO commandstats). */
        struct command_stats *st = commands_stats_call(cmd, c->argc,
                                                       c->argv);
        long long calls = st->calls, errors = server.stat_error_replies;
        server_dispatch(c, cmd);
        if (st->calls == calls && server.stat_error_replies != errors) {
            st->rejected++;
        }
        return;
    }
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
}

/* The checks a known command passes before it runs or is queued. */
static void server_dispatch(struct client *c, const struct command *cmd)
{
    if (!cmdspec_arity_ok(cmd->spec, c->argc)) {
        reply_error(c, "wrong number of arguments for '%s' command",
                    cmd->spec->name);
        multi_flag_error(c);
        return;
    }
    if (cmd->proc == cmd_debug &&
        !(c->flags & (CLIENT_MASTER | CLIENT_LOADER)) &&
        !client_may_protected(c, server.enable_debug_command)) {
        reply_error(c, "DEBUG command not allowed. If the "
                       "enable-debug-command option is set to \"local\", "
                       "you can run it from a local connection, otherwise "
                       "you need to set this option in the configuration "
                       "file, and then restart the server.");
        multi_flag_error(c);
        return;
    }
    if (!c->authenticated && !(cmd->spec->flags & CMDSPEC_NO_AUTH)) {
        reply_error_text(c, "NOAUTH Authentication required.");
        multi_flag_error(c);
        return;
    }
    if (acl_refuse(c, cmd)) {
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
    /* EXEC counts as the commands it runs; anything queued in MULTI may
     * grow memory (Redis's rules). */
    bool is_exec = cmd->proc == cmd_exec && (c->flags & CLIENT_MULTI);
    unsigned eff_flags = cmd->spec->flags |
                         (is_exec ? multi_queued_flags(c) : 0);
    bool oom_refuses = (eff_flags & CMDSPEC_DENYOOM) ||
                       ((c->flags & CLIENT_MULTI) && !is_exec &&
                        multi_should_queue(c, cmd) &&
                        cmd->proc != cmd_discard);
    if (server.maxmemory > 0 && !trusted && evict_perform() != 0 &&
        oom_refuses) {
        server_refuse(c, is_exec, "OOM command not allowed when used "
                                  "memory > 'maxmemory'.");
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
        !trusted && (eff_flags & CMDSPEC_WRITE) &&
        replication_good_slaves() < server.min_replicas_to_write) {
        server_refuse(c, is_exec, "NOREPLICAS Not enough good replicas to "
                                  "write.");
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
        db_cron_resize(db, 1);
    }
}

static void server_on_cron(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    server_update_time();
    if (server.debug_pause_cron) {
        return;
    }
    long long elapsed = server.mstime - server.stat_ops_sample_time;
    if (elapsed >= 100) {
        long long ops = server.stat_commands - server.stat_ops_sample_count;
        server.stat_ops_per_sec = ops * 1000 / elapsed;
        server.stat_ops_sample_time = server.mstime;
        server.stat_ops_sample_count = server.stat_commands;
    }
    server_update_memory();
    info_cron();
    networking_cron();
    if (server.masterhost == NULL && !server.debug_no_active_expire) {
        expire_cycle();
    }
    aof_cron();
    replication_check_waits();
    failover_cron();
    if (server.mstime - server_last_second >= 1000) {
        server_last_second = server.mstime;
        replication_cron();
        replica_cron();
        migrate_cron();
    }
    server_resize_dbs();
    child_reap();
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

/* The work left at the end of each turn of the loop, before it waits
 * again, in data-flow order (as Redis's beforeSleep): serving blocked
 * clients writes keys, whose commands go to the AOF and to replicas;
 * replicas' ACKs answer WAITs; clients closed during the turn go last. */
static void server_before_sleep(void *arg)
{
    blocking_before_sleep();
    replication_before_sleep();
    aof_before_sleep();
    backlog_flush();
    networking_before_sleep();
}

/* TERM, INT or QUIT: shut down as Redis does, after this turn. */
static void server_on_stop(int sig, void *arg)
{
    log_info("received %s, scheduling shutdown", loop_signal_name(sig));
    server.shutdown_asap = true;
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
    /* as redis-server does by default: without it, freed pages stay
     * resident until the next allocations (biglist RSS 1.11x, issue 14) */
    if (mem_background_purge(true) != 0) {
        log_warn("no jemalloc background thread: freed memory is "
                 "returned to the system only as the server allocates");
    }
    server_update_time();
    server.start_time = server.mstime;
    server.stat_ops_sample_time = server.mstime;

    server.loop = loop_new(LOOP_SIGNALS, err, errlen);
    if (server.loop == NULL) {
        return -1;
    }
    loop_on_signal(server.loop, server_on_stop, NULL, NULL);
    loop_before_sleep(server.loop, server_before_sleep, NULL);
    server.base = loop_base(server.loop);
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
    blocking_init();
    tracking_init();
    if (child_init(server.base) != 0) {
        snprintf(err, errlen, "cannot watch SIGCHLD");
        return -1;
    }
    server_update_memory();
    server.startup_memory = server.used_memory;
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
    if (loop_run(server.loop) < 0) {
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
    tracking_release();
    multi_release();
    pubsub_release();
    slowlog_release();
    latency_release();
    script_release();
    function_release();
    networking_close_listeners();
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
    child_release();
    loop_free(server.loop);
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
    } else if ((c->flags & CLIENT_PUBSUB) && c->resp < 3) {
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
    if (c->argc == 2 && acl_client_autoauth()) {
        reply_error(c, "AUTH <password> called without any password "
                       "configured for the default user. Are you sure your "
                       "configuration is correct?");
        return;
    }
    if (acl_auth(c, c->argc == 3 ? &c->argv[1] : NULL,
                 &c->argv[c->argc - 1]) == 0) {
        reply_ok(c);
        return;
    }
    reply_error_text(c, "WRONGPASS invalid username-password pair or user "
                        "is disabled.");
}

/* HELLO [2|3 [AUTH username password] [SETNAME name]]: switch the
 * connection's protocol, authenticate and name it in one step; replies
 * the server's facts as a map (an array of pairs under RESP2). */
void cmd_hello(struct client *c)
{
    int i = 1;
    long long ver = c->resp >= 3 ? 3 : 2;
    if (c->argc >= 2) {
        if (resp_parse_ll(c->argv[1].ptr, c->argv[1].len, &ver) != 0) {
            reply_error(c, "Protocol version is not an integer or out of "
                           "range");
            return;
        }
        if (ver != 2 && ver != 3) {
            reply_error_text(c, "NOPROTO unsupported protocol version");
            return;
        }
        i = 2;
    }
    const struct arg *name = NULL;
    for (; i < c->argc; i++) {
        if (arg_is(&c->argv[i], "auth") && i + 2 < c->argc) {
            if (acl_auth(c, &c->argv[i + 1], &c->argv[i + 2]) != 0) {
                reply_error_text(c, "WRONGPASS invalid username-password "
                                    "pair or user is disabled.");
                return;
            }
            i += 2;
        } else if (arg_is(&c->argv[i], "setname") && i + 1 < c->argc) {
            name = &c->argv[++i];
            for (size_t k = 0; k < name->len; k++) {
                if (name->ptr[k] < '!' || name->ptr[k] > '~') {
                    reply_error(c, "Client names cannot contain spaces, "
                                   "newlines or special characters.");
                    return;
                }
            }
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
    if (name != NULL) {
        mem_free(c->name);
        c->name = name->len > 0 ? mem_strndup(name->ptr, name->len) : NULL;
    }
    c->resp = (int)ver;
    reply_map(c, 7);
    reply_bulk_str(c, "server");
    reply_bulk_str(c, "redis");
    reply_bulk_str(c, "version");
    reply_bulk_str(c, SERVER_VERSION);
    reply_bulk_str(c, "proto");
    reply_integer(c, ver);
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
