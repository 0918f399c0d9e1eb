/* Readers of the compact encodings Redis stores whole inside RDB strings:
 * ziplist, listpack, intset and zipmap. Each walks a blob with bounds
 * checks on every byte and hands each element, integers turned into
 * decimal text, to a callback, so rdb_value.c can build any type from any
 * of them (our own listpacks are saved as they are: listpack.h). Knows
 * nothing of the server. */
#ifndef CODIS_RDB_BLOB_H
#define CODIS_RDB_BLOB_H

#include <stddef.h>

/* Called with each element in order; non-zero stops the walk and is
 * returned. 'p' is valid during the call only. */
typedef int (*rdb_blob_fn)(void *priv, const char *p, size_t len);

/* Walk the 'len'-byte blob at 'blob'. Each returns 0, the callback's
 * non-zero value, or -1 if the blob is malformed. For zipmaps the
 * elements alternate field, value. */
int rdb_blob_ziplist(const void *blob, size_t len, rdb_blob_fn fn,
                     void *priv);
int rdb_blob_listpack(const void *blob, size_t len, rdb_blob_fn fn,
                      void *priv);
int rdb_blob_intset(const void *blob, size_t len, rdb_blob_fn fn,
                    void *priv);
int rdb_blob_zipmap(const void *blob, size_t len, rdb_blob_fn fn,
                    void *priv);

#endif
