/* The slow log, the latency monitor and MONITOR (slowlog.c, latency.c,
 * monitor.c): what server_call reports about each command it ran. */
#ifndef CODIS_SLOWLOG_H
#define CODIS_SLOWLOG_H

#include <stdbool.h>

struct arg;
struct client;
struct command;

/* Record the command 'c' just ran ('cmd', c->argv) that took 'usec'
 * microseconds, if slowlog-log-slower-than says it is slow. */
void slowlog_push(struct client *c, const struct command *cmd,
                  long long usec);

/* True if argument 'i' of the command 'argv' ('argc' words) is a secret
 * that logs show as "(redacted)" (AUTH's, HELLO ... AUTH's). */
bool slowlog_redacted(int argc, const struct arg *argv, int i);

/* Reply Redis's arity error for the subcommand c->argv[1] of 'command'
 * ("wrong number of arguments for 'slowlog|get' command"). */
void slowlog_reply_arity(struct client *c, const char *command);

/* Free the log (server_release). */
void slowlog_release(void);

/* Account 'usec' to the latency histogram of 'cmd' and, past
 * latency-monitor-threshold, to the "command" or "fast-command" event. */
void latency_command(const struct command *cmd, long long usec);

/* Add a sample of 'ms' to event 'event' if latency-monitor-threshold is
 * on and 'ms' reaches it ("expire-cycle", "eviction-cycle" ...). */
void latency_add_sample(const char *event, long long ms);

/* Free the tables (server_release). */
void latency_release(void);

/* Append INFO latencystats (each command's p50, p99 and p99.9, in us, as
 * the upper bound of its power-of-two bucket) to 's'. */
char *latency_info(char *s);

/* Send c->argv of 'c' to the MONITOR clients, in Redis's line format,
 * unless 'cmd' is an administrative command. 'before' tells the call
 * made before the command runs (scripts show before their commands) from
 * the one made after. */
void monitor_feed(struct client *c, const struct command *cmd, bool before);

/* Forget a MONITOR client being freed. */
void monitor_client_release(struct client *c);

#endif
