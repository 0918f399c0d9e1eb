/* A growable byte buffer for the proxy's hot path: client and backend
 * input and output, saved requests and stored replies. Bytes live in
 * data[start, len); consuming moves 'start', appending reuses the space
 * before it when that avoids growing. A buffer is reused for the life of
 * its owner, so steady traffic allocates nothing. Not thread-safe: each
 * buffer belongs to one worker. */
#ifndef CODIS_PBUF_H
#define CODIS_PBUF_H

#include <stddef.h>
#include <sys/types.h>

/* The buffer; all zero is a valid empty buffer. */
struct pbuf {
    char *data;   /* owned, 'cap' bytes, or NULL */
    size_t start; /* first unconsumed byte */
    size_t len;   /* end of the bytes held */
    size_t cap;
};

/* Free the storage of 'b' and make it empty. */
void pbuf_release(struct pbuf *b);

/* Bytes held. */
static inline size_t pbuf_size(const struct pbuf *b)
{
    return b->len - b->start;
}

/* The first held byte (valid until the next call that changes 'b'). */
static inline char *pbuf_head(const struct pbuf *b)
{
    return b->data + b->start;
}

/* Make room for 'n' more bytes after the held ones, moving the held bytes
 * to the front or growing; returns where to write them. */
char *pbuf_reserve(struct pbuf *b, size_t n);

/* Append 'n' bytes at 'p' (which must not point into 'b'). */
void pbuf_append(struct pbuf *b, const void *p, size_t n);

/* Append a RESP header: 'type' ('*', '$', ':' ...) and the number 'n',
 * then CRLF. */
void pbuf_append_head(struct pbuf *b, char type, size_t n);

/* Append 'p' ('n' bytes) as a RESP bulk string: "$<n>\r\n<p>\r\n". */
void pbuf_append_bulk(struct pbuf *b, const void *p, size_t n);

/* Drop the first 'n' held bytes. */
void pbuf_consume(struct pbuf *b, size_t n);

/* Drop everything; storage above 'keep' bytes is freed. */
void pbuf_clear(struct pbuf *b, size_t keep);

/* Give back storage above 'keep' bytes when at most 'keep' bytes are
 * held (after a huge request or reply passed through), moving the held
 * bytes to a smaller allocation. */
void pbuf_shrink(struct pbuf *b, size_t keep);

/* read(2) up to 'max' bytes from 'fd' onto the end of 'b'. Returns what
 * read returned. */
ssize_t pbuf_read(struct pbuf *b, int fd, size_t max);

/* write(2) the held bytes to 'fd' and consume what was written. Returns
 * what write returned. */
ssize_t pbuf_write(struct pbuf *b, int fd);

#endif
