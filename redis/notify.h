/* Keyspace notifications (notify.c): the classes of events that
 * notify-keyspace-events selects, and the call every command makes after
 * it changed a key. */
#ifndef CODIS_NOTIFY_H
#define CODIS_NOTIFY_H

#include <stddef.h>

struct arg;

/* Event classes; a command's event belongs to exactly one. The letters
 * are those of notify-keyspace-events. */
#define NOTIFY_KEYSPACE (1u << 0) /* K: publish on __keyspace@<db>__:<key> */
#define NOTIFY_KEYEVENT (1u << 1) /* E: publish on __keyevent@<db>__:<event> */
#define NOTIFY_GENERIC (1u << 2)  /* g: DEL, EXPIRE, RENAME ... */
#define NOTIFY_STRING (1u << 3)   /* $ */
#define NOTIFY_LIST (1u << 4)     /* l */
#define NOTIFY_SET (1u << 5)      /* s */
#define NOTIFY_HASH (1u << 6)     /* h */
#define NOTIFY_ZSET (1u << 7)     /* z */
#define NOTIFY_EXPIRED (1u << 8)  /* x: a key reached its expiry */
#define NOTIFY_EVICTED (1u << 9)  /* e: maxmemory removed a key */
#define NOTIFY_STREAM (1u << 10)  /* t */
#define NOTIFY_KEY_MISS (1u << 11) /* m: a read found no key */
#define NOTIFY_MODULE (1u << 12)  /* d: module events (none here) */
#define NOTIFY_NEW (1u << 13)     /* n: a key was added */
/* A: every class but m and n. */
#define NOTIFY_ALL (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | \
                    NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | \
                    NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE)

/* Publish event 'event' of class 'type' (NOTIFY_*) about 'key' ('len'
 * bytes) of database 'dbid', on the channels notify-keyspace-events
 * enables; nothing if the class is off. */
void notify_event(unsigned type, const char *event, const char *key,
                  size_t len, int dbid);

/* notify_event for a key given as a command argument. */
void notify_arg(unsigned type, const char *event, const struct arg *key,
                int dbid);

/* Parse notify-keyspace-events letters ('len' bytes) into '*flags'.
 * Returns 0, or -1 for an unknown letter. */
int notify_parse_flags(const char *s, size_t len, unsigned *flags);

/* The letters of 'flags' in Redis's order, as a new sds string. */
char *notify_flags_string(unsigned flags);

#endif
