/* The router: what happens to one parsed client request. It checks AUTH
 * and arity, then answers it locally, refuses it, splits it (multikey.c)
 * or forwards it to the backend owning its slot in the worker's table. A
 * command without keys that any backend can answer (TIME) goes to the
 * first backend of the table that is up, so one dead server does not
 * fail it (and is tried again on the next if that one turns out down).
 *
 * Forwarding honours the slot's state: an offline slot fails the request
 * ("slot is not ready"), a locked slot keeps it waiting (bytes saved) until
 * a new table unlocks it, and a migrating slot first has the source move
 * each key of the request to the target (SLOTSMGRTTAGONE host port 3000
 * key, as Codis does) and then sends the request to the target.
 *
 * A slot migrating semi-async (Codis 3.2) instead sends the request to the
 * source wrapped, SLOTSMGRT-EXEC-WRAPPER key command args..., and acts on
 * the answer [code, payload]:
 *
 *   2 or -1   the source ran it (or refused it): payload is the reply
 *   0         the key is not on the source (moved, or new): send the
 *             request to the target as it is
 *   1         the key is in the batch being moved right now: wait and
 *             route the request again (the table may have changed),
 *             at once for the first tries, then every few ms, failing it
 *             after ROUTER_WRAP_MAX_WAIT_MS
 *
 * so a request waits only for its own key, never for the whole slot. */
#ifndef CODIS_ROUTER_H
#define CODIS_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/resp.h"

struct session;
struct request;
struct backend;
struct worker;

/* Handle the request 'req' of session 's'; its arguments are views into
 * 'buf', which is resp_request_base(req, ...): for a multi-bulk request the
 * bytes of the request start there (they are forwarded as they are), for
 * an inline one it is the parser's unescaped copy (the request is encoded
 * as multi-bulk before it is forwarded). While the worker's table is not
 * online every request but QUIT fails with "proxy is not online". */
void router_dispatch(struct session *s, const char *buf,
                     const struct resp_request *req);

/* Send 'r' (wire bytes 'wire', 'n' of them) to the owner of 'slot'. The
 * request's keys are 'nkeys' argument indices 'keys' into 'argv' (views
 * into 'buf'), for migration. */
void router_forward(struct worker *w, struct request *r, unsigned slot,
                    const char *wire, size_t n, const char *buf,
                    const struct resp_arg *argv, const int *keys, int nkeys);

/* 'r' failed on backend 'b', which just went down. If it is a command
 * any backend can answer (TIME) and another backend of the table may be
 * up, send it there and return true; else return false ('r' is for the
 * caller to fail). */
bool router_retry_any(struct backend *b, struct request *r);

/* Route again the requests that waited on locked slots (after the worker
 * adopted a new table). */
void router_retry_waiting(struct worker *w);

/* Fail and free every waiting request (at worker exit). */
void router_drop_waiting(struct worker *w);

#endif
