/* The struct library of Redis scripts, written for codis: binary packing
 * of numbers and strings by a format string. struct.pack(fmt, v ...)
 * returns the bytes, struct.unpack(fmt, s [, pos]) the values then the
 * position after them, struct.size(fmt) the size of a fixed format.
 * Format: '<' little / '>' big endian / '=' native, '!'[n] align to n
 * (default 8), 'x' a zero byte, 'b' 'B' char, 'h' 'H' short, 'l' 'L'
 * long, 'T' size_t, 'i' 'I'[n] an n-byte int (default 4), upper case is
 * unsigned, 'f' float, 'd' double, 'c'[n] n chars ('c0': pack the whole
 * string, unpack the length given by the previous number), 's' a
 * zero-terminated string; spaces are ignored. */
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#define LUA_STRUCT_MAXINTSIZE 32
#define LUA_STRUCT_MAXALIGN 8

/* An 'f' or 'd' value: its first 'size' bytes (sizeof(float) or
 * sizeof(double)) are the packed form. */
union lua_struct_float {
    float f;
    double d;
};

/* Parsing state of a format. */
struct lua_struct_h {
    bool little;
    int align;
};

static bool lua_struct_native_little(void)
{
    int one = 1;
    return *(char *)&one == 1;
}

/* An optional count after an option, or 'def'. */
static size_t lua_struct_num(lua_State *L, const char **fmt, size_t def)
{
    if (!isdigit((unsigned char)**fmt)) {
        return def;
    }
    size_t a = 0;
    do {
        if (a > (INT_MAX / 10) || a * 10 > (size_t)(INT_MAX - (**fmt - '0'))) {
            luaL_error(L, "integral size overflow");
        }
        a = a * 10 + (size_t)(*((*fmt)++) - '0');
    } while (isdigit((unsigned char)**fmt));
    return a;
}

/* Size of option 'opt' (reading its count from 'fmt'). */
static size_t lua_struct_optsize(lua_State *L, char opt, const char **fmt)
{
    switch (opt) {
    case 'B': case 'b': return 1;
    case 'H': case 'h': return 2;
    case 'L': case 'l': return 8;
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return lua_struct_num(L, fmt, 1);
    case 'i': case 'I': {
        size_t sz = lua_struct_num(L, fmt, sizeof(int));
        if (sz > LUA_STRUCT_MAXINTSIZE) {
            luaL_error(L, "integral size %d is larger than limit of %d",
                       (int)sz, LUA_STRUCT_MAXINTSIZE);
        }
        return sz;
    }
    default: return 0;
    }
}

/* Padding before an item of 'size' at offset 'len'. */
static size_t lua_struct_gettoalign(lua_State *L, size_t len,
                                    struct lua_struct_h *h, char opt,
                                    size_t size)
{
    if (size == 0 || opt == 'c') {
        return 0;
    }
    size_t align = size;
    if (align > (size_t)h->align) {
        align = (size_t)h->align;
    }
    if ((align & (align - 1)) != 0) {
        luaL_argerror(L, 1, "format asks for alignment not power of 2");
    }
    return (align - (len & (align - 1))) & (align - 1);
}

/* Options that change the state; returns true if 'opt' was one. */
static bool lua_struct_control(lua_State *L, char opt, const char **fmt,
                               struct lua_struct_h *h)
{
    switch (opt) {
    case ' ': return true;
    case '>': h->little = false; return true;
    case '<': h->little = true; return true;
    case '=': h->little = lua_struct_native_little(); return true;
    case '!': {
        size_t a = lua_struct_num(L, fmt, LUA_STRUCT_MAXALIGN);
        if ((a & (a - 1)) != 0 || a == 0) {
            luaL_error(L, "alignment %d is not a power of 2", (int)a);
        }
        h->align = (int)a;
        return true;
    }
    default:
        return false;
    }
}

/* The next data option of '*fmt' (advanced past it) into '*opt' and its
 * size into '*size', after applying the control options before it to
 * 'h'; false at the end of the format. 'pos' is where the option would
 * start: '*toalign' gets the padding it needs first. */
static bool lua_struct_next(lua_State *L, const char **fmt,
                            struct lua_struct_h *h, size_t pos, char *opt,
                            size_t *size, size_t *toalign)
{
    while (**fmt != '\0') {
        *opt = *(*fmt)++;
        if (!lua_struct_control(L, *opt, fmt, h)) {
            *size = lua_struct_optsize(L, *opt, fmt);
            *toalign = lua_struct_gettoalign(L, pos, h, *opt, *size);
            return true;
        }
    }
    return false;
}

static void lua_struct_putint(luaL_Buffer *b, lua_Number n, bool little,
                              size_t size)
{
    /* Two's complement of the integer part, as the value's low bytes. */
    uint64_t v = n < 0 ? (uint64_t)(int64_t)n : (uint64_t)n;
    char buf[LUA_STRUCT_MAXINTSIZE];
    for (size_t i = 0; i < size; i++) {
        char byte = i < 8 ? (char)(v >> (i * 8))
                          : (char)(n < 0 ? 0xff : 0);
        buf[little ? i : size - 1 - i] = byte;
    }
    luaL_addlstring(b, buf, size);
}

static void lua_struct_correctbytes(char *p, size_t size, bool little)
{
    if (little != lua_struct_native_little()) {
        for (size_t i = 0; i < size / 2; i++) {
            char t = p[i];
            p[i] = p[size - 1 - i];
            p[size - 1 - i] = t;
        }
    }
}

/* Raise Redis's error for a format character 'opt' it does not know:
 * "bad argument #1 to 'pack' (invalid format option 'z')". */
static void lua_struct_bad_option(lua_State *L, char opt)
{
    luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'",
                                        opt));
}

static int lua_struct_pack(lua_State *L)
{
    struct lua_struct_h h = { lua_struct_native_little(), 1 };
    const char *fmt = luaL_checkstring(L, 1);
    int arg = 2;
    size_t total = 0;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    char opt;
    size_t size, toalign;
    while (lua_struct_next(L, &fmt, &h, total, &opt, &size, &toalign)) {
        total += toalign;
        while (toalign-- > 0) {
            luaL_addchar(&b, '\0');
        }
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L':
        case 'T': case 'i': case 'I':
            lua_struct_putint(&b, luaL_checknumber(L, arg++), h.little,
                              size);
            break;
        case 'x':
            luaL_addchar(&b, '\0');
            break;
        case 'f':
        case 'd': {
            union lua_struct_float v;
            if (opt == 'f') {
                v.f = (float)luaL_checknumber(L, arg++);
            } else {
                v.d = luaL_checknumber(L, arg++);
            }
            lua_struct_correctbytes((char *)&v, size, h.little);
            luaL_addlstring(&b, (char *)&v, size);
            break;
        }
        case 'c': case 's': {
            size_t l;
            const char *s = luaL_checklstring(L, arg++, &l);
            if (size == 0) {
                size = l;
            }
            luaL_argcheck(L, l >= size, arg - 1, "string too short");
            luaL_addlstring(&b, s, size);
            if (opt == 's') {
                luaL_addchar(&b, '\0');
                size++;
            }
            break;
        }
        default:
            lua_struct_bad_option(L, opt);
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

static lua_Number lua_struct_getint(const char *buf, bool is_signed,
                                    bool little, size_t size)
{
    uint64_t v = 0;
    size_t n = size > 8 ? 8 : size;
    for (size_t i = 0; i < n; i++) {
        unsigned char byte = (unsigned char)buf[little ? n - 1 - i
                                                       : size - n + i];
        v = v << 8 | byte;
    }
    if (is_signed && size < 8) {
        uint64_t mask = (uint64_t)1 << (size * 8 - 1);
        v = (v ^ mask) - mask;
    }
    return is_signed ? (lua_Number)(int64_t)v : (lua_Number)v;
}

static int lua_struct_unpack(lua_State *L)
{
    struct lua_struct_h h = { lua_struct_native_little(), 1 };
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const char *data = luaL_checklstring(L, 2, &ld);
    size_t pos = (size_t)luaL_optinteger(L, 3, 1) - 1;
    int n = 0;
    luaL_argcheck(L, pos <= ld, 3, "offset must be 1 or greater");
    char opt;
    size_t size, toalign;
    while (lua_struct_next(L, &fmt, &h, pos, &opt, &size, &toalign)) {
        pos += toalign;
        luaL_argcheck(L, size <= ld && pos <= ld - size, 2,
                      "data string too short");
        luaL_checkstack(L, 2, "too many results");
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L':
        case 'T': case 'i': case 'I':
            lua_pushnumber(L, lua_struct_getint(data + pos, islower(opt),
                                                h.little, size));
            n++;
            break;
        case 'x':
            break;
        case 'f':
        case 'd': {
            union lua_struct_float v;
            memcpy(&v, data + pos, size);
            lua_struct_correctbytes((char *)&v, size, h.little);
            lua_pushnumber(L, opt == 'f' ? v.f : v.d);
            n++;
            break;
        }
        case 'c':
            if (size == 0) {
                if (n == 0 || !lua_isnumber(L, -1)) {
                    luaL_error(L, "format 'c0' needs a previous size");
                }
                size = (size_t)lua_tonumber(L, -1);
                lua_pop(L, 1);
                n--;
                luaL_argcheck(L, size <= ld && pos <= ld - size, 2,
                              "data string too short");
            }
            lua_pushlstring(L, data + pos, size);
            n++;
            break;
        case 's': {
            const char *e = memchr(data + pos, '\0', ld - pos);
            if (e == NULL) {
                luaL_error(L, "unfinished string in data");
            }
            size = (size_t)(e - (data + pos)) + 1;
            lua_pushlstring(L, data + pos, size - 1);
            n++;
            break;
        }
        default:
            lua_struct_bad_option(L, opt);
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos + 1);
    return n + 1;
}

static int lua_struct_size(lua_State *L)
{
    struct lua_struct_h h = { lua_struct_native_little(), 1 };
    const char *fmt = luaL_checkstring(L, 1);
    size_t pos = 0;
    char opt;
    size_t size, toalign;
    while (lua_struct_next(L, &fmt, &h, pos, &opt, &size, &toalign)) {
        pos += toalign;
        if (opt == 's') {
            luaL_argerror(L, 1, "options 'c0' - 's' have undefined sizes");
        } else if (opt == 'c' && size == 0) {
            luaL_argerror(L, 1, "options 'c0' - 's' have undefined sizes");
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos);
    return 1;
}

static const luaL_Reg lua_struct_funcs[] = {
    { "pack", lua_struct_pack },
    { "unpack", lua_struct_unpack },
    { "size", lua_struct_size },
    { NULL, NULL },
};

/* Open the library: returns its table. */
int lua_struct_open(lua_State *L);
int lua_struct_open(lua_State *L)
{
    lua_newtable(L);
    luaL_register(L, NULL, lua_struct_funcs);
    return 1;
}
