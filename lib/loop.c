/* The event loop every role runs; see loop.h. */
#include "lib/loop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/mem.h"

/* One before-sleep hook. */
struct loop_hook {
    loop_hook_fn fn;
    void *arg;
};

static const struct {
    int sig;
    const char *name;
} loop_signals[] = {
    { SIGTERM, "SIGTERM" },
    { SIGINT, "SIGINT" },
    { SIGQUIT, "SIGQUIT" },
    { SIGHUP, "SIGHUP" },
};
#define LOOP_NSIGNALS (sizeof(loop_signals) / sizeof(loop_signals[0]))

const char *loop_signal_name(int sig)
{
    for (size_t i = 0; i < LOOP_NSIGNALS; i++) {
        if (loop_signals[i].sig == sig) {
            return loop_signals[i].name;
        }
    }
    return "a signal";
}

struct loop {
    struct event_base *base;
    struct event *sig_evs[LOOP_NSIGNALS]; /* LOOP_SIGNALS only */
    loop_signal_fn on_stop;
    loop_signal_fn on_hup;
    void *on_signal_arg;
    struct loop_hook *hooks;              /* 'nhooks', owned */
    size_t nhooks;
};

static void loop_on_sig(evutil_socket_t sig, short what, void *arg)
{
    struct loop *l = arg;
    if (sig == SIGHUP) {
        if (log_reopen() != 0) {
            log_warn("cannot reopen the log file: %s", strerror(errno));
        } else {
            log_info("received SIGHUP, log file reopened");
        }
        if (l->on_hup != NULL) {
            l->on_hup((int)sig, l->on_signal_arg);
        }
        return;
    }
    if (l->on_stop != NULL) {
        l->on_stop((int)sig, l->on_signal_arg);
    } else {
        log_info("received %s, shutting down", loop_signal_name((int)sig));
    }
    loop_stop(l);
}

struct loop *loop_new(int flags, char *err, size_t errlen)
{
    signal(SIGPIPE, SIG_IGN);
    struct loop *l = mem_calloc(1, sizeof(*l));
    l->base = event_base_new();
    if (l->base == NULL) {
        snprintf(err, errlen, "cannot create an event loop");
        loop_free(l);
        return NULL;
    }
    if (flags & LOOP_SIGNALS) {
        for (size_t i = 0; i < LOOP_NSIGNALS; i++) {
            l->sig_evs[i] = evsignal_new(l->base, loop_signals[i].sig,
                                         loop_on_sig, l);
            if (l->sig_evs[i] == NULL ||
                event_add(l->sig_evs[i], NULL) != 0) {
                snprintf(err, errlen, "cannot watch %s",
                         loop_signals[i].name);
                loop_free(l);
                return NULL;
            }
        }
    }
    return l;
}

void loop_free(struct loop *l)
{
    if (l == NULL) {
        return;
    }
    for (size_t i = 0; i < LOOP_NSIGNALS; i++) {
        if (l->sig_evs[i] != NULL) {
            event_free(l->sig_evs[i]);
        }
    }
    if (l->base != NULL) {
        event_base_free(l->base);
    }
    mem_free(l->hooks);
    mem_free(l);
}

struct event_base *loop_base(const struct loop *l)
{
    return l->base;
}

void loop_on_signal(struct loop *l, loop_signal_fn on_stop,
                    loop_signal_fn on_hup, void *arg)
{
    l->on_stop = on_stop;
    l->on_hup = on_hup;
    l->on_signal_arg = arg;
}

void loop_before_sleep(struct loop *l, loop_hook_fn fn, void *arg)
{
    l->hooks = mem_realloc(l->hooks, (l->nhooks + 1) * sizeof(*l->hooks));
    l->hooks[l->nhooks].fn = fn;
    l->hooks[l->nhooks].arg = arg;
    l->nhooks++;
}

int loop_run(struct loop *l)
{
    for (;;) {
        /* One turn: wait for events, run every callback that is ready. */
        int rc = event_base_loop(l->base, EVLOOP_ONCE);
        if (rc < 0) {
            return -1;
        }
        for (size_t i = 0; i < l->nhooks; i++) {
            l->hooks[i].fn(l->hooks[i].arg);
        }
        if (rc == 1 || event_base_got_break(l->base) ||
            event_base_got_exit(l->base)) {
            return 0;
        }
    }
}

void loop_stop(struct loop *l)
{
    event_base_loopbreak(l->base);
}
