/* Commands the proxy answers itself or routes its own way: PING, ECHO,
 * QUIT, AUTH (AUTH admin <proxy_admin_auth> makes an admin session),
 * HELLO, SELECT, COMMAND, SLOTSHASHKEY, RANDOMKEY, FLUSHDB, FLUSHALL,
 * CONFIG, SLOTSSCAN, SORT and RESET. INFO is in proxyinfo.c, CLIENT in
 * clientcmd.c, pub/sub in proxysub.c, SCAN in keyscan.c. Each handler
 * has the cmdtable_local_fn shape and replies through the request (arity
 * was checked by the router). */
#ifndef CODIS_LOCALCMD_H
#define CODIS_LOCALCMD_H

#include "lib/resp.h"

struct session;
struct request;

/* The handlers; see the file comment. */
void localcmd_ping(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc);
void localcmd_echo(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc);
void localcmd_quit(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc);
void localcmd_auth(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc);
void localcmd_hello(struct session *s, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc);
void localcmd_select(struct session *s, struct request *r, const char *buf,
                     const struct resp_arg *argv, int argc);
/* RANDOMKEY (a random master among those with keys), FLUSHDB and
 * FLUSHALL (every master, unless proxy_allow_flush is false), CONFIG
 * (GET from one master; SET and RESETSTAT to every master for an admin
 * session), SLOTSSCAN (to the slot's master), SORT (by its key, BY and
 * GET patterns checked to stay in its slot), RESET. */
void localcmd_randomkey(struct session *s, struct request *r,
                        const char *buf, const struct resp_arg *argv,
                        int argc);
void localcmd_flush(struct session *s, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc);
void localcmd_config(struct session *s, struct request *r, const char *buf,
                     const struct resp_arg *argv, int argc);
void localcmd_slotsscan(struct session *s, struct request *r,
                        const char *buf, const struct resp_arg *argv,
                        int argc);
void localcmd_sort(struct session *s, struct request *r, const char *buf,
                   const struct resp_arg *argv, int argc);
void localcmd_reset(struct session *s, struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc);
void localcmd_command(struct session *s, struct request *r, const char *buf,
                      const struct resp_arg *argv, int argc);
void localcmd_slotshashkey(struct session *s, struct request *r,
                           const char *buf, const struct resp_arg *argv,
                           int argc);

#endif
