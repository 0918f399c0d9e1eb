/* The ZooKeeper coordinator (coord.h, kind "zookeeper") on Debian's
 * libzookeeper-mt: every operation is one synchronous zoo_* call, whose
 * codes map onto coord_status. Entry points: coord_zk_open and the
 * coord_ops table at the end.
 *
 * The client library runs its own threads and calls watchers from them.
 * Those callbacks never run user code: under 'mu' they queue what
 * happened (a fired watch, a session state) and write a byte to a pipe;
 * the pipe's event on the user's event base then delivers the queue in
 * the base's thread:
 *
 *   ZK thread: zk_on_watch / zk_on_session --queue + pipe--> base thread:
 *   zk_on_wakeup -> zk_deliver -> watch fn / session fn / zk_renew
 *
 * Without a base there are no watches, and the session queue is delivered
 * at the start of the next call instead. An expired session cannot come
 * back: zk_renew closes the handle (dropping its watches) and starts a new
 * session; the user hears COORD_SESSION_EXPIRED, then
 * COORD_SESSION_CONNECTED when the new session is up. The library's log
 * goes to our log at debug level, so a ZooKeeper that is down does not
 * flood stderr. Operations come from one thread at a time (the base's, if
 * there is one); callbacks must not close the handle they run on. */
#include "lib/coord_zk.h"

/* The synchronous zoo_* calls exist in the threaded library only, which
 * is the one we link (-lzookeeper_mt). */
#define THREADED

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#include "lib/clock.h"
#include "lib/coord.h"
#include "lib/log.h"
#include "lib/mem.h"

/* The session timeout when none is given. */
#define COORD_ZK_DEFAULT_TIMEOUT_MS 30000

/* How long the reachability probe waits for each address. */
#define COORD_ZK_PROBE_MS 2000

/* A watch set with the server, and then fired. */
struct zk_watch {
    struct zk_watch *next;
    struct coord_zk *zk;
    char *path;        /* owned */
    coord_watch_fn fn;
    void *arg;
};

/* A session state reported by the library for handle 'zh'. */
struct zk_note {
    struct zk_note *next;
    zhandle_t *zh;
    int state;
};

/* A connection to ZooKeeper. The user's thread owns 'zh' and calls the
 * operations; the library's threads only touch what 'mu' guards. */
struct coord_zk {
    struct coord head;       /* must come first: coord_* see only this */
    char *hosts;             /* as given to coord_zk_open, owned */
    int timeout_ms;          /* the session timeout asked for */
    zhandle_t *zh;           /* the current session's handle, or NULL */
    struct event *wake_ev;   /* wake_fd[0] readable, on head.base */
    int wake_fd[2];          /* the library's threads wake the base */
    pthread_mutex_t mu;      /* guards the fields below */
    pthread_cond_t cond;     /* 'state' changed */
    int state;               /* the latest session state */
    struct zk_watch *pending; /* set with the server, not fired yet */
    struct zk_watch *fired;  /* fired, to deliver in order */
    struct zk_watch **fired_tail;
    struct zk_note *notes;   /* session states, to deliver in order */
    struct zk_note **notes_tail;
};

static const struct coord_ops zk_ops;

/* ---- logging and errors ----------------------------------------------- */

/* The library's log lines, into our log at debug level. */
static void zk_log(const char *message)
{
    log_debug("zookeeper: %s", message);
}

/* fopencookie writer: the library's log stream, for lines logged without
 * a handle. */
static ssize_t zk_log_write(void *cookie, const char *buf, size_t size)
{
    int len = (int)(size > 2000 ? 2000 : size);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) {
        len--;
    }
    if (len > 0) {
        log_debug("zookeeper: %.*s", len, buf);
    }
    return (ssize_t)size;
}

/* pthread_once body of zk_setup_logging. */
static void zk_setup_logging_once(void)
{
    cookie_io_functions_t io = { .write = zk_log_write };
    FILE *stream = fopencookie(NULL, "w", io);
    if (stream != NULL) {
        setvbuf(stream, NULL, _IOLBF, 0);
        zoo_set_log_stream(stream);
    }
    zoo_set_debug_level(log_get_level() == LOG_DEBUG ? ZOO_LOG_LEVEL_INFO
                                                      : ZOO_LOG_LEVEL_ERROR);
}

/* Route the library's global log stream and level, once per process. */
static void zk_setup_logging(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, zk_setup_logging_once);
}

/* Map the library's code 'rc' of operation 'what' on 'path' to a
 * coord_status, describing errors in head.err. */
static int zk_status(struct coord_zk *zk, int rc, const char *what,
                     const char *path)
{
    if (rc == ZOK) {
        return 0;
    }
    if (rc == ZNONODE) {
        return COORD_NONODE;
    }
    if (rc == ZNODEEXISTS) {
        return COORD_EXISTS;
    }
    if (rc == ZBADVERSION) {
        return COORD_BADVERSION;
    }
    if (rc == ZNOTEMPTY) {
        return COORD_NOTEMPTY;
    }
    if (rc == ZNOCHILDRENFOREPHEMERALS) {
        coord_errf(&zk->head, "cannot %s '%s': ephemeral nodes have no "
                   "children", what, path);
    } else {
        coord_errf(&zk->head, "cannot %s '%s' in zookeeper '%s': %s", what,
                   path, zk->hosts, zerror(rc));
    }
    return COORD_ERROR;
}

/* ---- the library's threads --------------------------------------------- */

/* Wake the base thread (called by the library's threads). */
static void zk_wake(struct coord_zk *zk)
{
    if (zk->wake_fd[1] >= 0) {
        /* A full pipe already holds a wakeup: nothing is lost. */
        ssize_t n = write(zk->wake_fd[1], "w", 1);
        (void)n;
    }
}

/* Global watcher of a handle: session state changes. */
static void zk_on_session(zhandle_t *zh, int type, int state,
                          const char *path, void *ctx)
{
    struct coord_zk *zk = ctx;
    if (type != ZOO_SESSION_EVENT) {
        return;
    }
    struct zk_note *note = mem_alloc(sizeof(*note));
    note->next = NULL;
    note->zh = zh;
    note->state = state;
    pthread_mutex_lock(&zk->mu);
    zk->state = state;
    *zk->notes_tail = note;
    zk->notes_tail = &note->next;
    pthread_cond_broadcast(&zk->cond);
    pthread_mutex_unlock(&zk->mu);
    zk_wake(zk);
}

/* Watcher of one watch: it fired (session events only say the connection
 * changed; the watch stays set until it fires or the session ends). */
static void zk_on_watch(zhandle_t *zh, int type, int state, const char *path,
                        void *ctx)
{
    struct zk_watch *w = ctx;
    struct coord_zk *zk = w->zk;
    if (type == ZOO_SESSION_EVENT) {
        return;
    }
    pthread_mutex_lock(&zk->mu);
    for (struct zk_watch **pp = &zk->pending; *pp != NULL;
         pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            w->next = NULL;
            *zk->fired_tail = w;
            zk->fired_tail = &w->next;
            break;
        }
    }
    pthread_mutex_unlock(&zk->mu);
    zk_wake(zk);
}

/* ---- sessions ----------------------------------------------------------- */

/* Free a list of watches. */
static void zk_free_watches(struct zk_watch *w)
{
    while (w != NULL) {
        struct zk_watch *next = w->next;
        mem_free(w->path);
        mem_free(w);
        w = next;
    }
}

/* Start a new session handle (not waiting for it). Returns 0 or
 * COORD_ERROR. */
static int zk_start(struct coord_zk *zk)
{
    pthread_mutex_lock(&zk->mu);
    zk->state = 0;
    pthread_mutex_unlock(&zk->mu);
    zk->zh = zookeeper_init2(zk->hosts, zk_on_session, zk->timeout_ms, NULL,
                             zk, 0, zk_log);
    if (zk->zh == NULL) {
        coord_errf(&zk->head, "cannot connect to zookeeper '%s': %s", zk->hosts,
                   strerror(errno));
        return COORD_ERROR;
    }
    return 0;
}

/* Close the current session handle (its watches are dropped). */
static void zk_stop(struct coord_zk *zk)
{
    if (zk->zh != NULL) {
        /* Not under 'mu': closing joins the threads that take it. */
        zookeeper_close(zk->zh);
        zk->zh = NULL;
    }
    pthread_mutex_lock(&zk->mu);
    struct zk_watch *pending = zk->pending;
    zk->pending = NULL;
    pthread_mutex_unlock(&zk->mu);
    zk_free_watches(pending);
}

/* Report the expiry of the closed handle 'old' exactly once: closing it
 * joined the library's threads, which may not have queued their note yet
 * (then the user would never hear of the expiry and never, say, register
 * again), or may have (then that note names a freed handle, whose address
 * a new handle may reuse). Drop such notes and queue one that names no
 * handle. */
static void zk_note_replaced(struct coord_zk *zk, zhandle_t *old)
{
    struct zk_note *note = mem_alloc(sizeof(*note));
    note->next = NULL;
    note->zh = NULL;
    note->state = ZOO_EXPIRED_SESSION_STATE;
    pthread_mutex_lock(&zk->mu);
    struct zk_note **pp = &zk->notes;
    while (*pp != NULL) {
        if ((*pp)->zh == old) {
            struct zk_note *gone = *pp;
            *pp = gone->next;
            mem_free(gone);
        } else {
            pp = &(*pp)->next;
        }
    }
    *pp = note;
    zk->notes_tail = &note->next;
    pthread_mutex_unlock(&zk->mu);
    zk_wake(zk);
}

/* Replace an expired (or missing) session with a new one; 'report': the
 * library's expiry note may be missing, queue one (zk_note_replaced). */
static int zk_renew(struct coord_zk *zk, bool report)
{
    log_warn("coord: zookeeper session on '%s' expired; starting a new one",
             zk->hosts);
    zhandle_t *old = zk->zh;
    zk_stop(zk);
    if (report && old != NULL) {
        zk_note_replaced(zk, old);
    }
    return zk_start(zk);
}

/* Wait until the current handle is connected, up to 'ms' milliseconds.
 * Returns 0 or COORD_ERROR with head.err filled. */
static int zk_wait_connected(struct coord_zk *zk, int ms)
{
    struct timespec deadline = clock_deadline_in(ms);
    pthread_mutex_lock(&zk->mu);
    int rc = 0;
    while (zk->state != ZOO_CONNECTED_STATE &&
           zk->state != ZOO_EXPIRED_SESSION_STATE &&
           zk->state != ZOO_AUTH_FAILED_STATE && rc == 0) {
        rc = pthread_cond_timedwait(&zk->cond, &zk->mu, &deadline);
    }
    int state = zk->state;
    pthread_mutex_unlock(&zk->mu);
    if (state == ZOO_CONNECTED_STATE) {
        return 0;
    }
    if (state == ZOO_EXPIRED_SESSION_STATE ||
        state == ZOO_AUTH_FAILED_STATE) {
        coord_errf(&zk->head, "cannot connect to zookeeper '%s': %s",
                   zk->hosts,
                   state == ZOO_AUTH_FAILED_STATE ? "authentication failed"
                                                  : "session expired");
    } else {
        coord_errf(&zk->head, "cannot connect to zookeeper '%s': no session "
                   "within %d ms", zk->hosts, ms);
    }
    return COORD_ERROR;
}

/* Deliver what the library's threads queued: session states first, then
 * fired watches, in the order they came. Runs in the user's thread. */
static void zk_deliver(struct coord_zk *zk)
{
    pthread_mutex_lock(&zk->mu);
    struct zk_note *notes = zk->notes;
    zk->notes = NULL;
    zk->notes_tail = &zk->notes;
    struct zk_watch *fired = zk->fired;
    zk->fired = NULL;
    zk->fired_tail = &zk->fired;
    pthread_mutex_unlock(&zk->mu);
    while (notes != NULL) {
        struct zk_note *note = notes;
        notes = note->next;
        /* A NULL handle marks an expiry zk_ready already acted on. */
        bool current = note->zh != NULL && note->zh == zk->zh;
        if (note->state == ZOO_EXPIRED_SESSION_STATE ||
            note->state == ZOO_AUTH_FAILED_STATE) {
            /* An operation may have renewed the session already. */
            if (current && zk_renew(zk, false) < 0) {
                log_error("coord: %s", zk->head.err);
            }
            if (zk->head.session_fn != NULL) {
                zk->head.session_fn(&zk->head, COORD_SESSION_EXPIRED,
                                    zk->head.session_arg);
            }
        } else if (note->state == ZOO_CONNECTED_STATE && current) {
            log_info("coord: connected to zookeeper '%s'", zk->hosts);
            if (zk->head.session_fn != NULL) {
                zk->head.session_fn(&zk->head, COORD_SESSION_CONNECTED,
                                    zk->head.session_arg);
            }
        }
        mem_free(note);
    }
    while (fired != NULL) {
        struct zk_watch *w = fired;
        fired = w->next;
        w->fn(&zk->head, w->path, w->arg);
        mem_free(w->path);
        mem_free(w);
    }
}

/* The pipe woke the base: deliver the queue. */
static void zk_on_wakeup(evutil_socket_t fd, short what, void *arg)
{
    char buf[256];
    while (read(fd, buf, sizeof(buf)) > 0) {
        /* drain: one delivery covers every byte */
    }
    zk_deliver(arg);
}

/* Make the handle usable before an operation: without a base, deliver
 * session events now; replace a session that is gone for good. Returns 0
 * or COORD_ERROR. */
static int zk_ready(struct coord_zk *zk)
{
    if (zk->head.base == NULL) {
        zk_deliver(zk);
    }
    if (zk->zh != NULL) {
        int state = zoo_state(zk->zh);
        if (state != ZOO_EXPIRED_SESSION_STATE &&
            state != ZOO_AUTH_FAILED_STATE) {
            return 0;
        }
    }
    if (zk_renew(zk, true) < 0) {
        return COORD_ERROR;
    }
    return zk_wait_connected(zk, zk->timeout_ms);
}

/* ---- operations --------------------------------------------------------- */

static int zk_create(struct coord *coord, const char *path, const void *data,
                     size_t len, int flags, char *created, size_t created_len)
{
    struct coord_zk *zk = (struct coord_zk *)coord;
    if (len > INT_MAX) {
        coord_errf(&zk->head, "cannot create '%s': %zu bytes is too much", path,
                   len);
        return COORD_ERROR;
    }
    int mode = ZOO_PERSISTENT;
    if ((flags & COORD_EPHEMERAL) && (flags & COORD_SEQUENTIAL)) {
        mode = ZOO_EPHEMERAL_SEQUENTIAL;
    } else if (flags & COORD_EPHEMERAL) {
        mode = ZOO_EPHEMERAL;
    } else if (flags & COORD_SEQUENTIAL) {
        mode = ZOO_PERSISTENT_SEQUENTIAL;
    }
    char name[1100];
    int rc = zk_ready(zk);
    if (rc < 0) {
        return rc;
    }
    rc = zoo_create(zk->zh, path, data != NULL ? data : "", (int)len,
                    &ZOO_OPEN_ACL_UNSAFE, mode, name, (int)sizeof(name));
    rc = zk_status(zk, rc, "create", path);
    if (rc == 0 && created != NULL && created_len > 0) {
        snprintf(created, created_len, "%s", name);
    }
    return rc;
}

static int zk_get(struct coord *coord, const char *path, char **data,
                  size_t *len, int *version)
{
    struct coord_zk *zk = (struct coord_zk *)coord;
    int rc = zk_ready(zk);
    if (rc < 0) {
        return rc;
    }
    int cap = 4096;
    char *buf = mem_alloc((size_t)cap + 1);
    for (;;) {
        int got = cap;
        struct Stat stat;
        rc = zoo_get(zk->zh, path, 0, buf, &got, &stat);
        if (rc != ZOK) {
            mem_free(buf);
            return zk_status(zk, rc, "read", path);
        }
        if (stat.dataLength <= cap) {
            /* An empty node reads as -1 bytes. */
            got = got < 0 ? 0 : got;
            buf[got] = '\0';
            *data = buf;
            *len = (size_t)got;
            if (version != NULL) {
                *version = stat.version;
            }
            return 0;
        }
        cap = stat.dataLength;
        buf = mem_realloc(buf, (size_t)cap + 1);
    }
}

static int zk_set(struct coord *coord, const char *path, const void *data,
                  size_t len, int version)
{
    struct coord_zk *zk = (struct coord_zk *)coord;
    if (len > INT_MAX) {
        coord_errf(&zk->head, "cannot write '%s': %zu bytes is too much", path,
                   len);
        return COORD_ERROR;
    }
    int rc = zk_ready(zk);
    if (rc < 0) {
        return rc;
    }
    rc = zoo_set(zk->zh, path, data != NULL ? data : "", (int)len, version);
    return zk_status(zk, rc, "write", path);
}

static int zk_remove(struct coord *coord, const char *path, int version)
{
    struct coord_zk *zk = (struct coord_zk *)coord;
    int rc = zk_ready(zk);
    if (rc < 0) {
        return rc;
    }
    return zk_status(zk, zoo_delete(zk->zh, path, version), "delete", path);
}

/* qsort comparison of two names, bytewise. */
static int zk_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Copy the library's list into an owned, sorted array. */
static void zk_copy_names(const struct String_vector *sv, char ***names,
                          size_t *count)
{
    size_t n = sv->count > 0 ? (size_t)sv->count : 0;
    char **list = mem_alloc((n ? n : 1) * sizeof(*list));
    for (size_t i = 0; i < n; i++) {
        list[i] = mem_strdup(sv->data[i]);
    }
    qsort(list, n, sizeof(*list), zk_name_cmp);
    *names = list;
    *count = n;
}

static int zk_children(struct coord *coord, const char *path, char ***names,
                       size_t *count)
{
    struct coord_zk *zk = (struct coord_zk *)coord;
    int rc = zk_ready(zk);
    if (rc < 0) {
        return rc;
    }
    struct String_vector sv = { 0, NULL };
    rc = zoo_get_children(zk->zh, path, 0, &sv);
    if (rc == ZOK) {
        zk_copy_names(&sv, names, count);
    }
    deallocate_String_vector(&sv);
    return zk_status(zk, rc, "list", path);
}

static int zk_exists(struct coord *coord, const char *path)
{
    struct coord_zk *zk = (struct coord_zk *)coord;
    int rc = zk_ready(zk);
    if (rc < 0) {
        return rc;
    }
    struct Stat stat;
    rc = zoo_exists(zk->zh, path, 0, &stat);
    if (rc == ZNONODE) {
        return 0;
    }
    rc = zk_status(zk, rc, "check", path);
    return rc == 0 ? 1 : rc;
}

/* Set a watch of either kind; see coord_watch_data/children. */
static int zk_watch(struct coord_zk *zk, const char *path, bool children,
                    coord_watch_fn fn, void *arg)
{
    int rc = zk_ready(zk);
    if (rc < 0) {
        return rc;
    }
    struct zk_watch *w = mem_calloc(1, sizeof(*w));
    w->zk = zk;
    w->path = mem_strdup(path);
    w->fn = fn;
    w->arg = arg;
    /* Pending before the call: it may fire before the call returns. */
    pthread_mutex_lock(&zk->mu);
    w->next = zk->pending;
    zk->pending = w;
    pthread_mutex_unlock(&zk->mu);
    bool set;
    if (children) {
        struct String_vector sv = { 0, NULL };
        rc = zoo_wget_children(zk->zh, path, zk_on_watch, w, &sv);
        deallocate_String_vector(&sv);
        set = rc == ZOK;
    } else {
        struct Stat stat;
        rc = zoo_wexists(zk->zh, path, zk_on_watch, w, &stat);
        set = rc == ZOK || rc == ZNONODE;
    }
    if (!set) {
        /* Not registered with the library: the watch cannot fire. */
        pthread_mutex_lock(&zk->mu);
        for (struct zk_watch **pp = &zk->pending; *pp != NULL;
             pp = &(*pp)->next) {
            if (*pp == w) {
                *pp = w->next;
                break;
            }
        }
        pthread_mutex_unlock(&zk->mu);
        mem_free(w->path);
        mem_free(w);
        return zk_status(zk, rc, "watch", path);
    }
    return 0;
}

static int zk_watch_op(struct coord *coord, const char *path,
                       bool children, coord_watch_fn fn, void *arg)
{
    return zk_watch((struct coord_zk *)coord, path, children, fn, arg);
}

/* ---- open and close ----------------------------------------------------- */

/* Free 'zk' and all it holds; closes the session (ephemerals go). */
static void zk_free(struct coord_zk *zk)
{
    zk_stop(zk);
    zk_free_watches(zk->fired);
    while (zk->notes != NULL) {
        struct zk_note *note = zk->notes;
        zk->notes = note->next;
        mem_free(note);
    }
    if (zk->wake_ev != NULL) {
        event_free(zk->wake_ev);
    }
    for (int i = 0; i < 2; i++) {
        if (zk->wake_fd[i] >= 0) {
            close(zk->wake_fd[i]);
        }
    }
    pthread_cond_destroy(&zk->cond);
    pthread_mutex_destroy(&zk->mu);
    mem_free(zk->hosts);
    mem_free(zk);
}

static void zk_close(struct coord *coord)
{
    zk_free((struct coord_zk *)coord);
}

/* Try a TCP connection to "host:port" 'one' (host may be "[v6]"). Returns
 * 0, or an errno value; a host that does not resolve is EHOSTUNREACH with
 * 'why' saying so (else 'why' is untouched). */
static int zk_probe_one(const char *one, char *why, size_t whylen)
{
    char host[256];
    const char *colon = strrchr(one, ':');
    if (colon == NULL || colon == one ||
        (size_t)(colon - one) >= sizeof(host)) {
        return EINVAL;
    }
    const char *h = one;
    size_t hlen = (size_t)(colon - one);
    if (h[0] == '[' && hlen >= 2 && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
    struct addrinfo *res;
    int gai = getaddrinfo(host, colon + 1, &hints, &res);
    if (gai != 0) {
        snprintf(why, whylen, "cannot resolve host '%s': %s", host,
                 gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
        return EHOSTUNREACH;
    }
    int err = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        int fd = socket(ai->ai_family,
                        ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        err = 0;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            err = errno;
            if (err == EINPROGRESS) {
                struct pollfd pfd = { .fd = fd, .events = POLLOUT };
                int n = poll(&pfd, 1, COORD_ZK_PROBE_MS);
                socklen_t len = sizeof(err);
                if (n <= 0) {
                    err = n == 0 ? ETIMEDOUT : errno;
                } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
                                      &len) != 0) {
                    err = errno;
                }
            }
        }
        close(fd);
        if (err == 0) {
            break;
        }
    }
    freeaddrinfo(res);
    return err;
}

/* Can any server of 'hosts' be reached? Gives a clear, fast error when
 * none can. Returns 0 or COORD_ERROR with head.err filled. */
static int zk_probe(struct coord_zk *zk)
{
    char list[1024];
    snprintf(list, sizeof(list), "%s", zk->hosts);
    char *chroot = strchr(list, '/');
    if (chroot != NULL) {
        *chroot = '\0';
    }
    int err = EINVAL;
    char *save = NULL;
    char why[300];
    for (char *one = strtok_r(list, ",", &save); one != NULL;
         one = strtok_r(NULL, ",", &save)) {
        why[0] = '\0';
        err = zk_probe_one(one, why, sizeof(why));
        if (err == 0) {
            return 0;
        }
    }
    coord_errf(&zk->head, "cannot connect to zookeeper '%s': %s", zk->hosts,
               err == EINVAL    ? "bad address (expected host:port,...)"
               : why[0] != '\0' ? why
                                : strerror(err));
    return COORD_ERROR;
}

/* Make the wakeup pipe and its event on 'base'. */
static int zk_setup_events(struct coord_zk *zk, struct event_base *base)
{
    if (pipe2(zk->wake_fd, O_NONBLOCK | O_CLOEXEC) != 0) {
        zk->wake_fd[0] = zk->wake_fd[1] = -1;
        coord_errf(&zk->head, "cannot make a pipe: %s", strerror(errno));
        return COORD_ERROR;
    }
    zk->wake_ev = event_new(base, zk->wake_fd[0], EV_READ | EV_PERSIST,
                            zk_on_wakeup, zk);
    if (zk->wake_ev == NULL || event_add(zk->wake_ev, NULL) != 0) {
        coord_errf(&zk->head, "cannot add the zookeeper wakeup event");
        return COORD_ERROR;
    }
    return 0;
}

struct coord *coord_zk_open(const char *hosts, int session_timeout_ms,
                            struct event_base *base, char *err,
                            size_t errlen)
{
    zk_setup_logging();
    struct coord_zk *zk = mem_calloc(1, sizeof(*zk));
    zk->head.ops = &zk_ops;
    zk->head.base = base;
    zk->hosts = mem_strdup(hosts);
    zk->timeout_ms = session_timeout_ms > 0 ? session_timeout_ms
                                            : COORD_ZK_DEFAULT_TIMEOUT_MS;
    zk->wake_fd[0] = zk->wake_fd[1] = -1;
    zk->fired_tail = &zk->fired;
    zk->notes_tail = &zk->notes;
    pthread_mutex_init(&zk->mu, NULL);
    pthread_cond_init(&zk->cond, NULL);
    int rc = base != NULL ? zk_setup_events(zk, base) : 0;
    if (rc == 0) {
        rc = zk_probe(zk);
    }
    if (rc == 0) {
        rc = zk_start(zk);
    }
    if (rc == 0) {
        rc = zk_wait_connected(zk, zk->timeout_ms);
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s", zk->head.err);
        zk_free(zk);
        return NULL;
    }
    /* The first connection is this call's answer, not an event. */
    pthread_mutex_lock(&zk->mu);
    while (zk->notes != NULL) {
        struct zk_note *note = zk->notes;
        zk->notes = note->next;
        mem_free(note);
    }
    zk->notes_tail = &zk->notes;
    pthread_mutex_unlock(&zk->mu);
    return &zk->head;
}

/* Global watcher of coord_zk_expire's second client: its state is polled
 * instead. */
static void zk_on_intruder(zhandle_t *zh, int type, int state,
                           const char *path, void *ctx)
{
    (void)ctx;
}

int coord_zk_expire(struct coord *coord, char *err, size_t errlen)
{
    struct coord_zk *zk = (struct coord_zk *)coord;
    if (coord->ops != &zk_ops || zk->zh == NULL) {
        snprintf(err, errlen, "not a zookeeper session");
        return -1;
    }
    clientid_t id = *zoo_client_id(zk->zh);
    zhandle_t *other = zookeeper_init2(zk->hosts, zk_on_intruder,
                                       zk->timeout_ms, &id, NULL, 0, zk_log);
    if (other == NULL) {
        snprintf(err, errlen, "cannot connect to zookeeper '%s': %s",
                 zk->hosts, strerror(errno));
        return -1;
    }
    /* Poll: this is a drill, not a hot path. */
    struct timespec pause = { 0, 10 * 1000 * 1000 };
    int waited = 0;
    while (zoo_state(other) != ZOO_CONNECTED_STATE &&
           waited < zk->timeout_ms) {
        nanosleep(&pause, NULL);
        waited += 10;
    }
    bool joined = zoo_state(other) == ZOO_CONNECTED_STATE;
    zookeeper_close(other);
    if (!joined) {
        snprintf(err, errlen, "cannot join the session in zookeeper '%s'",
                 zk->hosts);
        return -1;
    }
    return 0;
}

static const struct coord_ops zk_ops = {
    .create = zk_create,
    .get = zk_get,
    .set = zk_set,
    .remove = zk_remove,
    .children = zk_children,
    .exists = zk_exists,
    .watch = zk_watch_op,
    .close = zk_close,
};
