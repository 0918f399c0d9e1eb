/* The append-only file (layout in aof.h): every propagated write goes,
 * as RESP with SELECT when the db changes, into a buffer that is written
 * before the replies of the batch go out (fsynced at once with
 * appendfsync always, once a second with everysec, by the kernel with
 * no). At start the manifest's files are replayed: the base through
 * rdb_load_file, the incremental files as commands run by a client that
 * gets no replies. A truncated last file is cut at its last complete
 * command when aof-load-truncated is yes, and refused when no.
 *
 * The replies of all clients served in one turn of the loop wait for a
 * single write of the AOF (and fsync, with always): a group commit
 * (aof_defer_reply), instead of one write and fsync per client.
 *
 * BGREWRITEAOF: switch writes to a new incremental file and record it in
 * the manifest, fork a child that writes the dataset as an RDB, and when
 * it succeeds install it as the new base and drop the older files. The
 * child reports through a pipe, like the replication child.
 *
 * With everysec, a thread of its own calls fdatasync (aof_bio below).
 *
 * Not here: RDB encoding (rdb.c), the stream to replicas (backlog.c). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/aof.h"
#include "redis/child.h"
#include "redis/rdb.h"
#include "redis/replication.h"
#include "redis/server.h"

#define AOF_MAX_FILES 64

/* The files of the manifest. */
struct aof_manifest {
    char *base;                    /* base file name, or NULL */
    int base_seq;
    char *incr[AOF_MAX_FILES];     /* incremental files, oldest first */
    int incr_count;
    int incr_seq;                  /* highest seq used */
};

/* The AOF state. */
static struct {
    struct aof_manifest m;
    int fd;                    /* the last incremental file, or -1 */
    char *buf;                 /* sds: commands not yet written */
    int seldb;                 /* db of the last SELECT written, or -1 */
    long long current_size;    /* bytes of all files */
    long long base_size;       /* bytes after the last rewrite */
    bool dirty_since_fsync;
    long long last_fsync;      /* ms */
    bool last_write_ok;
    bool commit_pending;       /* replies wait for aof_before_sleep */
    char child_file[64];
    long long child_start;     /* ms */
    int child_base_seq;        /* seq of the base it writes */
    int child_incr_count;      /* incr files it replaces */
    bool child_rdb;            /* it writes an RDB base, else commands */
    bool scheduled;            /* rewrite when no snapshot child runs */
    long long last_rewrite_ms;
    bool last_rewrite_ok;
    long long rewrites;
    long long rewrite_failures; /* consecutive failed rewrites */
} aof = { .fd = -1, .seldb = -1, 
          .last_write_ok = true, .last_rewrite_ok = true,
          .last_rewrite_ms = -1 };

/* The fsync thread of appendfsync everysec, so a slow disk stalls it and
 * not the event loop. It gets a dup() of the file to sync, so the loop
 * may close or switch files meanwhile. 'lock' guards every field. */
static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool started;
    bool stop;
    int fd;                    /* descriptor to fsync and close, or -1 */
    bool busy;                 /* a job is queued or running */
    long long delayed;         /* seconds a job was still busy (INFO) */
} aof_bio = { .lock = PTHREAD_MUTEX_INITIALIZER,
              .cond = PTHREAD_COND_INITIALIZER, .fd = -1 };

static int aof_start_rewrite(char *err, size_t errlen);
static void aof_start_scheduled(void);

/* ------------------------------------------------------------------------
 * Paths and the manifest */

/* 'dir/name' of a file of the AOF folder into 'buf'. */
static void aof_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", server.appenddirname, name);
}

static void aof_manifest_path(char *buf, size_t len)
{
    char name[300];
    snprintf(name, sizeof(name), "%s.manifest", server.appendfilename);
    aof_path(buf, len, name);
}

static void aof_manifest_clear(struct aof_manifest *m)
{
    mem_free(m->base);
    for (int i = 0; i < m->incr_count; i++) {
        mem_free(m->incr[i]);
    }
    memset(m, 0, sizeof(*m));
}

/* Read the manifest into 'm'. Returns 1 if read, 0 if there is none, -1
 * with 'err' filled if it is unreadable or bad. */
static int aof_manifest_read(struct aof_manifest *m, char *err,
                             size_t errlen)
{
    char path[512];
    aof_manifest_path(path, sizeof(path));
    memset(m, 0, sizeof(*m));
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if (errno == ENOENT) {
            return 0;
        }
        snprintf(err, errlen, "cannot open AOF manifest '%s': %s", path,
                 strerror(errno));
        return -1;
    }
    char line[1024];
    int lineno = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        char name[512], type[8];
        int seq;
        if (sscanf(line, "file %511s seq %d type %7s", name, &seq, type) != 3
            || strchr(name, '/') != NULL ||
            (strcmp(type, "b") != 0 && strcmp(type, "i") != 0 &&
             strcmp(type, "h") != 0)) {
            snprintf(err, errlen, "bad AOF manifest '%s' line %d", path,
                     lineno);
            fclose(f);
            aof_manifest_clear(m);
            return -1;
        }
        if (strcmp(type, "b") == 0) {
            mem_free(m->base);
            m->base = mem_strdup(name);
            m->base_seq = seq;
        } else if (strcmp(type, "i") == 0) {
            if (m->incr_count == AOF_MAX_FILES) {
                snprintf(err, errlen, "AOF manifest '%s' lists too many "
                         "files", path);
                fclose(f);
                aof_manifest_clear(m);
                return -1;
            }
            m->incr[m->incr_count++] = mem_strdup(name);
            if (seq > m->incr_seq) {
                m->incr_seq = seq;
            }
        }
    }
    fclose(f);
    return 1;
}

/* Write 'm' as the manifest, atomically. Returns 0 or -1 (logged). */
static int aof_manifest_write(const struct aof_manifest *m)
{
    char path[512], tmp[520];
    aof_manifest_path(path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        log_warn("cannot write AOF manifest '%s': %s", tmp, strerror(errno));
        return -1;
    }
    if (m->base != NULL) {
        fprintf(f, "file %s seq %d type b\n", m->base, m->base_seq);
    }
    for (int i = 0; i < m->incr_count; i++) {
        int seq = 0;
        sscanf(m->incr[i] + strlen(server.appendfilename), ".%d", &seq);
        fprintf(f, "file %s seq %d type i\n", m->incr[i], seq);
    }
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
        log_warn("cannot write AOF manifest '%s': %s", path,
                 strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static long long aof_file_size(const char *name)
{
    char path[512];
    struct stat st;
    aof_path(path, sizeof(path), name);
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static long long aof_total_size(void)
{
    long long total = aof.m.base != NULL ? aof_file_size(aof.m.base) : 0;
    for (int i = 0; i < aof.m.incr_count; i++) {
        total += aof_file_size(aof.m.incr[i]);
    }
    return total;
}

/* ------------------------------------------------------------------------
 * Writing */

/* The propagation hook. */
static void aof_on_propagate(int dbid, int argc, const struct arg *argv)
{
    if (aof.fd < 0 || server.loading) {
        return;
    }
    aof.buf = backlog_cat_command(aof.buf, &aof.seldb, dbid, argc, argv);
}

static bool aof_fsync_always(void)
{
    return strcmp(server.appendfsync, "always") == 0;
}

void aof_flush(void)
{
    if (aof.fd < 0 || aof.buf == NULL || sds_len(aof.buf) == 0) {
        return;
    }
    size_t len = sds_len(aof.buf), off = 0;
    while (off < len) {
        ssize_t n = write(aof.fd, aof.buf + off, len - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (aof.last_write_ok) {
                log_error("cannot write the AOF: %s",
                          n < 0 ? strerror(errno) : "short write");
            }
            aof.last_write_ok = false;
            break;
        }
        off += (size_t)n;
    }
    if (off == len) {
        aof.last_write_ok = true;
    }
    aof.current_size += (long long)off;
    memmove(aof.buf, aof.buf + off, len - off);
    sds_set_len(aof.buf, len - off);
    aof.dirty_since_fsync = true;
    if (aof_fsync_always()) {
        if (fdatasync(aof.fd) != 0) {
            log_error("cannot fsync the AOF: %s", strerror(errno));
            aof.last_write_ok = false;
        }
        aof.dirty_since_fsync = false;
        aof.last_fsync = server.mstime;
    }
}

static void *aof_bio_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&aof_bio.lock);
    for (;;) {
        while (aof_bio.fd < 0 && !aof_bio.stop) {
            pthread_cond_wait(&aof_bio.cond, &aof_bio.lock);
        }
        if (aof_bio.fd < 0) {
            break;
        }
        int fd = aof_bio.fd;
        aof_bio.fd = -1;
        pthread_mutex_unlock(&aof_bio.lock);
        if (fdatasync(fd) != 0) {
            log_warn("cannot fsync the AOF: %s", strerror(errno));
        }
        close(fd);
        pthread_mutex_lock(&aof_bio.lock);
        aof_bio.busy = false;
    }
    pthread_mutex_unlock(&aof_bio.lock);
    return NULL;
}

/* Hand an fsync of the current file to the thread. Returns false if the
 * previous one still runs (the disk is slow: try again next second). */
static bool aof_bio_fsync(void)
{
    if (!aof_bio.started) {
        if (pthread_create(&aof_bio.thread, NULL, aof_bio_main, NULL) != 0) {
            /* No thread: sync here rather than not at all. */
            if (fdatasync(aof.fd) != 0) {
                log_warn("cannot fsync the AOF: %s", strerror(errno));
            }
            return true;
        }
        aof_bio.started = true;
    }
    pthread_mutex_lock(&aof_bio.lock);
    bool queued = false;
    if (!aof_bio.busy) {
        int fd = dup(aof.fd);
        if (fd < 0) {
            log_warn("cannot dup the AOF descriptor: %s", strerror(errno));
        } else {
            aof_bio.fd = fd;
            aof_bio.busy = true;
            pthread_cond_signal(&aof_bio.cond);
            queued = true;
        }
    } else {
        aof_bio.delayed++;
    }
    pthread_mutex_unlock(&aof_bio.lock);
    return queued;
}

/* Stop the fsync thread after its last job. */
static void aof_bio_stop(void)
{
    if (!aof_bio.started) {
        return;
    }
    pthread_mutex_lock(&aof_bio.lock);
    aof_bio.stop = true;
    pthread_cond_signal(&aof_bio.cond);
    pthread_mutex_unlock(&aof_bio.lock);
    pthread_join(aof_bio.thread, NULL);
    aof_bio.started = false;
    aof_bio.stop = false;
}

void aof_before_sleep(void)
{
    if (!aof.commit_pending) {
        return;
    }
    aof.commit_pending = false;
    aof_flush();
    for (struct client *c = server.clients; c != NULL; c = c->next) {
        if (c->flags & CLIENT_AOF_WAIT) {
            c->flags &= ~CLIENT_AOF_WAIT;
            client_flush(c);
        }
    }
}

bool aof_defer_reply(struct client *c)
{
    if (aof.fd < 0 || aof.buf == NULL ||
        (sds_len(aof.buf) == 0 && !aof.commit_pending)) {
        return false;
    }
    c->flags |= CLIENT_AOF_WAIT;
    aof.commit_pending = true;
    return true;
}

void aof_cron(void)
{
    aof_flush();
    aof_start_scheduled();
    if (aof.fd >= 0 && aof.dirty_since_fsync &&
        strcmp(server.appendfsync, "everysec") == 0 &&
        server.mstime - aof.last_fsync >= 1000 && aof_bio_fsync()) {
        aof.dirty_since_fsync = false;
        aof.last_fsync = server.mstime;
    }
}

/* Open a new incremental file, add it to the manifest and write there
 * from now on. With 'record' the manifest on disk lists it at once;
 * without (no AOF exists yet, its first base is being written) it is
 * written when the base is, so a crash before that leaves no AOF and the
 * next start loads the RDB file as before. Returns 0 or -1 + 'err'. */
static int aof_open_new_incr(bool record, char *err, size_t errlen)
{
    if (aof.m.incr_count == AOF_MAX_FILES) {
        snprintf(err, errlen, "too many AOF files: rewrite failed too often");
        return -1;
    }
    char name[300], path[512];
    int seq = aof.m.incr_seq + 1;
    snprintf(name, sizeof(name), "%s.%d.incr.aof", server.appendfilename,
             seq);
    aof_path(path, sizeof(path), name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
                  0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create '%s': %s", path,
                 strerror(errno));
        return -1;
    }
    aof.m.incr[aof.m.incr_count++] = mem_strdup(name);
    aof.m.incr_seq = seq;
    if (record && aof_manifest_write(&aof.m) != 0) {
        mem_free(aof.m.incr[--aof.m.incr_count]);
        aof.m.incr_seq--;
        close(fd);
        unlink(path);
        snprintf(err, errlen, "cannot update the AOF manifest");
        return -1;
    }
    if (aof.fd >= 0) {
        aof_flush();
        if (fsync(aof.fd) != 0) {
            log_warn("cannot fsync the AOF: %s", strerror(errno));
        }
        close(aof.fd);
    }
    aof.fd = fd;
    aof.seldb = -1;
    return 0;
}

/* ------------------------------------------------------------------------
 * Rewrite */

/* Remove the file 'name' of the AOF folder. */
static void aof_unlink(const char *name)
{
    char path[512];
    aof_path(path, sizeof(path), name);
    if (unlink(path) != 0 && errno != ENOENT) {
        log_warn("cannot remove '%s': %s", path, strerror(errno));
    }
}

/* child.c's reaper: the rewrite child ended with 'status'; install its
 * base or drop it. */
static void aof_on_child_done(int status, void *arg)
{
    bool saved = child_ok(status);
    aof.last_rewrite_ms = server.mstime - aof.child_start;
    aof.last_rewrite_ok = false;
    char base[300], path[512];
    snprintf(base, sizeof(base), "%s.%d.base.%s", server.appendfilename,
             aof.child_base_seq, aof.child_rdb ? "rdb" : "aof");
    aof_path(path, sizeof(path), base);
    if (!saved) {
        log_warn("AOF rewrite failed in the child");
        unlink(aof.child_file);
    } else if (rename(aof.child_file, path) != 0) {
        log_warn("cannot rename '%s' to '%s': %s", aof.child_file, path,
                 strerror(errno));
        unlink(aof.child_file);
    } else {
        /* The new base replaces the old one and every incremental file
         * that existed at the fork. */
        struct aof_manifest next;
        memset(&next, 0, sizeof(next));
        next.base = mem_strdup(base);
        next.base_seq = aof.child_base_seq;
        for (int i = aof.child_incr_count; i < aof.m.incr_count; i++) {
            next.incr[next.incr_count++] = mem_strdup(aof.m.incr[i]);
        }
        next.incr_seq = aof.m.incr_seq;
        if (aof_manifest_write(&next) != 0) {
            aof_manifest_clear(&next);
            unlink(path);
        } else {
            if (aof.m.base != NULL) {
                aof_unlink(aof.m.base);
            }
            for (int i = 0; i < aof.child_incr_count; i++) {
                aof_unlink(aof.m.incr[i]);
            }
            aof_manifest_clear(&aof.m);
            aof.m = next;
            aof.last_rewrite_ok = true;
            aof.rewrites++;
            aof.current_size = aof_total_size();
            aof.base_size = aof.current_size;
            log_info("background AOF rewrite finished in %lld ms",
                     aof.last_rewrite_ms);
        }
    }
    aof.rewrite_failures = aof.last_rewrite_ok ? 0
                                               : aof.rewrite_failures + 1;
    aof_start_scheduled();
}

/* Start the rewrite BGREWRITEAOF or a full sync scheduled, if no snapshot
 * child runs now. */
static void aof_start_scheduled(void)
{
    if (!aof.scheduled || child_busy(CHILD_AOF)) {
        return;
    }
    char err[256];
    aof.scheduled = false;
    if (aof_start_rewrite(err, sizeof(err)) != 0) {
        log_warn("cannot start the scheduled AOF rewrite: %s", err);
    }
}

/* Start a rewrite now. Returns 0 or -1 + 'err'. */
static int aof_start_rewrite(char *err, size_t errlen)
{
    if (mkdir(server.appenddirname, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the AOF folder '%s': %s",
                 server.appenddirname, strerror(errno));
        return -1;
    }
    bool exists = aof.m.base != NULL || aof.m.incr_count > 0;
    if (server.appendonly && aof_open_new_incr(exists, err, errlen) != 0) {
        return -1;
    }
    /* aof-use-rdb-preamble no: the base is written as commands. */
    const char *preamble = config_stored_get("aof-use-rdb-preamble");
    bool rdb = preamble == NULL || strcasecmp(preamble, "no") != 0;
    snprintf(aof.child_file, sizeof(aof.child_file),
             "temp-rewriteaof-bg-%d.%s", (int)getpid(), rdb ? "rdb" : "aof");
    pid_t pid;
    if (rdb) {
        pid = child_fork_save(CHILD_AOF, aof.child_file, aof_on_child_done,
                              NULL, err, errlen);
    } else {
        pid = child_fork(CHILD_AOF, aof_on_child_done, NULL, err, errlen);
        if (pid == 0) {
            int rc = aof_rewrite_file(aof.child_file);
            child_report(rdb_state.keys_saved, 0, true);
            _exit(rc == 0 ? 0 : 1);
        }
    }
    if (pid < 0) {
        return -1;
    }
    aof.child_rdb = rdb;
    aof.child_start = server.mstime;
    aof.child_base_seq = (aof.m.base_seq > aof.m.incr_seq ? aof.m.base_seq
                                                          : aof.m.incr_seq)
                         + 1;
    /* Everything but the incremental file just opened is in the child's
     * snapshot. */
    aof.child_incr_count = aof.m.incr_count - (server.appendonly ? 1 : 0);
    log_info("background AOF rewrite started by pid %d", (int)pid);
    return 0;
}

/* BGREWRITEAOF */
void cmd_bgrewriteaof(struct client *c)
{
    if (child_pid(CHILD_AOF) != -1) {
        reply_error(c, "Background append only file rewriting already in "
                       "progress");
        return;
    }
    if (child_busy(CHILD_AOF)) {
        aof.scheduled = true;
        reply_simple(c, "Background append only file rewriting scheduled");
        return;
    }
    char err[512];
    if (aof_start_rewrite(err, sizeof(err)) != 0) {
        reply_error(c, "Background append only file rewriting failed: %s",
                    err);
        return;
    }
    reply_simple(c, "Background append only file rewriting started");
}

/* ------------------------------------------------------------------------
 * Loading */

/* Replay the commands of the file 'name'. 'last': the newest file, the
 * only one whose tail may be cut. Returns 0 or -1 + 'err'. */
static int aof_replay(const char *name, bool last, char *err, size_t errlen)
{
    char path[512];
    aof_path(path, sizeof(path), name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open AOF file '%s': %s", path,
                 strerror(errno));
        return -1;
    }
    struct client *fake = mem_calloc(1, sizeof(*fake));
    fake->fd = -1;
    fake->flags = CLIENT_LOADER;
    fake->db = &server.db[0];
    fake->authenticated = true;
    snprintf(fake->addr, sizeof(fake->addr), "aof");
    struct resp_request req;
    resp_request_init(&req);
    size_t cap = SERVER_IOBUF_LEN, len = 0, pos = 0;
    char *buf = mem_alloc(cap);
    long long consumed = 0, commands = 0;
    /* Where the open MULTI began, or -1: a file that ends inside a
     * transaction is cut back to before it, as Redis does. */
    long long multi_start = -1;
    int rc = 0;
    bool eof = false;
    for (;;) {
        enum resp_status st = pos < len ? resp_request_parse(&req, buf + pos,
                                                             len - pos)
                                        : RESP_AGAIN;
        if (st == RESP_ERROR) {
            snprintf(err, errlen, "bad file format reading the append only "
                     "file '%s' at byte %lld: %s", path, consumed, req.err);
            rc = -1;
            break;
        }
        if (st == RESP_AGAIN) {
            if (eof) {
                break;
            }
            if (pos > 0) {
                memmove(buf, buf + pos, len - pos);
                len -= pos;
                pos = 0;
            }
            if (len == cap) {
                cap *= 2;
                buf = mem_realloc(buf, cap);
            }
            ssize_t n = read(fd, buf + len, cap - len);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                snprintf(err, errlen, "cannot read '%s': %s", path,
                         strerror(errno));
                rc = -1;
                break;
            }
            eof = n == 0;
            len += (size_t)n;
            continue;
        }
        char *base = resp_request_base(&req, buf + pos);
        if (req.argc > fake->argv_cap) {
            fake->argv_cap = req.argc;
            fake->argv = mem_realloc(fake->argv, (size_t)req.argc *
                                     sizeof(*fake->argv));
        }
        for (int i = 0; i < req.argc; i++) {
            char *p = base + req.argv[i].off;
            p[req.argv[i].len] = '\0';
            fake->argv[i].ptr = p;
            fake->argv[i].len = req.argv[i].len;
        }
        fake->argc = req.argc;
        if (fake->argc > 0 && multi_start < 0 &&
            arg_is(&fake->argv[0], "multi")) {
            multi_start = consumed;
        } else if (fake->argc > 0 && (arg_is(&fake->argv[0], "exec") ||
                                      arg_is(&fake->argv[0], "discard"))) {
            multi_start = -1;
        }
        pos += req.pos;
        consumed += (long long)req.pos;
        resp_request_clear(&req);
        if (fake->argc == 0) {
            continue;
        }
        if (commands_lookup(fake->argv[0].ptr, fake->argv[0].len) == NULL) {
            snprintf(err, errlen, "unknown command '%.64s' reading the "
                     "append only file '%s'", fake->argv[0].ptr, path);
            rc = -1;
            break;
        }
        server_process_command(fake);
        commands++;
    }
    long long total = consumed + (long long)(len - pos);
    long long cut = multi_start >= 0 ? multi_start : consumed;
    const char *what = multi_start >= 0 ? "a transaction without EXEC"
                                        : "a partial command";
    if (rc == 0 && cut < total) {
        if (!last || !server.aof_load_truncated) {
            snprintf(err, errlen, "the append only file '%s' is truncated "
                     "at byte %lld (%s follows); start with "
                     "aof-load-truncated yes to drop it", path, cut, what);
            rc = -1;
        } else {
            log_warn("the append only file '%s' is truncated at byte %lld: "
                     "dropping the %lld bytes of %s", path, cut,
                     total - cut, what);
            if (truncate(path, (off_t)cut) != 0) {
                snprintf(err, errlen, "cannot truncate '%s': %s", path,
                         strerror(errno));
                rc = -1;
            }
        }
    }
    resp_request_release(&req);
    mem_free(buf);
    multi_client_release(fake);
    mem_free(fake->argv);
    mem_free(fake);
    close(fd);
    if (rc == 0) {
        log_info("loaded %lld commands from '%s'", commands, path);
    }
    return rc;
}

bool aof_exists(void)
{
    char path[512];
    struct stat st;
    aof_manifest_path(path, sizeof(path));
    return server.appendonly && stat(path, &st) == 0;
}

int aof_load(char *err, size_t errlen)
{
    aof_manifest_clear(&aof.m);
    int rc = aof_manifest_read(&aof.m, err, errlen);
    if (rc <= 0) {
        return rc;
    }
    long long start = server_mstime();
    server.loading = true;
    rc = 0;
    if (aof.m.base != NULL) {
        char path[512];
        aof_path(path, sizeof(path), aof.m.base);
        size_t n = strlen(aof.m.base);
        if (n > 4 && strcmp(aof.m.base + n - 4, ".rdb") == 0) {
            if (rdb_load_file(path) != 0) {
                snprintf(err, errlen, "cannot load the AOF base '%s'", path);
                rc = -1;
            }
        } else {
            rc = aof_replay(aof.m.base, aof.m.incr_count == 0, err, errlen);
        }
    }
    for (int i = 0; rc == 0 && i < aof.m.incr_count; i++) {
        rc = aof_replay(aof.m.incr[i], i == aof.m.incr_count - 1, err,
                        errlen);
    }
    server.loading = false;
    if (rc == 0) {
        aof.current_size = aof_total_size();
        aof.base_size = aof.current_size;
        log_info("DB loaded from append only file in %lld ms",
                 server_mstime() - start);
    }
    return rc;
}

/* ------------------------------------------------------------------------
 * Life cycle */

void aof_init(void)
{
    aof.buf = sds_new_empty(1024);
    server_on_propagate_to(aof_on_propagate, SERVER_PROPAGATE_AOF);
}

int aof_start(char *err, size_t errlen)
{
    if (!server.appendonly) {
        return 0;
    }
    if (aof.m.incr_count == 0) {
        int rc = aof_manifest_read(&aof.m, err, errlen);
        if (rc < 0) {
            return -1;
        }
    }
    if (aof.m.incr_count == 0 && aof.m.base == NULL) {
        return aof_start_rewrite(err, errlen);
    }
    if (aof.m.incr_count == 0) {
        return aof_open_new_incr(true, err, errlen);
    }
    char path[512];
    aof_path(path, sizeof(path), aof.m.incr[aof.m.incr_count - 1]);
    aof.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (aof.fd < 0) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    aof.seldb = -1;
    aof.last_fsync = server.mstime;
    return 0;
}

/* Stop a rewrite in progress, dropping its file. */
static void aof_kill_child(void)
{
    aof.scheduled = false;
    if (child_pid(CHILD_AOF) <= 0) {
        return;
    }
    child_forget(CHILD_AOF);
    unlink(aof.child_file);
}

/* Write, fsync and close the incremental file. */
static void aof_close(void)
{
    if (aof.fd < 0) {
        return;
    }
    aof_flush();
    if (fsync(aof.fd) != 0) {
        log_warn("cannot fsync the AOF: %s", strerror(errno));
    }
    close(aof.fd);
    aof.fd = -1;
}

void aof_release(void)
{
    aof_kill_child();
    aof_close();
    aof_bio_stop();
    aof_manifest_clear(&aof.m);
    sds_free(aof.buf);
    aof.buf = NULL;
}

int aof_set_enabled(bool on, char *err, size_t errlen)
{
    if (on && aof.fd < 0) {
        server.appendonly = true;
        if (child_pid(CHILD_AOF) != -1) {
            /* The running rewrite did not switch files: start over. */
            aof_kill_child();
        }
        aof_manifest_clear(&aof.m);
        if (aof_manifest_read(&aof.m, err, errlen) < 0) {
            server.appendonly = false;
            aof_close();
            return -1;
        }
        if (child_busy(CHILD_AOF)) {
            /* A BGSAVE or replication child runs: as Redis, start the
             * first rewrite when it is done. Until then nothing is
             * logged, and the rewrite's snapshot will hold it all. */
            log_info("AOF enabled while another child runs: its rewrite "
                     "is scheduled");
            aof.scheduled = true;
            return 0;
        }
        if (aof_start_rewrite(err, errlen) != 0) {
            server.appendonly = false;
            aof_close();
            return -1;
        }
    } else if (!on) {
        aof_kill_child();
        aof_close();
        server.appendonly = false;
    }
    return 0;
}

void aof_after_full_sync(void)
{
    if (!server.appendonly) {
        return;
    }
    char err[512];
    if (child_busy(CHILD_AOF)) {
        aof.scheduled = true;
    } else if (aof_start_rewrite(err, sizeof(err)) != 0) {
        log_warn("cannot rewrite the AOF after a full sync: %s", err);
    }
}

size_t aof_buffer_size(void)
{
    return aof.buf != NULL ? sds_alloc_size(aof.buf) : 0;
}

char *aof_info(char *s)
{
    pthread_mutex_lock(&aof_bio.lock);
    int busy = aof_bio.busy;
    long long delayed = aof_bio.delayed;
    pthread_mutex_unlock(&aof_bio.lock);
    char line[256];
    int n = snprintf(line, sizeof(line),
                     "aof_enabled:%d\r\naof_rewrite_in_progress:%d\r\n"
                     "aof_rewrite_scheduled:%d\r\n"
                     "aof_last_rewrite_time_sec:%lld\r\n"
                     "aof_current_rewrite_time_sec:%lld\r\n",
                     aof.fd >= 0, child_pid(CHILD_AOF) != -1, aof.scheduled,
                     aof.last_rewrite_ms < 0 ? -1
                                             : aof.last_rewrite_ms / 1000,
                     child_pid(CHILD_AOF) != -1
                         ? (server.mstime - aof.child_start) / 1000 : -1);
    s = sds_cat(s, line, (size_t)n);
    n = snprintf(line, sizeof(line),
                 "aof_last_bgrewrite_status:%s\r\n"
                 "aof_rewrites:%lld\r\n"
                 "aof_rewrites_consecutive_failures:%lld\r\n"
                 "aof_last_write_status:%s\r\n"
                 "aof_last_cow_size:%lld\r\n",
                 aof.last_rewrite_ok ? "ok" : "err", aof.rewrites,
                 aof.rewrite_failures, aof.last_write_ok ? "ok" : "err",
                 child_progress()->last_cow[CHILD_AOF]);
    s = sds_cat(s, line, (size_t)n);
    /* No modules can be loaded, so no module ever forks: always 0. */
    s = sds_catfmt(s, "module_fork_in_progress:0\r\n"
                      "module_fork_last_cow_size:0\r\n");
    if (aof.fd >= 0) {
        n = snprintf(line, sizeof(line),
                     "aof_current_size:%lld\r\naof_base_size:%lld\r\n"
                     "aof_pending_rewrite:%d\r\naof_buffer_length:%zu\r\n"
                     "aof_pending_bio_fsync:%d\r\n"
                     "aof_delayed_fsync:%lld\r\n",
                     aof.current_size, aof.base_size, aof.scheduled,
                     sds_len(aof.buf), busy, delayed);
        s = sds_cat(s, line, (size_t)n);
    }
    return s;
}
