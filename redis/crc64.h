/* CRC-64 with the Jones polynomial, reflected, initial value 0 and no
 * final xor: the checksum Redis puts at the end of RDB files and DUMP
 * payloads. Check value: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
 * Knows nothing of the server. */
#ifndef CODIS_CRC64_H
#define CODIS_CRC64_H

#include <stddef.h>
#include <stdint.h>

/* Continue checksum 'crc' (0 to start) over 'len' bytes at 'p'. */
uint64_t crc64(uint64_t crc, const void *p, size_t len);

#endif
