/* The coordinator front (see coord.h): coord_open picks a store by kind,
 * the coord_* calls check paths and go through the store's ops table, and
 * what is built from the primitives (create_all, remove_all, the lock)
 * lives here, the same for every store. The stores themselves are in
 * coord_fs.c (embedded, on disk) and coord_zk.c (ZooKeeper). */
#include "lib/coord.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/coord_fs.h"
#include "lib/coord_zk.h"
#include "lib/mem.h"

/* Longest path accepted, for both stores alike. */
#define COORD_PATH_MAX 1024

/* The name (after the directory) of a lock's nodes. */
#define COORD_LOCK_PREFIX "lock-"

/* Write the text of the last failure into coord->err (truncated to fit). */
void coord_errf(struct coord *coord, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(coord->err, sizeof(coord->err), fmt, ap);
    va_end(ap);
}

struct coord *coord_open(const char *kind, const char *addr,
                         int session_timeout_ms, struct event_base *base,
                         char *err, size_t errlen)
{
    if (kind == NULL || addr == NULL || addr[0] == '\0') {
        snprintf(err, errlen, "coordinator kind and address are required");
        return NULL;
    }
    if (strcmp(kind, "zookeeper") == 0 || strcmp(kind, "zk") == 0) {
        return coord_zk_open(addr, session_timeout_ms, base, err, errlen);
    }
    if (strcmp(kind, "filesystem") == 0 || strcmp(kind, "fs") == 0) {
        return coord_fs_open(addr, base, err, errlen);
    }
    snprintf(err, errlen,
             "unknown coordinator '%s' (expected zookeeper or filesystem)",
             kind);
    return NULL;
}

void coord_close(struct coord *coord)
{
    if (coord != NULL) {
        coord->ops->close(coord);
    }
}

void coord_set_session_fn(struct coord *coord, coord_session_fn fn,
                          void *arg)
{
    coord->session_fn = fn;
    coord->session_arg = arg;
}

/* Check that 'path' is absolute, has no empty, "." or ".." component and
 * no trailing slash (except "/" itself, or when 'seq' says a sequential
 * name is to be appended: "/dir/" makes "/dir/0000000000"). Returns 0 or
 * COORD_ERROR with coord->err filled. */
static int coord_check_path_seq(struct coord *coord, const char *path,
                                bool seq)
{
    size_t len = path != NULL ? strlen(path) : 0;
    if (seq && len > 2 && path[len - 1] == '/') {
        len--;
    }
    bool ok = len > 0 && len < COORD_PATH_MAX && path[0] == '/' &&
              (len == 1 || path[len - 1] != '/');
    for (size_t i = 0; ok && len > 1 && i < len;) {
        const char *name = path + i + 1;
        const char *end = memchr(name, '/', len - i - 1);
        size_t n = end != NULL ? (size_t)(end - name) : len - i - 1;
        if (n == 0 || (n == 1 && name[0] == '.') ||
            (n == 2 && name[0] == '.' && name[1] == '.')) {
            ok = false;
        }
        i += n + 1;
    }
    if (!ok) {
        coord_errf(coord, "invalid path '%s'",
                 path != NULL ? path : "(null)");
        return COORD_ERROR;
    }
    return 0;
}

/* coord_check_path_seq for a plain path. */
static int coord_check_path(struct coord *coord, const char *path)
{
    return coord_check_path_seq(coord, path, false);
}

/* Describe a failure other than COORD_ERROR (whose text the store wrote)
 * in coord->err. Returns 'rc'. */
static int coord_note(struct coord *coord, const char *path, int rc)
{
    if (rc < 0 && rc != COORD_ERROR) {
        coord_errf(coord, "'%s': %s", path,
                 coord_strerror(rc));
    }
    return rc;
}

/* Refuse to create or delete "/": it always exists. */
static int coord_check_not_root(struct coord *coord, const char *path)
{
    if (strcmp(path, "/") == 0) {
        coord_errf(coord, "cannot create or remove the root node");
        return COORD_ERROR;
    }
    return 0;
}

int coord_create(struct coord *coord, const char *path, const void *data,
                 size_t len, int flags, char *created, size_t created_len)
{
    bool seq = (flags & COORD_SEQUENTIAL) != 0;
    int rc = coord_check_path_seq(coord, path, seq);
    if (rc == 0 && !seq) {
        rc = coord_check_not_root(coord, path);
    }
    if (rc == 0) {
        rc = coord->ops->create(coord, path, data, len, flags, created,
                                created_len);
    }
    return coord_note(coord, path, rc);
}

int coord_create_all(struct coord *coord, const char *path)
{
    int rc = coord_check_path(coord, path);
    if (rc < 0 || strcmp(path, "/") == 0) {
        return rc;
    }
    char prefix[COORD_PATH_MAX];
    size_t len = strlen(path);
    memcpy(prefix, path, len + 1);
    /* Each parent in turn, then the node itself (the last round). */
    for (size_t i = 1; i <= len; i++) {
        if (i < len && path[i] != '/') {
            continue;
        }
        prefix[i] = '\0';
        rc = coord->ops->create(coord, prefix, NULL, 0, COORD_PERSISTENT,
                                NULL, 0);
        prefix[i] = path[i];
        if (rc < 0 && rc != COORD_EXISTS) {
            prefix[i] = '\0';
            return coord_note(coord, prefix, rc);
        }
    }
    return 0;
}

int coord_get(struct coord *coord, const char *path, char **data,
              size_t *len, int *version)
{
    *data = NULL;
    *len = 0;
    int rc = coord_check_path(coord, path);
    if (rc == 0) {
        rc = coord->ops->get(coord, path, data, len, version);
    }
    return coord_note(coord, path, rc);
}

int coord_set(struct coord *coord, const char *path, const void *data,
              size_t len, int version)
{
    int rc = coord_check_path(coord, path);
    if (rc == 0) {
        rc = coord->ops->set(coord, path, data, len, version);
    }
    return coord_note(coord, path, rc);
}

int coord_remove(struct coord *coord, const char *path, int version)
{
    int rc = coord_check_path(coord, path);
    if (rc == 0) {
        rc = coord_check_not_root(coord, path);
    }
    if (rc == 0) {
        rc = coord->ops->remove(coord, path, version);
    }
    return coord_note(coord, path, rc);
}

/* Write "'dir'/'name'" into 'out' of 'outlen' bytes. Returns 0, or
 * COORD_ERROR when it does not fit. */
static int coord_join(struct coord *coord, const char *dir, const char *name,
                      char *out, size_t outlen)
{
    const char *sep = strcmp(dir, "/") == 0 ? "" : "/";
    int n = snprintf(out, outlen, "%s%s%s", dir, sep, name);
    if (n < 0 || (size_t)n >= outlen) {
        coord_errf(coord, "path too long: '%s%s%s'",
                 dir, sep, name);
        return COORD_ERROR;
    }
    return 0;
}

int coord_remove_all(struct coord *coord, const char *path)
{
    int rc = coord_check_path(coord, path);
    if (rc == 0) {
        rc = coord_check_not_root(coord, path);
    }
    if (rc < 0) {
        return rc;
    }
    char **names;
    size_t count;
    rc = coord->ops->children(coord, path, &names, &count);
    if (rc == COORD_NONODE) {
        return 0;
    }
    if (rc < 0) {
        return coord_note(coord, path, rc);
    }
    char child[COORD_PATH_MAX];
    for (size_t i = 0; i < count && rc == 0; i++) {
        rc = coord_join(coord, path, names[i], child, sizeof(child));
        if (rc == 0) {
            rc = coord_remove_all(coord, child);
        }
    }
    coord_free_names(names, count);
    if (rc == 0) {
        rc = coord->ops->remove(coord, path, -1);
        if (rc == COORD_NONODE) {
            rc = 0;
        }
    }
    return coord_note(coord, path, rc);
}

int coord_children(struct coord *coord, const char *path, char ***names,
                   size_t *count)
{
    *names = NULL;
    *count = 0;
    int rc = coord_check_path(coord, path);
    if (rc == 0) {
        rc = coord->ops->children(coord, path, names, count);
    }
    return coord_note(coord, path, rc);
}

void coord_free_names(char **names, size_t count)
{
    if (names == NULL) {
        return;
    }
    for (size_t i = 0; i < count; i++) {
        mem_free(names[i]);
    }
    mem_free(names);
}

int coord_exists(struct coord *coord, const char *path)
{
    int rc = coord_check_path(coord, path);
    if (rc == 0) {
        rc = coord->ops->exists(coord, path);
    }
    return coord_note(coord, path, rc);
}

/* Watches need the event base they fire on. */
static int coord_check_base(struct coord *coord)
{
    if (coord->base == NULL) {
        coord_errf(coord, "watches need an event base (none given to "
                          "coord_open)");
        return COORD_ERROR;
    }
    return 0;
}

/* Check and set one watch: the children's list of 'path' when
 * 'children', else its data. */
static int coord_watch(struct coord *coord, const char *path, bool children,
                       coord_watch_fn fn, void *arg)
{
    int rc = coord_check_path(coord, path);
    if (rc == 0) {
        rc = coord_check_base(coord);
    }
    if (rc == 0) {
        rc = coord->ops->watch(coord, path, children, fn, arg);
    }
    return coord_note(coord, path, rc);
}

int coord_watch_data(struct coord *coord, const char *path,
                     coord_watch_fn fn, void *arg)
{
    return coord_watch(coord, path, false, fn, arg);
}

int coord_watch_children(struct coord *coord, const char *path,
                         coord_watch_fn fn, void *arg)
{
    return coord_watch(coord, path, true, fn, arg);
}

int coord_lock(struct coord *coord, const char *dir, const char *data,
               char *held, size_t held_len)
{
    char prefix[COORD_PATH_MAX];
    char mine[COORD_PATH_MAX];
    int rc = coord_check_path(coord, dir);
    if (rc == 0) {
        rc = coord_join(coord, dir, COORD_LOCK_PREFIX, prefix,
                        sizeof(prefix));
    }
    if (rc < 0) {
        return rc;
    }
    /* The sequence number adds 10 digits. */
    if (strlen(prefix) + 10 >= held_len) {
        coord_errf(coord, "no room for the lock node's name under '%s'", dir);
        return COORD_ERROR;
    }
    rc = coord_create_all(coord, dir);
    if (rc < 0) {
        return rc;
    }
    size_t len = data != NULL ? strlen(data) : 0;
    rc = coord->ops->create(coord, prefix, data, len,
                            COORD_EPHEMERAL | COORD_SEQUENTIAL, mine,
                            sizeof(mine));
    if (rc < 0) {
        return coord_note(coord, prefix, rc);
    }
    char **names;
    size_t count;
    rc = coord->ops->children(coord, dir, &names, &count);
    if (rc < 0) {
        coord_note(coord, dir, rc);
        char keep[sizeof(coord->err)];
        memcpy(keep, coord->err, sizeof(keep));
        coord->ops->remove(coord, mine, -1);
        memcpy(coord->err, keep, sizeof(keep));
        return rc;
    }
    /* Names are sorted and the counters are zero-padded: the first lock
     * node is the oldest, the holder. */
    const char *lowest = NULL;
    for (size_t i = 0; i < count && lowest == NULL; i++) {
        if (strncmp(names[i], COORD_LOCK_PREFIX,
                    strlen(COORD_LOCK_PREFIX)) == 0) {
            lowest = names[i];
        }
    }
    const char *base = strrchr(mine, '/') + 1;
    if (lowest == NULL) {
        /* Our own node is gone already: someone removed it. */
        coord_free_names(names, count);
        coord_errf(coord, "lock node '%s' vanished while taking the lock",
                   mine);
        return COORD_ERROR;
    }
    if (strcmp(lowest, base) == 0) {
        coord_free_names(names, count);
        snprintf(held, held_len, "%s", mine);
        return 0;
    }
    char holder[COORD_PATH_MAX];
    rc = coord_join(coord, dir, lowest, holder, sizeof(holder));
    coord_free_names(names, count);
    coord->ops->remove(coord, mine, -1);
    if (rc == 0) {
        coord_errf(coord, "lock '%s' is held by '%s'",
                 dir, holder);
    }
    return COORD_LOCKED;
}

int coord_unlock(struct coord *coord, const char *held)
{
    return coord_remove(coord, held, -1);
}

const char *coord_strerror(int status)
{
    switch (status) {
    case COORD_OK:
        return "success";
    case COORD_NONODE:
        return "node does not exist";
    case COORD_EXISTS:
        return "node already exists";
    case COORD_BADVERSION:
        return "version mismatch";
    case COORD_NOTEMPTY:
        return "node has children";
    case COORD_LOCKED:
        return "lock is held by another";
    case COORD_ERROR:
        return "coordinator error";
    default:
        return "unknown coordinator status";
    }
}
