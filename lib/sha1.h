/* SHA-1 (FIPS 180-4) of a byte string, as hex: what script caches are
 * keyed by (EVALSHA, SCRIPT LOAD, redis.sha1hex). Not for security. */
#ifndef CODIS_SHA1_H
#define CODIS_SHA1_H

#include <stddef.h>

/* Write the 40 lowercase hex digits of SHA-1('len' bytes at 'p') and a
 * NUL into 'out' (41 bytes). */
void sha1_hex(const void *p, size_t len, char out[41]);

#endif
