/* LZF: round trips over repetitive, random and short inputs, a known
 * liblzf-produced stream decodes, and malformed input is refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redis/lzf.h"
#include "t/unit/tap.h"

/* Compress and decompress 'len' bytes; true if they come back equal. */
static int round_trip(const uint8_t *in, size_t len, size_t *packed_len)
{
    uint8_t *packed = malloc(len + len / 16 + 64);
    uint8_t *back = malloc(len + 1);
    size_t plen = lzf_compress(in, len, packed, len + len / 16 + 64);
    size_t blen = plen ? lzf_decompress(packed, plen, back, len) : 0;
    int same = plen > 0 && blen == len && memcmp(in, back, len) == 0;
    *packed_len = plen;
    free(packed);
    free(back);
    return same;
}

int main(void)
{
    size_t plen;
    uint8_t rep[100000];
    for (size_t i = 0; i < sizeof(rep); i++) {
        rep[i] = (uint8_t)("abcabcabd"[i % 9]);
    }
    tap_ok(round_trip(rep, sizeof(rep), &plen), "repetitive data round trips");
    tap_ok(plen < sizeof(rep) / 20, "repetitive data shrinks a lot");

    uint8_t rnd[70000];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(rnd); i++) {
        x = x * 1103515245 + 12345;
        rnd[i] = (uint8_t)(x >> 16);
    }
    tap_ok(round_trip(rnd, sizeof(rnd), &plen), "random data round trips");
    tap_ok(round_trip((const uint8_t *)"a", 1, &plen), "one byte round trips");
    tap_ok(round_trip((const uint8_t *)"aaaa", 4, &plen),
           "a short run round trips");

    uint8_t out[64];
    tap_int(lzf_compress(rep, sizeof(rep), out, sizeof(out)), 0,
            "compress reports 0 when the output does not fit");

    /* "aaaaaaaaaa" as liblzf encodes it: literal 'a', then a back
     * reference of length 9 at distance 1. */
    const uint8_t known[] = { 0x00, 'a', 0xe0, 0x00, 0x00 };
    char dec[16];
    size_t dlen = lzf_decompress(known, sizeof(known), dec, sizeof(dec));
    dec[dlen < sizeof(dec) ? dlen : 0] = '\0';
    tap_str(dec, "aaaaaaaaaa", "a liblzf stream decodes");

    const uint8_t bad_ref[] = { 0x20, 0x05 };
    tap_int(lzf_decompress(bad_ref, sizeof(bad_ref), dec, sizeof(dec)), 0,
            "a back reference before the start is refused");
    const uint8_t short_lit[] = { 0x05, 'a', 'b' };
    tap_int(lzf_decompress(short_lit, sizeof(short_lit), dec, sizeof(dec)), 0,
            "a truncated literal run is refused");
    const uint8_t cut_ref[] = { 0x00, 'a', 0x20 };
    tap_int(lzf_decompress(cut_ref, sizeof(cut_ref), dec, sizeof(dec)), 0,
            "a back reference without its offset byte is refused");
    const uint8_t cut_long[] = { 0x00, 'a', 0xe0 };
    tap_int(lzf_decompress(cut_long, sizeof(cut_long), dec, sizeof(dec)), 0,
            "a long back reference without its length byte is refused");
    tap_int(lzf_decompress(known, sizeof(known), dec, 5), 0,
            "output larger than the buffer is refused");
    return tap_done();
}
