/* Walkers over ziplist, listpack, intset and zipmap blobs (rdb_blob.h).
 * Formats, as Redis lays them out (all integers little endian unless
 * said otherwise):
 *
 *   ziplist   bytes:4 tail:4 count:2 entry... 0xff
 *             entry = prevlen (1 byte, or 0xfe + 4) encoding data
 *             encoding 00llllll | 01llllll llllllll | 10000000 len:4 (big
 *             endian) = string; c0 int16, d0 int32, e0 int64, f0 int24,
 *             fe int8, f1..fd the value 0..12 itself
 *   listpack  bytes:4 count:2 entry... 0xff
 *             entry = encoding data backlen (1..5 bytes)
 *             0vvvvvvv 7-bit uint; 10llllll 6-bit string; 110vvvvv vvvvvvvv
 *             13-bit int; 1110llll llllllll 12-bit string; f0 len:4
 *             string; f1 int16, f2 int24, f3 int32, f4 int64
 *   intset    width:4 (2, 4 or 8) count:4 values (signed, sorted)
 *   zipmap    count:1 (len key len value free:1 value padding)... 0xff
 *             len = 1 byte < 254, or 254 + 4 bytes
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "redis/rdb_blob.h"

/* Little-endian unsigned of 'n' bytes at 'p'. */
static uint64_t rdb_blob_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i > 0; i--) {
        v = v << 8 | p[i - 1];
    }
    return v;
}

/* Sign-extend the low 'bits' bits of 'v'. */
static int64_t rdb_blob_signed(uint64_t v, unsigned bits)
{
    if (bits < 64 && (v & (1ULL << (bits - 1)))) {
        v |= ~0ULL << bits;
    }
    return (int64_t)v;
}

/* Hand integer 'v' to 'fn' as decimal text. */
static int rdb_blob_emit_int(rdb_blob_fn fn, void *priv, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return fn(priv, buf, (size_t)n);
}

int rdb_blob_ziplist(const void *blob, size_t len, rdb_blob_fn fn,
                     void *priv)
{
    const uint8_t *p = blob;
    if (len < 11 || rdb_blob_le(p, 4) != len || p[len - 1] != 0xff) {
        return -1;
    }
    size_t pos = 10;
    while (pos < len && p[pos] != 0xff) {
        pos += p[pos] < 254 ? 1 : 5;
        if (pos >= len - 1) {
            return -1;
        }
        uint8_t e = p[pos];
        size_t avail = len - 1 - pos;
        size_t head, data;
        int64_t value = 0;
        bool is_int = true;
        if (e >> 6 == 0) {
            head = 1;
            data = e & 0x3f;
            is_int = false;
        } else if (e >> 6 == 1) {
            if (avail < 2) {
                return -1;
            }
            head = 2;
            data = (size_t)(e & 0x3f) << 8 | p[pos + 1];
            is_int = false;
        } else if (e == 0x80) {
            if (avail < 5) {
                return -1;
            }
            head = 5;
            data = (size_t)p[pos + 1] << 24 | (size_t)p[pos + 2] << 16 |
                   (size_t)p[pos + 3] << 8 | p[pos + 4];
            is_int = false;
        } else {
            head = 1;
            switch (e) {
            case 0xc0: data = 2; break;
            case 0xd0: data = 4; break;
            case 0xe0: data = 8; break;
            case 0xf0: data = 3; break;
            case 0xfe: data = 1; break;
            default:
                if (e < 0xf1 || e > 0xfd) {
                    return -1;
                }
                data = 0;
                value = (e & 0x0f) - 1;
                break;
            }
            if (data > 0 && data <= avail - 1) {
                value = rdb_blob_signed(rdb_blob_le(p + pos + 1, data),
                                        (unsigned)data * 8);
            }
        }
        if (head > avail || data > avail - head) {
            return -1;
        }
        int rc = is_int ? rdb_blob_emit_int(fn, priv, value)
                        : fn(priv, (const char *)p + pos + head, data);
        if (rc != 0) {
            return rc;
        }
        pos += head + data;
    }
    return pos == len - 1 ? 0 : -1;
}

/* Bytes of a listpack entry's back length for an entry of 'n' bytes. */
static size_t rdb_blob_backlen_size(size_t n)
{
    return n <= 127 ? 1 : n < 16383 ? 2 : n < 2097151 ? 3
           : n < 268435455 ? 4 : 5;
}

int rdb_blob_listpack(const void *blob, size_t len, rdb_blob_fn fn,
                      void *priv)
{
    const uint8_t *p = blob;
    if (len < 7 || rdb_blob_le(p, 4) != len || p[len - 1] != 0xff) {
        return -1;
    }
    size_t pos = 6;
    while (pos < len && p[pos] != 0xff) {
        uint8_t b = p[pos];
        size_t avail = len - 1 - pos;
        size_t head, data = 0;
        bool is_int = true;
        int64_t value = 0;
        if ((b & 0x80) == 0) {
            head = 1;
            value = b & 0x7f;
        } else if ((b & 0xc0) == 0x80) {
            head = 1;
            data = b & 0x3f;
            is_int = false;
        } else if ((b & 0xe0) == 0xc0) {
            if (avail < 2) {
                return -1;
            }
            head = 2;
            value = rdb_blob_signed((uint64_t)(b & 0x1f) << 8 | p[pos + 1],
                                    13);
        } else if ((b & 0xf0) == 0xe0) {
            if (avail < 2) {
                return -1;
            }
            head = 2;
            data = (size_t)(b & 0x0f) << 8 | p[pos + 1];
            is_int = false;
        } else if (b == 0xf0) {
            if (avail < 5) {
                return -1;
            }
            head = 5;
            data = (size_t)rdb_blob_le(p + pos + 1, 4);
            is_int = false;
        } else if (b >= 0xf1 && b <= 0xf4) {
            static const size_t widths[] = { 2, 3, 4, 8 };
            size_t w = widths[b - 0xf1];
            if (avail < 1 + w) {
                return -1;
            }
            head = 1 + w;
            value = rdb_blob_signed(rdb_blob_le(p + pos + 1, w),
                                    (unsigned)w * 8);
        } else {
            return -1;
        }
        if (head > avail || data > avail - head) {
            return -1;
        }
        size_t back = rdb_blob_backlen_size(head + data);
        if (back > avail - head - data) {
            return -1;
        }
        int rc = is_int ? rdb_blob_emit_int(fn, priv, value)
                        : fn(priv, (const char *)p + pos + head, data);
        if (rc != 0) {
            return rc;
        }
        pos += head + data + back;
    }
    return pos == len - 1 ? 0 : -1;
}

int rdb_blob_intset(const void *blob, size_t len, rdb_blob_fn fn,
                    void *priv)
{
    const uint8_t *p = blob;
    if (len < 8) {
        return -1;
    }
    uint64_t width = rdb_blob_le(p, 4), count = rdb_blob_le(p + 4, 4);
    if ((width != 2 && width != 4 && width != 8) ||
        count > (len - 8) / width || 8 + count * width != len) {
        return -1;
    }
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *v = p + 8 + i * width;
        int rc = rdb_blob_emit_int(fn, priv,
                                   rdb_blob_signed(rdb_blob_le(v, width),
                                                   (unsigned)width * 8));
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* Read a zipmap length at p[*pos]; -1 if it does not fit. */
static int rdb_blob_zipmap_len(const uint8_t *p, size_t len, size_t *pos,
                               size_t *out)
{
    if (*pos >= len) {
        return -1;
    }
    if (p[*pos] < 254) {
        *out = p[(*pos)++];
        return 0;
    }
    if (p[*pos] != 254 || len - *pos < 5) {
        return -1;
    }
    *out = (size_t)rdb_blob_le(p + *pos + 1, 4);
    *pos += 5;
    return 0;
}

int rdb_blob_zipmap(const void *blob, size_t len, rdb_blob_fn fn,
                    void *priv)
{
    const uint8_t *p = blob;
    if (len < 2 || p[len - 1] != 0xff) {
        return -1;
    }
    size_t pos = 1;
    while (pos < len && p[pos] != 0xff) {
        size_t klen, vlen;
        if (rdb_blob_zipmap_len(p, len, &pos, &klen) != 0 ||
            klen > len - pos) {
            return -1;
        }
        int rc = fn(priv, (const char *)p + pos, klen);
        if (rc != 0) {
            return rc;
        }
        pos += klen;
        if (rdb_blob_zipmap_len(p, len, &pos, &vlen) != 0 || pos >= len) {
            return -1;
        }
        size_t free_bytes = p[pos++];
        if (vlen > len - pos || free_bytes > len - pos - vlen) {
            return -1;
        }
        rc = fn(priv, (const char *)p + pos, vlen);
        if (rc != 0) {
            return rc;
        }
        pos += vlen + free_bytes;
    }
    return pos == len - 1 ? 0 : -1;
}
