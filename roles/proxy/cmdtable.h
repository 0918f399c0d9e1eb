/* The proxy's view of lib/cmdspec: the commands it answers itself joined
 * to their rows by name, the entry used for commands lib/cmdspec does not
 * know (forwarded like Codis does, routed by their first argument), and
 * key finding over the proxy's request views. Every fact about a command
 * (arity, keys, route, refusal reason) is lib/cmdspec's.
 * Not here: what the local commands do (localcmd.c) or how splitting
 * works (multikey.c). */
#ifndef CODIS_CMDTABLE_H
#define CODIS_CMDTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/cmdspec.h"
#include "lib/resp.h"

struct session;
struct request;

/* A locally answered command: reply to 'r' of session 's'; the request's
 * 'argc' arguments are views 'argv' into 'buf'. */
typedef void (*cmdtable_local_fn)(struct session *s, struct request *r,
                                  const char *buf,
                                  const struct resp_arg *argv, int argc);

/* The entry of commands lib/cmdspec does not know: any arity, key at
 * argument 1, routed by its slot. */
extern const struct cmdspec cmdtable_unknown;

/* Join the local handlers to lib/cmdspec (once, before any thread uses
 * the table). Returns 0, or -1 with 'err' naming a handler without a LOCAL
 * row or a LOCAL row without a handler (a programming error the unit test
 * catches). */
int cmdtable_init(char *err, size_t errlen);

/* The command named by the 'len' bytes at 'name' (any case), or
 * &cmdtable_unknown. */
const struct cmdspec *cmdtable_lookup(const char *name, size_t len);

/* The handler of a CMDSPEC_ROUTE_LOCAL command, NULL for the others. */
cmdtable_local_fn cmdtable_local(const struct cmdspec *cmd);

/* Per-command statistics slots: one per lib/cmdspec row, then one for
 * unknown commands. cmdtable_index gives 'cmd's slot, cmdtable_at the
 * command of a slot. */
static inline size_t cmdtable_count(void)
{
    return cmdspec_count + 1;
}

static inline size_t cmdtable_index(const struct cmdspec *cmd)
{
    return cmd == &cmdtable_unknown ? cmdspec_count : cmdspec_index(cmd);
}

static inline const struct cmdspec *cmdtable_at(size_t index)
{
    return index < cmdspec_count ? &cmdspec_table[index] : &cmdtable_unknown;
}

/* 'cmd's name in upper case, as Codis names commands in errors and
 * statistics, written to 'buf' ('size' bytes). Returns 'buf'. */
const char *cmdtable_upper(const struct cmdspec *cmd, char *buf,
                           size_t size);

/* The indices of the keys of a request with 'argc' arguments 'argv' in
 * 'buf', written to 'keys' (room for 'argc' entries), as cmdspec_keys:
 * the number of keys, or -1 when they are named wrongly. */
int cmdtable_keys(const struct cmdspec *cmd, const char *buf,
                  const struct resp_arg *argv, int argc, int *keys);

#endif
