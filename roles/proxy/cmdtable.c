/* The proxy's view of lib/cmdspec; see cmdtable.h. */
#include "roles/proxy/cmdtable.h"

#include <stdio.h>
#include <string.h>

#include "roles/proxy/clientcmd.h"
#include "roles/proxy/proxyinfo.h"
#include "roles/proxy/keyscan.h"
#include "roles/proxy/localcmd.h"
#include "roles/proxy/pin.h"
#include "roles/proxy/replica.h"
#include "roles/proxy/proxysub.h"

const struct cmdspec cmdtable_unknown = {
    "unknown", -1, 0, 1, 1, 1, CMDSPEC_FIND_RANGE, 0, CMDSPEC_ROUTE_SLOT,
    NULL, NULL, NULL,
};

/* The commands the proxy answers itself (route LOCAL in lib/cmdspec). */
static const struct {
    const char *name;
    cmdtable_local_fn fn;
} cmdtable_local_list[] = {
    { "ping", localcmd_ping },     { "echo", localcmd_echo },
    { "quit", localcmd_quit },     { "auth", localcmd_auth },
    { "hello", localcmd_hello },
    { "select", localcmd_select }, { "info", proxyinfo_command },
    { "command", localcmd_command },
    { "slotshashkey", localcmd_slotshashkey },
    { "scan", keyscan_scan },
    { "multi", pin_multi },       { "exec", pin_exec },
    { "discard", pin_discard },   { "unwatch", pin_unwatch },
    { "readonly", replica_readonly },
    { "readwrite", replica_readwrite },
    { "randomkey", localcmd_randomkey },
    { "flushdb", localcmd_flush },  { "flushall", localcmd_flush },
    { "config", localcmd_config },  { "slotsscan", localcmd_slotsscan },
    { "sort", localcmd_sort },      { "reset", localcmd_reset },
    { "client", clientcmd_client },
    { "subscribe", proxysub_subscribe },
    { "unsubscribe", proxysub_unsubscribe },
    { "psubscribe", proxysub_psubscribe },
    { "punsubscribe", proxysub_punsubscribe },
    { "publish", proxysub_publish },  { "pubsub", proxysub_pubsub },
};

#define CMDTABLE_LOCALS \
    (sizeof(cmdtable_local_list) / sizeof(cmdtable_local_list[0]))

/* The handler of each LOCAL command, by lib/cmdspec index: entry + 1 in
 * cmdtable_local_list, 0 for none. */
static unsigned char cmdtable_local_of[CMDSPEC_MAX];

int cmdtable_init(char *err, size_t errlen)
{
    cmdspec_init();
    memset(cmdtable_local_of, 0, sizeof(cmdtable_local_of));
    for (size_t i = 0; i < CMDTABLE_LOCALS; i++) {
        const char *name = cmdtable_local_list[i].name;
        const struct cmdspec *cmd = cmdspec_lookup(name, strlen(name));
        if (cmd == NULL || cmd->route != CMDSPEC_ROUTE_LOCAL) {
            snprintf(err, errlen, "local command '%s' has no LOCAL row in "
                     "lib/cmdspec", name);
            return -1;
        }
        cmdtable_local_of[cmdspec_index(cmd)] = (unsigned char)(i + 1);
    }
    for (size_t i = 0; i < cmdspec_count; i++) {
        if (cmdspec_table[i].route == CMDSPEC_ROUTE_LOCAL &&
            cmdtable_local_of[i] == 0) {
            snprintf(err, errlen, "command '%s' is routed LOCAL but the "
                     "proxy has no handler", cmdspec_table[i].name);
            return -1;
        }
    }
    return 0;
}

const struct cmdspec *cmdtable_lookup(const char *name, size_t len)
{
    const struct cmdspec *cmd = cmdspec_lookup(name, len);
    return cmd != NULL ? cmd : &cmdtable_unknown;
}

cmdtable_local_fn cmdtable_local(const struct cmdspec *cmd)
{
    if (cmd == &cmdtable_unknown) {
        return NULL;
    }
    unsigned char i = cmdtable_local_of[cmdspec_index(cmd)];
    return i != 0 ? cmdtable_local_list[i - 1].fn : NULL;
}

const char *cmdtable_upper(const struct cmdspec *cmd, char *buf,
                           size_t size)
{
    size_t i = 0;
    for (; cmd->name[i] != '\0' && i + 1 < size; i++) {
        char c = cmd->name[i];
        buf[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    buf[i] = '\0';
    return buf;
}

/* What cmdtable_keys gives cmdspec_keys to read arguments through. */
struct cmdtable_args {
    const char *buf;
    const struct resp_arg *argv;
};

static const char *cmdtable_arg(const void *argv, int i, size_t *len)
{
    const struct cmdtable_args *a = argv;
    *len = a->argv[i].len;
    return a->buf + a->argv[i].off;
}

int cmdtable_keys(const struct cmdspec *cmd, const char *buf,
                  const struct resp_arg *argv, int argc, int *keys)
{
    struct cmdtable_args a = { buf, argv };
    return cmdspec_keys(cmd, argc, cmdtable_arg, &a, keys);
}
