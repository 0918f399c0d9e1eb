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
 * Requests come from a per-worker pool and keep their buffers when
 * recycled, so steady traffic allocates nothing. When a client goes away,
 * its requests still in a backend's queue become orphans: their replies
 * are read and dropped. */
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

/* What a request is for, which says what to do with its reply. */
enum request_kind {
    REQUEST_CLIENT, /* a client's command: reply goes to the client */
    REQUEST_SUB,    /* part of a split command: reply goes to 'parent' */
    REQUEST_MGRT,   /* SLOTSMGRTTAGONE before 'parent' may go ahead */
    REQUEST_WRAP,   /* 'parent' wrapped in SLOTSMGRT-EXEC-WRAPPER, sent to
                       the source of a semi-async migrating slot */
    REQUEST_PING,   /* keep-alive: reply ignored */
    REQUEST_AUTH,   /* backend AUTH: an error is logged */
    REQUEST_SELECT, /* backend SELECT or HELLO (protocol switch): an error
                       takes the connection down (what follows would
                       run in the wrong db or protocol) */
    REQUEST_SCAN,   /* a client's SCAN: the reply's cursor is rewritten
                       (keyscan_done), then it is a client reply */
    REQUEST_DBCHECK, /* SELECT <databases - 1> on a new connection: until
                        it is answered nothing else is written */
    REQUEST_REPLINFO, /* INFO replication to a master: its slaves' health
                         (replica.c) */
    REQUEST_FANOUT, /* part of a command the proxy sends to every master
                       (fanout.c): reply goes to 'parent' */
};

/* One request. */
struct request {
    TAILQ_ENTRY(request) queue;      /* session->requests (client kind) */
    TAILQ_ENTRY(request) wait;       /* worker->waiting (locked slot) */
    STAILQ_ENTRY(request) inflight;  /* backend->inflight */
    struct request *next;            /* pool link; next part of a split */
    struct worker *worker;
    struct session *session;         /* client kind; NULL once orphaned */
    struct request *parent;          /* sub and mgrt kinds */
    struct request *first_sub;       /* split parent: parts in order */
    struct request *last_sub;
    struct backend *target;          /* where to go after SLOTSMGRTTAGONE
                                        or a wrapper's "not here" */
    const struct cmdspec *cmd;
    enum request_kind kind;
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
    int db;                          /* database it runs in (the session's
                                        SELECT when it arrived) */
    int proto;                       /* RESP version its reply must come
                                        in (the session's HELLO: 2 or 3);
                                        0: either (internal requests whose
                                        reply reads the same in both) */
    uint32_t tries;                  /* backends an any-backend command
                                        (TIME) was sent to */
    long long sum;                   /* merged integer of a split */
    uint64_t start_us;               /* arrival, for command timing */
    uint64_t id;                     /* client kind: for debug logs
                                        ("req <id>"), unique per proxy */
    struct pbuf reply;               /* stored reply, or a part's value */
    struct pbuf saved;               /* request bytes kept for later */
    /* fan-out parent (fanout.c): builds its reply from the parts */
    void (*merge)(struct request *r, struct pbuf *out);
};

/* A request from 'w's pool, zeroed but for its buffers (empty). */
struct request *request_get(struct worker *w, enum request_kind kind);

/* A new part of 'r' of 'kind' (a split's or a fan-out's), from 'w's pool,
 * linked after the others; it inherits the command and the db. */
struct request *request_new_part(struct worker *w, struct request *r,
                                 enum request_kind kind);

/* Return 'r' (and the parts of a split) to its worker's pool. */
void request_put(struct request *r);

/* Free every pooled request of 'w' (at worker exit). */
void request_pool_release(struct worker *w);

/* Deliver the reply 'p' ('n' bytes, one whole RESP value) of request 'r'
 * according to its kind. The bytes are copied if they must wait. */
void request_reply(struct request *r, const char *p, size_t n);

/* Fail 'r' with an error reply "-ERR <text>" (code added unless the text
 * has its own, CR/LF removed). */
void request_fail(struct request *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Deliver a reply written with lib/resp writers into the worker's scratch
 * evbuffer (worker->scratch), then empty it. */
void request_reply_scratch(struct request *r);

#endif
