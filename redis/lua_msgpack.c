/* The cmsgpack library of Redis scripts, written for codis: MessagePack
 * encoding of Lua values. cmsgpack.pack(v ...) encodes each argument and
 * concatenates them; cmsgpack.unpack(s) returns every value in 's';
 * unpack_one(s [, offset]) and unpack_limit(s, limit [, offset]) return
 * the offset after what they decoded (-1 at the end) then the values.
 * Numbers that are whole int64s become integers (smallest form), others
 * float32 when exact, else float64; tables whose keys are exactly 1..n
 * are arrays, other tables maps; nesting deeper than 16 becomes nil. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/mem.h"

#include <lauxlib.h>
#include <lua.h>

#define LUA_MSGPACK_MAX_NESTING 16

/* ------------------------------------------------------------------------
 * Encoding, into one buffer kept between calls (a Lua error may leave it
 * half used; the next pack starts it again). */

struct lua_msgpack_buf {
    char *p;
    size_t len;
    size_t cap;
};

static struct lua_msgpack_buf lua_msgpack_out;

static void lua_msgpack_add(struct lua_msgpack_buf *b, const void *p,
                            size_t len)
{
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2;
        b->p = mem_realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, p, len);
    b->len += len;
}

static void lua_msgpack_addchar(struct lua_msgpack_buf *b, char c)
{
    lua_msgpack_add(b, &c, 1);
}

static void lua_msgpack_put_be(struct lua_msgpack_buf *b, uint8_t tag, uint64_t v,
                               int bytes)
{
    lua_msgpack_addchar(b, (char)tag);
    for (int i = bytes - 1; i >= 0; i--) {
        lua_msgpack_addchar(b, (char)(v >> (i * 8)));
    }
}

static void lua_msgpack_put_int(struct lua_msgpack_buf *b, int64_t n)
{
    if (n >= 0) {
        if (n <= 127) {
            lua_msgpack_addchar(b, (char)n);
        } else if (n <= 0xff) {
            lua_msgpack_put_be(b, 0xcc, (uint64_t)n, 1);
        } else if (n <= 0xffff) {
            lua_msgpack_put_be(b, 0xcd, (uint64_t)n, 2);
        } else if (n <= 0xffffffffLL) {
            lua_msgpack_put_be(b, 0xce, (uint64_t)n, 4);
        } else {
            lua_msgpack_put_be(b, 0xcf, (uint64_t)n, 8);
        }
    } else if (n >= -32) {
        lua_msgpack_addchar(b, (char)(uint8_t)n);
    } else if (n >= -128) {
        lua_msgpack_put_be(b, 0xd0, (uint64_t)n, 1);
    } else if (n >= -32768) {
        lua_msgpack_put_be(b, 0xd1, (uint64_t)n, 2);
    } else if (n >= -2147483648LL) {
        lua_msgpack_put_be(b, 0xd2, (uint64_t)n, 4);
    } else {
        lua_msgpack_put_be(b, 0xd3, (uint64_t)n, 8);
    }
}

static void lua_msgpack_put_number(struct lua_msgpack_buf *b, lua_Number n)
{
    if (n >= -9223372036854775808.0 && n < 9223372036854775808.0 &&
        (lua_Number)(int64_t)n == n) {
        lua_msgpack_put_int(b, (int64_t)n);
        return;
    }
    float f = (float)n;
    if ((lua_Number)f == n) {
        uint32_t u;
        memcpy(&u, &f, 4);
        lua_msgpack_put_be(b, 0xca, u, 4);
    } else {
        uint64_t u;
        memcpy(&u, &n, 8);
        lua_msgpack_put_be(b, 0xcb, u, 8);
    }
}

/* The header of a string, array (fix 0x90) or map (fix 0x80). */
static void lua_msgpack_put_len(struct lua_msgpack_buf *b, size_t len, uint8_t fix,
                                size_t fixmax, uint8_t t8, uint8_t t16,
                                uint8_t t32)
{
    if (len <= fixmax) {
        lua_msgpack_addchar(b, (char)(fix | len));
    } else if (t8 != 0 && len <= 0xff) {
        lua_msgpack_put_be(b, t8, len, 1);
    } else if (len <= 0xffff) {
        lua_msgpack_put_be(b, t16, len, 2);
    } else {
        lua_msgpack_put_be(b, t32, len, 4);
    }
}

/* The length of the table at 'idx' if its keys are exactly 1..n, else
 * -1. */
static long long lua_msgpack_array_len(lua_State *L, int idx)
{
    long long count = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pop(L, 1);
            return -1;
        }
        lua_Number n = lua_tonumber(L, -1);
        if (n <= 0 || n != (lua_Number)(long long)n) {
            lua_pop(L, 1);
            return -1;
        }
        count++;
        if ((long long)n > max) {
            max = (long long)n;
        }
    }
    return count == max ? max : -1;
}

/* Encode the value on top of 'L' (not popped) into
 * 'b'. */
static void lua_msgpack_encode(lua_State *L, struct lua_msgpack_buf *b, int level);

static void lua_msgpack_encode_table(lua_State *L, struct lua_msgpack_buf *b, int level)
{
    int idx = lua_gettop(L);
    long long n = lua_msgpack_array_len(L, idx);
    if (n >= 0) {
        lua_msgpack_put_len(b, (size_t)n, 0x90, 15, 0, 0xdc, 0xdd);
        for (long long i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, (int)i);
            lua_msgpack_encode(L, b, level + 1);
            lua_pop(L, 1);
        }
        return;
    }
    size_t pairs = 0;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        pairs++;
    }
    lua_msgpack_put_len(b, pairs, 0x80, 15, 0, 0xde, 0xdf);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pushvalue(L, -2);
        lua_msgpack_encode(L, b, level + 1);
        lua_pop(L, 1);
        lua_msgpack_encode(L, b, level + 1);
        lua_pop(L, 1);
    }
}

static void lua_msgpack_encode(lua_State *L, struct lua_msgpack_buf *b, int level)
{
    size_t len;
    const char *s;
    switch (lua_type(L, -1)) {
    case LUA_TSTRING:
        s = lua_tolstring(L, -1, &len);
        lua_msgpack_put_len(b, len, 0xa0, 31, 0xd9, 0xda, 0xdb);
        lua_msgpack_add(b, s, len);
        break;
    case LUA_TBOOLEAN:
        lua_msgpack_addchar(b, lua_toboolean(L, -1) ? (char)0xc3 : (char)0xc2);
        break;
    case LUA_TNUMBER:
        lua_msgpack_put_number(b, lua_tonumber(L, -1));
        break;
    case LUA_TTABLE:
        if (level < LUA_MSGPACK_MAX_NESTING) {
            luaL_checkstack(L, 4, "too deep");
            lua_msgpack_encode_table(L, b, level);
            break;
        }
        lua_msgpack_addchar(b, (char)0xc0);
        break;
    default:
        lua_msgpack_addchar(b, (char)0xc0);
        break;
    }
}

static int lua_msgpack_pack(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc == 0) {
        return luaL_argerror(L, 0, "MessagePack pack needs input.");
    }
    lua_msgpack_out.len = 0;
    for (int i = 1; i <= argc; i++) {
        lua_pushvalue(L, i);
        lua_msgpack_encode(L, &lua_msgpack_out, 0);
        lua_pop(L, 1);
    }
    lua_pushlstring(L, lua_msgpack_out.p != NULL ? lua_msgpack_out.p : "",
                    lua_msgpack_out.len);
    return 1;
}

/* ------------------------------------------------------------------------
 * Decoding */

struct lua_msgpack_in {
    const unsigned char *p;
    size_t left;
    int err; /* 0, 1 missing bytes, 2 bad format */
};

static uint64_t lua_msgpack_get_be(struct lua_msgpack_in *in, int bytes)
{
    if (in->left < (size_t)bytes) {
        in->err = 1;
        in->left = 0;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) {
        v = v << 8 | in->p[i];
    }
    in->p += bytes;
    in->left -= (size_t)bytes;
    return v;
}

static void lua_msgpack_decode(lua_State *L, struct lua_msgpack_in *in);

static void lua_msgpack_decode_str(lua_State *L, struct lua_msgpack_in *in,
                                   size_t len)
{
    if (in->left < len) {
        in->err = 1;
        in->left = 0;
        lua_pushnil(L);
        return;
    }
    lua_pushlstring(L, (const char *)in->p, len);
    in->p += len;
    in->left -= len;
}

static void lua_msgpack_decode_array(lua_State *L, struct lua_msgpack_in *in,
                                     size_t n)
{
    luaL_checkstack(L, 4, "too deep");
    lua_newtable(L);
    for (size_t i = 1; i <= n && !in->err; i++) {
        lua_msgpack_decode(L, in);
        lua_rawseti(L, -2, (int)i);
    }
}

static void lua_msgpack_decode_map(lua_State *L, struct lua_msgpack_in *in,
                                   size_t n)
{
    luaL_checkstack(L, 4, "too deep");
    lua_newtable(L);
    for (size_t i = 0; i < n && !in->err; i++) {
        lua_msgpack_decode(L, in);
        lua_msgpack_decode(L, in);
        if (lua_isnil(L, -2)) {
            lua_pop(L, 2);
            continue;
        }
        lua_rawset(L, -3);
    }
}

static void lua_msgpack_decode(lua_State *L, struct lua_msgpack_in *in)
{
    if (in->left == 0) {
        in->err = 1;
        lua_pushnil(L);
        return;
    }
    unsigned char t = *in->p++;
    in->left--;
    uint64_t u;
    if (t <= 0x7f) {
        lua_pushnumber(L, t);
    } else if (t >= 0xe0) {
        lua_pushnumber(L, (int8_t)t);
    } else if ((t & 0xe0) == 0xa0) {
        lua_msgpack_decode_str(L, in, t & 0x1f);
    } else if ((t & 0xf0) == 0x90) {
        lua_msgpack_decode_array(L, in, t & 0x0f);
    } else if ((t & 0xf0) == 0x80) {
        lua_msgpack_decode_map(L, in, t & 0x0f);
    } else {
        switch (t) {
        case 0xc0: lua_pushnil(L); break;
        case 0xc2: lua_pushboolean(L, 0); break;
        case 0xc3: lua_pushboolean(L, 1); break;
        case 0xcc: lua_pushnumber(L, (lua_Number)lua_msgpack_get_be(in, 1));
            break;
        case 0xcd: lua_pushnumber(L, (lua_Number)lua_msgpack_get_be(in, 2));
            break;
        case 0xce: lua_pushnumber(L, (lua_Number)lua_msgpack_get_be(in, 4));
            break;
        case 0xcf: lua_pushnumber(L, (lua_Number)lua_msgpack_get_be(in, 8));
            break;
        case 0xd0: lua_pushnumber(L, (int8_t)lua_msgpack_get_be(in, 1));
            break;
        case 0xd1: lua_pushnumber(L, (int16_t)lua_msgpack_get_be(in, 2));
            break;
        case 0xd2: lua_pushnumber(L, (int32_t)lua_msgpack_get_be(in, 4));
            break;
        case 0xd3:
            lua_pushnumber(L, (lua_Number)(int64_t)lua_msgpack_get_be(in, 8));
            break;
        case 0xca: {
            uint32_t v = (uint32_t)lua_msgpack_get_be(in, 4);
            float f;
            memcpy(&f, &v, 4);
            lua_pushnumber(L, f);
            break;
        }
        case 0xcb: {
            u = lua_msgpack_get_be(in, 8);
            double d;
            memcpy(&d, &u, 8);
            lua_pushnumber(L, d);
            break;
        }
        case 0xd9: case 0xc4:
            u = lua_msgpack_get_be(in, 1);
            lua_msgpack_decode_str(L, in, in->err ? 0 : u);
            break;
        case 0xda: case 0xc5:
            u = lua_msgpack_get_be(in, 2);
            lua_msgpack_decode_str(L, in, in->err ? 0 : u);
            break;
        case 0xdb: case 0xc6:
            u = lua_msgpack_get_be(in, 4);
            lua_msgpack_decode_str(L, in, in->err ? 0 : u);
            break;
        case 0xdc:
            lua_msgpack_decode_array(L, in, lua_msgpack_get_be(in, 2));
            break;
        case 0xdd:
            lua_msgpack_decode_array(L, in, lua_msgpack_get_be(in, 4));
            break;
        case 0xde:
            lua_msgpack_decode_map(L, in, lua_msgpack_get_be(in, 2));
            break;
        case 0xdf:
            lua_msgpack_decode_map(L, in, lua_msgpack_get_be(in, 4));
            break;
        default:
            in->err = 2;
            lua_pushnil(L);
            break;
        }
    }
}

/* Decode up to 'limit' values (0: all) of the string at 1 from byte
 * 'offset'; with 'with_offset', push the next offset first. */
static int lua_msgpack_unpack_full(lua_State *L, int limit, long offset,
                                   bool with_offset)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    if (offset < 0 || (size_t)offset > len) {
        return luaL_error(L, "Start offset %ld greater than input length "
                             "%zu.", offset, len);
    }
    struct lua_msgpack_in in = { (const unsigned char *)s + offset,
                                 len - (size_t)offset, 0 };
    int base = lua_gettop(L);
    if (with_offset) {
        lua_pushnil(L);
    }
    int count = 0;
    while (in.left > 0 && (limit == 0 || count < limit)) {
        lua_msgpack_decode(L, &in);
        count++;
        if (in.err) {
            lua_settop(L, base);
            return luaL_error(L, in.err == 1 ? "Missing bytes in input."
                                             : "Bad data format in input.");
        }
    }
    if (with_offset) {
        long next = in.left == 0 ? -1 : (long)(len - in.left);
        lua_pushnumber(L, (lua_Number)next);
        lua_replace(L, base + 1);
        return count + 1;
    }
    return count;
}

static int lua_msgpack_unpack(lua_State *L)
{
    return lua_msgpack_unpack_full(L, 0, 0, false);
}

static int lua_msgpack_unpack_one(lua_State *L)
{
    long offset = luaL_optlong(L, 2, 0);
    lua_settop(L, 1);
    return lua_msgpack_unpack_full(L, 1, offset, true);
}

static int lua_msgpack_unpack_limit(lua_State *L)
{
    int limit = luaL_checkint(L, 2);
    long offset = luaL_optlong(L, 3, 0);
    lua_settop(L, 1);
    return lua_msgpack_unpack_full(L, limit, offset, true);
}

static const luaL_Reg lua_msgpack_funcs[] = {
    { "pack", lua_msgpack_pack },
    { "unpack", lua_msgpack_unpack },
    { "unpack_one", lua_msgpack_unpack_one },
    { "unpack_limit", lua_msgpack_unpack_limit },
    { NULL, NULL },
};

/* Open the library: returns its table (also left on the stack). */
int lua_msgpack_open(lua_State *L);
int lua_msgpack_open(lua_State *L)
{
    lua_newtable(L);
    luaL_register(L, NULL, lua_msgpack_funcs);
    lua_pushliteral(L, "cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "lua-cmsgpack 0.4.0");
    lua_setfield(L, -2, "_VERSION");
    lua_pushliteral(L, "codis");
    lua_setfield(L, -2, "_COPYRIGHT");
    lua_pushliteral(L, "MessagePack C implementation for Lua");
    lua_setfield(L, -2, "_DESCRIPTION");
    return 1;
}
