/* Readers of the compact encodings Redis stores whole inside RDB strings:
 * ziplist, listpack, intset and zipmap. Each walks a blob with bounds
 * checks on every byte and hands each element, integers turned into
 * decimal text, to a callback, so rdb_value.c can build any type from any
 * of them. And a writer of Redis's listpack, so small values are saved
 * in Redis 7's compact RDB types. Knows nothing of the server. */
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

/* A Redis listpack being written: rdb_blob_lp_init, rdb_blob_lp_add per
 * element (canonical integers stored as integers, as Redis does), then
 * rdb_blob_lp_finish. */
struct rdb_blob_lp {
    unsigned char *buf; /* header, entries; owned */
    size_t len;         /* bytes used */
    size_t cap;         /* bytes allocated */
    size_t count;       /* entries */
};

void rdb_blob_lp_init(struct rdb_blob_lp *lp);
void rdb_blob_lp_add(struct rdb_blob_lp *lp, const char *p, size_t len);

/* Write the header and end byte; the blob is lp->buf, lp->len bytes,
 * owned by the caller (mem_free). */
void rdb_blob_lp_finish(struct rdb_blob_lp *lp);

#endif
