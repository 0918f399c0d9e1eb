/* What the stream commands of t_stream.c and t_stream_group.c share:
 * argument parsing, replies of ids and entries, and the propagation of
 * consumer group changes in Redis's forms. Internal to those two files. */
#ifndef CODIS_T_STREAM_H
#define CODIS_T_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arg;
struct client;
struct stream;
struct stream_consumer;
struct stream_entry;
struct stream_group;
struct stream_id;
struct stream_nack;

#define STREAM_ID_STR 48 /* "ms-seq" and a NUL */

/* Flags of stream_reply_range. */
#define STREAM_RWR_NOACK (1u << 0)   /* group read without PEL entries */
#define STREAM_RWR_RAW (1u << 1)     /* entries only, no array header */

/* Parse stream id 'a': "-", "+" (unless 'strict'), "ms", "ms-seq", or
 * with 'seq_given' also "ms-*" ('*seq_given' false). A missing seq is
 * 'missing_seq'. With a client (not NULL), replies Redis's error.
 * Returns 0 / -1. */
int stream_parse_id(struct client *c, const struct arg *a,
                    struct stream_id *id, uint64_t missing_seq, bool strict,
                    bool *seq_given);

/* Parse interval bounds 'sa' and 'ea' (may be NULL) into inclusive ids:
 * "(id" is exclusive. Replies Redis's error and returns -1 on a bad one. */
int stream_parse_range(struct client *c, const struct arg *sa,
                       const struct arg *ea, struct stream_id *start,
                       struct stream_id *end);

/* Reply an id as a bulk string; an entry as [id, [field, value ...]]. */
void stream_reply_id(struct client *c, const struct stream_id *id);
void stream_reply_entry(struct client *c, const struct stream_entry *e);

/* The stream at 'key' for reading: NULL after replying 'miss' (raw RESP)
 * or WRONGTYPE. Borrowed. */
struct stream *stream_lookup_read(struct client *c, const struct arg *key,
                                  const char *miss);

/* The stream at 'key' without stats or replies; '*wrong' tells another
 * type. Borrowed, or NULL. */
struct stream *stream_peek(struct client *c, const struct arg *key,
                           bool *wrong);

/* Propagate a delivery or claim of 'nk' as XCLAIM key group consumer 0 id
 * TIME ms RETRYCOUNT n FORCE JUSTID LASTID group-last-id; and a group's
 * position as XGROUP SETID key group id ENTRIESREAD n. */
void stream_propagate_claim(struct client *c, const struct arg *key,
                            const struct stream_group *g,
                            const struct stream_nack *nk);
void stream_propagate_group_id(struct client *c, const struct arg *key,
                               const struct stream_group *g);

/* Consumer 'name' of 'g', created if new (propagated as XGROUP
 * CREATECONSUMER with 'propagate'); its seen time becomes now. Borrowed. */
struct stream_consumer *stream_consumer_get(struct client *c,
                                            const struct arg *key,
                                            struct stream_group *g,
                                            const char *name, size_t len,
                                            bool propagate);

/* Reply the entries from 'start' to 'end' (NULL: the ends), at most
 * 'count' (0: all), reversed with 'rev'. With group 'g' and consumer
 * 'cn': a group read of new entries (PEL, last id, propagation for
 * 'key'). STREAM_RWR_* 'flags'. Returns the entries replied. */
size_t stream_reply_range(struct client *c, struct stream *s,
                          const struct stream_id *start,
                          const struct stream_id *end, long long count,
                          bool rev, struct stream_group *g,
                          struct stream_consumer *cn, unsigned flags,
                          const struct arg *key);

#endif
