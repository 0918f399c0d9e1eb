/* LZF, the small LZ77 compressor whose format Redis uses for long strings
 * in RDB files. Our own implementation of the format:
 *
 *   000LLLLL <L+1 literal bytes>          a run of 1..32 literals
 *   LLLooooo oooooooo                     back reference, L in 1..6:
 *                                         copy L+2 bytes from offset o+1
 *   111ooooo LLLLLLLL oooooooo            long back reference:
 *                                         copy L+9 bytes from offset o+1
 *
 * Offsets reach 8 KiB back, matches are 3..264 bytes. Knows nothing of the
 * server. */
#ifndef CODIS_LZF_H
#define CODIS_LZF_H

#include <stddef.h>

/* Compress 'in_len' bytes at 'in' into 'out' ('out_cap' bytes). Returns
 * the compressed length, or 0 if it does not fit in 'out_cap' (so callers
 * pass the largest size worth keeping). */
size_t lzf_compress(const void *in, size_t in_len, void *out, size_t out_cap);

/* Decompress 'in_len' bytes at 'in' into 'out' ('out_cap' bytes). Returns
 * the decompressed length, or 0 if the input is malformed or the output
 * does not fit. */
size_t lzf_decompress(const void *in, size_t in_len, void *out,
                      size_t out_cap);

#endif
