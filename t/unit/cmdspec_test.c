/* Unit tests for lib/cmdspec: every row's invariants (names, arity against
 * key positions, routes against flags and keys), the joins of the server's
 * handlers and the proxy's local handlers to the table, the lookup and the
 * key finders. */
#include "t/unit/tap.h"

#include <stdbool.h>
#include <stdlib.h>

#include "lib/cmdspec.h"
#include "redis/server.h"
#include "roles/proxy/cmdtable.h"

/* The COMMAND DOCS groups a row may name. */
static const char *const groups[] = {
    "bitmap", "cluster", "connection", "generic", "geo", "hash",
    "hyperloglog", "list", "pubsub", "scripting", "server", "set",
    "sorted-set", "stream", "string", "transactions", "codis",
};

static bool known_group(const char *group)
{
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        if (strcmp(group, groups[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* What is wrong with the key positions of 's', or NULL. */
static const char *bad_keys(const struct cmdspec *s)
{
    int min = s->arity < 0 ? -s->arity : s->arity;
    if (s->first == 0) {
        if (s->last != 0 || s->step != 0) {
            return "no first key but a last key or a step";
        }
    } else {
        if (s->first < 0 || s->step < 1) {
            return "a negative first key or a step below 1";
        }
        if (s->last >= 0 && s->last < s->first) {
            return "the last key is before the first";
        }
        if (s->arity > 0 && (s->first >= s->arity || s->last >= s->arity ||
                             s->last < 0)) {
            return "a key beyond the fixed arity";
        }
        if (s->arity < 0 && s->first > min) {
            return "the first key is beyond the minimum arity";
        }
    }
    switch (s->find) {
    case CMDSPEC_FIND_RANGE:
        return s->numkeys == 0 ? NULL : "numkeys without FIND_NUMKEYS";
    case CMDSPEC_FIND_NUMKEYS:
        if (s->numkeys < 1 || s->numkeys >= min) {
            return "the key count is not within the minimum arity";
        }
        if (s->first > 0 && (s->last < 0 || s->last >= s->numkeys)) {
            return "a fixed key after the key count";
        }
        return NULL;
    case CMDSPEC_FIND_STREAMS:
        return s->first == 0 && s->numkeys >= 1
                   ? NULL : "STREAMS with fixed keys or no start";
    case CMDSPEC_FIND_SORT:
        return s->first == 1 ? NULL : "SORT keys not starting at 1";
    case CMDSPEC_FIND_MIGRATE:
        return s->first == 3 ? NULL : "MIGRATE's key not at 3";
    }
    return "unknown key finder";
}

/* What is wrong with the proxy route of 's' given its flags and keys, or
 * NULL. */
static const char *bad_route(const struct cmdspec *s)
{
    bool refused = s->route == CMDSPEC_ROUTE_REFUSED;
    if (!refused && s->why != NULL) {
        return "a reason without the REFUSED route";
    }
    /* a LOCAL handler decides itself (CONFIG for admins, pub/sub on
     * dedicated connections, SORT with its patterns checked) */
    if ((s->flags & (CMDSPEC_ADMIN | CMDSPEC_PUBSUB)) && !refused &&
        s->route != CMDSPEC_ROUTE_LOCAL) {
        return "an admin or pub/sub command the proxy does not refuse";
    }
    /* Blocking commands are routed by their slot: the proxy sends them on
     * a connection of the client's own (roles/proxy/pin.c). */
    if ((s->flags & CMDSPEC_BLOCKING) && s->route != CMDSPEC_ROUTE_SLOT) {
        return "a blocking command not routed by its slot";
    }
    /* MULTI, EXEC, DISCARD and UNWATCH are the proxy's own (pin.c), WATCH
     * goes by its keys' slot */
    if (strcmp(s->group, "transactions") == 0 &&
        s->route != (cmdspec_has_keys(s) ? CMDSPEC_ROUTE_SLOT
                                         : CMDSPEC_ROUTE_LOCAL)) {
        return "a transaction command neither LOCAL nor routed by its keys";
    }
    switch (s->route) {
    case CMDSPEC_ROUTE_SLOT:
        return cmdspec_has_keys(s) ? NULL : "routed by a slot but no keys";
    case CMDSPEC_ROUTE_MGET:
    case CMDSPEC_ROUTE_SUM:
        return s->find == CMDSPEC_FIND_RANGE && s->first == 1 &&
                       s->last == -1 && s->step == 1 && s->arity == -2
                   ? NULL : "split per key but keys are not 1..-1 step 1";
    case CMDSPEC_ROUTE_MSET:
        return s->find == CMDSPEC_FIND_RANGE && s->first == 1 &&
                       s->last == -1 && s->step == 2 && s->arity == -3
                   ? NULL : "split per pair but keys are not 1..-1 step 2";
    case CMDSPEC_ROUTE_ALL:
    case CMDSPEC_ROUTE_ANY:
    case CMDSPEC_ROUTE_EACH:
        return !cmdspec_has_keys(s) && !(s->flags & CMDSPEC_WRITE)
                   ? NULL : "sent to any or all groups but has keys or "
                            "writes";
    case CMDSPEC_ROUTE_LOCAL:
        return NULL;
    case CMDSPEC_ROUTE_REFUSED:
        return NULL;
    }
    return "unknown route";
}

/* What is wrong with row 'i', or NULL. */
static const char *bad_row(size_t i)
{
    const struct cmdspec *s = &cmdspec_table[i];
    if (s->name == NULL || s->name[0] == '\0') {
        return "no name";
    }
    for (const char *p = s->name; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            return "the name is not lower case";
        }
    }
    if (i > 0 && strcmp(cmdspec_table[i - 1].name, s->name) >= 0) {
        return "not sorted after the row before, or a duplicate";
    }
    if (s->arity == 0) {
        return "arity 0";
    }
    if ((s->flags & CMDSPEC_WRITE) && (s->flags & CMDSPEC_READONLY)) {
        return "both write and readonly";
    }
    if (s->group == NULL || !known_group(s->group)) {
        return "no group, or one COMMAND DOCS does not know";
    }
    if (!(s->flags & CMDSPEC_NOT_SERVED) && s->summary == NULL) {
        return "served without a summary";
    }
    const char *why = bad_keys(s);
    return why != NULL ? why : bad_route(s);
}

static void test_rows(void)
{
    int bad = 0;
    for (size_t i = 0; i < cmdspec_count; i++) {
        const char *why = bad_row(i);
        if (why != NULL) {
            printf("# row '%s': %s\n", cmdspec_table[i].name, why);
            bad++;
        }
    }
    tap_int(bad, 0, "every row keeps its invariants");
}

static void test_lookup(void)
{
    int missing = 0;
    for (size_t i = 0; i < cmdspec_count; i++) {
        const char *name = cmdspec_table[i].name;
        char upper[64];
        size_t n = strlen(name);
        for (size_t k = 0; k <= n; k++) {
            char c = name[k];
            upper[k] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
        }
        if (cmdspec_lookup(name, n) != &cmdspec_table[i] ||
            cmdspec_lookup(upper, n) != &cmdspec_table[i]) {
            printf("# '%s' is not found\n", name);
            missing++;
        }
    }
    tap_int(missing, 0, "every row is found by its name, in any case");
    tap_ok(cmdspec_lookup("nosuchcommand", 13) == NULL,
           "an unknown name is not found");
    tap_ok(cmdspec_lookup("ge", 2) == NULL, "a prefix of a name is not found");
    tap_ok(cmdspec_lookup("getx", 4) == NULL, "a longer name is not found");
    tap_ok(cmdspec_lookup("get", 0) == NULL, "an empty name is not found");
}

static void test_joins(void)
{
    char err[256] = "";
    tap_int(commands_init(err, sizeof(err)), 0,
            "every server handler has a row, every served row a handler");
    if (err[0] != '\0') {
        printf("# %s\n", err);
    }
    commands_release();
    err[0] = '\0';
    tap_int(cmdtable_init(err, sizeof(err)), 0,
            "every proxy local handler has a LOCAL row and vice versa");
    if (err[0] != '\0') {
        printf("# %s\n", err);
    }
    const struct cmdspec *ping = cmdspec_lookup("ping", 4);
    tap_ok(cmdtable_local(ping) != NULL, "PING is answered by the proxy");
    tap_ok(cmdtable_local(cmdspec_lookup("get", 3)) == NULL,
           "GET is not answered by the proxy");
    tap_ok(cmdtable_lookup("nosuch", 6) == &cmdtable_unknown &&
               cmdtable_index(&cmdtable_unknown) == cmdspec_count,
           "the proxy gives unknown commands their own entry and slot");
}

/* Key finding over an argv of C strings. */
static const char *arg_of(const void *argv, int i, size_t *len)
{
    const char *const *a = argv;
    *len = strlen(a[i]);
    return a[i];
}

/* The keys of the space-separated request 'req', as "1 3" (or "-1"). */
static const char *keys_of(const char *req)
{
    static char out[128];
    static char copy[256];
    const char *argv[32];
    int argc = 0;
    snprintf(copy, sizeof(copy), "%s", req);
    for (char *t = strtok(copy, " "); t != NULL && argc < 32;
         t = strtok(NULL, " ")) {
        argv[argc++] = t;
    }
    const struct cmdspec *s = cmdspec_lookup(argv[0], strlen(argv[0]));
    int keys[32];
    int n = s != NULL ? cmdspec_keys(s, argc, arg_of, argv, keys) : -2;
    if (n < 0) {
        snprintf(out, sizeof(out), "%d", n);
        return out;
    }
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n && len < sizeof(out); i++) {
        len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%d",
                                i ? " " : "", keys[i]);
    }
    return out;
}

static void test_keys(void)
{
    tap_str(keys_of("get k"), "1", "GET: one key");
    tap_str(keys_of("ping"), "", "PING: no key");
    tap_str(keys_of("mset a 1 b 2"), "1 3", "MSET: every other argument");
    tap_str(keys_of("blpop a b 0"), "1 2", "BLPOP: all but the timeout");
    tap_str(keys_of("rename a b"), "1 2", "RENAME: two keys");
    tap_str(keys_of("zunionstore d 2 a b weights 1 2"), "1 3 4",
            "ZUNIONSTORE: the destination, then the counted keys");
    tap_str(keys_of("zunionstore d x a b"), "-1",
            "ZUNIONSTORE: a count that is not a number");
    tap_str(keys_of("zunionstore d 3 a b"), "-1",
            "ZUNIONSTORE: a count beyond the arguments");
    tap_str(keys_of("zunionstore d -1 a b"), "-1",
            "ZUNIONSTORE: a negative count");
    tap_str(keys_of("eval s 0"), "", "EVAL: no key");
    tap_str(keys_of("eval s 2 a b c"), "3 4", "EVAL: the counted keys");
    tap_str(keys_of("lmpop 2 a b left count 1"), "2 3", "LMPOP: counted");
    tap_str(keys_of("xread count 1 streams a b 0 0"), "4 5",
            "XREAD: the first half after STREAMS");
    tap_str(keys_of("xread streams a b 0"), "2",
            "XREAD: an odd list counts its first half, as Redis");
    tap_str(keys_of("xread count 1 streams"), "-1", "XREAD: no streams");
    tap_str(keys_of("xread count 1 block 0"), "-1", "XREAD: no STREAMS");
    tap_str(keys_of("xreadgroup group streams c streams a 0"), "5",
            "XREADGROUP: STREAMS is looked for after the group");
    tap_str(keys_of("sort k by w_* limit 0 1 get # store d"), "1 10",
            "SORT: the key and the STORE destination");
    tap_str(keys_of("sort k limit 0 store by x store e"), "1 8",
            "SORT: LIMIT's arguments are skipped, the last STORE wins");
    tap_str(keys_of("sort k store"), "1", "SORT: STORE without a key");
}

static void test_flag_names(void)
{
    const char *names[CMDSPEC_MAX_FLAG_NAMES];
    size_t n = cmdspec_flag_names(cmdspec_lookup("get", 3), names);
    tap_ok(n == 2 && strcmp(names[0], "readonly") == 0 &&
               strcmp(names[1], "fast") == 0, "GET: readonly fast");
    n = cmdspec_flag_names(cmdspec_lookup("zunionstore", 11), names);
    tap_ok(n == 3 && strcmp(names[0], "write") == 0 &&
               strcmp(names[1], "denyoom") == 0 &&
               strcmp(names[2], "movablekeys") == 0,
           "ZUNIONSTORE: write denyoom movablekeys");
    n = cmdspec_flag_names(cmdspec_lookup("blpop", 5), names);
    tap_ok(n == 3 && strcmp(names[2], "blocking") == 0,
           "BLPOP: write noscript blocking");
}

int main(void)
{
    cmdspec_init();
    cmdspec_init(); /* a second call changes nothing */
    test_rows();
    test_lookup();
    test_joins();
    test_keys();
    test_flag_names();
    return tap_done();
}
