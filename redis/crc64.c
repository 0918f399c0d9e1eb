/* CRC-64/Jones (see crc64.h), computed eight bytes at a time with eight
 * 256-entry tables built on first use ("slicing by 8"), so checksumming a
 * large RDB file costs far less than writing it. */
#include <pthread.h>

#include "redis/crc64.h"

/* The Jones polynomial 0xad93d23594c935a9, bit-reversed. */
#define CRC64_POLY_REFLECTED 0x95ac9329ac4bc9b5ULL

static uint64_t crc64_table[8][256];
static pthread_once_t crc64_once = PTHREAD_ONCE_INIT;

static void crc64_init_tables(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint64_t crc = i;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 1) ? (crc >> 1) ^ CRC64_POLY_REFLECTED : crc >> 1;
        }
        crc64_table[0][i] = crc;
    }
    for (unsigned i = 0; i < 256; i++) {
        for (int k = 1; k < 8; k++) {
            uint64_t prev = crc64_table[k - 1][i];
            crc64_table[k][i] = crc64_table[0][prev & 0xff] ^ (prev >> 8);
        }
    }
}

uint64_t crc64(uint64_t crc, const void *p, size_t len)
{
    const uint8_t *b = p;
    pthread_once(&crc64_once, crc64_init_tables);
    while (len >= 8) {
        /* Assemble little-endian so the code is right on any host. */
        uint64_t word = (uint64_t)b[0] | (uint64_t)b[1] << 8 |
                        (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 |
                        (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 |
                        (uint64_t)b[6] << 48 | (uint64_t)b[7] << 56;
        crc ^= word;
        crc = crc64_table[7][crc & 0xff] ^
              crc64_table[6][(crc >> 8) & 0xff] ^
              crc64_table[5][(crc >> 16) & 0xff] ^
              crc64_table[4][(crc >> 24) & 0xff] ^
              crc64_table[3][(crc >> 32) & 0xff] ^
              crc64_table[2][(crc >> 40) & 0xff] ^
              crc64_table[1][(crc >> 48) & 0xff] ^
              crc64_table[0][crc >> 56];
        b += 8;
        len -= 8;
    }
    while (len-- > 0) {
        crc = crc64_table[0][(crc ^ *b++) & 0xff] ^ (crc >> 8);
    }
    return crc;
}
