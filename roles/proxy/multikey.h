/* Split and merge of multi-key commands. MGET, MSET, DEL, UNLINK, EXISTS
 * and TOUCH over several keys become one sub-request per key (per pair
 * for MSET), each routed to its own slot's owner; when the last part is
 * answered the parent gets one reply: MGET the values in key order, MSET
 * +OK, the others the sum of the integer replies. DBSIZE goes to every
 * backend and sums; SCRIPT and FUNCTION go to every master and are
 * answered once. If any part fails, the parent's reply is the first
 * error. Nothing here is atomic across slots, as in Codis. */
#ifndef CODIS_MULTIKEY_H
#define CODIS_MULTIKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/resp.h"

struct request;

/* Split client request 'r' ('argc' arguments 'argv', views into 'buf'),
 * whose command kind is MGET, MSET or SUM. */
void multikey_split(struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc);

/* Send client request 'r' (its bytes 'wire', 'n' long) to the master of
 * every group that owns slots and merge the replies: DBSIZE (kind ALL)
 * sums them; SCRIPT and FUNCTION (kind EACH) answer once: SCRIPT EXISTS
 * says 1 for a script only if every master has it, SCRIPT KILL and
 * FUNCTION KILL answer OK if one master stopped a script (else the
 * most telling error: UNKILLABLE or BUSY before NOTBUSY), the others
 * the first error, else the first reply. */
void multikey_all(struct request *r, const char *wire, size_t n);

/* True if the SCRIPT / FUNCTION request in 'argv' only reads (FUNCTION
 * LIST, DUMP, STATS, HELP): one master can answer it. */
bool multikey_each_reads(const char *buf, const struct resp_arg *argv,
                         int argc);

#endif
