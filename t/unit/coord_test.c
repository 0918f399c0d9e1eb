/* Unit tests for lib/coord: one suite, run against the embedded store
 * (always, in a fresh directory) and against ZooKeeper when CODIS_TEST_ZK
 * holds its address (t/5001-coord-zk.sh starts one and sets it). Other
 * processes are this binary run again as "coord_test.t --child ..." (fork
 * and exec), so a kill -9 is a real crash of a real owner. */
#include "t/unit/tap.h"

#include <errno.h>
#include <event2/event.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "lib/coord.h"
#include "lib/coord_zk.h"
#include "lib/mem.h"

/* How long anything may take before a test gives up, in seconds. */
#define WAIT_SECONDS 20

/* Session timeout of child processes: short, so that ZooKeeper notices a
 * killed child soon. */
#define CHILD_TIMEOUT_MS 1000

/* One run of the suite against one store. */
struct suite {
    const char *kind;   /* "filesystem" or "zookeeper" */
    char addr[PATH_MAX]; /* the directory or the host list */
    char root[64];      /* every test node lives below this path */
    struct event_base *base;
    struct coord *c;    /* the main handle, watching on 'base' */
};

/* What a watch callback saw. */
struct hits {
    int count;
    char path[256];
    struct event_base *base;
};

static char title_buf[256];

/* The thread running the tests (and the event base), and how many
 * callbacks ran in another thread. */
static pthread_t main_thread;
static int foreign_calls;

/* The title "<kind>: <what>". */
static const char *title(const struct suite *s, const char *what)
{
    snprintf(title_buf, sizeof(title_buf), "%s: %s", s->kind, what);
    return title_buf;
}

/* The path 'rel' below the suite's root, in a static buffer (one of
 * four, so a call can take a few). */
static const char *P(const struct suite *s, const char *rel)
{
    static char bufs[4][512];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof(bufs[0]), "%s%s", s->root, rel);
    return b;
}

static void on_watch(struct coord *coord, const char *path, void *arg)
{
    struct hits *h = arg;
    foreign_calls += !pthread_equal(pthread_self(), main_thread);
    h->count++;
    snprintf(h->path, sizeof(h->path), "%s", path);
    event_base_loopbreak(h->base);
}

/* Run the loop until '*count' reaches 'want' or the deadline passes.
 * Returns whether it did. */
static bool wait_count(struct suite *s, const int *count, int want)
{
    time_t deadline = time(NULL) + WAIT_SECONDS;
    while (*count < want && time(NULL) < deadline) {
        struct timeval tv = { 0, 200 * 1000 };
        event_base_loopexit(s->base, &tv);
        event_base_dispatch(s->base);
    }
    return *count >= want;
}

/* ---- child processes -------------------------------------------------- */

/* Start this binary as "--child <kind> <addr> <op> <path>"; its stdout is
 * read through '*out_fd'. Returns the pid. */
static pid_t spawn(const struct suite *s, const char *op, const char *path,
                   int *out_fd)
{
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(2);
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        char *args[] = { "coord_test", "--child", (char *)s->kind,
                         (char *)s->addr, (char *)op, (char *)path, NULL };
        execv("/proc/self/exe", args);
        _exit(127);
    }
    close(fds[1]);
    *out_fd = fds[0];
    return pid;
}

/* Read one line from a child's stdout into 'line' ("" on EOF). */
static void read_line(int fd, char *line, size_t len)
{
    size_t used = 0;
    while (used + 1 < len) {
        char ch;
        ssize_t n = read(fd, &ch, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0 || ch == '\n') {
            break;
        }
        line[used++] = ch;
    }
    line[used] = '\0';
}

/* Wait for 'pid'; returns its exit status, or 128 + signal. */
static int reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Run a child to completion; returns its exit status. */
static int run_child(const struct suite *s, const char *op, const char *path)
{
    int fd;
    pid_t pid = spawn(s, op, path, &fd);
    char line[256];
    read_line(fd, line, sizeof(line));
    close(fd);
    return reap(pid);
}

/* The child side: do 'op' on 'path' and report on stdout. "ephemeral" and
 * "lock" then wait to be killed. */
static int child_main(const char *kind, const char *addr, const char *op,
                      const char *path)
{
    char err[256];
    struct coord *c = coord_open(kind, addr, CHILD_TIMEOUT_MS, NULL, err,
                                 sizeof(err));
    if (c == NULL) {
        printf("error %s\n", err);
        return 1;
    }
    int rc = 0;
    char held[512];
    if (strcmp(op, "ephemeral") == 0) {
        rc = coord_create(c, path, "x", 1, COORD_EPHEMERAL, NULL, 0);
    } else if (strcmp(op, "lock") == 0) {
        rc = coord_lock(c, path, "{\"pid\": 1}", held, sizeof(held));
    } else if (strcmp(op, "create") == 0) {
        rc = coord_create(c, path, "x", 1, COORD_PERSISTENT, NULL, 0);
    } else if (strcmp(op, "remove") == 0) {
        rc = coord_remove(c, path, -1);
    } else if (strcmp(op, "seqmany") == 0) {
        for (int i = 0; i < 50 && rc == 0; i++) {
            rc = coord_create(c, path, NULL, 0, COORD_SEQUENTIAL, NULL, 0);
        }
    } else {
        rc = COORD_ERROR;
        snprintf(c->err, sizeof(c->err), "unknown op '%s'", op);
    }
    if (rc < 0) {
        printf("error %s\n", c->err);
        fflush(stdout);
        coord_close(c);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    if (strcmp(op, "ephemeral") == 0 || strcmp(op, "lock") == 0) {
        for (;;) {
            pause();
        }
    }
    coord_close(c);
    return 0;
}

/* ---- the suite -------------------------------------------------------- */

static void test_basic(struct suite *s)
{
    struct coord *c = s->c;
    char created[512];
    char *data;
    size_t len;
    int version = -7;

    tap_int(coord_create(c, P(s, "/a"), "hello", 5, COORD_PERSISTENT,
                         created, sizeof(created)),
            0, title(s, "create a node"));
    tap_str(created, P(s, "/a"), title(s, "create reports the path"));
    tap_int(coord_get(c, P(s, "/a"), &data, &len, &version), 0,
            title(s, "get it"));
    tap_str(data, "hello", title(s, "get returns the data"));
    tap_int(len, 5, title(s, "get returns the length"));
    tap_int(version, 0, title(s, "a new node has version 0"));
    mem_free(data);
    tap_int(coord_create(c, P(s, "/a"), "x", 1, COORD_PERSISTENT, NULL, 0),
            COORD_EXISTS, title(s, "create twice: exists"));
    tap_int(coord_create(c, P(s, "/no/child"), "x", 1, COORD_PERSISTENT,
                         NULL, 0),
            COORD_NONODE, title(s, "create without parent: no node"));
    tap_int(coord_get(c, P(s, "/missing"), &data, &len, NULL), COORD_NONODE,
            title(s, "get of a missing node: no node"));
    tap_ok(data == NULL, title(s, "get of a missing node gives no data"));
    tap_ok(strstr(c->err, "node does not exist") != NULL,
           title(s, "the error text says why"));
    tap_int(coord_exists(c, P(s, "/a")), 1, title(s, "exists: yes"));
    tap_int(coord_exists(c, P(s, "/missing")), 0, title(s, "exists: no"));

    tap_int(coord_set(c, P(s, "/a"), "world!", 6, 0), 0,
            title(s, "set with the right version"));
    tap_int(coord_get(c, P(s, "/a"), &data, &len, &version), 0,
            title(s, "get after set"));
    tap_str(data, "world!", title(s, "set replaced the data"));
    tap_int(version, 1, title(s, "set bumped the version"));
    mem_free(data);
    tap_int(coord_set(c, P(s, "/a"), "lost", 4, 0), COORD_BADVERSION,
            title(s, "set with a stale version: bad version"));
    tap_int(coord_set(c, P(s, "/a"), "any", 3, -1), 0,
            title(s, "set with version -1"));
    tap_int(coord_get(c, P(s, "/a"), &data, &len, &version), 0,
            title(s, "get after set -1"));
    tap_ok(version == 2 && strcmp(data, "any") == 0,
           title(s, "set -1 wrote and bumped the version"));
    mem_free(data);
    tap_int(coord_set(c, P(s, "/missing"), "x", 1, -1), COORD_NONODE,
            title(s, "set of a missing node: no node"));

    tap_int(coord_create(c, P(s, "/empty"), NULL, 0, COORD_PERSISTENT, NULL,
                         0),
            0, title(s, "create with no data"));
    tap_int(coord_get(c, P(s, "/empty"), &data, &len, NULL), 0,
            title(s, "get an empty node"));
    tap_ok(data != NULL && data[0] == '\0' && len == 0,
           title(s, "an empty node reads as \"\""));
    mem_free(data);
    tap_int(coord_create(c, P(s, "/bin"), "a\0b\n", 4, COORD_PERSISTENT,
                         NULL, 0),
            0, title(s, "create with binary data"));
    tap_int(coord_get(c, P(s, "/bin"), &data, &len, NULL), 0,
            title(s, "get binary data"));
    tap_ok(len == 4 && memcmp(data, "a\0b\n", 4) == 0,
           title(s, "binary data round-trips"));
    mem_free(data);

    tap_int(coord_remove(c, P(s, "/a"), 0), COORD_BADVERSION,
            title(s, "remove with a stale version: bad version"));
    tap_int(coord_create(c, P(s, "/a/c"), NULL, 0, COORD_PERSISTENT, NULL,
                         0),
            0, title(s, "create a child"));
    tap_int(coord_remove(c, P(s, "/a"), -1), COORD_NOTEMPTY,
            title(s, "remove a node with children: not empty"));
    tap_int(coord_remove(c, P(s, "/a/c"), -1), 0, title(s, "remove a leaf"));
    tap_int(coord_remove(c, P(s, "/a"), 2), 0,
            title(s, "remove with the right version"));
    tap_int(coord_remove(c, P(s, "/a"), -1), COORD_NONODE,
            title(s, "remove twice: no node"));
    tap_int(coord_exists(c, P(s, "/a")), 0, title(s, "removed is gone"));

    tap_int(coord_create(c, "a/b", NULL, 0, 0, NULL, 0), COORD_ERROR,
            title(s, "a relative path is refused"));
    tap_ok(strstr(c->err, "invalid path 'a/b'") != NULL,
           title(s, "the refusal names the path"));
    tap_int(coord_create(c, P(s, "//b"), NULL, 0, 0, NULL, 0), COORD_ERROR,
            title(s, "an empty component is refused"));
    tap_int(coord_get(c, P(s, "/"), &data, &len, NULL), COORD_ERROR,
            title(s, "a trailing slash is refused"));
    tap_int(coord_exists(c, P(s, "/../x")), COORD_ERROR,
            title(s, "'..' is refused"));
    tap_int(coord_remove(c, "/", -1), COORD_ERROR,
            title(s, "the root cannot be removed"));
}

/* Join the 'count' names with commas into 'out'. */
static void join(char **names, size_t count, char *out, size_t len)
{
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s", i ? "," : "", names[i]);
    }
}

static void test_children(struct suite *s)
{
    struct coord *c = s->c;
    char **names;
    size_t count;
    char list[1024];
    const char *kids[] = { "b", "a", "c", "aa", "B" };
    int rc = coord_create(c, P(s, "/ch"), NULL, 0, 0, NULL, 0);
    for (size_t i = 0; i < 5 && rc == 0; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", P(s, "/ch"), kids[i]);
        rc = coord_create(c, path, NULL, 0, 0, NULL, 0);
    }
    tap_int(rc, 0, title(s, "create children"));
    tap_int(coord_children(c, P(s, "/ch"), &names, &count), 0,
            title(s, "list children"));
    join(names, count, list, sizeof(list));
    coord_free_names(names, count);
    tap_str(list, "B,a,aa,b,c", title(s, "children come sorted bytewise"));
    tap_int(coord_children(c, P(s, "/ch/a"), &names, &count), 0,
            title(s, "list a leaf's children"));
    tap_int(count, 0, title(s, "a leaf has none"));
    coord_free_names(names, count);
    tap_int(coord_children(c, P(s, "/nothere"), &names, &count),
            COORD_NONODE, title(s, "children of a missing node: no node"));

    tap_int(coord_create(c, P(s, "/seq"), NULL, 0, 0, NULL, 0), 0,
            title(s, "create a parent for sequential nodes"));
    char c1[512], c2[512], c3[512], want[512];
    tap_int(coord_create(c, P(s, "/seq/n-"), "1", 1, COORD_SEQUENTIAL, c1,
                         sizeof(c1)),
            0, title(s, "create a sequential node"));
    snprintf(want, sizeof(want), "%s/n-0000000000", P(s, "/seq"));
    tap_str(c1, want, title(s, "the first name ends in 10 zeros"));
    tap_int(coord_create(c, P(s, "/seq/n-"), "2", 1, COORD_SEQUENTIAL, c2,
                         sizeof(c2)),
            0, title(s, "create another"));
    snprintf(want, sizeof(want), "%s/n-0000000001", P(s, "/seq"));
    tap_str(c2, want, title(s, "the counter goes up"));
    tap_int(coord_create(c, P(s, "/seq/"), "3", 1, COORD_SEQUENTIAL, c3,
                         sizeof(c3)),
            0, title(s, "a sequential name may be only the counter"));
    snprintf(want, sizeof(want), "%s/0000000002", P(s, "/seq"));
    tap_str(c3, want, title(s, "its name is the bare counter"));
    tap_int(coord_children(c, P(s, "/seq"), &names, &count), 0,
            title(s, "list sequential children"));
    join(names, count, list, sizeof(list));
    coord_free_names(names, count);
    tap_str(list, "0000000002,n-0000000000,n-0000000001",
            title(s, "sequential children listed"));

    tap_int(coord_create_all(c, P(s, "/deep/a/b/c")), 0,
            title(s, "create_all makes the parents"));
    tap_int(coord_exists(c, P(s, "/deep/a/b/c")), 1,
            title(s, "create_all made the node"));
    tap_int(coord_create_all(c, P(s, "/deep/a/b/c")), 0,
            title(s, "create_all of an existing node is fine"));
    tap_int(coord_create(c, P(s, "/deep/a/x"), NULL, 0, 0, NULL, 0), 0,
            title(s, "a second branch"));
    tap_int(coord_remove_all(c, P(s, "/deep")), 0,
            title(s, "remove_all removes the tree"));
    tap_int(coord_exists(c, P(s, "/deep")), 0,
            title(s, "the tree is gone"));
    tap_int(coord_remove_all(c, P(s, "/deep")), 0,
            title(s, "remove_all of a missing node is fine"));

    /* Two processes take sequential numbers at once: none is lost or
     * given twice. */
    tap_int(coord_create(c, P(s, "/race"), NULL, 0, 0, NULL, 0), 0,
            title(s, "create a parent for two writers"));
    int fd1, fd2;
    pid_t p1 = spawn(s, "seqmany", P(s, "/race/s-"), &fd1);
    pid_t p2 = spawn(s, "seqmany", P(s, "/race/s-"), &fd2);
    char l1[256], l2[256];
    read_line(fd1, l1, sizeof(l1));
    read_line(fd2, l2, sizeof(l2));
    close(fd1);
    close(fd2);
    int st1 = reap(p1), st2 = reap(p2);
    tap_ok(st1 == 0 && st2 == 0, title(s, "two writers both succeed"));
    if (st1 != 0 || st2 != 0) {
        printf("# %s / %s\n", l1, l2);
    }
    tap_int(coord_children(c, P(s, "/race"), &names, &count), 0,
            title(s, "list their nodes"));
    coord_free_names(names, count);
    tap_int(count, 100, title(s, "every sequential create made a node"));
}

static void test_ephemeral(struct suite *s)
{
    struct coord *c = s->c;
    char err[256];
    struct coord *c2 = coord_open(s->kind, s->addr, 10000, NULL, err,
                                  sizeof(err));
    tap_ok(c2 != NULL, title(s, "open a second handle"));
    if (c2 == NULL) {
        printf("# %s\n", err);
        return;
    }
    tap_int(coord_create(c2, P(s, "/eph"), "me", 2, COORD_EPHEMERAL, NULL,
                         0),
            0, title(s, "create an ephemeral node"));
    tap_int(coord_create(c2, P(s, "/kept"), "me", 2, COORD_PERSISTENT, NULL,
                         0),
            0, title(s, "and a persistent one"));
    tap_int(coord_exists(c, P(s, "/eph")), 1,
            title(s, "others see the ephemeral node"));
    tap_int(coord_create(c, P(s, "/eph/kid"), NULL, 0, 0, NULL, 0),
            COORD_ERROR, title(s, "an ephemeral node has no children"));
    char held[512];
    tap_int(coord_create(c2, P(s, "/eseq-"), NULL, 0,
                         COORD_EPHEMERAL | COORD_SEQUENTIAL, held,
                         sizeof(held)),
            0, title(s, "create an ephemeral sequential node"));
    coord_close(c2);
    tap_int(coord_exists(c, P(s, "/eph")), 0,
            title(s, "the ephemeral node is gone after close"));
    tap_int(coord_exists(c, held), 0,
            title(s, "the ephemeral sequential node too"));
    tap_int(coord_exists(c, P(s, "/kept")), 1,
            title(s, "the persistent node stays"));

    /* The owner is killed: the node must vanish, and its watch fire. */
    int fd;
    char line[256];
    pid_t pid = spawn(s, "ephemeral", P(s, "/kid"), &fd);
    read_line(fd, line, sizeof(line));
    close(fd);
    tap_str(line, "ready", title(s, "a child creates an ephemeral node"));
    tap_int(coord_exists(c, P(s, "/kid")), 1,
            title(s, "the child's node exists"));
    struct hits h = { .base = s->base };
    tap_int(coord_watch_data(c, P(s, "/kid"), on_watch, &h), 0,
            title(s, "watch the child's node"));
    kill(pid, SIGKILL);
    tap_int(reap(pid), 128 + SIGKILL, title(s, "kill -9 the child"));
    tap_ok(wait_count(s, &h.count, 1),
           title(s, "the watch fires when the owner dies"));
    tap_int(coord_exists(c, P(s, "/kid")), 0,
            title(s, "the dead child's node is gone"));
}

static void test_watches(struct suite *s)
{
    struct coord *c = s->c;
    struct hits w = { .base = s->base }, w2 = { .base = s->base };
    struct hits d = { .base = s->base }, ch = { .base = s->base };
    struct hits sent = { .base = s->base };

    coord_create(c, P(s, "/w"), "1", 1, 0, NULL, 0);
    tap_int(coord_watch_data(c, P(s, "/w"), on_watch, &w), 0,
            title(s, "watch a node's data"));
    coord_set(c, P(s, "/w"), "2", 1, -1);
    tap_ok(wait_count(s, &w.count, 1), title(s, "a set fires the watch"));
    tap_str(w.path, P(s, "/w"), title(s, "the watch names its path"));
    coord_set(c, P(s, "/w"), "3", 1, -1);
    tap_int(coord_watch_data(c, P(s, "/w2"), on_watch, &w2), 0,
            title(s, "watch a missing node"));
    coord_create(c, P(s, "/w2"), NULL, 0, 0, NULL, 0);
    tap_ok(wait_count(s, &w2.count, 1), title(s, "a create fires it"));
    tap_int(w.count, 1, title(s, "a watch fires only once"));
    tap_int(coord_watch_data(c, P(s, "/w2"), on_watch, &w2), 0,
            title(s, "watch it again"));
    coord_remove(c, P(s, "/w2"), -1);
    tap_ok(wait_count(s, &w2.count, 2), title(s, "a delete fires it"));

    coord_create(c, P(s, "/dir"), NULL, 0, 0, NULL, 0);
    tap_int(coord_watch_children(c, P(s, "/dir"), on_watch, &ch), 0,
            title(s, "watch a node's children"));
    tap_int(coord_watch_data(c, P(s, "/dir"), on_watch, &d), 0,
            title(s, "and its data"));
    coord_create(c, P(s, "/dir/x"), NULL, 0, 0, NULL, 0);
    tap_ok(wait_count(s, &ch.count, 1), title(s, "a new child fires it"));
    tap_str(ch.path, P(s, "/dir"), title(s, "the children watch names it"));
    tap_int(coord_watch_children(c, P(s, "/dir"), on_watch, &ch), 0,
            title(s, "watch the children again"));
    coord_remove(c, P(s, "/dir/x"), -1);
    tap_ok(wait_count(s, &ch.count, 2), title(s, "a removed child fires it"));
    coord_watch_data(c, P(s, "/sentinel"), on_watch, &sent);
    coord_create(c, P(s, "/sentinel"), NULL, 0, 0, NULL, 0);
    wait_count(s, &sent.count, 1);
    tap_int(d.count, 0, title(s, "children changes do not fire a data watch"));

    tap_int(coord_watch_children(c, P(s, "/dir"), on_watch, &ch), 0,
            title(s, "watch the children once more"));
    tap_int(run_child(s, "create", P(s, "/dir/z")), 0,
            title(s, "another process adds a child"));
    tap_ok(wait_count(s, &ch.count, 3),
           title(s, "a child added by another process fires the watch"));
    struct hits z = { .base = s->base };
    tap_int(coord_watch_data(c, P(s, "/dir/z"), on_watch, &z), 0,
            title(s, "watch that child"));
    tap_int(coord_watch_children(c, P(s, "/dir"), on_watch, &ch), 0,
            title(s, "and the children"));
    tap_int(run_child(s, "remove", P(s, "/dir/z")), 0,
            title(s, "another process removes it"));
    tap_ok(wait_count(s, &z.count, 1) && wait_count(s, &ch.count, 4),
           title(s, "a delete by another process fires both watches"));
    coord_set(c, P(s, "/dir"), "x", 1, -1);
    tap_ok(wait_count(s, &d.count, 1), title(s, "the data watch still works"));

    tap_int(coord_watch_children(c, P(s, "/nothere"), on_watch, &ch),
            COORD_NONODE, title(s, "children watch of a missing node"));
    char err[256];
    struct coord *plain = coord_open(s->kind, s->addr, 10000, NULL, err,
                                     sizeof(err));
    tap_ok(plain != NULL &&
               coord_watch_data(plain, P(s, "/w"), on_watch, &w) ==
                   COORD_ERROR,
           title(s, "no watches without an event base"));
    coord_close(plain);
}

static void test_lock(struct suite *s)
{
    struct coord *c = s->c;
    char held[512], held2[512], err[256];
    char **names;
    size_t count;
    tap_int(coord_lock(c, P(s, "/locks/LOCK"), "{\"pid\": 0}", held,
                       sizeof(held)),
            0, title(s, "take a lock (its directory is created)"));
    tap_ok(strncmp(held, P(s, "/locks/LOCK/lock-"),
                   strlen(P(s, "/locks/LOCK/lock-"))) == 0 &&
               strlen(held) == strlen(P(s, "/locks/LOCK/lock-")) + 10,
           title(s, "the lock node is lock-<10 digits>"));
    struct coord *c2 = coord_open(s->kind, s->addr, 10000, NULL, err,
                                  sizeof(err));
    if (c2 == NULL) {
        tap_ok(0, title(s, "open a second handle"));
        printf("# %s\n", err);
        return;
    }
    tap_int(coord_lock(c2, P(s, "/locks/LOCK"), "", held2, sizeof(held2)),
            COORD_LOCKED, title(s, "a second taker is refused"));
    tap_ok(strstr(c2->err, held) != NULL,
           title(s, "the refusal names the holder"));
    tap_int(coord_children(c, P(s, "/locks/LOCK"), &names, &count), 0,
            title(s, "list lock nodes"));
    coord_free_names(names, count);
    tap_int(count, 1, title(s, "the refused taker left no node"));
    tap_int(coord_unlock(c, held), 0, title(s, "unlock"));
    tap_int(coord_lock(c2, P(s, "/locks/LOCK"), "", held2, sizeof(held2)), 0,
            title(s, "then the second taker gets it"));
    coord_close(c2);

    int fd;
    char line[256];
    pid_t pid = spawn(s, "lock", P(s, "/locks/LOCK"), &fd);
    read_line(fd, line, sizeof(line));
    close(fd);
    tap_str(line, "ready", title(s, "a child takes the lock"));
    tap_int(coord_lock(c, P(s, "/locks/LOCK"), "", held, sizeof(held)),
            COORD_LOCKED, title(s, "the child holds it"));
    kill(pid, SIGKILL);
    reap(pid);
    int rc = COORD_LOCKED;
    time_t deadline = time(NULL) + WAIT_SECONDS;
    /* Static: the last watch set here is still pending when we return. */
    static struct hits h;
    while (rc == COORD_LOCKED && time(NULL) < deadline) {
        h = (struct hits){ .base = s->base };
        coord_watch_children(c, P(s, "/locks/LOCK"), on_watch, &h);
        rc = coord_lock(c, P(s, "/locks/LOCK"), "", held, sizeof(held));
        if (rc == COORD_LOCKED) {
            wait_count(s, &h.count, 1);
        }
    }
    tap_int(rc, 0, title(s, "a lock is free once its holder is killed"));
    coord_unlock(c, held);
}

/* Session events seen by on_session. */
struct sessions {
    int expired;
    int connected;
    struct event_base *base;
};

static void on_session(struct coord *coord, enum coord_session_event event,
                       void *arg)
{
    struct sessions *ss = arg;
    foreign_calls += !pthread_equal(pthread_self(), main_thread);
    if (event == COORD_SESSION_EXPIRED) {
        ss->expired++;
    } else {
        ss->connected++;
    }
    event_base_loopbreak(ss->base);
}

/* ZooKeeper only: an expired session is reported, then replaced. */
static void test_session(struct suite *s)
{
    struct coord *c = s->c;
    struct sessions ss = { .base = s->base };
    char err[256];
    coord_set_session_fn(c, on_session, &ss);
    tap_int(coord_create(c, P(s, "/sess"), NULL, 0, COORD_EPHEMERAL, NULL,
                         0),
            0, title(s, "create an ephemeral node"));
    int rc = coord_zk_expire(c, err, sizeof(err));
    if (!tap_ok(rc == 0, title(s, "end the session from the server"))) {
        printf("# %s\n", err);
    }
    tap_ok(wait_count(s, &ss.expired, 1),
           title(s, "the expiry is reported"));
    tap_ok(wait_count(s, &ss.connected, 1),
           title(s, "then the new session"));
    tap_int(coord_exists(c, P(s, "/sess")), 0,
            title(s, "the old session's ephemeral node is gone"));
    tap_int(coord_create(c, P(s, "/sess"), NULL, 0, COORD_EPHEMERAL, NULL,
                         0),
            0, title(s, "the new session creates it again"));
    coord_set_session_fn(c, NULL, NULL);
}

static void test_strerror(void)
{
    int codes[] = { COORD_OK, COORD_ERROR, COORD_NONODE, COORD_EXISTS,
                    COORD_BADVERSION, COORD_NOTEMPTY, COORD_LOCKED };
    bool distinct = true;
    for (size_t i = 0; i < 7; i++) {
        for (size_t j = 0; j < i; j++) {
            distinct = distinct && strcmp(coord_strerror(codes[i]),
                                          coord_strerror(codes[j])) != 0;
        }
    }
    tap_ok(distinct, "each status has its own text");
    tap_str(coord_strerror(COORD_NONODE), "node does not exist",
            "the text of no node");
}

/* Run the suite against the store 'kind' at 'addr'. */
static void run_suite(const char *kind, const char *addr, const char *root)
{
    struct suite s = { .kind = kind };
    char err[256];
    snprintf(s.addr, sizeof(s.addr), "%s", addr);
    snprintf(s.root, sizeof(s.root), "%s", root);
    s.base = event_base_new();
    s.c = coord_open(kind, addr, 10000, s.base, err, sizeof(err));
    if (!tap_ok(s.c != NULL, title(&s, "open"))) {
        printf("# %s\n", err);
        event_base_free(s.base);
        return;
    }
    tap_int(coord_create_all(s.c, root), 0, title(&s, "create the root"));
    test_basic(&s);
    test_children(&s);
    test_ephemeral(&s);
    test_watches(&s);
    test_lock(&s);
    if (strcmp(kind, "zookeeper") == 0) {
        test_session(&s);
    }
    tap_int(foreign_calls, 0, title(&s, "callbacks run in the base's thread"));
    tap_int(coord_remove_all(s.c, root), 0, title(&s, "clean up"));
    coord_close(s.c);
    event_base_free(s.base);
}

/* nftw callback: rm -r. */
static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    return remove(path);
}

/* Count the entries of directory 'path' (-1 if it cannot be read). */
static int count_entries(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL) {
        return -1;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

/* Write 'text' into the new file 'path'. */
static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* The embedded store's own promises, checked on disk in 'store' after
 * the suite ran. */
static void test_fs_disk(const char *store)
{
    char path[PATH_MAX + 64];
    char err[256];
    snprintf(path, sizeof(path), "%s/sessions", store);
    tap_int(count_entries(path), 0,
            "filesystem: no session file outlives its owner");
    snprintf(path, sizeof(path), "%s/tmp/d.stale", store);
    if (mkdir(path, 0755) != 0) {
        perror(path);
        exit(2);
    }
    snprintf(path, sizeof(path), "%s/tmp/d.stale/@node", store);
    put_file(path, "half");
    snprintf(path, sizeof(path), "%s/tree/_bad", store);
    if (mkdir(path, 0755) != 0) {
        perror(path);
        exit(2);
    }
    snprintf(path, sizeof(path), "%s/tree/_bad/@node", store);
    put_file(path, "garbage\n");
    struct coord *c = coord_open("filesystem", store, 0, NULL, err,
                                 sizeof(err));
    if (!tap_ok(c != NULL, "filesystem: open the store again")) {
        printf("# %s\n", err);
        return;
    }
    snprintf(path, sizeof(path), "%s/tmp", store);
    tap_int(count_entries(path), 0,
            "filesystem: open clears what a crashed writer left in tmp/");
    char *data;
    size_t len;
    tap_int(coord_get(c, "/bad", &data, &len, NULL), COORD_ERROR,
            "filesystem: a corrupt node is an error");
    tap_ok(strstr(c->err, "corrupt node") != NULL,
           "filesystem: which says so");
    coord_close(c);
}

static void test_open_errors(void)
{
    char err[256];
    struct coord *c = coord_open("bogus", "x", 1000, NULL, err, sizeof(err));
    tap_ok(c == NULL && strstr(err, "unknown coordinator 'bogus'") != NULL,
           "an unknown kind is refused by name");
    c = coord_open("filesystem", "/proc/version/x", 1000, NULL, err,
                   sizeof(err));
    tap_ok(c == NULL && strstr(err, "cannot create '/proc/version/x'") != NULL,
           "filesystem: a directory that cannot be made is an error");

    /* A port nobody listens on: bind one, note it, close it. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sin);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
        perror("socket");
        exit(2);
    }
    close(fd);
    char addr[64], want[128];
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sin.sin_port));
    snprintf(want, sizeof(want),
             "cannot connect to zookeeper '%s': Connection refused", addr);
    c = coord_open("zookeeper", addr, 2000, NULL, err, sizeof(err));
    tap_ok(c == NULL, "zookeeper: no server, no handle");
    tap_str(err, want, "zookeeper: the error names the address and why");
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "--child") == 0) {
        return child_main(argv[2], argv[3], argv[4], argv[5]);
    }
    signal(SIGPIPE, SIG_IGN);
    main_thread = pthread_self();
    test_strerror();
    test_open_errors();

    const char *zk = getenv("CODIS_TEST_ZK");
    if (zk != NULL && zk[0] != '\0') {
        char root[64];
        snprintf(root, sizeof(root), "/codis-test-%d", (int)getpid());
        run_suite("zookeeper", zk, root);
        return tap_done();
    }
    char dir[] = "/tmp/coord-test-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    char store[PATH_MAX];
    snprintf(store, sizeof(store), "%s/store", dir);
    run_suite("filesystem", store, "/test");
    test_fs_disk(store);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return tap_done();
}
