/* Lua scripting shared by EVAL (script.c) and functions (function.c):
 * a sandboxed Lua 5.1 state (script_lua.c), the run of one script or
 * function with its busy / kill state and the capture of its effects
 * (script.c), and what the dispatcher, INFO and shutdown ask of them.
 *
 * One script runs at a time (the server is single-threaded); 'script_run'
 * describes it while it runs. Its redis.call's go through a client of
 * its own whose replies are read back into Lua; the writes they make are
 * captured and propagated at the end as MULTI ... EXEC (only the writes,
 * never the script). */
#ifndef CODIS_SCRIPT_H
#define CODIS_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "redis/server.h"

struct lua_State;

/* redis.set_repl targets (values as Redis's REPL_* constants). */
#define SCRIPT_REPL_AOF 1
#define SCRIPT_REPL_REPLICA 2
#define SCRIPT_REPL_ALL 3

/* The script or function running now. */
struct script_run {
    struct client *caller;   /* who sent EVAL / FCALL */
    struct client *fake;     /* runs the redis.call's */
    const char *funcname;    /* sha (EVAL) or function name, for errors */
    bool is_function;        /* FCALL: FUNCTION KILL, not SCRIPT KILL */
    bool read_only;          /* EVAL_RO, FCALL_RO, no-writes */
    bool allow_oom;          /* flag allow-oom */
    bool wrote;              /* ran a write command: unkillable */
    bool busy;               /* ran past busy-reply-threshold */
    bool killed;             /* SCRIPT / FUNCTION KILL asked to stop */
    long long start_ms;
    long long last_events_ms; /* last time other clients were served */
    int repl;                /* SCRIPT_REPL_* of the next writes */
};

/* The running script, or NULL. */
extern struct script_run *script_current;

/* While a library's code runs at FUNCTION LOAD (no script_current): the
 * ms time after which the hook stops it, or 0. */
extern long long script_load_deadline;

/* ------------------------------------------------------------------------
 * script_lua.c: the sandboxed state */

/* A new Lua state with Redis's libraries and sandbox: the globals table
 * and every library are read-only, reading an unknown global is an
 * error, no os/io/loadfile/dofile/print. With 'for_functions' the state
 * is the functions engine's (no KEYS/ARGV). Never NULL (aborts on OOM). */
struct lua_State *script_lua_new(bool for_functions);

/* __index of a guarded table: reading an unknown name is an error
 * ("Script attempted to access nonexistent global variable"). */
int script_lua_global_missing(struct lua_State *L);

/* Make the table on top of 'L' read-only, with 'index' (NULL: the
 * unknown-name error) as its __index. */
void script_lua_guard(struct lua_State *L, int (*index)(struct lua_State *));

/* Split the first line of 'body' (a shebang) at spaces into at most
 * 'max' 'words' (views into 'body'); '*line_len' gets the line's length.
 * Returns the number of words. */
int script_lua_shebang_words(const char *body, size_t len, size_t *line_len,
                             struct arg *words, int max);

/* Close 'L' (NULL is fine). */
void script_lua_free(struct lua_State *L);

/* Free the buffers the redis.* calls keep between calls (at exit). */
void script_lua_release(void);

/* Bytes used by 'L' (INFO used_memory_lua). */
long long script_lua_memory(struct lua_State *L);

/* Call the function on top of the stack of 'L' with 'nargs' arguments
 * below... (see script_lua.c): pops the function and its arguments, runs
 * them under the sandbox's error handler with script_current set up by
 * the caller, and replies the result (or the error, with " script: NAME,
 * on SOURCE:LINE.") to script_current->caller. */
void script_lua_call(struct lua_State *L, int nargs);

/* Push a new array table of the 'count' arguments 'argv' onto 'L'. */
void script_lua_push_args(struct lua_State *L, const struct arg *argv,
                          int count);

/* Set the global 'name' of 'L' (bypassing the read-only guard). Pops the
 * value on top. */
void script_lua_set_global(struct lua_State *L, const char *name);

/* Parse a "#!lua ..." first line of 'body' ('len' bytes) for EVAL:
 * '*flags' gets SCRIPT_FLAG_*, '*skip' how many bytes the line takes.
 * Returns 0, or -1 after replying the error to 'c'. */
#define SCRIPT_FLAG_NO_WRITES (1u << 0)
#define SCRIPT_FLAG_ALLOW_OOM (1u << 1)
#define SCRIPT_FLAG_ALLOW_STALE (1u << 2)
#define SCRIPT_FLAG_NO_CLUSTER (1u << 3)
#define SCRIPT_FLAG_CROSS_SLOT (1u << 4)
#define SCRIPT_FLAG_SHEBANG (1u << 5) /* a shebang was there */

/* Add to '*flags' the flag named by 'p' ('len' bytes; any case if
 * 'nocase', as register_function takes them; shebangs want the exact
 * case). Returns 0, or -1 if no flag has that name. */
int script_parse_flag(const char *p, size_t len, bool nocase,
                      unsigned *flags);

/* A subcommand of SCRIPT or FUNCTION: its name and Redis's arity for it
 * (counting the command and the subcommand; negative: at least). */
struct script_subcommand {
    const char *name;
    int arity;
};

/* Check argv[1] of 'c' against the 'n' subcommands 'subs' of command
 * 'cmd' ("script", "function"). Returns the index of the subcommand, or
 * -1 after replying Redis's error for an unknown one or a wrong number
 * of arguments. */
int script_subcommand_or_reply(struct client *c, const char *cmd,
                               const struct script_subcommand *subs,
                               size_t n);

/* Refuse to start a script or function with SCRIPT_FLAG_* 'flags' (a
 * shebang script or a function: without SCRIPT_FLAG_SHEBANG nothing is
 * checked) as Redis does: a writing one when out of memory without
 * allow-oom, on a read-only replica or without enough good replicas, and
 * EVAL_RO / EVALSHA_RO / FCALL_RO ('ro') without no-writes. Returns true
 * after replying the error to 'c'. */
bool script_refuse_flags(struct client *c, unsigned flags, bool ro);

/* ------------------------------------------------------------------------
 * script.c: running */

/* Set up 'run' for a script from 'caller' and make it current; starts
 * capturing the effects. */
void script_run_begin(struct script_run *run, struct client *caller,
                      const char *funcname, bool is_function, bool read_only);

/* End the current run: propagate the captured effects (MULTI ... EXEC
 * around several) and forget it. */
void script_run_end(struct script_run *run);

/* Run one redis.call from a script: 'argc' arguments 'argv' (NUL
 * terminated copies). Returns the reply bytes (borrowed from the run's
 * client, valid until the next call) in '*len', or NULL with '*err' set
 * to an error text ("ERR ..." or "CODE ...") refused before running. */
const char *script_call(int argc, struct arg *argv, size_t *len,
                        const char **err);

/* Called by the Lua hook every few thousand instructions: serve other
 * clients (-BUSY) once past the threshold. Returns true if the script
 * must stop (killed). */
bool script_check_time(void);

/* Parse the key count c->argv[2] of EVAL / FCALL: an integer ('not_int'
 * is the error otherwise, NULL for the usual one) between 0 and the
 * arguments that follow. Returns 0, or -1 after replying. */
int script_numkeys_or_reply(struct client *c, const char *not_int,
                            long long *numkeys);

/* SCRIPT KILL / FUNCTION KILL ('is_function'): stop the running script
 * of that kind if it has not written, replying OK or the error. */
void script_kill(struct client *c, bool is_function);

/* server.c: if a script is busy and 'cmd' may not run meanwhile, reply
 * -BUSY to 'c' and return true. */
bool script_refuse_busy(struct client *c, const struct command *cmd);

/* INFO memory: used_memory_lua (EVAL's state), number_of_cached_scripts. */
long long script_memory(void);
size_t script_cached_count(void);

/* Bytes of the script cache itself (its table and sha keys; the compiled
 * code lives in the Lua state): INFO used_memory_scripts_eval, MEMORY
 * STATS lua.caches. */
long long script_cache_memory(void);

/* Free the Lua states (server_release). */
void script_release(void);

/* ------------------------------------------------------------------------
 * function.c */

/* FUNCTION DUMP's payload of every library as an sds string (owned). */
char *function_dump_payload(void);

/* Bytes used by the functions engine. */
long long function_memory(void);

/* The loaded libraries: their count, their functions' count, and the bytes
 * of their metadata outside the Lua state (names, descriptions, code, the
 * name table): INFO used_memory_functions, MEMORY STATS
 * functions.caches. */
void function_totals(size_t *libs, size_t *fns, long long *bytes);

/* RDB: the libraries' code, one sds per library (array owned, each sds
 * owned), to save with opcode 245; and load one library's code. */
char **function_codes(size_t *count);
int function_load_code(const char *code, size_t len, bool replace,
                       char *err, size_t errlen);
void function_release(void);

/* Drop every library (a replica's full sync, DEBUG RELOAD). */
void function_flush_libraries(void);

#endif
