/* Redis 7 functions: FUNCTION LOAD | LIST | DELETE | FLUSH | DUMP |
 * RESTORE | STATS | KILL | HELP, FCALL and FCALL_RO, and the libraries
 * behind them ("#!lua name=lib" code that calls redis.register_function).
 *
 * Libraries live in a Lua state of their own (not EVAL's, so SCRIPT
 * FLUSH leaves them alone). While a library's code runs at load time its
 * globals are limited to 'redis' with register_function, log, the LOG_*
 * levels and the version; the functions it registers run later with the
 * full sandbox. A library is all or nothing: if its code fails or
 * registers nothing, nothing of it stays.
 *
 * Persistence: a library is its code. The RDB saves each as opcode 245
 * plus the code (rdb.c calls function_codes / function_load_code);
 * FUNCTION LOAD / DELETE / FLUSH / RESTORE are propagated as they are,
 * so the AOF and replicas load the same code. FUNCTION DUMP's payload is
 * the same records followed by the RDB version and a CRC64. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>
#include <lua.h>

#include "lib/mem.h"
#include "redis/crc64.h"
#include "redis/rdb_io.h"
#include "redis/script.h"

#define FUNCTION_RDB_OPCODE 245
#define FUNCTION_RDB_VERSION 10
#define FUNCTION_LOAD_MS 500

/* One registered function. */
struct function_fn {
    char *name;        /* sds */
    char *desc;        /* sds or NULL */
    unsigned flags;    /* SCRIPT_FLAG_* */
    int ref;           /* the callback, in the registry */
    struct function_lib *lib;
};

/* One library. */
struct function_lib {
    char *name;        /* sds */
    char *code;        /* sds, the whole text given to FUNCTION LOAD */
    struct function_fn *fns;
    size_t count;
    size_t cap;
    struct function_lib *next;
};

static lua_State *function_L;
static struct function_lib *function_libs;
/* Name -> struct function_fn * (borrowed from its library). */
static const struct dict_type function_dict_type = { true, NULL };
static struct dict *function_names;
/* The library whose code is running (register_function adds to it). */
static struct function_lib *function_loading;
/* Registry key of the load-time 'redis' table. */
static char function_load_redis_key;

/* ------------------------------------------------------------------------
 * The state */

/* __index of the libraries' environment: while loading only 'redis'
 * (the load-time one) exists; afterwards every global does. */
static int function_env_index(lua_State *L)
{
    if (function_loading != NULL) {
        const char *name = lua_tostring(L, 2);
        if (name != NULL && strcmp(name, "redis") == 0) {
            lua_pushlightuserdata(L, &function_load_redis_key);
            lua_rawget(L, LUA_REGISTRYINDEX);
            return 1;
        }
        return script_lua_global_missing(L);
    }
    /* The real globals sit behind the read-only proxy's __index. */
    lua_getmetatable(L, LUA_GLOBALSINDEX);
    lua_getfield(L, -1, "__index");
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    if (lua_isnil(L, -1)) {
        return script_lua_global_missing(L);
    }
    return 1;
}

static int function_is_name(const char *p, size_t len)
{
    if (len == 0) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)p[i]) && p[i] != '_') {
            return 0;
        }
    }
    return 1;
}

/* Raise an error table {err = "ERR text"}. */
static int function_raise(lua_State *L, const char *text)
{
    lua_newtable(L);
    lua_pushliteral(L, "err");
    lua_pushfstring(L, "ERR %s", text);
    lua_rawset(L, -3);
    return lua_error(L);
}

/* redis.register_function(name, callback) or
 * redis.register_function{function_name=, callback=, flags=, description=} */
static int function_register(lua_State *L)
{
    struct function_lib *lib = function_loading;
    if (lib == NULL) {
        return function_raise(L, "redis.register_function can only be "
                                 "called on FUNCTION LOAD command");
    }
    int argc = lua_gettop(L);
    unsigned flags = 0;
    const char *desc = NULL;
    if (argc == 1) {
        if (!lua_istable(L, 1)) {
            return function_raise(L, "calling redis.register_function with "
                                     "a single argument is only applicable "
                                     "to Lua table (representing named "
                                     "arguments).");
        }
        lua_pushnil(L);
        lua_pushnil(L);
        lua_pushnil(L);
        /* 2 name, 3 callback, 4 scratch */
        lua_pushnil(L);
        while (lua_next(L, 1) != 0) {
            if (lua_type(L, -2) != LUA_TSTRING &&
                lua_type(L, -2) != LUA_TNUMBER) {
                return function_raise(L, "named argument key given to "
                                         "redis.register_function is not "
                                         "a string");
            }
            /* A copy of a number key: lua_tostring must not change the
             * key lua_next goes on from. */
            lua_pushvalue(L, -2);
            const char *key = lua_tostring(L, -1);
            lua_pop(L, 1);
            if (strcasecmp(key, "function_name") == 0) {
                if (!lua_isstring(L, -1)) {
                    return function_raise(L, "function_name argument given "
                                             "to redis.register_function "
                                             "must be a string");
                }
                lua_replace(L, 2);
            } else if (strcasecmp(key, "description") == 0) {
                if (!lua_isstring(L, -1)) {
                    return function_raise(L, "description argument given "
                                             "to redis.register_function "
                                             "must be a string");
                }
                desc = lua_tostring(L, -1);
                lua_replace(L, 4);
            } else if (strcasecmp(key, "callback") == 0) {
                if (!lua_isfunction(L, -1)) {
                    return function_raise(L, "callback argument given to "
                                             "redis.register_function must "
                                             "be a function");
                }
                lua_replace(L, 3);
            } else if (strcasecmp(key, "flags") == 0) {
                if (!lua_istable(L, -1)) {
                    return function_raise(L, "flags argument to "
                                             "redis.register_function must "
                                             "be a table representing "
                                             "function flags");
                }
                for (int i = 1;; i++) {
                    lua_rawgeti(L, -1, i);
                    if (lua_isnil(L, -1)) {
                        lua_pop(L, 1);
                        break;
                    }
                    size_t flen;
                    const char *f = lua_isstring(L, -1)
                                    ? lua_tolstring(L, -1, &flen) : NULL;
                    if (f == NULL ||
                        script_parse_flag(f, flen, true, &flags) != 0) {
                        return function_raise(L, "unknown flag given");
                    }
                    lua_pop(L, 1);
                }
                lua_pop(L, 1);
            } else {
                return function_raise(L, "unknown argument given to "
                                         "redis.register_function");
            }
        }
        if (lua_isnil(L, 2)) {
            return function_raise(L, "redis.register_function must get a "
                                     "function name argument");
        }
        if (lua_isnil(L, 3)) {
            return function_raise(L, "redis.register_function must get a "
                                     "callback argument");
        }
    } else if (argc == 2) {
        if (!lua_isstring(L, 1)) {
            return function_raise(L, "first argument to "
                                     "redis.register_function must be a "
                                     "string");
        }
        if (!lua_isfunction(L, 2)) {
            return function_raise(L, "second argument to "
                                     "redis.register_function must be a "
                                     "function");
        }
        lua_pushnil(L);
        lua_insert(L, 1);
        lua_settop(L, 3);
    } else {
        return function_raise(L, "wrong number of arguments to "
                                 "redis.register_function");
    }
    size_t nlen;
    const char *name = lua_tolstring(L, 2, &nlen);
    if (!function_is_name(name, nlen)) {
        /* Redis says "Library" here too. */
        return function_raise(L, "Library names can only contain letters, "
                                 "numbers, or underscores(_) and must be at "
                                 "least one character long");
    }
    for (size_t i = 0; i < lib->count; i++) {
        if (sds_len(lib->fns[i].name) == nlen &&
            memcmp(lib->fns[i].name, name, nlen) == 0) {
            return function_raise(L, "Function already exists in the "
                                     "library");
        }
    }
    if (lib->count == lib->cap) {
        lib->cap = lib->cap ? lib->cap * 2 : 4;
        lib->fns = mem_realloc(lib->fns, lib->cap * sizeof(*lib->fns));
    }
    struct function_fn *fn = &lib->fns[lib->count++];
    fn->name = sds_new(name, nlen);
    fn->desc = desc != NULL ? sds_new(desc, strlen(desc)) : NULL;
    fn->flags = flags;
    fn->lib = lib;
    lua_pushvalue(L, 3);
    fn->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static lua_State *function_state(void)
{
    if (function_L != NULL) {
        return function_L;
    }
    lua_State *L = script_lua_new(true);
    function_L = L;
    function_names = dict_new(&function_dict_type);
    /* The load-time redis table. */
    lua_pushlightuserdata(L, &function_load_redis_key);
    lua_newtable(L);
    lua_pushcfunction(L, function_register);
    lua_setfield(L, -2, "register_function");
    /* The rest comes from the sandbox's own redis table. */
    static const char *copied[] = { "log", "LOG_DEBUG", "LOG_VERBOSE",
                                    "LOG_NOTICE", "LOG_WARNING",
                                    "REDIS_VERSION", "REDIS_VERSION_NUM" };
    lua_getglobal(L, "redis");
    for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
        lua_getfield(L, -1, copied[i]);
        lua_setfield(L, -3, copied[i]);
    }
    lua_pop(L, 1);
    script_lua_guard(L, NULL);
    lua_rawset(L, LUA_REGISTRYINDEX);
    return L;
}

/* ------------------------------------------------------------------------
 * Libraries */

static struct function_lib *function_find_lib(const char *name, size_t len)
{
    for (struct function_lib *l = function_libs; l != NULL; l = l->next) {
        if (sds_len(l->name) == len && memcmp(l->name, name, len) == 0) {
            return l;
        }
    }
    return NULL;
}

/* Free 'lib' (not linked); 'unregister' drops its names from the table. */
static void function_lib_free(struct function_lib *lib, bool unregister)
{
    for (size_t i = 0; i < lib->count; i++) {
        if (unregister) {
            dict_delete(function_names, lib->fns[i].name,
                        sds_len(lib->fns[i].name));
        }
        if (function_L != NULL) {
            luaL_unref(function_L, LUA_REGISTRYINDEX, lib->fns[i].ref);
        }
        sds_free(lib->fns[i].name);
        sds_free(lib->fns[i].desc);
    }
    mem_free(lib->fns);
    sds_free(lib->name);
    sds_free(lib->code);
    mem_free(lib);
}

static void function_unlink(struct function_lib *lib)
{
    for (struct function_lib **p = &function_libs; *p != NULL;
         p = &(*p)->next) {
        if (*p == lib) {
            *p = lib->next;
            return;
        }
    }
}

/* Parse the "#!lua name=x" line. Returns the line length, or -1. */
static long function_parse_meta(const char *code, size_t len, char **name,
                                char *err, size_t errlen)
{
    *name = NULL;
    if (len < 2 || code[0] != '#' || code[1] != '!') {
        snprintf(err, errlen, "Missing library metadata");
        return -1;
    }
    struct arg words[64];
    size_t line;
    int count = script_lua_shebang_words(code, len, &line, words, 64);
    int word;
    for (word = 0; word < count; word++) {
        const char *w = words[word].ptr;
        size_t wlen = words[word].len;
        if (word == 0) {
            if (wlen != 5 || strncasecmp(w + 2, "lua", 3) != 0) {
                snprintf(err, errlen, "Engine '%.*s' not found",
                         (int)wlen - 2, w + 2);
                return -1;
            }
            continue;
        }
        if (wlen >= 5 && memcmp(w, "name=", 5) == 0) {
            sds_free(*name);
            *name = sds_new(w + 5, wlen - 5);
            continue;
        }
        snprintf(err, errlen, "Invalid metadata value given: %.*s",
                 (int)wlen, w);
        sds_free(*name);
        *name = NULL;
        return -1;
    }
    if (word == 0) {
        snprintf(err, errlen, "Engine '' not found");
        return -1;
    }
    if (*name == NULL) {
        snprintf(err, errlen, "Library name was not given");
        return -1;
    }
    if (!function_is_name(*name, sds_len(*name))) {
        snprintf(err, errlen, "Library names can only contain letters, "
                 "numbers, or underscores(_) and must be at least one "
                 "character long");
        sds_free(*name);
        *name = NULL;
        return -1;
    }
    return (long)line;
}

int function_load_code(const char *code, size_t len, bool replace,
                       char *err, size_t errlen)
{
    char *name;
    long skip = function_parse_meta(code, len, &name, err, errlen);
    if (skip < 0) {
        return -1;
    }
    lua_State *L = function_state();
    struct function_lib *old = function_find_lib(name, sds_len(name));
    if (old != NULL && !replace) {
        snprintf(err, errlen, "Library '%s' already exists", name);
        sds_free(name);
        return -1;
    }
    if (luaL_loadbuffer(L, code + skip, len - (size_t)skip,
                        "@user_function") != 0) {
        snprintf(err, errlen, "Error compiling function: %s",
                 lua_tostring(L, -1));
        lua_pop(L, 1);
        sds_free(name);
        return -1;
    }
    /* The code and its closures see the environment, not the globals. */
    lua_newtable(L);
    script_lua_guard(L, function_env_index);
    lua_setfenv(L, -2);
    struct function_lib *lib = mem_calloc(1, sizeof(*lib));
    lib->name = name;
    lib->code = sds_new(code, len);
    /* A library's code gets half a second, as in Redis. */
    function_loading = lib;
    script_load_deadline = server_mstime() + FUNCTION_LOAD_MS;
    int rc = lua_pcall(L, 0, 0, 0);
    script_load_deadline = 0;
    function_loading = NULL;
    if (rc != 0) {
        const char *msg = NULL;
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            msg = lua_tostring(L, -1);
            lua_pop(L, 1);
        } else {
            msg = lua_tostring(L, -1);
        }
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            snprintf(err, errlen, "Error registering functions: %s",
                     lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
            lua_pop(L, 1);
        } else {
            snprintf(err, errlen, "Error registering functions: ERR %s",
                     msg != NULL ? msg : "");
        }
        lua_pop(L, 1);
        function_lib_free(lib, false);
        return -1;
    }
    if (lib->count == 0) {
        snprintf(err, errlen, "No functions registered");
        function_lib_free(lib, false);
        return -1;
    }
    for (size_t i = 0; i < lib->count; i++) {
        struct dict_entry *e = dict_find(function_names, lib->fns[i].name,
                                         sds_len(lib->fns[i].name));
        if (e != NULL && ((struct function_fn *)e->v.ptr)->lib != old) {
            snprintf(err, errlen, "Function %s already exists",
                     lib->fns[i].name);
            function_lib_free(lib, false);
            return -1;
        }
    }
    if (old != NULL) {
        function_unlink(old);
        function_lib_free(old, true);
    }
    for (size_t i = 0; i < lib->count; i++) {
        struct dict_entry *e = dict_insert(function_names,
                                           sds_new(lib->fns[i].name,
                                                   sds_len(lib->fns[i].name)));
        e->v.ptr = &lib->fns[i];
    }
    lib->next = function_libs;
    function_libs = lib;
    return 0;
}

/* Drop every library. */
static void function_flush(void)
{
    while (function_libs != NULL) {
        struct function_lib *lib = function_libs;
        function_libs = lib->next;
        function_lib_free(lib, true);
    }
}

/* ------------------------------------------------------------------------
 * FCALL */

static void function_call(struct client *c, bool ro)
{
    long long numkeys;
    if (script_numkeys_or_reply(c, "Bad number of keys provided",
                                &numkeys) != 0) {
        return;
    }
    struct dict_entry *e = function_names != NULL
                           ? dict_find(function_names, c->argv[1].ptr,
                                       c->argv[1].len) : NULL;
    if (e == NULL) {
        reply_error(c, "Function not found");
        return;
    }
    struct function_fn *fn = e->v.ptr;
    if (script_refuse_flags(c, fn->flags | SCRIPT_FLAG_SHEBANG, ro)) {
        return;
    }
    lua_State *L = function_L;
    struct script_run run;
    script_run_begin(&run, c, fn->name, true,
                     (fn->flags & SCRIPT_FLAG_NO_WRITES) != 0);
    run.allow_oom = (fn->flags & SCRIPT_FLAG_ALLOW_OOM) != 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, fn->ref);
    script_lua_push_args(L, c->argv + 3, (int)numkeys);
    script_lua_push_args(L, c->argv + 3 + numkeys,
                         c->argc - 3 - (int)numkeys);
    script_lua_call(L, 2);
    script_run_end(&run);
}

void cmd_fcall(struct client *c)
{
    function_call(c, false);
}

void cmd_fcall_ro(struct client *c)
{
    function_call(c, true);
}

/* ------------------------------------------------------------------------
 * FUNCTION */

char **function_codes(size_t *count)
{
    size_t n = 0;
    for (struct function_lib *l = function_libs; l != NULL; l = l->next) {
        n++;
    }
    char **codes = mem_alloc((n + 1) * sizeof(*codes));
    size_t i = 0;
    for (struct function_lib *l = function_libs; l != NULL; l = l->next) {
        codes[i++] = sds_new(l->code, sds_len(l->code));
    }
    *count = n;
    return codes;
}

char *function_dump_payload(void)
{
    struct rdb_out w;
    rdb_out_init(&w, -1);
    for (struct function_lib *l = function_libs; l != NULL; l = l->next) {
        rdb_out_byte(&w, FUNCTION_RDB_OPCODE);
        rdb_out_string(&w, l->code, sds_len(l->code));
    }
    uint8_t ver[2] = { FUNCTION_RDB_VERSION & 0xff,
                       FUNCTION_RDB_VERSION >> 8 };
    rdb_out_write(&w, ver, 2);
    uint64_t crc = crc64(0, w.buf, sds_len(w.buf));
    uint8_t c8[8];
    for (int i = 0; i < 8; i++) {
        c8[i] = (uint8_t)(crc >> (i * 8));
    }
    rdb_out_write(&w, c8, 8);
    char *out = w.buf;
    w.buf = NULL;
    rdb_out_release(&w);
    return out;
}

/* Make the name table hold exactly the functions of 'function_libs'. */
static void function_names_rebuild(void)
{
    dict_clear(function_names);
    for (struct function_lib *l = function_libs; l != NULL; l = l->next) {
        for (size_t i = 0; i < l->count; i++) {
            struct dict_entry *e = dict_insert(
                function_names, sds_new(l->fns[i].name,
                                        sds_len(l->fns[i].name)));
            e->v.ptr = &l->fns[i];
        }
    }
}

/* Free every library of the list 'libs' (names already dropped). */
static void function_libs_free(struct function_lib *libs)
{
    while (libs != NULL) {
        struct function_lib *lib = libs;
        libs = lib->next;
        function_lib_free(lib, false);
    }
}

/* Join the libraries of 'codes' ('n' sds) into the loaded ones by
 * RESTORE 'policy' (0 APPEND, 1 REPLACE, 2 FLUSH), all or nothing: they
 * are loaded apart first (a name twice in the payload is an error), then
 * an existing library of the same name is an error unless REPLACE
 * replaces it, then a function name still in use is an error. On error
 * 'err' gets the text and the loaded libraries are as before. */
static void function_restore_codes(char **codes, size_t n, int policy,
                                   char *err, size_t errlen)
{
    function_state();
    struct function_lib *old = function_libs;
    function_libs = NULL;
    dict_clear(function_names);
    for (size_t i = 0; i < n; i++) {
        if (function_load_code(codes[i], sds_len(codes[i]), false, err,
                               errlen) != 0) {
            break;
        }
    }
    struct function_lib *fresh = function_libs;
    function_libs = old;
    if (err[0] == '\0' && policy == 2) {
        function_libs = fresh;
        function_libs_free(old);
        function_names_rebuild();
        return;
    }
    function_names_rebuild();
    /* The old libraries the new ones replace, and conflicts. */
    struct function_lib *replaced = NULL;
    for (struct function_lib *l = fresh; l != NULL && err[0] == '\0';
         l = l->next) {
        struct function_lib *same = function_find_lib(l->name,
                                                      sds_len(l->name));
        if (same == NULL) {
            continue;
        }
        if (policy != 1) {
            snprintf(err, errlen, "Library %s already exists", l->name);
            break;
        }
        function_unlink(same);
        same->next = replaced;
        replaced = same;
    }
    if (err[0] == '\0') {
        function_names_rebuild();
        for (struct function_lib *l = fresh; l != NULL && err[0] == '\0';
             l = l->next) {
            for (size_t i = 0; i < l->count; i++) {
                if (dict_find(function_names, l->fns[i].name,
                              sds_len(l->fns[i].name)) != NULL) {
                    snprintf(err, errlen, "Function %s already exists",
                             l->fns[i].name);
                    break;
                }
            }
        }
    }
    if (err[0] != '\0') {
        /* Put back what was replaced; drop what was loaded. */
        while (replaced != NULL) {
            struct function_lib *lib = replaced;
            replaced = lib->next;
            lib->next = function_libs;
            function_libs = lib;
        }
        function_libs_free(fresh);
    } else {
        function_libs_free(replaced);
        while (fresh != NULL) {
            struct function_lib *lib = fresh;
            fresh = lib->next;
            lib->next = function_libs;
            function_libs = lib;
        }
    }
    function_names_rebuild();
}

/* FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] */
static void function_restore(struct client *c)
{
    const char *p = c->argv[2].ptr;
    size_t len = c->argv[2].len;
    int policy = 0; /* 0 append, 1 replace, 2 flush */
    if (c->argc == 4) {
        if (arg_is(&c->argv[3], "append")) {
            policy = 0;
        } else if (arg_is(&c->argv[3], "replace")) {
            policy = 1;
        } else if (arg_is(&c->argv[3], "flush")) {
            policy = 2;
        } else {
            reply_error(c, "Wrong restore policy given, value should be "
                           "either FLUSH, APPEND or REPLACE.");
            return;
        }
    }
    if (len < 10) {
        reply_error(c, "DUMP payload version or checksum are wrong");
        return;
    }
    uint16_t ver = (uint16_t)((uint8_t)p[len - 10] |
                              (uint8_t)p[len - 9] << 8);
    uint64_t crc = 0;
    for (int i = 7; i >= 0; i--) {
        crc = crc << 8 | (uint8_t)p[len - 8 + i];
    }
    if (ver > FUNCTION_RDB_VERSION || crc64(0, p, len - 8) != crc) {
        reply_error(c, "DUMP payload version or checksum are wrong");
        return;
    }
    /* Parse every library first: a bad payload changes nothing. */
    struct rdb_in r;
    rdb_in_init_mem(&r, p, len - 10);
    char **codes = NULL;
    size_t n = 0;
    bool bad = false;
    uint8_t op;
    while (r.pos < r.len) {
        if (rdb_in_byte(&r, &op) != 0 || op != FUNCTION_RDB_OPCODE) {
            bad = true;
            break;
        }
        char *code = rdb_in_string(&r);
        if (code == NULL) {
            bad = true;
            break;
        }
        codes = mem_realloc(codes, (n + 1) * sizeof(*codes));
        codes[n++] = code;
    }
    char err[512] = "";
    if (bad) {
        snprintf(err, sizeof(err), "given type is not a function");
    } else {
        function_restore_codes(codes, n, policy, err, sizeof(err));
    }
    for (size_t i = 0; i < n; i++) {
        sds_free(codes[i]);
    }
    mem_free(codes);
    if (err[0] != '\0') {
        reply_error(c, "%s", err);
        return;
    }
    server.dirty++;
    reply_ok(c);
}

/* FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern] */
static void function_list(struct client *c)
{
    bool with_code = false;
    const struct arg *pattern = NULL;
    for (int i = 2; i < c->argc; i++) {
        if (arg_is(&c->argv[i], "withcode") && !with_code) {
            with_code = true;
        } else if (arg_is(&c->argv[i], "libraryname") && pattern == NULL &&
                   i + 1 < c->argc) {
            pattern = &c->argv[++i];
        } else if (arg_is(&c->argv[i], "libraryname") && pattern == NULL) {
            reply_error(c, "library name argument was not given");
            return;
        } else {
            reply_error(c, "Unknown argument %s", c->argv[i].ptr);
            return;
        }
    }
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (struct function_lib *l = function_libs; l != NULL; l = l->next) {
        if (pattern != NULL &&
            !util_glob_match(pattern->ptr, pattern->len, l->name,
                             sds_len(l->name), false)) {
            continue;
        }
        n++;
        reply_map(c, with_code ? 4 : 3);
        reply_bulk_str(c, "library_name");
        reply_bulk_sds(c, l->name);
        reply_bulk_str(c, "engine");
        reply_bulk_str(c, "LUA");
        reply_bulk_str(c, "functions");
        reply_array(c, (long long)l->count);
        for (size_t i = 0; i < l->count; i++) {
            struct function_fn *fn = &l->fns[i];
            reply_map(c, 3);
            reply_bulk_str(c, "name");
            reply_bulk_sds(c, fn->name);
            reply_bulk_str(c, "description");
            if (fn->desc != NULL) {
                reply_bulk_sds(c, fn->desc);
            } else {
                reply_null(c);
            }
            reply_bulk_str(c, "flags");
            size_t fh = reply_defer_len(c);
            long long nf = 0;
            static const struct {
                unsigned flag;
                const char *name;
            } names[] = {
                { SCRIPT_FLAG_NO_WRITES, "no-writes" },
                { SCRIPT_FLAG_ALLOW_OOM, "allow-oom" },
                { SCRIPT_FLAG_ALLOW_STALE, "allow-stale" },
                { SCRIPT_FLAG_NO_CLUSTER, "no-cluster" },
                { SCRIPT_FLAG_CROSS_SLOT, "allow-cross-slot-keys" },
            };
            for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
                if (fn->flags & names[j].flag) {
                    reply_simple(c, names[j].name);
                    nf++;
                }
            }
            reply_set_set_len(c, fh, nf);
        }
        if (with_code) {
            reply_bulk_str(c, "library_code");
            reply_bulk_sds(c, l->code);
        }
    }
    reply_set_array_len(c, handle, n);
}

/* FUNCTION STATS */
static void function_stats(struct client *c)
{
    reply_map(c, 2);
    reply_bulk_str(c, "running_script");
    struct script_run *run = script_current;
    if (run != NULL && run->is_function) {
        reply_map(c, 3);
        reply_bulk_str(c, "name");
        reply_bulk_str(c, run->funcname);
        reply_bulk_str(c, "command");
        reply_array(c, run->caller->argc);
        for (int i = 0; i < run->caller->argc; i++) {
            reply_bulk(c, run->caller->argv[i].ptr, run->caller->argv[i].len);
        }
        reply_bulk_str(c, "duration_ms");
        reply_integer(c, server_mstime() - run->start_ms);
    } else {
        reply_null(c);
    }
    size_t libs = 0, fns = 0;
    for (struct function_lib *l = function_libs; l != NULL; l = l->next) {
        libs++;
        fns += l->count;
    }
    reply_bulk_str(c, "engines");
    reply_map(c, 1);
    reply_bulk_str(c, "LUA");
    reply_map(c, 2);
    reply_bulk_str(c, "libraries_count");
    reply_integer(c, (long long)libs);
    reply_bulk_str(c, "functions_count");
    reply_integer(c, (long long)fns);
}

/* FUNCTION LOAD | LIST | DELETE | FLUSH | DUMP | RESTORE | STATS | KILL */
void cmd_function(struct client *c)
{
    static const struct script_subcommand subs[] = {
        { "load", -3 }, { "list", -2 }, { "delete", 3 }, { "flush", -2 },
        { "dump", 2 }, { "restore", -3 }, { "stats", 2 }, { "kill", 2 },
        { "help", 2 },
    };
    if (script_subcommand_or_reply(c, "function", subs,
                                   sizeof(subs) / sizeof(subs[0])) < 0) {
        return;
    }
    const struct arg *sub = &c->argv[1];
    if ((arg_is(sub, "flush") && c->argc > 3) ||
        (arg_is(sub, "restore") && c->argc > 4)) {
        reply_error(c, "unknown subcommand or wrong number of arguments for "
                       "'%.128s'. Try FUNCTION HELP.", sub->ptr);
        return;
    }
    if (arg_is(sub, "load")) {
        bool replace = false;
        for (int i = 2; i < c->argc - 1; i++) {
            if (!arg_is(&c->argv[i], "replace")) {
                reply_error(c, "Unknown option given: %s", c->argv[i].ptr);
                return;
            }
            replace = true;
        }
        const struct arg *code = &c->argv[c->argc - 1];
        char err[512];
        if (function_load_code(code->ptr, code->len, replace, err,
                               sizeof(err)) != 0) {
            reply_error(c, "%s", err);
            return;
        }
        char *name;
        function_parse_meta(code->ptr, code->len, &name, err, sizeof(err));
        reply_bulk_sds(c, name);
        sds_free(name);
        server.dirty++;
    } else if (arg_is(sub, "list")) {
        function_list(c);
    } else if (arg_is(sub, "delete")) {
        struct function_lib *lib = function_find_lib(c->argv[2].ptr,
                                                     c->argv[2].len);
        if (lib == NULL) {
            reply_error(c, "Library not found");
            return;
        }
        function_unlink(lib);
        function_lib_free(lib, true);
        server.dirty++;
        reply_ok(c);
    } else if (arg_is(sub, "flush")) {
        if (c->argc == 3 && !arg_is(&c->argv[2], "sync") &&
            !arg_is(&c->argv[2], "async")) {
            reply_error(c, "FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        function_flush();
        server.dirty++;
        reply_ok(c);
    } else if (arg_is(sub, "dump")) {
        char *payload = function_dump_payload();
        reply_bulk_sds(c, payload);
        sds_free(payload);
    } else if (arg_is(sub, "restore")) {
        function_restore(c);
    } else if (arg_is(sub, "stats")) {
        function_stats(c);
    } else if (arg_is(sub, "kill")) {
        script_kill(c, true);
    } else {
        static const char *help[] = {
            "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "LOAD [REPLACE] <library code>",
            "DELETE <library name>",
            "LIST [LIBRARYNAME <pattern>] [WITHCODE]",
            "FLUSH [ASYNC|SYNC]",
            "DUMP",
            "RESTORE <payload> [FLUSH|APPEND|REPLACE]",
            "STATS",
            "KILL",
            "HELP",
        };
        reply_help(c, help, sizeof(help) / sizeof(help[0]));
    }
}

void function_flush_libraries(void)
{
    function_flush();
}

void function_totals(size_t *libs, size_t *fns, long long *bytes)
{
    *libs = *fns = 0;
    *bytes = 0;
    if (function_names != NULL) {
        *bytes += (long long)(dict_buckets(function_names) *
                              sizeof(struct dict_entry *) +
                              dict_size(function_names) *
                              sizeof(struct dict_entry));
    }
    for (const struct function_lib *l = function_libs; l != NULL;
         l = l->next) {
        (*libs)++;
        *fns += l->count;
        *bytes += (long long)(sizeof(*l) + sds_alloc_size(l->name) +
                              sds_alloc_size(l->code) +
                              l->cap * sizeof(*l->fns));
        for (size_t i = 0; i < l->count; i++) {
            *bytes += (long long)sds_alloc_size(l->fns[i].name);
            if (l->fns[i].desc != NULL) {
                *bytes += (long long)sds_alloc_size(l->fns[i].desc);
            }
        }
    }
}

long long function_memory(void)
{
    return script_lua_memory(function_L);
}

void function_release(void)
{
    function_flush();
    if (function_L != NULL) {
        dict_free(function_names);
        function_names = NULL;
        script_lua_free(function_L);
        function_L = NULL;
    }
}
