/* One-line logging with levels, a role name and reopen-on-SIGHUP; see
 * log.h. Safe to call from several threads: each line is one fprintf on a
 * stdio stream, which locks the stream. */
#include "lib/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/mem.h"

static const char *log_names[] = { "debug", "info", "warn", "error" };

static char log_role[32] = "codis";
static char *log_path;
static FILE *log_file;
static _Atomic int log_level = LOG_INFO;

int log_init(const char *role, const char *path, char *err, size_t errlen)
{
    snprintf(log_role, sizeof(log_role), "%s", role);
    mem_free(log_path);
    log_path = (path != NULL && path[0] != '\0') ? mem_strdup(path) : NULL;
    if (log_reopen() != 0) {
        snprintf(err, errlen, "cannot open log file '%s': %s", path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int log_reopen(void)
{
    if (log_path == NULL) {
        return 0;
    }
    FILE *f = fopen(log_path, "a");
    if (f == NULL) {
        return -1;
    }
    if (log_file == NULL) {
        setvbuf(f, NULL, _IOLBF, 0);
        log_file = f;
        return 0;
    }
    /* Other threads may be writing to log_file: keep the stream and swap
     * the file under it, which dup2 does in one step. */
    fflush(log_file);
    int rc = dup2(fileno(f), fileno(log_file)) < 0 ? -1 : 0;
    fclose(f);
    return rc;
}

int log_parse_level(const char *name, enum log_level *level)
{
    for (int i = LOG_DEBUG; i <= LOG_ERROR; i++) {
        if (strcasecmp(name, log_names[i]) == 0) {
            *level = (enum log_level)i;
            return 0;
        }
    }
    if (strcasecmp(name, "warning") == 0) {
        *level = LOG_WARN;
        return 0;
    }
    return -1;
}

void log_set_level(enum log_level level)
{
    atomic_store(&log_level, (int)level);
}

enum log_level log_get_level(void)
{
    return (enum log_level)atomic_load(&log_level);
}

const char *log_level_name(enum log_level level)
{
    return log_names[level];
}

void log_write(enum log_level level, const char *fmt, ...)
{
    if ((int)level < atomic_load(&log_level)) {
        return;
    }
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* One line per message, whatever the text holds. */
    for (char *p = msg; *p != '\0'; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(log_file != NULL ? log_file : stderr, "%s.%03d %-5s %s[%d] %s\n",
            stamp, (int)(tv.tv_usec / 1000), log_names[level], log_role,
            (int)getpid(), msg);
}

void log_close(void)
{
    if (log_file != NULL) {
        fclose(log_file);
        log_file = NULL;
    }
    mem_free(log_path);
    log_path = NULL;
}
