/* Session pins: what makes one client session hold a backend connection
 * of its own, apart from the worker's shared pipelined ones, and the
 * transaction state that goes with it.
 *
 * Transactions (MULTI ... EXEC / DISCARD). The proxy queues the commands
 * itself: each is checked (known, arity, not refused, keys in the
 * transaction's one slot) and answered +QUEUED, or answered with an error
 * that dooms the transaction (-CROSSSLOT for a key of another slot, as
 * Redis Cluster says), so EXEC then answers -EXECABORT as Redis does.
 * At EXEC the whole block, MULTI + commands + EXEC, is written at once to
 * the slot master's connection (the session's pinned one when it
 * WATCHes, else the shared one: bytes written in one go stay together on
 * a pipelined connection, so nothing of another client gets in between).
 * The backend's +OK and +QUEUED replies are dropped; the client gets
 * the EXEC reply, byte for byte the server's. A slot that is migrating
 * or locked at EXEC time is never written to: EXEC fails with
 * -EXECABORT and nothing runs.
 *
 * Of the commands the proxy answers itself, PING, ECHO and SELECT are
 * queued like the others and answered by the server inside EXEC's array
 * (a SELECT changes the db of the queued commands after it, and the
 * session's db once EXEC is sent; one of a db the proxy does not serve
 * is sent as "SELECT -1", so it fails inside EXEC as Redis fails it).
 * Those answered from every group (INFO, DBSIZE, KEYS, RANDOMKEY ...)
 * cannot run on the one server of a transaction: refused when queued,
 * with an error that says so, which dooms the transaction.
 *
 *   client           proxy                          master of the slot
 *   MULTI       ──►  +OK (pin: multi)
 *   SET {a}x 1  ──►  +QUEUED (queued bytes)
 *   INCR {a}y   ──►  +QUEUED
 *   EXEC        ──►  slot still owned, not moving? ─► MULTI SET INCR EXEC
 *               ◄──  [OK, 2]  ◄─────────────────────── +OK +QUEUED +QUEUED
 *                                                     *2 ... (only this
 *                                                     one goes back)
 *
 * WATCH pins a private connection to the master of the watched keys'
 * slot: WATCH goes there, and so does every later command of the session
 * whose keys are all in that slot (so reads after WATCH see what WATCH
 * saw), then the EXEC block. If at EXEC the slot has another owner, is
 * migrating or locked, or the private connection was redialed, EXEC
 * answers a null array (the watch failed, as when a watched key changed:
 * clients retry) and the connection is closed, which drops the watch.
 *
 * Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN/MAX,
 * BLMPOP, BZMPOP, XREAD/XREADGROUP with BLOCK) with all keys in one slot
 * go to the session's private connection to that slot's master, so the
 * wait never stalls the shared connection; the server honours the
 * timeout. The private connection stays with the session while it is in
 * use, is closed when the session goes on with other commands, needs one
 * to another server, or closes (a blocked client that disconnects frees
 * the server's side at once).
 *
 * Entry points: pin_route (called by the router for every request),
 * the LOCAL handlers pin_multi, pin_exec, pin_discard, pin_unwatch, and
 * pin_free when the session is freed.
 *
 * Order: a request for the private connection is written only once
 * every earlier request of the session is answered (it is held until
 * then, pin_kick), since the shared connections would not keep it behind
 * them: "SET k 1" then "WATCH k" in one pipeline must watch the new
 * value. The other way round, while the private connection has requests
 * in flight the session parses no further request (pin_busy; it still
 * reads, so a client that leaves is seen at once): "BLPOP k 0" then
 * "DEL k" must not run the DEL first. */
#ifndef CODIS_PIN_H
#define CODIS_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "lib/resp.h"
#include "roles/proxy/pbuf.h"
#include "roles/proxy/request.h"

struct session;
struct request;
struct backend;

/* What one session pins; owned by the session (session->pin). */
struct pin {
    struct backend *conn;   /* private connection, or NULL; owned */
    uint64_t epoch;         /* conn->connects when WATCH was sent */
    char *owner;            /* watching: master of 'slot' then; owned */
    int slot;               /* the transaction's or the watch's slot, or
                               -1 while no key fixed it */
    bool multi;             /* between MULTI and EXEC / DISCARD */
    bool dirty;             /* a command was refused while queuing */
    bool watching;          /* WATCH was sent on 'conn' */
    bool readonly;          /* READONLY: reads may go to replicas */
    struct pbuf queued;     /* wire bytes of the queued commands */
    size_t nqueued;
    int select_db;          /* db of the last SELECT queued, or -1: the
                               session's db once EXEC is sent */
    TAILQ_HEAD(, request) held; /* for 'conn', bytes in r->saved, waiting
                                   for the session's earlier requests */
};

/* Called by the router for request 'r' of 's' (arguments in 'req', views
 * into 'buf'; 'wire' and 'n' the bytes to forward, multi-bulk even for
 * an inline request) after the AUTH check. Returns true when it took
 * 'r' (queued it in a transaction, sent it on the private connection or
 * answered it), false when the router should route it as usual. */
bool pin_route(struct session *s, struct request *r, const char *buf,
               const struct resp_request *req, const char *wire, size_t n);

/* The LOCAL handlers of MULTI, EXEC, DISCARD and UNWATCH. */
void pin_multi(struct session *s, struct request *r, const char *buf,
               const struct resp_arg *argv, int argc);
void pin_exec(struct session *s, struct request *r, const char *buf,
              const struct resp_arg *argv, int argc);
void pin_discard(struct session *s, struct request *r, const char *buf,
                 const struct resp_arg *argv, int argc);
void pin_unwatch(struct session *s, struct request *r, const char *buf,
                 const struct resp_arg *argv, int argc);

/* Called after a reply of 's' was delivered: send the held requests
 * whose turn came. */
void pin_kick(struct session *s);

/* True while 's' (which has a pin) has requests held for or in flight
 * on its private connection: the session parses no further request
 * until they are answered, so nothing overtakes them on a shared
 * connection. */
bool pin_busy(const struct session *s);

/* The pin of 's', made on first use. */
struct pin *pin_get(struct session *s);

/* Free the pin of 's' and close its private connection (pending
 * requests on it become orphans). Only outside that connection's own
 * callbacks (the worker frees sessions after a loop turn). */
void pin_free(struct session *s);

#endif
