/* FAILOVER: hand the master role to one of our replicas without losing a
 * write, as Redis 7 does it.
 *
 *   FAILOVER [TO host port [FORCE]] [TIMEOUT ms]
 *       writes pause ----> waiting-for-sync: until the target (or, with
 *       no TO, any online replica) has acknowledged our whole stream;
 *       a GETACK asks them at once
 *                    ----> failover-in-progress: we become the target's
 *       replica and send it "PSYNC <our replid> <offset> FAILOVER", which
 *       makes it promote itself and continue us from its backlog
 *                    ----> no-failover: the link is up, writes resume
 *                          (and are refused: we are a replica now)
 *
 * TIMEOUT bounds the wait for the target to catch up: past it the
 * failover is aborted, or with FORCE and a target goes ahead anyway. The
 * switch itself then has repl-timeout to complete, or is aborted (we
 * become master again). FAILOVER ABORT
 * stops it at any point. The target's side (PSYNC ... FAILOVER) is
 * failover_psync_request below, called from replication.c. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/replication.h"
#include "redis/server.h"

enum failover_state {
    FAILOVER_NONE,
    FAILOVER_WAIT_SYNC,
    FAILOVER_IN_PROGRESS,
};

static struct {
    enum failover_state state;
    char *host;          /* target (owned), or NULL: the first in sync */
    int port;
    bool force;
    long long deadline;  /* ms, or 0 for none */
} failover;

bool failover_in_progress(void)
{
    return failover.state == FAILOVER_IN_PROGRESS;
}

const char *failover_state_name(void)
{
    switch (failover.state) {
    case FAILOVER_WAIT_SYNC:
        return "waiting-for-sync";
    case FAILOVER_IN_PROGRESS:
        return "failover-in-progress";
    case FAILOVER_NONE:
        break;
    }
    return "no-failover";
}

/* Back to normal: writes resume, the target is forgotten. */
static void failover_reset(void)
{
    failover.state = FAILOVER_NONE;
    mem_free(failover.host);
    failover.host = NULL;
    failover.port = 0;
    failover.force = false;
    failover.deadline = 0;
    client_pause_failover(false);
}

/* Give up: a failover already switched to the target becomes master
 * again. */
static void failover_abort(const char *why)
{
    log_warn("FAILOVER aborted: %s", why);
    if (failover.state == FAILOVER_IN_PROGRESS) {
        replica_set_master(NULL, 0);
    }
    failover_reset();
}

/* The replica at 'host':'port' (as INFO lists it), or NULL. */
static struct client *failover_find_replica(const char *host, int port)
{
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->repl->listening_port == port &&
            strcasecmp(c->repl->ip, host) == 0) {
            return c;
        }
    }
    return NULL;
}

/* Switch to the target: become its replica, asking it to take over. */
static void failover_switch(const char *host, int port)
{
    if (failover.host != host) {
        mem_free(failover.host);
        failover.host = mem_strdup(host);
    }
    failover.port = port;
    failover.state = FAILOVER_IN_PROGRESS;
    /* From here the handshake has repl-timeout, as any link to a master
     * (TIMEOUT only bounds the wait for the target to catch up). */
    failover.deadline = server.mstime + server.repl_timeout * 1000LL;
    log_info("FAILOVER: switching to %s:%d", host, port);
    replica_set_master(failover.host, port);
}

void failover_cron(void)
{
    if (failover.state == FAILOVER_NONE) {
        return;
    }
    bool late = failover.deadline != 0 && server.mstime >= failover.deadline;
    if (failover.state == FAILOVER_IN_PROGRESS) {
        if (server.masterhost != NULL && repl.state == REPL_STATE_CONNECTED) {
            log_info("FAILOVER to %s:%d done", failover.host, failover.port);
            failover_reset();
        } else if (server.masterhost == NULL) {
            /* REPLICAOF NO ONE (or another path) ended it. */
            failover_reset();
        } else if (late) {
            failover_abort("the target did not take over in time");
        }
        return;
    }
    /* Waiting for a replica to have all we wrote. */
    for (size_t k = 0; k < repl.slave_count; k++) {
        struct client *c = repl.slaves[k];
        if (c->repl->state != REPL_SLAVE_ONLINE ||
            c->repl->ack_offset != repl.offset) {
            continue;
        }
        if (failover.host != NULL &&
            (c->repl->listening_port != failover.port ||
             strcasecmp(c->repl->ip, failover.host) != 0)) {
            continue;
        }
        failover_switch(c->repl->ip, c->repl->listening_port);
        return;
    }
    if (late) {
        if (failover.force && failover.host != NULL) {
            log_warn("FAILOVER: the target did not catch up in time; "
                     "FORCE: switching anyway");
            failover_switch(failover.host, failover.port);
        } else {
            failover_abort("no replica caught up in time");
        }
    }
}

/* PSYNC <replid> <offset> FAILOVER, received by a replica from its
 * master: promote ourselves so the PSYNC continues as any other. Returns
 * 0, or -1 after replying the refusal. */
int failover_psync_request(struct client *c)
{
    if (server.masterhost == NULL) {
        reply_error(c, "PSYNC FAILOVER can't be sent to a master.");
        return -1;
    }
    if (c->argv[1].len != REPL_ID_LEN ||
        strncasecmp(c->argv[1].ptr, repl.replid, REPL_ID_LEN) != 0) {
        reply_error(c, "PSYNC FAILOVER replid must match my replid.");
        return -1;
    }
    log_info("MASTER MODE enabled (failover request from %s)", c->addr);
    replica_set_master(NULL, 0);
    return 0;
}

/* Our PSYNC FAILOVER was refused by the target: stay master. */
void failover_psync_refused(const char *why)
{
    char text[256];
    snprintf(text, sizeof(text), "the target refused PSYNC FAILOVER: %s",
             why);
    failover_abort(text);
}

/* FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms] */
void cmd_failover(struct client *c)
{
    const char *host = NULL;
    long long port = 0, timeout = 0;
    bool force = false, abort_it = false;
    for (int i = 1; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        if (arg_is(a, "to") && i + 2 < c->argc && host == NULL) {
            if (arg_ll_or_reply(c, &c->argv[i + 2], &port, NULL) != 0) {
                return;
            }
            host = c->argv[i + 1].ptr;
            i += 2;
        } else if (arg_is(a, "timeout") && i + 1 < c->argc &&
                   timeout == 0) {
            if (arg_ll_or_reply(c, &c->argv[++i], &timeout, NULL) != 0) {
                return;
            }
            if (timeout <= 0) {
                reply_error(c, "FAILOVER timeout must be greater than 0");
                return;
            }
        } else if (arg_is(a, "force") && !force) {
            force = true;
        } else if (arg_is(a, "abort") && !abort_it) {
            abort_it = true;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (abort_it) {
        if (host != NULL || force || timeout != 0) {
            reply_syntax_error(c);
            return;
        }
        if (failover.state == FAILOVER_NONE) {
            reply_error(c, "No failover in progress.");
            return;
        }
        failover_abort("FAILOVER ABORT");
        reply_ok(c);
        return;
    }
    if (server.masterhost != NULL) {
        reply_error(c, "FAILOVER is not valid when server is a replica.");
        return;
    }
    if (repl.slave_count == 0) {
        reply_error(c, "FAILOVER requires connected replicas.");
        return;
    }
    if (force && (timeout == 0 || host == NULL)) {
        reply_error(c, "FAILOVER with force option requires both a timeout "
                       "and target HOST and IP.");
        return;
    }
    if (failover.state != FAILOVER_NONE) {
        reply_error(c, "FAILOVER already in progress.");
        return;
    }
    if (host != NULL) {
        struct client *r = failover_find_replica(host, (int)port);
        if (r == NULL) {
            reply_error(c, "FAILOVER target HOST and PORT is not a "
                           "replica.");
            return;
        }
        if (r->repl->state != REPL_SLAVE_ONLINE) {
            reply_error(c, "FAILOVER target replica is not online.");
            return;
        }
        failover.host = mem_strdup(host);
        failover.port = (int)port;
    }
    failover.force = force;
    failover.deadline = timeout > 0 ? server.mstime + timeout : 0;
    failover.state = FAILOVER_WAIT_SYNC;
    /* Writes wait from now on, until the failover ends either way. */
    client_pause_failover(true);
    log_info("FAILOVER requested by %s to %s:%lld", c->addr,
             host != NULL ? host : "any replica", port);
    /* Ask the replicas where they are now rather than at their next
     * periodic ACK. */
    struct arg getack[3] = { { "REPLCONF", 8 }, { "GETACK", 6 },
                             { "*", 1 } };
    backlog_feed_command(repl.seldb < 0 ? 0 : repl.seldb, 3, getack);
    reply_ok(c);
}
