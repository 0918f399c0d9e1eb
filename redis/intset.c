/* Intsets: sorted arrays of integers at the narrowest width (see
 * intset.h). Lookups are binary searches; adds and removes move the tail
 * with memmove, fine at the sizes set-max-intset-entries allows. Values
 * are stored little-endian, as Redis's RDB format wants them (this is an
 * x86/ARM little-endian build). */
#include "redis/intset.h"

#include <string.h>

#include "lib/mem.h"

struct intset {
    uint32_t width;  /* bytes per value: 2, 4 or 8 */
    uint32_t length; /* values */
    unsigned char contents[];
};

static int64_t intset_at(const struct intset *is, size_t pos, uint32_t width)
{
    if (width == 2) {
        int16_t v;
        memcpy(&v, is->contents + pos * 2, 2);
        return v;
    }
    if (width == 4) {
        int32_t v;
        memcpy(&v, is->contents + pos * 4, 4);
        return v;
    }
    int64_t v;
    memcpy(&v, is->contents + pos * 8, 8);
    return v;
}

static void intset_put(struct intset *is, size_t pos, int64_t value)
{
    if (is->width == 2) {
        int16_t v = (int16_t)value;
        memcpy(is->contents + pos * 2, &v, 2);
    } else if (is->width == 4) {
        int32_t v = (int32_t)value;
        memcpy(is->contents + pos * 4, &v, 4);
    } else {
        memcpy(is->contents + pos * 8, &value, 8);
    }
}

/* Bytes needed for 'v'. */
static uint32_t intset_width_of(int64_t v)
{
    if (v >= INT16_MIN && v <= INT16_MAX) {
        return 2;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
        return 4;
    }
    return 8;
}

struct intset *intset_new(void)
{
    struct intset *is = mem_alloc(sizeof(*is));
    is->width = 2;
    is->length = 0;
    return is;
}

void intset_free(struct intset *is)
{
    mem_free(is);
}

size_t intset_len(const struct intset *is)
{
    return is->length;
}

int64_t intset_get(const struct intset *is, size_t pos)
{
    return intset_at(is, pos, is->width);
}

size_t intset_bytes(const struct intset *is)
{
    return sizeof(*is) + (size_t)is->length * is->width;
}

/* Binary search: true if found at '*pos', else '*pos' is where it goes. */
static bool intset_search(const struct intset *is, int64_t v, size_t *pos)
{
    size_t lo = 0, hi = is->length;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t cur = intset_at(is, mid, is->width);
        if (cur == v) {
            *pos = mid;
            return true;
        }
        if (cur < v) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *pos = lo;
    return false;
}

bool intset_find(const struct intset *is, int64_t v)
{
    size_t pos;
    return intset_width_of(v) <= is->width && intset_search(is, v, &pos);
}

/* Widen every value to 'width' bytes, from the end so nothing is
 * overwritten before it is read. */
static struct intset *intset_widen(struct intset *is, uint32_t width)
{
    uint32_t old = is->width;
    is = mem_realloc(is, sizeof(*is) + (size_t)is->length * width);
    is->width = width;
    for (size_t i = is->length; i-- > 0;) {
        intset_put(is, i, intset_at(is, i, old));
    }
    return is;
}

struct intset *intset_add(struct intset *is, int64_t v, bool *added)
{
    size_t pos;
    *added = false;
    if (intset_width_of(v) > is->width) {
        /* wider than every member: it goes at one end */
        is = intset_widen(is, intset_width_of(v));
        pos = v < 0 ? 0 : is->length;
    } else if (intset_search(is, v, &pos)) {
        return is;
    }
    is = mem_realloc(is, sizeof(*is) + ((size_t)is->length + 1) * is->width);
    memmove(is->contents + (pos + 1) * is->width,
            is->contents + pos * is->width,
            (is->length - pos) * is->width);
    intset_put(is, pos, v);
    is->length++;
    *added = true;
    return is;
}

struct intset *intset_remove(struct intset *is, int64_t v, bool *removed)
{
    size_t pos;
    *removed = false;
    if (intset_width_of(v) > is->width || !intset_search(is, v, &pos)) {
        return is;
    }
    memmove(is->contents + pos * is->width,
            is->contents + (pos + 1) * is->width,
            (is->length - pos - 1) * is->width);
    is->length--;
    *removed = true;
    return mem_realloc(is, intset_bytes(is));
}

struct intset *intset_from_bytes(const void *p, size_t len)
{
    struct intset hdr;
    if (len < sizeof(hdr)) {
        return NULL;
    }
    memcpy(&hdr, p, sizeof(hdr));
    if ((hdr.width != 2 && hdr.width != 4 && hdr.width != 8) ||
        len != sizeof(hdr) + (size_t)hdr.length * hdr.width ||
        hdr.length == 0) {
        return NULL;
    }
    struct intset *is = mem_dup(p, len);
    for (size_t i = 1; i < is->length; i++) {
        if (intset_get(is, i - 1) >= intset_get(is, i)) {
            intset_free(is);
            return NULL;
        }
    }
    return is;
}
