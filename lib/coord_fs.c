/* The embedded coordinator (coord.h, kind "filesystem"): the cluster store
 * as a directory tree on one machine, for setups without ZooKeeper. Not
 * for several machines: locks and sessions are local. Entry point:
 * coord_fs_open; the operations are the coord_ops table at the end.
 *
 * Layout under the store's directory:
 *
 *   data.lck        flock'ed around every operation, by every process
 *   gen             a counter (20 digits), rewritten in place after every
 *                   change: what inotify reports to watchers
 *   tree/           the node "/". A node is a directory holding "@node"
 *                   (a header line, then the data) and one "_<name>"
 *                   directory per child, so no name can clash with "@node"
 *   sessions/<id>   one file per open handle, flock'ed by it while it
 *                   lives; not empty once it created an ephemeral node
 *   tmp/            what is being written or deleted; emptied at open
 *
 * "@node" starts with "<version> <cversion> <cid> <owner>\n" (10, 10
 * and 20 digits): the data version, the children version (bumped by each
 * child create and delete, and the counter of sequential names, as in
 * ZooKeeper), a creation id (the gen that created it) and the owner
 * session ("-" if persistent).
 *
 *   set:    tmp/f.N --rename--> node/@node
 *   create: tmp/d.N/@node --rename dir--> parent/_name
 *   delete: parent/_name --rename--> tmp/r.N, then rm -r
 *
 * so a crash (kill -9) never leaves a half-written node. The counters
 * (gen, cversion) are fixed-width fields rewritten in place by one small
 * pwrite, which a crash cannot tear; renames cost far more on disk.
 *
 * Ephemeral nodes: every operation first looks for sessions whose lock
 * is free (the owner closed or died), deletes the nodes they own and then
 * their file. Watches are one-shot snapshots of a node (exists, cid,
 * version or cversion) compared on the event base when inotify reports a
 * new gen, and every COORD_FS_POLL_MS for owners that died, since a death
 * changes nothing on disk until someone reaps it. Durability is against
 * process crashes, not power loss (no fsync). Descriptors are
 * close-on-exec; a child forked without exec shares its parent's session
 * until it exits. Callbacks must not close the handle they run on. */
#include "lib/coord_fs.h"

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/coord.h"
#include "lib/log.h"
#include "lib/mem.h"

/* How often watches look for owners that died. */
#define COORD_FS_POLL_MS 100

/* Longest header line of "@node". */
#define COORD_FS_HEADER_MAX 128

/* One pending watch: what the node looked like when it was set. */
struct fs_watch {
    struct fs_watch *next;
    bool children;     /* a children watch, else a data watch */
    char *path;        /* the watched node, owned */
    coord_watch_fn fn; /* called once, then the watch is freed */
    void *arg;
    bool exists;       /* the snapshot: */
    uint64_t cid;
    int version;       /* data version, or cversion for children */
};

/* An open store. Operations may come from several threads: 'mu' runs
 * them one at a time. Watches are set, checked and fired in the thread of
 * 'head.base' only. */
struct coord_fs {
    struct coord head;       /* must come first: coord_* see only this */
    char *root;              /* absolute path of the store, owned */
    int lock_fd;             /* data.lck */
    int gen_fd;              /* gen */
    int session_fd;          /* sessions/<session>, flock'ed */
    char session[64];        /* our session id */
    bool session_marked;     /* wrote "has ephemerals" into its file */
    pthread_mutex_t mu;      /* one operation at a time in this process */
    uint64_t tmp_seq;        /* names of files in tmp/ */
    uint64_t gen;            /* the store's gen, read by fs_begin */
    bool changed;            /* this operation changed the tree */
    int inotify_fd;          /* reports writes to gen, or -1 */
    struct event *notify_ev; /* inotify_fd readable */
    struct event *timer_ev;  /* the poll for dead owners */
    bool armed;              /* the two events are added */
    struct fs_watch *watches;
};

/* A node's header, and its data when asked for. */
struct fs_node {
    int version;
    int cversion;
    uint64_t cid;
    char owner[64]; /* session id, or "-" */
    char *data;     /* owned, NUL-terminated; NULL if not read */
    size_t len;
};

static const struct coord_ops fs_ops;

/* ---- small helpers ---------------------------------------------------- */

/* Fill the error text with "cannot 'what' 'name': <errno text>". Returns
 * COORD_ERROR. */
static int fs_fail(struct coord_fs *fs, const char *what, const char *name)
{
    coord_errf(&fs->head, "cannot %s '%s': %s", what, name, strerror(errno));
    return COORD_ERROR;
}

/* snprintf into 'out' of 'outlen' bytes; false if it did not fit. */
static bool fs_format(char *out, size_t outlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fs_format(char *out, size_t outlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, outlen, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < outlen;
}

/* The directory of node 'path' into 'out' (PATH_MAX bytes). Returns 0 or
 * COORD_ERROR. */
static int fs_dir_of(struct coord_fs *fs, const char *path, char *out)
{
    size_t used = 0;
    if (!fs_format(out, PATH_MAX, "%s/tree", fs->root)) {
        goto too_long;
    }
    used = strlen(out);
    for (const char *p = path; *p != '\0';) {
        const char *name = p + 1;
        const char *end = strchr(name, '/');
        size_t n = end != NULL ? (size_t)(end - name) : strlen(name);
        if (n == 0) {
            break; /* the root "/" */
        }
        if (n > NAME_MAX - 1 || used + n + 64 > PATH_MAX) {
            goto too_long;
        }
        out[used++] = '/';
        out[used++] = '_';
        memcpy(out + used, name, n);
        used += n;
        out[used] = '\0';
        p = name + n;
    }
    return 0;
too_long:
    coord_errf(&fs->head, "path too long: '%s'", path);
    return COORD_ERROR;
}

/* The parent directory of directory 'dir' into 'out' (PATH_MAX bytes). */
static void fs_parent_dir(const char *dir, char *out)
{
    fs_format(out, PATH_MAX, "%s", dir);
    *strrchr(out, '/') = '\0';
}

/* A fresh name in tmp/ ("<root>/tmp/<kind>.<session>.<n>") into 'out'. */
static void fs_tmp_name(struct coord_fs *fs, char kind, char *out)
{
    fs_format(out, PATH_MAX, "%s/tmp/%c.%s.%" PRIu64, fs->root, kind,
             fs->session, ++fs->tmp_seq);
}

/* Read all of 'fd' (at most 'max' bytes, 0: no limit) into an owned
 * NUL-terminated buffer. Returns 0 or -1 (errno set). */
static int fs_slurp(int fd, size_t max, char **out, size_t *len)
{
    size_t cap = 256, used = 0;
    char *buf = mem_alloc(cap);
    for (;;) {
        if (used + 1 >= cap) {
            cap *= 2;
            buf = mem_realloc(buf, cap);
        }
        size_t want = cap - used - 1;
        if (max != 0 && want > max - used) {
            want = max - used;
        }
        if (want == 0) {
            break;
        }
        ssize_t n = read(fd, buf + used, want);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            mem_free(buf);
            return -1;
        }
        if (n == 0) {
            break;
        }
        used += (size_t)n;
    }
    buf[used] = '\0';
    *out = buf;
    *len = used;
    return 0;
}

/* Write all 'len' bytes of 'p' to 'fd'. Returns 0 or -1 (errno set). */
static int fs_write_all(int fd, const void *p, size_t len)
{
    const char *s = p;
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

/* nftw callback of fs_remove_tree. */
static int fs_remove_one(const char *path, const struct stat *st, int flag,
                         struct FTW *ftw)
{
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* rm -r 'path'; a missing one is fine. Returns 0 or -1. */
static int fs_remove_tree(const char *path)
{
    int rc = nftw(path, fs_remove_one, 16, FTW_DEPTH | FTW_PHYS);
    return rc != 0 && errno != ENOENT ? -1 : 0;
}

/* mkdir 'path'; an existing directory is fine. Returns 0 or -1. */
static int fs_mkdir(const char *path)
{
    return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* ---- nodes on disk ---------------------------------------------------- */

/* Read the node in directory 'dir' into 'node' (its data too if
 * 'with_data'). Returns 0, COORD_NONODE or COORD_ERROR. */
static int fs_read(struct coord_fs *fs, const char *dir, struct fs_node *node,
                   bool with_data)
{
    char file[PATH_MAX];
    if (!fs_format(file, sizeof(file), "%s/@node", dir)) {
        errno = ENAMETOOLONG;
        return fs_fail(fs, "read", dir);
    }
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT || errno == ENOTDIR ? COORD_NONODE
                                                   : fs_fail(fs, "read", file);
    }
    char *buf;
    size_t len;
    int rc = fs_slurp(fd, with_data ? 0 : COORD_FS_HEADER_MAX, &buf, &len);
    close(fd);
    if (rc != 0) {
        return fs_fail(fs, "read", file);
    }
    char *eol = memchr(buf, '\n', len);
    if (eol == NULL || sscanf(buf, "%d %d %" SCNu64 " %63s", &node->version,
                              &node->cversion, &node->cid, node->owner) != 4) {
        mem_free(buf);
        coord_errf(&fs->head, "corrupt node '%s'", file);
        return COORD_ERROR;
    }
    node->data = NULL;
    node->len = 0;
    if (with_data) {
        node->len = len - (size_t)(eol + 1 - buf);
        node->data = mem_strndup(eol + 1, node->len);
    }
    mem_free(buf);
    return 0;
}

/* Offset and width of the cversion field in "@node". */
#define COORD_FS_CVERSION_AT 11
#define COORD_FS_CVERSION_LEN 10

/* Write 'node' with 'len' bytes of 'data' as the new file 'path'. Returns
 * 0 or COORD_ERROR (and no file). */
static int fs_write_new(struct coord_fs *fs, const char *path,
                        const struct fs_node *node, const void *data,
                        size_t len)
{
    char header[COORD_FS_HEADER_MAX];
    int n = snprintf(header, sizeof(header),
                     "%010d %010d %020" PRIu64 " %s\n", node->version,
                     node->cversion, node->cid, node->owner);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        return fs_fail(fs, "create", path);
    }
    int rc = 0;
    if (fs_write_all(fd, header, (size_t)n) != 0 ||
        fs_write_all(fd, data, len) != 0) {
        rc = fs_fail(fs, "write", path);
        close(fd);
    } else if (close(fd) != 0) {
        rc = fs_fail(fs, "write", path);
    }
    if (rc < 0) {
        unlink(path);
    }
    return rc;
}

/* Replace file 'target' by 'node' with 'len' bytes of 'data', through a
 * file in tmp/ and a rename. Returns 0 or COORD_ERROR. */
static int fs_write(struct coord_fs *fs, const char *target,
                    const struct fs_node *node, const void *data, size_t len)
{
    char tmp[PATH_MAX];
    fs_tmp_name(fs, 'f', tmp);
    int rc = fs_write_new(fs, tmp, node, data, len);
    if (rc == 0 && rename(tmp, target) != 0) {
        rc = fs_fail(fs, "replace", target);
        unlink(tmp);
    }
    return rc;
}

/* Count a child created or deleted under directory 'parent': bump its
 * cversion, in place. Returns 0 or a negative code. */
static int fs_bump_cversion(struct coord_fs *fs, const char *parent)
{
    struct fs_node node;
    char file[PATH_MAX];
    char field[16];
    int rc = fs_read(fs, parent, &node, false);
    if (rc < 0) {
        return rc;
    }
    fs->changed = true;
    fs_format(file, sizeof(file), "%s/@node", parent);
    snprintf(field, sizeof(field), "%010d", node.cversion + 1);
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return fs_fail(fs, "update", file);
    }
    ssize_t n = pwrite(fd, field, COORD_FS_CVERSION_LEN,
                       COORD_FS_CVERSION_AT);
    if (n != COORD_FS_CVERSION_LEN) {
        rc = fs_fail(fs, "update", file);
    }
    if (close(fd) != 0 && rc == 0) {
        rc = fs_fail(fs, "update", file);
    }
    return rc;
}

/* True if directory 'dir' holds a child node. */
static int fs_has_children(struct coord_fs *fs, const char *dir, bool *has)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return fs_fail(fs, "list", dir);
    }
    struct dirent *e;
    *has = false;
    while (!*has && (e = readdir(d)) != NULL) {
        *has = e->d_name[0] == '_';
    }
    closedir(d);
    return 0;
}

/* Delete the node in directory 'dir' (no checks). Returns 0 or
 * COORD_ERROR. */
static int fs_delete(struct coord_fs *fs, const char *dir)
{
    char tmp[PATH_MAX];
    char parent[PATH_MAX];
    fs_tmp_name(fs, 'r', tmp);
    if (rename(dir, tmp) != 0) {
        return fs_fail(fs, "delete", dir);
    }
    fs->changed = true;
    if (fs_remove_tree(tmp) != 0) {
        log_warn("coord: cannot clean '%s': %s", tmp, strerror(errno));
    }
    fs_parent_dir(dir, parent);
    return fs_bump_cversion(fs, parent);
}

/* ---- sessions --------------------------------------------------------- */

/* True if 'id' is one of the 'count' ids in 'ids'. */
static bool fs_id_in(char ids[][64], size_t count, const char *id)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(ids[i], id) == 0) {
            return true;
        }
    }
    return false;
}

/* Delete, below directory 'dir', every node owned by one of the 'count'
 * sessions in 'ids'. Ephemeral nodes have no children, so the walk stops
 * at them. Returns 0 or COORD_ERROR. */
static int fs_reap_walk(struct coord_fs *fs, const char *dir, char ids[][64],
                        size_t count)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return errno == ENOENT ? 0 : fs_fail(fs, "list", dir);
    }
    int rc = 0;
    struct dirent *e;
    char child[PATH_MAX];
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] != '_' ||
            !fs_format(child, sizeof(child), "%s/%s", dir, e->d_name)) {
            continue;
        }
        struct fs_node node;
        int r = fs_read(fs, child, &node, false);
        if (r == COORD_NONODE) {
            continue;
        }
        if (r < 0) {
            rc = r;
        } else if (fs_id_in(ids, count, node.owner)) {
            rc = fs_delete(fs, child);
        } else {
            rc = fs_reap_walk(fs, child, ids, count);
        }
    }
    closedir(d);
    return rc;
}

/* Delete the nodes of the sessions in 'ids' (whose files have 'marked'
 * set when they may own nodes), then their session files. */
static int fs_reap_sessions(struct coord_fs *fs, char ids[][64],
                            size_t count, bool marked)
{
    char path[PATH_MAX];
    if (marked) {
        fs_format(path, sizeof(path), "%s/tree", fs->root);
        int rc = fs_reap_walk(fs, path, ids, count);
        if (rc < 0) {
            return rc;
        }
    }
    for (size_t i = 0; i < count; i++) {
        fs_format(path, sizeof(path), "%s/sessions/%s", fs->root, ids[i]);
        if (unlink(path) != 0 && errno != ENOENT) {
            return fs_fail(fs, "remove", path);
        }
    }
    return 0;
}

/* Find the sessions whose owner closed or died (their lock is free) and
 * delete their ephemeral nodes. Called with the store locked. */
static int fs_reap(struct coord_fs *fs)
{
    char path[PATH_MAX];
    fs_format(path, sizeof(path), "%s/sessions", fs->root);
    DIR *d = opendir(path);
    if (d == NULL) {
        return fs_fail(fs, "list", path);
    }
    char ids[16][64];
    size_t count = 0;
    bool marked = false;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, fs->session) == 0 ||
            strlen(e->d_name) >= sizeof(ids[0]) ||
            !fs_format(path, sizeof(path), "%s/sessions/%s", fs->root,
                       e->d_name)) {
            continue;
        }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            continue; /* reaped meanwhile, or not ours to read */
        }
        struct stat st;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0) {
            fs_format(ids[count++], sizeof(ids[0]), "%s", e->d_name);
            marked = marked || st.st_size > 0;
        }
        close(fd);
        if (count == sizeof(ids) / sizeof(ids[0])) {
            rc = fs_reap_sessions(fs, ids, count, marked);
            count = 0;
            marked = false;
        }
    }
    closedir(d);
    if (rc == 0 && count > 0) {
        rc = fs_reap_sessions(fs, ids, count, marked);
    }
    return rc;
}

/* ---- the store lock --------------------------------------------------- */

/* Read the gen counter into fs->gen (an empty file is 0). */
static int fs_read_gen(struct coord_fs *fs)
{
    char text[32];
    ssize_t n = pread(fs->gen_fd, text, sizeof(text) - 1, 0);
    if (n < 0) {
        return fs_fail(fs, "read the gen of", fs->root);
    }
    text[n] = '\0';
    fs->gen = strtoull(text, NULL, 10);
    return 0;
}

/* Write fs->gen + 1 as the new gen, in place (waking every watcher). */
static int fs_write_gen(struct coord_fs *fs)
{
    char text[32];
    int n = snprintf(text, sizeof(text), "%020" PRIu64 "\n", fs->gen + 1);
    if (pwrite(fs->gen_fd, text, (size_t)n, 0) != n) {
        return fs_fail(fs, "write the gen of", fs->root);
    }
    fs->gen++;
    return 0;
}

/* Start an operation: lock the store for this thread and process, read the
 * gen, and reap the sessions of dead owners. On failure nothing is held.
 * Returns 0 or COORD_ERROR. */
static int fs_begin(struct coord_fs *fs)
{
    pthread_mutex_lock(&fs->mu);
    while (flock(fs->lock_fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int rc = fs_fail(fs, "lock", fs->root);
            pthread_mutex_unlock(&fs->mu);
            return rc;
        }
    }
    fs->changed = false;
    int rc = fs_read_gen(fs);
    if (rc == 0) {
        rc = fs_reap(fs);
    }
    if (rc < 0) {
        flock(fs->lock_fd, LOCK_UN);
        pthread_mutex_unlock(&fs->mu);
    }
    return rc;
}

/* End an operation whose result is 'rc': publish a new gen if the tree
 * changed, unlock. Returns 'rc', or COORD_ERROR if publishing failed. */
static int fs_end(struct coord_fs *fs, int rc)
{
    if (fs->changed) {
        int r = fs_write_gen(fs);
        if (rc == 0) {
            rc = r;
        }
    }
    flock(fs->lock_fd, LOCK_UN);
    pthread_mutex_unlock(&fs->mu);
    return rc;
}

/* ---- operations ------------------------------------------------------- */

/* Mark our session file as owning ephemeral nodes (once). */
static int fs_mark_session(struct coord_fs *fs)
{
    if (fs->session_marked) {
        return 0;
    }
    if (fs_write_all(fs->session_fd, "e\n", 2) != 0) {
        return fs_fail(fs, "write session", fs->session);
    }
    fs->session_marked = true;
    return 0;
}

/* create in a locked store; see coord_create. */
static int fs_create_locked(struct coord_fs *fs, const char *path,
                            const void *data, size_t len, int flags,
                            char *created, size_t created_len)
{
    char dir[PATH_MAX];
    char parent[PATH_MAX];
    char name[PATH_MAX];
    struct fs_node pnode;
    /* The parent is what comes before the last slash: a sequential name
     * may end with one ("/dir/" makes "/dir/0000000000"). */
    size_t plen = (size_t)(strrchr(path, '/') - path);
    snprintf(name, sizeof(name), "%.*s", (int)(plen > 0 ? plen : 1), path);
    int rc = fs_dir_of(fs, name, parent);
    if (rc == 0) {
        rc = fs_read(fs, parent, &pnode, false);
    }
    if (rc < 0) {
        return rc;
    }
    if (strcmp(pnode.owner, "-") != 0) {
        coord_errf(&fs->head, "cannot create '%s': ephemeral nodes have no "
                   "children", path);
        return COORD_ERROR;
    }
    snprintf(name, sizeof(name), "%s", path);
    if ((flags & COORD_SEQUENTIAL) &&
        !fs_format(name, sizeof(name), "%s%010d", path, pnode.cversion)) {
        coord_errf(&fs->head, "path too long: '%s'", path);
        return COORD_ERROR;
    }
    rc = fs_dir_of(fs, name, dir);
    if (rc < 0) {
        return rc;
    }
    struct stat st;
    if (lstat(dir, &st) == 0) {
        return COORD_EXISTS;
    }
    struct fs_node node = { .version = 0, .cversion = 0, .cid = fs->gen + 1 };
    snprintf(node.owner, sizeof(node.owner), "%s",
             (flags & COORD_EPHEMERAL) ? fs->session : "-");
    if ((flags & COORD_EPHEMERAL) && (rc = fs_mark_session(fs)) < 0) {
        return rc;
    }
    char tmp[PATH_MAX];
    char file[PATH_MAX];
    fs_tmp_name(fs, 'd', tmp);
    if (mkdir(tmp, 0755) != 0) {
        return fs_fail(fs, "create", tmp);
    }
    fs_format(file, sizeof(file), "%s/@node", tmp);
    rc = fs_write_new(fs, file, &node, data, len);
    if (rc == 0 && rename(tmp, dir) != 0) {
        rc = errno == EEXIST || errno == ENOTEMPTY ? COORD_EXISTS
                                                   : fs_fail(fs, "create", dir);
    }
    if (rc < 0) {
        fs_remove_tree(tmp);
        return rc;
    }
    fs->changed = true;
    rc = fs_bump_cversion(fs, parent);
    if (rc == 0 && created != NULL && created_len > 0) {
        snprintf(created, created_len, "%s", name);
    }
    return rc;
}

static int fs_create(struct coord *coord, const char *path, const void *data,
                     size_t len, int flags, char *created, size_t created_len)
{
    struct coord_fs *fs = (struct coord_fs *)coord;
    int rc = fs_begin(fs);
    if (rc < 0) {
        return rc;
    }
    rc = fs_create_locked(fs, path, data, len, flags, created, created_len);
    return fs_end(fs, rc);
}

/* Read the node of 'path' (its data too if 'with_data') in a store
 * locked for the read alone. */
static int fs_read_path(struct coord_fs *fs, const char *path,
                        struct fs_node *node, bool with_data)
{
    char dir[PATH_MAX];
    int rc = fs_dir_of(fs, path, dir);
    if (rc == 0) {
        rc = fs_begin(fs);
    }
    if (rc < 0) {
        return rc;
    }
    return fs_end(fs, fs_read(fs, dir, node, with_data));
}

static int fs_get(struct coord *coord, const char *path, char **data,
                  size_t *len, int *version)
{
    struct fs_node node;
    int rc = fs_read_path((struct coord_fs *)coord, path, &node, true);
    if (rc < 0) {
        return rc;
    }
    *data = node.data;
    *len = node.len;
    if (version != NULL) {
        *version = node.version;
    }
    return 0;
}

/* Load the node of 'path' into 'node' (with data) and check its version
 * against 'version' (-1: any). Store locked. */
static int fs_load_checked(struct coord_fs *fs, const char *path, int version,
                           char *dir, struct fs_node *node)
{
    int rc = fs_dir_of(fs, path, dir);
    if (rc == 0) {
        rc = fs_read(fs, dir, node, true);
    }
    if (rc == 0 && version != -1 && version != node->version) {
        mem_free(node->data);
        rc = COORD_BADVERSION;
    }
    return rc;
}

/* Set the node of 'path' to 'data' ('len' bytes), or remove it when
 * 'remove' (it must have no children), if its version is 'version' (-1:
 * any). */
static int fs_change(struct coord_fs *fs, const char *path, int version,
                     bool remove, const void *data, size_t len)
{
    char dir[PATH_MAX];
    struct fs_node node;
    int rc = fs_begin(fs);
    if (rc < 0) {
        return rc;
    }
    rc = fs_load_checked(fs, path, version, dir, &node);
    if (rc == 0) {
        mem_free(node.data);
    }
    if (rc == 0 && remove) {
        bool has = false;
        rc = fs_has_children(fs, dir, &has);
        if (rc == 0) {
            rc = has ? COORD_NOTEMPTY : fs_delete(fs, dir);
        }
    } else if (rc == 0) {
        char file[PATH_MAX];
        node.version++;
        fs_format(file, sizeof(file), "%s/@node", dir);
        rc = fs_write(fs, file, &node, data, len);
        fs->changed = true;
    }
    return fs_end(fs, rc);
}

static int fs_set(struct coord *coord, const char *path, const void *data,
                  size_t len, int version)
{
    return fs_change((struct coord_fs *)coord, path, version, false, data,
                     len);
}

static int fs_remove(struct coord *coord, const char *path, int version)
{
    return fs_change((struct coord_fs *)coord, path, version, true, NULL, 0);
}

/* qsort comparison of two names, bytewise. */
static int fs_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* children in a locked store; see coord_children. */
static int fs_children_locked(struct coord_fs *fs, const char *path,
                              char ***names, size_t *count)
{
    char dir[PATH_MAX];
    struct fs_node node;
    int rc = fs_dir_of(fs, path, dir);
    if (rc == 0) {
        rc = fs_read(fs, dir, &node, false);
    }
    if (rc < 0) {
        return rc;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        return fs_fail(fs, "list", dir);
    }
    size_t cap = 8, n = 0;
    char **list = mem_alloc(cap * sizeof(*list));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '_') {
            continue;
        }
        if (n == cap) {
            cap *= 2;
            list = mem_realloc(list, cap * sizeof(*list));
        }
        list[n++] = mem_strdup(e->d_name + 1);
    }
    closedir(d);
    qsort(list, n, sizeof(*list), fs_name_cmp);
    *names = list;
    *count = n;
    return 0;
}

static int fs_children(struct coord *coord, const char *path, char ***names,
                       size_t *count)
{
    struct coord_fs *fs = (struct coord_fs *)coord;
    int rc = fs_begin(fs);
    if (rc < 0) {
        return rc;
    }
    return fs_end(fs, fs_children_locked(fs, path, names, count));
}

static int fs_exists(struct coord *coord, const char *path)
{
    struct fs_node node;
    int rc = fs_read_path((struct coord_fs *)coord, path, &node, false);
    return rc == 0 ? 1 : rc == COORD_NONODE ? 0 : rc;
}

/* ---- watches ---------------------------------------------------------- */

/* Take the snapshot of node 'path' for a watch. Store locked. Returns 0,
 * COORD_NONODE (snapshot taken: the node is missing) or COORD_ERROR. */
static int fs_snapshot(struct coord_fs *fs, const char *path, bool children,
                       bool *exists, uint64_t *cid, int *version)
{
    char dir[PATH_MAX];
    struct fs_node node;
    int rc = fs_dir_of(fs, path, dir);
    if (rc == 0) {
        rc = fs_read(fs, dir, &node, false);
    }
    *exists = rc == 0;
    *cid = rc == 0 ? node.cid : 0;
    *version = rc == 0 ? (children ? node.cversion : node.version) : 0;
    return rc;
}

/* Add or remove the watch events as watches come and go. */
static void fs_arm(struct coord_fs *fs)
{
    bool want = fs->watches != NULL;
    if (want == fs->armed) {
        return;
    }
    struct timeval poll = { 0, COORD_FS_POLL_MS * 1000 };
    if (want) {
        if ((fs->notify_ev != NULL && event_add(fs->notify_ev, NULL) != 0) ||
            event_add(fs->timer_ev, &poll) != 0) {
            log_error("coord: cannot add the watch events of '%s'", fs->root);
        }
    } else {
        if (fs->notify_ev != NULL) {
            event_del(fs->notify_ev);
        }
        event_del(fs->timer_ev);
    }
    fs->armed = want;
}

/* Compare every pending watch with its node and fire those that changed. */
static void fs_check(struct coord_fs *fs)
{
    if (fs->watches == NULL || fs_begin(fs) < 0) {
        if (fs->watches != NULL) {
            log_warn("coord: %s", fs->head.err);
        }
        return;
    }
    struct fs_watch *fired = NULL, **fired_tail = &fired;
    struct fs_watch **pp = &fs->watches;
    while (*pp != NULL) {
        struct fs_watch *w = *pp;
        bool exists;
        uint64_t cid;
        int version;
        int rc = fs_snapshot(fs, w->path, w->children, &exists, &cid,
                             &version);
        bool fire = rc != COORD_ERROR &&
                    (exists != w->exists || cid != w->cid ||
                     version != w->version);
        if (fire) {
            *pp = w->next;
            w->next = NULL;
            *fired_tail = w;
            fired_tail = &w->next;
        } else {
            pp = &w->next;
        }
    }
    fs_end(fs, 0);
    fs_arm(fs);
    while (fired != NULL) {
        struct fs_watch *w = fired;
        fired = w->next;
        w->fn(&fs->head, w->path, w->arg);
        mem_free(w->path);
        mem_free(w);
    }
}

/* inotify saw the gen change. */
static void fs_on_notify(evutil_socket_t fd, short what, void *arg)
{
    struct coord_fs *fs = arg;
    char buf[4096];
    while (read(fd, buf, sizeof(buf)) > 0) {
        /* drain: one check covers every event */
    }
    fs_check(fs);
}

/* The poll: owners may have died. */
static void fs_on_timer(evutil_socket_t fd, short what, void *arg)
{
    fs_check(arg);
}

/* Set a watch of either kind; see coord_watch_data/children. */
static int fs_watch(struct coord_fs *fs, const char *path, bool children,
                    coord_watch_fn fn, void *arg)
{
    int rc = fs_begin(fs);
    if (rc < 0) {
        return rc;
    }
    struct fs_watch *w = mem_calloc(1, sizeof(*w));
    rc = fs_snapshot(fs, path, children, &w->exists, &w->cid, &w->version);
    if (rc < 0 && (children || rc != COORD_NONODE)) {
        mem_free(w);
        return fs_end(fs, rc);
    }
    w->children = children;
    w->path = mem_strdup(path);
    w->fn = fn;
    w->arg = arg;
    struct fs_watch **pp = &fs->watches;
    while (*pp != NULL) {
        pp = &(*pp)->next;
    }
    *pp = w;
    rc = fs_end(fs, 0);
    fs_arm(fs);
    return rc;
}

static int fs_watch_op(struct coord *coord, const char *path,
                       bool children, coord_watch_fn fn, void *arg)
{
    return fs_watch((struct coord_fs *)coord, path, children, fn, arg);
}

/* ---- open and close --------------------------------------------------- */

/* Free 'fs' and what it holds (the session file must be gone already, or
 * be left for others to reap). */
static void fs_free(struct coord_fs *fs)
{
    while (fs->watches != NULL) {
        struct fs_watch *w = fs->watches;
        fs->watches = w->next;
        mem_free(w->path);
        mem_free(w);
    }
    if (fs->notify_ev != NULL) {
        event_free(fs->notify_ev);
    }
    if (fs->timer_ev != NULL) {
        event_free(fs->timer_ev);
    }
    if (fs->inotify_fd >= 0) {
        close(fs->inotify_fd);
    }
    if (fs->session_fd >= 0) {
        close(fs->session_fd);
    }
    if (fs->lock_fd >= 0) {
        close(fs->lock_fd);
    }
    if (fs->gen_fd >= 0) {
        close(fs->gen_fd);
    }
    pthread_mutex_destroy(&fs->mu);
    mem_free(fs->root);
    mem_free(fs);
}

static void fs_close(struct coord *coord)
{
    struct coord_fs *fs = (struct coord_fs *)coord;
    if (fs_begin(fs) == 0) {
        char ids[1][64];
        fs_format(ids[0], sizeof(ids[0]), "%s", fs->session);
        int rc = fs_reap_sessions(fs, ids, 1, fs->session_marked);
        if (fs_end(fs, rc) < 0) {
            log_warn("coord: closing '%s': %s", fs->root, fs->head.err);
        }
    } else {
        log_warn("coord: closing '%s': %s", fs->root, fs->head.err);
    }
    fs_free(fs);
}

/* mkdir -p 'dir'. Returns 0 or -1 (errno set). */
static int fs_mkdir_all(const char *dir)
{
    char path[PATH_MAX];
    if (!fs_format(path, sizeof(path), "%s", dir)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            if (fs_mkdir(path) != 0) {
                return -1;
            }
            *p = '/';
        }
    }
    return fs_mkdir(path);
}

/* Empty tmp/ of what crashed operations left (store locked). */
static int fs_clean_tmp(struct coord_fs *fs)
{
    char path[PATH_MAX];
    fs_format(path, sizeof(path), "%s/tmp", fs->root);
    DIR *d = opendir(path);
    if (d == NULL) {
        return fs_fail(fs, "list", path);
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            fs_format(path, sizeof(path), "%s/tmp/%s", fs->root, e->d_name) &&
            fs_remove_tree(path) != 0) {
            log_warn("coord: cannot clean '%s': %s", path, strerror(errno));
        }
    }
    closedir(d);
    return 0;
}

/* Create our session file, locked, under sessions/ (store locked). */
static int fs_new_session(struct coord_fs *fs)
{
    static atomic_uint counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(fs->session, sizeof(fs->session), "%d.%lld.%ld.%u",
             (int)getpid(), (long long)ts.tv_sec, ts.tv_nsec,
             atomic_fetch_add(&counter, 1));
    char tmp[PATH_MAX];
    char path[PATH_MAX];
    fs_tmp_name(fs, 's', tmp);
    fs_format(path, sizeof(path), "%s/sessions/%s", fs->root, fs->session);
    fs->session_fd =
        open(tmp, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fs->session_fd < 0) {
        return fs_fail(fs, "create", tmp);
    }
    if (flock(fs->session_fd, LOCK_EX | LOCK_NB) != 0) {
        int rc = fs_fail(fs, "lock", tmp);
        unlink(tmp);
        return rc;
    }
    if (rename(tmp, path) != 0) {
        int rc = fs_fail(fs, "create", path);
        unlink(tmp);
        return rc;
    }
    return 0;
}

/* Set up the store's directory and our session (store locked). */
static int fs_setup_locked(struct coord_fs *fs)
{
    int rc = fs_clean_tmp(fs);
    if (rc == 0) {
        rc = fs_new_session(fs);
    }
    char dir[PATH_MAX];
    struct fs_node root;
    fs_format(dir, sizeof(dir), "%s/tree", fs->root);
    if (rc == 0 && (rc = fs_read(fs, dir, &root, false)) == COORD_NONODE) {
        struct fs_node node = { .version = 0, .cversion = 0, .cid = 0 };
        char file[PATH_MAX];
        snprintf(node.owner, sizeof(node.owner), "-");
        fs_format(file, sizeof(file), "%s/@node", dir);
        rc = fs_write(fs, file, &node, NULL, 0);
    }
    return rc;
}

/* Watch the store for changes on 'base': inotify if it can, and the poll
 * in any case. Returns 0 or COORD_ERROR. */
static int fs_setup_events(struct coord_fs *fs, struct event_base *base)
{
    fs->timer_ev = event_new(base, -1, EV_PERSIST, fs_on_timer, fs);
    if (fs->timer_ev == NULL) {
        coord_errf(&fs->head, "cannot create a timer event");
        return COORD_ERROR;
    }
    char path[PATH_MAX];
    fs_format(path, sizeof(path), "%s/gen", fs->root);
    fs->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fs->inotify_fd < 0 ||
        inotify_add_watch(fs->inotify_fd, path, IN_MODIFY) < 0) {
        log_warn("coord: no inotify on '%s' (%s); watches poll every %d ms",
                 fs->root, strerror(errno), COORD_FS_POLL_MS);
        return 0;
    }
    fs->notify_ev = event_new(base, fs->inotify_fd, EV_READ | EV_PERSIST,
                              fs_on_notify, fs);
    if (fs->notify_ev == NULL) {
        coord_errf(&fs->head, "cannot create an inotify event");
        return COORD_ERROR;
    }
    return 0;
}

struct coord *coord_fs_open(const char *dir, struct event_base *base,
                            char *err, size_t errlen)
{
    if (fs_mkdir_all(dir) != 0) {
        snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
        return NULL;
    }
    char real[PATH_MAX];
    if (realpath(dir, real) == NULL) {
        snprintf(err, errlen, "cannot open '%s': %s", dir, strerror(errno));
        return NULL;
    }
    struct coord_fs *fs = mem_calloc(1, sizeof(*fs));
    fs->head.ops = &fs_ops;
    fs->head.base = base;
    fs->root = mem_strdup(real);
    fs->lock_fd = -1;
    fs->gen_fd = -1;
    fs->session_fd = -1;
    fs->inotify_fd = -1;
    pthread_mutex_init(&fs->mu, NULL);
    char path[PATH_MAX];
    const char *subdirs[] = { "tree", "sessions", "tmp" };
    int rc = 0;
    if (strlen(fs->root) > PATH_MAX / 4) {
        errno = ENAMETOOLONG;
        rc = fs_fail(fs, "use", fs->root);
    }
    for (size_t i = 0; i < 3 && rc == 0; i++) {
        fs_format(path, sizeof(path), "%s/%s", fs->root, subdirs[i]);
        if (fs_mkdir(path) != 0) {
            rc = fs_fail(fs, "create", path);
        }
    }
    const char *files[] = { "data.lck", "gen" };
    int *fds[] = { &fs->lock_fd, &fs->gen_fd };
    for (size_t i = 0; i < 2 && rc == 0; i++) {
        fs_format(path, sizeof(path), "%s/%s", fs->root, files[i]);
        *fds[i] = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (*fds[i] < 0) {
            rc = fs_fail(fs, "open", path);
        }
    }
    if (rc == 0) {
        rc = fs_begin(fs);
        if (rc == 0) {
            rc = fs_end(fs, fs_setup_locked(fs));
        }
    }
    if (rc == 0 && base != NULL) {
        rc = fs_setup_events(fs, base);
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s", fs->head.err);
        if (fs->session_fd >= 0) {
            fs_format(path, sizeof(path), "%s/sessions/%s", fs->root,
                     fs->session);
            unlink(path);
        }
        fs_free(fs);
        return NULL;
    }
    return &fs->head;
}

static const struct coord_ops fs_ops = {
    .create = fs_create,
    .get = fs_get,
    .set = fs_set,
    .remove = fs_remove,
    .children = fs_children,
    .exists = fs_exists,
    .watch = fs_watch_op,
    .close = fs_close,
};
