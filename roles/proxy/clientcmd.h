/* CLIENT through the proxy, answered for the proxy's own client sessions
 * (every worker's): ID, GETNAME, SETNAME, INFO, LIST [TYPE normal]
 * [ID id ...], KILL addr:port and KILL with ID / ADDR / LADDR / SKIPME
 * filters. Other subcommands (PAUSE, REPLY, TRACKING ...) are refused:
 * they would act on one backend connection shared by many clients.
 * LIST gives Redis's fields (clients parse them) but the buffer sizes
 * (qbuf, obl, omem ...) are 0: the proxy does not report them. 
 * Another worker's session is killed with shutdown(2) on its socket, so
 * its own thread sees the end of the connection and closes it. */
#ifndef CODIS_CLIENTCMD_H
#define CODIS_CLIENTCMD_H

#include "lib/resp.h"

struct session;
struct request;

/* CLIENT (a cmdtable_local_fn). */
void clientcmd_client(struct session *s, struct request *r, const char *buf,
                      const struct resp_arg *argv, int argc);

#endif
