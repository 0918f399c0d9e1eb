/* Split and merge of multi-key commands. MGET, MSET, DEL, UNLINK, EXISTS
 * and TOUCH over several keys become one sub-request per key (per pair
 * for MSET), each routed to its own slot's owner; when the last part is
 * answered the parent gets one reply: MGET the values in key order, MSET
 * +OK, the others the sum of the integer replies. DBSIZE goes to every
 * backend and sums. If any part fails, the parent's reply is the first
 * error. Nothing here is atomic across slots, as in Codis. */
#ifndef CODIS_MULTIKEY_H
#define CODIS_MULTIKEY_H

#include <stddef.h>

#include "lib/resp.h"

struct request;
struct worker;

/* Split client request 'r' ('argc' arguments 'argv', views into 'buf'),
 * whose command kind is MGET, MSET or SUM. */
void multikey_split(struct worker *w, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc);

/* Send client request 'r' (a command without arguments, such as DBSIZE)
 * to every backend of the table and sum the integer replies. */
void multikey_all(struct worker *w, struct request *r);

/* The reply 'p' ('n' bytes) of part 'sub'. */
void multikey_part_done(struct request *sub, const char *p, size_t n);

#endif
