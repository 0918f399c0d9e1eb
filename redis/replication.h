/* Replication: the shared state of both sides and their entry points.
 *
 * backlog.c   the replication id and offset, the backlog (a circular
 *             buffer of the last repl-backlog-size bytes of the stream)
 *             and the feed that turns propagated commands into the
 *             stream for the backlog and every replica.
 * replication.c  the master side: REPLCONF, PSYNC, SYNC, full resync
 *             through a forked RDB, partial resync from the backlog,
 *             WAIT, ROLE, INFO replication, min-replicas.
 * replica.c   the replica side: REPLICAOF/SLAVEOF, the non-blocking
 *             handshake, loading the master's RDB, applying its stream,
 *             ACKs, reconnection with PSYNC, promotion (NO ONE).
 *
 * Offsets follow Redis: master_repl_offset counts every byte ever put in
 * the stream; a replica asks PSYNC for the next byte it lacks (offset+1).
 * A replica uses its master's replid as its own and feeds the bytes it
 * applies into its own backlog unchanged, so after a promotion its
 * sibling replicas continue from the same offsets (PSYNC2: the old id is
 * kept as replid2, valid up to second_replid_offset). */
#ifndef CODIS_REPLICATION_H
#define CODIS_REPLICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "redis/server.h"

#define REPL_ID_LEN 40

/* States of a replica as its master sees it (struct repl_link.state). */
enum repl_slave_state {
    REPL_SLAVE_WAIT_BGSAVE_START, /* needs a snapshot not yet started */
    REPL_SLAVE_WAIT_BGSAVE_END,   /* the snapshot child runs */
    REPL_SLAVE_SEND_BULK,         /* the RDB file goes out */
    REPL_SLAVE_ONLINE,            /* gets the live stream */
};

/* States of our link to our master (repl.state), as a replica. */
enum repl_state {
    REPL_STATE_NONE,       /* we are a master */
    REPL_STATE_CONNECT,    /* must connect (at the next cron) */
    REPL_STATE_CONNECTING, /* TCP connect in progress */
    REPL_STATE_HANDSHAKE,  /* PING, AUTH, REPLCONF, PSYNC exchange */
    REPL_STATE_TRANSFER,   /* receiving the RDB */
    REPL_STATE_CONNECTED,  /* applying the stream */
};

/* Per-connection replication state (struct client.repl), for a replica
 * connected to us (CLIENT_SLAVE) or our master's link (CLIENT_MASTER). */
struct repl_link {
    enum repl_slave_state state;
    bool psync;               /* came with PSYNC (not the old SYNC) */
    int listening_port;       /* REPLCONF listening-port */
    char ip[64];              /* REPLCONF ip-address, or the peer's */
    long long ack_offset;     /* last REPLCONF ACK */
    long long ack_time;       /* ms of the last REPLCONF ACK */
    int bulk_fd;              /* RDB file being sent, or -1 */
    long long bulk_off;       /* bytes of the file sent */
    long long bulk_size;      /* size of the file */
    char bulk_head[32];       /* "$<size>\r\n" */
    size_t bulk_head_len;
    size_t bulk_head_sent;
    struct event *bulk_ev;    /* write event while sending the file */
    bool capa_eof;            /* REPLCONF capa eof: takes "$EOF:" RDBs */
    bool rdb_only;            /* REPLCONF rdb-only 1: the RDB, then close */
    bool diskless;            /* its RDB is written to the socket by the
                                 child, between "$EOF:<mark>" and mark */
    long long wait_since;     /* ms it began waiting for a snapshot */
};

/* The replication state of this server (both sides). */
struct repl {
    char replid[REPL_ID_LEN + 1];  /* our (or our master's) history */
    bool child_diskless;           /* the snapshot child writes sockets */
    char replid2[REPL_ID_LEN + 1]; /* the previous history, or zeros */
    long long offset;              /* master_repl_offset */
    long long second_offset;       /* replid2 valid up to here, or -1 */
    int seldb;                     /* db of the last SELECT sent, or -1 */

    /* backlog */
    char *backlog;                 /* circular buffer, or NULL */
    size_t backlog_size;
    size_t backlog_idx;            /* next write position */
    size_t backlog_histlen;        /* valid bytes */
    long long backlog_off;         /* stream offset of its first byte */
    char *feed_buf;                /* sds reused to encode each command */
    bool flush_pending;            /* replicas have output to send */

    /* master side */
    struct client **slaves;        /* the CLIENT_SLAVE clients, oldest
                                    * first (borrowed); each has its
                                    * c->repl until it leaves the list */
    size_t slave_count;
    size_t slave_cap;
    char child_file[64];           /* temp RDB it writes */
    long long child_start;         /* ms the child started */
    long long last_ping;           /* ms we last pinged the replicas */
    long long stat_sync_full;
    long long stat_sync_partial_ok;
    long long stat_sync_partial_err;

    /* replica side */
    enum repl_state state;
    int fd;                        /* socket to the master, until it
                                    * becomes master_client */
    struct event *ev;              /* its read or write event */
    char *buf;                     /* handshake / transfer read buffer */
    size_t buflen;
    int step;                      /* handshake step (replica.c) */
    struct client *master;         /* the master's client, or NULL */
    long long last_io;             /* ms of the last byte from master */
    long long down_since;          /* ms the link went down, or 0 */
    long long transfer_size;       /* -1: EOF-marked; else bytes */
    long long transfer_read;       /* payload bytes received */
    char transfer_eof[REPL_ID_LEN];/* EOF marker of a diskless transfer */
    int transfer_fd;               /* temp RDB being written, or -1 */
    char transfer_file[64];
    long long transfer_start;
    long long last_ack;            /* ms we last sent REPLCONF ACK */
    char *multi_buf;               /* sds: the master's open transaction,
                                    * not yet counted, or NULL */
    char master_replid[REPL_ID_LEN + 1]; /* from +FULLRESYNC/+CONTINUE */
    long long master_initial_offset;
};

extern struct repl repl;

/* backlog.c */

/* Start: a random replid, offset 0, the propagation hook. */
void backlog_init(void);

/* Free the backlog and the flush event (at exit). */
void backlog_release(void);

/* Create the backlog if it does not exist (first replica, or becoming a
 * replica). */
void backlog_create(void);

/* Resize it to server.repl_backlog_size, dropping its history. */
void backlog_resize(void);

/* Drop the history: the backlog restarts at offset+1. */
void backlog_clear(void);

/* Append 'len' raw stream bytes: to the backlog (advancing the offset)
 * and to every replica that takes the stream. */
void backlog_feed_raw(const char *p, size_t len);

/* Write the pending stream to the replicas now (server_before_reply
 * calls it, and the loop's before-sleep hook, so a client's reply never leaves before the replicas were
 * sent the writes it acknowledges: a kill -9 between the two would lose
 * acknowledged writes). */
void backlog_flush(void);

/* Append to the sds 's' one command as RESP, preceded by a SELECT if
 * 'dbid' is not '*seldb' (which then becomes 'dbid'). Returns the sds.
 * The one encoder of the stream, for the backlog and the AOF. */
char *backlog_cat_command(char *s, int *seldb, int dbid, int argc,
                          const struct arg *argv);

/* Append one command, as RESP, preceded by SELECT if 'dbid' is not the
 * last selected db. */
void backlog_feed_command(int dbid, int argc, const struct arg *argv);

/* True if the stream from 'offset' (inclusive) on is in the backlog. */
bool backlog_has(long long offset);

/* Append the backlog from 'offset' to its end to 'c''s output. Returns
 * the number of bytes. */
long long backlog_send(struct client *c, long long offset);

/* A new random replid into repl.replid. */
void backlog_new_replid(void);

/* Keep the current id as replid2 (valid up to offset+1), take a new one:
 * a promoted replica starts its own history. */
void backlog_shift_replid(void);

/* replication.c (master side) */

/* Start: set up the child event machinery. */
void replication_init(void);


/* Start the snapshot for the replicas waiting for a full sync, unless a
 * snapshot child (child.c) runs: then the next call starts it (the child's
 * end and replication_cron call it). */
void replication_start_waiting(void);

/* After each turn of the loop: answer the WAIT clients whose replicas
 * acknowledged in the turn. */
void replication_before_sleep(void);

/* Stop the child, free the WAIT list and the backlog (at exit). */
void replication_release(void);

/* Called once a second by the cron: ping replicas, time them out. */
void replication_cron(void);

/* Called from client_free for SLAVE, MASTER and WAIT_ACKS clients, and any
 * client with link state (REPLCONF before PSYNC). */
void replication_client_freed(struct client *c);

/* Free 'c''s link state (a replica or the master client). */
void replication_link_free(struct client *c);

/* Close every replica connection (they will reconnect and PSYNC). */
void replication_disconnect_slaves(void);

/* Replicas acked within min-replicas-max-lag. */
int replication_good_slaves(void);

/* Write the INFO replication fields to sds 's'; returns it. */
char *replication_info(char *s);

/* Answer the WAIT clients whose replicas have acked far enough or whose
 * timeout passed, and run their pending input. Never call it from inside
 * a command. */
void replication_check_waits(void);

/* replica.c */

/* At start: connect to server.masterhost if configured. If the RDB
 * loaded at start recorded a replication position (rdb_state.repl_id),
 * take it as ours so the first PSYNC continues from it. */
/* FAILOVER (failover.c): whether we are switching to a replica of ours
 * (the PSYNC we send then says FAILOVER), its state for INFO, the cron
 * step, the target's side of PSYNC ... FAILOVER (0, or -1 after replying)
 * and the target's refusal of ours. */
bool failover_in_progress(void);
const char *failover_state_name(void);
void failover_cron(void);
int failover_psync_request(struct client *c);
void failover_psync_refused(const char *why);

void replica_init(void);

/* Free the link (at exit). */
void replica_release(void);

/* Follow 'host':'port', or become a master if 'host' is NULL (keeping
 * the data, starting a new history). */
void replica_set_master(const char *host, int port);

/* Called once a second by the cron: connect, ACK, time out. */
void replica_cron(void);

/* The master client parsed a request of 'len' bytes at 'p' whose
 * command name is the 'namelen' bytes at 'name': count it and pass it on
 * to our backlog and sub-replicas; a transaction only once its EXEC
 * arrives, so a link cut inside one resumes before its MULTI. */
void replica_master_feed(const char *p, size_t len, const char *name,
                         size_t namelen);

/* The master client 'c' is being freed: the link is down. */
void replica_master_lost(struct client *c);

/* Send REPLCONF ACK <offset> to our master. */
void replica_send_ack(void);

/* The INFO replication fields of a replica; returns 's'. */
char *replica_info(char *s);

/* The db our master's stream has selected: where its next command
 * without SELECT goes. */
int replica_stream_db(void);

/* The state name for ROLE: connect, connecting, sync, connected. */
const char *replica_role_state(void);

#endif
