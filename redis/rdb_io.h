/* Internal to the RDB code (rdb.c, rdb_value.c, rdb_blob.c): the stream
 * writer and reader and the primitive encodings, so each value type can
 * be written and read by one function pair in rdb_value.c. Not for use
 * outside RDB persistence; the public API is rdb.h. */
#ifndef CODIS_RDB_IO_H
#define CODIS_RDB_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct object;

/* Value type bytes (the first byte of each key's record). */
enum rdb_type {
    RDB_TYPE_STRING = 0,
    RDB_TYPE_LIST = 1,
    RDB_TYPE_SET = 2,
    RDB_TYPE_ZSET = 3,
    RDB_TYPE_HASH = 4,
    RDB_TYPE_ZSET_2 = 5,
    RDB_TYPE_HASH_ZIPMAP = 9,
    RDB_TYPE_LIST_ZIPLIST = 10,
    RDB_TYPE_SET_INTSET = 11,
    RDB_TYPE_ZSET_ZIPLIST = 12,
    RDB_TYPE_HASH_ZIPLIST = 13,
    RDB_TYPE_LIST_QUICKLIST = 14,
    RDB_TYPE_STREAM_LISTPACKS = 15,
    RDB_TYPE_HASH_LISTPACK = 16,
    RDB_TYPE_ZSET_LISTPACK = 17,
    RDB_TYPE_LIST_QUICKLIST_2 = 18,
    RDB_TYPE_STREAM_LISTPACKS_2 = 19,
    RDB_TYPE_SET_LISTPACK = 20,
};

/* A writer: bytes accumulate in 'buf' (an sds string); with an fd they
 * are flushed there in 64 KiB pieces and checksummed as they go. */
struct rdb_out {
    int fd;       /* -1: keep everything in 'buf' */
    char *buf;    /* owned sds */
    uint64_t crc; /* CRC-64 of the bytes flushed so far */
    bool failed;  /* a write failed (errno kept) */
};

void rdb_out_init(struct rdb_out *w, int fd);
void rdb_out_release(struct rdb_out *w);
void rdb_out_write(struct rdb_out *w, const void *p, size_t len);
void rdb_out_byte(struct rdb_out *w, uint8_t b);
/* A length in the 1/2/5/9-byte encoding. */
void rdb_out_len(struct rdb_out *w, uint64_t len);
/* A string: integer-encoded if it is a small canonical integer, LZF
 * compressed if long and compressible, else length + bytes. */
void rdb_out_string(struct rdb_out *w, const char *s, size_t len);
/* An integer, as a string. */
void rdb_out_ll(struct rdb_out *w, long long v);

/* A reader over memory or over an fd (buffered, never past 'left'). */
struct rdb_in {
    int fd;                     /* -1: reading 'data' only */
    const uint8_t *data;        /* the bytes (memory, or 'buf') */
    size_t len;                 /* bytes in 'data' */
    size_t pos;                 /* next byte to consume */
    size_t crc_pos;             /* bytes of 'data' already checksummed */
    uint8_t *buf;               /* owned read buffer (fd mode) */
    long long left;             /* bytes still to read from fd; -1: EOF */
    long long consumed_before;  /* bytes read from the fd so far */
    uint64_t crc;               /* CRC-64 of bytes before crc_pos */
    char err[256];              /* what went wrong first */
};

void rdb_in_init_mem(struct rdb_in *r, const void *p, size_t len);
/* Record the first error (printf style). Returns -1. */
int rdb_in_fail(struct rdb_in *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int rdb_in_read(struct rdb_in *r, void *dst, size_t n);
int rdb_in_byte(struct rdb_in *r, uint8_t *b);
/* A length; rdb_in_len_enc also accepts the string encodings (then
 * '*encoded' is set and '*len' is the RDB_ENC_* code). */
int rdb_in_len(struct rdb_in *r, uint64_t *len);
int rdb_in_len_enc(struct rdb_in *r, uint64_t *len, bool *encoded);
/* A string in any encoding, as an owned sds string, or NULL. */
char *rdb_in_string(struct rdb_in *r);
/* True if 'n' more bytes can be in the stream (guards allocations). */
bool rdb_in_may_hold(const struct rdb_in *r, uint64_t n);

/* rdb_value.c: the type byte 'o' is written with, its value, and the
 * reading of a value of type byte 'type' (a new object, or NULL with
 * r->err filled). */
uint8_t rdb_value_type(const struct object *o);
void rdb_value_save(struct rdb_out *w, const struct object *o);
struct object *rdb_value_load(struct rdb_in *r, uint8_t type);
/* rdb_stream.c: a stream value (type STREAM_LISTPACKS_2); reading takes
 * both stream types ('v2': the 7.0 one). */
void rdb_stream_save(struct rdb_out *w, const struct object *o);
struct object *rdb_stream_load(struct rdb_in *r, bool v2);
/* True if container 'o' has no elements (Redis skips such keys). */
bool rdb_value_is_empty(const struct object *o);

#endif
