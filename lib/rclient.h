/* A small blocking Redis client for management work: the dashboard's
 * PING/SLOTSINFO checks, SLAVEOF on promote and add, INFO for stats; ha's
 * health checks; later migration. Connect with a timeout (and AUTH when a
 * password is given), send one command, read one reply into a small tree,
 * close. Every step is bounded by the client's timeout. Not for the proxy's
 * hot path (that is non-blocking, on libevent). */
#ifndef CODIS_RCLIENT_H
#define CODIS_RCLIENT_H

#include <stdbool.h>
#include <stddef.h>

struct rclient;

/* The kind of a reply. */
enum rclient_reply_type {
    RCLIENT_STATUS,  /* +OK */
    RCLIENT_ERROR,   /* -ERR ... */
    RCLIENT_INTEGER, /* :1 */
    RCLIENT_BULK,    /* $3 foo */
    RCLIENT_NIL,     /* $-1 or *-1 */
    RCLIENT_ARRAY,   /* *2 ... */
};

/* One reply; arrays hold their elements. */
struct rclient_reply {
    enum rclient_reply_type type;
    long long integer;               /* RCLIENT_INTEGER */
    char *str;                       /* STATUS, ERROR, BULK: owned, NUL-ended */
    size_t len;                      /* bytes of 'str' */
    struct rclient_reply **elements; /* ARRAY: owned, 'count' entries */
    size_t count;
};

/* Connect to 'addr' ("host:port") within 'timeout_ms', and AUTH with
 * 'password' unless it is NULL or "". The same timeout bounds each later
 * command. Returns an owned client (rclient_close), or NULL with 'err'
 * filled ("cannot connect to '127.0.0.1:6379': Connection refused",
 * "'127.0.0.1:6379' refused AUTH: ERR invalid password"). */
struct rclient *rclient_connect(const char *addr, const char *password,
                                int timeout_ms, char *err, size_t errlen);

/* Close 'client' (NULL is fine). */
void rclient_close(struct rclient *client);

/* Send the command of 'argc' arguments ('lens' may be NULL for C strings)
 * and read its reply. Returns an owned reply (rclient_reply_free), which
 * may be an error reply, or NULL with 'err' filled when the connection
 * failed, timed out or the answer was not RESP (the client is then no
 * longer usable). */
struct rclient_reply *rclient_command_argv(struct rclient *client, int argc,
                                           const char *const *argv,
                                           const size_t *lens, char *err,
                                           size_t errlen);

/* The same with the arguments as C strings, ended by NULL:
 * rclient_command(c, err, sizeof(err), "SLAVEOF", "NO", "ONE", NULL). */
struct rclient_reply *rclient_command(struct rclient *client, char *err,
                                      size_t errlen, ...)
    __attribute__((sentinel));

/* Free 'reply' and its elements (NULL is fine). */
void rclient_reply_free(struct rclient_reply *reply);

/* Parse one whole reply from 'len' bytes at 'buf' (as checked by
 * resp_scanner_scan). Returns an owned reply, or NULL if malformed. For
 * tests and for callers that scan themselves. */
struct rclient_reply *rclient_reply_parse(const char *buf, size_t len);

/* Find 'key' in INFO text 'info' ("key:value" lines) and copy its value to
 * 'out' (of 'outlen' bytes). Returns 0, or -1 if absent. */
int rclient_info_get(const char *info, const char *key, char *out,
                     size_t outlen);

/* Run 'argv' (NULL-ended) on a fresh connection to 'addr' and check for a
 * non-error reply: a convenience for one-shot commands (PING, SLAVEOF).
 * Returns 0 and, when 'reply' is not NULL, the owned reply in '*reply';
 * or -1 with 'err' filled (connection failure, or "'addr' replied: ERR
 * ..."). */
int rclient_oneshot(const char *addr, const char *password, int timeout_ms,
                    struct rclient_reply **reply, char *err, size_t errlen,
                    const char *const *argv);

#endif
