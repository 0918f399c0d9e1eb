/* EVAL scripts: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, the script
 * cache (sha1 -> compiled function, in the Lua registry), and the run of
 * any script or function: its private client for redis.call, the checks
 * a command from a script must pass, the busy state past
 * busy-reply-threshold (other clients get -BUSY, SCRIPT KILL / FUNCTION
 * KILL / SHUTDOWN NOSAVE are served), and the capture of its effects.
 *
 * Effects, not scripts, are replicated. While a script runs,
 * server_propagate hands every write to script_on_capture instead of
 * the AOF and the replicas; when the script ends the writes go out, in
 * MULTI ... EXEC when there are several, each to the targets
 * redis.set_repl chose for it. A replica or an AOF reload so never runs
 * Lua and needs no script cache.
 *
 * Not here: the Lua state and conversions (script_lua.c), functions
 * (function.c). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "lib/cmdspec.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/sha1.h"
#include "redis/evict.h"
#include "redis/replication.h"
#include "redis/script.h"

struct script_run *script_current;
long long script_load_deadline;

/* The EVAL engine: its state (created on first use, closed by SCRIPT
 * FLUSH) and the cache, sha -> v.s64 holding the compiled function's
 * registry reference (high 32 bits) and its SCRIPT_FLAG_* (low 32). */
static lua_State *script_L;
static const struct dict_type script_cache_type = { true, NULL };
static struct dict *script_cache;

/* One captured write. */
struct script_effect {
    int dbid;
    int argc;
    char **args;       /* sds copies */
    unsigned targets;  /* SERVER_PROPAGATE_* */
};

/* The writes of the running script. */
static struct script_effect *script_effects;
static size_t script_effect_count;
static size_t script_effect_cap;

/* The client every redis.call runs on (kept between scripts). */
static struct client *script_fake;

/* ------------------------------------------------------------------------
 * Capturing effects */

static void script_on_capture(int dbid, int argc, const struct arg *argv)
{
    struct script_run *run = script_current;
    if (run == NULL || run->repl == 0) {
        return;
    }
    if (script_effect_count == script_effect_cap) {
        script_effect_cap = script_effect_cap ? script_effect_cap * 2 : 8;
        script_effects = mem_realloc(script_effects, script_effect_cap *
                                     sizeof(*script_effects));
    }
    struct script_effect *e = &script_effects[script_effect_count++];
    e->dbid = dbid;
    e->argc = argc;
    e->args = mem_alloc((size_t)argc * sizeof(*e->args));
    for (int i = 0; i < argc; i++) {
        e->args[i] = sds_new(argv[i].ptr, argv[i].len);
    }
    e->targets = 0;
    if (run->repl & SCRIPT_REPL_AOF) {
        e->targets |= SERVER_PROPAGATE_AOF;
    }
    if (run->repl & SCRIPT_REPL_REPLICA) {
        e->targets |= SERVER_PROPAGATE_REPLICAS;
    }
}

/* Send the captured writes to 'target', in MULTI ... EXEC if several. */
static void script_flush_target(unsigned target, bool wrap)
{
    size_t n = 0;
    int first_db = 0;
    for (size_t i = 0; i < script_effect_count; i++) {
        if (script_effects[i].targets & target) {
            if (n++ == 0) {
                first_db = script_effects[i].dbid;
            }
        }
    }
    if (n == 0) {
        return;
    }
    wrap = wrap && n > 1;
    if (wrap) {
        struct arg multi[1] = { { "MULTI", 5 } };
        server_propagate_to(first_db, 1, multi, target);
    }
    struct arg argv[64];
    for (size_t i = 0; i < script_effect_count; i++) {
        struct script_effect *e = &script_effects[i];
        if (!(e->targets & target)) {
            continue;
        }
        struct arg *v = e->argc <= 64 ? argv
                        : mem_alloc((size_t)e->argc * sizeof(*v));
        for (int j = 0; j < e->argc; j++) {
            v[j].ptr = e->args[j];
            v[j].len = sds_len(e->args[j]);
        }
        server_propagate_to(e->dbid, e->argc, v, target);
        if (v != argv) {
            mem_free(v);
        }
    }
    if (wrap) {
        struct arg exec[1] = { { "EXEC", 4 } };
        server_propagate_to(first_db, 1, exec, target);
    }
}

static void script_effects_clear(void)
{
    for (size_t i = 0; i < script_effect_count; i++) {
        for (int j = 0; j < script_effects[i].argc; j++) {
            sds_free(script_effects[i].args[j]);
        }
        mem_free(script_effects[i].args);
    }
    script_effect_count = 0;
}

/* ------------------------------------------------------------------------
 * Running */

void script_run_begin(struct script_run *run, struct client *caller,
                      const char *funcname, bool is_function, bool read_only)
{
    memset(run, 0, sizeof(*run));
    if (script_fake == NULL) {
        script_fake = mem_calloc(1, sizeof(*script_fake));
        script_fake->fd = -1;
        script_fake->authenticated = true;
        script_fake->flags = CLIENT_DENY_BLOCKING;
        script_fake->ocap = SERVER_IOBUF_LEN;
        script_fake->obuf = mem_alloc(script_fake->ocap);
        snprintf(script_fake->addr, sizeof(script_fake->addr), "lua");
    }
    script_fake->db = caller->db;
    script_fake->id = caller->id;
    run->caller = caller;
    run->fake = script_fake;
    run->funcname = funcname;
    run->is_function = is_function;
    run->read_only = read_only;
    run->start_ms = server_mstime();
    run->last_events_ms = run->start_ms;
    run->repl = SCRIPT_REPL_ALL;
    script_current = run;
    server_propagate_capture(script_on_capture);
}

void script_run_end(struct script_run *run)
{
    server_propagate_capture(NULL);
    script_current = NULL;
    server.current = run->caller;
    if (run->busy) {
        log_warn("slow script '%s' finished after %lld ms", run->funcname,
                 server_mstime() - run->start_ms);
    }
    /* Inside EXEC the transaction already wraps us. */
    bool wrap = !(run->caller->flags & CLIENT_DENY_BLOCKING);
    if (!server.shutdown_asap) {
        script_flush_target(SERVER_PROPAGATE_AOF, wrap);
        script_flush_target(SERVER_PROPAGATE_REPLICAS, wrap);
    }
    script_effects_clear();
    if (script_fake->ocap > 64 * 1024) {
        mem_free(script_fake->obuf);
        script_fake->ocap = SERVER_IOBUF_LEN;
        script_fake->obuf = mem_alloc(script_fake->ocap);
    }
    /* The caller's command is the one that propagated nothing itself. */
    run->caller->flags |= CLIENT_PREVENT_PROP;
}

const char *script_call(int argc, struct arg *argv, size_t *len,
                        const char **err)
{
    struct script_run *run = script_current;
    const struct command *cmd = commands_lookup(argv[0].ptr, argv[0].len);
    if (cmd == NULL) {
        *err = "Unknown Redis command called from script";
        return NULL;
    }
    if (!cmdspec_arity_ok(cmd->spec, argc)) {
        *err = "Wrong number of args calling Redis command from script";
        return NULL;
    }
    if ((cmd->spec->flags & CMDSPEC_NOSCRIPT) && !server.debug_script_any) {
        *err = "This Redis command is not allowed from script";
        return NULL;
    }
    const char *refused = acl_script_refuse(run->caller, cmd, argc, argv,
                                            true);
    if (refused != NULL) {
        *err = refused;
        return NULL;
    }
    bool trusted = (run->caller->flags & (CLIENT_MASTER | CLIENT_LOADER))
                   != 0;
    if (cmd->spec->flags & CMDSPEC_WRITE) {
        if (run->read_only) {
            *err = "Write commands are not allowed from read-only scripts.";
            return NULL;
        }
        if (server.masterhost != NULL && server.replica_read_only &&
            !trusted) {
            *err = "-READONLY You can't write against a read only replica.";
            return NULL;
        }
        if (server.masterhost == NULL && server.min_replicas_to_write > 0 &&
            !trusted &&
            replication_good_slaves() < server.min_replicas_to_write) {
            *err = "-NOREPLICAS Not enough good replicas to write.";
            return NULL;
        }
    }
    if (server.maxmemory > 0 && (cmd->spec->flags & CMDSPEC_DENYOOM) && !trusted &&
        !run->allow_oom && !run->wrote && evict_perform() != 0) {
        *err = "-OOM command not allowed when used memory > 'maxmemory'.";
        return NULL;
    }
    if (cmd->spec->flags & CMDSPEC_WRITE) {
        run->wrote = true;
    }
    struct client *f = run->fake;
    f->argc = argc;
    f->argv = argv;
    f->cmd = cmd;
    f->olen = 0;
    server_call(f);
    server.current = run->caller;
    f->argc = 0;
    f->argv = NULL;
    *len = f->olen;
    return f->obuf;
}

bool script_check_time(void)
{
    struct script_run *run = script_current;
    long long now = server_mstime();
    if (!run->busy) {
        if (now - run->start_ms < server.busy_reply_threshold) {
            return run->killed;
        }
        run->busy = true;
        log_warn("slow script detected: '%s' still running after %lld ms; "
                 "%s KILL or SHUTDOWN NOSAVE can stop it", run->funcname,
                 now - run->start_ms, run->is_function ? "FUNCTION"
                                                       : "SCRIPT");
    }
    networking_serve_while_busy(run->caller);
    server.current = run->caller;
    if (server.shutdown_asap) {
        run->killed = true;
    }
    return run->killed;
}

bool script_refuse_busy(struct client *c, const struct command *cmd)
{
    struct script_run *run = script_current;
    if (run == NULL || !run->busy || c == run->caller) {
        return false;
    }
    const char *name = cmd->spec->name;
    if (strcmp(name, "auth") == 0 || strcmp(name, "hello") == 0 ||
        strcmp(name, "quit") == 0 || strcmp(name, "reset") == 0 ||
        strcmp(name, "replconf") == 0) {
        return false;
    }
    /* Only the KILL of the running kind (and FUNCTION STATS, which shows
     * a running function) may run. */
    if (c->argc >= 2 && !run->is_function && strcmp(name, "script") == 0 &&
        arg_is(&c->argv[1], "kill")) {
        return false;
    }
    if (c->argc >= 2 && run->is_function && strcmp(name, "function") == 0 &&
        (arg_is(&c->argv[1], "kill") || arg_is(&c->argv[1], "stats"))) {
        return false;
    }
    if (strcmp(name, "shutdown") == 0) {
        for (int i = 1; i < c->argc; i++) {
            if (arg_is(&c->argv[i], "nosave")) {
                return false;
            }
        }
    }
    reply_error(c, "-BUSY Redis is busy running a script. You can only "
                   "call %s KILL or SHUTDOWN NOSAVE.",
                run->is_function ? "FUNCTION" : "SCRIPT");
    multi_flag_error(c);
    return true;
}

/* SCRIPT KILL / FUNCTION KILL ('is_function'). */
void script_kill(struct client *c, bool is_function)
{
    struct script_run *run = script_current;
    if (run == NULL || run->is_function != is_function) {
        reply_error(c, "-NOTBUSY No scripts in execution right now.");
        return;
    }
    if (run->wrote) {
        reply_error(c, "-UNKILLABLE Sorry the script already executed write "
                       "commands against the dataset. You can either wait "
                       "the script termination or kill the server in a "
                       "hard way using the SHUTDOWN NOSAVE command.");
        return;
    }
    run->killed = true;
    reply_ok(c);
}

/* ------------------------------------------------------------------------
 * The cache */

static lua_State *script_state(void)
{
    if (script_L == NULL) {
        script_L = script_lua_new(false);
        script_cache = dict_new(&script_cache_type);
    }
    return script_L;
}

/* Parse the shebang of 'body' if it has one: '*flags' and '*skip' (the
 * bytes of the first line, newline excluded). Returns 0, or -1 after
 * replying the error. */
static int script_parse_shebang(struct client *c, const char *body,
                                size_t len, unsigned *flags, size_t *skip)
{
    *flags = 0;
    *skip = 0;
    if (len < 2 || body[0] != '#' || body[1] != '!') {
        return 0;
    }
    if (memchr(body, '\n', len) == NULL) {
        reply_error(c, "Invalid script shebang");
        return -1;
    }
    struct arg words[64];
    size_t line_len;
    int count = script_lua_shebang_words(body, len, &line_len, words, 64);
    *skip = line_len;
    *flags = SCRIPT_FLAG_SHEBANG;
    /* The engine, then name=value options. */
    for (int word = 0; word < count; word++) {
        const char *w = words[word].ptr;
        size_t wlen = words[word].len;
        if (word == 0) {
            if (wlen != 5 || memcmp(w, "#!lua", 5) != 0) {
                reply_error(c, "Unexpected engine in script shebang: %.*s",
                            (int)wlen, w);
                return -1;
            }
            continue;
        }
        if (wlen >= 6 && memcmp(w, "flags=", 6) == 0) {
            /* Comma-separated; "flags=" alone names none, but an empty
             * name between commas is an unknown flag. */
            const char *p = w + 6;
            const char *end = w + wlen;
            while (p < end) {
                const char *comma = memchr(p, ',', (size_t)(end - p));
                size_t flen = comma != NULL ? (size_t)(comma - p)
                                            : (size_t)(end - p);
                if (script_parse_flag(p, flen, false, flags) != 0) {
                    reply_error(c, "Unexpected flag in script shebang: "
                                   "%.*s", (int)flen, p);
                    return -1;
                }
                p += flen;
                if (comma != NULL && p + 1 == end) {
                    reply_error(c, "Unexpected flag in script shebang: ");
                    return -1;
                }
                p += comma != NULL ? 1 : 0;
            }
            continue;
        }
        reply_error(c, "Unknown lua shebang option: %.*s", (int)wlen, w);
        return -1;
    }
    return 0;
}

bool script_refuse_flags(struct client *c, unsigned flags, bool ro)
{
    if (!(flags & SCRIPT_FLAG_SHEBANG)) {
        return false;
    }
    bool trusted = (c->flags & (CLIENT_MASTER | CLIENT_LOADER)) != 0;
    bool writes = !(flags & SCRIPT_FLAG_NO_WRITES);
    bool oom = server.maxmemory > 0 && !trusted && evict_perform() != 0;
    /* First what Redis's command checks refuse (a writing script counts
     * as a write command, denied when out of memory unless allow-oom; a
     * no-writes one runs), then what its script start refuses. */
    if (oom && writes && !(flags & SCRIPT_FLAG_ALLOW_OOM)) {
        reply_error(c, "-OOM command not allowed when used memory > "
                       "'maxmemory'.");
        return true;
    }
    if (writes && !trusted && server.masterhost == NULL &&
        server.min_replicas_to_write > 0 &&
        replication_good_slaves() < server.min_replicas_to_write) {
        reply_error(c, "-NOREPLICAS Not enough good replicas to write.");
        return true;
    }
    if (writes && !trusted && server.masterhost != NULL &&
        server.replica_read_only) {
        reply_error(c, "-READONLY You can't write against a read only "
                       "replica.");
        return true;
    }
    if (writes && ro) {
        reply_error(c, "Can not execute a script with write flag using *_ro "
                       "command.");
        return true;
    }
    return false;
}

/* Compile 'body' into the cache under 'sha' unless it is there. Returns
 * the cache entry, or NULL after replying the error. */
static struct dict_entry *script_compile(struct client *c, const char *body,
                                         size_t len, const char *sha)
{
    lua_State *L = script_state();
    struct dict_entry *e = dict_find(script_cache, sha, 40);
    if (e != NULL) {
        return e;
    }
    unsigned flags;
    size_t skip;
    if (script_parse_shebang(c, body, len, &flags, &skip) != 0) {
        return NULL;
    }
    if (luaL_loadbuffer(L, body + skip, len - skip, "@user_script") != 0) {
        reply_error(c, "Error compiling script (new function): %s",
                    lua_tostring(L, -1));
        lua_pop(L, 1);
        return NULL;
    }
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    e = dict_insert(script_cache, sds_new(sha, 40));
    e->v.s64 = (int64_t)ref << 32 | flags;
    return e;
}

int script_numkeys_or_reply(struct client *c, const char *not_int,
                            long long *numkeys)
{
    if (arg_ll_or_reply(c, &c->argv[2], numkeys, not_int) != 0) {
        return -1;
    }
    if (*numkeys > c->argc - 3) {
        reply_error(c, "Number of keys can't be greater than number of "
                       "args");
        return -1;
    }
    if (*numkeys < 0) {
        reply_error(c, "Number of keys can't be negative");
        return -1;
    }
    return 0;
}

/* EVAL / EVALSHA (by 'by_sha') / their _RO forms ('ro'). */
static void script_eval(struct client *c, bool by_sha, bool ro)
{
    long long numkeys;
    if (script_numkeys_or_reply(c, NULL, &numkeys) != 0) {
        return;
    }
    char sha[41];
    struct dict_entry *e;
    if (by_sha) {
        lua_State *L = script_state();
        (void)L;
        if (c->argv[1].len != 40) {
            reply_error(c, "-NOSCRIPT No matching script. Please use EVAL.");
            return;
        }
        for (int i = 0; i < 40; i++) {
            sha[i] = (char)tolower((unsigned char)c->argv[1].ptr[i]);
        }
        sha[40] = '\0';
        e = dict_find(script_cache, sha, 40);
        if (e == NULL) {
            reply_error(c, "-NOSCRIPT No matching script. Please use EVAL.");
            return;
        }
    } else {
        sha1_hex(c->argv[1].ptr, c->argv[1].len, sha);
        e = script_compile(c, c->argv[1].ptr, c->argv[1].len, sha);
        if (e == NULL) {
            return;
        }
    }
    unsigned flags = (unsigned)(e->v.s64 & 0xffffffff);
    int ref = (int)(e->v.s64 >> 32);
    if (script_refuse_flags(c, flags, ro)) {
        return;
    }
    lua_State *L = script_L;
    struct script_run run;
    script_run_begin(&run, c, sha, false,
                     ro || (flags & SCRIPT_FLAG_NO_WRITES));
    run.allow_oom = (flags & SCRIPT_FLAG_ALLOW_OOM) != 0;
    script_lua_push_args(L, c->argv + 3, (int)numkeys);
    script_lua_set_global(L, "KEYS");
    script_lua_push_args(L, c->argv + 3 + numkeys,
                         c->argc - 3 - (int)numkeys);
    script_lua_set_global(L, "ARGV");
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    script_lua_call(L, 0);
    script_run_end(&run);
}

void cmd_eval(struct client *c)
{
    script_eval(c, false, false);
}

void cmd_evalsha(struct client *c)
{
    script_eval(c, true, false);
}

void cmd_eval_ro(struct client *c)
{
    script_eval(c, false, true);
}

void cmd_evalsha_ro(struct client *c)
{
    script_eval(c, true, true);
}

/* Drop every cached script and the state itself. */
static void script_flush(void)
{
    if (script_L != NULL) {
        script_lua_free(script_L);
        script_L = NULL;
        dict_free(script_cache);
        script_cache = NULL;
    }
}

int script_subcommand_or_reply(struct client *c, const char *cmd,
                               const struct script_subcommand *subs,
                               size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!arg_is(&c->argv[1], subs[i].name)) {
            continue;
        }
        int arity = subs[i].arity;
        if (arity > 0 ? c->argc != arity : c->argc < -arity) {
            reply_error(c, "wrong number of arguments for '%s|%s' command",
                        cmd, subs[i].name);
            return -1;
        }
        return (int)i;
    }
    char upper[16];
    size_t len = strlen(cmd) < sizeof(upper) ? strlen(cmd)
                                             : sizeof(upper) - 1;
    for (size_t i = 0; i < len; i++) {
        upper[i] = (char)toupper((unsigned char)cmd[i]);
    }
    upper[len] = '\0';
    reply_error(c, "unknown subcommand '%.128s'. Try %s HELP.",
                c->argv[1].ptr, upper);
    return -1;
}

/* SCRIPT LOAD | EXISTS | FLUSH [ASYNC|SYNC] | KILL | DEBUG | HELP */
void cmd_script(struct client *c)
{
    static const struct script_subcommand subs[] = {
        { "load", 3 }, { "exists", -3 }, { "flush", -2 }, { "kill", 2 },
        { "debug", 3 }, { "help", 2 },
    };
    if (script_subcommand_or_reply(c, "script", subs,
                                   sizeof(subs) / sizeof(subs[0])) < 0) {
        return;
    }
    const struct arg *sub = &c->argv[1];
    if (arg_is(sub, "load")) {
        char sha[41];
        sha1_hex(c->argv[2].ptr, c->argv[2].len, sha);
        if (script_compile(c, c->argv[2].ptr, c->argv[2].len, sha) != NULL) {
            reply_bulk(c, sha, 40);
            /* Loaded scripts are not effects: replicas load their own. */
        }
    } else if (arg_is(sub, "exists")) {
        script_state();
        reply_array(c, c->argc - 2);
        for (int i = 2; i < c->argc; i++) {
            char sha[41];
            bool found = false;
            if (c->argv[i].len == 40) {
                for (int j = 0; j < 40; j++) {
                    sha[j] = (char)tolower((unsigned char)c->argv[i].ptr[j]);
                }
                found = dict_find(script_cache, sha, 40) != NULL;
            }
            reply_integer(c, found ? 1 : 0);
        }
    } else if (arg_is(sub, "flush")) {
        if (c->argc > 3 || (c->argc == 3 && !arg_is(&c->argv[2], "sync") &&
                            !arg_is(&c->argv[2], "async"))) {
            reply_error(c, "SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        script_flush();
        reply_ok(c);
    } else if (arg_is(sub, "kill")) {
        script_kill(c, false);
    } else if (arg_is(sub, "debug")) {
        if (arg_is(&c->argv[2], "no")) {
            reply_ok(c);
        } else if (arg_is(&c->argv[2], "yes") ||
                   arg_is(&c->argv[2], "sync")) {
            reply_error(c, "the Lua debugger is not available in codis "
                           "server");
        } else {
            reply_error(c, "Use SCRIPT DEBUG YES/SYNC/NO");
        }
    } else {
        static const char *help[] = {
            "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "EXISTS <sha1> [<sha1> ...]",
            "    Say for each sha1 whether the script is cached.",
            "FLUSH [ASYNC|SYNC]",
            "    Empty the script cache.",
            "KILL",
            "    Stop the running script if it has not written.",
            "LOAD <script>",
            "    Cache a script without running it; reply its sha1.",
            "HELP",
            "    Print this help.",
        };
        reply_help(c, help, sizeof(help) / sizeof(help[0]));
    }
}

/* ------------------------------------------------------------------------
 * INFO and shutdown */

long long script_memory(void)
{
    return script_lua_memory(script_L);
}

size_t script_cached_count(void)
{
    return script_cache != NULL ? dict_size(script_cache) : 0;
}

long long script_cache_memory(void)
{
    if (script_cache == NULL) {
        return 0;
    }
    long long bytes = (long long)(sizeof(*script_cache) +
                                  dict_buckets(script_cache) *
                                  sizeof(struct dict_entry *));
    struct dict_iter it;
    struct dict_entry *e;
    dict_iter_init(&it, script_cache);
    while ((e = dict_iter_next(&it)) != NULL) {
        bytes += (long long)(mem_usable(e) + sds_alloc_size(e->key));
    }
    dict_iter_release(&it);
    return bytes;
}

void script_release(void)
{
    script_flush();
    script_lua_release();
    script_effects_clear();
    mem_free(script_effects);
    script_effects = NULL;
    script_effect_cap = 0;
    if (script_fake != NULL) {
        mem_free(script_fake->obuf);
        mem_free(script_fake);
        script_fake = NULL;
    }
}
