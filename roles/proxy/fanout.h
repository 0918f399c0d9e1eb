/* Commands the proxy sends to the master of every group (or of one) and
 * answers once: INFO, RANDOMKEY, FLUSHDB, FLUSHALL, CONFIG, PUBSUB. The
 * caller encodes the command, fanout_send sends it to each master that
 * owns a slot, and when every part is answered the parent's 'merge'
 * builds the one reply from the parts' replies (in address order).
 * Helpers here read the small replies the merges need. Not here: which
 * command merges how (info.c, localcmd.c, pubsub.c). */
#ifndef CODIS_FANOUT_H
#define CODIS_FANOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "roles/proxy/request.h"

struct request;
struct worker;
struct pbuf;

/* How a merge builds the reply of 'r' into 'out' from the parts (the
 * chain r->first_sub, each reply in its 'reply'). */
typedef void (*fanout_merge_fn)(struct request *r, struct pbuf *out);

/* Send the 'n' bytes at 'wire' (copied) for client request 'r' to every
 * master that owns a slot of w's table, or to the first one only when
 * 'one'; 'merge' answers 'r' once all have replied. With no master, 'r'
 * fails. */
void fanout_send(struct worker *w, struct request *r, const char *wire,
                 size_t n, bool one, fanout_merge_fn merge);

/* Send the 'n' bytes at 'wire' (copied into r->saved) as a part of 'r'
 * of 'kind', answered to 'complete', to every master that owns a slot of
 * r's worker's table, or to the first one only when 'one'; each part
 * adds one to r->pending. The caller finishes 'r' as its parts come
 * back (fanout_send's merge, multikey_all's). */
void fanout_parts(struct request *r, const char *wire, size_t n, bool one,
                  enum request_kind kind, request_complete_fn complete);

/* The first error among the parts of 'r' (a whole "-..." reply), or
 * NULL; '*n' gets its length. */
const char *fanout_error(struct request *r, size_t *n);

/* For merges: if a part of 'r' failed, append its error to 'out' and
 * return true. */
bool fanout_merge_error(struct request *r, struct pbuf *out);

/* True if address 'i' of 'map' owns a slot (it is a group's master). */
struct slotmap;
bool fanout_is_master(const struct slotmap *map, size_t i);

/* Merges: the first error, else the first part's reply (FLUSHDB, CONFIG
 * SET). */
void fanout_merge_first(struct request *r, struct pbuf *out);

/* Read a bulk string reply "$len\r\n...\r\n" at 'p' ('n' bytes): returns
 * its bytes and length in '*len', NULL if 'p' is not one (a nil is not). */
const char *fanout_bulk(const char *p, size_t n, size_t *len);

/* Encode 'argc' arguments (views into 'buf') as a multi-bulk into
 * w->cmdbuf, the first replaced by 'name' when not NULL. */
struct resp_arg;
void fanout_encode(struct worker *w, const char *name, const char *buf,
                   const struct resp_arg *argv, int argc);

#endif
