/* The compact-encoding walkers: hand-built ziplist, listpack, intset and
 * zipmap blobs give back their elements, and truncated or corrupt blobs
 * are refused instead of being read past their end. */
#include <stdint.h>
#include <string.h>

#include "redis/rdb_blob.h"
#include "t/unit/tap.h"

/* Collects elements as "a,b,c". */
struct collect {
    char text[256];
};

static int collect_fn(void *priv, const char *p, size_t len)
{
    struct collect *c = priv;
    size_t have = strlen(c->text);
    if (have + len + 2 > sizeof(c->text)) {
        return 1;
    }
    if (have > 0) {
        c->text[have++] = ',';
    }
    memcpy(c->text + have, p, len);
    c->text[have + len] = '\0';
    return 0;
}

int main(void)
{
    struct collect c;

    /* ziplist: "ab", 7 (immediate), -2 (int8), 300 (int16), then 0xff */
    const uint8_t zl[] = { 24, 0, 0, 0, 18, 0, 0, 0, 4, 0,
                           0x00, 0x02, 'a', 'b',
                           0x04, 0xf8,
                           0x02, 0xfe, 0xfe,
                           0x03, 0xc0, 0x2c, 0x01,
                           0xff };
    memset(&c, 0, sizeof(c));
    tap_int(rdb_blob_ziplist(zl, sizeof(zl), collect_fn, &c), 0,
            "ziplist walks");
    tap_str(c.text, "ab,7,-2,300", "ziplist elements");
    tap_int(rdb_blob_ziplist(zl, sizeof(zl) - 3, collect_fn, &c), -1,
            "truncated ziplist is refused");

    /* listpack: 5 (7-bit), "hi" (6-bit str), -100 (13-bit), 70000 (int24) */
    const uint8_t lp[] = { 20, 0, 0, 0, 4, 0,
                           0x05, 0x01,
                           0x82, 'h', 'i', 0x03,
                           0xdf, 0x9c, 0x02,
                           0xf2, 0x70, 0x11, 0x01, 0x04,
                           0xff };
    uint8_t lp_fixed[sizeof(lp)];
    memcpy(lp_fixed, lp, sizeof(lp));
    lp_fixed[0] = sizeof(lp);
    memset(&c, 0, sizeof(c));
    tap_int(rdb_blob_listpack(lp_fixed, sizeof(lp_fixed), collect_fn, &c), 0,
            "listpack walks");
    tap_str(c.text, "5,hi,-100,70000", "listpack elements");
    lp_fixed[8] = 0xbf; /* a 63-byte string that is not there */
    tap_int(rdb_blob_listpack(lp_fixed, sizeof(lp_fixed), collect_fn, &c), -1,
            "listpack string past the end is refused");

    /* intset of int16: -1, 2 */
    const uint8_t is[] = { 2, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0x02, 0x00 };
    memset(&c, 0, sizeof(c));
    tap_int(rdb_blob_intset(is, sizeof(is), collect_fn, &c), 0,
            "intset walks");
    tap_str(c.text, "-1,2", "intset elements");
    tap_int(rdb_blob_intset(is, sizeof(is) - 1, collect_fn, &c), -1,
            "intset with a wrong size is refused");

    /* zipmap: {"f": "v1"} with one free byte */
    const uint8_t zm[] = { 1, 1, 'f', 2, 1, 'v', '1', 'x', 0xff };
    memset(&c, 0, sizeof(c));
    tap_int(rdb_blob_zipmap(zm, sizeof(zm), collect_fn, &c), 0,
            "zipmap walks");
    tap_str(c.text, "f,v1", "zipmap fields and values");
    const uint8_t zm_bad[] = { 1, 1, 'f', 200, 0, 'v', 0xff };
    tap_int(rdb_blob_zipmap(zm_bad, sizeof(zm_bad), collect_fn, &c), -1,
            "zipmap value past the end is refused");
    return tap_done();
}
