/* Bitmaps and bit fields on string values: SETBIT, GETBIT, BITCOUNT,
 * BITPOS, BITOP, BITFIELD and BITFIELD_RO. Bit 0 is the most significant
 * bit of the first byte, as in Redis; a string grows with zero bytes when
 * a write reaches past its end, never beyond the 512 MB string limit.
 * Not here: the string commands (t_string.c), HyperLogLogs (hyperloglog.c).
 *
 * The argument checks follow Redis 7.0's order exactly (what is parsed
 * before the key is looked up, which error wins) because clients and the
 * differential tests compare the replies byte for byte. */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"

static const char bitops_offset_err[] =
    "bit offset is not an integer or out of range";

/* Parse a bit offset: a long long, or with 'hash' and a "#n" argument n
 * fields of 'bits' bits. The product wraps as Redis's does; the result
 * must be >= 0 and address a byte below the string limit (our master and
 * the AOF are obeyed). Returns 0, or -1 after replying. */
static int bitops_offset_or_reply(struct client *c, const struct arg *a,
                                  bool hash, int bits, uint64_t *offset)
{
    bool use_hash = hash && bits > 0 && a->len > 0 && a->ptr[0] == '#';
    long long v;
    if (util_str2ll(a->ptr + use_hash, a->len - use_hash, &v) != 0) {
        reply_error(c, bitops_offset_err);
        return -1;
    }
    if (use_hash) {
        v = (long long)((unsigned long long)v * (unsigned long long)bits);
    }
    if (v < 0 || (!(c->flags & (CLIENT_MASTER | CLIENT_LOADER)) &&
                  (v >> 3) >= SERVER_MAX_STRING)) {
        reply_error(c, bitops_offset_err);
        return -1;
    }
    *offset = (uint64_t)v;
    return 0;
}

/* The value of argv[1] for a write reaching bit 'maxbit': created or
 * grown with zero bytes to hold it ('*grew' tells, if not NULL). NULL
 * after a WRONGTYPE reply. */
static struct object *bitops_lookup_grow(struct client *c, uint64_t maxbit,
                                         bool *grew)
{
    const struct arg *key = &c->argv[1];
    size_t need = (size_t)(maxbit >> 3) + 1;
    bool wrong;
    struct object *o = string_lookup_raw(c, key, &wrong);
    if (wrong) {
        return NULL;
    }
    if (o == NULL) {
        o = object_new_sds(sds_new(NULL, 0));
        db_add(c->db, key->ptr, key->len, o);
    }
    size_t cur = sds_len(o->ptr);
    if (grew != NULL) {
        *grew = need > cur;
    }
    if (need > cur) {
        o->ptr = sds_make_room(o->ptr, need - cur);
        memset((char *)o->ptr + cur, 0, need - cur);
        sds_set_len(o->ptr, need);
    }
    return o;
}

/* The bytes of string 'o' (NULL: none) and their length; 'buf' holds the
 * digits of an integer-encoded value. */
static const unsigned char *bitops_bytes(const struct object *o, char *buf,
                                         size_t *len)
{
    *len = 0;
    if (o == NULL) {
        return (const unsigned char *)"";
    }
    return (const unsigned char *)object_string(o, buf, len);
}

/* The bytes of the string at argv[1] and their length ('buf' holds the
 * digits of an integer-encoded value), or NULL after replying: 0 for a
 * missing key, or WRONGTYPE. */
static const unsigned char *bitops_read_or_reply(struct client *c,
                                                 char *buf, size_t *len)
{
    struct object *o = db_lookup_read_or_reply(c, &c->argv[1], ":0\r\n");
    if (o == NULL || object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
        return NULL;
    }
    return bitops_bytes(o, buf, len);
}

/* SETBIT key offset value */
void cmd_setbit(struct client *c)
{
    uint64_t offset;
    long long on;
    if (bitops_offset_or_reply(c, &c->argv[2], false, 0, &offset) != 0 ||
        arg_ll_or_reply(c, &c->argv[3], &on,
                        "bit is not an integer or out of range") != 0) {
        return;
    }
    if (on & ~1LL) {
        reply_error(c, "bit is not an integer or out of range");
        return;
    }
    bool grew;
    struct object *o = bitops_lookup_grow(c, offset, &grew);
    if (o == NULL) {
        return;
    }
    unsigned char *p = (unsigned char *)o->ptr + (offset >> 3);
    int bit = 7 - (int)(offset & 7);
    int old = (*p >> bit) & 1;
    if (!grew && old == on) {
        /* Nothing changed: nothing to signal, count or propagate. */
        reply_integer(c, old);
        return;
    }
    *p = (unsigned char)((*p & ~(1u << bit)) | ((unsigned)on << bit));
    db_signal_modified(c->db, c->argv[1].ptr, c->argv[1].len);
    notify_arg(NOTIFY_STRING, "setbit", &c->argv[1], c->db->id);
    server.dirty++;
    reply_integer(c, old);
}

/* GETBIT key offset */
void cmd_getbit(struct client *c)
{
    uint64_t offset;
    if (bitops_offset_or_reply(c, &c->argv[2], false, 0, &offset) != 0) {
        return;
    }
    char buf[SERVER_LONG_STR_SIZE];
    size_t len;
    const unsigned char *p = bitops_read_or_reply(c, buf, &len);
    if (p == NULL) {
        return;
    }
    uint64_t byte = offset >> 3;
    reply_integer(c, byte < len ? (p[byte] >> (7 - (offset & 7))) & 1 : 0);
}

/* Clamp [start, end] (negative: from the end) to 'total' units. Returns
 * false for an empty range. */
static bool bitops_clamp(long long total, long long *start, long long *end)
{
    if (*start < 0) {
        *start += total;
    }
    if (*end < 0) {
        *end += total;
    }
    if (*start < 0) {
        *start = 0;
    }
    if (*end < 0) {
        *end = 0;
    }
    if (*end >= total) {
        *end = total - 1;
    }
    return *start <= *end;
}

/* Parse the unit word of a range at argv[i]: true for BIT. Returns 0 or
 * -1 after a syntax error reply. */
static int bitops_unit_or_reply(struct client *c, int i, bool *bits)
{
    if (arg_is(&c->argv[i], "bit")) {
        *bits = true;
    } else if (arg_is(&c->argv[i], "byte")) {
        *bits = false;
    } else {
        reply_syntax_error(c);
        return -1;
    }
    return 0;
}

/* Bits set in bits [from, to] of 'p'. */
static long long bitops_popcount(const unsigned char *p, uint64_t from,
                                 uint64_t to)
{
    long long count = 0;
    uint64_t i = from;
    for (; i <= to && (i & 7) != 0; i++) {
        count += (p[i >> 3] >> (7 - (i & 7))) & 1;
    }
    for (; i + 63 <= to; i += 64) {
        uint64_t w;
        memcpy(&w, p + (i >> 3), 8);
        count += __builtin_popcountll(w);
    }
    for (; i + 7 <= to; i += 8) {
        count += __builtin_popcount(p[i >> 3]);
    }
    for (; i <= to; i++) {
        count += (p[i >> 3] >> (7 - (i & 7))) & 1;
    }
    return count;
}

/* BITCOUNT key [start end [BYTE|BIT]] */
void cmd_bitcount(struct client *c)
{
    char buf[SERVER_LONG_STR_SIZE];
    size_t len;
    const unsigned char *p = bitops_read_or_reply(c, buf, &len);
    if (p == NULL) {
        return;
    }
    long long start = 0, end = (long long)len - 1;
    bool bits = false;
    if (c->argc == 4 || c->argc == 5) {
        if (arg_ll_or_reply(c, &c->argv[2], &start, NULL) != 0 ||
            arg_ll_or_reply(c, &c->argv[3], &end, NULL) != 0) {
            return;
        }
        /* Redis answers this empty range before reading the unit. */
        if (start < 0 && end < 0 && start > end) {
            reply_integer(c, 0);
            return;
        }
        if (c->argc == 5 && bitops_unit_or_reply(c, 4, &bits) != 0) {
            return;
        }
        if (!bitops_clamp(bits ? (long long)len * 8 : (long long)len,
                          &start, &end)) {
            reply_integer(c, 0);
            return;
        }
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    if (start > end) {
        reply_integer(c, 0);
        return;
    }
    uint64_t from = bits ? (uint64_t)start : (uint64_t)start * 8;
    uint64_t to = bits ? (uint64_t)end : (uint64_t)end * 8 + 7;
    reply_integer(c, bitops_popcount(p, from, to));
}

/* BITPOS key bit [start [end [BYTE|BIT]]] */
void cmd_bitpos(struct client *c)
{
    long long want;
    if (arg_ll_or_reply(c, &c->argv[2], &want, NULL) != 0) {
        return;
    }
    if (want != 0 && want != 1) {
        reply_error(c, "The bit argument must be 1 or 0.");
        return;
    }
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (o == NULL) {
        reply_integer(c, want ? -1 : 0);
        return;
    }
    if (object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
        return;
    }
    char buf[SERVER_LONG_STR_SIZE];
    size_t len;
    const unsigned char *p = bitops_bytes(o, buf, &len);
    long long start = 0, end = (long long)len - 1;
    bool bits = false, end_given = false;
    if (c->argc >= 4 && c->argc <= 6) {
        if (arg_ll_or_reply(c, &c->argv[3], &start, NULL) != 0 ||
            (c->argc == 6 && bitops_unit_or_reply(c, 5, &bits) != 0)) {
            return;
        }
        if (c->argc >= 5) {
            if (arg_ll_or_reply(c, &c->argv[4], &end, NULL) != 0) {
                return;
            }
            end_given = true;
        }
        long long total = bits ? (long long)len * 8 : (long long)len;
        if (!end_given) {
            end = total - 1;
        }
        if (!bitops_clamp(total, &start, &end)) {
            reply_integer(c, -1);
            return;
        }
    } else if (c->argc != 3) {
        reply_syntax_error(c);
        return;
    }
    if (start > end) {
        reply_integer(c, -1);
        return;
    }
    uint64_t from = bits ? (uint64_t)start : (uint64_t)start * 8;
    uint64_t to = bits ? (uint64_t)end : (uint64_t)end * 8 + 7;
    uint64_t i = from;
    /* Whole bytes that cannot hold the bit are skipped at once. */
    unsigned char skip = want ? 0x00 : 0xff;
    for (; i <= to; i++) {
        if ((i & 7) == 0 && i + 7 <= to && p[i >> 3] == skip) {
            i += 7;
            continue;
        }
        if (((p[i >> 3] >> (7 - (i & 7))) & 1) == want) {
            reply_integer(c, (long long)i);
            return;
        }
    }
    /* A clear bit past an open range: the string is padded with zeros
     * on the right. */
    reply_integer(c, want == 0 && !end_given ? (long long)(to + 1) : -1);
}

/* BITOP AND|OR|XOR|NOT destkey key [key ...] */
void cmd_bitop(struct client *c)
{
    const struct arg *op = &c->argv[1], *dest = &c->argv[2];
    char kind;
    if (arg_is(op, "and") || arg_is(op, "or") || arg_is(op, "xor") ||
        arg_is(op, "not")) {
        kind = (char)(op->ptr[0] | 0x20); /* a, o, x or n */
    } else {
        reply_syntax_error(c);
        return;
    }
    if (kind == 'n' && c->argc != 4) {
        reply_error(c, "BITOP NOT must be called with a single source key.");
        return;
    }
    int n = c->argc - 3;
    const unsigned char **src = mem_calloc((size_t)n, sizeof(*src));
    size_t *lens = mem_calloc((size_t)n, sizeof(*lens));
    char (*bufs)[SERVER_LONG_STR_SIZE] = mem_calloc((size_t)n,
                                                    sizeof(*bufs));
    size_t maxlen = 0;
    for (int j = 0; j < n; j++) {
        const struct arg *k = &c->argv[3 + j];
        struct object *o = db_lookup_read(c->db, k->ptr, k->len);
        if (o == NULL) {
            src[j] = (const unsigned char *)"";
            continue;
        }
        if (object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
            goto done;
        }
        src[j] = bitops_bytes(o, bufs[j], &lens[j]);
        if (lens[j] > maxlen) {
            maxlen = lens[j];
        }
    }
    if (maxlen > 0) {
        char *res = sds_new(NULL, maxlen);
        unsigned char *r = (unsigned char *)res;
        for (size_t i = 0; i < maxlen; i++) {
            unsigned char out = i < lens[0] ? src[0][i] : 0;
            if (kind == 'n') {
                out = (unsigned char)~out;
            }
            for (int j = 1; j < n; j++) {
                unsigned char b = i < lens[j] ? src[j][i] : 0;
                if (kind == 'a') {
                    out &= b;
                } else if (kind == 'o') {
                    out |= b;
                } else {
                    out ^= b;
                }
            }
            r[i] = out;
        }
        db_set_key(c->db, dest->ptr, dest->len, object_new_sds(res), false);
        notify_arg(NOTIFY_STRING, "set", dest, c->db->id);
        server.dirty++;
    } else if (db_delete(c->db, dest->ptr, dest->len)) {
        notify_arg(NOTIFY_GENERIC, "del", dest, c->db->id);
        server.dirty++;
    }
    reply_integer(c, (long long)maxlen);
done:
    mem_free(src);
    mem_free(lens);
    mem_free(bufs);
}

/* ------------------------------------------------------------------------
 * BITFIELD */

enum bitops_overflow { BITOPS_WRAP, BITOPS_SAT, BITOPS_FAIL };
enum bitops_opcode { BITOPS_GET, BITOPS_SET, BITOPS_INCRBY };

/* One parsed BITFIELD operation. */
struct bitops_field_op {
    uint64_t offset;            /* first bit */
    long long value;            /* SET value or INCRBY increment */
    enum bitops_opcode opcode;
    enum bitops_overflow overflow;
    int bits;                   /* 1..64 signed, 1..63 unsigned */
    bool sign;
};

/* 'bits' bits at bit 'offset' of 'p', most significant first. */
static uint64_t bitops_get_unsigned(const unsigned char *p, uint64_t offset,
                                    int bits)
{
    uint64_t v = 0;
    for (int i = 0; i < bits; i++, offset++) {
        v = (v << 1) | ((p[offset >> 3] >> (7 - (offset & 7))) & 1);
    }
    return v;
}

static int64_t bitops_get_signed(const unsigned char *p, uint64_t offset,
                                 int bits)
{
    uint64_t v = bitops_get_unsigned(p, offset, bits);
    if (bits < 64 && (v & (1ULL << (bits - 1)))) {
        v |= ~0ULL << bits;
    }
    return (int64_t)v;
}

static void bitops_set_bits(unsigned char *p, uint64_t offset, int bits,
                            uint64_t v)
{
    for (int i = bits - 1; i >= 0; i--, offset++) {
        unsigned bit = (unsigned)((v >> i) & 1);
        unsigned shift = 7 - (unsigned)(offset & 7);
        p[offset >> 3] = (unsigned char)((p[offset >> 3] & ~(1u << shift)) |
                                         (bit << shift));
    }
}

/* Does 'value' + 'incr' fit 'bits' unsigned bits? Returns 0 if it does,
 * else non-zero with '*limit' the value to store under 'ow' (WRAP keeps
 * the low bits, SAT the nearest bound). */
static int bitops_unsigned_overflow(uint64_t value, int64_t incr, int bits,
                                    enum bitops_overflow ow, uint64_t *limit)
{
    uint64_t max = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
    int64_t maxincr = (int64_t)(max - value);
    int64_t minincr = (int64_t)(0 - value);
    int rc = 0;
    if (value > max || (incr > 0 && incr > maxincr)) {
        rc = 1;
        *limit = max;
    } else if (incr < 0 && incr < minincr) {
        rc = -1;
        *limit = 0;
    }
    if (rc != 0 && ow == BITOPS_WRAP) {
        uint64_t res = value + (uint64_t)incr;
        *limit = bits == 64 ? res : res & ((1ULL << bits) - 1);
    }
    return rc;
}

/* The same for 'bits' signed bits. */
static int bitops_signed_overflow(int64_t value, int64_t incr, int bits,
                                  enum bitops_overflow ow, int64_t *limit)
{
    int64_t max = bits == 64 ? INT64_MAX : (int64_t)((1ULL << (bits - 1)) - 1);
    int64_t min = -max - 1;
    /* These two may wrap; they are used only once 'value' is in range. */
    int64_t maxincr = (int64_t)((uint64_t)max - (uint64_t)value);
    int64_t minincr = (int64_t)((uint64_t)min - (uint64_t)value);
    int rc = 0;
    if (value > max || (bits != 64 && incr > maxincr) ||
        (value >= 0 && incr > 0 && incr > maxincr)) {
        rc = 1;
        *limit = max;
    } else if (value < min || (bits != 64 && incr < minincr) ||
               (value < 0 && incr < 0 && incr < minincr)) {
        rc = -1;
        *limit = min;
    }
    if (rc != 0 && ow == BITOPS_WRAP) {
        uint64_t r = (uint64_t)value + (uint64_t)incr;
        if (bits < 64) {
            uint64_t mask = ~0ULL << bits;
            r = (r & (1ULL << (bits - 1))) ? r | mask : r & ~mask;
        }
        *limit = (int64_t)r;
    }
    return rc;
}

/* Parse a field type "i<bits>" (1..64) or "u<bits>" (1..63). */
static int bitops_type_or_reply(struct client *c, const struct arg *a,
                                bool *sign, int *bits)
{
    long long n;
    if (a->len < 2 || (a->ptr[0] != 'i' && a->ptr[0] != 'u') ||
        util_str2ll(a->ptr + 1, strnlen(a->ptr + 1, a->len - 1), &n) != 0 ||
        n < 1 || n > (a->ptr[0] == 'i' ? 64 : 63)) {
        reply_error(c, "Invalid bitfield type. Use something like i16 u8. "
                       "Note that u64 is not supported but i64 is.");
        return -1;
    }
    *sign = a->ptr[0] == 'i';
    *bits = (int)n;
    return 0;
}

/* Run one SET or INCRBY on the string 'p' and reply its result: SET the
 * old value, INCRBY the new one, nil when OVERFLOW FAIL refuses it. */
static void bitops_field_write(struct client *c, unsigned char *p,
                               const struct bitops_field_op *op)
{
    uint64_t old = op->sign
                       ? (uint64_t)bitops_get_signed(p, op->offset, op->bits)
                       : bitops_get_unsigned(p, op->offset, op->bits);
    bool incr = op->opcode == BITOPS_INCRBY;
    /* SET checks its value alone, INCRBY the sum. */
    uint64_t base = incr ? old : (uint64_t)op->value;
    int64_t add = incr ? op->value : 0;
    uint64_t limit = 0;
    int ov;
    if (op->sign) {
        int64_t l = 0;
        ov = bitops_signed_overflow((int64_t)base, add, op->bits,
                                    op->overflow, &l);
        limit = (uint64_t)l;
    } else {
        ov = bitops_unsigned_overflow(base, add, op->bits, op->overflow,
                                      &limit);
    }
    if (ov && op->overflow == BITOPS_FAIL) {
        reply_null(c);
        return;
    }
    uint64_t nv = ov ? limit : base + (uint64_t)add;
    reply_integer(c, (long long)(incr ? nv : old));
    bitops_set_bits(p, op->offset, op->bits, nv);
}

/* BITFIELD and BITFIELD_RO ('ro': only GET allowed). All operations are
 * parsed (and refused) before any runs. */
static void bitops_field_generic(struct client *c, bool ro)
{
    struct bitops_field_op *ops = mem_calloc((size_t)c->argc, sizeof(*ops));
    int nops = 0;
    enum bitops_overflow ow = BITOPS_WRAP;
    bool readonly = true;
    uint64_t highest = 0;
    for (int j = 2; j < c->argc; j++) {
        int rest = c->argc - j - 1;
        const struct arg *sub = &c->argv[j];
        enum bitops_opcode opc;
        if (arg_is(sub, "get") && rest >= 2) {
            opc = BITOPS_GET;
        } else if (arg_is(sub, "set") && rest >= 3) {
            opc = BITOPS_SET;
        } else if (arg_is(sub, "incrby") && rest >= 3) {
            opc = BITOPS_INCRBY;
        } else if (arg_is(sub, "overflow") && rest >= 1) {
            const struct arg *t = &c->argv[++j];
            if (arg_is(t, "wrap")) {
                ow = BITOPS_WRAP;
            } else if (arg_is(t, "sat")) {
                ow = BITOPS_SAT;
            } else if (arg_is(t, "fail")) {
                ow = BITOPS_FAIL;
            } else {
                reply_error(c, "Invalid OVERFLOW type specified");
                goto done;
            }
            continue;
        } else {
            reply_syntax_error(c);
            goto done;
        }
        struct bitops_field_op *op = &ops[nops];
        if (bitops_type_or_reply(c, &c->argv[j + 1], &op->sign,
                                 &op->bits) != 0 ||
            bitops_offset_or_reply(c, &c->argv[j + 2], true, op->bits,
                                   &op->offset) != 0) {
            goto done;
        }
        if (opc != BITOPS_GET) {
            readonly = false;
            if (highest < op->offset + (uint64_t)op->bits - 1) {
                highest = op->offset + (uint64_t)op->bits - 1;
            }
            if (arg_ll_or_reply(c, &c->argv[j + 3], &op->value,
                                NULL) != 0) {
                goto done;
            }
        }
        op->opcode = opc;
        op->overflow = ow;
        nops++;
        j += opc == BITOPS_GET ? 2 : 3;
    }
    struct object *o;
    bool grew = false;
    if (readonly) {
        o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
        if (o != NULL && object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
            goto done;
        }
    } else {
        if (ro) {
            reply_error(c, "BITFIELD_RO only supports the GET subcommand");
            goto done;
        }
        o = bitops_lookup_grow(c, highest, &grew);
        if (o == NULL) {
            goto done;
        }
    }
    reply_array(c, nops);
    int changes = grew ? 1 : 0;
    for (int j = 0; j < nops; j++) {
        const struct bitops_field_op *op = &ops[j];
        if (op->opcode != BITOPS_GET) {
            /* Only a write that changes bytes counts (as Redis). */
            unsigned char *at = (unsigned char *)o->ptr + (op->offset >> 3);
            size_t span = sds_len(o->ptr) - (op->offset >> 3);
            unsigned char before[9];
            span = span < sizeof(before) ? span : sizeof(before);
            memcpy(before, at, span);
            bitops_field_write(c, (unsigned char *)o->ptr, op);
            changes += memcmp(before, at, span) != 0;
            continue;
        }
        /* A GET may reach past the end: read through a zero-padded copy
         * of the 9 bytes a 64-bit field can touch. */
        char buf[SERVER_LONG_STR_SIZE];
        size_t len;
        const unsigned char *src = bitops_bytes(o, buf, &len);
        unsigned char win[9] = { 0 };
        uint64_t byte = op->offset >> 3;
        for (uint64_t i = 0; i < 9 && byte + i < len; i++) {
            win[i] = src[byte + i];
        }
        uint64_t off = op->offset - byte * 8;
        if (op->sign) {
            reply_integer(c, bitops_get_signed(win, off, op->bits));
        } else {
            reply_integer(c, (long long)bitops_get_unsigned(win, off,
                                                            op->bits));
        }
    }
    if (changes > 0) {
        db_signal_modified(c->db, c->argv[1].ptr, c->argv[1].len);
        notify_arg(NOTIFY_STRING, "setbit", &c->argv[1], c->db->id);
        server.dirty += changes;
    }
done:
    mem_free(ops);
}

/* BITFIELD key [GET type offset] [SET type offset value]
 *          [INCRBY type offset increment] [OVERFLOW WRAP|SAT|FAIL] ... */
void cmd_bitfield(struct client *c)
{
    bitops_field_generic(c, false);
}

/* BITFIELD_RO key [GET type offset] ... */
void cmd_bitfield_ro(struct client *c)
{
    bitops_field_generic(c, true);
}
