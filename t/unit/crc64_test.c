/* CRC-64/Jones: the check value Redis's own test uses, incremental use,
 * and agreement of the 8-byte path with the byte-at-a-time path. */
#include <stdint.h>
#include <string.h>

#include "redis/crc64.h"
#include "t/unit/tap.h"

int main(void)
{
    tap_ok(crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caULL,
           "crc64 of '123456789' is e9c6d914c4b8d9ca");
    tap_int(crc64(0, "", 0), 0, "crc64 of nothing is 0");
    const char *text = "This is a test of the emergency broadcast system.";
    uint64_t whole = crc64(0, text, strlen(text));
    uint64_t parts = crc64(crc64(0, text, 13), text + 13, strlen(text) - 13);
    tap_ok(whole == parts, "crc64 continues across pieces");
    uint64_t bytewise = 0;
    for (size_t i = 0; i < strlen(text); i++) {
        bytewise = crc64(bytewise, text + i, 1);
    }
    tap_ok(whole == bytewise, "8-byte and 1-byte paths agree");
    /* DUMP of the string "hello" by redis-server 7.0.15: type 0, the
     * string, version 10, then the CRC-64 of those 9 bytes, little endian. */
    const uint8_t dump[] = { 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', 0x0a, 0x00 };
    tap_ok(crc64(0, dump, sizeof(dump)) == 0x0a20346576df7263ULL,
           "crc64 matches the checksum of a payload from redis-server");
    return tap_done();
}
