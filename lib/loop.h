/* The event loop every role runs: a libevent base, the signals of a
 * daemon (TERM, INT and QUIT stop the loop, HUP reopens the log file,
 * SIGPIPE is ignored so a closed peer is an error, not a death), and a
 * list of "before sleep" hooks run after each turn of the loop, once every
 * ready event has had its callback, before the loop waits again (where
 * Redis's beforeSleep flushes replies and the proxy its sockets).
 *
 * Entry points: loop_new, loop_on_signal, loop_before_sleep, loop_run,
 * loop_stop, loop_free. Not here: timers and sockets, which callers add to
 * loop_base() with libevent directly. */
#ifndef CODIS_LOOP_H
#define CODIS_LOOP_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct loop;

/* What loop_new sets up. */
enum loop_flags {
    LOOP_SIGNALS = 1, /* watch TERM, INT, QUIT and HUP (the main thread's
                         loop; at most one per process) */
};

/* Called on a signal the loop watches, with its number. */
typedef void (*loop_signal_fn)(int sig, void *arg);

/* A before-sleep hook. */
typedef void (*loop_hook_fn)(void *arg);

/* A new loop with 'flags' (enum loop_flags); SIGPIPE is ignored from now
 * on. Returns the loop (free with loop_free), or NULL with 'err' filled. */
struct loop *loop_new(int flags, char *err, size_t errlen);

/* Free 'l' and its base, after whatever the caller added to the base was
 * freed. loop_free(NULL) does nothing. */
void loop_free(struct loop *l);

/* The libevent base of 'l', borrowed for as long as 'l' lives. */
struct event_base *loop_base(const struct loop *l);

/* What 'l' does beyond its defaults on the signals it watches (a second
 * call replaces the first; NULL keeps a default). On TERM, INT or QUIT the
 * loop logs "received SIGxxx, shutting down" and stops after the turn; an
 * 'on_stop' logs in its own words instead, then the loop stops. On HUP
 * the loop reopens the log file, then calls 'on_hup' (another log to
 * reopen). Both get 'arg'. */
void loop_on_signal(struct loop *l, loop_signal_fn on_stop,
                    loop_signal_fn on_hup, void *arg);

/* Add 'fn' with 'arg' to the hooks run after each turn, in the order
 * they were added. */
void loop_before_sleep(struct loop *l, loop_hook_fn fn, void *arg);

/* Run 'l' until loop_stop (or libevent's loopbreak / loopexit on its base)
 * or until nothing is left to wait for; the hooks run after every turn,
 * the last one included. Returns 0, or -1 if libevent failed. */
int loop_run(struct loop *l);

/* "SIGTERM", "SIGINT", "SIGQUIT" or "SIGHUP" for those signals, else
 * "a signal" (static strings). */
const char *loop_signal_name(int sig);

/* Make loop_run return after the current turn (and its hooks). */
void loop_stop(struct loop *l);

#endif
