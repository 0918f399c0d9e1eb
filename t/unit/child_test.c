/* Unit tests for redis/child: which kinds may run together, the reaper
 * (SIGCHLD on the loop, and polled as the cron does), child_kill and
 * child_forget. */
#include "t/unit/tap.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "redis/child.h"

/* What the done functions saw, per kind. */
static int done_calls[CHILD_TYPES];
static int done_status[CHILD_TYPES];

static void on_done(int status, void *arg)
{
    int type = *(int *)arg;
    done_calls[type]++;
    done_status[type] = status;
}

static int kinds[CHILD_TYPES] = { CHILD_RDB, CHILD_AOF, CHILD_REPL,
                                  CHILD_MIGRATE };

/* Fork a child of 'type' that exits with 'code' at once, or waits for a
 * signal when 'code' is negative. */
static pid_t spawn(enum child_type type, int code, char *err, size_t len)
{
    pid_t pid = child_fork(type, on_done, &kinds[type], err, len);
    if (pid == 0) {
        if (code < 0) {
            for (;;) {
                pause();
            }
        }
        _exit(code);
    }
    return pid;
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    event_base_loopbreak(arg);
}

/* Run 'base' until 'n' more done calls or a 10 s deadline. */
static void run_until(struct event_base *base, int *counter, int want)
{
    struct event *t = event_new(base, -1, EV_PERSIST, on_timeout, base);
    struct timeval tick = { 0, 20000 };
    event_add(t, &tick);
    for (int i = 0; i < 500 && *counter < want; i++) {
        event_base_loop(base, EVLOOP_ONCE);
    }
    event_free(t);
}

int main(void)
{
    char err[128];
    struct event_base *base = event_base_new();
    tap_int(child_init(base), 0, "SIGCHLD is watched");

    pid_t rdb = spawn(CHILD_RDB, 0, err, sizeof(err));
    tap_ok(rdb > 0 && child_pid(CHILD_RDB) == rdb, "a BGSAVE child starts");
    tap_ok(child_busy(CHILD_AOF) && child_busy(CHILD_REPL),
           "no other snapshot child may start beside it");
    tap_int(spawn(CHILD_AOF, 0, err, sizeof(err)), -1,
            "an AOF rewrite child is refused");
    tap_str(err, "another child process is active", "saying why");
    tap_ok(!child_busy(CHILD_MIGRATE), "a migration child may start");
    pid_t mig = spawn(CHILD_MIGRATE, 3, err, sizeof(err));
    tap_ok(mig > 0, "and does");
    tap_ok(child_busy(CHILD_MIGRATE), "but only one migration child");

    int total = 0;
    run_until(base, &done_calls[CHILD_MIGRATE], 1);
    run_until(base, &done_calls[CHILD_RDB], 1);
    total = done_calls[CHILD_RDB] + done_calls[CHILD_MIGRATE];
    tap_int(total, 2, "SIGCHLD reaps both and calls their functions once");
    tap_ok(child_ok(done_status[CHILD_RDB]), "exit 0 is a success");
    tap_ok(WIFEXITED(done_status[CHILD_MIGRATE]) &&
               WEXITSTATUS(done_status[CHILD_MIGRATE]) == 3 &&
               !child_ok(done_status[CHILD_MIGRATE]),
           "the exit status is passed on");
    tap_ok(child_pid(CHILD_RDB) == -1 && !child_busy(CHILD_AOF),
           "once reaped, another snapshot child may start");

    pid_t repl = spawn(CHILD_REPL, -1, err, sizeof(err));
    tap_ok(repl > 0, "a replication child starts");
    child_kill(CHILD_REPL, SIGUSR1);
    tap_ok(done_calls[CHILD_REPL] == 1 &&
               WIFSIGNALED(done_status[CHILD_REPL]) &&
               WTERMSIG(done_status[CHILD_REPL]) == SIGUSR1,
           "child_kill signals, waits and reports at once");

    pid_t aof = spawn(CHILD_AOF, -1, err, sizeof(err));
    tap_ok(aof > 0, "an AOF rewrite child starts");
    child_forget(CHILD_AOF);
    tap_ok(done_calls[CHILD_AOF] == 0 && child_pid(CHILD_AOF) == -1 &&
               kill(aof, 0) != 0,
           "child_forget kills it without calling its function");

    rdb = spawn(CHILD_RDB, 0, err, sizeof(err));
    for (int i = 0; i < 1000 && done_calls[CHILD_RDB] < 2; i++) {
        usleep(10000);
        child_reap(); /* as the cron does, without the loop */
    }
    tap_int(done_calls[CHILD_RDB], 2, "child_reap alone reaps too");

    rdb = spawn(CHILD_RDB, -1, err, sizeof(err));
    child_release();
    tap_ok(child_pid(CHILD_RDB) == -1 && kill(rdb, 0) != 0 &&
               done_calls[CHILD_RDB] == 2,
           "child_release kills what runs, silently");
    event_base_free(base);
    return tap_done();
}
