/* coord_tool: read (and, for test set-up, write) coordinator nodes from a
 * shell test, through lib/coord, on either store. Not a test itself: the
 * integration scripts call it (t/lib-dashboard.sh coord_node and friends)
 * to check what the dashboard and codis-config wrote to ZooKeeper.
 *
 *   coord_tool KIND ADDR TIMEOUT_MS get PATH
 *       print the data of PATH and a newline; exit 1 if there is no node
 *   coord_tool KIND ADDR TIMEOUT_MS children PATH
 *       print the names of PATH's children, one a line, sorted
 *   coord_tool KIND ADDR TIMEOUT_MS create PATH DATA
 *       create PATH (persistent, missing parents too) holding DATA
 *   coord_tool KIND ADDR TIMEOUT_MS lock DIR DATA
 *       take the lock DIR (coord_lock), print the held node's path, then
 *       hold it until SIGTERM or SIGINT (a kill -9 leaves it to the store)
 *
 * KIND and ADDR as for coord_open ("zookeeper" 127.0.0.1:2181, or
 * "filesystem" DIR); TIMEOUT_MS is the ZooKeeper session timeout. Errors
 * go to stderr with exit status 2 (1 only for "no such node"). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/coord.h"
#include "lib/mem.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: coord_tool KIND ADDR TIMEOUT_MS "
                    "get PATH | children PATH | create PATH DATA | "
                    "lock DIR DATA\n");
    return 2;
}

/* Exit status for a coordinator result: 1 for a missing node. */
static int fail(const char *what, const char *path, int rc)
{
    fprintf(stderr, "coord_tool: %s '%s': %s\n", what, path,
            coord_strerror(rc));
    return rc == COORD_NONODE ? 1 : 2;
}

static int cmd_get(struct coord *coord, const char *path)
{
    char *data = NULL;
    size_t len = 0;
    int rc = coord_get(coord, path, &data, &len, NULL);
    if (rc != COORD_OK) {
        return fail("get", path, rc);
    }
    int bad = fwrite(data, 1, len, stdout) != len || putchar('\n') == EOF;
    mem_free(data);
    return bad ? 2 : 0;
}

static int cmd_children(struct coord *coord, const char *path)
{
    char **names = NULL;
    size_t count = 0;
    int rc = coord_children(coord, path, &names, &count);
    if (rc != COORD_OK) {
        return fail("children of", path, rc);
    }
    int bad = 0;
    for (size_t i = 0; i < count && !bad; i++) {
        bad = printf("%s\n", names[i]) < 0;
    }
    coord_free_names(names, count);
    return bad ? 2 : 0;
}

static int cmd_create(struct coord *coord, const char *path,
                      const char *data)
{
    char parent[1024];
    int w = snprintf(parent, sizeof(parent), "%s", path);
    if (w < 0 || (size_t)w >= sizeof(parent)) {
        fprintf(stderr, "coord_tool: path too long\n");
        return 2;
    }
    char *slash = strrchr(parent, '/');
    if (slash != NULL && slash != parent) {
        *slash = '\0';
        int rc = coord_create_all(coord, parent);
        if (rc != COORD_OK) {
            return fail("create", parent, rc);
        }
    }
    int rc = coord_create(coord, path, data, strlen(data), COORD_PERSISTENT,
                          NULL, 0);
    return rc == COORD_OK ? 0 : fail("create", path, rc);
}

static int cmd_lock(struct coord *coord, const char *dir, const char *data)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 ||
        sigaction(SIGINT, &sa, NULL) != 0) {
        fprintf(stderr, "coord_tool: sigaction: %s\n", strerror(errno));
        return 2;
    }
    char held[1024];
    int rc = coord_lock(coord, dir, data, held, sizeof(held));
    if (rc != COORD_OK) {
        return fail("lock", dir, rc);
    }
    if (printf("%s\n", held) < 0 || fflush(stdout) != 0) {
        coord_unlock(coord, held);
        return 2;
    }
    while (!stop_requested) {
        pause();
    }
    rc = coord_unlock(coord, held);
    return rc == COORD_OK ? 0 : fail("unlock", held, rc);
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        return usage();
    }
    char *end;
    errno = 0;
    long timeout_ms = strtol(argv[3], &end, 10);
    if (*argv[3] == '\0' || *end != '\0' || errno != 0 || timeout_ms <= 0 ||
        timeout_ms > INT_MAX) {
        fprintf(stderr, "coord_tool: invalid TIMEOUT_MS '%s'\n", argv[3]);
        return 2;
    }
    const char *cmd = argv[4];
    bool two_args = strcmp(cmd, "create") == 0 || strcmp(cmd, "lock") == 0;
    if (argc != (two_args ? 7 : 6)) {
        return usage();
    }
    char err[512];
    struct coord *coord = coord_open(argv[1], argv[2], (int)timeout_ms, NULL,
                                     err, sizeof(err));
    if (coord == NULL) {
        fprintf(stderr, "coord_tool: %s\n", err);
        return 2;
    }
    int status;
    if (strcmp(cmd, "get") == 0) {
        status = cmd_get(coord, argv[5]);
    } else if (strcmp(cmd, "children") == 0) {
        status = cmd_children(coord, argv[5]);
    } else if (strcmp(cmd, "create") == 0) {
        status = cmd_create(coord, argv[5], argv[6]);
    } else if (strcmp(cmd, "lock") == 0) {
        status = cmd_lock(coord, argv[5], argv[6]);
    } else {
        status = usage();
    }
    coord_close(coord);
    return status;
}
