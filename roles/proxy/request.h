/* Requests in flight inside the proxy, and how their replies find their
 * way back in order.
 *
 *   client ──► session.requests: r1 ─ r2 ─ r3      (arrival order)
 *                  │                │    │
 *                  ▼                ▼    ▼
 *   backend A.inflight: r1, r3     backend B.inflight: r2
 *
 * A backend answers its inflight requests in FIFO order (Redis does), so
 * each reply belongs to the head of that backend's queue. A client
 * request whose reply arrives while it heads its session's queue goes
 * straight to the client's output; one that finishes early keeps its reply
 * until every request before it has been answered. Split commands
 * (multikey.c) are a parent client request plus one sub-request per part;
 * the parent completes when its last part does.
 *
 * Whoever makes a request says, once, what its reply is for: the
 * request's 'complete' function, given to request_get. request_reply
 * calls it and knows nothing of the makers (session, router, multikey,
 * ...): this file includes none of them. A request also carries what its
 * hops need to know about it (session or parent, command, db, arrival
 * time, id); its worker is only the thread's services (pool, scratch
 * buffers, event base, routes).
 *
 * The path of a GET, file by file:
 *   session.c  session_on_read reads the socket; session_process_input
 *              cuts one request (lib/resp) and calls router_dispatch
 *   router.c   router_dispatch makes the client request (complete:
 *              session_reply), checks it (online, AUTH, arity);
 *              router_keys finds the slot (replica.c may pick a slave),
 *              router_forward the slot's backend
 *   backend.c  backend_send queues the bytes on that connection; after
 *              the loop turn worker.c's worker_flush calls backend_flush
 *   backend.c  backend_on_read cuts one reply (lib/resp), takes the head
 *              of the connection's inflight queue, calls request_reply
 *   request.c  request_reply calls r->complete, here session_reply
 *   session.c  session_reply appends the reply in request order (or
 *              keeps it until those before it are answered); after the
 *              turn worker_flush calls session_flush, which writes it
 * An MGET over keys of several slots takes the same road with one turn:
 *   router.c   router_dispatch sees a split command: multikey_split
 *   multikey.c multikey_split makes one part per key (request_new_part,
 *              complete: multikey_on_part) and router_forwards each
 *   backend.c  as above, for each part, in each part's backend
 *   multikey.c multikey_on_part keeps the value; the last part's call
 *              builds the array (multikey_finish) and calls request_reply
 *              on the parent: session_reply, as above.
 *
 * Requests come from a per-worker pool and keep their buffers when
 * recycled, so steady traffic allocates nothing. When a client goes away,
 * its requests still in a backend's queue become orphans (session NULL):
 * their replies are read and dropped. */
#ifndef CODIS_REQUEST_H
#define CODIS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "roles/proxy/pbuf.h"

struct session;
struct backend;
struct worker;
struct cmdspec;
struct evbuffer;
struct request;

/* What a request is for. The kind names the request in debug logs and
 * lets a few places tell a client's own request from the proxy's; what
 * happens to its reply is its 'complete' function, set by the file that
 * makes requests of that kind (named here). */
enum request_kind {
    REQUEST_CLIENT, /* a client's command: session_reply (session.c)
                       writes the reply to the client */
    REQUEST_SUB,    /* part of a split command (multikey.c): reply goes
                       to 'parent' */
    REQUEST_MGRT,   /* SLOTSMGRTTAGONE before 'parent' may go ahead
                       (router.c) */
    REQUEST_WRAP,   /* 'parent' wrapped in SLOTSMGRT-EXEC-WRAPPER, sent to
                       the source of a semi-async migrating slot
                       (router.c) */
    REQUEST_PING,   /* keep-alive (backend.c), or a command whose reply is
                       not wanted (pin.c): request_drop */
    REQUEST_AUTH,   /* backend AUTH (backend.c): an error is logged */
    REQUEST_SELECT, /* backend SELECT (backend.c): an error takes the
                       connection down (what follows would run in the
                       wrong db) */
    REQUEST_SCAN,   /* the SCAN sent for a client's SCAN 'parent'
                       (keyscan.c): the reply's cursor is rewritten */
    REQUEST_DBCHECK, /* SELECT <databases - 1> on a new connection
                        (backend.c): until it is answered nothing else is
                        written */
    REQUEST_REPLINFO, /* INFO replication to a master: its slaves' health
                         (replica.c) */
    REQUEST_FANOUT, /* part of a command the proxy sends to every master
                       (fanout.c): reply goes to 'parent' */
};

/* What to do with the reply 'p' ('n' bytes, one whole RESP value, valid
 * for the call only) of request 'r'. It owns 'r' from then on: it puts it
 * back in the pool (request_put), keeps it, or hands it on. */
typedef void (*request_complete_fn)(struct request *r, const char *p,
                                    size_t n);

/* A worker's free requests and the buffers request.c borrows from it. */
struct request_pool {
    struct request *free;            /* recycled requests */
    struct worker *worker;           /* the owner, set on each request */
    struct evbuffer *scratch;        /* the worker's scratch (borrowed):
                                        error replies are built here */
};

/* One request. */
struct request {
    TAILQ_ENTRY(request) queue;      /* session->requests (client kind) */
    TAILQ_ENTRY(request) wait;       /* worker->waiting (locked slot) */
    STAILQ_ENTRY(request) inflight;  /* backend->inflight */
    struct request *next;            /* pool link; next part of a split */
    struct request_pool *pool;       /* where it goes back */
    struct worker *worker;           /* its thread: scratch, event base,
                                        routes (never its own state) */
    enum request_kind kind;
    request_complete_fn complete;    /* takes the reply (request_reply) */

    /* What the hops need to know about it, set when it is made. */
    struct session *session;         /* client kind; NULL once orphaned */
    struct request *parent;          /* the request a part or a helper
                                        request (mgrt, wrap, scan) is for */
    const struct cmdspec *cmd;
    int db;                          /* database it runs in (the session's
                                        SELECT when it arrived) */
    uint64_t start_us;               /* arrival (worker_turn_usec), for
                                        command timing; a part's is its
                                        parent's */
    uint64_t id;                     /* for debug logs ("req <id>"),
                                        unique per proxy; a part has its
                                        parent's, the proxy's own 0 */
    struct backend *backend;         /* the connection it was last queued
                                        on (backend_send) */

    /* Its progress. */
    struct request *first_sub;       /* split parent: parts in order */
    struct request *last_sub;
    struct backend *target;          /* where to go after SLOTSMGRTTAGONE
                                        or a wrapper's "not here" */
    bool done;                       /* 'reply' holds the final reply */
    bool failed;                     /* a part failed: 'reply' has why */
    bool waiting;                    /* on worker->waiting */
    bool counted;                    /* in its worker's sent counts */
    bool joined;                     /* ALL split: parts gave arrays, their
                                        elements are joined ('sum' counts
                                        them) */
    uint64_t table_version;          /* table it was sent to a backend by */
    uint32_t pending;                /* parts or SLOTSMGRTTAGONEs to go */
    uint32_t group;                  /* SCAN: address index scanned */
    uint32_t tries;                  /* backends an any-backend command
                                        (TIME) was sent to */
    long long sum;                   /* merged integer of a split */
    struct pbuf reply;               /* stored reply, or a part's value */
    struct pbuf saved;               /* request bytes kept for later */
    /* fan-out parent (fanout.c): builds its reply from the parts */
    void (*merge)(struct request *r, struct pbuf *out);
};

/* A request of 'kind' from 'pool', zeroed but for its buffers (empty),
 * whose reply goes to 'complete'. */
struct request *request_get(struct request_pool *pool, enum request_kind kind,
                            request_complete_fn complete);

/* A request of 'kind' for request 'r' (a helper request, or a part),
 * from r's pool, whose reply goes to 'complete'; it inherits the command,
 * db, arrival time and id of 'r'. Not linked to 'r' but by 'parent'. */
struct request *request_child(struct request *r, enum request_kind kind,
                              request_complete_fn complete);

/* request_child, linked after the other parts of 'r' (a split's or a
 * fan-out's), which request_put returns with it. */
struct request *request_new_part(struct request *r, enum request_kind kind,
                                 request_complete_fn complete);

/* Return 'r' (and the parts of a split) to its pool. */
void request_put(struct request *r);

/* Return the parts of 'r' to the pool, keeping 'r' (whose reply the
 * parts' replies were merged into). */
void request_put_parts(struct request *r);

/* Free every request of 'pool' (at worker exit). */
void request_pool_release(struct request_pool *pool);

/* Deliver the reply 'p' ('n' bytes, one whole RESP value) of request 'r'
 * to its 'complete' function. */
void request_reply(struct request *r, const char *p, size_t n);

/* A 'complete' function for a request whose reply is not wanted: puts
 * 'r' back. */
void request_drop(struct request *r, const char *p, size_t n);

/* Fail 'r' with an error reply "-ERR <text>" (code added unless the text
 * has its own, CR/LF removed). */
void request_fail(struct request *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Deliver a reply written with lib/resp writers into the pool's scratch
 * evbuffer (worker->scratch), then empty it. */
void request_reply_scratch(struct request *r);

/* For debug logs: "" for a client's request, else " (<kind>)". */
const char *request_label(const struct request *r);

#endif
