/* The server's child processes; see child.h. */
#include "redis/child.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "lib/log.h"
#include "redis/rdb.h"
#include "redis/server.h"

/* One running child. */
struct child {
    pid_t pid;          /* -1: none of this kind */
    child_done_fn done;
    void *arg;
};

static struct child child_table[CHILD_TYPES] = {
    { -1, NULL, NULL }, { -1, NULL, NULL }, { -1, NULL, NULL },
    { -1, NULL, NULL },
};
static struct event *child_sigchld;

static const char *const child_names[CHILD_TYPES] = {
    "BGSAVE", "AOF rewrite", "replication RDB", "async migration",
};

static bool child_is_snapshot(enum child_type type)
{
    return type != CHILD_MIGRATE;
}

/* Tables resize only while no child shares our pages (dict.h). */
static void child_update_resize(void)
{
    bool any = false;
    for (int t = 0; t < CHILD_TYPES; t++) {
        any = any || child_table[t].pid > 0;
    }
    dict_set_resize_allowed(!any);
}

/* Forget the child of 'type' and tell its owner how it ended. */
static void child_done(enum child_type type, int status)
{
    struct child *ch = &child_table[type];
    child_done_fn done = ch->done;
    void *arg = ch->arg;
    ch->pid = -1;
    ch->done = NULL;
    ch->arg = NULL;
    child_update_resize();
    if (done != NULL) {
        done(status, arg);
    }
}

void child_reap(void)
{
    for (int t = 0; t < CHILD_TYPES; t++) {
        struct child *ch = &child_table[t];
        if (ch->pid <= 0) {
            continue;
        }
        int status;
        pid_t got = waitpid(ch->pid, &status, WNOHANG);
        if (got == ch->pid) {
            child_done((enum child_type)t, status);
        } else if (got < 0 && errno == ECHILD) {
            log_warn("the %s child %d vanished", child_names[t],
                     (int)ch->pid);
            child_done((enum child_type)t, 1 << 8);
        }
    }
}

static void child_on_sigchld(evutil_socket_t sig, short what, void *arg)
{
    server_update_time();
    child_reap();
}

int child_init(struct event_base *base)
{
    child_sigchld = evsignal_new(base, SIGCHLD, child_on_sigchld, NULL);
    if (child_sigchld == NULL || event_add(child_sigchld, NULL) != 0) {
        return -1;
    }
    return 0;
}

void child_release(void)
{
    for (int t = 0; t < CHILD_TYPES; t++) {
        struct child *ch = &child_table[t];
        if (ch->pid > 0) {
            kill(ch->pid, SIGKILL);
            while (waitpid(ch->pid, NULL, 0) < 0 && errno == EINTR) {
            }
        }
        ch->pid = -1;
        ch->done = NULL;
        ch->arg = NULL;
    }
    if (child_sigchld != NULL) {
        event_free(child_sigchld);
        child_sigchld = NULL;
    }
}

bool child_busy(enum child_type type)
{
    if (child_table[type].pid > 0) {
        return true;
    }
    if (!child_is_snapshot(type)) {
        return false;
    }
    for (int t = 0; t < CHILD_TYPES; t++) {
        if (child_is_snapshot((enum child_type)t) &&
            child_table[t].pid > 0) {
            return true;
        }
    }
    return false;
}

pid_t child_fork(enum child_type type, child_done_fn done, void *arg,
                 char *err, size_t errlen)
{
    if (child_busy(type)) {
        snprintf(err, errlen, "another child process is active");
        return -1;
    }
    long long start = server_ustime();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot fork: %s", strerror(errno));
        return -1;
    }
    if (pid > 0) {
        /* INFO latest_fork_usec: how long the parent stood in fork(). */
        server.stat_fork_usec = server_ustime() - start;
        server.stat_total_forks++;
    }
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGUSR1, SIG_DFL);
        for (int i = 0; i < server.listener_count; i++) {
            close(evconnlistener_get_fd(server.listeners[i]));
        }
        return 0;
    }
    child_table[type].pid = pid;
    child_table[type].done = done;
    child_table[type].arg = arg;
    child_update_resize();
    return pid;
}

pid_t child_fork_save(enum child_type type, const char *path,
                      child_done_fn done, void *arg, char *err,
                      size_t errlen)
{
    pid_t pid = child_fork(type, done, arg, err, errlen);
    if (pid == 0) {
        _exit(rdb_save_file(path) == 0 ? 0 : 1);
    }
    return pid;
}

pid_t child_pid(enum child_type type)
{
    return child_table[type].pid;
}

void child_kill(enum child_type type, int sig)
{
    pid_t pid = child_table[type].pid;
    if (pid <= 0) {
        return;
    }
    kill(pid, sig);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            status = 1 << 8;
            break;
        }
    }
    child_done(type, status);
}

void child_forget(enum child_type type)
{
    struct child *ch = &child_table[type];
    if (ch->pid <= 0) {
        return;
    }
    kill(ch->pid, SIGKILL);
    while (waitpid(ch->pid, NULL, 0) < 0 && errno == EINTR) {
    }
    ch->pid = -1;
    ch->done = NULL;
    ch->arg = NULL;
}

bool child_ok(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
