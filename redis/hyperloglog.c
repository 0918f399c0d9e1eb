/* HyperLogLog: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.
 *
 * A HyperLogLog is a plain string value in Redis's exact byte layout, so
 * it moves unchanged between this server and redis-server through DUMP /
 * RESTORE, RDB files and replication:
 *
 *   +------+----------+---------+--------------+------------------------+
 *   | HYLL | encoding | 3 zeros | cardinality  | registers              |
 *   | 4 B  | 1 B      | 3 B     | 8 B, little  | dense: 16384 x 6 bits  |
 *   |      | 0 dense  |         | endian; top  | sparse: run opcodes    |
 *   |      | 1 sparse |         | bit = stale  |                        |
 *   +------+----------+---------+--------------+------------------------+
 *
 * Dense registers are packed least significant bits first: register i
 * starts at bit 6*i of the register area. The sparse form is a sequence of
 * opcodes covering all 16384 registers in order:
 *
 *   00xxxxxx           ZERO:  xxxxxx+1 (1..64) registers at 0
 *   01xxxxxx yyyyyyyy  XZERO: 14-bit length+1 (1..16384) registers at 0
 *   1vvvvvxx           VAL:   xx+1 (1..4) registers at value vvvvv+1
 *
 * An element's register and value come from MurmurHash64A (seed
 * 0xadc83b19): the low 14 bits pick the register, the value is the
 * position of the first set bit in the other 50 (1..51). The count uses
 * Ertl's improved estimator over the register histogram. A sparse value
 * turns dense when a register needs more than 32 or the string would pass
 * hll-sparse-max-bytes. Updates to a sparse value are made in place with
 * the same opcode choices as Redis, so both servers build the same bytes.
 *
 * Any string may be handed to these commands: lengths and opcodes are
 * checked before use, and a damaged value answers -INVALIDOBJ. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"

#define HLL_P 14
#define HLL_Q (64 - HLL_P)
#define HLL_REGISTERS (1 << HLL_P)
#define HLL_P_MASK (HLL_REGISTERS - 1)
#define HLL_BITS 6
#define HLL_REGISTER_MAX ((1 << HLL_BITS) - 1)
#define HLL_HDR_SIZE 16
#define HLL_DENSE_SIZE (HLL_HDR_SIZE + (HLL_REGISTERS * HLL_BITS + 7) / 8)
#define HLL_DENSE 0
#define HLL_SPARSE 1
#define HLL_SPARSE_VAL_MAX_VALUE 32
#define HLL_SPARSE_VAL_MAX_LEN 4
#define HLL_SPARSE_ZERO_MAX_LEN 64
#define HLL_SPARSE_XZERO_MAX_LEN 16384
#define HLL_ALPHA_INF 0.721347520444481703680 /* 1 / (2 ln 2) */

static const char hll_invalid_err[] =
    "-INVALIDOBJ Corrupted HLL object detected";

/* ------------------------------------------------------------------------
 * Hashing */

/* MurmurHash64A by Austin Appleby (public domain algorithm), reading
 * 8-byte blocks little endian. */
static uint64_t hll_murmur64a(const void *key, size_t len, uint64_t seed)
{
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    const int r = 47;
    const unsigned char *data = key;
    uint64_t h = seed ^ (len * m);
    size_t blocks = len / 8;
    for (size_t i = 0; i < blocks; i++, data += 8) {
        uint64_t k = 0;
        for (int b = 7; b >= 0; b--) {
            k = (k << 8) | data[b];
        }
        k *= m;
        k ^= k >> r;
        k *= m;
        h ^= k;
        h *= m;
    }
    size_t rest = len & 7;
    if (rest > 0) {
        for (size_t b = rest; b > 0; b--) {
            h ^= (uint64_t)data[b - 1] << (8 * (b - 1));
        }
        h *= m;
    }
    h ^= h >> r;
    h *= m;
    h ^= h >> r;
    return h;
}

/* The register of element 'p' ('len' bytes) in '*reg' and its value:
 * 1 + the number of zero bits above the register bits before a one. */
static int hll_pattern(const void *p, size_t len, long *reg)
{
    uint64_t hash = hll_murmur64a(p, len, 0xadc83b19ULL);
    *reg = (long)(hash & HLL_P_MASK);
    hash >>= HLL_P;
    hash |= 1ULL << HLL_Q; /* the count ends at Q+1 at most */
    return __builtin_ctzll(hash) + 1;
}

/* ------------------------------------------------------------------------
 * Dense registers */

static int hll_dense_get(const uint8_t *regs, long i)
{
    unsigned long byte = (unsigned long)i * HLL_BITS / 8;
    unsigned fb = (unsigned)((unsigned long)i * HLL_BITS & 7);
    unsigned v = regs[byte] >> fb;
    if (fb > 8 - HLL_BITS) {
        v |= (unsigned)regs[byte + 1] << (8 - fb);
    }
    return (int)(v & HLL_REGISTER_MAX);
}

static void hll_dense_set(uint8_t *regs, long i, int val)
{
    unsigned long byte = (unsigned long)i * HLL_BITS / 8;
    unsigned fb = (unsigned)((unsigned long)i * HLL_BITS & 7);
    unsigned v = (unsigned)val;
    regs[byte] = (uint8_t)((regs[byte] & ~(HLL_REGISTER_MAX << fb)) |
                           (v << fb));
    if (fb > 8 - HLL_BITS) {
        unsigned fb8 = 8 - fb;
        regs[byte + 1] = (uint8_t)((regs[byte + 1] &
                                    ~(HLL_REGISTER_MAX >> fb8)) |
                                   (v >> fb8));
    }
}

/* ------------------------------------------------------------------------
 * Sparse opcodes */

static bool hll_op_is_zero(const uint8_t *p)
{
    return (*p & 0xc0) == 0;
}

static bool hll_op_is_xzero(const uint8_t *p)
{
    return (*p & 0xc0) == 0x40;
}

static int hll_op_zero_len(const uint8_t *p)
{
    return (*p & 0x3f) + 1;
}

static int hll_op_xzero_len(const uint8_t *p)
{
    return (((*p & 0x3f) << 8) | p[1]) + 1;
}

static int hll_op_val_value(const uint8_t *p)
{
    return ((*p >> 2) & 0x1f) + 1;
}

static int hll_op_val_len(const uint8_t *p)
{
    return (*p & 0x3) + 1;
}

static void hll_op_set_zero(uint8_t *p, int len)
{
    *p = (uint8_t)(len - 1);
}

static void hll_op_set_xzero(uint8_t *p, int len)
{
    p[0] = (uint8_t)(((len - 1) >> 8) | 0x40);
    p[1] = (uint8_t)((len - 1) & 0xff);
}

static void hll_op_set_val(uint8_t *p, int val, int len)
{
    *p = (uint8_t)(0x80 | ((val - 1) << 2) | (len - 1));
}

/* Write a run of 'len' zero registers at 'p' as one ZERO or, past 64,
 * one XZERO; returns the byte after it. */
static uint8_t *hll_op_put_zeros(uint8_t *p, long len)
{
    if (len > HLL_SPARSE_ZERO_MAX_LEN) {
        hll_op_set_xzero(p, (int)len);
        return p + 2;
    }
    hll_op_set_zero(p, (int)len);
    return p + 1;
}

/* Bytes of the opcode at 'p' (an XZERO needs its second byte before
 * 'end'); 0 if it is cut short. */
static int hll_op_size(const uint8_t *p, const uint8_t *end)
{
    if (hll_op_is_xzero(p)) {
        return p + 1 < end ? 2 : 0;
    }
    return 1;
}

/* Registers covered by the opcode at 'p'. */
static int hll_op_span(const uint8_t *p)
{
    if (hll_op_is_zero(p)) {
        return hll_op_zero_len(p);
    }
    if (hll_op_is_xzero(p)) {
        return hll_op_xzero_len(p);
    }
    return hll_op_val_len(p);
}

/* Call 'fn' for every run of a sparse register area: 'len' registers
 * from 'first' at 'value'. Returns 0, or -1 if the opcodes are cut short
 * or do not cover exactly HLL_REGISTERS registers. */
typedef void (*hll_run_fn)(void *priv, long first, int len, int value);

static int hll_sparse_walk(const uint8_t *p, const uint8_t *end,
                           hll_run_fn fn, void *priv)
{
    long idx = 0;
    while (p < end) {
        int size = hll_op_size(p, end);
        if (size == 0) {
            return -1;
        }
        int span = hll_op_span(p);
        int value = hll_op_is_zero(p) || hll_op_is_xzero(p)
                        ? 0 : hll_op_val_value(p);
        if (idx + span > HLL_REGISTERS) {
            return -1;
        }
        fn(priv, idx, span, value);
        idx += span;
        p += size;
    }
    return idx == HLL_REGISTERS ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * Values */

/* The header's fields. */
static uint8_t *hll_regs(char *s)
{
    return (uint8_t *)s + HLL_HDR_SIZE;
}

static int hll_encoding(const char *s)
{
    return (uint8_t)s[4];
}

static void hll_invalidate_cache(char *s)
{
    s[15] = (char)((uint8_t)s[15] | 0x80);
}

/* A new empty HyperLogLog: sparse, one XZERO over every register, the
 * cached count valid at 0. Owned sds. */
static char *hll_new_sparse(void)
{
    int n = (HLL_REGISTERS + HLL_SPARSE_XZERO_MAX_LEN - 1) /
            HLL_SPARSE_XZERO_MAX_LEN;
    char *s = sds_new(NULL, HLL_HDR_SIZE + (size_t)n * 2);
    memcpy(s, "HYLL", 4);
    s[4] = HLL_SPARSE;
    uint8_t *p = hll_regs(s);
    long left = HLL_REGISTERS;
    while (left > 0) {
        int len = left > HLL_SPARSE_XZERO_MAX_LEN ? HLL_SPARSE_XZERO_MAX_LEN
                                                  : (int)left;
        hll_op_set_xzero(p, len);
        p += 2;
        left -= len;
    }
    return s;
}

/* Check that string object 'o' looks like a HyperLogLog; reply Redis's
 * WRONGTYPE text if not. Returns 0 or -1. */
static int hll_check_or_reply(struct client *c, const struct object *o)
{
    if (object_check_type_or_reply(c, o, OBJ_STRING) != 0) {
        return -1;
    }
    if (o->encoding == OBJ_ENC_INT) {
        goto invalid;
    }
    const char *s = o->ptr;
    size_t len = sds_len(s);
    if (len < HLL_HDR_SIZE || memcmp(s, "HYLL", 4) != 0 ||
        hll_encoding(s) > HLL_SPARSE ||
        (hll_encoding(s) == HLL_DENSE && len != HLL_DENSE_SIZE)) {
        goto invalid;
    }
    return 0;
invalid:
    reply_error_text(c, "-WRONGTYPE Key is not a valid HyperLogLog string "
                        "value.");
    return -1;
}

static void hll_dense_fill(void *priv, long first, int len, int value)
{
    for (int i = 0; i < len; i++) {
        hll_dense_set(priv, first + i, value);
    }
}

/* Turn the sparse value of 'o' dense, keeping its header (and cached
 * count). Returns 0, or -1 if the sparse opcodes are damaged. */
static int hll_to_dense(struct object *o)
{
    char *s = o->ptr;
    if (hll_encoding(s) == HLL_DENSE) {
        return 0;
    }
    char *d = sds_new(NULL, HLL_DENSE_SIZE);
    memcpy(d, s, HLL_HDR_SIZE);
    d[4] = HLL_DENSE;
    if (hll_sparse_walk(hll_regs(s), (uint8_t *)s + sds_len(s),
                        hll_dense_fill, hll_regs(d)) != 0) {
        sds_free(d);
        return -1;
    }
    sds_free(s);
    o->ptr = d;
    return 0;
}

/* Raise register 'index' of sparse 'o' to 'count' if it is lower, in
 * place. Returns 1 if it changed, 0 if not, -1 if 'o' is damaged. */
static int hll_sparse_set(struct object *o, long index, int count)
{
    if (count > HLL_SPARSE_VAL_MAX_VALUE) {
        goto promote;
    }
    /* The worst split (XZERO into XZERO VAL XZERO) adds 3 bytes. */
    o->ptr = sds_make_room(o->ptr, 3);
    uint8_t *sparse = hll_regs(o->ptr);
    uint8_t *end = (uint8_t *)o->ptr + sds_len(o->ptr);
    uint8_t *p = sparse, *prev = NULL;
    long first = 0, span = 0;
    int size = 0;
    while (p < end) {
        size = hll_op_size(p, end);
        if (size == 0) {
            return -1;
        }
        span = hll_op_span(p);
        if (index <= first + span - 1) {
            break;
        }
        prev = p;
        p += size;
        first += span;
    }
    if (span == 0 || p >= end) {
        return -1;
    }
    uint8_t *next = p + size < end ? p + size : NULL;
    bool is_zero = hll_op_is_zero(p), is_xzero = hll_op_is_xzero(p);
    bool is_val = !is_zero && !is_xzero;
    if (is_val) {
        if (hll_op_val_value(p) >= count) {
            return 0;
        }
        if (span == 1) {
            hll_op_set_val(p, count, 1);
            goto updated;
        }
    }
    if (is_zero && span == 1) {
        hll_op_set_val(p, count, 1);
        goto updated;
    }
    /* Split the opcode around 'index' into at most five bytes. */
    uint8_t seq[5], *n = seq;
    long last = first + span - 1;
    if (is_zero || is_xzero) {
        if (index != first) {
            n = hll_op_put_zeros(n, index - first);
        }
        hll_op_set_val(n++, count, 1);
        if (index != last) {
            n = hll_op_put_zeros(n, last - index);
        }
    } else {
        int cur = hll_op_val_value(p);
        if (index != first) {
            hll_op_set_val(n++, cur, (int)(index - first));
        }
        hll_op_set_val(n++, count, 1);
        if (index != last) {
            hll_op_set_val(n++, cur, (int)(last - index));
        }
    }
    int seqlen = (int)(n - seq);
    int delta = seqlen - size;
    if (delta > 0 && (long long)sds_len(o->ptr) + delta >
                         server.hll_sparse_max_bytes) {
        goto promote;
    }
    if (delta != 0 && next != NULL) {
        memmove(next + delta, next, (size_t)(end - next));
    }
    sds_set_len(o->ptr, sds_len(o->ptr) + (size_t)delta);
    memcpy(p, seq, (size_t)seqlen);
    end += delta;
updated:
    /* Merge equal adjacent VAL opcodes around the change, scanning up to
     * five opcodes from the one before it. */
    p = prev != NULL ? prev : sparse;
    for (int scan = 5; p < end && scan > 0; scan--) {
        if (hll_op_is_xzero(p)) {
            p += 2;
            continue;
        }
        if (hll_op_is_zero(p)) {
            p++;
            continue;
        }
        if (p + 1 < end && !hll_op_is_zero(p + 1) &&
            !hll_op_is_xzero(p + 1) &&
            hll_op_val_value(p) == hll_op_val_value(p + 1)) {
            int len = hll_op_val_len(p) + hll_op_val_len(p + 1);
            if (len <= HLL_SPARSE_VAL_MAX_LEN) {
                hll_op_set_val(p + 1, hll_op_val_value(p), len);
                memmove(p, p + 1, (size_t)(end - p - 1));
                sds_set_len(o->ptr, sds_len(o->ptr) - 1);
                end--;
                continue;
            }
        }
        p++;
    }
    hll_invalidate_cache(o->ptr);
    return 1;
promote:
    if (hll_to_dense(o) != 0) {
        return -1;
    }
    hll_dense_set(hll_regs(o->ptr), index, count);
    return 1;
}

/* Raise register 'index' of 'o' (either encoding) to 'count'. Returns 1
 * if it changed, 0 if not, -1 if 'o' is damaged. */
static int hll_set(struct object *o, long index, int count)
{
    char *s = o->ptr;
    if (hll_encoding(s) == HLL_SPARSE) {
        return hll_sparse_set(o, index, count);
    }
    if (hll_dense_get(hll_regs(s), index) >= count) {
        return 0;
    }
    hll_dense_set(hll_regs(s), index, count);
    return 1;
}

static void hll_max_fill(void *priv, long first, int len, int value)
{
    uint8_t *max = priv;
    for (int i = 0; i < len; i++) {
        if (value > max[first + i]) {
            max[first + i] = (uint8_t)value;
        }
    }
}

/* max[i] = MAX(max[i], register i of 'o'). Returns 0, or -1 if 'o' is
 * damaged. */
static int hll_merge_into(uint8_t *max, const struct object *o)
{
    char *s = o->ptr;
    if (hll_encoding(s) == HLL_DENSE) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            int v = hll_dense_get(hll_regs(s), i);
            if (v > max[i]) {
                max[i] = (uint8_t)v;
            }
        }
        return 0;
    }
    return hll_sparse_walk(hll_regs(s), (uint8_t *)s + sds_len(s),
                           hll_max_fill, max);
}

/* ------------------------------------------------------------------------
 * Estimation (Otmar Ertl, "New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017) */

static double hll_tau(double x)
{
    if (x == 0.0 || x == 1.0) {
        return 0.0;
    }
    double y = 1.0, z = 1 - x, prev;
    do {
        x = sqrt(x);
        prev = z;
        y *= 0.5;
        z -= pow(1 - x, 2) * y;
    } while (prev != z);
    return z / 3;
}

static double hll_sigma(double x)
{
    if (x == 1.0) {
        return INFINITY;
    }
    double y = 1, z = x, prev;
    do {
        x *= x;
        prev = z;
        z += x * y;
        y += y;
    } while (prev != z);
    return z;
}

/* The estimate from a histogram of register values (64 entries). */
static uint64_t hll_estimate(const int *histo)
{
    double m = HLL_REGISTERS;
    double z = m * hll_tau((m - histo[HLL_Q + 1]) / m);
    for (int j = HLL_Q; j >= 1; j--) {
        z += histo[j];
        z *= 0.5;
    }
    z += m * hll_sigma(histo[0] / m);
    return (uint64_t)llroundl(HLL_ALPHA_INF * m * m / z);
}

static void hll_histo_fill(void *priv, long first, int len, int value)
{
    ((int *)priv)[value] += len;
}

/* The count of HyperLogLog 'o'. Returns 0, or -1 if it is damaged. */
static int hll_count(const struct object *o, uint64_t *card)
{
    int histo[64] = { 0 };
    char *s = o->ptr;
    if (hll_encoding(s) == HLL_DENSE) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            histo[hll_dense_get(hll_regs(s), i)]++;
        }
    } else if (hll_sparse_walk(hll_regs(s), (uint8_t *)s + sds_len(s),
                               hll_histo_fill, histo) != 0) {
        return -1;
    }
    *card = hll_estimate(histo);
    return 0;
}

/* The count of merged registers 'max' (HLL_REGISTERS bytes). */
static uint64_t hll_count_registers(const uint8_t *max)
{
    int histo[64] = { 0 };
    for (long i = 0; i < HLL_REGISTERS; i++) {
        histo[max[i]]++;
    }
    return hll_estimate(histo);
}

/* The value of argv['i'] as an unshared raw HyperLogLog (borrowed), or
 * NULL: missing (no reply) or refused ('*err' set, reply sent). */
static struct object *hll_lookup_write(struct client *c, int i, bool *err)
{
    const struct arg *key = &c->argv[i];
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    *err = false;
    if (o == NULL) {
        return NULL;
    }
    if (hll_check_or_reply(c, o) != 0) {
        *err = true;
        return NULL;
    }
    bool wrong;
    return string_lookup_raw(c, key, &wrong);
}

/* ------------------------------------------------------------------------
 * Commands */

/* PFADD key [element ...] */
void cmd_pfadd(struct client *c)
{
    const struct arg *key = &c->argv[1];
    bool err;
    struct object *o = hll_lookup_write(c, 1, &err);
    int updated = 0;
    if (err) {
        return;
    }
    if (o == NULL) {
        o = object_new_sds(hll_new_sparse());
        db_add(c->db, key->ptr, key->len, o);
        updated++;
    }
    for (int j = 2; j < c->argc; j++) {
        long reg;
        int count = hll_pattern(c->argv[j].ptr, c->argv[j].len, &reg);
        int rc = hll_set(o, reg, count);
        if (rc < 0) {
            reply_error_text(c, hll_invalid_err);
            return;
        }
        updated += rc;
    }
    if (updated > 0) {
        hll_invalidate_cache(o->ptr);
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_STRING, "pfadd", key, c->db->id);
        server.dirty += updated;
    }
    reply_integer(c, updated > 0);
}

/* Merge into the registers 'max' the HyperLogLogs at argv[1..] (missing
 * keys count as empty); '*dense' (if given) becomes true if one of them
 * is dense. Returns 0, or -1 after an error reply. */
static int hll_merge_keys(struct client *c, uint8_t *max, bool *dense)
{
    for (int j = 1; j < c->argc; j++) {
        struct object *o = db_lookup_read(c->db, c->argv[j].ptr,
                                          c->argv[j].len);
        if (o == NULL) {
            continue;
        }
        if (hll_check_or_reply(c, o) != 0) {
            return -1;
        }
        if (dense != NULL && hll_encoding(o->ptr) == HLL_DENSE) {
            *dense = true;
        }
        if (hll_merge_into(max, o) != 0) {
            reply_error_text(c, hll_invalid_err);
            return -1;
        }
    }
    return 0;
}

/* PFCOUNT key [key ...] */
void cmd_pfcount(struct client *c)
{
    if (c->argc > 2) {
        uint8_t *max = mem_calloc(HLL_REGISTERS, 1);
        if (hll_merge_keys(c, max, NULL) == 0) {
            reply_integer(c, (long long)hll_count_registers(max));
        }
        mem_free(max);
        return;
    }
    const struct arg *key = &c->argv[1];
    struct object *o = db_lookup_read(c->db, key->ptr, key->len);
    if (o == NULL) {
        reply_integer(c, 0);
        return;
    }
    if (hll_check_or_reply(c, o) != 0) {
        return;
    }
    bool wrong;
    o = string_lookup_raw(c, key, &wrong);
    uint8_t *h = (uint8_t *)o->ptr;
    uint64_t card = 0;
    if (!(h[15] & 0x80)) {
        for (int i = 7; i >= 0; i--) {
            card = (card << 8) | h[8 + i];
        }
    } else {
        if (hll_count(o, &card) != 0) {
            reply_error_text(c, hll_invalid_err);
            return;
        }
        for (int i = 0; i < 8; i++) {
            h[8 + i] = (uint8_t)(card >> (8 * i));
        }
        /* The cache is part of the value: replicas and the AOF get it by
         * this command being propagated. */
        db_signal_modified(c->db, key->ptr, key->len);
        server.dirty++;
    }
    reply_integer(c, (long long)card);
}

/* PFMERGE destkey [sourcekey ...] */
void cmd_pfmerge(struct client *c)
{
    uint8_t *max = mem_calloc(HLL_REGISTERS, 1);
    bool dense = false;
    if (hll_merge_keys(c, max, &dense) != 0) {
        goto done;
    }
    const struct arg *key = &c->argv[1];
    bool err;
    struct object *o = hll_lookup_write(c, 1, &err);
    if (err) {
        goto done;
    }
    if (o == NULL) {
        o = object_new_sds(hll_new_sparse());
        db_add(c->db, key->ptr, key->len, o);
    }
    if (dense && hll_to_dense(o) != 0) {
        reply_error_text(c, hll_invalid_err);
        goto done;
    }
    for (long j = 0; j < HLL_REGISTERS; j++) {
        if (max[j] != 0 && hll_set(o, j, max[j]) < 0) {
            reply_error_text(c, hll_invalid_err);
            goto done;
        }
    }
    hll_invalidate_cache(o->ptr);
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_STRING, "pfadd", key, c->db->id);
    server.dirty++;
    reply_ok(c);
done:
    mem_free(max);
}

/* PFDEBUG GETREG|DECODE|ENCODING|TODENSE key */
void cmd_pfdebug(struct client *c)
{
    const struct arg *sub = &c->argv[1], *key = &c->argv[2];
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    if (o == NULL) {
        reply_error(c, "The specified key does not exist");
        return;
    }
    if (hll_check_or_reply(c, o) != 0) {
        return;
    }
    bool wrong;
    o = string_lookup_raw(c, key, &wrong);
    if (arg_is(sub, "getreg") || arg_is(sub, "todense")) {
        bool conv = hll_encoding(o->ptr) == HLL_SPARSE;
        if (conv) {
            if (hll_to_dense(o) != 0) {
                reply_error_text(c, hll_invalid_err);
                return;
            }
            /* A new encoding is a change replicas must see. */
            server.dirty++;
        }
        if (arg_is(sub, "todense")) {
            reply_integer(c, conv);
            return;
        }
        reply_array(c, HLL_REGISTERS);
        for (long j = 0; j < HLL_REGISTERS; j++) {
            reply_integer(c, hll_dense_get(hll_regs(o->ptr), j));
        }
    } else if (arg_is(sub, "decode")) {
        char *s = o->ptr;
        if (hll_encoding(s) != HLL_SPARSE) {
            reply_error(c, "HLL encoding is not sparse");
            return;
        }
        char *out = sds_new(NULL, 0);
        const uint8_t *p = hll_regs(s), *end = (uint8_t *)s + sds_len(s);
        while (p < end) {
            int size = hll_op_size(p, end);
            if (size == 0) {
                break;
            }
            if (hll_op_is_zero(p)) {
                out = sds_catfmt(out, "z:%d ", hll_op_zero_len(p));
            } else if (hll_op_is_xzero(p)) {
                out = sds_catfmt(out, "Z:%d ", hll_op_xzero_len(p));
            } else {
                out = sds_catfmt(out, "v:%d,%d ", hll_op_val_value(p),
                                 hll_op_val_len(p));
            }
            p += size;
        }
        size_t n = sds_len(out);
        reply_bulk(c, out, n > 0 ? n - 1 : 0);
        sds_free(out);
    } else if (arg_is(sub, "encoding")) {
        reply_simple(c, hll_encoding(o->ptr) == HLL_DENSE ? "dense"
                                                          : "sparse");
    } else {
        reply_error(c, "Unknown PFDEBUG subcommand '%s'", sub->ptr);
    }
}

/* PFSELFTEST: check the register packing of both encodings against a
 * plain array and the estimate's error on a growing set; +OK or an error
 * naming what failed. */
void cmd_pfselftest(struct client *c)
{
    uint8_t *plain = mem_calloc(HLL_REGISTERS, 1);
    struct object *dense = object_new_sds(hll_new_sparse());
    struct object *sparse = object_new_sds(hll_new_sparse());
    const char *fail = NULL;
    char msg[128];
    if (hll_to_dense(dense) != 0) {
        fail = "a new HyperLogLog does not turn dense";
        goto done;
    }
    /* Packing: every register takes every value and reads back, leaving
     * its neighbours alone. */
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 100 && fail == NULL; round++) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            plain[i] = (uint8_t)((seed >> 33) % (HLL_REGISTER_MAX + 1));
            hll_dense_set(hll_regs(dense->ptr), i, plain[i]);
        }
        for (long i = 0; i < HLL_REGISTERS; i++) {
            if (hll_dense_get(hll_regs(dense->ptr), i) != plain[i]) {
                fail = "dense register packing is wrong";
                break;
            }
        }
    }
    /* Sparse and dense agree while elements are added, and the estimate
     * stays within 5 standard errors (1.04 / sqrt(m)). */
    memset(plain, 0, HLL_REGISTERS);
    object_decr_ref(dense);
    dense = object_new_sds(hll_new_sparse());
    hll_to_dense(dense);
    double relerr = 1.04 / sqrt((double)HLL_REGISTERS);
    for (long n = 1; n <= 100000 && fail == NULL; n++) {
        char ele[32];
        int len = snprintf(ele, sizeof(ele), "selftest-%ld", n);
        long reg;
        int count = hll_pattern(ele, (size_t)len, &reg);
        if (hll_set(dense, reg, count) < 0 ||
            hll_set(sparse, reg, count) < 0) {
            fail = "a register update failed";
            break;
        }
        if (count > plain[reg]) {
            plain[reg] = (uint8_t)count;
        }
        if (n % 1000 != 0) {
            continue;
        }
        uint64_t a, b;
        if (hll_count(dense, &a) != 0 || hll_count(sparse, &b) != 0 ||
            a != b || a != hll_count_registers(plain)) {
            snprintf(msg, sizeof(msg), "encodings disagree at %ld", n);
            fail = msg;
            break;
        }
        double err = fabs((double)a - (double)n) / (double)n;
        if (err > 5 * relerr) {
            snprintf(msg, sizeof(msg), "estimate %llu for %ld is off by "
                     "%.4f", (unsigned long long)a, n, err);
            fail = msg;
        }
    }
done:
    if (fail != NULL) {
        reply_error(c, "TESTFAILED %s", fail);
    } else {
        reply_ok(c);
    }
    object_decr_ref(dense);
    object_decr_ref(sparse);
    mem_free(plain);
}
