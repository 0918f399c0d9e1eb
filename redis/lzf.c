/* LZF compression and decompression (format in lzf.h). The compressor
 * finds matches through a table indexed by a hash of the next three bytes,
 * remembering the last position of each; it is greedy and single pass, so
 * its output differs from liblzf's but any LZF decoder reads it. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "redis/lzf.h"

#define LZF_HASH_BITS 14            /* largest table: 16 Ki positions */
#define LZF_HASH_BITS_MIN 6
#define LZF_MAX_OFFSET (1u << 13)  /* 8 KiB window */
#define LZF_MAX_LITERALS 32
#define LZF_MAX_MATCH (7 + 255 + 2) /* longest back reference */

static inline unsigned lzf_hash(const uint8_t *p, unsigned bits)
{
    uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    return (v * 2654435761u) >> (32 - bits);
}

/* Emit the 'n' pending literals ending before 'in + end' in runs of at
 * most 32. Returns false if 'out' is full. */
static bool lzf_flush_literals(const uint8_t *in, size_t end, size_t n,
                               uint8_t *out, size_t *op, size_t out_cap)
{
    size_t from = end - n;
    while (n > 0) {
        size_t run = n < LZF_MAX_LITERALS ? n : LZF_MAX_LITERALS;
        if (*op + 1 + run > out_cap) {
            return false;
        }
        out[(*op)++] = (uint8_t)(run - 1);
        memcpy(out + *op, in + from, run);
        *op += run;
        from += run;
        n -= run;
    }
    return true;
}

size_t lzf_compress(const void *in_v, size_t in_len, void *out_v,
                    size_t out_cap)
{
    const uint8_t *in = in_v;
    uint8_t *out = out_v;
    /* Positions are stored plus one so that 0 means "none". */
    uint32_t table[1u << LZF_HASH_BITS];
    size_t ip = 0, op = 0, literals = 0;
    if (in_len == 0 || in_len > UINT32_MAX - 1) {
        return 0;
    }
    /* A table about twice the input: clearing 64 KiB for a 30-byte
     * string would cost more than compressing it. */
    unsigned bits = LZF_HASH_BITS_MIN;
    while (bits < LZF_HASH_BITS && (1u << bits) < 2 * in_len) {
        bits++;
    }
    memset(table, 0, sizeof(table[0]) << bits);
    while (ip + 2 < in_len) {
        unsigned h = lzf_hash(in + ip, bits);
        size_t ref = table[h];
        table[h] = (uint32_t)(ip + 1);
        if (ref == 0 || ip - (ref - 1) > LZF_MAX_OFFSET ||
            memcmp(in + ref - 1, in + ip, 3) != 0) {
            literals++;
            ip++;
            continue;
        }
        ref--;
        size_t max = in_len - ip < LZF_MAX_MATCH ? in_len - ip
                                                 : LZF_MAX_MATCH;
        size_t len = 3;
        while (len < max && in[ref + len] == in[ip + len]) {
            len++;
        }
        if (!lzf_flush_literals(in, ip, literals, out, &op, out_cap)) {
            return 0;
        }
        literals = 0;
        size_t off = ip - ref - 1;
        size_t code = len - 2;
        if (code < 7) {
            if (op + 2 > out_cap) {
                return 0;
            }
            out[op++] = (uint8_t)(code << 5 | off >> 8);
        } else {
            if (op + 3 > out_cap) {
                return 0;
            }
            out[op++] = (uint8_t)(7 << 5 | off >> 8);
            out[op++] = (uint8_t)(code - 7);
        }
        out[op++] = (uint8_t)(off & 0xff);
        /* Index the positions inside the match too: better ratio on
         * repetitive data at a small cost. */
        size_t stop = ip + len;
        for (ip++; ip < stop && ip + 2 < in_len; ip++) {
            table[lzf_hash(in + ip, bits)] = (uint32_t)(ip + 1);
        }
        ip = stop;
    }
    literals += in_len - ip;
    if (!lzf_flush_literals(in, in_len, literals, out, &op, out_cap)) {
        return 0;
    }
    return op;
}

size_t lzf_decompress(const void *in_v, size_t in_len, void *out_v,
                      size_t out_cap)
{
    const uint8_t *in = in_v;
    uint8_t *out = out_v;
    size_t ip = 0, op = 0;
    while (ip < in_len) {
        unsigned ctrl = in[ip++];
        if (ctrl < 32) {
            size_t run = ctrl + 1;
            if (ip + run > in_len || op + run > out_cap) {
                return 0;
            }
            memcpy(out + op, in + ip, run);
            ip += run;
            op += run;
            continue;
        }
        size_t len = ctrl >> 5;
        if (len == 7) {
            if (ip >= in_len) {
                return 0;
            }
            len += in[ip++];
        }
        len += 2;
        if (ip >= in_len) {
            return 0;
        }
        size_t off = ((size_t)(ctrl & 0x1f) << 8 | in[ip++]) + 1;
        if (off > op || op + len > out_cap) {
            return 0;
        }
        /* Byte by byte: source and destination may overlap (runs). */
        for (size_t i = 0; i < len; i++, op++) {
            out[op] = out[op - off];
        }
    }
    return op;
}
