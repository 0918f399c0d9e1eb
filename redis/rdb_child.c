/* A snapshot child that reports through a pipe: the AOF rewrite (aof.c)
 * and the RDB for replicas (replication.c) both fork a child that saves
 * the dataset to a file (rdb_save_file) and writes one status byte, 0 for
 * success, to a pipe that the parent watches on its event loop; the
 * parent then reaps the child by pid. So neither depends on SIGCHLD or on
 * who else reaps children. Not here: BGSAVE, which is reaped on SIGCHLD
 * (rdb.c), and what each caller does with the file.
 *
 *   rdb_child_fork    fork, return the pid and the pipe's read end
 *   rdb_child_status  the byte arrived: read it, reap the child */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "redis/rdb.h"

pid_t rdb_child_fork(const char *path, int *status_fd, char *err,
                     size_t errlen)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        char status = rdb_save_file(path) == 0 ? 0 : 1;
        ssize_t ignored = write(fds[1], &status, 1);
        (void)ignored;
        _exit(status);
    }
    close(fds[1]);
    *status_fd = fds[0];
    return pid;
}

int rdb_child_status(int fd, pid_t pid, const char *what)
{
    char status = 1;
    ssize_t got = read(fd, &status, 1);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        return -1;
    }
    if (waitpid(pid, NULL, 0) < 0 && errno != ECHILD) {
        log_warn("cannot reap the %s child %d: %s", what, (int)pid,
                 strerror(errno));
    }
    return got == 1 && status == 0 ? 1 : 0;
}
