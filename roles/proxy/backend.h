/* Backend connections: one per backend address per worker, carrying
 * every request of that worker's clients for that address, pipelined.
 * Requests are written in order and their replies matched FIFO with
 * lib/resp's reply scanner.
 *
 * States: idle ─► connecting ─► ready ─► down ─► (connecting on the next
 * request or tick, after a short delay). A connection that fails (refused,
 * reset, timed out, bad reply) answers each of its pending requests with
 * an error, in order, and requests that arrive while it is down are
 * answered with an error at once: a dead backend never hangs a client.
 * Idle connections get a PING every backend_ping_period seconds. With a
 * product_auth, AUTH is the first command on each new connection.
 *
 * Databases: every request carries the db its session SELECTed. The
 * connection remembers which db its queued requests leave selected and
 * puts a SELECT before a request of another db (one connection serves
 * every db; sessions of db 0 pay nothing). Since pipelined requests run
 * even when the SELECT before them fails, a new connection first checks
 * that the server has every db the proxy serves: "SELECT <n-1>" then
 * "SELECT 0", and nothing else is written until that is answered (one
 * round trip per connect). A refusal takes the connection down and fails
 * what waits, unsent: no request ever runs in the wrong db.
 *
 * Protocols, the same way: every request carries the RESP version its
 * session chose with HELLO (internal ones may say "either"), and a
 * "HELLO 2" or "HELLO 3" goes before a request of the other version; a
 * refused HELLO takes the connection down. So one connection per address
 * still serves every session, RESP2 sessions pay nothing, and a worker
 * whose RESP2 and RESP3 clients alternate pays one pipelined HELLO (no
 * round trip) per switch. Pinned connections (pin.c) are backends too and
 * switch the same way, before MULTI, never inside a transaction.
 *
 * When no slot of the worker's table uses an address any more, its
 * connection is closed as soon as nothing is pending on it
 * (backend_close_unused); it goes back to idle and dials again only if a
 * later request is sent to it. If it does not answer what is pending for
 * a second (a failed-over master that is stopped), the pending requests
 * fail at once: its late replies must not acknowledge writes the new
 * master never got. */
#ifndef CODIS_BACKEND_H
#define CODIS_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "lib/resp.h"
#include "roles/proxy/pbuf.h"
#include "roles/proxy/request.h"

struct worker;
struct event;
struct metrics_backend;

/* Connection state. */
enum backend_state {
    BACKEND_IDLE,       /* never connected */
    BACKEND_CONNECTING, /* connect(2) in progress; output queues */
    BACKEND_READY,
    BACKEND_DOWN,       /* failed; retried after 'retry_ms' */
};

/* One connection to one backend address. */
struct backend {
    struct backend *next;            /* worker->backends */
    struct backend *dirty_next;      /* worker's flush list */
    struct worker *worker;
    char *addr;                      /* "host:port", owned */
    char host[256];
    int port;
    int fd;
    struct event *rev;
    struct event *wev;
    struct event *timer;             /* connect timeout */
    enum backend_state state;
    struct pbuf in;
    struct resp_scanner scan;
    struct pbuf out;
    STAILQ_HEAD(, request) inflight; /* sent or queued, awaiting a reply */
    size_t ninflight;
    int db;                          /* database the queued requests leave
                                        selected (0 on a new connection) */
    int proto;                       /* RESP version they leave it
                                        speaking (2 on a new connection) */
    uint64_t retry_ms;               /* when down: earliest redial */
    uint64_t last_read_ms;           /* last reply bytes, for the timeout */
    uint64_t busy_since_ms;          /* when 'ninflight' last left 0 */
    uint64_t last_ping_ms;
    uint64_t connects;               /* dials so far (a new connection
                                        loses server-side state: WATCH) */
    bool dirty;
    bool used;                       /* a slot of the worker's current
                                        table owns or migrates from it */
    bool writing;                    /* 'wev' is added */
    bool checking;                   /* the db check is unanswered: only
                                        the first 'gate' bytes of 'out'
                                        may be written */
    size_t gate;
    struct metrics_backend *metrics; /* counters of its address (shared
                                        by the workers; metrics.h) */
    bool replica;                    /* a slave of a slot's group in the
                                        current table (kept, not 'used') */
    bool replica_ok;                 /* as a slave: online, lag under the
                                        bound at the last check */
    uint64_t replica_seen_ms;        /* when its master last said so */
    uint64_t replica_poll_ms;        /* as a master: last INFO sent */
    char last_err[160];              /* why it went down */
};

/* A backend for 'addr' in worker 'w', not yet connected. Owned by 'w'. */
struct backend *backend_new(struct worker *w, const char *addr);

/* Close 'b' for good: pending requests fail, and so will new ones. */
void backend_stop(struct backend *b);

/* Close and free 'b': pending requests fail. */
void backend_free(struct backend *b);

/* Queue request 'r' whose wire bytes are 'p' ('n' bytes) on 'b'. If 'b'
 * is down (and not yet due for a redial), 'r' fails at once. */
void backend_send(struct backend *b, struct request *r, const void *p,
                  size_t n);

/* Close the connection of 'b' if it has one and no request is pending
 * on it, returning it to idle (for a backend no slot uses any more). */
void backend_close_unused(struct backend *b);

/* Write queued output (called by the worker after each loop turn). */
void backend_flush(struct backend *b);

/* Once a second: PING when idle for backend_ping_period, redial when down
 * and due, fail a connection that has not answered for too long. */
void backend_tick(struct backend *b, uint64_t now_ms);

/* "ready", "connecting", "down" or "idle". */
const char *backend_state_name(enum backend_state state);

#endif
