/* The proxy's routing table: for every command Redis clients send, how
 * the proxy handles it (see the 'kind' values), its arity and where its
 * keys are. Lookup is by name, case-insensitive. Commands not in the table
 * are forwarded like Codis does, routed by their first argument.
 * Not here: what the local commands do (localcmd.c) or how splitting
 * works (multikey.c). */
#ifndef CODIS_CMDTABLE_H
#define CODIS_CMDTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/resp.h"

/* How a command is handled. */
enum cmdtable_kind {
    CMDTABLE_KEYS,    /* forwarded to the owner of its key(s); several
                         keys must share one slot */
    CMDTABLE_MGET,    /* split per key, values merged in order */
    CMDTABLE_MSET,    /* split per key/value pair, answered +OK once */
    CMDTABLE_SUM,     /* split per key, integer replies summed */
    CMDTABLE_ALL,     /* sent to every backend, integer replies summed */
    CMDTABLE_ANY,     /* sent to one backend (any will do) */
    CMDTABLE_LOCAL,   /* answered by the proxy (localcmd.c) */
    CMDTABLE_REFUSED, /* refused with an error naming the command */
};

/* Where the keys are, beyond the first/last/step triple. */
enum cmdtable_keyflags {
    CMDTABLE_KS_NUMKEYS = 1, /* 'numkeys' names the argument holding a key
                                count; the keys follow it */
    CMDTABLE_KS_STREAMS = 2, /* XREAD: keys are the first half of what
                                follows the STREAMS word */
    CMDTABLE_KS_STORE = 4,   /* GEORADIUS*: 'first' is the key; from
                                argument 'numkeys' on, the word after
                                STORE or STOREDIST is one more key */
};

struct session;
struct request;

/* A locally answered command: reply to 'r' of session 's'; the request's
 * 'argc' arguments are views 'argv' into 'buf'. */
typedef void (*cmdtable_local_fn)(struct session *s, struct request *r,
                                  const char *buf,
                                  const struct resp_arg *argv, int argc);

/* One command. Key positions follow Redis's command table: 'first' is the
 * index of the first key (0: no key), 'last' of the last one (negative:
 * counted from the end, -1 the last argument), 'step' the distance
 * between keys. With CMDTABLE_KS_NUMKEYS, argument 'numkeys' holds a key
 * count and that many keys follow it; 'first' (if not 0) is one more key
 * before it (a destination). */
struct cmdtable_cmd {
    const char *name;          /* upper case */
    enum cmdtable_kind kind;
    int arity;                 /* Redis arity: n exact, -n at least n */
    int first;
    int last;
    int step;
    int keyflags;              /* enum cmdtable_keyflags */
    int numkeys;               /* CMDTABLE_KS_NUMKEYS: its index */
    cmdtable_local_fn local;   /* CMDTABLE_LOCAL: the handler */
    const char *why;           /* CMDTABLE_REFUSED: reason, or NULL for
                                  "not allowed" */
};

/* The table and its length; index of a command = its position. The last
 * entry is the one used for unknown commands. */
extern const struct cmdtable_cmd cmdtable_cmds[];
extern const size_t cmdtable_count;

/* Build the lookup index (once, before any thread uses the table). */
void cmdtable_init(void);

/* The command named by the 'len' bytes at 'name' (any case), or the
 * unknown-command entry (the last one) when there is none. */
const struct cmdtable_cmd *cmdtable_lookup(const char *name, size_t len);

/* True for the unknown-command entry. */
bool cmdtable_is_unknown(const struct cmdtable_cmd *cmd);

/* Index of 'cmd' in cmdtable_cmds. */
static inline size_t cmdtable_index(const struct cmdtable_cmd *cmd)
{
    return (size_t)(cmd - cmdtable_cmds);
}

/* True if 'argc' arguments (command name included) satisfy the arity. */
bool cmdtable_arity_ok(const struct cmdtable_cmd *cmd, int argc);

/* The indices of the keys of a request with 'argc' arguments 'argv' in
 * 'buf', written to 'keys' (room for 'argc' entries). Returns the number
 * of keys, or -1 when a key count argument is not a valid number. */
int cmdtable_keys(const struct cmdtable_cmd *cmd, const char *buf,
                  const struct resp_arg *argv, int argc, int *keys);

#endif
