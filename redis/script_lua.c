/* The Lua side of scripting: a Lua 5.1 state with the libraries Redis
 * scripts use (base, string, table, math, cjson, bit, cmsgpack, struct),
 * the 'redis' table (call, pcall, error_reply, status_reply, sha1hex,
 * log, setresp, set_repl, replicate_commands, breakpoint, debug,
 * acl_check_cmd), Redis's sandbox, and the conversions between RESP
 * replies and Lua values both ways.
 *
 * The sandbox. Scripts see the globals through a proxy: an empty table
 * whose metatable reads from the real globals and refuses every write
 * ("Attempt to modify a readonly table"); reading a global that does not
 * exist is an error too. Each library table is behind such a proxy as
 * well, and next / pairs / rawget / rawset / setmetatable see through or
 * refuse proxies, so a script can neither create globals nor change a
 * library for the scripts after it.
 *
 * Not here: the script cache and commands (script.c, function.c). */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "lib/sha1.h"
#include "redis/script.h"

int luaopen_cjson(lua_State *L);
int luaopen_bit(lua_State *L);
int lua_msgpack_open(lua_State *L);
int lua_struct_open(lua_State *L);
void lua_msgpack_release(void);

/* Registry keys (their addresses are unique). */
static char script_lua_proxies_key;  /* weak table: proxy -> real table */

/* The state of math.random (nrand48's), one for the process as in Redis
 * 7.0: it starts where an unseeded rand48 does, goes on from script to
 * script and survives SCRIPT FLUSH; math.randomseed sets it. */
static unsigned short script_lua_rand[3] = { 0x330E, 0xABCD, 0x1234 };

/* The bottom of the conversion: a script returning a table nested this
 * deep gets an error instead of a crash. */
#define SCRIPT_LUA_MAX_DEPTH 512

/* Instructions between two looks at the clock. */
#define SCRIPT_LUA_HOOK_COUNT 100000

/* ------------------------------------------------------------------------
 * Read-only proxies */

static int script_lua_ro_newindex(lua_State *L)
{
    return luaL_error(L, "Attempt to modify a readonly table");
}

int script_lua_global_missing(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global "
                         "variable '%s'", name != NULL ? name : "?");
}

/* Raise the read-only error without a position (as a C library does). */
static int script_lua_ro_error(lua_State *L)
{
    lua_pushstring(L, "Attempt to modify a readonly table");
    return lua_error(L);
}

/* Push the proxies table (proxy -> real table) and what it maps the value
 * at 'idx' (a table) to: nil unless that value is a proxy. */
static void script_lua_proxy_lookup(lua_State *L, int idx)
{
    lua_pushlightuserdata(L, &script_lua_proxies_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
}

/* If the value at 'idx' is a proxy, replace it there by its real table.
 * Returns true if it was one. */
static bool script_lua_unproxy(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE) {
        return false;
    }
    script_lua_proxy_lookup(L, idx);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 2);
        return false;
    }
    lua_replace(L, idx);
    lua_pop(L, 1);
    return true;
}

/* True if the table at 'idx' is a proxy or is behind one. */
static bool script_lua_is_protected(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE) {
        return false;
    }
    script_lua_proxy_lookup(L, idx);
    bool is_proxy = !lua_isnil(L, -1);
    lua_pop(L, 1);
    bool is_real = false;
    if (!is_proxy) {
        /* Real tables are values of the proxies table. */
        lua_pushnil(L);
        while (lua_next(L, -2) != 0) {
            if (lua_rawequal(L, -1, idx)) {
                is_real = true;
                lua_pop(L, 2);
                break;
            }
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return is_proxy || is_real;
}

/* Replace the table at the top with a read-only proxy of it. */
static void script_lua_protect_top(lua_State *L)
{
    int real = lua_gettop(L);
    lua_newtable(L); /* the proxy */
    lua_newtable(L); /* its metatable */
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, script_lua_ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
    lua_pushlightuserdata(L, &script_lua_proxies_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, -2);
    lua_pushvalue(L, real);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_replace(L, real);
}

/* next(t [, k]) that walks a proxy's real table. */
static int script_lua_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    script_lua_unproxy(L, 1);
    lua_settop(L, 2);
    if (lua_next(L, 1)) {
        return 2;
    }
    lua_pushnil(L);
    return 1;
}

static int script_lua_pairs(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int script_lua_rawget(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    script_lua_unproxy(L, 1);
    lua_settop(L, 2);
    lua_rawget(L, 1);
    return 1;
}

static int script_lua_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (script_lua_is_protected(L, 1)) {
        return script_lua_ro_error(L);
    }
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int script_lua_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2,
                  "nil or table expected");
    if (script_lua_is_protected(L, 1)) {
        return script_lua_ro_error(L);
    }
    if (luaL_getmetafield(L, 1, "__metatable")) {
        luaL_error(L, "cannot change a protected metatable");
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

void script_lua_guard(lua_State *L, lua_CFunction index)
{
    lua_newtable(L);
    lua_pushcfunction(L, index != NULL ? index : script_lua_global_missing);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, script_lua_ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
}

int script_lua_shebang_words(const char *body, size_t len, size_t *line_len,
                             struct arg *words, int max)
{
    const char *nl = memchr(body, '\n', len);
    size_t line = nl != NULL ? (size_t)(nl - body) : len;
    int n = 0;
    size_t pos = 0;
    while (pos < line && n < max) {
        while (pos < line && isspace((unsigned char)body[pos])) {
            pos++;
        }
        size_t start = pos;
        while (pos < line && !isspace((unsigned char)body[pos])) {
            pos++;
        }
        if (pos == start) {
            break;
        }
        words[n].ptr = (char *)body + start;
        words[n].len = pos - start;
        n++;
    }
    *line_len = line;
    return n;
}

/* ------------------------------------------------------------------------
 * math.random: Redis's rand48 sequence */

static int script_lua_math_random(lua_State *L)
{
    /* A 31-bit draw, scaled into [0, 1) as Redis does. */
    long draw = nrand48(script_lua_rand) % INT32_MAX;
    lua_Number r = (lua_Number)draw / (lua_Number)INT32_MAX;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, r);
        break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    return 1;
}

static int script_lua_math_randomseed(lua_State *L)
{
    long seed = luaL_checkint(L, 1);
    script_lua_rand[0] = 0x330E;
    script_lua_rand[1] = (unsigned short)(seed & 0xFFFF);
    script_lua_rand[2] = (unsigned short)((seed >> 16) & 0xFFFF);
    return 0;
}

/* ------------------------------------------------------------------------
 * Errors as Redis shapes them: a table {err = "CODE message"} */

/* Push the error table of 'text': "-CODE msg" keeps CODE, "-msg" and
 * "msg" get ERR; trailing CR/LF are dropped. */
static void script_lua_push_error(lua_State *L, const char *text)
{
    const char *code = "ERR";
    size_t code_len = 3;
    const char *msg = text;
    if (text[0] == '-') {
        const char *space = strchr(text, ' ');
        if (space != NULL) {
            code = text + 1;
            code_len = (size_t)(space - text - 1);
            msg = space + 1;
        } else {
            msg = text + 1;
        }
    }
    size_t msg_len = strlen(msg);
    while (msg_len > 0 && (msg[msg_len - 1] == '\r' ||
                           msg[msg_len - 1] == '\n')) {
        msg_len--;
    }
    while (msg_len > 0 && (msg[0] == '\r' || msg[0] == '\n')) {
        msg++;
        msg_len--;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, code, code_len);
    luaL_addchar(&b, ' ');
    luaL_addlstring(&b, msg, msg_len);
    luaL_pushresult(&b);
    lua_newtable(L);
    lua_pushliteral(L, "err");
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);
    lua_remove(L, -2);
}

/* The handler every script runs under: turn the error into a table
 * {err = "ERR text"} if it is not one, and note where it was raised (the
 * first function up the stack that is not C). Upvalue 1 is the base
 * library's tostring. */
static int script_lua_error_handler(lua_State *L)
{
    lua_Debug ar;
    bool found = false;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar)) {
        found = true;
        if (strcmp(ar.what, "C") == 0) {
            found = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
        }
    }
    if (!lua_istable(L, 1)) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        lua_pushliteral(L, "ERR ");
        lua_insert(L, -2);
        lua_concat(L, 2);
        lua_newtable(L);
        lua_pushliteral(L, "err");
        lua_pushvalue(L, -3);
        lua_rawset(L, -3);
        lua_replace(L, 1);
        lua_settop(L, 1);
    }
    if (found) {
        lua_pushliteral(L, "source");
        lua_pushstring(L, ar.source);
        lua_rawset(L, 1);
        lua_pushliteral(L, "line");
        lua_pushinteger(L, ar.currentline);
        lua_rawset(L, 1);
    }
    lua_settop(L, 1);
    return 1;
}

/* The instruction hook: look at the clock, serve other clients, stop a
 * killed script (and keep stopping it if it catches the error). */
static void script_lua_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    if (script_current == NULL) {
        if (script_load_deadline != 0 &&
            server_mstime() > script_load_deadline) {
            script_lua_push_error(L, "FUNCTION LOAD timeout");
            lua_error(L);
        }
        return;
    }
    if (!script_check_time()) {
        return;
    }
    lua_sethook(L, script_lua_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
    script_lua_push_error(L, "-ERR Script killed by user with "
                             "SCRIPT KILL...");
    lua_error(L);
}

/* ------------------------------------------------------------------------
 * RESP reply -> Lua value */

/* Push a table holding 'field' = the value on top of the stack. */
static void script_lua_wrap(lua_State *L, const char *field)
{
    lua_newtable(L);
    lua_pushstring(L, field);
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);
    lua_remove(L, -2);
}

/* Parse one RESP value from 'p' (complete, ending before 'end') and push
 * it: integer -> number, bulk -> string, null -> false, array -> table,
 * status -> {ok = s}, error -> {err = s}. The RESP3 types (a script under
 * redis.setresp(3) gets them): map -> {map = {k = v}}, set -> {set =
 * {m = true}}, null -> nil, boolean -> boolean, double -> {double = n},
 * big number -> {big_number = s}, verbatim -> {verbatim_string =
 * {format = f, string = s}}. Returns the byte after it. */
static const char *script_lua_push_resp(lua_State *L, const char *p,
                                        const char *end)
{
    const char *eol = memchr(p, '\r', (size_t)(end - p));
    if (eol == NULL) {
        lua_pushboolean(L, 0);
        return end;
    }
    long long n = 0;
    const char *next = eol + 2;
    if (p[0] != '\0' && strchr(":$*%~=", p[0]) != NULL) {
        resp_parse_ll(p + 1, (size_t)(eol - p - 1), &n);
    }
    if ((p[0] == '$' || p[0] == '*' || p[0] == '=') &&
        n < (p[0] == '=' ? 4 : 0)) {
        lua_pushboolean(L, 0); /* a null, or a verbatim too short */
        return next;
    }
    switch (p[0]) {
    case ':':
        lua_pushnumber(L, (lua_Number)n);
        return next;
    case '$':
        lua_pushlstring(L, next, (size_t)n);
        return next + n + 2;
    case '+':
    case '-':
        lua_newtable(L);
        lua_pushstring(L, p[0] == '+' ? "ok" : "err");
        lua_pushlstring(L, p + 1, (size_t)(eol - p - 1));
        lua_rawset(L, -3);
        return next;
    case '*':
        luaL_checkstack(L, 4, "reached lua stack limit");
        lua_createtable(L, (int)(n > INT_MAX ? 0 : n), 0);
        for (long long i = 1; i <= n; i++) {
            next = script_lua_push_resp(L, next, end);
            lua_rawseti(L, -2, (int)i);
        }
        return next;
    case '%':
    case '~':
        luaL_checkstack(L, 4, "reached lua stack limit");
        lua_newtable(L);
        for (long long i = 0; i < n; i++) {
            next = script_lua_push_resp(L, next, end);
            if (p[0] == '%') {
                next = script_lua_push_resp(L, next, end);
            } else {
                lua_pushboolean(L, 1);
            }
            lua_rawset(L, -3);
        }
        script_lua_wrap(L, p[0] == '%' ? "map" : "set");
        return next;
    case '_':
        lua_pushnil(L);
        return next;
    case '#':
        lua_pushboolean(L, p[1] == 't');
        return next;
    case ',': {
        char buf[128];
        size_t len = (size_t)(eol - p - 1);
        len = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
        memcpy(buf, p + 1, len);
        buf[len] = '\0';
        lua_pushnumber(L, strtod(buf, NULL));
        script_lua_wrap(L, "double");
        return next;
    }
    case '(':
        lua_pushlstring(L, p + 1, (size_t)(eol - p - 1));
        script_lua_wrap(L, "big_number");
        return next;
    case '=':
        lua_newtable(L);
        lua_pushliteral(L, "format");
        lua_pushlstring(L, next, 3);
        lua_rawset(L, -3);
        lua_pushliteral(L, "string");
        lua_pushlstring(L, next + 4, (size_t)n - 4);
        lua_rawset(L, -3);
        script_lua_wrap(L, "verbatim_string");
        return next + n + 2;
    default:
        lua_pushboolean(L, 0);
        return end;
    }
}

/* ------------------------------------------------------------------------
 * The redis table */

/* Arguments of redis.call and friends, reused from call to call. */
static struct arg *script_lua_argv;
static int script_lua_argv_cap;
static char *script_lua_argbuf;
static size_t script_lua_argbuf_cap;

/* Collect the arguments of the running redis.* call into
 * script_lua_argv. Returns the count, or -1 after pushing the error. */
static int script_lua_collect_args(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc == 0) {
        script_lua_push_error(L, "Please specify at least one argument "
                                 "for this redis lib call");
        return -1;
    }
    size_t total = 0;
    for (int i = 1; i <= argc; i++) {
        int t = lua_type(L, i);
        if (t != LUA_TNUMBER && t != LUA_TSTRING) {
            script_lua_push_error(L, "Lua redis lib command arguments must "
                                     "be strings or integers");
            return -1;
        }
        size_t len;
        lua_tolstring(L, i, &len);
        total += len + 1;
    }
    if (argc > script_lua_argv_cap) {
        script_lua_argv_cap = argc * 2;
        script_lua_argv = mem_realloc(script_lua_argv,
                                      (size_t)script_lua_argv_cap *
                                      sizeof(*script_lua_argv));
    }
    if (total > script_lua_argbuf_cap) {
        script_lua_argbuf_cap = total * 2;
        script_lua_argbuf = mem_realloc(script_lua_argbuf,
                                        script_lua_argbuf_cap);
    }
    char *w = script_lua_argbuf;
    for (int i = 1; i <= argc; i++) {
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        memcpy(w, s, len);
        w[len] = '\0';
        script_lua_argv[i - 1].ptr = w;
        script_lua_argv[i - 1].len = len;
        w += len + 1;
    }
    return argc;
}

/* redis.call / redis.pcall: run a command; an error reply is raised
 * ('raise') or returned as {err = ...}. */
static int script_lua_call_generic(lua_State *L, bool raise)
{
    if (script_current == NULL) {
        script_lua_push_error(L, "redis.call can only be called inside a "
                                 "script invocation");
        return raise ? lua_error(L) : 1;
    }
    int argc = script_lua_collect_args(L);
    if (argc < 0) {
        return raise ? lua_error(L) : 1;
    }
    size_t len;
    const char *err = NULL;
    const char *reply = script_call(argc, script_lua_argv, &len, &err);
    if (reply == NULL) {
        script_lua_push_error(L, err);
        return raise ? lua_error(L) : 1;
    }
    if (len > 0 && reply[0] == '-') {
        size_t n = len >= 2 ? len - 2 : len;
        lua_pushlstring(L, reply, n);
        script_lua_push_error(L, lua_tostring(L, -1));
        lua_remove(L, -2);
        return raise ? lua_error(L) : 1;
    }
    script_lua_push_resp(L, reply, reply + len);
    return 1;
}

static int script_lua_redis_call(lua_State *L)
{
    return script_lua_call_generic(L, true);
}

static int script_lua_redis_pcall(lua_State *L)
{
    return script_lua_call_generic(L, false);
}

static int script_lua_redis_error_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        script_lua_push_error(L, "wrong number or type of arguments");
        return 1;
    }
    const char *text = lua_tostring(L, 1);
    if (text[0] == '-') {
        script_lua_push_error(L, text);
    } else {
        lua_pushliteral(L, "-");
        lua_pushvalue(L, 1);
        lua_concat(L, 2);
        script_lua_push_error(L, lua_tostring(L, -1));
    }
    return 1;
}

static int script_lua_redis_status_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        script_lua_push_error(L, "wrong number or type of arguments");
        return 1;
    }
    lua_newtable(L);
    lua_pushliteral(L, "ok");
    lua_pushvalue(L, 1);
    lua_rawset(L, -3);
    return 1;
}

static int script_lua_redis_sha1hex(lua_State *L)
{
    if (lua_gettop(L) != 1) {
        script_lua_push_error(L, "wrong number of arguments");
        return lua_error(L);
    }
    size_t len = 0;
    const char *s = lua_tolstring(L, 1, &len);
    char hex[41];
    sha1_hex(s != NULL ? s : "", s != NULL ? len : 0, hex);
    lua_pushstring(L, hex);
    return 1;
}

static int script_lua_redis_log(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc < 2) {
        script_lua_push_error(L, "redis.log() requires two arguments or "
                                 "more.");
        return lua_error(L);
    }
    if (!lua_isnumber(L, 1)) {
        script_lua_push_error(L, "First argument must be a number (log "
                                 "level).");
        return lua_error(L);
    }
    int level = (int)lua_tonumber(L, 1);
    if (level < 0 || level > 3) {
        script_lua_push_error(L, "Invalid debug level.");
        return lua_error(L);
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 2; i <= argc; i++) {
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        if (s != NULL) {
            if (i != 2) {
                luaL_addchar(&b, ' ');
            }
            luaL_addlstring(&b, s, len);
        }
    }
    luaL_pushresult(&b);
    const char *msg = lua_tostring(L, -1);
    switch (level) {
    case 0:
    case 1:
        log_debug("%s", msg);
        break;
    case 2:
        log_info("%s", msg);
        break;
    default:
        log_warn("%s", msg);
        break;
    }
    return 0;
}

/* Raise the script error 'msg' (does not return). */
static int script_lua_raise(lua_State *L, const char *msg)
{
    script_lua_push_error(L, msg);
    return lua_error(L);
}

/* The one argument of a redis.* setter, as an int; raises 'usage' if
 * there is not exactly one. */
static int script_lua_one_int(lua_State *L, const char *usage)
{
    if (lua_gettop(L) != 1) {
        script_lua_raise(L, usage);
    }
    return (int)lua_tonumber(L, 1);
}

static int script_lua_redis_setresp(lua_State *L)
{
    int resp = script_lua_one_int(L, "redis.setresp() requires one "
                                     "argument.");
    if (resp != 2 && resp != 3) {
        return script_lua_raise(L, "RESP version must be 2 or 3.");
    }
    /* The protocol of the replies redis.call gets from now on. */
    if (script_current != NULL) {
        script_current->fake->resp = resp;
    }
    return 0;
}

static int script_lua_redis_set_repl(lua_State *L)
{
    /* Redis's text, though one argument is wanted. */
    int flags = script_lua_one_int(L, "redis.set_repl() requires two "
                                      "arguments.");
    if ((flags & ~SCRIPT_REPL_ALL) != 0) {
        return script_lua_raise(L, "Invalid replication flags. Use "
                                   "REPL_AOF, REPL_REPLICA, REPL_ALL or "
                                   "REPL_NONE.");
    }
    if (script_current != NULL) {
        script_current->repl = flags;
    }
    return 0;
}

static int script_lua_redis_replicate_commands(lua_State *L)
{
    lua_pushboolean(L, 1);
    return 1;
}

static int script_lua_redis_breakpoint(lua_State *L)
{
    /* No debugger attaches: as Redis without LDB, say so. */
    lua_pushboolean(L, 0);
    return 1;
}

static int script_lua_redis_debug(lua_State *L)
{
    return 0;
}

static int script_lua_redis_acl_check_cmd(lua_State *L)
{
    int argc = script_lua_collect_args(L);
    if (argc < 0) {
        return lua_error(L);
    }
    const struct command *cmd = commands_lookup(script_lua_argv[0].ptr,
                                                script_lua_argv[0].len);
    if (cmd == NULL) {
        script_lua_push_error(L, "Invalid command passed to "
                                 "redis.acl_check_cmd()");
        return lua_error(L);
    }
    lua_pushboolean(L, script_current == NULL ||
                           acl_script_refuse(script_current->caller, cmd,
                                             argc, script_lua_argv,
                                             false) == NULL);
    return 1;
}

/* ------------------------------------------------------------------------
 * Lua value -> reply */

/* The integer Redis makes of a Lua number: truncated toward zero, and
 * what x86 gives for values out of range (LLONG_MIN). */
static long long script_lua_to_ll(lua_Number n)
{
    if (isnan(n) || n >= 9223372036854775808.0 ||
        n < -9223372036854775808.0) {
        return LLONG_MIN;
    }
    return (long long)n;
}

static void script_lua_reply(struct client *c, lua_State *L, int depth);

/* Push field 'name' of the table on top of 'L' and return true if it has
 * Lua type 'type'; otherwise push nothing and return false. */
static bool script_lua_field(lua_State *L, const char *name, int type)
{
    lua_pushstring(L, name);
    lua_rawget(L, -2);
    if (lua_type(L, -1) == type) {
        return true;
    }
    lua_pop(L, 1);
    return false;
}

/* Reply the entries of the table on top of 'L' (left there) as one
 * array: each key then its value ('with_values', a map) or each key
 * alone (a set). */
static void script_lua_reply_entries(struct client *c, lua_State *L,
                                     int depth, bool with_values)
{
    size_t handle = reply_defer_len(c);
    long long n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (!with_values) {
            lua_pop(L, 1);
        }
        /* A copy of the key: lua_next goes on from the original. */
        lua_pushvalue(L, with_values ? -2 : -1);
        script_lua_reply(c, L, depth + 1);
        if (with_values) {
            script_lua_reply(c, L, depth + 1);
        }
        n++;
    }
    if (with_values) {
        reply_set_map_len(c, handle, n);
    } else {
        reply_set_set_len(c, handle, n);
    }
}

/* If the table on top of 'L' has a verbatim_string field holding a format
 * and a string, reply it and leave the field on the stack; else change
 * nothing and return false. */
static bool script_lua_verbatim(struct client *c, lua_State *L)
{
    if (!script_lua_field(L, "verbatim_string", LUA_TTABLE)) {
        return false;
    }
    lua_pushliteral(L, "format");
    lua_rawget(L, -2);
    lua_pushliteral(L, "string");
    lua_rawget(L, -3);
    if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
        lua_pop(L, 3);
        return false;
    }
    size_t flen, len;
    const char *fmt = lua_tolstring(L, -2, &flen);
    const char *s = lua_tolstring(L, -1, &len);
    char f3[4] = "txt";
    memcpy(f3, fmt, flen < 3 ? flen : 3);
    reply_verbatim(c, s, len, f3);
    lua_pop(L, 2);
    return true;
}

/* Reply the value on top of 'L' to 'c' and pop it. */
static void script_lua_reply(struct client *c, lua_State *L, int depth)
{
    if (depth > SCRIPT_LUA_MAX_DEPTH || !lua_checkstack(L, 4)) {
        reply_error(c, "reached lua stack limit");
        lua_pop(L, 1);
        return;
    }
    size_t len;
    const char *s;
    switch (lua_type(L, -1)) {
    case LUA_TSTRING:
        s = lua_tolstring(L, -1, &len);
        reply_bulk(c, s, len);
        break;
    case LUA_TBOOLEAN:
        /* Under redis.setresp(3) a boolean is RESP3's; before, true is 1
         * and false a null. */
        if (script_current != NULL && script_current->fake->resp >= 3) {
            reply_bool(c, lua_toboolean(L, -1));
        } else if (lua_toboolean(L, -1)) {
            reply_integer(c, 1);
        } else {
            reply_null(c);
        }
        break;
    case LUA_TNUMBER:
        reply_integer(c, script_lua_to_ll(lua_tonumber(L, -1)));
        break;
    case LUA_TTABLE:
        if (script_lua_field(L, "err", LUA_TSTRING)) {
            s = lua_tolstring(L, -1, &len);
            char *text = sds_new("-", 1);
            text = sds_cat(text, s, strlen(s));
            reply_error_text(c, text);
            sds_free(text);
        } else if (script_lua_field(L, "ok", LUA_TSTRING)) {
            s = lua_tolstring(L, -1, &len);
            char *text = sds_new(s, strlen(s));
            for (size_t i = 0; i < sds_len(text); i++) {
                if (text[i] == '\r' || text[i] == '\n') {
                    text[i] = ' ';
                }
            }
            reply_simple(c, text);
            sds_free(text);
        } else if (script_lua_field(L, "double", LUA_TNUMBER)) {
            reply_double(c, lua_tonumber(L, -1));
        } else if (script_lua_field(L, "big_number", LUA_TSTRING)) {
            s = lua_tolstring(L, -1, &len);
            reply_bignum(c, s, len);
        } else if (script_lua_verbatim(c, L)) {
            /* replied; the field stays for the pop below */
        } else if (script_lua_field(L, "map", LUA_TTABLE)) {
            script_lua_reply_entries(c, L, depth, true);
        } else if (script_lua_field(L, "set", LUA_TTABLE)) {
            script_lua_reply_entries(c, L, depth, false);
        } else {
            /* An array, cut at its first nil. */
            size_t handle = reply_defer_len(c);
            long long n = 0;
            for (int j = 1;; j++) {
                lua_rawgeti(L, -1, j);
                if (lua_isnil(L, -1)) {
                    break;
                }
                script_lua_reply(c, L, depth + 1);
                n++;
            }
            reply_set_array_len(c, handle, n);
        }
        /* The field found, or the nil that ended the array. */
        lua_pop(L, 1);
        break;
    default:
        reply_null(c);
        break;
    }
    lua_pop(L, 1);
}

/* ------------------------------------------------------------------------
 * Calling */

/* Registry key of the error handler. */
static char script_lua_handler_key;
/* Registry key of the real globals table. */
static char script_lua_globals_key;

void script_lua_call(lua_State *L, int nargs)
{
    int func = lua_gettop(L) - nargs;
    lua_pushlightuserdata(L, &script_lua_handler_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_insert(L, func);
    struct client *c = script_current->caller;
    script_current->fake->resp = 2; /* each script starts with RESP2 */
    int rc = lua_pcall(L, nargs, 1, func);
    /* A killed script left the hook firing at every line. */
    lua_sethook(L, script_lua_hook, LUA_MASKCOUNT, SCRIPT_LUA_HOOK_COUNT);
    if (rc == 0) {
        script_lua_reply(c, L, 0);
    } else if (!lua_istable(L, -1)) {
        const char *msg = lua_isstring(L, -1) ? lua_tostring(L, -1)
                                              : "execution failure";
        reply_error(c, "Error running script %s, %.100s\n",
                    script_current->funcname, msg);
        lua_pop(L, 1);
    } else {
        char *text = sds_new("-", 1);
        lua_getfield(L, -1, "err");
        const char *msg = lua_tostring(L, -1);
        if (msg != NULL) {
            text = sds_cat(text, msg, strlen(msg));
        }
        lua_getfield(L, -2, "source");
        lua_getfield(L, -3, "line");
        const char *source = lua_tostring(L, -2);
        const char *line = lua_tostring(L, -1);
        if (source != NULL && line != NULL) {
            text = sds_catfmt(text, " script: %s, on %s:%s.",
                              script_current->funcname, source, line);
        }
        reply_error_text(c, text);
        sds_free(text);
        lua_pop(L, 4);
    }
    lua_settop(L, func - 1);
}

void script_lua_push_args(lua_State *L, const struct arg *argv, int count)
{
    lua_createtable(L, count, 0);
    for (int i = 0; i < count; i++) {
        lua_pushlstring(L, argv[i].ptr, argv[i].len);
        lua_rawseti(L, -2, i + 1);
    }
}

void script_lua_set_global(lua_State *L, const char *name)
{
    lua_pushlightuserdata(L, &script_lua_globals_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_pushstring(L, name);
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);
    lua_pop(L, 2);
}

/* ------------------------------------------------------------------------
 * Flags of shebangs and functions */

int script_parse_flag(const char *p, size_t len, bool nocase,
                      unsigned *flags)
{
    static const struct {
        const char *name;
        unsigned flag;
    } names[] = {
        { "no-writes", SCRIPT_FLAG_NO_WRITES },
        { "allow-oom", SCRIPT_FLAG_ALLOW_OOM },
        { "allow-stale", SCRIPT_FLAG_ALLOW_STALE },
        { "no-cluster", SCRIPT_FLAG_NO_CLUSTER },
        { "allow-cross-slot-keys", SCRIPT_FLAG_CROSS_SLOT },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i].name) == len &&
            (nocase ? strncasecmp(names[i].name, p, len)
                    : memcmp(names[i].name, p, len)) == 0) {
            *flags |= names[i].flag;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------------
 * The state */

static const luaL_Reg script_lua_redis_funcs[] = {
    { "call", script_lua_redis_call },
    { "pcall", script_lua_redis_pcall },
    { "error_reply", script_lua_redis_error_reply },
    { "status_reply", script_lua_redis_status_reply },
    { "sha1hex", script_lua_redis_sha1hex },
    { "log", script_lua_redis_log },
    { "setresp", script_lua_redis_setresp },
    { "set_repl", script_lua_redis_set_repl },
    { "replicate_commands", script_lua_redis_replicate_commands },
    { "breakpoint", script_lua_redis_breakpoint },
    { "debug", script_lua_redis_debug },
    { "acl_check_cmd", script_lua_redis_acl_check_cmd },
    { NULL, NULL },
};

/* Open library 'fn' under the global 'name' (whatever it registers). */
static void script_lua_open(lua_State *L, lua_CFunction fn, const char *name)
{
    lua_pushcfunction(L, fn);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (lua_istable(L, -1) && name[0] != '\0') {
        lua_setglobal(L, name);
    } else {
        lua_pop(L, 1);
    }
}

/* The integer constants of the redis table. */
static const struct {
    const char *name;
    int value;
} script_lua_redis_ints[] = {
    { "LOG_DEBUG", 0 },        { "LOG_VERBOSE", 1 },
    { "LOG_NOTICE", 2 },       { "LOG_WARNING", 3 },
    { "REPL_NONE", 0 },        { "REPL_AOF", SCRIPT_REPL_AOF },
    { "REPL_SLAVE", SCRIPT_REPL_REPLICA },
    { "REPL_REPLICA", SCRIPT_REPL_REPLICA },
    { "REPL_ALL", SCRIPT_REPL_ALL },
    { "REDIS_VERSION_NUM", 0x07000f },
};

lua_State *script_lua_new(bool for_functions)
{
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        log_error("out of memory creating a Lua state");
        abort();
    }
    script_lua_open(L, luaopen_base, "");
    script_lua_open(L, luaopen_table, LUA_TABLIBNAME);
    script_lua_open(L, luaopen_string, LUA_STRLIBNAME);
    script_lua_open(L, luaopen_math, LUA_MATHLIBNAME);
    script_lua_open(L, luaopen_cjson, "cjson");
    script_lua_open(L, luaopen_bit, "bit");
    script_lua_open(L, lua_msgpack_open, "cmsgpack");
    script_lua_open(L, lua_struct_open, "struct");
    /* Whatever the libraries left in package.loaded stays unreachable:
     * there is no require. */
    static const char *removed[] = {
        "dofile", "loadfile", "print", "getfenv", "setfenv", "newproxy",
        "module", "require", "package",
    };
    for (size_t i = 0; i < sizeof(removed) / sizeof(removed[0]); i++) {
        lua_pushnil(L);
        lua_setglobal(L, removed[i]);
    }
    lua_getglobal(L, "math");
    lua_pushcfunction(L, script_lua_math_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, script_lua_math_randomseed);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);

    lua_newtable(L);
    luaL_register(L, NULL, script_lua_redis_funcs);
    for (size_t i = 0; i < sizeof(script_lua_redis_ints) /
                               sizeof(script_lua_redis_ints[0]);
         i++) {
        lua_pushinteger(L, script_lua_redis_ints[i].value);
        lua_setfield(L, -2, script_lua_redis_ints[i].name);
    }
    lua_pushstring(L, SERVER_VERSION);
    lua_setfield(L, -2, "REDIS_VERSION");
    if (for_functions) {
        /* Functions have no debugger and always replicate effects. */
        static const char *eval_only[] = { "breakpoint", "debug",
                                           "replicate_commands" };
        for (size_t i = 0; i < 3; i++) {
            lua_pushnil(L);
            lua_setfield(L, -2, eval_only[i]);
        }
    }
    lua_setglobal(L, "redis");

    /* The error handler, with the real tostring. */
    lua_pushlightuserdata(L, &script_lua_handler_key);
    lua_getglobal(L, "tostring");
    lua_pushcclosure(L, script_lua_error_handler, 1);
    if (!for_functions) {
        lua_pushvalue(L, -1);
        lua_setglobal(L, "__redis__err__handler");
    }
    lua_rawset(L, LUA_REGISTRYINDEX);

    /* Functions that must see through, or refuse, the proxies. */
    lua_pushcfunction(L, script_lua_next);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "next");
    lua_pushcclosure(L, script_lua_pairs, 1);
    lua_setglobal(L, "pairs");
    lua_pushcfunction(L, script_lua_rawget);
    lua_setglobal(L, "rawget");
    lua_pushcfunction(L, script_lua_rawset);
    lua_setglobal(L, "rawset");
    lua_pushcfunction(L, script_lua_setmetatable);
    lua_setglobal(L, "setmetatable");

    /* Protect the libraries, then the globals themselves. */
    lua_pushlightuserdata(L, &script_lua_proxies_key);
    lua_newtable(L);
    lua_rawset(L, LUA_REGISTRYINDEX);
    static const char *libs[] = {
        "redis", "string", "math", "table", "cjson", "bit", "cmsgpack",
        "struct", "coroutine",
    };
    for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
        lua_getglobal(L, libs[i]);
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            continue;
        }
        script_lua_protect_top(L);
        lua_setglobal(L, libs[i]);
    }
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_pushlightuserdata(L, &script_lua_globals_key);
    lua_pushvalue(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    lua_pushcfunction(L, script_lua_global_missing);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    script_lua_protect_top(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "_G");
    lua_replace(L, LUA_GLOBALSINDEX);
    lua_pop(L, 1);

    lua_sethook(L, script_lua_hook, LUA_MASKCOUNT, SCRIPT_LUA_HOOK_COUNT);
    return L;
}

void script_lua_free(lua_State *L)
{
    if (L != NULL) {
        lua_close(L);
    }
}

void script_lua_release(void)
{
    mem_free(script_lua_argv);
    script_lua_argv = NULL;
    script_lua_argv_cap = 0;
    mem_free(script_lua_argbuf);
    script_lua_argbuf = NULL;
    script_lua_argbuf_cap = 0;
    lua_msgpack_release();
}

long long script_lua_memory(lua_State *L)
{
    if (L == NULL) {
        return 0;
    }
    return (long long)lua_gc(L, LUA_GCCOUNT, 0) * 1024 +
           lua_gc(L, LUA_GCCOUNTB, 0);
}
