/* Key to slot mapping, identical to Codis: slot = crc32(key or its {tag})
 * % 1024, with CRC-32/IEEE (the zlib CRC). The proxy routes with it and the
 * server indexes keys with it, so both must agree byte for byte. */
#ifndef CODIS_SLOT_H
#define CODIS_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLOT_COUNT 1024

/* CRC-32/IEEE of 'len' bytes at 'data' (init and final xor 0xFFFFFFFF). */
uint32_t slot_crc32(const void *data, size_t len);

/* The bytes of 'key' that are hashed: the text strictly between the first
 * '{' and the first '}' after it, if both exist (possibly empty), else the
 * whole key. Sets '*tag' and '*tag_len' (a view into 'key') and returns
 * true when the key has such a tag. */
bool slot_tag(const char *key, size_t len, const char **tag,
              size_t *tag_len);

/* The slot of 'key' (0..1023). An empty key is slot 0. */
unsigned slot_of_key(const char *key, size_t len);

/* The crc32 of the hashed part of 'key' (see slot_tag). */
uint32_t slot_key_crc(const char *key, size_t len);

#endif
