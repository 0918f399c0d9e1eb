/* Unit tests for lib/loop: before-sleep hooks run after every turn and in
 * order, loop_stop and libevent's loopbreak end loop_run, TERM and HUP
 * reach their callbacks, SIGPIPE is ignored. */
#include "t/unit/tap.h"

#include <signal.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/loop.h"

/* What the callbacks saw. */
static char order[64];
static size_t norder;
static int turns;      /* timer callbacks run */
static int stops;      /* on_stop calls */
static int hups;       /* on_hup calls */
static int last_sig;

static void note(char c)
{
    if (norder + 1 < sizeof(order)) {
        order[norder++] = c;
        order[norder] = '\0';
    }
}

static void hook_a(void *arg)
{
    note('a');
}

static void hook_b(void *arg)
{
    note('b');
}

/* A timer that fires three times, then stops the loop. */
static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct loop *l = arg;
    note('t');
    if (++turns == 3) {
        loop_stop(l);
    }
}

static void on_stop(int sig, void *arg)
{
    stops++;
    last_sig = sig;
}

static void on_hup(int sig, void *arg)
{
    hups++;
    last_sig = sig;
}

/* Raise 'sig' when it fires. */
static void on_raise(evutil_socket_t fd, short what, void *arg)
{
    raise(*(int *)arg);
}

static void test_hooks(void)
{
    char err[128];
    struct loop *l = loop_new(0, err, sizeof(err));
    tap_ok(l != NULL, "a loop without signals is made");
    loop_before_sleep(l, hook_a, NULL);
    loop_before_sleep(l, hook_b, NULL);
    struct event *ev = event_new(loop_base(l), -1, EV_PERSIST, on_timer, l);
    struct timeval tv = { 0, 1000 };
    event_add(ev, &tv);
    tap_int(loop_run(l), 0, "loop_run returns 0 after loop_stop");
    tap_str(order, "tabtabtab",
            "the hooks run in order after every turn, the last included");
    event_free(ev);
    norder = 0;
    order[0] = '\0';
    tap_int(loop_run(l), 0, "a loop with nothing to wait for returns");
    tap_str(order, "ab", "and runs its hooks once");
    loop_free(l);
    loop_free(NULL);
}

static void test_signals(void)
{
    char err[128];
    struct loop *l = loop_new(LOOP_SIGNALS, err, sizeof(err));
    tap_ok(l != NULL, "a loop with signals is made");
    loop_on_signal(l, on_stop, on_hup, NULL);
    static int hup = SIGHUP;
    static int term = SIGTERM;
    struct timeval soon = { 0, 1000 };
    struct timeval later = { 0, 20000 };
    event_base_once(loop_base(l), -1, EV_TIMEOUT, on_raise, &hup, &soon);
    event_base_once(loop_base(l), -1, EV_TIMEOUT, on_raise, &term, &later);
    tap_int(loop_run(l), 0, "SIGTERM ends loop_run");
    tap_int(hups, 1, "SIGHUP reached on_hup and the loop went on");
    tap_int(stops, 1, "SIGTERM reached on_stop");
    tap_int(last_sig, SIGTERM, "on_stop got the signal number");
    tap_str(loop_signal_name(SIGQUIT), "SIGQUIT", "signal names");
    struct sigaction sa;
    sigaction(SIGPIPE, NULL, &sa);
    tap_ok(sa.sa_handler == SIG_IGN, "SIGPIPE is ignored");
    loop_free(l);
}

int main(void)
{
    log_set_level(LOG_WARN); /* no "log file reopened" line in the TAP */
    test_hooks();
    test_signals();
    return tap_done();
}
