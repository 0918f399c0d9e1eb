/* Pub/sub through the proxy. A channel lives on the group of its slot
 * (crc32 of its name, as a key): PUBLISH goes to that group's master,
 * SUBSCRIBE to it too; a pattern is subscribed on every group's master,
 * since a message is published on one group only and each subscriber
 * must see it once. Subscribers of every proxy share the backends, so a
 * message reaches them all.
 *
 * Each subscribed session has its own dedicated connections to the
 * masters (one per address), never the shared pipelined ones: a backend
 * in subscribed mode takes nothing else. The proxy keeps the session's
 * channels and patterns itself and answers the (un)subscribe
 * confirmations with its own counts, once every master confirmed (so a
 * PUBLISH after the confirmation is delivered); messages from the masters
 * are written to the client as they come, after replies still due.
 *
 *   client ─ SUBSCRIBE a b ─► session ─► pubsub conn to group of a
 *                                     └─► pubsub conn to group of b
 *   masters ─ message ─► pubsub conn ─► session_push ─► client
 *
 * While subscribed, a session takes only (P)SUBSCRIBE, (P)UNSUBSCRIBE,
 * PING, QUIT and RESET (RESP2, as Redis). If a dedicated connection
 * fails, the session is closed (clients resubscribe on reconnect): its
 * subscriptions there are gone. Not handled: a channel whose slot moves
 * to another group keeps listening on the old one until resubscribed. */
#ifndef CODIS_PROXYSUB_H
#define CODIS_PROXYSUB_H

#include <stdbool.h>

#include "lib/resp.h"

struct session;
struct request;
struct cmdspec;
struct worker;

/* SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB
 * (cmdtable_local_fn handlers). */
void proxysub_subscribe(struct session *s, struct request *r, const char *buf,
                      const struct resp_arg *argv, int argc);
void proxysub_unsubscribe(struct session *s, struct request *r,
                        const char *buf, const struct resp_arg *argv,
                        int argc);
void proxysub_psubscribe(struct session *s, struct request *r,
                       const char *buf, const struct resp_arg *argv,
                       int argc);
void proxysub_punsubscribe(struct session *s, struct request *r,
                         const char *buf, const struct resp_arg *argv,
                         int argc);
void proxysub_publish(struct session *s, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc);
void proxysub_pubsub(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc);

/* True if 's' has a subscription (it is in subscribed mode). */
bool proxysub_active(const struct session *s);

/* After worker 'w' adopted a new slot table: every channel of its
 * sessions whose slot now has another master (a migration, a failover)
 * is subscribed there and unsubscribed from the old one. Patterns stay
 * on the masters they were subscribed on. */
void proxysub_adopt(struct worker *w);

/* In subscribed mode, refuse 'r' (command 'cmd') unless Redis allows it
 * there: returns true when 'r' was answered with the error. */
bool proxysub_refuse(struct session *s, struct request *r,
                   const struct cmdspec *cmd);

/* RESET's part: unsubscribe 's' from everything, then answer 'r' with
 * +RESET once the masters confirmed (earlier requests still waiting for
 * their confirmations keep them). */
void proxysub_reset_command(struct session *s, struct request *r);

/* Drop every subscription of 's' and close its dedicated connections
 * (session_close); requests waiting for confirmations fail. */
void proxysub_reset(struct session *s);

#endif
