/* Client sessions: one per client connection, owned by one worker. A
 * session reads requests into its input buffer, parses them in place
 * (lib/resp, inline commands too) and hands each to the router; replies
 * are written back strictly in request order (see request.h).
 *
 * Limits, from config.ini: at most session_max_pipeline requests in flight
 * and session_max_bufsize bytes of replies unwritten (beyond that the
 * session stops reading until replies drain: backpressure, as Codis 2,
 * so a client that does not read cannot make the proxy buffer without
 * end), one request at most session_max_request bytes (512 MB by
 * default, else an error and the connection closes; a big request is
 * buffered whole once, and its buffer given back after), idle sessions
 * closed after
 * session_max_timeout seconds. A protocol error is answered, then the
 * connection is closed once earlier replies are written. */
#ifndef CODIS_SESSION_H
#define CODIS_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "lib/resp.h"
#include "roles/proxy/pbuf.h"
#include "roles/proxy/request.h"

struct worker;
struct event;
struct pin;
struct proxysub;

/* One client connection. */
struct session {
    TAILQ_ENTRY(session) link;          /* worker->sessions */
    struct session *dirty_next;         /* worker's flush list */
    struct session *dead_next;          /* worker's list to free */
    struct worker *worker;
    int fd;
    struct event *rev;                  /* readable */
    struct event *wev;                  /* writable, while output waits */
    struct pbuf in;                     /* unparsed input */
    struct resp_request parser;         /* state of the request being read */
    struct pbuf out;                    /* replies not yet written */
    TAILQ_HEAD(, request) requests;     /* client requests, arrival order */
    size_t nrequests;
    size_t held;                        /* bytes of replies stored in
                                           requests, waiting for earlier
                                           ones */
    uint64_t id;                        /* unique in the process, from 1 */
    char *name;                         /* owned: HELLO SETNAME, or NULL */
    struct pin *pin;                    /* owned: transaction, WATCH,
                                           private connection (pin.h) */
    uint64_t last_active_ms;            /* last read, for the idle timeout */
    uint64_t start_ms;                  /* accepted (CLIENT LIST age) */
    int db;                             /* SELECTed database */
    bool authed;                        /* AUTH given (or none needed) */
    bool dirty;                         /* on the flush list */
    bool reading;                       /* 'rev' is added */
    bool closing;                       /* close once replies are written */
    bool closed;                        /* fd gone; freed after the loop */
    bool admin;                         /* AUTH admin <proxy_admin_auth>:
                                           may CONFIG SET / RESETSTAT */
    struct proxysub *pubsub;            /* subscriptions (proxysub.c),
                                           or NULL */
    uint32_t nsub, npsub;               /* its channels and patterns, for
                                           CLIENT LIST of other threads
                                           (aligned words, read racily) */
};

/* Held while a worker adds or removes a session of its list, closes its
 * socket or renames it, and while CLIENT LIST / KILL walk every worker's
 * list from another thread. */
extern pthread_mutex_t session_list_lock;

/* Start a session on the connected socket 'fd' in worker 'w' (which
 * takes 'fd'). Returns 0, or -1 (fd closed) on a libevent failure. */
int session_start(struct worker *w, int fd);

/* Set the name of 's' to the 'len' bytes at 'name' (a copy). Returns 0,
 * or -1 if a byte is not printable ASCII other than space (Redis's rule
 * for client names); an empty name clears it. */
int session_set_name(struct session *s, const char *name, size_t len);

/* The 'complete' function of a client request 'r' (request.h): its
 * reply 'p' ('n' bytes) is written now if 'r' heads its session's queue,
 * else kept; then every following finished reply is written. Takes 'r'
 * back to the pool once written, or at once if its client left. */
void session_reply(struct request *r, const char *p, size_t n);

/* Write out what 's' has buffered (called by the worker after each loop
 * turn); closes it if writing failed or it is done. */
void session_flush(struct session *s);

/* Close 's' now: the fd is closed, pending requests become orphans; the
 * struct is freed by session_free later (the worker does it after the
 * loop turn, so callers up the stack may still look at it). */
void session_close(struct session *s);

/* Free a closed session. */
void session_free(struct session *s);

/* Write the pushed value 'p' ('n' bytes, a pub/sub message) to 's'
 * after the replies still due to it. */
void session_push(struct session *s, const char *p, size_t n);

/* Mark 's' to close once every reply before now is written. */
void session_quit(struct session *s);

#endif
