/* Logging shared by every role: one line per message with timestamp,
 * level, role, pid and text, to stderr or a file. log_reopen() serves SIGHUP
 * after logrotate moved the file; the level can change at run time. */
#ifndef CODIS_LOG_H
#define CODIS_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* Severity, most verbose first. */
enum log_level {
    LOG_DEBUG,
    LOG_INFO,
    LOG_WARN,
    LOG_ERROR,
};

/* Set the role name shown on each line and open 'path' for appending (NULL
 * or "" means stderr). Returns 0, or -1 with 'err' (of 'errlen' bytes)
 * filled when the file cannot be opened. */
int log_init(const char *role, const char *path, char *err, size_t errlen);

/* Reopen the log file by name (SIGHUP after rotation). Returns 0 or -1. */
int log_reopen(void);

/* Parse "debug", "info", "warn"/"warning", "error" into 'level'. Returns 0,
 * or -1 if 'name' is none of those. */
int log_parse_level(const char *name, enum log_level *level);

/* Change / read the level below which messages are dropped. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* The name of 'level', as log_parse_level accepts it. */
const char *log_level_name(enum log_level level);

/* Write one message at 'level' if the current level lets it through. */
void log_write(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Close the log file (at exit). */
void log_close(void);

#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_write(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)

#endif
