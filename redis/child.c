/* The server's child processes; see child.h. */
#include "redis/child.h"

#include <errno.h>
#include <fcntl.h>
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

/* A report of a snapshot child over the info pipe; smaller than
 * PIPE_BUF, so each write is whole or nothing. */
struct child_msg {
    long long keys;      /* keys written so far */
    long long cow;       /* private dirty bytes, or -1 if not measured */
    long long net_bytes; /* sent to replicas' sockets by the child */
    int final;           /* the last report, just before _exit */
};

static struct child_progress child_prog;
static int child_info_rfd = -1; /* parent: read end for the running child */
static int child_info_wfd = -1; /* child: write end, -1 in the parent */
static enum child_type child_info_type;  /* kind that owns the pipe */
static long long child_info_final_cow = -1; /* cow in its final report */

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

/* Read the reports waiting in the info pipe. */
static void child_info_read(void)
{
    struct child_msg m;
    while (child_info_rfd >= 0) {
        ssize_t n = read(child_info_rfd, &m, sizeof(m));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n != (ssize_t)sizeof(m)) {
            return;
        }
        child_prog.keys_processed = m.keys;
        if (m.cow >= 0) {
            child_prog.cow_size = m.cow;
            if (m.cow > child_prog.cow_peak) {
                child_prog.cow_peak = m.cow;
            }
            child_prog.cow_updated_ms = server.mstime;
        }
        if (m.final) {
            child_info_final_cow = m.cow;
            server.stat_net_repl_output_bytes += m.net_bytes;
        }
    }
}

/* The snapshot child of 'type' ended: keep its final cow size, forget
 * its current state. */
static void child_info_close(enum child_type type)
{
    if (child_info_rfd < 0 || child_info_type != type) {
        return;
    }
    child_info_read();
    if (child_info_final_cow >= 0) {
        /* A replication RDB is an RDB: Redis's rdb_last_cow_size tells
         * the last one of either. */
        child_prog.last_cow[type == CHILD_REPL ? CHILD_RDB : type] =
            child_info_final_cow;
    }
    close(child_info_rfd);
    child_info_rfd = -1;
    child_prog.keys_total = child_prog.keys_processed = 0;
    child_prog.cow_size = child_prog.cow_peak = 0;
    child_prog.cow_updated_ms = 0;
}

const struct child_progress *child_progress(void)
{
    child_info_read();
    return &child_prog;
}

/* Private dirty bytes of this process: what it copied on write since the
 * fork plus what it allocated itself. -1 if /proc cannot tell. */
static long long child_private_dirty(void)
{
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (f == NULL) {
        f = fopen("/proc/self/smaps", "r");
    }
    if (f == NULL) {
        return -1;
    }
    char line[256];
    long long total = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        long long kb;
        if (sscanf(line, "Private_Dirty: %lld kB", &kb) == 1) {
            total += kb * 1024;
        }
    }
    fclose(f);
    return total;
}

void child_report(long long keys, long long net_bytes, bool final)
{
    static long long last_ms;
    if (child_info_wfd < 0) {
        return;
    }
    if (!final) {
        if ((keys & 1023) != 0) {
            return;
        }
        long long now = server_mstime();
        if (now - last_ms < 1000) {
            return;
        }
        last_ms = now;
    }
    struct child_msg m;
    memset(&m, 0, sizeof(m));
    m.keys = keys;
    m.cow = child_private_dirty();
    m.net_bytes = net_bytes;
    m.final = final;
    /* A full pipe (a parent that does not read) drops the report: the
     * child never waits for it. */
    ssize_t n;
    do {
        n = write(child_info_wfd, &m, sizeof(m));
    } while (n < 0 && errno == EINTR);
}

/* Forget the child of 'type' and tell its owner how it ended. */
static void child_done(enum child_type type, int status)
{
    child_info_close(type);
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
    child_info_read();
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
    if (child_info_rfd >= 0) {
        close(child_info_rfd);
        child_info_rfd = -1;
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
    int info[2] = { -1, -1 };
    if (child_is_snapshot(type) && pipe2(info, O_CLOEXEC | O_NONBLOCK) != 0) {
        /* The child runs without telling its progress. */
        log_warn("cannot make the child info pipe: %s", strerror(errno));
        info[0] = info[1] = -1;
    }
    long long keys = 0;
    for (int i = 0; i < server.databases; i++) {
        keys += (long long)db_size(&server.db[i]);
    }
    long long start = server_ustime();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot fork: %s", strerror(errno));
        if (info[0] >= 0) {
            close(info[0]);
            close(info[1]);
        }
        return -1;
    }
    if (pid == 0) {
        if (info[0] >= 0) {
            close(info[0]);
        }
        if (child_info_rfd >= 0) {
            close(child_info_rfd);
            child_info_rfd = -1;
        }
        child_info_wfd = info[1];
    } else if (info[0] >= 0) {
        close(info[1]);
        child_info_rfd = info[0];
        child_info_type = type;
        child_info_final_cow = -1;
        child_prog.keys_total = keys;
        child_prog.keys_processed = 0;
        child_prog.cow_size = child_prog.cow_peak = 0;
        child_prog.cow_updated_ms = 0;
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
        int rc = rdb_save_file(path);
        child_report(rdb_state.keys_saved, 0, true);
        _exit(rc == 0 ? 0 : 1);
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
    child_info_close(type);
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
