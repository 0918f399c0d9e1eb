/* Listpacks: byte strings packed in one allocation, walked both ways, in
 * Redis 7's byte layout (see listpack.h). The writes (insert, delete,
 * replace) move the tail with memmove and realloc the block to its exact
 * size: cheap at the sizes the thresholds allow (hash-max-listpack-*,
 * list-max-listpack-size), and the same allocations redis-server makes,
 * so used_memory matches. */
#include "redis/listpack.h"

#include <stdint.h>
#include <string.h>

#include "lib/mem.h"

#define LISTPACK_HDR 6              /* uint32 total bytes, uint16 count */
#define LISTPACK_EOF 0xff
#define LISTPACK_COUNT_UNKNOWN 65535

/* ------------------------------------------------------------------------
 * Header */

static uint64_t listpack_le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i > 0; i--) {
        v = v << 8 | p[i - 1];
    }
    return v;
}

static void listpack_set_le(unsigned char *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

size_t listpack_bytes(const unsigned char *lp)
{
    return (size_t)listpack_le(lp, 4);
}

static void listpack_set_bytes(unsigned char *lp, size_t bytes)
{
    listpack_set_le(lp, bytes, 4);
}

/* Add 'delta' to the stored count, unless it is unknown (the stored
 * value stays 65535 from then on, as Redis keeps it). */
static void listpack_add_count(unsigned char *lp, long long delta)
{
    uint64_t n = listpack_le(lp + 4, 2);
    if (n != LISTPACK_COUNT_UNKNOWN) {
        long long c = (long long)n + delta;
        listpack_set_le(lp + 4, c >= LISTPACK_COUNT_UNKNOWN
                                ? LISTPACK_COUNT_UNKNOWN : (uint64_t)c, 2);
    }
}

/* ------------------------------------------------------------------------
 * Entries */

/* Bytes of the backlen for an entry of 'n' bytes (encoding + data). Note
 * 16383 takes three, as in Redis. */
static size_t listpack_backlen_size(size_t n)
{
    return n <= 127 ? 1 : n < 16383 ? 2 : n < 2097151 ? 3
           : n < 268435455 ? 4 : 5;
}

static void listpack_put_backlen(unsigned char *p, size_t n)
{
    size_t k = listpack_backlen_size(n);
    for (size_t i = 0; i < k; i++) {
        p[i] = (unsigned char)((n >> (7 * (k - 1 - i))) & 127) |
               (i > 0 ? 128 : 0);
    }
}

/* The value of 's' ('len' bytes) if it is a canonical decimal int64:
 * what Redis's listpack stores as an integer. */
static bool listpack_str_int(const char *s, size_t len, long long *v)
{
    if (len == 0 || len > 20) {
        return false;
    }
    if (len == 1 && s[0] == '0') {
        *v = 0;
        return true;
    }
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == len || s[i] < '1' || s[i] > '9') {
        return false;
    }
    uint64_t u = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' ||
            u > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10) {
            return false;
        }
        u = u * 10 + (uint64_t)(s[i] - '0');
    }
    if (s[0] == '-') {
        if (u > (uint64_t)INT64_MAX + 1) {
            return false;
        }
        *v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(long long)u;
    } else {
        if (u > (uint64_t)INT64_MAX) {
            return false;
        }
        *v = (long long)u;
    }
    return true;
}

/* The encoding of one entry: 'hdr' (for integers the whole entry but the
 * backlen), then 'data' bytes of the string. */
struct listpack_enc {
    unsigned char hdr[9];
    size_t hlen;
    size_t data;
};

static void listpack_encode_int(struct listpack_enc *e, long long v)
{
    e->data = 0;
    if (v >= 0 && v <= 127) {
        e->hdr[0] = (unsigned char)v;
        e->hlen = 1;
    } else if (v >= -4096 && v <= 4095) {
        uint64_t u = (uint64_t)v & 0x1fff;
        e->hdr[0] = (unsigned char)(0xc0 | (u >> 8));
        e->hdr[1] = (unsigned char)(u & 0xff);
        e->hlen = 2;
    } else {
        size_t w = v >= INT16_MIN && v <= INT16_MAX ? 2
                 : v >= -8388608 && v <= 8388607 ? 3
                 : v >= INT32_MIN && v <= INT32_MAX ? 4 : 8;
        e->hdr[0] = w == 2 ? 0xf1 : w == 3 ? 0xf2 : w == 4 ? 0xf3 : 0xf4;
        listpack_set_le(e->hdr + 1, (uint64_t)v, w);
        e->hlen = 1 + w;
    }
}

static void listpack_encode(struct listpack_enc *e, const char *s,
                            size_t len)
{
    long long v;
    if (listpack_str_int(s, len, &v)) {
        listpack_encode_int(e, v);
        return;
    }
    e->data = len;
    if (len < 64) {
        e->hdr[0] = (unsigned char)(0x80 | len);
        e->hlen = 1;
    } else if (len < 4096) {
        e->hdr[0] = (unsigned char)(0xe0 | (len >> 8));
        e->hdr[1] = (unsigned char)(len & 0xff);
        e->hlen = 2;
    } else {
        e->hdr[0] = 0xf0;
        listpack_set_le(e->hdr + 1, len, 4);
        e->hlen = 5;
    }
}

static size_t listpack_enc_total(const struct listpack_enc *e)
{
    size_t n = e->hlen + e->data;
    return n + listpack_backlen_size(n);
}

/* Write the entry 'e' of string 's' at 'p'. */
static void listpack_put(unsigned char *p, const struct listpack_enc *e,
                         const char *s)
{
    memcpy(p, e->hdr, e->hlen);
    if (e->data > 0) {
        memcpy(p + e->hlen, s, e->data);
    }
    listpack_put_backlen(p + e->hlen + e->data, e->hlen + e->data);
}

size_t listpack_entry_bytes(const char *s, size_t len)
{
    struct listpack_enc e;
    listpack_encode(&e, s, len);
    return listpack_enc_total(&e);
}

/* Bytes of the encoding and data of the entry at 'p' with at most
 * 'avail' bytes readable, or 0 if it does not fit or is no entry. Sets
 * '*hlen' to the encoding's bytes (the data follows them). */
static size_t listpack_body(const unsigned char *p, size_t avail,
                            size_t *hlen)
{
    if (avail == 0) {
        return 0;
    }
    unsigned char b = p[0];
    size_t h, data = 0;
    if (b < 0x80) {
        h = 1;
    } else if ((b & 0xc0) == 0x80) {
        h = 1;
        data = b & 0x3f;
    } else if ((b & 0xe0) == 0xc0) {
        h = 2;
    } else if ((b & 0xf0) == 0xe0) {
        if (avail < 2) {
            return 0;
        }
        h = 2;
        data = (size_t)(b & 0x0f) << 8 | p[1];
    } else if (b == 0xf0) {
        if (avail < 5) {
            return 0;
        }
        h = 5;
        data = (size_t)listpack_le(p + 1, 4);
    } else if (b >= 0xf1 && b <= 0xf4) {
        static const size_t widths[] = { 2, 3, 4, 8 };
        h = 1 + widths[b - 0xf1];
    } else {
        return 0;
    }
    if (h > avail || data > avail - h) {
        return 0;
    }
    *hlen = h;
    return h + data;
}

/* Size of the entry at 'p' (well formed: it is ours). */
static size_t listpack_size_at(const unsigned char *p)
{
    size_t h;
    size_t body = listpack_body(p, SIZE_MAX, &h);
    return body + listpack_backlen_size(body);
}

bool listpack_get_int(const unsigned char *p, long long *v)
{
    unsigned char b = p[0];
    if (b < 0x80) {
        *v = b;
    } else if ((b & 0xe0) == 0xc0) {
        uint64_t u = (uint64_t)(b & 0x1f) << 8 | p[1];
        *v = (u & 0x1000) ? (long long)u - 0x2000 : (long long)u;
    } else if (b >= 0xf1 && b <= 0xf4) {
        static const unsigned widths[] = { 2, 3, 4, 8 };
        unsigned w = widths[b - 0xf1];
        uint64_t u = listpack_le(p + 1, w);
        if (w < 8 && (u & (1ULL << (8 * w - 1)))) {
            u |= ~0ULL << (8 * w);
        }
        *v = (long long)u;
    } else {
        return false;
    }
    return true;
}

/* Decimal text of 'v' into 'buf' (not terminated); returns its length. */
static size_t listpack_int_text(char *buf, long long v)
{
    char tmp[LISTPACK_INTBUF];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    size_t len = 0;
    if (v < 0) {
        buf[len++] = '-';
    }
    while (n > 0) {
        buf[len++] = tmp[--n];
    }
    return len;
}

const char *listpack_get(const unsigned char *p, size_t *len, char *buf)
{
    long long v;
    if (listpack_get_int(p, &v)) {
        *len = listpack_int_text(buf, v);
        return buf;
    }
    size_t h;
    *len = listpack_body(p, SIZE_MAX, &h) - h;
    return (const char *)p + h;
}

/* ------------------------------------------------------------------------
 * Whole listpacks */

unsigned char *listpack_new(void)
{
    unsigned char *lp = mem_alloc(LISTPACK_HDR + 1);
    listpack_set_bytes(lp, LISTPACK_HDR + 1);
    listpack_set_le(lp + 4, 0, 2);
    lp[LISTPACK_HDR] = LISTPACK_EOF;
    return lp;
}

void listpack_free(unsigned char *lp)
{
    mem_free(lp);
}

bool listpack_valid(const void *p, size_t bytes, size_t *count)
{
    const unsigned char *b = p;
    if (bytes < LISTPACK_HDR + 1 || bytes > UINT32_MAX ||
        listpack_le(b, 4) != bytes || b[bytes - 1] != LISTPACK_EOF) {
        return false;
    }
    size_t off = LISTPACK_HDR, n = 0, end = bytes - 1;
    while (off < end) {
        size_t h;
        size_t body = listpack_body(b + off, end - off, &h);
        if (body == 0) {
            return false;
        }
        size_t back = listpack_backlen_size(body);
        if (back > end - off - body) {
            return false;
        }
        unsigned char want[5];
        listpack_put_backlen(want, body);
        if (memcmp(b + off + body, want, back) != 0) {
            return false;
        }
        off += body + back;
        n++;
    }
    /* an unknown count stays unknown after deletes, at any length */
    uint64_t stored = listpack_le(b + 4, 2);
    if (stored != LISTPACK_COUNT_UNKNOWN && stored != n) {
        return false;
    }
    if (count != NULL) {
        *count = n;
    }
    return true;
}

unsigned char *listpack_from_bytes(const void *p, size_t bytes)
{
    return listpack_valid(p, bytes, NULL) ? mem_dup(p, bytes) : NULL;
}

size_t listpack_count(const unsigned char *lp)
{
    uint64_t n = listpack_le(lp + 4, 2);
    if (n != LISTPACK_COUNT_UNKNOWN) {
        return (size_t)n;
    }
    size_t count = 0;
    const unsigned char *end = lp + listpack_bytes(lp) - 1;
    for (const unsigned char *q = lp + LISTPACK_HDR; q < end;
         q += listpack_size_at(q)) {
        count++;
    }
    return count;
}

unsigned char *listpack_first(unsigned char *lp)
{
    return lp[LISTPACK_HDR] != LISTPACK_EOF ? lp + LISTPACK_HDR : NULL;
}

unsigned char *listpack_next(unsigned char *lp, unsigned char *p)
{
    (void)lp;
    unsigned char *next = p + listpack_size_at(p);
    return *next != LISTPACK_EOF ? next : NULL;
}

unsigned char *listpack_prev(unsigned char *lp, unsigned char *p)
{
    if (p <= lp + LISTPACK_HDR) {
        return NULL;
    }
    /* the backlen ends right before 'p', its low bits last */
    size_t body = 0;
    for (size_t n = 0;; n++) {
        unsigned char b = p[-1 - (ptrdiff_t)n];
        body |= (size_t)(b & 127) << (7 * n);
        if (!(b & 128)) {
            return p - 1 - n - body;
        }
    }
}

unsigned char *listpack_last(unsigned char *lp)
{
    return listpack_prev(lp, lp + listpack_bytes(lp) - 1);
}

unsigned char *listpack_seek(unsigned char *lp, long long index)
{
    long long count = (long long)listpack_count(lp);
    if (index < 0) {
        index += count;
    }
    if (index < 0 || index >= count) {
        return NULL;
    }
    unsigned char *p;
    if (index <= count / 2) {
        p = listpack_first(lp);
        while (index-- > 0) {
            p = listpack_next(lp, p);
        }
    } else {
        p = listpack_last(lp);
        for (long long i = count - 1; i > index; i--) {
            p = listpack_prev(lp, p);
        }
    }
    return p;
}

/* An integer 's' was parsed to, for comparing with entries. */
struct listpack_key {
    const char *s;
    size_t len;
    bool is_int;
    long long v;
};

static void listpack_key_init(struct listpack_key *k, const char *s,
                              size_t len)
{
    k->s = s;
    k->len = len;
    k->is_int = listpack_str_int(s, len, &k->v);
}

/* An integer entry equals only the canonical text of its value; a string
 * entry (even one read from a file that holds digits) its bytes. */
static bool listpack_key_eq(const unsigned char *p,
                            const struct listpack_key *k)
{
    long long v;
    if (listpack_get_int(p, &v)) {
        return k->is_int && v == k->v;
    }
    size_t h;
    size_t n = listpack_body(p, SIZE_MAX, &h) - h;
    return n == k->len && memcmp(p + h, k->s, n) == 0;
}

bool listpack_eq(const unsigned char *p, const char *s, size_t len)
{
    struct listpack_key k;
    listpack_key_init(&k, s, len);
    return listpack_key_eq(p, &k);
}

size_t listpack_offset(const unsigned char *lp, const unsigned char *p)
{
    return p != NULL ? (size_t)(p - lp) : listpack_bytes(lp) - 1;
}

unsigned char *listpack_at(unsigned char *lp, size_t offset)
{
    return offset < listpack_bytes(lp) - 1 ? lp + offset : NULL;
}

/* ------------------------------------------------------------------------
 * Changes */

unsigned char *listpack_insert(unsigned char *lp, size_t offset,
                               const char *s, size_t len)
{
    struct listpack_enc e;
    listpack_encode(&e, s, len);
    size_t bytes = listpack_bytes(lp);
    size_t size = listpack_enc_total(&e);
    lp = mem_realloc(lp, bytes + size);
    memmove(lp + offset + size, lp + offset, bytes - offset);
    listpack_put(lp + offset, &e, s);
    listpack_set_bytes(lp, bytes + size);
    listpack_add_count(lp, 1);
    return lp;
}

unsigned char *listpack_append(unsigned char *lp, const char *s, size_t len)
{
    return listpack_insert(lp, listpack_offset(lp, NULL), s, len);
}

unsigned char *listpack_delete(unsigned char *lp, size_t offset, size_t n)
{
    size_t bytes = listpack_bytes(lp);
    size_t end = offset, deleted = 0;
    while (deleted < n && lp[end] != LISTPACK_EOF) {
        end += listpack_size_at(lp + end);
        deleted++;
    }
    memmove(lp + offset, lp + end, bytes - end);
    listpack_set_bytes(lp, bytes - (end - offset));
    listpack_add_count(lp, -(long long)deleted);
    return mem_realloc(lp, bytes - (end - offset));
}

unsigned char *listpack_replace(unsigned char *lp, size_t offset,
                                const char *s, size_t len)
{
    struct listpack_enc e;
    listpack_encode(&e, s, len);
    size_t bytes = listpack_bytes(lp);
    size_t old = listpack_size_at(lp + offset);
    size_t size = listpack_enc_total(&e);
    if (size > old) {
        lp = mem_realloc(lp, bytes - old + size);
    }
    memmove(lp + offset + size, lp + offset + old, bytes - offset - old);
    listpack_put(lp + offset, &e, s);
    listpack_set_bytes(lp, bytes - old + size);
    if (size < old) {
        lp = mem_realloc(lp, bytes - old + size);
    }
    return lp;
}

unsigned char *listpack_find(unsigned char *lp, unsigned char *p,
                             const char *s, size_t len, unsigned skip)
{
    struct listpack_key k;
    listpack_key_init(&k, s, len);
    unsigned char *end = lp + listpack_bytes(lp) - 1;
    while (p != NULL && p < end) {
        if (listpack_key_eq(p, &k)) {
            return p;
        }
        p += listpack_size_at(p);
        for (unsigned i = 0; i < skip && p < end; i++) {
            p += listpack_size_at(p);
        }
    }
    return NULL;
}
